//! `categorical-replace-diversity`: `E H(p_g) = H(p_0) (1 - 1/M)^g` under replace.

use super::model;
use crate::categorical::CategoricalRegime::{Accumulate, Replace};
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
        id: ids::REPLACE_DIVERSITY,
        statement: "replace: Gini-Simpson diversity E H(p_g) = H(p_0) (1 - 1/M)^g -> 0; Var p_g(A) = p_0(A)(1 - p_0(A))(1 - (1 - 1/M)^g); P(not yet a point mass) <= E H_g / (2(M-1)/M^2)",
        source: "Shumailov et al. (2024), Nature 631, discrete case; the decay of heterozygosity of Wright-Fisher; the bounds derived for this project",
        check: "diversity and the tail mass's variance up to g = 100, Zipf and uniform starts; control: accumulate's formula",
    },
    checks,
    figure: FigureSpec { replicates: 4000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    let zipf20 = zipf(20, 1.1);
    let decay = |p: &[f64]| -> Result<Check> {
        let case = Case::new(model(p, 20, Replace, 100)?).at(Metric::Diversity, &[1, 5, 20, 50, 100]);
        Ok(case.at(Metric::TailSpread, &[1, 10, 50]).check(ids::REPLACE_DIVERSITY))
    };
    let control = Case::new(model(&zipf20, 20, Replace, 20)?)
        .at(Metric::Diversity, &[20])
        .against("the other regime's formula", model(&zipf20, 20, Accumulate, 20)?);
    Ok(vec![decay(&zipf20)?, decay(&[0.25; 4])?, control.check(ids::REPLACE_DIVERSITY)])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let p = zipf(10, 1.0);
    let n = 100;
    let replace = Run::new(model(&p, 20, Replace, n)?, mc)?;
    let accumulate = Run::new(model(&p, 20, Accumulate, n)?, mc)?;
    let limit = gini_simpson(&p) * accumulate_diversity_limit(20, 20);
    let mut diversity = Panel::new("Gini-Simpson diversity", "generation g", "E H(p_g)").log(false, true);
    diversity.series.extend(both(&replace, Metric::Diversity, "replace", 0)?);
    diversity.series.extend(both(&accumulate, Metric::Diversity, "accumulate", 1)?);
    diversity.series.push(Series::bound("accumulate limit", 1, [1.0, n as f64], [limit; 2]));
    let mut spread = Panel::new("variance of the tail mass", "generation g", "Var p_g(A)");
    spread.series.extend(both(&replace, Metric::TailSpread, "replace", 0)?);
    spread.series.extend(both(&accumulate, Metric::TailSpread, "accumulate", 1)?);
    let title = format!("{}: E H(p_g) = H(p_0)(1 - 1/M)^g under replace", ids::REPLACE_DIVERSITY);
    let settings = "Zipf(1.0) on K = 10 outcomes, M = 20 (accumulate: S_0 = M)";
    Ok(Figure::new(ids::REPLACE_DIVERSITY, title, settings, mc, 2, vec![diversity, spread]))
}
