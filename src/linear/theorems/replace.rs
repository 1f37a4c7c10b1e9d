//! `linear-replace`: under replace the error grows like `n sigma^2 d / (T - d - 1)`.

use super::{ITERATION, Setting, TEST_ERROR, over_designs, setup};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series, generations, simulated, values};
use crate::linear::Design::{Fresh, Reused};
use crate::linear::model::LinearMetric::TestError;
use crate::linear::theory::ids;
use crate::mc::MonteCarlo;
use crate::model::Model;
use crate::schedule::Regime::Replace;
use crate::spectrum::Spectrum;
use crate::theorem::{Entry, Theorem};
use crate::verify::Check;

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::REPLACE,
        statement: "replace: E[test error at generation n] = n sigma^2 d / (T - d - 1), reused or fresh design; grows without bound (sigma > 0)",
        source: "Dohmatob, Feng, Kempe (2024), Sec. 4; Gerstgrasser et al. (2024), Sec. 3",
        check: "mean test error of simulated chains at several generations, reused and fresh designs, identity and power-law spectra",
    },
    checks,
    figure: FigureSpec { replicates: 2000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    let power = |alpha| Spectrum::PowerLaw(alpha);
    let control = Setting::new(10, 20, 1.0, Replace, Reused, 1).case(&[1])?.control("d/(T-d) for d/(T-d-1)", |m, metric| {
        let (d, t) = (m.setup().dim(), m.setup().samples());
        let wrong = (t - d - 1) as f64 / (t - d) as f64; // turns d/(T-d-1) into d/(T-d)
        Ok(m.closed_form(metric).checkable()?.into_iter().map(|v| v * wrong).collect())
    });
    Ok(vec![
        Setting::new(10, 100, 1.0, Replace, Reused, 50).case(&[1, 10, 50])?.check(ids::REPLACE),
        Setting::new(5, 20, 0.5, Replace, Reused, 10).spectrum(power(1.0)).case(&[1, 5, 10])?.check(ids::REPLACE),
        Setting::new(10, 100, 1.0, Replace, Fresh, 20).case(&[1, 20])?.check(ids::REPLACE),
        Setting::new(3, 10, 2.0, Replace, Fresh, 10).spectrum(power(2.0)).case(&[1, 10])?.check(ids::REPLACE),
        Setting::new(5, 20, 1.0, Replace, Fresh, 6).noise(&[2.0, 1.0]).case(&[1, 6])?.check(ids::REPLACE),
        control.check(ids::REPLACE),
    ])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let settings = [(10, 100, 1.0, Spectrum::Identity, 50), (5, 20, 0.5, Spectrum::PowerLaw(1.0), 20)];
    let mut panels = Vec::new();
    for (d, t, sigma, spectrum, n) in settings {
        let setup = setup(d, t, sigma, spectrum.clone())?;
        let reused = over_designs(&setup, Replace, Reused, n, mc)?;
        let fresh = over_designs(&setup, Replace, Fresh, n, mc)?;
        let mut panel = Panel::new(format!("d = {d}, T = {t}, sigma = {sigma}, Sigma = {spectrum}"), ITERATION, TEST_ERROR);
        panel.series.push(Series::theory("n sigma^2 d/(T-d-1)", 6, generations(n), values(reused.closed_form(TestError))?));
        panel.series.push(simulated(&reused, TestError, "reused design", 0));
        panel.series.push(simulated(&fresh, TestError, "fresh design", 1));
        panels.push(panel);
    }
    let settings = "Replace: each fit uses only the newest T rows, labelled by the previous fit. Left: d = 10, T = 100, sigma = 1, \
                    identity covariance; right: d = 5, T = 20, sigma = 0.5, power-law spectrum lambda_k = 1/k. One design per \
                    chain (reused) or a new design per generation (fresh): one closed form";
    let title = format!("{}: the error grows like n sigma^2 d/(T-d-1), reused or fresh design", ids::REPLACE);
    Ok(Figure::new(ids::REPLACE, title, settings, mc, 2, panels))
}
