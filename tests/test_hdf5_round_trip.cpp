// PREFIX.h5 and checkpoints hold every field of a run exactly: what readHdf5 returns equals what
// writeHdf5 was given, bit for bit (NaN statistics included); files that are not quench HDF5 files
// are refused with a message naming the file.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "config/config_loader.hpp"
#include "io/hdf5_handle.hpp"
#include "io/hdf5_reader.hpp"
#include "io/hdf5_writer.hpp"

namespace quench::io {
namespace {

namespace fs = std::filesystem;

bool sameBits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

void expectSameBits(const std::vector<double>& a, const std::vector<double>& b, const std::string& what) {
    ASSERT_EQ(a.size(), b.size()) << what;
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(sameBits(a[i], b[i])) << what << "[" << i << "]";
}

// Distinct, awkward values in every field: irrational fractions, a NaN, an infinity, a negative zero.
std::vector<RealizationResult> fabricatedResults(const EnsembleSpec& spec, bool spectra, bool matrices) {
    const int n = spec.network.n;
    std::vector<RealizationResult> results;
    for (std::int64_t r = 0; r < spec.ensemble.realizations; ++r) {
        RealizationResult out;
        out.realization = spec.ensemble.first_realization + r;
        out.coupling_effective_rank = std::sqrt(2.0) * static_cast<double>(r + 1);
        out.samples = 1000 + r;
        out.bins = 50 + r;
        for (int v = 0; v < kVariableCount; ++v)
            for (int c = 0; c < kCovarianceCount; ++c) {
                CovarianceResult& cov = out.cov[v][c];
                for (int s = 0; s < kStatisticCount; ++s)
                    cov.stats[s] = std::exp(0.1 * s + v - c) / (r + 3.0);
                if (spectra)
                    for (int i = 0; i < n; ++i)
                        cov.eigenvalues.push_back(std::log1p(i + r + 0.5 * v + 0.25 * c));
                if (matrices)
                    for (int i = 0; i < n * n; ++i) cov.matrix.push_back(std::sin(i + 7.0 * r + v + 3.0 * c));
            }
        for (const char* name : {"x.autocorrelation", "phi.autocorrelation"}) {
            Series series{name, "tau", {}, {}};
            for (int k = 0; k < 4; ++k) {
                series.at.push_back(0.2 * k);
                series.values.push_back(std::exp(-0.3 * k) / (r + std::sqrt(3.0)));
            }
            out.series.push_back(series);
        }
        results.push_back(out);
    }
    results[0].series[1].values[2] = std::numeric_limits<double>::quiet_NaN();
    results[0].cov[1][1].stats[4] = std::numeric_limits<double>::quiet_NaN();
    results[0].cov[0][1].stats[5] = std::numeric_limits<double>::infinity();
    results[0].cov[0][0].stats[6] = -0.0;
    return results;
}

EnsembleSpec smallSpec() {
    return config::parseConfig(config::defaultConfigToml(), "<test>",
                               {"network.n=5", "ensemble.realizations=3", "ensemble.first_realization=7",
                                "statistics.eigenvalues=true", "output.covariances=true", "coupling.g=0.3"});
}

Provenance someProvenance() {
    Provenance p;
    p.backend = "cpu";
    p.backend_description = "a test CPU, \"quoted\", ünïcode";
    p.device = "test device";
    p.hostname = "host";
    p.date_utc = "2026-11-26T00:00:00Z";
    p.command_line = "quench simulate --set a=b";
    p.wall_seconds = 1.0 / 3.0;
    p.ranks = 3;
    return p;
}

void expectSameRealizations(const std::vector<RealizationResult>& a,
                            const std::vector<RealizationResult>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t r = 0; r < a.size(); ++r) {
        EXPECT_EQ(a[r].realization, b[r].realization);
        EXPECT_TRUE(sameBits(a[r].coupling_effective_rank, b[r].coupling_effective_rank));
        EXPECT_EQ(a[r].samples, b[r].samples);
        EXPECT_EQ(a[r].bins, b[r].bins);
        for (int v = 0; v < kVariableCount; ++v)
            for (int c = 0; c < kCovarianceCount; ++c) {
                const CovarianceResult& x = a[r].cov[v][c];
                const CovarianceResult& y = b[r].cov[v][c];
                expectSameBits({x.stats.begin(), x.stats.end()}, {y.stats.begin(), y.stats.end()}, "stats");
                expectSameBits(x.eigenvalues, y.eigenvalues, "eigenvalues");
                expectSameBits(x.matrix, y.matrix, "matrix");
            }
        ASSERT_EQ(a[r].series.size(), b[r].series.size());
        for (std::size_t k = 0; k < a[r].series.size(); ++k) {
            EXPECT_EQ(a[r].series[k].name, b[r].series[k].name);
            EXPECT_EQ(a[r].series[k].abscissa, b[r].series[k].abscissa);
            expectSameBits(a[r].series[k].at, b[r].series[k].at, "series abscissa");
            expectSameBits(a[r].series[k].values, b[r].series[k].values, "series values");
        }
    }
}

class Hdf5RoundTrip : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("quench_hdf5_" + std::to_string(::getpid()) + "_" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string path(const std::string& name) const { return (dir_ / name).string(); }
    fs::path dir_;
};

TEST_F(Hdf5RoundTrip, EveryFieldOfAResultComesBackBitForBit) {
    const EnsembleSpec spec = smallSpec();
    const std::vector<RealizationResult> results = fabricatedResults(spec, true, true);
    const EnsembleSummary summary = summarize(results);
    const Provenance p = someProvenance();
    writeHdf5({spec, results, &summary, nullptr, p}, path("run.h5"));

    const StoredRun stored = readHdf5(path("run.h5"));
    EXPECT_EQ(stored.format, kResultFormat);
    EXPECT_EQ(stored.provenance.at("backend"), p.backend);
    EXPECT_EQ(stored.provenance.at("backend_description"), p.backend_description);
    EXPECT_EQ(stored.provenance.at("device"), p.device);
    EXPECT_EQ(stored.provenance.at("hostname"), p.hostname);
    EXPECT_EQ(stored.provenance.at("date_utc"), p.date_utc);
    EXPECT_EQ(stored.provenance.at("command_line"), p.command_line);
    EXPECT_FALSE(stored.provenance.at("quench_version").empty());
    EXPECT_FALSE(stored.provenance.at("quench_commit").empty());
    EXPECT_TRUE(sameBits(stored.wall_seconds, p.wall_seconds));
    EXPECT_EQ(stored.ranks, 3);
    EXPECT_EQ(stored.seed, spec.ensemble.seed);
    EXPECT_EQ(stored.realizations_total, 3);
    EXPECT_EQ(stored.config, config::configToJson(spec));
    EXPECT_FALSE(stored.source.has_value());
    expectSameRealizations(stored.realizations, results);
    ASSERT_TRUE(stored.summary.has_value());
    for (int v = 0; v < kVariableCount; ++v)
        for (int c = 0; c < kCovarianceCount; ++c)
            for (int s = 0; s < kStatisticCount; ++s) {
                const Estimate& a = stored.summary->est[v][c][s];
                const Estimate& b = summary.est[v][c][s];
                EXPECT_TRUE(sameBits(a.mean, b.mean) && sameBits(a.sem, b.sem) &&
                            sameBits(a.median, b.median) && sameBits(a.var, b.var))
                    << v << c << s;
                EXPECT_EQ(a.count, b.count);
            }
    ASSERT_EQ(stored.summary->series.size(), summary.series.size());
    for (std::size_t k = 0; k < summary.series.size(); ++k) {
        const SeriesSummary& a = stored.summary->series[k];
        const SeriesSummary& b = summary.series[k];
        EXPECT_EQ(a.name, b.name);
        EXPECT_EQ(a.abscissa, b.abscissa);
        expectSameBits(a.at, b.at, "summary abscissa");
        ASSERT_EQ(a.points.size(), b.points.size());
        for (std::size_t i = 0; i < a.points.size(); ++i) {
            EXPECT_TRUE(sameBits(a.points[i].mean, b.points[i].mean) &&
                        sameBits(a.points[i].sem, b.points[i].sem) &&
                        sameBits(a.points[i].median, b.points[i].median) &&
                        sameBits(a.points[i].var, b.points[i].var))
                << a.name << "[" << i << "]";
            EXPECT_EQ(a.points[i].count, b.points[i].count);
        }
    }
}

TEST_F(Hdf5RoundTrip, ACheckpointKeepsItsConfigSourceAndPartialRealizations) {
    EnsembleSpec spec = smallSpec();
    spec.ensemble.realizations = 3;
    std::vector<RealizationResult> done = fabricatedResults(spec, false, false);
    done.resize(2);  // two of three complete
    ConfigSource source{"[network]\nn = 5\n", "job.toml", {"coupling.g=0.3", "ensemble.seed=9"}, "out/run"};
    writeHdf5({spec, done, nullptr, &source, someProvenance()}, path("ck.h5"));

    const StoredRun stored = readHdf5(path("ck.h5"));
    EXPECT_EQ(stored.format, kCheckpointFormat);
    ASSERT_TRUE(stored.source.has_value());
    EXPECT_EQ(stored.source->toml, source.toml);
    EXPECT_EQ(stored.source->name, source.name);
    EXPECT_EQ(stored.source->overrides, source.overrides);
    EXPECT_EQ(stored.source->out_prefix, source.out_prefix);
    EXPECT_EQ(stored.realizations_total, 3);
    EXPECT_FALSE(stored.summary.has_value());
    expectSameRealizations(stored.realizations, done);
}

TEST_F(Hdf5RoundTrip, ACheckpointWithNoRealizationYetIsValid) {
    const EnsembleSpec spec = smallSpec();
    const std::vector<RealizationResult> none;
    const ConfigSource source{"", "<embedded default>", {}, "results/simulate"};
    writeHdf5({spec, none, nullptr, &source, someProvenance()}, path("empty.h5"));
    EXPECT_TRUE(readHdf5(path("empty.h5")).realizations.empty());
}

TEST_F(Hdf5RoundTrip, WritingLeavesOnlyTheTargetBehind) {
    const EnsembleSpec spec = smallSpec();
    const std::vector<RealizationResult> results = fabricatedResults(spec, false, false);
    const EnsembleSummary summary = summarize(results);
    writeHdf5({spec, results, &summary, nullptr, someProvenance()}, path("a.h5"));
    writeHdf5({spec, results, &summary, nullptr, someProvenance()}, path("a.h5"));  // over an old one
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    EXPECT_EQ(names, std::vector<std::string>{"a.h5"});
}

void expectRefused(const std::string& file, const std::string& mention) {
    try {
        readHdf5(file);
        ADD_FAILURE() << "read " << file;
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find(file), std::string::npos) << what;
        EXPECT_NE(what.find(mention), std::string::npos) << what;
    }
}

