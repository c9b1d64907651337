//! What CI really runs, resolved once at collection time.
//!
//! From the parsed workflows ([`super::gha`]) and `.gitlab-ci.yml`, this
//! builds one [`ResolvedJob`] per job that can run: reusable local
//! workflows (`uses: ./.github/workflows/x.yml`) and local composite actions
//! are followed, matrices expanded to find each job's operating systems and
//! Rust toolchains, `run:` scripts split into commands with their lines,
//! well-known actions turned into the cargo commands they run, and `make`,
//! `just` and local shell scripts followed into the recipes they run.
//! Checks read the result and never parse anything.

use std::collections::{BTreeMap, BTreeSet};

use super::files::{self, FileIndex, TextFile};
use super::gha::{self, ActionRef, Context, GhWorkflow, Input, Job, LocalAction, Step};
use super::recipes;
use super::shell::{self, Joiner};
use super::workflows::{CiKind, Workflow};
use super::xtask;
use super::yaml::{self, Node, Value, YamlError};

/// A runner operating system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Os {
    /// Linux (`ubuntu-*`, containers).
    Linux,
    /// macOS.
    MacOs,
    /// Windows.
    Windows,
}

impl Os {
    /// Every operating system, in report order.
    pub const ALL: [Os; 3] = [Os::Linux, Os::MacOs, Os::Windows];

    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Os::Linux => "Linux",
            Os::MacOs => "macOS",
            Os::Windows => "Windows",
        }
    }

    /// The operating system a runner label names, if it names one.
    pub fn of_label(label: &str) -> Option<Os> {
        let l = label.to_ascii_lowercase();
        if l.contains("windows") || l.starts_with("win-") || l == "win" {
            Some(Os::Windows)
        } else if l.contains("macos") || l.starts_with("mac-") || l.contains("osx") {
            Some(Os::MacOs)
        } else if [
            "ubuntu", "linux", "debian", "fedora", "alpine", "centos", "arch",
        ]
        .iter()
        .any(|k| l.contains(k))
        {
            Some(Os::Linux)
        } else {
            None
        }
    }
}

/// Everything known about CI, resolved.
#[derive(Debug, Clone, Default)]
pub struct CiFacts {
    /// Every GitHub workflow that parsed, by path.
    pub workflows: Vec<GhWorkflow>,
    /// Local actions (`action.yml` files), by path.
    pub actions: Vec<LocalAction>,
    /// Local action files that could not be parsed: (path, line, message).
    pub action_problems: Vec<(String, Option<usize>, String)>,
    /// What could not be followed: a reusable workflow or composite action
    /// that calls itself (GitHub refuses to run it), or more jobs and steps
    /// than the resolution budget: (path, line, message).
    pub expansion_problems: Vec<(String, Option<usize>, String)>,
    /// Every job that can run, reusable workflows inlined.
    pub jobs: Vec<ResolvedJob>,
    /// `.github/dependabot.yml`, when present.
    pub dependabot: Option<Dependabot>,
    /// The channel pinned by `rust-toolchain.toml` / `rust-toolchain`:
    /// (path, channel, line).
    pub toolchain_file: Option<(String, String, usize)>,
}

/// A job as it runs.
#[derive(Debug, Clone)]
pub struct ResolvedJob {
    /// Which CI system runs it.
    pub system: CiKind,
    /// The workflow whose triggers start it (the caller, for a job of a
    /// reusable workflow).
    pub workflow: String,
    /// Events that start it (`push`, `pull_request`, `schedule`, …; `tag`
    /// for a `push` filtered to tags only; for GitLab `push` and
    /// `merge_request` unless restricted to tags or schedules).
    pub events: Vec<String>,
    /// The job's id; `caller/called` for jobs of reusable workflows.
    pub id: String,
    /// File that defines the job.
    pub path: String,
    /// Line of the job in `path`.
    pub line: usize,
    /// Line of `runs-on:` (or `tags:`) in `path`.
    pub runs_on_line: Option<usize>,
    /// Operating systems it runs on, over its whole matrix.
    pub os: BTreeSet<Os>,
    /// Runner labels that name no known operating system (self-hosted
    /// runners, expressions computed at run time).
    pub unknown_runners: Vec<String>,
    /// Steps, composite actions inlined.
    pub steps: Vec<ResolvedStep>,
    /// A reusable workflow in another repository that this job calls; what
    /// it runs is not visible.
    pub remote_call: Option<String>,
    /// The job's `if:` (a reusable workflow's jobs: theirs, or the
    /// caller's when they have none).
    pub condition: Option<String>,
}

impl ResolvedJob {
    /// Every command the job runs, in order.
    pub fn commands(&self) -> impl Iterator<Item = &Cmd> {
        self.steps.iter().flat_map(|s| s.commands.iter())
    }

    /// Whether it runs on a change to the code: push, pull request or merge
    /// queue.
    pub fn on_change(&self) -> bool {
        self.events.iter().any(|e| {
            matches!(
                e.as_str(),
                "push" | "pull_request" | "pull_request_target" | "merge_group"
            )
        })
    }

    /// Whether it runs on pull requests (or merge requests).
    pub fn on_pull_request(&self) -> bool {
        self.events.iter().any(|e| {
            matches!(
                e.as_str(),
                "pull_request" | "pull_request_target" | "merge_group" | "merge_request"
            )
        })
    }
}

/// A step as it runs.
#[derive(Debug, Clone)]
pub struct ResolvedStep {
    /// File the step is written in (a workflow, an `action.yml`, a Makefile…).
    pub path: String,
    /// Its line.
    pub line: usize,
    /// `uses:` and its line, when the step runs an action.
    pub uses: Option<(ActionRef, usize)>,
    /// `with:` inputs, expressions resolved where possible.
    pub with: Vec<Input>,
    /// Commands it runs: its script, what a well-known action runs, and
    /// what `make`, `just` and local scripts run.
    pub commands: Vec<Cmd>,
    /// Rust toolchains it installs or selects (over the whole matrix).
    pub toolchains: Vec<String>,
    /// The step's own `if:` (GitHub); None elsewhere.
    pub condition: Option<String>,
}

/// One command, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cmd {
    /// File it is written in.
    pub path: String,
    /// Its line.
    pub line: usize,
    /// Words (quotes removed, wrappers stripped, known expressions resolved).
    pub words: Vec<String>,
    /// The environment it sees that matters to checks: `env:` of the
    /// workflow, job and step, variables earlier steps wrote to
    /// `$GITHUB_ENV`, and inline assignments, later ones winning.
    pub env: Vec<(String, String)>,
    /// The whole logical line, for messages and patterns spanning commands.
    pub text: String,
    /// How it joins the previous command on its line.
    pub joiner: Joiner,
    /// What led here when not written in the step itself:
    /// `actions-rs/cargo`, `make test`, `ci/test.sh`.
    pub via: Option<String>,
    /// Directory it runs in, relative to the workspace root.
    pub cwd: String,
    /// Whether it hands over to a file that was followed (`make`, `just`,
    /// a local script); what that file runs comes right after it.
    pub followed: bool,
}

impl Cmd {
    /// The value of an environment variable it sees.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// `file:line`, and what led there.
    pub fn location(&self) -> String {
        match &self.via {
            Some(via) => format!("{}:{} (via {via})", self.path, self.line),
            None => format!("{}:{}", self.path, self.line),
        }
    }
}

/// `.github/dependabot.yml`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependabot {
    /// Its path.
    pub path: String,
    /// `package-ecosystem` values with their lines.
    pub ecosystems: Vec<(String, usize)>,
    /// Why it could not be read, if it could not.
    pub problem: Option<(Option<usize>, String)>,
}

/// Whether `path` is a local action definition read up front: an
/// `action.yml` at the root or under `.github/` (actions elsewhere are read
/// when a workflow uses them).
pub fn is_action_file(path: &str) -> bool {
    matches!(files::file_name(path), "action.yml" | "action.yaml")
        && (!path.contains('/') || path.starts_with(".github/"))
}

/// Files outside CI definitions that resolution may read: Makefiles,
/// justfiles and scripts that CI steps run. Reads each at most once.
pub struct Sources<'a> {
    texts: &'a BTreeMap<String, TextFile>,
    files: &'a FileIndex,
    read: &'a dyn Fn(&str) -> Option<String>,
    cache: BTreeMap<String, Option<String>>,
}

impl<'a> Sources<'a> {
    /// Files from `texts` first, then from `read` for indexed files.
    pub fn new(
        texts: &'a BTreeMap<String, TextFile>,
        files: &'a FileIndex,
        read: &'a dyn Fn(&str) -> Option<String>,
    ) -> Self {
        Sources {
            texts,
            files,
            read,
            cache: BTreeMap::new(),
        }
    }

    fn exists(&self, path: &str) -> bool {
        self.files.contains(path) || self.texts.contains_key(path)
    }

    fn get(&mut self, path: &str) -> Option<String> {
        if let Some(t) = self.texts.get(path) {
            return t.text().map(str::to_string);
        }
        if !self.files.contains(path) {
            return None;
        }
        if let Some(cached) = self.cache.get(path) {
            return cached.clone();
        }
        let text = (self.read)(path);
        self.cache.insert(path.to_string(), text.clone());
        text
    }
}

