//! The Gaussian family's command-line arguments and commands.

use super::tables::{Produced, Stage, simulation_output, theory_output};
use super::{McArgs, named};
use crate::error::Result;
use crate::gaussian::theory::Metric;
use crate::gaussian::{DEFAULT_THRESHOLD, Estimator, GaussianRegime, GaussianSetup};
use crate::spectrum::Spectrum;
use clap::Args;

/// The arguments of the Gaussian loop.
#[derive(Args)]
pub(crate) struct GaussianArgs {
    /// Dimension d
    #[arg(long, default_value_t = 1)]
    dim: usize,
    /// Samples M per generation (M >= 2; M >= d + 1 when the covariance is fitted)
    #[arg(long, default_value_t = 100)]
    samples: usize,
    /// The truth's standard deviation sigma (> 0); Sigma = sigma^2 diag(spectrum)
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    sigma: f64,
    /// Eigenvalues of Sigma / sigma^2: identity, power:ALPHA or diag:L1,L2,...
    #[arg(long, default_value = "identity")]
    spectrum: String,
    /// Covariance estimator: unbiased (divide by N - 1), mle (divide by N), or known-variance
    /// (the covariance stays the truth's; only the mean is fitted)
    #[arg(long, value_parser = named::<Estimator>(), default_value_t = Estimator::Unbiased)]
    estimator: Estimator,
    /// What generation n >= 2 fits on: replace (its own M samples), accumulate (all n M samples
    /// so far), accumulate-subsample (M drawn without replacement from them), mix:LAMBDA (the
    /// same LAMBDA M real points every generation plus (1 - LAMBDA) M samples), fresh-real:P (new
    /// (1 - P) M real points plus P M samples). Generation 1 fits the real points
    #[arg(long, default_value = "replace", value_name = "NAME[:PARAM]")]
    regime: String,
    /// Number of generations n (generation 1 fits the real sample)
    #[arg(long, default_value_t = 100)]
    generations: u64,
    /// Collapse threshold eps: a chain has collapsed when (det Sigma_n / det Sigma)^(1/d) < eps
    #[arg(long, default_value_t = DEFAULT_THRESHOLD, allow_negative_numbers = true)]
    threshold: f64,
}

impl GaussianArgs {
    fn setup(&self) -> Result<GaussianSetup> {
        let regime: GaussianRegime = self.regime.parse()?;
        let spectrum: Spectrum = self.spectrum.parse()?;
        GaussianSetup::new(self.dim, self.samples, self.sigma, spectrum, self.estimator, regime, self.generations)?
            .with_threshold(self.threshold)
    }
}

/// `collapse theory gaussian`: every closed form per generation (empty where
/// there is none), with the exact medians.
pub(crate) fn theory(args: &GaussianArgs, stage: Stage<'_>) -> Result<Produced> {
    theory_output(&args.setup()?, &[], stage)
}

/// `collapse simulate gaussian`: one row per generation and metric, with the
/// Monte Carlo mean, its standard error and interval, the sample median, and
/// the closed forms of the mean and the median where they exist.
pub(crate) fn simulate(args: &GaussianArgs, metrics: &[Metric], mc_args: &McArgs, stage: Stage<'_>) -> Result<Produced> {
    simulation_output(args.setup()?, metrics, mc_args, &[], stage)
}
