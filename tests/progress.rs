//! The progress file: round trip, backups, damaged files set aside, older versions, and a
//! crash in the middle of a save.

use std::path::PathBuf;

use backprop_lab::progress::{FileStore, Progress, ProgressStore};

mod common;
use common::TempFolder;

fn folder(name: &str) -> TempFolder {
    TempFolder::new(&format!("progress-{name}"))
}

/// Records one checked first try of question `question` (its id `qN`).
fn answer(p: &mut Progress, file: &str, question: u32, count: u32, right: bool) {
    let record = backprop_lab::progress::AnswerRecord {
        at: 1_800_000_000 + u64::from(question),
        right,
        ..Default::default()
    };
    p.record(file, &format!("q{question}"), count, record);
}

fn sample() -> Progress {
    let mut p = Progress::default();
    p.open("01-blame-game.ron");
    answer(&mut p, "01-blame-game.ron", 1, 3, true);
    answer(&mut p, "01-blame-game.ron", 2, 3, false);
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
    assert_eq!(leftover_temporaries(&dir), 0);
}

/// Temporary files a save left in the folder.
fn leftover_temporaries(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .count()
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
    let stale = dir.join(".progress.ron.a1b2c3.tmp");
    std::fs::write(&stale, "(version: 1, lessons: {\"x").expect("write");
    let loaded = FileStore::new(&*dir).load();
    assert_eq!(loaded.progress, sample());
    assert_eq!(loaded.notice, None);
    // The start cleared it; a save clears one left since, too.
    assert!(!stale.exists());
    std::fs::write(&stale, "(version: 1, lessons: {\"x").expect("write");
    // The next save, under the folder's lock, clears what the dead save left; a file that
    // is not a save's temporary stays.
    let other = dir.join("notes.tmp");
    std::fs::write(&other, "mine").expect("write");
    store.replace(&Progress::default()).expect("saves");
    assert_eq!(FileStore::new(&*dir).load().progress, Progress::default());
    assert!(!stale.exists());
    assert!(other.exists());
    assert_eq!(leftover_temporaries(&dir), 1);
}

#[cfg(unix)]
#[test]
fn planted_symlinks_are_replaced_never_written_through() {
    let dir = folder("symlinks");
    let victim_dir = folder("symlinks-victim");
    let victim = victim_dir.join("victim.txt");
    std::fs::write(&victim, "precious").expect("write victim");
    let mut store = FileStore::new(&*dir);
    store.save(&Progress::default()).expect("first save");
    // An attacker plants links at the backup's name and at the old fixed temporary name.
    std::os::unix::fs::symlink(&victim, store.backup_path()).expect("symlink");
    std::os::unix::fs::symlink(&victim, dir.join("progress.ron.tmp")).expect("symlink");
    store.save(&sample()).expect("second save");
    store.save(&sample()).expect("third save");
    assert_eq!(std::fs::read_to_string(&victim).expect("read"), "precious");
    let backup = std::fs::symlink_metadata(store.backup_path()).expect("backup");
    assert!(backup.is_file(), "the link was replaced by a file");
    assert_eq!(FileStore::new(&*dir).load().progress, sample());
}

#[cfg(unix)]
#[test]
fn a_symlinked_progress_file_is_replaced_not_written_through() {
    let dir = folder("symlink-main");
    let victim_dir = folder("symlink-main-victim");
    let victim = victim_dir.join("victim.ron");
    std::fs::write(&victim, "(version: 1)").expect("write victim");
    let mut store = FileStore::new(&*dir);
    std::os::unix::fs::symlink(&victim, store.path()).expect("symlink");
    store.save(&sample()).expect("saves");
    assert_eq!(
        std::fs::read_to_string(&victim).expect("read"),
        "(version: 1)"
    );
    assert_eq!(FileStore::new(&*dir).load().progress, sample());
}

#[cfg(unix)]
#[test]
fn a_fifo_progress_file_is_set_aside_without_blocking() {
    let dir = folder("fifo");
    let path = dir.join("progress.ron");
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("mkfifo is not available; skipped");
        return;
    }
    let folder_path = dir.to_path_buf();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut store = FileStore::new(folder_path);
        let loaded = store.load();
        let saved = store.save(&sample()).is_ok();
        let _ = send.send((loaded, saved));
    });
    let (loaded, saved) = receive
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("a FIFO must not block the store");
    assert_eq!(loaded.progress, Progress::default());
    let notice = loaded.notice.expect("the learner is told");
    assert!(notice.contains("FIFO"), "{notice}");
    assert!(saved);
    assert_eq!(FileStore::new(&*dir).load().progress, sample());
}

