"""Figures from validate.json. Every figure says what it shows in its title; theory curves are solid
where the theory is exact and dashed where it rests on an approximation (linear equivalence) or a
derivation still to be confirmed."""
import json
import math
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .series_plots import series_figures  # noqa: E402

STATISTICS = ["auto_mean", "cross_mean", "n_cross_var", "m2", "m3", "pr_over_n"]
PANELS = [("x", "equal_time"), ("x", "zero_frequency"), ("phi", "equal_time"), ("phi", "zero_frequency")]
LINESTYLE = {"exact": "-", "linear_equivalence": "--", "derived": ":"}



def _theory_segments(curve, theory):
    """The theory curve split by tag (exact, linear_equivalence, derived): tag -> (xs, values)."""
    segments = {}
    for x, v, tag in zip(curve["values"], theory["values"], theory["tags"]):
        if v is not None:
            segments.setdefault(tag, ([], []))
            segments[tag][0].append(x)
            segments[tag][1].append(v)
    return segments


def _size_points(doc, xs, name, n, shift):
    """Mean and sem of one statistic at size n over the scan, x shifted by `shift` so sizes do not overlap."""
    xx, ys, es = [], [], []
    for x, p in zip(xs, doc["points"]):
        row = next(r for r in _statistics_by_name(p)[name]["sizes"] if r["n"] == n)
        if _finite(row["mean"]):
            xx.append(x + shift)
            ys.append(row["mean"])
            es.append(row["sem"] or 0.0)
    return xx, ys, es


def _finite(v):
    return v is not None and isinstance(v, (int, float)) and math.isfinite(v)


def _statistics_by_name(point):
    return {s["name"]: s for s in point["statistics"]}


def _has_theory(doc, name):
    return any(_statistics_by_name(p)[name]["theory_inf"]["value"] is not None for p in doc["points"])


def _verdict_marker(stat):
    return {"PASS": "", "FAIL": "  FAIL"}.get(stat["verdict"], "")


def _file_label(label):
    return "".join(c if c.isalnum() or c in ".-" else "_" for c in label)


def _save(fig, doc, what, path, dpi, rect, fontsize=11):
    """Titles a figure with the report's title and what it shows, writes it and frees it."""
    fig.suptitle(f"{doc.get('title') or 'quench validate'}: {what}", fontsize=fontsize)
    fig.tight_layout(rect=rect)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path


def _clip_outliers(ax, theory, fit_values, fit_errors, data):
    """Keeps the axis on the theory curve, the extrapolations and the well-measured points: a
    heavy-tailed small-N average (a realization close to an instability) would otherwise flatten
    everything else. A point outside is drawn as a triangle at the edge with its value beside it."""
    errors = sorted(e for _, _, e in data)
    typical = errors[len(errors) // 2] if errors else 0.0
    core = [v for v in (theory or {}).get("values", []) if v is not None]
    core += [v + s * e for v, e in zip(fit_values, fit_errors) for s in (-1.0, 1.0)]
    core += [y + s * e for _, y, e in data if e <= 5.0 * typical for s in (-1.0, 1.0)]
    if not core:
        return
    lo, hi = min(core), max(core)
    pad = 0.08 * (hi - lo) if hi > lo else 0.05 * (abs(hi) or 1.0)
    lo, hi = lo - pad, hi + pad
    outside = [(x, y) for x, y, _ in data if y < lo or y > hi]
    if not outside and all(lo <= y - e and y + e <= hi for _, y, e in data):
        return
    for x, y in outside:
        edge = hi if y > hi else lo
        ax.plot([x], [edge], "^" if y > hi else "v", color="C3", ms=6, clip_on=False)
        ax.annotate(f"{y:.3g}", (x, edge), fontsize=6, color="C3", textcoords="offset points",
                    xytext=(4, -9 if y > hi else 4))
    ax.set_ylim(lo, hi)


def _scan_figure(doc, variable, covariance, directory):
    curve = doc["theory_curve"]
    key = curve["key"]
    names = [f"{variable}.{covariance}.{s}" for s in STATISTICS]
    names = [n for n in names if n in _statistics_by_name(doc["points"][0])]
    if not names:  # phi of a linear network: the same as x, not repeated
        return None
    fig, axes = plt.subplots(2, 3, figsize=(13, 7.5), squeeze=False)
    sizes = doc["sizes"]
    colors = plt.cm.viridis([i / max(1, len(sizes) - 1) * 0.85 for i in range(len(sizes))])
    xs = [p["parameters"][key] for p in doc["points"]]
    span = (max(xs) - min(xs)) or 1.0
    for ax, name in zip(axes.flat, names):
        data = []
        for i, n in enumerate(sizes):
            xx, ys, es = _size_points(doc, xs, name, n, (i - len(sizes) / 2) * 0.004 * span)
            ax.errorbar(xx, ys, yerr=es, fmt="o", ms=3, color=colors[i], label=f"N = {n}", capsize=2)
            data += list(zip(xx, ys, es))
        fx, fy, fe = [], [], []
        for x, p in zip(xs, doc["points"]):
            fit = _statistics_by_name(p)[name]["fit"]
            if fit.get("ok"):
                fx.append(x)
                fy.append(fit["s_inf"])
                fe.append(fit["s_inf_se"])
        if fx:
            ax.errorbar(fx, fy, yerr=fe, fmt="s", ms=4, mfc="none", color="k", capsize=2,
                        label="fit N → ∞")
        theory = curve["statistics"].get(name)
        if theory:
            for tag, (tx, ty) in _theory_segments(curve, theory).items():
                ax.plot(tx, ty, LINESTYLE.get(tag, "-"), color="C3", lw=1.5, label=f"theory N = ∞ ({tag})")
        _clip_outliers(ax, theory, fy, fe, data)
        fails = [x for x, p in zip(xs, doc["points"]) if _statistics_by_name(p)[name]["verdict"] == "FAIL"]
        for x in fails:
            ax.axvline(x, color="C3", alpha=0.15, lw=6)
        ax.set_title(name.split(".")[-1] + (" (red band: FAIL)" if fails else ""), fontsize=10)
        ax.set_xlabel(key)
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(names):]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    for ax in axes.flat[1:len(names)]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="lower center", ncol=min(6, len(labels)), fontsize=8)
    return _save(fig, doc, f"{variable}, {covariance.replace('_', '-')} covariance vs {key}",
                 os.path.join(directory, f"scan_{variable}_{covariance}.png"), dpi=110, fontsize=12,
                 rect=(0, 0.06, 1, 0.96))


