//! The graph script language (`shared/spec/graph-script.md`): text to [`Program`].
//!
//! A hand-written lexer and precedence-climbing parser that build graph nodes directly.
//! Binary operators and unary signs are parsed in loops; only parentheses, function
//! arguments and `^` exponents nest, and that nesting is capped so no input can exhaust
//! the stack.

use std::collections::HashMap;
use std::fmt;

use super::flat::FlatTape;
use super::graph::{Graph, NodeId};
use super::op::Op;

/// A place in the source text: 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, in characters.
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A script that could not be parsed: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{position}: {message}")]
pub struct ParseError {
    /// Where the problem is.
    pub position: Position,
    /// What is wrong, in words.
    pub message: String,
}

/// A parsed graph script: the graph, its named nodes, its inputs and its output. The
/// graph is a [`Graph`] (the app's editable graph), or a [`FlatTape`] for one-shot work
/// on very large programs ([`parse_flat`]).
#[derive(Debug, Clone)]
pub struct Program<G = Graph> {
    /// The graph (a [`Graph`] from [`parse`] is evaluated once: values and gradients are
    /// ready).
    pub graph: G,
    /// The output: the node bound by the last statement.
    pub output: NodeId,
    /// The name the last statement assigned.
    pub output_name: String,
    /// The inputs in order of declaration.
    pub inputs: Vec<(String, NodeId)>,
    /// Every name with its newest binding, in order of first assignment.
    pub bindings: Vec<(String, NodeId)>,
}

impl<G> Program<G> {
    /// The node a name is bound to now, if any.
    pub fn node_named(&self, name: &str) -> Option<NodeId> {
        self.bindings
            .iter()
            .find(|(n, _)| n == name)
            .map(|&(_, id)| id)
    }

    /// The input with this name, if it is one.
    pub fn input_named(&self, name: &str) -> Option<NodeId> {
        self.inputs
            .iter()
            .find(|(n, _)| n == name)
            .map(|&(_, id)| id)
    }
}

/// How deeply parentheses, calls and exponents may nest.
const MAX_NESTING: usize = 256;

/// Parses a graph script and evaluates it once.
pub fn parse(source: &str) -> Result<Program, ParseError> {
    let mut program = parse_without_evaluating(source)?;
    program.graph.evaluate();
    Ok(program)
}

/// Parses a graph script without running it: the caller evaluates (`program.graph.evaluate()`,
/// or a first `set_input`). Lets a caller free the source text before the sweeps allocate.
pub fn parse_without_evaluating(source: &str) -> Result<Program, ParseError> {
    Parser::new(source).program()
}

/// Parses a graph script into flat arrays only (no petgraph records, no names on nodes),
/// not yet evaluated: the command line's `grad` on programs of millions of nodes.
pub fn parse_flat(source: &str) -> Result<Program<FlatTape>, ParseError> {
    Parser::new(source).program()
}

/// What the parser builds into: the editable [`Graph`] or a [`FlatTape`].
trait Builder: Default {
    fn input(&mut self, value: f64) -> NodeId;
    fn constant(&mut self, value: f64) -> NodeId;
    fn operation(&mut self, op: Op, operands: &[NodeId]) -> NodeId;
    fn name(&mut self, id: NodeId, name: &str);
    fn output(&mut self, id: NodeId);
}

impl Builder for Graph {
    fn input(&mut self, value: f64) -> NodeId {
        self.add_input(value)
    }
    fn constant(&mut self, value: f64) -> NodeId {
        self.add_const(value)
    }
    fn operation(&mut self, op: Op, operands: &[NodeId]) -> NodeId {
        // Operand counts are fixed by the grammar, so this cannot fail; keep a node anyway.
        self.add_op(op, operands)
            .unwrap_or_else(|_| self.add_const(f64::NAN))
    }
    fn name(&mut self, id: NodeId, name: &str) {
        self.add_name(id, name);
    }
    fn output(&mut self, id: NodeId) {
        self.set_output(id);
    }
}

