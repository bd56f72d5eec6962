//! The batch lesson's engine: the source's Level 1, a logistic regression on a small batch,
//! z = X·W, ŷ = σ(z), L = Σ_i BCE(ŷ_i, y_i), built as a graph of scalar nodes that the view
//! groups into matrices. Every number the lesson shows (values, gradients, the local
//! derivatives of σ) comes from the engine's forward and backward passes; the only number
//! computed beside it is the formula X^T(ŷ − y) the lesson compares it with.
//!
//! Why scalar nodes and not tensor nodes: the engine, its live edits, its tests against
//! finite differences and its drawing stay one, and a batch of 4 × 3 is 50 nodes, which
//! the engine recomputes in microseconds. Tensor nodes would add a second kind of value
//! to every operation rule for no gain at this size.

use std::fmt::Write as _;

use crate::engine::{self, NodeId, ParseError, Program};

/// The shape and numbers of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchData {
    /// The examples, one row each (N rows of F features).
    pub x: Vec<Vec<f64>>,
    /// One weight per feature.
    pub w: Vec<f64>,
    /// One label per example, 0 or 1.
    pub y: Vec<f64>,
}

/// Why a batch cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BatchError {
    /// No example, or no feature.
    #[error("a batch needs at least one example and one feature")]
    Empty,
    /// Rows of different lengths, or a weight count unlike the feature count.
    #[error("X has rows of {row} features, but {what} has {count}")]
    Shape {
        /// The first row's length.
        row: usize,
        /// The part that disagrees.
        what: String,
        /// Its length.
        count: usize,
    },
    /// A label other than 0 or 1.
    #[error("the label y{0} is {1}; labels are 0 or 1")]
    Label(usize, f64),
    /// The generated script did not parse (a bug, reported rather than hidden).
    #[error("{0}")]
    Script(#[from] ParseError),
}

/// The live batch: the engine's graph and the node of each entry.
pub struct Batch {
    program: Program,
    x: Vec<Vec<NodeId>>,
    w: Vec<NodeId>,
    y: Vec<NodeId>,
    z: Vec<NodeId>,
    p: Vec<NodeId>,
}

/// The script for a batch: inputs `x_i_j`, `w_j`, `y_i` (from 1), then `z_i`, `p_i` (ŷ),
/// `l_i` (each example's loss) and `L`, their sum.
pub fn script(data: &BatchData) -> String {
    let mut s = String::new();
    for (i, row) in data.x.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            let _ = writeln!(s, "x_{}_{} = {}", i + 1, j + 1, literal(*v));
        }
    }
    for (j, v) in data.w.iter().enumerate() {
        let _ = writeln!(s, "w_{} = {}", j + 1, literal(*v));
    }
    for (i, v) in data.y.iter().enumerate() {
        let _ = writeln!(s, "y_{} = {}", i + 1, literal(*v));
    }
    for (i, row) in data.x.iter().enumerate() {
        let terms: Vec<String> = (1..=row.len())
            .map(|j| format!("x_{}_{j} * w_{j}", i + 1))
            .collect();
        let n = i + 1;
        let _ = writeln!(s, "z_{n} = {}", terms.join(" + "));
        let _ = writeln!(s, "p_{n} = sigmoid(z_{n})");
        let _ = writeln!(
            s,
            "l_{n} = -(y_{n} * log(p_{n}) + (1 - y_{n}) * log(1 - p_{n}))"
        );
    }
    let losses: Vec<String> = (1..=data.x.len()).map(|i| format!("l_{i}")).collect();
    let _ = writeln!(s, "L = {}", losses.join(" + "));
    s
}

/// An input's literal: Rust writes an f64 in plain decimal digits with its sign, which
/// the language reads back exactly.
fn literal(v: f64) -> String {
    format!("{v}")
}

