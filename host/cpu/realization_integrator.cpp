#include "cpu/realization_integrator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "cpu/apply_activation.hpp"
#include "cpu/autocorrelation_accumulator.hpp"
#include "cpu/covariance_accumulator.hpp"
#include "cpu/mode_autocorrelation_accumulator.hpp"
#include "cpu/noise_block.hpp"
#include "cpu/spectral_accumulator.hpp"
#include "cpu/thin_gemm.hpp"
#include "divergence_hint.hpp"
#include "quench/coupling.hpp"
#include "quench/disorder_epochs.hpp"
#include "quench/error.hpp"
#include "quench/lag_plan.hpp"
#include "quench/neuron_parameters.hpp"
#include "quench/reduced_precision.hpp"
#include "quench/rng.hpp"
#include "step_coefficients.hpp"

namespace quench::cpu {

namespace {

template <class Real>
class Integrator {
public:
    Integrator(const EnsembleSpec& spec, std::int64_t realization, const IntegratorHooks& hooks)
        : spec_(spec),
          r_(realization),
          hooks_(hooks),
          n_(spec.network.n),
          k_(spec.ensemble.trials),
          plan_(planSteps(spec.integration)),
          split_(k_),
          coef_(stepCoefficients(spec)),
          act_(spec.network.activation),
          storage_(spec.coupling.storage),
          epochs_(epochPlan(spec)),
          noise_(n_, k_),
          acc_{CovarianceAccumulator(n_, centersOnZero(spec)),
               CovarianceAccumulator(n_, centersOnZero(spec))},
          lag_plan_(planLags(spec)),
          spectral_plan_(planSpectral(spec)),
          mode_plan_(planModeLags(spec)) {
        const std::size_t kn = static_cast<std::size_t>(k_) * n_;
        loadCoupling(0);
        if (storage_ != CouplingStorage::Full) phi_stored_.resize(kn);
        x_.resize(kn);
        phi_.resize(kn);
        h_.resize(kn);
        xi_.resize(kn);
        eta_.assign(kn, Real(0));
        for (auto& b : bin_) b.assign(kn, 0.0);
        for (auto& b : prev_bin_) b.assign(kn, 0.0);
        rows_.resize(kn);
        prev_rows_.resize(kn);
        if (lag_plan_.lags > 0)
            for (int v = 0; v < 2; ++v)
                autocorrelation_.emplace_back(n_, k_, lag_plan_.lags, centersOnZero(spec));
        if (mode_plan_.lags > 0)
            for (int v = 0; v < 2; ++v) modes_.emplace_back(n_, k_, mode_plan_.lags, centersOnZero(spec));
        if (!spectral_plan_.omegas.empty())
            for (int v = 0; v < 2; ++v) spectral_.emplace_back(n_, k_, spectral_plan_, centersOnZero(spec));
        drawNeurons();
        initialState();
    }

    RealizationResult run() {
        const std::int64_t total = plan_.burn_steps + plan_.measure_steps;
        const std::int64_t report_every = 256;
        std::int64_t unreported = 0;
        for (std::int64_t s = 0; s < total; ++s) {
            step(s);
            if (++unreported == report_every) {
                if (hooks_.on_steps) hooks_.on_steps(unreported);
                unreported = 0;
                if (hooks_.cancelled != nullptr && hooks_.cancelled->load()) return {};
                if (hooks_.stop != nullptr && hooks_.stop->load()) return {};
            }
        }
        if (hooks_.on_steps && unreported > 0) hooks_.on_steps(unreported);
        return results();
    }

private:
    // Per-neuron gains and step coefficients, repeated over the trials (element i * k + t), so that the
    // elementwise loops stay plain; empty when every neuron has gain 1 / time constant 1.
    void drawNeurons() {
        const NetworkSpec& net = spec_.network;
        const std::uint64_t seed = spec_.ensemble.seed;
        if (perNeuron(net.gain)) {
            const std::vector<double> b = drawNeuronParameters(net.gain, seed, RngStream::NeuronGain, r_, n_);
            gain_ = perElement(b);
            gained_x_.resize(gain_.size());
        }
        if (perNeuron(net.tau)) {
            const std::vector<double> tau =
                drawNeuronParameters(net.tau, seed, RngStream::NeuronTimeConstant, r_, n_);
            std::vector<double> decay(tau.size()), drive(tau.size()), kick(tau.size());
            for (std::size_t i = 0; i < tau.size(); ++i) {
                const StepCoefficients c = stepCoefficients(spec_, tau[i]);
                decay[i] = c.decay;
                drive[i] = c.drive_gain;
                kick[i] = c.kick;
            }
            decay_ = perElement(decay);
            drive_ = perElement(drive);
            kick_ = perElement(kick);
        }
    }

