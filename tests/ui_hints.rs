//! The hint ladder before an answer: the chain, then its local factors with this
//! attempt's numbers, then the worked solution, which gives the question up. Hints opened
//! are kept with the answer.

use backprop_lab::app::BackpropApp;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod common;
#[path = "common/ui.rs"]
mod ui_common;
use ui_common::{labels, one_lesson_app, shows_containing};

const LESSON: &str = r#"Lesson(
    title: "Hints",
    assessment: true,
    sections: [
        Quiz(title: "Q", questions: [
            Numeric(prompt: "y = 3x and z = y² at x = 1. What is dz/dx?", script: "x = 1\ny = 3*x\nz = y^2", answer: "grad x", explanation: "It is **{{grad x}}**."),
        ]),
    ],
)
"#;

fn click(harness: &mut Harness<'static, BackpropApp>, label: &str) {
    harness.get_by_label(label).click();
    harness.run();
}

#[test]
fn the_ladder_shows_the_chain_then_the_factors_and_counts_its_hints() {
    let (_lessons, _data, mut harness) = one_lesson_app("ui-hints", "01-hints.ron", LESSON);
    assert!(!shows_containing(&harness, "depends on"));
    click(&mut harness, "Hint: show the chain");
    assert!(
        shows_containing(&harness, "z depends on x along one path, x → y → z"),
        "{:?}",
        labels(&harness)
    );
    assert!(!shows_containing(&harness, "dy/dx = 3"), "no numbers yet");
    click(&mut harness, "Hint: show the local factors");
    assert!(shows_containing(&harness, "dz/dy = 6, dy/dx = 3"));
    // 6 × 3: right on the first try, with two hints.
    let field = harness.get_by_label("Your answer:");
    field.focus();
    field.type_text("18");
    harness.run();
    click(&mut harness, "Check answer");
    click(&mut harness, "Finish lesson");
    assert!(
        harness
            .query_by_label("2 hints opened before answering.")
            .is_some()
    );
    let lesson = harness.state().progress().lesson("01-hints.ron");
    assert_eq!((lesson.first_try_score(), lesson.hints_used()), (1, 2));

    // A retake: the third step gives the question up before any answer.
    click(&mut harness, "Retake with new numbers");
    click(&mut harness, "Hint: show the chain");
    click(&mut harness, "Hint: show the local factors");
    click(&mut harness, "Show the worked solution");
    assert!(shows_containing(&harness, "The engine's answer: 18"));
    click(&mut harness, "See my results");
    assert!(
        harness
            .query_by_label("Score: 0 of 1 right on the first try (0 of 1 after retries)")
            .is_some(),
        "{:?}",
        labels(&harness)
    );
}

const FORMULA: &str = r#"Lesson(
    title: "Formula",
    sections: [
        Quiz(title: "Q", questions: [
            Formula(prompt: "With y = {{value k}}x and z = y², write dz/dx.", variables: ["x"], reference: "2*k^2*x", parameters: [(name: "k", min: 2, max: 50, step: 1)]),
        ]),
    ],
)
"#;

/// The prompt of the formula question as drawn now.
fn formula_prompt(harness: &Harness<'static, BackpropApp>) -> String {
    labels(harness)
        .into_iter()
        .find(|l| l.starts_with("With y = "))
        .expect("the prompt")
}

/// The k drawn into the prompt "With y = kx and ...".
fn drawn_k(harness: &Harness<'static, BackpropApp>) -> f64 {
    formula_prompt(harness)
        .trim_start_matches("With y = ")
        .split('x')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("k in the prompt")
}

#[test]
fn a_formula_with_drawn_numbers_is_redrawn_after_its_answer_is_shown() {
    let (_lessons, _data, mut harness) =
        one_lesson_app("ui-formula-redraw", "01-formula.ron", FORMULA);
    let before = formula_prompt(&harness);
    let k = drawn_k(&harness);
    let field = harness.get_by_label("Your formula:");
    field.focus();
    field.type_text("x");
    harness.run();
    click(&mut harness, "Check answer");
    click(&mut harness, "Show the worked solution");
    // The right answer with this attempt's number, as the learner would write it.
    assert!(shows_containing(
        &harness,
        &format!("A right answer: 2*{k}^2*x")
    ));
    click(&mut harness, "Try again with new numbers");
    assert_ne!(formula_prompt(&harness), before, "new numbers");
    // The old answer no longer passes; the new one, worked out, does.
    let new_k = drawn_k(&harness);
    let field = harness.get_by_label("Your formula:");
    field.focus();
    field.type_text(&format!("{}*x", 2.0 * new_k * new_k));
    harness.run();
    click(&mut harness, "Check answer");
    assert!(
        harness.query_by_label("Right!").is_some(),
        "{:?}",
        labels(&harness)
    );
}
