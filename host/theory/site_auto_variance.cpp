// lim N Var_i C_ii of a homogeneous Gaussian site (site_auto_variance.hpp; the derivation:
// docs/theory/site_auto_variance.md).
#include "site_auto_variance.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "connected_three_point.hpp"
#include "fftw_transforms.hpp"
#include "gain_class_four_point.hpp"
#include "gaussian_pair_averages.hpp"
#include "power_law_pair_average.hpp"
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

// v(m) = b E[phi phi'(b x_n) phi(b x_{n-m})] at every lag of Delta (x's autocovariance): the response of a
// site of gain b's E phi(b x)^2 to its own feedback. Where the correlation rho = Delta(m) / Delta(0) is below
// 1e-3 the Hermite series' first term, b rho E[z phi phi'(s z)] E[z phi(s z)] (s^2 = b^2 Delta(0)), is used:
// the series' even terms vanish for odd phi, the next odd one is O(rho^3), and slow classes of time constant
// keep thousands of such lags, each a 48 x 48 quadrature otherwise.
std::vector<double> selfProductResponse(const Activation& phi, double b, const std::vector<double>& delta,
                                        const GaussHermiteRule& rule) {
    const double b2 = b * b, variance = b2 * delta.front(), sd = std::sqrt(variance);
    double first = 0.0, second = 0.0;
    for (int i = 0; i < rule.order(); ++i) {
        const double z = rule.nodes[i], y = sd * z;
        first += rule.weights[i] * z * phi.value(y) * phi.derivative(y);
        second += rule.weights[i] * z * phi.value(y);
    }
    std::vector<double> v(delta.size());
    for (std::size_t m = 0; m < delta.size(); ++m) {
        const double rho = delta[m] / delta.front();
        v[m] = std::abs(rho) < 1e-3 ? b * rho * first * second
                                    : b * productPairAverage(phi, variance, b2 * delta[m], rule);
    }
    return v;
}

// What the site's E phi^2 needs from phi: q' = dE phi^2/dDelta0 = E(phi'^2 + phi phi'') and
// v(m) = E[phi phi'(x_n) phi(x_{n-m})] at every lag.
struct SelfPowerSlopes {
    double q_prime = 0.0;
    std::vector<double> v;
};

// Smooth phi: q' from the grid averages, v by Gauss-Hermite. The power law sgn|x|^alpha, whose phi'^2 and
// phi phi'' are each infinite at 0 for alpha <= 1/2 (their sum is not), by homogeneity: x phi' = alpha phi,
// so Stein gives q' = alpha E phi^2 / Delta0 (E phi^2 = C_phi(0)), and phi phi' = alpha sgn|x|^(2 alpha - 1)
// is a signed power.
SelfPowerSlopes selfPowerSlopes(const Activation& phi, const DiscreteGaussianSite& site) {
    const std::vector<double>& delta = site.delta;
    const double delta0 = delta.front();
    SelfPowerSlopes out;
    out.v.resize(delta.size());
    if (phi.kind == ActivationKind::PowerLaw) {
        const double alpha = phi.alpha;
        const SignedPower power{alpha, true}, product{2.0 * alpha - 1.0, true};
        out.q_prime = alpha * site.c_phi.front() / delta0;
        const double scale = alpha * std::pow(delta0, 0.5 * (3.0 * alpha - 1.0));
        for (std::size_t m = 0; m < delta.size(); ++m)
            out.v[m] = scale * signedPowerPairAverage(product, power, delta[m] / delta0);
        return out;
    }
    const GaussianPairAverages averages(phi, delta0);
    out.q_prime = averages.single(1, 1) + averages.single(0, 2);
    out.v = selfProductResponse(phi, 1.0, delta, defaultGaussHermiteRule());
    return out;
}

// w(k) = 2 sum_{l >= 1} f_l v(l + k): the first-order change of the site's E O^2 per unit self-feedback at
// lag k (input h_n += phi(x_{n-k})), with v(m) = E[O O'(x_n) phi(x_{n-m})] and f_l = drive decay^(l-1) the
// leak. Backwards: r(k) = sum_{m > k} decay^(m-k-1) v(m) = v(k + 1) + decay r(k + 1).
std::vector<double> selfFeedbackResponse(const std::vector<double>& v, const StepCoefficients& step) {
    std::vector<double> w(v.size(), 0.0);
    double r = 0.0;
    for (std::size_t k = v.size(); k-- > 0;) {
        w[k] = 2.0 * step.drive_gain * r;
        r = v[k] + step.decay * r;
    }
    return w;
}

