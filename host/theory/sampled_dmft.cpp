// The DMFT of networks with a reaction term (partially symmetric J; random-mode J with mode overlap) solved
// by sampling its single site (sampled_dmft.hpp; the method, its checks and its errors:
// docs/theory/sampled_dmft.md, sections 2 and 8).
//
// One iteration, given C_phi(k) for lags k < L and chi(k) for k < M:
//   1. the field with spectrum G S_phi (G = g^2 for partially symmetric J; SiteCoupling) by circulant
//      embedding, two trajectories per complex FFT;
//   2. the simulator's site recursion x' = decay x + drive (field + rho [+ zeta]) [+ kick eps] with the
//      reaction rho_n = sum_{k=0}^{M-1} K(k) phi_{n-k} (K = eta g^2 chi, or the mode loops' kernel): within
//      the current block of steps summed directly, from before it by two matrix products over a batch of
//      trajectories (every lag up to 2 time units exactly, further back K averaged over cells of c steps,
//      c dt <= 0.16, against the cells' sums of phi);
//   3. the response chi from tangents (the pathwise derivative of phi with respect to a unit input), or for a
//      phi' unbounded at 0 from Novikov's theorem on the noise;
//   4. C_phi, Delta and the residual r = phi - chi * u (u the site's whole Gaussian input) by zero-padded
//      FFT, and the resolved update S_phi = (|chi|^2 S_n + S_r) / (1 - G |chi|^2).
#include "quench/theory/sampled_dmft.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <complex>
#include <cstddef>
#include <exception>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <cblas.h>
#include <fftw3.h>

#include "../step_coefficients.hpp"
#include "fftw_transforms.hpp"
#include "linear_equivalence_closure.hpp"
#include "quench/rng.hpp"
#include "quench/theory/linear_theory.hpp"
#include "quench/theory/partial_symmetry_dmft.hpp"
#include "quench/theory/random_mode_overlap_closure.hpp"
#include "quench/theory/random_mode_theory.hpp"
#include "random_mode_spec.hpp"
#include "sampled_four_point.hpp"
#include "site_coupling.hpp"

namespace quench::theory {
namespace {

using detail::ComplexTransform;
using detail::nextPowerOfTwo;
using detail::RealTransforms;

constexpr double kPi = 3.14159265358979323846;

// The site recursion of the simulator (stepCoefficients) for this noise model and discretization.
StepCoefficients siteRecursion(double sigma, double noise_tau, double dt, IntegrationMethod method) {
    EnsembleSpec spec;
    spec.integration.dt = dt;
    spec.integration.method = method;
    spec.noise.sigma = sigma;
    spec.noise.tau = noise_tau;
    return stepCoefficients(spec);
}

struct Layout {
    int lags = 0;    // L: C_phi, Delta and chi are kept for k < L (the field uses all of C_phi)
    int memory = 0;  // the reaction sums chi(k) for 1 <= k < memory (<= L)
    int cell = 1;    // c: steps per coarse cell of the distant reaction (divides block)
    int fine = 0;    // W_f: steps before a block whose lags are summed exactly (a multiple of cell)
    int cells = 0;   // coarse cells before those (0: the fine part reaches the whole memory)
    int burn = 0;    // steps dropped at the start of each trajectory (the reaction's memory fills)
    int kept = 0;    // steps whose statistics are kept
    int length = 0;  // burn + kept
    int block = 0;   // steps per reaction block (a multiple of cell)
    int batch = 0;   // trajectories integrated together (even)
};

// What one iteration estimates, normalized.
struct Estimate {
    std::vector<double> c_phi, delta;
    std::vector<double>
        c_residual;           // autocovariance of r = phi - chi * u (u: the site's whole Gaussian input)
    std::vector<double> chi;  // the response chi(k), k < L (zero from the memory M on when pathwise)
    double gamma = 0.0;
    long long steps = 0;  // kept site steps
};

// Sums over the trajectories of one batch: the cross spectra of the kept steps (their inverse transform is
// the sum of the correlations, zero padding keeping the lags < L free of wrap-around), E phi' on every
// tenth kept step.
struct BatchSums {
    std::vector<std::complex<double>> phi_phi, x_x, r_r;  // r: the residual phi - chi * u
    std::vector<std::complex<double>> phi_noise;          // Novikov only
    std::vector<double> response;                         // pathwise only: sum of delta phi per lag
    long long segments = 0;                               // tangent segments in response
    double derivative = 0.0;
    long long derivative_count = 0;
};

// The pathwise derivative needs a bounded phi': a power law (phi' ~ |x|^(alpha - 1)) takes the noise route.
bool pathwiseResponse(const Activation& phi) {
    return phi.kind != ActivationKind::PowerLaw;
}

// Mean and standard error of a sequence of iteration estimates. Successive iterations share the damped
// C and chi (a memory of about 1 / damping = 4 iterations), so the plain error is widened: the larger of the
// error widened by sqrt((1 + r) / (1 - r)) for the lag-1 correlation r (clipped to [0, 0.9]) and the error
// of the means of blocks of 4 consecutive iterations (when there are at least 4 blocks).
SampledValue meanWithError(const std::vector<double>& v) {
    SampledValue out;
    const double n = static_cast<double>(v.size());
    for (const double x : v) out.value += x / n;
    if (v.size() < 2) return out;
    double var = 0.0, cov = 0.0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        var += (v[i] - out.value) * (v[i] - out.value);
        if (i > 0) cov += (v[i] - out.value) * (v[i - 1] - out.value);
    }
    const double r = var > 0.0 ? std::clamp(cov / var, 0.0, 0.9) : 0.0;
    out.se = std::sqrt(var / (n - 1.0) / n * (1.0 + r) / (1.0 - r));
    const std::size_t per_block = 4, blocks = v.size() / per_block;
    if (blocks < 4) return out;
    double block_var = 0.0;
    for (std::size_t b = 0; b < blocks; ++b) {
        double mean = 0.0;
        for (std::size_t i = b * per_block; i < (b + 1) * per_block; ++i)
            mean += v[i] / static_cast<double>(per_block);
        block_var += (mean - out.value) * (mean - out.value) / static_cast<double>(blocks - 1);
    }
    out.se = std::max(out.se, std::sqrt(block_var / static_cast<double>(blocks)));
    return out;
}

double zeroFrequencyPower(const std::vector<double>& c, double dt) {
    double s = c.front();
    for (std::size_t k = 1; k < c.size(); ++k) s += 2.0 * c[k];
    return s * dt;
}

// chi(k), k = 0..L-1, from E[phi_{n+k} eps_n] (see the top of the file).
std::vector<double> responseFromNoiseCorrelation(const std::vector<double>& phi_noise,
                                                 const StepCoefficients& step) {
    const std::size_t lags = phi_noise.size() - 1;
    std::vector<double> chi(lags, 0.0);
    if (!step.colored) {
        for (std::size_t k = 1; k < lags; ++k) chi[k] = step.drive_gain / step.kick * phi_noise[k];
        return chi;
    }
    for (std::size_t k = 1; k < lags; ++k)
        chi[k] = (phi_noise[k + 1] - step.ou_decay * phi_noise[k]) / step.ou_kick;
    return chi;
}

// What every batch of one iteration reads: the field's circulant amplitudes and the reaction.
struct IterationInput {
    std::vector<double> amplitude;                   // sqrt(lambda_j / P)
    std::vector<double> kernel;                      // the reaction kernel K(k), k < memory (K(0): same step)
    std::vector<double> fine_reaction;               // block x fine, see fineReaction
    std::vector<double> coarse_reaction;             // block x cells, see coarseReaction
    std::vector<std::complex<double>> chi_spectrum;  // FFT of chi (zero-padded to the convolution length)
    double delta0 = 0.0;                             // Var x of the initial states
    int iteration = 0;
};

// The trajectories of one batch: one per thread, with its own FFT plans and buffers.
class BatchSampler {
public:
    BatchSampler(const Activation& phi, const StepCoefficients& step, const Layout& layout,
                 std::size_t field_period, std::size_t stats_length, std::size_t convolution_length,
                 std::uint64_t seed)
        : activation_(phi),
          pathwise_(pathwiseResponse(phi)),
          step_(step),
          layout_(layout),
          seed_(seed),
          field_fft_(field_period),
          stats_fft_(stats_length),
          convolution_fft_(convolution_length) {
        const std::size_t cells = static_cast<std::size_t>(layout.length) * layout.batch;
        field_.resize(cells);
        noise_.resize(cells);
        x_.resize(cells);
        input_.resize(cells);
        residual_.resize(cells);
        phi_.resize(layout, layout.batch);
        rho_.resize(static_cast<std::size_t>(layout.block) * layout.batch);
        zeta_.resize(static_cast<std::size_t>(layout.batch));
        if (pathwise_) {
            tangent_.resize(layout, 2 * layout.batch);
            tangent_rho_.resize(static_cast<std::size_t>(layout.block) * tangent_.width);
            tangent_x_.resize(static_cast<std::size_t>(tangent_.width));
        }
    }

