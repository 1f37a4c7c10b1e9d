//! `collapse verify`: closed forms against their Monte Carlo checks, judged
//! with a tolerance derived from standard errors.
//!
//! A [`Check`] simulates one setting and yields [`Comparison`]s (a closed form
//! and a Monte Carlo summary of the same quantity). Every comparison is one
//! assertion. An assertion passes when `|z| <= z_crit`, with
//! `z = (estimate - theory) / std_error` and `z_crit` the two-sided Bonferroni
//! critical value for all assertions of the run at a family-wise false-alarm
//! probability [`FAMILY_ALPHA`]: a correct suite fails by chance with
//! probability at most `FAMILY_ALPHA`.
//!
//! Negative controls are checks against a deliberately wrong formula; they
//! pass when the same rule *rejects* the formula (`|z| > z_crit`), which shows
//! that the checks have power.
//!
//! Checks are data: a [`Case`] is a validated [`Model`], the metrics and
//! generations to compare, and the reference (the model's own closed form, or
//! a control). Each theorem lists its cases in its file,
//! `src/<family>/theorems/<name>.rs`; the catalog ([`crate::catalog`]) gathers
//! them. A check's seed comes from its theorem id and its position among that
//! theorem's checks ([`Check::seed`]), so adding a check changes no other.

use crate::budget::{Cost, Culprit, Limits};
use crate::error::{Error, Result};
use crate::mc::{MonteCarlo, derive_seed};
use crate::model::{Model, Parameter, Run, TheoremId};
use crate::stats::{Summary, bonferroni_z};
use serde::Serialize;
use std::time::Instant;

/// Family-wise false-alarm probability of one `collapse verify` run.
pub const FAMILY_ALPHA: f64 = 1e-3;

/// Replicates per check unless `--replicates` says otherwise.
pub const DEFAULT_REPLICATES: u64 = 20_000;

/// The fewest replicates per check a run accepts. The tolerance is a normal
/// quantile: it gives the stated false-alarm probability only when the mean of
/// the replicates is close to normal, which for the skewed quantities checked
/// here (squared errors, fixation indicators) takes many replicates. At 3
/// replicates the `z` of a correct formula follows roughly Student's t with 2
/// degrees of freedom, and `|z| > 3.95` (the critical value for 13 assertions)
/// happens 6% of the time, not 0.008%.
pub const MIN_REPLICATES: u64 = 100;

/// Seed unless `--seed` says otherwise.
pub const DEFAULT_SEED: u64 = 20_240_724;

/// What a check expects of its reference formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expect {
    /// The closed form: the simulation must agree with it.
    Agree,
    /// A negative control: a wrong formula that the simulation must reject.
    Reject,
}

/// One closed form beside the Monte Carlo summary of the same quantity.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// What is compared (`test_error`, `variance_ratio`, `P(winner = 2)`, ...).
    pub quantity: String,
    /// The generation compared.
    pub generation: u64,
    /// The reference formula's value.
    pub theory: f64,
    /// The Monte Carlo summary.
    pub estimate: Summary,
}

type Evaluate = Box<dyn Fn(&MonteCarlo) -> Result<Vec<Comparison>> + Send + Sync>;

/// One Monte Carlo check of a theorem at one setting.
pub struct Check {
    /// The theorem id.
    pub id: TheoremId,
    /// The setting, one line (`d=10 T=100 ...`).
    pub settings: String,
    /// The model simulated (`linear`, `gaussian`, ...).
    pub model: &'static str,
    /// Its parameters, named as the flags (`dim`, `samples`, ...).
    pub parameters: Vec<Parameter>,
    /// A negative control's label.
    pub control: Option<String>,
    /// Agreement, or a negative control.
    pub expect: Expect,
    /// The theorems whose closed forms the check compares with (its own id
    /// for a well-filed agreement; a control's formula has none).
    pub compares: Vec<TheoremId>,
    /// One replicate's cost, and the closed forms' ([`Model::cost`], [`Model::theory_cost`]).
    pub cost: (Cost, Cost),
    evaluate: Evaluate,
}

impl Check {
    /// This check's seed: the run's seed mixed with a hash of the theorem id
    /// and the check's position `case` among that theorem's checks, so checks
    /// are independent and adding one at the end of a list changes no other.
    pub fn seed(&self, run_seed: u64, case: usize) -> u64 {
        derive_seed(run_seed, &format!("{}#{case}", self.id))
    }

