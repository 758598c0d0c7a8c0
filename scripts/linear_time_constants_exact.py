#!/usr/bin/env python3
"""The N = infinity ET statistics of a linear network with per-neuron time constants, from exact finite-N covariances.

The simulator's recursion with time constants tau_i (exponential Euler, white noise, iid J with the Gaussian
diagonal, docs/theory/heterogeneity.md):
    x_i' = e_i x_i + (1 - e_i) (J x)_i + s_i eps_i,   e_i = exp(-dt / tau_i),   s_i^2 = sigma^2 (1 - e_i^2) / (2 tau_i),
has the stationary covariance Sigma = M Sigma M^T + diag(s^2), M = diag(e) + diag(1 - e) J, solved per realization
by doubling (--zero-diagonal: J_ii = 0, coupling.zero_diagonal). Per realization: a = mean_i Sigma_ii,
m2 = |Sigma|_F^2 / N, N dc2 = m2 - mean_i Sigma_ii^2, PR/N = a^2 / m2 and z_m2 = |R|_F^2 / N of the correlation
matrix R. Their realization means at several N are fitted by S(N) = S_inf + c/N (+ d/N^2), weights 1/SE^2;
S_inf is held against the two-replica field with one leak filter per class of time constant (`quench theory`,
heterogeneity.md section 6), which this checks without sampling a network in time. numpy only.

A realization whose M has spectral radius >= 1 has no stationary state (the simulator blows up on it): it is
left out and counted, and the fit then describes the stable realizations only. At g = 0.5 none is; at g = 0.8
with cv 0.5 some N = 50 realizations are (a neuron with a short tau_i has a weak leak), and their exclusion
biases the small sizes, so hold such fits with care.

Each realization draws its own N time constants, so its statistics scatter by O(1/sqrt N) with the sample of
tau_i, which hides the 1/N terms. --control subtracts that scatter: per size, the realization values are
regressed on the exact zero-mean controls mean_i f(tau_i) - E f(tau) for f = 1/tau, tau and log tau (their means
are closed forms) and on the six plug-in (co)variances of the same functions over the realization's neurons less
(1 - 1/N) times their exact values (what auto_var = var_i Sigma_ii follows), and the fits take the adjusted means
(unchanged in expectation) with their smaller SE. auto_var of x is O(1) here (Var_c Delta_c(0)); its 1/N term is
heterogeneity.md section 10's (x.equal_time.auto_var.one_over_n of `quench theory --order 1`).

    python3 scripts/linear_time_constants_exact.py --g 0.5 --cv 0.5 --dt 0.05 --n 50,100,200,400 --r 800,400,200,100
"""
import argparse
import time

import numpy as np

from gain_control_fit import adjusted
from inverse_n_fit import print_fits
from linear_gains_exact import gains, stationary_covariance


def control_values(tau):
    return np.array([1.0 / tau, tau, np.log(tau)])


PAIRS = ((0, 0), (1, 1), (2, 2), (0, 1), (0, 2), (1, 2))


def control_means(tau):
    return control_values(tau).mean(axis=1)


def control_spreads(tau):
    """The plug-in (co)variances over the neurons of 1/tau, tau and log tau (what auto_var's scatter follows)."""
    h = control_values(tau)
    c = np.cov(h, bias=True)
    return np.array([c[k, l] for k, l in PAIRS])


def expectation(f, distribution, cv, order=64):
    """E f(tau) for the draws of `gains` (mean 1) by Gauss quadrature."""
    if distribution == "uniform":
        w = np.sqrt(3.0) * cv
        x, weight = np.polynomial.legendre.leggauss(order)
        return np.sum(weight * f(1.0 + w * x)) / 2.0
    s2 = np.log1p(cv * cv)
    z, weight = np.polynomial.hermite_e.hermegauss(order)
    return np.sum(weight * f(np.exp(np.sqrt(s2) * z - 0.5 * s2))) / np.sqrt(2.0 * np.pi)


def spread_expectations(distribution, cv, n):
    """(1 - 1/N) times the exact (co)variances: the plug-in spreads' means."""
    out = []
    for k, l in PAIRS:
        mean_k = expectation(lambda t: control_values(t)[k], distribution, cv)
        mean_l = expectation(lambda t: control_values(t)[l], distribution, cv)
        product = expectation(lambda t: control_values(t)[k] * control_values(t)[l], distribution, cv)
        out.append((1.0 - 1.0 / n) * (product - mean_k * mean_l))
    return np.array(out)


