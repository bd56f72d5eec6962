//! A teacher's lesson folder: only regular files are read (a FIFO or a device named
//! `x.ron` is one error for that file, at once), and sizes above the limits are errors,
//! not a freeze.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use backprop_lab::lesson::load::{LessonFile, count_statements};
use backprop_lab::limits::{GRAPH_STATEMENTS, LESSON_FILE_BYTES};

mod common;
use common::TempFolder;

const GOOD: &str = r#"Lesson(title: "Good", summary: "s", sections: [Text("Hello.")])"#;

/// Loads a folder on another thread, failing (instead of hanging) after ten seconds.
fn load_folder_soon(dir: &Path) -> Vec<LessonFile> {
    let dir = dir.to_path_buf();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(backprop_lab::lesson::load_folder(&dir).expect("folder reads"));
    });
    receive
        .recv_timeout(Duration::from_secs(10))
        .expect("loading the folder must not block")
}

fn mkfifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

fn only_error(file: &LessonFile) -> String {
    let errors = file.lesson.as_ref().expect_err("the file is refused");
    assert_eq!(errors.len(), 1, "{errors:?}");
    let text = errors[0].to_string();
    assert!(!text.contains('\n'), "one line: {text}");
    text
}

#[cfg(unix)]
#[test]
fn a_fifo_in_the_lesson_folder_is_one_error_and_never_blocks() {
    let dir = TempFolder::new("lessons-fifo");
    std::fs::write(dir.join("a.ron"), GOOD).expect("write");
    if !mkfifo(&dir.join("x.ron")) {
        eprintln!("mkfifo is not available; skipped");
        return;
    }
    let files = load_folder_soon(&dir);
    assert_eq!(files.len(), 2);
    assert!(files[0].lesson.is_ok(), "the good lesson still loads");
    let error = only_error(&files[1]);
    assert!(error.starts_with("x.ron:1:1: "), "{error}");
    assert!(error.contains("FIFO"), "{error}");
}

#[cfg(unix)]
#[test]
fn a_device_in_the_lesson_folder_is_one_error() {
    let dir = TempFolder::new("lessons-device");
    std::fs::write(dir.join("a.ron"), GOOD).expect("write");
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.ron")).expect("symlink");
    std::fs::create_dir(dir.join("folder.ron")).expect("mkdir");
    let files = load_folder_soon(&dir);
    assert_eq!(files.len(), 3);
    assert!(files[0].lesson.is_ok());
    let folder = only_error(&files[1]);
    assert!(folder.contains("a directory"), "{folder}");
    let zero = only_error(&files[2]);
    assert!(zero.contains("a character device"), "{zero}");
}

#[cfg(unix)]
#[test]
fn check_reports_a_fifo_at_once() {
    let dir = TempFolder::new("lessons-check-fifo");
    std::fs::write(dir.join("a.ron"), GOOD).expect("write");
    if !mkfifo(&dir.join("x.ron")) {
        eprintln!("mkfifo is not available; skipped");
        return;
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_backprop-lab"))
        .arg("check")
        .arg(&*dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let start = std::time::Instant::now();
    while child.try_wait().expect("waits").is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("check blocked on a FIFO");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("output");
    assert!(!output.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(all.contains("x.ron:1:1:") && all.contains("FIFO"), "{all}");
}

#[test]
fn a_graph_section_above_the_statement_limit_is_an_error() {
    let mut script = String::from("x0 = 0.5\n");
    for i in 1..=GRAPH_STATEMENTS {
        let _ = writeln!(script, "x{i} = x{} * 0.9 + 0.1", i - 1);
    }
    assert_eq!(count_statements(&script), GRAPH_STATEMENTS + 1);
    let text = format!(
        "Lesson(title: \"Big\", summary: \"s\", sections: [\n    Text(\"Hi.\"),\n    \
         Graph(script: r#\"\n{script}\"#),\n])"
    );
    let start = std::time::Instant::now();
    let file = backprop_lab::lesson::load_text("big.ron", &text);
    let error = only_error(&file);
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(error.starts_with("big.ron:3:"), "{error}");
    assert!(
        error.contains(&format!("{}", GRAPH_STATEMENTS + 1))
            && error.contains(&format!("limit is {GRAPH_STATEMENTS}")),
        "{error}"
    );
}

#[test]
fn statements_are_counted_by_lines_and_semicolons_without_comments() {
    assert_eq!(
        count_statements("a = 1; b = a\n\n# c = 2\nd = b # e = 3; f = 4\n"),
        3
    );
    assert_eq!(count_statements(""), 0);
}

#[test]
fn a_lesson_file_above_the_size_limit_is_an_error() {
    let dir = TempFolder::new("lessons-huge");
    std::fs::write(dir.join("a.ron"), GOOD).expect("write");
    let huge = format!(
        "{GOOD}//{}",
        "x".repeat(usize::try_from(LESSON_FILE_BYTES).expect("fits"))
    );
    std::fs::write(dir.join("b.ron"), &huge).expect("write");
    let files = load_folder_soon(&dir);
    assert!(files[0].lesson.is_ok());
    let error = only_error(&files[1]);
    assert!(error.contains("at most 1048576"), "{error}");
    let error = only_error(&backprop_lab::lesson::load_text("b.ron", &huge));
    assert!(error.contains("at most 1048576"), "{error}");
}

#[test]
fn invalid_utf8_in_a_lesson_file_has_its_position() {
    let dir = TempFolder::new("lessons-utf8");
    std::fs::write(dir.join("a.ron"), b"Lesson(\n  title: \"\xff\"").expect("write");
    let files = load_folder_soon(&dir);
    let error = only_error(&files[0]);
    assert_eq!(error, "a.ron:2:11: invalid UTF-8");
}
