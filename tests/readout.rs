//! The readout under a graph speaks only of what is drawn: for every box of every lesson
//! graph, every number in its chain-rule arithmetic stands on a drawn box (its title,
//! value or gradient) or on a drawn plate (local derivative, what the edge sends).

use std::collections::HashSet;

use backprop_lab::diagram::explain::chain_rule_lines;
use backprop_lab::diagram::picture::edge_flow;
use backprop_lab::diagram::text::box_number;
use backprop_lab::diagram::{Direction, Picture};
use backprop_lab::lesson::{self, LiveGraph, Section};

/// The numerals of a text: runs that start a word with a digit or a minus sign before a
/// digit (`−4`, `1.5`, `0.2217`, `1e-5`), not the digits inside a name such as `x1`.
fn numerals(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        let minus =
            matches!(chars[i], '−' | '-') && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit());
        if starts_word && (chars[i].is_ascii_digit() || minus) {
            let start = i;
            i += 1;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || chars[i] == '.' && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())
                    || matches!(chars[i], 'e')
                        && chars
                            .get(i + 1)
                            .is_some_and(|c| c.is_ascii_digit() || *c == '-'))
            {
                if chars[i] == 'e' && chars.get(i + 1) == Some(&'-') {
                    i += 1;
                }
                i += 1;
            }
            found.push(chars[start..i].iter().collect::<String>().replace('-', "−"));
        } else {
            i += 1;
        }
    }
    found
}

#[test]
fn numerals_are_read_as_a_reader_reads_them() {
    assert_eq!(
        numerals("dT/dx1 = −4 × 1.5 (from C = B^2 / 4) = 1e-5"),
        ["−4", "1.5", "2", "4", "1e-5"].map(|s| s.replace('-', "−"))
    );
}

#[test]
fn every_number_in_a_readout_stands_on_the_drawn_graph() {
    let mut checked = 0;
    for file in lesson::load_embedded() {
        let lesson = file.lesson.expect("lessons are checked");
        for section in &lesson.sections {
            let Section::Graph(graph_section) = section else {
                continue;
            };
            let mut live = LiveGraph::new(graph_section).expect("lesson graphs run");
            let program = &mut live.program;
            let picture = Picture::new(&mut program.graph, Direction::LeftToRight);
            let graph = &program.graph;
            let mut drawn: HashSet<String> = HashSet::new();
            for node in &picture.nodes {
                drawn.extend(numerals(&node.title));
                drawn.insert(box_number(graph.value(node.id)));
                drawn.insert(box_number(graph.grad(node.id)));
            }
            for edge in &picture.edges {
                let [local, sends] = edge_flow(graph, edge).plate_lines(true);
                drawn.extend(numerals(&local));
                drawn.extend(numerals(&sends));
            }
            for node in &picture.nodes {
                for line in chain_rule_lines(graph, &picture, node.id) {
                    for numeral in numerals(&line) {
                        assert!(
                            drawn.contains(&numeral),
                            "{}: '{line}' says {numeral}, which no drawn box or plate shows",
                            file.file
                        );
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} readout lines checked");
}
