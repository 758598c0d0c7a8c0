#pragma once
// Exact finite-N covariances of ONE linear network realization (no large-N limit involved).
// They are the reference against which both the simulator and the large-N theory are checked.
//
// Conventions shared by every function here:
//  - matrices are dense, row-major std::vector<double> of size n * n, entry (i, j) at [i * n + j];
//  - results are symmetric to rounding (explicitly symmetrized);
//  - a network without a stationary state throws std::domain_error naming the offending eigenvalue;
//  - malformed input (sizes, non-finite entries, sigma < 0) throws std::invalid_argument;
//  - every solve is followed by a residual check (with one step of iterative refinement when it is
//    loose); a solve that still fails it throws std::runtime_error instead of returning garbage.
// Cost: O(n^3) through a Schur decomposition (Bartels-Stewart). Measured at n = 400 (2-core box):
// ET ~0.1-0.3 s, ZF ~0.1 s, discrete ~0.5 s.
#include <vector>

namespace quench::theory {

// Solves M X + X M^T = Q (continuous Lyapunov equation). Requires every eigenvalue of M to have a
// positive real part (then X is unique, and positive definite when Q is).
std::vector<double> solveContinuousLyapunov(const std::vector<double>& M, int n, const std::vector<double>& Q);

// Solves X = A X A^T + Q (discrete Lyapunov / Stein equation). Requires |eig A| < 1.
std::vector<double> solveDiscreteLyapunov(const std::vector<double>& A, int n, const std::vector<double>& Q);

// Stationary (equal-time) covariance of dx = (-x + J x) dt + sigma dW: solves
// (1-J) C + C (1-J)^T = sigma^2 1. Throws std::domain_error if 1-J has an eigenvalue with real part <= 0.
std::vector<double> equalTimeCovariance(const std::vector<double>& J, int n, double sigma);

// Stationary (equal-time) covariance of x under Ornstein-Uhlenbeck noise of correlation time tau > 0 and the
// white noise's zero-frequency power (spectrum sigma^2 / (1 + tau^2 w^2)): the x block of the stationary
// covariance of (x, eta), d(x, eta) = [[-1 + J, 1], [0, -1/tau]] (x, eta) dt + (0, sigma/tau dW), a Lyapunov
// equation of size 2n. Same stability requirement as above; throws std::invalid_argument unless tau > 0.
std::vector<double> coloredNoiseEqualTimeCovariance(const std::vector<double>& J, int n, double sigma, double tau);

// Zero-frequency covariance sigma^2 (1-J)^-1 (1-J)^-T = integral over tau of Cov(x(t), x(t+tau)).
// Same stability requirement as equalTimeCovariance (an unstable network has no stationary state,
// even where 1-J happens to be invertible); throws std::domain_error otherwise.
std::vector<double> zeroFrequencyCovariance(const std::vector<double>& J, int n, double sigma);

// Stationary covariance of the discrete recursion x' = A x + noise with noise covariance Q:
// C = A C A^T + Q. Throws std::domain_error unless every |eig A| < 1.
std::vector<double> discreteStationaryCovariance(const std::vector<double>& A, int n, const std::vector<double>& Q);

}  // namespace quench::theory
