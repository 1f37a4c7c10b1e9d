//! Strategies and helpers shared by the categorical family's theorem files. Their
//! tolerances are rounding bounds derived once here ([`chain_rounding`]) or where they
//! are used; truncations carry explicit bounds on what they leave out.

use super::EPS;
use model_collapse::categorical::exact::BinomialChain;
use model_collapse::categorical::theory::{CategoricalTheory, Metric};
use model_collapse::categorical::{CategoricalRegime, CategoricalSetup};
use model_collapse::model::TheoremId;
use proptest::prelude::*;

/// Binomial probabilities below this are dropped by the exact chain; any sum
/// of them over one law is below `(M + 1)` times it, far below every tolerance.
pub const DROPPED: f64 = 1e-290;

/// Relative rounding bound of a nonnegative quantity of the exact chain after
/// `g` generations (an entry of `pi_g`, a loss or fixation probability, the
/// mean of a nonnegative function). One row of the binomial matrix is built by
/// the ratio recurrence from its mode (at most 2 ulps per step, `M` steps) and
/// normalised (`M + 1` ulps): at most `3M + 2` ulps per entry. A forward or
/// backward step adds `M + 1` nonnegative products, so relative errors add up
/// without cancellation: at most `(g + 1)(4M + 4)` ulps after `g` generations,
/// bounded here by `8 (g + 1)(M + 2)` ulps.
pub fn chain_rounding(m: usize, g: u64) -> f64 {
    8.0 * (g as f64 + 1.0) * (m as f64 + 2.0) * EPS
}

/// A probability vector on `2..=k_max` outcomes, every entry at least `0.01 / K`.
pub fn probabilities(k_max: usize) -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(0.01f64..1.0, 2..=k_max).prop_map(|w| {
        let total: f64 = w.iter().sum();
        w.iter().map(|x| x / total).collect()
    })
}

/// A setup that is valid by construction.
pub fn setup(p: &[f64], m: usize, regime: CategoricalRegime, n: u64) -> CategoricalSetup {
    CategoricalSetup::new(p, m, regime, n).expect("valid by construction")
}

/// The theorem and values of `metric`'s closed form, which must exist.
pub fn curve(s: &CategoricalSetup, metric: Metric) -> (TheoremId, Vec<f64>) {
    let r = CategoricalTheory::new(s).curve(metric).unwrap_or_else(|| panic!("a closed form of {metric}"));
    (r.theorem, r.values)
}

/// The exact chain of `M` samples.
pub fn chain(m: usize) -> BinomialChain {
    BinomialChain::new(m).expect("M >= 1")
}

/// The laws `pi_1, ..., pi_n` of one outcome's count, by forward steps (what `law` does).
pub fn laws(chain: &BinomialChain, p: f64, n: u64) -> Vec<Vec<f64>> {
    let mut out = vec![chain.pmf(p).to_dense(chain.samples() + 1)];
    for _ in 1..n {
        let next = chain.step_forward(out.last().unwrap());
        out.push(next);
    }
    out
}

/// `E f(C)` under the law `pi` of a count.
pub fn expect(pi: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    pi.iter().enumerate().map(|(j, w)| w * f(j as f64)).sum()
}

/// The smallest positive Gini–Simpson diversity of a model fitted on `M` points,
/// `2(M - 1)/M^2` (counts `M - 1` and 1): `P(not a point mass) <= E H / this`.
pub fn least_positive_diversity(m: usize) -> f64 {
    let m = m as f64;
    2.0 * (m - 1.0) / (m * m)
}
