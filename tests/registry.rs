//! Traceability: every theorem id in the catalog has its proof, its closed
//! form's doc section, its Monte Carlo checks (filed under the theorem whose
//! closed form they compare with), its property-test file and its figure.

use model_collapse::catalog::{FAMILIES, checks, entries, theorems};
use model_collapse::verify::Expect;
use std::collections::HashSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read_dir_text(dir: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            text += &read_dir_text(&path);
        } else if path.extension().is_some_and(|e| e == "rs") {
            text += &std::fs::read_to_string(&path).unwrap();
        }
    }
    text
}

#[test]
fn ids_are_unique_and_belong_to_their_family() {
    let mut seen = HashSet::new();
    for family in FAMILIES {
        for entry in family.theorems {
            let id = entry.theorem.id;
            assert_eq!(id.family(), family.name, "{id} is listed under the family {}", family.name);
            assert!(seen.insert(id), "duplicate id {id}");
        }
    }
}

#[test]
fn every_theorem_has_a_proof_that_names_it() {
    for t in theorems() {
        let text = std::fs::read_to_string(root().join(t.proof())).unwrap_or_else(|_| panic!("{} has no proof at {}", t.id, t.proof()));
        assert!(text.contains(t.id.as_str()), "{} does not name {}", t.proof(), t.id);
    }
}

#[test]
fn every_theorem_has_a_documented_closed_form() {
    let src = read_dir_text(&root().join("src"));
    for t in theorems() {
        assert!(src.contains(&format!("**{}.**", t.id)), "no doc section `**{}.**` in src/", t.id);
    }
}

#[test]
fn every_theorem_has_an_agreeing_check_filed_under_the_theorem_it_compares_with() {
    for entry in entries() {
        let id = entry.theorem.id;
        let own = (entry.checks)().unwrap_or_else(|e| panic!("{id}: its checks do not build: {e}"));
        assert!(own.iter().any(|c| c.expect == Expect::Agree), "{id} has no agreeing check");
        for check in &own {
            assert_eq!(check.id, id, "a check of {id}'s file is filed under {}", check.id);
            for compared in &check.compares {
                assert_eq!(*compared, id, "{id}: the check `{}` compares with {compared}'s closed form", check.settings);
            }
            if check.expect == Expect::Agree {
                assert!(!check.compares.is_empty(), "{id}: the check `{}` compares with no closed form", check.settings);
            }
        }
    }
}

#[test]
fn every_check_has_its_own_seed() {
    let all = checks(&[]).unwrap();
    let mut seeds = HashSet::new();
    for (i, check) in all.iter().enumerate() {
        let case = all[..i].iter().filter(|c| c.id == check.id).count();
        assert!(seeds.insert(check.seed(1, case)), "{} case {case} repeats a seed", check.id);
    }
}

#[test]
fn every_theorem_has_a_property_test_file() {
    let main = std::fs::read_to_string(root().join("tests/properties/main.rs")).unwrap();
    for t in theorems() {
        let name = t.id.as_str().replace('-', "_");
        assert!(root().join(format!("tests/properties/{name}.rs")).is_file(), "no tests/properties/{name}.rs for {}", t.id);
        assert!(main.contains(&format!("mod {name};")), "tests/properties/main.rs does not declare `mod {name};`");
    }
}

#[test]
fn every_theorem_has_its_figure_in_plots() {
    let gallery = std::fs::read_to_string(root().join("plots/README.md")).unwrap_or_default();
    for t in theorems() {
        for ext in ["svg", "png"] {
            let path = root().join(format!("plots/{}.{ext}", t.id));
            assert!(path.is_file(), "{} is missing: run `collapse plot {}`", path.display(), t.id);
        }
        assert!(gallery.contains(&format!("## {}\n", t.id)), "plots/README.md has no entry for {}: run `collapse plot all`", t.id);
    }
}
