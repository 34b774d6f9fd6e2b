#!/usr/bin/env bash
# Validates Jupyter notebooks with the nbformat package: the system's (Debian's python3-nbformat)
# if python3 has it, else from PyPI in a throw-away virtualenv (reused between runs under $TMPDIR,
# so once it has nbformat it works offline; never a PrivLab dependency).
#   scripts/check-ipynb.sh report.ipynb [more.ipynb …]
# Exit status: 0 every notebook is valid; 1 one is not (or another error);
#   77 cannot validate: python3 or its venv module (Debian's python3-venv, which
#      scripts/install-deps.sh installs) is missing;
#   75 cannot validate: nbformat is not installed and could not be downloaded from PyPI (offline?).
# On 75 and 77 the reason is the last line on stderr.
set -euo pipefail
cannot() { echo "check-ipynb.sh: cannot validate: $2" >&2; exit "$1"; }

command -v python3 >/dev/null 2>&1 || cannot 77 "python3 is not installed"
python=""
# The python3 on PATH may be another installation (pyenv) than the one Debian's package serves.
for candidate in python3 /usr/bin/python3; do
  if [ -z "$python" ] && command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "import nbformat" 2>/dev/null; then
    python="$candidate"
  fi
done
if [ -z "$python" ]; then
  venv="${TMPDIR:-/tmp}/privlab-nbformat-venv"
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import nbformat" 2>/dev/null; then
    # Debian splits venv's bootstrap (ensurepip) into python3-venv.
    python3 -c "import venv, ensurepip" 2>/dev/null || cannot 77 "python3's venv module is missing (Debian: python3-venv; scripts/install-deps.sh installs it)"
    python3 -m venv "$venv" >&2 || cannot 77 "python3 -m venv failed (Debian: python3-venv; scripts/install-deps.sh installs it)"
    # Few retries and a short timeout: offline, fail in seconds rather than minutes.
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/pip" install -q --retries 1 --timeout 15 nbformat >&2 \
      || cannot 75 "nbformat could not be installed from PyPI (no network?)"
  fi
  python="$venv/bin/python"
fi
"$python" - "$@" <<'PY'
import sys
import nbformat
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    outputs = sum(len(c.get("outputs", [])) for c in nb.cells)
    print(f"valid: {path} (nbformat {nb.nbformat}.{nb.nbformat_minor}, {len(nb.cells)} cells, {outputs} outputs)")
PY
