// Per-neuron gains: phi(b x) with x ~ N(0, Delta) is phi(y) with y ~ N(0, b^2 Delta), and
// Phi(b x) / b is the antiderivative of x -> phi(b x), so every single-site average reduces to the
// homogeneous ones at variance b^2 Delta (docs/theory/heterogeneity.md).
#include "quench/theory/heterogeneous_gains.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "quench/theory/root_finding.hpp"
#include "quench/theory/separable_profile.hpp"

namespace quench::theory {

std::vector<GainNode> gainQuadrature(const NeuronParameterSpec& gain, int order) {
    std::vector<GainNode> nodes;
    switch (gain.distribution) {
        case NeuronDistribution::Lognormal: {
            const double s2 = std::log1p(gain.cv * gain.cv);
            // Nodes of weight < 1e-16 (|z| > 8.4) are dropped and the rest renormalized: their gains (e.g.
            // b ~ 10^3 at cv = 0.8) put phi(b x) beyond what the Gaussian averages resolve, and they carry
            // no weight.
            const GaussHermiteRule rule = gaussHermiteRule(order);
            double total = 0.0;
            for (int i = 0; i < rule.order(); ++i) {
                if (rule.weights[i] < 1e-16) continue;
                nodes.push_back(
                    {gain.mean * std::exp(std::sqrt(s2) * rule.nodes[i] - 0.5 * s2), rule.weights[i]});
                total += rule.weights[i];
            }
            for (GainNode& n : nodes) n.weight /= total;
            return nodes;
        }
        case NeuronDistribution::Uniform: {
            const GaussLegendreRule rule = gaussLegendreRule(order);
            for (int i = 0; i < rule.order(); ++i)
                nodes.push_back(
                    {gain.mean * (1.0 + std::sqrt(3.0) * gain.cv * rule.nodes[i]), 0.5 * rule.weights[i]});
            return nodes;
        }
        case NeuronDistribution::None:
            break;
    }
    return {{gain.mean, 1.0}};
}

namespace {

template <class F>
double average(const std::vector<GainNode>& nodes, F f) {
    double sum = 0.0;
    for (const GainNode& n : nodes) sum += n.weight * f(n.b);
    return sum;
}

std::string show(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", v);
    return buffer;
}

// Delta0^2 - sigma^4/4 - 2 g^2 E_b Var[Phi(b x) / b]: negative at Delta0 = sigma^2/2, and growing like
// Delta0^2 (1 - g^2 E[b^2 phi'(inf)^2]) for large Delta0.
double varianceResidual(const Activation& phi, double g, double sigma, const std::vector<GainNode>& gains,
                        double delta0, const GaussHermiteRule& rule) {
    const double s2 = sigma * sigma;
    const double var_phi =
        average(gains, [&](double b) { return antiderivativeVariance(phi, b * b * delta0, rule) / (b * b); });
    return delta0 * delta0 - 0.25 * s2 * s2 - 2.0 * g * g * var_phi;
}

double solveVariance(const Activation& phi, double g, double sigma, const std::vector<GainNode>& gains,
                     const GaussHermiteRule& rule) {
    const auto f = [&](double d) { return varianceResidual(phi, g, sigma, gains, d, rule); };
    const double lo = 0.5 * sigma * sigma;
    double hi = 2.0 * lo;
    for (int i = 0; i < 200 && f(hi) <= 0.0; ++i) hi *= 2.0;
    if (!(f(hi) > 0.0))
        throw std::runtime_error("heterogeneous-gain variance equation has no root below Delta0 = " +
                                 show(hi) + " (g = " + show(g) + "): the network blows up");
    return brentRoot(f, lo, hi, 1e-13 * hi, "heterogeneous-gain variance equation");
}

// S_phi,b(0) = 2 int_0^Delta0 F_b(D) / sqrt(2 K(D)) dD for every class, K(D) = D^2/2 - g^2 E_b [F_Phi_b(D) -
// F_Phi_b(0)] with F_Phi_b = F_Phi(b^2 Delta0, b^2 D) / b^2 (the separatrix of the common Delta(tau)).
std::vector<double> zeroFrequencyPowers(const Activation& phi, double g, double delta0,
                                        const std::vector<GainNode>& gains, const GaussHermiteRule& rule) {
    static const GaussLegendreRule legendre = gaussLegendreRule(64);
    std::vector<double> base;
    for (const GainNode& n : gains)
        base.push_back(antiderivativeCorrelation(phi, n.b * n.b * delta0, 0.0, rule) / (n.b * n.b));
    std::vector<double> power(gains.size(), 0.0);
    for (int i = 0; i < legendre.order(); ++i) {
        // D = Delta0 (1 - t^2) as in zeroFrequencyActivationPower: smooth at D = Delta0.
        const double t = 0.5 * (legendre.nodes[i] + 1.0);
        const double d = delta0 * (1.0 - t * t);
        double potential = 0.0;
        for (std::size_t k = 0; k < gains.size(); ++k) {
            const double b2 = gains[k].b * gains[k].b;
            potential +=
                gains[k].weight * (antiderivativeCorrelation(phi, b2 * delta0, b2 * d, rule) / b2 - base[k]);
        }
        const double energy = 0.5 * d * d - g * g * potential;
        if (!(energy > 0.0))
            throw std::runtime_error("heterogeneous-gain S_phi(0): the separatrix energy K(" + show(d) +
                                     ") = " + show(energy) + " is not positive");
        const double jacobian = 0.5 * legendre.weights[i] * 2.0 * delta0 * t / std::sqrt(2.0 * energy);
        for (std::size_t k = 0; k < gains.size(); ++k) {
            const double b2 = gains[k].b * gains[k].b;
            power[k] += 2.0 * jacobian * activationCorrelation(phi, b2 * delta0, b2 * d, rule);
        }
    }
    return power;
}

// From the raw and z-scored moments of one covariance.
HeterogeneousZeroFrequency statistics(const ProfileMoments& raw, const ProfileMoments& z) {
    HeterogeneousZeroFrequency s;
    s.a = raw.a;
    s.m2 = raw.m2;
    s.n_cross_var = raw.m2 - raw.diag_mean_square;
    s.pr_over_n = raw.a * raw.a / raw.m2;
    s.diagonal_cv2 = raw.diag_mean_square / (raw.a * raw.a) - 1.0;
    s.z_m2 = z.m2;
    s.z_n_cross_var = z.m2 - 1.0;
    s.z_pr_over_n = 1.0 / z.m2;
    return s;
}

// phi at zero frequency as phi = Gamma x + r, x = J phi + xi: phi = (Z - J)^-1 Z^-1 (Gamma xi + r) with
// Z = Gamma^-1, i.e. C = (W^T W)^-1, W = E^-1/2 (Z - J), e_b = s_b / gamma_b^2 and s_b = gamma_b^2 sigma^2 +
// S_r,b the power of the effective noise. z-scoring multiplies W by A^1/2 on the right (A = diag S_phi,b).
HeterogeneousZeroFrequency activationZeroFrequency(double g, double sigma, double s_x,
                                                   const std::vector<GainNode>& gains,
                                                   const std::vector<double>& gamma,
                                                   const std::vector<double>& s_phi) {
    std::vector<ProfileNode> raw, z;
    for (std::size_t k = 0; k < gains.size(); ++k) {
        const double residual = s_phi[k] - gamma[k] * gamma[k] * s_x;
        const double s = gamma[k] * gamma[k] * sigma * sigma + residual;
        const double e = s / (gamma[k] * gamma[k]);
        const double w = 1.0 / (gamma[k] * std::sqrt(e));
        raw.push_back({gains[k].weight, 1.0 / e, 1.0, w});
        z.push_back({gains[k].weight, 1.0 / e, s_phi[k], w * std::sqrt(s_phi[k])});
    }
    return statistics(separableProfileMoments(raw, g), separableProfileMoments(z, g));
}

// x of a linear network: W = (1 - J B) / sigma; its diagonal concentrates, so R = C / a at leading order.
HeterogeneousZeroFrequency linearStateZeroFrequency(double g, double sigma,
                                                    const std::vector<GainNode>& gains) {
    std::vector<ProfileNode> nodes;
    for (const GainNode& n : gains)
        nodes.push_back({n.weight, 1.0 / (sigma * sigma), n.b * n.b, 1.0 / sigma});
    const ProfileMoments raw = separableProfileMoments(nodes, g);
    ProfileMoments z = raw;
    z.m2 = raw.m2 / (raw.a * raw.a);
    return statistics(raw, z);
}

}  // namespace

double gainedEffectiveGain(const Activation& phi, double b, double delta0, const GaussHermiteRule& rule) {
    const double v = b * b * delta0;
    return b *
           activationExpectation(
               phi, [&](double y) { return y * phi.value(y); }, v, rule) /
           v;
}

HeterogeneousZeroFrequency stateZeroFrequencyByLinearResponse(double g, double a_x, double g_eff,
                                                              double m2_phi) {
    const double g_eff2 = g_eff * g_eff;
    HeterogeneousZeroFrequency s;
    s.a = a_x;
    s.m2 = a_x * a_x * (1.0 + g_eff2) / (1.0 - g_eff2) + g * g * g * g * m2_phi;
    s.n_cross_var = s.m2 - a_x * a_x;
    s.pr_over_n = a_x * a_x / s.m2;
    s.z_m2 = s.m2 / (a_x * a_x);
    s.z_n_cross_var = s.n_cross_var / (a_x * a_x);
    s.z_pr_over_n = s.pr_over_n;
    return s;
}

HeterogeneousGainTheory solveHeterogeneousGains(const Activation& phi, double g, double sigma,
                                                const NeuronParameterSpec& gain,
                                                const GaussHermiteRule& rule) {
    if (!(sigma > 0.0) || !(g >= 0.0) || !std::isfinite(g) || !std::isfinite(sigma))
        throw std::domain_error("heterogeneous gains: needs g >= 0 and sigma > 0 (g = " + show(g) +
                                ", sigma = " + show(sigma) + ")");
    if (!phi.odd()) throw std::domain_error("heterogeneous gains: the theory needs an odd phi");
    const std::vector<GainNode> gains = gainQuadrature(gain);
    HeterogeneousGainTheory t;
    t.linear = phi.kind == ActivationKind::Linear;
    t.delta0 = solveVariance(phi, g, sigma, gains, rule);
    std::vector<double> gamma, et_power;
    for (const GainNode& n : gains) {
        gamma.push_back(gainedEffectiveGain(phi, n.b, t.delta0, rule));
        et_power.push_back(meanSquareActivation(phi, n.b * n.b * t.delta0, rule));
    }
    double gamma2 = 0.0, et_square = 0.0;
    for (std::size_t k = 0; k < gains.size(); ++k) {
        gamma2 += gains[k].weight * gamma[k] * gamma[k];
        t.a_phi += gains[k].weight * et_power[k];
        et_square += gains[k].weight * et_power[k] * et_power[k];
    }
    t.gamma_rms = std::sqrt(gamma2);
    t.g_eff = g * t.gamma_rms;
    t.a_phi_diagonal_cv2 = et_square / (t.a_phi * t.a_phi) - 1.0;
    if (!(t.g_eff < 1.0))
        throw std::runtime_error("heterogeneous gains: g_eff = g sqrt(E[gamma_b^2]) = " + show(t.g_eff) +
                                 " >= 1 (the linear-equivalent network is unstable)");
    std::vector<double> s_phi;
    if (t.linear) {
        const double s_x = sigma * sigma / (1.0 - t.g_eff * t.g_eff);
        for (const GainNode& n : gains) s_phi.push_back(n.b * n.b * s_x);
        t.x_zf = linearStateZeroFrequency(g, sigma, gains);
    } else {
        s_phi = zeroFrequencyPowers(phi, g, t.delta0, gains, rule);
    }
    t.a_x_zf = sigma * sigma;
    for (std::size_t k = 0; k < gains.size(); ++k) t.a_x_zf += g * g * gains[k].weight * s_phi[k];
    t.phi_zf = activationZeroFrequency(g, sigma, t.a_x_zf, gains, gamma, s_phi);
    if (!t.linear) t.x_zf = stateZeroFrequencyByLinearResponse(g, t.a_x_zf, t.g_eff, t.phi_zf.m2);
    return t;
}

}  // namespace quench::theory
