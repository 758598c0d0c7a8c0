// Verification of the 1/N coefficients of include/quench/theory/linear_finite_size.hpp against exact
// per-realization covariances (LU inverse for ZF, Bartels-Stewart Lyapunov solve for ET) of the
// simulator's own coupling matrices, over many realizations at several N.
//
// For each statistic S it fits the realization means by weighted least squares,
//     S(N) = S_inf + c / N            (+ d / N^2 when the straight fit fails chi^2 at the 5 % level),
// weights 1 / SE^2, and prints a Markdown table: fitted c +- SE, derived c, z = (c_fit - c) / SE and the
// relative SE. Realizations without a stationary state (an eigenvalue of J with real part >= 1) are
// counted and excluded; the medians and the largest a / a_inf are printed beside the means so that a
// heavy tail shows. Every N uses its own seed, so the points of a fit are independent.
//
// Example (docs/theory/linear_finite_size.md): OPENBLAS_NUM_THREADS=1 nice -n 10
//   build/bench/quench_check_linear_finite_size --covariance zf --g 0.5 --n 50,100,200,400 --r 8000,4000,2000,1000
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "quench/coupling.hpp"
#include "quench/statistics.hpp"
#include "quench/theory/linear_finite_size.hpp"
#include "quench/theory/lyapunov.hpp"

namespace {

using quench::theory::LinearFirstOrder;

enum Column { kAutoMean, kM2, kPrOverN, kNCrossVar, kAutoVar, kColumns };
constexpr std::array<const char*, kColumns> kNames = {"auto_mean", "m2", "pr_over_n", "n_cross_var", "auto_var"};

// The simulator's statistics (host/statistics/covariance_statistics.cpp) of an exactly known C, where the
// split-sample estimators equal the plug-in ones.
std::array<double, kColumns> statisticsOf(const std::vector<double>& c, int n) {
    double diag = 0.0, diag_sq = 0.0, all = 0.0, all_sq = 0.0;
    for (int i = 0; i < n; ++i) {
        const double v = c[static_cast<size_t>(i) * n + i];
        diag += v;
        diag_sq += v * v;
    }
    for (const double v : c) {
        all += v;
        all_sq += v * v;
    }
    const double nd = n, pairs = nd * (nd - 1.0);
    const double off = all - diag, off_sq = all_sq - diag_sq;
    const double a = diag / nd;
    return {a, all_sq / nd, diag * diag / all_sq / nd, nd * (off_sq / pairs - (off / pairs) * (off / pairs)),
            diag_sq / nd - a * a};
}

// The same numbers through quench::computeStatistics, to pin the definitions above to the simulator's.
void requireSameAsSimulator(const std::vector<double>& c, int n) {
    quench::SplitCovariance split;
    split.n = n;
    for (auto& group : split.group) group = c;
    split.pooled = c;
    const quench::StatisticValues s = quench::computeStatistics(split);
    const std::array<double, kColumns> mine = statisticsOf(c, n);
    const std::array<double, kColumns> theirs = {
        s[static_cast<int>(quench::Statistic::AutoMean)], s[static_cast<int>(quench::Statistic::M2)],
        s[static_cast<int>(quench::Statistic::PrOverN)], n * s[static_cast<int>(quench::Statistic::CrossVar)],
        s[static_cast<int>(quench::Statistic::AutoVar)]};
    for (int k = 0; k < kColumns; ++k)
        if (std::abs(mine[k] - theirs[k]) > 1e-9 * (std::abs(theirs[k]) + 1e-12))
            throw std::logic_error(fmt::format("statistic {} differs from computeStatistics", kNames[k]));
}

struct Sample {
    int n = 0;
    int stable = 0;
    int unstable = 0;
    double seconds = 0.0;
    std::array<std::vector<double>, kColumns> values;
};

struct Moments {
    double mean = 0.0;
    double se = 0.0;
    double median = 0.0;
};

Moments momentsOf(std::vector<double> x) {
    const double count = static_cast<double>(x.size());
    double mean = 0.0, var = 0.0;
    for (const double v : x) mean += v / count;
    for (const double v : x) var += (v - mean) * (v - mean) / (count - 1.0);
    std::nth_element(x.begin(), x.begin() + x.size() / 2, x.end());
    return {mean, std::sqrt(var / count), x[x.size() / 2]};
}

struct Options {
    std::string covariance = "zf";
    double g = 0.5;
    double eta = 0.0;
    bool zero_diagonal = false;
    std::vector<int> n = {50, 100, 200, 400};
    std::vector<int> r = {4000, 2000, 1000, 500};
    std::uint64_t seed = 20261126;
};

Sample sampleAt(const Options& o, int n, int realizations) {
    quench::EnsembleSpec spec;
    spec.network.n = n;
    spec.coupling.g = o.g;
    spec.coupling.symmetry = o.eta;
    spec.coupling.zero_diagonal = o.zero_diagonal;
    spec.ensemble.seed = o.seed + static_cast<std::uint64_t>(n);  // independent points across N
    Sample s;
    s.n = n;
    const auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < realizations; ++r) {
        const std::vector<double> j = quench::couplingMatrix(spec, r);
        std::vector<double> c;
        try {
            c = o.covariance == "zf" ? quench::theory::zeroFrequencyCovariance(j, n, 1.0)
                                     : quench::theory::equalTimeCovariance(j, n, 1.0);
        } catch (const std::domain_error&) {
            ++s.unstable;
            continue;
        }
        if (s.stable == 0) requireSameAsSimulator(c, n);
        const std::array<double, kColumns> v = statisticsOf(c, n);
        for (int k = 0; k < kColumns; ++k) s.values[k].push_back(v[k]);
        ++s.stable;
    }
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return s;
}