    BatchSums run(const IterationInput& in, int first, int count) {
        sampleFields(in, first, count);
        integrate(in, first, count);
        return sums(in, count);
    }

private:
    std::size_t columns() const { return static_cast<std::size_t>(layout_.batch); }

    // Standard normals for (iteration, purpose, trajectory), positions [0, n): four per Philox counter.
    void normals(int iteration, int purpose, int trajectory, std::size_t n, double* out) const {
        float four[4];
        for (std::size_t i = 0; i < n; i += 4) {
            normal4(seed_, RngStream::TheorySampling, static_cast<std::uint64_t>(iteration) * 2u + purpose,
                    i / 4, static_cast<std::uint32_t>(trajectory), four);
            for (std::size_t j = 0; j < 4 && i + j < n; ++j) out[i + j] = four[j];
        }
    }

    // Two trajectories per transform: y = FFT(a w), w complex standard normal, has real and imaginary
    // parts that are independent with covariance g^2 C_phi (circulant) each.
    void sampleFields(const IterationInput& in, int first, int count) {
        const std::size_t p = field_fft_.size(), length = static_cast<std::size_t>(layout_.length);
        white_.resize(2 * p);
        for (int m = 0; m < count; m += 2) {
            normals(in.iteration, 0, first + m, 2 * p, white_.data());
            std::complex<double>* z = field_fft_.data();
            for (std::size_t j = 0; j < p; ++j)
                z[j] = in.amplitude[j] * std::complex<double>(white_[2 * j], white_[2 * j + 1]);
            field_fft_.run();
            for (std::size_t n = 0; n < length; ++n) {
                field_[n * columns() + m] = z[n].real();
                if (m + 1 < count) field_[n * columns() + m + 1] = z[n].imag();
            }
        }
    }

    // A signal whose past drives the reaction: its values (length x width, row n = step n) and the sums of
    // its values over the cells of c steps.
    struct History {
        std::vector<double> values, cells;
        int width = 0;
        void resize(const Layout& layout, int w) {
            width = w;
            values.assign(static_cast<std::size_t>(layout.length) * w, 0.0);
            cells.assign(static_cast<std::size_t>(layout.length / layout.cell + 1) * w, 0.0);
        }
        double* row(int n) { return values.data() + static_cast<std::size_t>(n) * width; }
    };

