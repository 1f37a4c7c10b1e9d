//! Property tests of the linear family's models beyond least squares on a
//! fixed schedule (proptest): accumulate-subsample, ridge and the downstream
//! model. One module per theorem id; every property is exact algebra, so the
//! tolerances are rounding-level unless a comment says why not.

use approx::assert_relative_eq;
use model_collapse::linear::sim::{FixedDesign, GivenDesign};
use model_collapse::linear::{LinearSetup, Regime, Spectrum};
use proptest::prelude::*;

/// Relative tolerance for two exact expressions evaluated in floating point.
const REL: f64 = 1e-12;

/// `linear-accumulate-subsample`
mod linear_accumulate_subsample {
    use super::*;
    use model_collapse::linear::theory::{SUBSAMPLE_LIMIT, subsample_factors, subsample_location_factors};

    /// `v_n` from the explicit solution `theta_n = sum_{j<n} xi_j/(j+1) + xi_n`
    /// and the covariance `Cov(xi_j, xi_l) = 1/max(j, l)` (1 on the diagonal):
    /// a quadratic form, independent of the closed form `3 H_2(n) - 2`.
    fn quadratic_form(n: usize) -> f64 {
        let c: Vec<f64> = (1..=n).map(|j| if j == n { 1.0 } else { 1.0 / (j as f64 + 1.0) }).collect();
        let cov = |j: usize, l: usize| if j == l { 1.0 } else { 1.0 / j.max(l) as f64 };
        (1..=n).flat_map(|j| (1..=n).map(move |l| (j, l))).map(|(j, l)| c[j - 1] * c[l - 1] * cov(j, l)).sum()
    }

    proptest! {
        #[test]
        fn closed_form_equals_the_recursions_quadratic_form(n in 1usize..80) {
            assert_relative_eq!(subsample_factors(n as u64)[n - 1], quadratic_form(n), max_relative = 1e-12);
        }

        #[test]
        fn increases_to_pi_squared_over_two_minus_two(n in 1u64..5000) {
            let v = subsample_factors(n + 1);
            let (now, next) = (v[n as usize - 1], v[n as usize]);
            prop_assert!(next > now);
            // The gap to the limit lies between 3/(n+1) and 3/n (sum of 3/i^2 over i > n).
            let gap = SUBSAMPLE_LIMIT - now;
            prop_assert!(gap > 3.0 / (n as f64 + 1.0) * (1.0 - 1e-9) && gap < 3.0 / n as f64 * (1.0 + 1e-9), "n = {n}: gap {gap}");
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
            assert_relative_eq!(f[n as usize - 1], harmonic, max_relative = 1e-12);
        }
    }

    #[test]
    fn exact_small_values() {
        // v_1..v_3 = 1, 7/4, 25/12; T = 3 (by enumeration in the proof): f_2 = 1.7.
        let v = subsample_factors(3);
        assert_relative_eq!(v[0], 1.0, max_relative = REL);
        assert_relative_eq!(v[1], 1.75, max_relative = REL);
        assert_relative_eq!(v[2], 25.0 / 12.0, max_relative = REL);
        assert_relative_eq!(subsample_location_factors(3, 2)[1], 1.7, max_relative = REL);
    }
}

/// A random given design of a random setup with a ridge penalty.
fn ridge_setup() -> impl Strategy<Value = (LinearSetup, GivenDesign)> {
    (1usize..8, 0usize..10, 0.1f64..3.0, 0.0f64..1.5, 0.001f64..5.0, any::<u64>()).prop_map(|(d, extra, sigma, alpha, lambda, seed)| {
        let setup = LinearSetup::new(d, d + extra, sigma, Spectrum::PowerLaw(alpha)).unwrap().with_ridge(lambda).unwrap();
        let given = GivenDesign::new(&setup, FixedDesign::Seed(seed)).unwrap();
        (setup, given)
    })
}

/// `linear-ridge`
mod linear_ridge {
    use super::*;
    use model_collapse::linear::ridge::RidgeTheory;
    use model_collapse::linear::theory::{ConditionalTheory, contracted_schedule};

