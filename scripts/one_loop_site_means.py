#!/usr/bin/env python3
"""One-loop (1/N) corrections to the single-site means E x_i^2 and E phi(x_i)^2 of an iid (eta = 0) network.

The network is the simulator's recursion x' = a x + b (J phi(x)) + s eps, J_ij ~ N(0, g^2/N) for every i, j
(the Gaussian diagonal included), white noise. Averaging over J and introducing the population covariance
C(t, s) = (1/N) sum_j phi_j(t) phi_j(s) as a collective field (with its response field) makes the action
N times a single-site action; the Laplace expansion about the DMFT saddle gives, for a single-site
observable O (docs/theory/one_loop_site.md, section 2):

    N (E O - O*) = 1/2 d2O/dC2 [Sigma] + S_O + dO/dC . t,
    t = R (1/2 F''[Sigma] + S_F),   Sigma = R K R^T,   R = (1 - F')^-1,

F(C) the site's phi two-point function at field covariance g^2 C, K the covariance of the site's products
phi(t) phi(s), S_O the "self" term sum_{c,d} R(c,d) d/dC_c Cov(O, phi phi(d)). Everything is evaluated on the
N = infinity Gaussian site: Sigma and the self terms by Monte Carlo over its sample paths, through the
causal recursion delta C = p + F' delta C (p = phi phi - F) marched forward in time.

The prototype of host/theory/one_loop_site.cpp (which `quench theory --order 1` and the tool
build/bench/quench_one_loop_site_means use: same formulas, several times faster). It also prints the ZF sums and
the pieces, and --ablate drops parts for diagnostics. For a linear phi nothing needs sampling:
--linear-exact prints N (E a - a*) from the kernel and Delta alone (the doc's dt table, section 6).

Usage: one_loop_site_means.py --activation tanh --g 1 --dt 0.05 [--sigma 1] [--paths 64 --steps 20000]
"""
import argparse
import json
import math
import sys
import time

import numpy as np
from scipy.signal import lfilter


def activation(name):
    """phi and its first four derivatives."""
    if name == "linear":
        return lambda x: [x, np.ones_like(x), np.zeros_like(x), np.zeros_like(x), np.zeros_like(x)]
    if name == "tanh":
        def f(x):
            t = np.tanh(x)
            d1 = 1.0 - t * t
            return [t, d1, -2.0 * t * d1, -2.0 * d1 * (1.0 - 3.0 * t * t), d1 * (16.0 * t - 24.0 * t ** 3)]
        return f
    raise SystemExit(f"--activation: '{name}' is not one of linear, tanh")


class Gauss2:
    """E f(x1) g(x2) for (x1, x2) centred Gaussian, Var = d0 each, Cov = d (vectorized over d)."""

    def __init__(self, phi, d0, nodes=48):
        z, w = np.polynomial.hermite_e.hermegauss(nodes)
        self.z, self.w = z, w / w.sum()
        self.phi, self.d0 = phi, d0

    def table(self, d):
        rho = np.clip(np.asarray(d) / self.d0, -1.0, 1.0)
        sd = math.sqrt(self.d0)
        x1 = sd * self.z[None, :, None] * np.ones_like(rho)[:, None, None]
        x2 = sd * (rho[:, None, None] * self.z[None, :, None] + np.sqrt(1 - rho ** 2)[:, None, None] * self.z[None, None, :])
        f1 = self.phi(x1)
        f2 = self.phi(x2)
        ww = self.w[:, None] * self.w[None, :]

        def e(i, j):
            return np.einsum("kab,ab->k", f1[i] * f2[j], ww)
        return e


def one_d(phi, d0, nodes=80):
    z, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / w.sum()
    f = phi(math.sqrt(d0) * z)
    return lambda *idx: float(np.sum(w * np.prod([f[i] for i in idx], axis=0)))


def stationary_filter(v, a, b, g):
    """Covariance of x_n = sum_j a^j y_{n-1-j} when y has covariance g^2 b^2 v(k) (k >= 0)."""
    n = len(v)
    cov = g * g * b * b * np.asarray(v, dtype=float)
    q = lfilter([1.0], [1.0, -a], cov[1:][::-1])[::-1]  # q(m) = sum_k a^k cov(m + 1 + k)
    u = np.empty(n)
    u[0] = (cov[0] + 2.0 * np.sum(a ** np.arange(1, n) * cov[1:])) / (1.0 - a * a)
    u[1:] = q
    return lfilter([1.0], [1.0, -a], u)


