//! The graph in words, for the app's panels, screen readers and tests: a node's title
//! and description, and the chain-rule arithmetic of one node with live numbers.

use crate::engine::{Graph, NodeId};
use crate::format::number;

use super::Picture;
use super::expr::{Titles, short_number};
use super::picture::edge_flow;
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

/// A box's name inside arithmetic (`dT/dC`, `d(w·x)/dw`): its reference as it is when a
/// plain name, else in parentheses.
pub fn name_in_arithmetic(reference: &str) -> String {
    if reference.chars().all(|c| c.is_alphanumeric() || c == '_') {
        reference.to_string()
    } else {
        format!("({reference})")
    }
}

/// The chain-rule arithmetic of one drawn box, with live numbers: one line per edge that
/// leaves it, then the sum. It speaks only of what `picture` draws: boxes by their names,
/// each edge's local derivative as its plate shows it (combined along the operations
/// folded into the box it enters, `local dT/dC = −4` for `T = 90 − 4·C`), the upstream
/// gradient as the box above shows it, and what the edge sends as its plate does.
pub fn chain_rule_lines(graph: &Graph, picture: &Picture, id: NodeId) -> Vec<String> {
    let name_of = |n: NodeId| name_in_arithmetic(picture.reference(n));
    let Some(output) = graph.output() else {
        return vec![];
    };
    let out = name_of(output);
    let me = name_of(id);
    if id == output {
        return vec![format!("d{out}/d{out} = 1: the backward pass starts here.")];
    }
    let grad = text::box_number(graph.grad(id));
    // Each drawn edge leaving the box, read once: the box it enters, that box's gradient,
    // the plate's local derivative (with the formula it folds, if any) and what it sends.
    let readings: Vec<[String; 5]> = picture
        .edges
        .iter()
        .filter(|e| e.from == id)
        .map(|edge| {
            let flow = edge_flow(graph, edge);
            let formula = picture.full_title(edge.to);
            let since = if formula.contains(" = ") && edge.paths.iter().any(|p| p.len() > 1) {
                format!(" (from {formula})")
            } else {
                String::new()
            };
            [
                name_of(edge.to),
                text::box_number(graph.grad(edge.to)),
                short_number(flow.local),
                since,
                short_number(flow.passes),
            ]
        })
        .collect();
    match readings.as_slice() {
        [] => vec![format!(
            "The output does not depend on {me}: d{out}/d{me} = 0."
        )],
        [[c, u, l, since, sends]] => vec![format!(
            "upstream d{out}/d{c} = {u}, local d{c}/d{me} = {l}{since}, so d{out}/d{me} = {u} × {l} = {sends}"
        )],
        several => {
            let mut lines: Vec<String> = several
                .iter()
                .map(|[c, u, l, since, sends]| {
                    format!(
                        "edge to {c}: upstream d{out}/d{c} = {u}, local d{c}/d{me} = {l}{since}, sends {sends}"
                    )
                })
                .collect();
            let terms: Vec<&str> = several.iter().map(|[.., sends]| sends.as_str()).collect();
            lines.push(format!(
                "{me} feeds {} boxes, so what their edges send adds up: d{out}/d{me} = {} = {grad}",
                count_in_words(several.len()),
                terms.join(" + ")
            ));
            lines
        }
    }
}

/// The most paths a hint lists (a question's graph has a handful).
const HINT_PATHS: usize = 8;

