#include "quench/theory/dmft.hpp"

#include <cmath>
#include <complex>
#include <functional>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "dmft_internal.hpp"
#include "quench/theory/frequency_rule.hpp"
#include "quench/theory/root_finding.hpp"

namespace quench::theory {
using namespace detail;  // the helpers shared with partial_symmetry_dmft.cpp (dmft_internal.hpp)
namespace {

void requireCouplingAndNoise(double g, double sigma) {
    if (!(g >= 0.0) || !std::isfinite(g)) throw std::domain_error("g = " + show(g) + ": the coupling must be finite and >= 0");
    if (!(sigma >= 0.0) || !std::isfinite(sigma))
        throw std::domain_error("sigma = " + show(sigma) + ": the noise amplitude must be finite and >= 0");
}

// Scale of Delta0: the noise-only value plus the saturated recurrent value.
double varianceScale(double g, double sigma) { return 0.5 * sigma * sigma + g * g + 1e-3; }

// First variance, stepping up by 25 % from the noise-only value sigma^2/2 (where the residual is
// negative), at which (*) is positive: a stable root lies below it. The fine step keeps the narrow
// window of an unbounded phi just below its critical coupling. Returns -1 when the residual stays
// negative up to 1e12 (no solution: blow-up).
double firstPositiveVariance(const Activation& phi, double g, double sigma, const GaussHermiteRule& rule) {
    double d = sigma > 0.0 ? 0.5 * sigma * sigma : 1e-9 * varianceScale(g, sigma);
    while (d < 1e12) {
        if (varianceEquationResidual(phi, g, sigma, d, rule) > 0.0) return d;
        d *= 1.25;
    }
    return -1.0;
}

// (*) divided by Delta0^2 keeps the scan well scaled from tiny to huge variances; same sign.
double scaledResidual(const Activation& phi, double g, double sigma, double d, const GaussHermiteRule& rule) {
    return varianceEquationResidual(phi, g, sigma, d, rule) / (d * d);
}

WhiteNoiseDmft fillStatistics(const Activation& phi, double g, double sigma, double delta0, const GaussHermiteRule& rule) {
    WhiteNoiseDmft r;
    r.delta0 = delta0;
    r.gamma = delta0 > 0.0 ? effectiveGain(phi, delta0, rule) : phi.derivative(0.0);
    r.g_eff = r.gamma * g;
    r.stability_margin = 1.0 - r.g_eff;
    r.a_phi = meanSquareActivation(phi, delta0, rule);
    r.mean_square_derivative = meanSquareDerivative(phi, delta0, rule);
    r.chaotic = delta0 < g * g * r.a_phi;
    if (r.g_eff >= 1.0)
        throw std::runtime_error("white-noise DMFT at g = " + show(g) + ", sigma = " + show(sigma) +
                                 ": past the instability, g_eff = gamma g = " + show(r.g_eff) + " >= 1 at Delta0 = " +
                                 show(delta0) + " (no decaying Delta(tau))");
    const double gap = 1.0 - r.g_eff * r.g_eff;
    r.pr_phi_zf = gap * gap;
    r.n_cross_var_over_a2_phi_zf = 1.0 / (gap * gap) - 1.0;
    if (delta0 > 0.0) {
        r.a_phi_zf = zeroFrequencyActivationPower(phi, g, sigma, delta0, rule);
        r.a_x_zf = g * g * r.a_phi_zf + sigma * sigma;
        r.residual_power = r.a_phi_zf * gap - r.gamma * r.gamma * sigma * sigma;
    }
    return r;
}

}  // namespace

double varianceEquationResidual(const Activation& phi, double g, double sigma, double delta0, const GaussHermiteRule& rule) {
    const double s2 = sigma * sigma;
    return delta0 * delta0 - 0.25 * s2 * s2 - 2.0 * g * g * antiderivativeVariance(phi, delta0, rule);
}

namespace {

struct VarianceRoots {
    double stable = 0.0;    // the physical Delta0
    double unstable = 0.0;  // next root on the unstable branch, 0 if none
};

// (*) assumes Delta(tau -> infinity) = 0, true when E[phi] = 0 for x ~ N(0, Delta0) (odd phi). A phi
// with a nonzero mean (relu, threshold-linear, a lopsided Pade) feeds each site a quenched static field
// of variance Delta_inf = g^2 F(Delta0, Delta_inf) > 0, and (*) no longer holds.
void requireZeroMeanActivation(const Activation& phi, double g, const GaussHermiteRule& rule) {
    if (g == 0.0) return;
    for (double v : {0.25, 1.0, 4.0}) {
        const double mean = meanActivation(phi, v, rule);
        const double scale = std::sqrt(meanSquareActivation(phi, v, rule));
        if (std::fabs(mean) > 1e-9 * std::max(scale, 1e-300))
            throw std::domain_error("variance equation (*): E[phi(x)] = " + show(mean) + " at Var x = " + show(v) +
                                    "; (*) holds for phi with zero Gaussian mean (odd phi) only, a nonzero mean adds a "
                                    "quenched static field Delta_inf that this solver does not include");
    }
}

VarianceRoots varianceRoots(const Activation& phi, double g, double sigma, const GaussHermiteRule& rule) {
    requireCouplingAndNoise(g, sigma);
    requireZeroMeanActivation(phi, g, rule);
    const std::string what = "variance equation (*) at g = " + show(g) + ", sigma = " + show(sigma);
    const double positive = firstPositiveVariance(phi, g, sigma, rule);
    if (positive < 0.0) {
        std::string msg = what + ": no solution, the residual stays negative up to Delta0 = 1e12 (the network blows up)";
        try {
            msg += "; the critical coupling is g* = " + show(criticalCoupling(phi, sigma, rule));
        } catch (const std::runtime_error&) {
        }
        throw std::runtime_error(msg);
    }
    const double hi = 4.0 * positive;
    const double lo = 1e-9 * varianceScale(g, sigma);
    const auto residual = [&](double d) { return scaledResidual(phi, g, sigma, d, rule); };
    const std::vector<Bracket> changes = signChanges(residual, geometricGrid(lo, hi, 240), what);
    // Stable roots are upward crossings (residual from - to +); downward ones belong to the unstable
    // branch of an unbounded phi.
    std::vector<double> stable;
    std::vector<double> unstable;
    for (const Bracket& b : changes) {
        const double root = brentRoot(residual, b.lo, b.hi, 1e-14 * b.hi, what);
        const double slope_probe = residual(root * (1.0 + 1e-6)) - residual(root * (1.0 - 1e-6));
        (slope_probe > 0.0 ? stable : unstable).push_back(root);
    }
    if (stable.empty()) {
        if (sigma == 0.0) return {};  // quiescent: Delta0 = 0
        throw std::runtime_error(what + ": no stable root of (*) in [" + show(lo) + ", " + show(hi) + "]");
    }
    if (stable.size() > 1) {
        std::string roots;
        for (double r : stable) roots += " " + show(r);
        throw std::runtime_error(what + ": several solutions, Delta0 =" + roots);
    }
    VarianceRoots out{stable.front(), 0.0};
    for (double u : unstable)
        if (u > out.stable) {
            out.unstable = u;
            break;
        }
    if (out.unstable == 0.0) {  // an unbounded phi may turn back down beyond the scanned range
        for (double d = hi; d < 1e12; d *= 2.0)
            if (residual(2.0 * d) < 0.0) {
                out.unstable = brentRoot(residual, d, 2.0 * d, 1e-14 * d, what);
                break;
            }
    }
    return out;
}

}  // namespace

double solveWhiteNoiseVariance(const Activation& phi, double g, double sigma, const GaussHermiteRule& rule) {
    return varianceRoots(phi, g, sigma, rule).stable;
}

WhiteNoiseDmft solveWhiteNoiseDmft(const Activation& phi, double g, double sigma, const GaussHermiteRule& rule) {
    const VarianceRoots roots = varianceRoots(phi, g, sigma, rule);
    WhiteNoiseDmft result = fillStatistics(phi, g, sigma, roots.stable, rule);
    result.unstable_branch_delta0 = roots.unstable;
    return result;
}

double zeroFrequencyActivationPower(const Activation& phi, double g, double sigma, double delta0, const GaussHermiteRule& rule) {
    requireCouplingAndNoise(g, sigma);
    if (!(delta0 > 0.0)) throw std::domain_error("delta0 = " + show(delta0) + ": S_phi(0) needs a positive variance");
    static const GaussLegendreRule legendre = gaussLegendreRule(64);
    const double phi_base = antiderivativeCorrelation(phi, delta0, 0.0, rule);
    // D = Delta0 (1 - t^2), t in [0, 1]: removes the square-root end point of K at D = Delta0 when sigma -> 0.
    double sum = 0.0;
    for (int i = 0; i < legendre.order(); ++i) {
        const double t = 0.5 * (legendre.nodes[i] + 1.0);
        const double d = delta0 * (1.0 - t * t);
        const double k = 0.5 * d * d - g * g * (antiderivativeCorrelation(phi, delta0, d, rule) - phi_base);
        if (!(k > 0.0))
            throw std::runtime_error("S_phi(0) at g = " + show(g) + ", sigma = " + show(sigma) + ": the separatrix energy K(" +
                                     show(d) + ") = " + show(k) + " is not positive (no decaying Delta(tau))");
        const double f = activationCorrelation(phi, delta0, d, rule);
        sum += 0.5 * legendre.weights[i] * f / std::sqrt(2.0 * k) * 2.0 * delta0 * t;
    }
    return 2.0 * sum;
}

double criticalCoupling(const Activation& phi, double sigma, const GaussHermiteRule& rule) {
    requireCouplingAndNoise(0.0, sigma);
    const double s4 = std::pow(sigma, 4);
    // g^2 along the solution branch as a function of Delta0.
    const auto branch = [&](double d) { return (d * d - 0.25 * s4) / (2.0 * antiderivativeVariance(phi, d, rule)); };
    const double lo = std::max(0.5 * sigma * sigma, 1e-9);
    const std::vector<double> grid = geometricGrid(lo * (1.0 + 1e-9), 1e12, 400);
    std::size_t best = 0;
    for (std::size_t k = 1; k < grid.size(); ++k)
        if (branch(grid[k]) > branch(grid[best])) best = k;
    if (best + 1 == grid.size())
        throw std::runtime_error("critical coupling at sigma = " + show(sigma) +
                                 ": (Delta0^2 - sigma^4/4) / (2 Var Phi) keeps growing, no blow-up coupling");
    // Golden-section refinement of the maximum inside the neighbouring grid cells.
    double a = grid[best == 0 ? 0 : best - 1];
    double b = grid[best + 1];
    const double ratio = 0.5 * (std::sqrt(5.0) - 1.0);
    for (int iter = 0; iter < 100 && b - a > 1e-12 * b; ++iter) {
        const double c = b - ratio * (b - a);
        const double d = a + ratio * (b - a);
        if (branch(c) > branch(d)) b = d; else a = c;
    }
    return std::sqrt(branch(0.5 * (a + b)));
}

double chaosTransitionCoupling(const Activation& phi, double sigma, const GaussHermiteRule& rule) {
    requireCouplingAndNoise(0.0, sigma);
    if (sigma == 0.0) {
        const double slope = phi.derivative(0.0);
        if (!(slope > 0.0)) throw std::domain_error("chaos transition at sigma = 0 needs phi'(0) > 0");
        return 1.0 / slope;  // Delta0 -> 0: Delta0 = g^2 phi'(0)^2 Delta0
    }
    const auto excess = [&](double g) {
        const double delta0 = solveWhiteNoiseVariance(phi, g, sigma, rule);
        return delta0 - g * g * meanSquareActivation(phi, delta0, rule);  // > 0: Delta(tau) convex at 0+
    };
    double hi = 1.0;
    for (int k = 0; k < 60 && excess(hi) > 0.0; ++k) hi *= 1.5;
    const std::string what = "chaos transition (Delta0 = g^2 E[phi^2]) at sigma = " + show(sigma);
    return brentRoot(excess, 1e-3, hi, 1e-10, what);
}

}  // namespace quench::theory

