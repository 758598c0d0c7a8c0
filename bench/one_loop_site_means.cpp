// The one-loop (1/N) coefficients of the single-site means of an iid (eta = 0) network with the Gaussian
// or (--zero-diagonal) the zero diagonal, white or (--tau) Ornstein-Uhlenbeck noise, as the simulator
// integrates it, optionally with per-neuron gains phi(b_i x_i) (--gain-distribution, --gain-cv) and
// per-neuron time constants tau_i (--neuron-tau-distribution, --neuron-tau-cv)
// (host/theory/one_loop_site.hpp; docs/theory/one_loop_site.md): c in E_J[S](N) = S(infinity) + c / N for the
// ET and ZF auto means of x and phi, with Monte-Carlo standard errors. `quench theory --order 1` reports the
// same numbers; this tool takes a list of g and the sampling options, for the doc's tables.
//   quench_one_loop_site_means --activation tanh --g 1,1.5,2 --dt 0.05
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "bench_activation.hpp"
#include "quench/ensemble_spec.hpp"
#include "step_coefficients.hpp"
#include "theory/one_loop_site.hpp"

int main(int argc, char** argv) {
    CLI::App app{"one-loop 1/N coefficients of the single-site means (iid couplings, eta = 0)"};
    std::string activation = "tanh";
    std::vector<double> gs = {1.0};
    double sigma = 1.0, tau = 0.0, dt = 0.05;
    bool zero_diagonal = false;
    std::string gain_distribution = "none";
    quench::NeuronParameterSpec gain, tau_i;
    std::string tau_distribution = "none";
    int tau_classes = 8;
    quench::theory::detail::OneLoopOptions options;
    app.add_option("--activation", activation, "tanh, erf, pade (tanh_3_2) or linear");
    app.add_option("--g", gs, "couplings, comma separated")->delimiter(',');
    app.add_option("--sigma", sigma, "noise amplitude");
    app.add_option("--tau", tau, "Ornstein-Uhlenbeck noise correlation time (0: white noise)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--dt", dt, "integration step (exponential Euler)")->check(CLI::PositiveNumber);
    app.add_option("--window", options.window, "lags kept, in time units")->check(CLI::PositiveNumber);
    app.add_option("--paths", options.paths, "sample paths of the N = infinity site")
        ->check(CLI::Range(2, 1 << 20));
    app.add_option("--steps", options.steps, "kept steps per path")->check(CLI::Range(1, 1 << 26));
    app.add_option("--seed", options.seed, "seed of the sample paths");
    app.add_flag("--zero-diagonal", zero_diagonal,
                 "J_ii = 0 (coupling.zero_diagonal) instead of N(0, g^2/N)");
    app.add_option("--gain-distribution", gain_distribution, "per-neuron gains: none, lognormal or uniform")
        ->check(CLI::IsMember({"none", "lognormal", "uniform"}));
    app.add_option("--gain-mean", gain.mean, "mean gain")->check(CLI::PositiveNumber);
    app.add_option("--gain-cv", gain.cv, "coefficient of variation of the gains")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--neuron-tau-distribution", tau_distribution,
                   "per-neuron time constants: none, lognormal or uniform")
        ->check(CLI::IsMember({"none", "lognormal", "uniform"}));
    app.add_option("--neuron-tau-mean", tau_i.mean, "mean time constant")->check(CLI::PositiveNumber);
    app.add_option("--neuron-tau-cv", tau_i.cv, "coefficient of variation of the time constants")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--neuron-tau-classes", tau_classes,
                   "classes of time constant (Gauss nodes of the distribution; 1 without a spread)")
        ->check(CLI::Range(1, 64));
    CLI11_PARSE(app, argc, argv);
    const auto distribution = [](const std::string& name) {
        return name == "lognormal" ? quench::NeuronDistribution::Lognormal
               : name == "uniform" ? quench::NeuronDistribution::Uniform
                                   : quench::NeuronDistribution::None;
    };
    gain.distribution = distribution(gain_distribution);
    tau_i.distribution = distribution(tau_distribution);
    using namespace quench;
    const Activation phi = bench::activationFromName(activation, 0.5);
    EnsembleSpec spec;
    spec.integration.dt = dt;
    spec.noise.sigma = sigma;
    spec.noise.tau = tau;
    std::vector<theory::detail::TimeConstantClass> taus;
    for (const theory::GainNode& node : theory::gainQuadrature(tau_i, tau_i.cv > 0.0 ? tau_classes : 1))
        taus.push_back({node.weight, stepCoefficients(spec, node.b)});
    fmt::print(
        "# {} sigma {} tau {} dt {} {} diagonal, gains {} mean {} cv {}, time constants {} mean {} cv {} ({} "
        "classes), window {} paths {} steps {} seed {}: ",
        activation, sigma, tau, dt, zero_diagonal ? "zero" : "Gaussian", gain_distribution, gain.mean,
        gain.cv, tau_distribution, tau_i.mean, tau_i.cv, taus.size(), options.window, options.paths,
        options.steps, options.seed);
    fmt::print("c in S(N) = S_inf + c/N (+- se)\n");
    const theory::DiagonalConvention diagonal =
        zero_diagonal ? theory::DiagonalConvention::Zero : theory::DiagonalConvention::Gaussian;
    // phi_av_loop, x_av_loop: with a spread of gains or time constants, the one loop's part of the ET
    // auto_var coefficient (the rest is the classes' within-class spread, which quench theory --order 1
    // adds; heterogeneity.md, sections 9 and 10); x's only with time constants.
    fmt::print("# g lags paths x_et_a phi_et_a x_zf_a phi_zf_a phi_av_loop x_av_loop seconds\n");
    for (const double g : gs) {
        const auto start = std::chrono::steady_clock::now();
        const auto c = theory::detail::oneLoopSiteMeans(phi, g, taus, dt, diagonal, options, gain);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const auto cell = [](const theory::detail::OneLoopValue& v) {
            return fmt::format("{:.5g}+-{:.2g}", v.value, v.se);
        };
        fmt::print("{} {} {} {} {} {} {} {} {} {:.1f}\n", g, c.lags, c.paths, cell(c.x_et_a),
                   cell(c.phi_et_a), cell(c.x_zf_a), cell(c.phi_zf_a),
                   c.has_phi_et_auto_var ? cell(c.phi_et_auto_var) : std::string("-"),
                   c.has_x_et_auto_var ? cell(c.x_et_auto_var) : std::string("-"), seconds);
    }
    return 0;
}
