#pragma once
// Runs the ensembles of a validation plan (every grid point at every size) on one backend and sets
// the theory beside them. Each run's simulate-style result files are written under
// OUT_DIR/runs/ as they finish, so a long validation leaves its raw numbers behind.
#include <functional>
#include <string>
#include <vector>

#include "quench/backend.hpp"
#include "quench/ensemble_spec.hpp"
#include "validate/validate_plan.hpp"
#include "validate/validation_record.hpp"

namespace quench::validation {

struct ValidationInput {
    std::string config_path;             // empty: the embedded default job
    std::vector<std::string> overrides;  // the user's --set
    ValidatePlan plan;
    std::string out_dir;
    std::string command_line;
};

// Progress over the whole plan: fraction of the estimated work (N^2 R K steps per run).
struct ValidationProgress {
    double fraction = 0.0;
    int runs_done = 0;
    int runs_total = 0;
    std::string current;  // "coupling.g=0.5, N = 400"
};

struct ValidationCallbacks {
    std::function<void(const ValidationProgress&)> on_progress;
    std::function<void(const std::string&)> on_run_finished;  // a one-line log
};

// A theory curve over the single scan axis (empty for zero or several axes).
struct TheoryCurve {
    std::string key;
    std::vector<double> values;
    std::vector<theory::TheoryPrediction> predictions;
};

struct ValidationRun {
    EnsembleSpec base;  // the config at the first grid point and the largest size
    std::vector<PointRun> points;
    TheoryCurve curve;
    std::string backend, backend_description, device;
    double wall_seconds = 0.0;
};

// Every spec of the plan, [grid point][size], built and validated before anything runs (a bad grid
// point fails fast).
std::vector<std::vector<EnsembleSpec>> planSpecs(const ValidationInput& input);

// Runs the specs planSpecs(input) returned.
ValidationRun runValidation(const ValidationInput& input, const std::vector<std::vector<EnsembleSpec>>& specs,
                            Backend& backend, const ValidationCallbacks& callbacks);

}  // namespace quench::validation
