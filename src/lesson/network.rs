//! The network lesson's engine: a small multilayer perceptron (2 inputs, 1 to 3 hidden
//! layers of 1 to 8 neurons, one output) trained by full-batch gradient descent on 2-D
//! points, every gradient from the engine's backward pass of the cross-entropy loss. The
//! network is built as a graph of scalar nodes, as the saliency classifier is: the view
//! groups them into neurons and edges.

use crate::engine::{Graph, NodeId, Op};
use crate::random::Rng;

/// The most hidden layers.
pub const MAX_LAYERS: usize = 3;
/// The most neurons in a hidden layer.
pub const MAX_NEURONS: usize = 8;
/// The learning rates the view offers.
pub const RATES: [f64; 6] = [0.03, 0.1, 0.3, 1.0, 3.0, 10.0];
/// Points are drawn in the square [-EXTENT, EXTENT]².
pub const EXTENT: f64 = 1.0;

/// The function every hidden neuron applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Activation {
    /// tanh(z).
    Tanh,
    /// max(0, z).
    Relu,
    /// σ(z).
    Sigmoid,
}

impl Activation {
    /// Every activation, in the order the view offers them.
    pub const ALL: [Self; 3] = [Self::Tanh, Self::Relu, Self::Sigmoid];

    /// Its name on screen.
    pub fn name(self) -> &'static str {
        match self {
            Self::Tanh => "tanh",
            Self::Relu => "ReLU",
            Self::Sigmoid => "sigmoid",
        }
    }

    fn op(self) -> Op {
        match self {
            Self::Tanh => Op::Tanh,
            Self::Relu => Op::Relu,
            Self::Sigmoid => Op::Sigmoid,
        }
    }
}

/// The shape of a network: its hidden layers' sizes and their activation.
#[derive(Debug, Clone, PartialEq)]
pub struct Architecture {
    /// Neurons in each hidden layer, input side first.
    pub hidden: Vec<usize>,
    /// The hidden neurons' activation (the output is always σ).
    pub activation: Activation,
}

/// A labelled point of the plane.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Its coordinates.
    pub x: [f64; 2],
    /// Its class: `true` for class 1.
    pub label: bool,
}

/// The data sets a learner can train on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Dataset {
    /// One class inside a circle, the other in a ring around it.
    Circle,
    /// Class 1 where x₁ and x₂ have the same sign.
    Xor,
    /// Two Gaussian clouds.
    Gaussians,
    /// Two interleaved spiral arms.
    Spiral,
}

impl Dataset {
    /// Every data set, in the order the view offers them.
    pub const ALL: [Self; 4] = [Self::Circle, Self::Xor, Self::Gaussians, Self::Spiral];

    /// Its name on screen.
    pub fn name(self) -> &'static str {
        match self {
            Self::Circle => "circle",
            Self::Xor => "XOR",
            Self::Gaussians => "two Gaussians",
            Self::Spiral => "spiral",
        }
    }

    /// `count` points of this data set, half of each class, drawn from `seed`.
    pub fn points(self, count: usize, seed: u64) -> Vec<Point> {
        let mut rng = Rng::new(seed ^ 0x5EED_DA7A);
        let gaussian = move |rng: &mut Rng| {
            // Box-Muller: two uniform numbers give a standard normal one.
            let u = rng.uniform(f64::MIN_POSITIVE, 1.0);
            let v = rng.uniform(0.0, 1.0);
            (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
        };
        (0..count)
            .map(|i| {
                let label = i % 2 == 0;
                let x = match self {
                    Self::Circle => {
                        let radius = if label {
                            rng.uniform(0.0, 0.45)
                        } else {
                            rng.uniform(0.65, 0.95)
                        };
                        let angle = rng.uniform(0.0, std::f64::consts::TAU);
                        [radius * angle.cos(), radius * angle.sin()]
                    }
                    Self::Xor => {
                        let coordinate = |rng: &mut Rng| {
                            let size = rng.uniform(0.05, 0.95);
                            if rng.below(2) == 0 { size } else { -size }
                        };
                        let a = coordinate(&mut rng);
                        let b = coordinate(&mut rng).abs();
                        // Same signs for class 1, opposite for class 0.
                        let b = if (a > 0.0) == label { b } else { -b };
                        [a, b]
                    }
                    Self::Gaussians => {
                        let centre = if label { 0.45 } else { -0.45 };
                        [
                            centre + 0.2 * gaussian(&mut rng),
                            centre + 0.2 * gaussian(&mut rng),
                        ]
                    }
                    Self::Spiral => {
                        let t = rng.uniform(0.0, 1.0);
                        let radius = 0.08 + 0.85 * t;
                        let angle = 1.75 * std::f64::consts::TAU * t
                            + if label { 0.0 } else { std::f64::consts::PI };
                        [
                            radius * angle.sin() + 0.03 * gaussian(&mut rng),
                            radius * angle.cos() + 0.03 * gaussian(&mut rng),
                        ]
                    }
                };
                Point {
                    x: [x[0].clamp(-EXTENT, EXTENT), x[1].clamp(-EXTENT, EXTENT)],
                    label,
                }
            })
            .collect()
    }
}

