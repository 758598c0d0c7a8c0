#include "validate/validate_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include "config/config_loader.hpp"
#include "quench/build_info.hpp"

namespace quench::validation {

namespace {

using nlohmann::json;
using theory::TheoryQuantity;

json numberOrNull(double v) {
    return std::isfinite(v) ? json(v) : json(nullptr);
}

json optionalJson(const std::optional<double>& v) {
    return v ? numberOrNull(*v) : json(nullptr);
}

json quantityJson(const TheoryQuantity& q) {
    if (!q.available()) return {{"value", nullptr}, {"reason", q.reason}};
    json out = {{"value", *q.value}, {"tag", theory::basisName(q.basis)}};
    if (q.se > 0.0) out["se"] = q.se;  // Monte-Carlo standard error of a sampled value
    return out;
}

json fitJson(const ScalingFit& f) {
    if (!f.ok) return {{"ok", false}, {"reason", f.reason}};
    json out = {{"ok", true},
                {"order", f.order},
                {"s_inf", f.s_inf},
                {"s_inf_se", f.s_inf_se},
                {"a", f.a},
                {"a_se", f.a_se},
                {"chi2", f.chi2},
                {"dof", f.dof},
                {"p_value", f.p_value},
                {"birge_scale", f.birge_scale}};
    if (f.order == 2) {
        out["b"] = f.b;
        out["b_se"] = f.b_se;
    }
    return out;
}

json comparisonJson(const StatisticComparison& c) {
    json sizes = json::array();
    for (const SizeComparison& s : c.sizes)
        sizes.push_back({{"n", s.n},
                         {"mean", numberOrNull(s.mean)},
                         {"sem", numberOrNull(s.sem)},
                         {"theory", optionalJson(s.theory)},
                         {"theory_has_one_over_n", s.theory_has_first_order},
                         {"z", optionalJson(s.z)}});
    return {{"name", c.name()},
            {"variable", variableName(c.variable)},
            {"covariance", covarianceName(c.covariance)},
            {"statistic", comparedName(c.statistic)},
            {"theory_inf", quantityJson(c.theory_inf)},
            {"theory_one_over_n", quantityJson(c.theory_one_over_n)},
            {"sizes", std::move(sizes)},
            {"fit", fitJson(c.fit)},
            {"z_inf", optionalJson(c.z_inf)},
            {"z_slope", optionalJson(c.z_slope)},
            {"verdict", verdictName(c.verdict)},
            {"detail", c.detail}};
}

json spectraJson(const PointRun& point) {
    json out = json::array();
    const SizeRun& largest = point.sizes.back();
    for (const Variable v : {Variable::X, Variable::Phi}) {
        const auto& h = largest.zero_frequency_spectrum[static_cast<int>(v)];
        if (!h) continue;
        json entry = {
            {"variable", variableName(v)}, {"covariance", "zero_frequency"}, {"n", largest.n},
            {"edges", h->edges},           {"density", h->density},          {"eigenvalues", h->eigenvalues}};
        const auto& d = point.prediction.zero_frequency_density[static_cast<int>(v)];
        if (d)
            entry["theory"] = {
                {"lambda", d->lambda}, {"density", d->density}, {"tag", theory::basisName(d->basis)}};
        else
            entry["theory_reason"] = point.prediction.density_reason;
        out.push_back(std::move(entry));
    }
    return out;
}

json seriesJson(const SeriesComparison& c) {
    json theory = c.theory.available()
                      ? json{{"values", c.theory.values}, {"tag", theory::basisName(c.theory.basis)}}
                      : json{{"values", nullptr}, {"reason", c.theory.reason}};
    if (c.theory.available() && !c.theory.se.empty()) theory["se"] = c.theory.se;
    json sizes = json::array();
    const std::size_t size_count = c.points.empty() ? 0 : c.points.front().sizes.size();
    for (std::size_t i = 0; i < size_count; ++i) {
        json mean = json::array(), sem = json::array(), z = json::array();
        for (const SeriesPointComparison& p : c.points) {
            mean.push_back(numberOrNull(p.sizes[i].mean));
            sem.push_back(numberOrNull(p.sizes[i].sem));
            z.push_back(optionalJson(p.sizes[i].z));
        }
        sizes.push_back({{"n", c.points.front().sizes[i].n}, {"mean", mean}, {"sem", sem}, {"z", z}});
    }
    json at = json::array(), z = json::array(), verdicts = json::array(), s_inf = json::array(),
         s_inf_se = json::array();
    for (const SeriesPointComparison& p : c.points) {
        at.push_back(p.at);
        z.push_back(optionalJson(p.z));
        verdicts.push_back(verdictName(p.verdict));
        s_inf.push_back(p.fit.ok ? numberOrNull(p.fit.s_inf) : json(nullptr));
        s_inf_se.push_back(p.fit.ok ? numberOrNull(p.fit.s_inf_se) : json(nullptr));
    }
    return {{"name", c.name},
            {"abscissa", c.abscissa},
            {"at", at},
            {"theory", theory},
            {"sizes", sizes},
            {"fit_s_inf", s_inf},
            {"fit_s_inf_se", s_inf_se},
            {"z", z},
            {"point_verdicts", verdicts},
            {"points_pass", c.pass},
            {"points_fail", c.fail},
            {"worst_abs_z", c.worst_z},
            {"worst_at", c.worst_at},
            {"verdict", verdictName(c.verdict)},
            {"detail", c.detail}};
}

json singleSiteJson(const theory::TheoryPrediction& p) {
    return {{"route", p.route},
            {"delta0", quantityJson(p.delta0)},
            {"gamma", quantityJson(p.gamma)},
            {"g_eff", quantityJson(p.g_eff)},
            {"stability_margin", quantityJson(p.stability_margin)},
            {"chaotic", quantityJson(p.chaotic)},
            {"notes", p.notes}};
}

json pointJson(const PointRun& point, const std::vector<StatisticComparison>& comparisons,
               const std::vector<SeriesComparison>* series, const std::string& out_dir) {
    json parameters = json::object();
    for (const auto& [k, v] : point.parameters) parameters[k] = v;
    json runs = json::array();
    for (const SizeRun& s : point.sizes)
        runs.push_back({{"n", s.n},
                        {"realizations", s.realizations},
                        {"wall_seconds", s.wall_seconds},
                        {"draw_controls", s.draw_controls},
                        {"result", std::filesystem::relative(s.result_prefix + ".json", out_dir).string()}});
    json stats = json::array();
    for (const StatisticComparison& c : comparisons) stats.push_back(comparisonJson(c));
    json curves = json::array();
    if (series != nullptr)
        for (const SeriesComparison& c : *series) curves.push_back(seriesJson(c));
    return {{"label", point.label}, {"parameters", parameters}, {"theory", singleSiteJson(point.prediction)},
            {"runs", runs},         {"statistics", stats},      {"spectra", spectraJson(point)},
            {"series", curves}};
}

json curveJson(const TheoryCurve& curve) {
    if (curve.values.empty()) return nullptr;
    json stats = json::object();
    for (const Variable v : {Variable::X, Variable::Phi})
        for (const CovarianceKind c : {CovarianceKind::EqualTime, CovarianceKind::ZeroFrequency})
            for (int k = 0; k < kComparedCount; ++k) {
                StatisticComparison probe;
                probe.variable = v;
                probe.covariance = c;
                probe.statistic = static_cast<Compared>(k);
                json values = json::array(), tags = json::array();
                bool any = false;
                for (const theory::TheoryPrediction& p : curve.predictions) {
                    const TheoryQuantity q = theoryOf(p.at(v, c), probe.statistic).first;
                    values.push_back(q.available() ? json(*q.value) : json(nullptr));
                    tags.push_back(q.available() ? json(theory::basisName(q.basis)) : json(nullptr));
                    any = any || q.available();
                }
                if (any) stats[probe.name()] = {{"values", values}, {"tags", tags}};
            }
    json delta0 = json::array();
    for (const theory::TheoryPrediction& p : curve.predictions)
        delta0.push_back(p.delta0.available() ? json(*p.delta0.value) : json(nullptr));
    return {{"key", curve.key}, {"values", curve.values}, {"statistics", stats}, {"delta0", delta0}};
}

int basisIndex(const StatisticComparison& c) {
    return static_cast<int>(c.theory_inf.basis);
}

std::string num(double v) {
    return fmt::format("{:.5g}", v);
}

std::string withError(double v, double se) {
    return fmt::format("{:.5g} ± {:.2g}", v, se);
}

std::string zText(const std::optional<double>& z) {
    return z ? fmt::format("{:+.2f}", *z) : "–";
}

std::string tagOf(const StatisticComparison& c) {
    return c.theory_inf.available() ? std::string(theory::basisName(c.theory_inf.basis)) : "–";
}

std::string verdictCell(const StatisticComparison& c) {
    return c.verdict == Verdict::Fail ? "**FAIL**" : std::string(verdictName(c.verdict));
}

void summaryTable(std::ostringstream& md, const ValidationReport& r) {
    // One line per statistic name over all grid points: how many points pass, and the worst |z|.
    struct Line {
        std::string tag;
        int pass = 0, fail = 0, other = 0;
        double worst = 0.0;
        std::string worst_point;
    };
    std::map<std::string, Line> lines;
    std::vector<std::string> order;
    for (size_t p = 0; p < r.comparisons.size(); ++p)
        for (const StatisticComparison& c : r.comparisons[p]) {
            if (!lines.count(c.name())) order.push_back(c.name());
            Line& l = lines[c.name()];
            if (c.verdict == Verdict::Pass || c.verdict == Verdict::Fail) {
                l.tag = tagOf(c);
                (c.verdict == Verdict::Pass ? l.pass : l.fail) += 1;
                for (const auto& z : {c.z_inf, c.z_slope, c.sizes.size() == 1 ? c.sizes[0].z : std::nullopt})
                    if (z && std::abs(*z) > l.worst) {
                        l.worst = std::abs(*z);
                        l.worst_point = r.run.points[p].label;
                    }
            } else {
                ++l.other;
            }
        }
    md << "| statistic | theory tag | points PASS | points FAIL | worst abs(z) (at) | verdict |\n";
    md << "|---|---|---:|---:|---|---|\n";
    for (const std::string& name : order) {
        const Line& l = lines[name];
        if (l.pass + l.fail == 0) continue;
        md << fmt::format("| {} | {} | {} | {} | {:.2f} ({}) | {} |\n", name, l.tag, l.pass, l.fail, l.worst,
                          l.worst_point, l.fail ? "**FAIL**" : "PASS");
    }
    std::map<std::string, std::string> untested;
    for (const auto& per_point : r.comparisons)
        for (const StatisticComparison& c : per_point)
            if ((c.verdict == Verdict::NoTheory || c.verdict == Verdict::NoData) && !lines[c.name()].pass &&
                !lines[c.name()].fail)
                untested.emplace(c.name(), c.detail);
    if (!untested.empty()) {
        md << "\nNot compared (no theory value, or no usable data):\n\n";
        for (const auto& [name, why] : untested) md << fmt::format("- `{}`: {}\n", name, why);
    }
}

bool usesDrawControls(const ValidationRun& run) {
    for (const PointRun& p : run.points)
        for (const SizeRun& s : p.sizes)
            if (s.draw_controls > 0) return true;
    return false;
}

void pointSection(std::ostringstream& md, const PointRun& point,
                  const std::vector<StatisticComparison>& cmps) {
    const theory::TheoryPrediction& t = point.prediction;
    md << fmt::format("\n### {}\n\n", point.label);
    md << fmt::format("Theory route `{}`", t.route);
    if (t.delta0.available()) md << fmt::format("; Delta0 = {}", num(*t.delta0.value));
    if (t.g_eff.available()) md << fmt::format("; g_eff = {}", num(*t.g_eff.value));
    if (t.chaotic.available()) md << fmt::format("; {}", *t.chaotic.value != 0.0 ? "chaotic" : "not chaotic");
    md << ". Runs: ";
    std::vector<std::string> runs;
    for (const SizeRun& s : point.sizes)
        runs.push_back(fmt::format("N = {} (R = {}, {:.1f} s{})", s.n, s.realizations, s.wall_seconds,
                                   s.draw_controls > 0 ? fmt::format(", {} controls", s.draw_controls) : ""));
    md << fmt::format("{}.\n", fmt::join(runs, ", "));
    for (const std::string& note : t.notes) md << fmt::format("Note: {}.\n", note);
    md << "\n| statistic | tag |";
    for (const SizeRun& s : point.sizes) md << fmt::format(" N = {} [z] |", s.n);
    md << " fit S_inf | theory S_inf | z | fit 1/N coeff. | theory 1/N coeff. | z | chi2/dof | verdict "
          "|\n|---|---|";
    for (size_t i = 0; i < point.sizes.size(); ++i) md << "---:|";
    md << "---:|---:|---:|---:|---:|---:|---:|---|\n";
    for (const StatisticComparison& c : cmps) {
        if (c.verdict == Verdict::NoTheory) continue;
        md << fmt::format("| {} | {} |", c.name(), tagOf(c));
        for (const SizeComparison& s : c.sizes) {
            // The theory at this N is shown only when it differs from S_inf (a derived 1/N term).
            const std::string at_n =
                s.theory_has_first_order && s.theory ? fmt::format(" (theory {})", num(*s.theory)) : "";
            md << fmt::format(" {}{} [{}] |", withError(s.mean, s.sem), at_n, zText(s.z));
        }
        const ScalingFit& f = c.fit;
        md << fmt::format(" {} | {} | {} |", f.ok ? withError(f.s_inf, f.s_inf_se) : "–",
                          !c.theory_inf.available() ? "–"
                          : c.theory_inf.se > 0.0   ? withError(*c.theory_inf.value, c.theory_inf.se)
                                                    : num(*c.theory_inf.value),
                          zText(c.z_inf));
        md << fmt::format(" {} | {} | {} |", f.ok ? withError(f.a, f.a_se) : "–",
                          c.theory_one_over_n.available() ? num(*c.theory_one_over_n.value) : "not derived",
                          zText(c.z_slope));
        md << fmt::format(
            " {} | {} |\n",
            f.ok && f.dof > 0 ? fmt::format("{:.2f}{}", f.chi2 / f.dof, f.order == 2 ? " (+b/N²)" : "") : "–",
            verdictCell(c));
    }
    std::map<std::string, std::string> approximations;
    for (const StatisticComparison& c : cmps)
        if (c.theory_inf.available() && c.theory_inf.basis != theory::Basis::Exact &&
            (c.verdict == Verdict::Pass || c.verdict == Verdict::Fail))
            approximations.emplace(tagOf(c), c.detail);
    for (const auto& [tag, why] : approximations) md << fmt::format("\n`{}`: {}.", tag, why);
    if (!approximations.empty()) md << "\n";
}

void seriesSummary(std::ostringstream& md, const ValidationReport& r) {
    const VerdictCounts n = countSeriesVerdicts(*r.series);
    if (n.pass[0] + n.pass[1] + n.pass[2] + n.fail[0] + n.fail[1] + n.fail[2] + n.no_theory + n.no_data == 0)
        return;
    md << fmt::format(
        "\n### Curves\n\nEvery point of a curve is judged by the rule above; a curve passes when all its "
        "points do. Exact curves: {} PASS, {} FAIL; linear equivalence: {} PASS, {} FAIL; derived: {} PASS, "
        "{} FAIL; no theory: {}; no data: {}.\n\n",
        n.pass[0], n.fail[0], n.pass[1], n.fail[1], n.pass[2], n.fail[2], n.no_theory, n.no_data);
    md << "| point | curve | theory tag | points PASS | points FAIL | worst abs(z) (at) | verdict |\n";
    md << "|---|---|---|---:|---:|---|---|\n";
    for (size_t p = 0; p < r.series->size(); ++p)
        for (const SeriesComparison& c : (*r.series)[p]) {
            const std::string tag =
                c.theory.available() ? std::string(theory::basisName(c.theory.basis)) : "–";
            const std::string verdict =
                c.verdict == Verdict::Fail ? "**FAIL**" : std::string(verdictName(c.verdict));
            md << fmt::format("| {} | {} | {} | {} | {} | {:.2f} ({} = {:g}) | {}{} |\n",
                              r.run.points[p].label, c.name, tag, c.pass, c.fail, c.worst_z, c.abscissa,
                              c.worst_at, verdict, c.detail.empty() ? "" : " (" + c.detail + ")");
        }
}

// A few rows of every curve (the full curve is in validate.json and the plot).
void seriesSection(std::ostringstream& md, const std::vector<SeriesComparison>& series) {
    for (const SeriesComparison& c : series) {
        if (c.points.empty()) continue;
        md << fmt::format("\n`{}` ({}):\n\n| {} |", c.name, verdictName(c.verdict), c.abscissa);
        for (const SizeComparison& s : c.points.front().sizes) md << fmt::format(" N = {} [z] |", s.n);
        md << " theory | verdict |\n|---:|";
        for (size_t i = 0; i < c.points.front().sizes.size(); ++i) md << "---:|";
        md << "---:|---|\n";
        const std::size_t stride = std::max<std::size_t>(1, c.points.size() / 10);
        for (std::size_t k = 0; k < c.points.size(); k += stride) {
            const SeriesPointComparison& p = c.points[k];
            md << fmt::format("| {:g} |", p.at);
            for (const SizeComparison& s : p.sizes)
                md << fmt::format(" {} [{}] |", withError(s.mean, s.sem), zText(s.z));
            md << fmt::format(" {} | {} |\n", c.theory.available() ? num(c.theory.values[k]) : "–",
                              verdictName(p.verdict));
        }
    }
}

}  // namespace

std::string verdictRule(double threshold) {
    return fmt::format(
        "PASS when every |z| <= {0:g}. With two or more sizes, z compares the fitted S_inf of "
        "S(N) = S_inf + a/N (+ b/N^2 when chi^2 asks for it: p < 0.01 with >= 4 sizes) with the theory at "
        "N = infinity, and the fitted a with the theory's 1/N coefficient where one is derived; fit errors "
        "are "
        "widened by sqrt(chi2/dof) when that exceeds 1. With one size, z compares the mean with the theory "
        "(including its 1/N term where derived). Theory values are numerics without an error of their own, "
        "except sampled ones (the sampled DMFT, the one-loop 1/N terms), whose standard error is added in "
        "quadrature.",
        threshold);
}

VerdictCounts countSeriesVerdicts(const std::vector<std::vector<SeriesComparison>>& series) {
    VerdictCounts n;
    for (const auto& per_point : series)
        for (const SeriesComparison& c : per_point) {
            const int basis = static_cast<int>(c.theory.basis);
            if (c.verdict == Verdict::Pass) ++n.pass[basis];
            if (c.verdict == Verdict::Fail) ++n.fail[basis];
            if (c.verdict == Verdict::NoTheory) ++n.no_theory;
            if (c.verdict == Verdict::NoData) ++n.no_data;
        }
    return n;
}

VerdictCounts countVerdicts(const std::vector<std::vector<StatisticComparison>>& comparisons) {
    VerdictCounts n;
    for (const auto& per_point : comparisons)
        for (const StatisticComparison& c : per_point) {
            if (c.verdict == Verdict::Pass) ++n.pass[basisIndex(c)];
            if (c.verdict == Verdict::Fail) ++n.fail[basisIndex(c)];
            if (c.verdict == Verdict::NoTheory) ++n.no_theory;
            if (c.verdict == Verdict::NoData) ++n.no_data;
        }
    return n;
}

json reportJson(const ValidationReport& r) {
    const BuildInfo& build = buildInfo();
    const VerdictCounts n = countVerdicts(r.comparisons);
    json summary = json::object();
    for (int b = 0; b < 3; ++b)
        summary[std::string(theory::basisName(static_cast<theory::Basis>(b)))] = {{"pass", n.pass[b]},
                                                                                  {"fail", n.fail[b]}};
    if (r.series != nullptr) {
        const VerdictCounts curves = countSeriesVerdicts(*r.series);
        json per_basis = json::object();
        for (int b = 0; b < 3; ++b)
            per_basis[std::string(theory::basisName(static_cast<theory::Basis>(b)))] = {
                {"pass", curves.pass[b]}, {"fail", curves.fail[b]}};
        per_basis["no_theory"] = curves.no_theory;
        per_basis["no_data"] = curves.no_data;
        summary["series"] = per_basis;
    }
    summary["no_theory"] = n.no_theory;
    summary["no_data"] = n.no_data;
    const bool series_passed = r.series == nullptr || countSeriesVerdicts(*r.series).exactPassed();
    summary["exact_verdict"] = n.exactPassed() && series_passed ? "PASS" : "FAIL";
    json scan = json::array();
    for (const std::string& s : r.plan.scans) scan.push_back(s);
    json points = json::array();
    for (size_t p = 0; p < r.run.points.size(); ++p)
        points.push_back(pointJson(r.run.points[p], r.comparisons[p],
                                   r.series != nullptr ? &(*r.series)[p] : nullptr, r.out_dir));
    return {{"format", "quench.validate/1"},
            {"quench", {{"version", build.version}, {"commit", build.commit}}},
            {"title", r.plan.title},
            {"command_line", r.command_line},
            {"date_utc", r.date_utc},
            {"hostname", r.hostname},
            {"backend", r.run.backend},
            {"backend_description", r.run.backend_description},
            {"device", r.run.device},
            {"wall_seconds", r.run.wall_seconds},
            {"quick", r.plan.quick},
            {"threshold", r.plan.threshold},
            {"verdict_rule", verdictRule(r.plan.threshold)},
            {"sizes", r.plan.sizes},
            {"realizations", r.plan.realizations},
            {"scan", scan},
            {"config", config::configToJson(r.run.base)},
            {"seed", r.run.base.ensemble.seed},
            {"summary", summary},
            {"points", points},
            {"theory_curve", curveJson(r.run.curve)}};
}

std::string reportMarkdown(const ValidationReport& r, const std::vector<std::string>& plot_files) {
    const BuildInfo& build = buildInfo();
    const VerdictCounts n = countVerdicts(r.comparisons);
    std::ostringstream md;
    md << fmt::format("# quench validate: {}\n\n", r.plan.title.empty() ? "report" : r.plan.title);
    md << fmt::format("- command: `{}`\n", r.command_line);
    md << fmt::format("- quench {} (commit {}), backend {} ({}), device: {}\n", build.version, build.commit,
                      r.run.backend, r.run.backend_description, r.run.device);
    md << fmt::format("- date {} on {}, wall time {:.0f} s{}\n", r.date_utc, r.hostname, r.run.wall_seconds,
                      r.plan.quick ? " (--quick: few realizations, a look rather than a verdict)" : "");
    md << fmt::format(
        "- sizes N = {}; seed {} (the first size; size i > 0 uses splitmix64(seed + i), so that the "
        "sizes are independent); the full config of every run is in runs/*.json\n",
        fmt::join(r.plan.sizes, ", "), r.run.base.ensemble.seed);
    if (usesDrawControls(r.run))
        md << "- per-neuron draws: at each size marked \"controls\" every statistic's disorder mean is the "
              "intercept of its regression on exact zero-mean controls of the realizations' own gains and "
              "time constants (means and plug-in (co)variances of 1/p, p, log p), with the regression's "
              "standard error: the same expectation, without most of the scatter of the draws "
              "(host/validate/neuron_draw_controls.hpp); runs/*.csv keep the plain per-realization values\n";
    md << fmt::format("- verdict rule: {}\n\n", verdictRule(r.plan.threshold));
    md << fmt::format("**Exact statistics: {} PASS, {} FAIL → {}.** ", n.pass[0], n.fail[0],
                      n.exactPassed() ? "PASS" : "FAIL");
    md << fmt::format("Linear equivalence: {} PASS, {} FAIL. Derived: {} PASS, {} FAIL.\n\n", n.pass[1],
                      n.fail[1], n.pass[2], n.fail[2]);
    md << "Statistics: auto_mean = mean_i C_ii; cross_mean = mean_{i≠j} C_ij; "
          "auto_var = var_i C_ii (O(1) with per-neuron gains or time constants, O(1/N) otherwise); "
          "n_auto_var = N var_i C_ii; "
          "n_cross_var = N var_{i≠j} C_ij; "
          "m_k = Tr C^k / N; pr_over_n = (Tr C)² / (N Tr C²); split-sample corrected estimators, disorder "
          "mean ± "
          "standard error over the R realizations. z_* are the same statistics of the correlation matrix "
          "R_ij = C_ij / sqrt(C_ii C_jj) (z_n_cross_var = N var_{i≠j} R_ij), derived from the covariance "
          "statistics at large N (docs/theory/zscored.md).\n\n";
    if (!r.run.points.empty() && r.run.points.front().phi_is_x)
        md << "Linear activation: phi(x) = x, so the statistics of phi are those of x and are listed "
              "once.\n\n";
    md << "## Summary per statistic\n\n";
    summaryTable(md, r);
    if (r.series != nullptr) seriesSummary(md, r);
    if (!plot_files.empty()) {
        md << "\n## Plots\n\n";
        for (const std::string& f : plot_files) md << fmt::format("![{0}]({0})\n\n", f);
    }
    md << "\n## Per grid point\n\nEach cell: disorder mean ± standard error (the theory at that N, S_inf + "
          "c/N, where "
          "a 1/N term is derived) [z against the theory at that N; without a 1/N term z is against S_inf and "
          "only "
          "informative: the verdict rests on the fit].\n";
    for (size_t p = 0; p < r.run.points.size(); ++p) {
        pointSection(md, r.run.points[p], r.comparisons[p]);
        if (r.series != nullptr) seriesSection(md, (*r.series)[p]);
    }
    return md.str();
}

}  // namespace quench::validation
