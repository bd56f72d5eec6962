//! Box titles in words a learner can read: each operation written with its operands'
//! names (`T = 90 − 4·C`), short unnamed intermediates folded into their consumer's
//! expression, longer or shared ones given short names (`t1`, `t2`, ...) that appear
//! wherever they are used.

use std::collections::HashSet;

use crate::engine::{Graph, NodeId, Op};

/// The typographic minus sign: a hyphen reads as a dash and is thinner.
pub const MINUS: char = '\u{2212}';

/// An unnamed intermediate longer than this (in characters) gets a short name instead of
/// being written out inside its consumer's title.
const MAX_INLINE_CHARS: usize = 14;

/// Binding strength of an expression's outermost operation, to decide parentheses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Precedence {
    Sum = 1,
    Product = 2,
    Negation = 3,
    Power = 4,
    Atom = 5,
}

/// How each node is referred to, and the title of each box.
#[derive(Debug, Clone, Default)]
pub struct Titles {
    /// By node index: the text that stands for the node inside other expressions.
    reference: Vec<Option<(String, Precedence)>>,
    /// By node index: the first line of the node's box.
    title: Vec<Option<String>>,
    /// By node index: whether the node is written out inside its one consumer's title.
    inlined: Vec<bool>,
    /// By node index: whether the node is unnamed and called by a short name (`t1`).
    short: Vec<bool>,
}

impl Titles {
    /// Names every node of `graph` and writes its title.
    pub fn new(graph: &mut Graph) -> Self {
        let order = graph.topological_order().to_vec();
        let size = order.iter().map(|id| id.index() + 1).max().unwrap_or(0);
        let mut titles = Self {
            reference: vec![None; size],
            title: vec![None; size],
            inlined: vec![false; size],
            short: vec![false; size],
        };
        let taken: HashSet<String> = order
            .iter()
            .filter_map(|&id| graph.node(id))
            .flat_map(|n| n.names().iter().cloned())
            .collect();
        let mut next_short_name = 1usize;
        for &id in &order {
            let Some(node) = graph.node(id) else { continue };
            let expression = match node.op {
                Op::Input | Op::Const => (number_text(graph.value(id)), Precedence::Atom),
                _ => titles.expression(graph, id),
            };
            let name = node.display_name().map(str::to_string);
            let title = match (node.op, &name) {
                (Op::Input, Some(name)) => format!("{name} (input)"),
                (Op::Input, None) => "input".to_string(),
                (Op::Const, Some(name)) => format!("{name} = {}", expression.0),
                (Op::Const, None) => format!("constant {}", expression.0),
                (_, Some(name)) => format!("{name} = {}", expression.0),
                (_, None) => expression.0.clone(),
            };
            let reference = match name {
                Some(name) => (name, Precedence::Atom),
                None if node.op == Op::Const => {
                    let precedence = if expression.0.starts_with(MINUS) {
                        Precedence::Negation
                    } else {
                        Precedence::Atom
                    };
                    (expression.0.clone(), precedence)
                }
                None => {
                    let shared = dedup_count(graph.consumers(id)) > 1;
                    if shared || expression.0.chars().count() > MAX_INLINE_CHARS {
                        let short = loop {
                            let candidate = format!("t{next_short_name}");
                            next_short_name += 1;
                            if !taken.contains(&candidate) {
                                break candidate;
                            }
                        };
                        titles.title[id.index()] = Some(format!("{short} = {}", expression.0));
                        titles.reference[id.index()] = Some((short, Precedence::Atom));
                        titles.short[id.index()] = true;
                        continue;
                    }
                    titles.inlined[id.index()] = true;
                    expression.clone()
                }
            };
            titles.title[id.index()] = Some(title);
            titles.reference[id.index()] = Some(reference);
        }
        titles
    }

    /// The first line of a node's box, e.g. `B = 2·A + 1`, `A (input)`, `t1 = w·x`.
    pub fn title(&self, id: NodeId) -> &str {
        self.title
            .get(id.index())
            .and_then(|t| t.as_deref())
            .unwrap_or("")
    }

    /// The short name (`t1`) an unnamed node is called by in other boxes, if it has one.
    pub fn short_name(&self, id: NodeId) -> Option<&str> {
        match self.short.get(id.index()) {
            Some(true) => Some(self.reference(id)),
            _ => None,
        }
    }

