// The one-loop (1/N) terms of the single-site means of an iid network: one_loop_site.hpp and
// docs/theory/one_loop_site.md (whose section numbers the comments cite).
#include "one_loop_site.hpp"

#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <future>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "discrete_gaussian_site.hpp"
#include "fftw_transforms.hpp"
#include "gaussian_pair_averages.hpp"
#include "quench/rng.hpp"
#include "quench/theory/heterogeneous_gains.hpp"

namespace quench::theory::detail {
namespace {

// The jet of x -> phi(b x): the p-th derivative is b^p phi^(p)(b x).
ActivationJet jetOf(const Activation& phi, double b, double x) {
    ActivationJet j = activationJet(phi, b * x);
    double power = 1.0;
    for (double& d : j) {
        d *= power;
        power *= b;
    }
    return j;
}

// What the expansion needs of the N = infinity site, per lag k = 0..L (section 3). F(k) is E phi phi at
// Var = Delta(0), Cov = Delta(k); its derivatives in the covariance entries follow from Price's theorem, the
// averages of products of phi's derivatives on a grid in y (GaussianPairAverages: Gauss-Hermite in z does
// not resolve phi's fourth derivative once sqrt(Delta(0)) or a gain makes phi steep).
struct SiteTables {
    int L = 0;
    double a = 0.0, b = 0.0, s = 0.0, g = 0.0, dt = 0.0;
    std::vector<double> delta, f;
    std::vector<double> f1;                              // dF/dD_ts = E phi' phi'
    std::vector<double> half_f2;                         // dF/dD_tt = E phi'' phi / 2
    std::vector<double> fts_ts, ftt_ts, ftt_tt, ftt_ss;  // second derivatives in (D_tt, D_ss, D_ts)
    double q1 = 0.0, q2 = 0.0;                           // first and second derivative of E phi^2 in Delta(0)
    // E_b F'_b C*_b: what taking each site's own mean product C*_b out of its field (the zero diagonal) does
    // to the population's mean product, class by class (sections 9 and 11); F'(C*) without a spread of gains.
    std::vector<double> own_pickup;
};

// The change of the site's Delta under a stationary change v of the population covariance: the leak filter of
// the field's change g^2 b^2 v.
std::vector<double> filtered(const std::vector<double>& v, const SiteTables& t) {
    const double scale = t.g * t.g * t.b * t.b;
    std::vector<double> cov(v.size());
    std::transform(v.begin(), v.end(), cov.begin(), [scale](double e) { return scale * e; });
    return leakFilteredCovariance(cov, t.a);
}

// The change of F under a change d of Delta (lag functions): dF(k) = F1(k) d(k) + 2 (dF/dD_tt)(k) d(0), and
// q1 d(0) at k = 0; the population's entries or one gain class's.
std::vector<double> responseTo(const std::vector<double>& d, const std::vector<double>& f1,
                               const std::vector<double>& half_f2, double q1) {
    std::vector<double> out(d.size());
    out[0] = q1 * d[0];
    for (std::size_t k = 1; k < d.size(); ++k) out[k] = f1[k] * d[k] + 2.0 * half_f2[k] * d[0];
    return out;
}

// F' on a stationary (lag) function.
std::vector<double> fPrime(const std::vector<double>& v, const SiteTables& t) {
    return responseTo(filtered(v, t), t.f1, t.half_f2, t.q1);
}

// With gain classes every entry is the average over them of the class's phi(b x) (section 11).
SiteTables siteTables(const Activation& phi, const std::vector<GainNode>& gains, double g,
                      const StepCoefficients& step, double dt, int lags) {
    const DiscreteGaussianSite site = discreteGaussianSite(phi, gains, g, step, lags);
    SiteTables t;
    t.L = lags - 1;
    t.a = step.decay;
    t.b = step.drive_gain;
    t.s = step.kick;
    t.g = g;
    t.dt = dt;
    t.delta = site.delta;
    t.f = site.c_phi;
    const std::size_t width = static_cast<std::size_t>(t.L + 1);
    for (std::vector<double>* v : {&t.f1, &t.half_f2, &t.fts_ts, &t.ftt_ts, &t.ftt_tt, &t.ftt_ss})
        v->assign(width, 0.0);
    t.own_pickup.assign(width, 0.0);
    std::vector<double> own(width), f1(width), half_f2(width);  // class b's C*_b and F'_b
    for (const GainNode& c : gains) {
        // x -> phi(b x) at Var x = Delta(0) is phi at Var y = b^2 Delta(0), its p-th derivative times b^p.
        const GaussianPairAverages averages(phi, c.b * c.b * t.delta[0]);
        const double b2 = c.b * c.b, b4 = b2 * b2;
        for (std::size_t k = 0; k < width; ++k) {
            const double rho = std::clamp(t.delta[k] / t.delta[0], -1.0, 1.0);
            const auto e = averages.pair(rho, 2);  // e[p][q] = E phi^(p)(y1) phi^(q)(y2)
            own[k] = e[0][0];
            f1[k] = b2 * e[1][1];
            half_f2[k] = 0.5 * b2 * e[2][0];
            t.f1[k] += c.weight * f1[k];
            t.half_f2[k] += c.weight * half_f2[k];
            t.fts_ts[k] += c.weight * b4 * e[2][2];
            t.ftt_ts[k] += c.weight * 0.5 * b4 * e[3][1];
            t.ftt_tt[k] += c.weight * 0.25 * b4 * e[4][0];
            t.ftt_ss[k] += c.weight * 0.25 * b4 * e[2][2];
        }
        const double q1 = b2 * (averages.single(1, 1) + averages.single(0, 2));
        t.q1 += c.weight * q1;
        t.q2 += c.weight * 0.25 * b4 *
                (2.0 * averages.single(0, 4) + 8.0 * averages.single(1, 3) + 6.0 * averages.single(2, 2));
        const std::vector<double> pickup = responseTo(filtered(own, t), f1, half_f2, q1);  // F'_b C*_b
        for (std::size_t k = 0; k < width; ++k) t.own_pickup[k] += c.weight * pickup[k];
    }
    return t;
}

// The causal recursion delta C = p + F' delta C (section 5), one row per step: after step(), d()[j] is
// delta D(n, n - j) and past()[j] is delta D(n - j, n - j), j = 0..L. delta D(t, s) = g^2 b^2 sum_{k,l >= 1}
// a^(k+l-2) delta C(t - k, s - l) is carried by the row filter N(t, s) = sum_l a^(l-1) b delta C(t, s - l).
//
// A direct Marcher leaves out F' (delta C = p): its delta D is the identity part of the response, what a
// site's own products do to its own field through J_ii alone, which the zero diagonal removes (section 9).
class Marcher {
public:
    explicit Marcher(const SiteTables& t, bool direct = false)
        : t_(t), direct_(direct), c_(size()), d_(size()), n_row_(size()), ring_(size()), past_(size()) {}

