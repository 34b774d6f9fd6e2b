#!/usr/bin/env bash
# The SELENA authors' own pipeline on PrivLab's records, kept beside the reproduction's report.
#
#   PYTHON=/path/to/venv/bin/python scripts/selena_authors_pipeline.sh
#
# notebooks/reproductions/selena2022.lua exports its four record sets (-P export=DIR); the
# authors' Purchase-100 pipeline, rewritten in PyTorch from their scripts
# (Tests/PrivLabTests/Fixtures/make_selena_reference.py --pipeline), then trains the undefended
# network, Split-AI and the SELENA student on them and runs their four threshold attacks — at the
# notebook's scale-down and at the authors' literal setting (30/60 epochs, batch 512, the epoch
# with the best test accuracy kept). Both outputs go to
# results/reproductions/selena2022_authors_pipeline.txt with the commit and versions they ran on,
# so that the notebook's comparison of the two implementations can be checked and regenerated.
# PYTHON must have numpy and torch (a throw-away virtualenv; never a runtime dependency).
source "$(dirname "$0")/authors-code-common.sh" || exit 1
out=results/reproductions/selena2022_authors_pipeline.txt
mkdir -p "$dir/records"
"$bin" run notebooks/reproductions/selena2022.lua -P export="$dir/records" -o "$dir/export-run.md" > /dev/null
ref=Tests/PrivLabTests/Fixtures/make_selena_reference.py
{
  kept_header "SELENA: the authors' pipeline (PyTorch) on the records selena2022.lua exports" Sources lua notebooks Tests/PrivLabTests/Fixtures
  echo
  echo "## the notebook's scale-down (20 epochs, 40 distillation epochs, batch 128, last epoch)"
  OMP_NUM_THREADS=2 "$py" "$ref" --pipeline "$dir/records"
  echo
  echo "## the authors' literal setting (--select best_test --epochs 30 --distill_epochs 60 --batch 512)"
  OMP_NUM_THREADS=2 "$py" "$ref" --pipeline "$dir/records" --select best_test --epochs 30 --distill_epochs 60 --batch 512
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "kept: $out"
