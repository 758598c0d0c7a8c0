#!/usr/bin/env python3
"""The 1/N coefficients of the ET auto means of a linear network with per-neuron gains, exactly at finite N.

The simulator's recursion for phi_i = b_i x_i (exponential Euler, white noise, iid J with the Gaussian diagonal, or
with --zero-diagonal J_ii = 0):
    x' = a x + (1 - a) J B x + s eps,   a = exp(-dt), s = sigma sqrt((1 - a^2) / 2),   B = diag(b),
has the stationary covariance Sigma = M Sigma M^T + s^2 I, M = a I + (1 - a) J B, solved per realization by
doubling (Sigma = sum_k M^k s^2 (M^T)^k). a_x = mean_i Sigma_ii, a_phi = mean_i b_i^2 Sigma_ii. Their realization
means at several N are fitted by S(N) = S_inf + c/N (+ d/N^2), weights 1/SE^2, and c is held against the
one-loop expansion's (docs/theory/one_loop_site.md, section 11), which checks the gains' part of it without
sampling a network in time. numpy only.

Also N var_i Sigma_ii for x's ET covariance and for its ZF one, dt (1 - M)^-1 s^2 (1 - M)^-T (the simulator's
zero-frequency covariance of the recursion): with gains alone x's auto_var is O(1/N), and N auto_var tends to
the gain classes' kappa (docs/theory/heterogeneity.md, section 8; `quench theory --order 1` prints it as
x.*.auto_var.one_over_n).

And phi's auto_var, var_i b_i^2 Sigma_ii: O(1) (Var_b A, A_b = b^2 Delta0) with a 1/N term from the classes' one-loop
shifts, the gains' sampling and the within-class spread (heterogeneity.md, section 9; `quench theory --order 1`:
phi.equal_time.auto_var.one_over_n). --limit-phi-auto-var fixes its S_inf at the N = infinity value in a second fit.

Each realization draws its own N gains, so its auto means scatter by O(1/sqrt N) with their sample. --control
regresses that out per size on the exact zero-mean controls mean_i b_i^k - E b^k, k = 1, 2, 4 (closed-form
moments), and var_i b_i^2 - (1 - 1/N) Var b^2 (the sample spread that phi's auto_var follows), which leaves the
means unchanged in expectation and shrinks their SE.

    python3 scripts/linear_gains_exact.py --g 0.5 --cv 0.4 --dt 0.05 --n 50,100,200,400 --r 4000,2000,1000,500
"""
import argparse
import time

import numpy as np

from gain_control_fit import adjusted, fixed_limit_fits
from inverse_n_fit import print_fits


def gains(rng, n, distribution, cv):
    if distribution == "uniform":
        return 1.0 + np.sqrt(3.0) * cv * (2.0 * rng.random(n) - 1.0)
    s2 = np.log1p(cv * cv)
    return np.exp(np.sqrt(s2) * rng.standard_normal(n) - 0.5 * s2)


CONTROL_POWERS = (1, 2, 4)


def moment(distribution, cv, k):
    """E b^k for the draws of `gains` (mean 1)."""
    if distribution == "uniform":
        w = np.sqrt(3.0) * cv
        return ((1.0 + w) ** (k + 1) - (1.0 - w) ** (k + 1)) / (2.0 * w * (k + 1))
    return np.exp(0.5 * k * (k - 1) * np.log1p(cv * cv))


