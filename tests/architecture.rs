//! The layers of ARCHITECTURE.md, held by a test: the engine, lessons, quizzes, progress
//! and diagram layout know nothing of the UI, and the UI imports nothing above it.

use std::path::Path;

/// Every line of code (comments left out) of the `.rs` files under `dir`.
fn code_lines(dir: &Path) -> Vec<(String, usize, String)> {
    let mut lines = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        let entries = std::fs::read_dir(&path).expect("source folder");
        for entry in entries {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source file");
                for (number, line) in text.lines().enumerate() {
                    if !line.trim_start().starts_with("//") {
                        lines.push((path.display().to_string(), number + 1, line.to_string()));
                    }
                }
            }
        }
    }
    lines
}

#[test]
fn the_layers_below_the_ui_use_neither_egui_nor_eframe() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for layer in ["engine", "lesson", "quiz", "progress", "diagram"] {
        for (file, number, line) in code_lines(&root.join(layer)) {
            if line.contains("egui") || line.contains("eframe") {
                found.push(format!("{file}:{number}: {}", line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_ui_imports_nothing_from_the_layers_above_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found: Vec<String> = code_lines(&root.join("app"))
        .into_iter()
        .filter(|(_, _, line)| line.contains("crate::web") || line.contains("crate::cli"))
        .map(|(file, number, line)| format!("{file}:{number}: {}", line.trim()))
        .collect();
    assert!(found.is_empty(), "{found:#?}");
}
