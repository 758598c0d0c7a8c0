#pragma once
// The planar (N = infinity) traces of products of resolvents of the elliptic ensemble, as rational
// functions of the mean resolvents u = E tr R(z), R(z) = (z - J)^-1, tr = Tr / N (derivations:
// docs/theory/linear_finite_size.md section 4). Shared by the linear 1/N theory (linear_finite_size.cpp)
// and the sampled DMFT's four-point statistics (sampled_four_point.cpp), where u is a site's response.
// Templates: T is std::complex<double> or DividedDifference.

namespace quench::theory::detail {

// The coupling covariance E J_ij J_kl = (g^2/N) [d_ik d_jl + eta d_il d_jk - d d_ij d_kl d_ik]:
// `deficit` d is what the diagonal variance lacks with respect to the off-diagonal rule 1 + eta.
struct Ensemble {
    double g2 = 0.0;
    double eta = 0.0;
    double deficit = 0.0;
};

// The spectral point whose mean resolvent is u.
template <class T>
T spectralPoint(const Ensemble& e, const T& u) {
    return 1.0 / u + e.eta * e.g2 * u;
}

// tr R(a) R(b)^T
template <class T>
T planarTwoPoint(const Ensemble& e, const T& ua, const T& ub) {
    return ua * ub / (1.0 - e.g2 * ua * ub);
}

// tr R(b)^T R(c) R(e)^T = [P(c, b) - P(c, e)] / (z_e - z_b)
template <class T>
T planarThreePointOuter(const Ensemble& e, const T& ub, const T& uc, const T& ue) {
    return ub * uc * ue / ((1.0 - e.g2 * ub * uc) * (1.0 - e.g2 * uc * ue) * (1.0 - e.eta * e.g2 * ub * ue));
}

// tr R(a) R(b)^T R(c) = [P(c, b) - P(a, b)] / (z_a - z_c)
template <class T>
T planarThreePointInner(const Ensemble& e, const T& ua, const T& ub, const T& uc) {
    return ua * ub * uc / ((1.0 - e.g2 * ua * ub) * (1.0 - e.g2 * ub * uc) * (1.0 - e.eta * e.g2 * ua * uc));
}

// tr R(1) R(2)^T R(3) R(4)^T from z_1 F = tr R2^T R3 R4^T + g^2 [P12 V234 + F G4] + eta g^2 [G1 F + W123
// P34].
template <class T>
T planarFourPoint(const Ensemble& e, const T& u1, const T& u2, const T& u3, const T& u4) {
    const T source = planarThreePointOuter(e, u2, u3, u4) * (1.0 + e.g2 * planarTwoPoint(e, u1, u2)) +
                     e.eta * e.g2 * planarThreePointInner(e, u1, u2, u3) * planarTwoPoint(e, u3, u4);
    return source / (1.0 / u1 - e.g2 * u4);
}

// tr R(a) R(b) = [u_a - u_b] / (z_b - z_a) (the resolvent identity; no transpose)
template <class T>
T sameSideTwoPoint(const Ensemble& e, const T& ua, const T& ub) {
    return ua * ub / (1.0 - e.eta * e.g2 * ua * ub);
}

}  // namespace quench::theory::detail
