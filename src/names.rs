//! Enums with fixed names: designs, estimators, metrics, output formats. The
//! names are the spelling of every front end (the command line's values, the
//! table columns, the Python keywords), written once, in the [`named!`]
//! invocation beside each enum.
//!
//! [`named!`]: crate::named

use crate::error::{Error, Result};

/// An enum whose values have fixed names.
pub trait Named: Copy + PartialEq + Send + Sync + 'static {
    /// The parameter its values are given as, for errors (`design`, `metric`).
    const PARAMETER: &'static str;
    /// Every value, in order.
    const ALL: &'static [Self];

    /// The value's name.
    fn name(self) -> &'static str;

    /// The value named `text`, or an error that lists the names.
    fn from_name(text: &str) -> Result<Self> {
        Self::ALL.iter().copied().find(|v| v.name() == text).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|v| v.name()).collect();
            Error::invalid(Self::PARAMETER, text, format!("must be one of {}", names.join(", ")))
        })
    }

    /// Position in [`Named::ALL`].
    fn index(self) -> usize {
        Self::ALL.iter().position(|&v| v == self).unwrap_or_default()
    }
}

/// Implements [`Named`], `Display` and `FromStr` for a fieldless enum from one
/// list of `Variant => "name"` pairs:
///
/// ```
/// #[derive(Debug, Clone, Copy, PartialEq)]
/// enum Side { Left, Right }
/// model_collapse::named!(Side, "side", [Side::Left => "left", Side::Right => "right"]);
/// use model_collapse::names::Named;
/// assert_eq!(Side::from_name("right").unwrap(), Side::Right);
/// assert_eq!(Side::Left.to_string(), "left");
/// ```
#[macro_export]
macro_rules! named {
    ($ty:ty, $parameter:literal, [$($variant:path => $name:literal),+ $(,)?]) => {
        impl $crate::names::Named for $ty {
            const PARAMETER: &'static str = $parameter;
            const ALL: &'static [Self] = &[$($variant),+];

            fn name(self) -> &'static str {
                match self {
                    $($variant => $name),+
                }
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::names::Named::name(*self))
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::error::Error;

            fn from_str(text: &str) -> $crate::error::Result<Self> {
                <$ty as $crate::names::Named>::from_name(text)
            }
        }
    };
}
