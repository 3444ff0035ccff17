//! Rules: data files compiled once into CEL programs.
//!
//! A rule file is parsed ([`spec`]), validated as a whole (every problem is
//! reported at once, each with file, line and column), and compiled in the
//! shared CEL environment ([`functions`]). The built-in catalogue under
//! `rules/` is embedded in the binary; `--rules DIR` adds files at run time.

pub mod spec;

use crate::cel::functions;
use crate::diag::{Problem, Problems};
use crate::prepare::dependencies::Reads;
use crate::prepare::{SYNTHETIC_KINDS, dependencies, is_known_kind};
use crate::snapshot::KINDS;
use ::cel::Program;
use ::cel::common::value::Val;
use spec::RuleFile;
pub use spec::{Area, Severity};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Framework controls by framework (`fsbp = ["EC2.13"]`), shared by every
/// finding of a rule.
pub type Compliance = Arc<BTreeMap<String, Vec<String>>>;

/// The rule files compiled into the binary: (path under `rules/`, contents).
pub const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// A compiled rule.
pub struct Rule {
    pub id: String,
    /// The id again, shared by the rule's findings.
    pub shared_id: std::sync::Arc<str>,
    pub title: String,
    pub severity: Severity,
    pub area: spec::Area,
    /// The kinds the rule iterates over.
    pub kinds: Vec<String>,
    /// Every kind whose gaps make the result incomplete (for any of its
    /// kinds).
    pub needs: Vec<String>,
    /// The same, for each kind it iterates over: a gap in serverless caches
    /// says nothing about a replication group judged by the same rule.
    pub needs_by_kind: BTreeMap<String, Vec<String>>,
    /// What the rule's expressions read of `resource`.
    pub reads: Reads,
    pub source: Vec<String>,
    pub rationale: String,
    pub remediation: String,
    pub references: Vec<String>,
    pub compliance: Compliance,
    /// Parameter defaults, as JSON.
    pub params: serde_json::Map<String, serde_json::Value>,
    /// A manual checklist item (see `spec::RuleFile::manual`).
    pub manual: bool,
    pub when: Option<Expr>,
    pub error: Option<Expr>,
    pub assert: Expr,
    pub evidence: Option<Expr>,
    pub tests: Vec<spec::TestCase>,
    /// Where the rule was read from (`rules/ec2/...toml` for built-in rules).
    pub path: PathBuf,
}

/// A compiled CEL expression with its source.
pub struct Expr {
    pub source: String,
    pub program: Program,
}

impl Rule {
    /// The kinds whose gaps make the result incomplete for a resource of
    /// `kind` (all of `needs` for a kind the rule does not iterate over).
    pub fn needs_for(&self, kind: &str) -> &[String] {
        self.needs_by_kind.get(kind).map_or(&self.needs, Vec::as_slice)
    }

    /// Whether the rule may read any of `fields` of a resource of `kind`:
    /// it reads one of them, or the resource whole, or a derived field
    /// computed from one of them (or from fields not declared, which may be
    /// any).
    pub fn reads_any(&self, kind: &str, fields: &[String]) -> bool {
        use crate::prepare::Provenance;
        if self.reads.whole {
            return true;
        }
        self.reads.fields.iter().any(|f| {
            fields.contains(f)
                || match crate::prepare::provenance(kind, f) {
                    Provenance::Stored | Provenance::Absent => false,
                    Provenance::Derived(Some(sources)) => sources.iter().any(|s| fields.iter().any(|g| g == s)),
                    Provenance::Derived(None) => true,
                }
        })
    }

    /// The service prefix of the rule's first kind (`ec2` for `ec2.instance`).
    pub fn service(&self) -> &str {
        self.kinds.first().and_then(|k| k.split('.').next()).unwrap_or("")
    }

    /// The parameters with `overrides` applied, as a CEL value.
    pub fn params_value(&self, overrides: Option<&serde_json::Map<String, serde_json::Value>>) -> Box<dyn Val> {
        let mut params = self.params.clone();
        if let Some(overrides) = overrides {
            for (k, v) in overrides {
                params.insert(k.clone(), v.clone());
            }
        }
        crate::cel::json::json_to_val(&serde_json::Value::Object(params))
    }
}

/// A set of compiled rules, sorted by id.
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

