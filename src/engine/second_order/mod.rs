//! Second-order derivatives: Hessians and Hessian-vector products, exact, never from
//! finite differences. Two ways, which agree up to rounding:
//!
//! - [`forward_over_reverse`]: one reverse sweep, then a tangent pushed forward and its
//!   gradient's tangent pulled back on the flat arrays, per direction. What the app and
//!   the command line use.
//! - [`backward_graph`]: the backward pass built as graph nodes (lesson 11's drawing),
//!   then differentiated again: backprop through backprop, the yardstick.

pub mod backward_graph;
pub(super) mod forward_over_reverse;

pub use backward_graph::{
    GradientGraph, build_gradient_graph, hessian_through_backward_graph, hvp_through_backward_graph,
};

use super::graph::Graph;
use super::node::NodeId;
use forward_over_reverse::SecondOrder;

/// The Hessian of the output with respect to `inputs`: row `i` is the gradient of
/// d(output)/d(inputs\[i\]). Computed forward-over-reverse on the graph's tape (one H·e_j
/// sweep per input, see [`forward_over_reverse`]); the numbers are those of backprop through
/// backprop ([`hessian_through_backward_graph`]) up to rounding.
pub fn hessian(graph: &Graph, inputs: &[NodeId]) -> Option<Vec<Vec<f64>>> {
    graph.output()?;
    on_tape(graph, inputs, forward_over_reverse::hessian)
        .or_else(|| hessian_through_backward_graph(graph, inputs))
}

/// The Hessian-vector product `H·v` with respect to `inputs` (never the whole Hessian):
/// one forward-over-reverse sweep on the graph's tape, see [`forward_over_reverse`]; the numbers
/// are those of [`hvp_through_backward_graph`] up to rounding.
pub fn hessian_vector_product(graph: &Graph, inputs: &[NodeId], v: &[f64]) -> Option<Vec<f64>> {
    graph.output()?;
    on_tape(graph, inputs, |second, positions| {
        forward_over_reverse::hessian_vector_product(second, positions, v)
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
