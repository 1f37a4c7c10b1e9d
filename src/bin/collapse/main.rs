//! `collapse`: the command line of model-collapse. It only parses and prints;
//! the library does the work.

// The doc comments of the argument types are the text of `--help`, written for
// a terminal (`<DIR>/<id>.svg`, `[[1], [1, 1]]`), not for rustdoc.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use model_collapse::budget::Limits;
use model_collapse::catalog;
use model_collapse::error::{Result, Spelling};
use model_collapse::mc::MonteCarlo;
use model_collapse::names::Named;
use model_collapse::output::{Cell, Format, Table, to_json_string};
use model_collapse::verify;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::OnceLock;

mod categorical;
mod gaussian;
mod linear;
mod plot;
mod tables;

use categorical::{AbsorptionArgs, CategoricalArgs};
use gaussian::GaussianArgs;
use linear::{DownstreamArgs, LinearArgs, OverparamArgs};
use model_collapse::categorical::theory::Metric as CategoricalMetric;
use model_collapse::gaussian::theory::Metric;
use tables::{default_format, emit, print_out};

/// The command line's parser of an enum with fixed names: its names are the
/// possible values `--help` lists, and a wrong value gets clap's error.
fn named<T: Named>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(T::ALL.iter().map(|v| v.name())).try_map(|name| T::from_name(&name))
}

const EXAMPLES: &str = "Examples:
  collapse verify                                   every theorem against its simulation
  collapse verify linear-accumulate --format json   one theorem, machine-readable
  collapse theory linear --regime accumulate --generations 100 --format table
  collapse simulate linear --regime replace --design fresh --replicates 4000 --seed 3 -o replace.csv
  collapse simulate linear --regime accumulate-subsample --samples 1000 --generations 30
  collapse theory linear --regime accumulate --ridge 0.1 --fixed-design 7
  collapse theory downstream --generations 20 --chain-samples 50 --samples 200
  collapse theory gaussian --samples 20 --generations 200 --estimator mle
  collapse simulate gaussian --samples 20 --generations 500 --metric variance_ratio,log_variance_ratio
  collapse simulate gaussian --regime accumulate --dim 3 --samples 10 --replicates 4000
  collapse theory categorical --initial zipf:1.1 --outcomes 50 --samples 20 --generations 100
  collapse simulate categorical --initial list:0.5,0.3,0.15,0.05 --samples 10 --metric survivors,tail_lost
  collapse simulate categorical --regime accumulate --real 50 --samples 20 --metric diversity
  collapse theory absorption --samples 10,100,1000
  collapse plot all                                 every figure into plots/, with the gallery
  collapse plot categorical-tail-loss --data tail-loss.csv";

const FORMAT_HELP: &str = "Output format: csv, json or table. Default: table when stdout is a terminal, csv otherwise";

/// Verify the theory of model collapse numerically: closed forms against honest Monte Carlo.
///
/// Start with `collapse verify` (every theorem against its simulation) and
/// `collapse list` (the theorems, their sources and proofs).
#[derive(Parser)]
#[command(name = "collapse", version, about, long_about, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Run even when the work is estimated to take longer than 10 minutes (every command estimates
    /// its memory and time from its sizes before it starts, and refuses beyond the limits; memory
    /// beyond half of this machine's is always refused)
    #[arg(long, global = true)]
    allow_long: bool,
    /// Allow more --threads than this machine has cores
    #[arg(long, global = true)]
    allow_more_threads: bool,
    /// The longest estimated run accepted without --allow-long, in seconds
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = model_collapse::budget::DEFAULT_SECONDS)]
    time_limit: f64,
}

/// What this run may use: this machine's limits, with what the user allowed.
pub(crate) struct Budget {
    /// Time, memory and cores.
    pub(crate) limits: Limits,
    /// Whether `--threads` may exceed the cores.
    pub(crate) allow_more_threads: bool,
}