// ================= Delta(tau), C_phi(tau), S_phi(w) and the equal-time dimension =================
namespace quench::theory {
namespace detail {

// F(Delta0, D) / D on [0, Delta0]: analytic (F ~ gamma^2 D at small D), so F = D r(D) keeps full
// relative accuracy down to D -> 0 in the exponential tail.
ChebyshevInterpolant forceRatio(const Activation& phi, double delta0, int nodes, const GaussHermiteRule& rule) {
    return ChebyshevInterpolant([&](double d) { return activationCorrelation(phi, delta0, d, rule) / d; }, 0.0, delta0, nodes);
}

// (F_Phi(D) - F_Phi(0)) / D^2, so that the separatrix energy is K(D) = D^2 (1/2 - g^2 q(D)).
ChebyshevInterpolant energyRatio(const Activation& phi, double delta0, int nodes, const GaussHermiteRule& rule) {
    const double base = antiderivativeCorrelation(phi, delta0, 0.0, rule);
    return ChebyshevInterpolant([&](double d) { return (antiderivativeCorrelation(phi, delta0, d, rule) - base) / (d * d); }, 0.0,
                                delta0, nodes);
}

std::size_t gridSize(double max_tau, double dt, const std::string& what) {
    const double steps = max_tau / dt;
    if (!(steps < 4e6))
        throw std::runtime_error(what + ": the tau grid would need " + show(steps) + " steps (max_tau = " + show(max_tau) +
                                 ", dt = " + show(dt) + "); the correlation time diverges near the instability");
    return static_cast<std::size_t>(std::ceil(steps)) + 1;
}

void requireGridOptions(const DmftGridOptions& o) {
    if (!(o.dt > 0.0) || !(o.dt <= 0.1)) throw std::domain_error("dt = " + show(o.dt) + ": the tau step must lie in (0, 0.1]");
    if (!(o.max_tau >= 0.0)) throw std::domain_error("max_tau = " + show(o.max_tau) + ": must be >= 0 (0 chooses it)");
    if (o.chebyshev_nodes < 8 || o.chebyshev_nodes > 400)
        throw std::domain_error("chebyshev_nodes = " + std::to_string(o.chebyshev_nodes) + ": must lie in [8, 400]");
    if (!(o.damping > 0.0) || !(o.damping <= 1.0)) throw std::domain_error("damping = " + show(o.damping) + ": must lie in (0, 1]");
}

// (G * f)(tau_k), G(tau) = exp(-|tau|)/2, f even and sampled on tau_k = k dt, taken as piecewise linear
// and zero beyond the grid. Two exponential sweeps, exact for the interpolant.
std::vector<double> convolveWithLeak(const std::vector<double>& f, double dt) {
    const std::size_t n = f.size();
    const double e = std::exp(-dt);
    const double w_near = 1.0 - (1.0 - e) / dt;  // weight of the sample at the end the sweep arrives at
    const double w_far = (1.0 - e) / dt - e;     // weight of the sample it leaves
    std::vector<double> backward(n, 0.0);        // integral_tau^inf exp(-(s - tau)) f(s) ds
    for (std::size_t k = n - 1; k-- > 0;) backward[k] = e * backward[k + 1] + w_near * f[k] + w_far * f[k + 1];
    std::vector<double> out(n);
    double forward = backward[0];  // integral_-inf^0 exp(s) f(s) ds = backward[0] for even f
    out[0] = 0.5 * (forward + backward[0]);
    for (std::size_t k = 1; k < n; ++k) {
        forward = e * forward + w_near * f[k] + w_far * f[k - 1];
        out[k] = 0.5 * (forward + backward[k]);
    }
    return out;
}

// (G * C_xi)(tau) in closed form: sigma^2 / (1 - tau_n^2) [exp(-tau)/2 - tau_n exp(-tau/tau_n)/2].
double leakFilteredNoise(double sigma, double tau_n, double tau) {
    const double s2 = sigma * sigma;
    if (tau_n == 0.0) return 0.5 * s2 * std::exp(-tau);
    if (std::fabs(1.0 - tau_n) < 1e-4) return 0.25 * s2 * (1.0 + tau) * std::exp(-tau);  // the tau_n -> 1 limit
    return s2 / (1.0 - tau_n * tau_n) * 0.5 * (std::exp(-tau) - tau_n * std::exp(-tau / tau_n));
}

}  // namespace detail

DmftCorrelation solveWhiteNoiseCorrelation(const Activation& phi, double g, double sigma, const DmftGridOptions& options,
                                           const GaussHermiteRule& rule) {
    requireGridOptions(options);
    const std::string what = "white-noise Delta(tau) at g = " + show(g) + ", sigma = " + show(sigma);
    DmftCorrelation out;
    out.dt = options.dt;
    out.delta0 = solveWhiteNoiseVariance(phi, g, sigma, rule);
    if (out.delta0 == 0.0) {  // quiescent: no fluctuations at all
        out.gamma = phi.derivative(0.0);
        out.g_eff = out.gamma * g;
        out.delta = {0.0};
        out.c_phi = {0.0};
        return out;
    }
    out.gamma = effectiveGain(phi, out.delta0, rule);
    out.g_eff = out.gamma * g;
    if (out.g_eff >= 1.0) throw std::runtime_error(what + ": past the instability, g_eff = " + show(out.g_eff));
    const double rate = std::sqrt(1.0 - out.g_eff * out.g_eff);
    const double max_tau = options.max_tau > 0.0 ? options.max_tau : 30.0 / rate + 10.0;
    const std::size_t n = gridSize(max_tau, options.dt, what);
    const ChebyshevInterpolant r = forceRatio(phi, out.delta0, options.chebyshev_nodes, rule);
    const ChebyshevInterpolant q = energyRatio(phi, out.delta0, options.chebyshev_nodes, rule);
    const double delta0 = out.delta0;
    const double g2 = g * g;
    // Delta' = -sqrt(2 K) = -Delta sqrt(1 - 2 g^2 q(Delta)) on the separatrix.
    const auto slope = [&](double d) {
        const double dc = std::min(std::max(d, 0.0), delta0);
        return -dc * std::sqrt(std::max(0.0, 1.0 - 2.0 * g2 * q(dc)));
    };
    out.delta.assign(n, 0.0);
    out.delta[0] = delta0;
    const double h = options.dt;
    // Leave the top by the force form Delta'' = Delta - g^2 F(Delta), Delta'(0+) = -sigma^2/2: near
    // Delta0 the energy form has K -> sigma^4/8, tiny for weak noise, and 0 in noiseless chaos.
    const auto force = [&](double d) {
        const double dc = std::min(std::max(d, 0.0), delta0);
        return dc - g2 * dc * r(dc);
    };
    double y = delta0;
    double v = -0.5 * sigma * sigma;
    std::size_t start = 1;
    for (; start < n && y > delta0 * (1.0 - 1e-2); ++start) {
        // Runge-Kutta-Nystrom, fourth order.
        const double a1 = force(y);
        const double a2 = force(y + 0.5 * h * v + h * h / 8.0 * a1);
        const double a3 = force(y + h * v + 0.5 * h * h * a2);
        y += h * v + h * h / 6.0 * (a1 + 2.0 * a2);
        v += h / 6.0 * (a1 + 4.0 * a2 + a3);
        if (!(v < 0.0))
            throw std::runtime_error(what + ": Delta(tau) does not decay from Delta0 = " + show(delta0) +
                                     " (Delta''(0) >= 0 without noise: not a chaotic state)");
        out.delta[start] = y;
    }
    for (std::size_t k = start; k < n; ++k) {
        const double prev = out.delta[k - 1];
        const double k1 = slope(prev);
        const double k2 = slope(prev + 0.5 * h * k1);
        const double k3 = slope(prev + 0.5 * h * k2);
        const double k4 = slope(prev + h * k3);
        out.delta[k] = std::max(0.0, prev + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4));
    }
    out.c_phi.resize(n);
    for (std::size_t k = 0; k < n; ++k) out.c_phi[k] = out.delta[k] * r(out.delta[k]);
    return out;
}

