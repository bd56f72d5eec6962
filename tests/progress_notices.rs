//! Every notice about saved progress that applies is shown, not only the last one.

use backprop_lab::app::{BackpropApp, LessonSource};
use backprop_lab::progress::{Loaded, Progress, ProgressStore, SaveError};

/// A store whose file was damaged and whose saves fail.
struct Broken;

impl ProgressStore for Broken {
    fn load(&mut self) -> Loaded {
        Loaded {
            progress: Progress::default(),
            notice: Some("Your saved progress was damaged.".into()),
        }
    }

    fn save(&mut self, _: &Progress) -> Result<(), SaveError> {
        Err(SaveError {
            path: "/nowhere/progress.ron".into(),
            source: std::io::Error::other("disk full"),
        })
    }

    fn take_notices(&mut self) -> Vec<String> {
        vec!["A file was set aside while saving.".into()]
    }

    fn location(&self) -> String {
        "nowhere".into()
    }
}

#[test]
fn a_damaged_file_and_a_failed_save_are_both_shown() {
    let mut app = BackpropApp::with_state(&LessonSource::Embedded, "x = 1".into(), false);
    app.use_store(Box::new(Broken));
    let notices = app.notices();
    assert_eq!(notices.len(), 3, "{notices:?}");
    assert!(notices[0].contains("damaged"), "{notices:?}");
    assert!(notices[1].contains("set aside"), "{notices:?}");
    assert!(notices[2].contains("disk full"), "{notices:?}");
    // The same failure again is not repeated.
    app.open(backprop_lab::app::navigator::Page::Lesson(1));
    assert_eq!(app.notices().len(), 3, "{:?}", app.notices());
}

/// A store whose every save fails with another message (as a full disk names another
/// temporary file each time).
struct Full(u32);

impl ProgressStore for Full {
    fn load(&mut self) -> Loaded {
        Loaded {
            progress: Progress::default(),
            notice: None,
        }
    }

    fn save(&mut self, _: &Progress) -> Result<(), SaveError> {
        self.0 += 1;
        Err(SaveError {
            path: "/full/progress.ron".into(),
            source: std::io::Error::other(format!("no space left writing .tmp{}", self.0)),
        })
    }

    fn location(&self) -> String {
        "full".into()
    }
}

#[test]
fn a_failing_disk_keeps_one_notice_the_latest_with_a_count() {
    let mut app = BackpropApp::with_state(&LessonSource::Embedded, "x = 1".into(), false);
    app.use_store(Box::new(Full(0)));
    for lesson in 1..6 {
        app.open(backprop_lab::app::navigator::Page::Lesson(lesson));
    }
    let notices = app.notices();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].contains(".tmp6"), "the latest: {notices:?}");
    assert!(
        notices[0].ends_with("(6 saves have failed.)"),
        "{notices:?}"
    );
}
