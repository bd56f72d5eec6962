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
    let text = punctuation_inside_bold(text);
    ui.push_id(id, |ui| {
        CommonMarkViewer::new()
            .render_math_fn(Some(&math))
            .show(ui, cache, &text);
    });
}

/// Moves a punctuation mark that follows bold text (`**12.5**.`) inside it (`**12.5.**`):
/// the viewer may wrap a line between two runs of text, and a line must not start with
/// the full stop of the sentence before. Code spans are left as they are.
fn punctuation_inside_bold(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("**") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut bold = false;
    let mut code = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            code = !code;
        } else if !code && rest.starts_with("**") {
            // `****` is bold in bold (`**{{grad x}}**` filled with `**3**`): it closes
            // after a word and opens after a space, and the `?` of a hidden number
            // (`****?****`) stays inside. `**` closes when bold is open.
            let marker = if rest.starts_with("****") {
                "****"
            } else {
                "**"
            };
            rest = &rest[marker.len()..];
            let closing = if marker.len() == 4 {
                out.chars().last().is_some_and(|c| !c.is_whitespace())
            } else {
                bold = !bold;
                !bold
            };
            match rest.chars().next() {
                Some(p) if closing && ".,;:!?)".contains(p) => {
                    out.push(p);
                    out.push_str(marker);
                    rest = &rest[p.len_utf8()..];
                }
                _ => out.push_str(marker),
            }
            continue;
        } else if c == '\n' && rest[1..].starts_with('\n') {
            // A paragraph's end closes any bold left open.
            bold = false;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    std::borrow::Cow::Owned(out)
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_full_stop_after_bold_stays_on_its_line() {
        use super::punctuation_inside_bold as bind;
        assert_eq!(bind("is **12.5**. Next"), "is **12.5.** Next");
        assert_eq!(bind("**a**, **b**; (**c**)"), "**a,** **b;** (**c)**");
        // An opening marker keeps what follows; code is left alone.
        assert_eq!(bind("x **.5** y"), "x **.5** y");
        assert_eq!(bind("`a**.b**.`"), "`a**.b**.`");
        assert_eq!(bind("plain."), "plain.");
        // A hidden number in bold lesson text: `**{{grad z}}**` filled with `**?**`.
        assert_eq!(bind("gets ****?**** from"), "gets ****?**** from");
        assert_eq!(bind("is ****3****."), "is ****3.****");
    }
}
