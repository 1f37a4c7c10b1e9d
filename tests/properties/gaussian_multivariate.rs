//! `gaussian-multivariate`: `d`-dimensional replace, `E ||mu_n - mu||^2 = n tr Sigma / M`,
//! `E log det Sigma_n = log det Sigma + n Delta`, `Delta = sum_{i<=d} psi((M-i)/2) + d log(2/(M-1))`.
//! The probability of collapse is a numerical inversion with an absolute error below
//! [`NUMERICAL`] (`gaussian-replace-variance`, item 7).

use crate::common::{NUMERICAL, z_critical};
use crate::support::gaussian::{fitted, ln_r, setup, shape, sigma, values};
use crate::support::{EPS, config, with_cases};
use model_collapse::gaussian::theory::{GaussianTheory, Metric, ids, log_drift, log_drift_variance};
use model_collapse::gaussian::{Estimator, GaussianRegime};
use model_collapse::mc::MonteCarlo;
use model_collapse::model::Run;
use model_collapse::special::trigamma;
use model_collapse::spectrum::Spectrum;
use proptest::prelude::*;
use statrs::function::gamma::digamma;
use std::f64::consts::LN_2;

/// `(d, spectrum, M >= d + 1, n, sigma, estimator)`.
fn chain() -> impl Strategy<Value = (usize, Spectrum, usize, u64, f64, Estimator)> {
    (shape(), 0usize..2000, 1u64..200, sigma(), fitted()).prop_map(|((d, sp), extra, n, s, e)| (d, sp, d + 1 + extra, n, s, e))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn drift_is_the_digamma_sum_below_d_times_the_1d_drift((d, sp, m, n, s, e) in chain()) {
        let t = GaussianTheory::new(&setup(d, m, s, sp, e, GaussianRegime::Replace, n));
        let k = e.divisor(m).unwrap();
        let sum: f64 = (1..=d).map(|i| digamma((m - i) as f64 / 2.0)).sum();
        let delta = sum + d as f64 * (LN_2 - k.ln());
        // d terms of size at most ln M + 1, a few ulps each.
        let tol = 8.0 * d as f64 * EPS * ((m as f64).ln() + 1.0);
        prop_assert!((t.drift() - delta).abs() <= tol, "d = {d}, M = {m}, {e}: {} vs {delta}", t.drift());
        // psi is increasing, so Delta <= d delta, with equality only at d = 1 (the 1-D drift).
        let scalar = log_drift(m, 1, k);
        if d == 1 {
            prop_assert_eq!(t.drift(), scalar);
        } else {
            prop_assert!(t.drift() < d as f64 * scalar, "d = {d}, M = {m}: {} vs {}", t.drift(), d as f64 * scalar);
        }
        // Remark 2: the mle drift is Delta + d ln r.
        let gap = log_drift(m, d, m as f64) - log_drift(m, d, m as f64 - 1.0);
        prop_assert!((gap - d as f64 * ln_r(m)).abs() <= 2.0 * tol, "d = {d}, M = {m}: {gap}");
        let curve = t.curve(Metric::LogVarianceRatio).unwrap();
        prop_assert_eq!(curve.theorem, if d == 1 { ids::REPLACE_VARIANCE } else { ids::MULTIVARIATE });
        prop_assert!(curve.values[0] < 0.0 && curve.values.windows(2).all(|w| w[1] < w[0]));
    }

    #[test]
    fn log_det_law_depends_on_d_and_m_only((d, sp, m, n, s, e) in chain()) {
        let t = GaussianTheory::new(&setup(d, m, s, sp, e, GaussianRegime::Replace, n));
        let identity = GaussianTheory::new(&setup(d, m, 1.0, Spectrum::Identity, e, GaussianRegime::Replace, n));
        for metric in [Metric::LogVarianceRatio, Metric::VarianceRatio] {
            prop_assert_eq!(values(&t, metric), values(&identity, metric), "d = {}, M = {}, {}", d, m, metric);
        }
        // Item 3: Var log det Sigma_n = n sum_i psi'((M-i)/2); d terms, a few ulps each.
        let variance: f64 = (1..=d).map(|i| trigamma((m - i) as f64 / 2.0)).sum();
        prop_assert!((log_drift_variance(m, d) / variance - 1.0).abs() <= 4.0 * d as f64 * EPS);
        let sd = (n as f64 * variance).sqrt();
        prop_assert!((t.log_variance_sd(n) / sd - 1.0).abs() <= 4.0 * d as f64 * EPS);
    }

    #[test]
    fn mean_error_is_n_tr_sigma_over_m_or_tr_sigma_one_minus_r_n((d, sp, m, n, s, e) in chain()) {
        let su = setup(d, m, s, sp, e, GaussianRegime::Replace, n);
        let (trace, t) = (su.trace(), GaussianTheory::new(&su));
        for (g, v) in (1..).zip(values(&t, Metric::MeanError)) {
            let exact = match e {
                Estimator::Mle => -trace * (g as f64 * ln_r(m)).exp_m1(),
                _ => g as f64 * trace / m as f64,
            };
            // A sum of n terms (mle) and a trace of d terms: n + d ulps.
            let tol = (2.0 * g as f64 + 8.0 + d as f64) * EPS;
            prop_assert!((v / exact - 1.0).abs() <= tol, "d = {d}, M = {m}, {e}, n = {g}: {v} vs {exact}");
        }
        // Item 1 and Remark 2: E tr Sigma_n / tr Sigma is 1 (unbiased) or r^n (mle).
        for (g, v) in (1..).zip(values(&t, Metric::VarianceRatio)) {
            let exact = if e == Estimator::Mle { (g as f64 * ln_r(m)).exp() } else { 1.0 };
            prop_assert!((v - exact).abs() <= (g as f64 + 8.0) * EPS, "d = {d}, M = {m}, {e}, n = {g}: {v}");
        }
    }
}

