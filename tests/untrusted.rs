//! The repository under review is untrusted (docs/security-model.md):
//! nothing it commits makes the tool run a command, read or write outside
//! it, change the checkout, or hang. Each test is an attack tried through
//! the real binary in a temp dir, and asserts the attack's effect is absent.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use common::{check, command, fixture, git, git_commit_all, output_within, run_json};

/// Far above a normal run of a fixture; a hang fails the test here.
const BOUND: Duration = Duration::from_secs(60);

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// HEAD, the index and the work tree of a git checkout, to compare before
/// and after a run: `git status` plus every file's bytes.
fn snapshot(dir: &Path) -> (String, String, Vec<(PathBuf, Vec<u8>)>) {
    let git_out = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let t = e.file_type().unwrap();
            if t.is_dir() {
                if e.file_name() != ".git" && e.file_name() != "target" {
                    stack.push(p);
                }
            } else if t.is_file() {
                files.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    files.sort();
    (
        git_out(&["rev-parse", "HEAD"]),
        git_out(&["status", "--porcelain", "--untracked-files=all"]),
        files,
    )
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[cfg(unix)]
fn executable(path: &Path, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, script).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A local git repository holding the fixture advisory database.
fn upstream_db() -> tempfile::TempDir {
    let upstream = tempfile::tempdir().unwrap();
    common::copy_tree(&common::fixture_db(), upstream.path());
    git(upstream.path(), &["init", "-q", "-b", "main"]);
    git(upstream.path(), &["add", "-A"]);
    git(upstream.path(), &["commit", "-q", "-m", "db"]);
    upstream
}

// ---------------------------------------------------------------------------
// Row 1: a configured URL never reaches git as an option.
// ---------------------------------------------------------------------------

#[test]
fn a_repository_url_that_is_a_git_option_runs_nothing() {
    let dir = fixture("good");
    let marker = dir.path().join("PWNED");
    write(
        dir.path(),
        "readiness.toml",
        &format!(
            "[advisories]\nurl = \"--upload-pack=touch {};git-upload-pack\"\nmax-age = \"0s\"\n",
            marker.display()
        ),
    );
    git_commit_all(dir.path());
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("advisory-db");
    let upstream = upstream_db();
    git(
        home.path(),
        &[
            "clone",
            "-q",
            upstream.path().to_str().unwrap(),
            "advisory-db",
        ],
    );
    let out = output_within(
        command(dir.path(), &["--format", "json"]).env("CARGO_READINESS_ADVISORY_DB", &db),
        BOUND,
    );
    assert!(!marker.exists(), "the URL ran a command");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("readiness.toml:2"), "{err}");
    assert!(err.contains("https://"), "{err}");
}

#[test]
fn a_users_url_is_never_an_option_to_git_either() {
    // Even from the user's own configuration (trusted), the URL is put
    // after `--`: a clone into a missing database and an update of a
    // checkout without `origin` both fail, running nothing.
    let dir = fixture("good");
    let home = tempfile::tempdir().unwrap();
    let marker = home.path().join("PWNED");
    let user_config = home.path().join("readiness.toml");
    std::fs::write(
        &user_config,
        format!(
            "[advisories]\nurl = \"--upload-pack=touch {};git-upload-pack\"\nmax-age = \"0s\"\n",
            marker.display()
        ),
    )
    .unwrap();
    // A checkout with no origin: the configured URL is what is fetched.
    let db = home.path().join("advisory-db");
    common::copy_tree(&common::fixture_db(), &db);
    git(&db, &["init", "-q", "-b", "main"]);
    git(&db, &["add", "-A"]);
    git(&db, &["commit", "-q", "-m", "db"]);
    let missing = home.path().join("missing-db");
    for db in [&db, &missing] {
        let out = output_within(
            command(
                dir.path(),
                &["audit", "--config", user_config.to_str().unwrap()],
            )
            .env("CARGO_READINESS_ADVISORY_DB", db),
            BOUND,
        );
        assert!(!marker.exists(), "{}: the URL ran a command", db.display());
        assert!(matches!(out.status.code(), Some(0..=2)), "{}", stderr(&out));
    }
}

// ---------------------------------------------------------------------------
// Row 2: the database is never the checkout (or a directory holding it).
// ---------------------------------------------------------------------------

#[test]
fn a_repository_cannot_make_the_database_fetch_reset_itself() {
    let upstream = upstream_db();
    for db in [
        ".",
        "",
        "..",
        "./",
        "src/..",
        "/tmp",
        "~/.cargo/advisory-db",
    ] {
        let dir = fixture("good");
        write(
            dir.path(),
            "readiness.toml",
            &format!(
                "[advisories]\ndb = \"{db}\"\nurl = \"file://{}\"\nmax-age = \"1h\"\n",
                upstream.path().display()
            ),
        );
        git_commit_all(dir.path());
        let before = snapshot(dir.path());
        let out = output_within(&mut command(dir.path(), &["--format", "json"]), BOUND);
        assert_eq!(
            snapshot(dir.path()),
            before,
            "db = {db:?} changed the checkout"
        );
        assert_eq!(out.status.code(), Some(2), "db = {db:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("readiness.toml:2"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn even_the_user_pointing_the_database_at_the_checkout_does_not_reset_it() {
    let upstream = upstream_db();
    let dir = fixture("good");
    git_commit_all(dir.path());
    // A checkout whose origin is the advisory database: "updating" it
    // would `reset --hard` to the database's commit.
    git(
        dir.path(),
        &["remote", "add", "origin", upstream.path().to_str().unwrap()],
    );
    let before = snapshot(dir.path());
    let out = output_within(
        &mut command(dir.path(), &["--format", "json", "--db", "."]),
        BOUND,
    );
    assert_eq!(snapshot(dir.path()), before, "the checkout was reset");
    assert!(matches!(out.status.code(), Some(1)), "{}", stderr(&out));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(check(&r, "advisories")["status"], "error", "{r:#}");
}

#[test]
fn a_database_inside_the_repository_is_read_but_never_fetched_into() {
    let upstream = upstream_db();
    let dir = fixture("audit/vulnerable");
    git(
        dir.path(),
        &[
            "clone",
            "-q",
            upstream.path().to_str().unwrap(),
            "vendor/advisory-db",
        ],
    );
    write(
        dir.path(),
        "readiness.toml",
        "[advisories]\ndb = \"vendor/advisory-db\"\nmax-age = \"1h\"\n",
    );
    git_commit_all(dir.path());
    // Make the vendored copy stale and give upstream a new commit.
    write(upstream.path(), "crates/acme-tls/NEW.md", "x");
    git(upstream.path(), &["add", "-A"]);
    git(upstream.path(), &["commit", "-q", "-m", "new"]);
    let head = |p: &Path| {
        String::from_utf8(
            std::process::Command::new("git")
                .arg("-C")
                .arg(p)
                .args(["rev-parse", "HEAD"])
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap()
    };
    let vendored = dir.path().join("vendor/advisory-db");
    let before = head(&vendored);
    let fetch_head = vendored.join(".git/FETCH_HEAD");
    let past = std::time::SystemTime::now() - Duration::from_secs(3 * 86_400);
    std::fs::write(&fetch_head, "").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&fetch_head)
        .unwrap()
        .set_modified(past)
        .unwrap();
    let out = output_within(
        command(dir.path(), &["audit", "--format", "json"])
            .env_remove("CARGO_READINESS_ADVISORY_DB")
            .env("CARGO_READINESS_INDEX_URL", "http://127.0.0.1:9/"),
        BOUND,
    );
    assert_eq!(head(&vendored), before, "fetched into the checkout");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("read as it is"), "{}", stderr(&out));
    assert!(
        !dir.path()
            .join("vendor/.advisory-db.cargo-readiness.lock")
            .exists()
    );
}

// ---------------------------------------------------------------------------
// Row 3: a committed Cargo.lock is never modified, and a stale one is said.
// ---------------------------------------------------------------------------

/// The `good` fixture with a path dependency its committed lockfile does
/// not know: cargo wants to add it.
fn stale_lock_fixture() -> tempfile::TempDir {
    let dir = fixture("good");
    write(
        dir.path(),
        "dep/Cargo.toml",
        "[package]\nname = \"dep\"\nversion = \"0.1.0\"\nedition = \"2021\"\nlicense = \"MIT\"\n",
    );
    write(dir.path(), "dep/src/lib.rs", "");
    let manifest = dir.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace(
            "[workspace]",
            "[dependencies]\ndep = { path = \"dep\" }\n\n[workspace]",
        ),
    )
    .unwrap();
    git_commit_all(dir.path());
    dir
}

#[test]
fn a_stale_lockfile_is_reported_and_left_as_committed_by_every_subcommand() {
    let dir = stale_lock_fixture();
    let before = snapshot(dir.path());
    let lock_before = std::fs::read(dir.path().join("Cargo.lock")).unwrap();
    for args in [
        &["--offline", "--format", "json"][..],
        &["--offline", "--locked", "--format", "json"],
        &["--offline", "--frozen", "--format", "json"],
        &["sbom", "--offline"],
        &["licenses", "--offline"],
        &["audit", "--offline"],
    ] {
        let out = output_within(&mut command(dir.path(), args), BOUND);
        assert_eq!(
            snapshot(dir.path()),
            before,
            "{args:?} changed the checkout"
        );
        assert!(
            matches!(out.status.code(), Some(0) | Some(1)),
            "{args:?}: {}",
            stderr(&out)
        );
        if args.contains(&"json") {
            let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let lock = check(&r, "lockfile");
            assert_eq!(lock["status"], "fail", "{args:?}: {lock:#}");
            let message = lock["findings"][0]["message"].as_str().unwrap();
            assert!(message.contains("dep 0.1.0 added"), "{message}");
            assert!(message.contains("--locked"), "{message}");
        }
    }
    assert_eq!(
        std::fs::read(dir.path().join("Cargo.lock")).unwrap(),
        lock_before
    );
}

#[test]
fn an_old_format_lockfile_cargo_accepts_is_left_alone_and_not_reported() {
    // Format v1 (checksums in [metadata]): cargo reads it as it is, so it
    // is neither rewritten nor a finding.
    let dir = fixture("sbom-vulnerable");
    write(
        dir.path(),
        "Cargo.lock",
        "[[package]]\nname = \"acme-http\"\nversion = \"1.2.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n\
         [[package]]\nname = \"vulnerable-app\"\nversion = \"0.1.0\"\ndependencies = [\n \"acme-http 1.2.0 (registry+https://github.com/rust-lang/crates.io-index)\",\n]\n\n\
         [metadata]\n\"checksum acme-http 1.2.0 (registry+https://github.com/rust-lang/crates.io-index)\" = \"1111111111111111111111111111111111111111111111111111111111111111\"\n",
    );
    git_commit_all(dir.path());
    let before = snapshot(dir.path());
    let (code, r) = run_json(dir.path(), &[]);
    assert_eq!(snapshot(dir.path()), before);
    assert!(matches!(code, 0 | 1));
    assert_eq!(
        check(&r, "lockfile")["status"],
        "pass",
        "{:#}",
        check(&r, "lockfile")
    );
    assert_ne!(check(&r, "dependency-licenses")["status"], "error");
}

#[cfg(unix)]
#[test]
fn an_interrupted_run_puts_the_lockfile_back() {
    // cargo is slowed down by a fake `cargo` that rewrites the lockfile
    // then sleeps; SIGINT arrives while it sleeps.
    let dir = stale_lock_fixture();
    let bin = tempfile::tempdir().unwrap();
    let fake = bin.path().join("cargo");
    executable(
        &fake,
        "#!/bin/sh\ncase \"$*\" in *--locked*) echo 'error: cannot update the lock file '\"$LOCK\"' because --locked was passed to prevent this' >&2; exit 101;; esac\necho rewritten > \"$LOCK\"\nsleep 30\n",
    );
    let lock = dir.path().join("Cargo.lock");
    let original = std::fs::read(&lock).unwrap();
    let mut child = command(dir.path(), &["--offline", "-q"])
        .env("CARGO", &fake)
        .env("LOCK", &lock)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::fs::read(&lock).unwrap() == original {
        assert!(started.elapsed() < BOUND, "the fake cargo never ran");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    // The fake cargo is stopped too, so it cannot write after the restore.
    std::thread::sleep(Duration::from_millis(200));
    let now = std::fs::read(&lock).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&now),
        String::from_utf8_lossy(&original)
    );
}

