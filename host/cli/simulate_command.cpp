// `quench simulate`: run the ensemble a config describes (or continue a checkpoint), write
// PREFIX.json / PREFIX.csv / PREFIX.h5, print a summary of the disorder-averaged statistics. Under an
// MPI launcher the realizations are shared between the ranks and rank 0 writes the one result.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/commands.hpp"
#include "cli/ensemble_driver.hpp"
#include "cli/progress_bar.hpp"
#include "cli/run_clock.hpp"
#include "cli/stop_signal.hpp"
#include "cli/summary_table.hpp"
#include "config/config_difference.hpp"
#include "config/config_loader.hpp"
#include "io/atomic_file.hpp"
#include "io/hdf5_reader.hpp"
#include "io/hdf5_writer.hpp"
#include "io/result_writer.hpp"
#include "memory_plan.hpp"
#include "mpi/communicator.hpp"
#include "quench/backend.hpp"
#include "quench/error.hpp"

namespace quench::cli {

namespace {

constexpr const char* kEmbeddedName = "<embedded default>";

struct SimulateOptions {
    std::string config_path;  // empty: the embedded default job (or the checkpoint's, with --resume)
    std::vector<std::string> overrides;
    std::string out = "results/simulate";
    bool out_given = false;
    std::string resume;  // checkpoint to continue
    std::string backend = "auto";
    bool quiet = false;
    std::string command_line;
};

// Everything decided before the first realization runs.
struct Setup {
    EnsembleSpec spec;
    io::ConfigSource source;
    std::vector<RealizationResult> done;
    std::int64_t done_count = 0;
    std::unique_ptr<Backend> backend;
};

std::string checkpointPath(const std::string& prefix) {
    return prefix + ".checkpoint.h5";
}

// Creates the parent directories of PREFIX and proves a file can be created there, before any work;
// removes temporary files a killed run left beside the outputs.
void prepareOutput(const std::string& prefix) {
    const std::filesystem::path parent = std::filesystem::path(prefix).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec)
        throw ConfigError("--out", prefix,
                          "cannot create directory " + parent.string() + ": " + ec.message());
    try {
        io::checkWritable(prefix + ".json");
    } catch (const std::runtime_error& e) {
        throw ConfigError("--out", prefix, e.what());
    }
    for (const char* suffix : {".json", ".csv", ".h5", ".checkpoint.h5"})
        io::removeStaleTemporaries(prefix + suffix);
}

io::StoredRun readCheckpoint(const std::string& path) {
    io::StoredRun stored;
    try {
        stored = io::readHdf5(path);
    } catch (const std::runtime_error& e) {
        throw ConfigError("--resume", path, std::string("not a readable quench checkpoint: ") + e.what());
    }
    if (stored.format != io::kCheckpointFormat || !stored.source)
        throw ConfigError(
            "--resume", path,
            fmt::format("is a {} file, not a checkpoint ({}); a finished result needs no resume",
                        stored.format, io::kCheckpointFormat));
    return stored;
}

// The config of this run: CONFIG (or the embedded default) plus --set; with --resume and no CONFIG,
// the checkpoint's own config and overrides plus any new --set.
void resolveConfig(const SimulateOptions& opt, const io::StoredRun* stored, Setup& setup) {
    io::ConfigSource& source = setup.source;
    if (!opt.config_path.empty()) {
        source.toml = config::readConfigText(opt.config_path);
        source.name = opt.config_path;
        source.overrides = opt.overrides;
    } else if (stored != nullptr) {
        source = *stored->source;
        source.overrides.insert(source.overrides.end(), opt.overrides.begin(), opt.overrides.end());
    } else {
        source.toml = std::string(config::defaultConfigToml());
        source.name = kEmbeddedName;
        source.overrides = opt.overrides;
    }
    setup.spec = config::parseConfig(source.toml, source.name, source.overrides);
    source.out_prefix = (stored != nullptr && !opt.out_given) ? stored->source->out_prefix : opt.out;
}

void adoptCheckpoint(const std::string& path, io::StoredRun stored, Setup& setup) {
    const auto difference = config::firstDifference(stored.config, config::configToJson(setup.spec));
    if (difference)
        throw ConfigError(
            "--resume", path,
            fmt::format(
                "the checkpoint was written for {} = {} but this run has {} = {}; resume with the same "
                "config (or give no CONFIG to use the checkpoint's own)",
                difference->key, difference->stored, difference->key, difference->requested));
    setup.done_count = static_cast<std::int64_t>(stored.realizations.size());
    setup.done = std::move(stored.realizations);
}

// Host memory for the kept results (all of them on rank 0) plus the CPU workers' working set.
void checkHostMemory(const Setup& setup) {
    const bool cpu = setup.backend->name() == "cpu";
    const int workers = cpu ? static_cast<int>(setup.backend->realizationsInFlight(setup.spec)) : 0;
    checkMemory(setup.spec, cpuMemoryPlan(setup.spec, workers));
}

// Returns an exit code and the message of this rank's error.
int prepare(const SimulateOptions& opt, const mpi::Communicator& comm, Setup& setup, std::string& message) {
    try {
        std::optional<io::StoredRun> stored;
        if (!opt.resume.empty()) stored = readCheckpoint(opt.resume);
        resolveConfig(opt, stored ? &*stored : nullptr, setup);
        if (stored) adoptCheckpoint(opt.resume, std::move(*stored), setup);
        if (comm.isRoot()) prepareOutput(setup.source.out_prefix);
        if (comm.size() > 1) assignDeviceToLocalRank(comm.localRank());
        setup.backend = makeBackend(backendKindFromName(opt.backend));
        const std::string note = setup.backend->performanceNote();
        if (!note.empty() && comm.isRoot() && !opt.quiet)
            std::fprintf(stderr, "quench: note: %s\n", note.c_str());
        checkHostMemory(setup);
    } catch (const ConfigError& e) {
        message = e.what();
        return kExitUsage;
    } catch (const BackendError& e) {
        message = std::string("backend ") + e.what();
        return kExitBackend;
    }
    return kExitOk;
}

io::Provenance provenanceOf(const Setup& setup, const SimulateOptions& opt, const mpi::Communicator& comm) {
    io::Provenance p;
    p.backend = setup.backend->name();
    p.backend_description = setup.backend->description();
    p.device = setup.backend->device();
    p.hostname = hostName();
    p.date_utc = utcNow();
    p.command_line = opt.command_line;
    p.ranks = comm.size();
    return p;
}

void printSummary(const EnsembleSpec& spec, const EnsembleSummary& summary, const io::Provenance& p,
                  const std::string& prefix) {
    const NetworkSpec& net = spec.network;
    fmt::print(
        "quench simulate: N = {}, {} activation, g = {}, sigma = {}, R = {} realizations x K = {} trials, "
        "backend {}{}, {:.1f} s\n",
        net.n, activationName(net.activation.kind), spec.coupling.g, spec.noise.sigma,
        spec.ensemble.realizations, spec.ensemble.trials, p.backend,
        p.ranks > 1 ? fmt::format(" x {} MPI ranks", p.ranks) : "", p.wall_seconds);
    printSummaryTable(summary, net.n);
    fmt::print("results: {}.json (config, provenance, per-realization statistics, summary)\n", prefix);
    fmt::print("         {}.csv (one row per realization)\n", prefix);
    fmt::print("         {}.h5 (all of it in HDF5{}; quench inspect {}.h5)\n", prefix,
               spec.output.covariances ? ", with the covariance matrices" : "", prefix);
}

// Rank 0: the summary from the gathered results in realization order, and the three result files.
int writeOutputs(const Setup& setup, const SimulateOptions& opt, io::Provenance provenance,
                 const std::vector<RealizationResult>& results, double seconds) {
    const std::string& prefix = setup.source.out_prefix;
    const EnsembleSummary summary = summarize(results);
    provenance.date_utc = utcNow();
    provenance.wall_seconds = seconds;
    // After the run, the description also says how it ran (the CUDA backend's path and wave plan).
    provenance.backend_description = setup.backend->description();
    try {
        io::writeResults({setup.spec, results, summary, provenance}, prefix);
        io::writeHdf5({setup.spec, results, &summary, nullptr, provenance}, prefix + ".h5");
    } catch (const std::runtime_error& e) {
        std::fprintf(stderr, "quench: error: %s\n", e.what());
        return kExitUsage;
    }
    std::error_code ec;
    std::filesystem::remove(checkpointPath(prefix), ec);  // the result supersedes it
    if (!opt.quiet) printSummary(setup.spec, summary, provenance, prefix);
    return kExitOk;
}

// Prints an error once: on rank 0 when it has one, else on every rank that has one.
void reportError(const mpi::Communicator& comm, int code, const std::string& message) {
    const bool root_failed = comm.agreeMax(comm.isRoot() && code != kExitOk ? 1 : 0) == 1;
    if (message.empty() || (!comm.isRoot() && root_failed)) return;
    std::fprintf(stderr, "quench: error: %s\n", message.c_str());
}

int runSimulate(const SimulateOptions& opt) {
    const auto start = std::chrono::steady_clock::now();
    const mpi::Communicator comm;
    Setup setup;
    std::string message;
    const int local = prepare(opt, comm, setup, message);
    const int agreed = comm.agreeMax(local);
    if (agreed != kExitOk) {
        reportError(comm, local, message);
        return agreed;
    }

    const StopSignalGuard signals;
    const io::Provenance provenance = provenanceOf(setup, opt, comm);
    DriverOutcome outcome;
    {
        ProgressBar bar("simulate", !opt.quiet && comm.isRoot() && stderrIsTerminal(),
                        !opt.quiet && comm.isRoot());
        DriverInput input{setup.spec,
                          *setup.backend,
                          comm,
                          std::move(setup.done),
                          setup.done_count,
                          setup.source,
                          checkpointPath(setup.source.out_prefix),
                          provenance,
                          signals.flag()};
        outcome = driveEnsemble(std::move(input), bar);
        bar.finish();
    }
    if (outcome.exit_code == kExitInterrupted) {
        if (comm.isRoot())
            std::fprintf(
                stderr,
                "quench: stopped by signal %d; checkpoint %s holds the complete realizations; continue "
                "with: quench simulate --resume %s\n",
                signals.signalNumber(), checkpointPath(setup.source.out_prefix).c_str(),
                checkpointPath(setup.source.out_prefix).c_str());
        return kExitInterrupted;
    }
    if (outcome.exit_code != kExitOk) {
        if (!outcome.message.empty()) std::fprintf(stderr, "quench: error: %s\n", outcome.message.c_str());
        return outcome.exit_code;
    }
    if (!comm.isRoot()) return kExitOk;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return writeOutputs(setup, opt, provenance, outcome.results, seconds);
}

}  // namespace

