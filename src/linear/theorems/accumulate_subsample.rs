//! `linear-accumulate-subsample`: `T` rows drawn from the growing pool; exact
//! for the constant design, a large-`T` reference for Gaussian designs.

use super::{ITERATION, Setting, given, over_designs, setup};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series, Style, generations, values};
use crate::linear::Design::Reused;
use crate::linear::design::FixedDesign::Ones;
use crate::linear::model::LinearMetric::TestError;
use crate::linear::theory::{LinearTheory, ids};
use crate::location::{SUBSAMPLE_LIMIT, subsample_factors};
use crate::mc::MonteCarlo;
use crate::schedule::Regime::{Accumulate, AccumulateSubsample};
use crate::special::harmonic2;
use crate::spectrum::Spectrum;
use crate::stats::Summary;
use crate::theorem::{Entry, Theorem};
use crate::verify::Check;

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::ACCUMULATE_SUBSAMPLE,
        statement: "accumulate-subsample (T rows drawn without replacement from the n T pooled rows): exact for the constant design x = 1 by a covariance recursion; for Gaussian designs asymptotically (T -> infinity) E / base -> v_n = 3 sum_{i<=n} 1/i^2 - 2 -> pi^2/2 - 2 = 2.9348 (at T = 1 it grows like H_n)",
        source: "Kazdan et al. (2024), accumulate-subsample; the recursion's closed form and its limit pi^2/2 - 2 derived for this project",
        check: "the exact constant-design formula against simulated chains (T = 3 and 20); control: accumulate's formula is rejected; Gaussian designs are shown, not asserted, by `collapse simulate` (the asymptotic gap)",
    },
    checks,
    figure: FigureSpec { replicates: 4000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    let control = Setting::new(1, 3, 1.0, AccumulateSubsample, Reused, 20).fixed(Ones);
    let control = control.case(&[20])?.against("the accumulate formula", control.regime(Accumulate).model()?);
    Ok(vec![
        Setting::new(1, 3, 1.0, AccumulateSubsample, Reused, 20).fixed(Ones).case(&[2, 5, 20])?.check(ids::ACCUMULATE_SUBSAMPLE),
        Setting::new(1, 20, 2.0, AccumulateSubsample, Reused, 10).fixed(Ones).case(&[3, 10])?.check(ids::ACCUMULATE_SUBSAMPLE),
        control.check(ids::ACCUMULATE_SUBSAMPLE),
    ])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let n = 50;
    let reference: Vec<f64> = subsample_factors(n);
    let accumulate: Vec<f64> = (1..=n).map(harmonic2).collect();
    let y_label = "error / generation-1 error";
    // Left: the location model, exact for every T.
    let mut exact = Panel::new("constant design x = 1 (d = 1): exact", ITERATION, y_label);
    for (key, t) in [(0, 1), (1, 3), (2, 20)] {
        let run = given(&setup(1, t, 1.0, Spectrum::Identity)?, AccumulateSubsample, n, Ones, mc)?;
        let first = 1.0 / t as f64; // sigma^2 / T
        let label = format!("x = 1, T = {t}");
        exact.series.push(Series::theory(&label, key, generations(n), values(run.closed_form(TestError))?.iter().map(|v| v / first)));
        let summaries: Vec<Summary> = run.summaries.iter().map(|s| s.rescaled(|x| x / first)).collect();
        exact.series.push(Series::simulation(&label, key, generations(n), &summaries));
    }
    // Right: Gaussian designs, against the large-T reference.
    let d = 5;
    let mut gaussian = Panel::new(format!("Gaussian design, d = {d}: large-T reference"), ITERATION, y_label);
    for (key, t) in [(3, 20), (4, 50), (5, 200)] {
        let setup = setup(d, t, 1.0, Spectrum::Identity)?;
        let base = LinearTheory::new(&setup)?.base();
        let run = over_designs(&setup, AccumulateSubsample, Reused, n, mc)?;
        let summaries: Vec<Summary> = run.summaries.iter().map(|s| s.rescaled(|x| x / base)).collect();
        gaussian.series.push(Series::simulation(format!("Gaussian X, T = {t}"), key, generations(n), &summaries));
    }
    for panel in [&mut exact, &mut gaussian] {
        panel.series.push(Series::bound("3 H_2(n) - 2 (T -> inf)", 6, generations(n), reference.clone()));
        panel.series.push(Series::plain("accumulate: H_2(n)", Style::Thin, 6, generations(n), accumulate.clone()));
    }
    let settings = format!(
        "accumulate-subsample: generation n fits T rows drawn without replacement from the n T rows of batches 1..n; \
         sigma = 1; errors in units of generation 1's. Left: the constant design x = 1 (each fit the mean of its \
         labels), T = 1, 3, 20, exact by the covariance recursion (at T = 1 it grows like H_n). Right: Gaussian \
         designs (reused, identity covariance), d = {d}, T = 20, 50, 200, against the large-T reference \
         3 H_2(n) - 2 -> pi^2/2 - 2 = {SUBSAMPLE_LIMIT:.4} (dotted), H_2(n) = sum_(i<=n) 1/i^2; thin: accumulate \
         without subsampling, H_2(n)"
    );
    let title = format!("{}: T rows drawn from the growing pool", ids::ACCUMULATE_SUBSAMPLE);
    Ok(Figure::new(ids::ACCUMULATE_SUBSAMPLE, title, &settings, mc, 2, vec![exact, gaussian]))
}
