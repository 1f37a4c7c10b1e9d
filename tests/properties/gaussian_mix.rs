//! `gaussian-mix`: known variance, `n_r` real and `n_s` synthetic points, `p = n_s/(n_r + n_s)`:
//! `E (mu_n - mu)^2 = (sigma^2/n_r)(1 + 2p - p^(2n-1))/(1 + p)` with a fixed real sample,
//! `(sigma^2/n_r)(1 + p^(2n-1))/(1 + p)` with fresh real data.

use crate::support::gaussian::{sigma, theory_1d, values};
use crate::support::{EPS, config};
use model_collapse::gaussian::theory::{Metric, ids, mix_mean_factor};
use model_collapse::gaussian::{Estimator, GaussianRegime};
use model_collapse::linear::theory::{fresh_real_factor, mix_factor};
use proptest::prelude::*;

/// `(M, n_r, n, sigma)` with `1 <= n_r <= M`.
fn mixture() -> impl Strategy<Value = (usize, usize, u64, f64)> {
    (2usize..500).prop_flat_map(|m| (Just(m), 1usize..=m, 1u64..300, sigma()))
}

/// The fixed-real (`mix`) and fresh-real curves of `n_r` real points among `M`.
fn curves(m: usize, real: usize, n: u64, s: f64) -> (Vec<f64>, Vec<f64>) {
    let fixed = theory_1d(m, s, Estimator::KnownVariance, GaussianRegime::Mix(real as f64 / m as f64), n);
    let fresh = theory_1d(m, s, Estimator::KnownVariance, GaussianRegime::FreshReal((m - real) as f64 / m as f64), n);
    assert_eq!(fixed.curve(Metric::MeanError).unwrap().theorem, ids::MIX);
    (values(&fixed, Metric::MeanError), values(&fresh, Metric::MeanError))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fixed_and_fresh_follow_their_recursions((m, real, n, s) in mixture()) {
        let (fixed, fresh) = curves(m, real, n, s);
        let (p, unit) = ((m - real) as f64 / m as f64, s * s / real as f64);
        prop_assert!((fixed[0] / unit - 1.0).abs() <= 4.0 * EPS && (fresh[0] / unit - 1.0).abs() <= 4.0 * EPS);
        // Steps 3-4: V_k = p^2 V_{k-1} + (1-p)(1+2p) unit (fixed), + (1-p) unit (fresh). Each
        // step's rounding is damped by p^2, so the total is a few ulps / (1 - p^2).
        let tol = 16.0 * EPS / (1.0 - p * p);
        for g in 1..n as usize {
            let f = p * p * fixed[g - 1] + (1.0 - p) * (1.0 + 2.0 * p) * unit;
            let r = p * p * fresh[g - 1] + (1.0 - p) * unit;
            let at = format!("M = {m}, n_r = {real}, n = {}", g + 1);
            prop_assert!((fixed[g] / f - 1.0).abs() <= tol, "{at}: fixed {} vs {f}", fixed[g]);
            prop_assert!((fresh[g] / r - 1.0).abs() <= tol, "{at}: fresh {} vs {r}", fresh[g]);
        }
    }

    #[test]
    fn fixed_rises_below_three_halves_fresh_falls_limit_ratio_one_plus_2p((m, real, n, s) in mixture()) {
        let (fixed, fresh) = curves(m, real, n, s);
        let (p, unit) = ((m - real) as f64 / m as f64, s * s / real as f64);
        let tol = 8.0 * EPS * unit;
        for g in 0..n as usize {
            let at = format!("M = {m}, n_r = {real}, n = {}", g + 1);
            let tail = p.powi(2 * g as i32 + 1); // p^(2n-1) at n = g + 1
            // Step 5: fixed below its limit (1 + 2p)/(1 + p) < 3/2; fresh above 1/(1 + p), below fixed.
            prop_assert!(fixed[g] <= unit * (1.0 + 2.0 * p) / (1.0 + p) + tol && fixed[g] < 1.5 * unit, "{at}");
            prop_assert!(fresh[g] >= unit / (1.0 + p) - tol && fresh[g] <= fixed[g] + tol, "{at}");
            // The ratio tends to 1 + 2p: fixed/fresh - (1 + 2p) = -2 (1 + p) p^(2n-1) / (1 + p^(2n-1)).
            let gap = fixed[g] / fresh[g] - (1.0 + 2.0 * p) + 2.0 * (1.0 + p) * tail / (1.0 + tail);
            prop_assert!(gap.abs() <= 16.0 * EPS * (1.0 + 2.0 * p), "{at}: {gap:e}");
            if g > 0 {
                // The exact steps are +-(1 - p) p^(2n-3) unit: strict wherever they exceed the rounding.
                let step = (1.0 - p) * p.powi(2 * g as i32 - 1) * unit;
                prop_assert!((fixed[g] - fixed[g - 1] - step).abs() <= 2.0 * tol, "{at}: fixed step");
                prop_assert!((fresh[g] - fresh[g - 1] + step).abs() <= 2.0 * tol, "{at}: fresh step");
            }
        }
        if real == m {
            // p = 0: both constant sigma^2 / n_r.
            prop_assert!(fixed.iter().chain(&fresh).all(|v| (v / unit - 1.0).abs() <= 4.0 * EPS));
        }
    }

    #[test]
    fn half_synthetic_is_linear_mix_and_fresh_real(half in 1usize..250, n in 1u64..300, s in sigma()) {
        // Remark 2: with n_s = n_r (p = 1/2) the curves are linear-mix at LAMBDA = 1/2 and
        // linear-fresh-real at P = 1/2, in units of sigma^2 / n_r: independent code paths.
        let (fixed, fresh) = curves(2 * half, half, n, s);
        let unit = s * s / half as f64;
        for (g, (f, r)) in (1..).zip(fixed.iter().zip(&fresh)) {
            prop_assert!((f / unit / mix_factor(0.5, g) - 1.0).abs() <= 16.0 * EPS, "n = {g}");
            prop_assert!((r / unit / fresh_real_factor(0.5, g) - 1.0).abs() <= 16.0 * EPS, "n = {g}");
            prop_assert!((mix_mean_factor(0.5, g, false) - mix_factor(0.5, g)).abs() <= 16.0 * EPS);
        }
    }
}

#[test]
fn no_closed_form_with_a_fitted_variance() {
    let t = theory_1d(12, 1.0, Estimator::Unbiased, GaussianRegime::Mix(0.25), 5);
    assert!(t.curve(Metric::MeanError).is_none());
}