def stationary_covariance(m, q):
    """Sigma = sum_k M^k Q (M^T)^k by doubling; M stable."""
    sigma, power = q.copy(), m.copy()
    for _ in range(64):
        step = power @ sigma @ power.T
        sigma += step
        if np.abs(step).max() < 1e-15 * np.abs(sigma).max():
            return sigma
        power = power @ power
    raise RuntimeError("doubling did not converge (unstable realization?)")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--g", type=float, default=0.5)
    p.add_argument("--cv", type=float, default=0.4)
    p.add_argument("--distribution", choices=["uniform", "lognormal"], default="uniform")
    p.add_argument("--dt", type=float, default=0.05)
    p.add_argument("--sigma", type=float, default=1.0)
    p.add_argument("--n", default="50,100,200,400")
    p.add_argument("--r", default="4000,2000,1000,500")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--zero-diagonal", action="store_true", help="J_ii = 0 (coupling.zero_diagonal)")
    p.add_argument("--zero-frequency-only", action="store_true",
                   help="only x's ZF N auto_var (one inverse per realization: reaches N = 1600 in minutes)")
    p.add_argument("--control", action="store_true",
                   help="subtract the gains' sampling scatter with exact zero-mean controls")
    p.add_argument("--limit-phi-auto-var", type=float,
                   help="also fit phi's auto_var with S_inf fixed at this N = infinity value")
    o = p.parse_args()
    ns = [int(v) for v in o.n.split(",")]
    rs = [int(v) for v in o.r.split(",")]
    a = np.exp(-o.dt)
    s2 = o.sigma**2 * (1.0 - a * a) / 2.0
    stats = {"x_et_a": ([], []), "phi_et_a": ([], []), "x_et_n_auto_var": ([], []), "x_zf_n_auto_var": ([], []),
             "phi_et_auto_var": ([], [])}
    if o.zero_frequency_only:
        stats = {"x_zf_n_auto_var": ([], [])}
    for n, r in zip(ns, rs):
        rng = np.random.default_rng(o.seed * 1000003 + n)
        start = time.time()
        ax, aphi, controls, nvx, nvx_zf, vphi = [], [], [], [], [], []
        expected = np.array([moment(o.distribution, o.cv, k) for k in CONTROL_POWERS])
        var_b2 = moment(o.distribution, o.cv, 4) - moment(o.distribution, o.cv, 2) ** 2
        for _ in range(r):
            b = gains(rng, n, o.distribution, o.cv)
            controls.append(np.append(np.array([np.mean(b**k) for k in CONTROL_POWERS]) - expected,
                                      np.var(b * b) - (1.0 - 1.0 / n) * var_b2))
            j = rng.standard_normal((n, n)) * (o.g / np.sqrt(n))
            if o.zero_diagonal:
                np.fill_diagonal(j, 0.0)
            m = a * np.eye(n) + (1.0 - a) * j * b[None, :]
            resolvent = np.linalg.inv(np.eye(n) - m)
            nvx_zf.append(n * (o.dt * s2 * np.einsum("ij,ij->i", resolvent, resolvent)).var())
            if o.zero_frequency_only:
                continue
            sigma = stationary_covariance(m, s2 * np.eye(n))
            d = np.diag(sigma)
            ax.append(d.mean())
            aphi.append(np.mean(b * b * d))
            nvx.append(n * d.var())
            vphi.append(np.var(b * b * d))
        for name, values in (("x_et_a", ax), ("phi_et_a", aphi), ("x_et_n_auto_var", nvx), ("x_zf_n_auto_var", nvx_zf),
                             ("phi_et_auto_var", vphi)):
            if name not in stats:
                continue
            v = np.asarray(values)
            mean, se = adjusted(v, np.asarray(controls))[:2] if o.control else (v.mean(), v.std(ddof=1) / np.sqrt(len(v)))
            stats[name][0].append(mean)
            stats[name][1].append(se)
        if o.zero_frequency_only:
            print(f"N = {n}, R = {r}: x N auto_var ZF {stats['x_zf_n_auto_var'][0][-1]:.5f} +- "
                  f"{stats['x_zf_n_auto_var'][1][-1]:.5f} ({time.time() - start:.0f} s)", flush=True)
            continue
        print(f"N = {n}, R = {r}: x a {stats['x_et_a'][0][-1]:.6f} +- {stats['x_et_a'][1][-1]:.6f}, phi a "
              f"{stats['phi_et_a'][0][-1]:.6f} +- {stats['phi_et_a'][1][-1]:.6f}, x N auto_var ET "
              f"{stats['x_et_n_auto_var'][0][-1]:.5f} +- {stats['x_et_n_auto_var'][1][-1]:.5f}, ZF "
              f"{stats['x_zf_n_auto_var'][0][-1]:.5f} +- {stats['x_zf_n_auto_var'][1][-1]:.5f}, phi auto_var ET "
              f"{stats['phi_et_auto_var'][0][-1]:.6f} +- {stats['phi_et_auto_var'][1][-1]:.6f} "
              f"({time.time() - start:.0f} s)", flush=True)
    for name, (means, ses) in stats.items():
        print_fits(name, ns, means, ses)
    if o.limit_phi_auto_var is not None and "phi_et_auto_var" in stats:
        fixed_limit_fits("phi_et_auto_var", ns, *stats["phi_et_auto_var"], o.limit_phi_auto_var)


if __name__ == "__main__":
    main()
