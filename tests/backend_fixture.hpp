#pragma once
// One set of behaviour tests, instantiated for every backend and precision. A backend that cannot
// run here is skipped with the reason (QUENCH_REQUIRE_GPU=1 turns that skip into a failure).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ostream>
#include <string>

#include "quench/backend.hpp"

// In a SetUp() or a test body: skips with the reason when `kind` cannot run on this machine, or fails when
// QUENCH_REQUIRE_GPU is set (a GPU machine must run every test).
#define QUENCH_SKIP_UNLESS_AVAILABLE(kind)                                     \
    do {                                                                       \
        std::string quench_why_;                                               \
        if (!::quench::backendAvailable((kind), &quench_why_)) {               \
            if (std::getenv("QUENCH_REQUIRE_GPU") != nullptr)                  \
                FAIL() << "backend required but unavailable: " << quench_why_; \
            GTEST_SKIP() << "backend unavailable: " << quench_why_;            \
        }                                                                      \
    } while (false)

namespace quench::testing {

struct BackendCase {
    BackendKind kind;
    Precision precision;
};

inline std::ostream& operator<<(std::ostream& os, const BackendCase& c) {
    return os << backendName(c.kind) << (c.precision == Precision::Fp64 ? "_fp64" : "_fp32");
}

inline std::string caseName(const ::testing::TestParamInfo<BackendCase>& info) {
    std::string name = std::string(backendName(info.param.kind)) +
                       (info.param.precision == Precision::Fp64 ? "Fp64" : "Fp32");
    name[0] = static_cast<char>(std::toupper(name[0]));
    return name;
}

class BackendTest : public ::testing::TestWithParam<BackendCase> {
protected:
    void SetUp() override { QUENCH_SKIP_UNLESS_AVAILABLE(GetParam().kind); }
    std::vector<RealizationResult> run(EnsembleSpec spec, const RunControl& control = {}) const {
        spec.integration.precision = GetParam().precision;
        return makeBackend(GetParam().kind)->run(spec, control);
    }
};

// Every backend compiled into this build, in both precisions. The CUDA cases are instantiated
// whenever the backend is compiled in and skip (with the reason) where no device is usable.
inline std::vector<BackendCase> allBackendCases() {
    return {
        {BackendKind::Cpu, Precision::Fp64},
        {BackendKind::Cpu, Precision::Fp32},
#ifdef QUENCH_HAVE_CUDA
        {BackendKind::Cuda, Precision::Fp32},
        {BackendKind::Cuda, Precision::Fp64},
#endif
    };
}

// A small linear network that runs in a fraction of a second.
inline EnsembleSpec smallLinearSpec(int n, double g) {
    EnsembleSpec s;
    s.network.n = n;
    s.network.activation.kind = ActivationKind::Linear;
    s.coupling.g = g;
    s.noise.sigma = 1.0;
    s.integration.dt = 0.02;
    s.integration.t_burn = 20.0;
    s.integration.t_max = 200.0;
    s.integration.t_bin = 10.0;
    s.integration.sample_interval = 0.2;
    s.ensemble.realizations = 4;
    s.ensemble.trials = 8;
    s.ensemble.seed = 5;
    return s;
}

inline double stat(const RealizationResult& r, Variable v, CovarianceKind c, Statistic s) {
    return r.at(v, c).stats[static_cast<int>(s)];
}

struct MeanAndError {
    double mean = 0.0;
    double error = 0.0;  // standard error of the mean over realizations
};

// Statistic k of one covariance, averaged over the realizations.
inline MeanAndError ensembleMean(const std::vector<RealizationResult>& results, Variable v, CovarianceKind c,
                                 int k) {
    double sum = 0.0, sum2 = 0.0;
    for (const RealizationResult& r : results) {
        const double value = r.at(v, c).stats[k];
        sum += value;
        sum2 += value * value;
    }
    const double count = static_cast<double>(results.size());
    const double mean = sum / count;
    const double variance = std::max(0.0, (sum2 - count * mean * mean) / (count - 1.0));
    return {mean, std::sqrt(variance / count)};
}

}  // namespace quench::testing