def solve_site(phi, g, a, b, s, lags):
    d = a ** np.arange(lags) * (s * s / (1 - a * a) + 0.5)
    for _ in range(3000):
        e = Gauss2(phi, d[0]).table(d)
        c = e(0, 0)
        cov = c.copy()
        new = stationary_filter(c, a, b, g)
        new[0] += s * s / (1 - a * a)
        new[1:] += s * s * a ** np.arange(1, lags) / (1 - a * a)
        change = np.max(np.abs(new - d))
        d = 0.5 * (d + new)
        if change < 1e-13 * d[0]:
            break
    return d


class Site:
    def __init__(self, phi, g, dt, sigma, lags):
        self.phi, self.g = phi, g
        self.a = math.exp(-dt)
        self.b = 1.0 - self.a
        self.s = sigma * math.sqrt((1 - self.a ** 2) / 2)
        self.L = lags - 1
        self.D = solve_site(phi, g, self.a, self.b, self.s, lags)
        e = Gauss2(phi, self.D[0]).table(self.D)
        self.F = e(0, 0)
        self.F1 = e(1, 1)             # dF/dD_ts
        self.A = 0.5 * e(2, 0)        # dF/dD_tt
        self.Fts_ts = e(2, 2)         # second derivatives of F(tau) in (D_tt, D_ss, D_ts)
        self.Ftt_ts = 0.5 * e(3, 1)
        self.Ftt_tt = 0.25 * e(4, 0)
        self.Ftt_ss = 0.25 * e(2, 2)
        m = one_d(phi, self.D[0])
        self.q1 = m(1, 1) + m(0, 2)
        self.q2 = 0.25 * (2 * m(0, 4) + 8 * m(1, 3) + 6 * m(2, 2))
        self.F[0] = m(0, 0)

    def fprime(self, v):
        """F' on a stationary (lag) function v."""
        d = stationary_filter(v, self.a, self.b, self.g)
        out = self.F1 * d + 2.0 * self.A * d[0]
        out[0] = self.q1 * d[0]
        return d, out


class Marcher:
    """The causal recursion delta C = p + F' delta C, row by row: row n holds delta C(n, n - j) and
    delta D(n, n - j) for j = 0..L, for a batch of B independent sources."""

    def __init__(self, site, batch):
        self.site, self.B = site, batch
        L = site.L
        self.C = np.zeros((batch, L + 1))
        self.D = np.zeros((batch, L + 1))
        self.diag = np.zeros((batch, L + 1))  # ring buffer of delta D(n, n)
        self.n = -1
        self.lag = np.arange(L + 1)

    def step(self, p):
        """Advance to the next row with source row p (B, L+1) or None; returns (D row, diag of n - j)."""
        s, L = self.site, self.site.L
        a, b, g2 = s.a, s.b, s.g * s.g
        # N(m) = sum_{l>=1} a^(l-1) b C_prev(m + l), m = -1..L-1, stored at m + 1.
        nrow = lfilter([b], [1.0, -a], self.C[:, ::-1], axis=1)[:, ::-1]
        d = np.empty_like(self.D)
        d[:, 1:] = a * self.D[:, :-1] + g2 * b * nrow[:, 1:]
        d[:, 0] = a * d[:, 1] + g2 * b * nrow[:, 0]
        self.n += 1
        self.diag[:, self.n % (L + 1)] = d[:, 0]
        past = self.diag[:, (self.n - self.lag) % (L + 1)]
        if self.n < L:
            past = past.copy()
            past[:, self.n + 1:] = 0.0
        c = s.F1 * d + s.A * (d[:, :1] + past)
        c[:, 0] = s.q1 * d[:, 0]
        if p is not None:
            c += p
        self.C, self.D = c, d
        return d, past


def response_kernels(site, ablate=()):
    """k_pos[m, l]: delta D at (row m, lag m) after a unit source at C(0, -l), l = 0..L;
    k_neg[m, l]: delta D at (row m - l, lag m) after the same source (the pair {w, w + l}, w = -l)."""
    L = site.L
    mr = Marcher(site, L + 1)
    src = np.eye(L + 1)
    k_pos = np.zeros((L + 1, L + 1))
    k_neg = np.zeros((L + 1, L + 1))
    lam = np.arange(L + 1)
    mr.step(src)
    for n in range(1, L + 1):
        d, _ = mr.step(None)
        k_pos[n, :] = d[:, n]
        m = n + lam  # lag m = n + l at row n
        ok = m <= L
        k_neg[m[ok], lam[ok]] = d[lam[ok], m[ok]]
    if "pickup" in ablate:  # keep only the sources the direct filter reaches (the linear case's)
        k_neg[:] = 0.0
        k_pos[:, 0] = 0.0
    return k_pos, k_neg


