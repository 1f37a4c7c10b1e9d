//! Chi-square tests of the categorical simulators against the exact
//! distributions: the count of one outcome after one and several generations
//! (replace: the binomial chain's law `pi_1 P^(g-1)`; accumulate: the pool's
//! law), the winner of a chain run to a point mass (`p_0`), and the time it
//! takes (from the backward products).
//!
//! Every test is Pearson's chi-square over the support, with adjacent cells
//! pooled until each group expects at least 5 observations, and its p-value
//! from the chi-square law with `groups - 1` degrees of freedom. An agreement
//! passes when `p > ALPHA`; a negative control (a wrong law, chosen in advance
//! with a noncentrality above 290 at these sizes, so that it is missed with
//! probability below 1e-30) must give `p < ALPHA`. `ALPHA` is the suite's family-wise false alarm
//! 1e-3 split over the file's [`AGREEMENTS`] agreements (Bonferroni). The
//! samples come from fixed seeds, never retried.

use model_collapse::categorical::CategoricalRegime as Regime;
use model_collapse::categorical::CategoricalSetup;
use model_collapse::categorical::exact::BinomialChain;
use model_collapse::categorical::sim::{CategoricalChain, FixationChain};
use model_collapse::categorical::theory::Metric;
use model_collapse::mc::{Chain, MonteCarlo};
use model_collapse::verify::FAMILY_ALPHA;
use statrs::distribution::{ChiSquared, ContinuousCDF};

const SEED: u64 = 0x5EED_0C47;
const REPLICATES: u64 = 20_000;

/// Agreements in this file: replace 2 outcomes x 3 generations, accumulate 2
/// outcomes x 2 generations, the winners and the absorption time.
const AGREEMENTS: usize = 12;

/// The significance level of each test (agreements and controls alike).
const ALPHA: f64 = FAMILY_ALPHA / AGREEMENTS as f64;

/// `p_0`: with tail fraction 0.05 the tail is outcome 4 alone; the top is outcome 1.
const P0: [f64; 4] = [0.5, 0.3, 0.15, 0.05];
const TAIL: f64 = 0.05;
/// Samples per generation `M`.
const M: usize = 10;
/// The real pool `S_0` of the accumulate runs (not `M`, so a mix-up shows).
const S0: usize = 25;
/// Generations simulated.
const N: u64 = 20;

/// Pearson's statistic over pooled cells, its degrees of freedom and p-value.
#[derive(Debug)]
struct ChiSquare {
    statistic: f64,
    dof: usize,
    p_value: f64,
}

/// Pearson's chi-square of `observed` counts against the probabilities `law` (same cells),
/// pooling adjacent cells from the left until a group expects at least 5 (a short last
/// group joins the one before it).
fn chi_square(observed: &[u64], law: &[f64]) -> ChiSquare {
    assert_eq!(observed.len(), law.len());
    let total = observed.iter().sum::<u64>() as f64;
    let mut groups: Vec<(f64, f64)> = Vec::new();
    let (mut o, mut e) = (0.0, 0.0);
    for (&count, &p) in observed.iter().zip(law) {
        o += count as f64;
        e += total * p;
        if e >= 5.0 {
            groups.push((o, e));
            (o, e) = (0.0, 0.0);
        }
    }
    match groups.last_mut() {
        Some(last) => {
            last.0 += o;
            last.1 += e;
        }
        None => groups.push((o, e)),
    }
    assert!(groups.len() >= 2, "a single pooled cell: nothing to test");
    let statistic = groups.iter().map(|(o, e)| (o - e).powi(2) / e).sum();
    let dof = groups.len() - 1;
    let p_value = ChiSquared::new(dof as f64).unwrap().sf(statistic);
    ChiSquare { statistic, dof, p_value }
}

/// Histogram of `value * scale` over `cells` integer cells, for observation `index` of
/// every replicate in `values` (replicate-major, `width` per replicate).
fn histogram(values: &[f64], width: usize, index: usize, scale: f64, cells: usize) -> Vec<u64> {
    let mut counts = vec![0u64; cells];
    for (r, row) in values.chunks_exact(width).enumerate() {
        let x = row[index] * scale;
        let k = x.round();
        assert!((x - k).abs() < 1e-9 && k >= 0.0 && (k as usize) < cells, "replicate {r}: {x} is not a count in 0..{cells}");
        counts[k as usize] += 1;
    }
    counts
}

fn setup(regime: Regime) -> CategoricalSetup {
    let s = CategoricalSetup::new(&P0, M, regime, N).unwrap().with_tail(TAIL).unwrap();
    if regime == Regime::Accumulate { s.with_real_samples(S0).unwrap() } else { s }
}

