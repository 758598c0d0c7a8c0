// Gaussian closure of linear equivalence for nonlinear networks with partially symmetric couplings
// (docs/theory/partial_symmetry.md): the shared closure (linear_equivalence_closure.hpp) with the elliptic
// ensemble's planar propagator.
#include "quench/theory/partial_symmetry_dmft.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <stdexcept>
#include <string>
#include <vector>

#include "dmft_internal.hpp"
#include "linear_equivalence_closure.hpp"
#include "quench/theory/linear_theory.hpp"

namespace quench::theory {
namespace {

using detail::show;

using Complex = std::complex<double>;

void requireInputs(double g, double eta, double sigma) {
    if (!std::isfinite(eta) || eta < -1.0 || eta > 1.0)
        throw std::domain_error("eta = " + show(eta) + ": the coupling symmetry must lie in [-1, 1]");
    if (!(g >= 0.0) || !std::isfinite(g))
        throw std::domain_error("g = " + show(g) + ": the coupling must be finite and >= 0");
    if (!(sigma > 0.0) || !std::isfinite(sigma))
        throw std::domain_error("sigma = " + show(sigma) +
                                ": the partially symmetric closure needs finite noise > 0");
}

// The planar propagator of the equivalent linear network (coupling g_eff J) at K = 1 + i w: u the elliptic
// mean resolvent, P = |u|^2 / (1 - g_eff^2 |u|^2).
detail::EquivalentPropagator propagator(double w, double g_eff, double eta) {
    const Complex k(1.0, w);
    const Complex u = ellipticMeanResolvent(k, g_eff, eta);
    const double u2 = std::norm(u);
    return {std::norm(k) * u2 / (1.0 - g_eff * g_eff * u2), (k * u).real()};
}

detail::ClosureCoupling ellipticCoupling(double g, double eta, const std::string& what) {
    detail::ClosureCoupling c;
    c.what = what;
    c.margin = [g, eta](double gamma) { return 1.0 - gamma * g * (1.0 + eta); };
    c.propagators = [g, eta](double gamma, const std::vector<double>& w) {
        std::vector<detail::EquivalentPropagator> out;
        out.reserve(w.size());
        for (const double wj : w) out.push_back(propagator(wj, gamma * g, eta));
        return out;
    };
    c.reject = [g, eta](double gamma, double delta0) {
        throw std::domain_error("g = " + show(g) + ", eta = " + show(eta) + ": g_eff (1 + eta) = " +
                                show(gamma * g * (1.0 + eta)) + " >= 1 at Delta0 = " + show(delta0) +
                                " (the spectral ellipse of gamma J reaches 1: no stationary state)");
    };
    return c;
}

}  // namespace

DmftCorrelation solvePartiallySymmetricCorrelation(const Activation& phi, double g, double eta, double sigma,
                                                   const DmftGridOptions& options, double noise_tau) {
    detail::requireGridOptions(options);
    requireInputs(g, eta, sigma);
    detail::requireNoiseTau(noise_tau);
    const std::string what =
        "partially symmetric closure at g = " + show(g) + ", eta = " + show(eta) + ", sigma = " + show(sigma);
    detail::requireOddActivation(phi, what);
    // Start from the exact eta = 0 solution (it also sets the time scale); the noise-only one if absent.
    DmftCorrelation start;
    double g_eff0 = g * phi.derivative(0.0);
    try {
        start = solveNoiseCorrelation(phi, g, sigma, noise_tau, options);
        g_eff0 = start.g_eff;
    } catch (const std::runtime_error&) {
    }
    const double rate = std::max(0.02, 1.0 - g_eff0 * (1.0 + std::fabs(eta)));
    const double max_tau = options.max_tau > 0.0 ? options.max_tau : 30.0 / rate + 10.0;
    DmftCorrelation out = detail::solveLinearEquivalenceClosure(phi, sigma, noise_tau, max_tau, start,
                                                                options, ellipticCoupling(g, eta, what));
    out.g_eff = out.gamma * g;
    return out;
}

double partiallySymmetricEquivalentNoise(const DmftCorrelation& c, double g, double eta, double w) {
    requireInputs(g, eta, 1.0);
    return detail::closureEquivalentNoise(activationSpectrum(c, w), w, propagator(w, c.g_eff, eta));
}

double partiallySymmetricStateSpectrum(const DmftCorrelation& c, double g, double eta, double sigma, double w,
                                       double noise_tau) {
    requireInputs(g, eta, sigma);
    detail::requireNoiseTau(noise_tau);
    if (!(c.gamma > 0.0))
        throw std::domain_error("gamma = " + show(c.gamma) + ": the closure needs a positive effective gain");
    return detail::closureStateSpectrum(activationSpectrum(c, w), w, c.gamma,
                                        detail::closureNoiseSpectrum(w, sigma, noise_tau),
                                        propagator(w, c.g_eff, eta));
}

}  // namespace quench::theory
