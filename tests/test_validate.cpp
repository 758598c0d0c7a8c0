// The judgement of `quench validate` on synthetic measurements: what passes, what fails, what is
// reported without a verdict, and how a validation plan is read from [validate].
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include <filesystem>
#include <fstream>

#include "quench/error.hpp"
#include "validate/statistic_comparison.hpp"
#include "validate/validate_plan.hpp"
#include "validate/validate_report.hpp"

namespace {

using quench::CovarianceKind;
using quench::Statistic;
using quench::Variable;
using quench::theory::Basis;
using quench::theory::TheoryQuantity;
namespace v = quench::validation;

constexpr double kTheory = 0.8;
constexpr double kSlope = 5.0;  // S(N) = 0.8 + 5 / N

// A point measured at N = 100, 200, 400 whose x equal-time auto_mean is S_inf + a/N + offset, with
// standard error sem at every size; the theory says S_inf = 0.8 (basis b).
v::PointRun measuredPoint(double offset, double sem, Basis b = Basis::Exact, bool with_slope = false) {
    v::PointRun point;
    point.label = "coupling.g=0.5";
    for (const int n : {100, 200, 400}) {
        v::SizeRun run;
        run.n = n;
        run.realizations = 16;
        quench::Estimate& e =
            run.summary.est[static_cast<int>(Variable::X)][static_cast<int>(CovarianceKind::EqualTime)]
                           [static_cast<int>(Statistic::AutoMean)];
        e.mean = kTheory + kSlope / n + offset;
        e.sem = sem;
        e.count = 16;
        point.sizes.push_back(run);
    }
    for (auto& per_variable : point.prediction.covariance)
        for (auto& c : per_variable) {
            for (auto& q : c.statistic) q = TheoryQuantity::omitted("not in this test");
            for (auto& q : c.one_over_n) q = TheoryQuantity::omitted("not in this test");
            c.n_cross_var = TheoryQuantity::omitted("not in this test");
            c.n_cross_var_one_over_n = TheoryQuantity::omitted("not in this test");
            c.z_n_cross_var = TheoryQuantity::omitted("not in this test");
            c.z_n_cross_var_one_over_n = TheoryQuantity::omitted("not in this test");
        }
    auto& et = point.prediction.at(Variable::X, CovarianceKind::EqualTime);
    et.at(Statistic::AutoMean) = TheoryQuantity::of(kTheory, b);
    if (with_slope) et.firstOrder(Statistic::AutoMean) = TheoryQuantity::of(kSlope, b);
    return point;
}

const v::StatisticComparison& autoMean(const std::vector<v::StatisticComparison>& all) {
    for (const auto& c : all)
        if (c.name() == "x.equal_time.auto_mean") return c;
    throw std::runtime_error("x.equal_time.auto_mean not compared");
}

TEST(ValidateVerdict, AMeasurementThatExtrapolatesToTheTheoryPasses) {
    const auto all = v::compareStatistics(measuredPoint(0.0, 1e-3), 4.0);
    const v::StatisticComparison& c = autoMean(all);
    EXPECT_EQ(c.verdict, v::Verdict::Pass);
    ASSERT_TRUE(c.fit.ok);
    EXPECT_NEAR(c.fit.s_inf, kTheory, 1e-9);
    EXPECT_NEAR(c.fit.a, kSlope, 1e-6);
    ASSERT_TRUE(c.z_inf.has_value());
    EXPECT_NEAR(*c.z_inf, 0.0, 1e-6);
}

TEST(ValidateVerdict, AnOffsetOfManyStandardErrorsFails) {
    const auto all = v::compareStatistics(measuredPoint(0.02, 1e-3), 4.0);
    const v::StatisticComparison& c = autoMean(all);
    EXPECT_EQ(c.verdict, v::Verdict::Fail);
    EXPECT_GT(std::abs(*c.z_inf), 4.0);
}

// A sampled theory value (the sampled DMFT) carries its Monte-Carlo se: z divides by both errors.
TEST(ValidateVerdict, ASampledTheoryValuesStandardErrorEntersTheZ) {
    v::PointRun point = measuredPoint(0.006, 1e-3);
    EXPECT_EQ(autoMean(v::compareStatistics(point, 4.0)).verdict, v::Verdict::Fail);
    point.prediction.at(Variable::X, CovarianceKind::EqualTime).at(Statistic::AutoMean) =
        TheoryQuantity::sampled(kTheory, 2e-3, Basis::Exact);
    const v::StatisticComparison c = autoMean(v::compareStatistics(point, 4.0));
    ASSERT_TRUE(c.z_inf.has_value());
    EXPECT_NEAR(*c.z_inf, 0.006 / std::hypot(c.fit.s_inf_se, 2e-3), 1e-9);
    EXPECT_EQ(c.verdict, v::Verdict::Pass);
    for (const v::SizeComparison& s : c.sizes)
        EXPECT_NEAR(*s.z, (s.mean - *s.theory) / std::hypot(s.sem, 2e-3), 1e-12);
}

TEST(ValidateVerdict, TheFittedSlopeIsHeldToTheDerivedOneWhereTheTheoryHasIt) {
    EXPECT_EQ(autoMean(v::compareStatistics(measuredPoint(0.0, 1e-3, Basis::Exact, true), 4.0)).verdict,
              v::Verdict::Pass);
    v::PointRun wrong_slope = measuredPoint(0.0, 1e-3, Basis::Exact, true);
    wrong_slope.prediction.at(Variable::X, CovarianceKind::EqualTime).firstOrder(Statistic::AutoMean) =
        TheoryQuantity::of(-kSlope, Basis::Exact);
    const v::StatisticComparison c = autoMean(v::compareStatistics(wrong_slope, 4.0));
    EXPECT_EQ(c.verdict, v::Verdict::Fail);
    ASSERT_TRUE(c.z_slope.has_value());
    EXPECT_GT(*c.z_slope, 4.0);  // fitted +5 against a derived -5
}

TEST(ValidateVerdict, AStatisticWithoutTheoryIsListedWithTheReasonAndNoVerdict) {
    const auto all = v::compareStatistics(measuredPoint(0.0, 1e-3), 4.0);
    for (const auto& c : all)
        if (c.name() != "x.equal_time.auto_mean") {
            EXPECT_EQ(c.verdict, v::Verdict::NoTheory) << c.name();
            EXPECT_EQ(c.detail, "not in this test");
        }
}

// auto_var is O(1/N): validate compares N auto_var, whose N = infinity value is the theory's 1/N coefficient
// kappa of auto_var (docs/theory/site_auto_variance.md).
TEST(ValidateVerdict, NTimesAutoVarIsHeldToTheTheorysKappa) {
    constexpr double kKappa = 0.45;
    v::PointRun point = measuredPoint(0.0, 1e-3);
    for (v::SizeRun& run : point.sizes) {
        quench::Estimate& e =
            run.summary.est[static_cast<int>(Variable::X)][static_cast<int>(CovarianceKind::EqualTime)]
                           [static_cast<int>(Statistic::AutoVar)];
        e.mean = kKappa / run.n;
        e.sem = 0.01 / run.n;
        e.count = 16;
    }
    point.prediction.at(Variable::X, CovarianceKind::EqualTime).firstOrder(Statistic::AutoVar) =
        TheoryQuantity::of(kKappa, Basis::Derived);
    const auto all = v::compareStatistics(point, 4.0);
    const auto c = std::find_if(all.begin(), all.end(),
                                [](const auto& s) { return s.name() == "x.equal_time.n_auto_var"; });
    ASSERT_NE(c, all.end());
    for (const v::SizeComparison& s : c->sizes) {
        EXPECT_NEAR(s.mean, kKappa, 1e-12) << "N = " << s.n;
        EXPECT_NEAR(s.sem, 0.01, 1e-12);
    }
    EXPECT_EQ(c->verdict, v::Verdict::Pass);
    EXPECT_FALSE(c->theory_one_over_n.available());
}

// With per-neuron gains phi's auto_var is O(1) (the spread over the gain classes) and its 1/N term belongs to
// the auto_var row's slope: N auto_var has no limit and is not compared (heterogeneity.md, section 9).
TEST(ValidateVerdict, AnAutoVarOfOrderOneIsComparedByItsSlopeNotAsNTimesAutoVar) {
    constexpr double kSpread = 0.02, kSlope = 0.5;
    v::PointRun point = measuredPoint(0.0, 1e-3);
    for (v::SizeRun& run : point.sizes) {
        quench::Estimate& e =
            run.summary.est[static_cast<int>(Variable::X)][static_cast<int>(CovarianceKind::EqualTime)]
                           [static_cast<int>(Statistic::AutoVar)];
        e.mean = kSpread + kSlope / run.n;
        e.sem = 1e-4;
        e.count = 16;
    }
    quench::theory::CovariancePrediction& p = point.prediction.at(Variable::X, CovarianceKind::EqualTime);
    p.at(Statistic::AutoVar) = TheoryQuantity::of(kSpread, Basis::Exact);
    p.firstOrder(Statistic::AutoVar) = TheoryQuantity::of(kSlope, Basis::Derived);
    const auto all = v::compareStatistics(point, 4.0);
    const auto find = [&all](const char* name) {
        return std::find_if(all.begin(), all.end(), [name](const auto& s) { return s.name() == name; });
    };
    const auto n_times = find("x.equal_time.n_auto_var");
    ASSERT_NE(n_times, all.end());
    EXPECT_EQ(n_times->verdict, v::Verdict::NoTheory);
    const auto spread = find("x.equal_time.auto_var");
    ASSERT_NE(spread, all.end());
    EXPECT_EQ(spread->verdict, v::Verdict::Pass);
    ASSERT_TRUE(spread->z_slope.has_value());
    EXPECT_NEAR(*spread->z_slope, 0.0, 1e-6);
}

TEST(ValidateVerdict, TheZScoredStatisticsAreComparedBesideTheCovarianceStatistics) {
    std::vector<std::string> names;
    for (const auto& c : v::compareStatistics(measuredPoint(0.0, 1e-3), 4.0)) names.push_back(c.name());
    for (const char* name :
         {"x.zero_frequency.z_cross_mean", "x.zero_frequency.z_n_cross_var", "x.zero_frequency.z_m2",
          "x.zero_frequency.z_pr_over_n", "phi.equal_time.z_pr_over_n"})
        EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
}

TEST(ValidateVerdict, ApproximationsAreJudgedButDoNotDecideTheExactVerdict) {
    const std::vector<std::vector<v::StatisticComparison>> failing_approximation{
        v::compareStatistics(measuredPoint(0.02, 1e-3, Basis::LinearEquivalence), 4.0)};
    const v::VerdictCounts n = v::countVerdicts(failing_approximation);
    EXPECT_EQ(n.fail[static_cast<int>(Basis::LinearEquivalence)], 1);
    EXPECT_TRUE(n.exactPassed());
    EXPECT_NE(autoMean(failing_approximation[0]).detail.find("approximation"), std::string::npos);
}

TEST(ValidateVerdict, ASingleSizeIsComparedWithTheTheoryIncludingItsOneOverNTerm) {
    v::PointRun point = measuredPoint(0.0, 1e-3, Basis::Exact, true);
    point.sizes.resize(1);  // N = 100: mean 0.85 = 0.8 + 5/100
    const v::StatisticComparison c = autoMean(v::compareStatistics(point, 4.0));
    EXPECT_EQ(c.verdict, v::Verdict::Pass);
    ASSERT_TRUE(c.sizes[0].theory_has_first_order);
    EXPECT_NEAR(*c.sizes[0].z, 0.0, 1e-9);
}

TEST(ValidateVerdict, PhiIsNotCountedTwiceForALinearNetwork) {
    v::PointRun point = measuredPoint(0.0, 1e-3);
    point.phi_is_x = true;
    for (const auto& c : v::compareStatistics(point, 4.0)) EXPECT_EQ(c.variable, Variable::X) << c.name();
}

class ValidatePlanFile : public ::testing::Test {
protected:
    std::string write(const std::string& text) {
        path_ = std::filesystem::temp_directory_path() /
                ("quench_plan_" +
                 std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".toml");
        std::ofstream(path_) << text;
        return path_.string();
    }
    void TearDown() override { std::filesystem::remove(path_); }
    std::filesystem::path path_;
};

TEST_F(ValidatePlanFile, ReadsTheSectionAndTheQuickTable) {
    const std::string path = write(R"(
[network]
n = 10
[validate]
title = "t"
n = [100, 200]
realizations = [8, 4]
scan = ["coupling.g=0.1:0.2:0.1"]
threshold = 3.5
[validate.quick]
n = [20, 40]
realizations = 2
set = ["integration.t_max=50"]
)");
    const v::ValidatePlan full = v::loadValidatePlan(path, {}, 10);
    EXPECT_EQ(full.title, "t");
    EXPECT_EQ(full.sizes, (std::vector<int>{100, 200}));
    EXPECT_EQ(full.realizations, (std::vector<std::int64_t>{8, 4}));
    EXPECT_DOUBLE_EQ(full.threshold, 3.5);
    EXPECT_TRUE(full.overrides.empty());
    v::PlanFlags quick;
    quick.quick = true;
    const v::ValidatePlan q = v::loadValidatePlan(path, quick, 10);
    EXPECT_EQ(q.sizes, (std::vector<int>{20, 40}));
    EXPECT_EQ(q.realizations, (std::vector<std::int64_t>{2}));
    EXPECT_EQ(q.scans, full.scans);
    EXPECT_EQ(q.overrides, (std::vector<std::string>{"integration.t_max=50"}));
}

TEST_F(ValidatePlanFile, WithoutSizesUsesTheConfigsOwnN) {
    EXPECT_EQ(v::loadValidatePlan(write("[network]\nn = 30\n"), {}, 30).sizes, (std::vector<int>{30}));
}

TEST_F(ValidatePlanFile, MistakesNameTheKeyAndTheValue) {
    auto message = [&](const std::string& text) -> std::string {
        try {
            v::loadValidatePlan(write(text), {}, 10);
        } catch (const quench::ConfigError& e) {
            return e.what();
        }
        return "no error";
    };
    EXPECT_NE(message("[validate]\nn = [200, 100]\n").find("validate.n"), std::string::npos);
    EXPECT_NE(message("[validate]\nn = [100, 200]\nrealizations = [8, 4, 2]\n").find("validate.realizations"),
              std::string::npos);
    EXPECT_NE(message("[validate]\nsizes = [100]\n").find("validate.sizes"), std::string::npos);
    EXPECT_NE(message("[validate]\nn = [1]\n").find("validate.n"), std::string::npos);
    EXPECT_NE(message("[validate]\nthreshold = -1.0\n").find("validate.threshold"), std::string::npos);
}

TEST(ValidateFlags, IntegerListsNameTheFlag) {
    EXPECT_EQ(v::parseIntegerList("100,200,400", "--n"), (std::vector<std::int64_t>{100, 200, 400}));
    try {
        v::parseIntegerList("100,x", "--n");
        FAIL() << "no error";
    } catch (const quench::ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("--n"), std::string::npos);
    }
}

}  // namespace
