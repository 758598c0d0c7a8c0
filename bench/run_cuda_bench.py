#!/usr/bin/env python3
"""CUDA backend against the batched PyTorch peer, in one call, on the same GPU.

Runs BUILD/bench/quench_bench_cuda once per (precision, storage) and bench/peers/torch_batched.py
once per peer dtype (fp32, plus bf16/fp16 when such a storage is asked), merges them per
(N, R, K), and writes bench/results/cuda-<date>.json and a Markdown table cuda-<date>.md.
speedup_vs_pytorch compares against the peer of the same dtype class (fp32 storage: fp32 peer;
bf16/fp16 storage: the half-precision peer); speedup_vs_pytorch_fp32 always uses the fp32 peer.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HALF = ("bf16", "fp16")


def default_cases():
    # R keeps J near 2^30 elements (4 GiB fp32) for large N, capped at 8192 realizations for small N.
    cases = []
    for n in (64, 128, 256, 512, 1024, 2048, 4096):
        r = min(8192, max(16, 2**30 // (n * n)))
        cases += [f"{n}:{r}:{k}" for k in (1, 32)]
    return ",".join(cases)


def run_to_json(cmd, path):
    """Run cmd (its progress lines go straight to our stdout) and load the JSON it wrote to path."""
    print("+ " + " ".join(cmd), flush=True)
    try:
        rc = subprocess.run(cmd).returncode
    except OSError as e:
        print(f"warning: {e}", file=sys.stderr)
        return None
    if rc != 0:
        print(f"warning: exit status {rc}: {cmd[0]}", file=sys.stderr)
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"warning: no results from {cmd[0]}: {e}", file=sys.stderr)
        return None


def load(path):
    with open(path) as f:
        return json.load(f)


def fmt(value, spec):
    return "—" if value is None else format(value, spec).replace("e+", "e")


def markdown(record):
    lines = [f"CUDA benchmark {record['date']} on {record['device']}, commit {record['commit']}, "
             f"quench {record['version'] or '—'}, torch {record['torch'] or '—'}; "
             f"copy bandwidth {fmt(record['bandwidth_gb_s'], '.0f')} GB/s, "
             f"SGEMM {fmt(record['sgemm_tflop_s'], '.1f')} TFLOP/s.", "",
             "| N | R | K | precision/storage | path | quench neuron-steps/s | PyTorch neuron-steps/s | speedup "
             "| roofline fraction | bound |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for c in record["cases"]:
        peer = fmt(c["pytorch_neuron_steps_per_s"], ".3g")
        if c["pytorch_dtype"] not in (None, "fp32"):
            peer += f" ({c['pytorch_dtype']})"
        lines.append(f"| {c['n']} | {c['r']} | {c['k']} | {c['precision']}/{c['storage']} | {c['path'] or '—'} "
                     f"| {fmt(c['quench_neuron_steps_per_s'], '.3g')} | {peer} "
                     f"| {fmt(c['speedup_vs_pytorch'], '.2f')}{'x' if c['speedup_vs_pytorch'] else ''} "
                     f"| {fmt(c['roofline_fraction'], '.2f')} | {c['bound'] or '—'} |")
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--out", default=os.path.join(ROOT, "bench", "results"), help="result directory")
    p.add_argument("--cases", default=None, help="comma-separated N:R:K (default: N = 64..4096 x K = 1, 32)")
    p.add_argument("--precisions", default="fp32", help="comma list of quench --precision values")
    p.add_argument("--storages", default="fp32", help="comma list of quench --storage values (fp32, bf16, fp16)")
    p.add_argument("--python", default="python3", help="interpreter with torch for the peer")
    p.add_argument("--target-seconds", default="0.5", help="peer: seconds per timed repeat")
    p.add_argument("--peer-only", action="store_true", help="run only the PyTorch peer")
    p.add_argument("--quench-json", action="append", default=[], help="reuse this quench JSON instead of running "
                   "the binary (repeatable; cases carry their precision/storage)")
    p.add_argument("--name", help="suffix of the result files: cuda-<date>-<name>.json")
    p.add_argument("--peer-json", action="append", default=[], help="reuse this peer JSON instead of running torch "
                   "(repeatable; cases carry their dtype)")
    args = p.parse_args()

    precisions = [v for v in args.precisions.split(",") if v]
    storages = [v for v in args.storages.split(",") if v]
    quench_runs = [load(path) for path in args.quench_json]
    peer_runs = [load(path) for path in args.peer_json]
    # A reused quench JSON defines the cases unless --cases says otherwise.
    reused = [(c["n"], c["r"], c["k"]) for q in quench_runs for c in q.get("cases", [])]
    cases = args.cases or ",".join(dict.fromkeys(f"{n}:{r}:{k}" for n, r, k in reused)) or default_cases()
    failed = False

    with tempfile.TemporaryDirectory() as tmp:
        if not args.quench_json and not args.peer_only:
            binary = os.path.join(args.build, "bench", "quench_bench_cuda")
            for prec in precisions:
                for stor in storages:
                    path = os.path.join(tmp, f"quench-{prec}-{stor}.json")
                    q = run_to_json([binary, "--cases", cases, "--precision", prec, "--storage", stor,
                                     "--json", path], path)
                    failed |= q is None
                    quench_runs += [q] if q else []
        if not args.peer_json:
            asked = set(storages) | {c.get("storage") for q in quench_runs for c in q.get("cases", [])}
            for dtype in ["fp32"] + [h for h in HALF if h in asked]:
                path = os.path.join(tmp, f"torch-{dtype}.json")
                peer = run_to_json([args.python, os.path.join(ROOT, "bench", "peers", "torch_batched.py"),
                                    "--cases", cases, "--dtype", dtype, "--target-seconds", args.target_seconds,
                                    "--json", path], path)
                failed |= peer is None
                peer_runs += [peer] if peer else []

    # Peer rates by (n, r, k, dtype); cases that carry "error" simply have no rate.
    peer_rate = {(c["n"], c["r"], c["k"], c["dtype"]): c.get("neuron_steps_per_s")
                 for run in peer_runs for c in run.get("cases", [])}
    peer_error = {(c["n"], c["r"], c["k"], c["dtype"]): c["error"]
                  for run in peer_runs for c in run.get("cases", []) if "error" in c}
    # Quench rows: every reported case, plus a placeholder for each requested case with no report
    # (binary failed, --peer-only), so the table still lists the peer number. A reused JSON holds
    # what it holds: placeholders there only for cases it lacks in every precision/storage.
    rows = [c for q in quench_runs for c in q.get("cases", [])]
    if args.quench_json:
        combos = sorted({(c.get("precision"), c.get("storage", "fp32")) for c in rows})
        seen = {(c["n"], c["r"], c["k"], prec, stor) for c in rows for prec, stor in combos}
    else:
        combos = [(prec, stor) for prec in precisions for stor in storages]
        seen = {(c["n"], c["r"], c["k"], c.get("precision"), c.get("storage", "fp32")) for c in rows}
    for n, r, k in (tuple(int(v) for v in case.split(":")) for case in cases.split(",") if case):
        rows += [{"n": n, "r": r, "k": k, "precision": prec, "storage": stor, "error": "not run"}
                 for prec, stor in combos if (n, r, k, prec, stor) not in seen]

    merged = []
    for c in rows:
        key = (c["n"], c["r"], c["k"])
        storage = c.get("storage", "fp32")
        # Same dtype class: the half peer for half storage (the matching one first), else fp32.
        prefer = [storage] + [h for h in HALF if h != storage] if storage in HALF else ["fp32"]
        dtype = next((d for d in prefer if peer_rate.get(key + (d,))), None)
        ours, theirs, fp32 = c.get("neuron_steps_per_s"), peer_rate.get(key + (dtype,)), peer_rate.get(key + ("fp32",))
        merged.append({
            "n": c["n"], "r": c["r"], "k": c["k"], "precision": c.get("precision"), "storage": storage,
            "path": c.get("path"), "quench_neuron_steps_per_s": ours, "pytorch_neuron_steps_per_s": theirs,
            "pytorch_dtype": dtype, "speedup_vs_pytorch": ours / theirs if ours and theirs else None,
            "speedup_vs_pytorch_fp32": ours / fp32 if ours and fp32 else None,
            "roofline_fraction": c.get("roofline_fraction"), "bound": c.get("bound"),
            "achieved_tflop_s": c.get("achieved_tflop_s"), "achieved_gb_s": c.get("achieved_gb_s"),
            "quench_seconds_per_step": c.get("seconds_per_step"), "bytes_per_step": c.get("bytes_per_step"),
            "flops_per_step": c.get("flops_per_step"),
            # The rate of drawing J's entries on the device: the floor of regenerating J every step.
            "coupling_generation_entries_per_s": c.get("coupling_generation_entries_per_s"),
            "quench_error": c.get("error"),
            "pytorch_error": peer_error.get(key + (prefer[0],))})
    order = {"fp32": 0, "bf16": 1, "fp16": 2}
    merged.sort(key=lambda m: (m["n"], m["k"], m["r"], m["precision"] or "", order.get(m["storage"], 3)))

    # Top-level facts come from the first quench run that has them (all ran on the same GPU).
    def first(field, runs):
        return next((run[field] for run in runs if run.get(field) is not None), None)

    commit = first("commit", quench_runs) or subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    # The time of the measurement (the quench run's), not of this merge.
    measured = first("date", quench_runs)
    date = (datetime.datetime.fromisoformat(measured.replace("Z", "+00:00")) if measured
            else datetime.datetime.now(datetime.timezone.utc))
    record = {"benchmark": "cuda_backend_vs_pytorch", "device": first("device", quench_runs) or first("device", peer_runs),
              "pytorch_device": first("device", peer_runs), "commit": commit or "unknown",
              "date": date.isoformat(timespec="seconds"), "version": first("version", quench_runs),
              "bandwidth_gb_s": first("bandwidth_gb_s", quench_runs), "sgemm_tflop_s": first("sgemm_tflop_s", quench_runs),
              "torch": first("torch", peer_runs), "command": " ".join(sys.argv), "cases": merged}
    if record["device"] != record["pytorch_device"] and record["pytorch_device"]:
        print(f"warning: quench ran on {record['device']}, PyTorch on {record['pytorch_device']}", file=sys.stderr)

    os.makedirs(args.out, exist_ok=True)
    stem = os.path.join(args.out, f"cuda-{date.strftime('%Y-%m-%d')}{'-' + args.name if args.name else ''}")
    with open(stem + ".json", "w") as f:
        json.dump(record, f, indent=1)
        f.write("\n")
    table = markdown(record)
    with open(stem + ".md", "w") as f:
        f.write(table)
    print(table + f"wrote {stem}.json and {stem}.md")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
