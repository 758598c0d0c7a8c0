// Checkpoint and resume, checked on the built binary: a resumed run gives the same numbers, bit for
// bit, as a run that was never interrupted; SIGINT/SIGTERM leave a checkpoint and exit with status
// 6; a checkpoint of another job, or a file that is not a checkpoint, is refused with status 2 and a
// message naming --resume, the file and (for a different job) the key that differs. `quench inspect`
// summarizes results and checkpoints and refuses other files the same way.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "config/config_loader.hpp"
#include "identical_values.hpp"
#include "io/hdf5_reader.hpp"
#include "io/hdf5_writer.hpp"
#include "quench/backend.hpp"
#include "quench_process.hpp"

namespace quench::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A tiny job (well under a second).
const std::string kJob = R"([network]
n = 16
activation = "tanh"
[coupling]
g = 0.6
[integration]
dt = 0.05
t_burn = 5.0
t_max = 30.0
sample_interval = 0.5
t_bin = 2.0
[ensemble]
realizations = 5
trials = 4
seed = 11
[statistics]
eigenvalues = true
)";

class Resume : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("quench_resume_" + std::to_string(::getpid()) + "_" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root_);
        work_ = root_ / "work";
        fs::create_directories(work_);
        std::ofstream(work_ / "job.toml") << kJob;
    }
    void TearDown() override { fs::remove_all(root_); }

    RunResult quench(std::vector<std::string> args) const { return runQuench(work_, root_, args); }

    // What must be identical between two runs: every realization and the summary (not the date).
    static json numbers(const fs::path& result_json) {
        const json all = json::parse(readFile(result_json));
        return {{"realizations", all.at("realizations")},
                {"summary", all.at("summary")},
                {"config", all.at("config")}};
    }

    // A checkpoint holding the first `done` realizations, made with the library exactly as
    // `quench simulate` makes one.
    void writeCheckpoint(const std::string& name, std::int64_t done,
                         const std::vector<std::string>& overrides) const {
        const EnsembleSpec spec = config::parseConfig(kJob, "job.toml", overrides);
        std::vector<RealizationResult> results;
        if (done > 0) {
            EnsembleSpec part = spec;
            part.ensemble.realizations = done;
            results = makeBackend(BackendKind::Cpu)->run(part, RunControl{});
        }
        const io::ConfigSource source{kJob, "job.toml", overrides, "resumed"};
        io::Provenance provenance;
        provenance.backend = "cpu";
        io::writeHdf5({spec, results, nullptr, &source, provenance}, (work_ / name).string());
    }

    static void expectRefused(const RunResult& r, const std::vector<std::string>& mentions) {
        EXPECT_EQ(r.exit_code, 2) << r.err;
        for (const std::string& m : mentions)
            EXPECT_NE(r.err.find(m), std::string::npos) << m << " not in " << r.err;
    }

    fs::path root_;
    fs::path work_;
};

