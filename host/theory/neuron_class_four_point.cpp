// The two-replica tree level with classes of time constants and gains (neuron_class_four_point.hpp).
#include "neuron_class_four_point.hpp"

#include <algorithm>
#include <complex>
#include <cstddef>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "gain_class_four_point.hpp"
#include "quench/theory/gaussian_average.hpp"

namespace quench::theory::detail {
namespace {

using Complex = std::complex<double>;
constexpr double kPi = 3.14159265358979323846;

// A class of time constant: its filter and x spectrum at the frequency nodes, and the sums over its gain
// classes.
struct Group {
    StepCoefficients step;
    double delta0 = 0.0;         // Var x of the class
    double weight = 0.0;         // p_t
    double gamma2 = 0.0;         // sum_c p_c gamma_c^2 over its gain classes
    double scaled_gamma2 = 0.0;  // sum_c p_c gamma_c^2 / n_c, n_c the class's phi normalizer
    double x_norm = 1.0;         // its x normalizer (Delta_t(0) at equal time, S_x,t(0) at zero frequency)
    std::vector<Complex> filter;
    std::vector<double> s_x;
};

// A (time constant, gain) class: its phi spectrum at the frequency nodes.
struct Member {
    double weight = 0.0, norm = 1.0;
    std::vector<double> s_phi;
};

// Everything that multiplies a function of theta' once theta is fixed.
struct Row {
    std::vector<Complex> w, u, wz, wzx;        // per group: the responses' theta factors
    std::vector<double> xx, xphi, zxx, zxphi;  // per group: x numerators' theta factors
    std::vector<double> phi, zphi, zz;         // per member: phi numerators' theta factors
};

Row rowAt(const std::vector<Group>& groups, const std::vector<Member>& members, std::size_t j, double g2) {
    Row r;
    for (const Group& t : groups) {
        const Complex f = g2 * t.filter[j];
        r.w.push_back(f * t.gamma2);
        r.u.push_back(f * t.weight);
        r.wz.push_back(f * t.scaled_gamma2);
        r.wzx.push_back(f * t.weight / t.x_norm);
        r.xx.push_back(t.weight * t.s_x[j]);
        r.xphi.push_back(t.gamma2 * t.s_x[j]);
        r.zxx.push_back(t.weight * t.s_x[j] / (t.x_norm * t.x_norm));
        r.zxphi.push_back(t.gamma2 * t.s_x[j] / t.x_norm);
    }
    for (const Member& c : members) {
        r.phi.push_back(c.weight * c.s_phi[j]);
        r.zphi.push_back(c.weight * c.s_phi[j] / c.norm);
        r.zz.push_back(c.weight * c.s_phi[j] / (c.norm * c.norm));
    }
    return r;
}

// The four m2 integrands at (theta, theta'): with delta Q = eta / (1 - w) the population's products and each
// variable's products v responding to it by r_v, delta Q_v = r_v delta Q + eta_v,
//   N Var Q_v = |r_v|^2 N_phi / |1 - w|^2 + N_vv + 2 Re(r_v / (1 - w)) N_{v phi}.
struct Integrand {
    double phi = 0.0, x = 0.0, z_phi = 0.0, z_x = 0.0;
};

// At theta' = +-theta_jp (mirrored: -theta_jp, where the filter is conjugated and the spectra are even).
Integrand integrandAt(const Row& r, const std::vector<Group>& groups, const std::vector<Member>& members,
                      std::size_t jp, bool mirrored) {
    Complex w = 0.0, u = 0.0, wz = 0.0, wzx = 0.0;
    double xx = 0.0, xphi = 0.0, zxx = 0.0, zxphi = 0.0;
    for (std::size_t t = 0; t < groups.size(); ++t) {
        const Complex f = mirrored ? groups[t].filter[jp] : std::conj(groups[t].filter[jp]);
        const double s = groups[t].s_x[jp];
        w += r.w[t] * f;
        u += r.u[t] * f;
        wz += r.wz[t] * f;
        wzx += r.wzx[t] * f;
        xx += r.xx[t] * s;
        xphi += r.xphi[t] * s;
        zxx += r.zxx[t] * s;
        zxphi += r.zxphi[t] * s;
    }
    double phi = 0.0, zphi = 0.0, zz = 0.0;
    for (std::size_t c = 0; c < members.size(); ++c) {
        const double s = members[c].s_phi[jp];
        phi += r.phi[c] * s;
        zphi += r.zphi[c] * s;
        zz += r.zz[c] * s;
    }
    const Complex through = 1.0 / (1.0 - w);
    const double kernel = std::norm(through);
    Integrand out;
    out.phi = phi * kernel;
    out.x = std::norm(u) * phi * kernel + xx + 2.0 * std::real(u * through) * xphi;
    out.z_phi = std::norm(wz) * phi * kernel + zz + 2.0 * std::real(wz * through) * zphi;
    out.z_x = std::norm(wzx) * phi * kernel + zxx + 2.0 * std::real(wzx * through) * zxphi;
    return out;
}

// Groups and members with the normalizers of the equal-time statistics (zero_frequency = false: C_c(0),
// Delta_t(0)) or of the zero-frequency ones (S_c(0), S_x,t(0)).
void normalize(std::vector<Group>& groups, std::vector<Member>& members,
               const std::vector<std::size_t>& group_of, const std::vector<NeuronClassPoint>& classes,
               bool zero_frequency) {
    for (Group& t : groups) t.scaled_gamma2 = 0.0;
    for (std::size_t c = 0; c < classes.size(); ++c) {
        members[c].norm = zero_frequency ? members[c].s_phi.front() : classes[c].c_phi.front();
        Group& t = groups[group_of[c]];
        t.scaled_gamma2 += classes[c].weight * classes[c].gamma * classes[c].gamma / members[c].norm;
    }
    for (Group& t : groups) t.x_norm = zero_frequency ? t.s_x.front() : t.delta0;
}

}  // namespace

// The frequency nodes on [0, pi]: node 0 is theta = 0 itself (weight 0: the zero-frequency statistics read
// it), then Gauss-Legendre panels [0, h], [h, 2h], [2h, 4h], ... up to pi, h = pi / lags. The integrands
// vary on the scale of the slowest class's decay near theta = 0 and are analytic away from it, so the
// graded panels reach rounding with a few hundred nodes where a uniform grid needs 4 lags points per axis
// (lags reach thousands once a long time constant's Delta must decay).
FrequencyNodes frequencyNodes(std::size_t lags) {
    constexpr int kPerPanel = 12;
    const GaussLegendreRule rule = gaussLegendreRule(kPerPanel);
    FrequencyNodes out;
    out.theta.push_back(0.0);
    out.weight.push_back(0.0);
    double low = 0.0, high = kPi / static_cast<double>(lags);
    while (low < kPi) {
        for (int i = 0; i < rule.order(); ++i) {
            out.theta.push_back(low + 0.5 * (high - low) * (rule.nodes[i] + 1.0));
            out.weight.push_back(0.5 * (high - low) * rule.weights[i]);
        }
        low = high;
        high = std::min(kPi, 2.0 * high);
    }
    return out;
}

// S(theta) = C(0) + 2 sum_k C(k) cos(k theta) at every node.
std::vector<double> spectrumAt(const std::vector<double>& c, const FrequencyNodes& nodes) {
    std::vector<double> s;
    for (const double theta : nodes.theta) {
        const Complex step = std::polar(1.0, theta);
        Complex phase = 1.0, sum = 0.0;
        for (std::size_t k = 1; k < c.size(); ++k) sum += c[k] * (phase *= step);
        s.push_back(c.front() + 2.0 * sum.real());
    }
    return s;
}

std::vector<Complex> leakFilter(const StepCoefficients& step, const FrequencyNodes& nodes) {
    std::vector<Complex> f;
    for (const double theta : nodes.theta) f.push_back(leakTransfer(step, theta));
    return f;
}

bool sameStep(const StepCoefficients& a, const StepCoefficients& b) {
    return a.decay == b.decay && a.drive_gain == b.drive_gain && a.kick == b.kick;
}

std::vector<NeuronClassPoint> neuronClassPoints(const Activation& phi, const std::vector<GainNode>& gains,
                                                const std::vector<TimeConstantClassSite>& sites) {
    std::vector<NeuronClassPoint> points;
    for (const TimeConstantClassSite& site : sites) {
        const std::vector<GainClassSite> classes = gainClassSites(phi, gains, site.delta);
        for (std::size_t b = 0; b < classes.size(); ++b) {
            const GainClassSite& c = classes[b];
            NeuronClassPoint p;
            p.weight = site.weight * c.weight;
            p.gamma = c.gamma;
            p.gain = gains[b].b;
            p.step = site.step;
            p.delta = site.delta;
            p.c_phi = c.c_phi;
            points.push_back(std::move(p));
        }
    }
    return points;
}

// theta runs over [0, pi] (the summand at (-theta, -theta') is the conjugate of that at (theta, theta'), and
// the m2 integrands are real), theta' over [-pi, pi]; the ET covariance is the mean of the spectrum over
// both.
NeuronClassFourPoint neuronClassFourPoint(const std::vector<NeuronClassPoint>& classes, double g, double dt) {
    if (classes.empty()) throw std::domain_error("neuronClassFourPoint: no classes");
    const std::size_t lags = classes.front().delta.size();
    const bool shared_lags =
        lags >= 2 && std::all_of(classes.begin(), classes.end(), [lags](const NeuronClassPoint& c) {
            return c.delta.size() == lags && c.c_phi.size() == lags;
        });
    if (!shared_lags) throw std::domain_error("neuronClassFourPoint: the classes' lags differ");
    const double g2 = g * g;
    const double response = std::accumulate(
        classes.begin(), classes.end(), 0.0,
        [](double sum, const NeuronClassPoint& c) { return sum + c.weight * c.gamma * c.gamma; });
    if (!(g2 * response < 1.0))
        throw std::domain_error("neuronClassFourPoint: g^2 E_c gamma_c^2 = " + std::to_string(g2 * response) +
                                " leaves the linear-response network without a stationary state");

    const FrequencyNodes nodes = frequencyNodes(lags);
    const auto spectrum = [&nodes](const std::vector<double>& c) { return spectrumAt(c, nodes); };
    std::vector<Group> groups;
    std::vector<Member> members;
    std::vector<std::size_t> group_of;
    for (const NeuronClassPoint& c : classes) {
        std::size_t t = 0;
        while (t < groups.size() && !sameStep(groups[t].step, c.step)) ++t;
        if (t == groups.size()) {
            Group fresh;
            fresh.step = c.step;
            fresh.delta0 = c.delta.front();
            fresh.filter = leakFilter(c.step, nodes);
            fresh.s_x = spectrum(c.delta);
            groups.push_back(std::move(fresh));
        }
        groups[t].weight += c.weight;
        groups[t].gamma2 += c.weight * c.gamma * c.gamma;
        group_of.push_back(t);
        members.push_back({c.weight, 1.0, spectrum(c.c_phi)});
    }

    NeuronClassFourPoint out;
    double a_phi = 0.0, a_x = 0.0, phi_square = 0.0, x_square = 0.0;
    for (const NeuronClassPoint& c : classes) {
        a_phi += c.weight * c.c_phi.front();
        phi_square += c.weight * c.c_phi.front() * c.c_phi.front();
    }
    for (const Group& t : groups) {
        a_x += t.weight * t.delta0;
        x_square += t.weight * t.delta0 * t.delta0;
    }

    normalize(groups, members, group_of, classes, false);
    Integrand sum;
    for (std::size_t j = 1; j < nodes.theta.size(); ++j) {
        const Row r = rowAt(groups, members, j, g2);
        for (std::size_t jp = 1; jp < nodes.theta.size(); ++jp)
            for (const bool mirrored : {false, true}) {
                const Integrand v = integrandAt(r, groups, members, jp, mirrored);
                const double weight = nodes.weight[j] * nodes.weight[jp];
                sum.phi += weight * v.phi;
                sum.x += weight * v.x;
                sum.z_phi += weight * v.z_phi;
                sum.z_x += weight * v.z_x;
            }
    }
    const double points = 2.0 * kPi * kPi;  // (2 pi)^2 over the factor 2 of theta >= 0
    out.equal_time.phi = fourPointFromMoments(a_phi, phi_square, sum.phi / points);
    out.equal_time.x = fourPointFromMoments(a_x, x_square, sum.x / points);
    out.equal_time.phi_z_m2 = sum.z_phi / points;
    out.equal_time.x_z_m2 = sum.z_x / points;

    normalize(groups, members, group_of, classes, true);
    const Integrand zero = integrandAt(rowAt(groups, members, 0, g2), groups, members, 0, false);
    double zf_phi = 0.0, zf_phi_square = 0.0, zf_x = 0.0, zf_x_square = 0.0;
    for (const Member& c : members) {
        zf_phi += c.weight * c.s_phi.front();
        zf_phi_square += c.weight * c.s_phi.front() * c.s_phi.front();
    }
    for (const Group& t : groups) {
        zf_x += t.weight * t.s_x.front();
        zf_x_square += t.weight * t.s_x.front() * t.s_x.front();
    }
    out.zero_frequency.phi = fourPointFromMoments(dt * zf_phi, dt * dt * zf_phi_square, dt * dt * zero.phi);
    out.zero_frequency.x = fourPointFromMoments(dt * zf_x, dt * dt * zf_x_square, dt * dt * zero.x);
    out.zero_frequency.phi_z_m2 = zero.z_phi;
    out.zero_frequency.x_z_m2 = zero.z_x;
    return out;
}

}  // namespace quench::theory::detail
