#pragma once
// FFTW plans that own their buffers (RAII), for quench::theory. FFTW's planner is not thread-safe and
// predict() runs on several threads (validate's theory curves): every plan made or destroyed here holds
// fftwPlannerLock; executing a plan needs none.
#include <algorithm>
#include <complex>
#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <fftw3.h>

namespace quench::theory::detail {

std::mutex& fftwPlannerLock();

// The smallest power of two >= v (>= 1): FFT lengths.
inline std::size_t nextPowerOfTwo(std::size_t v) {
    std::size_t p = 1;
    while (p < v) p <<= 1;
    return p;
}

// X_j = x_0 + (-1)^j x_m + 2 sum_{k=1}^{m-1} x_k cos(pi j k / m), j = 0..m: FFTW's DCT-I (REDFT00 of
// length m + 1). It is its own inverse up to 1 / (2m). The plan is made once per grid (FFTW_ESTIMATE:
// no timing runs) and owned here.
class CosineTransform {
public:
    explicit CosineTransform(std::size_t m) : m_(m), in_(m + 1), out_(m + 1) {
        const std::lock_guard<std::mutex> guard(fftwPlannerLock());
        plan_ =
            fftw_plan_r2r_1d(static_cast<int>(m + 1), in_.data(), out_.data(), FFTW_REDFT00, FFTW_ESTIMATE);
        if (plan_ == nullptr)
            throw std::runtime_error("FFTW could not plan a cosine transform of length " +
                                     std::to_string(m + 1));
    }
    ~CosineTransform() {
        const std::lock_guard<std::mutex> guard(fftwPlannerLock());
        fftw_destroy_plan(plan_);
    }
    CosineTransform(const CosineTransform&) = delete;
    CosineTransform& operator=(const CosineTransform&) = delete;

    std::vector<double> operator()(const std::vector<double>& x) const {
        std::copy(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(m_ + 1), in_.begin());
        fftw_execute(plan_);
        return out_;
    }

private:
    std::size_t m_;
    mutable std::vector<double> in_, out_;  // the plan's buffers
    fftw_plan plan_ = nullptr;
};

// An FFTW plan on buffers it owns (fftw_malloc'd: FFTW's SIMD alignment), made and destroyed under
// the planner lock.
class ComplexTransform {
public:
    explicit ComplexTransform(std::size_t n)
        : n_(n), data_(static_cast<fftw_complex*>(fftw_malloc(sizeof(fftw_complex) * n))) {
        if (data_ == nullptr)
            throw std::runtime_error("out of memory for an FFT of length " + std::to_string(n));
        const std::lock_guard<std::mutex> guard(fftwPlannerLock());
        plan_ = fftw_plan_dft_1d(static_cast<int>(n), data_, data_, FFTW_FORWARD, FFTW_ESTIMATE);
        if (plan_ == nullptr) {
            fftw_free(data_);
            throw std::runtime_error("FFTW could not plan a complex transform of length " +
                                     std::to_string(n));
        }
    }
    ~ComplexTransform() {
        const std::lock_guard<std::mutex> guard(fftwPlannerLock());
        fftw_destroy_plan(plan_);
        fftw_free(data_);
    }
    ComplexTransform(const ComplexTransform&) = delete;
    ComplexTransform& operator=(const ComplexTransform&) = delete;

    std::complex<double>* data() { return reinterpret_cast<std::complex<double>*>(data_); }
    std::size_t size() const { return n_; }
    void run() { fftw_execute(plan_); }

private:
    std::size_t n_;
    fftw_complex* data_;
    fftw_plan plan_ = nullptr;
};

// Real sequences of length n (zero-padded by the caller) to their n / 2 + 1 Fourier coefficients and back.
class RealTransforms {
public:
    explicit RealTransforms(std::size_t n)
        : n_(n),
          real_(static_cast<double*>(fftw_malloc(sizeof(double) * n))),
          spectrum_(static_cast<fftw_complex*>(fftw_malloc(sizeof(fftw_complex) * (n / 2 + 1)))) {
        if (real_ == nullptr || spectrum_ == nullptr) {
            fftw_free(real_);
            fftw_free(spectrum_);
            throw std::runtime_error("out of memory for an FFT of length " + std::to_string(n));
        }
        const std::lock_guard<std::mutex> guard(fftwPlannerLock());
        forward_ = fftw_plan_dft_r2c_1d(static_cast<int>(n), real_, spectrum_, FFTW_ESTIMATE);
        backward_ = fftw_plan_dft_c2r_1d(static_cast<int>(n), spectrum_, real_, FFTW_ESTIMATE);
        if (forward_ == nullptr || backward_ == nullptr) {
            release();
            throw std::runtime_error("FFTW could not plan a real transform of length " + std::to_string(n));
        }
    }
    ~RealTransforms() {
        const std::lock_guard<std::mutex> guard(fftwPlannerLock());
        release();
    }
    RealTransforms(const RealTransforms&) = delete;
    RealTransforms& operator=(const RealTransforms&) = delete;

    std::size_t size() const { return n_; }
    double* real() { return real_; }
    std::complex<double>* spectrum() { return reinterpret_cast<std::complex<double>*>(spectrum_); }
    // real() -> spectrum().
    void forward() { fftw_execute(forward_); }
    // spectrum() -> real(), times n (unnormalized); clobbers spectrum().
    void backward() { fftw_execute(backward_); }

private:
    void release() {  // under the planner lock
        if (forward_ != nullptr) fftw_destroy_plan(forward_);
        if (backward_ != nullptr) fftw_destroy_plan(backward_);
        fftw_free(real_);
        fftw_free(spectrum_);
    }

    std::size_t n_;
    double* real_;
    fftw_complex* spectrum_;
    fftw_plan forward_ = nullptr;
    fftw_plan backward_ = nullptr;
};

}  // namespace quench::theory::detail
