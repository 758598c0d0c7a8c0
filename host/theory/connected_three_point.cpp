// The connected three-time lag sums of a Gaussian site (connected_three_point.hpp; the derivation:
// docs/theory/site_auto_variance.md, section 5).
#include "connected_three_point.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "quench/theory/gaussian_average.hpp"

namespace quench::theory::detail {
namespace {

constexpr double kPairCut = 1e-4;   // conn(j) ~ Delta(j): the j sum stops below this correlation
constexpr double kThreeCut = 1e-3;  // a psi term ~ correlation^3: the m windows end below this one
constexpr int kPairNodes = 32;      // Gauss-Hermite nodes per variable of (x_0, x_{-j})

// The lag from which on every |correlation| stays below cut (an oscillating Delta crosses it earlier).
std::size_t lagBelow(const std::vector<double>& delta, double cut) {
    std::size_t k = delta.size();
    while (k > 1 && std::fabs(delta[k - 1]) < cut * delta.front()) --k;
    return k;
}

// E phi(mu + sqrt(v) z) on a grid of v in [0, v_max] (linear between rows) and mu (cubic between points);
// a direct Gauss-Hermite average outside the grid's mu range.
class SmoothedActivation {
public:
    SmoothedActivation(const Activation& phi, double v_max)
        : phi_(phi),
          v_step_(v_max / (kRows - 1)),
          mu_step_(std::sqrt(v_max) / 32.0),
          mu_max_(16.0 * std::sqrt(v_max)),
          rule_(gaussHermiteRule(24)) {
        points_ = static_cast<std::size_t>(std::ceil(2.0 * mu_max_ / mu_step_)) + 1;
        table_.resize(kRows * points_);
        for (std::size_t r = 0; r < kRows; ++r)
            for (std::size_t i = 0; i < points_; ++i)
                table_[r * points_ + i] = direct(static_cast<double>(r) * v_step_, muAt(i));
    }

    double operator()(double v, double mu) const {
        const double s = (mu + mu_max_) / mu_step_;
        if (!(s >= 1.0 && s < static_cast<double>(points_ - 2))) return direct(v, mu);
        const double rv = std::clamp(v / v_step_, 0.0, static_cast<double>(kRows - 1));
        const std::size_t r = std::min(static_cast<std::size_t>(rv), kRows - 2);
        const double tv = rv - static_cast<double>(r);
        const auto i = static_cast<std::size_t>(s);
        const double t = s - static_cast<double>(i);
        return (1.0 - tv) * cubic(r, i, t) + tv * cubic(r + 1, i, t);
    }

private:
    static constexpr std::size_t kRows = 257;

    double muAt(std::size_t i) const { return -mu_max_ + static_cast<double>(i) * mu_step_; }

    double direct(double v, double mu) const {
        const double sd = std::sqrt(std::max(0.0, v));
        double sum = 0.0;
        for (int k = 0; k < rule_.order(); ++k)
            sum += rule_.weights[k] * phi_.value(mu + sd * rule_.nodes[k]);
        return sum;
    }

    // Catmull-Rom through the points i - 1 .. i + 2 of row r, at i + t.
    double cubic(std::size_t r, std::size_t i, double t) const {
        const double* y = &table_[r * points_ + i - 1];
        const double a = -0.5 * y[0] + 1.5 * y[1] - 1.5 * y[2] + 0.5 * y[3];
        const double b = y[0] - 2.5 * y[1] + 2.0 * y[2] - 0.5 * y[3];
        const double c = 0.5 * (y[2] - y[0]);
        return ((a * t + b) * t + c) * t + y[1];
    }

