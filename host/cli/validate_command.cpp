// `quench validate`: simulations against theory over network sizes and a parameter grid, with the
// N-scaling fit, PASS/FAIL verdicts, validate.json, report.md and plots (python/quench_plots).
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "cli/commands.hpp"
#include "cli/progress_bar.hpp"
#include "cli/run_clock.hpp"
#include "config/config_loader.hpp"
#include "io/atomic_file.hpp"
#include "quench/error.hpp"
#include "validate/statistic_comparison.hpp"
#include "validate/validate_report.hpp"
#include "validate/validation_runner.hpp"

#ifndef QUENCH_PYTHON_DIR
#define QUENCH_PYTHON_DIR ""
#endif

namespace quench::cli {

namespace {

struct ValidateOptions {
    std::string config_path;
    std::vector<std::string> overrides;
    std::string sizes, realizations;
    std::vector<std::string> scans;
    double threshold = 0.0;  // 0: the config's (default 4)
    bool quick = false;
    std::string out = "results/validate";
    std::string backend = "auto";
    bool no_plots = false;
    bool quiet = false;
    std::string command_line;
};

validation::PlanFlags flagsOf(const ValidateOptions& opt) {
    validation::PlanFlags flags;
    flags.quick = opt.quick;
    if (!opt.sizes.empty()) {
        std::vector<int> sizes;
        for (const std::int64_t n : validation::parseIntegerList(opt.sizes, "--n")) {
            if (n < 2 || n > 1000000)
                throw ConfigError("--n", opt.sizes, "network sizes between 2 and 1000000");
            sizes.push_back(static_cast<int>(n));
        }
        flags.sizes = sizes;
    }
    if (!opt.realizations.empty())
        flags.realizations = validation::parseIntegerList(opt.realizations, "--realizations");
    if (!opt.scans.empty()) flags.scans = opt.scans;
    if (opt.threshold != 0.0) flags.threshold = opt.threshold;
    return flags;
}

void prepareDirectory(const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(dir) / "runs", ec);
    if (ec) throw ConfigError("--out", dir, "a directory that can be created: " + ec.message());
    try {
        io::checkWritable((std::filesystem::path(dir) / "validate.json").string());
    } catch (const std::runtime_error& e) {
        throw ConfigError("--out", dir, e.what());
    }
}

std::string pythonDir() {
    if (const char* env = std::getenv("QUENCH_PYTHON_DIR")) return env;
    return QUENCH_PYTHON_DIR;
}

std::string shellQuote(const std::string& s) {
    std::string out = "'";
    for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// Runs python/quench_plots on DIR; returns the PNGs it wrote (relative to DIR), empty when it could not.
std::vector<std::string> makePlots(const std::string& dir, bool quiet) {
    const std::string command =
        fmt::format("PYTHONPATH={}${{PYTHONPATH:+:$PYTHONPATH}} python3 -m quench_plots {}{}",
                    shellQuote(pythonDir()), shellQuote(dir), quiet ? " --quiet" : "");
    const int status = std::system(command.c_str());
    if (status != 0) {
        std::fprintf(stderr,
                     "quench: warning: the plots were not made (python3 with matplotlib is needed; "
                     "`bash scripts/install-deps.sh` installs it). Make them later with:\n  %s\n",
                     command.c_str());
        return {};
    }
    std::vector<std::string> files;
    const std::filesystem::path plots = std::filesystem::path(dir) / "plots";
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(plots, ec))
        if (entry.path().extension() == ".png") files.push_back("plots/" + entry.path().filename().string());
    std::sort(files.begin(), files.end());
    return files;
}

void printSummary(const validation::ValidationReport& report, const std::string& dir) {
    const validation::VerdictCounts n = validation::countVerdicts(report.comparisons);
    for (size_t p = 0; p < report.comparisons.size(); ++p)
        for (const validation::StatisticComparison& c : report.comparisons[p])
            if (c.verdict == validation::Verdict::Fail)
                fmt::print("FAIL {} at {} ({}): z_inf {}, z_slope {}\n", c.name(), report.run.points[p].label,
                           theory::basisName(c.theory_inf.basis),
                           c.z_inf ? fmt::format("{:+.2f}", *c.z_inf) : "-",
                           c.z_slope ? fmt::format("{:+.2f}", *c.z_slope) : "-");
    fmt::print("quench validate: {} grid point(s) x {} size(s), backend {}, {:.1f} s\n",
               report.run.points.size(), report.plan.sizes.size(), report.run.backend,
               report.run.wall_seconds);
    fmt::print("  exact statistics: {} PASS, {} FAIL  -> {}\n", n.pass[0], n.fail[0],
               n.exactPassed() ? "PASS" : "FAIL");
    fmt::print(
        "  linear equivalence: {} PASS, {} FAIL; derived: {} PASS, {} FAIL; no theory: {}; no data: {}\n",
        n.pass[1], n.fail[1], n.pass[2], n.fail[2], n.no_theory, n.no_data);
    if (report.series != nullptr) {
        const validation::VerdictCounts curves = validation::countSeriesVerdicts(*report.series);
        for (size_t p = 0; p < report.series->size(); ++p)
            for (const validation::SeriesComparison& c : (*report.series)[p])
                if (c.verdict == validation::Verdict::Fail)
                    fmt::print("FAIL curve {} at {}: {} of {} points, worst |z| {:.2f} at {} = {:g}\n",
                               c.name, report.run.points[p].label, c.fail, c.points.size(), c.worst_z,
                               c.abscissa, c.worst_at);
        if (curves.pass[0] + curves.fail[0] + curves.pass[1] + curves.fail[1] + curves.no_theory > 0)
            fmt::print(
                "  curves: exact {} PASS, {} FAIL; linear equivalence {} PASS, {} FAIL; no theory: {}\n",
                curves.pass[0], curves.fail[0], curves.pass[1], curves.fail[1], curves.no_theory);
    }
    fmt::print("report: {0}/report.md, numbers: {0}/validate.json, raw runs: {0}/runs/\n", dir);
}

int runValidate(const ValidateOptions& opt) {
    validation::ValidationInput input;
    std::vector<std::vector<EnsembleSpec>> specs;
    std::unique_ptr<Backend> backend;
    try {
        const EnsembleSpec base = config::loadJob(opt.config_path, opt.overrides);
        input.plan = validation::loadValidatePlan(opt.config_path, flagsOf(opt), base.network.n);
        input.config_path = opt.config_path;
        input.overrides = opt.overrides;
        input.out_dir = opt.out;
        input.command_line = opt.command_line;
        specs =
            validation::planSpecs(input);  // every grid point and size is a valid job before anything runs
        prepareDirectory(opt.out);
        backend = makeBackend(backendKindFromName(opt.backend));
        const std::string note = backend->performanceNote();
        if (!note.empty()) std::fprintf(stderr, "quench: note: %s\n", note.c_str());
    } catch (const ConfigError& e) {
        std::fprintf(stderr, "quench: error: %s\n", e.what());
        return kExitUsage;
    } catch (const BackendError& e) {
        std::fprintf(stderr, "quench: error: backend %s\n", e.what());
        return kExitBackend;
    }

    validation::ValidationRun run;
    {
        ProgressBar bar("validate", !opt.quiet && stderrIsTerminal());
        validation::ValidationCallbacks callbacks;
        callbacks.on_progress = [&bar](const validation::ValidationProgress& p) {
            bar.update(Progress{p.runs_done, p.runs_total, p.fraction});
        };
        if (!opt.quiet && !stderrIsTerminal())
            callbacks.on_run_finished = [](const std::string& line) {
                std::fprintf(stderr, "%s\n", line.c_str());
            };
        try {
            run = validation::runValidation(input, specs, *backend, callbacks);
        } catch (const ConfigError& e) {
            std::fprintf(stderr, "\nquench: error: %s\n", e.what());
            return kExitUsage;
        } catch (const DivergenceError& e) {
            std::fprintf(stderr, "\nquench: error: %s; the finished runs are in %s/runs/\n", e.what(),
                         opt.out.c_str());
            return kExitDiverged;
        }
        bar.finish();
    }

    std::vector<std::vector<validation::StatisticComparison>> comparisons;
    std::vector<std::vector<validation::SeriesComparison>> series;
    for (const validation::PointRun& point : run.points) {
        comparisons.push_back(validation::compareStatistics(point, input.plan.threshold));
        series.push_back(validation::compareSeries(point, input.plan.threshold));
    }
    const validation::ValidationReport report{run,      input.plan, comparisons, opt.out, opt.command_line,
                                              utcNow(), hostName(), &series};
    const std::filesystem::path dir(opt.out);
    try {
        io::writeFileAtomically((dir / "validate.json").string(),
                                validation::reportJson(report).dump(1) + "\n");
        const std::vector<std::string> plots =
            opt.no_plots ? std::vector<std::string>{} : makePlots(opt.out, opt.quiet);
        io::writeFileAtomically((dir / "report.md").string(), validation::reportMarkdown(report, plots));
    } catch (const std::runtime_error& e) {
        std::fprintf(stderr, "quench: error: %s\n", e.what());
        return kExitUsage;
    }
    if (!opt.quiet) printSummary(report, opt.out);
    const bool passed = validation::countVerdicts(comparisons).exactPassed() &&
                        validation::countSeriesVerdicts(series).exactPassed();
    return passed ? kExitOk : kExitValidationFailed;
}

std::string helpFooter() {
    return R"(
What it does: for every point of the --scan grid and every size in --n, runs the ensemble of CONFIG
(with network.n and ensemble.realizations set per size), computes the theory for the point
(quench theory), fits S(N) = S_inf + a/N (+ b/N^2) to each statistic and compares. With per-neuron
gains or time constants, each size's means are regressed on exact zero-mean controls of the
realizations' own draws (9 per drawn parameter, where R >= 10 per coefficient): the same
expectation without most of the draws' scatter; runs/ keep the plain values.

Config: a [validate] section in CONFIG (ignored by simulate and theory) holds the defaults:
  [validate]
  title = "linear network, iid couplings"
  n = [100, 200, 400, 800]        # sizes (ascending)
  realizations = [64, 32, 16, 8]  # R per size (or one number); default ensemble.realizations
  scan = ["coupling.g=0.2:0.9:0.1"]
  threshold = 4.0                 # PASS when |z| <= threshold
  [validate.quick]                # used by --quick instead of the above
  n = [50, 100]
  realizations = 8
  set = ["integration.t_max=100"] # extra --set overrides in quick mode
Flags replace the section's values. Presets: examples/validate/*.toml.

Outputs in DIR: report.md (tables, verdicts, plots), validate.json (every number; format
quench.validate/1), plots/*.png (python/quench_plots, needs python3 + matplotlib), runs/*.json|csv
(each ensemble as quench simulate writes it).

Exit status: 0 when every statistic the theory calls exact passes; 5 when one fails; 2 bad input;
3 a run diverged; 4 backend unavailable. Statistics resting on approximations (linear_equivalence,
derived) get z-scores and a verdict in the report but do not change the exit status.
)";
}

}  // namespace

CommandRunner addValidateCommand(CLI::App& app, const std::string& command_line) {
    auto opt = std::make_shared<ValidateOptions>();
    opt->command_line = command_line;
    CLI::App* cmd = app.add_subcommand(
        "validate",
        "Simulation against theory: runs CONFIG at several network sizes (and over a parameter grid), fits\n"
        "the 1/N scaling, compares with the large-N theory, writes DIR/report.md, validate.json and plots.");
    cmd->add_option("config", opt->config_path, "TOML config (e.g. examples/validate/linear_iid.toml)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--set", opt->overrides, "override one config key: --set section.key=value (repeatable)")
        ->allow_extra_args(false);
    cmd->add_option("--n", opt->sizes, "network sizes, ascending: --n 100,200,400,800");
    cmd->add_option("--realizations", opt->realizations,
                    "realizations R per size (one value or one per size)");
    cmd->add_option("--scan", opt->scans,
                    "scan a numeric key: --scan coupling.g=0.2:0.9:0.1 or a list --scan noise.tau=0.1,1,10 "
                    "(repeatable)")
        ->allow_extra_args(false);
    cmd->add_option("--threshold", opt->threshold,
                    "PASS when |z| <= this (default 4, or [validate] threshold)")
        ->check(CLI::PositiveNumber);
    cmd->add_flag("--quick", opt->quick,
                  "the [validate.quick] plan: few realizations, a look in about a minute");
    cmd->add_option("--out", opt->out, "output directory")->capture_default_str();
    cmd->add_option("--backend", opt->backend, "cpu, cuda, or auto")
        ->check(CLI::IsMember({"cpu", "cuda", "auto"}))
        ->capture_default_str();
    cmd->add_flag("--no-plots", opt->no_plots, "skip the PNG plots (python3 + matplotlib)");
    cmd->add_flag("--quiet,-q", opt->quiet, "no progress bar, no log lines and no summary");
    cmd->footer(helpFooter());
    return [opt]() { return runValidate(*opt); };
}

}  // namespace quench::cli
