#!/usr/bin/env python3
"""Per-realization closure of linear equivalence at finite N (docs/theory/nonlinear_finite_size.md, section 5).

For one coupling matrix J (iid, Gaussian diagonal) of a tanh network with white noise sigma, each site keeps
its own order parameters: Delta_i = Var x_i, gamma_i = E phi'(x_i), q_i = E phi(x_i)^2 with x_i ~ N(0, Delta_i)
(optionally with an excess kurtosis kappa_N / N, Edgeworth), and a residual r_i = phi_i - gamma_i x_i of ET
variance v_i = q_i - gamma_i^2 Delta_i and the DMFT's residual correlation shape C_r(tau) (a non-negative sum
of OU terms fitted to it; its N = infinity closure reproduces the DMFT Delta0 to 2e-4). x and r are the
linear network
    dx = (-x + J (Gamma x + r)) dt + sigma dW,   r_i independent of J and of each other,
whose ET covariances come from one Lyapunov solve; Delta_i = (P_xx)_ii is iterated to a fixed point
(Anderson mixing; past the edge of stability the gains are lowered, which is what the network does).
The phi covariance is Gamma P_xx Gamma + Gamma P_xr + P_rx Gamma + diag(v) off the diagonal and q_i on it.

--global keeps one gamma and v per realization (from the mean Delta); --frozen keeps the DMFT values
(section 2's frozen linear equivalence). No SDE is integrated: each realization costs a few O(N^3) solves.

    build/bench/quench_export_order_parameters --activation tanh --g 1.5 --out /tmp/tanh_1.5.txt
    python3 scripts/nonlinear_closure.py /tmp/tanh_1.5.txt --n 25,50,100,200 --r 200,100,50,16
"""
import argparse

import numpy as np
from scipy.linalg import solve_continuous_lyapunov
from scipy.optimize import nnls

GH_X, GH_W = np.polynomial.hermite_e.hermegauss(80)
GH_W = GH_W / GH_W.sum()
NAMES = ["auto_mean", "m2", "pr_over_n", "n_cross_var", "n_auto_var"]


def gaussian_site(delta):
    """gamma = E tanh'(x), q = E tanh(x)^2 for x ~ N(0, delta), per site."""
    t = np.tanh(np.sqrt(delta)[:, None] * GH_X[None, :])
    return ((1 - t * t) * GH_W).sum(1), (t * t * GH_W).sum(1)


def site(delta, kappa):
    """The same averages for an excess kurtosis kappa (Edgeworth: E f += kappa Delta^2/6 d^2 E_G f/d Delta^2)."""
    gam, q = gaussian_site(delta)
    if kappa == 0.0:
        return gam, q
    h = 1e-3 * delta
    gp, qp = gaussian_site(delta + h)
    gm, qm = gaussian_site(delta - h)
    c = kappa * delta**2 / 6 / h**2
    return gam + c * (gp - 2 * gam + gm), q + c * (qp - 2 * q + qm)


def load(path):
    """DMFT export: (g, sigma, Delta0, tau grid, residual correlation C_r(tau) = C_phi - gamma^2 Delta)."""
    with open(path) as fh:
        head = fh.readline().split()
    if head[0] != "tanh":
        raise SystemExit(f"{path}: activation {head[0]}: only tanh is supported")
    g, sigma, d0, gamma, _, dt = (float(v) for v in head[1:7])
    data = np.loadtxt(path, skiprows=2)
    return g, sigma, d0, np.arange(len(data)) * dt, data[:, 1] - gamma**2 * data[:, 0]


def fit_ou(tau, c_r):
    """Non-negative OU sum sum_m c_m exp(-tau/tau_m) fitted to C_r."""
    taus = np.geomspace(0.05, 20, 30)
    cs, _ = nnls(np.exp(-tau[:, None] / taus[None, :]), c_r)
    keep = cs > 0
    return taus[keep], cs[keep]


def covariances(J, gam, v, sigma, taus, cs):
    """ET P_xx and P_xr of the linear-equivalent network; None past the edge of stability."""
    n = J.shape[0]
    a = -np.eye(n) + J * gam[None, :]
    if np.linalg.eigvals(a).real.max() >= 0:
        return None
    pxr = np.zeros((n, n))
    for t, c in zip(taus, cs):
        pxr += np.linalg.solve(np.eye(n) / t - a, J * (c * v / cs.sum())[None, :])
    q = sigma**2 * np.eye(n) + J @ pxr.T + pxr @ J.T
    return solve_continuous_lyapunov(a, -q), pxr


