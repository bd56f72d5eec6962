//! A plain flat-tape `grad`, the yardstick `backprop-lab grad` must not be slower than.
//!
//! `flat-plain FILE` prints the same JSON as `backprop-lab grad FILE`. Written the obvious
//! way: a byte scanner parsing straight into flat arrays (an op byte, two operand
//! positions, a value and a flag byte per node), names found through
//! `std::collections::HashMap` with the Fx hasher, numbers read by `str::parse`, then
//! one forward loop and one reverse loop, numbers written with `zmij`. No error positions
//! (a bad script exits with status 2), no `--at`, no `unsafe`.

#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::io::Write;

use rustc_hash::FxBuildHasher;

// Operation codes.
const INPUT: u8 = 0;
const CONST: u8 = 1;
const ADD: u8 = 2;
const SUB: u8 = 3;
const MUL: u8 = 4;
const DIV: u8 = 5;
const NEG: u8 = 6;
const POW: u8 = 7;
const EXP: u8 = 8;
const LOG: u8 = 9;
const SQRT: u8 = 10;
const TANH: u8 = 11;
const SIGMOID: u8 = 12;
const RELU: u8 = 13;
const ABS: u8 = 14;
const SIN: u8 = 15;
const COS: u8 = 16;
const MAX: u8 = 17;
const MIN: u8 = 18;
const ROUND: u8 = 19;
const ROUND_STE: u8 = 20;

/// Flag bits: a gradient flows into the node (an input, a named node, anything that uses
/// one); the node is the output or one of its ancestors.
const REQUIRES_GRAD: u8 = 1;
const ON_PATH: u8 = 2;

fn fail(why: &str) -> ! {
    eprintln!("error: {why}");
    std::process::exit(2)
}

/// A name in order of first assignment, its newest node, whether that node is an input.
struct Binding<'a> {
    name: &'a [u8],
    node: u32,
    input: bool,
}

struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
    ops: Vec<u8>,
    args: Vec<[u32; 2]>,
    values: Vec<f64>,
    flags: Vec<u8>,
    bindings: Vec<Binding<'a>>,
    /// Each name's place in `bindings`.
    places: HashMap<&'a [u8], usize, FxBuildHasher>,
}

impl<'a> Parser<'a> {
    /// The next byte that is not blank or in a comment (0 at the end).
    fn peek(&mut self) -> u8 {
        loop {
            match self.src.get(self.pos) {
                Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                Some(b'#') => {
                    while !matches!(self.src.get(self.pos), None | Some(b'\n')) {
                        self.pos += 1;
                    }
                }
                Some(&c) => return c,
                None => return 0,
            }
        }
    }