/// Resolves every CI definition among `workflows` and `texts`.
pub fn collect(workflows: &[Workflow], sources: &mut Sources<'_>) -> CiFacts {
    let texts = sources.texts;
    let mut ci = CiFacts::default();
    for wf in workflows.iter().filter(|w| w.kind == CiKind::GithubActions) {
        let Some(source) = texts.get(&wf.path).and_then(|t| t.text()) else {
            continue;
        };
        if let Some(model) = gha::workflow(wf, source) {
            ci.workflows.push(model);
        }
    }
    for (path, file) in texts.iter().filter(|(p, _)| is_action_file(p)) {
        match file.text() {
            Some(source) => add_action(&mut ci, path, source),
            None => ci
                .action_problems
                .push((path.clone(), None, "cannot be read as text".into())),
        }
    }
    // Local actions outside `.github/` are read when something uses them.
    loop {
        let wanted: BTreeSet<String> = local_uses(&ci)
            .into_iter()
            .filter(|dir| {
                !ci.actions.iter().any(|a| files::parent_dir(&a.path) == dir)
                    && !ci
                        .action_problems
                        .iter()
                        .any(|(p, ..)| files::parent_dir(p) == dir)
            })
            .collect();
        let mut added = false;
        for dir in wanted {
            for name in ["action.yml", "action.yaml"] {
                let path = files::join(&dir, name);
                if let Some(source) = sources.get(&path) {
                    add_action(&mut ci, &path, &source);
                    added = true;
                    break;
                }
            }
        }
        if !added {
            break;
        }
    }
    ci.actions.sort_by(|a, b| a.path.cmp(&b.path));
    let mut jobs = Vec::new();
    {
        let resolver = Resolver {
            texts,
            workflows: &ci.workflows,
            actions: &ci.actions,
            budget: std::cell::Cell::new(MAX_RESOLVED),
            granted: std::cell::Cell::new(MAX_RESOLVED),
            total: std::cell::Cell::new(MAX_RESOLVED_TOTAL),
            chain: std::cell::RefCell::new(Vec::new()),
            problems: std::cell::RefCell::new(Vec::new()),
        };
        for wf in &ci.workflows {
            if wf.is_reusable_only() {
                continue;
            }
            let events = event_names(&wf.triggers);
            resolver.start(&wf.path);
            for job in &wf.jobs {
                resolver.job(wf, wf, job, &events, "", &[Vec::new()], 0, &mut jobs);
            }
            resolver.chain.borrow_mut().pop();
        }
        // A reusable workflow no local workflow calls is called from
        // elsewhere: it still runs, on `workflow_call`.
        for wf in ci.workflows.iter().filter(|w| w.is_reusable_only()) {
            if jobs.iter().any(|j| j.path == wf.path) {
                continue;
            }
            let events = vec!["workflow_call".to_string()];
            resolver.start(&wf.path);
            for job in &wf.jobs {
                resolver.job(wf, wf, job, &events, "", &[Vec::new()], 0, &mut jobs);
            }
            resolver.chain.borrow_mut().pop();
        }
        // One problem per file and message (the first line it was seen at).
        let mut problems = resolver.problems.into_inner();
        problems.sort();
        problems.dedup_by(|a, b| a.0 == b.0 && a.2 == b.2);
        ci.expansion_problems = problems;
    }
    for wf in workflows.iter().filter(|w| w.kind == CiKind::Gitlab) {
        if let (Ok(doc), Some(source)) = (&wf.doc, texts.get(&wf.path).and_then(|t| t.text())) {
            gitlab_jobs(&wf.path, doc, source, &mut jobs);
        }
    }
    for wf in workflows.iter().filter(|w| w.kind == CiKind::Appveyor) {
        if let (Ok(doc), Some(source)) = (&wf.doc, texts.get(&wf.path).and_then(|t| t.text())) {
            appveyor_job(&wf.path, doc, source, &mut jobs);
        }
    }
    for job in &mut jobs {
        for step in &mut job.steps {
            let mut expanded = Vec::new();
            for cmd in std::mem::take(&mut step.commands) {
                expand(cmd, sources, 0, &mut expanded);
            }
            step.commands = expanded;
        }
    }
    ci.jobs = jobs;
    ci.dependabot = [".github/dependabot.yml", ".github/dependabot.yaml"]
        .iter()
        .find_map(|p| texts.get(*p))
        .map(dependabot);
    ci.toolchain_file = toolchain_file(texts);
    ci
}

fn add_action(ci: &mut CiFacts, path: &str, source: &str) {
    match yaml::parse(source) {
        Ok(doc) => ci.actions.push(gha::local_action(path, &doc, source)),
        Err(e) => ci.action_problems.push((
            path.to_string(),
            Some(e.line),
            format!("invalid YAML: {}", e.message),
        )),
    }
}

/// Directories of every local action (`uses: ./dir`) steps use.
fn local_uses(ci: &CiFacts) -> BTreeSet<String> {
    let steps = ci
        .workflows
        .iter()
        .flat_map(|w| w.jobs.iter().flat_map(|j| j.steps.iter()))
        .chain(ci.actions.iter().flat_map(|a| a.steps.iter()));
    steps
        .filter_map(|s| s.uses.as_ref())
        .filter_map(|u| match ActionRef::parse(&u.value) {
            ActionRef::Local(dir) if !dir.starts_with(".github/workflows") => Some(dir),
            _ => None,
        })
        .collect()
}

