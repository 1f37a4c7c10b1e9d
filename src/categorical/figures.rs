//! The categorical family's figures: every closed form drawn as a line over
//! the Monte Carlo mean and its band of two standard errors.

use super::exact::{BinomialChain, diffusion_absorption_time};
use super::sim::{CategoricalChain, FixationChain};
use super::theory::{CategoricalTheory, Metric, accumulate_diversity_limit, gini_simpson};
use super::{CategoricalSetup, zipf};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series, Style, generations};
use crate::linear::Regime;
use crate::mc::{Chain, MonteCarlo};
use crate::stats::Summary;

/// The categorical family's figures.
pub const FIGURES: [FigureSpec; 6] = [
    FigureSpec { id: "categorical-martingale", replicates: 4000, build: martingale },
    FigureSpec { id: "categorical-replace-diversity", replicates: 4000, build: replace_diversity },
    FigureSpec { id: "categorical-accumulate-diversity", replicates: 4000, build: accumulate_diversity },
    FigureSpec { id: "categorical-fixation", replicates: 4000, build: fixation },
    FigureSpec { id: "categorical-tail-loss", replicates: 4000, build: tail_loss },
    FigureSpec { id: "categorical-absorption-time", replicates: 2000, build: absorption_time },
];

/// A simulated setting: the chain's summaries of one metric, generation by generation.
struct Run {
    setup: CategoricalSetup,
    summaries: Vec<Summary>,
    chain: CategoricalChain,
}

impl Run {
    fn new(setup: CategoricalSetup, mc: &MonteCarlo) -> Result<Self> {
        let chain = CategoricalChain::new(&setup);
        Ok(Run { summaries: mc.run(&chain)?, setup, chain })
    }

    fn metric(&self, metric: Metric) -> Vec<Summary> {
        (1..=self.setup.generations()).map(|g| self.summaries[self.chain.index(metric, g)]).collect()
    }

    /// The closed form of `metric` as a line and the simulation as markers and band.
    fn both(&self, metric: Metric, label: &str, key: usize) -> Vec<Series> {
        let n = self.setup.generations();
        let mut out = Vec::new();
        if let Some(curve) = CategoricalTheory::new(&self.setup).curve(metric) {
            out.push(Series::theory(label, key, generations(n), curve.values));
        }
        out.push(Series::simulation(label, key, generations(n), &self.metric(metric)));
        out
    }
}

fn martingale(mc: &MonteCarlo) -> Result<Figure> {
    let p = zipf(20, 1.1);
    let n = 100;
    let mut panels = Vec::new();
    for regime in [Regime::Replace, Regime::Accumulate] {
        let run = Run::new(CategoricalSetup::new(&p, 20, regime.clone(), n)?, mc)?;
        let mut panel = Panel::new(format!("{regime}: the masses keep their mean"), "generation g", "mass");
        panel.series.extend(run.both(Metric::TopMass, "top outcome", 0));
        panel.series.extend(run.both(Metric::TailMass, "initial tail", 1));
        panels.push(panel);
    }
    // A few replace trajectories of the tail mass: unbiased, yet each ends at 0 or 1.
    let setup = CategoricalSetup::new(&p, 20, Regime::Replace, n)?;
    let chain = CategoricalChain::new(&setup);
    let few = MonteCarlo::new(12, mc.seed(), None)?;
    let (_, values) = few.run_keeping(&chain)?;
    let mut panel = Panel::new("replace: 12 chains of the tail mass", "generation g", "tail mass p_g(A)");
    for r in 0..12 {
        let row = &values[r * chain.width()..];
        let ys: Vec<f64> = (1..=n).map(|g| row[chain.index(Metric::TailMass, g)]).collect();
        panel.series.push(Series::plain(if r == 0 { "one chain" } else { "" }, Style::Thin, 6, generations(n), ys));
    }
    panel.series.push(Series::theory("E p_g(A) = p_0(A)", 1, [1.0, n as f64], [setup.tail_mass(); 2]));
    panels.push(panel);
    let settings = format!("Zipf(1.1) on K = 20 outcomes, M = 20, S_0 = M, tail fraction 0.1 (p_0(A) = {:.3})", setup.tail_mass());
    Ok(Figure::new("categorical-martingale", "categorical-martingale: E p_g = p_0 under replace and accumulate", &settings, mc, 3, panels))
}

