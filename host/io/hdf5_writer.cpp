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

// /realizations/series/NAME: at (L), values (R x L) and the abscissa's name; the group's attribute
// "names" lists the series in order (JSON).
void writeRealizationSeries(hid_t realizations, const std::vector<RealizationResult>& results) {
    if (results.empty() || results.front().series.empty()) return;
    const Hdf5Handle group = createGroup(realizations, "series");
    json names = json::array();
    for (std::size_t k = 0; k < results.front().series.size(); ++k) {
        const Series& first = results.front().series[k];
        names.push_back(first.name);
        const Hdf5Handle one = createGroup(group.get(), first.name);
        writeAttribute(one.get(), "abscissa", first.abscissa);
        const hsize_t points = first.at.size();
        writeDataset(one.get(), "at", {{points}, {}, 0}, first.at.data());
        std::vector<double> values;
        for (const RealizationResult& r : results) {
            if (r.series.size() != results.front().series.size() || r.series[k].values.size() != points)
                throw Hdf5Error("realizations hold series of different sizes");
            values.insert(values.end(), r.series[k].values.begin(), r.series[k].values.end());
        }
        writeDataset(one.get(), "values", {{results.size(), points}, {}, 0}, values.data());
    }
    writeAttribute(group.get(), "names", names.dump());
}

// /summary/series/NAME: at, mean, sem, median, var (one per point) and the count.
void writeSummarySeries(hid_t summary_group, const EnsembleSummary& summary) {
    if (summary.series.empty()) return;
    const Hdf5Handle group = createGroup(summary_group, "series");
    json names = json::array();
    for (const SeriesSummary& series : summary.series) {
        names.push_back(series.name);
        const Hdf5Handle one = createGroup(group.get(), series.name);
        writeAttribute(one.get(), "abscissa", series.abscissa);
        const hsize_t points = series.at.size();
        writeDataset(one.get(), "at", {{points}, {}, 0}, series.at.data());
        std::vector<double> mean, sem, median, var;
        for (const Estimate& e : series.points) {
            mean.push_back(e.mean);
            sem.push_back(e.sem);
            median.push_back(e.median);
            var.push_back(e.var);
        }
        writeDataset(one.get(), "mean", {{points}, {}, 0}, mean.data());
        writeDataset(one.get(), "sem", {{points}, {}, 0}, sem.data());
        writeDataset(one.get(), "median", {{points}, {}, 0}, median.data());
        writeDataset(one.get(), "var", {{points}, {}, 0}, var.data());
        writeAttribute(one.get(), "count",
                       series.points.empty() ? std::int64_t{0} : series.points.front().count);
    }
    writeAttribute(group.get(), "names", names.dump());
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
    writeRealizationSeries(group.get(), results);
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
    writeSummarySeries(group.get(), summary);
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
