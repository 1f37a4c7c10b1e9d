//! The linear family's command-line arguments and commands.

use super::tables::{Produced, Stage, simulation_output, theory_output};
use super::{McArgs, named};
use crate::error::{Error, Result};
use crate::linear::design::FixedDesign;
use crate::linear::downstream::DownstreamSetup;
use crate::linear::model::{DownstreamMetric, LinearMetric, OverparamMetric};
use crate::linear::overparam::OverparamSetup;
use crate::linear::theory::{Limit, limit_factor};
use crate::linear::{Design, DownstreamModel, LinearModel, LinearSetup, Regime, Spectrum};
use crate::model::{Curve, Model};
use clap::Args;

/// The arguments of the over-parameterised chain.
#[derive(Args)]
pub(crate) struct OverparamArgs {
    /// Dimension d
    #[arg(long, default_value_t = 100)]
    dim: usize,
    /// Samples T0 per generation, 1 <= T0 < d
    #[arg(long, default_value_t = 50)]
    samples: usize,
    /// Number of generations n
    #[arg(long, default_value_t = 20)]
    generations: u64,
}

impl OverparamArgs {
    fn setup(&self) -> Result<OverparamSetup> {
        OverparamSetup::new(self.dim, self.samples, self.generations)
    }
}

/// The arguments of Dohmatob's downstream model.
#[derive(Args)]
pub(crate) struct DownstreamArgs {
    /// Dimension d of the features
    #[arg(long, default_value_t = 10)]
    dim: usize,
    /// Rows T0 per chain generation (fresh design each; T0 >= d + 2)
    #[arg(long, default_value_t = 100)]
    chain_samples: usize,
    /// Label noise sigma0 of the chain
    #[arg(long, default_value_t = 1.0)]
    chain_sigma: f64,
    /// Rows T of the downstream training set (T >= d; T >= d + 2 over designs)
    #[arg(long, default_value_t = 100)]
    samples: usize,
    /// Label noise sigma of the downstream data
    #[arg(long, default_value_t = 1.0)]
    sigma: f64,
    /// Downstream ridge penalty lambda on the mean squared error (0: least squares)
    #[arg(long, default_value_t = 0.0)]
    ridge: f64,
    /// Generations g = 1..=generations: generation g's downstream model trains on data labelled by
    /// the chain's model g - 1, after n = g - 1 chain generations (g = 1: the truth's labels)
    #[arg(long, default_value_t = 10)]
    generations: u64,
    /// Eigenvalues of Sigma: identity, power:ALPHA or diag:L1,L2,...
    #[arg(long, default_value = "identity")]
    spectrum: String,
    /// Condition on one downstream design drawn from this seed (needed for the closed form when
    /// --ridge > 0)
    #[arg(long, value_name = "SEED")]
    fixed_design: Option<u64>,
}

impl DownstreamArgs {
    fn model(&self) -> Result<DownstreamModel> {
        let spectrum = self.spectrum.parse::<Spectrum>()?;
        let setup = DownstreamSetup::new(
            self.dim,
            self.chain_samples,
            self.chain_sigma,
            self.samples,
            self.sigma,
            self.ridge,
            spectrum,
            self.generations,
        )?;
        let model = DownstreamModel::new(setup);
        match self.fixed_design {
            Some(seed) => model.conditioned(FixedDesign::Seed(seed)),
            None => Ok(model),
        }
    }
}

/// The arguments of the linear loop.
#[derive(Args)]
pub(crate) struct LinearArgs {
    /// Dimension d of the features
    #[arg(long, default_value_t = 10)]
    dim: usize,
    /// Samples T per generation (T >= d to fit; T >= d + 2 for the expected test error)
    #[arg(long, default_value_t = 100)]
    samples: usize,
    /// Standard deviation sigma of the label noise (>= 0); a list S1,S2,... gives the batch
    /// created at generation g the level S_g, the last level repeating
    #[arg(long, default_value = "1", value_name = "SIGMA[,SIGMA...]")]
    sigma: String,
    /// Number of generations n (generation 1 fits the real data)
    #[arg(long, default_value_t = 50)]
    generations: u64,
    /// The data schedule: which batches generation n trains on. replace (the newest batch),
    /// accumulate (all batches, equally), mix:LAMBDA (the real batch with weight LAMBDA, the newest
    /// with 1-LAMBDA), window:K (the last K batches), replace-growing (n*T rows from the newest
    /// model), accumulate-subsample (T rows drawn without replacement from all batches so far),
    /// fresh-real:P (a fresh real batch with weight 1-P, the newest with P), custom:FILE (CSV: line n
    /// holds generation n's n weights on batches 1..n; or TOML, FILE.toml: weights = [[1], [1, 1],
    /// ...]). A fresh design takes replace, accumulate or accumulate-subsample
    #[arg(long, value_name = "NAME[:PARAM]")]
    regime: String,
    /// Ridge penalty lambda on the mean squared error (0: least squares). The closed form
    /// (linear-ridge) needs --fixed-design
    #[arg(long, default_value_t = 0.0)]
    ridge: f64,
    /// One design X per chain (reused, the papers' setting) or a new X every generation (fresh)
    #[arg(long, value_parser = named::<Design>(), default_value_t = Design::Reused)]
    design: Design,
    /// Eigenvalues of the feature covariance Sigma: identity, power:ALPHA (lambda_k = k^-ALPHA)
    /// or diag:L1,L2,... (one per dimension)
    #[arg(long, default_value = "identity")]
    spectrum: String,
    /// Condition on one design X (reused design): drawn from SEED, or `ones` (every row x = 1, with
    /// --dim 1: the location model, where accumulate-subsample has an exact closed form). The
    /// theory becomes an expectation over the noise only, defined for any T >= d
    #[arg(long, value_name = "SEED|ones")]
    fixed_design: Option<String>,
}

