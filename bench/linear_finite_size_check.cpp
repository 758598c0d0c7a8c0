// Verification of the 1/N coefficients of include/quench/theory/linear_finite_size.hpp against exact
// per-realization covariances (LU inverse for ZF, Bartels-Stewart Lyapunov solve for ET) of the
// simulator's own coupling matrices, over many realizations at several N.
//
// For each statistic S it fits the realization means by weighted least squares (weights 1 / SE^2) in two
// ways:
//   fixed: S(N) - S_inf(theory) = c / N + d / N^2   (the N = infinity value is known exactly)
//   free:  S(N) = S_inf + c / N + d / N^2           (S_inf fitted too: also checks the limit)
// The 1/N^2 term is always included: at N = 50 it is not negligible against the statistical errors, and a
// straight fit passes chi^2 while biasing c by several SE (seen at g = 0.5). It prints Markdown tables: the
// per-N means, then per statistic c derived, c fitted +- SE, relative SE, z = (c_fit - c) / SE, chi^2/dof.
// Realizations without a stationary state (an eigenvalue of J with real part >= 1) are counted and
// excluded; medians and the largest a / a_inf are printed beside the means so that a heavy tail shows.
// Every N uses its own seed, so the points of a fit are independent.
// --diagonal-difference measures S(J) - S(J without its diagonal) on the same J (a paired difference with a
// much smaller variance than either): its 1/N coefficient is c(Gaussian diagonal) - c(zero diagonal).
//
// Example (docs/theory/linear_finite_size.md): OPENBLAS_NUM_THREADS=1 nice -n 10
//   build/bench/quench_check_linear_finite_size --covariance zf --g 0.5 --n 50,100,200,400 --r
//   8000,4000,2000,1000
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <optional>
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
constexpr std::array<const char*, kColumns> kNames = {"auto_mean", "m2", "pr_over_n", "n_cross_var",
                                                      "auto_var"};

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
    bool diagonal_difference = false;
    std::vector<int> n = {50, 100, 200, 400};
    std::vector<int> r = {4000, 2000, 1000, 500};
    std::uint64_t seed = 20261126;
};

std::vector<double> covarianceOf(const Options& o, const std::vector<double>& j, int n) {
    return o.covariance == "zf" ? quench::theory::zeroFrequencyCovariance(j, n, 1.0)
                                : quench::theory::equalTimeCovariance(j, n, 1.0);
}

std::vector<double> withoutDiagonal(std::vector<double> j, int n) {
    for (int i = 0; i < n; ++i) j[static_cast<size_t>(i) * n + i] = 0.0;
    return j;
}

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
        std::vector<double> c, c_zero;
        try {
            c = covarianceOf(o, j, n);
            if (o.diagonal_difference) c_zero = covarianceOf(o, withoutDiagonal(j, n), n);
        } catch (const std::domain_error&) {
            ++s.unstable;
            continue;
        }
        if (s.stable == 0) requireSameAsSimulator(c, n);
        std::array<double, kColumns> v = statisticsOf(c, n);
        if (o.diagonal_difference) {
            const std::array<double, kColumns> v_zero = statisticsOf(c_zero, n);
            for (int k = 0; k < kColumns; ++k) v[k] -= v_zero[k];
        }
        for (int k = 0; k < kColumns; ++k) s.values[k].push_back(v[k]);
        ++s.stable;
    }
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return s;
}

struct Fit {
    double s_inf = 0.0, c = 0.0, c_se = 0.0, chi2 = 0.0;
    int dof = 0;
};

