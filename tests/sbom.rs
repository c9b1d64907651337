//! `cargo readiness sbom` end to end: the real binary on copies of
//! `fixtures/sbom` (a 3-member workspace, path dependencies only), and the
//! output validated against the official schemas in `../shared/schemas`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{bin, fixture};
use serde_json::Value;

/// Runs `cargo readiness sbom --offline ARGS` in `dir` with a fixed clock.
fn sbom(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(["readiness", "sbom", "--offline"])
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .env_remove("CARGO_READINESS_TIMINGS")
        .output()
        .unwrap()
}

fn ok_json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok_text(dir, args)).unwrap()
}

/// `sbom ARGS` stdout as text, asserting exit 0.
fn ok_text(dir: &Path, args: &[&str]) -> String {
    let out = sbom(dir, args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `name@version` of every CycloneDX component (the root excluded).
fn names(bom: &Value) -> BTreeSet<String> {
    bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{}@{}",
                c["name"].as_str().unwrap(),
                c["version"].as_str().unwrap()
            )
        })
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

const LINUX: &str = "x86_64-unknown-linux-gnu";

#[test]
fn default_document_describes_the_package() {
    let dir = fixture("sbom");
    let bom = ok_json(dir.path(), &["-p", "sbom-app", "--target", LINUX]);
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.6");
    assert!(
        bom["serialNumber"]
            .as_str()
            .unwrap()
            .starts_with("urn:uuid:")
    );
    let meta = &bom["metadata"];
    assert_eq!(meta["timestamp"], "2023-11-14T22:13:20Z");
    assert_eq!(meta["tools"]["components"][0]["name"], "cargo-readiness");
    let root = &meta["component"];
    assert_eq!(root["type"], "application");
    assert_eq!(root["name"], "sbom-app");
    assert_eq!(root["version"], "0.3.0");
    assert_eq!(root["description"], "The application the SBOM describes");
    assert_eq!(root["author"], "Jane Doe <jane@example.com>");
    assert_eq!(root["licenses"][0]["expression"], "MIT OR Apache-2.0");
    assert_eq!(
        root["purl"],
        "pkg:cargo/sbom-app@0.3.0?download_url=file://app"
    );
    let refs: Vec<&str> = root["externalReferences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(refs, ["vcs", "website"]);
    assert_eq!(
        names(&bom),
        set(&[
            "build-helper@1.0.0",
            "common@2.1.0",
            "host-extra@0.1.0",
            "lib-a@0.3.0"
        ])
    );

    let component = |name: &str| {
        bom["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()
            .clone()
    };
    // The legacy `MIT/Apache-2.0` is read as an SPDX expression.
    assert_eq!(
        component("lib-a")["licenses"][0]["expression"],
        "MIT OR Apache-2.0"
    );
    // license-file only: a pointer, not the file's content.
    assert_eq!(
        component("common")["licenses"][0]["license"]["name"],
        "License file: LICENSE.txt"
    );
    // Build-only components are not part of the runtime (`excluded`) and
    // say why; `host-extra` is only enabled for the build script's copy of
    // `common`, so it is build-only although `common` itself ships.
    let kind = |c: &Value| {
        c["properties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "cargo-readiness:dependency-kind")
            .map(|p| p["value"].clone())
    };
    for name in ["build-helper", "host-extra"] {
        let c = component(name);
        assert_eq!(c["scope"], "excluded", "{name}");
        assert_eq!(kind(&c), Some(Value::from("build")), "{name}");
    }
    assert_eq!(component("common")["scope"], "required");
    assert_eq!(kind(&component("common")), None);

    // The graph: every component lists what it depends on.
    let deps: Vec<(String, Vec<String>)> = bom["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["ref"].as_str().unwrap().to_string(),
                d["dependsOn"]
                    .as_array()
                    .map(|a| a.iter().map(|r| r.as_str().unwrap().to_string()).collect())
                    .unwrap_or_default(),
            )
        })
        .collect();
    let p = |name: &str, version: &str, path: &str| {
        format!("pkg:cargo/{name}@{version}?download_url=file://{path}")
    };
    assert_eq!(
        deps,
        vec![
            (
                p("build-helper", "1.0.0", "vendor/build-helper"),
                vec![p("common", "2.1.0", "vendor/common")]
            ),
            (
                p("common", "2.1.0", "vendor/common"),
                vec![p("host-extra", "0.1.0", "vendor/host-extra")]
            ),
            (p("host-extra", "0.1.0", "vendor/host-extra"), vec![]),
            (
                p("lib-a", "0.3.0", "lib-a"),
                vec![p("common", "2.1.0", "vendor/common")]
            ),
            (
                p("sbom-app", "0.3.0", "app"),
                vec![
                    p("build-helper", "1.0.0", "vendor/build-helper"),
                    p("host-extra", "0.1.0", "vendor/host-extra"),
                    p("lib-a", "0.3.0", "lib-a")
                ]
            ),
        ]
    );
}

#[test]
fn features_change_the_component_set() {
    let dir = fixture("sbom");
    let base = &["-p", "sbom-app", "--target", LINUX];
    let without = names(&ok_json(dir.path(), base));
    assert!(!without.contains("feat-dep@1.0.0"));
    for flag in [
        &["-F", "extra"][..],
        &["--features", "sbom-app/extra"],
        &["--all-features"],
    ] {
        let with = names(&ok_json(dir.path(), &[base, flag].concat()));
        assert_eq!(
            with.difference(&without).collect::<Vec<_>>(),
            vec!["feat-dep@1.0.0"],
            "{flag:?}"
        );
    }
    // --no-default-features with nothing else: the default set (no default feature here).
    assert_eq!(
        names(&ok_json(
            dir.path(),
            &[&base[..], &["--no-default-features"]].concat()
        )),
        without
    );
    // An unknown feature is the user's to fix: exit 2, naming it.
    let out = sbom(dir.path(), &[&base[..], &["-F", "nope"]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
}

#[test]
fn target_selects_platform_dependencies() {
    let dir = fixture("sbom");
    let linux = names(&ok_json(dir.path(), &["-p", "sbom-app", "--target", LINUX]));
    assert!(!linux.contains("win-only@1.0.0"));
    let windows = names(&ok_json(
        dir.path(),
        &["-p", "sbom-app", "--target", "x86_64-pc-windows-msvc"],
    ));
    assert!(windows.contains("win-only@1.0.0"));
    let all = ok_json(dir.path(), &["-p", "sbom-app", "--target", "all"]);
    assert!(names(&all).contains("win-only@1.0.0"));
    let target = |bom: &Value| bom["metadata"]["properties"][0]["value"].clone();
    assert_eq!(target(&all), "all");
    // Default: the host, named in the document.
    let host = ok_json(dir.path(), &["-p", "sbom-app"]);
    assert!(
        target(&host)
            .as_str()
            .is_some_and(|t| t != "all" && !t.is_empty())
    );
}

#[test]
fn dev_dependencies_only_on_request() {
    let dir = fixture("sbom");
    let base = ["-p", "sbom-app", "--target", LINUX];
    let without = names(&ok_json(dir.path(), &base));
    // dev-only, and dev-extra which only dev-only's feature enables.
    assert!(!without.contains("dev-only@1.0.0") && !without.contains("dev-extra@0.1.0"));
    let bom = ok_json(dir.path(), &[&base[..], &["--include-dev"]].concat());
    let dev = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "dev-only")
        .expect("dev-only listed with --include-dev");
    assert_eq!(dev["scope"], "excluded");
    assert!(names(&bom).contains("dev-extra@0.1.0"));
}

/// `name@version` set and edges of `cargo tree --prefix depth` output.
fn cargo_tree(dir: &Path, args: &[&str]) -> (BTreeSet<String>, BTreeSet<(String, String)>) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["tree", "--offline", "--prefix", "depth", "-f", "{p}"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut nodes = BTreeSet::new();
    let mut edges = BTreeSet::new();
    let mut stack: Vec<String> = Vec::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let depth: usize = line
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap();
        let rest = line.trim_start_matches(|c: char| c.is_ascii_digit());
        let mut words = rest.split_whitespace();
        let name = words.next().unwrap();
        let version = words.next().unwrap().trim_start_matches('v');
        let node = format!("{name}@{version}");
        stack.truncate(depth);
        if let Some(parent) = stack.last() {
            edges.insert((parent.clone(), node.clone()));
        }
        nodes.insert(node.clone());
        stack.push(node);
    }
    (nodes, edges)
}

/// The same, from a CycloneDX document (root included).
fn sbom_graph(bom: &Value) -> (BTreeSet<String>, BTreeSet<(String, String)>) {
    let mut by_ref = std::collections::BTreeMap::new();
    let root = &bom["metadata"]["component"];
    for c in bom["components"].as_array().unwrap().iter().chain([root]) {
        by_ref.insert(
            c["bom-ref"].as_str().unwrap().to_string(),
            format!(
                "{}@{}",
                c["name"].as_str().unwrap(),
                c["version"].as_str().unwrap()
            ),
        );
    }
    let mut edges = BTreeSet::new();
    for d in bom["dependencies"].as_array().unwrap() {
        for to in d["dependsOn"].as_array().into_iter().flatten() {
            edges.insert((
                by_ref[d["ref"].as_str().unwrap()].clone(),
                by_ref[to.as_str().unwrap()].clone(),
            ));
        }
    }
    (by_ref.into_values().collect(), edges)
}

#[test]
fn graph_matches_cargo_tree() {
    let dir = fixture("sbom");
    for (tree, ours) in [
        (
            &["-e", "normal,build", "-p", "sbom-app", "--target", LINUX][..],
            &["-p", "sbom-app", "--target", LINUX][..],
        ),
        (
            &[
                "-e",
                "normal,build",
                "-p",
                "sbom-app",
                "--target",
                LINUX,
                "-F",
                "extra",
            ],
            &["-p", "sbom-app", "--target", LINUX, "-F", "extra"],
        ),
        (
            &[
                "-e",
                "normal,build",
                "-p",
                "sbom-app",
                "--target",
                "x86_64-pc-windows-msvc",
            ],
            &["-p", "sbom-app", "--target", "x86_64-pc-windows-msvc"],
        ),
        (
            &[
                "-e",
                "normal,build",
                "-p",
                "sbom-app",
                "--target",
                "all",
                "--all-features",
            ],
            &["-p", "sbom-app", "--target", "all", "--all-features"],
        ),
        (
            &[
                "-e",
                "normal,build,dev",
                "-p",
                "sbom-app",
                "--target",
                LINUX,
            ],
            &["-p", "sbom-app", "--target", LINUX, "--include-dev"],
        ),
        (
            &[
                "-e",
                "normal,build,dev",
                "-p",
                "sbom-tool",
                "--target",
                LINUX,
            ],
            &["-p", "sbom-tool", "--target", LINUX, "--include-dev"],
        ),
    ] {
        let expected = cargo_tree(dir.path(), tree);
        let got = sbom_graph(&ok_json(dir.path(), ours));
        assert_eq!(got, expected, "cargo tree {tree:?}");
    }
}

#[test]
fn workspace_writes_one_sbom_per_member() {
    let dir = fixture("sbom");
    let out_dir = dir.path().join("sboms");
    let out = sbom(
        dir.path(),
        &[
            "--workspace",
            "-o",
            out_dir.to_str().unwrap(),
            "--target",
            LINUX,
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut files: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "lib-a-0.3.0.cdx.json",
            "sbom-app-0.3.0.cdx.json",
            "sbom-tool-0.3.0.cdx.json"
        ]
    );
    let tool: Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("sbom-tool-0.3.0.cdx.json")).unwrap())
            .unwrap();
    assert_eq!(names(&tool), set(&["common@2.1.0", "lib-a@0.3.0"]));
    // -p selects members; several of them need a directory.
    let out = sbom(dir.path(), &["-p", "sbom-app", "-p", "lib-a"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("-o DIR"));
    // The virtual root alone is ambiguous: say which members exist.
    let out = sbom(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sbom-app") && err.contains("Cargo.toml"),
        "{err}"
    );
    // --manifest-path of a member selects it.
    let bom = ok_json(
        dir.path(),
        &["--manifest-path", "tool/Cargo.toml", "--target", LINUX],
    );
    assert_eq!(bom["metadata"]["component"]["name"], "sbom-tool");
}

