//! The operations of a computation graph, each with its rules in one place.
//!
//! Every operation is one unit type in [`rules`](self::rules) implementing [`Rule`]: its
//! symbol, the name a script calls it by, its value, its local derivatives, the same
//! derivatives built as graph nodes (the drawn backward pass), how they move along a
//! tangent (forward-over-reverse second order), and its plain-Python and PyTorch text.
//! [`Op`] and its methods are generated from the list of those types with one `match`
//! per rule, so the rules inline into the sweeps' loops and a new operation is written in
//! one file: its entry in the list and its `impl Rule`.
//!
//! Conventions follow PyTorch (see `docs/graph-script.md`): `relu'(0) = 0`,
//! `abs'(0) = 0`, ties of `max`/`min` split the gradient in half, and the power rule
//! masks the cases PyTorch masks.

/// Declares [`Op`], one unit type per operation (with the variant's documentation), and
/// `Op`'s methods that dispatch to each operation's [`Rule`]. Invoked once, in `rules.rs`,
/// with the list of operations; the order of the list is the order of [`Op::ALL`].
macro_rules! operations {
    ($( $(#[$doc:meta])* $name:ident ),* $(,)?) => {
        /// One operation of the graph. Leaves (`Input`, `Const`) take their value from
        /// the node.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Op {
            $( $(#[$doc])* $name, )*
        }

        $( $(#[$doc])* struct $name; )*

        impl Op {
            /// Every operation, in the order of their declaration.
            pub const ALL: [Op; [$(stringify!($name)),*].len()] = [$(Op::$name),*];

            /// Number of operands this operation takes (0 for leaves).
            pub const fn arity(self) -> usize {
                match self { $(Op::$name => <$name as Rule>::ARITY,)* }
            }

            /// A short symbol for display: `+`, `×`, `exp`, ...
            pub const fn symbol(self) -> &'static str {
                match self { $(Op::$name => <$name as Rule>::SYMBOL,)* }
            }

            /// The name a script calls this operation by (`exp`), if it is a function.
            pub const fn function_name(self) -> Option<&'static str> {
                match self { $(Op::$name => <$name as Rule>::FUNCTION,)* }
            }

            /// True for the internal operations that only a drawn backward pass contains
            /// (the slopes of `relu`, `abs`, `max` and the partials of `a^b`): the
            /// forward-over-reverse sweeps do not differentiate them twice.
            pub const fn is_internal(self) -> bool {
                match self { $(Op::$name => <$name as Rule>::INTERNAL,)* }
            }

            /// The value of this operation on its operands (`b` is ignored by unary
            /// operations). Leaves return `a`, their own stored value.
            // Inlined into the sweeps' loops: one jump on the operation, no call per node
            // (plain `#[inline]` left a call per node in the forward loop).
            #[inline(always)]
            pub fn value(self, a: f64, b: f64) -> f64 {
                match self { $(Op::$name => <$name as Rule>::value(a, b),)* }
            }

            /// The local derivatives `[d out/d a, d out/d b]` at the operands `a`, `b`,
            /// given the already computed output value `out`. Unary operations leave the
            /// second entry 0.
            // Inlined for the same reason as `value`: the reverse loop calls it on every
            // node.
            #[inline(always)]
            pub fn local_derivatives(self, a: f64, b: f64, out: f64) -> [f64; 2] {
                match self { $(Op::$name => <$name as Rule>::local_derivatives(a, b, out),)* }
            }

            /// The local derivatives as nodes built by `builder`, mirroring
            /// [`Op::local_derivatives`] so the values agree bit for bit.
            pub(crate) fn local_derivative_nodes<B: Builder>(
                self,
                builder: &mut B,
                node: &Operands<B::Id>,
            ) -> [Local<B::Id>; 2] {
                match self { $(Op::$name => <$name as Rule>::local_derivative_nodes(builder, node),)* }
            }

            /// How the local derivatives move along a tangent (`None`: they cannot).
            #[inline]
            pub(crate) fn local_tangents(self, at: &Tangents) -> [Option<f64>; 2] {
                match self { $(Op::$name => <$name as Rule>::local_tangents(at),)* }
            }

            /// The Python expression of this operation's value.
            pub(crate) fn python_value(self, code: &Code<'_>) -> String {
                match self { $(Op::$name => <$name as Rule>::python_value(code),)* }
            }

            /// The Python expressions of the local derivatives, one per operand.
            pub(crate) fn python_locals(self, code: &Code<'_>) -> Vec<String> {
                match self { $(Op::$name => <$name as Rule>::python_locals(code),)* }
            }

            /// The PyTorch expression of this operation's value.
            pub(crate) fn pytorch_value(self, code: &Code<'_>) -> String {
                match self { $(Op::$name => <$name as Rule>::pytorch_value(code),)* }
            }

            /// The Python functions this operation's code calls, defined at the top of
            /// the generated program.
            pub(crate) fn python_helpers(self) -> &'static [PythonHelper] {
                match self { $(Op::$name => <$name as Rule>::PYTHON_HELPERS,)* }
            }
        }
    };
}

mod rules;

pub use rules::{Op, sigmoid};

/// Everything the engine knows of one operation. Each operation is a unit type with one
/// `impl Rule` in `rules.rs`; every rule is written out (no catch-all), so a new operation
/// does not compile until its value, derivatives and code are all there.
trait Rule {
    /// A short symbol for display: `+`, `×`, `exp`, ...
    const SYMBOL: &'static str;
    /// The name a script calls it by (`exp(x)`); `None` for leaves, for operations written
    /// with a sign (`a + b`) and for the internal ones.
    const FUNCTION: Option<&'static str>;
    /// Number of operands (0 for leaves).
    const ARITY: usize;
    /// Built only by the drawn backward pass; see [`Op::is_internal`].
    const INTERNAL: bool = false;
    /// Functions its Python code calls, defined once at the top of the program.
    const PYTHON_HELPERS: &'static [PythonHelper] = &[];

    /// The value on the operands (a leaf returns `a`, its stored value).
    fn value(a: f64, b: f64) -> f64;
    /// `[d out/d a, d out/d b]`, given the value `out`; a unary operation leaves 0 second.
    fn local_derivatives(a: f64, b: f64, out: f64) -> [f64; 2];
    /// The same derivatives as graph nodes (PyTorch's `create_graph=True`), computing
    /// exactly what [`Rule::local_derivatives`] computes. A slot whose operand takes no
    /// gradient (`node.needs_b` false) should build nothing: a constant exponent would
    /// otherwise leave a `log` of a negative base, NaN, in the drawing.
    fn local_derivative_nodes<B: Builder>(g: &mut B, node: &Operands<B::Id>) -> [Local<B::Id>; 2];
    /// How each local derivative moves along the tangents of the operands: the rules of
    /// differentiating [`Rule::local_derivative_nodes`] once more. `None` where a local
    /// derivative is a constant or depends on no operand that varies.
    fn local_tangents(at: &Tangents) -> [Option<f64>; 2];
    /// Its value in plain Python (a leaf's `code.a` is its number written in Python).
    fn python_value(code: &Code<'_>) -> String;
    /// Its local derivatives in plain Python, one per operand; a trailing `  # ...` is a
    /// comment for the reader.
    fn python_locals(code: &Code<'_>) -> Vec<String>;
    /// Its value in PyTorch, whose autograd then differentiates it.
    fn pytorch_value(code: &Code<'_>) -> String;
}

/// A local derivative as the drawn backward pass needs it: trivial ones need no node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Local<Id> {
    /// The constant 1: the upstream gradient passes unchanged.
    One,
    /// The constant −1.
    MinusOne,
    /// The constant 0.
    Zero,
    /// A node holding the derivative.
    Node(Id),
}

/// What a rule builds derivative nodes with: the graph of the backward pass. A trait, so
/// the operations need not know the graph (which is built on them).
pub(crate) trait Builder {
    /// A node of the graph.
    type Id: Copy;
    /// A new constant node.
    fn constant(&mut self, value: f64) -> Self::Id;
    /// A new operation on existing nodes (with the operand count `op` takes).
    fn op(&mut self, op: Op, operands: &[Self::Id]) -> Self::Id;
}

/// The node whose local derivatives are being built: its operands (`b` repeats `a` for a
/// unary operation), the node itself, and whether `b` takes a gradient.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Operands<Id> {
    /// The first operand.
    pub a: Id,
    /// The second operand (the first again for a unary operation).
    pub b: Id,
    /// The node itself, holding the operation's value.
    pub out: Id,
    /// Whether the second operand takes a gradient (false for a unary operation).
    pub needs_b: bool,
}

/// One node of a forward-over-reverse sweep: its operands' values, its own value, the
/// tangents of the operands that vary along the direction, and whether `b` takes a
/// gradient.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tangents {
    /// The first operand's value.
    pub a: f64,
    /// The second operand's value (the first's for a unary operation).
    pub b: f64,
    /// The node's value.
    pub out: f64,
    /// The first operand's tangent, `None` when it does not vary.
    pub ta: Option<f64>,
    /// The second operand's tangent, `None` when it does not vary or there is none.
    pub tb: Option<f64>,
    /// Whether the second operand takes a gradient (false for a unary operation).
    pub needs_b: bool,
}

impl Tangents {
    /// `c·ȧ`, or `None` when `a` does not vary.
    pub fn through_a(&self, c: f64) -> Option<f64> {
        self.ta.map(|t| c * t)
    }

    /// `c·ḃ`, or `None` when `b` does not vary.
    pub fn through_b(&self, c: f64) -> Option<f64> {
        self.tb.map(|t| c * t)
    }
}

/// The sum of two tangent terms, either of which may be absent.
pub(crate) fn sum(x: Option<f64>, y: Option<f64>) -> Option<f64> {
    match (x, y) {
        (Some(x), Some(y)) => Some(x + y),
        (x, None) => x,
        (None, y) => y,
    }
}

/// A node as code: the expressions of its operands and of its own value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Code<'s> {
    /// The first operand (for a leaf: its number, written in Python).
    pub a: &'s str,
    /// The second operand (empty for a unary operation).
    pub b: &'s str,
    /// The variable holding the node's own value.
    pub me: &'s str,
    /// Whether a gradient flows into the node (PyTorch's `requires_grad`).
    pub requires_grad: bool,
}

/// A function the generated Python defines before the forward pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PythonHelper {
    /// The name it is called by (no node may take it as its variable).
    pub name: &'static str,
    /// Its definition.
    pub code: &'static str,
}

impl Op {
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
}

/// How many operations a script can call by name.
const FUNCTION_COUNT: usize = {
    let mut count = 0;
    let mut k = 0;
    while k < Op::ALL.len() {
        if Op::ALL[k].function_name().is_some() {
            count += 1;
        }
        k += 1;
    }
    count
};

/// The functions a script can call, by name: the one list the parser reads, drawn from
/// each operation's [`Op::function_name`].
pub const FUNCTIONS: [(&[u8], Op); FUNCTION_COUNT] = {
    let mut table: [(&[u8], Op); FUNCTION_COUNT] = [(b"", Op::Input); FUNCTION_COUNT];
    let (mut k, mut filled) = (0, 0);
    while k < Op::ALL.len() {
        if let Some(name) = Op::ALL[k].function_name() {
            table[filled] = (name.as_bytes(), Op::ALL[k]);
            filled += 1;
        }
        k += 1;
    }
    table
};

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
