#pragma once
// J_r for a wave of realizations, generated on the device from the same counter-based keys as
// couplingMatrix() (host/coupling/coupling_matrix.cpp), entry for entry.
#include <cuda_runtime_api.h>

#include <cstdint>

#include "quench/ensemble_spec.hpp"

namespace quench::kernels {

struct IidCouplingParams {
    int n = 0;
    int wave = 0;                        // realizations in this wave
    std::int64_t first_realization = 0;  // realization number of wave slot 0
    std::uint64_t seed = 0;              // ensemble.seed (couplings never use the noise seed)
    double scale = 0.0;                  // g / sqrt(N)
    double shift = 0.0;                  // mean / N
    double sym = 0.0;                    // sqrt((1 + eta) / 2)
    double anti = 0.0;                   // sqrt((1 - eta) / 2)
    int zero_diagonal = 0;
    int row_major = 0;        // the layout of each J_r, see below
    std::uint32_t epoch = 0;  // annealed disorder: the epoch whose redraw to generate (0: the quenched J)
};

// j: wave x (n x n), each matrix column-major (j[r n^2 + col n + row] = J_r[row][col]), the A operand
// of a column-major GEMM as it is; or, with row_major, row-major (j[r n^2 + row n + col]), which cuBLAS
// reads as J_r^T and uses with CUBLAS_OP_T (see StepEngine for when each is used).
template <class Real>
cudaError_t launchIidCoupling(const IidCouplingParams& p, Real* j, cudaStream_t stream);

// The same J rounded to a 16-bit coupling.storage (Bf16 or Fp16), as storageBits() patterns.
cudaError_t launchIidCoupling16(const IidCouplingParams& p, CouplingStorage storage, std::uint16_t* j,
                                cudaStream_t stream);

}  // namespace quench::kernels
