#pragma once
// Grid sizes for the grid-stride elementwise kernels: enough blocks to fill an H100 several times
// over, never more than the grid limit, and at least one block so that a launch is always valid.
#include <algorithm>
#include <cstddef>

namespace quench::kernels {

inline constexpr int kBlockSize = 256;

inline unsigned int gridFor(std::size_t work_items) {
    const std::size_t blocks = (work_items + kBlockSize - 1) / kBlockSize;
    return static_cast<unsigned int>(std::clamp<std::size_t>(blocks, 1, 65535u * 8u));
}

}  // namespace quench::kernels
