// Where the O(n^3) statistics should run: the seconds per covariance of the split and plug-in products
// (Tr C^3, Tr C^4) and of the eigenvalues, on the host (OpenBLAS, LAPACK dsyevd, all host threads) and on
// the device (cuBLAS DGEMM, cuSOLVER; uploads from the host included, as the CUDA backend does them), with
// the largest relative difference between the two. It measures the crossover that QUENCH_CUDA_STATISTICS=
// auto assumes (kDeviceStatisticsMinN). A realization has four covariances (x, phi; equal-time, zero
// frequency).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cli/run_clock.hpp"
#include "cuda/cuda_check.hpp"
#include "cuda/device_info.hpp"
#include "cuda/device_spectral_kernels.hpp"
#include "quench/build_info.hpp"
#include "quench/spectral_kernels.hpp"
#include "quench/statistics.hpp"

namespace {

// A random symmetric matrix with O(n) eigenvalues: cheap to make at any n (a Wishart one is O(n^3)).
std::vector<double> randomSymmetric(int n, std::mt19937_64& rng) {
    std::normal_distribution<double> normal;
    std::vector<double> a(static_cast<std::size_t>(n) * n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j <= i; ++j)
            a[static_cast<std::size_t>(i) * n + j] = a[static_cast<std::size_t>(j) * n + i] =
                normal(rng) / std::sqrt(static_cast<double>(n)) + (i == j ? 3.0 : 0.0);
    return a;
}

// The median of three timed calls, in seconds.
double medianSeconds(const std::function<void()>& call) {
    std::vector<double> s;
    for (int repeat = 0; repeat < 3; ++repeat) {
        const auto start = std::chrono::steady_clock::now();
        call();
        s.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(s.begin(), s.end());
    return s[1];
}

double relative(double a, double b) {
    return std::fabs(a - b) / std::max(std::fabs(a), 1e-300);
}

nlohmann::json timeSize(int n, quench::cuda::DeviceSpectralKernels& device, std::mt19937_64& rng) {
    quench::SplitCovariance c;
    c.n = n;
    for (std::vector<double>& g : c.group) g = randomSymmetric(n, rng);
    c.pooled = randomSymmetric(n, rng);
    quench::SpectralKernels& host = quench::hostSpectralKernels();
    quench::SpectralMoments h, d;
    std::vector<double> wh, wd;
    device.moments(c);  // warm-up: handles, workspace, cuBLAS heuristics
    nlohmann::json row;
    row["n"] = n;
    row["host_moments_s"] = medianSeconds([&] { h = host.moments(c); });
    row["device_moments_s"] = medianSeconds([&] { d = device.moments(c); });
    row["host_eigenvalues_s"] = medianSeconds([&] { wh = host.eigenvalues({&c.pooled}, n).front(); });
    row["device_eigenvalues_s"] = medianSeconds([&] { wd = device.eigenvalues({&c.pooled}, n).front(); });
    double worst = std::max({relative(h.raw_cube, d.raw_cube), relative(h.raw_fourth, d.raw_fourth),
                             relative(h.split_cube, d.split_cube), relative(h.split_fourth, d.split_fourth)});
    row["moments_max_relative_difference"] = worst;
    worst = 0.0;
    for (int i = 0; i < n; ++i) worst = std::max(worst, std::fabs(wh[i] - wd[i]) / std::fabs(wh.back()));
    row["eigenvalues_max_difference_over_largest"] = worst;
    return row;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Seconds per covariance of the O(n^3) statistics on the host and on the device"};
    std::string sizes_text = "64,128,256,512,1024,2048,4096";
    std::string json_path;
    app.add_option("--sizes", sizes_text, "n list, comma-separated");
    app.add_option("--json", json_path, "write the results here (also printed)");
    CLI11_PARSE(app, argc, argv);
    try {
        std::string why;
        if (!quench::cuda::cudaDeviceAvailable(&why)) {
            std::cerr << "quench_bench_statistics: " << why << "\n";
            return 4;
        }
        std::vector<int> sizes;
        std::stringstream list(sizes_text);
        for (std::string item; std::getline(list, item, ',');) sizes.push_back(std::stoi(item));
        const quench::cuda::CudaStream stream;
        quench::cuda::DeviceSpectralKernels device(stream.get());
        std::mt19937_64 rng(1);
        nlohmann::json out;
        out["device"] = quench::cuda::currentDeviceInfo().name;
        out["commit"] = quench::buildInfo().commit;
        out["version"] = quench::buildInfo().version;
        out["date"] = quench::cli::utcNow();
        out["sizes"] = nlohmann::json::array();
        for (const int n : sizes) {
            const nlohmann::json row = timeSize(n, device, rng);
            std::cerr << row.dump() << "\n";
            out["sizes"].push_back(row);
        }
        std::cout << out.dump(2) << "\n";
        if (!json_path.empty()) std::ofstream(json_path) << out.dump(2) << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "quench_bench_statistics: " << e.what() << "\n";
        return 1;
    }
}
