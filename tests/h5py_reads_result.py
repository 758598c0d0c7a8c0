#!/usr/bin/env python3
"""PREFIX.h5 is readable with h5py alone (no quench code): provenance and config as attributes,
the per-realization table, the summary, the spectra, the curves (series) and the R x N x N covariance
matrices, and
they agree with PREFIX.json. Exits 77 (ctest: skipped) when h5py is not installed.
Usage: h5py_reads_result.py QUENCH_BINARY"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import h5py
    import numpy as np
except ImportError as missing:
    print(f"skipped: {missing} (install python3-h5py)")
    sys.exit(77)

JOB = """
[network]
n = 12
activation = "erf"
[coupling]
g = 0.4
[integration]
dt = 0.05
t_burn = 5.0
t_max = 30.0
sample_interval = 0.5
t_bin = 2.0
[ensemble]
realizations = 3
trials = 4
seed = 5
[statistics]
eigenvalues = true
autocorrelation = true
tau_max = 2.0
lag_interval = 0.5
frequencies = [0.0, 1.0]
window = 5.0
[output]
covariances = true
"""


def main():
    quench = sys.argv[1]
    with tempfile.TemporaryDirectory() as work:
        with open(os.path.join(work, "job.toml"), "w") as f:
            f.write(JOB)
        subprocess.run([quench, "simulate", "job.toml", "--out", "run", "--quiet"], cwd=work, check=True)
        with open(os.path.join(work, "run.json")) as f:
            light = json.load(f)
        with h5py.File(os.path.join(work, "run.h5"), "r") as h5:
            attrs = h5.attrs
            assert attrs["format"] == "quench.simulate/1", attrs["format"]
            for name in ("quench_version", "quench_commit", "backend", "device", "date_utc", "hostname"):
                assert isinstance(attrs[name], str) and attrs[name], name
            assert attrs["seed"] == 5 and attrs["ranks"] == 1 and attrs["realizations_total"] == 3
            assert json.loads(attrs["config"]) == light["config"]
            assert h5["config/network"].attrs["n"] == 12
            assert h5["config/network"].attrs["activation"] == "erf"
            assert bool(h5["config/statistics"].attrs["eigenvalues"]) is True
            table = h5["realizations"]
            assert list(table["realization"][:]) == [0, 1, 2]
            for r, row in enumerate(light["realizations"]):
                for var in ("x", "phi"):
                    for cov in ("equal_time", "zero_frequency"):
                        for stat, value in row[var][cov].items():
                            if stat == "eigenvalues":
                                assert np.array_equal(table[f"{var}/{cov}/eigenvalues"][r], value)
                            elif value is not None:
                                assert table[f"{var}/{cov}/{stat}"][r] == value, (var, cov, stat)
            summary = h5["summary/x/equal_time/pr_over_n"].attrs
            assert summary["mean"] == light["summary"]["x"]["equal_time"]["pr_over_n"]["mean"]
            assert summary["count"] == 3
            names = json.loads(h5["realizations/series"].attrs["names"])
            assert names == json.loads(h5["summary/series"].attrs["names"])
            assert names[:2] == ["x.autocorrelation", "phi.autocorrelation"], names
            assert "phi.spectral.pr_over_n" in names, names
            for name in names:
                curve = h5[f"realizations/series/{name}"]
                assert curve["values"].shape == (3, len(curve["at"])), name
                for r, row in enumerate(light["realizations"]):
                    assert [None if np.isnan(v) else v for v in curve["values"][r]] == row["series"][name], name
                mean = h5[f"summary/series/{name}/mean"][:]
                assert list(mean) == light["summary"]["series"][name]["mean"], name
                assert list(h5[f"summary/series/{name}/at"][:]) == light["summary"]["series"][name]["at"], name
            assert list(h5["realizations/series/x.autocorrelation/at"][:]) == [0.0, 0.5, 1.0, 1.5, 2.0]
            matrices = h5["covariances/phi/zero_frequency"]
            assert matrices.shape == (3, 12, 12) and matrices.chunks == (1, 12, 12)
            assert matrices.compression == "gzip"
            assert np.allclose(matrices[1], matrices[1].T)
            trace = np.trace(matrices[1]) / 12
            assert trace == light["realizations"][1]["phi"]["zero_frequency"]["m1"] or np.isclose(
                trace, light["realizations"][1]["phi"]["zero_frequency"]["m1"], rtol=1e-12)
    print("h5py reads every part of PREFIX.h5 and it agrees with PREFIX.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
