#pragma once
// Divided-difference arithmetic (private to the theory library).
//
// The 1/N terms of the linear theory are built from divided differences
//     [f(a) - f(b)] / (z(a) - z(b))
// of rational functions at spectral points that coincide (zero frequency: all equal) or nearly
// coincide (equal time: on lines of the frequency plane). Evaluating the quotient directly loses all
// digits there. Instead a value of this type carries f(a), f(b) and the slope (f(a) - f(b)) / (a - b)
// through +, -, *, / with the exact rules below, so no nearly equal numbers are ever subtracted and the
// slope tends to f'(a) as b -> a. It is forward-mode differentiation generalised to two points.
#include <complex>

namespace quench::theory::detail {

using Complex = std::complex<double>;

struct DividedDifference {
    Complex at_a;
    Complex at_b;
    Complex slope;  // (at_a - at_b) / (a - b), also where a == b

    // Constants lift implicitly, so the same template code runs on Complex and on this type.
    DividedDifference(Complex constant) : at_a(constant), at_b(constant), slope(0.0) {}  // NOLINT
    DividedDifference(double constant) : DividedDifference(Complex(constant)) {}         // NOLINT
    DividedDifference(Complex a, Complex b, Complex s) : at_a(a), at_b(b), slope(s) {}

    // The independent variable itself, sampled at a and b.
    static DividedDifference variable(Complex a, Complex b) { return {a, b, Complex(1.0)}; }
};

inline DividedDifference operator+(const DividedDifference& f, const DividedDifference& g) {
    return {f.at_a + g.at_a, f.at_b + g.at_b, f.slope + g.slope};
}
inline DividedDifference operator-(const DividedDifference& f, const DividedDifference& g) {
    return {f.at_a - g.at_a, f.at_b - g.at_b, f.slope - g.slope};
}
// f(a) g(a) - f(b) g(b) = [f(a) - f(b)] g(a) + f(b) [g(a) - g(b)].
inline DividedDifference operator*(const DividedDifference& f, const DividedDifference& g) {
    return {f.at_a * g.at_a, f.at_b * g.at_b, f.slope * g.at_a + f.at_b * g.slope};
}
// 1/g(a) - 1/g(b) = -[g(a) - g(b)] / (g(a) g(b)).
inline DividedDifference operator/(const DividedDifference& f, const DividedDifference& g) {
    const DividedDifference inverse{1.0 / g.at_a, 1.0 / g.at_b, -g.slope / (g.at_a * g.at_b)};
    return f * inverse;
}

}  // namespace quench::theory::detail
