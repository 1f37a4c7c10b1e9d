//! `collapse sweep` and `collapse merge`: a grid of settings run cell by cell
//! into one tidy table, resumable, in shares for array jobs.

use super::tables::{Produced, Reply, Stage, check_target, default_format, progress_bar, write_reply};
use super::{Command as CliCommand, OutputArgs, budget, named, note, parse_args};
use crate::budget::format_seconds;
use crate::error::{Error, Result, Spelling};
use crate::frame::read_table;
use crate::output::{Format, Table, write_atomically};
use crate::sweep::{self, Command, GridCell, Shard, Spec};
use clap::Args;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The exit status of a sweep that skipped invalid cells.
const SKIPPED: u8 = 3;

#[derive(Args)]
pub(crate) struct SweepArgs {
    /// The grid as a TOML file: `family`, then `[parameters]` where a list is an axis and a single
    /// value is held fixed (see examples/gerstgrasser-sweep.toml). Or give --family and --vary
    #[arg(value_name = "SPEC.toml")]
    spec: Option<PathBuf>,
    /// The family without a SPEC: linear, downstream, overparam, gaussian or categorical
    #[arg(long)]
    family: Option<String>,
    /// An axis without a SPEC: NAME=V1,V2,... with NAME a flag of `collapse simulate FAMILY`
    /// (repeatable; for values with commas use a SPEC)
    #[arg(long, value_name = "NAME=V1,V2,...")]
    vary: Vec<String>,
    /// A parameter held fixed without a SPEC: NAME=VALUE, taken whole (repeatable)
    #[arg(long, value_name = "NAME=VALUE")]
    set: Vec<String>,
    /// What each cell runs: simulate (Monte Carlo beside the closed forms) or theory
    #[arg(long, value_parser = named::<Command>())]
    command: Option<Command>,
    /// Independent replicates per cell [default: the SPEC's, else 1000]
    #[arg(long)]
    replicates: Option<u64>,
    /// The run's seed [default: the SPEC's, else 1]. Each cell's seed is derived from it and the
    /// cell's parameters (a hash of their values), so cells are independent and a cell keeps its
    /// seed when the grid grows; the `seed` column says which
    #[arg(long)]
    seed: Option<u64>,
    /// Common random numbers: every cell uses --seed itself, so cells that differ in one
    /// parameter are paired (their difference has less noise; their errors are correlated, not
    /// independent evidence). Default: off, each cell its own seed
    #[arg(long)]
    common_random_numbers: bool,
    /// Run share K of N of the cells (cells K, K+N, K+2N, ...), e.g. one per array job; join the
    /// shares' files with `collapse merge`
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Worker threads per cell (default: all cores); the output is identical for any number
    #[arg(long)]
    pub(super) threads: Option<usize>,
    /// Print the cells (parameters, seed, estimated time, or why invalid) and run nothing
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Args)]
pub(crate) struct MergeArgs {
    /// The shares' files, written by `collapse sweep --shard K/N` (CSV or Parquet, all alike)
    #[arg(required = true, value_name = "SHARD")]
    shards: Vec<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
}

/// The sweep as the arguments give it, with its run's replicates and seed.
pub(super) struct Sweep {
    pub(super) spec: Spec,
    pub(super) replicates: u64,
    pub(super) seed: u64,
    shard: Option<Shard>,
}

