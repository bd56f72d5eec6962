//! Helpers shared by the end-to-end tests.

use std::ops::Deref;
use std::path::{Path, PathBuf};

/// A fresh, empty folder under the system's temporary directory, removed when dropped so
/// test runs leave nothing behind.
pub struct TempFolder(PathBuf);

impl TempFolder {
    /// `backprop-lab-<name>-<process id>`, emptied if a crashed run left it behind.
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("backprop-lab-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }
}

impl Deref for TempFolder {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempFolder {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every shipped `lessons/*.ron` file as (file name, text), by file name.
#[allow(
    dead_code,
    reason = "not every test file that shares this module reads lessons"
)]
pub fn shipped_lessons() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("lessons/ exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "ron"))
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(e.path()).expect("lesson files are UTF-8");
            (name, text)
        })
        .collect();
    files.sort();
    files
}
