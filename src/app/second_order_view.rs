//! Backprop through backprop, on screen: the forward graph, its backward pass drawn as a
//! graph of its own (differentiated again, so its boxes show second derivatives), H·v
//! against finite differences, and gradient-descent and Newton paths on a map.

use egui::{Color32, RichText};
use egui_plot::{Legend, Line, Plot, PlotPoints, Points};

use crate::engine::{self, GradientGraph};
use crate::lesson::SecondOrderSection;
use crate::lesson::second_order::TwoInputs;

use super::format::number;
use super::graph_view::GraphView;
use super::lesson_view::READING_WIDTH;

/// The widget's state.
pub struct SecondOrderView {
    section: SecondOrderSection,
    function: Result<TwoInputs, String>,
    forward_view: GraphView,
    backward_view: GraphView,
    /// The backward graph for the current point (rebuilt when the point moves).
    backward: Option<([u64; 2], GradientGraph)>,
    v: [f64; 2],
    rate: f64,
    /// The map's samples: (x, y, value), computed once.
    samples: Vec<[f64; 3]>,
}

impl SecondOrderView {
    /// The widget at the script's starting point.
    pub fn new(section: &SecondOrderSection) -> Self {
        let function = TwoInputs::new(&section.script);
        let samples = match &function {
            Ok(f) => {
                const N: usize = 36;
                let mut out = Vec::with_capacity(N * N);
                for i in 0..N {
                    for j in 0..N {
                        let x = section.x_min
                            + (section.x_max - section.x_min) * i as f64 / (N - 1) as f64;
                        let y = section.y_min
                            + (section.y_max - section.y_min) * j as f64 / (N - 1) as f64;
                        out.push([x, y, f.value_at([x, y])]);
                    }
                }
                out
            }
            Err(_) => Vec::new(),
        };
        let mut forward_view = GraphView::default();
        forward_view.wheel_pans = false;
        let mut backward_view = GraphView::default();
        backward_view.wheel_pans = false;
        Self {
            section: section.clone(),
            function,
            forward_view,
            backward_view,
            backward: None,
            v: [1.0, 0.0],
            rate: 0.02,
            samples,
        }
    }

