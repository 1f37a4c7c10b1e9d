//! The categorical family's validated settings as [`Model`]s: the loop itself
//! ([`CategoricalModel`], every metric at every generation) and the replace
//! chain run until it is a point mass ([`AbsorptionModel`]: the time it takes
//! and which outcome wins).

use super::exact::{BinomialChain, MAX_ABSORPTION_SAMPLES};
use super::sim::{CategoricalChain, FixationChain};
use super::theory::{CategoricalTheory, MAX_EXACT_SAMPLES, Metric, ids};
use super::{CategoricalRegime, CategoricalSetup};
use crate::budget::{Cost, Culprit};
use crate::error::{Error, Result};
use crate::model::{ClosedForm, Curve, Model, Parameter};
use crate::output::Cell;
use crate::names::Named;
use std::fmt;
use std::ops::RangeInclusive;

/// The categorical loop of a validated setup, with its closed forms (the exact
/// chain behind some of them is run once, on first use).
#[derive(Debug)]
pub struct CategoricalModel {
    theory: CategoricalTheory,
}

impl CategoricalModel {
    /// The model of a validated setup.
    pub fn new(setup: CategoricalSetup) -> Self {
        CategoricalModel { theory: CategoricalTheory::new(&setup) }
    }

    /// The setup.
    pub fn setup(&self) -> &CategoricalSetup {
        self.theory.setup()
    }

    /// The closed forms.
    pub fn theory(&self) -> &CategoricalTheory {
        &self.theory
    }
}

impl Model for CategoricalModel {
    type Metric = Metric;
    type Chain = CategoricalChain;

    fn metrics(&self) -> &[Metric] {
        Metric::ALL
    }

    fn generations(&self) -> RangeInclusive<u64> {
        1..=self.setup().generations()
    }

    fn chain(&self) -> CategoricalChain {
        CategoricalChain::new(self.setup())
    }

    fn closed_form(&self, metric: Metric) -> ClosedForm {
        match self.theory.curve(metric) {
            Some(curve) => curve.into(),
            None if metric == Metric::Entropy => ClosedForm::Absent(Error::NoClosedForm("the Shannon entropy has none".into())),
            None => ClosedForm::Absent(Error::invalid(
                "samples",
                self.setup().samples(),
                format!("the exact chain behind {metric} runs for M <= {MAX_EXACT_SAMPLES}"),
            )),
        }
    }

    fn describe(&self) -> String {
        self.setup().describe()
    }

    /// A replicate draws `M` samples per generation by conditional binomials
    /// over the outcomes still present (at most `min(K, M)`), about 10
    /// operations each (measured: 9 ns); it holds the model's counts and the metrics.
    fn cost(&self) -> Cost {
        let s = self.setup();
        let (k, n) = (s.outcomes() as f64, s.generations() as f64);
        let present = k.min(s.samples().max(s.real_samples()) as f64);
        Cost::new(8.0 * (4.0 * k + 8.0 * n), 10.0 * (n * present + k))
    }

    /// Under replace the exact chain: the backward products, `O(n M^1.5)`
    /// operations shared by every start, then `O(n M)` per distinct `p_0(k)`
    /// (and the tail) and `O(M)` memory each, plus the curves.
    fn theory_cost(&self) -> Cost {
        let s = self.setup();
        let (n, m) = (s.generations() as f64, s.samples() as f64);
        let curves = Cost::new(8.0 * 16.0 * n + 16.0 * s.outcomes() as f64, 20.0 * n + 10.0 * s.outcomes() as f64);
        if s.regime() != CategoricalRegime::Replace || s.samples() > MAX_EXACT_SAMPLES {
            return curves;
        }
        let mut p = s.probabilities().to_vec();
        p.sort_by(f64::total_cmp);
        p.dedup();
        let chains = p.len() as f64 + 1.0;
        curves.plus(Cost::new(chains * 8.0 * (3.0 * (m + 1.0) + 2.0 * n), 10.0 * n * m.powf(1.5) + 4.0 * chains * n * m))
    }

    fn sizes(&self) -> Vec<Culprit> {
        let s = self.setup();
        vec![
            Culprit::new("samples", s.samples() as f64, 100.0),
            Culprit::new("generations", s.generations() as f64, 100.0),
            Culprit::new("outcomes", s.outcomes() as f64, 100.0),
        ]
    }

    fn name(&self) -> &'static str {
        "categorical"
    }

    fn family(&self) -> &'static str {
        "categorical"
    }

    fn parameters(&self, _: u64) -> Vec<Parameter> {
        let s = self.setup();
        vec![
            ("initial", s.initial().into()),
            ("outcomes", Cell::Int(s.outcomes() as u64)),
            ("samples", Cell::Int(s.samples() as u64)),
            ("regime", s.regime().to_string().into()),
            ("real", Cell::Int(s.real_samples() as u64)),
            ("tail", s.tail_fraction().into()),
        ]
    }

    fn is_indicator(&self, metric: Metric) -> bool {
        matches!(metric, Metric::Collapsed | Metric::TailLost)
    }
}

