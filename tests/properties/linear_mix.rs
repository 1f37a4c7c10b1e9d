//! `linear-mix`: real batch weight `LAMBDA`, newest synthetic `1 - LAMBDA`:
//! `E / base = 1 + sum_{m<n} (1 - LAMBDA)^{2m}`, bounded for `LAMBDA > 0`.

use crate::common::ACCURATE;
use crate::support::config;
use approx::assert_relative_eq;
use model_collapse::linear::Regime;
use model_collapse::linear::theory::{Limit, limit_factor, mix_factor};
use proptest::prelude::*;

proptest! {
    #![proptest_config(config())]

    #[test]
    fn bounded_by_its_stationary_value(lambda in 0.001f64..=1.0, n in 1u64..5000) {
        let Limit::Finite(limit) = limit_factor(&Regime::Mix(lambda)) else { panic!("mix is bounded") };
        prop_assert!(mix_factor(lambda, n) <= limit * (1.0 + ACCURATE), "n = {n}: {} > {limit}", mix_factor(lambda, n));
        prop_assert!(mix_factor(lambda, n + 1) >= mix_factor(lambda, n));
    }

    #[test]
    fn zero_lambda_is_replace_and_one_is_no_collapse(n in 1u64..500) {
        assert_relative_eq!(mix_factor(0.0, n), n as f64, max_relative = ACCURATE);
        prop_assert_eq!(mix_factor(1.0, n), 1.0);
    }
}
