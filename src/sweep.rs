//! Sweeps: a grid of settings run as one tidy table.
//!
//! A [`Spec`] names a family and, per parameter, one value (held fixed) or a
//! list (an axis of the grid). Its cells are the cartesian product of the
//! axes, numbered from 1 in the order the axes are given, the last varying
//! fastest. Each cell's seed is derived from the run's seed and the cell's
//! parameters ([`cell_seed`]), so that cells are independent and a cell keeps
//! its seed when the grid grows; with common random numbers every cell uses
//! the run's seed (paired cells). A [`Shard`] `K/N` takes cells `K, K + N,
//! K + 2N, ...`; [`merge`] joins the shards' tables into the table of a single
//! run, row for row.
//!
//! Running a cell is the front end's business (the command line parses it as
//! the flags of `collapse simulate`); this module owns the grid, the seeds,
//! the shards and the tables.

use crate::error::{Error, Result};
use crate::mc::derive_seed;
use crate::output::{Cell, Table, shortest};
use crate::records::NOTE_SEPARATOR;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What a sweep runs in every cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// `collapse simulate`: Monte Carlo beside the closed forms.
    Simulate,
    /// `collapse theory`: the closed forms only.
    Theory,
}

crate::named!(Command, "command", [Command::Simulate => "simulate", Command::Theory => "theory"]);

/// Parameter names that belong to the run, not to a cell.
const RESERVED: [&str; 7] = ["replicates", "seed", "threads", "output", "format", "replicates_out", "shard"];

/// A grid of settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// What each cell runs.
    pub command: Command,
    /// The family (the subcommand of `collapse simulate`: linear, gaussian, ...).
    pub family: String,
    /// Each parameter (named as its flag, with underscores) and its values, in order.
    pub parameters: Vec<(String, Vec<String>)>,
    /// Replicates per cell, when the spec gives them.
    pub replicates: Option<u64>,
    /// The run's seed, when the spec gives it.
    pub seed: Option<u64>,
    /// Every cell uses the run's seed (paired cells) instead of its own.
    pub common_random_numbers: bool,
}

/// One cell of a grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridCell {
    /// Its number, from 1.
    pub index: u64,
    /// Its parameters and their values, in the spec's order.
    pub parameters: Vec<(String, String)>,
    /// Its seed.
    pub seed: u64,
}