    const Activation& phi_;
    double v_step_, mu_step_, mu_max_;
    GaussHermiteRule rule_;
    std::size_t points_ = 0;
    std::vector<double> table_;
};

struct Window {
    std::size_t j_end = 0;  // j = 1 .. j_end - 1
    std::size_t reach = 0;  // m within reach of 0 or of -j
};

Window windowOf(const std::vector<double>& delta) {
    return {lagBelow(delta, kPairCut), lagBelow(delta, kThreeCut)};
}

double lagCovariance(const std::vector<double>& delta, long k) {
    const auto lag = static_cast<std::size_t>(std::labs(k));
    return lag < delta.size() ? delta[lag] : 0.0;
}

// The lag stride of the m sum at j: the given one where j is a multiple of it, so that 0 and -j, where Delta
// has its kinks, are on the grid; every lag for the first j.
std::size_t mStride(std::size_t j, std::size_t stride) {
    return j % stride == 0 ? stride : 1;
}

// The m of one j, every stride-th: those within reach of 0 or of -j (the two windows overlap for small j).
std::vector<long> windowLags(long j, long reach, long stride) {
    std::vector<long> m;
    const long first = -((j + reach) / stride) * stride;
    for (long k = first; k <= reach; k += stride)
        if (k >= -reach || k <= -j + reach) m.push_back(k);
    return m;
}

}  // namespace

std::size_t connectedThreePointPairs(const std::vector<double>& delta, std::size_t stride) {
    if (delta.empty() || stride == 0) return 0;
    const Window w = windowOf(delta);
    std::size_t pairs = 0;
    for (std::size_t j = 1; j < w.j_end; j = j < stride ? j + 1 : j + stride)
        pairs += windowLags(static_cast<long>(j), static_cast<long>(w.reach),
                            static_cast<long>(mStride(j, stride)))
                     .size();
    return pairs;
}

std::vector<double> connectedThreePointLagSums(const Activation& phi, const std::vector<double>& delta,
                                               double gamma, std::size_t stride) {
    if (delta.empty() || !(delta.front() > 0.0))
        throw std::domain_error("connected three-point sums: the site has no fluctuations");
    if (stride == 0) throw std::invalid_argument("connected three-point sums: the stride is 0");
    const double d0 = delta.front(), sd = std::sqrt(d0);
    const SmoothedActivation smoothed(phi, d0);
    const GaussHermiteRule rule = gaussHermiteRule(kPairNodes);
    const int half = rule.order() / 2;  // the integrand is even under (z1, z2) -> (-z1, -z2)
    const Window w = windowOf(delta);
    std::vector<double> conn(delta.size(), 0.0);
    std::vector<double> y0(static_cast<std::size_t>(half * rule.order())), yj(y0.size()), psi_sum(y0.size());
    std::size_t last = 0;  // the last j computed
    // Every j below the stride (conn does not vanish as j -> 0), then every stride-th, linear between.
    for (std::size_t j = 1; j < w.j_end; j = j < stride ? j + 1 : j + stride) {
        const double cj = delta[j], rho = cj / d0, det = d0 * d0 - cj * cj;
        const double tail = std::sqrt(std::max(0.0, 1.0 - rho * rho));
        for (int a = 0; a < half; ++a)
            for (int b = 0; b < rule.order(); ++b) {
                const auto n = static_cast<std::size_t>(a * rule.order() + b);
                y0[n] = sd * rule.nodes[a];
                yj[n] = sd * (rho * rule.nodes[a] + tail * rule.nodes[b]);
            }
        std::fill(psi_sum.begin(), psi_sum.end(), 0.0);
        const std::size_t m_stride = mStride(j, stride);
        for (const long m :
             windowLags(static_cast<long>(j), static_cast<long>(w.reach), static_cast<long>(m_stride))) {
            // x_m given (x_0, x_{-j}): mean alpha x_0 + beta x_{-j}, variance v.
            const double c0 = lagCovariance(delta, m), c1 = lagCovariance(delta, m + static_cast<long>(j));
            const double alpha = (c0 * d0 - c1 * cj) / det, beta = (c1 * d0 - c0 * cj) / det;
            const double v = std::clamp(d0 - alpha * c0 - beta * c1, 0.0, d0);
            for (std::size_t n = 0; n < y0.size(); ++n) {
                const double mu = alpha * y0[n] + beta * yj[n];
                psi_sum[n] += smoothed(v, mu) - gamma * mu;
            }
        }
        double sum = 0.0;
        for (int a = 0; a < half; ++a)
            for (int b = 0; b < rule.order(); ++b) {
                const auto n = static_cast<std::size_t>(a * rule.order() + b);
                sum += rule.weights[a] * rule.weights[b] * (phi.derivative(y0[n]) - gamma) *
                       phi.value(yj[n]) * psi_sum[n];
            }
        conn[j] = 2.0 * static_cast<double>(m_stride) * sum;  // the m sum was every m_stride-th lag
        for (std::size_t k = last + 1; k < j; ++k)
            conn[k] = conn[last] +
                      (conn[j] - conn[last]) * static_cast<double>(k - last) / static_cast<double>(j - last);
        last = j;
    }
    return conn;
}

}  // namespace quench::theory::detail
