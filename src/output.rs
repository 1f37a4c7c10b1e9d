//! Tables that print as CSV, JSON or aligned text, and output files that are
//! never left half-written.

use crate::error::{Error, Result};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How a command prints its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header line; numbers at full precision.
    Csv,
    /// A JSON document; numbers at full precision (they round-trip).
    Json,
    /// Aligned columns for reading, numbers to 6 significant digits.
    Table,
    /// Apache Parquet, typed columns ([`crate::frame::to_parquet`]).
    Parquet,
}

crate::named!(Format, "format", [Format::Csv => "csv", Format::Json => "json", Format::Table => "table", Format::Parquet => "parquet"]);

/// One cell of a table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// A count.
    Int(u64),
    /// A real number.
    Num(f64),
    /// Text.
    Text(String),
    /// A yes or no (`true`, `false`).
    Bool(bool),
    /// No value (printed empty, `null` in JSON).
    Missing,
}

impl From<u64> for Cell {
    fn from(x: u64) -> Self {
        Cell::Int(x)
    }
}

impl From<f64> for Cell {
    fn from(x: f64) -> Self {
        Cell::Num(x)
    }
}

impl From<Option<f64>> for Cell {
    fn from(x: Option<f64>) -> Self {
        x.map_or(Cell::Missing, Cell::Num)
    }
}

impl From<bool> for Cell {
    fn from(x: bool) -> Self {
        Cell::Bool(x)
    }
}

impl From<Option<String>> for Cell {
    fn from(x: Option<String>) -> Self {
        x.map_or(Cell::Missing, Cell::Text)
    }
}

impl From<&str> for Cell {
    fn from(x: &str) -> Self {
        Cell::Text(x.to_string())
    }
}

impl From<String> for Cell {
    fn from(x: String) -> Self {
        Cell::Text(x)
    }
}

impl Cell {
    /// The cell as CSV writes it (unquoted): numbers at full precision.
    pub fn csv_text(&self) -> String {
        match self {
            Cell::Int(x) => x.to_string(),
            Cell::Bool(x) => x.to_string(),
            Cell::Num(x) => shortest(*x),
            Cell::Text(s) => s.clone(),
            Cell::Missing => String::new(),
        }
    }

    fn short(&self) -> String {
        match self {
            Cell::Num(x) => format_sig(*x, 6),
            other => other.csv_text(),
        }
    }
}

/// `x` in the fewest digits that read back to the same number: plain, or in
/// scientific notation below `1e-6` and from `1e21` in magnitude (where plain
/// would spell up to 300 zeros), as JavaScript and pandas print numbers. A
/// whole number keeps its `.0` (as Python prints it), so that a real number
/// reads back as one: a column of them stays a float column in pandas, and a
/// table read back ([`crate::frame`]) has the cell types it was written with.
pub fn shortest(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-6..1e21).contains(&x.abs()) {
        format!("{x:e}")
    } else if x.is_finite() && x.fract() == 0.0 {
        format!("{x}.0")
    } else {
        x.to_string()
    }
}

/// `x` with `digits` significant digits, in plain or scientific notation.
pub fn format_sig(x: f64, digits: usize) -> String {
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    let exponent = x.abs().log10().floor() as i32;
    if (-4..6).contains(&exponent) {
        let decimals = (digits as i32 - 1 - exponent).max(0) as usize;
        format!("{x:.decimals$}")
    } else {
        format!("{x:.prec$e}", prec = digits - 1)
    }
}

/// What a column holds, read from its cells: the type a typed format
/// (Parquet, a JSON table schema) gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Counts only (`Int`), and whether some cell is missing.
    Int {
        /// Some cell is [`Cell::Missing`].
        nullable: bool,
    },
    /// Real numbers (`Num`, possibly with `Int` and missing cells).
    Float,
    /// Text (possibly with missing cells).
    Text,
    /// Yes or no (possibly with missing cells).
    Bool {
        /// Some cell is [`Cell::Missing`].
        nullable: bool,
    },
    /// Nothing but missing cells.
    Empty,
    /// Text mixed with numbers or booleans: a table builder's error.
    Mixed,
}

