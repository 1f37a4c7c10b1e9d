//! The linear family's validated settings as [`Model`]s: the feedback loop
//! under any schedule ([`LinearModel`]), Dohmatob's downstream model
//! ([`DownstreamModel`]) and the over-parameterised chain
//! ([`OverparamSetup`]). Each validates its parameters once; its closed form
//! then says what it is (exact, or the large-`T` reference of
//! accumulate-subsample) or why there is none.

use super::design::{FixedDesign, GivenDesign};
use super::downstream::{DownstreamChain, DownstreamSetup, DownstreamTheory};
use super::overparam::{OverparamChain, OverparamSetup};
use super::ridge::RidgeTheory;
use super::sim::LinearChain;
use super::theory::{ConditionalTheory, LinearTheory, ids, schedule_theorem, supports_fresh_design};
use super::{Design, LinearSetup};
use crate::error::{Error, Result, param_value, require_at_least};
use crate::location::subsample_location_factors;
use crate::model::{ClosedForm, Curve, Model};
use crate::names::Named;
use crate::schedule::Regime;
use std::ops::RangeInclusive;

/// What the linear loop reports per generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinearMetric {
    /// `||w_n - w*||^2_Sigma`, the excess test error of generation `n`'s fit.
    TestError,
}

crate::named!(LinearMetric, "metric", [LinearMetric::TestError => "test_error"]);

/// The one design a conditioned run shares, and how it was chosen.
#[derive(Debug, Clone)]
struct Given {
    fixed: FixedDesign,
    design: GivenDesign,
}

/// The linear feedback loop under a schedule and a design, for `n`
/// generations, optionally conditioned on one given design: validated once.
///
/// ```
/// use model_collapse::linear::{Design, LinearModel, LinearSetup, Regime, Spectrum};
/// use model_collapse::linear::model::LinearMetric;
/// use model_collapse::model::Model;
/// let setup = LinearSetup::new(10, 100, 1.0, Spectrum::Identity).unwrap();
/// let model = LinearModel::new(setup, Regime::Replace, Design::Reused, 3).unwrap();
/// let curve = model.closed_form(LinearMetric::TestError).into_curve().unwrap();
/// assert!((curve.values[2] - 30.0 / 89.0).abs() < 1e-15);
/// ```
#[derive(Debug, Clone)]
pub struct LinearModel {
    setup: LinearSetup,
    regime: Regime,
    design: Design,
    generations: u64,
    given: Option<Given>,
}

impl LinearModel {
    /// Validates `generations >= 1`, a schedule defined on the design (a fresh
    /// design takes replace, accumulate and accumulate-subsample) and defined
    /// for `generations` generations (a custom file's rows).
    pub fn new(setup: LinearSetup, regime: Regime, design: Design, generations: u64) -> Result<Self> {
        require_at_least("generations", generations, 1)?;
        if design == Design::Fresh && !supports_fresh_design(&regime) {
            return Err(Error::invalid(
                "design",
                design,
                format!("the schedule {regime} is defined on the reused design only ({})", param_value("design", "reused")),
            ));
        }
        regime.check_generations(generations)?;
        Ok(LinearModel { setup, regime, design, generations, given: None })
    }

    /// The same loop conditioned on one design shared by every replicate
    /// (reused design only: a fresh design has no single `X` to condition on).
    pub fn conditioned(mut self, fixed: FixedDesign) -> Result<Self> {
        if self.design == Design::Fresh {
            return Err(Error::invalid(
                "fixed_design",
                fixed,
                format!("conditioning on one design needs {}", param_value("design", "reused")),
            ));
        }
        self.given = Some(Given { fixed, design: GivenDesign::new(&self.setup, fixed)? });
        Ok(self)
    }

    /// The setup (`d`, `T`, noise levels, spectrum, penalty).
    pub fn setup(&self) -> &LinearSetup {
        &self.setup
    }

    /// The data schedule.
    pub fn regime(&self) -> &Regime {
        &self.regime
    }

    /// Reused or fresh design.
    pub fn design(&self) -> Design {
        self.design
    }

    /// The design every replicate shares, if conditioned.
    pub fn given_design(&self) -> Option<&GivenDesign> {
        self.given.as_ref().map(|g| &g.design)
    }

    /// The closed form of the expected test error, or why there is none:
    ///
    /// - a ridge penalty: `linear-ridge`, for a given design and a schedule with fixed weights;
    /// - accumulate-subsample: exact for the constant design, otherwise the
    ///   asymptotic reference;
    /// - a given design: `linear-conditional` or the schedule's own id;
    /// - otherwise the expectation over designs ([`LinearTheory`]).
    fn theory(&self) -> Result<Curve> {
        let Some(given) = &self.given else {
            return LinearTheory::new(&self.setup)?.curve(&self.regime, self.design, self.generations);
        };
        if self.setup.ridge() > 0.0 {
            let plan = self
                .regime
                .plan(self.generations)
                .ok_or_else(|| Error::invalid("regime", &self.regime, "ridge has a closed form only for schedules with fixed weights"))?;
            return Ok(RidgeTheory::new(given.design.gram(), &self.setup).curve(&plan));
        }
        if self.regime == Regime::AccumulateSubsample
            && given.fixed == FixedDesign::Ones
            && let Some(sigma) = self.setup.constant_sigma()
        {
            let base = sigma * sigma / self.setup.samples() as f64;
            let values = subsample_location_factors(self.setup.samples(), self.generations);
            return Ok(Curve::exact(schedule_theorem(&self.regime), values.into_iter().map(|f| base * f).collect()));
        }
        let eigenvalues = self.setup.spectrum().eigenvalues(self.setup.dim());
        let trace = given.design.trace_sigma_gram_inverse(&eigenvalues)?;
        ConditionalTheory::new(trace, &self.setup).curve(&self.regime, self.generations)
    }
}

