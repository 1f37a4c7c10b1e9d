//! `categorical-tail-loss`: the probability that an outcome is gone by
//! generation `g`, from the binomial chain of its count.

use super::model;
use crate::categorical::CategoricalRegime::{Accumulate, Replace};
use crate::categorical::theory::{Metric, ids};
use crate::categorical::{CategoricalModel, CategoricalSetup, zipf};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, both};
use crate::mc::MonteCarlo;
use crate::model::Run;
use crate::theorem::{Entry, Theorem};
use crate::verify::{Case, Check};

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::TAIL_LOSS,
        statement: "replace: P(outcome k vanished by generation g) = (pi_1 P^(g-1))(0), pi_1 = Binomial(M, p_0(k)), (1 - p_0(k))^M at g = 1, nondecreasing in g and nonincreasing in p_0(k); E survivors = sum_k (1 - that); accumulate: (1 - p_0(k))^S_0 at every g",
        source: "Shumailov et al. (2024), Nature 631 (the tails vanish first); the exact binomial-chain formulas derived for this project",
        check: "surviving outcomes, loss of the tail and the probability of a point mass up to g = 50, Zipf start, replace and accumulate; control: the loss frozen at its generation-1 value",
    },
    checks,
    figure: FigureSpec { replicates: 4000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    let zipf20 = zipf(20, 1.1);
    let loss = |regime| -> Result<Check> {
        let case = Case::new(model(&zipf20, 20, regime, 50)?).at(Metric::Survivors, &[1, 5, 20, 50]);
        Ok(case.at(Metric::TailLost, &[1, 5, 20, 50]).check(ids::TAIL_LOSS))
    };
    let four = CategoricalSetup::new(&[0.5, 0.3, 0.15, 0.05], 10, Replace, 10)?.with_tail(0.05)?;
    let frozen = Case::new(model(&zipf20, 20, Replace, 20)?).at(Metric::TailLost, &[20]).control("loss frozen at generation 1", |m, _| {
        let s = m.setup();
        Ok((1..=s.generations()).map(|_| (1.0 - s.tail_mass()).powf(s.samples() as f64)).collect())
    });
    Ok(vec![
        loss(Replace)?,
        loss(Accumulate)?,
        Case::new(CategoricalModel::new(four)).at(Metric::TailLost, &[1, 2, 5, 10]).check(ids::TAIL_LOSS),
        frozen.check(ids::TAIL_LOSS),
    ])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let (m, n) = (20, 60);
    let mut loss = Panel::new("P(an outcome is gone by generation g), M = 20", "generation g", "P(p_g(k) = 0)");
    for (key, q) in [0.01, 0.05, 0.1, 0.2, 0.4].into_iter().enumerate() {
        let setup = CategoricalSetup::new(&[1.0 - q, q], m, Replace, n)?.with_tail(q)?;
        loss.series.extend(both(&Run::new(CategoricalModel::new(setup), mc)?, Metric::TailLost, &format!("p_0(k) = {q}"), key)?);
    }
    let p = zipf(50, 1.1);
    let mut survivors = Panel::new("surviving outcomes, Zipf(1.1), K = 50, M = 50", "generation g", "E #{k : p_g(k) > 0}");
    for (key, regime) in [(0, Replace), (1, Accumulate)] {
        survivors.series.extend(both(&Run::new(model(&p, 50, regime, n)?, mc)?, Metric::Survivors, &regime.to_string(), key)?);
    }
    let title = format!("{}: the tails go first", ids::TAIL_LOSS);
    let settings = "left: two outcomes with p_0(k) = 0.01 ... 0.4, M = 20; right: Zipf(1.1) on K = 50, M = 50, replace and accumulate (S_0 = M)";
    Ok(Figure::new(ids::TAIL_LOSS, title, settings, mc, 2, vec![loss, survivors]))
}
