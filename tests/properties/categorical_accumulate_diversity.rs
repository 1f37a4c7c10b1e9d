//! `categorical-accumulate-diversity`: accumulate with a real pool of `S_0`, `E H(generation g) =
//! H(p_0) (1 - 1/S_0) prod_{j=1}^{g-1} (1 - M/S_j^2)`, `S_j = S_0 + j M`, decreasing to a positive
//! limit (`sin(pi/sqrt M)/(pi/sqrt M)` for `S_0 = M`).

use crate::support::categorical::{DROPPED, chain, chain_rounding, curve, expect, probabilities, setup};
use crate::support::{EPS, config, with_cases};
use model_collapse::categorical::CategoricalRegime;
use model_collapse::categorical::theory::{
    Metric, accumulate_diversity_factors, accumulate_diversity_limit, gini_simpson, ids, replace_diversity_factors,
};
use model_collapse::gaussian::Estimator;
use model_collapse::gaussian::theory::accumulate_variance_factors;
use proptest::prelude::*;
use statrs::function::gamma::ln_gamma;
use std::f64::consts::PI;

/// Absolute error of the library's limit `(1 - 1/S_0) exp(2 ln Gamma(b) - ln Gamma(b - x) -
/// ln Gamma(b + x))`, `b = 1 + S_0/M`, `0 < x <= 1`. statrs' `ln_gamma` is good to 128 ulps
/// of `max(1, |ln Gamma|)` (measured against mpmath on a fine grid of `[1, 1000]`: at most
/// 58, near 2.86; 11 above 29), and every argument's `|ln Gamma|` is at most
/// `max(1, ln Gamma(b + 1))`: the exponent is off by at most 4 such errors, and `exp` and
/// the product add a few ulps of the limit (which is below 1).
fn limit_rounding(real: usize, samples: usize) -> f64 {
    let b = 1.0 + real as f64 / samples as f64;
    (512.0 * ln_gamma(b + 1.0).max(1.0) + 8.0) * EPS
}

/// `(S_0, M, n)` with `S_0 >= 2` (`S_0 = 1` is a point mass: tested apart).
fn pool() -> impl Strategy<Value = (usize, usize, u64)> {
    (2usize..=1000, 1usize..=300, 1u64..=200)
}