    /// Draws the widget.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let Ok(function) = &mut self.function else {
            if let Err(message) = &self.function {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!("This function cannot run: {message}"),
                );
            }
            return;
        };
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            if !self.section.title.is_empty() {
                ui.strong(&self.section.title);
            }
            let mut point = function.point();
            ui.horizontal(|ui| {
                ui.label("Point:");
                let x = ui.add(egui::Slider::new(&mut point[0], self.section.x_min..=self.section.x_max).text("x"));
                let y = ui.add(egui::Slider::new(&mut point[1], self.section.y_min..=self.section.y_max).text("y"));
                if x.changed() || y.changed() {
                    function.set(point);
                }
            });
            ui.label(RichText::new("The forward graph").strong());
            let graph = &mut function.program.graph;
            let height = self.forward_view.preferred_height(graph, 200.0);
            ui.push_id("forward graph", |ui| self.forward_view.ui_sized(ui, graph, height));

            // The backward pass as a graph, differentiated again from df/dx.
            let key = point.map(f64::to_bits);
            if self.backward.as_ref().map(|(k, _)| *k) != Some(key) {
                self.backward = engine::build_gradient_graph(&function.program.graph).map(|mut gg| {
                    if let Some(&dfdx) = gg.gradient_of.get(&function.inputs[0]) {
                        gg.graph.set_output(dfdx);
                        gg.graph.evaluate();
                    }
                    (key, gg)
                });
                self.backward_view.reset();
                self.backward_view.wheel_pans = false;
            }
            if let Some((_, gg)) = &mut self.backward {
                ui.label(RichText::new("Its backward pass, built as a graph: the output is df/dx, so each box's grad is a second derivative").strong());
                let height = self.backward_view.preferred_height(&mut gg.graph, 260.0);
                ui.push_id("backward graph", |ui| {
                    self.backward_view.ui_sized(ui, &mut gg.graph, height)
                });
            }

            ui.horizontal(|ui| {
                ui.label("Direction v:");
                let vx = ui.label("vx");
                ui.add(egui::DragValue::new(&mut self.v[0]).speed(0.05)).labelled_by(vx.id);
                let vy = ui.label("vy");
                ui.add(egui::DragValue::new(&mut self.v[1]).speed(0.05)).labelled_by(vy.id);
            });
            if let Some(hv) = function.hvp(self.v) {
                let fd = function.hvp_by_differences(self.v);
                ui.label(RichText::new(format!(
                    "H·v by backprop through backprop = ({}, {});  by central differences of the gradient = ({}, {})",
                    number(hv[0]), number(hv[1]), number(fd[0]), number(fd[1])
                )).monospace());
            }

            ui.horizontal(|ui| {
                let label = ui.label("Gradient-descent learning rate:");
                ui.add(egui::DragValue::new(&mut self.rate).speed(0.005).range(0.0..=2.0))
                    .labelled_by(label.id);
                ui.label("Click the map to move the starting point.");
            });
            let section_bounds = [
                self.section.x_min,
                self.section.x_max,
                self.section.y_min,
                self.section.y_max,
            ];
            let descent = function.descent_path(point, self.rate, 30);
            let newton = function.newton_path(point, 10);
            let (lo, hi) = self.samples.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), s| {
                if s[2].is_finite() { (lo.min(s[2]), hi.max(s[2])) } else { (lo, hi) }
            });
            let response = Plot::new(ui.scope_id().with("map"))
                .legend(Legend::default())
                .height(300.0)
                .width(ui.available_width().min(READING_WIDTH))
                .allow_scroll(false)
                .allow_drag(false)
                .allow_zoom(false)
                .show(ui, |plot| {
                    // The map's own window, whatever a diverging path does.
                    plot.set_plot_bounds(egui_plot::PlotBounds::from_min_max(
                        [section_bounds[0], section_bounds[2]],
                        [section_bounds[1], section_bounds[3]],
                    ));
                    // The map: darker is lower (a log scale, so valleys show), in a few
                    // shades so the plot holds a few items, not one per sample.
                    const SHADES: usize = 12;
                    let mut buckets: Vec<Vec<[f64; 2]>> = vec![Vec::new(); SHADES];
                    for s in &self.samples {
                        let t = if hi > lo && s[2].is_finite() {
                            ((s[2] - lo).ln_1p() / (hi - lo).ln_1p()).clamp(0.0, 1.0)
                        } else {
                            1.0
                        };
                        let bucket = ((t * (SHADES - 1) as f64).round() as usize).min(SHADES - 1);
                        buckets[bucket].push([s[0], s[1]]);
                    }
                    for (i, points) in buckets.into_iter().enumerate() {
                        let shade = (40 + 200 * i / (SHADES - 1)) as u8;
                        plot.points(
                            Points::new("", PlotPoints::from(points))
                                .radius(4.5)
                                .color(Color32::from_rgb(shade, shade, 255)),
                        );
                    }
                    plot.line(Line::new("gradient descent (30 steps)", PlotPoints::from(descent.clone())).width(2.0));
                    plot.line(Line::new("Newton (10 steps)", PlotPoints::from(newton.clone())).width(2.0));
                    plot.points(Points::new("start", PlotPoints::from(vec![point])).radius(5.0));
                    plot.pointer_coordinate()
                });
            if response.response.clicked()
                && let Some(at) = response.inner
            {
                function.set([at.x, at.y]);
            }
            let end = |path: &[[f64; 2]]| path.last().copied().unwrap_or(point);
            let (d, n) = (end(&descent), end(&newton));
            ui.label(format!(
                "After 30 descent steps f = {}; after {} Newton steps f = {}.",
                number(function.value_at(d)),
                newton.len() - 1,
                number(function.value_at(n))
            ));
            if let Some(caption) = &self.section.caption {
                ui.label(RichText::new(caption).italics());
            }
        });
    }
}
