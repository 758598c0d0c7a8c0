#include "io/hdf5_reader.hpp"

#include <filesystem>

#include "io/hdf5_layout.hpp"
#include "io/hdf5_values.hpp"

namespace quench::io {

namespace {

using nlohmann::json;

const char* const kProvenanceNames[] = {"quench_version",      "quench_commit", "compiler", "backend",
                                        "backend_description", "device",        "hostname", "date_utc",
                                        "command_line"};

void readProvenance(hid_t file, StoredRun& run) {
    run.format = readStringAttribute(file, "format");
    if (run.format != kResultFormat && run.format != kCheckpointFormat)
        throw Hdf5Error("unknown format \"" + run.format + "\" (this quench reads " + kResultFormat +
                        " and " + kCheckpointFormat + ")");
    for (const char* name : kProvenanceNames) run.provenance[name] = readStringAttribute(file, name);
    run.wall_seconds = readDoubleAttribute(file, "wall_seconds");
    run.ranks = readIntegerAttribute(file, "ranks");
    run.realizations_total = readIntegerAttribute(file, "realizations_total");
    run.config = json::parse(readStringAttribute(file, "config"), nullptr, false);
    if (!run.config.is_object()) throw Hdf5Error("attribute config is not a JSON object");
    const json& seed = run.config.value("ensemble", json::object()).value("seed", json());
    if (!seed.is_number_unsigned() && !seed.is_number_integer())
        throw Hdf5Error("config has no ensemble.seed");
    run.seed = seed.get<std::uint64_t>();
}

std::int64_t configInteger(const json& config, const char* section, const char* key) {
    const json& value = config.value(section, json::object()).value(key, json());
    if (!value.is_number_integer())
        throw Hdf5Error(std::string("config has no integer ") + section + "." + key);
    return value.get<std::int64_t>();
}

void readCovariance(hid_t group, Variable v, CovarianceKind c, std::size_t rows, std::size_t n,
                    std::vector<RealizationResult>& out) {
    const Hdf5Handle cov = openGroup(group, covariancePath(v, c));
    for (int s = 0; s < kStatisticCount; ++s) {
        const std::vector<double> column =
            readDoubles(cov.get(), std::string(statisticName(static_cast<Statistic>(s))), rows);
        for (std::size_t r = 0; r < rows; ++r) out[r].at(v, c).stats[s] = column[r];
    }
    if (!linkExists(cov.get(), "eigenvalues")) return;
    const std::vector<double> spectra = readDoubles(cov.get(), "eigenvalues", rows * n);
    for (std::size_t r = 0; r < rows; ++r)
        out[r].at(v, c).eigenvalues.assign(spectra.begin() + static_cast<std::ptrdiff_t>(r * n),
                                           spectra.begin() + static_cast<std::ptrdiff_t>((r + 1) * n));
}

void readMatrices(hid_t file, std::size_t rows, std::size_t n, std::vector<RealizationResult>& out) {
    if (!linkExists(file, "covariances")) return;
    const Hdf5Handle group = openGroup(file, "covariances");
    forEachCovariance([&](Variable v, CovarianceKind c) {
        const std::vector<double> all = readDoubles(group.get(), covariancePath(v, c), rows * n * n);
        for (std::size_t r = 0; r < rows; ++r)
            out[r].at(v, c).matrix.assign(all.begin() + static_cast<std::ptrdiff_t>(r * n * n),
                                          all.begin() + static_cast<std::ptrdiff_t>((r + 1) * n * n));
    });
}

std::vector<std::string> seriesNames(hid_t group) {
    const json names = json::parse(readStringAttribute(group, "names"), nullptr, false);
    if (!names.is_array()) throw Hdf5Error("series/names is not a JSON array");
    std::vector<std::string> out;
    for (const json& name : names) {
        if (!name.is_string()) throw Hdf5Error("series/names holds a non-string");
        out.push_back(name.get<std::string>());
    }
    return out;
}

std::vector<double> readSeriesAbscissa(hid_t one) {
    const std::vector<hsize_t> dims = datasetDims(one, "at");
    if (dims.size() != 1) throw Hdf5Error("a series abscissa is not one-dimensional");
    return readDoubles(one, "at", static_cast<std::size_t>(dims[0]));
}

void readRealizationSeries(hid_t realizations, std::vector<RealizationResult>& out) {
    if (!linkExists(realizations, "series")) return;
    const Hdf5Handle group = openGroup(realizations, "series");
    for (const std::string& name : seriesNames(group.get())) {
        const Hdf5Handle one = openGroup(group.get(), name);
        Series proto{name, readStringAttribute(one.get(), "abscissa"), readSeriesAbscissa(one.get()), {}};
        const std::size_t points = proto.at.size();
        const std::vector<double> values = readDoubles(one.get(), "values", out.size() * points);
        for (std::size_t r = 0; r < out.size(); ++r) {
            Series s = proto;
            s.values.assign(values.begin() + static_cast<std::ptrdiff_t>(r * points),
                            values.begin() + static_cast<std::ptrdiff_t>((r + 1) * points));
            out[r].series.push_back(std::move(s));
        }
    }
}

void readSummarySeries(hid_t summary_group, EnsembleSummary& summary) {
    if (!linkExists(summary_group, "series")) return;
    const Hdf5Handle group = openGroup(summary_group, "series");
    for (const std::string& name : seriesNames(group.get())) {
        const Hdf5Handle one = openGroup(group.get(), name);
        SeriesSummary s{name, readStringAttribute(one.get(), "abscissa"), readSeriesAbscissa(one.get()), {}};
        const std::size_t points = s.at.size();
        const std::vector<double> mean = readDoubles(one.get(), "mean", points);
        const std::vector<double> sem = readDoubles(one.get(), "sem", points);
        const std::vector<double> median = readDoubles(one.get(), "median", points);
        const std::vector<double> var = readDoubles(one.get(), "var", points);
        const std::int64_t count = readIntegerAttribute(one.get(), "count");
        for (std::size_t p = 0; p < points; ++p)
            s.points.push_back({mean[p], var[p], sem[p], median[p], count});
        summary.series.push_back(std::move(s));
    }
}

void readRealizations(hid_t file, StoredRun& run) {
    const std::int64_t n_value = configInteger(run.config, "network", "n");
    const std::int64_t first = configInteger(run.config, "ensemble", "first_realization");
    if (n_value < 1 || n_value > (1 << 20)) throw Hdf5Error("config network.n is out of range");
    const std::size_t n = static_cast<std::size_t>(n_value);
    const Hdf5Handle group = openGroup(file, "realizations");
    const std::vector<hsize_t> dims = datasetDims(group.get(), "realization");
    if (dims.size() != 1) throw Hdf5Error("dataset realizations/realization is not one-dimensional");
    const std::size_t rows = static_cast<std::size_t>(dims[0]);
    if (static_cast<std::int64_t>(rows) > run.realizations_total)
        throw Hdf5Error("more realization rows than realizations_total");
    const std::vector<std::int64_t> index = readIntegers(group.get(), "realization", rows);
    const std::vector<std::int64_t> samples = readIntegers(group.get(), "samples", rows);
    const std::vector<std::int64_t> bins = readIntegers(group.get(), "bins", rows);
    const std::vector<double> rank = readDoubles(group.get(), "coupling_effective_rank", rows);
    run.realizations.resize(rows);
    for (std::size_t r = 0; r < rows; ++r) {
        if (index[r] != first + static_cast<std::int64_t>(r))
            throw Hdf5Error("realization rows are not consecutive from ensemble.first_realization");
        run.realizations[r].realization = index[r];
        run.realizations[r].samples = samples[r];
        run.realizations[r].bins = bins[r];
        run.realizations[r].coupling_effective_rank = rank[r];
    }
    forEachCovariance(
        [&](Variable v, CovarianceKind c) { readCovariance(group.get(), v, c, rows, n, run.realizations); });
    readMatrices(file, rows, n, run.realizations);
    readRealizationSeries(group.get(), run.realizations);
}

void readSummary(hid_t file, StoredRun& run) {
    if (!linkExists(file, "summary")) return;
    const Hdf5Handle group = openGroup(file, "summary");
    EnsembleSummary summary;
    forEachCovariance([&](Variable v, CovarianceKind c) {
        const Hdf5Handle cov = openGroup(group.get(), covariancePath(v, c));
        for (int s = 0; s < kStatisticCount; ++s) {
            const Hdf5Handle stat =
                openGroup(cov.get(), std::string(statisticName(static_cast<Statistic>(s))));
            Estimate& e = summary.est[static_cast<int>(v)][static_cast<int>(c)][s];
            e.mean = readDoubleAttribute(stat.get(), "mean");
            e.sem = readDoubleAttribute(stat.get(), "sem");
            e.median = readDoubleAttribute(stat.get(), "median");
            e.var = readDoubleAttribute(stat.get(), "var");
            e.count = readIntegerAttribute(stat.get(), "count");
        }
    });
    readSummarySeries(group.get(), summary);
    run.summary = summary;
}

void readCheckpoint(hid_t file, StoredRun& run) {
    if (run.format != kCheckpointFormat) return;
    const Hdf5Handle group = openGroup(file, "checkpoint");
    const std::int64_t done = readIntegerAttribute(group.get(), "realizations_done");
    if (done != static_cast<std::int64_t>(run.realizations.size()))
        throw Hdf5Error("checkpoint/realizations_done does not match the realization rows");
    ConfigSource source;
    source.toml = readStringAttribute(group.get(), "config_toml");
    source.name = readStringAttribute(group.get(), "config_source");
    source.out_prefix = readStringAttribute(group.get(), "out_prefix");
    const json overrides = json::parse(readStringAttribute(group.get(), "overrides"), nullptr, false);
    if (!overrides.is_array()) throw Hdf5Error("checkpoint/overrides is not a JSON array");
    for (const json& o : overrides) {
        if (!o.is_string()) throw Hdf5Error("checkpoint/overrides holds a non-string");
        source.overrides.push_back(o.get<std::string>());
    }
    run.source = source;
}

}  // namespace

StoredRun readHdf5(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw std::runtime_error(path + ": no such file");
    silenceHdf5Errors();
    if (H5Fis_hdf5(path.c_str()) <= 0) throw std::runtime_error(path + ": not an HDF5 file");
    try {
        const Hdf5Handle file = openFileReadOnly(path);
        if (!attributeExists(file.get(), "format"))
            throw Hdf5Error("an HDF5 file without a quench format attribute (not written by quench)");
        StoredRun run;
        readProvenance(file.get(), run);
        readRealizations(file.get(), run);
        readSummary(file.get(), run);
        readCheckpoint(file.get(), run);
        return run;
    } catch (const Hdf5Error& e) {
        throw std::runtime_error(path + ": " + e.what());
    } catch (const json::exception& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

}  // namespace quench::io
