#include "fftw_transforms.hpp"

namespace quench::theory::detail {

std::mutex& fftwPlannerLock() {
    static std::mutex lock;
    return lock;
}

}  // namespace quench::theory::detail
