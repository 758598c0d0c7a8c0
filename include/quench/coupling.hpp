#pragma once
// The quenched coupling matrix J_r of one realization, a pure function of (seed, realization).
#include <cmath>
#include <cstdint>
#include <vector>

#include "quench/ensemble_spec.hpp"

namespace quench {

// J_r, row-major N x N (J[i * N + j] couples neuron j into neuron i).
// iid model: J_ij = mean/N + (g/sqrt N)(a z_ij + b z_ji) for i < j and (a z_ij - b z_ji) for j < i,
//            with a = sqrt((1+eta)/2), b = sqrt((1-eta)/2), so corr(J_ij, J_ji) = eta; the diagonal is
//            mean/N + (g/sqrt N) z_ii (zero when zero_diagonal). z_e is the normal number e of the
//            Coupling stream (index_a = e / 4, component e % 4, e = i N + j).
// random-mode model: J = sum_a D_a u_a v_a^T, u_a and w_a with iid N(0, 1/N) entries from the
//            ModeOutput / ModeInput streams (entry e = i P + a), v_a = rho_a u_a + sqrt(1-rho_a^2) w_a
//            with rho_a from modeOverlaps(), D from modeSpectrum().
std::vector<double> couplingMatrix(const EnsembleSpec& spec, std::int64_t realization);

// J of one epoch of annealed disorder (include/quench/disorder_epochs.hpp): epoch 0 is
// couplingMatrix(spec, realization); epoch e >= 1 is the iid J built the same way from the normal
// numbers of the AnnealedCoupling stream with index_b = e (iid model only, see validate()).
std::vector<double> couplingMatrix(const EnsembleSpec& spec, std::int64_t realization, std::int64_t epoch);

// rho_1..rho_P of one realization: all equal to coupling.overlap when overlap_spread = 0 (no number
// drawn); otherwise rho_a = overlap + spread (2 u_a - 1), u_a uniform in (0, 1) from integer a % 4 of
// the ModeOverlap stream's counter index_a = a / 4, index_b = 0 (a = 0..P-1).
std::vector<double> modeOverlaps(const EnsembleSpec& spec, std::int64_t realization);

// Number of modes P = max(1, round(mode_ratio N)).
int modeCount(const CouplingSpec& coupling, int n);

// D_1..D_P: flat (1), power_law (a^-decay), exponential (exp(-decay a / P)) or two_valued (1 for the
// first max(1, round(strong_fraction P)) modes, weak_ratio for the rest), scaled so that
// (1/N) sum_a D_a^2 = g^2.
std::vector<double> modeSpectrum(const CouplingSpec& coupling, int n);

// (sum D^2)^2 / sum D^4 for the random-mode model; N for iid couplings.
double couplingEffectiveRank(const CouplingSpec& coupling, int n);

}  // namespace quench
