//! An assessment as a learner finishes it: "Finish lesson" asks first while questions are
//! unanswered, the results show the score and each quiz's questions right or wrong with a
//! link back to the lesson they test, and "Retake with new numbers" starts afresh.

use backprop_lab::app::BackpropApp;
use backprop_lab::app::navigator::Page;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

mod common;
#[path = "common/ui.rs"]
mod ui_common;
use common::TempFolder;
use ui_common::{answer_the_number, app, one_lesson_app};

const ASSESSMENT: &str = r#"Lesson(
    title: "Test Assessment",
    assessment: true,
    sections: [
        Quiz(title: "Part A", lesson: "02-alpha.ron", questions: [
            Choice(prompt: "Which one?", fixed_order: true, options: [
                (text: "Right one", correct: true),
                (text: "Wrong one"),
            ]),
        ]),
        Quiz(title: "Part B", questions: [
            Numeric(prompt: "y = 3x at x = 2. What is dy/dx?", script: "x = 2\ny = 3*x", answer: "grad x"),
        ]),
    ],
)
"#;

const ALPHA: &str = r#"Lesson(
    title: "Alpha Lesson",
    sections: [Text("Alpha body text.")],
)
"#;

fn click(harness: &mut Harness<'static, BackpropApp>, label: &str) {
    harness.get_by_label(label).click();
    harness.run();
}

/// The app on a folder holding the test assessment and the lesson it links to, with its
/// own data folder (both kept alive by the caller).
fn assessment_app(name: &str) -> (TempFolder, TempFolder, Harness<'static, BackpropApp>) {
    let lessons = TempFolder::new(name);
    std::fs::write(lessons.join("01-assessment.ron"), ASSESSMENT).expect("write");
    std::fs::write(lessons.join("02-alpha.ron"), ALPHA).expect("write");
    let data = TempFolder::new(&format!("{name}-data"));
    let harness = app(&lessons, &data);
    (lessons, data, harness)
}

fn shows(harness: &Harness<'static, BackpropApp>, label: &str) -> bool {
    harness.query_by_label(label).is_some()
}

#[test]
fn finishing_asks_first_then_shows_results_linked_to_lessons_and_a_retake() {
    let (_lessons, _data, mut harness) = assessment_app("ui-assessment-lessons");
    assert_eq!(harness.state().page(), Page::Lesson(0));

    // One question answered, one not: finishing asks first.
    click(&mut harness, "Right one");
    let checks: Vec<_> = harness.query_all_by_label("Check answer").collect();
    checks
        .first()
        .expect("the choice question's button")
        .click();
    harness.run();
    click(&mut harness, "Finish lesson");
    assert!(shows(
        &harness,
        "Not answered yet: 1 of 2 questions. They count as wrong. Finish anyway?"
    ));
    click(&mut harness, "Keep answering");
    assert!(!shows(&harness, "Finish anyway"));
    assert!(!shows(&harness, "Your results"));

    // Answer the other question, then finishing shows the results at once.
    answer_the_number(&mut harness, "3");
    click(&mut harness, "Finish lesson");
    assert!(shows(&harness, "Your results"));
    assert!(shows(
        &harness,
        "Score: 2 of 2 right on the first try (2 of 2 after retries)"
    ));
    // One row per part: its first-try and final bars, each question in a word.
    assert!(shows(&harness, "Part A") && shows(&harness, "Part B"));
    assert_eq!(harness.query_all_by_label("1 of 1").count(), 4);
    assert_eq!(harness.query_all_by_label("Question 1: right").count(), 2);
    assert!(shows(&harness, "Open Alpha Lesson"));
    // Finishing the assessment finished the lesson.
    assert!(harness.state().progress().is_finished("01-assessment.ron"));

    // A retake: new numbers, nothing answered; asking for the results at once asks first.
    click(&mut harness, "Retake with new numbers");
    assert!(!shows(&harness, "Your results"));
    click(&mut harness, "See my results");
    click(&mut harness, "Finish anyway");
    assert!(shows(
        &harness,
        "Score: 0 of 2 right on the first try (0 of 2 after retries)"
    ));
    // The results open at the top of the page, wherever the learner had scrolled.
    let top = harness
        .get_by_label("Your results")
        .accesskit_node()
        .bounding_box()
        .map_or(f64::MAX, |r| r.y0);
    assert!(top < 200.0, "the results heading is at the top: {top}");
    assert_eq!(harness.query_all_by_label("0 of 1").count(), 4);
    assert_eq!(
        harness
            .query_all_by_label("Question 1: not answered")
            .count(),
        2
    );

    // The breakdown links back to the lesson a quiz tests.
    click(&mut harness, "Revisit Alpha Lesson");
    assert_eq!(harness.state().page(), Page::Lesson(1));
    assert!(shows(&harness, "Alpha body text."));
}

