//! `gaussian-replace-mean`: 1-D replace, `E (mu_n - mu)^2 = n sigma^2 / M` (unbiased, or a known
//! variance), `sigma^2 (1 - r^n)` (mle).

use crate::support::gaussian::{fitted, ln_r, sigma, theory_1d, values};
use crate::support::{EPS, config};
use model_collapse::gaussian::theory::{Metric, ids};
use model_collapse::gaussian::{Estimator, GaussianRegime};
use proptest::prelude::*;

/// 1-D replace: `(M, n, sigma)`.
fn chain() -> impl Strategy<Value = (usize, u64, f64)> {
    (2usize..3000, 1u64..300, sigma())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn unbiased_and_known_variance_are_n_sigma2_over_m((m, n, s) in chain()) {
        let unbiased = theory_1d(m, s, Estimator::Unbiased, GaussianRegime::Replace, n);
        let known = theory_1d(m, s, Estimator::KnownVariance, GaussianRegime::Replace, n);
        let curve = unbiased.curve(Metric::MeanError).unwrap();
        prop_assert_eq!(curve.theorem, ids::REPLACE_MEAN);
        for (g, v) in (1..).zip(&curve.values) {
            // The code sums n ones (exact) and scales once: a few ulps.
            let exact = g as f64 * s * s / m as f64;
            prop_assert!((v / exact - 1.0).abs() <= 8.0 * EPS, "M = {m}, sigma = {s}, n = {g}: {v} vs {exact}");
        }
        prop_assert_eq!(values(&known, Metric::MeanError), curve.values);
    }

    #[test]
    fn mle_is_sigma2_times_one_minus_r_n_below_unbiased((m, n, s) in chain()) {
        let mle = values(&theory_1d(m, s, Estimator::Mle, GaussianRegime::Replace, n), Metric::MeanError);
        let unbiased = values(&theory_1d(m, s, Estimator::Unbiased, GaussianRegime::Replace, n), Metric::MeanError);
        prop_assert_eq!(mle[0], unbiased[0]);
        for (g, v) in (1..).zip(&mle) {
            // The code sums g terms r^i <= 1 (relative error <= g ulps); the reference
            // -expm1(g ln r) is accurate to a few ulps.
            let exact = -s * s * (g as f64 * ln_r(m)).exp_m1();
            let tol = (2.0 * g as f64 + 8.0) * EPS;
            prop_assert!((v / exact - 1.0).abs() <= tol, "M = {m}, n = {g}: {v} vs {exact}");
            // Remark 2: below sigma^2 (in floating point 1 - r^n reaches 1 once r^n < 1 ulp).
            prop_assert!(*v <= s * s * (1.0 + tol), "M = {m}, n = {g}: {v} above sigma^2 = {}", s * s);
            if g >= 2 {
                prop_assert!(*v < unbiased[g as usize - 1], "M = {m}, n = {g}");
            }
        }
    }

    #[test]
    fn increments_are_the_previous_mean_variance((m, n, s) in chain(), e in fitted()) {
        // Statement: E (mu_n - mu)^2 = (sigma^2 / M) sum_{i<n} E sigma_i^2 / sigma^2, so the
        // step from n - 1 to n is (sigma^2 / M) times the variance curve at n - 1.
        let t = theory_1d(m, s, e, GaussianRegime::Replace, n);
        let (mean, variance) = (values(&t, Metric::MeanError), values(&t, Metric::VarianceRatio));
        for g in 1..n as usize {
            let step = s * s / m as f64 * variance[g - 1];
            // The difference of two sums of up to n terms: n ulps of the larger sum.
            let tol = 4.0 * (g as f64 + 2.0) * EPS * mean[g];
            prop_assert!((mean[g] - mean[g - 1] - step).abs() <= tol, "M = {m}, {e}, n = {}", g + 1);
        }
    }
}
