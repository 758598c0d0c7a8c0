// Gaussian closure of linear equivalence for nonlinear networks with partially symmetric couplings
// (docs/theory/partial_symmetry.md). Spectra on the uniform frequency grid of the tau grid: the kinks at
// tau = 0 (of Delta: sigma^2 exp(-tau)/2; of C_phi: kappa exp(-tau), kappa = E[phi'^2] sigma^2 / 2) are
// transformed analytically and the smooth remainders by a discrete cosine transform (FFTW).
#include "quench/theory/partial_symmetry_dmft.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <fftw3.h>

#include "dmft_internal.hpp"
#include "quench/theory/linear_theory.hpp"

namespace quench::theory {
namespace {

using detail::show;

using Complex = std::complex<double>;
constexpr double kPi = 3.14159265358979323846;

// X_j = x_0 + (-1)^j x_m + 2 sum_{k=1}^{m-1} x_k cos(pi j k / m), j = 0..m: FFTW's DCT-I (REDFT00 of
// length m + 1). It is its own inverse up to 1 / (2m). The plan is made once per grid (FFTW_ESTIMATE:
// no timing runs) and owned here. FFTW's planner is not thread-safe and predict() runs on several
// threads (validate's theory curves): planning and destroying hold one lock; executing needs none.
std::mutex& fftwPlannerLock() {
    static std::mutex lock;
    return lock;
}

class CosineTransform {
public:
    explicit CosineTransform(std::size_t m) : m_(m), in_(m + 1), out_(m + 1) {
        const std::lock_guard<std::mutex> guard(fftwPlannerLock());
        plan_ =
            fftw_plan_r2r_1d(static_cast<int>(m + 1), in_.data(), out_.data(), FFTW_REDFT00, FFTW_ESTIMATE);
        if (plan_ == nullptr)
            throw std::runtime_error("FFTW could not plan a cosine transform of length " +
                                     std::to_string(m + 1));
    }
    ~CosineTransform() {
        const std::lock_guard<std::mutex> guard(fftwPlannerLock());
        fftw_destroy_plan(plan_);
    }
    CosineTransform(const CosineTransform&) = delete;
    CosineTransform& operator=(const CosineTransform&) = delete;

