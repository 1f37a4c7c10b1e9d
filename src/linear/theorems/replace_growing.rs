//! `linear-replace-growing`: `n T` rows from the newest model still collapse,
//! like `ln n`.

use super::{ITERATION, Setting, TEST_ERROR, over_designs, setup};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series, both, generations};
use crate::linear::Design::Reused;
use crate::linear::model::LinearMetric::TestError;
use crate::linear::theory::{LinearTheory, ids};
use crate::mc::MonteCarlo;
use crate::schedule::Regime::ReplaceGrowing;
use crate::spectrum::Spectrum;
use crate::theorem::{Entry, Theorem};
use crate::verify::Check;

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::REPLACE_GROWING,
        statement: "replace-growing (n T rows from the newest model): E / base = H_n = sum_{i<=n} 1/i, growing like ln n",
        source: "Gerstgrasser et al. (2024), appendix",
        check: "mean test error at several generations, with every generation's n relabellings simulated",
    },
    checks,
    figure: FigureSpec { replicates: 2000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    Ok(vec![Setting::new(5, 20, 1.0, ReplaceGrowing, Reused, 10).case(&[2, 5, 10])?.check(ids::REPLACE_GROWING)])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let (d, t, n) = (5, 20, 100);
    let setup = setup(d, t, 1.0, Spectrum::Identity)?;
    let base = LinearTheory::new(&setup)?.base();
    let mut panel = Panel::new(format!("d = {d}, T = {t}, sigma = 1"), ITERATION, TEST_ERROR).log(true, false);
    panel.series.extend(both(&over_designs(&setup, ReplaceGrowing, Reused, n, mc)?, TestError, "base H_n", 0)?);
    panel.series.push(Series::bound("base (1 + ln n)", 1, generations(n), generations(n).map(|g| base * (1.0 + g.ln()))));
    panel.series.push(Series::bound("base ln(n + 1)", 2, generations(n), generations(n).map(|g| base * (g + 1.0).ln())));
    let settings = "replace-growing: generation n fits n relabellings (n T rows) of the design by the newest model only; d = 5, \
                    T = 20, sigma = 1, identity covariance, reused design; base = sigma^2 d/(T-d-1). The harmonic number \
                    H_n = sum_{i<=n} 1/i lies between ln(n + 1) and 1 + ln n (dotted): the error still grows without bound, \
                    like ln n (a straight line on the log axis) instead of replace's n";
    Ok(Figure::new(ids::REPLACE_GROWING, format!("{}: base H_n", ids::REPLACE_GROWING), settings, mc, 1, vec![panel]))
}
