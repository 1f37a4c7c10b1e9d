//! Property tests of the linear family's closed forms (proptest), one module
//! per theorem id. Each property is exact algebra, so the tolerances are
//! rounding-level (`REL`), not statistical.

use approx::assert_relative_eq;
use model_collapse::linear::sim::{FixedDesign, GivenDesign};
use model_collapse::linear::theory::{
    ConditionalTheory, Limit, LinearTheory, factor_curve, fresh_real_factor, harmonic2, limit_factor, mix_factor, replace_growing_factor,
    schedule_factors, window_slope,
};
use model_collapse::linear::{Design, LinearSetup, Regime, Spectrum};
use proptest::prelude::*;

/// Relative tolerance for comparing two exact expressions evaluated in floating point.
const REL: f64 = 1e-12;

/// Valid `(d, T, sigma)` with `T >= d + 2`.
fn setup() -> impl Strategy<Value = (LinearSetup, LinearTheory)> {
    (1usize..40, 2usize..400, 0.01f64..10.0).prop_map(|(d, extra, sigma)| {
        let s = LinearSetup::new(d, d + extra, sigma, Spectrum::Identity).expect("valid by construction");
        let t = LinearTheory::new(&s).expect("T >= d + 2 by construction");
        (s, t)
    })
}

/// The closed form `closed(k)` equals `base * sum_b c_{k,b}^2` for every
/// generation `k <= n`, with `c` from the step-by-step recursion of
/// `linear-schedule` over the schedule's plan.
fn assert_matches_recursion(regime: &Regime, n: u64, base: f64, closed: impl Fn(u64) -> f64) {
    for (k, factor) in (1..).zip(schedule_factors(&regime.plan(n).unwrap(), |_| 1.0)) {
        assert_relative_eq!(base * factor, closed(k), max_relative = REL);
    }
}

fn last(v: Vec<f64>) -> f64 {
    *v.last().expect("at least one generation")
}

/// `linear-replace`
mod linear_replace {
    use super::*;

    proptest! {
        #[test]
        fn exactly_linear_in_n((_, t) in setup(), n in 1u64..5000, m in 1u64..5000) {
            assert_relative_eq!(t.replace(n + m), t.replace(n) + t.replace(m), max_relative = REL);
            assert_relative_eq!(t.replace(1), t.base(), max_relative = REL);
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
            assert_relative_eq!(t.base(), expected, max_relative = REL);
        }
    }
}

/// `linear-accumulate`
mod linear_accumulate {
    use super::*;

    proptest! {
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
                    assert_relative_eq!(v, closed(k), max_relative = REL);
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
            assert!(tail > 1.0 / (n as f64 + 1.0) * (1.0 - 1e-9) && tail < 1.0 / n as f64, "n = {n}: tail {tail}");
        }
    }
}

/// `linear-accumulate-fresh`
mod linear_accumulate_fresh {
    use super::*;

    proptest! {
        #[test]
        fn never_exceeds_reused_equal_at_one((_, t) in setup(), n in 2u64..2000) {
            assert_relative_eq!(t.accumulate_fresh(1), t.accumulate(1), max_relative = REL);
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
            assert_relative_eq!(t.accumulate_fresh(n) - t.accumulate_fresh(n - 1), increment, max_relative = 1e-9);
        }

        #[test]
        fn bounded_by_pi_squared_over_six((_, t) in setup(), n in 1u64..5000) {
            prop_assert!(t.accumulate_fresh(n) < t.accumulate_bound());
        }
    }
}

/// `linear-conditional`
mod linear_conditional {
    use super::*;

    fn design() -> impl Strategy<Value = (LinearSetup, GivenDesign, Vec<f64>)> {
        (1usize..12, 0usize..20, 0.1f64..3.0, 0.0f64..2.0, any::<u64>()).prop_map(|(d, extra, sigma, alpha, seed)| {
            let s = LinearSetup::new(d, d + extra + 1, sigma, Spectrum::PowerLaw(alpha)).unwrap();
            let g = GivenDesign::new(&s, FixedDesign::Seed(seed)).expect("a Gaussian design with T > d is full rank");
            let eig = s.spectrum().eigenvalues(d);
            (s, g, eig)
        })
    }

