"""Shared by the scripts that run `quench simulate` at several sizes N and read its per-realization CSV
(realization_spread.py, auto_var_fit.py): the size options and one run per size."""
import csv
import os
import subprocess


def add_size_options(parser):
    """--g, --n, --r, --set and --quench, the options every size scan takes."""
    parser.add_argument("config", help="a quench TOML config (its [validate] table is ignored)")
    parser.add_argument("--g", type=float, required=True, help="coupling.g")
    parser.add_argument("--n", required=True, help="comma-separated sizes N")
    parser.add_argument("--r", required=True, help="comma-separated realizations, one per size")
    parser.add_argument("--set", action="append", default=[], help="further --set overrides for quench simulate")
    parser.add_argument("--quench", default="build/quench", help="the quench binary")


def sizes_of(parser, args):
    """The (N, R) pairs of --n and --r; a parser error when their lengths differ."""
    sizes = [int(v) for v in args.n.split(",")]
    reals = [int(v) for v in args.r.split(",")]
    if len(sizes) != len(reals):
        parser.error(f"--n has {len(sizes)} sizes but --r has {len(reals)} counts; give one count per size")
    return list(zip(sizes, reals))


def simulate(args, n, r, seed, workdir, extra=()):
    """One CPU-backend run of R realizations at size N with the given seed; its CSV rows (one per realization)."""
    prefix = os.path.join(workdir, f"n{n}")
    cmd = [args.quench, "simulate", args.config, "--backend", "cpu", "-q", "--out", prefix,
           "--set", f"network.n={n}", "--set", f"coupling.g={args.g}", "--set", f"ensemble.realizations={r}",
           "--set", f"ensemble.seed={seed}"]
    for s in list(extra) + args.set:
        cmd += ["--set", s]
    status = subprocess.run(cmd).returncode
    if status != 0:
        raise SystemExit(f"quench simulate failed at N = {n} (exit status {status}); its message is above")
    with open(prefix + ".csv") as f:
        return list(csv.DictReader(f))
