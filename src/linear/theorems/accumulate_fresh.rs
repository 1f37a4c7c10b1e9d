//! `linear-accumulate-fresh`: accumulate with a new design every generation.

use super::{ITERATION, Setting, TEST_ERROR, level, over_designs, setup};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, both};
use crate::linear::Design::{Fresh, Reused};
use crate::linear::model::LinearMetric::TestError;
use crate::linear::theory::{LinearTheory, ids};
use crate::mc::MonteCarlo;
use crate::schedule::Regime::Accumulate;
use crate::spectrum::Spectrum;
use crate::theorem::{Entry, Theorem};
use crate::verify::Check;

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::ACCUMULATE_FRESH,
        statement: "accumulate, fresh design: E[test error at generation n] = sigma^2 d sum_{i<=n} 1 / (i (i T - d - 1)), never above the reused-design value",
        source: "derived for this project from Gerstgrasser et al. (2024), Sec. 3, with a fresh design per generation",
        check: "mean test error of simulated chains with a new design every generation",
    },
    checks,
    figure: FigureSpec { replicates: 2000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    Ok(vec![
        Setting::new(10, 100, 1.0, Accumulate, Fresh, 20).case(&[2, 5, 20])?.check(ids::ACCUMULATE_FRESH),
        Setting::new(5, 12, 1.0, Accumulate, Fresh, 10).spectrum(Spectrum::PowerLaw(1.0)).case(&[1, 2, 10])?.check(ids::ACCUMULATE_FRESH),
        Setting::new(4, 12, 1.0, Accumulate, Fresh, 6).noise(&[0.5, 1.5, 1.0]).case(&[2, 6])?.check(ids::ACCUMULATE_FRESH),
    ])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let settings = [(5, 12, Spectrum::PowerLaw(1.0)), (10, 100, Spectrum::Identity)];
    let n = 30;
    let mut panels = Vec::new();
    for (d, t, spectrum) in settings {
        let setup = setup(d, t, 1.0, spectrum.clone())?;
        let fresh = over_designs(&setup, Accumulate, Fresh, n, mc)?;
        let reused = over_designs(&setup, Accumulate, Reused, n, mc)?;
        let mut panel = Panel::new(format!("accumulate, d = {d}, T = {t}, Sigma = {spectrum}"), ITERATION, TEST_ERROR);
        panel.series.extend(both(&fresh, TestError, "fresh design", 0)?);
        panel.series.extend(both(&reused, TestError, "reused design", 1)?);
        panel.series.push(level("bound (pi^2/6) base", 1, n, LinearTheory::new(&setup)?.accumulate_bound()));
        panels.push(panel);
    }
    let settings = "Accumulate, sigma = 1; left: d = 5, T = 12, power-law spectrum lambda_k = 1/k; right: d = 10, T = 100, identity. \
                    Fresh design: sigma^2 d sum_{i<=n} 1/(i (i T - d - 1)); reused design: base sum_{i<=n} 1/i^2 with \
                    base = sigma^2 d/(T-d-1), below (pi^2/6) base";
    let title = format!("{}: a new design per generation helps accumulate further", ids::ACCUMULATE_FRESH);
    Ok(Figure::new(ids::ACCUMULATE_FRESH, title, settings, mc, 2, panels))
}
