//! Strategies and helpers shared by the linear family's theorem files.

use crate::common::ACCURATE;
use approx::assert_relative_eq;
use model_collapse::linear::theory::{LinearTheory, schedule_factors};
use model_collapse::linear::{LinearSetup, Regime, Spectrum};
use proptest::prelude::*;

/// Valid `(d, T, sigma)` with `T >= d + 2`.
pub fn setup() -> impl Strategy<Value = (LinearSetup, LinearTheory)> {
    (1usize..40, 2usize..400, 0.01f64..10.0).prop_map(|(d, extra, sigma)| {
        let s = LinearSetup::new(d, d + extra, sigma, Spectrum::Identity).expect("valid by construction");
        let t = LinearTheory::new(&s).expect("T >= d + 2 by construction");
        (s, t)
    })
}

/// The closed form `closed(k)` equals `base * sum_b c_{k,b}^2` for every
/// generation `k <= n`, with `c` from the step-by-step recursion of
/// `linear-schedule` over the schedule's plan.
pub fn assert_matches_recursion(regime: &Regime, n: u64, base: f64, closed: impl Fn(u64) -> f64) {
    for (k, factor) in (1..).zip(schedule_factors(&regime.plan(n).unwrap(), |_| 1.0)) {
        assert_relative_eq!(base * factor, closed(k), max_relative = ACCURATE);
    }
}

/// The value at the last generation.
pub fn last(v: Vec<f64>) -> f64 {
    *v.last().expect("at least one generation")
}

/// A trace of `(X^T X)^{-1}` by Cholesky solves against one through an explicit
/// inverse (the reference only): both are dense solves whose relative error grows
/// with the condition number of `X^T X`, and a design of only `d + 1` rows can be
/// badly conditioned, so this stays a decade above [`crate::common::NUMERICAL`].
pub const EXPLICIT_INVERSE: f64 = 1e-8;