impl Sweep {
    pub(super) fn new(args: &SweepArgs) -> Result<Sweep> {
        let mut spec = match (&args.spec, &args.family) {
            (Some(path), None) => {
                let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path.display(), e).for_parameter("spec"))?;
                Spec::from_toml(&text, path)?
            }
            (None, Some(family)) => Spec::from_flags(args.command.unwrap_or(Command::Simulate), family, &args.vary, &args.set)?,
            (Some(path), Some(family)) => {
                return Err(Error::invalid(
                    "family",
                    family,
                    format!("give a SPEC ({}) or --family with --vary, not both", path.display()),
                ));
            }
            (None, None) => return Err(Error::invalid("spec", "", "give a SPEC.toml, or --family with --vary NAME=V1,V2,...")),
        };
        if args.spec.is_some() && !(args.vary.is_empty() && args.set.is_empty()) {
            return Err(Error::invalid(
                "vary",
                args.vary.join(" "),
                "--vary and --set go with --family; with a SPEC, edit its [parameters]",
            ));
        }
        spec.command = args.command.unwrap_or(spec.command);
        spec.common_random_numbers |= args.common_random_numbers;
        let replicates = args.replicates.or(spec.replicates).unwrap_or(1000);
        let seed = args.seed.or(spec.seed).unwrap_or(1);
        let shard = args.shard.as_deref().map(str::parse).transpose()?;
        Ok(Sweep { spec, replicates, seed, shard })
    }

    /// The flags of `collapse <command> <family>` that run `cell`.
    fn argv(&self, cell: &GridCell, threads: Option<usize>) -> Vec<String> {
        let mut argv = vec!["collapse".to_string(), self.spec.command.to_string(), self.spec.family.clone()];
        for (name, value) in &cell.parameters {
            argv.extend([format!("--{}", name.replace('_', "-")), value.clone()]);
        }
        if self.spec.command == Command::Simulate {
            argv.extend(["--replicates".into(), self.replicates.to_string(), "--seed".into(), cell.seed.to_string()]);
            argv.extend(threads.map(|t| format!("--threads={t}")));
        }
        argv
    }

    /// Runs `cell` to `stage`: its estimated seconds, or its records.
    pub(super) fn produce(&self, cell: &GridCell, threads: Option<usize>, stage: Stage<'_>) -> Result<Produced> {
        match parse_args(self.argv(cell, threads)).map_err(Error::System)?.command {
            CliCommand::Simulate { family } => family.produce(stage),
            CliCommand::Theory { family } => family.produce(stage),
            _ => Err(Error::invalid("family", &self.spec.family, "must be a family of `collapse simulate` or `collapse theory`")),
        }
    }

    /// The description of the sweep's output: the spec, the run, the cells
    /// skipped and why.
    fn metadata(&self, invalid: &[(GridCell, String)]) -> Map<String, Value> {
        let mut meta = Map::new();
        meta.insert("command".into(), self.spec.command.to_string().into());
        meta.insert("family".into(), self.spec.family.clone().into());
        meta.insert("parameters".into(), Value::Object(self.spec.axes()));
        meta.insert("cells".into(), self.spec.cell_count().into());
        if self.spec.command == Command::Simulate {
            meta.insert("replicates".into(), self.replicates.into());
            meta.insert("seed".into(), self.seed.into());
            let seeds = if self.spec.common_random_numbers {
                "common random numbers: every cell uses the run's seed"
            } else {
                "each cell's own, derived from the run's seed and the cell's parameters"
            };
            meta.insert("cell_seeds".into(), seeds.into());
        }
        if let Some(shard) = self.shard {
            meta.insert("shard".into(), shard.to_string().into());
        }
        meta.insert("invalid_cells".into(), invalid.iter().map(|(cell, why)| invalid_entry(cell, why)).collect());
        meta
    }

    /// What identifies the sweep's finished cells on disk: the spec and the run.
    fn fingerprint(&self) -> String {
        let mut meta = self.metadata(&[]);
        meta.shift_remove("invalid_cells");
        meta.insert("common_random_numbers".into(), self.spec.common_random_numbers.into());
        crate::output::to_json_string(&meta)
    }
}

/// A skipped cell as the metadata lists it.
fn invalid_entry(cell: &GridCell, why: &str) -> Value {
    let parameters: Map<String, Value> = cell.parameters.iter().map(|(n, v)| (n.clone(), Value::from(v.as_str()))).collect();
    serde_json::json!({"cell": cell.index, "parameters": parameters, "reason": why})
}

/// `collapse sweep`.
pub(crate) fn sweep(args: &SweepArgs) -> Result<ExitCode> {
    if args.dry_run {
        return dry_run(args);
    }
    let (reply, state) = sweep_reply(args)?;
    let status = write_reply(reply, &args.out, None)?;
    if let Some(state) = state {
        state.remove();
    }
    Ok(status)
}

