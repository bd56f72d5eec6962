//! A problem found in a lesson file, shared by loading and validating (neither imports
//! the other for it).

use std::fmt::Write as _;

/// A problem in a lesson file, at a 1-based line and column. Shown as exactly one line,
/// `file:line:column: message`: newlines and other control characters in the file name
/// or the message (which may quote the author's text) are escaped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}:{line}:{column}: {}", one_line(.file), one_line(.message))]
pub struct LessonError {
    /// The file's name.
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl LessonError {
    /// The problem as a warning: `file:line:column: warning: message`, on one line.
    pub fn as_warning(&self) -> String {
        format!(
            "{}:{}:{}: warning: {}",
            one_line(&self.file),
            self.line,
            self.column,
            one_line(&self.message)
        )
    }
}

/// `text` on one line: `\n`, `\r` and `\t` as those two characters, other control
/// characters as `\u{..}`.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line() {
        let error = LessonError {
            file: "a\nb.ron".into(),
            line: 3,
            column: 4,
            message: "'x\ny' is not\tan input\u{7}\u{2028}".into(),
        };
        let shown = error.to_string();
        assert_eq!(
            shown,
            "a\\nb.ron:3:4: 'x\\ny' is not\\tan input\\u{7}\\u{2028}"
        );
        assert_eq!(shown.lines().count(), 1);
    }
}