    std::vector<Real> perElement(const std::vector<double>& per_neuron) const {
        std::vector<Real> out(per_neuron.size() * static_cast<std::size_t>(k_));
        for (std::size_t e = 0; e < out.size(); ++e)
            out[e] = Real(per_neuron[e / static_cast<std::size_t>(k_)]);
        return out;
    }

    // phi_i = phi(b_i x_i).
    void activate() {
        if (gain_.empty()) {
            applyActivation(act_, x_.data(), phi_.data(), x_.size());
            return;
        }
        for (std::size_t e = 0; e < x_.size(); ++e) gained_x_[e] = gain_[e] * x_[e];
        applyActivation(act_, gained_x_.data(), phi_.data(), x_.size());
    }

    void initialState() {
        const std::uint64_t seed = spec_.ensemble.noiseSeed();
        noise_.fill(seed, RngStream::InitialState, r_, 0, x_.data());
        const Real init_std = Real(spec_.integration.init_std);
        for (Real& v : x_) v *= init_std;
        if (coef_.colored) {
            noise_.fill(seed, RngStream::InitialNoise, r_, 0, eta_.data());
            const Real eta_std = Real(spec_.noise.sigma / std::sqrt(2.0 * spec_.noise.tau));
            for (Real& v : eta_) v *= eta_std;
        }
    }

    // J of one epoch (annealed disorder; epoch 0 is the quenched J), stored transposed (column-major J):
    // the coupling product streams through its columns.
    void loadCoupling(std::int64_t epoch) {
        const std::vector<double> j = couplingMatrix(spec_, r_, epoch);
        j_.resize(j.size());
        for (int row = 0; row < n_; ++row)
            for (int col = 0; col < n_; ++col)
                j_[static_cast<std::size_t>(col) * n_ + row] =
                    stored(static_cast<Real>(j[static_cast<std::size_t>(row) * n_ + col]));
        epoch_ = epoch;
    }

    void step(std::int64_t s) {
        const std::int64_t epoch = epochOfStep(epochs_, s, plan_.burn_steps);
        if (epoch != epoch_) loadCoupling(epoch);
        activate();
        if (s >= plan_.burn_steps) measure(s - plan_.burn_steps);
        couplingProduct(n_, k_, j_.data(), productOperand(), h_.data());
        noise_.fill(spec_.ensemble.noiseSeed(), RngStream::Noise, r_, static_cast<std::uint64_t>(s),
                    xi_.data());
        if (!update()) reportDivergence(s + 1);
    }

    // A value as coupling.storage holds it (16-bit storage is FP32-only, see validate()).
    Real stored(Real v) const {
        if constexpr (std::is_same_v<Real, float>) return roundToStorage(v, storage_);
        return v;
    }

    // Phi as the product sees it: rounded to the couplings' 16-bit format, as the GPU's GEMM operands
    // are; the statistics keep the unrounded phi.
    const Real* productOperand() {
        if (storage_ == CouplingStorage::Full) return phi_.data();
        std::transform(phi_.begin(), phi_.end(), phi_stored_.begin(), [this](Real v) { return stored(v); });
        return phi_stored_.data();
    }

