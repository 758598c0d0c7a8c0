#include "quench/theory/frequency_rule.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "quench/theory/gaussian_average.hpp"

namespace quench::theory {

FrequencyRule frequencyRule(double scale, int points) {
    if (!(scale > 0.0) || !std::isfinite(scale))
        throw std::domain_error("frequency scale = " + std::to_string(scale) + ": must be positive");
    if (points < 16 || points > 2000)
        throw std::domain_error("frequency_points = " + std::to_string(points) + ": must lie in [16, 2000]");
    constexpr double kPi = 3.14159265358979323846;
    const GaussLegendreRule rule = gaussLegendreRule(points);
    FrequencyRule out;
    for (int i = 0; i < points; ++i) {
        const double theta = 0.5 * kPi * rule.nodes[i];
        out.w.push_back(scale * std::tan(theta));
        out.weight.push_back(rule.weights[i] * 0.5 * kPi * scale / (std::cos(theta) * std::cos(theta)) /
                             (2.0 * kPi));
    }
    return out;
}

}  // namespace quench::theory
