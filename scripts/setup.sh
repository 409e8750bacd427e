#!/usr/bin/env bash
# Set-up on a fresh Debian-like machine: system BLAS (when possible), npm dependencies, the native
# kernels, the TypeScript build. It never fails for lack of OpenBLAS/LAPACKE: gnvpro then runs on
# its pure-TypeScript kernels and this script says so.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

# 1. OpenBLAS + LAPACKE (and a compiler) from apt, when missing and we are root with apt-get.
if bash scripts/build-native.sh --probe >/dev/null 2>&1; then
  say "OpenBLAS and LAPACKE found"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  pkgs="libopenblas-dev liblapacke-dev pkg-config"
  command -v cc >/dev/null 2>&1 || pkgs="$pkgs build-essential"
  command -v python3 >/dev/null 2>&1 || pkgs="$pkgs python3"
  say "installing $pkgs with apt-get"
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pkgs >/dev/null; }; then
    say "WARNING: apt-get could not install $pkgs; continuing without them"
  fi
else
  say "OpenBLAS/LAPACKE missing and cannot install them here (needs root and apt-get); continuing"
fi

# 2. npm dependencies (exact versions from package-lock.json). Install scripts are not relied upon.
npm ci --no-audit --no-fund

# 3. The native kernels, built explicitly (never fails; falls back to the js kernels).
native=yes
bash scripts/build-native.sh || native=no
[ -f build/Release/gnvpro_kernels.node ] || native=no

# 4. The TypeScript build.
npm run build --silent

if [ "$native" = yes ]; then
  say "done: native kernels (OpenBLAS) built"
else
  say "done: WITHOUT native kernels — gnvpro will use its pure-TypeScript kernels (correct, slower)"
fi
