//! The Gaussian family's entries in the registry and its Monte Carlo checks.
//!
//! `sigma_n^2` under replace is heavy-tailed (unbiased: `Var sigma_n^2 =
//! sigma^4 (((M+1)/(M-1))^n - 1)`), and so is `(mu_n - mu)^2`, whose variance
//! grows at the same rate: their means are checked only while `n <= M`,
//! where the standard error is a fair yardstick. The collapse itself is
//! checked through quantities with light tails at every horizon:
//! `E log det Sigma_n` (mean and variance linear in `n`), `E sigma_n` (at most
//! `sigma^2` in variance), and the probability of collapse (an indicator).

use super::sim::GaussianChain;
use super::theory::{GaussianTheory, Metric, log_drift};
use super::{Estimator, GaussianSetup};
use crate::error::Result;
use crate::linear::Regime;
use crate::mc::MonteCarlo;
use crate::registry::Theorem;
use crate::spectrum::Spectrum;
use crate::verify::{Check, Comparison, Expect};

/// The Gaussian family's theorems.
pub const THEOREMS: [Theorem; 7] = [
    Theorem {
        id: "gaussian-replace-variance",
        family: "gaussian",
        statement: "1-D replace: unbiased E sigma_n^2 = sigma^2 for all n, yet E log sigma_n^2 = log sigma^2 + n (psi((M-1)/2) + log(2/(M-1))) -> -infinity and sigma_n -> 0 almost surely; E sigma_n = sigma c_M^n; mle E sigma_n^2 = r^n sigma^2; P(sigma_n^2 < eps sigma^2) -> 1 (evaluated numerically)",
        source: "Shumailov et al. (2024), Nature 631, Theorem 3.1; exact rates and the mle variant derived for this project",
        check: "E sigma_n^2 at short horizons, E sigma_n, E log sigma_n^2 and the fraction of collapsed chains up to n = 100, unbiased and mle; controls: no drift, and the mle formula for the unbiased chain",
    },
    Theorem {
        id: "gaussian-replace-mean",
        family: "gaussian",
        statement: "1-D replace: E (mu_n - mu)^2 = n sigma^2 / M (unbiased, or a known variance), growing without bound; sigma^2 (1 - r^n) (mle)",
        source: "Shumailov et al. (2024), Nature 631, Theorem 3.1 and Methods; the mle variant derived for this project",
        check: "mean squared error of the mean at n <= M, unbiased, mle and known variance; control: the mle formula for the unbiased chain",
    },
    Theorem {
        id: "gaussian-replace-wasserstein",
        family: "gaussian",
        statement: "1-D replace: E W2^2 = n sigma^2 / M + 2 sigma^2 (1 - c_M^n) (unbiased), unbounded, about (3/2) sigma^2 n / M while n << M; 2 sigma^2 (1 - (c_M sqrt r)^n) < 2 sigma^2 (mle)",
        source: "Shumailov et al. (2024), Nature 631, Theorem 3.1; exact finite-n forms derived for this project",
        check: "mean W2^2 at n <= M, unbiased and mle; control: the mle formula for the unbiased chain",
    },
    Theorem {
        id: "gaussian-multivariate",
        family: "gaussian",
        statement: "d-dimensional replace: E ||mu_n - mu||^2 = n tr Sigma / M; E log det Sigma_n = log det Sigma + n (sum_{i<=d} psi((M-i)/2) + d log(2/(M-1))); Sigma_n -> 0 almost surely (mle: tr Sigma (1 - r^n), drift + d log r)",
        source: "Shumailov et al. (2024), Nature 631, Theorem 3.1 (multivariate); exact rates derived for this project",
        check: "d = 3, power-law covariance, unbiased and mle: mean error, trace, log-determinant and the fraction collapsed; control: d times the 1-D drift",
    },
    Theorem {
        id: "gaussian-accumulate",
        family: "gaussian",
        statement: "accumulate (pooled fit): E sigma_n^2 / sigma^2 = prod_{j<=n} (1 - 1/(M j^2)) -> sin(pi/sqrt M)/(pi/sqrt M) > 0 (mle), prod_{j=2..n} (1 - 1/(j (j M - 1))) (unbiased); E (mu_n - mu)^2 = (sigma^2/M) sum_{j<=n} c_{j-1}/j^2 < (pi^2/6) sigma^2 / M; in d dimensions with tr Sigma for sigma^2",
        source: "Gerstgrasser et al. (2024), Gaussian section; exact products derived for this project",
        check: "variance and mean error up to n = 50, mle and unbiased, 1-D and d = 2; the mean error with a known variance; control: the replace formula",
    },
    Theorem {
        id: "gaussian-mix",
        family: "gaussian",
        statement: "known variance, n_r real and n_s synthetic points, p = n_s/(n_r + n_s): E (mu_n - mu)^2 = (sigma^2/n_r)(1 + 2p - p^(2n-1))/(1 + p) -> (sigma^2/n_r)(1 + 2p)/(1 + p) with a fixed real sample; (sigma^2/n_r)(1 + p^(2n-1))/(1 + p) -> sigma^2/(n_r (1 + p)) with fresh real data",
        source: "Bertrand et al. (2024); Alemohammad et al. (2024); the Gaussian-mean formulas derived for this project",
        check: "mix:0.25 and fresh-real:0.75 at M = 12 (n_r = 3, n_s = 9) up to n = 25; control: the fresh formula for the fixed real sample",
    },
    Theorem {
        id: "gaussian-accumulate-subsample",
        family: "gaussian",
        statement: "known variance, M points drawn without replacement from the pool of all n M: E (mu_n - mu)^2 = (tr Sigma / M) times the exact location-model factor of linear-accumulate-subsample (T = M), which tends to 3 H_2(n) - 2 as M -> infinity (bounded in n for fixed M only numerically)",
        source: "Kazdan et al. (2024), accumulate-subsample; the reduction to the location model derived for this project",
        check: "mean error at M = 3 and M = 20 up to n = 20; control: accumulate's formula",
    },
];

