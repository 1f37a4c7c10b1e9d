//! The linear family's command-line arguments and commands.

use crate::tables::{Columns, emit_simulation, theory_table, write};
use crate::{McArgs, OutputArgs, budget, named, note};
use clap::Args;
use model_collapse::error::{Error, Result, Spelling};
use model_collapse::linear::design::FixedDesign;
use model_collapse::linear::downstream::DownstreamSetup;
use model_collapse::linear::model::{DownstreamMetric, LinearMetric, OverparamMetric};
use model_collapse::linear::overparam::OverparamSetup;
use model_collapse::linear::theory::{Limit, limit_factor};
use model_collapse::linear::{Design, DownstreamModel, LinearModel, LinearSetup, Regime, Spectrum};
use model_collapse::model::{ClosedForm, Curve, Model, Run, check_simulation, check_theory};
use std::process::ExitCode;

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

    fn meta(&self) -> serde_json::Value {
        serde_json::json!({
            "theorem": model_collapse::linear::theory::ids::OVERPARAMETERISED.as_str(), "dim": self.dim, "samples": self.samples,
            "generations": self.generations, "limit": "1 (the truth is forgotten)",
        })
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
    /// Chain generations: rows for n = 0..=generations
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

    fn meta(&self) -> serde_json::Value {
        let mut meta = serde_json::json!({
            "theorem": model_collapse::linear::theory::ids::DOWNSTREAM.as_str(), "dim": self.dim, "chain_samples": self.chain_samples,
            "chain_sigma": self.chain_sigma, "samples": self.samples, "sigma": self.sigma,
            "ridge": self.ridge, "generations": self.generations, "spectrum": self.spectrum,
        });
        if let Some(seed) = self.fixed_design {
            meta["fixed_design"] = seed.into();
        }
        meta
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

    /// The limit as n -> infinity, in units of the first generation's error (least squares).
    fn limit(&self, curve: &Curve) -> Result<String> {
        if self.ridge > 0.0 {
            return Ok("see proofs/linear-ridge.md (the bias tends to ||w*||^2_Sigma)".into());
        }
        let qualifier = if curve.is_asymptotic() { " (asymptotic, T -> infinity)" } else { "" };
        Ok(match (self.design, limit_factor(&self.regime()?)) {
            (Design::Fresh, Limit::Finite(f)) if self.regime()? == Regime::Accumulate => format!("below {f} x generation 1"),
            (_, Limit::Finite(f)) => format!("{f} x generation 1{qualifier}"),
            (_, Limit::Unbounded) => "unbounded".into(),
            (_, Limit::Unknown) => "unknown".into(),
        })
    }

    fn meta(&self, curve: Option<&Curve>) -> serde_json::Value {
        let mut meta = serde_json::json!({
            "theorem": curve.map_or("none", |c| c.theorem.as_str()),
            "dim": self.dim, "samples": self.samples, "sigma": self.sigma,
            "generations": self.generations, "regime": self.regime,
            "design": self.design.to_string(), "spectrum": self.spectrum,
        });
        if self.ridge > 0.0 {
            meta["ridge"] = self.ridge.into();
        }
        if let Some(fixed) = &self.fixed_design {
            meta["fixed_design"] = fixed.as_str().into();
        }
        if curve.is_some_and(Curve::is_asymptotic) {
            meta["reference"] = "asymptotic (T -> infinity), not exact at this T".into();
        }
        meta
    }
}

/// `collapse theory linear`: `generation,expected_test_error`.
pub(crate) fn theory(args: &LinearArgs, out: &OutputArgs) -> Result<ExitCode> {
    let model = args.model()?;
    check_theory(&model, &budget().limits)?;
    let curve = model.closed_form(LinearMetric::TestError).into_curve()?;
    let mut meta = args.meta(Some(&curve));
    meta["limit"] = args.limit(&curve)?.into();
    write(&theory_table(model.generations(), &[("expected_test_error", Ok(curve.values))]), meta, out)
}

/// Prints why a simulation has no theory column, and returns the closed form.
fn noted(closed_form: ClosedForm) -> ClosedForm {
    if let ClosedForm::Absent(why) = &closed_form {
        note(format!("no closed form to compare with ({})", why.message(Spelling::Flag)));
    }
    closed_form
}

/// `collapse simulate linear`: the simulation beside the closed form.
pub(crate) fn simulate(args: &LinearArgs, mc_args: &McArgs, out: &OutputArgs) -> Result<ExitCode> {
    let model = args.model()?;
    let mc = mc_args.monte_carlo()?;
    check_simulation(&model, &mc, false, &budget().limits)?;
    let closed_form = noted(model.closed_form(LinearMetric::TestError));
    if let Some(curve) = closed_form.curve().filter(|c| c.is_asymptotic()) {
        note(format!(
            "the theory column of {} is the asymptotic reference (T -> infinity), not exact at T = {}; \
             z and the ratio mean/theory measure the finite-T gap",
            curve.theorem, args.samples
        ));
    }
    if args.fixed_design.is_none() && args.ridge == 0.0 && args.samples < args.dim + 4 {
        note(format!(
            "with T = {} < d + 4 = {} the test error has infinite variance over designs, so \
             standard errors and intervals are unreliable",
            args.samples,
            args.dim + 4
        ));
    }
    let meta = args.meta(closed_form.curve());
    let run = Run::new(model, &mc)?;
    emit_simulation(&run, &[LinearMetric::TestError], Columns::default(), meta, (mc.replicates(), mc.seed()), out)
}

/// `collapse theory downstream`: `generation,expected_test_error` from `n = 0`.
pub(crate) fn theory_downstream(args: &DownstreamArgs, out: &OutputArgs) -> Result<ExitCode> {
    let meta = args.meta();
    let model = args.model()?;
    check_theory(&model, &budget().limits)?;
    let curve = model.closed_form(DownstreamMetric::TestError).into_curve()?;
    write(&theory_table(model.generations(), &[("expected_test_error", Ok(curve.values))]), meta, out)
}

/// `collapse simulate downstream`.
pub(crate) fn simulate_downstream(args: &DownstreamArgs, mc_args: &McArgs, out: &OutputArgs) -> Result<ExitCode> {
    let model = args.model()?;
    let mc = mc_args.monte_carlo()?;
    check_simulation(&model, &mc, false, &budget().limits)?;
    noted(model.closed_form(DownstreamMetric::TestError));
    let run = Run::new(model, &mc)?;
    emit_simulation(&run, &[DownstreamMetric::TestError], Columns::default(), args.meta(), (mc.replicates(), mc.seed()), out)
}

/// `collapse theory overparam`: `generation,expected_relative_distance`.
pub(crate) fn theory_overparam(args: &OverparamArgs, out: &OutputArgs) -> Result<ExitCode> {
    let setup = args.setup()?;
    check_theory(&setup, &budget().limits)?;
    let values = setup.curve().values;
    write(&theory_table(Model::generations(&setup), &[("expected_relative_distance", Ok(values))]), args.meta(), out)
}

/// `collapse simulate overparam`.
pub(crate) fn simulate_overparam(args: &OverparamArgs, mc_args: &McArgs, out: &OutputArgs) -> Result<ExitCode> {
    let setup = args.setup()?;
    let mc = mc_args.monte_carlo()?;
    check_simulation(&setup, &mc, false, &budget().limits)?;
    let run = Run::new(setup, &mc)?;
    emit_simulation(&run, &[OverparamMetric::RelativeDistance], Columns::default(), args.meta(), (mc.replicates(), mc.seed()), out)
}
