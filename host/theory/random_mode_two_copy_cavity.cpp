// The ET four-point statistics of a linear random-mode network with mode overlap (docs/theory/random_mode.md,
// "ET four-point statistics with overlap"). m2 = (1/N) Tr C^2 with C = sigma^2 int dw/2pi (M^H M)^-1,
// M = K - J, needs
//     T(w, w') = (1/N) Tr [(M^H M)^-1 (M'^H M')^-1],
// a product of two resolvents of the same J. It is the copy-off-diagonal response of the two-copy problem
// [[M^H M, e], [e, M'^H M']] to first order in e. J acts on both copies alike, so the static cavity of
// random_mode_theory.cpp carries over with every scalar response replaced by a 2 x 2 matrix in copy space
// (K -> diag(K, K'), the regulator -> e [[0, 1], [1, 0]]): 4 x 4 neuron and mode responses.
#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <functional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "quench/theory/gaussian_average.hpp"
#include "quench/theory/random_mode_theory.hpp"
#include "random_mode_classes.hpp"

namespace quench::theory {
namespace {

using Complex = std::complex<double>;
using Mat4 = std::array<std::array<Complex, 4>, 4>;  // blocks [[xx, xp], [px, pp]], each 2 x 2 in copy space

// Gauss-Jordan with partial pivoting; throws std::domain_error on a singular matrix (a diverged cavity).
Mat4 inverse(Mat4 m) {
    Mat4 inv{};
    for (int i = 0; i < 4; ++i) inv[i][i] = 1.0;
    for (int col = 0; col < 4; ++col) {
        int pivot = col;
        for (int r = col + 1; r < 4; ++r)
            if (std::norm(m[r][col]) > std::norm(m[pivot][col])) pivot = r;
        if (!(std::norm(m[pivot][col]) > 0.0))
            throw std::domain_error("random-mode theory: singular two-copy cavity (unstable network)");
        std::swap(m[col], m[pivot]);
        std::swap(inv[col], inv[pivot]);
        const Complex scale = 1.0 / m[col][col];
        for (int c = 0; c < 4; ++c) {
            m[col][c] *= scale;
            inv[col][c] *= scale;
        }
        for (int r = 0; r < 4; ++r) {
            if (r == col) continue;
            const Complex f = m[r][col];
            for (int c = 0; c < 4; ++c) {
                m[r][c] -= f * m[col][c];
                inv[r][c] -= f * inv[col][c];
            }
        }
    }
    return inv;
}

using detail::ModeClass;
using detail::modeClasses;

const char* const kNoConvergence =
    "random-mode theory: the two-copy cavity does not converge (close to the stability edge?)";

struct TwoCopyCavity {
    std::vector<ModeClass> modes;
    double n;
    Complex k1 = 1.0, k2 = 1.0;  // 1 + i w, 1 + i w'
    double e_diagonal = 0.0;     // a positive regulator of both copies, for continuation
    double e_coupling = 0.0;     // the copy coupling e

    // gamma: the rho-weighted mode averages in the diagonal blocks, the plain ones off them (the scalar
    // cavity's convention, random_mode_theory.cpp).
    Mat4 neuronResponse(const Mat4& gamma) const {
        Mat4 m{};
        const Complex k[2] = {k1, k2};
        for (int a = 0; a < 2; ++a)
            for (int b = 0; b < 2; ++b) {
                const double same = a == b ? 1.0 : 0.0;
                const double regulator = a == b ? e_diagonal : e_coupling;
                m[a][b] = -same * k[a] + gamma[a][b];
                m[a][b + 2] = same + gamma[a][b + 2];
                m[a + 2][b] = regulator - gamma[a + 2][b];
                m[a + 2][b + 2] = same * std::conj(k[a]) - gamma[a + 2][b + 2];
            }
        return inverse(m);
    }