def gaussian_paths(site, batch, steps, burn, rng):
    """x paths of the N = infinity site: the recursion driven by a Gaussian field of covariance g^2 C_phi."""
    total = steps + burn
    P = 1 << int(math.ceil(math.log2(total + 2 * site.L + 2)))
    c = np.zeros(P)
    c[: site.L + 1] = site.g ** 2 * site.F
    c[P - site.L:] = site.g ** 2 * site.F[1:][::-1]
    lam = np.clip(np.fft.fft(c).real, 0.0, None)
    xs = np.empty((batch, steps))
    for i in range(0, batch, 2):
        w = np.sqrt(lam / P) * (rng.standard_normal(P) + 1j * rng.standard_normal(P))
        hw = np.fft.fft(w)
        for k, h in enumerate((hw.real, hw.imag)):
            if i + k >= batch:
                break
            eps = rng.standard_normal(total)
            drive = site.b * h[:total] + site.s * eps
            x = lfilter([0.0, 1.0], [1.0, -site.a], drive)
            xs[i + k] = x[burn:]
    return xs


def bilinear_w1(site, k_pos, k_neg, f, f1):
    """W1(t) = sum_m phi'(t-m) [sum_l k_pos(m,l) phi(t-m-l) + sum_l k_neg(m,l) phi(t-m+l)] (l >= 1)
    + 2 sum_m k_pos(m,0) phi(t-m) phi'(t-m), for each path (rows of f, f1); valid from t >= 2L."""
    L = site.L
    T = f.shape[1]
    nfft = 1 << int(math.ceil(math.log2(T + 2 * L + 1)))
    out = np.zeros_like(f)
    # M(i, j): coefficient of phi'(t-i) phi(t-j), i = 1..L, j = 0..2L.
    M = np.zeros((L + 1, 2 * L + 1))
    for m in range(1, L + 1):
        M[m, m + 1: m + L + 1] = k_pos[m, 1:]
        l = np.arange(1, m)
        M[m, m - l] = k_neg[m, l]
        M[m, m] += 2.0 * k_pos[m, 0]
    Ff = np.fft.rfft(f, nfft, axis=1)
    Mf = np.fft.rfft(M, nfft, axis=1)  # conv over j: sum_j M(i,j) phi(t-j)
    for i in range(1, L + 1):
        conv = np.fft.irfft(Ff * Mf[i][None, :], nfft, axis=1)[:, :T]  # sum_j M(i,j) phi(t-j)
        out[:, i:] += f1[:, : T - i] * conv[:, i:]
    out[:, : 2 * L + 1] = np.nan
    return out


def xcorr(u, v, L):
    """mean over t of u(t) v(t - j), j = 0..L, per row; ignores nan (the warm-up)."""
    ok = ~np.isnan(u) & ~np.isnan(v)
    T = u.shape[1]
    res = np.zeros((u.shape[0], L + 1))
    for j in range(L + 1):
        a = u[:, j:]
        b = v[:, : T - j]
        m = ok[:, j:] & ok[:, : T - j]
        res[:, j] = np.where(m, a * b, 0.0).sum(axis=1) / m.sum(axis=1)
    return res


