//! The Gaussian family's command-line arguments and commands.

use crate::tables::{Column, Columns, column, emit_simulation, theory_table, write};
use crate::{McArgs, OutputArgs, budget, named, note};
use clap::Args;
use model_collapse::error::Result;
use model_collapse::gaussian::theory::{GaussianTheory, Metric};
use model_collapse::gaussian::{DEFAULT_THRESHOLD, Estimator, GaussianRegime, GaussianSetup};
use model_collapse::mc::Chain;
use model_collapse::model::{Model, Run, check_simulation, check_theory};
use model_collapse::names::Named;
use model_collapse::spectrum::Spectrum;
use std::process::ExitCode;

/// At most this many numbers are kept in memory for the sample medians.
const MEDIAN_BUDGET: usize = 20_000_000;

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

    fn meta(&self, theory: &GaussianTheory) -> serde_json::Value {
        let theorems: serde_json::Map<String, serde_json::Value> =
            Metric::ALL.iter().filter_map(|&m| theory.curve(m).map(|c| (m.to_string(), c.theorem.as_str().into()))).collect();
        serde_json::json!({
            "family": "gaussian", "dim": self.dim, "samples": self.samples, "sigma": self.sigma,
            "spectrum": self.spectrum, "estimator": self.estimator.to_string(), "regime": self.regime,
            "generations": self.generations, "threshold": self.threshold, "theorems": theorems,
        })
    }
}

/// `collapse theory gaussian`: one row per generation, one column per closed form
/// (empty where there is none), plus the exact medians.
pub(crate) fn theory(args: &GaussianArgs, out: &OutputArgs) -> Result<ExitCode> {
    let setup = args.setup()?;
    check_theory(&setup, &budget().limits)?;
    let theory = GaussianTheory::new(&setup);
    let mut columns: Vec<(&'static str, Column)> = Vec::new();
    for &metric in Metric::ALL {
        columns.push((metric.name(), column(setup.closed_form(metric))));
        if metric == Metric::LogVarianceRatio {
            let median = theory.median_curve(metric).ok_or_else(|| "no exact median in this setting".to_string());
            columns.push(("median_log_variance_ratio", median));
        }
    }
    write(&theory_table(Model::generations(&setup), &columns), args.meta(&theory), out)
}

/// `collapse simulate gaussian`: one row per generation and metric, with the
/// Monte Carlo mean, its standard error and interval, the sample median, and
/// the closed forms of the mean and the median where they exist.
pub(crate) fn simulate(args: &GaussianArgs, metrics: &[Metric], mc_args: &McArgs, out: &OutputArgs) -> Result<ExitCode> {
    let setup = args.setup()?;
    let mc = mc_args.monte_carlo()?;
    let kept = setup.chain().width().saturating_mul(mc.replicates() as usize);
    let replace = setup.regime() == GaussianRegime::Replace;
    let heavy = setup.estimator() != Estimator::KnownVariance && replace && args.generations > args.samples as u64;
    check_simulation(&setup, &mc, kept <= MEDIAN_BUDGET, &budget().limits)?;
    let meta = args.meta(&GaussianTheory::new(&setup));
    let run = if kept <= MEDIAN_BUDGET {
        Run::keeping(setup, &mc)?
    } else {
        note(format!("{kept} observations exceed the {MEDIAN_BUDGET} kept for sample medians; the median column is empty"));
        Run::new(setup, &mc)?
    };
    if heavy {
        note(format!(
            "under replace, sigma_n^2 and (mu_n - mu)^2 are heavy-tailed (their variance grows like ((M+1)/(M-1))^n): \
             beyond n ~ M = {} their Monte Carlo means, standard errors and z are unreliable; the medians and \
             log_variance_ratio are not",
            args.samples
        ));
    }
    let columns = Columns { metric: true, medians: true };
    emit_simulation(&run, metrics, columns, meta, (mc.replicates(), mc.seed()), out)
}