static BUDGET: OnceLock<Budget> = OnceLock::new();

/// The run's budget (this machine's limits until `main` sets the user's).
pub(crate) fn budget() -> &'static Budget {
    BUDGET.get_or_init(|| Budget { limits: Limits::of_this_machine(), allow_more_threads: false })
}

#[derive(Subcommand)]
enum Command {
    /// Print the closed forms: one record per metric and generation, the setting's parameters as
    /// columns (model,family,<parameters>,generation,metric,theorem,exactness,theory,median_theory,note)
    ///
    /// CSV, JSON (a Table Schema document: pd.read_json(path, orient="table"), with the run's
    /// metadata and warnings) or an aligned table. Generation 1 is the first model, fitted on
    /// real data, in every family. An empty cell's reason is in `note`.
    Theory {
        #[command(subcommand)]
        family: TheoryFamily,
    },
    /// Simulate the process and compare with the closed form: one record per metric and
    /// generation (model,family,<parameters>,seed,replicates,generation,metric,theorem,exactness,
    /// theory,mean,std_error,ci_low,ci_high,z,median,median_theory,reliable,note)
    ///
    /// mean, std_error and the 95% interval are over independent replicates (Student t; Wilson's
    /// interval for a probability, inside [0, 1]); z = (mean - theory) / std_error; reliable is
    /// false where the standard error is no evidence (infinite variance, heavy tails; note says
    /// why). The output is identical for any --threads.
    Simulate {
        #[command(subcommand)]
        family: SimulateFamily,
    },
    /// Run every registered theorem's closed form against its Monte Carlo check
    ///
    /// Each check simulates independent chains (replicates) with a fixed seed and
    /// compares the mean with the closed form at a few generations. An assertion
    /// passes when |z| <= z_crit, z = (estimate - theory) / std_error, where
    /// z_crit is the two-sided Bonferroni critical value over all assertions of the
    /// run at a family-wise false-alarm probability of 0.001. Negative controls
    /// (deliberately wrong formulas) must be rejected by the same rule. Exits with
    /// status 1 when any assertion fails.
    Verify(VerifyArgs),
    /// Draw the figures: each theorem's closed form as a line over the Monte Carlo mean and its
    /// band of two standard errors, as <DIR>/<id>.svg (papers) and .png (slides)
    ///
    /// `collapse plot all` regenerates every figure and the gallery <DIR>/README.md. Each
    /// caption states the parameters, the seed and the replicates. A progress bar shows on
    /// stderr when it is a terminal.
    Plot(plot::PlotArgs),
    /// List the registered theorems: id, statement, source, proof file and check
    List {
        #[arg(long, value_parser = named::<Format>(), help = FORMAT_HELP)]
        format: Option<Format>,
    },
}

