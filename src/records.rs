//! Tidy records: what `collapse theory` and `collapse simulate` write for any
//! model, one row per metric and generation, with the setting's parameters as
//! columns, so that tables from many settings stack into one (a sweep) and
//! load into pandas with no reshaping.
//!
//! | column | theory | simulate | meaning |
//! |---|---|---|---|
//! | `model`, `family` | yes | yes | the model (`linear`, `downstream`, `gaussian`, ...) and its theorems' family |
//! | parameters | yes | yes | [`Model::parameters`], named as the flags (`dim`, `samples`, `sigma`, `regime`, ...) |
//! | `seed`, `replicates` | | yes | the Monte Carlo run |
//! | `generation` | yes | yes | `1..=n`: generation 1 is the first model, fitted on real data |
//! | `metric` | yes | yes | the quantity (`test_error`, `variance_ratio`, ...) |
//! | `theorem`, `exactness` | yes | yes | the closed form's id and `exact`, `numerical` or `asymptotic`; empty when there is none |
//! | `theory` | yes | yes | the closed form's value |
//! | `mean`, `std_error`, `ci_low`, `ci_high` | | yes | the Monte Carlo mean over replicates, its standard error and 95% interval (Student t; Wilson's for a probability, inside `[0, 1]`) |
//! | `z` | | yes | `(mean - theory) / std_error` |
//! | `median`, `median_theory` | yes (`median_theory`) | yes | the sample median over replicates, and the exact median where known |
//! | `reliable` | | yes | whether the standard error is evidence here (false: infinite variance or heavy tails) |
//! | `note` | yes | yes | why a cell of the row is empty or not evidence; several notes are separated by ` | ` |

use crate::error::{Result, Spelling};
use crate::mc::CONFIDENCE;
use crate::model::{ClosedForm, Curve, Exactness, Model, Run};
use crate::output::{Cell, Table};
use crate::stats::{Summary, median};
use serde_json::{Map, Value};

/// What separates a row's notes in its `note` column (a note may itself hold `;`).
pub const NOTE_SEPARATOR: &str = " | ";

/// A table of records and the distinct reasons its notes give, in order of
/// first appearance (JSON's `warnings`).
#[derive(Debug, Clone, PartialEq)]
pub struct Records {
    /// The rows.
    pub table: Table,
    /// Every distinct note, once.
    pub warnings: Vec<String>,
}