impl Builder for FlatTape {
    fn input(&mut self, value: f64) -> NodeId {
        self.add_input(value)
    }
    fn constant(&mut self, value: f64) -> NodeId {
        self.add_const(value)
    }
    fn operation(&mut self, op: Op, operands: &[NodeId]) -> NodeId {
        self.add_op(op, operands)
            .unwrap_or_else(|_| self.add_const(f64::NAN))
    }
    /// Names live in the program's bindings only: a million names are not copied twice.
    /// The node is only marked as named, so that it receives its gradient.
    fn name(&mut self, id: NodeId, _name: &str) {
        self.mark_named(id);
    }
    fn output(&mut self, id: NodeId) {
        self.set_output(id);
    }
}

/// Parses one expression over the given named variables (for formula answers).
/// Each variable becomes an input of the returned graph; the result node is its output.
pub fn parse_expression(
    source: &str,
    variables: &[(&str, f64)],
) -> Result<(Graph, NodeId, Vec<NodeId>), ParseError> {
    let mut parser: Parser<'_, Graph> = Parser::new(source);
    let mut ids = Vec::new();
    for &(name, value) in variables {
        let id = parser.graph.add_input(value);
        parser.graph.add_name(id, name);
        parser.bind(name, id, true);
        ids.push(id);
    }
    let first = parser.peek()?;
    if matches!(first.kind, Tok::End | Tok::Newline | Tok::Semi) {
        return Err(ParseError {
            position: first.position,
            message: "expected an expression".into(),
        });
    }
    let result = parser.expression()?;
    let next = parser.peek()?;
    if next.kind != Tok::End {
        return Err(ParseError {
            position: next.position,
            message: format!("unexpected {} after the expression", next.kind.describe()),
        });
    }
    parser.graph.set_output(result);
    parser.graph.evaluate();
    Ok((parser.graph, result, ids))
}

/// Parses a number in the language's syntax (with an optional leading sign), as used by
/// `--at NAME=VALUE`. Returns `None` for anything else (including `inf` and `nan`).
pub fn parse_number(text: &str) -> Option<f64> {
    if text.contains(|c: char| c.is_whitespace() || c == '#') {
        return None;
    }
    let (sign, digits) = match text.as_bytes().first() {
        Some(b'-') => (-1.0, &text[1..]),
        Some(b'+') => (1.0, &text[1..]),
        _ => (1.0, text),
    };
    let mut lexer = Lexer::new(digits);
    match lexer.next_token() {
        Ok(Token {
            kind: Tok::Number(value),
            ..
        }) if matches!(lexer.next_token(), Ok(Token { kind: Tok::End, .. })) => Some(sign * value),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok<'a> {
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
    fn describe(&self) -> String {
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

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    kind: Tok<'a>,
    position: Position,
}

/// Turns text into tokens on demand, so the first error in the text is the one reported.
#[derive(Clone)]
struct Lexer<'a> {
    source: &'a str,
    offset: usize,
    line: usize,
    column: usize,
}

impl<'a> Lexer<'a> {
    fn new(source: &'a str) -> Self {
        Self {
            source,
            offset: 0,
            line: 1,
            column: 1,
        }
    }

    fn peek_char(&self) -> Option<char> {
        // ASCII, the common case, without decoding UTF-8.
        match self.source.as_bytes().get(self.offset) {
            Some(&byte) if byte.is_ascii() => Some(char::from(byte)),
            Some(_) => self.source.get(self.offset..)?.chars().next(),
            None => None,
        }
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek_char()?;
        self.offset += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
        }
    }

    fn next_token(&mut self) -> Result<Token<'a>, ParseError> {
        // Whitespace and comments.
        loop {
            match self.peek_char() {
                Some(' ' | '\t' | '\r') => {
                    self.bump();
                }
                Some('#') => {
                    while let Some(c) = self.peek_char() {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                _ => break,
            }
        }
        let position = self.position();
        let token = |kind| Ok(Token { kind, position });
        let Some(c) = self.peek_char() else {
            return token(Tok::End);
        };
        if c.is_ascii_alphabetic() || c == '_' {
            let start = self.offset;
            while matches!(self.peek_char(), Some(c) if c.is_ascii_alphanumeric() || c == '_') {
                self.bump();
            }
            return token(Tok::Name(&self.source[start..self.offset]));
        }
        if c.is_ascii_digit() || c == '.' {
            return self.number(position);
        }
        self.bump();
        match c {
            '\n' => token(Tok::Newline),
            ';' => token(Tok::Semi),
            '+' => token(Tok::Plus),
            '-' => token(Tok::Minus),
            '*' => {
                if self.peek_char() == Some('*') {
                    self.bump();
                    token(Tok::Caret)
                } else {
                    token(Tok::Star)
                }
            }
            '/' => token(Tok::Slash),
            '^' => token(Tok::Caret),
            '(' => token(Tok::LParen),
            ')' => token(Tok::RParen),
            ',' => token(Tok::Comma),
            '=' => token(Tok::Assign),
            other => Err(ParseError {
                position,
                message: format!("unexpected character {other:?}"),
            }),
        }
    }

    /// `12`, `3.5`, `.5`, `5.`, `1e-3`, `2.5E+4`.
    fn number(&mut self, position: Position) -> Result<Token<'a>, ParseError> {
        let start = self.offset;
        let malformed = |message: &str| ParseError {
            position,
            message: message.to_string(),
        };
        let mut mantissa_digits = 0;
        while matches!(self.peek_char(), Some(c) if c.is_ascii_digit()) {
            self.bump();
            mantissa_digits += 1;
        }
        if self.peek_char() == Some('.') {
            self.bump();
            while matches!(self.peek_char(), Some(c) if c.is_ascii_digit()) {
                self.bump();
                mantissa_digits += 1;
            }
        }
        if mantissa_digits == 0 {
            return Err(malformed("malformed number: '.' needs a digit"));
        }
        if matches!(self.peek_char(), Some('e' | 'E')) {
            self.bump();
            if matches!(self.peek_char(), Some('+' | '-')) {
                self.bump();
            }
            let mut exponent_digits = 0;
            while matches!(self.peek_char(), Some(c) if c.is_ascii_digit()) {
                self.bump();
                exponent_digits += 1;
            }
            if exponent_digits == 0 {
                return Err(malformed("malformed number: the exponent needs digits"));
            }
        }
        let text = &self.source[start..self.offset];
        // Rust's parser follows IEEE rounding; a literal too large becomes +infinity.
        let value: f64 = text.parse().map_err(|_| malformed("malformed number"))?;
        Ok(Token {
            kind: Tok::Number(value),
            position,
        })
    }
}

