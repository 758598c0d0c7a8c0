#include "quench/theory/lyapunov.hpp"

#include <cmath>
#include <complex>
#include <stdexcept>
#include <string>

// LAPACKE's complex type must be std::complex before its header is seen.
#define lapack_complex_float std::complex<float>
#define lapack_complex_double std::complex<double>
#include <cblas.h>
#include <lapacke.h>

namespace quench::theory {
namespace {

using Complex = std::complex<double>;

// Residuals are relative to the size of the terms that were balanced; 1e-9 leaves room for the
// conditioning of a near-critical realization while still catching a broken solve.
constexpr double kResidualTolerance = 1e-9;

void requireShape(const std::vector<double>& m, int n, const char* name) {
    if (n <= 0) {
        throw std::invalid_argument("lyapunov: n = " + std::to_string(n) + " must be positive");
    }
    const std::size_t expected = static_cast<std::size_t>(n) * static_cast<std::size_t>(n);
    if (m.size() != expected) {
        throw std::invalid_argument(std::string("lyapunov: ") + name + " has " + std::to_string(m.size()) +
                                    " entries, expected n * n = " + std::to_string(expected));
    }
    for (const double v : m) {
        if (!std::isfinite(v)) {
            throw std::invalid_argument(std::string("lyapunov: ") + name + " has a non-finite entry");
        }
    }
}

void requireSigma(double sigma) {
    if (!std::isfinite(sigma) || sigma < 0.0) {
        throw std::invalid_argument("lyapunov: sigma = " + std::to_string(sigma) + " must be finite and >= 0");
    }
}

std::vector<double> scaledIdentity(int n, double value) {
    std::vector<double> id(static_cast<std::size_t>(n) * n, 0.0);
    for (int i = 0; i < n; ++i) id[static_cast<std::size_t>(i) * n + i] = value;
    return id;
}

std::vector<double> leakMinusCoupling(const std::vector<double>& J, int n) {
    std::vector<double> m(J.size());
    for (std::size_t k = 0; k < J.size(); ++k) m[k] = -J[k];
    for (int i = 0; i < n; ++i) m[static_cast<std::size_t>(i) * n + i] += 1.0;
    return m;
}

// out = alpha * op(A) op(B) + beta * out, all n x n row-major.
void gemm(bool transA, bool transB, int n, double alpha, const std::vector<double>& A, const std::vector<double>& B,
          double beta, std::vector<double>& out) {
    cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, n, n, n, alpha,
                A.data(), n, B.data(), n, beta, out.data(), n);
}

double frobenius(const std::vector<double>& m) {
    double s = 0.0;
    for (const double v : m) s += v * v;
    return std::sqrt(s);
}

void symmetrize(std::vector<double>& m, int n) {
    for (int i = 0; i < n; ++i) {
        for (int j = i + 1; j < n; ++j) {
            const std::size_t ij = static_cast<std::size_t>(i) * n + j;
            const std::size_t ji = static_cast<std::size_t>(j) * n + i;
            const double mean = 0.5 * (m[ij] + m[ji]);
            m[ij] = mean;
            m[ji] = mean;
        }
    }
}

void requireFinite(const std::vector<double>& m, const char* what) {
    for (const double v : m) {
        if (!std::isfinite(v)) throw std::runtime_error(std::string("lyapunov: ") + what + " produced a non-finite entry");
    }
}

// ---------- continuous: M X + X M^T = Q through the real Schur form M = U T U^T ----------

struct RealSchur {
    int n = 0;
    std::vector<double> T;  // quasi-upper-triangular
    std::vector<double> U;  // orthogonal
};

RealSchur realSchurOfStableGenerator(const std::vector<double>& M, int n, bool wantVectors = true) {
    RealSchur s{n, M, std::vector<double>(M.size())};
    std::vector<double> wr(n), wi(n);
    lapack_int sdim = 0;
    const lapack_int info = LAPACKE_dgees(LAPACK_ROW_MAJOR, wantVectors ? 'V' : 'N', 'N', nullptr, n, s.T.data(), n, &sdim,
                                          wr.data(), wi.data(), s.U.data(), n);
    if (info != 0) throw std::runtime_error("lyapunov: dgees failed, info = " + std::to_string(info));
    for (int i = 0; i < n; ++i) {
        if (!(wr[i] > 0.0)) {
            throw std::domain_error("lyapunov: no stationary state: 1-J (or M) has eigenvalue " + std::to_string(wr[i]) +
                                    (wi[i] >= 0 ? " + " : " - ") + std::to_string(std::fabs(wi[i])) +
                                    "i with real part <= 0 (J has an eigenvalue with real part >= 1)");
        }
    }
    return s;
}

// Solves M X + X M^T = Q given the Schur form of M.
std::vector<double> solveWithSchur(const RealSchur& s, const std::vector<double>& Q) {
    const int n = s.n;
    std::vector<double> tmp(Q.size()), Y(Q.size());
    gemm(true, false, n, 1.0, s.U, Q, 0.0, tmp);  // U^T Q
    gemm(false, false, n, 1.0, tmp, s.U, 0.0, Y);  // U^T Q U
    double scale = 1.0;
    const lapack_int info =
        LAPACKE_dtrsyl3(LAPACK_ROW_MAJOR, 'N', 'T', 1, n, n, s.T.data(), n, s.T.data(), n, Y.data(), n, &scale);
    if (info < 0) throw std::runtime_error("lyapunov: dtrsyl3 failed, info = " + std::to_string(info));
    // dtrsyl3 is the blocked (level-3) Bartels-Stewart, ~5x faster than dtrsyl at n = 400. info == 1
    // means eigenvalues of T and -T^T nearly collide; the residual check below judges the result.
    if (scale != 1.0) {
        for (double& v : Y) v /= scale;
    }
    gemm(false, false, n, 1.0, s.U, Y, 0.0, tmp);  // U Y
    std::vector<double> X(Q.size());
    gemm(false, true, n, 1.0, tmp, s.U, 0.0, X);  // U Y U^T
    return X;
}

// Returns Q - (M X + X M^T).
std::vector<double> continuousResidual(const std::vector<double>& M, int n, const std::vector<double>& X,
                                       const std::vector<double>& Q) {
    std::vector<double> R(Q);
    gemm(false, false, n, -1.0, M, X, 1.0, R);
    gemm(false, true, n, -1.0, X, M, 1.0, R);
    return R;
}

// ---------- discrete: X = A X A^T + Q through the complex Schur form A = U T U^H ----------

struct ComplexSchur {
    int n = 0;
    std::vector<Complex> T;  // upper triangular, row-major
    std::vector<Complex> U;  // unitary, row-major
};

ComplexSchur complexSchurOfContraction(const std::vector<double>& A, int n) {
    ComplexSchur s{n, std::vector<Complex>(A.begin(), A.end()), std::vector<Complex>(A.size())};
    std::vector<Complex> w(n);
    lapack_int sdim = 0;
    const lapack_int info =
        LAPACKE_zgees(LAPACK_ROW_MAJOR, 'V', 'N', nullptr, n, s.T.data(), n, &sdim, w.data(), s.U.data(), n);
    if (info != 0) throw std::runtime_error("lyapunov: zgees failed, info = " + std::to_string(info));
    for (int i = 0; i < n; ++i) {
        if (!(std::abs(w[i]) < 1.0)) {
            throw std::domain_error("lyapunov: no stationary state: A has eigenvalue of modulus " +
                                    std::to_string(std::abs(w[i])) + " >= 1");
        }
    }
    return s;
}

// out = op(A) op(B) for complex row-major n x n; op is identity or conjugate transpose.
std::vector<Complex> zgemm(bool adjA, bool adjB, int n, const std::vector<Complex>& A, const std::vector<Complex>& B) {
    std::vector<Complex> out(A.size());
    const Complex one(1.0, 0.0), zero(0.0, 0.0);
    cblas_zgemm(CblasRowMajor, adjA ? CblasConjTrans : CblasNoTrans, adjB ? CblasConjTrans : CblasNoTrans, n, n, n,
                &one, A.data(), n, B.data(), n, &zero, out.data(), n);
    return out;
}

// Solves Y = T Y T^H + Qt column by column from the last: with w_j = sum_{l>j} conj(T_jl) y_l,
// (1 - c T) y_j = qt_j + T w_j with c = conj(T_jj), an upper-triangular system (nonsingular since
// |T_ii T_jj| < 1). Written as (T - 1/c) y_j = -(qt_j + T w_j) / c so that BLAS ztrsv does the solve on
// a copy of T whose diagonal alone changes per column.
std::vector<Complex> solveTriangularStein(const std::vector<Complex>& T, int n, const std::vector<Complex>& Qt) {
    // Column-major storage of Y (y_j contiguous at [j * n]) and of T (for the column-wise BLAS calls).
    std::vector<Complex> Ycol(T.size(), Complex(0.0, 0.0));
    std::vector<Complex> Tcol(T.size()), shifted(T.size());
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < n; ++k) Tcol[static_cast<std::size_t>(k) * n + i] = T[static_cast<std::size_t>(i) * n + k];
    shifted = Tcol;
    std::vector<Complex> w(n), rhs(n);
    const Complex one(1.0, 0.0), zero(0.0, 0.0);
    for (int j = n - 1; j >= 0; --j) {
        // w = Y[:, j+1:] conj(T[j, j+1:])
        std::vector<Complex> tRow(static_cast<std::size_t>(n - j - 1));
        for (int l = j + 1; l < n; ++l) tRow[l - j - 1] = std::conj(T[static_cast<std::size_t>(j) * n + l]);
        std::fill(w.begin(), w.end(), zero);
        if (j + 1 < n) {
            cblas_zgemv(CblasColMajor, CblasNoTrans, n, n - j - 1, &one, &Ycol[static_cast<std::size_t>(j + 1) * n], n,
                        tRow.data(), 1, &zero, w.data(), 1);
        }
        cblas_ztrmv(CblasColMajor, CblasUpper, CblasNoTrans, CblasNonUnit, n, Tcol.data(), n, w.data(), 1);  // T w
        for (int i = 0; i < n; ++i) rhs[i] = Qt[static_cast<std::size_t>(i) * n + j] + w[i];
        const Complex c = std::conj(T[static_cast<std::size_t>(j) * n + j]);
        Complex* yj = &Ycol[static_cast<std::size_t>(j) * n];
        if (c == zero) {  // a zero eigenvalue: the column is just the right-hand side
            std::copy(rhs.begin(), rhs.end(), yj);
            continue;
        }
        for (int i = 0; i < n; ++i) {
            shifted[static_cast<std::size_t>(i) * n + i] = Tcol[static_cast<std::size_t>(i) * n + i] - 1.0 / c;
            yj[i] = -rhs[i] / c;
        }
        cblas_ztrsv(CblasColMajor, CblasUpper, CblasNoTrans, CblasNonUnit, n, shifted.data(), n, yj, 1);
    }
    std::vector<Complex> Y(T.size());  // back to row-major
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) Y[static_cast<std::size_t>(i) * n + j] = Ycol[static_cast<std::size_t>(j) * n + i];
    return Y;
}