    proptest! {
        #[test]
        fn trace_by_cholesky_equals_explicit_inverse((s, g, eig) in design(), seed in any::<u64>()) {
            // Two representations of tr(Sigma (X^T X)^{-1}): triangular solves on the
            // Cholesky factor, and (here only, as a reference) an explicit inverse.
            let x = model_collapse::linear::sim::draw_design(
                &mut model_collapse::mc::replicate_rng(seed, 0), s.samples(),
                &eig.iter().map(|l| l.sqrt()).collect::<Vec<_>>());
            let given = GivenDesign::from_matrix(x.clone()).unwrap();
            let inverse = (x.transpose() * &x).try_inverse().unwrap();
            let explicit: f64 = eig.iter().enumerate().map(|(k, l)| l * inverse[(k, k)]).sum();
            assert_relative_eq!(given.trace_sigma_gram_inverse(&eig).unwrap(), explicit, max_relative = 1e-8);
            prop_assert!(g.trace_sigma_gram_inverse(&eig).unwrap() > 0.0);
        }

        #[test]
        fn closed_form_equals_recursion((s, g, eig) in design(), n in 1u64..40) {
            let c = ConditionalTheory::new(g.trace_sigma_gram_inverse(&eig).unwrap(), &s);
            for regime in [Regime::Replace, Regime::Accumulate] {
                let curve = c.curve(&regime, n).unwrap().values;
                assert_matches_recursion(&regime, n, c.base(), |k| curve[k as usize - 1]);
            }
        }

        #[test]
        fn accumulate_below_replace((s, g, eig) in design(), n in 2u64..1000) {
            let c = ConditionalTheory::new(g.trace_sigma_gram_inverse(&eig).unwrap(), &s);
            prop_assert!(last(c.curve(&Regime::Accumulate, n).unwrap().values) < last(c.curve(&Regime::Replace, n).unwrap().values));
            prop_assert!(last(factor_curve(&Regime::Accumulate, n)) < std::f64::consts::PI.powi(2) / 6.0);
        }
    }
}

/// `linear-schedule`
mod linear_schedule {
    use super::*;
    use model_collapse::linear::checks::random_schedule;
    use model_collapse::linear::schedule::CustomWeights;
    use std::sync::Arc;

    proptest! {
        #[test]
        fn closed_forms_equal_the_general_recursion(lambda in 0.0f64..=1.0, p in 0.0f64..0.95, n in 1u64..40) {
            assert_matches_recursion(&Regime::Mix(lambda), n, 1.0, |k| mix_factor(lambda, k));
            assert_matches_recursion(&Regime::FreshReal(p), n, 1.0, |k| fresh_real_factor(p, k));
            assert_matches_recursion(&Regime::ReplaceGrowing, n, 1.0, replace_growing_factor);
        }

        #[test]
        fn weights_are_normalised_so_scaling_a_row_changes_nothing(seed in any::<u64>(), scale in 0.01f64..100.0) {
            let Regime::Custom(w) = random_schedule(seed, 12) else { unreachable!() };
            let mut scaled = (*w).clone();
            scaled.rows[7].iter_mut().for_each(|x| *x *= scale);
            let a = factor_curve(&Regime::Custom(w), 12);
            let b = factor_curve(&Regime::Custom(Arc::new(scaled)), 12);
            for (x, y) in a.iter().zip(&b) {
                assert_relative_eq!(*x, *y, max_relative = REL);
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
            assert_relative_eq!(factors[n as usize - 1], expected, max_relative = REL);
        }
    }
}

/// `linear-mix`
mod linear_mix {
    use super::*;

