//! The app in a kittest harness, for UI tests that bring their own lessons.

use std::path::Path;

use backprop_lab::app::{BackpropApp, LessonSource};
use backprop_lab::progress::FileStore;
use egui_kittest::Harness;

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
