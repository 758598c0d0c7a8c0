#pragma once
// The finite-size scaling fit of `quench validate`: a weighted least-squares fit of a disorder
// average measured at several network sizes, S(N) = S_inf + a / N (+ b / N^2), weights 1 / sem^2.
#include <string>
#include <vector>

namespace quench {

struct ScalingPoint {
    double n = 0.0;     // network size N
    double mean = 0.0;  // disorder average of the statistic at N
    double sem = 0.0;   // its standard error (> 0)
};

struct ScalingFit {
    bool ok = false;
    std::string reason;  // why there is no fit, when !ok
    int order = 1;       // 1: S_inf + a / N; 2: S_inf + a / N + b / N^2
    double s_inf = 0.0, s_inf_se = 0.0;
    double a = 0.0, a_se = 0.0;  // the 1/N coefficient
    double b = 0.0, b_se = 0.0;  // the 1/N^2 coefficient (order 2 only)
    double chi2 = 0.0;
    int dof = 0;
    double p_value = 1.0;  // P(chi^2_dof >= chi2); 1 when dof = 0
    // The parameter errors are scaled by sqrt(chi2 / dof) when that exceeds 1 (the Birge ratio), so an
    // underestimated sem or a missing higher-order term widens the errors rather than hiding.
    double birge_scale = 1.0;
};

// Fits at the given order. Needs at least order + 1 points with distinct N and sem > 0.
ScalingFit fitInverseN(const std::vector<ScalingPoint>& points, int order);

// Order 1, and order 2 when the data ask for it: the order-1 fit has p < p_min and there are at
// least 4 points.
ScalingFit fitInverseNAuto(const std::vector<ScalingPoint>& points, double p_min = 0.01);

// P(chi^2 with dof degrees of freedom >= chi2): the regularized upper incomplete gamma Q(dof/2, chi2/2).
double chiSquareSurvival(double chi2, int dof);

}  // namespace quench
