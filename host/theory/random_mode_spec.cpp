#include "random_mode_spec.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "quench/theory/random_mode_overlap_closure.hpp"

namespace quench::theory::detail {

bool uncorrelatedModes(const CouplingSpec& c) {
    return c.overlap == 0.0 && c.overlap_spread == 0.0;
}

std::vector<double> modeSpectrumOf(const EnsembleSpec& spec) {
    const CouplingSpec& c = spec.coupling;
    const int n = spec.network.n;
    const int modes = std::max(1, static_cast<int>(std::lround(c.mode_ratio * n)));
    return randomModeSpectrum(c.spectrum, modes, n, c.g, c.spectrum_decay, c.strong_fraction, c.weak_ratio);
}

RandomModeSet overlapModesOf(const EnsembleSpec& spec) {
    const CouplingSpec& c = spec.coupling;
    return randomModeUniformOverlapSet(modeSpectrumOf(spec), spec.network.n, c.overlap, c.overlap_spread,
                                       c.overlap_spread > 0.0 ? kOverlapNodes : 1);
}

DmftCorrelation randomModeOverlapCorrelationOf(const EnsembleSpec& spec, const DmftGridOptions& options) {
    const RandomModeSet m = overlapModesOf(spec);
    return solveRandomModeOverlapCorrelation(spec.network.activation, m.d, m.n, m.rho, spec.noise.sigma,
                                             options, spec.noise.tau);
}

}  // namespace quench::theory::detail
