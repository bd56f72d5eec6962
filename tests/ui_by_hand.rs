//! Backprop it yourself, as a learner does it from the keyboard: the gradients leave the
//! graph, each box's field is typed into and checked with Enter, a wrong entry is named
//! (a wrong local factor gets the "local" diagnosis) before any answer, and the score
//! counts first tries.

use backprop_lab::app::BackpropApp;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod common;
#[path = "common/ui.rs"]
mod ui_common;
use ui_common::{labels, one_lesson_app, shows_containing};

/// h = σ(z), z = 2·x, L = 3·h at x = 0.5: dL/dh = 3, dL/dz = 3·σ′(1), dL/dx = 6·σ′(1).
const GRAPH_LESSON: &str = r#"Lesson(
    title: "By Hand",
    sections: [
        Graph(script: "x = 0.5\nz = 2*x\nh = sigmoid(z)\nL = 3*h\n"),
    ],
)
"#;

const QUIZ_LESSON: &str = r#"Lesson(
    title: "By Hand Quiz",
    assessment: true,
    sections: [
        Quiz(title: "Part A", questions: [
            Backprop(prompt: "Fill the gradients.", script: "x = 2\nw = 3\nz = x*w\nL = 2*z\n"),
        ]),
    ],
)
"#;

/// Types `text` into the field for `dL/dNAME` and presses Enter.
fn enter(harness: &mut Harness<'static, BackpropApp>, field: &str, text: &str) {
    let node = harness.get_by_role_and_label(Role::TextInput, field);
    node.focus();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, field)
        .type_text(text);
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
}

fn sigmoid_slope(z: f64) -> f64 {
    let s = 1.0 / (1.0 + (-z).exp());
    s * (1.0 - s)
}

#[test]
fn a_wrong_local_factor_is_named_before_any_answer_and_the_boxes_fill_in_order() {
    let (_lessons, _data, mut harness) =
        one_lesson_app("ui-by-hand-graph", "01-hand.ron", GRAPH_LESSON);
    harness.get_by_label("Backprop it yourself").click();
    harness.run();
    // The gradients are off the boxes (and out of their descriptions).
    assert!(
        labels(&harness)
            .iter()
            .filter(|l| l.contains("gradient hidden"))
            .count()
            >= 3,
        "{:?}",
        labels(&harness)
    );
    assert!(shows_containing(&harness, "after h"), "dL/dz waits for h");

    enter(&mut harness, "dL/dh =", "3");
    assert!(harness.query_by_label("right").is_some());

    // 3 × 0.5 uses the right upstream gradient (3) with a wrong local factor.
    enter(&mut harness, "dL/dz =", "1.5");
    assert!(shows_containing(&harness, "Not quite, dL/dz."));
    assert!(
        shows_containing(&harness, "the local factor dh/dz is off"),
        "{:?}",
        labels(&harness)
    );
    // No answer yet: the box's gradient is still hidden.
    let slope = 3.0 * sigmoid_slope(1.0);
    assert!(!shows_containing(&harness, &format!("{slope:.4}")));

    // The right number, typed as arithmetic, then the last box.
    enter(&mut harness, "dL/dz =", "3*0.7311*(1-0.7311)");
    assert!(harness.query_by_label("right on try 2").is_some());
    enter(&mut harness, "dL/dx =", &format!("{}", 2.0 * slope));
    assert!(shows_containing(
        &harness,
        "Done: 2 of 3 boxes right on the first try."
    ));
    // Every gradient is back on the graph to compare.
    assert!(!shows_containing(&harness, "gradient hidden"));
}

#[test]
fn a_backprop_question_scores_its_first_tries() {
    let (_lessons, _data, mut harness) =
        one_lesson_app("ui-by-hand-quiz", "01-quiz.ron", QUIZ_LESSON);
    // L = 2z, z = x·w: dL/dz = 2; dL/dx = 2w = 6, dL/dw = 2x = 4.
    enter(&mut harness, "dL/dz =", "2");
    // The multiply gate's own value instead of its partner's.
    enter(&mut harness, "dL/dx =", "4");
    assert!(
        shows_containing(&harness, "multiplied by x's own value"),
        "{:?}",
        labels(&harness)
    );
    enter(&mut harness, "dL/dx =", "6");
    enter(&mut harness, "dL/dw =", "4");
    assert!(shows_containing(
        &harness,
        "Done: 2 of 3 boxes right on the first try."
    ));
    harness.get_by_label("Finish lesson").click();
    harness.run();
    assert!(
        harness
            .query_by_label("Score: 0 of 1 right on the first try (1 of 1 after retries)")
            .is_some(),
        "{:?}",
        labels(&harness)
    );
}
