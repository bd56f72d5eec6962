//! Second order: the backward pass built as graph nodes (PyTorch's `create_graph=True`),
//! so a gradient is itself a node that can be differentiated again. Hessians and
//! Hessian-vector products come from backprop through backprop, never from finite
//! differences.

use std::collections::HashMap;

use super::graph::{Graph, NodeId};
use super::op::Op;
use super::second::{self, SecondOrder};
use super::sweep::{ON_PATH, REQUIRES_GRAD};

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

/// A local derivative as the builder needs it: trivial ones need no node.
enum Local {
    One,
    MinusOne,
    Zero,
    Node(NodeId),
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
        let marked = super::sweep::path_of(view.ops, view.args, out);
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
        let needed: Vec<bool> = operands.iter().map(|&o| flag(&requires_grad, o)).collect();
        let locals = symbolic_locals(&mut g, op, &operands, &needed, id);
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

/// The local derivatives of `op` at node `out` as graph nodes, mirroring
/// [`Op::local_derivatives`] operation for operation, so the values agree bit for bit.
/// A slot whose operand takes no gradient (`needed` false) gets no nodes built for it: a
/// constant exponent would otherwise leave a `log` of a negative base, NaN, in the drawing.
fn symbolic_locals(
    g: &mut Graph,
    op: Op,
    operands: &[NodeId],
    needed: &[bool],
    out: NodeId,
) -> Vec<Local> {
    use Local::*;
    let a = operands[0];
    let b = operands.get(1).copied().unwrap_or(a);
    let needs_b = needed.get(1).copied().unwrap_or(false);
    match op {
        Op::Input | Op::Const => vec![],
        Op::Add => vec![One, One],
        Op::Sub => vec![One, MinusOne],
        Op::Mul => vec![Node(b), Node(a)],
        Op::Div => {
            let one = g.add_const(1.0);
            let inv = add(g, Op::Div, &[one, b]);
            if !needs_b {
                return vec![Node(inv), Zero];
            }
            let bb = add(g, Op::Mul, &[b, b]);
            let q = add(g, Op::Div, &[a, bb]);
            let nq = add(g, Op::Neg, &[q]);
            vec![Node(inv), Node(nq)]
        }
        Op::Neg => vec![MinusOne],
        Op::Pow => vec![
            Node(add(g, Op::PowGradBase, &[a, b])),
            if needs_b {
                Node(add(g, Op::PowGradExp, &[a, b]))
            } else {
                Zero
            },
        ],
        Op::Exp => vec![Node(out)],
        Op::Log => {
            let one = g.add_const(1.0);
            vec![Node(add(g, Op::Div, &[one, a]))]
        }
        Op::Sqrt => {
            let half = g.add_const(0.5);
            vec![Node(add(g, Op::Div, &[half, out]))]
        }
        Op::Tanh => {
            let one = g.add_const(1.0);
            let sq = add(g, Op::Mul, &[out, out]);
            vec![Node(add(g, Op::Sub, &[one, sq]))]
        }
        Op::Sigmoid => {
            let one = g.add_const(1.0);
            let rest = add(g, Op::Sub, &[one, out]);
            vec![Node(add(g, Op::Mul, &[out, rest]))]
        }
        Op::Relu => vec![Node(add(g, Op::Step, &[a]))],
        Op::Abs => vec![Node(add(g, Op::Sign, &[a]))],
        Op::Sin => vec![Node(add(g, Op::Cos, &[a]))],
        Op::Cos => {
            let s = add(g, Op::Sin, &[a]);
            vec![Node(add(g, Op::Neg, &[s]))]
        }
        Op::Max => vec![
            Node(add(g, Op::TieStep, &[a, b])),
            Node(add(g, Op::TieStep, &[b, a])),
        ],
        Op::Min => vec![
            Node(add(g, Op::TieStep, &[b, a])),
            Node(add(g, Op::TieStep, &[a, b])),
        ],
        Op::Round => vec![Zero],
        Op::RoundSte => vec![One],
        Op::Step | Op::Sign | Op::TieStep => vec![Zero, Zero],
        Op::PowGradBase => {
            // d/da (b·a^(b-1)) = b·[(b-1)·a^(b-2)], d/db = a^(b-1)·(1 + b·ln a).
            let one = g.add_const(1.0);
            let b1 = add(g, Op::Sub, &[b, one]);
            let inner = add(g, Op::PowGradBase, &[a, b1]);
            let da = add(g, Op::Mul, &[b, inner]);
            let p = add(g, Op::Pow, &[a, b1]);
            let ln = add(g, Op::Log, &[a]);
            let bl = add(g, Op::Mul, &[b, ln]);
            let s = add(g, Op::Add, &[one, bl]);
            let db = add(g, Op::Mul, &[p, s]);
            vec![Node(da), Node(db)]
        }
        Op::PowGradExp => {
            // d/da (a^b·ln a) = a^(b-1)·(b·ln a + 1), d/db = a^b·ln²a.
            let one = g.add_const(1.0);
            let b1 = add(g, Op::Sub, &[b, one]);
            let p = add(g, Op::Pow, &[a, b1]);
            let ln = add(g, Op::Log, &[a]);
            let bl = add(g, Op::Mul, &[b, ln]);
            let s = add(g, Op::Add, &[bl, one]);
            let da = add(g, Op::Mul, &[p, s]);
            let db = add(g, Op::Mul, &[out, ln]);
            vec![Node(da), Node(db)]
        }
    }
}

/// The Hessian of the output with respect to `inputs`: row `i` is the gradient of
/// d(output)/d(inputs\[i\]). Computed forward-over-reverse on the graph's tape (one H·e_j
/// sweep per input, see [`super::second`]); the numbers are those of backprop through
/// backprop ([`hessian_through_backward_graph`]) up to rounding.
pub fn hessian(graph: &Graph, inputs: &[NodeId]) -> Option<Vec<Vec<f64>>> {
    graph.output()?;
    on_tape(graph, inputs, second::hessian)
        .or_else(|| hessian_through_backward_graph(graph, inputs))
}

/// The Hessian-vector product `H·v` with respect to `inputs` (never the whole Hessian):
/// one forward-over-reverse sweep on the graph's tape, see [`super::second`]; the numbers
/// are those of [`hvp_through_backward_graph`] up to rounding.
pub fn hessian_vector_product(graph: &Graph, inputs: &[NodeId], v: &[f64]) -> Option<Vec<f64>> {
    graph.output()?;
    on_tape(graph, inputs, |second, positions| {
        second::hessian_vector_product(second, positions, v)
    })
    .or_else(|| hvp_through_backward_graph(graph, inputs, v))
}

/// Runs a second-order computation on the graph's evaluated tape (on an evaluated copy
/// when the graph's values are stale), with the inputs as tape positions. `None` when the
/// graph has no output or holds operations the flat sweeps do not differentiate twice.
fn on_tape<R>(
    graph: &Graph,
    inputs: &[NodeId],
    run: impl FnOnce(&SecondOrder<'_>, &[usize]) -> R,
) -> Option<R> {
    let output = graph.output()?;
    let evaluated;
    let graph = if graph.tape_view().is_some() {
        graph
    } else {
        let mut copy = graph.clone();
        copy.evaluate();
        evaluated = copy;
        &evaluated
    };
    let view = graph.tape_view()?;
    let second = SecondOrder::new(
        view.ops,
        view.args,
        view.values,
        view.flags,
        view.position(output)?,
    )?;
    // An id not on the tape reads as NaN, as `Graph::grad` does.
    let positions: Vec<usize> = inputs
        .iter()
        .map(|&id| view.position(id).unwrap_or(usize::MAX))
        .collect();
    Some(run(&second, &positions))
}

/// The Hessian by backprop through backprop: the backward pass built as graph nodes
/// ([`build_gradient_graph`]), then one backward pass through it per input. Slower and
/// larger than [`hessian`]; kept as its yardstick (the property tests compare the two) and
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
/// (one extra backward pass). The yardstick of [`hessian_vector_product`].
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::script::parse;

    fn hessian_of(source: &str) -> Vec<Vec<f64>> {
        let p = parse(source).expect("parses");
        let inputs: Vec<NodeId> = p.inputs.iter().map(|&(_, id)| id).collect();
        hessian(&p.graph, &inputs).expect("has output")
    }

    #[test]
    fn gradient_nodes_equal_the_numeric_backward_pass() {
        let p = parse("x = 0.7; w = -1.3; z = sigmoid(x*w) + tanh(x)^2 / (1 + w*w); y = max(z, 0.1) * exp(-x)")
            .expect("parses");
        let gg = build_gradient_graph(&p.graph).expect("output");
        for &(_, x) in &p.inputs {
            let grad_node = gg.gradient_of[&x];
            assert_eq!(gg.graph.value(grad_node), p.graph.grad(x));
        }
    }

    #[test]
    fn a_constant_exponent_or_divisor_builds_no_nan_nodes() {
        // ln(x - 3) would be NaN at x = 1; the exponent 2 takes no gradient, so no node
        // for d/d(exponent) is built, and the drawing shows no NaN.
        let p = parse("x = 1; y = (x - 3)^2 / 4").expect("parses");
        let gg = build_gradient_graph(&p.graph).expect("has an output");
        let values: Vec<f64> = gg.graph.values().map(|(_, v)| v).collect();
        assert!(values.iter().all(|v| v.is_finite()), "{values:?}");
        let dx = gg.gradient_of[&p.inputs[0].1];
        assert_eq!(gg.graph.value(dx), -1.0);
    }

    #[test]
    fn named_constants_get_gradient_nodes_and_unnamed_ones_none() {
        // c is named: its gradient node holds x^c·ln(x), NaN at a negative x, as PyTorch
        // gives; the unnamed exponent 2 builds nothing, so no other node is NaN.
        let p = parse("x = -2; c = (3); y = x^c + x^2").expect("parses");
        let gg = build_gradient_graph(&p.graph).expect("has an output");
        let x = p.input_named("x").expect("x");
        let c = p.node_named("c").expect("c");
        assert_eq!(gg.graph.value(gg.gradient_of[&x]), p.graph.grad(x));
        assert_eq!(gg.graph.value(gg.gradient_of[&x]), 8.0);
        assert!(gg.graph.value(gg.gradient_of[&c]).is_nan());
        assert!(p.graph.grad(c).is_nan());
        let nan_nodes = gg.graph.values().filter(|(_, v)| v.is_nan()).count();
        let only_c = build_gradient_graph(&parse("x = -2; y = x^3 + x^2").expect("parses").graph)
            .expect("has an output");
        assert!(only_c.graph.values().all(|(_, v)| v.is_finite()));
        assert!(nan_nodes > 0);
        // The Hessian with respect to the inputs is unchanged by the named constant.
        assert_eq!(
            hessian(&p.graph, &[x]),
            Some(vec![vec![3.0 * 2.0 * -2.0 + 2.0]])
        );
    }

    #[test]
    fn hessian_of_a_polynomial() {
        // y = x^2·w + 3w^3: H = [[2w, 2x], [2x, 18w]]
        let h = hessian_of("x = 1.5; w = 2; y = x^2 * w + 3 * w^3");
        assert_eq!(h, vec![vec![4.0, 3.0], vec![3.0, 36.0]]);
    }

    #[test]
    fn hessian_at_kinks_is_zero() {
        let h = hessian_of("x = 0; y = relu(x) + abs(x) + max(x, 0) + round(x)");
        assert_eq!(h, vec![vec![0.0]]);
    }

    #[test]
    fn hvp_matches_hessian_times_vector() {
        let p = parse("a = 0.3; b = -0.8; y = sin(a*b) + a^3 * b + log(1 + b*b)").expect("ok");
        let inputs: Vec<NodeId> = p.inputs.iter().map(|&(_, id)| id).collect();
        let h = hessian(&p.graph, &inputs).expect("h");
        let v = [0.5, -2.0];
        let hv = hessian_vector_product(&p.graph, &inputs, &v).expect("hv");
        for i in 0..2 {
            let expected = h[i][0] * v[0] + h[i][1] * v[1];
            assert!((hv[i] - expected).abs() < 1e-12, "{hv:?} vs {h:?}");
        }
    }
}
