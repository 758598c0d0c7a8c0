// Annealed disorder: the quenched prediction rewritten for J redrawn every epoch (docs/theory/annealed.md).
#include "quench/theory/annealed_theory.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include "quench/disorder_epochs.hpp"

namespace quench::theory {

double equalTimeRedrawDeficit(double g) {
    const double q = 1.0 - g * g;
    return (1.0 - std::sqrt(q)) / (2.0 * q);
}

double zeroFrequencyRedrawDeficit(double g) {
    return g * g / (1.0 - g * g);
}

namespace {

std::string text(double v) {
    std::ostringstream s;
    s.precision(4);
    s << v;
    return s.str();
}

const char* const kNoFirstOrder = "the 1/N terms are not derived for annealed disorder";

// Free cumulants k_1..k_4 of a spectrum from its moments m_1..m_4 (non-crossing partitions).
struct FreeCumulants {
    double k1, k2, k3, k4;
};

double momentsFromCumulants(const FreeCumulants& k, int order) {
    switch (order) {
        case 2:
            return k.k2 + k.k1 * k.k1;
        case 3:
            return k.k3 + 3.0 * k.k1 * k.k2 + k.k1 * k.k1 * k.k1;
        default:
            return k.k4 + 4.0 * k.k1 * k.k3 + 2.0 * k.k2 * k.k2 + 6.0 * k.k1 * k.k1 * k.k2 +
                   std::pow(k.k1, 4);
    }
}

void omitFirstOrder(CovariancePrediction& c) {
    for (TheoryQuantity& q : c.one_over_n) q = TheoryQuantity::omitted(kNoFirstOrder);
    c.n_cross_var_one_over_n = TheoryQuantity::omitted(kNoFirstOrder);
}

// Epochs not long against the relaxation time: the transients are the whole story and nothing above holds.
void omitShortEpochs(TheoryPrediction& p, double interval, double relaxation) {
    const std::string why = "annealed disorder with redraw_interval = " + text(interval) +
                            " < 3 / (1 - g_eff) = " + text(relaxation) +
                            ": the theory needs epochs long against the relaxation time";
    for (auto& per_variable : p.covariance)
        for (CovariancePrediction& c : per_variable) {
            for (int s = 0; s < kStatisticCount; ++s)
                if (static_cast<Statistic>(s) != Statistic::CrossMean)
                    c.statistic[s] = TheoryQuantity::omitted(why);
            c.n_cross_var = TheoryQuantity::omitted(why);
            omitFirstOrder(c);
        }
    p.zero_frequency_density = {};
    p.density_reason = why;
    p.notes.push_back(why);
}

}  // namespace

CovariancePrediction annealedCovariance(const CovariancePrediction& quenched, double effective_epochs,
                                        double auto_mean_factor, Basis auto_mean_basis) {
    CovariancePrediction out = quenched;
    omitFirstOrder(out);
    const TheoryQuantity& a = quenched.at(Statistic::AutoMean);
    if (!a.available()) return out;
    const double m = effective_epochs;
    const double a_q = *a.value;
    const double a_ann = a_q * auto_mean_factor;
    out.at(Statistic::AutoMean) = TheoryQuantity::of(a_ann, auto_mean_basis);
    out.at(Statistic::M1) = TheoryQuantity::of(a_ann, auto_mean_basis);
    if (quenched.n_cross_var.available())
        out.n_cross_var = TheoryQuantity::of(*quenched.n_cross_var.value / m, Basis::Derived);
    const TheoryQuantity& m2 = quenched.at(Statistic::M2);
    if (!m2.available()) return out;
    FreeCumulants k{a_q, *m2.value - a_q * a_q, 0.0, 0.0};
    FreeCumulants ann{a_ann, k.k2 / m, 0.0, 0.0};
    const double m2_ann = momentsFromCumulants(ann, 2);
    out.at(Statistic::M2) = TheoryQuantity::of(m2_ann, Basis::Derived);
    out.at(Statistic::PrOverN) = TheoryQuantity::of(a_ann * a_ann / m2_ann, Basis::Derived);
    const TheoryQuantity& m3 = quenched.at(Statistic::M3);
    if (!m3.available()) return out;
    k.k3 = *m3.value - momentsFromCumulants(k, 3);
    ann.k3 = k.k3 / (m * m);
    out.at(Statistic::M3) = TheoryQuantity::of(momentsFromCumulants(ann, 3), Basis::Derived);
    const TheoryQuantity& m4 = quenched.at(Statistic::M4);
    if (!m4.available()) return out;
    k.k4 = *m4.value - momentsFromCumulants(k, 4);
    ann.k4 = k.k4 / (m * m * m);
    out.at(Statistic::M4) = TheoryQuantity::of(momentsFromCumulants(ann, 4), Basis::Derived);
    return out;
}

void applyAnnealedDisorder(TheoryPrediction& p, const EnsembleSpec& spec) {
    if (spec.coupling.disorder != Disorder::Annealed) return;
    const EpochPlan plan = epochPlan(spec);
    if (plan.epochs == 1) {
        p.notes.push_back(
            "annealed disorder with a single epoch (redraw_interval >= t_max): the quenched run");
        return;
    }
    const IntegrationSpec& in = spec.integration;
    const std::int64_t bin_steps = std::max<std::int64_t>(1, std::llround(in.t_bin / in.dt));
    const double binned_time =
        static_cast<double>(std::llround(in.t_max / in.dt) / bin_steps * bin_steps) * in.dt;
    const bool have_gain = p.g_eff.available() && *p.g_eff.value < 1.0;
    const double g_eff = have_gain ? *p.g_eff.value : 0.0;
    const double interval = static_cast<double>(plan.epoch_steps) * in.dt;
    if (have_gain && interval < 3.0 / (1.0 - g_eff)) {
        omitShortEpochs(p, interval, 3.0 / (1.0 - g_eff));
        return;
    }
    // The transient deficit is derived for the linear network with iid J and white noise; elsewhere it is
    // used with g -> g_eff (linear equivalence) as an estimate.
    const bool exact_transient =
        p.route == "linear" && spec.coupling.symmetry == 0.0 && spec.noise.tau == 0.0;
    for (const CovarianceKind kind : {CovarianceKind::EqualTime, CovarianceKind::ZeroFrequency}) {
        const bool et = kind == CovarianceKind::EqualTime;
        const double deficit = et ? equalTimeRedrawDeficit(g_eff) : zeroFrequencyRedrawDeficit(g_eff);
        const double factor =
            1.0 - static_cast<double>(plan.redraws) * deficit / (et ? in.t_max : binned_time);
        const double epochs = effectiveEpochCount(spec, kind);
        for (const Variable v : {Variable::X, Variable::Phi}) {
            CovariancePrediction& c = p.at(v, kind);
            const TheoryQuantity& a = c.at(Statistic::AutoMean);
            const Basis a_basis =
                exact_transient && a.available() && a.basis == Basis::Exact ? Basis::Exact : Basis::Derived;
            c = annealedCovariance(c, epochs, have_gain ? factor : 1.0, a_basis);
        }
        p.notes.push_back(std::string("annealed disorder, ") + (et ? "equal time" : "zero frequency") +
                          ": M_eff = " + text(epochs) + " epochs");
    }
    p.zero_frequency_density = {};
    p.density_reason =
        "annealed disorder: the ZF density of the epoch mean (a free convolution) is not implemented";
    const double relax = have_gain ? 1.0 / (1.0 - g_eff) : 0.0;
    p.notes.push_back(
        "annealed disorder: " + std::to_string(plan.redraws) + " redraws in t_max = " + text(in.t_max) +
        "; " + text(std::min(1.0, static_cast<double>(plan.redraws) * 3.0 * relax / in.t_max)) +
        " of the measured time lies within 3 / (1 - g_eff) = " + text(3.0 * relax) +
        " of a redraw; auto means lowered by the redraw transients (exact for linear iid J and white "
        "noise, an estimate with g_eff otherwise); the four-point statistics ignore the transients");
}

}  // namespace quench::theory