    // Returns false when some |x| left [0, blow_up] or became NaN (checked in the same pass).
    bool update() {
        const std::size_t kn = x_.size();
        const Real input = Real(spec_.noise.input);
        const Real limit = Real(spec_.integration.blow_up);
        // Rounded once to the working precision, so the loops stay in Real arithmetic.
        const Real decay = Real(coef_.decay), drive_gain = Real(coef_.drive_gain), kick = Real(coef_.kick);
        const Real ou_decay = Real(coef_.ou_decay), ou_kick = Real(coef_.ou_kick);
        Real* __restrict x = x_.data();
        const Real* __restrict h = h_.data();
        const Real* __restrict xi = xi_.data();
        Real* __restrict eta = eta_.data();
        int bad = 0;
        if (!decay_.empty()) {
            const Real* __restrict dec = decay_.data();
            const Real* __restrict drv = drive_.data();
            const Real* __restrict kck = kick_.data();
            for (std::size_t e = 0; e < kn; ++e) {
                const Real noise = coef_.colored ? eta[e] : Real(0);
                x[e] = dec[e] * x[e] + drv[e] * (h[e] + input + noise) + kck[e] * xi[e];
                if (coef_.colored) eta[e] = ou_decay * eta[e] + ou_kick * xi[e];
                bad |= !(std::fabs(x[e]) <= limit);
            }
        } else if (coef_.colored) {
            for (std::size_t e = 0; e < kn; ++e) {
                x[e] = decay * x[e] + drive_gain * (h[e] + input + eta[e]);
                eta[e] = ou_decay * eta[e] + ou_kick * xi[e];
                bad |= !(std::fabs(x[e]) <= limit);
            }
        } else {
            for (std::size_t e = 0; e < kn; ++e) {
                x[e] = decay * x[e] + drive_gain * (h[e] + input) + kick * xi[e];
                bad |= !(std::fabs(x[e]) <= limit);
            }
        }
        return bad == 0;
    }

    [[noreturn]] void reportDivergence(std::int64_t s) const {
        // update() saw an offending element, so the search always stops inside the array.
        std::size_t e = 0;
        while (e + 1 < x_.size() && std::fabs(x_[e]) <= Real(spec_.integration.blow_up)) ++e;
        const double v = static_cast<double>(x_[e]);
        const int neuron = static_cast<int>(e / static_cast<std::size_t>(k_));
        const int trial = static_cast<int>(e % static_cast<std::size_t>(k_));
        std::string why = std::isfinite(v) ? fmt::format("|x| = {:.3g} exceeds integration.blow_up = {:.3g}",
                                                         std::fabs(v), spec_.integration.blow_up)
                                           : fmt::format("x is {}", v);
        why += fmt::format(" (neuron {}, trial {})", neuron, trial) + divergenceHint(spec_);
        throw DivergenceError(r_, s, static_cast<double>(s) * spec_.integration.dt, why);
    }

    // Equal-time samples and zero-frequency bins at measured step m (state before the update).
    void measure(std::int64_t m) {
        const double dt = spec_.integration.dt;
        const std::size_t kn = x_.size();
        for (std::size_t e = 0; e < kn; ++e) {
            bin_[0][e] += dt * static_cast<double>(x_[e]);
            bin_[1][e] += dt * static_cast<double>(phi_[e]);
        }
        if (m % plan_.sample_stride == 0) {
            const int segment = split_.segment(m, plan_.measure_steps);
            addSample(x_.data(), acc_[0], segment);
            addSample(phi_.data(), acc_[1], segment);
        }
        if (!autocorrelation_.empty() && m % lag_plan_.lag_stride == 0) {
            autocorrelation_[0].add(x_.data());
            autocorrelation_[1].add(phi_.data());
        }
        if (!modes_.empty() && m % mode_plan_.lag_stride == 0) {
            modes_[0].add(x_.data());
            modes_[1].add(phi_.data());
        }
        if (!spectral_.empty()) {
            spectral_[0].add(x_.data(), m);
            spectral_[1].add(phi_.data(), m);
        }
        if ((m + 1) % plan_.bin_steps == 0) {
            const std::int64_t bin = m / plan_.bin_steps;
            if (bin < plan_.bins_per_trial) closeBins(bin);
        }
    }

    void addSample(const Real* state, CovarianceAccumulator& acc, int segment) {
        for (int g = 0; g < kSplitGroups; ++g) {
            const int m = gatherRows(g, segment, [&](int t, double* dst) {
                for (int i = 0; i < n_; ++i)
                    dst[i] = static_cast<double>(state[static_cast<std::size_t>(i) * k_ + t]);
            });
            acc.addEqualTime(rows_.data(), m, g);
        }
    }

    void closeBins(std::int64_t bin) {
        const int segment = split_.segment(bin, plan_.bins_per_trial);
        for (int v = 0; v < 2; ++v) {
            for (int g = 0; g < kSplitGroups; ++g) {
                const int m = gatherRows(g, segment, [&](int t, double* dst) {
                    double* prev = prev_rows_.data() + (dst - rows_.data());
                    for (int i = 0; i < n_; ++i) {
                        const std::size_t e = static_cast<std::size_t>(i) * k_ + t;
                        dst[i] = bin_[v][e];
                        prev[i] = prev_bin_[v][e];
                    }
                });
                acc_[v].addBins(rows_.data(), bin > 0 ? prev_rows_.data() : nullptr, m, g);
            }
            std::swap(bin_[v], prev_bin_[v]);
            std::fill(bin_[v].begin(), bin_[v].end(), 0.0);
        }
    }

