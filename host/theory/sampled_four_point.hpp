#pragma once
// The N = infinity four-point statistics of the phi and x covariances of a partially symmetric nonlinear
// network, from its sampled single site (docs/theory/sampled_dmft.md, section 6; random-mode couplings with
// mode overlap: section 8, the SiteCoupling overload below). A cross-covariance is
// O(1/sqrt(N)) and arises by linear response: every site passes on its input through its own (full)
// response chi and adds a residual r uncorrelated with that input, so the network is the linear one
//   phi = G (xi + z r'),  G = (z - J)^-1,  z = 1/chi + eta g^2 chi,
// whose planar traces are those of the elliptic ensemble at mean resolvent u = chi (elliptic_planar.hpp).
// Per step and per frequency theta the site noise is L = S_n + S_r / |chi|^2, so S_phi = L P(chi, conj chi)
// (the resolved update of sampled_dmft.cpp); x is the leak filter of the input h = J phi + xi.
#include <complex>
#include <cstddef>
#include <vector>

#include "../step_coefficients.hpp"
#include "quench/theory/sampled_dmft.hpp"

namespace quench::theory::detail {

// The noise per step in units of an input h (x' = decay x + drive (h + xi)) at frequency theta: white
// (kick / drive)^2, Ornstein-Uhlenbeck ou_kick^2 / |1 - ou_decay e^{-i theta}|^2.
double inputNoiseSpectrum(const StepCoefficients& step, double theta);

// The leak's transfer per step from an input h to x at frequency theta: f = drive e^{-i theta} / (1 - decay
// e^{-i theta}) (f(0) = 1 with the exponential Euler step).
std::complex<double> leakTransfer(const StepCoefficients& step, double theta);

// One sampling iteration: its residual autocovariance C_r(k) (k < L lags, r = phi - chi * u) and the
// response chi(k) (k < M) with which r was formed.
struct SiteRun {
    std::vector<double> c_residual;
    std::vector<double> chi;
};

struct SampledFourPoints {
    SampledFourPoint phi_et, phi_zf, x_et, x_zf;
};

// The double frequency sums of m2 run over cells of the DFT grid (sampled_four_point.cpp, cellsOf): every
// point up to exact_points, then cells of width growth * theta. exact_points >= p / 2 keeps every point.
struct CellOptions {
    std::size_t exact_points = 256;
    double growth = 0.01;
};

// The values from the runs' mean C_r and chi; standard errors from the spread of the values of up to 4
// blocks of consecutive runs (blocks of 8 of the default 32 iterations: longer than the damping's memory of
// about 4, so the blocks are nearly independent; blocks of 4 understated the seed-to-seed spread 2x). Throws
// std::domain_error when the network amplification 1 / (1 - g^2 |chi|^2) has no finite value at some
// frequency (no stationary state of the linear-response network).
SampledFourPoints sampledFourPoints(const std::vector<SiteRun>& runs, double g, double eta,
                                    const StepCoefficients& step, double dt, const CellOptions& options = {});

// The same for any coupling ensemble the site knows (site_coupling.hpp). For random-mode couplings with mode
// overlap (docs/theory/sampled_dmft.md, section 8) z = 1/chi + K_hat(chi) and every trace comes from the
// random-mode cavities; each cell pair costs a two-copy cavity, so the cells are coarser (kRandomModeCells).
class SiteCoupling;
SampledFourPoints sampledFourPoints(const std::vector<SiteRun>& runs, const SiteCoupling& coupling,
                                    const StepCoefficients& step, double dt, const CellOptions& options = {});
inline constexpr CellOptions kRandomModeCells{32, 0.05};

// (1/p^2) sum over pairs of grid frequencies of |f|^2 |f'|^2 tr C_phi(theta) C_phi(theta') (iid J, eta = 0,
// |f|^2 the leak's power gain): N times the variance of the lag-0 covariance that a site's quenched input
// row J_i. gives its x, over 2 g^4 (docs/theory/site_auto_variance.md).
double filteredPhiFourPoint(const SiteRun& run, double g, const StepCoefficients& step,
                            const CellOptions& options = {});

}  // namespace quench::theory::detail
