// Per-neuron gains b_i and time constants tau_i (network.gain_* / network.tau_*).
//  1. The draws: their moments are the stated distribution's, and a neuron's value depends only on
//     (seed, realization, neuron).
//  2. Unit gains and time constants reproduce the homogeneous model.
//  3. Per realization, a linear network with gains and time constants against its exact covariances:
//     the exponential-Euler recursion x' = E x + (1 - E) J B x + K xi (E = diag e^-dt/tau_i) has the
//     stationary covariance C = A C A^T + Q, A = E + (1 - E) J B, and the bin-integral zero-frequency
//     covariance (1 - J B)^-1 diag(sigma^2 h_i coth h_i) (1 - J B)^-T, h_i = dt / (2 tau_i); phi = B x.
//     Each statistic's mean over independent noise repeats must lie within 4 standard errors.
//  4. The CUDA backend refuses these models, and `auto` picks the CPU for them.
#include <cmath>

#include "backend_fixture.hpp"
#include "exact_statistics.hpp"
#include "quench/coupling.hpp"
#include "quench/error.hpp"
#include "quench/neuron_parameters.hpp"
#include "quench/theory/lyapunov.hpp"
#include "step_coefficients.hpp"

namespace quench::testing {
namespace {

using CK = CovarianceKind;
using Matrix = std::vector<double>;
constexpr Variable kVariables[] = {Variable::X, Variable::Phi};

struct SampleMoments {
    double mean = 0.0, var = 0.0;
};

SampleMoments moments(const std::vector<double>& v) {
    SampleMoments m;
    for (double x : v) m.mean += x;
    m.mean /= static_cast<double>(v.size());
    for (double x : v) m.var += (x - m.mean) * (x - m.mean);
    m.var /= static_cast<double>(v.size() - 1);
    return m;
}

// Sample mean and variance of many draws against the exact moments, |z| < 5 with the standard errors
// from the exact second and fourth central moments.
void expectStatedMoments(const NeuronParameterSpec& p) {
    const int n = 40000;
    const std::vector<double> v = drawNeuronParameters(p, 11, RngStream::NeuronGain, 3, n);
    const SampleMoments s = moments(v);
    const double m1 = neuronParameterMoment(p, 1), m2 = neuronParameterMoment(p, 2);
    const double m3 = neuronParameterMoment(p, 3), m4 = neuronParameterMoment(p, 4);
    const double var = m2 - m1 * m1;
    const double mu4 = m4 - 4.0 * m3 * m1 + 6.0 * m2 * m1 * m1 - 3.0 * m1 * m1 * m1 * m1;
    EXPECT_NEAR(m1, p.mean, 1e-12 * p.mean);
    EXPECT_NEAR(std::sqrt(var) / m1, p.cv, 1e-9);
    EXPECT_LT(std::fabs(s.mean - m1) / std::sqrt(var / n), 5.0) << s.mean << " vs " << m1;
    EXPECT_LT(std::fabs(s.var - var) / std::sqrt((mu4 - var * var) / n), 5.0) << s.var << " vs " << var;
    for (double x : v) ASSERT_GT(x, 0.0);
}

TEST(NeuronParameters, DrawnValuesHaveTheStatedMeanAndCoefficientOfVariation) {
    expectStatedMoments({NeuronDistribution::Lognormal, 1.0, 0.5});
    expectStatedMoments({NeuronDistribution::Lognormal, 2.0, 1.0});
    expectStatedMoments({NeuronDistribution::Uniform, 1.5, 0.4});
}

TEST(NeuronParameters, ANeuronsValueDependsOnlyOnSeedRealizationAndIndex) {
    const NeuronParameterSpec p{NeuronDistribution::Lognormal, 1.0, 0.5};
    const std::vector<double> big = drawNeuronParameters(p, 7, RngStream::NeuronGain, 5, 103);
    const std::vector<double> small = drawNeuronParameters(p, 7, RngStream::NeuronGain, 5, 37);
    for (int i = 0; i < 37; ++i) EXPECT_EQ(big[i], small[i]) << "neuron " << i;
    EXPECT_NE(big, drawNeuronParameters(p, 7, RngStream::NeuronGain, 6, 103));
    EXPECT_NE(big, drawNeuronParameters(p, 7, RngStream::NeuronTimeConstant, 5, 103));
    EXPECT_EQ(drawNeuronParameters({NeuronDistribution::None, 1.7, 0.0}, 7, RngStream::NeuronGain, 5, 9),
              std::vector<double>(9, 1.7));
}

TEST(NeuronParameters, OnlyUnitValuesForEveryNeuronKeepTheHomogeneousPath) {
    EXPECT_FALSE(perNeuron({}));
    EXPECT_TRUE(perNeuron({NeuronDistribution::None, 2.0, 0.0}));
    EXPECT_TRUE(perNeuron({NeuronDistribution::Uniform, 1.0, 0.0}));
}

class HeterogeneousNeuronTest : public BackendTest {};

// The per-neuron path with every b_i = tau_i = 1 (a zero-spread distribution) integrates the same
// recursion as the homogeneous one; only the order of rounding may differ.
TEST_P(HeterogeneousNeuronTest, UnitGainsAndTimeConstantsReproduceTheHomogeneousRun) {
    EnsembleSpec spec = smallLinearSpec(24, 0.5);
    spec.ensemble.realizations = 2;
    spec.integration.t_max = 100.0;
    const std::vector<RealizationResult> plain = run(spec);
    spec.network.gain = {NeuronDistribution::Lognormal, 1.0, 0.0};
    spec.network.tau = {NeuronDistribution::Uniform, 1.0, 0.0};
    const std::vector<RealizationResult> unit = run(spec);
    const double tolerance = GetParam().precision == Precision::Fp64 ? 1e-10 : 1e-4;
    for (std::size_t r = 0; r < plain.size(); ++r)
        for (const Variable v : kVariables)
            for (int c = 0; c < kCovarianceCount; ++c)
                for (const Statistic s : {Statistic::AutoMean, Statistic::M2, Statistic::PrOverN}) {
                    const double a = stat(plain[r], v, static_cast<CK>(c), s);
                    const double b = stat(unit[r], v, static_cast<CK>(c), s);
                    EXPECT_NEAR(b, a, tolerance * std::fabs(a)) << statisticName(s);
                }
}

Matrix scaled(const Matrix& c, const std::vector<double>& d, int n) {
    Matrix out(c.size());
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            const std::size_t e = static_cast<std::size_t>(i) * n + j;
            out[e] = d[i] * c[e] * d[j];
        }
    return out;
}

struct ExactCovariances {
    Matrix x_et, x_zf;
};

// J B with J row-major; the exact covariances of the recursion (header comment).
ExactCovariances exactCovariances(const EnsembleSpec& spec, const Matrix& j, const std::vector<double>& b,
                                  const std::vector<double>& tau) {
    const int n = spec.network.n;
    const double sigma = spec.noise.sigma, dt = spec.integration.dt;
    Matrix a(j.size()), q(j.size(), 0.0), jb(j.size());
    std::vector<double> noise_root(n);
    for (int i = 0; i < n; ++i) {
        const StepCoefficients c = stepCoefficients(spec, tau[i]);
        for (int k = 0; k < n; ++k) {
            const std::size_t e = static_cast<std::size_t>(i) * n + k;
            jb[e] = j[e] * b[k];
            a[e] = c.drive_gain * jb[e] + (i == k ? c.decay : 0.0);
        }
        q[static_cast<std::size_t>(i) * n + i] = c.kick * c.kick;
        const double h = dt / (2.0 * tau[i]);
        noise_root[i] = sigma * std::sqrt(h / std::tanh(h));
    }
    ExactCovariances out;
    out.x_et = theory::discreteStationaryCovariance(a, n, q);
    // (1 - M)^-1 D (1 - M)^-T = D^1/2 (1 - M')^-1 (1 - M')^-T D^1/2 with M' = D^-1/2 M D^1/2.
    std::vector<double> inverse_root(n);
    for (int i = 0; i < n; ++i) inverse_root[i] = 1.0 / noise_root[i];
    Matrix similar(jb.size());
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < n; ++k) {
            const std::size_t e = static_cast<std::size_t>(i) * n + k;
            similar[e] = inverse_root[i] * jb[e] * noise_root[k];
        }
    out.x_zf = scaled(theory::zeroFrequencyCovariance(similar, n, 1.0), noise_root, n);
    return out;
}

