//! Questions with numbers drawn per attempt: the parameters are inputs of a graph script,
//! and the right answer is whatever the engine computes from it.

use crate::engine::{self, ParseError, Program};

use crate::random::{Parameter, Rng};

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
    let values: Vec<(String, f64)> = parameters
        .iter()
        .map(|p| (p.name.clone(), p.draw(rng)))
        .collect();
    attempt_with(script, values)
}

/// The script with the given inputs set (each name must be an input), evaluated.
pub fn attempt_with(script: &str, values: Vec<(String, f64)>) -> Result<Attempt, AttemptError> {
    let mut program = engine::parse(script).map_err(AttemptError::Script)?;
    for (name, value) in &values {
        let id = program
            .input_named(name)
            .ok_or_else(|| AttemptError::UnknownParameter(name.clone()))?;
        program
            .graph
            .set_input(id, *value)
            .map_err(|_| AttemptError::UnknownParameter(name.clone()))?;
    }
    Ok(Attempt { values, program })
}

/// A script that only declares `parameters` as inputs (each at its lower end): the
/// script of a formula question's drawn constants, so they are drawn, filled into text
/// and checked as a numeric question's are. `None` without parameters.
pub fn parameter_script(parameters: &[Parameter]) -> Option<String> {
    (!parameters.is_empty()).then(|| {
        parameters
            .iter()
            .map(|p| format!("{} = {}\n", p.name, p.min))
            .collect()
    })
}

/// The script's own numbers, with nothing drawn.
pub fn fixed_attempt(script: &str) -> Result<Attempt, AttemptError> {
    draw_attempt(script, &[], &mut Rng::new(0))
}

#[cfg(test)]
mod tests {
    use super::*;

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