namespace detail {

// Solves the small least-squares problem min |f - sum_j gamma_j df_j| by the normal equations with
// a tiny Tikhonov shift (the history vectors can be nearly collinear).
std::vector<double> andersonCoefficients(const std::vector<std::vector<double>>& df, const std::vector<double>& f) {
    const std::size_t m = df.size();
    std::vector<double> a(m * m, 0.0);
    std::vector<double> b(m, 0.0);
    for (std::size_t i = 0; i < m; ++i) {
        for (std::size_t j = 0; j <= i; ++j) {
            double dot = 0.0;
            for (std::size_t k = 0; k < f.size(); ++k) dot += df[i][k] * df[j][k];
            a[i * m + j] = a[j * m + i] = dot;
        }
        for (std::size_t k = 0; k < f.size(); ++k) b[i] += df[i][k] * f[k];
    }
    double trace = 0.0;
    for (std::size_t i = 0; i < m; ++i) trace += a[i * m + i];
    for (std::size_t i = 0; i < m; ++i) a[i * m + i] += 1e-12 * trace + 1e-300;
    for (std::size_t col = 0; col < m; ++col) {  // Gaussian elimination; the matrix is SPD
        for (std::size_t row = col + 1; row < m; ++row) {
            const double factor = a[row * m + col] / a[col * m + col];
            for (std::size_t k = col; k < m; ++k) a[row * m + k] -= factor * a[col * m + k];
            b[row] -= factor * b[col];
        }
    }
    std::vector<double> x(m, 0.0);
    for (std::size_t i = m; i-- > 0;) {
        double sum = b[i];
        for (std::size_t k = i + 1; k < m; ++k) sum -= a[i * m + k] * x[k];
        x[i] = sum / a[i * m + i];
    }
    return x;
}

int relaxToFixedPoint(std::vector<double>& delta, const FixedPointMap& image, const DmftGridOptions& o, const std::string& what) {
    constexpr std::size_t kDepth = 6;
    const std::size_t n = delta.size();
    std::vector<std::vector<double>> dx_history;
    std::vector<std::vector<double>> df_history;
    std::vector<double> prev_x;
    std::vector<double> prev_f;
    double change = 0.0;
    double best = std::numeric_limits<double>::infinity();
    for (int it = 1; it <= o.max_iterations; ++it) {
        const std::vector<double> gx = image(delta);
        std::vector<double> f(n);
        change = 0.0;
        for (std::size_t k = 0; k < n; ++k) {
            f[k] = gx[k] - delta[k];
            change = std::max(change, std::fabs(f[k]));
        }
        if (!std::isfinite(change)) break;
        if (change <= o.tolerance * delta[0]) return it;
        if (!prev_x.empty()) {
            std::vector<double> dx(n);
            std::vector<double> dfk(n);
            for (std::size_t k = 0; k < n; ++k) {
                dx[k] = delta[k] - prev_x[k];
                dfk[k] = f[k] - prev_f[k];
            }
            dx_history.push_back(std::move(dx));
            df_history.push_back(std::move(dfk));
            if (dx_history.size() > kDepth) {
                dx_history.erase(dx_history.begin());
                df_history.erase(df_history.begin());
            }
        }
        prev_x = delta;
        prev_f = f;
        best = std::min(best, change);
        if (change > 10.0 * best) {  // the extrapolation went astray: restart from plain damped steps
            dx_history.clear();
            df_history.clear();
        }
        const std::vector<double> coef = df_history.empty() ? std::vector<double>{} : andersonCoefficients(df_history, f);
        std::vector<double> next(n);
        for (std::size_t k = 0; k < n; ++k) {
            double step = o.damping * f[k];
            for (std::size_t j = 0; j < coef.size(); ++j) step -= coef[j] * (dx_history[j][k] + o.damping * df_history[j][k]);
            next[k] = delta[k] + step;
        }
        if (!(next[0] > 0.25 * delta[0]) || !std::isfinite(next[0])) {  // keep the variance positive
            for (std::size_t k = 0; k < n; ++k) next[k] = delta[k] + o.damping * f[k];
            dx_history.clear();
            df_history.clear();
        }
        delta.swap(next);
    }
    throw std::runtime_error(what + ": the fixed-point iteration did not converge in " + std::to_string(o.max_iterations) +
                             " iterations (last change " + show(change) + " at Delta0 = " + show(delta[0]) + ")");
}

}  // namespace detail

