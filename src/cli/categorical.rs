//! The categorical family's command-line arguments and commands.

use super::tables::{Output, Produced, Stage, simulation_output, theory_output};
use super::{McArgs, budget};
use crate::budget::{Cost, Culprit};
use crate::categorical::exact::{MAX_ABSORPTION_SAMPLES, diffusion_absorption_time};
use crate::categorical::model::{AbsorptionMetric, AbsorptionModel};
use crate::categorical::theory::{Metric, accumulate_diversity_limit, gini_simpson, ids};
use crate::categorical::{CategoricalModel, CategoricalRegime, CategoricalSetup, DEFAULT_TAIL, Initial};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::output::{Cell, Table};
use crate::records::Records;
use clap::Args;

/// The truth `p_0` of the categorical loop.
#[derive(Args)]
pub(crate) struct InitialArgs {
    /// The truth p_0: uniform, zipf:S (p_0(k) proportional to k^-S, the long tails) or
    /// list:P1,P2,... (non-negative, summing to 1)
    #[arg(long, default_value = "uniform", value_name = "uniform|zipf:S|list:P1,P2,...")]
    initial: String,
    /// Number of outcomes K of a uniform or Zipf start (default 10; a list carries its own)
    #[arg(long)]
    outcomes: Option<usize>,
}

/// The two-outcome start of `collapse theory absorption`.
const TWO_OUTCOMES: &str = "list:0.5,0.5";

/// The arguments of the categorical loop.
#[derive(Args)]
pub(crate) struct CategoricalArgs {
    #[command(flatten)]
    initial: InitialArgs,
    /// Samples M per generation (>= 1)
    #[arg(long, default_value_t = 100)]
    samples: usize,
    /// What generation g >= 2 fits on: replace (its own M samples) or accumulate (the real pool
    /// and every sample so far). Generation 1 fits the real data
    #[arg(long, default_value = "replace", value_name = "replace|accumulate")]
    regime: String,
    /// The real pool S_0 of accumulate (default M)
    #[arg(long)]
    real: Option<usize>,
    /// The initial tail A: the least probable outcomes, from the last, until their p_0 mass
    /// reaches this fraction (0 < tail <= 1)
    #[arg(long, default_value_t = DEFAULT_TAIL, allow_negative_numbers = true)]
    tail: f64,
    /// Number of generations n (generation 1 fits the real data)
    #[arg(long, default_value_t = 100)]
    generations: u64,
}

impl CategoricalArgs {
    fn setup(&self) -> Result<CategoricalSetup> {
        let regime: CategoricalRegime = self.regime.parse()?;
        let initial = self.initial.initial.parse::<Initial>()?;
        let setup = CategoricalSetup::new(&initial.probabilities(self.initial.outcomes)?, self.samples, regime, self.generations)?
            .with_tail(self.tail)?
            .with_initial(&initial);
        match self.real {
            Some(real) => setup.with_real_samples(real),
            None => Ok(setup),
        }
    }
}

/// `collapse theory categorical`: every closed form per generation, with the
/// limit of the diversity in the description.
pub(crate) fn theory(args: &CategoricalArgs, stage: Stage<'_>) -> Result<Produced> {
    let model = CategoricalModel::new(args.setup()?);
    let limit = diversity_limit(model.setup());
    theory_output(&model, &[("diversity_limit", limit.into())], stage)
}

/// `collapse simulate categorical`: one row per generation and metric, with the
/// Monte Carlo mean, its standard error and interval, and the closed form.
pub(crate) fn simulate(args: &CategoricalArgs, metrics: &[Metric], mc_args: &McArgs, stage: Stage<'_>) -> Result<Produced> {
    simulation_output(CategoricalModel::new(args.setup()?), metrics, mc_args, &[], stage)
}

/// The limit of the expected diversity as g -> infinity: 0 under replace, a
/// positive fraction of `H(p_0)` under accumulate.
fn diversity_limit(setup: &CategoricalSetup) -> f64 {
    match setup.regime() {
        CategoricalRegime::Replace => 0.0,
        CategoricalRegime::Accumulate => {
            gini_simpson(setup.probabilities()) * accumulate_diversity_limit(setup.real_samples(), setup.samples())
        }
    }
}

