//! `linear-conditional`: one given design, expectations over the label noise only.

use super::{ITERATION, Setting, TEST_ERROR, given, setup};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series, both, generations};
use crate::linear::Design::Reused;
use crate::linear::design::FixedDesign::Seed;
use crate::linear::model::LinearMetric::TestError;
use crate::linear::theory::{LinearTheory, ids};
use crate::mc::MonteCarlo;
use crate::schedule::Regime::{Accumulate, Replace};
use crate::spectrum::Spectrum;
use crate::theorem::{Entry, Theorem};
use crate::verify::Check;

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::CONDITIONAL,
        statement: "one given design X: E[test error at generation n | X] = sigma^2 tr(Sigma (X^T X)^{-1}) times n (replace) or sum_{i<=n} 1/i^2 (accumulate); needs only T >= d",
        source: "Dohmatob, Feng, Kempe (2024), Sec. 4 (conditional form); Gerstgrasser et al. (2024), Sec. 3",
        check: "chains sharing one seeded design, noise redrawn per replicate, including T = d + 1 where the unconditional mean is infinite",
    },
    checks,
    figure: FigureSpec { replicates: 2000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    Ok(vec![
        Setting::new(10, 100, 1.0, Replace, Reused, 20).given(7).case(&[1, 20])?.check(ids::CONDITIONAL),
        Setting::new(5, 6, 1.0, Accumulate, Reused, 10).spectrum(Spectrum::PowerLaw(1.0)).given(11).case(&[1, 10])?.check(ids::CONDITIONAL),
    ])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    // Left: replace on three designs, each with its own closed form, and the mean over designs.
    let (d, t, n) = (10, 20, 30);
    let setup_left = setup(d, t, 1.0, Spectrum::Identity)?;
    let mut left = Panel::new(format!("replace, d = {d}, T = {t}: three designs"), ITERATION, TEST_ERROR);
    for (key, seed) in [(2, 18), (3, 14), (4, 9)] {
        let run = given(&setup_left, Replace, n, Seed(seed), mc)?;
        left.series.extend(both(&run, TestError, &format!("design seed {seed}"), key)?);
    }
    let mean = LinearTheory::new(&setup_left)?.curve(&Replace, Reused, n)?;
    left.series.push(Series::bound("mean over designs", 6, generations(n), mean.values));
    // Right: T = d + 1, where the mean over designs is infinite but the conditional one is not.
    let (n, seed) = (30, 11);
    let setup_right = setup(5, 6, 1.0, Spectrum::PowerLaw(1.0))?;
    let mut right = Panel::new(format!("d = 5, T = 6 (= d + 1), design seed {seed}"), ITERATION, TEST_ERROR).log(false, true);
    for (key, regime) in [(0, Replace), (1, Accumulate)] {
        let label = regime.to_string();
        right.series.extend(both(&given(&setup_right, regime, n, Seed(seed), mc)?, TestError, &label, key)?);
    }
    let settings = "The replicates of a run share one design X drawn from the seed and redraw the label noise; sigma = 1. Closed \
                    forms sigma^2 tr(Sigma (X^T X)^{-1}) times n (replace) or sum_{i<=n} 1/i^2 (accumulate). Left: replace, \
                    d = 10, T = 20, identity covariance, three designs; dotted: the mean over designs n sigma^2 d/(T-d-1). \
                    Right: d = 5, T = 6, power-law spectrum lambda_k = 1/k, one design, replace and accumulate; here the mean \
                    over designs is infinite (T < d + 2), the conditional one is not";
    let title = format!("{}: one given design, averaged over the label noise only", ids::CONDITIONAL);
    Ok(Figure::new(ids::CONDITIONAL, title, settings, mc, 2, vec![left, right]))
}