/// Points split in half, one pair (one point of each class) to training, the next to
/// testing, and so on: both halves stay balanced.
pub fn split_train_test(points: &[Point]) -> (Vec<Point>, Vec<Point>) {
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for (k, pair) in points.chunks(2).enumerate() {
        if k % 2 == 0 {
            train.extend_from_slice(pair);
        } else {
            test.extend_from_slice(pair);
        }
    }
    (train, test)
}

/// The node ids of one layer of weights: from every neuron of the layer before to every
/// neuron of this one.
#[derive(Debug, Clone)]
struct Layer {
    /// `weights[from][to]`.
    weights: Vec<Vec<NodeId>>,
    /// One bias per neuron.
    biases: Vec<NodeId>,
    /// Each neuron's output (after its activation; the output layer's is σ).
    outputs: Vec<NodeId>,
}

/// A network in the engine, with the gradients of its last training step.
#[derive(Debug, Clone)]
pub struct Network {
    graph: Graph,
    inputs: [NodeId; 2],
    label: NodeId,
    layers: Vec<Layer>,
    probability: NodeId,
    loss: NodeId,
    parameters: Vec<NodeId>,
    /// The mean gradient of the loss over the last step's points, in `parameters` order.
    last_gradients: Vec<f64>,
    steps: usize,
}

/// A parameter's place: (layer, from, to) for a weight; `from == None` for a bias.
type Place = (usize, Option<usize>, usize);

impl Network {
    /// A network of `architecture` with first weights drawn from `seed` (Glorot's uniform
    /// range, biases 0): the same seed gives the same network.
    pub fn new(architecture: &Architecture, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let mut graph = Graph::new();
        let inputs = [graph.add_input(0.0), graph.add_input(0.0)];
        let mut previous: Vec<NodeId> = inputs.to_vec();
        let mut layers = Vec::new();
        let mut parameters = Vec::new();
        let sizes: Vec<usize> = architecture
            .hidden
            .iter()
            .map(|&n| n.clamp(1, MAX_NEURONS))
            .take(MAX_LAYERS)
            .chain(std::iter::once(1))
            .collect();
        let last = sizes.len() - 1;
        let add = |graph: &mut Graph, op: Op, operands: &[NodeId]| {
            // Every operand is a node of this graph with the op's arity: cannot fail.
            graph.add_op(op, operands).unwrap_or(operands[0])
        };
        for (index, &size) in sizes.iter().enumerate() {
            let fan_in = previous.len();
            let range = (6.0 / (fan_in + size) as f64).sqrt();
            let weights: Vec<Vec<NodeId>> = previous
                .iter()
                .map(|_| {
                    (0..size)
                        .map(|_| graph.add_input(rng.uniform(-range, range)))
                        .collect()
                })
                .collect();
            let biases: Vec<NodeId> = (0..size).map(|_| graph.add_input(0.0)).collect();
            let mut outputs = Vec::with_capacity(size);
            for to in 0..size {
                let mut sum = biases[to];
                for (from, &input) in previous.iter().enumerate() {
                    let term = add(&mut graph, Op::Mul, &[weights[from][to], input]);
                    sum = add(&mut graph, Op::Add, &[sum, term]);
                }
                let op = if index == last {
                    Op::Sigmoid
                } else {
                    architecture.activation.op()
                };
                outputs.push(if index == last {
                    sum
                } else {
                    add(&mut graph, op, &[sum])
                });
            }
            for row in &weights {
                parameters.extend(row.iter().copied());
            }
            parameters.extend(biases.iter().copied());
            previous = outputs.clone();
            layers.push(Layer {
                weights,
                biases,
                outputs,
            });
        }
        // The output layer's `outputs` hold the score s; the probability is σ(s), and the
        // loss is cross-entropy in the form that stays finite for any s:
        // relu(s) + log(1 + exp(−|s|)) − y·s.
        let score = previous[0];
        let probability = add(&mut graph, Op::Sigmoid, &[score]);
        let label = graph.add_input(0.0);
        let positive = add(&mut graph, Op::Relu, &[score]);
        let size = add(&mut graph, Op::Abs, &[score]);
        let minus = add(&mut graph, Op::Neg, &[size]);
        let e = add(&mut graph, Op::Exp, &[minus]);
        let one = graph.add_const(1.0);
        let sum = add(&mut graph, Op::Add, &[one, e]);
        let softplus_rest = add(&mut graph, Op::Log, &[sum]);
        let softplus = add(&mut graph, Op::Add, &[positive, softplus_rest]);
        let ys = add(&mut graph, Op::Mul, &[label, score]);
        let loss = add(&mut graph, Op::Sub, &[softplus, ys]);
        if let Some(output) = layers.last_mut() {
            output.outputs = vec![probability];
        }
        graph.set_output(loss);
        graph.evaluate();
        let count = parameters.len();
        Self {
            graph,
            inputs,
            label,
            layers,
            probability,
            loss,
            parameters,
            last_gradients: vec![0.0; count],
            steps: 0,
        }
    }

