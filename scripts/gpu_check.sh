#!/usr/bin/env bash
# The GPU checks in one call on a machine with an NVIDIA GPU (the CUDA issue's "on a GPU" list):
# the CUDA test cases on both step paths, the benchmark beside the PyTorch peer, the 16-bit storage
# statistics check, compute-sanitizer (memcheck, racecheck) on every kernel, and the whole ctest
# suite with QUENCH_REQUIRE_GPU=1 (its CLI tests then run on the GPU through --backend auto).
# Usage (on the GPU machine, from the repository root):
#   scripts/gpu_check.sh [STAGES] [DEADLINE_S]
#     STAGES: comma list of tests,bench,storage,sanitize,ctest (default: all, in that order)
#     DEADLINE_S: the last stage (ctest) is cut to end by then (default 480)
# With a bundle made by scripts/gpu_bundle.sh in .gpu/ it runs that build (for GPU machines without
# quench's dependencies); otherwise ./build. Logs and JSON go to $OUT (default out/gpu).
set -uo pipefail
root=$PWD
OUT=${OUT:-$root/out/gpu}
mkdir -p "$OUT"
stages=${1:-tests,bench,storage,sanitize,ctest}
deadline=${2:-480}
has() { [[ ",$stages," == *",$1,"* ]]; }

if [[ -f .gpu/bundle.tar.xz ]]; then
    tar -xJf .gpu/bundle.tar.xz -C .gpu && tar -xf .gpu/build.tar -C "$root" && rm .gpu/build.tar
    export LD_LIBRARY_PATH=$root/.gpu/lib:/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}
    # ctest's files name the paths of the machine that built them.
    built_at=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' build/CMakeCache.txt)
    if [[ -n $built_at && ! -e $built_at ]]; then mkdir -p "$(dirname "$built_at")" && ln -s "$root" "$built_at"; fi
fi
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader | tee "$OUT/device.txt"
missing=$(ldd build/quench | grep 'not found')
[[ -z $missing ]] || { echo "missing libraries: $missing"; exit 1; }

logs=$OUT/logs
mkdir -p "$logs"
summary=()
stage() {  # stage NAME SECONDS COMMAND...
    local name=$1 limit=$2
    shift 2
    local start=$SECONDS
    timeout "$limit" "$@" >"$logs/$name.log" 2>&1
    local rc=$?
    summary+=("$(printf '%-20s rc=%-3s %4ss  %s' "$name" "$rc" $((SECONDS - start)) \
        "$(grep -E '^\[  (PASSED|FAILED) |tests passed|ERROR SUMMARY|verdict|FAILED TEST' "$logs/$name.log" | sort -u | tr '\n' ' ')")")
    echo "${summary[-1]}"
}
tests=build/tests/quench_core_tests
export QUENCH_REQUIRE_GPU=1

if has tests; then
    stage tests_auto 90 $tests --gtest_filter='*Cuda*:*Sixteen*'
    QUENCH_CUDA_STEP_PATH=cublas stage tests_cublas 60 $tests --gtest_filter='*CudaFp32'
fi
if has bench; then
    bench=build/bench/quench_bench_cuda
    cases=64:8192:1,64:8192:32,128:8192:1,128:8192:32,256:8192:1,256:8192:32,512:4096:1,512:4096:32
    cases=$cases,1024:1024:1,1024:1024:32,2048:256:1,2048:256:32,4096:64:1,4096:64:32
    stage bench_fp32 60 $bench --target-seconds 0.15 --cases $cases --json "$OUT/quench_fp32.json"
    stage bench_bf16 60 $bench --target-seconds 0.15 --storage bf16 --cases $cases --json "$OUT/quench_bf16.json"
    stage bench_fp16 30 $bench --target-seconds 0.15 --storage fp16 \
        --cases 128:8192:1,1024:1024:1,2048:256:32,4096:64:32 --json "$logs/quench_fp16.json"
    QUENCH_CUDA_STEP_PATH=cublas stage bench_cublas 30 $bench --target-seconds 0.15 \
        --cases 64:8192:1,64:8192:32,128:8192:1,128:8192:32 --json "$logs/quench_cublas.json"
    stage torch_fp32 60 python3 bench/peers/torch_batched.py --target-seconds 0.15 --cases $cases \
        --json "$OUT/torch_fp32.json"
    stage torch_bf16 60 python3 bench/peers/torch_batched.py --target-seconds 0.15 --dtype bf16 --cases $cases \
        --json "$logs/torch_bf16.json"
    stage default_job 60 build/quench simulate examples/default.toml --backend cuda --out "$logs/default_job"
    # The merged record (bench/results/ format): quench beside the peer of the same dtype class.
    python3 bench/run_cuda_bench.py --out "$OUT" --quench-json "$OUT/quench_fp32.json" \
        --quench-json "$OUT/quench_bf16.json" --quench-json "$logs/quench_fp16.json" \
        --peer-json "$OUT/torch_fp32.json" --peer-json "$logs/torch_bf16.json" >"$logs/merge.log" 2>&1
fi
if has storage; then
    stage storage 60 python3 bench/storage_check.py --backend cuda --set network.n=512 \
        --set ensemble.realizations=64 --json "$logs/storage_check.json"
fi
if has sanitize; then
    # Every kernel at a size the sanitizers finish in seconds: both step paths, FP64, 16-bit
    # storage on both paths, OU noise, random-mode couplings, the Welch transforms (settings joined by ;).
    tiny=(build/quench simulate examples/default.toml --backend cuda --out /tmp/sanitized
        --set network.n=24 --set ensemble.realizations=3 --set ensemble.trials=4 --set integration.dt=0.1
        --set integration.t_burn=2 --set integration.t_max=16 --set integration.t_bin=2)
    runs=("auto:" "cublas:" "auto:integration.precision=fp64" "auto:coupling.storage=bf16"
        "cublas:coupling.storage=bf16" "auto:noise.tau=1" "auto:coupling.model=random_mode"
        "auto:statistics.frequencies=[0,1];statistics.window=2")
    for tool in memcheck racecheck; do
        for run in "${runs[@]}"; do
            path=${run%%:*} setting=${run#*:}
            extra=()
            IFS=';' read -ra settings <<< "$setting"
            for one in "${settings[@]}"; do extra+=(--set "$one"); done
            name=${tool}_${path}_${setting:-default}
            name=${name//[=.;,\[\]]/_}
            QUENCH_CUDA_STEP_PATH=$path stage "$name" 60 \
                compute-sanitizer --tool $tool --error-exitcode 9 "${tiny[@]}" "${extra[@]}"
            # racecheck looks at shared memory: the on-chip kernel and cuBLAS's, in the first two runs.
            [[ $tool == racecheck && $path == cublas ]] && break
        done
    done
fi
if has ctest; then
    left=$((deadline - SECONDS))
    ((left > 30)) && stage ctest $left ctest --test-dir build -LE mpi -E KillResume -j "$(nproc)" --output-on-failure
fi
tar -czf "$OUT/logs.tar.gz" -C "$OUT" logs && rm -rf "$logs"
printf '%s\n' "${summary[@]}" | tee "$OUT/summary.txt"
