// lim N Var_i C_ii of a homogeneous Gaussian site (site_auto_variance.hpp; the derivation:
// docs/theory/site_auto_variance.md).
#include "site_auto_variance.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "gaussian_pair_averages.hpp"
#include "quench/theory/gaussian_average.hpp"
#include "sampled_four_point.hpp"

namespace quench::theory::detail {
namespace {

// E[phi(y1) phi'(y1) phi(y2)] for Var y1 = Var y2 = variance and Cov(y1, y2) = covariance: the average over
// y2 given y1, then over y1, both Gauss-Hermite (phi phi' and phi are smooth: no high derivatives here).
double productPairAverage(const Activation& phi, double variance, double covariance,
                          const GaussHermiteRule& rule) {
    const double sd = std::sqrt(variance), rho = covariance / variance;
    const double inner_sd = std::sqrt(std::max(0.0, variance * (1.0 - rho * rho)));
    double sum = 0.0;
    for (int i = 0; i < rule.order(); ++i) {
        const double y1 = sd * rule.nodes[i];
        double inner = 0.0;
        for (int j = 0; j < rule.order(); ++j)
            inner += rule.weights[j] * phi.value(rho * y1 + inner_sd * rule.nodes[j]);
        sum += rule.weights[i] * phi.value(y1) * phi.derivative(y1) * inner;
    }
    return sum;
}

// w(k) = 2 sum_{l >= 1} f_l v(l + k): the first-order change of the site's E O^2 per unit self-feedback at
// lag k (input h_n += phi(x_{n-k})), with v(m) = E[O O'(x_n) phi(x_{n-m})] and f_l = drive decay^(l-1) the
// leak.
std::vector<double> selfFeedbackResponse(const std::vector<double>& v, const StepCoefficients& step) {
    const std::size_t lags = v.size();
    std::vector<double> w(lags, 0.0);
    for (std::size_t k = 0; k < lags; ++k) {
        double f = step.drive_gain;
        for (std::size_t m = k + 1; m < lags; ++m, f *= step.decay) w[k] += 2.0 * f * v[m];
    }
    return w;
}

// Var of sum_k delta(k) w(k), times N, for the self-feedback delta(0) = J_ii and delta(k) = (J_i. G(k) J_.i)
// (k >= 1; G(k) the others' response): nu g^2 w(0)^2 + g^4 sum_n g^(2n) (sum_k w(k) chi^{*(n+1)}(k))^2, the
// ladder of E tr G(k) G(k')^T. chi(k) = gamma drive decay^(k-1) is geometric, so each convolution is a
// first-order recursion.
double selfFeedbackVariance(const std::vector<double>& w, double gamma, double g,
                            const StepCoefficients& step, bool zero_diagonal) {
    const std::size_t lags = w.size();
    const double g2 = g * g, loop = g2 * gamma * gamma;
    if (!(loop < 1.0))
        throw std::domain_error("site auto variance: g^2 gamma^2 = " + std::to_string(loop) +
                                " >= 1, the self-feedback ladder diverges");
    std::vector<double> s(lags, 0.0), next(lags, 0.0);
    s[0] = 1.0;  // chi^{*0}: the unit at lag 0
    double sum = 0.0, weight = g2 * g2;
    for (int n = 0;; ++n) {
        double carried = 0.0;  // sum_{j >= 1} decay^(j-1) s(k - j)
        for (std::size_t k = 0; k < lags; ++k) {
            next[k] = gamma * step.drive_gain * carried;
            carried = s[k] + step.decay * carried;
        }
        s.swap(next);
        double projection = 0.0;
        for (std::size_t k = 0; k < lags; ++k) projection += w[k] * s[k];
        const double term = weight * projection * projection;
        sum += term;
        weight *= g2;
        if (term <= 1e-15 * sum && std::pow(loop, n) < 1e-12) break;
        if (n > 1000000)
            throw std::domain_error("site auto variance: the self-feedback ladder does not converge");
    }
    return (zero_diagonal ? 0.0 : g2 * w[0] * w[0]) + sum;
}

}  // namespace

SiteAutoVariance siteAutoVariance(const Activation& phi, const DiscreteGaussianSite& site, double g,
                                  const StepCoefficients& step, bool zero_diagonal) {
    const std::vector<double>& delta = site.delta;
    if (delta.empty() || !(delta.front() > 0.0))
        throw std::domain_error("site auto variance: the site has no fluctuations");
    const double four_point = filteredPhiFourPoint(siteRunOf(site, g, step), g, step);
    const GaussianPairAverages averages(phi, delta.front());
    const double q_prime = averages.single(1, 1) + averages.single(0, 2);
    const GaussHermiteRule& rule = defaultGaussHermiteRule();
    std::vector<double> v_phi(delta.size()), v_x(delta.size());
    for (std::size_t m = 0; m < delta.size(); ++m) {
        v_phi[m] = productPairAverage(phi, delta.front(), delta[m], rule);
        v_x[m] = site.gamma * delta[m];  // E[x_n phi(x_{n-m})], Stein
    }
    const double input = 2.0 * g * g * g * g * four_point;
    SiteAutoVariance out;
    out.phi_input = q_prime * q_prime * input;
    out.x_input = input;
    out.phi = out.phi_input +
              selfFeedbackVariance(selfFeedbackResponse(v_phi, step), site.gamma, g, step, zero_diagonal);
    out.x = out.x_input +
            selfFeedbackVariance(selfFeedbackResponse(v_x, step), site.gamma, g, step, zero_diagonal);
    return out;
}

}  // namespace quench::theory::detail