std::vector<double> solveWithSchur(const ComplexSchur& s, const std::vector<double>& Q) {
    const int n = s.n;
    const std::vector<Complex> Qc(Q.begin(), Q.end());
    const std::vector<Complex> Qt = zgemm(false, false, n, zgemm(true, false, n, s.U, Qc), s.U);  // U^H Q U
    const std::vector<Complex> Y = solveTriangularStein(s.T, n, Qt);
    const std::vector<Complex> Xc = zgemm(false, true, n, zgemm(false, false, n, s.U, Y), s.U);  // U Y U^H
    std::vector<double> X(Q.size());
    for (std::size_t k = 0; k < X.size(); ++k) X[k] = Xc[k].real();  // imaginary part is rounding only
    return X;
}

// Returns Q - (X - A X A^T).
std::vector<double> discreteResidual(const std::vector<double>& A, int n, const std::vector<double>& X,
                                     const std::vector<double>& Q) {
    std::vector<double> AX(Q.size()), R(Q);
    gemm(false, false, n, 1.0, A, X, 0.0, AX);
    gemm(false, true, n, 1.0, AX, A, 1.0, R);
    for (std::size_t k = 0; k < R.size(); ++k) R[k] -= X[k];
    return R;
}

// Solve, check the residual relative to the balanced terms, refine once if loose, then give up loudly.
template <class Schur, class Residual>
std::vector<double> solveChecked(const Schur& schur, const std::vector<double>& Q, double termScale,
                                 const Residual& residual, const char* what) {
    std::vector<double> X = solveWithSchur(schur, Q);
    for (int attempt = 0; attempt < 2; ++attempt) {
        const std::vector<double> R = residual(X);
        const double relative = frobenius(R) / (termScale * frobenius(X) + frobenius(Q) + 1e-300);
        if (relative < kResidualTolerance) break;
        if (attempt == 1) {
            throw std::runtime_error(std::string("lyapunov: ") + what + " residual " + std::to_string(relative) +
                                     " after refinement (ill-conditioned: a realization very close to instability?)");
        }
        const std::vector<double> correction = solveWithSchur(schur, R);
        for (std::size_t k = 0; k < X.size(); ++k) X[k] += correction[k];
    }
    symmetrize(X, schur.n);
    requireFinite(X, what);
    return X;
}

}  // namespace

