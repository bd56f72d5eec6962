//! A live graph section of a lesson: the graph with its sliders, the chain-rule
//! arithmetic of the node pointed at, the product of local effects along the lesson's
//! chain, a nudge check and optional gradient descent.

use egui::RichText;
use egui_plot::{Line, PlotPoints};

use crate::lesson::{GraphSection, LiveGraph};

use super::by_hand_view::ByHandPanel;
use super::graph_view::{GraphView, legend_ui};
use super::input_editor::InputEditor;
use super::plots;
use super::section::{BrokenSection, PageContext, SectionWidget};
use super::style;
use crate::format::number;

/// A live graph section.
pub struct GraphState {
    section: GraphSection,
    live: LiveGraph,
    editors: Vec<InputEditor>,
    view: GraphView,
    descent: Option<DescentState>,
    /// The widest input editor drawn last frame, to lay the editors out in rows.
    editor_width: f32,
    /// Backprop it yourself, while the learner works on it.
    by_hand: Option<ByHandPanel>,
}

/// Space between two input editors of a row.
const EDITOR_GAP: f32 = 16.0;
/// An input editor's width before one is drawn (a slider, its value and name).
const FIRST_EDITOR_WIDTH: f32 = 240.0;

/// How many editors `width` wide fit side by side in `available` (at least one).
fn editors_per_row(available: f32, width: f32) -> usize {
    let per_row = (available + EDITOR_GAP) / (width.max(1.0) + EDITOR_GAP);
    (per_row.floor() as usize).max(1)
}

/// Gradient descent under a graph: the step size and the output after each step.
struct DescentState {
    learning_rate: f64,
    /// The parameters' values before the first step, for "Start again".
    start: Vec<(String, f64)>,
    history: Vec<f64>,
}

impl GraphState {
    /// The section's widget: its live graph, or the reason its script does not run.
    pub fn widget(section: &GraphSection) -> Box<dyn SectionWidget> {
        match Self::new(section) {
            Ok(state) => Box::new(state),
            Err(message) => Box::new(BrokenSection(message)),
        }
    }

    fn new(section: &GraphSection) -> Result<Self, String> {
        let live = LiveGraph::new(section).map_err(|e| format!("This graph cannot run: {e}"))?;
        let graph = &live.program.graph;
        let editors = if section.editable.is_empty() {
            live.program
                .inputs
                .iter()
                .map(|(name, id)| {
                    InputEditor::new(
                        name,
                        *id,
                        graph,
                        InputEditor::default_range(graph.value(*id)),
                    )
                })
                .collect()
        } else {
            section
                .editable
                .iter()
                .filter_map(|input| {
                    let id = live.program.input_named(&input.name)?;
                    Some(InputEditor::new(
                        &input.name,
                        id,
                        graph,
                        input.min..=input.max,
                    ))
                })
                .collect()
        };
        let mut view = GraphView::default();
        view.wheel_pans = false;
        view.highlighted = section
            .highlight
            .iter()
            .filter_map(|name| live.node(name))
            .collect();
        let descent = section.descent.as_ref().map(|d| DescentState {
            learning_rate: d.learning_rate,
            start: d
                .parameters
                .iter()
                .filter_map(|p| Some((p.clone(), live.value(p)?)))
                .collect(),
            history: vec![live.value(&live.output_name).unwrap_or(f64::NAN)],
        });
        Ok(Self {
            section: section.clone(),
            live,
            editors,
            view,
            descent,
            editor_width: FIRST_EDITOR_WIDTH,
            by_hand: None,
        })
    }

