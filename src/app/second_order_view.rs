//! Backprop through backprop, on screen: the forward graph, its backward pass drawn as a
//! graph of its own (differentiated again, so its boxes show second derivatives), H·v
//! against finite differences, and gradient-descent and Newton paths on a map.

use egui::{Color32, RichText};
use egui_plot::{Line, LineStyle, PlotPoints, Points};

use crate::engine::{self, GradientGraph};
use crate::lesson::SecondOrderSection;
use crate::lesson::second_order::TwoInputs;

use super::graph_view::GraphView;
use super::plots::{self, KeyEntry};
use super::section::{PageContext, SectionWidget};
use super::style;
use super::style::READING_WIDTH;
use crate::format::number;

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
    /// The function on a MAP_SIDE × MAP_SIDE grid, row by row from the top.
    samples: Vec<f64>,
    /// The map drawn from the samples, uploaded on the first frame, and whether it was
    /// coloured for the dark theme (a theme switch colours it again).
    map: Option<(egui::TextureHandle, bool)>,
}

/// Samples per side of the map.
const MAP_SIDE: usize = 96;

impl SecondOrderView {
    /// The widget at the script's starting point.
    pub fn new(section: &SecondOrderSection) -> Self {
        let function = TwoInputs::new(&section.script);
        // The map's samples, row by row from the top (y_max), computed once.
        let samples = match &function {
            Ok(f) => {
                let mut out = Vec::with_capacity(MAP_SIDE * MAP_SIDE);
                for row in 0..MAP_SIDE {
                    for column in 0..MAP_SIDE {
                        let x = section.x_min
                            + (section.x_max - section.x_min) * (column as f64 + 0.5)
                                / MAP_SIDE as f64;
                        let y = section.y_max
                            - (section.y_max - section.y_min) * (row as f64 + 0.5)
                                / MAP_SIDE as f64;
                        out.push(f.value_at([x, y]));
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
            map: None,
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
        style::section_frame(ui).show(ui, |ui| {
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
            let height = self.forward_view.preferred_height(graph, 360.0);
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
                // Forward boxes solid, the backward pass's own boxes dashed.
                self.backward_view.forward_part =
                    self.backward.as_ref().map(|(_, gg)| gg.forward_nodes.clone());
            }
            if let Some((_, gg)) = &mut self.backward {
                ui.label(RichText::new("Its backward pass, built as a graph (dashed boxes are the backward pass, solid ones the forward pass): the output is df/dx, so each box's grad is a second derivative").strong());
                let height = self.backward_view.preferred_height(&mut gg.graph, 560.0);
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
                ui.label("Click or drag on the map to move the starting point.");
            });
            let section_bounds = [
                self.section.x_min,
                self.section.x_max,
                self.section.y_min,
                self.section.y_max,
            ];
            let descent = function.descent_path(point, self.rate, 30);
            let newton = function.newton_path(point, 10);
            let dark = ui.visuals().dark_mode;
            if self.map.as_ref().is_none_or(|(_, for_dark)| *for_dark != dark) {
                let image = map_image(&self.samples, dark);
                self.map = Some((
                    ui.ctx()
                        .load_texture("function map", image, egui::TextureOptions::LINEAR),
                    dark,
                ));
            }
            let Some(texture) = self.map.as_ref().map(|(texture, _)| texture.id()) else {
                return;
            };
            let descent_key = KeyEntry::line(
                "gradient descent (30 steps)",
                style::grad_color(ui.visuals().dark_mode),
                LineStyle::Solid,
            );
            let newton_key =
                KeyEntry::line_with_dots("Newton (10 steps, each one marked)", NEWTON_COLOR, LineStyle::Dashed { length: 10.0 });
            let start_key = KeyEntry::dots("the start (click or drag on the map to move it)", Color32::WHITE);
            plots::key_ui(ui, &[descent_key.clone(), newton_key.clone(), start_key.clone()]);
            let response = plots::plot(ui.scope_id().with("map"), "x", "y")
                .height(300.0)
                .width(ui.available_width().min(READING_WIDTH))
                .allow_drag(false)
                .allow_zoom(false)
                .show(ui, |plot| {
                    // The map's own window, whatever a diverging path does, with a thin
                    // margin: a tick exactly at the corner would be labelled on both axes,
                    // one label over the other.
                    let pad_x = (section_bounds[1] - section_bounds[0]) * 0.03;
                    let pad_y = (section_bounds[3] - section_bounds[2]) * 0.03;
                    plot.set_plot_bounds(egui_plot::PlotBounds::from_min_max(
                        [section_bounds[0] - pad_x, section_bounds[2] - pad_y],
                        [section_bounds[1] + pad_x, section_bounds[3] + pad_y],
                    ));
                    // The map: darker is lower (a log scale, so valleys show).
                    let [x0, x1, y0, y1] = section_bounds;
                    plot.image(egui_plot::PlotImage::new(
                        "",
                        texture,
                        egui_plot::PlotPoint::new((x0 + x1) / 2.0, (y0 + y1) / 2.0),
                        egui::vec2((x1 - x0) as f32, (y1 - y0) as f32),
                    ));
                    let descent_shown = visible_path(&descent, section_bounds);
                    let newton_shown = visible_path(&newton, section_bounds);
                    plot.line(Line::new(&descent_key.label, PlotPoints::from(descent_shown)).width(2.5).color(descent_key.color));
                    plot.line(
                        Line::new(&newton_key.label, PlotPoints::from(newton_shown.clone()))
                            .width(2.5)
                            .color(NEWTON_COLOR)
                            .style(LineStyle::Dashed { length: 10.0 }),
                    );
                    // Each Newton step marked, so a jump reads as a step, not a stroke.
                    plot.points(Points::new(&newton_key.label, PlotPoints::from(newton_shown)).radius(3.5).color(NEWTON_COLOR));
                    // A white dot ringed in black reads on the dark and the pale parts of the map.
                    plot.points(Points::new(&start_key.label, PlotPoints::from(vec![point])).radius(7.5).color(Color32::BLACK));
                    plot.points(Points::new(&start_key.label, PlotPoints::from(vec![point])).radius(5.5).color(Color32::WHITE));
                    plot.pointer_coordinate()
                });
            if (response.response.clicked() || response.response.dragged())
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
            if let (Some([[a, b], [c, d]]), Some(&first)) =
                (function.hessian_at(point), newton.get(1))
            {
                // Positive definite (2 x 2, symmetric): a positive corner and determinant.
                let bowl = a > 0.0 && a * d - b * c > 0.0;
                let (before, after) = (function.value_at(point), function.value_at(first));
                ui.label(format!(
                    "At the start the Hessian is {}. Newton's first step takes f from {} to {} ({}).",
                    if bowl {
                        "positive definite: the local quadratic is a bowl"
                    } else {
                        "not positive definite: the local quadratic has no bottom"
                    },
                    number(before),
                    number(after),
                    if after > before { "uphill" } else { "downhill" }
                ));
            }
            if let Some(caption) = &self.section.caption {
                style::caption(ui, caption);
            }
        });
    }
}

/// Newton's path: far from the gradient's orange and from the map's blues.
const NEWTON_COLOR: Color32 = Color32::from_rgb(60, 220, 110);

/// The samples as an image: dark blue at the lowest value, pale at the highest, on a log
/// scale so the valley floor shows; non-finite values in grey. On the dark theme the
/// highest values are a middle blue, not a white block on a dark page.
fn map_image(samples: &[f64], dark: bool) -> egui::ColorImage {
    let (lo, hi) = samples
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let (low, high) = if dark {
        (
            Color32::from_rgb(8, 12, 40),
            Color32::from_rgb(80, 125, 200),
        )
    } else {
        (
            Color32::from_rgb(12, 24, 80),
            Color32::from_rgb(225, 232, 255),
        )
    };
    let pixels = samples
        .iter()
        .map(|&v| {
            if !v.is_finite() {
                return Color32::GRAY;
            }
            let t = if hi > lo {
                ((v - lo).ln_1p() / (hi - lo).ln_1p()).clamp(0.0, 1.0)
            } else {
                0.0
            };
            low.lerp_to_gamma(high, t as f32)
        })
        .collect();
    egui::ColorImage::new([MAP_SIDE, MAP_SIDE], pixels)
}

/// The part of a path worth drawing on the map: its points while they stay finite and
/// near the map (within one map-width of it), then one point towards where it escaped,
/// pulled back to that margin. Coordinates of 1e300 would otherwise be drawn as a huge
/// filled wedge.
fn visible_path(path: &[[f64; 2]], bounds: [f64; 4]) -> Vec<[f64; 2]> {
    let [x0, x1, y0, y1] = bounds;
    let (wx, wy) = ((x1 - x0).abs(), (y1 - y0).abs());
    let (lo_x, hi_x, lo_y, hi_y) = (x0 - wx, x1 + wx, y0 - wy, y1 + wy);
    let inside = |p: &[f64; 2]| {
        p[0].is_finite()
            && p[1].is_finite()
            && (lo_x..=hi_x).contains(&p[0])
            && (lo_y..=hi_y).contains(&p[1])
    };
    let mut shown = Vec::with_capacity(path.len());
    for p in path {
        if inside(p) {
            shown.push(*p);
            continue;
        }
        if p[0].is_finite() && p[1].is_finite() {
            shown.push([p[0].clamp(lo_x, hi_x), p[1].clamp(lo_y, hi_y)]);
        }
        break;
    }
    shown
}

impl SectionWidget for SecondOrderView {
    fn ui(&mut self, ui: &mut egui::Ui, id: egui::Id, _page: &mut PageContext<'_>) {
        ui.push_id(id, |ui| Self::ui(self, ui));
    }

    fn wide(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::{MAP_SIDE, map_image};

    /// The brightest pixel's largest channel.
    fn brightest(dark: bool) -> u8 {
        let samples: Vec<f64> = (0..MAP_SIDE * MAP_SIDE).map(|i| i as f64).collect();
        let image = map_image(&samples, dark);
        image
            .pixels
            .iter()
            .map(|p| p.r().max(p.g()).max(p.b()))
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn the_map_is_no_bright_block_on_the_dark_theme() {
        assert!(brightest(false) > 220, "pale highs on the light theme");
        assert!(brightest(true) < 210, "no near-white on the dark theme");
    }
}
