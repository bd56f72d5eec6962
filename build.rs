//! Embeds every `lessons/*.ron` file into the binary, in file-name order, so the app runs
//! from any folder and a new lesson file needs no code change; on x86-64 Linux, also sets
//! how the program is linked (fixed address, the command line's code side by side).

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

    // On Linux, link the program as a fixed-address (non-PIE) executable: the loader then
    // has no relocations to apply, so `backprop-lab grad` does not touch and copy the
    // GUI's 0.5 MB of relocated tables before it starts (3 MB less resident memory).
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    if os == "linux" && arch == "x86_64" {
        println!("cargo:rustc-link-arg-bin=backprop-lab=-no-pie");
        order_command_line_code(&manifest);
    }
}

/// Asks the linker to place the command line's functions side by side
/// (`assets/cli-symbol-order.txt`, written by `benches/cli_symbol_order.sh`). The kernel
/// maps code 64 KB at a time around each page first touched, so the command line's code
/// scattered through the whole app's made 1.3 MB of it resident for `grad`. Only with the
/// linker Rust uses by default here (its own lld, since Rust 1.90): another linker may not
/// know the option. Names the binary lacks are skipped, so a stale file is harmless.
fn order_command_line_code(manifest: &str) {
    let file = Path::new(manifest)
        .join("assets")
        .join("cli-symbol-order.txt");
    println!("cargo:rerun-if-changed={}", file.display());
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    if !file.is_file() || !uses_default_lld() {
        return;
    }
    println!(
        "cargo:rustc-link-arg-bin=backprop-lab=-Wl,--symbol-ordering-file={}",
        file.display()
    );
    println!("cargo:rustc-link-arg-bin=backprop-lab=-Wl,--no-warn-symbol-ordering");
}

/// Whether rustc links with its own lld: Rust 1.90 or later for x86_64 Linux (GNU), with
/// no linker or linker flavour chosen in the configuration or the flags.
fn uses_default_lld() -> bool {
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if env != "gnu" || std::env::var_os("RUSTC_LINKER").is_some() {
        return false;
    }
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    if flags.contains("linker") || flags.contains("fuse-ld") || flags.contains("self-contained") {
        return false;
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default();
    // "rustc 1.95.0 (59807616e 2026-04-14)"
    let mut numbers = version
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .split(['.', '-'])
        .map(|part| part.parse::<u32>().unwrap_or(0));
    let (major, minor) = (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0));
    (major, minor) >= (1, 90)
}
