//! The Gaussian family's figures: every closed form drawn as a line over the
//! Monte Carlo mean and its band of two standard errors, with the bound or
//! limit where one exists.
//!
//! Under replace with a fitted variance, `sigma_n^2`, `(mu_n - mu)^2` and
//! `W2^2` are heavy-tailed (unbiased: `Var sigma_n^2 = sigma^4
//! (((M+1)/(M-1))^n - 1)`), so their means are simulated only for `n <= M`,
//! where a standard error is a fair yardstick (as in [`super::checks`]); the
//! long horizons are drawn with light-tailed quantities: `sigma_n`,
//! `log sigma_n^2`, the probability of collapse, and the mle chain (whose
//! fourth moments shrink).

use super::sim::GaussianChain;
use super::theory::{GaussianTheory, Metric, log_drift, mix_mean_factor};
use super::{Estimator, GaussianSetup};
use crate::error::{Error, Result};
use crate::figure::{Figure, FigureSpec, Panel, Point, Series, Style, generations};
use crate::linear::Regime;
use crate::linear::theory::{subsample_factors, subsample_location_factors};
use crate::mc::{Chain, MonteCarlo};
use crate::spectrum::Spectrum;
use crate::stats::Summary;
use std::f64::consts::PI;

/// The Gaussian family's figures.
pub const FIGURES: [FigureSpec; 7] = [
    FigureSpec { id: "gaussian-replace-variance", replicates: 4000, build: replace_variance },
    FigureSpec { id: "gaussian-replace-mean", replicates: 8000, build: replace_mean },
    FigureSpec { id: "gaussian-replace-wasserstein", replicates: 8000, build: replace_wasserstein },
    FigureSpec { id: "gaussian-multivariate", replicates: 8000, build: multivariate },
    FigureSpec { id: "gaussian-accumulate", replicates: 16000, build: accumulate },
    FigureSpec { id: "gaussian-mix", replicates: 16000, build: mix },
    FigureSpec { id: "gaussian-accumulate-subsample", replicates: 16000, build: accumulate_subsample },
];

/// A one-dimensional setup with `sigma = 1`.
fn scalar(samples: usize, estimator: Estimator, regime: Regime, n: u64) -> Result<GaussianSetup> {
    GaussianSetup::new(1, samples, 1.0, Spectrum::Identity, estimator, regime, n)
}

/// A simulated setting: the chain's summaries, generation by generation.
struct Run {
    setup: GaussianSetup,
    chain: GaussianChain,
    summaries: Vec<Summary>,
}

impl Run {
    fn new(setup: GaussianSetup, mc: &MonteCarlo) -> Result<Self> {
        let chain = GaussianChain::new(&setup);
        Ok(Run { summaries: mc.run(&chain)?, setup, chain })
    }

    fn generations(&self) -> u64 {
        self.setup.generations()
    }

    /// The summaries of `metric` for generations `1..=upto` (at most `n`).
    fn metric(&self, metric: Metric, upto: u64) -> Vec<Summary> {
        (1..=upto.min(self.generations())).map(|g| self.summaries[self.chain.index(metric, g)]).collect()
    }

    /// The closed form of `metric` for generations `1..=n`.
    fn curve(&self, metric: Metric) -> Result<Vec<f64>> {
        GaussianTheory::new(&self.setup)
            .curve(metric)
            .map(|r| r.values)
            .ok_or_else(|| Error::Numerical(format!("no closed form of {metric} for {}", self.setup.describe())))
    }

    /// The closed form of `metric` as a line over every generation.
    fn line(&self, metric: Metric, label: &str, key: usize) -> Result<Series> {
        Ok(Series::theory(label, key, generations(self.generations()), self.curve(metric)?))
    }

    /// The Monte Carlo means of `metric` for generations `1..=upto`, times `factor`.
    fn simulated(&self, metric: Metric, label: &str, key: usize, upto: u64, factor: f64) -> Series {
        let summaries: Vec<Summary> = self.metric(metric, upto).iter().map(|s| scaled(s, factor)).collect();
        Series::simulation(label, key, generations(upto.min(self.generations())), &summaries)
    }

