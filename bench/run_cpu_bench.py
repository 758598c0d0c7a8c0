#!/usr/bin/env python3
"""CPU backend against the numpy/OpenBLAS batched peer, in one run, on this machine.

Runs build/bench/quench_bench_cpu and bench/peers/numpy_batched.py on the same (N, R, K, steps,
dtype), gives the peer its best BLAS threading (1 and all threads are both tried), and writes
bench/results/cpu-<date>.json with the machine, the commit and the date.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return platform.processor() or "unknown"


def run_json(cmd, env=None) -> dict:
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--cases", default="256:64:8", help="comma-separated N:R:K")
    p.add_argument("--steps", type=int, default=20000, help="quench steps (t = 200 at dt = 0.01, a short production run)")
    p.add_argument("--peer-steps", type=int, default=200, help="numpy steps (it is slower)")
    p.add_argument("--precision", choices=["fp32", "fp64"], default="fp32")
    p.add_argument("--out", default=None, help="result file (default bench/results/cpu-DATE.json)")
    args = p.parse_args()

    commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip() != ""
    dtype = "float32" if args.precision == "fp32" else "float64"
    results = []
    for case in args.cases.split(","):
        n, r, k = (int(v) for v in case.split(":"))
        q = run_json([os.path.join(args.build, "bench", "quench_bench_cpu"), "--n", str(n), "--r", str(r),
                      "--k", str(k), "--steps", str(args.steps), "--precision", args.precision])
        peers = []
        for threads in ("1", str(os.cpu_count() or 1)):
            env = dict(os.environ, OPENBLAS_NUM_THREADS=threads, OMP_NUM_THREADS=threads)
            peer = run_json([sys.executable, os.path.join(ROOT, "bench", "peers", "numpy_batched.py"), "--n", str(n),
                             "--r", str(r), "--k", str(k), "--steps", str(args.peer_steps), "--dtype", dtype], env)
            peer["blas_threads"] = int(threads)
            peers.append(peer)
        best = max(peers, key=lambda e: e["neuron_steps_per_s"])
        row = {"n": n, "r": r, "k": k, "precision": args.precision, "quench": q, "numpy_runs": peers,
               "numpy_neuron_steps_per_s": best["neuron_steps_per_s"],
               "quench_neuron_steps_per_s": q["stepping_neuron_steps_per_s"],
               "quench_with_statistics_neuron_steps_per_s": q["with_statistics_neuron_steps_per_s"],
               "speedup_vs_numpy": q["stepping_neuron_steps_per_s"] / best["neuron_steps_per_s"],
               "speedup_vs_numpy_with_statistics": q["with_statistics_neuron_steps_per_s"] / best["neuron_steps_per_s"]}
        results.append(row)
        print(f"N={n} R={r} K={k} {args.precision}: quench {row['quench_neuron_steps_per_s']:.3g} "
              f"(with statistics {row['quench_with_statistics_neuron_steps_per_s']:.3g}) neuron-steps/s, "
              f"numpy {row['numpy_neuron_steps_per_s']:.3g}: {row['speedup_vs_numpy']:.2f}x "
              f"({row['speedup_vs_numpy_with_statistics']:.2f}x with statistics)")
    date = datetime.datetime.now(datetime.timezone.utc)
    record = {"benchmark": "cpu_backend_vs_numpy", "device": cpu_model(), "cores": os.cpu_count(),
              "commit": commit + ("-dirty" if dirty else ""), "date": date.isoformat(timespec="seconds"),
              "command": " ".join(sys.argv), "results": results}
    out = args.out or os.path.join(ROOT, "bench", "results", f"cpu-{date.strftime('%Y-%m-%d')}.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out + ".tmp", "w") as f:
        json.dump(record, f, indent=1)
        f.write("\n")
    os.replace(out + ".tmp", out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
