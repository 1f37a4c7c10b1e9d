//! Categorical model collapse: Shumailov et al.'s discrete case, which is the
//! neutral Wright–Fisher chain of population genetics, and its accumulate
//! cure.
//!
//! Truth: a categorical distribution `p_0` on `K` outcomes. Each generation
//! re-estimates it by the empirical frequencies of its training data (no
//! smoothing), so an outcome that is not drawn is gone for good.
//!
//! **Indexing** (as in every family of this crate). Generation 1 fits real
//! data: `M` draws from `p_0` under replace, the real pool of `S_0` draws under
//! accumulate. Generation `g >= 2` draws `M` samples from the model of
//! generation `g - 1` and fits on the data its regime names:
//!
//! | regime | generation `g >= 2` fits | points |
//! |---|---|---|
//! | `replace` | its own `M` samples | `M` |
//! | `accumulate` | the pool: the real `S_0` points and every sample so far | `S_0 + (g - 1) M` |
//!
//! The proofs write `q_j` for the pool after `j` synthetic batches, so
//! generation `g` reports `q_{g-1}`.
//!
//! | parameter | paper | default (CLI) | range |
//! |---|---|---|---|
//! | `probabilities` | `p_0`, the truth | uniform on 10 outcomes | non-empty, `>= 0`, summing to 1 |
//! | `samples` | `M`, samples per generation | 100 | `>= 1` |
//! | `regime` | which data generation `g` fits on | replace | replace, accumulate |
//! | `real_samples` | `S_0`, the real pool (accumulate) | `M` | `>= 1`; `M` under replace |
//! | `tail` | the fraction of `p_0` that makes the initial tail `A` | 0.1 | `0 < tail <= 1` |
//!
//! **The initial tail `A`.** The least probable outcomes of `p_0`, taken from
//! the last (ascending `p_0(k)`, ties broken by the larger index), until their
//! mass first reaches `tail`: never empty. The **top** outcome is the most
//! probable one (the first among ties).
//!
//! The module is split like every model family: [`theory`] holds the closed
//! forms, [`exact`] the exact binomial chain of one outcome's count, [`sim`]
//! one replicate of the process, [`model`] the validated settings as
//! [`crate::model::Model`]s, and `theorems/` one file per theorem (registry
//! entry, checks, figure).

pub mod exact;
pub mod model;
pub mod sim;
mod theorems;
pub mod theory;

pub use model::{AbsorptionModel, CategoricalModel};
pub use theorems::THEOREMS;

use crate::budget::{MAX_GENERATIONS, MAX_SAMPLES, require_range};
use crate::error::{Error, Result, param, require_finite};
use crate::schedule::Regime;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// The data schedules the categorical family runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CategoricalRegime {
    /// Generation `g >= 2` fits its own `M` samples.
    Replace,
    /// Generation `g >= 2` fits the real pool and every sample so far.
    Accumulate,
}

impl TryFrom<Regime> for CategoricalRegime {
    type Error = Error;

    fn try_from(regime: Regime) -> Result<Self> {
        match regime {
            Regime::Replace => Ok(CategoricalRegime::Replace),
            Regime::Accumulate => Ok(CategoricalRegime::Accumulate),
            other => Err(Error::invalid("regime", other, "the categorical family runs replace and accumulate")),
        }
    }
}

impl From<CategoricalRegime> for Regime {
    fn from(regime: CategoricalRegime) -> Regime {
        match regime {
            CategoricalRegime::Replace => Regime::Replace,
            CategoricalRegime::Accumulate => Regime::Accumulate,
        }
    }
}

crate::family_schedule!(CategoricalRegime);

/// The default fraction of `p_0` that makes the initial tail.
pub const DEFAULT_TAIL: f64 = 0.1;

/// Relative tolerance on `sum_k p_0(k) = 1` for a given list.
pub const SUM_TOLERANCE: f64 = 1e-9;

/// How the truth `p_0` is given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Initial {
    /// `p_0(k) = 1/K`.
    Uniform,
    /// Zipf with exponent `s >= 0`: `p_0(k)` proportional to `k^(-s)`, the long
    /// tails that collapse loses first.
    Zipf(f64),
    /// The probabilities themselves.
    List(Vec<f64>),
}

impl Initial {
    /// The probability vector on `outcomes` outcomes (`K`, needed by uniform
    /// and Zipf; a list carries its own `K`, and `outcomes`, when given, must
    /// agree with it).
    pub fn probabilities(&self, outcomes: Option<usize>) -> Result<Vec<f64>> {
        Ok(match self {
            Initial::List(p) => {
                if let Some(k) = outcomes.filter(|&k| k != p.len()) {
                    return Err(Error::invalid("outcomes", k, format!("the list given to {} has {} outcomes", param("initial"), p.len())));
                }
                validate_probabilities(p)?
            }
            Initial::Uniform => {
                let k = count(outcomes)?;
                vec![1.0 / k as f64; k]
            }
            Initial::Zipf(s) => zipf(count(outcomes)?, *s),
        })
    }
}

