// A control variate for the auto means of networks with per-neuron gains (docs/theory/one_loop_site.md,
// section 11). A realization's E phi^2 averages f(b_i) = E phi(b_i x)^2 over its own N gains, so it scatters
// by Var_b f / N from realization to realization: the O(1) diagonal heterogeneity, which makes the 1/N terms
// of the auto means hard to resolve. m = mean_i f(b_i) - E_b f has mean zero exactly and follows that
// scatter; scripts/gain_control_fit.py subtracts beta m (beta by regression) from each realization's
// statistic, which leaves the mean unchanged and removes most of its variance. The gains are the simulator's
// own (drawNeuronParameters: seed, realization, neuron), f is taken at the N = infinity Var x. A second
// control, var_i f(b_i) - (1 - 1/N) Var_b f (also exactly zero-mean: the plug-in variance of N iid draws),
// follows the sample spread that phi's auto_var inherits (heterogeneity.md, section 9).
//
// With per-neuron time constants (--parameter tau; section 12) a realization's statistics move with its
// sample of tau_i through every class's site and the field they share, not through one known f; three exact
// zero-mean controls mean_i h(tau_i) - E h, h = 1/tau, tau and log tau (E h by 48-node quadrature), span most
// of it; six more, the plug-in (co)variances of the h(tau_i) less (1 - 1/N) times their exact values, span
// the realization's sample spread of the time constants, which the auto_var inherits (heterogeneity.md,
// section 10). These nine are the ones quench validate itself regresses on (neuron_draw_controls.hpp).
//   quench_gain_control_variate --seed 21 --n 25 --realizations 8192 --cv 0.5 --delta0 0.6645 > m.csv
//   quench_gain_control_variate --parameter tau --seed 31 --n 25 --realizations 8192 --cv 0.5 > m.csv
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "bench_activation.hpp"
#include "quench/neuron_parameters.hpp"
#include "quench/rng.hpp"
#include "quench/theory/gaussian_average.hpp"
#include "quench/theory/heterogeneous_gains.hpp"
#include "validate/neuron_draw_controls.hpp"

int main(int argc, char** argv) {
    CLI::App app{"per-realization control variate of the auto means with per-neuron gains"};
    std::string activation = "tanh", distribution = "lognormal", parameter = "gain";
    std::uint64_t seed = 21;
    int n = 25;
    std::int64_t first = 0, realizations = 1;
    double cv = 0.5, mean = 1.0, delta0 = 1.0;
    app.add_option("--parameter", parameter, "gain (network.gain_*) or tau (network.tau_*)")
        ->check(CLI::IsMember({"gain", "tau"}));
    app.add_option("--activation", activation, "tanh, erf, pade (tanh_3_2) or linear");
    app.add_option("--seed", seed, "ensemble.seed");
    app.add_option("--n", n, "network.n")->check(CLI::PositiveNumber);
    app.add_option("--first", first, "ensemble.first_realization");
    app.add_option("--realizations", realizations, "ensemble.realizations")->check(CLI::PositiveNumber);
    app.add_option("--distribution", distribution, "lognormal or uniform")
        ->check(CLI::IsMember({"lognormal", "uniform"}));
    app.add_option("--cv", cv, "network.gain_cv or network.tau_cv");
    app.add_option("--mean", mean, "network.gain_mean or network.tau_mean");
    app.add_option("--delta0", delta0, "the N = infinity Var x (gains only)")->check(CLI::PositiveNumber);
    CLI11_PARSE(app, argc, argv);
    using namespace quench;
    const Activation phi = bench::activationFromName(activation, 0.5);
    NeuronParameterSpec gain;
    gain.distribution =
        distribution == "uniform" ? NeuronDistribution::Uniform : NeuronDistribution::Lognormal;
    gain.cv = cv;
    gain.mean = mean;
    if (parameter == "tau") {
        // The controls quench validate regresses on (neuron_draw_controls.hpp), in its order.
        EnsembleSpec spec;
        spec.network.n = n;
        spec.network.tau = gain;
        spec.ensemble.seed = seed;
        fmt::print(
            "realization,control_inverse,control_tau,control_log,spread_inverse,spread_tau,spread_log,"
            "spread_inverse_tau,spread_inverse_log,spread_tau_log\n");
        for (std::int64_t r = first; r < first + realizations; ++r)
            fmt::print("{},{:.17g}\n", r, fmt::join(validation::neuronDrawControls(spec, r), ","));
        return 0;
    }
    const theory::GaussHermiteRule& rule = theory::defaultGaussHermiteRule();
    const auto f = [&](double b) {
        return theory::activationCorrelation(phi, b * b * delta0, b * b * delta0, rule);
    };
    double expected = 0.0, expected_square = 0.0;
    for (const theory::GainNode& c : theory::gainQuadrature(gain)) {
        const double at = f(c.b);
        expected += c.weight * at;
        expected_square += c.weight * at * at;
    }
    const double spread = expected_square - expected * expected;
    fmt::print("realization,control,control_spread\n");
    for (std::int64_t r = first; r < first + realizations; ++r) {
        const std::vector<double> b = drawNeuronParameters(gain, seed, RngStream::NeuronGain, r, n);
        double sum = 0.0, square = 0.0;
        for (const double v : b) {
            const double at = f(v);
            sum += at;
            square += at * at;
        }
        const double mean = sum / n;
        fmt::print("{},{:.17g},{:.17g}\n", r, mean - expected,
                   square / n - mean * mean - (1.0 - 1.0 / n) * spread);
    }
    return 0;
}