// ---------------------------------------------------------------------------
// Rows 5 and 6: cargo runs with no repository program, no download, a deadline.
// ---------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_repositorys_compiler_wrapper_and_rustc_are_never_run() {
    let dir = fixture("good");
    let marker = dir.path().join("PWNED");
    executable(
        &dir.path().join("evil.sh"),
        &format!("#!/bin/sh\ntouch {}\nsleep 30\n", marker.display()),
    );
    write(
        dir.path(),
        ".cargo/config.toml",
        "[build]\nrustc-wrapper = \"evil.sh\"\nrustc-workspace-wrapper = \"evil.sh\"\nrustc = \"evil.sh\"\n\
         [env]\nLD_PRELOAD = \"/nonexistent/evil.so\"\n",
    );
    git_commit_all(dir.path());
    let t = Instant::now();
    let (code, r) = run_json(dir.path(), &[]);
    assert!(!marker.exists(), "a program from the repository ran");
    assert!(t.elapsed() < Duration::from_secs(30), "{:?}", t.elapsed());
    assert!(matches!(code, 0 | 1));
    assert_ne!(check(&r, "dependency-licenses")["status"], "error", "{r:#}");
    let notes = r["notes"].to_string();
    assert!(notes.contains("build.rustc"), "{notes}");
}

