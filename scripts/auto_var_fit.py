#!/usr/bin/env python3
"""Measures kappa = lim N auto_var (the site-to-site variance of the C_ii, times N; equal-time by default,
--covariance zero_frequency for the ZF one) by simulation and fits
N auto_var(N) = kappa + d/N (weighted; and kappa alone), for comparison with the derived value
(docs/theory/site_auto_variance.md; build/bench/quench_discrete_site_limits prints it).

    python3 scripts/auto_var_fit.py examples/validate/tanh_finite_size.toml --g 1.5 \
        --n 50,100,200,400,800 --r 512,256,128,64,32 [--set coupling.zero_diagonal=true] [--quench build/quench]

Per size it runs `quench simulate` (CPU backend; seed 2000 + N, so sizes are independent) and prints
N E[auto_var] with its standard error over realizations for x and phi (auto_var is the split-sample corrected
estimator, so the finite run length does not bias it), then both fits.
"""
import argparse
import sys
import tempfile

import numpy as np

from inverse_n_fit import fit
from size_scan import add_size_options, simulate, sizes_of


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_size_options(p)
    p.add_argument("--covariance", choices=["equal_time", "zero_frequency"], default="equal_time",
                   help="which covariance's C_ii (default equal_time)")
    args = p.parse_args()
    args.pairs = sizes_of(p, args)
    return args


def weighted_mean(y, se):
    """The constant model: the weighted mean, its error, chi^2 and dof."""
    w = 1.0 / np.asarray(se) ** 2
    mean = float(np.sum(w * y) / np.sum(w))
    return mean, float(np.sqrt(1.0 / np.sum(w))), float(np.sum(w * (y - mean) ** 2)), len(y) - 1


def main():
    args = parse_args()
    values = {"x": [], "phi": []}
    with tempfile.TemporaryDirectory() as workdir:
        for n, r in args.pairs:
            rows = simulate(args, n, r, 2000 + n, workdir)
            for v in values:
                a = np.array([float(row[f"{v}.{args.covariance}.auto_var"]) for row in rows]) * n
                values[v].append((n, a.mean(), a.std(ddof=1) / np.sqrt(len(a))))
                print(f"{v} N = {n} R = {len(a)}: N auto_var = {a.mean():.5g} +- {values[v][-1][2]:.2g}",
                      flush=True)
    if len(args.pairs) < 3:
        return 0  # too few sizes for kappa + d/N with a chi^2
    for v, points in values.items():
        n, y, se = (np.array(c) for c in zip(*points))
        p, e, chi2, dof = fit(n, y, se, quadratic=False)  # kappa + d/N
        mean, mean_se, chi20, dof0 = weighted_mean(y, se)
        print(f"{v}: kappa = {p[0]:.5g} +- {e[0]:.2g} (kappa + d/N, d = {p[1]:.3g} +- {e[1]:.2g}, chi2 {chi2:.1f}/{dof}); "
              f"{mean:.5g} +- {mean_se:.2g} (constant, chi2 {chi20:.1f}/{dof0})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
