#!/usr/bin/env python3
"""Independent symbolic path to the 1/N coefficients of docs/theory/linear_finite_size.md (sympy).

The same Stein equations as host/theory/linear_finite_size.cpp, but every divided difference is cancelled
symbolically instead of by divided-difference arithmetic. Prints the zero-frequency closed forms used as
check values in tests/theory/test_linear_finite_size.cpp (takes about 2 min: the four-point term is large).

Variables: u_a = G(z_a), the N = infinity mean resolvent, with z(u) = 1/u + eta g^2 u; d is the deficit of the
diagonal variance (E J_ii^2 = (1 + eta - d) g^2/N: d = eta for the simulator's Gaussian diagonal, 1 + eta for
zero_diagonal).
"""
import sympy as sp

g, eta, d = sp.symbols('g eta d', real=True)
u = sp.symbols('u1:5')


def z(a):
    return 1 / a + eta * g**2 * a


def P0(a, b):  # tr R_a R_b^T
    return a * b / (1 - g**2 * a * b)


def G1(a):  # 1/N term of tr R_a
    return g**2 * (P0(a, a) - d * a**2) / (1 / a - eta * g**2 * a)


def T(a, b):  # tr R_a^T R_a R_b^T
    return sp.cancel((P0(a, a) - P0(a, b)) / (z(b) - z(a)))


def U(a, b):  # tr R_a R_b^T R_b
    return sp.cancel((P0(a, b) - P0(b, b)) / (z(b) - z(a)))


def P1(a, b):
    rhs = (G1(b) * (1 + g**2 * P0(a, b)) + eta * g**2 * G1(a) * P0(a, b)
           + g**2 * (T(a, b) + eta * U(a, b) - d * (a + b) * P0(a, b)))
    return sp.cancel(rhs * a / (1 - g**2 * a * b))


def P(a, b, order):
    return P0(a, b) if order == 0 else P1(a, b)


def V(b, c, e, order):  # tr R_b^T R_c R_e^T
    return sp.cancel((P(c, b, order) - P(c, e, order)) / (z(e) - z(b)))


def W(a, b, c, order):  # tr R_a R_b^T R_c
    return sp.cancel((P(c, b, order) - P(a, b, order)) / (z(a) - z(c)))


def F0(a, b, c, e):
    rhs = V(b, c, e, 0) * (1 + g**2 * P0(a, b)) + eta * g**2 * W(a, b, c, 0) * P0(c, e)
    return sp.cancel(rhs / (1 / a - g**2 * e))


def F1(a, b, c, e):
    f0 = F0(a, b, c, e)
    x1 = sp.cancel((F0(a, b, c, a) - f0) / (z(e) - z(a)))
    x2 = sp.cancel((F0(b, a, c, c) - F0(b, a, c, e)) / (z(e) - z(c)))
    x3 = sp.cancel((F0(b, b, c, e) - F0(b, a, c, e)) / (z(a) - z(b)))
    x4 = sp.cancel((F0(e, b, c, e) - f0) / (z(a) - z(e)))
    v0, v1 = V(b, c, e, 0), V(b, c, e, 1)
    w0, w1 = W(a, b, c, 0), W(a, b, c, 1)
    rhs = (v1 + g**2 * (P1(a, b) * v0 + P0(a, b) * v1 + f0 * G1(e))
           + eta * g**2 * (G1(a) * f0 + w1 * P0(c, e) + w0 * P1(c, e))
           + g**2 * (x1 + x2 + eta * x3 + eta * x4 - d * (a * f0 + P0(a, b) * v0 + w0 * P0(c, e) + f0 * e)))
    return rhs / (1 / a - g**2 * e)


if __name__ == '__main__':
    s = sp.Symbol('u')
    same = {u[0]: s, u[1]: s, u[2]: s, u[3]: s}
    a1 = sp.factor(sp.cancel(P1(u[0], u[1]).subs(same)))
    m2_0 = sp.factor(sp.cancel(F0(*u).subs(same)))
    m2_1 = sp.factor(sp.cancel(sp.together(F1(*u).subs(same))))
    print('ZF, u = G(1):')
    print('  a  1/N:', a1)
    print('  m2 N=inf:', m2_0)
    print('  m2 1/N:', m2_1)
    for name, dd in (('gaussian diagonal', 0), ('zero diagonal', 1)):
        iid = {s: 1, eta: 0, d: dd}
        ca, cm = sp.factor(a1.subs(iid)), sp.factor(m2_1.subs(iid))
        a0, m0 = 1 / (1 - g**2), 1 / (1 - g**2)**4
        cpr = sp.factor(sp.simplify(a0**2 / m0 * (2 * ca / a0 - cm / m0)))
        print(f'  iid, {name}: c_a = {ca}, c_m2 = {cm}, c_pr = {cpr}')