#[cfg(unix)]
#[test]
fn a_toolchain_pinned_by_path_in_the_repository_is_never_run() {
    let dir = fixture("good");
    let marker = dir.path().join("PWNED");
    for tool in ["cargo", "rustc"] {
        executable(
            &dir.path().join(format!("toolchain/bin/{tool}")),
            &format!("#!/bin/sh\ntouch {}\n", marker.display()),
        );
    }
    write(
        dir.path(),
        "rust-toolchain.toml",
        "[toolchain]\npath = \"./toolchain\"\n",
    );
    git_commit_all(dir.path());
    let out = output_within(
        command(dir.path(), &["--offline", "--format", "json"])
            .env_remove("RUSTUP_TOOLCHAIN")
            .env_remove("CARGO"),
        BOUND,
    );
    assert!(!marker.exists(), "the repository's toolchain ran");
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{}",
        stderr(&out)
    );
}

/// Whether rustup manages the toolchains here (CI and dev machines).
fn rustup_toolchains() -> Option<String> {
    let out = std::process::Command::new("rustup")
        .args(["toolchain", "list"])
        .current_dir("/")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn an_uninstalled_pinned_toolchain_is_not_downloaded() {
    let Some(before) = rustup_toolchains() else {
        println!("skipped: rustup is not installed");
        return;
    };
    if before.contains("1.70.0") {
        println!("skipped: 1.70.0 is installed here");
        return;
    }
    let dir = fixture("good");
    write(
        dir.path(),
        "rust-toolchain.toml",
        "[toolchain]\nchannel = \"1.70.0\"\n",
    );
    git_commit_all(dir.path());
    // rustup's own default is to install; the tool must not let it.
    let out = output_within(
        command(dir.path(), &["--offline", "--format", "json"])
            .env_remove("RUSTUP_TOOLCHAIN")
            .env_remove("RUSTUP_AUTO_INSTALL")
            .env_remove("CARGO"),
        BOUND,
    );
    assert_eq!(rustup_toolchains().as_deref(), Some(before.as_str()));
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{}",
        stderr(&out)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes = r["notes"].to_string();
    assert!(notes.contains("1.70.0"), "{notes}");
    assert!(notes.contains("not installed"), "{notes}");
    assert_ne!(check(&r, "dependency-licenses")["status"], "error", "{r:#}");
    // The SBOM asks rustc for the platform: run from the repository, rustup
    // would pick the pin and fail (or download it).
    let sbom = output_within(
        command(dir.path(), &["sbom", "--offline"])
            .env_remove("RUSTUP_TOOLCHAIN")
            .env_remove("RUSTUP_AUTO_INSTALL")
            .env_remove("CARGO"),
        BOUND,
    );
    assert_eq!(sbom.status.code(), Some(0), "{}", stderr(&sbom));
    assert_eq!(rustup_toolchains().as_deref(), Some(before.as_str()));
}

#[test]
fn cargo_metadata_has_a_deadline() {
    // A git dependency on a server that accepts and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let _server = std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let dir = fixture("good");
    let manifest = dir.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace(
            "[workspace]",
            &format!("[dependencies]\nslow = {{ git = \"http://127.0.0.1:{port}/slow.git\" }}\n\n[workspace]"),
        ),
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("Cargo.lock")).unwrap();
    git_commit_all(dir.path());
    let cargo_home = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let out = output_within(
        command(dir.path(), &["--format", "json"])
            .env("CARGO_READINESS_COMMAND_TIMEOUT", "3")
            .env("CARGO_HOME", cargo_home.path()),
        BOUND,
    );
    assert!(t.elapsed() < Duration::from_secs(25), "{:?}", t.elapsed());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        r["notes"].to_string().contains("did not finish within 3 s"),
        "{}",
        r["notes"]
    );
    assert!(
        !dir.path().join("Cargo.lock").exists(),
        "a generated lockfile was left"
    );
}

