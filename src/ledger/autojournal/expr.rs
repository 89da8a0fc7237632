//! The expression language of automatic journals (conditions, amounts,
//! due dates) and the `{field}` templates of accounts and labels.
//!
//! Parsed once at load (regexes compiled then), evaluated per document.
//! Null semantics are SQL-like: a null field compares false with anything
//! except `== null`, arithmetic with null gives null, so a rule on a
//! missing field quietly does not apply instead of failing.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use regex::Regex;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use super::{Record, Value};

/// The values an expression sees: the group's vars, then the source's
/// header fields; `item.x` reads the current item of a `per` list.
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    pub header: &'a Record,
    pub vars: &'a Record,
    pub item: Option<&'a Record>,
}

static NULL: Value = Value::Null;

impl<'a> Env<'a> {
    fn field(&self, name: &str) -> &'a Value {
        self.vars.get(name).or_else(|| self.header.get(name)).unwrap_or(&NULL)
    }
    fn item_field(&self, name: &str) -> &'a Value {
        self.item.and_then(|i| i.get(name)).unwrap_or(&NULL)
    }
}

/// A field an expression or template reads (`item.x` when `item`), with
/// its 1-based column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRef {
    pub name: String,
    pub item: bool,
    pub col: usize,
}

impl fmt::Display for FieldRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.item {
            write!(f, "item.{}", self.name)
        } else {
            f.write_str(&self.name)
        }
    }
}

/// A syntax error: what was expected, where, and in which text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub col: usize,
    pub message: String,
    pub text: String,
    pub hint: Option<String>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at column {} in `{}`", self.message, self.col, self.text)?;
        if let Some(h) = &self.hint {
            write!(f, "; {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

/// A failure while evaluating on a document (e.g. `'a' + 1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    pub text: String,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at column {} in `{}`", self.message, self.col, self.text)
    }
}

impl std::error::Error for EvalError {}

/// `a number`, `a string`… for messages.
pub fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Num(d) => format!("the number {d}"),
        Value::Str(s) => format!("the string '{s}'"),
        Value::Date(d) => format!("the date {d}"),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Num(_) => "a number",
        Value::Str(_) => "a string",
        Value::Date(_) => "a date",
    }
}

/// Null, false, 0 and "" are false; everything else is true.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Num(d) => !d.is_zero(),
        Value::Str(s) => !s.is_empty(),
        Value::Date(_) => true,
    }
}

