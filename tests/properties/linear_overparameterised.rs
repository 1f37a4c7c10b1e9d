//! `linear-overparameterised`: `T0 < d`, no noise, minimum-norm fits on fresh isotropic designs:
//! `E ||w_n - w_0||^2 / ||w_0||^2 = 1 - (T0/d)^n`.

use crate::common::ACCURATE;
use crate::support::config;
use model_collapse::linear::overparam::{OverparamSetup, overparameterised_error};
use proptest::prelude::*;

proptest! {
    #![proptest_config(config())]

    #[test]
    fn closed_form_equals_the_moment_recursion(d in 2usize..200, t0_frac in 0.0f64..1.0, n in 1u64..200) {
        // E||w_n||^2 = r E||w_{n-1}||^2 and E<w_0, w_n> = r E<w_0, w_{n-1}> (E P = r I),
        // so E||w_n - w_0||^2 / ||w_0||^2 = 1 - 2 b_n + a_n.
        let t0 = 1 + ((d - 1) as f64 * t0_frac) as usize;
        let setup = OverparamSetup::new(d, t0.min(d - 1), n).unwrap();
        let r = setup.ratio();
        let (mut a, mut b) = (1.0f64, 1.0f64);
        for (k, value) in (1..=n).zip(setup.curve().values) {
            a *= r;
            b *= r;
            prop_assert!((value - (1.0 - 2.0 * b + a)).abs() <= ACCURATE, "k = {k}");
        }
    }

    #[test]
    fn forgets_the_truth_monotonically(r in 0.001f64..0.999, n in 1u64..500) {
        let (now, next) = (overparameterised_error(r, n), overparameterised_error(r, n + 1));
        prop_assert!((0.0..=1.0).contains(&now) && next >= now);
        // Strictly increasing while the step r^n (1 - r) exceeds the spacing
        // of doubles near 1; below it both values round to the same double.
        if r.powi(n as i32) * (1.0 - r) > f64::EPSILON {
            prop_assert!(next > now && now < 1.0, "r = {r}, n = {n}");
        }
    }
}

#[test]
fn rejects_t0_at_or_above_d() {
    assert!(OverparamSetup::new(10, 10, 3).is_err());
    assert!(OverparamSetup::new(10, 0, 3).is_err());
}