// A self-feedback response w(k) = constant + decaying(k): the zero-frequency ones tend to a constant (a
// feedback at any lag moves the ZF power), which the ladder sums exactly, sum_k chi^{*n}(k) = gamma^n.
struct SelfFeedback {
    std::vector<double> decaying;
    double constant = 0.0;
};

// Var of sum_k delta(k) w(k), times N, for the self-feedback delta(0) = J_ii and delta(k) = (J_i. G(k) J_.i)
// (k >= 1; G(k) the others' response): nu g^2 w(0)^2 + g^4 sum_n g^(2n) (sum_k w(k) chi^{*(n+1)}(k))^2, the
// ladder of E tr G(k) G(k')^T, for each response (one pass of the ladder for all). chi(k) = gamma drive
// decay^(k-1) is geometric, so each convolution is a first-order recursion. The ladder carries
// s_n = g^n chi^{*n}, so that each term is g^2 (sum_k w(k) s_{n+1}(k))^2: g^(2n) and chi^{*n} apart overflow
// and underflow near the edge (the power law at g = 1.75 needs n ~ 2000 rungs: 1.75^4000).
std::vector<double> selfFeedbackVariances(const std::vector<SelfFeedback>& responses, double gamma, double g,
                                          const StepCoefficients& step, bool zero_diagonal) {
    const double g2 = g * g, loop = g2 * gamma * gamma;
    if (!(loop < 1.0))
        throw std::domain_error("site auto variance: g^2 gamma^2 = " + std::to_string(loop) +
                                " >= 1, the self-feedback ladder diverges");
    std::size_t lags = 0;
    for (const SelfFeedback& w : responses) lags = std::max(lags, w.decaying.size());
    std::vector<double> s(lags, 0.0), next(lags, 0.0), sums(responses.size(), 0.0);
    if (lags > 0) s[0] = 1.0;  // chi^{*0}: the unit at lag 0
    double loop_power = 1.0;   // (g gamma)^n, the sum over k of s_n(k)
    for (int n = 0;; ++n) {
        double carried = 0.0;  // sum_{j >= 1} decay^(j-1) s(k - j)
        for (std::size_t k = 0; k < lags; ++k) {
            next[k] = g * gamma * step.drive_gain * carried;
            carried = s[k] + step.decay * carried;
        }
        s.swap(next);
        loop_power *= g * gamma;
        bool converged = std::pow(loop, n) < 1e-12;
        for (std::size_t r = 0; r < responses.size(); ++r) {
            const SelfFeedback& w = responses[r];
            double projection = w.constant * loop_power;
            for (std::size_t k = 0; k < w.decaying.size(); ++k) projection += w.decaying[k] * s[k];
            const double term = g2 * projection * projection;
            if (!std::isfinite(term))
                throw std::domain_error("site auto variance: a self-feedback response is not finite");
            sums[r] += term;
            converged = converged && term <= 1e-15 * sums[r];
        }
        if (converged) break;
        if (n > 1000000)
            throw std::domain_error("site auto variance: the self-feedback ladder does not converge");
    }
    for (std::size_t r = 0; r < responses.size(); ++r) {
        const SelfFeedback& w = responses[r];
        const double at_zero = w.constant + (w.decaying.empty() ? 0.0 : w.decaying.front());
        if (!zero_diagonal) sums[r] += g2 * at_zero * at_zero;
    }
    return sums;
}

// theta_t = 2 pi t / p, the p-point frequency grid.
double gridFrequency(std::size_t t, std::size_t p) {
    return 2.0 * M_PI * static_cast<double>(t) / static_cast<double>(p);
}

