// The Gaussian closure of linear equivalence for nonlinear random-mode networks with mode overlap
// (random_mode_overlap_closure.hpp): the shared closure (linear_equivalence_closure.hpp) with propagators
// from the random-mode cavities, tabulated per gain on a tan grid and interpolated to the closure's
// frequency grid (a cavity per frequency of a grid of ~10^4 points, at every iteration, would dominate).
#include "quench/theory/random_mode_overlap_closure.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <stdexcept>
#include <string>
#include <vector>

#include "dmft_internal.hpp"
#include "linear_equivalence_closure.hpp"
#include "quench/theory/random_mode_theory.hpp"
#include "random_mode_classes.hpp"

namespace quench::theory {
namespace {

using detail::show;

constexpr int kTablePoints = 512;

std::vector<double> scaled(const std::vector<double>& D, double gamma) {
    std::vector<double> out(D);
    for (double& d : out) d *= gamma;
    return out;
}

// 1 / r(0) of gamma J, r(0) = (1/N) Tr [(1 - gamma J)^T (1 - gamma J)]^-1 (1 - g_eff^2 for iid J): > 0 when
// gamma J has a stationary state, 0 when the cavity finds none.
double stabilityMargin(const std::vector<double>& D, int N, const std::vector<double>& rho, double gamma) {
    try {
        return 1.0 / randomModeSpectralPower(scaled(D, gamma), N, rho, {0.0}).front();
    } catch (const std::domain_error&) {
        return 0.0;
    }
}

// The propagators of gamma J on a tan grid of the network's width, as the tabulated |K|^2 P and Re(K u)
// (both tend to 1 at large w).
struct PropagatorTable {
    double scale;  // the network's width, min(1, 1 / sqrt(r(0)))
    TabulatedSpectrum k2p, re_ku;
    detail::EquivalentPropagator operator()(double w) const { return {k2p(w), re_ku(w)}; }
};

PropagatorTable propagatorTable(const std::vector<double>& D, int N, const std::vector<double>& rho,
                                double gamma, double w_cap) {
    const std::vector<double> dg = scaled(D, gamma);
    const double scale = std::min(1.0, 1.0 / std::sqrt(randomModeSpectralPower(dg, N, rho, {0.0}).front()));
    const double cap = std::max(w_cap, 10.0 * scale);
    const std::vector<double> w = TabulatedSpectrum::nodes(scale, cap, kTablePoints);
    const std::vector<double> p = randomModeSpectralPower(dg, N, rho, w);
    std::vector<double> k2p(w.size()), re_ku(w.size());
    for (std::size_t k = 0; k < w.size(); ++k) {
        const std::complex<double> kk(1.0, w[k]);
        k2p[k] = std::norm(kk) * p[k];
        re_ku[k] = (kk * randomModeMeanResolvent(dg, N, rho, kk)).real();
    }
    return {scale, TabulatedSpectrum(std::move(k2p), scale, cap),
            TabulatedSpectrum(std::move(re_ku), scale, cap)};
}

detail::ClosureCoupling randomModeCoupling(const std::vector<double>& D, int N,
                                           const std::vector<double>& rho, const std::string& what) {
    detail::ClosureCoupling c;
    c.what = what;
    c.margin = [&D, N, &rho](double gamma) { return stabilityMargin(D, N, rho, gamma); };
    c.propagators = [&D, N, &rho](double gamma, const std::vector<double>& w) {
        const PropagatorTable table = propagatorTable(D, N, rho, gamma, w.back());
        std::vector<detail::EquivalentPropagator> out;
        out.reserve(w.size());
        for (const double wj : w) out.push_back(table(wj));
        return out;
    };
    c.reject = [what](double gamma, double delta0) {
        throw std::domain_error(what + ": gamma = " + show(gamma) + " at Delta0 = " + show(delta0) +
                                ": the bulk of eig(gamma J) reaches 1 (no stationary state)");
    };
    return c;
}

}  // namespace

DmftCorrelation solveRandomModeOverlapCorrelation(const Activation& phi, const std::vector<double>& D, int N,
                                                  const std::vector<double>& rho, double sigma,
                                                  const DmftGridOptions& options, double noise_tau) {
    detail::requireGridOptions(options);
    detail::requireNoiseTau(noise_tau);
    randomModeMeanResolvent(D, N, rho, 2.0);  // validates D, N and rho
    if (!(sigma > 0.0) || !std::isfinite(sigma))
        throw std::domain_error("sigma = " + show(sigma) +
                                ": the random-mode closure needs finite noise > 0");
    const double g = std::sqrt(detail::sumOfPowers(D, 2) / N);
    const std::string what =
        "random-mode closure with mode overlap at g = " + show(g) + ", sigma = " + show(sigma);
    detail::requireOddActivation(phi, what);
    const detail::ClosureCoupling coupling = randomModeCoupling(D, N, rho, what);
    // Start from the iid DMFT (exact at rho = 0). Its gain can be far from the closure's (rho > 0 raises the
    // variance and lowers the gain), so the time scale comes from a first solution on a grid of 30 e-folds
    // at rate 0.15; a slower network is solved again on a grid that fits its rate, from the first solution.
    DmftCorrelation start;
    try {
        start = solveNoiseCorrelation(phi, g, sigma, noise_tau, options);
    } catch (const std::runtime_error&) {
    }
    constexpr double kFirstRate = 0.15;
    const double first_tau = options.max_tau > 0.0 ? options.max_tau : 30.0 / kFirstRate + 10.0;
    DmftCorrelation out =
        detail::solveLinearEquivalenceClosure(phi, sigma, noise_tau, first_tau, start, options, coupling);
    const double rate = std::max(0.02, 0.5 * stabilityMargin(D, N, rho, out.gamma));
    if (options.max_tau == 0.0 && rate < kFirstRate)
        out = detail::solveLinearEquivalenceClosure(phi, sigma, noise_tau, 30.0 / rate + 10.0, out, options,
                                                    coupling);
    out.g_eff = out.gamma * g;
    return out;
}

TabulatedSpectrum randomModeOverlapEquivalentNoise(const DmftCorrelation& c, const std::vector<double>& D,
                                                   int N, const std::vector<double>& rho, double w_cap) {
    const PropagatorTable table = propagatorTable(D, N, rho, c.gamma, w_cap);
    return TabulatedSpectrum(
        [&](double w) { return detail::closureEquivalentNoise(activationSpectrum(c, w), w, table(w)); },
        table.scale, w_cap, kTablePoints);
}

std::vector<double> randomModeOverlapStateSpectrum(const DmftCorrelation& c, const std::vector<double>& D,
                                                   int N, const std::vector<double>& rho, double sigma,
                                                   const std::vector<double>& w, double noise_tau) {
    if (!(c.gamma > 0.0))
        throw std::domain_error("gamma = " + show(c.gamma) + ": the closure needs a positive effective gain");
    if (w.empty()) return {};
    const PropagatorTable table = propagatorTable(D, N, rho, c.gamma, std::max(w.back(), 1.0));
    std::vector<double> out;
    out.reserve(w.size());
    for (const double wj : w)
        out.push_back(detail::closureStateSpectrum(activationSpectrum(c, wj), wj, c.gamma,
                                                   detail::closureNoiseSpectrum(wj, sigma, noise_tau),
                                                   table(wj)));
    return out;
}

}  // namespace quench::theory
