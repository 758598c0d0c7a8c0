// Linear networks: simulated covariances against exact ones.
//  1. Per realization: the exponential-Euler recursion x' = A x + noise, A = e^-dt + (1 - e^-dt) J,
//     has the exact stationary covariance C = A C A^T + Q (discrete Lyapunov), and its bin-integral
//     zero-frequency covariance is sigma^2 (1-J)^-1 (1-J)^-T (dt/2) coth(dt/2). The simulation is
//     repeated with independent noise (same J) and each statistic's mean over repeats is held to the
//     exact value within 4 standard errors.
//  2. Disorder averages against the large-N closed forms of theory.md.
#include <cmath>

#include "backend_fixture.hpp"
#include "quench/coupling.hpp"
#include "quench/theory/linear_theory.hpp"
#include "quench/theory/lyapunov.hpp"

namespace quench::testing {
namespace {

using CK = CovarianceKind;
using Matrix = std::vector<double>;

// The statistics of an exactly known covariance (all split groups equal to it).
StatisticValues exactStatistics(const Matrix& c, int n) {
    SplitCovariance s;
    s.n = n;
    for (auto& g : s.group) g = c;
    s.pooled = c;
    return computeStatistics(s);
}

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

INSTANTIATE_TEST_SUITE_P(Backends, LinearExactTest, ::testing::ValuesIn(allBackendCases()), caseName);

}  // namespace
}  // namespace quench::testing
