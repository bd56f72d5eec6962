//! The precedence-climbing parser: tokens to graph nodes, built directly into a
//! [`Builder`] (the editable graph or the flat tape).
//!
//! Binary operators and unary signs are parsed in loops; only parentheses, function
//! arguments and `^` exponents nest, and that nesting is capped so no input can exhaust
//! the stack.

use super::lexer::{Lexer, Tok, Token};
use super::scope::Scope;
use super::{Builder, ParseError, Program};
use crate::engine::node::NodeId;
use crate::engine::op::Op;
use crate::limits::NESTING;

/// The parser's error, boxed so that the `Result` of every rule stays small.
pub(super) type Failure = Box<ParseError>;

pub(super) struct Parser<'a, B> {
    lexer: Lexer<'a>,
    /// The next token, read but not yet taken.
    current: Token,
    pub(super) graph: B,
    scope: Scope<'a>,
    inputs: Vec<(&'a str, NodeId)>,
    depth: usize,
}

impl<'a, B: Builder> Parser<'a, B> {
    pub(super) fn new(source: &'a str) -> Self {
        let mut lexer = Lexer::new(source);
        let current = lexer.next_token();
        Self {
            lexer,
            current,
            graph: B::default(),
            scope: Scope::for_source(source),
            inputs: Vec::new(),
            depth: 0,
        }
    }

    fn error(&self, offset: usize, message: impl Into<String>) -> Failure {
        Box::new(self.lexer.error(offset, message))
    }

    /// The error of a token that could not be read.
    fn unreadable(&self, token: Token) -> Failure {
        Box::new(
            self.lexer
                .problem(token)
                .unwrap_or_else(|| self.lexer.error(token.start, "unreadable text")),
        )
    }

    /// The next token, not taken. An invalid token matches no rule of the grammar, so
    /// the parser stops at it, and [`Parser::unexpected`] reports what is wrong with it.
    pub(super) fn peek(&self) -> Token {
        self.current
    }

    /// Takes the next token.
    fn advance(&mut self) -> Token {
        std::mem::replace(&mut self.current, self.lexer.next_token())
    }

    /// The error for a token the grammar does not allow here: what is wrong with the text
    /// if it is no token, else `message` with the token in words.
    pub(super) fn unexpected(
        &self,
        token: Token,
        message: impl FnOnce(String) -> String,
    ) -> Failure {
        if let Tok::Invalid(_) = token.kind {
            return self.unreadable(token);
        }
        self.error(
            token.start,
            message(token.kind.describe(self.lexer.text(token))),
        )
    }

    /// Binds a name the caller gives (not written in the source) to an input.
    pub(super) fn bind_external(&mut self, name: &'a str, id: NodeId) {
        self.scope.bind_external(name, id);
    }

    /// The whole program, with names borrowed from the source.
    pub(super) fn program(mut self) -> Result<Program<B, &'a str>, Failure> {
        // Node positions are `u32`s, and a script of fewer bytes has fewer nodes.
        if u32::try_from(self.lexer.source().len()).is_err() {
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
        Ok(Program {
            graph: self.graph,
            output,
            output_name,
            inputs: self.inputs,
            bindings: self.scope.into_bindings(),
        })
    }

    /// `NAME = EXPR` followed by a newline, `;` or the end; the name is already taken.
    fn statement(&mut self, name_token: Token) -> Result<NodeId, Failure> {
        let name = self.lexer.text(name_token);
        if Op::from_function_name(name).is_some() {
            return Err(self.error(
                name_token.start,
                format!("'{name}' is a function name and cannot be assigned"),
            ));
        }
        let input_again = |parser: &Self| {
            parser.error(
                name_token.start,
                format!("'{name}' is an input and cannot be assigned again"),
            )
        };
        // An input named again is the first error reported, even when the right side
        // has one too: it lies before anything wrong on the right.
        let (id, is_input) = match self.right_side(name) {
            Ok(right) => right,
            Err(_) if self.scope.is_input(name) => return Err(input_again(self)),
            Err(error) => return Err(error),
        };
        if self.scope.bind(name, id, is_input).is_err() {
            return Err(input_again(self));
        }
        self.graph.name(id, name);
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
        Ok(match self.input_literal() {
            Some(value) => {
                let id = self.graph.input(value);
                self.inputs.push((name, id));
                (id, true)
            }
            None => (self.expression()?, false),
        })
    }

    /// If the right side is exactly `NUMBER` or `-NUMBER`, takes it and returns its value.
    fn input_literal(&mut self) -> Option<f64> {
        // Most right sides start with a name or '(': nothing to take back then.
        if !matches!(self.peek().kind, Tok::Minus | Tok::Number(_)) {
            return None;
        }
        let saved = (self.lexer, self.current);
        let mut sign = 1.0;
        let mut token = self.advance();
        if token.kind == Tok::Minus {
            sign = -1.0;
            token = self.advance();
        }
        if let Tok::Number(value) = token.kind
            && matches!(self.peek().kind, Tok::Newline | Tok::Semi | Tok::End)
        {
            return Some(sign * value);
        }
        (self.lexer, self.current) = saved;
        None
    }

    fn nest(&mut self, offset: usize) -> Result<(), Failure> {
        self.depth += 1;
        if self.depth > NESTING {
            return Err(self.error(
                offset,
                format!("expression nested more than {NESTING} levels deep"),
            ));
        }
        Ok(())
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
            left = self.graph.operation(op, &[left, right]);
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
            left = self.graph.operation(op, &[left, right]);
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
            node = self.graph.operation(Op::Neg, &[node]);
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
        self.nest(token.start)?;
        let exponent = self.unary()?;
        self.depth -= 1;
        Ok(self.graph.operation(Op::Pow, &[base, exponent]))
    }

    /// A number, a name, a call `f(args)` or `( EXPR )`.
    fn primary(&mut self) -> Result<NodeId, Failure> {
        let token = self.advance();
        match token.kind {
            Tok::Number(value) => Ok(self.graph.constant(value)),
            Tok::LParen => {
                self.nest(token.start)?;
                let inner = self.expression()?;
                self.expect_close(token.start)?;
                self.depth -= 1;
                Ok(inner)
            }
            Tok::Name => {
                let name = self.lexer.text(token);
                let is_call = self.peek().kind == Tok::LParen;
                // No name in scope is a function's (statements cannot assign one, and
                // `parse_expression` leaves such variables out), so a name found is a
                // variable.
                if !is_call && let Some(id) = self.scope.get(name) {
                    return Ok(id);
                }
                // Text after the name that is no token is the first error in the text.
                if let Tok::Invalid(_) = self.current.kind {
                    return Err(self.unreadable(self.current));
                }
                match (Op::from_function_name(name), is_call) {
                    (Some(op), true) => self.call(op, name, token.start),
                    (Some(_), false) => Err(self.error(
                        token.start,
                        format!("'{name}' is a function: call it as {name}(...)"),
                    )),
                    (None, true) => {
                        Err(self.error(token.start, format!("unknown function '{name}'")))
                    }
                    (None, false) => Err(self.error(token.start, format!("unknown name '{name}'"))),
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
        self.nest(open.start)?;
        // Two slots: no operation takes more; extra arguments are only counted.
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
        self.expect_close(open.start)?;
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
        Ok(self.graph.operation(op, &args[..count]))
    }
}
