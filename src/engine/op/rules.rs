//! Every operation's rules, one `impl Rule` each, in the order of the list below: value,
//! local derivatives, the same derivatives as graph nodes, their tangents, and the
//! operation's Python and PyTorch text. A new operation is an entry in the list and its
//! `impl` here, plus its tests (`tests/properties.rs`, `tests/codegen.rs`).

use super::{Builder, Code, Local, Operands, PythonHelper, Rule, Tangents, sum};

operations! {
    /// A value the learner may edit.
    Input,
    /// A fixed number written in the program.
    Const,
    /// `a + b`
    Add,
    /// `a - b`
    Sub,
    /// `a * b`
    Mul,
    /// `a / b`
    Div,
    /// `-a`
    Neg,
    /// `a ^ b`
    Pow,
    /// `exp(a)`
    Exp,
    /// `log(a)` (natural logarithm)
    Log,
    /// `sqrt(a)`
    Sqrt,
    /// `tanh(a)`
    Tanh,
    /// `sigmoid(a) = 1 / (1 + exp(-a))`
    Sigmoid,
    /// `relu(a) = max(0, a)`
    Relu,
    /// `abs(a)`
    Abs,
    /// `sin(a)`
    Sin,
    /// `cos(a)`
    Cos,
    /// `max(a, b)`
    Max,
    /// `min(a, b)`
    Min,
    /// `round(a)`: rounds half to even, as PyTorch does; its gradient is 0.
    Round,
    /// `round_ste(a)`: rounds forward, passes the gradient straight through backward.
    RoundSte,
    /// Internal (built by the second-order pass): the derivative of `relu`, 1 where `a > 0`.
    Step,
    /// Internal: the derivative of `abs`, the sign of `a` (0 at 0).
    Sign,
    /// Internal: the derivative of `max(a, b)` with respect to `a`: 1, 0, or 1/2 on a tie.
    TieStep,
    /// Internal: `d(a^b)/da`, which is 0 when `b = 0` (PyTorch's mask).
    PowGradBase,
    /// Internal: `d(a^b)/db`, which is 0 when `a = 0` and `b >= 0` (PyTorch's mask).
    PowGradExp,
}

use Local::{MinusOne, Node, One, Zero};

// ---------------------------------------------------------------------------------------
// Leaves: their value is the node's own number; nothing flows through them.

impl Rule for Input {
    const SYMBOL: &'static str = "input";
    const FUNCTION: Option<&'static str> = None;
    const ARITY: usize = 0;
    fn value(a: f64, _: f64) -> f64 {
        a
    }
    fn local_derivatives(_: f64, _: f64, _: f64) -> [f64; 2] {
        [0.0, 0.0]
    }
    fn local_derivative_nodes<B: Builder>(_: &mut B, _: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        [Zero, Zero]
    }
    fn local_tangents(_: &Tangents) -> [Option<f64>; 2] {
        [None, None]
    }
    fn python_value(c: &Code<'_>) -> String {
        c.a.to_owned()
    }
    fn python_locals(_: &Code<'_>) -> Vec<String> {
        vec![]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        torch_leaf(c)
    }
}

impl Rule for Const {
    const SYMBOL: &'static str = "const";
    const FUNCTION: Option<&'static str> = None;
    const ARITY: usize = 0;
    fn value(a: f64, _: f64) -> f64 {
        a
    }
    fn local_derivatives(_: f64, _: f64, _: f64) -> [f64; 2] {
        [0.0, 0.0]
    }
    fn local_derivative_nodes<B: Builder>(_: &mut B, _: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        [Zero, Zero]
    }
    fn local_tangents(_: &Tangents) -> [Option<f64>; 2] {
        [None, None]
    }
    fn python_value(c: &Code<'_>) -> String {
        c.a.to_owned()
    }
    fn python_locals(_: &Code<'_>) -> Vec<String> {
        vec![]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        torch_leaf(c)
    }
}

/// A leaf tensor; one that takes a gradient is made with `requires_grad=True`.
fn torch_leaf(c: &Code<'_>) -> String {
    if c.requires_grad {
        format!(
            "torch.tensor({}, dtype=torch.float64, requires_grad=True)",
            c.a
        )
    } else {
        format!("torch.tensor({}, dtype=torch.float64)", c.a)
    }
}

// ---------------------------------------------------------------------------------------
// Arithmetic.

