//! What both the editable graph and the flat tape name their nodes with, and the errors of
//! building them: below both, so neither has to reach into the other for it.

use petgraph::stable_graph::NodeIndex;

/// Identifies a node of a [`Graph`](super::Graph) or a position on a
/// [`FlatTape`](super::FlatTape); stays valid while other nodes are added.
pub type NodeId = NodeIndex<u32>;

/// Errors from editing a graph.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GraphError {
    /// An operation received the wrong number of operands.
    #[error("{op} takes {expected} operand(s), got {got}")]
    Arity {
        /// The operation's symbol.
        op: &'static str,
        /// How many it takes.
        expected: usize,
        /// How many it was given.
        got: usize,
    },
    /// A node id does not belong to this graph.
    #[error("no such node")]
    NoSuchNode,
    /// The node is not an input, so its value cannot be set.
    #[error("node is not an input")]
    NotAnInput,
}
