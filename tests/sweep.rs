//! `collapse sweep`, `collapse merge` and `--replicates-out`: a grid run in one
//! go, interrupted and resumed, and in shards merged, gives the same bytes;
//! per-replicate values agree with the summaries and do not depend on the
//! thread count.

mod common;

use common::{collapse, number, records};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("collapse-sweep-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

/// A grid of 54 cells over two families' worth of axes: 6 are invalid
/// (T < d), the rest small enough to run in a few seconds.
const GRID: &str = "family = \"linear\"\nreplicates = 1000\nseed = 11\n\n[parameters]\ndim = [1, 4, 40]\nsamples = [12, 50, 200]\n\
sigma = [0.5, 1.0, 2.0]\nregime = [\"replace\", \"accumulate\"]\ngenerations = 6\n";

fn run(args: &[&str]) -> std::process::Output {
    let out = collapse(args);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"), "{args:?}");
    out
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

#[test]
fn a_sweep_resumed_or_sharded_and_merged_equals_the_single_run_byte_for_byte() {
    let dir = scratch("resume");
    let spec = dir.join("grid.toml");
    std::fs::write(&spec, GRID).unwrap();
    let (full, resumed, one, two, merged) =
        (dir.join("full.csv"), dir.join("resumed.csv"), dir.join("s1.parquet"), dir.join("s2.parquet"), dir.join("merged.csv"));
    let out = run(&["sweep", path(&spec), "-o", path(&full)]);
    assert_eq!(out.status.code(), Some(3), "invalid cells are skipped and the status says so");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("skipped: --samples = 12: least squares needs T >= d = 40").count(), 6, "{err}");
    let text = std::fs::read_to_string(&full).unwrap();
    let cells: std::collections::BTreeSet<&str> = text.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(cells.len(), 48, "54 cells less the 6 invalid");
    assert!(!dir.join("full.csv.partial").exists(), "the finished cells are removed once the table is written");

    // Interrupted: killed once a few cells are done, then run again.
    let partial = dir.join("resumed.csv.partial");
    let mut child = Command::new(env!("CARGO_BIN_EXE_collapse"))
        .args(["sweep", path(&spec), "-o", path(&resumed), "--threads", "1"])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let done = |dir: &Path| {
        std::fs::read_dir(dir).map(|d| d.filter(|e| e.as_ref().is_ok_and(|e| e.file_name() != "sweep.json")).count()).unwrap_or(0)
    };
    while done(&partial) < 5 && start.elapsed() < Duration::from_secs(60) && child.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let kept = done(&partial);
    assert!(kept >= 5 && !resumed.exists(), "interrupted after {kept} cells: the test needs a run cut short");
    let out = run(&["sweep", path(&spec), "-o", path(&resumed)]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("resuming"));
    assert_eq!(std::fs::read(&resumed).unwrap(), std::fs::read(&full).unwrap(), "resumed after {kept} cells");

    // Two shards, merged in either order.
    run(&["sweep", path(&spec), "--shard", "2/2", "-o", path(&two)]);
    run(&["sweep", path(&spec), "--shard", "1/2", "-o", path(&one)]);
    let out = run(&["merge", path(&two), path(&one), "-o", path(&merged)]);
    // The status of the single run: the shards' descriptions list the skipped cells.
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read(&merged).unwrap(), std::fs::read(&full).unwrap());
    // Parquet and JSON too: the merge of Parquet shards equals the single run's Parquet.
    let (full_pq, merged_pq) = (dir.join("full.parquet"), dir.join("merged.parquet"));
    run(&["sweep", path(&spec), "-o", path(&full_pq)]);
    run(&["merge", path(&one), path(&two), "-o", path(&merged_pq)]);
    assert_eq!(std::fs::read(&merged_pq).unwrap(), std::fs::read(&full_pq).unwrap());
    let out = run(&["merge", path(&one), "-o", path(&merged_pq)]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("the sweep has 2 shares and 1 were given"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_partial_folder_of_another_sweep_is_never_reused() {
    let dir = scratch("other");
    let out_file = dir.join("grid.csv");
    std::fs::create_dir(dir.join("grid.csv.partial")).unwrap();
    std::fs::write(dir.join("grid.csv.partial/sweep.json"), "{}").unwrap();
    let out = run(&[
        "sweep",
        "--family",
        "gaussian",
        "--vary",
        "samples=5,10",
        "--set",
        "generations=3",
        "--replicates",
        "50",
        "-o",
        path(&out_file),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds the finished cells of another sweep"));
    assert!(!out_file.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cells_have_their_own_seeds_unless_common_random_numbers_are_asked_for() {
    let args =
        ["sweep", "--family", "gaussian", "--vary", "sigma=1,2", "--set", "generations=2", "--set", "samples=10", "--replicates", "200"];
    let own = records(&run(&args));
    let seeds: std::collections::BTreeSet<&str> = own.iter().map(|r| r["seed"].as_str()).collect();
    assert_eq!(seeds.len(), 2);
    let mut paired = args.to_vec();
    paired.extend(["--common-random-numbers", "--seed", "5"]);
    let paired = records(&run(&paired));
    assert!(paired.iter().all(|r| r["seed"] == "5"));
    // With common random numbers sigma only rescales the same draws: the
    // variance ratio agrees to rounding in both cells (no independent
    // evidence: that is why it is not the default).
    let ratio = |rows: &[common::Record], cell: &str| -> Vec<f64> {
        rows.iter().filter(|r| r["cell"] == cell && r["metric"] == "variance_ratio").map(|r| number(r, "mean")).collect()
    };
    let same = |a: Vec<f64>, b: Vec<f64>| a.iter().zip(&b).all(|(x, y)| (x - y).abs() <= 1e-12 * x.abs());
    assert!(same(ratio(&paired, "1"), ratio(&paired, "2")));
    assert!(!same(ratio(&own, "1"), ratio(&own, "2")));
    // A cell is `collapse simulate` with the cell's parameters and seed, row for row.
    let seed = own.iter().find(|r| r["cell"] == "2").unwrap()["seed"].clone();
    let single = records(&run(&[
        "simulate",
        "gaussian",
        "--sigma",
        "2",
        "--generations",
        "2",
        "--samples",
        "10",
        "--replicates",
        "200",
        "--seed",
        &seed,
    ]));
    let cell: Vec<common::Record> = own
        .iter()
        .filter(|r| r["cell"] == "2")
        .map(|r| r.iter().filter(|(k, _)| *k != "cell").map(|(k, v)| (k.clone(), v.clone())).collect())
        .collect();
    assert_eq!(cell, single);
}

#[test]
fn replicates_out_holds_every_chain_and_agrees_with_the_summary_for_any_threads() {
    let dir = scratch("replicates");
    let (a, b, summary) = (dir.join("a.csv"), dir.join("b.csv"), dir.join("summary.csv"));
    let base = [
        "simulate",
        "gaussian",
        "--samples",
        "10",
        "--generations",
        "4",
        "--replicates",
        "301",
        "--seed",
        "3",
        "--metric",
        "variance_ratio",
    ];
    let with = |threads: &str, file: &Path, output: &Path| {
        let mut args = base.to_vec();
        args.extend(["--threads", threads, "--replicates-out", path(file), "-o", path(output)]);
        assert!(run(&args).status.success());
    };
    with("1", &a, &summary);
    with("2", &b, &dir.join("summary2.csv"));
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let text = std::fs::read_to_string(&a).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("replicate,generation,metric,value"));
    assert_eq!(lines.count(), 301 * 4);
    // The per-replicate mean at generation 3 is the summary's mean.
    let values: Vec<f64> =
        text.lines().skip(1).filter(|l| l.split(',').nth(1) == Some("3")).map(|l| l.rsplit(',').next().unwrap().parse().unwrap()).collect();
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let summary_text = std::fs::read_to_string(&summary).unwrap();
    let header: Vec<&str> = summary_text.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = summary_text
        .lines()
        .find(|l| l.split(',').nth(header.iter().position(|c| *c == "generation").unwrap()) == Some("3"))
        .unwrap()
        .split(',')
        .collect();
    let reported: f64 = row[header.iter().position(|c| *c == "mean").unwrap()].parse().unwrap();
    assert!((mean - reported).abs() <= 1e-12 * reported.abs(), "{mean} vs {reported}");
    // The same file for both outputs is refused before any work.
    let out = run(&["simulate", "gaussian", "--replicates-out", path(&a), "-o", path(&a)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--replicates-out"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_sweeps_name_the_rule() {
    for (args, words) in [
        (vec!["sweep"], "give a SPEC.toml, or --family"),
        (vec!["sweep", "--family", "linear", "--vary", "dim"], "NAME=VALUE"),
        (vec!["sweep", "--family", "linear", "--vary", "dim=1,2", "--shard", "3/2"], "K/N"),
        (vec!["sweep", "--family", "linear", "--vary", "seed=1,2"], "belongs to the whole run"),
        (vec!["sweep", "--family", "linear", "--vary", "dimm=1,2", "--set", "regime=replace"], "no cell can run"),
        (vec!["merge", "no-such-shard.csv"], "no-such-shard.csv"),
    ] {
        let out = run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && err.contains(words), "{args:?}: {err}");
    }
}
