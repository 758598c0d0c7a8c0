#pragma once
// The benchmarks' list of cases, N:R:K comma-separated (--cases).
#include <sstream>
#include <string>
#include <vector>

#include "quench/error.hpp"

namespace quench::bench {

struct Case {
    int n = 0;
    int r = 0;
    int k = 0;
};

inline std::vector<Case> parseCases(const std::string& text) {
    std::vector<Case> cases;
    std::stringstream list(text);
    std::string item;
    while (std::getline(list, item, ',')) {
        Case c;
        char colon1 = 0, colon2 = 0;
        std::stringstream fields(item);
        if (!(fields >> c.n >> colon1 >> c.r >> colon2 >> c.k) || colon1 != ':' || colon2 != ':' || c.n < 1 ||
            c.r < 1 || c.k < 1)
            throw ConfigError("--cases", item, "N:R:K with positive integers, comma-separated");
        cases.push_back(c);
    }
    return cases;
}

}  // namespace quench::bench
