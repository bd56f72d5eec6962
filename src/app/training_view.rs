//! Model variants trained side by side: toggles between them, the chosen variant's graph
//! (where a cut chain shows as a zero local gradient), and every trained variant's loss
//! curve on one plot.

use crate::engine;
use crate::lesson::TrainingSection;
use crate::lesson::training::{self, TrainingRun};

use super::graph_view::{GraphView, legend_ui};
use super::plots;
use super::section::{PageContext, SectionWidget};
use super::style;
use crate::format::number;

/// The section's state.
pub struct TrainingView {
    section: TrainingSection,
    chosen: usize,
    /// The graph of each variant at its starting point (for the picture).
    graphs: Vec<Option<engine::Program>>,
    view: GraphView,
    /// Runs made so far, by variant.
    runs: Vec<Option<Result<TrainingRun, String>>>,
}

impl TrainingView {
    /// The widget before any training.
    pub fn new(section: &TrainingSection) -> Self {
        let graphs = section
            .variants
            .iter()
            .map(|v| engine::parse(&v.script).ok())
            .collect();
        let mut view = GraphView::default();
        view.wheel_pans = false;
        Self {
            runs: vec![None; section.variants.len()],
            section: section.clone(),
            chosen: 0,
            graphs,
            view,
        }
    }

    /// Draws the widget.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        style::section_frame(ui).show(ui, |ui| {
            ui.set_width(ui.available_width());
            if !self.section.title.is_empty() {
                ui.strong(&self.section.title);
            }
            ui.horizontal_wrapped(|ui| {
                ui.label("Model:");
                for (i, variant) in self.section.variants.iter().enumerate() {
                    if ui.radio(self.chosen == i, variant.label.as_str()).clicked()
                        && self.chosen != i
                    {
                        self.chosen = i;
                        self.view.reset();
                        self.view.wheel_pans = false;
                    }
                }
            });
            legend_ui(ui);
            if let Some(Some(program)) = self.graphs.get_mut(self.chosen) {
                let graph = &mut program.graph;
                let height = self.view.preferred_height(graph, 420.0);
                self.view.ui_sized(ui, graph, height);
            }
            let label = self
                .section
                .variants
                .get(self.chosen)
                .map_or_else(String::new, |v| v.label.clone());
            let button = format!("Train '{label}' for {} steps", self.section.steps);
            if ui.button(button).clicked() {
                self.train(self.chosen);
            }
            self.results_ui(ui);
            if let Some(caption) = &self.section.caption {
                style::caption(ui, caption);
            }
        });
    }

    fn train(&mut self, index: usize) {
        let Some(variant) = self.section.variants.get(index) else {
            return;
        };
        let run = training::train(
            &variant.script,
            &self.section.parameters,
            &self.section.data,
            self.section.steps,
            self.section.learning_rate,
        )
        .map_err(|e| format!("This model cannot train: {e}"));
        if let Some(slot) = self.runs.get_mut(index) {
            *slot = Some(run);
        }
    }

    fn results_ui(&self, ui: &mut egui::Ui) {
        let mut lines = Vec::new();
        for (variant, run) in self.section.variants.iter().zip(&self.runs) {
            match run {
                Some(Ok(run)) => {
                    let first = run.losses.first().copied().unwrap_or(f64::NAN);
                    let last = run.losses.last().copied().unwrap_or(f64::NAN);
                    let gradients: Vec<String> = run
                        .first_gradients
                        .iter()
                        .map(|(name, g)| format!("dL/d{name} = {}", number(*g)))
                        .collect();
                    let parameters: Vec<String> = run
                        .parameters
                        .iter()
                        .map(|(name, v)| format!("{name} = {}", number(*v)))
                        .collect();
                    ui.label(format!(
                        "'{}': loss {} → {}; first gradient {}; trained {}.",
                        variant.label,
                        number(first),
                        number(last),
                        gradients.join(", "),
                        parameters.join(", ")
                    ));
                    let points: Vec<[f64; 2]> = run
                        .losses
                        .iter()
                        .enumerate()
                        .map(|(i, &l)| [i as f64, l])
                        .collect();
                    lines.push((variant.label.clone(), points));
                }
                Some(Err(message)) => {
                    ui.colored_label(ui.visuals().error_fg_color, message.as_str());
                }
                None => {}
            }
        }
        if lines.is_empty() {
            ui.label("Train a model to see its loss curve.");
            return;
        }
        let key = plots::series_key(
            lines.iter().map(|(label, _)| label.as_str()),
            ui.visuals().dark_mode,
        );
        plots::key_ui(ui, &key);
        plots::plot(ui.scope_id().with("training"), "steps taken", "mean loss")
            .height(200.0)
            .width(plots::width(ui))
            .show(ui, |plot| {
                for (entry, (_, points)) in key.iter().zip(lines) {
                    plot.line(plots::keyed_line(entry, points));
                }
            });
    }
}

impl SectionWidget for TrainingView {
    fn ui(&mut self, ui: &mut egui::Ui, id: egui::Id, _page: &mut PageContext<'_>) {
        ui.push_id(id, |ui| Self::ui(self, ui));
    }

    fn wide(&self) -> bool {
        true
    }
}