    /// The closed form over every generation, the simulation for generations `1..=upto`.
    fn both(&self, metric: Metric, label: &str, key: usize, upto: u64) -> Result<Vec<Series>> {
        Ok(vec![self.line(metric, label, key)?, self.simulated(metric, label, key, upto, 1.0)])
    }

    /// [`Run::both`] over every generation, closed form and simulation times `factor`.
    fn both_scaled(&self, metric: Metric, label: &str, key: usize, factor: f64) -> Result<Vec<Series>> {
        let line = self.curve(metric)?.into_iter().map(|v| v * factor);
        let n = self.generations();
        Ok(vec![Series::theory(label, key, generations(n), line), self.simulated(metric, label, key, n, factor)])
    }
}

/// A summary of `factor` times the quantity (`factor > 0`).
fn scaled(s: &Summary, factor: f64) -> Summary {
    Summary {
        replicates: s.replicates,
        mean: s.mean * factor,
        std_dev: s.std_dev * factor,
        std_error: s.std_error * factor,
        ci_low: s.ci_low * factor,
        ci_high: s.ci_high * factor,
    }
}

/// A horizontal line over generations `1..=n`.
fn level(label: &str, key: usize, n: u64, value: f64) -> Series {
    Series::bound(label, key, [1.0, n as f64], [value; 2])
}

/// The sample median of `metric` at generations `1..=n` over the kept replicates, with the
/// distribution-free interval between the order statistics of ranks `R/2 -+ sqrt(R)`
/// (about 95%).
fn sample_median(chain: &GaussianChain, values: &[f64], metric: Metric, label: &str, key: usize) -> Series {
    let width = chain.width();
    let replicates = values.len() / width;
    let n = chain.setup().generations();
    let half = 0.5 * replicates as f64;
    let spread = (replicates as f64).sqrt();
    let rank = |r: f64| (r.round().max(0.0) as usize).min(replicates.saturating_sub(1));
    let points = (1..=n)
        .map(|g| {
            let i = chain.index(metric, g);
            let mut column: Vec<f64> = values.chunks_exact(width).map(|row| row[i]).collect();
            column.sort_by(f64::total_cmp);
            let median =
                if replicates % 2 == 1 { column[replicates / 2] } else { 0.5 * (column[replicates / 2 - 1] + column[replicates / 2]) };
            Point { x: g as f64, y: median, band: Some((column[rank(half - spread)], column[rank(half + spread - 1.0)])) }
        })
        .collect();
    Series { label: label.into(), style: Style::Simulation, key, points }
}

