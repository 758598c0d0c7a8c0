// Writes what scripts/nonlinear_mean_shift.py needs to evaluate the O(1/N) shift of the order parameters
// of a nonlinear network (docs/theory/nonlinear_finite_size.md, section 3): the DMFT Delta(tau) and
// C_phi(tau) on a tau grid, gamma and g_eff, and the frozen linear-equivalence 1/N coefficients.
//   quench_export_order_parameters --activation tanh --g 1.5 --sigma 1 --out dmft.txt
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "bench_activation.hpp"
#include "quench/theory/nonlinear_finite_size.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Export the DMFT correlation and the frozen linear-equivalence 1/N coefficients"};
    std::string activation = "tanh", out;
    double g = 1.0, sigma = 1.0, alpha = 0.5, dt = 0.02;
    app.add_option("--activation", activation, "tanh, power_law (alpha) or pade (tanh_3_2)");
    app.add_option("--alpha", alpha, "power-law exponent");
    app.add_option("--g", g, "coupling");
    app.add_option("--sigma", sigma, "white-noise amplitude");
    app.add_option("--dt", dt, "tau grid step");
    app.add_option("--out", out, "output file")->required();
    CLI11_PARSE(app, argc, argv);
    using namespace quench::theory;
    const quench::Activation phi = quench::bench::activationFromName(activation, alpha);
    DmftGridOptions options;
    options.dt = dt;
    const DmftCorrelation c = solveWhiteNoiseCorrelation(phi, g, sigma, options);
    const LinearFirstOrder et = frozenEquivalenceEqualTimeFirstOrder(c, g, DiagonalConvention::Gaussian);
    const std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(out.c_str(), "w"), &std::fclose);
    if (!f) throw std::runtime_error("cannot write " + out);
    fmt::print(f.get(), "{} {} {} {} {} {} {} {}\n", activation, g, sigma, c.delta0, c.gamma, c.g_eff, c.dt,
               c.delta.size());
    fmt::print(f.get(), "{} {} {} {}\n", et.auto_mean, et.m2, et.pr_over_n, *et.n_cross_var);
    for (std::size_t k = 0; k < c.delta.size(); ++k) fmt::print(f.get(), "{} {}\n", c.delta[k], c.c_phi[k]);
    return 0;
}
