//! Gradient checkpointing, run for real: the forward pass keeps only every k-th
//! activation; the backward pass recomputes each segment from its checkpoint before
//! passing gradients through it. It counts what it holds and what it recomputes, and its
//! gradients equal the plain backward pass's exactly (same operations, same order).

use super::graph::Graph;
use super::node::NodeId;
use super::sweep::{ON_PATH, REQUIRES_GRAD};

/// What a checkpointed run cost, and what it computed.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckpointRun {
    /// d(output)/d(node) for every node, by node index.
    pub gradients: Vec<f64>,
    /// The most activations held at once (checkpoints plus one recomputed segment).
    pub peak_values_held: usize,
    /// Operations evaluated by the forward pass.
    pub forward_ops: usize,
    /// Operations evaluated again during the backward pass.
    pub recomputed_ops: usize,
}

/// Runs forward and backward from the graph's output, keeping every `every`-th
/// activation (1 keeps them all: the plain backward pass). Works on the graph's tape and
/// passes gradients back with the same sweep as the plain backward pass
/// (`sweep::accumulate_span`), so the rules (which nodes take a gradient, NaN from 0·∞)
/// are the same by construction, not by imitation.
pub fn checkpointed_backward(graph: &mut Graph, every: usize) -> Option<CheckpointRun> {
    let every = every.max(1);
    let output = graph.output()?;
    let order: Vec<NodeId> = graph.topological_order().to_vec();
    if graph.tape_view().is_none() {
        graph.evaluate();
    }
    let view = graph.tape_view()?;
    let out = view.position(output)?;
    let (ops, args) = (view.ops, view.args);
    let is_leaf = |pos: usize| ops[pos].arity() == 0;
    // The operations in tape (topological) order; leaves hold their own values.
    let op_positions: Vec<usize> = (0..ops.len()).filter(|&pos| !is_leaf(pos)).collect();
    let evaluate = |pos: usize, value_of: &dyn Fn(usize) -> f64| -> f64 {
        let [a, b] = args[pos];
        let a = value_of(a as usize);
        let b = if ops[pos].arity() == 2 {
            value_of(b as usize)
        } else {
            a
        };
        ops[pos].value(a, b)
    };

    // Forward: compute everything in order, keep only the checkpoints (and the output).
    let mut stored: Vec<Option<f64>> = vec![None; ops.len()];
    let mut live: Vec<f64> = vec![f64::NAN; ops.len()];
    for (k, &pos) in op_positions.iter().enumerate() {
        let value = evaluate(pos, &|q| if is_leaf(q) { view.values[q] } else { live[q] });
        live[pos] = value;
        if k % every == every - 1 || pos == out {
            stored[pos] = Some(value);
        }
    }
    let forward_ops = op_positions.len();
    let checkpoints = stored.iter().filter(|v| v.is_some()).count();
    drop(live);

    // Backward, one segment at a time from the end: recompute what the segment's local
    // derivatives need from the nearest checkpoints (in a chain, the segment itself from
    // the checkpoint before it; in a general graph, any other operand too), then pass
    // gradients back through it with the plain pass's sweep, then release.
    let on_path = super::sweep::path_of(ops, args, out);
    let mut grads = vec![0.0; ops.len()];
    grads[out] = 1.0;
    let mut recomputed_ops = 0;
    let mut peak = checkpoints;
    // Activations recomputed for the current segment, by tape position.
    let mut values: Vec<f64> = vec![f64::NAN; ops.len()];
    let mut have = vec![false; ops.len()];
    let mut held: Vec<usize> = Vec::new();
    for segment in op_positions.chunks(every).rev() {
        let mut wanted: Vec<usize> = Vec::new();
        for &pos in segment {
            wanted.push(pos);
            wanted.extend(args[pos][..ops[pos].arity()].iter().map(|&a| a as usize));
        }
        for target in wanted {
            // Iterative, so a long run of missing operands cannot overflow the stack.
            let mut stack = vec![target];
            while let Some(&pos) = stack.last() {
                let available = |q: usize| is_leaf(q) || stored[q].is_some() || have[q];
                if available(pos) {
                    stack.pop();
                    continue;
                }
                let operands = &args[pos][..ops[pos].arity()];
                if let Some(&missing) = operands.iter().find(|&&q| !available(q as usize)) {
                    stack.push(missing as usize);
                    continue;
                }
                values[pos] = evaluate(pos, &|q| {
                    if is_leaf(q) {
                        view.values[q]
                    } else {
                        stored[q].unwrap_or(values[q])
                    }
                });
                have[pos] = true;
                held.push(pos);
                recomputed_ops += 1;
                stack.pop();
            }
        }
        peak = peak.max(checkpoints + held.len());
        if let (Some(&first), Some(&last)) = (segment.first(), segment.last()) {
            super::sweep::accumulate_span(
                ops,
                args,
                |q| {
                    if is_leaf(q) {
                        view.values[q]
                    } else {
                        stored[q].unwrap_or(values[q])
                    }
                },
                |q| on_path[q] & ON_PATH != 0 && view.flags[q] & REQUIRES_GRAD != 0,
                |q| view.flags[q] & REQUIRES_GRAD != 0,
                first..=last,
                &mut grads,
            );
        }
        // The segment's activations are released before the next one is recomputed.
        for pos in held.drain(..) {
            have[pos] = false;
            values[pos] = f64::NAN;
        }
    }
    let bound = order.iter().map(|id| id.index() + 1).max().unwrap_or(0);
    let mut gradients = vec![0.0; bound];
    for id in order {
        if let Some(pos) = view.position(id) {
            gradients[id.index()] = grads[pos];
        }
    }
    Some(CheckpointRun {
        gradients,
        peak_values_held: peak,
        forward_ops,
        recomputed_ops,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::parse;

    fn chain(n: usize) -> String {
        let mut s = String::from("h0 = 0.5\nw = 0.9\n");
        for i in 1..=n {
            s.push_str(&format!("h{i} = tanh(w*h{})\n", i - 1));
        }
        s
    }

    #[test]
    fn checkpointing_gives_the_same_gradients_for_less_memory() {
        let program = parse(&chain(64)).expect("parses");
        let mut graph = program.graph.clone();
        let plain = checkpointed_backward(&mut graph, 1).expect("runs");
        assert_eq!(plain.recomputed_ops, 0);
        assert_eq!(plain.peak_values_held, plain.forward_ops);
        // Every node's gradient, not only the inputs', is the plain backward pass's.
        for id in graph.topological_order().to_vec() {
            assert_eq!(
                plain.gradients[id.index()],
                program.graph.grad(id),
                "{id:?}"
            );
        }
        let every_8 = checkpointed_backward(&mut graph, 8).expect("runs");
        assert_eq!(every_8.gradients, plain.gradients);
        assert!(every_8.peak_values_held < plain.peak_values_held / 4);
        assert!(every_8.recomputed_ops > 0 && every_8.recomputed_ops < every_8.forward_ops);
    }
}