/// What a chain run to a point mass reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbsorptionMetric {
    /// The absorption time `tau`: the first generation whose model is a point mass.
    Time,
    /// 1 when the chain fixed on outcome `k` (0-based), else 0.
    Winner(usize),
}

impl fmt::Display for AbsorptionMetric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AbsorptionMetric::Time => f.write_str("E tau"),
            AbsorptionMetric::Winner(k) => write!(f, "P(winner = {})", k + 1),
        }
    }
}

/// The replace chain run until it is a point mass: one "generation", 0, with
/// the absorption time and one winner indicator per outcome.
#[derive(Debug, Clone)]
pub struct AbsorptionModel {
    setup: CategoricalSetup,
    metrics: Vec<AbsorptionMetric>,
    chain: FixationChain,
}

impl AbsorptionModel {
    /// The chain from `p_0 = probabilities` with `M = samples` (validated as a
    /// categorical setup).
    pub fn new(probabilities: &[f64], samples: usize) -> Result<Self> {
        let setup = CategoricalSetup::new(probabilities, samples, CategoricalRegime::Replace, 1)?;
        let chain = FixationChain::new(&setup)?;
        let metrics = std::iter::once(AbsorptionMetric::Time).chain((0..setup.outcomes()).map(AbsorptionMetric::Winner)).collect();
        Ok(AbsorptionModel { setup, metrics, chain })
    }

    /// Records how `p_0` was given ([`CategoricalSetup::with_initial`]).
    pub fn with_initial(mut self, initial: &super::Initial) -> Self {
        self.setup = self.setup.with_initial(initial);
        self
    }

    /// `p_0`.
    pub fn probabilities(&self) -> &[f64] {
        self.setup.probabilities()
    }

    /// `M`.
    pub fn samples(&self) -> usize {
        self.setup.samples()
    }
}

impl Model for AbsorptionModel {
    type Metric = AbsorptionMetric;
    type Chain = FixationChain;

    fn metrics(&self) -> &[AbsorptionMetric] {
        &self.metrics
    }

    fn generations(&self) -> RangeInclusive<u64> {
        0..=0
    }

    fn chain(&self) -> FixationChain {
        self.chain.clone()
    }

    /// `E tau` exactly (`categorical-absorption-time`, for `M <=`
    /// [`super::exact::MAX_ABSORPTION_SAMPLES`]); `P(winner = k) = p_0(k)` (`categorical-fixation`).
    fn closed_form(&self, metric: AbsorptionMetric) -> ClosedForm {
        match metric {
            AbsorptionMetric::Time if self.samples() > MAX_ABSORPTION_SAMPLES => ClosedForm::Absent(Error::invalid(
                "samples",
                self.samples(),
                format!("the exact absorption time solves a dense (M - 1) x (M - 1) system: M <= {MAX_ABSORPTION_SAMPLES}"),
            )),
            AbsorptionMetric::Time => match BinomialChain::of(&self.setup).expected_absorption_time(self.probabilities()) {
                Ok(time) => Curve::exact(ids::ABSORPTION_TIME, vec![time]).into(),
                Err(why) => ClosedForm::Absent(why),
            },
            AbsorptionMetric::Winner(k) => Curve::exact(ids::FIXATION, vec![self.probabilities()[k]]).into(),
        }
    }

    /// A chain runs until a point mass, about `-2M sum_k (1 - p_k) ln(1 - p_k)`
    /// generations (a few `M`), each `K` binomial draws.
    fn cost(&self) -> Cost {
        let (m, k) = (self.samples() as f64, self.probabilities().len() as f64);
        Cost::new(8.0 * 6.0 * k, 50.0 * k * (4.0 * m + 10.0))
    }

    /// The exact `E tau`: a dense `(M - 1)^2` system solved by LU (`2 M^3 / 3`
    /// flops, vectorised: measured about `M^3 / 8` operations' time).
    fn theory_cost(&self) -> Cost {
        let m = self.samples().min(MAX_ABSORPTION_SAMPLES) as f64;
        Cost::new(8.0 * m * m, m * m * m / 4.0)
    }

    fn sizes(&self) -> Vec<Culprit> {
        vec![Culprit::new("samples", self.samples() as f64, 100.0)]
    }

    fn describe(&self) -> String {
        let p = self.probabilities();
        let shown = p.iter().map(|p| format!("{p:.4}")).collect::<Vec<_>>().join(",");
        format!("K={} M={} p0={shown} regime=replace, run to a point mass", p.len(), self.samples())
    }

    fn name(&self) -> &'static str {
        "absorption"
    }

    fn family(&self) -> &'static str {
        "categorical"
    }

    fn parameters(&self, _: u64) -> Vec<Parameter> {
        let s = &self.setup;
        vec![("initial", s.initial().into()), ("outcomes", Cell::Int(s.outcomes() as u64)), ("samples", Cell::Int(s.samples() as u64))]
    }

    fn is_indicator(&self, metric: AbsorptionMetric) -> bool {
        matches!(metric, AbsorptionMetric::Winner(_))
    }
}