fn replace_diversity(mc: &MonteCarlo) -> Result<Figure> {
    let p = zipf(10, 1.0);
    let n = 100;
    let replace = Run::new(CategoricalSetup::new(&p, 20, Regime::Replace, n)?, mc)?;
    let accumulate = Run::new(CategoricalSetup::new(&p, 20, Regime::Accumulate, n)?, mc)?;
    let limit = gini_simpson(&p) * accumulate_diversity_limit(20, 20);
    let mut diversity = Panel::new("Gini-Simpson diversity", "generation g", "E H(p_g)").log(false, true);
    diversity.series.extend(replace.both(Metric::Diversity, "replace", 0));
    diversity.series.extend(accumulate.both(Metric::Diversity, "accumulate", 1));
    diversity.series.push(Series::bound("accumulate limit", 1, [1.0, n as f64], [limit; 2]));
    let mut spread = Panel::new("variance of the tail mass", "generation g", "Var p_g(A)");
    spread.series.extend(replace.both(Metric::TailSpread, "replace", 0));
    spread.series.extend(accumulate.both(Metric::TailSpread, "accumulate", 1));
    Ok(Figure::new(
        "categorical-replace-diversity",
        "categorical-replace-diversity: E H(p_g) = H(p_0)(1 - 1/M)^g under replace",
        "Zipf(1.0) on K = 10 outcomes, M = 20 (accumulate: S_0 = M)",
        mc,
        2,
        vec![diversity, spread],
    ))
}

fn accumulate_diversity(mc: &MonteCarlo) -> Result<Figure> {
    let p = zipf(20, 1.1);
    let (m, n) = (5, 100);
    let mut panel = Panel::new("accumulate, M = 5", "generation g", "E H(generation g)").log(true, false);
    for (key, real) in [(0, 2), (1, 5), (2, 20)] {
        let setup = CategoricalSetup::new(&p, m, Regime::Accumulate, n)?.with_real_samples(real)?;
        let run = Run::new(setup, mc)?;
        panel.series.extend(run.both(Metric::Diversity, &format!("S_0 = {real}"), key));
        let limit = gini_simpson(&p) * accumulate_diversity_limit(real, m);
        panel.series.push(Series::bound(format!("S_0 = {real}: limit"), key, [1.0, n as f64], [limit; 2]));
    }
    Ok(Figure::new(
        "categorical-accumulate-diversity",
        "categorical-accumulate-diversity: down to a positive limit",
        "Zipf(1.1) on K = 20 outcomes, M = 5, real pools S_0 = 2, 5, 20; limits (1 - 1/S_0) Gamma(b)^2/(Gamma(b-x) Gamma(b+x)) times H(p_0)",
        mc,
        1,
        vec![panel],
    ))
}

fn fixation(mc: &MonteCarlo) -> Result<Figure> {
    let p = vec![0.4, 0.25, 0.15, 0.1, 0.06, 0.04];
    let (m, n) = (10, 60);
    let run = Run::new(CategoricalSetup::new(&p, m, Regime::Replace, n)?, mc)?;
    let mut collapse = Panel::new("the model is a point mass by generation g", "generation g", "P(p_g is a point mass)");
    collapse.series.extend(run.both(Metric::Collapsed, "replace", 0));
    let winners = mc.run(&FixationChain::new(&CategoricalSetup::new(&p, m, Regime::Replace, 1)?)?)?;
    let mut panel = Panel::new("which outcome wins", "p_0(k)", "P(the chain fixes on k)");
    panel.series.push(Series::theory("P(winner = k) = p_0(k)", 1, [0.0, 0.45], [0.0, 0.45]));
    panel.series.push(Series::simulation("chains run to a point mass", 1, p.iter().copied(), &winners[1..]));
    Ok(Figure::new(
        "categorical-fixation",
        "categorical-fixation: replace ends in a point mass, on k with probability p_0(k)",
        &format!("K = 6, p_0 = {p:?}, M = {m}"),
        mc,
        2,
        vec![collapse, panel],
    ))
}

