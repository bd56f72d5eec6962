//! The playground: type a graph script, see the graph, values and gradients live.

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, RichText, Stroke};

use crate::diagram;
use crate::engine::{self, ParseError, Program};
use crate::limits::PLAYGROUND_STATEMENTS;

use super::by_hand_view::ByHandPanel;
use super::graph_view::{GraphView, legend_ui};
use super::input_editor::InputEditor;
use crate::format::number;

/// The script a first-time learner sees: the single neuron of the lessons.
pub const STARTER_SCRIPT: &str = "# A single neuron: z = w*x + b, a = sigmoid(z), L = (a - y)^2\n\
x = 1.5\nw = 0.8\nb = -0.5\ny = 1\nz = w * x + b\na = sigmoid(z)\nL = (a - y)^2\n";

/// Below this page width the script and the graph are stacked rather than side by side
/// (the graph needs the room of its toolbar and a few boxes).
const SIDE_BY_SIDE_WIDTH: f32 = 760.0;
/// The height of the graph under the script in a narrow window.
const STACKED_GRAPH_HEIGHT: f32 = 480.0;

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
    code_language: CodeLanguage,
    /// What happened to the last SVG export, in words.
    export_note: Option<String>,
    /// Backprop it yourself on this graph, while the learner works on it (ends when the
    /// script changes).
    by_hand: Option<ByHandPanel>,
}

