#pragma once
// The random-mode cavities depend on the modes only through (1/N) sum_a f(D_a, rho_a): modes sharing
// (D_a, rho_a) are one class, solved once (a flat spectrum with one overlap is a single class). Also the
// spectrum's power sums (g^2 = sum D^2 / N, kappa = sum D^4 / N).
#include <cmath>
#include <cstddef>
#include <map>
#include <utility>
#include <vector>

namespace quench::theory::detail {

// A mode class: strength d, overlap rho, and how many of the P modes share them.
struct ModeClass {
    double d, rho, count;
};

inline std::vector<ModeClass> modeClasses(const std::vector<double>& D, const std::vector<double>& rho) {
    std::map<std::pair<double, double>, double> counts;
    for (std::size_t a = 0; a < D.size(); ++a) counts[{D[a], rho[a]}] += 1.0;
    std::vector<ModeClass> out;
    out.reserve(counts.size());
    for (const auto& [key, count] : counts) out.push_back({key.first, key.second, count});
    return out;
}

// sum_a D_a^power.
inline double sumOfPowers(const std::vector<double>& D, int power) {
    double s = 0.0;
    for (const double d : D) s += std::pow(d, power);
    return s;
}

}  // namespace quench::theory::detail
