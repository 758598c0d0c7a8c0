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
#include <optional>
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

// One gain class's E phi(b x)^2 = A_b, its first and second derivatives in Delta(0) and its mean product
// F_b(k): what the spread of phi's C_ii over the classes needs (heterogeneity.md, section 9).
struct GainClassPower {
    double weight = 1.0;
    double a = 0.0, q1 = 0.0, q2 = 0.0;
    std::vector<double> f;
};

// What the expansion needs of one class of time constant of the N = infinity site, per lag k = 0..L (section
// 3). F(k) is E phi phi at Var = Delta(0), Cov = Delta(k); its derivatives in the covariance entries follow
// from Price's theorem, the averages of products of phi's derivatives on a grid in y (GaussianPairAverages:
// Gauss-Hermite in z does not resolve phi's fourth derivative once sqrt(Delta(0)) or a gain makes phi steep).
struct SiteTables {
    double weight = 1.0;  // the class's share of the neurons
    int L = 0;
    double a = 0.0, b = 0.0, s = 0.0, g = 0.0, dt = 0.0;
    StepCoefficients step;
    std::vector<double> delta, f;                        // the class's Delta and mean product F
    std::vector<double> f1;                              // dF/dD_ts = E phi' phi'
    std::vector<double> half_f2;                         // dF/dD_tt = E phi'' phi / 2
    std::vector<double> fts_ts, ftt_ts, ftt_tt, ftt_ss;  // second derivatives in (D_tt, D_ss, D_ts)
    double q1 = 0.0, q2 = 0.0;                           // first and second derivative of E phi^2 in Delta(0)
    std::vector<GainClassPower> gain_classes;            // the same per gain class, unaveraged
};

// The population: its classes of time constant (one without a spread; section 12), each with its own leak and
// Delta_c, all driven by the one field of covariance g^2 C, C = E_c F_c.
struct Population {
    std::vector<SiteTables> classes;
    std::vector<double> f;  // E_c F_c
    int L = 0;
    double g = 0.0, dt = 0.0;
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
// q1 d(0) at k = 0; a class's entries or one gain class's.
std::vector<double> responseTo(const std::vector<double>& d, const std::vector<double>& f1,
                               const std::vector<double>& half_f2, double q1) {
    std::vector<double> out(d.size());
    out[0] = q1 * d[0];
    for (std::size_t k = 1; k < d.size(); ++k) out[k] = f1[k] * d[k] + 2.0 * half_f2[k] * d[0];
    return out;
}

// F' on a stationary (lag) function: each class's response through its own leak, averaged over the classes.
std::vector<double> fPrime(const std::vector<double>& v, const Population& p) {
    std::vector<double> out(v.size(), 0.0);
    for (const SiteTables& t : p.classes) {
        const std::vector<double> r = responseTo(filtered(v, t), t.f1, t.half_f2, t.q1);
        for (std::size_t k = 0; k < v.size(); ++k) out[k] += t.weight * r[k];
    }
    return out;
}

// One class of time constant: its Delta and mean product from the N = infinity site; with gain classes every
// entry is the average over them of the class's phi(b x) (section 11).
SiteTables siteTables(const Activation& phi, const std::vector<GainNode>& gains, double g, double dt,
                      const TimeConstantClassSite& site) {
    SiteTables t;
    t.weight = site.weight;
    t.L = static_cast<int>(site.delta.size()) - 1;
    t.step = site.step;
    t.a = site.step.decay;
    t.b = site.step.drive_gain;
    t.s = site.step.kick;
    t.g = g;
    t.dt = dt;
    t.delta = site.delta;
    t.f = site.c_phi;
    const std::size_t width = static_cast<std::size_t>(t.L + 1);
    for (std::vector<double>* v : {&t.f1, &t.half_f2, &t.fts_ts, &t.ftt_ts, &t.ftt_tt, &t.ftt_ss})
        v->assign(width, 0.0);
    for (const GainNode& c : gains) {
        // x -> phi(b x) at Var x = Delta(0) is phi at Var y = b^2 Delta(0), its p-th derivative times b^p.
        const GaussianPairAverages averages(phi, c.b * c.b * t.delta[0]);
        const double b2 = c.b * c.b, b4 = b2 * b2;
        GainClassPower power{c.weight, averages.single(0, 0), 0.0, 0.0, std::vector<double>(width)};
        for (std::size_t k = 0; k < width; ++k) {
            const double rho = std::clamp(t.delta[k] / t.delta[0], -1.0, 1.0);
            const auto e = averages.pair(rho, 2);  // e[p][q] = E phi^(p)(y1) phi^(q)(y2)
            power.f[k] = e[0][0];
            t.f1[k] += c.weight * b2 * e[1][1];
            t.half_f2[k] += c.weight * 0.5 * b2 * e[2][0];
            t.fts_ts[k] += c.weight * b4 * e[2][2];
            t.ftt_ts[k] += c.weight * 0.5 * b4 * e[3][1];
            t.ftt_tt[k] += c.weight * 0.25 * b4 * e[4][0];
            t.ftt_ss[k] += c.weight * 0.25 * b4 * e[2][2];
        }
        power.q1 = b2 * (averages.single(1, 1) + averages.single(0, 2));
        power.q2 = 0.25 * b4 *
                   (2.0 * averages.single(0, 4) + 8.0 * averages.single(1, 3) + 6.0 * averages.single(2, 2));
        t.q1 += c.weight * power.q1;
        t.q2 += c.weight * power.q2;
        t.gain_classes.push_back(std::move(power));
    }
    return t;
}

// The N = infinity site at `lags` lags: one class of time constant is the homogeneous discrete site.
std::vector<TimeConstantClassSite> classSites(const Activation& phi, const std::vector<GainNode>& gains,
                                              const std::vector<TimeConstantClass>& taus, double g,
                                              int lags) {
    if (taus.size() != 1) return timeConstantClassSites(phi, gains, taus, g, lags);
    const DiscreteGaussianSite site = discreteGaussianSite(phi, gains, g, taus.front().step, lags);
    TimeConstantClassSite one;
    one.step = taus.front().step;
    one.delta = site.delta;
    one.c_phi = site.c_phi;
    return {one};
}

Population population(const Activation& phi, const std::vector<GainNode>& gains,
                      const std::vector<TimeConstantClass>& taus, double g, double dt, int lags) {
    Population p;
    p.L = lags - 1;
    p.g = g;
    p.dt = dt;
    const std::size_t width = static_cast<std::size_t>(lags);
    p.f.assign(width, 0.0);
    for (const TimeConstantClassSite& site : classSites(phi, gains, taus, g, lags)) {
        p.classes.push_back(siteTables(phi, gains, g, dt, site));
        const SiteTables& t = p.classes.back();
        for (std::size_t k = 0; k < width; ++k) p.f[k] += t.weight * t.f[k];
    }
    return p;
}

// The causal recursion delta C = p + F' delta C (section 5), one row per step: after step(), d(c)[j] is
// delta D_c(n, n - j) of class c and past(c)[j] is delta D_c(n - j, n - j), j = 0..L. delta D_c(t, s) = g^2
// b_c^2 sum_{k,l >= 1} a_c^(k+l-2) delta C(t - k, s - l) is carried by the class's row filter N_c(t, s) =
// sum_l a_c^(l-1) b_c delta C(t, s - l); delta C, the population's, is the classes' responses averaged.
//
// A direct Marcher leaves out F' (delta C = p): its delta D is the identity part of the response, what a
// site's own products do to its own field through J_ii alone, which the zero diagonal removes (section 9).
class Marcher {
public:
    explicit Marcher(const Population& p, bool direct = false)
        : p_(p), direct_(direct), c_(size()), rows_(p.classes.size(), Rows(size())) {
        for (std::size_t k = 0; k < rows_.size(); ++k) {
            filters_.push_back(rows_[k].n_row.data());
            leaks_.push_back(p.classes[k].a);
            kicks_.push_back(p.classes[k].b);
        }
    }
    Marcher(const Marcher&) = delete;  // filters_ points into rows_
    Marcher& operator=(const Marcher&) = delete;

