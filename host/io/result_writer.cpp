#include "io/result_writer.hpp"

#include <fmt/format.h>

#include <cmath>
#include <sstream>

#include "config/config_loader.hpp"
#include "io/atomic_file.hpp"
#include "quench/build_info.hpp"
#include "quench/lag_plan.hpp"

namespace quench::io {

namespace {

using nlohmann::json;

json finiteOrNull(double v) {
    return std::isfinite(v) ? json(v) : json(nullptr);
}

// Applies f(variable, covariance, statistic) over the fixed nesting variable -> covariance -> statistic.
template <class F>
void forEachStatistic(F f) {
    for (int v = 0; v < kVariableCount; ++v)
        for (int c = 0; c < kCovarianceCount; ++c)
            for (int s = 0; s < kStatisticCount; ++s)
                f(static_cast<Variable>(v), static_cast<CovarianceKind>(c), static_cast<Statistic>(s));
}

json::json_pointer pointer(Variable v, CovarianceKind c, Statistic s) {
    return json::json_pointer("/" + std::string(variableName(v)) + "/" + std::string(covarianceName(c)) +
                              "/" + std::string(statisticName(s)));
}

json summaryJson(const EnsembleSummary& summary) {
    json out = json::object();
    forEachStatistic([&](Variable v, CovarianceKind c, Statistic s) {
        const Estimate& e = summary.at(v, c, s);
        out[pointer(v, c, s)] = {{"mean", finiteOrNull(e.mean)},
                                 {"sem", finiteOrNull(e.sem)},
                                 {"median", finiteOrNull(e.median)},
                                 {"var", finiteOrNull(e.var)},
                                 {"count", e.count}};
    });
    for (const SeriesSummary& series : summary.series) {
        json mean = json::array(), sem = json::array(), median = json::array(), var = json::array();
        std::int64_t count = 0;
        for (const Estimate& e : series.points) {
            mean.push_back(finiteOrNull(e.mean));
            sem.push_back(finiteOrNull(e.sem));
            median.push_back(finiteOrNull(e.median));
            var.push_back(finiteOrNull(e.var));
            count = e.count;
        }
        out["series"][series.name] = {{"abscissa", series.abscissa},
                                      {"at", series.at},
                                      {"mean", mean},
                                      {"sem", sem},
                                      {"median", median},
                                      {"var", var},
                                      {"count", count}};
    }
    return out;
}

// "x.autocorrelation[tau=0.5]": one CSV column per point of a series.
std::string seriesColumn(const Series& s, std::size_t point) {
    std::ostringstream name;
    name.precision(10);
    name << s.name << '[' << s.abscissa << '=' << s.at[point] << ']';
    return name.str();
}

json realizationJson(const RealizationResult& r) {
    json out = {{"realization", r.realization},
                {"coupling_effective_rank", r.coupling_effective_rank},
                {"samples", r.samples},
                {"bins", r.bins}};
    forEachStatistic([&](Variable v, CovarianceKind c, Statistic s) {
        out[pointer(v, c, s)] = finiteOrNull(r.at(v, c).stats[static_cast<int>(s)]);
    });
    for (int v = 0; v < kVariableCount; ++v)
        for (int c = 0; c < kCovarianceCount; ++c) {
            const CovarianceResult& cov = r.cov[v][c];
            if (cov.eigenvalues.empty()) continue;
            out[std::string(variableName(static_cast<Variable>(v)))]
               [std::string(covarianceName(static_cast<CovarianceKind>(c)))]["eigenvalues"] = cov.eigenvalues;
        }
    for (const Series& s : r.series) {
        json values = json::array();
        for (const double v : s.values) values.push_back(finiteOrNull(v));
        out["series"][s.name] = std::move(values);
    }
    return out;
}

json estimatorsJson(const EnsembleSpec& spec) {
    const StepPlan plan = planSteps(spec.integration);
    return {
        {"split_groups", kSplitGroups},
        {"split", spec.ensemble.trials >= kSplitGroups
                      ? "disjoint sets of trials (trial mod 4)"
                      : "disjoint time segments of each trial (fewer trials than groups)"},
        {"corrected",
         "auto_var, cross_var, pr, pr_over_n, m2, m3, m4 average products of covariance estimates from "
         "distinct independent groups (U-statistics), which removes the finite-sample bias; *_raw are "
         "plug-in values of the pooled covariance"},
        {"z_scored",
         "z_* are statistics of the correlation matrix R_ij = C_ij / sqrt(C_ii C_jj): each group's "
         "covariance is divided by the diagonal of the pooled covariance and z_cross_var, z_pr_over_n, "
         "z_m2 use the same distinct-group products; z_cross_mean is from the pooled R (unit diagonal)"},
        {"equal_time", "sample covariance of the state sampled every sample_interval after t_burn"},
        {"center", centersOnZero(spec)
                       ? "zero (the mean vanishes by the x -> -x symmetry: odd phi, no input, "
                         "no coupling mean; or statistics.center = zero)"
                       : "pooled sample mean (biases C by about -C_ZF / (trials t_max))"},
        {"zero_frequency",
         "[Cov(b_k,b_k) + Cov(b_k,b_k+1) + Cov(b_k+1,b_k)] / t_bin over bin integrals b_k "
         "(lag-one correction of batch means)"},
        {"t_bin", static_cast<double>(plan.bin_steps) * spec.integration.dt},
        {"sample_interval", static_cast<double>(plan.sample_stride) * spec.integration.dt},
        {"steps", {{"burn", plan.burn_steps}, {"measure", plan.measure_steps}}},
        {"autocorrelation",
         spec.statistics.autocorrelation
             ? json(fmt::format("mean_i over units of the lagged second moment of x_i (and phi_i) at lags "
                                "k * {:g}, pooled over trials and sample pairs within a trial, centred as "
                                "the covariances",
                                static_cast<double>(planLags(spec).lag_stride) * spec.integration.dt))
             : json(nullptr)},
    };
}

}  // namespace

nlohmann::json resultToJson(const RunRecord& record) {
    const BuildInfo& build = buildInfo();
    json out;
    out["format"] = "quench.simulate/1";
    out["quench"] = {{"version", build.version}, {"commit", build.commit}, {"compiler", build.compiler}};
    out["provenance"] = {{"backend", record.provenance.backend},
                         {"backend_description", record.provenance.backend_description},
                         {"device", record.provenance.device},
                         {"hostname", record.provenance.hostname},
                         {"date_utc", record.provenance.date_utc},
                         {"command_line", record.provenance.command_line},
                         {"wall_seconds", record.provenance.wall_seconds},
                         {"ranks", record.provenance.ranks}};
    out["seed"] = record.spec.ensemble.seed;
    out["config"] = config::configToJson(record.spec);
    out["estimators"] = estimatorsJson(record.spec);
    out["summary"] = summaryJson(record.summary);
    json list = json::array();
    for (const RealizationResult& r : record.realizations) list.push_back(realizationJson(r));
    out["realizations"] = std::move(list);
    return out;
}

std::string resultToCsv(const RunRecord& record) {
    std::ostringstream csv;
    csv.precision(17);
    csv << "realization,coupling_effective_rank,samples,bins";
    forEachStatistic([&](Variable v, CovarianceKind c, Statistic s) {
        csv << ',' << variableName(v) << '.' << covarianceName(c) << '.' << statisticName(s);
    });
    if (!record.realizations.empty())
        for (const Series& s : record.realizations.front().series)
            for (std::size_t p = 0; p < s.values.size(); ++p) csv << ',' << seriesColumn(s, p);
    csv << '\n';
    for (const RealizationResult& r : record.realizations) {
        csv << r.realization << ',' << r.coupling_effective_rank << ',' << r.samples << ',' << r.bins;
        forEachStatistic([&](Variable v, CovarianceKind c, Statistic s) {
            const double value = r.at(v, c).stats[static_cast<int>(s)];
            csv << ',';
            if (std::isfinite(value)) csv << value;
        });
        for (const Series& s : r.series)
            for (const double value : s.values) {
                csv << ',';
                if (std::isfinite(value)) csv << value;
            }
        csv << '\n';
    }
    return csv.str();
}

void writeResults(const RunRecord& record, const std::string& prefix) {
    // Render both before writing either, so a failure cannot leave one without the other.
    const std::string json_text = resultToJson(record).dump(1) + "\n";
    const std::string csv_text = resultToCsv(record);
    writeFileAtomically(prefix + ".json", json_text);
    writeFileAtomically(prefix + ".csv", csv_text);
}

std::vector<std::string> nonFiniteStatistics(const EnsembleSummary& summary) {
    std::vector<std::string> names;
    forEachStatistic([&](Variable v, CovarianceKind c, Statistic s) {
        if (!std::isfinite(summary.at(v, c, s).mean))
            names.push_back(std::string(variableName(v)) + "." + std::string(covarianceName(c)) + "." +
                            std::string(statisticName(s)));
    });
    return names;
}

}  // namespace quench::io
