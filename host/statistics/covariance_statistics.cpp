// Statistics of one covariance matrix from its split-sample estimates.
//
// Plug-in estimates of quadratic and higher functionals of C are biased by the sampling noise of
// the estimate itself: E Tr(C_hat^2) = Tr C^2 + (Tr C)^2 / K_eff. The data are split into
// kSplitGroups independent groups with estimates C^g; for distinct groups E[C^g_ij C^h_kl] =
// C_ij C_kl, so averaging products over distinct groups gives unbiased (U-statistic) estimates of
// Tr C^2, Tr C^3, Tr C^4, sum_i C_ii^2 and sum_{i != j} C_ij^2. Means use the pooled matrix.
#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "quench/spectral_kernels.hpp"
#include "quench/statistics.hpp"

namespace quench {

namespace {

using Matrix = std::vector<double>;

struct EntrySums {
    double diag = 0.0;  // sum_i C_ii
    double off = 0.0;   // sum_{i != j} C_ij
};

EntrySums entrySums(const Matrix& c, int n) {
    EntrySums s;
    double total = 0.0;
    for (const double v : c) total += v;
    for (int i = 0; i < n; ++i) s.diag += c[static_cast<size_t>(i) * n + i];
    s.off = total - s.diag;
    return s;
}

// sum_ij A_ij B_ij and the diagonal part sum_i A_ii B_ii.
struct ProductSums {
    double all = 0.0;
    double diag = 0.0;
};

ProductSums productSums(const Matrix& a, const Matrix& b, int n) {
    ProductSums s;
    s.all = cblas_ddot(static_cast<int>(a.size()), a.data(), 1, b.data(), 1);
    for (int i = 0; i < n; ++i) {
        const size_t k = static_cast<size_t>(i) * n + i;
        s.diag += a[k] * b[k];
    }
    return s;
}

struct SecondOrder {
    double trace_sq = 0.0;   // estimate of Tr C^2
    double diag_sq = 0.0;    // estimate of sum_i C_ii^2
    double off_sq = 0.0;     // estimate of sum_{i != j} C_ij^2
    double diag_prod = 0.0;  // estimate of (sum_i C_ii)^2
    double off_prod = 0.0;   // estimate of (sum_{i != j} C_ij)^2
};

SecondOrder secondOrderRaw(const Matrix& c, int n) {
    const ProductSums p = productSums(c, c, n);
    const EntrySums e = entrySums(c, n);
    return {p.all, p.diag, p.all - p.diag, e.diag * e.diag, e.off * e.off};
}

SecondOrder secondOrderSplit(const SplitCovariance& c) {
    SecondOrder s;
    int pairs = 0;
    for (int g = 0; g < kSplitGroups; ++g) {
        for (int h = g + 1; h < kSplitGroups; ++h) {
            const ProductSums p = productSums(c.group[g], c.group[h], c.n);
            const EntrySums eg = entrySums(c.group[g], c.n);
            const EntrySums eh = entrySums(c.group[h], c.n);
            s.trace_sq += p.all;
            s.diag_sq += p.diag;
            s.off_sq += p.all - p.diag;
            s.diag_prod += eg.diag * eh.diag;
            s.off_prod += eg.off * eh.off;
            ++pairs;
        }
    }
    s.trace_sq /= pairs;
    s.diag_sq /= pairs;
    s.off_sq /= pairs;
    s.diag_prod /= pairs;
    s.off_prod /= pairs;
    return s;
}

// `f` applied to every group and to the pooled matrix; the result has n units.
template <class Transform>
SplitCovariance transformed(const SplitCovariance& c, int n, const Transform& f) {
    SplitCovariance out;
    out.n = n;
    for (int g = 0; g < kSplitGroups; ++g) out.group[g] = f(c.group[g]);
    out.pooled = f(c.pooled);
    return out;
}

// A second-order correction beyond kMaxRatioCorrection means the expansion has failed for this
// realization (one dominant mode seen in a few bins): it is capped there, so that the ratio stays positive
// and defined, rather than dropped, which would bias the ensemble against such realizations.
double cappedRatioCorrection(double correction) {
    if (!std::isfinite(correction)) return 0.0;
    return std::clamp(correction, -kMaxRatioCorrection, kMaxRatioCorrection);
}

// (Tr C)^2 / Tr C^2 from the unbiased split estimates d of (Tr C)^2 and t of Tr C^2, with the ratio's
// second-order bias removed: E[d / t] = d / t (1 - Cov(d, t) / (d t) + Var t / t^2), where d moves with
// 2 Tr C times the pooled trace's noise.
double participationRatio(double d, double t, double trace, const SplitCovariance& c) {
    const TraceSquareNoise noise = traceSquareNoise(c, false);
    const double correction = 2.0 * trace * noise.cov_with_trace / (d * t) - noise.var / (t * t);
    return d / t * (1.0 + cappedRatioCorrection(correction));
}

}  // namespace

StatisticValues computeStatistics(const SplitCovariance& c) {
    return computeStatistics(c, hostSpectralKernels());
}

StatisticValues computeStatistics(const SplitCovariance& c, SpectralKernels& kernels) {
    const int n = c.n;
    const double nd = n;
    const double pairs_off = nd * (nd - 1.0);
    const EntrySums pooled = entrySums(c.pooled, n);
    const SecondOrder raw = secondOrderRaw(c.pooled, n);
    const SecondOrder split = secondOrderSplit(c);
    const SpectralMoments high = kernels.moments(c);

    StatisticValues s{};
    auto set = [&s](Statistic k, double v) { s[static_cast<int>(k)] = v; };
    const double a = pooled.diag / nd;
    set(Statistic::AutoMean, a);
    set(Statistic::CrossMean, pooled.off / pairs_off);
    set(Statistic::M1, a);
    set(Statistic::AutoVar, split.diag_sq / nd - split.diag_prod / (nd * nd));
    set(Statistic::CrossVar, split.off_sq / pairs_off - split.off_prod / (pairs_off * pairs_off));
    set(Statistic::M2, split.trace_sq / nd);
    set(Statistic::M3, high.split_cube / nd);
    set(Statistic::M4, high.split_fourth / nd);
    const double pr = participationRatio(split.diag_prod, split.trace_sq, pooled.diag, c);
    set(Statistic::Pr, pr);
    set(Statistic::PrOverN, pr / nd);
    set(Statistic::AutoVarRaw, raw.diag_sq / nd - raw.diag_prod / (nd * nd));
    set(Statistic::CrossVarRaw, raw.off_sq / pairs_off - raw.off_prod / (pairs_off * pairs_off));
    set(Statistic::M2Raw, raw.trace_sq / nd);
    set(Statistic::M3Raw, high.raw_cube / nd);
    set(Statistic::M4Raw, high.raw_fourth / nd);
    set(Statistic::PrRaw, raw.diag_prod / raw.trace_sq);
    set(Statistic::PrOverNRaw, raw.diag_prod / raw.trace_sq / nd);

    // The correlation matrix R: the same corrected estimators on the normalized groups, over the
    // units whose pooled variance estimate is positive (a short zero-frequency run can estimate a
    // unit's variance at or below zero; R is undefined for it).
    const SplitCovariance r = correlationOf(withPositiveVariance(c));
    const double nz = r.n, pairs_z = nz * (nz - 1.0);
    const SecondOrder z = secondOrderSplit(r);
    const double off_z = entrySums(r.pooled, r.n).off;
    const ZScoredBias bias = zScoredBias(r);
    if (!(bias.diag_rel_var <= kZScoredMaxDiagRelVar)) {
        // The unit variances are not resolved well enough to normalize by: the mean keeps its
        // uncorrected estimate (unbiased where c = 0 by symmetry), the second moments are not estimated.
        set(Statistic::ZCrossMean, off_z / pairs_z);
        for (const Statistic k : {Statistic::ZCrossVar, Statistic::ZM2, Statistic::ZPrOverN})
            set(k, std::numeric_limits<double>::quiet_NaN());
        return s;
    }
    const double trace_sq = z.trace_sq - bias.trace_sq;
    const double off_sq = trace_sq - (z.diag_sq - bias.diag_sq);
    set(Statistic::ZCrossMean, (off_z - bias.off_sum) / pairs_z);
    set(Statistic::ZCrossVar, off_sq / pairs_z - (z.off_prod - bias.off_prod) / (pairs_z * pairs_z));
    set(Statistic::ZM2, trace_sq / nz);
    // Tr R = N exactly, so only the noise of Tr R^2 biases the ratio.
    const double z_correction = -traceSquareNoise(r, true).var / (trace_sq * trace_sq);
    set(Statistic::ZPrOverN, nz / trace_sq * (1.0 + cappedRatioCorrection(z_correction)));
    return s;
}

SplitCovariance withPositiveVariance(const SplitCovariance& c) {
    const int n = c.n;
    std::vector<int> kept;
    for (int i = 0; i < n; ++i) {
        const double v = c.pooled[static_cast<size_t>(i) * n + i];
        if (std::isfinite(v) && v > 0.0) kept.push_back(i);
    }
    if (static_cast<int>(kept.size()) == n) return c;
    const int m = static_cast<int>(kept.size());
    return transformed(c, m, [&](const Matrix& a) {
        Matrix out(static_cast<size_t>(m) * m);
        for (int i = 0; i < m; ++i)
            for (int j = 0; j < m; ++j)
                out[static_cast<size_t>(i) * m + j] = a[static_cast<size_t>(kept[i]) * n + kept[j]];
        return out;
    });
}

SplitCovariance correlationOf(const SplitCovariance& c) {
    const int n = c.n;
    std::vector<double> inv_sd(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) inv_sd[i] = 1.0 / std::sqrt(c.pooled[static_cast<size_t>(i) * n + i]);
    return transformed(c, n, [&](const Matrix& m) {
        Matrix out(m.size());
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) {
                const size_t k = static_cast<size_t>(i) * n + j;
                out[k] = m[k] * inv_sd[i] * inv_sd[j];
            }
        return out;
    });
}

std::vector<double> symmetricEigenvalues(const std::vector<double>& matrix, int n) {
    return hostSpectralKernels().eigenvalues({&matrix}, n).front();
}

}  // namespace quench