struct Fit {
    double s_inf = 0.0, c = 0.0, c_se = 0.0, chi2 = 0.0;
    int dof = 0;
    bool quadratic = false;
};

// Weighted least squares y = X beta with X columns 1, 1/N (, 1/N^2); solved by the normal equations
// (at most 3 x 3, well conditioned after scaling 1/N by N_min).
Fit weightedFit(const std::vector<double>& n, const std::vector<double>& y, const std::vector<double>& se,
                bool quadratic) {
    const int p = quadratic ? 3 : 2;
    const double n_min = *std::min_element(n.begin(), n.end());
    double m[3][3] = {}, b[3] = {};
    for (size_t i = 0; i < n.size(); ++i) {
        const double x = n_min / n[i];
        const double row[3] = {1.0, x, x * x};
        const double w = 1.0 / (se[i] * se[i]);
        for (int k = 0; k < p; ++k) {
            b[k] += w * row[k] * y[i];
            for (int l = 0; l < p; ++l) m[k][l] += w * row[k] * row[l];
        }
    }
    // Invert the p x p matrix by Gauss-Jordan.
    double inv[3][3] = {};
    for (int k = 0; k < p; ++k) inv[k][k] = 1.0;
    for (int k = 0; k < p; ++k) {
        const double pivot = m[k][k];
        for (int l = 0; l < p; ++l) {
            m[k][l] /= pivot;
            inv[k][l] /= pivot;
        }
        for (int r = 0; r < p; ++r) {
            if (r == k) continue;
            const double f = m[r][k];
            for (int l = 0; l < p; ++l) {
                m[r][l] -= f * m[k][l];
                inv[r][l] -= f * inv[k][l];
            }
        }
    }
    double beta[3] = {};
    for (int k = 0; k < p; ++k)
        for (int l = 0; l < p; ++l) beta[k] += inv[k][l] * b[l];
    Fit f;
    f.quadratic = quadratic;
    f.s_inf = beta[0];
    f.c = beta[1] * n_min;
    f.c_se = std::sqrt(inv[1][1]) * n_min;
    for (size_t i = 0; i < n.size(); ++i) {
        const double x = n_min / n[i];
        const double model = beta[0] + beta[1] * x + (quadratic ? beta[2] * x * x : 0.0);
        f.chi2 += (y[i] - model) * (y[i] - model) / (se[i] * se[i]);
    }
    f.dof = static_cast<int>(n.size()) - p;
    return f;
}

// 95 % quantile of chi^2 with k degrees of freedom (k = 1..6).
double chi2Quantile95(int k) {
    constexpr double q[] = {0.0, 3.841, 5.991, 7.815, 9.488, 11.070, 12.592};
    return q[std::clamp(k, 0, 6)];
}

Fit fitOf(const std::vector<double>& n, const std::vector<double>& y, const std::vector<double>& se) {
    const Fit straight = weightedFit(n, y, se, false);
    if (straight.chi2 <= chi2Quantile95(straight.dof) || n.size() < 4) return straight;
    return weightedFit(n, y, se, true);
}

