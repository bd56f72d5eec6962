//! The graph script language (`docs/graph-script.md`): text to [`Program`].
//!
//! One hand-written lexer ([`lexer`]) and one precedence-climbing parser ([`parser`]),
//! which builds graph nodes directly: into the editable [`Graph`] ([`parse`], for the app)
//! or into a [`FlatTape`] ([`parse_tape`], for the command line). Names are found
//! through a hash map ([`scope`]). Errors name a line and a column.

mod lexer;
mod parser;
mod scope;

use std::fmt;

use super::flat::FlatTape;
use super::graph::Graph;
use super::node::NodeId;
use super::op::Op;
use lexer::{Lexer, Tok};
use parser::Parser;

/// A place in the source text: 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, in characters.
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A script that could not be parsed: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{position}: {message}")]
pub struct ParseError {
    /// Where the problem is.
    pub position: Position,
    /// What is wrong, in words.
    pub message: String,
}

/// A parsed graph script: the graph, its named nodes, its inputs and its output. The
/// graph is a [`Graph`] with owned names ([`parse`]), or a [`FlatTape`] with names
/// borrowed from the source ([`parse_tape`]: no allocation per name, for programs of
/// millions of statements).
#[derive(Debug, Clone)]
pub struct Program<G = Graph, N = String> {
    /// The graph (a [`Graph`] from [`parse`] is evaluated once: values and gradients are
    /// ready).
    pub graph: G,
    /// The output: the node bound by the last statement.
    pub output: NodeId,
    /// The name the last statement assigned.
    pub output_name: N,
    /// The inputs in order of declaration.
    pub inputs: Vec<(N, NodeId)>,
    /// Every name with its newest binding, in order of first assignment.
    pub bindings: Vec<(N, NodeId)>,
}

impl<G, N: AsRef<str>> Program<G, N> {
    /// The node a name is bound to now, if any.
    pub fn node_named(&self, name: &str) -> Option<NodeId> {
        self.bindings
            .iter()
            .find(|(n, _)| n.as_ref() == name)
            .map(|(_, id)| *id)
    }

    /// The input with this name, if it is one.
    pub fn input_named(&self, name: &str) -> Option<NodeId> {
        self.inputs
            .iter()
            .find(|(n, _)| n.as_ref() == name)
            .map(|(_, id)| *id)
    }

    /// The same program with names as owned strings.
    pub fn into_owned(self) -> Program<G> {
        let own = |list: Vec<(N, NodeId)>| {
            list.into_iter()
                .map(|(name, id)| (name.as_ref().to_string(), id))
                .collect()
        };
        Program {
            graph: self.graph,
            output: self.output,
            output_name: self.output_name.as_ref().to_string(),
            inputs: own(self.inputs),
            bindings: own(self.bindings),
        }
    }
}

/// Parses a graph script into the editable [`Graph`] and evaluates it once: values and
/// gradients are ready.
pub fn parse(source: &str) -> Result<Program, ParseError> {
    let mut program = Parser::<Graph>::new(source)
        .program()
        .map_err(|e| *e)?
        .into_owned();
    program.graph.evaluate();
    Ok(program)
}

/// Parses a graph script into a [`FlatTape`] (flat arrays: no petgraph records, no names
/// on nodes), not yet evaluated, with names borrowed from the source: the command line's
/// `grad`, `hessian` and `hvp` on programs of millions of statements.
pub fn parse_tape(source: &str) -> Result<Program<FlatTape, &str>, ParseError> {
    Parser::new(source).program().map_err(|e| *e)
}

/// What the parser builds into: the editable [`Graph`] or a [`FlatTape`].
trait Builder: Default {
    fn input(&mut self, value: f64) -> NodeId;
    fn constant(&mut self, value: f64) -> NodeId;
    fn operation(&mut self, op: Op, operands: &[NodeId]) -> NodeId;
    fn name(&mut self, id: NodeId, name: &str);
    fn output(&mut self, id: NodeId);
}

impl Builder for Graph {
    fn input(&mut self, value: f64) -> NodeId {
        self.add_input(value)
    }
    fn constant(&mut self, value: f64) -> NodeId {
        self.add_const(value)
    }
    fn operation(&mut self, op: Op, operands: &[NodeId]) -> NodeId {
        // Operand counts are fixed by the grammar, so this cannot fail; keep a node anyway.
        self.add_op(op, operands)
            .unwrap_or_else(|_| self.add_const(f64::NAN))
    }
    fn name(&mut self, id: NodeId, name: &str) {
        self.add_name(id, name);
    }
    fn output(&mut self, id: NodeId) {
        self.set_output(id);
    }
}

