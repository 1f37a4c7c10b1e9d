//! How every command prints: the records of any model (closed forms
//! generation by generation, and the Monte Carlo summaries beside them) in
//! CSV, JSON or an aligned table, to stdout or a file.

use super::{McArgs, OutputArgs, budget, note};
use crate::budget::{Cost, Culprit};
use crate::check::{Observed, judge};
use crate::error::{Error, Result, Spelling, param};
use crate::frame::{FileFormat, format_of, to_parquet};
use crate::mc::{Chain, MonteCarlo, Part};
use crate::model::{Model, Run, TheoremId, check_simulation, check_theory};
use crate::output::{Format, Table, Writer, remove_temporary_files, to_json_string, write_atomically_with, write_together};
use crate::records::{self, Records, Values, metadata};
use crate::verify::FAMILY_ALPHA;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Map, Value};
use std::io::IsTerminal;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The format asked for; else the one the output file's extension names
/// (`.csv`, `.json`, `.parquet`; any other: CSV); else table on a terminal
/// and CSV otherwise.
pub(crate) fn default_format(format: Option<Format>, output: Option<&Path>) -> Format {
    match (format, output) {
        (Some(format), _) => format,
        (None, Some(path)) => file_format(path),
        (None, None) if std::io::stdout().is_terminal() => Format::Table,
        (None, None) => Format::Csv,
    }
}

/// The format of a file by its extension: Parquet, JSON or CSV.
pub(crate) fn file_format(path: &Path) -> Format {
    match format_of(path) {
        FileFormat::Parquet => Format::Parquet,
        FileFormat::Json => Format::Json,
        FileFormat::Csv => Format::Csv,
    }
}

/// Writes `bytes` in `format` to the file (atomically) or to stdout; binary
/// Parquet is not written to a terminal.
pub(crate) fn emit_bytes(bytes: &[u8], format: Format, output: &Option<PathBuf>) -> Result<()> {
    match output {
        Some(path) => write_atomically_bytes(path, bytes).map_err(|e| e.for_parameter("output")),
        None if format == Format::Parquet && std::io::stdout().is_terminal() => Err(Error::invalid(
            "format",
            "parquet",
            "Parquet is binary and stdout is a terminal: write it to a file with -o FILE.parquet, or pipe it",
        )),
        None => print_bytes(bytes),
    }
}

fn write_atomically_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically_with(path, |tmp| std::fs::write(tmp, bytes))
}

/// Prints `text` on standard output ([`print_bytes`]).
pub(crate) fn print_out(text: &str) -> Result<()> {
    print_bytes(text.as_bytes())
}

