//! CloudWatch Logs filter patterns for JSON log events (the form CloudTrail
//! metric filters use), parsed and evaluated against an event. Rules judge a
//! metric filter by what it matches, not by how it is written: a pattern
//! that misses one event name of a CIS control fails on that event, however
//! its terms are ordered, quoted or parenthesised.
//!
//! Grammar: `{ expr }`, where `expr` is terms joined by `&&` and `||`
//! (`&&` binds tighter) and grouped by parentheses; a term is
//! `$.selector OP value` (`=`, `!=`, `<`, `<=`, `>`, `>=`; a value is a
//! quoted or bare string, where `*` is a wildcard, or a number),
//! `$.selector IS TRUE|FALSE|NULL`, or `$.selector NOT EXISTS`.

use crate::glob::wildcard_match;
use serde_json::Value;

/// A parsed pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    And(Box<Pattern>, Box<Pattern>),
    Or(Box<Pattern>, Box<Pattern>),
    Term { selector: Vec<String>, test: Test },
}

/// What a term tests about the selected field.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    Compare(Op, Literal),
    IsTrue,
    IsFalse,
    IsNull,
    NotExists,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Text(String),
    Number(f64),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Op(Op),
    Word(String),
    Quoted(String),
}

/// The tokens of the inside of `{ … }`; `None` for anything else.
fn tokens(pattern: &str) -> Option<Vec<Token>> {
    let inner = pattern.trim().strip_prefix('{')?.strip_suffix('}')?;
    let chars: Vec<char> = inner.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let (token, width) = match (c, next) {
            (c, _) if c.is_whitespace() => {
                i += 1;
                continue;
            }
            ('(', _) => (Token::Open, 1),
            (')', _) => (Token::Close, 1),
            ('&', Some('&')) => (Token::And, 2),
            ('|', Some('|')) => (Token::Or, 2),
            ('!', Some('=')) => (Token::Op(Op::Ne), 2),
            ('<', Some('=')) => (Token::Op(Op::Le), 2),
            ('>', Some('=')) => (Token::Op(Op::Ge), 2),
            ('<', _) => (Token::Op(Op::Lt), 1),
            ('>', _) => (Token::Op(Op::Gt), 1),
            ('=', _) => (Token::Op(Op::Eq), 1),
            ('"', _) => {
                let end = (i + 1..chars.len()).find(|&j| chars[j] == '"' && chars[j - 1] != '\\')?;
                let text: String = chars[i + 1..end].iter().collect();
                (Token::Quoted(text.replace("\\\"", "\"")), end + 1 - i)
            }
            _ => {
                let end = (i..chars.len())
                    .find(|&j| chars[j].is_whitespace() || "()&|!<>=\"".contains(chars[j]))
                    .unwrap_or(chars.len());
                if end == i {
                    return None;
                }
                (Token::Word(chars[i..end].iter().collect()), end - i)
            }
        };
        out.push(token);
        i += width;
    }
    Some(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn or(&mut self) -> Option<Pattern> {
        let mut left = self.and()?;
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            left = Pattern::Or(Box::new(left), Box::new(self.and()?));
        }
        Some(left)
    }

    fn and(&mut self) -> Option<Pattern> {
        let mut left = self.primary()?;
        while self.peek() == Some(&Token::And) {
            self.at += 1;
            left = Pattern::And(Box::new(left), Box::new(self.primary()?));
        }
        Some(left)
    }

    fn primary(&mut self) -> Option<Pattern> {
        if self.peek() == Some(&Token::Open) {
            self.at += 1;
            let inner = self.or()?;
            return (self.next() == Some(Token::Close)).then_some(inner);
        }
        let Some(Token::Word(selector)) = self.next() else {
            return None;
        };
        let selector = parse_selector(&selector)?;
        let test = match self.next()? {
            Token::Op(op) => Test::Compare(op, literal(self.next()?)?),
            Token::Word(w) if w.eq_ignore_ascii_case("IS") => match self.next()? {
                Token::Word(v) if v.eq_ignore_ascii_case("TRUE") => Test::IsTrue,
                Token::Word(v) if v.eq_ignore_ascii_case("FALSE") => Test::IsFalse,
                Token::Word(v) if v.eq_ignore_ascii_case("NULL") => Test::IsNull,
                _ => return None,
            },
            Token::Word(w) if w.eq_ignore_ascii_case("NOT") => match self.next()? {
                Token::Word(v) if v.eq_ignore_ascii_case("EXISTS") => Test::NotExists,
                _ => return None,
            },
            _ => return None,
        };
        Some(Pattern::Term { selector, test })
    }
}

/// `$.a.b` as `["a", "b"]`.
fn parse_selector(text: &str) -> Option<Vec<String>> {
    let path = text.strip_prefix("$.")?;
    let parts: Vec<String> = path.split('.').map(String::from).collect();
    parts.iter().all(|p| !p.is_empty()).then_some(parts)
}

fn literal(token: Token) -> Option<Literal> {
    match token {
        Token::Quoted(s) => Some(Literal::Text(s)),
        Token::Word(w) => Some(w.parse::<f64>().map_or(Literal::Text(w), Literal::Number)),
        _ => None,
    }
}

