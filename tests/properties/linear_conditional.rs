//! `linear-conditional`: one given design `X`, `E[test error at n | X] = sigma^2 tr(Sigma (X^T X)^{-1})`
//! times `n` (replace) or `sum_{i<=n} 1/i^2` (accumulate).

use crate::support::config;
use crate::support::linear::{EXPLICIT_INVERSE, assert_matches_recursion, last};
use approx::assert_relative_eq;
use model_collapse::linear::design::{FixedDesign, GivenDesign, draw};
use model_collapse::linear::theory::{ConditionalTheory, factor_curve};
use model_collapse::linear::{LinearSetup, Regime, Spectrum};
use model_collapse::mc::replicate_rng;
use proptest::prelude::*;

/// A setup with `T >= d + 1`, its seeded design and the spectrum's eigenvalues.
fn design() -> impl Strategy<Value = (LinearSetup, GivenDesign, Vec<f64>)> {
    (1usize..12, 0usize..20, 0.1f64..3.0, 0.0f64..2.0, any::<u64>()).prop_map(|(d, extra, sigma, alpha, seed)| {
        let s = LinearSetup::new(d, d + extra + 1, sigma, Spectrum::PowerLaw(alpha)).unwrap();
        let g = GivenDesign::new(&s, FixedDesign::Seed(seed)).expect("a Gaussian design with T > d is full rank");
        let eig = s.spectrum().eigenvalues(d);
        (s, g, eig)
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn trace_by_cholesky_equals_explicit_inverse((s, g, eig) in design(), seed in any::<u64>()) {
        // Two representations of tr(Sigma (X^T X)^{-1}): triangular solves on the
        // Cholesky factor, and (here only, as a reference) an explicit inverse.
        let sqrt_eig: Vec<f64> = eig.iter().map(|l| l.sqrt()).collect();
        let x = draw(&mut replicate_rng(seed, 0), s.samples(), &sqrt_eig);
        let given = GivenDesign::from_matrix(x.clone()).unwrap();
        let inverse = (x.transpose() * &x).try_inverse().unwrap();
        let explicit: f64 = eig.iter().enumerate().map(|(k, l)| l * inverse[(k, k)]).sum();
        assert_relative_eq!(given.trace_sigma_gram_inverse(&eig).unwrap(), explicit, max_relative = EXPLICIT_INVERSE);
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