/// The cells of this run (its shard) that pass their flags, rules and budget,
/// with their estimated seconds, and the others with the reason.
pub(super) type Triage = (Vec<(GridCell, f64)>, Vec<(GridCell, String)>);

fn triage(sweep: &Sweep, threads: Option<usize>) -> Triage {
    let mine = sweep.spec.cells(sweep.seed).into_iter().filter(|c| sweep.shard.is_none_or(|s| s.contains(c.index)));
    let (mut valid, mut invalid) = (Vec::new(), Vec::new());
    for cell in mine {
        match sweep.produce(&cell, threads, Stage::Estimate) {
            Ok(estimate) => valid.push((cell, estimate.seconds())),
            Err(e) => invalid.push((cell, e.message(Spelling::Flag))),
        }
    }
    (valid, invalid)
}

/// The cells of this run that can run, with their estimated seconds, and
/// the others with the reason; an error when no cell can run (but a share
/// may hold none: an array job beyond the grid gives an empty table).
pub(super) fn runnable(sweep: &Sweep, args: &SweepArgs) -> Result<Triage> {
    let (valid, invalid) = triage(sweep, args.threads);
    if valid.is_empty() && sweep.shard.is_none() {
        let why = invalid.first().map_or("the grid has no cell".to_string(), |(c, why)| format!("cell {}: {why}", c.index));
        return Err(Error::invalid(
            "spec",
            args.spec.as_ref().map_or(String::new(), |p| p.display().to_string()),
            format!("no cell can run; {why}"),
        ));
    }
    Ok((valid, invalid))
}

/// `collapse sweep`'s table and the folder of its finished cells (removed
/// once the table is written). Every cell is checked (flags, rules, budget)
/// before any runs.
pub(crate) fn sweep_reply(args: &SweepArgs) -> Result<(Reply, Option<State>)> {
    let sweep = Sweep::new(args)?;
    check_target("output", args.out.output.as_deref())?;
    let (valid, invalid) = runnable(&sweep, args)?;
    let seconds: f64 = valid.iter().map(|(_, s)| s).sum();
    let limits = &budget().limits;
    if seconds > limits.seconds {
        let rule = format!(
            "the sweep's {} cells would take about {} in all (estimated from their sizes), beyond the limit of {}; ask for it \
             with --allow-long (a sweep writing to -o FILE can be interrupted and resumed), or split it with --shard",
            valid.len(),
            format_seconds(seconds),
            format_seconds(limits.seconds)
        );
        return Err(Error::invalid("replicates", sweep.replicates, rule));
    }
    let state = args.out.output.as_deref().map(|output| State::open(output, &sweep.fingerprint())).transpose()?;
    let progress = progress_bar(valid.len() as u64, "cells");
    let reply = collect(&sweep, valid, invalid, |cell| {
        progress.set_message(describe(cell));
        let finished = state.as_ref().and_then(|s| s.finished(cell.index));
        let table = finished.map_or_else(|| run_cell(&sweep, cell, args.threads, state.as_ref()), Ok);
        progress.inc(1);
        table.map_err(|e| e.message(Spelling::Flag))
    })?;
    progress.finish_and_clear();
    Ok((reply, state))
}

/// The sweep's table from its runnable cells, each run (or fetched) by
/// `run`: a cell that fails while it runs (a design singular in floating
/// point) is skipped like an invalid one, with `run`'s message.
pub(super) fn collect(
    sweep: &Sweep,
    valid: Vec<(GridCell, f64)>,
    mut invalid: Vec<(GridCell, String)>,
    mut run: impl FnMut(&GridCell) -> std::result::Result<Table, String>,
) -> Result<Reply> {
    for (cell, why) in &invalid {
        note(format!("cell {} ({}) skipped: {why}", cell.index, describe(cell)));
    }
    let mut tables = Vec::new();
    for (cell, _) in valid {
        match run(&cell) {
            Ok(table) => tables.push((cell.index, table)),
            Err(message) => {
                let why = format!("failed while running: {message}");
                note(format!("cell {} ({}) skipped: {why}", cell.index, describe(&cell)));
                invalid.push((cell, why));
            }
        }
    }
    invalid.sort_by_key(|(cell, _)| cell.index);
    let table = sweep::assemble(&tables)?;
    let status = if invalid.is_empty() { 0 } else { SKIPPED };
    Ok(sweep_table(table, sweep.metadata(&invalid), status))
}