/// Event names of a workflow's triggers; a `push` filtered to tags only is
/// `tag`, since it never runs for a change to a branch.
fn event_names(triggers: &[super::workflows::Trigger]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in triggers {
        let name = if t.event == "push" && !t.covers_branch("any-branch") && t.covers_tags() {
            "tag".to_string()
        } else {
            t.event.clone()
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// The events a job still runs on under its `if:`, for the common
/// `github.event_name == 'x'` / `!= 'x'` conditions (joined by `&&`);
/// anything else leaves the events as they are.
fn events_under(events: &[String], condition: &str) -> Vec<String> {
    let cond = condition.trim();
    let cond = cond
        .strip_prefix("${{")
        .and_then(|c| c.strip_suffix("}}"))
        .unwrap_or(cond);
    if cond.contains("||") {
        return events.to_vec();
    }
    let mut out = events.to_vec();
    for term in cond.split("&&") {
        let term = term
            .trim()
            .trim_start_matches('(')
            .trim_end_matches(')')
            .trim();
        let Some(rest) = term.strip_prefix("github.event_name") else {
            continue;
        };
        let rest = rest.trim_start();
        let (equal, value) = match (rest.strip_prefix("=="), rest.strip_prefix("!=")) {
            (Some(v), _) => (true, v),
            (_, Some(v)) => (false, v),
            _ => continue,
        };
        let value = value.trim().trim_matches(['\'', '"']);
        out.retain(|e| {
            // A tag push is still the `push` event to GitHub.
            let name = if e == "tag" { "push" } else { e.as_str() };
            (name == value) == equal
        });
    }
    out
}

/// How deep reusable workflows, composite actions and scripts are followed.
const MAX_DEPTH: usize = 4;
/// Most (inputs × matrix) contexts evaluated for one job.
const MAX_CONTEXTS: usize = 256;
/// Most jobs and steps resolved in all (reusable workflows and composite
/// actions multiply: N callers of a file with N callers … is N^depth). Far
/// above real repositories (a few hundred); a hostile one stops here, with
/// a problem saying so, in bounded time and memory.
const MAX_RESOLVED: usize = 20_000;
/// Most jobs and steps resolved over all workflows.
const MAX_RESOLVED_TOTAL: usize = 200_000;

struct Resolver<'a> {
    /// The CI files' text, for what the YAML model drops (comments).
    texts: &'a BTreeMap<String, TextFile>,
    workflows: &'a [GhWorkflow],
    actions: &'a [LocalAction],
    /// Jobs and steps that may still be resolved for this workflow.
    budget: std::cell::Cell<usize>,
    /// What `budget` started at for this workflow.
    granted: std::cell::Cell<usize>,
    /// What may still be resolved over all workflows ([`MAX_RESOLVED_TOTAL`]).
    total: std::cell::Cell<usize>,
    /// Files being expanded, outermost first: a file already on it calls
    /// itself.
    chain: std::cell::RefCell<Vec<String>>,
    /// See [`CiFacts::expansion_problems`].
    problems: std::cell::RefCell<Vec<(String, Option<usize>, String)>>,
}

impl Resolver<'_> {
    /// Starts resolving the workflow at `path`: it is the chain's first
    /// file, with a budget of its own (so one runaway workflow does not hide
    /// the others), within the total.
    fn start(&self, path: &str) {
        self.chain.borrow_mut().push(path.to_string());
        let spent = self.granted.get().saturating_sub(self.budget.get());
        self.total.set(self.total.get().saturating_sub(spent));
        let grant = MAX_RESOLVED.min(self.total.get());
        self.granted.set(grant);
        self.budget.set(grant);
    }

    /// Takes one item from the budget; `false` (and a problem, once) when
    /// it is spent.
    fn spend(&self, path: &str, line: usize) -> bool {
        match self.budget.get() {
            0 => false,
            1 => {
                self.budget.set(0);
                self.problems.borrow_mut().push((
                    path.to_string(),
                    Some(line),
                    format!(
                        "this workflow resolves to more than {MAX_RESOLVED} jobs and steps (reusable workflows or composite actions multiplying); the rest was not read"
                    ),
                ));
                false
            }
            n => {
                self.budget.set(n - 1);
                true
            }
        }
    }

    /// Whether expanding `called` from `path:line` would call a file that
    /// is already being expanded (a problem is recorded).
    fn cycles(&self, called: &str, path: &str, line: usize, what: &str) -> bool {
        let chain = self.chain.borrow();
        if !chain.iter().any(|p| p == called) {
            return false;
        }
        let mut cycle: Vec<&str> = chain.iter().map(String::as_str).collect();
        cycle.push(called);
        self.problems.borrow_mut().push((
            path.to_string(),
            Some(line),
            format!(
                "the {what} {called} calls itself ({}); GitHub refuses to run it",
                cycle.join(" → ")
            ),
        ));
        true
    }
    /// The toolchain a `# 1.85.0` (or `# stable`) comment ends line `line`
    /// of `path` with.
    fn version_comment(&self, path: &str, line: usize) -> Option<String> {
        let text = self.texts.get(path)?.text()?;
        let source_line = text.lines().nth(line.checked_sub(1)?)?;
        let comment = source_line.rsplit_once(" #")?.1.trim();
        let word = comment.split_whitespace().next()?;
        let word = word.trim_start_matches('v');
        let is_version = word.starts_with("1.")
            && word
                .split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        (is_version || matches!(word, "stable" | "beta" | "nightly")).then(|| word.to_string())
    }

    #[allow(clippy::too_many_arguments)]
    fn job(
        &self,
        entry: &GhWorkflow,
        def: &GhWorkflow,
        job: &Job,
        events: &[String],
        prefix: &str,
        caller_inputs: &[Vec<Input>],
        depth: usize,
        out: &mut Vec<ResolvedJob>,
    ) {
        if !self.spend(&def.path, job.line) {
            return;
        }
        let id = format!("{prefix}{}", job.id);
        let filtered;
        let events = match &job.condition {
            Some(cond) => {
                filtered = events_under(events, cond);
                filtered.as_slice()
            }
            None => events,
        };
        if let Some(uses) = &job.uses {
            let target = ActionRef::parse(&uses.value);
            if let ActionRef::Local(path) = &target {
                let called =
                    self.workflows.iter().find(|w| w.path == *path).filter(|c| {
                        !self.cycles(&c.path, &def.path, uses.line, "reusable workflow")
                    });
                if let (Some(called), true) = (called, depth < MAX_DEPTH) {
                    // Inputs per caller context: the caller's matrix and inputs.
                    let mut inputs = Vec::new();
                    for outer in caller_inputs {
                        for combo in &job.matrix.combos {
                            if inputs.len() >= MAX_CONTEXTS {
                                break;
                            }
                            let envs: [&[Input]; 2] = [&job.env, &def.env];
                            let cx = Context {
                                combo,
                                envs: &envs,
                                inputs: outer,
                            };
                            inputs.push(
                                job.with
                                    .iter()
                                    .map(|i| Input {
                                        value: cx.substitute(&i.value),
                                        ..i.clone()
                                    })
                                    .collect(),
                            );
                        }
                    }
                    self.chain.borrow_mut().push(called.path.clone());
                    for called_job in &called.jobs {
                        self.job(
                            entry,
                            called,
                            called_job,
                            events,
                            &format!("{id}/"),
                            &inputs,
                            depth + 1,
                            out,
                        );
                    }
                    self.chain.borrow_mut().pop();
                    return;
                }
            }
            out.push(ResolvedJob {
                system: CiKind::GithubActions,
                workflow: entry.path.clone(),
                events: events.to_vec(),
                id,
                path: def.path.clone(),
                line: job.line,
                runs_on_line: None,
                os: BTreeSet::new(),
                unknown_runners: Vec::new(),
                steps: Vec::new(),
                remote_call: Some(uses.value.clone()),
                condition: job.condition.clone(),
            });
            return;
        }

        // Every (caller inputs × matrix combination) this job runs with.
        let mut contexts: Vec<RunContext<'_>> = Vec::new();
        for inputs in caller_inputs {
            for combo in &job.matrix.combos {
                if contexts.len() < MAX_CONTEXTS {
                    contexts.push((inputs.clone(), combo));
                }
            }
        }
        let envs: [&[Input]; 2] = [&job.env, &def.env];
        let mut os = BTreeSet::new();
        let mut unknown = Vec::new();
        for (inputs, combo) in &contexts {
            let cx = Context {
                combo,
                envs: &envs,
                inputs,
            };
            match runner_os(job.runs_on.as_ref(), &cx) {
                Ok(found) => {
                    os.insert(found);
                }
                Err(label) => {
                    if !unknown.contains(&label) {
                        unknown.push(label);
                    }
                }
            }
        }
        let mut steps = Vec::new();
        let mut state = StepState {
            path: def.path.clone(),
            cwd: job
                .working_directory
                .clone()
                .or_else(|| def.working_directory.clone())
                .unwrap_or_default(),
            written_env: Vec::new(),
        };
        let scope = StepScope {
            contexts: &contexts,
            envs: &envs,
        };
        for step in &job.steps {
            self.step(step, &scope, &mut state, depth, &mut steps);
        }
        out.push(ResolvedJob {
            system: CiKind::GithubActions,
            workflow: entry.path.clone(),
            events: events.to_vec(),
            id,
            path: def.path.clone(),
            line: job.line,
            runs_on_line: job.runs_on.as_ref().map(|n| n.line),
            os,
            unknown_runners: unknown,
            steps,
            remote_call: None,
            condition: job.condition.clone(),
        });
    }

    fn step(
        &self,
        step: &Step,
        scope: &StepScope<'_>,
        state: &mut StepState,
        depth: usize,
        out: &mut Vec<ResolvedStep>,
    ) {
        if !self.spend(&state.path, step.line) {
            return;
        }
        let step_envs: Vec<&[Input]> = std::iter::once(step.env.as_slice())
            .chain(scope.envs.iter().copied())
            .collect();
        // Commands are read in the first context; toolchains in every one.
        let (first_inputs, first_combo): (&[Input], &[(String, Node)]) = scope
            .contexts
            .first()
            .map_or((&[], &[]), |(i, c)| (i.as_slice(), *c));
        let cx = Context {
            combo: first_combo,
            envs: &step_envs,
            inputs: first_inputs,
        };
        // The environment a command sees, outermost first: workflow, job,
        // what earlier steps wrote to $GITHUB_ENV, the step.
        let mut env: Vec<(String, String)> = Vec::new();
        for layer in scope.envs.iter().rev() {
            env.extend(
                layer
                    .iter()
                    .map(|i| (i.name.clone(), cx.substitute(&i.value))),
            );
        }
        env.extend(state.written_env.iter().cloned());
        env.extend(
            step.env
                .iter()
                .map(|i| (i.name.clone(), cx.substitute(&i.value))),
        );
        let with: Vec<Input> = step
            .with
            .iter()
            .map(|i| Input {
                value: cx.substitute(&i.value),
                ..i.clone()
            })
            .collect();
        let cwd = match &step.working_directory {
            Some(dir) => files::join(&state.cwd, &cx.substitute(dir)),
            None => state.cwd.clone(),
        };
        let mut resolved = ResolvedStep {
            path: state.path.clone(),
            line: step.line,
            uses: None,
            with: with.clone(),
            commands: Vec::new(),
            toolchains: Vec::new(),
            condition: step.condition.clone(),
        };
        if let Some(run) = &step.run {
            let mut dir = cwd.clone();
            for logical in run.logical_lines() {
                // GitHub substitutes `${{ }}` into the script's text before
                // the shell reads it, so a value with spaces
                // (`cargo ${{ matrix.cmd }}` with `cmd: fmt -- --check`) is
                // several words. A line built from the matrix is a different
                // command in each combination: every distinct one runs.
                let mut variants = vec![(cx.substitute(&logical.text), None)];
                if logical.text.contains("${{") {
                    for (inputs, combo) in scope.contexts.iter().skip(1) {
                        let other = Context {
                            combo,
                            envs: &step_envs,
                            inputs,
                        };
                        let text = other.substitute(&logical.text);
                        if !variants.iter().any(|(t, _)| *t == text) {
                            variants.push((text, None));
                        }
                    }
                    for variant in &mut variants {
                        variant.1 = Some(shell::split_commands(&variant.0));
                    }
                }
                let mut variant_dir = dir.clone();
                for (index, (text, split)) in variants.into_iter().enumerate() {
                    let commands = split.unwrap_or_else(|| logical.commands.clone());
                    // `cd` moves the directory once, in the first variant.
                    let mut here = dir.clone();
                    for command in commands {
                        let mut cmd_env = env.clone();
                        cmd_env.extend(command.env.iter().cloned());
                        let words = expand_program_var(command.words, &cmd_env);
                        if index == 0
                            && let Some(written) = github_env_write(&words)
                        {
                            state.written_env.push(written);
                        }
                        if words.first().is_some_and(|w| w == "cd" || w == "pushd")
                            && let Some(target) = words.get(1).filter(|t| is_relative_dir(t))
                        {
                            here = files::join(&here, target);
                        }
                        resolved.commands.push(Cmd {
                            path: state.path.clone(),
                            line: logical.line,
                            words,
                            env: cmd_env,
                            text: text.clone(),
                            joiner: command.joiner,
                            via: None,
                            cwd: here.clone(),
                            followed: false,
                        });
                    }
                    if index == 0 {
                        variant_dir = here;
                    }
                }
                dir = variant_dir;
            }
            for cmd in &resolved.commands {
                resolved
                    .toolchains
                    .extend(command_toolchain(&cmd.words, &cmd.env));
            }
        }
        let Some(uses) = &step.uses else {
            dedup(&mut resolved.toolchains);
            out.push(resolved);
            return;
        };
        let action = ActionRef::parse(&uses.value);
        resolved.uses = Some((action.clone(), uses.line));
        // Toolchains, evaluated over the whole matrix.
        let all_values = |name: &str| -> Vec<String> {
            let Some(input) = step.input(name) else {
                return Vec::new();
            };
            let mut values: Vec<String> = scope
                .contexts
                .iter()
                .map(|(inputs, combo)| {
                    Context {
                        combo,
                        envs: &step_envs,
                        inputs,
                    }
                    .substitute(&input.value)
                })
                .collect();
            dedup(&mut values);
            values
        };
        let name = action.name().unwrap_or_default();
        let (synthetic, toolchains, written) = known_action(&name, &action, &with, &all_values);
        // dtolnay/rust-toolchain hands its input to bash, so `toolchain:
        // $MSRV` is the `env:` value (rusqlite).
        let toolchains = toolchains.into_iter().map(|t| match variable_name(&t) {
            Some(var) if name == "dtolnay/rust-toolchain" => step_envs
                .iter()
                .find_map(|e| e.iter().find(|i| i.name == var))
                .map_or(t.clone(), |i| i.value.clone()),
            _ => t,
        });
        resolved.toolchains.extend(toolchains);
        // `dtolnay/rust-toolchain@<sha> # 1.85.0`: pinned by commit, the
        // toolchain named by the version comment (the ref is the version).
        if name == "dtolnay/rust-toolchain"
            && step.input("toolchain").is_none()
            && action.git_ref().is_some_and(gha::is_commit_sha)
            && let Some(version) = self.version_comment(&state.path, uses.line)
        {
            resolved.toolchains.push(version);
        }
        dedup(&mut resolved.toolchains);
        state.written_env.extend(written);
        for words in synthetic {
            resolved.commands.push(Cmd {
                path: state.path.clone(),
                line: uses.line,
                text: words.join(" "),
                words,
                env: env.clone(),
                joiner: Joiner::Start,
                via: Some(name.clone()),
                cwd: cwd.clone(),
                followed: false,
            });
        }
        let local = match &action {
            ActionRef::Local(dir) => self.actions.iter().find(|a| {
                a.path == files::join(dir, "action.yml")
                    || a.path == files::join(dir, "action.yaml")
            }),
            _ => None,
        }
        .filter(|a| !self.cycles(&a.path, &state.path, step.line, "composite action"));
        out.push(resolved);
        // Script inputs (`vmactions/freebsd-vm` `run:`): each runs as a
        // `run:` step of its own would, at its own lines.
        for script in gha::script_inputs(&name)
            .iter()
            .filter_map(|input| step.input(input))
        {
            let as_run = Step {
                uses: None,
                run: Some(script.as_script()),
                with: Vec::new(),
                ..step.clone()
            };
            self.step(&as_run, scope, state, depth, out);
        }
        if let (Some(local), true) = (local, depth < MAX_DEPTH) {
            // A composite action: its steps run here, with its own file,
            // its inputs from this step's `with:` (in each context) over its
            // defaults.
            let contexts: Vec<RunContext<'_>> = scope
                .contexts
                .iter()
                .map(|(outer, combo)| {
                    let cx = Context {
                        combo,
                        envs: &step_envs,
                        inputs: outer,
                    };
                    let mut inputs: Vec<Input> = step
                        .with
                        .iter()
                        .map(|i| Input {
                            value: cx.substitute(&i.value),
                            ..i.clone()
                        })
                        .collect();
                    for default in &local.inputs {
                        if !inputs.iter().any(|i| i.name == default.name) {
                            inputs.push(default.clone());
                        }
                    }
                    (inputs, *combo)
                })
                .collect();
            let inner_scope = StepScope {
                contexts: &contexts,
                envs: scope.envs,
            };
            let outer_path = std::mem::replace(&mut state.path, local.path.clone());
            self.chain.borrow_mut().push(local.path.clone());
            for inner in &local.steps {
                self.step(inner, &inner_scope, state, depth + 1, out);
            }
            self.chain.borrow_mut().pop();
            state.path = outer_path;
        }
    }
}

/// One (caller inputs, matrix combination) a job runs with.
type RunContext<'a> = (Vec<Input>, &'a [(String, Node)]);