DmftCorrelation solveColoredNoiseCorrelation(const Activation& phi, double g, double sigma, double tau_n,
                                             const DmftGridOptions& options, const GaussHermiteRule& rule) {
    requireGridOptions(options);
    requireCouplingAndNoise(g, sigma);
    if (!(tau_n >= 0.0) || !std::isfinite(tau_n))
        throw std::domain_error("tau_n = " + show(tau_n) + ": the noise correlation time must be finite and >= 0");
    if (sigma == 0.0) return solveWhiteNoiseCorrelation(phi, g, 0.0, options, rule);  // no noise: nothing colored
    requireZeroMeanActivation(phi, g, rule);  // a static field would not decay on the finite tau grid
    const std::string what = "colored-noise Delta(tau) at g = " + show(g) + ", sigma = " + show(sigma) + ", tau_n = " + show(tau_n);
    // The white-noise solution (same zero-frequency power) sets the time scale.
    double rate = 0.2;
    try {
        const double d0 = solveWhiteNoiseVariance(phi, g, sigma, rule);
        rate = std::sqrt(std::max(1e-4, 1.0 - std::pow(g * effectiveGain(phi, d0, rule), 2)));
    } catch (const std::runtime_error&) {
    }
    const double slowest = std::min(rate, tau_n > 0.0 ? 1.0 / tau_n : rate);
    const double max_tau = options.max_tau > 0.0 ? options.max_tau : 30.0 / slowest + 10.0;
    const std::size_t n = gridSize(max_tau, options.dt, what);

    std::vector<double> noise(n);
    for (std::size_t k = 0; k < n; ++k) noise[k] = leakFilteredNoise(sigma, tau_n, k * options.dt);
    // The map Delta -> G * (g^2 F(Delta(0), Delta)) + G * C_xi, with F tabulated afresh at each Delta(0).
    const FixedPointMap image = [&](const std::vector<double>& x) {
        const double d0 = x[0];
        if (!(d0 > 0.0) || !std::isfinite(d0)) throw std::runtime_error(what + ": the iteration lost Delta(0) = " + show(d0));
        const ChebyshevInterpolant r = forceRatio(phi, d0, options.chebyshev_nodes, rule);
        std::vector<double> source(n);
        for (std::size_t k = 0; k < n; ++k) {
            const double d = std::min(std::max(x[k], 0.0), d0);
            source[k] = g * g * d * r(d);
        }
        std::vector<double> out = convolveWithLeak(source, options.dt);
        for (std::size_t k = 0; k < n; ++k) out[k] += noise[k];
        return out;
    };
    std::vector<double> delta = noise;  // the g = 0 solution
    const int iterations = relaxToFixedPoint(delta, image, options, what);
    const double delta0 = delta[0];

    DmftCorrelation out;
    out.dt = options.dt;
    out.delta0 = delta0;
    out.gamma = effectiveGain(phi, delta0, rule);
    out.g_eff = out.gamma * g;
    out.iterations = iterations;
    const ChebyshevInterpolant r = forceRatio(phi, delta0, options.chebyshev_nodes, rule);
    out.delta = delta;
    out.delta[0] = delta0;
    out.c_phi.resize(n);
    for (std::size_t k = 0; k < n; ++k) {
        const double d = std::min(std::max(out.delta[k], 0.0), delta0);
        out.c_phi[k] = d * r(d);
    }
    return out;
}

