//! The exact chain of one outcome's count under replace: the binomial
//! Wright–Fisher chain.
//!
//! Under replace, the count `C_g = M p_g(k)` of an outcome (or of a set of
//! outcomes, lumped) is `Binomial(M, p_0(k))` at generation 1 and then a Markov
//! chain on `{0..M}` with transition matrix
//! `P_ij = binom(M, j) (i/M)^j (1 - i/M)^(M-j)`; 0 and `M` are absorbing.
//!
//! **Numerics.** No matrix is ever stored or raised to a power. A row of `P`
//! (a binomial pmf) is generated when needed by the ratio recurrence
//! `b_(j+1) / b_j = (M - j)/(j + 1) * q/(1 - q)`, run outward from the mode and
//! normalised to sum 1, with no factorial or power that could overflow; the
//! entries below `1e-300` (about 37 standard deviations from the mode) are
//! dropped, so a row costs `O(sqrt M)`. Rows `i` and `M - i` are mirror images
//! and are generated once. A product `P u` therefore costs `O(M^1.5)`, and
//! `n` generations `O(n M^1.5)`: for `M = 1000`, about 0.5 ms a generation.
//!
//! The probabilities of loss and fixation of every outcome come from the
//! *backward* vectors `u_m = P^m e_0` (`u_m(i)` is the probability that a
//! chain started at `i` sits at 0 after `m` steps): `P(C_g = 0) = pi_1 . u_(g-1)`
//! for the generation-1 pmf `pi_1`, and `P(C_g = M) = pi_1 . u_(g-1)` mirrored.
//! One backward product per generation serves every outcome at once.

use crate::error::{Error, Result};
use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;

/// Binomial probabilities below this are dropped (they are below every
/// probability a double can add to a sum of order one).
const NEGLIGIBLE: f64 = 1e-300;

/// Rows per rayon task in a backward product.
const ROWS_PER_TASK: usize = 64;

/// The largest `M` for [`BinomialChain::expected_absorption_time`]: it solves a
/// dense `(M - 1) x (M - 1)` system (`O(M^3)` time, `8 M^2` bytes).
pub const MAX_ABSORPTION_SAMPLES: usize = 4000;

/// A run of consecutive probabilities `values[j]` for counts `start + j`; the
/// counts outside the run have probability below `1e-300`.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// The first count of the run.
    pub start: usize,
    /// The probabilities.
    pub values: Vec<f64>,
}

impl Band {
    /// `sum_j values[j] u[start + j]`.
    pub fn dot(&self, u: &[f64]) -> f64 {
        self.values.iter().zip(&u[self.start..]).map(|(b, x)| b * x).sum()
    }

    /// `sum_j values[j] u[M - start - j]`: the dot product with the mirrored
    /// vector (`u` has length `M + 1`).
    pub fn dot_mirrored(&self, u: &[f64]) -> f64 {
        let top = u.len() - 1 - self.start;
        self.values.iter().enumerate().map(|(j, b)| b * u[top - j]).sum()
    }

    /// The band as a dense vector of length `len`.
    pub fn to_dense(&self, len: usize) -> Vec<f64> {
        let mut dense = vec![0.0; len];
        dense[self.start..self.start + self.values.len()].copy_from_slice(&self.values);
        dense
    }
}

/// Loss and fixation probabilities of one outcome, generation by generation.
#[derive(Debug, Clone, PartialEq)]
pub struct Absorption {
    /// `lost[g - 1] = P(C_g = 0)`: the outcome has vanished by generation `g`.
    pub lost: Vec<f64>,
    /// `fixed[g - 1] = P(C_g = M)`: the model is the point mass on the outcome.
    pub fixed: Vec<f64>,
}

/// The binomial Wright–Fisher chain with `M` samples per generation.
#[derive(Debug, Clone, PartialEq)]
pub struct BinomialChain {
    samples: usize,
    /// `up[j] = (M - j)/(j + 1)`: `b_(j+1) = b_j up[j] rho`.
    up: Vec<f64>,
    /// `down[j] = j/(M - j + 1)`: `b_(j-1) = b_j down[j] / rho`.
    down: Vec<f64>,
}

