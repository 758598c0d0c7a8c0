// `quench simulate`: run the ensemble a config describes, write PREFIX.json / PREFIX.csv, print a
// summary of the disorder-averaged statistics.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>

#include "cli/commands.hpp"
#include "cli/progress_bar.hpp"
#include "cli/run_clock.hpp"
#include "config/config_loader.hpp"
#include "io/atomic_file.hpp"
#include "io/result_writer.hpp"
#include "quench/backend.hpp"
#include "quench/error.hpp"

namespace quench::cli {

namespace {

struct SimulateOptions {
    std::string config_path;  // empty: the embedded default job
    std::vector<std::string> overrides;
    std::string out = "results/simulate";
    std::string backend = "auto";
    bool quiet = false;
    std::string command_line;
};

BackendKind parseBackend(const std::string& name) {
    if (name == "cpu") return BackendKind::Cpu;
    if (name == "cuda") return BackendKind::Cuda;
    return BackendKind::Auto;
}

// Creates the parent directories of PREFIX and proves a file can be created there, before any work.
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
}

void printRow(const EnsembleSummary& s, Variable v, CovarianceKind c, int n) {
    auto cell = [&](Statistic k, double scale) {
        const Estimate& e = s.at(v, c, k);
        return fmt::format("{:>10.5g} ± {:<9.2g}", e.mean * scale, e.sem * scale);
    };
    fmt::print("  {:<4}{:<15}{}{}{}{}{}\n", variableName(v), covarianceName(c),
               cell(Statistic::AutoMean, 1.0), cell(Statistic::CrossMean, 1.0), cell(Statistic::CrossVar, n),
               cell(Statistic::PrOverN, 1.0), cell(Statistic::M2, 1.0));
}

void printSummary(const EnsembleSpec& spec, const EnsembleSummary& summary, const io::Provenance& p,
                  const std::string& prefix) {
    const NetworkSpec& net = spec.network;
    fmt::print(
        "quench simulate: N = {}, {} activation, g = {}, sigma = {}, R = {} realizations x K = {} trials, "
        "backend {}, {:.1f} s\n",
        net.n, activationName(net.activation.kind), spec.coupling.g, spec.noise.sigma,
        spec.ensemble.realizations, spec.ensemble.trials, p.backend, p.wall_seconds);
    fmt::print("disorder mean ± standard error over realizations (split-sample corrected estimators):\n");
    fmt::print("  {:<4}{:<15}{:>22}{:>22}{:>22}{:>22}{:>22}\n", "var", "covariance", "auto_mean a",
               "cross_mean c", "N cross_var", "pr_over_n", "m2");
    for (const Variable v : {Variable::X, Variable::Phi})
        for (const CovarianceKind c : {CovarianceKind::EqualTime, CovarianceKind::ZeroFrequency})
            printRow(summary, v, c, net.n);
    for (const std::string& name : io::nonFiniteStatistics(summary))
        fmt::print("warning: {} is not finite (written as null)\n", name);
    fmt::print("results: {}.json (config, provenance, per-realization statistics, summary)\n", prefix);
    fmt::print("         {}.csv (one row per realization)\n", prefix);
}

int runSimulate(const SimulateOptions& opt) {
    const auto start = std::chrono::steady_clock::now();
    EnsembleSpec spec;
    std::unique_ptr<Backend> backend;
    try {
        spec = opt.config_path.empty()
                   ? config::parseConfig(config::defaultConfigToml(), "<embedded default>", opt.overrides)
                   : config::loadConfigFile(opt.config_path, opt.overrides);
        prepareOutput(opt.out);
        backend = makeBackend(parseBackend(opt.backend));
    } catch (const ConfigError& e) {
        std::fprintf(stderr, "quench: error: %s\n", e.what());
        return kExitUsage;
    } catch (const BackendError& e) {
        std::fprintf(stderr, "quench: error: backend %s\n", e.what());
        return kExitBackend;
    }

    std::vector<RealizationResult> results;
    {
        ProgressBar bar("simulate", !opt.quiet && stderrIsTerminal());
        RunControl control;
        control.on_progress = [&bar](const Progress& p) { bar.update(p); };
        try {
            results = backend->run(spec, control);
        } catch (const ConfigError& e) {
            std::fprintf(stderr, "\nquench: error: %s\n", e.what());
            return kExitUsage;
        } catch (const DivergenceError& e) {
            std::fprintf(stderr, "\nquench: error: %s; no result was written\n", e.what());
            return kExitDiverged;
        }
        bar.finish();
    }

    const EnsembleSummary summary = summarize(results);
    io::Provenance provenance;
    provenance.backend = backend->name();
    provenance.backend_description = backend->description();
    provenance.device = backend->device();
    provenance.hostname = hostName();
    provenance.date_utc = utcNow();
    provenance.command_line = opt.command_line;
    provenance.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const io::RunRecord record{spec, results, summary, provenance};
    try {
        io::writeResults(record, opt.out);
    } catch (const std::runtime_error& e) {
        std::fprintf(stderr, "quench: error: %s\n", e.what());
        return kExitUsage;
    }
    if (!opt.quiet) printSummary(spec, summary, provenance, opt.out);
    return kExitOk;
}

}  // namespace

CommandRunner addSimulateCommand(CLI::App& app, const std::string& command_line) {
    auto opt = std::make_shared<SimulateOptions>();
    opt->command_line = command_line;
    CLI::App* sim = app.add_subcommand(
        "simulate",
        "Integrate an ensemble of realizations (each with its own quenched J, K noise trials each) and "
        "write\n"
        "PREFIX.json and PREFIX.csv. Without CONFIG runs the embedded default job (examples/default.toml).");
    sim->add_option("config", opt->config_path,
                    "TOML config file (keys below); omit for the embedded default")
        ->check(CLI::ExistingFile);
    sim->add_option("--set", opt->overrides, "override one config key: --set section.key=value (repeatable)");
    sim->add_option("--out", opt->out, "output prefix: writes PREFIX.json and PREFIX.csv")
        ->capture_default_str();
    sim->add_option("--backend", opt->backend, "where to integrate: cpu, cuda, or auto (fastest available)")
        ->check(CLI::IsMember({"cpu", "cuda", "auto"}))
        ->capture_default_str();
    sim->add_flag("--quiet,-q", opt->quiet, "no progress bar and no summary on the terminal");
    sim->footer("\n" + config::configReference());
    return [opt]() { return runSimulate(*opt); };
}

}  // namespace quench::cli
