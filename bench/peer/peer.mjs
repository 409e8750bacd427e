/**
 * TensorFlow.js peer of the gnvpro benchmark (bench/run.ts starts it; it is plain JavaScript so
 * that the library's type check never needs TensorFlow.js, which is installed only into
 * bench/peer/node_modules by `npm ci --prefix bench/peer`).
 *
 *   node bench/peer/peer.mjs PROBLEM.json OUT.json
 *
 * PROBLEM.json (written by bench/run.ts from the library's own data loaders):
 *   { name, task: "regression"|"classification", loss: "least-squares"|"logistic",
 *     network: { kind: "resnet", d, width, nt, T, eps } | { kind: "mlp", d, hidden: [..] },
 *     q, train: { Y, C, n }, val: { Y, C, n }   (Y, C column-major d×n / q×n, as plain arrays)
 *     lr, batchSize, epochs, target (validation metric to reach), higherIsBetter, reps, seed,
 *     alphaTheta, alphaW }
 *
 * Trains the same network as gnvpro (opening tanh layer + antisymmetric ResNet with RK4 and weights
 * piecewise linear in time, or the tanh MLP; then the affine last layer, trained jointly) with
 * ADAM in float32 on the wasm backend (one thread), one validation evaluation per epoch, and writes
 * per repetition: seconds per epoch (training only), the seconds and epochs to the target, and the
 * best validation metric. Least squares: the last layer starts at its least-squares solution for the
 * initial features, as gnvpro's optimizers do.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const [problemFile, outFile] = process.argv.slice(2);
if (!problemFile || !outFile) throw new Error("usage: node bench/peer/peer.mjs PROBLEM.json OUT.json");
const P = JSON.parse(readFileSync(problemFile, "utf8"));

const require = createRequire(import.meta.url);
const wasmDir = join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm")), "/");
setWasmPaths(wasmDir);
setThreadsCount(1);
// The console spam of tfjs in Node ("Hi there 👋 ... tfjs-node") is harmless; keep stdout for us.
const origWarn = console.warn;
console.warn = () => {};
await tf.setBackend("wasm");
await tf.ready();
console.warn = origWarn;

/** Column-major d×n → a row-major n×d float32 tensor (samples as rows, tfjs' convention). */
function rowsTensor(colMajor, d, n) {
  const a = new Float32Array(d * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) a[i * d + j] = colMajor[i * d + j];
  // column-major d×n with samples as columns has sample i at [i*d, i*d+d): exactly row i of n×d
  return tf.tensor2d(a, [n, d]);
}

/** A deterministic uniform(-a, a) initialiser from a small LCG (the peer need not match gnvpro's
 *  initial point; it must only be reproducible). */
function makeUniform(seed) {
  let s = seed >>> 0 || 1;
  return (shape, a) => {
    const len = shape.reduce((x, y) => x * y, 1);
    const v = new Float32Array(len);
    for (let k = 0; k < len; k++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      v[k] = (s / 4294967296) * 2 * a - a;
    }
    return tf.variable(tf.tensor(v, shape));
  };
}

