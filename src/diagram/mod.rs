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

pub use density::Density;
pub use fit::{Fit, fit, readable_zoom};
pub use layout::{Direction, Point, Rect, Size};
pub use picture::{EdgeShape, NodeShape, Picture};