    void step(const double* source) {
        const int L = t_.L;
        const double a = t_.a, b = t_.b, g2b = t_.g * t_.g * t_.b;
        n_row_[L] = b * c_[L];  // n_row_[m + 1] = N(n - 1, n - 1 - m), m = -1..L-1
        for (int i = L - 1; i >= 0; --i) n_row_[i] = a * n_row_[i + 1] + b * c_[i];
        for (int j = L; j >= 1; --j) d_[j] = a * d_[j - 1] + g2b * n_row_[j];
        d_[0] = a * d_[1] + g2b * n_row_[0];
        ++n_;
        ring_[static_cast<std::size_t>(n_ % (L + 1))] = d_[0];
        for (int j = 0; j <= L; ++j)
            past_[j] = n_ - j >= 0 ? ring_[static_cast<std::size_t>((n_ - j) % (L + 1))] : 0.0;
        if (direct_) {
            std::fill(c_.begin(), c_.end(), 0.0);
        } else {
            c_[0] = t_.q1 * d_[0];
            for (int j = 1; j <= L; ++j) c_[j] = t_.f1[j] * d_[j] + t_.half_f2[j] * (d_[0] + past_[j]);
        }
        if (source != nullptr)
            for (int j = 0; j <= L; ++j) c_[j] += source[j];
    }
    const std::vector<double>& d() const { return d_; }
    const std::vector<double>& past() const { return past_; }

private:
    std::size_t size() const { return static_cast<std::size_t>(t_.L + 1); }
    const SiteTables& t_;
    const bool direct_;
    std::vector<double> c_, d_, n_row_, ring_, past_;
    long n_ = -1;
};

// The entries of the self-response kernel M (below) that the unit source at lag l of row 0 reaches, added to
// m (row-major, `width` columns). With the zero diagonal, without the direct response.
void addSourceResponse(const SiteTables& t, int l, int width, bool zero_diagonal, std::vector<double>& m) {
    const int L = t.L;
    const auto at = [&](int i, int j) -> double& { return m[static_cast<std::size_t>(i * width + j)]; };
    std::vector<double> unit(static_cast<std::size_t>(L + 1), 0.0);
    unit[static_cast<std::size_t>(l)] = 1.0;
    Marcher marcher(t), direct(t, true);
    marcher.step(unit.data());  // the source's row: the pair {w, w - l} with w = row 0
    if (zero_diagonal) direct.step(unit.data());
    for (int n = 1; n <= L; ++n) {
        marcher.step(nullptr);
        if (zero_diagonal) direct.step(nullptr);
        const auto d = [&](int j) {
            const std::size_t u = static_cast<std::size_t>(j);
            return marcher.d()[u] - (zero_diagonal ? direct.d()[u] : 0.0);
        };
        if (l == 0) {
            at(n, n) += 2.0 * d(n);
            continue;
        }
        at(n, n + l) += d(n);                      // response at (w + n, w): l >= 1
        if (n + l <= L) at(n + l, n) += d(n + l);  // pair {w', w' + l}, w' = -l
    }
}

// The site's response to its own contribution to C (section 4): W(t) = sum_{i,j} M(i, j) phi'(t - i) phi(t -
// j) with M(m, m + l) the response of delta D at (t, t - m) to a unit source at C(t - m, t - m - l) (l of
// either sign, the pair's later time before t) and 2 M(m, m) that to the diagonal source. Rows i = 1..L,
// columns j = 0..2L. Each source writes its own entries, so the sources are shared out among threads.
std::vector<double> selfResponseKernel(const SiteTables& t, int workers, bool zero_diagonal) {
    const int L = t.L, width = 2 * L + 1;
    std::vector<double> m(static_cast<std::size_t>((L + 1) * width), 0.0);
    std::vector<std::future<void>> jobs;
    for (int w = 0; w < workers; ++w)
        jobs.push_back(std::async(std::launch::async, [&t, &m, L, width, w, workers, zero_diagonal] {
            for (int l = w; l <= L; l += workers) addSourceResponse(t, l, width, zero_diagonal, m);
        }));
    for (std::future<void>& job : jobs) job.get();
    return m;
}

// Per-path averages (section 5), each over the kept steps.
struct PathSums {
    std::vector<double> yy, tty, ssy, ts, t1a, t1b, t1c;  // products of the self field Y = delta D
    std::vector<double> wa, wb, xw;                       // correlations of W with phi, phi' and x
    double wx = 0.0;                                      // E x(t) W(t)
};

class PathSampler {
public:
    PathSampler(const Activation& phi, const NeuronParameterSpec& gain, const SiteTables& t,
                const StepCoefficients& step, const std::vector<double>& kernel,
                const OneLoopOptions& options, bool zero_diagonal)
        : phi_(phi),
          gain_(gain),
          t_(t),
          step_(step),
          options_(options),
          zero_diagonal_(zero_diagonal),
          warm_(3 * t.L),
          keep_(3 * t.L + options.steps),
          burn_(static_cast<int>(std::ceil(20.0 / t.dt))),
          field_(nextPowerOfTwo(static_cast<std::size_t>(keep_ + burn_ + t.L + 1))),
          conv_(nextPowerOfTwo(static_cast<std::size_t>(2 * (2 * t.L + 1)))) {
        fieldAmplitudes();
        kernelSpectra(kernel);
    }

