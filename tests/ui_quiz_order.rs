//! A learner sees a choice question's options in a shuffled order: the right one is not
//! always first, ticking it is graded right wherever it is shown, and "Try again"
//! shuffles again. An author's `fixed_order` keeps the written order.

use backprop_lab::app::BackpropApp;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

mod common;
#[path = "common/ui.rs"]
mod ui_common;
use common::TempFolder;
use ui_common::app;

const OPTIONS: [&str; 4] = [
    "Alpha option",
    "Beta option",
    "Gamma option",
    "Delta option",
];

fn lesson(fixed: bool) -> String {
    format!(
        r#"Lesson(
    title: "Order",
    sections: [
        Quiz(title: "Pick", questions: [
            Choice(prompt: "Which one?", fixed_order: {fixed}, options: [
                (text: "{}", correct: true, explanation: "Yes."),
                (text: "{}", explanation: "No."),
                (text: "{}", explanation: "No."),
                (text: "{}", explanation: "No."),
            ]),
        ]),
    ],
)
"#,
        OPTIONS[0], OPTIONS[1], OPTIONS[2], OPTIONS[3]
    )
}

/// The options' texts from top to bottom, as shown.
fn shown_order(harness: &Harness<'static, BackpropApp>) -> Vec<&'static str> {
    let mut placed: Vec<(f64, &'static str)> = OPTIONS
        .iter()
        .map(|&text| {
            let node = harness.get_by_label(text);
            let top = node.accesskit_node().bounding_box().map_or(0.0, |r| r.y0);
            (top, text)
        })
        .collect();
    placed.sort_by(|a, b| a.0.total_cmp(&b.0));
    placed.into_iter().map(|(_, t)| t).collect()
}

#[test]
fn options_are_shuffled_graded_where_shown_and_reshuffled_on_try_again() {
    let lessons = TempFolder::new("ui-order-lessons");
    std::fs::write(lessons.join("01-order.ron"), lesson(false)).expect("write lesson");
    let data = TempFolder::new("ui-order-data");
    let mut harness = app(&lessons, &data);
    let mut orders = std::collections::BTreeSet::new();
    for _ in 0..6 {
        let order = shown_order(&harness);
        orders.insert(order.clone());
        // Tick the right option wherever it stands.
        harness.get_by_label(OPTIONS[0]).click();
        harness.run();
        harness.get_by_label("Check answer").click();
        harness.run();
        harness.get_by_label("Right!");
        // The same order while the learner works.
        assert_eq!(shown_order(&harness), order);
        harness
            .get_by_label("Try again, options reshuffled")
            .click();
        harness.run();
    }
    assert!(
        orders.len() > 1,
        "the order changes with a new attempt: {orders:?}"
    );
    assert!(
        orders.iter().any(|o| o[0] != OPTIONS[0]),
        "the right option is not always first: {orders:?}"
    );
    // A wrong option is wrong wherever it stands.
    harness.get_by_label(OPTIONS[2]).click();
    harness.run();
    harness.get_by_label("Check answer").click();
    harness.run();
    harness.get_by_label("Not quite: read the notes above and try again.");
}

#[test]
fn fixed_order_shows_the_written_order() {
    let lessons = TempFolder::new("ui-fixed-lessons");
    std::fs::write(lessons.join("01-order.ron"), lesson(true)).expect("write lesson");
    let data = TempFolder::new("ui-fixed-data");
    let mut harness = app(&lessons, &data);
    for _ in 0..3 {
        assert_eq!(shown_order(&harness), OPTIONS.to_vec());
        harness.get_by_label(OPTIONS[1]).click();
        harness.run();
        harness.get_by_label("Check answer").click();
        harness.run();
        harness.get_by_label("Try again").click();
        harness.run();
    }
}
