//! Grading typed answers: numbers within a tolerance, and formulas by evaluating them
//! against a reference at random points (so `6*(3*x)` passes where `18*x` is expected).

use crate::engine;

use crate::random::Rng;

/// The outcome of checking an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Right.
    Correct,
    /// Wrong.
    Wrong,
    /// The answer could not be read; nothing is counted.
    Unreadable {
        /// Line in the learner's text, from 1.
        line: usize,
        /// Column in the learner's text, from 1.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

fn unreadable(error: engine::ParseError) -> Verdict {
    Verdict::Unreadable {
        line: error.position.line,
        column: error.position.column,
        message: error.message,
    }
}

/// A typed number (or a plain arithmetic expression such as `-1/4`): right when it is
/// within `tolerance` of `expected`, edges included.
pub fn grade_number(text: &str, expected: f64, tolerance: f64) -> Verdict {
    let given = match engine::parse_number(text.trim()) {
        Some(value) => value,
        None => match engine::parse_expression(text, &[]) {
            Ok((graph, result, _)) => graph.value(result),
            Err(error) => return unreadable(error),
        },
    };
    within(given, expected, tolerance)
}

/// The number a learner typed (a number or arithmetic such as `1.25^4`), if it reads.
pub fn typed_value(text: &str) -> Option<f64> {
    engine::parse_number(text.trim()).or_else(|| {
        engine::parse_expression(text, &[])
            .ok()
            .map(|(graph, result, _)| graph.value(result))
    })
}

/// Right when `given` is within `tolerance` of `expected`.
fn within(given: f64, expected: f64, tolerance: f64) -> Verdict {
    // The edge is inclusive, with room for decimal rounding: 0.26 is within 0.01 of 0.25
    // even though 0.26 - 0.25 is 0.010000000000000009 in binary.
    let slack = tolerance * 1e-9 + 1e-12 * expected.abs().max(1.0);
    if (given - expected).abs() <= tolerance + slack {
        Verdict::Correct
    } else {
        Verdict::Wrong
    }
}

/// How many points a formula is compared at.
const POINTS: usize = 8;
/// The fewest usable points that still make a verdict.
const MIN_POINTS: usize = 3;
/// Draws allowed in search of usable points (the reference may be undefined at some).
const MAX_DRAWS: usize = 50;

/// A typed formula over `variables`, compared with `reference` at random points in
/// [-3, 3] for every variable. A parse error is unreadable, not wrong.
pub fn grade_formula(text: &str, reference: &str, variables: &[String], rng: &mut Rng) -> Verdict {
    grade_formula_with(text, reference, variables, &[], rng)
}

/// As [`grade_formula`], with `constants` (an attempt's drawn numbers) given their values
/// in the reference only: the learner writes the numbers themselves.
pub fn grade_formula_with(
    text: &str,
    reference: &str,
    variables: &[String],
    constants: &[(String, f64)],
    rng: &mut Rng,
) -> Verdict {
    let start: Vec<(&str, f64)> = variables.iter().map(|v| (v.as_str(), 0.0)).collect();
    let (mut given, given_out, given_inputs) = match engine::parse_expression(text, &start) {
        Ok(parsed) => parsed,
        Err(error) => return unreadable(error),
    };
    // The constants come after the variables, so the loop below, which moves only as
    // many inputs as the learner's formula has, leaves them at their values.
    let with_constants: Vec<(&str, f64)> = start
        .iter()
        .copied()
        .chain(constants.iter().map(|(n, v)| (n.as_str(), *v)))
        .collect();
    let Ok((mut wanted, wanted_out, wanted_inputs)) =
        engine::parse_expression(reference, &with_constants)
    else {
        // A lesson's reference is checked by `check`; an unparsable one fails everyone.
        return Verdict::Wrong;
    };
    let mut usable = 0;
    for _ in 0..MAX_DRAWS {
        if usable >= POINTS {
            break;
        }
        for (g, w) in given_inputs.iter().zip(&wanted_inputs) {
            let x = rng.uniform(-3.0, 3.0);
            if given.set_input(*g, x).is_err() || wanted.set_input(*w, x).is_err() {
                return Verdict::Wrong;
            }
        }
        let expected = wanted.value(wanted_out);
        if !expected.is_finite() {
            continue;
        }
        usable += 1;
        let actual = given.value(given_out);
        if !actual.is_finite() || (actual - expected).abs() > 1e-6 * expected.abs() + 1e-9 {
            return Verdict::Wrong;
        }
    }
    if usable >= MIN_POINTS {
        Verdict::Correct
    } else {
        Verdict::Wrong
    }
}

/// A formula with each whole-word name in `values` replaced by its number, negative
/// numbers in parentheses (`2*k^2*x` with k = -3 is `2*(-3)^2*x`): a reference as the
/// learner should have written it.
pub fn substitute(formula: &str, values: &[(String, f64)]) -> String {
    let mut out = String::with_capacity(formula.len());
    let mut rest = formula;
    while let Some(c) = rest.chars().next() {
        if c.is_ascii_alphabetic() || c == '_' {
            let end = rest
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .unwrap_or(rest.len());
            let word = &rest[..end];
            match values.iter().find(|(name, _)| name == word) {
                Some((_, v)) if *v < 0.0 => {
                    out.push_str(&format!("({})", crate::format::number(*v)))
                }
                Some((_, v)) => out.push_str(&crate::format::number(*v)),
                None => out.push_str(word),
            }
            rest = &rest[end..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x() -> Vec<String> {
        vec!["x".into()]
    }

    #[test]
    fn equivalent_formulas_pass_and_others_fail() {
        let mut rng = Rng::new(5);
        for good in ["18*x", "6*(3*x)", "2*9*x", "x*18", "36*x/2"] {
            assert_eq!(
                grade_formula(good, "18*x", &x(), &mut rng),
                Verdict::Correct,
                "{good}"
            );
        }
        for bad in ["9*x", "18*x + 1", "x^2*18", "18"] {
            assert_eq!(
                grade_formula(bad, "18*x", &x(), &mut rng),
                Verdict::Wrong,
                "{bad}"
            );
        }
    }

    #[test]
    fn drawn_constants_stand_in_the_reference_only() {
        let mut rng = Rng::new(5);
        let k = [("k".to_string(), 4.0)];
        assert_eq!(
            grade_formula_with("32*x", "2*k^2*x", &x(), &k, &mut rng),
            Verdict::Correct
        );
        assert_eq!(
            grade_formula_with("18*x", "2*k^2*x", &x(), &k, &mut rng),
            Verdict::Wrong
        );
        // The learner's formula cannot name the constant: it writes the number.
        assert!(matches!(
            grade_formula_with("2*k^2*x", "2*k^2*x", &x(), &k, &mut rng),
            Verdict::Unreadable { .. }
        ));
        assert_eq!(
            substitute("2*k^2*x + kk", &[("k".into(), -3.0)]),
            "2*(-3)^2*x + kk"
        );
    }

    #[test]
    fn parse_errors_are_unreadable_with_positions() {
        let mut rng = Rng::new(5);
        let Verdict::Unreadable { line, column, .. } = grade_formula("18x", "18*x", &x(), &mut rng)
        else {
            panic!("18x is not in the language");
        };
        assert_eq!((line, column), (1, 3));
        assert!(matches!(
            grade_formula("y*2", "18*x", &x(), &mut rng),
            Verdict::Unreadable { column: 1, .. }
        ));
        assert!(matches!(
            grade_number("abc", 1.0, 0.1),
            Verdict::Unreadable { .. }
        ));
    }

    #[test]
    fn number_tolerance_edges() {
        assert_eq!(grade_number("1.5", 1.0, 0.5), Verdict::Correct);
        assert_eq!(grade_number("1.5000001", 1.0, 0.5), Verdict::Wrong);
        assert_eq!(grade_number(" -1/4 ", -0.25, 0.0), Verdict::Correct);
        assert_eq!(grade_number("+2", 2.0, 0.0), Verdict::Correct);
        assert_eq!(grade_number("1e999", 1.0, 1e300), Verdict::Wrong);
    }
}
