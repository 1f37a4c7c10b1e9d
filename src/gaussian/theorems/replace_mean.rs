//! `gaussian-replace-mean`: under replace the error of the fitted mean grows
//! like `n sigma^2 / M`.

use super::{Setting, both_upto, level, scalar};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel};
use crate::gaussian::Estimator::{KnownVariance, Mle, Unbiased};
use crate::gaussian::GaussianRegime::Replace;
use crate::gaussian::theory::{Metric, ids};
use crate::mc::MonteCarlo;
use crate::model::Run;
use crate::theorem::{Entry, Theorem};
use crate::verify::{Case, Check};

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::REPLACE_MEAN,
        statement: "1-D replace: E (mu_n - mu)^2 = n sigma^2 / M (unbiased, or a known variance), growing without bound; sigma^2 (1 - r^n) (mle)",
        source: "Shumailov et al. (2024), Nature 631, Theorem 3.1 and Methods; the mle variant derived for this project",
        check: "mean squared error of the mean at n <= M, unbiased, mle and known variance; control: the mle formula for the unbiased chain",
    },
    checks,
    figure: FigureSpec { replicates: 8000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    let mean = |estimator| -> Result<Check> {
        Ok(Case::new(Setting::new(20, estimator, Replace, 20).sigma(2.0).setup()?).at(Metric::MeanError, &[1, 5, 20]).check(ids::REPLACE_MEAN))
    };
    let known = Case::new(Setting::new(20, KnownVariance, Replace, 50).sigma(2.0).setup()?).at(Metric::MeanError, &[1, 10, 50]);
    let unbiased = Setting::new(20, Unbiased, Replace, 20).sigma(2.0);
    let mle = Case::new(unbiased.setup()?).at(Metric::MeanError, &[20]).against("the mle formula", unbiased.estimator(Mle).setup()?);
    Ok(vec![mean(Unbiased)?, mean(Mle)?, known.check(ids::REPLACE_MEAN), mle.check(ids::REPLACE_MEAN)])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let id = ids::REPLACE_MEAN;
    let (m, long) = (20, 200);
    let short = m as u64;
    let mut near = Panel::new(format!("(a) n <= M = {m}: every fit"), "generation n", "E (mu_n - mu)^2");
    for (estimator, label, key) in [(Unbiased, "unbiased", 0), (Mle, "mle", 1), (KnownVariance, "known variance", 2)] {
        near.series.extend(both_upto(&Run::new(scalar(m, estimator, Replace, short)?, mc)?, Metric::MeanError, label, key, short)?);
    }
    near.series.push(level("mle limit sigma^2", 1, short, 1.0));
    let mut far = Panel::new(format!("(b) n <= {long}: light-tailed fits"), "generation n", "E (mu_n - mu)^2");
    for (estimator, label, key) in [(KnownVariance, "known variance", 2), (Mle, "mle", 1)] {
        far.series.extend(both_upto(&Run::new(scalar(m, estimator, Replace, long)?, mc)?, Metric::MeanError, label, key, long)?);
    }
    far.series.push(level("mle limit sigma^2", 1, long, 1.0));
    let settings = format!(
        "One dimension, replace, M = {m}, sigma = 1. E (mu_n - mu)^2 = n sigma^2 / M for the unbiased fit and for a known variance, \
         sigma^2 (1 - r^n) for the mle, r = (M-1)/M. (a) n <= M; (b) n <= {long}, the known variance and the mle only: the unbiased \
         chain has the same mean n sigma^2 / M, but (mu_n - mu)^2 inherits the heavy tail of sigma_n^2 (its variance grows like \
         ((M+1)/(M-1))^n), so it is simulated for n <= M only"
    );
    let title = format!("{id}: E (mu_n - mu)^2 = n sigma^2 / M grows without bound (M = {m})");
    Ok(Figure::new(id, title, &settings, mc, 2, vec![near, far]))
}
