//! Spaced review as a learner meets it, on a clock the test moves: a question missed on
//! its first try is not due at once, is due in Review two days later with new numbers,
//! and once answered there waits for its next turn. And a version-1 progress file keeps
//! every record when the app moves it to question ids.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use backprop_lab::app::BackpropApp;
use backprop_lab::app::navigator::Page;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod common;
#[path = "common/ui.rs"]
mod ui_common;
use common::TempFolder;
use ui_common::{answer_the_number, app, one_lesson_app, test_clock};

const LESSON: &str = r#"Lesson(
    title: "Review Lesson",
    sections: [
        Quiz(title: "Q", questions: [
            Numeric(prompt: "y = 3x at x = {{value x}}. What is dy/dx?", script: "x = 2\ny = 3*x", parameters: [(name: "x", min: 1, max: 5, step: 1)], answer: "grad x"),
            Choice(prompt: "Which one?", fixed_order: true, options: [
                (text: "Right one", correct: true),
                (text: "Wrong one"),
            ]),
        ]),
    ],
)
"#;

const DAY: u64 = 86_400;
const START: u64 = 1_800_000_000;

/// The app on the test lesson with a clock the test holds.
fn review_app(
    name: &str,
) -> (
    TempFolder,
    TempFolder,
    Harness<'static, BackpropApp>,
    Arc<AtomicU64>,
) {
    let lessons = TempFolder::new(name);
    std::fs::write(lessons.join("01-review.ron"), LESSON).expect("write");
    let data = TempFolder::new(&format!("{name}-data"));
    let mut harness = app(&lessons, &data);
    let clock = test_clock(&mut harness, START);
    (lessons, data, harness, clock)
}

fn shows(harness: &Harness<'static, BackpropApp>, label: &str) -> bool {
    harness.query_by_label(label).is_some()
}

#[test]
fn a_missed_question_is_due_in_review_after_the_clock_moves_on() {
    let (_lessons, _data, mut harness, clock) = review_app("ui-review");
    answer_the_number(&mut harness, "0.5");
    assert!(shows(&harness, "Not quite."));
    // Not due at once: the list says "Review" with no count.
    assert!(shows(&harness, "Review"));
    harness.get_by_label("Review").click();
    harness.run();
    assert!(shows(&harness, "Nothing is due now."));
    assert!(shows(&harness, "The next question comes back tomorrow."));

    // Two days on, it is due.
    clock.store(START + 2 * DAY, Ordering::SeqCst);
    harness.run();
    assert!(shows(&harness, "Review · 1 due"));
    assert!(shows(&harness, "1 question is due, from one lesson."));
    harness.get_by_label("Start the review").click();
    harness.run();
    assert!(shows(&harness, "Question 1 · from Review Lesson"));
    // Whatever numbers it drew, 3 is right (dy/dx = 3).
    answer_the_number(&mut harness, "3");
    assert!(shows(
        &harness,
        "Review done: 1 of 1 right on the first try. Missed ones come back tomorrow."
    ));
    let lesson = harness.state().progress().lesson("01-review.ron");
    let log = lesson.answers.values().next().expect("one question's log");
    assert!(
        log.iter()
            .any(|a| a.review && a.right && a.first && a.at == START + 2 * DAY)
    );
    // Answered: it waits for its next turn.
    harness.get_by_label("Close this review").click();
    harness.run();
    assert!(shows(&harness, "Nothing is due now."));
    assert!(!shows(&harness, "Review · 1 due"));
    assert_eq!(harness.state().page(), Page::Review);
}

#[test]
fn a_version_1_file_keeps_every_record_under_question_ids() {
    let lessons = TempFolder::new("ui-migrate");
    std::fs::write(lessons.join("01-review.ron"), LESSON).expect("write");
    let data = TempFolder::new("ui-migrate-data");
    // Format 1: records by question number; number 5 has no question today.
    let planted = "(version: 1, lessons: {\"01-review.ron\": (opened: true, correct: [0, 1, 5], \
                   question_count: 2, attempts: 4, first_try: {0: false, 1: true, 5: true})})";
    std::fs::write(data.join("progress.ron"), planted).expect("plant");
    let mut harness = app(&lessons, &data);
    let lesson = harness.state().progress().lesson("01-review.ron");
    assert_eq!(
        lesson.answers.len(),
        2,
        "both questions have their records by id"
    );
    assert_eq!((lesson.first_try_score(), lesson.best_score()), (2, 3));
    assert_eq!(lesson.correct, [5].into(), "kept where it cannot be placed");

    // My progress shows the same scores, first try and best (capped at the lesson's 2
    // questions).
    harness.state_mut().open(Page::Progress);
    harness.run();
    assert_eq!(harness.query_all_by_label("2 of 2").count(), 2);

    // A save writes format 2 with every record.
    harness.state_mut().open(Page::Lesson(0));
    harness.run();
    harness.get_by_label("Right one").click();
    harness.run();
    harness
        .get_all_by_label("Check answer")
        .last()
        .expect("the choice question's button")
        .click();
    harness.run();
    let text = std::fs::read_to_string(data.join("progress.ron")).expect("saved");
    let saved = backprop_lab::progress::store::from_ron(&text).expect("reads");
    assert_eq!(saved.version, 2);
    let lesson = saved.lesson("01-review.ron");
    assert_eq!((lesson.first_try_score(), lesson.best_score()), (2, 3));
    assert_eq!(lesson.first_try, [(5, true)].into());
    let records: usize = lesson.answers.values().map(Vec::len).sum();
    assert_eq!(
        records, 4,
        "two migrated first tries, one right answer, one new"
    );
}

const CARDS: &str = r#"Lesson(
    title: "Card Lesson",
    sections: [
        Cards(title: "Deck", cards: [
            Flash(question: "What does an add gate do to the blame?", answer: "Copies it to both inputs."),
        ]),
    ],
)
"#;

fn settle(harness: &mut Harness<'static, BackpropApp>) {
    // A card turns over in 0.3 s of egui's clock.
    for _ in 0..30 {
        harness.step();
    }
    harness.run();
}

#[test]
fn a_card_marked_not_yet_comes_back_the_next_day() {
    let (_lessons, _data, mut harness) = one_lesson_app("ui-review-cards", "01-cards.ron", CARDS);
    let clock = test_clock(&mut harness, START);
    harness.get_by_label("Turn the card").click();
    settle(&mut harness);
    harness.get_by_label("Not yet").click();
    harness.run();
    assert!(!shows(&harness, "Review · 1 due"), "not the same day");
    clock.store(START + DAY, Ordering::SeqCst);
    harness.run();
    assert!(shows(&harness, "Review · 1 due"));
    harness.get_by_label("Review · 1 due").click();
    harness.run();
    assert!(shows(&harness, "1 card is due, from one lesson."));
    harness.get_by_label("Start the review").click();
    harness.run();
    harness.get_by_label("Turn the card").click();
    settle(&mut harness);
    harness.get_by_label("I knew it").click();
    harness.run();
    assert!(shows(&harness, "Review done."));
    let lesson = harness.state().progress().lesson("01-cards.ron");
    assert_eq!(lesson.cards.get(&0), Some(&true));
    assert_eq!(lesson.card_times.get(&0), Some(&(START + DAY)));
}
