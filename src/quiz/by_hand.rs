//! Backprop by hand: the learner fills each box's gradient, from the output back, and
//! every entry is graded at once against the engine's backward pass. A wrong entry is
//! diagnosed before any answer is shown: the engine works out what each common slip
//! would have given for that box (the upstream gradient or the local factor off, adding
//! instead of multiplying, a path missed or multiplied, an activation's value for its
//! slope, a sign) and names the one that matches.

use crate::engine::{Graph, NodeId, Op};

/// How far from the engine's gradient an entry may be: 1% of it, and never less than
/// this near zero (so 0 is not accepted for a small gradient, and rounding to three
/// decimals is).
pub const ABSOLUTE_SLACK: f64 = 0.001;
/// The relative part of the tolerance.
pub const RELATIVE_SLACK: f64 = 0.01;

/// Whether `given` counts as `expected`: within 1% of it, or within
/// [`ABSOLUTE_SLACK`] near zero.
pub fn near(given: f64, expected: f64) -> bool {
    given.is_finite()
        && expected.is_finite()
        && (given - expected).abs()
            <= (RELATIVE_SLACK * expected.abs()).max(ABSOLUTE_SLACK) * (1.0 + 1e-9)
}

/// The precision asked for, in words, for a learner reading the exercise.
pub fn precision_in_words() -> String {
    format!("Right within 1% of the engine's number (within {ABSOLUTE_SLACK} near zero).")
}

/// One edge by which a box passes blame on: the box it feeds and its operand slot there.
type Edge = (NodeId, usize);

/// Where a box stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BoxState {
    /// Not filled yet (or filled wrong so far).
    #[default]
    Open,
    /// Filled right; `first`: on the first entry.
    Right {
        /// Whether the first entry was right.
        first: bool,
    },
    /// The learner asked for the answer after a wrong entry.
    Shown,
}

impl BoxState {
    /// Whether the box's gradient is on the graph now (filled right or shown).
    pub fn done(self) -> bool {
        !matches!(self, BoxState::Open)
    }
}

/// Why the upstream factor of an entry is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpstreamSlip {
    /// The local factor alone: the blame arriving from the box fed was left out.
    Forgotten,
    /// The value of the box fed was used where its gradient belongs.
    ValueForGrad,
    /// The gradient of another box, which this one does not feed.
    OtherBox(NodeId),
}

/// Why the local factor of an entry is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalSlip {
    /// The upstream gradient passed on unchanged, as if the local factor were 1.
    PassedThrough,
    /// An activation's output used where the chain needs its slope (σ for σ′, tanh for
    /// 1 − tanh²).
    ActivationValue,
    /// For a multiply gate: the box's own value instead of the other input's.
    OwnValue,
    /// Some other local factor: the upstream gradient times a wrong number.
    Other,
}

/// What a wrong entry matches, worked out from the engine's numbers for that box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Diagnosis {
    /// The right size with the wrong sign.
    Sign,
    /// The blame along some of the edges leaving the box only; `feeds` edges in all.
    MissedPath {
        /// How many edges leave the box.
        feeds: usize,
    },
    /// The contributions of the edges leaving the box multiplied instead of added.
    MultipliedPaths,
    /// The upstream gradient and the local factor added instead of multiplied.
    AddedNotMultiplied {
        /// The box fed along the edge in question.
        via: NodeId,
    },
    /// The upstream factor is off along the edge to `via`.
    UpstreamOff {
        /// The box fed along the edge in question.
        via: NodeId,
        /// Which slip.
        slip: UpstreamSlip,
    },
    /// The local factor is off along the edge to `via`.
    LocalOff {
        /// The box fed along the edge in question.
        via: NodeId,
        /// The operand slot of that edge in `via`.
        slot: usize,
        /// Which slip.
        slip: LocalSlip,
    },
    /// Wrong, and no common slip matches.
    Unknown,
}

impl Diagnosis {
    /// Which factor the diagnosis blames, in one word, for tests and screen readers:
    /// `upstream`, `local`, `paths`, `sign`, `chain` or `unknown`.
    pub fn factor(self) -> &'static str {
        match self {
            Diagnosis::Sign => "sign",
            Diagnosis::MissedPath { .. } | Diagnosis::MultipliedPaths => "paths",
            Diagnosis::AddedNotMultiplied { .. } => "chain",
            Diagnosis::UpstreamOff { .. } => "upstream",
            Diagnosis::LocalOff { .. } => "local",
            Diagnosis::Unknown => "unknown",
        }
    }
}

