// `quench theory`: the N = infinity predictions for a config's model, over an optional parameter
// grid; writes PREFIX.json / PREFIX.csv and prints a table. The numbers come from
// quench::theory::predict; this file only scans, names and formats them.
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/run_clock.hpp"
#include "cli/scan_grid.hpp"
#include "config/config_loader.hpp"
#include "io/atomic_file.hpp"
#include "quench/build_info.hpp"
#include "quench/error.hpp"
#include "quench/theory/prediction.hpp"
#include "quench/theory/series_prediction.hpp"

namespace quench::cli {

namespace {

using nlohmann::json;
using theory::TheoryPrediction;
using theory::TheoryQuantity;

struct TheoryOptions {
    std::string config_path;  // empty: the embedded default job
    std::vector<std::string> overrides;
    std::vector<std::string> scans;
    std::string out = "results/theory";
    int order = 0;  // 1: also the 1/N coefficients ("one_over_n")
    bool quiet = false;
    bool closure_only = false;  // partially symmetric nonlinear J: the closure's single site, not sampled
};

struct ScanPoint {
    ScanParameters parameters;
    TheoryPrediction prediction;
    std::vector<theory::TheorySeries> series;  // the curves the config's statistics.* ask for
};

EnsembleSpec loadSpec(const TheoryOptions& opt, const std::vector<std::string>& overrides) {
    return config::loadJob(opt.config_path, overrides);
}

// ---- names: the same nesting and statistic names as `quench simulate` ----

bool isRaw(Statistic s) {
    return isRawStatistic(s);
}

// Applies f(name, quantity) to every reported quantity in a fixed order (the CSV column order). With
// order 1 each statistic is followed by its 1/N coefficient, named "<statistic>.one_over_n".
template <class F>
void forEachQuantity(const TheoryPrediction& p, int order, F f) {
    f("delta0", p.delta0);
    f("gamma", p.gamma);
    f("g_eff", p.g_eff);
    f("stability_margin", p.stability_margin);
    f("chaotic", p.chaotic);
    for (const Variable v : {Variable::X, Variable::Phi})
        for (const CovarianceKind c : {CovarianceKind::EqualTime, CovarianceKind::ZeroFrequency}) {
            const std::string prefix = fmt::format("{}.{}.", variableName(v), covarianceName(c));
            const theory::CovariancePrediction& cov = p.at(v, c);
            for (int s = 0; s < kStatisticCount; ++s) {
                if (isRaw(static_cast<Statistic>(s))) continue;
                const std::string name = prefix + std::string(statisticName(static_cast<Statistic>(s)));
                f(name, cov.statistic[s]);
                if (order >= 1) f(name + ".one_over_n", cov.one_over_n[s]);
            }
            f(prefix + "n_cross_var", cov.n_cross_var);
            if (order >= 1) f(prefix + "n_cross_var.one_over_n", cov.n_cross_var_one_over_n);
            f(prefix + "z_n_cross_var", cov.z_n_cross_var);
            if (order >= 1) f(prefix + "z_n_cross_var.one_over_n", cov.z_n_cross_var_one_over_n);
        }
}

json quantityJson(const std::string& name, const TheoryQuantity& q) {
    const json value = name == "chaotic" ? json(*q.value != 0.0) : json(*q.value);
    json out = {{"value", value}, {"tag", theory::basisName(q.basis)}};
    if (q.se > 0.0) out["se"] = q.se;  // Monte-Carlo standard error of a sampled value
    return out;
}

json pointJson(const ScanPoint& point, int order) {
    json out = {{"parameters", json::object()}, {"route", point.prediction.route}};
    for (const auto& [key, value] : point.parameters) out["parameters"][key] = value;
    json omitted = json::array();
    forEachQuantity(point.prediction, order, [&](const std::string& name, const TheoryQuantity& q) {
        if (!q.available()) {
            omitted.push_back({{"name", name}, {"reason", q.reason}});
            return;
        }
        std::string path = "/" + name;
        for (char& ch : path)
            if (ch == '.') ch = '/';
        out[json::json_pointer(path)] = quantityJson(name, q);
    });
    for (const Variable v : {Variable::X, Variable::Phi}) {
        const auto& d = point.prediction.zero_frequency_density[static_cast<int>(v)];
        if (d)
            out[std::string(variableName(v))]["zero_frequency"]["eigenvalue_density"] = {
                {"lambda", d->lambda}, {"density", d->density}, {"tag", theory::basisName(d->basis)}};
    }
    if (!point.prediction.density_reason.empty())
        omitted.push_back(
            {{"name", "zero_frequency.eigenvalue_density"}, {"reason", point.prediction.density_reason}});
    json series = json::array();
    for (const theory::TheorySeries& c : point.series) {
        if (!c.available()) {
            omitted.push_back({{"name", "series." + c.name}, {"reason", c.reason}});
            continue;
        }
        series.push_back({{"name", c.name},
                          {"abscissa", c.abscissa},
                          {"at", c.at},
                          {"values", c.values},
                          {"tag", theory::basisName(c.basis)}});
        if (!c.se.empty()) series.back()["se"] = c.se;  // Monte-Carlo standard errors of a sampled curve
    }
    if (!point.series.empty()) out["series"] = std::move(series);
    out["omitted"] = std::move(omitted);
    out["notes"] = point.prediction.notes;
    return out;
}

json resultJson(const EnsembleSpec& base, const std::vector<ScanAxis>& axes,
                const std::vector<ScanPoint>& points, int order) {
    const BuildInfo& build = buildInfo();
    json out;
    out["format"] = "quench.theory/1";
    out["quench"] = {{"version", build.version}, {"commit", build.commit}};
    out["date_utc"] = utcNow();
    out["config"] = config::configToJson(base);
    out["scan"] = json::array();
    for (const ScanAxis& a : axes) out["scan"].push_back({{"key", a.key}, {"values", a.values}});
    out["tags"] = {
        {"exact", "exact at N = infinity (closed form, or the DMFT self-consistency solved numerically)"},
        {"linear_equivalence", "rests on the linear-equivalence derivation (phi ~ gamma x + residual noise)"},
        {"derived", "a derivation still to be confirmed by simulation"}};
    out["n_cross_var"] =
        "N * cross_var: cross_var (var_{i != j} C_ij, as in quench simulate) vanishes like 1/N";
    out["z_scored"] =
        "z_* are the statistics of the correlation matrix R_ij = C_ij / sqrt(C_ii C_jj); z_n_cross_var = N * "
        "z_cross_var (docs/theory/zscored.md)";
    if (order >= 1)
        out["one_over_n"] =
            "order 1: <statistic>.one_over_n is c in E_J[S](N) = S(infinity) + c / N + O(1/N^2), the "
            "disorder average over realizations with a stationary state (an asymptotic expansion), at the "
            "config's sigma";
    json list = json::array();
    for (const ScanPoint& p : points) list.push_back(pointJson(p, order));
    out["points"] = std::move(list);
    return out;
}

std::string resultCsv(const std::vector<ScanAxis>& axes, const std::vector<ScanPoint>& points, int order) {
    std::ostringstream csv;
    csv.precision(17);
    std::vector<std::string> header;
    for (const ScanAxis& a : axes) header.push_back(a.key);
    header.push_back("route");
    forEachQuantity(TheoryPrediction{}, order,
                    [&](const std::string& name, const TheoryQuantity&) { header.push_back(name); });
    csv << fmt::format("{}\n", fmt::join(header, ","));
    for (const ScanPoint& p : points) {
        for (const auto& [key, value] : p.parameters) csv << value << ',';
        csv << p.prediction.route;
        forEachQuantity(p.prediction, order, [&](const std::string&, const TheoryQuantity& q) {
            csv << ',';
            if (q.available()) csv << *q.value;
        });
        csv << '\n';
    }
    return csv.str();
}

// ---- terminal table ----

std::string cell(const TheoryQuantity& q) {
    if (!q.available()) return fmt::format("{:>11}", "-");
    const char tag = q.basis == theory::Basis::Exact               ? 'E'
                     : q.basis == theory::Basis::LinearEquivalence ? 'L'
                                                                   : 'D';
    return fmt::format("{:>9.5g} {}", *q.value, tag);
}

// Order 1: the 1/N coefficients of the x statistics (phi's are the same or absent with a reason in the JSON).
void printFirstOrderTable(const std::vector<ScanAxis>& axes, const std::vector<ScanPoint>& points) {
    fmt::print(
        "1/N coefficients c of E_J[S] = S(inf) + c/N (x; see the JSON for every statistic and reason)\n");
    for (const ScanAxis& a : axes) fmt::print("{:>14} ", a.key);
    fmt::print("{:>11} {:>11} {:>11} {:>11} {:>11} {:>11}\n", "a ET", "PR/N ET", "Ndc2 ET", "a ZF", "PR/N ZF",
               "Ndc2 ZF");
    for (const ScanPoint& p : points) {
        for (const auto& [key, value] : p.parameters) fmt::print("{:>14.6g} ", value);
        const theory::CovariancePrediction& et = p.prediction.at(Variable::X, CovarianceKind::EqualTime);
        const theory::CovariancePrediction& zf = p.prediction.at(Variable::X, CovarianceKind::ZeroFrequency);
        fmt::print("{} {} {} {} {} {}\n", cell(et.firstOrder(Statistic::AutoMean)),
                   cell(et.firstOrder(Statistic::PrOverN)), cell(et.n_cross_var_one_over_n),
                   cell(zf.firstOrder(Statistic::AutoMean)), cell(zf.firstOrder(Statistic::PrOverN)),
                   cell(zf.n_cross_var_one_over_n));
    }
}

void printTable(const std::vector<ScanAxis>& axes, const std::vector<ScanPoint>& points,
                const std::string& prefix, int order) {
    fmt::print(
        "quench theory: N = infinity predictions (E exact, L linear equivalence, D derived, - omitted)\n");
    for (const ScanAxis& a : axes) fmt::print("{:>14} ", a.key);
    fmt::print("{:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11}\n", "delta0", "gamma", "g_eff",
               "a_phi ET", "a_phi ZF", "PR/N phiZF", "PR/N phiET", "PR/N x ZF", "PR/N x ET");
    for (const ScanPoint& p : points) {
        for (const auto& [key, value] : p.parameters) fmt::print("{:>14.6g} ", value);
        const TheoryPrediction& t = p.prediction;
        fmt::print("{} {} {} {} {} {} {} {} {}\n", cell(t.delta0), cell(t.gamma), cell(t.g_eff),
                   cell(t.at(Variable::Phi, CovarianceKind::EqualTime).at(Statistic::AutoMean)),
                   cell(t.at(Variable::Phi, CovarianceKind::ZeroFrequency).at(Statistic::AutoMean)),
                   cell(t.at(Variable::Phi, CovarianceKind::ZeroFrequency).at(Statistic::PrOverN)),
                   cell(t.at(Variable::Phi, CovarianceKind::EqualTime).at(Statistic::PrOverN)),
                   cell(t.at(Variable::X, CovarianceKind::ZeroFrequency).at(Statistic::PrOverN)),
                   cell(t.at(Variable::X, CovarianceKind::EqualTime).at(Statistic::PrOverN)));
    }
    // Distinct reasons for the quantities shown above, so a '-' is never left unexplained.
    std::map<std::string, std::string> reasons;
    for (const ScanPoint& p : points)
        forEachQuantity(p.prediction, 0, [&](const std::string& name, const TheoryQuantity& q) {
            const bool shown = name == "delta0" || name == "gamma" || name == "g_eff" ||
                               name.find(".pr_over_n") != std::string::npos ||
                               name.find(".auto_mean") != std::string::npos;
            if (shown && !q.available()) reasons.emplace(q.reason, name);
        });
    for (const auto& [reason, name] : reasons) fmt::print("  - {} (and similar): {}\n", name, reason);
    if (order >= 1) printFirstOrderTable(axes, points);
    fmt::print("results: {0}.json (every quantity with its tag, omitted ones with reasons), {0}.csv\n",
               prefix);
}

std::string helpFooter() {
    return R"(
Output: PREFIX.json (format quench.theory/1) and PREFIX.csv, one row / one entry per scan point.
Columns (CSV) and keys (JSON, nested by '.'):
  <scan keys>                 the parameters of the point (JSON: "parameters")
  route                       which theory answered: linear, dmft_white_noise, dmft_colored_noise,
                              dmft_partial_symmetry, random_mode_overlap_closure (the last two: the sampled
                              exact single site, or with --closure-only the Gaussian closure of linear
                              equivalence), heterogeneous_gains, none. dmft_white_noise with tanh, erf or
                              Pade: the equal-time statistics are those of the simulator's recursion at
                              integration.dt (continuous-time with --closure-only)
  delta0                      Delta0 = Var x, the equal-time variance of x (DMFT / linear)
  gamma                       effective gain E[phi'(x)], x ~ N(0, Delta0)
  g_eff                       gamma g
  stability_margin            1 - g_eff (linear with symmetry eta: 1 - g (1 + eta)); < 0: no stationary state
  chaotic                     1 (JSON true) when Delta0 < g^2 E[phi^2] (white noise only)
  V.C.S  for V in x, phi; C in equal_time, zero_frequency; S one of the statistics of quench simulate:
    auto_mean                 a = mean_i C_ii
    auto_var                  var_i C_ii: O(1/N) with identical neurons, omitted (its 1/N coefficient kappa:
                              --order 1); O(1) with per-neuron gains or time constants (the classes'
                              spread), except x's with gains alone (0, and kappa with --order 1) and
                              x's ZF with time constants (their noise's O(dt^2) spread; kappa with
                              --order 1); with gains or time constants --order 1 adds the ET 1/N term
                              of phi's (and with time constants of x's) O(1) spread (sampled, se)
    cross_mean                c = mean_{i != j} C_ij: 0 by the x -> -x symmetry
    cross_var                 var_{i != j} C_ij: O(1/N), always omitted; see n_cross_var
    pr                        (Tr C)^2 / Tr C^2: extensive, always omitted; see pr_over_n
    pr_over_n                 PR / N
    m1, m2, m3, m4            Tr C^k / N (m4 is not derived: always omitted)
  V.C.n_cross_var             N * cross_var = N dc2, the O(1) limit (= m2 - a^2)
  V.C.z_*                     the same for the correlation matrix R_ij = C_ij / sqrt(C_ii C_jj): z_cross_mean,
                              z_cross_var (omitted; see z_n_cross_var), z_pr_over_n, z_m2; derived from the
                              covariance statistics (c / a, N dc2 / a^2, PR/N, m2 / a^2; docs/theory/zscored.md)
  V.zero_frequency.eigenvalue_density (JSON only; linear iid J): {lambda: [...], density: [...]}
  series (JSON only; when the config asks for statistics.autocorrelation or statistics.frequencies): the
                              theory curves {name, abscissa, at, values, tag[, se]} of quench simulate's series,
                              e.g. x.autocorrelation (the DMFT Delta(tau)) and phi.spectral.pr_over_n
  The *_raw statistics of quench simulate are finite-sample estimators with the same limits: not reported.
Tags (JSON "tag"; table letters):
  exact (E)                   exact at N = infinity: closed form, or the DMFT self-consistency solved numerically
                              (partially symmetric nonlinear networks: by sampling, with its Monte-Carlo
                              standard error in the JSON "se")
  linear_equivalence (L)      rests on the linear-equivalence derivation: phi ~ gamma x + independent residual
                              noise, so phi's ZF statistics are a linear network's with g -> g_eff
  derived (D)                 a derivation still to be confirmed by simulation (ET phi dimension, chaos flag,
                              random-mode single-site values)
An absent value is never guessed: the CSV cell is empty and the JSON "omitted" list gives the reason.
With --order 1 every statistic S above is followed by S.one_over_n (CSV column V.C.S.one_over_n, JSON key
one_over_n inside S with value and tag): the coefficient c in E_J[S](N) = S(infinity) + c/N + O(1/N^2) of the
disorder average (linear networks with iid Gaussian J, docs/theory/linear_finite_size.md; for iid nonlinear
networks (eta = 0, either diagonal, white or OU noise) with tanh, erf or Pade, the ET auto_mean and m1 of x and phi
only (and the ZF ones where their lag sums converge in the window; with per-neuron gains or time constants the
ET ones, for linear phi too), from the one-loop expansion sampled over the N = infinity site, tag derived with
its "se": seconds a point at dt = 0.05, about a minute at dt = 0.01 on 2 cores (per-neuron time constants: 8
classes up to 500 lags, e.g. dt >= 0.04, 4 beyond, about a minute and a half at dt = 0.01); windows past 2001
lags, e.g. OU noise of tau_n > 4 at dt = 0.01, are left to build/bench/quench_one_loop_site_means;
docs/theory/one_loop_site.md).
auto_var has a 1/N term though its limit is 0: kappa = lim N var_i C_ii, for linear networks and, ET and ZF,
for the same iid nonlinear networks with identical neurons (the site-to-site spread,
docs/theory/site_auto_variance.md; phi's ZF one is left out near the edge, where its three-time lag sums grow
too long; quench validate compares it as n_auto_var); cross_var and pr have none (see n_cross_var and
pr_over_n).
)";
}

