//! A small owned YAML tree with line numbers, built from `saphyr`.
//!
//! Workflow checks need two things a plain YAML value loses: the line of
//! every key and item (findings point at the step), and GitHub's reading of
//! the document (aliases expanded, `<<` merge keys applied). This module is
//! the only place that knows the parser's types.

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

/// A YAML node and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// 1-based line of the node's first character.
    pub line: usize,
    /// The value.
    pub value: Value,
}

/// A YAML value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~` or empty.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order.
    Map(Vec<(Node, Node)>),
}

/// A document that is not valid YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line the parser stopped at.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The parser's message.
    pub message: String,
}

/// Parses the first document of `text`. An empty stream is `Null`.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let docs = MarkedYaml::load_from_str(text).map_err(|e| YamlError {
        line: e.marker().line(),
        column: e.marker().col() + 1,
        message: e.info().to_string(),
    })?;
    Ok(docs
        .into_iter()
        .next()
        .map(|d| convert(&d))
        .unwrap_or(Node {
            line: 1,
            value: Value::Null,
        }))
}

fn convert(y: &MarkedYaml<'_>) -> Node {
    let line = y.span.start.line().max(1);
    let value = match &y.data {
        YamlData::Value(s) => scalar(s),
        YamlData::Representation(s, _, _) => Value::Str(s.to_string()),
        YamlData::Sequence(items) => Value::Seq(items.iter().map(convert).collect()),
        YamlData::Mapping(map) => {
            let mut entries: Vec<(Node, Node)> = Vec::new();
            let mut merges: Vec<Node> = Vec::new();
            for (k, v) in map {
                let key = convert(k);
                if key.value == Value::Str("<<".into()) {
                    merges.push(convert(v));
                } else {
                    entries.push((key, convert(v)));
                }
            }
            // `<<: *anchor` (or a list of anchors): explicit keys win.
            for merge in merges {
                let sources = match merge.value {
                    Value::Seq(items) => items,
                    other => vec![Node {
                        line: merge.line,
                        value: other,
                    }],
                };
                for source in sources {
                    if let Value::Map(more) = source.value {
                        for (k, v) in more {
                            if !entries.iter().any(|(ek, _)| ek.value == k.value) {
                                entries.push((k, v));
                            }
                        }
                    }
                }
            }
            Value::Map(entries)
        }
        YamlData::Tagged(_, inner) => return convert(inner),
        YamlData::Alias(_) | YamlData::BadValue => Value::Null,
    };
    Node { line, value }
}

fn scalar(s: &Scalar<'_>) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Int(*i),
        Scalar::FloatingPoint(f) => Value::Float(f.into_inner()),
        Scalar::String(s) => Value::Str(s.to_string()),
    }
}

impl Node {
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and value of `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_key().as_deref() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// Mapping entries (empty for anything else).
    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// Sequence items (empty for anything else).
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// The string, if this is a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as mapping-key text. YAML 1.1 readers (GitHub's among them)
    /// read a bare `on` key as the string "on"; a YAML 1.2 parser may give
    /// `true`, so booleans are spelled back.
    pub fn as_key(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Bool(true) => Some("on".into()),
            Value::Bool(false) => Some("off".into()),
            Value::Int(i) => Some(i.to_string()),
            _ => None,
        }
    }

    /// Whether this is a mapping.
    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_lines() {
        let n = parse("name: ci\non:\n  push:\n    branches: [main]\n")
            .unwrap_or_else(|e| panic!("{e:?}"));
        let on = n
            .get("on")
            .map(|o| o.entries().to_vec())
            .unwrap_or_default();
        assert_eq!(on[0].0.as_str(), Some("push"));
        assert_eq!(on[0].0.line, 3);
    }

    #[test]
    fn expands_aliases_and_merge_keys() {
        let text = "base: &b\n  a: 1\n  b: 2\nderived:\n  <<: *b\n  b: 3\n";
        let n = parse(text).unwrap_or_else(|e| panic!("{e:?}"));
        let d = n.get("derived").cloned().unwrap_or(Node {
            line: 0,
            value: Value::Null,
        });
        assert_eq!(d.get("a").map(|v| v.value.clone()), Some(Value::Int(1)));
        assert_eq!(d.get("b").map(|v| v.value.clone()), Some(Value::Int(3)));
    }

    #[test]
    fn reports_error_line() {
        let err = parse("jobs:\n  a:\n\t  b: 1\n").err();
        assert!(
            err.is_some_and(|e| e.line == 3),
            "tab indentation is an error on line 3"
        );
    }

    #[test]
    fn empty_is_null() {
        assert_eq!(parse("").map(|n| n.value), Ok(Value::Null));
    }
}
