//! Tables that print as CSV, JSON or aligned text, and output files that are
//! never left half-written.

use crate::error::{Error, Result};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// How a command prints its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header line; numbers at full precision.
    Csv,
    /// A JSON document; numbers at full precision (they round-trip).
    Json,
    /// Aligned columns for reading, numbers to 6 significant digits.
    Table,
}

crate::named!(Format, "format", [Format::Csv => "csv", Format::Json => "json", Format::Table => "table"]);

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
    fn full(&self) -> String {
        match self {
            Cell::Int(x) => x.to_string(),
            Cell::Num(x) => x.to_string(),
            Cell::Text(s) => s.clone(),
            Cell::Missing => String::new(),
        }
    }

    fn short(&self) -> String {
        match self {
            Cell::Num(x) => format_sig(*x, 6),
            other => other.full(),
        }
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

/// Named columns and rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column names.
    pub columns: Vec<&'static str>,
    /// Rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new(columns: &[&'static str]) -> Self {
        Table { columns: columns.to_vec(), rows: Vec::new() }
    }

    /// Appends a row.
    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    /// CSV with a header line. Text cells with commas or quotes are quoted.
    pub fn to_csv(&self) -> String {
        let mut out = self.columns.join(",") + "\n";
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(|c| csv_escape(&c.full())).collect();
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

    /// The table in the given format (JSON: an array of row objects).
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Csv => self.to_csv(),
            Format::Table => self.to_text(),
            Format::Json => to_json_string(&self.to_json_rows()),
        }
    }
}

fn json_cell(c: &Cell) -> serde_json::Value {
    match c {
        Cell::Num(x) if !x.is_finite() => serde_json::Value::Null,
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

/// Writes `text` to `path` all at once: into a temporary file beside it, then
/// renamed over it, so a failure never leaves a half-written file.
pub fn write_atomically(path: &Path, text: &str) -> Result<()> {
    write_atomically_with(path, |tmp| std::fs::File::create(tmp).and_then(|mut f| f.write_all(text.as_bytes()).and_then(|_| f.sync_all())))
}

/// Lets `write` fill a temporary file beside `path`, then renames it over
/// `path`; on any failure the temporary file is removed and `path` is untouched.
pub fn write_atomically_with(path: &Path, write: impl FnOnce(&Path) -> std::io::Result<()>) -> Result<()> {
    let io = |e: std::io::Error| Error::io("write", path.display(), e);
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| Error::io("write", path.display(), "the path does not name a file"))?;
    let extension = path.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    // The temporary file keeps the extension: some writers choose the format by it.
    let tmp = dir.join(format!(".{}.tmp{}{extension}", name.to_string_lossy(), std::process::id()));
    let result = write(&tmp).and_then(|_| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
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
    fn csv_quotes_text_with_commas_and_json_uses_null() {
        let mut t = Table::new(&["a", "b"]);
        t.push(vec![Cell::Text("x,y".into()), Cell::Missing]);
        assert_eq!(t.to_csv(), "a,b\n\"x,y\",\n");
        assert_eq!(t.to_json_rows()[0]["b"], serde_json::Value::Null);
    }
}
