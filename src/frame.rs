//! Tables read and written as files: CSV (with the cell types read back from
//! the text) and Parquet (typed columns, Snappy compression, key-value
//! metadata), so that a [`Table`] written by the crate reads back as it was.

use crate::error::{Error, Result};
use crate::output::{Cell, ColumnKind, Table};
use arrow_array::{Array, ArrayRef, BooleanArray, Float64Array, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

/// The key under which the Parquet writer stores the Arrow schema; it is not
/// part of the metadata a caller gives or gets back.
const ARROW_SCHEMA_KEY: &str = "ARROW:schema";

/// A file's format by its extension: `.parquet`/`.pq` Parquet, `.json` JSON, anything else CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Comma-separated values with a header line.
    Csv,
    /// A JSON document.
    Json,
    /// Apache Parquet.
    Parquet,
}

/// A file's format by its extension (case-insensitive): `.parquet`/`.pq`
/// Parquet, `.json` JSON, anything else CSV.
pub fn format_of(path: &Path) -> FileFormat {
    match path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).as_deref() {
        Some("parquet" | "pq") => FileFormat::Parquet,
        Some("json") => FileFormat::Json,
        _ => FileFormat::Csv,
    }
}

/// The table as Parquet bytes: deterministic (same table and metadata, same
/// bytes), one column per table column typed by [`Table::kind`]: `Int` as
/// UInt64, `Float` as Float64 (`Int` cells cast), `Text` as Utf8, `Bool` as
/// Boolean, `Empty` as Float64 all null, `Mixed` as Utf8 of each cell's CSV
/// text; a missing cell is null. `metadata` goes into the file's key-value
/// metadata and into the Arrow schema's metadata (pyarrow's
/// `schema.metadata`). Snappy compression.
///
/// Errors (for the parameter `table` or `metadata`): a row whose length is not
/// the number of columns, a table without columns, a metadata key given twice
/// or the reserved key `ARROW:schema`.
pub fn to_parquet(table: &Table, metadata: &[(String, String)]) -> Result<Vec<u8>> {
    let shape = || format!("{} columns x {} rows", table.columns.len(), table.rows.len());
    if table.columns.is_empty() {
        return Err(Error::invalid("table", shape(), "has no columns: Parquet needs at least one"));
    }
    if let Some((i, row)) = table.rows.iter().enumerate().find(|(_, row)| row.len() != table.columns.len()) {
        return Err(Error::invalid("table", shape(), format!("row {} has {} cells for {} columns", i + 1, row.len(), table.columns.len())));
    }
    let mut keys = HashSet::new();
    for (key, _) in metadata {
        if key == ARROW_SCHEMA_KEY {
            return Err(Error::invalid("metadata", key, "is reserved for the Arrow schema"));
        }
        if !keys.insert(key.as_str()) {
            return Err(Error::invalid("metadata", key, "is given twice: keys must be distinct"));
        }
    }
    let mut fields = Vec::with_capacity(table.columns.len());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(table.columns.len());
    for (k, name) in table.columns.iter().enumerate() {
        let cells = || table.rows.iter().map(move |row| &row[k]);
        let nullable = cells().any(|c| matches!(c, Cell::Missing));
        let array: ArrayRef = match table.kind(k) {
            ColumnKind::Int { .. } => {
                Arc::new(cells().map(|c| if let Cell::Int(x) = c { Some(*x) } else { None }).collect::<UInt64Array>())
            }
            ColumnKind::Float | ColumnKind::Empty => Arc::new(
                cells()
                    .map(|c| match c {
                        Cell::Num(x) => Some(*x),
                        Cell::Int(x) => Some(*x as f64),
                        _ => None,
                    })
                    .collect::<Float64Array>(),
            ),
            ColumnKind::Text | ColumnKind::Mixed => {
                Arc::new(cells().map(|c| (*c != Cell::Missing).then(|| c.csv_text())).collect::<StringArray>())
            }
            ColumnKind::Bool { .. } => {
                Arc::new(cells().map(|c| if let Cell::Bool(b) = c { Some(*b) } else { None }).collect::<BooleanArray>())
            }
        };
        fields.push(Field::new(name, array.data_type().clone(), nullable));
        arrays.push(array);
    }
    let schema = Arc::new(Schema::new_with_metadata(fields, metadata.iter().cloned().collect::<std::collections::BTreeMap<_, _>>()));
    let failed = |e: &dyn std::fmt::Display| Error::invalid("table", shape(), format!("cannot be written as Parquet: {e}"));
    let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| failed(&e))?;
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_key_value_metadata(Some(metadata.iter().map(|(k, v)| KeyValue::new(k.clone(), v.clone())).collect()))
        .build();
    let mut writer = ArrowWriter::try_new(Vec::new(), schema, Some(properties)).map_err(|e| failed(&e))?;
    writer.write(&batch).map_err(|e| failed(&e))?;
    writer.into_inner().map_err(|e| failed(&e))
}

