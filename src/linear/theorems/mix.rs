//! `linear-mix`: keeping a share `LAMBDA` of the real batch bounds the error.

use super::{ITERATION, Setting, TEST_ERROR, level, over_designs, setup};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series, Style, both, generations};
use crate::linear::Design::Reused;
use crate::linear::model::LinearMetric::TestError;
use crate::linear::theory::{Limit, LinearTheory, ids, limit_factor, mix_factor};
use crate::mc::MonteCarlo;
use crate::schedule::Regime::{Mix, Replace};
use crate::spectrum::Spectrum;
use crate::stats::Summary;
use crate::theorem::{Entry, Theorem};
use crate::verify::Check;

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::MIX,
        statement: "mix:LAMBDA (real batch weight LAMBDA, newest synthetic 1 - LAMBDA): E / base = 1 + sum_{m<n} (1 - LAMBDA)^{2m}, bounded by 1 + (1 - LAMBDA)^2 / (LAMBDA (2 - LAMBDA)) for LAMBDA > 0",
        source: "Bertrand et al. (2024); Alemohammad et al. (2024), synthetic augmentation loop; adapted to linear regression",
        check: "mean test error at several generations for two LAMBDA; control: the replace formula is rejected",
    },
    checks,
    figure: FigureSpec { replicates: 2000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    let control = Setting::new(5, 20, 1.0, Mix(0.3), Reused, 20);
    let control = control.case(&[20])?.against("the replace formula", control.regime(Replace).model()?);
    Ok(vec![
        Setting::new(5, 20, 1.0, Mix(0.3), Reused, 20).case(&[2, 5, 20])?.check(ids::MIX),
        Setting::new(10, 100, 1.0, Mix(0.1), Reused, 30).spectrum(Spectrum::PowerLaw(1.0)).case(&[30])?.check(ids::MIX),
        control.check(ids::MIX),
    ])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let (d, t, n) = (5, 20, 30);
    let setup = setup(d, t, 1.0, Spectrum::Identity)?;
    let theory = LinearTheory::new(&setup)?;
    let base = theory.base();
    let limit = |lambda: f64| match limit_factor(&Mix(lambda)) {
        Limit::Finite(f) => f * base,
        Limit::Unbounded | Limit::Unknown => f64::INFINITY,
    };
    let mut over_n = Panel::new(format!("d = {d}, T = {t}, sigma = 1"), ITERATION, TEST_ERROR).log(false, true);
    for (key, lambda) in [(0, 0.1), (1, 0.3)] {
        let label = Mix(lambda).to_string();
        over_n.series.extend(both(&over_designs(&setup, Mix(lambda), Reused, n, mc)?, TestError, &label, key)?);
        over_n.series.push(level(format!("{label}, limit"), key, n, limit(lambda)));
    }
    let replace = theory.curve(&Replace, Reused, n)?;
    over_n.series.push(Series::plain("replace (mix:0)", Style::Thin, 6, generations(n), replace.values));
    // Right: the error at two generations and the limit, against LAMBDA.
    let shown: [u64; 2] = [5, n];
    let grid: Vec<f64> = (0..=40).map(|i| 10f64.powf(-2.0 + 2.0 * i as f64 / 40.0)).collect();
    let simulated = [0.02, 0.05, 0.1, 0.2, 0.5, 1.0];
    let mut runs = Vec::new();
    for &lambda in &simulated {
        runs.push(over_designs(&setup, Mix(lambda), Reused, n, mc)?);
    }
    let mut against = Panel::new("against the real share LAMBDA", "real share LAMBDA", TEST_ERROR).log(true, true);
    for (key, g) in [(2, shown[0]), (3, shown[1])] {
        let label = format!("n = {g}");
        against.series.push(Series::theory(&label, key, grid.iter().copied(), grid.iter().map(|&l| base * mix_factor(l, g))));
        let summaries: Vec<Summary> = runs.iter().map(|r| r.summary(TestError, g)).collect();
        against.series.push(Series::simulation(&label, key, simulated.iter().copied(), &summaries));
    }
    against.series.push(Series::bound("limit n -> inf", 6, grid.iter().copied(), grid.iter().map(|&l| limit(l))));
    let settings = "mix:LAMBDA: generation n >= 2 fits the real batch with weight LAMBDA and the newest synthetic batch with 1 - LAMBDA; \
                    d = 5, T = 20, sigma = 1, identity covariance, reused design. Closed form base (1 + sum_{m<n} (1-LAMBDA)^(2m)) \
                    with base = sigma^2 d/(T-d-1); dotted: its limit base (1 + (1-LAMBDA)^2/(LAMBDA (2-LAMBDA))). Left: LAMBDA = 0.1 \
                    and 0.3 over n, thin: replace (LAMBDA = 0), unbounded. Right: the error at n = 5 and 30 against LAMBDA";
    let title = format!("{}: keeping a share LAMBDA of real data bounds the error", ids::MIX);
    Ok(Figure::new(ids::MIX, title, settings, mc, 2, vec![over_n, against]))
}