impl BinomialChain {
    /// The chain with `M = samples >= 1` samples per generation.
    pub fn new(samples: usize) -> Result<Self> {
        if samples == 0 {
            return Err(Error::invalid("samples", samples, "a generation needs M >= 1 samples"));
        }
        Ok(Self::with_samples(samples))
    }

    /// The chain of a validated setup (`M >= 1`).
    pub fn of(setup: &super::CategoricalSetup) -> Self {
        Self::with_samples(setup.samples())
    }

    fn with_samples(samples: usize) -> Self {
        debug_assert!(samples >= 1);
        let m = samples as f64;
        let up = (0..samples).map(|j| (m - j as f64) / (j as f64 + 1.0)).collect();
        let down = (0..=samples).map(|j| j as f64 / (m - j as f64 + 1.0)).collect();
        BinomialChain { samples, up, down }
    }

    /// `M`.
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// The `Binomial(M, q)` pmf, `0 <= q <= 1`: the law of generation 1's count
    /// of an outcome with `p_0(k) = q` (and row `i` of `P` for `q = i/M`).
    /// A `q` outside `[0, 1]` by rounding (a sum of probabilities) is clamped.
    pub fn pmf(&self, q: f64) -> Band {
        let (m, q) = (self.samples, q.clamp(0.0, 1.0));
        let mode = ((m as f64 + 1.0) * q).floor().clamp(0.0, m as f64) as usize;
        self.band(mode, q / (1.0 - q))
    }

    /// Row `i` of the transition matrix `P`: the `Binomial(M, i/M)` pmf.
    pub fn row(&self, i: usize) -> Band {
        // floor((M + 1) i / M) = i for i < M: the mode, without rounding.
        self.band(i, self.odds(i))
    }

    /// The odds `(i/M) / (1 - i/M) = i / (M - i)` of row `i` (infinite for `i = M`).
    fn odds(&self, i: usize) -> f64 {
        i as f64 / (self.samples - i.min(self.samples)) as f64
    }

    /// The pmf with the given mode and odds `rho = q / (1 - q)` (`0` for
    /// `q = 0`, infinite for `q = 1`), normalised.
    fn band(&self, mode: usize, rho: f64) -> Band {
        let (mut below, mut above) = (Vec::new(), Vec::new());
        let total = self.walk(mode, rho, |j, b| if j < mode { below.push(b) } else { above.push(b) });
        let start = mode - below.len();
        below.reverse();
        below.extend(above);
        below.iter_mut().for_each(|v| *v /= total);
        Band { start, values: below }
    }

    /// Visits the unnormalised pmf `(j, b_j)` with `b_mode = 1`: the mode, then
    /// downward and upward by the ratio recurrence until `b_j < 1e-300`.
    /// Returns `sum_j b_j`, the normalising constant.
    fn walk(&self, mode: usize, rho: f64, mut visit: impl FnMut(usize, f64)) -> f64 {
        let m = self.samples;
        if rho == 0.0 || rho.is_infinite() {
            visit(if rho == 0.0 { 0 } else { m }, 1.0);
            return 1.0;
        }
        visit(mode, 1.0);
        let (mut total, inverse) = (1.0, rho.recip());
        let mut b = 1.0;
        for j in (1..=mode).rev() {
            b *= self.down[j] * inverse;
            if b < NEGLIGIBLE {
                break;
            }
            visit(j - 1, b);
            total += b;
        }
        b = 1.0;
        for j in mode..m {
            b *= self.up[j] * rho;
            if b < NEGLIGIBLE {
                break;
            }
            visit(j + 1, b);
            total += b;
        }
        total
    }

    /// `(row i . u, row i . mirrored u) = ((P u)_i, (P u)_(M-i))`, generated on
    /// the fly without storing the row.
    fn row_dots(&self, i: usize, u: &[f64]) -> (f64, f64) {
        let m = self.samples;
        let (mut low, mut high) = (0.0, 0.0);
        let total = self.walk(i, self.odds(i), |j, b| {
            low += b * u[j];
            high += b * u[m - j];
        });
        (low / total, high / total)
    }