/// The formula a check compares the simulation with.
#[derive(Debug, Clone, Copy)]
enum Reference {
    /// The theorem's closed form.
    Exact,
    /// Control: the closed form of the same process with another estimator.
    Estimator(Estimator),
    /// Control: the closed form of another regime.
    Regime(&'static str),
    /// Control: `E log det Sigma_n = log det Sigma`, no drift (what `E sigma_n^2 = sigma^2` suggests).
    NoDrift,
    /// Control: `d` times the one-dimensional drift for `log det Sigma_n`.
    ScalarDrift,
}

/// One simulated setting of the Gaussian loop and what to compare.
#[derive(Debug, Clone)]
struct Case {
    id: &'static str,
    dim: usize,
    samples: usize,
    sigma: f64,
    spectrum: Spectrum,
    estimator: Estimator,
    regime: &'static str,
    generations: u64,
    threshold: f64,
    at: Vec<(Metric, &'static [u64])>,
    reference: Reference,
}

impl Case {
    fn new(id: &'static str, samples: usize, estimator: Estimator, regime: &'static str, generations: u64) -> Self {
        let spectrum = Spectrum::Identity;
        Case {
            id,
            dim: 1,
            samples,
            sigma: 1.0,
            spectrum,
            estimator,
            regime,
            generations,
            threshold: 0.1,
            at: vec![],
            reference: Reference::Exact,
        }
    }

    fn sigma(mut self, sigma: f64) -> Self {
        self.sigma = sigma;
        self
    }