impl Builder for FlatTape {
    fn input(&mut self, value: f64) -> NodeId {
        self.add_input(value)
    }
    fn constant(&mut self, value: f64) -> NodeId {
        self.add_const(value)
    }
    fn operation(&mut self, op: Op, operands: &[NodeId]) -> NodeId {
        self.add_parsed_op(op, operands)
    }
    /// Names live in the program's bindings only: a million names are not copied twice.
    /// The node is only marked as named, so that it receives its gradient.
    fn name(&mut self, id: NodeId, _name: &str) {
        self.mark_named(id);
    }
    fn output(&mut self, id: NodeId) {
        self.set_output(id);
    }
}

/// Parses one expression over the given named variables (for formula answers).
/// Each variable becomes an input of the returned graph; the result node is its output.
pub fn parse_expression(
    source: &str,
    variables: &[(&str, f64)],
) -> Result<(Graph, NodeId, Vec<NodeId>), ParseError> {
    let mut parser: Parser<'_, Graph> = Parser::new(source);
    let mut ids = Vec::new();
    for &(name, value) in variables {
        let id = parser.graph.add_input(value);
        parser.graph.add_name(id, name);
        // A variable named like a function cannot be used (its name calls the function,
        // or is refused as a function not called), so it stays out of the scope: a name
        // found there is always a variable.
        if Op::from_function_name(name).is_none() {
            parser.bind_external(name, id);
        }
        ids.push(id);
    }
    let first = parser.peek();
    if matches!(first.kind, Tok::End | Tok::Newline | Tok::Semi) {
        return Err(Lexer::new(source).error(first.start, "expected an expression"));
    }
    let result = parser.expression().map_err(|e| *e)?;
    let next = parser.peek();
    if next.kind != Tok::End {
        let error = parser.unexpected(next, |found| {
            format!("unexpected {found} after the expression")
        });
        return Err(*error);
    }
    parser.graph.set_output(result);
    parser.graph.evaluate();
    Ok((parser.graph, result, ids))
}

