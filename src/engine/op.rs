//! The operations of a computation graph: each one's value and its local derivatives.
//!
//! Conventions follow PyTorch (see `shared/spec/graph-script.md`): `relu'(0) = 0`,
//! `abs'(0) = 0`, ties of `max`/`min` split the gradient in half, and the power rule
//! masks the cases PyTorch masks.

/// One operation of the graph. Leaves (`Input`, `Const`) take their value from the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
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

impl Op {
    /// Number of operands this operation takes (0 for leaves).
    pub fn arity(self) -> usize {
        use Op::*;
        match self {
            Input | Const => 0,
            Neg | Exp | Log | Sqrt | Tanh | Sigmoid | Relu | Abs | Sin | Cos | Round | RoundSte
            | Step | Sign => 1,
            Add | Sub | Mul | Div | Pow | Max | Min | TieStep | PowGradBase | PowGradExp => 2,
        }
    }

    /// Whether `count` operands suit this operation: the one check of operand counts, for
    /// the editable graph and the flat tape alike.
    pub fn check_operand_count(self, count: usize) -> Result<(), super::GraphError> {
        if self.arity() != count || self.arity() == 0 {
            return Err(super::GraphError::Arity {
                op: self.symbol(),
                expected: self.arity(),
                got: count,
            });
        }
        Ok(())
    }

    /// The function called by `name(...)` in a graph script, if `name` is one.
    // The quick refusal (length and first letter) inlines into the parser, which asks on
    // every statement, and most names are no function's. A `match` on all names compiled
    // to jumps through tables, mispredicted when names and calls alternate.
    #[inline]
    pub fn from_function_name(name: &str) -> Option<Op> {
        let bytes = name.as_bytes();
        match bytes.first() {
            Some(&first)
                if (FUNCTION_LENGTHS.0..=FUNCTION_LENGTHS.1).contains(&bytes.len())
                    && FUNCTION_INITIAL[usize::from(first)] =>
            {
                Self::function_named(bytes)
            }
            _ => None,
        }
    }

    /// The function named `name`, from the table of functions.
    #[inline(never)]
    fn function_named(name: &[u8]) -> Option<Op> {
        FUNCTIONS
            .iter()
            .find(|(function, _)| *function == name)
            .map(|&(_, op)| op)
    }

    /// True for operations whose first and second derivatives are zero almost everywhere
    /// (their derivative graphs are constants), used to keep second-order graphs small.
    pub fn is_internal(self) -> bool {
        matches!(
            self,
            Op::Step | Op::Sign | Op::TieStep | Op::PowGradBase | Op::PowGradExp
        )
    }

