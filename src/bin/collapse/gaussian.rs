//! The Gaussian family's command-line arguments and commands.

use crate::{McArgs, OutputArgs, default_format, emit, render};
use clap::Args;
use model_collapse::error::Result;
use model_collapse::gaussian::sim::GaussianChain;
use model_collapse::gaussian::theory::{GaussianTheory, Metric};
use model_collapse::gaussian::{DEFAULT_THRESHOLD, Estimator, GaussianSetup};
use model_collapse::linear::Regime;
use model_collapse::mc::Chain;
use model_collapse::output::{Cell, Table};
use model_collapse::spectrum::Spectrum;
use model_collapse::stats::median;
use std::process::ExitCode;

/// At most this many numbers are kept in memory for the sample medians.
const MEDIAN_BUDGET: usize = 20_000_000;

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
    #[arg(long, value_enum, default_value_t = Estimator::Unbiased)]
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
        let regime: Regime = self.regime.parse()?;
        let spectrum: Spectrum = self.spectrum.parse()?;
        GaussianSetup::new(self.dim, self.samples, self.sigma, spectrum, self.estimator, regime, self.generations)?
            .with_threshold(self.threshold)
    }

    fn meta(&self, theory: &GaussianTheory) -> serde_json::Value {
        let theorems: serde_json::Map<String, serde_json::Value> =
            Metric::ALL.iter().filter_map(|&m| theory.curve(m).map(|c| (m.to_string(), c.theorem.into()))).collect();
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
    let theory = GaussianTheory::new(&args.setup()?);
    let mut columns: Vec<(&'static str, Option<Vec<f64>>)> = Vec::new();
    for metric in Metric::ALL {
        columns.push((metric.name(), theory.curve(metric).map(|c| c.values)));
        if metric == Metric::LogVarianceRatio {
            columns.push(("median_log_variance_ratio", theory.median_curve(metric)));
        }
    }
    let names: Vec<&'static str> = std::iter::once("generation").chain(columns.iter().map(|c| c.0)).collect();
    let mut table = Table::new(&names);
    for n in 1..=args.generations {
        let row = columns.iter().map(|(_, c)| c.as_ref().map(|v| v[n as usize - 1]).into());
        table.push(std::iter::once(Cell::Int(n)).chain(row).collect());
    }
    emit(&render(&table, default_format(out.format), args.meta(&theory)), &out.output)?;
    Ok(ExitCode::SUCCESS)
}

/// `collapse simulate gaussian`: one row per generation and metric, with the
/// Monte Carlo mean, its standard error and interval, the sample median, and
/// the closed forms of the mean and the median where they exist.
pub(crate) fn simulate(args: &GaussianArgs, metrics: &[Metric], mc_args: &McArgs, out: &OutputArgs) -> Result<ExitCode> {
    let setup = args.setup()?;
    let mc = mc_args.monte_carlo()?;
    let chain = GaussianChain::new(&setup);
    let kept = chain.width().saturating_mul(mc.replicates() as usize);
    let (summaries, values) = if kept <= MEDIAN_BUDGET {
        mc.run_keeping(&chain)?
    } else {
        eprintln!("note: {kept} observations exceed the {MEDIAN_BUDGET} kept for sample medians; the median column is empty");
        (mc.run(&chain)?, Vec::new())
    };
    if setup.estimator() != Estimator::KnownVariance && *setup.regime() == Regime::Replace && args.generations > args.samples as u64 {
        eprintln!(
            "note: under replace, sigma_n^2 and (mu_n - mu)^2 are heavy-tailed (their variance grows like ((M+1)/(M-1))^n): \
             beyond n ~ M = {} their Monte Carlo means, standard errors and z are unreliable; the medians and \
             log_variance_ratio are not",
            args.samples
        );
    }
    let theory = GaussianTheory::new(&setup);
    let columns =
        ["generation", "metric", "mean", "std_error", "ci_low", "ci_high", "median", "theory", "z", "median_theory", "replicates"];
    let mut table = Table::new(&columns);
    for &metric in metrics {
        let mean_theory = theory.curve(metric).map(|c| c.values);
        let median_theory = theory.median_curve(metric);
        for n in 1..=args.generations {
            let i = chain.index(metric, n);
            let s = summaries[i];
            let t = mean_theory.as_ref().map(|v| v[n as usize - 1]);
            let sample_median = (!values.is_empty()).then(|| column_median(&values, chain.width(), i));
            table.push(vec![
                Cell::Int(n),
                metric.name().into(),
                s.mean.into(),
                s.std_error.into(),
                s.ci_low.into(),
                s.ci_high.into(),
                sample_median.into(),
                t.into(),
                t.and_then(|t| s.z(t)).into(),
                median_theory.as_ref().map(|v| v[n as usize - 1]).into(),
                Cell::Int(s.replicates),
            ]);
        }
    }
    let mut meta = args.meta(&theory);
    meta["replicates"] = mc.replicates().into();
    meta["seed"] = mc.seed().into();
    emit(&render(&table, default_format(out.format), meta), &out.output)?;
    Ok(ExitCode::SUCCESS)
}

/// The median of observation `i` across replicates (values are replicate-major).
fn column_median(values: &[f64], width: usize, i: usize) -> f64 {
    let mut column: Vec<f64> = values.iter().skip(i).step_by(width).copied().collect();
    median(&mut column)
}
