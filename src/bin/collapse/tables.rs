//! The tables every command prints, for any model: closed forms generation by
//! generation, and the Monte Carlo summaries beside them.

use crate::OutputArgs;
use model_collapse::error::Error;
use model_collapse::error::{Result, Spelling};
use model_collapse::model::{ClosedForm, Model, Run};
use model_collapse::output::{Cell, Format, Table, remove_temporary_files, to_json_string, write_atomically};
use model_collapse::stats::median;
use std::io::IsTerminal;
use std::io::Write;
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
        None => print_out(text),
    }
}

/// Prints `text` on standard output. A closed pipe (`collapse ... | head -1`)
/// ends the program quietly with the conventional status 141 (128 + SIGPIPE).
pub(crate) fn print_out(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            remove_temporary_files();
            std::process::exit(141)
        }
        Err(e) => Err(Error::io("write", "the standard output", e)),
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

/// A column of closed-form values, or the reason it is empty.
pub(crate) type Column = std::result::Result<Vec<f64>, String>;

/// The values of a closed form, or its absence's reason as the command line spells it.
pub(crate) fn column(closed_form: ClosedForm) -> Column {
    closed_form.into_curve().map(|c| c.values).map_err(|why| why.message(Spelling::Flag))
}

/// Closed forms, one row per generation and one column per curve:
/// `generation,<name>,...`; where a curve is absent its cells are empty and a
/// last column `note` says why.
pub(crate) fn theory_table(generations: RangeInclusive<u64>, columns: &[(&'static str, Column)]) -> Table {
    let first = *generations.start();
    let absent: Vec<String> = columns.iter().filter_map(|(name, c)| c.as_ref().err().map(|why| format!("{name}: {why}"))).collect();
    let mut names: Vec<&'static str> = std::iter::once("generation").chain(columns.iter().map(|c| c.0)).collect();
    names.extend((!absent.is_empty()).then_some("note"));
    let note = absent.join("; ");
    let mut table = Table::new(&names);
    for g in generations {
        let row = columns.iter().map(|(_, c)| c.as_ref().ok().map(|v| v[(g - first) as usize]).into());
        let mut row: Vec<Cell> = std::iter::once(Cell::Int(g)).chain(row).collect();
        if !absent.is_empty() {
            row.push(note.clone().into());
        }
        table.push(row);
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
/// ci_low,ci_high[,median],theory,z[,median_theory],replicates`,
/// `mean_over_theory` when the closed form is only a large-`T` reference, and
/// last a `note` that says why a cell of the row is empty, when one is.
pub(crate) fn simulation_table<M: Model>(run: &Run<M>, metrics: &[M::Metric], columns: Columns) -> Table {
    let closed: Vec<ClosedForm> = metrics.iter().map(|&m| run.closed_form(m)).collect();
    let curves: Vec<_> = closed.iter().map(|c| c.curve().cloned()).collect();
    let medians: Vec<Option<Vec<f64>>> =
        metrics.iter().map(|&m| if columns.medians { run.model.median_closed_form(m) } else { None }).collect();
    let asymptotic = curves.iter().flatten().any(|c| c.is_asymptotic());
    let notes: Vec<Vec<String>> = metrics
        .iter()
        .zip(closed.iter().zip(&medians))
        .flat_map(|(&metric, (closed, median))| {
            run.model.generations().map(move |g| row_notes(run, metric, g, closed, columns, median.is_some()))
        })
        .collect();
    let noted = notes.iter().any(|n| !n.is_empty());
    let mut names = vec!["generation"];
    names.extend(columns.metric.then_some("metric"));
    names.extend(["mean", "std_error", "ci_low", "ci_high"]);
    names.extend(columns.medians.then_some("median"));
    names.extend(["theory", "z"]);
    names.extend(columns.medians.then_some("median_theory"));
    names.push("replicates");
    names.extend(asymptotic.then_some("mean_over_theory"));
    names.extend(noted.then_some("note"));
    let mut table = Table::new(&names);
    let first = *run.model.generations().start();
    let mut notes = notes.into_iter();
    for ((&metric, curve), medians) in metrics.iter().zip(&curves).zip(&medians) {
        for g in run.model.generations() {
            let i = (g - first) as usize;
            let s = run.summary(metric, g);
            let t = curve.as_ref().map(|c| c.values[i]);
            let mut row = vec![Cell::Int(g)];
            if columns.metric {
                row.push(metric.to_string().into());
            }
            let spread = |x: f64| s.has_spread().then_some(x);
            row.extend([s.mean.into(), spread(s.std_error).into(), spread(s.ci_low).into(), spread(s.ci_high).into()]);
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
            let note = notes.next().unwrap_or_default();
            if noted {
                row.push(note.join("; ").into());
            }
            table.push(row);
        }
    }
    table
}

/// Why cells of a simulation row are empty, if they are.
fn row_notes<M: Model>(
    run: &Run<M>,
    metric: M::Metric,
    generation: u64,
    closed: &ClosedForm,
    columns: Columns,
    median: bool,
) -> Vec<String> {
    let s = run.summary(metric, generation);
    let mut notes = Vec::new();
    if let ClosedForm::Absent(why) = closed {
        notes.push(format!("theory empty: {}", why.message(Spelling::Flag)));
    }
    if !s.has_spread() {
        notes.push("one replicate: no standard error, interval or z".into());
    } else if s.std_error == 0.0 && closed.curve().is_some() {
        notes.push("every replicate gave the same value: no z".into());
    }
    if columns.medians && run.values.is_empty() {
        notes.push("median empty: the values were not kept (too many)".into());
    }
    if columns.medians && !median {
        notes.push("median_theory empty: no exact median in this setting".into());
    }
    notes
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
