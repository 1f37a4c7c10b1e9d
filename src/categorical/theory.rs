//! Closed forms of the categorical feedback loop: pure functions of a
//! validated [`CategoricalSetup`]. Notation: `M` samples per generation, `S_0`
//! the real pool (accumulate), `S_j = S_0 + j M`, `H(p) = 1 - sum_k p_k^2` the
//! Gini–Simpson diversity, `A` the initial tail with `pi = p_0(A)`. Each metric
//! is reported for generations `1..=n`; generation 1 fits the real data.
//!
//! Every value is exact for finite `M`, `S_0` and `n`. Under replace the
//! probabilities of loss, survival and fixation come from the binomial chain
//! of [`super::exact`], computed to double precision (no closed form in
//! elementary functions exists), for `M <=` [`MAX_EXACT_SAMPLES`]; above it
//! those curves are `None`. The Shannon entropy has no closed form.

use super::exact::{Absorption, BinomialChain};
use super::{CategoricalRegime, CategoricalSetup};
use crate::model::{Curve, TheoremId};
use serde::Serialize;
use statrs::function::gamma::ln_gamma;
use std::sync::OnceLock;

/// The categorical family's theorem ids, each written once.
pub mod ids {
    use crate::model::TheoremId;
    /// `E p_g = p_0`: the masses are martingales.
    pub const MARTINGALE: TheoremId = TheoremId::new("categorical-martingale");
    /// Replace: the Gini-Simpson diversity decays like `(1 - 1/M)^g`.
    pub const REPLACE_DIVERSITY: TheoremId = TheoremId::new("categorical-replace-diversity");
    /// Accumulate: the diversity decreases to a positive limit.
    pub const ACCUMULATE_DIVERSITY: TheoremId = TheoremId::new("categorical-accumulate-diversity");
    /// Replace ends at a point mass, on `k` with probability `p_0(k)`.
    pub const FIXATION: TheoremId = TheoremId::new("categorical-fixation");
    /// The probability that an outcome is lost by generation `g`.
    pub const TAIL_LOSS: TheoremId = TheoremId::new("categorical-tail-loss");
    /// The expected time to a point mass, exact and by diffusion.
    pub const ABSORPTION_TIME: TheoremId = TheoremId::new("categorical-absorption-time");
}

/// The largest `M` for which the replace curves of survivors, collapse and tail
/// loss run the exact chain (`O(n M^1.5)`: about 0.3 s a generation here).
pub const MAX_EXACT_SAMPLES: usize = 100_000;

/// What the categorical loop reports per generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Gini–Simpson diversity `H(p_g) = 1 - sum_k p_g(k)^2`: the probability
    /// that two draws from the model differ.
    Diversity,
    /// Shannon entropy `-sum_k p_g(k) ln p_g(k)`, in nats (no closed form).
    Entropy,
    /// The number of outcomes with positive mass.
    Survivors,
    /// 1 when the model is a point mass, else 0: its mean is the probability
    /// of collapse.
    Collapsed,
    /// `p_g(top)`, the mass of the most probable initial outcome.
    TopMass,
    /// `p_g(A)`, the mass of the initial tail.
    TailMass,
    /// `(p_g(A) - p_0(A))^2`: its mean is the variance of the tail mass.
    TailSpread,
    /// 1 when the tail has vanished (`p_g(A) = 0`), else 0.
    TailLost,
}

crate::named!(Metric, "metric", [
    Metric::Diversity => "diversity",
    Metric::Entropy => "entropy",
    Metric::Survivors => "survivors",
    Metric::Collapsed => "collapsed",
    Metric::TopMass => "top_mass",
    Metric::TailMass => "tail_mass",
    Metric::TailSpread => "tail_spread",
    Metric::TailLost => "tail_lost",
]);