fn replace_variance(mc: &MonteCarlo) -> Result<Figure> {
    let id = "gaussian-replace-variance";
    let (m, n, eps, fan) = (20, 100, 0.01, 40);
    let unbiased_setup = scalar(m, Estimator::Unbiased, Regime::Replace, n)?.with_threshold(eps)?;
    let chain = GaussianChain::new(&unbiased_setup);
    let (summaries, values) = mc.run_keeping(&chain)?;
    let unbiased = Run { setup: unbiased_setup, chain, summaries };
    let mle = Run::new(scalar(m, Estimator::Mle, Regime::Replace, n)?.with_threshold(eps)?, mc)?;
    let accumulate = Run::new(scalar(m, Estimator::Mle, Regime::Accumulate, n)?, mc)?;
    let chain = &unbiased.chain;

    // (a) The fan: every chain collapses, the median geometrically, the mean slowly.
    let mut sd = Panel::new(format!("(a) replace, unbiased: {fan} chains"), "generation n", "sigma_n / sigma").log(false, true);
    let width = chain.width();
    for (r, row) in values.chunks_exact(width).take(fan).enumerate() {
        let ys: Vec<f64> = (1..=n).map(|g| row[chain.index(Metric::SdRatio, g)]).collect();
        sd.series.push(Series::plain(if r == 0 { "one chain" } else { "" }, Style::Thin, 6, generations(n), ys));
    }
    sd.series.push(level("sqrt(E sigma_n^2)/sigma = 1", 5, n, 1.0));
    let medians = GaussianTheory::new(&unbiased.setup)
        .median_curve(Metric::LogVarianceRatio)
        .ok_or_else(|| Error::Numerical(format!("no median of log sigma_n^2 for {}", unbiased.setup.describe())))?;
    sd.series.push(Series::theory("median of sigma_n / sigma", 3, generations(n), medians.iter().map(|q| (0.5 * q).exp())));
    sd.series.push(sample_median(chain, &values, Metric::SdRatio, "median of sigma_n / sigma", 3));
    sd.series.extend(unbiased.both(Metric::SdRatio, "E sigma_n / sigma = c_M^n", 0, n)?);

    // (b) E log sigma_n^2: a straight line down.
    let mut log = Panel::new("(b) E log sigma_n^2 falls linearly", "generation n", "E log(sigma_n^2 / sigma^2)");
    log.series.extend(unbiased.both(Metric::LogVarianceRatio, "replace, unbiased", 0, n)?);
    log.series.extend(mle.both(Metric::LogVarianceRatio, "replace, mle", 1, n)?);

    // (c) The probability of collapse tends to 1.
    let mut collapse = Panel::new(format!("(c) P(sigma_n^2 < eps sigma^2), eps = {eps}"), "generation n", "P(sigma_n^2 < eps sigma^2)");
    collapse.series.extend(unbiased.both(Metric::Collapsed, "replace, unbiased", 0, n)?);
    collapse.series.extend(mle.both(Metric::Collapsed, "replace, mle", 1, n)?);

    // (d) Accumulate beside replace (mle): a positive limit against r^n.
    let x = PI / (m as f64).sqrt();
    let mut pooled = Panel::new("(d) mle: accumulate keeps the variance", "generation n", "E sigma_n^2 / sigma^2");
    pooled.series.extend(mle.both(Metric::VarianceRatio, "replace, mle", 1, m as u64)?);
    pooled.series.extend(accumulate.both(Metric::VarianceRatio, "accumulate, mle", 2, n)?);
    pooled.series.push(level("accumulate limit (mle)", 2, n, x.sin() / x));

    let settings = format!(
        "One dimension, M = {m} points per generation, sigma = 1, n = {n} generations; unbiased (k = M - 1) and mle (k = M) fits. \
         (a) {fan} unbiased chains (thin), the exact median exp(m_n / 2) of sigma_n / sigma (m_n the median of log(sigma_n^2 / sigma^2), \
         by inversion of its characteristic function) over the sample median with its distribution-free 95% interval (ranks R/2 -+ sqrt R), \
         E sigma_n / sigma = c_M^n, and sqrt(E sigma_n^2) / sigma = 1; (b) E log(sigma_n^2 / sigma^2) = n (psi((M-1)/2) + log(2/k)); \
         (c) the probability of collapse, eps = {eps}, evaluated numerically; (d) E sigma_n^2 / sigma^2 = r^n under replace (simulated for \
         n <= M only: sigma_n^2 is heavy-tailed) against prod_j (1 - 1/(M j^2)) under accumulate, whose limit is sin(pi/sqrt M)/(pi/sqrt M) = {:.4}. \
         E W2^2 is drawn in gaussian-replace-wasserstein",
        x.sin() / x
    );
    Ok(Figure::new(
        id,
        format!("{id}: sigma_n -> 0 under replace, though E sigma_n^2 = sigma^2"),
        &settings,
        mc,
        2,
        vec![sd, log, collapse, pooled],
    ))
}

