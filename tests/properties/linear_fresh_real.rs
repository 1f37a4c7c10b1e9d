//! `linear-fresh-real`: a fresh real batch with weight `1 - P`, the newest synthetic with `P`:
//! `E / base = v* + (1 - v*) P^{2(n-1)}`.

use crate::common::ACCURATE;
use crate::support::config;
use approx::assert_relative_eq;
use model_collapse::linear::Regime;
use model_collapse::linear::theory::{Limit, fresh_real_factor, limit_factor};
use proptest::prelude::*;

proptest! {
    #![proptest_config(config())]

    #[test]
    fn follows_its_recursion_and_stays_bounded(p in 0.0f64..0.99, n in 2u64..300) {
        let v = |k| fresh_real_factor(p, k);
        assert_relative_eq!(v(n), (1.0 - p).powi(2) + p * p * (v(n - 1) + 1.0), max_relative = ACCURATE);
        let Limit::Finite(limit) = limit_factor(&Regime::FreshReal(p)) else { panic!("bounded") };
        prop_assert!(v(n) <= limit.max(1.0) * (1.0 + ACCURATE));
        prop_assert_eq!(fresh_real_factor(0.0, n), 1.0);
    }
}