def _zscore_figure(doc, directory):
    """Raw vs z-scored dimension side by side: pr_over_n of the covariance C and z_pr_over_n of the
    correlation matrix R_ij = C_ij / sqrt(C_ii C_jj), for every variable and covariance that has both."""
    curve = doc["theory_curve"]
    key = curve["key"]
    present = _statistics_by_name(doc["points"][0])
    panels = [(v, c) for v, c in PANELS if f"{v}.{c}.pr_over_n" in present and f"{v}.{c}.z_pr_over_n" in present]
    if not panels:
        return None
    fig, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels), 4.2), squeeze=False)
    sizes = doc["sizes"]
    xs = [p["parameters"][key] for p in doc["points"]]
    span = (max(xs) - min(xs)) or 1.0
    styles = {"pr_over_n": ("C0", "o", "raw PR(C)/N"), "z_pr_over_n": ("C1", "^", "z-scored PR(R)/N")}
    for ax, (variable, covariance) in zip(axes.flat, panels):
        for stat, (color, marker, label) in styles.items():
            name = f"{variable}.{covariance}.{stat}"
            for i, n in enumerate(sizes):
                xx, ys, es = _size_points(doc, xs, name, n, (i - len(sizes) / 2) * 0.006 * span)
                alpha = 0.25 + 0.6 * (i + 1) / len(sizes)
                ax.errorbar(xx, ys, yerr=es, fmt=marker, ms=3, color=color, alpha=alpha, capsize=2,
                            label=f"{label}, N = {n}")
            fx, fy, fe = [], [], []
            for x, p in zip(xs, doc["points"]):
                fit = _statistics_by_name(p)[name]["fit"]
                if fit.get("ok"):
                    fx.append(x)
                    fy.append(fit["s_inf"])
                    fe.append(fit["s_inf_se"])
            if fx:
                ax.errorbar(fx, fy, yerr=fe, fmt="s", ms=5, mfc="none", color=color, capsize=2,
                            label=f"{label}, fit N → ∞")
            theory = curve["statistics"].get(name)
            if theory:
                for tag, (tx, ty) in _theory_segments(curve, theory).items():
                    ax.plot(tx, ty, LINESTYLE.get(tag, "-"), color=color, lw=1.5, label=f"{label}, theory ({tag})")
        ax.set_title(f"{variable}, {covariance.replace('_', '-')}", fontsize=10)
        ax.set_xlabel(key)
        ax.set_ylabel("PR / N")
        ax.grid(alpha=0.3)
    handles, labels = [], []
    for ax in axes.flat:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=7)
    rows = math.ceil(len(labels) / 4)
    return _save(fig, doc, f"PR/N of C and of R vs {key}", os.path.join(directory, "zscore_dimension.png"),
                 dpi=110, fontsize=9, rect=(0, 0.04 + 0.035 * rows, 1, 0.94))


