//! `linear-accumulate`: reused design, `E[test error at n] = base sum_{i<=n} 1/i^2 < (pi^2/6) base`.

use crate::common::{ACCURATE, NUMERICAL};
use crate::support::config;
use crate::support::linear::{assert_matches_recursion, setup};
use approx::assert_relative_eq;
use model_collapse::linear::{Design, Regime};
use model_collapse::special::harmonic2;
use proptest::prelude::*;

proptest! {
    #![proptest_config(config())]

    #[test]
    fn below_pi_squared_over_six((_, t) in setup(), n in 1u64..20_000) {
        prop_assert!(t.accumulate(n) < t.accumulate_bound(), "n = {n}: {} >= {}", t.accumulate(n), t.accumulate_bound());
    }

    #[test]
    fn never_exceeds_replace_equal_at_one((_, t) in setup(), n in 2u64..2000) {
        prop_assert_eq!(t.accumulate(1), t.replace(1));
        prop_assert!(t.accumulate(n) < t.replace(n));
    }

    #[test]
    fn increasing_in_n((_, t) in setup(), n in 1u64..2000) {
        prop_assert!(t.accumulate(n + 1) > t.accumulate(n));
    }

    #[test]
    fn closed_form_equals_recursion((_, t) in setup(), n in 1u64..60) {
        assert_matches_recursion(&Regime::Accumulate, n, t.base(), |k| t.accumulate(k));
    }

    #[test]
    fn curve_equals_pointwise((_, t) in setup(), n in 1u64..300) {
        type ClosedForm<'a> = &'a dyn Fn(u64) -> f64;
        let pointwise: [(Regime, Design, ClosedForm); 3] = [
            (Regime::Replace, Design::Reused, &|k| t.replace(k)),
            (Regime::Accumulate, Design::Reused, &|k| t.accumulate(k)),
            (Regime::Accumulate, Design::Fresh, &|k| t.accumulate_fresh(k)),
        ];
        for (regime, design, closed) in pointwise {
            for (k, v) in (1..).zip(t.curve(&regime, design, n).unwrap().values) {
                assert_relative_eq!(v, closed(k), max_relative = ACCURATE);
            }
        }
    }
}

#[test]
fn harmonic2_approaches_pi_squared_over_six() {
    let limit = std::f64::consts::PI.powi(2) / 6.0;
    // The tail sum_{i>n} 1/i^2 lies between 1/(n+1) and 1/n.
    for n in [1u64, 10, 1000, 100_000] {
        let tail = limit - harmonic2(n);
        assert!(tail > 1.0 / (n as f64 + 1.0) * (1.0 - NUMERICAL) && tail < 1.0 / n as f64, "n = {n}: tail {tail}");
    }
}