fn replace_mean(mc: &MonteCarlo) -> Result<Figure> {
    let id = "gaussian-replace-mean";
    let (m, long) = (20, 200);
    let short = m as u64;
    let mut near = Panel::new(format!("(a) n <= M = {m}: every fit"), "generation n", "E (mu_n - mu)^2");
    near.series.extend(Run::new(scalar(m, Estimator::Unbiased, Regime::Replace, short)?, mc)?.both(
        Metric::MeanError,
        "unbiased",
        0,
        short,
    )?);
    near.series.extend(Run::new(scalar(m, Estimator::Mle, Regime::Replace, short)?, mc)?.both(Metric::MeanError, "mle", 1, short)?);
    near.series.extend(Run::new(scalar(m, Estimator::KnownVariance, Regime::Replace, short)?, mc)?.both(
        Metric::MeanError,
        "known variance",
        2,
        short,
    )?);
    near.series.push(level("mle limit sigma^2", 1, short, 1.0));
    let mut far = Panel::new(format!("(b) n <= {long}: light-tailed fits"), "generation n", "E (mu_n - mu)^2");
    far.series.extend(Run::new(scalar(m, Estimator::KnownVariance, Regime::Replace, long)?, mc)?.both(
        Metric::MeanError,
        "known variance",
        2,
        long,
    )?);
    far.series.extend(Run::new(scalar(m, Estimator::Mle, Regime::Replace, long)?, mc)?.both(Metric::MeanError, "mle", 1, long)?);
    far.series.push(level("mle limit sigma^2", 1, long, 1.0));
    let settings = format!(
        "One dimension, replace, M = {m}, sigma = 1. E (mu_n - mu)^2 = n sigma^2 / M for the unbiased fit and for a known variance, \
         sigma^2 (1 - r^n) for the mle, r = (M-1)/M. (a) n <= M; (b) n <= {long}, the known variance and the mle only: the unbiased \
         chain has the same mean n sigma^2 / M, but (mu_n - mu)^2 inherits the heavy tail of sigma_n^2 (its variance grows like \
         ((M+1)/(M-1))^n), so it is simulated for n <= M only"
    );
    Ok(Figure::new(id, format!("{id}: E (mu_n - mu)^2 = n sigma^2 / M grows without bound (M = {m})"), &settings, mc, 2, vec![near, far]))
}

fn replace_wasserstein(mc: &MonteCarlo) -> Result<Figure> {
    let id = "gaussian-replace-wasserstein";
    let (m, long) = (20, 100);
    let short = m as u64;
    let unbiased_short = Run::new(scalar(m, Estimator::Unbiased, Regime::Replace, short)?, mc)?;
    let mut near = Panel::new(format!("(a) n <= M = {m}"), "generation n", "E W2^2");
    near.series.push(Series::plain(
        "(3/2) n sigma^2 / M",
        Style::Thin,
        6,
        generations(short),
        generations(short).map(|g| 1.5 * g / m as f64),
    ));
    near.series.extend(unbiased_short.both(Metric::Wasserstein, "unbiased", 0, short)?);
    near.series.extend(Run::new(scalar(m, Estimator::Mle, Regime::Replace, short)?, mc)?.both(Metric::Wasserstein, "mle", 1, short)?);
    near.series.push(level("mle bound 2 sigma^2", 1, short, 2.0));
    let unbiased_long = GaussianTheory::new(&scalar(m, Estimator::Unbiased, Regime::Replace, long)?)
        .curve(Metric::Wasserstein)
        .ok_or_else(|| Error::Numerical("no closed form of the unbiased W2^2".into()))?;
    let mut far = Panel::new(format!("(b) n <= {long}"), "generation n", "E W2^2").log(true, true);
    far.series.push(Series::theory("unbiased", 0, generations(long), unbiased_long.values));
    far.series.extend(Run::new(scalar(m, Estimator::Mle, Regime::Replace, long)?, mc)?.both(Metric::Wasserstein, "mle", 1, long)?);
    far.series.push(level("mle bound 2 sigma^2", 1, long, 2.0));
    let settings = format!(
        "One dimension, replace, M = {m}, sigma = 1; W2^2 = (mu_n - mu)^2 + (sigma_n - sigma)^2. E W2^2 = n sigma^2 / M + 2 sigma^2 (1 - c_M^n) \
         (unbiased, unbounded; about (3/2) n sigma^2 / M while n << M) and 2 sigma^2 (1 - (c_M sqrt r)^n) < 2 sigma^2 (mle). (a) n <= M; \
         (b) n <= {long}, log axes: the unbiased closed form alone (its W2^2 inherits the heavy tail of sigma_n^2 and (mu_n - mu)^2, \
         so it is simulated for n <= M only) and the mle simulated throughout"
    );
    Ok(Figure::new(id, format!("{id}: E W2^2 unbounded (unbiased), below 2 sigma^2 (mle)"), &settings, mc, 2, vec![near, far]))
}