    // Copies the rows of the trials in group g (at this time segment) into rows_; returns how many.
    template <class Copy>
    int gatherRows(int g, int segment, Copy copy) {
        int m = 0;
        for (int t = 0; t < k_; ++t) {
            if (split_.group(t, segment) != g) continue;
            copy(t, rows_.data() + static_cast<std::size_t>(m) * n_);
            ++m;
        }
        return m;
    }

    RealizationResult results() const {
        RealizationResult out;
        out.realization = r_;
        out.coupling_effective_rank = couplingEffectiveRank(spec_.coupling, n_);
        out.samples = acc_[0].samples();
        out.bins = acc_[0].bins();
        std::vector<std::vector<Series>> mode_series;  // [variable], after the autocorrelations
        for (int v = 0; v < kVariableCount; ++v) {
            const SplitCovariance et = acc_[v].equalTime();
            const SplitCovariance zf =
                acc_[v].zeroFrequency(static_cast<double>(plan_.bin_steps) * spec_.integration.dt);
            out.cov[v][0] = covarianceResult(et, spec_.statistics.eigenvalues, hooks_.keep_covariances,
                                             hostSpectralKernels());
            out.cov[v][1] = covarianceResult(zf, spec_.statistics.eigenvalues, hooks_.keep_covariances,
                                             hostSpectralKernels());
            if (!modes_.empty())
                mode_series.push_back(modes_[v].results(std::string(variableName(static_cast<Variable>(v))),
                                                        mode_plan_.lagTime(spec_.integration.dt),
                                                        spec_.statistics.modes));
        }
        for (size_t v = 0; v < autocorrelation_.size(); ++v)
            out.series.push_back(autocorrelation_[v].result(
                std::string(variableName(static_cast<Variable>(v))) + ".autocorrelation",
                lag_plan_.lagTime(spec_.integration.dt)));
        for (std::vector<Series>& per_variable : mode_series)
            for (Series& s : per_variable) out.series.push_back(std::move(s));
        for (size_t v = 0; v < spectral_.size(); ++v)
            for (Series& s : spectral_[v].results(std::string(variableName(static_cast<Variable>(v)))))
                out.series.push_back(std::move(s));
        return out;
    }

    const EnsembleSpec& spec_;
    const std::int64_t r_;
    const IntegratorHooks& hooks_;
    const int n_;
    const int k_;
    const StepPlan plan_;
    const SplitPlan split_;
    const StepCoefficients coef_;
    const Activation act_;
    const CouplingStorage storage_;
    const EpochPlan epochs_;
    std::int64_t epoch_ = 0;  // the epoch whose J is in j_
    NoiseBlock noise_;
    // State, activations, recurrent input and noise: n x k, neuron-major (element i * k + t).
    std::vector<Real> j_;  // J^T
    std::vector<Real> x_, phi_, h_, xi_, eta_;
    std::vector<Real> gain_, gained_x_;       // b_i per element and b_i x_i (per-neuron gains only)
    std::vector<Real> decay_, drive_, kick_;  // per element (per-neuron time constants only)
    std::vector<Real> phi_stored_;  // phi rounded for the product (16-bit coupling.storage only)
    std::array<std::vector<double>, 2> bin_, prev_bin_;  // [x, phi] current and previous bin integrals
    std::vector<double> rows_, prev_rows_;
    std::array<CovarianceAccumulator, 2> acc_;
    const LagPlan lag_plan_;
    std::vector<AutocorrelationAccumulator> autocorrelation_;  // [x, phi] when statistics.autocorrelation
    const SpectralPlan spectral_plan_;
    std::vector<SpectralAccumulator> spectral_;  // [x, phi] when statistics.frequencies
    const LagPlan mode_plan_;
    std::vector<ModeAutocorrelationAccumulator> modes_;  // [x, phi] when statistics.modes > 0
};

}  // namespace

RealizationResult integrateRealization(const EnsembleSpec& spec, std::int64_t realization,
                                       const IntegratorHooks& hooks) {
    if (spec.integration.precision == Precision::Fp64)
        return Integrator<double>(spec, realization, hooks).run();
    return Integrator<float>(spec, realization, hooks).run();
}

}  // namespace quench::cpu
