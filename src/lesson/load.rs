//! Reading lesson files: the ones embedded in the binary, or a teacher's folder.

use std::path::Path;

use crate::limits::{GRAPH_STATEMENTS, LESSON_FILE_BYTES};

use super::model::{Lesson, Section};
use super::validate::{line_column, validate};

/// Every `lessons/*.ron` file of the repository, as (file name, text), by file name.
pub const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_lessons.rs"));

pub use super::error::LessonError;

/// One lesson file: its name and either the lesson or everything wrong with it.
#[derive(Debug, Clone)]
pub struct LessonFile {
    /// The file's name, e.g. `01-blame-game.ron`.
    pub file: String,
    /// The lesson, or the errors that keep it from being shown.
    pub lesson: Result<Lesson, Vec<LessonError>>,
    /// What a loaded lesson could do better (see [`super::lint`]); `check` prints them.
    pub warnings: Vec<LessonError>,
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

/// Statements of a graph script, counted without parsing it: the non-blank pieces between
/// new lines and `;`, once comments (`#` to the end of the line) are taken out.
pub fn count_statements(script: &str) -> usize {
    script
        .lines()
        .map(|line| line.split('#').next().unwrap_or(""))
        .flat_map(|line| line.split(';'))
        .filter(|piece| !piece.trim().is_empty())
        .count()
}

/// Errors for sizes above the limits: the whole text, then each Graph section's script.
fn size_errors(file: &str, text: &str, lesson: &Lesson) -> Vec<LessonError> {
    let mut errors = Vec::new();
    let mut from = 0;
    for section in &lesson.sections {
        if let Section::Graph(graph) = section {
            let at = if graph.script.is_empty() {
                None
            } else {
                text.get(from..)
                    .and_then(|rest| rest.find(graph.script.as_str()))
                    .map(|i| from + i)
            };
            if let Some(at) = at {
                from = at + graph.script.len();
            }
            let count = count_statements(&graph.script);
            if count > GRAPH_STATEMENTS {
                let (line, column) = line_column(text, at.unwrap_or(0));
                errors.push(LessonError {
                    file: file.to_string(),
                    line,
                    column,
                    message: format!(
                        "the graph script has {count} statements; the limit is \
                         {GRAPH_STATEMENTS}"
                    ),
                });
            }
        }
    }
    errors
}

fn too_big(file: &str, bytes: u64) -> LessonFile {
    LessonFile {
        file: file.to_string(),
        lesson: Err(vec![LessonError {
            file: file.to_string(),
            line: 1,
            column: 1,
            message: crate::files::ReadError::TooBig {
                size: Some(bytes),
                limit: LESSON_FILE_BYTES,
            }
            .to_string(),
        }]),
        warnings: Vec::new(),
    }
}

/// Parses and validates one lesson file's text.
pub fn load_text(file: &str, text: &str) -> LessonFile {
    if text.len() as u64 > LESSON_FILE_BYTES {
        return too_big(file, text.len() as u64);
    }
    let mut warnings = Vec::new();
    let lesson = match ron_options().from_str::<Lesson>(text) {
        Ok(lesson) => {
            let sizes = size_errors(file, text, &lesson);
            if !sizes.is_empty() {
                return LessonFile {
                    file: file.to_string(),
                    lesson: Err(sizes),
                    warnings: Vec::new(),
                };
            }
            let errors = validate(file, text, &lesson);
            if errors.is_empty() {
                warnings = super::lint::warnings(file, text, &lesson);
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
        warnings,
    }
}

/// Every question of every lesson that loaded: its file, stable id and the concepts it
/// tests (what progress tracks), in lesson order. A question without concepts of its own
/// tests its lesson's, or, in a quiz linked to another lesson (an assessment's), that
/// lesson's.
pub fn tracked_questions(files: &[LessonFile]) -> Vec<(String, String, Vec<String>)> {
    let title_of = |file: &str| {
        files
            .iter()
            .find(|f| f.file == file)
            .and_then(|f| f.lesson.as_ref().ok())
            .map(|l| l.title.clone())
    };
    let mut tracked = Vec::new();
    for file in files {
        let Ok(lesson) = &file.lesson else {
            continue;
        };
        for section in &lesson.sections {
            let crate::lesson::Section::Quiz(quiz) = section else {
                continue;
            };
            let default = quiz
                .lesson
                .as_deref()
                .and_then(title_of)
                .unwrap_or_else(|| lesson.title.clone());
            for question in &quiz.questions {
                let concepts = if question.concepts().is_empty() {
                    vec![default.clone()]
                } else {
                    question.concepts().to_vec()
                };
                tracked.push((file.file.clone(), question.id(), concepts));
            }
        }
    }
    tracked
}

/// The lessons built into the binary.
pub fn load_embedded() -> Vec<LessonFile> {
    EMBEDDED
        .iter()
        .map(|(file, text)| load_text(file, text))
        .collect()
}

/// Reads one lesson file of a folder through the reading gate: only a regular file (a
/// symbolic link to one is followed), checked before opening so a FIFO or a device never
/// blocks, and at most [`LESSON_FILE_BYTES`].
fn read_lesson_file(path: &Path) -> Result<String, (usize, usize, String)> {
    use crate::files::ReadError;
    crate::files::read_text(path, LESSON_FILE_BYTES).map_err(|error| match error {
        ReadError::NotUtf8 { line, column } => (line, column, "invalid UTF-8".to_string()),
        ReadError::Io(error) => (1, 1, format!("cannot read the file: {error}")),
        refused => (1, 1, refused.to_string()),
    })
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
    Ok(paths.iter().map(|path| load_file(path)).collect())
}

/// One lesson file, read the careful way a folder's files are (only a regular file,
/// never blocking on a FIFO or a device, at most [`LESSON_FILE_BYTES`]): a file that cannot
/// be read becomes a broken lesson with the reason.
pub fn load_file(path: &Path) -> LessonFile {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    match read_lesson_file(path) {
        Ok(text) => load_text(&file, &text),
        Err((line, column, message)) => LessonFile {
            lesson: Err(vec![LessonError {
                file: file.clone(),
                line,
                column,
                message,
            }]),
            file,
            warnings: Vec::new(),
        },
    }
}