/// Named columns and rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new<S: AsRef<str>>(columns: &[S]) -> Self {
        Table { columns: columns.iter().map(|c| c.as_ref().to_string()).collect(), rows: Vec::new() }
    }

    /// Appends a row.
    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    /// What column `k` holds.
    pub fn kind(&self, k: usize) -> ColumnKind {
        let (mut int, mut num, mut text, mut boolean, mut missing) = (false, false, false, false, false);
        for row in &self.rows {
            match row[k] {
                Cell::Int(_) => int = true,
                Cell::Num(_) => num = true,
                Cell::Text(_) => text = true,
                Cell::Bool(_) => boolean = true,
                Cell::Missing => missing = true,
            }
        }
        match (int || num, text, boolean) {
            (false, false, false) => ColumnKind::Empty,
            (true, false, false) if !num => ColumnKind::Int { nullable: missing },
            (true, false, false) => ColumnKind::Float,
            (false, true, false) => ColumnKind::Text,
            (false, false, true) => ColumnKind::Bool { nullable: missing },
            _ => ColumnKind::Mixed,
        }
    }

    /// The table as a JSON document in the Table Schema layout that pandas
    /// reads with `pd.read_json(path, orient="table")`: `schema` (each column's
    /// name and type: integer, number, string, boolean, or any where missing
    /// cells or mixed cells rule out a stricter type), then `extra`'s members
    /// (a run's metadata, its warnings), then `data`, the rows.
    pub fn to_json_document(&self, extra: serde_json::Map<String, serde_json::Value>) -> serde_json::Value {
        let fields: Vec<serde_json::Value> = (0..self.columns.len())
            .map(|k| {
                let kind = match self.kind(k) {
                    ColumnKind::Int { nullable: false } => "integer",
                    ColumnKind::Int { nullable: true } | ColumnKind::Float | ColumnKind::Empty => "number",
                    ColumnKind::Text => "string",
                    ColumnKind::Bool { nullable: false } => "boolean",
                    ColumnKind::Bool { nullable: true } | ColumnKind::Mixed => "any",
                };
                serde_json::json!({"name": self.columns[k], "type": kind})
            })
            .collect();
        let mut doc = serde_json::Map::new();
        doc.insert("schema".into(), serde_json::json!({"fields": fields, "pandas_version": "1.4.0"}));
        doc.extend(extra);
        doc.insert("data".into(), self.to_json_rows());
        serde_json::Value::Object(doc)
    }

    /// CSV with a header line. Text cells with commas or quotes are quoted.
    pub fn to_csv(&self) -> String {
        let mut out = self.columns.join(",") + "\n";
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(|c| csv_escape(&c.csv_text())).collect();
            out += &(cells.join(",") + "\n");
        }
        out
    }

    /// The rows as JSON objects keyed by column name.
    pub fn to_json_rows(&self) -> serde_json::Value {
        let rows = self
            .rows
            .iter()
            .map(|row| {
                let object = self.columns.iter().zip(row).map(|(k, c)| (k.to_string(), json_cell(c))).collect();
                serde_json::Value::Object(object)
            })
            .collect();
        serde_json::Value::Array(rows)
    }

    /// Aligned text columns: numbers right-aligned, text left-aligned.
    pub fn to_text(&self) -> String {
        let cells: Vec<Vec<String>> = self.rows.iter().map(|r| r.iter().map(Cell::short).collect()).collect();
        let widths: Vec<usize> =
            (0..self.columns.len()).map(|j| cells.iter().map(|r| r[j].len()).chain([self.columns[j].len()]).max().unwrap_or(0)).collect();
        let numeric: Vec<bool> = (0..self.columns.len()).map(|j| self.rows.iter().all(|r| !matches!(r[j], Cell::Text(_)))).collect();
        let line = |items: Vec<String>| {
            let padded: Vec<String> = items
                .iter()
                .enumerate()
                .map(|(j, s)| if numeric[j] { format!("{s:>w$}", w = widths[j]) } else { format!("{s:<w$}", w = widths[j]) })
                .collect();
            padded.join("  ").trim_end().to_string() + "\n"
        };
        let mut out = line(self.columns.iter().map(|c| c.to_string()).collect());
        for row in cells {
            out += &line(row);
        }
        out
    }

    /// The table in the given text format (JSON: an array of row objects;
    /// Parquet, which is binary, is [`crate::frame::to_parquet`]'s: CSV here).
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Csv | Format::Parquet => self.to_csv(),
            Format::Table => self.to_text(),
            Format::Json => to_json_string(&self.to_json_rows()),
        }
    }
}

/// A cell in JSON: `null` for no value; a number that JSON cannot write
/// (`NaN`, `inf`, `-inf`) as that text, so that it is never mistaken for an
/// absent value.
fn json_cell(c: &Cell) -> serde_json::Value {
    match c {
        Cell::Num(x) if !x.is_finite() => serde_json::Value::String(x.to_string()),
        Cell::Missing => serde_json::Value::Null,
        other => serde_json::to_value(other).unwrap_or(serde_json::Value::Null),
    }
}

fn csv_escape(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// Pretty JSON with a final newline.
pub fn to_json_string<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).map(|s| s + "\n").unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"))
}

/// Writes `text` to `path` all at once ([`write_together`]).
pub fn write_atomically(path: &Path, text: &str) -> Result<()> {
    write_atomically_with(path, |tmp| std::fs::File::create(tmp).and_then(|mut f| f.write_all(text.as_bytes())))
}

/// Lets `write` fill `path` all at once ([`write_together`] with one file).
pub fn write_atomically_with(path: &Path, write: impl FnOnce(&Path) -> std::io::Result<()>) -> Result<()> {
    write_together(vec![(path, Box::new(write))])
}

/// A function that writes a file's contents to the path it is given.
pub type Writer<'a> = Box<dyn FnOnce(&Path) -> std::io::Result<()> + 'a>;

