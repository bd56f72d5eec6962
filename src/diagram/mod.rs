//! The picture of a computation graph, without a UI: what each box says, where boxes,
//! edges and edge labels go (a layered layout), the same picture as SVG or DOT, and the
//! graph in words (node descriptions, the chain-rule arithmetic of a node).
//! The app's graph view paints this picture at its zoom; `backprop-lab export` writes it.

#![warn(missing_docs)]

use crate::limits::DRAWN_NODES;

pub mod density;
pub mod explain;
pub mod export;
pub mod expr;
pub mod fit;
pub mod layout;
pub mod picture;
pub mod text;

/// Why a graph is not drawn, in one line, if it is too big.
pub fn too_big_to_draw(nodes: usize) -> Option<String> {
    (nodes > DRAWN_NODES).then(|| {
        format!(
            "the graph has {nodes} nodes; pictures are drawn for at most {DRAWN_NODES} (grad, hessian and hvp take millions)"
        )
    })
}

pub use density::Density;
pub use fit::{Fit, fit, readable_zoom};
pub use layout::{Direction, Point, Rect, Size};
pub use picture::{EdgeShape, NodeShape, Picture};
