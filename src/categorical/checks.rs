//! The categorical family's entries in the registry and its Monte Carlo checks.
//!
//! Every metric here is bounded (a frequency, a diversity, an indicator, a
//! count of at most `K`), so every mean has a finite variance and its standard
//! error is a fair yardstick at every horizon. Absorption times have geometric
//! tails (`P(tau > g) <= (1 - M^-M)^(g-1)`), so their mean is checked too.

use super::exact::{BinomialChain, diffusion_absorption_time};
use super::sim::{CategoricalChain, FixationChain};
use super::theory::{CategoricalTheory, Metric, gini_simpson};
use super::{CategoricalSetup, zipf};
use crate::error::{Error, Result};
use crate::linear::Regime;
use crate::mc::MonteCarlo;
use crate::registry::Theorem;
use crate::verify::{Check, Comparison, Expect};

/// The categorical family's theorems.
pub const THEOREMS: [Theorem; 6] = [
    Theorem {
        id: "categorical-martingale",
        family: "categorical",
        statement: "replace and accumulate: E p_g = p_0 at every generation; the mass of any set of outcomes is a bounded martingale and converges almost surely",
        source: "Shumailov et al. (2024), Nature 631, discrete case (the Wright-Fisher chain); accumulate as in Gerstgrasser et al. (2024)",
        check: "mass of the top outcome and of the initial tail, Zipf start, replace and accumulate, up to g = 50; control: the mass decaying like the diversity",
    },
    Theorem {
        id: "categorical-replace-diversity",
        family: "categorical",
        statement: "replace: Gini-Simpson diversity E H(p_g) = H(p_0) (1 - 1/M)^g -> 0; Var p_g(A) = p_0(A)(1 - p_0(A))(1 - (1 - 1/M)^g); P(not yet a point mass) <= E H_g / (2(M-1)/M^2)",
        source: "Shumailov et al. (2024), Nature 631, discrete case; the decay of heterozygosity of Wright-Fisher; the bounds derived for this project",
        check: "diversity and the tail mass's variance up to g = 100, Zipf and uniform starts; control: accumulate's formula",
    },
    Theorem {
        id: "categorical-accumulate-diversity",
        family: "categorical",
        statement: "accumulate with a real pool of S_0: E H(generation g) = H(p_0) (1 - 1/S_0) prod_{j=1}^{g-1} (1 - M/S_j^2), S_j = S_0 + j M, decreasing to (1 - 1/S_0) Gamma(b)^2/(Gamma(b-x) Gamma(b+x)) > 0 (b = 1 + S_0/M, x = M^-1/2), which is sin(pi/sqrt M)/(pi/sqrt M) for S_0 = M; Var q(A) = pi (1 - pi)(1 - that factor)",
        source: "Gerstgrasser et al. (2024), accumulate; the exact products derived for this project (the issue's product over j = 0..n needs S_0 = M)",
        check: "diversity and the tail mass's variance up to g = 100 for S_0 = M and S_0 != M; controls: replace's formula, the j = 0 factor 1 - M/S_0^2 with S_0 != M",
    },
    Theorem {
        id: "categorical-fixation",
        family: "categorical",
        statement: "replace: the chain ends at the point mass on outcome k with probability p_0(k), almost surely in finite time; P(p_g is a point mass) = sum_k P(C_g^(k) = M), exact from the binomial chain",
        source: "Shumailov et al. (2024), Nature 631, discrete case; neutral fixation of Wright-Fisher",
        check: "the winners of chains run to absorption against p_0, and the probability of a point mass by generation g; control: every outcome equally likely to win",
    },
    Theorem {
        id: "categorical-tail-loss",
        family: "categorical",
        statement: "replace: P(outcome k vanished by generation g) = (pi_1 P^(g-1))(0), pi_1 = Binomial(M, p_0(k)), (1 - p_0(k))^M at g = 1, nondecreasing in g and nonincreasing in p_0(k); E survivors = sum_k (1 - that); accumulate: (1 - p_0(k))^S_0 at every g",
        source: "Shumailov et al. (2024), Nature 631 (the tails vanish first); the exact binomial-chain formulas derived for this project",
        check: "surviving outcomes, loss of the tail and the probability of a point mass up to g = 50, Zipf start, replace and accumulate; control: the loss frozen at its generation-1 value",
    },
    Theorem {
        id: "categorical-absorption-time",
        family: "categorical",
        statement: "replace: E tau = 1 + sum_k sum_i Binomial(M, p_0(k))(i) w_i, w = (I - Q)^-1 (i/M)_i, exact for any K (two outcomes: t = (I - Q)^-1 1); beside the diffusion value -2M sum_k (1 - p_k) ln(1 - p_k): a few generations below it once every M p_0(k) is a few units, above it when some M p_0(k) is small (numerical observation)",
        source: "Kimura and Ohta (1969), Littler (1975) for the diffusion value; the exact fundamental-matrix formula for any K derived for this project",
        check: "mean absorption time of chains run to a point mass, two outcomes (M = 10, 30) and four; control: the diffusion value",
    },
];

