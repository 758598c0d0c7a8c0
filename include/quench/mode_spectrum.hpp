#pragma once
// The spectrum D_1..D_P of the random-mode couplings J = sum_a D_a u_a v_a^T: one definition shared
// by the simulator (which draws J) and the theory (which predicts its statistics).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace quench {

enum class ModeSpectrum : int {
    Flat,         // D_a = c
    PowerLaw,     // D_a = c a^-decay,         a = 1..P
    Exponential,  // D_a = c exp(-decay a / P), a = 1..P
    TwoValued,    // D_a = c for the P_s = max(1, round(strong_fraction P)) strong modes a = 1..P_s,
                  // c weak_ratio for the others
};

// Number of strong modes of the two-valued spectrum: P_s = min(P, max(1, round(strong_fraction P))).
inline int strongModeCount(int p, double strong_fraction) {
    const long strong = std::lround(strong_fraction * p);
    return static_cast<int>(std::min<long>(p, std::max<long>(1, strong)));
}

// D_a for a = 1..P (index a - 1, largest first), with c fixed so that (1/N) sum_a D_a^2 = g^2.
// strong_fraction and weak_ratio are used by TwoValued only.
// Arguments are assumed valid (P, N >= 1, g, decay >= 0, strong_fraction in (0, 1], weak_ratio in
// [0, 1]); callers validate.
inline std::vector<double> modeSpectrumValues(ModeSpectrum kind, int p, int n, double g, double decay,
                                              double strong_fraction = 1.0, double weak_ratio = 0.0) {
    std::vector<double> d(static_cast<std::size_t>(p));
    double sum_sq = 0.0;
    const int strong = kind == ModeSpectrum::TwoValued ? strongModeCount(p, strong_fraction) : p;
    for (int a = 1; a <= p; ++a) {
        double value = 1.0;
        if (kind == ModeSpectrum::PowerLaw) value = std::pow(static_cast<double>(a), -decay);
        if (kind == ModeSpectrum::Exponential) value = std::exp(-decay * a / static_cast<double>(p));
        if (kind == ModeSpectrum::TwoValued && a > strong) value = weak_ratio;
        d[static_cast<std::size_t>(a - 1)] = value;
        sum_sq += value * value;
    }
    const double scale = g * std::sqrt(static_cast<double>(n) / sum_sq);
    for (double& x : d) x *= scale;
    return d;
}

}  // namespace quench
