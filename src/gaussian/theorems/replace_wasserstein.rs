//! `gaussian-replace-wasserstein`: the Wasserstein distance of the replace
//! chain to the truth, unbounded (unbiased) or below `2 sigma^2` (mle).

use super::{Setting, both_upto, level, scalar};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series, Style, generations, values};
use crate::gaussian::Estimator::{Mle, Unbiased};
use crate::gaussian::GaussianRegime::Replace;
use crate::gaussian::theory::{Metric, ids};
use crate::mc::MonteCarlo;
use crate::model::{Model, Run};
use crate::theorem::{Entry, Theorem};
use crate::verify::{Case, Check};

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::REPLACE_WASSERSTEIN,
        statement: "1-D replace: E W2^2 = n sigma^2 / M + 2 sigma^2 (1 - c_M^n) (unbiased), unbounded, about (3/2) sigma^2 n / M while n << M; 2 sigma^2 (1 - (c_M sqrt r)^n) < 2 sigma^2 (mle)",
        source: "Shumailov et al. (2024), Nature 631, Theorem 3.1; exact finite-n forms derived for this project",
        check: "mean W2^2 at n <= M, unbiased and mle; control: the mle formula for the unbiased chain",
    },
    checks,
    figure: FigureSpec { replicates: 8000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    let distance = |estimator| -> Result<Check> {
        Ok(Case::new(Setting::new(20, estimator, Replace, 20).setup()?).at(Metric::Wasserstein, &[1, 5, 20]).check(ids::REPLACE_WASSERSTEIN))
    };
    let unbiased = Setting::new(20, Unbiased, Replace, 20);
    let mle = Case::new(unbiased.setup()?).at(Metric::Wasserstein, &[20]).against("the mle formula", unbiased.estimator(Mle).setup()?);
    Ok(vec![distance(Unbiased)?, distance(Mle)?, mle.check(ids::REPLACE_WASSERSTEIN)])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let id = ids::REPLACE_WASSERSTEIN;
    let (m, long) = (20, 100);
    let short = m as u64;
    let unbiased_short = Run::new(scalar(m, Unbiased, Replace, short)?, mc)?;
    let mut near = Panel::new(format!("(a) n <= M = {m}"), "generation n", "E W2^2");
    let rate = generations(short).map(|g| 1.5 * g / m as f64);
    near.series.push(Series::plain("(3/2) n sigma^2 / M", Style::Thin, 6, generations(short), rate));
    near.series.extend(both_upto(&unbiased_short, Metric::Wasserstein, "unbiased", 0, short)?);
    near.series.extend(both_upto(&Run::new(scalar(m, Mle, Replace, short)?, mc)?, Metric::Wasserstein, "mle", 1, short)?);
    near.series.push(level("mle bound 2 sigma^2", 1, short, 2.0));
    let unbiased_long = values(scalar(m, Unbiased, Replace, long)?.closed_form(Metric::Wasserstein))?;
    let mut far = Panel::new(format!("(b) n <= {long}"), "generation n", "E W2^2").log(true, true);
    far.series.push(Series::theory("unbiased", 0, generations(long), unbiased_long));
    far.series.extend(both_upto(&Run::new(scalar(m, Mle, Replace, long)?, mc)?, Metric::Wasserstein, "mle", 1, long)?);
    far.series.push(level("mle bound 2 sigma^2", 1, long, 2.0));
    let settings = format!(
        "One dimension, replace, M = {m}, sigma = 1; W2^2 = (mu_n - mu)^2 + (sigma_n - sigma)^2. E W2^2 = n sigma^2 / M + 2 sigma^2 (1 - c_M^n) \
         (unbiased, unbounded; about (3/2) n sigma^2 / M while n << M) and 2 sigma^2 (1 - (c_M sqrt r)^n) < 2 sigma^2 (mle). (a) n <= M; \
         (b) n <= {long}, log axes: the unbiased closed form alone (its W2^2 inherits the heavy tail of sigma_n^2 and (mu_n - mu)^2, \
         so it is simulated for n <= M only) and the mle simulated throughout"
    );
    let title = format!("{id}: E W2^2 unbounded (unbiased), below 2 sigma^2 (mle)");
    Ok(Figure::new(id, title, &settings, mc, 2, vec![near, far]))
}