impl Rule for Add {
    const SYMBOL: &'static str = "+";
    const FUNCTION: Option<&'static str> = None;
    const ARITY: usize = 2;
    fn value(a: f64, b: f64) -> f64 {
        a + b
    }
    fn local_derivatives(_: f64, _: f64, _: f64) -> [f64; 2] {
        [1.0, 1.0]
    }
    fn local_derivative_nodes<B: Builder>(_: &mut B, _: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        [One, One]
    }
    // Constant local derivatives: no tangent.
    fn local_tangents(_: &Tangents) -> [Option<f64>; 2] {
        [None, None]
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("{} + {}", c.a, c.b)
    }
    fn python_locals(_: &Code<'_>) -> Vec<String> {
        vec!["1.0".into(), "1.0".into()]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        format!("{} + {}", c.a, c.b)
    }
}

impl Rule for Sub {
    const SYMBOL: &'static str = "−";
    const FUNCTION: Option<&'static str> = None;
    const ARITY: usize = 2;
    fn value(a: f64, b: f64) -> f64 {
        a - b
    }
    fn local_derivatives(_: f64, _: f64, _: f64) -> [f64; 2] {
        [1.0, -1.0]
    }
    fn local_derivative_nodes<B: Builder>(_: &mut B, _: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        [One, MinusOne]
    }
    fn local_tangents(_: &Tangents) -> [Option<f64>; 2] {
        [None, None]
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("{} - {}", c.a, c.b)
    }
    fn python_locals(_: &Code<'_>) -> Vec<String> {
        vec!["1.0".into(), "-1.0".into()]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        format!("{} - {}", c.a, c.b)
    }
}

impl Rule for Mul {
    const SYMBOL: &'static str = "×";
    const FUNCTION: Option<&'static str> = None;
    const ARITY: usize = 2;
    fn value(a: f64, b: f64) -> f64 {
        a * b
    }
    fn local_derivatives(a: f64, b: f64, _: f64) -> [f64; 2] {
        [b, a]
    }
    fn local_derivative_nodes<B: Builder>(_: &mut B, n: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        [Node(n.b), Node(n.a)]
    }
    fn local_tangents(t: &Tangents) -> [Option<f64>; 2] {
        [t.through_b(1.0), t.through_a(1.0)]
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("{} * {}", c.a, c.b)
    }
    fn python_locals(c: &Code<'_>) -> Vec<String> {
        vec![c.b.to_owned(), c.a.to_owned()]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        format!("{} * {}", c.a, c.b)
    }
}

impl Rule for Div {
    const SYMBOL: &'static str = "÷";
    const FUNCTION: Option<&'static str> = None;
    const ARITY: usize = 2;
    fn value(a: f64, b: f64) -> f64 {
        a / b
    }
    fn local_derivatives(a: f64, b: f64, _: f64) -> [f64; 2] {
        [1.0 / b, -a / (b * b)]
    }
    fn local_derivative_nodes<B: Builder>(g: &mut B, n: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        let one = g.constant(1.0);
        let inv = g.op(Op::Div, &[one, n.b]);
        if !n.needs_b {
            return [Node(inv), Zero];
        }
        let bb = g.op(Op::Mul, &[n.b, n.b]);
        let q = g.op(Op::Div, &[n.a, bb]);
        [Node(inv), Node(g.op(Op::Neg, &[q]))]
    }
    fn local_tangents(t: &Tangents) -> [Option<f64>; 2] {
        let bb = t.b * t.b;
        let da = t.through_b(-1.0 / bb);
        let db = if t.needs_b {
            sum(t.through_a(-1.0 / bb), t.through_b(2.0 * t.a / (bb * t.b)))
        } else {
            None
        };
        [da, db]
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("{} / {}", c.a, c.b)
    }
    fn python_locals(c: &Code<'_>) -> Vec<String> {
        vec![format!("1.0 / {}", c.b), format!("-{} / {} ** 2", c.a, c.b)]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        format!("{} / {}", c.a, c.b)
    }
}

impl Rule for Neg {
    const SYMBOL: &'static str = "neg";
    const FUNCTION: Option<&'static str> = None;
    const ARITY: usize = 1;
    fn value(a: f64, _: f64) -> f64 {
        -a
    }
    fn local_derivatives(_: f64, _: f64, _: f64) -> [f64; 2] {
        [-1.0, 0.0]
    }
    fn local_derivative_nodes<B: Builder>(_: &mut B, _: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        [MinusOne, Zero]
    }
    fn local_tangents(_: &Tangents) -> [Option<f64>; 2] {
        [None, None]
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("-{}", c.a)
    }
    fn python_locals(_: &Code<'_>) -> Vec<String> {
        vec!["-1.0".into()]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        format!("-{}", c.a)
    }
}

// ---------------------------------------------------------------------------------------
// The power `a ^ b`, and the two partials its drawn backward pass is built from.