std::vector<double> solveContinuousLyapunov(const std::vector<double>& M, int n, const std::vector<double>& Q) {
    requireShape(M, n, "M");
    requireShape(Q, n, "Q");
    const RealSchur schur = realSchurOfStableGenerator(M, n);
    const auto residual = [&](const std::vector<double>& X) { return continuousResidual(M, n, X, Q); };
    return solveChecked(schur, Q, 2.0 * frobenius(M), residual, "continuous Lyapunov solve");
}

std::vector<double> solveDiscreteLyapunov(const std::vector<double>& A, int n, const std::vector<double>& Q) {
    requireShape(A, n, "A");
    requireShape(Q, n, "Q");
    const ComplexSchur schur = complexSchurOfContraction(A, n);
    const auto residual = [&](const std::vector<double>& X) { return discreteResidual(A, n, X, Q); };
    const double normA = frobenius(A);
    return solveChecked(schur, Q, 1.0 + normA * normA, residual, "discrete Lyapunov solve");
}

std::vector<double> equalTimeCovariance(const std::vector<double>& J, int n, double sigma) {
    requireShape(J, n, "J");
    requireSigma(sigma);
    return solveContinuousLyapunov(leakMinusCoupling(J, n), n, scaledIdentity(n, sigma * sigma));
}