impl Batch {
    /// Builds the graph for `data` and runs both passes.
    pub fn new(data: &BatchData) -> Result<Self, BatchError> {
        let rows = data.x.len();
        let features = data.x.first().map_or(0, Vec::len);
        if rows == 0 || features == 0 {
            return Err(BatchError::Empty);
        }
        let shape = |what: &str, count: usize| BatchError::Shape {
            row: features,
            what: what.to_string(),
            count,
        };
        if let Some((i, row)) = data.x.iter().enumerate().find(|(_, r)| r.len() != features) {
            return Err(shape(&format!("row {}", i + 1), row.len()));
        }
        if data.w.len() != features {
            return Err(shape("W", data.w.len()));
        }
        if data.y.len() != rows {
            return Err(BatchError::Shape {
                row: rows,
                what: "y".into(),
                count: data.y.len(),
            });
        }
        if let Some((i, &v)) = data
            .y
            .iter()
            .enumerate()
            .find(|(_, v)| **v != 0.0 && **v != 1.0)
        {
            return Err(BatchError::Label(i + 1, v));
        }
        let program = engine::parse(&script(data))?;
        let named = |name: String| {
            program.node_named(&name).ok_or_else(|| {
                BatchError::Script(ParseError {
                    position: engine::Position { line: 1, column: 1 },
                    message: format!("the batch script has no '{name}'"),
                })
            })
        };
        let x = (1..=rows)
            .map(|i| {
                (1..=features)
                    .map(|j| named(format!("x_{i}_{j}")))
                    .collect()
            })
            .collect::<Result<Vec<Vec<_>>, _>>()?;
        let w = (1..=features)
            .map(|j| named(format!("w_{j}")))
            .collect::<Result<Vec<_>, _>>()?;
        let y = (1..=rows)
            .map(|i| named(format!("y_{i}")))
            .collect::<Result<Vec<_>, _>>()?;
        let z = (1..=rows)
            .map(|i| named(format!("z_{i}")))
            .collect::<Result<Vec<_>, _>>()?;
        let p = (1..=rows)
            .map(|i| named(format!("p_{i}")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            program,
            x,
            w,
            y,
            z,
            p,
        })
    }

    /// How many examples (rows of X).
    pub fn rows(&self) -> usize {
        self.x.len()
    }

    /// How many features (columns of X, entries of W).
    pub fn features(&self) -> usize {
        self.w.len()
    }

    /// The engine's graph (for a picture or a check).
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Sets X's entry in row `i`, column `j` (from 0); only what it reaches is recomputed.
    pub fn set_x(&mut self, i: usize, j: usize, value: f64) {
        if let Some(&id) = self.x.get(i).and_then(|row| row.get(j)) {
            let _ = self.program.graph.set_input(id, value);
        }
    }

    /// Sets weight `j` (from 0).
    pub fn set_w(&mut self, j: usize, value: f64) {
        if let Some(&id) = self.w.get(j) {
            let _ = self.program.graph.set_input(id, value);
        }
    }

    /// Sets label `i` (from 0) to 0 or 1.
    pub fn set_y(&mut self, i: usize, label: bool) {
        if let Some(&id) = self.y.get(i) {
            let _ = self
                .program
                .graph
                .set_input(id, if label { 1.0 } else { 0.0 });
        }
    }

    fn value(&self, id: Option<&NodeId>) -> f64 {
        id.map_or(f64::NAN, |&id| self.program.graph.value(id))
    }

    fn grad(&self, id: Option<&NodeId>) -> f64 {
        id.map_or(f64::NAN, |&id| self.program.graph.grad(id))
    }

    /// X's entry (i, j).
    pub fn x(&self, i: usize, j: usize) -> f64 {
        self.value(self.x.get(i).and_then(|r| r.get(j)))
    }
    /// dL/dX's entry (i, j), from the backward pass.
    pub fn grad_x(&self, i: usize, j: usize) -> f64 {
        self.grad(self.x.get(i).and_then(|r| r.get(j)))
    }
    /// Weight j.
    pub fn w(&self, j: usize) -> f64 {
        self.value(self.w.get(j))
    }
    /// dL/dwⱼ, from the backward pass.
    pub fn grad_w(&self, j: usize) -> f64 {
        self.grad(self.w.get(j))
    }
    /// Label i.
    pub fn y(&self, i: usize) -> f64 {
        self.value(self.y.get(i))
    }
    /// z_i = (X·W)_i.
    pub fn z(&self, i: usize) -> f64 {
        self.value(self.z.get(i))
    }
    /// dL/dz_i, from the backward pass.
    pub fn grad_z(&self, i: usize) -> f64 {
        self.grad(self.z.get(i))
    }
    /// ŷ_i = σ(z_i).
    pub fn p(&self, i: usize) -> f64 {
        self.value(self.p.get(i))
    }
    /// dL/dŷ_i, from the backward pass.
    pub fn grad_p(&self, i: usize) -> f64 {
        self.grad(self.p.get(i))
    }
    /// The loss L.
    pub fn loss(&self) -> f64 {
        self.program.graph.value(self.program.output)
    }

    /// Entry (i, k) of the Jacobian of ŷ = σ(z): the engine's local derivative of ŷ_i with
    /// respect to z_i on the diagonal, and 0 off it (ŷ_i does not depend on z_k).
    pub fn sigma_jacobian(&self, i: usize, k: usize) -> f64 {
        if i != k {
            return 0.0;
        }
        self.p
            .get(i)
            .map_or(f64::NAN, |&p| self.program.graph.local_derivative(p, 0))
    }

