//! Where progress lives. One small interface, [`ProgressStore`]; on the desktop it is a
//! file in a folder, saved the way a careful database would:
//!
//! - under an advisory lock on the folder (two windows take turns), the file on disk is
//!   read and merged with the learner's records first, so two running windows never lose
//!   each other's progress;
//! - the new text goes to a temporary file with a unique name, created with `O_EXCL` in
//!   the same folder (the `tempfile` crate), flushed to disk, and renamed over the
//!   progress file; the previous text becomes the backup the same way. A rename replaces
//!   a symbolic link planted at either name; it never writes through it;
//! - then the folder itself is flushed, so the rename survives a power cut.
//!
//! Only a regular file is read (a FIFO or a device is set aside without being opened). A
//! file that cannot be read is moved aside, never overwritten, and the learner is told.
//! A file written by a newer version of the app is never overwritten: the app keeps
//! progress in memory and says so.

#[cfg(not(target_arch = "wasm32"))]
use std::io::Write as _;
#[cfg(not(target_arch = "wasm32"))]
use std::path::{Path, PathBuf};

#[cfg(not(target_arch = "wasm32"))]
use crate::limits::PROGRESS_BYTES;

use super::model::Progress;
#[cfg(not(target_arch = "wasm32"))]
use super::model::VERSION;

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
    /// Stores `progress` merged with what is stored (another window's work is kept),
    /// keeping what was stored before as a backup.
    fn save(&mut self, progress: &Progress) -> Result<(), SaveError>;
    /// Stores exactly `progress` (the learner reset it), keeping a backup.
    fn replace(&mut self, progress: &Progress) -> Result<(), SaveError> {
        self.save(progress)
    }
    /// The progress the last save wrote, when merging changed it (another window's
    /// records were added): the app shows that from then on.
    fn take_merged(&mut self) -> Option<Progress> {
        None
    }
    /// Messages for the learner that came up while saving (a file set aside, a newer
    /// version found), oldest first; each is returned once.
    fn take_notices(&mut self) -> Vec<String> {
        Vec::new()
    }
    /// Where the progress is kept, for messages.
    fn location(&self) -> String;
}

/// Progress in a RON file of a folder.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone)]
pub struct FileStore {
    folder: PathBuf,
    /// Why the file must not be written (a newer version's file, or a damaged file that
    /// could not be moved aside): progress then stays in memory.
    read_only: Option<String>,
    notices: Vec<String>,
    merged: Option<Progress>,
}

/// What the progress file holds, read without blocking.
#[cfg(not(target_arch = "wasm32"))]
enum OnDisk {
    /// No file.
    Missing,
    /// Progress this app can write back.
    Progress(Progress, String),
    /// Progress from a newer version of the app: its format version, and what of it
    /// this app understands.
    Newer(u32, Option<Progress>),
    /// Text that is not progress, or no regular file.
    Damaged(String),
    /// The folder could not be read.
    Failed(std::io::Error),
}

/// Only the version field, to recognise a newer file this app cannot parse.
#[cfg(not(target_arch = "wasm32"))]
#[derive(serde::Deserialize)]
struct VersionOnly {
    #[serde(default)]
    version: u32,
}

#[cfg(not(target_arch = "wasm32"))]
fn read_on_disk(path: &Path) -> OnDisk {
    use crate::files::ReadError;
    match crate::files::read_text(path, PROGRESS_BYTES) {
        Err(missing) if missing.is_missing() => OnDisk::Missing,
        Ok(text) => match from_ron(&text) {
            Ok(progress) if progress.version > VERSION => {
                OnDisk::Newer(progress.version, Some(progress))
            }
            Ok(progress) => OnDisk::Progress(progress, text),
            Err(error) => match ron::from_str::<VersionOnly>(&text) {
                Ok(v) if v.version > VERSION => OnDisk::Newer(v.version, None),
                _ => OnDisk::Damaged(format!("it could not be read ({error})")),
            },
        },
        Err(ReadError::Io(error)) if error.kind() == std::io::ErrorKind::PermissionDenied => {
            OnDisk::Failed(error)
        }
        Err(ReadError::Io(error)) => OnDisk::Damaged(format!("it could not be opened ({error})")),
        Err(ReadError::NotUtf8 { line, column }) => {
            OnDisk::Damaged(format!("it is not UTF-8 text (at {line}:{column})"))
        }
        Err(problem) => OnDisk::Damaged(problem.to_string()),
    }
}

