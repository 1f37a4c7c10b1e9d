//! The Gaussian family's theorems, one file each: the registry entry (what
//! `collapse list` prints), the Monte Carlo checks with their negative
//! controls (what `collapse verify` runs) and the figure (what `collapse plot`
//! draws). The closed forms are in [`super::theory`].
//!
//! `sigma_n^2` under replace is heavy-tailed (unbiased: `Var sigma_n^2 =
//! sigma^4 (((M+1)/(M-1))^n - 1)`), and so are `(mu_n - mu)^2` and `W2^2`,
//! whose variances grow at the same rate: their means are checked and drawn
//! only while `n <= M`, where the standard error is a fair yardstick. The
//! collapse itself is checked and drawn through quantities with light tails at
//! every horizon: `E log det Sigma_n` (mean and variance linear in `n`),
//! `E sigma_n` (at most `sigma^2` in variance), the probability of collapse
//! (an indicator), and the mle chain (whose fourth moments shrink).

use super::theory::Metric;
use super::{Estimator, GaussianRegime, GaussianSetup};
use crate::error::Result;
use crate::figure::{Point, Series, Style, closed_form_line, generations, values};
use crate::model::Run;
use crate::spectrum::Spectrum;
use crate::stats::Summary;

crate::theorems!(replace_variance, replace_mean, replace_wasserstein, multivariate, accumulate, mix, accumulate_subsample);

/// A setting of the checks: one dimension, `sigma = 1`, identity spectrum
/// and collapse threshold 0.1 unless changed.
#[derive(Debug, Clone)]
struct Setting {
    dim: usize,
    spectrum: Spectrum,
    sigma: f64,
    samples: usize,
    estimator: Estimator,
    regime: GaussianRegime,
    generations: u64,
}

impl Setting {
    fn new(samples: usize, estimator: Estimator, regime: GaussianRegime, generations: u64) -> Self {
        Setting { dim: 1, spectrum: Spectrum::Identity, sigma: 1.0, samples, estimator, regime, generations }
    }

    fn sigma(mut self, sigma: f64) -> Self {
        self.sigma = sigma;
        self
    }

    fn dim(mut self, dim: usize, spectrum: Spectrum) -> Self {
        (self.dim, self.spectrum) = (dim, spectrum);
        self
    }

    /// The same setting with another estimator (a control's formula).
    fn estimator(mut self, estimator: Estimator) -> Self {
        self.estimator = estimator;
        self
    }

    /// The same setting under another regime (a control's formula).
    fn regime(mut self, regime: GaussianRegime) -> Self {
        self.regime = regime;
        self
    }

    fn setup(&self) -> Result<GaussianSetup> {
        let (d, m, s) = (self.dim, self.samples, self.sigma);
        GaussianSetup::new(d, m, s, self.spectrum.clone(), self.estimator, self.regime, self.generations)?.with_threshold(0.1)
    }
}

/// A one-dimensional setup of the figures: `sigma = 1`, the default threshold.
fn scalar(samples: usize, estimator: Estimator, regime: GaussianRegime, n: u64) -> Result<GaussianSetup> {
    GaussianSetup::new(1, samples, 1.0, Spectrum::Identity, estimator, regime, n)
}

/// The closed form over every generation, the simulation for generations `1..=upto`.
fn both_upto(run: &Run<GaussianSetup>, metric: Metric, label: &str, key: usize, upto: u64) -> Result<Vec<Series>> {
    let summaries: Vec<Summary> = run.summaries_of(metric).into_iter().take(upto as usize).collect();
    let n = upto.min(run.model.generations());
    Ok(vec![closed_form_line(&run.model, metric, label, key)?, Series::simulation(label, key, generations(n), &summaries)])
}

/// The closed form and the simulation over every generation, both times `factor > 0`.
fn both_scaled(run: &Run<GaussianSetup>, metric: Metric, label: &str, key: usize, factor: f64) -> Result<Vec<Series>> {
    let n = run.model.generations();
    let line = values(run.closed_form(metric))?.into_iter().map(|v| v * factor);
    let summaries: Vec<Summary> = run.summaries_of(metric).iter().map(|s| s.rescaled(|x| x * factor)).collect();
    Ok(vec![Series::theory(label, key, generations(n), line), Series::simulation(label, key, generations(n), &summaries)])
}

/// A horizontal line over generations `1..=n`.
fn level(label: &str, key: usize, n: u64, value: f64) -> Series {
    Series::bound(label, key, [1.0, n as f64], [value; 2])
}

/// The sample median of `metric` at every generation over the kept replicates, with the
/// distribution-free interval between the order statistics of ranks `R/2 -+ sqrt(R)`
/// (about 95%).
fn sample_median(run: &Run<GaussianSetup>, metric: Metric, label: &str, key: usize) -> Series {
    let replicates = run.kept();
    let half = 0.5 * replicates as f64;
    let spread = (replicates as f64).sqrt();
    let rank = |r: f64| (r.round().max(0.0) as usize).min(replicates.saturating_sub(1));
    let points = (1..=run.model.generations())
        .map(|g| {
            let mut column = run.observations(metric, g);
            column.sort_by(f64::total_cmp);
            let median =
                if replicates % 2 == 1 { column[replicates / 2] } else { 0.5 * (column[replicates / 2 - 1] + column[replicates / 2]) };
            Point { x: g as f64, y: median, band: Some((column[rank(half - spread)], column[rank(half + spread - 1.0)])) }
        })
        .collect();
    Series { label: label.into(), style: Style::Simulation, key, points }
}