    // rho (rows x width) = the reaction on the block [s, s + rows) from the steps before it.
    void reactionBeforeBlock(const IterationInput& in, History& h, int s, int rows, double* rho) const {
        const int ld = h.width;
        std::fill(rho, rho + static_cast<std::size_t>(rows) * ld, 0.0);
        const int reach = std::min(s, layout_.fine);
        if (reach > 0)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, ld, reach, 1.0,
                        in.fine_reaction.data() + (layout_.fine - reach), layout_.fine, h.row(s - reach), ld,
                        1.0, rho, ld);
        const int cell_end = (s - layout_.fine) / layout_.cell;  // cells wholly before the fine steps
        const int cell_reach = std::min(cell_end, layout_.cells);
        if (cell_reach > 0)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, ld, cell_reach, 1.0,
                        in.coarse_reaction.data() + (layout_.cells - cell_reach), layout_.cells,
                        h.cells.data() + static_cast<std::size_t>(cell_end - cell_reach) * ld, ld, 1.0, rho,
                        ld);
    }

    // Adds the reaction on step n from the steps of its own block up to it (lags < block, exact; lag 0 is
    // the mean self-coupling of random-mode couplings with overlap, 0 otherwise).
    void reactionWithinBlock(const std::vector<double>& kernel, History& h, int n, int block_start,
                             double* rho) const {
        for (int i = std::max(block_start, n - layout_.memory + 1); i <= n; ++i) {
            const double c = kernel[static_cast<std::size_t>(n - i)];
            if (c == 0.0) continue;
            const double* v = h.row(i);
            for (int m = 0; m < h.width; ++m) rho[m] += c * v[m];
        }
    }

    // The cell sums of the cells that lie in [s, s + rows) (s and block are multiples of c).
    void sumCells(History& h, int s, int rows) const {
        for (int j = s / layout_.cell; (j + 1) * layout_.cell <= s + rows; ++j) {
            double* sum = h.cells.data() + static_cast<std::size_t>(j) * h.width;
            std::fill(sum, sum + h.width, 0.0);
            for (int i = j * layout_.cell; i < (j + 1) * layout_.cell; ++i) {
                const double* v = h.row(i);
                for (int m = 0; m < h.width; ++m) sum[m] += v[m];
            }
        }
    }

    void integrate(const IterationInput& in, int first, int count) {
        const std::size_t length = static_cast<std::size_t>(layout_.length), cols = columns();
        column_.resize(length + 2);
        const double ou_std =
            step_.colored ? step_.ou_kick / std::sqrt(1.0 - step_.ou_decay * step_.ou_decay) : 0.0;
        std::fill(x_.begin(), x_.end(), 0.0);
        for (int m = 0; m < count; ++m) {
            normals(in.iteration, 1, first + m, length + 2, column_.data());
            for (std::size_t n = 0; n < length; ++n) noise_[n * cols + m] = column_[n];
            x_[m] = std::sqrt(in.delta0) * column_[length];
            zeta_[m] = ou_std * column_[length + 1];
        }
        phi_.values.assign(phi_.values.size(), 0.0);
        for (std::size_t m = 0; m < cols; ++m) phi_.values[m] = activation_.value(x_[m]);
        if (pathwise_) {
            std::fill(tangent_.values.begin(), tangent_.values.end(), 0.0);
            std::fill(tangent_x_.begin(), tangent_x_.end(), 0.0);
        }
        for (int s = 0; s < layout_.length; s += layout_.block) {
            const int rows = std::min(layout_.block, layout_.length - s);
            reactionBeforeBlock(in, phi_, s, rows, rho_.data());
            if (pathwise_) reactionBeforeBlock(in, tangent_, s, rows, tangent_rho_.data());
            for (int n = s; n < s + rows; ++n) {
                double* rho = rho_.data() + static_cast<std::size_t>(n - s) * cols;
                reactionWithinBlock(in.kernel, phi_, n, s, rho);
                if (n + 1 < layout_.length) advance(n, count, rho);
                if (!pathwise_) continue;
                double* tangent_rho = tangent_rho_.data() + static_cast<std::size_t>(n - s) * tangent_.width;
                reactionWithinBlock(in.kernel, tangent_, n, s, tangent_rho);
                if (n + 1 < layout_.length) advanceTangents(n, tangent_rho);
            }
            sumCells(phi_, s, rows);
            if (pathwise_) sumCells(tangent_, s, rows);
        }
    }

    // Step n -> n + 1 of every trajectory of the batch; rho holds its whole reaction.
    void advance(int n, int count, const double* rho) {
        const std::size_t cols = columns();
        const double* x = x_.data() + static_cast<std::size_t>(n) * cols;
        const double* f = field_.data() + static_cast<std::size_t>(n) * cols;
        const double* eps = noise_.data() + static_cast<std::size_t>(n) * cols;
        double* x_next = x_.data() + static_cast<std::size_t>(n + 1) * cols;
        double* phi_next = phi_.row(n + 1);
        double* u = input_.data() + static_cast<std::size_t>(n) * cols;
        const double white = step_.colored ? 0.0 : step_.kick / step_.drive_gain;
        for (int m = 0; m < count; ++m) {
            const double h = f[m] + rho[m];
            u[m] = f[m] + (step_.colored ? zeta_[m] : white * eps[m]);
            double next;
            if (step_.colored) {
                next = step_.decay * x[m] + step_.drive_gain * (h + zeta_[m]);
                zeta_[m] = step_.ou_decay * zeta_[m] + step_.ou_kick * eps[m];
            } else {
                next = step_.decay * x[m] + step_.drive_gain * h + step_.kick * eps[m];
            }
            if (!std::isfinite(next) || std::fabs(next) > 1e6)
                throw std::runtime_error("sampled DMFT: a site diverged at step " + std::to_string(n + 1) +
                                         " (x = " + std::to_string(next) + "): no stationary state");
            x_next[m] = next;
        }
        for (int m = 0; m < count; ++m) phi_next[m] = activation_.value(x_next[m]);
    }

    // The tangent phase of step n: -1 before the first impulse, else the steps since the last one (an
    // impulse every 2 M steps; tangent column set 0 starts at the burn-in's end, set 1 M steps later, so
    // that every step is inside the M-step response of one of them and a tangent's own history is zero
    // again when its next impulse comes).
    int tangentPhase(int n, int set) const {
        const int q = n - layout_.burn - set * layout_.memory;
        return q < 0 ? -1 : q % (2 * layout_.memory);
    }

    // delta x' = decay delta x + drive (impulse + sum_k K(k) delta phi), delta phi = phi'(x) delta x: the
    // derivative of the trajectory with respect to a unit input h_n0 held over step n0.
    void advanceTangents(int n, const double* rho) {
        const std::size_t cols = columns();
        const double* x_next = x_.data() + static_cast<std::size_t>(n + 1) * cols;
        const double* phi_next = phi_.row(n + 1);
        derivative_.resize(cols);
        const bool tanh = activation_.kind == ActivationKind::Tanh;  // phi' = 1 - phi^2: no second tanh
        for (std::size_t m = 0; m < cols; ++m)
            derivative_[m] = tanh ? 1.0 - phi_next[m] * phi_next[m] : activation_.derivative(x_next[m]);
        double* out = tangent_.row(n + 1);
        for (int set = 0; set < 2; ++set) {
            const int phase = tangentPhase(n, set);
            double* dx = tangent_x_.data() + static_cast<std::size_t>(set) * cols;
            const double* r = rho + static_cast<std::size_t>(set) * cols;
            double* dphi = out + static_cast<std::size_t>(set) * cols;
            for (std::size_t m = 0; m < cols; ++m) {
                if (phase < 0 || phase >= layout_.memory)
                    dx[m] = 0.0;
                else if (phase == 0)
                    dx[m] = step_.drive_gain;
                else
                    dx[m] = step_.decay * dx[m] + step_.drive_gain * r[m];
                dphi[m] = derivative_[m] * dx[m];
            }
        }
    }

    // The spectrum of column m of v over the kept steps, zero-padded.
    const std::complex<double>* spectrumOf(const std::vector<double>& v, int m) {
        const std::size_t q = stats_fft_.size(), kept = static_cast<std::size_t>(layout_.kept),
                          burn = static_cast<std::size_t>(layout_.burn), cols = columns();
        double* r = stats_fft_.real();
        for (std::size_t n = 0; n < kept; ++n) r[n] = v[(burn + n) * cols + m];
        std::fill(r + kept, r + q, 0.0);
        stats_fft_.forward();
        return stats_fft_.spectrum();
    }

    // Column m of residual_ on the kept steps: phi_n - sum_{k >= 1} chi(k) u_{n - k}, the convolution by FFT
    // over the whole trajectory (u before the kept steps included; the padding keeps it from wrapping).
    void residualOf(const IterationInput& in, int m) {
        const std::size_t q = convolution_fft_.size(), length = static_cast<std::size_t>(layout_.length),
                          cols = columns();
        double* r = convolution_fft_.real();
        for (std::size_t n = 0; n < length; ++n) r[n] = input_[n * cols + m];
        std::fill(r + length, r + q, 0.0);
        convolution_fft_.forward();
        std::complex<double>* z = convolution_fft_.spectrum();
        for (std::size_t j = 0; j <= q / 2; ++j) z[j] *= in.chi_spectrum[j];
        convolution_fft_.backward();
        for (std::size_t n = static_cast<std::size_t>(layout_.burn); n < length; ++n)
            residual_[n * cols + m] = phi_.values[n * cols + m] - r[n] / static_cast<double>(q);
    }

    BatchSums sums(const IterationInput& in, int count) {
        const std::size_t bins = stats_fft_.size() / 2 + 1, cols = columns();
        BatchSums out;
        out.phi_phi.assign(bins, 0.0);
        out.x_x.assign(bins, 0.0);
        out.r_r.assign(bins, 0.0);
        phi_spectrum_.resize(bins);
        if (!pathwise_) out.phi_noise.assign(bins, 0.0);
        for (int m = 0; m < count; ++m) {
            const std::complex<double>* s = spectrumOf(phi_.values, m);
            std::copy(s, s + bins, phi_spectrum_.begin());
            for (std::size_t j = 0; j < bins; ++j) out.phi_phi[j] += std::norm(phi_spectrum_[j]);
            s = spectrumOf(x_, m);
            for (std::size_t j = 0; j < bins; ++j) out.x_x[j] += std::norm(s[j]);
            residualOf(in, m);
            s = spectrumOf(residual_, m);
            for (std::size_t j = 0; j < bins; ++j) out.r_r[j] += std::norm(s[j]);
            if (!pathwise_) {
                s = spectrumOf(noise_, m);
                for (std::size_t j = 0; j < bins; ++j) out.phi_noise[j] += phi_spectrum_[j] * std::conj(s[j]);
            }
            for (int n = layout_.burn; n < layout_.length; n += 10) {
                out.derivative += activation_.derivative(x_[static_cast<std::size_t>(n) * cols + m]);
                ++out.derivative_count;
            }
        }
        if (pathwise_) sumResponses(count, out);
        return out;
    }

    // Every completed tangent segment: delta phi at lags 1..M-1 after its impulse.
    void sumResponses(int count, BatchSums& out) {
        const std::size_t cols = columns();
        out.response.assign(static_cast<std::size_t>(layout_.memory), 0.0);
        for (int set = 0; set < 2; ++set)
            for (int n0 = layout_.burn + set * layout_.memory; n0 + layout_.memory <= layout_.length;
                 n0 += 2 * layout_.memory) {
                for (int k = 1; k < layout_.memory; ++k) {
                    const double* dphi = tangent_.row(n0 + k) + static_cast<std::size_t>(set) * cols;
                    for (int m = 0; m < count; ++m) out.response[static_cast<std::size_t>(k)] += dphi[m];
                }
                out.segments += count;
            }
    }

    const Activation& activation_;
    bool pathwise_;  // the response from tangents (smooth phi); else from the noise (Novikov)
    StepCoefficients step_;
    Layout layout_;
    std::uint64_t seed_;
    ComplexTransform field_fft_;
    RealTransforms stats_fft_;
    RealTransforms convolution_fft_;
    std::vector<double> field_, noise_, x_, input_, residual_, rho_, zeta_, white_, column_;
    History phi_;      // phi of the trajectories
    History tangent_;  // delta phi of the tangents: set 0 in columns [0, batch), set 1 after
    std::vector<double> tangent_rho_, tangent_x_, derivative_;
    std::vector<std::complex<double>> phi_spectrum_;
};