/// The Gini–Simpson diversity `H(p) = 1 - sum_k p_k^2`, computed as
/// `sum_k p_k (sum_{j != k} p_j)`: every term is `>= 0`, so the relative error
/// stays within a few units in the last place per outcome even when one
/// outcome holds almost all the mass (`1 - sum_k p_k^2` would cancel to 0 for
/// `p = (1e-300, 1)`, where `H = 2e-300`).
///
/// ```
/// use model_collapse::categorical::theory::gini_simpson;
/// assert_eq!(gini_simpson(&[0.5, 0.25, 0.25]), 0.625);
/// assert_eq!(gini_simpson(&[1e-300, 1.0]), 2e-300);
/// ```
pub fn gini_simpson(p: &[f64]) -> f64 {
    // others[k] = prefix (sum before k) + suffix (sum after k).
    let mut suffix: Vec<f64> = p.iter().rev().scan(0.0, |s, &x| Some(std::mem::replace(s, *s + x))).collect();
    suffix.reverse();
    let mut prefix = 0.0;
    p.iter()
        .zip(&suffix)
        .map(|(&x, &after)| {
            let term = x * (prefix + after);
            prefix += x;
            term
        })
        .sum()
}

/// **categorical-replace-diversity.** `E H(p_g) / H(p_0) = (1 - 1/M)^g`,
/// `g = 1..=generations`: to zero.
///
/// ```
/// use model_collapse::categorical::theory::replace_diversity_factors;
/// assert_eq!(replace_diversity_factors(4, 2), vec![0.75, 0.5625]);
/// ```
pub fn replace_diversity_factors(samples: usize, generations: u64) -> Vec<f64> {
    let r = 1.0 - 1.0 / samples as f64;
    (1..=generations)
        .scan(1.0, |c, _| {
            *c *= r;
            Some(*c)
        })
        .collect()
}

/// **categorical-accumulate-diversity.** `E H(generation g) / H(p_0) =
/// (1 - 1/S_0) prod_{j=1}^{g-1} (1 - M / S_j^2)`, `S_j = S_0 + j M`,
/// `g = 1..=generations`: decreasing to [`accumulate_diversity_limit`] > 0.
/// For `S_0 = M` it is `prod_{i=1}^{g} (1 - 1/(M i^2))`, the Gaussian pooled
/// MLE variance factor of `gaussian-accumulate`.
///
/// ```
/// use model_collapse::categorical::theory::accumulate_diversity_factors;
/// // S_0 = M = 2: 1/2, then 1/2 (1 - 2/16) = 7/16 (proofs/categorical-accumulate-diversity.md).
/// let c = accumulate_diversity_factors(2, 2, 2);
/// assert!((c[0] - 0.5).abs() < 1e-16 && (c[1] - 7.0 / 16.0).abs() < 1e-16);
/// ```
pub fn accumulate_diversity_factors(real: usize, samples: usize, generations: u64) -> Vec<f64> {
    let (s0, m) = (real as f64, samples as f64);
    let mut c = 1.0 - 1.0 / s0;
    (1..=generations)
        .map(|g| {
            if g >= 2 {
                let s = s0 + (g - 1) as f64 * m;
                c *= 1.0 - m / (s * s);
            }
            c
        })
        .collect()
}

/// **categorical-accumulate-diversity.** The limit of
/// [`accumulate_diversity_factors`]: `(1 - 1/S_0) Gamma(b)^2 / (Gamma(b - x)
/// Gamma(b + x))` with `b = 1 + S_0/M`, `x = M^(-1/2)` (Weierstrass' product of
/// `1/Gamma`); for `S_0 = M` it is `sin(pi/sqrt M) / (pi/sqrt M)`.
///
/// ```
/// use model_collapse::categorical::theory::accumulate_diversity_limit;
/// let x = std::f64::consts::PI / 5f64.sqrt();
/// assert!((accumulate_diversity_limit(5, 5) - x.sin() / x).abs() < 1e-12);
/// ```
pub fn accumulate_diversity_limit(real: usize, samples: usize) -> f64 {
    let (s0, m) = (real as f64, samples as f64);
    let (b, x) = (1.0 + s0 / m, m.sqrt().recip());
    (1.0 - 1.0 / s0) * (2.0 * ln_gamma(b) - ln_gamma(b - x) - ln_gamma(b + x)).exp()
}

/// The closed forms of one setup, generation by generation. Under replace the
/// exact chain is run once, on first use, for every distinct initial
/// probability and the tail's.
#[derive(Debug)]
pub struct CategoricalTheory {
    setup: CategoricalSetup,
    chain: OnceLock<Chains>,
}

