"""Plots of `quench validate` results (validate.json): statistic vs the scanned parameter with the
theory curve, statistic vs 1/N with the scaling fit and the theory's slope, and covariance spectra
against the theoretical density. Needs only matplotlib; reads the JSON quench writes.

    python3 -m quench_plots DIR      # writes DIR/plots/*.png
"""
from .validate_plots import plot_validation  # noqa: F401
