//! The graph picture's geometric promises, over every lesson's graphs and random DAGs:
//! no two boxes overlap, no label plate overlaps a box or another plate, no edge passes
//! through a box, and the crossing reduction never does worse than one plain barycentre
//! pass. Also: every negative number in a box keeps its minus sign.

use backprop_lab::diagram::layout::Options;
use backprop_lab::diagram::{Density, Direction, Picture};
use backprop_lab::engine::{Graph, build_gradient_graph, parse};
use backprop_lab::lesson::{self, Section};
use proptest::prelude::*;

const DIRECTIONS: [Direction; 2] = [Direction::LeftToRight, Direction::TopToBottom];

fn assert_readable(graph: &mut Graph, what: &str) {
    for direction in DIRECTIONS {
        for (fold, density) in [true, false]
            .into_iter()
            .flat_map(|f| Density::ALL.map(|d| (f, d)))
        {
            let picture = Picture::with_density(graph, direction, fold, density);
            let problems = picture.layout_problems();
            assert!(
                problems.is_empty(),
                "{what} ({direction:?}, {density:?}, fold {fold}): {problems:#?}"
            );
            assert!(!picture.nodes.is_empty(), "{what}: nothing drawn");
            for node in &picture.nodes {
                assert!(
                    !node.title.contains('•'),
                    "{what}: bullet in '{}'",
                    node.title
                );
            }
        }
    }
}

#[test]
fn every_lesson_graph_is_laid_out_cleanly() {
    let mut count = 0;
    for file in lesson::load_embedded() {
        let Ok(lesson) = file.lesson else {
            panic!("{} does not load", file.file);
        };
        for section in &lesson.sections {
            let script = match section {
                Section::Graph(g) => &g.script,
                Section::Backward(b) => &b.script,
                Section::SecondOrder(s) => &s.script,
                _ => continue,
            };
            let what = format!("{}: {}", file.file, script.lines().next().unwrap_or(""));
            let mut program = parse(script).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_readable(&mut program.graph, &what);
            if let Section::SecondOrder(_) = section {
                // Lesson 11 draws the backward pass built as a graph, too.
                let mut gradient = build_gradient_graph(&program.graph).expect("has an output");
                assert_readable(&mut gradient.graph, &format!("{what} (backward graph)"));
            }
            count += 1;
        }
    }
    assert!(count >= 10, "only {count} lesson graphs found");
}

#[test]
fn a_twenty_node_chain_reads_top_to_bottom_in_a_narrow_window() {
    let mut script = String::from("x0 = 0.5\n");
    for i in 1..20 {
        script.push_str(&format!("x{i} = tanh(1.5 * x{})\n", i - 1));
    }
    let mut program = parse(&script).expect("parses");
    let wide = Picture::new(&mut program.graph, Direction::LeftToRight);
    let tall = Picture::new(&mut program.graph, Direction::TopToBottom);
    assert!(tall.layout_problems().is_empty());
    // Top to bottom it fits a 1280-pixel window's graph area at 100% zoom.
    assert!(tall.size.w < 900.0, "{:?}", tall.size);
    assert!(wide.size.w > tall.size.w);
    assert_eq!(tall.nodes.len(), 20);
}

#[test]
fn a_chain_sharing_one_weight_stays_straight() {
    // One weight used by every layer sends long edges beside the chain; the chain's
    // boxes must still line up, one under the other.
    let mut script = String::from("x = 0.5\nw = -1.1\n");
    for i in 1..19 {
        let previous = if i == 1 {
            "x".to_string()
        } else {
            format!("h{}", i - 1)
        };
        script.push_str(&format!("h{i} = tanh(w*{previous})\n"));
    }
    let mut program = parse(&script).expect("parses");
    let picture = Picture::new(&mut program.graph, Direction::TopToBottom);
    assert!(picture.layout_problems().is_empty());
    let xs: Vec<f32> = picture
        .nodes
        .iter()
        .filter(|n| n.title.starts_with('h'))
        .map(|n| n.rect.x)
        .collect();
    assert_eq!(xs.len(), 18);
    let spread =
        xs.iter().cloned().fold(f32::MIN, f32::max) - xs.iter().cloned().fold(f32::MAX, f32::min);
    assert!(
        spread < 40.0,
        "the chain wanders {spread} px sideways: {xs:?}"
    );
}

/// A random program: `inputs` inputs, then statements each combining two earlier names.
fn random_script(inputs: usize, statements: &[(u8, usize, usize)]) -> String {
    let mut script = String::new();
    for i in 0..inputs {
        script.push_str(&format!("i{i} = {}\n", i as f64 * 0.5 - 1.0));
    }
    let mut names: Vec<String> = (0..inputs).map(|i| format!("i{i}")).collect();
    for (k, &(op, a, b)) in statements.iter().enumerate() {
        let (a, b) = (&names[a % names.len()], &names[b % names.len()]);
        let expression = match op % 6 {
            0 => format!("{a} + {b}"),
            1 => format!("{a} * {b}"),
            2 => format!("tanh({a}) - {b}"),
            3 => format!("{a} * 2 + {b}"),
            4 => format!("relu({a})"),
            _ => format!("({a} - {b})^2"),
        };
        // Leave some results unnamed inside a bigger expression.
        let name = format!("n{k}");
        script.push_str(&format!("{name} = {expression}\n"));
        names.push(name);
    }
    script
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn random_dags_are_laid_out_cleanly(
        inputs in 1usize..6,
        statements in prop::collection::vec((0u8..6, 0usize..40, 0usize..40), 1..25),
    ) {
        let script = random_script(inputs, &statements);
        let mut program = parse(&script).expect("parses");
        for direction in DIRECTIONS {
            let picture = Picture::new(&mut program.graph, direction);
            let problems = picture.layout_problems();
            prop_assert!(problems.is_empty(), "{script}\n{problems:#?}");
            let plain = Picture::with_options(
                &mut program.graph,
                direction,
                true,
                &Options { sweeps: 1, ..Options::default() },
            );
            prop_assert!(
                picture.crossings <= plain.crossings,
                "{} crossings after the sweeps, {} after one barycentre pass\n{script}",
                picture.crossings,
                plain.crossings
            );
        }
    }
}

