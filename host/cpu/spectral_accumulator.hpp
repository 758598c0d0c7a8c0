#pragma once
// Streaming cross-spectral matrices C(w) of one variable (x or phi) of one realization at a few
// frequencies (Welch): each trial's measured time is cut into windows of length T_w, every window's
// tapered transform X(w) = sum_m h(t_m) v(t_m) e^{-i w t_m} dt (Hann taper h = sin^2(pi t / T_w),
// t_m the time since the window's start) is formed by a direct sum over the steps, and
// C(w) = E[X X^H] / int h^2 dt, which tends to the spectral density (C(0) = the ZF covariance) when T_w
// is long compared with the correlation time. The windows are split into kSplitGroups groups as the
// covariances are, so that |C_ij|^2 and Tr C C^H are estimated without the noise bias
// (docs/theory/frequency_resolved.md).
#include <array>
#include <complex>
#include <cstdint>
#include <string>
#include <vector>

#include "quench/ensemble_spec.hpp"
#include "quench/series.hpp"
#include "quench/statistics.hpp"
#include "statistics/split_covariance.hpp"

namespace quench::cpu {

struct SpectralPlan {
    std::vector<double> omegas;
    std::int64_t window_steps = 0;
    std::int64_t windows_per_trial = 0;
    double dt = 0.0;
};

// The plan of a spec's statistics.frequencies / statistics.window (no frequencies: omegas empty).
SpectralPlan planSpectral(const EnsembleSpec& spec);

// The taper-and-phase coefficients h(t_m) e^{-i w t_m} dt of step m of a window, element m * F + f for the
// plan's F frequencies: what every backend weighs each step's state with.
std::vector<std::complex<double>> spectralCoefficients(const SpectralPlan& plan);

class SpectralAccumulator {
public:
    // n units, k trials (state layout neuron-major: element i * k + t).
    SpectralAccumulator(int n, int k, const SpectralPlan& plan, bool zero_mean);

    // The state at measured step m (every step, from m = 0).
    template <class Real>
    void add(const Real* state, std::int64_t m);

    // For a backend that forms the window transforms itself (CUDA, with spectralCoefficients): a finished
    // window's transforms (per frequency, n x k, element i * k + t), added as add() would have.
    void addWindow(const std::vector<std::vector<std::complex<double>>>& transforms, std::int64_t window);

    // NAME.spectral.auto_mean (mean_i C_ii(w)), NAME.spectral.n_cross_var (N mean_{i != j} |C_ij(w)|^2,
    // split-sample corrected) and NAME.spectral.pr_over_n ((Tr C)^2 / (N Tr C C^H), corrected), over w.
    std::vector<Series> results(const std::string& variable) const;

private:
    void closeWindow(std::int64_t window);
    void accumulateWindow(const std::vector<std::vector<std::complex<double>>>& x, std::int64_t window);

    int n_, k_;
    SpectralPlan plan_;
    bool zero_mean_;
    SplitPlan split_;
    double taper_norm_ = 0.0;  // int h^2 dt
    // [frequency][step in window]: h(t_m) e^{-i w t_m} dt
    std::vector<std::vector<std::complex<double>>> kernel_;
    // [frequency]: running transforms of the current windows, n x k (element i * k + t)
    std::vector<std::vector<std::complex<double>>> x_;
    // [frequency][group]: sum of X X^H (n x n, full) and of X (n) over the group's windows
    std::vector<std::array<std::vector<std::complex<double>>, kSplitGroups>> second_, first_;
    std::array<std::int64_t, kSplitGroups> count_{};
};

}  // namespace quench::cpu
