// The leading finite-sample bias of the z-scored split estimators (docs/theory/zscored.md,
// "Finite-sample bias").
//
// With r the true correlation matrix, every group is R^g = (r + e^g) / sqrt((1 + delta_i)(1 + delta_j)),
// where delta_i is the pooled diagonal's relative error, delta_i = mean_g u^g_i. Expanded to second order
// in the group noise (e^g, u^g), the biases need only the per-group covariances V_ik = Cov(u_i, u_k) / G
// and W_ij,k = Cov(e_ij, u_k) / G. Those come from the difference of two groups g, h (half its square
// is an unbiased per-group covariance), and every factor of r from the other two groups k, l: products
// of one group's noise with itself would add O(N^2 / K^2) to terms of size O(N / K).
#include <array>
#include <vector>

#include "quench/statistics.hpp"
#include "statistics/group_assignments.hpp"

namespace quench {

namespace {

using Matrix = std::vector<double>;

// Row sums of one (g, h | k, l) assignment: du = diag(R^g - R^h), de = off-diagonal of R^g - R^h,
// rk, rl = off-diagonal of R^k, R^l.
struct PairSums {
    double du_sq = 0.0;           // sum_i du_i^2
    double q_du_sq = 0.0;         // sum_i du_i^2 sum_{j != i} rk_ij rl_ij
    double du_r2_du = 0.0;        // sum_{i != j} du_i rk_ij rl_ij du_j
    double du_r1_de = 0.0;        // sum_i du_i sum_{j != i} (rk_ij + rl_ij) / 2 de_ij
    double du_de = 0.0;           // sum_i du_i sum_{j != i} de_ij
    double de_sum = 0.0;          // sum_{i != j} de_ij
    double du_rk_du = 0.0;        // sum_{i != j} du_i rk_ij du_j
    double du_rl_du = 0.0;        // sum_{i != j} du_i rl_ij du_j
    double rho_k_du_sq = 0.0;     // sum_i rho^k_i du_i^2, rho^k_i = sum_{j != i} rk_ij
    double rho_l_du_sq = 0.0;     // sum_i rho^l_i du_i^2
    double rho_k_du = 0.0;        // sum_i rho^k_i du_i
    double rho_l_du = 0.0;        // sum_i rho^l_i du_i
    double s_k = 0.0, s_l = 0.0;  // sum_{i != j} rk_ij, rl_ij
};

PairSums pairSums(const Matrix& g, const Matrix& h, const Matrix& k, const Matrix& l, int n) {
    std::vector<double> du(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        const std::size_t d = static_cast<std::size_t>(i) * n + i;
        du[i] = g[d] - h[d];
    }
    PairSums p;
    for (int i = 0; i < n; ++i) {
        double q = 0.0, r2_du = 0.0, r1_de = 0.0, de = 0.0, rk_du = 0.0, rl_du = 0.0, rho_k = 0.0,
               rho_l = 0.0;
        for (int j = 0; j < n; ++j) {
            if (j == i) continue;
            const std::size_t e = static_cast<std::size_t>(i) * n + j;
            const double dif = g[e] - h[e], a = k[e], b = l[e];
            q += a * b;
            r2_du += a * b * du[j];
            r1_de += 0.5 * (a + b) * dif;
            de += dif;
            rk_du += a * du[j];
            rl_du += b * du[j];
            rho_k += a;
            rho_l += b;
        }
        const double u = du[i];
        p.du_sq += u * u;
        p.q_du_sq += q * u * u;
        p.du_r2_du += u * r2_du;
        p.du_r1_de += u * r1_de;
        p.du_de += u * de;
        p.de_sum += de;
        p.du_rk_du += u * rk_du;
        p.du_rl_du += u * rl_du;
        p.rho_k_du_sq += rho_k * u * u;
        p.rho_l_du_sq += rho_l * u * u;
        p.rho_k_du += rho_k * u;
        p.rho_l_du += rho_l * u;
        p.s_k += rho_k;
        p.s_l += rho_l;
    }
    return p;
}

}  // namespace

ZScoredBias zScoredBias(const SplitCovariance& r) {
    constexpr double c = 1.0 / (2.0 * kSplitGroups);  // half a squared group difference, per group
    ZScoredBias b;
    for (const auto& [g, h, k, l] : kGroupAssignments) {
        const PairSums p = pairSums(r.group[g], r.group[h], r.group[k], r.group[l], r.n);
        const double sum_v = c * p.du_sq;    // sum_i V_ii
        const double cross_w = c * p.du_de;  // sum_{i != j} W_ij,i
        // Bias of sum_{i != j} of one group (or the pooled R): per entry
        // r_ij [3/8 (V_ii + V_jj) + V_ij / 4] - (W_ij,i + W_ij,j) / 2.
        const double off_k = 0.75 * c * p.rho_k_du_sq + 0.25 * c * p.du_rk_du - cross_w;
        const double off_l = 0.75 * c * p.rho_l_du_sq + 0.25 * c * p.du_rl_du - cross_w;
        // Per off-diagonal entry of R^g R^h: r_ij^2 (V_ii + V_jj + V_ij) - 2 r_ij (W_ij,i + W_ij,j);
        // per diagonal entry 3 V_ii - 4 W_ii,i = -V_ii.
        const double off_sq = 2.0 * c * p.q_du_sq + c * p.du_r2_du - 4.0 * c * p.du_r1_de;
        b.diag_sq += -sum_v;
        b.trace_sq += off_sq - sum_v;
        b.off_sum += 0.5 * (off_k + off_l);
        // (S + a^g - rho.delta - ...)(S + a^h - rho.delta - ...): 2 S (bias of one sum)
        // - 2 sum_i rho_i Cov(a, delta_i) + rho^T V rho, with a^g = sum_{i != j} e^g_ij.
        b.off_prod += p.s_k * off_l + p.s_l * off_k - c * p.de_sum * (p.rho_k_du + p.rho_l_du) +
                      c * p.rho_k_du * p.rho_l_du;
        b.diag_rel_var += sum_v / r.n;
    }
    const double assignments = static_cast<double>(kGroupAssignments.size());
    b.trace_sq /= assignments;
    b.diag_sq /= assignments;
    b.off_prod /= assignments;
    b.off_sum /= assignments;
    b.diag_rel_var /= assignments;
    return b;
}

}  // namespace quench
