//! `dangerous-workflow`: no untrusted code checked out with a privileged
//! token, no attacker-controlled text expanded into scripts.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use super::{Category, Check, CheckConfig, Finding, Level, Outcome, Severity};
use crate::facts::Facts;
use crate::facts::ci::{ResolvedJob, ResolvedStep};
use crate::facts::gha::{self, ActionRef, GhWorkflow, Input, Job, Step, split_top_level};
use crate::util::regex;

/// See [`Check::docs`].
pub struct DangerousWorkflow;

/// Contexts whose value anyone who can open an issue or pull request
/// chooses (OpenSSF Scorecard's list, with `workflow_run`'s equivalents).
static UNTRUSTED: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?x)
        github\.head_ref\b
      | github\.event\.(issue|pull_request|discussion)\.(title|body)\b
      | github\.event\.(comment|review|review_comment|discussion_comment)\.body\b
      | github\.event\.pages\b.*\.page_name\b
      | github\.event\.commits\b.*\.(message|author\.(email|name))\b
      | github\.event\.head_commit\.(message|author\.(email|name))\b
      | github\.event\.pull_request\.head\.(ref|label|repo\.default_branch)\b
      | github\.event\.workflow_run\.(head_branch|display_title|head_commit\.(message|author\.(email|name)))\b
      | github\.event\.workflow_run\.pull_requests\b.*\.head\.ref\b
      | (?i:tojson)\(\s*github(\.event(\.(issue|pull_request|comment|review|review_comment|discussion|discussion_comment|head_commit|commits|pages|workflow_run))?)?\s*\)
    ",
    )
});

/// Refs that name the pull request's own (untrusted) code.
static UNTRUSTED_REF: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"github\.event\.pull_request\.head\.(sha|ref|repo\.full_name)|github\.head_ref|github\.event\.workflow_run\.head_(sha|branch)|github\.event\.pull_request\.merge_commit_sha|refs/pull/|github\.event\.(number|pull_request\.number|issue\.number)",
    )
});

static EXPRESSION: LazyLock<Regex> = LazyLock::new(|| regex(r"\$\{\{(.*?)\}\}"));

impl Check for DangerousWorkflow {
    fn id(&self) -> &'static str {
        "dangerous-workflow"
    }
    fn category(&self) -> Category {
        Category::Security
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn weight(&self) -> u32 {
        3
    }
    fn summary(&self) -> &'static str {
        "no pull request code runs with a privileged token; no untrusted text is expanded into scripts"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
- **Untrusted checkout.** A workflow triggered by `pull_request_target`,
  `workflow_run` or `issue_comment` runs with a write token and secrets.
  Checking out the pull request's code there (`actions/checkout` with
  `ref: ${{ github.event.pull_request.head.sha }}`, `github.head_ref`,
  `refs/pull/…` — also `refs/pull/${{ github.event.issue.number }}/head`
  from a comment —, `workflow_run.head_sha`; `git checkout`/`gh pr
  checkout` of the same) lets anyone who opens a pull request run code
  with that token: an error. `pull_request_target` and `workflow_run`
  without such a checkout are noted.
