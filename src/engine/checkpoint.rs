//! Gradient checkpointing, run for real: the forward pass keeps only every k-th
//! activation; the backward pass recomputes each segment from its checkpoint before
//! passing gradients through it. It counts what it holds and what it recomputes, and its
//! gradients equal the plain backward pass's exactly (same operations, same order).

use super::graph::{Graph, NodeId};
use super::op::Op;

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
/// activation (1 keeps them all: the plain backward pass).
pub fn checkpointed_backward(graph: &mut Graph, every: usize) -> Option<CheckpointRun> {
    let every = every.max(1);
    let output = graph.output()?;
    let order: Vec<NodeId> = graph.topological_order().to_vec();
    let bound = order.iter().map(|id| id.index() + 1).max().unwrap_or(0);
    let is_leaf = |g: &Graph, id: NodeId| g.node(id).is_some_and(|n| n.op.arity() == 0);
    let ops: Vec<NodeId> = order
        .iter()
        .copied()
        .filter(|&id| !is_leaf(graph, id))
        .collect();
    let leaf_value = |g: &Graph, id: NodeId| g.node(id).map_or(f64::NAN, |n| n.leaf_value);
    let evaluate = |g: &Graph, id: NodeId, value_of: &dyn Fn(NodeId) -> f64| -> f64 {
        let operands = g.operands(id);
        let a = operands.first().map_or(f64::NAN, |&o| value_of(o));
        let b = operands.get(1).map_or(a, |&o| value_of(o));
        g.node(id).map_or(f64::NAN, |n| n.op.value(a, b))
    };

    // Forward: compute everything in order, keep only the checkpoints (and the output).
    let mut stored: Vec<Option<f64>> = vec![None; bound];
    let mut live: Vec<Option<f64>> = vec![None; bound];
    let checkpoint = |k: usize, id: NodeId| k % every == every - 1 || id == output;
    for (k, &id) in ops.iter().enumerate() {
        let value = {
            let lookup = |o: NodeId| {
                if is_leaf(graph, o) {
                    leaf_value(graph, o)
                } else {
                    live[o.index()].unwrap_or(f64::NAN)
                }
            };
            evaluate(graph, id, &lookup)
        };
        live[id.index()] = Some(value);
        if checkpoint(k, id) {
            stored[id.index()] = Some(value);
        }
    }
    let forward_ops = ops.len();
    let checkpoints = stored.iter().filter(|v| v.is_some()).count();
    drop(live);

    // Backward, one segment at a time from the end: recompute the segment's activations
    // from the checkpoint before it, then pass gradients back through it.
    let mut gradients = vec![0.0; bound];
    gradients[output.index()] = 1.0;
    let mut recomputed_ops = 0;
    let mut peak = checkpoints;
    let segments: Vec<&[NodeId]> = ops.chunks(every).collect();
    // The recomputed activations of the current segment, by node index.
    let mut values: Vec<Option<f64>> = vec![None; bound];
    for segment in segments.iter().rev() {
        for &id in segment.iter() {
            let value = match stored[id.index()] {
                Some(v) => v,
                None => {
                    recomputed_ops += 1;
                    let lookup = |o: NodeId| {
                        if is_leaf(graph, o) {
                            leaf_value(graph, o)
                        } else if let Some(v) = stored[o.index()] {
                            v
                        } else {
                            values[o.index()].unwrap_or(f64::NAN)
                        }
                    };
                    evaluate(graph, id, &lookup)
                }
            };
            values[id.index()] = Some(value);
        }
        let recomputed_here = segment
            .iter()
            .filter(|id| stored[id.index()].is_none())
            .count();
        peak = peak.max(checkpoints + recomputed_here);
        let value_of = |o: NodeId| {
            if is_leaf(graph, o) {
                leaf_value(graph, o)
            } else if let Some(v) = stored[o.index()] {
                v
            } else {
                values[o.index()].unwrap_or(f64::NAN)
            }
        };
        for &id in segment.iter().rev() {
            let Some(node) = graph.node(id) else { continue };
            let operands = graph.operands(id);
            let a = operands.first().map_or(f64::NAN, |&o| value_of(o));
            let b = operands.get(1).map_or(a, |&o| value_of(o));
            let local = node.op.local_derivatives(a, b, value_of(id));
            let upstream = gradients[id.index()];
            for (slot, &operand) in operands.iter().enumerate() {
                if graph.node(operand).is_some_and(|n| n.op == Op::Const) {
                    continue;
                }
                gradients[operand.index()] += upstream * local[slot.min(1)];
            }
        }
        // The segment's activations are released before the next one is recomputed.
        for &id in segment.iter() {
            values[id.index()] = None;
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
        for (_, id) in &program.inputs {
            assert_eq!(plain.gradients[id.index()], program.graph.grad(*id));
        }
        let every_8 = checkpointed_backward(&mut graph, 8).expect("runs");
        assert_eq!(every_8.gradients, plain.gradients);
        assert!(every_8.peak_values_held < plain.peak_values_held / 4);
        assert!(every_8.recomputed_ops > 0 && every_8.recomputed_ops < every_8.forward_ops);
    }
}