    /// Neurons per layer, inputs first, output last (`[2, 8, 8, 1]`).
    pub fn layer_sizes(&self) -> Vec<usize> {
        std::iter::once(2)
            .chain(self.layers.iter().map(|l| l.biases.len()))
            .collect()
    }

    /// How many weights and biases.
    pub fn parameter_count(&self) -> usize {
        self.parameters.len()
    }

    /// How many gradient steps were taken.
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// The engine's graph.
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    fn weight_id(&self, layer: usize, from: usize, to: usize) -> Option<NodeId> {
        self.layers.get(layer)?.weights.get(from)?.get(to).copied()
    }

    /// Where the weight (layer, from, to) sits in `parameters`: each layer's weights row
    /// by row, then its biases, layer after layer (as [`Network::new`] lays them out).
    fn weight_index(&self, layer: usize, from: usize, to: usize) -> Option<usize> {
        let this = self.layers.get(layer)?;
        let size = this.biases.len();
        if from >= this.weights.len() || to >= size {
            return None;
        }
        let before: usize = self.layers[..layer]
            .iter()
            .map(|l| l.weights.len() * l.biases.len() + l.biases.len())
            .sum();
        Some(before + from * size + to)
    }

    /// The weight from neuron `from` of layer `layer` (0: the inputs) to neuron `to` of
    /// the next layer.
    pub fn weight(&self, layer: usize, from: usize, to: usize) -> f64 {
        self.weight_id(layer, from, to)
            .map_or(f64::NAN, |id| self.graph.value(id))
    }

    /// The last step's mean dL/dw for that weight (0 before the first step).
    pub fn weight_gradient(&self, layer: usize, from: usize, to: usize) -> f64 {
        self.weight_index(layer, from, to)
            .and_then(|i| self.last_gradients.get(i).copied())
            .unwrap_or(f64::NAN)
    }

    /// Feeds one point (and its label): a forward and a backward pass of its loss.
    fn feed(&mut self, x: [f64; 2], label: bool) {
        let updates = [
            (self.inputs[0], x[0]),
            (self.inputs[1], x[1]),
            (self.label, f64::from(u8::from(label))),
        ];
        // Every id is an input of this graph: cannot fail.
        let _ = self.graph.set_inputs(&updates);
    }

    /// The network's probability of class 1 at `x`.
    pub fn predict(&mut self, x: [f64; 2]) -> f64 {
        self.feed(x, false);
        self.graph.value(self.probability)
    }

    /// The output of neuron `index` of layer `layer` (0: the first hidden layer) at `x`.
    pub fn neuron_output(&mut self, layer: usize, index: usize, x: [f64; 2]) -> f64 {
        self.feed(x, false);
        self.layers
            .get(layer)
            .and_then(|l| l.outputs.get(index))
            .map_or(f64::NAN, |&id| self.graph.value(id))
    }

    /// The mean loss over `points` (NaN for none).
    pub fn loss(&mut self, points: &[Point]) -> f64 {
        let mut total = 0.0;
        for point in points {
            self.feed(point.x, point.label);
            total += self.graph.value(self.loss);
        }
        total / points.len() as f64
    }

    /// The mean gradient of the loss over `points`, for every parameter, and the mean loss.
    pub fn gradients(&mut self, points: &[Point]) -> (Vec<f64>, f64) {
        let mut sums = vec![0.0; self.parameters.len()];
        let mut loss = 0.0;
        for point in points {
            self.feed(point.x, point.label);
            loss += self.graph.value(self.loss);
            for (sum, &id) in sums.iter_mut().zip(&self.parameters) {
                *sum += self.graph.grad(id);
            }
        }
        let n = points.len().max(1) as f64;
        for sum in &mut sums {
            *sum /= n;
        }
        (sums, loss / n)
    }

    /// One step of full-batch gradient descent on `points`; returns the mean loss before
    /// it. The step's gradients are kept for the picture.
    pub fn step(&mut self, points: &[Point], learning_rate: f64) -> f64 {
        if points.is_empty() {
            return f64::NAN;
        }
        let (gradients, loss) = self.gradients(points);
        let updates: Vec<(NodeId, f64)> = self
            .parameters
            .iter()
            .zip(&gradients)
            .map(|(&id, g)| (id, self.graph.value(id) - learning_rate * g))
            .collect();
        let _ = self.graph.set_inputs(&updates);
        self.last_gradients = gradients;
        self.steps += 1;
        loss
    }

