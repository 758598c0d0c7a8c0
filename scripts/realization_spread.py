#!/usr/bin/env python3
"""How far the equal-time m2 and PR/N of single realizations spread, and what that spread does to E[PR/N].

PR/N is a ratio, so its disorder mean is not the ratio of the means: E[a^2/m2] - (E a)^2 / E m2 is set by the
spread of (a_r, m2_r) between realizations. Where that spread is the usual one of a normalized trace
(Var m2_r = O(1/N^2)) the gap is O(1/N^2) and c_PR = PR_inf (2 c_a / a_inf - c_m2 / m2_inf) (the relation of
linear_finite_size.md, section 3). Near the edge of the effective linear response it is not: this script
measures it. docs/theory/nonlinear_finite_size.md, section 7.

    python3 scripts/realization_spread.py examples/validate/tanh_finite_size.toml --g 2 \
        --n 25,50,100,200,400 --r 512,256,256,128,64 [--t-max 1000] [--quench build/quench]

Per size it runs `quench simulate` (CPU backend; seed 1000 + N, so sizes are independent) and prints, for phi
and x: the means of a, m2 and PR/N, the coefficients of variation of a_r and m2_r over realizations, the median of
m2_r over its mean, the ratio of the means, the gap E[PR/N] - (E a)^2 / E m2 and N times it (bootstrap standard
errors, 400 resamples of the realizations). The gap is computed from the same estimators `quench validate` fits
(split-sample m2, ratio-corrected PR/N).
"""
import argparse
import os
import sys
import tempfile

import numpy as np

from size_scan import add_size_options, simulate, sizes_of

VARIABLES = ["phi", "x"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_size_options(p)
    p.add_argument("--t-max", type=float, default=None, help="integration.t_max (default: the config's)")
    p.add_argument("--boot", type=int, default=400, help="bootstrap resamples")
    p.add_argument("--seed", type=int, default=1, help="bootstrap seed")
    args = p.parse_args()
    args.pairs = sizes_of(p, args)
    return args


def column(rows, name):
    return np.array([float(row[name]) for row in rows])


def summary(a, m2, pr):
    """The means, the coefficients of variation, median/mean of m2_r and the gap E[PR/N] - (E a)^2 / E m2."""
    ratio = a.mean() ** 2 / m2.mean()
    return np.array([a.mean(), m2.mean(), pr.mean(), a.std(ddof=1) / a.mean(), m2.std(ddof=1) / m2.mean(),
                     np.median(m2) / m2.mean(), ratio, pr.mean() - ratio])


def main():
    args = parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"# {os.path.basename(args.config)}, g = {args.g}, t_max = {args.t_max or 'config'}; "
          "ET statistics; bootstrap se in parentheses")
    print("| variable | N | R | E a | E m2 | E PR/N | cv a_r | cv m2_r | median/mean m2_r | (E a)^2/E m2 | gap | N gap |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as workdir:
        for n, r in args.pairs:
            extra = [] if args.t_max is None else [f"integration.t_max={args.t_max}"]
            rows = simulate(args, n, r, 1000 + n, workdir, extra)
            for v in VARIABLES:
                a = column(rows, f"{v}.equal_time.auto_mean")
                m2 = column(rows, f"{v}.equal_time.m2")
                pr = column(rows, f"{v}.equal_time.pr_over_n")
                value = summary(a, m2, pr)
                boots = np.array([summary(a[i], m2[i], pr[i])
                                  for i in (rng.integers(0, len(a), len(a)) for _ in range(args.boot))])
                se = boots.std(axis=0, ddof=1)
                cells = [f"{x:.4g} ({s:.2g})" for x, s in zip(value, se)]
                print(f"| {v} | {n} | {len(a)} | " + " | ".join(cells) +
                      f" | {n * value[-1]:.3g} ({n * se[-1]:.2g}) |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
