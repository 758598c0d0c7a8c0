#pragma once
#include <string_view>

namespace quench {

struct BuildInfo {
    std::string_view version;
    std::string_view commit;
    std::string_view compiler;
    std::string_view build_type;
    bool cuda_compiled;  // the CUDA toolkit was found and CUDA compilation enabled
    std::string_view cuda_architectures;
};

const BuildInfo& buildInfo();

}  // namespace quench
