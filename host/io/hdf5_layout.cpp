#include "io/hdf5_layout.hpp"

namespace quench::io {

std::string covariancePath(Variable v, CovarianceKind c) {
    return std::string(variableName(v)) + "/" + std::string(covarianceName(c));
}

}  // namespace quench::io
