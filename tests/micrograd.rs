//! karpathy/micrograd's `test_engine.py` (`test_sanity_check`, `test_more_ops`) written as
//! graph scripts. The expected numbers are the ones PyTorch produces in those tests.

use backprop_lab::engine::{Program, parse};

fn assert_close(what: &str, actual: f64, expected: f64) {
    let tolerance = 1e-9 * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tolerance,
        "{what}: got {actual}, expected {expected}"
    );
}

fn input(program: &Program, name: &str) -> f64 {
    let id = program.input_named(name).expect("an input");
    program.graph.grad(id)
}

const SANITY_CHECK: &str = "\
x = -4.0
z = 2 * x + 2 + x
q = relu(z) + z * x
h = relu(z * z)
y = h + q + q * x
";

const MORE_OPS: &str = "\
a = -4.0
b = 2.0
c = a + b
d = a * b + b**3
c = c + (c + 1)
c = c + (1 + c + (-a))
d = d + (d * 2 + relu(b + a))
d = d + (3 * d + relu(b - a))
e = c - d
f = e^2
g = f / 2.0
g = g + 10.0 / f
";

#[test]
fn sanity_check() {
    let program = parse(SANITY_CHECK).expect("parses");
    assert_eq!(program.output_name, "y");
    assert_close("y", program.graph.value(program.output), -20.0);
    assert_close("dy/dx", input(&program, "x"), 46.0);
    let names: Vec<&str> = program.inputs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["x"]);
}

#[test]
fn more_ops() {
    let program = parse(MORE_OPS).expect("parses");
    assert_eq!(program.output_name, "g");
    assert_close("g", program.graph.value(program.output), 24.70408163265306);
    assert_close("dg/da", input(&program, "a"), 138.83381924198252);
    assert_close("dg/db", input(&program, "b"), 645.5772594752186);
    let names: Vec<&str> = program.inputs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    // Reassigned names resolve to their newest binding: g's gradient w.r.t. itself is 1.
    let g = program.node_named("g").expect("g");
    assert_eq!(g, program.output);
    assert_eq!(program.graph.grad(g), 1.0);
}

#[test]
fn more_ops_on_one_line_with_semicolons_and_comments() {
    let one_line = MORE_OPS
        .lines()
        .map(|line| format!("{line} # step"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace(" # step\n", ";");
    let program = parse(&one_line).expect("parses");
    assert_close("g", program.graph.value(program.output), 24.70408163265306);
    assert_close("dg/da", input(&program, "a"), 138.83381924198252);
    assert_close("dg/db", input(&program, "b"), 645.5772594752186);
}

#[test]
fn more_ops_after_moving_the_inputs() {
    // Moving the inputs away and back gives the same answer (incremental re-evaluation).
    let mut program = parse(MORE_OPS).expect("parses");
    let a = program.input_named("a").expect("a");
    let b = program.input_named("b").expect("b");
    program.graph.set_input(a, 1.5).expect("input");
    program.graph.set_input(b, -0.5).expect("input");
    program.graph.set_input(a, -4.0).expect("input");
    program.graph.set_input(b, 2.0).expect("input");
    assert_close("g", program.graph.value(program.output), 24.70408163265306);
    assert_close("dg/da", program.graph.grad(a), 138.83381924198252);
    assert_close("dg/db", program.graph.grad(b), 645.5772594752186);
}