fn multivariate(mc: &MonteCarlo) -> Result<Figure> {
    let id = "gaussian-multivariate";
    let (d, m, n, eps) = (3, 10, 50, 0.01);
    let spectrum = Spectrum::PowerLaw(1.0);
    let setup = |estimator, n| -> Result<GaussianSetup> {
        GaussianSetup::new(d, m, 1.0, spectrum.clone(), estimator, Regime::Replace, n)?.with_threshold(eps)
    };
    let unbiased = Run::new(setup(Estimator::Unbiased, n)?, mc)?;
    let mle = Run::new(setup(Estimator::Mle, n)?, mc)?;
    let short = m as u64;
    let unbiased_short = Run::new(setup(Estimator::Unbiased, short)?, mc)?;
    let mle_short = Run::new(setup(Estimator::Mle, short)?, mc)?;

    let mut log_det = Panel::new("(a) E log det Sigma_n drifts linearly", "generation n", "E log(det Sigma_n / det Sigma)");
    let naive = d as f64 * log_drift(m, 1, (m - 1) as f64);
    log_det.series.push(Series::plain("d x 1-D drift (unbiased)", Style::Thin, 6, generations(n), generations(n).map(|g| g * naive)));
    log_det.series.extend(unbiased.both(Metric::LogVarianceRatio, "unbiased", 0, n)?);
    log_det.series.extend(mle.both(Metric::LogVarianceRatio, "mle", 1, n)?);
    let mut collapse = Panel::new(format!("(b) P((det Sigma_n / det Sigma)^(1/d) < {eps})"), "generation n", "P(collapsed at n)");
    collapse.series.extend(unbiased.both(Metric::Collapsed, "unbiased", 0, n)?);
    collapse.series.extend(mle.both(Metric::Collapsed, "mle", 1, n)?);
    let mut trace = Panel::new(format!("(c) the trace, n <= M = {m}"), "generation n", "E tr Sigma_n / tr Sigma");
    trace.series.extend(unbiased_short.both(Metric::VarianceRatio, "unbiased", 0, short)?);
    trace.series.extend(mle_short.both(Metric::VarianceRatio, "mle", 1, short)?);
    let mut mean = Panel::new(format!("(d) the mean, n <= M = {m}"), "generation n", "E ||mu_n - mu||^2");
    mean.series.extend(unbiased_short.both(Metric::MeanError, "unbiased", 0, short)?);
    mean.series.extend(mle_short.both(Metric::MeanError, "mle", 1, short)?);
    let trace_sigma = unbiased.setup.trace();
    let settings = format!(
        "d = {d}, Sigma = diag(1, 1/2, 1/3) (power law 1, tr Sigma = {trace_sigma:.4}), replace, M = {m}, unbiased (k = M - 1) and mle (k = M) fits. \
         (a) E log det Sigma_n = log det Sigma + n (sum_(i<=d) psi((M-i)/2) + d log(2/k)); the thin line, d times the 1-D drift, is the \
         wrong rate; (b) the probability of collapse, eps = {eps}, evaluated numerically; (c) E tr Sigma_n = tr Sigma (unbiased), r^n tr Sigma \
         (mle); (d) E ||mu_n - mu||^2 = n tr Sigma / M (unbiased), tr Sigma (1 - r^n) (mle); (c) and (d) are heavy-tailed and simulated for n <= M"
    );
    Ok(Figure::new(
        id,
        format!("{id}: Sigma_n -> 0 in d = {d} dimensions (M = {m})"),
        &settings,
        mc,
        2,
        vec![log_det, collapse, trace, mean],
    ))
}