    PathSums run(int path) {
        samplePath(path);
        PathSums sums = marchSelfField();
        selfResponse();
        correlateSelfResponse(sums);
        return sums;
    }

private:
    // sqrt of the eigenvalues of the circulant covariance of the site's input: g^2 C_phi (lags beyond L: 0)
    // plus, for colored noise, the Ornstein-Uhlenbeck input's at every lag (its memory may outlast the
    // window), divided by its length.
    void fieldAmplitudes() {
        const std::size_t p = field_.size();
        double* real = field_.real();
        std::fill(real, real + p, 0.0);
        for (std::size_t k = 0; k <= p / 2; ++k) {
            // White noise is the kick, sampled separately.
            double c = step_.colored ? inputNoiseCovariance(step_, static_cast<int>(k)) / (t_.b * t_.b) : 0.0;
            if (k <= static_cast<std::size_t>(t_.L)) c += t_.g * t_.g * t_.f[k];
            real[k] = c;
            if (k > 0 && k < p / 2) real[p - k] = c;
        }
        field_.forward();
        amplitude_.resize(p / 2 + 1);
        for (std::size_t j = 0; j <= p / 2; ++j)
            amplitude_[j] = std::sqrt(std::max(0.0, field_.spectrum()[j].real())) / static_cast<double>(p);
    }

