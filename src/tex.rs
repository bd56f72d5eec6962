//! A small TeX subset for lesson formulas, parsed into a tree the app lays out itself
//! (stacked fractions, superscripts, subscripts, square roots, Greek letters). Our own
//! layout instead of a TeX engine: the subset lessons need is small, it has no native or
//! web dependencies, and it draws with egui's own fonts in both themes.

/// A row of items set side by side.
pub type Row = Vec<Item>;

/// One item with optional superscript and subscript.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// What is drawn.
    pub base: Atom,
    /// Raised and smaller.
    pub sup: Option<Row>,
    /// Lowered and smaller.
    pub sub: Option<Row>,
}

/// The drawable pieces.
#[derive(Debug, Clone, PartialEq)]
pub enum Atom {
    /// A letter set in italics (a variable).
    Variable(String),
    /// Digits, operators, Greek letters and words set upright.
    Upright(String),
    /// `\frac{numerator}{denominator}`.
    Fraction(Row, Row),
    /// `\sqrt{...}`.
    Root(Row),
    /// `{...}`.
    Group(Row),
    /// `\left(` or `\right|`: a bracket drawn as tall as the row it stands in.
    Delimiter(String),
}

/// A formula that could not be read: the character offset and what is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("formula, character {offset}: {message}")]
pub struct FormulaError {
    /// 0-based character offset in the formula.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

/// Deeper nesting than this is refused, so a formula cannot exhaust the stack.
const MAX_DEPTH: usize = 24;

/// Parses a formula.
pub fn parse(text: &str) -> Result<Row, FormulaError> {
    let chars: Vec<char> = text.chars().collect();
    let mut parser = Parser { chars, at: 0 };
    let row = parser.row(0)?;
    if parser.at < parser.chars.len() {
        return Err(parser.error("unexpected '}'"));
    }
    Ok(row)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

/// Commands that stand for one symbol.
fn symbol(name: &str) -> Option<&'static str> {
    Some(match name {
        "alpha" => "α",
        "beta" => "β",
        "gamma" => "γ",
        "delta" => "δ",
        "Delta" => "Δ",
        "epsilon" => "ε",
        "eta" => "η",
        "theta" => "θ",
        "lambda" => "λ",
        "mu" => "μ",
        "pi" => "π",
        "sigma" => "σ",
        "Sigma" => "Σ",
        "tau" => "τ",
        "phi" => "φ",
        "omega" => "ω",
        "partial" => "∂",
        "nabla" => "∇",
        "cdot" => "·",
        "times" => "×",
        "approx" => "≈",
        "le" => "≤",
        "ge" => "≥",
        "ne" => "≠",
        "to" => "→",
        "rightarrow" => "→",
        "leftarrow" => "←",
        "infty" => "∞",
        "cdots" | "dots" | "ldots" => "…",
        "lVert" | "rVert" | "Vert" => "‖",
        "sum" => "Σ",
        "ln" => "ln",
        "log" => "log",
        "exp" => "exp",
        "tanh" => "tanh",
        "max" => "max",
        "quad" => "   ",
        "," => " ",
        _ => return None,
    })
}

impl Parser {
    fn error(&self, message: impl Into<String>) -> FormulaError {
        FormulaError {
            offset: self.at,
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    /// Items up to a `}` or the end.
    fn row(&mut self, depth: usize) -> Result<Row, FormulaError> {
        if depth > MAX_DEPTH {
            return Err(self.error("the formula nests too deeply"));
        }
        let mut row = Row::new();
        while let Some(c) = self.peek() {
            match c {
                '}' => break,
                '^' | '_' => {
                    self.at += 1;
                    let script = self.argument(depth)?;
                    let Some(last) = row.last_mut() else {
                        return Err(self.error(format!("'{c}' needs something before it")));
                    };
                    let slot = if c == '^' {
                        &mut last.sup
                    } else {
                        &mut last.sub
                    };
                    if slot.is_some() {
                        return Err(self.error(format!("double '{c}'")));
                    }
                    *slot = Some(script);
                }
                ' ' | '\t' | '\n' | '\r' => self.at += 1,
                _ => {
                    let base = self.atom(depth)?;
                    row.push(Item {
                        base,
                        sup: None,
                        sub: None,
                    });
                }
            }
        }
        Ok(row)
    }

    /// The argument of `^`, `_` or a command: a `{group}` or a single atom.
    fn argument(&mut self, depth: usize) -> Result<Row, FormulaError> {
        while self.peek() == Some(' ') {
            self.at += 1;
        }
        match self.peek() {
            None => Err(self.error("expected an argument")),
            Some('{') => {
                self.at += 1;
                let row = self.row(depth + 1)?;
                self.expect_close()?;
                Ok(row)
            }
            Some(_) => {
                let base = self.atom(depth + 1)?;
                Ok(vec![Item {
                    base,
                    sup: None,
                    sub: None,
                }])
            }
        }
    }

    /// The argument of `\text{...}` as written, spaces included (braces may nest).
    fn raw_text(&mut self) -> Result<String, FormulaError> {
        while self.peek() == Some(' ') {
            self.at += 1;
        }
        if self.peek() != Some('{') {
            return Err(self.error("expected '{' after \\text"));
        }
        self.at += 1;
        let start = self.at;
        let mut open = 1usize;
        while let Some(c) = self.peek() {
            match c {
                '{' => open += 1,
                '}' => {
                    open -= 1;
                    if open == 0 {
                        let text: String = self.chars[start..self.at].iter().collect();
                        self.at += 1;
                        return Ok(text);
                    }
                }
                _ => {}
            }
            self.at += 1;
        }
        Err(self.error("expected '}'"))
    }

    fn expect_close(&mut self) -> Result<(), FormulaError> {
        if self.peek() == Some('}') {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error("expected '}'"))
        }
    }

    fn atom(&mut self, depth: usize) -> Result<Atom, FormulaError> {
        if depth > MAX_DEPTH {
            return Err(self.error("the formula nests too deeply"));
        }
        let Some(c) = self.peek() else {
            return Err(self.error("expected a symbol"));
        };
        let start = self.at;
        self.at += 1;
        match c {
            '{' => {
                let row = self.row(depth + 1)?;
                self.expect_close()?;
                Ok(Atom::Group(row))
            }
            '\\' => {
                let name_start = self.at;
                if self.peek().is_some_and(|c| !c.is_ascii_alphabetic()) {
                    self.at += 1;
                } else {
                    while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                        self.at += 1;
                    }
                }
                let name: String = self.chars[name_start..self.at].iter().collect();
                match name.as_str() {
                    "frac" => {
                        let top = self.argument(depth)?;
                        let bottom = self.argument(depth)?;
                        Ok(Atom::Fraction(top, bottom))
                    }
                    "sqrt" => Ok(Atom::Root(self.argument(depth)?)),
                    "text" | "mathrm" => Ok(Atom::Upright(self.raw_text()?)),
                    "left" | "right" => match self.atom(depth + 1)? {
                        Atom::Upright(d) | Atom::Variable(d) => Ok(Atom::Delimiter(d)),
                        _ => Err(FormulaError {
                            offset: start,
                            message: format!("\\{name} needs a bracket after it"),
                        }),
                    },
                    _ => match symbol(&name) {
                        Some(s) => Ok(Atom::Upright(s.to_string())),
                        None => Err(FormulaError {
                            offset: start,
                            message: format!("unknown command '\\{name}'"),
                        }),
                    },
                }
            }
            c if c.is_alphabetic() => Ok(Atom::Variable(c.to_string())),
            c if c.is_ascii_digit() || c == '.' => {
                while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '.') {
                    self.at += 1;
                }
                Ok(Atom::Upright(self.chars[start..self.at].iter().collect()))
            }
            '-' => Ok(Atom::Upright("−".into())),
            '*' => Ok(Atom::Upright("·".into())),
            c => Ok(Atom::Upright(c.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fractions_scripts_and_greek() {
        let row = parse(r"\frac{dz}{dx} = \sigma'(x)^{2}").expect("parses");
        assert!(matches!(row[0].base, Atom::Fraction(_, _)));
        assert_eq!(row[2].base, Atom::Upright("σ".into()));
        let last = row.last().expect("items");
        assert!(last.sup.is_some());
    }

    #[test]
    fn reports_errors_with_offsets() {
        let error = parse(r"a + \frob").expect_err("unknown");
        assert_eq!(error.offset, 4);
        assert!(parse("^2").is_err());
        assert!(parse("{a").is_err());
        assert!(parse("a}").is_err());
        let deep = "{".repeat(100) + &"}".repeat(100);
        assert!(parse(&deep).is_err());
        assert!(parse(&r"\frac".repeat(10_000)).is_err());
        assert!(parse(&r"\left".repeat(10_000)).is_err());
        assert_eq!(
            parse(r"\left| x \right|").map(|row| row.len()),
            Ok(3),
            "two delimiters around x"
        );
        assert!(matches!(
            parse(r"\left( x \right)").map(|row| row[0].base.clone()),
            Ok(Atom::Delimiter(d)) if d == "("
        ));
        assert!(parse(r"\left\frac{a}{b}").is_err());
        assert_eq!(
            parse(r"\text{smallest at} k").map(|row| row[0].base.clone()),
            Ok(Atom::Upright("smallest at".into())),
            "spaces inside \\text are kept"
        );
        assert!(parse(r"\text{open").is_err());
        assert!(parse(r"\text x").is_err());
    }
}
