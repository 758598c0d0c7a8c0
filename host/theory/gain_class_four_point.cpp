// The tree level of the two-replica field with gain classes (gain_class_four_point.hpp).
#include "gain_class_four_point.hpp"

#include <algorithm>
#include <complex>
#include <cstddef>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "fftw_transforms.hpp"

namespace quench::theory::detail {
namespace {

using Complex = std::complex<double>;
constexpr double kPi = 3.14159265358979323846;

// sum_{d >= 1} c(d) rho^(d - 1): the one-sided generating sum that every frequency's inner sum reduces to.
Complex tailSum(const std::vector<double>& c, Complex rho) {
    Complex acc = 0.0;
    for (std::size_t d = c.size(); d-- > 1;) acc = acc * rho + c[d];
    return acc;
}

void requireLags(const std::vector<GainClassSite>& classes, std::size_t lags, const std::string& who) {
    if (std::any_of(classes.begin(), classes.end(),
                    [lags](const GainClassSite& c) { return c.c_phi.size() != lags; }))
        throw std::domain_error(who + ": the classes' lags differ");
}

// The grid theta_j = pi j / m, j = 0..m, is the half of the DFT grid of 2m >= 4 lags points (the spectra
// are even); the cosine transform of the zero-padded autocovariance is the spectrum on it.
class HalfGrid {
public:
    explicit HalfGrid(std::size_t lags) : m_(nextPowerOfTwo(2 * lags)), cosine_(m_) {}
    std::size_t m() const { return m_; }
    std::vector<double> spectrumOf(const std::vector<double>& c) const {
        std::vector<double> padded(m_ + 1, 0.0);
        std::copy(c.begin(), c.end(), padded.begin());
        return cosine_(padded);
    }
    std::vector<std::vector<double>> spectraOf(const std::vector<GainClassSite>& classes) const {
        std::vector<std::vector<double>> out(classes.size());
        std::transform(classes.begin(), classes.end(), out.begin(),
                       [this](const GainClassSite& c) { return spectrumOf(c.c_phi); });
        return out;
    }
    // The end points count once, the others for their mirror images too.
    double weight(std::size_t j) const { return (j == 0 || j == m_) ? 1.0 : 2.0; }
    double points() const { return 2.0 * static_cast<double>(m_); }

private:
    std::size_t m_;
    CosineTransform cosine_;
};

// At grid frequency theta: the leak f = drive e / (1 - decay e), e = exp(-i theta), and the causal filter
// 1 / (1 - beta f(theta')) = 1 + beta drive rho^(k-1), beta = g^2 Gamma^2 conj f, rho = decay + beta drive.
struct GridPoint {
    Complex f, beta, rho;
    double r2 = 0.0;  // 1 - |rho|^2
};

GridPoint gridPoint(std::size_t j, std::size_t m, double g2_gamma2, const StepCoefficients& step) {
    GridPoint q;
    const Complex e = std::polar(1.0, -kPi * static_cast<double>(j) / static_cast<double>(m));
    q.f = step.drive_gain * e / (1.0 - step.decay * e);
    q.beta = g2_gamma2 * std::conj(q.f);
    q.rho = step.decay + q.beta * step.drive_gain;
    q.r2 = 1.0 - std::norm(q.rho);
    if (!(q.r2 > 0.0))
        throw std::domain_error("gain classes: g^2 E_b gamma_b^2 = " + std::to_string(g2_gamma2) +
                                " leaves the linear-response network without a stationary state");
    return q;
}

// The mean over theta' of S(theta') |f' / (1 - beta f')|^2: c's lags against the filter's autocorrelation
// drive^2 rho^k / (1 - |rho|^2).
double leakedSum(const std::vector<double>& c, Complex tail, const GridPoint& q, double drive) {
    return drive * drive / q.r2 * (c.front() + 2.0 * std::real(q.rho * tail));
}

}  // namespace

double gammaSquared(const std::vector<GainClassSite>& classes) {
    return std::accumulate(classes.begin(), classes.end(), 0.0, [](double sum, const GainClassSite& c) {
        return sum + c.weight * c.gamma * c.gamma;
    });
}

SampledFourPoint fourPointFromMoments(double a, double diagonal_square, double m2) {
    SampledFourPoint f;
    f.auto_mean.value = a;
    f.m2.value = m2;
    f.n_cross_var.value = m2 - diagonal_square;
    f.pr_over_n.value = a * a / m2;
    return f;
}

// Per step and frequency theta the leak's filter is f = drive e / (1 - decay e), e = exp(-i theta), and the
// two-replica kernel is 1 / |1 - w|^2 with w = g^2 Gamma^2 f(theta) conj f(theta'), Gamma^2 = E_b gamma_b^2.
// For fixed theta, 1 / (1 - beta f(theta')) with beta = g^2 Gamma^2 conj f(theta) is the causal filter
// 1 + beta drive rho^(k-1) (k >= 1), rho = decay + beta drive, so the inner sum over theta' of a spectrum
// times its |.|^2 (or |f / (1 - beta f)|^2, or f / (1 - beta f)) is a sum over lags of the autocovariance
// against that filter's autocorrelation: the closed geometric sums below, one tailSum each.
//   phi: m2 = <E_b S_b(theta) S_b(theta') / |1 - w|^2>;
//   x:   m2 = <S_x S_x' + 2 Re(w / (1 - w)) S_x S_x' + |g^2 f conj f'|^2 E_b S_b S_b' / |1 - w|^2>,
// (x = f (h + noise): its products are the filtered phi products plus their own sampling noise, whose
// covariance with phi's is E_b gamma_b^2 Delta x Delta by Stein's lemma), <.> the mean over both grids;
//   z-scored phi, the products phi_i^a phi_i^b / C_ii, of response Gt^2 = E_b gamma_b^2 / a_b:
//        m2 = <Gt^4 |g^2 f conj f'|^2 E_b S_b S_b' / |1 - w|^2
//              + 2 (Gt^2 / Gamma^2) Re(w / (1 - w)) E_b S_b S_b' / a_b + E_b S_b S_b' / a_b^2>.
GainClassFourPoint gainClassEqualTime(const std::vector<GainClassSite>& classes,
                                      const std::vector<double>& delta, double g,
                                      const StepCoefficients& step) {
    if (classes.empty() || delta.size() < 2)
        throw std::domain_error("gainClassEqualTime: no classes or lags");
    const std::size_t lags = delta.size();
    requireLags(classes, lags, "gainClassEqualTime");
    const double gamma2 = gammaSquared(classes);
    double a_phi = 0.0, diagonal_square = 0.0;
    double scaled_gamma2 = 0.0;  // E_b gamma_b^2 / a_b: the response of the z-scored products
    for (const GainClassSite& c : classes) {
        a_phi += c.weight * c.c_phi.front();
        diagonal_square += c.weight * c.c_phi.front() * c.c_phi.front();
        scaled_gamma2 += c.weight * c.gamma * c.gamma / c.c_phi.front();
    }
    const HalfGrid grid(lags);
    const std::size_t m = grid.m();
    const std::vector<double> s_x = grid.spectrumOf(delta);
    const std::vector<std::vector<double>> s_phi = grid.spectraOf(classes);

    const double b = step.drive_gain, g2 = g * g;
    double phi_sum = 0.0, x_sum = 0.0, z_sum = 0.0;
    for (std::size_t j = 0; j <= m; ++j) {
        const GridPoint q = gridPoint(j, m, g2 * gamma2, step);
        const Complex f = q.f, beta = q.beta, rho = q.rho;
        const double r2 = q.r2;
        const double beta2 = std::norm(beta);
        const Complex cross = beta * b + beta2 * b * b * rho / r2;
        double phi_term = 0.0, filtered = 0.0, z_cross = 0.0, z_own = 0.0;
        for (std::size_t k = 0; k < classes.size(); ++k) {
            const std::vector<double>& c = classes[k].c_phi;
            const double w = classes[k].weight * s_phi[k][j], a_k = c.front();
            const Complex tail = tailSum(c, rho);
            const double through = a_k * (1.0 + beta2 * b * b / r2) + 2.0 * std::real(tail * cross);
            const double leaked = leakedSum(c, tail, q, b);
            phi_term += w * through;
            filtered += w * leaked;
            z_cross += w / a_k * 2.0 * std::real(beta * b * tail);
            z_own += w / a_k;
        }
        const double leak_gain = g2 * g2 * std::norm(f);
        const double x_term = s_x[j] * delta.front() +
                              2.0 * s_x[j] * std::real(beta * b * tailSum(delta, rho)) + leak_gain * filtered;
        const double z_term =
            scaled_gamma2 * scaled_gamma2 * leak_gain * filtered + scaled_gamma2 / gamma2 * z_cross + z_own;
        const double weight = grid.weight(j);
        phi_sum += weight * phi_term;
        x_sum += weight * x_term;
        z_sum += weight * z_term;
    }
    const double points = grid.points();
    GainClassFourPoint out;
    out.phi_et = fourPointFromMoments(a_phi, diagonal_square, phi_sum / points);
    out.x_et = fourPointFromMoments(delta.front(), delta.front() * delta.front(), x_sum / points);
    out.phi_et_z_m2 = z_sum / points;
    return out;
}

double filteredGainClassFourPoint(const std::vector<GainClassSite>& classes, double g,
                                  const StepCoefficients& step) {
    if (classes.empty() || classes.front().c_phi.size() < 2)
        throw std::domain_error("filteredGainClassFourPoint: no classes or lags");
    const std::size_t lags = classes.front().c_phi.size();
    requireLags(classes, lags, "filteredGainClassFourPoint");
    const HalfGrid grid(lags);
    const std::vector<std::vector<double>> s_phi = grid.spectraOf(classes);
    const double g2_gamma2 = g * g * gammaSquared(classes);
    double sum = 0.0;
    for (std::size_t j = 0; j <= grid.m(); ++j) {
        const GridPoint q = gridPoint(j, grid.m(), g2_gamma2, step);
        double filtered = 0.0;
        for (std::size_t k = 0; k < classes.size(); ++k) {
            const std::vector<double>& c = classes[k].c_phi;
            filtered += classes[k].weight * s_phi[k][j] * leakedSum(c, tailSum(c, q.rho), q, step.drive_gain);
        }
        sum += grid.weight(j) * std::norm(q.f) * filtered;
    }
    return sum / grid.points();
}

}  // namespace quench::theory::detail
