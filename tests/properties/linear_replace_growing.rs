//! `linear-replace-growing`: `n T` rows from the newest model, `E / base = H_n = sum_{i<=n} 1/i`.

use crate::common::ACCURATE;
use crate::support::config;
use model_collapse::linear::theory::replace_growing_factor;
use proptest::prelude::*;

proptest! {
    #![proptest_config(config())]

    #[test]
    fn grows_like_the_logarithm(n in 1u64..100_000) {
        let h = replace_growing_factor(n);
        // ln(n + 1) < H_n <= 1 + ln n
        prop_assert!(h > ((n + 1) as f64).ln() && h <= 1.0 + (n as f64).ln() + ACCURATE, "n = {n}: {h}");
        prop_assert!(h <= n as f64);
    }
}
