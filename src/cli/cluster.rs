//! A sweep run on a cluster (the Python package's `sweep(client=...)`):
//! the driver asks for the [`plan`], sends cells ([`run_cells`]) and, for
//! big cells, shares of their replicates ([`run_part`], then [`join_parts`])
//! to the workers, and makes the table from their outcomes ([`assemble`]):
//! the table of `collapse sweep` on one machine, bit for bit, however the
//! work was spread.
//!
//! Every function takes the sweep's command line (`args`, as for
//! [`super::table`]: `["sweep", "SPEC.toml", "--replicates", "500"]`).

use super::sweep::{Sweep, SweepArgs, collect, describe, run_cell, runnable};
use super::tables::{Reply, Stage};
use super::{Command, parse_args, set_budget};
use crate::error::{Error, Result, Spelling};
use crate::mc::{BLOCK, Part};
use crate::sweep::{self, Command as CellCommand, GridCell};
use serde::Serialize;
use std::collections::BTreeMap;

/// A cell run elsewhere: its table as [`sweep::save`] writes it (exact), or
/// the message of its failure while running.
pub type Outcome = std::result::Result<String, String>;

/// A cell that can run, as a cluster plans its work.
#[derive(Debug, Clone, Serialize)]
pub struct Planned {
    /// The cell's index in the grid.
    pub cell: u64,
    /// Its parameters, `name=value` separated by spaces.
    pub parameters: String,
    /// Its estimated seconds on this machine.
    pub seconds: f64,
    /// The blocks of replicates it can be split into (0: a theory cell, not split).
    pub blocks: u64,
}

/// The sweep of a command line, with the line's budget set.
fn parsed(args: &[String]) -> Result<(Sweep, SweepArgs)> {
    let argv = std::iter::once("collapse".to_string()).chain(args.iter().cloned());
    let cli = parse_args(argv).map_err(Error::System)?;
    set_budget(&cli)?;
    match cli.command {
        Command::Sweep(sweep_args) => Ok((Sweep::new(&sweep_args)?, sweep_args)),
        _ => Err(Error::invalid("arguments", args.join(" "), "is not a sweep: give `sweep SPEC.toml ...` or `sweep --family ...`")),
    }
}

/// The cell `index` of the sweep.
fn cell(sweep: &Sweep, index: u64) -> Result<GridCell> {
    let count = sweep.spec.cell_count();
    let found = sweep.spec.cells(sweep.seed).into_iter().find(|c| c.index == index);
    found.ok_or_else(|| Error::invalid("cell", index, format!("the grid's cells are 0..{count}")))
}

/// The cells that can run, with their estimated seconds and blocks. The
/// invalid cells are left out here and listed by [`assemble`].
pub fn plan(args: &[String]) -> Result<Vec<Planned>> {
    let (sweep, sweep_args) = parsed(args)?;
    let blocks = match sweep.spec.command {
        CellCommand::Simulate => sweep.replicates.div_ceil(BLOCK),
        CellCommand::Theory => 0,
    };
    let (valid, _) = runnable(&sweep, &sweep_args)?;
    Ok(valid.into_iter().map(|(c, seconds)| Planned { cell: c.index, parameters: describe(&c), seconds, blocks }).collect())
}

/// Runs the cells `cells`, each whole: their outcomes.
pub fn run_cells(args: &[String], cells: &[u64]) -> Result<Vec<(u64, Outcome)>> {
    let (sweep, sweep_args) = parsed(args)?;
    cells
        .iter()
        .map(|&index| {
            let outcome = run_cell(&sweep, &cell(&sweep, index)?, sweep_args.threads, None);
            Ok((index, outcome.map(|table| sweep::save(&table)).map_err(|e| e.message(Spelling::Flag))))
        })
        .collect()
}

/// Runs the blocks `first..end` of cell `index`'s replicates (blocks of
/// [`BLOCK`]): the share as bytes, for [`join_parts`].
pub fn run_part(args: &[String], index: u64, first: u64, end: u64) -> Result<Vec<u8>> {
    let (sweep, sweep_args) = parsed(args)?;
    let part = sweep.produce(&cell(&sweep, index)?, sweep_args.threads, Stage::Part(first, end))?.part()?;
    Ok(part.to_bytes())
}

/// Cell `index`'s outcome from the shares of its replicates ([`run_part`]),
/// given in any order; they must cover its blocks once each.
pub fn join_parts(args: &[String], index: u64, parts: &[Vec<u8>]) -> Result<Outcome> {
    let (sweep, sweep_args) = parsed(args)?;
    let parts = parts.iter().map(|bytes| Part::from_bytes(bytes)).collect::<Result<Vec<_>>>()?;
    let produced = sweep.produce(&cell(&sweep, index)?, sweep_args.threads, Stage::Join(&parts));
    Ok(produced.and_then(|p| p.output()).map(|o| sweep::save(&o.records.table)).map_err(|e| e.message(Spelling::Flag)))
}

/// The sweep's table from the outcomes of its runnable cells (every one, by
/// index): `collapse sweep`'s reply.
pub fn assemble(args: &[String], outcomes: &BTreeMap<u64, Outcome>) -> Result<Reply> {
    let (sweep, sweep_args) = parsed(args)?;
    let (valid, invalid) = runnable(&sweep, &sweep_args)?;
    if let Some((missing, _)) = valid.iter().find(|(c, _)| !outcomes.contains_key(&c.index)) {
        let rule = format!("has no outcome for cell {} ({}); run every planned cell", missing.index, describe(missing));
        return Err(Error::invalid("outcomes", outcomes.len(), rule));
    }
    let mut tables = BTreeMap::new();
    for (index, outcome) in outcomes {
        let table = match outcome {
            Ok(text) => Ok(sweep::load(text).ok_or_else(|| {
                Error::invalid("outcomes", format!("cell {index}"), format!("is not a cell's table ({} bytes)", text.len()))
            })?),
            Err(message) => Err(message.clone()),
        };
        tables.insert(*index, table);
    }
    collect(&sweep, valid, invalid, |c| tables.remove(&c.index).unwrap_or_else(|| Err("no outcome".into())))
}