/// Python's `**` raises where C's `pow` (the engine's and PyTorch's) gives inf, and gives
/// a complex number where `pow` gives NaN.
const POWER: PythonHelper = PythonHelper {
    name: "power",
    code: "def power(a, b):\n    \
           # a ** b as the app and PyTorch compute it (C's pow), where Python raises or\n    \
           # gives a complex number: nan for a negative base and a non-integer exponent,\n    \
           # inf for 0 to a negative power and on overflow.\n    \
           try:\n        return math.pow(a, b)\n    \
           except ValueError:\n        \
           if a != 0:\n            return math.nan\n        \
           return math.copysign(math.inf, a) if b % 2 == 1 else math.inf\n    \
           except OverflowError:\n        \
           return -math.inf if a < 0 and b % 2 == 1 else math.inf\n",
};

/// Python's `math.log` raises at 0 and below, where the engine (and PyTorch) gives −inf
/// and NaN.
const LOG: PythonHelper = PythonHelper {
    name: "log",
    code: "def log(x):\n    \
           # math.log raises at 0 and below, where the app and PyTorch give -inf and nan.\n    \
           return math.log(x) if x > 0 else (-math.inf if x == 0 else math.nan)\n",
};

/// `d(a^b)/da = b·a^(b-1)`, masked to 0 when `b = 0` as in PyTorch.
fn pow_grad_base(a: f64, b: f64) -> f64 {
    if b == 0.0 { 0.0 } else { b * a.powf(b - 1.0) }
}

/// `d(a^b)/db = a^b·ln(a)`, masked to 0 when `a = 0` and `b >= 0` as in PyTorch; NaN
/// for `a < 0`, where `ln(a)` is.
fn pow_grad_exp(a: f64, b: f64) -> f64 {
    if a == 0.0 && b >= 0.0 {
        0.0
    } else {
        a.powf(b) * a.ln()
    }
}

/// [`pow_grad_base`] in Python.
fn python_pow_grad_base(a: &str, b: &str) -> String {
    format!("({b} * power({a}, {b} - 1) if {b} != 0 else 0.0)")
}

impl Rule for Pow {
    const SYMBOL: &'static str = "^";
    const FUNCTION: Option<&'static str> = Some("pow");
    const ARITY: usize = 2;
    const PYTHON_HELPERS: &'static [PythonHelper] = &[POWER, LOG];
    fn value(a: f64, b: f64) -> f64 {
        a.powf(b)
    }
    fn local_derivatives(a: f64, b: f64, _: f64) -> [f64; 2] {
        [pow_grad_base(a, b), pow_grad_exp(a, b)]
    }
    fn local_derivative_nodes<B: Builder>(g: &mut B, n: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        [
            Node(g.op(Op::PowGradBase, &[n.a, n.b])),
            if n.needs_b {
                Node(g.op(Op::PowGradExp, &[n.a, n.b]))
            } else {
                Zero
            },
        ]
    }
    fn local_tangents(t: &Tangents) -> [Option<f64>; 2] {
        let [daa, dab] = PowGradBase::local_derivatives(t.a, t.b, f64::NAN);
        let da = sum(t.through_a(daa), t.through_b(dab));
        let db = if t.needs_b {
            let [dba, dbb] = PowGradExp::local_derivatives(t.a, t.b, f64::NAN);
            sum(t.through_a(dba), t.through_b(dbb))
        } else {
            None
        };
        [da, db]
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("power({}, {})", c.a, c.b)
    }
    fn python_locals(c: &Code<'_>) -> Vec<String> {
        let (a, b, me) = (c.a, c.b, c.me);
        vec![
            python_pow_grad_base(a, b),
            format!("(0.0 if {a} == 0 and {b} >= 0 else {me} * log({a}))"),
        ]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        format!("torch.pow({}, {})", c.a, c.b)
    }
}

