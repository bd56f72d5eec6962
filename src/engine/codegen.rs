//! A graph as code a learner can run elsewhere: plain Python with the chain rule written
//! out node by node, and PyTorch with `backward()`. Both print every named value and
//! gradient, so the numbers can be compared with the app's.

use std::fmt::Write as _;

use super::graph::Graph;
use super::node::NodeId;
use super::op::{Code, Op};
use super::script::Program;
use super::sweep::REQUIRES_GRAD;

/// Python's spelling of a number (`float('nan')` and `float('inf')` included).
fn literal(value: f64) -> String {
    if value.is_nan() {
        "float('nan')".into()
    } else if value.is_infinite() {
        if value > 0.0 {
            "float('inf')".into()
        } else {
            "-float('inf')".into()
        }
    } else {
        format!("{value:?}")
    }
}

/// A name for an unnamed node, as a picture of the graph calls it (`t1`), or `None`.
pub type ShortName<'a> = &'a dyn Fn(NodeId) -> Option<String>;

/// A Python variable for each node: the node's name when it has one, else its short
/// name, else `v3` (names are made unique with a suffix, since a script may reassign
/// them).
fn variables(program: &Program, order: &[NodeId], short: ShortName) -> Vec<(NodeId, String)> {
    let mut used = std::collections::HashSet::new();
    order
        .iter()
        .map(|&id| {
            let base = program
                .graph
                .node(id)
                .and_then(|n| n.display_name().map(identifier))
                .or_else(|| short(id).map(|name| identifier(&name)))
                .unwrap_or_else(|| format!("v{}", id.index()));
            let mut name = base.clone();
            let mut k = 2;
            while !used.insert(name.clone()) {
                name = format!("{base}_{k}");
                k += 1;
            }
            (id, name)
        })
        .collect()
}

/// Words the generated code cannot use as a variable: Python's keywords and the names it
/// calls (a script may well name a node `lambda` or `max`), besides the operations'
/// helper functions (see [`is_reserved`]).
const RESERVED: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield", "math", "torch", "float", "max", "min", "abs", "round", "print",
];

/// Whether `name` is a Python keyword, a name the code calls, or an operation's helper.
fn is_reserved(name: &str) -> bool {
    RESERVED.contains(&name)
        || Op::ALL
            .iter()
            .any(|op| op.python_helpers().iter().any(|h| h.name == name))
}

/// A valid Python identifier for a node's name: other characters (the `/` of a drawn
/// backward graph's `df/dx`) become `_`, and a reserved word gets a trailing `_`.
fn identifier(name: &str) -> String {
    let mut id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if id.is_empty() || id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert_str(0, "v_");
    }
    if is_reserved(&id) {
        id.push('_');
    }
    id
}

/// Whether a gradient flows into each node (PyTorch's `requires_grad`), by node index, read
/// off the flags the engine's forward pass completed on the graph's tape: inputs, named
/// nodes (a name is a place where blame arrives, so a named constant has its gradient)
/// and everything that depends on one; unnamed constants take none.
fn takes_gradient(graph: &mut Graph, order: &[NodeId]) -> Vec<bool> {
    if graph.tape_view().is_none() {
        graph.evaluate();
    }
    let size = order.iter().map(|id| id.index() + 1).max().unwrap_or(0);
    let mut takes = vec![false; size];
    if let Some(view) = graph.tape_view() {
        for &id in order {
            if let Some(pos) = view.position(id) {
                takes[id.index()] = view.flags[pos] & REQUIRES_GRAD != 0;
            }
        }
    }
    takes
}

/// The definitions of the helper functions the operations' Python calls, each once, in
/// the order of [`Op::ALL`].
fn python_helpers() -> String {
    let mut seen: Vec<&str> = Vec::new();
    let mut text = String::new();
    for helper in Op::ALL.iter().flat_map(|op| op.python_helpers()) {
        if !seen.contains(&helper.name) {
            seen.push(helper.name);
            text.push_str(helper.code);
            text.push('\n');
        }
    }
    text
}

