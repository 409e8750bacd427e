#!/usr/bin/env bash
# Build the native kernels (native/gnvpro_kernels.c → build/Release/gnvpro_kernels.node) with node-gyp,
# offline, against the Node headers already on the machine and the system OpenBLAS + LAPACKE.
# Never fails the set-up: without a compiler, headers or libraries it says so and exits 0 (the js
# backend is used then). With --strict it exits 1 instead.
# --probe: only check that a compiler, the Node headers and OpenBLAS + LAPACKE are usable (exit 0/1).
# Helper modes used by binding.gyp and the benchmark: --include-dirs, --libs.
set -uo pipefail
cd "$(dirname "$0")/.."

blas_cflags() { pkg-config --cflags-only-I openblas lapacke 2>/dev/null || true; }
blas_libs() {
  if pkg-config --exists openblas lapacke 2>/dev/null; then pkg-config --libs openblas lapacke; else echo "-lopenblas -llapacke"; fi
}
case "${1:-}" in
  --include-dirs)
    # space-separated directories, without -I
    for f in $(blas_cflags); do printf '%s ' "${f#-I}"; done
    for d in /usr/include/openblas /usr/include/x86_64-linux-gnu/openblas-pthread; do [ -d "$d" ] && printf '%s ' "$d"; done
    echo
    exit 0
    ;;
  --libs)
    blas_libs
    exit 0
    ;;
esac

strict=0
probe_only=0
[ "${1:-}" = "--strict" ] && strict=1
[ "${1:-}" = "--probe" ] && strict=1 && probe_only=1
give_up() {
  echo "build-native: $1 — the native kernels were not built; gnvpro will use its pure-TypeScript kernels." >&2
  exit $strict
}

command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || give_up "no C compiler (install build-essential)"
command -v make >/dev/null 2>&1 || give_up "no make (install build-essential)"
command -v python3 >/dev/null 2>&1 || give_up "no python3 (node-gyp needs it)"

# The Node headers: prefer the ones installed with node (no download).
node_bin="$(command -v node)"
nodedir=""
for d in "$(dirname "$(dirname "$node_bin")")" /usr /usr/local; do
  if [ -f "$d/include/node/node_api.h" ]; then nodedir="$d"; break; fi
done
[ -n "$nodedir" ] || give_up "no Node headers (node_api.h) found next to $(command -v node) (Debian: apt-get install libnode-dev or nodejs-dev)"

# OpenBLAS + LAPACKE present? Compile and link a probe.
probe_dir="$(mktemp -d)"
trap 'rm -rf "$probe_dir"' EXIT
cat >"$probe_dir/probe.c" <<'C'
#include <cblas.h>
#include <lapacke.h>
int main(void) { double a = 4; openblas_set_num_threads(1); return (int)LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', 1, &a, 1); }
C
incs=""
for d in $(bash scripts/build-native.sh --include-dirs); do incs="$incs -I$d"; done
# shellcheck disable=SC2086
if ! cc $incs "$probe_dir/probe.c" -o "$probe_dir/probe" $(blas_libs) 2>"$probe_dir/err"; then
  sed 's/^/  /' "$probe_dir/err" >&2
  give_up "OpenBLAS/LAPACKE headers or libraries are missing (Debian: apt-get install libopenblas-dev liblapacke-dev)"
fi

[ "$probe_only" = 1 ] && exit 0

# node-gyp: the one in node_modules if any, else the one npm bundles.
gyp=""
if [ -f node_modules/node-gyp/bin/node-gyp.js ]; then
  gyp="node_modules/node-gyp/bin/node-gyp.js"
else
  npm_root="$(npm root -g 2>/dev/null || true)"
  for c in "$npm_root/npm/node_modules/node-gyp/bin/node-gyp.js" \
    "$(dirname "$(dirname "$node_bin")")/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"; do
    if [ -f "$c" ]; then gyp="$c"; break; fi
  done
fi
[ -n "$gyp" ] || give_up "node-gyp not found (it ships with npm)"

echo "build-native: node-gyp ($gyp) with headers from $nodedir/include/node"
if ! node "$gyp" rebuild --nodedir="$nodedir" --loglevel=warn; then
  give_up "node-gyp failed (see above)"
fi
# Smoke test: load it and run a 1×1 product.
if ! node -e '
  const m = require("./build/Release/gnvpro_kernels.node");
  const a = new Float64Array([2]), b = new Float64Array([3]), c = new Float64Array(1);
  m.dgemm(0, 0, 1, 1, 1, 1, a, 1, b, 1, 0, c, 1);
  if (c[0] !== 6) throw new Error("1x1 dgemm gave " + c[0]);
'; then
  give_up "the built addon does not load or compute correctly"
fi
echo "build-native: built build/Release/gnvpro_kernels.node"