impl Spec {
    /// A spec from TOML text: `family` (required), `command`, `replicates`,
    /// `seed`, `common_random_numbers`, and a `[parameters]` table whose lists
    /// are the axes. `path` names the file in errors.
    pub fn from_toml(text: &str, path: &Path) -> Result<Spec> {
        let file = path.display().to_string();
        let table: toml::Table =
            text.parse().map_err(|e: toml::de::Error| Error::invalid("spec", &file, format!("not valid TOML: {}", e.message())))?;
        let known = ["family", "command", "replicates", "seed", "common_random_numbers", "parameters"];
        if let Some(key) = table.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(Error::invalid("spec", &file, format!("unknown key `{key}`; the keys are {}", known.join(", "))));
        }
        let family = match table.get("family") {
            Some(toml::Value::String(family)) => family.clone(),
            Some(other) => return Err(Error::invalid("spec", &file, format!("`family` must be a string, not {other}"))),
            None => {
                return Err(Error::invalid(
                    "spec",
                    &file,
                    "needs `family = \"...\"` (linear, downstream, overparam, gaussian, categorical)",
                ));
            }
        };
        let command = match table.get("command") {
            Some(toml::Value::String(name)) => name.parse()?,
            Some(other) => return Err(Error::invalid("spec", &file, format!("`command` must be \"simulate\" or \"theory\", not {other}"))),
            None => Command::Simulate,
        };
        let count = |key: &str| -> Result<Option<u64>> {
            match table.get(key) {
                Some(toml::Value::Integer(n)) if *n >= 0 => Ok(Some(*n as u64)),
                Some(other) => Err(Error::invalid("spec", &file, format!("`{key}` must be a non-negative integer, not {other}"))),
                None => Ok(None),
            }
        };
        let (replicates, seed) = (count("replicates")?, count("seed")?);
        let common_random_numbers = match table.get("common_random_numbers") {
            Some(toml::Value::Boolean(b)) => *b,
            Some(other) => {
                return Err(Error::invalid("spec", &file, format!("`common_random_numbers` must be true or false, not {other}")));
            }
            None => false,
        };
        let mut parameters = Vec::new();
        match table.get("parameters") {
            Some(toml::Value::Table(entries)) => {
                for (name, value) in entries {
                    let values = match value {
                        toml::Value::Array(items) => items.iter().map(|v| scalar(name, v, &file)).collect::<Result<Vec<_>>>()?,
                        other => vec![scalar(name, other, &file)?],
                    };
                    parameters.push((name.clone(), values));
                }
            }
            Some(other) => return Err(Error::invalid("spec", &file, format!("`parameters` must be a table ([parameters]), not {other}"))),
            None => {}
        }
        Spec { command, family, parameters, replicates, seed, common_random_numbers }.validated("spec", &file)
    }

    /// A spec from flags: `vary` as `NAME=V1,V2,...` (an axis), `set` as
    /// `NAME=VALUE` (held fixed, commas and all).
    pub fn from_flags(command: Command, family: &str, vary: &[String], set: &[String]) -> Result<Spec> {
        let mut parameters = Vec::new();
        for (flag, entries, split) in [("vary", vary, true), ("set", set, false)] {
            for entry in entries {
                let Some((name, values)) = entry.split_once('=') else {
                    return Err(Error::invalid(flag, entry, "must be NAME=VALUE (NAME=V1,V2,... for --vary)"));
                };
                let values: Vec<String> =
                    if split { values.split(',').map(|v| v.trim().to_string()).collect() } else { vec![values.to_string()] };
                parameters.push((name.trim().to_string(), values));
            }
        }
        let spec = Spec { command, family: family.to_string(), parameters, replicates: None, seed: None, common_random_numbers: false };
        spec.validated("vary", &vary.join(" "))
    }

    /// The spec with its names normalised (`fixed-design` is `fixed_design`),
    /// or the first broken rule: an empty list or value, a name given twice, a
    /// name that belongs to the run.
    fn validated(mut self, parameter: &'static str, value: &str) -> Result<Spec> {
        if self.family.is_empty() {
            return Err(Error::invalid("family", "", "must name a family: linear, downstream, overparam, gaussian, categorical"));
        }
        for (name, values) in &mut self.parameters {
            *name = name.trim_start_matches("--").replace('-', "_");
            if RESERVED.contains(&name.as_str()) {
                let rule = format!("`{name}` belongs to the whole run, not to a cell: give it at the top of the spec or as a flag");
                return Err(Error::invalid(parameter, value, rule));
            }
            if values.is_empty() || values.iter().any(String::is_empty) {
                return Err(Error::invalid(parameter, value, format!("`{name}` has an empty list or value")));
            }
        }
        for (k, (name, _)) in self.parameters.iter().enumerate() {
            if self.parameters[..k].iter().any(|(other, _)| other == name) {
                return Err(Error::invalid(parameter, value, format!("`{name}` is given twice")));
            }
        }
        Ok(self)
    }

    /// The number of cells: the product of the axes' lengths.
    pub fn cell_count(&self) -> u64 {
        self.parameters.iter().map(|(_, values)| values.len() as u64).product()
    }

    /// Every cell, numbered from 1, the last axis varying fastest, each
    /// with its seed ([`cell_seed`]; `seed` itself with common random numbers).
    pub fn cells(&self, seed: u64) -> Vec<GridCell> {
        let count = self.cell_count();
        (0..count)
            .map(|i| {
                let mut rest = i;
                let mut parameters = vec![(String::new(), String::new()); self.parameters.len()];
                for (k, (name, values)) in self.parameters.iter().enumerate().rev() {
                    let n = values.len() as u64;
                    parameters[k] = (name.clone(), values[(rest % n) as usize].clone());
                    rest /= n;
                }
                let seed = if self.common_random_numbers { seed } else { cell_seed(seed, &self.family, &parameters) };
                GridCell { index: i + 1, parameters, seed }
            })
            .collect()
    }

    /// The parameters as a JSON object of lists, for the output's metadata.
    pub fn axes(&self) -> serde_json::Map<String, serde_json::Value> {
        self.parameters
            .iter()
            .map(|(name, values)| (name.clone(), values.iter().map(|v| serde_json::Value::from(v.as_str())).collect()))
            .collect()
    }
}

/// A TOML value as a parameter's text.
fn scalar(name: &str, value: &toml::Value, file: &str) -> Result<String> {
    match value {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Integer(n) => Ok(n.to_string()),
        toml::Value::Float(x) => Ok(shortest(*x)),
        toml::Value::Boolean(b) => Ok(b.to_string()),
        other => Err(Error::invalid("spec", file, format!("`{name}` must be a string, a number or a list of them, not {other}"))),
    }
}