/// Parses a number in the language's syntax (with an optional leading sign), as used by
/// `--at NAME=VALUE`. Returns `None` for anything else (including `inf` and `nan`).
pub fn parse_number(text: &str) -> Option<f64> {
    if text.contains(|c: char| c.is_whitespace() || c == '#') {
        return None;
    }
    let (sign, digits) = match text.as_bytes().first() {
        Some(b'-') => (-1.0, &text[1..]),
        Some(b'+') => (1.0, &text[1..]),
        _ => (1.0, text),
    };
    let mut lexer = Lexer::new(digits);
    let token = lexer.next_token();
    match (token.kind, lexer.next_token().kind) {
        (Tok::Number(value), Tok::End) => Some(sign * value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value_of(source: &str) -> f64 {
        let program = parse(source).expect("parses");
        program.graph.value(program.output)
    }

    fn error_of(source: &str) -> String {
        parse(source).expect_err("does not parse").to_string()
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(value_of("y = 1 + 2 * 3"), 7.0);
        assert_eq!(value_of("y = 8 - 3 - 2"), 3.0);
        assert_eq!(value_of("y = 8 / 4 / 2"), 1.0);
        assert_eq!(value_of("x = 3; y = -x^2"), -9.0);
        assert_eq!(value_of("y = 2^3^2"), 512.0);
        assert_eq!(value_of("y = 2**3"), 8.0);
        assert_eq!(value_of("y = 2^-1"), 0.5);
        assert_eq!(value_of("x = 3; y = --x"), 3.0);
        assert_eq!(value_of("x = 3; y = +x"), 3.0);
        assert_eq!(value_of("y = pow(2, 10)"), 1024.0);
        assert_eq!(value_of("y = max(1, min(5, 3))"), 3.0);
        assert_eq!(value_of("y = .5 + 1e-3 + 2.5E+4"), 25000.501);
        assert_eq!(value_of("y = 1e400"), f64::INFINITY);
    }

    #[test]
    fn inputs_are_exactly_literals() {
        let p = parse("a = 3\nb = -2.5\nc = (3)\nd = 2*3\ne = --1\ny = a+b+c+d+e").expect("ok");
        let names: Vec<&str> = p.inputs.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(p.graph.value(p.input_named("b").expect("b")), -2.5);
    }

    #[test]
    fn the_tape_has_the_graphs_names_and_inputs() {
        let source = "x = 2\n# a comment\nlong_name = x * 3\nx2 = long_name\nlong_name = x2 + 1\nz = long_name";
        let graph = parse(source).expect("parses");
        let tape = parse_tape(source).expect("parses");
        let names: Vec<(&str, NodeId)> = tape.bindings.clone();
        let expected: Vec<(&str, NodeId)> = graph
            .bindings
            .iter()
            .map(|(n, id)| (n.as_str(), *id))
            .collect();
        assert_eq!(names, expected);
        assert_eq!(tape.node_named("x2"), graph.node_named("x2"));
        assert_eq!(tape.node_named("nobody"), None);
        assert_eq!(tape.output_name, "z");
        assert_eq!(tape.inputs, [("x", graph.inputs[0].1)]);
    }

    #[test]
    fn many_names_and_inputs() {
        let mut source = String::new();
        for i in 0..1000 {
            source.push_str(&format!("x{i} = {i}\nh{i} = x{i} * 2\n"));
        }
        source.push_str("y = x0 + x999 + h500\n");
        assert_eq!(value_of(&source), 0.0 + 999.0 + 1000.0);
        let reassigned = format!("{source}h7 = y\nx5 = 1");
        assert_eq!(
            error_of(&reassigned),
            "2003:1: 'x5' is an input and cannot be assigned again"
        );
    }

    #[test]
    fn reassignment_uses_the_newest_binding() {
        let p = parse("x = 2\ny = x * 3\ny = y + 1\nz = y").expect("ok");
        assert_eq!(p.graph.value(p.output), 7.0);
        let names: Vec<&str> = p.bindings.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["x", "y", "z"]);
        assert_eq!(p.output_name, "z");
    }

    #[test]
    fn comments_blank_lines_semicolons_and_crlf() {
        let p = parse("# a comment\r\n\r\nx = 1 ;; y = x + 1 # trailing\r\n\t\n").expect("ok");
        assert_eq!(p.graph.value(p.output), 2.0);
    }

    #[test]
    fn errors_carry_positions() {
        assert_eq!(
            error_of("x = 1\ny = x +"),
            "2:8: expected an expression, found end of input"
        );
        assert_eq!(error_of("x = 1\ny = q"), "2:5: unknown name 'q'");
        assert_eq!(error_of("y = foo(1)"), "1:5: unknown function 'foo'");
        assert_eq!(
            error_of("y = max(1)"),
            "1:5: 'max' takes 2 arguments, got 1"
        );
        assert_eq!(
            error_of("y = exp(1, 2)"),
            "1:5: 'exp' takes 1 argument, got 2"
        );
        assert_eq!(
            error_of(""),
            "1:1: empty program: write at least one statement 'NAME = EXPR'"
        );
        assert!(error_of("# only a comment\n;\n").starts_with("1:1: empty program"));
        assert_eq!(
            error_of("x = 1\nx = 2"),
            "2:1: 'x' is an input and cannot be assigned again"
        );
        assert_eq!(
            error_of("x = 1\n  x = x"),
            "2:3: 'x' is an input and cannot be assigned again"
        );
        assert_eq!(
            error_of("exp = 1"),
            "1:1: 'exp' is a function name and cannot be assigned"
        );
        assert_eq!(
            error_of("x = 1; y = exp + x"),
            "1:12: 'exp' is a function: call it as exp(...)"
        );
        assert_eq!(error_of("y = 1 $ 2"), "1:7: unexpected character '$'");
        assert_eq!(
            error_of("y = (1 + 2"),
            "1:11: expected ')' to close the '(' at 1:5, found end of input"
        );
        assert_eq!(
            error_of("y = 1e"),
            "1:5: malformed number: the exponent needs digits"
        );
        assert_eq!(error_of("y 1"), "1:3: expected '=' after 'y', found number");
        assert_eq!(
            error_of("y = 1 2"),
            "1:7: unexpected number (a statement ends at a new line or ';')"
        );
        assert_eq!(
            error_of("3 = y"),
            "1:1: expected a statement 'NAME = EXPR', found number"
        );
        assert_eq!(error_of("y = é"), "1:5: unexpected character 'é'");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let source = format!("y = {}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(error_of(&source).contains("nested more than"));
        let minus = format!("x = 1; y = {}x", "-".repeat(100_001));
        assert_eq!(value_of(&minus), -1.0);
    }

    #[test]
    fn numbers_for_the_command_line() {
        assert_eq!(parse_number("-2.5"), Some(-2.5));
        assert_eq!(parse_number("+1e3"), Some(1000.0));
        assert_eq!(parse_number(".5"), Some(0.5));
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("nan"), None);
        assert_eq!(parse_number("1 "), None);
        assert_eq!(parse_number("--1"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("1x"), None);
    }

    #[test]
    fn formula_expressions() {
        let (g, out, _) = parse_expression("6*(3*x)", &[("x", 2.0)]).expect("ok");
        assert_eq!(g.value(out), 36.0);
        assert!(parse_expression("18x", &[("x", 1.0)]).is_err());
        assert!(parse_expression("", &[("x", 1.0)]).is_err());
        // A variable named like a function: the name still means the function.
        let variables = [("exp", 1.0), ("x", 0.0)];
        let (g, out, _) = parse_expression("exp(x)", &variables).expect("ok");
        assert_eq!(g.value(out), 1.0);
        assert_eq!(
            parse_expression("exp + x", &variables)
                .map(|_| ())
                .expect_err("refused")
                .to_string(),
            "1:1: 'exp' is a function: call it as exp(...)"
        );
        // A variable given twice: the later one.
        let (g, out, _) = parse_expression("x", &[("x", 1.0), ("x", 2.0)]).expect("ok");
        assert_eq!(g.value(out), 2.0);
    }
}
