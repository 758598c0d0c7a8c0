#pragma once
// The N = infinity theory of the curves `quench simulate` measures on request (Series): the single-unit
// autocorrelations x.autocorrelation = Delta(tau) and phi.autocorrelation = C_phi(tau) of the DMFT
// (docs/theory/autocorrelation.md), and the frequency-resolved VAR.spectral.{auto_mean, n_cross_var,
// pr_over_n} of the cross-spectral matrix C(w) (docs/theory/frequency_resolved.md). As for the scalar statistics, each
// curve is either present with a Basis tag or absent with the reason; no value is ever NaN.
#include <string>
#include <vector>

#include "quench/ensemble_spec.hpp"
#include "quench/theory/prediction.hpp"

namespace quench::theory {

struct TheorySeries {
    std::string name;      // the simulated series it predicts ("x.autocorrelation")
    std::string abscissa;  // "tau"
    std::vector<double> at;
    std::vector<double> values;  // one per abscissa value; empty when absent
    Basis basis = Basis::Exact;
    std::string reason;  // why the curve is absent; empty when present
    // Monte-Carlo standard errors of sampled values (the sampled DMFT), one per value; else empty.
    std::vector<double> se = {};

    bool available() const { return reason.empty(); }
};

// One entry per series the spec asks for, at the abscissa the simulation uses (planLags). Never throws
// for a valid spec: solver failures become reasons. options as for predict() (the single site of
// partially symmetric J: sampled, or the closure's).
std::vector<TheorySeries> predictSeries(const EnsembleSpec& spec, const PredictOptions& options = {});

}  // namespace quench::theory
