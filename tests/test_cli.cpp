// The command-line contract of `quench simulate`, checked on the built binary:
//   quench simulate CONFIG.toml [--set k=v ...] [--out PREFIX] [--backend cpu|cuda|auto] [--quiet]
// A config or CLI mistake exits with status 2 and one stderr line "quench: error: ..." naming the key
// and the bad value, and leaves no output file (not even a temporary) behind.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_runner.hpp"
#include "config/config_keys.hpp"

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kErrorPrefix = "quench: error: ";

// A complete, tiny job (about a second of CPU time).
const std::string kTinyJob = R"(
[network]
n = 20
activation = "tanh"
[coupling]
g = 0.5
[integration]
dt = 0.05
t_burn = 10.0
t_max = 40.0
sample_interval = 0.5
t_bin = 2.0
[ensemble]
realizations = 2
trials = 4
seed = 3
)";

using quench::testing::readFile;
using quench::testing::RunResult;
using quench::testing::shellQuote;

// Each test gets a fresh working directory for the binary and a separate one for its captured output,
// so that the working directory shows exactly what quench left behind.
class Cli : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = info->name();  // parameterized names contain '/'
        std::replace(name.begin(), name.end(), '/', '_');
        root_ = fs::temp_directory_path() / ("quench_cli_" + std::to_string(::getpid()) + "_" + name);
        fs::remove_all(root_);
        work_ = root_ / "work";
        fs::create_directories(work_);
        fs::create_directories(root_ / "logs");
    }
    void TearDown() override { fs::remove_all(root_); }

    void writeConfig(const std::string& text, const std::string& name = "job.toml") const {
        std::ofstream(work_ / name) << text;
    }

    RunResult run(const std::vector<std::string>& args) const {
        return quench::testing::runQuench(work_, root_ / "logs", args);
    }

    RunResult simulate(std::vector<std::string> extra) const {
        std::vector<std::string> args = {"simulate",  "job.toml", "--out",  "result",
                                         "--backend", "cpu",      "--quiet"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run(args);
    }

    // Names of everything in the working directory except the config files the test wrote.
    std::vector<std::string> leftovers() const {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(work_)) {
            if (entry.path().extension() != ".toml") names.push_back(entry.path().filename().string());
        }
        return names;
    }

    // The contract for every config or CLI mistake.
    void expectUsageError(const RunResult& r, const std::vector<std::string>& must_mention) const {
        EXPECT_EQ(r.exit_code, 2) << r.err;
        std::istringstream lines(r.err);
        std::string line, error_line;
        int error_lines = 0;
        while (std::getline(lines, line)) {
            if (line.rfind(kErrorPrefix, 0) == 0) {
                ++error_lines;
                error_line = line;
            }
        }
        EXPECT_EQ(error_lines, 1) << "stderr:\n" << r.err;
        for (const auto& text : must_mention) {
            EXPECT_NE(error_line.find(text), std::string::npos) << "'" << text << "' not in: " << error_line;
        }
        EXPECT_TRUE(leftovers().empty()) << "left behind: " << ::testing::PrintToString(leftovers());
    }

    fs::path root_;
    fs::path work_;
};

std::string withoutLine(const std::string& text, const std::string& line) {
    std::string out = text;
    const auto at = out.find(line + "\n");
    if (at != std::string::npos) out.erase(at, line.size() + 1);
    return out;
}

TEST_F(Cli, SimulateWritesJsonCsvAndHdf5AndNothingElse) {
    writeConfig(kTinyJob);
    const RunResult r = simulate({});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* name : {"result.json", "result.csv", "result.h5"}) {
        EXPECT_TRUE(fs::is_regular_file(work_ / name)) << name;
        EXPECT_GT(fs::file_size(work_ / name), 0u) << name;
    }
    EXPECT_EQ(leftovers().size(), 3u) << ::testing::PrintToString(leftovers());
}

