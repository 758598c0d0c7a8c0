// With p = <r v1>, q = <c v2> the Dyson equation of the Hermitization of W reads, per class,
//   1 / v1 = eta + g^2 r q + w^2 / (eta + g^2 c p),   1 / v2 = eta + g^2 c p + w^2 / (eta + g^2 r q),
// and <v1> / eta = Tr (W W^T + eta^2)^-1 / N. Writing p = eta (P0 + eta^2 P1), q = eta (Q0 + ...) and
// expanding to eta^3 gives the closed forms below (docs/theory/heterogeneity.md).
#include "quench/theory/separable_profile.hpp"

#include <stdexcept>
#include <string>

namespace quench::theory {

namespace {

template <class F>
double average(const std::vector<ProfileNode>& nodes, F f) {
    double sum = 0.0;
    for (const ProfileNode& n : nodes) sum += n.weight * f(n);
    return sum;
}

}  // namespace

ProfileMoments separableProfileMoments(const std::vector<ProfileNode>& nodes, double g) {
    const double g2 = g * g;
    for (const ProfileNode& n : nodes)
        if (!(n.w != 0.0)) throw std::domain_error("separable profile: a neuron class has w = 0");
    const double loop = g2 * average(nodes, [](const ProfileNode& n) { return n.r * n.c / (n.w * n.w); });
    const double gap = 1.0 - loop;
    if (!(gap > 0.0))
        throw std::domain_error("separable profile: g^2 <r c / w^2> = " + std::to_string(loop) +
                                " >= 1 (the linear(-equivalent) network is unstable)");
    const double p0 = average(nodes, [](const ProfileNode& n) { return n.r / (n.w * n.w); }) / gap;
    const double q0 = average(nodes, [](const ProfileNode& n) { return n.c / (n.w * n.w); }) / gap;
    const auto row = [&](const ProfileNode& n) { return 1.0 + g2 * n.c * p0; };
    const auto column = [&](const ProfileNode& n) { return 1.0 + g2 * n.r * q0; };
    ProfileMoments m;
    m.a = average(nodes, [&](const ProfileNode& n) { return row(n) / (n.w * n.w); });
    const double direct = average(
        nodes, [&](const ProfileNode& n) { return row(n) * row(n) * column(n) / (n.w * n.w * n.w * n.w); });
    const double through_p = average(nodes, [&](const ProfileNode& n) {
        return n.r * row(n) * row(n) * column(n) / (n.w * n.w * n.w * n.w);
    });
    m.m2 = direct + g2 * q0 * through_p;
    for (const ProfileNode& n : nodes) m.diagonal.push_back(column(n) / (n.w * n.w));
    m.diag_mean_square = 0.0;
    for (std::size_t k = 0; k < nodes.size(); ++k)
        m.diag_mean_square += nodes[k].weight * m.diagonal[k] * m.diagonal[k];
    return m;
}

}  // namespace quench::theory