    void kernelSpectra(const std::vector<double>& kernel) {
        const std::size_t q = conv_.size(), width = static_cast<std::size_t>(2 * t_.L + 1);
        spectra_.assign(static_cast<std::size_t>(t_.L + 1) * (q / 2 + 1), {});
        for (int i = 1; i <= t_.L; ++i) {
            double* real = conv_.real();
            std::fill(real, real + q, 0.0);
            std::copy_n(kernel.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(i) * width),
                        width, real);
            conv_.forward();
            std::copy_n(
                conv_.spectrum(), q / 2 + 1,
                spectra_.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(i) * (q / 2 + 1)));
        }
    }

    void normals(int path, std::uint32_t purpose, std::size_t n, double* out) const {
        double four[4];
        for (std::size_t i = 0; i < n; i += 4) {
            normal4(options_.seed, RngStream::TheoryOneLoop, static_cast<std::uint64_t>(path), i / 4, purpose,
                    four);
            for (std::size_t j = 0; j < 4 && i + j < n; ++j) out[i + j] = four[j];
        }
    }

    // The path's own gain (network.gain_.mean without heterogeneity): a draw from its distribution.
    double pathGain(int path) const {
        double z[4];
        normal4(options_.seed, RngStream::TheoryOneLoop, static_cast<std::uint64_t>(path), 0, 2, z);
        switch (gain_.distribution) {
            case NeuronDistribution::Lognormal: {
                const double s2 = std::log1p(gain_.cv * gain_.cv);
                return gain_.mean * std::exp(std::sqrt(s2) * z[0] - 0.5 * s2);
            }
            case NeuronDistribution::Uniform: {
                const double u = 0.5 * std::erfc(-z[0] / std::sqrt(2.0));
                return gain_.mean * (1.0 + std::sqrt(3.0) * gain_.cv * (2.0 * u - 1.0));
            }
            case NeuronDistribution::None:
                break;
        }
        return gain_.mean;
    }

    // x of the N = infinity site: the recursion driven by a Gaussian field of covariance g^2 C_phi.
    void samplePath(int path) {
        const double b = pathGain(path);
        const std::size_t p = field_.size(), total = static_cast<std::size_t>(burn_ + keep_);
        normals(path, 0, p, field_.real());
        field_.forward();
        for (std::size_t j = 0; j <= p / 2; ++j) field_.spectrum()[j] *= amplitude_[j];
        field_.backward();
        std::vector<double> kick(total);
        normals(path, 1, total, kick.data());
        x_.resize(static_cast<std::size_t>(keep_));
        jets_.resize(static_cast<std::size_t>(keep_));
        double x = 0.0;
        for (std::size_t n = 0; n < total; ++n) {
            if (n >= static_cast<std::size_t>(burn_)) {
                const std::size_t k = n - static_cast<std::size_t>(burn_);
                x_[k] = x;
                jets_[k] = jetOf(phi_, b, x);
            }
            x = t_.a * x + t_.b * field_.real()[n] + t_.s * kick[n];
        }
    }

    double value(std::size_t n, int order) const { return jets_[n][static_cast<std::size_t>(order)]; }