int runTheory(const TheoryOptions& opt) {
    std::vector<ScanPoint> points;
    std::vector<ScanAxis> axes;
    EnsembleSpec base;
    try {
        for (const std::string& s : opt.scans) axes.push_back(parseScan(s));
        for (auto& parameters : scanGrid(axes)) {
            std::vector<std::string> overrides = opt.overrides;
            for (const std::string& o : scanOverrides(parameters)) overrides.push_back(o);
            const EnsembleSpec spec = loadSpec(opt, overrides);  // names the key of a bad value
            if (points.empty()) base = spec;                     // the JSON "config": the first point
            points.push_back({std::move(parameters), TheoryPrediction{}, {}});
            theory::PredictOptions predict_options;
            predict_options.sample_single_site = !opt.closure_only;
            predict_options.sample_one_loop = opt.order >= 1;
            if (!opt.quiet && theory::samplesSingleSite(spec, predict_options))
                std::fprintf(stderr,
                             "quench theory: sampling the exact DMFT of point %zu (about 30 s; "
                             "--closure-only skips it)\n",
                             points.size());
            if (!opt.quiet && theory::computesOneLoopTerms(spec, predict_options))
                std::fprintf(stderr,
                             "quench theory: sampling the one-loop 1/N terms of point %zu (seconds at "
                             "dt = 0.05, about a minute at dt = 0.01; --closure-only skips them)\n",
                             points.size());
            points.back().prediction = theory::predict(spec, predict_options);
            points.back().series = theory::predictSeries(spec, predict_options);
        }
        const std::filesystem::path parent = std::filesystem::path(opt.out).parent_path();
        std::error_code ec;
        if (!parent.empty()) std::filesystem::create_directories(parent, ec);
        if (ec)
            throw ConfigError("--out", opt.out,
                              "cannot create directory " + parent.string() + ": " + ec.message());
    } catch (const ConfigError& e) {
        std::fprintf(stderr, "quench: error: %s\n", e.what());
        return kExitUsage;
    }
    try {
        const std::string json_text = resultJson(base, axes, points, opt.order).dump(1) + "\n";
        const std::string csv_text = resultCsv(axes, points, opt.order);
        io::writeFileAtomically(opt.out + ".json", json_text);
        io::writeFileAtomically(opt.out + ".csv", csv_text);
    } catch (const std::runtime_error& e) {
        std::fprintf(stderr, "quench: error: %s\n", e.what());
        return kExitUsage;
    }
    if (!opt.quiet) printTable(axes, points, opt.out, opt.order);
    return kExitOk;
}

}  // namespace

