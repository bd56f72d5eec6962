//! Where progress lives. One small interface, [`ProgressStore`]; on the desktop it is a
//! file written atomically (temporary file, flush, rename) with the previous version kept
//! as a backup. A file that cannot be read is moved aside, never overwritten, and the
//! learner is told.

#[cfg(not(target_arch = "wasm32"))]
use std::io::Write as _;
#[cfg(not(target_arch = "wasm32"))]
use std::path::{Path, PathBuf};

use super::model::Progress;

/// The environment variable that moves the progress folder (tests use a temporary one).
pub const DATA_DIR_VARIABLE: &str = "BACKPROP_LAB_DATA_DIR";
/// The progress file's name inside its folder.
pub const FILE_NAME: &str = "progress.ron";

/// What loading found.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The progress to start from (empty when there was none or it was unreadable).
    pub progress: Progress,
    /// A message for the learner when something was wrong (the file was set aside).
    pub notice: Option<String>,
}

/// A failure to save.
#[derive(Debug, thiserror::Error)]
#[error("cannot save progress to {path}: {source}")]
pub struct SaveError {
    /// The file or folder involved.
    pub path: String,
    /// Why.
    pub source: std::io::Error,
}

/// Loads and saves a learner's progress.
pub trait ProgressStore {
    /// Reads the stored progress; an unreadable store is set aside and reported.
    fn load(&mut self) -> Loaded;
    /// Stores `progress`, keeping what was stored before as a backup.
    fn save(&mut self, progress: &Progress) -> Result<(), SaveError>;
    /// Where the progress is kept, for messages.
    fn location(&self) -> String;
}

/// Progress in a RON file of a folder.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone)]
pub struct FileStore {
    folder: PathBuf,
}

#[cfg(not(target_arch = "wasm32"))]
impl FileStore {
    /// A store in `folder` (created on the first save).
    pub fn new(folder: impl Into<PathBuf>) -> Self {
        Self {
            folder: folder.into(),
        }
    }

    /// The folder from `BACKPROP_LAB_DATA_DIR`, else eframe's storage folder for the app.
    pub fn default_folder() -> Option<PathBuf> {
        match std::env::var_os(DATA_DIR_VARIABLE) {
            Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
            _ => eframe::storage_dir("Backprop Lab"),
        }
    }

    /// The progress file.
    pub fn path(&self) -> PathBuf {
        self.folder.join(FILE_NAME)
    }

    /// The previous version, kept on every save.
    pub fn backup_path(&self) -> PathBuf {
        self.folder.join(format!("{FILE_NAME}.bak"))
    }

    /// The temporary file a save writes before renaming it into place.
    pub fn temporary_path(&self) -> PathBuf {
        self.folder.join(format!("{FILE_NAME}.tmp"))
    }

    /// Moves an unreadable file aside as `progress.ron.corrupt-<seconds since 1970>`.
    fn set_aside(&self, path: &Path) -> Result<PathBuf, std::io::Error> {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut aside = self.folder.join(format!("{FILE_NAME}.corrupt-{seconds}"));
        let mut n = 1;
        while aside.exists() {
            aside = self
                .folder
                .join(format!("{FILE_NAME}.corrupt-{seconds}-{n}"));
            n += 1;
        }
        std::fs::rename(path, &aside)?;
        Ok(aside)
    }
}

/// Reads progress from RON text.
pub fn from_ron(text: &str) -> Result<Progress, ron::error::SpannedError> {
    ron::from_str(text)
}

/// Writes progress as RON text.
pub fn to_ron(progress: &Progress) -> String {
    ron::ser::to_string_pretty(progress, ron::ser::PrettyConfig::default())
        .unwrap_or_else(|_| String::from("(version: 1)"))
}

#[cfg(not(target_arch = "wasm32"))]
impl ProgressStore for FileStore {
    fn load(&mut self) -> Loaded {
        let path = self.path();
        let problem = match std::fs::read_to_string(&path) {
            Ok(text) => match from_ron(&text) {
                Ok(progress) => {
                    return Loaded {
                        progress,
                        notice: None,
                    };
                }
                Err(error) => format!("it could not be read ({error})"),
            },
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Loaded {
                    progress: Progress::default(),
                    notice: None,
                };
            }
            Err(error) => format!("it could not be opened ({error})"),
        };
        let notice = match self.set_aside(&path) {
            Ok(aside) => format!(
                "Your saved progress in {} was damaged: {problem}. It was kept as {} and \
                 the app started with empty progress.",
                path.display(),
                aside.display()
            ),
            Err(error) => format!(
                "Your saved progress in {} was damaged: {problem}, and it could not be moved \
                 aside ({error}). The app started with empty progress and will not save \
                 over it.",
                path.display()
            ),
        };
        Loaded {
            progress: Progress::default(),
            notice: Some(notice),
        }
    }

    fn save(&mut self, progress: &Progress) -> Result<(), SaveError> {
        let error = |path: &Path| {
            let path = path.display().to_string();
            move |source| SaveError { path, source }
        };
        std::fs::create_dir_all(&self.folder).map_err(error(&self.folder))?;
        let path = self.path();
        let temporary = self.temporary_path();
        {
            let mut file = std::fs::File::create(&temporary).map_err(error(&temporary))?;
            file.write_all(to_ron(progress).as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(error(&temporary))?;
        }
        if path.exists() {
            // A copy, not a rename: the real file stays in place until the new one
            // replaces it in one step.
            let backup = self.backup_path();
            std::fs::copy(&path, &backup).map_err(error(&backup))?;
        }
        std::fs::rename(&temporary, &path).map_err(error(&path))?;
        Ok(())
    }

    fn location(&self) -> String {
        self.path().display().to_string()
    }
}

/// Progress kept in memory only (when no folder is available, and in tests).
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    /// The last saved progress.
    pub saved: Option<Progress>,
}

impl ProgressStore for MemoryStore {
    fn load(&mut self) -> Loaded {
        Loaded {
            progress: self.saved.clone().unwrap_or_default(),
            notice: None,
        }
    }

    fn save(&mut self, progress: &Progress) -> Result<(), SaveError> {
        self.saved = Some(progress.clone());
        Ok(())
    }

    fn location(&self) -> String {
        "memory (not saved to disk)".into()
    }
}