    // The self field Y = delta D driven by the path's own products p(n, n - j) = phi phi - F(j), and its
    // averages (sections 3 and 4). The Sigma terms take all of Y; with the zero diagonal the self terms take
    // Y less its direct part (section 9).
    PathSums marchSelfField() const {
        const int L = t_.L;
        const std::size_t width = static_cast<std::size_t>(L + 1);
        PathSums s;
        for (std::vector<double>* v : {&s.yy, &s.tty, &s.ssy, &s.ts, &s.t1a, &s.t1b, &s.t1c})
            v->assign(width, 0.0);
        Marcher marcher(t_), direct(t_, true);
        std::vector<double> source(width), self(width), self_past(width);
        for (int n = 0; n < keep_; ++n) {
            const std::size_t un = static_cast<std::size_t>(n);
            const int reach = std::min(n, L);
            std::fill(source.begin(), source.end(), 0.0);
            for (int j = 0; j <= reach; ++j)
                source[static_cast<std::size_t>(j)] =
                    value(un, 0) * value(un - static_cast<std::size_t>(j), 0) -
                    t_.f[static_cast<std::size_t>(j)];
            marcher.step(source.data());
            if (zero_diagonal_) direct.step(source.data());
            if (n < warm_) continue;
            const std::vector<double>& d = marcher.d();
            const std::vector<double>& past = marcher.past();
            for (std::size_t j = 0; j < width; ++j) {
                self[j] = d[j] - (zero_diagonal_ ? direct.d()[j] : 0.0);
                self_past[j] = past[j] - (zero_diagonal_ ? direct.past()[j] : 0.0);
            }
            const double y0 = d[0], curvature = value(un, 2) * self[0];
            for (int j = 0; j <= L; ++j) {
                const std::size_t uj = static_cast<std::size_t>(j), back = un - uj;
                s.yy[uj] += d[uj] * d[uj];
                s.tty[uj] += y0 * d[uj];
                s.ssy[uj] += past[uj] * d[uj];
                s.ts[uj] += y0 * past[uj];
                s.t1a[uj] += curvature * value(back, 0);
                s.t1b[uj] += value(un, 0) * value(back, 2) * self_past[uj];
                s.t1c[uj] += value(un, 1) * value(back, 1) * self[uj];
            }
        }
        const double steps = options_.steps;
        for (std::vector<double>* v : {&s.yy, &s.tty, &s.ssy, &s.ts, &s.t1a, &s.t1b, &s.t1c})
            std::transform(v->begin(), v->end(), v->begin(), [steps](double e) { return e / steps; });
        return s;
    }

    // W(t) for every kept t >= 2L, by overlap-save convolution of phi with each kernel row.
    void selfResponse() {
        const int L = t_.L;
        const std::size_t q = conv_.size(), reach = static_cast<std::size_t>(2 * L), segment = q - reach;
        const std::size_t keep = static_cast<std::size_t>(keep_);
        w_.assign(keep, 0.0);
        std::vector<std::complex<double>> input(q / 2 + 1);
        for (std::size_t start = reach; start < keep; start += segment) {
            double* real = conv_.real();
            for (std::size_t k = 0; k < q; ++k) {
                const std::size_t n = start - reach + k;
                real[k] = n < keep ? value(n, 0) : 0.0;
            }
            conv_.forward();
            std::copy_n(conv_.spectrum(), q / 2 + 1, input.begin());
            for (int i = 1; i <= L; ++i) {
                const std::complex<double>* row = spectra_.data() + static_cast<std::size_t>(i) * (q / 2 + 1);
                for (std::size_t j = 0; j <= q / 2; ++j) conv_.spectrum()[j] = input[j] * row[j];
                conv_.backward();
                for (std::size_t k = reach; k < q && start - reach + k < keep; ++k) {
                    const std::size_t n = start - reach + k;
                    w_[n] +=
                        value(n - static_cast<std::size_t>(i), 1) * conv_.real()[k] / static_cast<double>(q);
                }
            }
        }
    }

    void correlateSelfResponse(PathSums& s) const {
        const int L = t_.L;
        const std::size_t width = static_cast<std::size_t>(L + 1), keep = static_cast<std::size_t>(keep_);
        s.wa.assign(width, 0.0);
        s.wb.assign(width, 0.0);
        s.xw.assign(width, 0.0);
        for (std::size_t n = static_cast<std::size_t>(warm_); n < keep; ++n) s.wx += x_[n] * w_[n];
        s.wx /= options_.steps;
        for (std::size_t j = 0; j < width; ++j) {
            double wa = 0.0, wb = 0.0, back = 0.0, ahead = 0.0;
            std::size_t later = 0;
            for (std::size_t n = static_cast<std::size_t>(warm_); n < keep; ++n) {
                wa += value(n, 1) * w_[n] * value(n - j, 0);
                back += w_[n] * x_[n - j];
                if (n + j < keep) {
                    wb += value(n + j, 0) * value(n, 1) * w_[n];
                    ahead += x_[n + j] * w_[n];
                    ++later;
                }
            }
            s.wa[j] = wa / options_.steps;
            s.wb[j] = wb / static_cast<double>(later);
            s.xw[j] = back / options_.steps + ahead / static_cast<double>(later);
        }
    }