    /// Every parameter's place and value, weights then biases layer by layer (for tests
    /// and finite differences).
    pub fn parameter_values(&self) -> Vec<f64> {
        self.graph.values_of(&self.parameters)
    }

    /// Sets every parameter (same order as [`Network::parameter_values`]).
    pub fn set_parameter_values(&mut self, values: &[f64]) {
        // Every parameter is an input of this graph: cannot fail.
        let _ = self.graph.set_inputs_to(&self.parameters, values);
    }

    /// Where each parameter sits, in [`Network::parameter_values`] order.
    pub fn parameter_places(&self) -> Vec<Place> {
        let mut places = Vec::new();
        for (index, layer) in self.layers.iter().enumerate() {
            for (from, row) in layer.weights.iter().enumerate() {
                places.extend((0..row.len()).map(|to| (index, Some(from), to)));
            }
            places.extend((0..layer.biases.len()).map(|to| (index, None, to)));
        }
        places
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Architecture {
        Architecture {
            hidden: vec![3, 2],
            activation: Activation::Tanh,
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_network() {
        let a = Network::new(&small(), 7);
        let b = Network::new(&small(), 7);
        let c = Network::new(&small(), 8);
        assert_eq!(a.parameter_values(), b.parameter_values());
        assert_ne!(a.parameter_values(), c.parameter_values());
        assert_eq!(a.layer_sizes(), vec![2, 3, 2, 1]);
        // 2·3 + 3, 3·2 + 2, 2·1 + 1.
        assert_eq!(a.parameter_count(), 9 + 8 + 3);
    }

    #[test]
    fn gradients_match_central_differences_for_every_activation() {
        let points = Dataset::Xor.points(12, 3);
        for activation in Activation::ALL {
            let architecture = Architecture {
                hidden: vec![4, 3],
                activation,
            };
            let mut network = Network::new(&architecture, 11);
            let (gradients, _) = network.gradients(&points);
            let values = network.parameter_values();
            for (i, &analytic) in gradients.iter().enumerate() {
                let h = 1e-6;
                let mut moved = values.clone();
                moved[i] = values[i] + h;
                network.set_parameter_values(&moved);
                let up = network.loss(&points);
                moved[i] = values[i] - h;
                network.set_parameter_values(&moved);
                let down = network.loss(&points);
                network.set_parameter_values(&values);
                let numeric = (up - down) / (2.0 * h);
                assert!(
                    (analytic - numeric).abs() <= 1e-6 * (1.0 + numeric.abs()),
                    "{activation:?} parameter {i} at {:?}: {analytic} vs {numeric}",
                    network.parameter_places()[i]
                );
            }
        }
    }

    #[test]
    fn training_lowers_the_loss_on_each_data_set() {
        for dataset in Dataset::ALL {
            let points = dataset.points(100, 1);
            assert_eq!(points.iter().filter(|p| p.label).count(), 50);
            assert!(points.iter().all(|p| p.x.iter().all(|c| c.abs() <= EXTENT)));
            let mut network = Network::new(
                &Architecture {
                    hidden: vec![8, 8],
                    activation: Activation::Tanh,
                },
                2,
            );
            let before = network.loss(&points);
            for _ in 0..60 {
                network.step(&points, 0.5);
            }
            let after = network.loss(&points);
            assert!(after < before, "{dataset:?}: {before} -> {after}");
            assert_eq!(network.steps(), 60);
        }
    }

    #[test]
    fn each_weight_finds_its_own_gradient() {
        let mut network = Network::new(&small(), 5);
        network.step(&Dataset::Circle.points(20, 2), 0.1);
        for (i, place) in network.parameter_places().into_iter().enumerate() {
            if let (layer, Some(from), to) = place {
                assert_eq!(network.weight_index(layer, from, to), Some(i));
                assert_eq!(
                    network.weight_gradient(layer, from, to),
                    network.last_gradients[i]
                );
            }
        }
        assert_eq!(network.weight_index(0, 2, 0), None);
    }

    #[test]
    fn the_loss_stays_finite_when_the_network_is_sure() {
        let mut network = Network::new(&small(), 1);
        let values: Vec<f64> = network
            .parameter_values()
            .iter()
            .map(|v| v * 400.0)
            .collect();
        network.set_parameter_values(&values);
        let points = Dataset::Circle.points(20, 1);
        let (gradients, loss) = network.gradients(&points);
        assert!(loss.is_finite());
        assert!(gradients.iter().all(|g| g.is_finite()));
    }
}