/// Reads a Parquet file's bytes back: UInt64, Int64 and Int32 (non-negative)
/// as `Int`, Float64 and Float32 as `Num`, Utf8, LargeUtf8 and Utf8View as
/// `Text`, Boolean as `Bool`, null (and a column of type Null) as `Missing`.
/// Returns the table and the file's key-value metadata (without the Arrow
/// schema the writer stores under `ARROW:schema`).
///
/// Errors name `parameter`, `path` and the rule: bytes that are not Parquet, a
/// column of another type (named with its type), a negative integer, an empty
/// or repeated column name.
pub fn from_parquet(bytes: &[u8], parameter: &'static str, path: &Path) -> Result<(Table, Vec<(String, String)>)> {
    let invalid = |rule: String| Error::invalid(parameter, path.display(), rule);
    let builder = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::copy_from_slice(bytes))
        .map_err(|e| invalid(format!("is not a readable Parquet file: {e}")))?;
    let metadata: Vec<(String, String)> = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .into_iter()
        .flatten()
        .filter(|kv| kv.key != ARROW_SCHEMA_KEY)
        .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
        .collect();
    let columns: Vec<String> = builder.schema().fields().iter().map(|f| f.name().clone()).collect();
    check_names(&columns).map_err(invalid)?;
    for field in builder.schema().fields() {
        if !readable(field.data_type()) {
            return Err(invalid(format!(
                "column `{}` has the type {}: readable types are integers (UInt64, Int64, Int32), floats (Float64, Float32), text (Utf8) and Boolean",
                field.name(),
                field.data_type()
            )));
        }
    }
    let reader = builder.build().map_err(|e| invalid(format!("is not a readable Parquet file: {e}")))?;
    let mut table = Table::new(&columns);
    for batch in reader {
        let batch = batch.map_err(|e| invalid(format!("is not a readable Parquet file: {e}")))?;
        let mut rows = vec![Vec::with_capacity(columns.len()); batch.num_rows()];
        for (k, array) in batch.columns().iter().enumerate() {
            for (i, row) in rows.iter_mut().enumerate() {
                row.push(
                    cell(array.as_ref(), i)
                        .map_err(|rule| invalid(format!("column `{}`, row {}: {rule}", columns[k], table.rows.len() + i + 1)))?,
                );
            }
        }
        table.rows.extend(rows);
    }
    Ok((table, metadata))
}

fn readable(data_type: &DataType) -> bool {
    use DataType::*;
    matches!(data_type, UInt64 | Int64 | Int32 | Float64 | Float32 | Utf8 | LargeUtf8 | Utf8View | Boolean | Null)
}