    const Activation& phi_;
    const NeuronParameterSpec& gain_;
    const SiteTables& t_;
    const StepCoefficients& step_;
    const OneLoopOptions& options_;
    const bool zero_diagonal_;
    int warm_, keep_, burn_;
    RealTransforms field_, conv_;
    std::vector<double> amplitude_;
    std::vector<std::complex<double>> spectra_;
    std::vector<double> x_, w_;
    std::vector<ActivationJet> jets_;
};

// The right-hand side of (1 - F') t = 1/2 F''[Sigma] + S_F for one path (sections 3 and 4): Sigma's quadratic
// form in the self field at the pairs (t, t), (s, s), (t, s), and the self term S_F of phi(t) phi(s).
std::vector<double> meanShiftSource(const PathSums& p, const SiteTables& t) {
    const std::size_t width = static_cast<std::size_t>(t.L + 1);
    std::vector<double> out(width);
    const double y0 = p.yy[0];
    for (std::size_t j = 0; j < width; ++j) {
        const double self = 0.5 * p.t1a[j] + 0.5 * p.t1b[j] + p.t1c[j] + p.wa[j] + p.wb[j];
        const double sigma = j == 0
                                 ? 0.5 * t.q2 * y0
                                 : 0.5 * (2.0 * t.ftt_tt[j] * y0 + 2.0 * t.ftt_ss[j] * p.ts[j] +
                                          2.0 * t.ftt_ts[j] * (p.tty[j] + p.ssy[j]) + t.fts_ts[j] * p.yy[j]);
        out[j] = self + sigma;
    }
    return out;
}

OneLoopValue meanWithError(const std::vector<double>& v) {
    const double n = static_cast<double>(v.size());
    const double mean = std::accumulate(v.begin(), v.end(), 0.0) / n;
    const double square = std::accumulate(
        v.begin(), v.end(), 0.0, [mean](double acc, double e) { return acc + (e - mean) * (e - mean); });
    return {mean, std::sqrt(square / (n - 1.0) / n)};
}

int workerCount(int tasks) {
    return std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, std::min(8, tasks));
}

std::vector<PathSums> samplePaths(const Activation& phi, const NeuronParameterSpec& gain, const SiteTables& t,
                                  const StepCoefficients& step, const std::vector<double>& kernel,
                                  const OneLoopOptions& options, bool zero_diagonal) {
    std::vector<PathSums> sums(static_cast<std::size_t>(options.paths));
    const int workers = workerCount(options.paths);
    std::vector<std::future<void>> jobs;
    for (int w = 0; w < workers; ++w)
        jobs.push_back(std::async(std::launch::async, [&, w] {
            PathSampler sampler(phi, gain, t, step, kernel, options, zero_diagonal);
            for (int r = w; r < options.paths; r += workers)
                sums[static_cast<std::size_t>(r)] = sampler.run(r);
        }));
    for (std::future<void>& job : jobs) job.get();
    return sums;
}

}  // namespace