impl Rule for PowGradBase {
    const SYMBOL: &'static str = "pow_grad_base";
    const FUNCTION: Option<&'static str> = None;
    const ARITY: usize = 2;
    const INTERNAL: bool = true;
    const PYTHON_HELPERS: &'static [PythonHelper] = &[POWER, LOG];
    fn value(a: f64, b: f64) -> f64 {
        pow_grad_base(a, b)
    }
    fn local_derivatives(a: f64, b: f64, _: f64) -> [f64; 2] {
        if b == 0.0 {
            [0.0, 0.0]
        } else {
            let da = if b == 1.0 {
                0.0
            } else {
                b * (b - 1.0) * a.powf(b - 2.0)
            };
            [da, a.powf(b - 1.0) * (1.0 + b * a.ln())]
        }
    }
    fn local_derivative_nodes<B: Builder>(g: &mut B, n: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        // d/da (b·a^(b-1)) = b·[(b-1)·a^(b-2)], d/db = a^(b-1)·(1 + b·ln a).
        let (a, b) = (n.a, n.b);
        let one = g.constant(1.0);
        let b1 = g.op(Op::Sub, &[b, one]);
        let inner = g.op(Op::PowGradBase, &[a, b1]);
        let da = g.op(Op::Mul, &[b, inner]);
        let p = g.op(Op::Pow, &[a, b1]);
        let ln = g.op(Op::Log, &[a]);
        let bl = g.op(Op::Mul, &[b, ln]);
        let s = g.op(Op::Add, &[one, bl]);
        let db = g.op(Op::Mul, &[p, s]);
        [Node(da), Node(db)]
    }
    // Not reached: the forward-over-reverse sweeps refuse tapes holding it.
    fn local_tangents(_: &Tangents) -> [Option<f64>; 2] {
        [Some(f64::NAN), Some(f64::NAN)]
    }
    fn python_value(c: &Code<'_>) -> String {
        python_pow_grad_base(c.a, c.b)
    }
    fn python_locals(c: &Code<'_>) -> Vec<String> {
        let (a, b) = (c.a, c.b);
        vec![
            format!("(0.0 if {b} == 0 or {b} == 1 else {b} * ({b} - 1) * power({a}, {b} - 2))"),
            format!("(0.0 if {b} == 0 else power({a}, {b} - 1) * (1.0 + {b} * log({a})))"),
        ]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        let (a, b) = (c.a, c.b);
        format!("torch.where({b} == 0, 0.0 * {a}, {b} * torch.pow({a}, {b} - 1))")
    }
}

impl Rule for PowGradExp {
    const SYMBOL: &'static str = "pow_grad_exp";
    const FUNCTION: Option<&'static str> = None;
    const ARITY: usize = 2;
    const INTERNAL: bool = true;
    const PYTHON_HELPERS: &'static [PythonHelper] = &[POWER, LOG];
    fn value(a: f64, b: f64) -> f64 {
        pow_grad_exp(a, b)
    }
    fn local_derivatives(a: f64, b: f64, _: f64) -> [f64; 2] {
        if a == 0.0 && b >= 0.0 {
            [0.0, 0.0]
        } else {
            let ln_a = a.ln();
            [a.powf(b - 1.0) * (b * ln_a + 1.0), a.powf(b) * ln_a * ln_a]
        }
    }
    fn local_derivative_nodes<B: Builder>(g: &mut B, n: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        // d/da (a^b·ln a) = a^(b-1)·(b·ln a + 1), d/db = a^b·ln²a.
        let (a, b) = (n.a, n.b);
        let one = g.constant(1.0);
        let b1 = g.op(Op::Sub, &[b, one]);
        let p = g.op(Op::Pow, &[a, b1]);
        let ln = g.op(Op::Log, &[a]);
        let bl = g.op(Op::Mul, &[b, ln]);
        let s = g.op(Op::Add, &[bl, one]);
        let da = g.op(Op::Mul, &[p, s]);
        let db = g.op(Op::Mul, &[n.out, ln]);
        [Node(da), Node(db)]
    }
    // Not reached: the forward-over-reverse sweeps refuse tapes holding it.
    fn local_tangents(_: &Tangents) -> [Option<f64>; 2] {
        [Some(f64::NAN), Some(f64::NAN)]
    }
    fn python_value(c: &Code<'_>) -> String {
        let (a, b) = (c.a, c.b);
        format!("(0.0 if {a} == 0 and {b} >= 0 else power({a}, {b}) * log({a}))")
    }
    fn python_locals(c: &Code<'_>) -> Vec<String> {
        let (a, b) = (c.a, c.b);
        vec![
            format!(
                "(0.0 if {a} == 0 and {b} >= 0 else power({a}, {b} - 1) * ({b} * log({a}) + 1.0))"
            ),
            format!("(0.0 if {a} == 0 and {b} >= 0 else power({a}, {b}) * log({a}) * log({a}))"),
        ]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        let (a, b) = (c.a, c.b);
        format!(
            "torch.where(({a} == 0) & ({b} >= 0), 0.0 * {a}, torch.pow({a}, {b}) * torch.log({a}))"
        )
    }
}

// ---------------------------------------------------------------------------------------
// Smooth functions of one operand.

impl Rule for Exp {
    const SYMBOL: &'static str = "exp";
    const FUNCTION: Option<&'static str> = Some("exp");
    const ARITY: usize = 1;
    fn value(a: f64, _: f64) -> f64 {
        a.exp()
    }
    fn local_derivatives(_: f64, _: f64, out: f64) -> [f64; 2] {
        [out, 0.0]
    }
    fn local_derivative_nodes<B: Builder>(_: &mut B, n: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        [Node(n.out), Zero]
    }
    fn local_tangents(t: &Tangents) -> [Option<f64>; 2] {
        [t.through_a(t.out), None]
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("math.exp({})", c.a)
    }
    fn python_locals(c: &Code<'_>) -> Vec<String> {
        vec![c.me.to_owned()]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        format!("torch.exp({})", c.a)
    }
}

