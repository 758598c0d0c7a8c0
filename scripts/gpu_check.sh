#!/usr/bin/env bash
# The GPU checks in one call on a machine with an NVIDIA GPU (the CUDA issue's "on a GPU" list):
# the CUDA test cases on both step paths, the benchmark beside the PyTorch peer, the 16-bit storage
# statistics check, compute-sanitizer (memcheck, racecheck) on every kernel, and the whole ctest
# suite with QUENCH_REQUIRE_GPU=1 (its CLI tests then run on the GPU through --backend auto).
# Usage (on the GPU machine, from the repository root):
#   scripts/gpu_check.sh [STAGES] [DEADLINE_S]
#     STAGES: comma list of tests,bench,shapes,layouts,profile,bench_extra,graphs,statistics,storage,sanitize,ctest (default:
#     tests,bench,storage,sanitize,ctest; stages run in that order)
#     DEADLINE_S: the last stage (ctest) is cut to end by then (default 480)
# With a bundle made by scripts/gpu_bundle.sh in .gpu/ it runs that build (for GPU machines without
# quench's dependencies); otherwise ./build. QUENCH_BUILD names another build folder (a bundle
# records its own). Logs and JSON go to $OUT (default out/gpu).
set -uo pipefail
root=$PWD
OUT=${OUT:-$root/out/gpu}
mkdir -p "$OUT"
stages=${1:-tests,bench,storage,sanitize,ctest}
build=${QUENCH_BUILD:-build}
deadline=${2:-480}
has() { [[ ",$stages," == *",$1,"* ]]; }

if [[ -f .gpu/bundle.tar.xz ]]; then
    tar -xJf .gpu/bundle.tar.xz -C .gpu && tar -xf .gpu/build.tar -C "$root" && rm .gpu/build.tar
    build=$(cat .gpu/build_dir)
    export LD_LIBRARY_PATH=$root/.gpu/lib:/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}
    # ctest's files name the paths of the machine that built them.
    built_at=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt")
    if [[ -n $built_at && ! -e $built_at ]]; then mkdir -p "$(dirname "$built_at")" && ln -s "$root" "$built_at"; fi
fi
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader | tee "$OUT/device.txt"
missing=$(ldd "$build/quench" | grep 'not found')
if [[ -n $missing ]]; then
    # A CUDA library the toolkit folder lacks may come with the image's Python wheels (nvidia-*).
    wheels=$(python3 -c 'import glob, os, nvidia
print(":".join(sorted({os.path.dirname(p) for d in nvidia.__path__ for p in glob.glob(os.path.join(d, "*", "lib", "*.so*"))})))' 2>/dev/null)
    export LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}:$wheels
    missing=$(ldd "$build/quench" | grep 'not found')
fi
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
tests=$build/tests/quench_core_tests
bench=$build/bench/quench_bench_cuda
export QUENCH_REQUIRE_GPU=1

if has tests; then
    stage tests_auto 90 $tests --gtest_filter='*Cuda*:*Sixteen*:*Tf32*:*DeviceSpectral*'
    QUENCH_CUDA_STEP_PATH=cublas stage tests_cublas 60 $tests --gtest_filter='*CudaFp32'
fi
if has bench; then
    cases=64:8192:1,64:8192:32,128:8192:1,128:8192:32,256:8192:1,256:8192:32,512:4096:1,512:4096:32
    cases=$cases,1024:1024:1,1024:1024:32,2048:256:1,2048:256:32,4096:64:1,4096:64:32
    stage bench_fp32 60 $bench --target-seconds 0.15 --cases $cases --json "$OUT/quench_fp32.json"
    # The update without phi (the separate activation kernel every step), beside it on the same GPU.
    QUENCH_CUDA_FUSED_UPDATE=0 stage bench_unfused 30 $bench --target-seconds 0.15 \
        --cases 256:8192:1,256:8192:32,1024:1024:1,1024:1024:32,4096:64:32 --json "$logs/quench_unfused.json"
    stage bench_bf16 60 $bench --target-seconds 0.15 --storage bf16 --cases $cases --json "$OUT/quench_bf16.json"
    stage torch_fp32 60 python3 bench/peers/torch_batched.py --target-seconds 0.15 --cases $cases \
        --json "$OUT/torch_fp32.json"
    stage torch_bf16 60 python3 bench/peers/torch_batched.py --target-seconds 0.15 --dtype bf16 --cases $cases \
        --json "$logs/torch_bf16.json"
    stage default_job 60 "$build/quench" simulate examples/default.toml --backend cuda --out "$logs/default_job"
    # The merged record (bench/results/ format): quench beside the peer of the same dtype class.
    python3 bench/run_cuda_bench.py --out "$OUT" --quench-json "$OUT/quench_fp32.json" \
        --quench-json "$OUT/quench_bf16.json" \
        --peer-json "$OUT/torch_fp32.json" --peer-json "$logs/torch_bf16.json" >"$logs/merge.log" 2>&1