    void step(const double* source) {
        const int L = p_.L;
        filterRows();
        for (std::size_t k = 0; k < rows_.size(); ++k) advance(p_.classes[k], rows_[k]);
        std::fill(c_.begin(), c_.end(), 0.0);
        if (!direct_) {
            for (std::size_t k = 0; k < rows_.size(); ++k) {
                const SiteTables& t = p_.classes[k];
                const std::vector<double>&d = rows_[k].d, &past = rows_[k].past;
                c_[0] += t.weight * (t.q1 * d[0]);
                for (int j = 1; j <= L; ++j)
                    c_[j] += t.weight * (t.f1[j] * d[j] + t.half_f2[j] * (d[0] + past[j]));
            }
        }
        if (source != nullptr)
            for (int j = 0; j <= L; ++j) c_[j] += source[j];
    }
    const std::vector<double>& d(std::size_t c) const { return rows_[c].d; }
    const std::vector<double>& past(std::size_t c) const { return rows_[c].past; }

private:
    struct Rows {
        explicit Rows(std::size_t n) : d(n), n_row(n), past(n) {}
        std::vector<double> d, n_row, past;
    };

    // Every class's row filter of the population's delta C of row n - 1: n_row[m + 1] = N(n - 1, n - 1 - m),
    // m = -1..L-1. Each is a first-order recursion along the lags, whose latency would bound a class marched
    // alone; the classes' recursions are independent, so one pass over the lags interleaves them.
    void filterRows() {
        const int L = p_.L;
        const std::size_t classes = rows_.size();
        double* const* n_rows = filters_.data();
        const double* a = leaks_.data();
        const double* b = kicks_.data();
        for (std::size_t k = 0; k < classes; ++k) n_rows[k][L] = b[k] * c_[L];
        for (int i = L - 1; i >= 0; --i) {
            const double c = c_[i];
            for (std::size_t k = 0; k < classes; ++k) n_rows[k][i] = a[k] * n_rows[k][i + 1] + b[k] * c;
        }
    }

