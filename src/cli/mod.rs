//! The command line of `collapse`, as a library: it parses and prints; the
//! rest of the crate does the work. The binary is [`main`]; the Python
//! package calls [`produce`] with the same arguments, so both give the same
//! records from the same flags.

// The doc comments of the argument types are the text of `--help`, written for
// a terminal (`<DIR>/<id>.svg`, `[[1], [1, 1]]`), not for rustdoc.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

use crate::budget::Limits;
use crate::error::{Error, Result, Spelling};
use crate::mc::MonteCarlo;
use crate::names::Named;
use crate::output::Format;
use crate::verify;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

mod categorical;
mod check;
pub mod cluster;
mod gaussian;
mod linear;
mod plot;
mod report;
mod sweep;
mod tables;

use crate::categorical::theory::Metric as CategoricalMetric;
use crate::gaussian::theory::Metric;
use categorical::{AbsorptionArgs, CategoricalArgs};
use gaussian::GaussianArgs;
use linear::{DownstreamArgs, LinearArgs, OverparamArgs};
pub use tables::{PARQUET_KEY, Reply, parquet};
use tables::{Produced, Stage, check_target, check_targets, write_reply};

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
  collapse sweep examples/gerstgrasser-sweep.toml -o grid.csv   a grid; rerun to resume
  collapse sweep --family gaussian --vary samples=10,20,50 --vary regime=replace,accumulate -o g.parquet
  collapse sweep examples/gerstgrasser-sweep.toml --shard 1/2 -o part1.parquet   (and 2/2; then:)
  collapse merge part1.parquet part2.parquet -o grid.parquet
  collapse simulate gaussian --samples 20 --replicates 500 --replicates-out chains.parquet -o summary.csv
  collapse plot all --dir plots --update-gallery    every figure into the gallery plots/
  collapse plot categorical-tail-loss --data-out tail-loss.csv
  collapse plot --data grid.parquet --facet regime --log-y   a sweep's table as a figure";

const FORMAT_HELP: &str = "Output format: csv, json, parquet or table. Default: the extension of -o FILE (.csv, .json, .parquet); else table when stdout is a terminal, csv otherwise";

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
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = crate::budget::DEFAULT_SECONDS)]
    time_limit: f64,
}

/// What this run may use: this machine's limits, with what the user allowed.
#[derive(Clone, Copy)]
pub(crate) struct Budget {
    /// Time, memory and cores.
    pub(crate) limits: Limits,
    /// Whether `--threads` may exceed the cores.
    pub(crate) allow_more_threads: bool,
}

thread_local! {
    /// The budget of the command this thread runs (the checks of the budget
    /// happen before the work, on the thread that asked for it).
    static BUDGET: std::cell::Cell<Option<Budget>> = const { std::cell::Cell::new(None) };
}

/// The running command's budget (this machine's limits until a command sets its own).
pub(crate) fn budget() -> Budget {
    BUDGET.with(|b| b.get()).unwrap_or_else(|| Budget { limits: Limits::of_this_machine(), allow_more_threads: false })
}

/// Sets the budget from the command line's global flags.
fn set_budget(cli: &Cli) -> Result<()> {
    let limits = Limits::of_this_machine().with_seconds(cli.time_limit)?;
    let limits = if cli.allow_long { limits.allowing_long() } else { limits };
    BUDGET.with(|b| b.set(Some(Budget { limits, allow_more_threads: cli.allow_more_threads })));
    Ok(())
}

