//! The linear family's figures: every closed form drawn as a line over the
//! Monte Carlo mean and its band of two standard errors, with the bounds and
//! limits as dotted lines. A closed form that is only a large-`T` limit
//! (accumulate-subsample on Gaussian designs) is drawn dotted as a reference.

use super::downstream::{DownstreamChain, DownstreamSetup};
use super::overparam::{OverparamChain, OverparamSetup, overparameterised_error};
use super::ridge::RidgeTheory;
use super::sim::{FixedDesign, GivenDesign, LinearChain};
use super::theory::{
    Curve, Limit, LinearTheory, SUBSAMPLE_LIMIT, fresh_real_factor, harmonic2, limit_factor, mix_factor, subsample_factors, window_slope,
};
use super::{Design, LinearSetup, Regime, Spectrum};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series, Style, caption, generations};
use crate::mc::MonteCarlo;
use crate::stats::Summary;

/// The linear family's figures.
pub const FIGURES: [FigureSpec; 13] = [
    FigureSpec { id: "linear-replace", replicates: 2000, build: replace },
    FigureSpec { id: "linear-accumulate", replicates: 400, build: accumulate },
    FigureSpec { id: "linear-accumulate-fresh", replicates: 2000, build: accumulate_fresh },
    FigureSpec { id: "linear-conditional", replicates: 2000, build: conditional },
    FigureSpec { id: "linear-schedule", replicates: 2000, build: schedule },
    FigureSpec { id: "linear-mix", replicates: 2000, build: mix },
    FigureSpec { id: "linear-window", replicates: 2000, build: window },
    FigureSpec { id: "linear-replace-growing", replicates: 2000, build: replace_growing },
    FigureSpec { id: "linear-fresh-real", replicates: 2000, build: fresh_real },
    FigureSpec { id: "linear-overparameterised", replicates: 2000, build: overparameterised },
    FigureSpec { id: "linear-accumulate-subsample", replicates: 4000, build: accumulate_subsample },
    FigureSpec { id: "linear-ridge", replicates: 1000, build: ridge },
    FigureSpec { id: "linear-downstream", replicates: 2000, build: downstream },
];

const ITERATION: &str = "model-fitting iteration n";
const TEST_ERROR: &str = "test error E ||w_n - w*||^2_Sigma";

/// A least-squares setup with one noise level.
fn setup(dim: usize, samples: usize, sigma: f64, spectrum: Spectrum) -> Result<LinearSetup> {
    LinearSetup::new(dim, samples, sigma, spectrum)
}

/// A simulated chain and its closed form.
struct Run {
    curve: Curve,
    summaries: Vec<Summary>,
}

impl Run {
    fn new(chain: &LinearChain, mc: &MonteCarlo) -> Result<Self> {
        Ok(Run { curve: chain.theory()?, summaries: mc.run(chain)? })
    }

    /// Over designs: `n` generations of `regime` on a random design per replicate.
    fn over_designs(setup: &LinearSetup, regime: Regime, design: Design, n: u64, mc: &MonteCarlo) -> Result<Self> {
        Run::new(&LinearChain::new(setup, regime, design, n)?, mc)
    }

    /// Given one design shared by every replicate (reused design).
    fn given(setup: &LinearSetup, regime: Regime, n: u64, fixed: FixedDesign, mc: &MonteCarlo) -> Result<Self> {
        Run::new(&LinearChain::new(setup, regime, Design::Reused, n)?.conditioned(fixed)?, mc)
    }

    /// The closed form as a line (dotted, labelled a large-`T` reference,
    /// when it is only asymptotic) and the simulation as markers and band.
    fn both(&self, label: &str, key: usize) -> Vec<Series> {
        vec![self.theory(label, key), self.simulation(label, key)]
    }

    fn theory(&self, label: &str, key: usize) -> Series {
        let xs = generations(self.curve.values.len() as u64);
        match self.curve.asymptotic {
            true => Series::bound(format!("{label}, large-T reference"), key, xs, self.curve.values.clone()),
            false => Series::theory(label, key, xs, self.curve.values.clone()),
        }
    }

    fn simulation(&self, label: &str, key: usize) -> Series {
        Series::simulation(label, key, generations(self.summaries.len() as u64), &self.summaries)
    }
}

/// A horizontal dotted line at `y` over `1..=n`.
fn level(label: impl Into<String>, key: usize, n: u64, y: f64) -> Series {
    Series::bound(label, key, [1.0, n as f64], [y, y])
}

