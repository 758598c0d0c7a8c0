#include "quench/theory/dmft.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "quench/theory/root_finding.hpp"

namespace quench::theory {
namespace {

std::string show(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

void requireCouplingAndNoise(double g, double sigma) {
    if (!(g >= 0.0) || !std::isfinite(g)) throw std::domain_error("g = " + show(g) + ": the coupling must be finite and >= 0");
    if (!(sigma >= 0.0) || !std::isfinite(sigma))
        throw std::domain_error("sigma = " + show(sigma) + ": the noise amplitude must be finite and >= 0");
}

// Scale of Delta0: the noise-only value plus the saturated recurrent value.
double varianceScale(double g, double sigma) { return 0.5 * sigma * sigma + g * g + 1e-3; }

// Upper end of the scan: doubled until (*) is positive there (a stable root lies below), or until
// Delta0 = 1e12 proves that the residual stays negative (no solution, blow-up).
double scanUpperEnd(const Activation& phi, double g, double sigma, const GaussHermiteRule& rule) {
    double hi = 8.0 * varianceScale(g, sigma);
    for (int k = 0; k < 200 && hi < 1e12; ++k) {
        if (varianceEquationResidual(phi, g, sigma, hi, rule) > 0.0) return 4.0 * hi;  // margin for later roots
        hi *= 2.0;
    }
    return -1.0;
}

// (*) divided by Delta0^2 keeps the scan well scaled from tiny to huge variances; same sign.
double scaledResidual(const Activation& phi, double g, double sigma, double d, const GaussHermiteRule& rule) {
    return varianceEquationResidual(phi, g, sigma, d, rule) / (d * d);
}

WhiteNoiseDmft fillStatistics(const Activation& phi, double g, double sigma, double delta0, const GaussHermiteRule& rule) {
    WhiteNoiseDmft r;
    r.delta0 = delta0;
    r.gamma = delta0 > 0.0 ? effectiveGain(phi, delta0, rule) : phi.derivative(0.0);
    r.g_eff = r.gamma * g;
    r.stability_margin = 1.0 - r.g_eff;
    r.a_phi = meanSquareActivation(phi, delta0, rule);
    r.mean_square_derivative = meanSquareDerivative(phi, delta0, rule);
    r.chaotic = delta0 < g * g * r.a_phi;
    if (r.g_eff >= 1.0)
        throw std::runtime_error("white-noise DMFT at g = " + show(g) + ", sigma = " + show(sigma) +
                                 ": past the instability, g_eff = gamma g = " + show(r.g_eff) + " >= 1 at Delta0 = " +
                                 show(delta0) + " (no decaying Delta(tau))");
    const double gap = 1.0 - r.g_eff * r.g_eff;
    r.pr_phi_zf = gap * gap;
    r.n_cross_var_over_a2_phi_zf = 1.0 / (gap * gap) - 1.0;
    if (delta0 > 0.0) {
        r.a_phi_zf = zeroFrequencyActivationPower(phi, g, sigma, delta0, rule);
        r.a_x_zf = g * g * r.a_phi_zf + sigma * sigma;
        r.residual_power = r.a_phi_zf * gap - r.gamma * r.gamma * sigma * sigma;
    }
    return r;
}

}  // namespace

double varianceEquationResidual(const Activation& phi, double g, double sigma, double delta0, const GaussHermiteRule& rule) {
    const double s2 = sigma * sigma;
    return delta0 * delta0 - 0.25 * s2 * s2 - 2.0 * g * g * antiderivativeVariance(phi, delta0, rule);
}

namespace {

struct VarianceRoots {
    double stable = 0.0;    // the physical Delta0
    double unstable = 0.0;  // next root on the unstable branch, 0 if none
};

VarianceRoots varianceRoots(const Activation& phi, double g, double sigma, const GaussHermiteRule& rule) {
    requireCouplingAndNoise(g, sigma);
    const std::string what = "variance equation (*) at g = " + show(g) + ", sigma = " + show(sigma);
    const double hi = scanUpperEnd(phi, g, sigma, rule);
    if (hi < 0.0) {
        std::string msg = what + ": no solution, the residual stays negative up to Delta0 = 1e12 (the network blows up)";
        try {
            msg += "; the critical coupling is g* = " + show(criticalCoupling(phi, sigma, rule));
        } catch (const std::runtime_error&) {
        }
        throw std::runtime_error(msg);
    }
    const double lo = 1e-9 * varianceScale(g, sigma);
    const auto residual = [&](double d) { return scaledResidual(phi, g, sigma, d, rule); };
    const std::vector<Bracket> changes = signChanges(residual, geometricGrid(lo, hi, 240), what);
    // Stable roots are upward crossings (residual from - to +); downward ones belong to the unstable
    // branch of an unbounded phi.
    std::vector<double> stable;
    std::vector<double> unstable;
    for (const Bracket& b : changes) {
        const double root = brentRoot(residual, b.lo, b.hi, 1e-14 * b.hi, what);
        const double slope_probe = residual(root * (1.0 + 1e-6)) - residual(root * (1.0 - 1e-6));
        (slope_probe > 0.0 ? stable : unstable).push_back(root);
    }
    if (stable.empty()) {
        if (sigma == 0.0) return {};  // quiescent: Delta0 = 0
        throw std::runtime_error(what + ": no stable root of (*) in [" + show(lo) + ", " + show(hi) + "]");
    }
    if (stable.size() > 1) {
        std::string roots;
        for (double r : stable) roots += " " + show(r);
        throw std::runtime_error(what + ": several solutions, Delta0 =" + roots);
    }
    VarianceRoots out{stable.front(), 0.0};
    for (double u : unstable)
        if (u > out.stable) {
            out.unstable = u;
            break;
        }
    return out;
}

}  // namespace

double solveWhiteNoiseVariance(const Activation& phi, double g, double sigma, const GaussHermiteRule& rule) {
    return varianceRoots(phi, g, sigma, rule).stable;
}

WhiteNoiseDmft solveWhiteNoiseDmft(const Activation& phi, double g, double sigma, const GaussHermiteRule& rule) {
    const VarianceRoots roots = varianceRoots(phi, g, sigma, rule);
    WhiteNoiseDmft result = fillStatistics(phi, g, sigma, roots.stable, rule);
    result.unstable_branch_delta0 = roots.unstable;
    return result;
}

double zeroFrequencyActivationPower(const Activation& phi, double g, double sigma, double delta0, const GaussHermiteRule& rule) {
    requireCouplingAndNoise(g, sigma);
    if (!(delta0 > 0.0)) throw std::domain_error("delta0 = " + show(delta0) + ": S_phi(0) needs a positive variance");
    static const GaussLegendreRule legendre = gaussLegendreRule(64);
    const double phi_base = antiderivativeCorrelation(phi, delta0, 0.0, rule);
    // D = Delta0 (1 - t^2), t in [0, 1]: removes the square-root end point of K at D = Delta0 when sigma -> 0.
    double sum = 0.0;
    for (int i = 0; i < legendre.order(); ++i) {
        const double t = 0.5 * (legendre.nodes[i] + 1.0);
        const double d = delta0 * (1.0 - t * t);
        const double k = 0.5 * d * d - g * g * (antiderivativeCorrelation(phi, delta0, d, rule) - phi_base);
        if (!(k > 0.0))
            throw std::runtime_error("S_phi(0) at g = " + show(g) + ", sigma = " + show(sigma) + ": the separatrix energy K(" +
                                     show(d) + ") = " + show(k) + " is not positive (no decaying Delta(tau))");
        const double f = activationCorrelation(phi, delta0, d, rule);
        sum += 0.5 * legendre.weights[i] * f / std::sqrt(2.0 * k) * 2.0 * delta0 * t;
    }
    return 2.0 * sum;
}

double criticalCoupling(const Activation& phi, double sigma, const GaussHermiteRule& rule) {
    requireCouplingAndNoise(0.0, sigma);
    const double s4 = std::pow(sigma, 4);
    // g^2 along the solution branch as a function of Delta0.
    const auto branch = [&](double d) { return (d * d - 0.25 * s4) / (2.0 * antiderivativeVariance(phi, d, rule)); };
    const double lo = std::max(0.5 * sigma * sigma, 1e-9);
    const std::vector<double> grid = geometricGrid(lo * (1.0 + 1e-9), 1e12, 400);
    std::size_t best = 0;
    for (std::size_t k = 1; k < grid.size(); ++k)
        if (branch(grid[k]) > branch(grid[best])) best = k;
    if (best + 1 == grid.size())
        throw std::runtime_error("critical coupling at sigma = " + show(sigma) +
                                 ": (Delta0^2 - sigma^4/4) / (2 Var Phi) keeps growing, no blow-up coupling");
    // Golden-section refinement of the maximum inside the neighbouring grid cells.
    double a = grid[best == 0 ? 0 : best - 1];
    double b = grid[best + 1];
    const double ratio = 0.5 * (std::sqrt(5.0) - 1.0);
    for (int iter = 0; iter < 100 && b - a > 1e-12 * b; ++iter) {
        const double c = b - ratio * (b - a);
        const double d = a + ratio * (b - a);
        if (branch(c) > branch(d)) b = d; else a = c;
    }
    return std::sqrt(branch(0.5 * (a + b)));
}

double chaosTransitionCoupling(const Activation& phi, double sigma, const GaussHermiteRule& rule) {
    requireCouplingAndNoise(0.0, sigma);
    if (sigma == 0.0) {
        const double slope = phi.derivative(0.0);
        if (!(slope > 0.0)) throw std::domain_error("chaos transition at sigma = 0 needs phi'(0) > 0");
        return 1.0 / slope;  // Delta0 -> 0: Delta0 = g^2 phi'(0)^2 Delta0
    }
    const auto excess = [&](double g) {
        const double delta0 = solveWhiteNoiseVariance(phi, g, sigma, rule);
        return delta0 - g * g * meanSquareActivation(phi, delta0, rule);  // > 0: Delta(tau) convex at 0+
    };
    double hi = 1.0;
    for (int k = 0; k < 60 && excess(hi) > 0.0; ++k) hi *= 1.5;
    const std::string what = "chaos transition (Delta0 = g^2 E[phi^2]) at sigma = " + show(sigma);
    return brentRoot(excess, 1e-3, hi, 1e-10, what);
}

}  // namespace quench::theory
