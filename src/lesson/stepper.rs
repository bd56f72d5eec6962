//! Backpropagation one node at a time, for the algorithm lesson: a forward pass that fills
//! a cache, then a backward pass that pops each cached value, takes the local gradient,
//! multiplies by the incoming gradient and passes the product to the node's parents. Also
//! the classic pitfall: a second backward pass without zeroing adds onto the inputs'
//! gradients. Every number comes from the engine's graph (values and local derivatives).

use crate::engine::{NodeId, Op, Program};
use crate::format::number;

/// Where the walk is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Computing values, filling the cache.
    Forward,
    /// Passing gradients back.
    Backward,
    /// Every node has passed its gradient on.
    Done,
}

/// What one step did, in words and numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct StepRecord {
    /// The node the step worked on.
    pub node: NodeId,
    /// One line for the learner.
    pub text: String,
}

/// A graph walked one node at a time.
#[derive(Debug, Clone)]
pub struct Stepper {
    /// The evaluated program (values and local derivatives come from here).
    pub program: Program,
    /// Non-constant nodes in topological order (inputs first).
    order: Vec<NodeId>,
    /// Nodes computed so far in the forward pass.
    forward_done: usize,
    /// Nodes processed so far in the backward pass.
    backward_done: usize,
    /// Gradient received so far, by node index (None: nothing received yet).
    received: Vec<Option<f64>>,
    /// The inputs' accumulated gradients (like PyTorch's `.grad`), kept across passes.
    accumulated: Vec<(NodeId, f64)>,
    /// How many backward passes have finished since the gradients were last zeroed.
    pub passes: u32,
    /// The last step's record.
    pub last: Option<StepRecord>,
    /// Each node's name in the log, by node index.
    names: Vec<String>,
}

/// A node's name by default: its own, or its operation's symbol in parentheses.
fn default_name(program: &Program, id: NodeId) -> String {
    let graph = &program.graph;
    match graph.node(id) {
        Some(node) => match node.display_name() {
            Some(name) => name.to_string(),
            None => format!("({})", node.op.symbol()),
        },
        None => "?".into(),
    }
}

impl Stepper {
    /// A walk over an evaluated program, before its first step; nodes are named by their
    /// names, or their operations' symbols.
    pub fn new(program: Program) -> Self {
        Self::with_names(program, default_name)
    }

    /// A walk whose log names each node as `name_of` says (the app: as its box is titled,
    /// `(w·x)` rather than `(×)`).
    pub fn with_names(mut program: Program, name_of: impl Fn(&Program, NodeId) -> String) -> Self {
        let all: Vec<NodeId> = program.graph.topological_order().to_vec();
        let order: Vec<NodeId> = all
            .into_iter()
            .filter(|&id| program.graph.node(id).is_some_and(|n| n.op != Op::Const))
            .collect();
        let bound = order.iter().map(|id| id.index() + 1).max().unwrap_or(0);
        let accumulated = program.inputs.iter().map(|&(_, id)| (id, 0.0)).collect();
        let names = (0..program.graph.node_count())
            .map(|i| name_of(&program, NodeId::new(i)))
            .collect();
        Self {
            program,
            order,
            forward_done: 0,
            backward_done: 0,
            received: vec![None; bound],
            accumulated,
            passes: 0,
            last: None,
            names,
        }
    }

    /// A node's name in the log.
    fn name_of(&self, id: NodeId) -> String {
        self.names
            .get(id.index())
            .cloned()
            .unwrap_or_else(|| default_name(&self.program, id))
    }

    /// Whether the backward pass has processed `id` (its edges have sent their share).
    pub fn passed_back(&self, id: NodeId) -> bool {
        let start = self.order.len().saturating_sub(self.backward_done);
        self.order[start..].contains(&id)
    }

    /// The phase the next step belongs to.
    pub fn phase(&self) -> Phase {
        if self.forward_done < self.order.len() {
            Phase::Forward
        } else if self.backward_done < self.order.len() {
            Phase::Backward
        } else {
            Phase::Done
        }
    }

    /// The values in the cache now, in the order they were stored: the forward pass
    /// pushes one per step, the backward pass pops one per step (the last stored first),
    /// so the cache is empty when the backward pass is done.
    pub fn cache(&self) -> Vec<(String, f64)> {
        let held = self.forward_done.saturating_sub(self.backward_done);
        self.order[..held]
            .iter()
            .map(|&id| (self.name_of(id), self.program.graph.value(id)))
            .collect()
    }

    /// A node's value if the forward pass has computed it yet.
    pub fn computed(&self, id: NodeId) -> Option<f64> {
        let cached = self.order[..self.forward_done].contains(&id)
            || self
                .program
                .graph
                .node(id)
                .is_some_and(|n| n.op == Op::Const);
        cached.then(|| self.program.graph.value(id))
    }

