#pragma once
// H = J Phi for one realization: J is n x n row-major, Phi and H are n x k neuron-major.
// For the few trials a realization usually has (k <= 16) the product is a stream through J with
// k-wide FMAs; BLAS would repack J on every call and spend more time copying than multiplying.
namespace quench::cpu {

template <class Real>
void couplingProduct(int n, int k, const Real* j, const Real* phi, Real* h);

}  // namespace quench::cpu
