//! `categorical-martingale`: `E p_g = p_0` under replace and accumulate.

use super::model;
use crate::categorical::CategoricalRegime::{Accumulate, Replace};
use crate::categorical::theory::{Metric, ids};
use crate::categorical::zipf;
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series, Style, both, generations};
use crate::mc::MonteCarlo;
use crate::model::Run;
use crate::theorem::{Entry, Theorem};
use crate::verify::{Case, Check};

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::MARTINGALE,
        statement: "replace and accumulate: E p_g = p_0 at every generation; the mass of any set of outcomes is a bounded martingale and converges almost surely",
        source: "Shumailov et al. (2024), Nature 631, discrete case (the Wright-Fisher chain); accumulate as in Gerstgrasser et al. (2024)",
        check: "mass of the top outcome and of the initial tail, Zipf start, replace and accumulate, up to g = 50; control: the mass decaying like the diversity",
    },
    checks,
    figure: FigureSpec { replicates: 4000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    let p = zipf(20, 1.1);
    let masses = |regime| -> Result<Check> {
        Ok(Case::new(model(&p, 20, regime, 50)?).at(Metric::TopMass, &[1, 10, 50]).at(Metric::TailMass, &[1, 10, 50]).check(ids::MARTINGALE))
    };
    let decaying = Case::new(model(&p, 20, Replace, 50)?).at(Metric::TailMass, &[50]).control("mass decaying like the diversity", |m, _| {
        let pi = m.setup().tail_mass();
        Ok(m.theory().diversity_factors().iter().map(|c| pi * c).collect())
    });
    Ok(vec![masses(Replace)?, masses(Accumulate)?, decaying.check(ids::MARTINGALE)])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let p = zipf(20, 1.1);
    let n = 100;
    let mut panels = Vec::new();
    for regime in [Replace, Accumulate] {
        let run = Run::new(model(&p, 20, regime, n)?, mc)?;
        let mut panel = Panel::new(format!("{regime}: the masses keep their mean"), "generation g", "mass");
        panel.series.extend(both(&run, Metric::TopMass, "top outcome", 0)?);
        panel.series.extend(both(&run, Metric::TailMass, "initial tail", 1)?);
        panels.push(panel);
    }
    // A few replace trajectories of the tail mass: unbiased, yet each ends at 0 or 1.
    let few = Run::keeping(model(&p, 20, Replace, n)?, &MonteCarlo::new(12, mc.seed(), None)?)?;
    let mut panel = Panel::new("replace: 12 chains of the tail mass", "generation g", "tail mass p_g(A)");
    for r in 0..12 {
        let ys = few.trajectory(r, Metric::TailMass);
        panel.series.push(Series::plain(if r == 0 { "one chain" } else { "" }, Style::Thin, 6, generations(n), ys));
    }
    let tail = few.model.setup().tail_mass();
    panel.series.push(Series::theory("E p_g(A) = p_0(A)", 1, [1.0, n as f64], [tail; 2]));
    panels.push(panel);
    let settings = format!("Zipf(1.1) on K = 20 outcomes, M = 20, S_0 = M, tail fraction 0.1 (p_0(A) = {tail:.3})");
    let title = format!("{}: E p_g = p_0 under replace and accumulate", ids::MARTINGALE);
    Ok(Figure::new(ids::MARTINGALE, title, &settings, mc, 3, panels).sharing_y(&[&[0, 1]]))
}