TEST_F(Cli, MissingRequiredKeyIsAUsageError) {
    writeConfig(withoutLine(kTinyJob, "g = 0.5"));
    expectUsageError(simulate({}), {"coupling.g", "required"});
}

TEST_F(Cli, WrongTypeIsAUsageError) {
    writeConfig(kTinyJob);
    expectUsageError(simulate({"--set", "network.n=\"many\""}), {"network.n", "many"});
}

TEST_F(Cli, ZeroNeuronsIsAUsageError) {
    writeConfig(kTinyJob);
    expectUsageError(simulate({"--set", "network.n=0"}), {"network.n", "0"});
}

TEST_F(Cli, NegativeNeuronsIsAUsageError) {
    writeConfig(kTinyJob);
    expectUsageError(simulate({"--set", "network.n=-5"}), {"network.n", "-5"});
}

TEST_F(Cli, ZeroTimeStepIsAUsageError) {
    writeConfig(kTinyJob);
    expectUsageError(simulate({"--set", "integration.dt=0"}), {"integration.dt", "0"});
}

TEST_F(Cli, UnknownActivationIsAUsageError) {
    writeConfig(kTinyJob);
    expectUsageError(simulate({"--set", "network.activation=sigmoid"}), {"network.activation", "sigmoid"});
}

TEST_F(Cli, UnstableLinearNetworkIsAUsageError) {
    writeConfig(kTinyJob);
    expectUsageError(simulate({"--set", "network.activation=linear", "--set", "coupling.g=1.2"}),
                     {"coupling.g", "1.2"});
}

TEST_F(Cli, AJobBeyondTheMemoryBudgetFailsQuicklyNamingTheNetworkSize) {
    writeConfig(kTinyJob);
    const RunResult r = simulate({"--set", "network.n=200000"});
    expectUsageError(r, {"network.n", "200000"});
    EXPECT_LT(r.seconds, 10.0) << "the memory plan must be checked before anything is allocated";
}

TEST_F(Cli, UnwritableOutputPathIsAUsageError) {
    writeConfig(kTinyJob);
    const RunResult r =
        run({"simulate", "job.toml", "--out", "/proc/nonexistent/x", "--backend", "cpu", "--quiet"});
    expectUsageError(r, {"/proc/nonexistent/x"});
}

TEST_F(Cli, MissingConfigFileIsAUsageError) {
    expectUsageError(run({"simulate", "no_such_job.toml", "--out", "result", "--quiet"}),
                     {"no_such_job.toml"});
}

TEST_F(Cli, UnknownFlagIsAUsageError) {
    writeConfig(kTinyJob);
    const RunResult r = simulate({"--frobnicate"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(leftovers().empty()) << ::testing::PrintToString(leftovers());
}

TEST_F(Cli, SimulateHelpDocumentsEveryConfigKey) {
    const RunResult r = run({"simulate", "--help"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::string text = r.out + r.err;
    for (const auto& key : quench::config::configKeys()) {
        EXPECT_NE(text.find(key.name), std::string::npos) << key.name << " missing from simulate --help";
    }
}

// Every example except default.toml (about 10 s on 2 idle cores) runs in a couple of seconds.
class CliExample : public Cli, public ::testing::WithParamInterface<const char*> {};

TEST_P(CliExample, RunsAndWritesItsResults) {
    const std::string source = std::string(QUENCH_SOURCE_DIR) + "/examples/" + GetParam() + ".toml";
    const RunResult r = run({"simulate", source, "--out", "result", "--backend", "cpu", "--quiet"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::is_regular_file(work_ / "result.json"));
    EXPECT_TRUE(fs::is_regular_file(work_ / "result.csv"));
}

INSTANTIATE_TEST_SUITE_P(Examples, CliExample,
                         ::testing::Values("linear_iid", "tanh_chaos", "power_law", "pade",
                                           "partial_symmetry", "random_mode", "colored_noise"));

TEST_F(Cli, InfoExitsCleanly) {
    const RunResult r = run({"info"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(r.out.empty());
}

}  // namespace
