//! The graph script's tokens, read on demand from the bytes of the text.
//!
//! A token is two scalars (its kind; its byte offset and length), so it travels in registers:
//! scanning never builds an error, names are slices found from the offset, and a number's
//! value is computed only when the parser takes it. A token that cannot be read is a
//! [`Tok::Invalid`] carrying what is wrong; the parser turns it into the error message
//! (with its line and column, worked out from the text only then) when it reaches it, so
//! the first error in the text is still the one reported.

use super::{ParseError, Position};

/// The kind of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tok {
    Name,
    Number,
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
    /// A name of 4 GiB or more (its length would not fit in a token).
    NameTooLong,
}

impl Tok {
    /// The token in words, for error messages.
    pub(super) fn describe(&self, text: &str) -> String {
        match self {
            Tok::Name => format!("name '{text}'"),
            Tok::Number => "number".into(),
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

/// A token: its kind, and the byte offset where it starts and its length in bytes packed
/// in one `u64`. Two scalars, so a token is returned in two registers, not written to
/// memory and read back (the parser takes a million tokens per 100,000 statements).
#[derive(Debug, Clone, Copy)]
pub(super) struct Token {
    /// The offset in the low 32 bits, the length in the high 32.
    span: u64,
    pub(super) kind: Tok,
}

impl Token {
    fn new(kind: Tok, offset: usize, end: usize) -> Self {
        // The parser refuses a text of 4 GiB or more before it reads a token past its
        // first, and the scanner reports a name that long as NameTooLong.
        let len = u32::try_from(end - offset).unwrap_or(u32::MAX);
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        Self {
            span: u64::from(offset) | u64::from(len) << 32,
            kind,
        }
    }

    /// Byte offset where the token starts.
    pub(super) fn offset(&self) -> usize {
        (self.span as u32) as usize
    }

    /// Byte offset just past the token.
    pub(super) fn end(&self) -> usize {
        self.offset() + (self.span >> 32) as usize
    }
}

/// Turns text into tokens on demand. Copying it saves its place (the parser backtracks
/// once per statement that starts with a number).
#[derive(Clone, Copy)]
pub(super) struct Lexer<'a> {
    source: &'a str,
    offset: usize,
    /// The value of the last number scanned, when the scan could compute it exactly
    /// (NaN, which no literal is: [`Lexer::number_value`] must read it from the text).
    pub(super) number: f64,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(source: &'a str) -> Self {
        Self {
            source,
            offset: 0,
            number: f64::NAN,
        }
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

    /// The text of a token (a name's name).
    pub(super) fn text(&self, token: Token) -> &'a str {
        self.source
            .get(token.offset()..token.end())
            .unwrap_or_default()
    }

    /// The bytes of a token: a name's, without the check of character boundaries that
    /// slicing text makes.
    pub(super) fn bytes(&self, token: Token) -> &'a [u8] {
        let bytes = self.source.as_bytes();
        bytes.get(token.offset()..token.end()).unwrap_or_default()
    }

    /// The error an invalid token stands for (`None` for a valid token).
    #[cold]
    #[inline(never)]
    pub(super) fn problem(&self, token: Token) -> Option<ParseError> {
        let Tok::Invalid(problem) = token.kind else {
            return None;
        };
        let message = match problem {
            Problem::UnexpectedCharacter => {
                let other = self.source[token.offset()..]
                    .chars()
                    .next()
                    .unwrap_or('\u{fffd}');
                format!("unexpected character {other:?}")
            }
            Problem::DotNeedsDigit => "malformed number: '.' needs a digit".into(),
            Problem::ExponentNeedsDigits => "malformed number: the exponent needs digits".into(),
            Problem::NameTooLong => "a name is 4 GiB long or longer".into(),
        };
        Some(self.error(token.offset(), message))
    }

    pub(super) fn next_token(&mut self) -> Token {
        let bytes = self.source.as_bytes();
        let mut offset = self.offset;
        // Tests in order of frequency, each a table load and a conditional branch: a
        // `match` on the byte's class compiles to one indirect jump whose target changes
        // with nearly every token, which the processor mispredicts most of the time.
        loop {
            let Some(&c) = bytes.get(offset) else {
                self.offset = offset;
                return Token::new(Tok::End, offset, offset);
            };
            let class = START[usize::from(c)];
            if class == Start::Letter {
                let rest = &bytes[offset + 1..];
                let len = rest.iter().position(|&b| !IDENTIFIER[usize::from(b)]);
                let end = offset + 1 + len.unwrap_or(rest.len());
                self.offset = end;
                if u32::try_from(end - offset).is_err() {
                    return Token::new(Tok::Invalid(Problem::NameTooLong), offset, offset);
                }
                return Token::new(Tok::Name, offset, end);
            }
            if class == Start::Blank {
                offset += 1;
                continue;
            }
            if let Some(kind) = PUNCTUATION[usize::from(c)] {
                self.offset = offset + 1;
                return Token::new(kind, offset, offset + 1);
            }
            if class == Start::Digit {
                return self.number(offset);
            }
            if c == b'*' {
                let len = if bytes.get(offset + 1) == Some(&b'*') {
                    2
                } else {
                    1
                };
                let kind = if len == 2 { Tok::Caret } else { Tok::Star };
                self.offset = offset + len;
                return Token::new(kind, offset, offset + len);
            }
            if c != b'#' {
                self.offset = offset;
                return Token::new(Tok::Invalid(Problem::UnexpectedCharacter), offset, offset);
            }
            // A comment may hold any UTF-8; its end is the next '\n' byte, which never
            // occurs inside a multi-byte character.
            offset = bytes[offset..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |i| offset + i);
        }
    }

    /// `12`, `3.5`, `.5`, `5.`, `1e-3`, `2.5E+4`: where the number ends, or what is wrong.
    // Out of line: numbers are a few tokens in ten, and the name and punctuation paths
    // of `next_token` stay small enough to inline into the parser.
    #[inline(never)]
    fn number(&mut self, offset: usize) -> Token {
        let bytes = self.source.as_bytes();
        // The digits are gathered into an integer as they are scanned, for the fast path
        // below (wrapping: past 19 digits the fast path is not taken anyway).
        let mut mantissa: u64 = 0;
        let mut digits = |mut at: usize| {
            while let Some(&digit @ b'0'..=b'9') = bytes.get(at) {
                mantissa = mantissa
                    .wrapping_mul(10)
                    .wrapping_add(u64::from(digit - b'0'));
                at += 1;
            }
            at
        };
        let mut end = digits(offset);
        let whole_digits = end - offset;
        let mut fraction_digits = 0;
        if bytes.get(end) == Some(&b'.') {
            let fraction = digits(end + 1);
            fraction_digits = fraction - (end + 1);
            end = fraction;
        }
        let invalid = |lexer: &mut Self, problem, end| {
            lexer.offset = end;
            Token::new(Tok::Invalid(problem), offset, offset)
        };
        if whole_digits + fraction_digits == 0 {
            return invalid(self, Problem::DotNeedsDigit, end);
        }
        // Clinger's fast path for the common literal (`0.5`, `-0.37`, `12`): at most 15
        // digits and no exponent, so the integer and the power of ten are exact in f64 and
        // one division rounds correctly, giving the bits Rust's parser gives.
        self.number = if whole_digits + fraction_digits <= 15 {
            mantissa as f64 / POWERS_OF_TEN[fraction_digits]
        } else {
            f64::NAN
        };
        if matches!(bytes.get(end), Some(b'e' | b'E')) {
            self.number = f64::NAN;
            let mut at = end + 1;
            if matches!(bytes.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            let exponent_digits = bytes[at..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if exponent_digits == 0 {
                return invalid(self, Problem::ExponentNeedsDigits, at);
            }
            end = at + exponent_digits;
        }
        self.offset = end;
        Token::new(Tok::Number, offset, end)
    }

    /// The value of a number token: `scanned`, the [`Lexer::number`] its scan left, when
    /// the scan could compute it, else read from its text.
    pub(super) fn number_value(&self, token: Token, scanned: f64) -> Result<f64, ParseError> {
        if !scanned.is_nan() {
            return Ok(scanned);
        }
        // Rust's parser follows IEEE rounding; a literal too large becomes +infinity.
        self.text(token)
            .parse()
            .map_err(|_| self.error(token.offset(), "malformed number"))
    }
}

/// 10^0 ..= 10^22, every one exact in f64.
const POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// What a byte starts: a name, a number, blank space, or something else (a one-byte
/// token in [`PUNCTUATION`], `*`, a comment, or text that is no token).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Start {
    Letter,
    Digit,
    Blank,
    Other,
}

const START: [Start; 256] = {
    let mut table = [Start::Other; 256];
    let mut byte = 0;
    while byte < 256 {
        let c = byte as u8;
        table[byte] = match c {
            b'_' => Start::Letter,
            c if c.is_ascii_alphabetic() => Start::Letter,
            c if c.is_ascii_digit() => Start::Digit,
            b'.' => Start::Digit,
            b' ' | b'\t' | b'\r' => Start::Blank,
            _ => Start::Other,
        };
        byte += 1;
    }
    table
};

/// The one-byte tokens (`*` is not one: it may start `**`).
const PUNCTUATION: [Option<Tok>; 256] = {
    let mut table = [None; 256];
    table[b'\n' as usize] = Some(Tok::Newline);
    table[b';' as usize] = Some(Tok::Semi);
    table[b'+' as usize] = Some(Tok::Plus);
    table[b'-' as usize] = Some(Tok::Minus);
    table[b'/' as usize] = Some(Tok::Slash);
    table[b'^' as usize] = Some(Tok::Caret);
    table[b'(' as usize] = Some(Tok::LParen);
    table[b')' as usize] = Some(Tok::RParen);
    table[b',' as usize] = Some(Tok::Comma);
    table[b'=' as usize] = Some(Tok::Assign);
    table
};

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
        texts.extend(["9999999999999999", "9007199254740993", "1.5e3"].map(String::from));
        for text in &texts {
            let mut lexer = Lexer::new(text);
            let token = lexer.next_token();
            if matches!(token.kind, Tok::Invalid(_)) {
                continue;
            }
            assert_eq!(token.kind, Tok::Number, "{text} is a number");
            assert_eq!(token.end(), text.len(), "{text} is one token");
            let value = lexer.number_value(token, lexer.number).expect("a number");
            let expected: f64 = text.parse().expect("a number");
            assert_eq!(value.to_bits(), expected.to_bits(), "{text}");
        }
    }
}
