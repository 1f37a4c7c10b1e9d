//! `linear-schedule`: any schedule, reused design, `E[test error at n | X] = tr(Sigma (X^T X)^{-1})
//! sum_b c_{n,b}^2 sigma_b^2` with `c` from the recursion over the schedule's plan.

use crate::common::ACCURATE;
use crate::support::config;
use crate::support::linear::assert_matches_recursion;
use approx::assert_relative_eq;
use model_collapse::linear::Regime;
use model_collapse::linear::theory::{factor_curve, fresh_real_factor, mix_factor, replace_growing_factor, schedule_factors};
use model_collapse::schedule::{CustomWeights, random_custom};
use model_collapse::special::harmonic2;
use proptest::prelude::*;
use std::sync::Arc;

proptest! {
    #![proptest_config(config())]

    #[test]
    fn closed_forms_equal_the_general_recursion(lambda in 0.0f64..=1.0, p in 0.0f64..0.95, n in 1u64..40) {
        assert_matches_recursion(&Regime::Mix(lambda), n, 1.0, |k| mix_factor(lambda, k));
        assert_matches_recursion(&Regime::FreshReal(p), n, 1.0, |k| fresh_real_factor(p, k));
        assert_matches_recursion(&Regime::ReplaceGrowing, n, 1.0, replace_growing_factor);
    }

    #[test]
    fn weights_are_normalised_so_scaling_a_row_changes_nothing(seed in any::<u64>(), scale in 0.01f64..100.0) {
        let Regime::Custom(w) = random_custom(seed, 12) else { unreachable!() };
        let mut scaled = (*w).clone();
        scaled.rows[7].iter_mut().for_each(|x| *x *= scale);
        let a = factor_curve(&Regime::Custom(w), 12);
        let b = factor_curve(&Regime::Custom(Arc::new(scaled)), 12);
        for (x, y) in a.iter().zip(&b) {
            assert_relative_eq!(*x, *y, max_relative = ACCURATE);
        }
    }

    #[test]
    fn custom_rows_equal_to_a_builtin_give_its_closed_form(n in 1usize..30) {
        let rows: Vec<Vec<f64>> = (1..=n).map(|k| vec![1.0; k]).collect();
        let custom = Regime::Custom(Arc::new(CustomWeights { source: "ones".into(), rows }));
        assert_matches_recursion(&custom, n as u64, 1.0, harmonic2);
    }

    #[test]
    fn per_generation_noise_scales_each_batch(n in 1u64..30, growth in 0.5f64..2.0) {
        // Replace: w_n - w* = sum_j eta_j, so the factor is sum_j noise(j).
        let factors = schedule_factors(&Regime::Replace.plan(n).unwrap(), |g| growth.powi(g as i32));
        let expected: f64 = (1..=n).map(|g| growth.powi(g as i32)).sum();
        assert_relative_eq!(factors[n as usize - 1], expected, max_relative = ACCURATE);
    }
}
