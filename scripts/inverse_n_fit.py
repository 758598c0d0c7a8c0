"""The weighted fit S(N) = S_inf + c/N (+ d/N^2) of realization means, shared by the finite-size scripts."""
import numpy as np


def fit(ns, means, ses, quadratic):
    """Least squares with weights 1/se^2: coefficients (S_inf, c[, d]), their errors, chi^2 and dof."""
    x = 1.0 / np.asarray(ns, dtype=float)
    cols = [np.ones_like(x), x] + ([x * x] if quadratic else [])
    a = np.stack(cols, axis=1) / np.asarray(ses)[:, None]
    y = np.asarray(means) / np.asarray(ses)
    coef, *_ = np.linalg.lstsq(a, y, rcond=None)
    se = np.sqrt(np.diag(np.linalg.inv(a.T @ a)))
    return coef, se, float(np.sum((a @ coef - y) ** 2)), len(ns) - len(cols)


def print_fits(name, ns, means, ses):
    """Both models, one line each."""
    for quadratic in (False, True):
        coef, se, chi2, dof = fit(ns, means, ses, quadratic)
        kind = "S_inf + c/N + d/N^2" if quadratic else "S_inf + c/N"
        print(f"{name}: {kind}: S_inf {coef[0]:.6f} +- {se[0]:.6f}, c {coef[1]:.4f} +- {se[1]:.4f}, "
              f"chi2 {chi2:.1f}/{dof}")
