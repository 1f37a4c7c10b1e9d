//! `gaussian-replace-variance`: 1-D replace, `E sigma_n^2 = sigma^2` (unbiased) yet
//! `E log sigma_n^2 = log sigma^2 + n delta -> -infinity`; `E sigma_n = sigma c_M^n`; the
//! mle's `r^n`; and the probability of collapse, a numerical inversion with an absolute
//! error below [`NUMERICAL`] (item 7 of the proof: "absolute error below 1e-9"; the largest
//! error seen against exact references here is about 1e-12).

use crate::common::NUMERICAL;
use crate::support::gaussian::{LN_GAMMA, fitted, ln_r, r, setup, sigma, theory_1d, values};
use crate::support::{EPS, config, with_cases};
use model_collapse::gaussian::theory::{GaussianTheory, Metric, ids, log_drift, sd_factor};
use model_collapse::gaussian::{Estimator, GaussianRegime};
use model_collapse::special::trigamma;
use model_collapse::spectrum::Spectrum;
use proptest::prelude::*;
use statrs::distribution::{ChiSquared, ContinuousCDF};
use statrs::function::gamma::{digamma, ln_gamma};
use std::f64::consts::{LN_2, PI};

/// 1-D replace, fitted variance: `(M, n, sigma, estimator)`.
fn chain() -> impl Strategy<Value = (usize, u64, f64, Estimator)> {
    (2usize..3000, 1u64..300, sigma(), fitted())
}

/// The drift `delta_k = psi((M-1)/2) + ln 2 - ln k`, grouped differently from the code.
fn drift(m: usize, e: Estimator) -> f64 {
    digamma((m as f64 - 1.0) / 2.0) + LN_2 - e.divisor(m).unwrap().ln()
}

