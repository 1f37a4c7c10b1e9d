//! Limits and outputs (issue 13): work the budget refuses before it starts,
//! numbers that are right or absent with the reason, and outputs that reach
//! pipes, devices and symlinks without clobbering them.

mod common;

use common::{collapse, number, records};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs a command that must be refused before any output, with status 2 and a
/// one-line error holding every fragment.
fn refused(args: &[&str], fragments: &[&str]) -> String {
    let out = collapse(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?} printed before failing");
    assert_eq!(err.lines().count(), 1, "{args:?}: the error is one line: {err}");
    for f in fragments {
        assert!(err.contains(f), "{args:?}: `{f}` missing from: {err}");
    }
    err
}

/// A scratch directory of this test process, made empty.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("collapse-limits-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The file names in `dir`, sorted.
fn names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn work_beyond_the_time_limit_is_refused_naming_the_size_and_the_way_out() {
    let err = refused(
        &["simulate", "linear", "--regime", "replace", "--replicates", "1000000000"],
        &["--replicates = 1000000000", "beyond the limit of 10.0 minutes", "--allow-long"],
    );
    assert!(err.contains("hours") || err.contains("days"), "the estimate is in a readable unit: {err}");
    // --time-limit lowers the limit; --allow-long lifts it.
    let small = ["simulate", "linear", "--regime", "replace", "--generations", "3", "--replicates", "2000"];
    refused(&[&small[..], &["--time-limit", "0.00001"]].concat(), &["--replicates = 2000", "--allow-long"]);
    let out = collapse(&[&small[..], &["--time-limit", "0.00001", "--allow-long"]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    for bad in ["0", "-1", "NaN", "inf"] {
        refused(&["theory", "linear", "--regime", "replace", "--time-limit", bad], &["--time-limit", bad, "positive"]);
    }
}

#[test]
fn settings_too_large_to_hold_are_refused_before_allocating() {
    refused(
        &["simulate", "linear", "--regime", "replace", "--dim", "10000", "--samples", "1000000"],
        &["--samples = 1000000", "1000000 x 10000", "268435456"],
    );
    refused(&["theory", "linear", "--regime", "replace", "--generations", "10000000000"], &["--generations"]);
    refused(&["theory", "linear", "--regime", "replace", "--generations", "18446744073709551615"], &["--generations"]);
    refused(&["theory", "categorical", "--outcomes", "100000000"], &["--outcomes = 100000000", "at most 10000000"]);
}

#[test]
fn threads_beyond_the_cores_are_refused_unless_asked() {
    // The same bits for any --threads, beyond the cores with --allow-more-threads
    // included: tests/determinism.rs.
    refused(
        &["simulate", "linear", "--regime", "replace", "--replicates", "10", "--threads", "100000"],
        &["--threads = 100000", "cores", "--allow-more-threads"],
    );
    refused(
        &["simulate", "linear", "--regime", "replace", "--replicates", "10", "--threads", "100000", "--allow-more-threads"],
        &["--threads = 100000", "1024"],
    );
}

#[test]
fn bad_numbers_reach_their_rule_even_when_negative() {
    refused(&["theory", "linear", "--regime", "replace", "--sigma", "-1"], &["--sigma = -1", ">= 0"]);
    refused(&["theory", "linear", "--regime", "replace", "--ridge", "-0.5"], &["--ridge = -0.5"]);
    refused(&["theory", "categorical", "--initial", "list:1,"], &["--initial = list:1,", "entry 2", "empty"]);
    refused(&["theory", "categorical", "--initial", "list:"], &["--initial = list:"]);
}

#[test]
fn one_replicate_gives_a_mean_and_says_why_there_is_no_interval() {
    let out = collapse(&["simulate", "linear", "--regime", "replace", "--generations", "2", "--replicates", "1", "--format", "csv"]);
    let rows = records(&out);
    assert_eq!(rows.len(), 2);
    for r in &rows {
        assert!(number(r, "mean").is_finite(), "{r:?}");
        for empty in ["std_error", "ci_low", "ci_high", "z"] {
            assert_eq!(r[empty], "", "no {empty}: {r:?}");
        }
        assert!(r["note"].starts_with("one replicate"), "{r:?}");
    }
    let out = collapse(&["simulate", "linear", "--regime", "replace", "--generations", "1", "--replicates", "1", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = &json["data"][0];
    assert!(row["std_error"].is_null() && row["ci_low"].is_null() && row["z"].is_null(), "{row}");
    assert!(row["mean"].is_f64(), "{row}");
}

#[test]
fn a_point_mass_start_has_no_relative_gap_and_says_why() {
    let rows = records(&collapse(&["theory", "absorption", "--samples", "10", "--initial", "list:1", "--format", "csv"]));
    let r = &rows[0];
    assert_eq!((number(r, "exact"), number(r, "diffusion"), number(r, "gap")), (1.0, 0.0, 1.0));
    assert_eq!(r["relative_gap"], "");
    assert!(r["note"].starts_with("relative_gap empty: p_0 is a point mass"), "{r:?}");
}

#[test]
fn a_closed_pipe_ends_the_run_quietly_with_status_141() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_collapse"))
        .args(["simulate", "linear", "--regime", "replace", "--replicates", "20", "--generations", "200000", "--format", "csv"])
        .args(["--dim", "1", "--samples", "5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.starts_with("model,family,"), "{first}");
    // The reader is dropped here, as `head -1` would.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(141), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "no message for a closed pipe: {}", stderr(&out));
}

#[test]
fn output_writes_through_devices_and_symlinks_and_replaces_regular_files_whole() {
    use std::os::unix::fs::FileTypeExt;
    let theory = ["theory", "linear", "--regime", "replace", "--generations", "2", "--format", "csv", "--output"];
    // A device is written to, never replaced by a file.
    let out = collapse(&[&theory[..], &["/dev/null"]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    // A symlink stays a symlink; its target receives the table.
    let dir = scratch("symlink");
    let target = dir.join("target.csv");
    std::fs::write(&target, "old\n").unwrap();
    let link = dir.join("link.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = collapse(&[&theory[..], &[link.to_str().unwrap()]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    let written = std::fs::read_to_string(&target).unwrap();
    assert_eq!(written.lines().count(), 3, "{written}");
    assert!(written.starts_with("model,family,"), "{written}");
    // A regular file is replaced whole, and no temporary file is left behind.
    let out = collapse(&[&theory[..], &[target.to_str().unwrap()]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), written);
    assert_eq!(names(&dir), ["link.csv", "target.csv"]);
    // A refused run leaves the old file as it was.
    std::fs::write(&target, "kept\n").unwrap();
    refused(&["theory", "linear", "--regime", "replace", "--sigma", "-1", "--output", target.to_str().unwrap()], &["--sigma"]);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "kept\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_figure_is_written_with_its_data_or_not_at_all() {
    let dir = scratch("figure");
    let data = dir.join("numbers.csv");
    let out = collapse(&[
        "plot",
        "categorical-fixation",
        "--replicates",
        "20",
        "--data-out",
        data.to_str().unwrap(),
        "--dir",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(names(&dir), ["categorical-fixation.pdf", "categorical-fixation.png", "categorical-fixation.svg", "numbers.csv"]);
    assert!(std::fs::read_to_string(&data).unwrap().starts_with("panel,series,style,x,y,low,high"));
    let empty = scratch("figure-refused");
    refused(&["plot", "categorical-fixation", "--replicates", "1000000000000", "--dir", empty.to_str().unwrap()], &["--replicates"]);
    // A --data path that cannot be written is found before the work starts.
    let missing = empty.join("no-such-dir").join("numbers.csv");
    refused(
        &["plot", "categorical-fixation", "--replicates", "20", "--dir", empty.to_str().unwrap(), "--data-out", missing.to_str().unwrap()],
        &["--data-out"],
    );
    assert!(names(&empty).is_empty(), "nothing written: {:?}", names(&empty));
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(&empty).unwrap();
}

#[test]
fn verify_fits_120_columns_and_its_tables_give_each_setting_a_column() {
    let ids = ["verify", "linear-ridge", "gaussian-multivariate", "categorical-tail-loss", "--replicates", "200"];
    let out = collapse(&ids);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("assertions passed"), "{text}");
    let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest <= 120, "a line of {widest} characters:\n{text}");
    let mut csv = ids.to_vec();
    csv.extend(["--format", "csv"]);
    let rows = common::records_of(&collapse(&csv));
    assert!(rows.iter().all(|r| r.contains_key("generation") && !r.contains_key("n") && !r.contains_key("settings")));
    let gaussian = rows.iter().find(|r| r["id"] == "gaussian-multivariate").expect("a Gaussian row");
    assert!(number(gaussian, "dim") >= 2.0 && gaussian["model"] == "gaussian");
    let categorical = rows.iter().find(|r| r["id"] == "categorical-tail-loss").expect("a categorical row");
    assert!(categorical["dim"].is_empty() && !categorical["initial"].is_empty());
}
