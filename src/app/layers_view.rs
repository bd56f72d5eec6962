//! A deep chain of layers with a depth slider: the gradient reaching every layer on a log
//! scale, the per-layer bound raised to the depth, and (optionally) clipping by norm.

use egui::RichText;
use egui_plot::{Line, LineStyle, PlotPoints, Points};

use crate::lesson::LayersSection;
use crate::lesson::layers::{self, LayerRun};

use super::plots::{self, KeyEntry};
use super::section::{PageContext, SectionWidget};
use super::style;
use crate::format::number;

/// What a run depends on: the layer choice, the depth and the weight's bits.
type RunKey = (usize, usize, u64);

/// The widget's state: the learner's choices and the last run.
pub struct LayersView {
    section: LayersSection,
    choice: usize,
    depth: usize,
    weight: f64,
    threshold: f64,
    /// The run for (choice, depth, weight); rebuilt only when one of them changes.
    run: Option<(RunKey, Result<LayerRun, String>)>,
}

impl LayersView {
    /// The widget at the section's starting depth and weight.
    pub fn new(section: &LayersSection) -> Self {
        Self {
            choice: 0,
            depth: section.depth,
            weight: section.weight,
            threshold: 1.0,
            run: None,
            section: section.clone(),
        }
    }

    fn current_run(&mut self) -> Option<&Result<LayerRun, String>> {
        let choice = self.section.choices.get(self.choice)?;
        let key = (self.choice, self.depth, self.weight.to_bits());
        if self.run.as_ref().map(|(k, _)| *k) != Some(key) {
            let run = layers::run(&choice.layer, self.depth, self.section.input, self.weight)
                .map_err(|e| format!("This layer cannot run: {e}"));
            self.run = Some((key, run));
        }
        self.run.as_ref().map(|(_, run)| run)
    }

    /// Draws the widget.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        style::section_frame(ui).show(ui, |ui| {
            ui.set_width(ui.available_width());
            if !self.section.title.is_empty() {
                ui.strong(&self.section.title);
            }
            self.controls_ui(ui);
            let Some(run) = self.current_run().cloned() else {
                return;
            };
            match run {
                Ok(run) => self.results_ui(ui, &run),
                Err(message) => {
                    ui.colored_label(ui.visuals().error_fg_color, message);
                }
            }
            if let Some(caption) = &self.section.caption {
                style::caption(ui, caption);
            }
        });
    }

    fn controls_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.label("Layer:");
            for (i, choice) in self.section.choices.iter().enumerate() {
                if ui.radio(self.choice == i, choice.label.as_str()).clicked() {
                    self.choice = i;
                }
            }
        });
        // About 4 px per layer at 100 layers, so every depth can be hit with the mouse.
        ui.spacing_mut().slider_width = (ui.available_width() * 0.5).clamp(200.0, 420.0);
        ui.add(
            egui::Slider::new(&mut self.depth, 1..=self.section.max_depth)
                .text("depth")
                .clamping(egui::SliderClamping::Always),
        );
        if self.section.weight_min < self.section.weight_max {
            ui.add(
                egui::Slider::new(
                    &mut self.weight,
                    self.section.weight_min..=self.section.weight_max,
                )
                .text("weight w"),
            );
        }
        if self.section.clip {
            ui.add(
                egui::Slider::new(&mut self.threshold, 0.1..=1000.0)
                    .logarithmic(true)
                    .text("clip the gradient norm at"),
            );
        }
    }

    fn results_ui(&self, ui: &mut egui::Ui, run: &LayerRun) {
        let first = run.gradients.first().copied().unwrap_or(f64::NAN);
        ui.label(
            RichText::new(format!(
                "Gradient reaching the first layer: |dL/dh0| = {}",
                number(first)
            ))
            .strong(),
        );
        let choice = self.section.choices.get(self.choice);
        if let Some(bound) = choice.and_then(|c| c.bound.as_deref())
            && let Ok(slope) = layers::bound_at(bound, self.weight)
        {
            ui.label(format!(
                "At w = {}, each layer passes back at most {}, so at most {} ^ {} = {} after {} layers.",
                number(self.weight),
                number(slope),
                number(slope),
                self.depth,
                number(slope.powi(i32::try_from(self.depth).unwrap_or(i32::MAX))),
                self.depth
            ));
        }
        let clip = self
            .section
            .clip
            .then(|| layers::clip_factor(run.norm, self.threshold));
        if let Some(factor) = clip {
            let first_weight = run.weight_gradients.first().copied().unwrap_or(f64::NAN);
            ui.label(format!(
                "After backprop, the weights' gradients have norm ||g|| = {}. Clipped at {}: every weight's gradient is multiplied by {}, so the first layer's weight is updated with |dL/dw1| = {} instead of {}.",
                number(run.norm),
                number(self.threshold),
                number(factor),
                number(first_weight * factor),
                number(first_weight)
            ));
        }
        // `first`: the layer index of the first entry (0 for h0, 1 for w1).
        let log_points = |values: &[f64], first: usize, scale: f64| -> Vec<[f64; 2]> {
            values
                .iter()
                .enumerate()
                .filter(|(_, g)| **g > 0.0 && g.is_finite())
                .map(|(i, g)| [(i + first) as f64, (g * scale).log10()])
                .collect()
        };
        let dark = ui.visuals().dark_mode;
        let passed = KeyEntry::line_with_dots(
            "|dL/dh_i|, the gradient passed back to layer i",
            style::grad_color(dark),
            LineStyle::Solid,
        );
        let weights = KeyEntry::line(
            "|dL/dw_i|, the weights' gradients",
            plots::series_color(0, dark),
            plots::series_style(1),
        );
        let clipped = KeyEntry::line(
            "|dL/dw_i| after clipping",
            plots::series_color(2, dark),
            plots::series_style(2),
        );
        let mut key = vec![passed.clone()];
        if clip.is_some() {
            key.extend([weights.clone(), clipped.clone()]);
        }
        plots::key_ui(ui, &key);
        plots::plot(
            ui.scope_id().with("layers"),
            "layer i (0 = the first, the output on the right)",
            "log10 |gradient|",
        )
        .height(220.0)
        .width(plots::width(ui))
        .show(ui, |plot| {
            let activations = log_points(&run.gradients, 0, 1.0);
            plot.line(
                Line::new(&passed.label, PlotPoints::from(activations.clone()))
                    .color(passed.color)
                    .width(2.0),
            );
            plot.points(
                Points::new(&passed.label, PlotPoints::from(activations))
                    .color(passed.color)
                    .radius(2.5),
            );
            if let Some(factor) = clip {
                for (entry, scale) in [(&weights, 1.0), (&clipped, factor)] {
                    plot.line(plots::keyed_line(
                        entry,
                        log_points(&run.weight_gradients, 1, scale),
                    ));
                }
            }
        });
        let zeros = run.gradients.iter().filter(|g| **g == 0.0).count();
        if zeros > 0 {
            ui.label(format!(
                "{zeros} layers receive a gradient of exactly 0 (not drawn on the log scale)."
            ));
        }
    }
}

impl SectionWidget for LayersView {
    fn ui(&mut self, ui: &mut egui::Ui, id: egui::Id, _page: &mut PageContext<'_>) {
        ui.push_id(id, |ui| Self::ui(self, ui));
    }

    fn wide(&self) -> bool {
        true
    }
}
