//! The command line: outputs that other tools read, and bad input that gives a
//! one-line error naming the flag, the value and the rule, with a non-zero exit
//! and no panic.

mod common;

use common::{collapse, number, of_metric, records};
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
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        "model,family,dim,samples,sigma,regime,design,spectrum,ridge,fixed_design,generation,metric,theorem,exactness,theory,median_theory,note"
    );
    let rows = records(&out);
    assert_eq!(rows.len(), 3);
    for (n, r) in (1..).zip(&rows) {
        assert_eq!(
            (r["model"].as_str(), r["dim"].as_str(), r["samples"].as_str(), r["regime"].as_str()),
            ("linear", "10", "100", "replace")
        );
        assert_eq!(
            (r["generation"].as_str(), r["metric"].as_str(), r["theorem"].as_str()),
            (n.to_string().as_str(), "test_error", "linear-replace")
        );
        assert_eq!(r["exactness"], "exact");
        assert!((number(r, "theory") - n as f64 * 10.0 / 89.0).abs() < 1e-15, "n = {n}: {r:?}");
    }
}

#[test]
fn conditional_theory_exists_where_the_unconditional_does_not() {
    let out = collapse(&with(THEORY, &["--dim", "5", "--samples", "6", "--fixed-design", "3", "--format", "json"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["metadata"]["fixed_design"], "3");
    assert_eq!(doc["data"][0]["theorem"], "linear-conditional");
    assert!(doc["data"][0]["theory"].as_f64().unwrap() > 0.0);
}

#[test]
fn simulate_columns_and_json() {
    let out = collapse(&with(SIMULATE, &["--generations", "4", "--format", "csv"]));
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        "model,family,dim,samples,sigma,regime,design,spectrum,ridge,fixed_design,seed,replicates,generation,metric,theorem,exactness,\
         theory,mean,std_error,ci_low,ci_high,z,median,median_theory,reliable,note"
    );
    let rows = records(&out);
    assert_eq!(rows.len(), 4);
    for r in &rows {
        assert_eq!((r["seed"].as_str(), r["replicates"].as_str(), r["reliable"].as_str()), ("1", "10", "true"));
        let (mean, se, low, high, z) =
            (number(r, "mean"), number(r, "std_error"), number(r, "ci_low"), number(r, "ci_high"), number(r, "z"));
        assert!(low < mean && mean < high && se > 0.0, "{r:?}");
        assert!((z - (mean - number(r, "theory")) / se).abs() < 1e-12, "{r:?}");
        assert!(number(r, "median") > 0.0, "{r:?}");
    }
    let out = collapse(&with(SIMULATE, &["--generations", "4", "--format", "json"]));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["data"].as_array().unwrap().len(), 4);
    assert_eq!(doc["metadata"]["replicates"], 10);
    assert_eq!(doc["data"][3]["theorem"], "linear-replace");
    assert_eq!(doc["schema"]["fields"][0]["name"], "model");
}