/// Writes a group of files so that they appear together or not at all.
///
/// Each regular file (or new path) is written into a temporary file beside it;
/// once every temporary file is written they are renamed over their targets.
/// On any failure before the renames every temporary file is removed and every
/// target is untouched; the temporary files are also removed when the program
/// is interrupted ([`remove_temporary_files`]). A symbolic link is written
/// through (the file it points to is replaced, the link stays). A target that
/// is not a regular file (a device such as `/dev/null`, a FIFO, a process
/// substitution) is written directly, never replaced.
pub fn write_together(files: Vec<(&Path, Writer<'_>)>) -> Result<()> {
    let mut pending: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut outcome = Ok(());
    for (path, write) in files {
        let result = match resolve(path) {
            Ok(Target::Direct(device)) => write(&device).map_err(|e| Error::io("write", path.display(), e)),
            Ok(Target::Replace(file)) => {
                let tmp = temporary(&file);
                register(&tmp);
                pending.push((tmp.clone(), file));
                // On disk before it replaces the target.
                write(&tmp).and_then(|_| std::fs::File::open(&tmp)?.sync_all()).map_err(|e| Error::io("write", path.display(), e))
            }
            Err(e) => Err(Error::io("write", path.display(), e)),
        };
        if let Err(e) = result {
            outcome = Err(e);
            break;
        }
    }
    if outcome.is_ok() {
        for (tmp, file) in &pending {
            if let Err(e) = std::fs::rename(tmp, file) {
                outcome = Err(Error::io("write", file.display(), e));
                break;
            }
        }
    }
    for (tmp, _) in &pending {
        if outcome.is_err() {
            let _ = std::fs::remove_file(tmp);
        }
        unregister(tmp);
    }
    outcome
}

/// Where a write goes.
enum Target {
    /// A regular file, or a new one: replaced atomically.
    Replace(PathBuf),
    /// Anything else that can be written (a device, a FIFO, a pipe): written directly.
    Direct(PathBuf),
}

/// Follows symbolic links and tells a regular file from a device.
fn resolve(path: &Path) -> std::io::Result<Target> {
    if path.file_name().is_none() {
        return Err(std::io::Error::other("the path does not name a file"));
    }
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(std::io::Error::other("it is a directory")),
        // A device, a FIFO, a pipe (`/dev/fd/63`): through the path as given.
        Ok(m) if !m.is_file() => Ok(Target::Direct(path.to_path_buf())),
        // A regular file, perhaps behind links: the file itself is replaced.
        Ok(_) => Ok(Target::Replace(std::fs::canonicalize(path)?)),
        Err(_) if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) => {
            // A dangling link: the file it names is created, relative to the link's folder.
            let link = std::fs::read_link(path)?;
            Ok(Target::Replace(if link.is_absolute() { link } else { folder(path).join(link) }))
        }
        Err(_) => Ok(Target::Replace(path.to_path_buf())),
    }
}

fn folder(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// A temporary name beside `file`, keeping its extension (some writers choose
/// the format by it).
fn temporary(file: &Path) -> PathBuf {
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let extension = file.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    folder(file).join(format!(".{name}.tmp{}{extension}", std::process::id()))
}

/// The temporary files being written now.
static TEMPORARY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn temporaries() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    TEMPORARY.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn register(tmp: &Path) {
    temporaries().push(tmp.to_path_buf());
}

fn unregister(tmp: &Path) {
    temporaries().retain(|p| p != tmp);
}

/// Removes every temporary file being written (for an interrupt handler:
/// a killed run leaves no partial file behind).
pub fn remove_temporary_files() {
    for tmp in temporaries().drain(..) {
        let _ = std::fs::remove_file(tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_digits() {
        assert_eq!(format_sig(0.1123595505617978, 6), "0.112360");
        assert_eq!(format_sig(1234.5678, 6), "1234.57");
        assert_eq!(format_sig(1.5e-7, 3), "1.50e-7");
        assert_eq!(format_sig(0.0, 6), "0");
    }

    #[test]
    fn shortest_is_plain_in_the_middle_scientific_at_the_extremes_and_reads_back() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (123.0, "123.0"),
            (0.5, "0.5"),
            (1e-6, "0.000001"),
            (-2e-300, "-2e-300"),
            (1e21, "1e21"),
            (9.5e20, "950000000000000000000.0"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-inf"),
        ];
        for (x, text) in cases {
            assert_eq!(shortest(x), text);
        }
        for x in [0.1123595505617978, 1.8e-300, 5e-324, f64::MAX, 7.766991760860265e-8, 1.0 / 3.0] {
            assert_eq!(shortest(x).parse::<f64>().unwrap().to_bits(), x.to_bits(), "{x}");
        }
    }

    #[test]
    fn csv_quotes_text_with_commas_and_json_uses_null() {
        let mut t = Table::new(&["a", "b"]);
        t.push(vec![Cell::Text("x,y".into()), Cell::Missing]);
        assert_eq!(t.to_csv(), "a,b\n\"x,y\",\n");
        assert_eq!(t.to_json_rows()[0]["b"], serde_json::Value::Null);
        let mut t = Table::new(&["x"]);
        t.push(vec![Cell::Num(f64::INFINITY)]);
        assert_eq!(t.to_json_rows()[0]["x"], serde_json::Value::String("inf".into()));
    }
}
