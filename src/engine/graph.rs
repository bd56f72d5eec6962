//! The computation graph: structure on petgraph, evaluation over a cached flat tape.
//!
//! petgraph holds the structure (nodes, operand edges) so the graph can be inspected and
//! edited; whenever the structure changes, a topological order is computed iteratively
//! (Kahn's algorithm) and flattened into a [`FlatTape`], the same arrays and the same
//! forward, `requires_grad` and backward loops the command line runs on, so the sweeps run
//! over contiguous memory with no recursion, whatever the depth.

use petgraph::Direction;
use petgraph::stable_graph::StableDiGraph;
use petgraph::visit::{EdgeRef, NodeIndexable};

use super::flat::FlatTape;
use super::node::{GraphError, NodeId};
use super::op::Op;

/// Marks a node index absent from the tape.
const NOT_ON_TAPE: u32 = u32::MAX;

/// One node: an input, a constant, or an operation applied to operand nodes.
#[derive(Debug, Clone)]
pub struct Node {
    /// What the node computes.
    pub op: Op,
    /// The stored value of a leaf (`Input` or `Const`); unused by operations.
    pub leaf_value: f64,
    /// The names the program bound to this node (`z`, `q`, ...), in order of binding.
    /// Boxed, because most nodes have none and a graph may hold millions of nodes.
    pub names: Option<Box<Vec<String>>>,
}

impl Node {
    /// The name to show for this node: its newest binding, if it has one.
    pub fn display_name(&self) -> Option<&str> {
        self.names.as_ref()?.last().map(String::as_str)
    }

    /// Every name bound to this node, oldest first.
    pub fn names(&self) -> &[String] {
        self.names.as_deref().map_or(&[], Vec::as_slice)
    }
}

/// The flat, topologically ordered form of the graph that the sweeps run over: the flat
/// tape in topological order, with the node at each position and back.
#[derive(Debug, Clone, Default)]
struct Tape {
    /// Node of each tape position.
    order: Vec<NodeId>,
    /// Tape position of each node index (`NOT_ON_TAPE` for removed indices).
    position_of: Vec<u32>,
    /// Operations, operands, `requires_grad`, values and gradients by tape position.
    flat: FlatTape,
}

impl Tape {
    /// The backward pass from `output` (no gradients without one, or when it is not on
    /// the tape).
    fn backward(&mut self, output: Option<NodeId>) {
        match output.and_then(|id| self.position(id)) {
            Some(out) => self.flat.set_output(NodeId::new(out)),
            None => self.flat.clear_output(),
        }
        self.flat.backward();
    }

    /// The tape position of a node, if it is on the tape.
    fn position(&self, id: NodeId) -> Option<usize> {
        position_on_tape(&self.position_of, id)
    }
}

/// The tape position of a node in a map of positions by node index, if it is on the tape.
fn position_on_tape(position_of: &[u32], id: NodeId) -> Option<usize> {
    match position_of.get(id.index()) {
        Some(&pos) if pos != NOT_ON_TAPE => Some(pos as usize),
        _ => None,
    }
}

/// A graph's tape, borrowed: operations, operand positions, values and flags by tape
/// position, and the tape position of each node.
pub(super) struct TapeView<'g> {
    pub(super) ops: &'g [Op],
    pub(super) args: &'g [[u32; 2]],
    pub(super) values: &'g [f64],
    /// Per-node flags ([`super::sweep::REQUIRES_GRAD`], [`super::sweep::ON_PATH`]).
    pub(super) flags: &'g [u8],
    position_of: &'g [u32],
}

impl TapeView<'_> {
    /// The tape position of a node, if it is on the tape.
    pub(super) fn position(&self, id: NodeId) -> Option<usize> {
        position_on_tape(self.position_of, id)
    }
}

