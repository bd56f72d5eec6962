//! The progress file: round trip, backups, damaged files set aside, older versions, and a
//! crash in the middle of a save.

use std::path::PathBuf;

use backprop_lab::progress::{FileStore, Progress, ProgressStore};

mod common;
use common::TempFolder;

fn folder(name: &str) -> TempFolder {
    TempFolder::new(&format!("progress-{name}"))
}

fn sample() -> Progress {
    let mut p = Progress::default();
    p.open("01-blame-game.ron");
    p.answer("01-blame-game.ron", 1, 3, true);
    p.answer("01-blame-game.ron", 2, 3, false);
    p.finish("01-blame-game.ron");
    p
}

#[test]
fn saved_progress_loads_back() {
    let dir = folder("round-trip");
    let mut store = FileStore::new(&*dir);
    let loaded = store.load();
    assert_eq!(loaded.progress, Progress::default());
    assert_eq!(loaded.notice, None);
    store.save(&sample()).expect("saves");
    let loaded = FileStore::new(&*dir).load();
    assert_eq!(loaded.progress, sample());
    assert_eq!(loaded.notice, None);
    let lesson = loaded.progress.lesson("01-blame-game.ron");
    assert_eq!((lesson.best_score(), lesson.attempts), (1, 2));
}

#[test]
fn each_save_keeps_the_previous_version_as_a_backup() {
    let dir = folder("backup");
    let mut store = FileStore::new(&*dir);
    store.save(&Progress::default()).expect("first save");
    store.save(&sample()).expect("second save");
    let backup = std::fs::read_to_string(store.backup_path()).expect("a backup exists");
    let previous = backprop_lab::progress::store::from_ron(&backup).expect("backup parses");
    assert_eq!(previous, Progress::default());
    assert!(!store.temporary_path().exists());
}

#[test]
fn a_damaged_file_is_set_aside_reported_and_never_overwritten() {
    let dir = folder("corrupt");
    let mut store = FileStore::new(&*dir);
    let damaged = "(version: 1, lessons: {\"a.ron\": (opened: tru";
    std::fs::write(store.path(), damaged).expect("write damaged file");
    let loaded = store.load();
    assert_eq!(loaded.progress, Progress::default());
    let notice = loaded.notice.expect("the learner is told");
    assert!(notice.contains("damaged"), "{notice}");
    let aside: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("progress.ron.corrupt-"))
        })
        .collect();
    assert_eq!(aside.len(), 1, "the damaged file is kept");
    assert!(notice.contains(&aside[0].display().to_string()), "{notice}");
    assert_eq!(std::fs::read_to_string(&aside[0]).expect("read"), damaged);
    // Saving afterwards writes a new file and leaves the damaged one alone.
    store.save(&sample()).expect("saves");
    assert_eq!(std::fs::read_to_string(&aside[0]).expect("read"), damaged);
    assert_eq!(store.load().progress, sample());
}

#[test]
fn a_file_from_an_older_version_loads() {
    let dir = folder("older");
    let mut store = FileStore::new(&*dir);
    // Version 0 had no version field and no attempts count.
    std::fs::write(
        store.path(),
        "(lessons: {\"01-blame-game.ron\": (opened: true, finished: true)})",
    )
    .expect("write");
    let loaded = store.load();
    assert_eq!(loaded.notice, None);
    let lesson = loaded.progress.lesson("01-blame-game.ron");
    assert!(lesson.opened && lesson.finished);
    assert_eq!(lesson.attempts, 0);
}

#[test]
fn a_crash_between_writing_and_renaming_leaves_the_old_progress() {
    let dir = folder("crash");
    let mut store = FileStore::new(&*dir);
    store.save(&sample()).expect("saves");
    // A save that died after writing part of its temporary file, before the rename.
    std::fs::write(store.temporary_path(), "(version: 1, lessons: {\"x").expect("write");
    let loaded = FileStore::new(&*dir).load();
    assert_eq!(loaded.progress, sample());
    assert_eq!(loaded.notice, None);
    // The next save replaces the stale temporary file.
    store.save(&Progress::default()).expect("saves");
    assert_eq!(FileStore::new(&*dir).load().progress, Progress::default());
}
