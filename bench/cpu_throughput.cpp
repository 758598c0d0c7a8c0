// Throughput of the CPU backend: neuron-steps per second for a given N, R, K, with and without
// the covariance statistics. Prints one JSON object; bench/run_cpu_bench.py sets it beside the
// numpy peer measured in the same run.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "quench/backend.hpp"
#include "quench/build_info.hpp"

namespace {

struct Case {
    int n = 256;
    std::int64_t r = 64;
    int k = 8;
    std::int64_t steps = 2000;
    std::string precision = "fp32";
    int threads = 0;
};

quench::EnsembleSpec specFor(const Case& c, bool with_statistics) {
    quench::EnsembleSpec s;
    s.network.n = c.n;
    s.coupling.g = 0.5;
    s.integration.dt = 0.01;
    s.integration.precision = c.precision == "fp64" ? quench::Precision::Fp64 : quench::Precision::Fp32;
    s.ensemble.realizations = c.r;
    s.ensemble.trials = c.k;
    s.run.threads = c.threads;
    const double total = static_cast<double>(c.steps) * s.integration.dt;
    if (with_statistics) {
        // The production shape: samples every 0.1, 8 zero-frequency bins, statistics at the end.
        s.integration.t_burn = 0.0;
        s.integration.t_max = total;
        s.integration.t_bin = total / 8.0;
    } else {
        // Stepping only: everything is burn-in except a minimal measured tail.
        s.integration.t_max = 0.08;
        s.integration.t_bin = 0.01;
        s.integration.sample_interval = 0.01;
        s.integration.t_burn = total - s.integration.t_max;
    }
    return s;
}

double secondsFor(const quench::EnsembleSpec& spec) {
    const auto backend = quench::makeBackend(quench::BackendKind::Cpu);
    const auto start = std::chrono::steady_clock::now();
    backend->run(spec, {});
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    Case c;
    CLI::App app{"CPU backend throughput in neuron-steps per second (N x K x R x steps / wall time)"};
    app.add_option("--n", c.n, "neurons N")->capture_default_str();
    app.add_option("--r", c.r, "realizations R")->capture_default_str();
    app.add_option("--k", c.k, "trials K per realization")->capture_default_str();
    app.add_option("--steps", c.steps, "integration steps")->capture_default_str();
    app.add_option("--precision", c.precision, "fp32 or fp64")
        ->check(CLI::IsMember({"fp32", "fp64"}))
        ->capture_default_str();
    app.add_option("--threads", c.threads, "CPU threads (0 = all)")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    const double neuron_steps =
        static_cast<double>(c.n) * c.k * static_cast<double>(c.r) * static_cast<double>(c.steps);
    const double stepping = secondsFor(specFor(c, false));
    const double full = secondsFor(specFor(c, true));
    // One step per realization: 2 N^2 K flops for J phi and reading J (4 or 8 bytes per entry).
    const double bytes_per_entry = c.precision == "fp64" ? 8.0 : 4.0;
    const double step_flops =
        2.0 * c.n * static_cast<double>(c.n) * c.k * static_cast<double>(c.r) * static_cast<double>(c.steps);
    const double step_bytes = bytes_per_entry * c.n * static_cast<double>(c.n) * static_cast<double>(c.r) *
                              static_cast<double>(c.steps);
    nlohmann::json out = {{"quench_version", quench::buildInfo().version},
                          {"commit", quench::buildInfo().commit},
                          {"backend", quench::makeBackend(quench::BackendKind::Cpu)->description()},
                          {"n", c.n},
                          {"r", c.r},
                          {"k", c.k},
                          {"steps", c.steps},
                          {"precision", c.precision},
                          {"stepping_seconds", stepping},
                          {"stepping_neuron_steps_per_s", neuron_steps / stepping},
                          {"stepping_gflops", step_flops / stepping / 1e9},
                          {"stepping_coupling_gbytes_per_s", step_bytes / stepping / 1e9},
                          {"with_statistics_seconds", full},
                          {"with_statistics_neuron_steps_per_s", neuron_steps / full}};
    fmt::print("{}\n", out.dump());
    return 0;
}
