// predictSeries(): the DMFT autocorrelations on the simulation's lag grid, and the frequency-resolved
// statistics of the cross-spectral matrix C(w) (docs/theory/frequency_resolved.md).
#include "quench/theory/series_prediction.hpp"

#include <algorithm>
#include <cmath>
#include <exception>

#include "quench/lag_plan.hpp"
#include "quench/neuron_parameters.hpp"
#include "quench/theory/dmft.hpp"
#include "quench/theory/partial_symmetry_dmft.hpp"
#include "quench/theory/sampled_dmft.hpp"
#include "quench/theory/state_covariance.hpp"
#include "random_mode_spec.hpp"

namespace quench::theory {

namespace {

enum class Curves { Autocorrelation, Spectral };

// Why the DMFT curves do not cover the model, or "" when they do (iid Gaussian J with zero mean, odd phi,
// no input: the single-site process of dmft.md section 6; with partially symmetric J the sampled exact
// DMFT, docs/theory/sampled_dmft.md; with random-mode J with mode overlap the autocorrelation of the
// Gaussian closure, random_mode.md; random-mode J without overlap has iid J's single sites).
std::string uncoveredReason(const EnsembleSpec& spec, Curves curves) {
    if (!spec.network.activation.odd())
        return "phi is not odd: the static mean field of E[phi] != 0 is not in the autocorrelation theory";
    if (spec.coupling.model != CouplingModel::Iid && curves == Curves::Spectral)
        return "random-mode couplings: the frequency-resolved curves are derived for iid J only";
    if (spec.coupling.model != CouplingModel::Iid && spec.coupling.symmetry != 0.0)
        return "coupling.symmetry != 0 with random-mode couplings is not in the autocorrelation theory";
    if (spec.coupling.mean != 0.0) return "coupling.mean != 0 is not in the DMFT autocorrelation";
    if (spec.noise.input != 0.0) return "noise.input != 0 is not in the DMFT autocorrelation";
    if (spec.statistics.center == Centering::SampleMean)
        return "statistics.center = sample_mean: the estimate carries the finite-time bias -C_ZF / (K t_max) "
               "of the sample mean, which the N = infinity theory does not; use center = auto or zero";
    if (spec.coupling.symmetry != 0.0 && curves == Curves::Spectral)
        return "coupling.symmetry != 0: the sampled DMFT (docs/theory/sampled_dmft.md) gives the "
               "autocorrelation, and no frequency-resolved curves";
    if (perNeuron(spec.network.gain) || perNeuron(spec.network.tau))
        return "per-neuron gains or time constants: the temporal theory is derived for identical neurons "
               "only";
    if (spec.coupling.disorder == Disorder::Annealed)
        return "annealed disorder: the temporal theory is derived for quenched J only (a redraw resets the "
               "correlations)";
    return "";
}

// The solver's grid step: the largest step <= 0.01 that puts every lag on a grid node.
DmftGridOptions gridFor(double lag_time) {
    DmftGridOptions options;
    const double per_lag = std::ceil(lag_time / 0.01 - 1e-9);
    options.dt = lag_time / std::max(1.0, per_lag);
    options.max_tau = 0.0;  // the solver's own range (30 e-folds); lags beyond it read the last value
    return options;
}

double onGrid(const std::vector<double>& curve, double grid_dt, double tau) {
    const double position = tau / grid_dt;
    const std::size_t k = static_cast<std::size_t>(std::floor(position));
    if (k + 1 >= curve.size()) return curve.back();
    const double w = position - static_cast<double>(k);
    return (1.0 - w) * curve[k] + w * curve[k + 1];
}

TheorySeries omittedCurve(const std::string& name, const std::vector<double>& at, const std::string& why) {
    return {name, "omega", at, {}, Basis::Exact, why};
}

// The three frequency-resolved curves of one variable from a(w), q(w) = g^2 |chi(w)|^2 (the resolvent
// (1 - chi J)^-1 of iid J depends on |chi| only at N = infinity): N dc2 = a^2 [(1 - q)^-2 - 1] and
// PR/N = (1 - q)^2 (docs/theory/frequency_resolved.md).
std::vector<TheorySeries> spectralCurves(const std::string& variable, const std::vector<double>& omegas,
                                         const std::vector<double>& a, const std::vector<double>& q,
                                         Basis a_basis, Basis four_point_basis) {
    TheorySeries auto_mean{variable + ".spectral.auto_mean", "omega", omegas, a, a_basis, ""};
    TheorySeries dc2{variable + ".spectral.n_cross_var", "omega", omegas, {}, four_point_basis, ""};
    TheorySeries pr{variable + ".spectral.pr_over_n", "omega", omegas, {}, four_point_basis, ""};
    for (std::size_t k = 0; k < omegas.size(); ++k) {
        const double one_minus_q = 1.0 - q[k];
        dc2.values.push_back(a[k] * a[k] * (1.0 / (one_minus_q * one_minus_q) - 1.0));
        pr.values.push_back(one_minus_q * one_minus_q);
    }
    return {auto_mean, dc2, pr};
}

// S_xi(w): white noise sigma^2, OU noise sigma^2 / (1 + tau_n^2 w^2).
double noiseSpectrum(const EnsembleSpec& spec, double w) {
    const double s2 = spec.noise.sigma * spec.noise.sigma;
    return s2 / (1.0 + spec.noise.tau * spec.noise.tau * w * w);
}

// x's N dc2(w) and PR(w)/N of a nonlinear network: linear equivalence at one frequency, the
// cross-spectral product Psi_x(w, w) of docs/theory/state_covariance.md (w = 0 is x's ZF statistics).
std::vector<TheorySeries> stateSpectralCurves(const EnsembleSpec& spec, const DmftCorrelation& c,
                                              const std::vector<double>& omegas,
                                              const std::vector<double>& a_x) {
    TheorySeries dc2{"x.spectral.n_cross_var", "omega", omegas, {}, Basis::LinearEquivalence, ""};
    TheorySeries pr{"x.spectral.pr_over_n", "omega", omegas, {}, Basis::LinearEquivalence, ""};
    try {
        const LinearEquivalentSpectra spectra =
            linearEquivalentSpectra(c, spec.coupling.g, spec.noise.sigma, spec.noise.tau);
        for (std::size_t k = 0; k < omegas.size(); ++k) {
            const double psi = stateCrossSpectralProduct(spectra, omegas[k], omegas[k]);
            dc2.values.push_back(psi);
            pr.values.push_back(a_x[k] * a_x[k] / (a_x[k] * a_x[k] + psi));
        }
    } catch (const std::exception& e) {
        const std::string why = std::string("x's cross-spectral theory failed: ") + e.what();
        return {omittedCurve(dc2.name, omegas, why), omittedCurve(pr.name, omegas, why)};
    }
    return {dc2, pr};
}

std::vector<TheorySeries> predictSpectral(const EnsembleSpec& spec) {
    const std::vector<double>& omegas = spec.statistics.frequencies;
    const double g = spec.coupling.g;
    const std::vector<std::string> names = {".spectral.auto_mean", ".spectral.n_cross_var",
                                            ".spectral.pr_over_n"};
    const auto omitAll = [&](const std::string& why) {
        std::vector<TheorySeries> out;
        for (const char* v : {"x", "phi"})
            for (const std::string& n : names) out.push_back(omittedCurve(v + n, omegas, why));
        return out;
    };
    std::string why = uncoveredReason(spec, Curves::Spectral);
    if (spec.network.activation.kind == ActivationKind::Linear && spec.noise.input != 0.0 &&
        why.find("noise.input") == 0)
        why.clear();  // a constant input only shifts the mean of a linear network
    if (!why.empty()) return omitAll(why);
    std::vector<double> a_x, a_phi, q_x, q_phi;
    if (spec.network.activation.kind == ActivationKind::Linear) {
        if (g >= 1.0) return omitAll("g >= 1: the linear network is unstable");
        for (const double w : omegas) {
            a_x.push_back(noiseSpectrum(spec, w) / (1.0 + w * w - g * g));
            q_x.push_back(g * g / (1.0 + w * w));
        }
        std::vector<TheorySeries> out = spectralCurves("x", omegas, a_x, q_x, Basis::Exact, Basis::Exact);
        for (const TheorySeries& c : spectralCurves("phi", omegas, a_x, q_x, Basis::Exact, Basis::Exact))
            out.push_back(c);
        return out;
    }
    DmftCorrelation c;
    try {
        const Activation& act = spec.network.activation;
        c = solveNoiseCorrelation(act, g, spec.noise.sigma, spec.noise.tau);
        for (const double w : omegas) {
            const double s_phi = activationSpectrum(c, w);
            a_phi.push_back(s_phi);
            q_phi.push_back(c.g_eff * c.g_eff / (1.0 + w * w));
            a_x.push_back((g * g * s_phi + noiseSpectrum(spec, w)) / (1.0 + w * w));
        }
    } catch (const std::exception& e) {
        return omitAll(std::string("the DMFT spectrum solver failed: ") + e.what());
    }
    std::vector<TheorySeries> out;
    out.push_back({"x.spectral.auto_mean", "omega", omegas, a_x, Basis::Exact, ""});
    for (TheorySeries& t : stateSpectralCurves(spec, c, omegas, a_x)) out.push_back(std::move(t));
    for (const TheorySeries& t :
         spectralCurves("phi", omegas, a_phi, q_phi, Basis::Exact, Basis::LinearEquivalence))
        out.push_back(t);
    return out;
}

// Delta(tau), C_phi(tau) of the model's single site where it is solved, not sampled: the closure for
// random-mode J with overlap or partially symmetric J (exact there for linear phi), the DMFT otherwise
// (random-mode J without overlap has iid J's single site).
DmftCorrelation singleSiteCorrelation(const EnsembleSpec& spec, const DmftGridOptions& options) {
    const Activation& act = spec.network.activation;
    if (spec.coupling.model != CouplingModel::Iid && !detail::uncorrelatedModes(spec.coupling))
        return detail::randomModeOverlapCorrelationOf(spec, options);
    if (spec.coupling.symmetry != 0.0)
        return solvePartiallySymmetricCorrelation(act, spec.coupling.g, spec.coupling.symmetry,
                                                  spec.noise.sigma, options, spec.noise.tau);
    return solveNoiseCorrelation(act, spec.coupling.g, spec.noise.sigma, spec.noise.tau, options);
}

std::vector<TheorySeries> predictAutocorrelation(const EnsembleSpec& spec,
                                                 const PredictOptions& predict_options) {
    std::vector<TheorySeries> out;
    const LagPlan lags = planLags(spec);
    if (lags.lags == 0) return out;
    const double lag_time = lags.lagTime(spec.integration.dt);
    TheorySeries x{"x.autocorrelation", "tau", {}, {}, Basis::Exact, ""};
    for (int k = 0; k < lags.lags; ++k) x.at.push_back(k * lag_time);
    TheorySeries phi = x;
    phi.name = "phi.autocorrelation";
    // Partially symmetric J and random-mode J with mode overlap: the sampled exact DMFT
    // (docs/theory/sampled_dmft.md), or the Gaussian closure's Delta(tau) where sampling is off or phi is
    // linear (exact there; docs/theory/partial_symmetry.md, random_mode.md). Random-mode J without overlap:
    // iid J's single site (derived).
    const bool random_mode = spec.coupling.model != CouplingModel::Iid;
    const bool overlap = random_mode && !detail::uncorrelatedModes(spec.coupling);
    const bool closure =
        (overlap || spec.coupling.symmetry != 0.0) && !samplesSingleSite(spec, predict_options);
    std::string why = uncoveredReason(spec, Curves::Autocorrelation);
    if (closure && spec.network.activation.kind != ActivationKind::Linear)
        x.basis = phi.basis = Basis::LinearEquivalence;
    else if (random_mode && !overlap)
        x.basis = phi.basis = Basis::Derived;
    if (why.empty()) {
        try {
            if (samplesSingleSite(spec, predict_options)) {
                const std::shared_ptr<const SampledDmft> s = sampledDmftOf(spec);  // predict()'s solve
                for (const double tau : x.at) {
                    x.values.push_back(onGrid(s->delta, s->dt, tau));
                    phi.values.push_back(onGrid(s->c_phi, s->dt, tau));
                    x.se.push_back(onGrid(s->delta_se, s->dt, tau));
                    phi.se.push_back(onGrid(s->c_phi_se, s->dt, tau));
                }
            } else {
                const DmftCorrelation c = singleSiteCorrelation(spec, gridFor(lag_time));
                for (const double tau : x.at) {
                    x.values.push_back(onGrid(c.delta, c.dt, tau));
                    phi.values.push_back(onGrid(c.c_phi, c.dt, tau));
                }
            }
            const auto finite = [](double v) { return std::isfinite(v); };
            if (!std::all_of(x.values.begin(), x.values.end(), finite) ||
                !std::all_of(phi.values.begin(), phi.values.end(), finite))
                why = "the DMFT autocorrelation is not finite";
        } catch (const std::exception& e) {
            why = std::string("the DMFT autocorrelation solver failed: ") + e.what();
        }
    }
    for (TheorySeries* s : {&x, &phi})
        if (!why.empty()) {
            s->values.clear();
            s->reason = why;
        }
    out.push_back(std::move(x));
    out.push_back(std::move(phi));
    return out;
}

}  // namespace

std::vector<TheorySeries> predictSeries(const EnsembleSpec& spec, const PredictOptions& options) {
    std::vector<TheorySeries> out = predictAutocorrelation(spec, options);
    const LagPlan modes = planModeLags(spec);
    for (const char* variable : {"x", "phi"})
        for (int a = 1; a <= spec.statistics.modes; ++a) {
            TheorySeries t{
                std::string(variable) + ".mode_autocorrelation." + std::to_string(a),
                "tau",
                {},
                {},
                Basis::Exact,
                "measured only: no theory of the population autocorrelation of the leading covariance "
                "modes is derived"};
            for (int k = 0; k < modes.lags; ++k) t.at.push_back(k * modes.lagTime(spec.integration.dt));
            out.push_back(std::move(t));
        }
    if (!spec.statistics.frequencies.empty())
        for (TheorySeries& t : predictSpectral(spec)) out.push_back(std::move(t));
    return out;
}

}  // namespace quench::theory