/// A sweep's (or a merge's) reply: its warnings are the distinct notes of its rows.
fn sweep_table(table: Table, meta: Map<String, Value>, status: u8) -> Reply {
    let warnings = sweep::warnings(&table);
    Reply::new(table, meta, &warnings, None, status)
}

/// Runs `cell` and keeps its table in `state`.
pub(super) fn run_cell(sweep: &Sweep, cell: &GridCell, threads: Option<usize>, state: Option<&State>) -> Result<Table> {
    let table = sweep.produce(cell, threads, Stage::Run)?.output()?.records.table;
    if let Some(state) = state {
        state.save(cell.index, &table)?;
    }
    Ok(table)
}

/// A cell's parameters, short.
pub(super) fn describe(cell: &GridCell) -> String {
    cell.parameters.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join(" ")
}

/// `--dry-run`: the cells, their seeds and estimated seconds, or why they are invalid.
fn dry_run(args: &SweepArgs) -> Result<ExitCode> {
    let sweep = Sweep::new(args)?;
    let (valid, invalid) = triage(&sweep, args.threads);
    let mut rows: Vec<(u64, String)> = valid
        .iter()
        .map(|(c, s)| (c.index, format!("{}\t{}\tseed {}\tabout {}", c.index, describe(c), c.seed, format_seconds(*s))))
        .chain(invalid.iter().map(|(c, why)| (c.index, format!("{}\t{}\tINVALID: {why}", c.index, describe(c)))))
        .collect();
    rows.sort();
    let total: f64 = valid.iter().map(|(_, s)| s).sum();
    let mut text: String = rows.into_iter().map(|(_, line)| line + "\n").collect();
    text += &format!(
        "{} cells to run ({} invalid), about {} in all, {} replicates each\n",
        valid.len(),
        invalid.len(),
        format_seconds(total),
        sweep.replicates
    );
    super::tables::print_out(&text)?;
    Ok(if invalid.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(SKIPPED) })
}

/// The finished cells of a sweep writing to a file, kept in `FILE.partial/`
/// until the file is written, so that an interrupted sweep resumes where it stopped.
pub(crate) struct State {
    dir: PathBuf,
}

impl State {
    /// The folder of `output`'s sweep: created, or reopened when it holds the same sweep's cells.
    fn open(output: &Path, fingerprint: &str) -> Result<State> {
        let mut name = output.file_name().unwrap_or_default().to_os_string();
        name.push(".partial");
        let dir = output.with_file_name(name);
        let manifest = dir.join("sweep.json");
        if dir.exists() {
            match std::fs::read_to_string(&manifest) {
                Ok(text) if text == fingerprint => {
                    note(format!("resuming: the finished cells in {} are kept", dir.display()));
                    return Ok(State { dir });
                }
                _ => {
                    let rule = format!(
                        "{} holds the finished cells of another sweep (other spec, seed, replicates or shard); remove it, or rerun \
                         that sweep to finish it",
                        dir.display()
                    );
                    return Err(Error::invalid("output", output.display(), rule));
                }
            }
        }
        std::fs::create_dir(&dir).map_err(|e| Error::io("create", dir.display(), e).for_parameter("output"))?;
        write_atomically(&manifest, fingerprint).map_err(|e| e.for_parameter("output"))?;
        Ok(State { dir })
    }

    fn path(&self, index: u64) -> PathBuf {
        self.dir.join(format!("cell-{index}.json"))
    }

    /// Cell `index`'s table, if it was finished.
    fn finished(&self, index: u64) -> Option<Table> {
        std::fs::read_to_string(self.path(index)).ok().and_then(|text| sweep::load(&text))
    }