/// The progress saved in `folder`, read only: nothing is written, renamed or locked, so a
/// teacher can look at a learner's folder while the app runs. `Ok(None)` when nothing
/// was saved yet; a file from a newer version is read as far as this version
/// understands it; `Err` says why the file cannot be read.
#[cfg(not(target_arch = "wasm32"))]
pub fn peek(folder: &Path) -> Result<Option<Progress>, String> {
    match read_on_disk(&folder.join(FILE_NAME)) {
        OnDisk::Missing => Ok(None),
        OnDisk::Progress(progress, _) | OnDisk::Newer(_, Some(progress)) => Ok(Some(progress)),
        OnDisk::Newer(version, None) => Err(format!(
            "it is from a newer version of the app (format {version}) that this one cannot read"
        )),
        OnDisk::Damaged(why) => Err(why),
        OnDisk::Failed(error) => Err(format!("it could not be opened ({error})")),
    }
}

/// Writes `text` to a new temporary file of `folder` (unique name, `O_EXCL`), flushes it
/// and renames it to `target`. A symbolic link at `target` is replaced, not followed.
#[cfg(not(target_arch = "wasm32"))]
fn write_replacing(folder: &Path, target: &Path, text: &str) -> std::io::Result<()> {
    let mut temporary = tempfile::Builder::new()
        .prefix(&format!(".{FILE_NAME}."))
        .suffix(".tmp")
        .tempfile_in(folder)?;
    temporary.write_all(text.as_bytes())?;
    temporary.as_file().sync_all()?;
    temporary.persist(target).map_err(|e| e.error)?;
    Ok(())
}

/// Removes the temporary files of saves that died before their rename
/// (`.progress.ron.XXXXXX.tmp`, regular files only). Call only under the folder's lock.
#[cfg(not(target_arch = "wasm32"))]
fn remove_stale_temporaries(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let prefix = format!(".{FILE_NAME}.");
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let ours = name.starts_with(&prefix) && name.ends_with(".tmp");
        if ours && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Flushes a folder's entries (the renames) to disk.
#[cfg(not(target_arch = "wasm32"))]
fn sync_folder(folder: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(folder)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = folder;
        Ok(())
    }
}