// sum_k c(|k|) e^{i theta k} on the p-point grid theta_t (c even and real).
std::vector<double> evenSpectrum(const std::vector<double>& c, std::size_t p) {
    std::vector<double> cosines(p);
    for (std::size_t t = 0; t < p; ++t) cosines[t] = std::cos(gridFrequency(t, p));
    std::vector<double> out(p, c.front());
    for (std::size_t t = 0; t < p; ++t)
        for (std::size_t k = 1; k < c.size(); ++k) out[t] += 2.0 * c[k] * cosines[(t * k) % p];
    return out;
}

// The three-point sums' lag stride: about 0.05 time units.
std::size_t threePointStride(double dt) {
    return static_cast<std::size_t>(std::max(1.0, std::round(0.05 / dt)));
}

// N Var of a site's ZF power from its quenched input row, 2 g^4 Tr M^2 / N, when the power moves by
// (1/p) sum_theta w(theta) dq(theta) + c0 dt dq(0) with the input spectrum's change dq(theta) (per step) =
// J_i. dC_phi(theta) J_i.^T. tr C_phi(theta) C_phi(theta') / N = S_phi S_phi' / |1 - g^2 chi conj(chi')|^2 in
// the linear-response network at eta = 0 (sampled_dmft.md, section 6), chi = gamma f.
double zeroFrequencyInputVariance(const std::vector<double>& w, double c0, const std::vector<double>& s_phi,
                                  double gamma, double g, const StepCoefficients& step, double dt) {
    const std::size_t p = s_phi.size();
    std::vector<std::complex<double>> chi(p);
    for (std::size_t t = 0; t < p; ++t) chi[t] = gamma * leakTransfer(step, gridFrequency(t, p));
    const double g2 = g * g;
    const auto kernel = [&](std::size_t t, std::size_t u) {
        return s_phi[t] * s_phi[u] / std::norm(1.0 - g2 * chi[t] * std::conj(chi[u]));
    };
    double double_sum = 0.0, single_sum = 0.0;
    if (!w.empty())
        for (std::size_t t = 0; t < p; ++t) {
            double row = 0.0;
            for (std::size_t u = 0; u < p; ++u) row += w[u] * kernel(t, u);
            double_sum += w[t] * row;
            single_sum += w[t] * kernel(t, 0);
        }
    const double pd = static_cast<double>(p);
    const double trace =
        double_sum / (pd * pd) + 2.0 * c0 * dt * single_sum / pd + c0 * c0 * dt * dt * kernel(0, 0);
    return 2.0 * g2 * g2 * trace;
}

// The input row's part and the self-feedback of phi's ZF power (site_auto_variance.md, section 5), from the
// pair averages A(k) = E phi'phi'(k), B(k) = E phi''(x_n) phi(x_{n-k}) and the connected three-point sums.
struct PhiZeroFrequencyParts {
    double input = 0.0;
    SelfFeedback feedback;
};

PhiZeroFrequencyParts phiZeroFrequencyParts(const Activation& phi, const DiscreteGaussianSite& site, double g,
                                            const StepCoefficients& step, double dt) {
    const std::vector<double>& delta = site.delta;
    const std::size_t lags = delta.size();
    const double gamma = site.gamma, a_x = zeroFrequencyPower(delta, dt),
                 a_phi = zeroFrequencyPower(site.c_phi, dt);
    const GaussianPairAverages averages(phi, delta.front());
    std::vector<double> a_connected(lags), b(lags);
    a_connected[0] = averages.single(1, 1) - gamma * gamma;
    b[0] = averages.single(2, 0);
    for (std::size_t k = 1; k < lags; ++k) {
        const auto pair = averages.pair(delta[k] / delta.front(), 1);
        a_connected[k] = pair[1][1] - gamma * gamma;
        b[k] = pair[2][0];
    }
    // The input row: dZF_phi = dt sum_k [A(k) dDelta(k) + B(k) dDelta(0)], dDelta(theta) = |f|^2 dq(theta);
    // A's constant gamma^2 is the point theta = 0.
    const std::size_t p = nextPowerOfTwo(2 * lags);
    const std::vector<double> s_phi = evenSpectrum(site.c_phi, p), a_hat = evenSpectrum(a_connected, p);
    const double b_sum = zeroFrequencyPower(b, 1.0);
    std::vector<double> w(p);
    for (std::size_t t = 0; t < p; ++t)
        w[t] = dt * std::norm(leakTransfer(step, gridFrequency(t, p))) * (a_hat[t] + b_sum);
    PhiZeroFrequencyParts out;
    out.input = zeroFrequencyInputVariance(w, gamma * gamma, s_phi, gamma, g, step, dt);
    // The self-feedback: sum_m E[phi'(x_0) phi(x_{-j}) phi(x_m)] = gamma ZF_phi / dt + gamma (ZF_x / dt)
    // (A(j) + B(j) - gamma^2) + conn(j) (Stein on the linear part of phi(x_m)).
    const std::vector<double> conn =
        phi.kind == ActivationKind::Linear
            ? std::vector<double>(lags, 0.0)  // psi = 0
            : connectedThreePointLagSums(phi, delta, gamma, threePointStride(dt));
    std::vector<double> lag_part(lags);
    for (std::size_t j = 0; j < lags; ++j) lag_part[j] = gamma * a_x * (a_connected[j] + b[j]) + dt * conn[j];
    out.feedback.decaying = selfFeedbackResponse(lag_part, step);
    out.feedback.constant = 2.0 * gamma * a_phi;
    return out;
}

}  // namespace

