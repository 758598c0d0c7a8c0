#pragma once
// How the couplings reach the sampled single site and its linear-response network, as functions of the
// site's response u = chi_hat(theta) (docs/theory/sampled_dmft.md, sections 1, 6 and 8):
//   reaction   K_hat(u): the site's feedback on itself (partially symmetric: eta g^2 u; random mode:
//              (1/N) sum_a rho_a D_a / (1 - rho_a D_a u), whose lag 0 is the mean self-coupling J_ii);
//   field gain G(u): S_field = G S_phi (g^2; (1/N) sum_a D_a^2 / |1 - rho_a D_a u|^2);
//   spectral point z(u) = 1/u + K_hat(u), at which tr (z - J)^-1 = u;
//   and the traces of the network G = (z - J)^-1 that its four-point statistics need: closed forms for the
//   elliptic ensemble (elliptic_planar.hpp), the cavities for random-mode couplings.
// The sampler (sampled_dmft.cpp) and the four-point sums (sampled_four_point.cpp) both read it.
#include <complex>
#include <optional>
#include <vector>

#include "linear_response_kernels.hpp"
#include "random_mode_response_sums.hpp"

namespace quench::theory::detail {

class SiteCoupling {
public:
    static SiteCoupling partiallySymmetric(double g, double eta);
    static SiteCoupling randomMode(RandomModeCoupling modes);

    // Partially symmetric J: K(k) = eta g^2 chi(k) lag by lag, with no term at lag 0.
    bool reactionFollowsResponse() const { return !modes_.has_value(); }
    double reactionPerResponse() const { return eta_ * g2_; }

    std::complex<double> reaction(std::complex<double> u) const;
    double fieldGain(std::complex<double> u) const;
    std::complex<double> spectralPoint(std::complex<double> u) const { return 1.0 / u + reaction(u); }
    // G |u|^2: below 1 at every frequency for a stationary linear-response network.
    double loopGain(std::complex<double> u) const { return fieldGain(u) * std::norm(u); }

    // tr G G^H at each frequency (u its response, z = spectralPoint(u)).
    std::vector<double> responsePower(const std::vector<std::complex<double>>& u,
                                      const std::vector<std::complex<double>>& z) const;
    // The sums over all pairs of cells (each cell's z must be spectralPoint of its u).
    ResponseSums responseSums(const std::vector<Cell>& cells) const;

private:
    double g2_ = 0.0, eta_ = 0.0;
    std::optional<RandomModeCoupling> modes_;
};

}  // namespace quench::theory::detail