    /// One backward step `P u` (`u` of length `M + 1`): entry `i` is the
    /// expectation of `u` after one generation from count `i`.
    pub fn step_back(&self, u: &[f64]) -> Vec<f64> {
        let m = self.samples;
        debug_assert_eq!(u.len(), m + 1);
        let mut v = vec![0.0; m + 1];
        v[0] = u[0];
        v[m] = u[m];
        let pairs: Vec<(f64, f64)> = (1..m / 2 + 1).into_par_iter().with_min_len(ROWS_PER_TASK).map(|i| self.row_dots(i, u)).collect();
        for (i, (low, high)) in (1..).zip(pairs) {
            v[i] = low;
            v[m - i] = high;
        }
        v
    }

    /// One forward step `pi P` (`pi` a law on `{0..M}`): the law one generation later.
    pub fn step_forward(&self, pi: &[f64]) -> Vec<f64> {
        let mut next = vec![0.0; self.samples + 1];
        for (i, &weight) in pi.iter().enumerate().filter(|(_, w)| **w != 0.0) {
            let row = self.row(i);
            for (x, b) in next[row.start..].iter_mut().zip(&row.values) {
                *x += weight * b;
            }
        }
        next
    }

    /// **categorical-tail-loss.** The exact law `pi_g = pi_1 P^(g-1)` of the
    /// count at generation `g >= 1` of an outcome with initial probability `p`.
    ///
    /// ```
    /// use model_collapse::categorical::exact::BinomialChain;
    /// // M = 2, p = 1/2: pi_1 = (1/4, 1/2, 1/4); from 1 the next count is 0, 1, 2
    /// // with probabilities 1/4, 1/2, 1/4, so pi_2 = (3/8, 1/4, 3/8).
    /// let law = BinomialChain::new(2).unwrap().law(0.5, 2);
    /// assert!((law[0] - 0.375).abs() < 1e-15 && (law[1] - 0.25).abs() < 1e-15);
    /// ```
    pub fn law(&self, p: f64, generation: u64) -> Vec<f64> {
        let mut law = self.pmf(p).to_dense(self.samples + 1);
        for _ in 1..generation {
            law = self.step_forward(&law);
        }
        law
    }

    /// **categorical-tail-loss.** For each initial probability in `starts`,
    /// the probabilities that the outcome has vanished by generation
    /// `g = 1..=generations` (`P(C_g = 0)`, nondecreasing in `g`, starting at
    /// `(1 - p)^M`) and that the model is the point mass on it (`P(C_g = M)`,
    /// **categorical-fixation.**, increasing to `p`).
    /// Cost: `generations - 1` backward products for all starts together.
    pub fn absorption(&self, starts: &[f64], generations: u64) -> Vec<Absorption> {
        let pmfs: Vec<Band> = starts.iter().map(|&p| self.pmf(p)).collect();
        let mut out: Vec<Absorption> = starts.iter().map(|_| Absorption { lost: Vec::new(), fixed: Vec::new() }).collect();
        let mut u = vec![0.0; self.samples + 1];
        u[0] = 1.0;
        for g in 1..=generations {
            for (a, pmf) in out.iter_mut().zip(&pmfs) {
                a.lost.push(pmf.dot(&u));
                a.fixed.push(pmf.dot_mirrored(&u));
            }
            if g < generations {
                u = self.step_back(&u);
            }
        }
        out
    }

