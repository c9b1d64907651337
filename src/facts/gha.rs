//! GitHub Actions workflows and composite actions as typed values that keep
//! their lines: jobs, `runs-on`, the expanded matrix, steps with `uses:`,
//! `run:`, `with:` and `env:`, and `permissions:` at both levels.
//!
//! Built from [`super::yaml::Node`] (aliases and merge keys already
//! applied). Shapes GitHub would reject are read leniently: a value of the
//! wrong type is treated as absent, never as an error.

use super::shell;
use super::workflows::{Trigger, Workflow};
use super::yaml::{Node, Value};

/// A value and the 1-based line it is written on.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// 1-based line.
    pub line: usize,
}

/// One `KEY: value` of an `env:` or `with:` map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The key.
    pub name: String,
    /// The value as text (numbers and booleans spelled out).
    pub value: String,
    /// Line of the key.
    pub line: usize,
    /// Line where the value starts (the first content line of a block).
    pub value_line: usize,
}

/// A parsed GitHub Actions workflow.
#[derive(Debug, Clone)]
pub struct GhWorkflow {
    /// Path relative to the workspace root.
    pub path: String,
    /// Events it runs on.
    pub triggers: Vec<Trigger>,
    /// Top-level `permissions:`; `None` when absent.
    pub permissions: Option<Permissions>,
    /// Top-level `env:`.
    pub env: Vec<Input>,
    /// `defaults.run.working-directory`.
    pub working_directory: Option<String>,
    /// Line of `jobs:` (1 when absent).
    pub jobs_line: usize,
    /// Jobs in document order.
    pub jobs: Vec<Job>,
}

impl GhWorkflow {
    /// Whether the workflow runs on `event`.
    pub fn runs_on_event(&self, event: &str) -> bool {
        self.triggers.iter().any(|t| t.event == event)
    }

    /// Whether `workflow_call` is its only trigger: it runs only when
    /// another workflow calls it.
    pub fn is_reusable_only(&self) -> bool {
        !self.triggers.is_empty() && self.triggers.iter().all(|t| t.event == "workflow_call")
    }
}

/// A `permissions:` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permissions {
    /// Line of the `permissions:` key.
    pub line: usize,
    /// What it grants.
    pub set: PermissionSet,
}

/// What a `permissions:` block grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PermissionSet {
    /// `read-all`
    ReadAll,
    /// `write-all`
    WriteAll,
    /// A map of scopes (`{}` is an empty map: no permissions at all).
    Scopes(Vec<Scope>),
    /// Anything else (an expression, a typo), as written.
    Other(String),
}

/// One `scope: access` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// `contents`, `id-token`, …
    pub name: String,
    /// `read`, `write` or `none`.
    pub access: String,
    /// Line of the entry.
    pub line: usize,
}

impl Permissions {
    /// Scopes granted `write`.
    pub fn writes(&self) -> Vec<&Scope> {
        match &self.set {
            PermissionSet::Scopes(scopes) => {
                scopes.iter().filter(|s| s.access == "write").collect()
            }
            _ => Vec::new(),
        }
    }
}

/// One job.
#[derive(Debug, Clone)]
pub struct Job {
    /// The job's key.
    pub id: String,
    /// Line of the key.
    pub line: usize,
    /// `name:`
    pub name: Option<String>,
    /// `runs-on:` as written (string, list or `{group, labels}`).
    pub runs_on: Option<Node>,
    /// `if:` as written.
    pub condition: Option<String>,
    /// Job-level `permissions:`.
    pub permissions: Option<Permissions>,
    /// `uses:` of a job that calls a reusable workflow.
    pub uses: Option<Located<String>>,
    /// `with:` of a reusable workflow call.
    pub with: Vec<Input>,
    /// Job-level `env:`.
    pub env: Vec<Input>,
    /// The expanded `strategy.matrix`.
    pub matrix: Matrix,
    /// `container:` image, if any.
    pub container: Option<String>,
    /// `defaults.run.working-directory`.
    pub working_directory: Option<String>,
    /// Steps in order.
    pub steps: Vec<Step>,
}

/// An expanded `strategy.matrix`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Matrix {
    /// Every combination, as `(key, value)` pairs; one empty combination
    /// when the job has no matrix.
    pub combos: Vec<Vec<(String, Node)>>,
    /// The matrix (or one of its axes) is computed at run time
    /// (`${{ fromJSON(…) }}`) and could not be expanded.
    pub dynamic: bool,
}

impl Matrix {
    /// The values `key` (a dotted path such as `platform.os`) takes.
    pub fn values(&self, path: &str) -> Vec<&Node> {
        self.combos.iter().filter_map(|c| lookup(c, path)).collect()
    }
}

