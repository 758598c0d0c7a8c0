// The memory a run needs is estimated before anything large is allocated: the kept results include
// the R x N x N covariance matrices when output.covariances asks for them, and a run over the budget
// is refused with a message that says how much it needs and how much there is.
#include <gtest/gtest.h>

#include "memory_plan.hpp"
#include "quench/error.hpp"

namespace quench {
namespace {

EnsembleSpec bigEnsemble() {
    EnsembleSpec spec;
    spec.network.n = 1000;
    spec.ensemble.realizations = 10000;
    return spec;
}

TEST(MemoryPlan, KeptCovarianceMatricesAreCountedPerRealization) {
    EnsembleSpec without = bigEnsemble();
    EnsembleSpec with = bigEnsemble();
    with.output.covariances = true;
    const double extra = cpuMemoryPlan(with, 2).bytes_results - cpuMemoryPlan(without, 2).bytes_results;
    EXPECT_DOUBLE_EQ(extra, 10000.0 * 4.0 * 1000.0 * 1000.0 * 8.0);  // R x (x, phi) x (ET, ZF) x N^2 doubles
}

// The frequency-resolved statistics keep, per variable and frequency, kSplitGroups complex n x n sums.
TEST(MemoryPlan, FrequencyResolvedStatisticsAreCountedPerRealizationInFlight) {
    EnsembleSpec without = bigEnsemble();
    EnsembleSpec with = bigEnsemble();
    with.statistics.frequencies = {0.0, 0.5, 1.0};
    const double extra = cpuMemoryPlan(with, 2).bytes_per_worker - cpuMemoryPlan(without, 2).bytes_per_worker;
    EXPECT_GE(extra, 2.0 * 3.0 * 4.0 * 1000.0 * 1000.0 * 16.0);  // (x, phi) x w x groups x N^2 complex
    EXPECT_LT(extra, 1.01 * 2.0 * 3.0 * 4.0 * 1000.0 * 1000.0 * 16.0);
}

TEST(MemoryPlan, ADeviceRunCountsOnlyTheResultsKeptOnTheHost) {
    const MemoryPlan plan = cpuMemoryPlan(bigEnsemble(), 0);
    EXPECT_EQ(plan.total(), plan.bytes_results);
}

TEST(MemoryPlan, ARunOverTheBudgetIsRefusedSayingWhatItNeedsAndWhatThereIs) {
    EnsembleSpec spec = bigEnsemble();
    spec.output.covariances = true;  // 320 GB of matrices
    spec.run.memory_gb = 4.0;
    try {
        checkMemory(spec, cpuMemoryPlan(spec, 2));
        FAIL() << "accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.key(), "ensemble.realizations");
        const std::string what = e.what();
        EXPECT_NE(what.find("the run needs 298."), std::string::npos) << what;
        EXPECT_NE(what.find("the memory budget is 4.00 GiB"), std::string::npos) << what;
    }
}

}  // namespace
}  // namespace quench
