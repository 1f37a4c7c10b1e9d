//! The command line: outputs that other tools read, and bad input that gives a
//! one-line error naming the flag, the value and the rule, with a non-zero exit
//! and no panic.

mod common;

use common::collapse;
use std::process::Output;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs a bad command and checks the error names every fragment given.
fn rejects(args: &[&str], fragments: &[&str]) {
    let out = collapse(args);
    let err = stderr(&out);
    assert!(!out.status.success(), "{args:?} succeeded");
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    assert!(out.stdout.is_empty(), "{args:?} printed output before failing");
    let first = err.lines().next().unwrap_or_default();
    for f in fragments {
        assert!(first.contains(f), "{args:?}: `{f}` missing from the error's first line: {err}");
    }
}

const THEORY: &[&str] = &["theory", "linear", "--regime", "replace"];
const SIMULATE: &[&str] = &["simulate", "linear", "--regime", "replace", "--replicates", "10"];

fn with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
    base.iter().chain(extra).copied().collect()
}

#[test]
fn samples_below_d_plus_2_for_the_expectation() {
    rejects(&with(THEORY, &["--dim", "12", "--samples", "13"]), &["--samples", "13", "T >= d + 2 = 14"]);
}

#[test]
fn samples_below_d_to_fit() {
    rejects(&with(SIMULATE, &["--dim", "12", "--samples", "11"]), &["--samples", "11", "T >= d = 12"]);
}

#[test]
fn negative_and_non_finite_sigma() {
    rejects(&with(THEORY, &["--sigma=-1"]), &["--sigma", "-1", ">= 0"]);
    rejects(&with(THEORY, &["--sigma", "NaN"]), &["--sigma", "NaN", "finite"]);
    rejects(&with(SIMULATE, &["--sigma", "inf"]), &["--sigma", "inf", "finite"]);
}

#[test]
fn zero_generations_and_replicates() {
    rejects(&with(THEORY, &["--generations", "0"]), &["--generations", "0", "must be between 1 and"]);
    rejects(&["simulate", "linear", "--regime", "replace", "--replicates", "0"], &["--replicates", "0", "must be between 1 and"]);
    rejects(&with(SIMULATE, &["--threads", "0"]), &["--threads", "0", "must be between 1 and"]);
    rejects(&["verify", "--replicates", "0"], &["--replicates", "0", "at least 100 replicates"]);
}

#[test]
fn unknown_regime_design_spectrum_and_id() {
    rejects(&["theory", "linear", "--regime", "blend"], &["--regime", "blend"]);
    rejects(&with(THEORY, &["--design", "new"]), &["--design", "new"]);
    rejects(&with(THEORY, &["--spectrum", "power:x"]), &["--spectrum", "power:x", "not a number"]);
    rejects(&with(THEORY, &["--spectrum", "diag:1,2"]), &["--spectrum", "one eigenvalue per dimension"]);
    rejects(&with(THEORY, &["--dim", "2", "--spectrum", "diag:1,-2"]), &["--spectrum", "positive"]);
    rejects(&["verify", "linear-nonsense"], &["linear-nonsense", "linear-replace"]);
    rejects(&with(THEORY, &["--design", "fresh", "--fixed-design", "3"]), &["--fixed-design", "3", "--design reused"]);
}