/// Lines a followed command runs: (file, what led there, (line, text)).
type Followed = (String, String, Vec<(usize, String)>);

struct StepScope<'a> {
    contexts: &'a [RunContext<'a>],
    envs: &'a [&'a [Input]],
}

struct StepState {
    path: String,
    cwd: String,
    written_env: Vec<(String, String)>,
}

fn dedup(values: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    values.retain(|v| seen.insert(v.clone()));
}

fn is_relative_dir(target: &str) -> bool {
    !target.is_empty()
        && !target.starts_with('/')
        && !target.starts_with('~')
        && !target.starts_with('$')
        && !target.starts_with('-')
        && !target.contains("${{")
}

/// `echo "NAME=value" >> $GITHUB_ENV`: the variable later steps see.
fn github_env_write(words: &[String]) -> Option<(String, String)> {
    if words.first().map(String::as_str) != Some("echo") {
        return None;
    }
    let target = words.iter().position(|w| w == ">>" || w == ">")?;
    let file = words.get(target + 1)?;
    if !file.contains("GITHUB_ENV") {
        return None;
    }
    let assignment = words[1..target].iter().find(|w| w.contains('='))?;
    let (name, value) = assignment.split_once('=')?;
    Some((name.to_string(), value.to_string()))
}

/// The operating system of a job's runner in one context, or the label
/// that names none.
fn runner_os(runs_on: Option<&Node>, cx: &Context<'_>) -> Result<Os, String> {
    let Some(node) = runs_on else {
        return Err("(no runs-on)".into());
    };
    let labels: Vec<String> = match &node.value {
        Value::Seq(items) => items.iter().filter_map(gha::scalar_text).collect(),
        Value::Map(_) => node
            .get("labels")
            .map(|l| match gha::scalar_text(l) {
                Some(s) => vec![s],
                None => l.items().iter().filter_map(gha::scalar_text).collect(),
            })
            .unwrap_or_default(),
        _ => gha::scalar_text(node).into_iter().collect(),
    };
    let labels: Vec<String> = labels.iter().map(|l| cx.substitute(l)).collect();
    labels
        .iter()
        .find_map(|l| Os::of_label(l))
        .ok_or_else(|| labels.join(", "))
}

/// What a well-known action runs (as cargo command lines), the toolchains
/// it installs, and the environment it sets for later steps.
#[allow(clippy::type_complexity)]
fn known_action(
    name: &str,
    action: &ActionRef,
    with: &[Input],
    all_values: &dyn Fn(&str) -> Vec<String>,
) -> (Vec<Vec<String>>, Vec<String>, Vec<(String, String)>) {
    let input = |n: &str| with.iter().find(|i| i.name == n).map(|i| i.value.clone());
    let split = |s: Option<String>| -> Vec<String> {
        s.map(|s| {
            shell::split_commands(&s)
                .into_iter()
                .flat_map(|c| {
                    c.env
                        .into_iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .chain(c.words)
                })
                .collect()
        })
        .unwrap_or_default()
    };
    let mut commands = Vec::new();
    let mut toolchains = Vec::new();
    let mut env = Vec::new();
    match name {
        "actions-rs/cargo"
        | "marcopolo/cargo"
        | "clementtsang/cargo-action"
        | "houseabsolute/actions-rust-cross"
        | "actions-rs-plus/cargo" => {
            let cross = input("use-cross").is_some_and(|v| v == "true")
                || name == "houseabsolute/actions-rust-cross";
            if let Some(command) = input("command") {
                let mut words = vec![if cross { "cross" } else { "cargo" }.to_string()];
                words.extend(split(Some(command)));
                words.extend(split(input("args")));
                commands.push(words);
            }
            toolchains.extend(all_values("toolchain"));
        }
        "actions-rs/clippy-check" | "auguwu/clippy-action" => {
            let mut words = vec!["cargo".to_string(), "clippy".to_string()];
            words.extend(split(input("args")));
            commands.push(words);
        }
        "giraffate/clippy-action" => {
            let mut words = vec!["cargo".to_string(), "clippy".to_string()];
            words.extend(split(input("clippy_flags")));
            commands.push(words);
        }
        "actions-rust-lang/rustfmt" | "mbrobbel/rustfmt-check" => {
            commands.push(vec!["cargo".into(), "fmt".into(), "--check".into()]);
        }
        "rustsec/audit-check" | "actions-rs/audit-check" | "actions-rust-lang/audit" => {
            commands.push(vec!["cargo".into(), "audit".into()]);
        }
        "embarkstudios/cargo-deny-action" => {
            let mut words = vec!["cargo".to_string(), "deny".to_string()];
            words.extend(split(input("arguments")));
            words.extend(split(Some(
                input("command").unwrap_or_else(|| "check".into()),
            )));
            words.extend(split(input("command-arguments")));
            commands.push(words);
        }
        // `cargo install` with its cache; `version` defaults to the
        // latest release, `locked` to true.
        "baptiste0928/cargo-install" => {
            if let Some(krate) = input("crate") {
                let mut words = vec!["cargo".to_string(), "install".to_string()];
                match input("git") {
                    Some(git) => {
                        words.extend(["--git".to_string(), git]);
                        for (key, flag) in [
                            ("tag", "--tag"),
                            ("rev", "--rev"),
                            ("commit", "--rev"),
                            ("branch", "--branch"),
                        ] {
                            if let Some(value) = input(key) {
                                words.extend([flag.to_string(), value]);
                            }
                        }
                        words.push(krate);
                    }
                    None => {
                        words.push(krate);
                        if let Some(version) = input("version").filter(|v| v != "latest") {
                            words.extend(["--version".to_string(), version]);
                        }
                    }
                }
                if input("locked").is_none_or(|l| l != "false") {
                    words.push("--locked".to_string());
                }
                commands.push(words);
            }
        }
        "obi1kenobi/cargo-semver-checks-action" => {
            commands.push(vec!["cargo".into(), "semver-checks".into()]);
        }
        "dtolnay/rust-toolchain" => {
            let explicit = all_values("toolchain");
            if explicit.is_empty()
                && let Some(r) = action.git_ref().filter(|r| !gha::is_commit_sha(r))
                && !matches!(r, "master" | "main" | "v1" | "")
            {
                toolchains.push(r.to_string());
            }
            toolchains.extend(explicit);
        }
        "actions-rs/toolchain" | "actions-rust-lang/setup-rust-toolchain" => {
            toolchains.extend(all_values("toolchain"));
            if name == "actions-rust-lang/setup-rust-toolchain" {
                // It exports RUSTFLAGS (default `-D warnings`) to later steps.
                let flags = input("rustflags").unwrap_or_else(|| "-D warnings".into());
                env.push(("RUSTFLAGS".to_string(), flags));
            }
        }
        "moonrepo/setup-rust" => toolchains.extend(all_values("channel")),
        // `tool: rust@1.70,cargo-hack`: install-action installs toolchains
        // too (`rust@VERSION[+components]`).
        "taiki-e/install-action" => {
            for value in all_values("tool") {
                toolchains.extend(
                    value
                        .split([',', '\n'])
                        .filter_map(|t| t.trim().strip_prefix("rust@"))
                        .map(|t| t.split('+').next().unwrap_or(t).to_string())
                        .filter(|t| !t.is_empty()),
                );
            }
        }
        "hecrj/setup-rust-action" | "atiltedtree/setup-rust" => {
            toolchains.extend(all_values("rust-version"));
        }
        // An action not in this table, published as a repository's
        // `rustfmt` action (`sfackler/actions/rustfmt`): a format check is
        // all such an action is for.
        _ if name.rsplit('/').next().is_some_and(|last| {
            matches!(
                last,
                "rustfmt" | "rustfmt-check" | "cargo-fmt" | "fmt-check"
            )
        }) =>
        {
            commands.push(vec!["cargo".into(), "fmt".into(), "--check".into()]);
        }
        _ => {}
    }
    (commands, toolchains, env)
}

