#include "validate/validation_runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <future>
#include <thread>

#include "cli/run_clock.hpp"
#include "cli/scan_grid.hpp"
#include "config/config_loader.hpp"
#include "io/result_writer.hpp"
#include "quench/error.hpp"
#include "validate/neuron_draw_controls.hpp"

namespace quench::validation {

namespace {

constexpr int kSpectrumBins = 60;
// The theory curve's resolution: enough for a smooth line; the DMFT of a non-smooth phi (power law)
// costs about a second per point, so the quick mode draws a coarser curve.
constexpr int kCurvePoints = 61;
constexpr int kQuickCurvePoints = 16;

EnsembleSpec loadSpec(const ValidationInput& input, const std::vector<std::string>& extra) {
    std::vector<std::string> overrides = input.plan.overrides;  // the quick mode's, then the user's
    overrides.insert(overrides.end(), input.overrides.begin(), input.overrides.end());
    overrides.insert(overrides.end(), extra.begin(), extra.end());
    return config::loadJob(input.config_path, overrides);
}

std::vector<std::string> sizeOverrides(const ValidatePlan& plan, size_t i) {
    std::vector<std::string> out{fmt::format("network.n={}", plan.sizes[i])};
    if (!plan.realizations.empty()) {
        const std::int64_t r = plan.realizations.size() == 1 ? plan.realizations[0] : plan.realizations[i];
        out.push_back(fmt::format("ensemble.realizations={}", r));
    }
    return out;
}

// Each size draws its own random streams. With one seed, realization r's noise of neuron i at step m is the
// same at every N (the streams are keyed by neuron and step, not by N), so the sizes' estimates would share
// their noise-driven fluctuation and the S_inf + a/N fit, which treats them as independent, would understate
// its errors (the omega = 4 spectral deficit of spectral_pr_tanh, docs/validation/findings.md). Size 0
// keeps the config's seed, size i > 0 the i-th output of splitmix64 started at the seed (what the reports
// write as splitmix64(seed + i)).
std::uint64_t sizeSeed(std::uint64_t seed, size_t i) {
    if (i == 0) return seed;
    std::uint64_t z = seed + static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

std::string labelOf(const cli::ScanParameters& parameters) {
    if (parameters.empty()) return "base";
    std::vector<std::string> parts;
    for (const auto& [key, value] : parameters) parts.push_back(fmt::format("{}={:.6g}", key, value));
    return fmt::format("{}", fmt::join(parts, ","));
}

double costOf(const EnsembleSpec& s) {
    const StepPlan p = planSteps(s.integration);
    const double steps = static_cast<double>(p.burn_steps + p.measure_steps);
    const double n = s.network.n;
    return n * (n + 16.0) * static_cast<double>(s.ensemble.realizations) * s.ensemble.trials * steps;
}

std::vector<cli::ScanAxis> axesOf(const ValidatePlan& plan) {
    std::vector<cli::ScanAxis> axes;
    for (const std::string& s : plan.scans) axes.push_back(cli::parseScan(s));
    return axes;
}

SizeRun runOne(const EnsembleSpec& spec, Backend& backend, const std::string& prefix,
               const std::function<void(double)>& on_fraction, const std::string& command_line) {
    const auto start = std::chrono::steady_clock::now();
    RunControl control;
    control.on_progress = [&](const Progress& p) { on_fraction(p.fraction); };
    const std::vector<RealizationResult> results = backend.run(spec, control);
    SizeRun run;
    run.n = spec.network.n;
    run.realizations = spec.ensemble.realizations;
    run.summary = summarize(results);
    run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (spec.statistics.eigenvalues)
        for (const Variable v : {Variable::X, Variable::Phi}) {
            std::vector<double> all;
            for (const RealizationResult& r : results) {
                const auto& e = r.at(v, CovarianceKind::ZeroFrequency).eigenvalues;
                all.insert(all.end(), e.begin(), e.end());
            }
            if (!all.empty())
                run.zero_frequency_spectrum[static_cast<int>(v)] = histogramOf(all, kSpectrumBins);
        }
    io::Provenance provenance{backend.name(), backend.description(), backend.device(), cli::hostName(),
                              cli::utcNow(),  command_line,          run.wall_seconds};
    // The run's files keep the plain means (what simulate would report); the comparison takes the
    // controlled ones.
    io::writeResults(io::RunRecord{spec, results, run.summary, provenance}, prefix);
    run.result_prefix = prefix;
    run.draw_controls = applyNeuronDrawControls(spec, results, run.summary);
    return run;
}

TheoryCurve curveOf(const ValidationInput& input, const std::vector<cli::ScanAxis>& axes) {
    TheoryCurve curve;
    if (axes.size() != 1 || axes[0].values.size() < 2) return curve;
    curve.key = axes[0].key;
    const double lo = axes[0].values.front(), hi = axes[0].values.back();
    const size_t last = input.plan.sizes.size() - 1;
    const int count = input.plan.quick ? kQuickCurvePoints : kCurvePoints;
    std::vector<EnsembleSpec> specs;
    for (int i = 0; i < count; ++i) {
        const double v = lo + (hi - lo) * i / (count - 1);
        std::vector<std::string> extra = sizeOverrides(input.plan, last);
        extra.push_back(fmt::format("{}={:.15g}", curve.key, v));
        // Values between the scanned ones that the model refuses (e.g. a coupling.redraw_interval that is
        // not a whole multiple of t_bin) are left out of the curve.
        try {
            specs.push_back(loadSpec(input, extra));
        } catch (const ConfigError&) {
            continue;
        }
        curve.values.push_back(v);
    }
    // The points are independent: one task per hardware thread. The curve keeps the closure's single
    // site where the exact one would be sampled (seconds per point); the scanned points sample it.
    curve.predictions.resize(specs.size());
    theory::PredictOptions options;
    options.sample_single_site = false;
    const unsigned workers = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::future<void>> tasks;
    for (unsigned w = 0; w < workers; ++w)
        tasks.push_back(std::async(std::launch::async, [&, w]() {
            for (size_t i = w; i < specs.size(); i += workers)
                curve.predictions[i] = theory::predict(specs[i], options);
        }));
    for (auto& t : tasks) t.get();
    return curve;
}

}  // namespace

SpectrumHistogram histogramOf(const std::vector<double>& values, int bins) {
    SpectrumHistogram h;
    h.eigenvalues = static_cast<std::int64_t>(values.size());
    const auto [lo_it, hi_it] = std::minmax_element(values.begin(), values.end());
    double lo = *lo_it, hi = *hi_it;
    const double pad = hi > lo ? 0.5 * (hi - lo) / bins : std::max(1e-12, std::abs(lo) * 1e-6);
    lo -= pad;
    hi += pad;
    const double width = (hi - lo) / bins;
    for (int i = 0; i <= bins; ++i) h.edges.push_back(lo + i * width);
    h.density.assign(static_cast<size_t>(bins), 0.0);
    for (const double v : values) {
        const int bin = std::clamp(static_cast<int>((v - lo) / width), 0, bins - 1);
        h.density[static_cast<size_t>(bin)] += 1.0;
    }
    for (double& d : h.density) d /= static_cast<double>(values.size()) * width;
    return h;
}

std::vector<std::vector<EnsembleSpec>> planSpecs(const ValidationInput& input) {
    std::vector<std::vector<EnsembleSpec>> specs;
    for (const cli::ScanParameters& point : cli::scanGrid(axesOf(input.plan))) {
        std::vector<EnsembleSpec> per_size;
        for (size_t i = 0; i < input.plan.sizes.size(); ++i) {
            std::vector<std::string> extra = cli::scanOverrides(point);
            const std::vector<std::string> size = sizeOverrides(input.plan, i);
            extra.insert(extra.end(), size.begin(), size.end());
            per_size.push_back(loadSpec(input, extra));
            per_size.back().ensemble.seed = sizeSeed(per_size.back().ensemble.seed, i);
        }
        specs.push_back(std::move(per_size));
    }
    return specs;
}

ValidationRun runValidation(const ValidationInput& input, const std::vector<std::vector<EnsembleSpec>>& specs,
                            Backend& backend, const ValidationCallbacks& callbacks) {
    const auto start = std::chrono::steady_clock::now();
    const std::vector<cli::ScanAxis> axes = axesOf(input.plan);
    const std::vector<cli::ScanParameters> grid = cli::scanGrid(axes);
    double total_cost = 0.0;
    int runs_total = 0;
    for (const auto& per_size : specs)
        for (const EnsembleSpec& s : per_size) {
            total_cost += costOf(s);
            ++runs_total;
        }
    ValidationRun out;
    out.base = specs.front().back();
    out.base.ensemble.seed = specs.front().front().ensemble.seed;  // the config's (the first size's)
    out.backend = backend.name();
    out.backend_description = backend.description();
    out.device = backend.device();
    std::filesystem::create_directories(std::filesystem::path(input.out_dir) / "runs");
    ValidationProgress progress{0.0, 0, runs_total, ""};
    double done_cost = 0.0;
    for (size_t p = 0; p < grid.size(); ++p) {
        PointRun point;
        point.parameters = grid[p];
        point.label = labelOf(grid[p]);
        for (const EnsembleSpec& spec : specs[p]) {
            progress.current = fmt::format("{}, N = {}", point.label, spec.network.n);
            const double cost = costOf(spec);
            auto on_fraction = [&](double f) {
                progress.fraction = (done_cost + f * cost) / total_cost;
                if (callbacks.on_progress) callbacks.on_progress(progress);
            };
            const std::string prefix = (std::filesystem::path(input.out_dir) / "runs" /
                                        fmt::format("p{:03d}_n{}", p, spec.network.n))
                                           .string();
            point.sizes.push_back(runOne(spec, backend, prefix, on_fraction, input.command_line));
            done_cost += cost;
            ++progress.runs_done;
            on_fraction(0.0);
            if (callbacks.on_run_finished)
                callbacks.on_run_finished(fmt::format("validate: {} (R = {}) done in {:.1f} s [{}/{}]",
                                                      progress.current, spec.ensemble.realizations,
                                                      point.sizes.back().wall_seconds, progress.runs_done,
                                                      runs_total));
        }
        // --quick keeps the closure where the exact single site would be sampled (about 30 s a point), and
        // leaves out the sampled one-loop 1/N terms (seconds a point). Per-neuron time constants have no
        // closure: their discrete site with classes (about 10 s a point) stays on, or quick compares nothing.
        theory::PredictOptions options;
        options.sample_single_site = !input.plan.quick || perNeuron(specs[p].back().network.tau);
        options.sample_one_loop = !input.plan.quick;
        point.prediction = theory::predict(specs[p].back(), options);
        point.series_prediction = theory::predictSeries(specs[p].back(), options);
        // Per-neuron gains make phi_i = b_i x_i differ from x even for a linear activation.
        const EnsembleSpec& last = specs[p].back();
        point.phi_is_x =
            last.network.activation.kind == ActivationKind::Linear && !perNeuron(last.network.gain);
        out.points.push_back(std::move(point));
    }
    out.curve = curveOf(input, axes);
    out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

}  // namespace quench::validation