/// The formula a check compares the simulation with.
#[derive(Debug, Clone, Copy)]
enum Reference {
    /// The theorem's closed form.
    Exact,
    /// Control: the closed form of the other regime.
    OtherRegime,
    /// Control: a mass that decays like the diversity, `p_0(A) E H_g / H(p_0)`.
    DecayingMass,
    /// Control: the issue's product over `j = 0..g-1`, whose `j = 0` factor
    /// `1 - M/S_0^2` is right only for `S_0 = M`.
    IssueProduct,
    /// Control: the loss frozen at its generation-1 value `(1 - p)^M`.
    FirstGeneration,
}

/// One simulated setting of the loop and what to compare.
#[derive(Debug, Clone)]
struct Case {
    id: &'static str,
    probabilities: Vec<f64>,
    samples: usize,
    regime: Regime,
    real: Option<usize>,
    tail: f64,
    generations: u64,
    at: Vec<(Metric, &'static [u64])>,
    reference: Reference,
}

impl Case {
    fn new(id: &'static str, probabilities: Vec<f64>, samples: usize, regime: Regime, generations: u64) -> Self {
        Case { id, probabilities, samples, regime, real: None, tail: 0.1, generations, at: vec![], reference: Reference::Exact }
    }

    fn real(mut self, real: usize) -> Self {
        self.real = Some(real);
        self
    }

    fn tail(mut self, tail: f64) -> Self {
        self.tail = tail;
        self
    }

    fn at(mut self, metric: Metric, generations: &'static [u64]) -> Self {
        self.at.push((metric, generations));
        self
    }

    fn control(mut self, reference: Reference) -> Self {
        self.reference = reference;
        self
    }

    fn setup(&self, regime: Regime) -> Result<CategoricalSetup> {
        let setup = CategoricalSetup::new(&self.probabilities, self.samples, regime, self.generations)?.with_tail(self.tail)?;
        match (self.real, setup.regime()) {
            (Some(real), Regime::Accumulate) => setup.with_real_samples(real),
            _ => Ok(setup),
        }
    }

    fn settings(&self) -> String {
        let control = match self.reference {
            Reference::Exact => "",
            Reference::OtherRegime => " [control: the other regime's formula]",
            Reference::DecayingMass => " [control: mass decaying like the diversity]",
            Reference::IssueProduct => " [control: j = 0 factor 1 - M/S_0^2]",
            Reference::FirstGeneration => " [control: loss frozen at generation 1]",
        };
        let setup = self.setup(self.regime.clone()).map(|s| s.describe()).unwrap_or_default();
        format!("{setup}{control}")
    }