/// A summary divided by a positive constant (a mean in units of `by`).
fn scaled(s: &Summary, by: f64) -> Summary {
    Summary {
        mean: s.mean / by,
        std_dev: s.std_dev / by,
        std_error: s.std_error / by,
        ci_low: s.ci_low / by,
        ci_high: s.ci_high / by,
        ..*s
    }
}

fn replace(mc: &MonteCarlo) -> Result<Figure> {
    let settings = [(10, 100, 1.0, Spectrum::Identity, 50), (5, 20, 0.5, Spectrum::PowerLaw(1.0), 20)];
    let mut panels = Vec::new();
    for (d, t, sigma, spectrum, n) in settings {
        let setup = setup(d, t, sigma, spectrum.clone())?;
        let reused = Run::over_designs(&setup, Regime::Replace, Design::Reused, n, mc)?;
        let fresh = Run::over_designs(&setup, Regime::Replace, Design::Fresh, n, mc)?;
        let mut panel = Panel::new(format!("d = {d}, T = {t}, sigma = {sigma}, Sigma = {spectrum}"), ITERATION, TEST_ERROR);
        panel.series.push(Series::theory("n sigma^2 d/(T-d-1)", 6, generations(n), reused.curve.values.clone()));
        panel.series.push(reused.simulation("reused design", 0));
        panel.series.push(fresh.simulation("fresh design", 1));
        panels.push(panel);
    }
    Ok(Figure {
        id: "linear-replace",
        title: "linear-replace: the error grows like n sigma^2 d/(T-d-1), reused or fresh design".into(),
        caption: caption(
            "Replace: each fit uses only the newest T rows, labelled by the previous fit. Left: d = 10, T = 100, sigma = 1, \
             identity covariance; right: d = 5, T = 20, sigma = 0.5, power-law spectrum lambda_k = 1/k. One design per \
             chain (reused) or a new design per generation (fresh): one closed form",
            mc,
            "linear-replace",
        ),
        columns: 2,
        panels,
    })
}

fn accumulate(mc: &MonteCarlo) -> Result<Figure> {
    let (d, n) = (10, 100);
    let sizes = [32, 100, 316, 1000];
    let mut replace = Panel::new("replace", ITERATION, TEST_ERROR).log(false, true);
    let mut subsample = Panel::new("accumulate-subsample", ITERATION, TEST_ERROR).log(false, true);
    let mut accumulate = Panel::new("accumulate", ITERATION, TEST_ERROR).log(false, true);
    for (key, t) in sizes.into_iter().enumerate() {
        let setup = setup(d, t, 1.0, Spectrum::Identity)?;
        let label = format!("T = {t}");
        for (panel, regime) in
            [(&mut replace, Regime::Replace), (&mut subsample, Regime::AccumulateSubsample), (&mut accumulate, Regime::Accumulate)]
        {
            let run = Run::over_designs(&setup, regime, Design::Reused, n, mc)?;
            panel.series.extend(run.both(&label, key));
        }
        let bound = LinearTheory::new(&setup)?.accumulate_bound();
        accumulate.series.push(level(format!("{label}, bound (pi^2/6) base"), key, n, bound));
    }
    Ok(Figure {
        id: "linear-accumulate",
        title: "linear-accumulate: replacing data collapses, accumulating it does not".into(),
        caption: caption(
            "Linear regression, d = 10, sigma^2 = 1, identity covariance, one design per chain (reused), T rows per iteration \
             for T = 32, 100, 316, 1000; base = sigma^2 d/(T-d-1). Replace fits the newest T rows: n base. Accumulate fits \
             all n T rows: base sum_{i<=n} 1/i^2, below (pi^2/6) base. Accumulate-subsample fits T rows drawn from the \
             n T pooled: its closed form base (3 sum_{i<=n} 1/i^2 - 2) is exact only as T -> infinity, drawn dotted; the \
             gap at small T is the finite-T effect, not an error",
            mc,
            "linear-accumulate",
        ),
        columns: 3,
        panels: vec![replace, subsample, accumulate],
    })
}

