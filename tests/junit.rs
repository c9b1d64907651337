//! The JUnit report as its consumers read it: valid against both schemas
//! reporters implement (`fixtures/junit-schemas/`: Jenkins xUnit's
//! `junit-10.xsd` and the Ant `JUnit.xsd`, with `xmllint` when installed),
//! red exactly when the gate fails, and each failure carrying the
//! finding's own message and location.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Command;

use common::{fixture, run};

fn junit(dir: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["--offline", "--format", "junit"];
    args.extend_from_slice(extra);
    let out = run(dir, &args);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// Validates `xml` against both schemas with xmllint; says `skipped`
/// (and returns) when xmllint is not installed.
fn validate_with_xmllint(xml: &str) {
    if !common::has_xmllint() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("report.xml");
    std::fs::write(&file, xml).unwrap();
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/junit-schemas");
    for schema in ["junit-10.xsd", "JUnit.xsd"] {
        let check = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(schemas.join(schema))
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "not valid against {schema}:\n{}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
}

/// What both schemas require, checked on the parsed document without
/// xmllint: no attributes on `<testsuites>`; each suite's required
/// attributes and elements in order; test cases with `name`, `classname`,
/// `time` only and at most one child; counts that add up.
fn check_structure(xml: &str) {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attributes().count(), 0, "Ant allows none");
    for (i, suite) in root.children().filter(|n| n.is_element()).enumerate() {
        assert_eq!(suite.tag_name().name(), "testsuite");
        for attr in [
            "name",
            "package",
            "id",
            "timestamp",
            "hostname",
            "tests",
            "failures",
            "errors",
            "time",
        ] {
            assert!(suite.attribute(attr).is_some(), "testsuite needs {attr}");
        }
        assert_eq!(suite.attribute("id"), Some(i.to_string().as_str()));
        let stamp = suite.attribute("timestamp").unwrap();
        assert_eq!(
            stamp.len(),
            19,
            "YYYY-MM-DDTHH:MM:SS without a zone: {stamp}"
        );
        let children: Vec<_> = suite.children().filter(|n| n.is_element()).collect();
        let names: Vec<&str> = children.iter().map(|n| n.tag_name().name()).collect();
        assert_eq!(names.first(), Some(&"properties"));
        assert_eq!(&names[names.len() - 2..], ["system-out", "system-err"]);
        let cases: Vec<_> = children
            .iter()
            .filter(|n| n.tag_name().name() == "testcase")
            .collect();
        assert_eq!(cases.len() + 3, children.len(), "{names:?}");
        let count = |tag: &str| {
            cases
                .iter()
                .filter(|c| c.children().any(|n| n.tag_name().name() == tag))
                .count()
                .to_string()
        };
        assert_eq!(
            suite.attribute("tests"),
            Some(cases.len().to_string().as_str())
        );
        assert_eq!(suite.attribute("failures"), Some(count("failure").as_str()));
        assert_eq!(suite.attribute("errors"), Some(count("error").as_str()));
        assert_eq!(suite.attribute("skipped"), Some(count("skipped").as_str()));
        for case in cases {
            let attrs: Vec<&str> = case.attributes().map(|a| a.name()).collect();
            assert_eq!(attrs, ["classname", "name", "time"]);
            assert!(case.children().filter(|n| n.is_element()).count() <= 1);
            for child in case.children().filter(|n| n.is_element()) {
                if child.tag_name().name() != "skipped" {
                    assert!(child.attribute("type").is_some(), "Ant requires `type`");
                }
            }
        }
    }
}

fn case<'a>(doc: &'a roxmltree::Document<'a>, name: &str) -> roxmltree::Node<'a, 'a> {
    doc.descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(name))
        .unwrap_or_else(|| panic!("no test case {name}"))
}

#[test]
fn only_what_fails_the_gate_is_red_and_failures_say_the_finding() {
    let dir = fixture("dual-license-missing");
    let (code, xml) = junit(dir.path(), &[]);
    assert_eq!(code, 1);
    check_structure(&xml);
    validate_with_xmllint(&xml);
    let doc = roxmltree::Document::parse(&xml).unwrap();

    // The deny-level failure: the finding's own message, led by its line.
    let failure = case(&doc, "license-files")
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("license-files fails the gate");
    let message = failure.attribute("message").unwrap();
    assert!(
        message.starts_with("Cargo.toml:5: `dual-license-missing` declares `MIT OR Apache-2.0`"),
        "{message}"
    );
    assert_eq!(failure.attribute("type"), Some("license-files"));

    // Warn-level checks that fail or warn are not red; their findings are
    // in the suite's output.
    for warn_level in ["manifest-metadata", "contributing", "security-policy"] {
        assert_eq!(
            case(&doc, warn_level)
                .children()
                .filter(|n| n.is_element())
                .count(),
            0,
            "{warn_level} does not fail the gate"
        );
    }
    assert!(xml.contains(
        "SECURITY.md: security-policy [warning]: SECURITY.md has no supported-versions section"
    ));
    let red: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure") || n.has_tag_name("error"))
        .filter_map(|n| n.parent().and_then(|c| c.attribute("name")))
        .collect();
    assert_eq!(red, ["license-files", "gate"]);

    // The gate's own case fails with its reasons.
    let gate = case(&doc, "gate")
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(
        gate.attribute("message")
            .unwrap()
            .contains("license-files failed (level deny)")
    );

    // Opting in: warn-level failures and warnings are failures too.
    let (_, xml) = junit(dir.path(), &["--junit-warn", "failure"]);
    check_structure(&xml);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    for name in ["manifest-metadata", "security-policy"] {
        assert!(
            case(&doc, name)
                .children()
                .any(|n| n.has_tag_name("failure")),
            "{name} with --junit-warn failure"
        );
    }
    // Offline, the organisation's guide was not looked for: `error`.
    assert!(
        case(&doc, "contributing")
            .children()
            .any(|n| n.has_tag_name("error"))
    );
}

#[test]
fn a_passing_gate_has_no_failure_or_error() {
    let dir = fixture("good");
    let (code, xml) = junit(dir.path(), &[]);
    assert_eq!(code, 0, "{xml}");
    check_structure(&xml);
    validate_with_xmllint(&xml);
    assert!(!xml.contains("<failure"), "{xml}");
    assert!(!xml.contains("<error"), "{xml}");
    // What warned is still said.
    assert!(xml.contains("<system-out>"), "{xml}");
}