/// Rounding of one drift: `psi` and `ln k` are at most `ln M + 1` in size, and two
/// groupings differ by a few ulps of them (measured: at most 2.3e-15 for M <= 5000).
fn drift_rounding(m: usize) -> f64 {
    8.0 * EPS * ((m as f64).ln() + 1.0)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn log_variance_is_n_times_a_negative_drift_and_strictly_decreasing((m, n, s, e) in chain()) {
        let t = theory_1d(m, s, e, GaussianRegime::Replace, n);
        let curve = t.curve(Metric::LogVarianceRatio).unwrap();
        prop_assert_eq!(curve.theorem, ids::REPLACE_VARIANCE);
        let delta = drift(m, e);
        prop_assert!(t.drift() < 0.0, "M = {m}, {e}: drift {}", t.drift());
        for (g, v) in (1..).zip(&curve.values) {
            let g = g as f64;
            let tol = g * drift_rounding(m);
            prop_assert!((v - g * delta).abs() <= tol, "M = {m}, {e}, n = {g}: {v} vs {}", g * delta);
        }
        for w in curve.values.windows(2) {
            prop_assert!(w[1] < w[0], "M = {m}, {e}: {} then {}", w[0], w[1]);
        }
    }

    #[test]
    fn unbiased_drift_matches_the_digamma_expansion(m in 2usize..3000) {
        // psi(x) - ln x = -1/(2x) - 1/(12x^2) + R with |R| <= 1/(120 x^4) for every x > 0
        // (the asymptotic series of psi envelops it); x = (M-1)/2 gives
        // delta_{M-1} = -1/(M-1) - 1/(3(M-1)^2) + R, |R| <= 2/(15 (M-1)^4) (proof, Remark 2).
        // An independent check of statrs' digamma and of the drift's sign.
        let k = m as f64 - 1.0;
        let remainder = log_drift(m, 1, k) + 1.0 / k + 1.0 / (3.0 * k * k);
        let bound = 2.0 / (15.0 * k.powi(4)) + drift_rounding(m);
        prop_assert!(remainder.abs() <= bound, "M = {m}: remainder {remainder:e} > {bound:e}");
    }

    #[test]
    fn mle_drift_is_below_unbiased_by_exactly_ln_r(m in 2usize..3000, n in 1u64..300) {
        let unbiased = theory_1d(m, 1.0, Estimator::Unbiased, GaussianRegime::Replace, n);
        let mle = theory_1d(m, 1.0, Estimator::Mle, GaussianRegime::Replace, n);
        let gap = mle.drift() - unbiased.drift();
        prop_assert!((gap - ln_r(m)).abs() <= 2.0 * drift_rounding(m), "M = {m}: {gap} vs ln r = {}", ln_r(m));
        let (u, l) = (values(&unbiased, Metric::LogVarianceRatio), values(&mle, Metric::LogVarianceRatio));
        prop_assert!(u.iter().zip(&l).all(|(u, l)| l < u), "M = {m}: mle not below unbiased");
    }

    #[test]
    fn sd_factor_lies_in_sqrt_r_to_one_and_increases(m in 2usize..3000) {
        // sd_factor is exp of a difference of ln Gamma values of size up to
        // (M/2) ln(M/2): relative rounding a few ulps of that (measured: 6e-12 at M = 5000).
        let tol = 16.0 * EPS * (1.0 + ln_gamma(m as f64 / 2.0 + 1.0).abs());
        let (c, next) = (sd_factor(m), sd_factor(m + 1));
        // c_M < 1: Jensen (proof, Step 4). c_M >= sqrt(r): Wendel's inequality
        // Gamma(x + 1/2) / Gamma(x) >= sqrt(x) (x / (x + 1/2))^(1/2) with x = (M-1)/2.
        prop_assert!(c < 1.0 && c >= r(m).sqrt() * (1.0 - tol), "M = {m}: c_M = {c}");
        // Gamma(x + 1) = x Gamma(x) gives the exact identity c_M c_{M+1} = sqrt(r).
        let product = c * next / r(m).sqrt();
        prop_assert!((product - 1.0).abs() <= 2.0 * tol, "M = {m}: c_M c_(M+1) / sqrt(r) = {product}");
        // Increasing in M (a classical Gamma-ratio monotonicity, not in proofs/): the step
        // is about 1/(4 M^2) >= 2.7e-8, far above the rounding. With c_M >= sqrt(r), c_M -> 1.
        prop_assert!(next > c, "M = {m}: c_M = {c}, c_(M+1) = {next}");
    }

    #[test]
    fn mean_variance_is_r_to_the_n_for_mle_and_one_unbiased((m, n, s, _) in chain()) {
        let unbiased = values(&theory_1d(m, s, Estimator::Unbiased, GaussianRegime::Replace, n), Metric::VarianceRatio);
        let mle = values(&theory_1d(m, s, Estimator::Mle, GaussianRegime::Replace, n), Metric::VarianceRatio);
        prop_assert!(unbiased.iter().all(|&v| v == 1.0));
        for (g, v) in (1..).zip(&mle) {
            // r carries half an ulp, raised to the power g: relative g ulps, plus powi's own;
            // the reference exp(g ln r) is good to a few ulps.
            let exact = (g as f64 * ln_r(m)).exp();
            prop_assert!((v / exact - 1.0).abs() <= (g as f64 + 8.0) * EPS, "M = {m}, n = {g}: {v} vs {exact}");
            prop_assert!(*v < 1.0);
        }
    }

    #[test]
    fn mean_sd_mle_below_unbiased_and_jensen((m, n, s, _) in chain()) {
        let tm = theory_1d(m, s, Estimator::Mle, GaussianRegime::Replace, n);
        let su = values(&theory_1d(m, s, Estimator::Unbiased, GaussianRegime::Replace, n), Metric::SdRatio);
        let (sm, vm) = (values(&tm, Metric::SdRatio), values(&tm, Metric::VarianceRatio));
        let c = sd_factor(m);
        for g in 0..n as usize {
            let power = g as f64 + 1.0;
            let tol = (2.0 * power + 8.0) * EPS;
            // Item 5: c_M^n (unbiased) and (c_M sqrt r)^n (mle).
            prop_assert!((su[g] / c.powi(g as i32 + 1) - 1.0).abs() <= tol, "M = {m}, n = {power}: unbiased");
            let ratio = sm[g] / su[g] / (power / 2.0 * ln_r(m)).exp();
            prop_assert!((ratio - 1.0).abs() <= tol, "M = {m}, n = {power}: mle / unbiased / r^(n/2) = {ratio}");
            prop_assert!(sm[g] < su[g] && su[g] < 1.0, "M = {m}, n = {power}: {} vs {}", sm[g], su[g]);
            // Jensen, (E sigma_n)^2 < E sigma_n^2: for the mle (c_M sqrt r)^(2n) < r^n as c_M < 1.
            prop_assert!(sm[g] * sm[g] < vm[g], "M = {m}, n = {power}");
        }
    }

    #[test]
    fn ratio_metrics_do_not_depend_on_sigma((m, n, s, e) in chain()) {
        let (t, one) = (theory_1d(m, s, e, GaussianRegime::Replace, n), theory_1d(m, 1.0, e, GaussianRegime::Replace, n));
        for metric in [Metric::VarianceRatio, Metric::SdRatio, Metric::LogVarianceRatio] {
            prop_assert_eq!(values(&t, metric), values(&one, metric), "M = {}, sigma = {}, {}", m, s, metric);
        }
    }
}

/// Setups for the numerical law, with `u` in standard deviations: `n < 60` keeps
/// `exp(n delta - 6 sd)` far from underflow and each case to a few milliseconds.
fn law() -> impl Strategy<Value = (usize, u64, Estimator, f64)> {
    (2usize..3000, 1u64..60, fitted(), -6.0f64..6.0)
}

/// `ln eps` at `u` standard deviations from the mean of `log(sigma_n^2 / sigma^2)`.
fn ln_eps(m: usize, n: u64, e: Estimator, u: f64) -> f64 {
    let t = theory_1d(m, 1.0, e, GaussianRegime::Replace, n);
    n as f64 * t.drift() + u * t.log_variance_sd(n)
}