    // Class t's delta D at row n from its row filter. The rows are marched a few hundred thousand times per
    // path, so the loop reads through unaliased pointers (it vectorizes) and past is a shift register rather
    // than a ring read back through a division per lag.
    void advance(const SiteTables& t, Rows& r) const {
        const int L = p_.L;
        const double a = t.a, g2b = t.g * t.g * t.b;
        const double* __restrict n_row = r.n_row.data();
        double* __restrict d = r.d.data();
        const double d0 = d[0];
        for (int j = L; j >= 2; --j) d[j] = a * d[j - 1] + g2b * n_row[j];
        d[1] = a * d0 + g2b * n_row[1];
        d[0] = a * d[1] + g2b * n_row[0];
        std::copy_backward(r.past.begin(), r.past.end() - 1, r.past.end());
        r.past[0] = d[0];
    }

    std::size_t size() const { return static_cast<std::size_t>(p_.L + 1); }
    const Population& p_;
    const bool direct_;
    std::vector<double> c_;
    std::vector<Rows> rows_;
    std::vector<double*> filters_;       // each class's n_row
    std::vector<double> leaks_, kicks_;  // each class's a and b
};

// The entries of each class's self-response kernel M_c (below) that the unit source at lag l of row 0
// reaches, added to m[c] (row-major, `width` columns). With the zero diagonal, without the direct response.
void addSourceResponse(const Population& p, int l, int width, bool zero_diagonal,
                       std::vector<std::vector<double>>& m) {
    const int L = p.L;
    std::vector<double> unit(static_cast<std::size_t>(L + 1), 0.0);
    unit[static_cast<std::size_t>(l)] = 1.0;
    Marcher marcher(p), direct(p, true);
    marcher.step(unit.data());  // the source's row: the pair {w, w - l} with w = row 0
    if (zero_diagonal) direct.step(unit.data());
    for (int n = 1; n <= L; ++n) {
        marcher.step(nullptr);
        if (zero_diagonal) direct.step(nullptr);
        for (std::size_t c = 0; c < m.size(); ++c) {
            const auto at = [&](int i, int j) -> double& {
                return m[c][static_cast<std::size_t>(i * width + j)];
            };
            const auto d = [&](int j) {
                const std::size_t u = static_cast<std::size_t>(j);
                return marcher.d(c)[u] - (zero_diagonal ? direct.d(c)[u] : 0.0);
            };
            if (l == 0) {
                at(n, n) += 2.0 * d(n);
                continue;
            }
            at(n, n + l) += d(n);                      // response at (w + n, w): l >= 1
            if (n + l <= L) at(n + l, n) += d(n + l);  // pair {w', w' + l}, w' = -l
        }
    }
}

// The site's response to its own contribution to C (section 4): W(t) = sum_{i,j} M(i, j) phi'(t - i) phi(t -
// j) with M(m, m + l) the response of delta D at (t, t - m) to a unit source at C(t - m, t - m - l) (l of
// either sign, the pair's later time before t) and 2 M(m, m) that to the diagonal source. Rows i = 1..L,
// columns j = 0..2L, one kernel per class of time constant (its own leak takes up the population's response).
// Each source writes its own entries, so the sources are shared out among threads.
std::vector<std::vector<double>> selfResponseKernels(const Population& p, int workers, bool zero_diagonal) {
    const int L = p.L, width = 2 * L + 1;
    std::vector<std::vector<double>> m(p.classes.size(),
                                       std::vector<double>(static_cast<std::size_t>((L + 1) * width), 0.0));
    std::vector<std::future<void>> jobs;
    for (int w = 0; w < workers; ++w)
        jobs.push_back(std::async(std::launch::async, [&p, &m, L, width, w, workers, zero_diagonal] {
            for (int l = w; l <= L; l += workers) addSourceResponse(p, l, width, zero_diagonal, m);
        }));
    for (std::future<void>& job : jobs) job.get();
    return m;
}

// 20 time units, or 20 of the class's time constant when that is longer (the leak a = e^(-dt / tau); the
// tolerance keeps tau = 1 at 20 time units exactly).
int burnSteps(const SiteTables& t) {
    const double tau = -t.dt / std::log(t.a);
    return static_cast<int>(std::ceil(20.0 * (tau > 1.0 + 1e-9 ? tau : 1.0) / t.dt));
}

// The products of one class's self field Y = delta D_c at the pairs (t, t), (s, s), (t, s), s = t - j: what
// the Sigma term of section 3 contracts with the class's second derivatives.
struct SelfFieldProducts {
    std::vector<double> yy, tty, ssy, ts;
};

// Per-path averages (section 5), each over the kept steps.
struct PathSums {
    std::vector<SelfFieldProducts> y;   // per class of time constant
    std::vector<double> t1a, t1b, t1c;  // the site's own phi derivatives with its class's self field
    std::vector<double> own;            // the mean of that self field, E Y(t, t - j) (section 12)
    std::vector<double> wa, wb, xw;     // correlations of W with phi, phi' and x
    double wx = 0.0;                    // E x(t) W(t)
    double gain = 1.0;                  // the path's own gain
};

class PathSampler {
public:
    // A path of class `own` of the population, with that class's kernel.
    PathSampler(const Activation& phi, const NeuronParameterSpec& gain, const Population& population,
                std::size_t own, const std::vector<double>& kernel, const OneLoopOptions& options,
                bool zero_diagonal)
        : phi_(phi),
          gain_(gain),
          p_(population),
          own_(own),
          t_(population.classes[own]),
          step_(t_.step),
          options_(options),
          zero_diagonal_(zero_diagonal),
          warm_(3 * t_.L),
          keep_(3 * t_.L + options.steps),
          burn_(burnSteps(t_)),
          field_(nextPowerOfTwo(static_cast<std::size_t>(keep_ + burn_ + t_.L + 1))),
          conv_(nextPowerOfTwo(static_cast<std::size_t>(2 * (2 * t_.L + 1)))) {
        fieldAmplitudes();
        kernelSpectra(kernel);
    }

