//! The seam between the model families and everything that uses them.
//!
//! A family describes a validated setting as a [`Model`]: the metrics its
//! replicates report, generation by generation; the chain that simulates one
//! replicate ([`crate::mc::Chain`]); and, per metric, a [`ClosedForm`]: a [`Curve`]
//! that says whether it is exact, numerical or asymptotic, or the reason there
//! is none. One generic [`Run`] (a model and the Monte Carlo summary of its
//! chain) serves `collapse verify`'s comparisons ([`crate::verify::Case`]),
//! the figures' series ([`crate::figure`]) and the command line's tables.
//!
//! A replicate's observations are laid out metric by metric, generations in
//! order within each: observation [`Model::index`]`(metric, g)`.

use crate::budget::{Cost, Culprit, Limits};
use crate::error::{Error, Result};
use crate::mc::{BLOCK, Chain, MonteCarlo, Part, WAVE_PER_THREAD, summaries};
use crate::output::Cell;
use crate::stats::Summary;
use serde::Serialize;
use std::fmt;
use std::ops::RangeInclusive;

/// A theorem's stable kebab-case id, `<family>-<name>` (`linear-accumulate`).
/// It names the closed form's doc section, the proof `proofs/<id>.md`, the
/// checks in `collapse verify`, the property test and the figure. Each id is
/// written once, as a constant beside the family's closed forms; [`TheoremId::new`]
/// rejects a malformed id at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TheoremId(&'static str);

impl TheoremId {
    /// The id `text`: lowercase ASCII letters, digits and single dashes, with a
    /// family prefix before the first dash. Evaluated in a `const`, a malformed id
    /// is a compile error.
    pub const fn new(text: &'static str) -> Self {
        let bytes = text.as_bytes();
        let mut i = 0;
        let mut dashes = 0;
        assert!(!bytes.is_empty() && bytes[0] != b'-' && bytes[bytes.len() - 1] != b'-', "a theorem id is <family>-<name>");
        while i < bytes.len() {
            let b = bytes[i];
            assert!(b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-', "a theorem id is kebab-case");
            if b == b'-' {
                assert!(bytes[i - 1] != b'-', "a theorem id has no double dash");
                dashes += 1;
            }
            i += 1;
        }
        assert!(dashes >= 1, "a theorem id is <family>-<name>");
        TheoremId(text)
    }

    /// The id as text.
    pub const fn as_str(self) -> &'static str {
        self.0
    }

    /// The family: the id's text before its first dash.
    pub fn family(self) -> &'static str {
        self.0.split('-').next().unwrap_or(self.0)
    }

    /// The proof's path relative to the repository root.
    pub fn proof(self) -> String {
        format!("proofs/{}.md", self.0)
    }
}

impl fmt::Display for TheoremId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Serialize for TheoremId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

/// How a closed form holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Exactness {
    /// Exact at these parameters (up to floating-point rounding).
    Exact,
    /// Exact in law but evaluated numerically (a quadrature or root search to a
    /// stated accuracy, far below any Monte Carlo error).
    Numerical,
    /// A limit (large `T`): not the value at these parameters. Drawn as a
    /// reference, never checked as an agreement.
    Asymptotic,
}

/// A closed form of one metric at every generation of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// The theorem it comes from.
    pub theorem: TheoremId,
    /// Exact, numerical or asymptotic.
    pub exactness: Exactness,
    /// One value per generation of [`Model::generations`], in order.
    pub values: Vec<f64>,
}

impl Curve {
    /// An exact curve.
    pub fn exact(theorem: TheoremId, values: Vec<f64>) -> Self {
        Curve { theorem, exactness: Exactness::Exact, values }
    }

    /// A curve evaluated numerically.
    pub fn numerical(theorem: TheoremId, values: Vec<f64>) -> Self {
        Curve { theorem, exactness: Exactness::Numerical, values }
    }

    /// A large-`T` reference.
    pub fn asymptotic(theorem: TheoremId, values: Vec<f64>) -> Self {
        Curve { theorem, exactness: Exactness::Asymptotic, values }
    }

    /// Whether it is only a limit.
    pub fn is_asymptotic(&self) -> bool {
        self.exactness == Exactness::Asymptotic
    }
}

