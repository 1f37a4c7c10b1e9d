//! `categorical-martingale`: replace and accumulate, `E p_g = p_0` at every generation; the mass
//! of any set of outcomes is a bounded martingale.

use crate::support::categorical::{DROPPED, chain, chain_rounding, curve, expect, probabilities, setup};
use crate::support::with_cases;
use model_collapse::categorical::CategoricalRegime;
use model_collapse::categorical::theory::{Metric, ids};
use proptest::prelude::*;

/// Both schedules of the family.
fn regime() -> impl Strategy<Value = CategoricalRegime> {
    prop_oneof![Just(CategoricalRegime::Replace), Just(CategoricalRegime::Accumulate)]
}

proptest! {
    #![proptest_config(with_cases(256))]

    #[test]
    fn mean_count_is_m_p_forward_and_backward(
        m in 1usize..=200, g in 1u64..=50,
        p in prop_oneof![Just(0.0), Just(1.0), 0.0f64..=1.0],
    ) {
        let c = chain(m);
        let target = m as f64 * p;
        let tol = chain_rounding(m, g) * target + DROPPED;
        // Forward: E C_g = sum_j j pi_g(j), pi_g = pi_1 P^(g-1).
        let law = c.law(p, g);
        let forward = expect(&law, |j| j);
        prop_assert!((forward - target).abs() <= tol, "M = {m}, p = {p}, g = {g}: forward {forward} vs M p = {target}");
        // Backward: pi_1 . P^(g-1) u with u(i) = i, and P u = u (every row has mean i).
        let mut u: Vec<f64> = (0..=m).map(|i| i as f64).collect();
        for _ in 1..g {
            u = c.step_back(&u);
        }
        let backward = c.pmf(p).dot(&u);
        prop_assert!((backward - target).abs() <= tol, "M = {m}, p = {p}, g = {g}: backward {backward} vs M p = {target}");
        for (i, x) in u.iter().enumerate() {
            prop_assert!((x - i as f64).abs() <= chain_rounding(m, g) * i as f64, "M = {m}, g = {g}: (P^(g-1) u)({i}) = {x}");
        }
    }

    #[test]
    fn top_and_tail_mass_curves_are_constant(
        p in probabilities(8), m in 1usize..=300, r in regime(), n in 1u64..=100, tail in 0.001f64..=1.0,
    ) {
        let s = setup(&p, m, r, n).with_tail(tail).unwrap();
        let top = s.probabilities().iter().cloned().fold(0.0, f64::max);
        prop_assert_eq!(s.probabilities()[s.top()], top);
        let (theorem, values) = curve(&s, Metric::TopMass);
        prop_assert_eq!(theorem, ids::MARTINGALE);
        prop_assert_eq!(values, vec![top; n as usize], "{} {}: top mass", r, s.describe());
        let (theorem, values) = curve(&s, Metric::TailMass);
        prop_assert_eq!(theorem, ids::MARTINGALE);
        prop_assert_eq!(values, vec![s.tail_mass(); n as usize], "{} {}: tail mass", r, s.describe());
    }
}
