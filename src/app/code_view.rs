//! Code shown with syntax highlighting (egui_extras' built-in highlighter) and a Copy
//! button: the code section, and "this graph as code".

use crate::lesson::CodeSection;

use super::section::{PageContext, SectionWidget};
use super::style;

/// A code section: a titled listing with a caption.
pub struct CodeView {
    listing: CodeSection,
}

impl CodeView {
    /// The section's listing.
    pub fn new(listing: &CodeSection) -> Self {
        Self {
            listing: listing.clone(),
        }
    }
}

impl SectionWidget for CodeView {
    fn ui(&mut self, ui: &mut egui::Ui, id: egui::Id, _page: &mut PageContext<'_>) {
        let listing = &self.listing;
        if !listing.title.is_empty() {
            ui.strong(&listing.title);
        }
        ui.push_id(id, |ui| code_ui(ui, &listing.code, &listing.language));
        if let Some(caption) = &listing.caption {
            style::caption(ui, caption);
        }
    }
}

/// Draws `code` in a frame with a Copy button.
pub fn code_ui(ui: &mut egui::Ui, code: &str, language: &str) {
    style::section_frame(ui).show(ui, |ui| {
        ui.set_width(ui.available_width());
        if ui.button("Copy").clicked() {
            ui.ctx().copy_text(code.to_string());
        }
        let theme = egui_extras::syntax_highlighting::CodeTheme::from_style(ui.style());
        // Code never wraps mid-expression: a line too long for the column scrolls.
        egui::ScrollArea::horizontal()
            .id_salt("code lines")
            .show(ui, |ui| {
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
                egui_extras::syntax_highlighting::code_view_ui(ui, &theme, code, language)
                    .widget_info(|| {
                        egui::WidgetInfo::labeled(egui::accesskit::Role::Code, true, code)
                    });
            });
    });
}
