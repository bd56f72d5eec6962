//! A learner answers a quiz, sees the feedback, finds the score on the progress page, and
//! finds it again after restarting the app from the same storage folder. A damaged
//! progress file is reported in the app.

use backprop_lab::app::BackpropApp;
use backprop_lab::app::navigator::Page;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

const LESSON: &str = r##"Lesson(
    title: "Quiz time",
    sections: [
        Graph(script: r#"
x = 2
y = 3*x
z = y^2
"#),
        Quiz(title: "Check yourself", questions: [
            Choice(prompt: "Which gradient does backprop start with?", options: [
                (text: "dz/dz = 1", correct: true, explanation: "The output's gradient with respect to itself is 1."),
                (text: "dz/dx", explanation: "That is where it ends, not where it starts."),
            ]),
            Choice(prompt: "Is y an input?", options: [
                (text: "Yes", explanation: "y is computed from x."),
                (text: "No", correct: true, explanation: "Only a bare number declares an input."),
            ]),
        ]),
    ],
)
"##;

mod common;
#[path = "common/ui.rs"]
mod ui_common;
use common::TempFolder;
use ui_common::app;

fn temp(name: &str) -> TempFolder {
    TempFolder::new(&format!("ui-{name}"))
}

#[test]
fn a_quiz_score_shows_on_the_progress_page_and_survives_a_restart() {
    let lessons = temp("quiz-lessons");
    std::fs::write(lessons.join("01-quiz.ron"), LESSON).expect("write lesson");
    let data = temp("quiz-data");

    let mut harness = app(&lessons, &data);
    harness.get_by_label("dz/dz = 1").click();
    harness.run();
    let first = harness
        .query_all_by_label("Check answer")
        .next()
        .expect("first question");
    first.click();
    harness.run();
    harness.get_by_label("Right!");
    harness.get_by_label("Right: The output's gradient with respect to itself is 1.");

    // A wrong answer to the second question: feedback, and no point.
    let buttons: Vec<_> = harness.query_all_by_label("Check answer").collect();
    assert_eq!(buttons.len(), 2);
    harness.get_by_label("Yes").click();
    harness.run();
    let second = harness
        .query_all_by_label("Check answer")
        .nth(1)
        .expect("second question");
    second.click();
    harness.run();
    harness.get_by_label("Not quite: read the notes above and try again.");
    harness.get_by_label("Wrong: y is computed from x.");

    harness.get_by_label("My progress").click();
    harness.run();
    assert_eq!(harness.state().page(), Page::Progress);
    // First try and best score: both 1 of 2.
    assert_eq!(harness.query_all_by_label("1 of 2").count(), 2);
    harness.get_by_label("2"); // answers checked
    drop(harness);

    // Restart from the same storage folder.
    let mut harness = app(&lessons, &data);
    harness.get_by_label("My progress").click();
    harness.run();
    assert_eq!(harness.query_all_by_label("1 of 2").count(), 2);

    // Reset, with a confirmation.
    harness.get_by_label("Reset progress...").click();
    harness.run();
    harness.get_by_label("Yes, erase my progress").click();
    harness.run();
    assert_eq!(harness.query_all_by_label("0 of 2").count(), 2);
}

#[test]
fn a_damaged_progress_file_is_reported_and_kept() {
    let lessons = temp("damaged-lessons");
    std::fs::write(lessons.join("01-quiz.ron"), LESSON).expect("write lesson");
    let data = temp("damaged-data");
    std::fs::write(data.join("progress.ron"), "(version: 1, lessons: {").expect("write");
    let harness = app(&lessons, &data);
    assert!(
        harness
            .query_by_label_contains("Your saved progress in")
            .is_some(),
        "the learner is told"
    );
    let kept = std::fs::read_dir(&data)
        .expect("list")
        .filter_map(Result::ok)
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("progress.ron.corrupt-")
        });
    assert!(kept, "the damaged file is set aside");
}

const TYPED: &str = r##"Lesson(
    title: "Typed answers",
    sections: [
        Quiz(title: "Type it", questions: [
            Numeric(
                prompt: r#"y = {{value k}}*x, z = y^2. What is dz/dx at x = {{value x}}?"#,
                script: r#"
k = 3
x = 1
y = k*x
z = y^2
"#,
                parameters: [(name: "k", min: 2, max: 4, step: 1), (name: "x", min: 1, max: 3, step: 1)],
                answer: "grad x",
                explanation: r#"2y times k is {{grad x}}."#,
            ),
            Formula(
                prompt: "With y = 3x and z = y^2, write dz/dx.",
                variables: ["x"],
                reference: "18*x",
            ),
        ]),
    ],
)
"##;