function buildModel(net, q, seed) {
  const U = makeUniform(seed);
  const xav = (fanIn, fanOut) => Math.sqrt(6 / (fanIn + fanOut));
  const vars = [];
  const v = (shape, a) => {
    const t = U(shape, a);
    vars.push(t);
    return t;
  };
  if (net.kind === "mlp") {
    const layers = [];
    let d = net.d;
    for (const w of net.hidden) {
      layers.push({ K: v([d, w], xav(d, w)), b: v([w], 0) });
      d = w;
    }
    const W = v([d, q], xav(d, q));
    const c = v([q], 0);
    const features = (Y) => {
      let Z = Y;
      for (const l of layers) Z = tf.tanh(tf.add(tf.matMul(Z, l.K), l.b));
      return Z;
    };
    return { vars, regVars: layers.flatMap((l) => [l.K, l.b]), W, c, features, thetaReg: () => null };
  }
  // opening layer + antisymmetric ResNet, samples as rows: Z (n×w), K(t) = A − Aᵀ − εI applied as Z Kᵀ
  const { d, width: w, nt, T, eps } = net;
  const h = T / (nt - 1);
  const K0 = v([d, w], xav(d, w));
  const b0 = v([w], 0);
  const A = [];
  const b = [];
  for (let k = 0; k < nt; k++) {
    A.push(v([w, w], xav(w, w)));
    b.push(v([w], 0));
  }
  const upper = tf.linalg.bandPart(tf.ones([w, w]), 0, -1).sub(tf.eye(w)); // strict upper triangle
  const epsI = tf.eye(w).mul(eps);
  const Kt = (Ak) => {
    const a = tf.mul(Ak, upper);
    return tf.sub(tf.sub(a, tf.transpose(a)), epsI); // K (applied to row samples as Z·Kᵀ)
  };
  const features = (Y) => {
    let Z = tf.tanh(tf.add(tf.matMul(Y, K0), b0));
    const Ks = A.map(Kt);
    for (let k = 0; k < nt - 1; k++) {
      const Km = tf.mul(tf.add(Ks[k], Ks[k + 1]), 0.5);
      const bm = tf.mul(tf.add(b[k], b[k + 1]), 0.5);
      const f = (K, bb, X) => tf.tanh(tf.add(tf.matMul(X, K, false, true), bb));
      const k1 = f(Ks[k], b[k], Z);
      const k2 = f(Km, bm, tf.add(Z, tf.mul(k1, h / 2)));
      const k3 = f(Km, bm, tf.add(Z, tf.mul(k2, h / 2)));
      const k4 = f(Ks[k + 1], b[k + 1], tf.add(Z, tf.mul(k3, h)));
      Z = tf.add(Z, tf.mul(tf.addN([k1, tf.mul(k2, 2), tf.mul(k3, 2), k4]), h / 6));
    }
    return Z;
  };
  // (α_θ/2)‖Lθ‖² with L the forward difference in time over the ResNet weights, as gnvpro
  const thetaReg = () => {
    let r = tf.scalar(0);
    for (let k = 0; k + 1 < nt; k++) {
      const dA = tf.mul(tf.sub(A[k + 1], A[k]), upper);
      const db = tf.sub(b[k + 1], b[k]);
      r = tf.add(r, tf.div(tf.add(tf.sum(tf.square(dA)), tf.sum(tf.square(db))), h * h));
    }
    return r;
  };
  const W = v([w, q], xav(w, q));
  const c = v([q], 0);
  return { vars, W, c, features, thetaReg };
}

function metricOf(P, S, C) {
  // S, C: n×q float32 arrays (row-major)
  const n = S.length / P.q;
  if (P.task === "regression") {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let e = 0;
      let c = 0;
      for (let j = 0; j < P.q; j++) {
        const r = S[i * P.q + j] - C[i * P.q + j];
        e += r * r;
        c += C[i * P.q + j] ** 2;
      }
      sum += Math.sqrt(e) / Math.sqrt(c);
    }
    return sum / n;
  }
  let correct = 0;
  for (let i = 0; i < n; i++) if (S[i] > 0 === C[i] > 0.5) correct++;
  return correct / n;
}

/**
 * gnvpro starts every optimizer from W₀ = W(θ₀), the last layer's least-squares solution for the
 * initial features; the peer does the same for least squares (normal equations in float64):
 * (ẐẐᵀ/n + α_W I) Wᵀ = Ẑ Cᵀ/n with Ẑ = [Z; 1].
 */
function varproStart(m, Ytr, Ctr) {
  const n = P.train.n;
  const Z = tf.tidy(() => m.features(Ytr).dataSync());
  const C = Ctr.dataSync();
  const w = Z.length / n;
  const w1 = w + 1;
  const q = P.q;
  const A = new Float64Array(w1 * w1);
  const B = new Float64Array(w1 * q);
  const z = new Float64Array(w1);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < w; a++) z[a] = Z[i * w + a];
    z[w] = 1;
    for (let a = 0; a < w1; a++) {
      for (let b = 0; b < w1; b++) A[a * w1 + b] += (z[a] * z[b]) / n;
      for (let k = 0; k < q; k++) B[a * q + k] += (z[a] * C[i * q + k]) / n;
    }
  }
  for (let a = 0; a < w1; a++) A[a * w1 + a] += P.alphaW;
  // Gaussian elimination with partial pivoting (A is SPD and small)
  for (let c = 0; c < w1; c++) {
    let piv = c;
    for (let r = c + 1; r < w1; r++) if (Math.abs(A[r * w1 + c]) > Math.abs(A[piv * w1 + c])) piv = r;
    if (piv !== c) {
      for (let k = 0; k < w1; k++) [A[c * w1 + k], A[piv * w1 + k]] = [A[piv * w1 + k], A[c * w1 + k]];
      for (let k = 0; k < q; k++) [B[c * q + k], B[piv * q + k]] = [B[piv * q + k], B[c * q + k]];
    }
    for (let r = c + 1; r < w1; r++) {
      const f = A[r * w1 + c] / A[c * w1 + c];
      if (f === 0) continue;
      for (let k = c; k < w1; k++) A[r * w1 + k] -= f * A[c * w1 + k];
      for (let k = 0; k < q; k++) B[r * q + k] -= f * B[c * q + k];
    }
  }
  for (let c = w1 - 1; c >= 0; c--) {
    for (let k = 0; k < q; k++) {
      let v = B[c * q + k];
      for (let r = c + 1; r < w1; r++) v -= A[c * w1 + r] * B[r * q + k];
      B[c * q + k] = v / A[c * w1 + c];
    }
  }
  // B is (w+1)×q row-major: rows 0..w−1 the w×q matrix tfjs multiplies by, row w the bias
  m.W.assign(tf.tensor2d(Float32Array.from(B.subarray(0, w * q)), [w, q]));
  m.c.assign(tf.tensor1d(Float32Array.from(B.subarray(w * q, w1 * q))));
}