/// The program as plain Python: a forward pass, then a backward pass that writes each
/// node's local derivatives out and accumulates the gradients with `+=`.
pub fn to_python(program: &Program) -> String {
    to_python_named(program, &|_| None)
}

/// [`to_python`], with unnamed nodes called as `short` calls them (the graph's boxes).
pub fn to_python_named(program: &Program, short: ShortName) -> String {
    let mut graph = program.graph.clone();
    let order: Vec<NodeId> = graph.topological_order().to_vec();
    let names = variables(program, &order, short);
    let takes = takes_gradient(&mut graph, &order);
    let var = |id: NodeId| {
        names
            .iter()
            .find(|(n, _)| *n == id)
            .map_or_else(|| "?".to_string(), |(_, s)| s.clone())
    };
    let mut out = String::from(
        "# Generated by Backprop Lab: the graph's forward and backward pass in plain Python.\n\
         import math\n\n",
    );
    out.push_str(&python_helpers());
    out.push_str("# Forward pass: compute every node and keep its value (the cache).\n");
    for &id in &order {
        let Some(node) = graph.node(id) else { continue };
        let (me, a, b) = operand_code(&graph, id, node.leaf_value, &var);
        let code = Code {
            a: &a,
            b: &b,
            me: &me,
            requires_grad: takes.get(id.index()).copied().unwrap_or(false),
        };
        let _ = writeln!(out, "{me} = {}", node.op.python_value(&code));
    }
    let Some(output) = graph.output() else {
        return out;
    };
    out.push_str("\n# Backward pass: every gradient starts at 0; the output's is 1.\n");
    for &id in &order {
        let _ = writeln!(out, "g_{} = 0.0", var(id));
    }
    let _ = writeln!(out, "g_{} = 1.0", var(output));
    out.push_str(
        "# From the output back: upstream gradient times local gradient, added to each operand.\n",
    );
    for &id in order.iter().rev() {
        let Some(node) = graph.node(id) else { continue };
        let ops = graph.operands(id);
        if ops.is_empty() {
            continue;
        }
        let (me, a, b) = operand_code(&graph, id, node.leaf_value, &var);
        let g = format!("g_{me}");
        let code = Code {
            a: &a,
            b: &b,
            me: &me,
            requires_grad: true,
        };
        let locals = node.op.python_locals(&code);
        for (slot, local) in locals.iter().enumerate() {
            let Some(&operand) = ops.get(slot) else {
                continue;
            };
            // Like the engine: nothing flows into what takes no gradient (an unnamed
            // constant, e.g. the exponent of x^2, whose d/db could be NaN).
            if !takes.get(operand.index()).copied().unwrap_or(false) {
                continue;
            }
            // The comment of round and round_ste stays outside the parentheses.
            let (expression, comment) = local
                .split_once("  #")
                .map_or((local.as_str(), ""), |(e, c)| (e, c));
            let comment = if comment.is_empty() {
                String::new()
            } else {
                format!("  #{comment}")
            };
            let _ = writeln!(out, "g_{} += {g} * ({expression}){comment}", var(operand));
        }
    }
    out.push_str("\nfor name, value, grad in [\n");
    for (name, id) in &program.bindings {
        let _ = writeln!(out, "    (\"{name}\", {}, g_{}),", var(*id), var(*id));
    }
    out.push_str("]:\n    print(f\"{name}: value {value!r}, gradient {grad!r}\")\n");
    out
}

/// The program in PyTorch: inputs and named constants are leaf tensors with
/// `requires_grad=True` (the engine gives a named constant its gradient); a named node
/// computed from constants only is made a leaf that takes a gradient, too; one
/// `backward()` fills their `.grad`; inner nodes that take a gradient keep theirs with
/// `retain_grad()` (never called on a tensor without `requires_grad`, which PyTorch
/// rejects).
pub fn to_pytorch(program: &Program) -> String {
    to_pytorch_named(program, &|_| None)
}