/// The outcomes followed: outcome 4 (the tail, `tail_mass`) and outcome 1 (the top, `top_mass`).
const FOLLOWED: [(usize, Metric, f64); 2] = [(4, Metric::TailMass, 0.05), (1, Metric::TopMass, 0.5)];

/// Every observation of every replicate of the loop under `regime`.
fn simulate(regime: Regime) -> (CategoricalChain, Vec<f64>) {
    let s = setup(regime);
    assert!(s.in_tail(3) && (0..3).all(|k| !s.in_tail(k)) && s.top() == 0, "{}", s.describe());
    let chain = CategoricalChain::new(&s);
    let (_, values) = MonteCarlo::new(REPLICATES, SEED, None).unwrap().run_keeping(&chain).unwrap();
    (chain, values)
}

/// The counts of the followed outcome at generation `g` (its mass times the `points` fitted).
fn counts(run: &(CategoricalChain, Vec<f64>), metric: Metric, g: u64, points: usize) -> Vec<u64> {
    let (chain, values) = run;
    histogram(values, chain.width(), chain.index(metric, g), points as f64, points + 1)
}

fn assert_agrees(what: &str, c: &ChiSquare) {
    eprintln!("{what}: chi2 = {:.2}, dof = {}, p-value = {:.4}", c.statistic, c.dof, c.p_value);
    assert!(c.p_value > ALPHA, "{what}: chi2 = {}, dof = {}, p-value = {:e} <= alpha = {ALPHA:e}", c.statistic, c.dof, c.p_value);
}

fn assert_rejects(what: &str, c: &ChiSquare) {
    eprintln!("{what}: chi2 = {:.2}, dof = {}, p-value = {:e}", c.statistic, c.dof, c.p_value);
    assert!(
        c.p_value < ALPHA,
        "control not rejected: {what}: chi2 = {}, dof = {}, p-value = {:e} >= alpha = {ALPHA:e}",
        c.statistic,
        c.dof,
        c.p_value
    );
}

#[test]
fn replace_counts_follow_the_binomial_chain_after_one_and_several_generations() {
    let run = simulate(Regime::Replace);
    let chain = BinomialChain::new(M).unwrap();
    for (k, metric, p) in FOLLOWED {
        for g in [1, 5, 20] {
            let c = chi_square(&counts(&run, metric, g, M), &chain.law(p, g));
            assert_agrees(&format!("replace M = {M}, outcome {k} (p = {p}), g = {g}"), &c);
        }
    }
}

#[test]
fn replace_controls_one_generation_off_are_rejected() {
    // The generation-5 counts against the law of generation 1 (the loss frozen at its first
    // value) and of generation 4 (one generation off): noncentralities 67000, 300 and 870.
    let run = simulate(Regime::Replace);
    let chain = BinomialChain::new(M).unwrap();
    for (k, metric, p, wrong) in [(4, Metric::TailMass, 0.05, 1), (4, Metric::TailMass, 0.05, 4), (1, Metric::TopMass, 0.5, 4)] {
        let c = chi_square(&counts(&run, metric, 5, M), &chain.law(p, wrong));
        assert_rejects(&format!("replace M = {M}, outcome {k} (p = {p}), g = 5 against the law of g = {wrong}"), &c);
    }
}

/// The law of an outcome's pool count at generation `g` under accumulate, by its definition
/// (proofs/categorical-accumulate-diversity.md, Setting): `N_0 ~ Binomial(S_0, p)` and
/// `N_j = N_(j-1) + Binomial(M, N_(j-1)/S_(j-1))`, on `0..=S_(g-1)`.
fn pool_law(p: f64, g: u64) -> Vec<f64> {
    let batch = BinomialChain::new(M).unwrap();
    let mut law = BinomialChain::new(S0).unwrap().pmf(p).to_dense(S0 + 1);
    for _ in 1..g {
        let s = law.len() - 1;
        let mut next = vec![0.0; s + M + 1];
        for (n, &w) in law.iter().enumerate() {
            for (b, v) in batch.pmf(n as f64 / s as f64).to_dense(M + 1).iter().enumerate() {
                next[n + b] += w * v;
            }
        }
        law = next;
    }
    law
}

