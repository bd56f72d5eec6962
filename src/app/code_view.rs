//! Code shown with syntax highlighting (egui_extras' built-in highlighter) and a Copy
//! button, for the code lesson and "this graph as code".

use super::style;

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
                egui_extras::syntax_highlighting::code_view_ui(ui, &theme, code, language);
            });
    });
}