    /// Draws the section; `page_hides`: a prediction above is unanswered.
    fn ui(&mut self, ui: &mut egui::Ui, page_hides: bool) {
        style::section_frame(ui).show(ui, |ui| {
            legend_ui(ui);
            self.by_hand_toggle_ui(ui, page_hides);
            let working = self.by_hand.is_some();
            // Rows of as many editors as fit: a wrapping layout cannot wrap a column whose
            // width it learns only after drawing it, so the widest editor of the last
            // frame decides. While the learner backprops by hand, the inputs stay put.
            let per_row = editors_per_row(ui.available_width(), self.editor_width);
            let mut widest: f32 = 0.0;
            for row in self.editors.chunks_mut(per_row) {
                ui.horizontal(|ui| {
                    for editor in row {
                        let drawn = ui.vertical(|ui| {
                            ui.add_enabled_ui(!working, |ui| {
                                editor.ui(ui, &mut self.live.program.graph);
                            });
                        });
                        widest = widest.max(drawn.response.rect.width());
                        ui.add_space(EDITOR_GAP);
                    }
                });
            }
            if widest > 0.0 {
                self.editor_width = widest;
            }
            // Every input with a slider can also be dragged on its box.
            self.view.scrub_ranges = if working {
                Vec::new()
            } else {
                self.editors.iter().map(|e| (e.id, e.range())).collect()
            };
            match &self.by_hand {
                Some(panel) => panel.dress(&mut self.view, &self.live.program.graph),
                None => {
                    // A prediction above is unanswered: this graph would give it away.
                    self.view.hide_gradients = page_hides;
                    self.view.hide_locals = page_hides;
                }
            }
            let graph = &mut self.live.program.graph;
            // Three quarters of the window: a deep graph drawn top to bottom stays at 100%.
            let max_height = (ui.ctx().content_rect().height() * 0.75).max(300.0);
            let height = self.view.preferred_height(graph, max_height);
            let hovered = self.view.ui_sized(ui, graph, height);
            if self.view.input_changed {
                for editor in &mut self.editors {
                    editor.sync(&self.live.program.graph);
                }
            }
            if let Some(panel) = &mut self.by_hand {
                if let Some(id) = self.view.selected.take() {
                    panel.focus_box(id);
                }
                panel.ui(ui, &self.live.program.graph);
                if !panel.finished() {
                    return;
                }
            }
            if let Some(caption) = &self.section.caption {
                style::caption(ui, caption);
            }
            let focus = hovered.or(self.view.selected);
            if page_hides {
                ui.label("Make your prediction above first: this graph's gradients and local derivatives appear once you have checked it.");
                return;
            }
            match focus {
                Some(id) => {
                    for line in self.view.chain_rule_lines(&mut self.live.program.graph, id) {
                        ui.label(RichText::new(line).monospace());
                    }
                }
                None => {
                    ui.label("Point at or click a box to see its chain-rule arithmetic. Drag an input's box sideways to change it.");
                }
            }
            self.chain_ui(ui);
            self.nudge_ui(ui);
            self.descent_ui(ui);
        });
    }

    /// The button that starts or leaves backprop by hand (not while a prediction above
    /// waits: the exercise shows gradients as they are found).
    fn by_hand_toggle_ui(&mut self, ui: &mut egui::Ui, page_hides: bool) {
        let working = self.by_hand.is_some();
        let label = if working {
            "Leave the exercise"
        } else {
            "Backprop it yourself"
        };
        let hover = if working {
            "Show every gradient again and free the inputs"
        } else {
            "Hide the gradients and fill each box's gradient yourself, from the output back"
        };
        let clicked = ui
            .add_enabled(!page_hides || working, egui::Button::new(label))
            .on_hover_text(hover)
            .clicked();
        if !clicked {
            return;
        }
        // Every operation gets its own box while the learner fills them.
        self.view.fold_intermediates = working;
        self.view.reset();
        if working {
            self.by_hand = None;
            self.view.shown_grads = None;
            self.view.passed_back = None;
            self.view.current = None;
            self.view.hide_locals = false;
        } else {
            let graph = &mut self.live.program.graph;
            self.by_hand = ByHandPanel::new(graph, &self.live.output_name);
        }
    }

    /// One gradient-descent step on the section's parameters.
    fn step(&mut self) {
        let Some(descent) = &mut self.descent else {
            return;
        };
        let moves: Vec<(String, f64)> = descent
            .start
            .iter()
            .filter_map(|(name, _)| {
                let value = self.live.value(name)?;
                let grad = self.live.grad(name)?;
                Some((name.clone(), value - descent.learning_rate * grad))
            })
            .collect();
        for (name, value) in moves {
            self.live.set(&name, value);
        }
        let output = self.live.value(&self.live.output_name).unwrap_or(f64::NAN);
        descent.history.push(output);
    }

