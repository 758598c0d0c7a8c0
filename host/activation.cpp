// Names of the activations, the Pade presets, and the construction of a checked Pade activation.
#include "quench/activation.hpp"

#include <lapacke.h>

#include <array>
#include <cmath>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "quench/error.hpp"

namespace quench {
namespace {

struct NamedKind {
    std::string_view name;
    ActivationKind kind;
};

constexpr std::array<NamedKind, 7> kActivationNames = {{
    {"linear", ActivationKind::Linear},
    {"tanh", ActivationKind::Tanh},
    {"erf", ActivationKind::Erf},
    {"power_law", ActivationKind::PowerLaw},
    {"pade", ActivationKind::Pade},
    {"relu", ActivationKind::Relu},
    {"threshold_linear", ActivationKind::ThresholdLinear},
}};

struct NamedPreset {
    std::string_view name;
    std::vector<double> p;
    std::vector<double> q;
};

// Convergents of the continued fraction tanh x = x / (1 + x^2 / (3 + x^2 / (5 + ...))).
const std::vector<NamedPreset>& padePresets() {
    static const std::vector<NamedPreset> presets = {
        {"tanh_1_2", {0, 3}, {3, 0, 1}},
        {"tanh_3_2", {0, 15, 0, 1}, {15, 0, 6}},
        {"tanh_3_4", {0, 105, 0, 10}, {105, 0, 45, 0, 1}},
        {"tanh_5_4", {0, 945, 0, 105, 0, 1}, {945, 0, 420, 0, 15}},
    };
    return presets;
}

std::vector<double> trimTrailingZeros(std::vector<double> c) {
    while (!c.empty() && c.back() == 0.0) c.pop_back();
    return c;
}

std::string listText(const std::vector<double>& c) {
    return fmt::format("[{}]", fmt::join(c, ", "));
}

// Checks what both lists need: finite entries, not all zero, and room in the fixed-size arrays.
std::vector<double> checkedCoefficients(const char* key, const char* what, const std::vector<double>& raw) {
    for (const double c : raw) {
        if (!std::isfinite(c))
            throw ConfigError(key, listText(raw),
                              fmt::format("the {} coefficients must be finite numbers", what));
    }
    std::vector<double> c = trimTrailingZeros(raw);
    if (c.empty()) {
        throw ConfigError(
            key, listText(raw),
            fmt::format("the {} must have at least one nonzero coefficient (ascending powers of x)", what));
    }
    if (static_cast<int>(c.size()) > kMaxPadeCoefficients) {
        throw ConfigError(
            key, listText(raw),
            fmt::format("the {} may have at most {} coefficients (degree {}); this one has degree {}", what,
                        kMaxPadeCoefficients, kMaxPadeCoefficients - 1, c.size() - 1));
    }
    return c;
}

// Roots of the polynomial sum_i c_i x^i (c trimmed, degree >= 1) as eigenvalues of its companion matrix.
std::vector<std::pair<double, double>> polynomialRoots(const std::vector<double>& c) {
    const int degree = static_cast<int>(c.size()) - 1;
    std::vector<double> companion(static_cast<std::size_t>(degree) * degree, 0.0);
    for (int i = 1; i < degree; ++i) companion[static_cast<std::size_t>(i) * degree + (i - 1)] = 1.0;
    for (int i = 0; i < degree; ++i)
        companion[static_cast<std::size_t>(i) * degree + (degree - 1)] = -c[i] / c[degree];
    std::vector<double> re(degree), im(degree);
    const lapack_int info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'N', degree, companion.data(), degree,
                                          re.data(), im.data(), nullptr, 1, nullptr, 1);
    if (info != 0) {
        throw ConfigError(
            "network.pade_q", listText(c),
            fmt::format("could not find the roots of the denominator (LAPACK dgeev info {})", info));
    }
    std::vector<std::pair<double, double>> roots;
    for (int i = 0; i < degree; ++i) roots.emplace_back(re[i], im[i]);
    return roots;
}

// A root closer to the real axis than rounding can resolve counts as real: phi would have a pole there.
void rejectRealRoots(const std::vector<double>& q) {
    if (q.size() < 2) return;
    for (const auto& [re, im] : polynomialRoots(q)) {
        if (std::fabs(im) <= 1e-9 * (1.0 + std::hypot(re, im))) {
            throw ConfigError(
                "network.pade_q", listText(q),
                fmt::format("the denominator Q(x) vanishes at the real point x = {:.6g}, so phi = P/Q "
                            "has a pole there; Q must have no real root (an odd-degree Q always has one)",
                            re));
        }
    }
}

void copyInto(const std::vector<double>& c, double* out, int& count) {
    count = static_cast<int>(c.size());
    for (int i = 0; i < count; ++i) out[i] = c[i];
}

}  // namespace

std::string_view activationName(ActivationKind kind) {
    for (const auto& entry : kActivationNames) {
        if (entry.kind == kind) return entry.name;
    }
    return "unknown";
}

std::optional<ActivationKind> parseActivationKind(std::string_view name) {
    for (const auto& entry : kActivationNames) {
        if (entry.name == name) return entry.kind;
    }
    return std::nullopt;
}

std::vector<std::string> activationNames() {
    std::vector<std::string> names;
    for (const auto& entry : kActivationNames) names.emplace_back(entry.name);
    return names;
}

std::optional<PadeCoefficients> padePreset(std::string_view name) {
    for (const auto& preset : padePresets()) {
        if (preset.name == name) return PadeCoefficients{preset.p, preset.q};
    }
    return std::nullopt;
}

std::vector<std::string> padePresetNames() {
    std::vector<std::string> names;
    for (const auto& preset : padePresets()) names.emplace_back(preset.name);
    return names;
}

Activation makePadeActivation(const std::vector<double>& p, const std::vector<double>& q) {
    const std::vector<double> numerator = checkedCoefficients("network.pade_p", "numerator P(x)", p);
    const std::vector<double> denominator = checkedCoefficients("network.pade_q", "denominator Q(x)", q);
    rejectRealRoots(denominator);
    Activation activation;
    activation.kind = ActivationKind::Pade;
    copyInto(numerator, activation.p, activation.p_count);
    copyInto(denominator, activation.q, activation.q_count);
    return activation;
}

}  // namespace quench