#[cfg(unix)]
#[test]
fn a_member_manifest_that_is_a_fifo_does_not_hang() {
    let dir = fixture("workspace");
    let member = dir.path().join("crates/ws-util/Cargo.toml");
    std::fs::remove_file(&member).unwrap();
    let status = std::process::Command::new("mkfifo").arg(&member).status();
    if !status.is_ok_and(|s| s.success()) {
        println!("skipped: mkfifo unavailable");
        return;
    }
    let t = Instant::now();
    let out = output_within(
        command(dir.path(), &["--offline", "--format", "json"])
            .env("CARGO_READINESS_COMMAND_TIMEOUT", "5"),
        BOUND,
    );
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("crates/ws-util/Cargo.toml"), "{err}");
    assert!(err.contains("not a regular file"), "{err}");
}

// ---------------------------------------------------------------------------
// Row 9: no pass without advisories.
// ---------------------------------------------------------------------------

#[test]
fn an_empty_advisory_database_is_an_error_not_a_pass() {
    let dir = fixture("audit/vulnerable");
    let empty = tempfile::tempdir().unwrap();
    std::fs::create_dir(empty.path().join("crates")).unwrap();
    // Only a symlinked crate directory pointing nowhere.
    #[cfg(unix)]
    std::os::unix::fs::symlink("/nonexistent", empty.path().join("crates/acme-tls")).unwrap();
    let out = output_within(
        &mut command(
            dir.path(),
            &["audit", "--db", empty.path().to_str().unwrap(), "--offline"],
        ),
        BOUND,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("holds no advisories"),
        "{}",
        stderr(&out)
    );
    let (code, r) = run_json(dir.path(), &["--db", empty.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    let adv = check(&r, "advisories");
    assert_eq!(adv["status"], "error", "{adv:#}");
}

#[test]
fn without_home_the_repositorys_own_cargo_directory_is_never_the_database() {
    let dir = fixture("audit/vulnerable");
    // A "database" the repository planted where a relative `.cargo` would
    // resolve: it says nothing is vulnerable.
    let planted = dir.path().join(".cargo/advisory-db");
    std::fs::create_dir_all(planted.join("crates/unrelated")).unwrap();
    std::fs::copy(
        common::fixture_db().join("crates/acme-tls/RUSTSEC-2026-9002.md"),
        planted.join("crates/unrelated/RUSTSEC-2026-9002.md"),
    )
    .unwrap();
    git_commit_all(dir.path());
    let before = snapshot(dir.path());
    let out = output_within(
        command(dir.path(), &["audit", "--offline", "--format", "json"])
            .env_remove("HOME")
            .env_remove("USERPROFILE")
            .env_remove("CARGO_HOME")
            .env_remove("XDG_CACHE_HOME")
            .env_remove("CARGO_READINESS_ADVISORY_DB"),
        BOUND,
    );
    assert_eq!(snapshot(dir.path()), before);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("neither CARGO_HOME nor HOME"),
        "{}",
        stderr(&out)
    );
}

// ---------------------------------------------------------------------------
// Row 11: the cache of a git checkout sees what its work tree holds.
// ---------------------------------------------------------------------------

#[test]
fn an_advisory_added_to_a_checkout_but_not_committed_is_seen() {
    let upstream = upstream_db();
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("advisory-db");
    git(
        home.path(),
        &[
            "clone",
            "-q",
            upstream.path().to_str().unwrap(),
            "advisory-db",
        ],
    );
    let cache = home.path().join("cache");
    let dir = fixture("audit/vulnerable");
    let audit = || {
        let out = output_within(
            command(dir.path(), &["audit", "--offline", "--format", "json"])
                .env("CARGO_READINESS_ADVISORY_DB", &db)
                .env("CARGO_READINESS_CACHE_DIR", &cache),
            BOUND,
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["vulnerabilities"]["list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["advisory"]["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let first = audit();
    assert!(!first.contains(&"RUSTSEC-2026-9099".to_string()));
    std::fs::write(
        db.join("crates/acme-tls/RUSTSEC-2026-9099.md"),
        std::fs::read_to_string(db.join("crates/acme-tls/RUSTSEC-2026-9002.md"))
            .unwrap()
            .replace("RUSTSEC-2026-9002", "RUSTSEC-2026-9099")
            .replace(">= 0.4.2", ">= 0.4.6"),
    )
    .unwrap();
    let second = audit();
    assert!(
        second.contains(&"RUSTSEC-2026-9099".to_string()),
        "{second:?}"
    );
}

// ---------------------------------------------------------------------------
// Row 12: nothing outside the repository is read because it says so.
// ---------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_symlinked_manifest_pointing_outside_is_refused() {
    let outside = fixture("good");
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("Cargo.toml"),
        dir.path().join("Cargo.toml"),
    )
    .unwrap();
    for args in [&["--offline"][..], &["init"]] {
        let out = output_within(&mut command(dir.path(), args), BOUND);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("outside its directory"),
            "{}",
            stderr(&out)
        );
    }
    assert!(!outside.path().join("readiness.toml").exists());
}

#[test]
fn a_baseline_outside_the_repository_is_refused_without_echoing_it() {
    let secret = tempfile::tempdir().unwrap();
    let file = secret.path().join("secret.json");
    std::fs::write(&file, "{\"schema_version\": \"TOP-SECRET-VALUE\"}").unwrap();
    for path in [
        file.to_string_lossy().into_owned(),
        "../../../../../../../../x".into(),
    ] {
        let dir = fixture("good");
        write(
            dir.path(),
            "readiness.toml",
            &format!("baseline = \"{path}\"\n"),
        );
        let out = output_within(&mut command(dir.path(), &["--offline"]), BOUND);
        assert_eq!(out.status.code(), Some(2), "{path}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("readiness.toml:1"), "{err}");
        assert!(!err.contains("TOP-SECRET"), "{err}");
    }
    // The user's own --baseline is read, and its content is not echoed.
    let dir = fixture("good");
    let out = output_within(
        &mut command(
            dir.path(),
            &["--offline", "--baseline", file.to_str().unwrap()],
        ),
        BOUND,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains("TOP-SECRET"), "{}", stderr(&out));
}

// ---------------------------------------------------------------------------
// Row 4: outputs never replace what they do not own.
// ---------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn an_output_through_a_symlink_writes_the_file_it_points_at() {
    let dir = fixture("good");
    let out_dir = tempfile::tempdir().unwrap();
    let target = out_dir.path().join("report.json");
    std::fs::write(&target, "old").unwrap();
    let link = out_dir.path().join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let dangling = out_dir.path().join("dangling.json");
    let fresh = out_dir.path().join("sub-target.json");
    std::os::unix::fs::symlink("sub-target.json", &dangling).unwrap();
    let out = output_within(
        &mut command(
            dir.path(),
            &[
                "--offline",
                "-q",
                "-o",
                &format!("json={}", link.display()),
                "-o",
                &format!("sarif={}", dangling.display()),
            ],
        ),
        BOUND,
    );
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{}",
        stderr(&out)
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert!(std::fs::read_to_string(&fresh).unwrap().contains("sarif"));
}

#[cfg(unix)]
#[test]
fn an_output_to_a_fifo_or_device_is_written_in_place() {
    let dir = fixture("good");
    let out_dir = tempfile::tempdir().unwrap();
    let fifo = out_dir.path().join("pipe");
    if !std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        println!("skipped: mkfifo unavailable");
        return;
    }
    // No reader: an error at once, not a hang.
    let t = Instant::now();
    let out = output_within(
        &mut command(
            dir.path(),
            &["--offline", "-q", "-o", &format!("json={}", fifo.display())],
        ),
        BOUND,
    );
    assert!(t.elapsed() < Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no reader"), "{}", stderr(&out));
    // With a reader: the report arrives, and the FIFO stays a FIFO.
    let reader_path = fifo.clone();
    let reader = std::thread::spawn(move || std::fs::read_to_string(reader_path).unwrap());
    std::thread::sleep(Duration::from_millis(200));
    let out = output_within(
        &mut command(
            dir.path(),
            &["--offline", "-q", "-o", &format!("json={}", fifo.display())],
        ),
        BOUND,
    );
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{}",
        stderr(&out)
    );
    let text = reader.join().unwrap();
    assert!(text.contains("\"schema_version\""), "{text}");
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    // /dev/null stays a device (as root, a rename would replace it).
    let out = output_within(
        &mut command(dir.path(), &["--offline", "-q", "-o", "json=/dev/null"]),
        BOUND,
    );
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{}",
        stderr(&out)
    );
    assert!(
        std::fs::symlink_metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[cfg(unix)]
#[test]
fn a_write_that_fails_is_exit_2_naming_the_path() {
    use std::os::unix::fs::FileTypeExt;
    let dir = fixture("good");
    let full = Path::new("/dev/full");
    let usable = std::fs::symlink_metadata(full).is_ok_and(|m| m.file_type().is_char_device())
        && std::fs::OpenOptions::new().write(true).open(full).is_ok();
    if !usable {
        println!("skipped: /dev/full is not writable here");
        return;
    }
    for args in [
        vec!["--offline", "-q", "-o", "sarif=/dev/full"],
        vec!["--offline", "-q", "--write-baseline", "/dev/full"],
        vec!["sbom", "--offline", "-o", "/dev/full"],
    ] {
        let out = output_within(&mut command(dir.path(), &args), BOUND);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("/dev/full"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(
            std::fs::symlink_metadata(full)
                .unwrap()
                .file_type()
                .is_char_device(),
            "{args:?} replaced /dev/full"
        );
    }
}

#[test]
fn two_outputs_to_one_file_are_a_usage_error() {
    let dir = fixture("good");
    for args in [
        &["--offline", "-o", "json=r.out", "-o", "sarif=r.out"][..],
        &[
            "--offline",
            "-o",
            "json=r.out",
            "-o",
            "sarif=./sub/../r.out",
        ],
        &["--offline", "-o", "json=r.out", "--write-baseline", "r.out"],
    ] {
        let out = output_within(&mut command(dir.path(), args), BOUND);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("name the same file"),
            "{}",
            stderr(&out)
        );
        assert!(!dir.path().join("r.out").exists());
    }
}

// ---------------------------------------------------------------------------
// Row 14: init never writes through a symlink.
// ---------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn init_never_replaces_or_writes_through_a_symlink() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "keep me").unwrap();
    let elsewhere = outside.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    for force in [false, true] {
        let dir = fixture("bare");
        // A dangling link, a link to a file outside, a directory link.
        std::os::unix::fs::symlink(
            outside.path().join("missing"),
            dir.path().join("SECURITY.md"),
        )
        .unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join("CHANGELOG.md")).unwrap();
        let _ = std::fs::remove_dir_all(dir.path().join(".github"));
        std::os::unix::fs::symlink(&elsewhere, dir.path().join(".github")).unwrap();
        let mut args = vec!["init"];
        if force {
            args.push("--force");
        }
        let out = output_within(&mut command(dir.path(), &args), BOUND);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("created    SECURITY.md"), "{text}");
        assert!(
            !outside.path().join("missing").exists(),
            "force={force}: {text}"
        );
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0, "{text}");
        assert!(text.contains("symlink"), "{text}");
    }
}

