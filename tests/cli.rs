//! The command line against `docs/graph-script.md`, rule by rule: `grad` and
//! `hessian` from a file, `-` or standard input; the JSON they print; `--at`; the
//! derivative conventions; and every kind of error (one line, exit status 2, empty stdout).

mod common;

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_backprop-lab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    if let Some(mut input) = child.stdin.take() {
        // A program that stops at a usage error never reads its input: it may have exited
        // before the write, which then meets a closed pipe.
        match input.write_all(stdin.as_bytes()) {
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
            written => written.expect("write stdin"),
        }
    }
    child.wait_with_output().expect("the binary finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `grad` on `script` from standard input and returns stdout (asserting success).
fn grad(script: &str, extra: &[&str]) -> String {
    let mut args = vec!["grad"];
    args.extend_from_slice(extra);
    let out = run(&args, script);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    text(&out.stdout)
}

/// Runs a failing command and returns its one stderr line (asserting the error rules).
fn error(args: &[&str], script: &str) -> String {
    let out = run(args, script);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert_eq!(text(&out.stdout), "", "nothing on stdout");
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    assert!(stderr.starts_with("error: "), "{stderr:?}");
    assert!(stderr.ends_with('\n'));
    stderr.trim_end().to_string()
}

/// The value printed for `"name": ` inside the given map (`values` or `gradients`).
fn field(json: &str, map: &str, name: &str) -> String {
    let start = json
        .find(&format!("\"{map}\": {{"))
        .unwrap_or_else(|| panic!("no {map} in {json}"));
    let body = &json[start..];
    let body = &body[..body.find('}').expect("map closes")];
    let key = format!("\"{name}\": ");
    let at = body
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {map}: {json}"));
    body[at + key.len()..]
        .split([',', '}'])
        .next()
        .expect("a value")
        .trim()
        .to_string()
}

fn number(json: &str, map: &str, name: &str) -> f64 {
    field(json, map, name).parse().expect("a number")
}

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
fn grad_prints_the_spec_example() {
    let out = grad(MORE_OPS, &[]);
    assert!(
        out.starts_with(
            "{\"output\": \"g\", \"value\": 24.70408163265306, \"values\": {\"a\": -4.0, "
        ),
        "{out}"
    );
    assert!(
        out.ends_with("}}\n"),
        "one JSON object and a newline: {out:?}"
    );
    assert_eq!(field(&out, "gradients", "a"), "138.83381924198252");
    assert_eq!(field(&out, "gradients", "b"), "645.5772594752186");
    assert_eq!(field(&out, "gradients", "g"), "1.0");
    // Every name once, in order of first assignment, with its newest binding.
    let values = &out
        [out.find("\"values\"").expect("values")..out.find("\"gradients\"").expect("gradients")];
    let names: Vec<&str> = values
        .split('"')
        .skip(3)
        .step_by(2)
        .filter(|s| s.len() == 1)
        .collect();
    assert_eq!(names, ["a", "b", "c", "d", "e", "f", "g"]);
    assert_eq!(field(&out, "values", "g"), "24.70408163265306");
}

#[test]
fn the_program_comes_from_a_file_a_dash_or_standard_input() {
    let path = std::env::temp_dir().join(format!("backprop-lab-cli-{}.txt", std::process::id()));
    std::fs::write(&path, MORE_OPS).expect("write script");
    let from_file = run(&["grad", path.to_str().expect("utf-8")], "");
    let from_dash = run(&["grad", "-"], MORE_OPS);
    let from_stdin = run(&["grad"], MORE_OPS);
    assert_eq!(from_file.status.code(), Some(0));
    assert_eq!(text(&from_file.stdout), text(&from_dash.stdout));
    assert_eq!(text(&from_file.stdout), text(&from_stdin.stdout));
    let _ = std::fs::remove_file(path);
}

#[test]
fn numbers_are_shortest_round_trip_and_non_finite_values_are_strings() {
    let out = grad("x = 0.1\ny = x * 3\n", &[]);
    assert_eq!(field(&out, "values", "x"), "0.1");
    assert_eq!(field(&out, "values", "y"), "0.30000000000000004");
    assert_eq!(field(&out, "gradients", "x"), "3.0");

    let out = grad("x = -1\ny = log(x)\n", &[]);
    assert_eq!(field(&out, "values", "y"), "\"NaN\"");
    // The local derivative 1/x is evaluated at x, whatever the output is.
    assert_eq!(field(&out, "gradients", "x"), "-1.0");

    let out = grad("x = 1e400\ny = -x\nz = y * 0\n", &[]);
    assert_eq!(field(&out, "values", "x"), "\"Infinity\"");
    assert_eq!(field(&out, "values", "y"), "\"-Infinity\"");
    assert_eq!(field(&out, "values", "z"), "\"NaN\"");
    assert!(out.contains("\"value\": \"NaN\""), "{out}");

    // 0 · ∞ is NaN in the backward pass: no term is skipped because a factor is zero.
    let out = grad("x = 0\ny = sqrt(x)\nz = y * 0\n", &[]);
    assert_eq!(field(&out, "gradients", "x"), "\"NaN\"");
}

#[test]
fn derivative_conventions_follow_pytorch() {
    let out = grad("x = 0\ny = relu(x)\n", &[]);
    assert_eq!(number(&out, "gradients", "x"), 0.0);
    let out = grad("x = 0\ny = abs(x)\n", &[]);
    assert_eq!(number(&out, "gradients", "x"), 0.0);
    let out = grad("a = 2\nb = 2\ny = max(a, b)\n", &[]);
    assert_eq!(number(&out, "gradients", "a"), 0.5);
    assert_eq!(number(&out, "gradients", "b"), 0.5);
    let out = grad("a = 1\nb = 1\ny = min(a, b) * 4\n", &[]);
    assert_eq!(number(&out, "gradients", "a"), 2.0);
    assert_eq!(number(&out, "gradients", "b"), 2.0);
    // a^b: d/da is 0 when b = 0; d/db is 0 when a = 0 and b >= 0.
    let out = grad("a = 0\nb = 0\ny = a ^ b\n", &[]);
    assert_eq!(number(&out, "values", "y"), 1.0);
    assert_eq!(number(&out, "gradients", "a"), 0.0);
    assert_eq!(number(&out, "gradients", "b"), 0.0);
    let out = grad("a = 0\nb = 2\ny = pow(a, b)\n", &[]);
    assert_eq!(number(&out, "gradients", "b"), 0.0);
    // A negative base with a constant exponent is fine; with an input exponent d/db is NaN.
    let out = grad("a = -2\ny = a ^ 2\n", &[]);
    assert_eq!(number(&out, "gradients", "a"), -4.0);
    let out = grad("a = -2\nb = 2\ny = a ^ b\n", &[]);
    assert_eq!(field(&out, "gradients", "b"), "\"NaN\"");
    // NaN goes through max, min and relu.
    let out = grad(
        "x = 0\nn = log(-1 + x)\ny = max(n, 1) + min(n, 1) + relu(n)\n",
        &[],
    );
    assert_eq!(field(&out, "values", "y"), "\"NaN\"");
    // sigmoid and tanh at 0.
    let out = grad("x = 0\ny = sigmoid(x) + tanh(x)\n", &[]);
    assert_eq!(number(&out, "gradients", "x"), 1.25);
}

#[test]
fn fan_out_sums_the_gradients_of_every_use() {
    let out = grad("x = 3\ny = x * x + x\n", &[]);
    assert_eq!(number(&out, "gradients", "x"), 7.0);
}

#[test]
fn syntax_rules() {
    // Precedence: unary minus binds looser than ^; ^ and ** are right-associative.
    let out = grad(
        "x = 2\na = -x^2\nb = 2^-1\nc = 2^3^2\nd = 2**3**2\ne = --x\nf = +x\ny = a + b + c + d + e + f\n",
        &[],
    );
    assert_eq!(number(&out, "values", "a"), -4.0);
    assert_eq!(number(&out, "values", "b"), 0.5);
    assert_eq!(number(&out, "values", "c"), 512.0);
    assert_eq!(number(&out, "values", "d"), 512.0);
    assert_eq!(number(&out, "values", "e"), 2.0);
    assert_eq!(number(&out, "values", "f"), 2.0);
    // * and / bind tighter than + and -, all left-associative.
    let out = grad("x = 8\ny = x - 2 - 1 + 6 / 3 / 2 * 4\n", &[]);
    assert_eq!(number(&out, "values", "y"), 9.0);
    // Number forms.
    let out = grad(
        "a = 12\nb = 3.5\nc = .5\nd = 1e-3\ne = 2.5E+4\ny = a + b + c + d + e\n",
        &[],
    );
    assert_eq!(number(&out, "values", "y"), 25016.001);
    // Semicolons, comments, blank lines, tabs and CR.
    let out = grad(
        "# a comment\r\n\r\nx = 2 ;; y = x * 3 # trailing\r\n\tz\t=\ty + 1\r\n",
        &[],
    );
    assert_eq!(number(&out, "values", "z"), 7.0);
    assert!(out.starts_with("{\"output\": \"z\""));
    // Reassignment: later statements use the newest binding; the output is the last one.
    let out = grad("x = 1\nh = x * 2\nh = h * 3\ny = h + x\n", &[]);
    assert_eq!(number(&out, "values", "y"), 7.0);
    assert_eq!(number(&out, "gradients", "x"), 7.0);
    assert_eq!(number(&out, "gradients", "h"), 1.0);
}

#[test]
fn inputs_are_exactly_number_literals() {
    // `x = (3)` and `x = 2*3` are constant inner nodes: not inputs, so `--at` refuses them.
    let message = error(&["grad", "--at", "x=1"], "x = (3)\ny = x * 2\n");
    assert_eq!(message, "error: --at x=1: 'x' is not an input");
    let message = error(&["grad", "--at", "x=1"], "x = 2*3\ny = x * 2\n");
    assert_eq!(message, "error: --at x=1: 'x' is not an input");
    let out = run(&["hessian"], "x = -2.5\nc = (3)\ny = x * c\n");
    assert!(
        text(&out.stdout).contains("\"inputs\": [\"x\"]"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn at_overrides_inputs_with_signed_numbers() {
    let out = grad(
        "x = 1\nw = 1\ny = x * w\n",
        &["--at", "x=-2.5", "--at", "w=+1e3"],
    );
    assert_eq!(number(&out, "values", "y"), -2500.0);
    assert_eq!(number(&out, "gradients", "w"), -2.5);
    let out = grad("x = 1\ny = x ^ 2\n", &["--at", "x=.5"]);
    assert_eq!(number(&out, "values", "y"), 0.25);
}

#[test]
fn bad_at_options_are_errors_without_a_position() {
    let script = "x = 1\nh = x * 2\ny = h + 1\n";
    assert_eq!(
        error(&["grad", "--at", "q=1"], script),
        "error: --at q=1: unknown input 'q'"
    );
    assert_eq!(
        error(&["grad", "--at", "h=1"], script),
        "error: --at h=1: 'h' is not an input"
    );
    assert_eq!(
        error(&["grad", "--at", "x=abc"], script),
        "error: --at x=abc: 'abc' is not a number"
    );
    assert_eq!(
        error(&["grad", "--at", "x=inf"], script),
        "error: --at x=inf: 'inf' is not a number"
    );
    assert_eq!(
        error(&["grad", "--at", "x=nan"], script),
        "error: --at x=nan: 'nan' is not a number"
    );
    assert_eq!(
        error(&["grad", "--at", "x"], script),
        "error: --at x: expected NAME=VALUE"
    );
    assert_eq!(
        error(&["hessian", "--at", "x=1e"], script),
        "error: --at x=1e: '1e' is not a number"
    );
}

#[test]
fn every_error_class_has_its_position() {
    let cases: &[(&str, &str)] = &[
        (
            "x = 1\ny = x +\n",
            "error: 2:8: expected an expression, found end of line",
        ),
        ("x = 1\ny = q * 2\n", "error: 2:5: unknown name 'q'"),
        ("x = 1\ny = foo(x)\n", "error: 2:5: unknown function 'foo'"),
        (
            "x = 1\ny = max(x)\n",
            "error: 2:5: 'max' takes 2 arguments, got 1",
        ),
        (
            "x = 1\ny = exp(x, x)\n",
            "error: 2:5: 'exp' takes 1 argument, got 2",
        ),
        (
            "",
            "error: 1:1: empty program: write at least one statement 'NAME = EXPR'",
        ),
        (
            "# nothing\n\n;\n",
            "error: 1:1: empty program: write at least one statement 'NAME = EXPR'",
        ),
        (
            "x = 1\nexp = 2\n",
            "error: 2:1: 'exp' is a function name and cannot be assigned",
        ),
        (
            "x = 1\nx = 2\n",
            "error: 2:1: 'x' is an input and cannot be assigned again",
        ),
        (
            "x = 1\ny = x\nx = y * 2\n",
            "error: 3:1: 'x' is an input and cannot be assigned again",
        ),
        (
            "x = 1\ny = (x + 1\n",
            "error: 2:11: expected ')' to close the '(' at 2:5, found end of line",
        ),
        (
            "x = 1; y = x )\n",
            "error: 1:14: unexpected ')' (a statement ends at a new line or ';')",
        ),
        ("x = 1\ny = 2 $ 3\n", "error: 2:7: unexpected character '$'"),
        (
            "x = 1\n= x\n",
            "error: 2:1: expected a statement 'NAME = EXPR', found '='",
        ),
    ];
    for (script, expected) in cases {
        assert_eq!(&error(&["grad"], script), expected, "script {script:?}");
        assert_eq!(
            &error(&["hessian"], script),
            expected,
            "hessian of {script:?}"
        );
    }
}

#[test]
fn an_unreadable_file_is_an_error() {
    let message = error(&["grad", "/nonexistent/program.txt"], "");
    assert!(
        message.starts_with("error: cannot read /nonexistent/program.txt"),
        "{message}"
    );
}

#[test]
fn hessian_by_backprop_through_backprop() {
    // y = x²w + sin(w): H = [[2w, 2x], [2x, -sin(w)]].
    let out = run(
        &["hessian", "--at", "w=0.5"],
        "x = 3\nw = 1\ny = x^2 * w + sin(w)\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let prefix = "{\"output\": \"y\", \"inputs\": [\"x\", \"w\"], \"hessian\": [[";
    assert!(stdout.starts_with(prefix), "{stdout}");
    let numbers: Vec<f64> = stdout[prefix.len()..]
        .split(|c: char| c == ',' || c == '[' || c == ']' || c == '}' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().expect("a number"))
        .collect();
    let expected = [1.0, 6.0, 6.0, -(0.5f64.sin())];
    assert_eq!(numbers.len(), 4, "{stdout}");
    for (got, want) in numbers.iter().zip(expected) {
        assert!((got - want).abs() < 1e-12, "{stdout}");
    }
    let out = run(&["hessian"], "a = 2\nb = 3\nc = a * b\nd = c^2\n");
    assert_eq!(
        text(&out.stdout),
        "{\"output\": \"d\", \"inputs\": [\"a\", \"b\"], \"hessian\": [[18.0, 24.0], [24.0, 8.0]]}\n"
    );
    // Second derivatives at kinks are 0.
    let out = run(&["hessian"], "x = 0\ny = relu(x) + abs(x) * x\n");
    assert_eq!(
        text(&out.stdout),
        "{\"output\": \"y\", \"inputs\": [\"x\"], \"hessian\": [[0.0]]}\n"
    );
    // A program without inputs has an empty Hessian.
    let out = run(&["hessian"], "y = 2 * 3\n");
    assert_eq!(
        text(&out.stdout),
        "{\"output\": \"y\", \"inputs\": [], \"hessian\": []}\n"
    );
}

/// Runs `hvp` on `script` from standard input and returns stdout (asserting success).
fn hvp(script: &str, extra: &[&str]) -> String {
    let mut args = vec!["hvp", "-"];
    args.extend_from_slice(extra);
    let out = run(&args, script);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    text(&out.stdout)
}

#[test]
fn hvp_prints_the_spec_example() {
    // f = x²y: H = [[2y, 2x], [2x, 0]], so H·(1, 0) = (2y, 2x) = (4, 6) at x = 3, y = 2.
    let script = "x = 3\ny = 2\nf = x^2 * y\n";
    assert_eq!(
        hvp(script, &["--v", "x=1,y=0"]),
        "{\"output\": \"f\", \"hvp\": {\"x\": 4.0, \"y\": 6.0}}\n"
    );
    // From a file as well as from `-`.
    let dir = common::TempFolder::new("cli-hvp");
    let path = dir.join("f.txt");
    std::fs::write(&path, script).expect("write script");
    let out = run(
        &["hvp", path.to_str().expect("utf-8"), "--v", "x=1,y=0"],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "{\"output\": \"f\", \"hvp\": {\"x\": 4.0, \"y\": 6.0}}\n"
    );
}

#[test]
fn hvp_counts_inputs_left_out_of_v_as_zero() {
    let script = "x = 3\ny = 2\nf = x^2 * y\n";
    // v = (0, 1): H·v = (2x, 0).
    assert_eq!(
        hvp(script, &["--v", "y=1"]),
        "{\"output\": \"f\", \"hvp\": {\"x\": 6.0, \"y\": 0.0}}\n"
    );
    // Entries in any order, the option repeated; output in order of declaration.
    assert_eq!(
        hvp(script, &["--v", "y=-1", "--v", "x=.5"]),
        "{\"output\": \"f\", \"hvp\": {\"x\": -4.0, \"y\": 3.0}}\n"
    );
    // An empty vector, and a program without inputs.
    assert_eq!(
        hvp(script, &["--v", ""]),
        "{\"output\": \"f\", \"hvp\": {\"x\": 0.0, \"y\": 0.0}}\n"
    );
    assert_eq!(
        hvp("y = 2 * 3\n", &["--v", ""]),
        "{\"output\": \"y\", \"hvp\": {}}\n"
    );
    // Numbers as `grad` prints them: shortest round trip, non-finite values as strings.
    let out = hvp("x = 0.1\ny = x^3\n", &["--v", "x=1"]);
    assert_eq!(
        out,
        "{\"output\": \"y\", \"hvp\": {\"x\": 0.6000000000000001}}\n"
    );
    let out = hvp("x = 0\ny = sqrt(x)\n", &["--v", "x=1"]);
    assert_eq!(
        out,
        "{\"output\": \"y\", \"hvp\": {\"x\": \"-Infinity\"}}\n"
    );
}

#[test]
fn hvp_with_at_evaluates_at_the_overridden_inputs() {
    // f = x²y + sin(y) at x = -1, y = 0.5: H·(1, 1) = (2y + 2x, 2x - sin(y)).
    let out = hvp(
        "x = 3\ny = 2\nf = x^2 * y + sin(y)\n",
        &["--at", "x=-1", "--v", "x=1,y=1", "--at", "y=+0.5"],
    );
    let expected = format!(
        "{{\"output\": \"f\", \"hvp\": {{\"x\": -1.0, \"y\": {:?}}}}}\n",
        -2.0 - 0.5f64.sin()
    );
    assert_eq!(out, expected);
}

#[test]
fn bad_v_options_are_errors() {
    let script = "x = 1\nh = x * 2\ny = h * x\n";
    assert_eq!(
        error(&["hvp", "-", "--v", "x=1,q=2"], script),
        "error: --v x=1,q=2: unknown input 'q'"
    );
    assert_eq!(
        error(&["hvp", "-", "--v", "h=1"], script),
        "error: --v h=1: 'h' is not an input"
    );
    assert_eq!(
        error(&["hvp", "-", "--v", "x=abc"], script),
        "error: --v x=abc: 'abc' is not a number"
    );
    assert_eq!(
        error(&["hvp", "-", "--v", "x=nan"], script),
        "error: --v x=nan: 'nan' is not a number"
    );
    assert_eq!(
        error(&["hvp", "-", "--v", "x=1,"], script),
        "error: --v x=1,: expected NAME=VALUE, found ''"
    );
    assert_eq!(
        error(&["hvp", "-", "--v", "x"], script),
        "error: --v x: expected NAME=VALUE, found 'x'"
    );
    assert_eq!(
        error(&["hvp", "-", "--v", "x=1,x=2"], script),
        "error: --v x=1,x=2: 'x' is given twice"
    );
    assert_eq!(
        error(&["hvp", "-", "--v", "x=1", "--at", "q=1"], script),
        "error: --at q=1: unknown input 'q'"
    );
    // Script errors keep their position, as for `grad`.
    assert_eq!(
        error(&["hvp", "-", "--v", "x=1"], "x = 1\ny = q * 2\n"),
        "error: 2:5: unknown name 'q'"
    );
}

#[test]
fn named_constants_receive_their_gradient() {
    // The spec's example: a name is a place where blame arrives.
    let out = grad("c = (2)\nx = 1\ny = c*x\n", &[]);
    assert_eq!(field(&out, "gradients", "c"), "1.0");
    assert_eq!(field(&out, "gradients", "x"), "2.0");
    let out = grad("c = (2)\nx = 1\ny = c*x\n", &["--at", "x=-7.5"]);
    assert_eq!(field(&out, "gradients", "c"), "-7.5");
    // `x = +5` and `x = 2*3` are constant inner nodes, named, so they take a gradient.
    let out = grad("w = 4\nx = +5\ny = x*w\n", &[]);
    assert_eq!(field(&out, "gradients", "x"), "4.0");
    assert_eq!(field(&out, "gradients", "w"), "5.0");
    let out = grad("w = 4\nx = 2*3\ny = x*w + x\n", &[]);
    assert_eq!(field(&out, "gradients", "x"), "5.0");
    // Constants all the way down: the chain rule through named constants only.
    let out = grad("a = (3)\nb = a^2\nc = b*a\n", &[]);
    assert_eq!(field(&out, "gradients", "c"), "1.0");
    assert_eq!(field(&out, "gradients", "b"), "3.0");
    assert_eq!(field(&out, "gradients", "a"), "27.0");
    // The newest binding of a reassigned constant name.
    let out = grad("c = (2)\nc = c * 3\nx = 1.5\ny = c*x\n", &[]);
    assert_eq!(field(&out, "values", "c"), "6.0");
    assert_eq!(field(&out, "gradients", "c"), "1.5");
    // A constant output is its own gradient.
    let out = grad("y = (3)\n", &[]);
    assert_eq!(field(&out, "gradients", "y"), "1.0");
    // A named constant the output does not use receives 0.
    let out = grad("k = (3)\nx = 2\ny = x*x\n", &[]);
    assert_eq!(field(&out, "gradients", "k"), "0.0");
}

#[test]
fn only_a_named_exponent_is_asked_for_its_derivative() {
    // An unnamed literal exponent: nothing asks for d/db, so no NaN appears anywhere.
    for script in [
        "x = -2\ny = x^2\n",
        "x = -2\ny = x^(1+1)\n",
        "x = -2\nz = x^2 / 4\ny = pow(z, 3)\n",
    ] {
        let out = grad(script, &[]);
        assert!(!out.contains("NaN"), "{script}: {out}");
    }
    assert_eq!(
        field(&grad("x = -2\ny = x^2\n", &[]), "gradients", "x"),
        "-4.0"
    );
    // A named constant exponent is a place where blame arrives: d/dp = x^p·ln(x), NaN for
    // a negative base (as PyTorch gives), and it stays in p's own entry.
    let out = grad("p = (2)\nx = -2\ny = x^p\n", &[]);
    assert_eq!(field(&out, "gradients", "p"), "\"NaN\"");
    assert_eq!(field(&out, "gradients", "x"), "-4.0");
    assert_eq!(field(&out, "values", "y"), "4.0");
    let out = grad("p = (2)\nx = 3\ny = x^p\n", &[]);
    assert_eq!(number(&out, "gradients", "p"), 9.0 * 3f64.ln());
    // d/db is 0 when a = 0 and b >= 0.
    let out = grad("p = (2)\nx = 0\ny = x^p\n", &[]);
    assert_eq!(field(&out, "gradients", "p"), "0.0");
    // The Hessian and H·v are with respect to the inputs: a named constant changes nothing.
    let out = run(&["hessian"], "x = -2\np = (3)\ny = x^p\n");
    assert_eq!(
        text(&out.stdout),
        "{\"output\": \"y\", \"inputs\": [\"x\"], \"hessian\": [[-12.0]]}\n"
    );
    assert_eq!(
        hvp("x = -2\np = (3)\ny = x^p\n", &["--v", "x=1"]),
        "{\"output\": \"y\", \"hvp\": {\"x\": -12.0}}\n"
    );
}

/// Runs the binary with raw bytes on standard input and its standard output sent to
/// `stdout`; fails the test instead of hanging if it has not finished within 20 seconds.
fn run_bytes(args: &[&str], stdin: &[u8], stdout: Stdio) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_backprop-lab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    if let Some(mut input) = child.stdin.take() {
        // The binary may refuse before reading: a closed pipe here is not a failure.
        let _ = input.write_all(stdin);
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while child.try_wait().expect("wait").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("{args:?} hangs");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("the binary finishes")
}

/// The one stderr line of a run that must fail with `status`, printing nothing on stdout.
fn one_error_line(out: &Output, status: i32) -> String {
    assert_eq!(out.status.code(), Some(status), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "", "nothing on stdout");
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    assert!(stderr.starts_with("error: "), "{stderr:?}");
    assert!(stderr.ends_with('\n'));
    stderr.trim_end().to_string()
}

#[test]
fn a_failed_write_of_the_output_is_an_error() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // Not Linux: no device that is always full.
    };
    let script = b"x = 3\ny = 2\nf = x^2 * y\n";
    for args in [
        &["grad"][..],
        &["hessian", "-"][..],
        &["hvp", "-", "--v", "x=1"][..],
        &["check"][..],
    ] {
        let stdout = Stdio::from(full.try_clone().expect("clone"));
        let out = run_bytes(args, script, stdout);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = text(&out.stderr);
        let last = stderr.lines().last().unwrap_or_default();
        assert!(
            last.starts_with("error: cannot write the output: "),
            "{args:?}: {stderr:?}"
        );
        if args[0] != "check" {
            assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr:?}");
        }
    }
}

/// An error that cannot be written (stderr full) is still a failure: exit status 1, never
/// a panic (101); help that cannot be written is not a success either.
#[test]
fn a_full_stderr_or_stdout_is_status_1_not_a_panic() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // Not Linux: no device that is always full.
    };
    for args in [
        &["grad", "no-such-file.txt"][..],
        &["grad", "--no-such-flag"][..],
        &["check", "no-such-folder"][..],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_backprop-lab"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(full.try_clone().expect("clone")))
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
    }
    let help = Command::new(env!("CARGO_BIN_EXE_backprop-lab"))
        .arg("--help")
        .stdout(Stdio::from(full.try_clone().expect("clone")))
        .output()
        .expect("runs");
    assert_eq!(help.status.code(), Some(1));
}

/// Errors are one line, and control characters from a file name or an argument are
/// written escaped, never raw to the terminal.
#[test]
fn errors_are_one_line_with_control_characters_escaped() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_backprop-lab"))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("runs")
    };
    let out = run(&["check", "/nonexistent/a\nb"]);
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr:?}");
    assert!(stderr.contains("/nonexistent/a b"), "{stderr:?}");
    let out = run_bytes(
        &["grad", "-", "--at", "\u{1b}[31mx=1", "--at", "\u{7}y=2"],
        b"x = 1\ny = x * 2\n",
        Stdio::piped(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.contains(&0x1b) && !out.stderr.contains(&0x07));
    assert!(
        text(&out.stderr).contains("\\u{1b}[31mx"),
        "{:?}",
        text(&out.stderr)
    );
}

