//! The precedence-climbing parser: tokens to graph nodes, built directly into a
//! [`Builder`] (the editable graph or the flat tape).
//!
//! Binary operators and unary signs are parsed in loops; only parentheses, function
//! arguments and `^` exponents nest, and that nesting is capped so no input can exhaust
//! the stack.

use super::lexer::{Lexer, Tok, Token};
use super::scope::{Binding, NameHash, Scope};
use super::{Builder, ParseError, Program};
use crate::engine::graph::NodeId;
use crate::engine::op::Op;

/// How deeply parentheses, calls and exponents may nest.
const MAX_NESTING: usize = 256;

/// The parser's error: boxed, so that every `Result` it passes around is two words.
pub(super) type Failure = Box<ParseError>;

/// A parsed program before its names are made into strings: what [`super::Program`]
/// and the command line's compact name list are both built from.
pub(super) struct Parsed<'a, B> {
    pub(super) graph: B,
    pub(super) output: NodeId,
    pub(super) output_name: &'a str,
    pub(super) inputs: Vec<(&'a str, NodeId)>,
    /// Names as byte ranges of the source, none external.
    pub(super) bindings: Vec<Binding>,
    pub(super) source: &'a str,
}

impl<'a, B> Parsed<'a, B> {
    /// The name of a binding.
    pub(super) fn name(&self, binding: &Binding) -> &'a str {
        let (start, len) = (binding.start as usize, binding.len as usize);
        self.source.get(start..start + len).unwrap_or_default()
    }
}

pub(super) struct Parser<'a, B> {
    lexer: Lexer<'a>,
    /// The next token, read but not yet taken: the last token the lexer scanned.
    current: Token,
    /// If the token [`Parser::advance`] returned last is a number, its value when the
    /// lexer could compute it while scanning (NaN: read it from the text).
    taken_number: f64,
    pub(super) graph: B,
    scope: Scope<'a>,
    inputs: Vec<(&'a str, NodeId)>,
    /// Whether `inputs` is filled (`grad` without `--at` never reads it, and an MLP's
    /// million weights would cost 24 MB there).
    pub(super) keep_inputs: bool,
    /// Whether a variable may be named like a function (only `parse_expression` binds
    /// names that no statement assigned): then a name's lookup must ask about functions first.
    pub(super) function_named_variables: bool,
    depth: usize,
}

impl<'a, B: Builder> Parser<'a, B> {
    pub(super) fn new(source: &'a str) -> Self {
        let mut lexer = Lexer::new(source);
        let current = lexer.next_token();
        Self {
            taken_number: f64::NAN,
            lexer,
            current,
            graph: B::default(),
            scope: Scope::new(source),
            inputs: Vec::new(),
            keep_inputs: true,
            function_named_variables: false,
            depth: 0,
        }
    }

    #[cold]
    #[inline(never)]
    fn error(&self, offset: usize, message: impl Into<String>) -> Failure {
        Box::new(self.lexer.error(offset, message))
    }

    /// The error of a token that could not be read.
    #[cold]
    #[inline(never)]
    fn unreadable(&self, token: Token) -> Failure {
        Box::new(
            self.lexer
                .problem(token)
                .unwrap_or_else(|| self.lexer.error(token.offset(), "unreadable text")),
        )
    }

    /// The next token, not taken. An invalid token matches no rule of the grammar, so
    /// the parser stops at it, and [`Parser::unexpected`] reports what is wrong with it.
    pub(super) fn peek(&self) -> Token {
        self.current
    }

    /// Takes the next token.
    fn advance(&mut self) -> Token {
        let token = self.current;
        // `current` is the last token scanned, so the lexer's number is its value.
        self.taken_number = self.lexer.number;
        self.current = self.lexer.next_token();
        token
    }

    /// The error for a token the grammar does not allow here: what is wrong with the text
    /// if it is no token, else `message` with the token in words.
    #[cold]
    #[inline(never)]
    pub(super) fn unexpected(
        &self,
        token: Token,
        message: impl FnOnce(String) -> String,
    ) -> Failure {
        if let Tok::Invalid(_) = token.kind {
            return self.unreadable(token);
        }
        self.error(token.offset(), message(self.describe(token)))
    }

    /// A token in words, for error messages.
    pub(super) fn describe(&self, token: Token) -> String {
        token.kind.describe(self.lexer.text(token))
    }

    /// Binds a name the caller gives (not written in the source) to an input.
    pub(super) fn bind_external(&mut self, name: &'a str, id: NodeId) {
        self.scope.bind_external(name, id);
    }