TEST_F(Hdf5RoundTrip, FilesThatAreNotQuenchHdf5AreRefusedNamingTheFile) {
    std::ofstream(path("text.h5")) << "not an HDF5 file\n";
    expectRefused(path("text.h5"), "not an HDF5 file");
    expectRefused(path("missing.h5"), "no such file");
    {
        Hdf5Handle foreign = createFile(path("foreign.h5"));  // valid HDF5, not written by quench
    }
    expectRefused(path("foreign.h5"), "not written by quench");
}

TEST_F(Hdf5RoundTrip, ATruncatedFileIsRefused) {
    const EnsembleSpec spec = smallSpec();
    const std::vector<RealizationResult> results = fabricatedResults(spec, true, true);
    const EnsembleSummary summary = summarize(results);
    writeHdf5({spec, results, &summary, nullptr, someProvenance()}, path("whole.h5"));
    const auto size = fs::file_size(path("whole.h5"));
    for (const double keep : {0.9, 0.5, 0.1}) {
        fs::copy_file(path("whole.h5"), path("cut.h5"), fs::copy_options::overwrite_existing);
        fs::resize_file(path("cut.h5"), static_cast<std::uintmax_t>(keep * static_cast<double>(size)));
        EXPECT_THROW(readHdf5(path("cut.h5")), std::runtime_error) << keep;
    }
}

}  // namespace
}  // namespace quench::io