/// `worksheet` on one file reads it as the lesson folder's files are read: a device or a
/// FIFO is refused in one line at once, never read without end or waited on.
#[cfg(unix)]
#[test]
fn worksheet_refuses_what_is_not_a_regular_file() {
    let dir = std::env::temp_dir().join(format!("worksheet-fifo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("folder");
    let fifo = dir.join("lesson.ron");
    let made = Command::new("mkfifo").arg(&fifo).status();
    let mut paths = vec![std::path::PathBuf::from("/dev/zero")];
    if made.is_ok_and(|s| s.success()) {
        paths.push(fifo);
    }
    for path in &paths {
        let out = Command::new(env!("CARGO_BIN_EXE_backprop-lab"))
            .arg("worksheet")
            .arg(path)
            .args(["--seed", "0"])
            .stdin(Stdio::null())
            .output()
            .expect("runs");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{path:?}: {stderr:?}");
        assert!(
            stderr.contains("not a regular file"),
            "{path:?}: {stderr:?}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A lesson cannot forge a student's Markdown sheet: a title or an option with a line
/// break prints no heading of its own and no ticked box, and HTML and control characters
/// do not pass through.
#[test]
fn markdown_worksheets_cannot_be_forged() {
    let dir = common::TempFolder::new("cli-worksheet-forged");
    let shipped = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/01-blame-game.ron"),
    )
    .expect("lesson");
    let forged = shipped
        .replacen(
            "title: \"The Blame Game\"",
            "title: \"T\\n# Answer key <script>x</script> \\u{1b}[31m\"",
            1,
        )
        .replacen(
            "(text: \"Add the local effects of the links\"",
            "(text: \"a\\n- [x] b\"",
            1,
        );
    assert_ne!(forged, shipped, "the replacements apply");
    let path = dir.join("01-forged.ron");
    std::fs::write(&path, forged).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_backprop-lab"))
        .arg("worksheet")
        .arg(&path)
        .args(["--seed", "0"])
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let sheet = text(&out.stdout);
    for line in sheet.lines() {
        let line = line.trim_start();
        assert!(!line.starts_with("# Answer key"), "{line}");
        assert!(!line.starts_with("- [x]"), "{line}");
    }
    assert!(!sheet.contains("<script>"), "{sheet}");
    assert!(!sheet.contains('\u{1b}'), "{sheet}");
    assert!(sheet.contains("## T # Answer key &lt;script>"), "{sheet}");
}

#[test]
fn a_closed_output_pipe_ends_quietly() {
    // A large answer, so the write certainly meets the closed pipe.
    let mut script = String::from("x = 1\n");
    for i in 0..20_000 {
        script.push_str(&format!("v{i} = x * {i}\n"));
    }
    for args in [&["grad", "-"][..], &["hvp", "-", "--v", "x=1"][..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_backprop-lab"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        // Close the reading end before the program has read its input, let alone written.
        drop(child.stdout.take());
        if let Some(mut input) = child.stdin.take() {
            input.write_all(script.as_bytes()).expect("write stdin");
        }
        let out = child.wait_with_output().expect("the binary finishes");
        assert_eq!(text(&out.stderr), "", "{args:?}: nothing on stderr");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
    }
}

#[test]
fn usage_errors_are_one_line() {
    let script = "x = 1\ny = x\n";
    let cases: &[(&[&str], &str)] = &[
        (&["grad", "--bogus"], "'--bogus'"),
        (&["grad", "--at"], "--at"),
        (&["hessian", "a.txt", "b.txt"], "'b.txt'"),
        (&["hvp", "-"], "--v"),
        (&["hvp", "-", "--v"], "--v"),
        (&["frobnicate"], "'frobnicate'"),
        (&["--lessons"], "--lessons"),
    ];
    for (args, mentions) in cases {
        let message = error(args, script);
        assert!(message.contains(mentions), "{args:?}: {message}");
        assert!(!message.contains("\u{1b}["), "no colours: {message:?}");
    }
    // Help is not an error: it goes to stdout, several lines, status 0.
    let out = run(&["grad", "--help"], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("--at"));
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn invalid_utf8_is_an_error_at_the_first_bad_byte() {
    let cases: &[(&[u8], &str)] = &[
        (b"x = 1\ny = x \xff\n", "error: 2:7: invalid UTF-8"),
        (b"\xfex = 1\n", "error: 1:1: invalid UTF-8"),
        // Columns count characters: `# é` is three.
        ("x = 1\n# é".as_bytes(), "error: 2:4: invalid UTF-8"),
        (b"x = 1\r\n\r\nz = 2 \xc3", "error: 3:7: invalid UTF-8"),
        // The bad byte wins even after a syntax error: the text cannot be read at all.
        (b"y = (\n\xc3\x28\n", "error: 2:1: invalid UTF-8"),
    ];
    let dir = common::TempFolder::new("cli-utf8");
    for (i, (bytes, expected)) in cases.iter().enumerate() {
        let mut bytes = bytes.to_vec();
        if i == 2 {
            bytes.push(0x80);
        }
        let out = run_bytes(&["grad"], &bytes, Stdio::piped());
        assert_eq!(&one_error_line(&out, 2), expected, "stdin {bytes:?}");
        let path = dir.join(format!("bad{i}.txt"));
        std::fs::write(&path, &bytes).expect("write");
        let path = path.to_str().expect("utf-8");
        for args in [&["grad", path][..], &["hvp", path, "--v", "x=1"][..]] {
            let out = run_bytes(args, b"", Stdio::piped());
            assert_eq!(&one_error_line(&out, 2), expected, "{args:?}");
        }
    }
}

/// A script over the limit is refused from its length, before a byte is read: a sparse
/// file of 5 GiB takes no disk and no time.
#[test]
fn a_script_over_the_size_limit_is_refused_before_reading() {
    let dir = common::TempFolder::new("cli-too-big");
    let path = dir.join("big.txt");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(5 << 30).expect("a sparse file");
    let path = path.to_str().expect("utf-8");
    for command in ["grad", "hessian", "export"] {
        let out = run_bytes(&[command, path], b"", Stdio::piped());
        assert_eq!(
            one_error_line(&out, 2),
            format!(
                "error: cannot read {path}: it has 5368709120 bytes; at most {} are read",
                backprop_lab::limits::SCRIPT_BYTES
            ),
            "{command}"
        );
    }
}

#[test]
fn a_path_that_is_not_a_regular_file_is_an_error() {
    let dir = common::TempFolder::new("cli-not-a-file");
    let folder = dir.to_str().expect("utf-8").to_string();
    let message = one_error_line(&run_bytes(&["grad", &folder], b"", Stdio::piped()), 2);
    assert_eq!(
        message,
        format!("error: cannot read {folder}: it is a directory, not a regular file")
    );
    if std::path::Path::new("/dev/zero").exists() {
        let out = run_bytes(&["hessian", "/dev/zero"], b"", Stdio::piped());
        assert_eq!(
            one_error_line(&out, 2),
            "error: cannot read /dev/zero: it is a character device, not a regular file"
        );
    }
    // A FIFO with no writer: opening it would wait forever.
    let fifo = dir.join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|status| status.success()) {
        let fifo = fifo.to_str().expect("utf-8");
        for args in [&["grad", fifo][..], &["hvp", fifo, "--v", "x=1"][..]] {
            let out = run_bytes(args, b"", Stdio::piped());
            assert_eq!(
                one_error_line(&out, 2),
                format!("error: cannot read {fifo}: it is a FIFO, not a regular file"),
                "{args:?}"
            );
        }
    }
}

#[test]
fn export_writes_the_svg_and_dot_the_app_draws() {
    let folder = common::TempFolder::new("export");
    let script_path = folder.join("valves.txt");
    std::fs::write(
        &script_path,
        "A = 3\nB = 2*A + 1\nC = B - 5\nT = 90 - 4*C\n",
    )
    .expect("write");
    let svg_path = folder.join("out.svg");
    let dot_path = folder.join("out.dot");
    let out = run(
        &[
            "export",
            script_path.to_str().expect("utf-8 path"),
            "--at",
            "A=1",
            "--svg",
            svg_path.to_str().expect("utf-8 path"),
            "--dot",
            dot_path.to_str().expect("utf-8 path"),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let svg = std::fs::read_to_string(&svg_path).expect("the SVG is written");
    assert!(svg.starts_with("<svg"));
    assert!(!svg.contains("transform"), "absolute coordinates");
    for name in ["A", "B", "C", "T"] {
        assert_eq!(
            svg.matches(&format!(r#"<g class="node" id="node-{name}">"#))
                .count(),
            1,
            "{name}"
        );
    }
    // At A = 1: B = 3, C = -2, T = 98, dT/dA = -4 * 2 = -8, each with its minus sign.
    assert!(svg.contains("val  −2"), "{svg}");
    assert!(svg.contains("grad −8"), "{svg}");
    assert!(svg.contains("T = 90 − 4·C"));
    assert!(svg.contains(r#"font-size="14px""#));
    assert_eq!(svg.matches(r#"<path class="edge""#).count(), 3);
    assert_eq!(svg.matches(r#"<rect class="edge-label""#).count(), 3);
    let dot = std::fs::read_to_string(&dot_path).expect("the DOT is written");
    assert!(dot.starts_with("digraph"));
    assert_eq!(dot.matches(" -> ").count(), 3);
    // Without --svg or --dot the SVG goes to standard output.
    let out = run(&["export", "-"], "x = -2\ny = x * x\n");
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains(r#"id="node-y""#));
}

#[test]
fn export_errors_are_one_line() {
    let message = error(&["export", "-", "--svg", "/tmp/never.svg"], "y = (1 + 2\n");
    assert!(message.contains("1:"), "{message}");
    let message = error(
        &["export", "-", "--svg", "/nonexistent-folder/x.svg"],
        "x = 1\ny = x\n",
    );
    assert!(message.contains("cannot write"), "{message}");
}

/// Big pictures cost memory in proportion to their nodes and edges: a 10,000-term sum of
/// one input and a 3,000-line chain that reuses its first input draw in a few MB of SVG
/// (the dummy of every layer a long edge crossed made them 204 MB and 164 MB); past the
/// drawing limit, export says so in one line.
#[test]
fn big_pictures_stay_linear_and_past_the_limit_export_says_so() {
    let sum = format!("x = 1\ny = {}\n", vec!["x"; 10_000].join(" + "));
    let chain: String = std::iter::once("x0 = 1\n".to_string())
        .chain((1..3_000).map(|i| format!("x{i} = x{} + x0\n", i - 1)))
        .collect();
    for script in [&sum, &chain] {
        let out = run(&["export", "-"], script);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(out.stdout.len() < 8_000_000, "{} bytes", out.stdout.len());
    }
    let huge = format!("x = 1\ny = {}\n", vec!["x"; 20_001].join(" + "));
    let message = error(&["export", "-", "--svg", "/tmp/never-drawn.svg"], &huge);
    assert_eq!(
        message,
        "error: the graph has 20001 nodes; pictures are drawn for at most 20000 (grad, hessian and hvp take millions)"
    );
}

/// A name of a million characters is not echoed whole: the error line cuts it with an
/// ellipsis and stays one short line; ordinary names are printed whole.
#[test]
fn long_names_in_errors_are_cut_with_an_ellipsis() {
    let name = "q".repeat(1_000_000);
    let message = error(&["grad", "-"], &format!("x = 1\ny = x * {name}\n"));
    assert!(message.len() < 300, "{} bytes", message.len());
    assert!(
        message.ends_with(&format!("unknown name '{}…", "q".repeat(59))),
        "{message}"
    );
    let message = error(&["grad", "-"], "x = 1\ny = x * quiteordinary\n");
    assert!(
        message.ends_with("unknown name 'quiteordinary'"),
        "{message}"
    );
}

/// A JSON value, parsed by the small reader below (serde_json is not a dependency).
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    List(Vec<Json>),
    Map(Vec<(String, Json)>),
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    fn list(&self) -> &[Json] {
        match self {
            Json::List(items) => items,
            other => panic!("not a list: {other:?}"),
        }
    }
    fn text(&self) -> &str {
        match self {
            Json::Text(text) => text,
            other => panic!("not a string: {other:?}"),
        }
    }
    fn number(&self) -> f64 {
        match self {
            Json::Number(n) => *n,
            other => panic!("not a number: {other:?}"),
        }
    }
    fn keys(&self) -> Vec<&str> {
        match self {
            Json::Map(entries) => entries.iter().map(|(k, _)| k.as_str()).collect(),
            other => panic!("not a map: {other:?}"),
        }
    }
}

/// Parses a whole JSON document strictly (RFC 8259), panicking on anything else.
fn parse_json(text: &str) -> Json {
    fn ws(b: &[u8], i: &mut usize) {
        while *i < b.len() && matches!(b[*i], b' ' | b'\n' | b'\r' | b'\t') {
            *i += 1;
        }
    }
    fn string(b: &[u8], i: &mut usize) -> String {
        assert_eq!(b[*i], b'"', "a string at {i}");
        *i += 1;
        let mut out = Vec::new();
        loop {
            let c = b[*i];
            *i += 1;
            match c {
                b'"' => return String::from_utf8(out).expect("UTF-8"),
                b'\\' => {
                    let e = b[*i];
                    *i += 1;
                    match e {
                        b'"' | b'\\' | b'/' => out.push(e),
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'u' => {
                            let hex = std::str::from_utf8(&b[*i..*i + 4]).expect("hex");
                            let code = u32::from_str_radix(hex, 16).expect("hex");
                            *i += 4;
                            let ch = char::from_u32(code).expect("a scalar");
                            out.extend_from_slice(ch.to_string().as_bytes());
                        }
                        other => panic!("bad escape {}", other as char),
                    }
                }
                c if c < 0x20 => panic!("raw control character in a string"),
                c => out.push(c),
            }
        }
    }
    fn value(b: &[u8], i: &mut usize) -> Json {
        ws(b, i);
        let v = match b[*i] {
            b'{' => {
                *i += 1;
                let mut entries = Vec::new();
                ws(b, i);
                if b[*i] == b'}' {
                    *i += 1;
                } else {
                    loop {
                        ws(b, i);
                        let key = string(b, i);
                        ws(b, i);
                        assert_eq!(b[*i], b':');
                        *i += 1;
                        entries.push((key, value(b, i)));
                        ws(b, i);
                        *i += 1;
                        match b[*i - 1] {
                            b',' => {}
                            b'}' => break,
                            other => panic!("expected , or }} not {}", other as char),
                        }
                    }
                }
                Json::Map(entries)
            }
            b'[' => {
                *i += 1;
                let mut items = Vec::new();
                ws(b, i);
                if b[*i] == b']' {
                    *i += 1;
                } else {
                    loop {
                        items.push(value(b, i));
                        ws(b, i);
                        *i += 1;
                        match b[*i - 1] {
                            b',' => {}
                            b']' => break,
                            other => panic!("expected , or ] not {}", other as char),
                        }
                    }
                }
                Json::List(items)
            }
            b'"' => Json::Text(string(b, i)),
            b't' if b[*i..].starts_with(b"true") => {
                *i += 4;
                Json::Bool(true)
            }
            b'f' if b[*i..].starts_with(b"false") => {
                *i += 5;
                Json::Bool(false)
            }
            b'n' if b[*i..].starts_with(b"null") => {
                *i += 4;
                Json::Null
            }
            _ => {
                let start = *i;
                while *i < b.len()
                    && matches!(b[*i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    *i += 1;
                }
                let number = std::str::from_utf8(&b[start..*i]).expect("ASCII");
                Json::Number(
                    number
                        .parse()
                        .unwrap_or_else(|_| panic!("number {number:?}")),
                )
            }
        };
        ws(b, i);
        v
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    let v = value(bytes, &mut i);
    assert_eq!(i, bytes.len(), "trailing text after the JSON");
    v
}

fn worksheet(args: &[&str]) -> String {
    let mut all = vec!["worksheet"];
    all.extend_from_slice(args);
    let out = run(&all, "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    text(&out.stdout)
}

#[test]
fn worksheet_json_has_the_issues_shape_and_no_answer_zero_would_pass() {
    let doc = parse_json(&worksheet(&[
        "--seed",
        "5",
        "--format",
        "json",
        "--answers",
    ]));
    assert_eq!(doc.keys(), ["lessons"]);
    let lessons = doc.get("lessons").expect("lessons").list();
    assert_eq!(lessons.len(), backprop_lab::lesson::load_embedded().len());
    let mut kinds = std::collections::BTreeSet::new();
    for lesson in lessons {
        assert_eq!(lesson.keys(), ["file", "title", "questions"]);
        assert!(lesson.get("file").expect("file").text().ends_with(".ron"));
        for question in lesson.get("questions").expect("questions").list() {
            let kind = question.get("kind").expect("kind").text();
            kinds.insert(kind.to_string());
            let prompt = question.get("prompt").expect("prompt").text();
            assert!(!prompt.contains("{{"), "numbers filled in: {prompt}");
            match kind {
                "choice" => {
                    assert_eq!(question.keys(), ["kind", "prompt", "options"]);
                    let options = question.get("options").expect("options").list();
                    assert!(options.len() >= 2);
                    for option in options {
                        assert_eq!(option.keys(), ["text", "correct"]);
                    }
                    assert!(
                        options
                            .iter()
                            .any(|o| o.get("correct") == Some(&Json::Bool(true)))
                    );
                }
                "numeric" | "predict" => {
                    assert_eq!(
                        question.keys(),
                        ["kind", "prompt", "answer", "tolerance", "solution", "hints"]
                    );
                    // A gradient's hints: the chain, then its local factors.
                    let hints = question.get("hints").expect("hints").list();
                    assert!(hints.is_empty() || hints.len() == 2, "{prompt}");
                    let solution = question.get("solution").expect("solution").text();
                    assert!(
                        !solution.trim().is_empty() && !solution.contains("{{"),
                        "a worked solution with its numbers: {prompt}"
                    );
                    let answer = question.get("answer").expect("answer").number();
                    let tolerance = question.get("tolerance").expect("tolerance").number();
                    assert!(
                        answer == 0.0 || tolerance < answer.abs(),
                        "0 would pass: {prompt} (answer {answer}, tolerance {tolerance})"
                    );
                }
                "formula" => {
                    assert_eq!(question.keys(), ["kind", "prompt", "reference", "solution"]);
                    let solution = question.get("solution").expect("solution").text();
                    assert!(!solution.trim().is_empty(), "{prompt}");
                }
                "backprop" => {
                    assert_eq!(question.keys(), ["kind", "prompt", "boxes", "solution"]);
                    let solution = question.get("solution").expect("solution").text();
                    assert!(
                        !solution.trim().is_empty() && !solution.contains("{{"),
                        "{prompt}"
                    );
                    let boxes = question.get("boxes").expect("boxes").list();
                    assert!(!boxes.is_empty(), "{prompt}");
                    for one in boxes {
                        assert_eq!(one.keys(), ["name", "answer", "tolerance"]);
                        let answer = one.get("answer").expect("answer").number();
                        let tolerance = one.get("tolerance").expect("tolerance").number();
                        assert!(
                            answer == 0.0 || tolerance < answer.abs(),
                            "0 would pass: {prompt} (answer {answer}, tolerance {tolerance})"
                        );
                    }
                }
                other => panic!("unknown kind {other}"),
            }
        }
    }
    assert_eq!(kinds.len(), 5, "{kinds:?}");
    // Without --answers the key is left out.
    let sheet = worksheet(&["--seed", "5", "--format", "json"]);
    parse_json(&sheet);
    for key in ["\"correct\"", "\"answer\"", "\"reference\"", "\"solution\""] {
        assert!(!sheet.contains(key), "{key} left out of the handout");
    }
}

#[test]
fn worksheet_right_options_move_across_seeds_in_the_apps_order() {
    use backprop_lab::lesson::{Question, Section};
    use backprop_lab::quiz::{option_order, seed_for};
    use backprop_lab::random::Rng;
    // (file, question number) -> the positions the first right option took.
    let mut positions: std::collections::BTreeMap<
        (String, usize),
        std::collections::BTreeSet<usize>,
    > = Default::default();
    let lessons: Vec<_> = backprop_lab::lesson::load_embedded()
        .into_iter()
        .map(|f| (f.file, f.lesson.expect("lesson loads")))
        .collect();
    for seed in 0..16u64 {
        let seed_text = seed.to_string();
        let doc = parse_json(&worksheet(&[
            "--seed",
            &seed_text,
            "--format",
            "json",
            "--answers",
        ]));
        for (sheet, (file, lesson)) in doc
            .get("lessons")
            .expect("lessons")
            .list()
            .iter()
            .zip(&lessons)
        {
            assert_eq!(sheet.get("file").expect("file").text(), file);
            // The app's order: option_order from the question's seed for this round.
            let mut expected = Vec::new();
            for (index, section) in lesson.sections.iter().enumerate() {
                let Section::Quiz(quiz) = section else {
                    continue;
                };
                for (i, question) in quiz.questions.iter().enumerate() {
                    if let Question::Choice(q) = question {
                        let mut rng = Rng::new(seed_for(&lesson.title, index, i, seed));
                        let order = option_order(q.options.len(), q.fixed_order, &mut rng);
                        let texts: Vec<String> =
                            order.iter().map(|&o| q.options[o].text.clone()).collect();
                        expected.push(texts);
                    }
                }
            }
            let mut shown = Vec::new();
            for (number, question) in sheet
                .get("questions")
                .expect("questions")
                .list()
                .iter()
                .enumerate()
            {
                if question.get("kind").expect("kind").text() != "choice" {
                    continue;
                }
                let options = question.get("options").expect("options").list();
                shown.push(
                    options
                        .iter()
                        .map(|o| o.get("text").expect("text").text().to_string())
                        .collect::<Vec<_>>(),
                );
                let first_right = options
                    .iter()
                    .position(|o| o.get("correct") == Some(&Json::Bool(true)))
                    .expect("a right option");
                positions
                    .entry((file.clone(), number))
                    .or_default()
                    .insert(first_right);
            }
            assert_eq!(shown, expected, "{file}, seed {seed}: the app's order");
        }
    }
    assert!(positions.len() > 20, "{} choice questions", positions.len());
    for ((file, number), seen) in &positions {
        assert!(
            seen.len() > 1,
            "{file} question {}: the right option always at {seen:?}",
            number + 1
        );
    }
}

#[test]
fn worksheet_markdown_is_a_handout_or_its_key() {
    let sheet = worksheet(&["lessons/90-final-assessment.ron", "--seed", "2"]);
    assert!(sheet.starts_with("# Worksheet (seed 2)\n"), "{sheet}");
    assert!(sheet.contains("## Final Assessment (90-final-assessment.ron)"));
    assert!(!sheet.contains("{{"), "numbers filled in");
    assert!(sheet.contains("Answer (within 0.01): ______________"));
    assert!(!sheet.contains("**"), "no answers on the handout");
    let key = worksheet(&[
        "lessons/90-final-assessment.ron",
        "--seed",
        "2",
        "--answers",
    ]);
    assert!(key.starts_with("# Answer key (seed 2)\n"));
    assert!(key.contains("Answer: `6*(2*x + 1)^2`"));
    assert_eq!(
        key.matches("Answer: **").count(),
        sheet.matches("Answer (within").count()
    );
    // Another seed, other numbers; the same seed, the same sheet.
    assert_ne!(
        sheet,
        worksheet(&["lessons/90-final-assessment.ron", "--seed", "3"])
    );
    assert_eq!(
        sheet,
        worksheet(&["lessons/90-final-assessment.ron", "--seed", "2"])
    );
}

#[test]
fn worksheet_errors_are_one_line() {
    let dir = common::TempFolder::new("cli-worksheet");
    let path = dir.join("01-broken.ron");
    std::fs::write(&path, "Lesson(title: \"B\", sections: [Text(\"a\")]").expect("write");
    let path = path.to_string_lossy().into_owned();
    let line = error(&["worksheet", &path, "--seed", "1"], "");
    assert!(line.contains("01-broken.ron"), "{line}");
    // A misspelt field is an error at its place, not ignored.
    std::fs::write(
        dir.join("01-broken.ron"),
        "Lesson(title: \"B\", sumary: \"x\", sections: [Text(\"a\")])",
    )
    .expect("write");
    let line = error(&["worksheet", &path, "--seed", "1"], "");
    assert!(line.contains("01-broken.ron:1:20: "), "{line}");
    assert!(line.contains("sumary"), "{line}");
    let line = error(&["worksheet", "/nonexistent/x.ron", "--seed", "1"], "");
    assert!(
        line.starts_with("error: cannot read /nonexistent/x.ron"),
        "{line}"
    );
}

#[test]
fn hessian_refuses_more_inputs_than_the_limit_and_points_at_hvp() {
    let mut script = String::new();
    for i in 0..5 {
        script.push_str(&format!("x{i} = {i}\n"));
    }
    script.push_str("y = x0*x1 + x2*x3*x4\n");
    let message = error(&["hessian", "-", "--max-inputs", "4"], &script);
    assert!(message.contains("5 inputs"), "{message}");
    assert!(message.contains("--max-inputs"), "{message}");
    assert!(message.contains("hvp"), "{message}");
    // Raised, it answers.
    let out = run(&["hessian", "-", "--max-inputs", "5"], &script);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("\"hessian\": [["));
}

/// The `width`/`height` attributes of an SVG's root and the sizes of its fonts.
fn svg_size_and_fonts(svg: &str) -> (f32, f32, Vec<f32>) {
    let attribute = |name: &str| -> f32 {
        let head = svg.lines().next().unwrap_or_default();
        let start = head.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
        let rest = &head[start..];
        rest[..rest.find('"').expect("closing quote")]
            .parse()
            .expect("a number")
    };
    let fonts = svg
        .split("font-size=\"")
        .skip(1)
        .map(|rest| {
            let size = &rest[..rest.find("px\"").expect("font sizes are in px")];
            size.parse().expect("a number")
        })
        .collect();
    (attribute("width"), attribute("height"), fonts)
}

/// The left edge of the box of node `name` in an exported SVG.
fn box_x(svg: &str, name: &str) -> f32 {
    let group = svg.find(&format!("id=\"node-{name}\"")).expect(name);
    let rest = &svg[group..];
    let x = rest.find(" x=\"").expect("the box's x") + 4;
    rest[x..x + rest[x..].find('"').expect("quote")]
        .parse::<f32>()
        .expect("a number")
}

fn chain(boxes: usize) -> String {
    let mut script = String::from("x0 = 0.5\n");
    for i in 1..boxes {
        script.push_str(&format!("x{i} = sin(x{}) * 2\n", i - 1));
    }
    script
}

#[test]
fn export_fits_the_picture_to_a_canvas_as_the_app_does() {
    // Chains of four to eight boxes fit 980 × 540, left to right, text at 12 px or more.
    for boxes in 4..=8 {
        let out = run(
            &["export", "-", "--width", "980", "--height", "540"],
            &chain(boxes),
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let (w, h, fonts) = svg_size_and_fonts(&text(&out.stdout));
        assert!(w <= 980.0 && h <= 540.0, "{boxes} boxes: {w} × {h}");
        assert!(
            !fonts.is_empty() && fonts.iter().all(|&f| f >= 12.0),
            "{fonts:?}"
        );
    }
    let svg = text(
        &run(
            &["export", "-", "--width", "980", "--height", "540"],
            &chain(4),
        )
        .stdout,
    );
    let x_of = |name: &str| box_x(&svg, name);
    assert!(
        x_of("x0") < x_of("x1") && x_of("x2") < x_of("x3"),
        "left to right"
    );
    // Eight boxes: one row, from x0 on the left to x7 on the right.
    let svg = text(
        &run(
            &["export", "-", "--width", "980", "--height", "540"],
            &chain(8),
        )
        .stdout,
    );
    let xs: Vec<f32> = (0..8).map(|i| box_x(&svg, &format!("x{i}"))).collect();
    assert!(xs.windows(2).all(|p| p[0] < p[1]), "left to right: {xs:?}");
    // Twenty boxes cannot fit: the text stays readable and the picture overflows the
    // canvas in one dimension only.
    let out = run(
        &["export", "-", "--width", "980", "--height", "540"],
        &chain(20),
    );
    let (w, h, fonts) = svg_size_and_fonts(&text(&out.stdout));
    assert!(fonts.iter().all(|&f| f >= 12.0), "{fonts:?}");
    assert!((w > 980.0) != (h > 540.0), "{w} × {h}");
    // Without a canvas, the picture is drawn at 100%.
    let out = run(&["export", "-"], &chain(4));
    let (_, _, fonts) = svg_size_and_fonts(&text(&out.stdout));
    assert!(fonts.iter().all(|&f| f == 14.0), "{fonts:?}");
    // A canvas of no pixels is a usage error.
    let out = run(&["export", "-", "--width", "0"], &chain(4));
    assert_eq!(out.status.code(), Some(2));
}

/// `progress` prints what a learner's folder holds, per lesson, and never writes: a
/// planted version-1 file is listed with its scores and left byte-identical.
#[test]
fn progress_lists_a_learners_lessons_and_leaves_the_file_alone() {
    let dir = common::TempFolder::new("cli-progress");
    let file = dir.join("progress.ron");
    let planted = "(version: 1, lessons: {\"01-blame-game.ron\": (opened: true, finished: true, \
                   correct: [0, 2], question_count: 4, attempts: 5), \"02-chain-rule.ron\": \
                   (opened: true, correct: [1], question_count: 5, attempts: 2, first_try: {1: true, 0: false}), \
                   \"99-teacher.ron\": (opened: true, correct: [1], question_count: 3, attempts: 1)})";
    std::fs::write(&file, planted).expect("plant");
    let modified = std::fs::metadata(&file)
        .and_then(|m| m.modified())
        .expect("time");
    let path = dir.to_str().expect("utf-8 path");

    let out = run(&["progress", "--data-dir", path, "--format", "json"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc = parse_json(&text(&out.stdout));
    assert_eq!(
        doc.keys(),
        ["version", "folder", "lessons", "concepts", "due"]
    );
    // The report speaks format 2: the file's format-1 records moved to question ids, in
    // memory only.
    assert_eq!(doc.get("version").expect("version").number(), 2.0);
    let concepts = doc.get("concepts").expect("concepts").list();
    assert!(!concepts.is_empty());
    for concept in concepts {
        assert_eq!(concept.keys(), ["name", "mastery", "state"]);
        let state = concept.get("state").expect("state").text();
        assert!(
            ["solid", "shaky", "due", "not yet"].contains(&state),
            "{state}"
        );
    }
    assert!(doc.get("due").expect("due").number() >= 0.0);
    let lessons = doc.get("lessons").expect("lessons").list();
    // The built-in lessons in order, then the teacher's lesson the file also names.
    assert_eq!(
        lessons.len(),
        backprop_lab::lesson::load_embedded().len() + 1
    );
    let find = |file: &str| {
        lessons
            .iter()
            .find(|l| l.get("file").map(Json::text) == Some(file))
            .expect(file)
    };
    let blame = find("01-blame-game.ron");
    assert_eq!(
        blame.keys(),
        [
            "file",
            "title",
            "opened",
            "finished",
            "first_try",
            "best",
            "questions"
        ]
    );
    assert_eq!(blame.get("title").expect("title").text(), "The Blame Game");
    assert_eq!(blame.get("finished"), Some(&Json::Bool(true)));
    assert_eq!(blame.get("best").expect("best").number(), 2.0);
    // Answered before first tries were recorded: unknown, not zero.
    assert_eq!(blame.get("first_try"), Some(&Json::Null));
    let chain = find("02-chain-rule.ron");
    assert_eq!(chain.get("first_try").expect("first try").number(), 1.0);
    // The lesson's questions today (the file knew 5; the lesson has grown since).
    assert_eq!(chain.get("questions").expect("questions").number(), 6.0);
    assert_eq!(
        find("99-teacher.ron").get("best").expect("best").number(),
        1.0
    );

    let out = run(&["progress", "--data-dir", path], "");
    let lines = text(&out.stdout);
    assert!(
        lines.contains(" 1. The Blame Game: finished; first try not recorded, best 2 of 4"),
        "{lines}"
    );
    // Read only: the same bytes, the same time, nothing beside it.
    assert_eq!(
        std::fs::read_to_string(&file).expect("still there"),
        planted
    );
    assert_eq!(
        std::fs::metadata(&file)
            .and_then(|m| m.modified())
            .expect("time"),
        modified
    );
    assert_eq!(std::fs::read_dir(&*dir).expect("folder").count(), 1);

    // A damaged file: one line, exit 2, kept as it was.
    std::fs::write(&file, "(version: 1, lessons: {").expect("damage");
    let out = run(&["progress", "--data-dir", path], "");
    assert_eq!(out.status.code(), Some(2));
    let error = text(&out.stderr);
    assert!(
        error.starts_with("error: cannot read ") && error.lines().count() == 1,
        "{error}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).expect("kept"),
        "(version: 1, lessons: {"
    );
}

/// Output errors are errors: a closed standard output is exit 1 (the output would be
/// lost), `--svg` and `--dot` naming one file is refused, and so is a FIFO as an output.
#[test]
fn output_that_cannot_land_is_an_error() {
    let dir = common::TempFolder::new("cli-outputs");
    let script = dir.join("s.txt");
    std::fs::write(&script, "x = 2\ny = x*x\n").expect("script");
    let script = script.to_str().expect("utf-8");
    let bin = env!("CARGO_BIN_EXE_backprop-lab");

    // `>&-` through a shell: the program starts with standard output closed.
    let closed = Command::new("sh")
        .arg("-c")
        .arg(format!("'{bin}' grad '{script}' >&-"))
        .output()
        .expect("sh runs");
    assert_eq!(closed.status.code(), Some(1));
    assert_eq!(
        text(&closed.stderr),
        "error: cannot write the output: standard output is closed\n"
    );
    // Sent to /dev/null on purpose: fine.
    let null = Command::new("sh")
        .arg("-c")
        .arg(format!("'{bin}' grad '{script}' >/dev/null"))
        .output()
        .expect("sh runs");
    assert_eq!(null.status.code(), Some(0));

    let same = dir.join("out");
    let same = same.to_str().expect("utf-8");
    let out = run(&["export", script, "--svg", same, "--dot", same], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--svg and --dot name the same file"));
    assert!(!std::path::Path::new(same).exists(), "nothing written");

    #[cfg(unix)]
    {
        let fifo = dir.join("fifo");
        let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
        assert!(made.success());
        // Refused at once: a reader never comes, and the command must not wait for one.
        let out = run(
            &["export", script, "--svg", fifo.to_str().expect("utf-8")],
            "",
        );
        assert_eq!(out.status.code(), Some(2));
        assert!(
            text(&out.stderr).ends_with("it is a FIFO, not a regular file\n"),
            "{}",
            text(&out.stderr)
        );
    }
}
