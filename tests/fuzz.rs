//! The fuzz suite: random and damaged scripts, lesson files, progress files and worksheet
//! inputs, each run through the installed command line in its own process under a memory
//! limit (`prlimit --as`) and a time limit. Whatever the input, the process ends by itself
//! within the time limit, is never killed by a signal (no panic, no stack overflow, no
//! allocation failure), exits 0, 1 or 2, and on failure prints exactly one line on
//! standard error and nothing on standard output.
//!
//! `cargo test --test fuzz` runs a few cases of each kind (CI); `FUZZ_CASES=5000 cargo test
//! --release --test fuzz` runs them at length.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

mod common;
use common::TempFolder;

/// The most memory one case's process may map: far above what any accepted input needs
/// (the largest shipped lesson checks in about 30 MB), far below the machine's.
const MEMORY_LIMIT_BYTES: u64 = 1 << 30;
/// The most time one case may take, on a debug build of a loaded 2-core machine.
const TIME_LIMIT: Duration = Duration::from_secs(30);

fn cases(default: u32) -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

fn runner(default: u32) -> TestRunner {
    TestRunner::new(Config {
        cases: cases(default),
        failure_persistence: None,
        ..Config::default()
    })
}

/// What one bounded run gave.
struct Run {
    status: i32,
    stdout: Vec<u8>,
    stderr: String,
}

/// Runs the command line on `args` with `stdin`, under the memory and time limits. A
/// signal death, a timeout or an exit status other than 0, 1 and 2 fails the case.
fn bounded(args: &[&str], stdin: &[u8]) -> Result<Run, TestCaseError> {
    let limit = format!("--as={MEMORY_LIMIT_BYTES}");
    let mut child = Command::new("prlimit")
        .arg(&limit)
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_backprop-lab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| TestCaseError::fail(format!("cannot start prlimit: {e}")))?;
    let mut input = child.stdin.take();
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        if let Some(input) = input.as_mut() {
            // The program may refuse its input before reading all of it.
            let _ = input.write_all(&stdin);
        }
    });
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let read_all = |stream: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut stream) = stream {
                let _ = stream.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = read_all(stdout.map(|s| Box::new(s) as Box<dyn std::io::Read + Send>));
    let stderr = read_all(stderr.map(|s| Box::new(s) as Box<dyn std::io::Read + Send>));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child
            .try_wait()
            .map_err(|e| TestCaseError::fail(e.to_string()))?
        {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(TestCaseError::fail(format!(
                "{args:?} ran past {TIME_LIMIT:?}"
            )));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = writer.join();
    let stdout = stdout.join().unwrap_or_default();
    let stderr = String::from_utf8_lossy(&stderr.join().unwrap_or_default()).into_owned();
    let Some(code) = status.code() else {
        return Err(TestCaseError::fail(format!(
            "{args:?} was killed by a signal ({status}); stderr: {stderr}"
        )));
    };
    prop_assert!(
        (0..=2).contains(&code),
        "{args:?} exited {code}; stderr: {stderr}"
    );
    if code != 0 {
        prop_assert!(
            stdout.is_empty() || args.first() == Some(&"check"),
            "{args:?} failed with output on stdout"
        );
        if args.first() != Some(&"check") {
            prop_assert_eq!(
                stderr.lines().count(),
                1,
                "{:?} failed with other than one error line: {}",
                args,
                stderr
            );
            prop_assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        }
    }
    Ok(Run {
        status: code,
        stdout,
        stderr,
    })
}

fn write(folder: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = folder.join(name);
    std::fs::write(&path, bytes).expect("the temporary folder is writable");
    path
}

// ---------------------------------------------------------------- scripts

const NAMES: &[&str] = &["x", "y", "z", "w", "b", "c", "out"];
const FUNCTIONS: &[&str] = &[
    "sin", "cos", "exp", "log", "tanh", "sigmoid", "relu", "abs", "sqrt", "max", "min", "round",
    "pow",
];
const ODD: &[&str] = &[
    "1e400",
    "-1e400",
    "0",
    "-0",
    "1e-320",
    "NaN",
    "inf",
    "(",
    ")",
    ",",
    ";",
    "#",
    "=",
    "^",
    "--",
    "\u{0}",
    "\u{7f}",
    "\u{1b}[31m",
    "é",
    "\r",
    "\t",
    "\n",
    " ",
];

/// A token-level random script: names, numbers, operators and functions, with odd tokens
/// mixed in, so most cases get past the tokenizer and many past the parser.
fn script() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        4 => proptest::sample::select(NAMES).prop_map(str::to_string),
        3 => (-5.0f64..5.0).prop_map(|v| format!("{v:.3}")),
        3 => proptest::sample::select(&["+", "-", "*", "/", "^", "(", ")", "=", "\n", ","][..])
            .prop_map(str::to_string),
        2 => proptest::sample::select(FUNCTIONS).prop_map(|f| format!("{f}(")),
        1 => proptest::sample::select(ODD).prop_map(str::to_string),
    ];
    let statement = (
        proptest::sample::select(NAMES),
        proptest::collection::vec(token, 1..12),
    )
        .prop_map(|(name, tokens)| format!("{name} = {}", tokens.join(" ")));
    let inputs = "x = 0.5\ny = -1.5\nw = 2\n";
    proptest::collection::vec(statement, 1..10)
        .prop_map(move |statements| format!("{inputs}{}\n", statements.join("\n")))
}