    fn descent_ui(&mut self, ui: &mut egui::Ui) {
        if self.descent.is_none() {
            return;
        }
        ui.separator();
        let mut steps = 0;
        let mut restart = false;
        if let Some(descent) = &mut self.descent {
            ui.horizontal_wrapped(|ui| {
                let label = ui.label("Learning rate:");
                ui.add(
                    egui::DragValue::new(&mut descent.learning_rate)
                        .range(0.0..=10.0)
                        .speed(0.01),
                )
                .labelled_by(label.id);
                if ui.button("Take one gradient-descent step").clicked() {
                    steps = 1;
                }
                if ui.button("Take 10 steps").clicked() {
                    steps = 10;
                }
                if ui.button("Start again").clicked() {
                    restart = true;
                }
            });
        }
        for _ in 0..steps {
            self.step();
        }
        if restart && let Some(descent) = &mut self.descent {
            for (name, value) in &descent.start {
                self.live.set(name, *value);
            }
            descent.history = vec![self.live.value(&self.live.output_name).unwrap_or(f64::NAN)];
        }
        if steps > 0 || restart {
            for editor in &mut self.editors {
                editor.sync(&self.live.program.graph);
            }
        }
        let Some(descent) = &self.descent else {
            return;
        };
        let out = &self.live.output_name;
        let last = descent.history.last().copied().unwrap_or(f64::NAN);
        let first = descent.history.first().copied().unwrap_or(f64::NAN);
        let taken = descent.history.len() - 1;
        let steps_text = if taken == 1 {
            "1 step".to_string()
        } else {
            format!("{taken} steps")
        };
        ui.label(format!(
            "After {steps_text}: {out} = {} (it started at {}).",
            number(last),
            number(first)
        ));
        if descent.history.len() < 2 {
            // No curve before there is a step to draw.
            ui.label(
                RichText::new(format!(
                    "Take a step to start the curve of {out} against the steps taken."
                ))
                .italics(),
            );
            return;
        }
        let points: Vec<[f64; 2]> = descent
            .history
            .iter()
            .enumerate()
            .map(|(i, &v)| [i as f64, v])
            .collect();
        let color = style::value_color(ui.visuals().dark_mode);
        let label = format!("{out} after each step");
        let now = plots::KeyEntry::dots(
            format!("now: step {taken}"),
            ui.visuals().strong_text_color(),
        );
        let last_point = points.last().copied();
        plots::key_ui(
            ui,
            &[
                plots::KeyEntry::line_with_dots(label.clone(), color, egui_plot::LineStyle::Solid),
                now.clone(),
            ],
        );
        plots::plot(ui.scope_id().with("descent"), "steps taken", out)
            .height(160.0)
            .width(plots::width(ui))
            .show(ui, |plot| {
                plot.line(
                    Line::new(label.clone(), PlotPoints::from(points.clone()))
                        .color(color)
                        .width(2.0),
                );
                plot.points(
                    egui_plot::Points::new(label, PlotPoints::from(points))
                        .color(color)
                        .radius(3.0),
                );
                // Where the learner is now: a larger diamond on the last step.
                if let Some(point) = last_point {
                    plot.points(
                        egui_plot::Points::new(now.label.clone(), PlotPoints::from(vec![point]))
                            .color(now.color)
                            .shape(egui_plot::MarkerShape::Diamond)
                            .radius(6.0),
                    );
                }
            });
    }

    /// The product of local effects along the lesson's chain, with live numbers.
    fn chain_ui(&self, ui: &mut egui::Ui) {
        if self.section.chain.len() < 2 {
            return;
        }
        let links = self.live.chain(&self.section.chain);
        let factors: Vec<String> = links
            .iter()
            .map(|l| format!("d{}/d{} = {}", l.to, l.from, number(l.local)))
            .collect();
        let product: f64 = links.iter().map(|l| l.local).product();
        let (first, last) = (
            &self.section.chain[0],
            &self.section.chain[self.section.chain.len() - 1],
        );
        ui.label(RichText::new(format!("Local effects: {}", factors.join("  ×  "))).monospace());
        let gradient = if *last == self.live.output_name {
            self.live.grad(first)
        } else {
            None
        };
        let mut line = format!("Their product: {}", number(product));
        if let Some(g) = gradient {
            line.push_str(&format!("   (backprop's d{last}/d{first} = {})", number(g)));
        }
        ui.label(RichText::new(line).monospace().strong());
    }

    /// Nudging an input by a small step, against the gradient.
    fn nudge_ui(&self, ui: &mut egui::Ui) {
        let Some(name) = &self.section.nudge else {
            return;
        };
        let Some(nudge) = self.live.nudge(name) else {
            return;
        };
        let out = &self.live.output_name;
        ui.label(
            RichText::new(format!(
                "Nudge check: {name} + {} moves {out} by {}, a slope of {}; backprop says d{out}/d{name} = {}.",
                nudge.step,
                number(nudge.change),
                number(nudge.slope),
                number(nudge.gradient)
            ))
            .monospace(),
        );
    }
}

impl SectionWidget for GraphState {
    fn ui(&mut self, ui: &mut egui::Ui, id: egui::Id, page: &mut PageContext<'_>) {
        let hides = page.prediction_pending;
        ui.push_id(id, |ui| Self::ui(self, ui, hides));
    }

    fn wide(&self) -> bool {
        true
    }

    fn live_graph(&self) -> Option<&LiveGraph> {
        Some(&self.live)
    }

    /// Backprop by hand under way: the page's later text keeps its gradients back too.
    fn prediction_pending(&self) -> bool {
        self.by_hand.as_ref().is_some_and(|p| !p.finished())
    }
}

#[cfg(test)]
mod tests {
    use super::editors_per_row;

    #[test]
    fn editors_wrap_into_rows_that_fit() {
        assert_eq!(editors_per_row(1000.0, 300.0), 3);
        assert_eq!(editors_per_row(1264.0, 300.0), 4);
        assert_eq!(editors_per_row(200.0, 300.0), 1);
        assert_eq!(editors_per_row(0.0, 0.0), 1);
    }
}