    fn regimes() -> impl Strategy<Value = Regime> {
        prop_oneof![
            Just(Regime::Replace),
            Just(Regime::Accumulate),
            (0.0f64..1.0).prop_map(Regime::Mix),
            (1u64..5).prop_map(Regime::Window),
            Just(Regime::ReplaceGrowing),
        ]
    }

    proptest! {
        #[test]
        fn contracted_recursion_has_the_corollaries_closed_forms(a in 0.0f64..1.0, n in 1u64..60) {
            let replace = contracted_schedule(&Regime::Replace.plan(n).unwrap(), a, |_| 1.0);
            let accumulate = contracted_schedule(&Regime::Accumulate.plan(n).unwrap(), a, |_| 1.0);
            let (mut mu, mut v) = (1.0f64, 0.0f64);
            for k in 1..=n as usize {
                let rho = (k as f64 - 1.0 + a) / k as f64;
                mu *= rho;
                v = rho * rho * v + 1.0 / (k * k) as f64;
                prop_assert!((replace.mean[k - 1] - a.powi(k as i32)).abs() <= 1e-12);
                let geometric: f64 = (0..k).map(|m| a.powi(2 * m as i32)).sum();
                prop_assert!((replace.variance[k - 1] - geometric).abs() <= 1e-12 * geometric);
                prop_assert!((accumulate.mean[k - 1] - mu).abs() <= 1e-12);
                prop_assert!((accumulate.variance[k - 1] - v).abs() <= 1e-12 * v);
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
            let tolerance = 4.0 * (n + 1) as f64 * tiny.kappa() / s_min + 1e-9;
            let ridge = RidgeTheory::new(given.gram(), &tiny).curve(&regime, n).unwrap().values;
            let ols_setup = setup.with_ridge(0.0).unwrap();
            let eig = ols_setup.spectrum().eigenvalues(ols_setup.dim());
            let trace = given.trace_sigma_gram_inverse(&eig).unwrap();
            let ols = ConditionalTheory::new(trace, &ols_setup).curve(&regime, n).unwrap().values;
            for (r, o) in ridge.iter().zip(&ols) {
                prop_assert!((r - o).abs() <= tolerance * o, "{r} vs {o} (tolerance {tolerance})");
            }
        }

        #[test]
        fn penalty_never_raises_the_variance((setup, given) in ridge_setup(), regime in regimes(), n in 1u64..15) {
            let (_, variance) = RidgeTheory::new(given.gram(), &setup).bias_variance(&regime, n).unwrap();
            let ols_setup = setup.clone().with_ridge(0.0).unwrap();
            let trace = given.trace_sigma_gram_inverse(&setup.spectrum().eigenvalues(setup.dim())).unwrap();
            let ols = ConditionalTheory::new(trace, &ols_setup).curve(&regime, n).unwrap().values;
            for (v, o) in variance.iter().zip(&ols) {
                prop_assert!(*v <= o * (1.0 + 1e-9), "{v} > {o}");
            }
        }

        #[test]
        fn replace_variance_stays_below_its_bound((setup, given) in ridge_setup(), n in 1u64..400) {
            // The variance increases to sigma^2 sum_j Sigmatilde_jj s_j/(kappa (2 s_j + kappa))
            // <= sigma^2 tr(Sigma) / (2 kappa): bounded, unlike least squares.
            let (_, variance) = RidgeTheory::new(given.gram(), &setup).bias_variance(&Regime::Replace, n).unwrap();
            let trace: f64 = setup.spectrum().eigenvalues(setup.dim()).iter().sum();
            let bound = setup.sigma().powi(2) * trace / (2.0 * setup.kappa());
            prop_assert!(variance.windows(2).all(|w| w[1] >= w[0]));
            prop_assert!(variance[n as usize - 1] <= bound * (1.0 + 1e-12));
        }
    }

    #[test]
    fn worked_example() {
        // d = 1, X = (1, 1)^T, lambda = 1: kappa = 2, a = 1/2, w* = 1 (proofs/linear-ridge.md).
        let setup = LinearSetup::new(1, 2, 1.0, Spectrum::Identity).unwrap().with_ridge(1.0).unwrap();
        let theory = RidgeTheory::new(&nalgebra::DMatrix::from_element(1, 1, 2.0), &setup);
        let (bias, variance) = theory.bias_variance(&Regime::Accumulate, 2).unwrap();
        assert_relative_eq!(bias[1], 25.0 / 64.0, max_relative = REL);
        assert_relative_eq!(variance[1], 13.0 / 128.0, max_relative = REL);
    }
}

/// `linear-downstream`
mod linear_downstream {
    use super::*;
    use model_collapse::linear::downstream::{DownstreamSetup, DownstreamTheory};
    use model_collapse::linear::theory::LinearTheory;
    use nalgebra::DMatrix;

