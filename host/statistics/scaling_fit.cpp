#include "quench/scaling_fit.hpp"

#include <array>
#include <cmath>
#include <set>

namespace quench {

namespace {

constexpr int kMaxParameters = 3;
using Matrix = std::array<std::array<double, kMaxParameters>, kMaxParameters>;

// Inverts the leading p x p block of a symmetric positive-definite matrix by Gauss-Jordan; false if
// it is singular. p <= 3, so no library call is worth its setup.
bool invert(Matrix m, int p, Matrix& inverse) {
    Matrix inv{};
    for (int i = 0; i < p; ++i) inv[i][i] = 1.0;
    for (int col = 0; col < p; ++col) {
        int pivot = col;
        for (int r = col + 1; r < p; ++r)
            if (std::abs(m[r][col]) > std::abs(m[pivot][col])) pivot = r;
        if (std::abs(m[pivot][col]) < 1e-300) return false;
        std::swap(m[col], m[pivot]);
        std::swap(inv[col], inv[pivot]);
        const double d = m[col][col];
        for (int k = 0; k < p; ++k) {
            m[col][k] /= d;
            inv[col][k] /= d;
        }
        for (int r = 0; r < p; ++r) {
            if (r == col) continue;
            const double f = m[r][col];
            for (int k = 0; k < p; ++k) {
                m[r][k] -= f * m[col][k];
                inv[r][k] -= f * inv[col][k];
            }
        }
    }
    inverse = inv;
    return true;
}

// Series for P(s, x), good for x < s + 1.
double lowerGammaSeries(double s, double x) {
    double term = 1.0 / s, sum = term;
    for (int k = 1; k < 1000; ++k) {
        term *= x / (s + k);
        sum += term;
        if (std::abs(term) < std::abs(sum) * 1e-15) break;
    }
    return sum * std::exp(-x + s * std::log(x) - std::lgamma(s));
}

// Continued fraction for Q(s, x) (modified Lentz), good for x >= s + 1.
double upperGammaFraction(double s, double x) {
    const double tiny = 1e-300;
    double b = x + 1.0 - s, c = 1.0 / tiny, d = 1.0 / b, h = d;
    for (int i = 1; i < 1000; ++i) {
        const double an = -i * (i - s);
        b += 2.0;
        d = an * d + b;
        if (std::abs(d) < tiny) d = tiny;
        c = b + an / c;
        if (std::abs(c) < tiny) c = tiny;
        d = 1.0 / d;
        const double delta = d * c;
        h *= delta;
        if (std::abs(delta - 1.0) < 1e-15) break;
    }
    return std::exp(-x + s * std::log(x) - std::lgamma(s)) * h;
}

}  // namespace

double chiSquareSurvival(double chi2, int dof) {
    if (dof <= 0) return 1.0;
    if (!(chi2 > 0.0)) return 1.0;
    const double s = 0.5 * dof, x = 0.5 * chi2;
    return x < s + 1.0 ? 1.0 - lowerGammaSeries(s, x) : upperGammaFraction(s, x);
}

ScalingFit fitInverseN(const std::vector<ScalingPoint>& points, int order) {
    ScalingFit fit;
    fit.order = order;
    const int p = order + 1;
    if (order < 1 || order > 2) {
        fit.reason = "the fit order must be 1 or 2";
        return fit;
    }
    std::set<double> sizes;
    for (const ScalingPoint& pt : points) {
        if (!(pt.sem > 0.0) || !std::isfinite(pt.mean) || !std::isfinite(pt.sem) || !(pt.n > 0.0)) {
            fit.reason = "a point has no finite mean with a positive standard error";
            return fit;
        }
        sizes.insert(pt.n);
    }
    if (static_cast<int>(sizes.size()) < p) {
        fit.reason = "needs at least " + std::to_string(p) + " distinct N";
        return fit;
    }
    // Normal equations in the basis (1, 1/N, 1/N^2), weights 1 / sem^2.
    Matrix normal{};
    std::array<double, kMaxParameters> rhs{};
    for (const ScalingPoint& pt : points) {
        const double w = 1.0 / (pt.sem * pt.sem);
        const std::array<double, kMaxParameters> basis{1.0, 1.0 / pt.n, 1.0 / (pt.n * pt.n)};
        for (int i = 0; i < p; ++i) {
            rhs[i] += w * basis[i] * pt.mean;
            for (int j = 0; j < p; ++j) normal[i][j] += w * basis[i] * basis[j];
        }
    }
    Matrix cov{};
    if (!invert(normal, p, cov)) {
        fit.reason = "the normal equations are singular";
        return fit;
    }
    std::array<double, kMaxParameters> beta{};
    for (int i = 0; i < p; ++i)
        for (int j = 0; j < p; ++j) beta[i] += cov[i][j] * rhs[j];
    for (const ScalingPoint& pt : points) {
        const double model = beta[0] + beta[1] / pt.n + beta[2] / (pt.n * pt.n);
        const double r = (pt.mean - model) / pt.sem;
        fit.chi2 += r * r;
    }
    fit.dof = static_cast<int>(points.size()) - p;
    fit.p_value = chiSquareSurvival(fit.chi2, fit.dof);
    fit.birge_scale = fit.dof > 0 ? std::max(1.0, std::sqrt(fit.chi2 / fit.dof)) : 1.0;
    fit.s_inf = beta[0];
    fit.a = beta[1];
    fit.b = order == 2 ? beta[2] : 0.0;
    fit.s_inf_se = fit.birge_scale * std::sqrt(cov[0][0]);
    fit.a_se = fit.birge_scale * std::sqrt(cov[1][1]);
    fit.b_se = order == 2 ? fit.birge_scale * std::sqrt(cov[2][2]) : 0.0;
    fit.ok = true;
    return fit;
}

ScalingFit fitInverseNAuto(const std::vector<ScalingPoint>& points, double p_min) {
    const ScalingFit first = fitInverseN(points, 1);
    if (!first.ok || first.p_value >= p_min || points.size() < 4) return first;
    const ScalingFit second = fitInverseN(points, 2);
    return second.ok ? second : first;
}

}  // namespace quench