fn accumulate_fresh(mc: &MonteCarlo) -> Result<Figure> {
    let settings = [(5, 12, Spectrum::PowerLaw(1.0)), (10, 100, Spectrum::Identity)];
    let n = 30;
    let mut panels = Vec::new();
    for (d, t, spectrum) in settings {
        let setup = setup(d, t, 1.0, spectrum.clone())?;
        let fresh = Run::over_designs(&setup, Regime::Accumulate, Design::Fresh, n, mc)?;
        let reused = Run::over_designs(&setup, Regime::Accumulate, Design::Reused, n, mc)?;
        let mut panel = Panel::new(format!("accumulate, d = {d}, T = {t}, Sigma = {spectrum}"), ITERATION, TEST_ERROR);
        panel.series.extend(fresh.both("fresh design", 0));
        panel.series.extend(reused.both("reused design", 1));
        panel.series.push(level("bound (pi^2/6) base", 1, n, LinearTheory::new(&setup)?.accumulate_bound()));
        panels.push(panel);
    }
    Ok(Figure {
        id: "linear-accumulate-fresh",
        title: "linear-accumulate-fresh: a new design per generation helps accumulate further".into(),
        caption: caption(
            "Accumulate, sigma = 1; left: d = 5, T = 12, power-law spectrum lambda_k = 1/k; right: d = 10, T = 100, identity. \
             Fresh design: sigma^2 d sum_{i<=n} 1/(i (i T - d - 1)); reused design: base sum_{i<=n} 1/i^2 with \
             base = sigma^2 d/(T-d-1), below (pi^2/6) base",
            mc,
            "linear-accumulate-fresh",
        ),
        columns: 2,
        panels,
    })
}

fn conditional(mc: &MonteCarlo) -> Result<Figure> {
    // Left: replace on three designs, each with its own closed form, and the mean over designs.
    let (d, t, n) = (10, 20, 30);
    let setup_left = setup(d, t, 1.0, Spectrum::Identity)?;
    let mut left = Panel::new(format!("replace, d = {d}, T = {t}: three designs"), ITERATION, TEST_ERROR);
    for (key, seed) in [(2, 18), (3, 14), (4, 9)] {
        let run = Run::given(&setup_left, Regime::Replace, n, FixedDesign::Seed(seed), mc)?;
        left.series.extend(run.both(&format!("design seed {seed}"), key));
    }
    let mean = LinearTheory::new(&setup_left)?.curve(&Regime::Replace, Design::Reused, n)?;
    left.series.push(Series::bound("mean over designs", 6, generations(n), mean.values));
    // Right: T = d + 1, where the mean over designs is infinite but the conditional one is not.
    let (n, seed) = (30, 11);
    let setup_right = setup(5, 6, 1.0, Spectrum::PowerLaw(1.0))?;
    let mut right = Panel::new(format!("d = 5, T = 6 (= d + 1), design seed {seed}"), ITERATION, TEST_ERROR).log(false, true);
    for (key, regime) in [(0, Regime::Replace), (1, Regime::Accumulate)] {
        let run = Run::given(&setup_right, regime.clone(), n, FixedDesign::Seed(seed), mc)?;
        right.series.extend(run.both(&regime.to_string(), key));
    }
    Ok(Figure {
        id: "linear-conditional",
        title: "linear-conditional: one given design, averaged over the label noise only".into(),
        caption: caption(
            "The replicates of a run share one design X drawn from the seed and redraw the label noise; sigma = 1. Closed \
             forms sigma^2 tr(Sigma (X^T X)^{-1}) times n (replace) or sum_{i<=n} 1/i^2 (accumulate). Left: replace, \
             d = 10, T = 20, identity covariance, three designs; dotted: the mean over designs n sigma^2 d/(T-d-1). \
             Right: d = 5, T = 6, power-law spectrum lambda_k = 1/k, one design, replace and accumulate; here the mean \
             over designs is infinite (T < d + 2), the conditional one is not",
            mc,
            "linear-conditional",
        ),
        columns: 2,
        panels: vec![left, right],
    })
}