/// One step of a job or composite action.
#[derive(Debug, Clone)]
pub struct Step {
    /// Line of the step (its first key).
    pub line: usize,
    /// `name:`
    pub name: Option<String>,
    /// `id:`
    pub id: Option<String>,
    /// `uses:`
    pub uses: Option<Located<String>>,
    /// `run:`
    pub run: Option<Run>,
    /// `with:`
    pub with: Vec<Input>,
    /// `env:`
    pub env: Vec<Input>,
    /// `shell:`
    pub shell: Option<String>,
    /// `working-directory:`
    pub working_directory: Option<String>,
    /// `if:` of the step.
    pub condition: Option<String>,
}

impl Step {
    /// The `with:` input called `name`.
    pub fn input(&self, name: &str) -> Option<&Input> {
        self.with.iter().find(|i| i.name == name)
    }
}

/// Inputs of well-known actions that are shell scripts the action runs
/// (in a VM, a container or a retry loop): GitHub pastes `${{ }}` into
/// them as into `run:`, and what they run is the job's work.
const SCRIPT_INPUTS: &[(&str, &[&str])] = &[
    ("cross-platform-actions/action", &["run"]),
    ("uraimo/run-on-arch-action", &["install", "run"]),
    ("addnab/docker-run-action", &["run"]),
    ("nick-fields/retry", &["command"]),
    ("nick-invision/retry", &["command"]),
    ("wandalen/wretry.action", &["command"]),
    ("pyo3/maturin-action", &["before-script-linux"]),
];

/// The `with:` inputs of action `name` (lowercase `owner/repo`) that are
/// shell scripts: [`SCRIPT_INPUTS`], and `prepare`/`run` of every
/// `vmactions/*-vm`.
pub fn script_inputs(name: &str) -> &'static [&'static str] {
    if name.starts_with("vmactions/") && name.ends_with("-vm") {
        return &["prepare", "run"];
    }
    SCRIPT_INPUTS
        .iter()
        .find(|(action, _)| *action == name)
        .map_or(&[], |(_, inputs)| inputs)
}

impl Input {
    /// This input's value read as a script, each line at its file line.
    pub fn as_script(&self) -> Run {
        Run {
            text: self.value.clone(),
            line: self.line,
            lines: (0..self.value.lines().count().max(1))
                .map(|i| self.value_line + i)
                .collect(),
        }
    }
}

/// A `run:` script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The script text.
    pub text: String,
    /// Line of the `run:` key.
    pub line: usize,
    /// File line of each physical line of `text`.
    pub lines: Vec<usize>,
}

impl Run {
    /// The script split into logical lines and commands.
    pub fn logical_lines(&self) -> Vec<shell::LogicalLine> {
        shell::parse(&self.text, &self.lines)
    }
}

/// A local action's `action.yml`.
#[derive(Debug, Clone)]
pub struct LocalAction {
    /// Path of the `action.yml` relative to the workspace root.
    pub path: String,
    /// `runs.using`: `composite`, `node20`, `docker`, …
    pub using: Option<String>,
    /// `runs.image` of a docker action.
    pub image: Option<Located<String>>,
    /// Steps of a composite action.
    pub steps: Vec<Step>,
    /// `inputs:` with their `default:` values.
    pub inputs: Vec<Input>,
}

/// Where a `uses:` points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionRef {
    /// `./path` in this repository.
    Local(String),
    /// `docker://image[:tag][@digest]`
    Docker {
        /// The image reference after `docker://`.
        image: String,
    },
    /// `owner/repo[/path]@ref`
    Repo {
        /// Owner, as written.
        owner: String,
        /// Repository, as written.
        repo: String,
        /// Sub-path inside the repository (`github/codeql-action/analyze`).
        path: Option<String>,
        /// The ref after `@` (empty when missing).
        git_ref: String,
    },
}

impl ActionRef {
    /// Parses a `uses:` value.
    pub fn parse(uses: &str) -> ActionRef {
        let uses = uses.trim();
        // `$/path` is GitHub's newer spelling of "this repository".
        if let Some(local) = uses.strip_prefix("./").or_else(|| uses.strip_prefix("$/")) {
            return ActionRef::Local(local.trim_end_matches('/').to_string());
        }
        if let Some(image) = uses.strip_prefix("docker://") {
            return ActionRef::Docker {
                image: image.to_string(),
            };
        }
        let (target, git_ref) = uses.split_once('@').unwrap_or((uses, ""));
        let mut parts = target.splitn(3, '/');
        let owner = parts.next().unwrap_or("").to_string();
        let repo = parts.next().unwrap_or("").to_string();
        // `owner/repo/@ref` and `owner/repo/sub/@ref`: GitHub accepts the
        // trailing slash, which names the same action.
        let path = parts
            .next()
            .map(|p| p.trim_end_matches('/'))
            .filter(|p| !p.is_empty())
            .map(str::to_string);
        ActionRef::Repo {
            owner,
            repo,
            path,
            git_ref: git_ref.to_string(),
        }
    }