    proptest! {
        #[test]
        fn bounded_by_its_stationary_value(lambda in 0.001f64..=1.0, n in 1u64..5000) {
            let Limit::Finite(limit) = limit_factor(&Regime::Mix(lambda)) else { panic!("mix is bounded") };
            prop_assert!(mix_factor(lambda, n) <= limit * (1.0 + 1e-12), "n = {n}: {} > {limit}", mix_factor(lambda, n));
            prop_assert!(mix_factor(lambda, n + 1) >= mix_factor(lambda, n));
        }

        #[test]
        fn zero_lambda_is_replace_and_one_is_no_collapse(n in 1u64..500) {
            assert_relative_eq!(mix_factor(0.0, n), n as f64, max_relative = REL);
            prop_assert_eq!(mix_factor(1.0, n), 1.0);
        }
    }
}

/// `linear-window`
mod linear_window {
    use super::*;

    proptest! {
        #[test]
        fn one_is_replace_and_the_window_grows(k in 1u64..8, n in 2u64..120) {
            let f = factor_curve(&Regime::Window(k), n);
            if k == 1 {
                assert_relative_eq!(f[n as usize - 1], n as f64, max_relative = REL);
            }
            prop_assert!(f.windows(2).all(|w| w[1] > w[0]), "not increasing: {f:?}");
            prop_assert!(f[n as usize - 1] >= last(factor_curve(&Regime::Accumulate, n)) * (1.0 - 1e-12));
        }
    }

    #[test]
    fn grows_linearly_with_slope_four_over_k_plus_one_squared() {
        // The transient decays geometrically, so the increments over the
        // last 200 of 1000 generations equal the slope to rounding.
        for k in [1u64, 2, 3, 4, 7] {
            let f = factor_curve(&Regime::Window(k), 1000);
            let slope = (f[999] - f[799]) / 200.0;
            assert_relative_eq!(slope, window_slope(k), max_relative = 1e-9);
        }
    }
}

/// `linear-replace-growing`
mod linear_replace_growing {
    use super::*;

    proptest! {
        #[test]
        fn grows_like_the_logarithm(n in 1u64..100_000) {
            let h = replace_growing_factor(n);
            // ln(n + 1) < H_n <= 1 + ln n
            prop_assert!(h > ((n + 1) as f64).ln() && h <= 1.0 + (n as f64).ln() + 1e-12, "n = {n}: {h}");
            prop_assert!(h <= n as f64);
        }
    }
}

/// `linear-fresh-real`
mod linear_fresh_real {
    use super::*;

    proptest! {
        #[test]
        fn follows_its_recursion_and_stays_bounded(p in 0.0f64..0.99, n in 2u64..300) {
            let v = |k| fresh_real_factor(p, k);
            assert_relative_eq!(v(n), (1.0 - p).powi(2) + p * p * (v(n - 1) + 1.0), max_relative = 1e-12);
            let Limit::Finite(limit) = limit_factor(&Regime::FreshReal(p)) else { panic!("bounded") };
            prop_assert!(v(n) <= limit.max(1.0) * (1.0 + 1e-12));
            prop_assert_eq!(fresh_real_factor(0.0, n), 1.0);
        }
    }
}

/// `linear-overparameterised`
mod linear_overparameterised {
    use model_collapse::linear::overparam::{OverparamSetup, overparameterised_error};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn closed_form_equals_the_moment_recursion(d in 2usize..200, t0_frac in 0.0f64..1.0, n in 1u64..200) {
            // E||w_n||^2 = r E||w_{n-1}||^2 and E<w_0, w_n> = r E<w_0, w_{n-1}> (E P = r I),
            // so E||w_n - w_0||^2 / ||w_0||^2 = 1 - 2 b_n + a_n.
            let t0 = 1 + ((d - 1) as f64 * t0_frac) as usize;
            let setup = OverparamSetup::new(d, t0.min(d - 1), n).unwrap();
            let r = setup.ratio();
            let (mut a, mut b) = (1.0f64, 1.0f64);
            for (k, value) in (1..=n).zip(setup.curve()) {
                a *= r;
                b *= r;
                prop_assert!((value - (1.0 - 2.0 * b + a)).abs() <= 1e-12, "k = {k}");
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
}
