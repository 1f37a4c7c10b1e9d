//! Data schedules: which data generation `n` trains on, shared ground of every
//! model family (each family says which schedules it runs, in its own type:
//! `GaussianRegime`, `CategoricalRegime`, all of them for linear regression).
//!
//! The standard chain creates batch `k` at generation `k`: the data relabelled
//! (or resampled) by model `k - 1` (model 0 is the truth, so batch 1 is the
//! real data). A schedule weights the batches available at generation `n`;
//! some schedules also create extra batches (a fresh real batch, or several
//! relabellings by the newest model). Every schedule with fixed weights
//! becomes a [`Plan`]: the list of batches and, per generation, the weights,
//! normalised to sum to one.
//!
//! | name | generation `n` trains on |
//! |---|---|
//! | `replace` | the newest batch |
//! | `accumulate` | all batches `1..n`, equally |
//! | `mix:LAMBDA` | the real batch with weight `LAMBDA`, the newest with `1 - LAMBDA` |
//! | `window:K` | the last `min(n, K)` batches, equally |
//! | `replace-growing` | `n` relabellings (`n T` rows) by the newest model only |
//! | `accumulate-subsample` | `T` rows drawn without replacement from the pool of batches `1..n` |
//! | `fresh-real:P` | a fresh real batch (weight `1 - P`) and the newest batch (weight `P`) |
//! | `custom:FILE` | a lower-triangular weight matrix from a CSV or TOML file |
//!
//! Every schedule but `accumulate-subsample` has fixed weights, hence a [`Plan`];
//! the subsample's training set is random.

use crate::error::{Error, Result};
use crate::mc::replicate_rng;
use rand::RngExt;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// Which data generation `n` trains on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(into = "String")]
pub enum Regime {
    /// Only the newest batch (Shumailov et al.; Dohmatob et al.).
    Replace,
    /// Every batch so far, equally (Gerstgrasser et al.).
    Accumulate,
    /// The real batch with weight `lambda`, the newest synthetic batch with `1 - lambda`.
    Mix(f64),
    /// The last `K` batches, equally.
    Window(u64),
    /// `n` relabellings of the design by the newest model (`n T` rows), equally.
    ReplaceGrowing,
    /// `T` rows drawn uniformly without replacement from the `n T` rows of
    /// batches `1..n` (Kazdan et al.): a random training set, no fixed weights.
    AccumulateSubsample,
    /// A fresh real batch with weight `1 - p` and the newest synthetic batch with
    /// weight `p`. With a noise level per generation, both batches created at
    /// generation `g` (the fresh real one included) have noise `sigma_g`.
    FreshReal(f64),
    /// A weight matrix read from a file.
    Custom(Arc<CustomWeights>),
}

impl From<Regime> for String {
    fn from(r: Regime) -> String {
        r.to_string()
    }
}

/// One batch of training data: the design relabelled `copies` times by model
/// `source` (0 is the truth), each relabelling with its own noise; the copies
/// share the batch's weight equally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batch {
    /// The model whose predictions label the batch (0: the truth).
    pub source: u64,
    /// Independent relabellings, equally weighted.
    pub copies: u64,
}

/// A schedule unrolled over `generations`: every batch, and every
/// generation's weights over the batches created so far (summing to one).
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// All batches, in order of creation.
    pub batches: Vec<Batch>,
    /// For generation `n` (index `n - 1`): the batches it creates, as a range of indices.
    pub created: Vec<std::ops::Range<usize>>,
    /// For generation `n` (index `n - 1`): `(batch index, weight)` with weights summing to one.
    pub weights: Vec<Vec<(usize, f64)>>,
}

impl Plan {
    /// Generations in the plan.
    pub fn generations(&self) -> u64 {
        self.weights.len() as u64
    }

    /// The plan of `replace` over `generations` generations.
    pub fn replace(generations: u64) -> Plan {
        Regime::Replace.unroll(generations)
    }
}

impl Regime {
    /// Checks that the schedule can run `generations` generations.
    pub fn check_generations(&self, generations: u64) -> Result<()> {
        match self {
            Regime::Custom(w) if w.rows.len() < generations as usize => Err(Error::invalid(
                "generations",
                generations,
                format!("the custom schedule {} defines {} generations", w.source, w.rows.len()),
            )),
            _ => Ok(()),
        }
    }

    /// The schedule unrolled over `generations` generations; `None` for
    /// `accumulate-subsample`, whose training set is random.
    pub fn plan(&self, generations: u64) -> Option<Plan> {
        (*self != Regime::AccumulateSubsample).then(|| self.unroll(generations))
    }

