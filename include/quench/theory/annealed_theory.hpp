#pragma once
// Annealed disorder (coupling.disorder = "annealed", docs/theory/annealed.md): J_r redrawn every
// coupling.redraw_interval. At N = infinity and for redraw intervals long against the relaxation time:
//  - single-site statistics (a, E phi^2, Delta0, the ZF a) equal the quenched ones, lowered only by the
//    transient after each redraw (the recurrent field loses its memory at a redraw);
//  - the pooled covariance of a realization is the weighted mean of M independent, orthogonally invariant
//    and hence asymptotically free epoch covariances: free cumulants k_n scale as M_eff^(1 - n), so
//    N dc2 = k_2 is divided by M_eff and PR/N rises to a^2 / (a^2 + N dc2_quenched / M_eff).
#include "quench/ensemble_spec.hpp"
#include "quench/theory/prediction.hpp"

namespace quench::theory {

// The integrated auto-mean deficit after one redraw, in units of time, relative to the stationary value:
// a_annealed = a (1 - redraws * deficit / t_max). Exact at N = infinity for the linear network with iid J
// (eta = 0) and white noise, for redraw intervals >> 1 / sqrt(1 - g^2):
//   equal time:      (1 - sqrt(1 - g^2)) / (2 (1 - g^2))
//   zero frequency:  g^2 / (1 - g^2)
double equalTimeRedrawDeficit(double g);
double zeroFrequencyRedrawDeficit(double g);

// The moments of the weighted mean of M_eff free copies of a covariance with moments (a, m2, m3, m4),
// its auto mean first replaced by a_annealed: free cumulants k_1 = a_annealed, k_n -> k_n / M_eff^(n-1).
// Quantities absent in `quenched` stay absent; 1/N terms are omitted (not derived for annealed disorder).
CovariancePrediction annealedCovariance(const CovariancePrediction& quenched, double effective_epochs,
                                        double auto_mean_factor, Basis auto_mean_basis);

// Rewrites a quenched prediction of `spec` for its annealed schedule (a no-op for quenched disorder or a
// single epoch) and adds notes with M_eff, the redraw count and the transient fraction.
void applyAnnealedDisorder(TheoryPrediction& p, const EnsembleSpec& spec);

}  // namespace quench::theory