#[test]
fn accumulate_pool_counts_follow_the_exact_law() {
    let run = simulate(Regime::Accumulate);
    for (k, metric, p) in FOLLOWED {
        // Generation 1 fits the real pool alone: Binomial(S_0, p).
        let first = BinomialChain::new(S0).unwrap().pmf(p).to_dense(S0 + 1);
        assert_eq!(first, pool_law(p, 1));
        let c = chi_square(&counts(&run, metric, 1, S0), &first);
        assert_agrees(&format!("accumulate S_0 = {S0}, M = {M}, outcome {k} (p = {p}), g = 1"), &c);
        let points = S0 + 4 * M;
        let c = chi_square(&counts(&run, metric, 5, points), &pool_law(p, 5));
        assert_agrees(&format!("accumulate S_0 = {S0}, M = {M}, outcome {k} (p = {p}), g = 5 ({points} points)"), &c);
    }
}

#[test]
fn accumulate_control_fresh_data_is_rejected() {
    // Control: the generation-5 pool read as S_0 + 4M fresh draws from p_0, Binomial(65, p);
    // the pool is overdispersed against it (noncentrality 1.4e5).
    let run = simulate(Regime::Accumulate);
    let (k, metric, p) = FOLLOWED[0];
    let points = S0 + 4 * M;
    let fresh = BinomialChain::new(points).unwrap().pmf(p).to_dense(points + 1);
    let c = chi_square(&counts(&run, metric, 5, points), &fresh);
    assert_rejects(&format!("accumulate S_0 = {S0}, M = {M}, outcome {k} (p = {p}), g = 5 against Binomial({points}, p)"), &c);
}

/// Chains of the replace loop run to a point mass: `(tau, winner)` per replicate.
fn absorbed() -> Vec<(u64, usize)> {
    let s = CategoricalSetup::new(&P0, M, Regime::Replace, 1).unwrap();
    let chain = FixationChain::new(&s).unwrap();
    let (_, values) = MonteCarlo::new(REPLICATES, SEED + 1, None).unwrap().run_keeping(&chain).unwrap();
    values
        .chunks_exact(chain.width())
        .map(|row| {
            let winner = (0..P0.len()).filter(|&k| row[1 + k] == 1.0).collect::<Vec<_>>();
            assert_eq!(winner.len(), 1, "exactly one winner: {row:?}");
            (row[0] as u64, winner[0])
        })
        .collect()
}

#[test]
fn winners_are_drawn_from_p0_and_not_uniformly() {
    let runs = absorbed();
    let mut wins = vec![0u64; P0.len()];
    runs.iter().for_each(|&(_, k)| wins[k] += 1);
    let c = chi_square(&wins, &P0);
    assert_agrees(&format!("fixation M = {M}, p_0 = {P0:?}: winners {wins:?}"), &c);
    // Control: every outcome equally likely to win (noncentrality 9200).
    let c = chi_square(&wins, &[0.25; 4]);
    assert_rejects(&format!("fixation M = {M}: winners {wins:?} against 1/K"), &c);
}

/// `P(tau = g)` for `g = 1..=horizon` and `P(tau > horizon)` from `P(tau <= g)`.
fn cells(at_most: &[f64]) -> Vec<f64> {
    let mut law: Vec<f64> = std::iter::once(at_most[0]).chain(at_most.windows(2).map(|w| w[1] - w[0])).collect();
    law.push(1.0 - at_most[at_most.len() - 1]);
    law
}

#[test]
fn absorption_time_follows_the_backward_products() {
    // P(tau <= g) = sum_k P(C_g^(k) = M); cells g = 1..=60 and tau > 60 (about 0.3%).
    let horizon = 60;
    let runs = absorbed();
    let mut observed = vec![0u64; horizon as usize + 1];
    runs.iter().for_each(|&(tau, _)| observed[(tau.min(horizon + 1) - 1) as usize] += 1);
    let a = BinomialChain::new(M).unwrap().absorption(&P0, horizon);
    let at_most: Vec<f64> = (0..horizon as usize).map(|i| a.iter().map(|a| a.fixed[i]).sum()).collect();
    let c = chi_square(&observed, &cells(&at_most));
    assert_agrees(&format!("absorption time M = {M}, p_0 = {P0:?}"), &c);
    // Control: the time until outcome 1 alone is lost or fixed (the two-outcome chain of
    // Remark 4 of proofs/categorical-absorption-time.md), at most tau (noncentrality 1060).
    let binary: Vec<f64> = (0..horizon as usize).map(|i| a[0].lost[i] + a[0].fixed[i]).collect();
    let c = chi_square(&observed, &cells(&binary));
    assert_rejects(&format!("absorption time M = {M}: against the time outcome 1 is absorbed"), &c);
}
