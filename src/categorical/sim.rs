//! One replicate of the categorical loop, simulated literally: every
//! generation draws its samples (a multinomial count vector) and fits the
//! empirical frequencies of its training data.
//!
//! A multinomial vector is drawn by conditional binomials over the outcomes
//! still present: `C_k ~ Binomial(M - C_1 - ... - C_(k-1), w_k / (w_k +
//! ... + w_K))`. After generation 1 the weights are integer counts, so every
//! conditional probability is an exact ratio of integers. Outcomes that have
//! vanished are dropped from the support and cost nothing.

use super::theory::Metric;
use super::{CategoricalRegime, CategoricalSetup};
use crate::error::{Error, Result};
use crate::mc::{Chain, Stream};
use crate::names::Named;
use rand::RngExt;
use rand_distr::Binomial;

/// A model: the outcomes with positive count, and their counts.
#[derive(Debug, Clone, Default)]
struct Counts {
    outcome: Vec<usize>,
    count: Vec<u64>,
    total: u64,
}

impl Counts {
    /// `trials` draws from `p_0` (given as its conditional probabilities
    /// `p_k / (p_k + ... + p_K)`), keeping the outcomes drawn.
    fn from_truth(rng: &mut Stream, trials: u64, conditional: &[f64]) -> Result<Self> {
        let mut counts = Counts { total: trials, ..Counts::default() };
        let mut left = trials;
        for (k, &q) in conditional.iter().enumerate() {
            if left == 0 {
                break;
            }
            let c = binomial(rng, left, q)?;
            if c > 0 {
                counts.outcome.push(k);
                counts.count.push(c);
                left -= c;
            }
        }
        Ok(counts)
    }

    /// `trials` draws from the model's frequencies, aligned with its support
    /// (zeros included), into `batch`.
    fn draw(&self, rng: &mut Stream, trials: u64, batch: &mut Vec<u64>) -> Result<()> {
        batch.clear();
        let (mut left, mut weight) = (trials, self.total);
        for &c in &self.count {
            let drawn = if left == 0 { 0 } else { binomial(rng, left, c as f64 / weight as f64)? };
            batch.push(drawn);
            left -= drawn;
            weight -= c;
        }
        Ok(())
    }

    /// Keeps the outcomes whose new count is positive (replace).
    fn replace(&mut self, batch: &[u64]) {
        let mut kept = 0;
        for (i, &c) in batch.iter().enumerate() {
            if c > 0 {
                self.outcome[kept] = self.outcome[i];
                self.count[kept] = c;
                kept += 1;
            }
        }
        self.outcome.truncate(kept);
        self.count.truncate(kept);
        self.total = batch.iter().sum();
    }

    /// Adds a batch to the pool (accumulate).
    fn add(&mut self, batch: &[u64]) {
        for (c, b) in self.count.iter_mut().zip(batch) {
            *c += b;
        }
        self.total += batch.iter().sum::<u64>();
    }
}

/// `Binomial(n, q)`, `0 <= q <= 1`.
fn binomial(rng: &mut Stream, n: u64, q: f64) -> Result<u64> {
    if q >= 1.0 {
        return Ok(n);
    }
    let law = Binomial::new(n, q).map_err(|e| Error::Numerical(format!("Binomial({n}, {q}): {e}")))?;
    Ok(rng.sample(law))
}

/// The conditional probabilities `p_k / (p_k + ... + p_K)` of a sequential
/// multinomial draw from `p` (1 for the last positive entry, exactly).
fn conditional_probabilities(p: &[f64]) -> Vec<f64> {
    let mut rest = 0.0;
    let mut q: Vec<f64> = p
        .iter()
        .rev()
        .map(|&pk| {
            rest += pk;
            if pk > 0.0 { pk / rest } else { 0.0 }
        })
        .collect();
    q.reverse();
    if let Some(last) = q.iter_mut().rev().find(|x| **x > 0.0) {
        *last = 1.0;
    }
    q
}

/// One replicate of the loop: every metric of [`Metric::ALL`] at every
/// generation `1..=n`.
#[derive(Debug, Clone)]
pub struct CategoricalChain {
    setup: CategoricalSetup,
    conditional: Vec<f64>,
}

impl CategoricalChain {
    /// The simulator of `setup`.
    pub fn new(setup: &CategoricalSetup) -> Self {
        CategoricalChain { setup: setup.clone(), conditional: conditional_probabilities(setup.probabilities()) }
    }

    /// Where `metric` at `generation` (`1..=n`) sits in a replicate's output.
    pub fn index(&self, metric: Metric, generation: u64) -> usize {
        metric.index() * self.setup.generations() as usize + generation as usize - 1
    }