    // Damped fixed point from gamma (updated in place); false if it does not converge.
    bool solve(Mat4& gamma) const {
        for (int iteration = 0; iteration < 20000; ++iteration) {
            const Mat4 L = neuronResponse(gamma);
            Mat4 next{};
            for (const ModeClass& mode : modes) {
                Mat4 m{};
                for (int a = 0; a < 2; ++a)
                    for (int b = 0; b < 2; ++b) {
                        const double same = a == b ? 1.0 : 0.0;
                        m[a][b] = same + mode.d * mode.rho * L[a][b];
                        m[a][b + 2] = -mode.d * L[a][b + 2];
                        m[a + 2][b] = mode.d * L[a + 2][b];
                        m[a + 2][b + 2] = same - mode.d * mode.rho * L[a + 2][b + 2];
                    }
                const Mat4 g = inverse(m);
                const double w = mode.count * mode.d / n;
                for (int r = 0; r < 4; ++r)
                    for (int c = 0; c < 4; ++c) {
                        const bool diagonal_block = (r < 2) == (c < 2);
                        next[r][c] += (diagonal_block ? mode.rho : 1.0) * w * g[r][c];
                    }
            }
            double change2 = 0.0, size2 = 1.0;  // squared moduli: no hypot in the inner loop
            for (int r = 0; r < 4; ++r)
                for (int c = 0; c < 4; ++c) {
                    if (!std::isfinite(next[r][c].real()) || !std::isfinite(next[r][c].imag())) return false;
                    change2 = std::max(change2, std::norm(next[r][c] - gamma[r][c]));
                    size2 = std::max(size2, std::norm(next[r][c]));
                    gamma[r][c] = 0.5 * (gamma[r][c] + next[r][c]);
                }
            if (change2 < 1e-24 * size2) return true;
        }
        return false;
    }
};

// T(w, w') from gamma, the previous pair's solution (a continuation in frequency); falls back to a
// continuation in the diagonal regulator from 1, with the copies uncoupled, when that start does not
// converge. The coupling e must stay far below the smallest eigenvalue of M^H M (else the two-copy matrix
// is indefinite); the response is odd in e, so T = -L_xp(e)_12 / e + O(e^2).
double twoResolventTrace(TwoCopyCavity cavity, Mat4& gamma) {
    constexpr double kCoupling = 1e-6;
    cavity.e_coupling = kCoupling;
    cavity.e_diagonal = 0.0;
    Mat4 start = gamma;
    if (!cavity.solve(start)) {
        start = Mat4{};
        cavity.e_coupling = 0.0;
        for (double e = 1.0; e > 1e-7; e *= 0.25) {
            cavity.e_diagonal = e;
            if (!cavity.solve(start)) throw std::domain_error(kNoConvergence);
        }
        cavity.e_diagonal = 0.0;
        cavity.e_coupling = kCoupling;
        if (!cavity.solve(start)) throw std::domain_error(kNoConvergence);
    }
    gamma = start;
    return -cavity.neuronResponse(gamma)[0][3].real() / kCoupling;
}

// m2 = int int dw dw' / (2 pi)^2 S(w) S(w') T(w, w'), S the noise spectrum. T(w, w') = T(w', w) =
// T(-w, -w'): w >= 0 and |w'| <= w, on w = s tan(theta) with Gauss-Legendre nodes in theta. The scale s
// follows the narrower of the network's spectrum, 1 / sqrt(r(0)) (sqrt(1 - g^2) for iid J), and the
// noise's (width), so that networks near the edge and slow noise are resolved.
double equalTimeM2(const std::vector<double>& D, int N, const std::vector<double>& rho,
                   const std::function<double(double)>& noise, double width) {
    TwoCopyCavity cavity{modeClasses(D, rho), static_cast<double>(N)};
    Mat4 gamma{};
    twoResolventTrace(cavity, gamma);
    const double scale = std::min({1.0, 1.0 / std::sqrt(cavity.neuronResponse(gamma)[0][2].real()), width});
    constexpr int kNodes = 24;
    constexpr double kHalfPi = 1.57079632679489661923;
    const GaussLegendreRule rule = gaussLegendreRule(kNodes);
    std::vector<std::pair<double, double>> nodes;  // (w, weight S(w) dw) on w >= 0
    for (int i = 0; i < kNodes; ++i) {
        const double theta = 0.5 * kHalfPi * (rule.nodes[i] + 1.0);
        const double w = scale * std::tan(theta);
        nodes.emplace_back(w,
                           noise(w) * scale * 0.5 * kHalfPi * rule.weights[i] / std::pow(std::cos(theta), 2));
    }
    std::sort(nodes.begin(), nodes.end());
    double integral = 0.0;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const auto [w, dw] = nodes[i];
        cavity.k1 = Complex(1.0, w);
        std::array<Mat4, 2> along_row{gamma, gamma};  // continuation in w' > 0 and in w' < 0
        for (std::size_t j = 0; j <= i; ++j) {
            const auto [v, dv] = nodes[j];
            const double pair = j == i ? 1.0 : 2.0;  // (w, w') and (w', w)
            for (int side = 0; side < 2; ++side) {
                cavity.k2 = Complex(1.0, side == 0 ? v : -v);
                integral +=
                    2.0 * pair * dw * dv * twoResolventTrace(cavity, along_row[side]);  // 2: (-w, -w')
            }
            if (j == 0) gamma = along_row[0];  // the next row starts next to this one's first point
        }
    }
    constexpr double kTwoPi = 6.28318530717958647692;
    return integral / (kTwoPi * kTwoPi);
}

RandomModeZeroFrequency fromMoments(const std::vector<double>& D, int N, double auto_mean, double m2) {
    RandomModeZeroFrequency out;
    out.auto_mean = auto_mean;
    out.m2 = m2;
    out.kappa = detail::sumOfPowers(D, 4) / N;
    out.n_cross_var = out.m2 - out.auto_mean * out.auto_mean;
    out.pr_over_n = out.auto_mean > 0.0 ? out.auto_mean * out.auto_mean / out.m2 : 0.0;
    return out;
}

void requireDimension(double pr_over_n, double m2) {
    if (!std::isfinite(m2) || !(pr_over_n > 0.0) || pr_over_n > 1.0 + 1e-9)
        throw std::domain_error("random-mode theory: ET PR/N = " + std::to_string(pr_over_n) +
                                " outside (0, 1]: unstable or ill-posed parameters");
}

}  // namespace

