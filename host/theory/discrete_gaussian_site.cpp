// The simulator's recursion at N = infinity for eta = 0, without sampling (discrete_gaussian_site.hpp).
#include "discrete_gaussian_site.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "fftw_transforms.hpp"
#include "quench/theory/gaussian_average.hpp"

namespace quench::theory::detail {
namespace {

constexpr double kPi = 3.14159265358979323846;

// E_b F(b^2 Delta0, b^2 Delta) over the gain classes.
double mixedCorrelation(const Activation& phi, const std::vector<GainNode>& gains, double delta0,
                        double delta) {
    const GaussHermiteRule& rule = defaultGaussHermiteRule();
    double sum = 0.0;
    for (const GainNode& c : gains) {
        const double b2 = c.b * c.b;
        sum += c.weight * activationCorrelation(phi, b2 * delta0, b2 * delta, rule);
    }
    return sum;
}

// C_phi(Delta) = F(Delta0, Delta) on [0, Delta0] (the site's autocovariance is positive) by barycentric
// interpolation at Chebyshev points of the first kind. F is a smooth function of the correlation
// Delta / Delta0, so a few dozen nodes reach rounding for tanh-like phi; the nodes never touch the ends,
// where a kinked phi is least smooth. For odd phi, F is odd in Delta and the interpolant is Delta times one
// of F / Delta: exactly 0 at Delta = 0. (Interpolating F itself left about 1e-10 at Delta = 0, summed over
// the classes of a gain distribution; the recursion then settled on a plateau Delta(k) ~ 1e-9 that never
// decayed, and discreteGaussianSiteUntilDecayed doubled its lags to the cap: tanh, g = 2, lognormal gains cv
// 0.5.)
class TwoPointInterpolant {
public:
    TwoPointInterpolant(const Activation& phi, const std::vector<GainNode>& gains, double delta0)
        : delta0_(delta0), odd_(phi.odd()) {
        for (int k = 0; k < kNodes; ++k) {
            const double angle = kPi * (k + 0.5) / kNodes;
            nodes_[k] = 0.5 * delta0 * (1.0 + std::cos(angle));
            values_[k] = mixedCorrelation(phi, gains, delta0, nodes_[k]) / (odd_ ? nodes_[k] : 1.0);
            weights_[k] = (k % 2 == 0 ? 1.0 : -1.0) * std::sin(angle);
        }
        at_delta0_ = mixedCorrelation(phi, gains, delta0, delta0);
    }

    double delta0() const { return delta0_; }

    double operator()(double delta) const {
        if (delta >= delta0_) return at_delta0_;
        return odd_ ? delta * interpolated(delta) : interpolated(delta);
    }

private:
    double interpolated(double delta) const {
        double num = 0.0, den = 0.0;
        for (int k = 0; k < kNodes; ++k) {
            const double d = delta - nodes_[k];
            if (d == 0.0) return values_[k];
            num += weights_[k] * values_[k] / d;
            den += weights_[k] / d;
        }
        return num / den;
    }