/// The arguments of `collapse theory absorption`.
#[derive(Args)]
pub(crate) struct AbsorptionArgs {
    /// The truth p_0: list:P1,P2,... (default two equally likely outcomes), uniform or zipf:S
    /// (with --outcomes K)
    #[arg(long, default_value = TWO_OUTCOMES, value_name = "list:P1,P2,...|uniform|zipf:S")]
    initial: String,
    /// Number of outcomes K of a uniform or Zipf start
    #[arg(long)]
    outcomes: Option<usize>,
    /// Samples M per generation, one row each (comma-separated; 1 <= M <= 4000)
    #[arg(long, value_delimiter = ',', default_value = "10,30,100,300,1000")]
    samples: Vec<usize>,
}

/// `collapse theory absorption`: the exact expected time to a point mass under
/// replace beside the diffusion approximation, one row per `M`.
pub(crate) fn absorption(args: &AbsorptionArgs, stage: Stage<'_>) -> Result<Produced> {
    let initial = args.initial.parse::<Initial>()?;
    let p = initial.probabilities(args.outcomes)?;
    let mut models = Vec::new();
    for &m in &args.samples {
        if !(1..=MAX_ABSORPTION_SAMPLES).contains(&m) {
            let rule = format!("the exact absorption time solves a dense (M - 1) x (M - 1) system: 1 <= M <= {MAX_ABSORPTION_SAMPLES}");
            return Err(Error::invalid("samples", m, rule));
        }
        models.push(AbsorptionModel::new(&p, m)?.with_initial(&initial));
    }
    let cost = models.iter().fold(Cost::ZERO, |total, model| total.plus(model.theory_cost()));
    let largest = args.samples.iter().copied().max().unwrap_or(1);
    let seconds = budget().limits.check(cost, 1, &Culprit::new("samples", largest as f64, 100.0))?;
    if stage == Stage::Estimate {
        return Ok(Produced::Estimate(seconds));
    }
    let point_mass = p.contains(&1.0);
    let parameters = |model: &AbsorptionModel| model.parameters(0);
    let mut columns = vec!["model", "family"];
    columns.extend(models.first().map(parameters).unwrap_or_default().iter().map(|(name, _)| *name));
    columns.extend(["theorem", "exact", "diffusion", "gap", "relative_gap", "note"]);
    let mut table = Table::new(&columns);
    for model in &models {
        let m = model.samples();
        let exact = model.closed_form(AbsorptionMetric::Time).into_curve()?.values[0];
        let diffusion = diffusion_absorption_time(m, &p);
        let relative = (!point_mass).then(|| (exact - diffusion) / diffusion);
        let mut row = vec![model.name().into(), model.family().into()];
        row.extend(parameters(model).into_iter().map(|(_, value)| value));
        row.extend([ids::ABSORPTION_TIME.as_str().into(), exact.into(), diffusion.into(), (exact - diffusion).into(), relative.into()]);
        let note = "relative_gap empty: p_0 is a point mass, the chain is absorbed at once and the diffusion value is 0";
        row.push(if point_mass { note.into() } else { Cell::Missing });
        table.push(row);
    }
    let meta = serde_json::json!({
        "model": "absorption", "family": "categorical", "theorem": ids::ABSORPTION_TIME.as_str(), "initial": args.initial,
        "outcomes": p.len(), "regime": "replace",
        "exact": "E tau = 1 + sum_k sum_i Binomial(M, p_0(k))(i) w_i, w = (I - Q)^-1 (i/M)",
        "diffusion": "-2 M sum_k (1 - p_k) ln(1 - p_k) (Kimura; Littler for K > 2)",
    });
    let meta = meta.as_object().cloned().unwrap_or_default();
    Ok(Produced::Output(Output { records: Records { table, warnings: Vec::new() }, meta, replicates: None }))
}
