//! The precedence-climbing parser: tokens to graph nodes, built directly into a
//! [`Builder`] (the editable graph or the flat tape).
//!
//! Binary operators and unary signs are parsed in loops; only parentheses, function
//! arguments and `^` exponents nest, and that nesting is capped so no input can exhaust
//! the stack.

use super::lexer::{Lexer, Tok, Token};
use super::{Builder, ParseError, Program};
use crate::engine::graph::NodeId;
use crate::engine::op::Op;

/// How deeply parentheses, calls and exponents may nest.
const MAX_NESTING: usize = 256;

/// Every name with its newest node, in order of first assignment, found through an
/// open-addressing table of positions in that list. Names borrow the source: a million
/// statements must not mean a million allocations, and the table holds 4 bytes a slot.
#[derive(Default)]
struct Scope<'a> {
    bindings: Vec<(&'a str, NodeId)>,
    /// Index + 1 into `bindings` (0: empty), with [`INPUT_BIT`] set when the newest binding
    /// is an input; the length is a power of two, at most half full.
    slots: Vec<u32>,
}

/// Marks a slot whose name is bound to an input (which may not be assigned again).
const INPUT_BIT: u32 = 1 << 31;

/// FNV-1a: names are short, and a general-purpose hash costs more than the rest of a
/// statement's parsing (no untrusted-input DoS concern for a local script).
fn hash(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in name.as_bytes() {
        h = (h ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    // FNV's low bits are poorly mixed (a product's low bits depend only on low bits), and
    // names such as x1, x2, ... differ only there: multiply once more (Fibonacci hashing)
    // and let the caller take the high bits.
    h.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The slot of a hash in a table of `1 << bits` slots: its top bits.
fn home(hash: u64, bits: u32) -> usize {
    (hash >> (64 - bits)) as usize
}

impl<'a> Scope<'a> {
    /// The slot holding `name`, or the empty slot where it would go.
    fn slot(&self, name: &str) -> usize {
        let mask = self.slots.len() - 1;
        let mut slot = home(hash(name), self.slots.len().trailing_zeros());
        loop {
            match self.slots[slot] & !INPUT_BIT {
                0 => return slot,
                k if self.bindings[k as usize - 1].0 == name => return slot,
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    /// The newest binding of `name`, and whether it is an input.
    fn get(&self, name: &str) -> Option<(NodeId, bool)> {
        if self.slots.is_empty() {
            return None;
        }
        let entry = self.slots[self.slot(name)];
        match entry & !INPUT_BIT {
            0 => None,
            k => Some((self.bindings[k as usize - 1].1, entry & INPUT_BIT != 0)),
        }
    }

    fn bind(&mut self, name: &'a str, id: NodeId, is_input: bool) {
        if self.slots.is_empty() {
            self.slots = vec![0; 64];
        }
        let flag = if is_input { INPUT_BIT } else { 0 };
        let slot = self.slot(name);
        match self.slots[slot] & !INPUT_BIT {
            0 => {
                self.bindings.push((name, id));
                // Two billion names cannot fit in memory as text either.
                let index = u32::try_from(self.bindings.len()).unwrap_or(u32::MAX) & !INPUT_BIT;
                self.slots[slot] = index | flag;
                if self.bindings.len() * 2 > self.slots.len() {
                    self.grow();
                }
            }
            k => {
                self.bindings[k as usize - 1].1 = id;
                self.slots[slot] = k | flag;
            }
        }
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        let size = old.len() * 2;
        let bits = size.trailing_zeros();
        self.slots = vec![0; size];
        for entry in old.into_iter().filter(|&e| e & !INPUT_BIT != 0) {
            let name = self.bindings[(entry & !INPUT_BIT) as usize - 1].0;
            let mut slot = home(hash(name), bits);
            while self.slots[slot] != 0 {
                slot = (slot + 1) & (size - 1);
            }
            self.slots[slot] = entry;
        }
    }
}

pub(super) struct Parser<'a, B> {
    lexer: Lexer<'a>,
    lookahead: Option<Token<'a>>,
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
        Self {
            lexer: Lexer::new(source),
            lookahead: None,
            graph: B::default(),
            scope: Scope::default(),
            inputs: Vec::new(),
            keep_inputs: true,
            function_named_variables: false,
            depth: 0,
        }
    }

    #[cold]
    #[inline(never)]
    fn error(&self, offset: usize, message: impl Into<String>) -> ParseError {
        self.lexer.error(offset, message)
    }

    pub(super) fn peek(&mut self) -> Result<Token<'a>, ParseError> {
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

    pub(super) fn bind(&mut self, name: &'a str, id: NodeId, is_input: bool) {
        self.scope.bind(name, id, is_input);
    }

    /// The whole program, with names borrowed from the source.
    pub(super) fn program(mut self) -> Result<Program<B, &'a str>, ParseError> {
        let mut last: Option<(&'a str, NodeId)> = None;
        loop {
            let token = self.advance()?;
            match token.kind {
                Tok::End => break,
                Tok::Newline | Tok::Semi => continue,
                Tok::Name(name) => {
                    let id = self.statement(name, token.offset)?;
                    last = Some((name, id));
                }
                other => {
                    return Err(self.error(
                        token.offset,
                        format!(
                            "expected a statement 'NAME = EXPR', found {}",
                            other.describe()
                        ),
                    ));
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
            bindings: self.scope.bindings,
        })
    }

    /// `NAME = EXPR` followed by a newline, `;` or the end; the name is already consumed.
    fn statement(&mut self, name: &'a str, offset: usize) -> Result<NodeId, ParseError> {
        if Op::from_function_name(name).is_some() {
            return Err(self.error(
                offset,
                format!("'{name}' is a function name and cannot be assigned"),
            ));
        }
        if let Some((_, true)) = self.scope.get(name) {
            return Err(self.error(
                offset,
                format!("'{name}' is an input and cannot be assigned again"),
            ));
        }
        let assign = self.advance()?;
        if assign.kind != Tok::Assign {
            return Err(self.error(
                assign.offset,
                format!(
                    "expected '=' after '{name}', found {}",
                    assign.kind.describe()
                ),
            ));
        }
        let (id, is_input) = match self.input_literal()? {
            Some(value) => {
                let id = self.graph.input(value);
                if self.keep_inputs {
                    self.inputs.push((name, id));
                }
                (id, true)
            }
            None => (self.expression()?, false),
        };
        self.graph.name(id, name);
        self.bind(name, id, is_input);
        let end = self.peek()?;
        match end.kind {
            Tok::Newline | Tok::Semi | Tok::End => Ok(id),
            other => Err(self.error(
                end.offset,
                format!(
                    "unexpected {} (a statement ends at a new line or ';')",
                    other.describe()
                ),
            )),
        }
    }

    /// If the right side is exactly `NUMBER` or `-NUMBER`, consumes it and returns its value.
    fn input_literal(&mut self) -> Result<Option<f64>, ParseError> {
        // Most right sides start with a name or '(': nothing to take back then.
        if !matches!(self.peek()?.kind, Tok::Minus | Tok::Number(_)) {
            return Ok(None);
        }
        let saved_lexer = self.lexer;
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

    fn nest(&mut self, offset: usize) -> Result<(), ParseError> {
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
    pub(super) fn expression(&mut self) -> Result<NodeId, ParseError> {
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
        self.nest(token.offset)?;
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
                self.nest(token.offset)?;
                let inner = self.expression()?;
                self.expect_close(token.offset)?;
                self.depth -= 1;
                Ok(inner)
            }
            Tok::Name(name) => {
                let is_call = self.peek()?.kind == Tok::LParen;
                // The common case first: a variable, not called. No statement can bind a
                // function's name, so asking about functions is only needed when
                // `parse_expression` bound one.
                if !is_call
                    && !self.function_named_variables
                    && let Some((id, _)) = self.scope.get(name)
                {
                    return Ok(id);
                }
                match (Op::from_function_name(name), is_call) {
                    (Some(op), true) => self.call(op, name, token.offset),
                    (Some(_), false) => Err(self.error(
                        token.offset,
                        format!("'{name}' is a function: call it as {name}(...)"),
                    )),
                    (None, true) => {
                        Err(self.error(token.offset, format!("unknown function '{name}'")))
                    }
                    (None, false) => match self.scope.get(name) {
                        Some((id, _)) => Ok(id),
                        None => Err(self.error(token.offset, format!("unknown name '{name}'"))),
                    },
                }
            }
            other => Err(self.error(
                token.offset,
                format!("expected an expression, found {}", other.describe()),
            )),
        }
    }

    fn expect_close(&mut self, open: usize) -> Result<(), ParseError> {
        let close = self.advance()?;
        if close.kind == Tok::RParen {
            return Ok(());
        }
        let open = self.lexer.position(open);
        Err(self.error(
            close.offset,
            format!(
                "expected ')' to close the '(' at {open}, found {}",
                close.kind.describe()
            ),
        ))
    }

    /// `name(arg, ...)`; the name is consumed and the next token is `(`.
    fn call(&mut self, op: Op, name: &str, offset: usize) -> Result<NodeId, ParseError> {
        let open = self.advance()?;
        self.nest(open.offset)?;
        let mut args = [NodeId::end(); 2];
        let mut count = 0;
        if self.peek()?.kind != Tok::RParen {
            loop {
                let arg = self.expression()?;
                if let Some(slot) = args.get_mut(count) {
                    *slot = arg;
                }
                count += 1;
                if self.peek()?.kind != Tok::Comma {
                    break;
                }
                self.advance()?;
            }
        }
        self.expect_close(open.offset)?;
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
