//! `linear-overparameterised`: the noise-free minimum-norm chain forgets the
//! truth like `1 - (T0/d)^n`.

use super::{ITERATION, level};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series, generations, simulated};
use crate::linear::model::OverparamMetric::RelativeDistance;
use crate::linear::overparam::{OverparamSetup, overparameterised_error};
use crate::linear::theory::ids;
use crate::mc::MonteCarlo;
use crate::model::Run;
use crate::theorem::{Entry, Theorem};
use crate::verify::{Case, Check};

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::OVERPARAMETERISED,
        statement: "T0 < d, no noise, minimum-norm least squares on fresh isotropic designs: E ||w_n - w_0||^2 / ||w_0||^2 = 1 - (T0/d)^n",
        source: "Dohmatob, Feng, Kempe (2024), over-parameterised regime (section number unconfirmed)",
        check: "mean relative distance at several generations; control: one generation off, 1 - (T0/d)^(n+1)",
    },
    checks,
    figure: FigureSpec { replicates: 2000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    let case = |d, t0, n, at: &[u64]| -> Result<Case<OverparamSetup>> { Ok(Case::new(OverparamSetup::new(d, t0, n)?).at(RelativeDistance, at)) };
    let shifted = case(10, 5, 3, &[1])?.control("1 - (T0/d)^(n+1)", |s, _| {
        Ok((1..=s.generations()).map(|n| overparameterised_error(s.ratio(), n + 1)).collect())
    });
    Ok(vec![
        case(10, 5, 10, &[1, 3, 10])?.check(ids::OVERPARAMETERISED),
        case(20, 17, 6, &[1, 6])?.check(ids::OVERPARAMETERISED),
        shifted.check(ids::OVERPARAMETERISED),
    ])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let n = 20;
    let mut panel = Panel::new("noise-free, minimum-norm fits", ITERATION, "E ||w_n - w_0||^2 / ||w_0||^2");
    for (key, (d, t0)) in [(10, 5), (20, 17), (20, 5)].into_iter().enumerate() {
        let run = Run::new(OverparamSetup::new(d, t0, n)?, mc)?;
        let label = format!("d = {d}, T0 = {t0}");
        let ratio = run.model.ratio();
        panel.series.push(Series::theory(&label, key, generations(n), generations(n).map(|g| overparameterised_error(ratio, g as u64))));
        panel.series.push(simulated(&run, RelativeDistance, &label, key));
    }
    panel.series.push(level("limit 1: w_0 forgotten", 6, n, 1.0));
    let settings = "T0 < d rows per generation, fresh isotropic designs, labels from the previous model without noise, \
                    minimum-norm least squares (a projection of the previous model onto the rows' span); (d, T0) = (10, 5), \
                    (20, 17), (20, 5). Closed form 1 - (T0/d)^n";
    Ok(Figure::new(ids::OVERPARAMETERISED, format!("{}: 1 - (T0/d)^n", ids::OVERPARAMETERISED), settings, mc, 1, vec![panel]))
}
