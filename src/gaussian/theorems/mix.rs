//! `gaussian-mix`: a known-variance mean fitted on real and synthetic points.

use super::{Setting, both_scaled, level};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series, Style};
use crate::gaussian::Estimator::KnownVariance;
use crate::gaussian::GaussianRegime::{self, FreshReal, Mix};
use crate::gaussian::GaussianSetup;
use crate::gaussian::theory::{Metric, ids, mix_mean_factor};
use crate::mc::MonteCarlo;
use crate::model::Run;
use crate::spectrum::Spectrum;
use crate::theorem::{Entry, Theorem};
use crate::verify::{Case, Check};

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::MIX,
        statement: "known variance, n_r real and n_s synthetic points, p = n_s/(n_r + n_s): E (mu_n - mu)^2 = (sigma^2/n_r)(1 + 2p - p^(2n-1))/(1 + p) -> (sigma^2/n_r)(1 + 2p)/(1 + p) with a fixed real sample; (sigma^2/n_r)(1 + p^(2n-1))/(1 + p) -> sigma^2/(n_r (1 + p)) with fresh real data",
        source: "Bertrand et al. (2024); Alemohammad et al. (2024); the Gaussian-mean formulas derived for this project",
        check: "mix:0.25 and fresh-real:0.75 at M = 12 (n_r = 3, n_s = 9) up to n = 25; control: the fresh formula for the fixed real sample",
    },
    checks,
    figure: FigureSpec { replicates: 16000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    let setting = |regime| Setting::new(12, KnownVariance, regime, 25).sigma(2.0);
    let mean = |regime| -> Result<Check> { Ok(Case::new(setting(regime).setup()?).at(Metric::MeanError, &[1, 2, 3, 25]).check(ids::MIX)) };
    let fresh = FreshReal(0.75);
    let control = Case::new(setting(Mix(0.25)).setup()?).at(Metric::MeanError, &[3, 25]).against(format!("the {fresh} formula"), setting(fresh).setup()?);
    Ok(vec![mean(Mix(0.25))?, mean(fresh)?, control.check(ids::MIX)])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let id = ids::MIX;
    let (real, m, n) = (3usize, 12usize, 25u64);
    let p = (m - real) as f64 / m as f64;
    let share = real as f64 / m as f64;
    let known = |samples: usize, regime: GaussianRegime, n: u64| {
        GaussianSetup::new(1, samples, 1.0, Spectrum::Identity, KnownVariance, regime, n)
    };
    // In units of sigma^2 / n_r (sigma = 1).
    let unit = real as f64;
    let mut time =
        Panel::new(format!("(a) n_r = {real}, n_s = {}, p = {p}", m - real), "generation n", "E (mu_n - mu)^2 / (sigma^2 / n_r)");
    time.series.push(Series::plain("n_r real points alone", Style::Thin, 6, [1.0, n as f64], [1.0; 2]));
    time.series.extend(both_scaled(&Run::new(known(m, Mix(share), n)?, mc)?, Metric::MeanError, "fixed real sample", 0, unit)?);
    time.series.extend(both_scaled(&Run::new(known(m, FreshReal(1.0 - share), n)?, mc)?, Metric::MeanError, "fresh real sample", 1, unit)?);
    time.series.push(level("limit (1 + 2p) / (1 + p)", 0, n, (1.0 + 2.0 * p) / (1.0 + p)));
    time.series.push(level("limit 1 / (1 + p)", 1, n, 1.0 / (1.0 + p)));

    // The synthetic share p at fixed n_r: M = n_r / (1 - p).
    let mut shares =
        Panel::new(format!("(b) generation {n}, n_r = {real}"), "synthetic share p = n_s / M", "E (mu_n - mu)^2 / (sigma^2 / n_r)");
    let grid: Vec<f64> = (0..=95).map(|i| i as f64 / 100.0).collect();
    let sizes = [4usize, 6, 12, 24, 48];
    let ps = || sizes.iter().map(|&size| (size - real) as f64 / size as f64);
    for (fresh, label, key) in [(false, "fixed real sample", 0), (true, "fresh real sample", 1)] {
        shares.series.push(Series::theory(label, key, grid.iter().copied(), grid.iter().map(|&q| mix_mean_factor(q, n, fresh))));
        let mut at_n = Vec::new();
        for &size in &sizes {
            let lambda = real as f64 / size as f64;
            let regime = if fresh { FreshReal(1.0 - lambda) } else { Mix(lambda) };
            let run = Run::new(known(size, regime, n)?, mc)?;
            at_n.push(run.summary(Metric::MeanError, n).rescaled(|x| x * unit));
        }
        shares.series.push(Series::simulation(label, key, ps(), &at_n));
    }
    let fixed_limit = grid.iter().map(|&q| (1.0 + 2.0 * q) / (1.0 + q));
    shares.series.push(Series::bound("limit (1 + 2p) / (1 + p)", 0, grid.iter().copied(), fixed_limit));
    shares.series.push(Series::bound("limit 1 / (1 + p)", 1, grid.iter().copied(), grid.iter().map(|&q| 1.0 / (1.0 + q))));
    let settings = format!(
        "One dimension, known variance (sigma = 1): each generation fits the mean of n_r real and n_s = M - n_r synthetic points, p = n_s / M. \
         Fixed (mix:{share}): the same real sample every generation, E (mu_n - mu)^2 = (sigma^2 / n_r)(1 + 2p - p^(2n-1))/(1 + p), rising to \
         (1 + 2p)/(1 + p) < 3/2 in units of sigma^2 / n_r; fresh (fresh-real:{}): a new real sample every generation, (sigma^2 / n_r)(1 + p^(2n-1))/(1 + p), \
         falling to 1/(1 + p). (a) M = {m} over generations; (b) generation {n} against p, M = {sizes:?} (p = {:?})",
        1.0 - share,
        ps().collect::<Vec<_>>()
    );
    let title = format!("{id}: fixed real data keep the error below 3/2, fresh real data lower it");
    Ok(Figure::new(id, title, &settings, mc, 2, vec![time, shares]))
}