/// Toolchains a command selects: `rustup toolchain install X`, `rustup
/// default X`, `rustup override set X`, `cargo +X …`, `RUSTUP_TOOLCHAIN=X`.
pub fn command_toolchain(words: &[String], env: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    match w.as_slice() {
        ["rustup", "toolchain", "install" | "add", rest @ ..]
        | ["rustup", "install" | "default" | "update", rest @ ..]
        | ["rustup", "override", "set", rest @ ..] => {
            out.extend(
                rest.iter()
                    .take_while(|a| !a.starts_with('-'))
                    .map(|a| a.to_string()),
            );
        }
        [program, tc, ..] if is_cargo_program(program) && tc.starts_with('+') => {
            out.push(tc[1..].to_string());
        }
        _ => {}
    }
    if w.first().is_some_and(|p| is_cargo_program(p))
        && let Some((_, v)) = env.iter().rev().find(|(k, _)| k == "RUSTUP_TOOLCHAIN")
    {
        out.push(v.clone());
    }
    out
}

/// `cargo`, `cross`, or a path to cargo.
pub fn is_cargo_program(program: &str) -> bool {
    let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
    matches!(name, "cargo" | "cargo.exe" | "cross")
}

/// Follows `make`, `just` and local scripts into what they run; the
/// command itself is kept.
fn expand(mut cmd: Cmd, sources: &mut Sources<'_>, depth: usize, out: &mut Vec<Cmd>) {
    if depth < MAX_DEPTH
        && is_cargo_program(cmd.words.first().map_or("", String::as_str))
        && let Some(task) = xtask::task_of(&cmd.words).map(str::to_string)
    {
        let found = follow_xtask(&task, &xtask::flags_of(&cmd.words), sources);
        cmd.followed = !found.is_empty();
        let via = format!("cargo xtask {task}");
        let env = cmd.env.clone();
        out.push(cmd);
        for inv in found {
            let mut inner_env = env.clone();
            inner_env.extend(inv.env);
            let inner = Cmd {
                path: inv.path,
                line: inv.line,
                text: inv.words.join(" "),
                words: inv.words,
                env: inner_env,
                joiner: Joiner::Start,
                via: Some(via.clone()),
                cwd: String::new(),
                followed: false,
            };
            expand(inner, sources, depth + 1, out);
        }
        return;
    }
    // `cargo xfmt --check` with `[alias] xfmt = "fmt --all --"`: what
    // runs is the command the alias stands for.
    if depth < MAX_DEPTH
        && is_cargo_program(cmd.words.first().map_or("", String::as_str))
        && let Some(config) = sources
            .get(".cargo/config.toml")
            .or_else(|| sources.get(".cargo/config"))
        && let Some(words) = super::cargo_alias::expand(&cmd.words, &config)
    {
        let alias = cmd.words.join(" ");
        cmd.followed = true;
        let inner = Cmd {
            text: words.join(" "),
            words,
            via: Some(format!("alias `{alias}`")),
            joiner: Joiner::Start,
            followed: false,
            ..cmd.clone()
        };
        out.push(cmd);
        expand(inner, sources, depth + 1, out);
        return;
    }
    let followed = if depth < MAX_DEPTH {
        follow(&cmd, sources)
    } else {
        None
    };
    cmd.followed = followed.is_some();
    out.push(cmd);
    if let Some((file, via, lines)) = followed {
        for (line, text) in lines {
            for command in shell::split_commands(&text) {
                let inner = Cmd {
                    path: file.clone(),
                    line,
                    words: command.words,
                    env: {
                        let mut env = out.last().map(|c| c.env.clone()).unwrap_or_default();
                        env.extend(command.env);
                        env
                    },
                    text: text.clone(),
                    joiner: command.joiner,
                    via: Some(via.clone()),
                    cwd: files::parent_dir(&file).to_string(),
                    followed: false,
                };
                expand(inner, sources, depth + 1, out);
            }
        }
    }
}

/// Rust source files an xtask crate may hold, at most.
const MAX_XTASK_FILES: usize = 300;

/// What `cargo xtask TASK` runs, read from the xtask crate's sources.
fn follow_xtask(task: &str, flags: &[String], sources: &mut Sources<'_>) -> Vec<xtask::Invocation> {
    let config = sources
        .get(".cargo/config.toml")
        .or_else(|| sources.get(".cargo/config"));
    let Some(dir) = xtask::crate_dirs(config.as_deref())
        .into_iter()
        .find(|d| sources.exists(&files::join(d, "Cargo.toml")))
    else {
        return Vec::new();
    };
    let paths: Vec<String> = sources
        .files
        .under(&dir)
        .map(|e| e.path.clone())
        .filter(|p| p.ends_with(".rs") && !is_test_source(p))
        .take(MAX_XTASK_FILES)
        .collect();
    let texts: Vec<(String, String)> = paths
        .into_iter()
        .filter_map(|p| sources.get(&p).map(|t| (p, t)))
        .collect();
    xtask::invocations(task, flags, &texts)
}

/// Test and bench sources of a crate, which `cargo xtask` does not run.
fn is_test_source(path: &str) -> bool {
    path.split('/')
        .any(|part| part == "tests" || part == "benches" || part == "target")
}

/// The recipe lines `tool` (make, just) runs for `goals`: from `file`, or
/// the first of `names` that exists in `dir`, parsed with `parse`.
fn follow_recipes(
    sources: &mut Sources<'_>,
    tool: &str,
    (dir, file, goals): (String, Option<String>, Vec<String>),
    names: &[&str],
    parse: fn(&str) -> Vec<recipes::Recipe>,
) -> Option<Followed> {
    let candidates = match file {
        Some(f) => vec![files::join(&dir, &f)],
        None => names.iter().map(|n| files::join(&dir, n)).collect(),
    };
    let path = candidates.into_iter().find(|p| sources.exists(p))?;
    let text = sources.get(&path)?;
    let lines = recipes::select(&parse(&text), &goals);
    Some((
        path,
        format!("{tool} {}", goals.join(" ")).trim().to_string(),
        lines,
    ))
}