double kernelAt(const std::vector<double>& kernel, int lag, const Layout& layout) {
    return lag >= 1 && lag < layout.memory ? kernel[static_cast<std::size_t>(lag)] : 0.0;
}

// F[r][q] = K(r + W_f - q): row r is step s + r of a block, column q the step s - W_f + q before it.
std::vector<double> fineReaction(const std::vector<double>& kernel, const Layout& layout) {
    std::vector<double> h(static_cast<std::size_t>(layout.block) * layout.fine);
    for (int r = 0; r < layout.block; ++r)
        for (int q = 0; q < layout.fine; ++q)
            h[static_cast<std::size_t>(r) * layout.fine + q] = kernelAt(kernel, r + layout.fine - q, layout);
    return h;
}

// G[r][q]: the mean of K over the lags from row r to the c steps of cell q, the cell that ends
// W_f + (cells - 1 - q) c steps before the block.
std::vector<double> coarseReaction(const std::vector<double>& kernel, const Layout& layout) {
    std::vector<double> h(static_cast<std::size_t>(layout.block) * layout.cells);
    for (int r = 0; r < layout.block; ++r)
        for (int q = 0; q < layout.cells; ++q) {
            const int nearest = r + layout.fine + (layout.cells - 1 - q) * layout.cell + 1;
            double sum = 0.0;
            for (int i = 0; i < layout.cell; ++i) sum += kernelAt(kernel, nearest + i, layout);
            h[static_cast<std::size_t>(r) * layout.cells + q] = sum / layout.cell;
        }
    return h;
}

using detail::SiteCoupling;

// chi_hat on the p-point DFT grid of fft (theta_j = 2 pi j / p), from chi(k), 1 <= k < memory.
std::vector<std::complex<double>> responseSpectrum(const std::vector<double>& chi, int memory,
                                                   ComplexTransform& fft) {
    const std::size_t p = fft.size();
    std::complex<double>* z = fft.data();
    for (std::size_t k = 0; k < p; ++k) z[k] = k > 0 && k < static_cast<std::size_t>(memory) ? chi[k] : 0.0;
    fft.run();
    return std::vector<std::complex<double>>(z, z + p);
}

// K(k), k < memory. Partially symmetric: eta g^2 chi(k) (K(0) = 0). Random-mode: K_hat on a DFT grid eight
// times the memory (K decays like chi: each loop is a convolution with rho_a D_a chi, |rho_a D_a chi_hat| < 1
// where the network is stable), back to lags.
std::vector<double> reactionKernel(const SiteCoupling& coupling, const std::vector<double>& chi, int memory) {
    std::vector<double> kernel(static_cast<std::size_t>(memory), 0.0);
    if (coupling.reactionFollowsResponse()) {
        for (int k = 1; k < memory; ++k) kernel[k] = coupling.reactionPerResponse() * chi[k];
        return kernel;
    }
    ComplexTransform fft(nextPowerOfTwo(static_cast<std::size_t>(8 * memory)));
    const std::vector<std::complex<double>> chi_hat = responseSpectrum(chi, memory, fft);
    std::complex<double>* z = fft.data();
    for (std::size_t j = 0; j < fft.size(); ++j) z[j] = std::conj(coupling.reaction(chi_hat[j]));
    fft.run();  // K is real: the forward transform of conj(K_hat) is p K(k)
    for (int k = 0; k < memory; ++k) kernel[k] = z[k].real() / static_cast<double>(fft.size());
    return kernel;
}

