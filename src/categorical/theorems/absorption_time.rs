//! `categorical-absorption-time`: the expected time to a point mass, exact from
//! the fundamental matrix, beside the diffusion value.

use crate::categorical::exact::{BinomialChain, diffusion_absorption_time};
use crate::categorical::model::{AbsorptionMetric, AbsorptionModel};
use crate::categorical::theory::ids;
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series};
use crate::mc::MonteCarlo;
use crate::model::Run;
use crate::theorem::{Entry, Theorem};
use crate::verify::{Case, Check};

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::ABSORPTION_TIME,
        statement: "replace: E tau = 1 + sum_k sum_i Binomial(M, p_0(k))(i) w_i, w = (I - Q)^-1 (i/M)_i, exact for any K (two outcomes: t = (I - Q)^-1 1); beside the diffusion value -2M sum_k (1 - p_k) ln(1 - p_k): a few generations below it once every M p_0(k) is a few units, above it when some M p_0(k) is small (numerical observation)",
        source: "Kimura and Ohta (1969), Littler (1975) for the diffusion value; the exact fundamental-matrix formula for any K derived for this project",
        check: "mean absorption time of chains run to a point mass, two outcomes (M = 10, 30) and four; control: the diffusion value",
    },
    checks,
    figure: FigureSpec { replicates: 2000, build: figure },
};

/// The mean absorption time of chains run to a point mass.
fn time(p: &[f64], samples: usize) -> Result<Case<AbsorptionModel>> {
    Ok(Case::new(AbsorptionModel::new(p, samples)?).at(AbsorptionMetric::Time, &[0]))
}

fn checks() -> Result<Vec<Check>> {
    let diffusion =
        time(&[0.5, 0.5], 10)?.control("the diffusion value", |m, _| Ok(vec![diffusion_absorption_time(m.samples(), m.probabilities())]));
    Ok(vec![
        time(&[0.5, 0.5], 10)?.check(ids::ABSORPTION_TIME),
        time(&[0.1, 0.9], 30)?.check(ids::ABSORPTION_TIME),
        time(&[0.5, 0.3, 0.15, 0.05], 10)?.check(ids::ABSORPTION_TIME),
        diffusion.check(ids::ABSORPTION_TIME),
    ])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let sizes: Vec<usize> = vec![2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000];
    let simulated = [5, 10, 20, 50, 100];
    let mut time = Panel::new("expected generations to a point mass", "samples per generation M", "E tau").log(true, true);
    let mut gap = Panel::new("exact minus diffusion", "samples per generation M", "E tau - diffusion value").log(true, false);
    for (key, p) in [(0, vec![0.5, 0.5]), (1, vec![0.1, 0.9]), (2, vec![0.1; 10])] {
        let label = if p.len() == 2 { format!("p = {}", p[0]) } else { "uniform, K = 10".to_string() };
        let mut exact = Vec::new();
        for &m in &sizes {
            exact.push(BinomialChain::new(m)?.expected_absorption_time(&p)?);
        }
        let diffusion: Vec<f64> = sizes.iter().map(|&m| diffusion_absorption_time(m, &p)).collect();
        let xs = || sizes.iter().map(|&m| m as f64);
        time.series.push(Series::theory(label.clone(), key, xs(), exact.clone()));
        time.series.push(Series::bound(format!("{label}: diffusion"), key, xs(), diffusion.clone()));
        let mut summaries = Vec::new();
        for &m in &simulated {
            summaries.push(Run::new(AbsorptionModel::new(&p, m)?, mc)?.summary(AbsorptionMetric::Time, 0));
        }
        time.series.push(Series::simulation(label.clone(), key, simulated.iter().map(|&m| m as f64), &summaries));
        gap.series.push(Series::theory(label, key, xs(), exact.iter().zip(&diffusion).map(|(e, d)| e - d)));
    }
    let title = format!("{}: exact E tau against the diffusion value", ids::ABSORPTION_TIME);
    let settings = "replace; two outcomes with p = 0.5 and 0.1, and ten equally likely outcomes; exact by the fundamental matrix (lines), diffusion -2M sum_k (1 - p_k) ln(1 - p_k) (dotted); the gap changes sign where M p_0(k) is of order one";
    Ok(Figure::new(ids::ABSORPTION_TIME, title, settings, mc, 2, vec![time, gap]))
}