    PathSums run(int path) {
        samplePath(path);
        PathSums sums = marchSelfField();
        selfResponse();
        correlateSelfResponse(sums);
        sums.gain = gain_of_path_;
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
            if (k <= static_cast<std::size_t>(t_.L)) c += t_.g * t_.g * p_.f[k];
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
        gain_of_path_ = b;
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
        s.y.resize(p_.classes.size());
        for (SelfFieldProducts& y : s.y)
            for (std::vector<double>* v : {&y.yy, &y.tty, &y.ssy, &y.ts}) v->assign(width, 0.0);
        for (std::vector<double>* v : {&s.t1a, &s.t1b, &s.t1c, &s.own}) v->assign(width, 0.0);
        Marcher marcher(p_), direct(p_, true);
        std::vector<double> source(width), self(width), self_past(width);
        for (int n = 0; n < keep_; ++n) {
            const std::size_t un = static_cast<std::size_t>(n);
            const int reach = std::min(n, L);
            std::fill(source.begin(), source.end(), 0.0);
            for (int j = 0; j <= reach; ++j)
                source[static_cast<std::size_t>(j)] =
                    value(un, 0) * value(un - static_cast<std::size_t>(j), 0) -
                    p_.f[static_cast<std::size_t>(j)];
            marcher.step(source.data());
            if (zero_diagonal_) direct.step(source.data());
            if (n < warm_) continue;
            for (std::size_t c = 0; c < s.y.size(); ++c) {
                const std::vector<double>&d = marcher.d(c), &past = marcher.past(c);
                SelfFieldProducts& y = s.y[c];
                const double y0 = d[0];
                for (std::size_t j = 0; j < width; ++j) {
                    y.yy[j] += d[j] * d[j];
                    y.tty[j] += y0 * d[j];
                    y.ssy[j] += past[j] * d[j];
                    y.ts[j] += y0 * past[j];
                }
            }
            const std::vector<double>&d = marcher.d(own_), &past = marcher.past(own_);
            for (std::size_t j = 0; j < width; ++j) {
                self[j] = d[j] - (zero_diagonal_ ? direct.d(own_)[j] : 0.0);
                self_past[j] = past[j] - (zero_diagonal_ ? direct.past(own_)[j] : 0.0);
            }
            const double curvature = value(un, 2) * self[0];
            for (int j = 0; j <= L; ++j) {
                const std::size_t uj = static_cast<std::size_t>(j), back = un - uj;
                s.own[uj] += self[uj];
                s.t1a[uj] += curvature * value(back, 0);
                s.t1b[uj] += value(un, 0) * value(back, 2) * self_past[uj];
                s.t1c[uj] += value(un, 1) * value(back, 1) * self[uj];
            }
        }
        const double steps = options_.steps;
        const auto average = [steps](std::vector<double>& v) {
            std::transform(v.begin(), v.end(), v.begin(), [steps](double e) { return e / steps; });
        };
        for (SelfFieldProducts& y : s.y)
            for (std::vector<double>* v : {&y.yy, &y.tty, &y.ssy, &y.ts}) average(*v);
        for (std::vector<double>* v : {&s.t1a, &s.t1b, &s.t1c, &s.own}) average(*v);
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
    const Population& p_;
    const std::size_t own_;  // the path's class of time constant
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
    double gain_of_path_ = 1.0;
};

// The right-hand side of (1 - F') t = 1/2 F''[Sigma] + S_F for one path (sections 3 and 4): Sigma's quadratic
// form in each class's self field at the pairs (t, t), (s, s), (t, s), averaged over the classes, and the
// self term S_F of phi(t) phi(s).
std::vector<double> meanShiftSource(const PathSums& p, const Population& population) {
    const std::size_t width = static_cast<std::size_t>(population.L + 1);
    std::vector<double> out(width);
    for (std::size_t j = 0; j < width; ++j)
        out[j] = 0.5 * p.t1a[j] + 0.5 * p.t1b[j] + p.t1c[j] + p.wa[j] + p.wb[j];
    for (std::size_t c = 0; c < population.classes.size(); ++c) {
        const SiteTables& t = population.classes[c];
        const SelfFieldProducts& y = p.y[c];
        const double y0 = y.yy[0];
        for (std::size_t j = 0; j < width; ++j) {
            const double sigma =
                j == 0 ? 0.5 * t.q2 * y0
                       : 0.5 * (2.0 * t.ftt_tt[j] * y0 + 2.0 * t.ftt_ss[j] * y.ts[j] +
                                2.0 * t.ftt_ts[j] * (y.tty[j] + y.ssy[j]) + t.fts_ts[j] * y.yy[j]);
            out[j] += t.weight * sigma;
        }
    }
    return out;
}

// The mean over the paths and its standard error, stratified by class of time constant: the classes' means
// weighted by their shares (one class: the plain mean and its se).
OneLoopValue stratifiedMean(const std::vector<double>& v, const std::vector<std::size_t>& stratum,
                            const Population& p) {
    OneLoopValue out;
    for (std::size_t c = 0; c < p.classes.size(); ++c) {
        double sum = 0.0, n = 0.0;
        for (std::size_t r = 0; r < v.size(); ++r)
            if (stratum[r] == c) {
                sum += v[r];
                n += 1.0;
            }
        const double mean = sum / n;
        double square = 0.0;
        for (std::size_t r = 0; r < v.size(); ++r)
            if (stratum[r] == c) square += (v[r] - mean) * (v[r] - mean);
        const double w = p.classes[c].weight;
        out.value += w * mean;
        out.se += w * w * square / (n - 1.0) / n;
    }
    out.se = std::sqrt(out.se);
    return out;
}

int workerCount(int tasks) {
    return std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, std::min(8, tasks));
}

// The paths' classes of time constant: each class its share of `paths`, at least two (its spread is the
// standard error's); one class takes them all.
std::vector<std::size_t> pathClasses(const Population& p, int paths) {
    std::vector<std::size_t> stratum;
    for (std::size_t c = 0; c < p.classes.size(); ++c) {
        const long share = p.classes.size() == 1 ? paths : std::lround(paths * p.classes[c].weight);
        stratum.insert(stratum.end(), static_cast<std::size_t>(std::max(2L, share)), c);
    }
    return stratum;
}

std::vector<PathSums> samplePaths(const Activation& phi, const NeuronParameterSpec& gain, const Population& p,
                                  const std::vector<std::vector<double>>& kernels,
                                  const std::vector<std::size_t>& stratum, const OneLoopOptions& options,
                                  bool zero_diagonal) {
    const int paths = static_cast<int>(stratum.size());
    std::vector<PathSums> sums(stratum.size());
    const int workers = workerCount(paths);
    std::vector<std::future<void>> jobs;
    for (int w = 0; w < workers; ++w)
        jobs.push_back(std::async(std::launch::async, [&, w] {
            // Rebuilt when the class changes (the paths are in class order).
            std::optional<PathSampler> sampler;
            std::size_t built = 0;
            for (int r = w; r < paths; r += workers) {
                const std::size_t c = stratum[static_cast<std::size_t>(r)];
                if (!sampler || built != c) {
                    sampler.emplace(phi, gain, p, c, kernels[c], options, zero_diagonal);
                    built = c;
                }
                sums[static_cast<std::size_t>(r)] = sampler->run(r);
            }
        }));
    for (std::future<void>& job : jobs) job.get();
    return sums;
}

// The change of Var x and of x's autocovariance that the population's mean shift `shift` (one path's
// estimate) makes, over the sites: each class's leak filter of what its sites see, averaged over the classes.
// The shift is the population's, whatever the path's own class (that enters the self terms only). With the
// zero diagonal every site sees it less the population's mean product C* (section 9; its own class's offset
// from C* leaves through the self terms). at_zero: each class's own change of Var x, before the average.
std::vector<double> seenShift(const std::vector<double>& shift, const Population& p, bool zero_diagonal,
                              std::vector<double>& at_zero) {
    std::vector<double> out(shift.size(), 0.0), seen(shift.size());
    for (std::size_t j = 0; j < shift.size(); ++j) seen[j] = shift[j] - (zero_diagonal ? p.f[j] : 0.0);
    at_zero.clear();
    for (const SiteTables& t : p.classes) {
        const std::vector<double> x = filtered(seen, t);
        at_zero.push_back(x[0]);
        for (std::size_t j = 0; j < shift.size(); ++j) out[j] += t.weight * x[j];
    }
    return out;
}

// A class of neuron, (time constant, gain): its share, its class of time constant, its phi power A = E phi(b
// x)^2 with its slopes in Delta(0), and its mean product F_c.
struct Member {
    std::size_t tau = 0;
    double weight = 1.0;
    const GainClassPower* power = nullptr;
};

std::vector<Member> members(const Population& p) {
    std::vector<Member> out;
    for (std::size_t t = 0; t < p.classes.size(); ++t)
        for (const GainClassPower& c : p.classes[t].gain_classes)
            out.push_back({t, p.classes[t].weight * c.weight, &c});
    return out;
}

// Each class's offset F_c - F from the population's mean product: what the sampling of the neurons'
// parameters among the N sites adds to the population covariance, per site of class c.
std::vector<std::vector<double>> classOffsets(const std::vector<Member>& classes, const Population& p) {
    std::vector<std::vector<double>> out;
    for (const Member& c : classes) {
        out.emplace_back(p.f.size());
        for (std::size_t k = 0; k < p.f.size(); ++k) out.back()[k] = c.power->f[k] - p.f[k];
    }
    return out;
}

// The part of the spread's 1/N term that nothing sampled enters (heterogeneity.md, section 10): with A_c the
// class's O(1) auto-covariance and H(c, c') the shift of a class-c site's C_ii per site of class c' among the
// others, -Var_c A + E_c Var_c' H(c, .) - 2 Cov_c(A, hbar) - Var_c hbar, hbar(c') = E_c H(c, c') (the shift
// of the realization's mean auto-covariance).
double fixedSpreadPart(const std::vector<Member>& classes, const std::vector<double>& a,
                       const std::vector<std::vector<double>>& h) {
    const auto mean = [&](auto value) {
        double sum = 0.0;
        for (std::size_t c = 0; c < classes.size(); ++c) sum += classes[c].weight * value(c);
        return sum;
    };
    const double mean_a = mean([&](std::size_t c) { return a[c]; });
    std::vector<double> hbar(classes.size(), 0.0);
    for (std::size_t c = 0; c < classes.size(); ++c)
        for (std::size_t d = 0; d < classes.size(); ++d) hbar[d] += classes[c].weight * h[c][d];
    const double mean_hbar = mean([&](std::size_t d) { return hbar[d]; });
    const double var_a = mean([&](std::size_t c) { return (a[c] - mean_a) * (a[c] - mean_a); });
    const double cov_a_hbar = mean([&](std::size_t c) { return (a[c] - mean_a) * (hbar[c] - mean_hbar); });
    const double var_hbar =
        mean([&](std::size_t c) { return (hbar[c] - mean_hbar) * (hbar[c] - mean_hbar); });
    const double mean_var_h = mean([&](std::size_t c) {
        const double row = mean([&](std::size_t d) { return h[c][d]; });
        return mean([&](std::size_t d) { return (h[c][d] - row) * (h[c][d] - row); });
    });
    return -var_a + mean_var_h - 2.0 * cov_a_hbar - var_hbar;
}

// The self term S_F(0) of one path: its site's response of E phi^2 to its own products, at its own gain.
double ownSelfTerm(const PathSums& s) {
    return 0.5 * s.t1a[0] + 0.5 * s.t1b[0] + s.t1c[0] + s.wa[0] + s.wb[0];
}

// The spread of the ET auto-covariances over the neurons' classes (gains, time constants or both;
// heterogeneity.md, sections 9 and 10): lim N (E auto_var - Var_c A) less the classes' mean within-class
// spread E_c kappa_c is
//     2 Cov_c(A, a_1) + fixedSpreadPart,
// a_1(c) the class's one-loop shift: for phi 1/2 q2_c Sigma_tau(0) + q1_c dDelta_tau(0) + S_c, for x
// dDelta_tau(0) + S_c, with Sigma_tau(0) and dDelta_tau(0) the population's fluctuation and mean shift seen
// through the class's leak and S_c the self term of a site of class c. H(c, c') = B_c [G_tau R (F_c' -
// F)](0), B_c = q1_c for phi and 1 for x. Per path, the summand of 2 Cov_c(A, a_1) takes the path's
// estimates of Sigma and dDelta and its own self term at its own class and gain.
struct SpreadSummands {
    std::vector<double> x, phi;
};

class ClassSpread {
public:
    ClassSpread(const Activation& phi, const Population& p, const std::vector<Member>& classes,
                const std::vector<std::vector<double>>& responses)
        : phi_(phi), p_(p), classes_(classes) {
        // e(tau, c') = [G_tau R (F_c' - F)](0): the shift of a class-tau site's Delta(0) per site of class
        // c'.
        std::vector<std::vector<double>> e(p.classes.size());
        for (std::size_t t = 0; t < p.classes.size(); ++t)
            for (const std::vector<double>& r : responses) e[t].push_back(filtered(r, p.classes[t])[0]);
        std::vector<std::vector<double>> hx, hphi;
        for (const Member& c : classes) {
            ax_.push_back(p.classes[c.tau].delta[0]);
            aphi_.push_back(c.power->a);
            hx.push_back(e[c.tau]);
            hphi.emplace_back(e[c.tau].size());
            const double slope = c.power->q1;
            std::transform(e[c.tau].begin(), e[c.tau].end(), hphi.back().begin(),
                           [slope](double v) { return slope * v; });
        }
        for (std::size_t c = 0; c < classes.size(); ++c) {
            mean_ax_ += classes[c].weight * ax_[c];
            mean_aphi_ += classes[c].weight * aphi_[c];
        }
        fixed_x_ = fixedSpreadPart(classes, ax_, hx);
        fixed_phi_ = fixedSpreadPart(classes, aphi_, hphi);
    }