// sqrt(lambda_j / P) of the circulant embedding of the field's covariance, G(theta_j) times the eigenvalues
// of C_phi's (negative eigenvalues of the truncated sequence, a small effect of the cut at L, are set to
// zero).
std::vector<double> fieldAmplitudes(const std::vector<double>& c_phi, const std::vector<double>& chi,
                                    int memory, const SiteCoupling& coupling, ComplexTransform& fft) {
    const std::size_t p = fft.size();
    std::vector<std::complex<double>> chi_hat;
    if (!coupling.reactionFollowsResponse()) chi_hat = responseSpectrum(chi, memory, fft);
    std::complex<double>* z = fft.data();
    for (std::size_t k = 0; k < p; ++k) {
        const std::size_t lag = std::min(k, p - k);
        z[k] = lag < c_phi.size() ? c_phi[lag] : 0.0;
    }
    fft.run();
    std::vector<double> a(p);
    for (std::size_t j = 0; j < p; ++j) {
        // Partially symmetric J: G = g^2 whatever the response.
        const double gain = chi_hat.empty() ? coupling.fieldGain(0.0) : coupling.fieldGain(chi_hat[j]);
        a[j] = std::sqrt(std::max(0.0, gain * z[j].real()) / static_cast<double>(p));
    }
    return a;
}

// Samples one iteration on all hardware threads. Batches are fixed sets of trajectories and their sums
// are added in batch order, so the estimate does not depend on the thread count.
class SiteSampler {
public:
    SiteSampler(const Activation& phi, const SiteCoupling& coupling, const StepCoefficients& step,
                const Layout& layout, std::uint64_t seed)
        : coupling_(coupling),
          step_(step),
          layout_(layout),
          field_period_(nextPowerOfTwo(static_cast<std::size_t>(layout.length + layout.lags))),
          stats_fft_(nextPowerOfTwo(static_cast<std::size_t>(layout.kept + layout.lags + 2))),
          spectrum_fft_(field_period_),
          chi_fft_(nextPowerOfTwo(static_cast<std::size_t>(layout.length + layout.memory))) {
        const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
        for (unsigned t = 0; t < threads; ++t)
            workers_.push_back(std::make_unique<BatchSampler>(phi, step, layout, field_period_,
                                                              stats_fft_.size(), chi_fft_.size(), seed));
    }

    Estimate sample(const std::vector<double>& c_phi, const std::vector<double>& chi, double delta0,
                    int trajectories, int iteration) {
        IterationInput in;
        in.amplitude = fieldAmplitudes(c_phi, chi, layout_.memory, coupling_, spectrum_fft_);
        in.kernel = reactionKernel(coupling_, chi, layout_.memory);
        in.fine_reaction = fineReaction(in.kernel, layout_);
        in.coarse_reaction = coarseReaction(in.kernel, layout_);
        in.chi_spectrum = chiSpectrum(chi);
        in.delta0 = delta0;
        in.iteration = iteration;
        const int batches = (trajectories + layout_.batch - 1) / layout_.batch;
        std::vector<BatchSums> sums(static_cast<std::size_t>(batches));
        std::atomic<int> next{0};
        std::exception_ptr failure;
        std::mutex failure_lock;
        auto work = [&](BatchSampler& sampler) {
            for (int b = next++; b < batches; b = next++) {
                try {
                    const int first = b * layout_.batch;
                    sums[static_cast<std::size_t>(b)] =
                        sampler.run(in, first, std::min(layout_.batch, trajectories - first));
                } catch (...) {
                    const std::lock_guard<std::mutex> guard(failure_lock);
                    if (!failure) failure = std::current_exception();
                    next = batches;
                }
            }
        };
        std::vector<std::thread> pool;
        for (std::size_t t = 1; t < workers_.size(); ++t) pool.emplace_back(work, std::ref(*workers_[t]));
        work(*workers_.front());
        for (std::thread& t : pool) t.join();
        if (failure) std::rethrow_exception(failure);
        return combine(sums, trajectories);
    }

private:
    // Correlations from the summed spectra; lag k has (kept - k) pairs per trajectory.
    std::vector<double> correlation(const std::vector<BatchSums>& sums,
                                    std::vector<std::complex<double>> BatchSums::*field, std::size_t lags,
                                    int trajectories) {
        const std::size_t q = stats_fft_.size();
        std::complex<double>* s = stats_fft_.spectrum();
        std::fill(s, s + q / 2 + 1, 0.0);
        for (const BatchSums& b : sums)
            for (std::size_t j = 0; j <= q / 2; ++j) s[j] += (b.*field)[j];
        stats_fft_.backward();
        std::vector<double> c(lags);
        for (std::size_t k = 0; k < lags; ++k)
            c[k] =
                stats_fft_.real()[k] / static_cast<double>(q) /
                (static_cast<double>(trajectories) * static_cast<double>(layout_.kept - static_cast<int>(k)));
        return c;
    }

    // The FFT of chi(k), 1 <= k < M, zero-padded to the convolution length.
    std::vector<std::complex<double>> chiSpectrum(const std::vector<double>& chi) {
        const std::size_t q = chi_fft_.size();
        double* r = chi_fft_.real();
        std::fill(r, r + q, 0.0);
        for (int k = 1; k < layout_.memory; ++k) r[k] = chi[static_cast<std::size_t>(k)];
        chi_fft_.forward();
        return std::vector<std::complex<double>>(chi_fft_.spectrum(), chi_fft_.spectrum() + q / 2 + 1);
    }

    Estimate combine(const std::vector<BatchSums>& sums, int trajectories) {
        const std::size_t lags = static_cast<std::size_t>(layout_.lags);
        Estimate e;
        e.c_phi = correlation(sums, &BatchSums::phi_phi, lags, trajectories);
        e.delta = correlation(sums, &BatchSums::x_x, lags, trajectories);
        e.c_residual = correlation(sums, &BatchSums::r_r, lags, trajectories);
        if (sums.front().phi_noise.empty()) {
            e.chi.assign(lags, 0.0);
            long long segments = 0;
            for (const BatchSums& b : sums) {
                segments += b.segments;
                for (std::size_t k = 0; k < b.response.size(); ++k) e.chi[k] += b.response[k];
            }
            for (double& v : e.chi) v /= static_cast<double>(segments);
        } else {
            e.chi = responseFromNoiseCorrelation(
                correlation(sums, &BatchSums::phi_noise, lags + 1, trajectories), step_);
        }
        double derivative = 0.0;
        long long count = 0;
        for (const BatchSums& b : sums) {
            derivative += b.derivative;
            count += b.derivative_count;
        }
        e.gamma = derivative / static_cast<double>(count);
        e.steps = static_cast<long long>(trajectories) * layout_.kept;
        return e;
    }

