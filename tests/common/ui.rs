//! The app in a kittest harness, for UI tests that bring their own lessons.

use std::path::Path;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use backprop_lab::app::{BackpropApp, LessonSource};
use backprop_lab::progress::FileStore;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

/// The app at 1200 × 800 with the lessons of folder `lessons`, keeping its progress in
/// folder `data`, after its first frame.
pub fn app(lessons: &Path, data: &Path) -> Harness<'static, BackpropApp> {
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

/// Every label and value in the app's accessibility tree (text runs of one label are
/// separate nodes, so a check for a phrase looks through all of them).
#[allow(dead_code)]
pub fn labels(harness: &Harness<'static, BackpropApp>) -> Vec<String> {
    harness
        .query_all_by(|_| true)
        .flat_map(|node| {
            let node = node.accesskit_node();
            [node.label(), node.value()]
        })
        .flatten()
        .collect()
}

/// Whether some label or value contains `part`.
#[allow(dead_code)]
pub fn shows_containing(harness: &Harness<'static, BackpropApp>, part: &str) -> bool {
    labels(harness).iter().any(|l| l.contains(part))
}

/// Types `text` into the numeric question's field ("Your answer:") and presses the
/// "Check answer" button on the field's row.
#[allow(dead_code)]
pub fn answer_the_number(harness: &mut Harness<'static, BackpropApp>, text: &str) {
    let field = harness.get_by_label("Your answer:");
    let row = field.rect().center().y;
    field.focus();
    field.type_text(text);
    harness.run();
    let button = harness
        .query_all_by_label("Check answer")
        .min_by(|a, b| {
            let (da, db) = (
                (a.rect().center().y - row).abs(),
                (b.rect().center().y - row).abs(),
            );
            da.total_cmp(&db)
        })
        .expect("a Check answer button");
    button.click();
    harness.run();
}

/// Gives the app a clock the test holds, at `start` seconds since 1970; the test moves it.
#[allow(dead_code)]
pub fn test_clock(harness: &mut Harness<'static, BackpropApp>, start: u64) -> Arc<AtomicU64> {
    let clock = Arc::new(AtomicU64::new(start));
    let reading = Arc::clone(&clock);
    harness
        .state_mut()
        .use_clock(move || reading.load(Ordering::SeqCst));
    harness.run();
    clock
}

/// The app on a folder holding one lesson file (`file`, with `text`), with its own data
/// folder; both folders are returned to be kept alive while the test runs.
#[allow(dead_code)]
pub fn one_lesson_app(
    name: &str,
    file: &str,
    text: &str,
) -> (
    super::common::TempFolder,
    super::common::TempFolder,
    Harness<'static, BackpropApp>,
) {
    let lessons = super::common::TempFolder::new(name);
    std::fs::write(lessons.join(file), text).expect("write the lesson");
    let data = super::common::TempFolder::new(&format!("{name}-data"));
    let harness = app(&lessons, &data);
    (lessons, data, harness)
}
