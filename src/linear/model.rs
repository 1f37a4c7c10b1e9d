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
use crate::budget::{Cost, Culprit, MAX_GENERATIONS, require_range};
use crate::error::{Error, Result, param_value};
use crate::location::subsample_location_factors;
use crate::model::{ClosedForm, Curve, Model, Parameter};
use crate::output::Cell;
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
        require_range("generations", generations, MAX_GENERATIONS)?;
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
        self.theory().map_or_else(ClosedForm::Absent, ClosedForm::from)
    }

    /// Per generation: a relabelling (`T` draws, `X^T E` and `X^T X w`, about
    /// `T d + d^2`, times the copies of replace-growing), the weighted right-hand
    /// side of a schedule, and a solve; a fresh design also draws and factors
    /// a design (`T d^2 / 2 + d^3 / 3`), accumulate-subsample gathers and factors
    /// its subset and keeps the pool (`n T (d + 1)` numbers).
    fn cost(&self) -> Cost {
        let (d, t, n) = (self.setup.dim() as f64, self.setup.samples() as f64, self.generations as f64);
        let relabel = t + t * d + 2.0 * d * d;
        let factor = t * d * d / 2.0 + d * d * d / 3.0;
        let design = Cost::new(8.0 * (t * d + 2.0 * d * d + t), t * d + factor);
        let per_generation = match (&self.regime, self.design) {
            (Regime::AccumulateSubsample, _) => Cost::new(8.0 * t * (d + 2.0), relabel + t * d + factor),
            (_, Design::Fresh) => Cost::new(0.0, relabel + t * d + factor),
            (Regime::ReplaceGrowing, _) => Cost::new(16.0 * d, relabel * (n + 1.0) / 2.0),
            _ => Cost::new(16.0 * d, relabel + d * d),
        };
        design.plus(per_generation.times(n)).plus(plan_cost(&self.regime, self.generations, 0.0))
    }

    /// Linear in `n` for replace, accumulate, mix, replace-growing, fresh-real
    /// and the large-`T` subsample reference; the schedule recursion for
    /// window, custom files and noise per generation (`O(n x batches)` memory
    /// and work, per eigendirection with a penalty); `O(n^2)` for the
    /// constant-design subsample; a `d^3` factorisation or eigendecomposition
    /// of a given design.
    fn theory_cost(&self) -> Cost {
        let (d, n) = (self.setup.dim() as f64, self.generations as f64);
        let linear = Cost::new(8.0 * 4.0 * n, 20.0 * n);
        let recursion = matches!(self.regime, Regime::Window(_) | Regime::Custom(_)) || self.setup.constant_sigma().is_none();
        let Some(given) = &self.given else {
            return if recursion { linear.plus(plan_cost(&self.regime, self.generations, 1.0)) } else { linear };
        };
        let decomposition = Cost::new(8.0 * 3.0 * d * d, 10.0 * d * d * d);
        if self.setup.ridge() > 0.0 {
            return decomposition.plus(plan_cost(&self.regime, self.generations, d));
        }
        if self.regime == Regime::AccumulateSubsample && given.fixed == FixedDesign::Ones {
            return Cost::new(8.0 * 4.0 * n, 3.0 * n * n);
        }
        decomposition.plus(if recursion { plan_cost(&self.regime, self.generations, 1.0) } else { linear })
    }

    fn sizes(&self) -> Vec<Culprit> {
        vec![
            Culprit::new("samples", self.setup.samples() as f64, 100.0),
            Culprit::new("dim", self.setup.dim() as f64, 10.0),
            Culprit::new("generations", self.generations as f64, 50.0),
        ]
    }

    fn describe(&self) -> String {
        let s = &self.setup;
        let sigma = s.noise_levels().iter().map(f64::to_string).collect::<Vec<_>>().join(",");
        let ridge = if s.ridge() > 0.0 { format!(" ridge={}", s.ridge()) } else { String::new() };
        let given = self.given.as_ref().map(|g| format!(" given-design={}", g.fixed)).unwrap_or_default();
        let (d, t, spectrum, design, regime) = (s.dim(), s.samples(), s.spectrum(), self.design, &self.regime);
        format!("d={d} T={t} sigma={sigma} spectrum={spectrum} design={design} regime={regime}{ridge}{given}")
    }

    fn name(&self) -> &'static str {
        "linear"
    }

    fn family(&self) -> &'static str {
        "linear"
    }

    /// `sigma` is the noise level of the batch created at the generation.
    fn parameters(&self, generation: u64) -> Vec<Parameter> {
        let s = &self.setup;
        vec![
            ("dim", Cell::Int(s.dim() as u64)),
            ("samples", Cell::Int(s.samples() as u64)),
            ("sigma", s.sigma_at(generation).into()),
            ("regime", self.regime.to_string().into()),
            ("design", self.design.name().into()),
            ("spectrum", s.spectrum().to_string().into()),
            ("ridge", s.ridge().into()),
            ("fixed_design", self.given.as_ref().map(|g| g.fixed.to_string()).into()),
        ]
    }

    fn unreliable(&self, _: LinearMetric, _: u64) -> Option<String> {
        let noise = self.setup.constant_sigma() != Some(0.0);
        (noise && self.given.is_none() && self.setup.ridge() == 0.0).then(|| infinite_variance(&self.setup)).flatten()
    }
}

