//! `linear-ridge`: ridge regression in the loop, exact for one given design.

use super::{Setting, TEST_ERROR, given, setup};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series};
use crate::linear::Design::Reused;
use crate::linear::design::FixedDesign::Seed;
use crate::linear::design::GivenDesign;
use crate::linear::model::LinearMetric::TestError;
use crate::linear::ridge::RidgeTheory;
use crate::linear::theory::ids;
use crate::mc::MonteCarlo;
use crate::schedule::Regime::{Accumulate, Mix, Replace};
use crate::spectrum::Spectrum;
use crate::stats::Summary;
use crate::theorem::{Entry, Theorem};
use crate::verify::Check;

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::RIDGE,
        statement: "ridge with penalty lambda (kappa = T lambda), one given design, any schedule: per eigendirection of X^T X a scalar recursion with contraction a = s/(s + kappa); E[test error | X] = bias (V diag(mu_n(a) - 1) V^T w*, Sigma-norm) + sum_j (V^T Sigma V)_jj s_j/(s_j + kappa)^2 sum_b c_{n,b}(a_j)^2 sigma_b^2; replace mu_n = a^n, accumulate mu_n = prod (i - 1 + a)/i",
        source: "ridge in the loop of Dohmatob, Feng, Kempe (2024); the schedule-general recursion derived for this project",
        check: "replace, accumulate and mix:0.3 on given designs with lambda > 0; control: the least-squares formula is rejected",
    },
    checks,
    figure: FigureSpec { replicates: 1000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    let control = Setting::new(5, 20, 1.0, Replace, Reused, 10).given(17);
    let control = control.clone().ridge(0.5).case(&[10])?.against("the least-squares formula", control.model()?);
    Ok(vec![
        Setting::new(5, 20, 1.0, Replace, Reused, 10).ridge(0.5).given(17).case(&[1, 5, 10])?.check(ids::RIDGE),
        Setting::new(5, 20, 1.0, Accumulate, Reused, 20).spectrum(Spectrum::PowerLaw(1.0)).ridge(2.0).given(19).case(&[2, 20])?.check(ids::RIDGE),
        Setting::new(3, 3, 0.5, Mix(0.3), Reused, 10).ridge(0.2).given(23).case(&[3, 10])?.check(ids::RIDGE),
        control.check(ids::RIDGE),
    ])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let (d, t, sigma, seed) = (20, 100, 0.5, 3);
    let spectrum = Spectrum::PowerLaw(1.0);
    let shown: [u64; 4] = [1, 5, 20, 50];
    let last = shown[shown.len() - 1];
    let grid: Vec<f64> = (0..=60).map(|i| 10f64.powf(-3.0 + 5.0 * i as f64 / 60.0)).collect();
    let simulated: Vec<f64> = (0..=10).map(|i| 10f64.powf(-3.0 + 0.5 * i as f64)).collect();
    let plain = setup(d, t, sigma, spectrum.clone())?;
    let null = spectrum.eigenvalues(d).iter().sum::<f64>() / d as f64; // ||w*||^2_Sigma: the error of w = 0
    let mut panels = Vec::new();
    for regime in [Replace, Accumulate] {
        let mut panel = Panel::new(format!("{regime}"), "penalty lambda", TEST_ERROR).log(true, true);
        // Closed forms on the grid: one RidgeTheory per lambda, every generation at once.
        let plan = regime.unroll(last);
        let mut curves = Vec::new();
        for &lambda in &grid {
            let setup = plain.clone().with_ridge(lambda)?;
            let design = GivenDesign::new(&setup, Seed(seed))?;
            curves.push(RidgeTheory::new(design.gram(), &setup).curve(&plan).values);
        }
        let mut runs = Vec::new();
        for &lambda in &simulated {
            runs.push(given(&plain.clone().with_ridge(lambda)?, regime.clone(), last, Seed(seed), mc)?);
        }
        for (key, &g) in shown.iter().enumerate() {
            let at = g as usize - 1;
            let label = format!("n = {g}");
            panel.series.push(Series::theory(&label, key, grid.iter().copied(), curves.iter().map(|c| c[at])));
            let summaries: Vec<Summary> = runs.iter().map(|r| r.summary(TestError, g)).collect();
            panel.series.push(Series::simulation(&label, key, simulated.iter().copied(), &summaries));
        }
        panel.series.push(Series::bound("null model w = 0", 6, [grid[0], grid[grid.len() - 1]], [null, null]));
        panels.push(panel);
    }
    let settings = format!(
        "Ridge regression, argmin (1/N) ||y - X w||^2 + lambda ||w||^2, in the loop; one design X (seed {seed}) \
         shared by every replicate, d = {d}, T = {t}, sigma = {sigma}, power-law spectrum lambda_k = 1/k, \
         w* = (1, ..., 1)/sqrt(d). Closed form (bias + variance per eigendirection of X^T X) on a grid of lambda, \
         simulations at lambda = 10^-3, 10^-2.5, ..., 100, at generations n = 1, 5, 20, 50; dotted: the error \
         ||w*||^2_Sigma = {null:.3} of the null model w = 0, the limit of large lambda. Under replace the \
         U-shapes rise with n until the best penalty is the null model; under accumulate they stay near generation 1's"
    );
    let title = format!("{}: the U-shape in lambda rises with the generation n", ids::RIDGE);
    Ok(Figure::new(ids::RIDGE, title, &settings, mc, 2, panels).sharing_y(&[&[0, 1]]))
}
