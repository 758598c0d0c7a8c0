#pragma once
// The reference CPU backend: realizations in parallel on threads, one BLAS GEMM per step for
// J phi(X) over the K trials, FP64 statistics.
#include "quench/backend.hpp"

namespace quench::cpu {

class CpuBackend final : public Backend {
public:
    CpuBackend();
    std::string name() const override { return "cpu"; }
    std::string description() const override;
    std::string device() const override;
    std::string performanceNote() const override;
    std::vector<RealizationResult> run(const EnsembleSpec& spec, const RunControl& control) override;
    std::int64_t realizationsInFlight(const EnsembleSpec& spec) const override;
};

}  // namespace quench::cpu