/// The parsed pattern; `None` when it is not a JSON filter pattern this
/// module reads (such a filter matches no CloudTrail event here).
pub fn parse(pattern: &str) -> Option<Pattern> {
    let mut parser = Parser {
        tokens: tokens(pattern)?,
        at: 0,
    };
    let parsed = parser.or()?;
    (parser.at == parser.tokens.len()).then_some(parsed)
}

fn select<'a>(event: &'a Value, selector: &[String]) -> Option<&'a Value> {
    selector.iter().try_fold(event, |v, key| v.get(key))
}

fn test(value: Option<&Value>, t: &Test) -> bool {
    match (t, value) {
        (Test::NotExists, v) => v.is_none(),
        (Test::IsTrue, v) => v == Some(&Value::Bool(true)),
        (Test::IsFalse, v) => v == Some(&Value::Bool(false)),
        (Test::IsNull, v) => v == Some(&Value::Null),
        // A missing field differs from every value.
        (Test::Compare(Op::Ne, _), None) => true,
        (Test::Compare(_, _), None) => false,
        (Test::Compare(op, Literal::Text(want)), Some(v)) => {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let equal = wildcard_match(want.as_bytes(), text.as_bytes());
            match op {
                Op::Eq => equal,
                Op::Ne => !equal,
                _ => false,
            }
        }
        (Test::Compare(op, Literal::Number(want)), Some(v)) => {
            let Some(n) = v.as_f64().or_else(|| v.as_str().and_then(|s| s.parse().ok())) else {
                return *op == Op::Ne;
            };
            match op {
                Op::Eq => n == *want,
                Op::Ne => n != *want,
                Op::Lt => n < *want,
                Op::Le => n <= *want,
                Op::Gt => n > *want,
                Op::Ge => n >= *want,
            }
        }
    }
}

/// Whether the pattern matches the JSON event.
pub fn matches(pattern: &Pattern, event: &Value) -> bool {
    match pattern {
        Pattern::And(a, b) => matches(a, event) && matches(b, event),
        Pattern::Or(a, b) => matches(a, event) || matches(b, event),
        Pattern::Term { selector, test: t } => test(select(event, selector), t),
    }
}

/// The events (JSON texts) that `pattern` does not match: all of them when
/// the pattern cannot be read, and an event that is not JSON counts as
/// unmatched too.
pub fn unmatched<'e>(pattern: &str, events: &[&'e str]) -> Vec<&'e str> {
    let parsed = parse(pattern);
    events
        .iter()
        .copied()
        .filter(|e| {
            let event: Option<Value> = serde_json::from_str(e).ok();
            match (&parsed, event) {
                (Some(p), Some(event)) => !matches(p, &event),
                _ => true,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, event: &str) -> bool {
        unmatched(pattern, &[event]).is_empty()
    }

    #[test]
    fn the_cis_console_sign_in_without_mfa_pattern() {
        let p = r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#;
        let event = r#"{"eventName":"ConsoleLogin","additionalEventData":{"MFAUsed":"No"},"userIdentity":{"type":"IAMUser"},"responseElements":{"ConsoleLogin":"Success"}}"#;
        assert!(m(p, event));
        assert!(!m(p, &event.replace(r#""MFAUsed":"No""#, r#""MFAUsed":"Yes""#)));
    }

    #[test]
    fn or_lists_wildcards_and_spacing() {
        let p = "{($.eventName=CreateNetworkAcl)||($.eventName = \"DeleteNetworkAcl*\")}";
        assert!(m(p, r#"{"eventName":"CreateNetworkAcl"}"#));
        assert!(m(p, r#"{"eventName":"DeleteNetworkAclEntry"}"#));
        assert!(!m(p, r#"{"eventName":"ReplaceNetworkAclAssociation"}"#));
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let p = r#"{ $.a = 1 || $.b = 2 && $.c = 3 }"#;
        assert!(m(p, r#"{"a":1}"#));
        assert!(!m(p, r#"{"b":2}"#));
        assert!(m(p, r#"{"b":2,"c":3}"#));
    }

    #[test]
    fn not_exists_is_null_and_numbers() {
        assert!(m("{ $.userIdentity.invokedBy NOT EXISTS }", r#"{"userIdentity":{}}"#));
        assert!(!m(
            "{ $.userIdentity.invokedBy NOT EXISTS }",
            r#"{"userIdentity":{"invokedBy":"x"}}"#
        ));
        assert!(m("{ $.errorCode IS NULL }", r#"{"errorCode":null}"#));
        assert!(m("{ $.latency >= 100 }", r#"{"latency":150}"#));
    }

    #[test]
    fn unreadable_patterns_match_nothing_and_never_panic() {
        for p in [
            "",
            "{",
            "{ }",
            "ERROR",
            "{ $.a = }",
            "{ ($.a = 1 }",
            "{ $.a = \"x }",
            "{ a = 1 }",
            "{ $. = 1 }",
        ] {
            assert!(parse(p).is_none(), "{p}");
            assert!(!m(p, r#"{"a":1}"#));
        }
    }
}