    /// The gradient a node's box shows (None: nothing yet). For an input that is its
    /// `.grad`: what earlier passes left there (unless zeroed) plus what this pass has
    /// delivered so far. For any other node, what this pass has delivered so far
    /// (frameworks keep no `.grad` for intermediate nodes).
    pub fn received(&self, id: NodeId) -> Option<f64> {
        let now = self.this_pass(id);
        let Some(&(_, total)) = self.accumulated.iter().find(|(input, _)| *input == id) else {
            return now;
        };
        if self.phase() == Phase::Done {
            // The finished pass is already added into the total.
            return now.map(|_| total).or((self.passes > 0).then_some(total));
        }
        if self.passes > 0 {
            Some(total + now.unwrap_or(0.0))
        } else {
            now
        }
    }

    /// The gradient a node has received so far in this backward pass (None: not yet).
    fn this_pass(&self, id: NodeId) -> Option<f64> {
        self.received.get(id.index()).copied().flatten()
    }

    /// The inputs' accumulated gradients, as `.grad` would hold them.
    pub fn accumulated(&self) -> Vec<(String, f64)> {
        self.accumulated
            .iter()
            .map(|&(id, g)| (self.name_of(id), g))
            .collect()
    }

    /// The node the last step worked on.
    pub fn current(&self) -> Option<NodeId> {
        self.last.as_ref().map(|r| r.node)
    }

    /// Does the next step; returns false when there is nothing left to do.
    pub fn step(&mut self) -> bool {
        match self.phase() {
            Phase::Forward => {
                let id = self.order[self.forward_done];
                self.forward_done += 1;
                let name = self.name_of(id);
                let value = self.program.graph.value(id);
                let text = if self.program.graph.operands(id).is_empty() {
                    format!(
                        "Forward {}/{}: {name} is an input, {}; store it in the cache ({} values held).",
                        self.forward_done,
                        self.order.len(),
                        number(value),
                        self.forward_done
                    )
                } else {
                    format!(
                        "Forward {}/{}: compute {name} = {}; store it in the cache ({} values held).",
                        self.forward_done,
                        self.order.len(),
                        number(value),
                        self.forward_done
                    )
                };
                self.last = Some(StepRecord { node: id, text });
                true
            }
            Phase::Backward => {
                let position = self.order.len() - 1 - self.backward_done;
                let id = self.order[position];
                self.backward_done += 1;
                let text = self.pass_back(id);
                self.last = Some(StepRecord { node: id, text });
                if self.phase() == Phase::Done {
                    self.passes += 1;
                    for (input, total) in &mut self.accumulated {
                        *total += self
                            .received
                            .get(input.index())
                            .copied()
                            .flatten()
                            .unwrap_or(0.0);
                    }
                }
                true
            }
            Phase::Done => false,
        }
    }

    /// One backward step at `id`: pop its cached value, take each local gradient, multiply
    /// by the incoming gradient, add the product to the parent.
    fn pass_back(&mut self, id: NodeId) -> String {
        let name = self.name_of(id);
        let graph = &self.program.graph;
        let is_output = graph.output() == Some(id);
        if is_output && self.this_pass(id).is_none() {
            // The seed: the output's gradient with respect to itself.
            if let Some(slot) = self.received.get_mut(id.index()) {
                *slot = Some(1.0);
            }
        }
        let incoming = self.this_pass(id).unwrap_or(0.0);
        let cached = graph.value(id);
        let operands = graph.operands(id);
        if operands.is_empty() {
            let before = self
                .accumulated
                .iter()
                .find(|(input, _)| *input == id)
                .map_or(0.0, |&(_, g)| g);
            if self.passes > 0 {
                return format!(
                    "Backward: {name} is an input: this pass gives it {}, added to the {} its .grad already held: {} now. Nothing to pass on.",
                    number(incoming),
                    number(before),
                    number(before + incoming)
                );
            }
            return format!(
                "Backward: {name} is an input: it keeps its gradient, {}. Nothing to pass on.",
                number(incoming)
            );
        }
        let mut parts = Vec::new();
        for (slot, operand) in operands.iter().enumerate() {
            if graph.node(*operand).is_some_and(|n| n.op == Op::Const) {
                continue;
            }
            let local = graph.local_derivative(id, slot);
            let contribution = incoming * local;
            let parent = self.name_of(*operand);
            let total = self
                .received
                .get(operand.index())
                .copied()
                .flatten()
                .unwrap_or(0.0)
                + contribution;
            if let Some(cell) = self.received.get_mut(operand.index()) {
                *cell = Some(total);
            }
            parts.push(format!(
                "local d{name}/d{parent} = {} × incoming {} = {} → {parent} (now {})",
                number(local),
                number(incoming),
                number(contribution),
                number(total)
            ));
        }
        let seed = if is_output {
            " (the seed: dL/dL = 1)"
        } else {
            ""
        };
        format!(
            "Backward: pop {name} = {} from the cache{seed}; {}.",
            number(cached),
            parts.join("; ")
        )
    }

