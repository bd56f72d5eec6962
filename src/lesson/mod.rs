//! Lessons as data: the RON file format, loading (embedded or from a folder) and
//! validation, and the live numbers a lesson shows. Knows nothing of egui.

pub mod batch;
pub mod error;
pub mod layers;
pub mod lint;
pub mod live;
pub mod load;
pub mod model;
pub mod network;
pub mod saliency;
pub mod second_order;
pub mod stepper;
pub mod template;
pub mod training;
pub mod validate;
pub mod worksheet;

pub use error::LessonError;
pub use live::{ChainLink, LiveGraph, LiveGraphError, Nudge};
pub use load::{LessonFile, LoadError, load_embedded, load_folder, load_text, tracked_questions};
pub use model::{
    BackpropQuestion, BackwardSection, BatchSection, Card, CardsSection, CheckpointSection,
    ChoiceOption, ChoiceQuestion, CodeSection, Concept, ConceptMapSection, Curve, EditableInput,
    FormulaQuestion, GraphSection, LayerChoice, LayersSection, Lesson, NetworkSection,
    NumberQuestion, PlotSection, Question, QuizSection, RevealSection, SaliencyModel,
    SaliencySection, SecondOrderSection, Section, TrainingSection, TrainingVariant,
};
