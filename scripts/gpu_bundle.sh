#!/usr/bin/env bash
# Packs a build made on this machine for a GPU machine that has the NVIDIA driver and the CUDA
# libraries but none of quench's other dependencies: the binaries, ctest's files and every shared
# library they need except glibc, the C++ runtime and CUDA's own (those come from the GPU machine).
# Usage: scripts/gpu_bundle.sh [BUILD_DIR] [OUT_TAR]   (defaults: build, .gpu/bundle.tar.xz)
# On the GPU machine: scripts/gpu_check.sh unpacks it and runs the GPU checks.
set -euo pipefail
build=${1:-build}
out=${2:-.gpu/bundle.tar.xz}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/lib" "$(dirname "$out")"

mapfile -t binaries < <(find "$build" -maxdepth 3 -type f -perm -u+x \
    \( -name 'quench' -o -name 'quench_*' \) ! -name '*.cmake' ! -path '*/CMakeFiles/*')
skip='^(libc|libm|libdl|libpthread|librt|libresolv|libstdc\+\+|libgcc_s|ld-linux.*|libcuda|libcudart|libcublas|libcublasLt|libcusolver|libcurand|libcusparse|libnvJitLink)\.so'
for b in "${binaries[@]}"; do
    ldd "$b" | awk '/=> \//{print $1, $3}' | while read -r name path; do
        [[ $name =~ $skip ]] && continue
        cp -Ln "$path" "$stage/lib/$name"
    done
done
# The build tree without objects: binaries, ctest files, generated test lists.
tar -C . -cf "$stage/build.tar" --exclude='*.o' --exclude='*.a' --exclude='CMakeFiles' "$build"
printf '%s\n' "$build" >"$stage/build_dir"
tar -C "$stage" -cJf "$out" build.tar lib build_dir
du -h "$out"