/// Zipf's law on `outcomes >= 1` outcomes with exponent `s >= 0`: `p_k`
/// proportional to `k^(-s)`.
pub fn zipf(outcomes: usize, s: f64) -> Vec<f64> {
    let weights: Vec<f64> = (1..=outcomes).map(|k| (k as f64).powf(-s)).collect();
    let total: f64 = weights.iter().sum();
    weights.iter().map(|w| w / total).collect()
}

/// The default number of outcomes of uniform and Zipf starts.
pub const DEFAULT_OUTCOMES: usize = 10;

/// The most outcomes `K` of a categorical distribution.
pub const MAX_OUTCOMES: usize = 10_000_000;

fn count(outcomes: Option<usize>) -> Result<usize> {
    match outcomes.unwrap_or(DEFAULT_OUTCOMES) {
        0 => Err(Error::invalid("outcomes", 0, "a categorical distribution needs K >= 1 outcomes")),
        k if k > MAX_OUTCOMES => Err(Error::invalid("outcomes", k, format!("must be at most {MAX_OUTCOMES}"))),
        k => Ok(k),
    }
}

impl FromStr for Initial {
    type Err = Error;

    /// `uniform`, `zipf:S` or `list:P1,P2,...`.
    fn from_str(text: &str) -> Result<Self> {
        let rule = "expected uniform, zipf:S (S >= 0) or list:P1,P2,... (probabilities summing to 1)";
        let (name, arg) = text.split_once(':').map_or((text, None), |(n, a)| (n, Some(a)));
        match (name, arg) {
            ("uniform", None) => Ok(Initial::Uniform),
            ("zipf", Some(s)) => match s.trim().parse::<f64>() {
                Ok(s) if s.is_finite() && s >= 0.0 => Ok(Initial::Zipf(s)),
                _ => Err(Error::invalid("initial", text, "the Zipf exponent S must be a finite number >= 0")),
            },
            ("list", Some(list)) if list.trim().is_empty() => Ok(Initial::List(Vec::new())),
            ("list", Some(list)) => {
                let values: Vec<&str> = list.split(',').map(str::trim).collect();
                if values.len() > MAX_OUTCOMES {
                    return Err(Error::invalid("initial", "list:...", format!("at most {MAX_OUTCOMES} outcomes, got {}", values.len())));
                }
                if let Some(k) = values.iter().position(|v| v.is_empty()) {
                    return Err(Error::invalid("initial", text, format!("entry {} of the list is empty", k + 1)));
                }
                let parsed: std::result::Result<Vec<f64>, _> = values.iter().map(|v| v.parse::<f64>()).collect();
                match parsed {
                    Ok(p) => Ok(Initial::List(p)),
                    Err(_) => Err(Error::invalid("initial", text, "every entry of list: must be a number")),
                }
            }
            _ => Err(Error::invalid("initial", text, rule)),
        }
    }
}

impl fmt::Display for Initial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Initial::Uniform => f.write_str("uniform"),
            Initial::Zipf(s) => write!(f, "zipf:{s}"),
            Initial::List(p) => write!(f, "list:{}", p.iter().map(f64::to_string).collect::<Vec<_>>().join(",")),
        }
    }
}

/// Checks a probability vector: non-empty, every entry finite and `>= 0`,
/// summing to 1 within [`SUM_TOLERANCE`]; returns it divided by its sum.
pub fn validate_probabilities(p: &[f64]) -> Result<Vec<f64>> {
    let shown = || format!("list:{}", p.iter().map(f64::to_string).collect::<Vec<_>>().join(","));
    if p.is_empty() {
        return Err(Error::invalid("initial", shown(), "p_0 is empty: a categorical distribution needs at least one outcome"));
    }
    if let Some((k, v)) = p.iter().enumerate().find(|(_, v)| !v.is_finite() || **v < 0.0) {
        return Err(Error::invalid("initial", shown(), format!("probabilities must be finite and >= 0, got p_0({}) = {v}", k + 1)));
    }
    let total: f64 = p.iter().sum();
    if (total - 1.0).abs() > SUM_TOLERANCE {
        return Err(Error::invalid("initial", shown(), format!("probabilities must sum to 1 (within {SUM_TOLERANCE:e}), got {total}")));
    }
    Ok(p.iter().map(|v| v / total).collect())
}

