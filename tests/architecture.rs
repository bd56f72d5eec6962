//! The layers of ARCHITECTURE.md, held by a test.
//!
//! ARCHITECTURE.md's table "Who may import whom" lists, for every top-level module of
//! `src/`, the modules it may import. This test reads every `crate::` and `super::` path
//! in the code (tests left out) and fails on an import the table does not allow, on an
//! import cycle between two files of the same folder, and on any egui or eframe below the
//! UI. A self-test runs the same checks on a small made-up tree with an upward import, so
//! the check is known to be able to fail.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A source file as a module: its path in the crate (`["engine", "flat"]`), its file and
/// its code with comments and the trailing test module left out, line by line.
struct Module {
    path: Vec<String>,
    file: String,
    lines: Vec<(usize, String)>,
}

/// Every `.rs` file under `src` as a module (the binary's `main.rs` as `main`).
fn modules(src: &Path) -> Vec<Module> {
    let mut found = Vec::new();
    let mut pending = vec![src.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("source folder")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source file");
                found.push(Module {
                    path: module_path(src, &path),
                    file: path.display().to_string(),
                    lines: code_lines(&text),
                });
            }
        }
    }
    found
}

/// `src/engine/flat.rs` → `["engine", "flat"]`; `src/engine/mod.rs` → `["engine"]`;
/// `src/lib.rs` → `[]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The lines of code, numbered from 1: line comments dropped, and everything from a
/// `#[cfg(test)]` that opens a `mod` on (tests may reach anywhere they need).
fn code_lines(text: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut code = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let opens_test_module = trimmed.starts_with("#[cfg(test)]")
            && lines
                .get(index + 1)
                .is_some_and(|next| next.trim_start().starts_with("mod "));
        if opens_test_module {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        let without_comment = match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        };
        code.push((index + 1, without_comment.to_string()));
    }
    code
}

/// The paths a line names from the crate: `crate::a::b`, `crate::{a, b::c}`,
/// `super::x`, `super::super::y`, `self::z`, and in the binary `backprop_lab::a`. Each
/// path is resolved against `here` to the words after the crate root.
fn paths_in(line: &str, here: &[String], is_folder: bool) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let bytes = line.as_bytes();
    let mut at = 0;
    while at < line.len() {
        let rest = &line[at..];
        let starts_word = at == 0 || !(is_ident(bytes[at - 1]) || bytes[at - 1] == b':');
        let root: Option<(usize, Vec<String>)> = if !starts_word {
            None
        } else if rest.starts_with("crate::") {
            Some(("crate::".len(), Vec::new()))
        } else if rest.starts_with("backprop_lab::") {
            Some(("backprop_lab::".len(), Vec::new()))
        } else if rest.starts_with("super::") || rest.starts_with("self::") {
            // `super` of a file module is its folder; of a folder's mod.rs, the parent.
            let mut base: Vec<String> = here.to_vec();
            if !is_folder {
                base.pop();
            }
            let mut length = 0;
            loop {
                let tail = &rest[length..];
                if tail.starts_with("super::") {
                    if length > 0 || is_folder {
                        base.pop();
                    }
                    length += "super::".len();
                } else if tail.starts_with("self::") && length == 0 {
                    base = here.to_vec();
                    length += "self::".len();
                    break;
                } else {
                    break;
                }
            }
            Some((length, base))
        } else {
            None
        };
        let Some((skip, base)) = root else {
            at += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let tail = &rest[skip..];
        if let Some(group) = tail.strip_prefix('{') {
            for item in top_level_items(group) {
                let mut path = base.clone();
                path.extend(words(item));
                paths.push(path);
            }
        } else {
            let mut path = base;
            path.extend(words(tail));
            paths.push(path);
        }
        at += skip;
    }
    paths
}

fn is_ident(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// The words of a path `a::b::C` up to the first character that is not part of it.
fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = text;
    loop {
        let end = rest
            .bytes()
            .position(|b| !is_ident(b))
            .unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        words.push(rest[..end].to_string());
        match rest[end..].strip_prefix("::") {
            Some(next) if !next.starts_with('{') => rest = next,
            _ => break,
        }
    }
    words
}

/// The items of a `{a, b::c, d::{e, f}}` group (the text after its `{`), at its top level.
fn top_level_items(group: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (index, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(group[start..index].trim());
                return items;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(group[start..index].trim());
                start = index + 1;
            }
            _ => {}
        }
    }
    items.push(group[start..].trim());
    items
}

/// The longest prefix of `path` that is a module of the crate.
fn resolve<'a>(path: &[String], known: &'a BTreeSet<Vec<String>>) -> Option<&'a Vec<String>> {
    (1..=path.len()).rev().find_map(|n| known.get(&path[..n]))
}

/// What a check found wrong, one line each.
fn violations(src: &Path, allowed: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let modules = modules(src);
    let known: BTreeSet<Vec<String>> = modules.iter().map(|m| m.path.clone()).collect();
    let mut found = Vec::new();
    // File-level edges inside a folder, for the cycle check.
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for module in &modules {
        let Some(top) = module.path.first() else {
            continue; // lib.rs: only declares the modules.
        };
        let is_folder = module.file.ends_with("mod.rs");
        let Some(may_use) = allowed.get(top) else {
            found.push(format!(
                "{}: module '{top}' has no row in ARCHITECTURE.md's table",
                module.file
            ));
            continue;
        };
        for (number, line) in &module.lines {
            for path in paths_in(line, &module.path, is_folder) {
                let Some(target) = resolve(&path, &known) else {
                    continue;
                };
                let Some(target_top) = target.first() else {
                    continue;
                };
                if target_top != top && !may_use.contains(target_top) {
                    found.push(format!(
                        "{}:{number}: '{top}' may not import '{target_top}': {}",
                        module.file,
                        line.trim()
                    ));
                }
                // A folder's mod.rs declares and re-exports its files, and a file reaching
                // an item through its own folder's facade names no file: neither is an
                // edge between two files.
                let is_ancestor = module.path.starts_with(target);
                let is_child = target.starts_with(&module.path);
                if !is_ancestor && !is_child {
                    edges
                        .entry(module.path.clone())
                        .or_default()
                        .insert(target.clone());
                }
            }
        }
    }
    found.extend(cycles(&edges));
    found
}

