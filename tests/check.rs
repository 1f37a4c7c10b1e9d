//! `collapse check`: a researcher's own results against a theorem. The
//! shipped data (examples/check, made by a NumPy script independent of this
//! crate) pass on a theorem of every family; the deliberately wrong data fail;
//! bad data and settings are one-line errors.

mod common;

use common::{collapse, records};
use std::path::{Path, PathBuf};

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/check").join(name).display().to_string()
}

const LINEAR: &[&str] = &["--dim", "5", "--samples", "20", "--sigma", "1", "--regime", "replace"];
const GAUSSIAN: &[&str] = &["--samples", "20", "--estimator", "unbiased", "--regime", "replace", "--metric", "log_variance_ratio"];
const CATEGORICAL: &[&str] = &["--initial", "list:0.4,0.3,0.15,0.1,0.05", "--samples", "20", "--metric", "diversity"];

fn check(id: &str, data: &str, settings: &[&str]) -> std::process::Output {
    let mut args = vec!["check", id, "--data", data];
    args.extend(settings);
    args.extend(["--format", "csv"]);
    let out = collapse(&args);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"), "{args:?}");
    out
}

#[test]
fn the_shipped_data_pass_and_the_wrong_data_fail_in_every_family() {
    for (id, file, settings, generations) in [
        ("linear-replace", "linear-replace", LINEAR, 10),
        ("gaussian-replace-variance", "gaussian-log-variance", GAUSSIAN, 20),
        ("categorical-replace-diversity", "categorical-diversity", CATEGORICAL, 15),
    ] {
        let good = check(id, &example(&format!("{file}.csv")), settings);
        assert_eq!(good.status.code(), Some(0), "{id}: {}", String::from_utf8_lossy(&good.stderr));
        let rows = records(&good);
        assert_eq!(rows.len(), generations, "{id}: one assertion per generation");
        assert!(rows.iter().all(|r| r["verdict"] == "pass" && r["theorem"] == id));
        let wrong = check(id, &example(&format!("{file}-wrong.csv")), settings);
        assert_eq!(wrong.status.code(), Some(1), "{id}: the wrong data must fail");
        assert!(String::from_utf8_lossy(&wrong.stdout).contains("FAIL"));
    }
    // Precomputed summaries (generation,mean,std_error,replicates) are judged alike.
    let summary = check("linear-replace", &example("linear-replace-summary.csv"), LINEAR);
    assert_eq!(summary.status.code(), Some(0), "{}", String::from_utf8_lossy(&summary.stderr));
}

/// Writes `text` to a scratch file and returns its path.
fn data(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("collapse-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn bad_data_and_settings_are_one_line_errors_naming_the_rule() {
    let two = "replicate,generation,value\n0,1,0.3\n1,1,0.2\n";
    for (text, settings, words) in [
        ("rep,gen,val\n0,1,0.3\n", LINEAR, "needs either replicate,generation,value"),
        ("replicate,generation,value\n0,1,abc\n1,1,0.2\n", LINEAR, "line 2, column value: `abc` is not a number"),
        ("replicate,generation,value\n0,1,NaN\n1,1,0.2\n", LINEAR, "NaN is not a finite number"),
        ("replicate,generation,value\n0,1,0.3\n", LINEAR, "a standard error needs at least 2"),
        ("replicate,generation,value\n0,0,0.3\n1,0,0.2\n", LINEAR, "is not a generation"),
        ("replicate,generation,value\n0,1,0.3\n0,1,0.2\n", LINEAR, "replicate 0 has two values at generation 1"),
        (two, &["--dim", "5", "--samples", "20", "--regime", "replace", "--generations", "0"], "--generations"),
        (two, &["--dim", "5", "--samples", "20", "--regime", "accumulate"], "is linear-accumulate's, not linear-replace's"),
        (two, &["--dim", "5", "--samples", "8", "--regime", "replace"], "infinite variance"),
        (two, &["--dim", "5", "--samples", "20", "--regime", "replace", "--dimm", "3"], "--dimm"),
    ] {
        let path = data("bad.csv", text);
        let out = check("linear-replace", path.to_str().unwrap(), settings);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text} {settings:?}: {err}");
        assert!(err.lines().next().unwrap_or_default().contains(words), "{text} {settings:?}: `{words}` not in {err}");
    }
    let path = data("past.csv", "replicate,generation,value\n0,12,0.3\n1,12,0.2\n");
    let out = check("linear-replace", path.to_str().unwrap(), &[LINEAR, &["--generations", "10"]].concat());
    assert!(String::from_utf8_lossy(&out.stderr).contains("past the closed form's generations 1..=10"));
    // Heavy tails: the Gaussian replace loop's variance ratio past n = M is refused with the reason.
    let many: String = std::iter::once("replicate,generation,value\n".to_string())
        .chain((0..3).flat_map(|r| (1..=30).map(move |g| format!("{r},{g},1.0\n"))))
        .collect();
    let path = data("heavy.csv", &many);
    let out = check("gaussian-replace-variance", path.to_str().unwrap(), &["--samples", "10", "--metric", "variance_ratio"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no evidence") && err.contains("well-behaved functional"), "{err}");
    let out = collapse(&["check", "no-such-theorem", "--data", path.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown theorem id"));
}