/// A value's canonical text for the seed: a number as its shortest
/// round-trip form (`1`, `1.0` and `1e0` are one value), anything else as written.
fn canonical(value: &str) -> String {
    match value.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => shortest(x),
        _ => value.trim().to_string(),
    }
}

/// A cell's seed: [`derive_seed`] from the run's seed and the family and the
/// cell's parameters (`name=value` lines sorted by name, values in canonical
/// form). It depends on the values, not on the
/// cell's position, so a cell keeps its seed when the grid grows or is
/// sharded.
pub fn cell_seed(seed: u64, family: &str, parameters: &[(String, String)]) -> u64 {
    let mut pairs: Vec<(String, String)> = parameters.iter().map(|(n, v)| (n.replace('-', "_"), canonical(v))).collect();
    pairs.sort();
    let mut key = format!("family={family}\n");
    for (name, value) in pairs {
        key += &format!("{name}={value}\n");
    }
    derive_seed(seed, &key)
}

/// One share of a grid's cells: `K/N` takes cells `K, K + N, K + 2N, ...`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This share, from 1.
    pub k: u64,
    /// The number of shares.
    pub n: u64,
}

impl std::str::FromStr for Shard {
    type Err = Error;

    fn from_str(text: &str) -> Result<Shard> {
        let rule = "must be K/N with 1 <= K <= N (share K of N; for array jobs numbered from 1)";
        let (k, n) = text.split_once('/').ok_or_else(|| Error::invalid("shard", text, rule))?;
        match (k.trim().parse::<u64>(), n.trim().parse::<u64>()) {
            (Ok(k), Ok(n)) if 1 <= k && k <= n => Ok(Shard { k, n }),
            _ => Err(Error::invalid("shard", text, rule)),
        }
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl Shard {
    /// Whether cell `index` (from 1) is in this share.
    pub fn contains(&self, index: u64) -> bool {
        (index - 1) % self.n == self.k - 1
    }
}

/// The sweep's table: a `cell` column, then each cell's records, cells in
/// order. Every cell's table must have the same columns.
pub fn assemble(cells: &[(u64, Table)]) -> Result<Table> {
    let Some((_, first)) = cells.first() else { return Ok(Table::new(&["cell"])) };
    let columns: Vec<&str> = std::iter::once("cell").chain(first.columns.iter().map(String::as_str)).collect();
    let mut table = Table::new(&columns);
    for (index, cell) in cells {
        if cell.columns != first.columns {
            return Err(Error::Numerical(format!("cell {index} has other columns than cell {}", cells[0].0)));
        }
        for row in &cell.rows {
            table.push(std::iter::once(Cell::Int(*index)).chain(row.iter().cloned()).collect());
        }
    }
    Ok(table)
}

/// Joins shards' tables (each named for errors) into one, rows ordered by
/// `cell` (a stable sort: each cell's rows keep their order): the table of a
/// single run. The shards must have the same columns, a `cell` column first
/// (a shard without rows may have it alone), and no cell in two of them.
pub fn merge(shards: &[(String, Table)]) -> Result<Table> {
    // A shard without rows (no runnable cell in its share) has only the `cell` column.
    let Some((first_name, first)) = shards.iter().find(|(_, t)| !t.rows.is_empty()).or(shards.first()) else {
        return Err(Error::invalid("shards", "", "give at least one shard"));
    };
    if first.columns.first().map(String::as_str) != Some("cell") {
        return Err(Error::invalid("shards", first_name, "has no `cell` column first: not the output of `collapse sweep`"));
    }
    let mut rows: Vec<(u64, usize, Vec<Cell>)> = Vec::new();
    let mut owner: std::collections::BTreeMap<u64, usize> = std::collections::BTreeMap::new();
    for (s, (name, table)) in shards.iter().enumerate() {
        if table.columns != first.columns && !(table.rows.is_empty() && table.columns.first().map(String::as_str) == Some("cell")) {
            let rule = format!("has other columns than {first_name}: {} against {}", table.columns.join(","), first.columns.join(","));
            return Err(Error::invalid("shards", name, rule));
        }
        for row in &table.rows {
            let Cell::Int(index) = row[0] else {
                return Err(Error::invalid("shards", name, format!("has a `cell` that is not a whole number: {:?}", row[0])));
            };
            match owner.get(&index) {
                Some(&other) if other != s => {
                    return Err(Error::invalid(
                        "shards",
                        name,
                        format!("cell {index} is also in {}: shards must not overlap", shards[other].0),
                    ));
                }
                _ => {
                    owner.insert(index, s);
                }
            }
            rows.push((index, rows.len(), row.clone()));
        }
    }
    rows.sort_by_key(|(index, position, _)| (*index, *position));
    let mut table = Table::new(&first.columns);
    table.rows = rows.into_iter().map(|(_, _, row)| row).collect();
    Ok(table)
}

/// The distinct notes of a table's `note` column ([`NOTE_SEPARATOR`]), in order of
/// first appearance: the warnings of a sweep (the same for a single run and a
/// merge of its shards).
pub fn warnings(table: &Table) -> Vec<String> {
    let mut warnings: Vec<String> = Vec::new();
    let Some(k) = table.columns.iter().position(|c| c == "note") else { return warnings };
    for row in &table.rows {
        if let Cell::Text(notes) = &row[k] {
            for note in notes.split(NOTE_SEPARATOR) {
                if !warnings.iter().any(|w| w == note) {
                    warnings.push(note.to_string());
                }
            }
        }
    }
    warnings
}

/// A cell of a saved table, with its type and exact bits (a float as its
/// IEEE-754 bits), so a table read back is the table written.
#[derive(Serialize, Deserialize)]
enum Saved {
    I(u64),
    F(u64),
    S(String),
    B(bool),
    M,
}

/// A table as exact JSON: columns, then rows of typed cells (a finished
/// cell of a resumable sweep).
pub fn save(table: &Table) -> String {
    let rows: Vec<Vec<Saved>> = table
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Cell::Int(x) => Saved::I(*x),
                    Cell::Num(x) => Saved::F(x.to_bits()),
                    Cell::Text(s) => Saved::S(s.clone()),
                    Cell::Bool(b) => Saved::B(*b),
                    Cell::Missing => Saved::M,
                })
                .collect()
        })
        .collect();
    serde_json::json!({"columns": table.columns, "rows": rows}).to_string()
}