def closure(J, sigma, taus, cs, d0, kappa, mode, tol=1e-9, depth=6, maxit=300):
    """Fixed point of Delta_i -> (P_xx)_ii; returns (C_x, C_phi) or None."""
    n = J.shape[0]
    delta = np.full(n, d0)
    hist_x, hist_f = [], []
    for _ in range(maxit):
        gam, q = site(np.full(n, delta.mean()) if mode == "global" else delta, kappa)
        v = np.maximum(q - gam**2 * delta, 1e-12)
        parts = covariances(J, gam, v, sigma, taus, cs)
        if parts is None:
            if mode == "frozen":
                return None
            delta, hist_x, hist_f = delta * 1.3, [], []
            continue
        pxx, pxr = parts
        f = np.diag(pxx) - delta
        if mode == "frozen" or np.abs(f).max() < tol:
            break
        hist_x, hist_f = (hist_x + [delta.copy()])[-depth:], (hist_f + [f])[-depth:]
        step = delta + (0.5 if depth else 0.1) * f
        if len(hist_f) > 1:  # Anderson mixing
            df = np.diff(np.array(hist_f), axis=0).T
            dx = np.diff(np.array(hist_x), axis=0).T
            step -= (dx + 0.5 * df) @ np.linalg.lstsq(df, f, rcond=None)[0]
        delta = np.maximum(step, 1e-6)
    else:
        if depth:  # Anderson stalled: plain damped iteration
            return closure(J, sigma, taus, cs, d0, kappa, mode, tol, 0, 3000)
        return None
    cphi = gam[:, None] * pxx * gam[None, :] + gam[:, None] * pxr + pxr.T * gam[None, :] + np.diag(v)
    if mode != "frozen":
        np.fill_diagonal(cphi, q)
    return pxx, cphi


def statistics(c):
    n = c.shape[0]
    a, m2 = np.trace(c) / n, (c * c).sum() / n
    return np.array([a, m2, a * a / m2, n * c[~np.eye(n, dtype=bool)].var(), n * np.diag(c).var()])


def slope(ns, means, sems):
    """Weighted fit S_inf + c/N: (S_inf, c, se of c)."""
    design = np.column_stack([np.ones(len(ns)), 1 / np.asarray(ns, float)])
    w = 1 / np.asarray(sems) ** 2
    cov = np.linalg.inv(design.T @ (design * w[:, None]))
    coef = cov @ design.T @ (w * np.asarray(means))
    return coef[0], coef[1], np.sqrt(cov[1, 1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("export", help="file written by quench_export_order_parameters (tanh)")
    ap.add_argument("--n", default="25,50,100", help="network sizes")
    ap.add_argument("--r", default="200,100,50", help="realizations per size")
    ap.add_argument("--kappa-n", type=float, default=0.0, help="excess kurtosis of x_i times N (measured)")
    ap.add_argument("--mode", choices=["site", "global", "frozen"], default="site")
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    ns, rs = [int(v) for v in args.n.split(",")], [int(v) for v in args.r.split(",")]
    if len(ns) != len(rs):
        raise SystemExit("--n and --r need the same number of entries")
    g, sigma, d0, tau, c_r = load(args.export)
    taus, cs = fit_ou(tau, c_r)
    rng = np.random.default_rng(args.seed)
    print(f"tanh g = {g} sigma = {sigma}: Delta0 = {d0:.5f}, mode {args.mode}, kappa N = {args.kappa_n}")
    rows = {"phi": [], "x": []}
    for n, r in zip(ns, rs):
        got = {"phi": [], "x": []}
        for _ in range(r):
            out = closure(rng.normal(0, g / np.sqrt(n), (n, n)), sigma, taus, cs, d0, args.kappa_n / n, args.mode)
            if out is not None:
                got["x"].append(statistics(out[0]))
                got["phi"].append(statistics(out[1]))
        for var, values in got.items():
            values = np.array(values)
            rows[var].append((values.mean(0), values.std(0, ddof=1) / np.sqrt(len(values))))
        print(f"N = {n}: {len(got['phi'])} of {r} realizations closed", flush=True)
    for var in ("phi", "x"):
        for k, name in enumerate(NAMES):
            means = [m[k] for m, _ in rows[var]]
            sems = [s[k] for _, s in rows[var]]
            cells = " ".join(f"{m:.4f}({s:.4f})" for m, s in zip(means, sems))
            fit = slope(ns, means, sems) if len(ns) > 1 else (np.nan, np.nan, np.nan)
            print(f"  {var:3s} {name:12s} {cells}  fit S_inf {fit[0]:.4f} c {fit[1]:.3f} +- {fit[2]:.3f}")


if __name__ == "__main__":
    main()
