#pragma once
// The four-point kernels of a linear-response network at N = infinity (docs/theory/sampled_dmft.md,
// section 6): phi = G (xi + z r), G = (z - J)^-1 with J of the elliptic ensemble, and x = f h, the filtered
// input h = J phi + xi, whose spectra are C_phi = L G G^H and |f|^2 C_h = a G G^H - b (z G + conj(z) G^H) +
// b. Shared by the sampled DMFT (sampled_four_point.cpp) and the partially symmetric closure
// (partial_symmetry_state.cpp), which differ only in where u, L, a and b come from.
#include <complex>

#include "elliptic_planar.hpp"

namespace quench::theory::detail {

// One frequency, or a cell of frequencies, with its quadrature weight folded into l, a and b: l = w L,
// a = w |f|^2 |z|^2 L, b = w |f|^2 (L - S_n); u = E tr G (the site's response) and z its spectral point.
struct Cell {
    std::complex<double> u, z;
    double l = 0.0, a = 0.0, b = 0.0;
};

// Re tr C_phi(f) C_phi(g) with the weights, averaged over g and conj(g).
double phiKernel(const Ensemble& e, const Cell& f, const Cell& g);

// Re tr C_x(f) C_x(g) with the weights, averaged over g and conj(g): the expansion of C_h C_h' into
// planar traces (G^H = R(conj z)^T).
double stateKernel(const Ensemble& e, const Cell& f, const Cell& g);

// The diagonals: L tr G G^H per unit weight, and |f|^2 tr C_h from a, b (per unit weight).
double phiDiagonal(const Ensemble& e, std::complex<double> u, double l);
double stateDiagonal(const Ensemble& e, std::complex<double> u, std::complex<double> z, double a, double b);

}  // namespace quench::theory::detail
