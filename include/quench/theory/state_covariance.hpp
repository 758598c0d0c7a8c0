#pragma once
// Large-N covariance statistics of the state x of a nonlinear network, by linear equivalence at all
// frequencies (theory.md section 4; derivation in docs/theory/state_covariance.md).
//
// Linear equivalence writes phi = gamma x + r with a residual r that acts as independent site noise of
// spectrum S_r(w). Then, with chi = gamma / (1 + i w) and G = (1 - chi J)^-1 (J iid, variance g^2 / N),
//     x(w) = (1 + i w)^-1 [G xi(w) + J G r(w)],
//     C_x(w) = [ N(w) G G^H + S_r(w) J G G^H J^T ] / (1 + w^2),
// N(w) the noise spectrum. Every normalized trace these need is a rational function of
// t(a, b) = 1 / (1 - g^2 a conj(b)), the large-N value of Tr[G_a G_b^H] / N. A linear network is the
// case gamma = 1, S_r = 0 (then the results are theory.md section 3's exact ones).
#include <functional>

#include "quench/theory/dmft.hpp"
#include "quench/theory/linear_theory.hpp"

namespace quench::theory {

struct LinearEquivalentSpectra {
    double g = 0.0;                          // coupling scale: J_ij ~ N(0, g^2 / N)
    double gamma = 0.0;                      // effective gain E[phi'(x)]
    std::function<double(double)> noise;     // N(w): power spectrum of the noise (sigma^2 for white noise)
    std::function<double(double)> residual;  // S_r(w) >= 0: power spectrum of the residual r
    // Random-mode couplings without mode overlap: kappa = (1/N) sum_a D_a^4 (0: iid J). Only the K K'
    // trace changes, by the factor 1 + kappa |chi|^2 |chi'|^2 (docs/theory/random_mode.md).
    double kappa = 0.0;
};

// Spectra of the DMFT solution c: N(w) = sigma^2 / (1 + tau_n^2 w^2) and the residual that makes the
// diagonal of C_phi(w) equal S_phi(w): S_r = S_phi (1 - g^2 |chi|^2) - |chi|^2 N (clipped at 0 where
// quadrature rounding makes it slightly negative).
LinearEquivalentSpectra linearEquivalentSpectra(const DmftCorrelation& c, double g, double sigma, double tau_n);

// Power spectrum of x_i (the diagonal of C_x(w)); equals the DMFT Delta_hat(w) when the residual is the
// one of linearEquivalentSpectra.
double stateSpectrum(const LinearEquivalentSpectra& s, double w);

// N <C_ij(w) conj C_ij(w')>, i != j, of the state's cross-spectral matrices.
double stateCrossSpectralProduct(const LinearEquivalentSpectra& s, double w, double w_prime);

// ZF statistics of x: C_x(0), a = S_x(0), N dc2 = Psi_x(0, 0); m3 not derived.
LinearMoments stateZeroFrequency(const LinearEquivalentSpectra& s);

// ET statistics of x: a = integral S_x dw / 2 pi (= Delta0), N dc2 = double integral of Psi_x
// dw dw' / (2 pi)^2, on w = scale tan(theta) with Gauss-Legendre in theta; m3 not derived.
// Requires g gamma < 1 and scale > 0.
LinearMoments stateEqualTime(const LinearEquivalentSpectra& s, double scale, int frequency_points = 200);

}  // namespace quench::theory
