//! `linear-window`: a window of the last `K` batches still collapses, slowly.

use super::{ITERATION, Setting, TEST_ERROR, over_designs, setup};
use crate::error::Result;
use crate::figure::{Figure, FigureSpec, Panel, Series, Style, both, generations};
use crate::linear::Design::Reused;
use crate::linear::model::LinearMetric::TestError;
use crate::linear::theory::{LinearTheory, ids, window_slope};
use crate::mc::MonteCarlo;
use crate::schedule::Regime::{Accumulate, Window};
use crate::spectrum::Spectrum;
use crate::theorem::{Entry, Theorem};
use crate::verify::Check;

/// The registry entry, checks and figure.
pub const ENTRY: Entry = Entry {
    theorem: Theorem {
        id: ids::WINDOW,
        statement: "window:K (last K batches, equally): E / base from the exact recursion, unbounded, asymptotically n (2/(K+1))^2 (not a finite limit: the weights sum to one, a unit root)",
        source: "introduced for this project",
        check: "mean test error up to n = 30; control: accumulate's bounded formula is rejected",
    },
    checks,
    figure: FigureSpec { replicates: 2000, build: figure },
};

fn checks() -> Result<Vec<Check>> {
    let control = Setting::new(5, 20, 1.0, Window(3), Reused, 30);
    let control = control.case(&[30])?.against("the accumulate formula", control.regime(Accumulate).model()?);
    Ok(vec![Setting::new(5, 20, 1.0, Window(3), Reused, 30).case(&[3, 10, 30])?.check(ids::WINDOW), control.check(ids::WINDOW)])
}

fn figure(mc: &MonteCarlo) -> Result<Figure> {
    let (d, t, n) = (5, 20, 100);
    let setup = setup(d, t, 1.0, Spectrum::Identity)?;
    let theory = LinearTheory::new(&setup)?;
    let base = theory.base();
    let mut over_n = Panel::new(format!("d = {d}, T = {t}, sigma = 1"), ITERATION, TEST_ERROR);
    for (key, k) in [(0, 3), (1, 10)] {
        let label = format!("window:{k}");
        over_n.series.extend(both(&over_designs(&setup, Window(k), Reused, n, mc)?, TestError, &label, key)?);
        let slope = window_slope(k) * base;
        over_n.series.push(Series::bound(format!("{label}, rate"), key, generations(n), generations(n).map(|g| g * slope)));
    }
    let accumulate = theory.curve(&Accumulate, Reused, n)?;
    over_n.series.push(Series::plain("accumulate", Style::Thin, 6, generations(n), accumulate.values));
    // Right: the error at generation n against the window K (K = 1 is replace, K >= n accumulate).
    let widths: Vec<u64> = (1..=n).collect();
    let mut at_n = Vec::new();
    for &k in &widths {
        at_n.push(theory.curve(&Window(k), Reused, n)?.values[n as usize - 1]);
    }
    let simulated: [u64; 8] = [1, 2, 3, 5, 10, 20, 50, 100];
    let mut summaries = Vec::new();
    for &k in &simulated {
        summaries.push(over_designs(&setup, Window(k), Reused, n, mc)?.summary(TestError, n));
    }
    let ks = || widths.iter().map(|&k| k as f64);
    let label = format!("n = {n}");
    let mut against = Panel::new(format!("at n = {n}, against the window K"), "window K (batches)", TEST_ERROR).log(true, true);
    against.series.push(Series::theory(&label, 2, ks(), at_n));
    against.series.push(Series::simulation(&label, 2, simulated.iter().map(|&k| k as f64), &summaries));
    // The growth rate describes K << n only.
    let small = || widths.iter().filter(|&&k| 4 * k <= n);
    let rate = small().map(|&k| n as f64 * base * window_slope(k));
    against.series.push(Series::bound("n base (2/(K+1))^2", 6, small().map(|&k| k as f64), rate));
    let settings = "window:K: generation n fits the last min(n, K) batches equally; d = 5, T = 20, sigma = 1, identity covariance, \
                    reused design; base = sigma^2 d/(T-d-1). Closed form from the schedule recursion; dotted: the asymptotic growth \
                    n base (2/(K+1))^2, no finite limit. Left: K = 3 and 10 over n, thin: accumulate, bounded. Right: the error at \
                    n = 100 against K (K = 1 is replace, K = 100 accumulate), the growth rate drawn for K <= n/4";
    let title = format!("{}: a window of the last K batches still collapses, slowly", ids::WINDOW);
    Ok(Figure::new(ids::WINDOW, title, settings, mc, 2, vec![over_n, against]))
}
