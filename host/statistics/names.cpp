#include <array>

#include "quench/statistics.hpp"

namespace quench {

namespace {
constexpr std::array<std::string_view, kStatisticCount> kStatisticNames = {"auto_mean",    "auto_var",
                                                                           "cross_mean",   "cross_var",
                                                                           "pr",           "pr_over_n",
                                                                           "m1",           "m2",
                                                                           "m3",           "m4",
                                                                           "auto_var_raw", "cross_var_raw",
                                                                           "pr_raw",       "pr_over_n_raw",
                                                                           "m2_raw",       "m3_raw",
                                                                           "m4_raw",       "z_cross_mean",
                                                                           "z_cross_var",  "z_pr_over_n",
                                                                           "z_m2"};
}  // namespace

std::string_view statisticName(Statistic s) {
    return kStatisticNames[static_cast<int>(s)];
}

std::string_view variableName(Variable v) {
    return v == Variable::X ? "x" : "phi";
}

std::string_view covarianceName(CovarianceKind c) {
    return c == CovarianceKind::EqualTime ? "equal_time" : "zero_frequency";
}

}  // namespace quench
