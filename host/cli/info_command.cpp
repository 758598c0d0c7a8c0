// `quench info`: what this build contains and what it can see.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "mpi/communicator.hpp"
#include "quench/backend.hpp"
#include "quench/build_info.hpp"

namespace quench::cli {

namespace {

int runInfo() {
    const BuildInfo& b = buildInfo();
    fmt::print("quench {} (commit {})\n", b.version, b.commit);
    fmt::print("compiler: {} ({})\n", b.compiler, b.build_type);
    fmt::print("CUDA toolkit at build time: {}{}\n", b.cuda_compiled ? "found" : "not found",
               b.cuda_compiled ? fmt::format(" (architectures {})", b.cuda_architectures) : "");
    fmt::print("backends compiled in: {}\n", fmt::join(compiledBackends(), ", "));
    fmt::print("MPI: {}\n", mpi::Communicator::compiledWithMpi()
                                ? "compiled in (mpirun -np P quench simulate ... shares the realizations)"
                                : "not compiled in (single process)");
    for (const BackendKind kind : {BackendKind::Cpu, BackendKind::Cuda}) {
        std::string why;
        if (backendAvailable(kind, &why))
            fmt::print("  {}: {}\n", backendName(kind), makeBackend(kind)->description());
        else
            fmt::print("  {}: not available ({})\n", backendName(kind), why);
    }
    return kExitOk;
}

}  // namespace

CommandRunner addInfoCommand(CLI::App& app) {
    app.add_subcommand("info", "Print the build: version, backends compiled in, BLAS, devices seen.");
    return runInfo;
}

}  // namespace quench::cli
