// Exact finite-N covariances of one linear realization: residuals, Kronecker solves, closed cases.
#include "quench/theory/lyapunov.hpp"

#include <gtest/gtest.h>
#include <lapacke.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

namespace {

using quench::theory::discreteStationaryCovariance;
using quench::theory::equalTimeCovariance;
using quench::theory::solveContinuousLyapunov;
using quench::theory::zeroFrequencyCovariance;
using Matrix = std::vector<double>;

Matrix iidCoupling(int n, double g, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(0.0, g / std::sqrt(static_cast<double>(n)));
    Matrix J(static_cast<std::size_t>(n) * n);
    for (double& v : J) v = normal(rng);
    return J;
}

Matrix multiply(const Matrix& A, const Matrix& B, int n, bool transB = false) {
    Matrix out(static_cast<std::size_t>(n) * n, 0.0);
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < n; ++k)
            for (int j = 0; j < n; ++j)
                out[i * n + j] += A[i * n + k] * (transB ? B[j * n + k] : B[k * n + j]);
    return out;
}

double maxAbs(const Matrix& m) {
    double r = 0.0;
    for (const double v : m) r = std::max(r, std::fabs(v));
    return r;
}

Matrix identityMinus(const Matrix& J, int n) {
    Matrix m(J.size());
    for (std::size_t k = 0; k < J.size(); ++k) m[k] = -J[k];
    for (int i = 0; i < n; ++i) m[i * n + i] += 1.0;
    return m;
}

// Dense n^2 x n^2 solve of K vec(X) = vec(Q): the independent, obviously-correct small-n reference.
Matrix kroneckerSolve(const Matrix& K, int n, const Matrix& Q) {
    const int n2 = n * n;
    Matrix k(K), x(Q);
    std::vector<lapack_int> piv(n2);
    EXPECT_EQ(LAPACKE_dgesv(LAPACK_ROW_MAJOR, n2, 1, k.data(), n2, piv.data(), x.data(), 1), 0);
    return x;
}

// Row-major vec: X_ij at i*n+j. (M X)_ij = sum_k M_ik X_kj, (X M^T)_ij = sum_k M_jk X_ik.
Matrix continuousKronecker(const Matrix& M, int n) {
    const int n2 = n * n;
    Matrix K(static_cast<std::size_t>(n2) * n2, 0.0);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            for (int k = 0; k < n; ++k) {
                K[(i * n + j) * n2 + (k * n + j)] += M[i * n + k];
                K[(i * n + j) * n2 + (i * n + k)] += M[j * n + k];
            }
    return K;
}

// X - A X A^T: (A X A^T)_ij = sum_kl A_ik X_kl A_jl.
Matrix steinKronecker(const Matrix& A, int n) {
    const int n2 = n * n;
    Matrix K(static_cast<std::size_t>(n2) * n2, 0.0);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            K[(i * n + j) * n2 + (i * n + j)] += 1.0;
            for (int k = 0; k < n; ++k)
                for (int l = 0; l < n; ++l) K[(i * n + j) * n2 + (k * n + l)] -= A[i * n + k] * A[j * n + l];
        }
    return K;
}

Matrix scaledIdentity(int n, double v) {
    Matrix m(static_cast<std::size_t>(n) * n, 0.0);
    for (int i = 0; i < n; ++i) m[i * n + i] = v;
    return m;
}

TEST(EqualTimeCovariance, MatchesKroneckerSolveAtSmallN) {
    const int n = 6;
    const Matrix J = iidCoupling(n, 0.8, 11);
    const double sigma = 1.3;
    const Matrix C = equalTimeCovariance(J, n, sigma);
    const Matrix ref = kroneckerSolve(continuousKronecker(identityMinus(J, n), n), n, scaledIdentity(n, sigma * sigma));
    for (std::size_t k = 0; k < C.size(); ++k) EXPECT_NEAR(C[k], ref[k], 1e-12);
}

TEST(EqualTimeCovariance, UncoupledNetworkIsOrnsteinUhlenbeck) {
    const int n = 3;
    const Matrix C = equalTimeCovariance(Matrix(9, 0.0), n, 2.0);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) EXPECT_NEAR(C[i * n + j], i == j ? 2.0 : 0.0, 1e-14);
}

TEST(EqualTimeCovariance, ScalarCaseIsSigmaSquaredOverTwiceTheLeak) {
    const Matrix C = equalTimeCovariance(Matrix{0.6}, 1, 1.0);
    EXPECT_NEAR(C[0], 1.0 / (2.0 * 0.4), 1e-14);
}

// Timing is not asserted here (performance lives in benchmarks); at n = 400 the solve takes
// ~0.1-0.3 s on one idle core.
TEST(EqualTimeCovariance, SolvesLyapunovEquationToRoundingAtN400) {
    const int n = 400;
    const Matrix J = iidCoupling(n, 0.9, 7);
    const Matrix C = equalTimeCovariance(J, n, 1.0);
    const Matrix M = identityMinus(J, n);
    Matrix R = multiply(M, C, n);
    const Matrix CMt = multiply(C, M, n, true);
    for (std::size_t k = 0; k < R.size(); ++k) R[k] += CMt[k];
    for (int i = 0; i < n; ++i) R[i * n + i] -= 1.0;
    EXPECT_LT(maxAbs(R), 1e-11);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < i; ++j) EXPECT_EQ(C[i * n + j], C[j * n + i]);
}

