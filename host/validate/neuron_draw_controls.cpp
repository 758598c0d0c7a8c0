#include "validate/neuron_draw_controls.hpp"

#include <lapacke.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>

#include "quench/neuron_parameters.hpp"
#include "quench/theory/heterogeneous_gains.hpp"

namespace quench::validation {

namespace {

using Functions = std::array<double, 3>;
constexpr std::array<std::array<std::size_t, 2>, 6> kPairs{{{0, 0}, {1, 1}, {2, 2}, {0, 1}, {0, 2}, {1, 2}}};

// 1/p, p and log p: between them they follow how a class's site moves with its gain or time constant
// (the leak 1/tau, the noise, the gain's scale) well enough to take most of the scatter.
Functions functionsOf(double p) {
    return {1.0 / p, p, std::log(p)};
}

bool drawn(const NeuronParameterSpec& p) {
    return p.distribution != NeuronDistribution::None && p.cv > 0.0;
}

// E h_k and Cov(h_k, h_l) over the distribution, by its quadrature.
struct Moments {
    Functions mean{};
    std::array<double, kPairs.size()> covariance{};
};

Moments momentsOf(const NeuronParameterSpec& p) {
    Moments m;
    std::array<double, kPairs.size()> product{};
    for (const theory::GainNode& node : theory::gainQuadrature(p)) {
        const Functions h = functionsOf(node.b);
        for (std::size_t k = 0; k < h.size(); ++k) m.mean[k] += node.weight * h[k];
        for (std::size_t q = 0; q < kPairs.size(); ++q)
            product[q] += node.weight * h[kPairs[q][0]] * h[kPairs[q][1]];
    }
    for (std::size_t q = 0; q < kPairs.size(); ++q)
        m.covariance[q] = product[q] - m.mean[kPairs[q][0]] * m.mean[kPairs[q][1]];
    return m;
}

void appendControls(const NeuronParameterSpec& p, std::uint64_t seed, RngStream stream,
                    std::int64_t realization, int n, std::vector<double>& out) {
    const Moments exact = momentsOf(p);
    Functions sum{};
    std::array<double, kPairs.size()> product{};
    for (const double v : drawNeuronParameters(p, seed, stream, realization, n)) {
        const Functions h = functionsOf(v);
        for (std::size_t k = 0; k < h.size(); ++k) sum[k] += h[k];
        for (std::size_t q = 0; q < kPairs.size(); ++q) product[q] += h[kPairs[q][0]] * h[kPairs[q][1]];
    }
    const double nd = static_cast<double>(n);
    for (std::size_t k = 0; k < sum.size(); ++k) out.push_back(sum[k] / nd - exact.mean[k]);
    // The plug-in covariance of N iid draws has mean (1 - 1/N) Cov.
    for (std::size_t q = 0; q < kPairs.size(); ++q) {
        const std::size_t k = kPairs[q][0], l = kPairs[q][1];
        const double plug_in = product[q] / nd - (sum[k] / nd) * (sum[l] / nd);
        out.push_back(plug_in - (1.0 - 1.0 / nd) * exact.covariance[q]);
    }
}

// Solves A x = b (k x k symmetric, row-major) in place by Cholesky, leaving A's factor in `a`; false when A
// is not positive definite or so ill-conditioned (reciprocal condition below 1e-12) that the controls are
// degenerate.
bool solveWellPosed(std::vector<double>& a, std::vector<double>& b, std::size_t k) {
    const auto ki = static_cast<lapack_int>(k);
    double norm = 0.0;  // the 1-norm dpocon needs: the largest column sum of |A|
    for (std::size_t q = 0; q < k; ++q) {
        double column = 0.0;
        for (std::size_t p = 0; p < k; ++p) column += std::abs(a[p * k + q]);
        norm = std::max(norm, column);
    }
    if (!(norm > 0.0) || LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', ki, a.data(), ki) != 0) return false;
    double rcond = 0.0;
    if (LAPACKE_dpocon(LAPACK_ROW_MAJOR, 'L', ki, a.data(), ki, norm, &rcond) != 0 || !(rcond > 1e-12))
        return false;
    return LAPACKE_dpotrs(LAPACK_ROW_MAJOR, 'L', ki, 1, a.data(), ki, b.data(), 1) == 0;
}

// What the regression needs of the controls alone, shared by every statistic regressed on them: their means,
// the Cholesky factor of their centred cross-product A and u = A^-1 mbar (the intercept's leverage mbar . u).
struct ControlDesign {
    std::size_t k = 0;
    std::vector<double> mean, factor, u;
    double leverage = 0.0;
};

std::optional<ControlDesign> designOf(const std::vector<std::vector<double>>& controls) {
    const std::size_t r = controls.size();
    if (r == 0 || controls.front().empty()) return std::nullopt;
    ControlDesign d;
    d.k = controls.front().size();
    const std::size_t k = d.k;
    if (r < static_cast<std::size_t>(kMinRealizationsPerControl) * (k + 1)) return std::nullopt;
    const double rd = static_cast<double>(r);
    d.mean.assign(k, 0.0);
    for (const std::vector<double>& row : controls) {
        if (row.size() != k) return std::nullopt;
        for (std::size_t p = 0; p < k; ++p) {
            if (!std::isfinite(row[p])) return std::nullopt;
            d.mean[p] += row[p] / rd;
        }
    }
    d.factor.assign(k * k, 0.0);
    for (const std::vector<double>& row : controls)
        for (std::size_t p = 0; p < k; ++p)
            for (std::size_t q = 0; q < k; ++q)
                d.factor[p * k + q] += (row[p] - d.mean[p]) * (row[q] - d.mean[q]);
    for (std::size_t p = 0; p < k; ++p) {
        const double spread = d.factor[p * k + p];
        // A control that does not vary beyond rounding (a constant) spans nothing.
        if (!(spread > 1e-20 * rd * (d.mean[p] * d.mean[p] + spread / rd))) return std::nullopt;
    }
    d.u = d.mean;
    if (!solveWellPosed(d.factor, d.u, k)) return std::nullopt;
    for (std::size_t p = 0; p < k; ++p) d.leverage += d.mean[p] * d.u[p];
    return d;
}

// The intercept at m = 0 (where the controls' exact mean is) of the centred regression y - ybar = beta (m -
// mbar), with its variance s^2 (1/R + mbar . A^-1 mbar).
std::optional<Estimate> estimateWith(const ControlDesign& d, const std::vector<double>& values,
                                     const std::vector<std::vector<double>>& controls) {
    const std::size_t r = values.size(), k = d.k;
    if (r != controls.size()) return std::nullopt;
    const double rd = static_cast<double>(r);
    double y_mean = 0.0;
    for (const double v : values) {
        if (!std::isfinite(v)) return std::nullopt;
        y_mean += v / rd;
    }
    std::vector<double> beta(k, 0.0);  // M_c^T (y - ybar), then A^-1 of it
    for (std::size_t i = 0; i < r; ++i)
        for (std::size_t p = 0; p < k; ++p) beta[p] += (controls[i][p] - d.mean[p]) * (values[i] - y_mean);
    const auto ki = static_cast<lapack_int>(k);
    if (LAPACKE_dpotrs(LAPACK_ROW_MAJOR, 'L', ki, 1, d.factor.data(), ki, beta.data(), 1) != 0)
        return std::nullopt;
    double rss = 0.0;
    for (std::size_t i = 0; i < r; ++i) {
        double fitted = y_mean;
        for (std::size_t p = 0; p < k; ++p) fitted += beta[p] * (controls[i][p] - d.mean[p]);
        rss += (values[i] - fitted) * (values[i] - fitted);
    }
    double shift = 0.0;
    for (std::size_t p = 0; p < k; ++p) shift += beta[p] * d.mean[p];
    const double s2 = rss / (rd - static_cast<double>(k) - 1.0);
    Estimate e = estimate(values);  // the raw median and count
    e.mean = y_mean - shift;
    e.sem = std::sqrt(s2 * (1.0 / rd + d.leverage));
    e.var = e.sem * e.sem * rd;
    if (!std::isfinite(e.mean) || !std::isfinite(e.sem)) return std::nullopt;
    return e;
}

}  // namespace

int neuronDrawControlCount(const NetworkSpec& network) {
    return kControlsPerParameter *
           (static_cast<int>(drawn(network.gain)) + static_cast<int>(drawn(network.tau)));
}

std::vector<double> neuronDrawControls(const EnsembleSpec& spec, std::int64_t realization) {
    std::vector<double> out;
    const NetworkSpec& net = spec.network;
    if (drawn(net.gain))
        appendControls(net.gain, spec.ensemble.seed, RngStream::NeuronGain, realization, net.n, out);
    if (drawn(net.tau))
        appendControls(net.tau, spec.ensemble.seed, RngStream::NeuronTimeConstant, realization, net.n, out);
    return out;
}

std::optional<Estimate> controlledEstimate(const std::vector<double>& values,
                                           const std::vector<std::vector<double>>& controls) {
    const std::optional<ControlDesign> design = designOf(controls);
    return design ? estimateWith(*design, values, controls) : std::nullopt;
}

int applyNeuronDrawControls(const EnsembleSpec& spec, const std::vector<RealizationResult>& results,
                            EnsembleSummary& summary) {
    const int count = neuronDrawControlCount(spec.network);
    if (count == 0 || results.size() < static_cast<std::size_t>(kMinRealizationsPerControl * (count + 1)))
        return 0;
    std::vector<std::vector<double>> controls;
    controls.reserve(results.size());
    for (const RealizationResult& r : results) controls.push_back(neuronDrawControls(spec, r.realization));
    const std::optional<ControlDesign> design = designOf(controls);
    if (!design) return 0;
    std::vector<double> values(results.size());
    for (int v = 0; v < kVariableCount; ++v)
        for (int c = 0; c < kCovarianceCount; ++c)
            for (int s = 0; s < kStatisticCount; ++s) {
                for (std::size_t i = 0; i < results.size(); ++i) values[i] = results[i].cov[v][c].stats[s];
                if (const std::optional<Estimate> e = estimateWith(*design, values, controls))
                    summary.est[v][c][s] = *e;
            }
    return count;
}

}  // namespace quench::validation
