// The 1/N coefficients of the linear-network statistics (linear_finite_size.hpp): exact Wick moments at
// finite N, closed forms from an independent symbolic derivation, the planar limits of linear_theory.hpp,
// and exact finite-N covariances averaged over realizations.
#include "quench/theory/linear_finite_size.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../host/theory/divided_difference.hpp"
#include "quench/theory/linear_theory.hpp"
#include "quench/theory/lyapunov.hpp"

namespace {

using namespace quench::theory;
using Complex = std::complex<double>;
using Matrix = std::vector<double>;

constexpr DiagonalConvention kGaussian = DiagonalConvention::Gaussian;
constexpr DiagonalConvention kZero = DiagonalConvention::Zero;

// ---------------- divided-difference arithmetic ----------------

TEST(DividedDifference, EqualsTheQuotientAtDistinctPointsAndTheDerivativeAtCoincidentOnes) {
    using quench::theory::detail::DividedDifference;
    const auto f = [](const auto& u) { return u * u * u / (1.0 - 0.3 * u) + 2.0 / u; };
    const Complex a(0.7, 0.2), b(0.4, -0.1);
    const DividedDifference distinct = f(DividedDifference::variable(a, b));
    EXPECT_LT(std::abs(distinct.slope - (f(a) - f(b)) / (a - b)), 1e-13);
    const DividedDifference same = f(DividedDifference::variable(a, a));
    const Complex derivative =
        3.0 * a * a / (1.0 - 0.3 * a) + 0.3 * a * a * a / ((1.0 - 0.3 * a) * (1.0 - 0.3 * a)) - 2.0 / (a * a);
    EXPECT_LT(std::abs(same.slope - derivative), 1e-13);
}

// ---------------- exact Wick moments at finite N ----------------
// With nu g^2/N = Var J_ii (nu = 1 Gaussian diagonal, 0 zero diagonal):
//   E tr J^2   = eta g^2 (N-1)/N + nu g^2/N, 1/N coefficient g^2 (nu - eta);
//   E tr J J^T = g^2 (N-1)/N + nu g^2/N,     1/N coefficient g^2 (nu - 1);
// odd moments vanish. These are the leading terms of the large-z expansions R(z) = sum_k J^k / z^(k+1).

struct SecondMoments {
    double square;     // 1/N coefficient of E tr J^2 (= E tr J^T^2)
    double transpose;  // 1/N coefficient of E tr J J^T (= E tr J^T J)
};

SecondMoments wickSecondMoments(double g, double eta, DiagonalConvention d) {
    const double nu = d == kGaussian ? 1.0 : 0.0;
    return {g * g * (nu - eta), g * g * (nu - 1.0)};
}

TEST(FiniteSizeWick, MeanResolventStartsWithTheExactSecondMomentOfJ) {
    const double t = 1e3;  // z^3 G1(z) = E_1 tr J^2 + O(1/z^2)
    for (const double eta : {0.0, 0.5, -0.7})
        for (const DiagonalConvention d : {kGaussian, kZero}) {
            const double g = 0.4;
            EXPECT_NEAR(std::real(resolventTrace(Complex(t), g, eta, d).one_over_n) * t * t * t,
                        wickSecondMoments(g, eta, d).square, 1e-5)
                << "eta = " << eta;
        }
}

TEST(FiniteSizeWick, TwoAndFourPointFunctionsStartWithTheExactSecondMoments) {
    // tr R(t) R(t)^T at order t^-4: the words J^2, J^T^2 and J J^T.
    // tr R R^T R R^T at order t^-6: of the ten two-letter words J^k1 J^T^k2 J^k3 J^T^k4, six equal J^2 or
    // J^T^2 and four equal J J^T or J^T J.
    const double t = 1e3, g = 0.45;
    for (const double eta : {0.0, 0.3, -0.5})
        for (const DiagonalConvention d : {kGaussian, kZero}) {
            const SecondMoments w = wickSecondMoments(g, eta, d);
            EXPECT_NEAR(
                std::real(resolventTwoPoint(Complex(t), Complex(t), g, eta, d).one_over_n) * std::pow(t, 4),
                2.0 * w.square + w.transpose, 1e-5);
            EXPECT_NEAR(
                std::real(resolventFourPoint(Complex(t), Complex(t), Complex(t), Complex(t), g, eta, d)
                              .one_over_n) *
                    std::pow(t, 6),
                6.0 * w.square + 4.0 * w.transpose, 1e-5);
        }
}

// ---------------- closed forms (an independent symbolic derivation: scripts/derive_linear_finite_size.py)
// ----

TEST(ZeroFrequencyFirstOrder, MatchesTheSymbolicClosedFormsForIidJ) {
    for (const double g : {0.1, 0.3, 0.5, 0.7, 0.9}) {
        const double g2 = g * g, gap = 1.0 - g2;
        const LinearFirstOrder d = linearZeroFrequencyFirstOrder(g, 0.0, 1.0, kGaussian);
        EXPECT_NEAR(d.auto_mean, 2.0 * g2 / std::pow(gap, 3), 1e-10 * std::pow(gap, -3));
        EXPECT_NEAR(d.m2, g2 * (6.0 + 7.0 * g2) / std::pow(gap, 6), 1e-10 * std::pow(gap, -6));
        EXPECT_NEAR(d.pr_over_n, -g2 * (2.0 + 7.0 * g2), 1e-10);
        const LinearFirstOrder z = linearZeroFrequencyFirstOrder(g, 0.0, 1.0, kZero);
        EXPECT_NEAR(z.auto_mean, g2 * (3.0 * g2 - 1.0) / std::pow(gap, 3), 1e-10 * std::pow(gap, -3));
        EXPECT_NEAR(z.m2, g2 * (2.0 * g2 * g2 + 15.0 * g2 - 4.0) / std::pow(gap, 6),
                    1e-10 * std::pow(gap, -6));
    }
}

TEST(ZeroFrequencyFirstOrder, DiagonalVarianceFollowsTheCavityFormula) {
    // N var C_ii = 2 g^4 m2 + 4 a^2 (g^2 nu + g^4 a) at eta = 0 (sigma = 1).
    const double g = 0.5, g2 = g * g;
    const double a = 1.0 / (1.0 - g2), m2 = std::pow(1.0 - g2, -4);
    EXPECT_NEAR(*linearZeroFrequencyFirstOrder(g, 0.0, 1.0, kGaussian).auto_var,
                2.0 * g2 * g2 * m2 + 4.0 * a * a * (g2 + g2 * g2 * a), 1e-12);
    EXPECT_NEAR(*linearZeroFrequencyFirstOrder(g, 0.0, 1.0, kZero).auto_var,
                2.0 * g2 * g2 * m2 + 4.0 * a * a * g2 * g2 * a, 1e-12);
}

TEST(ZeroFrequencyFirstOrder, ScalesWithSigmaLikeTheStatistics) {
    const LinearFirstOrder one = linearZeroFrequencyFirstOrder(0.4, 0.3, 1.0, kGaussian);
    const LinearFirstOrder two = linearZeroFrequencyFirstOrder(0.4, 0.3, 2.0, kGaussian);
    EXPECT_NEAR(two.auto_mean, 4.0 * one.auto_mean, 1e-12);
    EXPECT_NEAR(two.m2, 16.0 * one.m2, 1e-10);
    EXPECT_NEAR(*two.n_cross_var, 16.0 * *one.n_cross_var, 1e-10);
    EXPECT_NEAR(two.pr_over_n, one.pr_over_n, 1e-14);
}

// ---------------- the planar limits agree with linear_theory.hpp ----------------

TEST(FirstOrderLimits, ReproduceTheLargeNTheory) {
    for (const double g : {0.3, 0.7}) {
        const LinearMoments zf = linearZeroFrequencyIid(g, 1.3);
        const LinearFirstOrder f = linearZeroFrequencyFirstOrder(g, 0.0, 1.3, kGaussian);
        EXPECT_NEAR(f.limit.auto_mean, zf.auto_mean, 1e-12 * zf.auto_mean);
        EXPECT_NEAR(f.limit.m2, zf.m2, 1e-12 * zf.m2);
        const LinearMoments et = linearEqualTimeIid(g, 1.3);
        const LinearFirstOrder e = linearEqualTimeFirstOrder(g, 0.0, 1.3, kGaussian);
        EXPECT_NEAR(e.limit.auto_mean, et.auto_mean, 1e-8 * et.auto_mean);
        EXPECT_NEAR(e.limit.m2, et.m2, 1e-7 * et.m2);
    }
    for (const double eta : {-0.5, 0.4}) {
        const LinearMoments zf = linearZeroFrequencyPartiallySymmetric(0.5, eta, 1.0);
        const LinearFirstOrder f = linearZeroFrequencyFirstOrder(0.5, eta, 1.0, kGaussian);
        EXPECT_NEAR(f.limit.pr_over_n, zf.pr_over_n, 1e-12);
        EXPECT_NEAR(linearEqualTimeFirstOrder(0.5, eta, 1.0, kGaussian).limit.auto_mean,
                    linearEqualTimeAutoMeanPartiallySymmetric(0.5, eta, 1.0), 1e-8);
    }
}

TEST(FirstOrderLimits, RejectUnstableOrInvalidParametersNamingThem) {
    for (const auto& [g, eta] :
         {std::pair{1.0, 0.0}, {0.6, 0.7}, {-0.1, 0.0}, {0.5, 1.5}, {std::nan(""), 0.0}}) {
        try {
            linearZeroFrequencyFirstOrder(g, eta, 1.0, kGaussian);
            FAIL() << "accepted g = " << g << ", eta = " << eta;
        } catch (const std::domain_error& e) {
            EXPECT_NE(std::string(e.what()).find(" = "), std::string::npos) << e.what();
        }
    }
    EXPECT_THROW(linearEqualTimeFirstOrder(0.5, 0.0, -1.0, kGaussian), std::domain_error);
}

// ---------------- exact finite-N covariances over realizations ----------------

// J_ij ~ N(0, g^2/N), corr(J_ij, J_ji) = eta, J_ii ~ N(0, g^2/N) or 0: the simulator's conventions.
Matrix coupling(int n, double g, double eta, DiagonalConvention d, std::mt19937_64& rng) {
    std::normal_distribution<double> normal(0.0, 1.0);
    const double scale = g / std::sqrt(static_cast<double>(n));
    const double other = std::sqrt(1.0 - eta * eta);
    Matrix j(static_cast<size_t>(n) * n);
    for (int i = 0; i < n; ++i) {
        j[i * n + i] = d == kGaussian ? scale * normal(rng) : 0.0;
        for (int k = i + 1; k < n; ++k) {
            const double x = normal(rng), y = normal(rng);
            j[i * n + k] = scale * x;
            j[k * n + i] = scale * (eta * x + other * y);
        }
    }
    return j;
}

struct Statistics {
    double auto_mean, m2, pr_over_n, n_cross_var, auto_var;
};

// As host/statistics/covariance_statistics.cpp computes them from an exactly known C.
Statistics statisticsOf(const Matrix& c, int n) {
    double diag = 0.0, diag_sq = 0.0, all = 0.0, all_sq = 0.0;
    for (int i = 0; i < n; ++i) {
        diag += c[i * n + i];
        diag_sq += c[i * n + i] * c[i * n + i];
    }
    for (const double v : c) {
        all += v;
        all_sq += v * v;
    }
    const double nd = n, pairs = nd * (nd - 1.0), a = diag / nd;
    const double off = all - diag, off_sq = all_sq - diag_sq;
    return {a, all_sq / nd, diag * diag / all_sq / nd, nd * (off_sq / pairs - (off / pairs) * (off / pairs)),
            diag_sq / nd - a * a};
}

struct MeanAndError {
    double mean = 0.0;
    double standard_error = 0.0;
};

MeanAndError meanAndError(const std::vector<double>& x) {
    const double count = static_cast<double>(x.size());
    double mean = 0.0, var = 0.0;
    for (const double v : x) mean += v / count;
    for (const double v : x) var += (v - mean) * (v - mean) / (count - 1.0);
    return {mean, std::sqrt(var / count)};
}

// The statistics of `realizations` exact covariances at size n.
template <class Covariance>
std::vector<Statistics> sample(const Covariance& covariance, int n, int realizations, double g, double eta,
                               DiagonalConvention d, std::mt19937_64& rng) {
    std::vector<Statistics> out;
    for (int r = 0; r < realizations; ++r)
        out.push_back(statisticsOf(covariance(coupling(n, g, eta, d, rng), n), n));
    return out;
}

// f(N) = N (E S(N) - S_inf) = c + d/N + ...; the Richardson combination 2 f(2N) - f(N) removes d/N and
// leaves the 1/N coefficient c up to O(1/N^2).
template <class Pick>
MeanAndError richardson(const std::vector<Statistics>& small, const std::vector<Statistics>& large, int n,
                        Pick pick, double limit) {
    std::vector<double> f_small, f_large;
    for (const Statistics& s : small) f_small.push_back(n * (pick(s) - limit));
    for (const Statistics& s : large) f_large.push_back(2.0 * n * (pick(s) - limit));
    const MeanAndError a = meanAndError(f_small), b = meanAndError(f_large);
    return {2.0 * b.mean - a.mean, std::hypot(2.0 * b.standard_error, a.standard_error)};
}

// z threshold 4: with five Gaussian estimates per case, a correct theory fails with probability ~3e-4,
// while a wrong coefficient (sign, factor 2, a missing diagonal or eta term) is off by many SE.
constexpr double kZThreshold = 4.0;

void expectCoefficient(const MeanAndError& measured, double derived, const char* what) {
    EXPECT_LT(std::abs(measured.mean - derived), kZThreshold * measured.standard_error)
        << what << ": measured " << measured.mean << " +- " << measured.standard_error << ", derived "
        << derived;
    // The check must be able to fail: the coefficient is resolved to better than 50 %.
    EXPECT_LT(measured.standard_error, 0.5 * std::abs(derived)) << what;
}

template <class Covariance>
void checkAllStatistics(const char* name, const LinearFirstOrder& t, const Covariance& covariance, int n,
                        int realizations, double g, double eta, DiagonalConvention d) {
    SCOPED_TRACE(name);
    std::mt19937_64 rng(20261126);
    const std::vector<Statistics> small = sample(covariance, n, realizations, g, eta, d, rng);
    const std::vector<Statistics> large = sample(covariance, 2 * n, realizations, g, eta, d, rng);
    const auto check = [&](auto pick, double limit, double derived, const char* what) {
        expectCoefficient(richardson(small, large, n, pick, limit), derived, what);
    };
    check([](const Statistics& s) { return s.auto_mean; }, t.limit.auto_mean, t.auto_mean, "auto_mean");
    check([](const Statistics& s) { return s.m2; }, t.limit.m2, t.m2, "m2");
    check([](const Statistics& s) { return s.pr_over_n; }, t.limit.pr_over_n, t.pr_over_n, "pr_over_n");
    check([](const Statistics& s) { return s.n_cross_var; }, t.limit.n_cross_var, *t.n_cross_var,
          "n_cross_var");
    check([](const Statistics& s) { return s.auto_var; }, 0.0, *t.auto_var, "auto_var");
}

TEST(FiniteSizeMonteCarlo, ZeroFrequencyCoefficientsMatchExactInversesAtN24And48) {
    const auto zf = [](const Matrix& j, int n) { return zeroFrequencyCovariance(j, n, 1.0); };
    checkAllStatistics("iid g = 0.5", linearZeroFrequencyFirstOrder(0.5, 0.0, 1.0, kGaussian), zf, 24, 1500,
                       0.5, 0.0, kGaussian);
    checkAllStatistics("eta = -0.5", linearZeroFrequencyFirstOrder(0.5, -0.5, 1.0, kGaussian), zf, 24, 1500,
                       0.5, -0.5, kGaussian);
}

TEST(FiniteSizeMonteCarlo, ColoredNoiseEqualTimeCoefficientsMatchExactLyapunovSolutionsAtN24And48) {
    const double tau = 1.0;
    const auto et = [tau](const Matrix& j, int n) { return coloredNoiseEqualTimeCovariance(j, n, 1.0, tau); };
    checkAllStatistics("iid g = 0.6, tau = 1", linearEqualTimeFirstOrder(0.6, 0.0, 1.0, kGaussian, tau), et, 24,
                       1500, 0.6, 0.0, kGaussian);
    checkAllStatistics("eta = -0.5, g = 0.5, tau = 1",
                       linearEqualTimeFirstOrder(0.5, -0.5, 1.0, kGaussian, tau), et, 24, 1500, 0.5, -0.5,
                       kGaussian);
}

TEST(FiniteSizeMonteCarlo, EqualTimeCoefficientsMatchExactLyapunovSolutionsAtN24And48) {
    const auto et = [](const Matrix& j, int n) { return equalTimeCovariance(j, n, 1.0); };
    checkAllStatistics("iid g = 0.6", linearEqualTimeFirstOrder(0.6, 0.0, 1.0, kGaussian), et, 24, 1500, 0.6,
                       0.0, kGaussian);
}

}  // namespace
