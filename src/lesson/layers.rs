//! Deep chains for the vanishing- and exploding-gradient lessons: `depth` copies of one
//! layer expression, built as a graph script and run by the engine, with the gradient at
//! every layer, the gradients of the layers' weights, and their norm for clipping.

use crate::engine::{self, ParseError};

/// One run of a layer chain.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerRun {
    /// |dL/dh_i| for i = 0 (the input) .. depth (the output, always 1).
    pub gradients: Vec<f64>,
    /// |dL/dw_i| for the weight of layer i = 1 .. depth (index 0 is layer 1). Every layer
    /// has its own weight, all starting at the same value, as the parameters of a network
    /// would: these are what an optimizer updates, and what clipping scales.
    pub weight_gradients: Vec<f64>,
    /// The output h_depth.
    pub output: f64,
    /// The Euclidean norm of the weights' gradients, ||(dL/dw_1, ..., dL/dw_depth)||: the
    /// norm clipping looks at, after the backward pass, before the update.
    pub norm: f64,
}

/// Replaces every identifier token `name` in `expression` by `with` (so `h` becomes
/// `h12` but `tanh` stays `tanh`).
pub fn substitute(expression: &str, name: &str, with: &str) -> String {
    let mut out = String::with_capacity(expression.len() + 8);
    let mut rest = expression;
    while let Some(start) = rest.find(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.push_str(&rest[..start]);
        let word = &rest[start..];
        let end = word
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(word.len());
        // A digit run before a letter (as in `2e3`) belongs to a number: keep it whole.
        let in_number = out
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_digit() || c == '.');
        if &word[..end] == name && !in_number {
            out.push_str(with);
        } else {
            out.push_str(&word[..end]);
        }
        rest = &word[end..];
    }
    out.push_str(rest);
    out
}

/// The graph script of `depth` layers: `h0 = input`, `w = weight`, `h_i = layer(h_{i-1})`.
pub fn script(layer: &str, depth: usize, input: f64, weight: f64) -> String {
    let mut text = format!("h0 = {input:?}\nw = {weight:?}\n");
    for i in 1..=depth.max(1) {
        let body = substitute(layer, "h", &format!("h{}", i - 1));
        text.push_str(&format!("h{i} = {body}\n"));
    }
    text
}

/// The chain's script with one weight per layer, `w1 .. w_depth`, each starting at
/// `weight`: the same values as [`script`], plus the weights as separate parameters.
pub fn script_with_weights(layer: &str, depth: usize, input: f64, weight: f64) -> String {
    let mut text = format!("h0 = {input:?}\n");
    for i in 1..=depth.max(1) {
        text.push_str(&format!("w{i} = {weight:?}\n"));
    }
    for i in 1..=depth.max(1) {
        let body = substitute(layer, "w", &format!("w{i}"));
        let body = substitute(&body, "h", &format!("h{}", i - 1));
        text.push_str(&format!("h{i} = {body}\n"));
    }
    text
}

/// Builds and runs the chain.
pub fn run(layer: &str, depth: usize, input: f64, weight: f64) -> Result<LayerRun, ParseError> {
    let program = engine::parse(&script_with_weights(layer, depth, input, weight))?;
    let grad_of = |name: String| {
        program
            .node_named(&name)
            .map_or(f64::NAN, |id| program.graph.grad(id).abs())
    };
    let gradients: Vec<f64> = (0..=depth.max(1))
        .map(|i| grad_of(format!("h{i}")))
        .collect();
    let weight_gradients: Vec<f64> = (1..=depth.max(1))
        .map(|i| grad_of(format!("w{i}")))
        .collect();
    let norm = weight_gradients.iter().map(|g| g * g).sum::<f64>().sqrt();
    Ok(LayerRun {
        output: program.graph.value(program.output),
        gradients,
        weight_gradients,
        norm,
    })
}

/// The value of a constant expression, by the engine.
pub fn evaluate(expression: &str) -> Result<f64, ParseError> {
    bound_at(expression, 0.0)
}

/// The value of a layer's slope bound, an expression that may use the weight `w`
/// (e.g. `0.25*abs(w)` for a sigmoid layer), by the engine.
pub fn bound_at(expression: &str, weight: f64) -> Result<f64, ParseError> {
    let (graph, result, _) = engine::parse_expression(expression, &[("w", weight)])?;
    Ok(graph.value(result))
}

/// Gradient clipping by norm: the factor min(1, threshold / norm) every gradient is
/// multiplied by.
pub fn clip_factor(norm: f64, threshold: f64) -> f64 {
    if norm > threshold && norm > 0.0 {
        threshold / norm
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_w_times_a_quarter_holds_at_every_weight() {
        for w in [-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 1.5, 3.0] {
            let bound = bound_at("abs(w)*sigmoid(0)*(1 - sigmoid(0))", w).expect("runs");
            assert_eq!(bound, 0.25 * f64::abs(w));
            for depth in [1, 5, 10, 30] {
                let run = run("sigmoid(w*h)", depth, 0.5, w).expect("runs");
                assert!(
                    run.gradients[0] <= bound.powi(depth as i32),
                    "w = {w}, depth {depth}: {} > {}",
                    run.gradients[0],
                    bound.powi(depth as i32)
                );
            }
        }
    }

    #[test]
    fn substitution_respects_names() {
        assert_eq!(substitute("tanh(w*h) + h2", "h", "h7"), "tanh(w*h7) + h2");
        assert_eq!(substitute("sigmoid(h)", "h", "h0"), "sigmoid(h0)");
    }

    #[test]
    fn sigmoid_chains_vanish_and_linear_chains_explode() {
        let deep = run("sigmoid(w*h)", 30, 0.5, 1.0).expect("runs");
        let bound = evaluate("sigmoid(0)*(1 - sigmoid(0))").expect("runs");
        assert_eq!(bound, 0.25);
        assert!(
            deep.gradients[0] <= bound.powi(30),
            "{:?}",
            deep.gradients[0]
        );
        assert_eq!(deep.gradients[30], 1.0);
        let linear = run("w*h", 20, 1.0, 1.5).expect("runs");
        assert!((linear.gradients[0] - 1.5f64.powi(20)).abs() < 1e-6);
        // dL/dw_i = dL/dh_i * h_(i-1) = w^(20-i) * w^(i-1): the same for every layer.
        let each = 1.5f64.powi(19);
        assert_eq!(linear.weight_gradients.len(), 20);
        for g in &linear.weight_gradients {
            assert!((g - each).abs() < 1e-9 * each, "{g}");
        }
        assert!((linear.norm - each * 20f64.sqrt()).abs() < 1e-9 * linear.norm);
        assert_eq!(clip_factor(10.0, 5.0), 0.5);
        assert_eq!(clip_factor(1.0, 5.0), 1.0);
    }
}