    /// Writes every metric of the model `counts` at `generation`.
    fn record(&self, counts: &Counts, generation: u64, out: &mut [f64]) {
        let s = &self.setup;
        let total = counts.total as f64;
        let (mut squares, mut c_ln_c, mut tail, mut top) = (0u128, 0.0, 0u64, 0u64);
        for (&k, &c) in counts.outcome.iter().zip(&counts.count) {
            squares += u128::from(c) * u128::from(c);
            c_ln_c += c as f64 * (c as f64).ln();
            tail += if s.in_tail(k) { c } else { 0 };
            top += if k == s.top() { c } else { 0 };
        }
        let t2 = u128::from(counts.total) * u128::from(counts.total);
        let tail_mass = tail as f64 / total;
        let mut put = |metric: Metric, value: f64| out[self.index(metric, generation)] = value;
        put(Metric::Diversity, (t2 - squares) as f64 / t2 as f64);
        put(Metric::Entropy, (total.ln() - c_ln_c / total).max(0.0));
        put(Metric::Survivors, counts.outcome.len() as f64);
        put(Metric::Collapsed, f64::from(u8::from(counts.outcome.len() == 1)));
        put(Metric::TopMass, top as f64 / total);
        put(Metric::TailMass, tail_mass);
        put(Metric::TailSpread, (tail_mass - s.tail_mass()).powi(2));
        put(Metric::TailLost, f64::from(u8::from(tail == 0)));
    }
}

impl Chain for CategoricalChain {
    fn width(&self) -> usize {
        Metric::ALL.len() * self.setup.generations() as usize
    }

    fn run(&self, rng: &mut Stream, out: &mut [f64]) -> Result<()> {
        let s = &self.setup;
        let mut model = Counts::from_truth(rng, s.real_samples() as u64, &self.conditional)?;
        self.record(&model, 1, out);
        let mut batch = Vec::with_capacity(model.count.len());
        for g in 2..=s.generations() {
            model.draw(rng, s.samples() as u64, &mut batch)?;
            match s.regime() {
                CategoricalRegime::Replace => model.replace(&batch),
                CategoricalRegime::Accumulate => model.add(&batch),
            }
            self.record(&model, g, out);
        }
        Ok(())
    }
}

/// One replicate of the replace loop run until the model is a point mass:
/// observation 0 is the absorption time `tau` (the first generation whose
/// model is a point mass), observation `1 + k` is 1 when the chain fixed on
/// outcome `k`, else 0. The number of generations of the setup is ignored.
#[derive(Debug, Clone)]
pub struct FixationChain {
    samples: u64,
    outcomes: usize,
    conditional: Vec<f64>,
    limit: u64,
}

impl FixationChain {
    /// The simulator of `setup`, which must run the replace regime.
    pub fn new(setup: &CategoricalSetup) -> Result<Self> {
        if setup.regime() != CategoricalRegime::Replace {
            return Err(Error::invalid("regime", setup.regime(), "only replace ends in a point mass"));
        }
        let samples = setup.samples() as u64;
        Ok(FixationChain {
            samples,
            outcomes: setup.outcomes(),
            conditional: conditional_probabilities(setup.probabilities()),
            // P(tau > g) <= (1 - M^-M)^(g-1) in general and about (1 - 1/M)^g in
            // practice: a chain still alive after 10^4 M generations is a bug.
            limit: 10_000 * samples.max(10),
        })
    }
}

impl Chain for FixationChain {
    fn width(&self) -> usize {
        1 + self.outcomes
    }

    fn run(&self, rng: &mut Stream, out: &mut [f64]) -> Result<()> {
        let mut model = Counts::from_truth(rng, self.samples, &self.conditional)?;
        let mut batch = Vec::with_capacity(model.count.len());
        let mut tau = 1;
        while model.outcome.len() > 1 {
            if tau >= self.limit {
                return Err(Error::Numerical(format!("a chain was not absorbed after {tau} generations")));
            }
            model.draw(rng, self.samples, &mut batch)?;
            model.replace(&batch);
            tau += 1;
        }
        out.fill(0.0);
        out[0] = tau as f64;
        out[1 + model.outcome[0]] = 1.0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditional_probabilities_end_in_one() {
        let q = conditional_probabilities(&[0.5, 0.25, 0.25, 0.0]);
        assert_eq!(q, vec![0.5, 0.5, 1.0, 0.0]);
    }

    #[test]
    fn counts_always_sum_to_the_sample_size() {
        let setup =
            CategoricalSetup::new(&[0.4, 0.3, 0.2, 0.1], 7, CategoricalRegime::Accumulate, 6).unwrap().with_real_samples(5).unwrap();
        let chain = CategoricalChain::new(&setup);
        let mut rng = crate::mc::replicate_rng(3, 0);
        let mut model = Counts::from_truth(&mut rng, 5, &chain.conditional).unwrap();
        let mut batch = Vec::new();
        for g in 0..20 {
            assert_eq!(model.count.iter().sum::<u64>(), model.total);
            assert_eq!(model.total, 5 + 7 * g);
            model.draw(&mut rng, 7, &mut batch).unwrap();
            assert_eq!(batch.iter().sum::<u64>(), 7);
            model.add(&batch);
        }
    }
}
