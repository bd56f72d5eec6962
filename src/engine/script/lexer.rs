//! The graph script's tokens, read one at a time from the bytes of the text.
//!
//! A token is its kind and its byte range; a number carries its value. A token that cannot
//! be read is a [`Tok::Invalid`] carrying what is wrong: the parser turns it into the
//! error message when it reaches it, so the first error in the text is the one reported.
//! Line and column are worked out from the text only for an error.

use super::{ParseError, Position};

/// The kind of a token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Tok {
    Name,
    /// A number literal and its value.
    Number(f64),
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    LParen,
    RParen,
    Comma,
    Assign,
    Semi,
    Newline,
    End,
    /// Text that is no token: reported when the parser reaches it.
    Invalid(Problem),
}

/// Why text is no token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Problem {
    /// A character the language does not use.
    UnexpectedCharacter,
    /// `.` with no digit on either side.
    DotNeedsDigit,
    /// `1e`, `2E+`: an exponent marker with no digits.
    ExponentNeedsDigits,
    /// Digits Rust's number parser refuses (none known: a safety net).
    MalformedNumber,
}

impl Tok {
    /// The token in words, for error messages.
    pub(super) fn describe(&self, text: &str) -> String {
        match self {
            Tok::Name => format!("name '{text}'"),
            Tok::Number(_) => "number".into(),
            Tok::Plus => "'+'".into(),
            Tok::Minus => "'-'".into(),
            Tok::Star => "'*'".into(),
            Tok::Slash => "'/'".into(),
            Tok::Caret => "'^'".into(),
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::Comma => "','".into(),
            Tok::Assign => "'='".into(),
            Tok::Semi => "';'".into(),
            Tok::Newline => "end of line".into(),
            Tok::End => "end of input".into(),
            Tok::Invalid(_) => format!("'{text}'"),
        }
    }
}

/// A token: its kind and where it is in the text (byte offsets; empty for
/// [`Tok::Invalid`] and [`Tok::End`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Token {
    pub(super) kind: Tok,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// Turns text into tokens on demand. Copying it saves its place (the parser backtracks
