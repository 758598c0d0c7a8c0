// Linear networks: simulated covariances against exact ones.
//  1. Per realization: the exponential-Euler recursion x' = A x + noise, A = e^-dt + (1 - e^-dt) J,
//     has the exact stationary covariance C = A C A^T + Q (discrete Lyapunov), and its bin-integral
//     zero-frequency covariance is sigma^2 (1-J)^-1 (1-J)^-T (dt/2) coth(dt/2). The simulation is
//     repeated with independent noise (same J) and each statistic's mean over repeats is held to the
//     exact value within 4 standard errors.
//  2. Disorder averages against the large-N closed forms of theory.md.
#include <cmath>

#include "backend_fixture.hpp"
#include "exact_statistics.hpp"
#include "quench/coupling.hpp"
#include "quench/scaling_fit.hpp"
#include "quench/theory/linear_theory.hpp"
#include "quench/theory/lyapunov.hpp"
#include "quench/theory/prediction.hpp"

namespace quench::testing {
namespace {

using CK = CovarianceKind;
using Matrix = std::vector<double>;

Matrix exactEqualTime(const EnsembleSpec& spec, const Matrix& j) {
    const int n = spec.network.n;
    const double e = std::exp(-spec.integration.dt);
    Matrix a(j.size()), q(j.size(), 0.0);
    for (size_t k = 0; k < j.size(); ++k) a[k] = (1.0 - e) * j[k];
    for (int i = 0; i < n; ++i) {
        a[static_cast<size_t>(i) * n + i] += e;
        q[static_cast<size_t>(i) * n + i] = spec.noise.sigma * spec.noise.sigma * (1.0 - e * e) / 2.0;
    }
    return theory::discreteStationaryCovariance(a, n, q);
}

Matrix exactZeroFrequency(const EnsembleSpec& spec, const Matrix& j) {
    const double h = spec.integration.dt / 2.0;
    Matrix c = theory::zeroFrequencyCovariance(j, spec.network.n, spec.noise.sigma);
    for (double& v : c) v *= h / std::tanh(h);
    return c;
}

struct ExactCase {
    int n;
    double g;
    double symmetry;
};

class LinearExactTest : public BackendTest {};

TEST_P(LinearExactTest, EachRealizationMatchesItsExactCovariances) {
    const ExactCase cases[] = {{24, 0.5, 0.0}, {40, 0.7, 0.0}, {32, 0.5, 0.4}, {32, 0.6, -0.5}};
    const Statistic checked[] = {Statistic::AutoMean, Statistic::CrossMean, Statistic::CrossVar,
                                 Statistic::M2,       Statistic::M3,        Statistic::PrOverN};
    const int repeats = 16;
    for (const ExactCase& ec : cases) {
        EnsembleSpec spec = smallLinearSpec(ec.n, ec.g);
        spec.coupling.symmetry = ec.symmetry;
        spec.ensemble.realizations = 1;
        spec.ensemble.first_realization = 2;
        spec.ensemble.trials = 8;
        spec.integration.t_max = 300.0;
        const Matrix j = couplingMatrix(spec, 2);
        const StatisticValues exact[] = {exactStatistics(exactEqualTime(spec, j), ec.n),
                                         exactStatistics(exactZeroFrequency(spec, j), ec.n)};
        std::vector<std::vector<double>> samples(2 * kStatisticCount);
        for (int rep = 0; rep < repeats; ++rep) {
            spec.ensemble.noise_seed = 100 + rep;
            const RealizationResult r = run(spec).at(0);
            for (int c = 0; c < 2; ++c)
                for (const Statistic k : checked)
                    samples[c * kStatisticCount + static_cast<int>(k)].push_back(
                        r.at(Variable::X, static_cast<CK>(c)).stats[static_cast<int>(k)]);
        }
        for (int c = 0; c < 2; ++c)
            for (const Statistic k : checked) {
                const Estimate e = estimate(samples[c * kStatisticCount + static_cast<int>(k)]);
                const double truth = exact[c][static_cast<int>(k)];
                const double z = (e.mean - truth) / e.sem;
                EXPECT_LT(std::fabs(z), 4.0)
                    << "N=" << ec.n << " g=" << ec.g << " eta=" << ec.symmetry << " "
                    << covarianceName(static_cast<CK>(c)) << " " << statisticName(k) << ": simulated "
                    << e.mean << " +- " << e.sem << ", exact " << truth;
            }
    }
}

// Disorder averages over R realizations against the N = infinity closed forms, |z| < 4 with z from
// the standard error over realizations. At N = 100 the O(1/N) finite-size offsets (e.g. E[PR/N] of
// ZF about -0.8/N) are below two standard errors at this R (measured: |z| <= 2.2), so a failure
// means the simulator or the closed form is wrong, not that N is finite. dt = 0.05 biases the ET
// variance by about 0.1 %, a fraction of its standard error.
TEST_P(LinearExactTest, DisorderAveragesMatchTheLargeNClosedForms) {
    EnsembleSpec spec = smallLinearSpec(100, 0.5);
    spec.integration.dt = 0.05;
    spec.integration.t_max = 300.0;
    spec.ensemble.realizations = 32;
    spec.ensemble.seed = 3;
    const EnsembleSummary s = summarize(run(spec));
    const theory::LinearMoments zf = theory::linearZeroFrequencyIid(0.5, 1.0);
    auto expectZ = [&](CK c, Statistic k, double theory_value, double scale) {
        const Estimate& e = s.at(Variable::X, c, k);
        const double z = (e.mean * scale - theory_value) / (e.sem * scale);
        EXPECT_LT(std::fabs(z), 4.0) << covarianceName(c) << " " << statisticName(k) << ": " << e.mean * scale
                                     << " +- " << e.sem * scale << " vs theory " << theory_value;
    };
    expectZ(CK::ZeroFrequency, Statistic::AutoMean, zf.auto_mean, 1.0);
    expectZ(CK::ZeroFrequency, Statistic::CrossVar, zf.n_cross_var, spec.network.n);
    expectZ(CK::ZeroFrequency, Statistic::M2, zf.m2, 1.0);
    expectZ(CK::ZeroFrequency, Statistic::M3, zf.m3, 1.0);
    expectZ(CK::ZeroFrequency, Statistic::PrOverN, zf.pr_over_n, 1.0);
    expectZ(CK::EqualTime, Statistic::AutoMean, theory::linearEqualTimeAutoMean(0.5, 1.0), 1.0);
}

// The z-scored statistics (correlation matrix R_ij = C_ij / sqrt(C_ii C_jj)) against their derived
// large-N predictions (docs/theory/zscored.md: c / a, N dc2 / a^2, m2 / a^2, PR/N), both covariances
// of a linear iid network at g = 0.5.
//  - Dividing by the diagonal removes most of the disorder fluctuation, so at N = 100 the standard
//    errors are smaller than the (underived) O(1/N) terms (measured: ZF z_pr_over_n 0.585 +- 0.005
//    against 0.5625). The limit is therefore the N-scaling fit S(N) = S_inf + a / N of validate over
//    N = 50, 100, 200, and |S_inf - prediction| < 4 SE with the fit's (Birge-scaled) standard error.
//  - ZF: the simulated bin covariance is the continuous one times (dt/2) coth(dt/2), a scalar, so the
//    z-scored statistics have no time-step bias at all. ET: exponential Euler at dt = 0.05 shifts the
//    shape of C at O(dt) (measured: z_m2 -0.007, many standard errors), so the prediction is moved by
//    the exact shift E_J[S(C_dt) - S(C)], from the discrete and continuous Lyapunov solutions of the
//    N = 200 realizations' couplings.
// FP64 only: the z-scored estimators run on the host in FP64 for every backend and precision, and the
// FP32 integration is covered by the tests above.
TEST_P(LinearExactTest, ZScoredDisorderAveragesExtrapolateToTheDerivedPredictions) {
    if (GetParam().precision != Precision::Fp64) GTEST_SKIP() << "FP64 only (see the comment)";
    const struct { int n, realizations; } sizes[] = {{50, 32}, {100, 32}, {200, 16}};
    const Statistic checked[] = {Statistic::ZCrossMean, Statistic::ZCrossVar, Statistic::ZM2,
                                 Statistic::ZPrOverN};
    auto scaleOf = [](Statistic k, int n) {
        return k == Statistic::ZCrossVar ? static_cast<double>(n) : 1.0;
    };
    std::vector<EnsembleSummary> summaries;
    EnsembleSpec spec = smallLinearSpec(100, 0.5);
    spec.integration.dt = 0.05;
    spec.integration.t_max = 300.0;
    spec.ensemble.seed = 3;
    for (const auto& size : sizes) {
        spec.network.n = size.n;
        spec.ensemble.realizations = size.realizations;
        summaries.push_back(summarize(run(spec)));
    }
    // spec is now the N = 200 run: the exact ET time-step shift over its realizations.
    StatisticValues et_shift{};
    for (int r = 0; r < spec.ensemble.realizations; ++r) {
        const Matrix j = couplingMatrix(spec, r);
        const StatisticValues discrete = exactStatistics(exactEqualTime(spec, j), spec.network.n);
        const StatisticValues continuous =
            exactStatistics(theory::equalTimeCovariance(j, spec.network.n, spec.noise.sigma), spec.network.n);
        for (const Statistic k : checked)
            et_shift[static_cast<int>(k)] +=
                scaleOf(k, spec.network.n) *
                (discrete[static_cast<int>(k)] - continuous[static_cast<int>(k)]) /
                spec.ensemble.realizations;
    }
    const theory::TheoryPrediction p = theory::predict(spec);
    for (const CK c : {CK::EqualTime, CK::ZeroFrequency}) {
        const theory::CovariancePrediction& t = p.at(Variable::X, c);
        for (const Statistic k : checked) {
            const theory::TheoryQuantity& q = k == Statistic::ZCrossVar ? t.z_n_cross_var : t.at(k);
            ASSERT_TRUE(q.available()) << statisticName(k) << ": " << q.reason;
            const double expected = *q.value + (c == CK::EqualTime ? et_shift[static_cast<int>(k)] : 0.0);
            std::vector<ScalingPoint> points;
            for (size_t i = 0; i < summaries.size(); ++i) {
                const Estimate& e = summaries[i].at(Variable::X, c, k);
                const double scale = scaleOf(k, sizes[i].n);
                points.push_back({static_cast<double>(sizes[i].n), e.mean * scale, e.sem * scale});
            }
            const ScalingFit fit = fitInverseN(points, 1);
            ASSERT_TRUE(fit.ok) << fit.reason;
            const double z = (fit.s_inf - expected) / fit.s_inf_se;
            EXPECT_LT(std::fabs(z), 4.0)
                << covarianceName(c) << " " << statisticName(k) << ": fitted S_inf " << fit.s_inf << " +- "
                << fit.s_inf_se << " (1/N coefficient " << fit.a << "), derived " << *q.value
                << " + time-step shift " << expected - *q.value << ", z = " << z;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, LinearExactTest, ::testing::ValuesIn(allBackendCases()), caseName);

}  // namespace
}  // namespace quench::testing