    static constexpr int kNodes = 64;
    double delta0_;
    bool odd_;
    double at_delta0_ = 0.0;
    double nodes_[kNodes] = {}, values_[kNodes] = {}, weights_[kNodes] = {};
};

// The fixed point, iterated from `delta` (any decaying start; its length is the number of lags):
// y_n = drive (h_n + eta_n) + kick eps_n has covariance G(k) = drive^2 g^2 C_phi(k) + N(k), N the noise's
// (inputNoiseCovariance), and Delta is leakFilteredCovariance(G). (Freezing the interpolant at one Delta(0)
// and solving for it by the secant method was tried: 10x faster with gain classes, but in chaos, tanh g = 2,
// the frozen map has non-decaying fixed points and the outer residual jumps between them.)
DiscreteGaussianSite iterateSite(const Activation& phi, const std::vector<GainNode>& gains, double g,
                                 const StepCoefficients& step, std::vector<double> delta) {
    const std::size_t n = delta.size();
    const double a = step.decay, b = step.drive_gain;
    std::vector<double> cov(n), noise(n);
    for (std::size_t k = 0; k < n; ++k) noise[k] = inputNoiseCovariance(step, static_cast<int>(k));
    double change = 1.0;
    for (int it = 0; it < 2000 && change > 1e-12 * delta[0]; ++it) {
        const TwoPointInterpolant f(phi, gains, delta[0]);
        for (std::size_t k = 0; k < n; ++k) cov[k] = b * b * g * g * f(delta[k]) + noise[k];
        const std::vector<double> next = leakFilteredCovariance(cov, a);
        change = 0.0;
        for (std::size_t k = 0; k < n; ++k) {
            change = std::max(change, std::fabs(next[k] - delta[k]));
            delta[k] = 0.5 * (delta[k] + next[k]);
        }
    }
    if (!(change <= 1e-12 * delta[0]))
        throw std::domain_error("the discrete Gaussian site did not settle (g = " + std::to_string(g) + ")");
    DiscreteGaussianSite out;
    const TwoPointInterpolant f(phi, gains, delta[0]);
    for (const double d : delta) out.c_phi.push_back(f(d));
    out.delta = std::move(delta);
    for (const GainNode& c : gains)
        out.gamma += c.weight * c.b * effectiveGain(phi, c.b * c.b * out.delta[0], defaultGaussHermiteRule());
    return out;
}

// Each class's interpolant, kept while its Delta_c(0) stays within 1e-14 of the one it was built at (F then
// moves by less than the fixed point's 1e-12 tolerance), the stale ones rebuilt in parallel. Building them is
// nearly all the iteration's cost: classes x gains x 64 two-point quadratures of 80 x 80 nodes.
class ClassInterpolants {
public:
    void refresh(const Activation& phi, const std::vector<GainNode>& gains,
                 const std::vector<TimeConstantClassSite>& sites) {
        built_.resize(sites.size());
        std::vector<std::size_t> stale;
        for (std::size_t c = 0; c < sites.size(); ++c) {
            const double delta0 = sites[c].delta.front();
            if (!built_[c] || std::fabs(built_[c]->delta0() - delta0) > 1e-14 * delta0) stale.push_back(c);
        }
        const std::size_t workers =
            std::min<std::size_t>(stale.size(), std::max(1u, std::thread::hardware_concurrency()));
        std::vector<std::future<void>> jobs;
        for (std::size_t w = 0; w < workers; ++w)
            jobs.push_back(std::async(std::launch::async, [&, w] {
                for (std::size_t i = w; i < stale.size(); i += workers)
                    built_[stale[i]].emplace(phi, gains, sites[stale[i]].delta.front());
            }));
        for (std::future<void>& job : jobs) job.get();
    }

