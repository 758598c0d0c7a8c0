#!/usr/bin/env python3
"""How far one site's x_i is from Gaussian at finite N (docs/theory/nonlinear_finite_size.md, section 5).

quench reports covariances, not per-site higher moments; this diagnostic integrates a tanh network with
white noise (sigma = 1, exponential Euler as quench does, iid J with the Gaussian diagonal, R realizations
at once) and prints, averaged over sites and realizations,
  - the excess kurtosis of x_i, E x^4 / (E x^2)^2 - 3 (time averages, every 10th step);
  - E phi(x_i)^2 against q(Delta_i), the Gaussian value at the site's own variance (and gamma_i likewise);
  - N var_i of Delta_i, of E phi_i^2 and of q(Delta_i) (raw: they include the finite-T sampling noise).
With --export it also prints the part of the kurtosis that independent inputs would give,
3 g^4 K4 / (N Delta0^2), K4 the fourth cumulant of y = int e^-s phi(x(t - s)) ds for the DMFT process x.

    python3 scripts/site_non_gaussianity.py --n 25 --g 1.5 --r 64 --t 3000
    python3 scripts/site_non_gaussianity.py --export /tmp/tanh_1.5.txt
"""
import argparse

import numpy as np
from scipy.signal import lfilter

GH_X, GH_W = np.polynomial.hermite_e.hermegauss(80)
GH_W = GH_W / GH_W.sum()


def simulate(n, g, r, t_max, dt, seed):
    rng = np.random.default_rng(seed)
    J = rng.normal(0, g / np.sqrt(n), (r, n, n))
    x = rng.normal(0, 1, (r, n))
    decay = np.exp(-dt)
    amp = np.sqrt((1 - decay * decay) / 2)
    burn, steps = int(50 / dt), int(t_max / dt)
    m2, m4, p2 = np.zeros((r, n)), np.zeros((r, n)), np.zeros((r, n))
    count = 0
    for s in range(burn + steps):
        h = np.einsum("rij,rj->ri", J, np.tanh(x))
        x = x * decay + (1 - decay) * h + amp * rng.normal(size=(r, n))
        if s >= burn and s % 10 == 0:
            x2 = x * x
            m2, m4, p2, count = m2 + x2, m4 + x2 * x2, p2 + np.tanh(x) ** 2, count + 1
    m2, m4, p2 = m2 / count, m4 / count, p2 / count
    q = (np.tanh(np.sqrt(m2)[..., None] * GH_X) ** 2 * GH_W).sum(-1)

    def show(a):
        return f"{a.mean():.5f} +- {a.mean(1).std(ddof=1) / np.sqrt(r):.5f}"

    print(f"N = {n}, g = {g}, R = {r}, T = {t_max}, dt = {dt}")
    print(f"  excess kurtosis of x_i {show(m4 / m2**2 - 3)}   Delta_i {show(m2)}")
    print(f"  E phi_i^2 {show(p2)}   q(Delta_i) {show(q)}   difference {show(p2 - q)}  (= -(gamma_i - gamma(Delta_i)) for tanh)")
    print(f"  N var_i: Delta_i {n * m2.var(1).mean():.4f}, E phi_i^2 {n * p2.var(1).mean():.4f}, q(Delta_i) {n * q.var(1).mean():.4f}")


def independent_inputs(path, seed):
    with open(path) as fh:
        head = fh.readline().split()
    g, d0, dt = float(head[1]), float(head[3]), float(head[6])
    delta = np.loadtxt(path, skiprows=2)[:, 0]
    m, h = 1 << 22, 0.05
    c = np.interp(np.arange(m // 2 + 1) * h, np.arange(len(delta)) * dt, delta, right=0.0)
    spectrum = np.maximum(np.fft.rfft(np.concatenate([c, c[-2:0:-1]])).real, 0)
    rng = np.random.default_rng(seed)
    k4 = []
    for _ in range(8):
        x = np.fft.irfft(np.sqrt(spectrum) * np.fft.rfft(rng.normal(size=m)), n=m)
        y = lfilter([1 - np.exp(-h)], [1, -np.exp(-h)], np.tanh(x))[1000:]
        k4.append((y**4).mean() - 3 * (y**2).mean() ** 2)
    k, se = np.mean(k4), np.std(k4, ddof=1) / np.sqrt(len(k4))
    scale = 3 * g**4 / d0**2
    print(f"g = {g}: K4 = {k:.5f} +- {se:.5f}; independent inputs give excess kurtosis {scale * k:.3f} / N")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=25)
    ap.add_argument("--g", type=float, default=1.5)
    ap.add_argument("--r", type=int, default=64, help="realizations")
    ap.add_argument("--t", type=float, default=3000.0, help="measured time after a burn-in of 50")
    ap.add_argument("--dt", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--export", help="DMFT export (quench_export_order_parameters): independent-input estimate only")
    args = ap.parse_args()
    if args.export:
        independent_inputs(args.export, args.seed)
    else:
        simulate(args.n, args.g, args.r, args.t, args.dt, args.seed)


if __name__ == "__main__":
    main()