TEST_F(Resume, ResumingACheckpointEqualsTheUninterruptedRunBitForBit) {
    const RunResult whole = quench({"simulate", "job.toml", "--out", "whole", "--backend", "cpu", "--quiet"});
    ASSERT_EQ(whole.exit_code, 0) << whole.err;
    for (const std::int64_t done : {0, 1, 3, 5}) {
        writeCheckpoint("ck.h5", done, {});
        const RunResult r = quench({"simulate", "--resume", "ck.h5", "--backend", "cpu", "--quiet"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(numbers(work_ / "resumed.json") == numbers(work_ / "whole.json")) << done << " done";
        const io::StoredRun a = io::readHdf5((work_ / "resumed.h5").string());
        const io::StoredRun b = io::readHdf5((work_ / "whole.h5").string());
        ASSERT_EQ(a.realizations.size(), b.realizations.size());
        for (std::size_t i = 0; i < a.realizations.size(); ++i)
            for (int v = 0; v < kVariableCount; ++v)
                for (int c = 0; c < kCovarianceCount; ++c) {
                    EXPECT_TRUE(identicalValues(a.realizations[i].cov[v][c].stats,
                                                b.realizations[i].cov[v][c].stats));
                    EXPECT_TRUE(a.realizations[i].cov[v][c].eigenvalues ==
                                b.realizations[i].cov[v][c].eigenvalues)
                        << "realization " << i << ", " << done << " done";
                }
    }
}

TEST_F(Resume, AResumeMayNameTheSameConfigAndChangeOnlyRunResources) {
    ASSERT_EQ(quench({"simulate", "job.toml", "--out", "whole", "--backend", "cpu", "--quiet"}).exit_code, 0);
    writeCheckpoint("ck.h5", 2, {});
    const RunResult r =
        quench({"simulate", "job.toml", "--resume", "ck.h5", "--out", "again", "--backend", "cpu", "--set",
                "run.threads=1", "--set", "run.checkpoint_every_realizations=1", "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json a = numbers(work_ / "again.json");
    json b = numbers(work_ / "whole.json");
    a["config"].erase("run");
    b["config"].erase("run");
    EXPECT_TRUE(a == b) << "the resumed result differs from the uninterrupted one";
}

TEST_F(Resume, AResumeWithADifferentJobIsRefusedNamingTheKey) {
    writeCheckpoint("ck.h5", 2, {});
    expectRefused(quench({"simulate", "job.toml", "--resume", "ck.h5", "--set", "coupling.g=0.7"}),
                  {"quench: error: --resume = ck.h5", "coupling.g = 0.6", "coupling.g = 0.7"});
    expectRefused(quench({"simulate", "--resume", "ck.h5", "--set", "ensemble.seed=12"}),
                  {"--resume = ck.h5", "ensemble.seed"});
    expectRefused(quench({"simulate", "--resume", "ck.h5", "--set", "output.covariances=true"}),
                  {"--resume = ck.h5", "output.covariances"});
    EXPECT_FALSE(fs::exists(work_ / "resumed.json"));
}

TEST_F(Resume, FilesThatAreNotCheckpointsAreRefused) {
    std::ofstream(work_ / "notes.txt") << "hello\n";
    expectRefused(quench({"simulate", "--resume", "notes.txt"}),
                  {"--resume = notes.txt", "not an HDF5 file"});
    expectRefused(quench({"simulate", "--resume", "absent.h5"}), {"--resume = absent.h5", "no such file"});
    ASSERT_EQ(quench({"simulate", "job.toml", "--out", "done", "--quiet"}).exit_code, 0);
    expectRefused(quench({"simulate", "--resume", "done.h5"}), {"--resume = done.h5", "not a checkpoint"});
    writeCheckpoint("ck.h5", 2, {});
    fs::resize_file(work_ / "ck.h5", fs::file_size(work_ / "ck.h5") / 2);
    expectRefused(quench({"simulate", "--resume", "ck.h5"}), {"--resume = ck.h5"});
}

// Starts a run that writes a checkpoint after every realization, signals it as soon as the first
// checkpoint exists, and resumes it. On the CPU backend, whose checkpoints are per realization and
// whose results do not depend on how the realizations are grouped; the CUDA backend checkpoints per
// wave, and its FP32 results depend on the wave size in the last bits (see test_cpu_vs_cuda.cpp).
void interruptAndResume(const fs::path& work, int signal_number) {
    const fs::path logs = work.parent_path();
    std::ofstream(work / "slow.toml") << kJob << "[run]\nthreads = 1\ncheckpoint_every_realizations = 1\n";
    const std::vector<std::string> slow = {"simulate",  "slow.toml",
                                           "--out",     "slow",
                                           "--backend", "cpu",
                                           "--set",     "integration.t_max=400.0",
                                           "--set",     "ensemble.realizations=12"};
    const RunResult whole = runQuench(work, logs, [&] {
        std::vector<std::string> a = slow;
        a[3] = "whole";
        a.push_back("--quiet");
        return a;
    }());
    ASSERT_EQ(whole.exit_code, 0) << whole.err;

    QuenchProcess run(work, logs, slow);
    const fs::path checkpoint = work / "slow.checkpoint.h5";
    while (!fs::exists(checkpoint)) {
        ASSERT_FALSE(run.exited()) << "the run ended before it wrote a checkpoint";
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ::kill(run.pid(), signal_number);
    const RunResult stopped = run.wait();
    ASSERT_EQ(stopped.exit_code, 6) << stopped.err;
    EXPECT_NE(stopped.err.find("quench simulate --resume slow.checkpoint.h5"), std::string::npos)
        << stopped.err;
    EXPECT_FALSE(fs::exists(work / "slow.json"));
    const io::StoredRun stored = io::readHdf5(checkpoint.string());
    EXPECT_GE(stored.realizations.size(), 1u);
    EXPECT_LT(stored.realizations.size(), 12u);

    const RunResult resumed =
        runQuench(work, logs, {"simulate", "--resume", "slow.checkpoint.h5", "--backend", "cpu", "--quiet"});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    json a = json::parse(readFile(work / "slow.json"));
    json b = json::parse(readFile(work / "whole.json"));
    EXPECT_TRUE(a.at("realizations") == b.at("realizations")) << "realizations differ after the resume";
    EXPECT_TRUE(a.at("summary") == b.at("summary")) << "summaries differ after the resume";
    EXPECT_FALSE(fs::exists(checkpoint)) << "the finished result supersedes the checkpoint";
}

TEST_F(Resume, SigintWritesACheckpointAndTheResumedRunIsIdentical) {
    interruptAndResume(work_, SIGINT);
}

TEST_F(Resume, SigtermWritesACheckpointAndTheResumedRunIsIdentical) {
    interruptAndResume(work_, SIGTERM);
}

TEST_F(Resume, InspectSummarizesResultsAndCheckpointsAndRefusesOtherFiles) {
    ASSERT_EQ(quench({"simulate", "job.toml", "--out", "done", "--quiet"}).exit_code, 0);
    const RunResult result = quench({"inspect", "done.h5"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    for (const char* text : {"quench result (quench.simulate/1)", "N = 16", "R = 5 realizations", "seed 11",
                             "/realizations (5 rows, with eigenvalues)", "auto_mean"})
        EXPECT_NE(result.out.find(text), std::string::npos) << text << " not in\n" << result.out;
    writeCheckpoint("ck.h5", 2, {});
    const RunResult checkpoint = quench({"inspect", "ck.h5"});
    ASSERT_EQ(checkpoint.exit_code, 0) << checkpoint.err;
    EXPECT_NE(checkpoint.out.find("2 of 5 realizations complete"), std::string::npos) << checkpoint.out;
    std::ofstream(work_ / "notes.txt") << "hello\n";
    expectRefused(quench({"inspect", "notes.txt"}), {"quench: error: FILE = notes.txt", "not an HDF5 file"});
}

}  // namespace
}  // namespace quench::testing