    const TwoPointInterpolant& operator[](std::size_t c) const { return *built_[c]; }

private:
    std::vector<std::optional<TwoPointInterpolant>> built_;
};

// The same fixed point with classes of time constants: one field, each class's own leak and noise.
std::vector<TimeConstantClassSite> iterateClassSites(const Activation& phi,
                                                     const std::vector<GainNode>& gains, double g,
                                                     std::vector<TimeConstantClassSite> sites,
                                                     ClassInterpolants& interpolants) {
    const std::size_t n = sites.front().delta.size();
    std::vector<std::vector<double>> noise;
    for (const TimeConstantClassSite& c : sites) {
        noise.emplace_back(n);
        for (std::size_t k = 0; k < n; ++k)
            noise.back()[k] = inputNoiseCovariance(c.step, static_cast<int>(k));
    }
    std::vector<double> field(n), cov(n);
    double change = 1.0;
    for (int it = 0; it < 2000 && change > 1e-12; ++it) {
        std::fill(field.begin(), field.end(), 0.0);
        interpolants.refresh(phi, gains, sites);
        for (std::size_t i = 0; i < sites.size(); ++i) {
            const TimeConstantClassSite& c = sites[i];
            const TwoPointInterpolant& f = interpolants[i];
            for (std::size_t k = 0; k < n; ++k) field[k] += c.weight * f(c.delta[k]);
        }
        change = 0.0;
        for (std::size_t i = 0; i < sites.size(); ++i) {
            TimeConstantClassSite& c = sites[i];
            const double b = c.step.drive_gain;
            for (std::size_t k = 0; k < n; ++k) cov[k] = b * b * g * g * field[k] + noise[i][k];
            const std::vector<double> next = leakFilteredCovariance(cov, c.step.decay);
            const double scale = c.delta.front();
            for (std::size_t k = 0; k < n; ++k) {
                change = std::max(change, std::fabs(next[k] - c.delta[k]) / scale);
                c.delta[k] = 0.5 * (c.delta[k] + next[k]);
            }
        }
    }
    if (!(change <= 1e-12))
        throw std::domain_error("the discrete Gaussian site with time-constant classes did not settle (g = " +
                                std::to_string(g) + ")");
    interpolants.refresh(phi, gains, sites);
    for (std::size_t i = 0; i < sites.size(); ++i) {
        TimeConstantClassSite& c = sites[i];
        c.c_phi.resize(n);
        for (std::size_t k = 0; k < n; ++k) c.c_phi[k] = interpolants[i](c.delta[k]);
    }
    return sites;
}

bool decayed(const std::vector<TimeConstantClassSite>& sites) {
    return std::all_of(sites.begin(), sites.end(), [](const TimeConstantClassSite& c) {
        return std::fabs(c.delta.back()) < 1e-10 * c.delta.front();
    });
}

}  // namespace

double inputNoiseCovariance(const StepCoefficients& step, int k) {
    if (!step.colored) return k == 0 ? step.kick * step.kick : 0.0;
    const double rho = step.ou_decay, variance = step.ou_kick * step.ou_kick / (1.0 - rho * rho);
    return step.drive_gain * step.drive_gain * variance * std::pow(rho, static_cast<double>(k));
}

// Delta(0) = (G(0) + 2 sum_d decay^d G(d)) / (1 - decay^2) and Delta(k) = decay Delta(k - 1) + Q(k - 1) with
// Q(m) = G(m + 1) + decay Q(m + 1).
std::vector<double> leakFilteredCovariance(const std::vector<double>& cov, double decay) {
    const std::size_t n = cov.size();
    const double a = decay;
    std::vector<double> q(n + 1, 0.0), out(n);
    for (std::size_t m = n - 1; m-- > 0;) q[m] = cov[m + 1] + a * q[m + 1];
    double d0 = cov[0], power = 1.0;
    for (std::size_t d = 1; d < n; ++d) d0 += 2.0 * (power *= a) * cov[d];
    out[0] = d0 / (1.0 - a * a);
    for (std::size_t k = 1; k < n; ++k) out[k] = a * out[k - 1] + q[k - 1];
    return out;
}

// The homogeneous site: every gain 1.
static const std::vector<GainNode>& unitGain() {
    static const std::vector<GainNode> unit = {{1.0, 1.0}};
    return unit;
}

DiscreteGaussianSite discreteGaussianSite(const Activation& phi, double g, const StepCoefficients& step,
                                          int lags) {
    return discreteGaussianSite(phi, unitGain(), g, step, lags);
}

DiscreteGaussianSite discreteGaussianSite(const Activation& phi, const std::vector<GainNode>& gains, double g,
                                          const StepCoefficients& step, int lags) {
    if (lags < 2) throw std::domain_error("the discrete Gaussian site needs at least 2 lags");
    std::vector<double> start(static_cast<std::size_t>(lags));
    for (std::size_t k = 0; k < start.size(); ++k) start[k] = std::pow(step.decay, static_cast<double>(k));
    return iterateSite(phi, gains, g, step, std::move(start));
}

DiscreteGaussianSite discreteGaussianSiteUntilDecayed(const Activation& phi, double g,
                                                      const StepCoefficients& step, double dt) {
    return discreteGaussianSiteUntilDecayed(phi, unitGain(), g, step, dt);
}

DiscreteGaussianSite discreteGaussianSiteUntilDecayed(const Activation& phi,
                                                      const std::vector<GainNode>& gains, double g,
                                                      const StepCoefficients& step, double dt) {
    DiscreteGaussianSite site =
        discreteGaussianSite(phi, gains, g, step, static_cast<int>(std::ceil(20.0 / dt)));
    // Each doubling starts from the shorter solution, continued by its last decay ratio: a few iterations.
    while (!(std::fabs(site.delta.back()) < 1e-10 * site.delta.front()) && site.delta.size() < (1u << 20)) {
        std::vector<double> start = site.delta;
        const double ratio = std::clamp(start.back() / start[start.size() - 2], 0.0, 1.0);
        for (std::size_t k = 0, n = site.delta.size(); k < n; ++k) start.push_back(start.back() * ratio);
        site = iterateSite(phi, gains, g, step, std::move(start));
    }
    return site;
}

namespace {

// Every class started from its own leak's decay.
std::vector<TimeConstantClassSite> startingClassSites(const std::vector<TimeConstantClass>& taus,
                                                      std::size_t lags) {
    if (taus.empty()) throw std::domain_error("the discrete site with time-constant classes: no classes");
    if (lags < 2) throw std::domain_error("the discrete Gaussian site needs at least 2 lags");
    std::vector<TimeConstantClassSite> sites;
    for (const TimeConstantClass& c : taus) {
        TimeConstantClassSite site;
        site.weight = c.weight;
        site.step = c.step;
        for (std::size_t k = 0; k < lags; ++k)
            site.delta.push_back(std::pow(c.step.decay, static_cast<double>(k)));
        sites.push_back(std::move(site));
    }
    return sites;
}

}  // namespace

std::vector<TimeConstantClassSite> timeConstantClassSites(const Activation& phi,
                                                          const std::vector<GainNode>& gains,
                                                          const std::vector<TimeConstantClass>& taus,
                                                          double g, int lags) {
    ClassInterpolants interpolants;
    return iterateClassSites(
        phi, gains, g, startingClassSites(taus, static_cast<std::size_t>(std::max(lags, 0))), interpolants);
}

std::vector<TimeConstantClassSite> timeConstantClassSitesUntilDecayed(
    const Activation& phi, const std::vector<GainNode>& gains, const std::vector<TimeConstantClass>& taus,
    double g, double dt) {
    ClassInterpolants interpolants;
    std::vector<TimeConstantClassSite> sites = iterateClassSites(
        phi, gains, g, startingClassSites(taus, static_cast<std::size_t>(std::ceil(20.0 / dt))),
        interpolants);
    // As discreteGaussianSiteUntilDecayed: each doubling continues every class by its last decay ratio.
    while (!decayed(sites) && sites.front().delta.size() < (1u << 20)) {
        for (TimeConstantClassSite& c : sites) {
            std::vector<double>& d = c.delta;
            const double ratio = std::clamp(d.back() / d[d.size() - 2], 0.0, 1.0);
            for (std::size_t k = 0, n = d.size(); k < n; ++k) d.push_back(d.back() * ratio);
        }
        sites = iterateClassSites(phi, gains, g, std::move(sites), interpolants);
    }
    return sites;
}

std::vector<GainClassSite> gainClassSites(const Activation& phi, const std::vector<GainNode>& gains,
                                          const std::vector<double>& delta) {
    if (delta.empty()) throw std::domain_error("gainClassSites: no lags");
    std::vector<GainClassSite> classes;
    for (const GainNode& node : gains) {
        const std::vector<GainNode> one = {{node.b, 1.0}};
        const TwoPointInterpolant f(phi, one, delta.front());
        GainClassSite c;
        c.weight = node.weight;
        c.gamma = gainedEffectiveGain(phi, node.b, delta.front(), defaultGaussHermiteRule());
        for (const double d : delta) c.c_phi.push_back(f(d));
        classes.push_back(std::move(c));
    }
    return classes;
}

// The residual r = phi - chi * u of the Gaussian site has S_r = S_phi - |chi|^2 (g^2 S_phi + S_n), with
// chi(k) = gamma drive decay^(k-1) (k >= 1).
SiteRun siteRunOf(const DiscreteGaussianSite& site, double g, const StepCoefficients& step) {
    const std::size_t lags = site.c_phi.size();
    SiteRun run;
    run.chi.assign(lags, 0.0);
    for (std::size_t k = 1; k < lags; ++k)
        run.chi[k] = site.gamma * step.drive_gain * std::pow(step.decay, static_cast<double>(k - 1));
    const std::size_t p = nextPowerOfTwo(4 * lags);
    RealTransforms fft(p);
    double* real = fft.real();
    std::fill(real, real + p, 0.0);
    real[0] = site.c_phi[0];
    for (std::size_t k = 1; k < lags; ++k) real[k] = real[p - k] = site.c_phi[k];
    fft.forward();
    std::complex<double>* spectrum = fft.spectrum();
    for (std::size_t j = 0; j <= p / 2; ++j) {
        const double theta = 2.0 * kPi * static_cast<double>(j) / static_cast<double>(p);
        const double s_phi = spectrum[j].real();
        const std::complex<double> chi = site.gamma * leakTransfer(step, theta);
        spectrum[j] = s_phi - std::norm(chi) * (g * g * s_phi + inputNoiseSpectrum(step, theta));
    }
    fft.backward();  // unnormalized: p C_r(k)
    for (std::size_t k = 0; k < lags; ++k) run.c_residual.push_back(real[k] / static_cast<double>(p));
    return run;
}

SampledFourPoints discreteGaussianSiteFourPoints(const DiscreteGaussianSite& site, double g,
                                                 const StepCoefficients& step, double dt) {
    return sampledFourPoints(std::vector<SiteRun>(2, siteRunOf(site, g, step)), g, 0.0, step, dt);
}

}  // namespace quench::theory::detail