    // seen: the population's mean shift of this path seen through every class's leak, at lag 0.
    void add(const PathSums& s, std::size_t own, const std::vector<double>& seen, SpreadSummands& out) const {
        double x = fixed_x_, phi = fixed_phi_;
        for (std::size_t c = 0; c < classes_.size(); ++c) {
            const Member& m = classes_[c];
            x += 2.0 * m.weight * (ax_[c] - mean_ax_) * seen[m.tau];
            phi += m.weight * (aphi_[c] - mean_aphi_) *
                   (m.power->q2 * s.y[m.tau].yy[0] + 2.0 * m.power->q1 * seen[m.tau]);
        }
        const double delta0 = p_.classes[own].delta[0];
        const double own_mean = p_.classes.size() > 1 ? s.own[0] : 0.0;  // as x_et takes it
        x += 2.0 * (delta0 - mean_ax_) * (own_mean + 2.0 * s.wx);
        const GaussianPairAverages power(phi_, s.gain * s.gain * delta0);
        phi += 2.0 * (power.single(0, 0) - mean_aphi_) * ownSelfTerm(s);
        out.x.push_back(x);
        out.phi.push_back(phi);
    }

private:
    const Activation& phi_;
    const Population& p_;
    const std::vector<Member>& classes_;
    std::vector<double> ax_, aphi_;
    double mean_ax_ = 0.0, mean_aphi_ = 0.0, fixed_x_ = 0.0, fixed_phi_ = 0.0;
};

}  // namespace

