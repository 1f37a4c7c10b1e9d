//! Closed forms of the linear feedback loop. Pure functions of a validated
//! setup: no randomness, no I/O, no `Result` once the setup exists.
//!
//! Generation `n >= 1` is the `n`-th fit; generation 1 fits the real data.
//! With `base = sigma^2 d / (T - d - 1)`:
//!
//! | id | expected test error at generation `n` | function |
//! |---|---|---|
//! | `linear-replace` | `n * base` (reused or fresh design) | [`LinearTheory::replace`] |
//! | `linear-accumulate` | `base * sum_{i<=n} 1/i^2 < (pi^2/6) base` (reused design) | [`LinearTheory::accumulate`] |
//! | `linear-accumulate-fresh` | `sigma^2 d sum_{i<=n} 1/(i (i T - d - 1))` (fresh design) | [`LinearTheory::accumulate_fresh`] |
//! | `linear-conditional` | `sigma^2 tr(Sigma (X^T X)^{-1})` times `n` or `sum 1/i^2`, for one given `X` | [`ConditionalTheory`] |
//!
//! All hold for any `Sigma` shared by training rows and test points. Proofs:
//! `proofs/<id>.md`; checks: `collapse verify <id>`.

use super::{Design, LinearSetup, Regime};
use crate::error::{Error, Result};

/// `sum_{i=1}^n 1/i^2`, summed from the smallest term up for accuracy.
pub fn harmonic2(n: u64) -> f64 {
    (1..=n).rev().map(|i| 1.0 / (i as f64 * i as f64)).sum()
}

/// The theorem id whose closed form covers a regime and design (unconditional
/// expectation over designs).
pub fn theorem_id(regime: Regime, design: Design) -> &'static str {
    match (regime, design) {
        (Regime::Replace, _) => "linear-replace",
        (Regime::Accumulate, Design::Reused) => "linear-accumulate",
        (Regime::Accumulate, Design::Fresh) => "linear-accumulate-fresh",
    }
}

/// Expected test errors averaged over Gaussian designs: a setup with
/// `T >= d + 2`, the condition for `E[(X^T X)^{-1}] = Sigma^{-1} / (T - d - 1)`
/// to be finite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearTheory {
    dim: f64,
    samples: f64,
    sigma: f64,
}

impl LinearTheory {
    /// Requires `T >= d + 2`: below it the expected test error is infinite.
    pub fn new(setup: &LinearSetup) -> Result<Self> {
        let (d, t) = (setup.dim(), setup.samples());
        if t < d + 2 {
            return Err(Error::invalid(
                "samples",
                t,
                format!(
                    "the expected test error needs T >= d + 2 = {} (dim d = {d}); below it the \
                     expectation over designs is infinite (condition on one design with --fixed-design)",
                    d + 2
                ),
            ));
        }
        Ok(LinearTheory { dim: d as f64, samples: t as f64, sigma: setup.sigma() })
    }

    /// `base = sigma^2 d / (T - d - 1)`: the expected test error of one OLS fit
    /// on `T` real samples (generation 1 of every regime).
    pub fn base(&self) -> f64 {
        self.sigma * self.sigma * self.dim / (self.samples - self.dim - 1.0)
    }

    /// **linear-replace.** `E[test error at generation n] = n * base`, for a
    /// reused or a fresh design.
    ///
    /// ```text
    /// w_n - w* = sum_{i<=n} (X_i^T X_i)^{-1} X_i^T E_i,  E ||.||^2_Sigma = n sigma^2 d / (T - d - 1)
    /// ```
    /// Source: Dohmatob, Feng and Kempe (2024), Section 4; Gerstgrasser et al.
    /// (2024), Section 3. Proof: `proofs/linear-replace.md`.
    ///
    /// ```
    /// use model_collapse::linear::{LinearSetup, Spectrum, theory::LinearTheory};
    /// let setup = LinearSetup::new(10, 100, 1.0, Spectrum::Identity).unwrap();
    /// let theory = LinearTheory::new(&setup).unwrap();
    /// assert!((theory.replace(3) - 30.0 / 89.0).abs() < 1e-15);
    /// ```
    pub fn replace(&self, n: u64) -> f64 {
        n as f64 * self.base()
    }

