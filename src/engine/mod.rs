//! The engine: computation graphs, their forward and backward passes, the graph script
//! language, second-order derivatives and gradient checks. It knows nothing of the UI.

#![warn(missing_docs)]

pub mod check;
pub mod checkpoint;
pub mod codegen;
pub mod flat;
pub mod graph;
pub mod node;
pub mod op;
pub mod script;
pub mod second_order;
mod sweep;

pub use check::{GradientCheck, check_gradient};
pub use flat::FlatTape;
pub use graph::{Graph, Node};
pub use node::{GraphError, NodeId};
pub use op::Op;
pub use script::{
    ParseError, Position, Program, parse, parse_expression, parse_number, parse_tape,
};
pub use second_order::{
    GradientGraph, build_gradient_graph, hessian, hessian_through_backward_graph,
    hessian_vector_product, hvp_through_backward_graph,
};
