//! The backprop algorithm, one node at a time: Step, Play/Pause, the cache filling up, the
//! current node's arithmetic, and the inputs' `.grad` across repeated backward passes.

use egui::RichText;

use crate::diagram::expr::Titles;
use crate::engine;
use crate::lesson::BackwardSection;
use crate::lesson::stepper::{Phase, Stepper};

use super::graph_view::{GraphView, legend_ui};
use super::section::{PageContext, SectionWidget};
use super::style;
use crate::format::number;

/// Seconds between steps while playing.
const PLAY_INTERVAL_SECS: f64 = 0.8;

/// The section's state.
pub struct StepperView {
    section: BackwardSection,
    stepper: Result<Stepper, String>,
    view: GraphView,
    playing: bool,
    last_step_secs: f64,
}

impl StepperView {
    /// A walk over the section's graph, before the forward pass.
    pub fn new(section: &BackwardSection) -> Self {
        let stepper = engine::parse(&section.script)
            .map(|mut program| {
                // The log names each box as it is titled on screen (`(w·x)`, not `(×)`).
                let titles = Titles::new(&mut program.graph);
                Stepper::with_names(program, |_, id| {
                    crate::diagram::explain::name_in_arithmetic(titles.reference(id))
                })
            })
            .map_err(|e| format!("This graph cannot run: {e}"));
        let mut view = GraphView::default();
        // Every operation keeps its own box: the steps visit each one.
        view.fold_intermediates = false;
        view.wheel_pans = false;
        Self {
            section: section.clone(),
            stepper,
            view,
            playing: false,
            last_step_secs: 0.0,
        }
    }

    /// Draws the section.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let Ok(stepper) = &mut self.stepper else {
            if let Err(message) = &self.stepper {
                ui.colored_label(ui.visuals().error_fg_color, message.as_str());
            }
            return;
        };
        style::section_frame(ui).show(ui, |ui| {
            ui.set_width(ui.available_width());
            legend_ui(ui);
            ui.horizontal_wrapped(|ui| {
                let done = stepper.phase() == Phase::Done;
                if ui.add_enabled(!done, egui::Button::new("Step")).clicked() {
                    stepper.step();
                    self.playing = false;
                }
                let play = if self.playing { "Pause" } else { "Play" };
                if ui.add_enabled(!done, egui::Button::new(play)).clicked() {
                    self.playing = !self.playing;
                }
                if ui
                    .add_enabled(done, egui::Button::new("Run backward again (keep .grad)"))
                    .clicked()
                {
                    stepper.backward_again();
                }
                if ui.button("Zero the gradients").clicked() {
                    stepper.zero_grad();
                }
                if ui.button("Start over").clicked() {
                    stepper.restart();
                    self.playing = false;
                }
            });
            let now = ui.input(|i| i.time);
            if self.playing {
                if now - self.last_step_secs >= PLAY_INTERVAL_SECS {
                    self.last_step_secs = now;
                    if !stepper.step() {
                        self.playing = false;
                    }
                }
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(100));
            }
            // The graph: gradients appear as the backward pass delivers them.
            self.view.shown_grads = Some(
                (0..stepper.program.graph.node_count() + 8)
                    .map(|i| stepper.received(engine::NodeId::new(i)))
                    .collect(),
            );
            self.view.shown_values = Some(
                (0..stepper.program.graph.node_count() + 8)
                    .map(|i| stepper.computed(engine::NodeId::new(i)))
                    .collect(),
            );
            self.view.passed_back = Some(
                (0..stepper.program.graph.node_count() + 8)
                    .map(|i| stepper.passed_back(engine::NodeId::new(i)))
                    .collect(),
            );
            self.view.current = stepper.current();
            let graph = &mut stepper.program.graph;
            // The lesson's main figure: as much of the window as a graph section gets.
            let max_height = (ui.ctx().content_rect().height() * 0.7).max(300.0);
            let height = self.view.preferred_height(graph, max_height);
            self.view.ui_sized(ui, graph, height);
            if let Some(caption) = &self.section.caption {
                style::caption(ui, caption);
            }
            let phase = match stepper.phase() {
                Phase::Forward => "Forward pass: computing values and caching them.",
                Phase::Backward => "Backward pass: passing gradients from the output back.",
                Phase::Done => "Done: every node has passed its gradient on.",
            };
            ui.label(RichText::new(phase).strong());
            match &stepper.last {
                Some(record) => {
                    ui.label(RichText::new(&record.text).monospace());
                }
                None => {
                    ui.label("Press Step to begin.");
                }
            }
            let cache = stepper.cache();
            ui.label(format!("Cache: {} values held.", cache.len()));
            if !cache.is_empty() {
                let listed: Vec<String> = cache
                    .iter()
                    .map(|(name, value)| format!("{name} = {}", number(*value)))
                    .collect();
                ui.label(RichText::new(listed.join(",  ")).monospace().weak());
            }
            let grads: Vec<String> = stepper
                .accumulated()
                .iter()
                .map(|(name, g)| format!("{name}.grad = {}", number(*g)))
                .collect();
            let passes = match stepper.passes {
                1 => "1 backward pass".to_string(),
                n => format!("{n} backward passes"),
            };
            ui.label(format!(
                "After {passes} since the last zeroing: {}",
                grads.join(", ")
            ));
        });
    }
}

impl SectionWidget for StepperView {
    fn ui(&mut self, ui: &mut egui::Ui, id: egui::Id, _page: &mut PageContext<'_>) {
        ui.push_id(id, |ui| Self::ui(self, ui));
    }

    fn wide(&self) -> bool {
        true
    }
}
