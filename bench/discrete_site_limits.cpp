// The N = infinity statistics of an iid (eta = 0) nonlinear network as the simulator integrates it
// (exponential Euler or Euler-Maruyama at the given dt, white noise): the discrete Gaussian site without
// sampling and its linear-response network (host/theory/discrete_gaussian_site.hpp). `quench theory` reports
// its ET statistics for tanh, erf and Pade; this tool also prints its ZF ones and any activation, for fits of
// simulations at one dt with S_inf fixed (scripts/fixed_limit_fit.py; docs/theory/nonlinear_finite_size.md,
// section 1b), and the ET site-to-site spread lim N auto_var (docs/theory/site_auto_variance.md). The
// continuous-time DMFT is its dt -> 0 limit.
//   quench_discrete_site_limits --activation tanh --g 1,1.5,2 --dt 0.05
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "bench_activation.hpp"
#include "quench/ensemble_spec.hpp"
#include "step_coefficients.hpp"
#include "theory/discrete_gaussian_site.hpp"
#include "theory/site_auto_variance.hpp"

namespace {

void printLimits(const std::string& activation, double alpha, const std::vector<double>& gs, double sigma,
                 double dt, const std::string& method) {
    using namespace quench;
    const Activation phi = bench::activationFromName(activation, alpha);
    EnsembleSpec spec;
    spec.integration.dt = dt;
    spec.noise.sigma = sigma;
    if (method == "euler_maruyama")
        spec.integration.method = IntegrationMethod::EulerMaruyama;
    else if (method != "exponential_euler")
        throw std::invalid_argument("--method: '" + method +
                                    "' (allowed: exponential_euler, euler_maruyama)");
    const StepCoefficients step = stepCoefficients(spec);
    fmt::print("# {} sigma {} dt {} {}: N = infinity limits of the discrete network\n", activation, sigma, dt,
               method);
    fmt::print("# g lags variable covariance auto_mean m2 n_cross_var pr_over_n\n");
    for (const double g : gs) {
        const auto site = theory::detail::discreteGaussianSiteUntilDecayed(phi, g, step, dt);
        const std::size_t lags = site.delta.size();
        const auto four = theory::detail::discreteGaussianSiteFourPoints(site, g, step, dt);
        const auto row = [&](const char* variable, const char* covariance,
                             const theory::SampledFourPoint& s) {
            fmt::print("{} {} {} {} {:.9g} {:.9g} {:.9g} {:.9g}\n", g, lags, variable, covariance,
                       s.auto_mean.value, s.m2.value, s.n_cross_var.value, s.pr_over_n.value);
        };
        row("x", "equal_time", four.x_et);
        row("phi", "equal_time", four.phi_et);
        row("x", "zero_frequency", four.x_zf);
        row("phi", "zero_frequency", four.phi_zf);
        // A comment line, so that the fit scripts' column parsing is unchanged.
        const auto gaussian = theory::detail::siteAutoVariance(phi, site, g, step, false);
        const auto zero = theory::detail::siteAutoVariance(phi, site, g, step, true);
        fmt::print(
            "# {} equal_time lim N auto_var (docs/theory/site_auto_variance.md): x {:.9g} phi {:.9g} "
            "(Gaussian diagonal), x {:.9g} phi {:.9g} (zero diagonal); from the input row: x {:.9g} "
            "phi {:.9g}\n",
            g, gaussian.x, gaussian.phi, zero.x, zero.phi, gaussian.x_input, gaussian.phi_input);
        const auto zf_gaussian = theory::detail::zeroFrequencySiteAutoVariance(phi, site, g, step, dt, false);
        const auto zf_zero = theory::detail::zeroFrequencySiteAutoVariance(phi, site, g, step, dt, true);
        const auto phi_zf = [](const theory::detail::ZeroFrequencySiteAutoVariance& k) {
            return k.has_phi ? fmt::format("{:.9g}", k.phi) : std::string("-");
        };
        fmt::print(
            "# {} zero_frequency lim N auto_var: x {:.9g} phi {} (Gaussian diagonal), x {:.9g} phi {} (zero "
            "diagonal); from the input row: x {:.9g} phi {}{}\n",
            g, zf_gaussian.x, phi_zf(zf_gaussian), zf_zero.x, phi_zf(zf_zero), zf_gaussian.x_input,
            zf_gaussian.has_phi ? fmt::format("{:.9g}", zf_gaussian.phi_input) : std::string("-"),
            zf_gaussian.has_phi ? std::string() : "; phi's is left out: " + zf_gaussian.phi_reason);
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"N = infinity statistics of the simulator's recursion for iid couplings (eta = 0)"};
    std::string activation = "tanh", method = "exponential_euler";
    std::vector<double> gs = {1.0};
    double sigma = 1.0, alpha = 0.5, dt = 0.05;
    app.add_option("--activation", activation, "tanh, erf, power_law (alpha) or pade (tanh_3_2)");
    app.add_option("--alpha", alpha, "power-law exponent");
    app.add_option("--g", gs, "couplings, comma separated")->delimiter(',');
    app.add_option("--sigma", sigma, "white-noise amplitude");
    app.add_option("--dt", dt, "integration step")->check(CLI::PositiveNumber);
    app.add_option("--method", method, "exponential_euler or euler_maruyama");
    CLI11_PARSE(app, argc, argv);
    // A solver that cannot settle or a sum that is not finite is a message and a non-zero exit, not an abort.
    try {
        printLimits(activation, alpha, gs, sigma, dt, method);
    } catch (const std::exception& e) {
        std::fflush(stdout);
        fmt::print(stderr, "quench_discrete_site_limits: {}\n", e.what());
        return 1;
    }
    return 0;
}