/// The file a command hands over to and the lines it runs there.
fn follow(cmd: &Cmd, sources: &mut Sources<'_>) -> Option<Followed> {
    let program = cmd.words.first()?.as_str();
    let args = &cmd.words[1..];
    match program {
        "make" | "gmake" | "$(MAKE)" | "${MAKE}" => {
            let (dir, file, goals) = make_args(args, &cmd.cwd);
            let names = ["GNUmakefile", "makefile", "Makefile"];
            follow_recipes(
                sources,
                "make",
                (dir, file, goals),
                &names,
                recipes::makefile,
            )
        }
        "just" => {
            let (dir, file, goals) = just_args(args, &cmd.cwd);
            let names = ["justfile", "Justfile", ".justfile"];
            follow_recipes(
                sources,
                "just",
                (dir, file, goals),
                &names,
                recipes::justfile,
            )
        }
        _ => {
            let script = script_path(&cmd.words)?;
            let path = files::join(&cmd.cwd, script);
            if !sources.exists(&path) {
                return None;
            }
            let text = sources.get(&path)?;
            let numbers: Vec<usize> = (1..=text.lines().count()).collect();
            let lines = shell::parse(&text, &numbers)
                .into_iter()
                .map(|l| (l.line, l.text))
                .collect();
            Some((path.clone(), path, lines))
        }
    }
}

/// `make` options: (directory, makefile, goals).
fn make_args(args: &[String], cwd: &str) -> (String, Option<String>, Vec<String>) {
    let mut dir = cwd.to_string();
    let mut file = None;
    let mut goals = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-C" | "--directory" => {
                if let Some(d) = args.get(i + 1) {
                    dir = files::join(&dir, d);
                }
                i += 1;
            }
            "-f" | "--file" | "--makefile" => {
                file = args.get(i + 1).cloned();
                i += 1;
            }
            "-j" | "--jobs" => {
                if args.get(i + 1).is_some_and(|n| n.parse::<u32>().is_ok()) {
                    i += 1;
                }
            }
            "-l" | "-o" | "-W" | "-I" => i += 1,
            _ if a.starts_with('-') || a.contains('=') => {}
            _ => goals.push(a.to_string()),
        }
        i += 1;
    }
    (dir, file, goals)
}

/// `just` options: (directory, justfile, [recipe]).
fn just_args(args: &[String], cwd: &str) -> (String, Option<String>, Vec<String>) {
    let mut dir = cwd.to_string();
    let mut file = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-f" | "--justfile" => {
                file = args.get(i + 1).cloned();
                i += 1;
            }
            "-d" | "--working-directory" => {
                if let Some(d) = args.get(i + 1) {
                    dir = files::join(&dir, d);
                }
                i += 1;
            }
            "--set" => i += 2,
            _ if a.starts_with('-') => {}
            _ => return (dir, file, vec![a.to_string()]),
        }
        i += 1;
    }
    (dir, file, Vec::new())
}

/// The local script a command runs: `./ci/test.sh`, `bash ci/test.sh`,
/// `pwsh ./ci/test.ps1`.
fn script_path(words: &[String]) -> Option<&str> {
    let program = words.first()?.as_str();
    let candidate = if matches!(
        program,
        "bash" | "sh" | "zsh" | "dash" | "pwsh" | "powershell" | "source" | "."
    ) {
        words[1..]
            .iter()
            .map(String::as_str)
            .find(|w| !w.starts_with('-'))?
    } else {
        program
    };
    let looks_local = candidate.starts_with("./")
        || candidate.ends_with(".sh")
        || candidate.ends_with(".bash")
        || candidate.ends_with(".ps1");
    // `./publish.py`: another language's program, not shell lines to read.
    let other_language = [".py", ".js", ".mjs", ".ts", ".rb", ".pl", ".lua"]
        .iter()
        .any(|e| candidate.ends_with(e));
    (looks_local
        && !other_language
        && !candidate.contains("${{")
        && !candidate.starts_with('$')
        && !candidate.starts_with('/'))
    .then_some(candidate)
}

/// Jobs of a `.gitlab-ci.yml`, at a basic level: each job's `script:`
/// lines (with `before_script:`/`after_script:` and one level of
/// `extends:`), its image's Rust version, its runner tags.
fn gitlab_jobs(path: &str, doc: &Node, source: &str, out: &mut Vec<ResolvedJob>) {
    let source: Vec<&str> = source.lines().collect();
    let source = source.as_slice();
    const RESERVED: &[&str] = &[
        "image",
        "services",
        "stages",
        "types",
        "before_script",
        "after_script",
        "variables",
        "cache",
        "include",
        "default",
        "workflow",
    ];
    let default = doc.get("default");
    let global = |key: &str| doc.get(key).or_else(|| default.and_then(|d| d.get(key)));
    for (key, job) in doc.entries() {
        let Some(name) = key.as_key() else { continue };
        if RESERVED.contains(&name.as_str()) || name.starts_with('.') || !job.is_map() {
            continue;
        }
        // `extends:` one template deep (GitLab allows more; basic level).
        let templates: Vec<&Node> = job
            .get("extends")
            .map(|e| match gha::scalar_text(e) {
                Some(t) => vec![t],
                None => e.items().iter().filter_map(gha::scalar_text).collect(),
            })
            .unwrap_or_default()
            .iter()
            .filter_map(|t| doc.get(t))
            .collect();
        let field = |k: &str| {
            job.get(k)
                .or_else(|| templates.iter().find_map(|t| t.get(k)))
        };
        if field("script").is_none() {
            continue;
        }
        let mut steps = Vec::new();
        for part in ["before_script", "script", "after_script"] {
            let node = if part == "script" {
                field(part)
            } else {
                field(part).or_else(|| global(part))
            };
            if let Some(node) = node {
                gitlab_script(path, node, source, &mut steps);
            }
        }
        let image = field("image")
            .or_else(|| global("image"))
            .and_then(|i| gha::scalar_text(i).or_else(|| i.get("name").and_then(gha::scalar_text)));
        if let (Some(image), Some(first)) = (image, steps.first_mut()) {
            first.toolchains.extend(image_toolchain(&image));
        }
        let tags_node = field("tags").or_else(|| global("tags"));
        let tags: Vec<String> = tags_node
            .map(|t| t.items().iter().filter_map(gha::scalar_text).collect())
            .unwrap_or_default();
        let os = tags
            .iter()
            .find_map(|t| Os::of_label(t))
            .unwrap_or(Os::Linux);
        let only: Vec<String> = field("only")
            .map(|o| match gha::scalar_text(o) {
                Some(s) => vec![s],
                None => o
                    .items()
                    .iter()
                    .chain(o.get("refs").map(|r| r.items()).unwrap_or_default())
                    .filter_map(gha::scalar_text)
                    .collect(),
            })
            .unwrap_or_default();
        let events = if !only.is_empty() && only.iter().all(|o| o == "tags") {
            vec!["tag".to_string()]
        } else if !only.is_empty() && only.iter().all(|o| o == "schedules") {
            vec!["schedule".to_string()]
        } else {
            vec!["push".to_string(), "merge_request".to_string()]
        };
        out.push(ResolvedJob {
            system: CiKind::Gitlab,
            workflow: path.to_string(),
            events,
            id: name,
            path: path.to_string(),
            line: key.line,
            runs_on_line: tags_node.map(|t| t.line),
            os: [os].into(),
            unknown_runners: Vec::new(),
            steps,
            remote_call: None,
            condition: None,
        });
    }
}

/// The job of an `appveyor.yml`: its script phases in AppVeyor's order
/// (items are commands, or `cmd:`/`ps:`/`pwsh:`/`sh:` maps), run on
/// pushes and pull requests, on the images it names (Windows unless an
/// Ubuntu or macOS image is named).
fn appveyor_job(path: &str, doc: &Node, source: &str, out: &mut Vec<ResolvedJob>) {
    let source: Vec<&str> = source.lines().collect();
    let source = source.as_slice();
    let mut steps = Vec::new();
    for phase in [
        "init",
        "install",
        "before_build",
        "build_script",
        "after_build",
        "before_test",
        "test_script",
        "after_test",
    ] {
        let Some(node) = doc.get(phase) else { continue };
        let items: Vec<&Node> = match &node.value {
            Value::Seq(items) => items
                .iter()
                .filter_map(|i| {
                    if i.is_map() {
                        ["cmd", "ps", "pwsh", "sh"].iter().find_map(|k| i.get(k))
                    } else {
                        Some(i)
                    }
                })
                .collect(),
            _ => vec![node],
        };
        for item in items {
            script_steps(path, item, source, &mut steps, &strip_cmd_if);
        }
    }
    if steps.is_empty() {
        return;
    }
    let mut images: Vec<String> = Vec::new();
    if let Some(image) = doc.get("image") {
        match gha::scalar_text(image) {
            Some(one) => images.push(one),
            None => images.extend(image.items().iter().filter_map(gha::scalar_text)),
        }
    }
    let matrix = doc.get("environment").and_then(|e| e.get("matrix"));
    for entry in matrix.map(|m| m.items()).unwrap_or_default() {
        if let Some(image) = entry
            .get("APPVEYOR_BUILD_WORKER_IMAGE")
            .and_then(gha::scalar_text)
        {
            images.push(image);
        }
    }
    let os_of = |image: &str| {
        let image = image.to_ascii_lowercase();
        if image.contains("ubuntu") || image.contains("linux") {
            Os::Linux
        } else if image.contains("macos") || image.contains("osx") {
            Os::MacOs
        } else {
            Os::Windows
        }
    };
    let os: BTreeSet<Os> = if images.is_empty() {
        [Os::Windows].into()
    } else {
        images.iter().map(|i| os_of(i)).collect()
    };
    out.push(ResolvedJob {
        system: CiKind::Appveyor,
        workflow: path.to_string(),
        events: vec!["push".to_string(), "pull_request".to_string()],
        id: "appveyor".to_string(),
        path: path.to_string(),
        line: 1,
        runs_on_line: doc.get("image").map(|i| i.line),
        os,
        unknown_runners: Vec::new(),
        steps,
        remote_call: None,
        condition: None,
    });
}

