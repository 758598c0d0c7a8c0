// Weak error of the stationary variance. For uncoupled leaky units (an OU process) the
// Euler-Maruyama recursion x' = (1-dt) x + sigma sqrt(dt) xi has variance sigma^2 / (2 - dt): a
// first-order weak error that halves with dt. Exponential Euler is exact for the leak: sigma^2/2
// at any dt.
#include <cmath>

#include "backend_fixture.hpp"

namespace quench::testing {
namespace {

struct Measured {
    double value;
    double sem;
};

class IntegratorOrderTest : public BackendTest {
protected:
    Measured stationaryVariance(IntegrationMethod method, double dt) const {
        EnsembleSpec spec = smallLinearSpec(64, 0.0);
        spec.integration.method = method;
        spec.integration.dt = dt;
        spec.integration.sample_interval = 0.4;
        spec.integration.t_max = 400.0;
        spec.ensemble.realizations = 4;
        const Estimate e =
            summarize(run(spec)).at(Variable::X, CovarianceKind::EqualTime, Statistic::AutoMean);
        return {e.mean, e.sem};
    }
};

TEST_P(IntegratorOrderTest, EulerMaruyamaVarianceHasFirstOrderWeakError) {
    const double dts[] = {0.2, 0.1, 0.05};
    double bias[3];
    for (int i = 0; i < 3; ++i) {
        const Measured m = stationaryVariance(IntegrationMethod::EulerMaruyama, dts[i]);
        const double predicted = 1.0 / (2.0 - dts[i]);
        EXPECT_LT(std::fabs(m.value - predicted), 5.0 * m.sem)
            << "dt=" << dts[i] << ": " << m.value << " +- " << m.sem;
        EXPECT_GT((m.value - 0.5) / m.sem, 10.0) << "the bias must be resolved at dt=" << dts[i];
        bias[i] = m.value - 0.5;
    }
    // Halving dt halves the weak error (ratios 2.11 and 2.05 exactly; +-10 % covers the noise).
    EXPECT_NEAR(bias[0] / bias[1], 2.0, 0.25);
    EXPECT_NEAR(bias[1] / bias[2], 2.0, 0.3);
}

TEST_P(IntegratorOrderTest, ExponentialEulerIsExactForTheLeak) {
    const Measured m = stationaryVariance(IntegrationMethod::ExponentialEuler, 0.2);
    EXPECT_LT(std::fabs(m.value - 0.5), 5.0 * m.sem) << m.value << " +- " << m.sem;
}

INSTANTIATE_TEST_SUITE_P(Backends, IntegratorOrderTest, ::testing::ValuesIn(allBackendCases()), caseName);

}  // namespace
}  // namespace quench::testing
