//! The graph script's tokens, read on demand from the bytes of the text.
//!
//! A token carries only its byte offset: its line and column are worked out from the text
//! when an error names them (errors are rare, tokens are millions), so scanning a
//! character costs one byte comparison, not a line and column update.

use super::{ParseError, Position};

/// One token of the language.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Tok<'a> {
    Name(&'a str),
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
}

impl Tok<'_> {
    /// The token in words, for error messages.
    pub(super) fn describe(&self) -> String {
        match self {
            Tok::Name(name) => format!("name '{name}'"),
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
        }
    }
}

/// A token and the byte offset where it starts.
#[derive(Debug, Clone, Copy)]
pub(super) struct Token<'a> {
    pub(super) kind: Tok<'a>,
    pub(super) offset: usize,
}

/// Turns text into tokens on demand, so the first error in the text is the one reported.
/// Copying it saves its place (the parser backtracks once per statement).
#[derive(Clone, Copy)]
pub(super) struct Lexer<'a> {
    source: &'a str,
    offset: usize,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(source: &'a str) -> Self {
        Self { source, offset: 0 }
    }

    /// The line and column (in characters) of a byte offset on a character boundary.
    pub(super) fn position(&self, offset: usize) -> Position {
        position_in(self.source, offset)
    }

    /// An error at a byte offset. Cold: kept out of the token loop's code.
    #[cold]
    #[inline(never)]
    pub(super) fn error(&self, offset: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            position: self.position(offset),
            message: message.into(),
        }
    }

    fn byte(&self) -> Option<u8> {
        self.source.as_bytes().get(self.offset).copied()
    }

    pub(super) fn next_token(&mut self) -> Result<Token<'a>, ParseError> {
        let bytes = self.source.as_bytes();
        // Whitespace and comments. A comment may hold any UTF-8; its end is the next '\n'
        // byte, which never occurs inside a multi-byte character.
        loop {
            match bytes.get(self.offset) {
                Some(b' ' | b'\t' | b'\r') => self.offset += 1,
                Some(b'#') => {
                    self.offset = bytes[self.offset..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(bytes.len(), |i| self.offset + i);
                }
                _ => break,
            }
        }
        let offset = self.offset;
        let token = |kind| Ok(Token { kind, offset });
        let Some(c) = self.byte() else {
            return token(Tok::End);
        };
        if c.is_ascii_alphabetic() || c == b'_' {
            let mut end = offset + 1;
            while end < bytes.len() && IDENTIFIER[usize::from(bytes[end])] {
                end += 1;
            }
            self.offset = end;
            // ASCII bytes only: the slice is on character boundaries.
            return token(Tok::Name(self.source.get(offset..end).unwrap_or_default()));
        }
        if c.is_ascii_digit() || c == b'.' {
            return self.number(offset);
        }
        self.offset += 1;
        match c {
            b'\n' => token(Tok::Newline),
            b';' => token(Tok::Semi),
            b'+' => token(Tok::Plus),
            b'-' => token(Tok::Minus),
            b'*' => {
                if self.byte() == Some(b'*') {
                    self.offset += 1;
                    token(Tok::Caret)
                } else {
                    token(Tok::Star)
                }
            }
            b'/' => token(Tok::Slash),
            b'^' => token(Tok::Caret),
            b'(' => token(Tok::LParen),
            b')' => token(Tok::RParen),
            b',' => token(Tok::Comma),
            b'=' => token(Tok::Assign),
            _ => {
                self.offset = offset;
                let other = self.source[offset..].chars().next().unwrap_or('\u{fffd}');
                Err(self.error(offset, format!("unexpected character {other:?}")))
            }
        }
    }

    /// `12`, `3.5`, `.5`, `5.`, `1e-3`, `2.5E+4`.
    fn number(&mut self, offset: usize) -> Result<Token<'a>, ParseError> {
        // The digits are also gathered into an integer, for the fast path below.
        let mut mantissa: u64 = 0;
        let mut digits_seen = 0usize;
        let mut digits = |lexer: &mut Self| {
            let start = lexer.offset;
            while let Some(digit @ b'0'..=b'9') = lexer.byte() {
                if digits_seen < 19 {
                    mantissa = mantissa * 10 + u64::from(digit - b'0');
                }
                digits_seen += 1;
                lexer.offset += 1;
            }
            lexer.offset - start
        };
        let mut mantissa_digits = digits(self);
        let mut fraction_digits = 0;
        if self.byte() == Some(b'.') {
            self.offset += 1;
            fraction_digits = digits(self);
            mantissa_digits += fraction_digits;
        }
        if mantissa_digits == 0 {
            return Err(self.error(offset, "malformed number: '.' needs a digit"));
        }
        let mut plain = true;
        if matches!(self.byte(), Some(b'e' | b'E')) {
            plain = false;
            self.offset += 1;
            if matches!(self.byte(), Some(b'+' | b'-')) {
                self.offset += 1;
            }
            if digits(self) == 0 {
                return Err(self.error(offset, "malformed number: the exponent needs digits"));
            }
        }
        // Clinger's fast path for the common literal (`0.5`, `-0.37`, `12`): at most 15
        // digits and 22 decimals, so the integer and the power of ten are exact in f64 and
        // one division rounds correctly, giving the bits Rust's parser gives.
        if plain && mantissa_digits <= 15 && fraction_digits <= 22 {
            let value = mantissa as f64 / POWERS_OF_TEN[fraction_digits];
            return Ok(Token {
                kind: Tok::Number(value),
                offset,
            });
        }
        let text = &self.source[offset..self.offset];
        // Rust's parser follows IEEE rounding; a literal too large becomes +infinity.
        let value: f64 = text
            .parse()
            .map_err(|_| self.error(offset, "malformed number"))?;
        Ok(Token {
            kind: Tok::Number(value),
            offset,
        })
    }
}

/// 10^0 ..= 10^22, every one exact in f64.
const POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The bytes a name may continue with, `[A-Za-z0-9_]`, as a table: one load a byte.
const IDENTIFIER: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let c = byte as u8;
        table[byte] = c.is_ascii_alphanumeric() || c == b'_';
        byte += 1;
    }
    table
};

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

    /// The fast path for short decimals gives the bits of Rust's own parser.
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
        for text in &texts {
            let Ok(token) = Lexer::new(text).next_token() else {
                continue;
            };
            let Tok::Number(value) = token.kind else {
                panic!("{text} is a number");
            };
            let expected: f64 = text.parse().expect("a number");
            assert_eq!(value.to_bits(), expected.to_bits(), "{text}");
        }
    }
}