fn schedule(mc: &MonteCarlo) -> Result<Figure> {
    let (d, t, n) = (5, 100, 50);
    let setup = setup(d, t, 1.0, Spectrum::Identity)?;
    let base = LinearTheory::new(&setup)?.base();
    let run = |regime: &Regime| Run::over_designs(&setup, regime.clone(), Design::Reused, n, mc);
    let limit = |regime: &Regime| match limit_factor(regime) {
        Limit::Finite(f) => Some(f * base),
        Limit::Unbounded | Limit::Unknown => None,
    };
    let mut bounded = Panel::new("bounded (dotted: limits)", ITERATION, TEST_ERROR);
    for (key, regime) in [(1, Regime::Accumulate), (2, Regime::Mix(0.3)), (6, Regime::FreshReal(0.5))] {
        let label = regime.to_string();
        bounded.series.extend(run(&regime)?.both(&label, key));
        if let Some(y) = limit(&regime) {
            bounded.series.push(level(format!("{label}, limit"), key, n, y));
        }
    }
    let regime = Regime::AccumulateSubsample;
    let mut subsample = Panel::new("accumulate-subsample (large T)", ITERATION, TEST_ERROR);
    subsample.series.extend(run(&regime)?.both(&regime.to_string(), 5));
    if let Some(y) = limit(&regime) {
        subsample.series.push(level("large-T limit", 5, n, y));
    }
    let mut unbounded = Panel::new("unbounded", ITERATION, TEST_ERROR).log(false, true);
    for (key, regime) in [(0, Regime::Replace), (3, Regime::Window(3)), (4, Regime::ReplaceGrowing)] {
        unbounded.series.extend(run(&regime)?.both(&regime.to_string(), key));
    }
    Ok(Figure {
        id: "linear-schedule",
        title: "linear-schedule: every data schedule from one recursion".into(),
        caption: caption(
            &format!(
                "d = {d}, T = {t}, sigma = 1, identity covariance, one design per chain (reused); base = sigma^2 d/(T-d-1) \
                 = {base:.4}. Closed forms base times the schedule's factor from c_n = sum_b a_(n,b) (c_(s(b)) + e_b); \
                 dotted levels the limits as n -> infinity: (pi^2/6) base (accumulate), base (1 + (1-LAMBDA)^2/(LAMBDA \
                 (2-LAMBDA))) (mix:0.3), base ((1-P)^2 + P^2)/(1-P^2) (fresh-real:0.5), (pi^2/2 - 2) base \
                 (accumulate-subsample). The accumulate-subsample closed form and limit hold as T -> infinity (dotted); \
                 at finite T the simulation lies above them (see linear-accumulate-subsample). Replace, window:3 and \
                 replace-growing grow without bound (like n, n/4 and ln n)"
            ),
            mc,
            "linear-schedule",
        ),
        columns: 3,
        panels: vec![bounded, subsample, unbounded],
    })
}

fn mix(mc: &MonteCarlo) -> Result<Figure> {
    let (d, t, n) = (5, 20, 30);
    let setup = setup(d, t, 1.0, Spectrum::Identity)?;
    let theory = LinearTheory::new(&setup)?;
    let base = theory.base();
    let limit = |lambda: f64| match limit_factor(&Regime::Mix(lambda)) {
        Limit::Finite(f) => f * base,
        Limit::Unbounded | Limit::Unknown => f64::INFINITY,
    };
    let mut over_n = Panel::new(format!("d = {d}, T = {t}, sigma = 1"), ITERATION, TEST_ERROR).log(false, true);
    for (key, lambda) in [(0, 0.1), (1, 0.3)] {
        let label = Regime::Mix(lambda).to_string();
        over_n.series.extend(Run::over_designs(&setup, Regime::Mix(lambda), Design::Reused, n, mc)?.both(&label, key));
        over_n.series.push(level(format!("{label}, limit"), key, n, limit(lambda)));
    }
    let replace = theory.curve(&Regime::Replace, Design::Reused, n)?;
    over_n.series.push(Series::plain("replace (mix:0)", Style::Thin, 6, generations(n), replace.values));
    // Right: the error at two generations and the limit, against LAMBDA.
    let shown: [u64; 2] = [5, n];
    let grid: Vec<f64> = (0..=40).map(|i| 10f64.powf(-2.0 + 2.0 * i as f64 / 40.0)).collect();
    let simulated = [0.02, 0.05, 0.1, 0.2, 0.5, 1.0];
    let mut runs = Vec::new();
    for &lambda in &simulated {
        runs.push(Run::over_designs(&setup, Regime::Mix(lambda), Design::Reused, n, mc)?);
    }
    let mut against = Panel::new("against the real share LAMBDA", "real share LAMBDA", TEST_ERROR).log(true, true);
    for (key, g) in [(2, shown[0]), (3, shown[1])] {
        let label = format!("n = {g}");
        against.series.push(Series::theory(&label, key, grid.iter().copied(), grid.iter().map(|&l| base * mix_factor(l, g))));
        let summaries: Vec<Summary> = runs.iter().map(|r| r.summaries[g as usize - 1]).collect();
        against.series.push(Series::simulation(&label, key, simulated.iter().copied(), &summaries));
    }
    against.series.push(Series::bound("limit n -> inf", 6, grid.iter().copied(), grid.iter().map(|&l| limit(l))));
    Ok(Figure {
        id: "linear-mix",
        title: "linear-mix: keeping a share LAMBDA of real data bounds the error".into(),
        caption: caption(
            "mix:LAMBDA: generation n >= 2 fits the real batch with weight LAMBDA and the newest synthetic batch with 1 - LAMBDA; \
             d = 5, T = 20, sigma = 1, identity covariance, reused design. Closed form base (1 + sum_{m<n} (1-LAMBDA)^(2m)) \
             with base = sigma^2 d/(T-d-1); dotted: its limit base (1 + (1-LAMBDA)^2/(LAMBDA (2-LAMBDA))). Left: LAMBDA = 0.1 \
             and 0.3 over n, thin: replace (LAMBDA = 0), unbounded. Right: the error at n = 5 and 30 against LAMBDA",
            mc,
            "linear-mix",
        ),
        columns: 2,
        panels: vec![over_n, against],
    })
}

