//! `categorical-tail-loss`: replace, `P(outcome k vanished by g) = (pi_1 P^(g-1))(0)`, `(1 - p_0(k))^M`
//! at `g = 1`, nondecreasing in `g` and nonincreasing in `p_0(k)`; accumulate: `(1 - p_0(k))^S_0`.

use crate::support::categorical::{DROPPED, chain, chain_rounding, curve, laws, probabilities, setup};
use crate::support::{EPS, with_cases};
use model_collapse::categorical::CategoricalRegime;
use model_collapse::categorical::exact::BinomialChain;
use model_collapse::categorical::theory::{Metric, ids};
use proptest::prelude::*;
use statrs::distribution::{Binomial, Discrete};

proptest! {
    #![proptest_config(with_cases(256))]

    #[test]
    fn transition_rows_are_binomial_probability_vectors(m in 1usize..=400) {
        let c = chain(m);
        for i in 0..=m {
            let row = c.row(i);
            // Normalised: the sum of the normalised values is 1 to an ulp per entry.
            let len = row.values.len() as f64;
            let sum: f64 = row.values.iter().sum();
            prop_assert!((sum - 1.0).abs() <= 2.0 * len * EPS, "M = {m}, row {i}: sum {sum}");
            prop_assert!(row.values.iter().all(|&b| b >= 0.0), "M = {m}, row {i}: a negative entry");
            prop_assert!(row.start + row.values.len() <= m + 1, "M = {m}, row {i}: band past M");
            // Against statrs' Binomial(M, i/M) pmf on a few entries: statrs goes through ln Gamma
            // and exp, a few ulps of logs of size up to M ln M.
            let dense = row.to_dense(m + 1);
            let law = Binomial::new(i as f64 / m as f64, m as u64).unwrap();
            for j in (0..=m).step_by((m / 8).max(1)) {
                let exact = law.pmf(j as u64);
                let tol = (chain_rounding(m, 0) + 8.0 * EPS * (m as f64 + 2.0) * (1.0 + (m as f64).ln())) * exact + DROPPED;
                prop_assert!((dense[j] - exact).abs() <= tol, "M = {m}, row {i}, j = {j}: {} vs {exact}", dense[j]);
            }
        }
        prop_assert_eq!(c.row(0).to_dense(m + 1)[0], 1.0);
        prop_assert_eq!(c.row(m).to_dense(m + 1)[m], 1.0);
    }

    #[test]
    fn loss_starts_at_one_minus_p_to_the_m_and_rises_with_g_and_falls_with_p(
        starts in proptest::collection::vec(0.0005f64..0.9995, 2..=6), m in 1usize..=200, n in 1u64..=60,
    ) {
        let mut starts = starts;
        starts.sort_by(f64::total_cmp);
        let c = chain(m);
        let a = c.absorption(&starts, n);
        for (p, a) in starts.iter().zip(&a) {
            // (1 - p)^M as exp(M ln1p(-p)): a few ulps of M |ln(1 - p)| <= 7.6 M.
            let first = (m as f64 * (-p).ln_1p()).exp();
            let tol = (chain_rounding(m, 1) + 8.0 * EPS * m as f64 * (1.0 - (-p).ln_1p())) * first + DROPPED;
            prop_assert!((a.lost[0] - first).abs() <= tol, "M = {m}, p = {p}: lost at g = 1 {} vs (1-p)^M = {first}", a.lost[0]);
            for (g, w) in (2..).zip(a.lost.windows(2)) {
                let tol = 2.0 * chain_rounding(m, g);
                prop_assert!(w[1] >= w[0] * (1.0 - tol), "M = {m}, p = {p}, g = {g}: lost {} then {}", w[0], w[1]);
            }
        }
        // Part (c): for fixed g, nonincreasing in p_0(k) (the coupling of Step 5).
        for g in 1..=n as usize {
            for (i, pair) in a.windows(2).enumerate() {
                let (low, high) = (pair[0].lost[g - 1], pair[1].lost[g - 1]);
                let tol = 2.0 * chain_rounding(m, g as u64) * low + DROPPED;
                let (p, q) = (starts[i], starts[i + 1]);
                prop_assert!(high <= low + tol, "M = {m}, g = {g}: p = {p} is lost with {low}, p = {q} with {high}");
            }
        }
    }

    #[test]
    fn forward_law_and_backward_loss_agree(p in 0.001f64..0.999, m in 1usize..=150, n in 1u64..=40) {
        // pi_g(0) from pi_1 P^(g-1) (forward) against pi_1 . P^(g-1) e_0 (backward).
        let c = chain(m);
        let a = &c.absorption(&[p], n)[0];
        for (g, law) in (1..).zip(laws(&c, p, n)) {
            let (i, tol) = (g as usize - 1, 2.0 * chain_rounding(m, g));
            let (lost, fixed) = (a.lost[i], a.fixed[i]);
            let at = format!("M = {m}, p = {p}, g = {g}");
            prop_assert!((law[0] - lost).abs() <= tol * law[0] + DROPPED, "{at}: law {} vs lost {lost}", law[0]);
            prop_assert!((law[m] - fixed).abs() <= tol * law[m] + DROPPED, "{at}: law {} vs fixed {fixed}", law[m]);
            prop_assert!((law.iter().sum::<f64>() - 1.0).abs() <= chain_rounding(m, g), "M = {m}, p = {p}, g = {g}: mass");
            prop_assert!(law.iter().all(|&x| x >= 0.0));
        }
        prop_assert_eq!(c.law(p, n), laws(&c, p, n).pop().unwrap());
    }

    #[test]
    fn replace_survivors_fall_from_k_towards_one(
        p in probabilities(8), m in 1usize..=200, n in 1u64..=60, tail in 0.001f64..=1.0,
    ) {
        let s = setup(&p, m, CategoricalRegime::Replace, n).with_tail(tail).unwrap();
        let (theorem, survivors) = curve(&s, Metric::Survivors);
        prop_assert_eq!(theorem, ids::TAIL_LOSS);
        let k = p.len() as f64;
        for (g, v) in (1..).zip(&survivors) {
            let tol = k * chain_rounding(m, g);
            prop_assert!(*v >= 1.0 - tol && *v <= k + tol, "M = {m}, g = {g}: {v} survivors of K = {k}");
        }
        for (g, w) in (2..).zip(survivors.windows(2)) {
            prop_assert!(w[1] <= w[0] + k * chain_rounding(m, g), "M = {m}, g = {g}: survivors {} then {}", w[0], w[1]);
        }
        // The tail's loss is that of one outcome of mass p_0(A) (lumping), from the forward law.
        let (_, lost) = curve(&s, Metric::TailLost);
        let last = BinomialChain::of(&s).law(s.tail_mass(), n)[0];
        let tol = 2.0 * chain_rounding(m, n) * last + DROPPED;
        let (pi, curve_last) = (s.tail_mass(), lost[n as usize - 1]);
        prop_assert!((curve_last - last).abs() <= tol, "M = {m}, pi = {pi}, g = {n}: tail lost {curve_last} vs law {last}");
    }

    #[test]
    fn accumulate_keeps_what_the_real_pool_drew(p in probabilities(8), m in 1usize..=300, s0 in 1usize..=1000, n in 1u64..=50) {
        // Nothing present is lost and nothing absent returns: every curve is its generation-1
        // value. The code raises q to the power S_0 by repeated squaring (up to S_0 ulps); the
        // reference exp(S_0 ln q) is good to a few ulps of S_0 |ln q|.
        let s = setup(&p, m, CategoricalRegime::Accumulate, n).with_real_samples(s0).unwrap();
        let p = s.probabilities().to_vec();
        // A tail of every outcome has 1 - p_0(A) = 0 up to an ulp either side: q <= 0 gives 0.
        let pow = |q: f64| if q <= 0.0 { 0.0 } else { (s0 as f64 * q.ln()).exp() };
        let err = |q: f64| if q <= 0.0 { 0.0 } else { 8.0 * EPS * (1.0 + s0 as f64 * (1.0 + q.ln().abs())) * pow(q) };
        let survivors: f64 = p.iter().map(|q| 1.0 - pow(1.0 - q)).sum();
        let collapsed: f64 = p.iter().map(|&q| pow(q)).sum();
        let pi = s.tail_mass();
        // Plus a few ulps per outcome for 1 - q and the sums.
        let few = 8.0 * EPS * p.len() as f64;
        for (metric, exact, tol) in [
            (Metric::Survivors, survivors, p.iter().map(|q| err(1.0 - q)).sum::<f64>() + few),
            (Metric::Collapsed, collapsed, p.iter().map(|&q| err(q)).sum::<f64>() + few),
            (Metric::TailLost, pow(1.0 - pi), err(1.0 - pi) + few),
        ] {
            let (theorem, values) = curve(&s, metric);
            prop_assert_eq!(theorem, ids::TAIL_LOSS);
            prop_assert!(values.iter().all(|&v| v == values[0]), "S_0 = {s0}: {metric} not constant");
            prop_assert!((values[0] - exact).abs() <= tol, "S_0 = {s0}, M = {m}: {metric} {} vs {exact}", values[0]);
        }
    }
}