    /// A short symbol for display: `+`, `×`, `exp`, ...
    pub fn symbol(self) -> &'static str {
        use Op::*;
        match self {
            Input => "input",
            Const => "const",
            Add => "+",
            Sub => "−",
            Mul => "×",
            Div => "÷",
            Neg => "neg",
            Pow => "^",
            Exp => "exp",
            Log => "log",
            Sqrt => "sqrt",
            Tanh => "tanh",
            Sigmoid => "σ",
            Relu => "relu",
            Abs => "abs",
            Sin => "sin",
            Cos => "cos",
            Max => "max",
            Min => "min",
            Round => "round",
            RoundSte => "round_ste",
            Step => "step",
            Sign => "sign",
            TieStep => "tie_step",
            PowGradBase => "pow_grad_base",
            PowGradExp => "pow_grad_exp",
        }
    }

    /// The value of this operation on its operands (`b` is ignored by unary operations).
    /// Leaves return `a`, their own stored value.
    // Inlined into the sweeps' loops: one jump on the operation, no call per node (plain
    // `#[inline]` left a call per node in the forward loop).
    #[inline(always)]
    pub fn value(self, a: f64, b: f64) -> f64 {
        use Op::*;
        match self {
            Input | Const => a,
            Add => a + b,
            Sub => a - b,
            Mul => a * b,
            Div => a / b,
            Neg => -a,
            Pow => a.powf(b),
            Exp => a.exp(),
            Log => a.ln(),
            Sqrt => a.sqrt(),
            Tanh => a.tanh(),
            Sigmoid => sigmoid(a),
            // NaN propagates, as in PyTorch.
            Relu => {
                if a > 0.0 || a.is_nan() {
                    a
                } else {
                    0.0
                }
            }
            Abs => a.abs(),
            Sin => a.sin(),
            Cos => a.cos(),
            Max => {
                if a.is_nan() || b.is_nan() {
                    f64::NAN
                } else {
                    a.max(b)
                }
            }
            Min => {
                if a.is_nan() || b.is_nan() {
                    f64::NAN
                } else {
                    a.min(b)
                }
            }
            Round | RoundSte => a.round_ties_even(),
            Step => relu_slope(a),
            Sign => sign(a),
            TieStep => tie_step(a, b),
            PowGradBase => pow_grad_base(a, b),
            PowGradExp => pow_grad_exp(a, b),
        }
    }

    /// The local derivatives `[d out/d a, d out/d b]` at the operands `a`, `b`, given the
    /// already computed output value `out`. Unary operations leave the second entry 0.
    // Inlined for the same reason as `value`: the reverse loop calls it on every node.
    #[inline(always)]
    pub fn local_derivatives(self, a: f64, b: f64, out: f64) -> [f64; 2] {
        use Op::*;
        match self {
            Input | Const => [0.0, 0.0],
            Add => [1.0, 1.0],
            Sub => [1.0, -1.0],
            Mul => [b, a],
            Div => [1.0 / b, -a / (b * b)],
            Neg => [-1.0, 0.0],
            Pow => [pow_grad_base(a, b), pow_grad_exp(a, b)],
            Exp => [out, 0.0],
            Log => [1.0 / a, 0.0],
            Sqrt => [0.5 / out, 0.0],
            Tanh => [1.0 - out * out, 0.0],
            Sigmoid => [out * (1.0 - out), 0.0],
            Relu => [relu_slope(a), 0.0],
            Abs => [sign(a), 0.0],
            Sin => [a.cos(), 0.0],
            Cos => [-a.sin(), 0.0],
            Max => [tie_step(a, b), tie_step(b, a)],
            Min => [tie_step(b, a), tie_step(a, b)],
            Round => [0.0, 0.0],
            RoundSte => [1.0, 0.0],
            // Piecewise constant: zero slope (the spec's convention at kinks, too).
            Step | Sign | TieStep => [0.0, 0.0],
            PowGradBase => {
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
            PowGradExp => {
                if a == 0.0 && b >= 0.0 {
                    [0.0, 0.0]
                } else {
                    let ln_a = a.ln();
                    [a.powf(b - 1.0) * (b * ln_a + 1.0), a.powf(b) * ln_a * ln_a]
                }
            }
        }
    }
}

/// The functions a script can call, by name: the one list the parser reads.
const FUNCTIONS: [(&[u8], Op); 14] = [
    (b"exp", Op::Exp),
    (b"log", Op::Log),
    (b"sqrt", Op::Sqrt),
    (b"tanh", Op::Tanh),
    (b"sigmoid", Op::Sigmoid),
    (b"relu", Op::Relu),
    (b"abs", Op::Abs),
    (b"sin", Op::Sin),
    (b"cos", Op::Cos),
    (b"max", Op::Max),
    (b"min", Op::Min),
    (b"pow", Op::Pow),
    (b"round", Op::Round),
    (b"round_ste", Op::RoundSte),
];

