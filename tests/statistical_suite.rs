//! The heavy tier: the whole `collapse verify` suite (every registered check
//! and negative control) at a seed other than `collapse verify`'s, so that a
//! second, independent replicate of the suite can be run on demand. CI runs
//! `collapse verify` itself; this run costs about as much again.

use model_collapse::budget::Limits;
use model_collapse::catalog;
use model_collapse::verify::Expect;

const SEED: u64 = 0x5EED_0002;

#[test]
#[ignore = "heavy: the whole verify suite at another seed (a few seconds with optimisations, as `cargo test` builds); run it with `cargo test --release --test statistical_suite -- --ignored`"]
fn every_registered_check_holds_and_every_control_is_rejected() {
    let report = catalog::verify(&[], SEED, 10_000, None, &Limits::of_this_machine(), &|_, _, _| {}).expect("valid checks");
    assert!(report.assertions >= 250, "too few assertions: {}", report.assertions);
    assert!(report.checks.iter().any(|o| o.expect == Expect::Reject), "no negative control ran");
    for o in &report.checks {
        assert!(
            o.passed,
            "{} at {} n={}: theory {} estimate {} +- {} (z = {:?}, critical {}, expect {:?})",
            o.id, o.settings, o.generation, o.theory, o.estimate, o.std_error, o.z, report.z_critical, o.expect
        );
    }
}
