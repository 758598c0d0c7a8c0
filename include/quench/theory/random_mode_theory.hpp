#pragma once
// Random-mode couplings (Clark, Marschall, van Meegen, Litwin-Kumar), linear ZF dimension at large N.
// Derivation and verification: docs/theory/random_mode.md.
//
// Model (the simulator must generate J exactly this way):
//   J = sum_{a=1..P} D_a u_a v_a^T,  u_a, w_a with iid N(0, 1/N) entries,  v_a = rho u_a + sqrt(1-rho^2) w_a,
//   P = number of modes (alpha = P/N), D_a >= 0 from randomModeSpectrum (order a = 1..P, largest first).
//   g^2 = (1/N) sum_a D_a^2,  PR_D = (sum D^2)^2 / sum D^4,  kappa = g^4 N / PR_D = (1/N) sum D^4.
// Invalid input throws std::domain_error naming the parameter; no NaN is returned.
#include <complex>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "quench/mode_spectrum.hpp"

namespace quench::theory {

// The spectrum shapes are the simulator's (include/quench/mode_spectrum.hpp), so theory and
// simulation cannot drift apart.
using quench::ModeSpectrum;

// D_a, a = 1..P (index a-1), with the constant c fixed so that (1/N) sum_a D_a^2 = g^2 exactly.
// decay >= 0 is ignored for Flat. Throws for P < 1, N < 1, g < 0, decay < 0 or non-finite input.
// TwoValued: the first max(1, round(strong_fraction P)) modes strong, the rest weak_ratio times as strong;
// throws for strong_fraction outside (0, 1] or weak_ratio outside [0, 1] (both ignored by the other kinds).
std::vector<double> randomModeSpectrum(ModeSpectrum kind, int P, int N, double g, double decay,
                                       double strong_fraction = 1.0, double weak_ratio = 0.0);

// Parses "flat", "power_law", "exponential", "two_valued" (std::domain_error otherwise).
ModeSpectrum parseModeSpectrum(const std::string& name);

// PR_D = (sum D^2)^2 / sum D^4 (effective rank, 1 <= PR_D <= P).
double effectiveRank(const std::vector<double>& D);

// Closed form for rho = 0 (theory.md): PR/N = (1 - g^2)^2 / (1 + g^4 N / PR_D). Requires g < 1.
double randomModeZeroFrequencyPrOverNUncorrelated(double g, int N, double effective_rank);

struct RandomModeZeroFrequency {
    double auto_mean = 0.0;    // a = (1/N) Tr C
    double m2 = 0.0;           // (1/N) Tr C^2
    double n_cross_var = 0.0;  // m2 - a^2 (cross mean is zero at this order)
    double pr_over_n = 0.0;
    double kappa = 0.0;  // (1/N) sum D^4
    bool exact = true;   // large-N exact (closed form at rho = 0, converged cavity otherwise)
};

// Large-N ZF statistics of C = sigma^2 (1-J)^-1 (1-J)^-T for the spectrum D (P = D.size()) in a
// network of N neurons, mode overlap rho in (-1, 1]. rho = 0 uses the closed forms; otherwise the
// self-consistent two-block cavity of docs/theory/random_mode.md. Throws std::domain_error when the
// network is unstable at large N (g >= 1 for rho = 0; for rho != 0 when z = 1 lies inside the
// spectral bulk of J or the bulk's mean rho sum D / N >= 1) and std::runtime_error if the cavity
// iteration fails to converge.
RandomModeZeroFrequency randomModeZeroFrequency(const std::vector<double>& D, int N, double rho,
                                                double sigma);

// The same with per-mode overlaps, v_a = rho_a u_a + sqrt(1-rho_a^2) w_a (rho.size() == D.size()). The
// cavity generalizes exactly (docs/theory/random_mode.md): the mode response of mode a uses rho_a, the
// neuron response the rho_a-weighted mode average. All rho_a = 0 uses the closed forms.
RandomModeZeroFrequency randomModeZeroFrequency(const std::vector<double>& D, int N,
                                                const std::vector<double>& rho, double sigma);

// Modes and network size whose plain mode averages (1/N) sum_a f(D_a, rho_a) are, at large N, those of
// rho_a iid uniform in [overlap - spread, overlap + spread] (independent of D): each mode replaced by `nodes`
// copies with rho at the midpoints of the law, in a network nodes times as large (spread = 0: the modes
// themselves, every rho_a = overlap). Throws std::domain_error for a spread < 0, nodes < 1, or overlaps
// outside [-1, 1]. The *UniformOverlap functions below evaluate their theory on this set.
struct RandomModeSet {
    std::vector<double> d, rho;
    int n = 0;
};
RandomModeSet randomModeUniformOverlapSet(const std::vector<double>& D, int N, double overlap, double spread,
                                          int nodes);

// rho_a iid uniform in [overlap - spread, overlap + spread], independent of D (the simulator's
// coupling.overlap_spread): at large N the mode sums self-average to the expectation over rho_a, taken
// here by the midpoint rule with `nodes` points per mode (error O(spread^2 / nodes^2), ~4e-5 in PR/N
// at 32 nodes for spread 0.5). spread = 0 is
// randomModeZeroFrequency(D, N, overlap, sigma).
RandomModeZeroFrequency randomModeZeroFrequencyUniformOverlap(const std::vector<double>& D, int N,
                                                              double overlap, double spread, double sigma,
                                                              int nodes = 32);

// The ET auto mean with mode overlap: int dw/2pi S(w) (1/N) Tr [(K-J)^H (K-J)]^-1, K = 1 + i w, with the
// noise spectrum S(w) = sigma^2 / (1 + noise_tau^2 w^2) (white for noise_tau = 0, else Ornstein-Uhlenbeck
// of stationary variance sigma^2 / (2 noise_tau)), each frequency by the same cavity with K in place of 1
// (docs/theory/random_mode.md; exact at large N; it is not the iid value once rho != 0). Same validation
// and errors as randomModeZeroFrequency; noise_tau must be finite and >= 0.
double randomModeEqualTimeAutoMean(const std::vector<double>& D, int N, const std::vector<double>& rho,
                                   double sigma, double noise_tau = 0.0);
// The same with rho_a uniform in [overlap - spread, overlap + spread] (the midpoint rule of
// randomModeZeroFrequencyUniformOverlap).
double randomModeEqualTimeAutoMeanUniformOverlap(const std::vector<double>& D, int N, double overlap,
                                                 double spread, double sigma, double noise_tau,
                                                 int nodes = 32);

// The ET statistics of a linear network with mode overlap (noise spectrum S(w) as above): the auto mean
// above and m2 = int int dw dw' / (2 pi)^2 S(w) S(w') (1/N) Tr [(M^H M)^-1 (M'^H M')^-1], M = 1 + i w - J,
// each frequency pair by the two-copy cavity (random_mode_two_copy_cavity.cpp; docs/theory/random_mode.md;
// exact at large N). Same validation and errors as randomModeEqualTimeAutoMean.
RandomModeZeroFrequency randomModeEqualTime(const std::vector<double>& D, int N,
                                            const std::vector<double>& rho, double sigma,
                                            double noise_tau = 0.0);
// The same with rho_a uniform in [overlap - spread, overlap + spread].
RandomModeZeroFrequency randomModeEqualTimeUniformOverlap(const std::vector<double>& D, int N, double overlap,
                                                          double spread, double sigma, double noise_tau,
                                                          int nodes = 32);

// The ET auto mean and four-point statistics for any even noise spectrum S(w) = noise(w) (its full power,
// sigma^2 included), e.g. the equivalent site noise of a nonlinear network (random_mode_overlap_closure.hpp):
// int dw/2pi S r and int int dw dw'/(2 pi)^2 S S' T by the same cavities. width is S's frequency scale
// (> 0; the quadratures resolve min(1, width) and the network's own width). The auto mean comes from the
// cavity also at rho = 0. Same validation and errors as randomModeEqualTimeAutoMean.
double randomModeEqualTimeAutoMeanWithNoise(const std::vector<double>& D, int N,
                                            const std::vector<double>& rho,
                                            const std::function<double(double)>& noise, double width);
RandomModeZeroFrequency randomModeEqualTimeWithNoise(const std::vector<double>& D, int N,
                                                     const std::vector<double>& rho,
                                                     const std::function<double(double)>& noise,
                                                     double width);

// (1/N) Tr (k - J)^-1 at large N, for k to the right of the bulk of eig J: the root of
// G = 1 / (k - (1/N) sum_a rho_a D_a / (1 - rho_a D_a G)) that behaves like 1/k (exactly 1/k at rho = 0)
// (docs/theory/random_mode.md, "Nonlinear networks with overlap"). Throws std::domain_error when the
// iteration diverges or does not converge (k in or next to the bulk).
std::complex<double> randomModeMeanResolvent(const std::vector<double>& D, int N,
                                             const std::vector<double>& rho, std::complex<double> k);

// P(k1, k2) = (1/N) Tr [(k1 - J)^-1 (k2 - J^T)^-1] at large N for each (k1, k2) of points, both to the right
// of the bulk of eig J (P(K, conj K) = r(w) below): the cavity of r(w) with the x -> p and p -> x couplings
// k1 and k2. P(k1, k2) = P(k2, k1) and conj P(k1, k2) = P(conj k1, conj k2). Each point is continued from the
// previous one's solution, so order the points along a path. Validates D, N, rho as randomModeZeroFrequency
// (the stability at k = 1 is not asked); std::domain_error for non-finite arguments or a diverging cavity,
// std::runtime_error where it does not converge (an argument in or next to the bulk).
std::vector<std::complex<double>> randomModeResolventProducts(
    const std::vector<double>& D, int N, const std::vector<double>& rho,
    const std::vector<std::pair<std::complex<double>, std::complex<double>>>& points);

// T(k1, k2) = (1/N) Tr [(k1 - J)^-1 (conj k1 - J^T)^-1 (k2 - J)^-1 (conj k2 - J^T)^-1] at large N (real: a
// trace of two positive matrices) for each (k1, k2) of points, both to the right of the bulk of eig J (k = 1
// + i w: the T(w, w') of randomModeEqualTime), by the two-copy cavity, each point continued from the previous
// one. Same validation as randomModeResolventProducts; std::domain_error where the cavity does not converge.
std::vector<double> randomModeFourResolventTraces(
    const std::vector<double>& D, int N, const std::vector<double>& rho,
    const std::vector<std::pair<std::complex<double>, std::complex<double>>>& points);

// r(w) = (1/N) Tr [(K-J)^H (K-J)]^-1, K = 1 + i w, at each w of an ascending grid of w >= 0 (the spectral
// power of one unit per unit white noise; each frequency continued from the previous one). Same
// validation and stability errors as randomModeZeroFrequency.
std::vector<double> randomModeSpectralPower(const std::vector<double>& D, int N,
                                            const std::vector<double>& rho, const std::vector<double>& w);

}  // namespace quench::theory
