#include "cpu/spectral_accumulator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace quench::cpu {

namespace {

using Complex = std::complex<double>;
constexpr double kPi = 3.14159265358979323846;

// The group matrices about the pooled mean (or zero), each divided by its window count and int h^2.
std::array<std::vector<Complex>, kSplitGroups> groupMatrices(
    const std::array<std::vector<Complex>, kSplitGroups>& second,
    const std::array<std::vector<Complex>, kSplitGroups>& first,
    const std::array<std::int64_t, kSplitGroups>& count, int n, bool zero_mean, double norm) {
    std::vector<Complex> mean(static_cast<std::size_t>(n), Complex(0.0));
    std::int64_t total = 0;
    for (int g = 0; g < kSplitGroups; ++g) {
        total += count[g];
        for (int i = 0; i < n; ++i) mean[i] += first[g][i];
    }
    if (total > 0)
        for (Complex& m : mean) m /= static_cast<double>(total);
    std::array<std::vector<Complex>, kSplitGroups> out;
    for (int g = 0; g < kSplitGroups; ++g) {
        out[g].assign(static_cast<std::size_t>(n) * n, Complex(std::numeric_limits<double>::quiet_NaN()));
        if (count[g] == 0) continue;
        const double c = static_cast<double>(count[g]);
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) {
                const std::size_t e = static_cast<std::size_t>(i) * n + j;
                Complex v = second[g][e] / c;
                if (!zero_mean) v -= mean[i] * std::conj(mean[j]);
                out[g][e] = v / norm;
            }
    }
    return out;
}

struct SpectralStatistics {
    double auto_mean, n_cross_var, pr_over_n;
};

// Products of distinct groups are unbiased for |C_ij|^2 (the groups are independent).
SpectralStatistics statisticsOf(const std::array<std::vector<Complex>, kSplitGroups>& g, int n) {
    double trace = 0.0;
    for (int a = 0; a < kSplitGroups; ++a)
        for (int i = 0; i < n; ++i) trace += g[a][static_cast<std::size_t>(i) * n + i].real();
    trace /= kSplitGroups;
    double all = 0.0, off = 0.0;
    int pairs = 0;
    for (int a = 0; a < kSplitGroups; ++a)
        for (int b = a + 1; b < kSplitGroups; ++b) {
            ++pairs;
            for (int i = 0; i < n; ++i)
                for (int j = 0; j < n; ++j) {
                    const std::size_t e = static_cast<std::size_t>(i) * n + j;
                    const double p = (g[a][e] * std::conj(g[b][e])).real();
                    all += p;
                    if (i != j) off += p;
                }
        }
    all /= pairs;
    off /= pairs;
    const double nn = static_cast<double>(n);
    return {trace / nn, nn * off / (nn * (nn - 1.0)), trace * trace / (nn * all)};
}

}  // namespace

SpectralPlan planSpectral(const EnsembleSpec& spec) {
    SpectralPlan plan;
    plan.omegas = spec.statistics.frequencies;
    plan.dt = spec.integration.dt;
    plan.window_steps = std::max<std::int64_t>(1, std::llround(spec.statistics.window / plan.dt));
    plan.windows_per_trial = planSteps(spec.integration).measure_steps / plan.window_steps;
    return plan;
}

std::vector<Complex> spectralCoefficients(const SpectralPlan& plan) {
    const std::size_t f = plan.omegas.size();
    const double tw = static_cast<double>(plan.window_steps) * plan.dt;
    std::vector<Complex> table(static_cast<std::size_t>(plan.window_steps) * f);
    for (std::int64_t m = 0; m < plan.window_steps; ++m) {
        const double t = static_cast<double>(m) * plan.dt;
        const double h = std::pow(std::sin(kPi * t / tw), 2);
        for (std::size_t w = 0; w < f; ++w)
            table[static_cast<std::size_t>(m) * f + w] = std::polar(h * plan.dt, -plan.omegas[w] * t);
    }
    return table;
}

