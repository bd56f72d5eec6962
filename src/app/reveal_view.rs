//! A reveal section: steps shown one at a time when the learner asks for the next, each
//! quoting the live numbers of the graph above.

use crate::lesson::RevealSection;

use super::markdown::{fill_live, markdown_ui};
use super::section::{PageContext, SectionWidget};
use super::style;

/// A reveal section and how many of its steps are shown.
pub struct RevealView {
    section: RevealSection,
    shown: usize,
}

impl RevealView {
    /// Every step hidden.
    pub fn new(section: &RevealSection) -> Self {
        Self {
            section: section.clone(),
            shown: 0,
        }
    }
}

impl SectionWidget for RevealView {
    fn ui(&mut self, ui: &mut egui::Ui, id: egui::Id, page: &mut PageContext<'_>) {
        let section = &self.section;
        let shown = &mut self.shown;
        style::section_frame(ui).show(ui, |ui| {
            ui.set_width(ui.available_width());
            if !section.title.is_empty() {
                ui.strong(&section.title);
            }
            let total = section.steps.len();
            ui.horizontal(|ui| {
                if *shown < total {
                    let label = if *shown == 0 {
                        "Show the first step".to_string()
                    } else {
                        format!("Next step ({} of {total})", *shown + 1)
                    };
                    if ui.button(label).clicked() {
                        *shown += 1;
                    }
                } else {
                    ui.label(format!("All {total} steps shown."));
                }
                if *shown > 0 && ui.button("Hide the steps").clicked() {
                    *shown = 0;
                }
            });
            // The buttons stay above the steps, so "Next step" does not move as they
            // appear.
            for (i, step) in section.steps.iter().take(*shown).enumerate() {
                markdown_ui(
                    ui,
                    page.markdown,
                    id.with(i),
                    &fill_live(step, page.graph, page.prediction_pending),
                );
            }
        });
    }
}