    /// Starts another backward pass over the same forward values. Unless the gradients
    /// were zeroed, the inputs' `.grad` keeps what the last pass left: the classic bug.
    pub fn backward_again(&mut self) {
        self.backward_done = 0;
        self.received.iter_mut().for_each(|g| *g = None);
        self.last = None;
        if self.phase() == Phase::Backward {
            return;
        }
        // Forward was not finished: finish it silently, the cache is what backward needs.
        self.forward_done = self.order.len();
    }

    /// Zeroes the inputs' accumulated gradients (PyTorch's `optimizer.zero_grad()`).
    pub fn zero_grad(&mut self) {
        for (_, g) in &mut self.accumulated {
            *g = 0.0;
        }
        self.passes = 0;
    }

    /// Back to before the forward pass.
    pub fn restart(&mut self) {
        self.forward_done = 0;
        self.backward_done = 0;
        self.received.iter_mut().for_each(|g| *g = None);
        self.zero_grad();
        self.last = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::parse;

    #[test]
    fn every_box_has_passed_back_when_the_pass_is_done() {
        let mut program = parse("x = 3\ny = x * x + x\n").expect("parses");
        let ids: Vec<NodeId> = program.graph.topological_order().to_vec();
        let mut stepper = Stepper::new(program);
        let output = stepper.program.graph.output().expect("an output");
        assert!(ids.iter().all(|&id| !stepper.passed_back(id)));
        while stepper.phase() != Phase::Backward {
            stepper.step();
        }
        stepper.step();
        assert!(stepper.passed_back(output), "the output goes first");
        while stepper.step() {}
        let walked = ids.iter().filter(|&&id| {
            stepper
                .program
                .graph
                .node(id)
                .is_some_and(|n| n.op != Op::Const)
        });
        assert!(walked.clone().count() >= 3);
        assert!(walked.into_iter().all(|&id| stepper.passed_back(id)));
    }

    #[test]
    fn stepping_gives_the_engines_gradients_and_fan_out_sums() {
        let program = parse("x = 3\ny = x * x + x\n").expect("parses");
        let expected = program.graph.grad(program.input_named("x").expect("x"));
        let mut stepper = Stepper::new(program);
        let mut steps = 0;
        while stepper.step() {
            steps += 1;
        }
        assert_eq!(stepper.phase(), Phase::Done);
        // x, x*x, y: three forward and three backward steps.
        assert_eq!(steps, 6);
        let grads = stepper.accumulated();
        assert_eq!(grads, [("x".to_string(), expected)]);
        assert_eq!(expected, 7.0);
        // The pitfall: a second pass without zeroing doubles .grad.
        stepper.backward_again();
        while stepper.step() {}
        assert_eq!(stepper.accumulated()[0].1, 14.0);
        assert_eq!(stepper.passes, 2);
        // The box of x shows its .grad, the same total as the text.
        let x = stepper.program.input_named("x").expect("x");
        assert_eq!(stepper.received(x), Some(14.0));
        // A third pass: before any blame arrives, x still shows what .grad holds.
        stepper.backward_again();
        assert_eq!(stepper.received(x), Some(14.0));
        while stepper.step() {}
        assert_eq!(stepper.received(x), Some(21.0));
        assert_eq!(stepper.accumulated()[0].1, 21.0);
        stepper.zero_grad();
        stepper.backward_again();
        while stepper.step() {}
        assert_eq!(stepper.accumulated()[0].1, 7.0);
    }

    #[test]
    fn the_cache_grows_one_value_per_forward_step() {
        let program = parse("x = 2\nh = tanh(x)\ny = h * 3\n").expect("parses");
        let mut stepper = Stepper::new(program);
        assert!(stepper.cache().is_empty());
        stepper.step();
        stepper.step();
        assert_eq!(stepper.cache().len(), 2);
        let record = stepper.last.clone().expect("a step");
        assert!(record.text.contains("2 values held"), "{}", record.text);
        stepper.step();
        assert_eq!(stepper.cache().len(), 3);
        // The backward pass pops the last value stored first, and empties the cache.
        stepper.step();
        let names: Vec<String> = stepper.cache().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["x", "h"]);
        while stepper.step() {}
        assert!(stepper.cache().is_empty());
    }
}