    /// **linear-accumulate.** Reused design:
    /// `E[test error at generation n] = base * sum_{i<=n} 1/i^2 < (pi^2/6) base`
    /// for every `n` (strictly when `sigma > 0`; with no noise both sides are 0).
    ///
    /// ```text
    /// w_n - w* = sum_{i<=n} eta_i / i,  eta_i = (X^T X)^{-1} X^T E_i
    /// ```
    /// Source: Gerstgrasser et al. (2024), Section 3.
    /// Proof: `proofs/linear-accumulate.md`.
    ///
    /// ```
    /// use model_collapse::linear::{LinearSetup, Spectrum, theory::LinearTheory};
    /// let setup = LinearSetup::new(10, 100, 1.0, Spectrum::Identity).unwrap();
    /// let theory = LinearTheory::new(&setup).unwrap();
    /// assert!((theory.accumulate(3) - (10.0 / 89.0) * (49.0 / 36.0)).abs() < 1e-15);
    /// ```
    pub fn accumulate(&self, n: u64) -> f64 {
        self.base() * harmonic2(n)
    }

    /// The bound of **linear-accumulate**: `(pi^2/6) * base`, never reached.
    pub fn accumulate_bound(&self) -> f64 {
        std::f64::consts::PI.powi(2) / 6.0 * self.base()
    }

    /// **linear-accumulate-fresh.** Fresh design:
    /// `E[test error at generation n] = sigma^2 d sum_{i<=n} 1 / (i (i T - d - 1))`.
    ///
    /// ```text
    /// w_n - w* = sum_{i<=n} G_i^{-1} X_i^T E_i,  G_i = sum_{k<=i} X_k^T X_k ~ Wishart(Sigma, i T)
    /// ```
    /// Exchangeability of the batches inside `G_i` turns each term's expectation
    /// into `tr(Sigma E[G_i^{-1}]) / i`. Never above [`LinearTheory::accumulate`].
    /// Proof: `proofs/linear-accumulate-fresh.md`.
    ///
    /// ```
    /// use model_collapse::linear::{LinearSetup, Spectrum, theory::LinearTheory};
    /// let setup = LinearSetup::new(10, 100, 1.0, Spectrum::Identity).unwrap();
    /// let theory = LinearTheory::new(&setup).unwrap();
    /// let exact = 10.0 * (1.0 / 89.0 + 1.0 / (2.0 * 189.0));
    /// assert!((theory.accumulate_fresh(2) - exact).abs() < 1e-15);
    /// ```
    pub fn accumulate_fresh(&self, n: u64) -> f64 {
        (1..=n).rev().map(|i| self.fresh_increment(i)).sum()
    }

    /// The term `i` of [`LinearTheory::accumulate_fresh`]: `sigma^2 d / (i (i T - d - 1))`.
    fn fresh_increment(&self, i: u64) -> f64 {
        let i = i as f64;
        self.sigma * self.sigma * self.dim / (i * (i * self.samples - self.dim - 1.0))
    }

    /// The expected test error at generation `n` for a regime and design.
    pub fn expected_test_error(&self, regime: Regime, design: Design, n: u64) -> f64 {
        match (regime, design) {
            (Regime::Replace, _) => self.replace(n),
            (Regime::Accumulate, Design::Reused) => self.accumulate(n),
            (Regime::Accumulate, Design::Fresh) => self.accumulate_fresh(n),
        }
    }

    /// Generations `1..=generations` of [`LinearTheory::expected_test_error`],
    /// by running sums in `O(generations)`.
    pub fn curve(&self, regime: Regime, design: Design, generations: u64) -> Vec<f64> {
        let step = |i: u64| match (regime, design) {
            (Regime::Replace, _) => self.base(),
            (Regime::Accumulate, Design::Reused) => self.base() / (i as f64 * i as f64),
            (Regime::Accumulate, Design::Fresh) => self.fresh_increment(i),
        };
        running_sum((1..=generations).map(step))
    }
}

