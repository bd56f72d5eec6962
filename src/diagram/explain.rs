//! The graph in words, for the app's panels, screen readers and tests: a node's title
//! and description, and the chain-rule arithmetic of one node with live numbers.

use crate::engine::{Graph, NodeId};
use crate::format::number;

use super::Picture;
use super::expr::Titles;
use super::text;

/// The first line of a node's box, as the graph view shows it (cut to fit).
pub fn node_title(titles: &Titles, id: NodeId) -> String {
    text::fitted_title(titles.title(id))
}

/// A node in words: its title, value and gradient, e.g. `A (input): value 1, gradient 9`.
/// The title is the one the graph view shows (names, not bullets).
pub fn node_description(graph: &mut Graph, id: NodeId) -> String {
    let titles = Titles::new(graph);
    format!(
        "{}: value {}, gradient {}",
        node_title(&titles, id),
        number(graph.value(id)),
        number(graph.grad(id))
    )
}

/// The chain-rule arithmetic of one node, with live numbers: one line per use of the
/// node, then the sum. Nodes are named as in `picture`'s titles.
pub fn chain_rule_lines(graph: &Graph, picture: &Picture, id: NodeId) -> Vec<String> {
    let name_of = |n: NodeId| {
        let reference = picture.reference(n);
        if reference.chars().all(|c| c.is_alphanumeric() || c == '_') {
            reference.to_string()
        } else {
            format!("({reference})")
        }
    };
    let Some(output) = graph.output() else {
        return vec![];
    };
    let out = name_of(output);
    let me = name_of(id);
    if id == output {
        return vec![format!("d{out}/d{out} = 1: the backward pass starts here.")];
    }
    let mut consumers = graph.consumers(id);
    consumers.sort_unstable();
    consumers.dedup();
    let mut paths = Vec::new();
    for consumer in consumers {
        for (slot, operand) in graph.operands(consumer).into_iter().enumerate() {
            if operand == id {
                paths.push((
                    name_of(consumer),
                    graph.grad(consumer),
                    graph.local_derivative(consumer, slot),
                ));
            }
        }
    }
    let grad = number(graph.grad(id));
    match paths.as_slice() {
        [] => vec![format!(
            "The output does not depend on {me}: d{out}/d{me} = 0."
        )],
        [(c, upstream, local)] => {
            let (u, l) = (number(*upstream), number(*local));
            vec![format!(
                "upstream d{out}/d{c} = {u}, local d{c}/d{me} = {l}, so d{out}/d{me} = {u} × {l} = {grad}"
            )]
        }
        several => {
            let mut lines: Vec<String> = several
                .iter()
                .map(|(c, upstream, local)| {
                    let (u, l) = (number(*upstream), number(*local));
                    format!(
                        "path through {c}: upstream d{out}/d{c} = {u}, local d{c}/d{me} = {l}, giving {u} × {l} = {}",
                        number(upstream * local)
                    )
                })
                .collect();
            let terms: Vec<String> = several.iter().map(|(_, u, l)| number(u * l)).collect();
            lines.push(format!(
                "{me} is used {} times, so its gradients add up: d{out}/d{me} = {} = {grad}",
                several.len(),
                terms.join(" + ")
            ));
            lines
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::Direction;
    use crate::engine::{Program, parse};

    fn program(script: &str) -> Program {
        let mut program = parse(script).expect("parses");
        program.graph.evaluate();
        program
    }

    fn lines(program: &mut Program, name: &str) -> Vec<String> {
        let id = program.node_named(name).expect("named");
        let picture = Picture::new(&mut program.graph, Direction::LeftToRight);
        chain_rule_lines(&program.graph, &picture, id)
    }

    #[test]
    fn the_output_starts_the_backward_pass() {
        let mut p = program("x = 3\ny = 2*x");
        assert_eq!(
            lines(&mut p, "y"),
            ["dy/dy = 1: the backward pass starts here."]
        );
    }

    #[test]
    fn one_use_multiplies_upstream_by_local() {
        let mut p = program("x = 3\ny = 2*x\nz = y*4");
        assert_eq!(
            lines(&mut p, "y"),
            ["upstream dz/dz = 1, local dz/dy = 4, so dz/dy = 1 × 4 = 4"]
        );
    }

    #[test]
    fn several_uses_add_up() {
        let mut p = program("x = 3\ny = x*2\nz = y + x");
        let text = lines(&mut p, "x");
        assert_eq!(text.len(), 3, "{text:?}");
        assert!(text[0].starts_with("path through "), "{text:?}");
        assert_eq!(
            text[2],
            "x is used 2 times, so its gradients add up: dz/dx = 2 + 1 = 3"
        );
    }

    #[test]
    fn an_unused_node_says_so() {
        let mut p = program("w = 5\nx = 3\nz = 2*x");
        assert_eq!(
            lines(&mut p, "w"),
            ["The output does not depend on w: dz/dw = 0."]
        );
    }

    #[test]
    fn a_description_names_the_box_and_its_numbers() {
        let mut p = program("A = 1\nB = 2*A + 1\nT = 3*B");
        let a = p.node_named("A").expect("A");
        let b = p.node_named("B").expect("B");
        assert_eq!(
            node_description(&mut p.graph, a),
            "A (input): value 1, gradient 6"
        );
        assert_eq!(
            node_description(&mut p.graph, b),
            "B = 2·A + 1: value 3, gradient 3"
        );
        let titles = Titles::new(&mut p.graph);
        assert_eq!(node_title(&titles, b), "B = 2·A + 1");
    }
}