/// Prints `bytes` on standard output. A closed pipe (`collapse ... | head -1`)
/// ends the program quietly with the conventional status 141 (128 + SIGPIPE).
pub(crate) fn print_bytes(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
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
        // Parquet is binary: `encode` writes it.
        Format::Csv | Format::Parquet => table.to_csv(),
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

/// At most this many numbers are kept in memory for the sample medians; a
/// larger run leaves the `median` column empty and says so.
const MEDIAN_BUDGET: usize = 20_000_000;

/// Whether a run of `model` under `mc` keeps every value: when asked
/// (`--replicates-out`), or when they fit in [`MEDIAN_BUDGET`] (for the sample medians).
fn keeps<M: Model>(model: &M, mc: &MonteCarlo, asked: bool) -> bool {
    asked || model.chain().width().saturating_mul(mc.replicates() as usize) <= MEDIAN_BUDGET
}

/// Runs `model` under `mc` after checking the budget, keeping every value
/// when `keep` or when they fit ([`keeps`]).
pub(crate) fn run<M: Model>(model: M, mc: &MonteCarlo, keep: bool) -> Result<Run<M>> {
    let keep = keeps(&model, mc, keep);
    check_simulation(&model, mc, keep, &budget().limits)?;
    if keep { Run::keeping(model, mc) } else { Run::new(model, mc) }
}

/// How far a command goes: check its setting and budget and estimate its
/// time, or run it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Stage<'a> {
    /// Validate, check the budget, estimate the seconds.
    Estimate,
    /// Do the work.
    Run,
    /// Do the work and keep every replicate's values as numbers (the Python
    /// package's `per_replicate`), as `--replicates-out` keeps them.
    Keep,
    /// Judge a researcher's results (read from the file) against a theorem's closed form.
    Check(&'a Observed, TheoremId, &'a Path),
    /// Run only the blocks `first..end` of the replicates: a share of a big
    /// simulation, for another machine ([`MonteCarlo::part`]).
    Part(u64, u64),
    /// Make the records of a simulation from the shares of its replicates,
    /// run elsewhere ([`Part::join`]): the bits of the whole run.
    Join(&'a [Part]),
}

/// What a theory or simulation command produced at its [`Stage`].
pub(crate) enum Produced {
    /// The estimated seconds of the work.
    Estimate(f64),
    /// The records.
    Output(Output),
    /// A share of a simulation's replicates ([`Stage::Part`]).
    Part(Part),
}

/// A command's records, their description and, when asked, every replicate's values.
pub(crate) struct Output {
    /// The records and their warnings.
    pub(crate) records: Records,
    /// The run's description (model, family, parameters, seed, ...; no warnings).
    pub(crate) meta: Map<String, Value>,
    /// Every replicate's values, when asked for (`--replicates-out`, [`Stage::Keep`]).
    pub(crate) replicates: Option<Values>,
}

impl Produced {
    /// The output of a run (an estimate has none).
    pub(crate) fn output(self) -> Result<Output> {
        match self {
            Produced::Output(output) => Ok(output),
            Produced::Estimate(_) | Produced::Part(_) => Err(Error::Numerical("an estimate or a share has no records".into())),
        }
    }

    /// The share of a simulation's replicates that [`Stage::Part`] ran.
    pub(crate) fn part(self) -> Result<Part> {
        match self {
            Produced::Part(part) => Ok(part),
            _ => Err(Error::invalid("command", "theory", "has no replicates to share out: only simulate does")),
        }
    }

    /// The estimated seconds (zero for a finished run).
    pub(crate) fn seconds(&self) -> f64 {
        match self {
            Produced::Estimate(seconds) => *seconds,
            Produced::Output(_) | Produced::Part(_) => 0.0,
        }
    }
}

/// A table a command made, ready to write, or to hand to a front end other
/// than the terminal (the Python package).
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The rows.
    pub table: Table,
    /// The run's description, ending with its `warnings` (each distinct note once).
    pub meta: Map<String, Value>,
    /// Every replicate's values, when asked for (`--replicates-out`, or the
    /// Python package's `per_replicate`).
    pub replicates: Option<Values>,
    /// The exit status of the command line: 0; 1 when a check failed; 3 when a sweep skipped cells.
    pub status: u8,
}

impl Reply {
    /// A reply whose description gets `warnings` at its end.
    pub(crate) fn new(table: Table, mut meta: Map<String, Value>, warnings: &[String], replicates: Option<Values>, status: u8) -> Reply {
        meta.insert("warnings".into(), warnings.iter().map(|w| Value::from(w.as_str())).collect());
        Reply { table, meta, replicates, status }
    }

    /// The description's warnings.
    pub fn warnings(&self) -> Vec<String> {
        let list = self.meta.get("warnings").and_then(Value::as_array);
        list.into_iter().flatten().filter_map(Value::as_str).map(String::from).collect()
    }
}

impl Output {
    /// The reply of a theory, simulation or check: its status 1 when a check failed.
    pub(crate) fn reply(self) -> Reply {
        let failed = self.meta.get("passed") == Some(&Value::Bool(false));
        Reply::new(self.records.table, self.meta, &self.records.warnings, self.replicates, if failed { 1 } else { 0 })
    }
}

