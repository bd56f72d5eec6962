//! Finite-difference gradient check: the analytic gradient against a central difference.

use super::graph::Graph;
use super::node::NodeId;

/// The result of checking one node's gradient.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradientCheck {
    /// d(output)/d(node) from the backward pass.
    pub analytic: f64,
    /// The central difference `(f(v+h) - f(v-h)) / 2h`.
    pub numeric: f64,
    /// `|analytic - numeric| / max(|analytic|, |numeric|, 1e-12)`.
    pub relative_error: f64,
    /// The step `h` used.
    pub step: f64,
}

/// Checks d(output)/d(node) for any node (input or inner) by nudging its value both ways
/// and recomputing everything downstream. The step scales with the value's size.
pub fn check_gradient(graph: &mut Graph, node: NodeId) -> GradientCheck {
    let value = graph.value(node);
    let step = 1e-6 * value.abs().max(1.0);
    let up = graph.output_with_replaced(node, value + step);
    let down = graph.output_with_replaced(node, value - step);
    let numeric = (up - down) / (2.0 * step);
    let analytic = graph.grad(node);
    let scale = analytic.abs().max(numeric.abs()).max(1e-12);
    GradientCheck {
        analytic,
        numeric,
        relative_error: (analytic - numeric).abs() / scale,
        step,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::script::parse;

    #[test]
    fn analytic_matches_numeric_for_inputs_and_inner_nodes() {
        let mut p =
            parse("x = 0.4; w = 1.7; z = x*w; a = sigmoid(z); y = (a - 0.2)^2").expect("ok");
        for name in ["x", "w", "z", "a"] {
            let id = p.node_named(name).expect("named");
            let check = check_gradient(&mut p.graph, id);
            assert!(check.relative_error < 1e-7, "{name}: {check:?}");
        }
    }

    #[test]
    fn a_wrong_gradient_is_caught() {
        // round has gradient 0 but its value jumps: the check reports a large error there.
        let mut p = parse("x = 0.5; y = round(x * 1)").expect("ok");
        let x = p.input_named("x").expect("x");
        let check = check_gradient(&mut p.graph, x);
        assert_eq!(check.analytic, 0.0);
        assert!(check.relative_error > 0.5);
    }
}