/// The theory of a 1-D replace chain with threshold `eps = exp(ln_eps)`.
fn with_threshold(m: usize, n: u64, e: Estimator, ln_eps: f64) -> GaussianTheory {
    let s = setup(1, m, 1.0, Spectrum::Identity, e, GaussianRegime::Replace, n);
    GaussianTheory::new(&s.with_threshold(ln_eps.exp()).unwrap())
}

proptest! {
    #![proptest_config(with_cases(64))]

    #[test]
    fn collapse_probability_is_monotone_in_eps_and_obeys_chebyshev((m, n, e, u) in law(), gap in 0.0f64..3.0) {
        let p = with_threshold(m, n, e, ln_eps(m, n, e, u)).collapse_probability(n);
        let q = with_threshold(m, n, e, ln_eps(m, n, e, u + gap)).collapse_probability(n);
        prop_assert!((0.0..=1.0).contains(&p) && (0.0..=1.0).contains(&q));
        prop_assert!(p <= q + 2.0 * NUMERICAL, "M = {m}, n = {n}, {e}: P = {p} at u = {u}, {q} at u + {gap}");
        // Step 6 (Chebyshev): P(sigma_n^2 >= eps sigma^2) <= n psi' / (ln eps - n delta)^2 = 1/u^2, u > 0.
        if u > 0.0 {
            prop_assert!(1.0 - p <= 1.0 / (u * u) + NUMERICAL, "M = {m}, n = {n}, {e}, u = {u}: P = {p}");
        }
    }

    #[test]
    fn one_generation_is_a_chi_square_cdf((m, _, e, u) in law()) {
        // P(sigma_1^2 < eps sigma^2) = P(Q/k < eps) = P(chi^2_{M-1} < eps k): the inversion
        // against statrs' regularised gamma function (measured difference: below 1e-12).
        let x = ln_eps(m, 1, e, u);
        let exact = ChiSquared::new(m as f64 - 1.0).unwrap().cdf(x.exp() * e.divisor(m).unwrap());
        let p = with_threshold(m, 1, e, x).collapse_probability(1);
        prop_assert!((p - exact).abs() <= NUMERICAL, "M = {m}, {e}, ln eps = {x}: {p} vs chi-square {exact}");
    }
}

proptest! {
    #![proptest_config(with_cases(24))]

    #[test]
    fn exact_median_within_one_sd_of_the_drift_halves_the_collapse(m in 2usize..3000, n in 1u64..25, e in fitted()) {
        let t = theory_1d(m, 1.0, e, GaussianRegime::Replace, n);
        let medians = t.median_curve(Metric::LogVarianceRatio).unwrap();
        let variance = t.median_curve(Metric::VarianceRatio).unwrap();
        let sd = t.median_curve(Metric::SdRatio).unwrap();
        for (g, &q) in (1..).zip(&medians) {
            // Item 4: |m_n - n delta| <= sqrt(n psi'((M-1)/2)); the quantile is exact to 1e-12 sd.
            let spread = t.log_variance_sd(g);
            let direct = (g as f64 * trigamma((m as f64 - 1.0) / 2.0)).sqrt();
            prop_assert!((spread / direct - 1.0).abs() <= 4.0 * EPS);
            let off = q - g as f64 * t.drift();
            prop_assert!(off.abs() <= spread * (1.0 + NUMERICAL), "M = {m}, {e}, n = {g}: median - n delta = {off}");
            // The medians of sigma_n^2 and sigma_n are its monotone images.
            let i = g as usize - 1;
            prop_assert!((variance[i] / q.exp() - 1.0).abs() <= 4.0 * EPS);
            prop_assert!((sd[i] / (q / 2.0).exp() - 1.0).abs() <= 4.0 * EPS);
        }
        // At eps = exp(m_n) half the chains have collapsed: the CDF's error at the median and
        // at the quantile's root (measured: |P - 1/2| below 2e-13).
        let at_median = with_threshold(m, n, e, medians[n as usize - 1]);
        let half = at_median.collapse_probability(n);
        prop_assert!((half - 0.5).abs() <= 2.0 * NUMERICAL, "M = {m}, {e}, n = {n}: P = {half}");
        prop_assert_eq!(values(&at_median, Metric::Collapsed)[n as usize - 1], half);
    }
}

#[test]
fn sd_factor_exact_small_values() {
    // c_2 = sqrt(2/pi); c_4 = sqrt(2/3) Gamma(2) / Gamma(3/2) = 2 sqrt(2 / (3 pi)).
    // exp of a ln Gamma difference: a few ulps (c_4 is off by 2e-15), so LN_GAMMA.
    let c4 = 2.0 * (2.0 / (3.0 * PI)).sqrt();
    assert!((sd_factor(2) - (2.0 / PI).sqrt()).abs() < LN_GAMMA, "c_2 = {}", sd_factor(2));
    assert!((sd_factor(4) - c4).abs() < LN_GAMMA, "c_4 = {} vs {c4}", sd_factor(4));
}
