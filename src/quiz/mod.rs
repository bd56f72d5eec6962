//! Quiz grading: numbers drawn per attempt from a question's graph script, typed numbers
//! checked within a tolerance, formulas checked at random points, multiple-choice options
//! shown in an order drawn per attempt. No egui here.

pub mod by_hand;
pub mod choice;
pub mod grade;
pub mod params;
pub mod seed;
pub mod slips;

pub use choice::{grade_choice, option_order};
pub use grade::{Verdict, grade_formula, grade_number};
pub use params::{Attempt, AttemptError, Quantity, attempt_with, draw_attempt, fixed_attempt};
pub use seed::seed_for;
