//! Embeds every `lessons/*.ron` file into the binary, in file-name order, so the app runs
//! from any folder and a new lesson file needs no code change. That is all it does: the
//! program is linked as any Rust program is.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // Read when the script runs, not baked in when it is compiled: a build script compiled
    // for another checkout of the crate must still read this one's lessons.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("lessons");
    println!("cargo:rerun-if-changed={}", dir.display());
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot read the lessons in {}: {error}", dir.display()));
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    // An app without lessons must not build quietly.
    assert!(
        !files.is_empty(),
        "no lesson files (*.ron) in {}",
        dir.display()
    );
    files.sort();
    let mut code = String::from("&[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let _ = writeln!(
            code,
            "    ({:?}, include_str!({:?})),",
            name.unwrap_or_default(),
            path.display().to_string()
        );
    }
    code.push(']');
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("embedded_lessons.rs"), code).expect("OUT_DIR is writable");
}
