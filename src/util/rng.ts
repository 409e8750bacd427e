/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna) seeded through splitmix32.
 * Deterministic across platforms and backends (only 32-bit integer arithmetic); the whole state is
 * four 32-bit words plus a cached normal deviate, so it serialises into checkpoints.
 */
export interface RngState {
  s: [number, number, number, number];
  spare: number | null;
}

function splitmix32(x: number): [number, number] {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [x, z >>> 0];
}

export class Rng {
  private s = new Uint32Array(4);
  private spare: number | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
    let x = Math.floor(seed) | 0;
    // fold the high part of large seeds in too
    x ^= Math.floor(seed / 4294967296) | 0;
    for (let i = 0; i < 4; i++) {
      const [nx, z] = splitmix32(x);
      x = nx;
      this.s[i] = z;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.s;
    const r = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return r;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform on [a, b). */
  uniformRange(a: number, b: number): number {
    return a + (b - a) * this.uniform();
  }

  /** Standard normal deviate (Marsaglia polar method). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const q = u * u + v * v;
      if (q > 0 && q < 1) {
        const f = Math.sqrt((-2 * Math.log(q)) / q);
        this.spare = v * f;
        return u * f;
      }
    }
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** Fill an array with uniform deviates on [a, b). */
  fillUniform(out: Float64Array, a = 0, b = 1): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = a + (b - a) * this.uniform();
    return out;
  }

  /** Fill an array with normal deviates of the given standard deviation. */
  fillNormal(out: Float64Array, std = 1): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = std * this.normal();
    return out;
  }

  /** An independent generator derived from this one (advances this one). */
  fork(): Rng {
    return new Rng(this.nextUint32() ^ (this.nextUint32() << 1));
  }

  getState(): RngState {
    return { s: [this.s[0], this.s[1], this.s[2], this.s[3]], spare: this.spare };
  }

  setState(st: RngState): void {
    if (!Array.isArray(st.s) || st.s.length !== 4 || !st.s.every((v) => Number.isInteger(v) && v >= 0))
      throw new Error("Rng.setState: state must hold four unsigned 32-bit integers");
    for (let i = 0; i < 4; i++) this.s[i] = st.s[i];
    this.spare = st.spare;
  }

  static fromState(st: RngState): Rng {
    const r = new Rng(0);
    r.setState(st);
    return r;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
