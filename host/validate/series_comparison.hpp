#pragma once
// The judgement of `quench validate` for a curve (a Series such as x.autocorrelation): every point of
// the curve is compared with the theory curve by the rule of the scalar statistics (statistic
// _comparison.hpp): with two or more sizes the fitted S_inf of S(N) = S_inf + a/N against the theory,
// with one size the mean against the theory. The curve passes when every point does.
#include <optional>
#include <string>
#include <vector>

#include "quench/scaling_fit.hpp"
#include "quench/theory/series_prediction.hpp"
#include "validate/statistic_comparison.hpp"
#include "validate/validation_record.hpp"

namespace quench::validation {

struct SeriesPointComparison {
    double at = 0.0;
    std::vector<SizeComparison> sizes;  // mean, sem and z at every N
    ScalingFit fit;                     // ok only with >= 2 sizes
    std::optional<double> z;            // the z the verdict rests on (fit's S_inf, or the single size)
    Verdict verdict = Verdict::NoData;
};

struct SeriesComparison {
    std::string name;  // "x.autocorrelation"
    std::string abscissa;
    theory::TheorySeries theory;
    std::vector<SeriesPointComparison> points;
    Verdict verdict = Verdict::NoData;  // PASS when every point passes
    int pass = 0, fail = 0;
    double worst_z = 0.0;   // largest |z| over the points
    double worst_at = 0.0;  // where
    std::string detail;     // reason for no theory / no data, or what the theory rests on

    bool exact() const { return theory.available() && theory.basis == theory::Basis::Exact; }
};

std::vector<SeriesComparison> compareSeries(const PointRun& point, double threshold);

}  // namespace quench::validation
