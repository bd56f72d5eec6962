//! Questions with numbers drawn per attempt: the parameters are inputs of a graph script,
//! and the right answer is whatever the engine computes from it.

use serde::{Deserialize, Serialize};

use crate::engine::{self, ParseError, Program};

use super::random::Rng;

/// An input of a question's script drawn at random on each attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    /// The input's name in the script.
    pub name: String,
    /// The smallest value drawn.
    pub min: f64,
    /// The largest value drawn.
    pub max: f64,
    /// Round the drawn value to a multiple of this (e.g. 1 for whole numbers).
    #[serde(default)]
    pub step: Option<f64>,
}

impl Parameter {
    /// Draws a value: uniform in `[min, max]`, rounded to `step`, kept inside the range.
    pub fn draw(&self, rng: &mut Rng) -> f64 {
        let raw = rng.uniform(self.min, self.max);
        match self.step {
            Some(step) if step.is_finite() && step > 0.0 => {
                let mut value = (raw / step).round() * step;
                if value > self.max {
                    value -= step;
                }
                if value < self.min {
                    value += step;
                }
                // A step wider than the range leaves only the ends.
                value.clamp(self.min, self.max)
            }
            _ => raw,
        }
    }
}

/// Which number of a graph an answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// The node's forward value.
    Value,
    /// d(output)/d(node).
    Grad,
}

/// Reads `value NAME` or `grad NAME`.
pub fn parse_answer_spec(spec: &str) -> Result<(Quantity, String), String> {
    let mut words = spec.split_whitespace();
    let quantity = match words.next() {
        Some("value") => Quantity::Value,
        Some("grad") => Quantity::Grad,
        _ => {
            return Err(format!(
                "expected 'value NAME' or 'grad NAME', found '{spec}'"
            ));
        }
    };
    match (words.next(), words.next()) {
        (Some(name), None) => Ok((quantity, name.to_string())),
        _ => Err(format!("expected one name after '{}'", spec.trim())),
    }
}

/// Why a question's attempt cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AttemptError {
    /// The script does not parse.
    #[error("the question's script: {0}")]
    Script(ParseError),
    /// A parameter is not an input of the script.
    #[error("parameter '{0}' is not an input of the script")]
    UnknownParameter(String),
    /// The answer names a node the script lacks.
    #[error("'{0}' is not a name in the script")]
    UnknownName(String),
    /// The answer is not `value NAME` or `grad NAME`.
    #[error("{0}")]
    BadSpec(String),
    /// The right answer came out NaN or infinite for the drawn numbers.
    #[error("the answer is not a finite number for these parameters")]
    NotFinite,
}

/// One attempt at a question: the drawn parameters and the evaluated script.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// Each parameter's drawn value.
    pub values: Vec<(String, f64)>,
    /// The script with those values, forward and backward done.
    pub program: Program,
}

impl Attempt {
    /// The number an answer spec asks for.
    pub fn quantity(&self, spec: &str) -> Result<f64, AttemptError> {
        let (quantity, name) = parse_answer_spec(spec).map_err(AttemptError::BadSpec)?;
        let id = self
            .program
            .node_named(&name)
            .ok_or(AttemptError::UnknownName(name))?;
        let number = match quantity {
            Quantity::Value => self.program.graph.value(id),
            Quantity::Grad => self.program.graph.grad(id),
        };
        if number.is_finite() {
            Ok(number)
        } else {
            Err(AttemptError::NotFinite)
        }
    }

    /// A node's value in this attempt.
    pub fn value(&self, name: &str) -> Option<f64> {
        let id = self.program.node_named(name)?;
        Some(self.program.graph.value(id))
    }

    /// d(output)/d(node) in this attempt.
    pub fn grad(&self, name: &str) -> Option<f64> {
        let id = self.program.node_named(name)?;
        Some(self.program.graph.grad(id))
    }
}

/// Draws every parameter, sets it as the script's input of the same name, evaluates.
pub fn draw_attempt(
    script: &str,
    parameters: &[Parameter],
    rng: &mut Rng,
) -> Result<Attempt, AttemptError> {
    let mut program = engine::parse(script).map_err(AttemptError::Script)?;
    let mut values = Vec::with_capacity(parameters.len());
    for parameter in parameters {
        let id = program
            .input_named(&parameter.name)
            .ok_or_else(|| AttemptError::UnknownParameter(parameter.name.clone()))?;
        let value = parameter.draw(rng);
        program
            .graph
            .set_input(id, value)
            .map_err(|_| AttemptError::UnknownParameter(parameter.name.clone()))?;
        values.push((parameter.name.clone(), value));
    }
    Ok(Attempt { values, program })
}

/// The script's own numbers, with nothing drawn.
pub fn fixed_attempt(script: &str) -> Result<Attempt, AttemptError> {
    draw_attempt(script, &[], &mut Rng::new(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_round_and_stay_in_range() {
        let p = Parameter {
            name: "k".into(),
            min: 1.0,
            max: 4.0,
            step: Some(1.0),
        };
        let mut rng = Rng::new(3);
        for _ in 0..500 {
            let v = p.draw(&mut rng);
            assert!((1.0..=4.0).contains(&v) && v.fract() == 0.0, "{v}");
        }
        let odd = Parameter {
            name: "k".into(),
            min: 0.1,
            max: 0.35,
            step: Some(0.25),
        };
        for _ in 0..100 {
            let v = odd.draw(&mut rng);
            assert!((0.1..=0.35).contains(&v), "{v}");
        }
    }

    #[test]
    fn specs_and_errors() {
        assert_eq!(
            parse_answer_spec(" grad  x "),
            Ok((Quantity::Grad, "x".into()))
        );
        assert!(parse_answer_spec("slope x").is_err());
        assert!(parse_answer_spec("grad").is_err());
        let attempt = fixed_attempt("x = 2\ny = x^2").expect("runs");
        assert_eq!(attempt.quantity("grad x"), Ok(4.0));
        assert_eq!(attempt.quantity("value y"), Ok(4.0));
        assert_eq!(
            attempt.quantity("grad q"),
            Err(AttemptError::UnknownName("q".into()))
        );
        let k = Parameter {
            name: "y".into(),
            min: 0.0,
            max: 1.0,
            step: None,
        };
        assert!(matches!(
            draw_attempt("x = 2\ny = x^2", &[k], &mut Rng::new(1)),
            Err(AttemptError::UnknownParameter(_))
        ));
        let nan = fixed_attempt("x = -1\ny = log(x)").expect("runs");
        assert_eq!(nan.quantity("value y"), Err(AttemptError::NotFinite));
    }
}