#[test]
fn theory_csv_columns_and_exact_values() {
    let out = collapse(&with(THEORY, &["--dim", "10", "--samples", "100", "--generations", "3", "--format", "csv"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "generation,expected_test_error");
    let values: Vec<f64> = lines[1..].iter().map(|l| l.split(',').nth(1).unwrap().parse().unwrap()).collect();
    for (n, v) in (1..).zip(values) {
        assert!((v - n as f64 * 10.0 / 89.0).abs() < 1e-15, "n = {n}: {v}");
    }
}

#[test]
fn conditional_theory_exists_where_the_unconditional_does_not() {
    let out = collapse(&with(THEORY, &["--dim", "5", "--samples", "6", "--fixed-design", "3", "--format", "json"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["theorem"], "linear-conditional");
    assert!(doc["rows"][0]["expected_test_error"].as_f64().unwrap() > 0.0);
}

#[test]
fn simulate_columns_and_json() {
    let out = collapse(&with(SIMULATE, &["--generations", "4", "--format", "csv"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().next().unwrap(), "generation,mean,std_error,ci_low,ci_high,theory,z,replicates");
    assert_eq!(text.lines().count(), 5);
    let out = collapse(&with(SIMULATE, &["--generations", "4", "--format", "json"]));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["rows"].as_array().unwrap().len(), 4);
    assert_eq!(doc["theorem"], "linear-replace");
    assert_eq!(doc["rows"][3]["replicates"], 10);
}

#[test]
fn simulate_without_a_closed_form_says_so() {
    let out = collapse(&with(SIMULATE, &["--dim", "5", "--samples", "6", "--generations", "2", "--format", "csv"]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("no closed form"), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().nth(1).unwrap().contains(",,,"), "theory and z should be empty: {text}");
}

#[test]
fn verify_json_has_the_documented_fields() {
    let out = collapse(&["verify", "linear-conditional", "--replicates", "2000", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("verify prints JSON");
    assert_eq!(out.status.success(), doc["passed"].as_bool().unwrap());
    let checks = doc["checks"].as_array().unwrap();
    assert!(!checks.is_empty());
    for c in checks {
        for field in ["id", "passed", "theory", "estimate", "std_error", "z"] {
            assert!(c.get(field).is_some(), "missing `{field}` in {c}");
        }
        assert_eq!(c["id"], "linear-conditional");
    }
}

#[test]
fn output_file_is_written_whole() {
    let dir = std::env::temp_dir().join(format!("collapse-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("theory.csv");
    let out = collapse(&with(THEORY, &["--generations", "2", "--format", "csv", "--output", path.to_str().unwrap()]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 3);
    let missing = dir.join("no-such-dir").join("x.csv");
    rejects(&with(THEORY, &["--output", missing.to_str().unwrap()]), &["--output", "cannot write"]);
    assert!(!missing.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn list_names_every_theorem_with_its_proof() {
    let out = collapse(&["list", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = doc.as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    for id in ["linear-replace", "linear-accumulate", "linear-accumulate-fresh", "linear-conditional"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert_eq!(doc[0]["proof"], format!("proofs/{}.md", ids[0]));
}

fn custom_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("collapse-custom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn custom_schedule_errors_name_the_line_and_the_reason() {
    let cases = [
        ("negative.csv", "1\n0.5,-0.5\n", "line 2 (generation 2): the weight on batch 2 is -0.5"),
        ("zero.csv", "# comment\n1\n0,0\n", "line 3 (generation 2): all weights are zero"),
        ("short.csv", "1\n1\n", "line 2 (generation 2): 1 weights, but generation 2 needs 2"),
        ("future.csv", "1\n1,1,1\n", "a weight on batch 3 is on a future generation"),
        ("text.csv", "1\n1,x\n", "line 2 (generation 2): `x` is not a number"),
    ];
    for (name, text, reason) in cases {
        let regime = format!("custom:{}", custom_file(name, text).display());
        rejects(&["theory", "linear", "--regime", &regime, "--generations", "2"], &["--regime", reason]);
    }
    let regime = format!("custom:{}", custom_file("two.csv", "1\n1,1\n").display());
    rejects(&["theory", "linear", "--regime", &regime, "--generations", "3"], &["--generations", "3", "defines 2 generations"]);
}

#[test]
fn custom_schedule_equal_to_accumulate_gives_its_closed_form() {
    let regime = format!("custom:{}", custom_file("acc.csv", "1\n1,1\n2,2,2\n").display());
    let custom = collapse(&["theory", "linear", "--regime", &regime, "--generations", "3", "--format", "csv"]);
    let accumulate = collapse(&["theory", "linear", "--regime", "accumulate", "--generations", "3", "--format", "csv"]);
    assert!(custom.status.success(), "{}", stderr(&custom));
    let values = |o: &Output| -> Vec<f64> {
        String::from_utf8_lossy(&o.stdout).lines().skip(1).map(|l| l.split(',').nth(1).unwrap().parse().unwrap()).collect()
    };
    for (c, a) in values(&custom).iter().zip(values(&accumulate)) {
        assert!((c - a).abs() <= 1e-15 * a, "{c} vs {a}");
    }
}

#[test]
fn schedule_parameters_and_designs_are_checked() {
    rejects(&["theory", "linear", "--regime", "mix:1.5"], &["--regime", "mix:1.5", "LAMBDA must be in [0, 1]"]);
    rejects(&["theory", "linear", "--regime", "fresh-real:1"], &["--regime", "fresh-real:1", "P must be in [0, 1)"]);
    rejects(&["theory", "linear", "--regime", "window:0"], &["--regime", "window:0", ">= 1"]);
    rejects(&["theory", "linear", "--regime", "mix:0.5", "--design", "fresh"], &["--design", "fresh", "reused design only"]);
}

#[test]
fn theory_reports_the_limit() {
    let out = collapse(&["theory", "linear", "--regime", "mix:0.5", "--generations", "2", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // 1 + (1/4) / (1/2 * 3/2) = 4/3
    assert!(doc["limit"].as_str().unwrap().starts_with("1.333333333333333"), "{}", doc["limit"]);
    let out = collapse(&["theory", "linear", "--regime", "window:2", "--generations", "2", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["limit"], "unbounded");
}

#[test]
fn overparam_theory_simulate_and_errors() {
    let out = collapse(&["theory", "overparam", "--dim", "10", "--samples", "5", "--generations", "3", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text, "generation,expected_relative_distance\n1,0.5\n2,0.75\n3,0.875\n");
    let out = collapse(&[
        "simulate",
        "overparam",
        "--dim",
        "6",
        "--samples",
        "2",
        "--generations",
        "2",
        "--replicates",
        "50",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["theorem"], "linear-overparameterised");
    assert_eq!(doc["rows"].as_array().unwrap().len(), 2);
    rejects(&["theory", "overparam", "--dim", "10", "--samples", "10"], &["--samples", "10", "1 <= T0 < d = 10"]);
    rejects(&["simulate", "overparam", "--generations", "0"], &["--generations", "0", "must be between 1 and"]);
}

#[test]
fn toml_schedule_files_read_like_csv_and_errors_name_the_line() {
    let toml = custom_file("acc.toml", "# accumulate\nweights = [\n  [1],\n  [1, 1],\n  [2, 2, 2],\n]\n");
    let csv = custom_file("acc3.csv", "1\n1,1\n2,2,2\n");
    let run = |path: &std::path::Path| {
        let regime = format!("custom:{}", path.display());
        collapse(&["theory", "linear", "--regime", &regime, "--generations", "3", "--format", "csv"]).stdout
    };
    assert_eq!(run(&toml), run(&csv));
    let cases = [
        ("neg.toml", "weights = [\n  [1],\n  [0.5, -0.5],\n]\n", "line 3 (generation 2): the weight on batch 2 is -0.5"),
        ("zero.toml", "weights = [[1],\n [0, 0]]\n", "line 2 (generation 2): all weights are zero"),
        ("future.toml", "weights = [[1], [1, 1, 1]]\n", "a weight on batch 3 is on a future generation"),
        ("short.toml", "weights = [[1], [1]]\n", "1 weights, but generation 2 needs 2"),
        ("syntax.toml", "weights = [[1],\n [1, x]]\n", "line 2"),
        ("key.toml", "weight = [[1]]\n", "weights"),
    ];
    for (name, text, reason) in cases {
        let regime = format!("custom:{}", custom_file(name, text).display());
        rejects(&["theory", "linear", "--regime", &regime, "--generations", "2"], &["--regime", reason]);
    }
}

#[test]
fn per_generation_noise_and_its_errors() {
    let out = collapse(&with(THEORY, &["--dim", "1", "--samples", "4", "--sigma", "1,2", "--generations", "3", "--format", "csv"]));
    assert!(out.status.success(), "{}", stderr(&out));
    // Replace: base d/(T-d-1) = 1/2 times sum of sigma_g^2 = 1, 1 + 4, 1 + 4 + 4.
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "generation,expected_test_error\n1,0.5\n2,2.5\n3,4.5\n");
    rejects(&with(THEORY, &["--sigma", "1,-2"]), &["--sigma", "1,-2", "generation 2", ">= 0"]);
    rejects(&with(THEORY, &["--sigma", "1,,2"]), &["--sigma", "is not a number"]);
}

#[test]
fn ridge_needs_a_given_design_for_its_closed_form() {
    rejects(&with(THEORY, &["--ridge", "0.5"]), &["--ridge", "0.5", "--fixed-design"]);
    rejects(&with(THEORY, &["--ridge=-1", "--fixed-design", "3"]), &["--ridge", "-1", ">= 0"]);
    let out = collapse(&with(THEORY, &["--ridge", "0.5", "--fixed-design", "3", "--generations", "3", "--format", "json"]));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["theorem"], "linear-ridge");
    let out = collapse(&with(SIMULATE, &["--ridge", "0.5", "--generations", "2", "--format", "csv"]));
    assert!(out.status.success() && stderr(&out).contains("no closed form"), "{}", stderr(&out));
}

#[test]
fn subsample_is_exact_on_the_constant_design_and_asymptotic_otherwise() {
    let exact = ["theory", "linear", "--regime", "accumulate-subsample", "--dim", "1", "--samples", "1", "--fixed-design", "ones"];
    let out = collapse(&with(&exact, &["--generations", "2", "--format", "csv"]));
    // T = 1: E theta_n^2 = sigma^2 H_n.
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "generation,expected_test_error\n1,1\n2,1.5\n");
    let out = collapse(&[
        "simulate",
        "linear",
        "--regime",
        "accumulate-subsample",
        "--design",
        "fresh",
        "--generations",
        "3",
        "--replicates",
        "20",
        "--format",
        "json",
    ]);
    assert!(stderr(&out).contains("asymptotic reference"), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["reference"].as_str().unwrap().starts_with("asymptotic"));
    assert!(doc["rows"][2]["mean_over_theory"].as_f64().unwrap() > 0.0);
    rejects(&["theory", "linear", "--regime", "replace", "--fixed-design", "ones"], &["--fixed-design", "ones", "--dim 1"]);
    rejects(&["theory", "linear", "--regime", "replace", "--fixed-design", "x"], &["--fixed-design", "x", "seed"]);
}

#[test]
fn downstream_theory_simulate_and_errors() {
    let args = ["--dim", "2", "--chain-samples", "6", "--chain-sigma", "1", "--samples", "5", "--sigma", "2", "--generations", "2"];
    let out = collapse(&with(&["theory", "downstream"], &with(&args, &["--format", "csv"])));
    assert!(out.status.success(), "{}", stderr(&out));
    // sigma^2 d/(T-d-1) + n sigma0^2 d/(T0-d-1) = 4 + n * 2/3.
    let rows: Vec<f64> =
        String::from_utf8(out.stdout).unwrap().lines().skip(1).map(|l| l.split(',').nth(1).unwrap().parse().unwrap()).collect();
    for (n, v) in rows.iter().enumerate() {
        assert!((v - (4.0 + n as f64 * 2.0 / 3.0)).abs() < 1e-12, "n = {n}: {v}");
    }
    let out = collapse(&with(&["simulate", "downstream", "--replicates", "20", "--format", "json"], &args));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["rows"][0]["generation"], 0);
    assert_eq!(doc["rows"].as_array().unwrap().len(), 3);
    rejects(&["theory", "downstream", "--chain-samples", "11"], &["--chain-samples", "11", "T0 >= d + 2 = 12"]);
    rejects(&["theory", "downstream", "--ridge", "1"], &["--ridge", "1", "--fixed-design"]);
}

const GAUSSIAN_THEORY: &[&str] = &["theory", "gaussian", "--generations", "5"];
const GAUSSIAN_SIMULATE: &[&str] = &["simulate", "gaussian", "--generations", "5", "--replicates", "50"];

#[test]
fn gaussian_bad_input_names_flag_value_and_rule() {
    rejects(&with(GAUSSIAN_THEORY, &["--samples", "1"]), &["--samples", "1", "2 <= M"]);
    rejects(&with(GAUSSIAN_SIMULATE, &["--dim", "3", "--samples", "3"]), &["--samples", "3", "M >= d + 1 = 4"]);
    rejects(&with(GAUSSIAN_THEORY, &["--sigma", "0"]), &["--sigma", "0", "> 0"]);
    rejects(&with(GAUSSIAN_SIMULATE, &["--sigma", "-2"]), &["--sigma", "-2", "> 0"]);
    rejects(&with(GAUSSIAN_THEORY, &["--sigma", "NaN"]), &["--sigma", "NaN", "finite"]);
    rejects(&with(GAUSSIAN_THEORY, &["--regime", "window:3"]), &["--regime", "window:3", "Gaussian family runs"]);
    rejects(&with(GAUSSIAN_THEORY, &["--regime", "mix:0.25", "--samples", "10"]), &["--regime", "mix:0.25", "whole number"]);
    rejects(&with(GAUSSIAN_THEORY, &["--threshold", "0"]), &["--threshold", "0", "> 0"]);
    rejects(&with(GAUSSIAN_THEORY, &["--spectrum", "diag:1,-1", "--dim", "2"]), &["--spectrum", "positive"]);
}

#[test]
fn gaussian_theory_csv_has_a_column_per_closed_form() {
    let out = collapse(&with(GAUSSIAN_THEORY, &["--samples", "3", "--estimator", "mle", "--format", "csv"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "generation,mean_error,variance_ratio,sd_ratio,log_variance_ratio,median_log_variance_ratio,wasserstein,collapsed"
    );
    // Generation 2, mle, M = 3: E sigma_2^2 / sigma^2 = r^2 = 4/9 (exact), E (mu_2 - mu)^2 = 1 - r^2 = 5/9.
    let row: Vec<f64> = lines.nth(1).unwrap().split(',').map(|x| x.parse().unwrap()).collect();
    assert_eq!(row[0], 2.0);
    assert!((row[1] - 5.0 / 9.0).abs() < 1e-12 && (row[2] - 4.0 / 9.0).abs() < 1e-12, "{row:?}");
    // Accumulate has no closed form for E sigma_n: the cell is empty, not NaN.
    let out = collapse(&with(GAUSSIAN_THEORY, &["--regime", "accumulate", "--format", "csv"]));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().nth(1).unwrap().contains(",,"), "{text}");
    assert!(!text.contains("NaN"), "{text}");
}

#[test]
fn gaussian_simulate_json_reports_every_metric_with_its_theorem() {
    let out = collapse(&with(GAUSSIAN_SIMULATE, &["--samples", "10", "--format", "json"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["theorems"]["log_variance_ratio"], "gaussian-replace-variance");
    assert_eq!(doc["theorems"]["wasserstein"], "gaussian-replace-wasserstein");
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 6 * 5);
    let log_rows: Vec<_> = rows.iter().filter(|r| r["metric"] == "log_variance_ratio").collect();
    assert_eq!(log_rows.len(), 5);
    for r in &log_rows {
        assert!(r["median"].is_number() && r["median_theory"].is_number() && r["theory"].is_number(), "{r}");
    }
    let only = collapse(&with(GAUSSIAN_SIMULATE, &["--metric", "collapsed,sd_ratio", "--format", "csv"]));
    let text = String::from_utf8(only.stdout).unwrap();
    assert_eq!(text.lines().count(), 1 + 2 * 5, "{text}");
    rejects(&with(GAUSSIAN_SIMULATE, &["--metric", "entropy"]), &["--metric", "entropy"]);
}

const CATEGORICAL_THEORY: &[&str] = &["theory", "categorical", "--generations", "5"];
const CATEGORICAL_SIMULATE: &[&str] = &["simulate", "categorical", "--generations", "5", "--replicates", "50"];

#[test]
fn categorical_bad_input_names_flag_value_and_rule() {
    rejects(&with(CATEGORICAL_THEORY, &["--initial", "list:0.5,-0.1,0.6"]), &["--initial", "-0.1", ">= 0", "p_0(2)"]);
    rejects(&with(CATEGORICAL_SIMULATE, &["--initial", "list:0.5,0.4"]), &["--initial", "list:0.5,0.4", "sum to 1", "0.9"]);
    rejects(&with(CATEGORICAL_THEORY, &["--initial", "list:"]), &["--initial", "empty"]);
    rejects(&with(CATEGORICAL_THEORY, &["--initial", "list:0.5,abc"]), &["--initial", "must be a number"]);
    rejects(&with(CATEGORICAL_THEORY, &["--initial", "zipf:-1"]), &["--initial", "zipf:-1", "S must be"]);
    rejects(&with(CATEGORICAL_THEORY, &["--initial", "poisson"]), &["--initial", "poisson", "expected uniform, zipf:S"]);
    rejects(&with(CATEGORICAL_THEORY, &["--outcomes", "0"]), &["--outcomes", "0", "K >= 1"]);
    rejects(&with(CATEGORICAL_THEORY, &["--initial", "list:0.5,0.5", "--outcomes", "3"]), &["--outcomes", "3", "2 outcomes"]);
    rejects(&with(CATEGORICAL_THEORY, &["--samples", "0"]), &["--samples", "0", "1 <= M"]);
    rejects(&with(CATEGORICAL_SIMULATE, &["--regime", "mix:0.5"]), &["--regime", "mix:0.5", "replace and accumulate"]);
    rejects(&with(CATEGORICAL_THEORY, &["--real", "5"]), &["--real", "5", "accumulate only"]);
    rejects(&with(CATEGORICAL_THEORY, &["--regime", "accumulate", "--real", "0"]), &["--real", "0", "1 <= S_0"]);
    rejects(&with(CATEGORICAL_THEORY, &["--tail", "1.5"]), &["--tail", "1.5", "0 < tail <= 1"]);
    rejects(&["theory", "absorption", "--samples", "5000"], &["--samples", "5000", "M <= 4000"]);
    rejects(&["theory", "absorption", "--initial", "list:0.7,0.7"], &["--initial", "sum to 1"]);
}

#[test]
fn categorical_theory_csv_has_a_column_per_metric() {
    let out = collapse(&with(CATEGORICAL_THEORY, &["--initial", "list:0.5,0.5", "--samples", "2", "--format", "csv"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap(), "generation,diversity,entropy,survivors,collapsed,top_mass,tail_mass,tail_spread,tail_lost,note");
    // M = 2, p_0 = (1/2, 1/2): the model stays (1/2, 1/2) with probability 1/2 a
    // generation, else it is a point mass. Generation 2: E H = (1/2)(1/2)^2 = 1/8,
    // P(point mass) = 3/4, E survivors = 2 - 3/4, P(the tail, outcome 2, lost) = 3/8.
    let row: Vec<&str> = lines.nth(1).unwrap().split(',').collect();
    let value = |i: usize| row[i].parse::<f64>().unwrap();
    assert_eq!(value(0), 2.0);
    assert!((value(1) - 0.125).abs() < 1e-15 && (value(3) - 1.25).abs() < 1e-15, "{row:?}");
    assert!((value(4) - 0.75).abs() < 1e-15 && (value(8) - 0.375).abs() < 1e-15, "{row:?}");
    assert_eq!(row[2], "", "the entropy has no closed form: an empty cell, not NaN");
    assert!(row[9].contains("entropy: no closed form"), "the empty cell's reason: {row:?}");
}

#[test]
fn categorical_simulate_json_reports_every_metric_with_its_theorem() {
    let out = collapse(&with(CATEGORICAL_SIMULATE, &["--regime", "accumulate", "--real", "7", "--format", "json"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["theorems"]["diversity"], "categorical-accumulate-diversity");
    assert_eq!(doc["theorems"]["tail_mass"], "categorical-martingale");
    assert_eq!(doc["real"], 7);
    assert!(doc["diversity_limit"].as_f64().unwrap() > 0.0);
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 8 * 5);
    for r in rows.iter().filter(|r| r["metric"] == "survivors") {
        assert!(r["theory"].is_number() && r["std_error"].is_number(), "{r}");
    }
    let only = collapse(&with(CATEGORICAL_SIMULATE, &["--metric", "survivors,tail_lost", "--format", "csv"]));
    let text = String::from_utf8(only.stdout).unwrap();
    assert_eq!(text.lines().count(), 1 + 2 * 5, "{text}");
    rejects(&with(CATEGORICAL_SIMULATE, &["--metric", "wasserstein"]), &["--metric", "wasserstein"]);
}

#[test]
fn absorption_table_shows_exact_diffusion_and_gap() {
    let out = collapse(&["theory", "absorption", "--samples", "2,10", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap(), "samples,exact,diffusion,gap,relative_gap");
    // M = 2, p = 1/2: absorbed each generation with probability 1/2, E tau = 2.
    let row: Vec<f64> = lines.next().unwrap().split(',').map(|x| x.parse().unwrap()).collect();
    assert!((row[1] - 2.0).abs() < 1e-14 && (row[2] - 4.0 * std::f64::consts::LN_2).abs() < 1e-14, "{row:?}");
    assert!((row[3] - (row[1] - row[2])).abs() < 1e-14);
    assert_eq!(lines.count(), 1);
}