CommandRunner addSimulateCommand(CLI::App& app, const std::string& command_line) {
    auto opt = std::make_shared<SimulateOptions>();
    opt->command_line = command_line;
    CLI::App* sim = app.add_subcommand(
        "simulate",
        "Integrate an ensemble of realizations (each with its own quenched J, K noise trials each) and "
        "write\n"
        "PREFIX.json, PREFIX.csv and PREFIX.h5. Without CONFIG runs the embedded default job\n"
        "(examples/default.toml). Under mpirun/srun the realizations are shared between the ranks.");
    sim->add_option("config", opt->config_path,
                    "TOML config file (keys below); omit for the embedded default")
        ->check(CLI::ExistingFile);
    sim->add_option("--set", opt->overrides, "override one config key: --set section.key=value (repeatable)");
    CLI::Option* out =
        sim->add_option("--out", opt->out, "output prefix: writes PREFIX.json, PREFIX.csv and PREFIX.h5")
            ->capture_default_str();
    sim->add_option(
        "--resume", opt->resume,
        "continue the run a checkpoint (PREFIX.checkpoint.h5) holds; without CONFIG uses its config");
    sim->add_option("--backend", opt->backend, "where to integrate: cpu, cuda, or auto (fastest available)")
        ->check(CLI::IsMember({"cpu", "cuda", "auto"}))
        ->capture_default_str();
    sim->add_flag("--quiet,-q", opt->quiet, "no progress bar, no log lines and no summary on the terminal");
    sim->footer("\n" + config::configReference());
    return [opt, out]() {
        opt->out_given = out->count() > 0;
        return runSimulate(*opt);
    };
}

}  // namespace quench::cli