fi
if has shapes; then
    # The on-chip kernel's shapes (QUENCH_CUDA_ON_CHIP_SHAPE): each against the CPU, then each on the
    # on-chip cases in the same call.
    stage tests_shapes 60 $tests --gtest_filter='*EveryOnChipShape*'
    for shape in two_barriers one_barrier one_barrier_r96 one_barrier_r64; do
        QUENCH_CUDA_ON_CHIP_SHAPE=$shape stage "bench_$shape" 30 $bench --target-seconds 0.15 \
            --cases 64:8192:1,64:8192:32,128:8192:1,128:8192:32 --json "$logs/quench_$shape.json"
    done
fi
if has layouts; then
    # The four cuBLAS formulations of the coupling product (bench/gemm_layouts.cpp).
    layout_cases=128:8192:32,256:8192:32,512:4096:32,1024:1024:32,2048:256:32,4096:64:32,1024:1024:1,4096:64:1
    stage layouts_fp32 60 "$build"/bench/quench_bench_gemm_layouts --cases $layout_cases
    stage layouts_bf16 60 "$build"/bench/quench_bench_gemm_layouts --bf16 --cases $layout_cases
fi
if has profile; then
    # Nsight Compute on one launch of each kernel that sets a goal's speed: the on-chip step kernel
    # (N = 128, K = 1), and the K = 32 GEMM at N = 4096 in quench and in the PyTorch peer.
    sections=(--section SpeedOfLight --section Occupancy --section LaunchStats --section WarpStateStats
        --section ComputeWorkloadAnalysis --section MemoryWorkloadAnalysis --section SchedulerStats)
    stage ncu_on_chip 90 ncu "${sections[@]}" --kernel-name regex:onChipSteps --launch-skip 2 --launch-count 1 \
        $bench --target-seconds 0.01 --cases 128:8192:1
    for shape in one_barrier one_barrier_r64; do
        QUENCH_CUDA_ON_CHIP_SHAPE=$shape stage "ncu_on_chip_$shape" 90 ncu "${sections[@]}" \
            --kernel-name regex:onChipSteps --launch-skip 2 --launch-count 1 \
            $bench --target-seconds 0.01 --cases 128:8192:1
    done
    stage ncu_gemm_k32 90 ncu "${sections[@]}" --kernel-name regex:'gemm|xmma|Gemm' --launch-skip 12 \
        --launch-count 1 $bench --target-seconds 0.01 --cases 4096:64:32
    stage ncu_torch_k32 90 ncu "${sections[@]}" --kernel-name regex:'gemm|xmma|Gemm' --launch-skip 4 \
        --launch-count 1 python3 bench/peers/torch_batched.py --target-seconds 0.01 --warmup 3 --cases 4096:64:32
fi
if has bench_extra; then
    # fp16 storage, the cuBLAS path forced where the on-chip path would run, and the TF32 product
    # beside the peer with TF32 allowed.
    tf32_cases=256:8192:32,1024:1024:1,1024:1024:32,2048:256:32,4096:64:32
    stage bench_tf32 30 $bench --target-seconds 0.15 --precision tf32 --cases $tf32_cases \
        --json "$logs/quench_tf32.json"
    stage torch_tf32 30 python3 bench/peers/torch_batched.py --target-seconds 0.15 --tf32 --cases $tf32_cases \
        --json "$logs/torch_tf32.json"
    stage bench_fp16 30 $bench --target-seconds 0.15 --storage fp16 \
        --cases 128:8192:1,1024:1024:1,2048:256:32,4096:64:32 --json "$logs/quench_fp16.json"
    QUENCH_CUDA_STEP_PATH=cublas stage bench_cublas 30 $bench --target-seconds 0.15 \
        --cases 64:8192:1,64:8192:32,128:8192:1,128:8192:32 --json "$logs/quench_cublas.json"