    /// `owner/repo[/path]` in lower case (GitHub names are case-insensitive),
    /// for matching against well-known actions.
    pub fn name(&self) -> Option<String> {
        match self {
            ActionRef::Repo {
                owner, repo, path, ..
            } => Some(match path {
                Some(p) => format!("{owner}/{repo}/{p}"),
                None => format!("{owner}/{repo}"),
            })
            .map(|s| s.to_ascii_lowercase()),
            _ => None,
        }
    }

    /// `owner/repo` in lower case.
    pub fn repository(&self) -> Option<String> {
        match self {
            ActionRef::Repo { owner, repo, .. } => {
                Some(format!("{owner}/{repo}").to_ascii_lowercase())
            }
            _ => None,
        }
    }

    /// The ref, for repository actions.
    pub fn git_ref(&self) -> Option<&str> {
        match self {
            ActionRef::Repo { git_ref, .. } => Some(git_ref),
            _ => None,
        }
    }

    /// Whether it is pinned immutably: a full 40-hex commit SHA for
    /// repository actions, a `sha256` digest for docker images; local
    /// actions are part of the repository.
    pub fn is_pinned(&self) -> bool {
        match self {
            ActionRef::Local(_) => true,
            ActionRef::Docker { image } => image.contains("@sha256:"),
            ActionRef::Repo { git_ref, .. } => is_commit_sha(git_ref),
        }
    }
}

