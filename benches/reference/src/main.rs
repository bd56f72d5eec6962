//! The whole-process reference for `backprop-lab grad`: as lean as a flat tape gets.
//!
//! `cargo run --release --manifest-path benches/reference/Cargo.toml -- FILE` prints the same JSON as
//! `backprop-lab grad FILE` (same numbers, same order), so `benches/whole_process.sh`
//! can compare the two programs' time and peak memory on one script. It is a yardstick,
//! not part of the app: no error positions (a bad script exits with status 2), no `--at`.
//!
//! One pass over the bytes parses straight into flat arrays (an op byte, two operand
//! positions and a value per node; a name is an offset into the text, found through an
//! open-addressing table whose slots carry tag bits of the hash, and the slot of the name
//! a statement assigns is prefetched before its right side is parsed: the two ways
//! `grad` found to wait less for memory at a million names, given to the yardstick too);
//! then one forward loop, one `requires_grad` loop, one loop
//! marking the output's ancestors, one reverse loop; numbers are written with `zmij`
//! (the digits of `ryu`, which the first description of this yardstick named, in fewer
//! instructions: the leaner choice, as `grad` makes it).

use std::io::Write;

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

/// 10^0 ..= 10^15, every one exact in f64.
const POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

fn fail(why: &str) -> ! {
    eprintln!("error: {why}");
    std::process::exit(2)
}

/// Every name once, in order of first assignment: where it is in the text, its newest
/// node, whether that node is an input.
struct Binding {
    start: u32,
    len: u32,
    node: u32,
    input: bool,
}

struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
    ops: Vec<u8>,
    args: Vec<[u32; 2]>,
    values: Vec<f64>,
    /// Bit 0: a gradient flows into the node (an input, a named node, or later anything
    /// that uses one); bit 1, in the reverse sweep: the node is an ancestor of the output.
    flags: Vec<u8>,
    bindings: Vec<Binding>,
    /// Open addressing, linear probing: binding index + 1 (0 is empty).
    table: Vec<u32>,
    mask: usize,
}

fn hash(name: &[u8]) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in name {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    // FNV's low bits are poorly mixed: multiply once more and take the top bits.
    h.wrapping_mul(0x9E37_79B9_7F4A_7C15) as usize
}

fn home(h: usize, mask: usize) -> usize {
    h >> (usize::BITS - mask.count_ones())
}

/// The tag of a hash in a table of `mask + 1` slots: the hash bits below the home bits,
/// in the slot's bits above the index.
fn tag(h: usize, mask: usize) -> u32 {
    ((h << mask.count_ones()) >> 32) as u32 & !(mask as u32)
}

impl<'a> Parser<'a> {
    fn skip_blanks(&mut self) {
        loop {
            match self.src.get(self.pos) {
                Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                Some(b'#') => {
                    while !matches!(self.src.get(self.pos), None | Some(b'\n')) {
                        self.pos += 1;
                    }
                }
                _ => return,
            }
        }
    }

    fn peek(&mut self) -> u8 {
        self.skip_blanks();
        self.src.get(self.pos).copied().unwrap_or(0)
    }

    fn name(&mut self) -> (usize, usize) {
        let start = self.pos;
        while matches!(self.src.get(self.pos), Some(c) if c.is_ascii_alphanumeric() || *c == b'_') {
            self.pos += 1;
        }
        (start, self.pos)
    }

