#pragma once
// Control variates for the sampling scatter of per-neuron gains and time constants (docs/validation/
// findings.md, "Per-neuron draws"). Each realization draws its own N gains b_i and time constants tau_i, so
// its statistics move with that sample by O(1/sqrt N) (its auto means) and its spreads by O(1) (auto_var):
// the scatter hides the 1/N terms that validate fits. For h = (1/p, p, log p) of each drawn parameter p,
// the realization's means mean_i h(p_i) - E h and plug-in (co)variances cov_i(h_k, h_l) - (1 - 1/N)
// Cov(h_k, h_l) have mean zero exactly (E by quadrature of the distribution), so a statistic regressed on
// them keeps its expectation and loses the part of its variance they span.
#include <cstdint>
#include <optional>
#include <vector>

#include "quench/ensemble_spec.hpp"
#include "quench/realization_result.hpp"

namespace quench::validation {

// Per drawn parameter: 3 means and 6 (co)variances.
inline constexpr int kControlsPerParameter = 9;

// The number of controls of a network: 9 for each parameter with a random draw (cv > 0), else 0.
int neuronDrawControlCount(const NetworkSpec& network);

// The controls of one realization, drawn as the simulator draws (seed, stream, realization, neuron).
std::vector<double> neuronDrawControls(const EnsembleSpec& spec, std::int64_t realization);

// The least-squares intercept of values on [1, controls] (one row of controls per value) and its standard
// error (the regression's, with the coefficients' own uncertainty), reported as an Estimate (mean, sem;
// var = R sem^2; the median stays the raw values'). nullopt when R < kMinRealizationsPerControl (k + 1),
// a value or control is not finite, or the controls are degenerate.
inline constexpr int kMinRealizationsPerControl = 10;
std::optional<Estimate> controlledEstimate(const std::vector<double>& values,
                                           const std::vector<std::vector<double>>& controls);

// Every statistic of `summary` (not the series) replaced by its controlled estimate where one exists;
// returns the number of controls used (0: the summary is untouched).
int applyNeuronDrawControls(const EnsembleSpec& spec, const std::vector<RealizationResult>& results,
                            EnsembleSummary& summary);

}  // namespace quench::validation