std::array<std::optional<double>, kColumns> theoryOf(const LinearFirstOrder& t) {
    return {t.auto_mean, t.m2, t.pr_over_n, t.n_cross_var, t.auto_var};
}

std::array<double, kColumns> limitOf(const LinearFirstOrder& t) {
    return {t.limit.auto_mean, t.limit.m2, t.limit.pr_over_n, t.limit.n_cross_var, 0.0};
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    CLI::App app{"1/N coefficients of linear-network covariance statistics vs exact finite-N averages"};
    app.add_option("--covariance", o.covariance, "zf | et")->check(CLI::IsMember({"zf", "et"}));
    app.add_option("--g", o.g, "coupling strength");
    app.add_option("--eta", o.eta, "symmetry corr(J_ij, J_ji)");
    app.add_flag("--zero-diagonal", o.zero_diagonal, "J_ii = 0");
    app.add_option("--n", o.n, "network sizes")->delimiter(',');
    app.add_option("--r", o.r, "realizations per size")->delimiter(',');
    app.add_option("--seed", o.seed, "base seed (N is added)");
    CLI11_PARSE(app, argc, argv);
    if (o.n.size() != o.r.size()) throw std::invalid_argument("--n and --r need the same length");

    const auto diagonal =
        o.zero_diagonal ? quench::theory::DiagonalConvention::Zero : quench::theory::DiagonalConvention::Gaussian;
    const LinearFirstOrder theory = o.covariance == "zf"
                                        ? quench::theory::linearZeroFrequencyFirstOrder(o.g, o.eta, 1.0, diagonal)
                                        : quench::theory::linearEqualTimeFirstOrder(o.g, o.eta, 1.0, diagonal);
    fmt::print("### {} g = {} eta = {} diagonal = {} (sigma = 1)\n\n", o.covariance == "zf" ? "ZF" : "ET", o.g,
               o.eta, o.zero_diagonal ? "zero" : "gaussian");
    std::vector<Sample> samples;
    for (size_t k = 0; k < o.n.size(); ++k) samples.push_back(sampleAt(o, o.n[k], o.r[k]));

    fmt::print("| N | R used | unstable | max a / a_inf | seconds | mean a | median a | mean PR/N | median PR/N |\n");
    fmt::print("|---|---|---|---|---|---|---|---|---|\n");
    for (const Sample& s : samples) {
        const Moments a = momentsOf(s.values[kAutoMean]);
        const Moments pr = momentsOf(s.values[kPrOverN]);
        const double a_max = *std::max_element(s.values[kAutoMean].begin(), s.values[kAutoMean].end());
        fmt::print("| {} | {} | {} | {:.3f} | {:.1f} | {:.6f} ± {:.6f} | {:.6f} | {:.6f} ± {:.6f} | {:.6f} |\n", s.n,
                   s.stable, s.unstable, a_max / theory.limit.auto_mean, s.seconds, a.mean, a.se, a.median,
                   pr.mean, pr.se, pr.median);
    }
    fmt::print("\n| statistic | S_inf theory | S_inf fit | c derived | c fit ± SE | rel. SE | z | chi2/dof | model |\n");
    fmt::print("|---|---|---|---|---|---|---|---|---|\n");
    const auto derived = theoryOf(theory);
    const auto limit = limitOf(theory);
    for (int k = 0; k < kColumns; ++k) {
        std::vector<double> n, y, se;
        for (const Sample& s : samples) {
            const Moments m = momentsOf(s.values[k]);
            n.push_back(s.n);
            y.push_back(m.mean);
            se.push_back(m.se);
        }
        const Fit f = fitOf(n, y, se);
        const std::string c_theory = derived[k] ? fmt::format("{:.5g}", *derived[k]) : "not derived";
        const std::string z = derived[k] ? fmt::format("{:+.2f}", (f.c - *derived[k]) / f.c_se) : "-";
        fmt::print("| {} | {:.6g} | {:.6g} | {} | {:.5g} ± {:.2g} | {:.0f} % | {} | {:.2f}/{} | {} |\n", kNames[k],
                   limit[k], f.s_inf, c_theory, f.c, f.c_se, 100.0 * f.c_se / std::abs(f.c), z, f.chi2, f.dof,
                   f.quadratic ? "c/N + d/N^2" : "c/N");
    }
    return 0;
}
