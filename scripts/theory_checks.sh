#!/usr/bin/env bash
# Regenerates the simulator-vs-DMFT table of docs/theory-checks.md.
#   scripts/theory_checks.sh [BUILD_DIR]      (default build-t4; ~15 min of simulation on 2 cores)
# Environment: QUENCH=path/to/quench overrides the binary; PHASE=simulate|table runs one phase;
# N400_POINTS='name ...' repeats those points at N = 400 (default: tanh_g1.2_s0.2; ~5 min each).
# Phase 1 simulates every point (skipped when its result file exists), phase 2 asks `quench theory`
# for the same configs and prints the markdown table (theory value, simulated mean +- sem, z).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="${QUENCH:-$root/${1:-build-t4}/quench}"
out="$root/results/theory-checks"
mkdir -p "$out"

common=(--set integration.dt=0.02 --set integration.t_burn=100
        --set ensemble.realizations=32 --set ensemble.trials=8 --set ensemble.seed=11
        --set integration.sample_interval=0.5)

# name  activation  g  sigma  t_max  t_bin  [n]
points=(
  "tanh_g0.5_s0.2  tanh 0.5 0.4472135955 300 10"
  "tanh_g0.5_s1    tanh 0.5 1            300 10"
  "tanh_g0.5_s2    tanh 0.5 1.4142135624 300 10"
  "tanh_g0.8_s0.2  tanh 0.8 0.4472135955 300 10"
  "tanh_g0.8_s1    tanh 0.8 1            300 10"
  "tanh_g0.8_s2    tanh 0.8 1.4142135624 300 10"
  "tanh_g1.2_s0.2  tanh 1.2 0.4472135955 800 25"
  "tanh_g1.2_s1    tanh 1.2 1            800 25"
  "tanh_g1.2_s2    tanh 1.2 1.4142135624 800 25"
  "tanh_g1.5_s0.2  tanh 1.5 0.4472135955 800 50"
  "tanh_g1.5_s1    tanh 1.5 1            800 25"
  "tanh_g1.5_s2    tanh 1.5 1.4142135624 800 25"
  "tanh_g2_s0.2    tanh 2.0 0.4472135955 800 50"
  "tanh_g2_s1      tanh 2.0 1            800 50"
  "tanh_g2_s2      tanh 2.0 1.4142135624 800 50"
  "pow_g0.5_s1     power_law 0.5 1       300 10"
  "pow_g1.2_s1     power_law 1.2 1       800 25"
  "pow_g2_s1       power_law 2.0 1       800 50"
)

config_of() {  # activation g sigma t_max t_bin n
    echo --set network.activation="$1" --set network.alpha=0.5 --set coupling.g="$2" --set noise.sigma="$3" \
        --set integration.t_max="$4" --set integration.t_bin="$5" --set network.n="$6"
}

run_point() {  # name activation g sigma t_max t_bin [n]
    local name=$1 n=${7:-200}
    [[ -f "$out/$name.json" ]] && return 0
    echo "simulate $name (N = $n)" >&2
    # shellcheck disable=SC2046
    "$bin" simulate --quiet "${common[@]}" $(config_of "$2" "$3" "$4" "$5" "$6" "$n") --out "$out/$name"
}

if [[ "${PHASE:-all}" != table ]]; then
    for p in "${points[@]}"; do run_point $p; done
    # Finite-size check of the points with the largest z: the same model at N = 400.
    for extra in ${N400_POINTS-tanh_g1.2_s0.2}; do
        for p in "${points[@]}"; do
            set -- $p
            [[ $1 == "$extra" ]] && run_point "${1}_n400" "$2" "$3" "$4" "$5" "$6" 400
        done
    done
    # Time-step check of the equal-time dimension: one point again at dt = 0.01.
    if [[ ! -f "$out/tanh_g0.5_s1_dt0.01.json" ]]; then
        # shellcheck disable=SC2046
        "$bin" simulate --quiet "${common[@]}" $(config_of tanh 0.5 1 300 10 200) --set integration.dt=0.01 \
            --out "$out/tanh_g0.5_s1_dt0.01"
    fi
fi
[[ "${PHASE:-all}" == simulate ]] && exit 0

for p in "${points[@]}"; do
    set -- $p
    for name in "$1" "$1_n400" "$1_dt0.01"; do
        [[ -f "$out/$name.json" ]] || continue
        n=$(jq '.config.network.n' "$out/$name.json")
        # shellcheck disable=SC2046
        "$bin" theory --quiet $(config_of "$2" "$3" "$4" "$5" "$6" "$n") --out "$out/$name.theory"
    done
done
python3 - "$out" <<'PY'
import json, math, pathlib, sys
out = pathlib.Path(sys.argv[1])
def stat(j, path):
    v, c, s = path.split(".")
    e = j["summary"][v][c][s]
    return e["mean"], e["sem"]
def theory(t, path):
    node = t["points"][0]
    for k in path.split("."):
        node = node.get(k) if isinstance(node, dict) else None
        if node is None: return None
    return node["value"]
def cell(t, j, tpath, spath):
    th = theory(t, tpath)
    m, s = stat(j, spath)
    z = (m - th) / s if th is not None and s else float("nan")
    ths = f"{th:.4f}" if th is not None else "-"
    return f"{ths} | {m:.4f} ± {s:.4f} | {z:+.1f}"
print("| point | N | R x K | t_bin | gamma | g_eff | Delta0 theory | x.ET.auto_mean sim | z | a_phi theory | phi.ET.auto_mean sim | z | PR_phi^ZF/N theory (L) | phi.ZF.pr_over_n sim | z |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for f in sorted(out.glob("*.theory.json"), key=lambda p: p.name):
    name = f.name[:-len(".theory.json")]
    j = json.load(open(out / f"{name}.json")); t = json.load(open(f))
    cfg = j["config"]
    row = [name, str(cfg["network"]["n"]), f'{cfg["ensemble"]["realizations"]} x {cfg["ensemble"]["trials"]}',
           str(cfg["integration"]["t_bin"]), f'{theory(t, "gamma"):.4f}', f'{theory(t, "g_eff"):.4f}',
           cell(t, j, "delta0", "x.equal_time.auto_mean"),
           cell(t, j, "phi.equal_time.auto_mean", "phi.equal_time.auto_mean"),
           cell(t, j, "phi.zero_frequency.pr_over_n", "phi.zero_frequency.pr_over_n")]
    print("| " + " | ".join(row) + " |")
print()
print("| point | N | x.ZF.auto_mean theory (E) | sim | z | phi.ET.pr_over_n theory (D) | sim | z |")
print("|---|---|---|---|---|---|---|---|")
for f in sorted(out.glob("*.theory.json"), key=lambda p: p.name):
    name = f.name[:-len(".theory.json")]
    j = json.load(open(out / f"{name}.json")); t = json.load(open(f))
    row = [name, str(j["config"]["network"]["n"]),
           cell(t, j, "x.zero_frequency.auto_mean", "x.zero_frequency.auto_mean"),
           cell(t, j, "phi.equal_time.pr_over_n", "phi.equal_time.pr_over_n")]
    print("| " + " | ".join(row) + " |")
PY
