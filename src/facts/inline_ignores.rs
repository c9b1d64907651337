//! The `readiness: ignore[…]` comments in the files findings point at.
//!
//! Read after the checks ran, and only the files holding a finding with a
//! line: a run without findings reads nothing more. Files are read as
//! every other file is (inside the repository, regular, bounded, text);
//! the texts read during collection are reused.

use std::collections::{BTreeMap, BTreeSet};

use super::Facts;
use super::files;
use crate::parse::ignore_comment::{self, CommentStyle, IgnoreComment};

/// The ignore comments of each of `paths` (relative to the workspace
/// root) that has any. A file that cannot be read as text has none.
pub fn collect<'a>(
    facts: &Facts,
    paths: impl IntoIterator<Item = &'a str>,
) -> BTreeMap<String, Vec<IgnoreComment>> {
    let paths: BTreeSet<&str> = paths.into_iter().collect();
    let top = super::workspace::repository_of(&facts.root);
    let canonical_top = std::fs::canonicalize(&top).unwrap_or(top);
    let limit = facts.config.scan.max_file_size;
    let mut found = BTreeMap::new();
    for path in paths {
        let style = CommentStyle::for_path(path);
        let comments = match facts.text(path) {
            Some(t) => t.text().map(|text| ignore_comment::scan(text, style)),
            // Only files the walk saw: a finding's path is always one, and
            // nothing else is opened.
            None if facts.files.contains(path) => {
                files::read_text_limited(&canonical_top, &facts.root.join(path), limit)
                    .ok()
                    .map(|text| ignore_comment::scan(&text, style))
            }
            None => None,
        };
        if let Some(comments) = comments.filter(|c| !c.is_empty()) {
            found.insert(path.to_string(), comments);
        }
    }
    found
}
