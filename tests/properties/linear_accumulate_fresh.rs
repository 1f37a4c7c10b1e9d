//! `linear-accumulate-fresh`: fresh design, `E[test error at n] = sigma^2 d sum_{i<=n} 1 / (i (i T - d - 1))`.

use crate::common::{ACCURATE, NUMERICAL};
use crate::support::config;
use crate::support::linear::setup;
use approx::assert_relative_eq;
use proptest::prelude::*;

proptest! {
    #![proptest_config(config())]

    #[test]
    fn never_exceeds_reused_equal_at_one((_, t) in setup(), n in 2u64..2000) {
        assert_relative_eq!(t.accumulate_fresh(1), t.accumulate(1), max_relative = ACCURATE);
        prop_assert!(t.accumulate_fresh(n) <= t.accumulate(n));
    }

    #[test]
    fn recursion_of_increments((s, t) in setup(), n in 2u64..50) {
        // E_n - E_{n-1} = sigma^2 d / (n (n T - d - 1)), from the recursion
        // delta_n = delta_{n-1} + G_n^{-1} X_n^T E_n and exchangeability.
        // The difference of two sums cancels about log10(n^2) digits, so
        // n < 50 keeps the rounding error far below the 1e-9 tolerance.
        let (d, big_t, sigma) = (s.dim() as f64, s.samples() as f64, s.sigma());
        let nf = n as f64;
        let increment = sigma * sigma * d / (nf * (nf * big_t - d - 1.0));
        assert_relative_eq!(t.accumulate_fresh(n) - t.accumulate_fresh(n - 1), increment, max_relative = NUMERICAL);
    }

    #[test]
    fn bounded_by_pi_squared_over_six((_, t) in setup(), n in 1u64..5000) {
        prop_assert!(t.accumulate_fresh(n) < t.accumulate_bound());
    }
}
