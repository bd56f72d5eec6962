//! Backprop Lab: learn the chain rule and backpropagation on a live computation graph.
//!
//! The modules are layers (ARCHITECTURE.md's table says who may import whom, and
//! `tests/architecture.rs` holds the code to it): `engine` computes and knows nothing
//! above it; `quiz`, `lesson`, `progress` and `diagram` are data and pictures without a
//! UI; `app` draws everything with egui; `cli` is the headless command line. `files`,
//! `format`, `json`, `random` and `tex` are small leaves any layer may use.

#![forbid(unsafe_code)]

pub mod app;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod diagram;
pub mod engine;
pub mod files;
pub mod format;
pub mod json;
pub mod lesson;
pub mod limits;
pub mod link;
pub mod progress;
pub mod quiz;
pub mod random;
pub mod tex;
#[cfg(target_arch = "wasm32")]
pub mod web;
