//! Backprop Lab: learn the chain rule and backpropagation on a live computation graph.
//!
//! `engine` computes and knows nothing of the UI; `app` draws it with egui; `cli` is the
//! headless command line over the engine.

#![forbid(unsafe_code)]

pub mod app;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod diagram;
pub mod engine;
pub mod format;
pub mod lesson;
pub mod math;
pub mod progress;
pub mod quiz;
#[cfg(target_arch = "wasm32")]
pub mod web;