// Weighted least squares of y = [s_inf] + c x + d x^2 with x = N_min / N (scaled for conditioning), by the
// normal equations (at most 3 x 3) and Gauss-Jordan inversion. With a known limit, y is S - S_inf.
Fit weightedFit(const std::vector<double>& n, const std::vector<double>& y, const std::vector<double>& se,
                std::optional<double> known_limit) {
    const bool free_limit = !known_limit;
    const int p = free_limit ? 3 : 2;
    const double n_min = *std::min_element(n.begin(), n.end());
    const auto basis = [&](double size, double out[3]) {
        const double x = n_min / size;
        int k = 0;
        if (free_limit) out[k++] = 1.0;
        out[k++] = x;
        out[k++] = x * x;
    };
    double m[3][3] = {}, b[3] = {};
    for (size_t i = 0; i < n.size(); ++i) {
        double row[3];
        basis(n[i], row);
        const double w = 1.0 / (se[i] * se[i]);
        const double target = y[i] - known_limit.value_or(0.0);
        for (int k = 0; k < p; ++k) {
            b[k] += w * row[k] * target;
            for (int l = 0; l < p; ++l) m[k][l] += w * row[k] * row[l];
        }
    }
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
    const int c_index = free_limit ? 1 : 0;
    Fit f;
    f.s_inf = free_limit ? beta[0] : *known_limit;
    f.c = beta[c_index] * n_min;
    f.c_se = std::sqrt(inv[c_index][c_index]) * n_min;
    for (size_t i = 0; i < n.size(); ++i) {
        double row[3];
        basis(n[i], row);
        double model = known_limit.value_or(0.0);
        for (int k = 0; k < p; ++k) model += beta[k] * row[k];
        f.chi2 += (y[i] - model) * (y[i] - model) / (se[i] * se[i]);
    }
    f.dof = static_cast<int>(n.size()) - p;
    return f;
}