/// The first letters of [`FUNCTIONS`]' names, and the range of their lengths, for
/// [`Op::from_function_name`]'s quick refusal.
const FUNCTION_INITIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut k = 0;
    while k < FUNCTIONS.len() {
        table[FUNCTIONS[k].0[0] as usize] = true;
        k += 1;
    }
    table
};
const FUNCTION_LENGTHS: (usize, usize) = {
    let (mut shortest, mut longest) = (usize::MAX, 0);
    let mut k = 0;
    while k < FUNCTIONS.len() {
        let len = FUNCTIONS[k].0.len();
        if len < shortest {
            shortest = len;
        }
        if len > longest {
            longest = len;
        }
        k += 1;
    }
    (shortest, longest)
};

/// The logistic function, computed as PyTorch does (`1 / (1 + exp(-x))`), so results agree
/// to the last bit; for very negative `x`, `exp(-x)` is infinite and the value is exactly 0.
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

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

/// `d(a^b)/da = b·a^(b-1)`, masked to 0 when `b = 0` as in PyTorch.
fn pow_grad_base(a: f64, b: f64) -> f64 {
    if b == 0.0 { 0.0 } else { b * a.powf(b - 1.0) }
}

/// `d(a^b)/db = a^b·ln(a)`, masked to 0 when `a = 0` and `b >= 0` as in PyTorch.
fn pow_grad_exp(a: f64, b: f64) -> f64 {
    if a == 0.0 && b >= 0.0 {
        0.0
    } else {
        a.powf(b) * a.ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(op: Op, a: f64, b: f64) -> [f64; 2] {
        op.local_derivatives(a, b, op.value(a, b))
    }

    #[test]
    fn values_of_every_operation() {
        assert_eq!(Op::Add.value(2.0, 3.0), 5.0);
        assert_eq!(Op::Sub.value(2.0, 3.0), -1.0);
        assert_eq!(Op::Mul.value(2.0, 3.0), 6.0);
        assert_eq!(Op::Div.value(3.0, 2.0), 1.5);
        assert_eq!(Op::Neg.value(2.0, 0.0), -2.0);
        assert_eq!(Op::Pow.value(2.0, 3.0), 8.0);
        assert_eq!(Op::Exp.value(0.0, 0.0), 1.0);
        assert_eq!(Op::Log.value(1.0, 0.0), 0.0);
        assert!(Op::Log.value(-1.0, 0.0).is_nan());
        assert_eq!(Op::Sqrt.value(9.0, 0.0), 3.0);
        assert_eq!(Op::Tanh.value(0.0, 0.0), 0.0);
        assert_eq!(Op::Sigmoid.value(0.0, 0.0), 0.5);
        assert_eq!(Op::Sigmoid.value(-1000.0, 0.0), 0.0);
        assert_eq!(Op::Relu.value(-2.0, 0.0), 0.0);
        assert_eq!(Op::Relu.value(2.0, 0.0), 2.0);
        assert!(Op::Relu.value(f64::NAN, 0.0).is_nan());
        assert_eq!(Op::Abs.value(-2.0, 0.0), 2.0);
        assert_eq!(Op::Sin.value(0.0, 0.0), 0.0);
        assert_eq!(Op::Cos.value(0.0, 0.0), 1.0);
        assert_eq!(Op::Max.value(1.0, 2.0), 2.0);
        assert_eq!(Op::Min.value(1.0, 2.0), 1.0);
        assert!(Op::Max.value(f64::NAN, 2.0).is_nan());
        assert!(Op::Min.value(1.0, f64::NAN).is_nan());
        assert_eq!(Op::Round.value(2.5, 0.0), 2.0);
        assert_eq!(Op::Round.value(2.6, 0.0), 3.0);
        assert_eq!(Op::RoundSte.value(-1.4, 0.0), -1.0);
    }

    #[test]
    fn smooth_derivatives() {
        assert_eq!(d(Op::Add, 2.0, 3.0), [1.0, 1.0]);
        assert_eq!(d(Op::Sub, 2.0, 3.0), [1.0, -1.0]);
        assert_eq!(d(Op::Mul, 2.0, 3.0), [3.0, 2.0]);
        assert_eq!(d(Op::Div, 3.0, 2.0), [0.5, -0.75]);
        assert_eq!(d(Op::Neg, 3.0, 0.0), [-1.0, 0.0]);
        assert_eq!(d(Op::Pow, 2.0, 3.0), [12.0, 8.0 * 2f64.ln()]);
        assert_eq!(d(Op::Exp, 1.0, 0.0)[0], 1f64.exp());
        assert_eq!(d(Op::Log, 4.0, 0.0)[0], 0.25);
        assert_eq!(d(Op::Log, -1.0, 0.0)[0], -1.0, "evaluated at its argument");
        assert_eq!(d(Op::Sqrt, 4.0, 0.0)[0], 0.25);
        assert_eq!(d(Op::Tanh, 0.0, 0.0)[0], 1.0);
        assert_eq!(d(Op::Sigmoid, 0.0, 0.0)[0], 0.25);
        assert_eq!(d(Op::Sin, 0.0, 0.0)[0], 1.0);
        assert_eq!(d(Op::Cos, 0.0, 0.0)[0], 0.0);
    }

    #[test]
    fn conventions_at_kinks() {
        assert_eq!(d(Op::Relu, 0.0, 0.0)[0], 0.0);
        assert_eq!(d(Op::Relu, 1.0, 0.0)[0], 1.0);
        assert_eq!(d(Op::Relu, -1.0, 0.0)[0], 0.0);
        assert_eq!(d(Op::Abs, 0.0, 0.0)[0], 0.0);
        assert_eq!(d(Op::Abs, -3.0, 0.0)[0], -1.0);
        assert_eq!(d(Op::Max, 2.0, 2.0), [0.5, 0.5]);
        assert_eq!(d(Op::Max, 3.0, 2.0), [1.0, 0.0]);
        assert_eq!(d(Op::Max, 1.0, 2.0), [0.0, 1.0]);
        assert_eq!(d(Op::Min, 2.0, 2.0), [0.5, 0.5]);
        assert_eq!(d(Op::Min, 3.0, 2.0), [0.0, 1.0]);
        assert_eq!(d(Op::Min, 1.0, 2.0), [1.0, 0.0]);
        assert_eq!(d(Op::Round, 1.3, 0.0), [0.0, 0.0]);
        assert_eq!(d(Op::RoundSte, 1.3, 0.0), [1.0, 0.0]);
    }

    #[test]
    fn power_masks_as_pytorch() {
        // d/da is 0 when b = 0, even at a = 0 where b·a^(b-1) would be 0·inf.
        assert_eq!(d(Op::Pow, 0.0, 0.0), [0.0, 0.0]);
        // d/db is 0 when a = 0 and b >= 0.
        assert_eq!(d(Op::Pow, 0.0, 2.0), [0.0, 0.0]);
        // ...but not for a negative exponent.
        assert!(d(Op::Pow, 0.0, -1.0)[1].is_nan() || d(Op::Pow, 0.0, -1.0)[1].is_infinite());
        // d/db is not finite for a < 0.
        assert!(d(Op::Pow, -2.0, 2.0)[1].is_nan());
        assert_eq!(d(Op::Pow, -2.0, 2.0)[0], -4.0);
    }

    #[test]
    fn function_names_round_trip() {
        for name in [
            "exp",
            "log",
            "sqrt",
            "tanh",
            "sigmoid",
            "relu",
            "abs",
            "sin",
            "cos",
            "max",
            "min",
            "pow",
            "round",
            "round_ste",
        ] {
            assert!(Op::from_function_name(name).is_some(), "{name}");
        }
        // The quick refusal never refuses a function of the table.
        for &(name, op) in &FUNCTIONS {
            let name = std::str::from_utf8(name).unwrap_or_default();
            assert_eq!(Op::from_function_name(name), Some(op), "{name}");
        }
        assert_eq!(Op::from_function_name("max").map(Op::arity), Some(2));
        assert_eq!(Op::from_function_name("exp").map(Op::arity), Some(1));
        assert_eq!(Op::from_function_name("foo"), None);
    }
}
