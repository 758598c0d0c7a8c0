// The x covariance of nonlinear networks by linear equivalence (docs/theory/state_covariance.md).
#include "quench/theory/state_covariance.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <stdexcept>
#include <string>
#include <vector>

#include "quench/theory/frequency_rule.hpp"

namespace quench::theory {
namespace {

using Complex = std::complex<double>;

// Large-N normalized traces of products of G_a = (1 - a J)^-1 and its adjoint, J iid N(0, g^2/N):
// tr[G_a G_b^H] = t(a, b), tr[G_a G_b G_c^H] = t(a, c) t(b, c), tr[G_a] = tr[G_a G_b] = 1, and
// tr[K_a K_b] = t(a,a) t(b,b) t(a,b) t(b,a) for K = G G^H (theory.md's all-frequency kernel).
// P = (G - 1)(G - 1)^H = K - G - G^H + 1 reduces every trace with J G G^H J^T to these.
struct TraceTable {
    double kk;  // tr[K_a K_b]
    double kp;  // tr[K_a P_b]
    double pk;  // tr[P_a K_b]
    double pp;  // tr[P_a P_b]
};

Complex t(double g2, Complex a, Complex b) {
    return 1.0 / (1.0 - g2 * a * std::conj(b));
}

// Random-mode couplings (no overlap) keep every two- and three-resolvent trace and multiply tr[K_a K_b]
// by 1 + kappa |a|^2 |b|^2 (checked against dense N = 1600 matrices, docs/theory/random_mode.md).
TraceTable traces(double g2, double kappa, Complex a, Complex b) {
    const double taa = std::real(t(g2, a, a)), tbb = std::real(t(g2, b, b));
    const Complex tab = t(g2, a, b), tba = t(g2, b, a);
    const double cross = std::real(tab + tba);  // t(a,b) + t(b,a) = 2 Re t(a,b)
    const double kk = taa * tbb * std::norm(tab) * (1.0 + kappa * std::norm(a) * std::norm(b));
    return {kk, kk - taa * cross + taa, kk - tbb * cross + tbb,
            kk - cross * (taa + tbb - 1.0) + taa + tbb - 1.0};
}

void requireStable(const LinearEquivalentSpectra& s) {
    if (!(s.g >= 0.0) || !(s.gamma > 0.0) || !(s.g * s.gamma < 1.0))
        throw std::domain_error("state covariance: g gamma = " + std::to_string(s.g * s.gamma) +
                                " must lie in [0, 1) with gamma > 0 (no stationary state otherwise)");
    if (!s.noise || !s.residual)
        throw std::invalid_argument("state covariance: noise and residual spectra are required");
    if (!(s.kappa >= 0.0) || !std::isfinite(s.kappa))
        throw std::domain_error("state covariance: kappa = " + std::to_string(s.kappa) +
                                " must be finite and >= 0");
}

// What the trace formulas need of one frequency, evaluated once (the residual spectrum costs a Filon sum).
struct FrequencyPoint {
    Complex chi;             // gamma / (1 + i w)
    double noise_weight;     // N(w) / (1 + w^2): weight of G G^H
    double residual_weight;  // S_r(w) / (|chi|^2 (1 + w^2)) = S_r / gamma^2: weight of P = (G - 1)(G - 1)^H
    double spectrum;         // S_x(w), the diagonal
};

FrequencyPoint frequencyPoint(const LinearEquivalentSpectra& s, double w) {
    const double g2 = s.g * s.g, lowpass = 1.0 / (1.0 + w * w);
    const Complex chi = s.gamma / Complex(1.0, w);
    const double noise = s.noise(w), residual = s.residual(w);
    const double taa = std::real(t(g2, chi, chi));
    // tr[J G G^H J^T] = tr[P] / |chi|^2 = (t - 1) / |chi|^2 = g^2 t.
    return {chi, noise * lowpass, residual / (s.gamma * s.gamma), (noise + g2 * residual) * taa * lowpass};
}

double crossSpectralProduct(double g2, double kappa, const FrequencyPoint& a, const FrequencyPoint& b) {
    const TraceTable tr = traces(g2, kappa, a.chi, b.chi);
    const double full = a.noise_weight * b.noise_weight * tr.kk + a.noise_weight * b.residual_weight * tr.kp +
                        a.residual_weight * b.noise_weight * tr.pk +
                        a.residual_weight * b.residual_weight * tr.pp;
    return full - a.spectrum * b.spectrum;
}

}  // namespace

LinearEquivalentSpectra linearEquivalentSpectra(const DmftCorrelation& c, double g, double sigma,
                                                double tau_n) {
    LinearEquivalentSpectra s;
    s.g = g;
    s.gamma = c.gamma;
    const double s2 = sigma * sigma;
    s.noise = [s2, tau_n](double w) { return s2 / (1.0 + tau_n * tau_n * w * w); };
    s.residual = [c, g, gamma = c.gamma, noise = s.noise](double w) {
        const double chi2 = gamma * gamma / (1.0 + w * w);
        return std::max(0.0, activationSpectrum(c, w) * (1.0 - g * g * chi2) - chi2 * noise(w));
    };
    return s;
}

double stateSpectrum(const LinearEquivalentSpectra& s, double w) {
    requireStable(s);
    return frequencyPoint(s, w).spectrum;
}

double stateCrossSpectralProduct(const LinearEquivalentSpectra& s, double w, double w_prime) {
    requireStable(s);
    return crossSpectralProduct(s.g * s.g, s.kappa, frequencyPoint(s, w), frequencyPoint(s, w_prime));
}

LinearMoments stateZeroFrequency(const LinearEquivalentSpectra& s) {
    return momentsWithoutM3(stateSpectrum(s, 0.0), stateCrossSpectralProduct(s, 0.0, 0.0));
}

LinearMoments stateEqualTime(const LinearEquivalentSpectra& s, double scale, int frequency_points) {
    requireStable(s);
    const FrequencyRule rule = frequencyRule(scale, frequency_points);
    const std::vector<double>& weight = rule.weight;
    std::vector<FrequencyPoint> point;
    double auto_mean = 0.0;
    for (int i = 0; i < frequency_points; ++i) {
        point.push_back(frequencyPoint(s, rule.w[i]));
        auto_mean += weight[i] * point.back().spectrum;
    }
    const double g2 = s.g * s.g;
    double excess = 0.0;
    for (int i = 0; i < frequency_points; ++i) {
        double row = 0.0;
        for (int j = 0; j < frequency_points; ++j)
            row += weight[j] * crossSpectralProduct(g2, s.kappa, point[i], point[j]);
        excess += weight[i] * row;
    }
    return momentsWithoutM3(auto_mean, excess);
}

}  // namespace quench::theory
