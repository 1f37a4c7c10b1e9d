//! `categorical-fixation`: replace, the chain ends at the point mass on outcome `k` with
//! probability `p_0(k)`; `P(p_g is a point mass) = sum_k P(C_g^(k) = M)`, exact from the binomial chain.

use crate::support::categorical::{DROPPED, chain, chain_rounding, curve, least_positive_diversity, probabilities, setup};
use crate::support::{EPS, with_cases};
use model_collapse::categorical::CategoricalRegime;
use model_collapse::categorical::exact::Absorption;
use model_collapse::categorical::theory::{Metric, ids, replace_diversity_factors};
use proptest::prelude::*;

/// Upper bound on `P(C_g` not absorbed`)` for an outcome of initial mass `p`: its
/// count lumped against the rest is a two-outcome chain with `E H_g = 2p(1-p)(1 - 1/M)^g`,
/// and a model that is not a point mass has `H >= 2(M - 1)/M^2`.
fn not_absorbed_bound(m: usize, p: f64, g: u64) -> f64 {
    2.0 * p * (1.0 - p) * replace_diversity_factors(m, g)[g as usize - 1] / least_positive_diversity(m)
}

proptest! {
    #![proptest_config(with_cases(128))]

    #[test]
    fn fixation_rises_to_p_within_the_diversity_bound(
        starts in proptest::collection::vec(0.001f64..0.999, 1..=5), m in 2usize..=40, n in 1u64..=400,
    ) {
        let a: Vec<Absorption> = chain(m).absorption(&starts, n);
        for (p, a) in starts.iter().zip(&a) {
            prop_assert_eq!(a.fixed.len(), n as usize);
            for g in 1..=n {
                let (fixed, lost) = (a.fixed[g as usize - 1], a.lost[g as usize - 1]);
                let tol = chain_rounding(m, g);
                // P(fixed by g) <= P(fixed eventually) = p, and the gap is the chance of being
                // still unabsorbed at g and fixing later; likewise for the loss and 1 - p.
                let bound = not_absorbed_bound(m, *p, g);
                let (to_fix, to_lose) = (p - fixed, (1.0 - p) - lost);
                let at = format!("M = {m}, p = {p}, g = {g}");
                prop_assert!(to_fix >= -tol * p && to_fix <= bound + tol * p, "{at}: fixed {fixed}, bound {bound:e}");
                prop_assert!(to_lose >= -tol * (1.0 - p) && to_lose <= bound + tol, "{at}: lost {lost}, bound {bound:e}");
                if g >= 2 {
                    let before = a.fixed[g as usize - 2];
                    prop_assert!(fixed >= before * (1.0 - 2.0 * tol), "M = {m}, p = {p}, g = {g}: fixed {before} then {fixed}");
                }
            }
        }
    }

    #[test]
    fn collapsed_curve_rises_within_zero_one(p in probabilities(8), m in 1usize..=200, n in 1u64..=100) {
        let s = setup(&p, m, CategoricalRegime::Replace, n);
        let (theorem, collapsed) = curve(&s, Metric::Collapsed);
        prop_assert_eq!(theorem, ids::FIXATION);
        let k = p.len() as f64;
        for (g, c) in (1..).zip(&collapsed) {
            let tol = k * chain_rounding(m, g);
            prop_assert!(*c >= 0.0 && *c <= 1.0 + tol, "M = {m}, g = {g}: P(point mass) = {c}");
            // Generation 1 is a point mass iff all M draws agree: sum_k p_k^M.
            // exp(M ln q) is good to a few ulps of M |ln q|.
            if g == 1 {
                let q = s.probabilities();
                let exact: f64 = q.iter().map(|q| (m as f64 * q.ln()).exp()).sum();
                let tol = tol + 8.0 * EPS * m as f64 * q.iter().map(|q| q.ln().abs()).fold(1.0, f64::max);
                prop_assert!((c - exact).abs() <= tol * exact + k * DROPPED, "M = {m}: {c} vs sum p^M = {exact}");
            }
        }
        for (g, w) in (2..).zip(collapsed.windows(2)) {
            prop_assert!(w[1] >= w[0] * (1.0 - 2.0 * k * chain_rounding(m, g)), "M = {m}, g = {g}: {} then {}", w[0], w[1]);
        }
        if m == 1 {
            prop_assert!(collapsed.iter().all(|&c| (c - 1.0).abs() <= k * chain_rounding(1, 1)), "M = 1 is a point mass");
        }
    }
}
