//! `linear-downstream`: `n` chain generations, then a downstream ridge fit on `T` rows; exactly
//! linear in `n`, over designs (`lambda = 0`) or given the downstream design.

use crate::common::{ACCURATE, NUMERICAL};
use crate::support::config;
use crate::support::linear::EXPLICIT_INVERSE;
use approx::assert_relative_eq;
use model_collapse::linear::design::{FixedDesign, GivenDesign};
use model_collapse::linear::downstream::{DownstreamSetup, DownstreamTheory};
use model_collapse::linear::theory::LinearTheory;
use model_collapse::linear::{LinearSetup, Spectrum};
use nalgebra::DMatrix;
use proptest::prelude::*;

/// The Gram matrix of the seeded `T x d` design (identity spectrum).
fn gram(d: usize, t: usize, seed: u64) -> DMatrix<f64> {
    let setup = LinearSetup::new(d, t, 1.0, Spectrum::Identity).unwrap();
    GivenDesign::new(&setup, FixedDesign::Seed(seed)).unwrap().gram().clone()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn same_rows_and_noise_is_replace_one_generation_later(d in 1usize..20, extra in 2usize..200, sigma in 0.1f64..3.0, n in 0u64..50) {
        // With T = T0 and sigma = sigma0 the downstream fit is just generation n + 1 of replace.
        let t = d + extra;
        let setup = DownstreamSetup::new(d, t, sigma, t, sigma, 0.0, Spectrum::Identity, n + 1).unwrap();
        let curve = DownstreamTheory::new(&setup).over_designs().unwrap();
        let replace = LinearTheory::new(&LinearSetup::new(d, t, sigma, Spectrum::Identity).unwrap()).unwrap();
        assert_relative_eq!(curve[n as usize], replace.replace(n + 1), max_relative = ACCURATE);
    }

    #[test]
    fn exactly_linear_in_n(d in 1usize..6, extra in 2usize..20, ridge in 0.0f64..3.0, seed in any::<u64>(), n in 2u64..40) {
        let setup = DownstreamSetup::new(d, d + extra, 0.7, d + extra, 1.3, ridge, Spectrum::PowerLaw(1.0), n).unwrap();
        let curve = DownstreamTheory::new(&setup).given(&gram(d, d + extra, seed));
        let slope = curve[1] - curve[0];
        prop_assert!(slope > 0.0);
        for (k, v) in curve.iter().enumerate() {
            prop_assert!((v - (curve[0] + k as f64 * slope)).abs() <= NUMERICAL * v);
        }
    }

    #[test]
    fn least_squares_given_design_is_trace_plus_chain(d in 1usize..6, extra in 2usize..20, seed in any::<u64>(), n in 0u64..20) {
        let (t0, sigma0, sigma) = (d + extra + 3, 0.8, 1.1);
        let setup = DownstreamSetup::new(d, t0, sigma0, d + extra, sigma, 0.0, Spectrum::Identity, n + 1).unwrap();
        let g = gram(d, d + extra, seed);
        let curve = DownstreamTheory::new(&setup).given(&g);
        let trace = g.clone().try_inverse().unwrap().trace();
        let expected = sigma * sigma * trace + n as f64 * sigma0 * sigma0 * d as f64 / (t0 - d - 1) as f64;
        prop_assert!((curve[n as usize] - expected).abs() <= EXPLICIT_INVERSE * expected);
    }

    #[test]
    fn identity_covariance_penalty_shrinks_the_chain_term(d in 1usize..6, extra in 0usize..20, seed in any::<u64>(), l1 in 0.0f64..2.0, dl in 0.0f64..2.0) {
        // Sigma = I: the chain term per generation is sigma0^2 sum_j a_j^2 / (T0 - d - 1),
        // and every a_j = s_j/(s_j + T lambda) decreases with lambda.
        let slope = |lambda: f64| {
            let setup = DownstreamSetup::new(d, d + 4, 1.0, d + extra, 1.0, lambda, Spectrum::Identity, 2).unwrap();
            let c = DownstreamTheory::new(&setup).given(&gram(d, d + extra, seed));
            c[1] - c[0]
        };
        prop_assert!(slope(l1 + dl) <= slope(l1) * (1.0 + ACCURATE));
    }
}