    /// The schedule unrolled, for a schedule with fixed weights (every one but
    /// `accumulate-subsample`, whose generations would have no weights).
    pub(crate) fn unroll(&self, generations: u64) -> Plan {
        let mut plan = Plan { batches: Vec::new(), created: Vec::new(), weights: Vec::new() };
        for n in 1..=generations {
            let first = plan.batches.len();
            let newest = |plan: &mut Plan, source: u64, copies: u64| {
                plan.batches.push(Batch { source, copies });
                plan.batches.len() - 1
            };
            // The standard chain's batch n: model n - 1 relabels the design.
            let copies = if *self == Regime::ReplaceGrowing { n } else { 1 };
            let batch_n = newest(&mut plan, n - 1, copies);
            let weights = match self {
                Regime::Replace | Regime::ReplaceGrowing => vec![(batch_n, 1.0)],
                Regime::Accumulate => (0..n as usize).map(|k| (k, 1.0 / n as f64)).collect(),
                Regime::Mix(_) | Regime::FreshReal(_) if n == 1 => vec![(batch_n, 1.0)],
                Regime::Mix(lambda) => vec![(0, *lambda), (batch_n, 1.0 - lambda)],
                Regime::FreshReal(p) => {
                    let real = newest(&mut plan, 0, 1);
                    vec![(real, 1.0 - p), (batch_n, *p)]
                }
                Regime::Window(k) => {
                    let width = n.min(*k);
                    ((n - width) as usize..n as usize).map(|b| (b, 1.0 / width as f64)).collect()
                }
                Regime::Custom(w) => w.normalised(n),
                Regime::AccumulateSubsample => Vec::new(), // no fixed weights: never unrolled
            };
            plan.created.push(first..plan.batches.len());
            plan.weights.push(weights.into_iter().filter(|&(_, a)| a != 0.0).collect());
        }
        plan
    }
}

impl fmt::Display for Regime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Regime::Replace => f.write_str("replace"),
            Regime::Accumulate => f.write_str("accumulate"),
            Regime::Mix(lambda) => write!(f, "mix:{lambda}"),
            Regime::Window(k) => write!(f, "window:{k}"),
            Regime::ReplaceGrowing => f.write_str("replace-growing"),
            Regime::AccumulateSubsample => f.write_str("accumulate-subsample"),
            Regime::FreshReal(p) => write!(f, "fresh-real:{p}"),
            Regime::Custom(w) => write!(f, "custom:{}", w.source),
        }
    }
}

/// The rule of a schedule's name.
const NAMES: &str = "must be replace, accumulate, mix:LAMBDA, window:K, replace-growing, accumulate-subsample, fresh-real:P or custom:FILE";

impl FromStr for Regime {
    type Err = Error;

    /// `replace`, `accumulate`, `mix:LAMBDA`, `window:K`, `replace-growing`,
    /// `accumulate-subsample`, `fresh-real:P` or `custom:FILE`.
    fn from_str(s: &str) -> Result<Self> {
        let bad = |rule: String| Error::invalid("regime", s, rule);
        let fraction = |x: &str, name: &str, one_allowed: bool| -> Result<f64> {
            let v: f64 = x.parse().map_err(|_| bad(format!("{name} `{x}` is not a number")))?;
            match v.is_finite() && v >= 0.0 && (v < 1.0 || (one_allowed && v == 1.0)) {
                true => Ok(v),
                false => Err(bad(format!("{name} must be in [0, 1{}", if one_allowed { "]" } else { ")" }))),
            }
        };
        match s.split_once(':') {
            None => match s {
                "replace" => Ok(Regime::Replace),
                "accumulate" => Ok(Regime::Accumulate),
                "replace-growing" => Ok(Regime::ReplaceGrowing),
                "accumulate-subsample" => Ok(Regime::AccumulateSubsample),
                _ => Err(bad(NAMES.into())),
            },
            Some(("mix", x)) => Ok(Regime::Mix(fraction(x, "LAMBDA", true)?)),
            Some(("fresh-real", x)) => Ok(Regime::FreshReal(fraction(x, "P", false)?)),
            Some(("window", x)) => match x.parse::<u64>() {
                Ok(k) if k >= 1 => Ok(Regime::Window(k)),
                _ => Err(bad(format!("K `{x}` must be a whole number >= 1"))),
            },
            Some(("custom", path)) => Ok(Regime::Custom(Arc::new(CustomWeights::read(path)?))),
            Some(_) => Err(bad(NAMES.into())),
        }
    }
}

/// A random custom schedule: generation `n` puts weights uniform on `[0, 1)`
/// on batches `1..n`, a third of them zeroed, never all (for checks and
/// property tests of `linear-schedule`). Draws from stream 0 of `seed`.
pub fn random_custom(seed: u64, generations: u64) -> Regime {
    let mut rng = replicate_rng(seed, 0);
    let rows = (1..=generations as usize)
        .map(|n| {
            let mut row: Vec<f64> = (0..n).map(|_| if rng.random::<f64>() < 1.0 / 3.0 { 0.0 } else { rng.random() }).collect();
            row[n - 1] += 0.05; // never all zero
            row
        })
        .collect();
    Regime::Custom(Arc::new(CustomWeights { source: format!("random-{seed}"), rows }))
}

/// A custom schedule: row `n` holds the weights of generation `n` on the
/// standard chain's batches `1..n` (non-negative, not all zero; normalised
/// to sum to one).
#[derive(Debug, Clone, PartialEq)]
pub struct CustomWeights {
    /// Where the weights came from (a path, or a description).
    pub source: String,
    /// Row `n - 1` holds `n` weights.
    pub rows: Vec<Vec<f64>>,
}

