//! A plot section: curves of one variable `x`, or their derivatives by backprop, sampled
//! once through the engine (they depend on nothing the learner changes).

use crate::engine;
use crate::lesson::PlotSection;

use super::plots;
use super::section::{PageContext, SectionWidget};
use super::style;

/// A plot's curves, sampled once.
pub struct PlotView {
    section: PlotSection,
    curves: Vec<(String, Vec<[f64; 2]>)>,
}

impl PlotView {
    /// Samples every curve of the section.
    pub fn new(section: &PlotSection) -> Self {
        const SAMPLES: usize = 241;
        let curves = section
            .curves
            .iter()
            .map(|curve| {
                let points = match engine::parse_expression(&curve.expression, &[("x", 0.0)]) {
                    Ok((mut graph, _, inputs)) => (0..SAMPLES)
                        .filter_map(|i| {
                            let t = i as f64 / (SAMPLES - 1) as f64;
                            let x = section.x_min + t * (section.x_max - section.x_min);
                            let input = *inputs.first()?;
                            graph.set_input(input, x).ok()?;
                            let output = graph.output()?;
                            let y = if curve.derivative {
                                graph.grad(input)
                            } else {
                                graph.value(output)
                            };
                            Some([x, y])
                        })
                        .collect(),
                    Err(_) => Vec::new(),
                };
                (curve.label.clone(), points)
            })
            .collect();
        Self {
            section: section.clone(),
            curves,
        }
    }
}

impl SectionWidget for PlotView {
    fn ui(&mut self, ui: &mut egui::Ui, id: egui::Id, _page: &mut PageContext<'_>) {
        if !self.section.title.is_empty() {
            ui.strong(&self.section.title);
        }
        let key = plots::series_key(
            self.curves.iter().map(|(label, _)| label.as_str()),
            ui.visuals().dark_mode,
        );
        plots::key_ui(ui, &key);
        plots::plot(id, &self.section.x_label, &self.section.y_label)
            .height(220.0)
            .width(plots::width(ui))
            .show(ui, |plot| {
                for (entry, (_, points)) in key.iter().zip(&self.curves) {
                    plot.line(plots::keyed_line(entry, points.clone()));
                }
            });
        if let Some(caption) = &self.section.caption {
            style::caption(ui, caption);
        }
    }

    fn wide(&self) -> bool {
        true
    }
}
