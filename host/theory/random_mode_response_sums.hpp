#pragma once
// The four-point sums of the sampled DMFT's linear-response network with random-mode couplings
// (docs/theory/sampled_dmft.md, section 8): phi = G (xi + z r), G = (z - J)^-1, with C_phi = L G G^H and the
// input's C_h = a G G^H - b (z G + conj(z) G^H) + b, on the cells of the half frequency grid (weights
// folded into l, a, b; linear_response_kernels.hpp). Where the elliptic ensemble has closed forms, here
// every trace comes from the random-mode cavities: the four-resolvent trace from the two-copy cavity
// (randomModeFourResolventTraces), the others, by the resolvent identity, from P(k1, k2)
// (randomModeResolventProducts) and the cells' mean responses u = tr G(z).
#include <complex>
#include <utility>
#include <vector>

#include "linear_response_kernels.hpp"
#include "random_mode_classes.hpp"

namespace quench::theory::detail {

struct RandomModeCoupling {
    RandomModeCoupling(std::vector<double> d_, std::vector<double> rho_, int n_)
        : d(std::move(d_)), rho(std::move(rho_)), n(n_), modes(modeClasses(d, rho)) {}

    std::vector<double> d, rho;    // D_a and rho_a of J itself
    int n = 0;                     // neurons
    std::vector<ModeClass> modes;  // the classes of equal (D_a, rho_a)

    // K_hat(u) = (1/N) sum_a rho_a D_a / (1 - rho_a D_a u): a site's reaction on itself through the mode
    // loops when the sites respond with u (sampled_dmft.md section 8).
    std::complex<double> reaction(std::complex<double> u) const;
    // z(u) = 1/u + K_hat(u): the spectral point at which tr (z - J)^-1 = u (the mean resolvent's
    // self-consistency).
    std::complex<double> spectralPoint(std::complex<double> u) const { return 1.0 / u + reaction(u); }
    // dz/du (its inverse is du/dz = -tr G^2).
    std::complex<double> spectralSlope(std::complex<double> u) const;
    // (1/N) sum_a D_a^2 / |1 - rho_a D_a u|^2: the field's gain, and with |u|^2 the network's loop gain.
    double fieldGain(std::complex<double> u) const;
};

// P(z, conj z) = tr G G^H at each spectral point, continued along the list.
std::vector<double> randomModeResponsePower(const RandomModeCoupling& j,
                                            const std::vector<std::complex<double>>& z);

struct ResponseSums {
    double phi = 0.0;    // sum over cell pairs of Re tr C_phi(f) C_phi(g), averaged over g and conj(g)
    double state = 0.0;  // the same for C_h
};

// The sums over all pairs of cells (each cell's z must be spectralPoint(u) of its u).
ResponseSums randomModeResponseSums(const RandomModeCoupling& j, const std::vector<Cell>& cells);

}  // namespace quench::theory::detail
