//! The playground: type a graph script, see the graph, values and gradients live.

use egui::{Color32, RichText};

use crate::engine::{self, NodeId, ParseError, Program};

use super::format::number;
use super::graph_view::{GRAD_COLOR, GraphView, VALUE_COLOR, chain_rule_lines};

/// The script a first-time learner sees: the single neuron of the lessons.
pub const STARTER_SCRIPT: &str = "# A single neuron: z = w*x + b, a = sigmoid(z), L = (a - y)^2\n\
x = 1.5\nw = 0.8\nb = -0.5\ny = 1\nz = w * x + b\na = sigmoid(z)\nL = (a - y)^2\n";

/// One editable input: its slider range and the text the learner is typing.
#[derive(Debug, Clone)]
struct InputEditor {
    name: String,
    id: NodeId,
    range: std::ops::RangeInclusive<f64>,
    text: String,
    text_error: Option<String>,
}

/// The playground page's state.
#[derive(Debug)]
pub struct Playground {
    /// What the learner typed (kept between runs by the app).
    pub script: String,
    parsed_script: Option<String>,
    program: Option<Program>,
    error: Option<ParseError>,
    inputs: Vec<InputEditor>,
    view: GraphView,
}

impl Playground {
    /// A playground showing `script`.
    pub fn new(script: String) -> Self {
        let mut playground = Self {
            script,
            parsed_script: None,
            program: None,
            error: None,
            inputs: Vec::new(),
            view: GraphView::default(),
        };
        playground.reparse();
        playground
    }

    /// The current parse error, if the script does not parse.
    pub fn error(&self) -> Option<&ParseError> {
        self.error.as_ref()
    }

    fn reparse(&mut self) {
        if self.parsed_script.as_deref() == Some(self.script.as_str()) {
            return;
        }
        self.parsed_script = Some(self.script.clone());
        match engine::parse(&self.script) {
            Ok(program) => {
                self.inputs = program
                    .inputs
                    .iter()
                    .map(|(name, id)| {
                        let value = program.graph.value(*id);
                        let half_width = (value.abs() * 2.0).max(5.0);
                        InputEditor {
                            name: name.clone(),
                            id: *id,
                            range: (value - half_width)..=(value + half_width),
                            text: number(value),
                            text_error: None,
                        }
                    })
                    .collect();
                self.program = Some(program);
                self.error = None;
                self.view.reset();
            }
            // Keep showing the last good graph while the learner fixes the text.
            Err(error) => self.error = Some(error),
        }
    }

    /// Draws the page.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        ui.heading("Playground");
        ui.label("Write a graph script: one NAME = EXPR per line. A line that is just a number declares an input; the last line is the output.");
        egui::Panel::left("playground_editor")
            .resizable(true)
            .default_size(330.0)
            .show(ui, |ui| self.editor_ui(ui));
        egui::CentralPanel::default().show(ui, |ui| self.graph_ui(ui));
    }

    fn editor_ui(&mut self, ui: &mut egui::Ui) {
        let label = ui.label("Script");
        let edit = egui::TextEdit::multiline(&mut self.script)
            .code_editor()
            .desired_rows(10)
            .desired_width(f32::INFINITY);
        if ui.add(edit).labelled_by(label.id).changed() {
            self.reparse();
        }
        if let Some(error) = &self.error {
            error_ui(ui, &self.script, error);
        }
        ui.separator();
        ui.label(RichText::new("Inputs").strong());
        let Some(program) = self.program.as_mut() else {
            return;
        };
        for input in &mut self.inputs {
            let mut value = program.graph.value(input.id);
            ui.horizontal(|ui| {
                let slider = egui::Slider::new(&mut value, input.range.clone()).text(&input.name);
                if ui.add(slider).changed() {
                    let _ = program.graph.set_input(input.id, value);
                    input.text = number(value);
                    input.text_error = None;
                }
            });
            ui.horizontal(|ui| {
                let label = ui.label(format!("type {}:", input.name));
                let response = ui
                    .add(egui::TextEdit::singleline(&mut input.text).desired_width(90.0))
                    .labelled_by(label.id);
                if response.changed() {
                    match typed_number(&input.text) {
                        Some(v) => {
                            let _ = program.graph.set_input(input.id, v);
                            input.text_error = None;
                        }
                        None => {
                            input.text_error = Some(format!("'{}' is not a number", input.text));
                        }
                    }
                }
            });
            if let Some(message) = &input.text_error {
                ui.colored_label(ui.visuals().error_fg_color, message);
            }
        }
    }

    fn graph_ui(&mut self, ui: &mut egui::Ui) {
        let Some(program) = self.program.as_mut() else {
            ui.label("Fix the script to see its graph.");
            return;
        };
        legend_ui(ui);
        let output = program.output;
        ui.label(format!(
            "Output {} = {}",
            program.output_name,
            number(program.graph.value(output))
        ));
        let focus = self.view.selected;
        if let Some(id) = focus {
            for line in chain_rule_lines(&program.graph, id) {
                ui.label(line);
            }
        } else {
            ui.label("Click a node to see its chain-rule arithmetic.");
        }
        self.view.ui(ui, &mut program.graph);
    }
}

/// The legend shared by every graph: which line is which, in words and colour.
pub fn legend_ui(ui: &mut egui::Ui) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("val").monospace().color(VALUE_COLOR));
        ui.label("= forward value (upper line)");
        ui.label(RichText::new("grad").monospace().color(GRAD_COLOR));
        ui.label("= d(output)/d(node), from the backward pass (lower line)");
        ui.label(RichText::new("local").monospace());
        ui.label("on an edge = that link's local derivative");
    });
}

/// A value the learner typed: the language's numbers, plus `nan` and `inf` so the learner
/// can watch non-finite values travel through the graph.
pub fn typed_number(text: &str) -> Option<f64> {
    let trimmed = text.trim();
    match trimmed.to_ascii_lowercase().as_str() {
        "nan" => Some(f64::NAN),
        "inf" | "+inf" | "infinity" => Some(f64::INFINITY),
        "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
        _ => engine::parse_number(trimmed),
    }
}

/// The error message and the offending line with a caret under the column.
fn error_ui(ui: &mut egui::Ui, script: &str, error: &ParseError) {
    let color = ui.visuals().error_fg_color;
    ui.colored_label(
        color,
        format!(
            "Line {}, column {}: {}",
            error.position.line, error.position.column, error.message
        ),
    );
    let line = script.lines().nth(error.position.line - 1).unwrap_or("");
    let caret = format!("{}^", " ".repeat(error.position.column.saturating_sub(1)));
    ui.label(
        RichText::new(format!("{line}\n{caret}"))
            .monospace()
            .color(Color32::GRAY),
    );
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
    }

    #[test]
    fn a_broken_script_keeps_the_last_graph() {
        let mut p = Playground::new(STARTER_SCRIPT.to_string());
        assert!(p.error().is_none());
        p.script.push_str("q = (");
        p.reparse();
        assert!(p.error().is_some());
        assert!(p.program.is_some());
    }
}
