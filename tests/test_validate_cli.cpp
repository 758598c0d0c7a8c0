// `quench validate` as a user runs it: every shipped preset in its --quick form passes its exact
// statistics, writes report.md and validate.json, and bad input exits with status 2 naming the flag.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace {

namespace fs = std::filesystem;
using quench::testing::readFile;
using quench::testing::RunResult;

class ValidateCli : public ::testing::Test {
protected:
    void SetUp() override {
        std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
        std::replace(name.begin(), name.end(), '/', '_');
        root_ =
            fs::temp_directory_path() / ("quench_validate_cli_" + std::to_string(::getpid()) + "_" + name);
        fs::remove_all(root_);
        fs::create_directories(root_ / "work");
    }
    void TearDown() override { fs::remove_all(root_); }

    RunResult validate(const std::vector<std::string>& args) const {
        std::vector<std::string> full = {"validate", "--backend", "cpu", "--out", "out"};
        full.insert(full.end(), args.begin(), args.end());
        return quench::testing::runQuench(root_ / "work", root_, full, 600);
    }
    fs::path out() const { return root_ / "work" / "out"; }
    static std::string preset(const std::string& name) {
        return std::string(QUENCH_SOURCE_DIR) + "/examples/validate/" + name + ".toml";
    }

    fs::path root_;
};

class QuickPreset : public ValidateCli, public ::testing::WithParamInterface<const char*> {};

TEST_P(QuickPreset, PassesEveryExactStatisticAndWritesItsReport) {
    const RunResult r = validate({preset(GetParam()), "--quick", "--no-plots", "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const nlohmann::json doc = nlohmann::json::parse(readFile(out() / "validate.json"));
    EXPECT_EQ(doc["format"], "quench.validate/1");
    EXPECT_EQ(doc["summary"]["exact_verdict"], "PASS");
    EXPECT_GT(doc["summary"]["exact"]["pass"].get<int>(), 0) << "a preset must test something exact";
    EXPECT_TRUE(doc["quick"].get<bool>());
    for (const auto& point : doc["points"])
        for (const auto& run : point["runs"])
            EXPECT_TRUE(fs::exists(out() / run["result"].get<std::string>()));
    const std::string report = readFile(out() / "report.md");
    EXPECT_NE(report.find("Exact statistics:"), std::string::npos);
    EXPECT_NE(report.find("verdict rule"), std::string::npos);
}

// The S_inf + a/N fit treats the sizes as independent, so each size draws its own streams: the first size
// runs on the config's seed (the one validate.json reports), every other size on a seed of its own.
TEST_F(ValidateCli, EverySizeDrawsItsOwnSeed) {
    const RunResult r = validate({preset("linear_iid"), "--quick", "--no-plots", "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const nlohmann::json doc = nlohmann::json::parse(readFile(out() / "validate.json"));
    const auto& runs = doc["points"][0]["runs"];
    ASSERT_GE(runs.size(), 2u);
    std::vector<std::uint64_t> seeds;
    for (const auto& run : runs) {
        const nlohmann::json result =
            nlohmann::json::parse(readFile(out() / run["result"].get<std::string>()));
        seeds.push_back(result["config"]["ensemble"]["seed"].get<std::uint64_t>());
    }
    EXPECT_EQ(seeds.front(), doc["seed"].get<std::uint64_t>());
    for (std::size_t i = 0; i < seeds.size(); ++i)
        for (std::size_t j = i + 1; j < seeds.size(); ++j)
            EXPECT_NE(seeds[i], seeds[j]) << "sizes " << i << ", " << j;
}

INSTANTIATE_TEST_SUITE_P(
    Presets, QuickPreset,
    ::testing::Values("linear_iid", "linear_symmetric", "tanh_transition", "power_law", "pade", "random_mode",
                      "linear_colored", "tanh_colored", "random_mode_rank_power_law",
                      "random_mode_rank_exponential", "random_mode_rank_two_valued", "autocorrelation_tanh",
                      "spectral_pr_linear", "spectral_pr_tanh", "annealed_vs_quenched", "heterogeneous_gains",
                      "low_rank_zscore", "tanh_finite_size", "power_law_finite_size", "pade_finite_size",
                      "tanh_symmetric", "random_mode_overlap", "random_mode_overlap_colored",
                      "random_mode_overlap_tanh", "tanh_symmetric_colored", "power_law_symmetric",
                      "tanh_finite_size_g1", "tanh_zero_diagonal_g1", "tanh_colored_finite_size",
                      "tanh_gains_finite_size", "tanh_time_constants", "tanh_time_constants_zero_diagonal"));

TEST_F(ValidateCli, DrawsThePlotsWhenMatplotlibIsThere) {
    if (std::system("python3 -c 'import matplotlib' > /dev/null 2>&1") != 0)
        GTEST_SKIP() << "python3 with matplotlib is not installed (scripts/install-deps.sh installs it)";
    const RunResult r = validate({preset("linear_iid"), "--quick", "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* png : {"scan_x_equal_time.png", "scan_x_zero_frequency.png",
                            "scaling_coupling.g_0.3.png", "spectrum_coupling.g_0.7.png"})
        EXPECT_TRUE(fs::exists(out() / "plots" / png)) << png;
    EXPECT_NE(readFile(out() / "report.md").find("![plots/scan_x_equal_time.png]"), std::string::npos);
}

TEST_F(ValidateCli, ABadSizeListExitsWithTwoNamingTheFlagAndWritesNothing) {
    const RunResult r = validate({preset("linear_iid"), "--n", "100,abc"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--n"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out() / "validate.json"));
}

TEST_F(ValidateCli, ABadGridPointIsRejectedBeforeAnythingRuns) {
    // g = 1.2 leaves the linear network without a stationary state: the config validation says so.
    const RunResult r = validate({preset("linear_iid"), "--quick", "--scan", "coupling.g=0.5:1.2:0.7"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("coupling.g"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out() / "runs" / "p000_n50.json"));
}

TEST_F(ValidateCli, APresetIsAlsoAnOrdinarySimulateJob) {
    const RunResult r = quench::testing::runQuench(
        root_ / "work", root_,
        {"simulate", preset("linear_iid"), "--set", "network.n=20", "--set", "ensemble.realizations=2",
         "--set", "integration.t_max=160", "--out", "sim", "--quiet"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