SpectralAccumulator::SpectralAccumulator(int n, int k, const SpectralPlan& plan, bool zero_mean)
    : n_(n), k_(k), plan_(plan), zero_mean_(zero_mean), split_(k) {
    const std::size_t f = plan.omegas.size();
    const double tw = static_cast<double>(plan.window_steps) * plan.dt;
    for (std::int64_t m = 0; m < plan.window_steps; ++m)
        taper_norm_ += std::pow(std::sin(kPi * static_cast<double>(m) * plan.dt / tw), 4) * plan.dt;
    const std::vector<Complex> table = spectralCoefficients(plan);
    kernel_.assign(f, std::vector<Complex>(static_cast<std::size_t>(plan.window_steps)));
    for (std::size_t w = 0; w < f; ++w)
        for (std::int64_t m = 0; m < plan.window_steps; ++m)
            kernel_[w][static_cast<std::size_t>(m)] = table[static_cast<std::size_t>(m) * f + w];
    x_.assign(f, std::vector<Complex>(static_cast<std::size_t>(n) * k, Complex(0.0)));
    second_.resize(f);
    first_.resize(f);
    for (std::size_t w = 0; w < f; ++w)
        for (int g = 0; g < kSplitGroups; ++g) {
            second_[w][g].assign(static_cast<std::size_t>(n) * n, Complex(0.0));
            first_[w][g].assign(static_cast<std::size_t>(n), Complex(0.0));
        }
}

template <class Real>
void SpectralAccumulator::add(const Real* state, std::int64_t m) {
    const std::int64_t window = m / plan_.window_steps;
    if (window >= plan_.windows_per_trial) return;  // the tail shorter than a window
    const std::int64_t step = m % plan_.window_steps;
    const std::size_t kn = static_cast<std::size_t>(n_) * k_;
    for (std::size_t w = 0; w < kernel_.size(); ++w) {
        const Complex c = kernel_[w][static_cast<std::size_t>(step)];
        Complex* x = x_[w].data();
        for (std::size_t e = 0; e < kn; ++e) x[e] += c * static_cast<double>(state[e]);
    }
    if (step + 1 == plan_.window_steps) closeWindow(window);
}

template void SpectralAccumulator::add<float>(const float*, std::int64_t);
template void SpectralAccumulator::add<double>(const double*, std::int64_t);

void SpectralAccumulator::closeWindow(std::int64_t window) {
    accumulateWindow(x_, window);
    for (std::vector<Complex>& x : x_) std::fill(x.begin(), x.end(), Complex(0.0));
}

void SpectralAccumulator::addWindow(const std::vector<std::vector<Complex>>& transforms,
                                    std::int64_t window) {
    const std::size_t kn = static_cast<std::size_t>(n_) * k_;
    if (transforms.size() != kernel_.size())
        throw std::invalid_argument("spectral window: one transform per frequency expected");
    for (const std::vector<Complex>& x : transforms)
        if (x.size() != kn)
            throw std::invalid_argument("spectral window: a transform must hold n x k values");
    if (window < 0 || window >= plan_.windows_per_trial) return;  // the tail shorter than a window
    accumulateWindow(transforms, window);
}

void SpectralAccumulator::accumulateWindow(const std::vector<std::vector<Complex>>& transforms,
                                           std::int64_t window) {
    const int segment = split_.segment(window, plan_.windows_per_trial);
    for (int t = 0; t < k_; ++t) {
        const int g = split_.group(t, segment);
        ++count_[g];
        for (std::size_t w = 0; w < transforms.size(); ++w) {
            const Complex* x = transforms[w].data();
            Complex* second = second_[w][g].data();
            Complex* first = first_[w][g].data();
            for (int i = 0; i < n_; ++i) {
                const Complex xi = x[static_cast<std::size_t>(i) * k_ + t];
                first[i] += xi;
                for (int j = 0; j < n_; ++j)
                    second[static_cast<std::size_t>(i) * n_ + j] +=
                        xi * std::conj(x[static_cast<std::size_t>(j) * k_ + t]);
            }
        }
    }
}

std::vector<Series> SpectralAccumulator::results(const std::string& variable) const {
    Series a{variable + ".spectral.auto_mean", "omega", plan_.omegas, {}};
    Series dc2{variable + ".spectral.n_cross_var", "omega", plan_.omegas, {}};
    Series pr{variable + ".spectral.pr_over_n", "omega", plan_.omegas, {}};
    for (std::size_t w = 0; w < plan_.omegas.size(); ++w) {
        const SpectralStatistics s =
            statisticsOf(groupMatrices(second_[w], first_[w], count_, n_, zero_mean_, taper_norm_), n_);
        a.values.push_back(s.auto_mean);
        dc2.values.push_back(s.n_cross_var);
        pr.values.push_back(s.pr_over_n);
    }
    return {a, dc2, pr};
}

}  // namespace quench::cpu
