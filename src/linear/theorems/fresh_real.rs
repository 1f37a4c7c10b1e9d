//! `linear-fresh-real`: a fresh real batch every generation.

use super::{ITERATION, Setting, TEST_ERROR, level, over_designs, setup};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series, both};
use crate::linear::Design::Reused;
use crate::linear::model::LinearMetric::TestError;
use crate::linear::theory::{Limit, LinearTheory, fresh_real_factor, ids, limit_factor};
use crate::mc::MonteCarlo;
use crate::schedule::Regime::FreshReal;
use crate::spectrum::Spectrum;
use crate::theorem::{Entry, Theorem};
use crate::verify::Check;

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::FRESH_REAL,
        statement: "fresh-real:P (a fresh real batch with weight 1 - P, the newest synthetic with P): E / base = v* + (1 - v*) P^{2(n-1)}, v* = ((1 - P)^2 + P^2) / (1 - P^2)",
        source: "Alemohammad et al. (2024), fresh-data loop; adapted to linear regression",
        check: "mean test error at several generations",
    },
    checks,
    figure: FigureSpec { replicates: 2000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    Ok(vec![Setting::new(5, 20, 1.0, FreshReal(0.5), Reused, 15).case(&[1, 3, 15])?.check(ids::FRESH_REAL)])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let (d, t, n) = (5, 20, 20);
    let setup = setup(d, t, 1.0, Spectrum::Identity)?;
    let base = LinearTheory::new(&setup)?.base();
    let limit = |p: f64| match limit_factor(&FreshReal(p)) {
        Limit::Finite(f) => f * base,
        Limit::Unbounded | Limit::Unknown => f64::INFINITY,
    };
    let mut over_n = Panel::new(format!("d = {d}, T = {t}, sigma = 1"), ITERATION, TEST_ERROR);
    for (key, p) in [(0, 0.5), (1, 0.8)] {
        let label = format!("P = {p}");
        over_n.series.extend(both(&over_designs(&setup, FreshReal(p), Reused, n, mc)?, TestError, &label, key)?);
        over_n.series.push(level(format!("P = {p}, limit"), key, n, limit(p)));
    }
    // Right: against the synthetic share P, at generation n and in the limit.
    let grid: Vec<f64> = (0..=45).map(|i| i as f64 * 0.02).collect();
    let simulated = [0.0, 0.2, 0.4, 0.6, 0.8, 0.9];
    let mut summaries = Vec::new();
    for &p in &simulated {
        summaries.push(over_designs(&setup, FreshReal(p), Reused, n, mc)?.summary(TestError, n));
    }
    let label = format!("n = {n}");
    let mut against = Panel::new("against the synthetic share P", "synthetic share P", TEST_ERROR);
    against.series.push(Series::theory(&label, 2, grid.iter().copied(), grid.iter().map(|&p| base * fresh_real_factor(p, n))));
    against.series.push(Series::simulation(&label, 2, simulated.iter().copied(), &summaries));
    against.series.push(Series::bound("limit base v*", 6, grid.iter().copied(), grid.iter().map(|&p| limit(p))));
    let settings = "fresh-real:P: generation n >= 2 fits a fresh real batch with weight 1 - P and the newest synthetic batch with \
                    weight P; d = 5, T = 20, sigma = 1, identity covariance, reused design. Closed form base (v* + (1 - v*) P^(2(n-1))), \
                    base = sigma^2 d/(T-d-1); dotted: the limit base v*, v* = ((1-P)^2 + P^2)/(1 - P^2). Left: P = 0.5 and 0.8 over \
                    n. Right: the error at n = 20 against P; a little synthetic data lowers it (v* < 1 for P < 2/3)";
    let title = format!("{}: a fresh real batch every generation", ids::FRESH_REAL);
    Ok(Figure::new(ids::FRESH_REAL, title, settings, mc, 2, vec![over_n, against]))
}
