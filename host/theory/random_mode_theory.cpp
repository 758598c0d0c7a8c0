#include "quench/theory/random_mode_theory.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "quench/theory/gaussian_average.hpp"
#include "random_mode_classes.hpp"

namespace quench::theory {
namespace {

using Complex = std::complex<double>;
using Mat2 = std::array<Complex, 4>;  // row-major [[0, 1], [2, 3]]

[[noreturn]] void reject(const char* name, double value, const std::string& allowed) {
    std::ostringstream msg;
    msg.precision(17);
    msg << "random-mode theory: " << name << " = " << value << ": " << allowed;
    throw std::domain_error(msg.str());
}

Mat2 inverse(const Mat2& m) {
    const Complex inv_det = 1.0 / (m[0] * m[3] - m[1] * m[2]);  // one complex division, not four
    return {m[3] * inv_det, -m[1] * inv_det, -m[2] * inv_det, m[0] * inv_det};
}

using detail::sumOfPowers;

// Hermitized cavity for r(eps) = (1/N) Tr ((K-J)^H (K-J) + eps)^-1, K = 1 + i w (w = 0: the ZF problem
// (1-J)^T (1-J); at w != 0 the x -> p and p -> x couplings are K and conj K). gamma holds the mode responses
// (1/N) sum_a Gamma^a (entries yy, yt, ty, tt); it is updated in place so callers can continue in eps.
// With per-mode overlaps rho_a the neuron response needs two mode averages: the plain one for the
// off-diagonal entries (sum_i U_ia^2 -> 1) and the rho_a-weighted one for the diagonal entries
// (sum_i U_ia V_ia -> rho_a); gamma holds (1/N) sum_a Gamma^a_yt, Gamma^a_ty in [1], [2] and
// (1/N) sum_a rho_a Gamma^a_yy, rho_a Gamma^a_tt in [0], [3]. With one rho this is the old form.
// Modes sharing (D_a, rho_a) are one class (random_mode_classes.hpp).
struct Cavity {
    Cavity(const std::vector<double>& D, double n_, const std::vector<double>& rho)
        : modes(detail::modeClasses(D, rho)), n(n_) {}

    std::vector<detail::ModeClass> modes;
    double n;
    Complex k = 1.0;   // 1 + i w
    Complex k2 = 1.0;  // conj(k) for r(w); any other value gives (1/N) Tr [(k - J)^-1 (k2 - J^T)^-1]

    void atFrequency(double w) {
        k = Complex(1.0, w);
        k2 = std::conj(k);
    }

    Mat2 neuronResponse(const Mat2& gamma, double eps) const {
        return inverse({-k + gamma[0], 1.0 + gamma[1], eps - gamma[2], k2 - gamma[3]});
    }

    // Returns r(eps) (real: the trace of a positive matrix); throws std::runtime_error if the damped
    // iteration does not converge.
    double solve(double eps, Mat2& gamma) const { return solveProduct(eps, gamma).real(); }