    SiteCoupling coupling_;
    StepCoefficients step_;
    Layout layout_;
    std::size_t field_period_;
    RealTransforms stats_fft_;
    ComplexTransform spectrum_fft_;
    RealTransforms chi_fft_;
    std::vector<std::unique_ptr<BatchSampler>> workers_;
};

// The closure's response of the discrete site, the start of the iteration: delta phi = gamma delta x and the
// reaction K_hat delta phi give chi(theta) = gamma b / (e^{i theta} - a - b gamma K_hat(chi(theta)))
// (a = decay, b = drive), i.e. chi = gamma u(z) with z = (e^{i theta} - a) / b and u the mean resolvent of
// the closure's linear network gamma J (elliptic, or random-mode); back to lags by a DFT of p points
// (p >> the response's length).
std::vector<double> closureResponse(
    double gamma, const std::function<std::complex<double>(std::complex<double>)>& resolvent,
    const StepCoefficients& step, std::size_t p) {
    ComplexTransform fft(p);
    std::complex<double>* z = fft.data();
    for (std::size_t j = 0; j < p; ++j) {
        const double theta = 2.0 * kPi * static_cast<double>(j) / static_cast<double>(p);
        const std::complex<double> at = (std::polar(1.0, theta) - step.decay) / step.drive_gain;
        z[j] = std::conj(gamma * resolvent(at));  // conj: inverse transform
    }
    fft.run();
    std::vector<double> chi(p / 2, 0.0);
    for (std::size_t k = 1; k < p / 2; ++k) chi[k] = z[k].real() / static_cast<double>(p);
    return chi;
}

// Lags kept: 1.5 times the time after which the closure's C_phi and Delta stay below 1e-4 of their start
// and its response below 1e-5 of its largest value, and at least 10 time units (the zero-frequency power,
// a sum over all lags amplified by the network, is what a short cut would bias first).
int lagsFromClosure(const DmftCorrelation& c, const std::vector<double>& chi, double dt) {
    double tau = 10.0 / 1.5;
    for (std::size_t k = 0; k < c.c_phi.size(); ++k)
        if (std::fabs(c.c_phi[k]) > 1e-4 * c.c_phi.front() || std::fabs(c.delta[k]) > 1e-4 * c.delta0)
            tau = std::max(tau, static_cast<double>(k) * c.dt);
    const double largest = *std::max_element(chi.begin(), chi.end());
    for (std::size_t k = 0; k < chi.size(); ++k)
        if (std::fabs(chi[k]) > 1e-5 * largest) tau = std::max(tau, static_cast<double>(k) * dt);
    return static_cast<int>(std::ceil(1.5 * tau / dt)) + 1;
}

// The resolved update. By Novikov's theorem for the site's whole Gaussian input u (the field plus the noise,
// in units of an input h), phi = chi * u + r with r uncorrelated with u, so S_phi = |chi|^2 S_u + S_r; at the
// fixed point S_u = G S_phi + S_n (G = g^2 for partially symmetric J), hence
//     S_phi = (|chi|^2 S_n + S_r) / (1 - G |chi|^2)
// (per step, on the DTFT grid of the field period). Iterating this instead of S_phi <- S_phi,out resolves
// the network's amplification 1 / (1 - g^2 |chi|^2) exactly (for linear phi it is one Newton step), and
// r, which carries a few per cent of phi's slow power, is estimated with that much less variance.
struct Resolved {
    std::vector<double> c_phi;  // C_phi(k), k < L
    double zf_phi = 0.0;        // S_phi(0) dt
    double zf_x = 0.0;          // S_x(0) dt
    double margin = 0.0;        // min over frequencies of 1 - G |chi|^2
};

Resolved resolvedUpdate(const std::vector<double>& c_residual, const std::vector<double>& chi,
                        const SiteCoupling& coupling, const StepCoefficients& step, const Layout& layout,
                        double dt, ComplexTransform& fft) {
    const std::size_t p = fft.size(), lags = c_residual.size();
    const std::vector<std::complex<double>> chi_hat = responseSpectrum(chi, layout.memory, fft);
    std::complex<double>* z = fft.data();
    for (std::size_t k = 0; k < p; ++k) {
        const std::size_t lag = std::min(k, p - k);
        z[k] = lag < lags ? c_residual[lag] : 0.0;
    }
    fft.run();
    Resolved out;
    out.margin = 1.0;
    std::vector<double> s_phi(p);
    for (std::size_t j = 0; j < p; ++j) {
        const double theta = 2.0 * kPi * static_cast<double>(j) / static_cast<double>(p);
        const double s_noise = detail::inputNoiseSpectrum(step, theta);
        const double gain = coupling.fieldGain(chi_hat[j]);  // S_u = G S_phi + S_n
        const double loop = gain * std::norm(chi_hat[j]);
        out.margin = std::min(out.margin, 1.0 - loop);
        // S_r is not clipped: for a nearly linear phi it is rounding around 0, and clipping would bias it.
        s_phi[j] = std::max(0.0, (std::norm(chi_hat[j]) * s_noise + z[j].real()) / (1.0 - loop));
        if (j == 0) {
            // x is the leak-filtered v = u + K * phi (drive / (1 - decay) = 1 for both methods), and
            // phi = chi * u + r: S_v = S_u + 2 Re(K_hat chi_hat) S_u + |K_hat|^2 S_phi.
            const double s_u = gain * s_phi[0] + s_noise;
            const std::complex<double> k_hat = coupling.reaction(chi_hat[0]);
            out.zf_phi = s_phi[0] * dt;
            out.zf_x = (s_u * (1.0 + 2.0 * (k_hat * chi_hat[0]).real()) + std::norm(k_hat) * s_phi[0]) * dt;
        }
    }
    for (std::size_t j = 0; j < p; ++j) z[j] = s_phi[j];
    fft.run();  // real and even: the forward transform is the inverse up to 1 / p
    for (std::size_t k = 0; k < lags; ++k) out.c_phi.push_back(z[k].real() / static_cast<double>(p));
    return out;
}

void requireFinite(double v, const char* name) {
    if (!std::isfinite(v))
        throw std::domain_error(std::string(name) + " must be finite, got " + std::to_string(v));
}

