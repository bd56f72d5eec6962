//! Lesson text: Markdown with `$...$` maths typeset by our formula layout, and the live
//! numbers (`{{value T}}`, `{{grad T}}`) of the graph a text quotes. Every view that shows
//! an author's text uses this one module.

use egui_commonmark::{CommonMarkCache, CommonMarkViewer};

use crate::lesson::{LiveGraph, template};

use super::formula::formula_ui;
use crate::format::number;

/// Markdown with `$...$` maths typeset by our formula layout.
pub fn markdown_ui(ui: &mut egui::Ui, cache: &mut CommonMarkCache, id: egui::Id, text: &str) {
    let math = |ui: &mut egui::Ui, tex: &str, inline: bool| {
        // Inline maths at the body text's size, so it sits on the line like a word.
        let body = egui::TextStyle::Body.resolve(ui.style()).size;
        formula_ui(ui, tex, if inline { body } else { body * 1.5 });
    };
    ui.push_id(id, |ui| {
        CommonMarkViewer::new()
            .render_math_fn(Some(&math))
            .show(ui, cache, text);
    });
}

/// Replaces `{{value NAME}}` and `{{grad NAME}}` with the graph's current numbers; with
/// `hide_gradients` (a prediction above is unanswered), everything but a value is `?`.
pub fn fill_live(text: &str, graph: Option<&LiveGraph>, hide_gradients: bool) -> String {
    template::fill(text, |kind, name| {
        let value = graph?.live_number(kind, name)?;
        if hide_gradients && kind != template::LiveKind::Value {
            return Some("**?**".to_string());
        }
        Some(format!("**{}**", number(value)))
    })
}
