#!/usr/bin/env python3
"""Fits S(N) - S_inf = c/N (and c/N + d/N^2) to the equal-time statistics of a `quench validate` report, with
S_inf fixed at the N = infinity limit of the simulator's own recursion (bench/discrete_site_limits.cpp), and
prints one Markdown table row per statistic: the limit, N (S(N) - S_inf) at each size, c with its standard error
and chi^2/dof for both models. docs/theory/nonlinear_finite_size.md, section 1b.

    build/bench/quench_discrete_site_limits --activation tanh --g 1,1.5,2 --dt 0.05 > limits.txt
    python3 scripts/fixed_limit_fit.py docs/validation/tanh_finite_size/validate.json limits.txt [statistics]

statistics: comma-separated names (default: phi a, N dc2, m2, PR/N and x a, PR/N of the ET covariance).
"""
import json
import sys

import numpy as np

DEFAULT = ["x.equal_time.auto_mean", "x.equal_time.pr_over_n", "phi.equal_time.auto_mean",
           "phi.equal_time.n_cross_var", "phi.equal_time.m2", "phi.equal_time.pr_over_n"]
COLUMNS = ["auto_mean", "m2", "n_cross_var", "pr_over_n"]


def load_limits(path):
    limits = {}
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        g, _lags, variable, covariance, *values = line.split()
        for name, value in zip(COLUMNS, values):
            limits[(float(g), f"{variable}.{covariance}.{name}")] = float(value)
    return limits


def weighted_fit(n, y, se, order):
    """Least squares of y = c/N (+ d/N^2) with weights 1/se^2: coefficients, their errors, chi^2, dof."""
    n = np.asarray(n, float)
    columns = [1 / n] + ([1 / n**2] if order == 2 else [])
    a = np.stack(columns, 1) / np.asarray(se)[:, None]
    b = np.asarray(y) / np.asarray(se)
    cov = np.linalg.inv(a.T @ a)
    p = cov @ a.T @ b
    return p, np.sqrt(np.diag(cov)), float(np.sum((a @ p - b) ** 2)), len(n) - len(columns)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    report = json.load(open(sys.argv[1]))
    limits = load_limits(sys.argv[2])
    wanted = sys.argv[3].split(",") if len(sys.argv) > 3 else DEFAULT
    for point in report["points"]:
        g = point["parameters"].get("coupling.g")
        for st in point["statistics"]:
            key = (g, st["name"])
            if st["name"] not in wanted or key not in limits:
                continue
            sizes = st["sizes"]
            if any(s["mean"] is None or s["sem"] is None for s in sizes):
                continue
            n = [s["n"] for s in sizes]
            y = [s["mean"] - limits[key] for s in sizes]
            se = [s["sem"] for s in sizes]
            cells = [f"{g:g}", st["name"], f"{limits[key]:.5g}", " ".join(f"{k * v:.3g}" for k, v in zip(n, y))]
            for order in (1, 2):
                p, e, chi2, dof = weighted_fit(n, y, se, order)
                cells += [f"{p[0]:.3g} ± {e[0]:.2g} ({abs(e[0] / p[0]) * 100:.0f} %)", f"{chi2:.1f}/{dof}"]
            print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
