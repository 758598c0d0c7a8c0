#!/usr/bin/env bash
# Runs every validation preset (examples/validate/*.toml) in full and writes its report, numbers
# and plots to docs/validation/<preset>/ (the raw runs/ stay out of git). Pass --quick for the CI
# form, or preset names to run only those:  bash scripts/validate_presets.sh [--quick] [name ...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
quick=()
names=()
for a in "$@"; do
  if [[ $a == --quick ]]; then quick=(--quick); else names+=("$a"); fi
done
if ((${#names[@]} == 0)); then
  for f in "$root"/examples/validate/*.toml; do names+=("$(basename "$f" .toml)"); done
fi
status=0
for name in "${names[@]}"; do
  out="$root/docs/validation/$name"
  [[ ${#quick[@]} -gt 0 ]] && out="$root/build/validation-quick/$name"
  rm -rf "$out"
  echo "== $name -> $out"
  (cd "$root" && ./build/quench validate "examples/validate/$name.toml" "${quick[@]}" --backend cpu \
      --out "${out#"$root"/}") || status=$?
done
if [[ ${#quick[@]} -eq 0 ]]; then
  PYTHONPATH="$root/python" python3 -m quench_plots.validation_index "$root/docs/validation"
fi
exit $status
