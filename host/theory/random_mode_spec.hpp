#pragma once
// The random-mode ensemble of an EnsembleSpec, as the theories need it: shared by predict() and the
// autocorrelation curves (predictSeries) so that both read the spec's coupling fields the same way.
#include <vector>

#include "quench/ensemble_spec.hpp"
#include "quench/theory/dmft.hpp"
#include "quench/theory/random_mode_theory.hpp"

namespace quench::theory::detail {

// True when no mode has an overlap (coupling.overlap = 0 and no spread): single sites are those of iid J.
bool uncorrelatedModes(const CouplingSpec& c);

// The mode spectrum D_a of the spec's random-mode couplings (P = mode_ratio N modes, largest first).
std::vector<double> modeSpectrumOf(const EnsembleSpec& spec);

// Nodes of the overlap law (coupling.overlap_spread > 0) in the closure and the ET cavities: every (D_a,
// rho_a) class costs a cavity at each frequency (pair), and PR/N moves by 1e-4 between 8 and 32 at spread
// 0.2.
constexpr int kOverlapNodes = 8;

// The modes of the spec's overlap law (coupling.overlap +- coupling.overlap_spread) for the cavities: the
// midpoint rule of randomModeUniformOverlapSet with kOverlapNodes nodes (the modes themselves at spread 0).
RandomModeSet overlapModesOf(const EnsembleSpec& spec);

// The Gaussian closure of linear equivalence for the spec's network with mode overlap (white or OU noise;
// random_mode_overlap_closure.hpp): exact for linear phi, an approximation otherwise.
DmftCorrelation randomModeOverlapCorrelationOf(const EnsembleSpec& spec, const DmftGridOptions& options);

}  // namespace quench::theory::detail
