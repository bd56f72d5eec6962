//! The picture of a computation graph, without a UI: what each box says, where boxes,
//! edges and edge labels go (a layered layout), the same picture as SVG or DOT, and the
//! graph in words (node descriptions, the chain-rule arithmetic of a node).
//! The app's graph view paints this picture at its zoom; `backprop-lab export` writes it.

#![warn(missing_docs)]

pub mod density;
pub mod explain;
pub mod export;
pub mod expr;
pub mod fit;
pub mod layout;
pub mod picture;
pub mod text;

/// The most nodes a picture is drawn for: the app (lesson graphs and the Playground) and
/// `backprop-lab export` say so in one line past it, and `check` refuses a lesson graph
/// over it. Drawing costs time and memory in proportion to nodes and edges, but a picture
/// of more boxes than this is no use to read (`grad` takes millions).
pub const MAX_DRAWN_NODES: usize = 20_000;

/// Why a graph is not drawn, in one line, if it is too big.
pub fn too_big_to_draw(nodes: usize) -> Option<String> {
    (nodes > MAX_DRAWN_NODES).then(|| {
        format!(
            "the graph has {nodes} nodes; pictures are drawn for at most {MAX_DRAWN_NODES} (grad, hessian and hvp take millions)"
        )
    })
}

pub use density::Density;
pub use fit::{Fit, fit, readable_zoom};
pub use layout::{Direction, Point, Rect, Size};
pub use picture::{EdgeShape, NodeShape, Picture};
