//! `linear-window`: the last `K` batches, equally; unbounded, asymptotically `n (2/(K+1))^2`.

use crate::common::{ACCURATE, NUMERICAL};
use crate::support::config;
use crate::support::linear::last;
use approx::assert_relative_eq;
use model_collapse::linear::Regime;
use model_collapse::linear::theory::{factor_curve, window_slope};
use proptest::prelude::*;

proptest! {
    #![proptest_config(config())]

    #[test]
    fn one_is_replace_and_the_window_grows(k in 1u64..8, n in 2u64..120) {
        let f = factor_curve(&Regime::Window(k), n);
        if k == 1 {
            assert_relative_eq!(f[n as usize - 1], n as f64, max_relative = ACCURATE);
        }
        prop_assert!(f.windows(2).all(|w| w[1] > w[0]), "not increasing: {f:?}");
        prop_assert!(f[n as usize - 1] >= last(factor_curve(&Regime::Accumulate, n)) * (1.0 - ACCURATE));
    }
}

#[test]
fn grows_linearly_with_slope_four_over_k_plus_one_squared() {
    // The transient decays geometrically, so the increments over the
    // last 200 of 1000 generations equal the slope to rounding.
    for k in [1u64, 2, 3, 4, 7] {
        let f = factor_curve(&Regime::Window(k), 1000);
        let slope = (f[999] - f[799]) / 200.0;
        assert_relative_eq!(slope, window_slope(k), max_relative = NUMERICAL);
    }
}