DmftCorrelation solveNoiseCorrelation(const Activation& phi, double g, double sigma, double tau_n,
                                      const DmftGridOptions& options) {
    return tau_n > 0.0 ? solveColoredNoiseCorrelation(phi, g, sigma, tau_n, options)
                       : solveWhiteNoiseCorrelation(phi, g, sigma, options);
}

double activationSpectrum(const DmftCorrelation& c, double w) {
    if (!std::isfinite(w)) throw std::domain_error("w = " + show(w) + ": the spectrum needs a finite frequency");
    const std::vector<double>& f = c.c_phi;
    const double h = c.dt;
    const std::size_t n = f.size();
    if (n < 2) return 0.0;
    if (std::fabs(w) * h < 1e-6) {  // trapezoid of the piecewise-linear C_phi is then exact enough
        double sum = 0.5 * (f[0] + f[n - 1]);
        for (std::size_t k = 1; k + 1 < n; ++k) sum += f[k];
        return 2.0 * h * sum;
    }
    // integral_0^T C cos(w tau) for piecewise-linear C, summed by parts:
    //   C(T) sin(wT)/w - sum_k slope_k 2 sin(w m_k) sin(w h/2) / w^2,  m_k the segment midpoints.
    const double half = std::sin(0.5 * w * h);
    double sum = 0.0;
    for (std::size_t k = 0; k + 1 < n; ++k) {
        const double slope = (f[k + 1] - f[k]) / h;
        sum -= slope * 2.0 * std::sin(w * (k + 0.5) * h) * half;
    }
    const double tail = f[n - 1] * std::sin(w * (n - 1) * h) / w;
    return 2.0 * (tail + sum / (w * w));
}

