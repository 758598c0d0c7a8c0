// The two coupling ensembles the sampled site knows (site_coupling.hpp).
#include "site_coupling.hpp"

#include <utility>

#include "elliptic_planar.hpp"

namespace quench::theory::detail {

using Complex = std::complex<double>;

SiteCoupling SiteCoupling::partiallySymmetric(double g, double eta) {
    SiteCoupling c;
    c.g2_ = g * g;
    c.eta_ = eta;
    return c;
}

SiteCoupling SiteCoupling::randomMode(RandomModeCoupling modes) {
    SiteCoupling c;
    c.modes_.emplace(std::move(modes));
    return c;
}

Complex SiteCoupling::reaction(Complex u) const {
    return modes_ ? modes_->reaction(u) : eta_ * g2_ * u;
}

double SiteCoupling::fieldGain(Complex u) const {
    return modes_ ? modes_->fieldGain(u) : g2_;
}

std::vector<double> SiteCoupling::responsePower(const std::vector<Complex>& u,
                                                const std::vector<Complex>& z) const {
    if (modes_) return randomModeResponsePower(*modes_, z);
    // The planar traces hold for any u inside the disc |u| < 1/g.
    const Ensemble e{g2_, eta_, 0.0};
    std::vector<double> out;
    out.reserve(u.size());
    for (const Complex v : u) out.push_back(std::real(planarTwoPoint(e, v, std::conj(v))));
    return out;
}

ResponseSums SiteCoupling::responseSums(const std::vector<Cell>& cells) const {
    if (modes_) return randomModeResponseSums(*modes_, cells);
    const Ensemble e{g2_, eta_, 0.0};
    ResponseSums out;
    for (const Cell& f : cells)
        for (const Cell& g : cells) {
            out.phi += phiKernel(e, f, g);
            out.state += stateKernel(e, f, g);
        }
    return out;
}

}  // namespace quench::theory::detail
