#include <cblas.h>

#include <cmath>

#include "quench/coupling.hpp"
#include "quench/error.hpp"
#include "quench/rng.hpp"

namespace quench {

namespace {

// Normal numbers 0 .. count-1 of one stream of one realization.
std::vector<double> normals(std::uint64_t seed, RngStream stream, std::int64_t realization, std::size_t count,
                            std::uint32_t index_b = 0u) {
    std::vector<double> z((count + 3) / 4 * 4);
    for (std::size_t block = 0; block < z.size() / 4; ++block)
        normal4<double>(seed, stream, static_cast<std::uint64_t>(realization), block, index_b, &z[block * 4]);
    z.resize(count);
    return z;
}

// epoch 0: the quenched J; epoch >= 1: a redraw of annealed disorder.
std::vector<double> iidCoupling(const EnsembleSpec& spec, std::int64_t realization, std::int64_t epoch = 0) {
    const int n = spec.network.n;
    const CouplingSpec& c = spec.coupling;
    const std::size_t nn = static_cast<std::size_t>(n) * n;
    const std::vector<double> z = epoch == 0
                                      ? normals(spec.ensemble.seed, RngStream::Coupling, realization, nn)
                                      : normals(spec.ensemble.seed, RngStream::AnnealedCoupling, realization,
                                                nn, static_cast<std::uint32_t>(epoch));
    const double scale = c.g / std::sqrt(static_cast<double>(n));
    const double shift = c.mean / n;
    const double sym = std::sqrt((1.0 + c.symmetry) / 2.0);
    const double anti = std::sqrt((1.0 - c.symmetry) / 2.0);
    std::vector<double> j(nn);
    for (int row = 0; row < n; ++row) {
        for (int col = 0; col < n; ++col) {
            const std::size_t e = static_cast<std::size_t>(row) * n + col;
            const std::size_t t = static_cast<std::size_t>(col) * n + row;
            if (row == col) {
                j[e] = c.zero_diagonal ? 0.0 : shift + scale * z[e];
            } else if (row < col) {
                j[e] = shift + scale * (sym * z[e] + anti * z[t]);
            } else {
                j[e] = shift + scale * (sym * z[t] - anti * z[e]);
            }
        }
    }
    return j;
}

std::vector<double> randomModeCoupling(const EnsembleSpec& spec, std::int64_t realization) {
    const int n = spec.network.n;
    const CouplingSpec& c = spec.coupling;
    const int p = modeCount(c, n);
    const std::size_t np = static_cast<std::size_t>(n) * p;
    const double unit = 1.0 / std::sqrt(static_cast<double>(n));
    std::vector<double> u = normals(spec.ensemble.seed, RngStream::ModeOutput, realization, np);
    const std::vector<double> w = normals(spec.ensemble.seed, RngStream::ModeInput, realization, np);
    const std::vector<double> d = modeSpectrum(c, n);
    const std::vector<double> rho = modeOverlaps(spec, realization);
    std::vector<double> rest(rho.size());
    for (std::size_t a = 0; a < rho.size(); ++a) rest[a] = std::sqrt(1.0 - rho[a] * rho[a]);
    // v_a = rho_a u_a + sqrt(1-rho_a^2) w_a; fold D_a into the input modes: J = U (V D)^T.
    std::vector<double> vd(np);
    for (std::size_t e = 0; e < np; ++e) {
        const std::size_t a = e % static_cast<std::size_t>(p);
        vd[e] = d[a] * unit * (rho[a] * u[e] + rest[a] * w[e]);
    }
    for (double& x : u) x *= unit;
    std::vector<double> j(static_cast<std::size_t>(n) * n);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, p, 1.0, u.data(), p, vd.data(), p, 0.0,
                j.data(), n);
    if (c.zero_diagonal)
        for (int i = 0; i < n; ++i) j[static_cast<std::size_t>(i) * n + i] = 0.0;
    return j;
}

}  // namespace

std::vector<double> couplingMatrix(const EnsembleSpec& spec, std::int64_t realization) {
    return spec.coupling.model == CouplingModel::Iid ? iidCoupling(spec, realization)
                                                     : randomModeCoupling(spec, realization);
}

std::vector<double> couplingMatrix(const EnsembleSpec& spec, std::int64_t realization, std::int64_t epoch) {
    if (epoch == 0) return couplingMatrix(spec, realization);
    if (spec.coupling.model != CouplingModel::Iid)
        throw ConfigError("coupling.disorder", "\"annealed\"",
                          "annealed disorder needs coupling.model = \"iid\"");
    return iidCoupling(spec, realization, epoch);
}

std::vector<double> modeOverlaps(const EnsembleSpec& spec, std::int64_t realization) {
    const CouplingSpec& c = spec.coupling;
    const int p = modeCount(c, spec.network.n);
    std::vector<double> rho(static_cast<std::size_t>(p), c.overlap);
    if (c.overlap_spread == 0.0) return rho;
    for (int block = 0; block < (p + 3) / 4; ++block) {
        const Uint4 bits =
            philoxDraw(spec.ensemble.seed, RngStream::ModeOverlap, static_cast<std::uint64_t>(realization),
                       static_cast<std::uint64_t>(block), 0u);
        for (int k = 0; k < 4 && block * 4 + k < p; ++k)
            rho[static_cast<std::size_t>(block * 4 + k)] =
                c.overlap + c.overlap_spread * (2.0 * uniformFromBits(bits.v[k]) - 1.0);
    }
    return rho;
}

int modeCount(const CouplingSpec& coupling, int n) {
    return std::max(1, static_cast<int>(std::lround(coupling.mode_ratio * n)));
}

std::vector<double> modeSpectrum(const CouplingSpec& coupling, int n) {
    return modeSpectrumValues(coupling.spectrum, modeCount(coupling, n), n, coupling.g,
                              coupling.spectrum_decay, coupling.strong_fraction, coupling.weak_ratio);
}

double couplingEffectiveRank(const CouplingSpec& coupling, int n) {
    if (coupling.model == CouplingModel::Iid) return n;
    const std::vector<double> d = modeSpectrum(coupling, n);
    double s2 = 0.0;
    double s4 = 0.0;
    for (const double x : d) {
        s2 += x * x;
        s4 += x * x * x * x;
    }
    return s4 > 0.0 ? s2 * s2 / s4 : 0.0;
}

}  // namespace quench