/// How a value appears in a template: null is empty, dates are ISO.
pub fn render_value(v: &Value, out: &mut String) {
    use std::fmt::Write;
    match v {
        Value::Null => {}
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Num(d) => {
            let _ = write!(out, "{d}");
        }
        Value::Str(s) => out.push_str(s),
        Value::Date(d) => {
            let _ = write!(out, "{}", d.format("%Y-%m-%d"));
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    Abs,
    Sign,
    Lower,
    Upper,
    Contains,
    StartsWith,
    Days,
    Round,
    Coalesce,
}

const FUNCS: &[(&str, Func, usize)] = &[
    ("abs", Func::Abs, 1),
    ("sign", Func::Sign, 1),
    ("lower", Func::Lower, 1),
    ("upper", Func::Upper, 1),
    ("contains", Func::Contains, 2),
    ("starts_with", Func::StartsWith, 2),
    ("days", Func::Days, 2),
    ("round", Func::Round, 2),
    ("coalesce", Func::Coalesce, 0), // 0: one or more
];

const KEYWORDS: &[&str] = &["and", "or", "not", "in", "true", "false", "null"];

#[derive(Debug, Clone)]
enum Node {
    Lit(Value),
    Field(String),
    Item(String),
    Neg(Box<Node>, usize),
    Not(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Cmp(Cmp, Box<Node>, Box<Node>, usize),
    /// `x == null` (false) / `x != null` (true).
    IsNull(Box<Node>, bool),
    /// `x =~ 're'` / `x !~ 're'` (negated).
    Match(Box<Node>, Regex, bool, usize),
    /// `x in [..]` / `x not in [..]` (negated).
    In(Box<Node>, Vec<Node>, bool, usize),
    Arith(Arith, Box<Node>, Box<Node>, usize),
    Call(Func, Vec<Node>, usize),
}

/// A parsed expression with its source text (for messages).
#[derive(Debug, Clone)]
pub struct Expression {
    text: String,
    root: Node,
    fields: Vec<FieldRef>,
}

impl PartialEq for Expression {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl fmt::Display for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Expression {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        Expression::parse(s)
    }
}

impl Expression {
    pub fn parse(text: &str) -> Result<Expression, ParseError> {
        let toks = lex(text)?;
        let mut p = Parser { text, toks, pos: 0, fields: Vec::new() };
        let root = p.or_expr()?;
        let t = p.peek();
        if t.tok != Tok::End {
            return Err(p.err(t.col, format!("expected an operator or the end, found {}", t.tok.show())));
        }
        Ok(Expression { text: text.to_string(), root, fields: p.fields })
    }

    pub fn source(&self) -> &str {
        &self.text
    }

    /// The fields it reads, for load-time checks.
    pub fn fields(&self) -> &[FieldRef] {
        &self.fields
    }

    pub fn eval(&self, env: &Env) -> Result<Value, EvalError> {
        eval(&self.root, env).map(Cow::into_owned).map_err(|(col, message)| EvalError { text: self.text.clone(), col, message })
    }

    /// Evaluate as a condition (truthiness).
    pub fn test(&self, env: &Env) -> Result<bool, EvalError> {
        eval(&self.root, env).map(|v| truthy(&v)).map_err(|(col, message)| EvalError { text: self.text.clone(), col, message })
    }
}

// ---------------------------------------------------------------- lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(Decimal),
    Str(String),
    Ident(String),
    Op(&'static str),
    End,
}

impl Tok {
    fn show(&self) -> String {
        match self {
            Tok::Num(d) => format!("the number {d}"),
            Tok::Str(s) => format!("the string '{s}'"),
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Op(o) => format!("`{o}`"),
            Tok::End => "the end".into(),
        }
    }
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    col: usize,
}

const OPS: &[&str] = &["==", "!=", "<=", ">=", "=~", "!~", "<", ">", "+", "-", "*", "/", "(", ")", "[", "]", ","];

fn lex(text: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let err = |col: usize, message: String, hint: Option<String>| ParseError { col, message, text: text.to_string(), hint };
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if i + 1 < chars.len() && chars[i] == '.' && chars[i + 1].is_ascii_digit() {
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let s: String = chars[start..i].iter().collect();
            let d = Decimal::from_str(&s).map_err(|e| err(col, format!("expected a number, `{s}` is not one ({e})"), None))?;
            out.push(Token { tok: Tok::Num(d), col });
        } else if c == '\'' || c == '"' {
            // The quote doubled stands for itself; backslashes stay as they
            // are, so regexes need no double escaping.
            let mut s = String::new();
            i += 1;
            loop {
                if i >= chars.len() {
                    return Err(err(col, format!("expected the closing {c} of the string opened"), Some(format!("to put a {c} inside the string, double it"))));
                }
                if chars[i] == c {
                    if i + 1 < chars.len() && chars[i + 1] == c {
                        s.push(c);
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                s.push(chars[i]);
                i += 1;
            }
            out.push(Token { tok: Tok::Str(s), col });
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.') {
                i += 1;
            }
            let s: String = chars[start..i].iter().collect();
            out.push(Token { tok: Tok::Ident(s), col });
        } else {
            let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
            match OPS.iter().find(|o| rest.starts_with(**o)) {
                Some(o) => {
                    i += o.chars().count();
                    out.push(Token { tok: Tok::Op(o), col });
                }
                None => {
                    let hint = match c {
                        '=' => Some("compare with `==`".to_string()),
                        '&' | '|' | '!' => Some("write `and`, `or`, `not`".to_string()),
                        _ => None,
                    };
                    return Err(err(col, format!("unexpected character `{c}`"), hint));
                }
            }
        }
    }
    out.push(Token { tok: Tok::End, col: chars.len() + 1 });
    Ok(out)
}

// --------------------------------------------------------------- parser

struct Parser<'t> {
    text: &'t str,
    toks: Vec<Token>,
    pos: usize,
    fields: Vec<FieldRef>,
}

impl Parser<'_> {
    fn peek(&self) -> Token {
        self.toks[self.pos].clone()
    }
    fn next(&mut self) -> Token {
        let t = self.toks[self.pos].clone();
        if t.tok != Tok::End {
            self.pos += 1;
        }
        t
    }
    fn err(&self, col: usize, message: String) -> ParseError {
        ParseError { col, message, text: self.text.to_string(), hint: None }
    }
    fn is_word(&self, w: &str) -> bool {
        matches!(&self.toks[self.pos].tok, Tok::Ident(s) if s == w)
    }
    fn is_op(&self, o: &str) -> bool {
        matches!(&self.toks[self.pos].tok, Tok::Op(s) if *s == o)
    }
    fn expect_op(&mut self, o: &str, what: &str) -> Result<Token, ParseError> {
        let t = self.peek();
        if self.is_op(o) {
            Ok(self.next())
        } else {
            Err(self.err(t.col, format!("expected `{o}` {what}, found {}", t.tok.show())))
        }
    }

    fn or_expr(&mut self) -> Result<Node, ParseError> {
        let mut l = self.and_expr()?;
        while self.is_word("or") {
            self.next();
            l = Node::Or(Box::new(l), Box::new(self.and_expr()?));
        }
        Ok(l)
    }

    fn and_expr(&mut self) -> Result<Node, ParseError> {
        let mut l = self.not_expr()?;
        while self.is_word("and") {
            self.next();
            l = Node::And(Box::new(l), Box::new(self.not_expr()?));
        }
        Ok(l)
    }

    fn not_expr(&mut self) -> Result<Node, ParseError> {
        if self.is_word("not") {
            self.next();
            return Ok(Node::Not(Box::new(self.not_expr()?)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Node, ParseError> {
        let l = self.additive()?;
        let t = self.peek();
        let cmp = match &t.tok {
            Tok::Op("==") => Some(Cmp::Eq),
            Tok::Op("!=") => Some(Cmp::Ne),
            Tok::Op("<") => Some(Cmp::Lt),
            Tok::Op("<=") => Some(Cmp::Le),
            Tok::Op(">") => Some(Cmp::Gt),
            Tok::Op(">=") => Some(Cmp::Ge),
            _ => None,
        };
        if let Some(cmp) = cmp {
            self.next();
            let r = self.additive()?;
            let is_null = |n: &Node| matches!(n, Node::Lit(Value::Null));
            if matches!(cmp, Cmp::Eq | Cmp::Ne) && (is_null(&l) || is_null(&r)) {
                let other = if is_null(&r) { l } else { r };
                return Ok(Node::IsNull(Box::new(other), cmp == Cmp::Ne));
            }
            return Ok(Node::Cmp(cmp, Box::new(l), Box::new(r), t.col));
        }
        if let Tok::Op(o @ ("=~" | "!~")) = t.tok {
            self.next();
            let rt = self.next();
            let Tok::Str(pattern) = rt.tok else {
                return Err(self.err(rt.col, format!("expected a regex in quotes after `{o}`, e.g. '(?i)frais', found {}", rt.tok.show())));
            };
            let re = Regex::new(&pattern).map_err(|e| {
                let first = e.to_string().lines().last().unwrap_or("").trim().to_string();
                self.err(rt.col, format!("expected a valid regex, '{pattern}' is not ({first})"))
            })?;
            return Ok(Node::Match(Box::new(l), re, o == "!~", t.col));
        }
        let negated = self.is_word("not") && matches!(&self.toks[self.pos + 1].tok, Tok::Ident(s) if s == "in");
        if self.is_word("in") || negated {
            if negated {
                self.next();
            }
            self.next();
            let lt = self.expect_op("[", "to open the list after `in`, e.g. in ['a', 'b']")?;
            let mut items = Vec::new();
            if !self.is_op("]") {
                loop {
                    items.push(self.additive()?);
                    if self.is_op(",") {
                        self.next();
                    } else {
                        break;
                    }
                }
            }
            self.expect_op("]", "or `,` in the list")?;
            return Ok(Node::In(Box::new(l), items, negated, lt.col));
        }
        Ok(l)
    }

    fn additive(&mut self) -> Result<Node, ParseError> {
        let mut l = self.multiplicative()?;
        loop {
            let t = self.peek();
            let op = match t.tok {
                Tok::Op("+") => Arith::Add,
                Tok::Op("-") => Arith::Sub,
                _ => return Ok(l),
            };
            self.next();
            l = Node::Arith(op, Box::new(l), Box::new(self.multiplicative()?), t.col);
        }
    }

    fn multiplicative(&mut self) -> Result<Node, ParseError> {
        let mut l = self.unary()?;
        loop {
            let t = self.peek();
            let op = match t.tok {
                Tok::Op("*") => Arith::Mul,
                Tok::Op("/") => Arith::Div,
                _ => return Ok(l),
            };
            self.next();
            l = Node::Arith(op, Box::new(l), Box::new(self.unary()?), t.col);
        }
    }

    fn unary(&mut self) -> Result<Node, ParseError> {
        if self.is_op("-") {
            let t = self.next();
            let inner = self.unary()?;
            // Fold `-12.5` into a literal.
            if let Node::Lit(Value::Num(d)) = inner {
                return Ok(Node::Lit(Value::Num(-d)));
            }
            return Ok(Node::Neg(Box::new(inner), t.col));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Node, ParseError> {
        let t = self.next();
        match t.tok {
            Tok::Num(d) => Ok(Node::Lit(Value::Num(d))),
            Tok::Str(s) => Ok(Node::Lit(Value::Str(s))),
            Tok::Op("(") => {
                let e = self.or_expr()?;
                self.expect_op(")", "to close the `(`")?;
                Ok(e)
            }
            Tok::Ident(name) => match name.as_str() {
                "true" => Ok(Node::Lit(Value::Bool(true))),
                "false" => Ok(Node::Lit(Value::Bool(false))),
                "null" => Ok(Node::Lit(Value::Null)),
                "date" if self.is_op("(") => self.date_literal(),
                _ if self.is_op("(") => self.call(name, t.col),
                _ if KEYWORDS.contains(&name.as_str()) => Err(self.err(t.col, format!("expected a value, found the keyword `{name}`"))),
                _ => self.field(name, t.col),
            },
            tok => Err(self.err(t.col, format!("expected a value (a field, a number, a 'string', a function), found {}", tok.show()))),
        }
    }

    fn date_literal(&mut self) -> Result<Node, ParseError> {
        self.next();
        let t = self.next();
        let parsed = match &t.tok {
            Tok::Str(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
            _ => None,
        };
        let Some(d) = parsed else {
            return Err(self.err(t.col, format!("expected a date like '2025-01-31' inside date(…), found {}", t.tok.show())));
        };
        self.expect_op(")", "to close date(…)")?;
        Ok(Node::Lit(Value::Date(d)))
    }

    fn call(&mut self, name: String, col: usize) -> Result<Node, ParseError> {
        let Some(&(_, func, arity)) = FUNCS.iter().find(|(n, _, _)| *n == name) else {
            let known: Vec<&str> = FUNCS.iter().map(|f| f.0).collect();
            let mut e = self.err(col, format!("unknown function `{name}`"));
            e.hint = Some(format!("known functions: date, {}", known.join(", ")));
            return Err(e);
        };
        self.next();
        let mut args = Vec::new();
        if !self.is_op(")") {
            loop {
                args.push(self.or_expr()?);
                if self.is_op(",") {
                    self.next();
                } else {
                    break;
                }
            }
        }
        self.expect_op(")", &format!("or `,` in the arguments of {name}(…)"))?;
        let ok = if arity == 0 { !args.is_empty() } else { args.len() == arity };
        if !ok {
            let want = if arity == 0 { "at least 1".to_string() } else { arity.to_string() };
            return Err(self.err(col, format!("expected {want} argument(s) for {name}(…), found {}", args.len())));
        }
        Ok(Node::Call(func, args, col))
    }

    fn field(&mut self, name: String, col: usize) -> Result<Node, ParseError> {
        let mut parts = name.split('.');
        let (first, second, third) = (parts.next().unwrap_or(""), parts.next(), parts.next());
        match (first, second, third) {
            (f, None, None) => {
                self.fields.push(FieldRef { name: f.to_string(), item: false, col });
                Ok(Node::Field(f.to_string()))
            }
            ("item", Some(x), None) if !x.is_empty() => {
                self.fields.push(FieldRef { name: x.to_string(), item: true, col });
                Ok(Node::Item(x.to_string()))
            }
            _ => Err(self.err(col, format!("expected a field name or item.<field>, found `{name}`"))),
        }
    }
}

// ------------------------------------------------------------ evaluation

type R<'a> = Result<Cow<'a, Value>, (usize, String)>;

fn owned<'a>(v: Value) -> R<'a> {
    Ok(Cow::Owned(v))
}

fn eval<'a>(n: &'a Node, env: &Env<'a>) -> R<'a> {
    match n {
        Node::Lit(v) => Ok(Cow::Borrowed(v)),
        Node::Field(f) => Ok(Cow::Borrowed(env.field(f))),
        Node::Item(f) => Ok(Cow::Borrowed(env.item_field(f))),
        Node::Not(a) => owned(Value::Bool(!truthy(&*eval(a, env)?))),
        Node::And(a, b) => owned(Value::Bool(truthy(&*eval(a, env)?) && truthy(&*eval(b, env)?))),
        Node::Or(a, b) => owned(Value::Bool(truthy(&*eval(a, env)?) || truthy(&*eval(b, env)?))),
        Node::IsNull(a, negated) => owned(Value::Bool((*eval(a, env)? == Value::Null) != *negated)),
        Node::Neg(a, col) => match &*eval(a, env)? {
            Value::Null => owned(Value::Null),
            Value::Num(d) => owned(Value::Num(-*d)),
            v => Err((*col, format!("cannot negate {}", kind(v)))),
        },
        Node::Cmp(op, a, b, col) => {
            let (a, b) = (eval(a, env)?, eval(b, env)?);
            owned(Value::Bool(compare(*op, &a, &b, *col)?))
        }
        Node::Match(a, re, negated, col) => match &*eval(a, env)? {
            Value::Null => owned(Value::Bool(false)),
            Value::Str(s) => owned(Value::Bool(re.is_match(s) != *negated)),
            v => Err((*col, format!("a regex match needs a string on its left, found {}", kind(v)))),
        },
        Node::In(a, items, negated, col) => {
            let a = eval(a, env)?;
            if *a == Value::Null {
                return owned(Value::Bool(false));
            }
            let mut found = false;
            for it in items {
                let v = eval(it, env)?;
                if compare(Cmp::Eq, &a, &v, *col)? {
                    found = true;
                    break;
                }
            }
            owned(Value::Bool(found != *negated))
        }
        Node::Arith(op, a, b, col) => {
            let (a, b) = (eval(a, env)?, eval(b, env)?);
            arith(*op, &a, &b, *col).map(Cow::Owned)
        }
        Node::Call(f, args, col) => call(*f, args, env, *col),
    }
}

/// Null compares false with everything (`== null` is its own node).
fn compare(op: Cmp, a: &Value, b: &Value, col: usize) -> Result<bool, (usize, String)> {
    let ord = match (a, b) {
        (Value::Null, _) | (_, Value::Null) => return Ok(false),
        (Value::Num(x), Value::Num(y)) => x.cmp(y),
        (Value::Str(x), Value::Str(y)) => x.cmp(y),
        (Value::Date(x), Value::Date(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) if matches!(op, Cmp::Eq | Cmp::Ne) => x.cmp(y),
        _ => return Err((col, format!("cannot compare {} with {}", kind(a), kind(b)))),
    };
    Ok(match op {
        Cmp::Eq => ord == Ordering::Equal,
        Cmp::Ne => ord != Ordering::Equal,
        Cmp::Lt => ord == Ordering::Less,
        Cmp::Le => ord != Ordering::Greater,
        Cmp::Gt => ord == Ordering::Greater,
        Cmp::Ge => ord != Ordering::Less,
    })
}

fn whole_days(d: &Decimal, col: usize) -> Result<chrono::Days, (usize, String)> {
    if !d.fract().is_zero() || d.is_sign_negative() {
        return Err((col, format!("a date moves by a whole number of days, not {d}")));
    }
    let n = d.to_u64().ok_or_else(|| (col, format!("{d} days is out of range")))?;
    Ok(chrono::Days::new(n))
}

fn arith(op: Arith, a: &Value, b: &Value, col: usize) -> Result<Value, (usize, String)> {
    let overflow = || (col, "the result is too large".to_string());
    let out = match (op, a, b) {
        (_, Value::Null, _) | (_, _, Value::Null) => Value::Null,
        (Arith::Add, Value::Num(x), Value::Num(y)) => Value::Num(x.checked_add(*y).ok_or_else(overflow)?),
        (Arith::Sub, Value::Num(x), Value::Num(y)) => Value::Num(x.checked_sub(*y).ok_or_else(overflow)?),
        (Arith::Mul, Value::Num(x), Value::Num(y)) => Value::Num(x.checked_mul(*y).ok_or_else(overflow)?),
        (Arith::Div, Value::Num(x), Value::Num(y)) => {
            if y.is_zero() {
                return Err((col, "division by zero".into()));
            }
            Value::Num(x.checked_div(*y).ok_or_else(overflow)?)
        }
        (Arith::Add, Value::Str(x), Value::Str(y)) => Value::Str(format!("{x}{y}")),
        // A due date 30 days after the invoice: `date + 30`.
        (Arith::Add | Arith::Sub, Value::Date(d), Value::Num(n)) => {
            let (n, neg) = (n.abs(), n.is_sign_negative() != (op == Arith::Sub));
            let days = whole_days(&n, col)?;
            let r = if neg { d.checked_sub_days(days) } else { d.checked_add_days(days) };
            Value::Date(r.ok_or_else(overflow)?)
        }
        _ => {
            let verb = match op {
                Arith::Add => "add",
                Arith::Sub => "subtract",
                Arith::Mul => "multiply",
                Arith::Div => "divide",
            };
            let hint = if matches!((a, b), (Value::Date(_), Value::Date(_))) { "; use days(d1, d2)" } else { "" };
            return Err((col, format!("cannot {verb} {} and {}{hint}", kind(a), kind(b))));
        }
    };
    Ok(out)
}

fn call<'a>(f: Func, args: &'a [Node], env: &Env<'a>, col: usize) -> R<'a> {
    if f == Func::Coalesce {
        for a in args {
            let v = eval(a, env)?;
            if *v != Value::Null {
                return Ok(v);
            }
        }
        return owned(Value::Null);
    }
    let a = eval(&args[0], env)?;
    let b = match args.get(1) {
        Some(n) => Some(eval(n, env)?),
        None => None,
    };
    let name = FUNCS.iter().find(|x| x.1 == f).map_or("", |x| x.0);
    let wrong = |v: &Value, want: &str| Err((col, format!("{name}(…) needs {want}, found {}", kind(v))));
    let b_ref = b.as_deref().unwrap_or(&NULL);
    let v = match (f, &*a, b_ref) {
        (Func::Abs | Func::Sign | Func::Lower | Func::Upper | Func::Days | Func::Round, Value::Null, _) => Value::Null,
        (Func::Abs, Value::Num(d), _) => Value::Num(d.abs()),
        (Func::Sign, Value::Num(d), _) => Value::Num(if d.is_zero() { Decimal::ZERO } else if d.is_sign_negative() { Decimal::NEGATIVE_ONE } else { Decimal::ONE }),
        (Func::Lower, Value::Str(s), _) => Value::Str(s.to_lowercase()),
        (Func::Upper, Value::Str(s), _) => Value::Str(s.to_uppercase()),
        (Func::Contains | Func::StartsWith, Value::Null, _) | (Func::Contains | Func::StartsWith, _, Value::Null) => Value::Bool(false),
        (Func::Contains, Value::Str(s), Value::Str(p)) => Value::Bool(s.contains(p.as_str())),
        (Func::StartsWith, Value::Str(s), Value::Str(p)) => Value::Bool(s.starts_with(p.as_str())),
        (Func::Days, _, Value::Null) => Value::Null,
        (Func::Days, Value::Date(x), Value::Date(y)) => Value::Num(Decimal::from((*y - *x).num_days())),
        (Func::Round, Value::Num(x), Value::Num(n)) => {
            let places = match n.to_u32() {
                Some(p) if p <= 28 && n.fract().is_zero() => p,
                _ => return Err((col, format!("round(…)'s places must be a whole number from 0 to 28, not {n}"))),
            };
            Value::Num(x.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero))
        }
        (Func::Abs | Func::Sign, v, _) => return wrong(v, "a number"),
        (Func::Lower | Func::Upper, v, _) => return wrong(v, "a string"),
        (Func::Contains | Func::StartsWith, Value::Str(_), v) | (Func::Contains | Func::StartsWith, v, _) => {
            return wrong(v, "strings")
        }
        (Func::Days, Value::Date(_), v) | (Func::Days, v, _) => return wrong(v, "dates"),
        (Func::Round, Value::Num(_), v) | (Func::Round, v, _) => return wrong(v, "numbers"),
        (Func::Coalesce, _, _) => unreachable!("handled above"),
    };
    owned(v)
}

// ------------------------------------------------------------- templates

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    Expr(Expression),
}

/// `"Paiement {counterparty} {reference}"`: text with `{expression}`
/// placeholders (`{{` / `}}` for literal braces); null renders as empty.
#[derive(Debug, Clone)]
pub struct Template {
    text: String,
    parts: Vec<Part>,
    fields: Vec<FieldRef>,
}

impl PartialEq for Template {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Template {
    pub fn parse(text: &str) -> Result<Template, ParseError> {
        let chars: Vec<char> = text.chars().collect();
        let err = |col: usize, message: String, hint: Option<&str>| ParseError {
            col,
            message,
            text: text.to_string(),
            hint: hint.map(str::to_string),
        };
        let mut parts = Vec::new();
        let mut fields = Vec::new();
        let mut lit = String::new();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '{' if chars.get(i + 1) == Some(&'{') => {
                    lit.push('{');
                    i += 2;
                }
                '}' if chars.get(i + 1) == Some(&'}') => {
                    lit.push('}');
                    i += 2;
                }
                '}' => return Err(err(i + 1, "expected `{` before this `}`".into(), Some("write `}}` for a literal brace"))),
                '{' => {
                    let open = i;
                    let Some(close) = (i + 1..chars.len()).find(|&j| chars[j] == '}') else {
                        return Err(err(open + 1, "expected the closing `}` of this placeholder".into(), Some("write `{{` for a literal brace")));
                    };
                    let inner: String = chars[open + 1..close].iter().collect();
                    if inner.trim().is_empty() {
                        return Err(err(open + 1, "expected a field name inside `{}`".into(), Some("e.g. {counterparty}")));
                    }
                    // Columns of the placeholder, in the template's terms.
                    let e = Expression::parse(&inner).map_err(|e| ParseError { col: e.col + open + 1, text: text.to_string(), ..e })?;
                    fields.extend(e.fields().iter().map(|f| FieldRef { col: f.col + open + 1, ..f.clone() }));
                    if !lit.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut lit)));
                    }
                    parts.push(Part::Expr(e));
                    i = close + 1;
                }
                c => {
                    lit.push(c);
                    i += 1;
                }
            }
        }
        if !lit.is_empty() {
            parts.push(Part::Text(lit));
        }
        Ok(Template { text: text.to_string(), parts, fields })
    }

    pub fn source(&self) -> &str {
        &self.text
    }

    pub fn fields(&self) -> &[FieldRef] {
        &self.fields
    }

    /// The text when there is no placeholder (e.g. `"627000"`).
    pub fn literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [] => Some(""),
            [Part::Text(t)] => Some(t),
            _ => None,
        }
    }

    pub fn render(&self, env: &Env) -> Result<String, EvalError> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Expr(e) => {
                    let v = eval(&e.root, env).map_err(|(col, message)| EvalError { text: e.text.clone(), col, message })?;
                    render_value(&v, &mut out);
                }
            }
        }
        Ok(out)
    }
}
