//! Recognising a license by its text (askalono's n-gram similarity, as
//! inlined in the `spdx` crate), so a file named `LICENSE-MIT` that holds
//! the BSD text is caught.
//!
//! The store holds the licenses Rust crates commonly use plus whatever the
//! manifests declare; comparing against all ~700 SPDX texts would cost far
//! more and gain little.

use spdx::detection::{Store, TextData};

/// Confidence from which a text is taken to be a license.
pub const CONFIDENT: f32 = 0.8;

/// Licenses always in the store.
const COMMON: &[&str] = &[
    "0BSD",
    "AGPL-3.0-only",
    "Apache-2.0",
    "Artistic-2.0",
    "BlueOak-1.0.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSD-3-Clause-Clear",
    "BSL-1.0",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC0-1.0",
    "CDDL-1.0",
    "EPL-2.0",
    "EUPL-1.2",
    "GPL-2.0-only",
    "GPL-3.0-only",
    "ISC",
    "LGPL-2.1-only",
    "LGPL-3.0-only",
    "MIT",
    "MIT-0",
    "MPL-2.0",
    "MS-PL",
    "NCSA",
    "OpenSSL",
    "PostgreSQL",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "Unlicense",
    "WTFPL",
    "X11",
    "Zlib",
];

/// Reference license texts to compare files against.
///
/// Most files hold a license the manifest declares, word for word: that
/// is checked first, by comparing words (well under a millisecond). Then
/// the declared licenses are compared by similarity (a few milliseconds to
/// build their store); the store of common licenses (tens of milliseconds)
/// is only built when a text does not clearly match a declared license.
pub struct Recognizer {
    declared: std::sync::OnceLock<Store>,
    declared_ids: Vec<String>,
    common: std::sync::OnceLock<Store>,
    /// Results by file, so a file shared by many members (the workspace
    /// root's LICENSE) is compared once.
    memo: std::sync::Mutex<std::collections::HashMap<String, Option<Recognition>>>,
}

/// What a text was recognised as.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognition {
    /// SPDX id of the closest license.
    pub id: String,
    /// Similarity in `[0, 1]`.
    pub score: f32,
}

impl Recognition {
    /// Whether the match is close enough to name the license.
    pub fn is_confident(&self) -> bool {
        self.score >= CONFIDENT
    }
}

/// A match this close to a declared license needs no second opinion.
const CERTAIN: f32 = 0.95;

fn store_of<'a>(ids: impl IntoIterator<Item = &'a str>) -> Store {
    let mut store = Store::new();
    let mut texts_seen: Vec<&'static str> = Vec::new();
    for name in ids {
        let Some(id) = spdx::license_id(name) else {
            continue;
        };
        let text = id.text();
        // Identical texts (GPL-3.0-only / -or-later) are stored once, under
        // the first name; `same_text` makes them equivalent.
        if text.trim().is_empty() || texts_seen.contains(&text) {
            continue;
        }
        texts_seen.push(text);
        store.add_license(id.name.to_string(), TextData::new(text));
    }
    store
}

fn best(store: &Store, text: &TextData) -> Option<Recognition> {
    if store.is_empty() {
        return None;
    }
    let m = store.analyze(text);
    Some(Recognition {
        id: m.name.to_string(),
        score: m.score,
    })
}

