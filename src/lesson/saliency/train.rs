//! Training the cow classifier by minibatch gradient descent with momentum, every
//! gradient coming from the engine's backward pass of the cross-entropy loss.

use super::model::{Classifier, ModelError, Neuron, Weights};
use super::picture::{Example, INPUTS};
use crate::random::Rng;

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
    let mut trainer = Trainer::new(examples.to_vec(), config, trained_on)?;
    while trainer.step() {}
    Ok(trainer.finish())
}

/// A training run taken one minibatch at a time, so the app can show it as it goes.
/// Running it to the end gives exactly what [`train`] gives.
#[derive(Debug, Clone)]
pub struct Trainer {
    config: TrainingConfig,
    trained_on: String,
    examples: Vec<Example>,
    inputs: Vec<Vec<f64>>,
    model: Classifier,
    parameters: Vec<f64>,
    velocity: Vec<f64>,
    order: Vec<usize>,
    rng: Rng,
    epoch: usize,
    /// Where the next minibatch starts in `order` (0: a new epoch, not yet shuffled).
    next: usize,
    epoch_loss: f64,
    losses: Vec<f64>,
}

impl Trainer {
    /// Fresh random weights from the config's seed, ready for the first step.
    pub fn new(
        examples: Vec<Example>,
        config: &TrainingConfig,
        trained_on: &str,
    ) -> Result<Self, ModelError> {
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
        let model = Classifier::new(&start)?;
        let inputs = examples.iter().map(|e| e.picture.inputs()).collect();
        let parameters = model.parameter_values();
        Ok(Self {
            config: *config,
            trained_on: trained_on.to_string(),
            velocity: vec![0.0; parameters.len()],
            order: (0..examples.len()).collect(),
            examples,
            inputs,
            model,
            parameters,
            rng,
            epoch: 0,
            next: 0,
            epoch_loss: 0.0,
            losses: Vec::with_capacity(config.epochs),
        })
    }

    /// One minibatch: the engine's gradients of the loss, summed over the batch, then one
    /// step. Returns whether there is more to do.
    pub fn step(&mut self) -> bool {
        if self.is_done() || self.examples.is_empty() {
            return false;
        }
        if self.next == 0 {
            // Fisher-Yates shuffle, so each epoch sees the pictures in a new order.
            for i in (1..self.order.len()).rev() {
                let j = (self.rng.next_u64() % (i as u64 + 1)) as usize;
                self.order.swap(i, j);
            }
        }
        let end = (self.next + self.config.batch.max(1)).min(self.order.len());
        let mut gradient = vec![0.0; self.parameters.len()];
        for &i in &self.order[self.next..end] {
            self.model.feed(&self.inputs[i], Some(self.examples[i].cow));
            self.epoch_loss += self.model.loss();
            for (g, d) in gradient.iter_mut().zip(self.model.parameter_gradients()) {
                *g += d;
            }
        }
        let scale = 1.0 / (end - self.next) as f64;
        let config = &self.config;
        for ((p, v), g) in self
            .parameters
            .iter_mut()
            .zip(&mut self.velocity)
            .zip(&gradient)
        {
            *v = config.momentum * *v
                - config.learning_rate * (g * scale + config.weight_decay * *p);
            *p += *v;
        }
        self.model.set_parameter_values(&self.parameters);
        self.next = end;
        if self.next >= self.order.len() {
            self.losses
                .push(self.epoch_loss / self.examples.len() as f64);
            self.epoch_loss = 0.0;
            self.epoch += 1;
            self.next = 0;
        }
        !self.is_done()
    }

    /// Whether every epoch has run.
    pub fn is_done(&self) -> bool {
        self.epoch >= self.config.epochs
    }

    /// Epochs finished so far, and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.epoch, self.config.epochs)
    }

    /// The mean loss of each finished epoch.
    pub fn losses(&self) -> &[f64] {
        &self.losses
    }

    /// The model with the weights reached so far.
    pub fn model(&mut self) -> &mut Classifier {
        &mut self.model
    }

    /// The weights rounded as stored, with their accuracy on the training pictures.
    pub fn finish(mut self) -> TrainingReport {
        let rounded: Vec<f64> = self
            .parameters
            .iter()
            .map(|&p| round_to_5_digits(p))
            .collect();
        self.model.set_parameter_values(&rounded);
        let accuracy = accuracy(&mut self.model, &self.examples);
        TrainingReport {
            weights: self.model.weights(&self.trained_on, accuracy),
            losses: self.losses,
        }
    }
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
        // Step by step gives the same run.
        let mut trainer = Trainer::new(examples, &config, "test").expect("trains");
        let mut steps = 0;
        while trainer.step() {
            steps += 1;
        }
        assert_eq!(steps + 1, 4 * 4, "4 epochs of 4 batches");
        assert_eq!(trainer.progress(), (4, 4));
        assert_eq!(trainer.finish(), report);
    }
}
