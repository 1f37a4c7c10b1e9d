//! `linear-schedule`: every data schedule from one recursion.

use super::{ITERATION, Setting, TEST_ERROR, level, over_designs, setup};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, both};
use crate::linear::Design::Reused;
use crate::linear::model::LinearMetric::TestError;
use crate::linear::theory::{Limit, LinearTheory, ids, limit_factor};
use crate::mc::MonteCarlo;
use crate::schedule::Regime::{self, Accumulate, AccumulateSubsample, FreshReal, Mix, Replace, ReplaceGrowing, Window};
use crate::schedule::random_custom;
use crate::spectrum::Spectrum;
use crate::theorem::{Entry, Theorem};
use crate::verify::Check;

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::SCHEDULE,
        statement: "any schedule, reused design: w_n - w* = sum_b c_{n,b} eta_b with c_n = sum_b a_{n,b} (c_{s(b)} + e_b), so E[test error | X] = tr(Sigma (X^T X)^{-1}) sum_b c_{n,b}^2 sigma_b^2, and d / (T - d - 1) in place of the trace over designs",
        source: "derived for this project, generalising Dohmatob et al. (2024) Sec. 4 and Gerstgrasser et al. (2024) Sec. 3",
        check: "random custom weight matrices, over designs and for one given design",
    },
    checks,
    figure: FigureSpec { replicates: 2000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    let power = Spectrum::PowerLaw(1.0);
    Ok(vec![
        Setting::new(4, 16, 1.0, random_custom(5, 8), Reused, 8).case(&[2, 5, 8])?.check(ids::SCHEDULE),
        Setting::new(3, 5, 1.0, random_custom(6, 6), Reused, 6).spectrum(power).given(13).case(&[3, 6])?.check(ids::SCHEDULE),
    ])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let (d, t, n) = (5, 100, 50);
    let setup = setup(d, t, 1.0, Spectrum::Identity)?;
    let base = LinearTheory::new(&setup)?.base();
    let limit = |regime: &Regime| match limit_factor(regime) {
        Limit::Finite(f) => Some(f * base),
        Limit::Unbounded | Limit::Unknown => None,
    };
    let mut bounded = Panel::new("bounded (dotted: limits)", ITERATION, TEST_ERROR);
    for (key, regime) in [(1, Accumulate), (2, Mix(0.3)), (6, FreshReal(0.5))] {
        let label = regime.to_string();
        bounded.series.extend(both(&over_designs(&setup, regime.clone(), Reused, n, mc)?, TestError, &label, key)?);
        if let Some(y) = limit(&regime) {
            bounded.series.push(level(format!("{label}, limit"), key, n, y));
        }
    }
    let mut subsample = Panel::new("accumulate-subsample (large T)", ITERATION, TEST_ERROR);
    let label = AccumulateSubsample.to_string();
    subsample.series.extend(both(&over_designs(&setup, AccumulateSubsample, Reused, n, mc)?, TestError, &label, 5)?);
    if let Some(y) = limit(&AccumulateSubsample) {
        subsample.series.push(level("large-T limit", 5, n, y));
    }
    let mut unbounded = Panel::new("unbounded", ITERATION, TEST_ERROR).log(false, true);
    for (key, regime) in [(0, Replace), (3, Window(3)), (4, ReplaceGrowing)] {
        let label = regime.to_string();
        unbounded.series.extend(both(&over_designs(&setup, regime, Reused, n, mc)?, TestError, &label, key)?);
    }
    let settings = format!(
        "d = {d}, T = {t}, sigma = 1, identity covariance, one design per chain (reused); base = sigma^2 d/(T-d-1) \
         = {base:.4}. Closed forms base times the schedule's factor from c_n = sum_b a_(n,b) (c_(s(b)) + e_b); \
         dotted levels the limits as n -> infinity: (pi^2/6) base (accumulate), base (1 + (1-LAMBDA)^2/(LAMBDA \
         (2-LAMBDA))) (mix:0.3), base ((1-P)^2 + P^2)/(1-P^2) (fresh-real:0.5), (pi^2/2 - 2) base \
         (accumulate-subsample). The accumulate-subsample closed form and limit hold as T -> infinity (dotted); \
         at finite T the simulation lies above them (see {}). Replace, window:3 and \
         replace-growing grow without bound (like n, n/4 and ln n)",
        ids::ACCUMULATE_SUBSAMPLE
    );
    let title = format!("{}: every data schedule from one recursion", ids::SCHEDULE);
    Ok(Figure::new(ids::SCHEDULE, title, &settings, mc, 3, vec![bounded, subsample, unbounded]))
}