/// Cell `i` of a column of a [`readable`] type.
fn cell(array: &dyn Array, i: usize) -> std::result::Result<Cell, String> {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float32Type, Float64Type, Int32Type, Int64Type, UInt64Type};
    if array.is_null(i) {
        return Ok(Cell::Missing);
    }
    let count = |x: i64| u64::try_from(x).map(Cell::Int).map_err(|_| format!("{x} is negative: an integer column holds counts (>= 0)"));
    let unexpected = || format!("unexpected type {}", array.data_type());
    Ok(match array.data_type() {
        DataType::UInt64 => Cell::Int(array.as_primitive_opt::<UInt64Type>().ok_or_else(unexpected)?.value(i)),
        DataType::Int64 => count(array.as_primitive_opt::<Int64Type>().ok_or_else(unexpected)?.value(i))?,
        DataType::Int32 => count(array.as_primitive_opt::<Int32Type>().ok_or_else(unexpected)?.value(i).into())?,
        DataType::Float64 => Cell::Num(array.as_primitive_opt::<Float64Type>().ok_or_else(unexpected)?.value(i)),
        DataType::Float32 => Cell::Num(array.as_primitive_opt::<Float32Type>().ok_or_else(unexpected)?.value(i).into()),
        DataType::Utf8 => Cell::Text(array.as_string_opt::<i32>().ok_or_else(unexpected)?.value(i).to_string()),
        DataType::LargeUtf8 => Cell::Text(array.as_string_opt::<i64>().ok_or_else(unexpected)?.value(i).to_string()),
        DataType::Utf8View => Cell::Text(array.as_string_view_opt().ok_or_else(unexpected)?.value(i).to_string()),
        DataType::Boolean => Cell::Bool(array.as_boolean_opt().ok_or_else(unexpected)?.value(i)),
        _ => return Err(unexpected()),
    })
}

/// Checks that column names are non-empty and distinct.
fn check_names(columns: &[String]) -> std::result::Result<(), String> {
    let mut seen = HashSet::new();
    for (k, name) in columns.iter().enumerate() {
        if name.is_empty() {
            return Err(format!("column {} has no name: every column needs one", k + 1));
        }
        if !seen.insert(name.as_str()) {
            return Err(format!("the column name `{name}` appears twice: names must be distinct"));
        }
    }
    Ok(())
}

/// A CSV field's cell: empty is `Missing`, digits only (a `u64`) `Int`,
/// `true`/`false` `Bool`, anything `f64` parses (`NaN`, `inf`, `-3.5`,
/// `1e-300`) `Num`, anything else `Text`.
fn classify(field: String) -> Cell {
    if field.is_empty() {
        Cell::Missing
    } else if let Some(x) = field.bytes().all(|b| b.is_ascii_digit()).then(|| field.parse::<u64>().ok()).flatten() {
        Cell::Int(x)
    } else if field == "true" || field == "false" {
        Cell::Bool(field == "true")
    } else if let Ok(x) = field.parse::<f64>() {
        Cell::Num(x)
    } else {
        Cell::Text(field)
    }
}

/// Splits CSV text into records (RFC 4180: a field with a comma, a quote or a
/// line break is quoted, and `""` inside quotes is a quote; lines end in LF or
/// CRLF), each with the line number where it starts.
fn records(text: &str) -> std::result::Result<Vec<(usize, Vec<String>)>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        loop {
            // At the start of a field.
            if chars.peek() == Some(&'"') {
                chars.next();
                let opened = line;
                loop {
                    match chars.next() {
                        None => return Err(format!("line {opened}: a quoted field is not closed (its closing quote is missing)")),
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(c) => {
                            line += usize::from(c == '\n');
                            field.push(c);
                        }
                    }
                }
                match chars.peek().copied() {
                    None | Some(',' | '\n') => {}
                    Some('\r') if text_after_cr_is_newline(&chars) => {}
                    Some(c) => {
                        return Err(format!(
                            "line {line}: `{c}` after the closing quote of a field: a quoted field ends at a comma or a line end"
                        ));
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c == ',' || c == '\n' || (c == '\r' && text_after_cr_is_newline(&chars)) {
                        break;
                    }
                    field.push(c);
                    chars.next();
                }
            }
            fields.push(std::mem::take(&mut field));
            match chars.next() {
                Some(',') => continue,
                Some('\r') => {
                    chars.next();
                }
                _ => {}
            }
            line += 1;
            break;
        }
        out.push((start, fields));
    }
    Ok(out)
}