impl Recognizer {
    /// A recognizer for the `declared` SPDX ids, falling back to the common
    /// licenses.
    pub fn new<'a>(declared: impl IntoIterator<Item = &'a str>) -> Recognizer {
        let declared_ids: Vec<String> = declared.into_iter().map(str::to_string).collect();
        Recognizer {
            declared: std::sync::OnceLock::new(),
            declared_ids,
            common: std::sync::OnceLock::new(),
            memo: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// [`recognize`](Self::recognize), remembered by the text: a workspace
    /// whose members each ship (or symlink) the same LICENSE files pays
    /// for one recognition per distinct text, not one per member.
    pub fn recognize_file(&self, text: &str) -> Option<Recognition> {
        if let Some(hit) = self.memo.lock().ok().and_then(|m| m.get(text).cloned()) {
            return hit;
        }
        let result = self.recognize(text);
        if let Ok(mut m) = self.memo.lock() {
            m.insert(text.to_string(), result.clone());
        }
        result
    }

    /// The closest license to `text`.
    pub fn recognize(&self, text: &str) -> Option<Recognition> {
        if text.trim().is_empty() {
            return None;
        }
        if let Some(id) = self
            .declared_ids
            .iter()
            .find(|id| spdx::license_id(id).is_some_and(|l| same_words(text, l.text())))
        {
            return Some(Recognition {
                id: id.clone(),
                score: 1.0,
            });
        }
        let data = TextData::new(text);
        let declared = self
            .declared
            .get_or_init(|| store_of(self.declared_ids.iter().map(String::as_str)));
        let declared = best(declared, &data);
        if declared.as_ref().is_some_and(|r| r.score >= CERTAIN) {
            return declared;
        }
        let common = self.common.get_or_init(|| {
            store_of(
                COMMON
                    .iter()
                    .copied()
                    .chain(self.declared_ids.iter().map(String::as_str)),
            )
        });
        match (declared, best(common, &data)) {
            (Some(d), Some(c)) => Some(if c.score > d.score { c } else { d }),
            (d, c) => c.or(d),
        }
    }
}

/// How many words longer than a license's text a file must be before it is
/// read as holding several texts (`LICENSE.txt` with the MIT and the
/// Apache text one after the other): more than the clause BSD-3-Clause adds
/// to BSD-2-Clause, less than the shortest common license (MIT, ~160).
const SEVERAL_TEXTS: usize = 120;

/// Share of the license's word triples the file must hold.
const CONTAINED: f32 = 0.9;

/// Whether `text` holds the license `id`'s text among others: a file
/// longer than that license by at least another license's length (so a BSD-3-Clause file does not "hold"
/// BSD-2-Clause) that has nearly all of its word triples. chrono keeps a
/// preamble, the MIT text and the Apache text in one `LICENSE.txt`; the
/// closest single license to the whole file is Apache, yet MIT is there.
pub fn holds_among_others(text: &str, id: &str) -> bool {
    let Some(license) = spdx::license_id(id) else {
        return false;
    };
    let reference: Vec<String> = license_words(license.text()).collect();
    if reference.len() < 3 {
        return false;
    }
    let file: Vec<String> = license_words(text).collect();
    if file.len() < reference.len() + SEVERAL_TEXTS {
        return false;
    }
    let triples = |words: &[String]| -> std::collections::HashSet<(String, String, String)> {
        words
            .windows(3)
            .map(|w| (w[0].clone(), w[1].clone(), w[2].clone()))
            .collect()
    };
    let wanted = triples(&reference);
    let have = triples(&file);
    let found = wanted.iter().filter(|t| have.contains(*t)).count();
    found as f32 >= wanted.len() as f32 * CONTAINED
}

/// A license text's words, lower-cased, without its copyright lines.
fn license_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines()
        .filter(|line| {
            let line = line.trim_start_matches(|c: char| !c.is_alphanumeric());
            !line
                .get(..9)
                .is_some_and(|w| w.eq_ignore_ascii_case("copyright"))
        })
        .flat_map(|line| line.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Whether `text` is the license `reference` word for word, apart from its
/// copyright lines, case, punctuation and line wrapping: the common case of
/// a LICENSE file copied from the canonical text, which needs no similarity
/// measure. Anything else (edits, other wrapping of a copyright line) goes
/// to the n-gram comparison.
fn same_words(text: &str, reference: &str) -> bool {
    let mut reference_words = license_words(reference).peekable();
    reference_words.peek().is_some() && license_words(text).eq(reference_words)
}

/// Whether two SPDX ids name licenses with the same canonical text (e.g.
/// `GPL-3.0-only` and `GPL-3.0-or-later`, or deprecated `GPL-3.0`).
pub fn same_text(a: &str, b: &str) -> bool {
    fn family(id: &str) -> &str {
        let id = id.trim_end_matches('+');
        id.strip_suffix("-only")
            .or_else(|| id.strip_suffix("-or-later"))
            .unwrap_or(id)
    }
    if a == b || family(a) == family(b) {
        return true;
    }
    match (spdx::license_id(a), spdx::license_id(b)) {
        (Some(x), Some(y)) => x.text() == y.text(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_canonical_texts() {
        let r = Recognizer::new([]);
        for id in ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC"] {
            let text = spdx::license_id(id).unwrap().text();
            let got = r.recognize(text).unwrap();
            assert_eq!(got.id, id);
            assert!(got.is_confident());
        }
    }

    #[test]
    fn mit_with_copyright_line_is_mit() {
        let r = Recognizer::new([]);
        let text = format!(
            "MIT License\n\nCopyright (c) 2026 Jane Doe\n\n{}",
            spdx::license_id("MIT")
                .unwrap()
                .text()
                .split_once('\n')
                .unwrap()
                .1
        );
        assert_eq!(r.recognize(&text).unwrap().id, "MIT");
    }

    #[test]
    fn a_file_with_several_texts_holds_each() {
        let mit = spdx::license_id("MIT").unwrap().text();
        let apache = spdx::license_id("Apache-2.0").unwrap().text();
        let both = format!(
            "Dual-licensed under MIT [1] and Apache-2.0 [2].\n\n[1]:\n~~~~\n{mit}\n~~~~\n\n[2]:\n~~~~\n{apache}\n~~~~\n"
        );
        assert!(holds_among_others(&both, "MIT"));
        assert!(holds_among_others(&both, "Apache-2.0"));
        assert!(!holds_among_others(&both, "BSD-3-Clause"));
        // A text about as long as the license is one text, judged whole.
        let bsd3 = spdx::license_id("BSD-3-Clause").unwrap().text();
        assert!(!holds_among_others(bsd3, "BSD-2-Clause"));
        assert!(!holds_among_others(mit, "MIT"));
    }

    #[test]
    fn falls_back_to_common_licenses() {
        let r = Recognizer::new(["MIT"]);
        let got = r
            .recognize(spdx::license_id("BSD-3-Clause").unwrap().text())
            .unwrap();
        assert_eq!(got.id, "BSD-3-Clause");
    }

    #[test]
    fn prose_is_not_confident() {
        let r = Recognizer::new([]);
        let got = r
            .recognize("This is a README about a parser for TOML files.")
            .unwrap();
        assert!(!got.is_confident(), "{got:?}");
    }

    #[test]
    fn a_declared_license_copied_word_for_word_is_recognised_without_the_store() {
        let r = Recognizer::new(["MIT", "Apache-2.0"]);
        let mit = spdx::license_id("MIT").unwrap().text();
        let copied = format!(
            "MIT License\n\nCopyright (c) 2026 Jane Doe\n   and others\n\n{}",
            mit.split_once('\n').unwrap().1.replace('\n', " \n")
        );
        assert!(same_words(
            &copied.replace("Jane Doe\n   and others", "Jane Doe"),
            mit
        ));
        let got = r.recognize(&copied.replace("Jane Doe\n   and others", "Jane Doe"));
        assert_eq!(got.unwrap().score, 1.0);
        assert!(r.declared.get().is_none(), "the similarity store was built");
        // One word changed: not the same words, so the similarity decides.
        let edited = copied.replace("free of charge", "for a small fee");
        assert!(!same_words(&edited, mit));
        let got = r.recognize(&edited).unwrap();
        assert_eq!(got.id, "MIT");
        assert!(got.score < 1.0);
        // Nothing matches an empty reference.
        assert!(!same_words("", ""));
    }

    #[test]
    fn equivalent_ids() {
        assert!(same_text("GPL-3.0-only", "GPL-3.0-or-later"));
        assert!(!same_text("MIT", "Apache-2.0"));
    }
}
