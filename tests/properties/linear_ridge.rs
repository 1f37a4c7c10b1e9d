//! `linear-ridge`: ridge with penalty `lambda` on one given design, any schedule: per
//! eigendirection of `X^T X` a scalar recursion with contraction `a = s/(s + kappa)`.

use crate::common::{ACCURATE, NUMERICAL};
use crate::support::config;
use approx::assert_relative_eq;
use model_collapse::linear::design::{FixedDesign, GivenDesign};
use model_collapse::linear::ridge::RidgeTheory;
use model_collapse::linear::theory::{ConditionalTheory, contracted_schedule};
use model_collapse::linear::{LinearSetup, Regime, Spectrum};
use model_collapse::schedule::Plan;
use proptest::prelude::*;

/// A random given design of a random setup with a ridge penalty.
fn ridge_setup() -> impl Strategy<Value = (LinearSetup, GivenDesign)> {
    (1usize..8, 0usize..10, 0.1f64..3.0, 0.0f64..1.5, 0.001f64..5.0, any::<u64>()).prop_map(|(d, extra, sigma, alpha, lambda, seed)| {
        let setup = LinearSetup::new(d, d + extra, sigma, Spectrum::PowerLaw(alpha)).unwrap().with_ridge(lambda).unwrap();
        let given = GivenDesign::new(&setup, FixedDesign::Seed(seed)).unwrap();
        (setup, given)
    })
}

/// The schedules with fixed weights (every one has a [`Plan`]).
fn regimes() -> impl Strategy<Value = Regime> {
    prop_oneof![
        Just(Regime::Replace),
        Just(Regime::Accumulate),
        (0.0f64..1.0).prop_map(Regime::Mix),
        (1u64..5).prop_map(Regime::Window),
        Just(Regime::ReplaceGrowing),
    ]
}

/// The least-squares curve (`linear-conditional`, `linear-schedule`) on the same design.
fn least_squares(setup: &LinearSetup, given: &GivenDesign, regime: &Regime, n: u64) -> Vec<f64> {
    let ols_setup = setup.clone().with_ridge(0.0).unwrap();
    let trace = given.trace_sigma_gram_inverse(&ols_setup.spectrum().eigenvalues(ols_setup.dim())).unwrap();
    ConditionalTheory::new(trace, &ols_setup).curve(regime, n).unwrap().values
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn contracted_recursion_has_the_corollaries_closed_forms(a in 0.0f64..1.0, n in 1u64..60) {
        let replace = contracted_schedule(&Regime::Replace.plan(n).unwrap(), a, |_| 1.0);
        let accumulate = contracted_schedule(&Regime::Accumulate.plan(n).unwrap(), a, |_| 1.0);
        let (mut mu, mut v) = (1.0f64, 0.0f64);
        for k in 1..=n as usize {
            let rho = (k as f64 - 1.0 + a) / k as f64;
            mu *= rho;
            v = rho * rho * v + 1.0 / (k * k) as f64;
            prop_assert!((replace.mean[k - 1] - a.powi(k as i32)).abs() <= ACCURATE);
            let geometric: f64 = (0..k).map(|m| a.powi(2 * m as i32)).sum();
            prop_assert!((replace.variance[k - 1] - geometric).abs() <= ACCURATE * geometric);
            prop_assert!((accumulate.mean[k - 1] - mu).abs() <= ACCURATE);
            prop_assert!((accumulate.variance[k - 1] - v).abs() <= ACCURATE * v);
        }
    }

    #[test]
    fn vanishing_penalty_meets_least_squares((setup, given) in ridge_setup(), regime in regimes(), n in 1u64..15) {
        // lambda -> 0: the ridge closed form tends continuously to the
        // least-squares one (linear-conditional, linear-schedule). Per
        // eigendirection s/(s+kappa)^2 >= (1 - 2 kappa/s)/s and a^(2n) >= 1 - 2 n kappa/s,
        // so the relative change is at most about 2 (n + 1) kappa / s_min
        // (bounded by twice that here), plus rounding.
        let tiny = setup.clone().with_ridge(1e-12).unwrap();
        let s_min = given.gram().clone().symmetric_eigenvalues().min();
        let tolerance = 4.0 * (n + 1) as f64 * tiny.kappa() / s_min + NUMERICAL;
        let ridge = RidgeTheory::new(given.gram(), &tiny).curve(&regime.plan(n).unwrap()).values;
        let ols = least_squares(&setup, &given, &regime, n);
        for (r, o) in ridge.iter().zip(&ols) {
            prop_assert!((r - o).abs() <= tolerance * o, "{r} vs {o} (tolerance {tolerance})");
        }
    }

    #[test]
    fn penalty_never_raises_the_variance((setup, given) in ridge_setup(), regime in regimes(), n in 1u64..15) {
        let (_, variance) = RidgeTheory::new(given.gram(), &setup).bias_variance(&regime.plan(n).unwrap());
        let ols = least_squares(&setup, &given, &regime, n);
        for (v, o) in variance.iter().zip(&ols) {
            prop_assert!(*v <= o * (1.0 + NUMERICAL), "{v} > {o}");
        }
    }

    #[test]
    fn replace_variance_stays_below_its_bound((setup, given) in ridge_setup(), n in 1u64..400) {
        // The variance increases to sigma^2 sum_j Sigmatilde_jj s_j/(kappa (2 s_j + kappa))
        // <= sigma^2 tr(Sigma) / (2 kappa): bounded, unlike least squares.
        let (_, variance) = RidgeTheory::new(given.gram(), &setup).bias_variance(&Plan::replace(n));
        let trace: f64 = setup.spectrum().eigenvalues(setup.dim()).iter().sum();
        let bound = setup.sigma().powi(2) * trace / (2.0 * setup.kappa());
        prop_assert!(variance.windows(2).all(|w| w[1] >= w[0]));
        prop_assert!(variance[n as usize - 1] <= bound * (1.0 + ACCURATE));
    }
}

#[test]
fn worked_example() {
    // d = 1, X = (1, 1)^T, lambda = 1: kappa = 2, a = 1/2, w* = 1 (proofs/linear-ridge.md).
    let setup = LinearSetup::new(1, 2, 1.0, Spectrum::Identity).unwrap().with_ridge(1.0).unwrap();
    let theory = RidgeTheory::new(&nalgebra::DMatrix::from_element(1, 1, 2.0), &setup);
    let (bias, variance) = theory.bias_variance(&Regime::Accumulate.plan(2).unwrap());
    assert_relative_eq!(bias[1], 25.0 / 64.0, max_relative = ACCURATE);
    assert_relative_eq!(variance[1], 13.0 / 128.0, max_relative = ACCURATE);
}
