#include "io/hdf5_writer.hpp"

#include <unistd.h>

#include "config/config_loader.hpp"
#include "io/atomic_file.hpp"
#include "io/hdf5_layout.hpp"
#include "io/hdf5_values.hpp"
#include "quench/build_info.hpp"

namespace quench::io {

namespace {

using nlohmann::json;

// HDF5 has no boolean: this is the enum h5py reads as numpy.bool_.
void writeBoolAttribute(hid_t object, const std::string& name, bool value) {
    const Hdf5Handle type(H5Tenum_create(H5T_NATIVE_INT8), H5Tclose, "H5Tenum_create");
    const signed char no = 0;
    const signed char yes = 1;
    h5check(H5Tenum_insert(type.get(), "FALSE", &no), "H5Tenum_insert", "FALSE");
    h5check(H5Tenum_insert(type.get(), "TRUE", &yes), "H5Tenum_insert", "TRUE");
    const Hdf5Handle space = scalarSpace();
    Hdf5Handle attribute(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                         H5Aclose, "H5Acreate2");
    const signed char v = value ? yes : no;
    h5check(H5Awrite(attribute.get(), type.get(), &v), "H5Awrite", "attribute " + name);
    attribute.close("H5Aclose");
}

void writeJsonAttribute(hid_t object, const std::string& name, const json& value) {
    if (value.is_null()) return;
    if (value.is_boolean()) return writeBoolAttribute(object, name, value.get<bool>());
    if (value.is_number_unsigned()) return writeAttribute(object, name, value.get<std::uint64_t>());
    if (value.is_number_integer()) return writeAttribute(object, name, value.get<std::int64_t>());
    if (value.is_number_float()) return writeAttribute(object, name, value.get<double>());
    if (value.is_string()) return writeAttribute(object, name, value.get<std::string>());
    if (value.is_array()) return writeAttribute(object, name, value.get<std::vector<double>>());
    writeAttribute(object, name, value.dump());
}

void writeProvenance(hid_t file, const Hdf5Record& record) {
    const BuildInfo& build = buildInfo();
    const Provenance& p = record.provenance;
    writeAttribute(file, "format", std::string(record.source != nullptr ? kCheckpointFormat : kResultFormat));
    writeAttribute(file, "quench_version", std::string(build.version));
    writeAttribute(file, "quench_commit", std::string(build.commit));
    writeAttribute(file, "compiler", std::string(build.compiler));
    writeAttribute(file, "backend", p.backend);
    writeAttribute(file, "backend_description", p.backend_description);
    writeAttribute(file, "device", p.device);
    writeAttribute(file, "hostname", p.hostname);
    writeAttribute(file, "date_utc", p.date_utc);
    writeAttribute(file, "command_line", p.command_line);
    writeAttribute(file, "wall_seconds", p.wall_seconds);
    writeAttribute(file, "ranks", static_cast<std::int64_t>(p.ranks));
    writeAttribute(file, "seed", record.spec.ensemble.seed);
    writeAttribute(file, "realizations_total", record.spec.ensemble.realizations);
    writeAttribute(file, "config", config::configToJson(record.spec).dump());
}

void writeConfig(hid_t file, const EnsembleSpec& spec) {
    const Hdf5Handle config = createGroup(file, "config");
    const json resolved = config::configToJson(spec);
    for (const auto& [section, keys] : resolved.items()) {
        const Hdf5Handle group = createGroup(config.get(), section);
        for (const auto& [key, value] : keys.items()) writeJsonAttribute(group.get(), key, value);
    }
}

// Creates every group of a relative path ("x/equal_time") under parent.
Hdf5Handle createPath(hid_t parent, const std::string& path) {
    const std::size_t slash = path.find('/');
    Hdf5Handle first = linkExists(parent, path.substr(0, slash)) ? openGroup(parent, path.substr(0, slash))
                                                                 : createGroup(parent, path.substr(0, slash));
    if (slash == std::string::npos) return first;
    return createPath(first.get(), path.substr(slash + 1));
}

void writeRealizations(hid_t file, const std::vector<RealizationResult>& results) {
    const Hdf5Handle group = createGroup(file, "realizations");
    const hsize_t rows = results.size();
    std::vector<std::int64_t> index, samples, bins;
    std::vector<double> rank;
    for (const RealizationResult& r : results) {
        index.push_back(r.realization);
        samples.push_back(r.samples);
        bins.push_back(r.bins);
        rank.push_back(r.coupling_effective_rank);
    }
    writeDataset(group.get(), "realization", index);
    writeDataset(group.get(), "samples", samples);
    writeDataset(group.get(), "bins", bins);
    writeDataset(group.get(), "coupling_effective_rank", {{rows}, {}, 0}, rank.data());
    forEachCovariance([&](Variable v, CovarianceKind c) {
        const Hdf5Handle cov = createPath(group.get(), covariancePath(v, c));
        for (int s = 0; s < kStatisticCount; ++s) {
            std::vector<double> column;
            for (const RealizationResult& r : results) column.push_back(r.at(v, c).stats[s]);
            writeDataset(cov.get(), std::string(statisticName(static_cast<Statistic>(s))), {{rows}, {}, 0},
                         column.data());
        }
        if (results.empty() || results.front().at(v, c).eigenvalues.empty()) return;
        const hsize_t n = results.front().at(v, c).eigenvalues.size();
        std::vector<double> spectra;
        for (const RealizationResult& r : results) {
            const std::vector<double>& e = r.at(v, c).eigenvalues;
            if (e.size() != n) throw Hdf5Error("realizations have spectra of different sizes");
            spectra.insert(spectra.end(), e.begin(), e.end());
        }
        writeDataset(cov.get(), "eigenvalues", {{rows, n}, {}, 0}, spectra.data());
    });
}

void writeSummary(hid_t file, const EnsembleSummary& summary) {
    const Hdf5Handle group = createGroup(file, "summary");
    forEachCovariance([&](Variable v, CovarianceKind c) {
        const Hdf5Handle cov = createPath(group.get(), covariancePath(v, c));
        for (int s = 0; s < kStatisticCount; ++s) {
            const Estimate& e = summary.at(v, c, static_cast<Statistic>(s));
            const Hdf5Handle stat =
                createGroup(cov.get(), std::string(statisticName(static_cast<Statistic>(s))));
            writeAttribute(stat.get(), "mean", e.mean);
            writeAttribute(stat.get(), "sem", e.sem);
            writeAttribute(stat.get(), "median", e.median);
            writeAttribute(stat.get(), "var", e.var);
            writeAttribute(stat.get(), "count", e.count);
        }
    });
}

// R x N x N per covariance, one chunk per realization, shuffled and gzip-compressed.
void writeCovariances(hid_t file, const std::vector<RealizationResult>& results, int n) {
    if (results.empty() || results.front().cov[0][0].matrix.empty()) return;
    const Hdf5Handle group = createGroup(file, "covariances");
    const hsize_t rows = results.size();
    const hsize_t side = static_cast<hsize_t>(n);
    forEachCovariance([&](Variable v, CovarianceKind c) {
        std::vector<double> all;
        all.reserve(rows * side * side);
        for (const RealizationResult& r : results) {
            const std::vector<double>& m = r.at(v, c).matrix;
            if (m.size() != side * side) throw Hdf5Error("a covariance matrix is not N x N");
            all.insert(all.end(), m.begin(), m.end());
        }
        const Hdf5Handle parent = createPath(group.get(), std::string(variableName(v)));
        writeDataset(parent.get(), std::string(covarianceName(c)), {{rows, side, side}, {1, side, side}, 4},
                     all.data());
    });
}

void writeCheckpoint(hid_t file, const ConfigSource& source, std::int64_t done) {
    const Hdf5Handle group = createGroup(file, "checkpoint");
    writeAttribute(group.get(), "realizations_done", done);
    writeAttribute(group.get(), "config_toml", source.toml);
    writeAttribute(group.get(), "config_source", source.name);
    writeAttribute(group.get(), "overrides", json(source.overrides).dump());
    writeAttribute(group.get(), "out_prefix", source.out_prefix);
}

void writeFile(const Hdf5Record& record, const std::string& path) {
    Hdf5Handle file = createFile(path);
    writeProvenance(file.get(), record);
    writeConfig(file.get(), record.spec);
    writeRealizations(file.get(), record.realizations);
    if (record.summary != nullptr) writeSummary(file.get(), *record.summary);
    writeCovariances(file.get(), record.realizations, record.spec.network.n);
    if (record.source != nullptr)
        writeCheckpoint(file.get(), *record.source, static_cast<std::int64_t>(record.realizations.size()));
    h5check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "H5Fflush", path);
    file.close("H5Fclose");
}

}  // namespace

void writeHdf5(const Hdf5Record& record, const std::string& path) {
    const std::string temporary = temporaryPathBeside(path);
    try {
        writeFile(record, temporary);
    } catch (const std::exception& e) {
        ::unlink(temporary.c_str());
        throw std::runtime_error("cannot write " + path + ": " + e.what());
    }
    commitTemporary(temporary, path);
}

}  // namespace quench::io
