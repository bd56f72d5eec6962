//! A graph held only as flat arrays, for one-shot work on very large programs (the
//! command line's `grad`): no petgraph records, no per-node names. A parsed script is
//! already in topological order (a statement can only use what came before), so the
//! arrays are the tape. Values and gradients are bit-identical to [`Graph`]'s: the same
//! operations, the same rules, the same order of accumulation.
//!
//! [`Graph`]: super::Graph

use super::node::{GraphError, NodeId};
use super::op::Op;
use super::second_order::forward_over_reverse as second;
use super::sweep::REQUIRES_GRAD;

/// Operations, operands and leaf values in program order, with the last evaluation's
/// values and gradients.
#[derive(Debug, Clone, Default)]
pub struct FlatTape {
    ops: Vec<Op>,
    /// Operand positions (a unary operation repeats its operand).
    args: Vec<[u32; 2]>,
    /// Each node's flags, one byte: [`REQUIRES_GRAD`] (a gradient flows into it, PyTorch's
    /// `requires_grad`: set here for inputs and named nodes, and completed for every node
    /// that depends on one by each forward pass) and [`ON_PATH`] (an ancestor of the
    /// output, or the output itself, kept between backward passes: a live edit changes
    /// values, not the output's path).
    ///
    /// [`ON_PATH`]: super::sweep::ON_PATH
    flags: Vec<u8>,
    output: Option<u32>,
    /// Values by position: a leaf's is stored here when it is added (no separate array of
    /// leaf values, 8 bytes a node less), an operation's by each evaluation.
    values: Vec<f64>,
    grads: Vec<f64>,
    /// The output the path was marked for, and the tape's length then (nodes are only
    /// ever added, so a new length means a new structure).
    path_for: Option<(u32, usize)>,
}

impl FlatTape {
    /// An empty tape.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a node whose operand positions the caller has checked (each operand is an
    /// earlier position; a unary operation repeats its operand).
    pub(super) fn push(&mut self, op: Op, args: [u32; 2], leaf: f64) -> NodeId {
        let id = NodeId::new(self.ops.len());
        self.ops.push(op);
        self.args.push(args);
        self.values.push(leaf);
        self.flags
            .push(if op == Op::Input { REQUIRES_GRAD } else { 0 });
        id
    }

    /// Adds an input with its first value.
    pub fn add_input(&mut self, value: f64) -> NodeId {
        self.push(Op::Input, [0, 0], value)
    }

    /// Adds a constant.
    pub fn add_const(&mut self, value: f64) -> NodeId {
        self.push(Op::Const, [0, 0], value)
    }

    /// Adds an operation on earlier nodes.
    pub fn add_op(&mut self, op: Op, operands: &[NodeId]) -> Result<NodeId, GraphError> {
        op.check_operand_count(operands.len())?;
        let position = |id: &NodeId| {
            u32::try_from(id.index())
                .ok()
                .filter(|&p| (p as usize) < self.ops.len())
                .ok_or(GraphError::NoSuchNode)
        };
        let a = position(&operands[0])?;
        let b = match operands.get(1) {
            Some(id) => position(id)?,
            None => a,
        };
        Ok(self.push(op, [a, b], f64::NAN))
    }

    /// Adds an operation whose operands the caller guarantees (the parser: the grammar
    /// fixes the operand count, and every operand is an earlier node), skipping the checks
    /// of [`FlatTape::add_op`], which cost a tenth of parsing. An operand out of range
    /// would read as an index panic in the sweeps, never as wrong numbers.
    pub(super) fn add_parsed_op(&mut self, op: Op, operands: &[NodeId]) -> NodeId {
        let a = operands.first().map_or(0, |id| id.index() as u32);
        let b = operands.get(1).map_or(a, |id| id.index() as u32);
        self.push(op, [a, b], f64::NAN)
    }