SiteAutoVariance siteAutoVariance(const Activation& phi, const DiscreteGaussianSite& site, double g,
                                  const StepCoefficients& step, bool zero_diagonal) {
    const std::vector<double>& delta = site.delta;
    if (delta.empty() || !(delta.front() > 0.0))
        throw std::domain_error("site auto variance: the site has no fluctuations");
    const double four_point = filteredPhiFourPoint(siteRunOf(site, g, step), g, step);
    const SelfPowerSlopes slopes = selfPowerSlopes(phi, site);
    const double q_prime = slopes.q_prime;
    const std::vector<double>& v_phi = slopes.v;
    std::vector<double> v_x(delta.size());
    for (std::size_t m = 0; m < delta.size(); ++m)
        v_x[m] = site.gamma * delta[m];  // E[x_n phi(x_{n-m})], Stein
    const double input = 2.0 * g * g * g * g * four_point;
    SiteAutoVariance out;
    out.phi_input = q_prime * q_prime * input;
    out.x_input = input;
    const std::vector<double> feedback = selfFeedbackVariances(
        {{selfFeedbackResponse(v_phi, step), 0.0}, {selfFeedbackResponse(v_x, step), 0.0}}, site.gamma, g,
        step, zero_diagonal);
    out.phi = out.phi_input + feedback[0];
    out.x = out.x_input + feedback[1];
    return out;
}

ZeroFrequencySiteAutoVariance zeroFrequencySiteAutoVariance(const Activation& phi,
                                                            const DiscreteGaussianSite& site, double g,
                                                            const StepCoefficients& step, double dt,
                                                            bool zero_diagonal) {
    const std::vector<double>& delta = site.delta;
    if (delta.empty() || !(delta.front() > 0.0))
        throw std::domain_error("site auto variance: the site has no fluctuations");
    const double gamma = site.gamma;
    std::vector<SelfFeedback> responses{{{}, 2.0 * gamma * zeroFrequencyPower(delta, dt)}};
    ZeroFrequencySiteAutoVariance out;
    const std::vector<double> s_phi{zeroFrequencyPower(site.c_phi, 1.0)};  // only theta = 0 counts for x
    out.x_input = zeroFrequencyInputVariance({}, 1.0, s_phi, gamma, g, step, dt);
    PhiZeroFrequencyParts parts;
    if (!activationKinks(phi).empty()) {
        out.phi_reason =
            "phi's needs E phi''phi and the three-time averages of phi' at every lag, which the grid and "
            "Gauss-Hermite rules do not resolve for a kinked phi (the power law's |x|^(alpha - 1) at 0); not "
            "derived";
    } else if (const std::size_t pairs = phi.kind == ActivationKind::Linear
                                             ? 0
                                             : connectedThreePointPairs(delta, threePointStride(dt));
               pairs <= kMaxThreePointPairs) {
        parts = phiZeroFrequencyParts(phi, site, g, step, dt);
        responses.push_back(parts.feedback);
    } else {
        out.phi_reason = "the three-point lag sums of phi's ZF self-feedback would take " +
                         std::to_string(pairs) + " lag pairs (more than " +
                         std::to_string(kMaxThreePointPairs) +
                         ": the correlation time is long, near the edge or with slow colored noise)";
    }
    const std::vector<double> feedback = selfFeedbackVariances(responses, gamma, g, step, zero_diagonal);
    out.x = out.x_input + feedback[0];
    if (feedback.size() > 1) {
        out.has_phi = true;
        out.phi_input = parts.input;
        out.phi = parts.input + feedback[1];
    }
    return out;
}