    /// The reference curve of `metric` for generations `1..=n`.
    fn reference(&self, metric: Metric) -> Result<Vec<f64>> {
        let setup = self.setup(self.regime.clone())?;
        let curve = |setup: &CategoricalSetup| {
            CategoricalTheory::new(setup)
                .curve(metric)
                .map(|r| r.values)
                .ok_or_else(|| Error::Numerical(format!("no closed form of {metric} for {}", setup.describe())))
        };
        let (m, s0, pi) = (setup.samples() as f64, setup.real_samples() as f64, setup.tail_mass());
        let generations = 1..=self.generations;
        match self.reference {
            Reference::Exact => curve(&setup),
            Reference::OtherRegime => {
                let other = if self.regime == Regime::Replace { Regime::Accumulate } else { Regime::Replace };
                curve(&self.setup(other)?)
            }
            Reference::DecayingMass => Ok(CategoricalTheory::new(&setup).diversity_factors().iter().map(|c| pi * c).collect()),
            Reference::IssueProduct => {
                let h0 = gini_simpson(setup.probabilities());
                let factor = |j: u64| 1.0 - m / (s0 + j as f64 * m).powi(2);
                Ok(generations.map(|g| h0 * (0..g).map(factor).product::<f64>()).collect())
            }
            Reference::FirstGeneration => Ok(generations.map(|_| (1.0 - pi).powf(m)).collect()),
        }
    }

    fn check(self) -> Check {
        let expect = if matches!(self.reference, Reference::Exact) { Expect::Agree } else { Expect::Reject };
        let (id, settings) = (self.id, self.settings());
        Check::new(id, settings, expect, Box::new(move |mc: &MonteCarlo| self.evaluate(mc)))
    }

    fn evaluate(&self, mc: &MonteCarlo) -> Result<Vec<Comparison>> {
        let chain = CategoricalChain::new(&self.setup(self.regime.clone())?);
        let summaries = mc.run(&chain)?;
        let mut out = Vec::new();
        for &(metric, generations) in &self.at {
            let theory = self.reference(metric)?;
            for &g in generations {
                let estimate = summaries[chain.index(metric, g)];
                out.push(Comparison { quantity: metric.to_string(), generation: g, theory: theory[g as usize - 1], estimate });
            }
        }
        Ok(out)
    }
}

/// What a chain run to absorption is compared with.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Absorbed {
    /// `P(winner = k) = p_0(k)` (categorical-fixation).
    Winners,
    /// Control: `P(winner = k) = 1/K`.
    UniformWinners,
    /// `E tau`, exact (categorical-absorption-time).
    Time,
    /// Control: the diffusion value of `E tau`.
    DiffusionTime,
}

/// A check on chains run until they are a point mass.
fn absorbed_check(probabilities: Vec<f64>, samples: usize, what: Absorbed) -> Check {
    let id = match what {
        Absorbed::Winners | Absorbed::UniformWinners => "categorical-fixation",
        Absorbed::Time | Absorbed::DiffusionTime => "categorical-absorption-time",
    };
    let control = match what {
        Absorbed::UniformWinners => " [control: every outcome wins with probability 1/K]",
        Absorbed::DiffusionTime => " [control: the diffusion value]",
        Absorbed::Winners | Absorbed::Time => "",
    };
    let expect = if control.is_empty() { Expect::Agree } else { Expect::Reject };
    let settings = format!(
        "K={} M={samples} p0={} regime=replace, run to a point mass{control}",
        probabilities.len(),
        probabilities.iter().map(|p| format!("{p:.4}")).collect::<Vec<_>>().join(",")
    );
    let evaluate = move |mc: &MonteCarlo| -> Result<Vec<Comparison>> {
        let setup = CategoricalSetup::new(&probabilities, samples, Regime::Replace, 1)?;
        let summaries = mc.run(&FixationChain::new(&setup)?)?;
        let k = probabilities.len() as f64;
        let winners = |uniform: bool| {
            probabilities
                .iter()
                .enumerate()
                .map(|(i, &p)| Comparison {
                    quantity: format!("P(winner = {})", i + 1),
                    generation: 0,
                    theory: if uniform { 1.0 / k } else { p },
                    estimate: summaries[1 + i],
                })
                .collect()
        };
        let time = |theory: f64| vec![Comparison { quantity: "E tau".into(), generation: 0, theory, estimate: summaries[0] }];
        Ok(match what {
            Absorbed::Winners => winners(false),
            Absorbed::UniformWinners => winners(true),
            Absorbed::Time => time(BinomialChain::of(&setup).expected_absorption_time(&probabilities)?),
            Absorbed::DiffusionTime => time(diffusion_absorption_time(samples, &probabilities)),
        })
    };
    Check::new(id, settings, expect, Box::new(evaluate))
}