def one_loop(site, paths, steps, rng, block=8, ablate=()):
    """Per-path estimates of N (E a - a*) for x and phi (and the pieces), paths in blocks."""
    L = site.L
    k_pos, k_neg = response_kernels(site, ablate)
    warm = 3 * L
    fprime = np.array([site.fprime(e)[1] for e in np.eye(L + 1)]).T  # column k: F' of unit lag k
    resolvent = np.linalg.inv(np.eye(L + 1) - fprime)
    rows = []
    for start in range(0, paths, block):
        B = min(block, paths - start)
        x = gaussian_paths(site, B, steps + warm, 20 * L, rng)
        f = site.phi(x)
        mr = Marcher(site, B)
        acc = {k: np.zeros((B, L + 1)) for k in ("YY", "TtY", "SsY", "TS", "T1a", "T1b", "T1c")}
        for n in range(steps + warm):
            lo = max(0, n - L)
            win = slice(n, lo - 1 if lo > 0 else None, -1)  # phi(n - j), j = 0..n - lo
            w = n - lo + 1
            p = np.zeros((B, L + 1))
            p[:, :w] = f[0][:, n:n + 1] * f[0][:, win] - site.F[:w]
            d, past = mr.step(p)
            if n < warm:
                continue
            acc["YY"] += d * d
            acc["TtY"] += d[:, :1] * d
            acc["SsY"] += past * d
            acc["TS"] += d[:, :1] * past
            acc["T1a"] += (f[2][:, n] * d[:, 0])[:, None] * f[0][:, win]
            acc["T1b"] += f[0][:, n:n + 1] * f[2][:, win] * past
            acc["T1c"] += f[1][:, n:n + 1] * f[1][:, win] * d
        for k in acc:
            acc[k] /= steps
        w1 = bilinear_w1(site, k_pos, k_neg, f[0], f[1])
        w1[:, :warm] = np.nan
        wx = np.nanmean(x * w1, axis=1)
        wa = xcorr(f[1] * w1, f[0], L)
        wb = xcorr(f[0], f[1] * w1, L)
        xw = xcorr(w1, x, L) + xcorr(x, w1, L)  # E x(t - tau) W1(t) + E x(t) W1(t - tau)
        for i in range(B):
            s_f = 0.5 * acc["T1a"][i] + 0.5 * acc["T1b"][i] + acc["T1c"][i] + wa[i] + wb[i]
            y0 = acc["YY"][i][0]
            half_f2 = 0.5 * (site.Ftt_tt * 2 * y0 + 2 * site.Ftt_ss * acc["TS"][i]
                             + 2 * site.Ftt_ts * (acc["TtY"][i] + acc["SsY"][i]) + site.Fts_ts * acc["YY"][i])
            half_f2[0] = 0.5 * site.q2 * y0
            if "sigma" in ablate:
                half_f2[:] = 0.0
            t = resolvent @ (half_f2 + s_f)
            gt = stationary_filter(t, site.a, site.b, site.g)
            u = gt + xw[i]
            dt = -math.log(site.a)
            rows.append({"phi_a": t[0], "x_a": gt[0] + 2 * wx[i], "x_a_self": 2 * wx[i],
                         "phi_sigma": half_f2[0], "phi_self": s_f[0],
                         "phi_zf_a": dt * (t[0] + 2 * t[1:].sum()), "x_zf_a": dt * (u[0] + 2 * u[1:].sum()),
                         "phi_tail": t[-1] / t[0], "x_tail": u[-1] / u[0]})
        print(f"  paths {start + B}/{paths}: " + ", ".join(
            f"{k} {np.mean([r[k] for r in rows]):.4g}" for k in ("x_a", "phi_a")), file=sys.stderr, flush=True)
    return rows


def linear_exact(site):
    """phi = x: every Sigma term vanishes and E x(n - k) W(n) is the kernel against Delta; N (E a - a*)."""
    L = site.L
    k_pos, k_neg = response_kernels(site)
    weight = np.zeros(2 * L + 1)  # coefficient of x(n - j) in W(n) (phi' = 1)
    for m in range(1, L + 1):
        weight[m + 1: m + L + 1] += k_pos[m, 1:]
        lam = np.arange(1, m)
        weight[m - lam] += k_neg[m, lam]
        weight[m] += 2.0 * k_pos[m, 0]
    delta = np.concatenate([site.D, np.zeros(3 * L)])
    j = np.arange(2 * L + 1)
    s_f = np.array([np.sum(weight * (delta[np.abs(j - k)] + delta[k + j])) for k in range(L + 1)])
    fprime = np.array([site.fprime(e)[1] for e in np.eye(L + 1)]).T
    return float(np.linalg.solve(np.eye(L + 1) - fprime, s_f)[0])


def summarize(rows):
    out = {}
    for k in rows[0]:
        v = np.array([r[k] for r in rows])
        out[k] = (float(v.mean()), float(v.std(ddof=1) / math.sqrt(len(v))))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--activation", default="tanh")
    ap.add_argument("--g", type=float, default=1.0)
    ap.add_argument("--dt", type=float, default=0.05)
    ap.add_argument("--sigma", type=float, default=1.0)
    ap.add_argument("--time", type=float, default=20.0, help="lags kept, in time units")
    ap.add_argument("--paths", type=int, default=32)
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ablate", default="", help="diagnostics: comma list of 'pickup' (drop the kernel's sources "
                    "reached only through the delta Delta(n,n) pick-up) and 'sigma' (drop 1/2 F''[Sigma])")
    ap.add_argument("--linear-exact", action="store_true", help="phi = x without sampling (ignores --activation)")
    args = ap.parse_args()
    if args.linear_exact:
        site = Site(activation("linear"), args.g, args.dt, args.sigma, int(round(args.time / args.dt)) + 1)
        print(json.dumps({"x_a": linear_exact(site), "config": vars(args)}))
        return
    phi = activation(args.activation)
    lags = int(round(args.time / args.dt)) + 1
    t0 = time.time()
    site = Site(phi, args.g, args.dt, args.sigma, lags)
    print(f"site: Delta0 {site.D[0]:.6f}, E phi^2 {site.F[0]:.6f}, Delta(L)/Delta0 {site.D[-1] / site.D[0]:.2e}",
          file=sys.stderr)
    rows = one_loop(site, args.paths, args.steps, np.random.default_rng(args.seed),
                    ablate=tuple(a for a in args.ablate.split(",") if a))
    res = summarize(rows)
    res["config"] = vars(args)
    res["seconds"] = time.time() - t0
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