impl LinearArgs {
    fn setup(&self) -> Result<LinearSetup> {
        let levels = self
            .sigma
            .split(',')
            .map(|x| x.trim().parse::<f64>().map_err(|_| Error::invalid("sigma", &self.sigma, format!("`{x}` is not a number"))))
            .collect::<Result<Vec<f64>>>()?;
        LinearSetup::new(self.dim, self.samples, levels[0], self.spectrum.parse::<Spectrum>()?)?
            .with_noise_levels(levels)?
            .with_ridge(self.ridge)
    }

    fn regime(&self) -> Result<Regime> {
        self.regime.parse()
    }

    fn model(&self) -> Result<LinearModel> {
        let model = LinearModel::new(self.setup()?, self.regime()?, self.design, self.generations)?;
        match &self.fixed_design {
            Some(fixed) => model.conditioned(fixed.parse()?),
            None => Ok(model),
        }
    }

    /// The limit of `E_n / E_1` as n -> infinity (least squares), when finite,
    /// and what it is.
    fn limit(&self, curve: &Curve) -> Result<(Option<f64>, String)> {
        if self.ridge > 0.0 {
            return Ok((None, "see proofs/linear-ridge.md (the bias tends to ||w*||^2_Sigma)".into()));
        }
        let qualifier = if curve.is_asymptotic() { " (asymptotic, T -> infinity)" } else { "" };
        Ok(match (self.design, limit_factor(&self.regime()?)) {
            (Design::Fresh, Limit::Finite(f)) if self.regime()? == Regime::Accumulate => {
                (Some(f), "an upper bound of E_n / E_1 (fresh design)".into())
            }
            (_, Limit::Finite(f)) => (Some(f), format!("the limit of E_n / E_1{qualifier}")),
            (_, Limit::Unbounded) => (None, "unbounded".into()),
            (_, Limit::Unknown) => (None, "unknown".into()),
        })
    }
}

/// `collapse theory linear`: the expected test error per generation, with the
/// limit as n -> infinity in the description.
pub(crate) fn theory(args: &LinearArgs, stage: Stage<'_>) -> Result<Produced> {
    let model = args.model()?;
    let curve = model.closed_form(LinearMetric::TestError).into_curve()?;
    let (factor, limit) = args.limit(&curve)?;
    theory_output(&model, &[("limit_factor", factor.into()), ("limit", limit.into())], stage)
}

/// `collapse simulate linear`: the simulation beside the closed form.
pub(crate) fn simulate(args: &LinearArgs, mc_args: &McArgs, stage: Stage<'_>) -> Result<Produced> {
    simulation_output(args.model()?, &[LinearMetric::TestError], mc_args, &[], stage)
}

/// `collapse theory downstream`: the downstream model's expected test error per generation.
pub(crate) fn theory_downstream(args: &DownstreamArgs, stage: Stage<'_>) -> Result<Produced> {
    theory_output(&args.model()?, &[], stage)
}

/// `collapse simulate downstream`.
pub(crate) fn simulate_downstream(args: &DownstreamArgs, mc_args: &McArgs, stage: Stage<'_>) -> Result<Produced> {
    simulation_output(args.model()?, &[DownstreamMetric::TestError], mc_args, &[], stage)
}

/// `collapse theory overparam`: the expected relative distance per generation.
pub(crate) fn theory_overparam(args: &OverparamArgs, stage: Stage<'_>) -> Result<Produced> {
    theory_output(&args.setup()?, &[("limit_factor", 1.0.into()), ("limit", "the truth is forgotten".into())], stage)
}

/// `collapse simulate overparam`.
pub(crate) fn simulate_overparam(args: &OverparamArgs, mc_args: &McArgs, stage: Stage<'_>) -> Result<Produced> {
    simulation_output(args.setup()?, &[OverparamMetric::RelativeDistance], mc_args, &[], stage)
}
