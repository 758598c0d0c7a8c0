// Gaussian averages of products of an activation's derivatives (host/theory/gaussian_pair_averages.hpp),
// against the closed forms for phi = erf(sqrt(pi) x / 2): E[phi(y1) phi(y2)] = (2/pi) asin(kappa c),
// kappa = 2 a^2 / (1 + 2 a^2 v), a = sqrt(pi) / 2, for Var y = v and Cov = c, and its derivatives by Price's
// theorem. At sqrt(v) = 3 a 48-node Gauss-Hermite rule in y / sqrt(v) misses them by far (the reason the grid
// exists); the grid holds them to 1e-5 relative (the finite differences of the derivatives) at every
// correlation, 0.999 included.
#include <gtest/gtest.h>

#include <cmath>

#include "../../host/theory/gaussian_pair_averages.hpp"
#include "quench/activation.hpp"

namespace quench::theory::detail {
namespace {

constexpr double kPi = 3.14159265358979323846;

TEST(GaussianPairAverages, GiveTheClosedFormsOfErfForSteepAndGentleScales) {
    Activation phi;
    phi.kind = ActivationKind::Erf;
    const double a2 = kPi / 4.0;  // a^2
    for (const double v : {0.5, 9.0}) {
        const GaussianPairAverages averages(phi, v);
        const double kappa = 2.0 * a2 / (1.0 + 2.0 * a2 * v);
        EXPECT_NEAR(averages.single(0, 0), 2.0 / kPi * std::asin(kappa * v), 1e-7) << "v = " << v;
        for (const double rho : {0.3, 0.9, 0.999}) {
            const double c = rho * v, u = kappa * c, root = std::sqrt(1.0 - u * u);
            const auto e = averages.pair(rho, 2);
            const double f = 2.0 / kPi * std::asin(u);
            const double f_c = 2.0 / kPi * kappa / root;                               // E phi' phi'
            const double f_cc = 2.0 / kPi * kappa * kappa * u / (root * root * root);  // E phi'' phi''
            const double f_v = -2.0 / kPi * u * a2 / ((1.0 + 2.0 * a2 * v) * root);    // E phi'' phi / 2
            EXPECT_NEAR(e[0][0], f, 1e-5 * std::fabs(f)) << "v = " << v << ", rho = " << rho;
            EXPECT_NEAR(e[1][1], f_c, 1e-5 * f_c) << "v = " << v << ", rho = " << rho;
            EXPECT_NEAR(e[2][2], f_cc, 1e-5 * f_cc) << "v = " << v << ", rho = " << rho;
            EXPECT_NEAR(0.5 * e[2][0], f_v, 1e-5 * std::fabs(f_v)) << "v = " << v << ", rho = " << rho;
        }
    }
}

}  // namespace
}  // namespace quench::theory::detail