TEST(EqualTimeCovariance, ThrowsDomainErrorWhenUnstable) {
    const int n = 2;
    const Matrix J = {1.5, 0.0, 0.0, 0.2};
    EXPECT_THROW(equalTimeCovariance(J, n, 1.0), std::domain_error);
    const Matrix marginal = {1.0, 0.0, 0.0, 0.0};
    EXPECT_THROW(equalTimeCovariance(marginal, n, 1.0), std::domain_error);
}

TEST(EqualTimeCovariance, RejectsMalformedInput) {
    EXPECT_THROW(equalTimeCovariance(Matrix(3, 0.0), 2, 1.0), std::invalid_argument);
    EXPECT_THROW(equalTimeCovariance(Matrix(4, 0.0), 2, -1.0), std::invalid_argument);
    EXPECT_THROW(equalTimeCovariance(Matrix{0.0, NAN, 0.0, 0.0}, 2, 1.0), std::invalid_argument);
    EXPECT_THROW(equalTimeCovariance(Matrix{}, 0, 1.0), std::invalid_argument);
}

TEST(ContinuousLyapunov, HandlesGeneralRightHandSide) {
    const int n = 5;
    const Matrix M = identityMinus(iidCoupling(n, 0.7, 3), n);
    Matrix Q = iidCoupling(n, 1.0, 4);
    Q = multiply(Q, Q, n, true);  // symmetric positive semidefinite
    const Matrix X = solveContinuousLyapunov(M, n, Q);
    const Matrix ref = kroneckerSolve(continuousKronecker(M, n), n, Q);
    for (std::size_t k = 0; k < X.size(); ++k) EXPECT_NEAR(X[k], ref[k], 1e-12);
}

TEST(ZeroFrequencyCovariance, EqualsSigmaSquaredTimesInverseProduct) {
    const int n = 50;
    const Matrix J = iidCoupling(n, 0.6, 5);
    const double sigma = 0.7;
    const Matrix C = zeroFrequencyCovariance(J, n, sigma);
    const Matrix M = identityMinus(J, n);
    const Matrix MCMt = multiply(multiply(M, C, n), M, n, true);  // must be sigma^2 1
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) EXPECT_NEAR(MCMt[i * n + j], i == j ? sigma * sigma : 0.0, 1e-12);
}

TEST(ZeroFrequencyCovariance, ThrowsDomainErrorWhenUnstable) {
    EXPECT_THROW(zeroFrequencyCovariance(Matrix{2.0}, 1, 1.0), std::domain_error);
}

TEST(DiscreteStationaryCovariance, MatchesKroneckerSolveAtSmallN) {
    const int n = 5;
    Matrix A = iidCoupling(n, 0.7, 21);
    Matrix Q = iidCoupling(n, 1.0, 22);
    Q = multiply(Q, Q, n, true);
    const Matrix C = discreteStationaryCovariance(A, n, Q);
    const Matrix ref = kroneckerSolve(steinKronecker(A, n), n, Q);
    for (std::size_t k = 0; k < C.size(); ++k) EXPECT_NEAR(C[k], ref[k], 1e-11);
}

TEST(DiscreteStationaryCovariance, ScalarAndRotationCases) {
    const Matrix c1 = discreteStationaryCovariance(Matrix{0.9}, 1, Matrix{0.19});
    EXPECT_NEAR(c1[0], 1.0, 1e-13);
    // A = r R(theta): rotation-invariant, so C = q / (1 - r^2) 1 (complex eigenvalue pair).
    const double r = 0.8, th = 0.9;
    const Matrix A = {r * std::cos(th), -r * std::sin(th), r * std::sin(th), r * std::cos(th)};
    const Matrix C = discreteStationaryCovariance(A, 2, scaledIdentity(2, 0.36));
    EXPECT_NEAR(C[0], 1.0, 1e-13);
    EXPECT_NEAR(C[3], 1.0, 1e-13);
    EXPECT_NEAR(C[1], 0.0, 1e-13);
}

TEST(DiscreteStationaryCovariance, EulerStepOfTheNetworkAtN400HasSmallResidual) {
    const int n = 400;
    const double dt = 0.1;
    Matrix A = iidCoupling(n, 0.8, 9);
    for (double& v : A) v *= dt;
    for (int i = 0; i < n; ++i) A[i * n + i] += 1.0 - dt;  // x' = x + dt (-x + J x) + noise
    const Matrix Q = scaledIdentity(n, dt);
    const Matrix C = discreteStationaryCovariance(A, n, Q);
    Matrix R = multiply(multiply(A, C, n), A, n, true);
    for (std::size_t k = 0; k < R.size(); ++k) R[k] += Q[k] - C[k];
    EXPECT_LT(maxAbs(R), 1e-10);
}

TEST(DiscreteStationaryCovariance, ThrowsDomainErrorWithoutContraction) {
    EXPECT_THROW(discreteStationaryCovariance(Matrix{1.0}, 1, Matrix{1.0}), std::domain_error);
}

}  // namespace