    fn name(&mut self) -> &'a [u8] {
        let start = self.pos;
        while matches!(self.src.get(self.pos), Some(c) if c.is_ascii_alphanumeric() || *c == b'_') {
            self.pos += 1;
        }
        &self.src[start..self.pos]
    }

    fn number(&mut self) -> f64 {
        let start = self.pos;
        let digits = |p: &mut Self| {
            while matches!(p.src.get(p.pos), Some(c) if c.is_ascii_digit()) {
                p.pos += 1;
            }
        };
        digits(self);
        if self.src.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            digits(self);
        }
        if matches!(self.src.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.src.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            digits(self);
        }
        std::str::from_utf8(&self.src[start..self.pos])
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or_else(|| fail("malformed number"))
    }

    fn push(&mut self, op: u8, a: u32, b: u32, value: f64) -> u32 {
        self.ops.push(op);
        self.args.push([a, b]);
        self.values.push(value);
        self.flags.push(if op == INPUT { REQUIRES_GRAD } else { 0 });
        self.ops.len() as u32 - 1
    }

    fn expression(&mut self) -> u32 {
        let mut left = self.term();
        loop {
            let op = match self.peek() {
                b'+' => ADD,
                b'-' => SUB,
                _ => return left,
            };
            self.pos += 1;
            let right = self.term();
            left = self.push(op, left, right, 0.0);
        }
    }

    fn term(&mut self) -> u32 {
        let mut left = self.unary();
        loop {
            let op = match self.peek() {
                b'*' if self.src.get(self.pos + 1) != Some(&b'*') => MUL,
                b'/' => DIV,
                _ => return left,
            };
            self.pos += 1;
            let right = self.unary();
            left = self.push(op, left, right, 0.0);
        }
    }

    fn unary(&mut self) -> u32 {
        let mut negations = 0;
        loop {
            match self.peek() {
                b'-' => negations += 1,
                b'+' => {}
                _ => break,
            }
            self.pos += 1;
        }
        let mut node = self.power();
        for _ in 0..negations {
            node = self.push(NEG, node, node, 0.0);
        }
        node
    }

    fn power(&mut self) -> u32 {
        let base = self.primary();
        match self.peek() {
            b'^' => self.pos += 1,
            b'*' if self.src.get(self.pos + 1) == Some(&b'*') => self.pos += 2,
            _ => return base,
        }
        let exponent = self.unary();
        self.push(POW, base, exponent, 0.0)
    }

    fn primary(&mut self) -> u32 {
        match self.peek() {
            b'0'..=b'9' | b'.' => {
                let value = self.number();
                self.push(CONST, 0, 0, value)
            }
            b'(' => {
                self.pos += 1;
                let inner = self.expression();
                self.expect(b')');
                inner
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let name = self.name();
                if self.peek() != b'(' {
                    return match self.places.get(name) {
                        Some(&k) => self.bindings[k].node,
                        None => fail("unknown name"),
                    };
                }
                self.pos += 1;
                let (op, arity) = match name {
                    b"exp" => (EXP, 1),
                    b"log" => (LOG, 1),
                    b"sqrt" => (SQRT, 1),
                    b"tanh" => (TANH, 1),
                    b"sigmoid" => (SIGMOID, 1),
                    b"relu" => (RELU, 1),
                    b"abs" => (ABS, 1),
                    b"sin" => (SIN, 1),
                    b"cos" => (COS, 1),
                    b"round" => (ROUND, 1),
                    b"round_ste" => (ROUND_STE, 1),
                    b"max" => (MAX, 2),
                    b"min" => (MIN, 2),
                    b"pow" => (POW, 2),
                    _ => fail("unknown function"),
                };
                let a = self.expression();
                let b = if arity == 2 {
                    self.expect(b',');
                    self.expression()
                } else {
                    a
                };
                self.expect(b')');
                self.push(op, a, b, 0.0)
            }
            _ => fail("expected an expression"),
        }
    }

    fn expect(&mut self, c: u8) {
        if self.peek() != c {
            fail("syntax error");
        }
        self.pos += 1;
    }

    /// A right side that is exactly a number literal, optionally negated: an input.
    fn input_literal(&mut self) -> Option<f64> {
        let save = self.pos;
        let mut sign = 1.0;
        if self.peek() == b'-' {
            sign = -1.0;
            self.pos += 1;
        }
        if matches!(self.peek(), b'0'..=b'9' | b'.') {
            let value = self.number();
            if matches!(self.peek(), 0 | b'\n' | b';') {
                return Some(sign * value);
            }
        }
        self.pos = save;
        None
    }

    /// Binds `name` to `node`; returns the binding's index.
    fn bind(&mut self, name: &'a [u8], node: u32, input: bool) -> usize {
        if let Some(&k) = self.places.get(name) {
            let binding = &mut self.bindings[k];
            if binding.input {
                fail("an input cannot be assigned again");
            }
            binding.node = node;
            binding.input = input;
            return k;
        }
        self.places.insert(name, self.bindings.len());
        self.bindings.push(Binding { name, node, input });
        self.bindings.len() - 1
    }

    /// The whole program; returns the output's binding.
    fn program(&mut self) -> usize {
        let mut last = None;
        loop {
            match self.peek() {
                0 => break,
                b'\n' | b';' => self.pos += 1,
                _ => {
                    let name = self.name();
                    if name.is_empty() || self.peek() != b'=' {
                        fail("expected a statement 'NAME = EXPR'");
                    }
                    self.pos += 1;
                    let (node, input) = match self.input_literal() {
                        Some(value) => (self.push(INPUT, 0, 0, value), true),
                        None => {
                            let node = self.expression();
                            // A name is where blame arrives: the node takes a gradient.
                            self.flags[node as usize] |= REQUIRES_GRAD;
                            (node, false)
                        }
                    };
                    last = Some(self.bind(name, node, input));
                    if !matches!(self.peek(), 0 | b'\n' | b';') {
                        fail("a statement ends at a new line or ';'");
                    }
                }
            }
        }
        last.unwrap_or_else(|| fail("empty program"))
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn tie_step(a: f64, b: f64) -> f64 {
    if a == b {
        0.5
    } else if a < b {
        0.0
    } else {
        1.0
    }
}

fn value(op: u8, a: f64, b: f64) -> f64 {
    match op {
        ADD => a + b,
        SUB => a - b,
        MUL => a * b,
        DIV => a / b,
        NEG => -a,
        POW => a.powf(b),
        EXP => a.exp(),
        LOG => a.ln(),
        SQRT => a.sqrt(),
        TANH => a.tanh(),
        SIGMOID => sigmoid(a),
        RELU => {
            if a > 0.0 || a.is_nan() {
                a
            } else {
                0.0
            }
        }
        ABS => a.abs(),
        SIN => a.sin(),
        COS => a.cos(),
        MAX | MIN if a.is_nan() || b.is_nan() => f64::NAN,
        MAX => a.max(b),
        MIN => a.min(b),
        _ => a.round_ties_even(),
    }
}

fn locals(op: u8, a: f64, b: f64, out: f64) -> [f64; 2] {
    match op {
        ADD => [1.0, 1.0],
        SUB => [1.0, -1.0],
        MUL => [b, a],
        DIV => [1.0 / b, -a / (b * b)],
        NEG => [-1.0, 0.0],
        POW => [
            if b == 0.0 { 0.0 } else { b * a.powf(b - 1.0) },
            if a == 0.0 && b >= 0.0 {
                0.0
            } else {
                a.powf(b) * a.ln()
            },
        ],
        EXP => [out, 0.0],
        LOG => [1.0 / a, 0.0],
        SQRT => [0.5 / out, 0.0],
        TANH => [1.0 - out * out, 0.0],
        SIGMOID => [out * (1.0 - out), 0.0],
        RELU => [if a <= 0.0 { 0.0 } else { 1.0 }, 0.0],
        ABS => [
            if a > 0.0 {
                1.0
            } else if a < 0.0 {
                -1.0
            } else if a.is_nan() {
                f64::NAN
            } else {
                0.0
            },
            0.0,
        ],
        SIN => [a.cos(), 0.0],
        COS => [-a.sin(), 0.0],
        MAX => [tie_step(a, b), tie_step(b, a)],
        MIN => [tie_step(b, a), tie_step(a, b)],
        ROUND_STE => [1.0, 0.0],
        _ => [0.0, 0.0],
    }
}

fn arity(op: u8) -> usize {
    match op {
        INPUT | CONST => 0,
        ADD | SUB | MUL | DIV | POW | MAX | MIN => 2,
        _ => 1,
    }
}

fn write_number(out: &mut impl Write, buffer: &mut zmij::Buffer, x: f64) -> std::io::Result<()> {
    if x.is_nan() {
        out.write_all(b"\"NaN\"")
    } else if x == f64::INFINITY {
        out.write_all(b"\"Infinity\"")
    } else if x == f64::NEG_INFINITY {
        out.write_all(b"\"-Infinity\"")
    } else {
        // zmij signs a positive exponent (`1e+16`); the answer's form is `1e16`.
        let text = buffer.format_finite(x).as_bytes();
        match text.iter().position(|&b| b == b'+') {
            Some(plus) => {
                out.write_all(&text[..plus])?;
                out.write_all(&text[plus + 1..])
            }
            None => out.write_all(text),
        }
    }
}

fn main() {
    let path = std::env::args_os()
        .nth(1)
        .unwrap_or_else(|| fail("usage: flat-plain FILE"));
    let src = std::fs::read(path).unwrap_or_else(|_| fail("cannot read the file"));
    let mut p = Parser {
        src: &src,
        pos: 0,
        ops: Vec::new(),
        args: Vec::new(),
        values: Vec::new(),
        flags: Vec::new(),
        bindings: Vec::new(),
        places: HashMap::default(),
    };
    let output = p.program();
    let Parser {
        ops,
        args,
        mut values,
        mut flags,
        bindings,
        places,
        ..
    } = p;
    drop(places);
    let out = bindings[output].node as usize;

    // Forward: every operation's value, and whether a gradient flows into it.
    for i in 0..ops.len() {
        let op = ops[i];
        if arity(op) > 0 {
            let [a, b] = args[i];
            values[i] = value(op, values[a as usize], values[b as usize]);
            let second = if arity(op) == 2 { flags[b as usize] } else { 0 };
            flags[i] |= (flags[a as usize] | second) & REQUIRES_GRAD;
        }
    }
    // Reverse: the output's ancestors are marked as the sweep reaches them (a node the
    // output does not use must not pour 0·∞ = NaN into shared operands).
    let mut grads = vec![0.0f64; ops.len()];
    grads[out] = 1.0;
    flags[out] |= ON_PATH;
    for i in (0..=out).rev() {
        let op = ops[i];
        if flags[i] & ON_PATH == 0 || arity(op) == 0 {
            continue;
        }
        let [a, b] = args[i];
        let operands = &[a as usize, b as usize][..arity(op)];
        for &k in operands {
            flags[k] |= ON_PATH;
        }
        if flags[i] & REQUIRES_GRAD == 0 {
            continue;
        }
        let local = locals(op, values[a as usize], values[b as usize], values[i]);
        for (&k, slope) in operands.iter().zip(local) {
            if flags[k] & REQUIRES_GRAD != 0 {
                grads[k] += grads[i] * slope;
            }
        }
    }

    let stdout = std::io::stdout();
    let mut out_file = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let written = (|| {
        let o = &mut out_file;
        let mut buffer = zmij::Buffer::new();
        o.write_all(b"{\"output\": \"")?;
        o.write_all(bindings[output].name)?;
        o.write_all(b"\", \"value\": ")?;
        write_number(o, &mut buffer, values[out])?;
        for (key, data) in [("values", &values), ("gradients", &grads)] {
            write!(o, ", \"{key}\": {{")?;
            for (k, binding) in bindings.iter().enumerate() {
                if k > 0 {
                    o.write_all(b", ")?;
                }
                o.write_all(b"\"")?;
                o.write_all(binding.name)?;
                o.write_all(b"\": ")?;
                write_number(o, &mut buffer, data[binding.node as usize])?;
            }
            o.write_all(b"}")?;
        }
        o.write_all(b"}\n")?;
        o.flush()
    })();
    if let Err(error) = written {
        fail(&format!("cannot write the output: {error}"));
    }
}
