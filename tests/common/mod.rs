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
