//! "Predict first" means hidden: while lesson 2's prediction is unanswered, neither its
//! own graph nor the live graph below it shows a gradient, a blame or a local derivative
//! (their product is the answer), and the chain-rule readout waits; once the prediction
//! is checked, everything is shown.

use backprop_lab::app::navigator::Page;
use backprop_lab::app::{BackpropApp, LessonSource};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

#[path = "common/painted.rs"]
mod painted;
use painted::painted_texts;

fn lesson_two() -> Harness<'static, BackpropApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 1600.0))
        .build_eframe(|_cc| {
            BackpropApp::with_state(&LessonSource::Embedded, String::from("x = 1"), false)
        });
    let index = backprop_lab::lesson::load_embedded()
        .iter()
        .position(|file| file.file.starts_with("02-"))
        .expect("lesson 2 is built in");
    harness.state_mut().open(Page::Lesson(index));
    harness.run();
    harness
}

/// A plate's line with a number: `local 3`, `sends −12` (not `local ?`, nor the words
/// "local gradient" in the lesson's text).
fn plate_number(text: &str) -> bool {
    ["local ", "sends "].iter().any(|prefix| {
        text.strip_prefix(prefix)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| c.is_ascii_digit() || c == '−' || c == 'N' || c == 'I')
    })
}

#[test]
fn nothing_below_an_unanswered_prediction_gives_it_away() {
    let mut harness = lesson_two();
    let texts = painted_texts(&harness);
    let numbers_on_plates: Vec<&String> = texts.iter().filter(|t| plate_number(t)).collect();
    assert!(numbers_on_plates.is_empty(), "{numbers_on_plates:?}");
    // Only the backprop exercise at the quiz's end shows a number: its output's own
    // gradient, 1, which the exercise gives as its starting point.
    assert!(
        texts
            .iter()
            .filter(|t| t.starts_with("grad "))
            .all(|t| t == "grad ?" || t == "grad 1"),
        "{texts:?}"
    );
    assert_eq!(
        texts.iter().filter(|t| *t == "grad 1").count(),
        1,
        "{texts:?}"
    );
    assert!(
        harness
            .query_all_by_label_contains("Make your prediction above first")
            .next()
            .is_some()
    );
    // The learner predicts wrongly, adding the two local factors (6 + 3) instead of
    // multiplying them: the feedback names that slip and still gives nothing away.
    let field = harness.get_by_label("Your prediction:");
    field.focus();
    field.type_text("9");
    harness.run();
    harness
        .get_all_by_label("Check answer")
        .next()
        .expect("the prediction's button")
        .click();
    harness.run();
    assert!(
        harness
            .query_all_by_label_contains("You added the local factors along the chain")
            .next()
            .is_some()
    );
    let texts = painted_texts(&harness);
    assert!(!texts.iter().any(|t| plate_number(t)), "still hidden");
    assert!(
        harness
            .query_all_by_label_contains("the engine's backward pass gives")
            .next()
            .is_none(),
        "no answer before it is asked for"
    );
    // Asking for the worked solution brings everything out.
    harness.get_by_label("Show the worked solution").click();
    harness.run();
    assert!(
        harness
            .query_all_by_label_contains("the engine's backward pass gives 18")
            .next()
            .is_some()
    );
    let texts = painted_texts(&harness);
    assert!(
        texts.iter().any(|t| plate_number(t)),
        "local derivatives shown: {texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("grad ") && t != "grad ?"),
        "gradients shown"
    );
    assert!(
        harness
            .query_all_by_label_contains("Make your prediction above first")
            .next()
            .is_none()
    );
}
