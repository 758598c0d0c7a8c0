#!/usr/bin/env python3
"""The 1/N coefficients of the ET auto means with per-neuron gains, with the gains' scatter removed.

A realization's auto means move with the gains it drew (the O(1) diagonal heterogeneity): at N = 25 this
scatter is most of their variance. build/bench/quench_gain_control_variate gives, per realization, the exact
zero-mean control m = mean_i f(b_i) - E_b f (f(b) = E phi(b x)^2 at the N = infinity Var x). Each statistic S is
replaced by S - beta m with beta fitted per size by least squares: the mean is unchanged (E m = 0), the
variance drops. The adjusted means are then fitted by S(N) = S_inf + c/N (and + d/N^2), weights 1/SE^2. The tool's
second control, var_i f(b_i) - (1 - 1/N) Var_b f, follows the realization's sample spread of the gains, which
phi's auto_var inherits (heterogeneity.md, section 9; --stats phi.equal_time.auto_var):

    python3 scripts/gain_control_fit.py docs/validation/tanh_gains_finite_size/runs --delta0 0.66452 \
        --stats phi.equal_time.auto_var --limit phi.equal_time.auto_var=0.0205233

    python3 scripts/gain_control_fit.py docs/validation/tanh_gains_finite_size/runs --delta0 0.66452

With per-neuron time constants (--parameter tau) the controls are the tool's three, mean_i h(tau_i) - E h for
h = 1/tau, tau, log tau, and S is regressed on all three (one_loop_site.md, section 12):

    python3 scripts/gain_control_fit.py results/validate/tanh_time_constants_finite_size/runs --parameter tau

With both (--parameter gain,tau) S is regressed on the four controls together: the two draws come from
independent streams, so each set stays exactly zero-mean.

Several runs/ folders (independent seeds) are pooled per N, each size's adjusted means weighted by 1/SE^2.
"""
import argparse
import csv
import glob
import json
import os
import subprocess

import numpy as np

from inverse_n_fit import print_fits


def controls(tool, config, parameters, delta0):
    """Per realization, the controls of every parameter named, side by side."""
    tables = [control(tool, config, parameter, delta0) for parameter in parameters]
    return {r: [v for table in tables for v in table[r]] for r in tables[0]}


def control(tool, config, parameter, delta0):
    """Per realization, its zero-mean controls (one for the gains, three for the time constants)."""
    e, net = config["ensemble"], config["network"]
    command = [tool, "--parameter", parameter, "--activation", net["activation"], "--seed", str(e["seed"]),
               "--n", str(net["n"]), "--first", str(e["first_realization"]),
               "--realizations", str(e["realizations"]), "--distribution", net[parameter + "_distribution"],
               "--cv", str(net[parameter + "_cv"]), "--mean", str(net[parameter + "_mean"])]
    if parameter == "gain":
        command += ["--delta0", str(delta0)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout.splitlines()[1:]
    return {int(row[0]): [float(v) for v in row[1:]] for row in (line.split(",") for line in out)}


def adjusted(values, m):
    """Mean of S - beta . m and its standard error (beta by least squares on the columns of m)."""
    x = np.column_stack([np.ones(len(values)), m])
    coef, *_ = np.linalg.lstsq(x, values, rcond=None)
    residual = values - x @ coef
    return coef[0], np.sqrt(residual @ residual / (len(values) - x.shape[1]) / len(values)), coef[1:]


def pooled(ns, means, ses):
    """One mean per N: the inverse-variance weighted mean of the runs at that N."""
    out = ([], [], [], None)
    for n in sorted(set(ns)):
        w = np.array([1.0 / se**2 for m, se, k in zip(means, ses, ns) if k == n])
        m = np.array([m for m, se, k in zip(means, ses, ns) if k == n])
        out[0].append(n)
        out[1].append(float(np.sum(w * m) / np.sum(w)))
        out[2].append(float(1.0 / np.sqrt(np.sum(w))))
    return out


def fixed_limit_fits(name, ns, means, ses, limit):
    """S(N) - S_inf = c/N (+ d/N^2) with S_inf fixed at the N = infinity limit; one line per model."""
    x, y, w = 1.0 / np.asarray(ns, float), np.asarray(means) - limit, 1.0 / np.asarray(ses) ** 2
    for columns in ([x], [x, x * x]):
        a = np.column_stack(columns)
        cov = np.linalg.inv(a.T @ (a * w[:, None]))
        coef = cov @ (a.T @ (w * y))
        chi2 = float(np.sum(w * (y - a @ coef) ** 2))
        kind = "c/N + d/N^2" if len(columns) == 2 else "c/N"
        print(f"{name}: S_inf fixed at {limit:.6g}, {kind}: c {coef[0]:.4f} +- {np.sqrt(cov[0, 0]):.4f}, "
              f"chi2 {chi2:.1f}/{len(ns) - len(columns)}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="+", help="validate reports' runs/ folders (one point each)")
    p.add_argument("--parameter", choices=["gain", "tau", "gain,tau"], default="gain",
                   help="the per-neuron parameter(s) whose sampling scatter to remove")
    p.add_argument("--delta0", type=float, help="the N = infinity Var x (gains only)")
    p.add_argument("--limit", action="append", default=[], metavar="STAT=VALUE",
                   help="also fit with S_inf fixed at this N = infinity value (repeatable)")
    p.add_argument("--tool", default="build/bench/quench_gain_control_variate")
    p.add_argument("--stats", default="x.equal_time.auto_mean,phi.equal_time.auto_mean")
    o = p.parse_args()
    parameters = o.parameter.split(",")
    if "gain" in parameters and o.delta0 is None:
        p.error("--delta0 is required with --parameter gain")
    stats = o.stats.split(",")
    rows = {s: ([], [], [], []) for s in stats}  # n, adjusted mean, se, plain se
    paths = [q for folder in o.runs for q in glob.glob(os.path.join(folder, "*.json"))]
    for path in sorted(paths, key=lambda q: json.load(open(q))["config"]["network"]["n"]):
        config = json.load(open(path))["config"]
        n = config["network"]["n"]
        m_of = controls(o.tool, config, parameters, o.delta0)
        with open(path[:-5] + ".csv") as f:
            table = list(csv.DictReader(f))
        m = np.array([m_of[int(r["realization"])] for r in table])
        for s in stats:
            v = np.array([float(r[s]) for r in table])
            mean, se, beta = adjusted(v, m)
            plain = v.std(ddof=1) / np.sqrt(len(v))
            rows[s][0].append(n)
            rows[s][1].append(mean)
            rows[s][2].append(se)
            rows[s][3].append(plain)
            print(f"{s} N = {n} R = {len(v)}: plain {v.mean():.6f} +- {plain:.6f}, adjusted {mean:.6f} +- {se:.6f} "
                  f"(beta {np.array2string(beta, precision=3)})")
    limits = {k: float(v) for k, v in (item.split("=") for item in o.limit)}
    for s in stats:
        ns, means, ses, _ = pooled(*rows[s][:3])
        print_fits(s, ns, means, ses)
        if s in limits:
            fixed_limit_fits(s, ns, means, ses, limits[s])


if __name__ == "__main__":
    main()