/// FNV-1a: names are short, and the standard SipHash costs more than the rest of a
/// statement's parsing (no untrusted-input DoS concern for a local script).
#[derive(Default, Clone, Copy)]
struct FnvBuild;

impl std::hash::BuildHasher for FnvBuild {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

struct Parser<'a, B> {
    lexer: Lexer<'a>,
    lookahead: Option<Token<'a>>,
    graph: B,
    /// Newest binding of each name, and whether that binding is an input. Keys borrow the
    /// source: a million statements must not mean a million allocations here.
    scope: HashMap<&'a str, (NodeId, bool), FnvBuild>,
    /// Names in order of first assignment.
    first_assigned: Vec<&'a str>,
    inputs: Vec<(String, NodeId)>,
    depth: usize,
}

impl<'a, B: Builder> Parser<'a, B> {
    fn new(source: &'a str) -> Self {
        Self {
            lexer: Lexer::new(source),
            lookahead: None,
            graph: B::default(),
            scope: HashMap::default(),
            first_assigned: Vec::new(),
            inputs: Vec::new(),
            depth: 0,
        }
    }

    fn peek(&mut self) -> Result<Token<'a>, ParseError> {
        if let Some(token) = self.lookahead {
            return Ok(token);
        }
        let token = self.lexer.next_token()?;
        self.lookahead = Some(token);
        Ok(token)
    }

    fn advance(&mut self) -> Result<Token<'a>, ParseError> {
        let token = self.peek()?;
        self.lookahead = None;
        Ok(token)
    }

    fn bind(&mut self, name: &'a str, id: NodeId, is_input: bool) {
        if self.scope.insert(name, (id, is_input)).is_none() {
            self.first_assigned.push(name);
        }
    }

    fn program(mut self) -> Result<Program<B>, ParseError> {
        let mut last: Option<(&'a str, NodeId)> = None;
        loop {
            let token = self.advance()?;
            match token.kind {
                Tok::End => break,
                Tok::Newline | Tok::Semi => continue,
                Tok::Name(name) => {
                    let id = self.statement(name, token.position)?;
                    last = Some((name, id));
                }
                other => {
                    return Err(ParseError {
                        position: token.position,
                        message: format!(
                            "expected a statement 'NAME = EXPR', found {}",
                            other.describe()
                        ),
                    });
                }
            }
        }
        let Some((output_name, output)) = last else {
            return Err(ParseError {
                position: Position { line: 1, column: 1 },
                message: "empty program: write at least one statement 'NAME = EXPR'".into(),
            });
        };
        let bindings = self
            .first_assigned
            .iter()
            .filter_map(|&name| self.scope.get(name).map(|&(id, _)| (name.to_string(), id)))
            .collect();
        self.graph.output(output);
        Ok(Program {
            graph: self.graph,
            output,
            output_name: output_name.to_string(),
            inputs: self.inputs,
            bindings,
        })
    }

    /// `NAME = EXPR` followed by a newline, `;` or the end; the name is already consumed.
    fn statement(&mut self, name: &'a str, position: Position) -> Result<NodeId, ParseError> {
        if Op::from_function_name(name).is_some() {
            return Err(ParseError {
                position,
                message: format!("'{name}' is a function name and cannot be assigned"),
            });
        }
        if let Some(&(_, true)) = self.scope.get(name) {
            return Err(ParseError {
                position,
                message: format!("'{name}' is an input and cannot be assigned again"),
            });
        }
        let assign = self.advance()?;
        if assign.kind != Tok::Assign {
            return Err(ParseError {
                position: assign.position,
                message: format!(
                    "expected '=' after '{name}', found {}",
                    assign.kind.describe()
                ),
            });
        }
        let id = match self.input_literal()? {
            Some(value) => {
                let id = self.graph.input(value);
                self.inputs.push((name.to_string(), id));
                self.graph.name(id, name);
                self.bind(name, id, true);
                id
            }
            None => {
                let id = self.expression()?;
                self.graph.name(id, name);
                self.bind(name, id, false);
                id
            }
        };
        let end = self.peek()?;
        match end.kind {
            Tok::Newline | Tok::Semi | Tok::End => Ok(id),
            other => Err(ParseError {
                position: end.position,
                message: format!(
                    "unexpected {} (a statement ends at a new line or ';')",
                    other.describe()
                ),
            }),
        }
    }

    /// If the right side is exactly `NUMBER` or `-NUMBER`, consumes it and returns its value.
    fn input_literal(&mut self) -> Result<Option<f64>, ParseError> {
        let saved_lexer = self.lexer.clone();
        let saved_lookahead = self.lookahead;
        let mut sign = 1.0;
        let mut token = self.advance()?;
        if token.kind == Tok::Minus {
            sign = -1.0;
            token = self.advance()?;
        }
        if let Tok::Number(value) = token.kind {
            let next = self.peek()?;
            if matches!(next.kind, Tok::Newline | Tok::Semi | Tok::End) {
                return Ok(Some(sign * value));
            }
        }
        self.lexer = saved_lexer;
        self.lookahead = saved_lookahead;
        Ok(None)
    }

    fn nest(&mut self, position: Position) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(ParseError {
                position,
                message: format!("expression nested more than {MAX_NESTING} levels deep"),
            });
        }
        Ok(())
    }

    fn op(&mut self, op: Op, operands: &[NodeId]) -> NodeId {
        self.graph.operation(op, operands)
    }

    /// `term (('+' | '-') term)*`
    fn expression(&mut self) -> Result<NodeId, ParseError> {
        let mut left = self.term()?;
        loop {
            let op = match self.peek()?.kind {
                Tok::Plus => Op::Add,
                Tok::Minus => Op::Sub,
                _ => return Ok(left),
            };
            self.advance()?;
            let right = self.term()?;
            left = self.op(op, &[left, right]);
        }
    }

    /// `unary (('*' | '/') unary)*`
    fn term(&mut self) -> Result<NodeId, ParseError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek()?.kind {
                Tok::Star => Op::Mul,
                Tok::Slash => Op::Div,
                _ => return Ok(left),
            };
            self.advance()?;
            let right = self.unary()?;
            left = self.op(op, &[left, right]);
        }
    }

    /// `('-' | '+')* power`, signs applied innermost first.
    fn unary(&mut self) -> Result<NodeId, ParseError> {
        let mut negations = 0usize;
        loop {
            match self.peek()?.kind {
                Tok::Minus => negations += 1,
                Tok::Plus => {}
                _ => break,
            }
            self.advance()?;
        }
        let mut node = self.power()?;
        for _ in 0..negations {
            node = self.op(Op::Neg, &[node]);
        }
        Ok(node)
    }

    /// `primary ('^' unary)?`: right associative, tighter than unary minus on its left.
    fn power(&mut self) -> Result<NodeId, ParseError> {
        let base = self.primary()?;
        let token = self.peek()?;
        if token.kind != Tok::Caret {
            return Ok(base);
        }
        self.advance()?;
        self.nest(token.position)?;
        let exponent = self.unary()?;
        self.depth -= 1;
        Ok(self.op(Op::Pow, &[base, exponent]))
    }

    /// A number, a name, a call `f(args)` or `( EXPR )`.
    fn primary(&mut self) -> Result<NodeId, ParseError> {
        let token = self.advance()?;
        match token.kind {
            Tok::Number(value) => Ok(self.graph.constant(value)),
            Tok::LParen => {
                self.nest(token.position)?;
                let inner = self.expression()?;
                self.expect_close(token.position)?;
                self.depth -= 1;
                Ok(inner)
            }
            Tok::Name(name) => {
                let is_call = self.peek()?.kind == Tok::LParen;
                match (Op::from_function_name(name), is_call) {
                    (Some(op), true) => self.call(op, name, token.position),
                    (Some(_), false) => Err(ParseError {
                        position: token.position,
                        message: format!("'{name}' is a function: call it as {name}(...)"),
                    }),
                    (None, true) => Err(ParseError {
                        position: token.position,
                        message: format!("unknown function '{name}'"),
                    }),
                    (None, false) => match self.scope.get(name) {
                        Some(&(id, _)) => Ok(id),
                        None => Err(ParseError {
                            position: token.position,
                            message: format!("unknown name '{name}'"),
                        }),
                    },
                }
            }
            other => Err(ParseError {
                position: token.position,
                message: format!("expected an expression, found {}", other.describe()),
            }),
        }
    }

    fn expect_close(&mut self, open: Position) -> Result<(), ParseError> {
        let close = self.advance()?;
        if close.kind == Tok::RParen {
            return Ok(());
        }
        Err(ParseError {
            position: close.position,
            message: format!(
                "expected ')' to close the '(' at {open}, found {}",
                close.kind.describe()
            ),
        })
    }

    /// `name(arg, ...)`; the name is consumed and the next token is `(`.
    fn call(&mut self, op: Op, name: &str, position: Position) -> Result<NodeId, ParseError> {
        let open = self.advance()?;
        self.nest(open.position)?;
        let mut args = Vec::new();
        if self.peek()?.kind != Tok::RParen {
            loop {
                args.push(self.expression()?);
                if self.peek()?.kind != Tok::Comma {
                    break;
                }
                self.advance()?;
            }
        }
        self.expect_close(open.position)?;
        self.depth -= 1;
        if args.len() != op.arity() {
            let plural = if op.arity() == 1 { "" } else { "s" };
            return Err(ParseError {
                position,
                message: format!(
                    "'{name}' takes {} argument{plural}, got {}",
                    op.arity(),
                    args.len()
                ),
            });
        }
        Ok(self.op(op, &args))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value_of(source: &str) -> f64 {
        let program = parse(source).expect("parses");
        program.graph.value(program.output)
    }

    fn error_of(source: &str) -> String {
        parse(source).expect_err("does not parse").to_string()
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(value_of("y = 1 + 2 * 3"), 7.0);
        assert_eq!(value_of("y = 8 - 3 - 2"), 3.0);
        assert_eq!(value_of("y = 8 / 4 / 2"), 1.0);
        assert_eq!(value_of("x = 3; y = -x^2"), -9.0);
        assert_eq!(value_of("y = 2^3^2"), 512.0);
        assert_eq!(value_of("y = 2**3"), 8.0);
        assert_eq!(value_of("y = 2^-1"), 0.5);
        assert_eq!(value_of("x = 3; y = --x"), 3.0);
        assert_eq!(value_of("x = 3; y = +x"), 3.0);
        assert_eq!(value_of("y = pow(2, 10)"), 1024.0);
        assert_eq!(value_of("y = max(1, min(5, 3))"), 3.0);
        assert_eq!(value_of("y = .5 + 1e-3 + 2.5E+4"), 25000.501);
        assert_eq!(value_of("y = 1e400"), f64::INFINITY);
    }

    #[test]
    fn inputs_are_exactly_literals() {
        let p = parse("a = 3\nb = -2.5\nc = (3)\nd = 2*3\ne = --1\ny = a+b+c+d+e").expect("ok");
        let names: Vec<&str> = p.inputs.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(p.graph.value(p.input_named("b").expect("b")), -2.5);
    }

    #[test]
    fn reassignment_uses_the_newest_binding() {
        let p = parse("x = 2\ny = x * 3\ny = y + 1\nz = y").expect("ok");
        assert_eq!(p.graph.value(p.output), 7.0);
        let names: Vec<&str> = p.bindings.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["x", "y", "z"]);
        assert_eq!(p.output_name, "z");
    }

    #[test]
    fn comments_blank_lines_semicolons_and_crlf() {
        let p = parse("# a comment\r\n\r\nx = 1 ;; y = x + 1 # trailing\r\n\t\n").expect("ok");
        assert_eq!(p.graph.value(p.output), 2.0);
    }

    #[test]
    fn errors_carry_positions() {
        assert_eq!(
            error_of("x = 1\ny = x +"),
            "2:8: expected an expression, found end of input"
        );
        assert_eq!(error_of("x = 1\ny = q"), "2:5: unknown name 'q'");
        assert_eq!(error_of("y = foo(1)"), "1:5: unknown function 'foo'");
        assert_eq!(
            error_of("y = max(1)"),
            "1:5: 'max' takes 2 arguments, got 1"
        );
        assert_eq!(
            error_of("y = exp(1, 2)"),
            "1:5: 'exp' takes 1 argument, got 2"
        );
        assert_eq!(
            error_of(""),
            "1:1: empty program: write at least one statement 'NAME = EXPR'"
        );
        assert!(error_of("# only a comment\n;\n").starts_with("1:1: empty program"));
        assert_eq!(
            error_of("x = 1\nx = 2"),
            "2:1: 'x' is an input and cannot be assigned again"
        );
        assert_eq!(
            error_of("x = 1\n  x = x"),
            "2:3: 'x' is an input and cannot be assigned again"
        );
        assert_eq!(
            error_of("exp = 1"),
            "1:1: 'exp' is a function name and cannot be assigned"
        );
        assert_eq!(
            error_of("x = 1; y = exp + x"),
            "1:12: 'exp' is a function: call it as exp(...)"
        );
        assert_eq!(error_of("y = 1 $ 2"), "1:7: unexpected character '$'");
        assert_eq!(
            error_of("y = (1 + 2"),
            "1:11: expected ')' to close the '(' at 1:5, found end of input"
        );
        assert_eq!(
            error_of("y = 1e"),
            "1:5: malformed number: the exponent needs digits"
        );
        assert_eq!(error_of("y 1"), "1:3: expected '=' after 'y', found number");
        assert_eq!(
            error_of("y = 1 2"),
            "1:7: unexpected number (a statement ends at a new line or ';')"
        );
        assert_eq!(
            error_of("3 = y"),
            "1:1: expected a statement 'NAME = EXPR', found number"
        );
        assert_eq!(error_of("y = é"), "1:5: unexpected character 'é'");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let source = format!("y = {}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(error_of(&source).contains("nested more than"));
        let minus = format!("x = 1; y = {}x", "-".repeat(100_001));
        assert_eq!(value_of(&minus), -1.0);
    }

    #[test]
    fn numbers_for_the_command_line() {
        assert_eq!(parse_number("-2.5"), Some(-2.5));
        assert_eq!(parse_number("+1e3"), Some(1000.0));
        assert_eq!(parse_number(".5"), Some(0.5));
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("nan"), None);
        assert_eq!(parse_number("1 "), None);
        assert_eq!(parse_number("--1"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("1x"), None);
    }

    #[test]
    fn formula_expressions() {
        let (g, out, _) = parse_expression("6*(3*x)", &[("x", 2.0)]).expect("ok");
        assert_eq!(g.value(out), 36.0);
        assert!(parse_expression("18x", &[("x", 1.0)]).is_err());
        assert!(parse_expression("", &[("x", 1.0)]).is_err());
    }
}
