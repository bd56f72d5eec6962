//! A display formula section, centred.

use super::formula::formula_ui;
use super::section::{PageContext, SectionWidget};

/// A display formula section (TeX subset).
pub struct FormulaView {
    tex: String,
}

impl FormulaView {
    /// The section's formula.
    pub fn new(tex: &str) -> Self {
        Self {
            tex: tex.to_string(),
        }
    }
}

impl SectionWidget for FormulaView {
    fn ui(&mut self, ui: &mut egui::Ui, _id: egui::Id, _page: &mut PageContext<'_>) {
        ui.vertical_centered(|ui| formula_ui(ui, &self.tex, 22.0));
    }
}