/// Writes a reply: each warning on stderr; the table with its description
/// (JSON: the metadata and a `warnings` array around the rows; Parquet: the
/// description in the file's metadata; text: a comment line); the replicates'
/// values to `--replicates-out`, all files together or none. Returns the
/// reply's exit status.
pub(crate) fn write_reply(reply: Reply, out: &OutputArgs, replicates_out: Option<&Path>) -> Result<ExitCode> {
    for warning in reply.warnings() {
        note(warning);
    }
    let format = default_format(out.format, out.output.as_deref());
    let bytes = encode(&reply.table, format, reply.meta.clone())?;
    match (replicates_out, &reply.replicates) {
        (Some(path), Some(replicates)) => {
            let values = encode(&replicates.table(), file_format(path), reply.meta.clone())?;
            let mut files: Vec<(&Path, Writer<'_>)> = vec![(path, Box::new(|p: &Path| std::fs::write(p, &values)))];
            match &out.output {
                Some(output) => files.push((output.as_path(), Box::new(|p: &Path| std::fs::write(p, &bytes)))),
                None => emit_bytes(&bytes, format, &None)?,
            }
            write_together(files)
                .map_err(|e| for_path(e, &[(path, "replicates_out"), (out.output.as_deref().unwrap_or(path), "output")]))?;
        }
        _ => emit_bytes(&bytes, format, &out.output)?,
    }
    Ok(ExitCode::from(reply.status))
}

/// Checks before any work that `path`, when given, can be written: a file
/// name (not a directory) in a directory that exists.
pub(crate) fn check_target(parameter: &'static str, path: Option<&Path>) -> Result<()> {
    let Some(path) = path else { return Ok(()) };
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if path.is_dir() {
        return Err(Error::invalid(parameter, path.display(), "is a directory; give a file name"));
    }
    if !folder.is_dir() {
        return Err(Error::invalid(parameter, path.display(), format!("the directory {} does not exist", folder.display())));
    }
    Ok(())
}

/// Checks `-o` and `--replicates-out` before any work: each writable, and not the same file.
pub(crate) fn check_targets(output: Option<&Path>, replicates_out: Option<&Path>) -> Result<()> {
    check_target("output", output)?;
    check_target("replicates_out", replicates_out)?;
    if let (Some(a), Some(b)) = (output, replicates_out) {
        let same = a == b || (a.exists() && std::fs::canonicalize(a).ok() == std::fs::canonicalize(b).ok());
        if same {
            return Err(Error::invalid("replicates_out", b.display(), format!("is also {}; give another file", param("output"))));
        }
    }
    Ok(())
}

/// An I/O error for the parameter that named its path.
pub(crate) fn for_path(e: Error, parameters: &[(&Path, &'static str)]) -> Error {
    let named = |path: &str| parameters.iter().find(|(p, _)| p.display().to_string() == path).map(|(_, name)| *name);
    match &e {
        Error::Io { path, .. } => match named(path) {
            Some(name) => e.for_parameter(name),
            None => e,
        },
        _ => e,
    }
}

/// `collapse theory <model>`: the closed forms of every metric, generation by generation.
pub(crate) fn theory_output<M: Model>(model: &M, extra: &[(&str, Value)], stage: Stage<'_>) -> Result<Produced> {
    let seconds = check_theory(model, &budget().limits)?;
    if stage == Stage::Estimate {
        return Ok(Produced::Estimate(seconds));
    }
    if let Stage::Check(observed, id, data) = stage {
        let judgement = judge(model, id, observed)?;
        let mut extra = extra.to_vec();
        extra.extend([
            ("data", data.display().to_string().into()),
            ("layout", if observed.per_replicate { "per replicate" } else { "summaries" }.into()),
            ("family_alpha", FAMILY_ALPHA.into()),
            ("assertions", observed.generations.len().into()),
            ("z_critical", judgement.z_critical.into()),
            ("passed", judgement.passed.into()),
        ]);
        return Ok(Produced::Output(Output { records: judgement.records, meta: metadata(model, &extra), replicates: None }));
    }
    let records = records::theory(model, Spelling::Flag)?;
    Ok(Produced::Output(Output { records, meta: metadata(model, extra), replicates: None }))
}

/// `collapse simulate <model>`: the Monte Carlo summaries of `metrics` beside
/// their closed forms, and every replicate's values when `--replicates-out` asks.
pub(crate) fn simulation_output<M: Model>(
    model: M,
    metrics: &[M::Metric],
    mc_args: &McArgs,
    extra: &[(&str, Value)],
    stage: Stage<'_>,
) -> Result<Produced> {
    let mc = mc_args.monte_carlo()?;
    let written = mc_args.replicates_out.is_some();
    let keep = written || stage == Stage::Keep;
    let out_seconds = if written { check_replicates_out(model.chain().width(), mc.replicates())? } else { 0.0 };
    match stage {
        Stage::Estimate => {
            let seconds = check_simulation(&model, &mc, keeps(&model, &mc, keep), &budget().limits)?;
            return Ok(Produced::Estimate(seconds + out_seconds));
        }
        Stage::Check(..) => return Err(Error::invalid("command", "simulate", "a check compares data with a closed form: use theory")),
        Stage::Part(first, end) => {
            let keep = keeps(&model, &mc, keep);
            check_simulation(&model, &mc, keep, &budget().limits)?;
            return Ok(Produced::Part(mc.part(&model.chain(), first..end, keep)?));
        }
        Stage::Run | Stage::Keep | Stage::Join(_) => {}
    }
    let run = match stage {
        Stage::Join(parts) => Run::joined(model, &mc, parts)?,
        _ => run(model, &mc, keep)?,
    };
    let records = records::simulation(&run, metrics, mc.seed(), Spelling::Flag);
    let mut extra = extra.to_vec();
    extra.extend([("seed", mc.seed().into()), ("replicates", mc.replicates().into())]);
    let meta = metadata(&run.model, &extra);
    let replicates = keep.then(|| Values::of(run, metrics));
    Ok(Produced::Output(Output { records, meta, replicates }))
}

/// Bytes of memory and operations per row of `--replicates-out` (a row of
/// cells in memory, then its text or Parquet encoding).
const BYTES_PER_REPLICATE_ROW: f64 = 300.0;

/// The budget of `--replicates-out`: one row per replicate and observation.
fn check_replicates_out(width: usize, replicates: u64) -> Result<f64> {
    let rows = width as f64 * replicates as f64;
    let cost = Cost::new(rows * BYTES_PER_REPLICATE_ROW, rows * BYTES_PER_REPLICATE_ROW);
    budget().limits.check(cost, 1, &Culprit::new("replicates", replicates as f64, 1000.0))
}

/// A table in `format`: CSV or text as UTF-8; JSON as a Table Schema document
/// (`pd.read_json(path, orient="table")`) with the description as `metadata`
/// and its `warnings`; Parquet with the description as JSON under the file's
/// metadata key `model_collapse`.
pub(crate) fn encode(table: &Table, format: Format, meta: Map<String, Value>) -> Result<Vec<u8>> {
    Ok(match format {
        Format::Parquet => parquet(table, &meta)?,
        format => render(table, format, Value::Object(meta)).into_bytes(),
    })
}

/// The Parquet metadata key of a run's description.
pub const PARQUET_KEY: &str = "model_collapse";

/// A table as Parquet bytes with its description as JSON under
/// [`PARQUET_KEY`]: what `-o FILE.parquet` writes.
pub fn parquet(table: &Table, meta: &Map<String, Value>) -> Result<Vec<u8>> {
    to_parquet(table, &[(PARQUET_KEY.to_string(), to_json_string(meta))])
}

/// A progress bar on stderr when it is a terminal (hidden otherwise): done
/// and total `unit`s, the time elapsed and the time left at the pace so far.
pub(crate) fn progress_bar(len: u64, unit: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    let template = format!("{{bar:30}} {{pos}}/{{len}} {unit}, {{elapsed}} elapsed, about {{eta}} left: {{msg}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}
