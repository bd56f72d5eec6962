//! Train a network, on screen: a small multilayer network learning to separate two
//! classes of 2-D points, live. The decision map under the points, training and test loss
//! curves, and the network drawn with each edge's colour and width for its weight, or for
//! the last step's dL/dw. Play, pause, one step, reset to the same first weights (a seed
//! the learner sees and changes); a click adds a point of either class; pointing at a
//! neuron shows its output over the plane. Every number comes from `lesson::network`.

use egui::{Color32, Pos2, Rect, RichText, Sense, Stroke, Vec2};

use crate::format::number;
use crate::lesson::NetworkSection;
use crate::lesson::network::{
    Activation, Architecture, Dataset, EXTENT, MAX_LAYERS, MAX_NEURONS, Network, Point, RATES,
    split_train_test,
};

use super::plots::{self, KeyEntry};
use super::section::{PageContext, SectionWidget};
use super::style;

/// Samples per side of the decision map.
const MAP_SIDE: usize = 40;
/// Samples per side of a neuron's small map.
const NEURON_MAP_SIDE: usize = 24;
/// At most this many steps a frame (about 120 a second at 60 frames a second): fast enough
/// to feel live, slow enough to watch the map and the curves change.
const STEPS_PER_FRAME: usize = 2;

/// Class 1's colour (Okabe and Ito's yellow, apart from the values' blue and the
/// gradients' orange); class 0's (their reddish purple). Points also differ in shape.
const CLASS_ONE: Color32 = Color32::from_rgb(240, 228, 66);
const CLASS_ZERO: Color32 = Color32::from_rgb(204, 121, 167);

/// Where the points come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// A built-in data set (plus any points the learner added).
    Built(Dataset),
    /// Only the learner's points.
    Mine,
}

/// The widget's state.
pub struct NetworkView {
    section: NetworkSection,
    source: Source,
    layers: usize,
    neurons: usize,
    activation: Activation,
    learning_rate: f64,
    seed: u64,
    network: Network,
    train: Vec<Point>,
    test: Vec<Point>,
    /// Points the learner added with a click.
    added: Vec<Point>,
    playing: bool,
    show_gradients: bool,
    train_losses: Vec<[f64; 2]>,
    test_losses: Vec<[f64; 2]>,
    /// The decision map, the step it shows, and whether it was coloured for the dark theme.
    map: Option<(egui::TextureHandle, usize, bool)>,
    /// The hovered neuron's map: (layer, index, step, texture).
    neuron_map: Option<(usize, usize, usize, egui::TextureHandle)>,
}

impl NetworkView {
    /// The widget with the section's starting choices, before any step.
    pub fn new(section: &NetworkSection) -> Self {
        let layers = section.hidden.len().clamp(1, MAX_LAYERS);
        let neurons = section
            .hidden
            .first()
            .copied()
            .unwrap_or(4)
            .clamp(1, MAX_NEURONS);
        let mut view = Self {
            source: Source::Built(section.dataset),
            layers,
            neurons,
            activation: section.activation,
            learning_rate: section.learning_rate,
            seed: section.seed,
            network: Network::new(
                &Architecture {
                    hidden: vec![neurons; layers],
                    activation: section.activation,
                },
                section.seed,
            ),
            train: Vec::new(),
            test: Vec::new(),
            added: Vec::new(),
            playing: false,
            show_gradients: false,
            train_losses: Vec::new(),
            test_losses: Vec::new(),
            map: None,
            neuron_map: None,
            section: section.clone(),
        };
        view.new_points();
        view.reset();
        view
    }

    fn architecture(&self) -> Architecture {
        Architecture {
            hidden: vec![self.neurons; self.layers],
            activation: self.activation,
        }
    }

    /// Draws the data set again: half the points train, half test.
    fn new_points(&mut self) {
        let (train, test) = match self.source {
            Source::Built(dataset) => {
                split_train_test(&dataset.points(self.section.points.max(4), self.seed))
            }
            Source::Mine => (Vec::new(), Vec::new()),
        };
        self.train = train;
        self.test = test;
    }

    /// Back to the first weights of this seed, with the curves cleared.
    fn reset(&mut self) {
        self.network = Network::new(&self.architecture(), self.seed);
        self.playing = false;
        self.train_losses.clear();
        self.test_losses.clear();
        self.map = None;
        self.neuron_map = None;
        self.record_losses();
    }