OneLoopSiteMeans oneLoopSiteMeans(const Activation& phi, double g, const StepCoefficients& step, double dt,
                                  DiagonalConvention diagonal, const OneLoopOptions& options,
                                  const NeuronParameterSpec& gain) {
    return oneLoopSiteMeans(phi, g, std::vector<TimeConstantClass>{{1.0, step}}, dt, diagonal, options, gain);
}

OneLoopSiteMeans oneLoopSiteMeans(const Activation& phi, double g, const std::vector<TimeConstantClass>& taus,
                                  double dt, DiagonalConvention diagonal, const OneLoopOptions& options,
                                  const NeuronParameterSpec& gain) {
    if (!activationKinks(phi).empty())
        throw std::domain_error(
            "the one-loop site means need a smooth phi (its derivatives up to the fourth)");
    if (options.paths < 2 || options.steps < 1 || !(options.window > 0.0) || !(dt > 0.0) || taus.empty())
        throw std::domain_error(
            "the one-loop site means need >= 2 paths, >= 1 step, a positive window and dt, and a class of "
            "time constant");
    const bool zero_diagonal = diagonal == DiagonalConvention::Zero;
    const int lags = static_cast<int>(std::ceil(options.window / dt)) + 1;
    // 16 gain classes: the tables' quadrature over b converges long before the Monte-Carlo error. Without a
    // spread, one.
    const std::vector<GainNode> gains =
        gain.cv > 0.0 ? gainQuadrature(gain, 16) : std::vector<GainNode>{{gain.mean, 1.0}};
    const Population p = population(phi, gains, taus, g, dt, lags);
    const std::vector<std::size_t> stratum = pathClasses(p, options.paths);
    const std::vector<PathSums> sums =
        samplePaths(phi, gain, p, selfResponseKernels(p, workerCount(lags), zero_diagonal), stratum, options,
                    zero_diagonal);
    // With the zero diagonal a site's field leaves out its own product P. The self field is driven by P - C*,
    // so its direct part (subtracted) already takes out a site's offset C*_cb - C* from the population's mean
    // product; what is left is C*, the same for every site: each sees the population covariance less C* / N,
    // and the population's mean product moves by -F'C* / N (sections 9, 11 and 12).
    const std::vector<double> own_pickup =
        zero_diagonal ? fPrime(p.f, p) : std::vector<double>(static_cast<std::size_t>(lags), 0.0);

    // With a spread of the neurons' parameters every class's offset F_c - F is solved with the paths'
    // sources: R (F_c - F), the population's response to the sampling of the classes (the auto_var spread).
    const bool spread = gain.cv > 0.0 || p.classes.size() > 1;
    const std::vector<Member> neuron_classes = members(p);
    const std::vector<std::vector<double>> offsets =
        spread ? classOffsets(neuron_classes, p) : std::vector<std::vector<double>>{};
    const int n = lags, paths = static_cast<int>(stratum.size());
    const int columns = paths + static_cast<int>(offsets.size());
    std::vector<double> system(static_cast<std::size_t>(n * n)), rhs(static_cast<std::size_t>(n * columns));
    std::vector<double> unit(static_cast<std::size_t>(n), 0.0);
    for (int k = 0; k < n; ++k) {
        unit[static_cast<std::size_t>(k)] = 1.0;
        const std::vector<double> column = fPrime(unit, p);
        unit[static_cast<std::size_t>(k)] = 0.0;
        for (int j = 0; j < n; ++j)
            system[static_cast<std::size_t>(j * n + k)] =
                (j == k ? 1.0 : 0.0) - column[static_cast<std::size_t>(j)];
    }
    for (int r = 0; r < paths; ++r) {
        const std::vector<double> source = meanShiftSource(sums[static_cast<std::size_t>(r)], p);
        for (int j = 0; j < n; ++j)
            rhs[static_cast<std::size_t>(j * columns + r)] =
                source[static_cast<std::size_t>(j)] - own_pickup[static_cast<std::size_t>(j)];
    }
    for (std::size_t c = 0; c < offsets.size(); ++c)
        for (int j = 0; j < n; ++j)
            rhs[static_cast<std::size_t>(j * columns + paths) + c] = offsets[c][static_cast<std::size_t>(j)];
    std::vector<lapack_int> pivots(static_cast<std::size_t>(n));
    if (LAPACKE_dgesv(LAPACK_ROW_MAJOR, n, columns, system.data(), n, pivots.data(), rhs.data(), columns) !=
        0)
        throw std::domain_error(
            "the one-loop site means: 1 - F' is singular (the site is at the edge of stability)");

    const auto solution = [&](int column) {
        std::vector<double> v(static_cast<std::size_t>(n));
        for (int j = 0; j < n; ++j)
            v[static_cast<std::size_t>(j)] = rhs[static_cast<std::size_t>(j * columns + column)];
        return v;
    };
    std::optional<ClassSpread> class_spread;
    if (spread) {
        std::vector<std::vector<double>> responses;
        for (std::size_t c = 0; c < offsets.size(); ++c)
            responses.push_back(solution(paths + static_cast<int>(c)));
        class_spread.emplace(phi, p, neuron_classes, responses);
    }
    SpreadSummands spread_summands;
    std::vector<double> x_et, phi_et, x_zf, phi_zf, x_tail, phi_tail;
    for (int r = 0; r < paths; ++r) {
        const PathSums& s = sums[static_cast<std::size_t>(r)];
        const std::vector<double> shift = solution(r);
        std::vector<double> seen_by_class;
        std::vector<double> x_shift = seenShift(shift, p, zero_diagonal, seen_by_class);
        if (class_spread)
            class_spread->add(s, stratum[static_cast<std::size_t>(r)], seen_by_class, spread_summands);
        // x(t) x(s)'s own curvature term, E Y(t, s): zero on average with one leak, where every path's self
        // field is the same filter of products whose offsets F_b - F average out; with classes of time
        // constant the filter is the path's class's, and it is not (section 12).
        if (p.classes.size() > 1)
            for (int j = 0; j < n; ++j)
                x_shift[static_cast<std::size_t>(j)] += s.own[static_cast<std::size_t>(j)];
        double phi_sum = shift[0], x_sum = x_shift[0] + s.xw[0], phi_late = 0.0, x_late = 0.0;
        for (int j = 1; j < n; ++j) {
            const double phi_term = 2.0 * shift[static_cast<std::size_t>(j)];
            const double x_term =
                2.0 * (x_shift[static_cast<std::size_t>(j)] + s.xw[static_cast<std::size_t>(j)]);
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
        x_et.push_back(x_shift[0] + 2.0 * s.wx);
        phi_zf.push_back(dt * phi_sum);
        x_zf.push_back(dt * x_sum);
    }
    OneLoopSiteMeans out;
    out.x_et_a = stratifiedMean(x_et, stratum, p);
    out.phi_et_a = stratifiedMean(phi_et, stratum, p);
    out.x_zf_a = stratifiedMean(x_zf, stratum, p);
    out.phi_zf_a = stratifiedMean(phi_zf, stratum, p);
    out.x_zf_tail = stratifiedMean(x_tail, stratum, p);
    out.phi_zf_tail = stratifiedMean(phi_tail, stratum, p);
    out.lags = n;
    out.paths = paths;
    if (class_spread) {
        out.phi_et_auto_var = stratifiedMean(spread_summands.phi, stratum, p);
        out.has_phi_et_auto_var = true;
        if (p.classes.size() > 1) {  // with gains alone x's spread is O(1/N): E_b kappa_b is all of it
            out.x_et_auto_var = stratifiedMean(spread_summands.x, stratum, p);
            out.has_x_et_auto_var = true;
        }
    }
    return out;
}

}  // namespace quench::theory::detail
