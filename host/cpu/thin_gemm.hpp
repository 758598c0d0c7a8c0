#pragma once
// H = J Phi for one realization. J is given TRANSPOSED (jt[c * n + i] = J_ic, i.e. J in column-major
// order); Phi and H are n x k neuron-major. For the few trials a realization usually has (k <= 16)
// the product streams once through J with register-blocked FMAs; BLAS would repack J on every
// call and spend more time copying than multiplying.
namespace quench::cpu {

template <class Real>
void couplingProduct(int n, int k, const Real* jt, const Real* phi, Real* h);

}  // namespace quench::cpu