#[test]
fn negative_numbers_in_boxes_and_plates_keep_their_minus_sign() {
    use backprop_lab::diagram::text::{box_number, grad_line};
    for value in [-12.0, -0.5, -3.4, -1e-7, -123456.789, f64::NEG_INFINITY] {
        assert!(box_number(value).starts_with('−'), "{value}");
        assert!(grad_line(Some(value)).contains('−'), "{value}");
    }
    assert_eq!(grad_line(Some(-12.0)), "grad −12");
}

#[test]
fn a_chain_left_to_right_lays_each_plate_over_its_edge() {
    let mut program = parse("A = 1\nB = 2*A + 1\nC = B^2 / 4\nT = 90 - 4*C\n").expect("parses");
    let picture = Picture::new(&mut program.graph, Direction::LeftToRight);
    assert!(
        picture.layout_problems().is_empty(),
        "{:?}",
        picture.layout_problems()
    );
    let top = picture.nodes[0].rect.y;
    assert!(picture.nodes.iter().all(|n| n.rect.y == top), "one row");
    for edge in &picture.edges {
        let from = picture
            .nodes
            .iter()
            .find(|n| n.id == edge.from)
            .expect("from");
        let to = picture.nodes.iter().find(|n| n.id == edge.to).expect("to");
        // Above the row, centred on the gap between its two boxes.
        assert!(edge.plate.y + edge.plate.h <= top);
        let gap_mid = (from.rect.x + from.rect.w + to.rect.x) / 2.0;
        assert!((edge.plate.x + edge.plate.w / 2.0 - gap_mid).abs() < 0.5);
        // The gap is narrow: the plate takes no width between the boxes.
        assert!(to.rect.x - (from.rect.x + from.rect.w) < edge.plate.w / 2.0);
    }
    // Lesson 1's chain fits the default window's canvas at 100%.
    assert!(picture.size.w < 900.0, "{:?}", picture.size);
}

/// A chain `h1 … hk` from `x`, where `h_i` also reads the input `s_i` when `sides[i]`.
fn comb_script(sides: &[bool]) -> String {
    let mut script = String::from("x = 0.5\n");
    for (i, &side) in sides.iter().enumerate() {
        if side {
            script.push_str(&format!("s{i} = 0.{}\n", i + 1));
        }
    }
    let mut previous = String::from("x");
    for (i, &side) in sides.iter().enumerate() {
        let h = format!("h{i}");
        let line = match (side, i % 3) {
            (true, 0) => format!("{h} = {previous} * s{i}\n"),
            (true, 1) => format!("{h} = {previous} + s{i}\n"),
            (true, _) => format!("{h} = tanh({previous} - s{i})\n"),
            (false, _) => format!("{h} = sin({previous})\n"),
        };
        script.push_str(&line);
        previous = h;
    }
    script
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]
    /// A chain fed by inputs from below is drawn as a comb at the tighter densities: the
    /// chain in one row, left to right, each input straight under the box it feeds, and
    /// nothing overlapping.
    #[test]
    fn combs_keep_the_chain_in_one_row_and_inputs_below(
        sides in prop::collection::vec(any::<bool>(), 2..10),
    ) {
        let script = comb_script(&sides);
        let mut program = parse(&script).expect("parses");
        for density in [Density::Compact, Density::Tight] {
            let picture =
                Picture::with_density(&mut program.graph, Direction::LeftToRight, true, density);
            let problems = picture.layout_problems();
            prop_assert!(problems.is_empty(), "{script}\n{problems:#?}");
            let rect_of = |name: &str| {
                let id = program.bindings.iter().find(|(n, _)| n == name).map(|(_, id)| *id);
                id.and_then(|id| picture.node(id)).map(|node| node.rect)
            };
            let row: Vec<_> = (0..sides.len())
                .filter_map(|i| rect_of(&format!("h{i}")))
                .collect();
            prop_assert_eq!(row.len(), sides.len());
            for pair in row.windows(2) {
                prop_assert!(pair[0].y == pair[1].y && pair[0].x < pair[1].x, "{script}");
            }
            for (i, &side) in sides.iter().enumerate() {
                if side && i > 0 {
                    let (s, h) = (rect_of(&format!("s{i}")), row[i]);
                    let s = s.expect("the input is drawn");
                    prop_assert!(s.y > h.y + h.h, "s{i} under h{i}\n{script}");
                    prop_assert!(((s.x + s.w / 2.0) - (h.x + h.w / 2.0)).abs() < 0.5);
                }
            }
        }
    }
}