impl RuleSet {
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// Every problem found while loading rules.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct LoadErrors(pub Vec<Problem>);

/// Loads the embedded catalogue and the rule files under `extra` directories.
pub fn load(extra: &[PathBuf]) -> Result<RuleSet, LoadErrors> {
    let mut sources: Vec<(PathBuf, String)> = EMBEDDED
        .iter()
        .map(|(path, text)| (Path::new("rules").join(path), text.to_string()))
        .collect();
    let mut problems = Vec::new();
    for dir in extra {
        match rule_files(dir) {
            Ok(files) => {
                for path in files {
                    match std::fs::read_to_string(&path) {
                        Ok(text) => sources.push((path, text)),
                        Err(e) => problems.push(problem(&path, 1, 1, format!("cannot read the rule file: {e}"))),
                    }
                }
            }
            Err(e) => problems.push(problem(dir, 1, 1, format!("cannot read the rules directory: {e}"))),
        }
    }
    let set = compile_all(&sources, problems)?;
    Ok(set)
}

/// Loads only the rule files under `dir` (for `audit rules test DIR`).
pub fn load_dir(dir: &Path) -> Result<RuleSet, LoadErrors> {
    let files = rule_files(dir).map_err(|e| {
        LoadErrors(vec![problem(
            dir,
            1,
            1,
            format!("cannot read the rules directory: {e}"),
        )])
    })?;
    let mut sources = Vec::new();
    let mut problems = Vec::new();
    for path in files {
        match std::fs::read_to_string(&path) {
            Ok(text) => sources.push((path, text)),
            Err(e) => problems.push(problem(&path, 1, 1, format!("cannot read the rule file: {e}"))),
        }
    }
    compile_all(&sources, problems)
}

fn problem(path: &Path, line: usize, column: usize, message: String) -> Problem {
    Problem::new(path, line, column, message)
}

/// The `.toml` files under `dir`, recursively, sorted.
fn rule_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn compile_all(sources: &[(PathBuf, String)], mut problems: Vec<Problem>) -> Result<RuleSet, LoadErrors> {
    let mut rules: Vec<Rule> = Vec::new();
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    for (path, text) in sources {
        match compile(path, text) {
            Ok(rule) => {
                if let Some(first) = seen.get(&rule.id) {
                    problems.push(problem(
                        path,
                        1,
                        1,
                        format!(
                            "rule id `{}` is already defined in {}; ids are unique",
                            rule.id,
                            first.display()
                        ),
                    ));
                } else {
                    seen.insert(rule.id.clone(), path.clone());
                    rules.push(rule);
                }
            }
            Err(mut p) => problems.append(&mut p),
        }
    }
    if !problems.is_empty() {
        return Err(LoadErrors(problems));
    }
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(RuleSet { rules })
}

/// The checks of a rule file, each recording its problems.
impl Problems<'_> {
    /// The id is kebab-case and names the file.
    fn check_id(&mut self, id: &toml::Spanned<String>) {
        let (start, id) = (id.span().start, id.get_ref());
        let kebab = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !id.starts_with('-')
            && !id.ends_with('-');
        if !kebab {
            self.at(
                start,
                format!("rule id `{id}` is not kebab-case (lower-case letters, digits and single hyphens)"),
            );
        }
        if let Some(stem) = self.path.file_stem().and_then(|s| s.to_str())
            && stem != id
        {
            self.at(
                start,
                format!(
                    "rule id `{id}` does not match the file name `{stem}.toml`; one rule per file, named by its id"
                ),
            );
        }
    }

    /// The kinds the rule iterates over, each known.
    fn kinds(&mut self, resource: &toml::Spanned<spec::OneOrMany>) -> Vec<String> {
        let kinds = resource.get_ref().to_vec();
        if kinds.is_empty() {
            self.at(resource.span().start, "`resource` names no kind".into());
        }
        for kind in &kinds {
            if !is_known_kind(kind) {
                self.at(
                    resource.span().start,
                    format!("unknown resource kind `{kind}`; see `audit rules kinds` for the list"),
                );
            }
        }
        kinds
    }

    /// Compiles one expression; its syntax errors point into the file.
    fn expression(&mut self, source: &toml::Spanned<String>, what: &str) -> Option<Expr> {
        match functions::ENV.compile(source.get_ref()) {
            Ok(program) => Some(Expr {
                source: source.get_ref().clone(),
                program,
            }),
            Err(errors) => {
                for e in errors.errors {
                    let offset = expression_offset(self.text, source.span().start, source.get_ref(), e.pos);
                    self.at(offset, format!("invalid CEL in `{what}`: {}", e.msg));
                }
                None
            }
        }
    }