/// Runs a command line that makes a table (`theory`, `simulate`, `sweep`,
/// `check`, `merge`, and `plot`, whose table is the numbers behind its
/// figures; `args` without the program's name) and returns the
/// table instead of writing it: what the Python package calls, so that its
/// results are the command line's, bit for bit. The budget is this machine's
/// with the line's `--allow-long`, `--time-limit` and `--allow-more-threads`.
/// A sweep still notes skipped cells on stderr, and shows its progress on a
/// terminal. With `values`, a simulation also keeps every replicate's values
/// ([`Reply::replicates`]), as `--replicates-out` does.
pub fn table(args: &[String], values: bool) -> Result<Reply> {
    let argv = std::iter::once("collapse".to_string()).chain(args.iter().cloned());
    let cli = parse_args(argv).map_err(Error::System)?;
    set_budget(&cli)?;
    match &cli.command {
        Command::Simulate { family } => Ok(family.produce(if values { Stage::Keep } else { Stage::Run })?.output()?.reply()),
        _ if values => Err(Error::invalid("per_replicate", values, "every replicate's values come from a simulation: use simulate")),
        Command::Theory { family } => Ok(family.produce(Stage::Run)?.output()?.reply()),
        Command::Sweep(args) => Ok(sweep::sweep_reply(args)?.0),
        Command::Check(args) => Ok(check::check_reply(args)?.0),
        Command::Merge(args) => sweep::merge_reply(args),
        Command::Plot(args) => plot::plot_reply(args),
        Command::Verify(_) | Command::List { .. } => {
            Err(Error::invalid("arguments", args.join(" "), "makes no table: give theory, simulate, sweep, check, merge or plot"))
        }
    }
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
    /// Run a grid of settings, one cell per combination, into one tidy table
    ///
    /// Each cell runs `collapse simulate FAMILY` (or `theory`) with its parameters as flags; the
    /// table is the cells' records with a `cell` column first (cells numbered from 1, the last
    /// axis varying fastest). A cell whose setting is invalid is skipped and listed with its
    /// reason (stderr, and `invalid_cells` in the JSON and Parquet description); the exit
    /// status is then 3. Each cell's seed is derived from --seed and its parameters (see
    /// --common-random-numbers). With -o FILE, finished cells are kept in FILE.partial/ until
    /// FILE is written: an interrupted sweep, run again, finishes what is missing, with the
    /// same bytes as an uninterrupted one. --shard K/N runs one share, `collapse merge` joins
    /// the shares into the single run's table, byte for byte.
    Sweep(sweep::SweepArgs),
    /// Join the shares of a sweep (`collapse sweep --shard K/N -o FILE`) into the single run's table
    Merge(sweep::MergeArgs),
    /// Judge your own results against a theorem's closed form, by `collapse verify`'s rule
    ///
    /// collapse check ID --data FILE <the settings of your experiment>. The data are your
    /// per-replicate values (replicate,generation,value) or per-generation summaries
    /// (generation,mean,std_error,replicates), CSV or Parquet. Each generation is an
    /// assertion: it passes when |z| <= z_crit, z = (mean - theory) / std_error, z_crit the
    /// two-sided Bonferroni critical value over the generations at a family-wise false-alarm
    /// probability of 0.001. Where the standard error is no evidence (infinite variance, heavy
    /// tails) the check refuses and says why. Exits with status 1 when a generation fails.
    /// Example: collapse check linear-replace --data examples/check/linear-replace.csv --dim 5
    /// --samples 20 --sigma 1 --regime replace
    Check(check::CheckArgs),
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
    /// band of two standard errors, as <DIR>/<id>.svg and .pdf (papers) and .png (slides)
    ///
    /// `collapse plot all` draws every figure and the gallery <DIR>/README.md. Each caption
    /// states the parameters, the seed, the replicates and the command, and every file carries
    /// them in its metadata. The committed gallery plots/ is replaced only with
    /// --update-gallery. A progress bar shows on stderr when it is a terminal.
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
    /// Also write every replicate's values to FILE (replicate,generation,metric,value; CSV,
    /// or Parquet for FILE.parquet, JSON for FILE.json): replicate r is the chain of stream r.
    /// Identical for any --threads; written together with -o, or not at all
    #[arg(long, value_name = "FILE")]
    replicates_out: Option<PathBuf>,
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
#[derive(Args, Clone)]
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
    /// Output format: table (default), json, or csv and parquet (the assertions only, each setting's
    /// parameters as columns)
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

/// `collapse`'s `main`: parses the process's arguments, runs the command,
/// prints, and returns the exit status.
pub fn main() -> ExitCode {
    // An interrupted run leaves no temporary file behind.
    let _ = ctrlc::set_handler(|| {
        crate::output::remove_temporary_files();
        std::process::exit(130);
    });
    let matches = accepting_negative_numbers(Cli::command()).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match set_budget(&cli).and_then(|_| run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", e.message(Spelling::Flag));
            ExitCode::from(2)
        }
    }
}

