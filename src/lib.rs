//! Backprop Lab: learn the chain rule and backpropagation on a live computation graph.
//!
//! `engine` computes; `cli` is the headless command line over it.

pub mod cli;
pub mod engine;