fn tail_loss(mc: &MonteCarlo) -> Result<Figure> {
    let (m, n) = (20, 60);
    let mut loss = Panel::new("P(an outcome is gone by generation g), M = 20", "generation g", "P(p_g(k) = 0)");
    for (key, q) in [0.01, 0.05, 0.1, 0.2, 0.4].into_iter().enumerate() {
        let setup = CategoricalSetup::new(&[1.0 - q, q], m, Regime::Replace, n)?.with_tail(q)?;
        loss.series.extend(Run::new(setup, mc)?.both(Metric::TailLost, &format!("p_0(k) = {q}"), key));
    }
    let p = zipf(50, 1.1);
    let mut survivors = Panel::new("surviving outcomes, Zipf(1.1), K = 50, M = 50", "generation g", "E #{k : p_g(k) > 0}");
    for (key, regime) in [(0, Regime::Replace), (1, Regime::Accumulate)] {
        survivors.series.extend(Run::new(CategoricalSetup::new(&p, 50, regime.clone(), n)?, mc)?.both(
            Metric::Survivors,
            &regime.to_string(),
            key,
        ));
    }
    Ok(Figure::new(
        "categorical-tail-loss",
        "categorical-tail-loss: the tails go first",
        "left: two outcomes with p_0(k) = 0.01 ... 0.4, M = 20; right: Zipf(1.1) on K = 50, M = 50, replace and accumulate (S_0 = M)",
        mc,
        2,
        vec![loss, survivors],
    ))
}

fn absorption_time(mc: &MonteCarlo) -> Result<Figure> {
    let sizes: Vec<usize> = vec![2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000];
    let simulated = [5, 10, 20, 50, 100];
    let mut time = Panel::new("expected generations to a point mass", "samples per generation M", "E tau").log(true, true);
    let mut gap = Panel::new("exact minus diffusion", "samples per generation M", "E tau - diffusion value").log(true, false);
    for (key, p) in [(0, vec![0.5, 0.5]), (1, vec![0.1, 0.9]), (2, vec![0.1; 10])] {
        let label = if p.len() == 2 { format!("p = {}", p[0]) } else { "uniform, K = 10".to_string() };
        let mut exact = Vec::new();
        for &m in &sizes {
            exact.push(BinomialChain::new(m)?.expected_absorption_time(&p)?);
        }
        let diffusion: Vec<f64> = sizes.iter().map(|&m| diffusion_absorption_time(m, &p)).collect();
        let xs = || sizes.iter().map(|&m| m as f64);
        time.series.push(Series::theory(label.clone(), key, xs(), exact.clone()));
        time.series.push(Series::bound(format!("{label}: diffusion"), key, xs(), diffusion.clone()));
        let mut summaries = Vec::new();
        for &m in &simulated {
            summaries.push(mc.run(&FixationChain::new(&CategoricalSetup::new(&p, m, Regime::Replace, 1)?)?)?[0]);
        }
        time.series.push(Series::simulation(label.clone(), key, simulated.iter().map(|&m| m as f64), &summaries));
        gap.series.push(Series::theory(label, key, xs(), exact.iter().zip(&diffusion).map(|(e, d)| e - d)));
    }
    Ok(Figure::new(
        "categorical-absorption-time",
        "categorical-absorption-time: exact E tau against the diffusion value",
        "replace; two outcomes with p = 0.5 and 0.1, and ten equally likely outcomes; exact by the fundamental matrix (lines), diffusion -2M sum_k (1 - p_k) ln(1 - p_k) (dotted); the gap changes sign where M p_0(k) is of order one",
        mc,
        2,
        vec![time, gap],
    ))
}