    /// Whether an unnamed operation is written out inside its one consumer's title (so a
    /// picture may fold it into that consumer's box).
    pub fn is_inlined(&self, id: NodeId) -> bool {
        self.inlined.get(id.index()).copied().unwrap_or(false)
    }

    /// How the node is written inside other expressions: its name, its short name, or
    /// its own expression.
    pub fn reference(&self, id: NodeId) -> &str {
        self.reference
            .get(id.index())
            .and_then(|t| t.as_ref())
            .map_or("?", |(text, _)| text.as_str())
    }

    fn operand(&self, id: NodeId, at_least: Precedence) -> String {
        let Some(Some((text, precedence))) = self.reference.get(id.index()) else {
            return "?".into();
        };
        if *precedence < at_least {
            format!("({text})")
        } else {
            text.clone()
        }
    }

    /// The node's operation written with its operands' references.
    fn expression(&self, graph: &Graph, id: NodeId) -> (String, Precedence) {
        use Precedence::*;
        let Some(node) = graph.node(id) else {
            return ("?".into(), Atom);
        };
        let operands = graph.operands(id);
        let a = operands.first().copied();
        let b = operands.get(1).copied();
        let (Some(a), b) = (a, b) else {
            return (node.op.symbol().to_string(), Atom);
        };
        let call = |name: &str| -> (String, Precedence) {
            match b {
                Some(b) => (
                    format!("{name}({}, {})", self.operand(a, Sum), self.operand(b, Sum)),
                    Atom,
                ),
                None => (format!("{name}({})", self.operand(a, Sum)), Atom),
            }
        };
        let infix = |symbol: &str, precedence: Precedence, right: Precedence| {
            let b = b.map_or_else(|| "?".to_string(), |b| self.operand(b, right));
            (
                format!("{}{symbol}{b}", self.operand(a, precedence)),
                precedence,
            )
        };
        match node.op {
            Op::Add => infix(" + ", Sum, Product),
            Op::Sub => infix(&format!(" {MINUS} "), Sum, Product),
            Op::Mul => infix("·", Product, Negation),
            Op::Div => infix(" / ", Product, Negation),
            // Right-associative: the base needs parentheses at its own level.
            Op::Pow => {
                let b = b.map_or_else(|| "?".to_string(), |b| self.operand(b, Negation));
                (format!("{}^{b}", self.operand(a, Atom)), Power)
            }
            Op::Neg => (format!("{MINUS}{}", self.operand(a, Power)), Negation),
            Op::Sigmoid => call("σ"),
            // The second-order pass's internal operations, as the formulas they stand for.
            Op::Step => (format!("[{} > 0]", self.operand(a, Sum)), Atom),
            Op::TieStep => {
                let b = b.map_or_else(|| "?".to_string(), |b| self.operand(b, Sum));
                (format!("[{} > {b}]", self.operand(a, Sum)), Atom)
            }
            Op::PowGradBase => {
                // d(a^b)/da = b·a^(b−1)
                let exponent = b.map_or_else(
                    || "?".to_string(),
                    |b| match graph.node(b).map(|n| n.op) {
                        Some(Op::Const) => number_text(graph.value(b) - 1.0),
                        _ => format!("({} {MINUS} 1)", self.operand(b, Sum)),
                    },
                );
                let factor = b.map_or_else(|| "?".to_string(), |b| self.operand(b, Negation));
                (
                    format!("{factor}·{}^{exponent}", self.operand(a, Atom)),
                    Product,
                )
            }
            Op::PowGradExp => {
                // d(a^b)/db = a^b·ln(a)
                let b = b.map_or_else(|| "?".to_string(), |b| self.operand(b, Negation));
                let base = self.operand(a, Atom);
                (format!("{base}^{b}·log({})", self.operand(a, Sum)), Product)
            }
            op => call(op.symbol()),
        }
    }
}

