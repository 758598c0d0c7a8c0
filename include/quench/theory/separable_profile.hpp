#pragma once
// Trace moments of C = (W^T W)^-1 for W = diag(w) - X, X_ij ~ N(0, g^2 r_i c_j / N) independent, at
// N -> infinity: the zero-frequency covariance of every linear(-equivalent) network with per-neuron gains,
// noise powers or z-scoring (docs/theory/heterogeneity.md, section "Separable variance profile").
// Derived from the Dyson equation of the Hermitized matrix by expanding its solution to third order in
// the regularization eta (Tr (W W^T + eta^2)^-1 / N = a - eta^2 m2 + O(eta^4)).
#include <vector>

namespace quench::theory {

// One class of neurons: its share of the population (weights sum to 1) and its r, c, w.
struct ProfileNode {
    double weight = 1.0;
    double r = 1.0;
    double c = 1.0;
    double w = 1.0;
};

struct ProfileMoments {
    double a = 0.0;                 // Tr C / N
    double m2 = 0.0;                // Tr C^2 / N
    double diag_mean_square = 0.0;  // (1/N) sum_i C_ii^2 (C_ii depends on the neuron's class only)
    std::vector<double> diagonal;   // C_ii of each class, (1 + g^2 r Q0) / w^2
};

// Throws std::domain_error when 1 - g^2 <r c / w^2> <= 0 (W is not invertible at large N: the linear
// network is unstable) or some w is 0.
ProfileMoments separableProfileMoments(const std::vector<ProfileNode>& nodes, double g);

}  // namespace quench::theory