def control_expectations(distribution, cv):
    """E 1/tau, E tau, E log tau for the draws of `gains` (mean 1)."""
    if distribution == "uniform":
        w = np.sqrt(3.0) * cv  # tau uniform on [1 - w, 1 + w]
        inverse = np.log((1.0 + w) / (1.0 - w)) / (2.0 * w)
        log = ((1.0 + w) * np.log(1.0 + w) - (1.0 - w) * np.log(1.0 - w)) / (2.0 * w) - 1.0
        return np.array([inverse, 1.0, log])
    s2 = np.log1p(cv * cv)
    return np.array([np.exp(s2), 1.0, -0.5 * s2])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--g", type=float, default=0.5)
    p.add_argument("--cv", type=float, default=0.5)
    p.add_argument("--distribution", choices=["uniform", "lognormal"], default="lognormal")
    p.add_argument("--dt", type=float, default=0.05)
    p.add_argument("--sigma", type=float, default=1.0)
    p.add_argument("--n", default="50,100,200,400")
    p.add_argument("--r", default="800,400,200,100")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--zero-diagonal", action="store_true", help="J_ii = 0 (coupling.zero_diagonal)")
    p.add_argument("--control", action="store_true",
                   help="subtract the time constants' sampling scatter with exact zero-mean controls")
    o = p.parse_args()
    ns = [int(v) for v in o.n.split(",")]
    rs = [int(v) for v in o.r.split(",")]
    names = ("a", "auto_var", "m2", "n_dc2", "pr_over_n", "z_m2")
    stats = {name: ([], []) for name in names}
    for n, r in zip(ns, rs):
        rng = np.random.default_rng(o.seed * 1000003 + n)
        spread_means = spread_expectations(o.distribution, o.cv, n)
        start = time.time()
        values = {name: [] for name in names}
        controls = []
        unstable = 0
        for _ in range(r):
            tau = gains(rng, n, o.distribution, o.cv)  # same draws: mean 1, coefficient of variation cv
            e = np.exp(-o.dt / tau)
            j = rng.standard_normal((n, n)) * (o.g / np.sqrt(n))
            if o.zero_diagonal:
                np.fill_diagonal(j, 0.0)
            m = np.diag(e) + (1.0 - e)[:, None] * j
            if np.max(np.abs(np.linalg.eigvals(m))) >= 1.0:
                unstable += 1
                continue
            sigma = stationary_covariance(m, np.diag(o.sigma**2 * (1.0 - e * e) / (2.0 * tau)))
            controls.append(np.concatenate([control_means(tau) - control_expectations(o.distribution, o.cv),
                                            control_spreads(tau) - spread_means]))
            d = np.diag(sigma)
            a, m2 = d.mean(), np.sum(sigma * sigma) / n
            corr = sigma / np.sqrt(np.outer(d, d))
            values["a"].append(a)
            values["auto_var"].append(np.var(d))
            values["m2"].append(m2)
            values["n_dc2"].append(m2 - np.mean(d * d))
            values["pr_over_n"].append(a * a / m2)
            values["z_m2"].append(np.sum(corr * corr) / n)
        for name in names:
            v = np.asarray(values[name])
            mean, se = adjusted(v, np.asarray(controls))[:2] if o.control else (v.mean(), v.std(ddof=1) / np.sqrt(len(v)))
            stats[name][0].append(mean)
            stats[name][1].append(se)
        if unstable:
            print(f"N = {n}: {unstable} of {r} realizations have no stationary state (spectral radius of M >= 1); "
                  "left out", flush=True)
        if r - unstable < 2:
            raise SystemExit(f"N = {n}: fewer than two stable realizations; nothing to fit")
        print(f"N = {n}, R = {r - unstable}: " +
              ", ".join(f"{k} {stats[k][0][-1]:.6f} +- {stats[k][1][-1]:.6f}" for k in names) +
              f" ({time.time() - start:.0f} s)", flush=True)
    for name, (means, ses) in stats.items():
        print_fits(name, ns, means, ses)


if __name__ == "__main__":
    main()
