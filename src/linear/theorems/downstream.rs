//! `linear-downstream`: a downstream model inherits `n` times the chain's error.

use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series, Style, both, values};
use crate::linear::DownstreamModel;
use crate::linear::design::FixedDesign::Seed;
use crate::linear::downstream::DownstreamSetup;
use crate::linear::model::DownstreamMetric::TestError;
use crate::linear::theory::ids;
use crate::mc::MonteCarlo;
use crate::model::{Model, Run};
use crate::spectrum::Spectrum;
use crate::theorem::{Entry, Theorem};
use crate::verify::{Case, Check};

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::DOWNSTREAM,
        statement: "n chain generations (OLS, T0 rows, noise sigma0), then a downstream ridge fit on T rows (noise sigma): given X, ||(A - I) w*||^2_Sigma + sigma^2 tr(Sigma (G + kappa)^{-1} G (G + kappa)^{-1}) + n sigma0^2/(T0 - d - 1) tr(A Sigma A Sigma^{-1}); lambda = 0 over designs: sigma^2 d/(T - d - 1) + n sigma0^2 d/(T0 - d - 1)",
        source: "Dohmatob, Feng, Kempe (2024), downstream ridge model (section number unconfirmed)",
        check: "lambda = 0 over designs and lambda > 0 for a given downstream design; control: the chain term dropped is rejected",
    },
    checks,
    figure: FigureSpec { replicates: 2000, build: figure },
};

/// `d = 5`, a chain of `T0` rows with noise `sigma0`, a downstream fit on `T`
/// rows with noise `sigma` and penalty `ridge`, generations `1..=g` (after
/// `0..g` chain generations), over downstream designs or on the one drawn from `given`.
#[allow(clippy::too_many_arguments)]
fn model(t0: usize, sigma0: f64, t: usize, sigma: f64, ridge: f64, spectrum: Spectrum, g: u64, given: Option<u64>) -> Result<DownstreamModel> {
    let model = DownstreamModel::new(DownstreamSetup::new(5, t0, sigma0, t, sigma, ridge, spectrum, g)?);
    match given {
        Some(seed) => model.conditioned(Seed(seed)),
        None => Ok(model),
    }
}

fn checks() -> Result<Vec<Check>> {
    let power = Spectrum::PowerLaw(1.5); // A and Sigma do not commute: the general chain term
    let dropped = Case::new(model(20, 1.0, 30, 0.5, 0.0, Spectrum::Identity, 7, None)?).at(TestError, &[7]).control("chain term dropped", |m, metric| {
        let theory = m.closed_form(metric).checkable()?;
        Ok(vec![theory[0]; theory.len()])
    });
    Ok(vec![
        Case::new(model(20, 1.0, 30, 0.5, 0.0, Spectrum::Identity, 7, None)?).at(TestError, &[1, 3, 7]).check(ids::DOWNSTREAM),
        Case::new(model(12, 0.5, 20, 1.0, 0.3, Spectrum::Identity, 9, Some(29))?).at(TestError, &[1, 9]).check(ids::DOWNSTREAM),
        Case::new(model(12, 1.0, 8, 0.5, 0.4, power, 6, Some(31))?).at(TestError, &[1, 6]).check(ids::DOWNSTREAM),
        dropped.check(ids::DOWNSTREAM),
    ])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    // Left: least squares downstream, averaged over designs.
    let g: u64 = 21;
    let xs = || (1..=g).map(|g| g as f64);
    let (d, t0, sigma0, t, sigma) = (10, 100, 1.0, 50, 1.0);
    let run = Run::new(DownstreamModel::new(DownstreamSetup::new(d, t0, sigma0, t, sigma, 0.0, Spectrum::Identity, g)?), mc)?;
    let theory = values(run.closed_form(TestError))?;
    let clean = theory[0];
    let axis = "generation g (after n = g - 1 chain generations)";
    let mut left = Panel::new(format!("lambda = 0, over designs, d = {d}"), axis, "downstream test error");
    left.series.extend(both(&run, TestError, "downstream model", 0)?);
    left.series.push(Series::bound("without the chain", 6, [1.0, g as f64], [clean, clean]));
    left.series.push(Series::plain("chain term alone", Style::Thin, 1, xs(), theory.iter().map(|v| v - clean)));
    // Right: ridge downstream on one given design, several penalties.
    let (d, t0, sigma0, t, sigma, seed) = (5, 12, 0.5, 20, 1.0, 29);
    let g_right: u64 = 11;
    let mut right = Panel::new(format!("given design, d = {d}"), axis, "downstream test error");
    for (key, lambda) in [(2, 0.0), (3, 0.3), (4, 1.0)] {
        let setup = DownstreamSetup::new(d, t0, sigma0, t, sigma, lambda, Spectrum::Identity, g_right)?;
        let run = Run::new(DownstreamModel::new(setup).conditioned(Seed(seed))?, mc)?;
        right.series.extend(both(&run, TestError, &format!("lambda = {lambda}"), key)?);
    }
    let settings = "A chain of n least-squares generations (T0 fresh rows each, noise sigma0), then a downstream ridge model on T rows \
                    labelled by w_n (noise sigma), scored against w*. Left: d = 10, T0 = 100, sigma0 = 1, T = 50, sigma = 1, \
                    lambda = 0, over designs: sigma^2 d/(T-d-1) + n sigma0^2 d/(T0-d-1), dotted the first term, thin the chain \
                    term. Right: d = 5, T0 = 12, sigma0 = 0.5, T = 20, sigma = 1, one downstream design (seed 29), lambda = 0, 0.3, \
                    1: the penalty shrinks the chain term's slope, it cannot remove it";
    let title = format!("{}: a downstream model inherits n times the chain error", ids::DOWNSTREAM);
    Ok(Figure::new(ids::DOWNSTREAM, title, settings, mc, 2, vec![left, right]))
}
