#!/usr/bin/env bash
# Set-up: install dependencies, try to build the native kernels, build the TypeScript.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
npm run build