impl Diagnosis {
    /// What went wrong, in words, for box `me` of a graph whose output is `out`; `name`
    /// names the other boxes as the picture does. No number the learner has not seen:
    /// the gradients it points at are already on their boxes.
    pub fn message(
        self,
        graph: &Graph,
        me: &str,
        out: &str,
        name: impl Fn(NodeId) -> String,
    ) -> String {
        let rule = |via: NodeId, slot: usize| {
            graph
                .node(via)
                .map_or("", |n| local_rule(n.op, slot))
                .to_string()
        };
        match self {
            Diagnosis::Sign => "The size is right but the sign is not: check the sign of \
                                each local factor on the way back."
                .into(),
            Diagnosis::MissedPath { feeds } => format!(
                "{me} passes blame back along {feeds} edges, and you counted only some of \
                 them. Blame arriving by different edges adds up."
            ),
            Diagnosis::MultipliedPaths => format!(
                "You multiplied what {me}'s edges send back. Along one path the factors \
                 multiply; blame arriving by different edges adds up."
            ),
            Diagnosis::AddedNotMultiplied { via } => format!(
                "You added the blame from {v} and the local factor. The chain rule \
                 multiplies them: upstream × local.",
                v = name(via)
            ),
            Diagnosis::UpstreamOff { via, slip } => {
                let v = name(via);
                match slip {
                    UpstreamSlip::Forgotten => format!(
                        "The upstream factor is missing: that is only the local factor \
                         d{v}/d{me}. Multiply it by the blame arriving from {v}, the \
                         gradient on {v}'s box."
                    ),
                    UpstreamSlip::ValueForGrad => format!(
                        "The upstream factor is off: you used {v}'s value where its \
                         gradient belongs. The blame arriving from {v} is d{out}/d{v}, \
                         the gradient on its box."
                    ),
                    UpstreamSlip::OtherBox(other) => format!(
                        "The upstream factor is off: you used the gradient of {o}, but \
                         {me} feeds {v}. The blame arriving is the gradient on {v}'s box.",
                        o = name(other)
                    ),
                }
            }
            Diagnosis::LocalOff { via, slot, slip } => {
                let v = name(via);
                let r = rule(via, slot);
                match slip {
                    LocalSlip::PassedThrough => format!(
                        "The local factor is missing: you passed {v}'s blame on unchanged, \
                         as if d{v}/d{me} were 1; {r}."
                    ),
                    LocalSlip::ActivationValue => format!(
                        "The upstream factor is right; the local one is off: you used \
                         {v}'s output where the chain needs its slope. {}.",
                        capitalised(&r)
                    ),
                    LocalSlip::OwnValue => format!(
                        "The upstream factor is right; the local one is off: you \
                         multiplied by {me}'s own value, but {r}."
                    ),
                    LocalSlip::Other => format!(
                        "The blame from {v} is on its box; the local factor d{v}/d{me} is \
                         off: {r}."
                    ),
                }
            }
            Diagnosis::Unknown => format!(
                "Work it out one edge at a time: for each box {me} feeds, the gradient on \
                 that box times the edge's local factor; then add them up."
            ),
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The outcome of one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// Right: the box's gradient goes on the graph.
    Right,
    /// Wrong, with what it matches.
    Wrong(Diagnosis),
    /// The box cannot be filled yet: a box it feeds is still open.
    NotReady,
}

/// A graph being backpropagated by hand.
#[derive(Debug, Clone)]
pub struct ByHand {
    /// The output, whose gradient (1) is given.
    output: NodeId,
    /// The boxes to fill, in the order the backward pass reaches them (output first, but
    /// the output itself is not in it).
    order: Vec<NodeId>,
    /// By node index: the edges along which each box passes blame on (to boxes on the
    /// output's path).
    edges: Vec<Vec<Edge>>,
    /// By position in `order`: where each box stands.
    states: Vec<BoxState>,
    /// By position in `order`: how many entries were checked.
    tries: Vec<u32>,
}

impl ByHand {
    /// An exercise on `graph` (evaluated: values and gradients ready), for the gradient of
    /// its output. Every box except constants that the output depends on is to be filled.
    pub fn new(graph: &mut Graph) -> Option<Self> {
        let output = graph.output()?;
        let order: Vec<NodeId> = graph.topological_order().to_vec();
        let count = graph.node_count();
        // Which nodes the output depends on, by one reverse sweep over the order.
        let mut reaches = vec![false; count];
        if let Some(slot) = reaches.get_mut(output.index()) {
            *slot = true;
        }
        let mut edges: Vec<Vec<Edge>> = vec![Vec::new(); count];
        for &id in order.iter().rev() {
            if !reaches.get(id.index()).copied().unwrap_or(false) {
                continue;
            }
            for (slot, operand) in graph.operands(id).into_iter().enumerate() {
                if let Some(r) = reaches.get_mut(operand.index()) {
                    *r = true;
                }
                if let Some(list) = edges.get_mut(operand.index()) {
                    list.push((id, slot));
                }
            }
        }
        let to_fill: Vec<NodeId> = order
            .iter()
            .rev()
            .copied()
            .filter(|&id| id != output && reaches.get(id.index()).copied().unwrap_or(false))
            .filter(|&id| graph.node(id).is_some_and(|n| n.op != Op::Const))
            .collect();
        let n = to_fill.len();
        Some(Self {
            output,
            order: to_fill,
            edges,
            states: vec![BoxState::Open; n],
            tries: vec![0; n],
        })
    }

    /// The output, whose gradient is given as 1.
    pub fn output(&self) -> NodeId {
        self.output
    }

    /// The boxes to fill, in the order the backward pass reaches them.
    pub fn order(&self) -> &[NodeId] {
        &self.order
    }

    fn position(&self, id: NodeId) -> Option<usize> {
        self.order.iter().position(|&o| o == id)
    }

    /// Where a box stands (the output: right, given).
    pub fn state(&self, id: NodeId) -> BoxState {
        if id == self.output {
            return BoxState::Right { first: true };
        }
        self.position(id)
            .and_then(|p| self.states.get(p).copied())
            .unwrap_or_default()
    }

    /// How many entries were checked for a box.
    pub fn tries(&self, id: NodeId) -> u32 {
        self.position(id)
            .and_then(|p| self.tries.get(p).copied())
            .unwrap_or(0)
    }

    /// Whether every box it feeds has its gradient on the graph, so it can be filled.
    pub fn ready(&self, id: NodeId) -> bool {
        self.edges
            .get(id.index())
            .is_some_and(|edges| edges.iter().all(|&(to, _)| self.state(to).done()))
    }

    /// The boxes a box feeds that are still open (to say what to fill first).
    pub fn waiting_for(&self, id: NodeId) -> Vec<NodeId> {
        let mut open: Vec<NodeId> = self
            .edges
            .get(id.index())
            .map(|edges| {
                edges
                    .iter()
                    .map(|&(to, _)| to)
                    .filter(|&to| !self.state(to).done())
                    .collect()
            })
            .unwrap_or_default();
        open.dedup();
        open
    }

    /// The boxes a box feeds, once each (the edges along which its blame leaves).
    pub fn feeds(&self, id: NodeId) -> Vec<NodeId> {
        let mut fed: Vec<NodeId> = self
            .edges
            .get(id.index())
            .map(|edges| edges.iter().map(|&(to, _)| to).collect())
            .unwrap_or_default();
        fed.sort_unstable();
        fed.dedup();
        fed
    }

    /// The next box to fill: the first open one that is ready.
    pub fn next(&self) -> Option<NodeId> {
        self.order
            .iter()
            .copied()
            .find(|&id| !self.state(id).done() && self.ready(id))
    }

    /// Whether every box has its gradient on the graph.
    pub fn finished(&self) -> bool {
        self.states.iter().all(|s| s.done())
    }

    /// Whether no box's gradient was asked for.
    pub fn none_shown(&self) -> bool {
        !self.states.contains(&BoxState::Shown)
    }

    /// Boxes filled right on the first entry, and boxes in all.
    pub fn first_try_score(&self) -> (usize, usize) {
        let right = self
            .states
            .iter()
            .filter(|s| matches!(s, BoxState::Right { first: true }))
            .count();
        (right, self.states.len())
    }

    /// Checks an entry for a box against the engine's gradient in `graph`.
    pub fn enter(&mut self, graph: &Graph, id: NodeId, given: f64) -> Entry {
        let Some(position) = self.position(id) else {
            return Entry::NotReady;
        };
        if !self.ready(id) {
            return Entry::NotReady;
        }
        let first = self.tries[position] == 0;
        self.tries[position] = self.tries[position].saturating_add(1);
        if self.states[position].done() {
            return if near(given, graph.grad(id)) {
                Entry::Right
            } else {
                Entry::Wrong(self.diagnose(graph, id, given))
            };
        }
        if near(given, graph.grad(id)) {
            self.states[position] = BoxState::Right { first };
            Entry::Right
        } else {
            Entry::Wrong(self.diagnose(graph, id, given))
        }
    }

    /// Puts the engine's gradient on a box after a wrong entry (it counts as missed).
    pub fn show(&mut self, id: NodeId) {
        if let Some(position) = self.position(id)
            && !self.states[position].done()
            && self.ready(id)
        {
            self.states[position] = BoxState::Shown;
        }
    }

    /// What a wrong entry `given` for box `id` matches.
    pub fn diagnose(&self, graph: &Graph, id: NodeId, given: f64) -> Diagnosis {
        let edges = self.edges.get(id.index()).map_or(&[][..], |e| &e[..]);
        let term = |&(to, slot): &Edge| graph.grad(to) * graph.local_derivative(to, slot);
        let terms: Vec<f64> = edges.iter().map(term).collect();
        let right: f64 = terms.iter().sum();
        let matches = |x: f64| near(given, x);
        if right.abs() > ABSOLUTE_SLACK && matches(-right) {
            return Diagnosis::Sign;
        }
        if edges.len() > 1 {
            // Some edges left out: any proper, non-empty subset of the terms.
            if edges.len() <= 12 {
                let all = (1u32 << edges.len()) - 1;
                for mask in 1..all {
                    let partial: f64 = terms
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| mask & (1 << i) != 0)
                        .map(|(_, t)| t)
                        .sum();
                    if (partial - right).abs() > ABSOLUTE_SLACK && matches(partial) {
                        return Diagnosis::MissedPath { feeds: edges.len() };
                    }
                }
            }
            let product: f64 = terms.iter().product();
            if !near(product, right) && matches(product) {
                return Diagnosis::MultipliedPaths;
            }
        }
        // One edge's term replaced by a slip's, the others right.
        for (edge, &t) in edges.iter().zip(&terms) {
            let (to, slot) = *edge;
            let rest = right - t;
            let as_entry = |wrong_term: f64| rest + wrong_term;
            let upstream = graph.grad(to);
            let local = graph.local_derivative(to, slot);
            let distinct = |wrong_term: f64| !near(wrong_term, t) && matches(as_entry(wrong_term));
            if distinct(upstream + local) {
                return Diagnosis::AddedNotMultiplied { via: to };
            }
            if distinct(local) {
                return Diagnosis::UpstreamOff {
                    via: to,
                    slip: UpstreamSlip::Forgotten,
                };
            }
            if distinct(upstream) {
                return Diagnosis::LocalOff {
                    via: to,
                    slot,
                    slip: LocalSlip::PassedThrough,
                };
            }
            let op = graph.node(to).map(|n| n.op);
            if matches!(op, Some(Op::Sigmoid | Op::Tanh)) && distinct(upstream * graph.value(to)) {
                return Diagnosis::LocalOff {
                    via: to,
                    slot,
                    slip: LocalSlip::ActivationValue,
                };
            }
            if op == Some(Op::Mul) && distinct(upstream * graph.value(id)) {
                return Diagnosis::LocalOff {
                    via: to,
                    slot,
                    slip: LocalSlip::OwnValue,
                };
            }
            if distinct(graph.value(to) * local) {
                return Diagnosis::UpstreamOff {
                    via: to,
                    slip: UpstreamSlip::ValueForGrad,
                };
            }
            // Another box's gradient (one already on the graph) for the upstream one.
            let done = std::iter::once(self.output).chain(
                self.order
                    .iter()
                    .copied()
                    .filter(|&other| self.state(other).done()),
            );
            for other in done {
                if other != to && other != id && distinct(graph.grad(other) * local) {
                    return Diagnosis::UpstreamOff {
                        via: to,
                        slip: UpstreamSlip::OtherBox(other),
                    };
                }
            }
        }
        // One edge and a known upstream gradient: the learner can read the upstream
        // factor off the box it feeds, so the local factor is the one in doubt.
        if let [(to, slot)] = edges
            && graph.grad(*to).abs() > ABSOLUTE_SLACK
            && given.is_finite()
        {
            return Diagnosis::LocalOff {
                via: *to,
                slot: *slot,
                slip: LocalSlip::Other,
            };
        }
        Diagnosis::Unknown
    }

    /// Starts again on the same graph: every box open, no tries.
    pub fn restart(&mut self) {
        self.states.iter_mut().for_each(|s| *s = BoxState::Open);
        self.tries.iter_mut().for_each(|t| *t = 0);
    }
}

/// The local factor of a gate with respect to one operand, as a rule in words (no
/// numbers: a hint, not the answer).
pub fn local_rule(op: Op, slot: usize) -> &'static str {
    match (op, slot) {
        (Op::Add, _) => "an add gate's local factor is 1: it passes the blame on unchanged",
        (Op::Sub, 0) => "a subtraction's local factor for its left input is 1",
        (Op::Sub, _) => "a subtraction's local factor for its right input is −1",
        (Op::Mul, _) => "a multiply gate's local factor for one input is the other input's value",
        (Op::Div, 0) => "for a / b the local factor for a is 1 / b",
        (Op::Div, _) => "for a / b the local factor for b is −a / b²",
        (Op::Neg, _) => "a negation's local factor is −1",
        (Op::Pow, 0) => "for a^b the local factor for a is b · a^(b − 1)",
        (Op::Pow, _) => "for a^b the local factor for b is a^b · ln(a)",
        (Op::Exp, _) => "exp's local factor is its own output, e^z",
        (Op::Log, _) => "log's local factor is 1 / z",
        (Op::Sqrt, _) => "sqrt's local factor is 1 / (2 · sqrt(z))",
        (Op::Tanh, _) => "tanh's local factor is its slope, 1 − tanh²(z), not tanh(z) itself",
        (Op::Sigmoid, _) => "the sigmoid's local factor is its slope, σ(z) · (1 − σ(z))",
        (Op::Relu, _) => "ReLU's local factor is 1 where its input is above 0, else 0",
        (Op::Abs, _) => "abs's local factor is the sign of its input",
        (Op::Sin, _) => "sin's local factor is cos(z)",
        (Op::Cos, _) => "cos's local factor is −sin(z)",
        (Op::Max | Op::Min, _) => {
            "a max or min gate routes the blame to the input it picked (1 there, 0 for the other)"
        }
        (Op::Round, _) => "round's local factor is 0 everywhere it is defined",
        _ => "work out this gate's slope with respect to this input",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::parse;

    fn exercise(script: &str) -> (crate::engine::Program, ByHand) {
        let mut program = parse(script).expect("parses");
        program.graph.evaluate();
        let by_hand = ByHand::new(&mut program.graph).expect("an output");
        (program, by_hand)
    }

    #[test]
    fn boxes_are_filled_from_the_output_back() {
        // L = (x·w + b)²: L is given; s, then z (= x·w) and b, then x and w.
        let (p, mut h) = exercise("x = 2\nw = 3\nb = 1\nz = x*w\ns = z + b\nL = s^2\n");
        let id = |n: &str| p.node_named(n).expect("named");
        assert_eq!(
            h.order().len(),
            5,
            "s, z, b, x, w: the constant 2 is not a box"
        );
        assert_eq!(h.next(), Some(id("s")));
        assert_eq!(h.enter(&p.graph, id("x"), 0.0), Entry::NotReady);
        assert!(!h.ready(id("z")));
        // dL/ds = 2s = 14.
        assert_eq!(h.enter(&p.graph, id("s"), 14.0), Entry::Right);
        assert!(h.ready(id("z")) && h.ready(id("b")));
        assert_eq!(h.enter(&p.graph, id("z"), 14.0), Entry::Right);
        // dL/dx = 14 · w = 42; 14 · x = 28 is the multiply gate's own value.
        assert_eq!(
            h.enter(&p.graph, id("x"), 28.0),
            Entry::Wrong(Diagnosis::LocalOff {
                via: id("z"),
                slot: 0,
                slip: LocalSlip::OwnValue
            })
        );
        assert_eq!(h.enter(&p.graph, id("x"), 42.0), Entry::Right);
        assert_eq!(h.state(id("x")), BoxState::Right { first: false });
        assert_eq!(h.state(id("s")), BoxState::Right { first: true });
        assert!(!h.finished());
        h.show(id("b"));
        assert_eq!(h.enter(&p.graph, id("w"), 28.0), Entry::Right);
        assert!(h.finished());
        assert_eq!(h.first_try_score(), (3, 5));
    }

    #[test]
    fn a_wrong_upstream_and_a_wrong_local_factor_are_told_apart() {
        // h = σ(z), z = 2·x: dL/dh = 3, dL/dz = 3 · σ′(z).
        let (p, mut h) = exercise("x = 0.5\nz = 2*x\nh = sigmoid(z)\nL = 3*h\n");
        let id = |n: &str| p.node_named(n).expect("named");
        let sigma = 1.0 / (1.0 + (-1.0f64).exp());
        let slope = sigma * (1.0 - sigma);
        assert_eq!(h.enter(&p.graph, id("h"), 3.0), Entry::Right);
        let wrong = |h: &mut ByHand, value: f64| match h.enter(&p.graph, id("z"), value) {
            Entry::Wrong(d) => d,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            wrong(&mut h, 3.0 * sigma),
            Diagnosis::LocalOff {
                via: id("h"),
                slot: 0,
                slip: LocalSlip::ActivationValue
            }
        );
        assert_eq!(
            wrong(&mut h, slope),
            Diagnosis::UpstreamOff {
                via: id("h"),
                slip: UpstreamSlip::Forgotten
            }
        );
        assert_eq!(
            wrong(&mut h, 3.0),
            Diagnosis::LocalOff {
                via: id("h"),
                slot: 0,
                slip: LocalSlip::PassedThrough
            }
        );
        assert_eq!(
            wrong(&mut h, 3.0 + slope),
            Diagnosis::AddedNotMultiplied { via: id("h") }
        );
        assert_eq!(wrong(&mut h, -3.0 * slope), Diagnosis::Sign);
        assert_eq!(wrong(&mut h, 1.7).factor(), "local");
        assert_eq!(h.enter(&p.graph, id("z"), 3.0 * slope), Entry::Right);
        assert_eq!(h.state(id("z")), BoxState::Right { first: false });
    }

    #[test]
    fn fan_out_slips_are_named() {
        // x feeds a (= x·x, two edges) and b (= 3·x): dL/dx = 2x + 3 = 7 at x = 2.
        let (p, mut h) = exercise("x = 2\na = x*x\nb = 3*x\nL = a + b\n");
        let id = |n: &str| p.node_named(n).expect("named");
        assert_eq!(h.enter(&p.graph, id("a"), 1.0), Entry::Right);
        assert_eq!(h.enter(&p.graph, id("b"), 1.0), Entry::Right);
        let x = id("x");
        assert_eq!(
            h.enter(&p.graph, x, 3.0),
            Entry::Wrong(Diagnosis::MissedPath { feeds: 3 })
        );
        assert_eq!(
            h.enter(&p.graph, x, 4.0),
            Entry::Wrong(Diagnosis::MissedPath { feeds: 3 })
        );
        assert_eq!(
            h.enter(&p.graph, x, 12.0),
            Entry::Wrong(Diagnosis::MultipliedPaths)
        );
        assert_eq!(h.enter(&p.graph, x, 7.0), Entry::Right);
        assert_eq!(h.feeds(x), vec![id("a"), id("b")]);
    }

    #[test]
    fn zero_is_not_near_a_small_gradient() {
        assert!(!near(0.0, 0.0067));
        assert!(near(0.0067, 0.00671));
        assert!(near(0.0, 0.0004));
        assert!(near(19.9, 20.0));
        assert!(!near(19.7, 20.0));
        assert!(!near(f64::NAN, 1.0));
    }
}
