//! Saliency maps on a real small model: synthetic photos of cows on grass or sand, a
//! classifier trained with the engine's gradients, and |∂score/∂pixel| by backprop to the
//! input. The two trained models ship in `assets/saliency/`, made by
//! `cargo run --release --example train_saliency`.

#![warn(missing_docs)]

pub mod model;
pub mod picture;
pub mod train;

pub use model::{Classifier, ModelError, Weights};
pub use picture::{Collection, Material, Picture, SIDE};

/// The model trained on farm photos (cows always on grass), as stored.
pub const FARM_WEIGHTS: &str = include_str!("../../../assets/saliency/farm.ron");
/// The model trained on balanced backgrounds, as stored.
pub const BALANCED_WEIGHTS: &str = include_str!("../../../assets/saliency/balanced.ron");

/// What the farm model was trained on, as the learner reads it.
pub const FARM_DESCRIPTION: &str = "farm photos: every cow on grass, every empty field a beach";
/// What the balanced model was trained on, as the learner reads it.
pub const BALANCED_DESCRIPTION: &str =
    "balanced photos: cows and empty fields equally often on grass and on sand";

/// The size and seed of each training set, shared by the training command and the tests.
pub const TRAINING_PICTURES: usize = 320;
/// Seed of the training pictures.
pub const TRAINING_SEED: u64 = 42;

/// The share of a saliency map (0 to 1) that falls on pixels showing a cow.
pub fn share_on_cow(picture: &Picture, saliency: &[f64]) -> f64 {
    let total: f64 = saliency.iter().sum();
    if !total.is_finite() || total <= 0.0 {
        return 0.0;
    }
    let on_cow: f64 = saliency
        .iter()
        .enumerate()
        .filter(|(p, _)| picture.material(p % SIDE, p / SIDE) == Material::Cow)
        .map(|(_, s)| s)
        .sum();
    // + 0.0 turns the -0.0 of an empty sum into 0.
    on_cow / total + 0.0
}