    /// The whole program, with names borrowed from the source.
    pub(super) fn program(self) -> Result<Program<B, &'a str>, Failure> {
        let parsed = self.parse_program()?;
        let bindings = parsed
            .bindings
            .iter()
            .map(|b| (parsed.name(b), b.node))
            .collect();
        Ok(Program {
            graph: parsed.graph,
            output: parsed.output,
            output_name: parsed.output_name,
            inputs: parsed.inputs,
            bindings,
        })
    }

    /// The whole program, its names as byte ranges of the source.
    pub(super) fn parse_program(mut self) -> Result<Parsed<'a, B>, Failure> {
        if u32::try_from(self.scope.source().len()).is_err() {
            return Err(self.error(0, "the script is 4 GiB long or longer"));
        }
        let mut last: Option<(&'a str, NodeId)> = None;
        loop {
            let token = self.advance();
            match token.kind {
                Tok::End => break,
                Tok::Newline | Tok::Semi => continue,
                Tok::Name => {
                    let name = self.lexer.text(token);
                    let id = self.statement(token)?;
                    last = Some((name, id));
                }
                _ => {
                    return Err(self.unexpected(token, |found| {
                        format!("expected a statement 'NAME = EXPR', found {found}")
                    }));
                }
            }
        }
        let Some((output_name, output)) = last else {
            return Err(self.error(
                0,
                "empty program: write at least one statement 'NAME = EXPR'",
            ));
        };
        self.graph.output(output);
        Ok(Parsed {
            graph: self.graph,
            output,
            output_name,
            inputs: self.inputs,
            source: self.scope.source(),
            bindings: self.scope.into_bindings(),
        })
    }

    /// `NAME = EXPR` followed by a newline, `;` or the end; the name is already taken.
    fn statement(&mut self, name_token: Token) -> Result<NodeId, Failure> {
        let name = self.lexer.text(name_token);
        let offset = name_token.offset();
        if Op::from_function_name(name).is_some() {
            return Err(self.error(
                offset,
                format!("'{name}' is a function name and cannot be assigned"),
            ));
        }
        // The name is found after its right side is parsed (which only reads names), and
        // its table slot is loaded meanwhile. An input named again is still the first
        // error reported: it lies before anything wrong on the right.
        let name_hash = NameHash::of(name.as_bytes());
        self.scope.prefetch(name_hash);
        let right = self.right_side(name);
        // One lookup serves the check and the binding.
        let lookup = self.scope.find(name.as_bytes(), name_hash);
        if lookup.is_input() {
            return Err(self.error(
                offset,
                format!("'{name}' is an input and cannot be assigned again"),
            ));
        }
        let (id, is_input) = right?;
        self.graph.name(id, name);
        // The source is under 4 GiB (checked before parsing), so its offsets fit.
        let (start, len) = (offset as u32, (name_token.end() - offset) as u32);
        self.scope.bind_at(lookup, start, len, id, is_input);
        let end = self.peek();
        match end.kind {
            Tok::Newline | Tok::Semi | Tok::End => Ok(id),
            _ => Err(self.unexpected(end, |found| {
                format!("unexpected {found} (a statement ends at a new line or ';')")
            })),
        }
    }

    /// `= EXPR` of the statement assigning `name`: its node, and whether it is an input.
    fn right_side(&mut self, name: &'a str) -> Result<(NodeId, bool), Failure> {
        let assign = self.advance();
        if assign.kind != Tok::Assign {
            return Err(self.unexpected(assign, |found| {
                format!("expected '=' after '{name}', found {found}")
            }));
        }
        Ok(match self.input_literal()? {
            Some(value) => {
                let id = self.graph.input(value);
                if self.keep_inputs {
                    self.inputs.push((name, id));
                }
                (id, true)
            }
            None => (self.expression()?, false),
        })
    }

    /// If the right side is exactly `NUMBER` or `-NUMBER`, takes it and returns its value.
    fn input_literal(&mut self) -> Result<Option<f64>, Failure> {
        // Most right sides start with a name or '(': nothing to take back then.
        if !matches!(self.peek().kind, Tok::Minus | Tok::Number) {
            return Ok(None);
        }
        let saved = (self.lexer, self.current);
        let mut sign = 1.0;
        let mut token = self.advance();
        if token.kind == Tok::Minus {
            sign = -1.0;
            token = self.advance();
        }
        if token.kind == Tok::Number {
            let next = self.peek();
            if matches!(next.kind, Tok::Newline | Tok::Semi | Tok::End) {
                return Ok(Some(sign * self.number(token)?));
            }
        }
        (self.lexer, self.current) = saved;
        Ok(None)
    }

    /// The value of a number token [`Parser::advance`] just returned.
    fn number(&self, token: Token) -> Result<f64, Failure> {
        self.lexer
            .number_value(token, self.taken_number)
            .map_err(Box::new)
    }

    fn nest(&mut self, offset: usize) -> Result<(), Failure> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.error(
                offset,
                format!("expression nested more than {MAX_NESTING} levels deep"),
            ));
        }
        Ok(())
    }

    fn op(&mut self, op: Op, operands: &[NodeId]) -> NodeId {
        self.graph.operation(op, operands)
    }

    /// `term (('+' | '-') term)*`
    pub(super) fn expression(&mut self) -> Result<NodeId, Failure> {
        let mut left = self.term()?;
        loop {
            let op = match self.peek().kind {
                Tok::Plus => Op::Add,
                Tok::Minus => Op::Sub,
                _ => return Ok(left),
            };
            self.advance();
            let right = self.term()?;
            left = self.op(op, &[left, right]);
        }
    }

    /// `unary (('*' | '/') unary)*`
    fn term(&mut self) -> Result<NodeId, Failure> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek().kind {
                Tok::Star => Op::Mul,
                Tok::Slash => Op::Div,
                _ => return Ok(left),
            };
            self.advance();
            let right = self.unary()?;
            left = self.op(op, &[left, right]);
        }
    }

    /// `('-' | '+')* power`, signs applied innermost first.
    fn unary(&mut self) -> Result<NodeId, Failure> {
        let mut negations = 0usize;
        loop {
            match self.peek().kind {
                Tok::Minus => negations += 1,
                Tok::Plus => {}
                _ => break,
            }
            self.advance();
        }
        let mut node = self.power()?;
        for _ in 0..negations {
            node = self.op(Op::Neg, &[node]);
        }
        Ok(node)
    }

    /// `primary ('^' unary)?`: right associative, tighter than unary minus on its left.
    fn power(&mut self) -> Result<NodeId, Failure> {
        let base = self.primary()?;
        let token = self.peek();
        if token.kind != Tok::Caret {
            return Ok(base);
        }
        self.advance();
        self.nest(token.offset())?;
        let exponent = self.unary()?;
        self.depth -= 1;
        Ok(self.op(Op::Pow, &[base, exponent]))
    }

    /// A number, a name, a call `f(args)` or `( EXPR )`.
    fn primary(&mut self) -> Result<NodeId, Failure> {
        let token = self.advance();
        match token.kind {
            Tok::Number => {
                let value = self.number(token)?;
                Ok(self.graph.constant(value))
            }
            Tok::LParen => {
                self.nest(token.offset())?;
                let inner = self.expression()?;
                self.expect_close(token.offset())?;
                self.depth -= 1;
                Ok(inner)
            }
            Tok::Name => {
                let is_call = self.peek().kind == Tok::LParen;
                // The common case first: a variable, not called. No statement can bind a
                // function's name, so asking about functions is only needed when
                // `parse_expression` bound one.
                if !is_call
                    && !self.function_named_variables
                    && let Some(id) = self.scope.get(self.lexer.bytes(token))
                {
                    return Ok(id);
                }
                let name = self.lexer.text(token);
                // Text after the name that is no token is the first error in the text.
                if let Tok::Invalid(_) = self.current.kind {
                    return Err(self.unreadable(self.current));
                }
                match (Op::from_function_name(name), is_call) {
                    (Some(op), true) => self.call(op, name, token.offset()),
                    (Some(_), false) => Err(self.error(
                        token.offset(),
                        format!("'{name}' is a function: call it as {name}(...)"),
                    )),
                    (None, true) => {
                        Err(self.error(token.offset(), format!("unknown function '{name}'")))
                    }
                    (None, false) => match self.scope.get(name.as_bytes()) {
                        Some(id) => Ok(id),
                        None => Err(self.error(token.offset(), format!("unknown name '{name}'"))),
                    },
                }
            }
            _ => Err(self.unexpected(token, |found| {
                format!("expected an expression, found {found}")
            })),
        }
    }

    fn expect_close(&mut self, open: usize) -> Result<(), Failure> {
        let close = self.advance();
        if close.kind == Tok::RParen {
            return Ok(());
        }
        let open = self.lexer.position(open);
        Err(self.unexpected(close, |found| {
            format!("expected ')' to close the '(' at {open}, found {found}")
        }))
    }

    /// `name(arg, ...)`; the name is taken and the next token is `(`.
    fn call(&mut self, op: Op, name: &str, offset: usize) -> Result<NodeId, Failure> {
        let open = self.advance();
        self.nest(open.offset())?;
        let mut args = [NodeId::end(); 2];
        let mut count = 0;
        if self.peek().kind != Tok::RParen {
            loop {
                let arg = self.expression()?;
                if let Some(slot) = args.get_mut(count) {
                    *slot = arg;
                }
                count += 1;
                if self.peek().kind != Tok::Comma {
                    break;
                }
                self.advance();
            }
        }
        self.expect_close(open.offset())?;
        self.depth -= 1;
        if count != op.arity() {
            let plural = if op.arity() == 1 { "" } else { "s" };
            return Err(self.error(
                offset,
                format!(
                    "'{name}' takes {} argument{plural}, got {count}",
                    op.arity()
                ),
            ));
        }
        Ok(self.op(op, &args[..count]))
    }
}
