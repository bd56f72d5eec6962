//! Editing an input of a graph: a slider whose value is typed in place. What the learner types is
//! never lost and never panics: `abc` is reported, `1e999` and `NaN` flow into the graph
//! and are shown as such.

use crate::engine::{self, Graph, NodeId};

use crate::format::number;

/// One editable input: its slider range and the text the learner is typing.
#[derive(Debug, Clone)]
pub struct InputEditor {
    /// The input's name.
    pub name: String,
    /// The input's node.
    pub id: NodeId,
    range: std::ops::RangeInclusive<f64>,
    text: String,
    text_error: Option<String>,
}

impl InputEditor {
    /// An editor for input `id` of `graph`, with a slider over `range`.
    pub fn new(
        name: &str,
        id: NodeId,
        graph: &Graph,
        range: std::ops::RangeInclusive<f64>,
    ) -> Self {
        Self {
            name: name.to_string(),
            id,
            range,
            text: number(graph.value(id)),
            text_error: None,
        }
    }

    /// A range around the input's starting value, for graphs that name none.
    pub fn default_range(value: f64) -> std::ops::RangeInclusive<f64> {
        if !value.is_finite() {
            return -5.0..=5.0;
        }
        let half_width = (value.abs() * 2.0).max(5.0);
        (value - half_width)..=(value + half_width)
    }

    /// The slider's range.
    pub fn range(&self) -> std::ops::RangeInclusive<f64> {
        self.range.clone()
    }

    /// Shows the input's current value in the text field (after something else moved it).
    pub fn sync(&mut self, graph: &Graph) {
        self.text = number(graph.value(self.id));
        self.text_error = None;
    }

    /// Draws one control for the input: its name, a slider, and the slider's value as a
    /// field the learner can type any number into (`nan` and `inf` too); returns whether
    /// the input changed. Screen readers hear both the slider and the field by the name.
    pub fn ui(&mut self, ui: &mut egui::Ui, graph: &mut Graph) -> bool {
        let mut changed = false;
        let mut value = graph.value(self.id);
        ui.horizontal(|ui| {
            ui.spacing_mut().slider_width = SLIDER_WIDTH;
            let name = ui.label(&self.name);
            let slider = egui::Slider::new(&mut value, self.range.clone())
                .show_value(false)
                .clamping(egui::SliderClamping::Never);
            if ui.add(slider).labelled_by(name.id).changed() {
                changed |= graph.set_input(self.id, value).is_ok();
                self.text = number(value);
                self.text_error = None;
            }
            let field = ui
                .add(egui::TextEdit::singleline(&mut self.text).desired_width(FIELD_WIDTH))
                .labelled_by(name.id)
                .on_hover_text(format!(
                    "Type a value for {} (any number, or nan, inf, -inf)",
                    self.name
                ));
            if field.changed() {
                match typed_number(&self.text) {
                    Some(v) => {
                        changed |= graph.set_input(self.id, v).is_ok();
                        self.text_error = None;
                    }
                    None => self.text_error = Some(format!("'{}' is not a number", self.text)),
                }
            }
        });
        if let Some(message) = &self.text_error {
            ui.colored_label(ui.visuals().error_fg_color, message);
        }
        changed
    }
}

/// Width of an input's slider: three inputs to a row in the default window.
const SLIDER_WIDTH: f32 = 150.0;

/// Width of the typed value beside a slider: room for `-0.000123` and the like.
const FIELD_WIDTH: f32 = 72.0;

/// A value the learner typed: the language's numbers, plus `nan` and `inf` so the learner
/// can watch non-finite values travel through the graph.
pub fn typed_number(text: &str) -> Option<f64> {
    let trimmed = text.trim();
    match trimmed.to_ascii_lowercase().as_str() {
        "nan" => Some(f64::NAN),
        "inf" | "+inf" | "infinity" | "+infinity" => Some(f64::INFINITY),
        "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
        _ => engine::parse_number(trimmed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_numbers() {
        assert_eq!(typed_number(" 2.5 "), Some(2.5));
        assert_eq!(typed_number("1e999"), Some(f64::INFINITY));
        assert!(typed_number("NaN").is_some_and(f64::is_nan));
        assert_eq!(typed_number("abc"), None);
        assert_eq!(typed_number(""), None);
    }
}