function runOnce(rep) {
  const m = buildModel(P.network, P.q, P.seed + 7919 * rep);
  const Ytr = rowsTensor(P.train.Y, P.network.d, P.train.n);
  const Ctr = rowsTensor(P.train.C, P.q, P.train.n);
  if (P.loss === "least-squares") varproStart(m, Ytr, Ctr);
  const Yva = rowsTensor(P.val.Y, P.network.d, P.val.n);
  const Cva = Float32Array.from(P.val.C);
  const opt = tf.train.adam(P.lr);
  const n = P.train.n;
  const B = P.batchSize;
  const lossFn = (Yb, Cb, nb) => () => {
    const S = tf.add(tf.matMul(m.features(Yb), m.W), m.c);
    let L;
    if (P.loss === "least-squares") L = tf.div(tf.mul(tf.sum(tf.square(tf.sub(S, Cb))), 0.5), nb);
    else L = tf.div(tf.sum(tf.sub(tf.softplus(S), tf.mul(Cb, S))), nb);
    const r = m.thetaReg();
    if (r !== null && P.alphaTheta > 0) L = tf.add(L, tf.mul(r, P.alphaTheta / 2));
    if (P.alphaW > 0)
      L = tf.add(L, tf.mul(tf.add(tf.sum(tf.square(m.W)), tf.sum(tf.square(m.c))), P.alphaW / 2));
    return L;
  };
  let s = (P.seed + 104729 * rep) >>> 0 || 1;
  const perm = new Int32Array(n);
  const epochTimes = [];
  const epochCpu = [];
  let trainSeconds = 0;
  let best = null;
  let reach = null;
  const cpu0 = process.cpuUsage();
  for (let e = 0; e < P.epochs; e++) {
    for (let i = 0; i < n; i++) perm[i] = i;
    for (let i = n - 1; i > 0; i--) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const j = s % (i + 1);
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const idx = tf.tensor1d(perm, "int32");
    for (let o = 0; o < n; o += B) {
      const nb = Math.min(B, n - o);
      tf.tidy(() => {
        const ib = idx.slice([o], [nb]);
        const Yb = tf.gather(Ytr, ib);
        const Cb = tf.gather(Ctr, ib);
        opt.minimize(lossFn(Yb, Cb, nb));
      });
    }
    idx.dispose();
    const dt = (performance.now() - t0) / 1000;
    const dc = process.cpuUsage(c0);
    trainSeconds += dt;
    epochTimes.push(dt);
    epochCpu.push((dc.user + dc.system) / 1e6);
    const Sva = tf.tidy(() => tf.add(tf.matMul(m.features(Yva), m.W), m.c).dataSync());
    const v = metricOf(P, Sva, Cva);
    if (best === null || (P.higherIsBetter ? v > best : v < best)) best = v;
    if (reach === null && P.target !== null && (P.higherIsBetter ? v >= P.target : v <= P.target))
      reach = { epoch: e + 1, trainSeconds };
  }
  const cpu = process.cpuUsage(cpu0);
  const sorted = [...epochTimes].sort((a, b) => a - b);
  const sortedCpu = [...epochCpu].sort((a, b) => a - b);
  tf.dispose([Ytr, Ctr, Yva, ...m.vars]);
  opt.dispose();
  return {
    rep,
    epochs: P.epochs,
    secondsPerEpoch: sorted[sorted.length >> 1],
    cpuSecondsPerEpoch: sortedCpu[sortedCpu.length >> 1],
    trainSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    bestValMetric: best,
    reach,
  };
}

const reps = [];
for (let r = 0; r < P.reps; r++) reps.push(runOnce(r));
writeFileSync(
  outFile,
  JSON.stringify(
    {
      name: P.name,
      tfjs: tf.version.tfjs,
      backend: tf.getBackend(),
      precision: "float32",
      threads: 1,
      reps,
    },
    null,
    1,
  ),
);