fi
if has graphs; then
    # CUDA graphs on the cuBLAS path (QUENCH_CUDA_GRAPHS=1, off by default until measured): the CUDA
    # suite on the forced cuBLAS path with graphs, and small launch-bound cases timed with and without.
    QUENCH_CUDA_GRAPHS=1 QUENCH_CUDA_STEP_PATH=cublas stage tests_graphs 90 $tests --gtest_filter='*CudaFp32:*CudaFp64'
    graph_cases=32:64:1,64:64:1,128:64:1,256:64:1,64:1024:1,256:1024:1,1024:64:1,64:8192:1
    for graphs in 0 1; do
        for precision in fp32 fp64; do
            QUENCH_CUDA_GRAPHS=$graphs QUENCH_CUDA_STEP_PATH=cublas stage "bench_graphs${graphs}_$precision" 40 \
                $bench --target-seconds 0.1 --precision $precision --cases $graph_cases \
                --json "$OUT/graphs${graphs}_$precision.json"
        done
    done
    QUENCH_CUDA_GRAPHS=1 QUENCH_CUDA_STEP_PATH=cublas stage memcheck_graphs 60 compute-sanitizer --tool memcheck \
        --error-exitcode 9 "$build/quench" simulate examples/default.toml --backend cuda --out /tmp/sanitized \
        --set network.n=24 --set ensemble.realizations=3 --set integration.dt=0.1 --set integration.t_burn=8 \
        --set integration.t_max=32 --set integration.t_bin=4 --set integration.sample_interval=4
fi
if has statistics; then
    # The O(n^3) statistics on the host and on the device: QUENCH_CUDA_STATISTICS=auto's crossover.
    stage statistics 150 "$build"/bench/quench_bench_statistics --sizes 64,128,256,512,1024,2048,4096 \
        --json "$OUT/statistics_timing.json"
fi
if has storage; then
    stage storage 60 python3 bench/storage_check.py --backend cuda --set network.n=512 \
        --set ensemble.realizations=64 --json "$logs/storage_check.json"
fi
if has sanitize; then
    # Every kernel at a size the sanitizers finish in seconds: both step paths, FP64, 16-bit
    # storage on both paths, OU noise, random-mode couplings, the Welch transforms, per-neuron gains and
    # time constants, annealed redraws, the streamed autocorrelation (settings joined by ;).
    tiny=("$build/quench" simulate examples/default.toml --backend cuda --out /tmp/sanitized
        --set network.n=24 --set ensemble.realizations=3 --set ensemble.trials=4 --set integration.dt=0.1
        --set integration.t_burn=2 --set integration.t_max=16 --set integration.t_bin=2)
    runs=("auto:" "cublas:" "auto:integration.precision=fp64" "auto:integration.precision=tf32"
        "auto:coupling.storage=bf16"
        "cublas:coupling.storage=bf16" "auto:noise.tau=1" "auto:coupling.model=random_mode"
        "auto:statistics.frequencies=[0,1];statistics.window=2"
        "auto:network.gain_distribution=lognormal;network.gain_cv=0.3;network.tau_distribution=uniform;network.tau_cv=0.2"
        "auto:coupling.disorder=annealed" "auto:statistics.autocorrelation=true;statistics.tau_max=2")
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
        # The statistics on the device: batched Jacobi at n = 24, cuBLAS moments and syevd at n = 40.
        for n in 24 40; do
            QUENCH_CUDA_STATISTICS=device stage "${tool}_device_statistics_$n" 60 compute-sanitizer --tool $tool \
                --error-exitcode 9 "${tiny[@]}" --set network.n=$n --set statistics.eigenvalues=true
        done
        # The on-chip kernel's other shapes at n = 100 (padded to 128, part of J_r in shared memory).
        for shape in one_barrier one_barrier_r64; do
            QUENCH_CUDA_ON_CHIP_SHAPE=$shape stage "${tool}_$shape" 60 \
                compute-sanitizer --tool $tool --error-exitcode 9 "${tiny[@]}" --set network.n=100
        done
    done
fi
if has ctest; then
    left=$((deadline - SECONDS))
    ((left > 30)) && stage ctest $left ctest --test-dir "$build" -LE mpi -E KillResume -j "$(nproc)" --output-on-failure
fi
tar -czf "$OUT/logs.tar.gz" -C "$OUT" logs && rm -rf "$logs"
printf '%s\n' "${summary[@]}" | tee "$OUT/summary.txt"