#[test]
fn scripts_through_every_command() {
    let folder = TempFolder::new("fuzz-scripts");
    let mut runner = runner(48);
    let bytes = prop_oneof![
        4 => script().prop_map(|s| Bytes(s.into_bytes())),
        1 => proptest::collection::vec(any::<u8>(), 0..200).prop_map(Bytes),
    ];
    runner
        .run(&bytes, |Bytes(text)| {
            let file = write(&folder, "case.txt", &text);
            let file = file.to_string_lossy();
            let svg = folder.join("case.svg");
            let dot = folder.join("case.dot");
            let svg = svg.to_string_lossy();
            let dot = dot.to_string_lossy();
            for args in [
                vec!["grad", &*file],
                vec!["grad", "-", "--at", "x=3"],
                vec!["hessian", &*file],
                vec!["hvp", &*file, "--v", "x=1,y=-1"],
                vec!["export", &*file, "--svg", &*svg, "--dot", &*dot],
            ] {
                let run = bounded(&args, &text)?;
                if run.status == 0 && args[0] != "export" {
                    let out = String::from_utf8_lossy(&run.stdout);
                    prop_assert!(
                        out.trim_start().starts_with('{') && out.trim_end().ends_with('}'),
                        "{args:?} printed no JSON object: {out}"
                    );
                }
            }
            Ok(())
        })
        .map_err(|e| e.to_string())
        .expect("every script ends within its limits");
}

// ---------------------------------------------------------------- lesson files

/// Bytes shown as text when a case fails (a damaged file is easier to read than numbers).
#[derive(Clone)]
struct Bytes(Vec<u8>);

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(&self.0))
    }
}

/// A text edited by a few random byte-level edits: a span deleted, duplicated or replaced
/// by one of the odd tokens, at random places.
fn damaged(text: &str) -> impl Strategy<Value = Bytes> + use<> {
    let bytes = text.as_bytes().to_vec();
    let edit = (
        0u8..4,
        0.0f64..1.0,
        0usize..64,
        proptest::sample::select(ODD),
    );
    proptest::collection::vec(edit, 1..4).prop_map(move |edits| {
        let mut bytes = bytes.clone();
        for (kind, at, span, odd) in edits {
            let start = ((bytes.len() as f64) * at) as usize;
            let end = (start + span).min(bytes.len());
            match kind {
                0 => {
                    bytes.drain(start..end);
                }
                1 => {
                    let copy = bytes[start..end].to_vec();
                    bytes.splice(start..start, copy);
                }
                2 => {
                    bytes.splice(start..end, odd.bytes());
                }
                _ => bytes.truncate(start),
            }
        }
        Bytes(bytes)
    })
}

#[test]
fn damaged_lesson_files_through_check_and_worksheet() {
    let folder = TempFolder::new("fuzz-lessons");
    let lessons = common::shipped_lessons();
    let mut runner = runner(32);
    let case = (0..lessons.len(), 0u64..1_000).prop_flat_map(|(index, seed)| {
        let (name, text) = common::shipped_lessons().swap_remove(index);
        (Just(name), damaged(&text), Just(seed))
    });
    runner
        .run(&case, |(name, Bytes(bytes), seed)| {
            let file = write(&folder, &name, &bytes);
            let file = file.to_string_lossy();
            let seed = seed.to_string();
            bounded(&["check", &*file], b"")?;
            for format in ["md", "json"] {
                let run = bounded(
                    &["worksheet", &*file, "--seed", &seed, "--format", format],
                    b"",
                )?;
                if run.status == 0 && format == "md" {
                    let sheet = String::from_utf8_lossy(&run.stdout);
                    prop_assert!(
                        !sheet.chars().any(|c| c.is_control() && c != '\n'),
                        "a control character reached the worksheet"
                    );
                }
            }
            Ok(())
        })
        .map_err(|e| e.to_string())
        .expect("every damaged lesson ends within its limits");
    assert!(!lessons.is_empty());
}

// ---------------------------------------------------------------- progress files

/// A progress file to damage: one written by the app itself.
fn saved_progress() -> String {
    let mut progress = backprop_lab::progress::Progress::default();
    for (file, count) in [("01-blame-game.ron", 3), ("02-add-and-multiply.ron", 4)] {
        progress.open(file);
        for question in 0..count {
            progress.record(
                file,
                &format!("q{question}"),
                count,
                backprop_lab::progress::AnswerRecord {
                    at: 1_800_000_000 + u64::from(question),
                    right: question % 2 == 0,
                    ..Default::default()
                },
            );
        }
        progress.finish(file);
    }
    backprop_lab::progress::store::to_ron(&progress)
}

#[test]
fn damaged_progress_files_through_progress() {
    let mut runner = runner(64);
    let text = saved_progress();
    runner
        .run(&damaged(&text), |Bytes(bytes)| {
            let folder = TempFolder::new("fuzz-progress");
            write(&folder, "progress.ron", &bytes);
            let dir = folder.to_string_lossy();
            let run = bounded(&["progress", "--data-dir", &*dir, "--format", "json"], b"")?;
            if run.status == 0 {
                let out = String::from_utf8_lossy(&run.stdout);
                prop_assert!(out.starts_with('{'), "no JSON: {out}");
            }
            // Read only: the command never rewrites or moves a learner's file.
            let after = std::fs::read(folder.join("progress.ron")).unwrap_or_default();
            prop_assert_eq!(after, bytes);
            prop_assert!(run.stderr.len() < 2_000, "a long error line");
            Ok(())
        })
        .map_err(|e| e.to_string())
        .expect("every damaged progress file ends within its limits");
}