ClassXAutoVariance gainClassXAutoVariance(const std::vector<GainClassSite>& classes,
                                          const std::vector<double>& delta, double g,
                                          const StepCoefficients& step, double dt, bool zero_diagonal) {
    if (classes.empty() || delta.empty() || !(delta.front() > 0.0))
        throw std::domain_error("site auto variance: no gain classes, or the site has no fluctuations");
    double zf_square = 0.0;  // E_b S_b(0)^2 (per step)
    for (const GainClassSite& c : classes) {
        const double s0 = zeroFrequencyPower(c.c_phi, 1.0);
        zf_square += c.weight * s0 * s0;
    }
    const double gamma = std::sqrt(gammaSquared(classes));
    std::vector<double> v_x(delta.size());
    for (std::size_t m = 0; m < delta.size(); ++m) v_x[m] = gamma * delta[m];  // the classes' rms of gamma_b
    const std::vector<double> feedback = selfFeedbackVariances(
        {{selfFeedbackResponse(v_x, step), 0.0}, {{}, 2.0 * gamma * zeroFrequencyPower(delta, dt)}}, gamma, g,
        step, zero_diagonal);
    ClassXAutoVariance out;
    out.equal_time = 2.0 * g * g * g * g * filteredGainClassFourPoint(classes, g, step) + feedback[0];
    // The ZF input variance needs E_b S_b(0)^2 at theta = 0 only: one "spectrum" of that square.
    out.zero_frequency =
        zeroFrequencyInputVariance({}, 1.0, {std::sqrt(zf_square)}, gamma, g, step, dt) + feedback[1];
    return out;
}

double neuronClassXZeroFrequencyAutoVariance(const std::vector<NeuronClassPoint>& classes, double g,
                                             double dt, bool zero_diagonal) {
    if (classes.empty()) throw std::domain_error("site auto variance: no neuron classes");
    double zf_square = 0.0, gamma2 = 0.0;  // E_c S_c(0)^2 (per step) and Gamma^2
    for (const NeuronClassPoint& c : classes) {
        const double s0 = zeroFrequencyPower(c.c_phi, 1.0);
        zf_square += c.weight * s0 * s0;
        gamma2 += c.weight * c.gamma * c.gamma;
    }
    const double gamma = std::sqrt(gamma2);
    std::vector<SelfFeedback> responses;
    for (const NeuronClassPoint& c : classes)
        responses.push_back({{}, 2.0 * c.gamma * zeroFrequencyPower(c.delta, dt)});
    // Every leak is 1 at zero frequency, so any class's step gives the input's kernel and the ladder.
    const StepCoefficients& step = classes.front().step;
    const std::vector<double> feedback = selfFeedbackVariances(responses, gamma, g, step, zero_diagonal);
    double kappa = zeroFrequencyInputVariance({}, 1.0, {std::sqrt(zf_square)}, gamma, g, step, dt);
    for (std::size_t c = 0; c < classes.size(); ++c) kappa += classes[c].weight * feedback[c];
    return kappa;
}

