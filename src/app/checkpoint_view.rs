//! Gradient checkpointing on a real chain: a slider for k (keep every k-th activation),
//! the measured memory and recomputation for that k and for a range of k, with the √N
//! sweet spot, and proof that the gradients equal the plain backward pass's.

use egui::RichText;
use egui_plot::{LineStyle, PlotPoints, Points, VLine};

use crate::engine::{self, checkpoint::checkpointed_backward};
use crate::lesson::CheckpointSection;
use crate::lesson::layers;

use super::plots::{self, KeyEntry};
use super::section::{PageContext, SectionWidget};
use super::style;

/// One measured point: k, values held at the peak, operations recomputed.
type Point = (usize, usize, usize);

/// The widget's state.
pub struct CheckpointView {
    section: CheckpointSection,
    depth: usize,
    every: usize,
    /// For the current depth: the program, the plain gradients, and the curve.
    measured: Option<(usize, Result<Measured, String>)>,
    /// The run for the current (depth, k), so a frame does not redo it.
    last: Option<((usize, usize), engine::checkpoint::CheckpointRun)>,
}

struct Measured {
    graph: engine::Graph,
    plain: Vec<f64>,
    ops: usize,
    curve: Vec<Point>,
}

impl CheckpointView {
    /// The widget at the section's depth, keeping every 8th activation.
    pub fn new(section: &CheckpointSection) -> Self {
        Self {
            depth: section.depth,
            every: 8,
            measured: None,
            last: None,
            section: section.clone(),
        }
    }

    fn measure(&self) -> Result<Measured, String> {
        let script = layers::script(&self.section.layer, self.depth, 0.5, 0.9);
        let program = engine::parse(&script).map_err(|e| format!("This chain cannot run: {e}"))?;
        let mut graph = program.graph;
        let plain = checkpointed_backward(&mut graph, 1).ok_or("the chain has no output")?;
        let ops = plain.forward_ops;
        let mut ks: Vec<usize> = (0..)
            .map(|p| 1usize << p)
            .take_while(|&k| k <= ops)
            .collect();
        ks.push(ops.isqrt().max(1));
        ks.sort_unstable();
        ks.dedup();
        let curve = ks
            .into_iter()
            .filter_map(|k| {
                let run = checkpointed_backward(&mut graph, k)?;
                Some((k, run.peak_values_held, run.recomputed_ops))
            })
            .collect();
        Ok(Measured {
            graph,
            plain: plain.gradients,
            ops,
            curve,
        })
    }

    /// Draws the widget.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        style::section_frame(ui).show(ui, |ui| {
            ui.set_width(ui.available_width());
            if !self.section.title.is_empty() {
                ui.strong(&self.section.title);
            }
            // Wide sliders: a log scale over 16..1024 needs room to reach every value.
            ui.spacing_mut().slider_width = (ui.available_width() * 0.5).clamp(160.0, 420.0);
            ui.add(egui::Slider::new(&mut self.depth, 16..=1024).text("layers").logarithmic(true));
            if self.measured.as_ref().map(|(d, _)| *d) != Some(self.depth) {
                self.measured = Some((self.depth, self.measure()));
            }
            let Some((_, measured)) = &mut self.measured else {
                return;
            };
            let measured = match measured {
                Ok(m) => m,
                Err(message) => {
                    ui.colored_label(ui.visuals().error_fg_color, message.as_str());
                    return;
                }
            };
            let ops = measured.ops;
            self.every = self.every.clamp(1, ops);
            ui.add(
                egui::Slider::new(&mut self.every, 1..=ops)
                    .logarithmic(true)
                    .text("keep every k-th activation"),
            );
            let key = (self.depth, self.every);
            if self.last.as_ref().map(|(k, _)| *k) != Some(key) {
                let Some(run) = checkpointed_backward(&mut measured.graph, self.every) else {
                    return;
                };
                self.last = Some((key, run));
            }
            let Some((_, run)) = &self.last else {
                return;
            };
            let same = run.gradients == measured.plain;
            ui.label(
                RichText::new(format!(
                    "k = {}: {} activations held at the peak instead of {}; {} operations recomputed (the forward pass had {}).",
                    self.every, run.peak_values_held, ops, run.recomputed_ops, run.forward_ops
                ))
                .strong(),
            );
            ui.label(if same {
                "The gradients are identical to the plain backward pass's, bit for bit."
            } else {
                "The gradients differ from the plain backward pass's."
            });
            // k on a log2 axis: the interesting part is the small k.
            let held: Vec<[f64; 2]> = measured
                .curve
                .iter()
                .map(|&(k, h, _)| [(k as f64).log2(), h as f64])
                .collect();
            let redo: Vec<[f64; 2]> = measured
                .curve
                .iter()
                .map(|&(k, _, r)| [(k as f64).log2(), r as f64])
                .collect();
            let sweet = (ops as f64).sqrt().log2();
            // Where the slider's k sits on both curves, so moving k moves a mark.
            let current_k = (self.every as f64).log2();
            let current = [
                [current_k, run.peak_values_held as f64],
                [current_k, run.recomputed_ops as f64],
            ];
            let dark = ui.visuals().dark_mode;
            let curves =
                plots::series_key(["activations held at the peak", "operations recomputed"], dark);
            let sweet_key = KeyEntry::line(
                "k = √N",
                ui.visuals().weak_text_color(),
                LineStyle::Dotted { spacing: 4.0 },
            );
            let current_key = KeyEntry::dots(
                format!("your k = {}", self.every),
                ui.visuals().strong_text_color(),
            );
            plots::key_ui(
                ui,
                &[curves.as_slice(), &[sweet_key.clone(), current_key.clone()]].concat(),
            );
            plots::plot(
                ui.scope_id().with("checkpoint"),
                "log2 k (k = keep every k-th activation)",
                "count",
            )
            .height(220.0)
            .width(plots::width(ui))
            .show(ui, |plot| {
                for (key, points) in curves.iter().zip([held, redo]) {
                    plot.line(plots::keyed_line(key, points));
                }
                plot.vline(
                    VLine::new(&sweet_key.label, sweet)
                        .color(sweet_key.color)
                        .style(LineStyle::Dotted { spacing: 4.0 }),
                );
                plot.points(
                    Points::new(&current_key.label, PlotPoints::from(current.to_vec()))
                        .color(current_key.color)
                        .radius(5.0)
                        .shape(egui_plot::MarkerShape::Diamond),
                );
            });
            if let Some(caption) = &self.section.caption {
                style::caption(ui, caption);
            }
        });
    }
}

impl SectionWidget for CheckpointView {
    fn ui(&mut self, ui: &mut egui::Ui, id: egui::Id, _page: &mut PageContext<'_>) {
        ui.push_id(id, |ui| Self::ui(self, ui));
    }

    fn wide(&self) -> bool {
        true
    }
}
