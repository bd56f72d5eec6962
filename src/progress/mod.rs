//! The learner's progress (lessons opened and finished, quiz scores, attempts) and where
//! it is stored. No egui here.

pub mod mastery;
pub mod model;
pub mod review;
pub mod store;
#[cfg(target_arch = "wasm32")]
pub mod web_store;

pub use model::{AnswerRecord, LessonProgress, Progress, VERSION};
#[cfg(not(target_arch = "wasm32"))]
pub use store::FileStore;
pub use store::{Loaded, MemoryStore, ProgressStore, SaveError};
#[cfg(target_arch = "wasm32")]
pub use web_store::LocalStorageStore;