#[test]
fn deterministic_output_is_byte_identical() {
    let dir = fixture("sbom");
    for format in ["cyclonedx-json", "cyclonedx-xml", "spdx-json"] {
        let args = [
            "-p",
            "sbom-app",
            "--target",
            LINUX,
            "--deterministic",
            "--format",
            format,
        ];
        let text = |out: Output| String::from_utf8(out.stdout).unwrap();
        let a = sbom(dir.path(), &args);
        assert_eq!(
            a.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&a.stderr)
        );
        let b = sbom(dir.path(), &args);
        assert!(text(a) == text(b), "{format}: two runs differ");
        // Without --deterministic the serial number is random.
        let random = ["-p", "sbom-app", "--target", LINUX, "--format", format];
        let c = sbom(dir.path(), &random);
        let d = sbom(dir.path(), &random);
        assert!(text(c) != text(d), "{format}: serial number is not random");
    }
    // A bad SOURCE_DATE_EPOCH is named.
    let out = Command::new(bin())
        .args(["readiness", "sbom", "--offline", "-p", "sbom-app"])
        .current_dir(dir.path())
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SOURCE_DATE_EPOCH"));
}

#[test]
fn output_file_is_atomic() {
    let dir = fixture("sbom");
    let target = dir.path().join("bom.cdx.json");
    let out = sbom(
        dir.path(),
        &["-p", "sbom-app", "-o", target.to_str().unwrap()],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let written: Value = serde_json::from_slice(&std::fs::read(&target).unwrap()).unwrap();
    assert_eq!(written["metadata"]["component"]["name"], "sbom-app");

    // A path that cannot be written (its parent is a file): exit 2, the
    // message names the file, and nothing is left behind.
    let blocker = dir.path().join("blocker");
    std::fs::write(&blocker, "a file, not a directory").unwrap();
    let bad = blocker.join("bom.cdx.json");
    let before: BTreeSet<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let out = sbom(dir.path(), &["-p", "sbom-app", "-o", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bom.cdx.json"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after: BTreeSet<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after);
    assert_eq!(
        std::fs::read_to_string(&blocker).unwrap(),
        "a file, not a directory"
    );
}

#[test]
fn no_machine_paths_in_any_format() {
    let dir = fixture("sbom");
    let root = std::fs::canonicalize(dir.path()).unwrap();
    for format in ["cyclonedx-json", "cyclonedx-xml", "spdx-json"] {
        let out = sbom(
            dir.path(),
            &[
                "-p",
                "sbom-app",
                "--include-dev",
                "--target",
                "all",
                "--format",
                format,
            ],
        );
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        for leak in [
            root.to_str().unwrap(),
            dir.path().to_str().unwrap(),
            "file:///",
        ] {
            assert!(!text.contains(leak), "{format} leaks {leak}");
        }
    }
}

#[test]
fn spdx_document() {
    let dir = fixture("sbom");
    let doc = ok_json(
        dir.path(),
        &[
            "-p",
            "sbom-app",
            "--format",
            "spdx-json",
            "--include-dev",
            "--target",
            LINUX,
        ],
    );
    assert_eq!(doc["spdxVersion"], "SPDX-2.3");
    assert_eq!(doc["dataLicense"], "CC0-1.0");
    assert_eq!(doc["SPDXID"], "SPDXRef-DOCUMENT");
    assert_eq!(doc["creationInfo"]["created"], "2023-11-14T22:13:20Z");
    assert_eq!(
        doc["creationInfo"]["creators"][0],
        format!("Tool: cargo-readiness-{}", env!("CARGO_PKG_VERSION"))
    );
    let packages = doc["packages"].as_array().unwrap();
    assert_eq!(packages.len(), 7);
    let id = |name: &str| {
        packages.iter().find(|p| p["name"] == name).unwrap()["SPDXID"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let rels: BTreeSet<(String, String, String)> = doc["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["spdxElementId"].as_str().unwrap().to_string(),
                r["relationshipType"].as_str().unwrap().to_string(),
                r["relatedSpdxElement"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for expected in [
        ("SPDXRef-DOCUMENT".to_string(), "DESCRIBES", id("sbom-app")),
        (id("sbom-app"), "DEPENDS_ON", id("lib-a")),
        (id("build-helper"), "BUILD_DEPENDENCY_OF", id("sbom-app")),
        (id("dev-only"), "DEV_DEPENDENCY_OF", id("sbom-app")),
        (id("lib-a"), "DEPENDS_ON", id("common")),
    ] {
        let (a, b, c) = expected;
        assert!(
            rels.contains(&(a.clone(), b.to_string(), c.clone())),
            "{a} {b} {c}"
        );
    }
    let common = packages.iter().find(|p| p["name"] == "common").unwrap();
    assert_eq!(common["licenseDeclared"], "NOASSERTION");
    assert_eq!(common["downloadLocation"], "NOASSERTION");
    assert_eq!(
        common["externalRefs"][0]["referenceLocator"],
        "pkg:cargo/common@2.1.0?download_url=file://vendor/common"
    );
}

// ---- schema conformance ----------------------------------------------------

/// `../shared/schemas`, from CARGO_READINESS_CONFORMANCE or beside the repository.
fn schemas() -> Option<PathBuf> {
    let shared = std::env::var_os("CARGO_READINESS_CONFORMANCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let dir = shared.join("schemas");
    if dir.is_dir() {
        Some(dir)
    } else {
        {
            // Straight to stderr: libtest captures print!/eprint!, and the
            // skip must be visible in a plain `cargo test`.
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "skipped: ../shared not found");
        };
        None
    }
}

fn load(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Validates `doc` against `schema` (CycloneDX schemas reference their
/// siblings by `$id`; they are registered from disk, nothing is fetched).
fn assert_valid(schemas: &Path, schema: &str, doc: &Value, what: &str) {
    let mut registry = jsonschema::Registry::new();
    for sibling in [
        "cyclonedx/spdx.schema.json",
        "cyclonedx/jsf-0.82.schema.json",
        "cyclonedx/cryptography-defs.schema.json",
    ] {
        let value = load(&schemas.join(sibling));
        let id = value["$id"].as_str().unwrap().to_string();
        registry = registry.add(id, value).unwrap();
    }
    let registry = registry.prepare().unwrap();
    let schema = load(&schemas.join(schema));
    let validator = jsonschema::options()
        .with_registry(&registry)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{what}: schema does not build: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} is not schema-valid:\n{}",
        errors.join("\n")
    );
}

#[test]
fn conformance_cyclonedx_json_and_spdx() {
    let Some(schemas) = schemas() else { return };
    let dir = fixture("sbom");
    // Every shape of graph: dev, build, path, license-file, all targets.
    let graph = [
        "-p",
        "sbom-app",
        "--include-dev",
        "--all-features",
        "--target",
        "all",
    ];
    for (version, schema) in [
        ("1.5", "cyclonedx/bom-1.5.schema.json"),
        ("1.6", "cyclonedx/bom-1.6.schema.json"),
    ] {
        let doc = ok_json(
            dir.path(),
            &[&graph[..], &["--spec-version", version]].concat(),
        );
        assert_eq!(doc["specVersion"], version);
        assert_valid(&schemas, schema, &doc, &format!("CycloneDX {version} JSON"));
    }
    let doc = ok_json(
        dir.path(),
        &[&graph[..], &["--format", "spdx-json"]].concat(),
    );
    assert_valid(&schemas, "spdx/spdx-2.3-schema.json", &doc, "SPDX 2.3 JSON");
}

/// The first `<name>` child of `node`.
fn xml_child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    node.children()
        .find(|n| n.has_tag_name(name))
        .unwrap_or_else(|| panic!("no <{name}> in <{}>", node.tag_name().name()))
}

fn xml_name_of(component: roxmltree::Node<'_, '_>) -> String {
    xml_child(component, "name")
        .text()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn xml_parses_back() {
    let dir = fixture("sbom");
    for version in ["1.5", "1.6"] {
        let text = ok_text(
            dir.path(),
            &[
                "-p",
                "sbom-app",
                "--include-dev",
                "--format",
                "cyclonedx-xml",
                "--spec-version",
                version,
            ],
        );
        assert!(text.contains(&format!(
            "xmlns=\"http://cyclonedx.org/schema/bom/{version}\""
        )));
        let doc =
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{version}: {e}\n{text}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "bom");
        let names: BTreeSet<String> = xml_child(root, "components")
            .children()
            .filter(|n| n.has_tag_name("component"))
            .map(xml_name_of)
            .collect();
        assert!(
            names.contains("dev-only") && names.contains("lib-a"),
            "{names:?}"
        );
        assert_eq!(
            xml_name_of(xml_child(xml_child(root, "metadata"), "component")),
            "sbom-app"
        );
    }
}

#[test]
fn xml_validates_against_the_xsd() {
    let Some(schemas) = schemas() else { return };
    if !common::has_xmllint() {
        return;
    }
    // The XSDs import the SPDX one by URL: point them at the local copy.
    let xsd = tempfile::tempdir().unwrap();
    for name in ["bom-1.5.xsd", "bom-1.6.xsd", "spdx.xsd"] {
        let text = std::fs::read_to_string(schemas.join("cyclonedx").join(name)).unwrap();
        let text = text.replace(
            "schemaLocation=\"http://cyclonedx.org/schema/spdx\"",
            "schemaLocation=\"spdx.xsd\"",
        );
        std::fs::write(xsd.path().join(name), text).unwrap();
    }
    let dir = fixture("sbom");
    for version in ["1.5", "1.6"] {
        let file = dir.path().join(format!("bom-{version}.cdx.xml"));
        let out = sbom(
            dir.path(),
            &[
                "-p",
                "sbom-app",
                "--include-dev",
                "--all-features",
                "--target",
                "all",
                "--format",
                "cyclonedx-xml",
                "--spec-version",
                version,
                "-o",
                file.to_str().unwrap(),
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let check = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(xsd.path().join(format!("bom-{version}.xsd")))
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "CycloneDX {version} XML is not XSD-valid:\n{}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
}

#[test]
fn with_vulnerabilities_embeds_the_audit() {
    // Vendored crates.io replacement: cargo resolves offline and the lockfile
    // still says crates.io, so the invented advisory matches.
    let dir = fixture("sbom-vulnerable");
    let db = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/advisory-db");
    let run = |extra: &[&str], db: &Path| {
        Command::new(bin())
            .args(["readiness", "sbom", "--offline", "--with-vulnerabilities"])
            .args(extra)
            .current_dir(dir.path())
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .env("CARGO_READINESS_ADVISORY_DB", db)
            .env(
                "CARGO_READINESS_CACHE_DIR",
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("sbom-cache"),
            )
            .output()
            .unwrap()
    };
    let out = run(&[], &db);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bom: Value = serde_json::from_slice(&out.stdout).unwrap();
    let vulns = bom["vulnerabilities"].as_array().unwrap();
    assert_eq!(vulns.len(), 1);
    let v = &vulns[0];
    assert_eq!(v["id"], "RUSTSEC-2026-9001");
    assert_eq!(v["affects"][0]["ref"], "pkg:cargo/acme-http@1.2.0");
    assert_eq!(v["ratings"][0]["score"], 7.5);
    assert_eq!(v["ratings"][0]["severity"], "high");
    assert_eq!(v["recommendation"], "Upgrade to >=1.2.3");
    let refs: BTreeSet<&str> = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap())
        .collect();
    assert!(
        refs.contains("pkg:cargo/acme-http@1.2.0"),
        "affects points at a component"
    );
    if let Some(schemas) = schemas() {
        assert_valid(
            &schemas,
            "cyclonedx/bom-1.6.schema.json",
            &bom,
            "CycloneDX 1.6 with vulnerabilities",
        );
        let out = run(&["--spec-version", "1.5"], &db);
        let bom15: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_valid(
            &schemas,
            "cyclonedx/bom-1.5.schema.json",
            &bom15,
            "CycloneDX 1.5 with vulnerabilities",
        );
    }
    // No database: an error, never an SBOM that silently lacks them.
    let out = run(&[], Path::new("/nonexistent/advisory-db"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--with-vulnerabilities needs the advisory database")
    );
}

/// Text from a manifest is the repository's: markup and characters XML
/// cannot carry must leave both documents well-formed.
#[test]
fn hostile_manifest_text_keeps_both_documents_well_formed() {
    let dir = fixture("sbom");
    let manifest = dir.path().join("lib-a/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap().replacen(
        "[package]\n",
        "[package]\ndescription = \"</description><x a='1'>&amp;\\u001b[2J\\u0000\\uFFFF\\ttab\\nline\"\nauthors = [\"A <a@example.org>\", \"\\\"quoted\\\" & co\"]\nhomepage = \"https://example.org/a b\"\ndocumentation = \"https://example.org/lib-a\"\n",
        1,
    );
    std::fs::write(&manifest, text).unwrap();
    let json = ok_json(dir.path(), &["-p", "sbom-app"]);
    let lib = json["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "lib-a")
        .unwrap_or_else(|| panic!("{json:#}"));
    // A normalizedString: no line breaks or tabs.
    assert_eq!(
        lib["description"],
        "</description><x a='1'>&amp;\u{1b}[2J\u{0}\u{FFFF} tab line"
    );
    assert_eq!(lib["author"], "A <a@example.org>, \"quoted\" & co");
    // The homepage is not a URI reference: left out; the repository stays.
    let refs = lib["externalReferences"].to_string();
    assert!(
        !refs.contains("a b") && refs.contains("example.org/lib-a"),
        "{refs}"
    );
    let text = ok_text(dir.path(), &["-p", "sbom-app", "--format", "cyclonedx-xml"]);
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let lib = xml_child(doc.root_element(), "components")
        .children()
        .find(|n| n.has_tag_name("component") && xml_name_of(*n) == "lib-a")
        .unwrap();
    assert_eq!(
        xml_child(lib, "description").text(),
        Some("</description><x a='1'>&amp;\u{FFFD}[2J\u{FFFD}\u{FFFD} tab line")
    );
    assert_eq!(
        xml_child(lib, "author").text(),
        Some("A <a@example.org>, \"quoted\" & co")
    );
}
