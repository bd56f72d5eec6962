//! The cow classifier as a computation graph in the engine: 768 colour inputs, a hidden
//! layer of tanh neurons, one score. Its prediction is σ(score); its saliency map is
//! |∂score/∂pixel|, read off the same backward pass that trains it.

use serde::{Deserialize, Serialize};

use super::picture::{INPUTS, PIXELS, Picture};
use crate::engine::{Graph, NodeId, Op};

/// A trained model's numbers, as stored in `assets/saliency/*.ron`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// What the model was trained on, in a sentence a learner reads.
    pub trained_on: String,
    /// The share of its training pictures it labels right (0 to 1).
    pub training_accuracy: f64,
    /// Each hidden neuron: one weight per input, then its bias.
    pub hidden: Vec<Neuron>,
    /// The score's weight on each hidden neuron.
    pub output_weights: Vec<f64>,
    /// The score's bias.
    pub output_bias: f64,
}

/// One hidden neuron.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Neuron {
    /// One weight per input (red, green, blue of each pixel, row by row).
    pub weights: Vec<f64>,
    /// The bias.
    pub bias: f64,
}

/// Why weights cannot make a model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// The stored numbers do not fit the model's shape.
    #[error("the model's weights have the wrong shape: {0}")]
    Shape(String),
    /// The stored file does not parse.
    #[error("the model's weights do not parse: {0}")]
    Parse(String),
}

impl Weights {
    /// Reads weights from RON text.
    pub fn from_ron(text: &str) -> Result<Self, ModelError> {
        let weights: Self = ron::from_str(text).map_err(|e| ModelError::Parse(e.to_string()))?;
        weights.check()?;
        Ok(weights)
    }

    fn check(&self) -> Result<(), ModelError> {
        if self.hidden.is_empty() || self.hidden.len() != self.output_weights.len() {
            return Err(ModelError::Shape(format!(
                "{} hidden neurons but {} output weights",
                self.hidden.len(),
                self.output_weights.len()
            )));
        }
        if let Some(n) = self.hidden.iter().find(|n| n.weights.len() != INPUTS) {
            return Err(ModelError::Shape(format!(
                "a hidden neuron has {} weights instead of {INPUTS}",
                n.weights.len()
            )));
        }
        Ok(())
    }
}

/// The classifier, built once as a graph; showing it a picture recomputes it.
#[derive(Debug, Clone)]
pub struct Classifier {
    graph: Graph,
    pixels: Vec<NodeId>,
    /// Every weight and bias, in the order [`Classifier::parameter_values`] lists them.
    parameters: Vec<NodeId>,
    score: NodeId,
    probability: NodeId,
    label: NodeId,
    loss: NodeId,
}

impl Classifier {
    /// Builds the graph for these weights, showing a blank (black) picture.
    pub fn new(weights: &Weights) -> Result<Self, ModelError> {
        weights.check()?;
        let mut graph = Graph::new();
        let pixels: Vec<NodeId> = (0..INPUTS).map(|_| graph.add_input(0.0)).collect();
        let mut parameters = Vec::new();
        let add = |graph: &mut Graph, op: Op, operands: &[NodeId]| {
            graph
                .add_op(op, operands)
                .map_err(|e| ModelError::Shape(e.to_string()))
        };
        let mut score = None;
        for (neuron, &v) in weights.hidden.iter().zip(&weights.output_weights) {
            let bias = graph.add_input(neuron.bias);
            let mut sum = bias;
            for (&w, &x) in neuron.weights.iter().zip(&pixels) {
                let w = graph.add_input(w);
                parameters.push(w);
                let term = add(&mut graph, Op::Mul, &[w, x])?;
                sum = add(&mut graph, Op::Add, &[sum, term])?;
            }
            parameters.push(bias);
            let h = add(&mut graph, Op::Tanh, &[sum])?;
            let v = graph.add_input(v);
            parameters.push(v);
            let term = add(&mut graph, Op::Mul, &[v, h])?;
            score = Some(match score {
                None => term,
                Some(s) => add(&mut graph, Op::Add, &[s, term])?,
            });
        }
        let c = graph.add_input(weights.output_bias);
        parameters.push(c);
        let score = match score {
            Some(s) => add(&mut graph, Op::Add, &[s, c])?,
            None => c,
        };
        let probability = add(&mut graph, Op::Sigmoid, &[score])?;
        // Cross-entropy written as softplus(score) - label × score, which stays finite
        // when the model is confident.
        let label = graph.add_input(0.0);
        let e = add(&mut graph, Op::Exp, &[score])?;
        let one = graph.add_const(1.0);
        let e1 = add(&mut graph, Op::Add, &[one, e])?;
        let softplus = add(&mut graph, Op::Log, &[e1])?;
        let ys = add(&mut graph, Op::Mul, &[label, score])?;
        let loss = add(&mut graph, Op::Sub, &[softplus, ys])?;
        graph.set_output(score);
        graph.evaluate();
        Ok(Self {
            graph,
            pixels,
            parameters,
            score,
            probability,
            label,
            loss,
        })
    }

    /// Feeds a picture through the model; gradients are of the score.
    pub fn show(&mut self, picture: &Picture) {
        self.feed(&picture.inputs(), None);
    }

    /// Feeds raw inputs (and, for training, the label): one forward and one backward pass,
    /// of the loss if a label is given, else of the score.
    pub fn feed(&mut self, inputs: &[f64], label: Option<bool>) {
        let wanted = if label.is_some() {
            self.loss
        } else {
            self.score
        };
        if self.graph.output() != Some(wanted) {
            self.graph.set_output(wanted);
        }
        let mut updates: Vec<(NodeId, f64)> = self
            .pixels
            .iter()
            .copied()
            .zip(inputs.iter().copied())
            .collect();
        updates.push((self.label, label.map_or(0.0, f64::from)));
        // Every id is an input of this graph, so this cannot fail.
        let _ = self.graph.set_inputs(&updates);
    }