/// Which code "this graph as code" shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CodeLanguage {
    Python,
    PyTorch,
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
            code_language: CodeLanguage::Python,
            export_note: None,
            by_hand: None,
        };
        playground.reparse();
        playground
    }

    /// Shows `script` as if typed, then sets the named inputs: how a link opens the
    /// Playground. Returns the names that are not inputs of the script.
    pub fn open(&mut self, script: String, at: &[(String, f64)]) -> Vec<String> {
        self.script = script;
        self.reparse();
        let mut unknown = Vec::new();
        for (name, value) in at {
            let input = self
                .program
                .as_mut()
                .filter(|_| self.error.is_none())
                .and_then(|p| p.input_named(name).map(|id| (p, id)));
            match input {
                Some((program, id)) => {
                    // `id` is an input of this graph: cannot fail.
                    let _ = program.graph.set_input(id, *value);
                    for editor in &mut self.inputs {
                        editor.sync(&program.graph);
                    }
                }
                None => unknown.push(name.clone()),
            }
        }
        unknown
    }

    /// The script as the learner sees it.
    pub fn script(&self) -> &str {
        &self.script
    }

    /// Every input's name and value now (for a link to this state).
    pub fn input_values(&self) -> Vec<(String, f64)> {
        let Some(program) = self.program.as_ref().filter(|_| self.error.is_none()) else {
            return Vec::new();
        };
        program
            .inputs
            .iter()
            .map(|(name, id)| (name.clone(), program.graph.value(*id)))
            .collect()
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
        // A script too big to draw live is an error, not a frozen window.
        let statements = crate::lesson::load::count_statements(&self.script);
        if statements > PLAYGROUND_STATEMENTS {
            self.error = Some(ParseError {
                position: engine::Position {
                    line: self.script.lines().count().max(1),
                    column: 1,
                },
                message: format!(
                    "the script has {statements} statements; the Playground draws at most {} (the command line's grad takes millions)",
                    PLAYGROUND_STATEMENTS
                ),
            });
            return;
        }
        match engine::parse(&self.script) {
            // One statement can hold a huge sum: the picture's limit is in nodes.
            Ok(program)
                if crate::diagram::too_big_to_draw(program.graph.node_count()).is_some() =>
            {
                let why =
                    crate::diagram::too_big_to_draw(program.graph.node_count()).unwrap_or_default();
                self.error = Some(ParseError {
                    position: engine::Position {
                        line: self.script.lines().count().max(1),
                        column: 1,
                    },
                    message: why,
                });
            }
            Ok(program) => {
                self.inputs = program
                    .inputs
                    .iter()
                    .map(|(name, id)| {
                        let range = InputEditor::default_range(program.graph.value(*id));
                        InputEditor::new(name, *id, &program.graph, range)
                    })
                    .collect();
                self.program = Some(program);
                self.error = None;
                self.leave_by_hand();
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
        if ui.available_width() < SIDE_BY_SIDE_WIDTH {
            // A narrow window: the script, then its graph, one under the other.
            egui::ScrollArea::vertical().show(ui, |ui| {
                self.editor_ui(ui);
                ui.separator();
                let size = egui::vec2(ui.available_width(), STACKED_GRAPH_HEIGHT);
                ui.allocate_ui(size, |ui| self.graph_ui(ui));
            });
            return;
        }
        egui::Panel::left("playground_editor")
            .resizable(true)
            .default_size(330.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.editor_ui(ui));
            });
        egui::CentralPanel::default().show(ui, |ui| self.graph_ui(ui));
    }

    /// "This graph as code": plain Python with the chain rule written out, and PyTorch.
    fn code_ui(&mut self, ui: &mut egui::Ui) {
        let Some(program) = self.program.as_mut() else {
            return;
        };
        ui.separator();
        egui::CollapsingHeader::new("This graph as code").show(ui, |ui| {
            // The code calls a node as its box does (`t1`), not by its index; worked out
            // only while the code is shown.
            let titles = diagram::expr::Titles::new(&mut program.graph);
            let short = |id| titles.short_name(id).map(str::to_string);
            ui.label("Run it in Python to get the same numbers as the graph.");
            ui.horizontal(|ui| {
                ui.selectable_value(
                    &mut self.code_language,
                    CodeLanguage::Python,
                    "Plain Python",
                );
                ui.selectable_value(&mut self.code_language, CodeLanguage::PyTorch, "PyTorch");
            });
            let code = match self.code_language {
                CodeLanguage::Python => engine::codegen::to_python_named(program, &short),
                CodeLanguage::PyTorch => engine::codegen::to_pytorch_named(program, &short),
            };
            // At full height: the panel scrolls, not a small box inside it.
            super::code_view::code_ui(ui, &code, "py");
        });
    }

    fn editor_ui(&mut self, ui: &mut egui::Ui) {
        let label = ui.label("Script");
        let error_at = self.error.as_ref().map(|e| e.position);
        let mut layouter = |ui: &egui::Ui, text: &dyn egui::TextBuffer, wrap_width: f32| {
            let mut job = underlined_job(ui, text.as_str(), error_at);
            job.wrap.max_width = wrap_width;
            ui.painter().layout_job(job)
        };
        let edit = egui::TextEdit::multiline(&mut self.script)
            .code_editor()
            .desired_rows(10)
            .desired_width(f32::INFINITY)
            .layouter(&mut layouter);
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
        // The inputs stay put while the learner backprops by hand.
        ui.add_enabled_ui(self.by_hand.is_none(), |ui| {
            for input in &mut self.inputs {
                input.ui(ui, &mut program.graph);
            }
        });
        self.code_ui(ui);
    }

    fn graph_ui(&mut self, ui: &mut egui::Ui) {
        let Some(program) = self.program.as_mut() else {
            ui.label("Fix the script to see its graph.");
            return;
        };
        legend_ui(ui);
        let output = program.output;
        ui.horizontal_wrapped(|ui| {
            let output_line = format!(
                "Output {} = {}",
                program.output_name,
                number(program.graph.value(output))
            );
            // While the text does not parse, the graph is the last script that did: say
            // so, rather than pair a name being typed with a value it never had.
            match &self.error {
                Some(error) => ui.label(format!(
                    "{output_line}, from the last script that worked (line {} has an error)",
                    error.position.line
                )),
                None => ui.label(output_line),
            };
            if ui
                .button("Copy SVG")
                .on_hover_text("Copy this graph as an SVG picture, to paste into a worksheet")
                .clicked()
            {
                ui.ctx().copy_text(crate::diagram::export::to_svg(program));
                self.export_note = Some("The SVG is on the clipboard.".into());
            }
            #[cfg(not(target_arch = "wasm32"))]
            if ui
                .button("Export SVG")
                .on_hover_text("Save this graph as an SVG file in the current folder")
                .clicked()
            {
                self.export_note = Some(save_svg(&crate::diagram::export::to_svg(program)));
            }
            if let Some(note) = &self.export_note {
                ui.label(note.as_str());
            }
        });
        let start = self.error.is_none()
            && self.by_hand.is_none()
            && ui
                .button("Backprop it yourself")
                .on_hover_text(
                    "Hide the gradients and fill each box's gradient yourself, from the output back",
                )
                .clicked();
        if start {
            self.view.fold_intermediates = false;
            self.view.reset();
            self.by_hand = ByHandPanel::new(&mut program.graph, &program.output_name);
        }
        let mut leave = false;
        if let Some(panel) = &mut self.by_hand {
            // The fields above the graph, scrolling when the graph has many boxes.
            let max_height = (ui.available_height() * 0.4).max(160.0);
            egui::ScrollArea::vertical()
                .id_salt("by-hand")
                .max_height(max_height)
                .show(ui, |ui| {
                    if let Some(id) = self.view.selected.take() {
                        panel.focus_box(id);
                    }
                    panel.ui(ui, &program.graph);
                    leave = ui
                        .button("Leave the exercise")
                        .on_hover_text("Show every gradient again")
                        .clicked();
                });
            panel.dress(&mut self.view, &program.graph);
            self.view.scrub_ranges = Vec::new();
        } else {
            let focus = self.view.selected;
            if let Some(id) = focus {
                for line in self.view.chain_rule_lines(&mut program.graph, id) {
                    ui.label(line);
                }
            } else {
                ui.label("Click a box to see its chain-rule arithmetic; drag an input's box sideways to change it.");
            }
            self.view.scrub_ranges = self.inputs.iter().map(|e| (e.id, e.range())).collect();
        }
        if let Some(error) = &self.error {
            // The graph of the last script that ran, dimmed, and said so in words.
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!(
                    "This is the last graph that ran: the script has an error at line {}, column {}.",
                    error.position.line, error.position.column
                ),
            );
            ui.scope(|ui| {
                ui.multiply_opacity(0.4);
                self.view.ui(ui, &mut program.graph);
            });
        } else {
            self.view.ui(ui, &mut program.graph);
        }
        if self.view.input_changed {
            for input in &mut self.inputs {
                input.sync(&program.graph);
            }
        }
        if leave {
            self.leave_by_hand();
        }
    }

    /// Ends backprop by hand: every gradient shown again, intermediates folded as usual.
    fn leave_by_hand(&mut self) {
        if self.by_hand.take().is_some() {
            self.view.fold_intermediates = true;
            self.view.shown_grads = None;
            self.view.passed_back = None;
            self.view.current = None;
            self.view.hide_locals = false;
            self.view.reset();
        }
    }
}