    /// **categorical-absorption-time.** The expected number of generations
    /// `E tau` until the model is a point mass, `tau = min{g >= 1 : p_g is a
    /// point mass}`, for any `p_0` on any number of outcomes:
    ///
    /// ```text
    /// E tau = 1 + sum_k sum_{i=1}^{M-1} Binomial(M, p_0(k))(i) w_i,   w = (I - Q)^(-1) h,
    /// ```
    ///
    /// with `Q` the transient block of `P` (counts `1..M-1`) and `h_i = i/M`
    /// (`w_i` is the expected absorption time from `i` on the event of fixation
    /// at `M`). For two outcomes it is the classical `1 + sum_i pi_1(i) t_i`,
    /// `t = (I - Q)^(-1) 1`. `I - Q` is strictly diagonally dominant by rows;
    /// the dense LU solve takes `O(M^3)`, so `M <=` [`MAX_ABSORPTION_SAMPLES`].
    ///
    /// ```
    /// use model_collapse::categorical::exact::BinomialChain;
    /// // M = 2, p_0 = (1/2, 1/2): each generation ends the chain with probability 1/2.
    /// let t = BinomialChain::new(2).unwrap().expected_absorption_time(&[0.5, 0.5]).unwrap();
    /// assert!((t - 2.0).abs() < 1e-14);
    /// ```
    pub fn expected_absorption_time(&self, probabilities: &[f64]) -> Result<f64> {
        let m = self.samples;
        if m > MAX_ABSORPTION_SAMPLES {
            return Err(Error::invalid(
                "samples",
                m,
                format!("the exact absorption time solves a dense (M - 1) x (M - 1) system: M <= {MAX_ABSORPTION_SAMPLES}"),
            ));
        }
        if m < 2 {
            return Ok(1.0);
        }
        let w = self.fixation_weighted_times()?;
        let inner: f64 = probabilities
            .iter()
            .map(|&p| {
                let pmf = self.pmf(p);
                (1..m)
                    .filter(|&i| i >= pmf.start && i < pmf.start + pmf.values.len())
                    .map(|i| pmf.values[i - pmf.start] * w[i - 1])
                    .sum::<f64>()
            })
            .sum();
        Ok(1.0 + inner)
    }

    /// `w = (I - Q)^(-1) h`, `h_i = i/M`, for the transient counts `1..M-1`.
    fn fixation_weighted_times(&self) -> Result<Vec<f64>> {
        let m = self.samples;
        let n = m - 1;
        let mut a = DMatrix::<f64>::identity(n, n);
        for i in 1..m {
            let row = self.row(i);
            for (j, b) in (row.start..).zip(&row.values).filter(|(j, _)| (1..m).contains(j)) {
                a[(i - 1, j - 1)] -= b;
            }
        }
        let h = DVector::from_iterator(n, (1..m).map(|i| i as f64 / m as f64));
        a.lu()
            .solve(&h)
            .map(|w| w.iter().copied().collect())
            .ok_or_else(|| Error::Numerical(format!("I - Q is singular in floating point at M = {m}")))
    }
}

