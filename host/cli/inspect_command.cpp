// `quench inspect FILE`: what a quench HDF5 file (result or checkpoint) holds, without h5py.
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "cli/summary_table.hpp"
#include "io/hdf5_reader.hpp"

namespace quench::cli {

namespace {

std::string configValue(const nlohmann::json& config, const char* section, const char* key) {
    const nlohmann::json value = config.value(section, nlohmann::json::object()).value(key, nlohmann::json());
    return value.is_string() ? value.get<std::string>() : value.dump();
}

bool holdsSpectra(const io::StoredRun& run) {
    return !run.realizations.empty() && !run.realizations.front().cov[0][0].eigenvalues.empty();
}

bool holdsMatrices(const io::StoredRun& run) {
    return !run.realizations.empty() && !run.realizations.front().cov[0][0].matrix.empty();
}

void printHeader(const std::string& path, const io::StoredRun& run) {
    const bool checkpoint = run.format == io::kCheckpointFormat;
    fmt::print("{}: quench {} ({})\n", path, checkpoint ? "checkpoint" : "result", run.format);
    const auto& p = run.provenance;
    fmt::print("written by quench {} (commit {}) on {} at {}, {:.1f} s\n", p.at("quench_version"),
               p.at("quench_commit"), p.at("hostname"), p.at("date_utc"), run.wall_seconds);
    fmt::print("backend {} on {}, {} MPI rank(s)\n", p.at("backend"), p.at("device"), run.ranks);
    fmt::print("command: {}\n", p.at("command_line"));
    const nlohmann::json& c = run.config;
    fmt::print(
        "job: N = {}, {} activation, g = {}, sigma = {}, R = {} realizations x K = {} trials, seed {}\n",
        configValue(c, "network", "n"), configValue(c, "network", "activation"),
        configValue(c, "coupling", "g"), configValue(c, "noise", "sigma"), run.realizations_total,
        configValue(c, "ensemble", "trials"), run.seed);
    fmt::print("contents: /config, /realizations ({} rows{}){}{}\n", run.realizations.size(),
               holdsSpectra(run) ? ", with eigenvalues" : "", run.summary ? ", /summary" : "",
               holdsMatrices(run) ? ", /covariances (R x N x N)" : "");
    if (checkpoint)
        fmt::print("checkpoint: {} of {} realizations complete; continue with: quench simulate --resume {}\n",
                   run.realizations.size(), run.realizations_total, path);
}

int runInspect(const std::string& path) {
    io::StoredRun run;
    try {
        run = io::readHdf5(path);
    } catch (const std::runtime_error& e) {
        std::fprintf(stderr, "quench: error: FILE = %s: not a readable quench HDF5 file (%s)\n", path.c_str(),
                     e.what());
        return kExitUsage;
    }
    printHeader(path, run);
    if (run.summary) {
        const nlohmann::json n =
            run.config.value("network", nlohmann::json::object()).value("n", nlohmann::json(0));
        printSummaryTable(*run.summary, n.is_number_integer() ? n.get<int>() : 0);
    }
    return kExitOk;
}

}  // namespace

CommandRunner addInspectCommand(CLI::App& app) {
    auto path = std::make_shared<std::string>();
    CLI::App* inspect = app.add_subcommand(
        "inspect",
        "Summarize a quench HDF5 file (PREFIX.h5 or a checkpoint): provenance, job, contents, summary.");
    inspect->add_option("file", *path, "the HDF5 file")->required();
    return [path]() { return runInspect(*path); };
}

}  // namespace quench::cli
