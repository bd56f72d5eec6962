//! The learner's progress (lessons opened and finished, quiz scores, attempts) and where
//! it is stored. No egui here.

pub mod model;
pub mod store;

pub use model::{LessonProgress, Progress, VERSION};
pub use store::{FileStore, Loaded, MemoryStore, ProgressStore, SaveError};
