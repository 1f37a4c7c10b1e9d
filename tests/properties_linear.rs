//! Property tests of the linear family's closed forms (proptest), one module
//! per theorem id. Each property is exact algebra, so the tolerances are
//! rounding-level (`REL`), not statistical.

use approx::assert_relative_eq;
use model_collapse::linear::sim::GivenDesign;
use model_collapse::linear::theory::{ConditionalTheory, LinearTheory, harmonic2, noise_coefficients, variance_factor};
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

/// The closed form `closed(k)` equals `base * sum_j c_{k,j}^2` for every
/// generation `k <= n`, with `c` from the step-by-step recursion.
fn assert_matches_recursion(regime: Regime, n: u64, base: f64, closed: impl Fn(u64) -> f64) {
    for (k, row) in (1..).zip(&noise_coefficients(regime, n)) {
        let squares: f64 = row.iter().map(|c| c * c).sum();
        assert_relative_eq!(base * squares, closed(k), max_relative = REL);
    }
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
                t.expected_test_error(Regime::Replace, Design::Reused, n),
                t.expected_test_error(Regime::Replace, Design::Fresh, n)
            );
        }

        #[test]
        fn closed_form_equals_recursion((_, t) in setup(), n in 1u64..60) {
            assert_matches_recursion(Regime::Replace, n, t.base(), |k| t.replace(k));
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
            assert_matches_recursion(Regime::Accumulate, n, t.base(), |k| t.accumulate(k));
        }

        #[test]
        fn curve_equals_pointwise((_, t) in setup(), n in 1u64..300) {
            for regime in [Regime::Replace, Regime::Accumulate] {
                for design in [Design::Reused, Design::Fresh] {
                    let curve = t.curve(regime, design, n);
                    for (k, v) in (1..).zip(&curve) {
                        assert_relative_eq!(*v, t.expected_test_error(regime, design, k), max_relative = REL);
                    }
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
            let g = GivenDesign::draw(&s, seed).expect("a Gaussian design with T > d is full rank");
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
            assert_relative_eq!(given.trace_sigma_gram_inverse(&eig), explicit, max_relative = 1e-8);
            prop_assert!(g.trace_sigma_gram_inverse(&eig) > 0.0);
        }

        #[test]
        fn closed_form_equals_recursion((s, g, eig) in design(), n in 1u64..40) {
            let c = ConditionalTheory::new(g.trace_sigma_gram_inverse(&eig), s.sigma());
            for regime in [Regime::Replace, Regime::Accumulate] {
                assert_matches_recursion(regime, n, c.base(), |k| c.expected_test_error(regime, k));
            }
        }

        #[test]
        fn accumulate_below_replace((s, g, eig) in design(), n in 2u64..1000) {
            let c = ConditionalTheory::new(g.trace_sigma_gram_inverse(&eig), s.sigma());
            prop_assert!(c.expected_test_error(Regime::Accumulate, n) < c.expected_test_error(Regime::Replace, n));
            prop_assert!(variance_factor(Regime::Accumulate, n) < std::f64::consts::PI.powi(2) / 6.0);
        }
    }
}