proptest! {
    #![proptest_config(with_cases(256))]

    #[test]
    fn factors_decrease_strictly_and_stay_above_the_limit((s0, m, n) in pool()) {
        let c = accumulate_diversity_factors(s0, m, n);
        let limit = accumulate_diversity_limit(s0, m);
        prop_assert_eq!(c[0], 1.0 - 1.0 / s0 as f64);
        prop_assert!(c.windows(2).all(|w| w[1] < w[0]), "S_0 = {s0}, M = {m}: not strictly decreasing");
        // The demand, accumulate bounded below by its limit: c_g - c_inf is at least
        // c_g M / S_g^2 >= 8e-8 c_g >= 1.5e-9 here, above the limit's rounding (< 7e-10).
        for (g, &v) in (1..).zip(&c) {
            prop_assert!(v > limit + limit_rounding(s0, m), "S_0 = {s0}, M = {m}, g = {g}: c_g = {v} <= limit {limit}");
        }
        // Step 5: P_inf >= exp(-pi^2/(3M)); the margin is at least a factor exp(pi^2/(6M)) - 1 >= 5e-3.
        let floor = (1.0 - 1.0 / s0 as f64) * (-PI * PI / (3.0 * m as f64)).exp();
        prop_assert!(limit >= floor, "S_0 = {s0}, M = {m}: limit {limit} < (1 - 1/S_0) exp(-pi^2/(3M)) = {floor}");
    }

    #[test]
    fn real_pool_of_m_is_the_sine_limit_and_the_gaussian_mle_factors(m in 2usize..=2000, n in 1u64..=300) {
        // S_0 = M: (1 - 1/M) P_inf = sin(pi/sqrt M)/(pi/sqrt M) (Euler's product); b = 2, so
        // the ln Gamma arguments lie in [1.29, 2.71].
        let x = PI / (m as f64).sqrt();
        let limit = accumulate_diversity_limit(m, m);
        prop_assert!((limit - x.sin() / x).abs() <= limit_rounding(m, m), "M = {m}: {limit} vs {}", x.sin() / x);
        // Remark 1: the factors are the Gaussian pooled-MLE variance factors c_g^mle; two
        // products of g factors, 1 - M/(gM)^2 against 1 - 1/(M g^2): g ulps each.
        let c = accumulate_diversity_factors(m, m, n);
        let gaussian = accumulate_variance_factors(m, Estimator::Mle, n);
        for (g, (a, b)) in (1..).zip(c.iter().zip(&gaussian)) {
            prop_assert!((a / b - 1.0).abs() <= 4.0 * (g as f64 + 4.0) * EPS, "M = {m}, g = {g}: {a} vs Gaussian {b}");
        }
        // Remark 1 again: accumulate keeps more diversity than replace, equal at g = 1.
        let replace = replace_diversity_factors(m, n);
        prop_assert_eq!(c[0], replace[0]);
        for (g, (a, r)) in (2..).zip(c.iter().zip(&replace).skip(1)) {
            prop_assert!(a > r, "M = {m}, g = {g}: accumulate {a} <= replace {r}");
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn one_sample_per_generation_telescopes(s0 in 2usize..=1000, n in 1u64..=300) {
        // M = 1: S_j = S_0 + j and prod_{k=a}^{b} (1 - 1/k^2) = (a - 1)(b + 1)/(a b), so
        // c_g = (S_0 - 1)(S_0 + g) / ((S_0 + 1)(S_0 + g - 1)) and c_inf = (S_0 - 1)/(S_0 + 1):
        // an independent closed form. A product of g factors: g ulps and a few.
        let sf = s0 as f64;
        let c = accumulate_diversity_factors(s0, 1, n);
        for (g, v) in (1..).zip(&c) {
            let gf = g as f64;
            let exact = (sf - 1.0) * (sf + gf) / ((sf + 1.0) * (sf + gf - 1.0));
            prop_assert!((v / exact - 1.0).abs() <= (2.0 * gf + 8.0) * EPS, "S_0 = {s0}, M = 1, g = {g}: {v} vs {exact}");
        }
        let (limit, exact) = (accumulate_diversity_limit(s0, 1), (sf - 1.0) / (sf + 1.0));
        prop_assert!((limit - exact).abs() <= limit_rounding(s0, 1), "S_0 = {s0}, M = 1: limit {limit} vs {exact}");
    }
}

/// Factors of the partial product `prod_{j=1}^N (1 - M/S_j^2)` in the check below.
const TERMS: u64 = 100_000;

proptest! {
    #![proptest_config(with_cases(128))]

    #[test]
    fn limit_is_the_long_partial_product((s0, m, _) in pool()) {
        // ln P_inf = sum_j ln(1 - a_j), a_j = M/S_j^2 <= 1/4. Sum j <= N in log space; the rest
        // T = sum_{j>N} a_j lies between the integrals 1/(S_0 + (N+1)M) and 1/(S_0 + NM)
        // (a_j is decreasing in j), and -a - a^2 <= ln(1 - a) <= -a on [0, 1/2], with
        // sum_{j>N} a_j^2 <= 1/(3 M^2 N^3). Taking the midpoint of the bracket, the truncation
        // error of ln P_inf is at most half its width plus that square sum.
        let (sf, mf, nf) = (s0 as f64, m as f64, TERMS as f64);
        let head: f64 = (1..=TERMS).map(|j| (-mf / (sf + j as f64 * mf).powi(2)).ln_1p()).sum();
        let (low, high) = (1.0 / (sf + (nf + 1.0) * mf), 1.0 / (sf + nf * mf));
        let truncation = (high - low) / 2.0 + 1.0 / (3.0 * mf * mf * nf.powi(3));
        // Recursive summation of N terms: at most N ulps of sum |ln(1 - a_j)| <= 2 sum a_j <= pi^2/(3M).
        let summation = nf * EPS * PI * PI / (3.0 * mf);
        let estimate = (1.0 - 1.0 / sf) * (head - (low + high) / 2.0).exp();
        let limit = accumulate_diversity_limit(s0, m);
        let tol = estimate * (truncation + summation + 4.0 * EPS) + limit_rounding(s0, m);
        prop_assert!((limit - estimate).abs() <= tol, "S_0 = {s0}, M = {m}: limit {limit} vs product {estimate} (tol {tol:e})");
    }

    #[test]
    fn curves_are_the_factors_and_generation_1_is_the_binomial_pool(p in probabilities(6), (s0, m, n) in pool()) {
        let n = n.min(50);
        let s = setup(&p, m, CategoricalRegime::Accumulate, n).with_real_samples(s0).unwrap();
        let factors = accumulate_diversity_factors(s0, m, n);
        let (theorem, diversity) = curve(&s, Metric::Diversity);
        prop_assert_eq!(theorem, ids::ACCUMULATE_DIVERSITY);
        let h0 = gini_simpson(s.probabilities());
        for (g, (d, c)) in (1..).zip(diversity.iter().zip(&factors)) {
            prop_assert!((d - h0 * c).abs() <= 4.0 * EPS * h0 * c, "S_0 = {s0}, M = {m}, g = {g}: {d} vs H(p_0) c_g");
        }
        // At g = 1 the pool is S_0 real draws: Var q_0(A) = pi (1 - pi)/S_0, here as the
        // variance of Binomial(S_0, pi)/S_0 from the exact chain's pmf.
        let pi = s.tail_mass();
        let pmf = chain(s0).pmf(pi).to_dense(s0 + 1);
        let variance = expect(&pmf, |j| (j / s0 as f64 - pi).powi(2));
        let (_, spread) = curve(&s, Metric::TailSpread);
        let tol = chain_rounding(s0, 1) * variance + 8.0 * EPS * pi * (1.0 - pi) + 4.0 * EPS + DROPPED;
        prop_assert!((spread[0] - variance).abs() <= tol, "S_0 = {s0}, pi = {pi}: curve {} vs pmf {variance}", spread[0]);
    }
}

#[test]
fn a_real_pool_of_one_point_is_a_point_mass_for_ever() {
    // S_0 = 1: q_0 is a point mass and nothing is ever added outside it (Remark 4).
    for m in [1, 2, 7, 100] {
        assert!(accumulate_diversity_factors(1, m, 20).iter().all(|&c| c == 0.0), "M = {m}");
        assert_eq!(accumulate_diversity_limit(1, m), 0.0, "M = {m}");
    }
}