/// [`to_pytorch`], with unnamed nodes called as `short` calls them (the graph's boxes).
pub fn to_pytorch_named(program: &Program, short: ShortName) -> String {
    let mut graph = program.graph.clone();
    let order: Vec<NodeId> = graph.topological_order().to_vec();
    let names = variables(program, &order, short);
    let takes = takes_gradient(&mut graph, &order);
    let takes = |id: NodeId| takes.get(id.index()).copied().unwrap_or(false);
    let var = |id: NodeId| {
        names
            .iter()
            .find(|(n, _)| *n == id)
            .map_or_else(|| "?".to_string(), |(_, s)| s.clone())
    };
    let mut out = String::from(
        "# Generated by Backprop Lab: the same graph in PyTorch (float64, like the app).\n\
         import torch\n\n",
    );
    for &id in &order {
        let Some(node) = graph.node(id) else { continue };
        let ops = graph.operands(id);
        let (me, a, b) = operand_code(&graph, id, node.leaf_value, &var);
        let expression = node.op.pytorch_value(&Code {
            a: &a,
            b: &b,
            me: &me,
            requires_grad: takes(id),
        });
        let leaf = matches!(node.op, Op::Input | Op::Const);
        let from_gradients = ops.iter().any(|&o| takes(o));
        if !leaf && takes(id) && !from_gradients {
            // Named, computed from constants only (x = 2*3): PyTorch would make it a leaf
            // without a gradient; the engine gives it one.
            let expression = match expression.split_once("  #") {
                Some((e, comment)) => format!("({e}).detach().requires_grad_(True)  #{comment}"),
                None => format!("({expression}).detach().requires_grad_(True)"),
            };
            let _ = writeln!(out, "{} = {expression}", var(id));
        } else {
            let _ = writeln!(out, "{} = {expression}", var(id));
            if !leaf && takes(id) {
                let _ = writeln!(out, "{}.retain_grad()", var(id));
            }
        }
    }
    if let Some(output) = graph.output() {
        let _ = writeln!(out, "\n{}.backward()\n", var(output));
    }
    out.push_str("for name, t in [\n");
    for (name, id) in &program.bindings {
        let _ = writeln!(out, "    (\"{name}\", {}),", var(*id));
    }
    out.push_str(
        "]:\n    grad = t.grad.item() if t.grad is not None else 0.0\n    print(f\"{name}: value {t.item()!r}, gradient {grad!r}\")\n",
    );
    out
}

/// A node's variable and its operands' expressions: for a leaf, its number in Python
/// stands as its one operand, as the engine's leaves take their own value.
fn operand_code(
    graph: &Graph,
    id: NodeId,
    leaf_value: f64,
    var: &impl Fn(NodeId) -> String,
) -> (String, String, String) {
    let ops = graph.operands(id);
    let a = match ops.first() {
        Some(&o) => var(o),
        None => literal(leaf_value),
    };
    let b = ops.get(1).map(|&o| var(o)).unwrap_or_default();
    (var(id), a, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::parse;

    #[test]
    fn generated_python_names_every_binding() {
        let program = parse("x = 2\nw = -1\nz = w*x + 1\nz = sigmoid(z)\n").expect("parses");
        let python = to_python(&program);
        assert!(
            python.contains("g_z_2 += g_z_2") || python.contains("z_2 = sigmoid(z)"),
            "{python}"
        );
        assert!(python.contains("(\"w\", w, g_w)"), "{python}");
        let torch = to_pytorch(&program);
        assert!(torch.contains("w = torch.tensor(-1.0, dtype=torch.float64, requires_grad=True)"));
        assert!(torch.contains("z_2.backward()"), "{torch}");
    }
}