void requireOptions(const SampledDmftOptions& o) {
    if (o.warmup_iterations < 0 || o.sampling_iterations < 1 || o.warmup_trajectories < 2 ||
        o.sampling_trajectories < 2)
        throw std::domain_error(
            "sampled DMFT: iterations (warm-up >= 0, sampling >= 1) and trajectories (>= 2) out of range");
    if (!(o.window > 0.0) || !(o.damping > 0.0 && o.damping <= 1.0) || !(o.max_lag >= 0.0))
        throw std::domain_error("sampled DMFT: window > 0, damping in (0, 1] and max_lag >= 0 are required");
}

// The Gaussian closure that starts the iteration, its response, and the site recursion.
struct Start {
    DmftCorrelation closure;
    std::vector<double> chi;
    StepCoefficients step;
};

void requireStep(double sigma, double noise_tau, double dt, const SampledDmftOptions& options) {
    for (const auto& [v, name] : {std::pair{sigma, "noise.sigma"}, std::pair{noise_tau, "noise.tau"},
                                  std::pair{dt, "integration.dt"}})
        requireFinite(v, name);
    if (!(dt > 0.0)) throw std::domain_error("integration.dt must be > 0, got " + std::to_string(dt));
    requireOptions(options);
}

// The closure on a grid of at most 0.05 (a start needs no more).
DmftGridOptions startGrid(double dt) {
    DmftGridOptions grid;
    grid.dt = std::max(dt, 0.05);
    return grid;
}

std::size_t responsePoints(double dt) {
    return nextPowerOfTwo(static_cast<std::size_t>(std::ceil(400.0 / dt)));
}

// The solution, and the sampling iterations' residual spectra and responses (the four-point statistics'
// input).
struct Solved {
    SampledDmft out;
    std::vector<detail::SiteRun> runs;
};

Solved solveSampled(const Activation& phi, const SiteCoupling& coupling, const Start& start, double dt,
                    const SampledDmftOptions& options) {
    const DmftCorrelation& closure = start.closure;
    const std::vector<double>& closure_chi = start.chi;
    const StepCoefficients& step = start.step;
    Layout layout;
    layout.lags = options.max_lag > 0.0 ? static_cast<int>(std::ceil(options.max_lag / dt)) + 1
                                        : lagsFromClosure(closure, closure_chi, dt);
    layout.lags = std::max(layout.lags, 3);
    // chi falls faster than C_phi: the reaction keeps the first L / 1.5 lags, the field all of C_phi.
    layout.memory = std::max(3, static_cast<int>(std::ceil(layout.lags / 1.5)));
    layout.burn = layout.lags;
    layout.kept = std::max(static_cast<int>(std::ceil(options.window / dt)), 2 * layout.lags);
    layout.length = layout.burn + layout.kept;
    layout.cell = 1;
    while (2 * layout.cell * dt <= 0.16 && layout.cell < 16) layout.cell *= 2;
    layout.block = 64;
    const int exact_lags = static_cast<int>(std::ceil(2.0 / dt));
    layout.fine = layout.cell * ((std::min(exact_lags, layout.memory - 1) + layout.cell - 1) / layout.cell);
    layout.cells = std::max(0, (layout.memory - 1 - layout.fine + layout.cell - 1) / layout.cell);
    layout.batch = 128;

    std::vector<double> c_phi(static_cast<std::size_t>(layout.lags), 0.0), chi(c_phi.size(), 0.0);
    for (std::size_t k = 0; k < c_phi.size(); ++k) {
        const double at = static_cast<double>(k) * dt / closure.dt;
        const std::size_t i = static_cast<std::size_t>(at);
        if (i + 1 >= closure.c_phi.size()) break;
        c_phi[k] =
            closure.c_phi[i] + (at - static_cast<double>(i)) * (closure.c_phi[i + 1] - closure.c_phi[i]);
    }
    for (std::size_t k = 1; k < chi.size() && k < closure_chi.size(); ++k) chi[k] = closure_chi[k];
    double delta0 = closure.delta0;

    // Threads go to batches of trajectories and each runs its reaction products single-threaded (as the
    // CPU backend does): a threaded BLAS on these small products spends more time waiting than computing.
    openblas_set_num_threads(1);
    SiteSampler sampler(phi, coupling, step, layout, options.seed);
    ComplexTransform resolved_fft(nextPowerOfTwo(static_cast<std::size_t>(4 * layout.lags)));
    SampledDmft out;
    out.dt = dt;
    const int total = options.warmup_iterations + options.sampling_iterations;
    std::vector<double> d0, a, gam, zf_phi, zf_x;
    // Per lag, the sampling iterations' estimates (iteration-major), for the curves' means and errors.
    std::vector<std::vector<double>> c_runs, d_runs;
    std::vector<double> sum_chi(c_phi.size(), 0.0);
    std::vector<detail::SiteRun> runs;  // for the four-point statistics (partially symmetric J)
    for (int it = 0; it < total; ++it) {
        const bool sampling = it >= options.warmup_iterations;
        const int trajectories =
            2 * ((sampling ? options.sampling_trajectories : options.warmup_trajectories) / 2);
        const Estimate e = sampler.sample(c_phi, chi, delta0, trajectories, it);
        const std::vector<double>& chi_new = e.chi;
        const Resolved r = resolvedUpdate(e.c_residual, chi, coupling, step, layout, dt, resolved_fft);
        // Next to an instability (or with a response still far from its fixed point) the resolved update
        // is ill-posed: that iteration takes the plain one.
        const std::vector<double>& target = r.margin > 0.01 ? r.c_phi : e.c_phi;
        if (sampling)
            runs.push_back({e.c_residual, std::vector<double>(chi.begin(), chi.begin() + layout.memory)});
        double change = 0.0;
        for (std::size_t k = 0; k < c_phi.size(); ++k) {
            change = std::max(change, std::fabs(target[k] - c_phi[k]) / target.front());
            c_phi[k] += options.damping * (target[k] - c_phi[k]);
            chi[k] += options.damping * (chi_new[k] - chi[k]);
        }
        delta0 = e.delta.front();
        if (!sampling) {
            out.last_change = change;
            continue;
        }
        d0.push_back(e.delta.front());
        a.push_back(e.c_phi.front());
        gam.push_back(e.gamma);
        zf_phi.push_back(r.margin > 0.01 ? r.zf_phi : zeroFrequencyPower(e.c_phi, dt));
        zf_x.push_back(r.margin > 0.01 ? r.zf_x : zeroFrequencyPower(e.delta, dt));
        c_runs.push_back(e.c_phi);
        d_runs.push_back(e.delta);
        for (std::size_t k = 0; k < c_phi.size(); ++k) sum_chi[k] += chi_new[k];
        out.sampled_steps += e.steps;
    }
    const double n = options.sampling_iterations;
    std::vector<double> c_at(c_runs.size()), d_at(d_runs.size());
    for (std::size_t k = 0; k < c_phi.size(); ++k) {
        for (std::size_t i = 0; i < c_runs.size(); ++i) {
            c_at[i] = c_runs[i][k];
            d_at[i] = d_runs[i][k];
        }
        const SampledValue c = meanWithError(c_at), d = meanWithError(d_at);
        out.c_phi.push_back(c.value);
        out.c_phi_se.push_back(c.se);
        out.delta.push_back(d.value);
        out.delta_se.push_back(d.se);
        out.response.push_back(sum_chi[k] / n);
    }
    out.delta0 = meanWithError(d0);
    out.a_phi = meanWithError(a);
    out.gamma = meanWithError(gam);
    out.zf_phi = meanWithError(zf_phi);
    out.zf_x = meanWithError(zf_x);
    return {std::move(out), std::move(runs)};
}

}  // namespace