    /// The score (the number before the sigmoid; positive means "cow").
    pub fn score(&self) -> f64 {
        self.graph.value(self.score)
    }

    /// The probability of "cow", σ(score).
    pub fn probability(&self) -> f64 {
        self.graph.value(self.probability)
    }

    /// The loss of the last labelled picture fed.
    pub fn loss(&self) -> f64 {
        self.graph.value(self.loss)
    }

    /// ∂score/∂input for every input (after [`Classifier::show`]).
    pub fn input_gradients(&self) -> Vec<f64> {
        self.pixels.iter().map(|&id| self.graph.grad(id)).collect()
    }

    /// The saliency map: for each pixel, the largest |∂score/∂channel| over its three
    /// colour channels (as in Simonyan et al. 2013), row by row.
    pub fn saliency(&self) -> Vec<f64> {
        let g = self.input_gradients();
        (0..PIXELS)
            .map(|p| {
                g[3 * p..3 * p + 3]
                    .iter()
                    .fold(0.0f64, |m, v| m.max(v.abs()))
            })
            .collect()
    }

    /// Number of weights and biases.
    pub fn parameter_count(&self) -> usize {
        self.parameters.len()
    }

    /// The gradient of the last pass with respect to every parameter.
    pub fn parameter_gradients(&self) -> Vec<f64> {
        self.graph.grads_of(&self.parameters)
    }

    /// Every parameter's value.
    pub fn parameter_values(&self) -> Vec<f64> {
        self.graph.values_of(&self.parameters)
    }

    /// Replaces every parameter's value (same order as [`Classifier::parameter_values`]).
    pub fn set_parameter_values(&mut self, values: &[f64]) {
        let _ = self.graph.set_inputs_to(&self.parameters, values);
    }

    /// The current parameters as weights to store.
    pub fn weights(&self, trained_on: &str, training_accuracy: f64) -> Weights {
        let values = self.parameter_values();
        let per_neuron = INPUTS + 2;
        let hidden_count = (values.len() - 1) / per_neuron;
        let mut hidden = Vec::with_capacity(hidden_count);
        let mut output_weights = Vec::with_capacity(hidden_count);
        for chunk in values.chunks(per_neuron).take(hidden_count) {
            hidden.push(Neuron {
                weights: chunk[..INPUTS].to_vec(),
                bias: chunk[INPUTS],
            });
            output_weights.push(chunk[INPUTS + 1]);
        }
        Weights {
            trained_on: trained_on.to_string(),
            training_accuracy,
            hidden,
            output_weights,
            output_bias: values.last().copied().unwrap_or(0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::saliency::picture::Material;
    use crate::random::Rng;

    pub(crate) fn random_weights(hidden: usize, seed: u64) -> Weights {
        let mut rng = Rng::new(seed);
        Weights {
            trained_on: "random".into(),
            training_accuracy: 0.0,
            hidden: (0..hidden)
                .map(|_| Neuron {
                    weights: (0..INPUTS).map(|_| rng.uniform(-0.1, 0.1)).collect(),
                    bias: rng.uniform(-0.5, 0.5),
                })
                .collect(),
            output_weights: (0..hidden).map(|_| rng.uniform(-1.0, 1.0)).collect(),
            output_bias: 0.1,
        }
    }

    #[test]
    fn saliency_gradient_matches_finite_differences() {
        let weights = random_weights(3, 5);
        let mut model = Classifier::new(&weights).expect("weights fit");
        let picture = Picture::with_cow(Material::Sand, 2, 4, false, 3);
        let inputs = picture.inputs();
        model.feed(&inputs, None);
        let gradients = model.input_gradients();
        let h = 1e-6;
        for i in [0, 1, 200, 3 * (6 * 16 + 5) + 2, INPUTS - 1] {
            let mut plus = inputs.clone();
            plus[i] += h;
            model.feed(&plus, None);
            let up = model.score();
            let mut minus = inputs.clone();
            minus[i] -= h;
            model.feed(&minus, None);
            let down = model.score();
            let estimate = (up - down) / (2.0 * h);
            assert!(
                (estimate - gradients[i]).abs() < 1e-6,
                "input {i}: backprop {} vs finite difference {estimate}",
                gradients[i]
            );
        }
    }

    #[test]
    fn weights_round_trip_through_the_graph_and_ron() {
        let weights = random_weights(2, 9);
        let model = Classifier::new(&weights).expect("weights fit");
        assert_eq!(model.parameter_count(), 2 * (INPUTS + 2) + 1);
        let back = model.weights("random", 0.0);
        assert_eq!(back, weights);
        let text = ron::to_string(&back).expect("serializes");
        assert_eq!(Weights::from_ron(&text), Ok(weights));
        assert!(matches!(
            Weights::from_ron("(oops"),
            Err(ModelError::Parse(_))
        ));
        let mut short = back.clone();
        short.hidden[0].weights.pop();
        assert!(matches!(Classifier::new(&short), Err(ModelError::Shape(_))));
    }

    #[test]
    fn probability_is_the_sigmoid_of_the_score_and_loss_is_cross_entropy() {
        let mut model = Classifier::new(&random_weights(2, 1)).expect("weights fit");
        let inputs = Picture::field(Material::Grass, 2).inputs();
        model.feed(&inputs, Some(true));
        let s = model.score();
        assert!((model.probability() - 1.0 / (1.0 + (-s).exp())).abs() < 1e-12);
        assert!((model.loss() + model.probability().ln()).abs() < 1e-9);
    }
}
