//! `linear-accumulate-subsample`: `T` rows drawn without replacement from the pool; exact for the
//! constant design (the location model), asymptotically `v_n = 3 H_2(n) - 2 -> pi^2/2 - 2`.

use crate::common::{ACCURATE, NUMERICAL};
use crate::support::config;
use approx::assert_relative_eq;
use model_collapse::location::{SUBSAMPLE_LIMIT, subsample_factors, subsample_location_factors};
use proptest::prelude::*;

/// `v_n` from the explicit solution `theta_n = sum_{j<n} xi_j/(j+1) + xi_n`
/// and the covariance `Cov(xi_j, xi_l) = 1/max(j, l)` (1 on the diagonal):
/// a quadratic form, independent of the closed form `3 H_2(n) - 2`.
fn quadratic_form(n: usize) -> f64 {
    let c: Vec<f64> = (1..=n).map(|j| if j == n { 1.0 } else { 1.0 / (j as f64 + 1.0) }).collect();
    let cov = |j: usize, l: usize| if j == l { 1.0 } else { 1.0 / j.max(l) as f64 };
    (1..=n).flat_map(|j| (1..=n).map(move |l| (j, l))).map(|(j, l)| c[j - 1] * c[l - 1] * cov(j, l)).sum()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn closed_form_equals_the_recursions_quadratic_form(n in 1usize..80) {
        assert_relative_eq!(subsample_factors(n as u64)[n - 1], quadratic_form(n), max_relative = ACCURATE);
    }

    #[test]
    fn increases_to_pi_squared_over_two_minus_two(n in 1u64..5000) {
        let v = subsample_factors(n + 1);
        let (now, next) = (v[n as usize - 1], v[n as usize]);
        prop_assert!(next > now);
        // The gap to the limit lies between 3/(n+1) and 3/n (sum of 3/i^2 over i > n).
        let gap = SUBSAMPLE_LIMIT - now;
        prop_assert!(
            gap > 3.0 / (n as f64 + 1.0) * (1.0 - NUMERICAL) && gap < 3.0 / n as f64 * (1.0 + NUMERICAL),
            "n = {n}: gap {gap}"
        );
    }

    #[test]
    fn location_model_tends_to_the_asymptotic_recursion(n in 1u64..25) {
        // The exact finite-T factor approaches v_n at rate O(1/T); at T = 1e7
        // the difference is far below 1e-4 for n < 25.
        let exact = subsample_location_factors(10_000_000, n);
        let limit = subsample_factors(n);
        for (f, v) in exact.iter().zip(&limit) {
            prop_assert!((f - v).abs() < 1e-4 * v, "{f} vs {v}");
        }
    }

    #[test]
    fn location_model_with_one_row_grows_like_the_harmonic_number(n in 1u64..200) {
        // T = 1: theta_n is the value of a uniformly chosen earlier row, so
        // E theta_n^2 / sigma^2 = H_n exactly: subsampling alone does not stop collapse.
        let f = subsample_location_factors(1, n);
        let harmonic: f64 = (1..=n).rev().map(|i| 1.0 / i as f64).sum();
        assert_relative_eq!(f[n as usize - 1], harmonic, max_relative = ACCURATE);
    }
}

#[test]
fn exact_small_values() {
    // v_1..v_3 = 1, 7/4, 25/12; T = 3 (by enumeration in the proof): f_2 = 1.7.
    let v = subsample_factors(3);
    assert_relative_eq!(v[0], 1.0, max_relative = ACCURATE);
    assert_relative_eq!(v[1], 1.75, max_relative = ACCURATE);
    assert_relative_eq!(v[2], 25.0 / 12.0, max_relative = ACCURATE);
    assert_relative_eq!(subsample_location_factors(3, 2)[1], 1.7, max_relative = ACCURATE);
}
