#pragma once
// PREFIX.h5: the full record of a run (or a checkpoint of one) in HDF5, readable with h5py alone.
// Layout (documented in README.md, "HDF5 output"):
//   /                      attributes: format, quench_version, quench_commit, backend, device, seed,
//                          date_utc, ... and config (the resolved config as JSON text)
//   /config/SECTION        one attribute per key (unset optional keys are absent)
//   /realizations/...      one row per realization: realization, coupling_effective_rank, samples,
//                          bins and VARIABLE/COVARIANCE/STATISTIC (R), .../eigenvalues (R x N)
//   /summary/VARIABLE/COVARIANCE/STATISTIC   attributes mean, sem, median, var, count
//   /covariances/VARIABLE/COVARIANCE         R x N x N (output.covariances; chunked, gzip)
//   /checkpoint            (checkpoints only) attributes realizations_done, config_toml, ...
// Written to a temporary file beside the target and renamed over it: never a torn file.
#include <string>
#include <vector>

#include "io/result_writer.hpp"
#include "io/stored_run.hpp"

namespace quench::io {

struct Hdf5Record {
    const EnsembleSpec& spec;
    const std::vector<RealizationResult>& realizations;
    const EnsembleSummary* summary;  // null for a checkpoint
    const ConfigSource* source;      // non-null for a checkpoint
    Provenance provenance;
};

// Throws std::runtime_error naming the path when the file cannot be written.
void writeHdf5(const Hdf5Record& record, const std::string& path);

}  // namespace quench::io
