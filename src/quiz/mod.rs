//! Quiz grading: numbers drawn per attempt from a question's graph script, typed numbers
//! checked within a tolerance, formulas checked at random points. No egui here.

pub mod grade;
pub mod params;
pub mod random;

pub use grade::{Verdict, grade_formula, grade_number};
pub use params::{Attempt, AttemptError, Parameter, Quantity, draw_attempt, fixed_attempt};
pub use random::Rng;
