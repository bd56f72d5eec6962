//! eframe's own storage (`app.ron`) lives in `BACKPROP_LAB_DATA_DIR` when it is set, is
//! checked before eframe opens it (a FIFO or a huge file is set aside, never read), and a
//! saved Playground script above the statement limit does not freeze the start.
//!
//! One test: it sets the environment variable of this test process.

use std::fmt::Write as _;

use backprop_lab::app::{app_storage_file, prepare_app_storage, restored_script};
use backprop_lab::limits::PLAYGROUND_STATEMENTS;

mod common;
use common::TempFolder;

#[test]
fn app_storage_follows_the_data_folder_and_is_checked_before_opening() {
    let dir = TempFolder::new("app-storage");
    // SAFETY: the only test of this binary; no other thread reads the environment.
    unsafe { std::env::set_var("BACKPROP_LAB_DATA_DIR", &*dir) };
    let file = app_storage_file().expect("a storage file");
    assert_eq!(file, dir.join("app.ron"));

    // A regular, small file is left alone.
    std::fs::write(&file, "{}").expect("write");
    assert!(prepare_app_storage(&file).is_empty());
    assert!(file.is_file());

    // A FIFO is set aside without being opened.
    std::fs::remove_file(&file).expect("remove");
    let made = std::process::Command::new("mkfifo")
        .arg(&file)
        .status()
        .is_ok_and(|s| s.success());
    if made {
        let notices = prepare_app_storage(&file);
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert!(notices[0].contains("FIFO"), "{}", notices[0]);
        assert!(std::fs::symlink_metadata(&file).is_err(), "set aside");
    }

    // A huge file too.
    std::fs::write(&file, vec![b' '; 5 << 20]).expect("write");
    let notices = prepare_app_storage(&file);
    assert!(notices[0].contains("bytes"), "{}", notices[0]);
    assert!(!file.exists());

    // A saved script above the limit: the example instead, the script kept aside.
    let mut big = String::new();
    for i in 0..=PLAYGROUND_STATEMENTS {
        let _ = writeln!(big, "x{i} = {i}");
    }
    let (script, notice) = restored_script(Some(big.clone()));
    assert_eq!(script, backprop_lab::app::playground::STARTER_SCRIPT);
    let notice = notice.expect("the learner is told");
    assert!(
        notice.contains(&format!("{}", PLAYGROUND_STATEMENTS + 1)),
        "{notice}"
    );
    let kept: Vec<_> = std::fs::read_dir(&*dir)
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("playground-script-")
        })
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(std::fs::read_to_string(kept[0].path()).expect("read"), big);
    assert!(
        notice.contains(&kept[0].path().display().to_string()),
        "{notice}"
    );

    // A normal script comes back as it was.
    let (script, notice) = restored_script(Some("x = 1\ny = x".into()));
    assert_eq!((script.as_str(), notice), ("x = 1\ny = x", None));
}
