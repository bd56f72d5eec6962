//! Questions with numbers drawn per attempt: the parameters are inputs of a graph script,
//! and the right answer is whatever the engine computes from it.

use serde::{Deserialize, Serialize};

use crate::engine::{self, ParseError, Program};

use super::random::Rng;

/// An input of a question's script drawn at random on each attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// Whether the range can be drawn from: finite `min <= max`, and a `step` (if any)
    /// finite and above 0.
    pub fn is_valid(&self) -> bool {
        self.min.is_finite()
            && self.max.is_finite()
            && self.min <= self.max
            && self.step.is_none_or(|step| step.is_finite() && step > 0.0)
    }

    /// Draws a value: uniform in `[min, max]`, rounded to `step`, kept inside the range.
    /// A range that is not valid (`min > max`, or NaN) draws NaN instead of panicking;
    /// `check` reports such a range.
    pub fn draw(&self, rng: &mut Rng) -> f64 {
        let raw = rng.uniform(self.min, self.max);
        // NaN at either end compares as neither: no order, no draw.
        if self.min.partial_cmp(&self.max).is_none_or(|o| o.is_gt()) {
            return f64::NAN;
        }
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
                value.max(self.min).min(self.max)
            }
            _ => raw,
        }
    }

    /// Every value [`draw`](Self::draw) can give when the parameter has a step, in
    /// increasing order; `None` without a step, for an invalid range, or when there would
    /// be more than `limit`.
    pub fn stepped_values(&self, limit: usize) -> Option<Vec<f64>> {
        let step = self.step?;
        if !self.is_valid() {
            return None;
        }
        let (first, last) = ((self.min / step).ceil(), (self.max / step).floor());
        if first > last {
            // The step is wider than the range: only the ends.
            let mut ends = vec![self.min, self.max];
            ends.dedup();
            return Some(ends);
        }
        let count = last - first + 1.0;
        if count > limit as f64 {
            return None;
        }
        Some(
            (0..count as usize)
                .map(|i| ((first + i as f64) * step).max(self.min).min(self.max))
                .collect(),
        )
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
    fn bad_ranges_draw_nan_instead_of_panicking() {
        let mut rng = Rng::new(1);
        for (min, max, step) in [
            (3.0, 1.0, Some(1.0)),
            (f64::NAN, 1.0, Some(1.0)),
            (0.0, f64::NAN, None),
            (2.0, 1.0, None),
        ] {
            let p = Parameter {
                name: "k".into(),
                min,
                max,
                step,
            };
            assert!(!p.is_valid());
            assert!(p.draw(&mut rng).is_nan(), "{min} {max}");
            assert_eq!(p.stepped_values(1000), None);
        }
        let nan_step = Parameter {
            name: "k".into(),
            min: 0.0,
            max: 1.0,
            step: Some(f64::NAN),
        };
        assert!(!nan_step.is_valid());
    }

    #[test]
    fn stepped_values_are_what_draws_give() {
        let p = Parameter {
            name: "x".into(),
            min: -2.0,
            max: 2.0,
            step: Some(0.5),
        };
        let values = p.stepped_values(1000).expect("stepped");
        assert_eq!(values.len(), 9);
        let mut rng = Rng::new(4);
        for _ in 0..500 {
            let v = p.draw(&mut rng);
            assert!(values.iter().any(|&w| (w - v).abs() < 1e-12), "{v}");
        }
        assert_eq!(p.stepped_values(5), None);
        let wide = Parameter {
            name: "x".into(),
            min: 0.1,
            max: 0.35,
            step: Some(1.0),
        };
        assert_eq!(wide.stepped_values(10), Some(vec![0.1, 0.35]));
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