/// Every import cycle between files, found by an iterative depth-first search.
fn cycles(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<String> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    let mut marks: BTreeMap<&Vec<String>, Mark> = BTreeMap::new();
    let mut found = Vec::new();
    for start in edges.keys() {
        if marks.contains_key(start) {
            continue;
        }
        let mut stack: Vec<(&Vec<String>, Vec<&Vec<String>>)> =
            vec![(start, edges[start].iter().collect())];
        marks.insert(start, Mark::Open);
        while let Some((node, pending)) = stack.last_mut() {
            let node = *node;
            let Some(next) = pending.pop() else {
                marks.insert(node, Mark::Done);
                stack.pop();
                continue;
            };
            match marks.get(next) {
                Some(Mark::Open) => {
                    let from = stack.iter().position(|(n, _)| *n == next).unwrap_or(0);
                    let circle: Vec<String> = stack[from..]
                        .iter()
                        .map(|(n, _)| n.join("::"))
                        .chain([next.join("::")])
                        .collect();
                    found.push(format!("import cycle: {}", circle.join(" -> ")));
                }
                Some(Mark::Done) => {}
                None => {
                    marks.insert(next, Mark::Open);
                    let onward = edges
                        .get(next)
                        .map(|s| s.iter().collect())
                        .unwrap_or_default();
                    stack.push((next, onward));
                }
            }
        }
    }
    found
}

/// ARCHITECTURE.md's table: the rows `| \`module\` | \`a\`, \`b\` |` under the heading
/// "Who may import whom".
fn allowed_imports(architecture: &str) -> BTreeMap<String, BTreeSet<String>> {
    let section = architecture
        .split("## Who may import whom")
        .nth(1)
        .expect("ARCHITECTURE.md has a section '## Who may import whom'");
    let section = section.split("\n## ").next().unwrap_or(section);
    let mut table = BTreeMap::new();
    for row in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let names = |cell: &str| -> Vec<String> {
            cell.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect()
        };
        let (Some(module), Some(uses)) = (cells.get(1), cells.get(2)) else {
            continue;
        };
        if let Some(module) = names(module).into_iter().next() {
            table.insert(module, names(uses).into_iter().collect());
        }
    }
    table
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_import_follows_the_layers_and_no_files_import_each_other() {
    let architecture =
        std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let allowed = allowed_imports(&architecture);
    assert!(allowed.len() >= 10, "the table has {} rows", allowed.len());
    let found = violations(&root().join("src"), &allowed);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_layers_below_the_ui_use_neither_egui_nor_eframe() {
    let mut found = Vec::new();
    for module in modules(&root().join("src")) {
        let below_the_ui = module
            .path
            .first()
            .is_some_and(|top| !matches!(top.as_str(), "app" | "web" | "main" | "cli"));
        for (number, line) in &module.lines {
            if below_the_ui && (line.contains("egui") || line.contains("eframe")) {
                found.push(format!("{}:{number}: {}", module.file, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

/// The checks can fail: a made-up tree where the engine imports the app, and two engine
/// files import each other, gives exactly those two findings.
#[test]
fn the_check_catches_an_upward_import_and_a_cycle() {
    let dir = std::env::temp_dir().join(format!("layers-self-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let write = |file: &str, text: &str| {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
        std::fs::write(path, text).expect("file");
    };
    write("lib.rs", "pub mod app;\npub mod engine;\n");
    write("app/mod.rs", "use crate::engine::{graph::Graph, op};\n");
    write(
        "engine/mod.rs",
        "pub mod graph;\npub mod op;\npub use graph::Graph;\n",
    );
    write(
        "engine/graph.rs",
        "use super::op::Op;\nuse crate::app::View; // upward\n#[cfg(test)]\nmod tests { use crate::app::x; }\n",
    );
    write("engine/op.rs", "use crate::engine::graph::Graph;\n");
    let architecture = "## Who may import whom\n\n| module | may import |\n|---|---|\n\
                        | `app` | `engine` |\n| `engine` | (nothing) |\n";
    let found = violations(&dir, &allowed_imports(architecture));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].contains("'engine' may not import 'app'"),
        "{found:#?}"
    );
    assert!(
        found[1].contains("engine::graph -> engine::op -> engine::graph"),
        "{found:#?}"
    );
}

#[test]
fn paths_are_resolved_from_where_they_are_written() {
    let here = |p: &str| p.split("::").map(str::to_string).collect::<Vec<_>>();
    let resolved = |line: &str, at: &str, folder: bool| {
        paths_in(line, &here(at), folder)
            .into_iter()
            .map(|p| p.join("::"))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        resolved("use super::op::Op;", "engine::graph", false),
        ["engine::op::Op"]
    );
    assert_eq!(
        resolved("use super::super::flat;", "engine::script::parser", false),
        ["engine::flat"]
    );
    assert_eq!(
        resolved("use super::Builder;", "engine::script", true),
        ["engine::Builder"]
    );
    assert_eq!(
        resolved(
            "use crate::{engine::{self, Op}, format::number};",
            "app::x",
            false
        ),
        ["engine", "format::number"]
    );
    assert_eq!(resolved("x::crate::y", "app", true), Vec::<String>::new());
}
