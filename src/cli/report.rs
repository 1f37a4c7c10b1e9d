//! `collapse verify` and `collapse list`: the reports of the catalog.

use super::tables::{self, default_format, emit_bytes, encode, print_out};
use super::{VerifyArgs, budget};
use crate::catalog;
use crate::error::Result;
use crate::output::{Cell, Format, Table, to_json_string};
use crate::verify;
use std::process::ExitCode;

pub(crate) fn run_verify(args: &VerifyArgs) -> Result<ExitCode> {
    if let Some(k) = args.threads {
        budget().limits.check_threads(k, budget().allow_more_threads)?;
    }
    let progress = tables::progress_bar(0, "checks");
    let starting = |i: usize, count: usize, check: &verify::Check| {
        progress.set_length(count as u64);
        progress.set_position(i as u64);
        progress.set_message(check.id.as_str());
    };
    let report = catalog::verify(&args.ids, args.seed, args.replicates, args.threads, &budget().limits, &starting)?;
    progress.finish_and_clear();
    let bytes = match args.format {
        Format::Json => to_json_string(&report).into_bytes(),
        Format::Csv | Format::Parquet => encode(&verify_table(&report), args.format, serde_json::Map::new())?,
        Format::Table => verify_text(&report).into_bytes(),
    };
    emit_bytes(&bytes, args.format, &args.output)?;
    Ok(if report.passed { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// An assertion's verdict in words.
fn verdict(o: &verify::Outcome) -> &'static str {
    match (o.expect, o.passed) {
        (verify::Expect::Agree, true) => "pass",
        (verify::Expect::Agree, false) => "FAIL",
        (verify::Expect::Reject, true) => "control rejected",
        (verify::Expect::Reject, false) => "FAIL: control not rejected",
    }
}

/// The assertions as a tidy table: the settings as their own columns (the
/// union over the checks' models, empty where a model has no such parameter).
fn verify_table(report: &verify::Report) -> Table {
    let mut names: Vec<&str> = Vec::new();
    for o in &report.checks {
        for (name, _) in &o.parameters {
            if !names.contains(name) {
                names.push(name);
            }
        }
    }
    let mut columns = vec!["id", "model", "control"];
    columns.extend(&names);
    columns.extend(["quantity", "generation", "expect", "theory", "estimate", "std_error", "z", "replicates", "passed", "verdict"]);
    let mut table = Table::new(&columns);
    for o in &report.checks {
        let mut row: Vec<Cell> = vec![o.id.as_str().into(), o.model.into(), o.control.clone().into()];
        row.extend(names.iter().map(|n| o.parameters.iter().find(|(p, _)| p == n).map_or(Cell::Missing, |(_, v)| v.clone())));
        let expect = match o.expect {
            verify::Expect::Agree => "agree",
            verify::Expect::Reject => "reject",
        };
        row.extend([
            o.quantity.clone().into(),
            Cell::Int(o.generation),
            expect.into(),
            o.theory.into(),
            o.estimate.into(),
            o.std_error.into(),
            o.z.into(),
            Cell::Int(o.replicates),
            o.passed.into(),
            verdict(o).into(),
        ]);
        table.push(row);
    }
    table
}

/// The width the text report keeps within.
const WIDTH: usize = 120;

/// `text` broken at spaces into lines of at most [`WIDTH`] characters, the
/// continuation lines indented by `indent`.
fn wrap(text: &str, indent: &str) -> String {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let line = lines.last_mut().expect("one line at least");
        if !line.trim().is_empty() && line.len() + 1 + word.len() > WIDTH {
            lines.push(format!("{indent}{word}"));
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.join("\n") + "\n"
}

/// The report for reading: one heading per check (theorem and settings, as
/// in `collapse list`), its assertions under it, within [`WIDTH`] columns.
fn verify_text(report: &verify::Report) -> String {
    let passed = report.checks.iter().filter(|o| o.passed).count();
    let controls = report.checks.iter().filter(|o| o.expect == verify::Expect::Reject).count();
    let mut rows = Table::new(&["quantity", "generation", "theory", "estimate", "std_error", "z", "verdict"]);
    for o in &report.checks {
        rows.push(vec![
            o.quantity.clone().into(),
            Cell::Int(o.generation),
            o.theory.into(),
            o.estimate.into(),
            o.std_error.into(),
            o.z.into(),
            verdict(o).into(),
        ]);
    }
    let text = rows.to_text();
    let mut lines = text.lines();
    let mut body = format!("  {}\n", lines.next().unwrap_or_default());
    let mut previous: Option<(&str, &str)> = None;
    for (o, line) in report.checks.iter().zip(lines) {
        if previous != Some((o.id.as_str(), o.settings.as_str())) {
            body += &wrap(&format!("{}: {}", o.id, o.settings), "    ");
            previous = Some((o.id.as_str(), o.settings.as_str()));
        }
        body += &format!("  {line}\n");
    }
    let tolerance = format!(
        "tolerance: |z| <= {:.3}, the two-sided Bonferroni critical value for {} assertions at a family-wise false-alarm \
         probability of {}; negative controls pass when |z| > {:.3}",
        report.z_critical, report.assertions, report.family_alpha, report.z_critical
    );
    format!(
        "collapse verify: seed {}, {} replicates per check\n{}\n{body}\n{passed} of {} assertions passed ({controls} of them \
         negative controls) in {:.1} s: {}\n",
        report.seed,
        report.replicates,
        wrap(&tolerance, "  "),
        report.assertions,
        report.seconds,
        if report.passed { "VERIFIED" } else { "FAILED" }
    )
}

pub(crate) fn list(format: Option<Format>) -> Result<ExitCode> {
    let theorems = catalog::theorems();
    let format = default_format(format, None);
    let text = match format {
        Format::Json => to_json_string(
            &theorems
                .iter()
                .map(|t| {
                    let mut v = serde_json::to_value(t).unwrap_or_default();
                    v["proof"] = t.proof().into();
                    v
                })
                .collect::<Vec<_>>(),
        ),
        Format::Csv | Format::Parquet => {
            let mut table = Table::new(&["id", "statement", "source", "proof", "check"]);
            for t in &theorems {
                table.push(vec![t.id.as_str().into(), t.statement.into(), t.source.into(), t.proof().into(), t.check.into()]);
            }
            return emit_bytes(&encode(&table, format, serde_json::Map::new())?, format, &None).map(|_| ExitCode::SUCCESS);
        }
        Format::Table => theorems
            .iter()
            .map(|t| {
                format!(
                    "{}\n  statement: {}\n  source:    {}\n  proof:     {}\n  check:     collapse verify {} ({})\n",
                    t.id,
                    t.statement,
                    t.source,
                    t.proof(),
                    t.id,
                    t.check
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    print_out(&text)?;
    Ok(ExitCode::SUCCESS)
}