    /// Keeps cell `index`'s table (whole or not at all).
    fn save(&self, index: u64, table: &Table) -> Result<()> {
        write_atomically(&self.path(index), &sweep::save(table)).map_err(|e| e.for_parameter("output"))
    }

    /// Removes the folder once the output is written.
    fn remove(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `collapse merge`: the shards' tables joined into the single run's table.
pub(crate) fn merge(args: &MergeArgs) -> Result<ExitCode> {
    write_reply(merge_reply(args)?, &args.out, None)
}

/// `collapse merge`'s table.
pub(crate) fn merge_reply(args: &MergeArgs) -> Result<Reply> {
    check_target("output", args.out.output.as_deref())?;
    let mut tables = Vec::new();
    let mut metas = Vec::new();
    for path in &args.shards {
        let (table, meta) = read_table(path, "shards")?;
        tables.push((path.display().to_string(), table));
        metas.push(meta);
    }
    let table = sweep::merge(&tables)?;
    let meta = merged_metadata(&args.shards, &metas)?;
    let format = default_format(args.out.format, args.out.output.as_deref());
    if format != Format::Csv && meta.is_none() {
        let rule = "CSV shards carry no description: merge them into CSV (-o FILE.csv), or run the shards with -o FILE.parquet";
        return Err(Error::invalid("format", format, rule));
    }
    let meta = meta.unwrap_or_default();
    // As the single run: status 3 when the shards skipped cells (known from their descriptions).
    let skipped = meta.get("invalid_cells").and_then(Value::as_array).is_some_and(|cells| !cells.is_empty());
    Ok(sweep_table(table, meta, if skipped { SKIPPED } else { 0 }))
}

/// The single run's description from the shards' (Parquet metadata): the
/// same spec in every shard, no shard named, the invalid cells of all, or
/// `None` for CSV shards.
fn merged_metadata(paths: &[PathBuf], metas: &[Vec<(String, String)>]) -> Result<Option<Map<String, Value>>> {
    let described: Vec<Option<Map<String, Value>>> = metas
        .iter()
        .map(|m| {
            let text = m.iter().find(|(k, _)| k == super::tables::PARQUET_KEY).map(|(_, v)| v.as_str());
            text.and_then(|t| serde_json::from_str::<Value>(t).ok()).and_then(|v| v.as_object().cloned())
        })
        .collect();
    if described.iter().all(Option::is_none) {
        return Ok(None);
    }
    let mut merged: Option<Map<String, Value>> = None;
    let mut invalid: Vec<Value> = Vec::new();
    let mut shards = Vec::new();
    for (path, meta) in paths.iter().zip(described) {
        let Some(mut meta) = meta else {
            return Err(Error::invalid("shards", path.display(), "has no sweep description: every shard must be a file of the same sweep"));
        };
        shards.extend(meta.shift_remove("shard"));
        meta.shift_remove("warnings");
        if let Some(Value::Array(cells)) = meta.get_mut("invalid_cells") {
            invalid.append(cells);
        }
        match &merged {
            None => merged = Some(meta),
            Some(first) if *first == meta => {}
            Some(_) => {
                return Err(Error::invalid("shards", path.display(), format!("is a share of another sweep than {}", paths[0].display())));
            }
        }
    }
    let mut merged = merged.unwrap_or_default();
    let counts: Vec<&str> = shards.iter().filter_map(Value::as_str).filter_map(|s| s.split('/').nth(1)).collect();
    if let Some(n) = counts.first().and_then(|n| n.parse::<usize>().ok())
        && (shards.len() != n || counts.iter().any(|c| c.parse::<usize>().ok() != Some(n)))
    {
        let rule = format!("the sweep has {n} shares and {} were given; give each share once", shards.len());
        return Err(Error::invalid("shards", paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" "), rule));
    }
    invalid.sort_by_key(|v| v["cell"].as_u64());
    merged.insert("invalid_cells".into(), Value::Array(invalid));
    Ok(Some(merged))
}
