//! A text section: Markdown with maths, and the live numbers of the graph above it.

use super::markdown::{fill_live, markdown_ui};
use super::section::{PageContext, SectionWidget};

/// A text section.
pub struct TextView {
    text: String,
}

impl TextView {
    /// The section's Markdown.
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_string(),
        }
    }
}

impl SectionWidget for TextView {
    fn ui(&mut self, ui: &mut egui::Ui, id: egui::Id, page: &mut PageContext<'_>) {
        let filled = fill_live(&self.text, page.graph, page.prediction_pending);
        markdown_ui(ui, page.markdown, id, &filled);
    }

    fn opens_topic(&self) -> bool {
        self.text.trim_start().starts_with('#')
    }
}
