//! A learner answers a quiz, sees the feedback, finds the score on the progress page, and
//! finds it again after restarting the app from the same storage folder. A damaged
//! progress file is reported in the app.

use std::path::{Path, PathBuf};

use backprop_lab::app::navigator::Page;
use backprop_lab::app::{BackpropApp, LessonSource};
use backprop_lab::progress::FileStore;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

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

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("backprop-lab-ui-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn app(lessons: &Path, data: &Path) -> Harness<'static, BackpropApp> {
    let (lessons, data) = (lessons.to_path_buf(), data.to_path_buf());
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .build_eframe(move |_cc| {
            let mut app =
                BackpropApp::with_state(&LessonSource::Folder(lessons), "x = 1".into(), false);
            app.use_store(Box::new(FileStore::new(data)));
            app
        });
    harness.run();
    harness
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
    harness.get_by_label("1 of 2");
    harness.get_by_label("2"); // answers checked
    drop(harness);

    // Restart from the same storage folder.
    let mut harness = app(&lessons, &data);
    harness.get_by_label("My progress").click();
    harness.run();
    harness.get_by_label("1 of 2");

    // Reset, with a confirmation.
    harness.get_by_label("Reset progress...").click();
    harness.run();
    harness.get_by_label("Yes, erase my progress").click();
    harness.run();
    harness.get_by_label("0 of 2");
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