    /// Marks a node as named: a name is a place where blame arrives, so the node receives
    /// its gradient even when it is a constant or depends on no input (`c = (2)`,
    /// `y = c * x` gives `c` the value of `x`). An unnamed constant still receives none.
    pub fn mark_named(&mut self, id: NodeId) {
        if let Some(flag) = self.flags.get_mut(id.index()) {
            *flag |= REQUIRES_GRAD;
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.ops.len()
    }

    /// Chooses the node whose gradients [`FlatTape::evaluate`] computes.
    pub fn set_output(&mut self, id: NodeId) {
        self.output = u32::try_from(id.index()).ok();
    }

    /// Clears the output: the next backward pass computes no gradient.
    pub(super) fn clear_output(&mut self) {
        self.output = None;
    }

    /// Sets an input's value (takes effect at the next [`FlatTape::evaluate`]).
    pub fn set_input(&mut self, id: NodeId, value: f64) -> Result<(), GraphError> {
        match self.ops.get(id.index()) {
            Some(Op::Input) => {
                self.values[id.index()] = value;
                Ok(())
            }
            Some(_) => Err(GraphError::NotAnInput),
            None => Err(GraphError::NoSuchNode),
        }
    }

    /// The forward pass over every node, then the backward pass from the output.
    pub fn evaluate(&mut self) {
        // `backward` reads the flags `forward` completes.
        self.forward();
        self.backward();
    }

    /// Every operation's value, in program order (leaves hold theirs already), and in
    /// the same loop whether a gradient flows into it (PyTorch's `requires_grad`): an
    /// operation that uses a node taking a gradient takes one too. Flags only ever turn
    /// on, so repeating this is harmless.
    pub(super) fn forward(&mut self) {
        let values = &mut self.values;
        let flags = &mut self.flags;
        for (pos, (&op, &[a, b])) in self.ops.iter().zip(&self.args).enumerate() {
            if op.arity() > 0 {
                values[pos] = op.value(values[a as usize], values[b as usize]);
                if flags[pos] & REQUIRES_GRAD == 0 {
                    let second = if op.arity() > 1 { flags[b as usize] } else { 0 };
                    flags[pos] |= (flags[a as usize] | second) & REQUIRES_GRAD;
                }
            }
        }
    }

    /// Reverse mode, by the same sweep as [`super::Graph`]'s.
    pub(super) fn backward(&mut self) {
        let n = self.ops.len();
        super::sweep::zero_fill(&mut self.grads, n, 0.0);
        let Some(out) = self.output.filter(|&o| (o as usize) < n) else {
            return;
        };
        if self.path_for != Some((out, n)) {
            let previously_marked = self.path_for.is_some();
            super::sweep::mark_path(
                &self.ops,
                &self.args,
                out as usize,
                &mut self.flags,
                previously_marked,
            );
            self.path_for = Some((out, n));
        }
        super::sweep::accumulate(
            &self.ops,
            &self.args,
            &self.values,
            &self.flags,
            out as usize,
            &mut self.grads,
        );
    }

    /// Recomputes, from position `start` on, every operation with a `dirty` operand,
    /// marking it dirty in turn: a live edit recomputes only what depends on it. The
    /// positions the caller changed are marked already.
    pub(super) fn forward_dirty(&mut self, start: usize, dirty: &mut [bool]) {
        let values = &mut self.values;
        for pos in start.saturating_add(1)..self.ops.len() {
            let op = self.ops[pos];
            if op.arity() == 0 {
                continue;
            }
            let [a, b] = self.args[pos];
            if dirty[a as usize] || dirty[b as usize] {
                values[pos] = op.value(values[a as usize], values[b as usize]);
                dirty[pos] = true;
            }
        }
    }

    /// Sets the value at a leaf's position (no check: the caller knows it is a leaf).
    pub(super) fn set_leaf(&mut self, pos: usize, value: f64) {
        if let Some(slot) = self.values.get_mut(pos) {
            *slot = value;
        }
    }

    /// The value at position `out` with the value at `start` replaced by `replacement`
    /// and everything between recomputed, on a copy: the tape's values are untouched.
    pub(super) fn value_with_replaced(&self, start: usize, out: usize, replacement: f64) -> f64 {
        let mut values = self.values.clone();
        let Some(slot) = values.get_mut(start) else {
            return f64::NAN;
        };
        *slot = replacement;
        for pos in start + 1..=out.max(start).min(self.ops.len().saturating_sub(1)) {
            let op = self.ops[pos];
            if op.arity() > 0 {
                let [a, b] = self.args[pos];
                values[pos] = op.value(values[a as usize], values[b as usize]);
            }
        }
        values.get(out).copied().unwrap_or(f64::NAN)
    }

    /// Operations by position.
    pub(super) fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// Operand positions by position.
    pub(super) fn args(&self) -> &[[u32; 2]] {
        &self.args
    }

    /// Values by position, from the last forward pass (leaves always hold theirs).
    pub(super) fn values(&self) -> &[f64] {
        &self.values
    }

    /// Gradients by position, from the last backward pass.
    pub(super) fn grads(&self) -> &[f64] {
        &self.grads
    }

    /// Flags by position ([`REQUIRES_GRAD`] complete after a forward pass).
    pub(super) fn flags(&self) -> &[u8] {
        &self.flags
    }

    /// The forward pass, then the first-order sweep that every H·v sweep starts from
    /// (`None` without an output).
    fn second_order(&mut self) -> Option<second::SecondOrder<'_>> {
        let out = self.output.map(|o| o as usize)?;
        self.forward();
        second::SecondOrder::new(&self.ops, &self.args, &self.values, &self.flags, out)
    }

    /// The Hessian of the output with respect to `inputs` by forward-over-reverse (one
    /// H·e_j per input, see [`second`]): `H[i][j]` is d/d(inputs\[j\]) of
    /// d(output)/d(inputs\[i\]). Runs the forward pass first; `None` without an output, or
    /// when the tape holds the internal operations only a backward graph contains (their
    /// second derivatives are not written in [`second`]).
    pub fn hessian(&mut self, inputs: &[NodeId]) -> Option<Vec<Vec<f64>>> {
        let positions: Vec<usize> = inputs.iter().map(|id| id.index()).collect();
        let second = self.second_order()?;
        Some(second::hessian(&second, &positions))
    }