/// once per statement that starts with a number).
#[derive(Clone, Copy)]
pub(super) struct Lexer<'a> {
    source: &'a str,
    offset: usize,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(source: &'a str) -> Self {
        Self { source, offset: 0 }
    }

    /// The text being read.
    pub(super) fn source(&self) -> &'a str {
        self.source
    }

    /// The line and column (in characters) of a byte offset on a character boundary.
    pub(super) fn position(&self, offset: usize) -> Position {
        position_in(self.source, offset)
    }

    /// An error at a byte offset.
    pub(super) fn error(&self, offset: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            position: self.position(offset),
            message: message.into(),
        }
    }

    /// The text of a token (a name's name).
    pub(super) fn text(&self, token: Token) -> &'a str {
        self.source.get(token.start..token.end).unwrap_or_default()
    }

    /// The error an invalid token stands for (`None` for a valid token).
    pub(super) fn problem(&self, token: Token) -> Option<ParseError> {
        let Tok::Invalid(problem) = token.kind else {
            return None;
        };
        let message = match problem {
            Problem::UnexpectedCharacter => {
                let other = self.source[token.start..]
                    .chars()
                    .next()
                    .unwrap_or('\u{fffd}');
                format!("unexpected character {other:?}")
            }
            Problem::DotNeedsDigit => "malformed number: '.' needs a digit".into(),
            Problem::ExponentNeedsDigits => "malformed number: the exponent needs digits".into(),
            Problem::MalformedNumber => "malformed number".into(),
        };
        Some(self.error(token.start, message))
    }

    /// The next token.
    pub(super) fn next_token(&mut self) -> Token {
        let bytes = self.source.as_bytes();
        loop {
            let start = self.offset;
            let Some(&c) = bytes.get(start) else {
                return Token {
                    kind: Tok::End,
                    start,
                    end: start,
                };
            };
            let (kind, end) = match c {
                b' ' | b'\t' | b'\r' => {
                    self.offset += 1;
                    continue;
                }
                // A comment may hold any UTF-8; its end is the next '\n' byte, which never
                // occurs inside a multi-byte character.
                b'#' => {
                    let rest = &bytes[start..];
                    self.offset += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
                    continue;
                }
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                    let rest = &bytes[start + 1..];
                    let len = rest
                        .iter()
                        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
                        .unwrap_or(rest.len());
                    (Tok::Name, start + 1 + len)
                }
                b'0'..=b'9' | b'.' => return self.number(start),
                b'*' if bytes.get(start + 1) == Some(&b'*') => (Tok::Caret, start + 2),
                _ => match one_byte_token(c) {
                    Some(kind) => (kind, start + 1),
                    // Not taken: the parser stops here.
                    None => {
                        return Token {
                            kind: Tok::Invalid(Problem::UnexpectedCharacter),
                            start,
                            end: start,
                        };
                    }
                },
            };
            self.offset = end;
            return Token { kind, start, end };
        }
    }

    /// `12`, `3.5`, `.5`, `5.`, `1e-3`, `2.5E+4`: the number and its value, or what is wrong.
    fn number(&mut self, start: usize) -> Token {
        let bytes = self.source.as_bytes();
        let digits = |at: usize| {
            at + bytes[at..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };
        let mut end = digits(start);
        let whole_digits = end - start;
        let mut fraction_digits = 0;
        if bytes.get(end) == Some(&b'.') {
            let fraction = digits(end + 1);
            fraction_digits = fraction - (end + 1);
            end = fraction;
        }
        let mut exponent = false;
        let problem = if whole_digits + fraction_digits == 0 {
            Some(Problem::DotNeedsDigit)
        } else if matches!(bytes.get(end), Some(b'e' | b'E')) {
            exponent = true;
            let mut at = end + 1;
            if matches!(bytes.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            end = digits(at);
            (end == at).then_some(Problem::ExponentNeedsDigits)
        } else {
            None
        };
        self.offset = end;
        let text = &self.source[start..end];
        let kind = match problem {
            Some(problem) => Tok::Invalid(problem),
            None if !exponent && whole_digits + fraction_digits <= 15 => {
                Tok::Number(short_decimal(text, fraction_digits))
            }
            // Rust's parser follows IEEE rounding; a literal too large becomes +infinity.
            None => text
                .parse()
                .map_or(Tok::Invalid(Problem::MalformedNumber), Tok::Number),
        };
        let end = if let Tok::Invalid(_) = kind {
            start
        } else {
            end
        };
        Token { kind, start, end }
    }
}

/// The token of one byte `c`, if it is one.
fn one_byte_token(c: u8) -> Option<Tok> {
    Some(match c {
        b'\n' => Tok::Newline,
        b';' => Tok::Semi,
        b'+' => Tok::Plus,
        b'-' => Tok::Minus,
        b'*' => Tok::Star,
        b'/' => Tok::Slash,
        b'^' => Tok::Caret,
        b'(' => Tok::LParen,
        b')' => Tok::RParen,
        b',' => Tok::Comma,
        b'=' => Tok::Assign,
        _ => return None,
    })
}

/// The value of a literal of at most 15 digits without exponent (`0.5`, `12`): the digits
/// as an integer, divided by a power of ten. Both are exact in f64, so the one division
/// rounds correctly and gives the bits Rust's parser gives (Clinger's fast path), several
/// times faster: a script of a million weights is a million literals.
fn short_decimal(text: &str, fraction_digits: usize) -> f64 {
    let mantissa = text
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0u64, |m, digit| m * 10 + u64::from(digit - b'0'));
    mantissa as f64 / POWERS_OF_TEN[fraction_digits]
}

/// 10^0 ..= 10^15, every one exact in f64.
const POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// The line and column (in characters, from 1) of a byte offset of `source`.
pub(super) fn position_in(source: &str, offset: usize) -> Position {
    let before = source.get(..offset).unwrap_or(source);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position {
        line: before.bytes().filter(|&b| b == b'\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::{Lexer, Tok};

    /// The short-decimal path gives the bits of Rust's own parser.
    #[test]
    fn numbers_read_as_rust_reads_them() {
        let mut texts: Vec<String> = [
            "0",
            "12",
            "0.5",
            ".5",
            "5.",
            "3.14159",
            "0.1",
            "0.3",
            "123456789012345",
            "1234567890123456",
            "0.000000000000000000001",
            "99999999999999.9",
            "1e-3",
            "2.5E+4",
            "1e400",
            "0.1234567890123456789",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = (x % 16) as usize + 1;
            let point = (x >> 8) as usize % (digits + 1);
            let number = format!("{:016}", x >> 4);
            let number = &number[number.len() - digits..];
            texts.push(format!("{}.{}", &number[..point], &number[point..]));
        }
        texts.extend(["9999999999999999", "9007199254740993", "1.5e3"].map(String::from));
        for text in &texts {
            let mut lexer = Lexer::new(text);
            let token = lexer.next_token();
            if matches!(token.kind, Tok::Invalid(_)) {
                continue;
            }
            let Tok::Number(value) = token.kind else {
                panic!("{text} is a number");
            };
            assert_eq!(token.end, text.len(), "{text} is one token");
            let expected: f64 = text.parse().expect("a number");
            assert_eq!(value.to_bits(), expected.to_bits(), "{text}");
        }
    }
}