double gainClassPhiAutoVariance(const Activation& phi, const std::vector<GainNode>& gains,
                                const std::vector<GainClassSite>& classes, const std::vector<double>& delta,
                                double g, const StepCoefficients& step, bool zero_diagonal) {
    if (classes.empty() || classes.size() != gains.size() || delta.empty() || !(delta.front() > 0.0))
        throw std::domain_error("site auto variance: the gain classes do not match, or the site is quiet");
    const double gamma = std::sqrt(gammaSquared(classes));
    const double input = 2.0 * g * g * g * g * filteredGainClassFourPoint(classes, g, step);
    const GaussHermiteRule& rule = defaultGaussHermiteRule();
    std::vector<SelfFeedback> responses;
    std::vector<double> slopes;  // B_b = d E phi(b x)^2 / dDelta(0)
    for (const GainNode& c : gains) {
        const double b2 = c.b * c.b;
        const GaussianPairAverages averages(phi, b2 * delta.front());
        slopes.push_back(b2 * (averages.single(1, 1) + averages.single(0, 2)));
        responses.push_back({selfFeedbackResponse(selfProductResponse(phi, c.b, delta, rule), step), 0.0});
    }
    const std::vector<double> feedback = selfFeedbackVariances(responses, gamma, g, step, zero_diagonal);
    double kappa = 0.0;
    for (std::size_t c = 0; c < gains.size(); ++c)
        kappa += gains[c].weight * (slopes[c] * slopes[c] * input + feedback[c]);
    return kappa;
}

namespace {

using Complex = std::complex<double>;

// W(theta) = sum_{k >= 0} w(k) e^{-i k theta} at every node (leakTransfer's convention).
std::vector<Complex> causalTransform(const std::vector<double>& w, const FrequencyNodes& nodes) {
    std::vector<Complex> out;
    for (const double theta : nodes.theta) {
        const Complex step = std::polar(1.0, -theta);
        Complex phase = 1.0, sum = 0.0;
        for (const double v : w) {
            sum += v * phase;
            phase *= step;
        }
        out.push_back(sum);
    }
    return out;
}

// A class of time constant: its leak at the nodes, its Delta and its gain classes' sum of weight gamma^2.
struct LeakGroup {
    StepCoefficients step;
    double weight = 0.0, gamma2 = 0.0;
    const std::vector<double>* delta = nullptr;
    std::vector<Complex> filter;
};

// The two-replica kernel at every pair of nodes (theta_j, +-theta_jp), j, jp >= 1 (node 0 weighs nothing):
// K = g^2 E_c gamma_c^2 f_c(theta) conj f_c(theta') and tr C_phi(theta) C_phi(theta') / N = E_c S_c S_c' /
// |1 - K|^2, with the pair's quadrature weight over (2 pi)^2 / 2 (the half theta < 0 is the conjugate).
class PairKernel {
public:
    PairKernel(const std::vector<LeakGroup>& groups, const std::vector<NeuronClassPoint>& classes,
               const FrequencyNodes& nodes, double g)
        : nodes_(nodes), n_(nodes.theta.size()) {
        std::vector<std::vector<double>> spectra(classes.size());
        std::transform(classes.begin(), classes.end(), spectra.begin(),
                       [&nodes](const NeuronClassPoint& c) { return spectrumAt(c.c_phi, nodes); });
        const double g2 = g * g, half_square = 2.0 * M_PI * M_PI;
        for (std::size_t j = 1; j < n_; ++j)
            for (std::size_t jp = 1; jp < n_; ++jp)
                for (const bool mirrored : {false, true}) {
                    Complex k = 0.0;
                    for (const LeakGroup& t : groups)
                        k +=
                            g2 * t.gamma2 * t.filter[j] * (mirrored ? t.filter[jp] : std::conj(t.filter[jp]));
                    double numerator = 0.0;
                    for (std::size_t c = 0; c < classes.size(); ++c)
                        numerator += classes[c].weight * spectra[c][j] * spectra[c][jp];
                    weight_.push_back(nodes.weight[j] * nodes.weight[jp] / half_square);
                    ladder_.push_back(k / (1.0 - k));
                    trace_.push_back(numerator / std::norm(1.0 - k));
                }
    }

    // T = < |f(theta)|^2 |f(theta')|^2 tr C_phi C_phi' / N > for one class's leak.
    double filteredTrace(const std::vector<Complex>& f) const {
        double sum = 0.0;
        std::size_t i = 0;
        for (std::size_t j = 1; j < n_; ++j)
            for (std::size_t jp = 1; jp < n_; ++jp)
                for (int m = 0; m < 2; ++m, ++i)
                    sum += weight_[i] * std::norm(f[j]) * std::norm(f[jp]) * trace_[i];
        return sum;
    }

