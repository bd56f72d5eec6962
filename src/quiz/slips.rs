//! The common slips of a learner computing a gradient by hand, recognised from a wrong
//! number: the engine computes what each slip would have given on the question's own
//! graph and names the one that matches, so feedback says which mistake was made before
//! it shows any answer.

use crate::engine::{Graph, NodeId, Op};

/// The most paths from a node to the output that are followed (a question's graph has a
/// handful; a larger one is not diagnosed).
const MAX_PATHS: usize = 64;

/// A slip a wrong gradient matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slip {
    /// The right size with the wrong sign.
    Sign,
    /// The blame along one path only, though the node reaches the output along several.
    OnePath {
        /// How many paths there are.
        paths: usize,
    },
    /// The paths' contributions multiplied instead of added.
    MultipliedPaths,
    /// The local factors along the chain added instead of multiplied.
    AddedAlongChain,
    /// A sigmoid's value used where the chain needs its slope.
    SigmoidNotSlope,
    /// Only the node's own local factor, without the blame arriving from upstream.
    OnlyLocal,
}

impl Slip {
    /// What went wrong, in words, for the gradient of the output with respect to `name`.
    pub fn message(self, name: &str) -> String {
        match self {
            Slip::Sign => "The size is right but the sign is not: check the sign of each \
                           local factor on the way back."
                .into(),
            Slip::OnePath { paths } => format!(
                "That is the blame along one path only. {name} reaches the output along \
                 {paths} paths, and their contributions add up."
            ),
            Slip::MultipliedPaths => "You multiplied the contributions of the paths. Along \
                                      one path the factors multiply; blame arriving by \
                                      different paths adds up."
                .into(),
            Slip::AddedAlongChain => "You added the local factors along the chain. The chain \
                                      rule multiplies them."
                .into(),
            Slip::SigmoidNotSlope => "You used σ(z) where the chain needs the sigmoid's \
                                      slope, σ′(z) = σ(z)(1 − σ(z))."
                .into(),
            Slip::OnlyLocal => format!(
                "That is only the local factor at {name}. Multiply it by the blame that \
                 arrives from upstream."
            ),
        }
    }
}

/// One edge on a path back from the output: the consumer and the operand's slot in it.
type Edge = (NodeId, usize);

/// The slip that `answer` matches, for the gradient of `output` with respect to
/// `target`, within `tolerance`; `None` when it is right or matches none.
pub fn diagnose(
    graph: &Graph,
    output: NodeId,
    target: NodeId,
    answer: f64,
    tolerance: f64,
) -> Option<Slip> {
    let near = |x: f64| x.is_finite() && (answer - x).abs() <= tolerance;
    let paths = graph.paths(target, output, MAX_PATHS)?;
    let local = |&(consumer, slot): &Edge| graph.local_derivative(consumer, slot);
    let contributions: Vec<f64> = paths
        .iter()
        .map(|path| path.iter().map(local).product())
        .collect();
    let expected: f64 = contributions.iter().sum();
    if near(expected) {
        return None;
    }
    if expected.abs() > tolerance && near(-expected) {
        return Some(Slip::Sign);
    }
    if paths.len() > 1 {
        if contributions.iter().any(|&c| near(c)) {
            return Some(Slip::OnePath { paths: paths.len() });
        }
        if near(contributions.iter().product()) {
            return Some(Slip::MultipliedPaths);
        }
    }
    let added: f64 = paths.iter().flat_map(|p| p.iter().map(local)).sum();
    if paths.iter().any(|p| p.len() > 1) && near(added) {
        return Some(Slip::AddedAlongChain);
    }
    // Each sigmoid's slope replaced by its value, one sigmoid at a time.
    let sigmoids: Vec<NodeId> = paths
        .iter()
        .flatten()
        .map(|&(consumer, _)| consumer)
        .filter(|&c| graph.node(c).is_some_and(|n| n.op == Op::Sigmoid))
        .collect();
    for sigmoid in sigmoids {
        let with_value: f64 = paths
            .iter()
            .map(|path| {
                path.iter()
                    .map(|edge| {
                        if edge.0 == sigmoid {
                            graph.value(sigmoid)
                        } else {
                            local(edge)
                        }
                    })
                    .product::<f64>()
            })
            .sum();
        if near(with_value) {
            return Some(Slip::SigmoidNotSlope);
        }
    }
    if let [path] = paths.as_slice()
        && path.len() > 1
        && path.first().is_some_and(|first| near(local(first)))
    {
        return Some(Slip::OnlyLocal);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{Slip, diagnose};
    use crate::engine::parse;

    /// The slip `answer` matches for d(output)/d(`name`) in `script`.
    fn slip(script: &str, name: &str, answer: f64) -> Option<Slip> {
        let program = parse(script).expect("parses");
        let target = program.node_named(name).expect("named");
        diagnose(&program.graph, program.output, target, answer, 0.001)
    }

    #[test]
    fn fan_out_slips_are_named() {
        // dy/dx = 2x + 3 = 7 at x = 2: paths x·x (twice, 2 each) and 3·x (3).
        let script = "x = 2\ny = x*x + 3*x\n";
        assert_eq!(slip(script, "x", 7.0), None);
        assert_eq!(slip(script, "x", -7.0), Some(Slip::Sign));
        assert_eq!(slip(script, "x", 3.0), Some(Slip::OnePath { paths: 3 }));
        assert_eq!(slip(script, "x", 12.0), Some(Slip::MultipliedPaths));
        assert_eq!(slip(script, "x", 100.0), None);
    }

    #[test]
    fn chain_slips_are_named() {
        // dc/dx = 2 · 3 · 4 = 24.
        let script = "x = 1\na = 2*x\nb = 3*a\nc = 4*b\n";
        assert_eq!(slip(script, "x", 24.0), None);
        assert_eq!(slip(script, "x", 9.0), Some(Slip::AddedAlongChain));
        assert_eq!(slip(script, "x", 2.0), Some(Slip::OnlyLocal));
    }

    #[test]
    fn a_sigmoid_value_for_its_slope_is_named() {
        let script = "x = 0.5\ny = sigmoid(x)\nL = 3*y\n";
        let sigma = 1.0 / (1.0 + (-0.5f64).exp());
        assert_eq!(slip(script, "x", 3.0 * sigma), Some(Slip::SigmoidNotSlope));
        assert_eq!(slip(script, "x", 3.0 * sigma * (1.0 - sigma)), None);
    }
}