    fn dim(mut self, dim: usize, spectrum: Spectrum) -> Self {
        (self.dim, self.spectrum) = (dim, spectrum);
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

    fn setup(&self, estimator: Estimator, regime: &str) -> Result<GaussianSetup> {
        let regime: Regime = regime.parse()?;
        GaussianSetup::new(self.dim, self.samples, self.sigma, self.spectrum.clone(), estimator, regime, self.generations)?
            .with_threshold(self.threshold)
    }

    fn settings(&self) -> String {
        let control = match self.reference {
            Reference::Exact => String::new(),
            Reference::Estimator(e) => format!(" [control: the {e} formula]"),
            Reference::Regime(r) => format!(" [control: the {r} formula]"),
            Reference::NoDrift => " [control: no drift, E log det Sigma_n = log det Sigma]".into(),
            Reference::ScalarDrift => " [control: d times the 1-D drift]".into(),
        };
        let setup = self.setup(self.estimator, self.regime).map(|s| s.describe()).unwrap_or_default();
        format!("{setup}{control}")
    }

    /// The reference curve of `metric` for generations `1..=n`.
    fn reference(&self, metric: Metric) -> Result<Vec<f64>> {
        let setup = self.setup(self.estimator, self.regime)?;
        let n = self.generations;
        let curve = |setup: GaussianSetup| {
            GaussianTheory::new(&setup)
                .curve(metric)
                .map(|r| r.values)
                .ok_or_else(|| crate::error::Error::Numerical(format!("no closed form of {metric} for {}", setup.describe())))
        };
        match self.reference {
            Reference::Exact => curve(setup),
            Reference::Estimator(e) => curve(self.setup(e, self.regime)?),
            Reference::Regime(r) => curve(self.setup(self.estimator, r)?),
            Reference::NoDrift => Ok(vec![0.0; n as usize]),
            Reference::ScalarDrift => {
                let k = self.estimator.divisor(self.samples).unwrap_or(1.0);
                Ok((1..=n).map(|g| g as f64 * self.dim as f64 * log_drift(self.samples, 1, k)).collect())
            }
        }
    }

    fn check(self) -> Check {
        let expect = if matches!(self.reference, Reference::Exact) { Expect::Agree } else { Expect::Reject };
        let (id, settings) = (self.id, self.settings());
        Check::new(id, settings, expect, Box::new(move |mc: &MonteCarlo| self.evaluate(mc)))
    }

    fn evaluate(&self, mc: &MonteCarlo) -> Result<Vec<Comparison>> {
        let chain = GaussianChain::new(&self.setup(self.estimator, self.regime)?);
        let summaries = mc.run(&chain)?;
        let mut out = Vec::new();
        for &(metric, generations) in &self.at {
            let theory = self.reference(metric)?;
            for &g in generations {
                out.push(Comparison {
                    quantity: metric.to_string(),
                    generation: g,
                    theory: theory[g as usize - 1],
                    estimate: summaries[chain.index(metric, g)],
                });
            }
        }
        Ok(out)
    }
}

/// The Gaussian family's checks.
pub fn checks() -> Vec<Check> {
    use Estimator::{KnownVariance, Mle, Unbiased};
    use Metric::*;
    let power = Spectrum::PowerLaw(1.0);
    let variance = |estimator| {
        Case::new("gaussian-replace-variance", 20, estimator, "replace", 100)
            .sigma(2.0)
            .at(VarianceRatio, &[1, 5])
            .at(SdRatio, &[1, 10, 50, 100])
            .at(LogVarianceRatio, &[1, 10, 100])
            .at(Collapsed, &[10, 50, 100])
    };
    let mean = |estimator| Case::new("gaussian-replace-mean", 20, estimator, "replace", 20).sigma(2.0).at(MeanError, &[1, 5, 20]);
    let wasserstein = |estimator| Case::new("gaussian-replace-wasserstein", 20, estimator, "replace", 20).at(Wasserstein, &[1, 5, 20]);
    let multivariate = |estimator| {
        Case::new("gaussian-multivariate", 10, estimator, "replace", 10)
            .dim(3, power.clone())
            .at(MeanError, &[1, 5, 10])
            .at(VarianceRatio, &[1, 3])
            .at(LogVarianceRatio, &[1, 10])
            .at(Collapsed, &[5, 10])
    };
    let accumulate = |estimator| {
        Case::new("gaussian-accumulate", 5, estimator, "accumulate", 50).at(VarianceRatio, &[1, 5, 20, 50]).at(MeanError, &[1, 5, 20, 50])
    };
    let mix = |regime| Case::new("gaussian-mix", 12, KnownVariance, regime, 25).sigma(2.0).at(MeanError, &[1, 2, 3, 25]);
    let subsample =
        |samples| Case::new("gaussian-accumulate-subsample", samples, KnownVariance, "accumulate-subsample", 20).at(MeanError, &[1, 5, 20]);
    vec![
        variance(Unbiased),
        variance(Mle),
        Case::new("gaussian-replace-variance", 20, Unbiased, "replace", 100)
            .sigma(2.0)
            .at(LogVarianceRatio, &[100])
            .control(Reference::NoDrift),
        Case::new("gaussian-replace-variance", 20, Unbiased, "replace", 5)
            .sigma(2.0)
            .at(VarianceRatio, &[5])
            .control(Reference::Estimator(Mle)),
        mean(Unbiased),
        mean(Mle),
        Case::new("gaussian-replace-mean", 20, KnownVariance, "replace", 50).sigma(2.0).at(MeanError, &[1, 10, 50]),
        Case::new("gaussian-replace-mean", 20, Unbiased, "replace", 20).sigma(2.0).at(MeanError, &[20]).control(Reference::Estimator(Mle)),
        wasserstein(Unbiased),
        wasserstein(Mle),
        Case::new("gaussian-replace-wasserstein", 20, Unbiased, "replace", 20).at(Wasserstein, &[20]).control(Reference::Estimator(Mle)),
        multivariate(Unbiased),
        multivariate(Mle),
        Case::new("gaussian-multivariate", 10, Unbiased, "replace", 10)
            .dim(3, power.clone())
            .at(LogVarianceRatio, &[10])
            .control(Reference::ScalarDrift),
        accumulate(Mle),
        accumulate(Unbiased),
        Case::new("gaussian-accumulate", 6, Mle, "accumulate", 30)
            .dim(2, Spectrum::Diagonal(vec![1.0, 0.25]))
            .at(VarianceRatio, &[1, 10, 30])
            .at(MeanError, &[1, 10, 30]),
        Case::new("gaussian-accumulate", 5, KnownVariance, "accumulate", 20).at(MeanError, &[1, 5, 20]),
        Case::new("gaussian-accumulate", 5, Mle, "accumulate", 20).at(VarianceRatio, &[20]).control(Reference::Regime("replace")),
        mix("mix:0.25"),
        mix("fresh-real:0.75"),
        Case::new("gaussian-mix", 12, KnownVariance, "mix:0.25", 25)
            .sigma(2.0)
            .at(MeanError, &[3, 25])
            .control(Reference::Regime("fresh-real:0.75")),
        subsample(3),
        subsample(20),
        Case::new("gaussian-accumulate-subsample", 3, KnownVariance, "accumulate-subsample", 20)
            .at(MeanError, &[20])
            .control(Reference::Regime("accumulate")),
    ]
    .into_iter()
    .map(|case| case.check())
    .collect()
}
