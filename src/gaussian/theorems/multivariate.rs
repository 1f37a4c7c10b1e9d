//! `gaussian-multivariate`: `Sigma_n -> 0` in `d` dimensions under replace.

use super::{Setting, both_upto};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series, Style, generations};
use crate::gaussian::Estimator::{self, Mle, Unbiased};
use crate::gaussian::GaussianRegime::Replace;
use crate::gaussian::GaussianSetup;
use crate::gaussian::theory::{Metric, ids, log_drift};
use crate::mc::MonteCarlo;
use crate::model::Run;
use crate::spectrum::Spectrum;
use crate::theorem::{Entry, Theorem};
use crate::verify::{Case, Check};

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::MULTIVARIATE,
        statement: "d-dimensional replace: E ||mu_n - mu||^2 = n tr Sigma / M; E log det Sigma_n = log det Sigma + n (sum_{i<=d} psi((M-i)/2) + d log(2/(M-1))); Sigma_n -> 0 almost surely (mle: tr Sigma (1 - r^n), drift + d log r)",
        source: "Shumailov et al. (2024), Nature 631, Theorem 3.1 (multivariate); exact rates derived for this project",
        check: "d = 3, power-law covariance, unbiased and mle: mean error, trace, log-determinant and the fraction collapsed; control: d times the 1-D drift",
    },
    checks,
    figure: FigureSpec { replicates: 8000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    let setting = |estimator| Setting::new(10, estimator, Replace, 10).dim(3, Spectrum::PowerLaw(1.0));
    let collapse = |estimator| -> Result<Check> {
        Ok(Case::new(setting(estimator).setup()?)
            .at(Metric::MeanError, &[1, 5, 10])
            .at(Metric::VarianceRatio, &[1, 3])
            .at(Metric::LogVarianceRatio, &[1, 10])
            .at(Metric::Collapsed, &[5, 10])
            .check(ids::MULTIVARIATE))
    };
    let scalar_drift = Case::new(setting(Unbiased).setup()?).at(Metric::LogVarianceRatio, &[10]).control("d times the 1-D drift", |s, _| {
        let k = s.estimator().divisor(s.samples()).unwrap_or(1.0);
        Ok((1..=s.generations()).map(|g| g as f64 * s.dim() as f64 * log_drift(s.samples(), 1, k)).collect())
    });
    Ok(vec![collapse(Unbiased)?, collapse(Mle)?, scalar_drift.check(ids::MULTIVARIATE)])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let id = ids::MULTIVARIATE;
    let (d, m, n, eps) = (3, 10, 50, 0.01);
    let spectrum = Spectrum::PowerLaw(1.0);
    let setup = |estimator: Estimator, n| -> Result<GaussianSetup> {
        GaussianSetup::new(d, m, 1.0, spectrum.clone(), estimator, Replace, n)?.with_threshold(eps)
    };
    let unbiased = Run::new(setup(Unbiased, n)?, mc)?;
    let mle = Run::new(setup(Mle, n)?, mc)?;
    let short = m as u64;
    let unbiased_short = Run::new(setup(Unbiased, short)?, mc)?;
    let mle_short = Run::new(setup(Mle, short)?, mc)?;

    let mut log_det = Panel::new("(a) E log det Sigma_n drifts linearly", "generation n", "E log(det Sigma_n / det Sigma)");
    let naive = d as f64 * log_drift(m, 1, (m - 1) as f64);
    log_det.series.push(Series::plain("d x 1-D drift (unbiased)", Style::Thin, 6, generations(n), generations(n).map(|g| g * naive)));
    log_det.series.extend(both_upto(&unbiased, Metric::LogVarianceRatio, "unbiased", 0, n)?);
    log_det.series.extend(both_upto(&mle, Metric::LogVarianceRatio, "mle", 1, n)?);
    let mut collapse = Panel::new(format!("(b) P((det Sigma_n / det Sigma)^(1/d) < {eps})"), "generation n", "P(collapsed at n)");
    collapse.series.extend(both_upto(&unbiased, Metric::Collapsed, "unbiased", 0, n)?);
    collapse.series.extend(both_upto(&mle, Metric::Collapsed, "mle", 1, n)?);
    let mut trace = Panel::new(format!("(c) the trace, n <= M = {m}"), "generation n", "E tr Sigma_n / tr Sigma");
    trace.series.extend(both_upto(&unbiased_short, Metric::VarianceRatio, "unbiased", 0, short)?);
    trace.series.extend(both_upto(&mle_short, Metric::VarianceRatio, "mle", 1, short)?);
    let mut mean = Panel::new(format!("(d) the mean, n <= M = {m}"), "generation n", "E ||mu_n - mu||^2");
    mean.series.extend(both_upto(&unbiased_short, Metric::MeanError, "unbiased", 0, short)?);
    mean.series.extend(both_upto(&mle_short, Metric::MeanError, "mle", 1, short)?);
    let trace_sigma = unbiased.model.trace();
    let settings = format!(
        "d = {d}, Sigma = diag(1, 1/2, 1/3) (power law 1, tr Sigma = {trace_sigma:.4}), replace, M = {m}, unbiased (k = M - 1) and mle (k = M) fits. \
         (a) E log det Sigma_n = log det Sigma + n (sum_(i<=d) psi((M-i)/2) + d log(2/k)); the thin line, d times the 1-D drift, is the \
         wrong rate; (b) the probability of collapse, eps = {eps}, evaluated numerically; (c) E tr Sigma_n = tr Sigma (unbiased), r^n tr Sigma \
         (mle); (d) E ||mu_n - mu||^2 = n tr Sigma / M (unbiased), tr Sigma (1 - r^n) (mle); (c) and (d) are heavy-tailed and simulated for n <= M"
    );
    let title = format!("{id}: Sigma_n -> 0 in d = {d} dimensions (M = {m})");
    Ok(Figure::new(id, title, &settings, mc, 2, vec![log_det, collapse, trace, mean]))
}