fn accumulate(mc: &MonteCarlo) -> Result<Figure> {
    let id = "gaussian-accumulate";
    let (m, n) = (5, 100);
    let mf = m as f64;
    let x = PI / mf.sqrt();
    let mut variance = Panel::new("(a) the pooled variance", "generation n", "E sigma_n^2 / sigma^2");
    let replace = GaussianTheory::new(&scalar(m, Estimator::Mle, Regime::Replace, n)?)
        .curve(Metric::VarianceRatio)
        .ok_or_else(|| Error::Numerical("no closed form of the replace variance".into()))?;
    variance.series.push(Series::plain("replace, mle: r^n", Style::Thin, 6, generations(n), replace.values));
    let runs = [(Estimator::Unbiased, "unbiased", 0), (Estimator::Mle, "mle", 1), (Estimator::KnownVariance, "known variance", 2)]
        .into_iter()
        .map(|(estimator, label, key)| Ok((Run::new(scalar(m, estimator, Regime::Accumulate, n)?, mc)?, label, key)))
        .collect::<Result<Vec<_>>>()?;
    for (run, label, key) in &runs[..2] {
        variance.series.extend(run.both(Metric::VarianceRatio, label, *key, n)?);
    }
    variance.series.push(level("mle limit", 1, n, x.sin() / x));
    let mut mean = Panel::new("(b) the mean", "generation n", "E (mu_n - mu)^2");
    for (run, label, key) in &runs {
        mean.series.extend(run.both(Metric::MeanError, label, *key, n)?);
    }
    mean.series.push(level("(pi^2/6) sigma^2 / M", 6, n, PI * PI / 6.0 / mf));
    let settings = format!(
        "One dimension, accumulate (each generation fits the pool of all n M points), M = {m}, sigma = 1. (a) E sigma_n^2 / sigma^2 = \
         prod_(j<=n) (1 - 1/(M j^2)) (mle), decreasing to sin(pi/sqrt M)/(pi/sqrt M) = {:.4}, and prod_(j=2..n) (1 - 1/(j (j M - 1))) \
         (unbiased); the thin line is replace's r^n (mle), for contrast. (b) E (mu_n - mu)^2 = (sigma^2 / M) sum_(j<=n) c_(j-1) / j^2, \
         below (pi^2/6) sigma^2 / M, reached in the limit by a known variance",
        x.sin() / x
    );
    Ok(Figure::new(
        id,
        format!("{id}: pooling keeps the variance and bounds the mean error (M = {m})"),
        &settings,
        mc,
        2,
        vec![variance, mean],
    ))
}

fn mix(mc: &MonteCarlo) -> Result<Figure> {
    let id = "gaussian-mix";
    let (real, m, n) = (3usize, 12usize, 25u64);
    let p = (m - real) as f64 / m as f64;
    let share = real as f64 / m as f64;
    let known = |samples: usize, regime: Regime, n: u64| {
        GaussianSetup::new(1, samples, 1.0, Spectrum::Identity, Estimator::KnownVariance, regime, n)
    };
    // In units of sigma^2 / n_r (sigma = 1).
    let unit = real as f64;
    let mut time =
        Panel::new(format!("(a) n_r = {real}, n_s = {}, p = {p}", m - real), "generation n", "E (mu_n - mu)^2 / (sigma^2 / n_r)");
    time.series.push(Series::plain("n_r real points alone", Style::Thin, 6, [1.0, n as f64], [1.0; 2]));
    time.series.extend(Run::new(known(m, Regime::Mix(share), n)?, mc)?.both_scaled(Metric::MeanError, "fixed real sample", 0, unit)?);
    time.series.extend(Run::new(known(m, Regime::FreshReal(1.0 - share), n)?, mc)?.both_scaled(
        Metric::MeanError,
        "fresh real sample",
        1,
        unit,
    )?);
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
            let regime = if fresh { Regime::FreshReal(1.0 - lambda) } else { Regime::Mix(lambda) };
            let run = Run::new(known(size, regime, n)?, mc)?;
            at_n.push(scaled(&run.metric(Metric::MeanError, n)[n as usize - 1], unit));
        }
        shares.series.push(Series::simulation(label, key, ps(), &at_n));
    }
    shares.series.push(Series::bound(
        "limit (1 + 2p) / (1 + p)",
        0,
        grid.iter().copied(),
        grid.iter().map(|&q| (1.0 + 2.0 * q) / (1.0 + q)),
    ));
    shares.series.push(Series::bound("limit 1 / (1 + p)", 1, grid.iter().copied(), grid.iter().map(|&q| 1.0 / (1.0 + q))));
    let settings = format!(
        "One dimension, known variance (sigma = 1): each generation fits the mean of n_r real and n_s = M - n_r synthetic points, p = n_s / M. \
         Fixed (mix:{share}): the same real sample every generation, E (mu_n - mu)^2 = (sigma^2 / n_r)(1 + 2p - p^(2n-1))/(1 + p), rising to \
         (1 + 2p)/(1 + p) < 3/2 in units of sigma^2 / n_r; fresh (fresh-real:{}): a new real sample every generation, (sigma^2 / n_r)(1 + p^(2n-1))/(1 + p), \
         falling to 1/(1 + p). (a) M = {m} over generations; (b) generation {n} against p, M = {sizes:?} (p = {:?})",
        1.0 - share,
        ps().collect::<Vec<_>>()
    );
    Ok(Figure::new(
        id,
        format!("{id}: fixed real data keep the error below 3/2, fresh real data lower it"),
        &settings,
        mc,
        2,
        vec![time, shares],
    ))
}

