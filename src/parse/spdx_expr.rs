//! SPDX license expressions as written in `Cargo.toml`: strict parse, the
//! lax fallback crates.io tolerates (`MIT/Apache-2.0`), the canonical
//! spelling to suggest, and the license ids whose texts must ship.

use spdx::{Expression, ParseMode};

/// A `license = "…"` value, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// A valid SPDX expression.
    Canonical {
        /// Every license id it names, in order, deduplicated.
        ids: Vec<String>,
    },
    /// Parses only in lax mode (`MIT/Apache-2.0`, `Apache 2.0`).
    Lax {
        /// Every license id it names.
        ids: Vec<String>,
        /// How to write it.
        canonical: String,
    },
    /// Not an SPDX expression.
    Invalid {
        /// The parser's reason.
        reason: String,
    },
}

/// Longest expression handed to the parser; Cargo manifests never need more.
const MAX_LEN: usize = 1024;

/// Parses a license expression. Never panics.
pub fn parse(text: &str) -> Parsed {
    if text.len() > MAX_LEN {
        return Parsed::Invalid {
            reason: format!("expression is longer than {MAX_LEN} characters"),
        };
    }
    match Expression::parse(text) {
        Ok(e) => Parsed::Canonical { ids: ids_of(&e) },
        Err(strict) => match Expression::parse_mode(text, ParseMode::LAX) {
            Ok(e) => {
                let canonical = Expression::canonicalize(text)
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| e.to_string());
                Parsed::Lax {
                    ids: ids_of(&e),
                    canonical,
                }
            }
            Err(_) => Parsed::Invalid {
                reason: strict.reason.to_string(),
            },
        },
    }
}

/// License ids (not `LicenseRef-…`) named by an expression.
fn ids_of(e: &Expression) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in e.requirements() {
        if let Some(id) = r.req.license.id() {
            let name = id.name.to_string();
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// The license ids of an expression, lax mode, empty when it does not parse.
pub fn ids(text: &str) -> Vec<String> {
    match parse(text) {
        Parsed::Canonical { ids } | Parsed::Lax { ids, .. } => ids,
        Parsed::Invalid { .. } => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn canonical_lax_invalid() {
        assert_eq!(
            parse("MIT OR Apache-2.0"),
            Parsed::Canonical {
                ids: vec!["MIT".into(), "Apache-2.0".into()]
            }
        );
        match parse("MIT/Apache-2.0") {
            Parsed::Lax { ids, canonical } => {
                assert_eq!(ids, vec!["MIT", "Apache-2.0"]);
                assert_eq!(canonical, "MIT OR Apache-2.0");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse("MIT AND AND"), Parsed::Invalid { .. }));
        assert!(matches!(parse(""), Parsed::Invalid { .. }));
        assert_eq!(ids("Apache-2.0 WITH LLVM-exception"), vec!["Apache-2.0"]);
        assert_eq!(ids("MIT AND (MIT OR ISC)"), vec!["MIT", "ISC"]);
        assert!(ids("LicenseRef-Proprietary").is_empty());
        assert!(matches!(
            parse(&"MIT OR ".repeat(500)),
            Parsed::Invalid { .. }
        ));
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,80}") {
            let _ = parse(&text);
        }

        #[test]
        fn operator_soup(parts in proptest::collection::vec(
            prop_oneof![
                Just("MIT"), Just("Apache-2.0"), Just("OR"), Just("AND"), Just("WITH"),
                Just("("), Just(")"), Just("/"), Just("+"), Just("LicenseRef-x"), Just("GPL-2.0"),
            ],
            0..12,
        )) {
            let _ = parse(&parts.join(" "));
            let _ = parse(&parts.concat());
        }
    }
}
