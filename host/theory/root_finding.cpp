#include "quench/theory/root_finding.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <utility>

namespace quench::theory {
namespace {

std::string show(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

double finiteValue(const std::function<double(double)>& f, double x, const std::string& what) {
    const double v = f(x);
    if (!std::isfinite(v)) throw std::runtime_error(what + ": the function is not finite at " + show(x));
    return v;
}

}  // namespace

double brentRoot(const std::function<double(double)>& f, double lo, double hi, double x_tol, const std::string& what) {
    double a = lo;
    double b = hi;
    double fa = finiteValue(f, a, what);
    double fb = finiteValue(f, b, what);
    if (fa == 0.0) return a;
    if (fb == 0.0) return b;
    if ((fa > 0.0) == (fb > 0.0))
        throw std::domain_error(what + ": no sign change between " + show(lo) + " (f = " + show(fa) + ") and " + show(hi) +
                                " (f = " + show(fb) + ")");
    double c = a;
    double fc = fa;
    double d = b - a;
    double e = d;
    const double eps = std::numeric_limits<double>::epsilon();
    for (int iter = 0; iter < 200; ++iter) {
        if ((fb > 0.0) == (fc > 0.0)) {  // keep the root between b and c
            c = a;
            fc = fa;
            d = e = b - a;
        }
        if (std::fabs(fc) < std::fabs(fb)) {
            a = b; b = c; c = a;
            fa = fb; fb = fc; fc = fa;
        }
        const double tol = 2.0 * eps * std::fabs(b) + 0.5 * x_tol;
        const double m = 0.5 * (c - b);
        if (std::fabs(m) <= tol || fb == 0.0) return b;
        if (std::fabs(e) >= tol && std::fabs(fa) > std::fabs(fb)) {
            // Inverse quadratic interpolation (secant when only two points differ).
            double p;
            double q;
            const double s = fb / fa;
            if (a == c) {
                p = 2.0 * m * s;
                q = 1.0 - s;
            } else {
                const double qa = fa / fc;
                const double r = fb / fc;
                p = s * (2.0 * m * qa * (qa - r) - (b - a) * (r - 1.0));
                q = (qa - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if (p > 0.0) q = -q; else p = -p;
            if (2.0 * p < std::min(3.0 * m * q - std::fabs(tol * q), std::fabs(e * q))) {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = m;
            }
        } else {
            d = m;
            e = m;
        }
        a = b;
        fa = fb;
        b += (std::fabs(d) > tol) ? d : (m > 0.0 ? tol : -tol);
        fb = finiteValue(f, b, what);
    }
    throw std::runtime_error(what + ": Brent's method did not converge in [" + show(lo) + ", " + show(hi) + "]");
}

std::vector<Bracket> signChanges(const std::function<double(double)>& f, const std::vector<double>& grid,
                                 const std::string& what) {
    std::vector<Bracket> out;
    if (grid.size() < 2) return out;
    double prev = finiteValue(f, grid[0], what);
    if (prev == 0.0) out.push_back({grid[0], grid[0]});
    for (std::size_t k = 1; k < grid.size(); ++k) {
        const double cur = finiteValue(f, grid[k], what);
        if (cur == 0.0) out.push_back({grid[k], grid[k]});  // an exact zero is its own bracket
        else if (prev != 0.0 && (prev > 0.0) != (cur > 0.0)) out.push_back({grid[k - 1], grid[k]});
        prev = cur;
    }
    return out;
}

std::vector<double> geometricGrid(double lo, double hi, int points) {
    if (!(lo > 0.0) || !(hi > lo) || points < 2)
        throw std::domain_error("geometric grid [" + show(lo) + ", " + show(hi) + "] with " + std::to_string(points) +
                                " points: needs 0 < lo < hi and at least 2 points");
    std::vector<double> grid(points);
    const double ratio = std::log(hi / lo) / (points - 1);
    for (int k = 0; k < points; ++k) grid[k] = lo * std::exp(ratio * k);
    grid.back() = hi;
    return grid;
}

}  // namespace quench::theory
