#pragma once
// The N = infinity predictions of the theory for one model (an EnsembleSpec), in the vocabulary of
// `quench simulate`: variable (x, phi) -> covariance (equal_time, zero_frequency) -> statistic. This
// is what `quench theory` prints and writes, and what plots call from C++.
//
// Every quantity is either a value with a tag saying what it rests on, or absent with the reason.
// Nothing is ever filled with a guess, and no value is NaN or infinite: solver failures become
// reasons.
//
// Conventions (same as the simulator): cross_var is var_{i != j} C_ij, which vanishes like 1/N, so
// the theory reports n_cross_var = N * cross_var (an O(1) number) beside the statistics and leaves
// cross_var itself absent; likewise pr = N * pr_over_n is absent and pr_over_n is given.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quench/ensemble_spec.hpp"
#include "quench/statistics.hpp"

namespace quench::theory {

// What a value rests on.
enum class Basis : int {
    Exact,  // exact at N = infinity (closed form, or the DMFT self-consistency solved numerically)
    LinearEquivalence,  // the linear-equivalence derivation (theory.md section 4): phi ~ gamma x + residual
                        // noise
    Derived,  // a derivation still to be confirmed by simulation (e.g. the all-frequency ET dimension)
};
std::string_view basisName(Basis b);  // "exact", "linear_equivalence", "derived"

struct TheoryQuantity {
    std::optional<double> value;  // finite whenever present
    Basis basis = Basis::Exact;
    std::string reason;  // why the value is absent; empty when present
    double se = 0.0;     // Monte-Carlo standard error of a sampled value (the sampled DMFT); 0: none

    bool available() const { return value.has_value(); }
    static TheoryQuantity of(double v, Basis b);  // absent with a reason if v is not finite
    static TheoryQuantity sampled(double v, double se, Basis b);  // of(v, b) with its standard error
    static TheoryQuantity omitted(std::string why);
};

struct CovariancePrediction {
    std::array<TheoryQuantity, kStatisticCount> statistic;  // indexed by quench::Statistic
    TheoryQuantity n_cross_var;                             // N * var_{i != j} C_ij at N = infinity

    // The first finite-size term: the coefficient c in E_J[S](N) = S(infinity) + c / N + O(1/N^2) of the
    // disorder average, where a derivation gives it (`quench theory --order 1`); absent with the reason
    // otherwise. `quench validate` sets these beside the slope of its N-scaling fit.
    std::array<TheoryQuantity, kStatisticCount> one_over_n;
    TheoryQuantity n_cross_var_one_over_n;
    // N * var_{i != j} R_ij of the correlation matrix R (z-scored), and its 1/N coefficient.
    TheoryQuantity z_n_cross_var;
    TheoryQuantity z_n_cross_var_one_over_n;

    TheoryQuantity& firstOrder(Statistic s) { return one_over_n[static_cast<int>(s)]; }
    const TheoryQuantity& firstOrder(Statistic s) const { return one_over_n[static_cast<int>(s)]; }

    TheoryQuantity& at(Statistic s) { return statistic[static_cast<int>(s)]; }
    const TheoryQuantity& at(Statistic s) const { return statistic[static_cast<int>(s)]; }
};

// Eigenvalue density p(lambda) of a covariance on a grid spanning its support (closed form only).
struct SpectralDensity {
    std::vector<double> lambda;
    std::vector<double> density;
    Basis basis = Basis::Exact;
};

struct TheoryPrediction {
    std::string route;  // which theory answered: "linear", "dmft_white_noise", "dmft_colored_noise", "none"
    std::array<std::array<CovariancePrediction, kCovarianceCount>, kVariableCount> covariance;

    TheoryQuantity delta0;            // Var x = Delta(0), the DMFT equal-time variance
    TheoryQuantity gamma;             // effective gain E[phi'(x)]
    TheoryQuantity g_eff;             // gamma g
    TheoryQuantity stability_margin;  // 1 - g_eff (linear with symmetry eta: 1 - g (1 + eta))
    TheoryQuantity chaotic;           // 1: chaotic (Delta0 < g^2 E[phi^2]), 0: not

    // Per variable, the zero-frequency density where a closed form exists (linear iid J); else the
    // reason in density_reason.
    std::array<std::optional<SpectralDensity>, kVariableCount> zero_frequency_density;
    std::string density_reason;

    std::vector<std::string> notes;  // caveats that apply to the whole point (e.g. zero_diagonal ignored)

    CovariancePrediction& at(Variable v, CovarianceKind c) {
        return covariance[static_cast<int>(v)][static_cast<int>(c)];
    }
    const CovariancePrediction& at(Variable v, CovarianceKind c) const {
        return covariance[static_cast<int>(v)][static_cast<int>(c)];
    }
};

// Number of grid points of zero_frequency_density.
inline constexpr int kDensityGridPoints = 101;

// Maps the model to its N = infinity predictions. Never throws for a valid spec: what the theory
// cannot say is absent with a reason. Routes:
//  - linear phi: closed forms (ZF iid, ZF partial symmetry, ET iid incl. PR/N; ET a with symmetry;
//    colored noise: ZF unchanged, ET a from the colored DMFT); random-mode J: linear ZF from the
//    mode-spectrum theory (N enters through kappa = g^4 N / PR_D);
//  - odd nonlinear phi, zero coupling mean and input, eta = 0: white- or colored-noise DMFT for the
//    single-site values, linear equivalence for phi's ZF four-point statistics, the all-frequency
//    linear-equivalence integral for phi's ET dimension (derived);
//  - odd nonlinear phi with eta != 0: the single-site values of the exact DMFT solved by sampling
//    and the four-point statistics of phi and x from the sampled site's linear response (sampled_dmft.hpp;
//    values carry their Monte-Carlo se); stability_margin, and everything when sampling is off, from the
//    Gaussian closure (partial_symmetry_dmft.hpp);
//  - anything else: every statistic omitted with the reason.
struct PredictOptions {
    // Partially symmetric J, or random-mode J with mode overlap, with a nonlinear phi: sample the exact
    // single site (about 30 s on two cores). false keeps the Gaussian closure's single-site values, for
    // curves of many points.
    bool sample_single_site = true;
    // iid nonlinear networks: sample the N = infinity site for the one-loop 1/N terms of the ET auto means
    // (one_over_n; seconds at dt = 0.05, a minute or more at dt = 0.01: the cost grows like dt^-2). Off, they
    // are absent with the reason. `quench validate` turns it on with sample_single_site, `quench theory`
    // with --order 1.
    bool sample_one_loop = false;
};
TheoryPrediction predict(const EnsembleSpec& spec, const PredictOptions& options = {});

// Whether predict() and predictSeries() sample the single site for this model (partially symmetric J or
// random-mode J with mode overlap, a nonlinear phi, options.sample_single_site): the seconds-long step a
// caller may want to announce.
bool samplesSingleSite(const EnsembleSpec& spec, const PredictOptions& options);
// Whether predict() samples the N = infinity site for the one-loop 1/N terms of the ET auto means (iid J with
// the Gaussian diagonal, eta = 0, white noise, tanh, erf or Pade, options.sample_single_site and
// options.sample_one_loop, a window of at most 2001 lags): seconds to a minute.
bool computesOneLoopTerms(const EnsembleSpec& spec, const PredictOptions& options);

}  // namespace quench::theory
