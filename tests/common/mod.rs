//! The integration tests' prelude: tolerances defined once, each with the
//! reason for its size (as statrs' `prec.rs`), the suite's statistical rule,
//! and the command-line runner. Every test crate that needs them says
//! `mod common;`.
//!
//! Testing policy (as `rand_distr`'s): closed forms are checked against exact
//! values and against independent numerics with the tolerances below; Monte
//! Carlo assertions use `|z| <= z_critical(k)` with fixed seeds and never a
//! retry; a negative control must be rejected by the same rule; the heavy
//! tier (the whole `verify` suite at another seed) is `#[ignore]`d with a
//! reason that says how to run it.

#![allow(dead_code)]

use model_collapse::stats::bonferroni_z;
use model_collapse::verify::FAMILY_ALPHA;
use std::process::{Command, Output};

/// Two evaluations of one closed form in a few floating-point operations
/// (a ratio, a short sum, a product of a few factors): a few ulps.
pub const EXACT: f64 = 1e-15;

/// One closed form against another route to the same number over long sums,
/// recursions or special functions (`ln Gamma`, digamma, an eigendecomposition):
/// rounding grows with the number of operations, well below `1e-12` relative.
pub const ACCURATE: f64 = 1e-12;

/// Numerical inversion (the characteristic function of a sum of
/// log-chi-square variables, documented to an absolute `1e-10`) or a dense
/// linear solve: `1e-9`.
pub const NUMERICAL: f64 = 1e-9;

/// `|a - b| <= tol * max(1, |a|, |b|)`: relative for large numbers, absolute
/// near zero.
pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * 1f64.max(a.abs()).max(b.abs())
}

/// Asserts [`close`], naming what was compared.
#[track_caller]
pub fn assert_close(a: f64, b: f64, tol: f64, what: &str) {
    assert!(close(a, b, tol), "{what}: {a} vs {b} (tolerance {tol:e})");
}

/// The critical `|z|` when `assertions` are judged together at the suite's
/// family-wise false-alarm probability (Bonferroni).
pub fn z_critical(assertions: usize) -> f64 {
    bonferroni_z(FAMILY_ALPHA, assertions)
}

/// Runs the `collapse` binary built for these tests.
pub fn collapse(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_collapse")).args(args).output().expect("the binary runs")
}

/// One record of a command's CSV output: column name to cell text.
pub type Record = std::collections::BTreeMap<String, String>;

/// The records of a successful command's CSV output (quoted cells unquoted).
#[track_caller]
pub fn records(out: &Output) -> Vec<Record> {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    records_of(out)
}

/// The records of a command's CSV output, whatever its exit status (`verify`
/// exits 1 when an assertion fails, and still prints them).
pub fn records_of(out: &Output) -> Vec<Record> {
    let text = String::from_utf8(out.stdout.clone()).expect("UTF-8 output");
    let mut lines = text.lines();
    let header = split_csv(lines.next().expect("a header line"));
    lines.map(|line| header.iter().cloned().zip(split_csv(line)).collect()).collect()
}

/// The cells of one CSV line: commas outside quotes split, `""` inside quotes is `"`.
fn split_csv(line: &str) -> Vec<String> {
    let (mut cells, mut cell, mut quoted, mut chars) = (Vec::new(), String::new(), false, line.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}

/// A record's number in `column` (panics, naming the record, when it is not one).
#[track_caller]
pub fn number(record: &Record, column: &str) -> f64 {
    record.get(column).and_then(|x| x.parse().ok()).unwrap_or_else(|| panic!("`{column}` is not a number in {record:?}"))
}

/// The records whose `metric` is `metric`.
pub fn of_metric<'a>(records: &'a [Record], metric: &str) -> Vec<&'a Record> {
    records.iter().filter(|r| r["metric"] == metric).collect()
}