/// A table saved by [`save`], or `None` when the text is not one (a file
/// cut short: the cell runs again).
pub fn load(text: &str) -> Option<Table> {
    #[derive(Deserialize)]
    struct File {
        columns: Vec<String>,
        rows: Vec<Vec<Saved>>,
    }
    let file: File = serde_json::from_str(text).ok()?;
    let mut table = Table::new(&file.columns);
    for row in file.rows {
        if row.len() != file.columns.len() {
            return None;
        }
        table.rows.push(
            row.into_iter()
                .map(|c| match c {
                    Saved::I(x) => Cell::Int(x),
                    Saved::F(bits) => Cell::Num(f64::from_bits(bits)),
                    Saved::S(s) => Cell::Text(s),
                    Saved::B(b) => Cell::Bool(b),
                    Saved::M => Cell::Missing,
                })
                .collect(),
        );
    }
    Some(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> Result<Spec> {
        Spec::from_toml(text, Path::new("grid.toml"))
    }

    #[test]
    fn cells_are_the_product_of_the_axes_in_order_the_last_fastest() {
        let s =
            spec("family = \"linear\"\n[parameters]\ndim = [1, 10]\nregime = [\"replace\", \"accumulate\"]\ngenerations = 5\n").unwrap();
        let cells = s.cells(7);
        assert_eq!(cells.len(), 4);
        let values: Vec<Vec<&str>> = cells.iter().map(|c| c.parameters.iter().map(|(_, v)| v.as_str()).collect()).collect();
        assert_eq!(values, [["1", "replace", "5"], ["1", "accumulate", "5"], ["10", "replace", "5"], ["10", "accumulate", "5"]]);
        assert_eq!(cells.iter().map(|c| c.index).collect::<Vec<_>>(), [1, 2, 3, 4]);
    }

    #[test]
    fn a_cell_seed_depends_on_its_values_not_their_spelling_or_position() {
        let p = |pairs: &[(&str, &str)]| pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect::<Vec<_>>();
        let a = cell_seed(1, "linear", &p(&[("sigma", "1"), ("dim", "10")]));
        assert_eq!(a, cell_seed(1, "linear", &p(&[("dim", "10.0"), ("sigma", "1e0")])));
        assert_ne!(a, cell_seed(2, "linear", &p(&[("sigma", "1"), ("dim", "10")])));
        assert_ne!(a, cell_seed(1, "linear", &p(&[("sigma", "2"), ("dim", "10")])));
        assert_ne!(a, cell_seed(1, "gaussian", &p(&[("sigma", "1"), ("dim", "10")])));
        let grid = spec("family = \"linear\"\n[parameters]\ndim = [1, 10]\n").unwrap().cells(1);
        let grown = spec("family = \"linear\"\n[parameters]\ndim = [5, 1, 10]\n").unwrap().cells(1);
        assert_eq!(grid[0].seed, grown[1].seed);
        assert_ne!(grid[0].seed, grid[1].seed);
        let paired = spec("family = \"linear\"\ncommon_random_numbers = true\n[parameters]\ndim = [1, 10]\n").unwrap().cells(9);
        assert!(paired.iter().all(|c| c.seed == 9));
    }

    #[test]
    fn shards_partition_the_cells_and_merge_restores_the_order() {
        let shards: Vec<Shard> = (1..=3).map(|k| format!("{k}/3").parse().unwrap()).collect();
        for index in 1..=10 {
            assert_eq!(shards.iter().filter(|s| s.contains(index)).count(), 1);
        }
        for bad in ["0/3", "4/3", "1", "a/b", "1/0"] {
            assert!(bad.parse::<Shard>().unwrap_err().to_string().contains("K/N"), "{bad}");
        }
        let cell = |v: f64| {
            let mut t = Table::new(&["x"]);
            t.push(vec![Cell::Num(v)]);
            t.push(vec![Cell::Num(-v)]);
            t
        };
        let all: Vec<(u64, Table)> = (1..=5).map(|i| (i, cell(i as f64))).collect();
        let whole = assemble(&all).unwrap();
        let part = |k: u64| {
            let cells: Vec<(u64, Table)> = all.iter().filter(|(i, _)| (i - 1) % 2 == k - 1).cloned().collect();
            (format!("shard {k}"), assemble(&cells).unwrap())
        };
        assert_eq!(merge(&[part(2), part(1)]).unwrap(), whole);
        let empty = ("shard 3".to_string(), assemble(&[]).unwrap());
        assert_eq!(merge(&[empty.clone(), part(2), part(1)]).unwrap(), whole);
        assert!(merge(&[part(1), part(1)]).unwrap_err().to_string().contains("overlap"));
    }

    #[test]
    fn bad_specs_name_the_rule() {
        for (text, words) in [
            ("[parameters]\ndim = 1\n", "needs `family"),
            ("family = \"linear\"\nfamly = 1\n", "unknown key `famly`"),
            ("family = \"linear\"\n[parameters]\nseed = [1, 2]\n", "belongs to the whole run"),
            ("family = \"linear\"\n[parameters]\ndim = []\n", "empty list"),
            ("family = \"linear\"\n[parameters]\ndim = [[1]]\n", "must be a string, a number"),
            ("family = \"linear\"\nreplicates = -3\n", "non-negative integer"),
            ("family = \"linear\"\n[parameters\n", "not valid TOML"),
        ] {
            let message = spec(text).unwrap_err().to_string();
            assert!(message.contains(words), "{text}: {message}");
        }
        let message = Spec::from_flags(Command::Simulate, "linear", &["dim".into()], &[]).unwrap_err().to_string();
        assert!(message.contains("NAME=VALUE"), "{message}");
        let message = Spec::from_flags(Command::Simulate, "linear", &["dim=1,2".into()], &["dim=3".into()]).unwrap_err().to_string();
        assert!(message.contains("given twice"), "{message}");
    }

    #[test]
    fn a_saved_table_loads_bit_for_bit() {
        let mut t = Table::new(&["a", "b", "c", "d", "e"]);
        t.push(vec![Cell::Int(3), Cell::Num(0.1 + 0.2), Cell::Text("7".into()), Cell::Bool(true), Cell::Missing]);
        t.push(vec![Cell::Int(0), Cell::Num(f64::NEG_INFINITY), Cell::Text("a, \"b\"".into()), Cell::Bool(false), Cell::Num(-0.0)]);
        let back = load(&save(&t)).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.rows[1][4], Cell::Num(-0.0));
        assert!(load("{\"columns\": [\"a\"], \"rows\": [[").is_none());
        let mut nan = Table::new(&["x"]);
        nan.push(vec![Cell::Num(f64::NAN)]);
        assert!(matches!(load(&save(&nan)).unwrap().rows[0][0], Cell::Num(x) if x.is_nan()));
    }
}
