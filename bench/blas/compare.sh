#!/usr/bin/env bash
# OpenBLAS against BLIS (both Debian's, both with run-time CPU dispatch) at the MLP's and CNN's
# product shapes, one and two threads, side by side with the CPU and the kernel sets.
#   bash bench/blas/compare.sh        (needs libblis-pthread-dev: apt-get install libblis-pthread-dev;
#                                      a benchmark-only package, not a PrivLab dependency)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${TMPDIR:-/tmp}/privlab-blas-compare"
mkdir -p "$out"
cc -O2 -o "$out/openblas" "$here/shapes.c" -I/usr/include/x86_64-linux-gnu/openblas-pthread -L/usr/lib/x86_64-linux-gnu/openblas-pthread -lopenblas
if [ ! -f /usr/include/x86_64-linux-gnu/blis-pthread/cblas.h ]; then
  echo "BLIS is not installed: apt-get install libblis-pthread-dev" >&2
  exit 1
fi
cc -O2 -o "$out/blis" "$here/shapes.c" -I/usr/include/x86_64-linux-gnu/blis-pthread -L/usr/lib/x86_64-linux-gnu/blis-pthread -lblis \
  -Wl,-rpath,/usr/lib/x86_64-linux-gnu/blis-pthread
root="$(cd "$here/../.." && pwd)"
if [ -x "$root/.build/release/privlab" ]; then "$root/.build/release/privlab" system | sed -n '2,4p'; fi
echo "BLIS: $(BLIS_ARCH_DEBUG=1 "$out/blis" x 2>&1 | grep -m1 'sub-configuration' || true)"
"$out/openblas" OpenBLAS > "$out/openblas.tsv"
"$out/blis" BLIS > "$out/blis.tsv"
printf '%-44s %12s %12s %12s %12s\n' "shape (GFLOP/s)" "OpenBLAS 1t" "BLIS 1t" "OpenBLAS 2t" "BLIS 2t"
paste "$out/openblas.tsv" "$out/blis.tsv" | awk -F'\t' '{ printf "%-44s %12s %12s %12s %12s\n", $2, $3, $7, $4, $8 }'
