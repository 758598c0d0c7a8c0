#!/usr/bin/env python3
"""Refit the per-N means of bench/results/linear_finite_size_check.md with more 1/N powers.

The check program fits S(N) - S_inf = c/N + d/N^2 (S_inf fixed to the N = infinity theory). For a statistic
measured to ~1 % (auto_var) the truncation matters at g = 0.7; this refits one statistic of one run with
c/N + ... + e/N^k and prints c +- SE, z against the derived c, and chi^2.

Usage: scripts/refit_linear_finite_size.py RESULTS.md "ZF g = 0.7 eta = 0 diagonal = gaussian" auto_var [POWERS]
(the title is matched against the '### ' headings; every matching run is refitted; POWERS defaults to 3).
"""
import re
import sys

import numpy as np

COLUMNS = {'auto_mean': (1, 0), 'pr_over_n': (1, 1), 'm2': (2, 0), 'n_cross_var': (2, 1), 'auto_var': (2, 2)}


def runs(text, title):
    for block in re.split(r'(?=^### )', text, flags=re.M):
        if block.startswith('### ' + title):
            yield block


def per_size(block, statistic):
    table, column = COLUMNS[statistic]
    if table == 1:
        rows = re.findall(r'^\| (\d+) \| \d+ \| \d+ \| [^|]+ \| [^|]+ \| ([-\d.]+) ± ([\d.]+) \| [^|]+ \| '
                          r'([-\d.]+) ± ([\d.]+) \|', block, re.M)
    else:
        rows = re.findall(r'^\| (\d+) \| ([-\d.]+) ± ([\d.]+) \| ([-\d.]+) ± ([\d.]+) \| ([-\d.]+) ± ([\d.]+) \|',
                          block, re.M)
    n = np.array([float(r[0]) for r in rows])
    mean = np.array([float(r[1 + 2 * column]) for r in rows])
    se = np.array([float(r[2 + 2 * column]) for r in rows])
    return n, mean, se


def theory(block, statistic):
    m = re.search(r'^\| ' + statistic + r' \| ([-\d.e+]+) \| ([-\d.e+]+) \|', block, re.M)
    return float(m.group(1)), float(m.group(2))


def main():
    text = open(sys.argv[1]).read()
    title, statistic = sys.argv[2], sys.argv[3]
    powers = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    for block in runs(text, title):
        n, mean, se = per_size(block, statistic)
        limit, derived = theory(block, statistic)
        x = 1.0 / n
        design = np.vstack([x**p for p in range(1, powers + 1)]).T
        weight = np.diag(1.0 / se**2)
        cov = np.linalg.inv(design.T @ weight @ design)
        beta = cov @ design.T @ weight @ (mean - limit)
        chi2 = float(np.sum(((mean - limit - design @ beta) / se) ** 2))
        c, c_se = beta[0], np.sqrt(cov[0, 0])
        sizes = '/'.join(str(int(v)) for v in n)
        print(f'{title} N = {sizes}, {statistic}, powers 1..{powers}: c = {c:.5g} ± {c_se:.2g} '
              f'(derived {derived:.5g}, z = {(c - derived) / c_se:+.2f}), chi2 = {chi2:.2f}/{len(n) - powers}')


if __name__ == '__main__':
    main()