std::vector<double> coloredNoiseEqualTimeCovariance(const std::vector<double>& J, int n, double sigma, double tau) {
    requireShape(J, n, "J");
    requireSigma(sigma);
    if (!(tau > 0.0) || !std::isfinite(tau)) throw std::invalid_argument("lyapunov: tau must be finite and > 0");
    const std::size_t nn = static_cast<std::size_t>(n), m = 2 * nn;
    const std::vector<double> leak = leakMinusCoupling(J, n);
    std::vector<double> M(m * m, 0.0), Q(m * m, 0.0);
    for (std::size_t i = 0; i < nn; ++i) {
        for (std::size_t k = 0; k < nn; ++k) M[i * m + k] = leak[i * nn + k];
        M[i * m + nn + i] = -1.0;
        M[(nn + i) * m + nn + i] = 1.0 / tau;
        Q[(nn + i) * m + nn + i] = sigma * sigma / (tau * tau);
    }
    const std::vector<double> P = solveContinuousLyapunov(M, 2 * n, Q);
    std::vector<double> C(nn * nn);
    for (std::size_t i = 0; i < nn; ++i)
        for (std::size_t k = 0; k < nn; ++k) C[i * nn + k] = P[i * m + k];
    return C;
}

std::vector<double> zeroFrequencyCovariance(const std::vector<double>& J, int n, double sigma) {
    requireShape(J, n, "J");
    requireSigma(sigma);
    const std::vector<double> M = leakMinusCoupling(J, n);
    realSchurOfStableGenerator(M, n, false);  // stability check only: the ZF covariance needs a stationary state
    std::vector<double> lu(M);
    std::vector<double> inverse = scaledIdentity(n, 1.0);
    std::vector<lapack_int> pivots(n);
    const lapack_int info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, n, n, lu.data(), n, pivots.data(), inverse.data(), n);
    if (info != 0) throw std::domain_error("lyapunov: 1-J is singular (dgesv info = " + std::to_string(info) + ")");
    std::vector<double> C(M.size());
    gemm(false, true, n, sigma * sigma, inverse, inverse, 0.0, C);
    symmetrize(C, n);
    requireFinite(C, "zero-frequency covariance");
    return C;
}

std::vector<double> discreteStationaryCovariance(const std::vector<double>& A, int n, const std::vector<double>& Q) {
    return solveDiscreteLyapunov(A, n, Q);
}

}  // namespace quench::theory