    // The same for any k, k2: (1/N) Tr [(k2 - J^T)(k - J) + eps]^-1 (complex unless k2 = conj k).
    Complex solveProduct(double eps, Mat2& gamma) const {
        for (int iteration = 0; iteration < 20000; ++iteration) {
            const Mat2 L = neuronResponse(gamma, eps);
            Mat2 next{0.0, 0.0, 0.0, 0.0};
            for (const detail::ModeClass& mode : modes) {
                const double d = mode.d;
                const double r = mode.rho;
                const double w = mode.count * d / n;
                const Mat2 g = inverse({1.0 + d * r * L[0], -d * L[1], d * L[2], 1.0 - d * r * L[3]});
                next[0] += w * r * g[0];
                next[1] += w * g[1];
                next[2] += w * g[2];
                next[3] += w * r * g[3];
            }
            double change2 = 0.0, size2 = 1.0;  // squared moduli: no hypot in the inner loop
            for (int q = 0; q < 4; ++q) {
                if (!std::isfinite(next[q].real()) || !std::isfinite(next[q].imag()))
                    throw std::domain_error("random-mode theory: cavity diverged (unstable network)");
                change2 = std::max(change2, std::norm(next[q] - gamma[q]));
                size2 = std::max(size2, std::norm(next[q]));
                gamma[q] = 0.5 * (gamma[q] + next[q]);  // damping: the plain iteration oscillates for rho < 0
            }
            if (change2 < 1e-28 * size2) return neuronResponse(gamma, eps)[1];
        }
        throw std::runtime_error(
            "random-mode theory: cavity iteration did not converge; close to the stability edge?");
    }
};

// The input checks shared by the zero-frequency and equal-time theories; true when every rho_a is 0.
bool validatedModes(const std::vector<double>& D, int N, const std::vector<double>& rhos, double sigma) {
    if (N < 1) reject("N", N, "must be >= 1");
    if (rhos.size() != D.size())
        reject("rho.size()", static_cast<double>(rhos.size()), "must equal D.size()");
    bool uncorrelated = true;
    for (const double rho : rhos) {
        if (!std::isfinite(rho) || rho <= -1.0 || rho > 1.0)
            reject("rho", rho, "the mode overlap must lie in (-1, 1]");
        uncorrelated = uncorrelated && rho == 0.0;
    }
    if (!std::isfinite(sigma) || sigma < 0.0) reject("sigma", sigma, "must be finite and >= 0");
    for (const double d : D) {
        if (!std::isfinite(d) || d < 0.0) reject("D_a", d, "spectrum entries must be finite and >= 0");
    }
    return uncorrelated;
}

// The cavity at w = 0 converged down to the regulator scale, with the stability checks (the bulk's mean
// eigenvalue, convergence, and the regulator test below); rejects an unstable network with
// std::domain_error. Returns the mode responses to continue from.
Mat2 stableZeroFrequencyCavity(const Cavity& cavity) {
    double meanEigenvalue = 0.0, rho = 0.0, modes = 0.0;  // rho: the mean overlap, for the messages
    for (const detail::ModeClass& mode : cavity.modes) {
        meanEigenvalue += mode.count * mode.rho * mode.d / cavity.n;
        rho += mode.count * mode.rho;
        modes += mode.count;
    }
    rho /= modes;
    if (meanEigenvalue >= 1.0) {
        reject(
            "rho", rho,
            "the mean eigenvalue sum rho_a D_a / N = " + std::to_string(meanEigenvalue) + " >= 1: unstable");
    }
    // Continuation in eps from a well-posed large value down to the regulator scale.
    Mat2 gamma{0.0, 0.0, 0.0, 0.0};
    try {
        for (double eps = 1.0; eps > 1e-7; eps *= 0.25) cavity.solve(eps, gamma);
    } catch (const std::runtime_error&) {  // critical slowing down: the bulk edge is at or past z = 1
        reject("rho", rho,
               "the cavity has no convergent solution: z = 1 at or inside the bulk of J (unstable)");
    }
    // Inside the bulk r(eps) ~ 1/sqrt(eps) (nonzero density of small singular values of 1-J);
    // outside it tends to a constant. Compare two regulators a factor 16 apart.
    Mat2 g1 = gamma, g2m = gamma;
    double rSmall = 0.0, rLarger = 0.0;
    try {
        rSmall = cavity.solve(1e-9, g1);
        rLarger = cavity.solve(1.6e-8, g2m);
    } catch (const std::runtime_error&) {  // critical slowing down: at or inside the bulk edge
        reject("rho", rho,
               "the cavity does not converge at small regulator: z = 1 at or inside the bulk (unstable)");
    }
    if (!(rSmall > 0.0) || rSmall > 1.5 * rLarger) {
        reject("rho", rho, "z = 1 lies inside the spectral bulk of J at this spectrum and overlap: unstable");
    }
    return gamma;
}

}  // namespace

// The cavity depends on the modes only through (1/N) sum_a f(D_a, rho_a), so K copies of each mode at the
// midpoint nodes rho_k of the uniform law, in a network K times as large, average f over rho_a.
RandomModeSet randomModeUniformOverlapSet(const std::vector<double>& D, int N, double overlap, double spread,
                                          int nodes) {
    if (!std::isfinite(spread) || spread < 0.0)
        reject("spread", spread, "the overlap spread must be finite and >= 0");
    if (nodes < 1) reject("nodes", nodes, "the number of quadrature nodes must be >= 1");
    if (!std::isfinite(overlap) || overlap - spread < -1.0 || overlap + spread > 1.0)
        reject("spread", spread, "the overlaps overlap +- spread must lie within [-1, 1]");
    if (spread == 0.0) return {D, std::vector<double>(D.size(), overlap), N};
    RandomModeSet m;
    m.n = N * nodes;
    m.d.reserve(D.size() * static_cast<std::size_t>(nodes));
    m.rho.reserve(m.d.capacity());
    for (const double x : D)
        for (int k = 0; k < nodes; ++k) {
            m.d.push_back(x);
            m.rho.push_back(overlap + spread * (2.0 * (k + 0.5) / nodes - 1.0));
        }
    return m;
}

std::vector<double> randomModeSpectrum(ModeSpectrum kind, int P, int N, double g, double decay,
                                       double strong_fraction, double weak_ratio) {
    if (P < 1) reject("P", P, "the number of modes must be >= 1");
    if (N < 1) reject("N", N, "the number of neurons must be >= 1");
    if (!std::isfinite(g) || g < 0.0) reject("g", g, "the coupling strength must be finite and >= 0");
    if (!std::isfinite(decay) || decay < 0.0)
        reject("decay", decay, "the spectral decay must be finite and >= 0");
    if (kind == ModeSpectrum::TwoValued) {
        if (!std::isfinite(strong_fraction) || strong_fraction <= 0.0 || strong_fraction > 1.0)
            reject("strong_fraction", strong_fraction, "the fraction of strong modes must lie in (0, 1]");
        if (!std::isfinite(weak_ratio) || weak_ratio < 0.0 || weak_ratio > 1.0)
            reject("weak_ratio", weak_ratio, "the weak/strong ratio must lie in [0, 1]");
    }
    return modeSpectrumValues(kind, P, N, g, decay, strong_fraction, weak_ratio);
}

ModeSpectrum parseModeSpectrum(const std::string& name) {
    if (name == "flat") return ModeSpectrum::Flat;
    if (name == "power_law") return ModeSpectrum::PowerLaw;
    if (name == "exponential") return ModeSpectrum::Exponential;
    if (name == "two_valued") return ModeSpectrum::TwoValued;
    throw std::domain_error("random-mode theory: spectrum = \"" + name +
                            "\": allowed are flat, power_law, exponential, two_valued");
}

double effectiveRank(const std::vector<double>& D) {
    const double s2 = sumOfPowers(D, 2);
    const double s4 = sumOfPowers(D, 4);
    if (D.empty() || !(s4 > 0.0) || !std::isfinite(s4)) {
        throw std::domain_error(
            "random-mode theory: effective rank needs a non-empty, finite, nonzero spectrum");
    }
    return s2 * s2 / s4;
}

double randomModeZeroFrequencyPrOverNUncorrelated(double g, int N, double effective_rank) {
    if (!std::isfinite(g) || g < 0.0 || g >= 1.0) reject("g", g, "requires 0 <= g < 1 (unstable for g >= 1)");
    if (N < 1) reject("N", N, "must be >= 1");
    if (!(effective_rank >= 1.0) || !std::isfinite(effective_rank))
        reject("effective_rank", effective_rank, "must be >= 1");
    const double gap = 1.0 - g * g;
    return gap * gap / (1.0 + g * g * g * g * N / effective_rank);
}

RandomModeZeroFrequency randomModeZeroFrequency(const std::vector<double>& D, int N, double rho,
                                                double sigma) {
    return randomModeZeroFrequency(D, N, std::vector<double>(D.size(), rho), sigma);
}

RandomModeZeroFrequency randomModeZeroFrequencyUniformOverlap(const std::vector<double>& D, int N,
                                                              double overlap, double spread, double sigma,
                                                              int nodes) {
    const RandomModeSet m = randomModeUniformOverlapSet(D, N, overlap, spread, nodes);
    RandomModeZeroFrequency out = randomModeZeroFrequency(m.d, m.n, m.rho, sigma);
    out.kappa = sumOfPowers(D, 4) / N;
    return out;
}

RandomModeZeroFrequency randomModeZeroFrequency(const std::vector<double>& D, int N,
                                                const std::vector<double>& rhos, double sigma) {
    const bool uncorrelated = validatedModes(D, N, rhos, sigma);
    const double n = static_cast<double>(N);
    const double g2 = sumOfPowers(D, 2) / n;
    const double s2 = sigma * sigma;
    RandomModeZeroFrequency out;
    out.kappa = sumOfPowers(D, 4) / n;
    if (uncorrelated) {
        if (g2 >= 1.0) reject("g", std::sqrt(g2), "requires g < 1 at rho = 0 (unstable for g >= 1)");
        const double gap = 1.0 - g2;
        out.auto_mean = s2 / gap;
        out.m2 = s2 * s2 * (1.0 + out.kappa) / std::pow(gap, 4);
    } else {
        const Cavity cavity(D, n, rhos);
        const Mat2 gamma = stableZeroFrequencyCavity(cavity);
        // a = r(0), m2 = -d r / d eps at 0: Richardson-extrapolated central differences.
        Mat2 g0 = gamma;
        const double r0 = cavity.solve(0.0, g0);
        const double h = 1e-4 * std::max(1.0, r0 > 0.0 ? 1.0 / r0 : 1.0);
        auto at = [&](double eps) {
            Mat2 gk = g0;
            return cavity.solve(eps, gk);
        };
        double slope = 0.0;  // r'(0)
        try {
            const double d1 = (at(h) - at(-h)) / (2.0 * h);
            const double d2 = (at(2.0 * h) - at(-2.0 * h)) / (4.0 * h);
            slope = (4.0 * d1 - d2) / 3.0;
        } catch (const std::exception&) {
            // Next to the edge the smallest eigenvalue of M^T M can be below h, and eps = -h, -2h cross it:
            // one-sided differences at eps > 0 (second order, Richardson-extrapolated) never do.
            const auto forward = [&](double step) {
                return (-3.0 * r0 + 4.0 * at(step) - at(2.0 * step)) / (2.0 * step);
            };
            slope = (4.0 * forward(0.5 * h) - forward(h)) / 3.0;
        }
        out.auto_mean = s2 * r0;
        out.m2 = -s2 * s2 * slope;
        out.exact = true;
    }
    if (!(out.auto_mean > 0.0) && s2 > 0.0)
        reject("sigma", sigma, "no positive stationary variance: unstable");
    out.n_cross_var = out.m2 - out.auto_mean * out.auto_mean;
    // PR/N is sigma-free; compute it at sigma = 1 scale to stay defined for sigma = 0.
    out.pr_over_n = (s2 > 0.0) ? out.auto_mean * out.auto_mean / out.m2 : 0.0;
    if (s2 == 0.0) {
        const RandomModeZeroFrequency unit = randomModeZeroFrequency(D, N, rhos, 1.0);
        out.pr_over_n = unit.pr_over_n;
    }
    if (!std::isfinite(out.pr_over_n) || !(out.pr_over_n > 0.0) || out.pr_over_n > 1.0 + 1e-9) {
        throw std::domain_error("random-mode theory: PR/N = " + std::to_string(out.pr_over_n) +
                                " outside (0, 1]: unstable or ill-posed parameters");
    }
    return out;
}

namespace {

// The product trace at cavity.k, cavity.k2 from the mode responses gamma of a nearby point (a continuation
// in frequency); if that start does not converge, an eps continuation at this point. gamma is updated to
// this point's solution.
Complex productAt(const Cavity& cavity, Mat2& gamma) {
    Mat2 start = gamma;
    Complex r = 0.0;
    try {
        r = cavity.solveProduct(0.0, start);
    } catch (const std::exception&) {  // no convergence, or a divergence from a start far from this point
        start = Mat2{0.0, 0.0, 0.0, 0.0};
        for (double eps = 1.0; eps > 1e-7; eps *= 0.25) cavity.solve(eps, start);
        r = cavity.solveProduct(0.0, start);
    }
    gamma = start;
    return r;
}

// r(w) at cavity.k = 1 + i w (real: the trace of a positive matrix).
double spectralPowerAt(const Cavity& cavity, Mat2& gamma) {
    return productAt(cavity, gamma).real();
}

// int dw/2pi S(w) r(w), S the noise spectrum, r(w) = (1/N) Tr [(K-J)^H (K-J)]^-1 (the spectral power of one
// unit per unit noise): Gauss-Legendre in theta on w = s tan(theta), w >= 0 doubled (r is even in w),
// s = min(1, width) so that a narrow noise spectrum is resolved. Each frequency starts from the previous
// one's solution (continuation in w), the first from the converged w = 0 cavity.
double equalTimeAutoMean(Cavity cavity, Mat2 gamma, const std::function<double(double)>& noise,
                         double width) {
    constexpr int kNodes = 96;
    constexpr double kHalfPi = 1.57079632679489661923;
    const GaussLegendreRule rule = gaussLegendreRule(kNodes);
    const double scale = std::min(1.0, width);
    double integral = 0.0;
    std::vector<std::pair<double, double>> nodes;  // (theta, weight) on (0, pi/2)
    for (int i = 0; i < kNodes; ++i)
        nodes.emplace_back(0.5 * kHalfPi * (rule.nodes[i] + 1.0), 0.5 * kHalfPi * rule.weights[i]);
    std::sort(nodes.begin(), nodes.end());
    for (const auto& [theta, weight] : nodes) {
        const double w = scale * std::tan(theta);
        cavity.atFrequency(w);
        Mat2 start = gamma;
        const double r = spectralPowerAt(cavity, start);
        gamma = start;
        integral += weight * scale * noise(w) * r / (std::cos(theta) * std::cos(theta));
    }
    return integral / 3.14159265358979323846;
}

void requireNoiseWidth(double width) {
    if (!(width > 0.0) || !std::isfinite(width))
        reject("width", width, "the noise spectrum's frequency scale must be finite and > 0");
}

}  // namespace

double randomModeEqualTimeAutoMean(const std::vector<double>& D, int N, const std::vector<double>& rho,
                                   double sigma, double noise_tau) {
    const bool uncorrelated = validatedModes(D, N, rho, sigma);
    if (!std::isfinite(noise_tau) || noise_tau < 0.0)
        reject("noise_tau", noise_tau, "the noise correlation time must be finite and >= 0");
    const double n = static_cast<double>(N);
    const double g2 = sumOfPowers(D, 2) / n;
    if (uncorrelated) {  // the iid value (single-site quantities do not see the modes at rho = 0)
        if (g2 >= 1.0) reject("g", std::sqrt(g2), "requires g < 1 at rho = 0 (unstable for g >= 1)");
        const double b = std::sqrt(1.0 - g2);
        return sigma * sigma / (2.0 * b * (1.0 + b * noise_tau));
    }
    const double s2 = sigma * sigma;
    return randomModeEqualTimeAutoMeanWithNoise(
        D, N, rho, [s2, noise_tau](double w) { return s2 / (1.0 + noise_tau * noise_tau * w * w); },
        noise_tau > 1.0 ? 1.0 / noise_tau : 1.0);
}

double randomModeEqualTimeAutoMeanWithNoise(const std::vector<double>& D, int N,
                                            const std::vector<double>& rho,
                                            const std::function<double(double)>& noise, double width) {
    validatedModes(D, N, rho, 1.0);
    requireNoiseWidth(width);
    const Cavity cavity(D, static_cast<double>(N), rho);
    const double a = equalTimeAutoMean(cavity, stableZeroFrequencyCavity(cavity), noise, width);
    if (!std::isfinite(a) || a < 0.0) reject("a", a, "no non-negative stationary variance: unstable");
    return a;
}

Complex randomModeMeanResolvent(const std::vector<double>& D, int N, const std::vector<double>& rho,
                                Complex k) {
    validatedModes(D, N, rho, 1.0);
    const double n = static_cast<double>(N);
    const std::vector<detail::ModeClass> modes = detail::modeClasses(D, rho);
    // G = 1 / (k - Sigma(G)), Sigma(G) = (1/N) sum_a rho_a D_a / (1 - rho_a D_a G): damped fixed point from
    // G = 1 / k, the branch that behaves like 1/k at large k.
    Complex G = 1.0 / k;
    for (int iteration = 0; iteration < 20000; ++iteration) {
        Complex sigma = 0.0;
        for (const detail::ModeClass& m : modes) sigma += m.count * m.rho * m.d / (1.0 - m.rho * m.d * G);
        const Complex next = 1.0 / (k - sigma / n);
        if (!std::isfinite(next.real()) || !std::isfinite(next.imag()))
            reject("k", k.real(), "the mean resolvent diverged: k lies in or next to the bulk of J");
        const double change2 = std::norm(next - G);
        G = 0.5 * (G + next);
        if (change2 < 1e-28 * std::norm(G)) return G;
    }
    reject("k", k.real(), "the mean resolvent did not converge: k lies in or next to the bulk of J");
}

std::vector<double> randomModeSpectralPower(const std::vector<double>& D, int N,
                                            const std::vector<double>& rho, const std::vector<double>& w) {
    validatedModes(D, N, rho, 1.0);
    for (std::size_t j = 0; j < w.size(); ++j)
        if (!std::isfinite(w[j]) || w[j] < 0.0 || (j > 0 && w[j] < w[j - 1]))
            reject("w", w[j], "frequencies must be finite, >= 0 and ascending");
    Cavity cavity(D, static_cast<double>(N), rho);
    Mat2 gamma = stableZeroFrequencyCavity(cavity);
    std::vector<double> out;
    out.reserve(w.size());
    for (const double wj : w) {
        cavity.atFrequency(wj);
        out.push_back(spectralPowerAt(cavity, gamma));
    }
    return out;
}

std::vector<Complex> randomModeResolventProducts(const std::vector<double>& D, int N,
                                                 const std::vector<double>& rho,
                                                 const std::vector<std::pair<Complex, Complex>>& points) {
    validatedModes(D, N, rho, 1.0);
    for (const auto& [k1, k2] : points)
        if (!std::isfinite(k1.real()) || !std::isfinite(k1.imag()) || !std::isfinite(k2.real()) ||
            !std::isfinite(k2.imag()))
            reject("k", std::abs(k1) + std::abs(k2), "the arguments must be finite");
    // No stability check at k = 1: the points may lie far from it (the linear-response network of the
    // sampled DMFT, sampled_four_point.cpp). The first point starts from an eps continuation.
    Cavity cavity(D, static_cast<double>(N), rho);
    Mat2 gamma{0.0, 0.0, 0.0, 0.0};
    std::vector<Complex> out;
    out.reserve(points.size());
    for (const auto& [k1, k2] : points) {
        cavity.k = k1;
        cavity.k2 = k2;
        out.push_back(productAt(cavity, gamma));
    }
    return out;
}

double randomModeEqualTimeAutoMeanUniformOverlap(const std::vector<double>& D, int N, double overlap,
                                                 double spread, double sigma, double noise_tau, int nodes) {
    const RandomModeSet m = randomModeUniformOverlapSet(D, N, overlap, spread, nodes);
    return randomModeEqualTimeAutoMean(m.d, m.n, m.rho, sigma, noise_tau);
}

RandomModeZeroFrequency randomModeEqualTimeUniformOverlap(const std::vector<double>& D, int N, double overlap,
                                                          double spread, double sigma, double noise_tau,
                                                          int nodes) {
    const RandomModeSet m = randomModeUniformOverlapSet(D, N, overlap, spread, nodes);
    return randomModeEqualTime(m.d, m.n, m.rho, sigma, noise_tau);
}

}  // namespace quench::theory
