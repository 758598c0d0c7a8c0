// predict(): routes a model to the theory that covers it (linear closed forms, white- or colored-noise
// DMFT with linear equivalence) and records, for everything else, why it is absent.
#include "quench/theory/prediction.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../step_coefficients.hpp"
#include "discrete_gaussian_site.hpp"
#include "gain_class_four_point.hpp"
#include "neuron_class_four_point.hpp"
#include "one_loop_site.hpp"
#include "quench/theory/annealed_theory.hpp"
#include "quench/theory/dmft.hpp"
#include "quench/theory/heterogeneous_gains.hpp"
#include "quench/theory/linear_finite_size.hpp"
#include "quench/theory/linear_theory.hpp"
#include "quench/theory/partial_symmetry_dmft.hpp"
#include "quench/theory/random_mode_overlap_closure.hpp"
#include "quench/theory/random_mode_state_covariance.hpp"
#include "quench/theory/random_mode_theory.hpp"
#include "quench/theory/sampled_dmft.hpp"
#include "quench/theory/state_covariance.hpp"
#include "quench/theory/tabulated_spectrum.hpp"
#include "random_mode_spec.hpp"
#include "site_auto_variance.hpp"

namespace quench::theory {

std::string_view basisName(Basis b) {
    switch (b) {
        case Basis::Exact:
            return "exact";
        case Basis::LinearEquivalence:
            return "linear_equivalence";
        case Basis::Derived:
            return "derived";
    }
    return "exact";
}

TheoryQuantity TheoryQuantity::of(double v, Basis b) {
    if (!std::isfinite(v)) return omitted("the solver returned a non-finite value");
    TheoryQuantity q;
    q.value = v;
    q.basis = b;
    return q;
}

TheoryQuantity TheoryQuantity::sampled(double v, double se, Basis b) {
    TheoryQuantity q = of(v, b);
    if (q.available()) q.se = se;
    return q;
}

TheoryQuantity TheoryQuantity::omitted(std::string why) {
    TheoryQuantity q;
    q.reason = std::move(why);
    return q;
}

namespace {

constexpr Variable kVariables[] = {Variable::X, Variable::Phi};
constexpr CovarianceKind kCovariances[] = {CovarianceKind::EqualTime, CovarianceKind::ZeroFrequency};

std::string str(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

// The statistics no large-N theory here ever gives, with the reason; the rest start as "not covered"
// and the routes overwrite what they know.
std::string permanentReason(Statistic s) {
    switch (s) {
        case Statistic::AutoVar:
            return "O(1/N) at large N with identical neurons: its 1/N coefficient, where derived, comes with "
                   "--order 1 (validate compares n_auto_var); O(1) with per-neuron gains or time constants, "
                   "given where the discrete site with classes of neurons is used";
        case Statistic::CrossVar:
            return "O(1/N) at large N; see n_cross_var = N cross_var";
        case Statistic::Pr:
            return "extensive (O(N)); see pr_over_n";
        case Statistic::M4:
            return "Tr C^4 / N is not derived";
        case Statistic::ZCrossVar:
            return "O(1/N) at large N; see z_n_cross_var = N z_cross_var";
        case Statistic::AutoVarRaw:
        case Statistic::CrossVarRaw:
        case Statistic::PrRaw:
        case Statistic::PrOverNRaw:
        case Statistic::M2Raw:
        case Statistic::M3Raw:
        case Statistic::M4Raw:
            return "finite-sample plug-in estimator: its N = infinity limit is that of the corrected "
                   "statistic";
        default:
            return "";
    }
}

void omitCovariance(CovariancePrediction& c, const std::string& why) {
    for (int s = 0; s < kStatisticCount; ++s) {
        const std::string permanent = permanentReason(static_cast<Statistic>(s));
        c.statistic[s] = TheoryQuantity::omitted(permanent.empty() ? why : permanent);
    }
    c.n_cross_var = TheoryQuantity::omitted(why);
    c.z_n_cross_var = TheoryQuantity::omitted(why);
}

void omitAll(TheoryPrediction& p, const std::string& why) {
    for (auto& per_variable : p.covariance)
        for (CovariancePrediction& c : per_variable) omitCovariance(c, why);
    for (TheoryQuantity* q : {&p.delta0, &p.gamma, &p.g_eff, &p.stability_margin, &p.chaotic})
        *q = TheoryQuantity::omitted(why);
    p.density_reason =
        "no closed form for this model (the ZF density is known for linear networks with iid J)";
}

// a and m1 = Tr C / N = a; the cross mean vanishes because the ensemble is symmetric under
// x_i -> -x_i with J -> D J D (D a diagonal of signs), given odd phi and zero coupling mean and input.
void setSingleSite(CovariancePrediction& c, double auto_mean, Basis b) {
    c.at(Statistic::AutoMean) = TheoryQuantity::of(auto_mean, b);
    c.at(Statistic::M1) = TheoryQuantity::of(auto_mean, b);
    c.at(Statistic::CrossMean) = TheoryQuantity::of(0.0, Basis::Exact);
}

void setMoments(CovariancePrediction& c, const LinearMoments& m, Basis b) {
    setSingleSite(c, m.auto_mean, b);
    c.n_cross_var = TheoryQuantity::of(m.n_cross_var, b);
    c.at(Statistic::M2) = TheoryQuantity::of(m.m2, b);
    c.at(Statistic::PrOverN) = TheoryQuantity::of(m.pr_over_n, b);
    c.at(Statistic::M3) = m.m3_available ? TheoryQuantity::of(m.m3, b)
                                         : TheoryQuantity::omitted("Tr C^3 / N is not derived for this case");
}

// From a dimension and the auto mean: m2 = a^2 / (PR/N) and N dc2 = m2 - a^2 (zero cross mean).
void setFromDimension(CovariancePrediction& c, double auto_mean, double pr_over_n, Basis b) {
    c.at(Statistic::PrOverN) = TheoryQuantity::of(pr_over_n, b);
    if (pr_over_n <= 0.0) return;
    const double m2 = auto_mean * auto_mean / pr_over_n;
    c.at(Statistic::M2) = TheoryQuantity::of(m2, b);
    c.n_cross_var = TheoryQuantity::of(m2 - auto_mean * auto_mean, b);
}

template <class F>
std::string attempt(F f) {
    try {
        f();
        return "";
    } catch (const std::exception& e) {
        return e.what();
    }
}

void zeroFrequencyDensity(TheoryPrediction& p, double g, double sigma) {
    if (g <= 0.0 || sigma <= 0.0) {
        p.density_reason = "g = 0 or sigma = 0: the spectrum is a point mass";
        return;
    }
    SpectralDensity d;
    const std::string error = attempt([&] {
        const SpectrumSupport s = linearZeroFrequencySpectrumSupport(g, sigma);
        // Geometric grid: near g = 1 the upper edge runs away with a lambda^(-5/3) tail.
        const double ratio = s.upper / s.lower;
        for (int k = 0; k < kDensityGridPoints; ++k) {
            const double lambda = s.lower * std::pow(ratio, (k + 0.5) / kDensityGridPoints);
            const double density = linearZeroFrequencySpectralDensity(lambda, g, sigma);
            if (!std::isfinite(density))
                throw std::runtime_error("non-finite density at lambda = " + str(lambda));
            d.lambda.push_back(lambda);
            d.density.push_back(density);
        }
    });
    if (!error.empty()) {
        p.density_reason = "density solver failed: " + error;
        return;
    }
    p.zero_frequency_density[static_cast<int>(Variable::X)] = d;
    p.zero_frequency_density[static_cast<int>(Variable::Phi)] = d;
    p.density_reason.clear();
}

// ---- linear networks (phi = x): theory.md section 3 ----

// The ET first-order functions of linear_finite_size.hpp, or why they are absent. One quadrature
// (0.05-0.3 s) gives both the ET 1/N terms and, for eta != 0, the N = infinity ET four-point statistics
// (its .limit), so predict() computes it once and hands it to both.
struct EqualTimeFirstOrder {
    std::optional<LinearFirstOrder> value;
    std::string reason;  // where value is empty
};

DiagonalConvention diagonalConvention(const EnsembleSpec& spec) {
    return spec.coupling.zero_diagonal ? DiagonalConvention::Zero : DiagonalConvention::Gaussian;
}

EqualTimeFirstOrder equalTimeFirstOrder(const EnsembleSpec& spec) {
    EqualTimeFirstOrder f;
    if (spec.coupling.model != CouplingModel::Iid) {
        f.reason = "the 1/N terms are derived for iid Gaussian couplings only";
        return f;
    }
    const std::string error = attempt([&] {
        f.value = linearEqualTimeFirstOrder(spec.coupling.g, spec.coupling.symmetry, spec.noise.sigma,
                                            diagonalConvention(spec), spec.noise.tau);
    });
    if (!error.empty()) f.reason = "linear 1/N theory failed: " + error;
    return f;
}

// With eta != 0 (white noise) a comes in closed form; m2, PR/N and N cross_var are the N = infinity
// limits of the planar four-point function F_0 (docs/theory/linear_finite_size.md sections 4 and 8:
// verified against exact finite-N covariances by free-S_inf fits).
void setPartiallySymmetricEqualTime(CovariancePrediction& et, double auto_mean,
                                    const EqualTimeFirstOrder& first_order) {
    setSingleSite(et, auto_mean, Basis::Exact);
    et.at(Statistic::M3) =
        TheoryQuantity::omitted("Tr C^k / N (k >= 3) of the ET covariance with eta != 0 is not derived");
    if (!first_order.value) {
        const std::string why =
            "the ET four-point statistics with eta != 0 come from the 1/N quadrature: " + first_order.reason;
        for (const Statistic s : {Statistic::M2, Statistic::PrOverN}) et.at(s) = TheoryQuantity::omitted(why);
        et.n_cross_var = TheoryQuantity::omitted(why);
        return;
    }
    const LinearFirstOrder::Limit& limit = first_order.value->limit;
    et.at(Statistic::M2) = TheoryQuantity::of(limit.m2, Basis::Exact);
    et.at(Statistic::PrOverN) = TheoryQuantity::of(limit.pr_over_n, Basis::Exact);
    et.n_cross_var = TheoryQuantity::of(limit.n_cross_var, Basis::Exact);
}

void linearEqualTime(TheoryPrediction& p, const EnsembleSpec& spec, const EqualTimeFirstOrder& first_order) {
    const double g = spec.coupling.g, eta = spec.coupling.symmetry, sigma = spec.noise.sigma;
    CovariancePrediction& et = p.at(Variable::X, CovarianceKind::EqualTime);
    omitCovariance(et, "not covered by the linear equal-time theory");
    std::string error;
    if (spec.noise.tau > 0.0) {
        // Colored noise filters every frequency of the ET covariance by one scalar factor; with eta != 0 the
        // planar limits of the first-order quadrature (computed with the same filter) give every statistic.
        error = attempt([&] {
            if (eta == 0.0) {
                setMoments(et, linearEqualTimeIidColored(g, sigma, spec.noise.tau), Basis::Exact);
                return;
            }
            if (!first_order.value) throw std::runtime_error(first_order.reason);
            setPartiallySymmetricEqualTime(et, first_order.value->limit.auto_mean, first_order);
        });
    } else if (eta == 0.0) {
        error = attempt([&] { setMoments(et, linearEqualTimeIid(g, sigma), Basis::Exact); });
    } else {
        error = attempt([&] {
            setPartiallySymmetricEqualTime(et, linearEqualTimeAutoMeanPartiallySymmetric(g, eta, sigma),
                                           first_order);
        });
    }
    if (!error.empty()) omitCovariance(et, "linear equal-time theory failed: " + error);
    p.delta0 = et.at(Statistic::AutoMean);
}

// ---- 1/N terms of linear networks (docs/theory/linear_finite_size.md) ----

// The statistics without a 1/N term here, with the reason.
std::string noFirstOrderReason(Statistic s) {
    switch (s) {
        case Statistic::CrossVar:
            return "O(1/N) at large N; see n_cross_var and its one_over_n";
        case Statistic::Pr:
            return "extensive (O(N)); see pr_over_n and its one_over_n";
        case Statistic::M3:
        case Statistic::M4:
            return "the 1/N term of Tr C^k / N is derived for k <= 2 only";
        default:
            return "";
    }
}

// Verified against exact finite-N averages (bench/linear_finite_size_check.cpp), hence Exact; the one
// exception is auto_var beyond g (1 + |eta|) = 0.6, which missed by 2.4 SE at g = 0.7
// (docs/theory/linear_finite_size.md section 9) and is therefore only Derived there.
void setFirstOrder(CovariancePrediction& c, const LinearFirstOrder& f, double edge) {
    const Basis b = Basis::Exact;
    const Basis auto_var_basis = edge <= 0.6 ? Basis::Exact : Basis::Derived;
    for (int s = 0; s < kStatisticCount; ++s) {
        const std::string why = noFirstOrderReason(static_cast<Statistic>(s));
        if (!why.empty()) c.one_over_n[s] = TheoryQuantity::omitted(why);
    }
    c.firstOrder(Statistic::AutoMean) = TheoryQuantity::of(f.auto_mean, b);
    c.firstOrder(Statistic::M1) = TheoryQuantity::of(f.auto_mean, b);
    // E C_ij = 0 for i != j at every N (J -> D J D with D a diagonal of signs).
    c.firstOrder(Statistic::CrossMean) = TheoryQuantity::of(0.0, Basis::Exact);
    c.firstOrder(Statistic::M2) = TheoryQuantity::of(f.m2, b);
    c.firstOrder(Statistic::PrOverN) = TheoryQuantity::of(f.pr_over_n, b);
    if (f.auto_var) c.firstOrder(Statistic::AutoVar) = TheoryQuantity::of(*f.auto_var, auto_var_basis);
    if (f.n_cross_var) c.n_cross_var_one_over_n = TheoryQuantity::of(*f.n_cross_var, b);
}

// The same for every 1/N term the route has not derived (the discrete site sets auto_var's, or says why not).
void omitUnderivedFirstOrder(CovariancePrediction& c, const std::string& why) {
    for (TheoryQuantity& q : c.one_over_n)
        if (!q.available() && q.reason.empty()) q = TheoryQuantity::omitted(why);
    for (TheoryQuantity* q : {&c.n_cross_var_one_over_n, &c.z_n_cross_var_one_over_n})
        if (!q->available()) *q = TheoryQuantity::omitted(why);
}

void omitFirstOrder(CovariancePrediction& c, const std::string& why) {
    for (TheoryQuantity& q : c.one_over_n) q = TheoryQuantity::omitted(why);
    c.n_cross_var_one_over_n = TheoryQuantity::omitted(why);
    c.z_n_cross_var_one_over_n = TheoryQuantity::omitted(why);
}

void linearFirstOrder(TheoryPrediction& p, const EnsembleSpec& spec, const EqualTimeFirstOrder& equal_time) {
    const double g = spec.coupling.g, eta = spec.coupling.symmetry, sigma = spec.noise.sigma;
    const double edge = g * (1.0 + std::abs(eta));
    CovariancePrediction& zf = p.at(Variable::X, CovarianceKind::ZeroFrequency);
    CovariancePrediction& et = p.at(Variable::X, CovarianceKind::EqualTime);
    if (spec.coupling.model != CouplingModel::Iid) {
        omitFirstOrder(zf, "the 1/N terms are derived for iid Gaussian couplings only");
        omitFirstOrder(et, "the 1/N terms are derived for iid Gaussian couplings only");
        return;
    }
    // ZF depends on the noise only through its zero-frequency power: white and colored noise share it.
    const std::string error = attempt([&] {
        setFirstOrder(zf, linearZeroFrequencyFirstOrder(g, eta, sigma, diagonalConvention(spec)), edge);
    });
    if (!error.empty()) omitFirstOrder(zf, "linear 1/N theory failed: " + error);
    if (equal_time.value)
        setFirstOrder(et, *equal_time.value, edge);
    else
        omitFirstOrder(et, equal_time.reason);
}

void predictLinear(TheoryPrediction& p, const EnsembleSpec& spec) {
    p.route = "linear";
    const double g = spec.coupling.g, eta = spec.coupling.symmetry, sigma = spec.noise.sigma;
    const double edge = g * (1.0 + eta);
    p.gamma = TheoryQuantity::of(1.0, Basis::Exact);
    p.g_eff = TheoryQuantity::of(g, Basis::Exact);
    p.stability_margin = TheoryQuantity::of(1.0 - edge, Basis::Exact);
    p.chaotic = TheoryQuantity::of(0.0, Basis::Exact);  // linear dynamics cannot be chaotic
    if (edge >= 1.0) {
        const std::string why =
            "linear network without a stationary state at N = infinity: g (1 + eta) = " + str(edge) + " >= 1";
        for (auto& per_variable : p.covariance)
            for (CovariancePrediction& c : per_variable) {
                omitCovariance(c, why);
                omitFirstOrder(c, why);
            }
        p.delta0 = TheoryQuantity::omitted(why);
        p.density_reason = why;
        return;
    }
    // The ZF covariance sigma^2 (1-J)^-1 (1-J)^-T depends on the noise only through its
    // zero-frequency power sigma^2, so white and colored noise share it.
    CovariancePrediction& zf = p.at(Variable::X, CovarianceKind::ZeroFrequency);
    const std::string error = attempt([&] {
        setMoments(zf,
                   eta == 0.0 ? linearZeroFrequencyIid(g, sigma)
                              : linearZeroFrequencyPartiallySymmetric(g, eta, sigma),
                   Basis::Exact);
    });
    if (!error.empty()) omitCovariance(zf, "linear zero-frequency theory failed: " + error);
    const EqualTimeFirstOrder equal_time_first_order = equalTimeFirstOrder(spec);
    linearEqualTime(p, spec, equal_time_first_order);
    linearFirstOrder(p, spec, equal_time_first_order);
    for (const CovarianceKind c : kCovariances) p.at(Variable::Phi, c) = p.at(Variable::X, c);
    if (eta == 0.0)
        zeroFrequencyDensity(p, g, sigma);
    else
        p.density_reason = "the ZF density is derived for iid J (eta = 0) only";
}

// ---- nonlinear odd phi, zero mean: DMFT (theory.md section 4) ----

const char* const kNoXFourPoint =
    "x four-point statistics of a nonlinear network come from the DMFT spectra, not available for this model";

// x's four-point statistics from linear equivalence at all frequencies (docs/theory/state_covariance.md):
// the auto mean stays the exact DMFT value a, the cross-covariance excess comes from the trace formulas,
// m2 = a^2 + N dc2 and PR/N = a^2 / m2 (zero cross mean), as for phi's ET dimension.
void setStateFourPoint(CovariancePrediction& c, double auto_mean, const LinearMoments& m, Basis b) {
    c.n_cross_var = TheoryQuantity::of(m.n_cross_var, b);
    const double m2 = auto_mean * auto_mean + m.n_cross_var;
    c.at(Statistic::M2) = TheoryQuantity::of(m2, b);
    c.at(Statistic::PrOverN) = TheoryQuantity::of(auto_mean * auto_mean / m2, b);
    c.at(Statistic::M3) = TheoryQuantity::omitted("Tr C^3 / N of x is not derived for nonlinear networks");
}

// ZF by linear equivalence (as phi's), ET by linear equivalence at all frequencies (derived, as phi's).
void stateCovariances(TheoryPrediction& p, const DmftCorrelation& c, double g, double sigma, double tau_n,
                      double kappa = 0.0) {
    LinearEquivalentSpectra spectra = linearEquivalentSpectra(c, g, sigma, tau_n);
    spectra.kappa = kappa;
    CovariancePrediction& zf = p.at(Variable::X, CovarianceKind::ZeroFrequency);
    std::string error = attempt([&] {
        const TheoryQuantity& a = zf.at(Statistic::AutoMean);
        if (!a.available()) throw std::runtime_error("the ZF auto mean is absent: " + a.reason);
        setStateFourPoint(zf, *a.value, stateZeroFrequency(spectra), Basis::LinearEquivalence);
    });
    if (!error.empty())
        zf.at(Statistic::PrOverN) = TheoryQuantity::omitted("x ZF statistics failed: " + error);
    CovariancePrediction& et = p.at(Variable::X, CovarianceKind::EqualTime);
    const double scale = std::max(0.05, std::sqrt(std::max(0.0, 1.0 - c.g_eff * c.g_eff))) / (1.0 + tau_n);
    error = attempt([&] { setStateFourPoint(et, c.delta0, stateEqualTime(spectra, scale), Basis::Derived); });
    if (!error.empty())
        et.at(Statistic::PrOverN) = TheoryQuantity::omitted("x ET statistics failed: " + error);
}

// phi ZF by linear equivalence: a linear network with gain g_eff driven by white noise of power
// s_eff = S_r + gamma^2 sigma^2 = a_phi_zf (1 - g_eff^2); the auto mean S_phi(0) itself is exact DMFT.
void zeroFrequencyByLinearEquivalence(TheoryPrediction& p, double g, double g_eff, double a_phi_zf,
                                      double sigma) {
    CovariancePrediction& phi = p.at(Variable::Phi, CovarianceKind::ZeroFrequency);
    const std::string error = attempt([&] {
        const double s_eff = a_phi_zf * (1.0 - g_eff * g_eff);
        setMoments(phi, linearZeroFrequencyIid(g_eff, std::sqrt(s_eff)), Basis::LinearEquivalence);
    });
    if (!error.empty()) omitCovariance(phi, "linear equivalence failed: " + error);
    setSingleSite(phi, a_phi_zf, Basis::Exact);
    setSingleSite(p.at(Variable::X, CovarianceKind::ZeroFrequency), g * g * a_phi_zf + sigma * sigma,
                  Basis::Exact);
}

void equalTimeDimension(TheoryPrediction& p, const DmftCorrelation& c, double g, double a_phi) {
    CovariancePrediction& et = p.at(Variable::Phi, CovarianceKind::EqualTime);
    const std::string error =
        attempt([&] { setFromDimension(et, a_phi, equalTimeActivationDimension(c, g), Basis::Derived); });
    if (!error.empty()) et.at(Statistic::PrOverN) = TheoryQuantity::omitted("ET dimension failed: " + error);
}

void setGains(TheoryPrediction& p, double delta0, double gamma, double g_eff) {
    p.delta0 = TheoryQuantity::of(delta0, Basis::Exact);
    p.gamma = TheoryQuantity::of(gamma, Basis::Exact);
    p.g_eff = TheoryQuantity::of(g_eff, Basis::Exact);
    p.stability_margin = TheoryQuantity::of(1.0 - g_eff, Basis::LinearEquivalence);
}

// tanh, erf and Pade: the one-loop expansion and the gain classes need phi's derivatives up to the fourth.
bool smoothActivation(const EnsembleSpec& spec) {
    const ActivationKind kind = spec.network.activation.kind;
    return kind == ActivationKind::Tanh || kind == ActivationKind::Erf || kind == ActivationKind::Pade;
}

// iid J (eta = 0, quenched) with white or OU noise and an odd phi, smooth or the power law: the ET statistics
// of x and phi are those of the simulator's own recursion at its dt, the exact N = infinity limit of what it
// integrates (discrete_gaussian_site.hpp; docs/theory/nonlinear_finite_size.md, section 1b). The
// continuous-time DMFT is its dt -> 0 limit: the single-site values agree to 1e-4, the ET four-point
// statistics differ by 0.2-4 % at dt = 0.02-0.05, which precise simulations resolve. The ZF statistics differ
// by < 0.1 % and stay the continuous ones. The power law's pair averages are exact angular integrals
// (power_law_pair_average.hpp), so its site costs seconds too; its kinks keep it out of the routes that need
// phi's higher derivatives (smoothActivation).
bool usesDiscreteSite(const EnsembleSpec& spec, const PredictOptions& options) {
    const ActivationKind kind = spec.network.activation.kind;
    const bool takes = smoothActivation(spec) || kind == ActivationKind::PowerLaw;
    return options.sample_single_site && takes && spec.coupling.model == CouplingModel::Iid &&
           spec.coupling.symmetry == 0.0 && spec.coupling.disorder == Disorder::Quenched;
}

// m2, N dc2 and PR/N of one covariance from a single site's linear-response network (sampled_dmft.md
// section 6), each with its Monte-Carlo se (0 where nothing was sampled).
void setLinearResponseFourPoint(CovariancePrediction& c, const SampledFourPoint& f) {
    c.at(Statistic::M2) = TheoryQuantity::sampled(f.m2.value, f.m2.se, Basis::Derived);
    c.at(Statistic::PrOverN) = TheoryQuantity::sampled(f.pr_over_n.value, f.pr_over_n.se, Basis::Derived);
    c.n_cross_var = TheoryQuantity::sampled(f.n_cross_var.value, f.n_cross_var.se, Basis::Derived);
}

// The ET auto_var is O(1/N): its 1/N coefficient is lim N Var_i C_ii, the site-to-site spread that each
// site's quenched input row and self-feedback give it (docs/theory/site_auto_variance.md). Derived from the
// same site; confirmed by simulation at tanh g = 1 (and g = 1.5, 2 at N = 1600) and exact for a linear phi.
void setSiteAutoVariance(TheoryPrediction& p, const EnsembleSpec& spec,
                         const detail::DiscreteGaussianSite& site, const StepCoefficients& step) {
    const detail::SiteAutoVariance kappa = detail::siteAutoVariance(
        spec.network.activation, site, spec.coupling.g, step, spec.coupling.zero_diagonal);
    p.at(Variable::Phi, CovarianceKind::EqualTime).firstOrder(Statistic::AutoVar) =
        TheoryQuantity::of(kappa.phi, Basis::Derived);
    p.at(Variable::X, CovarianceKind::EqualTime).firstOrder(Statistic::AutoVar) =
        TheoryQuantity::of(kappa.x, Basis::Derived);
}

// The ZF auto_var's 1/N coefficient the same way (site_auto_variance.md, section 5): x's from the site's ZF
// powers, phi's also from three-time averages, left out near the edge where their lag sums grow too long.
// Confirmed by simulation at tanh g = 1 (white and OU noise, either diagonal) and g = 1.5 (zero diagonal).
void setZeroFrequencySiteAutoVariance(TheoryPrediction& p, const EnsembleSpec& spec,
                                      const detail::DiscreteGaussianSite& site,
                                      const StepCoefficients& step) {
    const detail::ZeroFrequencySiteAutoVariance kappa =
        detail::zeroFrequencySiteAutoVariance(spec.network.activation, site, spec.coupling.g, step,
                                              spec.integration.dt, spec.coupling.zero_diagonal);
    p.at(Variable::X, CovarianceKind::ZeroFrequency).firstOrder(Statistic::AutoVar) =
        TheoryQuantity::of(kappa.x, Basis::Derived);
    p.at(Variable::Phi, CovarianceKind::ZeroFrequency).firstOrder(Statistic::AutoVar) =
        kappa.has_phi
            ? TheoryQuantity::of(kappa.phi, Basis::Derived)
            : TheoryQuantity::omitted("phi's ZF auto_var: " + kappa.phi_reason +
                                      "; x's is given (docs/theory/site_auto_variance.md, section 5)");
}

void setDiscreteSiteEqualTime(TheoryPrediction& p, const EnsembleSpec& spec) {
    const StepCoefficients step = stepCoefficients(spec);
    const double g = spec.coupling.g, dt = spec.integration.dt;
    const detail::DiscreteGaussianSite site =
        detail::discreteGaussianSiteUntilDecayed(spec.network.activation, g, step, dt);
    const detail::SampledFourPoints four = detail::discreteGaussianSiteFourPoints(site, g, step, dt);
    const auto set = [](CovariancePrediction& c, const SampledFourPoint& f) {
        setSingleSite(c, f.auto_mean.value, Basis::Exact);
        setLinearResponseFourPoint(c, f);
    };
    set(p.at(Variable::Phi, CovarianceKind::EqualTime), four.phi_et);
    set(p.at(Variable::X, CovarianceKind::EqualTime), four.x_et);
    const std::string kappa = attempt([&] { setSiteAutoVariance(p, spec, site, step); });
    if (!kappa.empty()) p.notes.push_back("the site-to-site variance of C_ii failed (" + kappa + ")");
    const std::string kappa_zf = attempt([&] { setZeroFrequencySiteAutoVariance(p, spec, site, step); });
    if (!kappa_zf.empty())
        p.notes.push_back("the site-to-site variance of the ZF C_ii failed (" + kappa_zf + ")");
    std::ostringstream note;
    note << "the equal-time statistics are those of the simulator's recursion at dt = " << dt
         << " (the exact N = infinity limit of the discrete network, " << site.delta.size()
         << " lags; the continuous-time DMFT is its dt -> 0 limit; docs/theory/nonlinear_finite_size.md, "
            "section 1b)";
    p.notes.push_back(note.str());
}

// Where the discrete site applies, its ET statistics replace the continuous-time DMFT's.
void equalTimeFromDiscreteSite(TheoryPrediction& p, const EnsembleSpec& spec, const PredictOptions& options) {
    if (!usesDiscreteSite(spec, options)) return;
    const std::string discrete = attempt([&] { setDiscreteSiteEqualTime(p, spec); });
    if (!discrete.empty())
        p.notes.push_back("the discrete site failed (" + discrete + "): continuous-time ET statistics");
}

// The same model (either diagonal): the 1/N terms of the ET auto means of x and phi from the
// one-loop expansion of the collective-field action (one_loop_site.hpp; docs/theory/one_loop_site.md), a few
// seconds of sampling the N = infinity site. Only the auto means: the 1/N terms of the cross-covariance
// statistics (m2, N dc2, PR/N) need the next order and are not derived; the ZF auto means' come from the same
// formula but need windows of hundreds of time units near the edge, so they are reported only where the
// window holds them (setZeroFrequencyFirstOrder; the doc, section 7). Its window: the default 20 time units,
// and five times the colored noise's memory.
detail::OneLoopOptions oneLoopOptions(const EnsembleSpec& spec) {
    detail::OneLoopOptions options;
    options.window = std::max(options.window, 5.0 * spec.noise.tau);
    return options;
}

// The self-response kernel costs lags^3 and the paths lags^2: tanh, g = 1, white noise, on two cores, 1001
// lags (20 time units at dt = 0.02) take 15 s a point and 2001 (the default dt = 0.01) 45 s
// (2026-11-29); beyond 2001 predict() leaves the terms to the tool.
constexpr double kMaxOneLoopLags = 2001.0;

double oneLoopLags(const EnsembleSpec& spec) {
    return oneLoopOptions(spec).window / spec.integration.dt + 1.0;
}

bool oneLoopAffordable(const EnsembleSpec& spec) {
    return oneLoopLags(spec) <= kMaxOneLoopLags + 1e-9;
}

bool usesOneLoop(const EnsembleSpec& spec, const PredictOptions& options) {
    return options.sample_one_loop && usesDiscreteSite(spec, options) && smoothActivation(spec) &&
           oneLoopAffordable(spec);
}

std::string str6(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", v);
    return buffer;
}

// m1 = Tr C / N is the auto mean: its 1/N term is the same quantity, or absent for the same reason.
void setAutoMeanFirstOrder(CovariancePrediction& cov, const TheoryQuantity& q) {
    cov.firstOrder(Statistic::AutoMean) = q;
    cov.firstOrder(Statistic::M1) = q;
}

void setSampledFirstOrder(CovariancePrediction& cov, const detail::OneLoopValue& v) {
    setAutoMeanFirstOrder(cov, TheoryQuantity::sampled(v.value, v.se, Basis::Derived));
}

// The ZF auto means' terms are lag sums over the window whose tail outlasts the autocorrelation (near the
// edge, the 1/N change of the correlation time; one_loop_site.md section 7): reported where the window's last
// quarter moves them by less than their standard error (the tail decays, so what lies beyond the window is
// smaller still), and omitted with the size of that quarter otherwise. Tanh at dt = 0.05, window 20: g = 1
// passes (3.31 +- 0.13, last quarter below 0.13; windows 40 and 60 give 3.36 and 3.47), g = 1.5 does not (its
// sum grows from 56 to 76 between windows 20 and 60).
void setZeroFrequencyFirstOrder(CovariancePrediction& cov, const detail::OneLoopValue& v,
                                const detail::OneLoopValue& tail, double window) {
    if (std::fabs(tail.value) <= v.se) {
        setSampledFirstOrder(cov, v);
        return;
    }
    std::ostringstream why;
    why << "the one-loop lag sum of the ZF auto mean has not converged in the window of " << window
        << " time units: its last quarter adds " << str6(tail.value) << " +- " << str6(tail.se)
        << ", more than the value's se " << str6(v.se)
        << " (near the edge it needs hundreds; build/bench/quench_one_loop_site_means --window)";
    setAutoMeanFirstOrder(cov, TheoryQuantity::omitted(why.str()));
}

// The one-loop terms of the ET auto means, and of the ZF ones where their lag sums have converged.
void setOneLoopAutoMeans(TheoryPrediction& p, const detail::OneLoopSiteMeans& c, double window) {
    setSampledFirstOrder(p.at(Variable::X, CovarianceKind::EqualTime), c.x_et_a);
    setSampledFirstOrder(p.at(Variable::Phi, CovarianceKind::EqualTime), c.phi_et_a);
    setZeroFrequencyFirstOrder(p.at(Variable::X, CovarianceKind::ZeroFrequency), c.x_zf_a, c.x_zf_tail,
                               window);
    setZeroFrequencyFirstOrder(p.at(Variable::Phi, CovarianceKind::ZeroFrequency), c.phi_zf_a, c.phi_zf_tail,
                               window);
}

void setOneLoopFirstOrder(TheoryPrediction& p, const EnsembleSpec& spec) {
    const detail::OneLoopOptions options = oneLoopOptions(spec);
    const detail::OneLoopSiteMeans c =
        detail::oneLoopSiteMeans(spec.network.activation, spec.coupling.g, stepCoefficients(spec),
                                 spec.integration.dt, diagonalConvention(spec), options);
    setOneLoopAutoMeans(p, c, options.window);
    p.notes.push_back(
        "the 1/N terms of the ET auto means, and of the ZF ones where their lag sums converge in the window, "
        "are the one-loop expansion's, sampled over the N = infinity site (se beside them; "
        "docs/theory/one_loop_site.md); the ET and ZF auto_var's are the site-to-site spread of C_ii "
        "(docs/theory/site_auto_variance.md); the other 1/N terms of nonlinear networks are not derived");
}

void predictWhiteNoiseDmft(TheoryPrediction& p, const EnsembleSpec& spec, const PredictOptions& options) {
    p.route = "dmft_white_noise";
    const Activation& phi = spec.network.activation;
    const double g = spec.coupling.g, sigma = spec.noise.sigma;
    const WhiteNoiseDmft d = solveWhiteNoiseDmft(phi, g, sigma);
    setGains(p, d.delta0, d.gamma, d.g_eff);
    p.chaotic = TheoryQuantity::of(d.chaotic ? 1.0 : 0.0, Basis::Derived);
    setSingleSite(p.at(Variable::X, CovarianceKind::EqualTime), d.delta0, Basis::Exact);
    setSingleSite(p.at(Variable::Phi, CovarianceKind::EqualTime), d.a_phi, Basis::Exact);
    if (d.delta0 <= 0.0) {
        p.notes.push_back("quiescent state: every covariance vanishes, so no dimension is defined");
        return;
    }
    zeroFrequencyByLinearEquivalence(p, g, d.g_eff, d.a_phi_zf, sigma);
    const std::string error = attempt([&] {
        const DmftCorrelation c = solveWhiteNoiseCorrelation(phi, g, sigma);
        equalTimeDimension(p, c, g, d.a_phi);
        stateCovariances(p, c, g, sigma, 0.0);
    });
    if (!error.empty())
        for (const Variable v : kVariables)
            p.at(v, CovarianceKind::EqualTime).at(Statistic::PrOverN) =
                TheoryQuantity::omitted("DMFT correlation solver failed: " + error);
    equalTimeFromDiscreteSite(p, spec, options);
}

void predictColoredNoiseDmft(TheoryPrediction& p, const EnsembleSpec& spec, const PredictOptions& options) {
    p.route = "dmft_colored_noise";
    const double g = spec.coupling.g, sigma = spec.noise.sigma;
    const DmftCorrelation c = solveColoredNoiseCorrelation(spec.network.activation, g, sigma, spec.noise.tau);
    setGains(p, c.delta0, c.gamma, c.g_eff);
    p.chaotic = TheoryQuantity::omitted("the chaos criterion is derived for white noise only");
    const double a_phi = c.c_phi.empty() ? 0.0 : c.c_phi.front();
    setSingleSite(p.at(Variable::X, CovarianceKind::EqualTime), c.delta0, Basis::Exact);
    setSingleSite(p.at(Variable::Phi, CovarianceKind::EqualTime), a_phi, Basis::Exact);
    if (c.delta0 <= 0.0) return;
    zeroFrequencyByLinearEquivalence(p, g, c.g_eff, activationSpectrum(c, 0.0), sigma);
    equalTimeDimension(p, c, g, a_phi);
    stateCovariances(p, c, g, sigma, spec.noise.tau);
    equalTimeFromDiscreteSite(p, spec, options);
}

// ---- nonlinear phi with partially symmetric J: the Gaussian closure (docs/theory/partial_symmetry.md) ----

const char* const kClosureNote =
    "coupling.symmetry != 0: every value comes from the Gaussian closure of linear equivalence (an "
    "approximation, single-site values included: x is not Gaussian when eta != 0; "
    "docs/theory/partial_symmetry.md); the exact single site is sampled unless turned off (quench theory "
    "--closure-only, quench validate --quick, theory curves)";

// m2, N dc2 and PR/N of phi and x from the sampled site's linear response (docs/theory/sampled_dmft.md,
// section 6), over the closure's; each with its Monte-Carlo se.
void setSampledFourPoint(TheoryPrediction& p, const SampledDmft& s) {
    if (!s.four_point_failure.empty()) return;
    const auto set = [](CovariancePrediction& c, const SampledFourPoint& f) {
        setLinearResponseFourPoint(c, f);
        c.at(Statistic::M3) = TheoryQuantity::omitted(
            "Tr C^3 / N is not derived for the sampled site (eta != 0 or random-mode overlap)");
    };
    set(p.at(Variable::Phi, CovarianceKind::EqualTime), s.phi_et);
    set(p.at(Variable::Phi, CovarianceKind::ZeroFrequency), s.phi_zf);
    set(p.at(Variable::X, CovarianceKind::EqualTime), s.x_et);
    set(p.at(Variable::X, CovarianceKind::ZeroFrequency), s.x_zf);
}

// The single-site values of the exact DMFT, sampled (docs/theory/sampled_dmft.md), over the closure's.
void setSampledSingleSite(TheoryPrediction& p, const EnsembleSpec& spec) {
    const std::shared_ptr<const SampledDmft> s = sampledDmftOf(spec);
    const double g = spec.coupling.g;
    p.delta0 = TheoryQuantity::sampled(s->delta0.value, s->delta0.se, Basis::Exact);
    p.gamma = TheoryQuantity::sampled(s->gamma.value, s->gamma.se, Basis::Exact);
    p.g_eff = TheoryQuantity::sampled(g * s->gamma.value, g * s->gamma.se, Basis::Exact);
    auto set = [](CovariancePrediction& c, const SampledValue& v) {
        for (const Statistic st : {Statistic::AutoMean, Statistic::M1})
            c.at(st) = TheoryQuantity::sampled(v.value, v.se, Basis::Exact);
    };
    set(p.at(Variable::X, CovarianceKind::EqualTime), s->delta0);
    set(p.at(Variable::Phi, CovarianceKind::EqualTime), s->a_phi);
    set(p.at(Variable::X, CovarianceKind::ZeroFrequency), s->zf_x);
    set(p.at(Variable::Phi, CovarianceKind::ZeroFrequency), s->zf_phi);
    setSampledFourPoint(p, *s);
    std::ostringstream note;
    note << "delta0, gamma, g_eff and the ET and ZF auto means are the exact DMFT's (its reaction term: "
            "coupling.symmetry != 0, or random-mode couplings with mode overlap), "
            "solved by sampling its single site at dt = "
         << s->dt << " (" << s->sampled_steps << " site steps; each value carries its Monte-Carlo se, e.g. "
         << "E phi^2 = " << s->a_phi.value << " +- " << s->a_phi.se << "; docs/theory/sampled_dmft.md); "
         << (s->four_point_failure.empty()
                 ? "the four-point statistics of phi and x (m2, N dc2, PR/N) come from the sampled site's "
                   "linear response (derived; sampled_dmft.md section 6), stability_margin from the closure"
                 : "the four-point statistics are the Gaussian closure's (" + s->four_point_failure + ")");
    p.notes.push_back(note.str());
}

// x's m2, N dc2 and PR/N under a closure of linear equivalence (`closure` names it in messages), ZF and ET
// from the given computations; m3 not derived.
void setClosureStateFourPoint(TheoryPrediction& p, const std::string& closure,
                              const std::function<LinearMoments()>& zero_frequency,
                              const std::function<LinearMoments()>& equal_time) {
    const Basis b = Basis::LinearEquivalence;
    const auto set = [&](CovarianceKind k, const std::function<LinearMoments()>& moments) {
        CovariancePrediction& x = p.at(Variable::X, k);
        const std::string error = attempt([&] {
            const LinearMoments m = moments();
            // m2 and PR/N on the reported auto mean (the closure's own, equal to m's to its tau grid).
            const TheoryQuantity& a = x.at(Statistic::AutoMean);
            setStateFourPoint(x, a.available() ? *a.value : m.auto_mean, m, b);
        });
        x.at(Statistic::M3) = TheoryQuantity::omitted("Tr C^3 / N is not derived for the " + closure);
        if (error.empty()) return;
        const std::string why = closure + ", x four-point statistics failed: " + error;
        for (const Statistic s : {Statistic::M2, Statistic::PrOverN}) x.at(s) = TheoryQuantity::omitted(why);
        x.n_cross_var = TheoryQuantity::omitted(why);
    };
    set(CovarianceKind::ZeroFrequency, zero_frequency);
    set(CovarianceKind::EqualTime, equal_time);
}

void predictPartiallySymmetric(TheoryPrediction& p, const EnsembleSpec& spec,
                               const PredictOptions& predict_options) {
    p.route = "dmft_partial_symmetry";
    const Basis b = Basis::LinearEquivalence;
    const Activation& phi = spec.network.activation;
    const double g = spec.coupling.g, eta = spec.coupling.symmetry, sigma = spec.noise.sigma;
    DmftGridOptions options;
    options.dt = 0.02;
    const DmftCorrelation c = solvePartiallySymmetricCorrelation(phi, g, eta, sigma, options, spec.noise.tau);
    setGains(p, c.delta0, c.gamma, c.g_eff);
    for (TheoryQuantity* q : {&p.delta0, &p.gamma, &p.g_eff}) q->basis = b;
    p.stability_margin = TheoryQuantity::of(1.0 - c.g_eff * (1.0 + eta), b);
    p.chaotic = TheoryQuantity::omitted("the chaos criterion is derived for eta = 0 only");
    const double a_phi = c.c_phi.front();
    setSingleSite(p.at(Variable::X, CovarianceKind::EqualTime), c.delta0, b);
    setSingleSite(p.at(Variable::Phi, CovarianceKind::EqualTime), a_phi, b);
    // L(w) tabulated (each evaluation sums the whole C_phi grid; the ET quadrature asks for it at many
    // thousand frequencies).
    const double tau_n = spec.noise.tau;  // slow noise narrows L(w) to a width ~ 1 / tau_n
    const double scale =
        std::min(std::sqrt(std::max(1e-3, 1.0 - c.g_eff * (1.0 + eta))), tau_n > 1.0 ? 1.0 / tau_n : 1.0);
    const TabulatedSpectrum noise([&](double w) { return partiallySymmetricEquivalentNoise(c, g, eta, w); },
                                  scale, 0.25 / c.dt, 4096);
    // phi ZF: the linear partially symmetric ZF statistics at g_eff driven by white noise of power L(0).
    CovariancePrediction& zf = p.at(Variable::Phi, CovarianceKind::ZeroFrequency);
    std::string error = attempt([&] {
        setMoments(zf, linearZeroFrequencyPartiallySymmetric(c.g_eff, eta, std::sqrt(noise(0.0))), b);
        setSingleSite(zf, activationSpectrum(c, 0.0), b);
    });
    if (!error.empty()) omitCovariance(zf, "partially symmetric closure, phi ZF failed: " + error);
    error = attempt([&] {
        setSingleSite(p.at(Variable::X, CovarianceKind::ZeroFrequency),
                      partiallySymmetricStateSpectrum(c, g, eta, sigma, 0.0, spec.noise.tau), b);
    });
    if (!error.empty())
        omitCovariance(p.at(Variable::X, CovarianceKind::ZeroFrequency),
                       "partially symmetric closure failed: " + error);
    // x's statistics: partial_symmetry.md section 7
    setClosureStateFourPoint(
        p, "partially symmetric closure",
        [&] { return partiallySymmetricStateZeroFrequency(c, g, eta, sigma, tau_n); },
        [&] { return partiallySymmetricStateEqualTime(c, g, eta, sigma, tau_n, scale); });
    // phi ET: the planar limits of the linear ET statistics with site noise L(w).
    CovariancePrediction& et = p.at(Variable::Phi, CovarianceKind::EqualTime);
    error = attempt([&] {
        const LinearFirstOrder::Limit l =
            linearEqualTimeFirstOrderWithNoise(c.g_eff, eta, DiagonalConvention::Gaussian, noise, scale)
                .limit;
        et.at(Statistic::M2) = TheoryQuantity::of(l.m2, b);
        et.at(Statistic::PrOverN) = TheoryQuantity::of(l.pr_over_n, b);
        et.n_cross_var = TheoryQuantity::of(l.n_cross_var, b);
        et.at(Statistic::M3) =
            TheoryQuantity::omitted("Tr C^3 / N is not derived for the partially symmetric closure");
    });
    if (!error.empty())
        et.at(Statistic::PrOverN) =
            TheoryQuantity::omitted("partially symmetric closure, phi ET failed: " + error);
    if (samplesSingleSite(spec, predict_options)) {
        const std::string sampled = attempt([&] { setSampledSingleSite(p, spec); });
        if (sampled.empty()) return;
        p.notes.push_back("the sampled DMFT failed (" + sampled + "): single-site values from the closure");
    }
    p.notes.push_back(kClosureNote);
}

void predictDmft(TheoryPrediction& p, const EnsembleSpec& spec, const PredictOptions& options) {
    for (const Variable v : kVariables) {
        omitCovariance(p.at(v, CovarianceKind::EqualTime),
                       v == Variable::X ? kNoXFourPoint : "not covered by the theory for this model");
        omitCovariance(p.at(v, CovarianceKind::ZeroFrequency),
                       v == Variable::X ? kNoXFourPoint : "not covered by the theory for this model");
    }
    p.chaotic = TheoryQuantity::omitted("not computed");
    const std::string error = attempt([&] {
        if (spec.coupling.symmetry != 0.0)
            predictPartiallySymmetric(p, spec, options);
        else if (spec.noise.tau > 0.0)
            predictColoredNoiseDmft(p, spec, options);
        else
            predictWhiteNoiseDmft(p, spec, options);
    });
    if (!error.empty()) omitAll(p, "DMFT has no stationary solution here: " + error);
    p.density_reason = "no closed form for a nonlinear network (the ZF density is known for linear iid J)";
}

// Random-mode couplings: without mode overlap single-site quantities equal those of iid J with the same g
// (derived). The linear ZF four-point statistics come from the mode-spectrum theory (they depend on N through
// kappa = g^4 N / PR_D); without mode overlap the all-frequency kernel with its kappa factor gives the
// linear ET ones and, by linear equivalence, phi's and x's (the state traces with the kappa factor); with
// overlap the cavities, and for a nonlinear phi the sampled site or the closure (randomModeOverlapClosure).
const char* const kRandomModeFourPoint =
    "random-mode couplings: four-point statistics are derived for the linear ZF and ET covariances (m2, "
    "N dc2, PR/N; not Tr C^3) and for x and phi of nonlinear networks (with mode overlap from the sampled "
    "exact site or the Gaussian closure of linear equivalence)";

using detail::kOverlapNodes;
using detail::modeSpectrumOf;
using detail::uncorrelatedModes;

// kappa = (1/N) sum_a D_a^4 of the spec's mode spectrum (the factor of the random-mode four-point kernel).
double randomModeKappa(const EnsembleSpec& spec) {
    double sum = 0.0;
    for (const double v : modeSpectrumOf(spec)) sum += v * v * v * v;
    return sum / spec.network.n;
}

// Linear network, rho = 0: ET dimension from the all-frequency kernel with the kappa factor (derived; at
// w = w' = 0 it is the ZF closed form). phi = x.
void randomModeLinearEqualTime(TheoryPrediction& p, const EnsembleSpec& spec) {
    CovariancePrediction& et = p.at(Variable::X, CovarianceKind::EqualTime);
    const TheoryQuantity a = et.at(Statistic::AutoMean);
    if (!a.available()) return;
    const std::string error = attempt([&] {
        const DmftCorrelation c =
            solveNoiseCorrelation(spec.network.activation, spec.coupling.g, spec.noise.sigma, spec.noise.tau);
        setFromDimension(et, *a.value,
                         equalTimeActivationDimension(c, spec.coupling.g, 200, randomModeKappa(spec)),
                         Basis::Derived);
    });
    if (!error.empty())
        et.at(Statistic::PrOverN) = TheoryQuantity::omitted("random-mode ET theory failed: " + error);
    p.at(Variable::Phi, CovarianceKind::EqualTime) = et;
}

// Nonlinear phi, rho = 0: linear equivalence with the effective coupling gamma J, itself random-mode with
// kappa_eff = gamma^4 kappa: ZF PR/N = (1 - g_eff^2)^2 / (1 + kappa_eff), ET from the kappa kernel; x's
// statistics from docs/theory/state_covariance.md's traces, whose K K' trace carries the same factor.
void randomModeActivationStatistics(TheoryPrediction& p, const EnsembleSpec& spec) {
    CovariancePrediction& zf = p.at(Variable::Phi, CovarianceKind::ZeroFrequency);
    CovariancePrediction& et = p.at(Variable::Phi, CovarianceKind::EqualTime);
    const TheoryQuantity a_zf = zf.at(Statistic::AutoMean), a_et = et.at(Statistic::AutoMean);
    if (!a_zf.available() || !a_et.available()) return;
    const std::string error = attempt([&] {
        const double kappa = randomModeKappa(spec);
        const DmftCorrelation c =
            solveNoiseCorrelation(spec.network.activation, spec.coupling.g, spec.noise.sigma, spec.noise.tau);
        const double g_eff2 = c.g_eff * c.g_eff, gamma2 = c.gamma * c.gamma;
        const double pr_zf = (1.0 - g_eff2) * (1.0 - g_eff2) / (1.0 + gamma2 * gamma2 * kappa);
        setFromDimension(zf, *a_zf.value, pr_zf, Basis::LinearEquivalence);
        setFromDimension(et, *a_et.value, equalTimeActivationDimension(c, spec.coupling.g, 200, kappa),
                         Basis::Derived);
        stateCovariances(p, c, spec.coupling.g, spec.noise.sigma, spec.noise.tau, kappa);
    });
    if (!error.empty())
        for (CovariancePrediction* q : {&zf, &et})
            q->at(Statistic::PrOverN) =
                TheoryQuantity::omitted("random-mode linear equivalence failed: " + error);
}

// With mode overlap the bulk of eig J is shifted (mean sum rho_a D_a / N) and no single-site value is
// that of iid J: a linear network's ET auto mean comes from the cavity at every frequency and its ET m2 from
// the two-copy cavity at every pair of frequencies; a nonlinear network's values from the Gaussian closure
// of linear equivalence with the same cavities.
const char* const kRandomModeOverlapClosureNote =
    "random-mode couplings with mode overlap in a nonlinear network: without the sampled exact single site "
    "(quench theory --closure-only, quench validate --quick, theory curves) every value comes from the "
    "Gaussian closure of linear equivalence (an approximation, single-site values included: it drops the "
    "reaction term through which x_i feels its own past phi_i; docs/theory/random_mode.md)";
// Nonlinear network, mode overlap, white or OU noise: the sampled exact site's single-site values and
// four-point statistics (docs/theory/sampled_dmft.md section 8); without it the closure's: Delta(tau),
// C_phi(tau), x's single-site values, phi's ZF and ET statistics as those of the linear network gamma J
// driven by the equivalent site noise L(w), x's from the closure's linear-equivalent network.
void randomModeOverlapClosure(TheoryPrediction& p, const EnsembleSpec& spec,
                              const PredictOptions& predict_options) {
    const Basis b = Basis::LinearEquivalence;
    const RandomModeSet m = detail::overlapModesOf(spec);
    DmftGridOptions options;
    options.dt = 0.02;
    const double sigma = spec.noise.sigma;
    const DmftCorrelation c = detail::randomModeOverlapCorrelationOf(spec, options);
    p.route = "random_mode_overlap_closure";
    p.notes.push_back(kRandomModeOverlapClosureNote);
    setGains(p, c.delta0, c.gamma, c.g_eff);
    for (TheoryQuantity* q : {&p.delta0, &p.gamma, &p.g_eff}) q->basis = b;
    p.stability_margin = TheoryQuantity::omitted(
        "with mode overlap the edge of the bulk of eig J is not 1 - g (it shifts by sum rho_a D_a / N)");
    p.chaotic = TheoryQuantity::omitted("the chaos criterion is derived for iid couplings only");
    setSingleSite(p.at(Variable::X, CovarianceKind::EqualTime), c.delta0, b);
    setSingleSite(p.at(Variable::Phi, CovarianceKind::EqualTime), c.c_phi.front(), b);
    std::vector<double> dg(m.d);
    for (double& d : dg) d *= c.gamma;
    const TabulatedSpectrum noise = randomModeOverlapEquivalentNoise(c, m.d, m.n, m.rho, 0.25 / c.dt);
    CovariancePrediction& zf = p.at(Variable::Phi, CovarianceKind::ZeroFrequency);
    setSingleSite(zf, activationSpectrum(c, 0.0), b);
    std::string error = attempt([&] {
        setSingleSite(
            p.at(Variable::X, CovarianceKind::ZeroFrequency),
            randomModeOverlapStateSpectrum(c, m.d, m.n, m.rho, sigma, {0.0}, spec.noise.tau).front(), b);
    });
    if (!error.empty())
        omitCovariance(p.at(Variable::X, CovarianceKind::ZeroFrequency),
                       "random-mode overlap closure failed: " + error);
    // The exact single site with its reaction through the modes (sampled_dmft.md section 8) replaces the
    // closure's single-site values and, where its linear-response network is stationary, its four-point
    // statistics; otherwise those are the closure's dimensions (phi) and N dc2 (x) on the auto means.
    if (samplesSingleSite(spec, predict_options)) {
        const std::string sampling = attempt([&] { setSampledSingleSite(p, spec); });
        if (sampling.empty() && sampledDmftOf(spec)->four_point_failure.empty()) return;
        if (!sampling.empty())
            p.notes.push_back("the sampled DMFT failed (" + sampling +
                              "): single-site values from the closure");
    }
    error = attempt([&] {
        const RandomModeZeroFrequency r = randomModeZeroFrequency(dg, m.n, m.rho, std::sqrt(noise(0.0)));
        setFromDimension(zf, *zf.at(Statistic::AutoMean).value, r.pr_over_n, b);
    });
    if (!error.empty()) omitCovariance(zf, "random-mode overlap closure, phi ZF failed: " + error);
    const RandomModeLinearEquivalent network =
        randomModeOverlapLinearEquivalent(c, m.d, m.n, m.rho, sigma, spec.noise.tau, noise);
    setClosureStateFourPoint(
        p, "random-mode overlap closure", [&] { return randomModeStateZeroFrequency(network); },
        [&] { return randomModeStateEqualTime(network); });
    CovariancePrediction& et = p.at(Variable::Phi, CovarianceKind::EqualTime);
    error = attempt([&] {
        const double width = spec.noise.tau > 1.0 ? 1.0 / spec.noise.tau : 1.0;  // of L(w)
        const RandomModeZeroFrequency r = randomModeEqualTimeWithNoise(dg, m.n, m.rho, noise, width);
        setFromDimension(et, *et.at(Statistic::AutoMean).value, r.pr_over_n, b);
    });
    if (!error.empty())
        et.at(Statistic::PrOverN) =
            TheoryQuantity::omitted("random-mode overlap closure, phi ET failed: " + error);
}

void randomModeLinearEqualTimeWithOverlap(TheoryPrediction& p, const EnsembleSpec& spec) {
    const CouplingSpec& c = spec.coupling;
    CovariancePrediction& et = p.at(Variable::X, CovarianceKind::EqualTime);
    const std::string error = attempt([&] {
        const RandomModeZeroFrequency r = randomModeEqualTimeUniformOverlap(
            modeSpectrumOf(spec), spec.network.n, c.overlap, c.overlap_spread, spec.noise.sigma,
            spec.noise.tau, kOverlapNodes);
        setSingleSite(et, r.auto_mean, Basis::Exact);
        setFromDimension(et, r.auto_mean, r.pr_over_n, Basis::Exact);
    });
    if (!error.empty()) omitCovariance(et, "random-mode ET theory with overlap failed: " + error);
    p.delta0 = et.at(Statistic::AutoMean);
    for (TheoryQuantity* q : {&p.gamma, &p.g_eff})  // gamma = 1 for a linear network
        if (q->available()) q->basis = Basis::Exact;
    p.stability_margin = TheoryQuantity::omitted(
        "with mode overlap the edge of the bulk of eig J is not 1 - g (it shifts by sum rho_a D_a / N)");
    p.at(Variable::Phi, CovarianceKind::EqualTime) = et;
}

void randomModeLinearZeroFrequency(TheoryPrediction& p, const EnsembleSpec& spec) {
    const CouplingSpec& c = spec.coupling;
    CovariancePrediction& zf = p.at(Variable::X, CovarianceKind::ZeroFrequency);
    const std::string error = attempt([&] {
        const RandomModeZeroFrequency r = randomModeZeroFrequencyUniformOverlap(
            modeSpectrumOf(spec), spec.network.n, c.overlap, c.overlap_spread, spec.noise.sigma);
        const Basis b = r.exact ? Basis::Exact : Basis::Derived;
        setSingleSite(zf, r.auto_mean, b);
        zf.at(Statistic::M2) = TheoryQuantity::of(r.m2, b);
        zf.n_cross_var = TheoryQuantity::of(r.n_cross_var, b);
        zf.at(Statistic::PrOverN) = TheoryQuantity::of(r.pr_over_n, b);
        zf.at(Statistic::M3) = TheoryQuantity::omitted("Tr C^3 / N is not derived for random-mode couplings");
    });
    if (!error.empty()) omitCovariance(zf, "random-mode zero-frequency theory failed: " + error);
    p.at(Variable::Phi, CovarianceKind::ZeroFrequency) = zf;
}

void restrictToSingleSite(TheoryPrediction& p, const EnsembleSpec& spec, const PredictOptions& options) {
    for (auto& per_variable : p.covariance)
        for (CovariancePrediction& c : per_variable) {
            for (const Statistic s : {Statistic::PrOverN, Statistic::M2, Statistic::M3})
                c.at(s) = TheoryQuantity::omitted(kRandomModeFourPoint);
            c.n_cross_var = TheoryQuantity::omitted(kRandomModeFourPoint);
            for (const Statistic s : {Statistic::AutoMean, Statistic::M1})
                if (c.at(s).available()) c.at(s).basis = Basis::Derived;
        }
    for (TheoryQuantity* q : {&p.delta0, &p.gamma, &p.g_eff, &p.stability_margin})
        if (q->available()) q->basis = Basis::Derived;
    p.zero_frequency_density = {};
    p.density_reason = "random-mode couplings: no closed form for the eigenvalue density";
    const bool linear = p.route == "linear";
    if (!linear && !uncorrelatedModes(spec.coupling)) {
        const std::string error = attempt([&] { randomModeOverlapClosure(p, spec, options); });
        if (!error.empty()) omitAll(p, "random-mode overlap closure failed: " + error);
        return;
    }
    const bool stable = p.stability_margin.available() && *p.stability_margin.value > 0.0;
    if (!stable) return;
    if (linear) {
        randomModeLinearZeroFrequency(p, spec);
        if (uncorrelatedModes(spec.coupling))
            randomModeLinearEqualTime(p, spec);
        else
            randomModeLinearEqualTimeWithOverlap(p, spec);
    } else if (p.delta0.available() && *p.delta0.value > 0.0) {
        randomModeActivationStatistics(p, spec);
    }
}

// Why no theory here covers the model, or "" when one does.
std::string uncoveredReason(const EnsembleSpec& spec) {
    const Activation& phi = spec.network.activation;
    const bool linear = phi.kind == ActivationKind::Linear;
    if (!phi.odd())
        return "phi is not odd (relu, threshold-linear, or an asymmetric Pade): the static mean field of "
               "E[phi] != 0 "
               "enters every covariance and is not in this prediction";
    if (spec.coupling.mean != 0.0)
        return "coupling.mean != 0: the mean-field outlier and the possible symmetry breaking are not in "
               "this prediction";
    if (spec.noise.input != 0.0 && !linear)
        return "noise.input != 0 shifts the operating point of phi; the mean-field theory with inputs is not "
               "in this prediction";
    if (spec.coupling.symmetry != 0.0 && !linear) {
        if (spec.coupling.model != CouplingModel::Iid)
            return "coupling.symmetry != 0 with random-mode couplings: the partially symmetric closure is "
                   "derived for iid Gaussian couplings only";
        if (spec.coupling.disorder == Disorder::Annealed)
            return "coupling.symmetry != 0 with annealed disorder: the partially symmetric closure "
                   "is derived for quenched couplings only";
    }
    return "";
}

void deriveZScored(TheoryPrediction& p);
void deriveZScored(CovariancePrediction& c);

// ---- per-neuron gains and time constants (docs/theory/heterogeneity.md) ----

// The simulator's recursion with the gains in classes: tanh, erf, Pade (as usesDiscreteSite) or linear phi;
// the gains route has already required iid, quenched J with eta = 0.
bool usesDiscreteGainSite(const EnsembleSpec& spec, const PredictOptions& options) {
    return (usesDiscreteSite(spec, options) && smoothActivation(spec)) ||
           (options.sample_single_site && spec.network.activation.kind == ActivationKind::Linear);
}

// Where the neurons' time constants differ, or the noise is colored in a nonlinear network, the continuous
// white-noise DMFT with gains does not hold: the discrete site with the neurons in classes of time constant
// and gain gives the ET statistics, and for nonlinear phi the ZF ones too (neuron_class_four_point.hpp;
// heterogeneity.md, section 6).
bool usesClassSite(const EnsembleSpec& spec) {
    const bool linear = spec.network.activation.kind == ActivationKind::Linear;
    return perNeuron(spec.network.tau) || (!linear && spec.noise.tau > 0.0);
}

const char* const kClassSiteOnly =
    "per-neuron time constants, or colored noise with per-neuron gains, in a nonlinear network: the "
    "statistics come from the simulator's discrete site with the neurons in classes (tanh, erf or Pade phi, "
    "single-site sampling on)";

// Why the heterogeneous-neuron theory does not cover the model, or "" when it does (at least in part).
std::string heterogeneityUncoveredReason(const EnsembleSpec& spec, const PredictOptions& options) {
    const bool linear = spec.network.activation.kind == ActivationKind::Linear;
    if (spec.coupling.model != CouplingModel::Iid)
        return "per-neuron gains or time constants with random-mode couplings are not derived";
    if (spec.coupling.symmetry != 0.0)
        return "per-neuron gains or time constants with partially symmetric J (coupling.symmetry != 0) are "
               "not derived";
    if (!linear && perNeuron(spec.network.tau) && !usesDiscreteGainSite(spec, options))
        return std::string(kClassSiteOnly) +
               "; every neuron has its own Delta_i(tau), and the continuous DMFT "
               "with a distribution of time constants is not derived";
    return "";
}

// The zero-frequency covariance of a linear network does not depend on the time constants nor on the
// noise's correlation time (at w = 0, tau_i dx_i/dt drops out and the noise has power sigma^2): only the
// equal-time quantities need tau_i = 1. The continuous-time DMFT with gains (solveHeterogeneousGains) is for
// white noise and equal time constants; the simulator's discrete site takes either noise, and with the
// neurons in classes of time constant any tau_i (usesClassSite).
bool equalTimeCovered(const EnsembleSpec& spec) {
    return !perNeuron(spec.network.tau);
}

// Where solveHeterogeneousGains holds: white noise and equal time constants, or a linear network at zero
// frequency.
bool whiteNoiseGainTheoryCovers(const EnsembleSpec& spec) {
    return spec.network.activation.kind == ActivationKind::Linear ||
           (spec.noise.tau == 0.0 && !perNeuron(spec.network.tau));
}

void setZeroFrequency(CovariancePrediction& c, const theory::HeterogeneousZeroFrequency& z, Basis b) {
    setSingleSite(c, z.a, Basis::Exact);
    c.at(Statistic::M2) = TheoryQuantity::of(z.m2, b);
    c.n_cross_var = TheoryQuantity::of(z.n_cross_var, b);
    c.at(Statistic::PrOverN) = TheoryQuantity::of(z.pr_over_n, b);
    c.at(Statistic::M3) = TheoryQuantity::omitted("Tr C^3 / N is not derived with per-neuron gains");
}

// The z-scored statistics of a covariance whose diagonal is heterogeneous at O(1): from the separable
// profile with the columns rescaled by the diagonal (not the rescaling of deriveZScored).
void setZScored(CovariancePrediction& c, const theory::HeterogeneousZeroFrequency& z) {
    c.at(Statistic::ZM2) = TheoryQuantity::of(z.z_m2, Basis::Derived);
    c.at(Statistic::ZPrOverN) = TheoryQuantity::of(z.z_pr_over_n, Basis::Derived);
    c.z_n_cross_var = TheoryQuantity::of(z.z_n_cross_var, Basis::Derived);
}

// With per-neuron gains or time constants the C_ii differ at O(1): at N = infinity every neuron of a class
// (of gain, of time constant) has its class's C_ii, so auto_var is their spread over the classes, exactly
// (the quadrature of the parameters' distribution aside). Its 1/N term is not derived.
struct ClassValue {
    double weight = 1.0;
    double value = 0.0;
};

void setClassSpread(CovariancePrediction& c, const std::vector<ClassValue>& classes) {
    double mean = 0.0, square = 0.0;
    for (const ClassValue& k : classes) {
        mean += k.weight * k.value;
        square += k.weight * k.value * k.value;
    }
    c.at(Statistic::AutoVar) = TheoryQuantity::of(std::max(0.0, square - mean * mean), Basis::Exact);
    c.firstOrder(Statistic::AutoVar) = TheoryQuantity::omitted(
        "auto_var is O(1) with per-neuron gains or time constants (the spread of C_ii over the neurons' "
        "parameters); its 1/N term is derived for the ET covariances (phi's with gains or time constants, "
        "x's with time constants) from the one loop (quench theory --order 1; docs/theory/heterogeneity.md, "
        "sections 9 and 10), not at zero frequency");
}

// auto_var of both variables at both frequencies from the classes' lag functions: x's from Delta_c, phi's
// from C_c (ET: lag 0; ZF: dt times the whole lag sum).
void setClassSpreads(TheoryPrediction& p, const std::vector<double>& weights,
                     const std::vector<const std::vector<double>*>& x,
                     const std::vector<const std::vector<double>*>& phi, double dt, bool zero_frequency) {
    const auto spread = [&](Variable v, CovarianceKind kind,
                            const std::vector<const std::vector<double>*>& f) {
        std::vector<ClassValue> values;
        for (std::size_t k = 0; k < f.size(); ++k)
            values.push_back({weights[k], kind == CovarianceKind::EqualTime
                                              ? f[k]->front()
                                              : detail::zeroFrequencyPower(*f[k], dt)});
        setClassSpread(p.at(v, kind), values);
    };
    for (const CovarianceKind kind : {CovarianceKind::EqualTime, CovarianceKind::ZeroFrequency}) {
        if (kind == CovarianceKind::ZeroFrequency && !zero_frequency) continue;
        spread(Variable::X, kind, x);
        spread(Variable::Phi, kind, phi);
    }
}

// The classes' mean within-class spreads E_c kappa_c of the ET C_ii (heterogeneity.md, sections 8-10), where
// the discrete site computed them for the one loop to complete (x's only with time constants: with gains
// alone it is all of x's coefficient, set directly).
struct ClassKappas {
    std::optional<double> x, phi;
};

// With gains alone x's auto_var is O(1/N) (one field, one leak: x's spread over the classes is 0), and its
// 1/N coefficient is the mean over the classes of the within-class spread, ET and ZF (site_auto_variance.hpp;
// docs/theory/heterogeneity.md, section 8). phi's keeps the O(1) spread; when phi_kappa asks, the classes'
// mean within-class spread E_b kappa_b (ET) is returned as the part of its 1/N term that needs no sampling:
// the one loop adds the rest (setHeterogeneousOneLoop), and with gains without a spread it is all of it, set
// here.
std::optional<double> setGainClassAutoVariances(TheoryPrediction& p, const EnsembleSpec& spec,
                                                const std::vector<GainNode>& gains,
                                                const std::vector<detail::GainClassSite>& classes,
                                                const std::vector<double>& delta,
                                                const StepCoefficients& step, bool phi_kappa) {
    const std::string error = attempt([&] {
        const detail::ClassXAutoVariance kappa = detail::gainClassXAutoVariance(
            classes, delta, spec.coupling.g, step, spec.integration.dt, spec.coupling.zero_diagonal);
        p.at(Variable::X, CovarianceKind::EqualTime).firstOrder(Statistic::AutoVar) =
            TheoryQuantity::of(kappa.equal_time, Basis::Derived);
        p.at(Variable::X, CovarianceKind::ZeroFrequency).firstOrder(Statistic::AutoVar) =
            TheoryQuantity::of(kappa.zero_frequency, Basis::Derived);
    });
    if (!error.empty()) p.notes.push_back("x's site-to-site variance of C_ii failed (" + error + ")");
    if (!phi_kappa) return std::nullopt;
    std::optional<double> kappa;
    const std::string phi_error = attempt([&] {
        kappa = detail::gainClassPhiAutoVariance(spec.network.activation, gains, classes, delta,
                                                 spec.coupling.g, step, spec.coupling.zero_diagonal);
    });
    if (!phi_error.empty()) {
        p.notes.push_back("phi's site-to-site variance of C_ii failed (" + phi_error + ")");
        return std::nullopt;
    }
    // One gain for every neuron (no spread): phi's C_ii differ only at O(1/sqrt(N)) too, and its coefficient
    // is the one class's within-class spread (heterogeneity.md, section 9, with every Var_b and Cov_b 0).
    if (spec.network.gain.cv == 0.0)
        p.at(Variable::Phi, CovarianceKind::EqualTime).firstOrder(Statistic::AutoVar) =
            TheoryQuantity::of(*kappa, Basis::Derived);
    return kappa;
}

// Per-neuron gains, white or OU noise, equal time constants: the ET statistics of the simulator's recursion
// (the discrete site with the gains in classes) replace the continuous-time auto means, as for homogeneous
// units (equalTimeFromDiscreteSite), and add the four-point statistics: the tree level of the two-replica
// field with gain classes (gain_class_four_point.hpp; heterogeneity.md, section 5). Exact for linear phi; for
// nonlinear phi derived (the homogeneous all-frequency formula with the gains' classes).
// Returns phi's E_b kappa_b where the one loop or gains without a spread take it (setGainClassAutoVariances).
ClassKappas setGainClassSite(TheoryPrediction& p, const EnsembleSpec& spec, bool one_loop) {
    const Activation& phi = spec.network.activation;
    const std::vector<GainNode> gains = gainQuadrature(spec.network.gain);
    const StepCoefficients step = stepCoefficients(spec);
    const double g = spec.coupling.g;
    const detail::DiscreteGaussianSite site =
        detail::discreteGaussianSiteUntilDecayed(phi, gains, g, step, spec.integration.dt);
    const std::vector<detail::GainClassSite> classes = detail::gainClassSites(phi, gains, site.delta);
    const detail::GainClassFourPoint four = detail::gainClassEqualTime(classes, site.delta, g, step);
    const Basis basis = phi.kind == ActivationKind::Linear ? Basis::Exact : Basis::Derived;
    const auto set = [basis](CovariancePrediction& c, const SampledFourPoint& f) {
        setSingleSite(c, f.auto_mean.value, Basis::Exact);
        c.at(Statistic::M2) = TheoryQuantity::of(f.m2.value, basis);
        c.n_cross_var = TheoryQuantity::of(f.n_cross_var.value, basis);
        c.at(Statistic::PrOverN) = TheoryQuantity::of(f.pr_over_n.value, basis);
        c.at(Statistic::M3) = TheoryQuantity::omitted("Tr C^3 / N is not derived with per-neuron gains");
    };
    CovariancePrediction& x = p.at(Variable::X, CovarianceKind::EqualTime);
    CovariancePrediction& activation = p.at(Variable::Phi, CovarianceKind::EqualTime);
    set(x, four.x_et);
    set(activation, four.phi_et);
    std::vector<double> weights;
    std::vector<const std::vector<double>*> x_lags, phi_lags;
    for (const detail::GainClassSite& c : classes) {
        weights.push_back(c.weight);
        x_lags.push_back(&site.delta);  // one field, one leak: every gain class has the same Delta
        phi_lags.push_back(&c.c_phi);
    }
    setClassSpreads(p, weights, x_lags, phi_lags, spec.integration.dt, true);
    const std::optional<double> phi_spread = setGainClassAutoVariances(
        p, spec, gains, classes, site.delta, step, spec.network.gain.cv == 0.0 || one_loop);
    deriveZScored(x);  // x's diagonal concentrates: R = C / a
    activation.at(Statistic::ZM2) = TheoryQuantity::of(four.phi_et_z_m2, basis);
    activation.z_n_cross_var = TheoryQuantity::of(four.phi_et_z_m2 - 1.0, basis);
    activation.at(Statistic::ZPrOverN) = TheoryQuantity::of(1.0 / four.phi_et_z_m2, basis);
    if (spec.noise.tau > 0.0) {  // the white-noise DMFT gave no single-site numbers: the discrete site's
        const double gamma2 = detail::gammaSquared(classes);
        p.delta0 = TheoryQuantity::of(site.delta.front(), Basis::Exact);
        p.gamma = TheoryQuantity::of(std::sqrt(gamma2), Basis::Exact);
        if (!p.g_eff.available()) {
            p.g_eff = TheoryQuantity::of(g * std::sqrt(gamma2), Basis::Derived);
            p.stability_margin = TheoryQuantity::of(1.0 - g * std::sqrt(gamma2), Basis::LinearEquivalence);
        }
    }
    p.notes.push_back(
        "the ET statistics are those of the simulator's recursion at dt (the discrete site, the gains in "
        "classes); m2, N dc2 and PR/N from the two-replica field with gain classes "
        "(docs/theory/heterogeneity.md, section 5)");
    return {std::nullopt, phi_spread};
}

// The time constants' distribution in classes: fewer nodes than the gains' (its integrands are smooth in
// tau, and every class of time constant costs a site of its own and a pass over both frequency grids).
constexpr int kTimeConstantOrder = 16;

void setClassStatistics(CovariancePrediction& c, const SampledFourPoint& f, double z_m2, Basis basis) {
    setSingleSite(c, f.auto_mean.value, Basis::Exact);
    c.at(Statistic::M2) = TheoryQuantity::of(f.m2.value, basis);
    c.n_cross_var = TheoryQuantity::of(f.n_cross_var.value, basis);
    c.at(Statistic::PrOverN) = TheoryQuantity::of(f.pr_over_n.value, basis);
    c.at(Statistic::M3) = TheoryQuantity::omitted("Tr C^3 / N is not derived with per-neuron parameters");
    deriveZScored(c);  // the zero cross mean and the first-order reasons; the rest is replaced:
    c.at(Statistic::ZM2) = TheoryQuantity::of(z_m2, basis);
    c.z_n_cross_var = TheoryQuantity::of(z_m2 - 1.0, basis);
    c.at(Statistic::ZPrOverN) = TheoryQuantity::of(1.0 / z_m2, basis);
}

// Per-neuron time constants (any phi the discrete site takes), or colored noise with gains in a nonlinear
// network: the discrete site with the neurons in classes of time constant and gain, and the two-replica
// tree level with one leak filter per class (neuron_class_four_point.hpp; heterogeneity.md, section 6). The
// ET statistics always; the ZF ones for nonlinear phi (a linear network's are the exact separable profile,
// which does not depend on the time constants). Returns the within-class spreads the one loop completes
// (one_loop): phi's with gains alone (OU noise; setGainClassAutoVariances), x's and phi's with time constants
// (neuronClassAutoVariance).
ClassKappas setNeuronClassSite(TheoryPrediction& p, const EnsembleSpec& spec, bool one_loop) {
    const Activation& phi = spec.network.activation;
    const bool linear = phi.kind == ActivationKind::Linear;
    const double g = spec.coupling.g, dt = spec.integration.dt;
    const std::vector<GainNode> gains = gainQuadrature(spec.network.gain);
    std::vector<detail::TimeConstantClass> taus;
    for (const GainNode& node : gainQuadrature(spec.network.tau, kTimeConstantOrder))
        taus.push_back({node.weight, stepCoefficients(spec, node.b)});
    const std::vector<detail::TimeConstantClassSite> sites =
        detail::timeConstantClassSitesUntilDecayed(phi, gains, taus, g, dt);
    const std::vector<detail::NeuronClassPoint> points = detail::neuronClassPoints(phi, gains, sites);
    const detail::NeuronClassFourPoint four = detail::neuronClassFourPoint(points, g, dt);
    const Basis basis = linear ? Basis::Exact : Basis::Derived;
    const auto set = [&](CovarianceKind kind, const detail::ClassCovarianceStatistics& s) {
        setClassStatistics(p.at(Variable::X, kind), s.x, s.x_z_m2, basis);
        setClassStatistics(p.at(Variable::Phi, kind), s.phi, s.phi_z_m2, basis);
    };
    set(CovarianceKind::EqualTime, four.equal_time);
    if (!linear) set(CovarianceKind::ZeroFrequency, four.zero_frequency);
    std::vector<double> weights;
    std::vector<const std::vector<double>*> x_lags, phi_lags;
    for (const detail::NeuronClassPoint& c : points) {
        weights.push_back(c.weight);
        x_lags.push_back(&c.delta);
        phi_lags.push_back(&c.c_phi);
    }
    setClassSpreads(p, weights, x_lags, phi_lags, dt, !linear);
    ClassKappas kappas;
    if (!perNeuron(spec.network.tau)) {  // gains with colored noise: one leak, x's spread is O(1/N)
        std::vector<detail::GainClassSite> classes;
        for (const detail::NeuronClassPoint& c : points) classes.push_back({c.weight, c.gamma, c.c_phi});
        kappas.phi = setGainClassAutoVariances(p, spec, gains, classes, points.front().delta,
                                               points.front().step, spec.network.gain.cv == 0.0 || one_loop);
    } else if (one_loop) {  // x's and phi's within-class spreads, for the one loop to complete
        const std::string error = attempt([&] {
            const detail::NeuronClassAutoVariance kappa =
                detail::neuronClassAutoVariance(phi, points, g, spec.coupling.zero_diagonal);
            kappas.x = kappa.x;
            kappas.phi = kappa.phi;
        });
        if (!error.empty()) p.notes.push_back("the site-to-site variance of C_ii failed (" + error + ")");
    }
    // x's ZF C_ii spread over the classes only by their own noise's O(dt^2 / tau^2), so its auto_var's 1/N
    // coefficient is the within-class spread alone; the rest of section 10's terms are below 1e-4 of it here.
    if (perNeuron(spec.network.tau) && !linear) {
        const std::string error = attempt([&] {
            p.at(Variable::X, CovarianceKind::ZeroFrequency).firstOrder(Statistic::AutoVar) =
                TheoryQuantity::of(
                    detail::neuronClassXZeroFrequencyAutoVariance(points, g, dt, spec.coupling.zero_diagonal),
                    Basis::Derived);
        });
        if (!error.empty()) p.notes.push_back("x's ZF site-to-site variance of C_ii failed (" + error + ")");
    }
    double gamma2 = 0.0;
    for (const detail::NeuronClassPoint& c : points) gamma2 += c.weight * c.gamma * c.gamma;
    p.delta0 = TheoryQuantity::of(four.equal_time.x.auto_mean.value, Basis::Exact);
    p.gamma = TheoryQuantity::of(std::sqrt(gamma2), Basis::Exact);
    if (!linear) {
        p.g_eff = TheoryQuantity::of(g * std::sqrt(gamma2), Basis::Derived);
        p.stability_margin = TheoryQuantity::of(1.0 - g * std::sqrt(gamma2), Basis::LinearEquivalence);
    }
    std::ostringstream note;
    note << "the " << (linear ? "ET" : "ET and ZF")
         << " statistics are those of the simulator's recursion at dt = " << dt << " with the neurons in "
         << taus.size() << " classes of time constant x " << gains.size() << " of gain ("
         << sites.front().delta.size()
         << " lags); m2, N dc2, PR/N and the z-scored m2 from the two-replica field with one leak filter per "
            "class (docs/theory/heterogeneity.md, section 6); delta0 is the mean Var x_i";
    p.notes.push_back(note.str());
    return kappas;
}

// The one loop with classes of time constant: fewer than the N = infinity site's 16, since every class
// marches its own self field along every path and has its own self-response kernel (lags^3 each). 8 classes
// while classes x lags stays within twice the single class's cap (at dt = 0.05 and a window of 20 time units,
// 8 x 401 lags: 17 s a point on two cores), 4 beyond (the default dt = 0.01: 4 x 2001 lags, 163 s of CPU
// time). Tanh, g = 1, dt = 0.05, 128 paths, tau lognormal: 4 and 8 classes agree within 0.3 standard errors
// at cv 0.5 and 1 (one_loop_site.md, section 12); 2 classes do not at cv 1 (phi 2.6 standard errors off).
constexpr int kOneLoopTimeConstantClasses = 8;
constexpr int kFewestOneLoopTimeConstantClasses = 4;

int oneLoopClassCount(const EnsembleSpec& spec) {
    if (spec.network.tau.distribution == NeuronDistribution::None) return 1;
    const bool all = kOneLoopTimeConstantClasses * oneLoopLags(spec) <= 2.0 * kMaxOneLoopLags + 1e-9;
    return all ? kOneLoopTimeConstantClasses : kFewestOneLoopTimeConstantClasses;
}

std::vector<detail::TimeConstantClass> oneLoopTimeConstantClasses(const EnsembleSpec& spec) {
    std::vector<detail::TimeConstantClass> taus;
    for (const GainNode& node : gainQuadrature(spec.network.tau, oneLoopClassCount(spec)))
        taus.push_back({node.weight, stepCoefficients(spec, node.b)});
    return taus;
}

// The one loop of a network with per-neuron gains or time constants: the models the discrete site takes, and
// a linear phi too, for which no other route gives these 1/N terms (the exact linear formulas have one class
// of neuron; sections 11 and 12 check the expansion against exact finite-N covariances).
bool usesHeterogeneousOneLoop(const EnsembleSpec& spec, const PredictOptions& options) {
    const bool linear_iid = spec.network.activation.kind == ActivationKind::Linear &&
                            options.sample_single_site && spec.coupling.model == CouplingModel::Iid &&
                            spec.coupling.symmetry == 0.0 && spec.coupling.disorder == Disorder::Quenched;
    return options.sample_one_loop && oneLoopAffordable(spec) &&
           ((usesDiscreteSite(spec, options) && smoothActivation(spec)) || linear_iid);
}

// Returns the classes' within-class spreads for the one loop to complete (ClassKappas); they are computed
// only where something takes them: gains without a spread, or the one loop.
ClassKappas setHeterogeneousDiscreteSite(TheoryPrediction& p, const EnsembleSpec& spec,
                                         const PredictOptions& options) {
    if (!usesDiscreteGainSite(spec, options)) return {};
    const bool one_loop = usesHeterogeneousOneLoop(spec, options);
    return usesClassSite(spec) ? setNeuronClassSite(p, spec, one_loop) : setGainClassSite(p, spec, one_loop);
}

// Their 1/N terms: the one-loop expansion with a site of random gain (one_loop_site.md, section 11) and with
// classes of time constant (section 12), either diagonal. kappas: the discrete site's within-class spreads,
// to which the one loop's parts of the ET auto_var terms are added (sampled, their se beside them;
// heterogeneity.md, sections 9 and 10).
void setHeterogeneousOneLoop(TheoryPrediction& p, const EnsembleSpec& spec, const PredictOptions& options,
                             const ClassKappas& kappas) {
    if (!usesHeterogeneousOneLoop(spec, options)) return;
    const std::vector<detail::TimeConstantClass> taus = oneLoopTimeConstantClasses(spec);
    const detail::OneLoopOptions one_loop = oneLoopOptions(spec);
    const detail::OneLoopSiteMeans c =
        detail::oneLoopSiteMeans(spec.network.activation, spec.coupling.g, taus, spec.integration.dt,
                                 diagonalConvention(spec), one_loop, spec.network.gain);
    setSampledFirstOrder(p.at(Variable::X, CovarianceKind::EqualTime), c.x_et_a);
    setSampledFirstOrder(p.at(Variable::Phi, CovarianceKind::EqualTime), c.phi_et_a);
    // Only the ET terms: slow neurons lengthen the ZF lag sums' tails past the window.
    const TheoryQuantity zf = TheoryQuantity::omitted(
        "the one-loop ZF auto means with per-neuron gains or time constants are not reported: their lag sums "
        "outlast the window, and with time constants they meet simulations only with a d/N^2 term "
        "(docs/theory/one_loop_site.md, section 12; build/bench/quench_one_loop_site_means prints them)");
    for (const Variable v : kVariables) setAutoMeanFirstOrder(p.at(v, CovarianceKind::ZeroFrequency), zf);
    CovariancePrediction& phi_et = p.at(Variable::Phi, CovarianceKind::EqualTime);
    const auto complete = [](CovariancePrediction& covariance, bool sampled,
                             const std::optional<double>& kappa, const detail::OneLoopValue& loop) {
        if (sampled && kappa && covariance.at(Statistic::AutoVar).available())
            covariance.firstOrder(Statistic::AutoVar) =
                TheoryQuantity::sampled(*kappa + loop.value, loop.se, Basis::Derived);
    };
    complete(phi_et, c.has_phi_et_auto_var, kappas.phi, c.phi_et_auto_var);
    complete(p.at(Variable::X, CovarianceKind::EqualTime), c.has_x_et_auto_var, kappas.x, c.x_et_auto_var);
    std::ostringstream note;
    note << "the 1/N terms of the ET auto means are the one-loop expansion's with a site of random gain and "
         << taus.size() << (taus.size() == 1 ? " class" : " classes")
         << " of time constant, sampled (se beside them; docs/theory/one_loop_site.md, sections 11 and 12)";
    p.notes.push_back(note.str());
}

void predictHeterogeneous(TheoryPrediction& p, const EnsembleSpec& spec) {
    p.route = "heterogeneous_gains";
    const char* const et_reason =
        equalTimeCovered(spec)
            ? "the equal-time statistics with per-neuron gains come from the simulator's discrete site: "
              "tanh, erf, Pade or linear phi, with single-site sampling on"
            : "per-neuron time constants: the equal-time statistics come from the simulator's discrete site "
              "with the neurons in classes: tanh, erf, Pade or linear phi, with single-site sampling on";
    const bool linear = spec.network.activation.kind == ActivationKind::Linear;
    const bool equal_time = equalTimeCovered(spec) && spec.noise.tau == 0.0;  // the white-noise DMFT's
    for (const Variable v : kVariables) {
        omitCovariance(p.at(v, CovarianceKind::EqualTime), et_reason);
        omitCovariance(p.at(v, CovarianceKind::ZeroFrequency), "not derived");
    }
    p.chaotic =
        TheoryQuantity::omitted("the chaos criterion is not derived with per-neuron gains or time constants");
    p.density_reason = "no closed form for the eigenvalue density with per-neuron gains";
    if (!whiteNoiseGainTheoryCovers(spec)) {
        for (const Variable v : kVariables)
            omitCovariance(p.at(v, CovarianceKind::ZeroFrequency), kClassSiteOnly);
        for (TheoryQuantity* q : {&p.delta0, &p.gamma, &p.g_eff, &p.stability_margin})
            *q = TheoryQuantity::omitted(kClassSiteOnly);
        deriveZScored(p);
        return;
    }
    const theory::HeterogeneousGainTheory t = theory::solveHeterogeneousGains(
        spec.network.activation, spec.coupling.g, spec.noise.sigma, spec.network.gain);
    const Basis four_point = linear ? Basis::Exact : Basis::LinearEquivalence;
    if (equal_time) {
        p.delta0 = TheoryQuantity::of(t.delta0, Basis::Exact);
        p.gamma = TheoryQuantity::of(t.gamma_rms, Basis::Exact);
        setSingleSite(p.at(Variable::X, CovarianceKind::EqualTime), t.delta0, Basis::Exact);
        setSingleSite(p.at(Variable::Phi, CovarianceKind::EqualTime), t.a_phi, Basis::Exact);
        p.notes.push_back("phi ET diagonal heterogeneity var_i C_ii / a^2 = " + str6(t.a_phi_diagonal_cv2) +
                          " (O(1), from the per-neuron gains)");
    } else {
        p.delta0 = TheoryQuantity::omitted(et_reason);
        p.gamma = TheoryQuantity::omitted(et_reason);
    }
    p.g_eff = TheoryQuantity::of(t.g_eff, linear ? Basis::Exact : Basis::Derived);
    p.stability_margin = TheoryQuantity::of(1.0 - t.g_eff, four_point);
    p.notes.push_back("gamma is the rms effective gain sqrt(E_b gamma_b^2), gamma_b = b E[phi'(b x)]");
    setSingleSite(p.at(Variable::X, CovarianceKind::ZeroFrequency), t.a_x_zf, Basis::Exact);
    setZeroFrequency(p.at(Variable::X, CovarianceKind::ZeroFrequency), t.x_zf, four_point);
    setZeroFrequency(p.at(Variable::Phi, CovarianceKind::ZeroFrequency), t.phi_zf, four_point);
    p.notes.push_back("phi ZF diagonal heterogeneity var_i C_ii / a^2 = " + str6(t.phi_zf.diagonal_cv2));
    deriveZScored(p);
    setZScored(p.at(Variable::Phi, CovarianceKind::ZeroFrequency), t.phi_zf);
    for (const Statistic s : {Statistic::ZM2, Statistic::ZPrOverN})
        p.at(Variable::Phi, CovarianceKind::EqualTime).at(s) = TheoryQuantity::omitted(et_reason);
}

// ---- z-scored statistics: the correlation matrix R = D^-1/2 C D^-1/2 (docs/theory/zscored.md) ----

// When var_i C_ii = O(1/N) (true on every route above), dividing by the diagonal only rescales:
// z_cross_mean = c / a, z_n_cross_var = N dc2 / a^2, z_m2 = m2 / a^2, z_pr_over_n = pr_over_n, up to
// O(1/N). Derived from the covariance statistics where they exist, omitted with their reason where
// they are omitted. A zero cross mean from the x -> -x symmetry stays exactly zero (R -> D R D).
TheoryQuantity scaledBy(const TheoryQuantity& raw, const TheoryQuantity& a, double power) {
    if (!raw.available()) return TheoryQuantity::omitted(raw.reason);
    if (!a.available()) return TheoryQuantity::omitted("the auto mean a is absent: " + a.reason);
    if (!(*a.value > 0.0)) return TheoryQuantity::omitted("a = 0: the correlation matrix is undefined");
    const double value = *raw.value / std::pow(*a.value, power);
    // Sampled inputs (the sampled DMFT) carry standard errors: first-order propagation.
    const double relative =
        std::hypot(*raw.value != 0.0 ? raw.se / *raw.value : 0.0, power * a.se / *a.value);
    return TheoryQuantity::sampled(value, std::fabs(value) * relative, Basis::Derived);
}

void deriveZScored(CovariancePrediction& c) {
    const TheoryQuantity& a = c.at(Statistic::AutoMean);
    const TheoryQuantity& cross = c.at(Statistic::CrossMean);
    const bool symmetric_zero = cross.available() && cross.basis == Basis::Exact && *cross.value == 0.0;
    c.at(Statistic::ZCrossMean) =
        symmetric_zero ? TheoryQuantity::of(0.0, Basis::Exact) : scaledBy(cross, a, 1.0);
    c.z_n_cross_var = scaledBy(c.n_cross_var, a, 2.0);
    c.at(Statistic::ZM2) = scaledBy(c.at(Statistic::M2), a, 2.0);
    c.at(Statistic::ZPrOverN) = scaledBy(c.at(Statistic::PrOverN), a, 0.0);
    c.at(Statistic::ZCrossVar) = TheoryQuantity::omitted(permanentReason(Statistic::ZCrossVar));
    const std::string no_first = "the 1/N terms of the z-scored statistics are not derived";
    for (const Statistic s : {Statistic::ZCrossVar, Statistic::ZPrOverN, Statistic::ZM2})
        c.firstOrder(s) = TheoryQuantity::omitted(no_first);
    const TheoryQuantity& cross_first = c.firstOrder(Statistic::CrossMean);
    const bool first_zero =
        cross_first.available() && cross_first.basis == Basis::Exact && *cross_first.value == 0.0;
    c.firstOrder(Statistic::ZCrossMean) =
        first_zero ? TheoryQuantity::of(0.0, Basis::Exact) : TheoryQuantity::omitted(no_first);
    c.z_n_cross_var_one_over_n = TheoryQuantity::omitted(no_first);
}

void deriveZScored(TheoryPrediction& p) {
    for (auto& per_variable : p.covariance)
        for (CovariancePrediction& c : per_variable) deriveZScored(c);
}

// Simulations measure the nonlinear 1/N coefficients; only the auto means' (one_loop_site.hpp; ZF where their
// lag sums converge) and the ET and ZF auto_var's (site_auto_variance.hpp) are derived.
const char* const kNoNonlinearFirstOrder =
    "nonlinear networks: this 1/N term is not derived (only the auto means' and auto_var's are, for iid J "
    "with eta = 0: docs/theory/one_loop_site.md, site_auto_variance.md; the coupling-matrix part alone, "
    "frozen "
    "linear equivalence, has the wrong sign: ET PR/N slope -6.3 against +2.8 +- 0.1 measured for tanh, "
    "g = 1.5, sigma = 1; docs/theory/nonlinear_finite_size.md)";

// Every 1/N coefficient no route derived is absent with one reason, so none is ever silently empty.
void fillMissingFirstOrder(TheoryPrediction& p) {
    const std::string why = "no 1/N term is derived for this model and statistic";
    for (auto& per_variable : p.covariance)
        for (CovariancePrediction& c : per_variable) {
            for (TheoryQuantity& q : c.one_over_n)
                if (!q.available() && q.reason.empty()) q = TheoryQuantity::omitted(why);
            if (!c.n_cross_var_one_over_n.available() && c.n_cross_var_one_over_n.reason.empty())
                c.n_cross_var_one_over_n = TheoryQuantity::omitted(why);
        }
}

}  // namespace

bool computesOneLoopTerms(const EnsembleSpec& spec, const PredictOptions& options) {
    if (perNeuron(spec.network.gain) || perNeuron(spec.network.tau))
        return usesHeterogeneousOneLoop(spec, options);
    return usesOneLoop(spec, options);
}

bool samplesSingleSite(const EnsembleSpec& spec, const PredictOptions& options) {
    const bool reaction = spec.coupling.model == CouplingModel::RandomMode
                              ? !detail::uncorrelatedModes(spec.coupling)
                              : spec.coupling.symmetry != 0.0;
    return reaction && spec.network.activation.kind != ActivationKind::Linear && options.sample_single_site;
}

TheoryPrediction predict(const EnsembleSpec& spec, const PredictOptions& options) {
    TheoryPrediction p;
    p.route = "none";
    for (auto& per_variable : p.covariance)
        for (CovariancePrediction& c : per_variable)
            omitCovariance(c, "not covered by the theory for this model");
    const std::string uncovered = uncoveredReason(spec);
    if (!uncovered.empty()) {
        omitAll(p, uncovered);
        deriveZScored(p);
        fillMissingFirstOrder(p);
        return p;
    }
    if (perNeuron(spec.network.gain) || perNeuron(spec.network.tau)) {
        const std::string why =
            spec.coupling.disorder == Disorder::Annealed
                ? "annealed disorder with per-neuron gains or time constants is not covered"
                : heterogeneityUncoveredReason(spec, options);
        const std::string error = why.empty() ? attempt([&] { predictHeterogeneous(p, spec); }) : "";
        if (!why.empty() || !error.empty()) {
            omitAll(p, why.empty() ? "heterogeneous-neuron theory failed: " + error : why);
            deriveZScored(p);
        } else {
            ClassKappas kappas;
            const std::string discrete =
                attempt([&] { kappas = setHeterogeneousDiscreteSite(p, spec, options); });
            if (!discrete.empty())
                p.notes.push_back("the discrete site failed (" + discrete +
                                  "): continuous-time ET auto means");
            const std::string one_loop = attempt([&] { setHeterogeneousOneLoop(p, spec, options, kappas); });
            if (!one_loop.empty()) p.notes.push_back("the one-loop 1/N terms failed (" + one_loop + ")");
        }
        fillMissingFirstOrder(p);
        return p;
    }
    if (spec.network.activation.kind == ActivationKind::Linear) {
        predictLinear(p, spec);
    } else {
        predictDmft(p, spec, options);
        for (auto& per_variable : p.covariance)
            for (CovariancePrediction& c : per_variable) omitUnderivedFirstOrder(c, kNoNonlinearFirstOrder);
        if (usesOneLoop(spec, options)) {
            const std::string error = attempt([&] { setOneLoopFirstOrder(p, spec); });
            if (!error.empty()) p.notes.push_back("the one-loop 1/N terms failed (" + error + ")");
        } else if (options.sample_one_loop && usesDiscreteSite(spec, options) && !smoothActivation(spec)) {
            const TheoryQuantity kinked = TheoryQuantity::omitted(
                "the one-loop 1/N term of the auto mean needs phi's derivatives up to the fourth "
                "at every point; the power law's |x|^(alpha - 1) at 0 has none: not derived "
                "(docs/theory/one_loop_site.md, section 8)");
            for (auto& per_variable : p.covariance)
                for (CovariancePrediction& c : per_variable) setAutoMeanFirstOrder(c, kinked);
        } else if (options.sample_one_loop && usesDiscreteSite(spec, options)) {
            const double window = oneLoopOptions(spec).window;
            std::ostringstream note;
            note << "the one-loop 1/N terms of the ET auto means need "
                 << std::lround(window / spec.integration.dt + 1.0) << " lags here (window " << window
                 << " over dt = " << spec.integration.dt << "), more than the " << kMaxOneLoopLags
                 << " predict() affords (minutes a point): build/bench/quench_one_loop_site_means "
                 << "computes them";
            p.notes.push_back(note.str());
        }
    }
    if (spec.coupling.model == CouplingModel::RandomMode) restrictToSingleSite(p, spec, options);
    applyAnnealedDisorder(p, spec);
    deriveZScored(p);
    fillMissingFirstOrder(p);
    if (spec.coupling.zero_diagonal)
        p.notes.push_back(
            "zero_diagonal changes statistics only at O(1/N): the N = infinity values are the Gaussian "
            "diagonal's, the derived 1/N terms are the zero diagonal's");
    if (spec.noise.input != 0.0)
        p.notes.push_back("a constant input shifts the mean of a linear network only: covariances unchanged");
    return p;
}

}  // namespace quench::theory