    /// The formula the lesson compares the backward pass with: X^T(ŷ − y), from the
    /// engine's forward values.
    pub fn formula_grad_w(&self) -> Vec<f64> {
        (0..self.features())
            .map(|j| {
                (0..self.rows())
                    .map(|i| self.x(i, j) * (self.p(i) - self.y(i)))
                    .sum()
            })
            .collect()
    }

    /// The terms dL/dwⱼ sums, one per example: (dL/dz_i, x_iⱼ), both from the engine.
    pub fn terms_of_grad_w(&self, j: usize) -> Vec<(f64, f64)> {
        (0..self.rows())
            .map(|i| (self.grad_z(i), self.x(i, j)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> BatchData {
        BatchData {
            x: vec![
                vec![0.5, -1.0, 2.0],
                vec![1.5, 0.2, -0.3],
                vec![-0.7, 0.9, 1.1],
                vec![0.0, -1.2, 0.4],
            ],
            w: vec![0.3, -0.8, 0.5],
            y: vec![1.0, 0.0, 1.0, 0.0],
        }
    }

    #[test]
    fn the_backward_pass_gives_x_transpose_times_the_error() {
        let batch = Batch::new(&sample()).expect("builds");
        let formula = batch.formula_grad_w();
        for (j, expected) in formula.iter().enumerate() {
            let got = batch.grad_w(j);
            assert!((got - expected).abs() < 1e-12, "w{j}: {got} vs {expected}");
        }
        // dL/dz is ŷ − y, and σ's Jacobian is diagonal with ŷ(1 − ŷ).
        for i in 0..batch.rows() {
            assert!((batch.grad_z(i) - (batch.p(i) - batch.y(i))).abs() < 1e-12);
            let p = batch.p(i);
            assert!((batch.sigma_jacobian(i, i) - p * (1.0 - p)).abs() < 1e-15);
            assert_eq!(batch.sigma_jacobian(i, (i + 1) % batch.rows()), 0.0);
        }
    }

    #[test]
    fn a_live_edit_moves_the_gradient_with_the_formula() {
        let mut batch = Batch::new(&sample()).expect("builds");
        batch.set_x(2, 1, -1.9);
        batch.set_w(0, 1.7);
        batch.set_y(1, true);
        assert_eq!(batch.x(2, 1), -1.9);
        assert_eq!(batch.y(1), 1.0);
        for (j, expected) in batch.formula_grad_w().iter().enumerate() {
            assert!((batch.grad_w(j) - expected).abs() < 1e-12);
        }
    }

    #[test]
    fn bad_shapes_and_labels_are_errors() {
        let mut data = sample();
        data.w.pop();
        assert!(matches!(Batch::new(&data), Err(BatchError::Shape { .. })));
        let mut data = sample();
        data.y[2] = 0.5;
        assert_eq!(
            Batch::new(&data).err().map(|e| e.to_string()),
            Some("the label y3 is 0.5; labels are 0 or 1".into())
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// A batch of 1 to 8 examples of 1 to 4 features, entries in the lesson's drag range.
    fn batch() -> impl Strategy<Value = BatchData> {
        (1usize..=8, 1usize..=4).prop_flat_map(|(rows, features)| {
            (
                proptest::collection::vec(proptest::collection::vec(-2.0f64..=2.0, features), rows),
                proptest::collection::vec(-2.0f64..=2.0, features),
                proptest::collection::vec(any::<bool>(), rows),
            )
                .prop_map(|(x, w, y)| BatchData {
                    x,
                    w,
                    y: y.into_iter()
                        .map(|label| f64::from(u8::from(label)))
                        .collect(),
                })
        })
    }

    proptest! {
        /// The engine's dL/dW is X^T(ŷ − y) for every batch, before and after a live edit,
        /// and it matches a central difference of the loss.
        #[test]
        fn the_backward_pass_is_x_transpose_times_the_error(data in batch(), edit in -2.0f64..=2.0) {
            let mut batch = Batch::new(&data).expect("a valid batch");
            for _ in 0..2 {
                for (j, formula) in batch.formula_grad_w().iter().enumerate() {
                    let engine = batch.grad_w(j);
                    prop_assert!((engine - formula).abs() <= 1e-9 * (1.0 + formula.abs()),
                        "w{j}: engine {engine}, formula {formula}");
                    // And against the loss itself, by a central difference.
                    let w = batch.w(j);
                    let h = 1e-6;
                    batch.set_w(j, w + h);
                    let up = batch.loss();
                    batch.set_w(j, w - h);
                    let down = batch.loss();
                    batch.set_w(j, w);
                    let numeric = (up - down) / (2.0 * h);
                    prop_assert!((engine - numeric).abs() <= 1e-5 * (1.0 + engine.abs()),
                        "w{j}: engine {engine}, difference {numeric}");
                }
                batch.set_x(0, 0, edit);
            }
        }
    }
}
