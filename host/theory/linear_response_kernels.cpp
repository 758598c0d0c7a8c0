#include "linear_response_kernels.hpp"

namespace quench::theory::detail {

using Complex = std::complex<double>;

double phiKernel(const Ensemble& e, const Cell& f, const Cell& g) {
    double s = 0.0;
    for (const Complex x : {g.u, std::conj(g.u)})
        s += std::real(planarFourPoint(e, f.u, std::conj(f.u), x, std::conj(x)));
    return 0.5 * f.l * g.l * s;
}

double stateKernel(const Ensemble& e, const Cell& f, const Cell& g) {
    const Complex u = f.u, ub = std::conj(u), z = f.z, zb = std::conj(z);
    double s = 0.0;
    for (const bool flip : {false, true}) {
        const Complex x = flip ? std::conj(g.u) : g.u, xb = std::conj(x);
        const Complex w = flip ? std::conj(g.z) : g.z, wb = std::conj(w);
        const Complex four = planarFourPoint(e, u, ub, x, xb);           // G G^H G' G'^H
        const Complex left = w * planarThreePointInner(e, u, ub, x) +    // G G^H G'
                             wb * planarThreePointInner(e, ub, u, xb);   // G G^H G'^H
        const Complex right = z * planarThreePointInner(e, x, xb, u) +   // G G' G'^H
                              zb * planarThreePointOuter(e, ub, x, xb);  // G^H G' G'^H
        const Complex cross = z * w * sameSideTwoPoint(e, u, x) + z * wb * planarTwoPoint(e, u, xb) +
                              zb * w * planarTwoPoint(e, x, ub) + zb * wb * sameSideTwoPoint(e, ub, xb);
        const Complex p_f = planarTwoPoint(e, u, ub), p_g = planarTwoPoint(e, x, xb);
        s += std::real(f.a * g.a * four - f.a * g.b * (left - p_f) - f.b * g.a * (right - p_g) +
                       f.b * g.b * (cross - (z * u + zb * ub) - (w * x + wb * xb) + 1.0));
    }
    return 0.5 * s;
}

double phiDiagonal(const Ensemble& e, Complex u, double l) {
    return l * std::real(planarTwoPoint(e, u, std::conj(u)));
}

double stateDiagonal(const Ensemble& e, Complex u, Complex z, double a, double b) {
    return a * std::real(planarTwoPoint(e, u, std::conj(u))) - 2.0 * b * std::real(z * u) + b;
}

}  // namespace quench::theory::detail
