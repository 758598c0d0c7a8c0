// Which mean the covariances are taken about.
#include "quench/ensemble_spec.hpp"

namespace quench {

bool meanIsZeroBySymmetry(const EnsembleSpec& spec) {
    return spec.network.activation.odd() && spec.noise.input == 0.0 && spec.coupling.mean == 0.0;
}

bool centersOnZero(const EnsembleSpec& spec) {
    switch (spec.statistics.center) {
        case Centering::Zero:
            return true;
        case Centering::SampleMean:
            return false;
        case Centering::Auto:
            return meanIsZeroBySymmetry(spec);
    }
    return false;
}

}  // namespace quench