impl Rule for Log {
    const SYMBOL: &'static str = "log";
    const FUNCTION: Option<&'static str> = Some("log");
    const ARITY: usize = 1;
    const PYTHON_HELPERS: &'static [PythonHelper] = &[LOG];
    fn value(a: f64, _: f64) -> f64 {
        a.ln()
    }
    fn local_derivatives(a: f64, _: f64, _: f64) -> [f64; 2] {
        [1.0 / a, 0.0]
    }
    fn local_derivative_nodes<B: Builder>(g: &mut B, n: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        let one = g.constant(1.0);
        [Node(g.op(Op::Div, &[one, n.a])), Zero]
    }
    fn local_tangents(t: &Tangents) -> [Option<f64>; 2] {
        [t.through_a(-1.0 / (t.a * t.a)), None]
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("log({})", c.a)
    }
    fn python_locals(c: &Code<'_>) -> Vec<String> {
        vec![format!("1.0 / {}", c.a)]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        format!("torch.log({})", c.a)
    }
}

impl Rule for Sqrt {
    const SYMBOL: &'static str = "sqrt";
    const FUNCTION: Option<&'static str> = Some("sqrt");
    const ARITY: usize = 1;
    fn value(a: f64, _: f64) -> f64 {
        a.sqrt()
    }
    fn local_derivatives(_: f64, _: f64, out: f64) -> [f64; 2] {
        [0.5 / out, 0.0]
    }
    fn local_derivative_nodes<B: Builder>(g: &mut B, n: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        let half = g.constant(0.5);
        [Node(g.op(Op::Div, &[half, n.out])), Zero]
    }
    fn local_tangents(t: &Tangents) -> [Option<f64>; 2] {
        let out = t.out;
        [t.through_a(-0.5 / (out * out) * (0.5 / out)), None]
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("math.sqrt({})", c.a)
    }
    fn python_locals(c: &Code<'_>) -> Vec<String> {
        vec![format!("0.5 / {}", c.me)]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        format!("torch.sqrt({})", c.a)
    }
}

impl Rule for Tanh {
    const SYMBOL: &'static str = "tanh";
    const FUNCTION: Option<&'static str> = Some("tanh");
    const ARITY: usize = 1;
    fn value(a: f64, _: f64) -> f64 {
        a.tanh()
    }
    fn local_derivatives(_: f64, _: f64, out: f64) -> [f64; 2] {
        [1.0 - out * out, 0.0]
    }
    fn local_derivative_nodes<B: Builder>(g: &mut B, n: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        let one = g.constant(1.0);
        let sq = g.op(Op::Mul, &[n.out, n.out]);
        [Node(g.op(Op::Sub, &[one, sq])), Zero]
    }
    fn local_tangents(t: &Tangents) -> [Option<f64>; 2] {
        let out = t.out;
        [t.through_a(-2.0 * out * (1.0 - out * out)), None]
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("math.tanh({})", c.a)
    }
    fn python_locals(c: &Code<'_>) -> Vec<String> {
        vec![format!("1.0 - {} ** 2", c.me)]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        format!("torch.tanh({})", c.a)
    }
}

/// The logistic function, computed as PyTorch does (`1 / (1 + exp(-x))`), so results agree
/// to the last bit; for very negative `x`, `exp(-x)` is infinite and the value is exactly 0.
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

impl Rule for Sigmoid {
    const SYMBOL: &'static str = "σ";
    const FUNCTION: Option<&'static str> = Some("sigmoid");
    const ARITY: usize = 1;
    const PYTHON_HELPERS: &'static [PythonHelper] = &[PythonHelper {
        name: "sigmoid",
        code: "def sigmoid(x):\n    return 1.0 / (1.0 + math.exp(-x))\n",
    }];
    fn value(a: f64, _: f64) -> f64 {
        sigmoid(a)
    }
    fn local_derivatives(_: f64, _: f64, out: f64) -> [f64; 2] {
        [out * (1.0 - out), 0.0]
    }
    fn local_derivative_nodes<B: Builder>(g: &mut B, n: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        let one = g.constant(1.0);
        let rest = g.op(Op::Sub, &[one, n.out]);
        [Node(g.op(Op::Mul, &[n.out, rest])), Zero]
    }
    fn local_tangents(t: &Tangents) -> [Option<f64>; 2] {
        let out = t.out;
        [t.through_a((1.0 - 2.0 * out) * (out * (1.0 - out))), None]
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("sigmoid({})", c.a)
    }
    fn python_locals(c: &Code<'_>) -> Vec<String> {
        vec![format!("{me} * (1.0 - {me})", me = c.me)]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        format!("torch.sigmoid({})", c.a)
    }
}

