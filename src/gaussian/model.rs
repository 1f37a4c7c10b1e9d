//! The Gaussian setup as a [`Model`]: six metrics per generation, their
//! closed forms ([`GaussianTheory`]) and the literal simulator ([`GaussianChain`]).

use super::GaussianSetup;
use super::sim::GaussianChain;
use super::theory::{GaussianTheory, Metric};
use crate::error::Error;
use crate::model::{ClosedForm, Model};
use crate::names::Named;
use std::ops::RangeInclusive;

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
            Some(curve) => ClosedForm::Known(curve),
            None => ClosedForm::Absent(Error::NoClosedForm(format!("{metric} in the setting {}", GaussianSetup::describe(self)))),
        }
    }

    fn describe(&self) -> String {
        GaussianSetup::describe(self)
    }

    /// The exact medians under replace (numerical inversion; see [`GaussianTheory::median_curve`]).
    fn median_closed_form(&self, metric: Metric) -> Option<Vec<f64>> {
        GaussianTheory::new(self).median_curve(metric)
    }
}