fn window(mc: &MonteCarlo) -> Result<Figure> {
    let (d, t, n) = (5, 20, 100);
    let setup = setup(d, t, 1.0, Spectrum::Identity)?;
    let theory = LinearTheory::new(&setup)?;
    let base = theory.base();
    let mut over_n = Panel::new(format!("d = {d}, T = {t}, sigma = 1"), ITERATION, TEST_ERROR);
    for (key, k) in [(0, 3), (1, 10)] {
        let label = format!("window:{k}");
        over_n.series.extend(Run::over_designs(&setup, Regime::Window(k), Design::Reused, n, mc)?.both(&label, key));
        let slope = window_slope(k) * base;
        over_n.series.push(Series::bound(format!("{label}, rate"), key, generations(n), generations(n).map(|g| g * slope)));
    }
    let accumulate = theory.curve(&Regime::Accumulate, Design::Reused, n)?;
    over_n.series.push(Series::plain("accumulate", Style::Thin, 6, generations(n), accumulate.values));
    // Right: the error at generation n against the window K (K = 1 is replace, K >= n accumulate).
    let widths: Vec<u64> = (1..=n).collect();
    let mut at_n = Vec::new();
    for &k in &widths {
        at_n.push(theory.curve(&Regime::Window(k), Design::Reused, n)?.values[n as usize - 1]);
    }
    let simulated: [u64; 8] = [1, 2, 3, 5, 10, 20, 50, 100];
    let mut summaries = Vec::new();
    for &k in &simulated {
        summaries.push(Run::over_designs(&setup, Regime::Window(k), Design::Reused, n, mc)?.summaries[n as usize - 1]);
    }
    let ks = || widths.iter().map(|&k| k as f64);
    let label = format!("n = {n}");
    let mut against = Panel::new(format!("at n = {n}, against the window K"), "window K (batches)", TEST_ERROR).log(true, true);
    against.series.push(Series::theory(&label, 2, ks(), at_n));
    against.series.push(Series::simulation(&label, 2, simulated.iter().map(|&k| k as f64), &summaries));
    // The growth rate describes K << n only.
    let small = || widths.iter().filter(|&&k| 4 * k <= n);
    let rate = small().map(|&k| n as f64 * base * window_slope(k));
    against.series.push(Series::bound("n base (2/(K+1))^2", 6, small().map(|&k| k as f64), rate));
    Ok(Figure {
        id: "linear-window",
        title: "linear-window: a window of the last K batches still collapses, slowly".into(),
        caption: caption(
            "window:K: generation n fits the last min(n, K) batches equally; d = 5, T = 20, sigma = 1, identity covariance, \
             reused design; base = sigma^2 d/(T-d-1). Closed form from the schedule recursion; dotted: the asymptotic growth \
             n base (2/(K+1))^2, no finite limit. Left: K = 3 and 10 over n, thin: accumulate, bounded. Right: the error at \
             n = 100 against K (K = 1 is replace, K = 100 accumulate), the growth rate drawn for K <= n/4",
            mc,
            "linear-window",
        ),
        columns: 2,
        panels: vec![over_n, against],
    })
}

fn replace_growing(mc: &MonteCarlo) -> Result<Figure> {
    let (d, t, n) = (5, 20, 100);
    let setup = setup(d, t, 1.0, Spectrum::Identity)?;
    let base = LinearTheory::new(&setup)?.base();
    let mut panel = Panel::new(format!("d = {d}, T = {t}, sigma = 1"), ITERATION, TEST_ERROR).log(true, false);
    panel.series.extend(Run::over_designs(&setup, Regime::ReplaceGrowing, Design::Reused, n, mc)?.both("base H_n", 0));
    panel.series.push(Series::bound("base (1 + ln n)", 1, generations(n), generations(n).map(|g| base * (1.0 + g.ln()))));
    panel.series.push(Series::bound("base ln(n + 1)", 2, generations(n), generations(n).map(|g| base * (g + 1.0).ln())));
    Ok(Figure {
        id: "linear-replace-growing",
        title: "linear-replace-growing: base H_n".into(),
        caption: caption(
            "replace-growing: generation n fits n relabellings (n T rows) of the design by the newest model only; d = 5, \
             T = 20, sigma = 1, identity covariance, reused design; base = sigma^2 d/(T-d-1). The harmonic number \
             H_n = sum_{i<=n} 1/i lies between ln(n + 1) and 1 + ln n (dotted): the error still grows without bound, \
             like ln n (a straight line on the log axis) instead of replace's n",
            mc,
            "linear-replace-growing",
        ),
        columns: 1,
        panels: vec![panel],
    })
}