/// A metric's closed form in a setting, or the reason there is none (an answer
/// about a valid setting, not a failure of validation).
#[derive(Debug, Clone, PartialEq)]
pub enum ClosedForm {
    /// The curve.
    Known(Curve),
    /// No closed form here; the error says why, naming the parameter that rules it out.
    Absent(Error),
}

impl From<Curve> for ClosedForm {
    /// A curve whose values are all finite; one that overflows or is undefined
    /// somewhere becomes an absence that says where (a closed form is right or
    /// absent, never a wrong number).
    fn from(curve: Curve) -> Self {
        match curve.values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            None => ClosedForm::Known(curve),
            Some((i, v)) => ClosedForm::Absent(Error::NoClosedForm(format!(
                "{} evaluates to {v} at the {}-th generation of these parameters, outside the floating-point range",
                curve.theorem,
                i + 1
            ))),
        }
    }
}

impl ClosedForm {
    /// The curve, if there is one.
    pub fn curve(&self) -> Option<&Curve> {
        match self {
            ClosedForm::Known(c) => Some(c),
            ClosedForm::Absent(_) => None,
        }
    }

    /// The curve, or the reason there is none as an error.
    pub fn into_curve(self) -> Result<Curve> {
        match self {
            ClosedForm::Known(c) => Ok(c),
            ClosedForm::Absent(why) => Err(why),
        }
    }

    /// The values of an exact or numerical curve: what a check may compare with.
    pub fn checkable(self) -> Result<Vec<f64>> {
        let curve = self.into_curve()?;
        match curve.exactness {
            Exactness::Asymptotic => {
                Err(Error::NoClosedForm(format!("{} is asymptotic; a check needs an exact closed form", curve.theorem)))
            }
            Exactness::Exact | Exactness::Numerical => Ok(curve.values),
        }
    }
}

