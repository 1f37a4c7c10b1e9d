//! `categorical-accumulate-diversity`: under accumulate the diversity decreases
//! to a positive limit.

use super::{model, pooled};
use crate::categorical::CategoricalRegime::Replace;
use crate::categorical::theory::{Metric, accumulate_diversity_limit, gini_simpson, ids};
use crate::categorical::zipf;
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series, both};
use crate::mc::MonteCarlo;
use crate::model::Run;
use crate::theorem::{Entry, Theorem};
use crate::verify::{Case, Check};

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::ACCUMULATE_DIVERSITY,
        statement: "accumulate with a real pool of S_0: E H(generation g) = H(p_0) (1 - 1/S_0) prod_{j=1}^{g-1} (1 - M/S_j^2), S_j = S_0 + j M, decreasing to (1 - 1/S_0) Gamma(b)^2/(Gamma(b-x) Gamma(b+x)) > 0 (b = 1 + S_0/M, x = M^-1/2), which is sin(pi/sqrt M)/(pi/sqrt M) for S_0 = M; Var q(A) = pi (1 - pi)(1 - that factor)",
        source: "Gerstgrasser et al. (2024), accumulate; the exact products derived for this project (the issue's product over j = 0..n needs S_0 = M)",
        check: "diversity and the tail mass's variance up to g = 100 for S_0 = M and S_0 != M; controls: replace's formula, the j = 0 factor 1 - M/S_0^2 with S_0 != M",
    },
    checks,
    figure: FigureSpec { replicates: 4000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    let p = zipf(20, 1.1);
    let decay = |real: usize| -> Result<Check> {
        let case = Case::new(pooled(&p, 5, real, 100)?).at(Metric::Diversity, &[1, 2, 10, 100]);
        Ok(case.at(Metric::TailSpread, &[1, 10, 100]).check(ids::ACCUMULATE_DIVERSITY))
    };
    let replace = Case::new(pooled(&p, 5, 5, 20)?).at(Metric::Diversity, &[20]).against("the other regime's formula", model(&p, 5, Replace, 20)?);
    // The issue's product over j = 0..g-1, whose j = 0 factor 1 - M/S_0^2 is right only for S_0 = M.
    let issue = Case::new(pooled(&p, 5, 20, 2)?).at(Metric::Diversity, &[1]).control("j = 0 factor 1 - M/S_0^2", |m, _| {
        let s = m.setup();
        let (h0, m, s0) = (gini_simpson(s.probabilities()), s.samples() as f64, s.real_samples() as f64);
        let factor = |j: u64| 1.0 - m / (s0 + j as f64 * m).powi(2);
        Ok((1..=s.generations()).map(|g| h0 * (0..g).map(factor).product::<f64>()).collect())
    });
    Ok(vec![decay(5)?, decay(20)?, replace.check(ids::ACCUMULATE_DIVERSITY), issue.check(ids::ACCUMULATE_DIVERSITY)])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let p = zipf(20, 1.1);
    let (m, n) = (5, 100);
    let mut panel = Panel::new("accumulate, M = 5", "generation g", "E H(generation g)").log(true, false);
    for (key, real) in [(0, 2), (1, 5), (2, 20)] {
        let run = Run::new(pooled(&p, m, real, n)?, mc)?;
        panel.series.extend(both(&run, Metric::Diversity, &format!("S_0 = {real}"), key)?);
        let limit = gini_simpson(&p) * accumulate_diversity_limit(real, m);
        panel.series.push(Series::bound(format!("S_0 = {real}: limit"), key, [1.0, n as f64], [limit; 2]));
    }
    let title = format!("{}: down to a positive limit", ids::ACCUMULATE_DIVERSITY);
    let settings = "Zipf(1.1) on K = 20 outcomes, M = 5, real pools S_0 = 2, 5, 20; limits (1 - 1/S_0) Gamma(b)^2/(Gamma(b-x) Gamma(b+x)) times H(p_0)";
    Ok(Figure::new(ids::ACCUMULATE_DIVERSITY, title, settings, mc, 1, vec![panel]))
}
