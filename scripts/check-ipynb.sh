#!/usr/bin/env bash
# Validates Jupyter notebooks with the nbformat package from PyPI, in a throw-away virtualenv
# (reused between runs under $TMPDIR; never a PrivLab dependency).
#   scripts/check-ipynb.sh report.ipynb [more.ipynb …]
set -euo pipefail
venv="${TMPDIR:-/tmp}/privlab-nbformat-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import nbformat" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q nbformat
fi
"$venv/bin/python" - "$@" <<'PY'
import sys
import nbformat
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    outputs = sum(len(c.get("outputs", [])) for c in nb.cells)
    print(f"valid: {path} (nbformat {nb.nbformat}.{nb.nbformat_minor}, {len(nb.cells)} cells, {outputs} outputs)")
PY
