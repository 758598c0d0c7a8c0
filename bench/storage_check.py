#!/usr/bin/env python3
"""Are the statistics unchanged when J is held in 16 bits (coupling.storage = bf16 / fp16)?

Runs `quench simulate` on one config with coupling.storage = full, bf16 and fp16 (same seeds), and
for every statistic of the summary (x and phi, equal-time and zero-frequency) prints
z = (mean_16 - mean_full) / sqrt(sem_16^2 + sem_full^2), the difference of the ensemble means in
units of their combined standard error. The verdict: every |z| <= 3 (the realizations are the same
disorder draws rounded, so the true difference is far below the error bars; a wrong product would
show as |z| >> 3). Writes the table as JSON (--json) with the config, device and commit.

  python3 bench/storage_check.py --quench build/quench --backend cuda \
      --set network.n=512 --set ensemble.realizations=128 --json bench/results/storage-check.json
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

STORAGES = ("full", "bf16", "fp16")


def simulate(args, storage, workdir):
    prefix = os.path.join(workdir, storage)
    command = [args.quench, "simulate", args.config, "--backend", args.backend, "--out", prefix,
               "--set", f"coupling.storage={storage}"]
    for setting in args.set:
        command += ["--set", setting]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    with open(prefix + ".json") as f:
        return json.load(f)


def compare(full, rounded):
    rows = []
    for variable, kinds in full["summary"].items():
        for kind, stats in kinds.items():
            for name, a in stats.items():
                b = rounded["summary"][variable][kind][name]
                spread = math.hypot(a["sem"], b["sem"])
                z = 0.0 if a["mean"] == b["mean"] else (b["mean"] - a["mean"]) / spread
                rows.append({"variable": variable, "covariance": kind, "statistic": name,
                             "full": a["mean"], "rounded": b["mean"], "sem": spread, "z": z})
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quench", default="build/quench")
    p.add_argument("--config", default="examples/tanh_chaos.toml")
    p.add_argument("--backend", default="auto")
    p.add_argument("--set", action="append", default=[], help="extra --set KEY=VALUE for every run")
    p.add_argument("--threshold", type=float, default=3.0)
    p.add_argument("--json", help="write the comparison here")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        runs = {storage: simulate(args, storage, workdir) for storage in STORAGES}
    report = {"config": runs["full"]["config"], "provenance": runs["full"]["provenance"],
              "quench": runs["full"]["quench"], "threshold": args.threshold, "storages": {}}
    worst_overall = 0.0
    for storage in STORAGES[1:]:
        rows = compare(runs["full"], runs[storage])
        worst = max(rows, key=lambda r: abs(r["z"]))
        worst_overall = max(worst_overall, abs(worst["z"]))
        report["storages"][storage] = {"rows": rows, "max_abs_z": abs(worst["z"]),
                                       "wall_seconds": runs[storage]["provenance"]["wall_seconds"]}
        print(f"{storage}: {len(rows)} statistics, max |z| = {abs(worst['z']):.2f} "
              f"({worst['variable']} {worst['covariance']} {worst['statistic']}: "
              f"{worst['full']:.6g} vs {worst['rounded']:.6g})")
    report["verdict"] = "PASS" if worst_overall <= args.threshold else "FAIL"
    print(f"verdict: {report['verdict']} (|z| <= {args.threshold})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    return 0 if report["verdict"] == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
