#pragma once
// The Faddeeva function w(z) = exp(-z^2) erfc(-i z): Gaussian averages of rational functions.
#include <complex>

namespace quench::theory {

// w(z) by Weideman's rational expansion (SIAM J. Numer. Anal. 31, 1497 (1994)) with N = 40 terms in
// the upper half plane, and w(z) = 2 exp(-z^2) - w(-z) below it. Relative accuracy ~1e-14 in the
// closed upper half plane (tested against quadrature and known values). Throws std::domain_error
// for non-finite z and std::overflow_error where w itself overflows (Im z << 0).
std::complex<double> faddeeva(std::complex<double> z);

// E[1 / (x - z)] for x ~ N(0, variance), z off the real axis: i sqrt(pi / (2 v)) w(z / sqrt(2 v)) for Im z > 0,
// its conjugate mirror below. variance = 0 gives -1/z. Throws std::domain_error for real z.
std::complex<double> gaussianResolvent(std::complex<double> z, double variance);

// E[1 / (x - z)^2] = d/dz E[1 / (x - z)], same conventions.
std::complex<double> gaussianResolventSquared(std::complex<double> z, double variance);

}  // namespace quench::theory
