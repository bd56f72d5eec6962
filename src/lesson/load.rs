//! Reading lesson files: the ones embedded in the binary, or a teacher's folder.

use std::path::Path;

use super::model::Lesson;
use super::validate::validate;

/// Every `lessons/*.ron` file of the repository, as (file name, text), by file name.
pub const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_lessons.rs"));

/// A problem in a lesson file, at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct LessonError {
    /// The file's name.
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// One lesson file: its name and either the lesson or everything wrong with it.
#[derive(Debug, Clone)]
pub struct LessonFile {
    /// The file's name, e.g. `01-blame-game.ron`.
    pub file: String,
    /// The lesson, or the errors that keep it from being shown.
    pub lesson: Result<Lesson, Vec<LessonError>>,
}

impl LessonFile {
    /// A title for the lesson list, even when the file is broken.
    pub fn title(&self) -> String {
        match &self.lesson {
            Ok(lesson) => lesson.title.clone(),
            Err(_) => format!("{} (broken)", self.file),
        }
    }
}

/// Failure to read a lesson folder.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The folder could not be listed.
    #[error("cannot read the lesson folder {folder}: {source}")]
    Folder {
        /// The folder.
        folder: String,
        /// Why.
        source: std::io::Error,
    },
    /// The folder holds no `.ron` file.
    #[error("no lesson files (*.ron) in {0}")]
    Empty(String),
}

/// The RON dialect of lesson files: `Some` may be left out, and a section's fields may be
/// written directly inside its variant, as in `Graph(script: "...")`.
fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(
        ron::extensions::Extensions::IMPLICIT_SOME
            | ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES,
    )
}

/// Parses and validates one lesson file's text.
pub fn load_text(file: &str, text: &str) -> LessonFile {
    let lesson = match ron_options().from_str::<Lesson>(text) {
        Ok(lesson) => {
            let errors = validate(file, text, &lesson);
            if errors.is_empty() {
                Ok(lesson)
            } else {
                Err(errors)
            }
        }
        Err(error) => Err(vec![LessonError {
            file: file.to_string(),
            line: error.span.start.line.max(1),
            column: error.span.start.col.max(1),
            message: error.code.to_string(),
        }]),
    };
    LessonFile {
        file: file.to_string(),
        lesson,
    }
}

/// The lessons built into the binary.
pub fn load_embedded() -> Vec<LessonFile> {
    EMBEDDED
        .iter()
        .map(|(file, text)| load_text(file, text))
        .collect()
}

/// Every `*.ron` file of a folder, by file name. A file that cannot be read becomes a
/// broken lesson with the reason, so the other lessons still load.
pub fn load_folder(folder: &Path) -> Result<Vec<LessonFile>, LoadError> {
    let entries = std::fs::read_dir(folder).map_err(|source| LoadError::Folder {
        folder: folder.display().to_string(),
        source,
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    if paths.is_empty() {
        return Err(LoadError::Empty(folder.display().to_string()));
    }
    paths.sort();
    Ok(paths
        .iter()
        .map(|path| {
            let file = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            match std::fs::read_to_string(path) {
                Ok(text) => load_text(&file, &text),
                Err(error) => LessonFile {
                    lesson: Err(vec![LessonError {
                        file: file.clone(),
                        line: 1,
                        column: 1,
                        message: format!("cannot read the file: {error}"),
                    }]),
                    file,
                },
            }
        })
        .collect())
}
