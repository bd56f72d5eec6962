//! Training the cow classifier by minibatch gradient descent with momentum, every
//! gradient coming from the engine's backward pass of the cross-entropy loss.

use super::model::{Classifier, ModelError, Neuron, Weights};
use super::picture::{Example, INPUTS};
use crate::quiz::Rng;

/// How a model is trained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainingConfig {
    /// Hidden tanh neurons.
    pub hidden: usize,
    /// Passes over the training set.
    pub epochs: usize,
    /// Pictures per gradient step.
    pub batch: usize,
    /// Step size.
    pub learning_rate: f64,
    /// Momentum of the steps (0 = plain gradient descent).
    pub momentum: f64,
    /// L2 penalty: pulls weights no picture needs back towards 0.
    pub weight_decay: f64,
    /// Seed of the first weights and of the shuffling.
    pub seed: u64,
}

impl Default for TrainingConfig {
    fn default() -> Self {
        Self {
            hidden: 6,
            epochs: 12,
            batch: 16,
            learning_rate: 0.02,
            momentum: 0.9,
            weight_decay: 5e-3,
            seed: 2026,
        }
    }
}

/// A finished run.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingReport {
    /// The trained weights (rounded to five significant digits, as stored).
    pub weights: Weights,
    /// The mean loss over the training set after each epoch.
    pub losses: Vec<f64>,
}

/// Trains a fresh model on `examples`.
pub fn train(
    examples: &[Example],
    config: &TrainingConfig,
    trained_on: &str,
) -> Result<TrainingReport, ModelError> {
    let mut rng = Rng::new(config.seed);
    let start = Weights {
        trained_on: trained_on.to_string(),
        training_accuracy: 0.0,
        hidden: (0..config.hidden)
            .map(|_| Neuron {
                weights: (0..INPUTS).map(|_| rng.uniform(-0.05, 0.05)).collect(),
                bias: 0.0,
            })
            .collect(),
        output_weights: (0..config.hidden).map(|_| rng.uniform(-0.5, 0.5)).collect(),
        output_bias: 0.0,
    };
    let mut model = Classifier::new(&start)?;
    let inputs: Vec<Vec<f64>> = examples.iter().map(|e| e.picture.inputs()).collect();
    let mut parameters = model.parameter_values();
    let mut velocity = vec![0.0; parameters.len()];
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut losses = Vec::with_capacity(config.epochs);
    for _ in 0..config.epochs {
        // Fisher-Yates shuffle, so each epoch sees the pictures in a new order.
        for i in (1..order.len()).rev() {
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        let mut epoch_loss = 0.0;
        for batch in order.chunks(config.batch.max(1)) {
            let mut gradient = vec![0.0; parameters.len()];
            for &i in batch {
                model.feed(&inputs[i], Some(examples[i].cow));
                epoch_loss += model.loss();
                for (g, d) in gradient.iter_mut().zip(model.parameter_gradients()) {
                    *g += d;
                }
            }
            let scale = 1.0 / batch.len() as f64;
            for ((p, v), g) in parameters.iter_mut().zip(&mut velocity).zip(&gradient) {
                *v = config.momentum * *v
                    - config.learning_rate * (g * scale + config.weight_decay * *p);
                *p += *v;
            }
            model.set_parameter_values(&parameters);
        }
        losses.push(epoch_loss / examples.len().max(1) as f64);
    }
    let rounded: Vec<f64> = parameters.iter().map(|&p| round_to_5_digits(p)).collect();
    model.set_parameter_values(&rounded);
    let accuracy = accuracy(&mut model, examples);
    Ok(TrainingReport {
        weights: model.weights(trained_on, accuracy),
        losses,
    })
}

/// The share of `examples` the model labels right (probability above one half = cow).
pub fn accuracy(model: &mut Classifier, examples: &[Example]) -> f64 {
    let right = examples
        .iter()
        .filter(|e| {
            model.show(&e.picture);
            (model.probability() > 0.5) == e.cow
        })
        .count();
    right as f64 / examples.len().max(1) as f64
}

/// Five significant digits: the stored files stay small, and the model the app runs is
/// exactly the one whose accuracy was measured.
fn round_to_5_digits(x: f64) -> f64 {
    format!("{x:.4e}").parse().unwrap_or(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::saliency::picture::{Collection, training_set};

    #[test]
    fn training_lowers_the_loss() {
        let examples = training_set(Collection::Balanced, 16, 3);
        let config = TrainingConfig {
            hidden: 2,
            epochs: 4,
            batch: 4,
            ..TrainingConfig::default()
        };
        let report = train(&examples, &config, "test").expect("trains");
        assert_eq!(report.losses.len(), 4);
        assert!(
            report.losses[3] < report.losses[0],
            "losses: {:?}",
            report.losses
        );
        assert_eq!(report.weights.hidden.len(), 2);
    }
}
