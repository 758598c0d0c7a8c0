#!/usr/bin/env python3
"""O(1/N) shift of a nonlinear network's order parameters (docs/theory/nonlinear_finite_size.md, section 3).

Reads the file written by bench quench_export_order_parameters (DMFT Delta(tau), C_phi(tau), gamma, g_eff and
the frozen linear-equivalence 1/N coefficients), solves the DMFT linearized about its solution with the
frozen network's 1/N source,
    (1 + w^2) dS_x(w) = g^2 dS_phi(w) + (|K|^2 - g_eff^2) s_x(w),   dC_phi = F_0 dDelta(0) + F_1 dDelta(tau),
and prints the ET 1/N coefficients of phi with and without that shift. Smooth activations only (tanh,
pade): the Gauss-Hermite averages of phi' are not accurate across a power law's kink.

    build/bench/quench_export_order_parameters --activation tanh --g 1.5 --out /tmp/tanh_1.5.txt
    python3 scripts/nonlinear_mean_shift.py /tmp/tanh_1.5.txt
"""
import sys

import numpy as np

GH_X, GH_W = np.polynomial.hermite_e.hermegauss(60)
GH_W = GH_W / GH_W.sum()


def activation(name):
    if name == "tanh":
        return np.tanh
    if name == "pade":  # the tanh_3_2 preset x (15 + x^2) / (15 + 6 x^2)
        return lambda x: x * (15 + x * x) / (15 + 6 * x * x)
    sys.exit(f"{name}: only smooth activations (tanh, pade) are supported")


def derivative(f):
    return lambda x: (f(x + 1e-5) - f(x - 1e-5)) / 2e-5


def two_point(f1, f2, d0, ds):
    """E[f1(x1) f2(x2)], Var x_i = d0, Cov = D, for each D in ds."""
    out = np.empty(len(ds))
    z, y = GH_X[:, None], GH_X[None, :]
    for i, d in enumerate(ds):
        a, b = np.sqrt(max(d, 0.0)), np.sqrt(max(d0 - d, 0.0))
        inner1 = (GH_W[None, :] * f1(a * z + b * y)).sum(1)
        inner2 = (GH_W[None, :] * f2(a * z + b * y)).sum(1)
        out[i] = (GH_W * inner1 * inner2).sum()
    return out