/// The exact chain's output: one [`Absorption`] per distinct `p_0(k)`, with
/// its multiplicity in `counts`, then one for the tail.
#[derive(Debug)]
struct Chains {
    absorption: Vec<Absorption>,
    counts: Vec<f64>,
}

impl Chains {
    fn tail(&self) -> &Absorption {
        &self.absorption[self.counts.len()]
    }
}

impl CategoricalTheory {
    /// The closed forms of `setup`.
    pub fn new(setup: &CategoricalSetup) -> Self {
        CategoricalTheory { setup: setup.clone(), chain: OnceLock::new() }
    }

    /// The setup.
    pub fn setup(&self) -> &CategoricalSetup {
        &self.setup
    }

    /// The mean of `metric` for generations `1..=n` and its theorem, or `None`
    /// when there is no closed form (the entropy) or when it needs the exact
    /// chain and `M >` [`MAX_EXACT_SAMPLES`].
    ///
    /// **categorical-martingale.** In both regimes the mass `p_g(A)` of any set
    /// of outcomes is a bounded martingale, so `E p_g(A) = p_0(A)` at every
    /// generation: the `top_mass` and `tail_mass` curves are constant
    /// (Shumailov et al. 2024, discrete case; proofs/categorical-martingale.md).
    ///
    /// ```
    /// use model_collapse::categorical::{CategoricalRegime, CategoricalSetup};
    /// use model_collapse::categorical::theory::{CategoricalTheory, Metric, ids};
    /// let setup = CategoricalSetup::new(&[0.5, 0.3, 0.2], 10, CategoricalRegime::Replace, 3).unwrap();
    /// let tail = CategoricalTheory::new(&setup).curve(Metric::TailMass).unwrap();
    /// assert_eq!((tail.theorem, tail.values), (ids::MARTINGALE, vec![0.2; 3]));
    /// ```
    pub fn curve(&self, metric: Metric) -> Option<Curve> {
        let s = &self.setup;
        let exact_chain = matches!(metric, Metric::Survivors | Metric::Collapsed | Metric::TailLost);
        if exact_chain && s.regime() == CategoricalRegime::Replace && s.samples() > MAX_EXACT_SAMPLES {
            return None;
        }
        let n = s.generations() as usize;
        let replace = s.regime() == CategoricalRegime::Replace;
        let s0 = s.real_samples() as i32;
        let pi = s.tail_mass();
        let p = s.probabilities();
        let constant = |value: f64| vec![value; n];
        let (theorem, values) = match metric {
            Metric::Entropy => return None,
            Metric::Diversity => (self.diversity_theorem(), self.diversity_factors().iter().map(|c| gini_simpson(p) * c).collect()),
            Metric::TailSpread => {
                (self.diversity_theorem(), self.diversity_factors().iter().map(|c| pi * (1.0 - pi) * (1.0 - c)).collect())
            }
            Metric::TopMass => (ids::MARTINGALE, constant(p[s.top()])),
            Metric::TailMass => (ids::MARTINGALE, constant(pi)),
            Metric::Survivors if replace => (ids::TAIL_LOSS, self.sum_over_outcomes(|a, g| 1.0 - a.lost[g])),
            Metric::Survivors => (ids::TAIL_LOSS, constant(p.iter().map(|q| 1.0 - (1.0 - q).powi(s0)).sum())),
            Metric::Collapsed if replace => (ids::FIXATION, self.sum_over_outcomes(|a, g| a.fixed[g])),
            Metric::Collapsed => (ids::TAIL_LOSS, constant(p.iter().map(|q| q.powi(s0)).sum())),
            Metric::TailLost if replace => (ids::TAIL_LOSS, self.chains().tail().lost.clone()),
            Metric::TailLost => (ids::TAIL_LOSS, constant((1.0 - pi).powi(s0))),
        };
        Some(Curve::exact(theorem, values))
    }

    fn diversity_theorem(&self) -> TheoremId {
        match self.setup.regime() {
            CategoricalRegime::Replace => ids::REPLACE_DIVERSITY,
            CategoricalRegime::Accumulate => ids::ACCUMULATE_DIVERSITY,
        }
    }

