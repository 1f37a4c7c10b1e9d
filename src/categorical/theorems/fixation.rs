//! `categorical-fixation`: replace ends at a point mass, on outcome `k` with
//! probability `p_0(k)`.

use super::model;
use crate::categorical::CategoricalRegime::Replace;
use crate::categorical::model::{AbsorptionMetric, AbsorptionModel};
use crate::categorical::theory::{Metric, ids};
use crate::categorical::zipf;
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series, both};
use crate::mc::MonteCarlo;
use crate::model::Run;
use crate::theorem::{Entry, Theorem};
use crate::verify::{Case, Check};

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::FIXATION,
        statement: "replace: the chain ends at the point mass on outcome k with probability p_0(k), almost surely in finite time; P(p_g is a point mass) = sum_k P(C_g^(k) = M), exact from the binomial chain",
        source: "Shumailov et al. (2024), Nature 631, discrete case; neutral fixation of Wright-Fisher",
        check: "the winners of chains run to absorption against p_0, and the probability of a point mass by generation g; control: every outcome equally likely to win",
    },
    checks,
    figure: FigureSpec { replicates: 4000, build: figure },
};

/// Chains run to absorption, every outcome's winning frequency compared.
fn winners(p: &[f64], samples: usize) -> Result<Case<AbsorptionModel>> {
    Ok((0..p.len()).fold(Case::new(AbsorptionModel::new(p, samples)?), |case, k| case.at(AbsorptionMetric::Winner(k), &[0])))
}

fn checks() -> Result<Vec<Check>> {
    let four = [0.5, 0.3, 0.15, 0.05];
    let uniform = winners(&four, 10)?
        .control("every outcome wins with probability 1/K", |m, _| Ok(vec![1.0 / m.probabilities().len() as f64]));
    Ok(vec![
        Case::new(model(&zipf(20, 1.1), 20, Replace, 100)?).at(Metric::Collapsed, &[10, 20, 50, 100]).check(ids::FIXATION),
        Case::new(model(&four, 10, Replace, 30)?).at(Metric::Collapsed, &[2, 5, 10, 30]).check(ids::FIXATION),
        winners(&four, 10)?.check(ids::FIXATION),
        uniform.check(ids::FIXATION),
    ])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let p = vec![0.4, 0.25, 0.15, 0.1, 0.06, 0.04];
    let (m, n) = (10, 60);
    let run = Run::new(model(&p, m, Replace, n)?, mc)?;
    let mut collapse = Panel::new("the model is a point mass by generation g", "generation g", "P(p_g is a point mass)");
    collapse.series.extend(both(&run, Metric::Collapsed, "replace", 0)?);
    let absorbed = Run::new(AbsorptionModel::new(&p, m)?, mc)?;
    let mut panel = Panel::new("which outcome wins", "p_0(k)", "P(the chain fixes on k)");
    panel.series.push(Series::theory("P(winner = k) = p_0(k)", 1, [0.0, 0.45], [0.0, 0.45]));
    panel.series.push(Series::simulation("chains run to a point mass", 1, p.iter().copied(), &absorbed.summaries[1..]));
    let title = format!("{}: replace ends in a point mass, on k with probability p_0(k)", ids::FIXATION);
    Ok(Figure::new(ids::FIXATION, title, &format!("K = 6, p_0 = {p:?}, M = {m}"), mc, 2, vec![collapse, panel]))
}