impl Model for LinearModel {
    type Metric = LinearMetric;
    type Chain = LinearChain;

    fn metrics(&self) -> &[LinearMetric] {
        LinearMetric::ALL
    }

    fn generations(&self) -> RangeInclusive<u64> {
        1..=self.generations
    }

    fn chain(&self) -> LinearChain {
        LinearChain::new(&self.setup, &self.regime, self.design, self.generations, self.given.as_ref().map(|g| g.design.clone()))
    }

    fn closed_form(&self, _: LinearMetric) -> ClosedForm {
        self.theory().map_or_else(ClosedForm::Absent, ClosedForm::Known)
    }

    fn describe(&self) -> String {
        let s = &self.setup;
        let sigma = s.noise_levels().iter().map(f64::to_string).collect::<Vec<_>>().join(",");
        let ridge = if s.ridge() > 0.0 { format!(" ridge={}", s.ridge()) } else { String::new() };
        let given = self.given.as_ref().map(|g| format!(" given-design={}", g.fixed)).unwrap_or_default();
        let (d, t, spectrum, design, regime) = (s.dim(), s.samples(), s.spectrum(), self.design, &self.regime);
        format!("d={d} T={t} sigma={sigma} spectrum={spectrum} design={design} regime={regime}{ridge}{given}")
    }
}

/// What the downstream model reports after `n` chain generations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownstreamMetric {
    /// The downstream model's test error `||w_hat - w*||^2_Sigma`.
    TestError,
}

crate::named!(DownstreamMetric, "metric", [DownstreamMetric::TestError => "downstream_test_error"]);

/// Dohmatob's downstream model after `n = 0..=generations` chain generations,
/// over downstream designs or conditioned on one.
#[derive(Debug, Clone)]
pub struct DownstreamModel {
    setup: DownstreamSetup,
    given: Option<(FixedDesign, GivenDesign)>,
}

impl DownstreamModel {
    /// The model of a validated setting, a downstream design drawn per replicate.
    pub fn new(setup: DownstreamSetup) -> Self {
        DownstreamModel { setup, given: None }
    }

    /// One downstream design shared by every replicate.
    pub fn conditioned(mut self, fixed: FixedDesign) -> Result<Self> {
        self.given = Some((fixed, GivenDesign::new(self.setup.downstream(), fixed)?));
        Ok(self)
    }

    /// The setting.
    pub fn setup(&self) -> &DownstreamSetup {
        &self.setup
    }
}

impl Model for DownstreamModel {
    type Metric = DownstreamMetric;
    type Chain = DownstreamChain;

    fn metrics(&self) -> &[DownstreamMetric] {
        DownstreamMetric::ALL
    }

    fn generations(&self) -> RangeInclusive<u64> {
        0..=self.setup.generations()
    }

    fn chain(&self) -> DownstreamChain {
        DownstreamChain::new(&self.setup, self.given.as_ref().map(|(_, g)| g.clone()))
    }

    fn closed_form(&self, _: DownstreamMetric) -> ClosedForm {
        let theory = DownstreamTheory::new(&self.setup);
        match &self.given {
            Some((_, design)) => ClosedForm::Known(Curve::exact(ids::DOWNSTREAM, theory.given(design.gram()))),
            None => theory.over_designs().map_or_else(ClosedForm::Absent, |v| ClosedForm::Known(Curve::exact(ids::DOWNSTREAM, v))),
        }
    }

    fn describe(&self) -> String {
        let given = self.given.as_ref().map(|(f, _)| format!(" given-design={f}")).unwrap_or_default();
        format!("{}{given}", self.setup.describe())
    }
}

/// What the over-parameterised chain reports per generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverparamMetric {
    /// `||w_n - w_0||^2 / ||w_0||^2`.
    RelativeDistance,
}

crate::named!(OverparamMetric, "metric", [OverparamMetric::RelativeDistance => "relative_distance"]);

impl Model for OverparamSetup {
    type Metric = OverparamMetric;
    type Chain = OverparamChain;

    fn metrics(&self) -> &[OverparamMetric] {
        OverparamMetric::ALL
    }

    fn generations(&self) -> RangeInclusive<u64> {
        1..=OverparamSetup::generations(self)
    }

    fn chain(&self) -> OverparamChain {
        OverparamChain::new(self)
    }

    fn closed_form(&self, _: OverparamMetric) -> ClosedForm {
        ClosedForm::Known(self.curve())
    }

    fn describe(&self) -> String {
        format!("d={} T0={} noise-free min-norm fresh-isotropic", self.dim(), self.samples())
    }
}