/// A validated categorical feedback loop: every simulator and closed form of
/// this family starts from one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoricalSetup {
    /// How `p_0` was given (`zipf:1.1`), or its list.
    initial: String,
    probabilities: Vec<f64>,
    samples: usize,
    regime: CategoricalRegime,
    real_samples: usize,
    generations: u64,
    tail_fraction: f64,
    tail: Vec<bool>,
    top: usize,
}

impl CategoricalSetup {
    /// Validates `p_0` (see [`validate_probabilities`]), `M >= 1` and `n >= 1`. The real pool is `S_0 = M` and the
    /// tail fraction [`DEFAULT_TAIL`]; see [`CategoricalSetup::with_real_samples`]
    /// and [`CategoricalSetup::with_tail`].
    pub fn new(probabilities: &[f64], samples: usize, regime: CategoricalRegime, generations: u64) -> Result<Self> {
        let probabilities = validate_probabilities(probabilities)?;
        if !(1..=MAX_SAMPLES).contains(&samples) {
            return Err(Error::invalid("samples", samples, format!("a generation needs 1 <= M <= {MAX_SAMPLES} samples")));
        }
        require_range("generations", generations, MAX_GENERATIONS)?;
        let top = (0..probabilities.len()).fold(0, |best, k| if probabilities[k] > probabilities[best] { k } else { best });
        let mut setup = CategoricalSetup {
            initial: Initial::List(probabilities.clone()).to_string(),
            probabilities,
            samples,
            regime,
            real_samples: samples,
            generations,
            tail_fraction: DEFAULT_TAIL,
            tail: Vec::new(),
            top,
        };
        setup.tail = setup.tail_set(DEFAULT_TAIL);
        Ok(setup)
    }

    /// Records how `p_0` was given (`uniform`, `zipf:S`), for tables; the
    /// probabilities stay those validated.
    pub fn with_initial(mut self, initial: &Initial) -> Self {
        self.initial = initial.to_string();
        self
    }

    /// How `p_0` was given (`zipf:1.1`), or its list (`list:0.5,0.5`).
    pub fn initial(&self) -> &str {
        &self.initial
    }

    /// Sets the real pool `S_0 >= 1` of the accumulate regime (under replace
    /// generation 1 fits `M` real points, and only `S_0 = M` is accepted).
    pub fn with_real_samples(mut self, real: usize) -> Result<Self> {
        if !(1..=MAX_SAMPLES).contains(&real) {
            return Err(Error::invalid("real", real, format!("the real pool needs 1 <= S_0 <= {MAX_SAMPLES} points")));
        }
        if self.regime == CategoricalRegime::Replace && real != self.samples {
            return Err(Error::invalid(
                "real",
                real,
                format!("applies to accumulate only: under replace generation 1 fits M = {} real points", self.samples),
            ));
        }
        self.real_samples = real;
        Ok(self)
    }

    /// Sets the fraction `0 < tail <= 1` of `p_0` that makes the initial tail.
    pub fn with_tail(mut self, fraction: f64) -> Result<Self> {
        if !(require_finite("tail", fraction)? > 0.0 && fraction <= 1.0) {
            return Err(Error::invalid("tail", fraction, "the tail fraction must satisfy 0 < tail <= 1"));
        }
        self.tail_fraction = fraction;
        self.tail = self.tail_set(fraction);
        Ok(self)
    }

