//! `categorical-absorption-time`: replace, `E tau = 1 + sum_k sum_i Binomial(M, p_0(k))(i) w_i`,
//! `w = (I - Q)^-1 (i/M)_i`, exact for any `K`, checked against the tail sum `1 + sum_g P(tau > g)`.

use crate::support::categorical::{chain, chain_rounding, probabilities};
use crate::support::{EPS, with_cases};
use model_collapse::categorical::theory::gini_simpson;
use proptest::prelude::*;

/// The horizon `G` of the tail sum below and a bound on what it leaves out: with `P(tau > g)
/// <= h0 (1 - 1/M)^g / (2(M - 1)/M^2)` (statement (iii) of categorical-replace-diversity, for
/// a start of diversity `h0`), `sum_{g>G} P(tau > g) <= h0 M^3/(2(M - 1)) (1 - 1/M)^(G+1)`;
/// `G` is the first horizon where that is at most 1e-12.
fn horizon(h0: f64, m: usize) -> (u64, f64) {
    let scale = h0 * (m * m * m) as f64 / (2.0 * (m as f64 - 1.0));
    let rate = -(-1.0 / m as f64).ln_1p();
    let generations = ((scale / 1e-12).ln().max(0.0) / rate).ceil() as u64;
    (generations, scale * (-(generations as f64 + 1.0) * rate).exp())
}

/// `1 + sum_g P(tau > g)` and its rounding: each `P(tau > g)` is one minus `terms`
/// nonnegative probabilities of the chain (absolute error `terms * chain_rounding(M, g)`
/// plus a few ulps), and the running sum adds an ulp of itself per term.
fn tail_sum(m: usize, terms: usize, not_absorbed: &[f64]) -> (f64, f64) {
    let sum = 1.0 + not_absorbed.iter().sum::<f64>();
    let rounding: f64 = (1..=not_absorbed.len() as u64).map(|g| terms as f64 * chain_rounding(m, g) + 4.0 * EPS).sum();
    (sum, rounding + not_absorbed.len() as f64 * EPS * sum)
}

/// Error of the library's dense LU solve: backward stable, so relative error about
/// `cond(I - Q) M` ulps, with `cond_inf(I - Q) <= 2 max_i t_i <= 2 * 1.4 M` (the time from
/// the middle, below Kimura's `2 M ln 2`); with room, `16 M^2` ulps.
fn solve_rounding(m: usize, t: f64) -> f64 {
    16.0 * (m * m) as f64 * EPS * t
}

proptest! {
    #![proptest_config(with_cases(128))]

    #[test]
    fn two_outcomes_solve_is_the_tail_sum_and_symmetric(p in 0.001f64..0.999, m in 2usize..=40) {
        let c = chain(m);
        let t = c.expected_absorption_time(&[p, 1.0 - p]).unwrap();
        // K = 2: P(tau > g) = 1 - lost[g] - fixed[g] of the first outcome.
        let (n, remainder) = horizon(2.0 * p * (1.0 - p), m);
        let a = c.absorption(&[p], n).remove(0);
        let not_absorbed: Vec<f64> = a.lost.iter().zip(&a.fixed).map(|(l, f)| 1.0 - l - f).collect();
        let (sum, rounding) = tail_sum(m, 2, &not_absorbed);
        // The truncated sum is below E tau by at most the remainder.
        let tol = rounding + solve_rounding(m, t);
        prop_assert!(
            t - sum >= -tol && t - sum <= remainder + tol,
            "M = {m}, p = {p}: solve {t} vs tail sum {sum} over {n} generations (remainder {remainder:e}, tol {tol:e})"
        );
        let mirrored = c.expected_absorption_time(&[1.0 - p, p]).unwrap();
        prop_assert!((t - mirrored).abs() <= 4.0 * EPS * t, "M = {m}, p = {p}: {t} vs {mirrored} for 1 - p");
    }

    #[test]
    fn many_outcomes_solve_is_the_tail_sum(p in probabilities(6), m in 2usize..=30) {
        let c = chain(m);
        let t = c.expected_absorption_time(&p).unwrap();
        // P(tau > g) = 1 - sum_k P(C_g^(k) = M): the point masses are disjoint events.
        let (n, remainder) = horizon(gini_simpson(&p), m);
        let a = c.absorption(&p, n);
        let not_absorbed: Vec<f64> = (0..n as usize).map(|i| 1.0 - a.iter().map(|a| a.fixed[i]).sum::<f64>()).collect();
        let (sum, rounding) = tail_sum(m, p.len(), &not_absorbed);
        let tol = rounding + solve_rounding(m, t);
        prop_assert!(
            t - sum >= -tol && t - sum <= remainder + tol,
            "K = {}, M = {m}, p = {p:?}: solve {t} vs tail sum {sum} over {n} generations (remainder {remainder:e}, tol {tol:e})",
            p.len()
        );
    }

    #[test]
    fn at_least_one_plus_the_chance_generation_1_is_mixed(p in probabilities(6), m in 1usize..=120) {
        // E tau = 1 + sum_{g>=1} P(tau > g) >= 1 + P(tau > 1) = 2 - sum_k p_k^M; M = 1 gives exactly 1.
        let t = chain(m).expected_absorption_time(&p).unwrap();
        if m == 1 {
            prop_assert_eq!(t, 1.0);
        } else {
            let mixed = 1.0 - p.iter().map(|q| (m as f64 * q.ln()).exp()).sum::<f64>();
            prop_assert!(t >= 1.0 + mixed * (1.0 - solve_rounding(m, 1.0)), "K = {}, M = {m}: E tau = {t} < 1 + {mixed}", p.len());
        }
    }
}

#[test]
fn one_sample_is_absorbed_at_once() {
    for p in [vec![1.0], vec![0.5, 0.5], vec![0.1, 0.2, 0.3, 0.4]] {
        assert_eq!(chain(1).expected_absorption_time(&p).unwrap(), 1.0, "M = 1, p = {p:?}");
    }
}
