//! A graph section brought to life: the parsed program with its chosen output, plus the
//! numbers a lesson shows beside it (a chain of local effects, a nudge). Computed by the
//! engine; drawn by the app.

use crate::engine::{self, NodeId, ParseError, Program};

use super::model::GraphSection;

/// The step used by the nudge check: small enough to read as a slope, large enough to
/// stay far from rounding.
pub const NUDGE_STEP: f64 = 1e-3;

/// A lesson's live graph.
#[derive(Debug, Clone)]
pub struct LiveGraph {
    /// The parsed script, evaluated with `output` as the graph's output.
    pub program: Program,
    /// The node the gradients are taken of.
    pub output: NodeId,
    /// Its name.
    pub output_name: String,
}

/// Why a graph section cannot be brought to life.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LiveGraphError {
    /// The script does not parse.
    #[error("{0}")]
    Parse(#[from] ParseError),
    /// The section names an output that the script does not define.
    #[error("the output '{0}' is not a name in the script")]
    UnknownOutput(String),
}

/// One link of a chain: how much `to` moves per unit move of `from`, all else following.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainLink {
    /// The upstream name.
    pub from: String,
    /// The downstream name.
    pub to: String,
    /// d(to)/d(from), by a backward pass from `to`.
    pub local: f64,
}

/// What nudging an input by a small step does to the output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nudge {
    /// The step added to the input.
    pub step: f64,
    /// The output's change.
    pub change: f64,
    /// change / step: the measured slope.
    pub slope: f64,
    /// The gradient from the backward pass, for comparison.
    pub gradient: f64,
}

impl LiveGraph {
    /// Parses the section's script and takes gradients of its output.
    pub fn new(section: &GraphSection) -> Result<Self, LiveGraphError> {
        let mut program = engine::parse(&section.script)?;
        let (output, output_name) = match &section.output {
            Some(name) => {
                let id = program
                    .node_named(name)
                    .ok_or_else(|| LiveGraphError::UnknownOutput(name.clone()))?;
                (id, name.clone())
            }
            None => (program.output, program.output_name.clone()),
        };
        program.graph.set_output(output);
        program.graph.evaluate();
        Ok(Self {
            program,
            output,
            output_name,
        })
    }

    /// The node bound to `name`.
    pub fn node(&self, name: &str) -> Option<NodeId> {
        self.program.node_named(name)
    }

    /// The forward value of `name`.
    pub fn value(&self, name: &str) -> Option<f64> {
        self.node(name).map(|id| self.program.graph.value(id))
    }

    /// d(output)/d(name).
    pub fn grad(&self, name: &str) -> Option<f64> {
        self.node(name).map(|id| self.program.graph.grad(id))
    }

    /// Sets an input and refreshes every value and gradient.
    pub fn set(&mut self, name: &str, value: f64) -> bool {
        match self.program.input_named(name) {
            Some(id) => self.program.graph.set_input(id, value).is_ok(),
            None => false,
        }
    }

    /// The links of `names` (input first): each one's d(next)/d(previous), computed
    /// by a backward pass from `next` on a copy of the graph.
    pub fn chain(&self, names: &[String]) -> Vec<ChainLink> {
        names
            .windows(2)
            .filter_map(|pair| {
                let from = self.node(&pair[0])?;
                let to = self.node(&pair[1])?;
                Some(ChainLink {
                    from: pair[0].clone(),
                    to: pair[1].clone(),
                    local: self.program.graph.gradient_of(to, from),
                })
            })
            .collect()
    }

    /// dA/dB: how much node `of` moves per unit move of node `wrt`, by a backward pass from
    /// `of` on a copy of the graph (0 when `of` does not depend on `wrt`).
    pub fn slope(&self, of: &str, wrt: &str) -> Option<f64> {
        Some(
            self.program
                .graph
                .gradient_of(self.node(of)?, self.node(wrt)?),
        )
    }

    /// Looks up a live placeholder: `value NAME`, `grad NAME` or `slope A B`.
    pub fn live_number(&self, kind: super::template::LiveKind, name: &str) -> Option<f64> {
        use super::template::LiveKind;
        match kind {
            LiveKind::Value => self.value(name),
            LiveKind::Grad => self.grad(name),
            LiveKind::Slope => {
                let mut names = name.split_whitespace();
                let (of, wrt) = (names.next()?, names.next()?);
                self.slope(of, wrt)
            }
        }
    }

    /// Moves input `name` by [`NUDGE_STEP`] on a copy and measures the output's change.
    pub fn nudge(&self, name: &str) -> Option<Nudge> {
        let id = self.program.input_named(name)?;
        let mut graph = self.program.graph.clone();
        let before = graph.value(self.output);
        let x = graph.value(id);
        let after = graph.output_with_replaced(id, x + NUDGE_STEP);
        let change = after - before;
        Some(Nudge {
            step: NUDGE_STEP,
            change,
            slope: change / NUDGE_STEP,
            gradient: self.program.graph.grad(id),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valves() -> GraphSection {
        GraphSection {
            script: "A = 1\nB = 2*A\nC = 3*B\nT = C^2".into(),
            ..GraphSection::default()
        }
    }

    #[test]
    fn chain_links_multiply_to_the_gradient() {
        let live = LiveGraph::new(&valves()).expect("parses");
        let names: Vec<String> = ["A", "B", "C", "T"].map(String::from).into();
        let links = live.chain(&names);
        let locals: Vec<f64> = links.iter().map(|l| l.local).collect();
        assert_eq!(locals, [2.0, 3.0, 12.0]);
        assert_eq!(live.grad("A"), Some(72.0));
    }

    #[test]
    fn nudge_slope_is_close_to_the_gradient() {
        let live = LiveGraph::new(&valves()).expect("parses");
        let nudge = live.nudge("A").expect("an input");
        assert!((nudge.slope - 72.0).abs() < 0.1, "{nudge:?}");
        assert_eq!(nudge.gradient, 72.0);
        assert!(live.nudge("B").is_none());
    }

    #[test]
    fn a_chosen_output_takes_the_gradients() {
        let section = GraphSection {
            output: Some("C".into()),
            ..valves()
        };
        let mut live = LiveGraph::new(&section).expect("parses");
        assert_eq!(live.grad("A"), Some(6.0));
        assert!(live.set("A", 2.0));
        assert_eq!(live.value("C"), Some(12.0));
        assert!(!live.set("C", 1.0));
        let missing = GraphSection {
            output: Some("Q".into()),
            ..valves()
        };
        assert!(matches!(
            LiveGraph::new(&missing),
            Err(LiveGraphError::UnknownOutput(_))
        ));
    }
}