    /// `E H(p_g) / H(p_0)` of the regime.
    pub fn diversity_factors(&self) -> Vec<f64> {
        let s = &self.setup;
        match s.regime() {
            CategoricalRegime::Replace => replace_diversity_factors(s.samples(), s.generations()),
            CategoricalRegime::Accumulate => accumulate_diversity_factors(s.real_samples(), s.samples(), s.generations()),
        }
    }

    /// `sum_k f(absorption of outcome k, g - 1)` for `g = 1..=n`.
    fn sum_over_outcomes(&self, f: impl Fn(&Absorption, usize) -> f64) -> Vec<f64> {
        let chains = self.chains();
        (0..self.setup.generations() as usize)
            .map(|g| chains.absorption.iter().zip(&chains.counts).map(|(a, count)| count * f(a, g)).sum())
            .collect()
    }

    fn chains(&self) -> &Chains {
        self.chain.get_or_init(|| {
            let s = &self.setup;
            let mut sorted: Vec<f64> = s.probabilities().to_vec();
            sorted.sort_by(f64::total_cmp);
            let (mut distinct, mut counts) = (Vec::new(), Vec::new());
            for p in sorted {
                if let Some(count) = counts.last_mut().filter(|_| distinct.last() == Some(&p)) {
                    *count += 1.0;
                } else {
                    distinct.push(p);
                    counts.push(1.0);
                }
            }
            distinct.push(s.tail_mass());
            let absorption = BinomialChain::of(s).absorption(&distinct, s.generations());
            Chains { absorption, counts }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact rationals from enumerating every path (proofs/README.md, categorical section).
    #[test]
    fn exact_values_for_a_small_chain() {
        let p = [0.5, 1.0 / 3.0, 1.0 / 6.0];
        let setup = CategoricalSetup::new(&p, 3, CategoricalRegime::Replace, 4).unwrap().with_tail(0.5).unwrap();
        let theory = CategoricalTheory::new(&setup);
        let expect = |metric: Metric, values: [f64; 4]| {
            let curve = theory.curve(metric).unwrap().values;
            for (g, (got, want)) in curve.iter().zip(values).enumerate() {
                assert!((got - want).abs() < 1e-14, "{metric} at g = {}: {got} vs {want}", g + 1);
            }
        };
        expect(Metric::Collapsed, [1.0 / 6.0, 11.0 / 27.0, 145.0 / 243.0, 1595.0 / 2187.0]);
        expect(Metric::TailLost, [1.0 / 8.0, 1.0 / 4.0, 1.0 / 3.0, 7.0 / 18.0]);
        expect(Metric::TailSpread, [1.0 / 12.0, 5.0 / 36.0, 19.0 / 108.0, 65.0 / 324.0]);
        let setup = CategoricalSetup::new(&p, 3, CategoricalRegime::Accumulate, 3).unwrap().with_real_samples(2).unwrap();
        let theory = CategoricalTheory::new(&setup);
        assert!(theory.curve(Metric::Survivors).unwrap().values.iter().all(|v| (v - 29.0 / 18.0).abs() < 1e-15));
        assert!(theory.curve(Metric::Collapsed).unwrap().values.iter().all(|v| (v - 7.0 / 18.0).abs() < 1e-15));
        assert!(theory.curve(Metric::Entropy).is_none());
    }

    #[test]
    fn accumulate_limit_for_any_real_pool() {
        // (1 - 1/S_0) P_inf for S_0 = 10, M = 5 (40-digit mpmath in the proof, 12 digits
        // quoted); M = 1: P_inf = S_0/(S_0 + 1). The limit is exp of a difference of three
        // ln Gamma values of size up to ln Gamma(51) = 144.6, each rounded to about 1e-15
        // relative: about 1e-13 absolute, hence the tolerance 1e-12.
        assert!((accumulate_diversity_limit(10, 5) - 0.831313378741).abs() < 1e-12);
        assert!((accumulate_diversity_limit(50, 1) - (1.0 - 1.0 / 50.0) * 50.0 / 51.0).abs() < 1e-12);
    }
}
