//! The tables every command prints, for any model: closed forms generation by
//! generation, and the Monte Carlo summaries beside them.

use crate::OutputArgs;
use model_collapse::error::Result;
use model_collapse::model::{Model, Run};
use model_collapse::output::{Cell, Format, Table, to_json_string, write_atomically};
use model_collapse::stats::median;
use std::io::IsTerminal;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::process::ExitCode;

/// The format asked for, or table on a terminal and CSV otherwise.
pub(crate) fn default_format(format: Option<Format>) -> Format {
    format.unwrap_or(if std::io::stdout().is_terminal() { Format::Table } else { Format::Csv })
}

/// Writes `text` to the file (atomically) or to stdout.
pub(crate) fn emit(text: &str, output: &Option<PathBuf>) -> Result<()> {
    match output {
        Some(path) => write_atomically(path, text).map_err(|e| e.for_parameter("output")),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

/// Renders a table; JSON wraps the rows with the run's description, the text
/// table starts with it as a comment.
pub(crate) fn render(table: &Table, format: Format, meta: serde_json::Value) -> String {
    match format {
        Format::Json => {
            let mut doc = meta;
            doc["rows"] = table.to_json_rows();
            to_json_string(&doc)
        }
        Format::Table => format!("# {}\n{}", describe(&meta), table.to_text()),
        Format::Csv => table.to_csv(),
    }
}

fn describe(meta: &serde_json::Value) -> String {
    meta.as_object()
        .map(|o| o.iter().map(|(k, v)| format!("{k}={}", v.as_str().map_or(v.to_string(), str::to_string))).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// Renders `table` with `meta` as the output arguments ask and writes it.
pub(crate) fn write(table: &Table, meta: serde_json::Value, out: &OutputArgs) -> Result<ExitCode> {
    emit(&render(table, default_format(out.format), meta), &out.output)?;
    Ok(ExitCode::SUCCESS)
}

/// Closed forms, one row per generation and one column per curve (empty where
/// a curve is absent): `generation,<name>,...`.
pub(crate) fn theory_table(generations: RangeInclusive<u64>, columns: &[(&'static str, Option<Vec<f64>>)]) -> Table {
    let first = *generations.start();
    let names: Vec<&'static str> = std::iter::once("generation").chain(columns.iter().map(|c| c.0)).collect();
    let mut table = Table::new(&names);
    for g in generations {
        let row = columns.iter().map(|(_, c)| c.as_ref().map(|v| v[(g - first) as usize]).into());
        table.push(std::iter::once(Cell::Int(g)).chain(row).collect());
    }
    table
}

/// Which optional columns a simulation table has.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Columns {
    /// A `metric` column (families with several metrics).
    pub(crate) metric: bool,
    /// The sample median and the exact median beside the mean (kept runs).
    pub(crate) medians: bool,
}

/// One row per metric and generation: `generation[,metric],mean,std_error,
/// ci_low,ci_high[,median],theory,z[,median_theory],replicates`, and
/// `mean_over_theory` last when the closed form is only a large-`T` reference.
pub(crate) fn simulation_table<M: Model>(run: &Run<M>, metrics: &[M::Metric], columns: Columns) -> Table {
    let curves: Vec<_> = metrics.iter().map(|&m| run.closed_form(m).curve().cloned()).collect();
    let asymptotic = curves.iter().flatten().any(|c| c.is_asymptotic());
    let mut names = vec!["generation"];
    names.extend(columns.metric.then_some("metric"));
    names.extend(["mean", "std_error", "ci_low", "ci_high"]);
    names.extend(columns.medians.then_some("median"));
    names.extend(["theory", "z"]);
    names.extend(columns.medians.then_some("median_theory"));
    names.push("replicates");
    names.extend(asymptotic.then_some("mean_over_theory"));
    let mut table = Table::new(&names);
    let first = *run.model.generations().start();
    for (&metric, curve) in metrics.iter().zip(&curves) {
        let medians = if columns.medians { run.model.median_closed_form(metric) } else { None };
        for g in run.model.generations() {
            let i = (g - first) as usize;
            let s = run.summary(metric, g);
            let t = curve.as_ref().map(|c| c.values[i]);
            let mut row = vec![Cell::Int(g)];
            if columns.metric {
                row.push(metric.to_string().into());
            }
            row.extend([s.mean.into(), s.std_error.into(), s.ci_low.into(), s.ci_high.into()]);
            if columns.medians {
                row.push((!run.values.is_empty()).then(|| median(&mut run.observations(metric, g))).into());
            }
            row.extend([t.into(), t.and_then(|t| s.z(t)).into()]);
            if columns.medians {
                row.push(medians.as_ref().map(|v| v[i]).into());
            }
            row.push(Cell::Int(s.replicates));
            if asymptotic {
                row.push(t.map(|t| s.mean / t).into());
            }
            table.push(row);
        }
    }
    table
}

/// Prints a simulation table, with the replication in the description.
pub(crate) fn emit_simulation<M: Model>(
    run: &Run<M>,
    metrics: &[M::Metric],
    columns: Columns,
    mut meta: serde_json::Value,
    replication: (u64, u64),
    out: &OutputArgs,
) -> Result<ExitCode> {
    let table = simulation_table(run, metrics, columns);
    meta["replicates"] = replication.0.into();
    meta["seed"] = replication.1.into();
    write(&table, meta, out)
}