TEST_P(HeterogeneousNeuronTest, EachRealizationMatchesItsExactCovariances) {
    const Statistic checked[] = {Statistic::AutoMean, Statistic::CrossVar, Statistic::M2,
                                 Statistic::PrOverN,  Statistic::ZM2,      Statistic::ZPrOverN};
    const int repeats = 16;
    EnsembleSpec spec = smallLinearSpec(24, 0.5);
    spec.network.gain = {NeuronDistribution::Lognormal, 1.0, 0.6};
    spec.network.tau = {NeuronDistribution::Uniform, 1.5, 0.4};
    spec.ensemble.realizations = 1;
    spec.ensemble.first_realization = 2;
    spec.integration.t_max = 300.0;
    const int n = spec.network.n;
    const Matrix j = couplingMatrix(spec, 2);
    const std::vector<double> b =
        drawNeuronParameters(spec.network.gain, spec.ensemble.seed, RngStream::NeuronGain, 2, n);
    const std::vector<double> tau =
        drawNeuronParameters(spec.network.tau, spec.ensemble.seed, RngStream::NeuronTimeConstant, 2, n);
    const ExactCovariances x = exactCovariances(spec, j, b, tau);
    const StatisticValues exact[2][2] = {
        {exactStatistics(x.x_et, n), exactStatistics(x.x_zf, n)},
        {exactStatistics(scaled(x.x_et, b, n), n), exactStatistics(scaled(x.x_zf, b, n), n)}};
    std::vector<double> samples[2][2][kStatisticCount];
    for (int rep = 0; rep < repeats; ++rep) {
        spec.ensemble.noise_seed = 200 + rep;
        const RealizationResult r = run(spec).at(0);
        for (const Variable v : kVariables)
            for (int c = 0; c < 2; ++c)
                for (const Statistic k : checked)
                    samples[static_cast<int>(v)][c][static_cast<int>(k)].push_back(
                        stat(r, v, static_cast<CK>(c), k));
    }
    for (const Variable v : kVariables)
        for (int c = 0; c < 2; ++c)
            for (const Statistic k : checked) {
                const Estimate e = estimate(samples[static_cast<int>(v)][c][static_cast<int>(k)]);
                const double truth = exact[static_cast<int>(v)][c][static_cast<int>(k)];
                EXPECT_LT(std::fabs((e.mean - truth) / e.sem), 4.0)
                    << variableName(v) << " " << covarianceName(static_cast<CK>(c)) << " " << statisticName(k)
                    << ": simulated " << e.mean << " +- " << e.sem << ", exact " << truth;
            }
}

INSTANTIATE_TEST_SUITE_P(Backends, HeterogeneousNeuronTest, ::testing::ValuesIn(allBackendCases()), caseName);

}  // namespace
}  // namespace quench::testing
