//! `gaussian-accumulate-subsample`: a known-variance mean fitted on `M` points
//! drawn from the pool, the location model of `linear-accumulate-subsample`.

use super::{Setting, both_scaled};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series, Style, generations};
use crate::gaussian::Estimator::KnownVariance;
use crate::gaussian::GaussianRegime::{Accumulate, AccumulateSubsample};
use crate::gaussian::GaussianSetup;
use crate::gaussian::theory::{Metric, ids};
use crate::location::{subsample_factors, subsample_location_factors};
use crate::mc::MonteCarlo;
use crate::model::Run;
use crate::spectrum::Spectrum;
use crate::theorem::{Entry, Theorem};
use crate::verify::{Case, Check};

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::ACCUMULATE_SUBSAMPLE,
        statement: "known variance, M points drawn without replacement from the pool of all n M: E (mu_n - mu)^2 = (tr Sigma / M) times the exact location-model factor of linear-accumulate-subsample (T = M), which tends to 3 H_2(n) - 2 as M -> infinity (bounded in n for fixed M only numerically)",
        source: "Kazdan et al. (2024), accumulate-subsample; the reduction to the location model derived for this project",
        check: "mean error at M = 3 and M = 20 up to n = 20; control: accumulate's formula",
    },
    checks,
    figure: FigureSpec { replicates: 16000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    let mean = |samples| -> Result<Check> {
        let setup = Setting::new(samples, KnownVariance, AccumulateSubsample, 20).setup()?;
        Ok(Case::new(setup).at(Metric::MeanError, &[1, 5, 20]).check(ids::ACCUMULATE_SUBSAMPLE))
    };
    let setting = Setting::new(3, KnownVariance, AccumulateSubsample, 20);
    let control = Case::new(setting.setup()?).at(Metric::MeanError, &[20]).against("the accumulate formula", setting.regime(Accumulate).setup()?);
    Ok(vec![mean(3)?, mean(20)?, control.check(ids::ACCUMULATE_SUBSAMPLE)])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let id = ids::ACCUMULATE_SUBSAMPLE;
    let n = 50;
    let sizes = [2usize, 5, 20];
    let h2: Vec<f64> = generations(n).scan(0.0, |s, g| Some(*s + 1.0 / (g * g)).inspect(|&x| *s = x)).collect();
    let limit = subsample_factors(n);
    let mut time = Panel::new("(a) over generations", "generation n", "E (mu_n - mu)^2 / (sigma^2 / M)");
    time.series.push(Series::plain("accumulate: H_2(n)", Style::Thin, 6, generations(n), h2.clone()));
    time.series.push(Series::bound("M -> infinity: 3 H_2(n) - 2", 6, generations(n), limit.clone()));
    let mut at_n = Vec::new();
    for (key, &m) in sizes.iter().enumerate() {
        let setup = GaussianSetup::new(1, m, 1.0, Spectrum::Identity, KnownVariance, AccumulateSubsample, n)?;
        let run = Run::new(setup, mc)?;
        time.series.extend(both_scaled(&run, Metric::MeanError, &format!("M = {m}"), key, m as f64)?);
        at_n.push(run.summary(Metric::MeanError, n).rescaled(|x| x * m as f64));
    }
    // f_n(M) over M = 2 .. 1000, log-spaced.
    let mut grid: Vec<usize> = (0..=60).map(|i| (2.0 * 500f64.powf(i as f64 / 60.0)).round() as usize).collect();
    grid.dedup();
    let exact: Vec<f64> = grid.iter().map(|&m| subsample_location_factors(m, n).last().copied().unwrap_or(f64::NAN)).collect();
    let last = |v: &[f64]| v.last().copied().unwrap_or(f64::NAN);
    let mut sizes_panel =
        Panel::new(format!("(b) generation {n}"), "points per generation M", "E (mu_n - mu)^2 / (sigma^2 / M)").log(true, false);
    let xs = || grid.iter().map(|&m| m as f64);
    sizes_panel.series.push(Series::plain("accumulate: H_2(n)", Style::Thin, 6, xs(), grid.iter().map(|_| last(&h2))));
    sizes_panel.series.push(Series::bound("M -> infinity: 3 H_2(n) - 2", 6, xs(), grid.iter().map(|_| last(&limit))));
    sizes_panel.series.push(Series::theory(format!("generation {n}"), 4, xs(), exact));
    sizes_panel.series.push(Series::simulation(format!("generation {n}"), 4, sizes.iter().map(|&m| m as f64), &at_n));
    let settings = format!(
        "One dimension, known variance (sigma = 1), accumulate-subsample: generation n fits the mean of M points drawn without replacement \
         from the pool of all n M points. Exact: E (mu_n - mu)^2 = (sigma^2 / M) f_n(M), f_n the location-model factor of \
         linear-accumulate-subsample (T = M), which tends to 3 H_2(n) - 2 -> pi^2/2 - 2 as M -> infinity (dotted); the thin line is \
         accumulate without subsampling, H_2(n) < pi^2/6. M = {sizes:?}; (a) over generations, (b) generation {n} against M"
    );
    let title = format!("{id}: subsampling the pool costs about 3 H_2(n) - 2");
    Ok(Figure::new(id, title, &settings, mc, 2, vec![time, sizes_panel]))
}