- **Script injection.** `${{ … }}` is pasted into a `run:` script (or an
  `actions/github-script` `script:`) before the shell sees it. When the
  expression is text an outsider chooses — `github.event.issue.title`,
  `….pull_request.body`, `….comment.body`, `github.head_ref`, commit
  messages and author names, `workflow_run.head_branch`, the whole event
  as `toJSON(github.event)` — or an `env.X` set from one, it is a command
  injection: an error at the exact line. Only what can become the
  expression's value counts: in `(github.head_ref == 'main' && '--prod')
  || ''` the branch is only compared and the value is `--prod` or empty,
  while `github.head_ref || 'main'` can be the branch. Steps inside a
  `parallel:` block are read like the others, and so are the script inputs
  of actions that run them in a shell (`vmactions/*-vm` `prepare:` and
  `run:`, `cross-platform-actions/action`, `uraimo/run-on-arch-action`,
  `nick-fields/retry` `command:`, maturin-action's
  `before-script-linux:`).
- **Persisted credentials uploaded.** A job that checks out without
  `persist-credentials: false` and then uploads the checkout directory
  (`actions/upload-artifact` with `path: .`) publishes the token in
  `.git/config`: a warning.
- **Through inputs.** A privileged workflow may pass the pull request's
  ref or an outsider's text as `with:` inputs to a local reusable
  workflow (`uses: ./.github/workflows/ci.yml`) or composite action,
  which then checks out `${{ inputs.ref }}` or expands `${{ inputs.args
  }}` in `run:`. Neither file looks dangerous alone; the jobs are read as
  they run, inputs substituted, and the finding points at the called
  file's line and names the caller (one checkout finding per calling job,
  with how many steps check the code out).

## Why
These are the patterns behind real compromises of popular repositories
("pwn requests", branch names like `$(curl …|sh)`). They need only a pull
request or an issue from anyone.

## Passing example
```yaml
on: pull_request_target
permissions:
  pull-requests: write
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/labeler@8558fd74291d67161a8a78ce36a881fa63b766a9 # v5.0.0
  greet:
    runs-on: ubuntu-latest
    steps:
      - env:
          TITLE: ${{ github.event.pull_request.title }}
        run: echo "Thanks for: $TITLE"
```

## How to fix
Never check out the pull request's head in `pull_request_target` or
`workflow_run` workflows; use `pull_request`, or split into an
unprivileged `pull_request` workflow and a privileged one that only reads
its artifacts. Pass untrusted values through `env:` and quote the
variable (`"$TITLE"`) instead of expanding `${{ }}` in the script.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if facts.ci.workflows.is_empty() && facts.ci.actions.is_empty() {
            return Outcome::skip("no GitHub Actions workflows");
        }
        let mut findings = Vec::new();
        for wf in &facts.ci.workflows {
            privileged_checkout(wf, &mut findings);
            for job in &wf.jobs {
                let envs: [&[Input]; 2] = [&job.env, &wf.env];
                injections(&wf.path, &job.id, &job.steps, &envs, &mut findings);
                uploaded_credentials(&wf.path, job, &mut findings);
                tainted_inputs(facts, &wf.path, &job.steps, &envs, &mut findings);
            }
        }
        for action in &facts.ci.actions {
            injections(&action.path, "", &action.steps, &[], &mut findings);
        }
        through_calls(facts, &mut findings);
        let bad = findings
            .iter()
            .filter(|f| f.severity > Severity::Note)
            .count();
        let score = if bad == 0 { 1.0 } else { 0.0 };
        Outcome::from_findings(findings, score)
    }
}

fn privileged_checkout(wf: &GhWorkflow, findings: &mut Vec<Finding>) {
    let Some(trigger) = wf
        .triggers
        .iter()
        .find(|t| PRIVILEGED.contains(&t.event.as_str()))
    else {
        return;
    };
    let mut found = false;
    for job in &wf.jobs {
        for step in &job.steps {
            let checkout = step
                .uses
                .as_ref()
                .and_then(|u| ActionRef::parse(&u.value).name())
                .is_some_and(|n| n == "actions/checkout");
            let untrusted_input = step
                .with
                .iter()
                .filter(|i| i.name == "ref" || i.name == "repository")
                .find(|i| UNTRUSTED_REF.is_match(&i.value));
            let at = if checkout {
                untrusted_input.map(|i| (i.line, format!("`{}: {}`", i.name, i.value)))
            } else {
                step.run.as_ref().and_then(|run| {
                    run.logical_lines().into_iter().find_map(|l| {
                        let fetches = l.text.contains("git checkout")
                            || l.text.contains("git fetch")
                            || l.text.contains("git switch")
                            || l.text.contains("gh pr checkout");
                        (fetches
                            && (UNTRUSTED_REF.is_match(&l.text)
                                || l.text.contains("gh pr checkout")))
                        .then(|| (l.line, format!("`{}`", l.text)))
                    })
                })
            };
            if let Some((line, what)) = at {
                found = true;
                findings.push(
                    Finding::error(
                        format!("untrusted-checkout:{}:{}", job.id, trigger.event),
                        format!(
                            "job `{}` checks out the pull request's code ({what}) in a `{}` workflow, which runs with a write token and secrets",
                            job.id, trigger.event
                        ),
                    )
                    .at(wf.path.clone(), Some(line))
                    .help("use `on: pull_request` for code from forks; keep privileged triggers (`pull_request_target`, `workflow_run`, `issue_comment`) to steps that never run that code"),
                );
            }
        }
    }
    // Every `issue_comment` workflow holds a write token; only one that
    // fetches a pull request's code is worth a word.
    if !found && trigger.event != "issue_comment" {
        findings.push(
            Finding::note(
                format!("privileged-trigger:{}", trigger.event),
                format!(
                    "{} runs on `{}` (with a write token and secrets) but does not check out the pull request's code",
                    wf.path, trigger.event
                ),
            )
            .at(wf.path.clone(), Some(trigger.line))
            .help("keep it that way: never check out or build the head of the pull request here"),
        );
    }
}

/// The lines of action `action`'s inputs that are scripts: the shell
/// scripts of [`gha::script_inputs`] and `actions/github-script`'s
/// `script:`, each line at its file line.
fn script_inputs<'a>(action: &str, with: &'a [Input]) -> Vec<(usize, &'a str)> {
    let github_script: &[&str] = if action == "actions/github-script" {
        &["script"]
    } else {
        &[]
    };
    gha::script_inputs(action)
        .iter()
        .chain(github_script)
        .filter_map(|name| with.iter().find(|i| i.name == *name))
        .flat_map(|script| {
            script
                .value
                .lines()
                .enumerate()
                .map(|(i, text)| (script.value_line + i, text))
        })
        .collect()
}

/// Untrusted `${{ }}` in `run:` scripts and `actions/github-script`.
fn injections(
    path: &str,
    job: &str,
    steps: &[Step],
    outer: &[&[Input]],
    findings: &mut Vec<Finding>,
) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for step in steps {
        let envs: Vec<&[Input]> = std::iter::once(step.env.as_slice())
            .chain(outer.iter().copied())
            .collect();
        let mut sinks: Vec<(usize, &str)> = Vec::new();
        if let Some(run) = &step.run {
            for (i, text) in run.text.lines().enumerate() {
                sinks.push((run.lines.get(i).copied().unwrap_or(run.line), text));
            }
        }
        let action = step
            .uses
            .as_ref()
            .and_then(|u| ActionRef::parse(&u.value).name())
            .unwrap_or_default();
        sinks.extend(script_inputs(&action, &step.with));
        for (line, text) in sinks {
            for caps in EXPRESSION.captures_iter(text) {
                let expr = caps.get(1).map_or("", |m| m.as_str()).trim();
                let Some(why) = untrusted(expr, &envs) else {
                    continue;
                };
                let key = format!("injection:{job}:{expr}");
                let n = seen.entry(key.clone()).or_insert(0);
                *n += 1;
                findings.push(
                    Finding::error(
                        format!("{key}#{n}"),
                        format!("`${{{{ {expr} }}}}` is expanded into a script{}: {why}, so it can inject commands", if job.is_empty() { String::new() } else { format!(" in job `{job}`") }),
                    )
                    .at(path, Some(line))
                    .help("pass it through `env:` (e.g. `TITLE: ${{ … }}`) and use \"$TITLE\" in the script"),
                );
            }
        }
    }
}

/// Untrusted values passed into a local composite action whose scripts
/// expand the input: the injection happens in the action's file.
fn tainted_inputs(
    facts: &Facts,
    caller: &str,
    steps: &[Step],
    outer: &[&[Input]],
    findings: &mut Vec<Finding>,
) {
    for step in steps {
        let Some(uses) = &step.uses else { continue };
        let ActionRef::Local(dir) = ActionRef::parse(&uses.value) else {
            continue;
        };
        let Some(action) = facts
            .ci
            .actions
            .iter()
            .find(|a| crate::facts::files::parent_dir(&a.path) == dir && !a.steps.is_empty())
        else {
            continue;
        };
        let envs: Vec<&[Input]> = std::iter::once(step.env.as_slice())
            .chain(outer.iter().copied())
            .collect();
        for input in &step.with {
            let Some(why) = EXPRESSION
                .captures_iter(&input.value)
                .find_map(|c| untrusted(c.get(1).map_or("", |m| m.as_str()).trim(), &envs))
            else {
                continue;
            };
            let needle = format!("inputs.{}", input.name);
            for inner in &action.steps {
                let Some(run) = &inner.run else { continue };
                for (i, text) in run.text.lines().enumerate() {
                    let expands = EXPRESSION
                        .captures_iter(text)
                        .any(|c| c.get(1).is_some_and(|m| m.as_str().trim() == needle));
                    if expands {
                        findings.push(
                            Finding::error(
                                format!("injection-input:{}:{}", action.path, input.name),
                                format!(
                                    "`${{{{ {needle} }}}}` is expanded into a script, and {caller}:{} passes it untrusted text ({why})",
                                    input.line
                                ),
                            )
                            .at(action.path.clone(), Some(run.lines.get(i).copied().unwrap_or(run.line)))
                            .help("in the action, pass the input through `env:` and use \"$VAR\" in the script"),
                        );
                    }
                }
            }
        }
    }
}

/// Privileged triggers: the run holds a write token and secrets while
/// an outsider chooses what it acts on.
const PRIVILEGED: [&str; 3] = ["pull_request_target", "workflow_run", "issue_comment"];

/// What only the resolved jobs show: untrusted text that reaches a
/// checkout or a script through a local reusable workflow's or composite
/// action's `inputs` (cross's `issue_comment` workflow passes
/// `refs/pull/N/head` and the comment body to `ci.yml`, whose jobs check
/// the ref out and paste the body into `run:`). The files themselves look
/// harmless one at a time; the caller decides. What the direct passes
/// already report (the same file and line) is not repeated.
fn through_calls(facts: &Facts, findings: &mut Vec<Finding>) {
    let reported: std::collections::BTreeSet<(String, usize)> = findings
        .iter()
        .filter_map(|f| Some((f.path.clone()?, f.line?)))
        .collect();
    // Checkouts, one finding per (calling workflow, job, trigger).
    let mut checkouts: BTreeMap<(String, String, String), CalledCheckout> = BTreeMap::new();
    let mut injected: BTreeMap<(String, usize), String> = BTreeMap::new();
    for job in &facts.ci.jobs {
        let privileged = job.events.iter().find(|e| PRIVILEGED.contains(&e.as_str()));
        // Steps written in the entry workflow itself were read directly.
        let called: Vec<&ResolvedStep> = job
            .steps
            .iter()
            .filter(|s| s.path != job.workflow)
            .collect();
        if called.is_empty() {
            continue;
        }
        if let Some(event) = privileged {
            let caller = job.id.split('/').next().unwrap_or(&job.id).to_string();
            for step in &called {
                let Some((path, line, what)) = untrusted_fetch(step) else {
                    continue;
                };
                if reported.contains(&(path.clone(), line)) {
                    continue;
                }
                checkouts
                    .entry((job.workflow.clone(), caller.clone(), event.clone()))
                    .and_modify(|c| c.steps += 1)
                    .or_insert(CalledCheckout {
                        path,
                        line,
                        what,
                        steps: 1,
                    });
            }
        }
        for step in &called {
            for (path, line, expr, why) in injected_scripts(step) {
                if reported.contains(&(path.clone(), line)) {
                    continue;
                }
                injected
                    .entry((path, line))
                    .or_insert_with(|| format!("`${{{{ {expr} }}}}` reaches a script here through the inputs {} passes ({why}), so it can inject commands", caller_name(job)));
            }
        }
    }
    for ((workflow, caller, event), checkout) in checkouts {
        let CalledCheckout {
            path,
            line,
            what,
            steps,
        } = checkout;
        let more = if steps > 1 {
            format!(" (and {} more steps)", steps - 1)
        } else {
            String::new()
        };
        findings.push(
            Finding::error(
                format!("untrusted-checkout:{caller}:{event}"),
                format!(
                    "job `{caller}` of {workflow} runs on `{event}` (with a write token and secrets) and hands the pull request's code to {path}, which checks it out ({what}){more}"
                ),
            )
            .at(path, Some(line))
            .help("use `on: pull_request` for code from forks; keep privileged triggers (`pull_request_target`, `workflow_run`, `issue_comment`) to steps that never run that code, and do not pass them a pull request's ref"),
        );
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for ((path, line), message) in injected {
        let key = format!("injection-call:{path}");
        let n = seen.entry(key.clone()).or_insert(0);
        *n += 1;
        findings.push(
            Finding::error(format!("{key}#{n}"), message)
                .at(path, Some(line))
                .help("in the called file, pass the input through `env:` and use \"$VAR\" in the script; or do not pass it untrusted text"),
        );
    }
}

/// The first step a called file checks the pull request's code out at,
/// and how many do.
struct CalledCheckout {
    path: String,
    line: usize,
    what: String,
    steps: usize,
}

/// `workflow.yml` job `id`, for messages.
fn caller_name(job: &ResolvedJob) -> String {
    let caller = job.id.split('/').next().unwrap_or(&job.id);
    format!("{} job `{caller}`", job.workflow)
}

/// Where a resolved step fetches the pull request's code: an
/// `actions/checkout` of an untrusted ref or repository, or a script line
/// that fetches one.
fn untrusted_fetch(step: &ResolvedStep) -> Option<(String, usize, String)> {
    let checkout = step
        .uses
        .as_ref()
        .and_then(|(a, _)| a.name())
        .is_some_and(|n| n == "actions/checkout");
    if checkout {
        return step
            .with
            .iter()
            .filter(|i| i.name == "ref" || i.name == "repository")
            .find(|i| UNTRUSTED_REF.is_match(&i.value))
            .map(|i| {
                (
                    step.path.clone(),
                    i.line,
                    format!("`{}: {}`", i.name, i.value),
                )
            });
    }
    step.commands
        .iter()
        .filter(|c| c.via.is_none())
        .find(|c| {
            let fetches = ["git checkout", "git fetch", "git switch", "gh pr checkout"]
                .iter()
                .any(|w| c.text.contains(w));
            fetches && (UNTRUSTED_REF.is_match(&c.text) || c.text.contains("gh pr checkout"))
        })
        .map(|c| (c.path.clone(), c.line, format!("`{}`", c.text)))
}

/// Untrusted expressions in a resolved step's script (its inputs and
/// `env` already substituted): (path, line, expression, why).
fn injected_scripts(step: &ResolvedStep) -> Vec<(String, usize, String, String)> {
    let mut out = Vec::new();
    let mut sinks: Vec<(usize, &str)> = step
        .commands
        .iter()
        .filter(|c| c.via.is_none() && c.path == step.path)
        .map(|c| (c.line, c.text.as_str()))
        .collect();
    // The resolver made the shell-script inputs commands already;
    // `actions/github-script`'s JavaScript is read here. A line found both
    // ways is reported once (the caller keys by file and line).
    let action = step
        .uses
        .as_ref()
        .and_then(|(a, _)| a.name())
        .unwrap_or_default();
    sinks.extend(script_inputs(&action, &step.with));
    for (line, text) in sinks {
        for caps in EXPRESSION.captures_iter(text) {
            let expr = caps.get(1).map_or("", |m| m.as_str()).trim();
            if let Some(why) = untrusted(expr, &[]) {
                out.push((step.path.clone(), line, expr.to_string(), why));
            }
        }
    }
    out
}

/// Whether one operand evaluates to a boolean (a comparison, a negation or
/// a `contains`/`startsWith`/`endsWith` test) or is a literal: neither can
/// carry an attacker's text.
fn is_inert(operand: &str) -> bool {
    let e = operand.trim();
    let literal = (e.starts_with('\'') && e.ends_with('\'') && e.len() >= 2)
        || e.parse::<f64>().is_ok()
        || matches!(e, "true" | "false" | "null" | "");
    literal
        || e.starts_with('!')
        || ["contains(", "startsWith(", "endsWith("]
            .iter()
            .any(|f| e.starts_with(f) && e.ends_with(')'))
        || split_top_level(e, &["==", "!=", "<=", ">=", "<", ">"]).len() > 1
}

/// The parts of an expression that can become its value. GitHub's `a &&
/// b` is `b`, or a falsy `a` (which is empty, `false`, `0` or `null`, never
/// text); `a || b` is `a` or `b`; `&&` binds tighter. So the value is the
/// last operand of one of the `||` alternatives, read again inside
/// parentheses.
fn value_operands(expr: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for alternative in split_top_level(expr, &["||"]) {
        let conjuncts = split_top_level(alternative, &["&&"]);
        let Some(last) = conjuncts.last() else {
            continue;
        };
        let last = last.trim();
        match last.strip_prefix('(').and_then(|l| l.strip_suffix(')')) {
            Some(inner) if split_top_level(last, &["||", "&&"]).len() == 1 && balanced(inner) => {
                out.extend(value_operands(inner));
            }
            _ => out.push(last),
        }
    }
    out
}

/// Whether parentheses outside quotes balance in `text`.
fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// Why an expression is attacker-controlled, if it is.
fn untrusted(expr: &str, envs: &[&[Input]]) -> Option<String> {
    value_operands(expr)
        .into_iter()
        .filter(|operand| !is_inert(operand))
        .find_map(|operand| untrusted_operand(operand, envs))
}

/// Why one operand that may be the expression's value is
/// attacker-controlled, if it is.
fn untrusted_operand(expr: &str, envs: &[&[Input]]) -> Option<String> {
    if let Some(m) = UNTRUSTED.find(expr) {
        return Some(format!(
            "`{}` is chosen by whoever opens the issue or pull request",
            m.as_str()
        ));
    }
    for name in expr
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .filter_map(|t| t.strip_prefix("env."))
    {
        let value = envs
            .iter()
            .find_map(|e| e.iter().find(|i| i.name == name))
            .map(|i| i.value.as_str())?;
        if let Some(m) = UNTRUSTED.find(value) {
            return Some(format!("`env.{name}` is set from `{}`", m.as_str()));
        }
    }
    None
}

/// artipacked, narrowed: persisted credentials in an uploaded checkout.
fn uploaded_credentials(path: &str, job: &Job, findings: &mut Vec<Finding>) {
    let mut persisted = false;
    for step in &job.steps {
        let Some(name) = step
            .uses
            .as_ref()
            .and_then(|u| ActionRef::parse(&u.value).name())
        else {
            continue;
        };
        if name == "actions/checkout" {
            persisted = step
                .input("persist-credentials")
                .is_none_or(|i| i.value.trim() != "false");
        } else if name == "actions/upload-artifact" && persisted {
            let Some(p) = step.input("path") else {
                continue;
            };
            let whole = p.value.lines().any(|l| {
                let l = l.trim();
                matches!(
                    l,
                    "." | "./" | "${{ github.workspace }}" | "${{github.workspace}}"
                ) || l.contains(".git/")
                    || l.ends_with(".git")
            });
            if whole {
                findings.push(
                    Finding::warning(
                        format!("uploaded-credentials:{}", job.id),
                        format!(
                            "job `{}` uploads its checkout (`path: {}`) while `actions/checkout` left the token in .git/config",
                            job.id,
                            p.value.trim()
                        ),
                    )
                    .at(path, Some(p.line))
                    .help("set `persist-credentials: false` on actions/checkout, or upload only the build output"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(files: &[(&str, &str)]) -> Outcome {
        DangerousWorkflow.run(
            &Facts::in_memory(vec![], files),
            &CheckConfig { level: Level::Deny },
        )
    }

    #[test]
    fn pull_request_target_safe_and_dangerous() {
        let safe = "on: pull_request_target\njobs:\n  label:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/labeler@v5\n";
        let o = run(&[(".github/workflows/label.yml", safe)]);
        assert_eq!(o.status, Status::Pass);
        assert_eq!(o.findings[0].severity, Severity::Note);
        assert_eq!(o.findings[0].line, Some(1));
        let dangerous = "on:\n  pull_request_target:\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: cargo test\n";
        let o = run(&[(".github/workflows/pwn.yml", dangerous)]);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings[0].line, Some(9));
    }

    #[test]
    fn injection_points_at_the_script_line() {
        let wf = "on: issues\njobs:\n  triage:\n    runs-on: ubuntu-latest\n    env:\n      BODY: ${{ github.event.issue.body }}\n    steps:\n      - run: |\n          echo start\n          echo \"${{ github.event.issue.title }}\"\n          echo \"${{ env.BODY }}\"\n          echo \"$BODY\" ${{ github.event.issue.number }}\n          echo ${{ github.event.issue.title == 'x' }} ${{ contains(github.event.issue.body, 'y') }}\n";
        let o = run(&[(".github/workflows/triage.yml", wf)]);
        assert_eq!(o.status, Status::Fail);
        let lines: Vec<_> = o.findings.iter().map(|f| f.line.unwrap_or(0)).collect();
        assert_eq!(lines, vec![10, 11]);
    }

    #[test]
    fn compared_values_are_not_the_expressions_value() {
        // pyo3's netlify deploy: the branch is only compared; the value
        // is `'--prod'` or `''`.
        let envs: &[&[Input]] = &[];
        for inert in [
            "(github.event.workflow_run.head_branch == 'main' && '--prod') || ''",
            "github.head_ref != '' && 'pr' || 'push'",
            "contains(github.event.issue.title, 'x') && 'yes'",
            "startsWith(github.head_ref, 'release/')",
        ] {
            assert_eq!(untrusted(inert, envs), None, "{inert}");
        }
        for tainted in [
            "github.head_ref || 'main'",
            "github.head_ref == 'x' && 'a' || github.event.issue.title",
            "github.event.pull_request.head.ref != '' && github.event.pull_request.head.ref",
            "(github.head_ref)",
            "format('{0}', github.event.issue.title)",
            "contains(github.head_ref, 'x') && github.head_ref",
        ] {
            assert!(untrusted(tainted, envs).is_some(), "{tainted}");
        }
    }

    #[test]
    fn github_script_and_composite_actions() {
        let o = run(&[(
            ".github/actions/greet/action.yml",
            "runs:\n  using: composite\n  steps:\n    - uses: actions/github-script@v7\n      with:\n        script: |\n          console.log(\"${{ github.event.comment.body }}\")\n",
        )]);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings[0].line, Some(7));
        assert_eq!(
            o.findings[0].path.as_deref(),
            Some(".github/actions/greet/action.yml")
        );
    }

    #[test]
    fn untrusted_input_into_a_composite_action() {
        let o = run(&[
            (
                ".github/workflows/triage.yml",
                "on: issues\njobs:\n  t:\n    runs-on: x\n    steps:\n      - uses: ./.github/actions/say\n        with:\n          text: ${{ github.event.issue.title }}\n",
            ),
            (
                ".github/actions/say/action.yml",
                "inputs:\n  text: {}\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: |\n        echo \"${{ inputs.text }}\"\n",
            ),
        ]);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.findings[0].path.as_deref(),
            Some(".github/actions/say/action.yml")
        );
        assert_eq!(o.findings[0].line, Some(8));
        assert!(o.findings[0].message.contains("triage.yml:8"));
    }

    #[test]
    fn untrusted_inputs_followed_into_a_reusable_workflow() {
        // cross: a comment-triggered workflow hands a pull request's ref
        // and the comment body to its ordinary CI workflow.
        let try_yml = "on:\n  issue_comment:\njobs:\n  try:\n    uses: ./.github/workflows/ci.yml\n    with:\n      matrix-args: try --comment \"${{ github.event.comment.body }}\"\n      checkout-ref: refs/pull/${{ github.event.issue.number }}/head\n";
        let ci_yml = "on:\n  workflow_call:\n    inputs:\n      matrix-args: { type: string }\n      checkout-ref: { type: string }\n  pull_request:\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ inputs.checkout-ref }}\n      - run: cargo xtask matrix ${{ inputs.matrix-args || '' }}\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ inputs.checkout-ref }}\n";
        let o = run(&[
            (".github/workflows/try.yml", try_yml),
            (".github/workflows/ci.yml", ci_yml),
        ]);
        assert_eq!(o.status, Status::Fail);
        let located: Vec<_> = o
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| (f.path.clone().unwrap_or_default(), f.line.unwrap_or(0)))
            .collect();
        let ci = ".github/workflows/ci.yml".to_string();
        assert_eq!(
            located,
            vec![(ci.clone(), 13), (ci, 14)],
            "{:#?}",
            o.findings
        );
        assert!(o.findings[0].message.contains("(and 1 more steps)"));
        assert!(o.findings[1].message.contains("github.event.comment.body"));

        // Called only from trusted events, the same file is fine.
        let push = "on: push\njobs:\n  ci:\n    uses: ./.github/workflows/ci.yml\n    with:\n      checkout-ref: main\n";
        let o = run(&[
            (".github/workflows/push.yml", push),
            (".github/workflows/ci.yml", ci_yml),
        ]);
        assert_eq!(o.status, Status::Pass, "{:#?}", o.findings);
    }

    #[test]
    fn script_inputs_of_vm_actions_are_scripts() {
        let wf = "on: pull_request\njobs:\n  bsd:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: vmactions/freebsd-vm@v1\n        with:\n          run: |\n            cargo test\n            echo \"${{ github.head_ref }}\"\n";
        let o = run(&[(".github/workflows/bsd.yml", wf)]);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings.len(), 1, "{:#?}", o.findings);
        assert_eq!(o.findings[0].line, Some(10));
    }

    #[test]
    fn uploading_a_checkout_with_credentials() {
        let wf = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/upload-artifact@v4\n        with:\n          path: .\n";
        let o = run(&[(".github/workflows/a.yml", wf)]);
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.findings[0].line, Some(9));
    }
}
