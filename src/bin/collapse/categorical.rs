//! The categorical family's command-line arguments and commands.

use crate::tables::{Columns, column, emit_simulation, theory_table, write};
use crate::{McArgs, OutputArgs, budget, note};
use clap::Args;
use model_collapse::budget::{Cost, Culprit};
use model_collapse::categorical::exact::{MAX_ABSORPTION_SAMPLES, diffusion_absorption_time};
use model_collapse::categorical::model::{AbsorptionMetric, AbsorptionModel};
use model_collapse::categorical::theory::{CategoricalTheory, MAX_EXACT_SAMPLES, Metric, accumulate_diversity_limit, gini_simpson, ids};
use model_collapse::categorical::{CategoricalModel, CategoricalRegime, CategoricalSetup, DEFAULT_TAIL, Initial};
use model_collapse::error::{Error, Result};
use model_collapse::model::{Model, Run, check_simulation, check_theory};
use model_collapse::names::Named;
use model_collapse::output::{Cell, Table};
use std::process::ExitCode;

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

impl InitialArgs {
    fn probabilities(&self) -> Result<Vec<f64>> {
        self.initial.parse::<Initial>()?.probabilities(self.outcomes)
    }
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
        let setup = CategoricalSetup::new(&self.initial.probabilities()?, self.samples, regime, self.generations)?.with_tail(self.tail)?;
        if setup.regime() == CategoricalRegime::Replace && self.samples > MAX_EXACT_SAMPLES {
            note(format!(
                "M = {} > {MAX_EXACT_SAMPLES}: survivors, collapsed and tail_lost need the exact chain (O(n M^1.5)); their theory is left empty",
                self.samples
            ));
        }
        match self.real {
            Some(real) => setup.with_real_samples(real),
            None => Ok(setup),
        }
    }

    fn meta(&self, setup: &CategoricalSetup, theory: &CategoricalTheory) -> serde_json::Value {
        let theorems: serde_json::Map<String, serde_json::Value> =
            Metric::ALL.iter().filter_map(|&m| theory.curve(m).map(|c| (m.to_string(), c.theorem.as_str().into()))).collect();
        let limit = match setup.regime() {
            CategoricalRegime::Replace => 0.0,
            CategoricalRegime::Accumulate => {
                gini_simpson(setup.probabilities()) * accumulate_diversity_limit(setup.real_samples(), setup.samples())
            }
        };
        serde_json::json!({
            "family": "categorical", "initial": self.initial.initial, "outcomes": setup.outcomes(),
            "samples": self.samples, "regime": self.regime, "real": setup.real_samples(), "tail": self.tail,
            "tail_initial_mass": setup.tail_mass(), "generations": self.generations,
            "diversity_limit": limit, "theorems": theorems,
        })
    }
}

/// `collapse theory categorical`: one row per generation, one column per closed form.
pub(crate) fn theory(args: &CategoricalArgs, out: &OutputArgs) -> Result<ExitCode> {
    let model = CategoricalModel::new(args.setup()?);
    check_theory(&model, &budget().limits)?;
    let columns: Vec<_> = Metric::ALL.iter().map(|&m| (m.name(), column(model.closed_form(m)))).collect();
    write(&theory_table(model.generations(), &columns), args.meta(model.setup(), model.theory()), out)
}

/// `collapse simulate categorical`: one row per generation and metric, with the
/// Monte Carlo mean, its standard error and interval, and the closed form.
pub(crate) fn simulate(args: &CategoricalArgs, metrics: &[Metric], mc_args: &McArgs, out: &OutputArgs) -> Result<ExitCode> {
    let model = CategoricalModel::new(args.setup()?);
    let mc = mc_args.monte_carlo()?;
    check_simulation(&model, &mc, false, &budget().limits)?;
    let run = Run::new(model, &mc)?;
    let meta = args.meta(run.model.setup(), run.model.theory());
    emit_simulation(&run, metrics, Columns { metric: true, medians: false }, meta, (mc.replicates(), mc.seed()), out)
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
pub(crate) fn absorption(args: &AbsorptionArgs, out: &OutputArgs) -> Result<ExitCode> {
    let initial = InitialArgs { initial: args.initial.clone(), outcomes: args.outcomes };
    let p = initial.probabilities()?;
    let mut models = Vec::new();
    for &m in &args.samples {
        if !(1..=MAX_ABSORPTION_SAMPLES).contains(&m) {
            let rule = format!("the exact absorption time solves a dense (M - 1) x (M - 1) system: 1 <= M <= {MAX_ABSORPTION_SAMPLES}");
            return Err(Error::invalid("samples", m, rule));
        }
        models.push(AbsorptionModel::new(&p, m)?);
    }
    let cost = models.iter().fold(Cost::ZERO, |total, model| total.plus(model.theory_cost()));
    let largest = args.samples.iter().copied().max().unwrap_or(1);
    budget().limits.check(cost, 1, &Culprit::new("samples", largest as f64, 100.0))?;
    let point_mass = p.contains(&1.0);
    let mut columns = vec!["samples", "exact", "diffusion", "gap", "relative_gap"];
    columns.extend(point_mass.then_some("note"));
    let mut table = Table::new(&columns);
    for model in &models {
        let m = model.samples();
        let exact = model.closed_form(AbsorptionMetric::Time).into_curve()?.values[0];
        let diffusion = diffusion_absorption_time(m, &p);
        let relative = (!point_mass).then(|| (exact - diffusion) / diffusion);
        let mut row = vec![Cell::Int(m as u64), exact.into(), diffusion.into(), (exact - diffusion).into(), relative.into()];
        if point_mass {
            row.push("relative_gap empty: p_0 is a point mass, the chain is absorbed at once and the diffusion value is 0".into());
        }
        table.push(row);
    }
    let meta = serde_json::json!({
        "family": "categorical", "theorem": ids::ABSORPTION_TIME.as_str(), "initial": args.initial,
        "outcomes": p.len(), "regime": "replace",
        "exact": "E tau = 1 + sum_k sum_i Binomial(M, p_0(k))(i) w_i, w = (I - Q)^-1 (i/M)",
        "diffusion": "-2 M sum_k (1 - p_k) ln(1 - p_k) (Kimura; Littler for K > 2)",
    });
    write(&table, meta, out)
}
