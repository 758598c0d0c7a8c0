#pragma once
// Closed-form white-noise DMFT for the power-law activation phi = sgn(x)|x|^alpha (theory.md section 4):
// with Delta0 = (sigma^2/2) y, (*) becomes y^2 - kappa y^(alpha+1) = 1.
namespace quench::theory {

// M_p = E|z|^p = 2^(p/2) Gamma((p+1)/2) / sqrt(pi), z standard normal; p > -1.
double absoluteNormalMoment(double p);

// K_alpha = (M_{2alpha+2} - M_{alpha+1}^2) / (alpha+1)^2, so Var Phi = K_alpha Delta0^(alpha+1).
double powerLawVarianceConstant(double alpha);

// c_alpha = alpha^2 M_{alpha-1}^2 / (2 K_alpha): gamma^2 g^2 = c_alpha (1 - 1/y^2). c_0.5 = 0.97200.
double powerLawGainConstant(double alpha);

// kappa = 2 K_alpha g^2 (sigma^2/2)^(alpha-1); sigma > 0.
double powerLawKappa(double alpha, double g, double sigma);

// Largest kappa with a solution for alpha > 1: (2/(alpha+1)) ((alpha-1)/(alpha+1))^((alpha-1)/2).
double powerLawCriticalKappa(double alpha);

// Critical coupling g* (alpha > 1): beyond it (*) has no solution and the network blows up.
double powerLawCriticalCoupling(double alpha, double sigma);

// The physical root y >= 1 of y^2 - kappa y^(alpha+1) = 1 (the one continuous from y = 1 at kappa = 0).
// Throws std::runtime_error past the critical kappa (alpha > 1, or kappa >= 1 at alpha = 1).
double powerLawScaledVariance(double alpha, double kappa);

struct PowerLawDmft {
    double y = 0.0;
    double kappa = 0.0;
    double delta0 = 0.0;    // (sigma^2/2) y
    double gamma = 0.0;     // alpha M_{alpha-1} Delta0^((alpha-1)/2)
    double g_eff = 0.0;     // sqrt(c_alpha (1 - 1/y^2))
    double a_phi = 0.0;     // E[phi^2] = M_{2alpha} Delta0^alpha
    double pr_phi_zf = 0.0; // (1 - g_eff^2)^2
};

// Every field in closed form. sigma = 0 (alpha < 1): Delta0 = (2 K_alpha g^2)^(1/(1-alpha)), y = infinity
// is reported as y = 0 with g_eff^2 = c_alpha. Throws std::domain_error for alpha <= 0, g < 0, sigma < 0,
// and std::runtime_error past the blow-up (alpha >= 1), naming g and the critical coupling.
PowerLawDmft solvePowerLawDmft(double alpha, double g, double sigma);

// Scaling variable u = sigma g^(-1/(1-alpha)) (alpha < 1, g > 0).
double powerLawScalingVariable(double alpha, double g, double sigma);

// F_alpha(u) = PR_phi^ZF / N as a function of the scaling variable alone: PR/N(g, sigma) = F_alpha(u).
double powerLawScalingFunction(double alpha, double u);

}  // namespace quench::theory
