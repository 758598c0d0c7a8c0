"""Figures of the curves of validate.json (points[*].series: e.g. the autocorrelation C(tau)): per
curve name, every grid point's simulation at the largest N as a band of ± 2 standard errors around
the disorder mean, the N = ∞ theory curve (solid: exact, dashed: linear equivalence), and below the
z of every point with the pass threshold."""
import math
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

LINESTYLE = {"exact": "-", "linear_equivalence": "--", "derived": ":"}
YLABEL = {
    "autocorrelation": "C(τ) = mean_i Cov(v_i(t), v_i(t+τ))",
    "spectral.auto_mean": "a(ω) = mean_i C_ii(ω) of v",
    "spectral.n_cross_var": "N mean_{i≠j} |C_ij(ω)|² of v",
    "spectral.pr_over_n": "PR(ω)/N of v",
}


def _finite(v):
    return v is not None and isinstance(v, (int, float)) and math.isfinite(v)


def _curve_names(doc):
    names = []
    for point in doc["points"]:
        for curve in point.get("series") or []:
            if curve["name"] not in names:
                names.append(curve["name"])
    return names


def _curve_figure(doc, name, directory, save):
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7.0, 6.4), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 1.2]})
    threshold = doc.get("threshold", 4.0)
    for i, point in enumerate(doc["points"]):
        curve = next((c for c in point.get("series") or [] if c["name"] == name), None)
        if curve is None or not curve["sizes"]:
            continue
        colour = f"C{i % 10}"
        largest = curve["sizes"][-1]
        rows = [(t, m, s) for t, m, s in zip(curve["at"], largest["mean"], largest["sem"]) if _finite(m) and _finite(s)]
        if rows:
            at, mean, sem = zip(*rows)
            top.fill_between(at, [m - 2 * s for m, s in zip(mean, sem)], [m + 2 * s for m, s in zip(mean, sem)],
                             color=colour, alpha=0.35, lw=0,
                             label=f"{point['label']}: simulation N = {largest['n']} (± 2 s.e.)")
        theory = curve["theory"]
        if theory.get("values"):
            top.plot(curve["at"], theory["values"], LINESTYLE.get(theory.get("tag"), "-"), color=colour, lw=1.2,
                     label=f"{point['label']}: theory N = ∞ ({theory.get('tag')}) — {curve['verdict']}")
        else:
            top.plot([], [], " ", label=f"{point['label']}: no theory ({theory.get('reason', '')})")
        zs = [(t, z) for t, z in zip(curve["at"], curve["z"]) if _finite(z)]
        if zs:
            bottom.plot(*zip(*zs), ".", color=colour, ms=3)
    for s in (-1, 1):
        bottom.axhline(s * threshold, color="k", lw=0.8, ls=":")
    bottom.axhline(0.0, color="k", lw=0.5)
    variable, _, kind = name.partition(".")
    if kind.startswith("mode_autocorrelation."):
        label = f"A_{kind.rsplit('.', 1)[1]}(τ) = uᵀC(τ)u / uᵀC(0)u, mode {kind.rsplit('.', 1)[1]} of {variable}"
    else:
        label = YLABEL.get(kind, kind).replace("v_i", f"{variable}_i").replace("of v", f"of {variable}")
    top.set_ylabel(label)
    top.legend(fontsize=7)
    top.grid(alpha=0.3)
    sizes = doc.get("sizes") or []
    bottom.set_ylabel("z" + (" (fit S_∞)" if len(sizes) >= 2 else ""))
    abscissa = next((c["abscissa"] for p in doc["points"] for c in p.get("series") or [] if c["name"] == name), "")
    bottom.set_xlabel({"tau": "lag τ", "omega": "frequency ω"}.get(abscissa, abscissa))
    bottom.grid(alpha=0.3)
    label = "".join(c if c.isalnum() or c in ".-" else "_" for c in name)
    return save(fig, doc, f"{name} vs theory", os.path.join(directory, f"series_{label}.png"), dpi=110,
                rect=(0, 0, 1, 0.95), fontsize=8)


def series_figures(doc, directory, save):
    """One figure per curve name; returns the paths written."""
    return [_curve_figure(doc, name, directory, save) for name in _curve_names(doc)]
