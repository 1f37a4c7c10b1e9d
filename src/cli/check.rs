//! `collapse check`: a researcher's own results judged against a theorem.

use super::OutputArgs;
use super::tables::{Reply, Stage, write_reply};
use super::{Command as CliCommand, parse_args};
use crate::catalog;
use crate::check::observe;
use crate::error::{Error, Result};
use crate::frame::read_table;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub(crate) struct CheckArgs {
    /// The theorem id (see `collapse list`)
    id: String,
    /// Your results, CSV or Parquet: one row per replicate and generation (replicate,generation,value)
    /// or one row per generation (generation,mean,std_error,replicates); a `metric` column when
    /// several metrics are mixed
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
    /// The metric of the data (default: the data's `metric` column, or the one metric whose closed
    /// form is the theorem's)
    #[arg(long)]
    metric: Option<String>,
    /// The settings of your experiment, as `collapse theory FAMILY` takes them (--dim 5 --samples
    /// 20 --regime replace ...), and --format, -o. Without --generations: the data's last generation
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "SETTINGS")]
    settings: Vec<String>,
}

/// The subcommand of `collapse theory` whose model holds theorem `id`'s closed form.
fn subcommand(id: &str, family: &'static str) -> &'static str {
    match id {
        "linear-downstream" => "downstream",
        "linear-overparameterised" => "overparam",
        "categorical-absorption-time" => "absorption",
        _ => family,
    }
}

/// Removes `flag VALUE` or `flag=VALUE` from `args`, returning the value.
fn take_flag(args: &mut Vec<String>, flag: &str) -> Option<String> {
    let k = args.iter().position(|a| a == flag || a.starts_with(&format!("{flag}=")))?;
    let item = args.remove(k);
    match item.split_once('=') {
        Some((_, value)) => Some(value.to_string()),
        None => (k < args.len()).then(|| args.remove(k)),
    }
}

/// `collapse check`.
pub(crate) fn check(args: &CheckArgs) -> Result<ExitCode> {
    let (reply, out) = check_reply(args)?;
    write_reply(reply, &out, None)
}

/// `collapse check`'s table, and where the settings say to write it.
pub(crate) fn check_reply(args: &CheckArgs) -> Result<(Reply, OutputArgs)> {
    let theorem = catalog::theorems().into_iter().find(|t| t.id.as_str() == args.id).ok_or_else(|| Error::UnknownTheorem {
        id: args.id.clone(),
        known: catalog::theorems().iter().map(|t| t.id.as_str()).collect::<Vec<_>>().join(", "),
    })?;
    let mut settings = args.settings.clone();
    let data = take_flag(&mut settings, "--data").map(PathBuf::from).or_else(|| args.data.clone());
    let metric = take_flag(&mut settings, "--metric").or_else(|| args.metric.clone());
    let Some(data) = data else {
        return Err(Error::invalid("data", "", "give your results with --data FILE (CSV or Parquet)"));
    };
    let (table, _) = read_table(&data, "data")?;
    let observed = observe(&table, metric.as_deref(), &data.display().to_string())?;
    let sub = subcommand(theorem.id.as_str(), theorem.family());
    if sub == "absorption" {
        return Err(Error::invalid(
            "id",
            theorem.id,
            "the absorption time has no generations to check; `collapse check` takes a per-generation theorem",
        ));
    }
    if !settings.iter().any(|a| a == "--generations" || a.starts_with("--generations=")) {
        let last = observed.generations.keys().next_back().copied().unwrap_or(1);
        settings.extend(["--generations".to_string(), last.to_string()]);
    }
    let argv = ["collapse", "theory", sub].into_iter().map(String::from).chain(settings);
    let rule = |line: String| Error::invalid("settings", "", format!("{line} (the settings are those of `collapse theory {sub} --help`)"));
    let CliCommand::Theory { family } = parse_args(argv).map_err(rule)?.command else {
        return Err(rule("not a theory command".into()));
    };
    super::tables::check_target("output", family.out().output.as_deref())?;
    let reply = family.produce(Stage::Check(&observed, theorem.id, &data))?.output()?.reply();
    Ok((reply, family.out().clone()))
}