/// Replaces the text of the first field labelled `label` and presses the `button`-th
/// "Check answer" of the page.
fn answer(harness: &mut Harness<'static, BackpropApp>, label: &str, button: usize, text: &str) {
    let n = 0;
    let field = harness
        .query_all_by_label(label)
        .nth(n)
        .expect("an answer field");
    field.focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    let field = harness
        .query_all_by_label(label)
        .nth(n)
        .expect("an answer field");
    field.type_text(text);
    harness.run();
    let check = harness
        .query_all_by_label("Check answer")
        .nth(button)
        .expect("a check button");
    check.click();
    harness.run();
}

#[test]
fn typed_numbers_and_formulas_are_graded_with_feedback() {
    let lessons = temp("typed-lessons");
    std::fs::write(lessons.join("01-typed.ron"), TYPED).expect("write lesson");
    let data = temp("typed-data");
    let mut harness = app(&lessons, &data);

    // A wrong number: feedback that holds the answer back until the learner asks for the
    // worked solution; then the engine's answer and the explanation.
    answer(&mut harness, "Your answer:", 0, "123456");
    harness.get_by_label("Not quite.");
    assert!(
        harness
            .query_by_label_contains("The engine's answer: ")
            .is_none()
    );
    harness.get_by_label("Show the worked solution").click();
    harness.run();
    let node = harness
        .query_by_label_contains("The engine's answer: ")
        .expect("the right answer is shown");
    let shown = node
        .accesskit_node()
        .label()
        .filter(|l| !l.is_empty())
        .or_else(|| node.value())
        .unwrap_or_default();
    let right = shown
        .trim_start_matches("The engine's answer: ")
        .to_string();
    // Typing the engine's number is right.
    answer(&mut harness, "Your answer:", 0, &right);
    let typed = harness
        .query_all_by_label("Your answer:")
        .next()
        .and_then(|n| n.value());
    assert!(
        harness.query_by_label("Right!").is_some(),
        "typed {typed:?}, expected {right}"
    );

    // Formulas: a typing error is shown at its column and not counted; equivalent forms pass.
    answer(&mut harness, "Your formula:", 1, "18x");
    assert!(
        harness.query_by_label_contains("Column 3: ").is_some(),
        "the position of the typing error"
    );
    answer(&mut harness, "Your formula:", 1, "9*x");
    assert_eq!(harness.query_all_by_label("Not quite.").count(), 1);
    // No right formula on screen to copy until the learner asks for it.
    assert!(harness.query_by_label_contains("A right answer:").is_none());
    answer(&mut harness, "Your formula:", 1, "6*(3*x)");
    assert_eq!(harness.query_all_by_label("Right!").count(), 2);

    let progress = harness.state().progress().lesson("01-typed.ron");
    assert_eq!(progress.best_score(), 2);
    assert_eq!(
        progress.attempts, 4,
        "the unreadable formula is not counted"
    );

    // New numbers on request.
    harness.get_by_label("Try again with new numbers").click();
    harness.run();
    assert!(
        harness
            .query_by_label_contains("The engine's answer: ")
            .is_none()
    );
}

#[test]
fn a_row_of_the_progress_page_opens_its_lesson() {
    let lessons = temp("row-lessons");
    std::fs::write(lessons.join("01-quiz.ron"), LESSON).expect("write lesson");
    std::fs::write(
        lessons.join("02-second.ron"),
        LESSON.replace("Quiz time", "Second lesson"),
    )
    .expect("write lesson");
    let data = temp("row-data");
    let mut harness = app(&lessons, &data);
    harness.get_by_label("My progress").click();
    harness.run();
    assert_eq!(harness.state().page(), Page::Progress);
    // Every column has a header, the last one included (short ones at 1200 px).
    harness.get_by_label("Hints");
    harness.get_by_label("Cards");
    // Cards are counted out of each lesson's decks: these lessons have none.
    assert_eq!(harness.query_all_by_label("no cards").count(), 2);
    harness.get_by_label("2. Second lesson").click();
    harness.run();
    assert_eq!(harness.state().page(), Page::Lesson(1));
}
