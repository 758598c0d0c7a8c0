// The sampled DMFT's four-point statistics by linear response (sampled_four_point.hpp; the derivation:
// docs/theory/sampled_dmft.md, section 6).
#include "sampled_four_point.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "fftw_transforms.hpp"
#include "linear_response_kernels.hpp"
#include "site_coupling.hpp"

namespace quench::theory::detail {
namespace {

using Complex = std::complex<double>;
constexpr double kPi = 3.14159265358979323846;

// The linear-response network at one frequency theta of the DFT grid, per step. With G = (z - J)^-1 the
// input h = J phi + xi has C_h = a G G^H - b (z G + conj(z) G^H) + b, the activation C_phi = L G G^H.
struct Frequency {
    Complex u;            // the site's response chi(theta) = E tr G
    Complex z;            // the spectral point 1/u + eta g^2 u
    double l = 0.0;       // L = S_n + S_r / |u|^2, the site noise of phi = G (xi + z r')
    double a = 0.0;       // |z|^2 L
    double b = 0.0;       // L - S_n = S_r / |u|^2
    double filter = 0.0;  // |f|^2: x = f h, f = drive e^{-i theta} / (1 - decay e^{-i theta})
    double s_phi = 0.0;   // L tr G G^H
    double s_x = 0.0;     // |f|^2 tr C_h
};

struct Curves {
    std::vector<double> c_residual, chi;
};

Curves meanOf(const std::vector<SiteRun>& runs, std::size_t first, std::size_t last) {
    Curves out;
    out.c_residual.assign(runs[first].c_residual.size(), 0.0);
    out.chi.assign(runs[first].chi.size(), 0.0);
    const double n = static_cast<double>(last - first);
    for (std::size_t r = first; r < last; ++r) {
        for (std::size_t k = 0; k < out.c_residual.size(); ++k)
            out.c_residual[k] += runs[r].c_residual[k] / n;
        for (std::size_t k = 0; k < out.chi.size(); ++k) out.chi[k] += runs[r].chi[k] / n;
    }
    return out;
}

// The frequencies theta_j = 2 pi j / p, j = 0..p/2 (the others are their conjugates).
std::vector<Frequency> frequenciesOf(const Curves& c, const SiteCoupling& e, const StepCoefficients& step,
                                     std::size_t p) {
    RealTransforms fft(p);
    double* real = fft.real();
    std::fill(real, real + p, 0.0);
    for (std::size_t k = 1; k < c.chi.size(); ++k) real[k] = c.chi[k];
    fft.forward();
    const std::vector<Complex> chi(fft.spectrum(), fft.spectrum() + p / 2 + 1);
    std::fill(real, real + p, 0.0);
    real[0] = c.c_residual.front();
    for (std::size_t k = 1; k < c.c_residual.size(); ++k) real[k] = real[p - k] = c.c_residual[k];
    fft.forward();
    std::vector<Frequency> out(p / 2 + 1);
    for (std::size_t j = 0; j < out.size(); ++j) {
        const double theta = 2.0 * kPi * static_cast<double>(j) / static_cast<double>(p);
        Frequency& f = out[j];
        f.u = chi[j];
        const double loop = e.loopGain(f.u);
        if (!(loop < 1.0) || std::norm(f.u) == 0.0) {
            std::ostringstream msg;
            msg << "sampled four-point statistics: G |chi|^2 = " << loop << " at theta = " << theta
                << " (per step): the linear-response network has no stationary state";
            throw std::domain_error(msg.str());
        }
        f.z = e.spectralPoint(f.u);
        const double s_n = inputNoiseSpectrum(step, theta);
        const double s_r = fft.spectrum()[j].real();
        f.l = s_n + s_r / std::norm(f.u);
        f.a = std::norm(f.z) * f.l;
        f.b = f.l - s_n;
        f.filter = std::norm(leakTransfer(step, theta));
    }
    std::vector<Complex> u, z;
    for (const Frequency& f : out) {
        u.push_back(f.u);
        z.push_back(f.z);
    }
    const std::vector<double> power = e.responsePower(u, z);  // tr G G^H
    for (std::size_t j = 0; j < out.size(); ++j) {
        Frequency& f = out[j];
        f.s_phi = f.l * power[j];
        f.s_x = f.filter * (f.a * power[j] - 2.0 * f.b * std::real(f.z * f.u) + f.b);
    }
    return out;
}

// The half grid gathered into cells for the double frequency sums: every point up to exact_points, then
// cells of growth * j points from point j on (1 % of theta by default). A cell carries the sums of its
// points' weights (the grid weights 1 at theta = 0 and pi, 2 elsewhere, times L, |f|^2 a and |f|^2 b) and the
// L-weighted mean of their responses. The sums over cells equal those over points exactly for the part of
// each kernel linear in the response within a cell; the rest is second order in the cell width (the spectra
// are smooth away from theta = 0, where every point is kept).
std::vector<Cell> cellsOf(const std::vector<Frequency>& f, const SiteCoupling& e,
                          const CellOptions& options) {
    std::vector<Cell> out;
    const std::size_t half = f.size() - 1;
    std::size_t j = 0;
    while (j <= half) {
        std::size_t width = 1;
        if (j >= options.exact_points)
            width =
                std::max<std::size_t>(1, static_cast<std::size_t>(options.growth * static_cast<double>(j)));
        const std::size_t last = std::min(half + 1, j + width);
        Cell c;
        for (; j < last; ++j) {
            const double w = j == 0 || j == half ? 1.0 : 2.0;
            c.l += w * f[j].l;
            c.a += w * f[j].filter * f[j].a;
            c.b += w * f[j].filter * f[j].b;
            c.u += w * f[j].l * f[j].u;
        }
        c.u /= c.l;
        c.z = e.spectralPoint(c.u);
        out.push_back(c);
    }
    return out;
}

struct Values {
    double auto_mean = 0.0, m2 = 0.0;
};

struct FourValues {
    Values phi_et, phi_zf, x_et, x_zf;
};

double gridMean(const std::vector<Frequency>& f, double Frequency::*field) {
    const std::size_t half = f.size() - 1;
    double s = 0.0;
    for (std::size_t j = 0; j <= half; ++j) s += (j == 0 || j == half ? 1.0 : 2.0) * (f[j].*field);
    return s / (2.0 * static_cast<double>(half));
}

// The sums over all pairs of grid frequencies are (1/p^2) those over pairs of cells of the half grid.
FourValues valuesOf(const Curves& c, const SiteCoupling& e, const StepCoefficients& step, double dt,
                    std::size_t p, const CellOptions& options) {
    const std::vector<Frequency> f = frequenciesOf(c, e, step, p);
    const std::vector<Cell> cells = cellsOf(f, e, options);
    const double pp = static_cast<double>(p) * static_cast<double>(p);
    const ResponseSums all = e.responseSums(cells);
    FourValues v;
    v.phi_et = {gridMean(f, &Frequency::s_phi), all.phi / pp};
    v.x_et = {gridMean(f, &Frequency::s_x), all.state / pp};
    // Zero frequency: the bin sums dt sum_k C(k) = dt S(0); the first cell is theta = 0 alone.
    const ResponseSums zero = e.responseSums({cells.front()});
    v.phi_zf = {dt * f.front().s_phi, dt * dt * zero.phi};
    v.x_zf = {dt * f.front().s_x, dt * dt * zero.state};
    return v;
}

SampledFourPoint withErrors(const Values& value, const std::vector<Values>& blocks) {
    SampledFourPoint out;
    const auto set = [&](SampledValue& s, auto statistic) {
        s.value = statistic(value);
        if (blocks.size() < 2) return;
        double mean = 0.0, var = 0.0;
        for (const Values& b : blocks) mean += statistic(b) / static_cast<double>(blocks.size());
        for (const Values& b : blocks) var += (statistic(b) - mean) * (statistic(b) - mean);
        const double n = static_cast<double>(blocks.size());
        s.se = std::sqrt(var / (n - 1.0) / n);
    };
    set(out.auto_mean, [](const Values& v) { return v.auto_mean; });
    set(out.m2, [](const Values& v) { return v.m2; });
    set(out.n_cross_var, [](const Values& v) { return v.m2 - v.auto_mean * v.auto_mean; });
    set(out.pr_over_n, [](const Values& v) { return v.auto_mean * v.auto_mean / v.m2; });
    return out;
}

}  // namespace

std::complex<double> leakTransfer(const StepCoefficients& step, double theta) {
    const std::complex<double> e = std::polar(1.0, -theta);
    return step.drive_gain * e / (1.0 - step.decay * e);
}

double inputNoiseSpectrum(const StepCoefficients& step, double theta) {
    if (step.colored)
        return step.ou_kick * step.ou_kick / std::norm(1.0 - step.ou_decay * std::polar(1.0, -theta));
    return (step.kick / step.drive_gain) * (step.kick / step.drive_gain);
}

namespace {

SampledFourPoints fourPointsOf(const std::vector<SiteRun>& runs, const SiteCoupling& e,
                               const StepCoefficients& step, double dt, const CellOptions& options) {
    if (runs.empty()) throw std::domain_error("sampled four-point statistics: no sampling iterations");
    const std::size_t lags = std::max(runs.front().c_residual.size(), runs.front().chi.size());
    const std::size_t p = nextPowerOfTwo(2 * lags);
    const FourValues value = valuesOf(meanOf(runs, 0, runs.size()), e, step, dt, p, options);
    const std::size_t blocks = std::min<std::size_t>(4, runs.size()), per = runs.size() / blocks;
    std::vector<FourValues> block_values;
    for (std::size_t b = 0; b < blocks && blocks >= 2; ++b)
        block_values.push_back(valuesOf(meanOf(runs, b * per, (b + 1) * per), e, step, dt, p, options));
    const auto pick = [&](Values FourValues::*which) {
        std::vector<Values> v;
        for (const FourValues& b : block_values) v.push_back(b.*which);
        return withErrors(value.*which, v);
    };
    return {pick(&FourValues::phi_et), pick(&FourValues::phi_zf), pick(&FourValues::x_et),
            pick(&FourValues::x_zf)};
}

}  // namespace

double filteredPhiFourPoint(const SiteRun& run, double g, const StepCoefficients& step,
                            const CellOptions& options) {
    const SiteCoupling e = SiteCoupling::partiallySymmetric(g, 0.0);
    const std::size_t p = nextPowerOfTwo(2 * std::max(run.c_residual.size(), run.chi.size()));
    std::vector<Frequency> f = frequenciesOf(meanOf({run}, 0, 1), e, step, p);
    // The filter is a weight like L: folding it into l leaves phiKernel's sum Re tr C_phi C_phi' weighted.
    for (Frequency& point : f) point.l *= point.filter;
    const double pp = static_cast<double>(p) * static_cast<double>(p);
    return e.responseSums(cellsOf(f, e, options)).phi / pp;
}

SampledFourPoints sampledFourPoints(const std::vector<SiteRun>& runs, const SiteCoupling& coupling,
                                    const StepCoefficients& step, double dt, const CellOptions& options) {
    return fourPointsOf(runs, coupling, step, dt, options);
}

SampledFourPoints sampledFourPoints(const std::vector<SiteRun>& runs, double g, double eta,
                                    const StepCoefficients& step, double dt, const CellOptions& options) {
    return fourPointsOf(runs, SiteCoupling::partiallySymmetric(g, eta), step, dt, options);
}

}  // namespace quench::theory::detail
