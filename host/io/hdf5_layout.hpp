#pragma once
// The names of the groups and datasets of quench's HDF5 files, shared by the writer and the reader.
#include <string>

#include "quench/statistics.hpp"

namespace quench::io {

// "x/equal_time", the relative path of one covariance under /realizations, /summary, /covariances.
std::string covariancePath(Variable v, CovarianceKind c);

// Applies f(variable, covariance) over the fixed nesting variable -> covariance.
template <class F>
void forEachCovariance(F f) {
    for (int v = 0; v < kVariableCount; ++v)
        for (int c = 0; c < kCovarianceCount; ++c)
            f(static_cast<Variable>(v), static_cast<CovarianceKind>(c));
}

}  // namespace quench::io