fn fresh_real(mc: &MonteCarlo) -> Result<Figure> {
    let (d, t, n) = (5, 20, 20);
    let setup = setup(d, t, 1.0, Spectrum::Identity)?;
    let base = LinearTheory::new(&setup)?.base();
    let limit = |p: f64| match limit_factor(&Regime::FreshReal(p)) {
        Limit::Finite(f) => f * base,
        Limit::Unbounded | Limit::Unknown => f64::INFINITY,
    };
    let mut over_n = Panel::new(format!("d = {d}, T = {t}, sigma = 1"), ITERATION, TEST_ERROR);
    for (key, p) in [(0, 0.5), (1, 0.8)] {
        let label = format!("P = {p}");
        over_n.series.extend(Run::over_designs(&setup, Regime::FreshReal(p), Design::Reused, n, mc)?.both(&label, key));
        over_n.series.push(level(format!("P = {p}, limit"), key, n, limit(p)));
    }
    // Right: against the synthetic share P, at generation n and in the limit.
    let grid: Vec<f64> = (0..=45).map(|i| i as f64 * 0.02).collect();
    let simulated = [0.0, 0.2, 0.4, 0.6, 0.8, 0.9];
    let mut summaries = Vec::new();
    for &p in &simulated {
        summaries.push(Run::over_designs(&setup, Regime::FreshReal(p), Design::Reused, n, mc)?.summaries[n as usize - 1]);
    }
    let label = format!("n = {n}");
    let mut against = Panel::new("against the synthetic share P", "synthetic share P", TEST_ERROR);
    against.series.push(Series::theory(&label, 2, grid.iter().copied(), grid.iter().map(|&p| base * fresh_real_factor(p, n))));
    against.series.push(Series::simulation(&label, 2, simulated.iter().copied(), &summaries));
    against.series.push(Series::bound("limit base v*", 6, grid.iter().copied(), grid.iter().map(|&p| limit(p))));
    Ok(Figure {
        id: "linear-fresh-real",
        title: "linear-fresh-real: a fresh real batch every generation".into(),
        caption: caption(
            "fresh-real:P: generation n >= 2 fits a fresh real batch with weight 1 - P and the newest synthetic batch with \
             weight P; d = 5, T = 20, sigma = 1, identity covariance, reused design. Closed form base (v* + (1 - v*) P^(2(n-1))), \
             base = sigma^2 d/(T-d-1); dotted: the limit base v*, v* = ((1-P)^2 + P^2)/(1 - P^2). Left: P = 0.5 and 0.8 over \
             n. Right: the error at n = 20 against P; a little synthetic data lowers it (v* < 1 for P < 2/3)",
            mc,
            "linear-fresh-real",
        ),
        columns: 2,
        panels: vec![over_n, against],
    })
}

fn overparameterised(mc: &MonteCarlo) -> Result<Figure> {
    let n = 20;
    let mut panel = Panel::new("noise-free, minimum-norm fits", ITERATION, "E ||w_n - w_0||^2 / ||w_0||^2");
    for (key, (d, t0)) in [(10, 5), (20, 17), (20, 5)].into_iter().enumerate() {
        let setup = OverparamSetup::new(d, t0, n)?;
        let label = format!("d = {d}, T0 = {t0}");
        let ratio = setup.ratio();
        panel.series.push(Series::theory(&label, key, generations(n), generations(n).map(|g| overparameterised_error(ratio, g as u64))));
        panel.series.push(Series::simulation(&label, key, generations(n), &mc.run(&OverparamChain::new(&setup))?));
    }
    panel.series.push(level("limit 1: w_0 forgotten", 6, n, 1.0));
    Ok(Figure {
        id: "linear-overparameterised",
        title: "linear-overparameterised: 1 - (T0/d)^n".into(),
        caption: caption(
            "T0 < d rows per generation, fresh isotropic designs, labels from the previous model without noise, \
             minimum-norm least squares (a projection of the previous model onto the rows' span); (d, T0) = (10, 5), \
             (20, 17), (20, 5). Closed form 1 - (T0/d)^n",
            mc,
            "linear-overparameterised",
        ),
        columns: 1,
        panels: vec![panel],
    })
}