impl Records {
    fn new(columns: &[&'static str]) -> Self {
        Records { table: Table::new(columns), warnings: Vec::new() }
    }

    /// Adds a row with its notes (the last column), remembering new warnings.
    fn push(&mut self, mut row: Vec<Cell>, notes: Vec<String>) {
        for note in &notes {
            if !self.warnings.contains(note) {
                self.warnings.push(note.clone());
            }
        }
        row.push(if notes.is_empty() { Cell::Missing } else { notes.join(NOTE_SEPARATOR).into() });
        self.table.push(row);
    }
}

/// The column names: `model`, `family`, the parameters, then `rest`.
fn columns<M: Model>(model: &M, rest: &[&'static str]) -> Vec<&'static str> {
    let parameters = model.parameters(*model.generations().start());
    ["model", "family"].into_iter().chain(parameters.into_iter().map(|(name, _)| name)).chain(rest.iter().copied()).collect()
}

/// A row's first cells: the model, the family and the parameters at `generation`.
pub fn head<M: Model>(model: &M, generation: u64) -> Vec<Cell> {
    let parameters = model.parameters(generation).into_iter().map(|(_, value)| value);
    [model.name().into(), model.family().into()].into_iter().chain(parameters).collect()
}

/// The generation as a cell: none for a quantity of a chain run to absorption.
pub fn generation_cell<M: Model>(model: &M, generation: u64) -> Cell {
    if *model.generations().start() == 0 { Cell::Missing } else { Cell::Int(generation) }
}

/// A closed form's kind as a cell: `exact`, `numerical` or `asymptotic`.
pub fn exactness(curve: &Curve) -> Cell {
    match curve.exactness {
        Exactness::Exact => "exact",
        Exactness::Numerical => "numerical",
        Exactness::Asymptotic => "asymptotic",
    }
    .into()
}

/// A closed form's cells (theorem, exactness) and the note when it is absent or only asymptotic.
fn theory_cells(closed: &ClosedForm, spelling: Spelling) -> (Vec<Cell>, Option<String>) {
    match closed {
        ClosedForm::Known(curve) => {
            let note = curve
                .is_asymptotic()
                .then(|| format!("theory is {}'s asymptotic reference (T -> infinity), not exact at these parameters", curve.theorem));
            (vec![curve.theorem.as_str().into(), exactness(curve)], note)
        }
        ClosedForm::Absent(why) => {
            let why = why.message(spelling);
            let note = if why.starts_with("no closed form") { why } else { format!("no closed form: {why}") };
            (vec![Cell::Missing, Cell::Missing], Some(note))
        }
    }
}

/// The closed forms of every metric of `model`, generation by generation:
/// `model,family,<parameters>,generation,metric,theorem,exactness,theory,median_theory,note`.
/// When no metric has one, the first metric's reason is the error.
pub fn theory<M: Model>(model: &M, spelling: Spelling) -> Result<Records> {
    let rest = ["generation", "metric", "theorem", "exactness", "theory", "median_theory", "note"];
    let mut records = Records::new(&columns(model, &rest));
    let first = *model.generations().start();
    let closed: Vec<ClosedForm> = model.metrics().iter().map(|&m| model.closed_form(m)).collect();
    if let Some(ClosedForm::Absent(why)) = closed.iter().find(|_| closed.iter().all(|c| c.curve().is_none())) {
        return Err(why.clone());
    }
    for (&metric, closed) in model.metrics().iter().zip(&closed) {
        let (cells, note) = theory_cells(closed, spelling);
        let medians = model.median_closed_form(metric);
        for g in model.generations() {
            let i = (g - first) as usize;
            let mut row = head(model, g);
            row.extend([generation_cell(model, g), metric.to_string().into()]);
            row.extend(cells.iter().cloned());
            row.extend([closed.curve().map(|c| c.values[i]).into(), medians.as_ref().map(|m| m[i]).into()]);
            records.push(row, note.iter().cloned().collect());
        }
    }
    Ok(records)
}

/// The columns of a simulation's records after the model, its family and its parameters.
pub const SIMULATION_COLUMNS: [&str; 16] = [
    "seed",
    "replicates",
    "generation",
    "metric",
    "theorem",
    "exactness",
    "theory",
    "mean",
    "std_error",
    "ci_low",
    "ci_high",
    "z",
    "median",
    "median_theory",
    "reliable",
    "note",
];

/// The Monte Carlo summary of `metrics` of `run` beside their closed forms:
/// `model,family,<parameters>,seed,replicates,generation,metric,theorem,
/// exactness,theory,mean,std_error,ci_low,ci_high,z,median,median_theory,reliable,note`.
pub fn simulation<M: Model>(run: &Run<M>, metrics: &[M::Metric], seed: u64, spelling: Spelling) -> Records {
    let rest = SIMULATION_COLUMNS;
    let model = &run.model;
    let mut records = Records::new(&columns(model, &rest));
    let first = *model.generations().start();
    for &metric in metrics {
        let closed = run.closed_form(metric);
        let (cells, theory_note) = theory_cells(&closed, spelling);
        let medians = model.median_closed_form(metric);
        for g in model.generations() {
            let i = (g - first) as usize;
            let s = run.summary(metric, g);
            let s = if model.is_indicator(metric) { s.wilson(CONFIDENCE) } else { s };
            let theory = closed.curve().map(|c| c.values[i]);
            let unreliable = model.unreliable(metric, g);
            let mut row = head(model, g);
            row.extend([Cell::Int(seed), Cell::Int(s.replicates), generation_cell(model, g), metric.to_string().into()]);
            row.extend(cells.iter().cloned());
            row.push(theory.into());
            row.extend(spread(&s, theory));
            let sample_median = (!run.values.is_empty()).then(|| median(&mut run.observations(metric, g)));
            row.extend([sample_median.into(), medians.as_ref().map(|m| m[i]).into(), unreliable.is_none().into()]);
            let mut notes: Vec<String> = theory_note.iter().cloned().collect();
            notes.extend(spread_note(&s, theory));
            notes.extend(unreliable);
            if run.values.is_empty() {
                notes.push("median empty: too many values to keep".into());
            }
            records.push(row, notes);
        }
    }
    records
}

/// Every replicate's values of a kept run ([`Run::keeping`]), as numbers:
/// `data[(r * metrics + m) * generations + g]` is replicate `r`'s value of
/// the `m`-th metric of the model at its `g`-th generation. Replicate `r` is
/// the chain drawn from stream `r` of the seed, so one can be reproduced alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Values {
    /// The values, replicate by replicate, each metric's trajectory in order.
    pub data: Vec<f64>,
    /// The model's metrics, in the layout's order.
    pub metrics: Vec<String>,
    /// The positions in `metrics` of the metrics asked for, in the order asked.
    pub selected: Vec<usize>,
    /// The generations, in order.
    pub generations: Vec<u64>,
    /// Whether the generations are numbered (false for a quantity of a chain
    /// run to absorption: its one "generation" is the end).
    pub numbered: bool,
}

impl Values {
    /// The values of `run` (kept), with `metrics` the ones asked for.
    pub fn of<M: Model>(run: Run<M>, metrics: &[M::Metric]) -> Values {
        let model = &run.model;
        let all = model.metrics();
        let first = *model.generations().start();
        let count = model.generations().count();
        debug_assert!(
            all.iter()
                .enumerate()
                .all(|(m, &metric)| model.generations().all(|g| model.index(metric, g) == m * count + (g - first) as usize))
        );
        Values {
            metrics: all.iter().map(ToString::to_string).collect(),
            selected: metrics.iter().filter_map(|m| all.iter().position(|a| a == m)).collect(),
            generations: model.generations().collect(),
            numbered: *model.generations().start() != 0,
            data: run.values,
        }
    }

    /// The replicates kept.
    pub fn replicates(&self) -> usize {
        self.data.len() / (self.metrics.len() * self.generations.len()).max(1)
    }

    /// The values as a tidy table, `replicate,generation,metric,value`:
    /// replicate by replicate, each asked metric's trajectory in order; the
    /// generation empty when not numbered (what `--replicates-out` writes).
    pub fn table(&self) -> Table {
        let mut table = Table::new(&["replicate", "generation", "metric", "value"]);
        let width = self.metrics.len() * self.generations.len();
        for (r, row) in self.data.chunks(width.max(1)).enumerate() {
            for &m in &self.selected {
                let name = Cell::from(self.metrics[m].as_str());
                let trajectory = &row[m * self.generations.len()..(m + 1) * self.generations.len()];
                for (&g, &value) in self.generations.iter().zip(trajectory) {
                    let generation = if self.numbered { Cell::Int(g) } else { Cell::Missing };
                    table.push(vec![Cell::Int(r as u64), generation, name.clone(), value.into()]);
                }
            }
        }
        table
    }
}

/// The mean, standard error, interval and `z` of a summary: the spread empty
/// with one replicate, `z` empty without a theory or a spread.
fn spread(s: &Summary, theory: Option<f64>) -> [Cell; 5] {
    let known = |x: f64| Cell::from(s.has_spread().then_some(x));
    let z = theory.filter(|_| s.has_spread()).and_then(|t| s.z(t));
    [s.mean.into(), known(s.std_error), known(s.ci_low), known(s.ci_high), z.into()]
}

/// Why the spread or `z` of a row is empty, if it is.
fn spread_note(s: &Summary, theory: Option<f64>) -> Option<String> {
    if !s.has_spread() {
        Some("one replicate: no standard error, interval or z".into())
    } else if s.std_error == 0.0 && theory.is_some() {
        Some("every replicate gave the same value: no z".into())
    } else {
        None
    }
}

/// The run's description for a JSON document or Parquet metadata: the model,
/// the family and the parameters (a value that changes with the generation as
/// the list of its values), then `extra` (seed, replicates, ...).
pub fn metadata<M: Model>(model: &M, extra: &[(&str, Value)]) -> Map<String, Value> {
    let mut meta = Map::new();
    meta.insert("model".into(), model.name().into());
    meta.insert("family".into(), model.family().into());
    let per_generation: Vec<Vec<(&'static str, Cell)>> = model.generations().map(|g| model.parameters(g)).collect();
    for (k, (name, value)) in per_generation[0].iter().enumerate() {
        let values: Vec<Value> = per_generation.iter().map(|p| json(&p[k].1)).collect();
        let same = values.iter().all(|v| *v == values[0]);
        meta.insert(name.to_string(), if same { json(value) } else { Value::Array(values) });
    }
    meta.insert("generations".into(), model.generations().count().into());
    for (key, value) in extra {
        meta.insert(key.to_string(), value.clone());
    }
    meta
}

fn json(cell: &Cell) -> Value {
    serde_json::to_value(cell).unwrap_or(Value::Null)
}
