#pragma once
// The exact DMFT of nonlinear networks with partially symmetric couplings, corr(J_ij, J_ji) = eta, solved
// by sampling its single site (docs/theory/sampled_dmft.md). At N = infinity a site sees
//   h(t) = eta(t) + eta g^2 sum_{k >= 1} chi(k) phi(x(t - k dt)),
// a Gaussian field eta of covariance g^2 C_phi plus the reaction of its own past through its partners'
// response chi. x is then not Gaussian, which is what the Gaussian closure (partial_symmetry_dmft.hpp)
// drops. The site is integrated with the simulator's own recursion (stepCoefficients: the same dt, method
// and noise model), so the solution is the N = infinity limit of exactly what `quench simulate` integrates,
// with no O(dt) difference left between the two.
//
// Numerics: C_phi and chi are iterated to their fixed point; every iteration samples trajectories of the
// site (the field by circulant embedding, the reaction by blocked matrix products), estimates C_phi and
// Delta by FFT, and chi by Novikov's theorem from the correlation of phi with the noise increments. The
// values are the mean over the sampling iterations, each with a Monte-Carlo standard error. The four-point
// statistics (m2, N dc2, PR/N of phi and x) follow from the site's linear response: the network whose sites
// have the sampled response chi and residual spectrum (docs/theory/sampled_dmft.md, section 6).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "quench/activation.hpp"
#include "quench/ensemble_spec.hpp"

namespace quench::theory {

struct SampledDmftOptions {
    int warmup_iterations = 12;       // damped iterations before any value is kept
    int warmup_trajectories = 256;    // per warm-up iteration
    int sampling_iterations = 32;     // iterations whose estimates are averaged
    int sampling_trajectories = 256;  // per sampling iteration
    double window = 200.0;            // sampled time per trajectory, after its burn-in
    double damping = 0.25;            // C <- (1 - damping) C + damping C_new, likewise chi (see the .cpp)
    double max_lag = 0.0;             // memory kept (time); 0: from the closure's decay (see the .cpp)
    std::uint64_t seed = 20261127;    // of the sampling; the values are a pure function of it
};

// A value and its Monte-Carlo standard error (spread over the sampling iterations, widened for their
// correlation: sampled_dmft.cpp, meanWithError).
struct SampledValue {
    double value = 0.0;
    double se = 0.0;
};

// The N = infinity statistics of one covariance, from the site's linear response (sampled_four_point.hpp;
// auto_mean repeats the single-site value from the same spectra, a check).
struct SampledFourPoint {
    SampledValue auto_mean;
    SampledValue m2;           // Tr C^2 / N
    SampledValue n_cross_var;  // N var_{i != j} C_ij = m2 - auto_mean^2 (zero cross mean)
    SampledValue pr_over_n;
};

struct SampledDmft {
    double dt = 0.0;               // lag step (the integration step)
    std::vector<double> delta;     // Delta(k dt) = E x(t) x(t + k dt), k = 0..size-1
    std::vector<double> c_phi;     // C_phi(k dt)
    std::vector<double> delta_se;  // their standard errors, lag by lag
    std::vector<double> c_phi_se;
    std::vector<double> response;  // chi(k) = d E phi(t + k dt) / d h(t) for an input h held over one step
    SampledValue delta0;           // Var x
    SampledValue a_phi;            // E phi^2
    SampledValue gamma;            // E phi'(x)
    SampledValue zf_phi;           // S_phi(0) = dt sum_k C_phi(k dt) over all k (the ZF auto mean)
    SampledValue zf_x;             // S_x(0)
    // The four-point statistics of the phi and x covariances, equal-time and zero-frequency; empty with a
    // reason in four_point_failure when the linear-response network has no stationary state.
    SampledFourPoint phi_et, phi_zf, x_et, x_zf;
    std::string four_point_failure;
    double last_change = 0.0;      // max |C_new - C| / C(0) of the last warm-up iteration
    long long sampled_steps = 0;   // site steps kept over all sampling iterations
};

// Throws std::domain_error naming the parameter for |eta| > 1, g < 0, sigma <= 0, noise_tau < 0, dt <= 0,
// non-finite input, a phi with E[phi] != 0 and g (1 + eta) gamma >= 1 in the closure that starts the
// iteration (no stationary state); std::runtime_error when a sampled site diverges.
SampledDmft solveSampledDmft(const Activation& phi, double g, double eta, double sigma, double noise_tau,
                             double dt, IntegrationMethod method, const SampledDmftOptions& options = {});

// The exact DMFT of nonlinear networks with random-mode couplings whose modes overlap (v_a = rho_a u_a +
// sqrt(1 - rho_a^2) w_a; random_mode_theory.hpp), by the same sampled site (docs/theory/sampled_dmft.md,
// section 8). The site sees
//   h = f + sum_{k >= 0} K(k) phi(x(t - k dt)),   K_hat = (1/N) sum_a rho_a D_a / (1 - rho_a D_a chi_hat),
// a Gaussian field f of spectrum (1/N) sum_a D_a^2 S_phi / |1 - rho_a D_a chi_hat|^2 and the reaction through
// every mode's loop (K(0) = (1/N) sum_a rho_a D_a, the mean self-coupling). The four-point statistics come
// from the same linear-response network as for partially symmetric J, its traces from the random-mode
// cavities. Throws as solveSampledDmft, with the random-mode closure's errors.
SampledDmft solveSampledDmftRandomMode(const Activation& phi, const std::vector<double>& D, int N,
                                       const std::vector<double>& rho, double sigma, double noise_tau,
                                       double dt, IntegrationMethod method,
                                       const SampledDmftOptions& options = {});

// solveSampledDmft for the spec's phi, coupling.g, coupling.symmetry, noise.sigma, noise.tau, integration.dt
// and integration.method with the default options (solveSampledDmftRandomMode for random-mode couplings, with
// the spec's modes and overlaps), remembered: predict() and the series predictions of one
// model share one solve (the last 16 models are kept; concurrent requests for one model wait for one solve).
std::shared_ptr<const SampledDmft> sampledDmftOf(const EnsembleSpec& spec);

}  // namespace quench::theory