    /// The least probable outcomes, from the last, until their mass reaches
    /// `fraction` (up to a relative `1e-12`, so that `fraction = p_0(K)` picks
    /// outcome `K` alone).
    fn tail_set(&self, fraction: f64) -> Vec<bool> {
        let p = &self.probabilities;
        let mut order: Vec<usize> = (0..p.len()).collect();
        order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(b.cmp(&a)));
        let mut tail = vec![false; p.len()];
        let mut mass = 0.0;
        for k in order {
            tail[k] = true;
            mass += p[k];
            if mass >= fraction * (1.0 - 1e-12) {
                break;
            }
        }
        tail
    }

    /// `p_0`, the truth.
    pub fn probabilities(&self) -> &[f64] {
        &self.probabilities
    }

    /// Number of outcomes `K`.
    pub fn outcomes(&self) -> usize {
        self.probabilities.len()
    }

    /// Samples per generation `M`.
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// The regime: replace or accumulate.
    pub fn regime(&self) -> CategoricalRegime {
        self.regime
    }

    /// `S_0`: the real points generation 1 fits.
    pub fn real_samples(&self) -> usize {
        self.real_samples
    }

    /// Number of generations `n`.
    pub fn generations(&self) -> u64 {
        self.generations
    }

    /// The tail fraction.
    pub fn tail_fraction(&self) -> f64 {
        self.tail_fraction
    }

    /// Whether outcome `k` (0-based) is in the initial tail `A`.
    pub fn in_tail(&self, k: usize) -> bool {
        self.tail[k]
    }

    /// `p_0(A)`, the initial tail's mass.
    pub fn tail_mass(&self) -> f64 {
        self.probabilities.iter().zip(&self.tail).filter(|(_, t)| **t).map(|(p, _)| p).sum()
    }

    /// The most probable outcome (0-based, the first among ties).
    pub fn top(&self) -> usize {
        self.top
    }

    /// A one-line description, for tables and file headers.
    pub fn describe(&self) -> String {
        let real = if self.regime == CategoricalRegime::Accumulate { format!(" S0={}", self.real_samples) } else { String::new() };
        format!(
            "K={} M={} regime={}{real} tail={} (p0(A)={:.4})",
            self.outcomes(),
            self.samples,
            self.regime,
            self.tail_fraction,
            self.tail_mass()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(p: &[f64]) -> Result<CategoricalSetup> {
        CategoricalSetup::new(p, 10, CategoricalRegime::Replace, 5)
    }

    #[test]
    fn errors_name_parameter_value_and_rule() {
        let e = list(&[]).unwrap_err();
        assert_eq!(e.to_string(), "initial = list:: p_0 is empty: a categorical distribution needs at least one outcome");
        let e = list(&[0.5, -0.1, 0.6]).unwrap_err();
        assert_eq!(e.to_string(), "initial = list:0.5,-0.1,0.6: probabilities must be finite and >= 0, got p_0(2) = -0.1");
        let e = list(&[0.5, 0.4]).unwrap_err();
        assert_eq!(e.to_string(), "initial = list:0.5,0.4: probabilities must sum to 1 (within 1e-9), got 0.9");
        let e = CategoricalSetup::new(&[1.0], 0, CategoricalRegime::Replace, 5).unwrap_err();
        assert_eq!(e.to_string(), "samples = 0: a generation needs 1 <= M <= 1000000000 samples");
        let e = "window:2".parse::<CategoricalRegime>().unwrap_err();
        assert_eq!(e.to_string(), "regime = window:2: the categorical family runs replace and accumulate");
        let e = list(&[1.0]).unwrap().with_real_samples(4).unwrap_err();
        assert!(e.to_string().starts_with("real = 4: applies to accumulate only"), "{e}");
        let e = list(&[1.0]).unwrap().with_tail(0.0).unwrap_err();
        assert_eq!(e.to_string(), "tail = 0: the tail fraction must satisfy 0 < tail <= 1");
        let e = "zipf:-1".parse::<Initial>().unwrap_err();
        assert!(e.to_string().starts_with("initial = zipf:-1: the Zipf exponent"), "{e}");
        let e = "list:0.5,x".parse::<Initial>().unwrap_err();
        assert!(e.to_string().contains("must be a number"), "{e}");
        let e = "list:0.5,0.5".parse::<Initial>().unwrap().probabilities(Some(3)).unwrap_err();
        assert_eq!(e.to_string(), "outcomes = 3: the list given to initial has 2 outcomes");
        let e = Initial::Uniform.probabilities(Some(0)).unwrap_err();
        assert!(e.to_string().starts_with("outcomes = 0"), "{e}");
    }

    #[test]
    fn initial_distributions() {
        assert_eq!(Initial::Uniform.probabilities(Some(4)).unwrap(), vec![0.25; 4]);
        let z = Initial::Zipf(1.0).probabilities(Some(3)).unwrap();
        let h = 1.0 + 0.5 + 1.0 / 3.0;
        for (k, p) in z.iter().enumerate() {
            assert!((p - 1.0 / ((k + 1) as f64 * h)).abs() < 1e-15);
        }
        for text in ["uniform", "zipf:1.5", "list:0.25,0.75"] {
            assert_eq!(text.parse::<Initial>().unwrap().to_string(), text);
        }
    }

    #[test]
    fn tail_and_top() {
        let s = list(&[0.5, 0.3, 0.15, 0.05]).unwrap();
        assert_eq!((0..4).filter(|&k| s.in_tail(k)).collect::<Vec<_>>(), vec![2, 3]);
        assert!((s.tail_mass() - 0.2).abs() < 1e-15);
        assert_eq!(s.top(), 0);
        let s = s.with_tail(0.05).unwrap();
        assert_eq!((0..4).filter(|&k| s.in_tail(k)).collect::<Vec<_>>(), vec![3]);
        let s = list(&[0.25; 4]).unwrap();
        assert_eq!((0..4).filter(|&k| s.in_tail(k)).collect::<Vec<_>>(), vec![3]);
        let s = s.with_tail(1.0).unwrap();
        assert!((s.tail_mass() - 1.0).abs() < 1e-15);
    }
}