    /// Runs the simulation with the given replication.
    pub fn evaluate(&self, mc: &MonteCarlo) -> Result<Vec<Comparison>> {
        (self.evaluate)(mc)
    }
}

type Formula<M> = Box<dyn Fn(&M, <M as Model>::Metric) -> Result<Vec<f64>> + Send + Sync>;

/// A deliberately wrong formula that a negative control must reject.
struct Control<M: Model> {
    label: String,
    formula: Formula<M>,
}

/// One check as data: a model, the metrics and generations to compare, and
/// the reference (the model's own closed form, or a control).
pub struct Case<M: Model> {
    model: M,
    at: Vec<(M::Metric, Vec<u64>)>,
    control: Option<Control<M>>,
}

impl<M: Model + 'static> Case<M> {
    /// A check of `model` against its own closed forms; add what to compare with [`Case::at`].
    pub fn new(model: M) -> Self {
        Case { model, at: Vec::new(), control: None }
    }

    /// Compares `metric` at these generations.
    pub fn at(mut self, metric: M::Metric, generations: &[u64]) -> Self {
        self.at.push((metric, generations.to_vec()));
        self
    }

    /// Makes this a negative control: `formula(model, metric)` gives the wrong
    /// values (one per generation of the model), which the simulation must reject.
    pub fn control(
        mut self,
        label: impl Into<String>,
        formula: impl Fn(&M, M::Metric) -> Result<Vec<f64>> + Send + Sync + 'static,
    ) -> Self {
        self.control = Some(Control { label: label.into(), formula: Box::new(formula) });
        self
    }

    /// A negative control against `other`'s closed form (another regime,
    /// estimator or penalty).
    pub fn against(self, label: impl Into<String>, other: M) -> Self {
        self.control(label, move |_, metric| other.closed_form(metric).checkable())
    }

    /// The check of theorem `id`.
    pub fn check(self, id: TheoremId) -> Check {
        let expect = if self.control.is_some() { Expect::Reject } else { Expect::Agree };
        let settings = match &self.control {
            None => self.model.describe(),
            Some(c) => format!("{} [control: {}]", self.model.describe(), c.label),
        };
        let compares = match &self.control {
            None => self.at.iter().filter_map(|(metric, _)| self.model.closed_form(*metric).curve().map(|c| c.theorem)).collect(),
            Some(_) => Vec::new(),
        };
        let cost = (self.model.cost(), self.model.theory_cost());
        let model = self.model.name();
        let parameters = self.model.parameters(*self.model.generations().start());
        let control = self.control.as_ref().map(|c| c.label.clone());
        Check { id, settings, model, parameters, control, expect, compares, cost, evaluate: Box::new(move |mc| self.evaluate(mc)) }
    }

    fn reference(&self, metric: M::Metric) -> Result<Vec<f64>> {
        match &self.control {
            None => self.model.closed_form(metric).checkable(),
            Some(c) => (c.formula)(&self.model, metric),
        }
    }

    fn evaluate(&self, mc: &MonteCarlo) -> Result<Vec<Comparison>> {
        let run = Run::new(&self.model, mc)?;
        let first = *self.model.generations().start();
        let mut out = Vec::new();
        for (metric, generations) in &self.at {
            let theory = self.reference(*metric)?;
            for &g in generations {
                let theory = *theory.get((g - first) as usize).ok_or_else(|| {
                    Error::NoClosedForm(format!("generation {g} of {metric} is beyond the reference's {} values", theory.len()))
                })?;
                out.push(Comparison { quantity: metric.to_string(), generation: g, theory, estimate: run.summary(*metric, g) });
            }
        }
        Ok(out)
    }
}

/// One judged assertion: the rows of `collapse verify`'s table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// The theorem id.
    pub id: TheoremId,
    /// The setting, one line.
    pub settings: String,
    /// The model simulated.
    pub model: &'static str,
    /// Its parameters, named as the flags.
    #[serde(serialize_with = "parameters_as_map")]
    pub parameters: Vec<Parameter>,
    /// A negative control's label.
    pub control: Option<String>,
    /// What is compared.
    pub quantity: String,
    /// The generation compared.
    pub generation: u64,
    /// Agreement or negative control.
    pub expect: Expect,
    /// The reference formula's value.
    pub theory: f64,
    /// The Monte Carlo mean.
    pub estimate: f64,
    /// Its standard error.
    pub std_error: f64,
    /// `(estimate - theory) / std_error`; `None` when the standard error is 0.
    pub z: Option<f64>,
    /// Independent replicates behind the estimate.
    pub replicates: u64,
    /// The verdict.
    pub passed: bool,
}