#[test]
fn two_windows_saving_alternately_keep_each_others_progress() {
    let dir = folder("two-writers");
    let mut a = FileStore::new(&*dir);
    let mut b = FileStore::new(&*dir);
    let mut pa = a.load().progress;
    let mut pb = b.load().progress;
    for i in 1..=6 {
        pa.open(&format!("{i:02}.ron"));
        a.save(&pa).expect("A saves");
    }
    pb.open("01.ron");
    answer(&mut pb, "12.ron", 0, 2, true);
    b.save(&pb).expect("B saves");
    answer(&mut pa, "12.ron", 1, 2, true);
    pa.finish("03.ron");
    a.save(&pa).expect("A saves again");
    let on_disk = FileStore::new(&*dir).load().progress;
    for i in 1..=6 {
        assert!(on_disk.lesson(&format!("{i:02}.ron")).opened, "lesson {i}");
    }
    assert!(on_disk.is_finished("03.ron"));
    assert_eq!(on_disk.lesson("12.ron").best_score(), 2, "the best of both");
    // The window that saved learns what the other one did.
    assert!(a.take_merged().is_some());
}

#[test]
fn two_writers_saving_at_once_lose_nothing() {
    let dir = folder("two-writers-at-once");
    let threads: Vec<_> = ["a", "b"]
        .into_iter()
        .map(|who| {
            let dir = dir.to_path_buf();
            std::thread::spawn(move || {
                let mut store = FileStore::new(dir);
                let mut progress = Progress::default();
                for i in 0..20 {
                    progress.open(&format!("{who}-{i}.ron"));
                    store.save(&progress).expect("saves");
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("no panic");
    }
    let on_disk = FileStore::new(&*dir).load().progress;
    assert_eq!(on_disk.lessons.len(), 40, "{:?}", on_disk.lessons.keys());
    assert_eq!(leftover_temporaries(&dir), 0);
}

#[test]
fn a_file_from_a_newer_version_is_never_overwritten() {
    let dir = folder("newer");
    let mut store = FileStore::new(&*dir);
    let newer = "(version: 99, lessons: {\"01-blame-game.ron\": (opened: true, stars: 3)}, \
                 theme: \"dusk\")";
    std::fs::write(store.path(), newer).expect("write");
    let loaded = store.load();
    let notice = loaded.notice.expect("the learner is told");
    assert!(notice.contains("newer version"), "{notice}");
    assert!(notice.contains("kept only while the app runs"), "{notice}");
    assert!(loaded.progress.lesson("01-blame-game.ron").opened);
    assert!(store.is_read_only());
    store
        .save(&sample())
        .expect("no error: progress stays in memory");
    store.replace(&Progress::default()).expect("no error");
    assert_eq!(std::fs::read_to_string(store.path()).expect("read"), newer);
    assert!(!store.backup_path().exists());

    // A newer file that appears while the app runs (another window, updated) is kept too.
    let dir = folder("newer-later");
    let mut store = FileStore::new(&*dir);
    store.save(&sample()).expect("saves");
    std::fs::write(store.path(), "(version: 7, lessons: 12)").expect("write");
    store.save(&sample()).expect("no error");
    let notices = store.take_notices();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].contains("format 7"), "{}", notices[0]);
    assert_eq!(
        std::fs::read_to_string(store.path()).expect("read"),
        "(version: 7, lessons: 12)"
    );
}

/// A large progress file (several MB) is written compactly, so it stays under the read
/// limit: ten saves and a restart keep it whole, and nothing is set aside.
#[test]
fn a_large_progress_file_survives_saves_and_a_restart() {
    let dir = folder("large");
    let mut progress = Progress::default();
    for lesson in 0..5_000 {
        let file = format!("lesson-{lesson:05}.ron");
        progress.open(&file);
        for question in 0..12 {
            answer(&mut progress, &file, question, 12, question % 3 != 0);
        }
        progress.finish(&file);
    }
    let size = backprop_lab::progress::store::to_ron(&progress).len();
    assert!(size > 5_000_000, "{size} bytes");
    for _ in 0..10 {
        FileStore::new(&*dir).save(&progress).expect("saves");
    }
    let loaded = FileStore::new(&*dir).load();
    assert_eq!(loaded.notice, None);
    assert_eq!(loaded.progress, progress);
    let set_aside = std::fs::read_dir(&*dir)
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("corrupt"))
        .count();
    assert_eq!(set_aside, 0);
    assert_eq!(leftover_temporaries(&dir), 0);
}

/// A save that would write a file over the read limit refuses: the file on disk and its
/// backup stay as they were.
#[test]
fn a_save_over_the_read_limit_keeps_the_file_and_its_backup() {
    let dir = folder("over-limit");
    let mut store = FileStore::new(&*dir);
    store.save(&Progress::default()).expect("first save");
    store.save(&sample()).expect("second save");
    let before = std::fs::read(store.path()).expect("file");
    let backup_before = std::fs::read(store.backup_path()).expect("backup");
    let mut huge = Progress::default();
    let name = "x".repeat(1000);
    for lesson in 0..20_000 {
        huge.open(&format!("{name}{lesson}.ron"));
    }
    let error = store.save(&huge).expect_err("refused");
    assert!(error.to_string().contains("more than"), "{error}");
    assert_eq!(std::fs::read(store.path()).expect("file"), before);
    assert_eq!(
        std::fs::read(store.backup_path()).expect("backup"),
        backup_before
    );
}
