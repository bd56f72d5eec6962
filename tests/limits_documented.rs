//! The README's "Limits" table says what `src/limits.rs` enforces: every limit in the file
//! is in the table with its value, and the file holds no limit the table leaves out.

use backprop_lab::limits;

/// `12345` as `12,345`.
fn with_commas(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A byte count as the README writes it: whole mebibytes as `N MiB`, else digits.
fn bytes(n: u64) -> String {
    if n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else {
        format!("{} bytes", with_commas(n))
    }
}

#[test]
fn the_readme_lists_every_limit_with_its_value() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let start = readme.find("\n## Limits\n").expect("a Limits section");
    let end = readme[start + 1..]
        .find("\n## ")
        .map_or(readme.len(), |i| start + 1 + i);
    let section = &readme[start..end];
    let counts = |n: usize| with_commas(n as u64);
    let documented = [
        ("SCRIPT_BYTES", bytes(limits::SCRIPT_BYTES)),
        ("LESSON_FILE_BYTES", bytes(limits::LESSON_FILE_BYTES)),
        ("PROGRESS_BYTES", bytes(limits::PROGRESS_BYTES)),
        ("APP_STORAGE_BYTES", bytes(limits::APP_STORAGE_BYTES)),
        ("GRAPH_STATEMENTS", counts(limits::GRAPH_STATEMENTS)),
        (
            "PLAYGROUND_STATEMENTS",
            counts(limits::PLAYGROUND_STATEMENTS),
        ),
        ("DRAWN_NODES", counts(limits::DRAWN_NODES)),
        ("NESTING", counts(limits::NESTING)),
        ("ANSWER_CHARS", counts(limits::ANSWER_CHARS)),
        ("ERROR_WORD_CHARS", counts(limits::ERROR_WORD_CHARS)),
        ("BY_HAND_BOXES", counts(limits::BY_HAND_BOXES)),
        (
            "LINK_BYTES",
            format!("{} bytes", with_commas(limits::LINK_BYTES as u64)),
        ),
    ];
    for (name, value) in &documented {
        assert!(
            section.contains(&format!("| {value}")),
            "README's Limits table has no row with {name} = {value}"
        );
    }
    let source = std::fs::read_to_string(root.join("src/limits.rs")).expect("src/limits.rs");
    let declared = source.matches("\npub const ").count();
    assert_eq!(
        declared,
        documented.len(),
        "a limit in src/limits.rs is missing from this test and the README"
    );
    let rows = section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| What"))
        .count();
    assert_eq!(rows, documented.len(), "the table has a row for each limit");
}