    fn training_points(&self) -> Vec<Point> {
        self.train.iter().chain(&self.added).copied().collect()
    }

    fn record_losses(&mut self) {
        let points = self.training_points();
        let step = self.network.steps() as f64;
        if !points.is_empty() {
            let loss = self.network.loss(&points);
            self.train_losses.push([step, loss]);
        }
        if !self.test.is_empty() {
            let test = self.test.clone();
            let loss = self.network.loss(&test);
            self.test_losses.push([step, loss]);
        }
    }

    fn step(&mut self) {
        let points = self.training_points();
        if points.is_empty() {
            self.playing = false;
            return;
        }
        self.network.step(&points, self.learning_rate);
        self.record_losses();
    }

    fn ui(&mut self, ui: &mut egui::Ui) {
        style::section_frame(ui).show(ui, |ui| {
            ui.set_width(ui.available_width());
            if !self.section.title.is_empty() {
                style::section_title(ui, &self.section.title);
            }
            self.controls_ui(ui);
            if self.playing {
                for _ in 0..STEPS_PER_FRAME {
                    if self.playing {
                        self.step();
                    }
                }
                ui.ctx().request_repaint();
            }
            self.status_ui(ui);
            let dark = ui.visuals().dark_mode;
            let wide = ui.available_width() >= 760.0;
            if wide {
                ui.horizontal_top(|ui| {
                    self.network_ui(ui, dark);
                    ui.add_space(12.0);
                    ui.vertical(|ui| {
                        self.map_ui(ui, dark);
                        self.losses_ui(ui, dark);
                    });
                });
            } else {
                self.map_ui(ui, dark);
                self.network_ui(ui, dark);
                self.losses_ui(ui, dark);
            }
            if let Some(caption) = &self.section.caption {
                style::caption(ui, caption);
            }
        });
    }

