"""The index of the committed validation reports (docs/validation/README.md), from each report's
validate.json:  python3 -m quench_plots.validation_index docs/validation"""
import json
import os
import sys


def _counts(summary, tag):
    text = f"{summary[tag]['pass']} / {summary[tag]['fail']}"
    curves = summary.get("series", {}).get(tag)
    if curves and curves["pass"] + curves["fail"] > 0:
        text += f" (curves {curves['pass']} / {curves['fail']})"
    return text


def write_index(directory):
    rows = []
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name, "validate.json")
        if not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        s = doc["summary"]
        sizes = ", ".join(str(n) for n in doc["sizes"])
        rows.append(f"| [{name}]({name}/report.md) | {doc['title']} | {sizes} | {len(doc['points'])} | "
                    f"{_counts(s, 'exact')} | {_counts(s, 'linear_equivalence')} | {_counts(s, 'derived')} | "
                    f"**{s['exact_verdict']}** | {doc['backend']}, {doc['device']} | {doc['date_utc'][:10]} | "
                    f"{doc['wall_seconds'] / 60:.1f} min |")
    text = ["# Validation reports", "",
            "Each directory holds the `report.md`, `validate.json` and `plots/` that `quench validate` wrote for one",
            "preset of `examples/validate/` (regenerate with `bash scripts/validate_presets.sh [name ...]`; the raw",
            "`runs/` are not committed). Columns give PASS / FAIL counts over (grid point, statistic) pairs by the tag",
            "(and, in parentheses, over (grid point, curve) pairs: a curve passes when every point of it does)",
            "of the theory value: *exact* decides the verdict; *linear_equivalence* (an approximation) and *derived*",
            "(still to be confirmed) are judged by the same rule and reported, never hidden.", "",
            "What held and what did not, with the numbers: [findings.md](findings.md).", "",
            "| preset | what | sizes N | grid points | exact PASS / FAIL | linear equivalence PASS / FAIL | "
            "derived PASS / FAIL | exact verdict | backend, device | date | wall time |",
            "|---|---|---|---:|---:|---:|---:|---|---|---|---:|"] + rows
    with open(os.path.join(directory, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(text) + "\n")


if __name__ == "__main__":
    write_index(sys.argv[1] if len(sys.argv) > 1 else "docs/validation")