#[derive(Subcommand)]
enum TheoryFamily {
    /// The linear-regression loop (ids linear-replace, linear-accumulate, linear-accumulate-fresh,
    /// the schedules' ids; linear-conditional with --fixed-design; linear-ridge with --ridge)
    Linear {
        #[command(flatten)]
        linear: LinearArgs,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Dohmatob's downstream model: n chain generations, then a ridge fit on their data; generation
    /// g comes after n = g - 1 chain generations (metric downstream_test_error, id linear-downstream)
    Downstream {
        #[command(flatten)]
        downstream: DownstreamArgs,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// The over-parameterised, noise-free chain (T0 < d, minimum-norm least squares, fresh
    /// isotropic designs): the relative distance ||w_n - w_0||^2 / ||w_0||^2 (metric relative_distance,
    /// id linear-overparameterised)
    Overparam {
        #[command(flatten)]
        overparam: OverparamArgs,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Shumailov's Gaussian loop: per generation the closed forms of E||mu_n - mu||^2,
    /// E tr Sigma_n / tr Sigma, E sigma_n / sigma, E log det Sigma_n / Sigma and its exact
    /// median, E W2^2 and the probability of collapse, where they exist (ids gaussian-*)
    Gaussian {
        #[command(flatten)]
        gaussian: GaussianArgs,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Shumailov's discrete loop (Wright-Fisher): per generation the exact means of the
    /// Gini-Simpson diversity, the surviving outcomes, the probability of a point mass, the
    /// masses of the top outcome and of the initial tail, the tail mass's variance and the
    /// probability that the tail is lost (ids categorical-*)
    Categorical {
        #[command(flatten)]
        categorical: CategoricalArgs,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// The expected number of generations until the discrete loop is a point mass (replace),
    /// exact from the binomial chain's fundamental matrix, beside the diffusion approximation
    /// and the gap between them: one row per M (id categorical-absorption-time)
    Absorption {
        #[command(flatten)]
        absorption: AbsorptionArgs,
        #[command(flatten)]
        out: OutputArgs,
    },
}

#[derive(Subcommand)]
enum SimulateFamily {
    /// The linear-regression loop, simulated literally (draw noise, relabel, refit)
    Linear {
        #[command(flatten)]
        linear: LinearArgs,
        #[command(flatten)]
        mc: McArgs,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// The over-parameterised, noise-free chain, simulated: the relative distance
    /// ||w_n - w_0||^2 / ||w_0||^2 per generation
    Overparam {
        #[command(flatten)]
        overparam: OverparamArgs,
        #[command(flatten)]
        mc: McArgs,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Shumailov's Gaussian loop, simulated literally (draw M points, refit): per generation and
    /// metric the mean with its standard error and interval, the sample median, and the closed
    /// forms of the mean and the median where they exist. Over a long horizon the mean and the
    /// median of variance_ratio part ways: that is Shumailov's theorem
    Gaussian {
        #[command(flatten)]
        gaussian: GaussianArgs,
        /// Metrics to report (comma-separated; default: all)
        #[arg(long, value_parser = named::<Metric>(), value_delimiter = ',')]
        metric: Vec<Metric>,
        #[command(flatten)]
        mc: McArgs,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Shumailov's discrete loop, simulated literally (draw M samples, refit the frequencies):
    /// per generation and metric the mean with its standard error and interval beside the
    /// closed form (the entropy has none)
    Categorical {
        #[command(flatten)]
        categorical: CategoricalArgs,
        /// Metrics to report (comma-separated; default: all)
        #[arg(long, value_parser = named::<CategoricalMetric>(), value_delimiter = ',')]
        metric: Vec<CategoricalMetric>,
        #[command(flatten)]
        mc: McArgs,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Dohmatob's downstream model, simulated: the downstream test error at generations g =
    /// 1..=generations, after n = g - 1 chain generations
    Downstream {
        #[command(flatten)]
        downstream: DownstreamArgs,
        #[command(flatten)]
        mc: McArgs,
        #[command(flatten)]
        out: OutputArgs,
    },
}

/// How a simulation is replicated.
#[derive(Args)]
struct McArgs {
    /// Independent replicates (whole chains)
    #[arg(long, default_value_t = 1000)]
    replicates: u64,
    /// Seed; replicate r draws from ChaCha8(seed) on stream r
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads (default: all cores); the output is identical for any number
    #[arg(long)]
    threads: Option<usize>,
}

impl McArgs {
    fn monte_carlo(&self) -> Result<MonteCarlo> {
        monte_carlo(self.replicates, self.seed, self.threads)
    }
}

/// The replication of a run, its threads within the budget.
fn monte_carlo(replicates: u64, seed: u64, threads: Option<usize>) -> Result<MonteCarlo> {
    if let Some(k) = threads {
        budget().limits.check_threads(k, budget().allow_more_threads)?;
    }
    MonteCarlo::new(replicates, seed, threads)
}

/// Where and how a command prints.
#[derive(Args)]
struct OutputArgs {
    #[arg(long, value_parser = named::<Format>(), help = FORMAT_HELP)]
    format: Option<Format>,
    /// Write to this file instead of stdout: a regular file is replaced whole or not at all; a
    /// symlink is written through to its target; a device, FIFO or process substitution is
    /// written into, never replaced
    #[arg(long, short)]
    output: Option<PathBuf>,
}

#[derive(Args)]
struct VerifyArgs {
    /// Theorem ids to check (default: all; see `collapse list`)
    ids: Vec<String>,
    /// Output format: table (default) or json (csv prints the assertions only)
    #[arg(long, value_parser = named::<Format>(), default_value_t = Format::Table)]
    format: Format,
    /// Seed of the run; each check derives its own seed from it, its theorem id and its position
    #[arg(long, default_value_t = verify::DEFAULT_SEED)]
    seed: u64,
    /// Replicates per check, at least 100: the tolerance is a normal quantile, so the
    /// stated false-alarm probability needs many replicates; fewer also costs the negative
    /// controls their power
    #[arg(long, default_value_t = verify::DEFAULT_REPLICATES)]
    replicates: u64,
    /// Worker threads (default: all cores); the output is identical for any number
    #[arg(long)]
    threads: Option<usize>,
    /// Write to this file (atomically) instead of stdout
    #[arg(long, short)]
    output: Option<PathBuf>,
}

fn main() -> ExitCode {
    // An interrupted run leaves no temporary file behind.
    let _ = ctrlc::set_handler(|| {
        model_collapse::output::remove_temporary_files();
        std::process::exit(130);
    });
    let matches = accepting_negative_numbers(Cli::command()).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let limits = match Limits::of_this_machine().with_seconds(cli.time_limit) {
        Ok(limits) if cli.allow_long => limits.allowing_long(),
        Ok(limits) => limits,
        Err(e) => {
            eprintln!("error: {}", e.message(Spelling::Flag));
            return ExitCode::from(2);
        }
    };
    let _ = BUDGET.set(Budget { limits, allow_more_threads: cli.allow_more_threads });
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", e.message(Spelling::Flag));
            ExitCode::from(2)
        }
    }
}

/// Every option that takes a value accepts a negative number (`--sigma -1`
/// reaches the rule "must be >= 0" instead of clap's "unexpected argument").
fn accepting_negative_numbers(command: clap::Command) -> clap::Command {
    command
        .mut_args(|a| if a.get_action().takes_values() { a.allow_negative_numbers(true) } else { a })
        .mut_subcommands(accepting_negative_numbers)
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Theory { family: TheoryFamily::Linear { linear, out } } => linear::theory(&linear, &out),
        Command::Theory { family: TheoryFamily::Overparam { overparam, out } } => linear::theory_overparam(&overparam, &out),
        Command::Theory { family: TheoryFamily::Downstream { downstream, out } } => linear::theory_downstream(&downstream, &out),
        Command::Theory { family: TheoryFamily::Gaussian { gaussian, out } } => gaussian::theory(&gaussian, &out),
        Command::Theory { family: TheoryFamily::Categorical { categorical, out } } => categorical::theory(&categorical, &out),
        Command::Theory { family: TheoryFamily::Absorption { absorption, out } } => categorical::absorption(&absorption, &out),
        Command::Simulate { family: SimulateFamily::Linear { linear, mc, out } } => linear::simulate(&linear, &mc, &out),
        Command::Simulate { family: SimulateFamily::Overparam { overparam, mc, out } } => linear::simulate_overparam(&overparam, &mc, &out),
        Command::Simulate { family: SimulateFamily::Downstream { downstream, mc, out } } => {
            linear::simulate_downstream(&downstream, &mc, &out)
        }
        Command::Simulate { family: SimulateFamily::Gaussian { gaussian, metric, mc, out } } => {
            let metrics = if metric.is_empty() { Metric::ALL.to_vec() } else { metric };
            gaussian::simulate(&gaussian, &metrics, &mc, &out)
        }
        Command::Simulate { family: SimulateFamily::Categorical { categorical, metric, mc, out } } => {
            let metrics = if metric.is_empty() { CategoricalMetric::ALL.to_vec() } else { metric };
            categorical::simulate(&categorical, &metrics, &mc, &out)
        }
        Command::Verify(args) => run_verify(&args),
        Command::Plot(args) => plot::plot(&args),
        Command::List { format } => list(format),
    }
}

/// Prints a note on stderr: something the user should know about the numbers.
fn note(text: impl std::fmt::Display) {
    eprintln!("note: {text}");
}

fn run_verify(args: &VerifyArgs) -> Result<ExitCode> {
    if let Some(k) = args.threads {
        budget().limits.check_threads(k, budget().allow_more_threads)?;
    }
    let report = catalog::verify(&args.ids, args.seed, args.replicates, args.threads, &budget().limits)?;
    let text = match args.format {
        Format::Json => to_json_string(&report),
        Format::Csv => verify_table(&report).to_csv(),
        Format::Table => verify_text(&report),
    };
    emit(&text, &args.output)?;
    Ok(if report.passed { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn verify_table(report: &verify::Report) -> Table {
    let mut table = Table::new(&["id", "settings", "quantity", "n", "theory", "estimate", "std_error", "z", "verdict"]);
    for o in &report.checks {
        let verdict = match (o.expect, o.passed) {
            (verify::Expect::Agree, true) => "pass",
            (verify::Expect::Agree, false) => "FAIL",
            (verify::Expect::Reject, true) => "control rejected",
            (verify::Expect::Reject, false) => "FAIL: control not rejected",
        };
        table.push(vec![
            o.id.as_str().into(),
            o.settings.clone().into(),
            o.quantity.clone().into(),
            Cell::Int(o.generation),
            o.theory.into(),
            o.estimate.into(),
            o.std_error.into(),
            o.z.into(),
            verdict.into(),
        ]);
    }
    table
}

fn verify_text(report: &verify::Report) -> String {
    let passed = report.checks.iter().filter(|o| o.passed).count();
    let controls = report.checks.iter().filter(|o| o.expect == verify::Expect::Reject).count();
    format!(
        "collapse verify: seed {}, {} replicates per check\n\
         tolerance: |z| <= {:.3}, the two-sided Bonferroni critical value for {} assertions at a \
         family-wise false-alarm probability of {}; negative controls pass when |z| > {:.3}\n\n{}\n\
         {passed} of {} assertions passed ({controls} of them negative controls) in {:.1} s: {}\n",
        report.seed,
        report.replicates,
        report.z_critical,
        report.assertions,
        report.family_alpha,
        report.z_critical,
        verify_table(report).to_text(),
        report.assertions,
        report.seconds,
        if report.passed { "VERIFIED" } else { "FAILED" }
    )
}

fn list(format: Option<Format>) -> Result<ExitCode> {
    let theorems = catalog::theorems();
    let text = match default_format(format) {
        Format::Json => to_json_string(
            &theorems
                .iter()
                .map(|t| {
                    let mut v = serde_json::to_value(t).unwrap_or_default();
                    v["proof"] = t.proof().into();
                    v
                })
                .collect::<Vec<_>>(),
        ),
        Format::Csv => {
            let mut table = Table::new(&["id", "statement", "source", "proof", "check"]);
            for t in &theorems {
                table.push(vec![t.id.as_str().into(), t.statement.into(), t.source.into(), t.proof().into(), t.check.into()]);
            }
            table.to_csv()
        }
        Format::Table => theorems
            .iter()
            .map(|t| {
                format!(
                    "{}\n  statement: {}\n  source:    {}\n  proof:     {}\n  check:     collapse verify {} ({})\n",
                    t.id,
                    t.statement,
                    t.source,
                    t.proof(),
                    t.id,
                    t.check
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    print_out(&text)?;
    Ok(ExitCode::SUCCESS)
}