    /// The Hessian-vector product H·v with respect to `inputs` (one weight of `v` per
    /// input), by one forward-over-reverse sweep. `None` as for [`FlatTape::hessian`].
    pub fn hessian_vector_product(&mut self, inputs: &[NodeId], v: &[f64]) -> Option<Vec<f64>> {
        let positions: Vec<usize> = inputs.iter().map(|id| id.index()).collect();
        let second = self.second_order()?;
        Some(second::hessian_vector_product(&second, &positions, v))
    }

    /// A node's value from the last evaluation (NaN for an operation before it).
    pub fn value(&self, id: NodeId) -> f64 {
        self.values.get(id.index()).copied().unwrap_or(f64::NAN)
    }

    /// d(output)/d(node) from the last evaluation.
    pub fn grad(&self, id: NodeId) -> f64 {
        self.grads.get(id.index()).copied().unwrap_or(f64::NAN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Graph, parse};

    #[test]
    fn agrees_with_the_graph_bit_for_bit() {
        let source = "x = 0.3\nw = -1.2\nc = (2)\nh = tanh(x*w) + x^c\nk = max(h, x) / (1 + w*w)\nz = 0 * log(x - 1)\ny = k * h + relu(w) + z";
        let graph_program = parse(source).expect("parses");
        let flat_program = super::super::script::parse_tape(source).expect("parses");
        let mut tape = flat_program.graph;
        tape.evaluate();
        for (name, id) in &graph_program.bindings {
            let flat_id = flat_program
                .bindings
                .iter()
                .find(|(n, _)| n == name)
                .map(|&(_, id)| id)
                .expect("same names");
            let g: &Graph = &graph_program.graph;
            assert_eq!(
                g.value(*id).to_bits(),
                tape.value(flat_id).to_bits(),
                "{name}"
            );
            assert_eq!(
                g.grad(*id).to_bits(),
                tape.grad(flat_id).to_bits(),
                "{name}"
            );
        }
    }

    #[test]
    fn inputs_are_set_and_operations_checked() {
        let mut tape = FlatTape::new();
        let x = tape.add_input(2.0);
        let c = tape.add_const(3.0);
        let y = tape.add_op(Op::Mul, &[x, c]).expect("valid");
        assert!(matches!(
            tape.add_op(Op::Max, &[x]),
            Err(GraphError::Arity { .. })
        ));
        assert_eq!(
            tape.add_op(Op::Neg, &[NodeId::new(99)]),
            Err(GraphError::NoSuchNode)
        );
        assert_eq!(tape.set_input(c, 1.0), Err(GraphError::NotAnInput));
        tape.set_input(x, 5.0).expect("x is an input");
        tape.set_output(y);
        tape.evaluate();
        assert_eq!(tape.value(y), 15.0);
        assert_eq!(tape.grad(x), 3.0);
        assert_eq!(tape.grad(c), 0.0, "unnamed constants receive no gradient");
    }

    #[test]
    fn named_constants_receive_their_gradient() {
        // y = c * x + k^2 with c and k named constants, k = 2 * 3 an operation on constants.
        let mut tape = FlatTape::new();
        let x = tape.add_input(5.0);
        let c = tape.add_const(2.0);
        tape.mark_named(c);
        let two = tape.add_const(2.0);
        let three = tape.add_const(3.0);
        let k = tape.add_op(Op::Mul, &[two, three]).expect("valid");
        tape.mark_named(k);
        let cx = tape.add_op(Op::Mul, &[c, x]).expect("valid");
        let kk = tape.add_op(Op::Pow, &[k, two]).expect("valid");
        let y = tape.add_op(Op::Add, &[cx, kk]).expect("valid");
        tape.set_output(y);
        tape.evaluate();
        assert_eq!(tape.grad(c), 5.0);
        assert_eq!(tape.grad(k), 12.0);
        assert_eq!(tape.grad(x), 2.0);
        // Unnamed constants, even under a named node, still receive nothing.
        assert_eq!(tape.grad(two), 0.0);
        assert_eq!(tape.grad(three), 0.0);
        // A second evaluation gives the same answer.
        tape.set_input(x, 1.0).expect("input");
        tape.evaluate();
        assert_eq!(tape.grad(c), 1.0);
        assert_eq!(tape.grad(k), 12.0);
    }

    #[test]
    fn a_million_node_chain_runs_without_recursion() {
        let mut tape = FlatTape::new();
        let x = tape.add_input(0.5);
        let mut last = x;
        for _ in 0..1_000_000 {
            last = tape.add_op(Op::Neg, &[last]).expect("valid");
        }
        tape.set_output(last);
        tape.evaluate();
        assert_eq!(tape.grad(x), 1.0);
    }
}