/// The diffusion approximation of `E tau` (Kimura and Ohta 1969 for two
/// outcomes, Littler 1975 for `K`): `-2M sum_k (1 - p_k) ln(1 - p_k)`; for two
/// outcomes `-2M (p ln p + (1 - p) ln(1 - p))`. An approximation for large
/// `M`, exact for none: see **categorical-absorption-time.**
pub fn diffusion_absorption_time(samples: usize, probabilities: &[f64]) -> f64 {
    let sum: f64 = probabilities.iter().filter(|&&p| p < 1.0).map(|&p| (1.0 - p) * (-p).ln_1p()).sum();
    0.0 - 2.0 * samples as f64 * sum // +0 for a point mass, not -0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binomial_pmf(m: u64, q: f64, j: u64) -> f64 {
        use statrs::distribution::{Binomial, Discrete};
        Binomial::new(q, m).unwrap().pmf(j)
    }

    #[test]
    fn pmf_matches_statrs_and_sums_to_one() {
        for &(m, q) in &[(1usize, 0.3), (10, 0.05), (10, 0.5), (37, 0.9), (1000, 0.001), (1000, 0.5), (5000, 0.3)] {
            let chain = BinomialChain::new(m).unwrap();
            let band = chain.pmf(q);
            let dense = band.to_dense(m + 1);
            assert!((dense.iter().sum::<f64>() - 1.0).abs() < 1e-13, "M = {m}, q = {q}");
            for j in (0..=m).step_by((m / 50).max(1)) {
                let exact = binomial_pmf(m as u64, q, j as u64);
                let tol = 1e-11 * exact + if exact < 1e-290 { 1e-290 } else { 0.0 };
                assert!((dense[j] - exact).abs() <= tol, "M = {m}, q = {q}, j = {j}: {} vs {exact}", dense[j]);
            }
        }
    }

    #[test]
    fn rows_are_mirror_images_and_edges_absorb() {
        let chain = BinomialChain::new(9).unwrap();
        assert_eq!(chain.row(0), Band { start: 0, values: vec![1.0] });
        assert_eq!(chain.row(9), Band { start: 9, values: vec![1.0] });
        let (low, high) = (chain.row(2).to_dense(10), chain.row(7).to_dense(10));
        for j in 0..10 {
            assert!((low[j] - high[9 - j]).abs() < 1e-16);
        }
    }

    #[test]
    fn backward_and_forward_steps_agree() {
        // pi . (P u) = (pi P) . u for any pi and u.
        let chain = BinomialChain::new(300).unwrap();
        let pi = chain.pmf(0.17).to_dense(301);
        let u: Vec<f64> = (0..=300).map(|i| ((i * 7919) % 101) as f64 / 101.0).collect();
        let left: f64 = pi.iter().zip(chain.step_back(&u)).map(|(a, b)| a * b).sum();
        let right: f64 = chain.step_forward(&pi).iter().zip(&u).map(|(a, b)| a * b).sum();
        assert!((left - right).abs() < 1e-13, "{left} vs {right}");
    }

    #[test]
    fn absorption_matches_the_law() {
        let chain = BinomialChain::new(10).unwrap();
        let a = &chain.absorption(&[0.1, 0.5], 6);
        for g in 1..=6 {
            let law = chain.law(0.1, g);
            assert!((a[0].lost[g as usize - 1] - law[0]).abs() < 1e-15);
            assert!((a[0].fixed[g as usize - 1] - law[10]).abs() < 1e-15);
        }
        // Table of proofs/categorical-tail-loss.md, M = 10.
        assert!((a[0].lost[0] - 0.9f64.powi(10)).abs() < 1e-15);
        for (g, value) in [(2, 0.50625), (3, 0.59770), (4, 0.65782), (5, 0.70047)] {
            assert!((a[0].lost[g - 1] - value).abs() < 5e-6, "g = {g}");
        }
    }

    #[test]
    fn absorption_time_matches_the_proofs_table() {
        for &(m, p, exact) in &[(10, 0.5, 12.5905), (10, 0.1, 5.7533), (30, 0.5, 39.9597), (100, 0.1, 63.4545)] {
            let t = BinomialChain::new(m).unwrap().expected_absorption_time(&[p, 1.0 - p]).unwrap();
            assert!((t - exact).abs() < 6e-5, "M = {m}, p = {p}: {t}");
        }
        // Any K: exact rationals of a full multinomial-chain solve on the simplex
        // (proofs/categorical-absorption-time.md): 56/25, 643/175, 63456918291/7815500000,
        // 13854655/1625624. The dense LU solve is accurate to about 1e-13 here.
        for &(m, ref p, exact) in &[
            (2, vec![0.5, 0.3, 0.2], 56.0 / 25.0),
            (3, vec![0.5, 0.3, 0.2], 643.0 / 175.0),
            (6, vec![0.5, 0.3, 0.2], 63456918291.0 / 7815500000.0),
            (6, vec![1.0 / 3.0; 3], 13854655.0 / 1625624.0),
            (6, vec![0.7, 0.3], 1634612929.0 / 259187500.0),
            (6, vec![0.0, 1.0, 0.0], 1.0),
        ] {
            let t = BinomialChain::new(m).unwrap().expected_absorption_time(p).unwrap();
            assert!((t - exact).abs() < 1e-12, "M = {m}, p = {p:?}: {t} vs {exact}");
        }
        let kimura = diffusion_absorption_time(10, &[0.5, 0.5]);
        assert!((kimura - 20.0 * std::f64::consts::LN_2).abs() < 1e-12);
        assert_eq!(BinomialChain::new(1).unwrap().expected_absorption_time(&[0.5, 0.5]).unwrap(), 1.0);
        assert!(BinomialChain::new(MAX_ABSORPTION_SAMPLES + 1).unwrap().expected_absorption_time(&[0.5, 0.5]).is_err());
    }
}