/// The categorical family's checks.
pub fn checks() -> Vec<Check> {
    use Metric::*;
    use Regime::{Accumulate, Replace};
    let zipf20 = zipf(20, 1.1);
    let four = vec![0.5, 0.3, 0.15, 0.05];
    let martingale =
        |regime| Case::new("categorical-martingale", zipf20.clone(), 20, regime, 50).at(TopMass, &[1, 10, 50]).at(TailMass, &[1, 10, 50]);
    let replace_diversity = |p: Vec<f64>| {
        Case::new("categorical-replace-diversity", p, 20, Replace, 100).at(Diversity, &[1, 5, 20, 50, 100]).at(TailSpread, &[1, 10, 50])
    };
    let accumulate_diversity = |real: usize| {
        Case::new("categorical-accumulate-diversity", zipf20.clone(), 5, Accumulate, 100)
            .real(real)
            .at(Diversity, &[1, 2, 10, 100])
            .at(TailSpread, &[1, 10, 100])
    };
    let tail_loss = |regime| {
        Case::new("categorical-tail-loss", zipf20.clone(), 20, regime, 50).at(Survivors, &[1, 5, 20, 50]).at(TailLost, &[1, 5, 20, 50])
    };
    vec![
        martingale(Replace),
        martingale(Accumulate),
        Case::new("categorical-martingale", zipf20.clone(), 20, Replace, 50).at(TailMass, &[50]).control(Reference::DecayingMass),
        replace_diversity(zipf20.clone()),
        replace_diversity(vec![0.25; 4]),
        Case::new("categorical-replace-diversity", zipf20.clone(), 20, Replace, 20).at(Diversity, &[20]).control(Reference::OtherRegime),
        accumulate_diversity(5),
        accumulate_diversity(20),
        Case::new("categorical-accumulate-diversity", zipf20.clone(), 5, Accumulate, 20)
            .at(Diversity, &[20])
            .control(Reference::OtherRegime),
        Case::new("categorical-accumulate-diversity", zipf20.clone(), 5, Accumulate, 2)
            .real(20)
            .at(Diversity, &[1])
            .control(Reference::IssueProduct),
        tail_loss(Replace),
        tail_loss(Accumulate),
        Case::new("categorical-tail-loss", four.clone(), 10, Replace, 10).tail(0.05).at(TailLost, &[1, 2, 5, 10]),
        Case::new("categorical-tail-loss", zipf20.clone(), 20, Replace, 20).at(TailLost, &[20]).control(Reference::FirstGeneration),
        Case::new("categorical-fixation", zipf20.clone(), 20, Replace, 100).at(Collapsed, &[10, 20, 50, 100]),
        Case::new("categorical-fixation", four.clone(), 10, Replace, 30).at(Collapsed, &[2, 5, 10, 30]),
    ]
    .into_iter()
    .map(Case::check)
    .chain([
        absorbed_check(four.clone(), 10, Absorbed::Winners),
        absorbed_check(four.clone(), 10, Absorbed::UniformWinners),
        absorbed_check(vec![0.5, 0.5], 10, Absorbed::Time),
        absorbed_check(vec![0.1, 0.9], 30, Absorbed::Time),
        absorbed_check(four, 10, Absorbed::Time),
        absorbed_check(vec![0.5, 0.5], 10, Absorbed::DiffusionTime),
    ])
    .collect()
}
