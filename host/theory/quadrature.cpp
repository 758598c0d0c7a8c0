#include "quench/theory/quadrature.hpp"

#include <algorithm>
#include <cmath>
#include <queue>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace quench::theory {
namespace {

// Kronrod 15-point abscissae (positive half, x = 0 last) and weights; Gauss 7-point weights on the
// odd-indexed Kronrod nodes (the Gauss nodes). Values from QUADPACK qk15.
constexpr double kXgk[8] = {0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                            0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                            0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                            0.207784955007898467600689403773245, 0.000000000000000000000000000000000};
constexpr double kWgk[8] = {0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
                            0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
                            0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
                            0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
constexpr double kWg[4] = {0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
                           0.381830050505118944950369775488975, 0.417959183673469387755102040816327};

struct Panel {
    double a = 0.0, b = 0.0, value = 0.0, error = 0.0;
    bool operator<(const Panel& other) const { return error < other.error; }  // max-heap on error
};

double evaluate(const Integrand& f, double x, int& evaluations) {
    const double y = f(x);
    ++evaluations;
    if (!std::isfinite(y)) {
        std::ostringstream msg;
        msg.precision(17);
        msg << "quadrature: integrand is not finite (" << y << ") at x = " << x;
        throw std::domain_error(msg.str());
    }
    return y;
}

Panel gaussKronrod15(const Integrand& f, double a, double b, int& evaluations) {
    const double center = 0.5 * (a + b);
    const double half = 0.5 * (b - a);
    const double fc = evaluate(f, center, evaluations);
    double kronrod = fc * kWgk[7];
    double gauss = fc * kWg[3];
    for (int k = 0; k < 7; ++k) {
        const double dx = half * kXgk[k];
        const double pair = evaluate(f, center - dx, evaluations) + evaluate(f, center + dx, evaluations);
        kronrod += kWgk[k] * pair;
        if (k % 2 == 1) gauss += kWg[k / 2] * pair;
    }
    return Panel{a, b, kronrod * half, std::fabs((kronrod - gauss) * half)};
}

bool accurateEnough(double value, double error, const QuadratureOptions& o) {
    return error <= std::max(o.abs_tol, o.rel_tol * std::fabs(value));
}

}  // namespace

QuadratureResult integrateGaussKronrod(const Integrand& f, double a, double b, const QuadratureOptions& options) {
    if (!std::isfinite(a) || !std::isfinite(b)) {
        throw std::domain_error("quadrature: finite interval required; use integrateRealLine/HalfLine for infinite ones");
    }
    QuadratureResult result;
    if (a == b) {
        result.converged = true;
        return result;
    }
    std::priority_queue<Panel> panels;
    panels.push(gaussKronrod15(f, a, b, result.evaluations));
    double value = panels.top().value;
    double error = panels.top().error;
    while (!accurateEnough(value, error, options) && static_cast<int>(panels.size()) < options.max_panels) {
        const Panel worst = panels.top();
        const double mid = 0.5 * (worst.a + worst.b);
        if (mid <= std::min(worst.a, worst.b) || mid >= std::max(worst.a, worst.b)) break;  // cannot split further
        panels.pop();
        const Panel left = gaussKronrod15(f, worst.a, mid, result.evaluations);
        const Panel right = gaussKronrod15(f, mid, worst.b, result.evaluations);
        panels.push(left);
        panels.push(right);
        value += left.value + right.value - worst.value;
        error += left.error + right.error - worst.error;
    }
    // Re-sum from the panels: the running sums above accumulate cancellation rounding.
    value = 0.0;
    error = 0.0;
    while (!panels.empty()) {
        value += panels.top().value;
        error += panels.top().error;
        panels.pop();
    }
    result.value = value;
    result.error_estimate = error;
    result.converged = accurateEnough(value, error, options);
    return result;
}

QuadratureResult integrateRealLine(const Integrand& f, double scale, double center, const QuadratureOptions& options) {
    if (!(scale > 0.0) || !std::isfinite(scale) || !std::isfinite(center)) {
        throw std::domain_error("quadrature: integrateRealLine needs finite center and scale > 0");
    }
    const Integrand mapped = [&](double theta) {
        const double c = std::cos(theta);
        return f(center + scale * std::tan(theta)) * scale / (c * c);
    };
    const double edge = 0.5 * M_PI;
    return integrateGaussKronrod(mapped, -edge, edge, options);
}

QuadratureResult integrateHalfLine(const Integrand& f, double a, double scale, const QuadratureOptions& options) {
    if (!(scale > 0.0) || !std::isfinite(scale) || !std::isfinite(a)) {
        throw std::domain_error("quadrature: integrateHalfLine needs finite a and scale > 0");
    }
    const Integrand mapped = [&](double theta) {
        const double c = std::cos(theta);
        return f(a + scale * std::tan(theta)) * scale / (c * c);
    };
    return integrateGaussKronrod(mapped, 0.0, 0.5 * M_PI, options);
}

double requireConverged(const QuadratureResult& r, const std::string& what) {
    if (!r.converged) {
        std::ostringstream msg;
        msg.precision(6);
        msg << what << ": quadrature did not converge (value " << r.value << ", error estimate " << r.error_estimate
            << ", " << r.evaluations << " evaluations)";
        throw std::runtime_error(msg.str());
    }
    return r.value;
}

}  // namespace quench::theory
