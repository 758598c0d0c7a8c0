// The command-line contract of `quench theory`, checked on the built binary:
//   quench theory [CONFIG.toml] [--set k=v ...] [--scan key=start:stop:step ...] [--out PREFIX] [--quiet]
// One CSV row and one JSON point per grid point; JSON nested variable -> covariance -> statistic as in
// `quench simulate`; a bad --scan exits with status 2 and names the key, writing nothing.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include "cli_runner.hpp"

namespace {

namespace fs = std::filesystem;

using quench::testing::readFile;
using quench::testing::RunResult;

class TheoryCli : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("quench_theory_cli_" + std::to_string(::getpid()) + "_" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root_);
        fs::create_directories(root_ / "work");
    }
    void TearDown() override { fs::remove_all(root_); }

    RunResult theory(const std::vector<std::string>& args) const {
        std::vector<std::string> full = {"theory", "--quiet", "--out", "result"};
        full.insert(full.end(), args.begin(), args.end());
        return quench::testing::runQuench(root_ / "work", root_, full);
    }

    fs::path output(const std::string& extension) const { return root_ / "work" / ("result" + extension); }

    fs::path root_;
};

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    for (std::string line; std::getline(ss, line);) out.push_back(line);
    return out;
}

TEST_F(TheoryCli, AScanMayListItsValues) {
    const RunResult r = theory({"--set", "network.activation=linear", "--scan", "noise.tau=0.1,1,10"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto rows = lines(readFile(output(".csv")));
    ASSERT_EQ(rows.size(), 1u + 3);
    const auto first = [](const std::string& row) { return std::stod(row.substr(0, row.find(','))); };
    EXPECT_DOUBLE_EQ(first(rows[1]), 0.1);
    EXPECT_DOUBLE_EQ(first(rows[2]), 1.0);
    EXPECT_DOUBLE_EQ(first(rows[3]), 10.0);
    EXPECT_NE(theory({"--scan", "noise.tau=0.1,,10"}).exit_code, 0);
}

TEST_F(TheoryCli, AScanOfOneValueIsAOnePointGrid) {
    const RunResult r = theory({"--scan", "coupling.g=1.5"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto rows = lines(readFile(output(".csv")));
    ASSERT_EQ(rows.size(), 1u + 1);
    EXPECT_DOUBLE_EQ(std::stod(rows[1].substr(0, rows[1].find(','))), 1.5);
    EXPECT_NE(theory({"--scan", "coupling.g=abc"}).exit_code, 0);
}

TEST_F(TheoryCli, AScanWritesOneCsvRowPerGridPoint) {
    const RunResult r = theory({"--scan", "coupling.g=0.2:1.0:0.2", "--scan", "noise.sigma=0.5:1.0:0.5"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto rows = lines(readFile(output(".csv")));
    ASSERT_EQ(rows.size(), 1u + 5 * 2);  // header + 5 g values x 2 sigma values
    EXPECT_EQ(rows[0].rfind("coupling.g,noise.sigma,route,delta0,gamma,g_eff,stability_margin", 0), 0u)
        << rows[0];
    EXPECT_NE(rows[0].find("phi.zero_frequency.pr_over_n"), std::string::npos);
    EXPECT_NE(rows[0].find("x.equal_time.n_cross_var"), std::string::npos);
    for (const char* column : {"x.zero_frequency.z_cross_mean", "x.zero_frequency.z_n_cross_var",
                               "x.zero_frequency.z_m2", "x.zero_frequency.z_pr_over_n"})
        EXPECT_NE(rows[0].find(column), std::string::npos) << column;
}

TEST_F(TheoryCli, JsonNestsVariableCovarianceStatisticWithTags) {
    const RunResult r = theory({"--scan", "coupling.g=0.5:0.8:0.3"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(readFile(output(".json")));
    EXPECT_EQ(j["format"], "quench.theory/1");
    ASSERT_EQ(j["points"].size(), 2u);
    const auto& point = j["points"][1];
    EXPECT_DOUBLE_EQ(point["parameters"]["coupling.g"].get<double>(), 0.8);
    EXPECT_NEAR(point["phi"]["zero_frequency"]["pr_over_n"]["value"].get<double>(), 0.4776, 1e-4);
    EXPECT_EQ(point["phi"]["zero_frequency"]["pr_over_n"]["tag"], "linear_equivalence");
    EXPECT_EQ(point["x"]["equal_time"]["auto_mean"]["tag"], "exact");
    // z-scored statistics are derived from the covariance statistics: PR(R)/N = PR(C)/N at large N.
    EXPECT_EQ(point["phi"]["zero_frequency"]["z_pr_over_n"]["value"],
              point["phi"]["zero_frequency"]["pr_over_n"]["value"]);
    EXPECT_EQ(point["phi"]["zero_frequency"]["z_pr_over_n"]["tag"], "derived");
    EXPECT_EQ(point["x"]["zero_frequency"]["z_cross_mean"]["tag"], "exact");
    for (const char* key : {"delta0", "gamma", "g_eff", "stability_margin"})
        EXPECT_TRUE(point.contains(key)) << key;
    ASSERT_FALSE(point["omitted"].empty());
    for (const auto& o : point["omitted"]) EXPECT_FALSE(o["reason"].get<std::string>().empty()) << o["name"];
}

TEST_F(TheoryCli, LinearNetworksCarryTheirZeroFrequencyDensity) {
    const RunResult r = theory({"--set", "network.activation=linear", "--scan", "coupling.g=0.2:0.8:0.3"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(readFile(output(".json")));
    ASSERT_EQ(j["points"].size(), 3u);
    for (const auto& point : j["points"]) {
        EXPECT_EQ(point["route"], "linear");
        EXPECT_EQ(point["x"]["zero_frequency"]["eigenvalue_density"]["density"].size(), 101u);
    }
}

// The config validation (shared with quench simulate) rejects a linear network without a stationary
// state; predict() itself would omit its statistics with a reason (tests/theory/test_prediction.cpp).
TEST_F(TheoryCli, ALinearScanPastTheInstabilityIsRejectedByTheConfigValidation) {
    const RunResult r = theory({"--set", "network.activation=linear", "--scan", "coupling.g=0.5:1.5:0.5"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("coupling.g"), std::string::npos) << r.err;
}

TEST_F(TheoryCli, OrderOneAddsTheOneOverNCoefficientBesideEachStatistic) {
    const RunResult r = theory({"--set", "network.activation=linear", "--order", "1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(readFile(output(".json")));
    const auto& point = j["points"][0];
    const auto& pr = point["x"]["zero_frequency"]["pr_over_n"];
    EXPECT_NEAR(pr["value"].get<double>(), 0.5625, 1e-12);
    EXPECT_NEAR(pr["one_over_n"]["value"].get<double>(), -0.9375, 1e-12);  // -g^2 (2 + 7 g^2), g = 0.5
    EXPECT_EQ(pr["one_over_n"]["tag"], "exact");
    EXPECT_TRUE(point["phi"]["equal_time"]["n_cross_var"].contains("one_over_n"));
    EXPECT_TRUE(point["x"]["equal_time"]["auto_var"].contains("one_over_n"));
    bool m3_reason = false;
    for (const auto& o : point["omitted"])
        m3_reason |= o["name"] == "x.zero_frequency.m3.one_over_n" && !o["reason"].get<std::string>().empty();
    EXPECT_TRUE(m3_reason);
    const std::string header = lines(readFile(output(".csv")))[0];
    EXPECT_NE(header.find("x.zero_frequency.pr_over_n,x.zero_frequency.pr_over_n.one_over_n"),
              std::string::npos)
        << header;
    EXPECT_NE(header.find("phi.equal_time.n_cross_var.one_over_n"), std::string::npos);
}

TEST_F(TheoryCli, OrderZeroIsTheDefaultAndHasNoOneOverNTerms) {
    const RunResult r = theory({"--set", "network.activation=linear"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(readFile(output(".csv")).find("one_over_n"), std::string::npos);
    EXPECT_EQ(readFile(output(".json")).find("one_over_n"), std::string::npos);
}

TEST_F(TheoryCli, AnOrderOtherThanZeroOrOneIsRejected) {
    const RunResult r = theory({"--order", "2"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_FALSE(fs::exists(output(".json")));
}

TEST_F(TheoryCli, ABadScanExitsWithTwoAndNamesTheKey) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"--scan", "coupling.gain=0.1:1:0.1"},
          {"--scan", "coupling.g=-1:1:0.5"},
          {"--scan", "noise.sigma=1:0.5:0.1"},
          {"--scan", "noise.sigma=0.1:x:0.1"}}) {
        const RunResult r = theory(args);
        EXPECT_EQ(r.exit_code, 2) << args[1];
        EXPECT_EQ(r.err.rfind("quench: error: ", 0), 0u) << r.err;
        const std::string key = args[1].substr(0, args[1].find('='));
        EXPECT_NE(r.err.find(key), std::string::npos) << r.err;
        EXPECT_FALSE(fs::exists(output(".json"))) << args[1];
    }
}

TEST_F(TheoryCli, TheConfigMayFollowTheScan) {
    const RunResult r = theory(
        {"--scan", "coupling.g=0.1:0.3:0.1", std::string(QUENCH_SOURCE_DIR) + "/examples/linear_iid.toml"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(lines(readFile(output(".csv"))).size(), 4u);
    EXPECT_NE(readFile(output(".csv")).find(",linear,"), std::string::npos);
}

// The curves of the temporal statistics the config asks for: the DMFT autocorrelation starts at Delta0.
TEST_F(TheoryCli, TheCurvesOfTheRequestedTemporalStatisticsAreInTheJson) {
    const RunResult r =
        theory({"--set", "statistics.autocorrelation=true", "--set", "statistics.tau_max=2", "--set",
                "statistics.lag_interval=0.5", "--set", "statistics.frequencies=[0, 1]"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto point = nlohmann::json::parse(readFile(output(".json")))["points"][0];
    ASSERT_TRUE(point.contains("series"));
    bool found = false;
    for (const auto& c : point["series"]) {
        if (c["name"] != "x.autocorrelation") continue;
        found = true;
        EXPECT_EQ(c["tag"], "exact");
        EXPECT_EQ(c["at"].size(), 5u);
        EXPECT_NEAR(c["values"][0].get<double>(), point["delta0"]["value"].get<double>(), 1e-3);
    }
    EXPECT_TRUE(found);
    // Without temporal statistics there are no curves.
    ASSERT_EQ(theory({}).exit_code, 0);
    EXPECT_FALSE(nlohmann::json::parse(readFile(output(".json")))["points"][0].contains("series"));
}

TEST_F(TheoryCli, HelpDocumentsEveryColumnAndTag) {
    const RunResult r = theory({"--help"});
    EXPECT_EQ(r.exit_code, 0);
    for (const char* word : {"delta0",
                             "gamma",
                             "g_eff",
                             "stability_margin",
                             "chaotic",
                             "pr_over_n",
                             "n_cross_var",
                             "auto_mean",
                             "cross_mean",
                             "m3",
                             "z_cross_mean",
                             "z_n_cross_var",
                             "z_pr_over_n",
                             "z_m2",
                             "eigenvalue_density",
                             "exact",
                             "linear_equivalence",
                             "derived",
                             "route",
                             "series"})
        EXPECT_NE(r.out.find(word), std::string::npos) << word;
}

}  // namespace