impl CustomWeights {
    /// Reads a weight file: TOML when the name ends in `.toml`, CSV otherwise.
    ///
    /// - CSV: one line per generation, line `n` with `n` weights separated by
    ///   commas; blank lines and lines starting with `#` are skipped.
    /// - TOML: `weights = [[1.0], [0.5, 0.5], [0, 1, 1]]`, row `n` with `n` weights.
    pub fn read(path: &str) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e).for_parameter("regime"))?;
        if path.ends_with(".toml") { Self::parse_toml(path, &text) } else { Self::parse(path, &text) }
    }

    /// Parses the CSV text of [`CustomWeights::read`]; errors name the line and the reason.
    pub fn parse(source: &str, text: &str) -> Result<Self> {
        let mut rows = Vec::new();
        for (line_no, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let n = rows.len() + 1;
            let bad = |reason: String| line_error(source, line_no, n, reason);
            let row = line
                .split(',')
                .map(|x| x.trim().parse::<f64>().map_err(|_| bad(format!("`{}` is not a number", x.trim()))))
                .collect::<Result<Vec<f64>>>()?;
            check_row(n, &row).map_err(bad)?;
            rows.push(row);
        }
        Self::new(source, rows)
    }

    /// Parses the TOML text of [`CustomWeights::read`]: a table with one key,
    /// `weights`, an array of rows. Errors name the line and the reason.
    pub fn parse_toml(source: &str, text: &str) -> Result<Self> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            weights: Vec<toml::Spanned<Vec<f64>>>,
        }
        let line_of = |offset: usize| text[..offset.min(text.len())].lines().count().max(1);
        let file: File = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(String::new(), |s| format!("line {}: ", line_of(s.start)));
            Error::invalid("regime", format!("custom:{source}"), format!("{line}{}", e.message()))
        })?;
        let mut rows = Vec::new();
        for (n, row) in (1..).zip(file.weights) {
            let line = line_of(row.span().start + 1);
            check_row(n, row.get_ref()).map_err(|reason| line_error(source, line, n, reason))?;
            rows.push(row.into_inner());
        }
        Self::new(source, rows)
    }

    fn new(source: &str, rows: Vec<Vec<f64>>) -> Result<Self> {
        if rows.is_empty() {
            return Err(Error::invalid("regime", format!("custom:{source}"), "the file defines no generation"));
        }
        Ok(CustomWeights { source: source.to_string(), rows })
    }

    fn normalised(&self, n: u64) -> Vec<(usize, f64)> {
        let row = &self.rows[n as usize - 1];
        let total: f64 = row.iter().sum();
        if total.is_finite() {
            return row.iter().enumerate().map(|(k, w)| (k, w / total)).collect();
        }
        // The sum overflows: divide by the largest weight first (the row has one > 0).
        let largest = row.iter().copied().fold(0.0, f64::max);
        let total: f64 = row.iter().map(|w| w / largest).sum();
        row.iter().enumerate().map(|(k, w)| (k, w / largest / total)).collect()
    }
}

fn line_error(source: &str, line: usize, generation: usize, reason: String) -> Error {
    Error::invalid("regime", format!("custom:{source}"), format!("line {line} (generation {generation}): {reason}"))
}

/// The rules for generation `n`'s weights: `n` of them (one per batch
/// `1..n`), each finite and `>= 0`, not all zero.
fn check_row(n: usize, row: &[f64]) -> std::result::Result<(), String> {
    if row.len() > n {
        return Err(format!(
            "{} weights, but generation {n} can train only on batches 1..{n}: a weight on batch {} is on a future generation",
            row.len(),
            n + 1
        ));
    }
    if row.len() < n {
        return Err(format!("{} weights, but generation {n} needs {n}, one per batch 1..{n}", row.len()));
    }
    if let Some(k) = row.iter().position(|w| !(w.is_finite() && *w >= 0.0)) {
        return Err(format!("the weight on batch {} is {}; weights must be finite and >= 0", k + 1, row[k]));
    }
    if row.iter().all(|w| *w == 0.0) {
        return Err("all weights are zero; a generation must train on something".into());
    }
    Ok(())
}

/// For a family's schedule type, which runs some of the schedules: `FromStr`
/// (a schedule's name, parsed as a [`Regime`], then refused with the rule of the
/// type's `TryFrom<Regime>` when the family does not run it) and `Display` (the
/// schedule's name, as [`Regime`] writes it). The type implements
/// `TryFrom<Regime, Error = Error>` and `Regime: From<Self>`.
#[macro_export]
macro_rules! family_schedule {
    ($ty:ty) => {
        impl ::std::str::FromStr for $ty {
            type Err = $crate::error::Error;

            fn from_str(text: &str) -> $crate::error::Result<Self> {
                text.parse::<$crate::schedule::Regime>()?.try_into()
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                $crate::schedule::Regime::from(*self).fmt(f)
            }
        }
    };
}