/// Two hints for d(output)/d(`target`), before any answer: the chain (the paths from the
/// box to the output and the product of local factors each stands for, in symbols), then
/// the local factors' numbers at the graph's values. The learner still multiplies and
/// adds. `None` when the output does not depend on the box, or past [`HINT_PATHS`] paths.
pub fn chain_hints(graph: &mut Graph, target: NodeId) -> Option<[String; 2]> {
    let output = graph.output()?;
    let titles = Titles::new(graph);
    let name = |id: NodeId| name_in_arithmetic(titles.reference(id));
    let paths = graph.paths(target, output, HINT_PATHS)?;
    if paths.is_empty() {
        return None;
    }
    let (me, out) = (name(target), name(output));
    let mut routes = Vec::new();
    let mut products = Vec::new();
    let mut locals = Vec::new();
    for path in &paths {
        let nodes: Vec<NodeId> = std::iter::once(target)
            .chain(path.iter().map(|&(to, _)| to))
            .collect();
        let arrows: Vec<String> = nodes.iter().map(|&n| name(n)).collect();
        routes.push(arrows.join(" → "));
        // The factors from the output back, as the chain rule writes them.
        let factors: Vec<(String, f64)> = path
            .iter()
            .zip(&nodes)
            .rev()
            .map(|(&(to, slot), &from)| {
                (
                    format!("d{}/d{}", name(to), name(from)),
                    graph.local_derivative(to, slot),
                )
            })
            .collect();
        let symbols: Vec<&str> = factors.iter().map(|(f, _)| f.as_str()).collect();
        products.push(symbols.join(" · "));
        let numbers: Vec<String> = factors
            .iter()
            .map(|(f, v)| format!("{f} = {}", number(*v)))
            .collect();
        locals.push(numbers.join(", "));
    }
    let chain = match (routes.as_slice(), products.as_slice()) {
        ([route], [product]) => format!(
            "{out} depends on {me} along one path, {route}, so the chain rule gives \
             d{out}/d{me} = {product}."
        ),
        _ => format!(
            "{out} depends on {me} along {} paths: {}. Along each the local factors \
             multiply, and the paths add up: d{out}/d{me} = {}.",
            count_in_words(routes.len()),
            routes.join("; "),
            products
                .iter()
                .map(|p| if p.contains('·') {
                    format!("({p})")
                } else {
                    p.clone()
                })
                .collect::<Vec<_>>()
                .join(" + ")
        ),
    };
    let numbers = match locals.as_slice() {
        [one] => format!("The local factors here: {one}. Multiply them."),
        _ => format!(
            "The local factors here, path by path: {}. Multiply along each path, then add.",
            locals.join("; ")
        ),
    };
    Some([chain, numbers])
}

/// A small count in words (a readout's every numeral stands on the picture).
fn count_in_words(n: usize) -> String {
    const WORDS: [&str; 11] = [
        "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    WORDS
        .get(n)
        .map_or_else(|| "many".to_string(), |w| (*w).to_string())
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
    fn hints_name_the_chain_then_its_numbers() {
        let mut p = program("x = 2\ny = 3*x\nz = y^2");
        let x = p.node_named("x").expect("x");
        let [chain, numbers] = chain_hints(&mut p.graph, x).expect("a path");
        assert_eq!(
            chain,
            "z depends on x along one path, x → y → z, so the chain rule gives dz/dx = dz/dy · dy/dx."
        );
        assert_eq!(
            numbers,
            "The local factors here: dz/dy = 12, dy/dx = 3. Multiply them."
        );
        let mut fan = program("x = 2\ny = x*x + 3*x");
        let x = fan.node_named("x").expect("x");
        let [chain, _] = chain_hints(&mut fan.graph, x).expect("paths");
        assert!(chain.contains("along three paths"), "{chain}");
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
    fn a_folded_step_is_read_through_its_edge() {
        // T = 90 - 4*C is one box: the edge C -> T carries local -4, and the readout
        // says so, never naming the undrawn 4·C.
        let mut p = program("A = 1\nB = 2*A + 1\nC = B^2 / 4\nT = 90 - 4*C");
        let text = lines(&mut p, "C");
        assert_eq!(
            text,
            ["upstream dT/dT = 1, local dT/dC = −4 (from T = 90 − 4·C), so dT/dC = 1 × −4 = −4"]
        );
        let text = lines(&mut p, "B").join(" ");
        assert!(!text.contains("d(B^2)"), "no undrawn box is named: {text}");
        assert!(text.contains("local dC/dB = 1.5"), "{text}");
    }

    #[test]
    fn several_uses_add_up() {
        let mut p = program("x = 3\ny = x*2\nz = y + x");
        let text = lines(&mut p, "x");
        assert_eq!(text.len(), 3, "{text:?}");
        assert!(text[0].starts_with("edge to "), "{text:?}");
        assert_eq!(
            text[2],
            "x feeds two boxes, so what their edges send adds up: dz/dx = 2 + 1 = 3"
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