/// The score counts first tries: a question answered wrong, then right after the worked
/// solution, scores 0 and says "right after a retry"; the final count shows beside it.
#[test]
fn a_retried_question_keeps_its_first_try_score() {
    let (_lessons, data, mut harness) = assessment_app("ui-assessment-first-try");
    // Wrong first, then right.
    click(&mut harness, "Wrong one");
    let check = |harness: &mut Harness<'static, BackpropApp>| {
        let checks: Vec<_> = harness.query_all_by_label("Check answer").collect();
        checks
            .first()
            .expect("the choice question's button")
            .click();
        harness.run();
    };
    check(&mut harness);
    assert!(shows(
        &harness,
        "Not quite: read the notes above and try again."
    ));
    click(&mut harness, "Try again");
    click(&mut harness, "Right one");
    check(&mut harness);
    assert!(shows(&harness, "Right!"));
    // The numeric question right at once.
    answer_the_number(&mut harness, "3");
    click(&mut harness, "Finish lesson");
    assert!(shows(
        &harness,
        "Score: 1 of 2 right on the first try (2 of 2 after retries)"
    ));
    // Part A: 0 first try, 1 after the retry; Part B: 1 and 1.
    assert_eq!(harness.query_all_by_label("0 of 1").count(), 1);
    assert_eq!(harness.query_all_by_label("1 of 1").count(), 3);
    assert!(shows(&harness, "Question 1: right after a retry"));
    // My progress keeps the first try beside the best score.
    let saved = std::fs::read_to_string(data.join("progress.ron")).expect("saved progress");
    let progress = backprop_lab::progress::store::from_ron(&saved).expect("readable");
    let lesson = progress.lesson("01-assessment.ron");
    assert_eq!((lesson.first_try_score(), lesson.best_score()), (1, 2));
}

const SEVERAL: &str = r#"Lesson(
    title: "Several",
    sections: [
        Quiz(title: "Pick", questions: [
            Choice(prompt: "Which are local gradients?", fixed_order: true, options: [
                (text: "dy/dx of y = 3x", correct: true, explanation: "It needs only the link itself."),
                (text: "dz/dy of z = y^2", correct: true, explanation: "2y, from the link's own input."),
                (text: "dz/dx", explanation: "That is the product of the two."),
            ]),
        ]),
    ],
)
"#;

/// A multi-select check explains every option the learner got wrong, a right one missed
/// included, and shows the right set.
#[test]
fn a_missed_right_option_is_explained_and_the_right_set_shown() {
    let (_lessons, _data, mut harness) = one_lesson_app("ui-several", "01-several.ron", SEVERAL);
    click(&mut harness, "dy/dx of y = 3x");
    click(&mut harness, "Check answer");
    assert!(shows(&harness, "Right: It needs only the link itself."));
    assert!(shows(
        &harness,
        "Missed, and right: 2y, from the link's own input."
    ));
    assert!(shows(
        &harness,
        "The right set: dy/dx of y = 3x; dz/dy of z = y^2."
    ));
    // The wrong option the learner did not tick needs no note.
    assert!(!shows(&harness, "Wrong: That is the product of the two."));
}

/// An answer field takes at most a stated number of characters and says so: a burst of
/// typing past it is cut, not laid out whole every frame.
#[test]
fn an_answer_field_takes_a_bounded_number_of_characters() {
    let (_lessons, _data, mut harness) = assessment_app("ui-answer-limit-lessons");
    let limit = backprop_lab::limits::ANSWER_CHARS;
    let note = format!("(at most {limit} characters)");
    assert!(!shows(&harness, &note));
    let field = harness.get_by_label("Your answer:");
    field.focus();
    field.type_text(&"1".repeat(limit + 300));
    harness.run();
    assert!(shows(&harness, &note));
    let field = harness.get_by_label("Your answer:");
    let value = field.value().unwrap_or_default();
    assert_eq!(value.chars().count(), limit, "{}", value.len());
}