impl Rule for Sin {
    const SYMBOL: &'static str = "sin";
    const FUNCTION: Option<&'static str> = Some("sin");
    const ARITY: usize = 1;
    fn value(a: f64, _: f64) -> f64 {
        a.sin()
    }
    fn local_derivatives(a: f64, _: f64, _: f64) -> [f64; 2] {
        [a.cos(), 0.0]
    }
    fn local_derivative_nodes<B: Builder>(g: &mut B, n: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        [Node(g.op(Op::Cos, &[n.a])), Zero]
    }
    // sin'' = −sin: minus the node's own value.
    fn local_tangents(t: &Tangents) -> [Option<f64>; 2] {
        [t.through_a(-t.out), None]
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("math.sin({})", c.a)
    }
    fn python_locals(c: &Code<'_>) -> Vec<String> {
        vec![format!("math.cos({})", c.a)]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        format!("torch.sin({})", c.a)
    }
}

impl Rule for Cos {
    const SYMBOL: &'static str = "cos";
    const FUNCTION: Option<&'static str> = Some("cos");
    const ARITY: usize = 1;
    fn value(a: f64, _: f64) -> f64 {
        a.cos()
    }
    fn local_derivatives(a: f64, _: f64, _: f64) -> [f64; 2] {
        [-a.sin(), 0.0]
    }
    fn local_derivative_nodes<B: Builder>(g: &mut B, n: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        let s = g.op(Op::Sin, &[n.a]);
        [Node(g.op(Op::Neg, &[s])), Zero]
    }
    // cos'' = −cos: minus the node's own value.
    fn local_tangents(t: &Tangents) -> [Option<f64>; 2] {
        [t.through_a(-t.out), None]
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("math.cos({})", c.a)
    }
    fn python_locals(c: &Code<'_>) -> Vec<String> {
        vec![format!("-math.sin({})", c.a)]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        format!("torch.cos({})", c.a)
    }
}

// ---------------------------------------------------------------------------------------
// Piecewise functions, with PyTorch's conventions at their kinks. Their local derivatives
// are piecewise constant: zero slope, but a slope, so a tangent exists (0·ȧ).

/// Slope of relu: 0 at and below 0 (PyTorch's convention), 1 above; NaN passes the gradient.
fn relu_slope(a: f64) -> f64 {
    if a <= 0.0 { 0.0 } else { 1.0 }
}

/// Sign with `sign(0) = 0`, the subgradient PyTorch uses for `abs`.
fn sign(a: f64) -> f64 {
    if a > 0.0 {
        1.0
    } else if a < 0.0 {
        -1.0
    } else if a.is_nan() {
        f64::NAN
    } else {
        0.0
    }
}

/// Python's sign with sign(0) = 0 and NaN kept, as the engine's.
fn python_sign(a: &str) -> String {
    format!("(1.0 if {a} > 0 else (-1.0 if {a} < 0 else ({a} if {a} != {a} else 0.0)))")
}

/// Share of a `max(a, b)` gradient that goes to `a` (PyTorch: half each on a tie; with NaN
/// neither comparison holds, so both sides receive the full gradient).
fn tie_step(a: f64, b: f64) -> f64 {
    if a == b {
        0.5
    } else if a < b {
        0.0
    } else {
        1.0
    }
}

/// [`tie_step`] in Python.
const TIE: PythonHelper = PythonHelper {
    name: "tie",
    code: "def tie(a, b):\n    \
           # max/min on a tie send half of the gradient to each side\n    \
           return 1.0 if a > b else (0.5 if a == b else 0.0)\n",
};

/// The tangents of a piecewise-constant local derivative of both operands (`max`, `min`).
fn flat_in_both(t: &Tangents) -> [Option<f64>; 2] {
    let zero = || sum(t.through_a(0.0), t.through_b(0.0));
    [zero(), zero()]
}

/// The comment that marks a piecewise-constant local derivative in Python.
const PIECEWISE_CONSTANT: &str = "0.0  # piecewise constant";