/// Whether `s` is a full 40-hex-digit commit SHA.
pub fn is_commit_sha(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Reads a workflow's typed model; `None` when it did not parse.
pub fn workflow(wf: &Workflow, source: &str) -> Option<GhWorkflow> {
    let doc = wf.doc.as_ref().ok()?;
    let source: Vec<&str> = source.lines().collect();
    let source = source.as_slice();
    let jobs_entry = doc.entry("jobs");
    let jobs = jobs_entry
        .map(|(_, jobs)| {
            jobs.entries()
                .iter()
                .filter_map(|(k, v)| Some(job(k.as_key()?, k.line, v, source)))
                .collect()
        })
        .unwrap_or_default();
    Some(GhWorkflow {
        path: wf.path.clone(),
        triggers: wf.triggers(),
        permissions: doc.entry("permissions").map(permissions),
        env: map_inputs(doc.get("env")),
        working_directory: run_default(doc),
        jobs_line: jobs_entry.map_or(1, |(k, _)| k.line),
        jobs,
    })
}

/// Reads a local action's `action.yml`.
pub fn local_action(path: &str, doc: &Node, source: &str) -> LocalAction {
    let runs = doc.get("runs");
    let source: Vec<&str> = source.lines().collect();
    let source = source.as_slice();
    LocalAction {
        path: path.to_string(),
        using: runs.and_then(|r| r.get("using")).and_then(scalar_text),
        image: runs.and_then(|r| r.get("image")).and_then(|n| {
            scalar_text(n).map(|value| Located {
                value,
                line: n.line,
            })
        }),
        steps: runs
            .and_then(|r| r.get("steps"))
            .map(|s| steps(s, source))
            .unwrap_or_default(),
        inputs: doc
            .get("inputs")
            .map(|inputs| {
                inputs
                    .entries()
                    .iter()
                    .filter_map(|(k, v)| {
                        Some(Input {
                            name: k.as_key()?,
                            value: v.get("default").and_then(scalar_text).unwrap_or_default(),
                            line: k.line,
                            value_line: v.line,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn run_default(node: &Node) -> Option<String> {
    node.get("defaults")
        .and_then(|d| d.get("run"))
        .and_then(|r| r.get("working-directory"))
        .and_then(scalar_text)
}

fn job(id: String, line: usize, node: &Node, source: &[&str]) -> Job {
    let strategy = node.get("strategy");
    Job {
        id,
        line,
        name: node.get("name").and_then(scalar_text),
        runs_on: node.get("runs-on").cloned(),
        condition: node.get("if").and_then(scalar_text),
        permissions: node.entry("permissions").map(permissions),
        uses: located_text(node.get("uses")),
        with: map_inputs(node.get("with")),
        env: map_inputs(node.get("env")),
        matrix: strategy
            .and_then(|s| s.get("matrix"))
            .map(expand_matrix)
            .unwrap_or_else(|| Matrix {
                combos: vec![Vec::new()],
                dynamic: false,
            }),
        container: node
            .get("container")
            .and_then(|c| scalar_text(c).or_else(|| c.get("image").and_then(scalar_text))),
        working_directory: run_default(node),
        steps: node
            .get("steps")
            .map(|s| steps(s, source))
            .unwrap_or_default(),
    }
}

/// The steps of a `steps:` list in file order. A `parallel:` block (GitHub's
/// parallel steps, 2026) runs its items as steps of the same job, so every
/// check reads them like the others; an item that is itself a `steps:`
/// sequence (one branch of the block) is read the same way.
fn steps(list: &Node, source: &[&str]) -> Vec<Step> {
    let mut out = Vec::new();
    collect_steps(list, source, 0, &mut out);
    out
}

/// Nested `parallel:` blocks deeper than this are not a real workflow.
const MAX_STEP_NESTING: usize = 8;

fn collect_steps(list: &Node, source: &[&str], depth: usize, out: &mut Vec<Step>) {
    for item in list.items() {
        let group = item.get("parallel").or_else(|| {
            // `- steps: [...]` as a branch inside a parallel block.
            (item.entries().len() == 1)
                .then(|| item.get("steps"))
                .flatten()
        });
        if let Some(group) = group.filter(|g| matches!(g.value, Value::Seq(_))) {
            if depth < MAX_STEP_NESTING {
                collect_steps(group, source, depth + 1, out);
            }
            continue;
        }
        out.push(step(item, source));
    }
}

fn step(node: &Node, source: &[&str]) -> Step {
    // A step's line is that of its first key (the `- ` item line).
    let line = node.entries().first().map_or(node.line, |(k, _)| k.line);
    let run = node.get("run").and_then(|r| {
        let text = scalar_text(r)?;
        Some(Run {
            lines: shell::locate_lines(source, r.line, &text),
            line: node.entry("run").map_or(r.line, |(k, _)| k.line),
            text,
        })
    });
    Step {
        line,
        name: node.get("name").and_then(scalar_text),
        id: node.get("id").and_then(scalar_text),
        uses: located_text(node.get("uses")),
        run,
        with: map_inputs(node.get("with")),
        env: map_inputs(node.get("env")),
        shell: node.get("shell").and_then(scalar_text),
        working_directory: node.get("working-directory").and_then(scalar_text),
        condition: node.get("if").and_then(scalar_text),
    }
}

fn located_text(node: Option<&Node>) -> Option<Located<String>> {
    let node = node?;
    // A block scalar (`uses: |`) carries its line break; GitHub trims it.
    Some(Located {
        value: scalar_text(node)?.trim().to_string(),
        line: node.line,
    })
}

fn permissions((key, value): (&Node, &Node)) -> Permissions {
    let set = match &value.value {
        Value::Str(s) if s == "read-all" => PermissionSet::ReadAll,
        Value::Str(s) if s == "write-all" => PermissionSet::WriteAll,
        Value::Map(entries) => PermissionSet::Scopes(
            entries
                .iter()
                .filter_map(|(k, v)| {
                    Some(Scope {
                        name: k.as_key()?,
                        access: scalar_text(v).unwrap_or_default(),
                        line: k.line,
                    })
                })
                .collect(),
        ),
        Value::Null => PermissionSet::Scopes(Vec::new()),
        _ => PermissionSet::Other(scalar_text(value).unwrap_or_default()),
    };
    Permissions {
        line: key.line,
        set,
    }
}

/// A map's entries as text inputs (`env:`, `with:`); an expression in place
/// of the map gives nothing.
fn map_inputs(node: Option<&Node>) -> Vec<Input> {
    node.map(|n| {
        n.entries()
            .iter()
            .filter_map(|(k, v)| {
                Some(Input {
                    name: k.as_key()?,
                    value: scalar_text(v).unwrap_or_default(),
                    line: k.line,
                    value_line: v.line,
                })
            })
            .collect()
    })
    .unwrap_or_default()
}

/// A scalar as text: strings as they are, numbers and booleans spelled out.
pub fn scalar_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::Str(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(float_text(*f)),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        Value::Seq(_) | Value::Map(_) => None,
    }
}

/// YAML reads an unquoted `1.70` as the number 1.7, and so does GitHub:
/// `toolchain: 1.70` asks for Rust 1.7. The text follows GitHub's reading.
fn float_text(f: f64) -> String {
    let s = f.to_string();
    if s.contains('.') { s } else { format!("{s}.0") }
}

/// Largest matrix expanded; GitHub's own limit is 256 jobs.
const MAX_COMBOS: usize = 256;

/// Expands `strategy.matrix` the way GitHub does: the product of the axes,
/// minus `exclude:`, then each `include:` entry either extends the
/// combinations it matches on the original axes or is added as a new one.
pub fn expand_matrix(node: &Node) -> Matrix {
    let Value::Map(entries) = &node.value else {
        // `matrix: ${{ fromJSON(...) }}`
        return Matrix {
            combos: vec![Vec::new()],
            dynamic: true,
        };
    };
    let mut dynamic = false;
    let mut axes: Vec<(String, Vec<Node>)> = Vec::new();
    let mut include: Vec<Node> = Vec::new();
    let mut exclude: Vec<Node> = Vec::new();
    for (k, v) in entries {
        let Some(key) = k.as_key() else { continue };
        match (key.as_str(), &v.value) {
            ("include", Value::Seq(items)) => include = items.clone(),
            ("exclude", Value::Seq(items)) => exclude = items.clone(),
            ("include" | "exclude", _) => dynamic = true,
            (_, Value::Seq(items)) => axes.push((key, items.clone())),
            _ => dynamic = true,
        }
    }
    // Without axes, every `include:` entry is a combination of its own.
    let mut combos: Vec<Vec<(String, Node)>> = if axes.is_empty() {
        Vec::new()
    } else {
        vec![Vec::new()]
    };
    for (key, values) in &axes {
        let mut next = Vec::new();
        for combo in &combos {
            for value in values {
                if next.len() >= MAX_COMBOS {
                    break;
                }
                let mut c = combo.clone();
                c.push((key.clone(), value.clone()));
                next.push(c);
            }
        }
        combos = next;
    }
    if axes.iter().any(|(_, v)| v.is_empty()) {
        combos.clear();
    }
    combos.retain(|combo| {
        !exclude.iter().any(|ex| {
            !ex.entries().is_empty()
                && ex.entries().iter().all(|(k, v)| {
                    k.as_key()
                        .and_then(|key| combo.iter().find(|(ck, _)| *ck == key))
                        .is_some_and(|(_, cv)| cv.value == v.value)
                })
        })
    });
    let original: Vec<&str> = axes.iter().map(|(k, _)| k.as_str()).collect();
    let base_len = combos.len();
    for entry in &include {
        let pairs: Vec<(String, Node)> = entry
            .entries()
            .iter()
            .filter_map(|(k, v)| Some((k.as_key()?, v.clone())))
            .collect();
        let mut matched = false;
        for combo in combos.iter_mut().take(base_len) {
            let fits = pairs.iter().all(|(k, v)| {
                !original.contains(&k.as_str())
                    || combo
                        .iter()
                        .find(|(ck, _)| ck == k)
                        .is_some_and(|(_, cv)| cv.value == v.value)
            });
            if fits {
                matched = true;
                for (k, v) in &pairs {
                    match combo.iter_mut().find(|(ck, _)| ck == k) {
                        Some(slot) => slot.1 = v.clone(),
                        None => combo.push((k.clone(), v.clone())),
                    }
                }
            }
        }
        if !matched && combos.len() < MAX_COMBOS {
            combos.push(pairs);
        }
    }
    if combos.is_empty() && axes.is_empty() {
        combos.push(Vec::new());
    }
    Matrix { combos, dynamic }
}

/// The value at a dotted `path` (`os`, `platform.os`) in a combination.
pub fn lookup<'a>(combo: &'a [(String, Node)], path: &str) -> Option<&'a Node> {
    let mut parts = path.split('.');
    let first = parts.next()?;
    let mut node = combo.iter().find(|(k, _)| k == first).map(|(_, v)| v)?;
    for part in parts {
        node = node.get(part)?;
    }
    Some(node)
}

/// `'text'` in an expression: the text.
/// `expr` (a GitHub expression) split on any of `operators` outside
/// parentheses and quoted strings.
pub fn split_top_level<'a>(expr: &'a str, operators: &[&str]) -> Vec<&'a str> {
    let bytes = expr.as_bytes();
    let mut parts = Vec::new();
    let (mut depth, mut quoted, mut start, mut i) = (0i32, false, 0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            _ if !quoted && depth == 0 => {
                if let Some(op) = operators.iter().find(|op| expr[i..].starts_with(**op)) {
                    parts.push(&expr[start..i]);
                    i += op.len();
                    start = i;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&expr[start..]);
    parts
}

fn quoted_literal(expr: &str) -> Option<String> {
    let inner = expr.strip_prefix('\'')?.strip_suffix('\'')?;
    (!inner.contains('\'')).then(|| inner.to_string())
}

/// `env['CLIPPY_OPTIONS']` → `env.CLIPPY_OPTIONS`; None for a computed
/// index (`matrix[format(…)]`).
fn index_to_dots(expr: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = expr;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find(']')?;
        let key = after[..close].trim();
        let key = key
            .strip_prefix('\'')
            .and_then(|k| k.strip_suffix('\''))
            .or_else(|| key.strip_prefix('"').and_then(|k| k.strip_suffix('"')))?;
        out.push('.');
        out.push_str(key);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// What `${{ … }}` expressions can be read statically: `matrix.X` from one
/// matrix combination, `env.X` from the innermost `env:` defining it,
/// `inputs.X` from a caller's `with:`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The matrix combination.
    pub combo: &'a [(String, Node)],
    /// `env:` maps, innermost first.
    pub envs: &'a [&'a [Input]],
    /// `with:` of the caller (reusable workflow or composite action).
    pub inputs: &'a [Input],
}

impl Context<'_> {
    /// The value of a bare expression (`matrix.os`, `env['X']`, `matrix.os
    /// || 'ubuntu-latest'`), when known.
    pub fn resolve(&self, expr: &str) -> Option<String> {
        // `a || 'fallback'`: the first operand with a non-empty value.
        let alternatives = split_top_level(expr, &["||"]);
        if alternatives.len() > 1 {
            if alternatives
                .iter()
                .any(|a| split_top_level(a, &["&&"]).len() > 1)
            {
                return None;
            }
            let mut parts = alternatives.iter().map(|p| p.trim()).peekable();
            while let Some(part) = parts.next() {
                // An unset `matrix.X`/`env.X` is null in GitHub: falsy.
                let unset_is_empty = part.starts_with("matrix.") || part.starts_with("env.");
                let value = self
                    .operand(part)
                    .or_else(|| unset_is_empty.then(String::new));
                match value {
                    Some(v) if !v.is_empty() => return Some(v),
                    // An unknown operand hides what the expression gives.
                    None if parts.peek().is_some() => return None,
                    _ => {}
                }
            }
            return None;
        }
        self.operand(expr.trim())
    }

    /// The value of a literal, a context path or a `format()` call.
    fn operand(&self, expr: &str) -> Option<String> {
        quoted_literal(expr)
            .or_else(|| self.format_call(expr))
            .or_else(|| self.resolve_path(expr))
    }

    /// `format('{0}-latest', matrix.os)` (cxx's `runs-on`), when every
    /// argument is known. `{{` and `}}` are literal braces.
    fn format_call(&self, expr: &str) -> Option<String> {
        let inner = expr.strip_prefix("format(")?.strip_suffix(')')?;
        let args = split_top_level(inner, &[","]);
        let (template, args) = args.split_first()?;
        let template = quoted_literal(template.trim())?;
        let values: Vec<String> = args
            .iter()
            .map(|a| self.operand(a.trim()))
            .collect::<Option<_>>()?;
        let mut out = String::new();
        let mut rest = template.as_str();
        while let Some(i) = rest.find(['{', '}']) {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            if tail.starts_with("{{") || tail.starts_with("}}") {
                out.push_str(&tail[..1]);
                rest = &tail[2..];
                continue;
            }
            let close = tail.find('}')?;
            let index: usize = tail[1..close].parse().ok()?;
            out.push_str(values.get(index)?);
            rest = &tail[close + 1..];
        }
        out.push_str(rest);
        Some(out)
    }

    /// The value of one context path; `env['X']` is `env.X`.
    fn resolve_path(&self, expr: &str) -> Option<String> {
        let dotted;
        let expr = if expr.contains('[') {
            dotted = index_to_dots(expr)?;
            dotted.as_str()
        } else {
            expr
        };
        if let Some(path) = expr.strip_prefix("matrix.") {
            lookup(self.combo, path).and_then(scalar_text)
        } else if let Some(name) = expr.strip_prefix("env.") {
            self.envs
                .iter()
                .find_map(|e| e.iter().find(|i| i.name == name))
                .map(|i| i.value.clone())
        } else if let Some(name) = expr.strip_prefix("inputs.") {
            self.inputs
                .iter()
                .find(|i| i.name == name)
                .map(|i| i.value.clone())
        } else {
            None
        }
    }

    /// `text` with every expression this scope knows replaced by its value;
    /// the others are left as written.
    pub fn substitute(&self, text: &str) -> String {
        self.substitute_at(text, 2)
    }

    /// [`substitute`](Self::substitute) with a bound on nested rounds: a
    /// value may itself hold an expression (`env` set from `matrix`), but a
    /// value that refers to itself (`os: ${{ matrix.os }}`) must not recurse
    /// forever.
    fn substitute_at(&self, text: &str, depth: u8) -> String {
        if !text.contains("${{") {
            return text.to_string();
        }
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 3..];
            let Some(end) = after.find("}}") else {
                out.push_str(&rest[start..]);
                return out;
            };
            match self.resolve(after[..end].trim()) {
                Some(value) if value.contains("${{") && depth > 1 => {
                    out.push_str(&self.substitute_at(&value, depth - 1));
                }
                Some(value) if value.contains("${{") => out.push_str(&value),
                Some(value) => out.push_str(&value),
                None => out.push_str(&rest[start..start + 3 + end + 2]),
            }
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::workflows::CiKind;
    use crate::facts::yaml;

    #[test]
    fn bracket_indexes_fallbacks_and_format_calls_resolve() {
        let input = |name: &str, value: &str| Input {
            name: name.into(),
            value: value.into(),
            line: 1,
            value_line: 1,
        };
        let env = [input("CLIPPY_OPTIONS", "-D warnings"), input("OS", "macos")];
        let envs: [&[Input]; 1] = [&env];
        let cx = Context {
            combo: &[],
            envs: &envs,
            inputs: &[],
        };
        assert_eq!(
            cx.substitute("-- ${{ env['CLIPPY_OPTIONS'] }}"),
            "-- -D warnings"
        );
        assert_eq!(
            cx.substitute("${{ env[\"CLIPPY_OPTIONS\"] }}"),
            "-D warnings"
        );
        assert_eq!(
            cx.substitute("${{ matrix.os || 'ubuntu-latest' }}"),
            "ubuntu-latest"
        );
        assert_eq!(cx.substitute("${{ env.NONE || 'x' }}"), "x");
        // Unknown first operand: left as written.
        assert_eq!(
            cx.substitute("${{ steps.a.outputs.b || 'x' }}"),
            "${{ steps.a.outputs.b || 'x' }}"
        );
        // `format()` resolves when every argument is known.
        assert_eq!(
            cx.substitute("${{ format('{0}-latest', env.OS) }}"),
            "macos-latest"
        );
        assert_eq!(
            cx.substitute("${{ matrix.runner || format('[{0}], {1}', env.OS, 'x') }}"),
            "[macos], x"
        );
        assert_eq!(
            cx.resolve("format('{{{0}}}', env.OS)").as_deref(),
            Some("{macos}")
        );
        assert_eq!(cx.substitute("${{ 'literal' }}"), "literal");
        // Unknown arguments and indexes leave the expression as written.
        for kept in [
            "${{ format('{0}', github.head_ref) }}",
            "${{ format('{1}', env.OS) }}",
            "${{ (env.OS == 'x') || 'y' }}",
        ] {
            assert_eq!(cx.substitute(kept), kept);
        }
    }

    #[test]
    fn self_referencing_expressions_terminate() {
        let wf = parse(
            "on: push\njobs:\n  run:\n    strategy: { matrix: { os: [\"${{ matrix.os }}\"] } }\n    runs-on: ${{ matrix.os }}\n    steps: [ { run: cargo test } ]\n",
        );
        assert_eq!(wf.jobs.len(), 1);
    }

    fn parse(text: &str) -> GhWorkflow {
        let wf = Workflow {
            path: ".github/workflows/ci.yml".into(),
            kind: CiKind::GithubActions,
            doc: yaml::parse(text).map_err(crate::facts::workflows::WorkflowProblem::Yaml),
        };
        workflow(&wf, text).unwrap_or_else(|| panic!("did not parse"))
    }

    fn texts(m: &Matrix, key: &str) -> Vec<String> {
        m.values(key).into_iter().filter_map(scalar_text).collect()
    }

    #[test]
    fn matrix_product_exclude_include() {
        let wf = parse(
            "jobs:\n  t:\n    strategy:\n      matrix:\n        os: [ubuntu-latest, windows-latest]\n        rust: [stable, '1.70']\n        exclude:\n          - os: windows-latest\n            rust: '1.70'\n        include:\n          - os: ubuntu-latest\n            extra: yes\n          - os: macos-latest\n            rust: stable\n",
        );
        let m = &wf.jobs[0].matrix;
        assert_eq!(
            texts(m, "os"),
            vec![
                "ubuntu-latest",
                "ubuntu-latest",
                "windows-latest",
                "macos-latest"
            ]
        );
        assert_eq!(texts(m, "extra"), vec!["yes", "yes"]);
        assert!(!m.dynamic);
    }

    #[test]
    fn include_only_matrix_and_dynamic_matrix() {
        let wf = parse(
            "jobs:\n  t:\n    strategy:\n      matrix:\n        include:\n          - { os: windows-latest, target: x86_64-pc-windows-msvc }\n          - { os: macos-latest }\n  u:\n    strategy:\n      matrix: ${{ fromJSON(needs.a.outputs.m) }}\n",
        );
        assert_eq!(
            texts(&wf.jobs[0].matrix, "os"),
            vec!["windows-latest", "macos-latest"]
        );
        assert!(wf.jobs[1].matrix.dynamic);
    }

    #[test]
    fn nested_matrix_values_and_substitution() {
        let wf = parse(
            "env:\n  MSRV: '1.70'\njobs:\n  t:\n    strategy:\n      matrix:\n        platform:\n          - { os: ubuntu, tag: a }\n    runs-on: ${{ matrix.platform.os }}-latest\n",
        );
        let job = &wf.jobs[0];
        let combo = &job.matrix.combos[0];
        let runs_on = job
            .runs_on
            .as_ref()
            .and_then(scalar_text)
            .unwrap_or_default();
        let envs: [&[Input]; 1] = [&wf.env];
        let scope = Context {
            combo,
            envs: &envs,
            inputs: &[],
        };
        assert_eq!(scope.substitute(&runs_on), "ubuntu-latest");
        assert_eq!(
            scope.substitute("rust ${{ env.MSRV }} ${{ github.sha }}"),
            "rust 1.70 ${{ github.sha }}"
        );
    }

    #[test]
    fn permissions_shapes() {
        let wf = parse(
            "permissions: read-all\njobs:\n  a:\n    permissions:\n      contents: write\n      pull-requests: read\n  b:\n    permissions: {}\n  c:\n    runs-on: x\n",
        );
        assert_eq!(
            wf.permissions.as_ref().map(|p| p.set.clone()),
            Some(PermissionSet::ReadAll)
        );
        let a = wf.jobs[0].permissions.as_ref().unwrap_or_else(|| panic!());
        assert_eq!(a.line, 4);
        assert_eq!(a.writes()[0].name, "contents");
        assert_eq!(a.writes()[0].line, 5);
        assert_eq!(
            wf.jobs[1].permissions.as_ref().map(|p| p.set.clone()),
            Some(PermissionSet::Scopes(vec![]))
        );
        assert!(wf.jobs[2].permissions.is_none());
    }

    #[test]
    fn steps_keep_lines() {
        let text = "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          persist-credentials: false\n      - name: test\n        run: |\n          cargo test \\\n            --locked\n";
        let wf = parse(text);
        let steps = &wf.jobs[0].steps;
        assert_eq!(steps[0].line, 6);
        assert_eq!(steps[0].uses.as_ref().map(|u| u.line), Some(6));
        assert_eq!(
            steps[0]
                .input("persist-credentials")
                .map(|i| i.value.as_str()),
            Some("false")
        );
        let run = steps[1].run.as_ref().unwrap_or_else(|| panic!());
        assert_eq!(run.line, 10);
        let lines = run.logical_lines();
        assert_eq!(lines[0].line, 11);
        assert_eq!(
            lines[0].commands[0].words,
            vec!["cargo", "test", "--locked"]
        );
    }

    #[test]
    fn action_refs() {
        let r = ActionRef::parse("github/codeql-action/analyze@v3");
        assert_eq!(r.name().as_deref(), Some("github/codeql-action/analyze"));
        assert_eq!(r.repository().as_deref(), Some("github/codeql-action"));
        assert!(!r.is_pinned());
        assert!(
            ActionRef::parse("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683")
                .is_pinned()
        );
        assert!(ActionRef::parse("./.github/actions/setup").is_pinned());
        // redis-rs: a trailing slash names the same action.
        assert_eq!(
            ActionRef::parse("dtolnay/rust-toolchain/@master")
                .name()
                .as_deref(),
            Some("dtolnay/rust-toolchain")
        );
        assert_eq!(
            ActionRef::parse("github/codeql-action/analyze/@v3")
                .name()
                .as_deref(),
            Some("github/codeql-action/analyze")
        );
        assert_eq!(
            ActionRef::parse("$/.github/workflows/x.yml"),
            ActionRef::Local(".github/workflows/x.yml".into())
        );
        assert!(!ActionRef::parse("docker://alpine:3.20").is_pinned());
        assert!(ActionRef::parse("docker://alpine@sha256:abc").is_pinned());
    }
}
