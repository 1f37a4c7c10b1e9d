//! `gaussian-accumulate`: the pooled fit keeps a positive variance and bounds
//! the error of the mean.

use super::{Setting, both_upto, level, scalar};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series, Style, generations, values};
use crate::gaussian::Estimator::{KnownVariance, Mle, Unbiased};
use crate::gaussian::GaussianRegime::{Accumulate, Replace};
use crate::gaussian::theory::{Metric, ids};
use crate::mc::MonteCarlo;
use crate::model::{Model, Run};
use crate::spectrum::Spectrum;
use crate::theorem::{Entry, Theorem};
use crate::verify::{Case, Check};
use std::f64::consts::PI;

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::ACCUMULATE,
        statement: "accumulate (pooled fit): E sigma_n^2 / sigma^2 = prod_{j<=n} (1 - 1/(M j^2)) -> sin(pi/sqrt M)/(pi/sqrt M) > 0 (mle), prod_{j=2..n} (1 - 1/(j (j M - 1))) (unbiased); E (mu_n - mu)^2 = (sigma^2/M) sum_{j<=n} c_{j-1}/j^2 < (pi^2/6) sigma^2 / M; in d dimensions with tr Sigma for sigma^2",
        source: "Gerstgrasser et al. (2024), Gaussian section; exact products derived for this project",
        check: "variance and mean error up to n = 50, mle and unbiased, 1-D and d = 2; the mean error with a known variance; control: the replace formula",
    },
    checks,
    figure: FigureSpec { replicates: 16000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    let pooled = |estimator| -> Result<Check> {
        Ok(Case::new(Setting::new(5, estimator, Accumulate, 50).setup()?)
            .at(Metric::VarianceRatio, &[1, 5, 20, 50])
            .at(Metric::MeanError, &[1, 5, 20, 50])
            .check(ids::ACCUMULATE))
    };
    let plane = Setting::new(6, Mle, Accumulate, 30).dim(2, Spectrum::Diagonal(vec![1.0, 0.25]));
    let plane = Case::new(plane.setup()?).at(Metric::VarianceRatio, &[1, 10, 30]).at(Metric::MeanError, &[1, 10, 30]);
    let known = Case::new(Setting::new(5, KnownVariance, Accumulate, 20).setup()?).at(Metric::MeanError, &[1, 5, 20]);
    let setting = Setting::new(5, Mle, Accumulate, 20);
    let replace = Case::new(setting.setup()?).at(Metric::VarianceRatio, &[20]).against("the replace formula", setting.regime(Replace).setup()?);
    Ok(vec![pooled(Mle)?, pooled(Unbiased)?, plane.check(ids::ACCUMULATE), known.check(ids::ACCUMULATE), replace.check(ids::ACCUMULATE)])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let id = ids::ACCUMULATE;
    let (m, n) = (5, 100);
    let mf = m as f64;
    let x = PI / mf.sqrt();
    let mut variance = Panel::new("(a) the pooled variance", "generation n", "E sigma_n^2 / sigma^2");
    let replace = values(scalar(m, Mle, Replace, n)?.closed_form(Metric::VarianceRatio))?;
    variance.series.push(Series::plain("replace, mle: r^n", Style::Thin, 6, generations(n), replace));
    let runs = [(Unbiased, "unbiased", 0), (Mle, "mle", 1), (KnownVariance, "known variance", 2)]
        .into_iter()
        .map(|(estimator, label, key)| Ok((Run::new(scalar(m, estimator, Accumulate, n)?, mc)?, label, key)))
        .collect::<Result<Vec<_>>>()?;
    for (run, label, key) in &runs[..2] {
        variance.series.extend(both_upto(run, Metric::VarianceRatio, label, *key, n)?);
    }
    variance.series.push(level("mle limit", 1, n, x.sin() / x));
    let mut mean = Panel::new("(b) the mean", "generation n", "E (mu_n - mu)^2");
    for (run, label, key) in &runs {
        mean.series.extend(both_upto(run, Metric::MeanError, label, *key, n)?);
    }
    mean.series.push(level("(pi^2/6) sigma^2 / M", 6, n, PI * PI / 6.0 / mf));
    let settings = format!(
        "One dimension, accumulate (each generation fits the pool of all n M points), M = {m}, sigma = 1. (a) E sigma_n^2 / sigma^2 = \
         prod_(j<=n) (1 - 1/(M j^2)) (mle), decreasing to sin(pi/sqrt M)/(pi/sqrt M) = {:.4}, and prod_(j=2..n) (1 - 1/(j (j M - 1))) \
         (unbiased); the thin line is replace's r^n (mle), for contrast. (b) E (mu_n - mu)^2 = (sigma^2 / M) sum_(j<=n) c_(j-1) / j^2, \
         below (pi^2/6) sigma^2 / M, reached in the limit by a known variance",
        x.sin() / x
    );
    let title = format!("{id}: pooling keeps the variance and bounds the mean error (M = {m})");
    Ok(Figure::new(id, title, &settings, mc, 2, vec![variance, mean]))
}