double equalTimeActivationDimension(const DmftCorrelation& c, double g, int frequency_points, double kappa) {
    if (c.c_phi.empty() || !(c.c_phi[0] > 0.0))
        throw std::domain_error("equal-time dimension: C_phi(0) = 0 (quiescent network), PR^ET/N is undefined");
    const double scale = std::max(0.05, std::sqrt(std::max(0.0, 1.0 - c.g_eff * c.g_eff)));
    const FrequencyRule rule = frequencyRule(scale, frequency_points);
    if (!(kappa >= 0.0) || !std::isfinite(kappa))
        throw std::domain_error("kappa = " + std::to_string(kappa) + ": must be finite and >= 0");
    std::vector<double> weight(frequency_points);
    std::vector<std::complex<double>> chi(frequency_points);
    for (int i = 0; i < frequency_points; ++i) {
        weight[i] = rule.weight[i] * activationSpectrum(c, rule.w[i]);
        chi[i] = c.gamma / std::complex<double>(1.0, rule.w[i]);
    }
    const double g2 = g * g;
    double excess = 0.0;
    for (int i = 0; i < frequency_points; ++i) {
        double row = 0.0;
        for (int j = 0; j < frequency_points; ++j) {
            const double m = std::norm(1.0 - g2 * chi[i] * std::conj(chi[j]));
            row += weight[j] * ((1.0 + kappa * std::norm(chi[i]) * std::norm(chi[j])) / m - 1.0);
        }
        excess += weight[i] * row;
    }
    const double c0 = c.c_phi[0];
    return c0 * c0 / (c0 * c0 + excess);
}

}  // namespace quench::theory

