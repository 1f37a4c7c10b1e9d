//! `gaussian-replace-variance`: under replace `E sigma_n^2 = sigma^2`, yet
//! `sigma_n -> 0` almost surely.

use super::{Setting, both_upto, level, sample_median, scalar};
use crate::error::{Error, Result};
use crate::figure::{Figure, FigureSpec, Panel, Series, Style, generations};
use crate::gaussian::Estimator::{Mle, Unbiased};
use crate::gaussian::GaussianRegime::{Accumulate, Replace};
use crate::gaussian::theory::{Metric, ids};
use crate::mc::MonteCarlo;
use crate::model::{Model, Run};
use crate::theorem::{Entry, Theorem};
use crate::verify::{Case, Check};
use std::f64::consts::PI;

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::REPLACE_VARIANCE,
        statement: "1-D replace: unbiased E sigma_n^2 = sigma^2 for all n, yet E log sigma_n^2 = log sigma^2 + n (psi((M-1)/2) + log(2/(M-1))) -> -infinity and sigma_n -> 0 almost surely; E sigma_n = sigma c_M^n; mle E sigma_n^2 = r^n sigma^2; P(sigma_n^2 < eps sigma^2) -> 1 (evaluated numerically)",
        source: "Shumailov et al. (2024), Nature 631, Theorem 3.1; exact rates and the mle variant derived for this project",
        check: "E sigma_n^2 at short horizons, E sigma_n, E log sigma_n^2 and the fraction of collapsed chains up to n = 100, unbiased and mle; controls: no drift, and the mle formula for the unbiased chain",
    },
    checks,
    figure: FigureSpec { replicates: 4000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    let variance = |estimator| -> Result<Check> {
        Ok(Case::new(Setting::new(20, estimator, Replace, 100).sigma(2.0).setup()?)
            .at(Metric::VarianceRatio, &[1, 5])
            .at(Metric::SdRatio, &[1, 10, 50, 100])
            .at(Metric::LogVarianceRatio, &[1, 10, 100])
            .at(Metric::Collapsed, &[10, 50, 100])
            .check(ids::REPLACE_VARIANCE))
    };
    let no_drift = Case::new(Setting::new(20, Unbiased, Replace, 100).sigma(2.0).setup()?)
        .at(Metric::LogVarianceRatio, &[100])
        .control("no drift, E log det Sigma_n = log det Sigma", |m, _| Ok(vec![0.0; m.generations() as usize]));
    let short = Setting::new(20, Unbiased, Replace, 5).sigma(2.0);
    let mle = Case::new(short.setup()?).at(Metric::VarianceRatio, &[5]).against("the mle formula", short.estimator(Mle).setup()?);
    Ok(vec![variance(Unbiased)?, variance(Mle)?, no_drift.check(ids::REPLACE_VARIANCE), mle.check(ids::REPLACE_VARIANCE)])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let id = ids::REPLACE_VARIANCE;
    let (m, n, eps, fan) = (20, 100, 0.01, 40);
    let unbiased = Run::keeping(scalar(m, Unbiased, Replace, n)?.with_threshold(eps)?, mc)?;
    let mle = Run::new(scalar(m, Mle, Replace, n)?.with_threshold(eps)?, mc)?;
    let accumulate = Run::new(scalar(m, Mle, Accumulate, n)?, mc)?;

    // (a) The fan: every chain collapses, the median geometrically, the mean slowly.
    let mut sd = Panel::new(format!("(a) replace, unbiased: {fan} chains"), "generation n", "sigma_n / sigma").log(false, true);
    for r in 0..fan.min(unbiased.kept()) {
        let ys = unbiased.trajectory(r, Metric::SdRatio);
        sd.series.push(Series::plain(if r == 0 { "one chain" } else { "" }, Style::Thin, 6, generations(n), ys));
    }
    sd.series.push(level("sqrt(E sigma_n^2)/sigma = 1", 5, n, 1.0));
    let medians = unbiased
        .model
        .median_closed_form(Metric::LogVarianceRatio)
        .ok_or_else(|| Error::NoClosedForm(format!("the median of log sigma_n^2 in {}", unbiased.model.describe())))?;
    sd.series.push(Series::theory("median of sigma_n / sigma", 3, generations(n), medians.iter().map(|q| (0.5 * q).exp())));
    sd.series.push(sample_median(&unbiased, Metric::SdRatio, "median of sigma_n / sigma", 3));
    sd.series.extend(both_upto(&unbiased, Metric::SdRatio, "E sigma_n / sigma = c_M^n", 0, n)?);

    // (b) E log sigma_n^2: a straight line down.
    let mut log = Panel::new("(b) E log sigma_n^2 falls linearly", "generation n", "E log(sigma_n^2 / sigma^2)");
    log.series.extend(both_upto(&unbiased, Metric::LogVarianceRatio, "replace, unbiased", 0, n)?);
    log.series.extend(both_upto(&mle, Metric::LogVarianceRatio, "replace, mle", 1, n)?);

    // (c) The probability of collapse tends to 1.
    let mut collapse = Panel::new(format!("(c) P(sigma_n^2 < eps sigma^2), eps = {eps}"), "generation n", "P(sigma_n^2 < eps sigma^2)");
    collapse.series.extend(both_upto(&unbiased, Metric::Collapsed, "replace, unbiased", 0, n)?);
    collapse.series.extend(both_upto(&mle, Metric::Collapsed, "replace, mle", 1, n)?);

    // (d) Accumulate beside replace (mle): a positive limit against r^n.
    let x = PI / (m as f64).sqrt();
    let mut pooled = Panel::new("(d) mle: accumulate keeps the variance", "generation n", "E sigma_n^2 / sigma^2");
    pooled.series.extend(both_upto(&mle, Metric::VarianceRatio, "replace, mle", 1, m as u64)?);
    pooled.series.extend(both_upto(&accumulate, Metric::VarianceRatio, "accumulate, mle", 2, n)?);
    pooled.series.push(level("accumulate limit (mle)", 2, n, x.sin() / x));

    let settings = format!(
        "One dimension, M = {m} points per generation, sigma = 1, n = {n} generations; unbiased (k = M - 1) and mle (k = M) fits. \
         (a) {fan} unbiased chains (thin), the exact median exp(m_n / 2) of sigma_n / sigma (m_n the median of log(sigma_n^2 / sigma^2), \
         by inversion of its characteristic function) over the sample median with its distribution-free 95% interval (ranks R/2 -+ sqrt R), \
         E sigma_n / sigma = c_M^n, and sqrt(E sigma_n^2) / sigma = 1; (b) E log(sigma_n^2 / sigma^2) = n (psi((M-1)/2) + log(2/k)); \
         (c) the probability of collapse, eps = {eps}, evaluated numerically; (d) E sigma_n^2 / sigma^2 = r^n under replace (simulated for \
         n <= M only: sigma_n^2 is heavy-tailed) against prod_j (1 - 1/(M j^2)) under accumulate, whose limit is sin(pi/sqrt M)/(pi/sqrt M) = {:.4}. \
         E W2^2 is drawn in {}",
        x.sin() / x,
        ids::REPLACE_WASSERSTEIN
    );
    let title = format!("{id}: sigma_n -> 0 under replace, though E sigma_n^2 = sigma^2");
    Ok(Figure::new(id, title, &settings, mc, 2, vec![sd, log, collapse, pooled]))
}