    fn controls_ui(&mut self, ui: &mut egui::Ui) {
        let mut rebuild = false;
        let mut redraw_points = false;
        ui.horizontal_wrapped(|ui| {
            let play = if self.playing { "Pause" } else { "▶ Play" };
            if ui.button(play).clicked() {
                self.playing = !self.playing;
            }
            if ui.button("Step").clicked() {
                self.playing = false;
                self.step();
            }
            if ui
                .button("Reset")
                .on_hover_text("Back to the same first weights")
                .clicked()
            {
                self.reset();
            }
            let label = ui.label("Seed:");
            let seed = ui
                .add(egui::DragValue::new(&mut self.seed).range(0..=9999))
                .labelled_by(label.id);
            rebuild |= seed.changed();
            redraw_points |= seed.changed();
        });
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Data:");
            egui::ComboBox::from_id_salt("network-data")
                .selected_text(match self.source {
                    Source::Built(d) => d.name(),
                    Source::Mine => "only my points",
                })
                .show_ui(ui, |ui| {
                    for dataset in Dataset::ALL {
                        if ui
                            .selectable_value(
                                &mut self.source,
                                Source::Built(dataset),
                                dataset.name(),
                            )
                            .changed()
                        {
                            redraw_points = true;
                            rebuild = true;
                        }
                    }
                    if ui
                        .selectable_value(&mut self.source, Source::Mine, "only my points")
                        .changed()
                    {
                        redraw_points = true;
                        rebuild = true;
                    }
                })
                .response
                .labelled_by(label.id);
            let label = ui.label("Activation:");
            egui::ComboBox::from_id_salt("network-activation")
                .selected_text(self.activation.name())
                .show_ui(ui, |ui| {
                    for activation in Activation::ALL {
                        rebuild |= ui
                            .selectable_value(&mut self.activation, activation, activation.name())
                            .changed();
                    }
                })
                .response
                .labelled_by(label.id);
        });
        ui.horizontal_wrapped(|ui| {
            // The number is in the label the slider is read out with; short sliders, so the
            // row fits the smallest window (1 to 8 needs no more).
            ui.spacing_mut().slider_width = 110.0;
            let label = ui.label(format!("Hidden layers: {}", self.layers));
            rebuild |= ui
                .add(egui::Slider::new(&mut self.layers, 1..=MAX_LAYERS).show_value(false))
                .labelled_by(label.id)
                .changed();
            let label = ui.label(format!("neurons each: {}", self.neurons));
            rebuild |= ui
                .add(egui::Slider::new(&mut self.neurons, 1..=MAX_NEURONS).show_value(false))
                .labelled_by(label.id)
                .changed();
        });
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Learning rate:");
            egui::ComboBox::from_id_salt("network-rate")
                .selected_text(number(self.learning_rate))
                .show_ui(ui, |ui| {
                    for rate in RATES {
                        ui.selectable_value(&mut self.learning_rate, rate, number(rate));
                    }
                })
                .response
                .labelled_by(label.id);
            ui.checkbox(&mut self.show_gradients, "Edges show dL/dw");
        });
        if redraw_points {
            // A new built-in set starts without the learner's points; "only my points"
            // keeps them.
            if self.source != Source::Mine {
                self.added.clear();
            }
            self.new_points();
        }
        if rebuild {
            self.reset();
        }
    }

    fn status_ui(&self, ui: &mut egui::Ui) {
        let train = self.train_losses.last().map(|p| number(p[1]));
        let test = self.test_losses.last().map(|p| number(p[1]));
        let text = match (train, test) {
            (Some(train), Some(test)) => format!(
                "Step {} · training loss {train} · test loss {test}",
                self.network.steps()
            ),
            (Some(train), None) => format!(
                "Step {} · training loss {train} (no test points: your own points all train)",
                self.network.steps()
            ),
            _ => "No points to train on yet: click the map to add some.".to_string(),
        };
        ui.label(RichText::new(text).strong());
    }

    /// The decision map: the network's probability of class 1 over the plane, the points
    /// on it; a click adds a point (left: class 1, right: class 0).
    fn map_ui(&mut self, ui: &mut egui::Ui, dark: bool) {
        let side = 300.0f32.min(ui.available_width());
        let (rect, response) = ui.allocate_exact_size(Vec2::splat(side), Sense::click());
        let stale = self
            .map
            .as_ref()
            .is_none_or(|(_, step, was_dark)| *step != self.network.steps() || *was_dark != dark);
        if stale {
            let network = &mut self.network;
            let image = heat_map(MAP_SIDE, dark, |x| network.predict(x));
            let texture = ui
                .ctx()
                .load_texture("network-map", image, egui::TextureOptions::LINEAR);
            self.map = Some((texture, self.network.steps(), dark));
        }
        let painter = ui.painter_at(rect);
        if let Some((texture, _, _)) = &self.map {
            painter.image(
                texture.id(),
                rect,
                Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
                Color32::WHITE,
            );
        }
        painter.rect_stroke(
            rect,
            0.0,
            Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color),
            egui::StrokeKind::Inside,
        );
        let outline = if dark {
            Color32::BLACK
        } else {
            Color32::from_gray(40)
        };
        for point in self.train.iter().chain(&self.added) {
            draw_point(
                &painter,
                to_screen(rect, point.x),
                point.label,
                outline,
                4.0,
            );
        }
        if let Some(position) = response.interact_pointer_pos() {
            let label = if response.clicked() {
                Some(true)
            } else if response.secondary_clicked() {
                Some(false)
            } else {
                None
            };
            if let Some(label) = label {
                self.added.push(Point {
                    x: from_screen(rect, position),
                    label,
                });
                self.record_losses();
            }
        }
        response.widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::Role::Image,
                true,
                "Decision map: the network's probability of class 1 over the plane. Click to add a class 1 point, right-click for class 0.",
            )
        });
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 4.0;
            legend_point(ui, true, outline);
            ui.label("class 1 (click)");
            legend_point(ui, false, outline);
            ui.label("class 0 (right-click). Background: the network's answer.");
        });
    }

    fn losses_ui(&self, ui: &mut egui::Ui, dark: bool) {
        let key = [
            KeyEntry::line(
                "training loss",
                plots::series_color(0, dark),
                plots::series_style(0),
            ),
            KeyEntry::line(
                "test loss",
                plots::series_color(1, dark),
                plots::series_style(1),
            ),
        ];
        plots::key_ui(ui, &key);
        plots::plot(
            ui.scope_id().with("network-losses"),
            "steps taken",
            "mean loss",
        )
        .height(130.0)
        .width(300.0f32.min(ui.available_width()))
        .show(ui, |plot| {
            plot.line(plots::keyed_line(&key[0], self.train_losses.clone()));
            plot.line(plots::keyed_line(&key[1], self.test_losses.clone()));
        });
    }

    /// The network: neurons in columns, an edge for every weight, its colour for the sign
    /// and its width for the size of the weight (or of dL/dw).
    fn network_ui(&mut self, ui: &mut egui::Ui, dark: bool) {
        let sizes = self.network.layer_sizes();
        let width = (ui.available_width() - 330.0).clamp(320.0, 560.0);
        let height = 300.0;
        let (rect, _) = ui.allocate_exact_size(Vec2::new(width, height), Sense::hover());
        let painter = ui.painter_at(rect);
        let columns = sizes.len();
        let position = |layer: usize, index: usize| {
            let x = rect.left() + 30.0 + (width - 60.0) * layer as f32 / (columns - 1) as f32;
            let count = sizes[layer];
            let gap = ((height - 40.0) / count as f32).min(40.0);
            let top = rect.center().y - gap * (count as f32 - 1.0) / 2.0;
            Pos2::new(x, top + gap * index as f32)
        };
        // Edges: scaled by the largest magnitude in the picture, so widths compare.
        let value = |network: &Network, layer: usize, from: usize, to: usize| {
            if self.show_gradients {
                network.weight_gradient(layer, from, to)
            } else {
                network.weight(layer, from, to)
            }
        };
        let mut largest: f64 = 0.0;
        for layer in 0..columns - 1 {
            for from in 0..sizes[layer] {
                for to in 0..sizes[layer + 1] {
                    let v = value(&self.network, layer, from, to);
                    if v.is_finite() {
                        largest = largest.max(v.abs());
                    }
                }
            }
        }
        for layer in 0..columns - 1 {
            for from in 0..sizes[layer] {
                for to in 0..sizes[layer + 1] {
                    let v = value(&self.network, layer, from, to);
                    let share = if largest > 0.0 && v.is_finite() {
                        (v.abs() / largest) as f32
                    } else {
                        0.0
                    };
                    painter.line_segment(
                        [position(layer, from), position(layer + 1, to)],
                        Stroke::new(0.5 + 5.0 * share, style::passes_color(v, dark)),
                    );
                }
            }
        }
        // Neurons: inputs, hidden and output; pointing at one shows its output map.
        let mut hovered = None;
        let pointer = ui.ctx().pointer_hover_pos();
        for (layer, &count) in sizes.iter().enumerate() {
            for index in 0..count {
                let centre = position(layer, index);
                painter.circle(
                    centre,
                    11.0,
                    ui.visuals().extreme_bg_color,
                    Stroke::new(1.5, ui.visuals().text_color()),
                );
                let label = match (layer, index) {
                    (0, 0) => "x₁".to_string(),
                    (0, _) => "x₂".to_string(),
                    (l, _) if l == columns - 1 => "ŷ".to_string(),
                    _ => String::new(),
                };
                painter.text(
                    centre,
                    egui::Align2::CENTER_CENTER,
                    label,
                    egui::FontId::proportional(13.0),
                    ui.visuals().text_color(),
                );
                if layer > 0 && pointer.is_some_and(|p| p.distance(centre) <= 12.0) {
                    hovered = Some((layer - 1, index, centre));
                }
            }
        }
        let what = if self.show_gradients {
            "the last step's dL/dw"
        } else {
            "the weights w"
        };
        painter.text(
            rect.left_bottom() + Vec2::new(4.0, -4.0),
            egui::Align2::LEFT_BOTTOM,
            format!(
                "Edges: {what}; green positive, purple negative, wider = larger (largest {}).",
                number(largest)
            ),
            egui::FontId::proportional(12.0),
            ui.visuals().weak_text_color(),
        );
        if let Some((layer, index, centre)) = hovered {
            self.neuron_tooltip(ui, layer, index, centre, dark);
        }
    }

    fn neuron_tooltip(
        &mut self,
        ui: &mut egui::Ui,
        layer: usize,
        index: usize,
        centre: Pos2,
        dark: bool,
    ) {
        let step = self.network.steps();
        let fresh = self
            .neuron_map
            .as_ref()
            .is_some_and(|(l, i, s, _)| (*l, *i, *s) == (layer, index, step));
        if !fresh {
            let network = &mut self.network;
            let image = heat_map(NEURON_MAP_SIDE, dark, |x| {
                let v = network.neuron_output(layer, index, x);
                // tanh lies in [-1, 1]; σ in [0, 1]; ReLU from 0 up: shown as [0, 1].
                match self.activation {
                    Activation::Tanh => (v + 1.0) / 2.0,
                    _ => v.clamp(0.0, 1.0),
                }
            });
            let texture =
                ui.ctx()
                    .load_texture("network-neuron", image, egui::TextureOptions::LINEAR);
            self.neuron_map = Some((layer, index, step, texture));
        }
        if let Some((_, _, _, texture)) = &self.neuron_map {
            let last = self.network.layer_sizes().len() - 2;
            let name = if layer == last {
                "The output ŷ".to_string()
            } else {
                format!("Neuron {} of hidden layer {}", index + 1, layer + 1)
            };
            egui::Tooltip::always_open(
                ui.ctx().clone(),
                ui.layer_id(),
                ui.scope_id().with("network-neuron-tip"),
                egui::PopupAnchor::Position(centre + Vec2::new(16.0, 0.0)),
            )
            .show(|ui| {
                ui.label(format!("{name}: its output over the plane"));
                ui.image((texture.id(), Vec2::splat(120.0)));
            });
        }
    }
}

