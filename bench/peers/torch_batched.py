#!/usr/bin/env python3
"""Hand-written batched PyTorch baseline: the step quench integrates, written the way a careful
theorist would on a GPU today.

For R realizations at once (J: R x N x N, state X: R x N x K) one exponential-Euler step is
    H = J @ tanh(X);  X = e X + (1 - e) H + sigma sqrt((1 - e^2)/2) xi,  e = exp(-dt), xi ~ N(0, 1),
as torch.bmm (one strided-batched cuBLAS GEMM) plus in-place elementwise ops on preallocated
buffers, plain eager mode (no CUDA graphs, no torch.compile). Timed with CUDA events after a
warm-up; median of 3 repeats. Writes {"device", "torch", "cases": [...]} with --json.
"""
import argparse
import gc
import json
import math
import statistics

import torch

DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


def parse_cases(text):
    return [tuple(int(v) for v in case.split(":")) for case in text.split(",") if case]


def timed(step, steps):
    """Seconds for `steps` steps, measured on the GPU (the host loop only enqueues)."""
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(steps):
        step()
    end.record()
    end.synchronize()
    return start.elapsed_time(end) / 1e3


@torch.inference_mode()
def run_case(n, r, k, args):
    dtype = DTYPES[args.dtype]
    j = torch.randn(r, n, n, device="cuda", dtype=dtype).mul_(args.g / math.sqrt(n))
    x = torch.randn(r, n, k, device="cuda", dtype=dtype).mul_(0.1)
    phi, h, noise = torch.empty_like(x), torch.empty_like(x), torch.empty_like(x)
    decay = math.exp(-args.dt)
    drive_gain = 1.0 - decay
    kick = args.sigma * math.sqrt((1.0 - decay * decay) / 2.0)

    def step():
        torch.tanh(x, out=phi)
        torch.bmm(j, phi, out=h)
        x.mul_(decay).add_(h, alpha=drive_gain).add_(noise.normal_(), alpha=kick)

    timed(step, args.warmup)  # cuBLAS heuristics, allocator, clocks
    steps = args.steps
    if args.target_seconds > 0:
        # One probe batch sets the step count so each timed repeat lasts about target_seconds.
        probe = max(1, min(args.steps, 10))
        per_step = timed(step, probe) / probe
        steps = max(10, round(args.target_seconds / max(per_step, 1e-9)))
    seconds = statistics.median(timed(step, steps) / steps for _ in range(3))
    if not torch.isfinite(x).all():
        raise RuntimeError("PyTorch baseline diverged")
    return {"n": n, "r": r, "k": k, "dtype": args.dtype, "steps": steps, "seconds_per_step": seconds,
            "neuron_steps_per_s": n * k * r / seconds}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", default="128:8192:1,1024:1024:1", help="comma-separated N:R:K")
    p.add_argument("--steps", type=int, default=200, help="timed steps per repeat when --target-seconds is 0")
    p.add_argument("--target-seconds", type=float, default=0.5,
                   help="pick the step count so one timed repeat lasts about this long (0: use --steps)")
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--dtype", choices=sorted(DTYPES), default="fp32")
    p.add_argument("--tf32", action="store_true", help="let fp32 bmm use TF32 tensor cores (torch default: off)")
    p.add_argument("--g", type=float, default=0.9)
    p.add_argument("--sigma", type=float, default=0.5)
    p.add_argument("--dt", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", help="write the results here")
    args = p.parse_args()

    torch.backends.cuda.matmul.allow_tf32 = args.tf32
    torch.manual_seed(args.seed)
    cases = []
    for n, r, k in parse_cases(args.cases):
        try:
            case = run_case(n, r, k, args)
            print(f"torch {args.dtype} N={n} R={r} K={k}: {case['seconds_per_step'] * 1e6:.1f} us/step, "
                  f"{case['neuron_steps_per_s']:.3g} neuron-steps/s ({case['steps']} steps x 3)", flush=True)
        except RuntimeError as e:  # torch.cuda.OutOfMemoryError ("CUDA out of memory. ...") and cuBLAS failures
            case = {"n": n, "r": r, "k": k, "dtype": args.dtype, "error": (str(e).splitlines() or ["?"])[0]}
            print(f"torch {args.dtype} N={n} R={r} K={k}: {case['error']}", flush=True)
        # The exception's traceback (cleared on leaving the except block) held the case's tensors;
        # collect them and give the cached blocks back so the next case starts from an empty pool.
        gc.collect()
        torch.cuda.empty_cache()
        cases.append(case)
    if args.json:
        record = {"device": torch.cuda.get_device_name(), "torch": torch.__version__, "tf32": args.tf32,
                  "cases": cases}
        with open(args.json, "w") as f:
            json.dump(record, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
