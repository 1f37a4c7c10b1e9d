//! Traceability: every theorem id has its proof, its closed form's doc
//! section, its Monte Carlo check, its property test and its figure; every
//! check and every figure belongs to a registered theorem.

use model_collapse::registry::theorems;
use model_collapse::verify::{Expect, checks};
use std::path::Path;

fn read_dir_text(dir: &str, prefix: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut text = String::new();
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_file() && name.starts_with(prefix) {
            text += &std::fs::read_to_string(&path).unwrap();
        } else if path.is_dir() {
            text += &read_dir_text(&format!("{dir}/{name}"), prefix);
        }
    }
    text
}

#[test]
fn ids_are_unique_and_kebab_case() {
    let ids: Vec<&str> = theorems().iter().map(|t| t.id).collect();
    for (i, id) in ids.iter().enumerate() {
        assert!(id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{id}");
        assert!(id.starts_with(theorems()[i].family), "{id} does not start with its family");
        assert!(!ids[..i].contains(id), "duplicate id {id}");
    }
}

#[test]
fn every_theorem_has_a_proof_that_names_it() {
    for t in theorems() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(t.proof());
        let text = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} has no proof at {}", t.id, t.proof()));
        assert!(text.contains(t.id), "{} does not name {}", t.proof(), t.id);
    }
}

#[test]
fn every_theorem_has_a_documented_closed_form() {
    let src = read_dir_text("src", "");
    for t in theorems() {
        assert!(src.contains(&format!("**{}.**", t.id)), "no doc section `**{}.**` in src/", t.id);
    }
}

#[test]
fn every_theorem_has_a_check_and_every_check_a_theorem() {
    let all = checks();
    for t in theorems() {
        assert!(all.iter().any(|c| c.id == t.id && c.expect == Expect::Agree), "{} has no check", t.id);
    }
    for c in &all {
        assert!(theorems().iter().any(|t| t.id == c.id), "check for unregistered id {}", c.id);
    }
}

#[test]
fn every_theorem_has_a_property_test() {
    let tests = read_dir_text("tests", "properties");
    for t in theorems() {
        assert!(tests.contains(&format!("mod {}", t.id.replace('-', "_"))), "no property-test module for {}", t.id);
    }
}

#[test]
fn every_theorem_has_a_figure_in_plots() {
    let figures = model_collapse::figure::figures();
    let gallery = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("plots/README.md")).unwrap_or_default();
    for t in theorems() {
        assert!(figures.iter().any(|f| f.id == t.id), "{} has no registered figure (src/<family>/figures.rs)", t.id);
        for ext in ["svg", "png"] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("plots/{}.{ext}", t.id));
            assert!(path.is_file(), "{} is missing: run `collapse plot {}`", path.display(), t.id);
        }
        assert!(gallery.contains(&format!("## {}\n", t.id)), "plots/README.md has no entry for {}: run `collapse plot all`", t.id);
    }
    for f in &figures {
        assert!(theorems().iter().any(|t| t.id == f.id), "figure for unregistered id {}", f.id);
    }
}