/// Whether the `\r` next in `chars` starts a CRLF line end.
fn text_after_cr_is_newline(chars: &std::iter::Peekable<std::str::Chars<'_>>) -> bool {
    let mut ahead = chars.clone();
    ahead.next() == Some('\r') && ahead.next() == Some('\n')
}

/// Parses CSV text with a header line (RFC 4180 quoting: fields with commas,
/// quotes or newlines are quoted and `""` is a quote). Cell types: empty is
/// `Missing`; digits only (a `u64`) `Int`; `true`/`false` `Bool`; anything
/// `f64` parses (`NaN`, `inf`, `-inf`, `1e-300`, `-3.5`) `Num`; else `Text`.
/// An empty line is a row with one missing cell in a one-column table and is
/// skipped otherwise (it cannot be a row).
///
/// Errors name `parameter`, `path` and the rule: an empty file, a row with a
/// different number of fields than the header (with its line number), an
/// empty or repeated column name, a quote that is not closed.
pub fn parse_csv(text: &str, parameter: &'static str, path: &Path) -> Result<Table> {
    let invalid = |rule: String| Error::invalid(parameter, path.display(), rule);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.is_empty() {
        return Err(invalid("is empty: a CSV file needs a header line with the column names".into()));
    }
    let mut records = records(text).map_err(invalid)?.into_iter();
    let Some((_, columns)) = records.next() else {
        return Err(invalid("is empty: a CSV file needs a header line with the column names".into()));
    };
    check_names(&columns).map_err(|rule| invalid(format!("line 1 (the header): {rule}")))?;
    let mut table = Table::new(&columns);
    for (line, fields) in records {
        if columns.len() > 1 && fields.len() == 1 && fields[0].is_empty() {
            continue;
        }
        if fields.len() != columns.len() {
            return Err(invalid(format!("line {line} has {} fields, but the header has {}", fields.len(), columns.len())));
        }
        table.rows.push(fields.into_iter().map(classify).collect());
    }
    Ok(table)
}