/// Why the least-squares error over Gaussian designs of `setup`'s size has
/// no finite variance (`T < d + 4`: the second moment of the inverse Wishart
/// `(X^T X)^{-1}` needs `T >= d + 4`), if it has none.
fn infinite_variance(setup: &LinearSetup) -> Option<String> {
    let (d, t) = (setup.dim(), setup.samples());
    (t < d + 4).then(|| {
        format!("with {t} rows < d + 4 = {} the test error has infinite variance over designs: its standard error means nothing", d + 4)
    })
}

/// What the downstream model reports after `n` chain generations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownstreamMetric {
    /// The downstream model's test error `||w_hat - w*||^2_Sigma`.
    TestError,
}

crate::named!(DownstreamMetric, "metric", [DownstreamMetric::TestError => "downstream_test_error"]);

/// Dohmatob's downstream model at generations `g = 1..=generations`, after
/// `n = g - 1` chain generations, over downstream designs or conditioned on one.
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
        1..=self.setup.generations()
    }

    fn chain(&self) -> DownstreamChain {
        DownstreamChain::new(&self.setup, self.given.as_ref().map(|(_, g)| g.clone()))
    }

    fn closed_form(&self, _: DownstreamMetric) -> ClosedForm {
        let theory = DownstreamTheory::new(&self.setup);
        match &self.given {
            Some((_, design)) => Curve::exact(ids::DOWNSTREAM, theory.given(design.gram())).into(),
            None => theory.over_designs().map_or_else(ClosedForm::Absent, |v| Curve::exact(ids::DOWNSTREAM, v).into()),
        }
    }

    /// A downstream design (`T d`, factored), then per chain generation a fresh
    /// chain design drawn and factored (`T0 d^2 / 2 + d^3 / 3`) and a
    /// downstream relabelling and solve.
    fn cost(&self) -> Cost {
        let (chain, down, n) = (self.setup.chain(), self.setup.downstream(), self.setup.generations() as f64);
        let (d, t0, t) = (down.dim() as f64, chain.samples() as f64, down.samples() as f64);
        let design = Cost::new(8.0 * (t * d + t0 * d + 3.0 * d * d), t * d + t * d * d / 2.0 + d * d * d / 3.0);
        design.plus(Cost::new(0.0, (t * d + t0 * d + t0 * d * d / 2.0 + d * d * d / 3.0 + 4.0 * d * d) * n))
    }

    /// An eigendecomposition of the downstream Gram matrix, or a line.
    fn theory_cost(&self) -> Cost {
        let (d, n) = (self.setup.downstream().dim() as f64, self.setup.generations() as f64);
        Cost::new(8.0 * (3.0 * d * d + n), 10.0 * d * d * d + 10.0 * n)
    }

    fn sizes(&self) -> Vec<Culprit> {
        let (chain, down) = (self.setup.chain(), self.setup.downstream());
        vec![
            Culprit::new("samples", down.samples() as f64, 100.0),
            Culprit::new("chain_samples", chain.samples() as f64, 100.0),
            Culprit::new("dim", down.dim() as f64, 10.0),
            Culprit::new("generations", self.setup.generations() as f64, 10.0),
        ]
    }

    fn describe(&self) -> String {
        let given = self.given.as_ref().map(|(f, _)| format!(" given-design={f}")).unwrap_or_default();
        format!("{}{given}", self.setup.describe())
    }

    fn name(&self) -> &'static str {
        "downstream"
    }

    fn family(&self) -> &'static str {
        "linear"
    }

    fn parameters(&self, _: u64) -> Vec<Parameter> {
        let (chain, down) = (self.setup.chain(), self.setup.downstream());
        vec![
            ("dim", Cell::Int(down.dim() as u64)),
            ("chain_samples", Cell::Int(chain.samples() as u64)),
            ("chain_sigma", chain.sigma().into()),
            ("samples", Cell::Int(down.samples() as u64)),
            ("sigma", down.sigma().into()),
            ("ridge", down.ridge().into()),
            ("spectrum", down.spectrum().to_string().into()),
            ("fixed_design", self.given.as_ref().map(|(f, _)| f.to_string()).into()),
        ]
    }

    /// The chain's fresh designs make the error's variance infinite when
    /// `T0 < d + 4` (with noise), and so do the downstream designs when `T < d + 4`.
    fn unreliable(&self, _: DownstreamMetric, generation: u64) -> Option<String> {
        let (chain, down) = (self.setup.chain(), self.setup.downstream());
        let chain = (generation > 1 && chain.sigma() > 0.0).then(|| infinite_variance(chain)).flatten();
        chain.or_else(|| (self.given.is_none() && down.ridge() == 0.0).then(|| infinite_variance(down)).flatten())
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
        self.curve().into()
    }

    fn describe(&self) -> String {
        format!("d={} T0={} noise-free min-norm fresh-isotropic", self.dim(), self.samples())
    }

    /// Per generation a fresh `T0 x d` design, `X X^T` (`T0^2 d`, a blocked
    /// product: about a tenth of that in time) and its factor.
    fn cost(&self) -> Cost {
        let (d, t0, n) = (self.dim() as f64, self.samples() as f64, OverparamSetup::generations(self) as f64);
        Cost::new(8.0 * (2.0 * t0 * d + t0 * t0 + 2.0 * d), n * (3.0 * t0 * d + 0.1 * t0 * t0 * d + 0.1 * t0 * t0 * t0))
    }

    fn theory_cost(&self) -> Cost {
        let n = OverparamSetup::generations(self) as f64;
        Cost::new(8.0 * n, 10.0 * n)
    }

    fn sizes(&self) -> Vec<Culprit> {
        vec![
            Culprit::new("dim", self.dim() as f64, 100.0),
            Culprit::new("samples", self.samples() as f64, 50.0),
            Culprit::new("generations", OverparamSetup::generations(self) as f64, 20.0),
        ]
    }

    fn name(&self) -> &'static str {
        "overparam"
    }

    fn family(&self) -> &'static str {
        "linear"
    }

    fn parameters(&self, _: u64) -> Vec<Parameter> {
        vec![("dim", Cell::Int(self.dim() as u64)), ("samples", Cell::Int(self.samples() as u64))]
    }
}

/// What a schedule's unrolled plan and its recursion cost over `n`
/// generations, `per` times (eigendirections; 0 for the plan alone): the
/// batches, every generation's weights, and the coefficient vectors of the
/// recursion (`O(n x batches)` numbers and operations per weight).
fn plan_cost(regime: &Regime, generations: u64, per: f64) -> Cost {
    let n = generations as f64;
    let (batches, weights) = match regime {
        Regime::Replace | Regime::Accumulate | Regime::AccumulateSubsample => return Cost::ZERO,
        Regime::FreshReal(_) => (2.0 * n, 2.0 * n),
        Regime::Mix(_) => (n, 2.0 * n),
        Regime::ReplaceGrowing => (n, n),
        Regime::Window(k) => (n, n * (*k as f64).min(n)),
        Regime::Custom(_) => (n, n * (n + 1.0) / 2.0),
    };
    let plan = Cost::new(16.0 * (batches + weights), batches + weights);
    let recursion = Cost::new(8.0 * n * batches / 2.0, per * weights * batches);
    if per > 0.0 { plan.plus(recursion) } else { plan }
}