impl Rule for Relu {
    const SYMBOL: &'static str = "relu";
    const FUNCTION: Option<&'static str> = Some("relu");
    const ARITY: usize = 1;
    // NaN propagates, as in PyTorch.
    fn value(a: f64, _: f64) -> f64 {
        if a > 0.0 || a.is_nan() { a } else { 0.0 }
    }
    fn local_derivatives(a: f64, _: f64, _: f64) -> [f64; 2] {
        [relu_slope(a), 0.0]
    }
    fn local_derivative_nodes<B: Builder>(g: &mut B, n: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        [Node(g.op(Op::Step, &[n.a])), Zero]
    }
    fn local_tangents(t: &Tangents) -> [Option<f64>; 2] {
        [t.through_a(0.0), None]
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("max(0.0, {})", c.a)
    }
    fn python_locals(c: &Code<'_>) -> Vec<String> {
        vec![format!("(1.0 if {} > 0 else 0.0)", c.a)]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        format!("torch.relu({})", c.a)
    }
}

impl Rule for Abs {
    const SYMBOL: &'static str = "abs";
    const FUNCTION: Option<&'static str> = Some("abs");
    const ARITY: usize = 1;
    fn value(a: f64, _: f64) -> f64 {
        a.abs()
    }
    fn local_derivatives(a: f64, _: f64, _: f64) -> [f64; 2] {
        [sign(a), 0.0]
    }
    fn local_derivative_nodes<B: Builder>(g: &mut B, n: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        [Node(g.op(Op::Sign, &[n.a])), Zero]
    }
    fn local_tangents(t: &Tangents) -> [Option<f64>; 2] {
        [t.through_a(0.0), None]
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("abs({})", c.a)
    }
    fn python_locals(c: &Code<'_>) -> Vec<String> {
        vec![python_sign(c.a)]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        format!("torch.abs({})", c.a)
    }
}

impl Rule for Max {
    const SYMBOL: &'static str = "max";
    const FUNCTION: Option<&'static str> = Some("max");
    const ARITY: usize = 2;
    const PYTHON_HELPERS: &'static [PythonHelper] = &[TIE];
    fn value(a: f64, b: f64) -> f64 {
        if a.is_nan() || b.is_nan() {
            f64::NAN
        } else {
            a.max(b)
        }
    }
    fn local_derivatives(a: f64, b: f64, _: f64) -> [f64; 2] {
        [tie_step(a, b), tie_step(b, a)]
    }
    fn local_derivative_nodes<B: Builder>(g: &mut B, n: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        [
            Node(g.op(Op::TieStep, &[n.a, n.b])),
            Node(g.op(Op::TieStep, &[n.b, n.a])),
        ]
    }
    fn local_tangents(t: &Tangents) -> [Option<f64>; 2] {
        flat_in_both(t)
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("max({}, {})", c.a, c.b)
    }
    fn python_locals(c: &Code<'_>) -> Vec<String> {
        let (a, b) = (c.a, c.b);
        vec![format!("tie({a}, {b})"), format!("tie({b}, {a})")]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        format!("torch.maximum({}, {})", c.a, c.b)
    }
}

impl Rule for Min {
    const SYMBOL: &'static str = "min";
    const FUNCTION: Option<&'static str> = Some("min");
    const ARITY: usize = 2;
    const PYTHON_HELPERS: &'static [PythonHelper] = &[TIE];
    fn value(a: f64, b: f64) -> f64 {
        if a.is_nan() || b.is_nan() {
            f64::NAN
        } else {
            a.min(b)
        }
    }
    fn local_derivatives(a: f64, b: f64, _: f64) -> [f64; 2] {
        [tie_step(b, a), tie_step(a, b)]
    }
    fn local_derivative_nodes<B: Builder>(g: &mut B, n: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        [
            Node(g.op(Op::TieStep, &[n.b, n.a])),
            Node(g.op(Op::TieStep, &[n.a, n.b])),
        ]
    }
    fn local_tangents(t: &Tangents) -> [Option<f64>; 2] {
        flat_in_both(t)
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("min({}, {})", c.a, c.b)
    }
    fn python_locals(c: &Code<'_>) -> Vec<String> {
        let (a, b) = (c.a, c.b);
        vec![format!("tie({b}, {a})"), format!("tie({a}, {b})")]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        format!("torch.minimum({}, {})", c.a, c.b)
    }
}

impl Rule for Round {
    const SYMBOL: &'static str = "round";
    const FUNCTION: Option<&'static str> = Some("round");
    const ARITY: usize = 1;
    fn value(a: f64, _: f64) -> f64 {
        a.round_ties_even()
    }
    fn local_derivatives(_: f64, _: f64, _: f64) -> [f64; 2] {
        [0.0, 0.0]
    }
    fn local_derivative_nodes<B: Builder>(_: &mut B, _: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        [Zero, Zero]
    }
    // A constant local derivative: no tangent.
    fn local_tangents(_: &Tangents) -> [Option<f64>; 2] {
        [None, None]
    }
    // Python's round() rounds half to even, as the engine does.
    fn python_value(c: &Code<'_>) -> String {
        format!("float(round({}))", c.a)
    }
    fn python_locals(_: &Code<'_>) -> Vec<String> {
        vec!["0.0  # round: flat, the chain is cut".into()]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        format!("torch.round({})", c.a)
    }
}