/// A parameter of a setting: its name (the command line's flag, with
/// underscores) and its value.
pub type Parameter = (&'static str, Cell);

/// What a model reports per generation (`test_error`, `variance_ratio`, ...):
/// its `Display` is the name of the quantity in tables and comparisons.
pub trait Metric: Copy + PartialEq + fmt::Debug + fmt::Display + Send + Sync + 'static {}

impl<T: Copy + PartialEq + fmt::Debug + fmt::Display + Send + Sync + 'static> Metric for T {}

/// A validated setting of a model family: every closed form and simulation of
/// it starts here, and none of them re-checks the parameters.
pub trait Model: Send + Sync {
    /// What a replicate reports per generation.
    type Metric: Metric;
    /// One replicate.
    type Chain: Chain;

    /// The metrics, in the order of a replicate's observations.
    fn metrics(&self) -> &[Self::Metric];

    /// The generations reported, `1..=n` in every family: generation 1 is the
    /// first model, fitted on real data (`0..=0` for a quantity of a chain run
    /// to absorption, which has no generation).
    fn generations(&self) -> RangeInclusive<u64>;

    /// The simulator of one replicate.
    fn chain(&self) -> Self::Chain;

    /// The closed form of `metric` at every generation, or why there is none.
    fn closed_form(&self, metric: Self::Metric) -> ClosedForm;

    /// The setting in one line (`d=10 T=100 ...`), for tables and checks.
    fn describe(&self) -> String;

    /// The model's name on the command line and in records (`linear`,
    /// `downstream`, `overparam`, `gaussian`, `categorical`, `absorption`).
    fn name(&self) -> &'static str;

    /// The family of its theorems (`linear`, `gaussian`, `categorical`).
    fn family(&self) -> &'static str;

    /// The setting's parameters as the columns of its records, named as the
    /// command line's flags (`dim`, `samples`, `regime`), at `generation`: the
    /// same names in the same order at every generation; a value may change
    /// with the generation (the linear loop's noise level given per generation).
    fn parameters(&self, generation: u64) -> Vec<Parameter>;

    /// Why the Monte Carlo mean of `metric` at `generation` and its standard
    /// error are no evidence in this setting (an infinite variance, tails too
    /// heavy for the replicates), if they are not: `collapse verify` never
    /// checks there, `collapse check` refuses, and tables mark the rows.
    fn unreliable(&self, _metric: Self::Metric, _generation: u64) -> Option<String> {
        None
    }

    /// Whether `metric` is an indicator (0 or 1 in every replicate), whose mean
    /// is a probability: its interval is Wilson's, inside `[0, 1]`.
    fn is_indicator(&self, _metric: Self::Metric) -> bool {
        false
    }

    /// The exact medians of `metric` at every generation, where known.
    fn median_closed_form(&self, _metric: Self::Metric) -> Option<Vec<f64>> {
        None
    }

    /// What one replicate needs ([`crate::budget`]): the memory it holds while
    /// it runs (the chain's shared data included) and its work.
    fn cost(&self) -> Cost;

    /// What the closed forms of every metric (and the medians) need together.
    fn theory_cost(&self) -> Cost;

    /// The size parameters with a typical value each: the one furthest above
    /// its typical value is named when a budget refuses.
    fn sizes(&self) -> Vec<Culprit>;

    /// Where `metric` at `generation` sits in a replicate's observations.
    fn index(&self, metric: Self::Metric, generation: u64) -> usize {
        let generations = self.generations();
        let position = self.metrics().iter().position(|&m| m == metric).unwrap_or_default();
        position * generation_count(&generations) + (generation - generations.start()) as usize
    }
}

/// The number of generations in a range.
pub fn generation_count(generations: &RangeInclusive<u64>) -> usize {
    (generations.end() + 1 - generations.start()) as usize
}

/// A model and the Monte Carlo summaries of its chain: what a check compares,
/// a figure draws and a table prints.
pub struct Run<M: Model> {
    /// The model.
    pub model: M,
    /// One summary per observation ([`Model::index`]).
    pub summaries: Vec<Summary>,
    /// Every observation of every replicate, replicate-major, when kept
    /// ([`Run::keeping`]); empty otherwise.
    pub values: Vec<f64>,
}

impl<M: Model> Run<M> {
    /// Runs the model's chain under `mc`.
    pub fn new(model: M, mc: &MonteCarlo) -> Result<Self> {
        let summaries = mc.run(&Self::chain(&model))?;
        Ok(Run { model, summaries, values: Vec::new() })
    }

    /// Runs the model's chain and keeps every observation (for quantiles and
    /// trajectories). Memory: `replicates x width` numbers.
    pub fn keeping(model: M, mc: &MonteCarlo) -> Result<Self> {
        let (summaries, values) = mc.run_keeping(&Self::chain(&model))?;
        Ok(Run { model, summaries, values })
    }

    /// The run of `model` under `mc` made from the shares of its replicates
    /// that other machines ran ([`crate::mc::MonteCarlo::part`]): bit for bit
    /// the run of [`Run::new`] or, when the shares kept their observations,
    /// of [`Run::keeping`].
    pub fn joined(model: M, mc: &MonteCarlo, parts: &[Part]) -> Result<Self> {
        let width = Self::chain(&model).width();
        let (moments, values) = Part::join(parts, mc, width)?;
        Ok(Run { model, summaries: summaries(&moments), values })
    }

    /// The model's chain, whose observations must be laid out as [`Model::index`] says.
    fn chain(model: &M) -> M::Chain {
        let chain = model.chain();
        debug_assert_eq!(chain.width(), model.metrics().len() * generation_count(&model.generations()), "{}", model.describe());
        chain
    }

    /// The summary of `metric` at `generation`.
    pub fn summary(&self, metric: M::Metric, generation: u64) -> Summary {
        self.summaries[self.model.index(metric, generation)]
    }

    /// The summaries of `metric` at every generation.
    pub fn summaries_of(&self, metric: M::Metric) -> Vec<Summary> {
        self.model.generations().map(|g| self.summary(metric, g)).collect()
    }

    /// The closed form of `metric`.
    pub fn closed_form(&self, metric: M::Metric) -> ClosedForm {
        self.model.closed_form(metric)
    }

    /// The kept observations of `metric` at `generation`, one per replicate.
    pub fn observations(&self, metric: M::Metric, generation: u64) -> Vec<f64> {
        let width = self.summaries.len();
        let i = self.model.index(metric, generation);
        self.values.iter().skip(i).step_by(width.max(1)).copied().collect()
    }

    /// Replicate `r`'s values of `metric` over the generations (kept runs only).
    pub fn trajectory(&self, replicate: usize, metric: M::Metric) -> Vec<f64> {
        let row = &self.values[replicate * self.summaries.len()..];
        self.model.generations().map(|g| row[self.model.index(metric, g)]).collect()
    }

    /// Replicates kept.
    pub fn kept(&self) -> usize {
        self.values.len() / self.summaries.len().max(1)
    }
}

/// A borrowed model is a model: a check or a figure can run one it does not own.
impl<M: Model> Model for &M {
    type Metric = M::Metric;
    type Chain = M::Chain;

    fn metrics(&self) -> &[Self::Metric] {
        (**self).metrics()
    }

    fn generations(&self) -> RangeInclusive<u64> {
        (**self).generations()
    }

    fn chain(&self) -> Self::Chain {
        (**self).chain()
    }

    fn closed_form(&self, metric: Self::Metric) -> ClosedForm {
        (**self).closed_form(metric)
    }

    fn describe(&self) -> String {
        (**self).describe()
    }

    fn median_closed_form(&self, metric: Self::Metric) -> Option<Vec<f64>> {
        (**self).median_closed_form(metric)
    }

    fn cost(&self) -> Cost {
        (**self).cost()
    }

    fn theory_cost(&self) -> Cost {
        (**self).theory_cost()
    }

    fn sizes(&self) -> Vec<Culprit> {
        (**self).sizes()
    }

    fn name(&self) -> &'static str {
        (**self).name()
    }

    fn family(&self) -> &'static str {
        (**self).family()
    }

    fn parameters(&self, generation: u64) -> Vec<Parameter> {
        (**self).parameters(generation)
    }

    fn unreliable(&self, metric: Self::Metric, generation: u64) -> Option<String> {
        (**self).unreliable(metric, generation)
    }

    fn is_indicator(&self, metric: Self::Metric) -> bool {
        (**self).is_indicator(metric)
    }
}

