#!/usr/bin/env python3
"""Wall time of one fixed ensemble for P = 1 and 2 MPI ranks on this machine, beside the
single-process thread baseline, and the parallel efficiency; writes bench/results/mpi-scaling-<date>.json.

Cases (the same job, the same result bit for bit; checked here too):
  process x1 thread     quench simulate, run.threads = 1                  (the serial reference)
  process x2 threads    quench simulate, run.threads = 2                  (P = 1 using both cores)
  mpirun -np 1 x2       mpirun -np 1 quench simulate, run.threads = 2
  mpirun -np 2 x1       mpirun -np 2 quench simulate, run.threads = 1     (2 ranks x 1 thread)
Each case runs --repeats times; the best wall time is kept (the machine is shared).
"""
import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JOB = """
[network]
n = {n}
activation = "tanh"
[coupling]
g = 0.8
[integration]
dt = 0.01
t_burn = 10.0
t_max = {t_max}
sample_interval = 0.1
t_bin = 5.0
[ensemble]
realizations = {r}
trials = {k}
seed = 1
"""


def cpu_model() -> str:
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd, cwd, env):
    """Wall seconds and CPU seconds (all processes of the run, mpirun included)."""
    cpu0 = children_cpu()
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start, children_cpu() - cpu0


def numbers(path):
    with open(path) as f:
        result = json.load(f)
    return result["realizations"], result["summary"]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quench", default=os.path.join(ROOT, "build", "quench"))
    p.add_argument("--mpirun", default="mpirun")
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--r", type=int, default=16)
    p.add_argument("--k", type=int, default=8)
    p.add_argument("--t-max", type=float, default=100.0)
    p.add_argument("--repeats", type=int, default=2)
    args = p.parse_args()
    args.quench = os.path.abspath(args.quench)
    load_before = os.getloadavg()
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_btl_vader_single_copy_mechanism="none")
    mpirun = [args.mpirun, "--oversubscribe", "--bind-to", "none"]
    with tempfile.TemporaryDirectory() as work:
        with open(os.path.join(work, "job.toml"), "w") as f:
            f.write(JOB.format(n=args.n, t_max=args.t_max, r=args.r, k=args.k))
        sim = [args.quench, "simulate", "job.toml", "--quiet", "--backend", "cpu"]
        cases = {
            "process_1x1": sim + ["--out", "a", "--set", "run.threads=1"],
            "process_1x2": sim + ["--out", "b", "--set", "run.threads=2"],
            "mpirun_np1x2": mpirun + ["-np", "1"] + sim + ["--out", "c", "--set", "run.threads=2"],
            "mpirun_np2x1": mpirun + ["-np", "2"] + sim + ["--out", "d", "--set", "run.threads=1"],
        }
        seconds = {name: [] for name in cases}
        cpu_seconds = {name: [] for name in cases}
        for _ in range(args.repeats):
            for name, cmd in cases.items():
                wall, cpu = timed(cmd, work, env)
                seconds[name].append(wall)
                cpu_seconds[name].append(cpu)
        identical = all(numbers(os.path.join(work, f"{x}.json")) == numbers(os.path.join(work, "a.json"))
                        for x in "bcd")
    best = {name: min(v) for name, v in seconds.items()}
    serial = best["process_1x1"]
    record = {
        "benchmark": "mpi_scaling",
        "device": cpu_model(),
        "cores": os.cpu_count(),
        "commit": commit(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
        "job": {"n": args.n, "r": args.r, "k": args.k, "t_max": args.t_max, "dt": 0.01, "precision": "fp32"},
        "wall_seconds": seconds,
        "best_seconds": best,
        "cpu_seconds": cpu_seconds,
        "work_efficiency_cpu_1x1_over_cpu": {name: min(cpu_seconds["process_1x1"]) / min(v)
                                             for name, v in cpu_seconds.items()},
        "speedup_vs_1x1": {name: serial / t for name, t in best.items()},
        "parallel_efficiency": {name: serial / (t * 2) for name, t in best.items() if name != "process_1x1"},
        "results_identical": identical,
        "load_average_1_5_15min": {"before": load_before, "after": os.getloadavg()},
        "note": "the machine is shared: other processes were running (see the load averages)",
        "gpu": "not measured: no GPU on this machine",
    }
    out = os.path.join(ROOT, "bench", "results", f"mpi-scaling-{datetime.date.today().isoformat()}.json")
    with open(out, "w") as f:
        json.dump(record, f, indent=1)
    print(json.dumps({"best_seconds": best, "parallel_efficiency": record["parallel_efficiency"],
                      "work_efficiency": record["work_efficiency_cpu_1x1_over_cpu"],
                      "identical": identical}, indent=1))
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
