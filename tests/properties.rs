//! Property tests: analytic gradients and Hessians of random programs against central
//! differences, the forward-over-reverse Hessian and H·v against backprop through
//! backprop, and the parser never panicking on arbitrary text.

#![allow(clippy::needless_range_loop)] // Hessian indices read better as H[i][j].

use backprop_lab::cli::grad_json;
use backprop_lab::engine::{
    Graph, NodeId, check_gradient, hessian, hessian_through_backward_graph, hessian_vector_product,
    hvp_through_backward_graph, parse, parse_tape,
};
use proptest::prelude::*;

/// Expression templates over two earlier names `u` and `v` (often the same name, so a
/// node feeds several consumers). Every template keeps its arguments in the domain where
/// the operation is smooth: `log` and `sqrt` of `1 + u*u`, divisors that are at least 1,
/// powers with a positive base.
const TEMPLATES: &[&str] = &[
    "u + v",
    "u - v",
    "u * v",
    "u / (1 + v*v)",
    "-u",
    "u^2",
    "u ** 3 / 4",
    "exp(tanh(u))",
    "log(1 + u*u)",
    "sqrt(1 + u*u)",
    "tanh(u)",
    "sigmoid(u)",
    "sin(u)",
    "cos(u)",
    "pow(1 + u*u, tanh(v))",
    "(1 + v^2) ^ sigmoid(u)",
    "u * v - v / (2 + sin(u))",
    "exp(-u*u / 4) * v",
    "2^tanh(u) + u*v*u",
];

#[derive(Debug, Clone)]
struct Statement {
    template: usize,
    u: usize,
    v: usize,
    /// Reassign an earlier inner name instead of introducing a new one.
    reassign: Option<usize>,
}

#[derive(Debug, Clone)]
struct Case {
    inputs: Vec<f64>,
    statements: Vec<Statement>,
}

impl Case {
    fn source(&self) -> String {
        let mut names: Vec<String> = Vec::new();
        let mut inner: Vec<String> = Vec::new();
        let mut text = String::from("# generated\n");
        for (i, value) in self.inputs.iter().enumerate() {
            let name = format!("x{i}");
            text.push_str(&format!("{name} = {value:?}\n"));
            names.push(name);
        }
        for (i, s) in self.statements.iter().enumerate() {
            let u = &names[s.u % names.len()];
            let v = &names[s.v % names.len()];
            let expression = TEMPLATES[s.template]
                .replace('u', "\u{1}")
                .replace('v', "\u{2}")
                .replace('\u{1}', u)
                .replace('\u{2}', v);
            let target = match s.reassign {
                Some(k) if !inner.is_empty() => inner[k % inner.len()].clone(),
                _ => format!("t{i}"),
            };
            text.push_str(&format!("{target} = {expression}\n"));
            if !names.contains(&target) {
                names.push(target.clone());
                inner.push(target);
            }
        }
        text
    }
}

fn case() -> impl Strategy<Value = Case> {
    let statement = (
        0..TEMPLATES.len(),
        0usize..16,
        0usize..16,
        any::<bool>(),
        0usize..8,
    )
        .prop_map(|(template, u, v, reassign, k)| Statement {
            template,
            u,
            v,
            reassign: reassign.then_some(k),
        });
    (
        prop::collection::vec(-2.0f64..=2.0, 1..=3),
        prop::collection::vec(statement, 1..=6),
    )
        .prop_map(|(inputs, statements)| Case { inputs, statements })
}

/// Rejects programs whose values left a tame range (a chain of products can grow fast),
/// where finite differences would measure rounding more than slope.
fn tame(graph: &Graph) -> bool {
    graph
        .values()
        .all(|(_, v)| v.is_finite() && v.abs() <= 50.0)
}

fn close(analytic: f64, numeric: f64, relative: f64, absolute: f64) -> bool {
    (analytic - numeric).abs() <= relative * analytic.abs().max(numeric.abs()) + absolute
}