// ---------------------------------------------------------------------------
// Row 13: no terminal escape from the repository reaches the terminal.
// ---------------------------------------------------------------------------

#[test]
fn configuration_errors_write_control_characters_out() {
    let dir = fixture("good");
    write(
        dir.path(),
        "readiness.toml",
        "profile = \"\\u001b]0;T\\u0007\\u001b[2J\\u0000\"\n",
    );
    let out = output_within(&mut command(dir.path(), &["--offline"]), BOUND);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for raw in ['\u{1b}', '\u{7}', '\0'] {
        assert!(!err.contains(raw), "raw {raw:?} in {err:?}");
    }
    assert!(err.contains("\\u{1b}]0;T"), "{err}");
    assert!(err.contains("readiness.toml:1"), "{err}");
}

// ---------------------------------------------------------------------------
// Row 10: a policy file that cannot be read is not a pass.
// ---------------------------------------------------------------------------

#[test]
fn an_unreadable_deny_toml_makes_its_checks_error_not_pass() {
    // The `bans` of this deny.toml would fail the gate; broken, it must not pass it.
    let cases: [(&str, &[&str]); 3] = [
        (
            "[bans]\ndeny = [{ crate = \"good\", reason = \"no\" }]\n\n[licenses]\nallow = [\"MIT\"]\n\n[licenses]\n",
            &["bans", "dependency-licenses", "sources"],
        ),
        ("[bans]\ndeny = 5\n", &["bans"]),
        ("[sources]\nallow-git = 5\n", &["sources"]),
    ];
    for (text, broken) in cases {
        let dir = fixture("good");
        write(dir.path(), "deny.toml", text);
        let (code, r) = run_json(dir.path(), &[]);
        assert_eq!(code, 1, "{text}");
        for id in broken {
            let c = check(&r, id);
            assert_eq!(c["status"], "error", "{text}: {c:#}");
            assert!(c.to_string().contains("deny.toml"), "{c:#}");
        }
    }
}

