#include "quench/theory/power_law_theory.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "quench/theory/root_finding.hpp"

namespace quench::theory {
namespace {

constexpr double kSqrtPi = 1.77245385090551602730;

std::string show(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

void requireExponent(double alpha) {
    if (!(alpha > 0.0) || !(alpha <= 50.0))
        throw std::domain_error("alpha = " + show(alpha) + ": the power-law exponent must lie in (0, 50] (Gamma overflows beyond)");
}

void requireCouplingAndNoise(double g, double sigma) {
    if (!(g >= 0.0) || !std::isfinite(g)) throw std::domain_error("g = " + show(g) + ": the coupling must be finite and >= 0");
    if (!(sigma >= 0.0) || !std::isfinite(sigma))
        throw std::domain_error("sigma = " + show(sigma) + ": the noise amplitude must be finite and >= 0");
}

PowerLawDmft fromVariance(double alpha, double g, double delta0) {
    PowerLawDmft r;
    r.delta0 = delta0;
    r.gamma = alpha * absoluteNormalMoment(alpha - 1.0) * std::pow(delta0, 0.5 * (alpha - 1.0));
    r.g_eff = r.gamma * g;
    r.a_phi = absoluteNormalMoment(2.0 * alpha) * std::pow(delta0, alpha);
    const double gap = 1.0 - r.g_eff * r.g_eff;
    r.pr_phi_zf = gap * gap;
    return r;
}

}  // namespace

double absoluteNormalMoment(double p) {
    if (!(p > -1.0)) throw std::domain_error("p = " + show(p) + ": E|z|^p is finite only for p > -1");
    return std::pow(2.0, 0.5 * p) * std::tgamma(0.5 * (p + 1.0)) / kSqrtPi;
}

double powerLawVarianceConstant(double alpha) {
    requireExponent(alpha);
    const double m1 = absoluteNormalMoment(alpha + 1.0);
    return (absoluteNormalMoment(2.0 * alpha + 2.0) - m1 * m1) / ((alpha + 1.0) * (alpha + 1.0));
}

double powerLawGainConstant(double alpha) {
    const double m = absoluteNormalMoment(alpha - 1.0);
    return alpha * alpha * m * m / (2.0 * powerLawVarianceConstant(alpha));
}

double powerLawKappa(double alpha, double g, double sigma) {
    requireExponent(alpha);
    requireCouplingAndNoise(g, sigma);
    if (!(sigma > 0.0)) throw std::domain_error("sigma = 0: kappa is defined for positive noise only");
    return 2.0 * powerLawVarianceConstant(alpha) * g * g * std::pow(0.5 * sigma * sigma, alpha - 1.0);
}

double powerLawCriticalKappa(double alpha) {
    requireExponent(alpha);
    if (alpha < 1.0) throw std::domain_error("alpha = " + show(alpha) + ": no critical coupling below alpha = 1");
    if (alpha == 1.0) return 1.0;
    return 2.0 / (alpha + 1.0) * std::pow((alpha - 1.0) / (alpha + 1.0), 0.5 * (alpha - 1.0));
}

double powerLawCriticalCoupling(double alpha, double sigma) {
    const double kc = powerLawCriticalKappa(alpha);
    if (!(sigma > 0.0)) throw std::domain_error("sigma = " + show(sigma) + ": the critical coupling needs positive noise");
    return std::sqrt(kc / (2.0 * powerLawVarianceConstant(alpha) * std::pow(0.5 * sigma * sigma, alpha - 1.0)));
}

double powerLawScaledVariance(double alpha, double kappa) {
    requireExponent(alpha);
    if (!(kappa >= 0.0) || !std::isfinite(kappa)) throw std::domain_error("kappa = " + show(kappa) + ": must be finite and >= 0");
    const auto h = [alpha, kappa](double y) { return y * y - kappa * std::pow(y, alpha + 1.0) - 1.0; };
    const std::string what = "power-law variance equation y^2 - kappa y^(alpha+1) = 1 (alpha = " + show(alpha) + ", kappa = " + show(kappa) + ")";
    if (kappa == 0.0) return 1.0;
    if (alpha < 1.0) {
        // y^2 > kappa y^(alpha+1) + 1 beyond y = max(2, (2 kappa)^(1/(1-alpha)) + 2): a safe upper bracket.
        const double hi = std::max(2.0, std::pow(2.0 * kappa, 1.0 / (1.0 - alpha)) + 2.0);
        return brentRoot(h, 1.0, hi, 1e-15, what);
    }
    const double kc = powerLawCriticalKappa(alpha);
    if (kappa >= kc)
        throw std::runtime_error(what + ": no solution, kappa is past the critical value " + show(kc) + " (the network blows up)");
    if (alpha == 1.0) return 1.0 / std::sqrt(1.0 - kappa);
    const double y_peak = std::pow(2.0 / (kappa * (alpha + 1.0)), 1.0 / (alpha - 1.0));  // maximum of y^2 - kappa y^(alpha+1)
    return brentRoot(h, 1.0, y_peak, 1e-15, what);
}

PowerLawDmft solvePowerLawDmft(double alpha, double g, double sigma) {
    requireExponent(alpha);
    requireCouplingAndNoise(g, sigma);
    if (sigma == 0.0) {
        if (alpha >= 1.0) throw std::domain_error("sigma = 0 with alpha = " + show(alpha) + ": only the quiescent state Delta0 = 0 or blow-up");
        const double delta0 = std::pow(2.0 * powerLawVarianceConstant(alpha) * g * g, 1.0 / (1.0 - alpha));
        return fromVariance(alpha, g, delta0);
    }
    const double kappa = powerLawKappa(alpha, g, sigma);
    double y = 0.0;
    try {
        y = powerLawScaledVariance(alpha, kappa);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error("power-law DMFT at g = " + show(g) + ", sigma = " + show(sigma) + ", alpha = " + show(alpha) +
                                 ": no solution of (*), the network blows up beyond g* = " +
                                 show(powerLawCriticalCoupling(alpha, sigma)));
    }
    PowerLawDmft r = fromVariance(alpha, g, 0.5 * sigma * sigma * y);
    r.y = y;
    r.kappa = kappa;
    return r;
}

double powerLawScalingVariable(double alpha, double g, double sigma) {
    requireExponent(alpha);
    if (alpha >= 1.0) throw std::domain_error("alpha = " + show(alpha) + ": the scaling collapse holds for alpha < 1");
    if (!(g > 0.0)) throw std::domain_error("g = " + show(g) + ": the scaling variable needs g > 0");
    requireCouplingAndNoise(g, sigma);
    return sigma * std::pow(g, -1.0 / (1.0 - alpha));
}

double powerLawScalingFunction(double alpha, double u) {
    // At g = 1 the scaling variable equals sigma.
    return solvePowerLawDmft(alpha, 1.0, u).pr_phi_zf;
}

}  // namespace quench::theory