/// The work of a replicate beside its model's own: seeding its stream,
/// allocating its buffers, merging its observations (measured: a million tiny
/// replicates take about a second on two cores).
pub const REPLICATE_OVERHEAD: f64 = 2000.0;

/// The budget of the closed forms of `model` ([`Model::theory_cost`]): their
/// estimated seconds, or the error when they exceed the limits.
pub fn check_theory<M: Model>(model: &M, limits: &Limits) -> Result<f64> {
    let culprit = Culprit::largest(model.sizes()).unwrap_or_else(|| Culprit::new("generations", 1.0, 1.0));
    limits.check(model.theory_cost(), 1, &culprit)
}

/// The budget of a simulation of `model` under `mc`, keeping every value when
/// `keep`, and of its closed forms: the replicates' work divided among the
/// threads; the memory of the replicates in flight, of a wave of block results,
/// of the summaries, of the kept values and of the closed forms. Returns the
/// estimated seconds.
pub fn check_simulation<M: Model>(model: &M, mc: &MonteCarlo, keep: bool, limits: &Limits) -> Result<f64> {
    let threads = mc.threads().unwrap_or(limits.cores).max(1) as f64;
    let width = (model.metrics().len() * generation_count(&model.generations())) as f64;
    let replicates = mc.replicates() as f64;
    let per = model.cost();
    let wave = WAVE_PER_THREAD as f64 * threads * width * (32.0 + if keep { 8.0 * BLOCK as f64 } else { 0.0 });
    let kept = if keep { replicates * width * 8.0 } else { 0.0 };
    let memory = threads * per.memory + wave + 80.0 * width + kept;
    let work = replicates * (per.work + REPLICATE_OVERHEAD + 10.0 * width);
    let cost = Cost::new(memory, work).plus(model.theory_cost());
    let sizes = model.sizes().into_iter().chain([Culprit::new("replicates", replicates, 1000.0)]);
    let culprit = Culprit::largest(sizes).unwrap_or_else(|| Culprit::new("replicates", replicates, 1000.0));
    limits.check(cost, threads as usize, &culprit)
}
