// The Gaussian closure of linear equivalence (linear_equivalence_closure.hpp). Spectra on the uniform
// frequency grid of the tau grid: with white noise the kinks at tau = 0 (of Delta: sigma^2 exp(-tau)/2; of
// C_phi: kappa exp(-tau), kappa = E[phi'^2] sigma^2 / 2) are transformed analytically and the smooth
// remainders by a discrete cosine transform (FFTW); OU noise leaves no kink (x is differentiable).
#include "linear_equivalence_closure.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "dmft_internal.hpp"
#include "fftw_transforms.hpp"

namespace quench::theory::detail {
namespace {

constexpr double kPi = 3.14159265358979323846;

}  // namespace

void requireOddActivation(const Activation& phi, const std::string& what) {
    const GaussHermiteRule& rule = defaultGaussHermiteRule();
    for (double v : {0.25, 1.0, 4.0})
        if (std::fabs(meanActivation(phi, v, rule)) > 1e-9 * std::sqrt(meanSquareActivation(phi, v, rule)))
            throw std::domain_error("phi: E[phi(x)] != 0 at Var x = " + show(v) + "; the " + what +
                                    " needs an odd phi (no static field)");
}

void requireNoiseTau(double noise_tau) {
    if (!(noise_tau >= 0.0) || !std::isfinite(noise_tau))
        throw std::domain_error("noise_tau = " + show(noise_tau) +
                                ": the noise correlation time must be finite and >= 0");
}

double closureNoiseSpectrum(double w, double sigma, double noise_tau) {
    return sigma * sigma / (1.0 + noise_tau * noise_tau * w * w);
}

double closureStateSpectrum(double s_phi, double w, double gamma, double s_xi,
                            const EquivalentPropagator& p) {
    const double k2 = 1.0 + w * w;
    const double s_r = (s_phi / p.k2p * k2 - gamma * gamma * s_xi) / k2;
    return (s_xi * p.k2p + s_r / (gamma * gamma) * (p.k2p - 2.0 * p.re_ku + 1.0) * k2) / k2;
}

double closureEquivalentNoise(double s_phi, double w, const EquivalentPropagator& p) {
    return s_phi * (1.0 + w * w) / p.k2p;
}

DmftCorrelation solveLinearEquivalenceClosure(const Activation& phi, double sigma, double noise_tau,
                                              double max_tau, const DmftCorrelation& start,
                                              const DmftGridOptions& options,
                                              const ClosureCoupling& coupling) {
    requireGridOptions(options);
    requireOddActivation(phi, coupling.what);
    requireNoiseTau(noise_tau);
    if (phi.kind == ActivationKind::Linear && !(coupling.margin(1.0) > 0.0)) coupling.reject(1.0, 0.0);
    const GaussHermiteRule& rule = defaultGaussHermiteRule();
    const double dt = options.dt;
    const double s2 = sigma * sigma;
    const double kink = noise_tau > 0.0 ? 0.0 : s2;  // the white-noise kink amplitude of Delta (OU: none)
    const std::size_t m = nextPowerOfTwo(gridSize(max_tau, dt, coupling.what) - 1);
    const std::size_t n = m + 1;
    const double period = 2.0 * m * dt;  // of the even extension; frequencies w_j = 2 pi j / period
    const CosineTransform dct(m);
    std::vector<double> decay(n), w(n);
    for (std::size_t k = 0; k < n; ++k) {
        decay[k] = std::exp(-(k * dt));
        w[k] = 2.0 * kPi * k / period;
    }
    std::vector<double> delta(n, 0.0);
    for (std::size_t k = 0; k < n; ++k)
        delta[k] = k < start.delta.size() && start.delta.size() > 1 ? start.delta[k] : 0.5 * s2 * decay[k];
    // A saturating phi: raise the variance until the starting gain is inside the stable region.
    for (int k = 0; k < 60 && coupling.margin(effectiveGain(phi, delta[0], rule)) <= 0.02; ++k)
        for (double& d : delta) d *= 1.25;

    int pushed_back = 0;
    const FixedPointMap image = [&](const std::vector<double>& x) {
        const double d0 = x[0];
        if (!(d0 > 0.0) || !std::isfinite(d0))
            throw std::runtime_error(coupling.what + ": the iteration lost Delta(0) = " + show(d0));
        const double gamma = effectiveGain(phi, d0, rule);
        if (!(coupling.margin(gamma) > 0.0)) {
            // Outside the stable region: the image raises the variance (a saturating phi's gain falls).
            if (++pushed_back > 50) coupling.reject(gamma, d0);
            std::vector<double> out(x);
            for (double& d : out) d *= 1.25;
            return out;
        }
        const std::vector<EquivalentPropagator> propagators = coupling.propagators(gamma, w);
        const ChebyshevInterpolant r = forceRatio(phi, d0, options.chebyshev_nodes, rule);
        const double kappa = 0.5 * kink * meanSquareDerivative(phi, d0, rule);
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
            const double s_xi = closureNoiseSpectrum(w[j], sigma, noise_tau);
            x_hat[j] = closureStateSpectrum(s_phi, w[j], gamma, s_xi, propagators[j]) - kink * lorentz;
        }
        const std::vector<double> back = dct(x_hat);
        std::vector<double> out(n);
        for (std::size_t k = 0; k < n; ++k) out[k] = 0.5 * kink * decay[k] + back[k] / period;
        return out;
    };
    const int iterations = relaxToFixedPoint(delta, image, options, coupling.what);

    DmftCorrelation out;
    out.dt = dt;
    out.delta0 = delta[0];
    out.gamma = effectiveGain(phi, out.delta0, rule);
    out.iterations = iterations;
    if (!(coupling.margin(out.gamma) > 0.0)) coupling.reject(out.gamma, out.delta0);
    const ChebyshevInterpolant r = forceRatio(phi, out.delta0, options.chebyshev_nodes, rule);
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

}  // namespace quench::theory::detail