/// Writes the SVG to `graph.svg` in the current folder (`graph-2.svg`, ... when taken,
/// so nothing is overwritten) and says where, or why not.
#[cfg(not(target_arch = "wasm32"))]
fn save_svg(svg: &str) -> String {
    let folder = std::env::current_dir().unwrap_or_else(|_| std::path::PathBuf::from("."));
    for n in 1..1000 {
        let name = if n == 1 {
            "graph.svg".to_string()
        } else {
            format!("graph-{n}.svg")
        };
        let path = folder.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                use std::io::Write as _;
                return match file.write_all(svg.as_bytes()) {
                    Ok(()) => format!("Saved {}", path.display()),
                    Err(e) => format!("Could not write {}: {e}", path.display()),
                };
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return format!("Could not write {}: {e}", path.display()),
        }
    }
    "Could not find a free file name for the SVG.".into()
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

/// The script as monospace text with the character at the error underlined (a visible
/// mark even at the end of a line, where an error often points).
fn underlined_job(ui: &egui::Ui, text: &str, error: Option<engine::Position>) -> LayoutJob {
    let font_id = egui::TextStyle::Monospace.resolve(ui.style());
    let plain = TextFormat::simple(font_id.clone(), ui.visuals().text_color());
    let mut job = LayoutJob::default();
    let Some(range) = error.and_then(|p| char_range_at(text, p)) else {
        job.append(text, 0.0, plain);
        return job;
    };
    let marked = TextFormat {
        underline: Stroke::new(2.0, ui.visuals().error_fg_color),
        background: ui.visuals().error_fg_color.gamma_multiply(0.25),
        ..plain.clone()
    };
    job.append(&text[..range.start], 0.0, plain.clone());
    job.append(&text[range.clone()], 0.0, marked);
    job.append(&text[range.end..], 0.0, plain);
    job
}

/// Byte range of the character at a 1-based line and column (the line's end counts).
fn char_range_at(text: &str, position: engine::Position) -> Option<std::ops::Range<usize>> {
    let line_start = if position.line == 1 {
        0
    } else {
        text.match_indices('\n').nth(position.line - 2)?.0 + 1
    };
    let line = &text[line_start..];
    let (offset, c) = line
        .char_indices()
        .nth(position.column.saturating_sub(1))
        .unwrap_or((line.len(), '\n'));
    if c == '\n' || offset == line.len() {
        // Past the end: there is no character to underline, so mark the line break (or
        // nothing at the very end of the text).
        return (line_start + offset < text.len()).then(|| {
            let at = line_start + offset;
            at..at + 1
        });
    }
    Some(line_start + offset..line_start + offset + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_character_is_found_for_the_underline() {
        let at =
            |line, column| char_range_at("a = 1\nb = (ä\nc", engine::Position { line, column });
        assert_eq!(at(1, 1), Some(0..1));
        assert_eq!(at(2, 5), Some(10..11));
        // A two-byte character.
        assert_eq!(at(2, 6), Some(11..13));
        // The end of a line marks the line break; the end of the text has nothing to mark.
        assert_eq!(at(2, 7), Some(13..14));
        assert_eq!(at(3, 2), None);
        assert_eq!(at(9, 1), None);
    }

    #[test]
    fn a_script_too_big_to_draw_is_an_error_and_keeps_the_last_graph() {
        let mut p = Playground::new(STARTER_SCRIPT.to_string());
        let mut big = String::from("x0 = 1\n");
        for i in 1..=PLAYGROUND_STATEMENTS {
            big.push_str(&format!("x{i} = x{} * 0.9\n", i - 1));
        }
        p.script = big;
        p.reparse();
        let error = p.error().expect("too big");
        assert!(error.message.contains("at most"), "{}", error.message);
        assert!(p.program.is_some(), "the last good graph stays");
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