fn dedup_count(mut ids: Vec<NodeId>) -> usize {
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

/// A number as graph pictures print it: up to 4 decimals, the typographic minus sign,
/// `NaN`, `+inf` and `−inf` spelled out.
pub fn number_text(value: f64) -> String {
    crate::format::number(value).replacen('-', &MINUS.to_string(), 1)
}

/// A number in at most four significant digits (three in exponent form), for edge
/// plates where space is short: `−12`, `0.25`, `3.3e−6`, with the typographic minus.
pub fn short_number(value: f64) -> String {
    let text = if !value.is_finite() {
        crate::format::number(value)
    } else if value == 0.0 {
        "0".to_string()
    } else if value.abs() >= 1e4 || value.abs() < 1e-3 {
        let text = format!("{value:.1e}");
        // 1.50e-6 -> 1.5e-6
        match text.split_once('e') {
            Some((mantissa, exponent)) => {
                let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
                format!("{mantissa}e{exponent}")
            }
            None => text,
        }
    } else {
        let digits_before = value.abs().log10().floor() as i32 + 1;
        let decimals = (4 - digits_before).clamp(0, 4) as usize;
        let text = format!("{value:.decimals$}");
        let text = if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            text
        };
        if text == "-0" { "0".to_string() } else { text }
    };
    text.replace('-', &MINUS.to_string())
}

/// The most characters [`short_number`] ever writes (for sizing edge plates).
pub const SHORT_NUMBER_MAX_CHARS: usize = 9;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::parse;

    fn titles_of(script: &str) -> (crate::engine::Program, Titles) {
        let mut program = parse(script).expect("parses");
        let titles = Titles::new(&mut program.graph);
        (program, titles)
    }

    #[test]
    fn titles_use_names_and_fold_short_intermediates() {
        let (p, t) = titles_of("A = 3\nB = 2*A + 1\nC = B - 5\nT = 90 - 4*C");
        let id = |n: &str| p.node_named(n).expect("named");
        assert_eq!(t.title(id("A")), "A (input)");
        assert_eq!(t.title(id("B")), "B = 2·A + 1");
        assert_eq!(t.title(id("C")), "C = B − 5");
        assert_eq!(t.title(id("T")), "T = 90 − 4·C");
        // The unnamed product has its own box, titled with its expression.
        let product = p.graph.operands(id("T"))[1];
        assert_eq!(t.title(product), "4·C");
    }

    #[test]
    fn precedence_decides_the_parentheses() {
        let (p, t) =
            titles_of("x = 1\ny = 2\nz = (x + y) * (x - y)\nw = -x^2\nv = (-x)^2\nu = x - (y - x)");
        let id = |n: &str| p.node_named(n).expect("named");
        assert_eq!(t.title(id("z")), "z = (x + y)·(x − y)");
        assert_eq!(t.title(id("w")), "w = −x^2");
        assert_eq!(t.title(id("v")), "v = (−x)^2");
        assert_eq!(t.title(id("u")), "u = x − (y − x)");
    }

    #[test]
    fn long_or_shared_intermediates_get_short_names() {
        let (p, t) = titles_of("x = 1\nt1 = 5\ny = tanh(tanh(tanh(x * 2) * 3) * 4)");
        let y = p.node_named("y").expect("y");
        let title = t.title(y);
        assert!(title.starts_with("y = tanh("), "{title}");
        // `t1` is taken by the program, so the first short name is `t2`.
        assert!(title.contains("t2") || title.contains("t3"), "{title}");
        assert!(!title.contains('•'));
        // A shared intermediate is named once and referred to by that name.
        let (p, t) = titles_of("a = 1\nb = 2\nq = (a*b) + (a*b)");
        let q = p.node_named("q").expect("q");
        assert!(t.title(q).starts_with("q = "), "{}", t.title(q));
    }

    #[test]
    fn negative_numbers_keep_their_minus_sign() {
        assert_eq!(number_text(-12.0), "−12");
        assert_eq!(short_number(-3.4), "−3.4");
        assert_eq!(short_number(0.123456), "0.1235");
        assert_eq!(short_number(-1234.6), "−1235");
        assert_eq!(short_number(3.3e-6), "3.3e−6");
        assert_eq!(short_number(-0.0), "0");
        assert_eq!(short_number(f64::NEG_INFINITY), "−inf");
        for v in [-9.99995e-4, -0.00099, -12345.0, -99999.5, 1e300, -1e-300] {
            assert!(
                short_number(v).chars().count() <= SHORT_NUMBER_MAX_CHARS,
                "{v}"
            );
        }
    }
}