fn accumulate_subsample(mc: &MonteCarlo) -> Result<Figure> {
    let n = 50;
    let reference: Vec<f64> = subsample_factors(n);
    let accumulate: Vec<f64> = (1..=n).map(harmonic2).collect();
    let y_label = "error / generation-1 error";
    // Left: the location model, exact for every T.
    let mut exact = Panel::new("constant design x = 1 (d = 1): exact", ITERATION, y_label);
    for (key, t) in [(0, 1), (1, 3), (2, 20)] {
        let setup = setup(1, t, 1.0, Spectrum::Identity)?;
        let run = Run::given(&setup, Regime::AccumulateSubsample, n, FixedDesign::Ones, mc)?;
        let first = 1.0 / t as f64; // sigma^2 / T
        let label = format!("x = 1, T = {t}");
        exact.series.push(Series::theory(&label, key, generations(n), run.curve.values.iter().map(|v| v / first)));
        let summaries: Vec<Summary> = run.summaries.iter().map(|s| scaled(s, first)).collect();
        exact.series.push(Series::simulation(&label, key, generations(n), &summaries));
    }
    // Right: Gaussian designs, against the large-T reference.
    let d = 5;
    let mut gaussian = Panel::new(format!("Gaussian design, d = {d}: large-T reference"), ITERATION, y_label);
    for (key, t) in [(3, 20), (4, 50), (5, 200)] {
        let setup = setup(d, t, 1.0, Spectrum::Identity)?;
        let base = LinearTheory::new(&setup)?.base();
        let summaries = mc.run(&LinearChain::new(&setup, Regime::AccumulateSubsample, Design::Reused, n)?)?;
        let summaries: Vec<Summary> = summaries.iter().map(|s| scaled(s, base)).collect();
        gaussian.series.push(Series::simulation(format!("Gaussian X, T = {t}"), key, generations(n), &summaries));
    }
    for panel in [&mut exact, &mut gaussian] {
        panel.series.push(Series::bound("3 H_2(n) - 2 (T -> inf)", 6, generations(n), reference.clone()));
        panel.series.push(Series::plain("accumulate: H_2(n)", Style::Thin, 6, generations(n), accumulate.clone()));
    }
    Ok(Figure {
        id: "linear-accumulate-subsample",
        title: "linear-accumulate-subsample: T rows drawn from the growing pool".into(),
        caption: caption(
            &format!(
                "accumulate-subsample: generation n fits T rows drawn without replacement from the n T rows of batches 1..n; \
                 sigma = 1; errors in units of generation 1's. Left: the constant design x = 1 (each fit the mean of its \
                 labels), T = 1, 3, 20, exact by the covariance recursion (at T = 1 it grows like H_n). Right: Gaussian \
                 designs (reused, identity covariance), d = {d}, T = 20, 50, 200, against the large-T reference \
                 3 H_2(n) - 2 -> pi^2/2 - 2 = {SUBSAMPLE_LIMIT:.4} (dotted), H_2(n) = sum_(i<=n) 1/i^2; thin: accumulate \
                 without subsampling, H_2(n)"
            ),
            mc,
            "linear-accumulate-subsample",
        ),
        columns: 2,
        panels: vec![exact, gaussian],
    })
}