proptest! {
    #![proptest_config(with_cases(24))]

    #[test]
    fn median_of_log_det_within_one_sd_halves_the_collapse(d in 2usize..=6, extra in 0usize..500, n in 1u64..15, e in fitted()) {
        // Step 7's argument (Jensen, then Cauchy-Schwarz) holds for any variable with a
        // finite variance, so also for log det Sigma_n with item 3's mean and variance.
        let m = d + 1 + extra;
        let sp = Spectrum::PowerLaw(1.0);
        let t = GaussianTheory::new(&setup(d, m, 1.0, sp.clone(), e, GaussianRegime::Replace, n));
        let medians = t.median_curve(Metric::LogVarianceRatio).unwrap();
        for (g, q) in (1..).zip(&medians) {
            let off = q - g as f64 * t.drift();
            prop_assert!(off.abs() <= t.log_variance_sd(g) * (1.0 + NUMERICAL), "d = {d}, M = {m}, n = {g}: {off}");
        }
        // Collapsed when (det Sigma_n / det Sigma)^(1/d) < eps; at d ln eps = the median, half are.
        let q = medians[n as usize - 1];
        let s = setup(d, m, 1.0, sp, e, GaussianRegime::Replace, n).with_threshold((q / d as f64).exp()).unwrap();
        let half = GaussianTheory::new(&s).collapse_probability(n);
        prop_assert!((half - 0.5).abs() <= 2.0 * NUMERICAL, "d = {d}, M = {m}, {e}, n = {n}: P = {half}");
    }
}

#[test]
fn no_closed_form_for_the_sd_or_wasserstein_in_several_dimensions() {
    let t = GaussianTheory::new(&setup(3, 10, 1.0, Spectrum::Identity, Estimator::Unbiased, GaussianRegime::Replace, 4));
    assert!(t.curve(Metric::SdRatio).is_none() && t.curve(Metric::Wasserstein).is_none());
    assert!(t.median_curve(Metric::VarianceRatio).is_none());
}

/// A small simulation beyond the registered checks: `d = 2` at the edge `M = d + 1`,
/// an explicit spectrum, both estimators. `log det Sigma_n` has mean and variance
/// linear in `n` (item 3) and the collapse indicator is bounded, so the standard
/// errors are sound. z is Bonferroni over 8 agreements and 2 controls.
#[test]
fn simulation_agrees_at_the_edge_m_equals_d_plus_one() {
    let z_crit = z_critical(10);
    let mc = MonteCarlo::new(20_000, 0x6A55_0004, None).unwrap();
    for e in [Estimator::Unbiased, Estimator::Mle] {
        let s = setup(2, 3, 1.5, Spectrum::Diagonal(vec![1.0, 0.2]), e, GaussianRegime::Replace, 8);
        let s = s.with_threshold(0.3).unwrap();
        let t = GaussianTheory::new(&s);
        let run = Run::new(s, &mc).unwrap();
        // The collapse fraction at n = 1, 2 (by n = 8 it is above 0.9999 for the mle).
        for (metric, at) in [(Metric::LogVarianceRatio, [2u64, 8]), (Metric::Collapsed, [1, 2])] {
            let theory = values(&t, metric);
            for g in at {
                let (summary, exact) = (run.summary(metric, g), theory[g as usize - 1]);
                let z = summary.z(exact).unwrap();
                assert!(z.abs() <= z_crit, "{e}, {metric}, n = {g}: {} vs theory {exact} (z = {z})", summary.mean);
            }
        }
        // Control: d times the 1-D drift must be rejected.
        let wrong = 8.0 * 2.0 * log_drift(3, 1, e.divisor(3).unwrap());
        let z = run.summary(Metric::LogVarianceRatio, 8).z(wrong).unwrap();
        assert!(z.abs() > z_crit, "{e}: the control d * delta was not rejected (z = {z})");
    }
}