fn gitlab_script(path: &str, node: &Node, source: &[&str], steps: &mut Vec<ResolvedStep>) {
    script_steps(path, node, source, steps, &|text| text);
}

/// `if %TARGET%==msvc .\ci\test.bat`, `if not defined X cmd`, `if exist F
/// cmd`: cmd.exe's one-line condition, taken off so the command it guards
/// is read (as the job is assumed to run whatever its conditions say).
fn strip_cmd_if(text: String) -> String {
    let mut rest = text.trim_start();
    while let Some(after) = rest
        .strip_prefix("if ")
        .or_else(|| rest.strip_prefix("IF "))
        .map(str::trim_start)
    {
        let mut words = after.splitn(2, char::is_whitespace);
        let mut first = words.next().unwrap_or("");
        let mut tail = words.next().unwrap_or("").trim_start();
        if first.eq_ignore_ascii_case("not") {
            let mut w = tail.splitn(2, char::is_whitespace);
            first = w.next().unwrap_or("");
            tail = w.next().unwrap_or("").trim_start();
        }
        // `exist F cmd` / `defined V cmd` take one more word.
        if first.eq_ignore_ascii_case("exist") || first.eq_ignore_ascii_case("defined") {
            tail = tail
                .split_once(char::is_whitespace)
                .map_or("", |(_, t)| t.trim_start());
        } else if !first.contains("==") {
            break;
        }
        rest = tail;
    }
    rest.to_string()
}

/// The steps of a list of script lines (GitLab's `script:`, AppVeyor's
/// phases), each text passed through `rewrite` first.
fn script_steps(
    path: &str,
    node: &Node,
    source: &[&str],
    steps: &mut Vec<ResolvedStep>,
    rewrite: &dyn Fn(String) -> String,
) {
    let items: Vec<&Node> = match &node.value {
        Value::Seq(items) => items
            .iter()
            .flat_map(|i| match &i.value {
                Value::Seq(nested) => nested.iter().collect::<Vec<_>>(),
                _ => vec![i],
            })
            .collect(),
        _ => vec![node],
    };
    for item in items {
        let Some(text) = gha::scalar_text(item) else {
            continue;
        };
        let lines = shell::locate_lines(source, item.line, &text);
        let text = rewrite(text);
        let mut commands = Vec::new();
        for logical in shell::parse(&text, &lines) {
            for command in logical.commands {
                commands.push(Cmd {
                    path: path.to_string(),
                    line: logical.line,
                    env: command.env,
                    words: command.words,
                    text: logical.text.clone(),
                    joiner: command.joiner,
                    via: None,
                    cwd: String::new(),
                    followed: false,
                });
            }
        }
        let toolchains = commands
            .iter()
            .flat_map(|c| command_toolchain(&c.words, &c.env))
            .collect();
        steps.push(ResolvedStep {
            path: path.to_string(),
            line: item.line,
            uses: None,
            with: Vec::new(),
            commands,
            toolchains,
            condition: None,
        });
    }
}

/// `rust:1.85-slim` → `1.85`; `rust` / `rust:latest` → `stable`;
/// `rustlang/rust:nightly` → `nightly`.
fn image_toolchain(image: &str) -> Option<String> {
    let (name, tag) = image.split_once(':').unwrap_or((image, "latest"));
    let name = name.rsplit('/').next().unwrap_or(name);
    if name != "rust" {
        return None;
    }
    let version = tag.split('-').next().unwrap_or(tag);
    Some(match version {
        "latest" | "" => "stable".to_string(),
        v if v.chars().next().is_some_and(|c| c.is_ascii_digit())
            || v == "nightly"
            || v == "beta" =>
        {
            v.to_string()
        }
        _ => "stable".to_string(),
    })
}

fn dependabot(file: &TextFile) -> Dependabot {
    let mut out = Dependabot {
        path: file.path.clone(),
        ecosystems: Vec::new(),
        problem: None,
    };
    let Some(text) = file.text() else {
        out.problem = Some((None, "cannot be read as text".into()));
        return out;
    };
    match yaml::parse(text) {
        Ok(doc) => {
            for update in doc.get("updates").map(Node::items).unwrap_or_default() {
                if let Some(eco) = update.get("package-ecosystem")
                    && let Some(name) = gha::scalar_text(eco)
                {
                    out.ecosystems.push((name, eco.line));
                }
            }
        }
        Err(YamlError { line, message, .. }) => {
            out.problem = Some((Some(line), format!("invalid YAML: {message}")));
        }
    }
    out
}

fn toolchain_file(texts: &BTreeMap<String, TextFile>) -> Option<(String, String, usize)> {
    for path in ["rust-toolchain.toml", "rust-toolchain"] {
        let Some(text) = texts.get(path).and_then(|t| t.text()) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            let channel = match line.strip_prefix("channel") {
                Some(rest) => rest
                    .trim_start()
                    .strip_prefix('=')
                    .map(|v| v.trim().trim_matches(['"', '\'']).to_string()),
                // The legacy file is just the channel name.
                None if path == "rust-toolchain" && !line.is_empty() && !line.starts_with('[') => {
                    Some(line.to_string())
                }
                None => None,
            };
            if let Some(channel) = channel.filter(|c| !c.is_empty()) {
                return Some((path.to_string(), channel, i + 1));
            }
        }
    }
    None
}