/// A computation graph with its forward values and the gradients of one output.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    dag: StableDiGraph<Node, u8, u32>,
    tape: Option<Tape>,
    /// Whether the tape's values and gradients are those of the current structure.
    evaluated: bool,
    output: Option<NodeId>,
    /// Scratch for incremental re-evaluation, kept to avoid allocating per edit.
    dirty: Vec<bool>,
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an input (a leaf the learner may edit) with its first value.
    pub fn add_input(&mut self, value: f64) -> NodeId {
        self.add_leaf(Op::Input, value)
    }

    /// Adds a constant leaf.
    pub fn add_const(&mut self, value: f64) -> NodeId {
        self.add_leaf(Op::Const, value)
    }

    fn add_leaf(&mut self, op: Op, value: f64) -> NodeId {
        self.tape = None;
        self.dag.add_node(Node {
            op,
            leaf_value: value,
            names: None,
        })
    }

    /// Adds an operation applied to `operands` (in order).
    pub fn add_op(&mut self, op: Op, operands: &[NodeId]) -> Result<NodeId, GraphError> {
        op.check_operand_count(operands.len())?;
        if operands.iter().any(|&id| !self.dag.contains_node(id)) {
            return Err(GraphError::NoSuchNode);
        }
        self.tape = None;
        let id = self.dag.add_node(Node {
            op,
            leaf_value: f64::NAN,
            names: None,
        });
        for (slot, &operand) in operands.iter().enumerate() {
            self.dag.add_edge(operand, id, slot as u8);
        }
        Ok(id)
    }

    /// Adds a name to a node (a statement `name = ...` bound it). A named node receives
    /// its gradient even when it is a constant (`c = (2)`, `y = c * x` gives `c` the value
    /// of `x`): a name is a place where blame arrives.
    pub fn add_name(&mut self, id: NodeId, name: impl Into<String>) {
        if let Some(node) = self.dag.node_weight_mut(id) {
            if node.names.is_none() && node.op != Op::Input {
                // The node may now take a gradient: the tape's flags must be rebuilt.
                self.tape = None;
            }
            node.names
                .get_or_insert_with(Default::default)
                .push(name.into());
        }
    }

    /// The node with this id.
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.dag.node_weight(id)
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.dag.node_count()
    }

    /// The operands of a node, in operand order.
    pub fn operands(&self, id: NodeId) -> Vec<NodeId> {
        let mut edges: Vec<(u8, NodeId)> = self
            .dag
            .edges_directed(id, Direction::Incoming)
            .map(|e| (*e.weight(), e.source()))
            .collect();
        edges.sort_unstable_by_key(|&(slot, _)| slot);
        edges.into_iter().map(|(_, source)| source).collect()
    }

    /// The nodes that use this node as an operand (a node used twice appears twice).
    pub fn consumers(&self, id: NodeId) -> Vec<NodeId> {
        self.dag
            .edges_directed(id, Direction::Outgoing)
            .map(|e| e.target())
            .collect()
    }

    /// All node ids in topological order (operands before their consumers).
    pub fn topological_order(&mut self) -> &[NodeId] {
        &self.tape().order
    }

    /// The node whose gradients are computed (the loss), if one is set.
    pub fn output(&self) -> Option<NodeId> {
        self.output
    }

    /// Chooses the output; gradients are computed at the next evaluation.
    pub fn set_output(&mut self, id: NodeId) {
        self.output = Some(id);
    }

    /// Runs the full forward pass, then the backward pass from the output.
    pub fn evaluate(&mut self) {
        self.tape();
        let output = self.output;
        let Some(tape) = self.tape.as_mut() else {
            return;
        };
        tape.flat.forward();
        tape.backward(output);
        self.evaluated = true;
    }

    /// Sets an input's value and brings every value and gradient up to date, re-evaluating
    /// forward only the nodes that depend on this input. This is the call to make on every
    /// frame a slider moves.
    pub fn set_input(&mut self, id: NodeId, value: f64) -> Result<(), GraphError> {
        self.set_inputs(&[(id, value)])
    }

    /// Sets several inputs at once and brings every value and gradient up to date in one
    /// forward sweep (from the earliest changed input) and one backward pass: feeding a
    /// whole image to a model costs one pass, not one per pixel. Nothing is changed if any
    /// id is not an input.
    pub fn set_inputs(&mut self, updates: &[(NodeId, f64)]) -> Result<(), GraphError> {
        for &(id, _) in updates {
            let node = self.dag.node_weight(id).ok_or(GraphError::NoSuchNode)?;
            if node.op != Op::Input {
                return Err(GraphError::NotAnInput);
            }
        }
        for &(id, value) in updates {
            if let Some(node) = self.dag.node_weight_mut(id) {
                node.leaf_value = value;
            }
        }
        let evaluated = self.evaluated;
        let Some(tape) = self.tape.as_mut() else {
            self.evaluate();
            return Ok(());
        };
        let n = tape.order.len();
        self.dirty.clear();
        self.dirty.resize(n, false);
        let mut start = n;
        for &(id, value) in updates {
            if let Some(pos) = tape.position(id) {
                tape.flat.set_leaf(pos, value);
                self.dirty[pos] = true;
                start = start.min(pos);
            }
        }
        if !evaluated {
            self.evaluate();
            return Ok(());
        }
        tape.flat.forward_dirty(start, &mut self.dirty);
        tape.backward(self.output);
        Ok(())
    }

    /// Sets the inputs `ids` to `values`, pairwise, in one pass as [`Graph::set_inputs`]
    /// does: how a model replaces all its parameters at once.
    pub fn set_inputs_to(&mut self, ids: &[NodeId], values: &[f64]) -> Result<(), GraphError> {
        let updates: Vec<(NodeId, f64)> = ids.iter().copied().zip(values.iter().copied()).collect();
        self.set_inputs(&updates)
    }

    /// The forward values of `ids`, in order.
    pub fn values_of(&self, ids: &[NodeId]) -> Vec<f64> {
        ids.iter().map(|&id| self.value(id)).collect()
    }

    /// The gradients of `ids` from the last backward pass, in order.
    pub fn grads_of(&self, ids: &[NodeId]) -> Vec<f64> {
        ids.iter().map(|&id| self.grad(id)).collect()
    }

    /// d(of)/d(wrt): how much node `of` moves per unit move of node `wrt`, by a backward
    /// pass from `of` on a copy (the graph's own output and gradients are untouched).
    pub fn gradient_of(&self, of: NodeId, wrt: NodeId) -> f64 {
        let mut copy = self.clone();
        copy.set_output(of);
        copy.evaluate();
        copy.grad(wrt)
    }

    /// The forward value of a node (NaN before the first evaluation).
    pub fn value(&self, id: NodeId) -> f64 {
        self.lookup(FlatTape::values, id)
    }

    /// d(output)/d(node) from the last backward pass (0 for nodes the output does not
    /// depend on, and for unnamed constants, which receive no gradient).
    pub fn grad(&self, id: NodeId) -> f64 {
        self.lookup(FlatTape::grads, id)
    }

    /// Every path from `from` to `to`, each as its edges from `from` onwards: the node
    /// each edge enters and the operand slot it enters by (each use of an operand is its
    /// own edge, so `x*x` gives two paths). Iterative; `None` past `max` paths (the count
    /// grows exponentially with a graph's diamonds).
    pub fn paths(&self, from: NodeId, to: NodeId, max: usize) -> Option<Vec<Vec<(NodeId, usize)>>> {
        let mut done = Vec::new();
        let mut stack: Vec<(NodeId, Vec<(NodeId, usize)>)> = vec![(from, Vec::new())];
        while let Some((node, path)) = stack.pop() {
            if node == to {
                done.push(path);
                if done.len() > max {
                    return None;
                }
                continue;
            }
            let mut consumers = self.consumers(node);
            consumers.sort_unstable();
            consumers.dedup();
            for consumer in consumers {
                for (slot, operand) in self.operands(consumer).into_iter().enumerate() {
                    if operand == node {
                        let mut longer = path.clone();
                        longer.push((consumer, slot));
                        stack.push((consumer, longer));
                    }
                }
            }
            if stack.len() > 16 * max.max(1) {
                return None;
            }
        }
        Some(done)
    }

    /// The local derivative d(consumer)/d(operand in `slot`) at the current values.
    pub fn local_derivative(&self, consumer: NodeId, slot: usize) -> f64 {
        let Some(node) = self.node(consumer) else {
            return f64::NAN;
        };
        let operands = self.operands(consumer);
        if slot >= operands.len() {
            return f64::NAN;
        }
        let a = self.value(operands[0]);
        let b = operands.get(1).map_or(0.0, |&o| self.value(o));
        node.op.local_derivatives(a, b, self.value(consumer))[slot]
    }

    /// Every node's value in topological order, paired with its id (none before the
    /// first evaluation).
    pub fn values(&self) -> impl Iterator<Item = (NodeId, f64)> + '_ {
        let tape = self.tape.as_ref().filter(|_| self.evaluated);
        let order = tape.map_or(&[][..], |t| &t.order[..]);
        let values = tape.map_or(&[][..], |t| t.flat.values());
        order.iter().copied().zip(values.iter().copied())
    }

    /// The output's value computed with one node's value replaced by `replacement`
    /// (everything downstream of it recomputed). The graph's own values are untouched.
    /// This is the building block of finite-difference checks.
    pub fn output_with_replaced(&mut self, id: NodeId, replacement: f64) -> f64 {
        let Some(output) = self.output else {
            return f64::NAN;
        };
        if !self.evaluated {
            self.evaluate();
        }
        let Some(tape) = self.tape.as_ref() else {
            return f64::NAN;
        };
        match (tape.position(id), tape.position(output)) {
            (Some(start), Some(out)) => tape.flat.value_with_replaced(start, out, replacement),
            _ => f64::NAN,
        }
    }

    /// The evaluated tape's arrays, for sweeps written over flat arrays (the second-order
    /// ones); `None` when the structure changed or nothing was evaluated since.
    pub(super) fn tape_view(&self) -> Option<TapeView<'_>> {
        let tape = self.tape.as_ref().filter(|_| self.evaluated)?;
        Some(TapeView {
            ops: tape.flat.ops(),
            args: tape.flat.args(),
            values: tape.flat.values(),
            flags: tape.flat.flags(),
            position_of: &tape.position_of,
        })
    }

    /// A node's number from the evaluated tape (NaN before an evaluation).
    fn lookup(&self, data: fn(&FlatTape) -> &[f64], id: NodeId) -> f64 {
        let tape = self.tape.as_ref().filter(|_| self.evaluated);
        let Some((tape, pos)) = tape.and_then(|t| Some((t, t.position(id)?))) else {
            return f64::NAN;
        };
        data(&tape.flat).get(pos).copied().unwrap_or(f64::NAN)
    }

    /// The tape, rebuilt if the structure changed since it was last built.
    fn tape(&mut self) -> &Tape {
        if self.tape.is_none() {
            self.tape = Some(self.build_tape());
            self.evaluated = false;
        }
        self.tape.get_or_insert_with(Tape::default)
    }

    /// Kahn's algorithm: iterative, so a million-node chain needs no deep stack. Ties are
    /// broken by node index, so the order of a parsed program is the order of its text.
    fn build_tape(&self) -> Tape {
        let bound = self.dag.node_bound();
        let mut pending = vec![0u32; bound];
        let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<u32>> = Default::default();
        for id in self.dag.node_indices() {
            let count = self.dag.edges_directed(id, Direction::Incoming).count() as u32;
            pending[id.index()] = count;
            if count == 0 {
                ready.push(std::cmp::Reverse(id.index() as u32));
            }
        }
        let mut tape = Tape {
            position_of: vec![NOT_ON_TAPE; bound],
            ..Tape::default()
        };
        tape.order.reserve(self.dag.node_count());
        // Fast path: a graph built statement by statement already has every edge pointing
        // from a lower index to a higher one, so index order is topological.
        let index_order_is_topological = self
            .dag
            .edge_indices()
            .filter_map(|e| self.dag.edge_endpoints(e))
            .all(|(source, target)| source.index() < target.index());
        if index_order_is_topological {
            ready.clear();
            for id in self.dag.node_indices() {
                tape.position_of[id.index()] = tape.order.len() as u32;
                tape.order.push(id);
            }
        }
        while let Some(std::cmp::Reverse(index)) = ready.pop() {
            let id = NodeId::new(index as usize);
            tape.position_of[index as usize] = tape.order.len() as u32;
            tape.order.push(id);
            for edge in self.dag.edges_directed(id, Direction::Outgoing) {
                let target = edge.target().index();
                pending[target] -= 1;
                if pending[target] == 0 {
                    ready.push(std::cmp::Reverse(target as u32));
                }
            }
        }
        // Operations, operands and leaf values, now that every position is known. Inputs
        // and named nodes take a gradient; the forward pass completes `requires_grad`.
        for &id in &tape.order {
            let node = &self.dag[id];
            let mut args = [0u32; 2];
            let mut count = 0;
            for edge in self.dag.edges_directed(id, Direction::Incoming) {
                let slot = usize::from(*edge.weight()).min(1);
                args[slot] = tape.position_of[edge.source().index()];
                count += 1;
            }
            if count == 1 {
                args[1] = args[0];
            }
            let pos = tape.flat.push(node.op, args, node.leaf_value);
            if node.names.is_some() {
                tape.flat.mark_named(pos);
            }
        }
        tape
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fan_out_accumulates_the_sum() {
        // y = x * x: x is used twice, so dy/dx = x + x.
        let mut g = Graph::new();
        let x = g.add_input(3.0);
        let y = g.add_op(Op::Mul, &[x, x]).expect("valid");
        g.set_output(y);
        g.evaluate();
        assert_eq!(g.value(y), 9.0);
        assert_eq!(g.grad(x), 6.0);
    }

    #[test]
    fn live_edit_updates_values_and_gradients() {
        let mut g = Graph::new();
        let x = g.add_input(2.0);
        let w = g.add_input(5.0);
        let unrelated = g.add_input(7.0);
        let z = g.add_op(Op::Mul, &[x, w]).expect("valid");
        let s = g.add_op(Op::Sin, &[unrelated]).expect("valid");
        let y = g.add_op(Op::Add, &[z, s]).expect("valid");
        g.set_output(y);
        g.evaluate();
        assert_eq!(g.grad(w), 2.0);
        g.set_input(x, -4.0).expect("x is an input");
        assert_eq!(g.value(z), -20.0);
        assert_eq!(g.value(y), -20.0 + 7f64.sin());
        assert_eq!(g.grad(w), -4.0);
        assert_eq!(g.grad(x), 5.0);
        assert_eq!(g.set_input(z, 1.0), Err(GraphError::NotAnInput));
    }

    #[test]
    fn constants_and_unused_nodes_receive_no_gradient() {
        // u = log(x - 1) is NaN-sloped at x = 1 but the output does not use it.
        let mut g = Graph::new();
        let x = g.add_input(1.0);
        let one = g.add_const(1.0);
        let d = g.add_op(Op::Sub, &[x, one]).expect("valid");
        let _u = g.add_op(Op::Log, &[d]).expect("valid");
        let y = g.add_op(Op::Mul, &[x, one]).expect("valid");
        g.set_output(y);
        g.evaluate();
        assert_eq!(g.grad(x), 1.0);
        assert_eq!(g.grad(one), 0.0);
    }

    #[test]
    fn named_constants_receive_their_gradient() {
        // y = c * x with c a named constant: dy/dc = x; the unnamed constant gets nothing.
        let mut g = Graph::new();
        let x = g.add_input(5.0);
        let c = g.add_const(2.0);
        let one = g.add_const(1.0);
        let cx = g.add_op(Op::Mul, &[c, x]).expect("valid");
        let y = g.add_op(Op::Add, &[cx, one]).expect("valid");
        g.set_output(y);
        g.evaluate();
        assert_eq!(g.grad(c), 0.0, "not named yet");
        g.add_name(c, "c");
        g.evaluate();
        assert_eq!(g.grad(c), 5.0);
        assert_eq!(g.grad(one), 0.0);
        g.set_input(x, -3.0).expect("input");
        assert_eq!(g.grad(c), -3.0);
        assert_eq!(g.grad(x), 2.0);
    }

    #[test]
    fn zero_times_infinity_is_nan() {
        // y = 0 * log(x) at x = 0: upstream 0, local 1/0 = inf.
        let mut g = Graph::new();
        let x = g.add_input(0.0);
        let zero = g.add_const(0.0);
        let l = g.add_op(Op::Log, &[x]).expect("valid");
        let y = g.add_op(Op::Mul, &[zero, l]).expect("valid");
        g.set_output(y);
        g.evaluate();
        assert!(g.grad(x).is_nan());
    }

    #[test]
    fn million_node_chain_has_no_stack_overflow() {
        let mut g = Graph::new();
        let x = g.add_input(0.5);
        let mut last = x;
        for _ in 0..1_000_000 {
            last = g.add_op(Op::RoundSte, &[last]).expect("valid");
            last = g.add_op(Op::Neg, &[last]).expect("valid");
        }
        g.set_output(last);
        g.evaluate();
        assert_eq!(g.grad(x), 1.0);
        g.set_input(x, 2.0).expect("input");
        assert_eq!(g.value(last), 2.0);
    }

    #[test]
    fn setting_many_inputs_equals_setting_them_one_by_one() {
        let build = || {
            let mut g = Graph::new();
            let a = g.add_input(1.0);
            let b = g.add_input(2.0);
            let c = g.add_input(3.0);
            let ab = g.add_op(Op::Mul, &[a, b]).expect("valid");
            let y = g.add_op(Op::Tanh, &[ab]).expect("valid");
            let y = g.add_op(Op::Add, &[y, c]).expect("valid");
            g.set_output(y);
            g.evaluate();
            (g, [a, b, c], y)
        };
        let (mut one, [a, b, c], y) = build();
        let (mut many, _, _) = build();
        for (id, v) in [(a, 0.3), (c, -1.5)] {
            one.set_input(id, v).expect("input");
        }
        many.set_inputs(&[(a, 0.3), (c, -1.5)]).expect("inputs");
        assert_eq!(one.value(y), many.value(y));
        for id in [a, b, c] {
            assert_eq!(one.grad(id), many.grad(id));
        }
        let ab = many.consumers(a)[0];
        assert_eq!(
            many.set_inputs(&[(b, 9.0), (ab, 1.0)]),
            Err(GraphError::NotAnInput)
        );
        assert_eq!(many.value(ab), 0.6, "a refused batch changes nothing");
    }

    #[test]
    fn arity_is_checked() {
        let mut g = Graph::new();
        let x = g.add_input(1.0);
        assert!(matches!(
            g.add_op(Op::Max, &[x]),
            Err(GraphError::Arity { expected: 2, .. })
        ));
    }

    #[test]
    fn replaced_value_recomputes_downstream_only_in_a_copy() {
        let mut g = Graph::new();
        let x = g.add_input(3.0);
        let y = g.add_op(Op::Mul, &[x, x]).expect("valid");
        g.set_output(y);
        g.evaluate();
        assert_eq!(g.output_with_replaced(x, 4.0), 16.0);
        assert_eq!(g.value(y), 9.0);
    }
}