/// A point on the map: class 1 a filled disc, class 0 a filled square.
fn draw_point(painter: &egui::Painter, at: Pos2, label: bool, outline: Color32, radius: f32) {
    let stroke = Stroke::new(1.0, outline);
    if label {
        painter.circle(at, radius, CLASS_ONE, stroke);
    } else {
        painter.rect(
            Rect::from_center_size(at, Vec2::splat(radius * 1.8)),
            0.0,
            CLASS_ZERO,
            stroke,
            egui::StrokeKind::Middle,
        );
    }
}

fn legend_point(ui: &mut egui::Ui, label: bool, outline: Color32) {
    let (rect, _) = ui.allocate_exact_size(Vec2::splat(12.0), Sense::hover());
    draw_point(ui.painter(), rect.center(), label, outline, 4.5);
}

/// Plane coordinates to the map's pixels (y up).
fn to_screen(rect: Rect, x: [f64; 2]) -> Pos2 {
    let u = ((x[0] + EXTENT) / (2.0 * EXTENT)) as f32;
    let v = ((x[1] + EXTENT) / (2.0 * EXTENT)) as f32;
    Pos2::new(
        rect.left() + u * rect.width(),
        rect.bottom() - v * rect.height(),
    )
}

fn from_screen(rect: Rect, p: Pos2) -> [f64; 2] {
    let u = f64::from((p.x - rect.left()) / rect.width());
    let v = f64::from((rect.bottom() - p.y) / rect.height());
    [
        (u * 2.0 * EXTENT - EXTENT).clamp(-EXTENT, EXTENT),
        (v * 2.0 * EXTENT - EXTENT).clamp(-EXTENT, EXTENT),
    ]
}