/// The result of a `collapse verify` run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The run's seed.
    pub seed: u64,
    /// Replicates per check.
    pub replicates: u64,
    /// Family-wise false-alarm probability.
    pub family_alpha: f64,
    /// Number of assertions judged.
    pub assertions: usize,
    /// The critical value: an assertion passes when `|z| <= z_critical`
    /// (a negative control when `|z| > z_critical`).
    pub z_critical: f64,
    /// Every assertion.
    pub checks: Vec<Outcome>,
    /// Whether every assertion passed.
    pub passed: bool,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Judges one comparison.
pub fn judge(expect: Expect, c: &Comparison, z_critical: f64) -> bool {
    match (expect, c.estimate.z(c.theory)) {
        (Expect::Agree, Some(z)) => z.abs() <= z_critical,
        (Expect::Agree, None) => c.estimate.mean == c.theory,
        (Expect::Reject, Some(z)) => z.abs() > z_critical,
        (Expect::Reject, None) => c.estimate.mean != c.theory,
    }
}

/// Refuses a run of `checks` at `replicates` replicates each that the limits do
/// not allow (the replicates are the size to name), or with fewer than
/// [`MIN_REPLICATES`].
pub fn check_budget(checks: &[Check], replicates: u64, threads: Option<usize>, limits: &Limits) -> Result<()> {
    if replicates < MIN_REPLICATES {
        return Err(Error::invalid(
            "replicates",
            replicates,
            format!("the tolerance is a normal quantile, which needs at least {MIN_REPLICATES} replicates per check"),
        ));
    }
    let threads = threads.unwrap_or(limits.cores).max(1);
    let work = checks.iter().map(|c| replicates as f64 * c.cost.0.work + c.cost.1.work).sum();
    let memory = checks.iter().map(|c| threads as f64 * c.cost.0.memory + c.cost.1.memory).fold(0.0, f64::max);
    limits.check(Cost::new(memory, work), threads, &Culprit::new("replicates", replicates as f64, DEFAULT_REPLICATES as f64)).map(|_| ())
}

/// Parameters as a JSON object.
fn parameters_as_map<S: serde::Serializer>(parameters: &[Parameter], serializer: S) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(parameters.len()))?;
    for (name, value) in parameters {
        map.serialize_entry(name, value)?;
    }
    map.end()
}

/// Runs `checks` (each theorem's in its order) and judges every comparison
/// together. Check `i` of a theorem draws from the seed [`Check::seed`]`(seed, i)`.
/// `starting` is told of each check before it runs (a progress bar).
pub fn run(checks: &[Check], seed: u64, replicates: u64, threads: Option<usize>, starting: &dyn Fn(usize, &Check)) -> Result<Report> {
    let start = Instant::now();
    let mut results = Vec::with_capacity(checks.len());
    for (i, check) in checks.iter().enumerate() {
        starting(i, check);
        let case = checks[..i].iter().filter(|c| c.id == check.id).count();
        let mc = MonteCarlo::new(replicates, check.seed(seed, case), threads)?;
        results.push(check.evaluate(&mc)?);
    }
    let assertions = results.iter().map(Vec::len).sum();
    let z_critical = bonferroni_z(FAMILY_ALPHA, assertions);
    let outcomes: Vec<Outcome> = checks
        .iter()
        .zip(&results)
        .flat_map(|(check, comparisons)| comparisons.iter().map(move |c| outcome(check, c, z_critical)))
        .collect();
    Ok(Report {
        seed,
        replicates,
        family_alpha: FAMILY_ALPHA,
        assertions,
        z_critical,
        passed: outcomes.iter().all(|o| o.passed),
        checks: outcomes,
        seconds: start.elapsed().as_secs_f64(),
    })
}

fn outcome(check: &Check, c: &Comparison, z_critical: f64) -> Outcome {
    Outcome {
        id: check.id,
        settings: check.settings.clone(),
        model: check.model,
        parameters: check.parameters.clone(),
        control: check.control.clone(),
        quantity: c.quantity.clone(),
        generation: c.generation,
        expect: check.expect,
        theory: c.theory,
        estimate: c.estimate.mean,
        std_error: c.estimate.std_error,
        z: c.estimate.z(c.theory),
        replicates: c.estimate.replicates,
        passed: judge(check.expect, c, z_critical),
    }
}
