#!/usr/bin/env bash
# make dist — a relocatable PrivLab for Linux x86-64 that runs without Swift.
#
#   scripts/make-dist.sh [-o OUTDIR] [--binary PATH]
#
# Stages privlab-<version>-linux-x86_64/ and packs it as OUTDIR/privlab-<version>-linux-x86_64.tar.gz
# (OUTDIR defaults to dist/). The archive holds:
#   bin/privlab   the release binary, its run path set to $ORIGIN/../lib (DT_RPATH, so it also holds
#                 for the libraries' own dependencies, e.g. OpenBLAS → libgfortran)
#   lib/          every shared library the binary needs that a base Debian/Ubuntu system may lack:
#                 the Swift runtime and Foundation from the toolchain, OpenBLAS (the DYNAMIC_ARCH
#                 build, so kernels are still chosen for the CPU at run time), Lua 5.4, libgfortran
#   lua/ data/ notebooks/ assignments/   as in the repository; data/fashion-mnist/ when Debian's
#                 dataset-fashion-mnist is installed here (MIT licence), found by privlab before
#                 /usr/share/datasets
#   licenses/     the licences of everything bundled;  README.md  the "without Swift" quick start
# Only libc, libm, libz, libstdc++, libgcc_s (present on every such system) stay outside.
# Needs patchelf (scripts/install-deps.sh installs it). --binary packs an existing build instead of
# building one (the tests pack the binary they were built with).
set -euo pipefail
cd "$(dirname "$0")/.."
out=dist
bin=""
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out="$2"; shift 2 ;;
    --binary) bin="$2"; shift 2 ;;
    *) echo "make-dist: unknown argument '$1' (usage: scripts/make-dist.sh [-o OUTDIR] [--binary PATH])" >&2; exit 2 ;;
  esac
done
command -v patchelf >/dev/null || { echo "make-dist: patchelf is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
if [ -z "$bin" ]; then
  swift build -c release
  bin=.build/release/privlab
fi
[ -x "$bin" ] || { echo "make-dist: no binary at $bin" >&2; exit 1; }

version=$("$bin" --version)
name="privlab-$version-linux-x86_64"
mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"
mkdir -p "$root/bin" "$root/lib" "$root/licenses"
cp "$bin" "$root/bin/privlab"

# Libraries: everything ldd resolves except the base system's.
base='^(linux-vdso|ld-linux|libc\.so|libm\.so|libz\.so|libstdc\+\+\.so|libgcc_s\.so|libpthread\.so|libdl\.so|librt\.so)'
ldd "$bin" | awk '/=> \// { print $1, $3 }' | while read -r soname path; do
  if [[ "$soname" =~ $base ]]; then continue; fi
  cp -L "$path" "$root/lib/$soname"
done
patchelf --force-rpath --set-rpath '$ORIGIN/../lib' "$root/bin/privlab"
for so in "$root"/lib/*; do patchelf --force-rpath --set-rpath '$ORIGIN' "$so"; done

cp -R lua notebooks assignments "$root/"
mkdir -p "$root/data"
cp data/*.csv data/*.classes data/README.md "$root/data/"
fm=${PRIVLAB_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
if [ -f "$fm/train-images-idx3-ubyte.gz" ]; then
  mkdir -p "$root/data/fashion-mnist"
  cp "$fm"/*-ubyte.gz "$root/data/fashion-mnist/"
  [ -f /usr/share/doc/dataset-fashion-mnist/copyright ] && cp /usr/share/doc/dataset-fashion-mnist/copyright "$root/licenses/fashion-mnist.txt"
else
  echo "make-dist: note: Fashion-MNIST not found in $fm — the archive will use the system's (apt-get install dataset-fashion-mnist)" >&2
fi

# Licences of what is bundled (Debian's copyright files; the toolchain's for the Swift runtime).
for pkg in libopenblas0-pthread liblua5.4-0 libgfortran5 libquadmath0; do
  [ -f "/usr/share/doc/$pkg/copyright" ] && cp "/usr/share/doc/$pkg/copyright" "$root/licenses/$pkg.txt"
done
swiftroot=$(dirname "$(dirname "$(readlink -f "$(command -v swift || echo /opt/swift/usr/bin/swift)")")")
[ -f "$swiftroot/share/swift/LICENSE.txt" ] && cp "$swiftroot/share/swift/LICENSE.txt" "$root/licenses/swift-runtime.txt"
cp scripts/dist-README.md "$root/README.md"

tar -C "$stage" -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz"
