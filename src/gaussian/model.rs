//! The Gaussian setup as a [`Model`]: six metrics per generation, their
//! closed forms ([`GaussianTheory`]) and the literal simulator ([`GaussianChain`]).

use super::GaussianSetup;
use super::sim::GaussianChain;
use super::theory::{GaussianTheory, Metric};
use crate::budget::{Cost, Culprit};
use crate::error::{Error, param_value};
use super::{Estimator, GaussianRegime};
use crate::model::{ClosedForm, Model, Parameter};
use crate::output::Cell;
use crate::names::Named;
use std::ops::RangeInclusive;

impl GaussianSetup {
    /// Why `metric` has no closed form in this setting.
    fn absence(&self, metric: Metric) -> String {
        match self.regime() {
            GaussianRegime::Mix(_) | GaussianRegime::FreshReal(_) | GaussianRegime::AccumulateSubsample => format!(
                "{metric} under {} is derived for a known variance only ({})",
                self.regime(),
                param_value("estimator", "known-variance")
            ),
            GaussianRegime::Accumulate => {
                format!("{metric} under accumulate has no closed form with a fitted covariance (variance_ratio and mean_error have)")
            }
            GaussianRegime::Replace => format!("{metric} is derived in one dimension only ({})", param_value("dim", 1)),
        }
    }
}

impl Model for GaussianSetup {
    type Metric = Metric;
    type Chain = GaussianChain;

    fn metrics(&self) -> &[Metric] {
        Metric::ALL
    }

    fn generations(&self) -> RangeInclusive<u64> {
        1..=GaussianSetup::generations(self)
    }

    fn chain(&self) -> GaussianChain {
        GaussianChain::new(self)
    }

    fn closed_form(&self, metric: Metric) -> ClosedForm {
        match GaussianTheory::new(self).curve(metric) {
            Some(curve) => curve.into(),
            None => ClosedForm::Absent(Error::NoClosedForm(self.absence(metric))),
        }
    }

    fn describe(&self) -> String {
        GaussianSetup::describe(self)
    }

    /// Per generation `M` points of dimension `d` drawn and mapped through the
    /// previous fit (`M d^2 / 2`), their scatter (`M d^2`) and a Cholesky
    /// factor (`d^3 / 3`); accumulate-subsample also keeps the pool (`n M d`).
    fn cost(&self) -> Cost {
        let (d, m, n) = (self.dim() as f64, self.samples() as f64, GaussianSetup::generations(self) as f64);
        let pool = if self.regime() == GaussianRegime::AccumulateSubsample { 8.0 * n * m * d } else { 0.0 };
        // In d > 1 dimensions each generation also takes an eigendecomposition (the Wasserstein distance).
        let eigen = if d > 1.0 { 300.0 * d * d * d } else { 0.0 };
        Cost::new(8.0 * (2.0 * m * d + 4.0 * d * d) + pool, n * (m * d + 1.5 * m * d * d + d * d * d / 3.0 + eigen + 10.0))
    }

    /// The curves; under replace with a fitted covariance the probability of
    /// collapse and three median curves invert a characteristic function per
    /// generation (about `10^4` operations each, measured).
    fn theory_cost(&self) -> Cost {
        let n = GaussianSetup::generations(self) as f64;
        Cost::new(8.0 * 16.0 * n, n * 5e4)
    }

    fn sizes(&self) -> Vec<Culprit> {
        vec![
            Culprit::new("samples", self.samples() as f64, 100.0),
            Culprit::new("dim", self.dim() as f64, 3.0),
            Culprit::new("generations", GaussianSetup::generations(self) as f64, 100.0),
        ]
    }

    /// The exact medians under replace (numerical inversion; see [`GaussianTheory::median_curve`]).
    fn median_closed_form(&self, metric: Metric) -> Option<Vec<f64>> {
        GaussianTheory::new(self).median_curve(metric)
    }

    fn name(&self) -> &'static str {
        "gaussian"
    }

    fn family(&self) -> &'static str {
        "gaussian"
    }

    fn parameters(&self, _: u64) -> Vec<Parameter> {
        vec![
            ("dim", Cell::Int(self.dim() as u64)),
            ("samples", Cell::Int(self.samples() as u64)),
            ("sigma", self.sigma().into()),
            ("spectrum", self.spectrum().to_string().into()),
            ("estimator", self.estimator().name().into()),
            ("regime", self.regime().to_string().into()),
            ("threshold", self.threshold().into()),
        ]
    }

    /// Under replace with a fitted covariance, `sigma_n^2` and `(mu_n - mu)^2`
    /// are products of `n` independent factors: their relative variance grows
    /// like `((M + 1)/(M - 1))^n` and their law like a log-normal's, so past
    /// `n = M` a Monte Carlo mean converges too slowly for its standard error
    /// to be evidence. The medians, `log_variance_ratio`, `sd_ratio` and
    /// `collapsed` stay well-behaved.
    fn unreliable(&self, metric: Metric, generation: u64) -> Option<String> {
        let heavy = matches!(metric, Metric::MeanError | Metric::VarianceRatio | Metric::Wasserstein);
        let fitted = self.estimator() != Estimator::KnownVariance && self.regime() == GaussianRegime::Replace;
        (heavy && fitted && generation > self.samples() as u64).then(|| {
            format!(
                "{metric} under replace is heavy-tailed past n = M = {}: its mean and standard error are no evidence \
                 (check log_variance_ratio or the median instead)",
                self.samples()
            )
        })
    }

    fn is_indicator(&self, metric: Metric) -> bool {
        metric == Metric::Collapsed
    }
}