fn ridge(mc: &MonteCarlo) -> Result<Figure> {
    let (d, t, sigma, seed) = (20, 100, 0.5, 3);
    let spectrum = Spectrum::PowerLaw(1.0);
    let shown: [u64; 4] = [1, 5, 20, 50];
    let last = shown[shown.len() - 1];
    let grid: Vec<f64> = (0..=60).map(|i| 10f64.powf(-3.0 + 5.0 * i as f64 / 60.0)).collect();
    let simulated: Vec<f64> = (0..=10).map(|i| 10f64.powf(-3.0 + 0.5 * i as f64)).collect();
    let plain = setup(d, t, sigma, spectrum.clone())?;
    let null = spectrum.eigenvalues(d).iter().sum::<f64>() / d as f64; // ||w*||^2_Sigma: the error of w = 0
    let mut panels = Vec::new();
    for regime in [Regime::Replace, Regime::Accumulate] {
        let mut panel = Panel::new(format!("{regime}"), "penalty lambda", TEST_ERROR).log(true, true);
        // Closed forms on the grid: one RidgeTheory per lambda, every generation at once.
        let mut curves = Vec::new();
        for &lambda in &grid {
            let setup = plain.clone().with_ridge(lambda)?;
            let design = GivenDesign::new(&setup, FixedDesign::Seed(seed))?;
            curves.push(RidgeTheory::new(design.gram(), &setup).curve(&regime, last)?.values);
        }
        let mut runs = Vec::new();
        for &lambda in &simulated {
            runs.push(Run::given(&plain.clone().with_ridge(lambda)?, regime.clone(), last, FixedDesign::Seed(seed), mc)?);
        }
        for (key, &g) in shown.iter().enumerate() {
            let at = g as usize - 1;
            let label = format!("n = {g}");
            panel.series.push(Series::theory(&label, key, grid.iter().copied(), curves.iter().map(|c| c[at])));
            let summaries: Vec<Summary> = runs.iter().map(|r| r.summaries[at]).collect();
            panel.series.push(Series::simulation(&label, key, simulated.iter().copied(), &summaries));
        }
        panel.series.push(Series::bound("null model w = 0", 6, [grid[0], grid[grid.len() - 1]], [null, null]));
        panels.push(panel);
    }
    Ok(Figure {
        id: "linear-ridge",
        title: "linear-ridge: the U-shape in lambda rises with the generation n".into(),
        caption: caption(
            &format!(
                "Ridge regression, argmin (1/N) ||y - X w||^2 + lambda ||w||^2, in the loop; one design X (seed {seed}) \
                 shared by every replicate, d = {d}, T = {t}, sigma = {sigma}, power-law spectrum lambda_k = 1/k, \
                 w* = (1, ..., 1)/sqrt(d). Closed form (bias + variance per eigendirection of X^T X) on a grid of lambda, \
                 simulations at lambda = 10^-3, 10^-2.5, ..., 100, at generations n = 1, 5, 20, 50; dotted: the error \
                 ||w*||^2_Sigma = {null:.3} of the null model w = 0, the limit of large lambda. Under replace the \
                 U-shapes rise with n until the best penalty is the null model; under accumulate they stay near generation 1's"
            ),
            mc,
            "linear-ridge",
        ),
        columns: 2,
        panels,
    })
}

fn downstream(mc: &MonteCarlo) -> Result<Figure> {
    // Left: least squares downstream, averaged over designs.
    let n: u64 = 20;
    let xs = || (0..=n).map(|g| g as f64);
    let (d, t0, sigma0, t, sigma) = (10, 100, 1.0, 50, 1.0);
    let setup = DownstreamSetup::new(d, t0, sigma0, t, sigma, 0.0, Spectrum::Identity, n)?;
    let chain = DownstreamChain::new(&setup);
    let theory = chain.theory()?;
    let clean = theory[0];
    let mut left = Panel::new(format!("lambda = 0, over designs, d = {d}"), "chain generations n", "downstream test error");
    left.series.push(Series::theory("downstream model", 0, xs(), theory.clone()));
    left.series.push(Series::simulation("downstream model", 0, xs(), &mc.run(&chain)?));
    left.series.push(Series::bound("without the chain", 6, [0.0, n as f64], [clean, clean]));
    left.series.push(Series::plain("chain term alone", Style::Thin, 1, xs(), theory.iter().map(|v| v - clean)));
    // Right: ridge downstream on one given design, several penalties.
    let (d, t0, sigma0, t, sigma, seed) = (5, 12, 0.5, 20, 1.0, 29);
    let n_right: u64 = 10;
    let xs = || (0..=n_right).map(|g| g as f64);
    let mut right = Panel::new(format!("given design, d = {d}"), "chain generations n", "downstream test error");
    for (key, lambda) in [(2, 0.0), (3, 0.3), (4, 1.0)] {
        let setup = DownstreamSetup::new(d, t0, sigma0, t, sigma, lambda, Spectrum::Identity, n_right)?;
        let chain = DownstreamChain::new(&setup).conditioned(FixedDesign::Seed(seed))?;
        let label = format!("lambda = {lambda}");
        right.series.push(Series::theory(&label, key, xs(), chain.theory()?));
        right.series.push(Series::simulation(&label, key, xs(), &mc.run(&chain)?));
    }
    Ok(Figure {
        id: "linear-downstream",
        title: "linear-downstream: a downstream model inherits n times the chain error".into(),
        caption: caption(
            "A chain of n least-squares generations (T0 fresh rows each, noise sigma0), then a downstream ridge model on T rows \
             labelled by w_n (noise sigma), scored against w*. Left: d = 10, T0 = 100, sigma0 = 1, T = 50, sigma = 1, \
             lambda = 0, over designs: sigma^2 d/(T-d-1) + n sigma0^2 d/(T0-d-1), dotted the first term, thin the chain \
             term. Right: d = 5, T0 = 12, sigma0 = 0.5, T = 20, sigma = 1, one downstream design (seed 29), lambda = 0, 0.3, \
             1: the penalty shrinks the chain term's slope, it cannot remove it",
            mc,
            "linear-downstream",
        ),
        columns: 2,
        panels: vec![left, right],
    })
}