/// The variable a word is made of alone: `$NAME` or `${NAME}`.
fn variable_name(word: &str) -> Option<&str> {
    word.strip_prefix("${")
        .and_then(|n| n.strip_suffix('}'))
        .or_else(|| word.strip_prefix('$'))
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// `$BUILD_CMD test` with `env: BUILD_CMD: cargo` (bat's `cross`/`cargo`
/// switch): a program named by a variable the environment sets is that
/// program, split into words as the shell does.
fn expand_program_var(mut words: Vec<String>, env: &[(String, String)]) -> Vec<String> {
    let Some(name) = words.first().and_then(|w| variable_name(w)) else {
        return words;
    };
    let Some((_, value)) = env.iter().rev().find(|(k, _)| k == name) else {
        return words;
    };
    let program: Vec<String> = value.split_whitespace().map(str::to_string).collect();
    if program.is_empty() || program.iter().any(|w| w.contains('$')) {
        return words;
    }
    words.splice(0..1, program);
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Facts;

    fn ci(files: &[(&str, &str)]) -> CiFacts {
        Facts::in_memory(vec![], files).ci
    }

    fn commands(job: &ResolvedJob) -> Vec<String> {
        job.commands().map(|c| c.words.join(" ")).collect()
    }

    #[test]
    fn a_toolchain_input_named_by_a_shell_variable() {
        // rusqlite: dtolnay/rust-toolchain passes its input to bash.
        let ci = ci(&[(
            ".github/workflows/ci.yml",
            "on: [push]\nenv:\n  MSRV: 1.88.0\njobs:\n  msrv:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: dtolnay/rust-toolchain@master\n        with:\n          toolchain: $MSRV\n      - run: cargo check\n",
        )]);
        let toolchains: Vec<&str> = ci.jobs[0]
            .steps
            .iter()
            .flat_map(|s| s.toolchains.iter().map(String::as_str))
            .collect();
        assert_eq!(toolchains, ["1.88.0"]);
    }

    #[test]
    fn a_program_named_by_a_variable_and_a_runner_fallback() {
        // bat: `$BUILD_CMD test` with `BUILD_CMD: cargo`; reqwest:
        // `runs-on: ${{ matrix.os || 'ubuntu-latest' }}`.
        let ci = ci(&[(
            ".github/workflows/ci.yml",
            "on: [push]\njobs:\n  test:\n    strategy:\n      matrix:\n        include:\n          - name: linux\n          - name: mac\n            os: macos-latest\n    runs-on: ${{ matrix.os || 'ubuntu-latest' }}\n    env:\n      BUILD_CMD: cargo\n    steps:\n      - run: $BUILD_CMD test --locked\n",
        )]);
        let job = &ci.jobs[0];
        assert_eq!(commands(job), vec!["cargo test --locked".to_string()]);
        assert_eq!(
            job.os.iter().copied().collect::<Vec<_>>(),
            vec![Os::Linux, Os::MacOs]
        );
    }

    #[test]
    fn matrix_runs_on_gives_every_os() {
        let ci = ci(&[(
            ".github/workflows/ci.yml",
            "on: [push]\njobs:\n  test:\n    strategy:\n      matrix:\n        os: [ubuntu-latest, windows-latest]\n        include:\n          - os: macos-14\n    runs-on: ${{ matrix.os }}\n    steps:\n      - run: cargo test\n",
        )]);
        let job = &ci.jobs[0];
        assert_eq!(
            job.os.iter().copied().collect::<Vec<_>>(),
            vec![Os::Linux, Os::MacOs, Os::Windows]
        );
        assert_eq!(job.runs_on_line, Some(9));
    }

    #[test]
    fn a_runner_built_by_format_with_a_fallback() {
        // cxx: `runs-on: ${{matrix.runs-on || format('{0}-latest', matrix.os)}}`.
        let ci = ci(&[(
            ".github/workflows/ci.yml",
            "on: [push]\njobs:\n  test:\n    strategy:\n      matrix:\n        os: [ubuntu]\n        include:\n          - os: macos\n          - os: windows\n            runs-on: windows-2022\n    runs-on: ${{matrix.runs-on || format('{0}-latest', matrix.os)}}\n    steps:\n      - run: cargo test\n",
        )]);
        let job = &ci.jobs[0];
        assert_eq!(
            job.os.iter().copied().collect::<Vec<_>>(),
            vec![Os::Linux, Os::MacOs, Os::Windows]
        );
        assert!(job.unknown_runners.is_empty(), "{:?}", job.unknown_runners);
    }

    #[test]
    fn reusable_workflow_and_composite_action_are_followed() {
        let ci = ci(&[
            (
                ".github/workflows/ci.yml",
                "on: pull_request\njobs:\n  call:\n    strategy:\n      matrix:\n        os: [ubuntu-latest, macos-latest]\n    uses: ./.github/workflows/test.yml\n    with:\n      os: ${{ matrix.os }}\n",
            ),
            (
                ".github/workflows/test.yml",
                "on:\n  workflow_call:\n    inputs:\n      os: { type: string }\njobs:\n  test:\n    runs-on: ${{ inputs.os }}\n    steps:\n      - uses: ./.github/actions/setup\n        with:\n          toolchain: '1.70'\n      - run: cargo nextest run\n",
            ),
            (
                ".github/actions/setup/action.yml",
                "name: setup\ninputs:\n  toolchain: { default: stable }\nruns:\n  using: composite\n  steps:\n    - run: rustup toolchain install ${{ inputs.toolchain }}\n      shell: bash\n",
            ),
        ]);
        assert_eq!(
            ci.jobs.len(),
            1,
            "the reusable workflow is not an entry of its own"
        );
        let job = &ci.jobs[0];
        assert_eq!(job.id, "call/test");
        assert_eq!(job.workflow, ".github/workflows/ci.yml");
        assert_eq!(job.path, ".github/workflows/test.yml");
        assert_eq!(job.events, vec!["pull_request"]);
        assert_eq!(job.os.len(), 2);
        let rustup = job.commands().find(|c| c.words[0] == "rustup").unwrap();
        assert_eq!(rustup.path, ".github/actions/setup/action.yml");
        assert_eq!(rustup.line, 7);
        assert_eq!(rustup.words.join(" "), "rustup toolchain install 1.70");
        assert!(
            job.steps
                .iter()
                .any(|s| s.toolchains == vec!["1.70".to_string()])
        );
    }

    #[test]
    fn script_inputs_of_vm_actions_are_commands() {
        let ci = ci(&[(
            ".github/workflows/ci.yml",
            "on: push\njobs:\n  bsd:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: vmactions/freebsd-vm@v1\n        with:\n          usesh: true\n          prepare: |\n            pkg install -y curl\n          run: |\n            cd crate\n            cargo test --locked\n",
        )]);
        let job = &ci.jobs[0];
        let words: Vec<(usize, String)> = job
            .commands()
            .map(|c| (c.line, c.words.join(" ")))
            .collect();
        assert_eq!(
            words,
            vec![
                (10, "pkg install -y curl".to_string()),
                (12, "cd crate".to_string()),
                (13, "cargo test --locked".to_string()),
            ]
        );
        let test = job.commands().last().unwrap();
        assert_eq!(test.cwd, "crate");
    }

    #[test]
    fn well_known_actions_and_toolchains() {
        let ci = ci(&[(
            ".github/workflows/ci.yml",
            "on: push\nenv:\n  MSRV: '1.74'\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: dtolnay/rust-toolchain@1.70\n      - uses: dtolnay/rust-toolchain@stable\n        with:\n          toolchain: ${{ env.MSRV }}\n      - uses: actions-rs/cargo@v1\n        with:\n          command: test\n          args: --all-features\n      - uses: EmbarkStudios/cargo-deny-action@v2\n        with:\n          command: check bans licenses\n      - uses: actions-rust-lang/setup-rust-toolchain@v1\n      - run: cargo clippy\n",
        )]);
        let job = &ci.jobs[0];
        let toolchains: Vec<&String> = job.steps.iter().flat_map(|s| &s.toolchains).collect();
        assert_eq!(toolchains, vec!["1.70", "1.74"]);
        assert_eq!(
            commands(job),
            vec![
                "cargo test --all-features",
                "cargo deny check bans licenses",
                "cargo clippy"
            ]
        );
        let clippy = job.commands().last().unwrap();
        assert_eq!(clippy.var("RUSTFLAGS"), Some("-D warnings"));
        let test = job.commands().next().unwrap();
        assert_eq!(test.via.as_deref(), Some("actions-rs/cargo"));
        assert_eq!(test.line, 12);
    }

    #[test]
    fn anchors_env_and_github_env() {
        let ci = ci(&[(
            ".github/workflows/ci.yml",
            "on: push\nx-steps: &steps\n  - run: echo \"RUSTFLAGS=-Dwarnings\" >> $GITHUB_ENV\n  - run: cargo clippy\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: *steps\n  b:\n    runs-on: windows-latest\n    steps: *steps\n",
        )]);
        assert_eq!(ci.jobs.len(), 2);
        for job in &ci.jobs {
            let clippy = job.commands().last().unwrap();
            assert_eq!(clippy.var("RUSTFLAGS"), Some("-Dwarnings"));
            assert_eq!(clippy.line, 4);
        }
    }

    #[test]
    fn makefile_and_scripts_are_followed() {
        let ci = ci(&[
            (
                ".github/workflows/ci.yml",
                "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test-${{ matrix.features }}\n      - run: cd tools && ./check.sh\n",
            ),
            ("Makefile", "test-%:\n\tcargo test --features $*\n"),
            (
                "tools/check.sh",
                "#!/bin/sh\nset -e\ncargo fmt --all -- --check\n",
            ),
        ]);
        let job = &ci.jobs[0];
        let test = job
            .commands()
            .find(|c| c.words[..2] == ["cargo", "test"])
            .unwrap();
        assert_eq!((test.path.as_str(), test.line), ("Makefile", 2));
        assert_eq!(
            test.via.as_deref(),
            Some("make test-${{ matrix.features }}")
        );
        let fmt = job
            .commands()
            .find(|c| c.words.get(1).is_some_and(|w| w == "fmt"))
            .unwrap();
        assert_eq!((fmt.path.as_str(), fmt.line), ("tools/check.sh", 3));
    }

    #[test]
    fn cmd_exe_conditions_guard_the_command_after_them() {
        for (text, command) in [
            ("if %TARGET%==msvc .\\ci\\test.bat", ".\\ci\\test.bat"),
            ("if not defined X cargo test", "cargo test"),
            ("IF exist Cargo.lock if %A%==1 cargo build", "cargo build"),
            ("cargo test", "cargo test"),
            ("if [ -f x ]; then y; fi", "if [ -f x ]; then y; fi"),
        ] {
            assert_eq!(strip_cmd_if(text.to_string()), command, "{text}");
        }
    }

    #[test]
    fn gitlab_basic() {
        let ci = ci(&[(
            ".gitlab-ci.yml",
            "image: rust:1.70-slim\nstages: [test]\n.base:\n  before_script:\n    - rustc --version\ntest:\n  extends: .base\n  script:\n    - cargo test --locked\nrelease:\n  only: [tags]\n  script: cargo build --release\n",
        )]);
        let test = ci.jobs.iter().find(|j| j.id == "test").unwrap();
        assert_eq!(
            commands(test),
            vec!["rustc --version", "cargo test --locked"]
        );
        assert!(test.on_change());
        assert!(
            test.steps
                .iter()
                .any(|s| s.toolchains == vec!["1.70".to_string()])
        );
        let release = ci.jobs.iter().find(|j| j.id == "release").unwrap();
        assert!(!release.on_change());
    }

    #[test]
    fn dependabot_and_toolchain_file() {
        let ci = ci(&[
            (
                ".github/dependabot.yml",
                "version: 2\nupdates:\n  - package-ecosystem: cargo\n    directory: /\n  - package-ecosystem: github-actions\n    directory: /\n",
            ),
            ("rust-toolchain.toml", "[toolchain]\nchannel = \"1.80\"\n"),
        ]);
        let d = ci.dependabot.unwrap();
        assert_eq!(
            d.ecosystems,
            vec![("cargo".to_string(), 3), ("github-actions".to_string(), 5)]
        );
        assert_eq!(
            ci.toolchain_file,
            Some(("rust-toolchain.toml".into(), "1.80".into(), 2))
        );
    }

    #[test]
    fn job_conditions_on_the_event_narrow_its_events() {
        let ev = |e: &[&str]| e.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let all = ev(&["push", "pull_request", "schedule"]);
        assert_eq!(
            events_under(&all, "github.event_name != 'pull_request'"),
            ev(&["push", "schedule"])
        );
        assert_eq!(
            events_under(&all, "${{ github.event_name == 'schedule' }}"),
            ev(&["schedule"])
        );
        assert_eq!(
            events_under(
                &all,
                "github.event_name == 'push' || github.event_name == 'schedule'"
            ),
            all
        );
        assert_eq!(events_under(&all, "matrix.os == 'linux'"), all);
    }

    #[test]
    fn os_labels() {
        assert_eq!(Os::of_label("ubuntu-24.04-arm"), Some(Os::Linux));
        assert_eq!(Os::of_label("macOS-latest"), Some(Os::MacOs));
        assert_eq!(Os::of_label("windows-2022"), Some(Os::Windows));
        assert_eq!(Os::of_label("self-hosted"), None);
    }
}