/// Reads a CSV or Parquet file (by [`format_of`]) with its key-value metadata
/// (none for CSV). A JSON file is an error saying to use CSV or Parquet; a
/// missing or unreadable file is an I/O error for `parameter`.
pub fn read_table(path: &Path, parameter: &'static str) -> Result<(Table, Vec<(String, String)>)> {
    let format = format_of(path);
    if format == FileFormat::Json {
        return Err(Error::invalid(parameter, path.display(), "is JSON: tables are read from CSV (.csv) or Parquet (.parquet, .pq)"));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path.display(), e).for_parameter(parameter))?;
    match format {
        FileFormat::Parquet => from_parquet(&bytes, parameter, path),
        _ => {
            let text = String::from_utf8(bytes).map_err(|e| {
                Error::invalid(
                    parameter,
                    path.display(),
                    format!("is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()),
                )
            })?;
            Ok((parse_csv(&text, parameter, path)?, Vec::new()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn same_cell(a: &Cell, b: &Cell) -> bool {
        match (a, b) {
            (Cell::Num(x), Cell::Num(y)) => (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits(),
            _ => a == b,
        }
    }

    fn assert_same(a: &Table, b: &Table) {
        assert_eq!(a.columns, b.columns);
        assert_eq!(a.rows.len(), b.rows.len(), "{a:?} vs {b:?}");
        for (i, (ra, rb)) in a.rows.iter().zip(&b.rows).enumerate() {
            assert_eq!(ra.len(), rb.len());
            for (k, (x, y)) in ra.iter().zip(rb).enumerate() {
                assert!(same_cell(x, y), "row {i}, column {k}: {x:?} vs {y:?}");
            }
        }
    }

    fn table(columns: &[&str], rows: Vec<Vec<Cell>>) -> Table {
        Table { columns: columns.iter().map(|c| c.to_string()).collect(), rows }
    }

    fn csv(text: &str) -> Result<Table> {
        parse_csv(text, "data", Path::new("in.csv"))
    }

    fn parquet(t: &Table, metadata: &[(String, String)]) -> (Table, Vec<(String, String)>) {
        from_parquet(&to_parquet(t, metadata).unwrap(), "data", Path::new("in.parquet")).unwrap()
    }

    /// Text that reads back as text: not empty, no number, no boolean.
    fn text() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9 ,\"\n.+é-]{1,7}".prop_filter("reads as text", |s| matches!(classify(s.clone()), Cell::Text(_)))
    }

    fn any_cell() -> impl Strategy<Value = Cell> {
        prop_oneof![
            any::<u64>().prop_map(Cell::Int),
            any::<f64>().prop_map(Cell::Num),
            text().prop_map(Cell::Text),
            any::<bool>().prop_map(Cell::Bool),
            Just(Cell::Missing),
        ]
    }

    fn lift<T>(f: fn(T) -> Cell) -> impl Fn(Vec<Option<T>>) -> Vec<Cell> {
        move |v| v.into_iter().map(|x| x.map_or(Cell::Missing, f)).collect()
    }

    /// A column of one type (Int, Num, Text or Bool) with some missing cells.
    fn typed_column(n: usize) -> impl Strategy<Value = Vec<Cell>> {
        use prop::collection::vec;
        use prop::option::weighted;
        prop_oneof![
            vec(weighted(0.8, any::<u64>()), n).prop_map(lift(Cell::Int)),
            vec(weighted(0.8, any::<f64>()), n).prop_map(lift(Cell::Num)),
            vec(weighted(0.8, text()), n).prop_map(lift(Cell::Text)),
            vec(weighted(0.8, any::<bool>()), n).prop_map(lift(Cell::Bool)),
        ]
    }

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|k| format!("c{k}")).collect()
    }

    proptest! {
        #[test]
        fn csv_reads_back_what_the_crate_writes(t in (1..5usize, 0..7usize).prop_flat_map(|(c, r)| {
            prop::collection::vec(prop::collection::vec(any_cell(), c), r).prop_map(move |rows| Table { columns: names(c), rows })
        })) {
            assert_same(&csv(&t.to_csv()).unwrap(), &t);
        }

        #[test]
        fn parquet_reads_back_typed_columns(t in (1..5usize, 0..7usize).prop_flat_map(|(c, r)| {
            prop::collection::vec(typed_column(r), c).prop_map(move |columns| Table {
                columns: names(c),
                rows: (0..r).map(|i| columns.iter().map(|col| col[i].clone()).collect()).collect(),
            })
        })) {
            assert_same(&parquet(&t, &[]).0, &t);
        }
    }

    fn example() -> Table {
        use Cell::*;
        table(
            &["n", "x", "name", "ok", "none", "note"],
            vec![
                vec![Int(0), Num(1.0), Text("a, \"b\"\nc".into()), Bool(true), Missing, Text("é".into())],
                vec![Int(u64::MAX), Num(f64::NAN), Text("plain".into()), Bool(false), Missing, Missing],
                vec![Missing, Num(-3.5), Missing, Missing, Missing, Text("x".into())],
                vec![Int(7), Num(1e-300), Text("-".into()), Bool(true), Missing, Text("y".into())],
                vec![Int(8), Num(f64::NEG_INFINITY), Text("z".into()), Bool(true), Missing, Text("w".into())],
            ],
        )
    }

    #[test]
    fn csv_cells_are_typed_by_their_text() {
        use Cell::*;
        let t = csv("a,b,c,d,e,f,g,h,i\r\n12,true,NaN,inf,-inf,1e-300,-3.5,\"x,\"\"y\"\"\",\n\n+5,false,1.0,007,a\"b,99999999999999999999,\" \",\"\",-0\n").unwrap();
        let row0 = [
            Int(12),
            Bool(true),
            Num(f64::NAN),
            Num(f64::INFINITY),
            Num(f64::NEG_INFINITY),
            Num(1e-300),
            Num(-3.5),
            Text("x,\"y\"".into()),
            Missing,
        ];
        let row1 = [Num(5.0), Bool(false), Num(1.0), Int(7), Text("a\"b".into()), Num(1e20), Text(" ".into()), Missing, Num(-0.0)];
        assert_same(&t, &table(&["a", "b", "c", "d", "e", "f", "g", "h", "i"], vec![row0.to_vec(), row1.to_vec()]));
        // One column: an empty line is a missing cell; a final line end adds no row.
        assert_same(&csv("x\n\n1\n").unwrap(), &table(&["x"], vec![vec![Missing], vec![Int(1)]]));
        assert_same(&csv("\u{feff}x").unwrap(), &table(&["x"], vec![]));
        assert_same(&csv(&example().to_csv()).unwrap(), &example());
    }

    #[test]
    fn csv_errors_name_the_parameter_the_path_and_the_rule() {
        let cases = [
            ("", "is empty"),
            ("a,b\n1,2\n3\n", "line 3 has 1 fields, but the header has 2"),
            ("a,b\n\"1\n2\",3\n4,5,6\n", "line 4 has 3 fields"),
            ("a,b,a\n", "`a` appears twice"),
            ("a,,b\n", "column 2 has no name"),
            ("a,b\n1,\"2\n", "line 2: a quoted field is not closed"),
            ("a,b\n\"1\"x,2\n", "line 2: `x` after the closing quote"),
        ];
        for (text, rule) in cases {
            let message = csv(text).unwrap_err().to_string();
            assert!(message.starts_with("data = in.csv: ") && message.contains(rule), "{text:?}: {message}");
        }
    }

    #[test]
    fn parquet_types_columns_by_kind_and_keeps_metadata() {
        use Cell::*;
        let metadata = vec![("model-collapse".to_string(), "{\"seed\": 1}".to_string()), ("b".to_string(), String::new())];
        let (back, kv) = parquet(&example(), &metadata);
        assert_same(&back, &example());
        assert_eq!(kv, metadata);
        let bytes = to_parquet(&example(), &metadata).unwrap();
        assert_eq!(bytes, to_parquet(&example(), &metadata).unwrap(), "deterministic");
        assert_ne!(bytes, to_parquet(&example(), &[]).unwrap());
        let builder = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes)).unwrap();
        let schema = builder.schema();
        assert_eq!(schema.metadata().get("model-collapse").map(String::as_str), Some("{\"seed\": 1}"));
        let types: Vec<_> = schema.fields().iter().map(|f| (f.data_type().clone(), f.is_nullable())).collect();
        use DataType as D;
        let expected = [(D::UInt64, true), (D::Float64, false), (D::Utf8, true), (D::Boolean, true), (D::Float64, true), (D::Utf8, true)];
        assert_eq!(types, expected);
        // Int and Num cells make a Float64 column; text mixed with numbers is text.
        let t = table(&["x", "m"], vec![vec![Int(2), Text("a".into())], vec![Num(0.5), Num(1.0)], vec![Missing, Int(3)]]);
        let expected =
            table(&["x", "m"], vec![vec![Num(2.0), Text("a".into())], vec![Num(0.5), Text("1.0".into())], vec![Missing, Text("3".into())]]);
        assert_same(&parquet(&t, &[]).0, &expected);
        // No rows: the columns stay.
        assert_same(&parquet(&table(&["a", "b"], vec![]), &[]).0, &table(&["a", "b"], vec![]));
    }

    #[test]
    fn parquet_errors_name_the_parameter_the_path_and_the_rule() {
        let path = Path::new("in.parquet");
        let message = from_parquet(b"PAR1 not really", "data", path).unwrap_err().to_string();
        assert!(message.starts_with("data = in.parquet: is not a readable Parquet file"), "{message}");
        let write = |array: ArrayRef| {
            let schema = Arc::new(Schema::new(vec![Field::new("d", array.data_type().clone(), true)]));
            let mut writer = ArrowWriter::try_new(Vec::new(), schema.clone(), None).unwrap();
            writer.write(&RecordBatch::try_new(schema, vec![array]).unwrap()).unwrap();
            writer.into_inner().unwrap()
        };
        let dates = write(Arc::new(arrow_array::Date32Array::from(vec![1, 2])));
        let message = from_parquet(&dates, "data", path).unwrap_err().to_string();
        assert!(message.contains("column `d` has the type Date32"), "{message}");
        let negative = write(Arc::new(arrow_array::Int64Array::from(vec![Some(3), None, Some(-1)])));
        let message = from_parquet(&negative, "data", path).unwrap_err().to_string();
        assert!(message.contains("column `d`, row 3: -1 is negative"), "{message}");
        let ints = write(Arc::new(arrow_array::Int32Array::from(vec![Some(3), None])));
        assert_same(&from_parquet(&ints, "data", path).unwrap().0, &table(&["d"], vec![vec![Cell::Int(3)], vec![Cell::Missing]]));
        let floats = write(Arc::new(arrow_array::Float32Array::from(vec![0.5f32])));
        assert_same(&from_parquet(&floats, "data", path).unwrap().0, &table(&["d"], vec![vec![Cell::Num(0.5)]]));

        let ragged = table(&["a", "b"], vec![vec![Cell::Int(1)]]);
        assert!(to_parquet(&ragged, &[]).unwrap_err().to_string().contains("row 1 has 1 cells for 2 columns"));
        assert!(to_parquet(&table(&[], vec![]), &[]).unwrap_err().to_string().contains("has no columns"));
        let twice = vec![("k".to_string(), "1".to_string()), ("k".to_string(), "2".to_string())];
        assert_eq!(to_parquet(&example(), &twice).unwrap_err().to_string(), "metadata = k: is given twice: keys must be distinct");
    }

    #[test]
    fn files_are_read_by_their_extension() {
        assert_eq!(format_of(Path::new("a/b.parquet")), FileFormat::Parquet);
        assert_eq!(format_of(Path::new("b.PQ")), FileFormat::Parquet);
        assert_eq!(format_of(Path::new("b.json")), FileFormat::Json);
        assert_eq!(format_of(Path::new("b.csv")), FileFormat::Csv);
        assert_eq!(format_of(Path::new("b")), FileFormat::Csv);
        let dir = std::env::temp_dir().join(format!("frame-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let metadata = vec![("k".to_string(), "v".to_string())];
        std::fs::write(dir.join("t.pq"), to_parquet(&example(), &metadata).unwrap()).unwrap();
        std::fs::write(dir.join("t.csv"), example().to_csv()).unwrap();
        std::fs::write(dir.join("t.json"), "{}").unwrap();
        let (t, kv) = read_table(&dir.join("t.pq"), "data").unwrap();
        assert_same(&t, &example());
        assert_eq!(kv, metadata);
        let (t, kv) = read_table(&dir.join("t.csv"), "data").unwrap();
        assert_same(&t, &example());
        assert!(kv.is_empty());
        let json = read_table(&dir.join("t.json"), "data").unwrap_err().to_string();
        assert!(json.contains("is JSON: tables are read from CSV"), "{json}");
        let missing = read_table(&dir.join("none.csv"), "data").unwrap_err();
        assert!(matches!(missing, Error::Io { parameter: Some("data"), action: "read", .. }), "{missing:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