#[test]
fn simulate_without_a_closed_form_says_so() {
    let out = collapse(&with(SIMULATE, &["--dim", "5", "--samples", "6", "--generations", "2", "--format", "csv"]));
    assert!(stderr(&out).contains("no closed form"), "{}", stderr(&out));
    for r in records(&out) {
        assert_eq!((r["theory"].as_str(), r["z"].as_str(), r["theorem"].as_str()), ("", "", ""), "theory and z empty: {r:?}");
        assert!(r["note"].contains("no closed form: ") && r["note"].contains("T >= d + 2"), "the reason: {r:?}");
        assert_eq!(r["reliable"], "false", "T < d + 4: {r:?}");
    }
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
    rejects(&with(THEORY, &["--output", missing.to_str().unwrap()]), &["--output", "does not exist"]);
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
    let custom = records(&collapse(&["theory", "linear", "--regime", &regime, "--generations", "3", "--format", "csv"]));
    let accumulate = records(&collapse(&["theory", "linear", "--regime", "accumulate", "--generations", "3", "--format", "csv"]));
    for (c, a) in custom.iter().zip(&accumulate) {
        let (c, a) = (number(c, "theory"), number(a, "theory"));
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
    assert!((doc["metadata"]["limit_factor"].as_f64().unwrap() - 4.0 / 3.0).abs() < 1e-15, "{}", doc["metadata"]);
    let out = collapse(&["theory", "linear", "--regime", "window:2", "--generations", "2", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["metadata"]["limit"], "unbounded");
    assert!(doc["metadata"]["limit_factor"].is_null());
}

#[test]
fn overparam_theory_simulate_and_errors() {
    let rows = records(&collapse(&["theory", "overparam", "--dim", "10", "--samples", "5", "--generations", "3", "--format", "csv"]));
    let values: Vec<f64> = rows.iter().map(|r| number(r, "theory")).collect();
    assert_eq!(values, [0.5, 0.75, 0.875]);
    assert!(rows.iter().all(|r| r["model"] == "overparam" && r["metric"] == "relative_distance"));
    let simulate =
        ["simulate", "overparam", "--dim", "6", "--samples", "2", "--generations", "2", "--replicates", "50", "--format", "json"];
    let doc: serde_json::Value = serde_json::from_slice(&collapse(&simulate).stdout).unwrap();
    assert_eq!(doc["data"][0]["theorem"], "linear-overparameterised");
    assert_eq!(doc["data"].as_array().unwrap().len(), 2);
    rejects(&["theory", "overparam", "--dim", "10", "--samples", "10"], &["--samples", "10", "1 <= T0 < d = 10"]);
    rejects(&["simulate", "overparam", "--generations", "0"], &["--generations", "0", "must be between 1 and"]);
}

#[test]
fn toml_schedule_files_read_like_csv_and_errors_name_the_line() {
    let toml = custom_file("acc.toml", "# accumulate\nweights = [\n  [1],\n  [1, 1],\n  [2, 2, 2],\n]\n");
    let csv = custom_file("acc3.csv", "1\n1,1\n2,2,2\n");
    let run = |path: &std::path::Path| {
        let regime = format!("custom:{}", path.display());
        let rows = records(&collapse(&["theory", "linear", "--regime", &regime, "--generations", "3", "--format", "csv"]));
        rows.iter().map(|r| r["theory"].clone()).collect::<Vec<_>>()
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
    let rows = records(&out);
    // Replace: base d/(T-d-1) = 1/2 times sum of sigma_g^2 = 1, 1 + 4, 1 + 4 + 4; each row's
    // sigma is the noise level of the batch it creates.
    let cells: Vec<(f64, f64)> = rows.iter().map(|r| (number(r, "sigma"), number(r, "theory"))).collect();
    assert_eq!(cells, [(1.0, 0.5), (2.0, 2.5), (2.0, 4.5)]);
    rejects(&with(THEORY, &["--sigma", "1,-2"]), &["--sigma", "1,-2", "generation 2", ">= 0"]);
    rejects(&with(THEORY, &["--sigma", "1,,2"]), &["--sigma", "is not a number"]);
}

#[test]
fn ridge_needs_a_given_design_for_its_closed_form() {
    rejects(&with(THEORY, &["--ridge", "0.5"]), &["--ridge", "0.5", "--fixed-design"]);
    rejects(&with(THEORY, &["--ridge=-1", "--fixed-design", "3"]), &["--ridge", "-1", ">= 0"]);
    let rows = records(&collapse(&with(THEORY, &["--ridge", "0.5", "--fixed-design", "3", "--generations", "3", "--format", "csv"])));
    assert!(rows.iter().all(|r| r["theorem"] == "linear-ridge" && r["ridge"] == "0.5"), "{rows:?}");
    let out = collapse(&with(SIMULATE, &["--ridge", "0.5", "--generations", "2", "--format", "csv"]));
    assert!(out.status.success() && stderr(&out).contains("no closed form"), "{}", stderr(&out));
}

#[test]
fn subsample_is_exact_on_the_constant_design_and_asymptotic_otherwise() {
    let exact = ["theory", "linear", "--regime", "accumulate-subsample", "--dim", "1", "--samples", "1", "--fixed-design", "ones"];
    let rows = records(&collapse(&with(&exact, &["--generations", "2", "--format", "csv"])));
    // T = 1: E theta_n^2 = sigma^2 H_n.
    assert_eq!(rows.iter().map(|r| number(r, "theory")).collect::<Vec<_>>(), [1.0, 1.5]);
    assert!(rows.iter().all(|r| r["exactness"] == "exact"));
    let simulate = [
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
        "csv",
    ];
    let out = collapse(&simulate);
    assert!(stderr(&out).contains("asymptotic reference"), "{}", stderr(&out));
    for r in records(&out) {
        assert_eq!(r["exactness"], "asymptotic");
        assert!(r["note"].contains("asymptotic reference"), "{r:?}");
        assert!(number(&r, "theory") > 0.0);
    }
    rejects(&["theory", "linear", "--regime", "replace", "--fixed-design", "ones"], &["--fixed-design", "ones", "--dim 1"]);
    rejects(&["theory", "linear", "--regime", "replace", "--fixed-design", "x"], &["--fixed-design", "x", "seed"]);
}

#[test]
fn downstream_theory_simulate_and_errors() {
    let args = ["--dim", "2", "--chain-samples", "6", "--chain-sigma", "1", "--samples", "5", "--sigma", "2", "--generations", "3"];
    let rows = records(&collapse(&with(&["theory", "downstream"], &with(&args, &["--format", "csv"]))));
    // Generation g = n + 1 after n chain generations: sigma^2 d/(T-d-1) + n sigma0^2 d/(T0-d-1) = 4 + n * 2/3.
    assert_eq!(rows.len(), 3);
    for (g, r) in (1..).zip(&rows) {
        assert_eq!(number(r, "generation"), g as f64);
        assert!((number(r, "theory") - (4.0 + (g - 1) as f64 * 2.0 / 3.0)).abs() < 1e-12, "{r:?}");
        assert_eq!((r["model"].as_str(), r["family"].as_str(), r["chain_samples"].as_str()), ("downstream", "linear", "6"));
    }
    let rows = records(&collapse(&with(&["simulate", "downstream", "--replicates", "20", "--format", "csv"], &args)));
    assert_eq!(rows.iter().map(|r| r["generation"].as_str()).collect::<Vec<_>>(), ["1", "2", "3"]);
    // T0 = 6 < d + 4 and T = 5 < d + 4: infinite variances, said so.
    assert!(rows.iter().all(|r| r["reliable"] == "false" && r["note"].contains("infinite variance")), "{rows:?}");
    rejects(&["theory", "downstream", "--chain-samples", "11"], &["--chain-samples", "11", "T0 >= d + 2 = 12"]);
    rejects(&["theory", "downstream", "--ridge", "1"], &["--ridge", "1", "--fixed-design"]);
    rejects(&["theory", "downstream", "--generations", "0"], &["--generations", "0", "between 1 and"]);
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
fn gaussian_theory_records_every_closed_form() {
    let rows = records(&collapse(&with(GAUSSIAN_THEORY, &["--samples", "3", "--estimator", "mle", "--format", "csv"])));
    let metrics = ["mean_error", "variance_ratio", "sd_ratio", "log_variance_ratio", "wasserstein", "collapsed"];
    assert_eq!(rows.len(), metrics.len() * 5);
    // Generation 2, mle, M = 3: E sigma_2^2 / sigma^2 = r^2 = 4/9 (exact), E (mu_2 - mu)^2 = 1 - r^2 = 5/9.
    let at = |metric: &str, g: &str| of_metric(&rows, metric).into_iter().find(|r| r["generation"] == g).unwrap().clone();
    assert!((number(&at("mean_error", "2"), "theory") - 5.0 / 9.0).abs() < 1e-12);
    assert!((number(&at("variance_ratio", "2"), "theory") - 4.0 / 9.0).abs() < 1e-12);
    assert_eq!(at("log_variance_ratio", "2")["exactness"], "exact");
    assert!(number(&at("log_variance_ratio", "2"), "median_theory") < 0.0, "the exact median of log sigma_n^2");
    assert!(rows.iter().all(|r| r["estimator"] == "mle" && r["dim"] == "1"));
    // Accumulate has no closed form for E sigma_n: the cell is empty, not NaN, and the note says why.
    let rows = records(&collapse(&with(GAUSSIAN_THEORY, &["--regime", "accumulate", "--format", "csv"])));
    for r in of_metric(&rows, "sd_ratio") {
        assert_eq!(r["theory"], "", "{r:?}");
        assert!(r["note"].starts_with("no closed form: "), "{r:?}");
    }
    assert!(rows.iter().all(|r| !r.values().any(|v| v == "NaN")));
}

#[test]
fn gaussian_simulate_json_reports_every_metric_with_its_theorem() {
    let out = collapse(&with(GAUSSIAN_SIMULATE, &["--samples", "10", "--format", "json"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = doc["data"].as_array().unwrap();
    assert_eq!(rows.len(), 6 * 5);
    let theorem = |metric: &str| rows.iter().find(|r| r["metric"] == metric).unwrap()["theorem"].clone();
    assert_eq!(theorem("log_variance_ratio"), "gaussian-replace-variance");
    assert_eq!(theorem("wasserstein"), "gaussian-replace-wasserstein");
    let log_rows: Vec<_> = rows.iter().filter(|r| r["metric"] == "log_variance_ratio").collect();
    assert_eq!(log_rows.len(), 5);
    for r in &log_rows {
        assert!(r["median"].is_number() && r["median_theory"].is_number() && r["theory"].is_number(), "{r}");
    }
    // The probability of collapse: Wilson's interval, inside [0, 1].
    for r in rows.iter().filter(|r| r["metric"] == "collapsed") {
        let (low, high) = (r["ci_low"].as_f64().unwrap(), r["ci_high"].as_f64().unwrap());
        assert!((0.0..=1.0).contains(&low) && (0.0..=1.0).contains(&high) && low <= high, "{r}");
    }
    let only = records(&collapse(&with(GAUSSIAN_SIMULATE, &["--metric", "collapsed,sd_ratio", "--format", "csv"])));
    assert_eq!(only.len(), 2 * 5);
    rejects(&with(GAUSSIAN_SIMULATE, &["--metric", "entropy"]), &["--metric", "entropy"]);
}

#[test]
fn gaussian_heavy_tails_past_n_equal_m_are_marked_unreliable() {
    let rows =
        records(&collapse(&["simulate", "gaussian", "--samples", "3", "--generations", "5", "--replicates", "50", "--format", "csv"]));
    for r in &rows {
        let heavy = ["mean_error", "variance_ratio", "wasserstein"].contains(&r["metric"].as_str()) && number(r, "generation") > 3.0;
        assert_eq!(r["reliable"], if heavy { "false" } else { "true" }, "{r:?}");
        assert_eq!(r["note"].contains("heavy-tailed"), heavy, "{r:?}");
    }
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
fn categorical_theory_records_every_metric() {
    let rows = records(&collapse(&with(CATEGORICAL_THEORY, &["--initial", "list:0.5,0.5", "--samples", "2", "--format", "csv"])));
    // M = 2, p_0 = (1/2, 1/2): the model stays (1/2, 1/2) with probability 1/2 a
    // generation, else it is a point mass. Generation 2: E H = (1/2)(1/2)^2 = 1/8,
    // P(point mass) = 3/4, E survivors = 2 - 3/4, P(the tail, outcome 2, lost) = 3/8.
    let at = |metric: &str| of_metric(&rows, metric).into_iter().find(|r| r["generation"] == "2").unwrap().clone();
    assert_eq!(number(&at("diversity"), "theory"), 0.125);
    assert_eq!(number(&at("survivors"), "theory"), 1.25);
    assert_eq!(number(&at("collapsed"), "theory"), 0.75);
    assert_eq!(number(&at("tail_lost"), "theory"), 0.375);
    let entropy = at("entropy");
    assert_eq!(entropy["theory"], "", "the entropy has no closed form: an empty cell, not NaN");
    assert!(entropy["note"].contains("no closed form: the Shannon entropy has none"), "the empty cell's reason: {entropy:?}");
    assert_eq!(at("diversity")["initial"], "list:0.5,0.5");
}

#[test]
fn categorical_simulate_json_reports_every_metric_with_its_theorem() {
    let out = collapse(&with(CATEGORICAL_SIMULATE, &["--regime", "accumulate", "--real", "7", "--format", "json"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["metadata"]["real"], 7);
    let rows = doc["data"].as_array().unwrap();
    assert_eq!(rows.len(), 8 * 5);
    let theorem = |metric: &str| rows.iter().find(|r| r["metric"] == metric).unwrap()["theorem"].clone();
    assert_eq!(theorem("diversity"), "categorical-accumulate-diversity");
    assert_eq!(theorem("tail_mass"), "categorical-martingale");
    for r in rows.iter().filter(|r| r["metric"] == "survivors") {
        assert!(r["theory"].is_number() && r["std_error"].is_number(), "{r}");
    }
    let theory = collapse(&with(CATEGORICAL_THEORY, &["--regime", "accumulate", "--real", "7", "--format", "json"]));
    let doc: serde_json::Value = serde_json::from_slice(&theory.stdout).unwrap();
    assert!(doc["metadata"]["diversity_limit"].as_f64().unwrap() > 0.0);
    let only = records(&collapse(&with(CATEGORICAL_SIMULATE, &["--metric", "survivors,tail_lost", "--format", "csv"])));
    assert_eq!(only.len(), 2 * 5);
    rejects(&with(CATEGORICAL_SIMULATE, &["--metric", "wasserstein"]), &["--metric", "wasserstein"]);
}

#[test]
fn absorption_table_shows_exact_diffusion_and_gap() {
    let rows = records(&collapse(&["theory", "absorption", "--samples", "2,10", "--format", "csv"]));
    assert_eq!(rows.len(), 2);
    // M = 2, p = 1/2: absorbed each generation with probability 1/2, E tau = 2.
    let r = &rows[0];
    assert_eq!((r["model"].as_str(), r["samples"].as_str(), r["initial"].as_str()), ("absorption", "2", "list:0.5,0.5"));
    assert!((number(r, "exact") - 2.0).abs() < 1e-14 && (number(r, "diffusion") - 4.0 * std::f64::consts::LN_2).abs() < 1e-14, "{r:?}");
    assert!((number(r, "gap") - (number(r, "exact") - number(r, "diffusion"))).abs() < 1e-14);
}