SampledDmft solveSampledDmft(const Activation& phi, double g, double eta, double sigma, double noise_tau,
                             double dt, IntegrationMethod method, const SampledDmftOptions& options) {
    requireFinite(g, "coupling.g");
    requireFinite(eta, "coupling.symmetry");
    requireStep(sigma, noise_tau, dt, options);
    // The closure also checks phi, g, eta, sigma and tau_n.
    Start start;
    start.closure = solvePartiallySymmetricCorrelation(phi, g, eta, sigma, startGrid(dt), noise_tau);
    start.step = siteRecursion(sigma, noise_tau, dt, method);
    const double g_eff = g * start.closure.gamma;
    start.chi = closureResponse(
        start.closure.gamma,
        [g_eff, eta](std::complex<double> z) { return ellipticMeanResolvent(z, g_eff, eta); }, start.step,
        responsePoints(dt));
    const SiteCoupling coupling = SiteCoupling::partiallySymmetric(g, eta);
    const Solved solved = solveSampled(phi, coupling, start, dt, options);
    SampledDmft out = solved.out;
    try {
        const detail::SampledFourPoints four =
            detail::sampledFourPoints(solved.runs, coupling, start.step, dt);
        out.phi_et = four.phi_et;
        out.phi_zf = four.phi_zf;
        out.x_et = four.x_et;
        out.x_zf = four.x_zf;
    } catch (const std::domain_error& e) {
        out.four_point_failure = e.what();
    }
    return out;
}

SampledDmft solveSampledDmftRandomMode(const Activation& phi, const std::vector<double>& D, int N,
                                       const std::vector<double>& rho, double sigma, double noise_tau,
                                       double dt, IntegrationMethod method,
                                       const SampledDmftOptions& options) {
    requireStep(sigma, noise_tau, dt, options);
    // The closure also checks phi, D, N, rho, sigma and tau_n.
    Start start;
    start.closure = solveRandomModeOverlapCorrelation(phi, D, N, rho, sigma, startGrid(dt), noise_tau);
    start.step = siteRecursion(sigma, noise_tau, dt, method);
    std::vector<double> dg(D);
    for (double& d : dg) d *= start.closure.gamma;
    start.chi = closureResponse(
        start.closure.gamma, [&](std::complex<double> z) { return randomModeMeanResolvent(dg, N, rho, z); },
        start.step, responsePoints(dt));
    const SiteCoupling coupling = SiteCoupling::randomMode(detail::RandomModeCoupling(D, rho, N));
    const Solved solved = solveSampled(phi, coupling, start, dt, options);
    SampledDmft out = solved.out;
    try {
        const detail::SampledFourPoints four =
            detail::sampledFourPoints(solved.runs, coupling, start.step, dt, detail::kRandomModeCells);
        out.phi_et = four.phi_et;
        out.phi_zf = four.phi_zf;
        out.x_et = four.x_et;
        out.x_zf = four.x_zf;
    } catch (const std::exception& e) {  // no stationary linear-response network, or a cavity that fails
        out.four_point_failure = e.what();
    }
    return out;
}

namespace {

// What distinguishes two sampled models: the activation's fields and the model's numbers.
std::vector<double> modelKey(const EnsembleSpec& spec) {
    const Activation& a = spec.network.activation;
    std::vector<double> key = {static_cast<double>(a.kind), a.alpha, a.threshold,
                               static_cast<double>(a.p_count), static_cast<double>(a.q_count)};
    key.insert(key.end(), a.p, a.p + kMaxPadeCoefficients);
    key.insert(key.end(), a.q, a.q + kMaxPadeCoefficients);
    const CouplingSpec& c = spec.coupling;
    for (const double v : {c.g, c.symmetry, spec.noise.sigma, spec.noise.tau, spec.integration.dt,
                           static_cast<double>(spec.integration.method), static_cast<double>(c.model)})
        key.push_back(v);
    if (c.model == CouplingModel::RandomMode)  // D_a depends on N through P = round(mode_ratio N)
        for (const double v :
             {c.mode_ratio, static_cast<double>(c.spectrum), c.spectrum_decay, c.strong_fraction,
              c.weak_ratio, c.overlap, c.overlap_spread, static_cast<double>(spec.network.n)})
            key.push_back(v);
    return key;
}

}  // namespace

std::shared_ptr<const SampledDmft> sampledDmftOf(const EnsembleSpec& spec) {
    using Solve = std::shared_future<std::shared_ptr<const SampledDmft>>;
    static std::mutex lock;
    static std::map<std::vector<double>, std::pair<long long, Solve>> remembered;  // key -> (use, solve)
    static long long uses = 0;
    const std::vector<double> key = modelKey(spec);
    std::packaged_task<std::shared_ptr<const SampledDmft>()> task([spec] {
        if (spec.coupling.model == CouplingModel::RandomMode) {
            const RandomModeSet m = detail::overlapModesOf(spec);
            return std::make_shared<const SampledDmft>(
                solveSampledDmftRandomMode(spec.network.activation, m.d, m.n, m.rho, spec.noise.sigma,
                                           spec.noise.tau, spec.integration.dt, spec.integration.method));
        }
        return std::make_shared<const SampledDmft>(
            solveSampledDmft(spec.network.activation, spec.coupling.g, spec.coupling.symmetry,
                             spec.noise.sigma, spec.noise.tau, spec.integration.dt, spec.integration.method));
    });
    Solve solve;
    bool mine = false;
    {
        const std::lock_guard<std::mutex> guard(lock);
        const auto found = remembered.find(key);
        if (found != remembered.end()) {
            found->second.first = ++uses;
            solve = found->second.second;
        } else {
            if (remembered.size() >= 16)
                remembered.erase(std::min_element(
                    remembered.begin(), remembered.end(),
                    [](const auto& a, const auto& b) { return a.second.first < b.second.first; }));
            solve = task.get_future().share();
            mine = true;
            remembered.emplace(key, std::make_pair(++uses, solve));
        }
    }
    if (mine) task();  // this call inserted the model: it solves, every other caller waits
    return solve.get();
}

}  // namespace quench::theory