    // N Var of a self-feedback with response w: nu g^2 w(0)^2 + g^2 < conj W(theta) W(theta') K / (1 - K) >.
    double feedbackVariance(const std::vector<double>& w, double g, bool zero_diagonal) const {
        const std::vector<Complex> transform = causalTransform(w, nodes_);
        Complex sum = 0.0;
        std::size_t i = 0;
        for (std::size_t j = 1; j < n_; ++j)
            for (std::size_t jp = 1; jp < n_; ++jp)
                for (const bool mirrored : {false, true}) {
                    const Complex later = mirrored ? std::conj(transform[jp]) : transform[jp];
                    sum += weight_[i] * std::conj(transform[j]) * later * ladder_[i];
                    ++i;
                }
        const double g2 = g * g;
        return g2 * sum.real() + (zero_diagonal ? 0.0 : g2 * w.front() * w.front());
    }

private:
    const FrequencyNodes& nodes_;
    std::size_t n_;
    std::vector<double> weight_, trace_;
    std::vector<Complex> ladder_;
};

}  // namespace

NeuronClassAutoVariance neuronClassAutoVariance(const Activation& phi,
                                                const std::vector<NeuronClassPoint>& classes, double g,
                                                bool zero_diagonal) {
    if (classes.empty() || classes.front().delta.size() < 2 || !(classes.front().delta.front() > 0.0))
        throw std::domain_error("site auto variance: no classes, or the site is quiet");
    const std::size_t lags = classes.front().delta.size();
    const FrequencyNodes nodes = frequencyNodes(lags);
    std::vector<LeakGroup> groups;
    std::vector<std::size_t> group_of;
    double loop = 0.0;
    for (const NeuronClassPoint& c : classes) {
        if (c.delta.size() != lags || c.c_phi.size() != lags)
            throw std::domain_error("site auto variance: the classes' lags differ");
        std::size_t t = 0;
        while (t < groups.size() && !sameStep(groups[t].step, c.step)) ++t;
        if (t == groups.size()) groups.push_back({c.step, 0.0, 0.0, &c.delta, leakFilter(c.step, nodes)});
        groups[t].weight += c.weight;
        groups[t].gamma2 += c.weight * c.gamma * c.gamma;
        group_of.push_back(t);
        loop += g * g * c.weight * c.gamma * c.gamma;
    }
    if (!(loop < 1.0))
        throw std::domain_error("site auto variance: g^2 E_c gamma_c^2 = " + std::to_string(loop) +
                                " >= 1, the self-feedback ladder diverges");
    const PairKernel kernel(groups, classes, nodes, g);
    const double g4 = g * g * g * g;
    std::vector<double> input;  // 2 g^4 T_tau per class of time constant
    NeuronClassAutoVariance out;
    for (const LeakGroup& t : groups) {
        input.push_back(2.0 * g4 * kernel.filteredTrace(t.filter));
        // x's response at unit gamma: w(k) = 2 sum_l f_l Delta(l + k)
        const double feedback =
            kernel.feedbackVariance(selfFeedbackResponse(*t.delta, t.step), g, zero_diagonal);
        out.x += t.weight * input.back() + t.gamma2 * feedback;
    }
    const GaussHermiteRule& rule = defaultGaussHermiteRule();
    for (std::size_t c = 0; c < classes.size(); ++c) {
        const NeuronClassPoint& point = classes[c];
        const double b = point.gain, b2 = b * b, delta0 = point.delta.front();
        const GaussianPairAverages averages(phi, b2 * delta0);
        const double slope = b2 * (averages.single(1, 1) + averages.single(0, 2));  // B_c
        const double feedback = kernel.feedbackVariance(
            selfFeedbackResponse(selfProductResponse(phi, b, point.delta, rule), point.step), g,
            zero_diagonal);
        out.phi += point.weight * (slope * slope * input[group_of[c]] + feedback);
    }
    return out;
}

double zeroFrequencyPower(const std::vector<double>& c, double dt) {
    double sum = 0.0;
    for (std::size_t k = 1; k < c.size(); ++k) sum += c[k];
    return dt * (c.front() + 2.0 * sum);
}

}  // namespace quench::theory::detail
