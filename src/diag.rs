//! Diagnostics shared by every input format (rule files, configuration,
//! snapshots, plans): a problem with file, line and column, the conversion of
//! a byte offset into a line and column that never panics, and the
//! position of a JSON key.

use std::path::PathBuf;

/// One problem in one input file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Problem {
    pub fn new(path: &std::path::Path, line: usize, column: usize, message: String) -> Problem {
        Problem {
            path: path.to_owned(),
            line,
            column,
            message,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// The problems found in one input file, with the text they point into.
pub struct Problems<'a> {
    pub path: &'a std::path::Path,
    pub text: &'a str,
    pub list: Vec<Problem>,
}

impl<'a> Problems<'a> {
    pub fn new(path: &'a std::path::Path, text: &'a str) -> Problems<'a> {
        Problems {
            path,
            text,
            list: Vec::new(),
        }
    }

    /// A problem at a byte offset of the text.
    pub fn at(&mut self, offset: usize, message: String) {
        let (line, column) = line_column(self.text, offset);
        self.list.push(Problem::new(self.path, line, column, message));
    }
}

/// The 1-based line and column (in characters) of a byte offset. An offset
/// past the end counts as the end; one inside a multi-byte character counts
/// as that character, so a wrong offset can give a wrong column but never a
/// panic.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The line and column of the first `"key"` in a JSON text, or (1, 1):
/// where to point an error about a field found after parsing.
pub fn locate_key(text: &str, key: &str) -> (usize, usize) {
    match text.find(&format!("\"{key}\"")) {
        Some(offset) => line_column(text, offset),
        None => (1, 1),
    }
}

/// A serde_json message without the " at line L column C" it appends
/// (errors carry the position in their own fields), and with the values it
/// quotes cut short: `invalid type: string "…", expected i64` would
/// otherwise print whatever sits in a mistyped field, a secret included.
pub fn strip_json_position(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    shorten_quoted(message)
}

/// Cuts every double-quoted value longer than 3 characters in `message`
/// to its first 3 and its length: `"Sup… (12 chars)"`.
fn shorten_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find('"') {
        out.push_str(&rest[..=start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else {
            out.push_str(after);
            return out;
        };
        let value = &after[..end];
        let count = value.chars().count();
        if count > 3 {
            let head: String = value.chars().take(3).collect();
            out.push_str(&format!("{head}… ({count} chars)"));
        } else {
            out.push_str(value);
        }
        out.push('"');
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoted_values_in_json_errors_are_cut_short() {
        assert_eq!(
            super::strip_json_position("invalid type: string \"Mecove-Prod-2026!\", expected i64 at line 3 column 9"),
            "invalid type: string \"Mec… (17 chars)\", expected i64"
        );
        assert_eq!(super::strip_json_position("unknown field `foo`"), "unknown field `foo`");
        assert_eq!(
            super::strip_json_position("a \"b\" and \"unterminated"),
            "a \"b\" and \"unterminated"
        );
    }

    use super::line_column;

    #[test]
    fn offsets_are_lines_and_character_columns() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("éé\nx", 4), (1, 3));
        assert_eq!(line_column("ab", 99), (1, 3));
    }

    #[test]
    fn an_offset_inside_a_character_does_not_panic() {
        // Byte 1 is inside the two-byte `é`: it counts as the `é` itself.
        assert_eq!(line_column("éa", 1), (1, 1));
        assert_eq!(line_column("aéb", 2), (1, 2));
    }
}
