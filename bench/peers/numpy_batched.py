#!/usr/bin/env python3
"""Hand-written numpy/OpenBLAS baseline: the step quench integrates, written the way a theorist
would batch it today.

For R realizations at once (J: R x N x N, state X: R x N x K) one exponential-Euler step is
    H = J @ tanh(X);  X = e X + (1 - e) H + sqrt((1 - e^2)/2) sigma xi,  xi ~ N(0, 1),
with numpy's matmul on the stacked matrices (one BLAS GEMM per realization) and numpy's normal
generator. Prints one JSON line with the measured neuron-steps per second.
"""
import argparse
import json
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=256)
    parser.add_argument("--r", type=int, default=64)
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--g", type=float, default=0.5)
    parser.add_argument("--dt", type=float, default=0.01)
    args = parser.parse_args()

    dtype = np.dtype(args.dtype)
    rng = np.random.default_rng(1)
    j = (rng.standard_normal((args.r, args.n, args.n), dtype=dtype) * (args.g / np.sqrt(args.n))).astype(dtype)
    x = rng.standard_normal((args.r, args.n, args.k), dtype=dtype)
    e = np.exp(-args.dt)
    decay, gain, kick = dtype.type(e), dtype.type(1 - e), dtype.type(np.sqrt((1 - e * e) / 2))

    def step(x):
        h = np.matmul(j, np.tanh(x))
        xi = rng.standard_normal(x.shape, dtype=dtype)
        return decay * x + gain * h + kick * xi

    for _ in range(5):  # warm-up: page in J, settle BLAS threads
        x = step(x)
    start = time.perf_counter()
    for _ in range(args.steps):
        x = step(x)
    seconds = time.perf_counter() - start
    if not np.all(np.isfinite(x)):
        raise SystemExit("numpy baseline diverged")
    neuron_steps = args.n * args.k * args.r * args.steps
    print(json.dumps({"peer": "numpy", "numpy": np.__version__, "n": args.n, "r": args.r, "k": args.k,
                      "steps": args.steps, "dtype": args.dtype, "seconds": seconds,
                      "neuron_steps_per_s": neuron_steps / seconds}))


if __name__ == "__main__":
    main()