CommandRunner addTheoryCommand(CLI::App& app) {
    auto opt = std::make_shared<TheoryOptions>();
    CLI::App* cmd = app.add_subcommand(
        "theory",
        "N = infinity predictions (linear closed forms, DMFT, linear equivalence) for the model of CONFIG,\n"
        "over an optional grid of parameters; writes PREFIX.json and PREFIX.csv. Nothing is simulated.");
    cmd->add_option("config", opt->config_path, "TOML config file; omit for the embedded default")
        ->check(CLI::ExistingFile);
    cmd->add_option("--set", opt->overrides, "override one config key: --set section.key=value (repeatable)")
        ->allow_extra_args(false);  // one value per flag, so CONFIG may follow
    cmd->add_option("--scan", opt->scans,
                    "scan a numeric key: --scan coupling.g=0.1:2.0:0.05 or a list --scan noise.tau=0.1,1,10 "
                    "(repeatable: "
                    "outer product, first outermost)")
        ->allow_extra_args(false);
    cmd->add_option("--out", opt->out, "output prefix: writes PREFIX.json and PREFIX.csv")
        ->capture_default_str();
    cmd->add_option("--order", opt->order,
                    "0: N = infinity values; 1: also the 1/N coefficients (<statistic>.one_over_n)")
        ->check(CLI::Range(0, 1))
        ->capture_default_str();
    cmd->add_flag("--quiet,-q", opt->quiet, "no table on the terminal");
    cmd->add_flag(
        "--closure-only", opt->closure_only,
        "partially symmetric couplings, or random-mode couplings with mode overlap, with a nonlinear phi: "
        "keep the Gaussian closure's single-site "
        "values (tagged linear_equivalence) instead of sampling the exact DMFT (about 30 s a point; "
        "docs/theory/sampled_dmft.md); iid couplings with tanh, erf or Pade: the continuous-time equal-time "
        "statistics instead of those of the discrete recursion at integration.dt (1-15 s a point)");
    cmd->footer(helpFooter());
    return [opt]() { return runTheory(*opt); };
}

}  // namespace quench::cli