RandomModeZeroFrequency randomModeEqualTime(const std::vector<double>& D, int N,
                                            const std::vector<double>& rho, double sigma, double noise_tau) {
    // validates D, N, rho, sigma, noise_tau and stability
    const double a = randomModeEqualTimeAutoMean(D, N, rho, sigma, noise_tau);
    const double s2 = sigma * sigma;
    const auto unit = [noise_tau](double w) { return 1.0 / (1.0 + noise_tau * noise_tau * w * w); };
    const double unit_m2 = equalTimeM2(D, N, rho, unit, noise_tau > 1.0 ? 1.0 / noise_tau : 1.0);
    RandomModeZeroFrequency out = fromMoments(D, N, a, s2 * s2 * unit_m2);
    if (s2 == 0.0) {  // PR/N does not depend on sigma: keep it defined without noise
        const double unit_a = randomModeEqualTimeAutoMean(D, N, rho, 1.0, noise_tau);
        out.pr_over_n = unit_a * unit_a / unit_m2;
    }
    requireDimension(out.pr_over_n, unit_m2);
    return out;
}

std::vector<double> randomModeFourResolventTraces(
    const std::vector<double>& D, int N, const std::vector<double>& rho,
    const std::vector<std::pair<std::complex<double>, std::complex<double>>>& points) {
    randomModeMeanResolvent(D, N, rho, 2.0);  // validates D, N and rho
    TwoCopyCavity cavity{modeClasses(D, rho), static_cast<double>(N)};
    Mat4 gamma{};
    std::vector<double> out;
    out.reserve(points.size());
    for (const auto& [k1, k2] : points) {
        cavity.k1 = k1;
        cavity.k2 = k2;
        out.push_back(twoResolventTrace(cavity, gamma));
    }
    return out;
}

RandomModeZeroFrequency randomModeEqualTimeWithNoise(const std::vector<double>& D, int N,
                                                     const std::vector<double>& rho,
                                                     const std::function<double(double)>& noise,
                                                     double width) {
    const double a =
        randomModeEqualTimeAutoMeanWithNoise(D, N, rho, noise, width);  // validates, checks stability
    RandomModeZeroFrequency out = fromMoments(D, N, a, equalTimeM2(D, N, rho, noise, width));
    requireDimension(out.pr_over_n, out.m2);
    return out;
}

}  // namespace quench::theory
