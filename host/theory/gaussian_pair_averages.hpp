#pragma once
// Gaussian averages of products of an activation's derivatives, E[phi^(p)(y1) phi^(q)(y2)] for a stationary
// pair (Var y1 = Var y2 = v, correlation rho), accurate however steep phi is against sqrt(v).
//
// Why not Gauss-Hermite in z = y / sqrt(v): its nodes sit about 0.45 sqrt(v) apart (48 nodes), so it resolves
// phi''' and phi'''' (scale ~0.3 for tanh) only while sqrt(v) is below about 1. A per-neuron gain b
// multiplies sqrt(v) (phi(b x)); at sqrt(v) = 1.6 the 48-node curvature of E tanh(y)^2 came out +0.52 against
// -0.46, at 3 a hundred times too large (docs/theory/one_loop_site.md, section 11). Here the grid is uniform
// in y (spacing 0.025) over +- 17 sqrt(v): the average over y2 given y1 is phi^(q) smoothed by a Gaussian of
// width sqrt(v (1 - rho^2)) (one FFT), read at rho y1 (cubic interpolation), and the average over y1 a sum on
// the grid. Agrees with the closed forms of erf to 1e-5 relative at sqrt(v) = 0.7 and 3.
#include <array>
#include <complex>
#include <memory>
#include <tuple>
#include <vector>

#include "quench/activation.hpp"

namespace quench::theory::detail {

class RealTransforms;

// phi and its first four derivatives at y; the second to fourth by central differences of phi' (step 1e-3: a
// relative error of about 1e-7). The one-loop sample paths take theirs from here too.
using ActivationJet = std::array<double, 5>;
ActivationJet activationJet(const Activation& phi, double y);

class GaussianPairAverages {
public:
    static constexpr int kOrders = static_cast<int>(std::tuple_size<ActivationJet>::value);
    GaussianPairAverages(const Activation& phi, double variance);
    ~GaussianPairAverages();
    GaussianPairAverages(const GaussianPairAverages&) = delete;
    GaussianPairAverages& operator=(const GaussianPairAverages&) = delete;

    // E[phi^(p)(y) phi^(q)(y)], one variable.
    double single(int p, int q) const;
    // E[phi^(p)(y1) phi^(q)(y2)] at correlation rho, for every p and the inner orders q <= max_q: [p][q].
    // Uses the instance's FFT buffers: one instance per thread.
    std::array<std::array<double, kOrders>, kOrders> pair(double rho, int max_q) const;

private:
    double variance_, spacing_;
    std::vector<double> y_, weight_;
    std::array<std::vector<double>, kOrders> values_;  // phi^(p) on the grid
    std::array<std::vector<std::complex<double>>, kOrders> spectra_;
    std::unique_ptr<RealTransforms> fft_;
};

}  // namespace quench::theory::detail