def _scaling_figure(doc, point, directory):
    stats = [s for s in point["statistics"] if s["theory_inf"]["value"] is not None and s["fit"].get("ok")]
    if not stats:
        return None
    cols = 4
    rows = math.ceil(len(stats) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.8 * rows), squeeze=False)
    for ax, s in zip(axes.flat, stats):
        inv = [1.0 / r["n"] for r in s["sizes"]]
        ax.errorbar(inv, [r["mean"] for r in s["sizes"]], yerr=[r["sem"] for r in s["sizes"]], fmt="o", ms=3,
                    color="C0", capsize=2, label="simulation")
        fit = s["fit"]
        grid = [i * max(inv) * 1.05 / 50 for i in range(51)]
        model = [fit["s_inf"] + fit["a"] * x + fit.get("b", 0.0) * x * x for x in grid]
        ax.plot(grid, model, "-", color="C0", lw=1, label="fit")
        th = s["theory_inf"]
        ax.errorbar([0], [fit["s_inf"]], yerr=[fit["s_inf_se"]], fmt="s", ms=4, mfc="none", color="C0", capsize=2)
        ax.plot([0], [th["value"]], "*", color="C3", ms=10, label="theory N = ∞")
        slope = s["theory_one_over_n"]["value"]
        if slope is not None:
            ax.plot(grid, [th["value"] + slope * x for x in grid], "--", color="C3", lw=1, label="theory 1/N slope")
        ax.set_title(f"{s['name']}{_verdict_marker(s)}", fontsize=8, color="C3" if s["verdict"] == "FAIL" else "k")
        ax.set_xlabel("1/N", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(stats):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=6)
    return _save(fig, doc, f"scaling with 1/N at {point['label']}",
                 os.path.join(directory, f"scaling_{_file_label(point['label'])}.png"), dpi=80, rect=(0, 0, 1, 0.95))


def _spectrum_figure(doc, point, directory):
    spectra = point.get("spectra") or []
    if not spectra:
        return None
    fig, axes = plt.subplots(1, len(spectra), figsize=(5.2 * len(spectra), 3.8), squeeze=False)
    for ax, sp in zip(axes.flat, spectra):
        edges = sp["edges"]
        ax.stairs(sp["density"], edges, fill=True, alpha=0.4, color="C0",
                  label=f"simulation, N = {sp['n']} ({sp['eigenvalues']} eigenvalues)")
        if "theory" in sp:
            ax.plot(sp["theory"]["lambda"], sp["theory"]["density"], "-", color="C3", lw=1.5,
                    label=f"theory N = ∞ ({sp['theory']['tag']})")
        else:
            ax.text(0.02, 0.95, "no theoretical density:\n" + sp.get("theory_reason", ""), transform=ax.transAxes,
                    fontsize=7, va="top", wrap=True)
        ax.set_xlabel(f"eigenvalue λ of the zero-frequency covariance of {sp['variable']}")
        ax.set_ylabel("density")
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
    return _save(fig, doc, f"covariance spectrum at {point['label']}",
                 os.path.join(directory, f"spectrum_{_file_label(point['label'])}.png"), dpi=100, rect=(0, 0, 1, 0.93))


def plot_validation(directory):
    """Writes directory/plots/*.png from directory/validate.json; returns the paths written."""
    with open(os.path.join(directory, "validate.json"), encoding="utf-8") as f:
        doc = json.load(f)
    if doc.get("format") != "quench.validate/1":
        raise ValueError(f"{directory}/validate.json is not a quench validate result (format {doc.get('format')})")
    out = os.path.join(directory, "plots")
    os.makedirs(out, exist_ok=True)
    files = []
    if doc.get("theory_curve"):
        for variable, covariance in PANELS:
            files.append(_scan_figure(doc, variable, covariance, out))
        files.append(_zscore_figure(doc, out))
    # Per-point figures for the first, middle and last grid point only: every number of every point
    # is in validate.json, and a long scan would otherwise fill the directory with near-copies.
    points = doc["points"]
    shown = sorted({0, len(points) // 2, len(points) - 1}) if points else []
    for i in shown:
        if len(doc["sizes"]) >= 2:
            files.append(_scaling_figure(doc, points[i], out))
        files.append(_spectrum_figure(doc, points[i], out))
    files += series_figures(doc, out, _save)
    return [f for f in files if f]
