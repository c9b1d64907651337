//! Small pure parsers for governance files: gitignore-style patterns,
//! CODEOWNERS, Markdown links, forge URLs, SPDX expressions.
//!
//! Each is linear in its input, returns problems as values and never
//! panics (property tests feed them arbitrary text).

pub mod codeowners;
pub mod forge;
pub mod glob;
pub mod ignore_comment;
pub mod markdown;
pub mod spdx_expr;
