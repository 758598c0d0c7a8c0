#include "validate/series_comparison.hpp"

#include <fmt/format.h>

#include <cmath>

namespace quench::validation {

namespace {

const theory::TheorySeries* theoryFor(const PointRun& point, const std::string& name) {
    for (const theory::TheorySeries& t : point.series_prediction)
        if (t.name == name) return &t;
    return nullptr;
}

// The Monte-Carlo standard error of theory point k (a sampled curve), added in quadrature to every z.
double theorySe(const theory::TheorySeries& theory, std::size_t k) {
    return k < theory.se.size() ? theory.se[k] : 0.0;
}

// The simulated point k of the series at every size, with z against the theory where there is one.
std::vector<SizeComparison> perSize(const PointRun& point, const std::string& name, std::size_t k,
                                    const theory::TheorySeries& theory) {
    std::vector<SizeComparison> out;
    for (const SizeRun& run : point.sizes) {
        const SeriesSummary* s = run.summary.findSeries(name);
        SizeComparison row{run.n, std::nan(""), std::nan(""), std::nullopt, false, std::nullopt};
        if (s != nullptr && k < s->points.size()) {
            row.mean = s->points[k].mean;
            row.sem = s->points[k].sem;
        }
        if (theory.available() && k < theory.values.size()) {
            row.theory = theory.values[k];
            const double se = std::hypot(row.sem, theorySe(theory, k));
            if (row.sem > 0.0 && std::isfinite(row.mean)) row.z = (row.mean - *row.theory) / se;
        }
        out.push_back(row);
    }
    return out;
}

void judgePoint(SeriesPointComparison& p, double theory_value, double theory_se, double threshold) {
    for (const SizeComparison& s : p.sizes)
        if (!std::isfinite(s.mean) || !(s.sem > 0.0)) return;  // NoData
    if (p.sizes.size() >= 2) {
        std::vector<ScalingPoint> points;
        for (const SizeComparison& s : p.sizes) points.push_back({static_cast<double>(s.n), s.mean, s.sem});
        p.fit = fitInverseNAuto(points);
        if (!p.fit.ok) return;
        p.z = (p.fit.s_inf - theory_value) / std::hypot(p.fit.s_inf_se, theory_se);
    } else {
        p.z = p.sizes.front().z;
    }
    if (!p.z) return;
    p.verdict = std::abs(*p.z) <= threshold ? Verdict::Pass : Verdict::Fail;
}

SeriesComparison compareOne(const PointRun& point, const SeriesSummary& simulated, double threshold) {
    SeriesComparison c;
    c.name = simulated.name;
    c.abscissa = simulated.abscissa;
    const theory::TheorySeries* t = theoryFor(point, simulated.name);
    c.theory = t != nullptr ? *t : theory::TheorySeries{simulated.name,
                                                        simulated.abscissa,
                                                        {},
                                                        {},
                                                        theory::Basis::Exact,
                                                        "no theory curve for this series"};
    if (c.theory.available() && c.theory.values.size() != simulated.at.size())
        c.theory.reason = "the theory curve has another abscissa than the simulation";
    int no_data = 0;
    for (std::size_t k = 0; k < simulated.at.size(); ++k) {
        SeriesPointComparison p;
        p.at = simulated.at[k];
        p.sizes = perSize(point, c.name, k, c.theory);
        if (c.theory.available()) judgePoint(p, c.theory.values[k], theorySe(c.theory, k), threshold);
        if (p.verdict == Verdict::Pass) ++c.pass;
        if (p.verdict == Verdict::Fail) ++c.fail;
        if (p.verdict == Verdict::NoData) ++no_data;
        if (p.z && std::abs(*p.z) > c.worst_z) {
            c.worst_z = std::abs(*p.z);
            c.worst_at = p.at;
        }
        c.points.push_back(std::move(p));
    }
    if (!c.theory.available()) {
        c.verdict = Verdict::NoTheory;
        c.detail = c.theory.reason;
    } else if (c.fail > 0) {
        c.verdict = Verdict::Fail;
    } else if (c.pass > 0) {
        c.verdict = Verdict::Pass;
    } else {
        c.verdict = Verdict::NoData;
        c.detail = "no point has a finite mean and a positive standard error at every size";
    }
    if (c.theory.available() && no_data > 0)
        c.detail =
            fmt::format("{} point(s) without usable data (not finite, or zero standard error)", no_data);
    return c;
}

}  // namespace

std::vector<SeriesComparison> compareSeries(const PointRun& point, double threshold) {
    std::vector<SeriesComparison> out;
    if (point.sizes.empty()) return out;
    for (const SeriesSummary& s : point.sizes.back().summary.series) {
        if (point.phi_is_x && s.name.rfind("phi.", 0) == 0) continue;  // the same numbers as x's
        out.push_back(compareOne(point, s, threshold));
    }
    return out;
}

}  // namespace quench::validation