impl Rule for RoundSte {
    const SYMBOL: &'static str = "round_ste";
    const FUNCTION: Option<&'static str> = Some("round_ste");
    const ARITY: usize = 1;
    fn value(a: f64, _: f64) -> f64 {
        a.round_ties_even()
    }
    fn local_derivatives(_: f64, _: f64, _: f64) -> [f64; 2] {
        [1.0, 0.0]
    }
    fn local_derivative_nodes<B: Builder>(_: &mut B, _: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        [One, Zero]
    }
    fn local_tangents(_: &Tangents) -> [Option<f64>; 2] {
        [None, None]
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("float(round({}))", c.a)
    }
    fn python_locals(_: &Code<'_>) -> Vec<String> {
        vec!["1.0  # straight-through: pretend identity".into()]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        let a = c.a;
        format!("{a} + (torch.round({a}) - {a}).detach()  # straight-through")
    }
}

// The internal slopes of the piecewise functions, built by the drawn backward pass.
// Piecewise constant: zero slope (the spec's convention at kinks, too). In PyTorch,
// `+ 0.0 * a` keeps them in the graph with a zero gradient.

impl Rule for Step {
    const SYMBOL: &'static str = "step";
    const FUNCTION: Option<&'static str> = None;
    const ARITY: usize = 1;
    const INTERNAL: bool = true;
    fn value(a: f64, _: f64) -> f64 {
        relu_slope(a)
    }
    fn local_derivatives(_: f64, _: f64, _: f64) -> [f64; 2] {
        [0.0, 0.0]
    }
    fn local_derivative_nodes<B: Builder>(_: &mut B, _: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        [Zero, Zero]
    }
    fn local_tangents(t: &Tangents) -> [Option<f64>; 2] {
        [t.through_a(0.0), None]
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("(1.0 if {} > 0 else 0.0)", c.a)
    }
    fn python_locals(_: &Code<'_>) -> Vec<String> {
        vec![PIECEWISE_CONSTANT.into()]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        let a = c.a;
        format!("torch.where({a} > 0, 1.0, 0.0) + 0.0 * {a}")
    }
}

impl Rule for Sign {
    const SYMBOL: &'static str = "sign";
    const FUNCTION: Option<&'static str> = None;
    const ARITY: usize = 1;
    const INTERNAL: bool = true;
    fn value(a: f64, _: f64) -> f64 {
        sign(a)
    }
    fn local_derivatives(_: f64, _: f64, _: f64) -> [f64; 2] {
        [0.0, 0.0]
    }
    fn local_derivative_nodes<B: Builder>(_: &mut B, _: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        [Zero, Zero]
    }
    fn local_tangents(t: &Tangents) -> [Option<f64>; 2] {
        [t.through_a(0.0), None]
    }
    fn python_value(c: &Code<'_>) -> String {
        python_sign(c.a)
    }
    fn python_locals(_: &Code<'_>) -> Vec<String> {
        vec![PIECEWISE_CONSTANT.into()]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        format!("torch.sign({})", c.a)
    }
}

impl Rule for TieStep {
    const SYMBOL: &'static str = "tie_step";
    const FUNCTION: Option<&'static str> = None;
    const ARITY: usize = 2;
    const INTERNAL: bool = true;
    const PYTHON_HELPERS: &'static [PythonHelper] = &[TIE];
    fn value(a: f64, b: f64) -> f64 {
        tie_step(a, b)
    }
    fn local_derivatives(_: f64, _: f64, _: f64) -> [f64; 2] {
        [0.0, 0.0]
    }
    fn local_derivative_nodes<B: Builder>(_: &mut B, _: &Operands<B::Id>) -> [Local<B::Id>; 2] {
        [Zero, Zero]
    }
    fn local_tangents(t: &Tangents) -> [Option<f64>; 2] {
        flat_in_both(t)
    }
    fn python_value(c: &Code<'_>) -> String {
        format!("tie({}, {})", c.a, c.b)
    }
    fn python_locals(_: &Code<'_>) -> Vec<String> {
        vec![PIECEWISE_CONSTANT.into(), PIECEWISE_CONSTANT.into()]
    }
    fn pytorch_value(c: &Code<'_>) -> String {
        let (a, b) = (c.a, c.b);
        format!(
            "torch.where({a} > {b}, 1.0, torch.where({a} == {b}, 0.5, 0.0)) + 0.0 * ({a} + {b})"
        )
    }
}
