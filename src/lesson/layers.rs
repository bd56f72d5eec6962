//! Deep chains for the vanishing- and exploding-gradient lessons: `depth` copies of one
//! layer expression, built as a graph script and run by the engine, with the gradient at
//! every layer, its norm, and the norm after clipping.

use crate::engine::{self, ParseError};

/// One run of a layer chain.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerRun {
    /// |dL/dh_i| for i = 0 (the input) .. depth (the output, always 1).
    pub gradients: Vec<f64>,
    /// The output h_depth.
    pub output: f64,
    /// The Euclidean norm of the per-layer gradients.
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

/// Builds and runs the chain.
pub fn run(layer: &str, depth: usize, input: f64, weight: f64) -> Result<LayerRun, ParseError> {
    let program = engine::parse(&script(layer, depth, input, weight))?;
    let gradients: Vec<f64> = (0..=depth.max(1))
        .map(|i| {
            program
                .node_named(&format!("h{i}"))
                .map_or(f64::NAN, |id| program.graph.grad(id).abs())
        })
        .collect();
    let norm = gradients.iter().map(|g| g * g).sum::<f64>().sqrt();
    Ok(LayerRun {
        output: program.graph.value(program.output),
        gradients,
        norm,
    })
}

/// The value of a constant expression (a layer's slope bound), by the engine.
pub fn evaluate(expression: &str) -> Result<f64, ParseError> {
    let (graph, result, _) = engine::parse_expression(expression, &[])?;
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
        assert!(linear.norm >= linear.gradients[0]);
        assert_eq!(clip_factor(10.0, 5.0), 0.5);
        assert_eq!(clip_factor(1.0, 5.0), 1.0);
    }
}
