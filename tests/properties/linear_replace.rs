//! `linear-replace`: `E[test error at n] = n sigma^2 d / (T - d - 1)`, reused or fresh design.

use crate::common::ACCURATE;
use crate::support::config;
use crate::support::linear::{assert_matches_recursion, setup};
use approx::assert_relative_eq;
use model_collapse::linear::theory::LinearTheory;
use model_collapse::linear::{Design, LinearSetup, Regime, Spectrum};
use proptest::prelude::*;

proptest! {
    #![proptest_config(config())]

    #[test]
    fn exactly_linear_in_n((_, t) in setup(), n in 1u64..5000, m in 1u64..5000) {
        assert_relative_eq!(t.replace(n + m), t.replace(n) + t.replace(m), max_relative = ACCURATE);
        assert_relative_eq!(t.replace(1), t.base(), max_relative = ACCURATE);
    }

    #[test]
    fn same_for_reused_and_fresh((_, t) in setup(), n in 1u64..500) {
        prop_assert_eq!(
            t.curve(&Regime::Replace, Design::Reused, n).unwrap(),
            t.curve(&Regime::Replace, Design::Fresh, n).unwrap()
        );
    }

    #[test]
    fn closed_form_equals_recursion((_, t) in setup(), n in 1u64..60) {
        assert_matches_recursion(&Regime::Replace, n, t.base(), |k| t.replace(k));
    }

    #[test]
    fn base_matches_formula(d in 1usize..50, extra in 2usize..500, sigma in 0.0f64..10.0) {
        let s = LinearSetup::new(d, d + extra, sigma, Spectrum::PowerLaw(1.5)).unwrap();
        let t = LinearTheory::new(&s).unwrap();
        let expected = sigma * sigma * d as f64 / (extra as f64 - 1.0);
        assert_relative_eq!(t.base(), expected, max_relative = ACCURATE);
    }
}