/// Parses a command line as `collapse` does (a sweep's cell, a check's
/// settings, a Python call), or clap's message on one line: what it says
/// before its usage (`the following required arguments were not provided:
/// --regime <NAME[:PARAM]>`, with its tip when it has one).
fn parse_args(argv: impl IntoIterator<Item = String>) -> std::result::Result<Cli, String> {
    let one_line = |e: clap::Error| {
        let text = e.render().to_string();
        let lines = text.lines().take_while(|l| !l.starts_with("Usage:")).map(str::trim).filter(|l| !l.is_empty());
        lines.collect::<Vec<_>>().join(" ").trim_start_matches("error: ").to_string()
    };
    let matches = accepting_negative_numbers(Cli::command()).try_get_matches_from(argv).map_err(one_line)?;
    Cli::from_arg_matches(&matches).map_err(one_line)
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
        Command::Theory { family } => {
            check_target("output", family.out().output.as_deref())?;
            write_reply(family.produce(Stage::Run)?.output()?.reply(), family.out(), None)
        }
        Command::Simulate { family } => {
            let replicates_out = family.mc().replicates_out.as_deref();
            check_targets(family.out().output.as_deref(), replicates_out)?;
            write_reply(family.produce(Stage::Run)?.output()?.reply(), family.out(), replicates_out)
        }
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Check(args) => check::check(&args),
        Command::Merge(args) => sweep::merge(&args),
        Command::Verify(args) => report::run_verify(&args),
        Command::Plot(args) => plot::plot(&args),
        Command::List { format } => report::list(format),
    }
}

impl TheoryFamily {
    /// Where the output goes.
    fn out(&self) -> &OutputArgs {
        match self {
            TheoryFamily::Linear { out, .. }
            | TheoryFamily::Downstream { out, .. }
            | TheoryFamily::Overparam { out, .. }
            | TheoryFamily::Gaussian { out, .. }
            | TheoryFamily::Categorical { out, .. }
            | TheoryFamily::Absorption { out, .. } => out,
        }
    }

    /// The closed forms at `stage`.
    fn produce(&self, stage: Stage<'_>) -> Result<Produced> {
        match self {
            TheoryFamily::Linear { linear, .. } => linear::theory(linear, stage),
            TheoryFamily::Overparam { overparam, .. } => linear::theory_overparam(overparam, stage),
            TheoryFamily::Downstream { downstream, .. } => linear::theory_downstream(downstream, stage),
            TheoryFamily::Gaussian { gaussian, .. } => gaussian::theory(gaussian, stage),
            TheoryFamily::Categorical { categorical, .. } => categorical::theory(categorical, stage),
            TheoryFamily::Absorption { absorption, .. } => categorical::absorption(absorption, stage),
        }
    }
}

impl SimulateFamily {
    /// Where the output goes.
    fn out(&self) -> &OutputArgs {
        match self {
            SimulateFamily::Linear { out, .. }
            | SimulateFamily::Overparam { out, .. }
            | SimulateFamily::Gaussian { out, .. }
            | SimulateFamily::Categorical { out, .. }
            | SimulateFamily::Downstream { out, .. } => out,
        }
    }

    /// How it is replicated.
    fn mc(&self) -> &McArgs {
        match self {
            SimulateFamily::Linear { mc, .. }
            | SimulateFamily::Overparam { mc, .. }
            | SimulateFamily::Gaussian { mc, .. }
            | SimulateFamily::Categorical { mc, .. }
            | SimulateFamily::Downstream { mc, .. } => mc,
        }
    }

    /// The simulation at `stage`.
    fn produce(&self, stage: Stage<'_>) -> Result<Produced> {
        match self {
            SimulateFamily::Linear { linear, mc, .. } => linear::simulate(linear, mc, stage),
            SimulateFamily::Overparam { overparam, mc, .. } => linear::simulate_overparam(overparam, mc, stage),
            SimulateFamily::Downstream { downstream, mc, .. } => linear::simulate_downstream(downstream, mc, stage),
            SimulateFamily::Gaussian { gaussian, metric, mc, .. } => {
                let metrics = if metric.is_empty() { Metric::ALL } else { metric.as_slice() };
                gaussian::simulate(gaussian, metrics, mc, stage)
            }
            SimulateFamily::Categorical { categorical, metric, mc, .. } => {
                let metrics = if metric.is_empty() { CategoricalMetric::ALL } else { metric.as_slice() };
                categorical::simulate(categorical, metrics, mc, stage)
            }
        }
    }
}

/// Prints a note on stderr: something the user should know about the numbers.
fn note(text: impl std::fmt::Display) {
    eprintln!("note: {text}");
}
