#pragma once
// The single-neuron nonlinearity phi and its derivative, shared by every backend and the theory.
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quench/host_device.hpp"

namespace quench {

// tanh in single precision as a clamped [13/6] rational function (the minimax form Eigen uses):
// relative error below 1e-6, no transcendental call, so loops over it vectorize on the CPU and the
// GPU evaluates the same expression. Double precision uses the library tanh.
QUENCH_HD float tanhOf(float x) {
    const float clamp = 7.90531110763549805f;
    x = x < -clamp ? -clamp : (x > clamp ? clamp : x);
    const float x2 = x * x;
    float p = -2.76076847742355e-16f;
    p = p * x2 + 2.00018790482477e-13f;
    p = p * x2 - 8.60467152213735e-11f;
    p = p * x2 + 5.12229709037114e-08f;
    p = p * x2 + 1.48572235717979e-05f;
    p = p * x2 + 6.37261928875436e-04f;
    p = p * x2 + 4.89352455891786e-03f;
    float q = 1.19825839466702e-06f;
    q = q * x2 + 1.18534705686654e-04f;
    q = q * x2 + 2.26843463243900e-03f;
    q = q * x2 + 4.89352518554385e-03f;
    return x * p / q;
}
QUENCH_HD double tanhOf(double x) {
    return std::tanh(x);
}

enum class ActivationKind : int { Linear, Tanh, Erf, PowerLaw, Pade, Relu, ThresholdLinear };

// Highest polynomial degree + 1 a Pade numerator or denominator may have (fixed so that the
// activation is a plain value type that can be copied to a GPU).
inline constexpr int kMaxPadeCoefficients = 12;

struct Activation {
    ActivationKind kind = ActivationKind::Tanh;
    double alpha = 0.5;      // power law sgn(x)|x|^alpha
    double threshold = 0.0;  // threshold-linear max(0, x - threshold)
    int p_count = 0;         // Pade numerator coefficients, ascending powers of x
    int q_count = 0;         // Pade denominator coefficients, ascending powers of x
    double p[kMaxPadeCoefficients] = {};
    double q[kMaxPadeCoefficients] = {};

    template <class Real>
    QUENCH_HD Real value(Real x) const {
        switch (kind) {
            case ActivationKind::Linear:
                return x;
            case ActivationKind::Tanh:
                return tanhOf(x);
            case ActivationKind::Erf:
                return std::erf(Real(0.88622692545275801365) * x);  // sqrt(pi)/2
            case ActivationKind::PowerLaw:
                return std::copysign(std::pow(std::fabs(x), Real(alpha)), x);
            case ActivationKind::Pade:
                return polynomial(p, p_count, x) / polynomial(q, q_count, x);
            case ActivationKind::Relu:
                return x > Real(0) ? x : Real(0);
            case ActivationKind::ThresholdLinear:
                return x > Real(threshold) ? x - Real(threshold) : Real(0);
        }
        return x;
    }

    template <class Real>
    QUENCH_HD Real derivative(Real x) const {
        switch (kind) {
            case ActivationKind::Linear:
                return Real(1);
            case ActivationKind::Tanh: {
                const Real t = tanhOf(x);
                return Real(1) - t * t;
            }
            case ActivationKind::Erf: {
                const Real c = Real(0.88622692545275801365);
                return Real(1.12837916709551257390) * c * std::exp(-c * c * x * x);  // 2/sqrt(pi) * c
            }
            case ActivationKind::PowerLaw:
                return Real(alpha) * std::pow(std::fabs(x), Real(alpha) - Real(1));
            case ActivationKind::Pade: {
                const Real num = polynomial(p, p_count, x);
                const Real den = polynomial(q, q_count, x);
                return (polynomialDerivative(p, p_count, x) * den -
                        num * polynomialDerivative(q, q_count, x)) /
                       (den * den);
            }
            case ActivationKind::Relu:
                return x > Real(0) ? Real(1) : Real(0);
            case ActivationKind::ThresholdLinear:
                return x > Real(threshold) ? Real(1) : Real(0);
        }
        return Real(1);
    }

    // True when phi(-x) = -phi(x): with zero input the dynamics is then symmetric under x -> -x,
    // so the stationary means of x and phi vanish exactly.
    bool odd() const {
        switch (kind) {
            case ActivationKind::Linear:
            case ActivationKind::Tanh:
            case ActivationKind::Erf:
            case ActivationKind::PowerLaw:
                return true;
            case ActivationKind::Pade: {
                for (int i = 0; i < p_count; i += 2)
                    if (p[i] != 0.0) return false;
                for (int i = 1; i < q_count; i += 2)
                    if (q[i] != 0.0) return false;
                return true;
            }
            case ActivationKind::Relu:
            case ActivationKind::ThresholdLinear:
                return false;
        }
        return false;
    }

    // True when phi grows at least linearly, so a strong coupling can make the network blow up.
    bool unbounded() const {
        return kind == ActivationKind::Linear || kind == ActivationKind::Relu ||
               kind == ActivationKind::ThresholdLinear || (kind == ActivationKind::PowerLaw && alpha > 1.0) ||
               (kind == ActivationKind::Pade && p_count > q_count);
    }

private:
    template <class Real>
    QUENCH_HD static Real polynomial(const double* c, int count, Real x) {
        Real acc = Real(0);
        for (int i = count - 1; i >= 0; --i) acc = acc * x + Real(c[i]);
        return acc;
    }
    template <class Real>
    QUENCH_HD static Real polynomialDerivative(const double* c, int count, Real x) {
        Real acc = Real(0);
        for (int i = count - 1; i >= 1; --i) acc = acc * x + Real(i) * Real(c[i]);
        return acc;
    }
};

// Stable names used in config files and output ("linear", "tanh", "erf", "power_law", "pade",
// "relu", "threshold_linear").
std::string_view activationName(ActivationKind kind);
std::optional<ActivationKind> parseActivationKind(std::string_view name);
std::vector<std::string> activationNames();

// Pade presets approximating tanh by its continued-fraction convergents: "tanh_1_2" x/(1+x^2/3),
// "tanh_3_2" x(15+x^2)/(15+6x^2), "tanh_3_4", "tanh_5_4".
struct PadeCoefficients {
    std::vector<double> p;
    std::vector<double> q;
};
std::optional<PadeCoefficients> padePreset(std::string_view name);
std::vector<std::string> padePresetNames();

// Builds a Pade activation. Throws ConfigError (key "network.pade_q") if the denominator has a real
// root, is zero, or either list is longer than kMaxPadeCoefficients.
Activation makePadeActivation(const std::vector<double>& p, const std::vector<double>& q);

}  // namespace quench