    /// Every kind whose gaps make the rule's result incomplete: its own
    /// kinds, the sources of the derived fields its expressions read, and
    /// those it lists in `needs` (required over `account` and `region`).
    /// Returns them for each kind the rule iterates over.
    fn needs(
        &mut self,
        file: &RuleFile,
        kinds: &[String],
        expressions: &[&Option<Expr>],
    ) -> (BTreeMap<String, Vec<String>>, Reads) {
        let mut reads = Reads::default();
        for expr in expressions.iter().copied().flatten() {
            reads.add(&expr.program.expression().expr);
        }
        let extra = self.extra_needs(file, kinds);
        let needs = kinds
            .iter()
            .map(|kind| {
                let mut needs = extra.clone();
                if !SYNTHETIC_KINDS.contains(&kind.as_str()) {
                    needs.extend(dependencies(kind, &reads));
                }
                needs.sort();
                needs.dedup();
                (kind.clone(), needs)
            })
            .collect();
        (needs, reads)
    }

    /// The kinds listed in `needs`, checked.
    fn extra_needs(&mut self, file: &RuleFile, kinds: &[String]) -> Vec<String> {
        let mut needs = Vec::new();
        match &file.needs {
            Some(extra) => {
                for kind in extra.get_ref() {
                    if !KINDS.contains(&kind.as_str()) {
                        self.at(extra.span().start, format!("unknown kind `{kind}` in `needs`"));
                    }
                    needs.push(kind.clone());
                }
            }
            None if is_synthetic(kinds) => self.at(
                file.resource.span().start,
                "a rule over `account` or `region` must list the kinds it reads in `needs`, so that a gap in them reports an error".into(),
            ),
            None => {}
        }
        needs.sort();
        needs.dedup();
        needs
    }

    /// Each example names a kind the rule iterates over and has its data
    /// where the rule's kind takes it from.
    fn check_tests(&mut self, tests: &[spec::TestCase], kinds: &[String]) {
        let synthetic = is_synthetic(kinds);
        for test in tests {
            if let Some(kind) = &test.kind
                && !kinds.contains(kind)
            {
                self.at(
                    0,
                    format!(
                        "test `{}` names kind `{kind}`, which the rule does not iterate over",
                        test.name
                    ),
                );
            }
            if synthetic && test.resource.is_some() {
                self.at(
                    0,
                    format!(
                        "test `{}`: a rule over `account` or `region` takes its data from `related`, not `resource`",
                        test.name
                    ),
                );
            }
            if !synthetic && test.resource.is_none() {
                self.at(0, format!("test `{}` has no `resource`", test.name));
            }
        }
    }
}

fn is_synthetic(kinds: &[String]) -> bool {
    kinds.iter().any(|k| SYNTHETIC_KINDS.contains(&k.as_str()))
}

/// Parses, validates and compiles one rule file.
pub fn compile(path: &Path, text: &str) -> Result<Rule, Vec<Problem>> {
    let mut problems = Problems::new(path, text);
    let file: RuleFile = match toml::from_str(text) {
        Ok(file) => file,
        Err(e) => {
            problems.at(e.span().map_or(0, |s| s.start), e.message().trim().to_string());
            return Err(problems.list);
        }
    };
    problems.check_id(&file.id);
    let kinds = problems.kinds(&file.resource);
    let params = match serde_json::to_value(&file.params) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let check = &file.check;
    let when = check.when.as_ref().and_then(|w| problems.expression(w, "check.when"));
    let error = check.error.as_ref().and_then(|e| problems.expression(e, "check.error"));
    let assert = problems.expression(&check.assert, "check.assert");
    let evidence = check
        .evidence
        .as_ref()
        .and_then(|e| problems.expression(e, "check.evidence"));
    let (needs_by_kind, reads) = problems.needs(&file, &kinds, &[&when, &error, &assert, &evidence]);
    let mut needs: Vec<String> = needs_by_kind.values().flatten().cloned().collect();
    needs.sort();
    needs.dedup();
    problems.check_tests(&file.tests, &kinds);

    let (Some(assert), true) = (assert, problems.list.is_empty()) else {
        return Err(problems.list);
    };
    Ok(Rule {
        shared_id: file.id.get_ref().as_str().into(),
        id: file.id.into_inner(),
        title: file.title,
        severity: file.severity,
        area: file.area,
        kinds,
        needs,
        needs_by_kind,
        reads,
        source: file.source,
        rationale: file.rationale.trim().to_string(),
        remediation: file.remediation.trim().to_string(),
        references: file.references,
        compliance: Arc::new(file.compliance),
        params,
        manual: file.manual,
        when,
        error,
        assert,
        evidence,
        tests: file.tests,
        path: path.to_owned(),
    })
}