// ================= White noise with a mean and a static field =================
namespace quench::theory {
namespace {

constexpr double kInvSqrt2Pi = 0.39894228040143267794;

double normalCdf(double t) { return 0.5 * std::erfc(-t / std::sqrt(2.0)); }
double normalPdf(double t) { return kInvSqrt2Pi * std::exp(-0.5 * t * t); }

std::vector<double> shiftedKinks(const Activation& phi, double mu) {
    std::vector<double> kinks = activationKinks(phi);
    for (double& k : kinks) k -= mu;
    return kinks;
}

// E[f(mu + x)], x ~ N(0, v), split at phi's kinks.
double shiftedExpectation(const Activation& phi, double mu, const ScalarFunction& f, double v, const GaussHermiteRule& rule) {
    const std::vector<double> kinks = shiftedKinks(phi, mu);
    const ScalarFunction shifted = [&f, mu](double x) { return f(mu + x); };
    if (kinks.empty()) return gaussianExpectation(shifted, v, rule);
    return gaussianExpectationPiecewise(shifted, v, kinks);
}

// E[h(a y + b)] for y standard normal, h = (x - t)_+ (degree 1) or (x - t)_+^2 / 2 (degree 2), in closed form.
double rampMoment(double a, double b, double t, int degree) {
    const double c = b - t;
    if (a == 0.0) return c > 0.0 ? (degree == 1 ? c : 0.5 * c * c) : 0.0;
    const double u = c / a;
    if (degree == 1) return c * normalCdf(u) + a * normalPdf(u);
    return 0.5 * ((a * a + c * c) * normalCdf(u) + a * c * normalPdf(u));
}

// F(Delta0, D) of phi (antiderivative = false) or of Phi (true) for x with mean mu.
double shiftedCorrelation(const Activation& phi, double mu, double delta0, double d, bool antiderivative,
                          const GaussHermiteRule& rule) {
    const bool ramp = phi.kind == ActivationKind::Relu || phi.kind == ActivationKind::ThresholdLinear;
    if (ramp) {  // inner average in closed form, outer Gauss-Hermite
        const double t = phi.kind == ActivationKind::Relu ? 0.0 : phi.threshold;
        const double offset = antiderivative ? activationAntiderivative(phi, 0.0 + t) : 0.0;  // Phi(t) = -(-t)_+^2/2
        const double a = std::sqrt(std::max(0.0, delta0 - d));
        const double b = std::sqrt(d);
        double outer = 0.0;
        for (int j = 0; j < rule.order(); ++j) {
            const double inner = rampMoment(a, mu + b * rule.nodes[j], t, antiderivative ? 2 : 1) + offset;
            outer += rule.weights[j] * inner * inner;
        }
        return outer;
    }
    const ScalarFunction f = antiderivative ? ScalarFunction([&phi, mu](double x) { return activationAntiderivative(phi, mu + x); })
                                            : ScalarFunction([&phi, mu](double x) { return phi.value(mu + x); });
    return twoPointCorrelation(f, delta0, d, rule, shiftedKinks(phi, mu));
}

// mu = m E[phi(mu + sqrt(Delta0) z)] + I: unique root required.
double selfConsistentMean(const Activation& phi, double delta0, double m, double input, const GaussHermiteRule& rule,
                          const std::string& what) {
    if (m == 0.0) return input;
    const auto mismatch = [&](double mu) {
        return mu - m * shiftedExpectation(phi, mu, [&phi](double x) { return phi.value(x); }, delta0, rule) - input;
    };
    double reach = 1.0 + std::fabs(input) + 4.0 * std::sqrt(delta0);
    for (int k = 0; k < 60 && !(mismatch(-reach) < 0.0 && mismatch(reach) > 0.0); ++k) reach *= 2.0;
    if (!(mismatch(-reach) < 0.0 && mismatch(reach) > 0.0))
        throw std::runtime_error(what + ": no self-consistent mean mu = m E[phi] + I (the mean runs away; m = " + show(m) + ")");
    std::vector<double> grid(201);
    for (int k = 0; k <= 200; ++k) grid[k] = -reach + 2.0 * reach * k / 200.0;
    const std::vector<Bracket> changes = signChanges(mismatch, grid, what);
    if (changes.size() != 1) {
        std::string roots;
        for (const Bracket& b : changes) roots += " " + show(brentRoot(mismatch, b.lo, b.hi, 1e-13, what));
        throw std::runtime_error(what + ": several self-consistent means (bistable), mu =" + roots);
    }
    return brentRoot(mismatch, changes[0].lo, changes[0].hi, 1e-14 * reach, what);
}

// Delta_inf = g^2 F(Delta0, Delta_inf): the smallest root in [0, Delta0) (0 when E[phi] = 0), or
// Delta0 itself when there is none (no decaying solution at this trial variance).
double staticField(const Activation& phi, double mu, double delta0, double g, const GaussHermiteRule& rule, const std::string& what) {
    const auto excess = [&](double d) { return d - g * g * shiftedCorrelation(phi, mu, delta0, d, false, rule); };
    const double at_zero = excess(0.0);
    if (!(at_zero < -1e-15 * delta0)) return 0.0;
    std::vector<double> grid(33);
    for (int k = 0; k <= 32; ++k) grid[k] = delta0 * k / 32.0;
    const std::vector<Bracket> changes = signChanges(excess, grid, what);
    if (!changes.empty()) {  // the first crossing from below is the decaying solution
        const double root = brentRoot(excess, changes[0].lo, changes[0].hi, 1e-14 * delta0, what);
        if (root < delta0 * (1.0 - 1e-9)) return root;
    }
    return delta0;  // frozen at this trial variance: the caller's residual is then -sigma^4/4 < 0
}

}  // namespace

WhiteNoiseMeanField solveWhiteNoiseMeanField(const Activation& phi, double g, double sigma, double coupling_mean, double input,
                                             const GaussHermiteRule& rule) {
    requireCouplingAndNoise(g, sigma);
    if (!std::isfinite(coupling_mean)) throw std::domain_error("m = " + show(coupling_mean) + ": the coupling mean must be finite");
    if (!std::isfinite(input)) throw std::domain_error("I = " + show(input) + ": the input must be finite");
    if (!(sigma > 0.0)) throw std::domain_error("sigma = 0: the mean-field solver with a static field needs noise");
    const std::string what = "white-noise mean field at g = " + show(g) + ", sigma = " + show(sigma) + ", m = " +
                             show(coupling_mean) + ", I = " + show(input);
    struct State {
        double mu, delta_inf;
    };
    const auto state = [&](double d0) {
        const double mu = selfConsistentMean(phi, d0, coupling_mean, input, rule, what);
        return State{mu, staticField(phi, mu, d0, g, rule, what)};
    };
    const double s4 = std::pow(sigma, 4);
    const auto residual = [&](double d0) {
        const State st = state(d0);
        const double energy = shiftedCorrelation(phi, st.mu, d0, d0, true, rule) - shiftedCorrelation(phi, st.mu, d0, st.delta_inf, true, rule);
        return (d0 * d0 - st.delta_inf * st.delta_inf - 0.25 * s4 - 2.0 * g * g * energy) / (d0 * d0);
    };
    double hi = 0.5 * sigma * sigma;
    while (hi < 1e12 && !(residual(hi) > 0.0)) hi *= 1.25;
    if (!(hi < 1e12)) throw std::runtime_error(what + ": no solution, the residual stays negative up to Delta0 = 1e12 (blow-up)");
    const std::vector<Bracket> changes = signChanges(residual, geometricGrid(0.5 * sigma * sigma, 4.0 * hi, 60), what);
    std::vector<double> stable;
    for (const Bracket& b : changes) {
        const double root = brentRoot(residual, b.lo, b.hi, 1e-13 * b.hi, what);
        if (residual(root * (1.0 + 1e-6)) > residual(root * (1.0 - 1e-6))) stable.push_back(root);
    }
    if (stable.size() != 1) {
        std::string roots;
        for (double r : stable) roots += " " + show(r);
        throw std::runtime_error(what + (stable.empty() ? ": no stable solution" : ": several solutions, Delta0 =" + roots));
    }
    WhiteNoiseMeanField out;
    out.delta0 = stable.front();
    const State st = state(out.delta0);
    out.mu = st.mu;
    out.delta_inf = st.delta_inf;
    if (!(out.delta_inf < out.delta0))
        throw std::runtime_error(what + ": no decaying solution, the static field reaches the full variance Delta0 = " +
                                 show(out.delta0) + " (a frozen state)");
    out.gamma = shiftedExpectation(phi, out.mu, [&phi](double x) { return phi.derivative(x); }, out.delta0, rule);
    out.g_eff = out.gamma * g;
    out.mean_phi = shiftedExpectation(phi, out.mu, [&phi](double x) { return phi.value(x); }, out.delta0, rule);
    const double second = shiftedExpectation(phi, out.mu, [&phi](double x) { return phi.value(x) * phi.value(x); }, out.delta0, rule);
    out.a_phi = second - out.mean_phi * out.mean_phi;
    return out;
}

}  // namespace quench::theory
