//! A short training run by gradient descent, for the broken-chain lesson: the same model
//! with a differentiable or a non-differentiable step, trained on a few data points, with
//! the loss after every step. The gradients come from the engine's backward pass.

use std::collections::BTreeMap;

use crate::engine::{self, ParseError};

/// The result of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingRun {
    /// The mean loss over the data before each step, and after the last one.
    pub losses: Vec<f64>,
    /// The parameters' final values.
    pub parameters: Vec<(String, f64)>,
    /// The mean gradient of each parameter at the first step.
    pub first_gradients: Vec<(String, f64)>,
}

/// Why a run cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrainingError {
    /// The script does not parse.
    #[error("{0}")]
    Script(#[from] ParseError),
    /// A parameter or data name is not an input of the script.
    #[error("'{0}' is not an input of the model's script")]
    NotAnInput(String),
}

/// Trains `parameters` of `script` (whose output is the loss) on `data` (each row sets
/// some inputs) for `steps` full-batch gradient-descent steps.
pub fn train(
    script: &str,
    parameters: &[String],
    data: &[BTreeMap<String, f64>],
    steps: usize,
    learning_rate: f64,
) -> Result<TrainingRun, TrainingError> {
    let mut program = engine::parse(script)?;
    let input = |name: &str| {
        program
            .input_named(name)
            .ok_or_else(|| TrainingError::NotAnInput(name.to_string()))
    };
    let parameter_ids = parameters
        .iter()
        .map(|p| input(p))
        .collect::<Result<Vec<_>, _>>()?;
    let rows = data
        .iter()
        .map(|row| {
            row.iter()
                .map(|(name, &value)| Ok((input(name)?, value)))
                .collect::<Result<Vec<_>, TrainingError>>()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let count = rows.len().max(1) as f64;
    let mut losses = Vec::with_capacity(steps + 1);
    let mut first_gradients = Vec::new();
    for step in 0..=steps {
        let mut loss = 0.0;
        let mut gradients = vec![0.0; parameter_ids.len()];
        for row in &rows {
            for &(id, value) in row {
                let _ = program.graph.set_input(id, value);
            }
            loss += program.graph.value(program.output);
            for (g, &id) in gradients.iter_mut().zip(&parameter_ids) {
                *g += program.graph.grad(id);
            }
        }
        losses.push(loss / count);
        if step == 0 {
            first_gradients = parameters
                .iter()
                .cloned()
                .zip(gradients.iter().map(|g| g / count))
                .collect();
        }
        if step == steps {
            break;
        }
        for (g, &id) in gradients.iter().zip(&parameter_ids) {
            let value = program.graph.value(id) - learning_rate * g / count;
            let _ = program.graph.set_input(id, value);
        }
    }
    let parameters = parameters
        .iter()
        .cloned()
        .zip(parameter_ids.iter().map(|&id| program.graph.value(id)))
        .collect();
    Ok(TrainingRun {
        losses,
        parameters,
        first_gradients,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> Vec<BTreeMap<String, f64>> {
        [(1.0, 2.0), (2.0, 4.0), (3.0, 6.0)]
            .iter()
            .map(|&(x, t)| BTreeMap::from([("x".to_string(), x), ("t".to_string(), t)]))
            .collect()
    }

    #[test]
    fn rounding_stalls_and_the_straight_through_estimator_learns() {
        let w = vec!["w".to_string()];
        let broken = train(
            "w = 0.3\nx = 1\nt = 2\np = round(w*x)\nL = (p - t)^2",
            &w,
            &data(),
            30,
            0.05,
        )
        .expect("runs");
        assert_eq!(broken.first_gradients[0].1, 0.0);
        assert_eq!(broken.losses.first(), broken.losses.last());
        let fixed = train(
            "w = 0.3\nx = 1\nt = 2\np = round_ste(w*x)\nL = (p - t)^2",
            &w,
            &data(),
            30,
            0.05,
        )
        .expect("runs");
        assert!(fixed.losses.last() < fixed.losses.first());
        assert!(matches!(
            train("w = 1\ny = w", &["q".to_string()], &[], 1, 0.1),
            Err(TrainingError::NotAnInput(_))
        ));
    }
}