/// The byte offset in the rule file of position `pos` (line, and column in
/// characters, both 1-based, as CEL reports them) of an expression whose TOML string
/// starts at byte `start`. The string's value differs from its text by the
/// delimiters and, in basic strings, by escapes and line-ending
/// backslashes; the value is walked alongside the text so that the offset
/// lands on the character CEL meant.
fn expression_offset(text: &str, start: usize, expression: &str, pos: (isize, isize)) -> usize {
    let (line, column) = (pos.0.max(1) as usize, pos.1.max(1) as usize);
    // The character index in the value.
    let mut target = column - 1;
    for l in expression.split('\n').take(line - 1) {
        target += l.chars().count() + 1;
    }
    let start = start.min(text.len());
    let raw = text.get(start..).unwrap_or_default();
    let (delimiter, basic) = if raw.starts_with("\"\"\"") {
        (3, true)
    } else if raw.starts_with("'''") {
        (3, false)
    } else {
        (1, raw.starts_with('"'))
    };
    let mut at = (start + delimiter).min(text.len());
    // TOML trims the newline right after a multi-line opening delimiter.
    if delimiter == 3 {
        if text[at..].starts_with("\r\n") {
            at += 2;
        } else if text[at..].starts_with('\n') {
            at += 1;
        }
    }
    let mut chars = text[at..].char_indices().peekable();
    let mut index = 0;
    while index < target {
        let Some((offset, c)) = chars.next() else {
            return text.len();
        };
        if basic && c == '\\' {
            match chars.peek().map(|&(_, next)| next) {
                // A line-ending backslash: the whitespace and newlines after
                // it are not part of the value.
                Some(' ' | '\t' | '\r' | '\n') => {
                    while chars.peek().is_some_and(|&(_, n)| n.is_whitespace()) {
                        chars.next();
                    }
                    continue;
                }
                Some('u') => {
                    chars.nth(4);
                }
                Some('U') => {
                    chars.nth(8);
                }
                Some(_) => {
                    chars.next();
                }
                None => return at + offset,
            }
        }
        index += 1;
    }
    chars.peek().map_or(text.len(), |&(offset, _)| at + offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_position(rule: &str) -> (usize, usize) {
        match compile(Path::new("r.toml"), rule) {
            Err(problems) => (problems[0].line, problems[0].column),
            Ok(_) => panic!("the rule compiled"),
        }
    }

    /// The character at a 1-based line and column of `text`.
    fn char_at(text: &str, (line, column): (usize, usize)) -> String {
        let l = text.lines().nth(line - 1).unwrap_or_default();
        l.chars().skip(column - 1).take(1).collect()
    }

    const HEAD: &str = "id = \"r\"\ntitle = \"t\"\nseverity = \"low\"\narea = \"network\"\nresource = \"ec2.vpc\"\nrationale = \"r\"\nremediation = \"r\"\n";

    #[test]
    fn a_syntax_error_after_non_ascii_text_points_at_it() {
        // The stray `)` follows five two-byte characters; the old byte
        // arithmetic landed inside an `é`, and slicing there panicked.
        let rule = format!("{HEAD}[check]\nassert = \"resource.name == 'ééééé')\"\n");
        let position = error_position(&rule);
        assert_eq!(position.0, 9);
        assert_eq!(char_at(&rule, position), ")", "{position:?}");
    }

    #[test]
    fn escapes_and_multi_line_strings_keep_columns_right() {
        let rule = format!("{HEAD}[check]\nassert = \"resource.name == \\\"a\\\" )\"\n");
        let position = error_position(&rule);
        assert_eq!(char_at(&rule, position), ")", "{position:?}");

        let rule = format!("{HEAD}[check]\nassert = \"\"\"\nresource.name == 'ü' &&\n  resource.x == 1 )\"\"\"\n");
        let position = error_position(&rule);
        assert_eq!(position.0, 11);
        assert_eq!(char_at(&rule, position), ")", "{position:?}");
    }
}
