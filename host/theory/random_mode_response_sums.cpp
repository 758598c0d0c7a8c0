// The random-mode linear-response network's four-point sums (random_mode_response_sums.hpp). With s the
// spectral point of cell f and t that of g or of conj(g), traces normalized by 1/N,
//     Tr G_s G_s^H G_t   = [P(t, conj s) - P(s, conj s)] / (s - t),
//     Tr G_s G_s^H G_t^H = [P(s, conj t) - P(s, conj s)] / (conj s - conj t),
//     Tr G_s G_t G_t^H   = [P(s, conj t) - P(t, conj t)] / (t - s),
//     Tr G_s^H G_t G_t^H = [P(t, conj s) - P(t, conj t)] / (conj t - conj s),
//     Tr G_s G_t = (u_s - u_t) / (t - s),   Tr G_s G_t^H = P(s, conj t),   P(t, conj s) = conj P(s, conj t),
// and at s = t (a cell with itself, or a cell on the real axis with its conjugate) the derivatives:
// Tr G G^H G = Tr G G G^H = -dP(a, conj s)/da, the other two its conjugate, Tr G G = -du/dz = -1 / (dz/du).
#include "random_mode_response_sums.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <utility>
#include <vector>

#include "quench/theory/random_mode_theory.hpp"

namespace quench::theory::detail {
namespace {

using Complex = std::complex<double>;
using Points = std::vector<std::pair<Complex, Complex>>;

bool coincide(Complex s, Complex t) {
    return std::abs(s - t) <= 1e-9 * std::max(1.0, std::abs(s));
}

}  // namespace

Complex RandomModeCoupling::reaction(Complex u) const {
    Complex k = 0.0;
    for (const ModeClass& m : modes) k += m.count * m.rho * m.d / (1.0 - m.rho * m.d * u);
    return k / static_cast<double>(n);
}

Complex RandomModeCoupling::spectralSlope(Complex u) const {
    Complex k = 0.0;
    for (const ModeClass& m : modes) {
        const Complex loop = 1.0 - m.rho * m.d * u;
        k += m.count * m.rho * m.d * m.rho * m.d / (loop * loop);
    }
    return -1.0 / (u * u) + k / static_cast<double>(n);
}

double RandomModeCoupling::fieldGain(Complex u) const {
    double g = 0.0;
    for (const ModeClass& m : modes) g += m.count * m.d * m.d / std::norm(1.0 - m.rho * m.d * u);
    return g / static_cast<double>(n);
}

std::vector<double> randomModeResponsePower(const RandomModeCoupling& j, const std::vector<Complex>& z) {
    Points points;
    for (const Complex s : z) points.emplace_back(s, std::conj(s));
    std::vector<double> out;
    for (const Complex v : randomModeResolventProducts(j.d, j.n, j.rho, points)) out.push_back(v.real());
    return out;
}

ResponseSums randomModeResponseSums(const RandomModeCoupling& j, const std::vector<Cell>& cells) {
    const std::size_t m = cells.size();
    // Partner points t_q: q = 2 i is cell i's z, q = 2 i + 1 its conjugate (u likewise).
    std::vector<Complex> t(2 * m), ut(2 * m);
    for (std::size_t i = 0; i < m; ++i) {
        t[2 * i] = cells[i].z;
        t[2 * i + 1] = std::conj(cells[i].z);
        ut[2 * i] = cells[i].u;
        ut[2 * i + 1] = std::conj(cells[i].u);
    }
    // P(s_i, conj t_q) for every cell i and partner q, row by row; then the derivative stencils in a of
    // P(a, conj s_i) at a = s_i, with a step well inside the distance to the bulk.
    Points points;
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t q = 0; q < 2 * m; ++q) points.emplace_back(cells[i].z, std::conj(t[q]));
    std::vector<double> steps(m);
    for (std::size_t i = 0; i < m; ++i) {
        steps[i] = 1e-4 * std::abs(cells[i].z);
        for (const double h : {steps[i], -steps[i], 2.0 * steps[i], -2.0 * steps[i]})
            points.emplace_back(cells[i].z + h, std::conj(cells[i].z));
    }
    const std::vector<Complex> values = randomModeResolventProducts(j.d, j.n, j.rho, points);
    const auto P = [&](std::size_t i, std::size_t q) { return values[i * 2 * m + q]; };  // P(s_i, conj t_q)
    std::vector<Complex> inner(m);                                                       // Tr G G^H G at s_i
    for (std::size_t i = 0; i < m; ++i) {
        const Complex* f = &values[2 * m * m + 4 * i];
        const double h = steps[i];
        inner[i] = -(4.0 * (f[0] - f[1]) / (2.0 * h) - (f[2] - f[3]) / (4.0 * h)) / 3.0;
    }
    // T(s_i, t_q) on the half i <= j of each partner side (T is symmetric and conjugation-invariant).
    Points pairs;
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t k = i; k < m; ++k)
            for (int side = 0; side < 2; ++side) pairs.emplace_back(cells[i].z, t[2 * k + side]);
    const std::vector<double> four_values = randomModeFourResolventTraces(j.d, j.n, j.rho, pairs);
    std::vector<double> four(m * 2 * m);
    std::size_t next = 0;
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t k = i; k < m; ++k)
            for (int side = 0; side < 2; ++side, ++next) {
                four[i * 2 * m + 2 * k + side] = four_values[next];
                four[k * 2 * m + 2 * i + side] = four_values[next];
            }
    ResponseSums out;
    for (std::size_t i = 0; i < m; ++i) {
        const Cell& f = cells[i];
        const Complex s = f.z, us = f.u;
        const Complex pss = P(i, 2 * i);
        for (std::size_t k = 0; k < m; ++k) {
            const Cell& g = cells[k];
            for (int side = 0; side < 2; ++side) {
                const std::size_t q = 2 * k + side;
                const Complex w = t[q], x = ut[q];
                const Complex pst = P(i, q), pts = std::conj(pst);  // P(s, conj t), P(t, conj s)
                const Complex ptt = P(k, 2 * k);                    // P(t, conj t), real
                Complex x1, x2, x3, x4, same;
                if (coincide(s, w)) {
                    x1 = x3 = inner[i];
                    x2 = x4 = std::conj(inner[i]);
                    same = -1.0 / j.spectralSlope(us);
                } else {
                    x1 = (pts - pss) / (s - w);
                    x2 = (pst - pss) / (std::conj(s) - std::conj(w));
                    x3 = (pst - ptt) / (w - s);
                    x4 = (pts - ptt) / (std::conj(w) - std::conj(s));
                    same = (us - x) / (w - s);
                }
                const double t4 = four[i * 2 * m + q];
                out.phi += 0.5 * f.l * g.l * t4;
                const Complex left = w * x1 + std::conj(w) * x2;
                const Complex right = s * x3 + std::conj(s) * x4;
                const Complex cross = s * w * same + s * std::conj(w) * pst + std::conj(s) * w * pts +
                                      std::conj(s) * std::conj(w) * std::conj(same);
                out.state +=
                    0.5 * std::real(f.a * g.a * t4 - f.a * g.b * (left - pss) - f.b * g.a * (right - ptt) +
                                    f.b * g.b *
                                        (cross - (s * us + std::conj(s) * std::conj(us)) -
                                         (w * x + std::conj(w) * std::conj(x)) + 1.0));
            }
        }
    }
    return out;
}

}  // namespace quench::theory::detail
