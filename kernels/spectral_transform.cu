#include "launch_config.cuh"
#include "spectral_transform.cuh"

namespace quench::kernels {

namespace {

template <class Real>
__global__ void accumulateTransformsKernel(const Real* __restrict__ state,
                                           const double2* __restrict__ coefficients, int frequencies,
                                           std::size_t elements, double2* __restrict__ transforms) {
    for (std::size_t e = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; e < elements;
         e += static_cast<std::size_t>(gridDim.x) * blockDim.x) {
        const double v = static_cast<double>(state[e]);
        for (int f = 0; f < frequencies; ++f) {
            const double2 c = coefficients[f];
            double2& x = transforms[static_cast<std::size_t>(f) * elements + e];
            x.x += c.x * v;
            x.y += c.y * v;
        }
    }
}

}  // namespace

template <class Real>
cudaError_t launchAccumulateTransforms(const Real* state, const double2* coefficients, int frequencies,
                                       std::size_t elements, double2* transforms, cudaStream_t stream) {
    accumulateTransformsKernel<Real><<<gridFor(elements), kBlockSize, 0, stream>>>(
        state, coefficients, frequencies, elements, transforms);
    return cudaGetLastError();
}

template cudaError_t launchAccumulateTransforms<float>(const float*, const double2*, int, std::size_t,
                                                       double2*, cudaStream_t);
template cudaError_t launchAccumulateTransforms<double>(const double*, const double2*, int, std::size_t,
                                                        double2*, cudaStream_t);

}  // namespace quench::kernels
