#pragma once
// A curve measured per realization: a statistic that is a function of an abscissa (a time lag, a
// frequency) rather than one number, e.g. the single-unit autocorrelation C(tau). Its
// disorder summary (SeriesSummary, realization_result.hpp) is the Estimate of every point.
#include <string>
#include <vector>

namespace quench {

struct Series {
    std::string name;            // "x.autocorrelation": stable, scripts rely on it
    std::string abscissa;        // the name of the abscissa: "tau", "omega"
    std::vector<double> at;      // the abscissa values
    std::vector<double> values;  // one per abscissa value
};

}  // namespace quench