fn running_sum(terms: impl Iterator<Item = f64>) -> Vec<f64> {
    terms
        .scan(0.0, |total, x| {
            *total += x;
            Some(*total)
        })
        .collect()
}

/// **linear-conditional.** For one given full-rank design `X` (reused design),
/// averaging over the label noise only:
///
/// ```text
/// E[test error at generation n | X] = sigma^2 tr(Sigma (X^T X)^{-1}) * n          (replace)
///                                   = sigma^2 tr(Sigma (X^T X)^{-1}) * sum 1/i^2  (accumulate)
/// ```
/// Needs only `T >= d`. Proof: `proofs/linear-conditional.md`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConditionalTheory {
    trace: f64,
    sigma: f64,
}

impl ConditionalTheory {
    /// From `tr(Sigma (X^T X)^{-1})` of the given design (see
    /// [`crate::linear::sim::GivenDesign::trace_sigma_gram_inverse`]) and `sigma`.
    pub fn new(trace: f64, sigma: f64) -> Self {
        ConditionalTheory { trace, sigma }
    }

    /// `sigma^2 tr(Sigma (X^T X)^{-1})`: the conditional error of generation 1.
    pub fn base(&self) -> f64 {
        self.sigma * self.sigma * self.trace
    }

    /// The conditional expected test error at generation `n`.
    pub fn expected_test_error(&self, regime: Regime, n: u64) -> f64 {
        self.base() * variance_factor(regime, n)
    }

    /// Generations `1..=generations` of [`ConditionalTheory::expected_test_error`].
    pub fn curve(&self, regime: Regime, generations: u64) -> Vec<f64> {
        (1..=generations).map(|n| self.expected_test_error(regime, n)).collect()
    }
}

/// `n` under replace, `sum_{i<=n} 1/i^2` under accumulate: the factor that
/// multiplies the first generation's error (reused design).
pub fn variance_factor(regime: Regime, n: u64) -> f64 {
    match regime {
        Regime::Replace => n as f64,
        Regime::Accumulate => harmonic2(n),
    }
}

/// The weight that the normal equations of generation `n` give to batch `k`
/// (`1 <= k <= n`): `1` for the newest batch under replace, `1/n` for every
/// batch under accumulate (reused design: every batch has the same Gram matrix).
pub fn batch_weight(regime: Regime, n: u64, k: u64) -> f64 {
    match regime {
        Regime::Replace => f64::from(u8::from(k == n)),
        Regime::Accumulate => 1.0 / n as f64,
    }
}

/// The step-by-step recursion behind the closed forms, for the reused design.
///
/// With `eta_j = (X^T X)^{-1} X^T E_j`, the normal equations of generation `n`
/// give `w_n - w* = sum_k a_{n,k} (w_{k-1} - w* + eta_k)` with the batch weights
/// `a` of [`batch_weight`]. Writing `w_n - w* = sum_j c_{n,j} eta_j`, this returns
/// the rows `c_1, ..., c_N` (row `n` has `n` entries), computed literally from
/// that recursion, without the telescoping used in the proofs.
pub fn noise_coefficients(regime: Regime, generations: u64) -> Vec<Vec<f64>> {
    let mut rows: Vec<Vec<f64>> = Vec::with_capacity(generations as usize);
    for n in 1..=generations {
        let mut c = vec![0.0; n as usize];
        for k in 1..=n {
            let a = batch_weight(regime, n, k);
            if let Some(prev) = (k >= 2).then(|| &rows[k as usize - 2]) {
                c.iter_mut().zip(prev).for_each(|(c, p)| *c += a * p);
            }
            c[k as usize - 1] += a;
        }
        rows.push(c);
    }
    rows
}
