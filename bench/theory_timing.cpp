// Time per point of the theory solvers (issue goal: the ET double frequency integral < 10 ms).
// Prints one JSON object.
#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "quench/build_info.hpp"
#include "quench/theory/dmft.hpp"
#include "quench/theory/linear_theory.hpp"

namespace {

template <class F>
double millisecondsPerCall(F&& f, int calls) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i) f();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / calls;
}

}  // namespace

int main() {
    using namespace quench::theory;
    nlohmann::json out = {{"commit", quench::buildInfo().commit}};
    quench::Activation tanh_phi;
    tanh_phi.kind = quench::ActivationKind::Tanh;
    for (const double g : {0.3, 0.9}) {
        const std::string key = fmt::format("g={}", g);
        out["linear_et_m2_double_integral_ms"][key] =
            millisecondsPerCall([&] { linearEqualTimeM2DoubleIntegral(g, 1.0); }, 5);
        out["linear_et_m2_single_integral_ms"][key] =
            millisecondsPerCall([&] { linearEqualTimeM2SingleIntegral(g, 1.0); }, 50);
        out["linear_et_closed_form_ms"][key] = millisecondsPerCall([&] { linearEqualTimeIid(g, 1.0); }, 10000);
        out["dmft_white_noise_tanh_ms"][key] = millisecondsPerCall([&] { solveWhiteNoiseDmft(tanh_phi, g, 1.0); }, 20);
    }
    fmt::print("{}\n", out.dump(1));
    return 0;
}
