//! `rules/autojournals.yaml`: groups of automatic journals, read with serde
//! (unknown keys refused), then compiled: every expression and template is
//! parsed, every field checked against what the source provides, and every
//! problem reported at once with its file:line:col.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::expr::{Expression, FieldRef, ParseError, Template};
use super::{LineMatching, SourceKind};
use crate::config::{Issue, YamlDoc};

pub const BUILTIN_AUTOJOURNALS_YAML: &str = include_str!("../../../rules/autojournals.yaml");

/// A group holds one to ten automatic journals.
pub const MAX_JOURNALS: usize = 10;

// ------------------------------------------------------------ the file

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDef {
    #[serde(default)]
    groups: Vec<GroupDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupDef {
    code: String,
    #[serde(default)]
    description: String,
    source: SourceKind,
    #[serde(default)]
    when: Option<Text>,
    #[serde(default)]
    vars: Vars,
    journals: Vec<JournalDef>,
    #[serde(default)]
    matching: Vec<MatchDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JournalDef {
    code: String,
    #[serde(default)]
    label: Text,
    journal: Text,
    #[serde(default)]
    when: Option<Text>,
    lines: Vec<LineDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LineDef {
    account: Text,
    #[serde(default)]
    aux_account: Option<Text>,
    #[serde(default)]
    label: Text,
    side: Side,
    amount: Text,
    #[serde(default)]
    when: Option<Text>,
    #[serde(default)]
    per: Option<String>,
    #[serde(default)]
    due_date: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MatchDef {
    journal: String,
    line: usize,
    #[serde(default)]
    invoice: bool,
    #[serde(default)]
    with: Option<PointerDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PointerDef {
    journal: String,
    line: usize,
}

/// An expression or template: YAML may give `627000` or `true` unquoted.
#[derive(Debug, Default, Clone)]
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an expression or a template as text")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Text, E> {
                Ok(Text(s.to_string()))
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Text, E> {
                Ok(Text(b.to_string()))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Text, E> {
                Ok(Text(n.to_string()))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Text, E> {
                Ok(Text(n.to_string()))
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<Text, E> {
                Ok(Text(n.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// `vars:` as a mapping whose order matters (a var sees those above it).
#[derive(Debug, Default)]
struct Vars(Vec<(String, Text)>);

impl<'de> Deserialize<'de> for Vars {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Vars, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vars;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of names to expressions, e.g. `is_fee: direction == 'out'`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Vars, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, Text>()? {
                    out.push((k, v));
                }
                Ok(Vars(out))
            }
        }
        d.deserialize_map(V)
    }
}

// ------------------------------------------------------- compiled rules

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Debit,
    Credit,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AutoJournalRules {
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub code: String,
    pub description: String,
    pub source: SourceKind,
    pub when: Option<Expression>,
    /// Evaluated in order before anything else; usable as fields.
    pub vars: Vec<(String, Expression)>,
    pub journals: Vec<JournalRule>,
    pub matching: Vec<MatchRule>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct JournalRule {
    pub code: String,
    pub label: Template,
    pub journal: Template,
    pub when: Option<Expression>,
    pub lines: Vec<LineRule>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LineRule {
    pub account: Template,
    pub aux_account: Option<Template>,
    pub label: Template,
    pub side: Side,
    pub amount: Expression,
    pub when: Option<Expression>,
    pub per: Option<String>,
    pub due_date: Option<Expression>,
}

/// One row of the matching grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchRule {
    pub journal: String,
    pub line: usize,
    pub target: MatchTarget,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchTarget {
    Invoice,
    Pointer { journal: String, line: usize },
}

impl Group {
    /// How the lines of `journal`'s rule line `line` are matched.
    pub fn matching_of(&self, journal: &str, line: usize) -> Option<LineMatching> {
        let m = self.matching.iter().find(|m| m.journal == journal && m.line == line)?;
        Some(match &m.target {
            MatchTarget::Invoice => LineMatching::Invoice,
            MatchTarget::Pointer { journal, line } => LineMatching::Pointer { auto_journal: journal.clone(), line: *line },
        })
    }
}

/// The fields a source kind provides, for load-time checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSchema {
    pub header: Vec<String>,
    pub lists: BTreeMap<String, Vec<String>>,
}

impl SourceSchema {
    fn of(header: &[&str], lists: &[(&str, &[&str])]) -> SourceSchema {
        SourceSchema {
            header: header.iter().map(|s| s.to_string()).collect(),
            lists: lists.iter().map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect())).collect(),
        }
    }

    /// What the bank and invoice importers fill in.
    pub fn builtin(kind: SourceKind) -> SourceSchema {
        match kind {
            SourceKind::BankLine => SourceSchema::of(
                &[
                    "date", "value_date", "amount", "abs_amount", "direction", "text", "counterparty", "counterparty_iban",
                    "reference", "code", "currency", "statement", "bank_account", "bank_journal", "matched", "match_rule",
                    "party_account", "party_aux", "party_name", "write_off", "write_off_account", "unallocated",
                    "suspense_account",
                ],
                &[("allocations", &["account", "aux_account", "party", "reference", "due_date", "amount"])],
            ),
            SourceKind::Invoice => SourceSchema::of(
                &[
                    "category", "kind", "credit_note", "date", "due_date", "number", "party", "party_account", "party_aux",
                    "expense_account", "net_total", "vat_total", "gross_total", "currency", "journal",
                ],
                &[
                    ("vat_rates", &["rate", "base", "vat", "vat_account"]),
                    ("due_dates", &["due_date", "amount"]),
                    ("analytic", &["code", "amount"]),
                ],
            ),
        }
    }
}

impl AutoJournalRules {
    pub fn builtin() -> AutoJournalRules {
        let doc = YamlDoc::from_text(Path::new("rules/autojournals.yaml"), BUILTIN_AUTOJOURNALS_YAML);
        parse_autojournals(&doc).expect("the builtin rules/autojournals.yaml is valid (tested)")
    }

    pub fn group(&self, code: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.code == code)
    }
}

/// Read and compile the file, with the importers' field lists.
pub fn parse_autojournals(doc: &YamlDoc) -> Result<AutoJournalRules, Vec<Issue>> {
    parse_autojournals_with(doc, SourceSchema::builtin)
}

/// Read and compile the file, checking fields against `schema`.
pub fn parse_autojournals_with(doc: &YamlDoc, schema: impl Fn(SourceKind) -> SourceSchema) -> Result<AutoJournalRules, Vec<Issue>> {
    let file: FileDef = doc.parse().map_err(|i| vec![i])?;
    let mut c = Compiler { doc, issues: Vec::new() };
    let mut codes = BTreeSet::new();
    let mut groups = Vec::new();
    for (gi, g) in file.groups.iter().enumerate() {
        let at = format!("groups[{gi}]");
        if !codes.insert(g.code.as_str()) {
            c.push(&format!("{at}.code"), format!("group `{}` is defined twice; give each group its own code", g.code));
        }
        groups.push(c.group(&at, g, &schema(g.source)));
    }
    if c.issues.is_empty() {
        Ok(AutoJournalRules { groups })
    } else {
        Err(c.issues)
    }
}

/// Where an expression may look: the header, these vars, and (in a `per`
/// line) the fields of this list's items.
struct Scope<'s> {
    schema: &'s SourceSchema,
    vars: &'s [String],
    later_vars: &'s [String],
    per: Per<'s>,
}

#[derive(Clone, Copy)]
enum Per<'s> {
    /// Not a `per` line: `item.` is refused.
    No,
    /// The list and its items' fields.
    List(&'s str, &'s [String]),
    /// An unknown list, already reported: its items are not checked.
    Unknown,
}

struct Compiler<'d> {
    doc: &'d YamlDoc,
    issues: Vec<Issue>,
}

impl Compiler<'_> {
    /// The key path leads the message: it still says where when the
    /// position falls back to a parent (flow-style YAML).
    fn push(&mut self, path: &str, message: String) {
        self.issues.push(self.doc.issue_at(path, format!("{path}: {message}")));
    }

    fn parse_error(&mut self, path: &str, e: ParseError) {
        self.push(path, e.to_string());
    }

    fn check_fields(&mut self, path: &str, text: &str, fields: &[FieldRef], scope: &Scope) {
        for f in fields {
            let problem = if f.item {
                match scope.per {
                    Per::No => Some(format!(
                        "`{f}` at column {} in `{text}`: `item.` only exists in a line with `per: <list>`; add `per:` or use a header field",
                        f.col
                    )),
                    Per::List(list, known) if !known.contains(&f.name) => Some(format!(
                        "unknown field `{f}` at column {} in `{text}`; the items of `{list}` have: {}",
                        f.col,
                        known.join(", ")
                    )),
                    _ => None,
                }
            } else if scope.schema.header.contains(&f.name) || scope.vars.contains(&f.name) {
                None
            } else if scope.later_vars.contains(&f.name) {
                Some(format!("var `{}` at column {} in `{text}` is defined below this one; move it up", f.name, f.col))
            } else {
                let mut known = scope.schema.header.join(", ");
                if !scope.vars.is_empty() {
                    known.push_str(&format!(" (vars: {})", scope.vars.join(", ")));
                }
                Some(format!("unknown field `{}` at column {} in `{text}`; known fields: {known}", f.name, f.col))
            };
            if let Some(p) = problem {
                self.push(path, p);
            }
        }
    }

    fn expr(&mut self, path: &str, t: &Text, scope: &Scope) -> Option<Expression> {
        if t.0.trim().is_empty() {
            self.push(path, "empty; write an expression, e.g. `amount` or `direction == 'out'`".into());
            return None;
        }
        match Expression::parse(&t.0) {
            Ok(e) => {
                self.check_fields(path, &t.0, e.fields(), scope);
                Some(e)
            }
            Err(e) => {
                self.parse_error(path, e);
                None
            }
        }
    }

    fn template(&mut self, path: &str, t: &Text, scope: &Scope) -> Option<Template> {
        match Template::parse(&t.0) {
            Ok(tp) => {
                self.check_fields(path, &t.0, tp.fields(), scope);
                Some(tp)
            }
            Err(e) => {
                self.parse_error(path, e);
                None
            }
        }
    }

    fn group(&mut self, at: &str, g: &GroupDef, schema: &SourceSchema) -> Group {
        // Vars: each sees the header and the vars above it.
        let names: Vec<String> = g.vars.0.iter().map(|(n, _)| n.clone()).collect();
        let mut vars = Vec::new();
        for (k, (name, text)) in g.vars.0.iter().enumerate() {
            let path = format!("{at}.vars.{name}");
            let ident = name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_alphanumeric() || c == '_');
            if !ident || ["and", "or", "not", "in", "true", "false", "null", "item", "date"].contains(&name.as_str()) {
                self.push(&path, format!("var name `{name}` must be a word of letters, digits and _, not a keyword"));
            } else if schema.header.contains(name) {
                self.push(&path, format!("var `{name}` hides the {} field `{name}`; choose another name", g.source.name()));
            } else if names[..k].contains(name) {
                self.push(&path, format!("var `{name}` is defined twice"));
            }
            let scope = Scope { schema, vars: &names[..k], later_vars: &names[k..], per: Per::No };
            if let Some(e) = self.expr(&path, text, &scope) {
                vars.push((name.clone(), e));
            }
        }
        let head = Scope { schema, vars: &names, later_vars: &[], per: Per::No };
        let when = g.when.as_ref().and_then(|w| self.expr(&format!("{at}.when"), w, &head));

        if g.journals.is_empty() || g.journals.len() > MAX_JOURNALS {
            self.push(
                &format!("{at}.journals"),
                format!(
                    "group `{}` has {} journals; a group holds one to {MAX_JOURNALS} automatic journals{}",
                    g.code,
                    g.journals.len(),
                    if g.journals.is_empty() { "; add one" } else { "; split it into two groups" }
                ),
            );
        }
        let mut codes = BTreeSet::new();
        let mut journals = Vec::new();
        for (ji, j) in g.journals.iter().enumerate() {
            let jat = format!("{at}.journals[{ji}]");
            if j.code.trim().is_empty() {
                self.push(&format!("{jat}.code"), "give the automatic journal a code, e.g. PAY".into());
            } else if !codes.insert(j.code.as_str()) {
                self.push(&format!("{jat}.code"), format!("journal `{}` appears twice in group `{}`", j.code, g.code));
            }
            if let Some(jr) = self.journal(&jat, j, &head) {
                journals.push(jr);
            }
        }
        let matching = self.matching(at, g);
        Group { code: g.code.clone(), description: g.description.clone(), source: g.source, when, vars, journals, matching }
    }

    fn journal(&mut self, at: &str, j: &JournalDef, head: &Scope) -> Option<JournalRule> {
        let when = j.when.as_ref().and_then(|w| self.expr(&format!("{at}.when"), w, head));
        let label = self.template(&format!("{at}.label"), &j.label, head);
        let journal = self.template(&format!("{at}.journal"), &j.journal, head);
        if j.journal.0.trim().is_empty() {
            self.push(&format!("{at}.journal"), "give the ledger journal, e.g. \"{bank_journal}\" or \"OD\"".into());
        }
        if j.lines.is_empty() {
            self.push(&format!("{at}.lines"), format!("journal `{}` has no lines; add at least two", j.code));
        }
        let mut lines = Vec::new();
        for (li, l) in j.lines.iter().enumerate() {
            if let Some(lr) = self.line(&format!("{at}.lines[{li}]"), l, head) {
                lines.push(lr);
            }
        }
        Some(JournalRule { code: j.code.clone(), label: label?, journal: journal?, when, lines })
    }

    fn line(&mut self, at: &str, l: &LineDef, head: &Scope) -> Option<LineRule> {
        let mut per = Per::No;
        if let Some(list) = &l.per {
            per = match head.schema.lists.get(list) {
                Some(f) => Per::List(list.as_str(), f.as_slice()),
                None => {
                    let known: Vec<&str> = head.schema.lists.keys().map(String::as_str).collect();
                    self.push(&format!("{at}.per"), format!("unknown list `{list}`; this source has: {}", known.join(", ")));
                    Per::Unknown
                }
            };
        }
        let scope = Scope { per, ..*head };
        let account = self.template(&format!("{at}.account"), &l.account, &scope);
        if l.account.0.trim().is_empty() {
            self.push(&format!("{at}.account"), "give an account, e.g. \"627000\" or \"{bank_account}\"".into());
        }
        // Parse everything before giving up, so that all problems are reported.
        let aux_account = l.aux_account.as_ref().map(|t| self.template(&format!("{at}.aux_account"), t, &scope));
        let label = self.template(&format!("{at}.label"), &l.label, &scope);
        let amount = self.expr(&format!("{at}.amount"), &l.amount, &scope);
        let when = l.when.as_ref().and_then(|w| self.expr(&format!("{at}.when"), w, &scope));
        let due_date = l.due_date.as_ref().and_then(|w| self.expr(&format!("{at}.due_date"), w, &scope));
        let aux_account = match aux_account {
            Some(t) => Some(t?),
            None => None,
        };
        Some(LineRule { account: account?, aux_account, label: label?, side: l.side, amount: amount?, when, per: l.per.clone(), due_date })
    }

    fn matching(&mut self, at: &str, g: &GroupDef) -> Vec<MatchRule> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for (mi, m) in g.matching.iter().enumerate() {
            let mat = format!("{at}.matching[{mi}]");
            let mut ok = self.pointer_exists(&mat, g, &m.journal, m.line);
            let target = match (m.invoice, &m.with) {
                (true, None) => Some(MatchTarget::Invoice),
                (false, Some(p)) => {
                    ok &= self.pointer_exists(&format!("{mat}.with"), g, &p.journal, p.line);
                    if p.journal == m.journal && p.line == m.line {
                        self.push(&format!("{mat}.with"), format!("journal {} line {} is matched with itself; point at another line", m.journal, m.line));
                        ok = false;
                    }
                    Some(MatchTarget::Pointer { journal: p.journal.clone(), line: p.line })
                }
                (true, Some(_)) => {
                    self.push(&mat, "give either `invoice: true` or `with: {journal, line}`, not both".into());
                    None
                }
                (false, None) => {
                    self.push(&mat, "say what to match with: `invoice: true` (the invoices' lines) or `with: {journal: CODE, line: N}`".into());
                    None
                }
            };
            if !seen.insert((m.journal.clone(), m.line)) {
                self.push(&mat, format!("journal {} line {} is already in the matching grid", m.journal, m.line));
                ok = false;
            }
            if let (true, Some(target)) = (ok, target) {
                out.push(MatchRule { journal: m.journal.clone(), line: m.line, target });
            }
        }
        out
    }

    fn pointer_exists(&mut self, at: &str, g: &GroupDef, journal: &str, line: usize) -> bool {
        match g.journals.iter().find(|j| j.code == journal) {
            None => {
                let known: Vec<&str> = g.journals.iter().map(|j| j.code.as_str()).collect();
                self.push(&format!("{at}.journal"), format!("no journal `{journal}` in group `{}`; its journals: {}", g.code, known.join(", ")));
                false
            }
            Some(j) if line == 0 || line > j.lines.len() => {
                self.push(
                    &format!("{at}.line"),
                    format!("journal `{journal}` has lines 1 to {}; there is no line {line}", j.lines.len()),
                );
                false
            }
            Some(_) => true,
        }
    }
}