fn input_ids(source: &str) -> (backprop_lab::engine::Program, Vec<NodeId>) {
    let program = parse(source).expect("generated programs parse");
    let ids = program.inputs.iter().map(|&(_, id)| id).collect();
    (program, ids)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn gradients_match_central_differences(case in case()) {
        let source = case.source();
        flat_agrees(&source)?;
        let (mut program, _) = input_ids(&source);
        prop_assume!(tame(&program.graph));
        prop_assert!(program.graph.value(program.output).is_finite());
        let named: Vec<(String, NodeId)> = program.bindings.clone();
        for (name, id) in named {
            let check = check_gradient(&mut program.graph, id);
            prop_assert!(
                close(check.analytic, check.numeric, 1e-5, 1e-6),
                "d/d{name}: {check:?}\n{source}"
            );
        }
    }

    #[test]
    fn hessians_are_symmetric_and_match_differences_of_gradients(case in case()) {
        let source = case.source();
        let (program, inputs) = input_ids(&source);
        prop_assume!(tame(&program.graph));
        let h = hessian(&program.graph, &inputs).expect("the program has an output");
        let n = inputs.len();
        prop_assert_eq!(h.len(), n);
        let scale = h.iter().flatten().fold(1.0f64, |m, x| m.max(x.abs()));
        for i in 0..n {
            prop_assert_eq!(h[i].len(), n);
            for j in 0..n {
                prop_assert!(h[i][j].is_finite(), "H[{i}][{j}] = {}\n{source}", h[i][j]);
                prop_assert!(
                    close(h[i][j], h[j][i], 1e-9, 1e-12 * scale),
                    "not symmetric: H[{i}][{j}] = {}, H[{j}][{i}] = {}\n{source}",
                    h[i][j], h[j][i]
                );
            }
        }
        // Column j: the gradient's change when input j moves by ±step.
        for j in 0..n {
            let x = program.graph.value(inputs[j]);
            let step = 1e-5 * x.abs().max(1.0);
            let mut up = program.graph.clone();
            up.set_input(inputs[j], x + step).expect("an input");
            let mut down = program.graph.clone();
            down.set_input(inputs[j], x - step).expect("an input");
            for i in 0..n {
                let numeric = (up.grad(inputs[i]) - down.grad(inputs[i])) / (2.0 * step);
                prop_assert!(
                    close(h[i][j], numeric, 1e-4, 1e-6 * scale),
                    "H[{i}][{j}] = {}, central difference {numeric}\n{source}",
                    h[i][j]
                );
            }
        }
    }

    #[test]
    fn checkpointing_gives_every_gradient_of_the_plain_pass_bit_for_bit(
        case in case(),
        every in 1usize..6,
    ) {
        // Untamed programs too: NaN and infinities must flow the same way.
        let source = case.source();
        let (program, _) = input_ids(&source);
        let mut graph = program.graph.clone();
        let run = backprop_lab::engine::checkpoint::checkpointed_backward(&mut graph, every)
            .expect("an output");
        for id in graph.topological_order().to_vec() {
            let (checkpointed, plain) = (run.gradients[id.index()], program.graph.grad(id));
            prop_assert!(
                checkpointed.to_bits() == plain.to_bits() || (checkpointed.is_nan() && plain.is_nan()),
                "every {every}, node {id:?}: {checkpointed} against {plain}\n{source}"
            );
        }
    }

    #[test]
    fn forward_over_reverse_matches_backprop_through_backprop(case in case()) {
        let source = case.source();
        let (program, inputs) = input_ids(&source);
        prop_assume!(tame(&program.graph));
        let old = hessian_through_backward_graph(&program.graph, &inputs).expect("output");
        let new = hessian(&program.graph, &inputs).expect("output");
        // The command line's path: the flat tape, parsed again.
        let mut flat = parse_tape(&source).expect("parses");
        let flat_inputs: Vec<NodeId> = flat.inputs.iter().map(|&(_, id)| id).collect();
        let from_flat = flat.graph.hessian(&flat_inputs).expect("output");
        let scale = old.iter().flatten().fold(1.0f64, |m, x| m.max(x.abs()));
        let n = inputs.len();
        for i in 0..n {
            for j in 0..n {
                prop_assert!(
                    close(new[i][j], old[i][j], 1e-12, 1e-13 * scale),
                    "H[{i}][{j}]: forward-over-reverse {}, through the backward graph {}\n{source}",
                    new[i][j], old[i][j]
                );
                prop_assert_eq!(new[i][j].to_bits(), from_flat[i][j].to_bits());
            }
        }
        let v: Vec<f64> = [0.5, -1.25, 2.0].into_iter().take(n).collect();
        let old = hvp_through_backward_graph(&program.graph, &inputs, &v).expect("output");
        let new = hessian_vector_product(&program.graph, &inputs, &v).expect("output");
        let from_flat = flat.graph.hessian_vector_product(&flat_inputs, &v).expect("output");
        for i in 0..n {
            prop_assert!(
                close(new[i], old[i], 1e-12, 1e-13 * scale),
                "Hv[{i}]: forward-over-reverse {}, through the backward graph {}\n{source}",
                new[i], old[i]
            );
            prop_assert_eq!(new[i].to_bits(), from_flat[i].to_bits());
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "(?s).{0,80}") {
        check_parse_result(&text)?;
    }

    #[test]
    fn text_over_the_language_alphabet_never_panics(
        text in "[a-z0-9_ =+\\-*/^(),;.#\n\t\reE]{0,60}"
    ) {
        check_parse_result(&text)?;
    }

    #[test]
    fn statement_shaped_text_never_panics(
        parts in prop::collection::vec(
            "[a-z]{1,4} = [-+]?([0-9.eE+-]{1,6}|[a-z(]{0,5}[a-z0-9 +*/^(),-]{0,20})",
            0..5,
        ),
        separator in "[;\n]",
    ) {
        check_parse_result(&parts.join(&separator))?;
    }
}

/// The command line's flat path must say exactly what the graph path says: the same
/// error, or the same JSON to the last bit.
fn flat_agrees(text: &str) -> Result<(), TestCaseError> {
    match (parse(text), parse_tape(text)) {
        (Ok(graph), Ok(mut flat)) => {
            flat.graph.evaluate();
            prop_assert_eq!(grad_json(&graph), grad_json(&flat), "{}", text);
        }
        (Err(a), Err(b)) => prop_assert_eq!(a, b),
        (a, b) => prop_assert!(false, "{:?} vs {:?}", a.is_ok(), b.is_ok()),
    }
    Ok(())
}

fn check_parse_result(text: &str) -> Result<(), TestCaseError> {
    flat_agrees(text)?;
    match parse(text) {
        Ok(program) => {
            prop_assert!(!program.bindings.is_empty());
            prop_assert_eq!(program.graph.output(), Some(program.output));
        }
        Err(error) => {
            let lines: Vec<&str> = text.split('\n').collect();
            let line_count = text.lines().count();
            let position = error.position;
            prop_assert!(position.line >= 1 && position.column >= 1, "{error}");
            prop_assert!(position.line <= line_count + 1, "{error} in {text:?}");
            prop_assert!(position.line <= lines.len(), "{error} in {text:?}");
            let width = lines[position.line - 1].chars().count();
            prop_assert!(position.column <= width + 1, "{error} in {text:?}");
            prop_assert!(!error.message.is_empty());
            let prefix = format!("{position}: ");
            prop_assert!(error.to_string().starts_with(&prefix));
        }
    }
    Ok(())
}