OneLoopSiteMeans oneLoopSiteMeans(const Activation& phi, double g, const StepCoefficients& step, double dt,
                                  DiagonalConvention diagonal, const OneLoopOptions& options,
                                  const NeuronParameterSpec& gain) {
    if (!activationKinks(phi).empty())
        throw std::domain_error(
            "the one-loop site means need a smooth phi (its derivatives up to the fourth)");
    if (options.paths < 2 || options.steps < 1 || !(options.window > 0.0) || !(dt > 0.0))
        throw std::domain_error(
            "the one-loop site means need >= 2 paths, >= 1 step and a positive window and dt");
    const bool zero_diagonal = diagonal == DiagonalConvention::Zero;
    const int lags = static_cast<int>(std::ceil(options.window / dt)) + 1;
    // 16 gain classes: the tables' quadrature over b converges long before the Monte-Carlo error. Without a
    // spread, one.
    const std::vector<GainNode> classes =
        gain.cv > 0.0 ? gainQuadrature(gain, 16) : std::vector<GainNode>{{gain.mean, 1.0}};
    const SiteTables t = siteTables(phi, classes, g, step, dt, lags);
    const std::vector<PathSums> sums = samplePaths(
        phi, gain, t, step, selfResponseKernel(t, workerCount(lags), zero_diagonal), options, zero_diagonal);
    // With the zero diagonal a site's field leaves out its own product, whose mean is C*_b for a site of gain
    // b: every site sees the population covariance less C*_b / N (section 9), and the population's mean
    // product moves by -E_b F'_b C*_b / N (section 11). A site's Var x is linear in what it sees, so over the
    // sites its shift takes the mean of C*_b, the population's C*.
    std::vector<double> own_mean(static_cast<std::size_t>(lags), 0.0), own_pickup(own_mean);
    if (zero_diagonal) {
        own_mean = t.f;
        own_pickup = classes.size() == 1 ? fPrime(t.f, t) : t.own_pickup;  // one class: the site's exact C*
    }

    const int n = lags, paths = options.paths;
    std::vector<double> system(static_cast<std::size_t>(n * n)), rhs(static_cast<std::size_t>(n * paths));
    std::vector<double> unit(static_cast<std::size_t>(n), 0.0);
    for (int k = 0; k < n; ++k) {
        unit[static_cast<std::size_t>(k)] = 1.0;
        const std::vector<double> column = fPrime(unit, t);
        unit[static_cast<std::size_t>(k)] = 0.0;
        for (int j = 0; j < n; ++j)
            system[static_cast<std::size_t>(j * n + k)] =
                (j == k ? 1.0 : 0.0) - column[static_cast<std::size_t>(j)];
    }
    for (int r = 0; r < paths; ++r) {
        const std::vector<double> source = meanShiftSource(sums[static_cast<std::size_t>(r)], t);
        for (int j = 0; j < n; ++j)
            rhs[static_cast<std::size_t>(j * paths + r)] =
                source[static_cast<std::size_t>(j)] - own_pickup[static_cast<std::size_t>(j)];
    }
    std::vector<lapack_int> pivots(static_cast<std::size_t>(n));
    if (LAPACKE_dgesv(LAPACK_ROW_MAJOR, n, paths, system.data(), n, pivots.data(), rhs.data(), paths) != 0)
        throw std::domain_error(
            "the one-loop site means: 1 - F' is singular (the site is at the edge of stability)");

    std::vector<double> x_et, phi_et, x_zf, phi_zf, x_tail, phi_tail;
    std::vector<double> shift(static_cast<std::size_t>(n));
    for (int r = 0; r < paths; ++r) {
        const PathSums& p = sums[static_cast<std::size_t>(r)];
        for (int j = 0; j < n; ++j)
            shift[static_cast<std::size_t>(j)] = rhs[static_cast<std::size_t>(j * paths + r)];
        std::vector<double> seen(shift);  // the mean shift of the covariance the site's field sees
        for (int j = 0; j < n; ++j)
            seen[static_cast<std::size_t>(j)] -= own_mean[static_cast<std::size_t>(j)];
        const std::vector<double> x_shift = filtered(seen, t);
        double phi_sum = shift[0], x_sum = x_shift[0] + p.xw[0], phi_late = 0.0, x_late = 0.0;
        for (int j = 1; j < n; ++j) {
            const double phi_term = 2.0 * shift[static_cast<std::size_t>(j)];
            const double x_term =
                2.0 * (x_shift[static_cast<std::size_t>(j)] + p.xw[static_cast<std::size_t>(j)]);
            phi_sum += phi_term;
            x_sum += x_term;
            if (4 * j > 3 * (n - 1)) {
                phi_late += phi_term;
                x_late += x_term;
            }
        }
        phi_tail.push_back(dt * phi_late);
        x_tail.push_back(dt * x_late);
        phi_et.push_back(shift[0]);
        x_et.push_back(x_shift[0] + 2.0 * p.wx);
        phi_zf.push_back(dt * phi_sum);
        x_zf.push_back(dt * x_sum);
    }
    OneLoopSiteMeans out;
    out.x_et_a = meanWithError(x_et);
    out.phi_et_a = meanWithError(phi_et);
    out.x_zf_a = meanWithError(x_zf);
    out.phi_zf_a = meanWithError(phi_zf);
    out.x_zf_tail = meanWithError(x_tail);
    out.phi_zf_tail = meanWithError(phi_tail);
    out.lags = n;
    return out;
}

}  // namespace quench::theory::detail
