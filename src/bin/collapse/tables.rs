//! How every command prints: the records of any model (closed forms
//! generation by generation, and the Monte Carlo summaries beside them) in
//! CSV, JSON or an aligned table, to stdout or a file.

use crate::{McArgs, OutputArgs, budget, note};
use model_collapse::error::{Error, Result, Spelling};
use model_collapse::mc::{Chain, MonteCarlo};
use model_collapse::model::{Model, Run, check_simulation, check_theory};
use model_collapse::output::{Format, Table, remove_temporary_files, to_json_string, write_atomically};
use model_collapse::records::{self, Records, metadata};
use serde_json::Value;
use std::io::IsTerminal;
use std::io::Write;
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

/// Renders a table; JSON is a Table Schema document (`pd.read_json(path,
/// orient="table")`) with the run's description as `metadata` and its
/// `warnings`; the text table starts with the description as a comment.
pub(crate) fn render(table: &Table, format: Format, meta: serde_json::Value) -> String {
    match format {
        Format::Json => {
            let mut metadata = match meta.clone() {
                Value::Object(map) => map,
                _ => serde_json::Map::new(),
            };
            let warnings = metadata.remove("warnings").unwrap_or_else(|| Value::Array(Vec::new()));
            let extra = serde_json::Map::from_iter([("metadata".to_string(), Value::Object(metadata)), ("warnings".to_string(), warnings)]);
            to_json_string(&table.to_json_document(extra))
        }
        Format::Table => format!("# {}\n{}", describe(&meta), narrow(table, &meta).to_text()),
        Format::Csv => table.to_csv(),
    }
}

/// The description as `key=value` pairs (the warnings went to stderr).
fn describe(meta: &serde_json::Value) -> String {
    let pairs = meta.as_object().into_iter().flatten().filter(|(k, _)| *k != "warnings");
    pairs.map(|(k, v)| format!("{k}={}", v.as_str().map_or(v.to_string(), str::to_string))).collect::<Vec<_>>().join(" ")
}

/// The table for reading: without the columns that the description already
/// gives (the same value in every row).
fn narrow(table: &Table, meta: &serde_json::Value) -> Table {
    let described = |k: usize| meta.get(&table.columns[k]).is_some() && table.rows.iter().all(|row| row[k] == table.rows[0][k]);
    let keep: Vec<usize> = (0..table.columns.len()).filter(|&k| table.rows.is_empty() || !described(k)).collect();
    let mut narrow = Table::new(&keep.iter().map(|&k| &table.columns[k]).collect::<Vec<_>>());
    for row in &table.rows {
        narrow.push(keep.iter().map(|&k| row[k].clone()).collect());
    }
    narrow
}

/// Renders `table` with `meta` as the output arguments ask and writes it.
pub(crate) fn write(table: &Table, meta: serde_json::Value, out: &OutputArgs) -> Result<ExitCode> {
    emit(&render(table, default_format(out.format), meta), &out.output)?;
    Ok(ExitCode::SUCCESS)
}

/// At most this many numbers are kept in memory for the sample medians; a
/// larger run leaves the `median` column empty and says so.
const MEDIAN_BUDGET: usize = 20_000_000;

/// Runs `model` under `mc` after checking the budget, keeping every value for
/// the sample medians when they fit in [`MEDIAN_BUDGET`].
pub(crate) fn run<M: Model>(model: M, mc: &MonteCarlo) -> Result<Run<M>> {
    let kept = model.chain().width().saturating_mul(mc.replicates() as usize);
    let keep = kept <= MEDIAN_BUDGET;
    check_simulation(&model, mc, keep, &budget().limits)?;
    if keep { Run::keeping(model, mc) } else { Run::new(model, mc) }
}

/// Writes records with their description (JSON: the metadata and a
/// `warnings` array around the rows; text: a comment line), and prints each
/// distinct warning on stderr.
fn emit_records<M: Model>(model: &M, records: &Records, extra: &[(&str, Value)], out: &OutputArgs) -> Result<ExitCode> {
    for warning in &records.warnings {
        note(warning);
    }
    let meta = metadata(model, extra, &records.warnings);
    write(&records.table, Value::Object(meta), out)
}

/// `collapse theory <model>`: the closed forms of every metric, generation by generation.
pub(crate) fn emit_theory<M: Model>(model: &M, extra: &[(&str, Value)], out: &OutputArgs) -> Result<ExitCode> {
    check_theory(model, &budget().limits)?;
    emit_records(model, &records::theory(model, Spelling::Flag)?, extra, out)
}

/// `collapse simulate <model>`: the Monte Carlo summaries of `metrics` beside their closed forms.
pub(crate) fn emit_simulation<M: Model>(
    model: M,
    metrics: &[M::Metric],
    mc_args: &McArgs,
    extra: &[(&str, Value)],
    out: &OutputArgs,
) -> Result<ExitCode> {
    let mc = mc_args.monte_carlo()?;
    let run = run(model, &mc)?;
    let records = records::simulation(&run, metrics, mc.seed(), Spelling::Flag);
    let mut extra = extra.to_vec();
    extra.extend([("seed", mc.seed().into()), ("replicates", mc.replicates().into())]);
    emit_records(&run.model, &records, &extra, out)
}
