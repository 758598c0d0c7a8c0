#pragma once
// The covariance of x in the linear-equivalent network of random-mode couplings with mode overlap
// (docs/theory/random_mode.md, "The covariance of x under the closure"). phi = gamma x + r with r independent
// site noise of spectrum S_r makes the network linear; with R = (K - gamma J)^-1, K = 1 + i w,
//     gamma^2 C_x(w) = L R R^H - S_r (K R + conj(K) R^H - 1),   L = gamma^2 S_xi + |K|^2 S_r,
// so (1/N) Tr C_x(w) C_x(w') needs, besides the four-resolvent trace (the two-copy cavity, weighted by L L'),
// only two- and three-resolvent traces: the sums of the sampled DMFT's linear-response network with
// random-mode couplings (host/theory/random_mode_response_sums.hpp) at z = K. The resolvent
// identity R(a) R(b) = (R(a) - R(b)) / (b - a) reduces those to P(k1, k2) = (1/N) Tr [(k1 - gamma J)^-1
// (k2 - gamma J^T)^-1] and u(k) = (1/N) Tr (k - gamma J)^-1 (random_mode_theory.hpp). Exact at N = infinity
// for the linear-equivalent network; for a nonlinear network it is as good as the closure that supplies
// gamma and S_r.
#include <functional>
#include <vector>

#include "quench/theory/dmft.hpp"
#include "quench/theory/linear_theory.hpp"
#include "quench/theory/tabulated_spectrum.hpp"

namespace quench::theory {

struct RandomModeLinearEquivalent {
    std::vector<double> d;                   // the mode strengths D_a of J (not scaled by gamma)
    std::vector<double> rho;                 // the overlaps rho_a (d.size() of them)
    int n = 0;                               // neurons
    double gamma = 0.0;                      // the effective gain, > 0
    std::function<double(double)> noise;     // S_xi(w), even
    std::function<double(double)> residual;  // S_r(w) >= 0, even; for ET it must decay at least like 1/w^2
    double width = 1.0;                      // the frequency scale of the two spectra (> 0)
};

// x's ZF statistics: the auto mean S_x(0), m2, N dc2 = m2 - a^2 and PR/N of C_x(0); m3 not derived. Throws
// std::domain_error for gamma <= 0 and for a network gamma J without a stationary state (as
// randomModeZeroFrequency).
LinearMoments randomModeStateZeroFrequency(const RandomModeLinearEquivalent& s);

// x's ET statistics: C_x = int C_x(w) dw / 2 pi on w = scale tan(theta), Gauss-Legendre in theta with
// frequency_points nodes (scale the narrower of the spectra's width and the network's); m3 not derived.
// Same errors as above, and width <= 0.
LinearMoments randomModeStateEqualTime(const RandomModeLinearEquivalent& s, int frequency_points = 96);

// The linear-equivalent network of the solved closure c (solveRandomModeOverlapCorrelation with the same
// D, N, rho, sigma, noise_tau): S_xi the noise, S_r = (L - gamma^2 S_xi) / |K|^2 with L the closure's
// equivalent site noise (randomModeOverlapEquivalentNoise).
RandomModeLinearEquivalent randomModeOverlapLinearEquivalent(const DmftCorrelation& c,
                                                             const std::vector<double>& D, int N,
                                                             const std::vector<double>& rho, double sigma,
                                                             double noise_tau,
                                                             const TabulatedSpectrum& equivalent_noise);

}  // namespace quench::theory
