#!/usr/bin/env bash
# Installs the Debian packages PrivLab needs, only those that are missing. Safe to run repeatedly.
#   liblua5.4-dev         the embedded Lua 5.4 interpreter (headers + library)
#   libopenblas-dev       BLAS for all dense linear algebra
#   pkg-config            lets SwiftPM find both
#   zlib1g-dev            gzip'd IDX files
#   dataset-fashion-mnist Fashion-MNIST in /usr/share/datasets/fashion-mnist
#   chromium              headless browser the tests load HTML reports in (not needed to run PrivLab)
#   python3-venv          throw-away venvs in which the tests validate Jupyter exports with nbformat
#   python3-nbformat      …or Debian's nbformat, so that validation needs no network
#   librsvg2-bin          rsvg-convert: the tests render every figure they produce to PNG
#   patchelf              make dist: points the release binary at its bundled libraries
set -euo pipefail

packages=(liblua5.4-dev libopenblas-dev pkg-config zlib1g-dev dataset-fashion-mnist chromium python3-venv python3-nbformat librsvg2-bin patchelf)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "error: the Swift toolchain (6.0 or newer) is not on PATH; install it from swift.org first" >&2
  exit 1
fi
