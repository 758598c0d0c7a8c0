#include "quench/theory/pade_theory.hpp"

#include <lapacke.h>

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "quench/theory/faddeeva.hpp"

namespace quench::theory {
namespace {

using Complex = std::complex<double>;

std::string show(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

std::string show(Complex z) { return "(" + show(z.real()) + (z.imag() < 0 ? " - " : " + ") + show(std::fabs(z.imag())) + "i)"; }

std::vector<double> trimmed(const double* c, int count) {
    std::vector<double> out(c, c + count);
    while (!out.empty() && out.back() == 0.0) out.pop_back();
    return out;
}

template <class T>
T evaluate(const std::vector<double>& c, T x) {
    T acc = 0.0;
    for (auto it = c.rbegin(); it != c.rend(); ++it) acc = acc * x + *it;
    return acc;
}

std::vector<double> derivativeOf(const std::vector<double>& c) {
    std::vector<double> d;
    for (std::size_t n = 1; n < c.size(); ++n) d.push_back(static_cast<double>(n) * c[n]);
    return d;
}

// Roots of the polynomial with ascending coefficients c (degree >= 1) from the eigenvalues of its
// companion matrix, each polished by Newton steps on the polynomial itself.
std::vector<Complex> polynomialRoots(const std::vector<double>& c) {
    const int n = static_cast<int>(c.size()) - 1;
    std::vector<double> companion(static_cast<std::size_t>(n) * n, 0.0);  // column major
    for (int i = 1; i < n; ++i) companion[i + (i - 1) * n] = 1.0;
    for (int i = 0; i < n; ++i) companion[i + (n - 1) * n] = -c[i] / c[n];
    std::vector<double> wr(n), wi(n);
    const lapack_int info = LAPACKE_dhseqr(LAPACK_COL_MAJOR, 'E', 'N', n, 1, n, companion.data(), n, wr.data(), wi.data(), nullptr, 1);
    if (info != 0) throw std::runtime_error("Pade denominator: the companion eigenvalue solver failed, info " + std::to_string(info));
    const std::vector<double> dc = derivativeOf(c);
    std::vector<Complex> roots(n);
    for (int i = 0; i < n; ++i) {
        Complex z(wr[i], wi[i]);
        for (int iter = 0; iter < 4; ++iter) {
            const Complex dq = evaluate(dc, z);
            if (std::abs(dq) == 0.0) break;
            z -= evaluate(c, z) / dq;
        }
        roots[i] = z;
    }
    return roots;
}

// Polynomial division p = quotient * q + remainder (ascending coefficients).
void divide(const std::vector<double>& p, const std::vector<double>& q, std::vector<double>& quotient, std::vector<double>& remainder) {
    remainder = p;
    const std::size_t dq = q.size() - 1;
    quotient.assign(p.size() > dq ? p.size() - dq : 1, 0.0);
    for (std::size_t k = p.size(); k-- > dq;) {
        const double coef = remainder[k] / q.back();
        quotient[k - dq] = coef;
        for (std::size_t j = 0; j <= dq; ++j) remainder[k - dq + j] -= coef * q[j];
    }
    remainder.resize(dq);
}

// E[x^n], x ~ N(0, v): v^(n/2) (n-1)!! for even n.
double gaussianMoment(std::size_t n, double v) {
    if (n % 2 == 1) return 0.0;
    double m = 1.0;
    for (std::size_t k = 1; k < n; k += 2) m *= static_cast<double>(k) * v;
    return m;
}

template <class T>
T polynomialExpectation(const std::vector<T>& c, double v) {
    T sum = 0.0;
    for (std::size_t n = 0; n < c.size(); ++n) sum += c[n] * gaussianMoment(n, v);
    return sum;
}

// S(x) / (x - z) = T(x) + S(z) / (x - z): synthetic division, T with complex coefficients.
std::vector<Complex> syntheticQuotient(const std::vector<double>& s, Complex z) {
    if (s.size() < 2) return {};
    std::vector<Complex> t(s.size() - 1);
    Complex carry = 0.0;
    for (std::size_t k = s.size(); k-- > 1;) {
        carry = carry * z + s[k];
        t[k - 1] = carry;
    }
    return t;
}

void requireVariance(double v) {
    if (!(v >= 0.0) || !std::isfinite(v)) throw std::domain_error("variance = " + show(v) + ": must be finite and >= 0");
}

}  // namespace

PartialFractions padePartialFractions(const Activation& phi) {
    if (phi.kind != ActivationKind::Pade) throw std::domain_error("padePartialFractions: the activation is not a Pade activation");
    const std::vector<double> p = trimmed(phi.p, phi.p_count);
    const std::vector<double> q = trimmed(phi.q, phi.q_count);
    if (q.empty()) throw std::domain_error("Pade denominator Q is identically zero");
    PartialFractions out;
    std::vector<double> remainder;
    divide(p.empty() ? std::vector<double>{0.0} : p, q, out.polynomial, remainder);
    if (q.size() == 1) return out;
    out.poles = polynomialRoots(q);
    const std::vector<double> dq = derivativeOf(q);
    for (std::size_t k = 0; k < out.poles.size(); ++k) {
        const Complex z = out.poles[k];
        if (std::fabs(z.imag()) <= 1e-10 * std::max(1.0, std::abs(z)))
            throw std::domain_error("Pade denominator Q has a real root x = " + show(z.real()) + ": phi = P/Q is singular on the real line");
        for (std::size_t l = 0; l < k; ++l)
            if (std::abs(z - out.poles[l]) <= 1e-7 * std::max(1.0, std::abs(z)))
                throw std::domain_error("Pade denominator Q has a repeated root " + show(z) + ": closed forms need simple poles");
        out.residues.push_back(evaluate(remainder, z) / evaluate(dq, z));
    }
    return out;
}

double padeMean(const Activation& phi, double variance) {
    requireVariance(variance);
    const PartialFractions pf = padePartialFractions(phi);
    Complex sum = polynomialExpectation(pf.polynomial, variance);
    for (std::size_t k = 0; k < pf.poles.size(); ++k) sum += pf.residues[k] * gaussianResolvent(pf.poles[k], variance);
    return sum.real();
}

double padeEffectiveGain(const Activation& phi, double variance) {
    requireVariance(variance);
    const PartialFractions pf = padePartialFractions(phi);
    Complex sum = polynomialExpectation(derivativeOf(pf.polynomial), variance);
    for (std::size_t k = 0; k < pf.poles.size(); ++k) sum -= pf.residues[k] * gaussianResolventSquared(pf.poles[k], variance);
    return sum.real();
}

double padeMeanTimesX(const Activation& phi, double variance) {
    requireVariance(variance);
    const PartialFractions pf = padePartialFractions(phi);
    std::vector<double> xs(pf.polynomial.size() + 1, 0.0);
    for (std::size_t n = 0; n < pf.polynomial.size(); ++n) xs[n + 1] = pf.polynomial[n];
    Complex sum = polynomialExpectation(xs, variance);
    // x r / (x - z) = r + r z / (x - z)
    for (std::size_t k = 0; k < pf.poles.size(); ++k)
        sum += pf.residues[k] * (1.0 + pf.poles[k] * gaussianResolvent(pf.poles[k], variance));
    return sum.real();
}

double padeMeanSquare(const Activation& phi, double variance) {
    requireVariance(variance);
    const PartialFractions pf = padePartialFractions(phi);
    std::vector<double> s2(pf.polynomial.size() * 2 - 1, 0.0);
    for (std::size_t i = 0; i < pf.polynomial.size(); ++i)
        for (std::size_t j = 0; j < pf.polynomial.size(); ++j) s2[i + j] += pf.polynomial[i] * pf.polynomial[j];
    Complex sum = polynomialExpectation(s2, variance);
    const std::size_t n = pf.poles.size();
    for (std::size_t k = 0; k < n; ++k) {
        const Complex zk = pf.poles[k];
        const Complex rk = pf.residues[k];
        const Complex resolvent_k = gaussianResolvent(zk, variance);
        // 2 S(x) r_k / (x - z_k) = 2 r_k [T_k(x) + S(z_k) / (x - z_k)]
        sum += 2.0 * rk * (polynomialExpectation(syntheticQuotient(pf.polynomial, zk), variance) +
                           evaluate(pf.polynomial, zk) * resolvent_k);
        sum += rk * rk * gaussianResolventSquared(zk, variance);
        for (std::size_t l = 0; l < n; ++l) {
            if (l == k) continue;
            const Complex zl = pf.poles[l];
            sum += rk * pf.residues[l] * (resolvent_k - gaussianResolvent(zl, variance)) / (zk - zl);
        }
    }
    return sum.real();
}

double padeAntiderivative(const Activation& phi, double x) { return padeAntiderivative(padePartialFractions(phi), x); }

double padeAntiderivative(const PartialFractions& pf, double x) {
    if (!std::isfinite(x)) throw std::domain_error("x = " + show(x) + ": the antiderivative needs a finite argument");
    double poly = 0.0;
    for (std::size_t n = pf.polynomial.size(); n-- > 0;) poly = poly * x + pf.polynomial[n] / static_cast<double>(n + 1);
    poly *= x;
    // log((x - z)/(-z)) via log1p-like care: the principal branch is continuous along real x because
    // x - z never crosses the negative real axis (Im z != 0).
    Complex logs = 0.0;
    for (std::size_t k = 0; k < pf.poles.size(); ++k) {
        const Complex z = pf.poles[k];
        logs += pf.residues[k] * (std::log(Complex(x) - z) - std::log(-z));
    }
    return poly + logs.real();
}

double padeAntiderivativeVariance(const Activation& phi, double variance, const GaussHermiteRule& rule) {
    const PartialFractions pf = padePartialFractions(phi);
    const double mean = gaussianExpectation([&pf](double x) { return padeAntiderivative(pf, x); }, variance, rule);
    return gaussianExpectation([&pf, mean](double x) { const double d = padeAntiderivative(pf, x) - mean; return d * d; },
                               variance, rule);
}

double padeCorrelation(const Activation& phi, double delta0, double delta, const GaussHermiteRule& rule) {
    requireVariance(delta0);
    if (!(delta >= 0.0) || !(delta <= delta0))
        throw std::domain_error("delta = " + show(delta) + ": the lagged covariance must lie in [0, delta0 = " + show(delta0) + "]");
    const PartialFractions pf = padePartialFractions(phi);
    const double inner_variance = delta0 - delta;
    const double b = std::sqrt(delta);
    double outer = 0.0;
    for (int j = 0; j < rule.order(); ++j) {
        const double shift = b * rule.nodes[j];
        // E_y S(a y + shift): expand the polynomial in the shifted variable by moments.
        Complex inner = 0.0;
        for (std::size_t n = 0; n < pf.polynomial.size(); ++n) {
            double moment = 0.0;  // E[(a y + shift)^n] = sum_m C(n,m) shift^(n-m) E[(a y)^m]
            double binomial = 1.0;
            for (std::size_t m = 0; m <= n; ++m) {
                moment += binomial * std::pow(shift, static_cast<double>(n - m)) * gaussianMoment(m, inner_variance);
                binomial = binomial * static_cast<double>(n - m) / static_cast<double>(m + 1);
            }
            inner += pf.polynomial[n] * moment;
        }
        for (std::size_t k = 0; k < pf.poles.size(); ++k)
            inner += pf.residues[k] * gaussianResolvent(pf.poles[k] - shift, inner_variance);
        outer += rule.weights[j] * inner.real() * inner.real();
    }
    return outer;
}

}  // namespace quench::theory