/// Takes the folder's advisory lock, waiting up to two seconds for another window to
/// finish its save; `None` (save anyway, still merging) if it cannot be had.
#[cfg(not(target_arch = "wasm32"))]
fn lock_folder(folder: &Path) -> Option<std::fs::File> {
    #[cfg(unix)]
    {
        let handle = std::fs::File::open(folder).ok()?;
        for _ in 0..100 {
            match handle.try_lock() {
                Ok(()) => return Some(handle),
                Err(std::fs::TryLockError::WouldBlock) => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(std::fs::TryLockError::Error(_)) => return None,
            }
        }
        None
    }
    #[cfg(not(unix))]
    {
        let _ = folder;
        None
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl FileStore {
    /// A store in `folder` (created on the first save).
    pub fn new(folder: impl Into<PathBuf>) -> Self {
        Self {
            folder: folder.into(),
            read_only: None,
            notices: Vec::new(),
            merged: None,
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

    /// Whether saves are refused (a newer version's file, or a damaged file that could
    /// not be moved aside): progress then stays in memory.
    pub fn is_read_only(&self) -> bool {
        self.read_only.is_some()
    }

    /// Moves an unreadable file aside as `progress.ron.corrupt-<seconds since 1970>`
    /// (a rename: a FIFO is never opened).
    fn set_aside(&self, path: &Path) -> Result<PathBuf, std::io::Error> {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut aside = self.folder.join(format!("{FILE_NAME}.corrupt-{seconds}"));
        let mut n = 1;
        while std::fs::symlink_metadata(&aside).is_ok() {
            aside = self
                .folder
                .join(format!("{FILE_NAME}.corrupt-{seconds}-{n}"));
            n += 1;
        }
        std::fs::rename(path, &aside)?;
        Ok(aside)
    }

    fn newer_notice(&self, version: u32) -> String {
        format!(
            "Your saved progress in {} was written by a newer version of Backprop Lab \
             (format {version}; this app knows format {VERSION}). It will not be \
             overwritten: what you do now is kept only while the app runs.",
            self.path().display()
        )
    }

    /// Sets a damaged file aside; the notice says where it went, or that saving stops.
    fn damaged(&mut self, problem: &str) -> String {
        let path = self.path();
        match self.set_aside(&path) {
            Ok(aside) => format!(
                "Your saved progress in {} was damaged: {problem}. It was kept as {} and \
                 the app started with empty progress.",
                path.display(),
                aside.display()
            ),
            Err(error) => {
                self.read_only = Some(format!(
                    "the damaged file could not be moved aside ({error})"
                ));
                format!(
                    "Your saved progress in {} was damaged: {problem}, and it could not be \
                     moved aside ({error}). The app started with empty progress and will \
                     not save over it: what you do now is kept only while the app runs.",
                    path.display()
                )
            }
        }
    }

    fn write(&mut self, progress: &Progress, merge: bool) -> Result<(), SaveError> {
        if self.read_only.is_some() {
            // The learner was told when it happened; progress stays in memory.
            return Ok(());
        }
        let error = |path: &Path| {
            let path = path.display().to_string();
            move |source| SaveError { path, source }
        };
        std::fs::create_dir_all(&self.folder).map_err(error(&self.folder))?;
        let lock = lock_folder(&self.folder);
        // Under the lock no other window is between writing and renaming, so a temporary
        // file here was left by a save that was killed: it goes.
        if lock.is_some() {
            remove_stale_temporaries(&self.folder);
        }
        let path = self.path();
        let mut merged = progress.clone();
        merged.version = VERSION;
        let mut previous = None;
        match read_on_disk(&path) {
            OnDisk::Missing => {}
            OnDisk::Progress(theirs, text) => {
                if merge {
                    merged.merge(&theirs);
                }
                previous = Some(text);
            }
            OnDisk::Newer(version, _) => {
                let notice = self.newer_notice(version);
                self.read_only = Some(notice.clone());
                self.notices.push(notice);
                return Ok(());
            }
            OnDisk::Damaged(problem) => {
                let notice = self.damaged(&problem);
                self.notices.push(notice);
                if self.read_only.is_some() {
                    return Ok(());
                }
            }
            OnDisk::Failed(source) => return Err(error(&path)(source)),
        }
        // A file the next start could not read is not written: the file and its backup
        // stay as they were, and the learner is told.
        let text = to_ron(&merged);
        if text.len() as u64 > PROGRESS_BYTES {
            return Err(error(&path)(std::io::Error::other(format!(
                "the progress would take {} bytes, more than the {PROGRESS_BYTES} a \
                 progress file may have; the file and its backup are kept as they were",
                text.len()
            ))));
        }
        if let Some(previous) = previous {
            let backup = self.backup_path();
            write_replacing(&self.folder, &backup, &previous).map_err(error(&backup))?;
        }
        write_replacing(&self.folder, &path, &text).map_err(error(&path))?;
        sync_folder(&self.folder).map_err(error(&self.folder))?;
        if merged.lessons != progress.lessons {
            self.merged = Some(merged);
        }
        Ok(())
    }
}

/// Reads progress from RON text.
pub fn from_ron(text: &str) -> Result<Progress, ron::error::SpannedError> {
    ron::from_str(text)
}

/// Writes progress as RON text.
pub fn to_ron(progress: &Progress) -> String {
    // Compact: pretty-printing made a large file three to four times larger, past the
    // limit the next start reads.
    ron::ser::to_string(progress).unwrap_or_else(|_| String::from("(version: 1)"))
}

#[cfg(not(target_arch = "wasm32"))]
impl ProgressStore for FileStore {
    fn load(&mut self) -> Loaded {
        // At start, too: what killed saves left behind goes (under the lock, so never a
        // temporary file another window is writing).
        if lock_folder(&self.folder).is_some() {
            remove_stale_temporaries(&self.folder);
        }
        let (progress, notice) = match read_on_disk(&self.path()) {
            OnDisk::Missing => (Progress::default(), None),
            OnDisk::Progress(progress, _) => (progress, None),
            OnDisk::Newer(version, progress) => {
                let notice = self.newer_notice(version);
                self.read_only = Some(notice.clone());
                // Whatever of it this app understands is shown.
                (progress.unwrap_or_default(), Some(notice))
            }
            OnDisk::Damaged(problem) => (Progress::default(), Some(self.damaged(&problem))),
            OnDisk::Failed(error) => (
                Progress::default(),
                Some(format!(
                    "Your saved progress in {} could not be opened ({error}). The app \
                     started with empty progress.",
                    self.path().display()
                )),
            ),
        };
        Loaded { progress, notice }
    }

    fn save(&mut self, progress: &Progress) -> Result<(), SaveError> {
        self.write(progress, true)
    }

    fn replace(&mut self, progress: &Progress) -> Result<(), SaveError> {
        self.write(progress, false)
    }

    fn take_merged(&mut self) -> Option<Progress> {
        self.merged.take()
    }

    fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
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
