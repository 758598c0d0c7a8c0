"""The effective-rank collapse of random-mode couplings: PR/N of the linear zero-frequency covariance
against kappa = g^4 N / PR_D for several spectrum shapes at one g, with the theory curve
PR/N = (1 - g^2)^2 / (1 + kappa) (docs/theory/random_mode.md). Reads validate.json from each RUN
directory (one `quench validate` output per spectrum shape), writes OUT/collapse.png and OUT/collapse.md:

    python3 -m quench_plots.random_mode_rank OUT RUN [RUN ...]
"""
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

STATISTIC = "x.zero_frequency.pr_over_n"
MARKERS = {"power_law": "o", "exponential": "s", "two_valued": "^", "flat": "D"}


def mode_spectrum(coupling, n):
    """D_a as include/quench/mode_spectrum.hpp builds it (normalized to (1/N) sum D^2 = g^2)."""
    p = max(1, int(math.floor(coupling["mode_ratio"] * n + 0.5)))
    kind, decay = coupling["spectrum"], coupling["spectrum_decay"]
    strong = min(p, max(1, int(math.floor(coupling.get("strong_fraction", 1.0) * p + 0.5))))
    d = []
    for a in range(1, p + 1):
        value = 1.0
        if kind == "power_law":
            value = a ** -decay
        elif kind == "exponential":
            value = math.exp(-decay * a / p)
        elif kind == "two_valued" and a > strong:
            value = coupling["weak_ratio"]
        d.append(value)
    scale = coupling["g"] * math.sqrt(n / sum(x * x for x in d))
    return [x * scale for x in d]


def collapse_points(runs):
    rows = []
    for run in runs:
        name = os.path.basename(os.path.normpath(run))
        path = os.path.join(run, "validate.json")
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for point in doc["points"]:
            coupling = dict(doc["config"]["coupling"])
            for key, value in point["parameters"].items():
                section, field = key.split(".", 1)
                if section == "coupling":
                    coupling[field] = value
            stat = next(s for s in point["statistics"] if s["name"] == STATISTIC)
            for size in stat["sizes"]:
                n = size["n"]
                d = mode_spectrum(coupling, n)
                s2, s4 = sum(x ** 2 for x in d), sum(x ** 4 for x in d)
                rank = s2 * s2 / s4
                g = coupling["g"]
                kappa = g ** 4 * n / rank
                theory = (1 - g * g) ** 2 / (1 + kappa)
                if size["theory"] is not None and abs(size["theory"] - theory) > 1e-9:
                    raise ValueError(f"{name} {point['label']}: theory {size['theory']} != closed form {theory}")
                rows.append({"spectrum": coupling["spectrum"], "label": point["label"], "n": n, "g": g,
                             "rank_over_n": rank / n, "kappa": kappa, "mean": size["mean"], "sem": size["sem"],
                             "theory": theory, "z": (size["mean"] - theory) / size["sem"],
                             "realizations": next(r["realizations"] for r in point["runs"] if r["n"] == n)})
    if not rows:
        raise ValueError("no grid points in the validate.json files given")
    return rows


def write_collapse(directory, runs):
    rows = collapse_points(runs)
    gs = sorted({r["g"] for r in rows})
    fig, (ax, res) = plt.subplots(2, 1, figsize=(7, 6.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    kmax = max(r["kappa"] for r in rows) * 1.08
    for g in gs:
        ks = [kmax * i / 200 for i in range(201)]
        ax.plot(ks, [(1 - g * g) ** 2 / (1 + k) for k in ks], "k-", lw=1.2,
                label=f"theory (1-g²)²/(1+κ), g = {g:g}")
    for spectrum in sorted({r["spectrum"] for r in rows}):
        sel = [r for r in rows if r["spectrum"] == spectrum]
        kw = dict(marker=MARKERS.get(spectrum, "x"), ls="none", capsize=3, ms=6, label=spectrum.replace("_", " "))
        ax.errorbar([r["kappa"] for r in sel], [r["mean"] for r in sel], yerr=[r["sem"] for r in sel], **kw)
        res.errorbar([r["kappa"] for r in sel], [r["mean"] - r["theory"] for r in sel],
                     yerr=[r["sem"] for r in sel], **kw)
    ns = sorted({r["n"] for r in rows})
    ax.set_ylabel("PR / N  (zero frequency)")
    ax.legend(fontsize=9)
    ax.set_title(f"random-mode couplings, linear, ρ = 0, N = {', '.join(map(str, ns))}, zero-frequency PR/N:\n"
                 "points of different spectrum shapes against κ = g⁴N/PR_D (mean ± SE over realizations)",
                 fontsize=10)
    res.axhline(0.0, color="k", lw=1)
    res.set_xlabel("κ = g⁴ N / PR_D = (1/N) Σ D_a⁴")
    res.set_ylabel("sim − theory")
    fig.tight_layout()
    png = os.path.join(directory, "collapse.png")
    fig.savefig(png, dpi=130)
    plt.close(fig)
    lines = ["| spectrum | point | N | R | PR_D/N | kappa | PR/N (sim) | SE | theory | z |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in sorted(rows, key=lambda r: r["kappa"]):
        lines.append(f"| {r['spectrum']} | {r['label']} | {r['n']} | {r['realizations']} | {r['rank_over_n']:.4f} | "
                     f"{r['kappa']:.4f} | {r['mean']:.4f} | {r['sem']:.4f} | {r['theory']:.4f} | {r['z']:+.2f} |")
    z2 = sum(r["z"] ** 2 for r in rows)
    lines.append("")
    lines.append(f"{len(rows)} points, sum z² = {z2:.2f}, max |z| = {max(abs(r['z']) for r in rows):.2f}")
    md = os.path.join(directory, "collapse.md")
    with open(md, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return png, md, lines


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    os.makedirs(sys.argv[1], exist_ok=True)
    png, md, lines = write_collapse(sys.argv[1], sys.argv[2:])
    print("\n".join(lines))
    print(f"plot: {png}\ntable: {md}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