fn accumulate_subsample(mc: &MonteCarlo) -> Result<Figure> {
    let id = "gaussian-accumulate-subsample";
    let n = 50;
    let sizes = [2usize, 5, 20];
    let h2: Vec<f64> = generations(n).scan(0.0, |s, g| Some(*s + 1.0 / (g * g)).inspect(|&x| *s = x)).collect();
    let limit = subsample_factors(n);
    let mut time = Panel::new("(a) over generations", "generation n", "E (mu_n - mu)^2 / (sigma^2 / M)");
    time.series.push(Series::plain("accumulate: H_2(n)", Style::Thin, 6, generations(n), h2.clone()));
    time.series.push(Series::bound("M -> infinity: 3 H_2(n) - 2", 6, generations(n), limit.clone()));
    let mut at_n = Vec::new();
    for (key, &m) in sizes.iter().enumerate() {
        let setup = GaussianSetup::new(1, m, 1.0, Spectrum::Identity, Estimator::KnownVariance, Regime::AccumulateSubsample, n)?;
        let run = Run::new(setup, mc)?;
        time.series.extend(run.both_scaled(Metric::MeanError, &format!("M = {m}"), key, m as f64)?);
        at_n.push(scaled(&run.metric(Metric::MeanError, n)[n as usize - 1], m as f64));
    }
    // f_n(M) over M = 2 .. 1000, log-spaced.
    let mut grid: Vec<usize> = (0..=60).map(|i| (2.0 * 500f64.powf(i as f64 / 60.0)).round() as usize).collect();
    grid.dedup();
    let exact: Vec<f64> = grid.iter().map(|&m| subsample_location_factors(m, n).last().copied().unwrap_or(f64::NAN)).collect();
    let last = |v: &[f64]| v.last().copied().unwrap_or(f64::NAN);
    let mut sizes_panel =
        Panel::new(format!("(b) generation {n}"), "points per generation M", "E (mu_n - mu)^2 / (sigma^2 / M)").log(true, false);
    let xs = || grid.iter().map(|&m| m as f64);
    sizes_panel.series.push(Series::plain("accumulate: H_2(n)", Style::Thin, 6, xs(), grid.iter().map(|_| last(&h2))));
    sizes_panel.series.push(Series::bound("M -> infinity: 3 H_2(n) - 2", 6, xs(), grid.iter().map(|_| last(&limit))));
    sizes_panel.series.push(Series::theory(format!("generation {n}"), 4, xs(), exact));
    sizes_panel.series.push(Series::simulation(format!("generation {n}"), 4, sizes.iter().map(|&m| m as f64), &at_n));
    let settings = format!(
        "One dimension, known variance (sigma = 1), accumulate-subsample: generation n fits the mean of M points drawn without replacement \
         from the pool of all n M points. Exact: E (mu_n - mu)^2 = (sigma^2 / M) f_n(M), f_n the location-model factor of \
         linear-accumulate-subsample (T = M), which tends to 3 H_2(n) - 2 -> pi^2/2 - 2 as M -> infinity (dotted); the thin line is \
         accumulate without subsampling, H_2(n) < pi^2/6. M = {sizes:?}; (a) over generations, (b) generation {n} against M"
    );
    Ok(Figure::new(id, format!("{id}: subsampling the pool costs about 3 H_2(n) - 2"), &settings, mc, 2, vec![time, sizes_panel]))
}
