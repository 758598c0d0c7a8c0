#pragma once
// Private helpers of the DMFT correlation solvers, shared by dmft.cpp (white and colored noise) and
// partial_symmetry_dmft.cpp (partially symmetric couplings). Not part of the public API.
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "quench/activation.hpp"
#include "quench/theory/dmft.hpp"
#include "quench/theory/gaussian_average.hpp"

namespace quench::theory::detail {

// A number as the solvers' error messages print it (10 significant digits).
inline std::string show(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

// Chebyshev interpolant of a function smooth on [a, b], from its values at the Chebyshev-Gauss nodes
// (the end points are never evaluated, so f may be 0/0 there).
class ChebyshevInterpolant {
public:
    ChebyshevInterpolant(const std::function<double(double)>& f, double a, double b, int n)
        : a_(a), b_(b), c_(n, 0.0) {
        constexpr double pi = 3.14159265358979323846;
        std::vector<double> values(n);
        for (int j = 0; j < n; ++j)
            values[j] = f(0.5 * (a + b) + 0.5 * (b - a) * std::cos(pi * (j + 0.5) / n));
        for (int k = 0; k < n; ++k) {
            double sum = 0.0;
            for (int j = 0; j < n; ++j) sum += values[j] * std::cos(pi * k * (j + 0.5) / n);
            c_[k] = 2.0 * sum / n;
        }
        c_[0] *= 0.5;
    }
    double operator()(double x) const {  // Clenshaw
        const double t = (2.0 * x - a_ - b_) / (b_ - a_);
        double b1 = 0.0;
        double b2 = 0.0;
        for (std::size_t k = c_.size(); k-- > 1;) {
            const double b0 = 2.0 * t * b1 - b2 + c_[k];
            b2 = b1;
            b1 = b0;
        }
        return t * b1 - b2 + c_[0];
    }

private:
    double a_;
    double b_;
    std::vector<double> c_;
};

// F(Delta0, D) / D on [0, Delta0]: analytic (F ~ gamma^2 D at small D), so F = D r(D) keeps full
// relative accuracy down to D -> 0 in the exponential tail.
ChebyshevInterpolant forceRatio(const Activation& phi, double delta0, int nodes,
                                const GaussHermiteRule& rule);

// Points of the tau grid for [0, max_tau] at step dt; std::runtime_error (prefixed by what) beyond 4e6.
std::size_t gridSize(double max_tau, double dt, const std::string& what);

// std::domain_error for grid options out of range.
void requireGridOptions(const DmftGridOptions& o);

// Iterates delta <- image(delta) to its fixed point, damped and Anderson-accelerated (depth 6: the
// slow modes of the plain iteration contract only like g_eff^2). Returns the iterations used; throws
// std::runtime_error (prefixed by what) when it does not converge in o.max_iterations.
using FixedPointMap = std::function<std::vector<double>(const std::vector<double>&)>;
int relaxToFixedPoint(std::vector<double>& delta, const FixedPointMap& image, const DmftGridOptions& o,
                      const std::string& what);

}  // namespace quench::theory::detail
