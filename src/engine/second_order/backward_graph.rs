//! The backward pass built as graph nodes (PyTorch's `create_graph=True`), so a gradient
//! is itself a node that can be differentiated again: lesson 11's drawing, and backprop
//! through backprop, the yardstick of the forward-over-reverse sweeps.

use std::collections::HashMap;

use crate::engine::graph::Graph;
use crate::engine::node::NodeId;
use crate::engine::op::{Builder, Local, Op, Operands};
use crate::engine::sweep::{self, ON_PATH, REQUIRES_GRAD};

/// A forward graph extended with the nodes of its own backward pass.
#[derive(Debug, Clone)]
pub struct GradientGraph {
    /// The forward nodes (same ids as in the source graph) plus the gradient nodes.
    pub graph: Graph,
    /// For each forward node that receives a gradient, the node holding d(output)/d(node).
    pub gradient_of: HashMap<NodeId, NodeId>,
    /// Ids of the forward part; every other node belongs to the backward pass.
    pub forward_nodes: Vec<NodeId>,
}

/// Builds the backward pass of `graph` with respect to its output as new nodes.
/// Returns `None` when the graph has no output.
pub fn build_gradient_graph(graph: &Graph) -> Option<GradientGraph> {
    let mut g = graph.clone();
    let output = g.output()?;
    g.evaluate();
    let order: Vec<NodeId> = g.topological_order().to_vec();
    let forward_nodes = order.clone();

    // Which nodes take part: ancestors of the output that take a gradient (inputs, named
    // nodes, and what depends on them): read off the graph's own tape and the sweep that
    // marks the output's ancestors, so both backward passes follow one rule. Kept by node
    // index: the nodes added below invalidate the tape, and have no entry (false).
    let bound = order.iter().map(|id| id.index() + 1).max().unwrap_or(0);
    let mut on_path = vec![false; bound];
    let mut requires_grad = vec![false; bound];
    if let Some(view) = g.tape_view()
        && let Some(out) = view.position(output)
    {
        let marked = sweep::path_of(view.ops, view.args, out);
        for &id in &order {
            if let Some(pos) = view.position(id) {
                on_path[id.index()] = marked[pos] & ON_PATH != 0;
                requires_grad[id.index()] = view.flags[pos] & REQUIRES_GRAD != 0;
            }
        }
    }
    let flag = |flags: &[bool], id: NodeId| flags.get(id.index()).copied().unwrap_or(false);

    let output_name = g
        .node(output)
        .and_then(|n| n.display_name().map(str::to_string))
        .unwrap_or_else(|| "out".into());
    let mut gradient_of: HashMap<NodeId, NodeId> = HashMap::new();
    let seed = g.add_const(1.0);
    gradient_of.insert(output, seed);

    for &id in order.iter().rev() {
        let takes_part = flag(&on_path, id) && flag(&requires_grad, id);
        let Some(&upstream) = gradient_of.get(&id) else {
            continue;
        };
        if !takes_part {
            continue;
        }
        let Some(op) = g.node(id).map(|n| n.op) else {
            continue;
        };
        if op.arity() == 0 {
            continue;
        }
        let operands = g.operands(id);
        let node = Operands {
            a: operands[0],
            b: operands.get(1).copied().unwrap_or(operands[0]),
            out: id,
            needs_b: operands.get(1).is_some_and(|&b| flag(&requires_grad, b)),
        };
        let locals = op.local_derivative_nodes(&mut g, &node);
        for (slot, local) in locals.into_iter().enumerate().take(op.arity()) {
            let operand = operands[slot];
            if !flag(&requires_grad, operand) {
                continue;
            }
            let term = match local {
                Local::One => upstream,
                Local::MinusOne => add(&mut g, Op::Neg, &[upstream]),
                Local::Zero => {
                    let zero = g.add_const(0.0);
                    add(&mut g, Op::Mul, &[upstream, zero])
                }
                Local::Node(l) => add(&mut g, Op::Mul, &[upstream, l]),
            };
            let sum = match gradient_of.get(&operand) {
                Some(&existing) => add(&mut g, Op::Add, &[existing, term]),
                None => term,
            };
            gradient_of.insert(operand, sum);
        }
    }
    // Label the gradients so a drawing of this graph reads as the learner would write it.
    // In node order: one gradient node can serve several nodes, and its newest label must
    // not depend on a hash map's order.
    let mut labelled: Vec<(NodeId, NodeId)> = gradient_of.iter().map(|(&n, &g)| (n, g)).collect();
    labelled.sort_unstable();
    for (node, grad) in labelled {
        if grad == seed && node != output {
            continue;
        }
        let name = g
            .node(node)
            .and_then(|n| n.display_name().map(str::to_string));
        if let Some(name) = name {
            g.add_name(grad, format!("d{output_name}/d{name}"));
        }
    }
    g.evaluate();
    Some(GradientGraph {
        graph: g,
        gradient_of,
        forward_nodes,
    })
}

fn add(g: &mut Graph, op: Op, operands: &[NodeId]) -> NodeId {
    // Operand counts here are fixed per operation, so this cannot fail.
    g.add_op(op, operands)
        .unwrap_or_else(|_| g.add_const(f64::NAN))
}

/// The operations' rules build their derivative nodes into the graph.
impl Builder for Graph {
    type Id = NodeId;

    fn constant(&mut self, value: f64) -> NodeId {
        self.add_const(value)
    }

    fn op(&mut self, op: Op, operands: &[NodeId]) -> NodeId {
        add(self, op, operands)
    }
}

/// The Hessian by backprop through backprop: the backward pass built as graph nodes
/// ([`build_gradient_graph`]), then one backward pass through it per input. Slower and
/// larger than [`super::hessian`]; kept as its yardstick (the property tests compare the two) and
/// for graphs holding the internal operations of a backward graph.
pub fn hessian_through_backward_graph(graph: &Graph, inputs: &[NodeId]) -> Option<Vec<Vec<f64>>> {
    let mut gg = build_gradient_graph(graph)?;
    let mut rows = Vec::with_capacity(inputs.len());
    for &xi in inputs {
        let row = match gg.gradient_of.get(&xi) {
            Some(&grad_node) => {
                gg.graph.set_output(grad_node);
                gg.graph.evaluate();
                inputs.iter().map(|&xj| gg.graph.grad(xj)).collect()
            }
            None => vec![0.0; inputs.len()],
        };
        rows.push(row);
    }
    Some(rows)
}

/// `H·v` by backprop through backprop: the gradient of `∇f · v` through the backward graph
/// (one extra backward pass). The yardstick of [`super::hessian_vector_product`].
pub fn hvp_through_backward_graph(graph: &Graph, inputs: &[NodeId], v: &[f64]) -> Option<Vec<f64>> {
    let mut gg = build_gradient_graph(graph)?;
    let mut dot: Option<NodeId> = None;
    for (&xi, &vi) in inputs.iter().zip(v) {
        let Some(&grad_node) = gg.gradient_of.get(&xi) else {
            continue;
        };
        let weight = gg.graph.add_const(vi);
        let term = add(&mut gg.graph, Op::Mul, &[grad_node, weight]);
        dot = Some(match dot {
            Some(sum) => add(&mut gg.graph, Op::Add, &[sum, term]),
            None => term,
        });
    }
    let Some(dot) = dot else {
        return Some(vec![0.0; inputs.len()]);
    };
    gg.graph.set_output(dot);
    gg.graph.evaluate();
    Some(inputs.iter().map(|&x| gg.graph.grad(x)).collect())
}