    fn gram(d: usize, t: usize, seed: u64) -> DMatrix<f64> {
        let setup = LinearSetup::new(d, t, 1.0, Spectrum::Identity).unwrap();
        GivenDesign::new(&setup, FixedDesign::Seed(seed)).unwrap().gram().clone()
    }

    proptest! {
        #[test]
        fn same_rows_and_noise_is_replace_one_generation_later(d in 1usize..20, extra in 2usize..200, sigma in 0.1f64..3.0, n in 0u64..50) {
            // With T = T0 and sigma = sigma0 the downstream fit is just generation n + 1 of replace.
            let t = d + extra;
            let setup = DownstreamSetup::new(d, t, sigma, t, sigma, 0.0, Spectrum::Identity, n).unwrap();
            let curve = DownstreamTheory::new(&setup).over_designs().unwrap();
            let replace = LinearTheory::new(&LinearSetup::new(d, t, sigma, Spectrum::Identity).unwrap()).unwrap();
            assert_relative_eq!(curve[n as usize], replace.replace(n + 1), max_relative = REL);
        }

        #[test]
        fn exactly_linear_in_n(d in 1usize..6, extra in 2usize..20, ridge in 0.0f64..3.0, seed in any::<u64>(), n in 2u64..40) {
            let setup = DownstreamSetup::new(d, d + extra, 0.7, d + extra, 1.3, ridge, Spectrum::PowerLaw(1.0), n).unwrap();
            let curve = DownstreamTheory::new(&setup).given(&gram(d, d + extra, seed)).unwrap();
            let slope = curve[1] - curve[0];
            prop_assert!(slope > 0.0);
            for (k, v) in curve.iter().enumerate() {
                prop_assert!((v - (curve[0] + k as f64 * slope)).abs() <= 1e-9 * v);
            }
        }

        #[test]
        fn least_squares_given_design_is_trace_plus_chain(d in 1usize..6, extra in 2usize..20, seed in any::<u64>(), n in 0u64..20) {
            let (t0, sigma0, sigma) = (d + extra + 3, 0.8, 1.1);
            let setup = DownstreamSetup::new(d, t0, sigma0, d + extra, sigma, 0.0, Spectrum::Identity, n).unwrap();
            let g = gram(d, d + extra, seed);
            let curve = DownstreamTheory::new(&setup).given(&g).unwrap();
            let trace = g.clone().try_inverse().unwrap().trace();
            let expected = sigma * sigma * trace + n as f64 * sigma0 * sigma0 * d as f64 / (t0 - d - 1) as f64;
            prop_assert!((curve[n as usize] - expected).abs() <= 1e-8 * expected);
        }

        #[test]
        fn identity_covariance_penalty_shrinks_the_chain_term(d in 1usize..6, extra in 0usize..20, seed in any::<u64>(), l1 in 0.0f64..2.0, dl in 0.0f64..2.0) {
            // Sigma = I: the chain term per generation is sigma0^2 sum_j a_j^2 / (T0 - d - 1),
            // and every a_j = s_j/(s_j + T lambda) decreases with lambda.
            let slope = |lambda: f64| {
                let setup = DownstreamSetup::new(d, d + 4, 1.0, d + extra, 1.0, lambda, Spectrum::Identity, 1).unwrap();
                let c = DownstreamTheory::new(&setup).given(&gram(d, d + extra, seed)).unwrap();
                c[1] - c[0]
            };
            prop_assert!(slope(l1 + dl) <= slope(l1) * (1.0 + 1e-12));
        }
    }
}
