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

// Solves A X = B (k x k symmetric, B k x 2, row-major) in place by Cholesky; false when A is not positive
// definite or so ill-conditioned (reciprocal condition below 1e-12) that the controls are degenerate.
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
    return LAPACKE_dpotrs(LAPACK_ROW_MAJOR, 'L', ki, 2, a.data(), ki, b.data(), 2) == 0;
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
    const std::size_t r = values.size();
    if (r == 0 || controls.size() != r || controls.front().empty()) return std::nullopt;
    const std::size_t k = controls.front().size();
    if (r < static_cast<std::size_t>(kMinRealizationsPerControl) * (k + 1)) return std::nullopt;
    const double rd = static_cast<double>(r);
    double y_mean = 0.0;
    std::vector<double> m_mean(k, 0.0);
    for (std::size_t i = 0; i < r; ++i) {
        if (!std::isfinite(values[i]) || controls[i].size() != k) return std::nullopt;
        y_mean += values[i] / rd;
        for (std::size_t a = 0; a < k; ++a) {
            if (!std::isfinite(controls[i][a])) return std::nullopt;
            m_mean[a] += controls[i][a] / rd;
        }
    }
    // Centred normal equations A [beta u] = [M_c^T (y - ybar), mbar]: beta the slopes, u for the intercept's
    // variance s^2 (1/R + mbar^T A^-1 mbar) at m = 0, where the controls' exact mean is.
    std::vector<double> a(k * k, 0.0), rhs(k * 2, 0.0);
    for (std::size_t i = 0; i < r; ++i)
        for (std::size_t p = 0; p < k; ++p) {
            const double dp = controls[i][p] - m_mean[p];
            rhs[p * 2] += dp * (values[i] - y_mean);
            for (std::size_t q = 0; q < k; ++q) a[p * k + q] += dp * (controls[i][q] - m_mean[q]);
        }
    for (std::size_t p = 0; p < k; ++p) {
        rhs[p * 2 + 1] = m_mean[p];
        // A control that does not vary beyond rounding (a constant) spans nothing.
        if (!(a[p * k + p] > 1e-20 * rd * (m_mean[p] * m_mean[p] + a[p * k + p] / rd))) return std::nullopt;
    }
    if (!solveWellPosed(a, rhs, k)) return std::nullopt;
    double rss = 0.0;
    for (std::size_t i = 0; i < r; ++i) {
        double fitted = y_mean;
        for (std::size_t p = 0; p < k; ++p) fitted += rhs[p * 2] * (controls[i][p] - m_mean[p]);
        rss += (values[i] - fitted) * (values[i] - fitted);
    }
    double shift = 0.0, leverage = 0.0;
    for (std::size_t p = 0; p < k; ++p) {
        shift += rhs[p * 2] * m_mean[p];
        leverage += m_mean[p] * rhs[p * 2 + 1];
    }
    const double s2 = rss / (rd - static_cast<double>(k) - 1.0);
    Estimate e = estimate(values);  // the raw median and count
    e.mean = y_mean - shift;
    e.sem = std::sqrt(s2 * (1.0 / rd + leverage));
    e.var = e.sem * e.sem * rd;
    if (!std::isfinite(e.mean) || !std::isfinite(e.sem)) return std::nullopt;
    return e;
}

int applyNeuronDrawControls(const EnsembleSpec& spec, const std::vector<RealizationResult>& results,
                            EnsembleSummary& summary) {
    const int count = neuronDrawControlCount(spec.network);
    if (count == 0 || results.size() < static_cast<std::size_t>(kMinRealizationsPerControl * (count + 1)))
        return 0;
    std::vector<std::vector<double>> controls;
    controls.reserve(results.size());
    for (const RealizationResult& r : results) controls.push_back(neuronDrawControls(spec, r.realization));
    std::vector<double> values(results.size());
    for (int v = 0; v < kVariableCount; ++v)
        for (int c = 0; c < kCovarianceCount; ++c)
            for (int s = 0; s < kStatisticCount; ++s) {
                for (std::size_t i = 0; i < results.size(); ++i) values[i] = results[i].cov[v][c].stats[s];
                if (const std::optional<Estimate> e = controlledEstimate(values, controls))
                    summary.est[v][c][s] = *e;
            }
    return count;
}

}  // namespace quench::validation