/// A `side` × `side` image of `f` (from 0: class 0's colour, to 1: class 1's) over the
/// plane, row by row from the top, faded towards the background near 0.5.
fn heat_map(side: usize, dark: bool, mut f: impl FnMut([f64; 2]) -> f64) -> egui::ColorImage {
    let background = if dark {
        Color32::from_gray(30)
    } else {
        Color32::from_gray(250)
    };
    let mut pixels = Vec::with_capacity(side * side);
    for row in 0..side {
        for column in 0..side {
            let x = -EXTENT + 2.0 * EXTENT * (column as f64 + 0.5) / side as f64;
            let y = EXTENT - 2.0 * EXTENT * (row as f64 + 0.5) / side as f64;
            let p = f([x, y]);
            let (target, strength) = if !p.is_finite() {
                (background, 0.0)
            } else if p >= 0.5 {
                (CLASS_ONE, (p - 0.5) * 2.0)
            } else {
                (CLASS_ZERO, (0.5 - p) * 2.0)
            };
            let t = (0.75 * strength.clamp(0.0, 1.0)) as f32;
            pixels.push(mix(background, target, t));
        }
    }
    egui::ColorImage::new([side, side], pixels)
}

fn mix(a: Color32, b: Color32, t: f32) -> Color32 {
    let channel = |x: u8, y: u8| (f32::from(x) + (f32::from(y) - f32::from(x)) * t).round() as u8;
    Color32::from_rgb(
        channel(a.r(), b.r()),
        channel(a.g(), b.g()),
        channel(a.b(), b.b()),
    )
}

impl SectionWidget for NetworkView {
    fn ui(&mut self, ui: &mut egui::Ui, id: egui::Id, _page: &mut PageContext<'_>) {
        ui.push_id(id, |ui| Self::ui(self, ui));
    }

    fn wide(&self) -> bool {
        true
    }
}