    std::vector<double> operator()(const std::vector<double>& x) const {
        std::copy(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(m_ + 1), in_.begin());
        fftw_execute(plan_);
        return out_;
    }

private:
    std::size_t m_;
    mutable std::vector<double> in_, out_;  // the plan's buffers
    fftw_plan plan_ = nullptr;
};

void requireInputs(double g, double eta, double sigma) {
    if (!std::isfinite(eta) || eta < -1.0 || eta > 1.0)
        throw std::domain_error("eta = " + show(eta) + ": the coupling symmetry must lie in [-1, 1]");
    if (!(g >= 0.0) || !std::isfinite(g))
        throw std::domain_error("g = " + show(g) + ": the coupling must be finite and >= 0");
    if (!(sigma > 0.0) || !std::isfinite(sigma))
        throw std::domain_error("sigma = " + show(sigma) +
                                ": the partially symmetric closure needs finite noise > 0");
}

[[noreturn]] void rejectUnstable(double g, double eta, double g_eff, double delta0) {
    throw std::domain_error("g = " + show(g) + ", eta = " + show(eta) + ": g_eff (1 + eta) = " +
                            show(g_eff * (1.0 + eta)) + " >= 1 at Delta0 = " + show(delta0) +
                            " (the spectral ellipse of gamma J reaches 1: no stationary state)");
}

// The planar propagator of the equivalent linear network at K = 1 + i w.
struct Propagator {
    Complex ku;       // K u, u the elliptic mean resolvent of gamma J
    double p0 = 0.0;  // |u|^2 / (1 - g_eff^2 |u|^2)
};
Propagator propagator(double w, double g_eff, double eta) {
    const Complex k(1.0, w);
    const Complex u = ellipticMeanResolvent(k, g_eff, eta);
    const double u2 = std::norm(u);
    return {k * u, u2 / (1.0 - g_eff * g_eff * u2)};
}

// S_x from S_phi: L = S_phi / P_0, S_r = (L - gamma^2 sigma^2) / (1 + w^2), then the closure's S_x.
double stateSpectrum(double s_phi, double w, double gamma, double g_eff, double eta, double sigma) {
    const Propagator p = propagator(w, g_eff, eta);
    const double k2 = 1.0 + w * w;
    const double s2 = sigma * sigma;
    const double s_r = (s_phi / p.p0 - gamma * gamma * s2) / k2;
    return s2 * p.p0 + s_r / (gamma * gamma) * (k2 * p.p0 - 2.0 * p.ku.real() + 1.0);
}

std::size_t nextPowerOfTwo(std::size_t v) {
    std::size_t p = 1;
    while (p < v) p <<= 1;
    return p;
}

}  // namespace

DmftCorrelation solvePartiallySymmetricCorrelation(const Activation& phi, double g, double eta, double sigma,
                                                   const DmftGridOptions& options) {
    detail::requireGridOptions(options);
    requireInputs(g, eta, sigma);
    const GaussHermiteRule& rule = defaultGaussHermiteRule();
    for (double v : {0.25, 1.0, 4.0})
        if (std::fabs(meanActivation(phi, v, rule)) > 1e-9 * std::sqrt(meanSquareActivation(phi, v, rule)))
            throw std::domain_error("phi: E[phi(x)] != 0 at Var x = " + show(v) +
                                    "; the partially symmetric closure needs an odd phi (no static field)");
    if (phi.kind == ActivationKind::Linear && g * (1.0 + eta) >= 1.0) rejectUnstable(g, eta, g, 0.0);
    const std::string what =
        "partially symmetric closure at g = " + show(g) + ", eta = " + show(eta) + ", sigma = " + show(sigma);
    const double dt = options.dt;
    const double s2 = sigma * sigma;

    // Start from the exact eta = 0 solution (it also sets the time scale); the noise-only one if absent.
    DmftCorrelation start;
    double g_eff0 = g * phi.derivative(0.0);
    try {
        start = solveWhiteNoiseCorrelation(phi, g, sigma, options);
        g_eff0 = start.g_eff;
    } catch (const std::runtime_error&) {
    }
    const double rate = std::max(0.02, 1.0 - g_eff0 * (1.0 + std::fabs(eta)));
    const double max_tau = options.max_tau > 0.0 ? options.max_tau : 30.0 / rate + 10.0;
    const std::size_t m = nextPowerOfTwo(detail::gridSize(max_tau, dt, what) - 1);
    const std::size_t n = m + 1;
    const double period = 2.0 * m * dt;  // of the even extension; frequencies w_j = 2 pi j / period
    const CosineTransform dct(m);
    std::vector<double> tau(n), decay(n), w(n);
    for (std::size_t k = 0; k < n; ++k) {
        tau[k] = k * dt;
        decay[k] = std::exp(-tau[k]);
        w[k] = 2.0 * kPi * k / period;
    }
    std::vector<double> delta(n, 0.0);
    for (std::size_t k = 0; k < n; ++k)
        delta[k] = k < start.delta.size() && start.delta.size() > 1 ? start.delta[k] : 0.5 * s2 * decay[k];
    // A saturating phi: raise the variance until the starting gain is inside the stable region.
    for (int k = 0; k < 60 && g * effectiveGain(phi, delta[0], rule) * (1.0 + eta) >= 0.98; ++k)
        for (double& d : delta) d *= 1.25;

    int pushed_back = 0;
    const detail::FixedPointMap image = [&](const std::vector<double>& x) {
        const double d0 = x[0];
        if (!(d0 > 0.0) || !std::isfinite(d0))
            throw std::runtime_error(what + ": the iteration lost Delta(0) = " + show(d0));
        const double gamma = effectiveGain(phi, d0, rule);
        const double g_eff = gamma * g;
        if (!(g_eff * (1.0 + eta) < 1.0)) {
            // Outside the stable region: the image raises the variance (a saturating phi's gain falls).
            if (++pushed_back > 50) rejectUnstable(g, eta, g_eff, d0);
            std::vector<double> out(x);
            for (double& d : out) d *= 1.25;
            return out;
        }
        const detail::ChebyshevInterpolant r = detail::forceRatio(phi, d0, options.chebyshev_nodes, rule);
        const double kappa = 0.5 * s2 * meanSquareDerivative(phi, d0, rule);
        std::vector<double> remainder(n);
        for (std::size_t k = 0; k < n; ++k) {
            const double d = std::min(std::max(x[k], 0.0), d0);
            remainder[k] = d * r(d) - kappa * decay[k];
        }
        const std::vector<double> phi_hat = dct(remainder);
        std::vector<double> x_hat(n);
        for (std::size_t j = 0; j < n; ++j) {
            const double lorentz = 1.0 / (1.0 + w[j] * w[j]);
            const double s_phi = 2.0 * kappa * lorentz + dt * phi_hat[j];
            x_hat[j] = stateSpectrum(s_phi, w[j], gamma, g_eff, eta, sigma) - s2 * lorentz;
        }
        const std::vector<double> back = dct(x_hat);
        std::vector<double> out(n);
        for (std::size_t k = 0; k < n; ++k) out[k] = 0.5 * s2 * decay[k] + back[k] / period;
        return out;
    };
    const int iterations = detail::relaxToFixedPoint(delta, image, options, what);

    DmftCorrelation out;
    out.dt = dt;
    out.delta0 = delta[0];
    out.gamma = effectiveGain(phi, out.delta0, rule);
    out.g_eff = out.gamma * g;
    out.iterations = iterations;
    if (!(out.g_eff * (1.0 + eta) < 1.0)) rejectUnstable(g, eta, out.g_eff, out.delta0);
    const detail::ChebyshevInterpolant r = detail::forceRatio(phi, out.delta0, options.chebyshev_nodes, rule);
    // Keep the grid up to where C_phi has decayed to 1e-13 of C_phi(0) (spares the later transforms).
    std::size_t keep = n;
    while (keep > 2 && std::fabs(delta[keep - 1]) < 1e-13 * out.delta0) --keep;
    keep = std::min(n, keep + 1);
    out.delta.assign(delta.begin(), delta.begin() + static_cast<std::ptrdiff_t>(keep));
    out.c_phi.resize(keep);
    for (std::size_t k = 0; k < keep; ++k) {
        const double d = std::min(std::max(out.delta[k], 0.0), out.delta0);
        out.c_phi[k] = d * r(d);
    }
    return out;
}

double partiallySymmetricEquivalentNoise(const DmftCorrelation& c, double g, double eta, double w) {
    requireInputs(g, eta, 1.0);
    return activationSpectrum(c, w) / propagator(w, c.g_eff, eta).p0;
}

double partiallySymmetricStateSpectrum(const DmftCorrelation& c, double g, double eta, double sigma,
                                       double w) {
    requireInputs(g, eta, sigma);
    if (!(c.gamma > 0.0))
        throw std::domain_error("gamma = " + show(c.gamma) + ": the closure needs a positive effective gain");
    return stateSpectrum(activationSpectrum(c, w), w, c.gamma, c.g_eff, eta, sigma);
}

}  // namespace quench::theory