    fn number(&mut self) -> f64 {
        let start = self.pos;
        // The digits are gathered into an integer as they are scanned: with at most 15
        // digits and no exponent, one division by an exact power of ten rounds correctly
        // (Clinger's fast path), and the general parser is not needed.
        let mut mantissa: u64 = 0;
        let mut count = 0usize;
        let mut digits = |p: &mut Self| {
            let first = p.pos;
            while let Some(&c @ b'0'..=b'9') = p.src.get(p.pos) {
                mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
                p.pos += 1;
            }
            count += p.pos - first;
            p.pos - first
        };
        digits(self);
        let mut decimals = 0;
        if self.src.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            decimals = digits(self);
        }
        if matches!(self.src.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.src.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            while matches!(self.src.get(self.pos), Some(c) if c.is_ascii_digit()) {
                self.pos += 1;
            }
        } else if count > 0 && count <= 15 {
            return mantissa as f64 / POWERS_OF_TEN[decimals];
        }
        std::str::from_utf8(&self.src[start..self.pos])
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or_else(|| fail("malformed number"))
    }

    /// The slot holding `name`, or the empty slot where it would go. A slot holds the
    /// binding's index + 1 in its low bits and a tag (more bits of the hash) above them,
    /// so that probing past other names does not read their bindings and text.
    fn find(&self, name: &[u8], h: usize) -> (usize, Option<usize>) {
        let (index_mask, tag) = (self.mask as u32, tag(h, self.mask));
        let mut slot = home(h, self.mask);
        loop {
            match self.table[slot] {
                0 => return (slot, None),
                e if e & !index_mask == tag => {
                    let k = (e & index_mask) as usize - 1;
                    let b = &self.bindings[k];
                    if &self.src[b.start as usize..(b.start + b.len) as usize] == name {
                        return (slot, Some(k));
                    }
                }
                _ => {}
            }
            slot = (slot + 1) & self.mask;
        }
    }

    /// Binds a name (hashed `h`) to a node; returns the binding's index.
    fn bind(&mut self, start: usize, end: usize, h: usize, node: u32, input: bool) -> usize {
        let (slot, found) = self.find(&self.src[start..end], h);
        if let Some(k) = found {
            let b = &mut self.bindings[k];
            if b.input {
                fail("an input cannot be assigned again");
            }
            b.node = node;
            b.input = input;
            return k;
        }
        let index = self.bindings.len();
        self.table[slot] = tag(h, self.mask) | (self.bindings.len() as u32 + 1);
        self.bindings.push(Binding {
            start: start as u32,
            len: (end - start) as u32,
            node,
            input,
        });
        if self.bindings.len() * 2 > self.table.len() {
            let size = self.table.len() * 2;
            self.table = vec![0; size];
            self.mask = size - 1;
            for (k, b) in self.bindings.iter().enumerate() {
                let h = hash(&self.src[b.start as usize..(b.start + b.len) as usize]);
                let mut slot = home(h, self.mask);
                while self.table[slot] != 0 {
                    slot = (slot + 1) & self.mask;
                }
                self.table[slot] = tag(h, self.mask) | (k as u32 + 1);
            }
        }
        index
    }

    fn push(&mut self, op: u8, a: u32, b: u32, value: f64) -> u32 {
        self.ops.push(op);
        self.args.push([a, b]);
        self.values.push(value);
        self.flags.push(u8::from(op == INPUT));
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
                let (start, end) = self.name();
                if self.peek() == b'(' {
                    self.pos += 1;
                    let (op, arity) = match &self.src[start..end] {
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
                    return self.push(op, a, b, 0.0);
                }
                match self.find(&self.src[start..end], hash(&self.src[start..end])) {
                    (_, Some(k)) => self.bindings[k].node,
                    _ => fail("unknown name"),
                }
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

    /// The whole program; returns the output's binding.
    fn program(&mut self) -> usize {
        let mut last = None;
        loop {
            match self.peek() {
                0 => break,
                b'\n' | b';' => self.pos += 1,
                _ => {
                    let (start, end) = self.name();
                    if start == end || self.peek() != b'=' {
                        fail("expected a statement 'NAME = EXPR'");
                    }
                    self.pos += 1;
                    let name_hash = hash(&self.src[start..end]);
                    #[cfg(target_arch = "x86_64")]
                    // SAFETY: a prefetch is a hint to the cache; it never faults.
                    unsafe {
                        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                            self.table
                                .as_ptr()
                                .wrapping_add(home(name_hash, self.mask))
                                .cast(),
                        );
                    }
                    // An input: a number literal, optionally negated, alone.
                    let save = self.pos;
                    let mut sign = 1.0;
                    if self.peek() == b'-' {
                        sign = -1.0;
                        self.pos += 1;
                    }
                    let mut input = None;
                    if matches!(self.peek(), b'0'..=b'9' | b'.') {
                        let value = self.number();
                        if matches!(self.peek(), 0 | b'\n' | b';') {
                            input = Some(self.push(INPUT, 0, 0, sign * value));
                        }
                    }
                    let (node, is_input) = match input {
                        Some(node) => (node, true),
                        None => {
                            self.pos = save;
                            let node = self.expression();
                            self.flags[node as usize] = 1;
                            (node, false)
                        }
                    };
                    let binding = self.bind(start, end, name_hash, node, is_input);
                    if !matches!(self.peek(), 0 | b'\n' | b';') {
                        fail("a statement ends at a new line or ';'");
                    }
                    last = Some(binding);
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

fn push_number(out: &mut Vec<u8>, buffer: &mut zmij::Buffer, x: f64) {
    if x.is_finite() {
        let text = buffer.format_finite(x).as_bytes();
        out.extend_from_slice(text);
        // zmij signs a positive exponent (`1e+16`); the answer's form is `1e16`. The sign
        // is 2 to 4 bytes from the end.
        let n = text.len();
        if n >= 4 {
            for back in 2..=4 {
                if text[n - back] == b'+' {
                    out.remove(out.len() - back);
                    break;
                }
            }
        }
    } else if x.is_nan() {
        out.extend_from_slice(b"\"NaN\"");
    } else if x > 0.0 {
        out.extend_from_slice(b"\"Infinity\"");
    } else {
        out.extend_from_slice(b"\"-Infinity\"");
    }
}

fn main() {
    let path = std::env::args_os()
        .nth(1)
        .unwrap_or_else(|| fail("usage: flat-reference FILE"));
    let src = std::fs::read(path).unwrap_or_else(|_| fail("cannot read the file"));
    let stdout = std::io::stdout();
    let _ = run(src, &mut stdout.lock());
}

/// Parses `src`, runs both sweeps and writes the JSON answer to `stdout`.
pub fn run(mut src: Vec<u8>, stdout: &mut impl Write) -> std::io::Result<()> {
    let mut p = Parser {
        src: &src,
        pos: 0,
        ops: Vec::new(),
        args: Vec::new(),
        values: Vec::new(),
        flags: Vec::new(),
        bindings: Vec::new(),
        table: vec![0; 1024],
        mask: 1023,
    };
    let output_binding = p.program();
    let Parser {
        ops,
        args,
        mut values,
        flags: mut flag,
        mut bindings,
        ..
    } = p;
    // Only the names are needed from the text now: pack them at its front (each name's
    // first assignment lies after every earlier binding's) and give the rest back.
    let mut packed = 0;
    for b in &mut bindings {
        let (start, len) = (b.start as usize, b.len as usize);
        src.copy_within(start..start + len, packed);
        b.start = packed as u32;
        packed += len;
    }
    src.truncate(packed);
    src.shrink_to_fit();
    let n = ops.len();
    let out = bindings[output_binding].node as usize;

    // Forward (leaves already hold their values), and requires_grad in the same order.
    for i in 0..n {
        let op = ops[i];
        if op > CONST {
            let [a, b] = args[i];
            values[i] = value(op, values[a as usize], values[b as usize]);
            if flag[i] == 0 {
                let second = if arity(op) == 2 { flag[b as usize] } else { 0 };
                flag[i] = flag[a as usize] | second;
            }
        }
    }
    // The output's ancestors (bit 1 of the flag byte), then the reverse sweep.
    flag[out] |= 2;
    for i in (0..=out).rev() {
        if flag[i] & 2 != 0 && ops[i] > CONST {
            let [a, b] = args[i];
            flag[a as usize] |= 2;
            flag[b as usize] |= 2;
        }
    }
    let mut grads = vec![0.0f64; n];
    grads[out] = 1.0;
    for i in (0..=out).rev() {
        let op = ops[i];
        if flag[i] != 3 || op <= CONST {
            continue;
        }
        let [a, b] = args[i];
        let (a, b) = (a as usize, b as usize);
        let local = locals(op, values[a], values[b], values[i]);
        let upstream = grads[i];
        if flag[a] & 1 != 0 {
            grads[a] += upstream * local[0];
        }
        if arity(op) == 2 && flag[b] & 1 != 0 {
            grads[b] += upstream * local[1];
        }
    }

    // The JSON, written in pieces.
    let mut text: Vec<u8> = Vec::with_capacity(1 << 17);
    let mut buffer = zmij::Buffer::new();
    let name = |b: &Binding| &src[b.start as usize..(b.start + b.len) as usize];
    text.extend_from_slice(b"{\"output\": \"");
    text.extend_from_slice(name(&bindings[output_binding]));
    text.extend_from_slice(b"\", \"value\": ");
    push_number(&mut text, &mut buffer, values[out]);
    for (key, data) in [(&b"values"[..], &values), (&b"gradients"[..], &grads)] {
        text.extend_from_slice(b", \"");
        text.extend_from_slice(key);
        text.extend_from_slice(b"\": {");
        for (k, b) in bindings.iter().enumerate() {
            if k > 0 {
                text.extend_from_slice(b", ");
            }
            text.push(b'"');
            text.extend_from_slice(name(b));
            text.extend_from_slice(b"\": ");
            push_number(&mut text, &mut buffer, data[b.node as usize]);
            if text.len() >= 1 << 16 {
                stdout.write_all(&text)?;
                text.clear();
            }
        }
        text.push(b'}');
    }
    text.extend_from_slice(b"}\n");
    stdout.write_all(&text)?;
    stdout.flush()
}