// Coefficients of the paired difference S(gaussian diagonal) - S(zero diagonal); its limit is 0. The
// a_inf used for the "max a / a_inf" column stays the Gaussian one.
LinearFirstOrder differenceOf(const LinearFirstOrder& gaussian, const LinearFirstOrder& zero) {
    LinearFirstOrder d;
    d.limit = {gaussian.limit.auto_mean, 0.0, 0.0, 0.0};
    d.auto_mean = gaussian.auto_mean - zero.auto_mean;
    d.m2 = gaussian.m2 - zero.m2;
    d.pr_over_n = gaussian.pr_over_n - zero.pr_over_n;
    d.n_cross_var = *gaussian.n_cross_var - *zero.n_cross_var;
    d.auto_var = *gaussian.auto_var - *zero.auto_var;
    return d;
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
    app.add_flag("--diagonal-difference", o.diagonal_difference,
                 "paired S(J) - S(J without diagonal); compares c(gaussian) - c(zero)");
    app.add_option("--n", o.n, "network sizes")->delimiter(',');
    app.add_option("--r", o.r, "realizations per size")->delimiter(',');
    app.add_option("--seed", o.seed, "base seed (N is added)");
    CLI11_PARSE(app, argc, argv);
    if (o.n.size() != o.r.size()) throw std::invalid_argument("--n and --r need the same length");

    const auto diagonal = o.zero_diagonal ? quench::theory::DiagonalConvention::Zero
                                          : quench::theory::DiagonalConvention::Gaussian;
    const auto theoryFor = [&](quench::theory::DiagonalConvention d) {
        return o.covariance == "zf" ? quench::theory::linearZeroFrequencyFirstOrder(o.g, o.eta, 1.0, d)
                                    : quench::theory::linearEqualTimeFirstOrder(o.g, o.eta, 1.0, d);
    };
    LinearFirstOrder theory = theoryFor(diagonal);
    if (o.diagonal_difference) {
        if (o.zero_diagonal) throw std::invalid_argument("--diagonal-difference draws J with its diagonal");
        theory = differenceOf(theory, theoryFor(quench::theory::DiagonalConvention::Zero));
    }
    fmt::print("### {} g = {} eta = {} diagonal = {} (sigma = 1)\n\n", o.covariance == "zf" ? "ZF" : "ET",
               o.g, o.eta,
               o.diagonal_difference ? "gaussian minus zero (paired)"
               : o.zero_diagonal     ? "zero"
                                     : "gaussian");
    std::vector<Sample> samples;
    for (size_t k = 0; k < o.n.size(); ++k) samples.push_back(sampleAt(o, o.n[k], o.r[k]));

    fmt::print(
        "| N | R used | unstable | max a / a_inf | seconds | mean a | median a | mean PR/N | median PR/N "
        "|\n");
    fmt::print("|---|---|---|---|---|---|---|---|---|\n");
    for (const Sample& s : samples) {
        const Moments a = momentsOf(s.values[kAutoMean]);
        const Moments pr = momentsOf(s.values[kPrOverN]);
        const double a_max = *std::max_element(s.values[kAutoMean].begin(), s.values[kAutoMean].end());
        const std::string tail =
            o.diagonal_difference ? "-" : fmt::format("{:.3f}", a_max / theory.limit.auto_mean);
        fmt::print("| {} | {} | {} | {} | {:.1f} | {:.6f} ± {:.6f} | {:.6f} | {:.6f} ± {:.6f} | {:.6f} |\n",
                   s.n, s.stable, s.unstable, tail, s.seconds, a.mean, a.se, a.median, pr.mean, pr.se,
                   pr.median);
    }
    const auto derived = theoryOf(theory);
    const auto limit = o.diagonal_difference ? std::array<double, kColumns>{} : limitOf(theory);
    std::array<std::vector<Moments>, kColumns> per_size;
    for (int k = 0; k < kColumns; ++k)
        for (const Sample& s : samples) per_size[k].push_back(momentsOf(s.values[k]));
    fmt::print("\n| N | m2 | n_cross_var | auto_var |\n|---|---|---|---|\n");
    for (size_t i = 0; i < samples.size(); ++i)
        fmt::print("| {} | {:.6f} ± {:.6f} | {:.6f} ± {:.6f} | {:.7f} ± {:.7f} |\n", samples[i].n,
                   per_size[kM2][i].mean, per_size[kM2][i].se, per_size[kNCrossVar][i].mean,
                   per_size[kNCrossVar][i].se, per_size[kAutoVar][i].mean, per_size[kAutoVar][i].se);
    fmt::print(
        "\n| statistic | S_inf theory | c derived | fixed S_inf: c ± SE | rel. SE | z | chi2/dof | free "
        "S_inf: S_inf fit | "
        "c ± SE | rel. SE | z | chi2/dof |\n");
    fmt::print("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int k = 0; k < kColumns; ++k) {
        std::vector<double> n, y, se;
        for (size_t i = 0; i < samples.size(); ++i) {
            n.push_back(samples[i].n);
            y.push_back(per_size[k][i].mean);
            se.push_back(per_size[k][i].se);
        }
        const Fit fixed = weightedFit(n, y, se, limit[k]);
        const Fit free = weightedFit(n, y, se, std::nullopt);
        const auto z = [&](const Fit& f) {
            return derived[k] ? fmt::format("{:+.2f}", (f.c - *derived[k]) / f.c_se) : std::string("-");
        };
        const auto rel = [](const Fit& f) { return 100.0 * f.c_se / std::abs(f.c); };
        fmt::print(
            "| {} | {:.6g} | {} | {:.5g} ± {:.2g} | {:.0f} % | {} | {:.2f}/{} | {:.6g} | {:.5g} ± {:.2g} | "
            "{:.0f} % | "
            "{} | {:.2f}/{} |\n",
            kNames[k], limit[k], derived[k] ? fmt::format("{:.5g}", *derived[k]) : "not derived", fixed.c,
            fixed.c_se, rel(fixed), z(fixed), fixed.chi2, fixed.dof, free.s_inf, free.c, free.c_se, rel(free),
            z(free), free.chi2, free.dof);
    }
    return 0;
}
