//! The shipped lesson files, damaged the way a careless editor would damage them: lines
//! deleted, duplicated or swapped, the text cut off mid-way, odd numbers (NaN, ±inf,
//! 1e400, min above max), huge strings. Loading never panics, and every error is one line
//! that starts with `FILE:LINE:COLUMN:`.

use backprop_lab::lesson::load_text;
use proptest::prelude::*;

#[allow(
    dead_code,
    reason = "only the shipped lessons are read here, no folder is made"
)]
mod common;

const ODD_NUMBERS: &[&str] = &[
    "NaN",
    "inf",
    "-inf",
    "1e400",
    "-1e400",
    "0",
    "-0.0",
    "1e-320",
    "99999999999",
];

/// One careless edit, chosen by `kind`, placed by `at` (a fraction of the text).
fn mutate(text: &str, kind: u8, at: f64, other: f64) -> String {
    let lines: Vec<&str> = text.lines().collect();
    // An earlier edit may have cut the text to nothing: no line is left to edit.
    if lines.is_empty() {
        return text.to_string();
    }
    let pick = |f: f64| ((f * lines.len() as f64) as usize).min(lines.len().saturating_sub(1));
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    match kind % 7 {
        0 => {
            out.remove(pick(at));
        }
        1 => {
            let line = out[pick(at)].clone();
            out.insert(pick(at), line);
        }
        2 => {
            out.swap(pick(at), pick(other));
        }
        3 => {
            // Cut the text off at a character boundary.
            let mut cut = (at * text.len() as f64) as usize;
            while cut > 0 && !text.is_char_boundary(cut) {
                cut -= 1;
            }
            return text[..cut].to_string();
        }
        4 => {
            // Replace the first number literal on or after the chosen line.
            let odd = ODD_NUMBERS[(other * ODD_NUMBERS.len() as f64) as usize % ODD_NUMBERS.len()];
            for line in out.iter_mut().skip(pick(at)) {
                if let Some(start) = line.find(|c: char| c.is_ascii_digit()) {
                    let end = line[start..]
                        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == 'e'))
                        .map_or(line.len(), |e| start + e);
                    line.replace_range(start..end, odd);
                    break;
                }
            }
        }
        5 => {
            // min above max: swap the words.
            for line in out.iter_mut().skip(pick(at)) {
                if line.contains("min:") || line.contains("max:") {
                    *line = line
                        .replace("min:", "\u{0}")
                        .replace("max:", "min:")
                        .replace('\u{0}', "max:");
                    break;
                }
            }
        }
        _ => {
            // A huge string where a string starts.
            for line in out.iter_mut().skip(pick(at)) {
                if let Some(quote) = line.find('"') {
                    line.insert_str(quote + 1, &"blame ".repeat(20_000));
                    break;
                }
            }
        }
    }
    out.join("\n")
}

fn assert_errors_are_one_line(file: &str, text: &str) {
    let loaded = load_text(file, text);
    if let Err(errors) = loaded.lesson {
        assert!(!errors.is_empty(), "{file}: an error list with no error");
        for error in errors {
            let line = error.to_string();
            assert!(!line.contains('\n'), "{file}: not one line: {line:?}");
            assert!(
                line.starts_with(&format!("{file}:")),
                "{file}: no file name: {}",
                &line[..line.len().min(200)]
            );
            assert!(
                error.line >= 1 && error.column >= 1,
                "{file}: no position: {line:.200}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    #[test]
    fn damaged_lesson_files_give_one_line_errors_never_a_panic(
        file in 0usize..64,
        edits in prop::collection::vec((0u8..7, 0.0f64..1.0, 0.0f64..1.0), 1..4),
    ) {
        let files = common::shipped_lessons();
        let (name, text) = &files[file % files.len()];
        let mut damaged = text.clone();
        for (kind, at, other) in edits {
            damaged = mutate(&damaged, kind, at, other);
        }
        assert_errors_are_one_line(name, &damaged);
    }
}

#[test]
fn every_kind_of_damage_is_tried_on_every_file() {
    for (name, text) in common::shipped_lessons() {
        for kind in 0..7 {
            for at in [0.0, 0.3, 0.7, 0.99] {
                assert_errors_are_one_line(&name, &mutate(&text, kind, at, 0.5));
            }
        }
    }
}
