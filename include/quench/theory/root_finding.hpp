#pragma once
// Bracketed scalar root finding for the self-consistency equations: Brent's method inside a sign
// change, and a scan that finds every sign change so that "no solution" and "several solutions"
// are reported instead of silently picking one.
#include <functional>
#include <string>
#include <vector>

namespace quench::theory {

struct Bracket {
    double lo = 0.0;
    double hi = 0.0;
};

// Root of f in [lo, hi] where f(lo) and f(hi) differ in sign (or one is zero), to absolute
// tolerance x_tol + 4 eps |x|. Throws std::domain_error when the ends do not bracket a root or f
// is not finite there; `what` names the equation in every message.
double brentRoot(const std::function<double(double)>& f, double lo, double hi, double x_tol, const std::string& what);

// Every interval [x_k, x_{k+1}] of the grid on which f changes sign (a zero at a grid point counts
// once). Non-finite values of f throw std::runtime_error naming the point.
std::vector<Bracket> signChanges(const std::function<double(double)>& f, const std::vector<double>& grid,
                                 const std::string& what);

// Geometric grid of `points` points from lo to hi (0 < lo < hi).
std::vector<double> geometricGrid(double lo, double hi, int points);

}  // namespace quench::theory
