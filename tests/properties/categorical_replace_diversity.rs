//! `categorical-replace-diversity`: replace, Gini–Simpson diversity `E H(p_g) = H(p_0) (1 - 1/M)^g
//! -> 0`; `Var p_g(A) = p_0(A)(1 - p_0(A))(1 - (1 - 1/M)^g)`; `P(not yet a point mass) <= E H_g /
//! (2(M-1)/M^2)`.

use crate::support::categorical::{DROPPED, chain, chain_rounding, curve, expect, laws, least_positive_diversity, probabilities, setup};
use crate::support::{EPS, with_cases};
use model_collapse::categorical::CategoricalRegime;
use model_collapse::categorical::theory::{Metric, gini_simpson, ids, replace_diversity_factors};
use proptest::prelude::*;

proptest! {
    #![proptest_config(with_cases(256))]

    #[test]
    fn factors_are_one_minus_one_over_m_to_the_g(m in 1usize..=2000, n in 1u64..=300) {
        let c = replace_diversity_factors(m, n);
        prop_assert_eq!(c.len(), n as usize);
        if m == 1 {
            // One sample is a point mass: the diversity is 0 from generation 1.
            prop_assert!(c.iter().all(|&v| v == 0.0));
            return Ok(());
        }
        for (g, &v) in (1..).zip(&c) {
            // A running product of g factors (g ulps) against exp(g ln1p(-1/M)) (a few ulps).
            let exact = (g as f64 * (-1.0 / m as f64).ln_1p()).exp();
            prop_assert!((v / exact - 1.0).abs() <= (g as f64 + 8.0) * EPS, "M = {m}, g = {g}: {v} vs {exact}");
            prop_assert!(v > 0.0 && v < 1.0, "M = {m}, g = {g}: {v}");
        }
        prop_assert!(c.windows(2).all(|w| w[1] < w[0]), "M = {m}: not strictly decreasing");
    }

    #[test]
    fn two_outcomes_law_against_closed_form(m in 1usize..=150, n in 1u64..=40, p in 0.001f64..0.999) {
        // K = 2: H(p_g) = 2 (C/M)(1 - C/M), so E H(p_g) = sum_j pi_g(j) 2 (j/M)(1 - j/M)
        // = 2 p (1 - p)(1 - 1/M)^g. Both sides are sums of nonnegative terms.
        let c = chain(m);
        let factors = replace_diversity_factors(m, n);
        let mf = m as f64;
        for (g, law) in (1..).zip(laws(&c, p, n)) {
            let from_law = expect(&law, |j| 2.0 * (j / mf) * (1.0 - j / mf));
            let exact = 2.0 * p * (1.0 - p) * factors[g as usize - 1];
            let tol = (chain_rounding(m, g) + (g as f64 + 8.0) * EPS) * exact + DROPPED;
            prop_assert!((from_law - exact).abs() <= tol, "M = {m}, p = {p}, g = {g}: law {from_law} vs {exact}");
            prop_assert!((law.iter().sum::<f64>() - 1.0).abs() <= chain_rounding(m, g), "M = {m}, p = {p}, g = {g}: mass");
        }
    }

    #[test]
    fn tail_variance_from_the_law_is_the_tail_spread_curve(p in probabilities(6), m in 1usize..=150, n in 1u64..=40) {
        // Tail fraction = the smallest p_0(k): the tail is that outcome alone, and
        // Var p_g(A) = sum_j pi_g(j) (j/M - pi)^2 with pi_g the law of its count.
        let least = p.iter().cloned().fold(1.0, f64::min);
        let s = setup(&p, m, CategoricalRegime::Replace, n).with_tail(least).unwrap();
        prop_assert_eq!((0..p.len()).filter(|&k| s.in_tail(k)).count(), 1);
        let pi = s.tail_mass();
        let (theorem, spread) = curve(&s, Metric::TailSpread);
        prop_assert_eq!(theorem, ids::REPLACE_DIVERSITY);
        let mf = m as f64;
        for (g, law) in (1..).zip(laws(&chain(m), pi, n)) {
            let variance = expect(&law, |j| (j / mf - pi).powi(2));
            let closed = spread[g as usize - 1];
            // The law's relative rounding on the variance; (j/M - pi)^2 is off by at most
            // 2 ulps absolutely (|j/M - pi| <= 1); and the curve's 1 - (1 - 1/M)^g is off
            // by g + 2 ulps absolutely, times pi (1 - pi) <= 1/4.
            let tol = chain_rounding(m, g) * variance + 4.0 * EPS + (g as f64 + 4.0) * EPS + DROPPED;
            prop_assert!((variance - closed).abs() <= tol, "M = {m}, pi = {pi}, g = {g}: law {variance} vs curve {closed}");
        }
    }

    #[test]
    fn diversity_is_monotone_and_bounds_the_survival_of_diversity(p in probabilities(6), m in 1usize..=200, n in 1u64..=60) {
        let s = setup(&p, m, CategoricalRegime::Replace, n);
        let (theorem, diversity) = curve(&s, Metric::Diversity);
        prop_assert_eq!(theorem, ids::REPLACE_DIVERSITY);
        // The curve is H(p_0) c_g, with p_0 as the setup stores it (renormalised).
        let h0 = gini_simpson(s.probabilities());
        for (g, (d, c)) in (1..).zip(diversity.iter().zip(replace_diversity_factors(m, n))) {
            prop_assert!((d - h0 * c).abs() <= 4.0 * EPS * h0 * c, "M = {m}, g = {g}: {d} vs H(p_0) c_g");
        }
        // The demand: the diversity never increases under replace (strictly decreasing for M >= 2).
        for (g, w) in (1..).zip(diversity.windows(2)) {
            prop_assert!(w[1] <= w[0], "M = {m}, g = {g}: diversity {} then {}", w[0], w[1]);
            prop_assert!(m == 1 || w[1] < w[0], "M = {m}, g = {g}: not strictly decreasing");
        }
        if m >= 2 {
            // Statement (iii): P(p_g is not a point mass) <= E H(p_g) / (2 (M - 1)/M^2), with
            // P(point mass) the collapsed curve (a sum of K fixation probabilities).
            let (_, collapsed) = curve(&s, Metric::Collapsed);
            let floor = least_positive_diversity(m);
            for (g, (c, d)) in (1..).zip(collapsed.iter().zip(&diversity)) {
                let tol = p.len() as f64 * chain_rounding(m, g) + 4.0 * EPS;
                prop_assert!(1.0 - c <= d / floor + tol, "M = {m}, g = {g}: P(not collapsed) = {} > {}", 1.0 - c, d / floor);
            }
        }
    }
}