def main(path):
    with open(path) as fh:
        head = fh.readline().split()
        frozen = [float(v) for v in fh.readline().split()]
    name, g, sigma = head[0], float(head[1]), float(head[2])
    d0, gamma, ge, dt = (float(v) for v in head[3:7])
    data = np.loadtxt(path, skiprows=2)
    step = 3  # a coarser tau grid for the dense linear solve
    delta, c_phi = data[::step, 0], data[::step, 1]
    h = dt * step
    m = len(delta)
    tau = np.arange(m) * h
    phi = activation(name)
    dphi = derivative(phi)

    scale = np.sqrt(max(1 - ge, 1e-3))
    xl, wl = np.polynomial.legendre.leggauss(400)
    theta = (xl + 1) * np.pi / 4
    w = scale * np.tan(theta)
    wf = 2 * wl * np.pi / 4 * scale / np.cos(theta) ** 2 / (2 * np.pi)  # int over R dw/2pi of an even f

    def fourier(f):  # 2 int_0^T f cos(w tau), Filon for the piecewise-linear f
        slope, mid = np.diff(f) / h, (np.arange(m - 1) + 0.5) * h
        out = np.empty(len(w))
        for i, ww in enumerate(w):
            if ww * h < 1e-6:
                out[i] = 2 * h * (f.sum() - 0.5 * (f[0] + f[-1]))
                continue
            s = -(slope * 2 * np.sin(ww * mid)).sum() * np.sin(0.5 * ww * h)
            out[i] = 2 * (f[-1] * np.sin(ww * tau[-1]) / ww + s / (ww * ww))
        return out

    def inverse(spectrum):
        return (np.cos(np.outer(tau, w)) * (wf * spectrum)).sum(1)

    k = 1 + 1j * w
    k2, ge2 = np.abs(k) ** 2, ge * ge
    s_phi = fourier(c_phi)
    s_x = (sigma**2 + g * g * s_phi) / k2
    s_r = s_phi - gamma**2 * s_x
    # 1/N terms of the mean resolvent and two-point function of the effective coupling gamma J (iid,
    # Gaussian diagonal: d = eta = 0 in docs/theory/linear_finite_size.md section 4), at z = K.
    u = 1 / k
    ub = np.conj(u)

    def g1(v):
        return ge2 * v**3 / (1 - ge2 * v * v)

    p0 = u * ub / (1 - ge2 * u * ub)
    t = u * u * ub / ((1 - ge2 * u * u) * (1 - ge2 * u * ub))
    p1 = (u / (1 - ge2 * u * ub) * (g1(ub) * (1 + ge2 * p0) + ge2 * t)).real
    # x = R xi + (K R - 1) r / gamma in the frozen network: its 1/N mean spectrum.
    src_x = sigma**2 * p1 + s_r / gamma**2 * (k2 * p1 - 2 * (k * g1(u)).real)
    h_tau = inverse((k2 - ge2) * src_x / k2)
    f0 = (two_point(phi, phi, d0 + 1e-4, delta) - two_point(phi, phi, d0 - 1e-4, delta)) / 2e-4
    f1 = two_point(dphi, dphi, d0, delta)
    wt = np.full(m, h)
    wt[0] = wt[-1] = h / 2
    conv = 0.5 * (np.exp(-np.abs(tau[:, None] - tau[None, :])) + np.exp(-(tau[:, None] + tau[None, :]))) * wt
    system = np.eye(m) - g * g * conv * f1[None, :]
    system[:, 0] -= g * g * (conv @ f0)
    d_delta = np.linalg.solve(system, h_tau)
    one = lambda x: np.ones_like(x)  # noqa: E731
    gamma_slope = (two_point(dphi, one, d0 + 1e-4, [0.0])[0] - two_point(dphi, one, d0 - 1e-4, [0.0])[0]) / 2e-4
    d_ge = g * gamma_slope * d_delta[0]
    d_s = fourier(f0 * d_delta[0] + f1 * d_delta) - gamma**2 * src_x

    def kernel(kp):
        q = 1 / np.outer(k, kp)
        tt = 1 / (1 - ge2 * q)
        return np.abs(tt) ** 2, (2 * np.conj(tt) * tt * tt * 2 * ge * q).real

    ka, dka = kernel(np.conj(k))
    kb, dkb = kernel(k)
    t2, dt2 = 0.5 * (ka + kb), 0.5 * (dka + dkb)  # both signs of w'
    a = wf @ s_phi
    excess = wf @ (np.outer(s_phi, s_phi) * (t2 - 1)) @ wf
    m2 = a * a + excess
    pr = a * a / m2
    da = wf @ d_s
    d_excess = 2 * (wf @ (np.outer(d_s, s_phi) * (t2 - 1)) @ wf) + (wf @ (np.outer(s_phi, s_phi) * dt2) @ wf) * d_ge
    ca, cm2, cpr, cnd = frozen
    total_a, total_m2 = ca + da, cm2 + 2 * a * da + d_excess
    total_pr = pr * (2 * total_a / a - total_m2 / m2)
    print(f"{name} g = {g} sigma = {sigma}: Delta0 = {d0:.5f}, gamma = {gamma:.5f}, g_eff = {ge:.5f}")
    print(f"  N = infinity (check): a = {a:.5f}, N dc2 = {excess:.5f}, PR/N = {pr:.5f}")
    print(f"  order-parameter shift per 1/N: dDelta0 = {d_delta[0]:.4f}, dg_eff = {d_ge:.4f}")
    print(f"  {'1/N coefficient':28s} {'a_phi':>9s} {'m2':>10s} {'PR/N':>9s} {'N dc2':>10s}")
    print(f"  {'frozen linear equivalence':28s} {ca:9.4f} {cm2:10.4f} {cpr:9.4f} {cnd:10.4f}")
    print(f"  {'+ order-parameter shift':28s} {total_a:9.4f} {total_m2:10.4f} {total_pr:9.4f} {cnd + d_excess:10.4f}")


if __name__ == "__main__":
    for p in sys.argv[1:]:
        main(p)
