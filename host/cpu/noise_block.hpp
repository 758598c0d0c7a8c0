#pragma once
// The standard normals of one step for every neuron and trial of a realization, generated in
// structure-of-arrays form so that the compiler vectorizes Philox and the inversion. Element for
// element equal to normal4() (the scalar definition of the stream).
#include <cstdint>
#include <vector>

#include "quench/rng.hpp"

namespace quench::cpu {

class NoiseBlock {
public:
    NoiseBlock(int n, int trials);
    // out[i * trials + t] = normal number of neuron i, trial t (neuron-major, like the state).
    template <class Real>
    void fill(std::uint64_t seed, RngStream stream, std::int64_t realization, std::uint64_t index_a,
              Real* out);

private:
    int n_;
    int trials_;
    int blocks_;
    std::vector<std::uint32_t> bits_;  // 4 x blocks_, component-major
    std::vector<float> normals_;       // 4 x blocks_
};

}  // namespace quench::cpu