// ---------------------------------------------------------------------------
// Row 8: a file too large to scan hides nothing.
// ---------------------------------------------------------------------------

#[test]
fn a_shipped_file_over_the_scan_limit_cannot_hide_a_tls_switch() {
    let padding = format!("/* {} */\n", "x".repeat(11 * 1024 * 1024));
    let cases = [
        // Disabled verification behind a huge comment: not a pass.
        (
            format!(
                "{padding}fn client() {{ reqwest::Client::builder().danger_accept_invalid_certs(true); }}\n"
            ),
            "error",
        ),
        // A module whose file could not be followed: not a pass either.
        (format!("{padding}mod tls;\n"), "error"),
        // Read through, and no TLS word in it: evidence, so a pass.
        (format!("{padding}pub fn big() -> u8 {{ 1 }}\n"), "pass"),
    ];
    for (big, expected) in cases {
        let dir = fixture("good");
        write(
            dir.path(),
            "src/tls.rs",
            "pub fn client() { reqwest::Client::builder().danger_accept_invalid_certs(true); }\n",
        );
        write(dir.path(), "src/big.rs", &big);
        let main = dir.path().join("src/main.rs");
        let text = std::fs::read_to_string(&main).unwrap();
        std::fs::write(&main, format!("mod big;\n{text}")).unwrap();
        let (_, r) = run_json(dir.path(), &[]);
        let tls = check(&r, "tls-verification");
        assert_eq!(tls["status"], expected, "{tls:#}");
        if expected == "error" {
            assert!(
                tls["note"].as_str().unwrap().contains("src/big.rs"),
                "{tls:#}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Row 7: CI that calls itself is a finding, in bounded time and memory.
// ---------------------------------------------------------------------------

#[test]
fn self_calling_workflows_and_actions_are_bounded_and_reported() {
    let dir = fixture("good");
    let mut w = String::from("on: [push, pull_request]\njobs:\n");
    for i in 0..20 {
        w.push_str(&format!("  j{i}:\n    uses: ./.github/workflows/w.yml\n"));
    }
    write(dir.path(), ".github/workflows/w.yml", &w);
    // Composite actions that call each other, 20 steps each.
    for (name, other) in [("a", "b"), ("b", "a")] {
        let mut action = String::from("runs:\n  using: composite\n  steps:\n");
        for _ in 0..20 {
            action.push_str(&format!("    - uses: ./.github/actions/{other}\n"));
        }
        write(
            dir.path(),
            &format!(".github/actions/{name}/action.yml"),
            &action,
        );
    }
    let mut caller = String::from("on: [push]\njobs:\n");
    for i in 0..20 {
        caller.push_str(&format!(
            "  c{i}:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/a\n"
        ));
    }
    write(dir.path(), ".github/workflows/caller.yml", &caller);
    // Wide but acyclic: 4 levels of 20 callers each (20^4 jobs).
    for level in 0..4 {
        let mut wf = format!(
            "on: {}\njobs:\n",
            if level == 0 {
                "[push]"
            } else {
                "workflow_call"
            }
        );
        for i in 0..20 {
            wf.push_str(&format!(
                "  l{i}:\n    uses: ./.github/workflows/l{}.yml\n",
                level + 1
            ));
        }
        write(dir.path(), &format!(".github/workflows/l{level}.yml"), &wf);
    }
    write(
        dir.path(),
        ".github/workflows/l4.yml",
        "on: workflow_call\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo test\n",
    );
    let t = Instant::now();
    let (_, r) = run_json(dir.path(), &["--timings"]);
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
    let ci = check(&r, "ci-present").to_string();
    assert!(ci.contains("calls itself"), "{ci}");
    assert!(ci.contains("w.yml → .github/workflows/w.yml"), "{ci}");
    // One finding per file and problem, not one per line that repeats it.
    let findings = check(&r, "ci-present")["findings"]
        .as_array()
        .unwrap()
        .clone();
    let mut prints: Vec<&str> = findings
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    prints.sort();
    prints.dedup();
    assert_eq!(prints.len(), findings.len(), "{ci}");
    assert!(ci.contains("composite action"), "{ci}");
    assert!(ci.contains("more than 20000 jobs and steps"), "{ci}");
}

// ---------------------------------------------------------------------------
// Row 16: errors say what failed.
// ---------------------------------------------------------------------------

#[test]
fn bad_flags_weights_and_lockfiles_get_their_own_messages() {
    let dir = fixture("good");
    let out = output_within(
        &mut command(
            dir.path(),
            &["sbom", "--offline", "--target", "nonsense-triple"],
        ),
        BOUND,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("--target nonsense-triple"), "{err}");
    assert!(!err.contains("malformed manifest"), "{err}");
    let out = output_within(
        &mut command(dir.path(), &["sbom", "--offline", "-F", "nosuchfeature"]),
        BOUND,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("--features nosuchfeature"), "{err}");
    assert!(!err.contains("malformed manifest"), "{err}");

    write(
        dir.path(),
        "readiness.toml",
        "[weights]\nsecurity = 0\nsupply-chain = 0\nci = 0\nrelease = 0\ntesting = 0\ngovernance = 0\n",
    );
    let out = output_within(&mut command(dir.path(), &["--offline"]), BOUND);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("every category weighs 0"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(dir.path().join("readiness.toml")).unwrap();

    // A lockfile listing a package twice: the audit refuses it as the main run does.
    let lock = dir.path().join("Cargo.lock");
    let text = std::fs::read_to_string(&lock).unwrap();
    std::fs::write(
        &lock,
        format!("{text}\n[[package]]\nname = \"good\"\nversion = \"0.1.0\"\n"),
    )
    .unwrap();
    for args in [&["audit", "--offline"][..], &["--offline"]] {
        let out = output_within(&mut command(dir.path(), args), BOUND);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("Cargo.lock"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

// ---------------------------------------------------------------------------
// Every check: an input it could not read never passes where the check
// fails on that input absent and on it empty (a check that needs only the
// file's presence may pass on it; one that needs its content may not).
// ---------------------------------------------------------------------------

/// Status and findings of every check.
fn outcomes(r: &serde_json::Value) -> std::collections::BTreeMap<String, (String, String)> {
    r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                (
                    c["status"].as_str().unwrap().to_string(),
                    c["findings"].to_string(),
                ),
            )
        })
        .collect()
}

#[test]
fn no_check_passes_on_an_input_it_could_not_read() {
    let inputs = [
        ".github/CODEOWNERS",
        ".github/ISSUE_TEMPLATE/bug_report.md",
        ".github/dependabot.yml",
        ".github/pull_request_template.md",
        ".github/workflows/ci.yml",
        ".github/workflows/release.yml",
        "CHANGELOG.md",
        "CODE_OF_CONDUCT.md",
        "CONTRIBUTING.md",
        "LICENSE-APACHE",
        "LICENSE-MIT",
        "README.md",
        "SECURITY.md",
        "src/main.rs",
        "tests/cli.rs",
        "fuzz/fuzz_targets/parse_args.rs",
    ];
    let oversized = "x".repeat(17 * 1024 * 1024);
    let binary = "\0\u{1}\u{2}binary\0".repeat(64);
    let not_utf8: &[u8] = b"caf\xe9\n";
    let mut compared = 0;
    for input in inputs {
        let report = |change: &dyn Fn(&Path)| {
            let dir = fixture("good");
            change(&dir.path().join(input));
            git_commit_all(dir.path());
            let (code, r) = run_json(dir.path(), &[]);
            assert!(matches!(code, 0 | 1), "{input}: exit {code}");
            outcomes(&r)
        };
        let absent = report(&|p| std::fs::remove_file(p).unwrap());
        let empty = report(&|p| std::fs::write(p, "").unwrap());
        for (variant, bytes) in [
            ("over 16 MB", oversized.as_bytes()),
            ("binary", binary.as_bytes()),
            ("not UTF-8", not_utf8),
        ] {
            let unreadable = report(&|p| std::fs::write(p, bytes).unwrap());
            for (id, (status, findings)) in &unreadable {
                let lenient = |s: &str| s == "pass" || s == "skip";
                let (absent_status, _) = &absent[id];
                let (empty_status, _) = &empty[id];
                compared += 1;
                assert!(
                    status != "pass" || lenient(absent_status) || lenient(empty_status),
                    "{id} passes with {input} {variant}, but is `{absent_status}` without it and `{empty_status}` with it empty: {findings}"
                );
            }
        }
    }
    assert!(compared > 1000, "{compared}");
}

#[test]
fn a_toolchain_that_is_not_installed_degrades_with_its_name() {
    if rustup_toolchains().is_none() {
        println!("skipped: rustup is not installed");
        return;
    }
    let dir = fixture("good");
    let out = output_within(
        command(dir.path(), &["--offline", "--format", "json"])
            .env("RUSTUP_TOOLCHAIN", "no-such-toolchain-xyz")
            .env("RUST_BACKTRACE", "1")
            .env_remove("CARGO"),
        BOUND,
    );
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{}",
        stderr(&out)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes = r["notes"].to_string();
    assert!(notes.contains("no-such-toolchain-xyz"), "{notes}");
    assert!(!notes.contains("backtrace"), "{notes}");
    assert!(!notes.contains("malformed manifest"), "{notes}");
    assert_eq!(check(&r, "dependency-licenses")["status"], "error");
}

#[test]
fn a_manifest_only_the_unused_pinned_toolchain_reads_degrades_instead_of_exit_2() {
    let Some(installed) = rustup_toolchains() else {
        println!("skipped: rustup is not installed");
        return;
    };
    if installed.contains("nightly-2020-01-01") {
        println!("skipped: the pin is installed here");
        return;
    }
    let dir = fixture("good");
    write(
        dir.path(),
        "rust-toolchain.toml",
        "[toolchain]\nchannel = \"nightly-2020-01-01\"\n",
    );
    let manifest = dir.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        format!("cargo-features = [\"some-unstable-feature\"]\n\n{text}"),
    )
    .unwrap();
    git_commit_all(dir.path());
    let out = output_within(
        command(dir.path(), &["--offline", "--format", "json"])
            .env_remove("RUSTUP_TOOLCHAIN")
            .env_remove("CARGO"),
        BOUND,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes = r["notes"].to_string();
    assert!(notes.contains("nightly-2020-01-01"), "{notes}");
}

/// Every external command goes through `src/exec.rs` (neutral directory,
/// deadline, no wrappers, no auto-install): a plain `std::process::Command`
/// elsewhere would run from the repository with none of that.
#[test]
fn only_exec_starts_processes() {
    fn walk(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("src/exec.rs")
            {
                let text = std::fs::read_to_string(&path).unwrap();
                // Unit-test modules hold source *under analysis* (the xtask
                // reader's samples), not code the tool runs.
                let shipped = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
                for (n, line) in shipped.lines().enumerate() {
                    if line.contains("process::Command") || line.contains(" Command::new(") {
                        found.push(format!("{}:{}", path.display(), n + 1));
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    assert!(
        found.is_empty(),
        "processes started outside exec.rs: {found:?}"
    );
}
