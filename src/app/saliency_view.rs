//! The saliency widget: a photo the learner paints, the trained model's prediction, and
//! the saliency map |∂score/∂pixel| beside it, all recomputed by the engine on every
//! stroke. The cow is outlined on the map, so "is it looking at the cow?" does not rest
//! on colour alone.

use egui::{Color32, Pos2, Rect, RichText, Sense, Stroke, Vec2};

use crate::lesson::saliency::{
    self, BALANCED_DESCRIPTION, BALANCED_WEIGHTS, Classifier, Collection, FARM_WEIGHTS, Material,
    Picture, SIDE, TRAINING_PICTURES, TRAINING_SEED, Weights,
    picture::{test_pictures, training_set},
    train::{Trainer, TrainingConfig},
};
use crate::lesson::{SaliencyModel, SaliencySection};

use super::graph_view::GRAD_COLOR;
use super::section::{PageContext, SectionWidget};
use super::style;
use crate::format::number;

/// Screen pixels per photo pixel.
/// The smallest and largest side of one pixel of the photo on screen, in points: the
/// pictures grow with the window (a 16-pixel photo is easier to paint large).
const CELL_RANGE: (f32, f32) = (13.0, 26.0);

/// The side of one photo pixel for a section `width` points wide (two pictures side by
/// side, with a gap).
fn cell_for(width: f32) -> f32 {
    ((width - 40.0) / (2.0 * SIDE as f32))
        .clamp(CELL_RANGE.0, CELL_RANGE.1)
        .floor()
}

/// A model the learner can pick.
struct Loaded {
    button: &'static str,
    state: ModelState,
}

enum ModelState {
    /// Trained, ready to run.
    Ready(Box<Classifier>, Weights),
    /// Being trained here, a minibatch per frame.
    Training(Box<Trainer>),
    /// Trained here: its loss per epoch, and whether its weights equal the shipped
    /// balanced model's.
    TrainedHere(Box<Classifier>, Weights, Vec<f64>, bool),
    /// The stored weights do not load.
    Broken(String),
}

/// The label of the model trained live on the page.
const TRAINED_HERE: &str = "Trained here, live";

/// What the model made of the current photo.
struct Reading {
    probability: f64,
    score: f64,
    gradients: Vec<f64>,
    saliency: Vec<f64>,
}

/// The widget's state.
pub struct SaliencyView {
    section: SaliencySection,
    models: Vec<Loaded>,
    chosen: usize,
    picture: Picture,
    /// The test photo last loaded, while the learner has not painted over it.
    picture_name: Option<&'static str>,
    brush: Material,
    /// The keyboard brush's pixel: arrows move it, Space paints, while the photo has focus.
    cursor: (usize, usize),
    /// The test photos a button loads, made once.
    test_photos: Vec<(&'static str, Picture)>,
    /// Recomputed when the photo or the model changes, not every frame.
    reading: Option<Reading>,
}

impl SaliencyView {
    /// Loads the section's models and its first photo.
    pub fn new(section: &SaliencySection) -> Self {
        let models = section
            .models
            .iter()
            .map(|&kind| {
                let (button, text) = match kind {
                    SaliencyModel::Farm => ("Trained on farm photos", FARM_WEIGHTS),
                    SaliencyModel::Balanced => ("Trained on balanced photos", BALANCED_WEIGHTS),
                };
                let state =
                    match Weights::from_ron(text).and_then(|w| Ok((Classifier::new(&w)?, w))) {
                        Ok((model, weights)) => ModelState::Ready(Box::new(model), weights),
                        Err(e) => ModelState::Broken(e.to_string()),
                    };
                Loaded { button, state }
            })
            .collect();
        let test_photos = test_pictures();
        let (picture_name, picture) = test_photos
            .iter()
            .find(|(name, _)| *name == section.picture)
            .map_or((None, Picture::field(Material::Grass, 1)), |(n, p)| {
                (Some(*n), p.clone())
            });
        Self {
            section: section.clone(),
            models,
            chosen: 0,
            picture,
            picture_name,
            brush: Material::Sand,
            cursor: (SIDE / 2, SIDE / 2),
            test_photos,
            reading: None,
        }
    }

    /// Starts (or restarts) training a fresh model on balanced photos, and shows it.
    fn start_training(&mut self) {
        let examples = training_set(Collection::Balanced, TRAINING_PICTURES, TRAINING_SEED);
        let state = match Trainer::new(examples, &TrainingConfig::default(), BALANCED_DESCRIPTION) {
            Ok(trainer) => ModelState::Training(Box::new(trainer)),
            Err(e) => ModelState::Broken(e.to_string()),
        };
        let index = match self.models.iter().position(|m| m.button == TRAINED_HERE) {
            Some(i) => i,
            None => {
                self.models.push(Loaded {
                    button: TRAINED_HERE,
                    state: ModelState::Broken(String::new()),
                });
                self.models.len() - 1
            }
        };
        self.models[index].state = state;
        self.chosen = index;
        self.reading = None;
    }

    /// One minibatch of a training run in progress (even while another model is shown,
    /// so the next frame is asked for); at the end, the run becomes a model like the others.
    fn train_a_little(&mut self, ctx: &egui::Context) {
        for loaded in &mut self.models {
            let ModelState::Training(trainer) = &mut loaded.state else {
                continue;
            };
            if trainer.step() {
                ctx.request_repaint();
                continue;
            }
            let ModelState::Training(trainer) =
                std::mem::replace(&mut loaded.state, ModelState::Broken(String::new()))
            else {
                continue;
            };
            let report = trainer.finish();
            let weights = report.weights;
            let identical = Weights::from_ron(BALANCED_WEIGHTS).is_ok_and(|w| w == weights);
            loaded.state = match Classifier::new(&weights) {
                Ok(model) => {
                    ModelState::TrainedHere(Box::new(model), weights, report.losses, identical)
                }
                Err(e) => ModelState::Broken(e.to_string()),
            };
            self.reading = None;
        }
    }

    /// Draws the widget.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        style::section_frame(ui).show(ui, |ui| {
            ui.set_width(ui.available_width());
            if !self.section.title.is_empty() {
                ui.strong(&self.section.title);
            }
            self.train_a_little(ui.ctx());
            if self.models.len() > 1 || self.section.train {
                ui.horizontal_wrapped(|ui| {
                    ui.label("Model:");
                    for (i, loaded) in self.models.iter().enumerate() {
                        if ui
                            .selectable_label(self.chosen == i, loaded.button)
                            .clicked()
                            && self.chosen != i
                        {
                            self.chosen = i;
                            self.reading = None;
                        }
                    }
                    if self.section.train && ui.button("Train a new one on balanced photos").clicked() {
                        self.start_training();
                    }
                });
            }
            let Some(loaded) = self.models.get_mut(self.chosen) else {
                return;
            };
            let model = match &mut loaded.state {
                ModelState::Ready(model, weights) => {
                    ui.label(format!(
                        "Trained on {}; it labels {}% of its training photos right.",
                        weights.trained_on,
                        number(100.0 * weights.training_accuracy)
                    ));
                    model.as_mut()
                }
                ModelState::TrainedHere(model, weights, losses, identical) => {
                    ui.label(format!(
                        "Trained here, by this app's engine, on {TRAINING_PICTURES} {}; it labels {}% of them right.",
                        weights.trained_on,
                        number(100.0 * weights.training_accuracy)
                    ));
                    ui.label(if *identical {
                        "Its weights are identical, bit for bit, to the balanced model that ships with the app: same engine, same seed, same steps."
                    } else {
                        "Its weights differ from the balanced model that ships with the app."
                    });
                    loss_plot(ui, losses, losses.len());
                    model.as_mut()
                }
                ModelState::Training(trainer) => {
                    let (done, all) = trainer.progress();
                    let last = trainer
                        .losses()
                        .last()
                        .map_or_else(|| "not yet measured".to_string(), |l| number(*l));
                    ui.label(format!(
                        "Training on {TRAINING_PICTURES} {BALANCED_DESCRIPTION}: epoch {} of {all}, mean loss of the last epoch {last}. The map below follows the weights as they change.",
                        (done + 1).min(all)
                    ));
                    loss_plot(ui, trainer.losses(), all);
                    // The weights change every frame, so the reading does too.
                    self.reading = None;
                    trainer.model()
                }
                ModelState::Broken(message) => {
                    ui.colored_label(ui.visuals().error_fg_color, message.as_str());
                    return;
                }
            };
            ui.horizontal_wrapped(|ui| {
                ui.label("Photo:");
                for (name, picture) in &self.test_photos {
                    if ui
                        .selectable_label(self.picture_name == Some(*name), *name)
                        .clicked()
                    {
                        self.picture = picture.clone();
                        self.picture_name = Some(*name);
                        self.reading = None;
                    }
                }
            });
            ui.horizontal_wrapped(|ui| {
                ui.label("Paint with:");
                for material in [Material::Grass, Material::Sand, Material::Cow] {
                    ui.selectable_value(&mut self.brush, material, material.name());
                }
                ui.label(
                    RichText::new(
                        "(click or drag on the photo; or Tab to it, move with the arrows, paint with Space)",
                    )
                    .weak(),
                );
            });
            if self.reading.is_none() {
                model.show(&self.picture);
                self.reading = Some(Reading {
                    probability: model.probability(),
                    score: model.score(),
                    gradients: model.input_gradients(),
                    saliency: model.saliency(),
                });
            }
            let Some(reading) = &self.reading else {
                return;
            };
            let cell = cell_for(ui.available_width());
            let mut painted = false;
            let mut rects = [Rect::NOTHING; 2];
            let mut focused = false;
            ui.horizontal_top(|ui| {
                ui.vertical(|ui| {
                    ui.label("The photo");
                    (painted, rects[0], focused) =
                        photo_ui(ui, &mut self.picture, self.brush, &mut self.cursor, cell);
                });
                ui.add_space(16.0);
                ui.vertical(|ui| {
                    ui.label("Saliency |∂score/∂pixel|");
                    rects[1] = heatmap_ui(ui, &self.picture, &reading.saliency, cell);
                });
            });
            // The pixel under the pointer, on either picture, is framed on both.
            let hovered = ui
                .input(|i| i.pointer.hover_pos())
                .and_then(|pos| rects.iter().find_map(|&rect| cell_at(rect, pos)))
                .or(focused.then_some(self.cursor));
            if let Some((x, y)) = hovered {
                for rect in rects {
                    ui.painter().rect_stroke(
                        cell_rect(rect, x, y),
                        0.0,
                        Stroke::new(1.5, ui.visuals().strong_text_color()),
                        egui::StrokeKind::Inside,
                    );
                }
            }
            heat_legend_ui(ui, &reading.saliency);
            let verdict = if reading.probability > 0.5 {
                "cow"
            } else {
                "no cow"
            };
            style::fraction_bar(
                ui,
                reading.probability as f32,
                2.0 * SIDE as f32 * cell + 16.0,
                Some(&format!(
                    "P(cow) = {}: the model says {verdict}",
                    number(reading.probability)
                )),
            );
            ui.label(format!(
                "score = {} (the number before the sigmoid; the map is its gradient)",
                number(reading.score)
            ));
            ui.label(share_sentence(&self.picture, &reading.saliency));
            match hovered {
                Some((x, y)) => {
                    let p = 3 * (y * SIDE + x);
                    let g = &reading.gradients[p..p + 3];
                    ui.label(format!(
                        "Pixel ({x}, {y}), {}: ∂score/∂(red, green, blue) = ({}, {}, {})",
                        self.picture.material(x, y).name(),
                        number(g[0]),
                        number(g[1]),
                        number(g[2])
                    ));
                }
                None => {
                    ui.label(RichText::new("Point at a pixel (or move the keyboard brush) to read its gradient.").weak());
                }
            }
            if painted {
                self.picture_name = None;
                self.reading = None;
                ui.ctx().request_repaint();
            }
            if let Some(caption) = &self.section.caption {
                style::caption(ui, caption);
            }
        });
    }
}

/// The photo, painted with the brush under the pointer, or at the keyboard cursor while
/// the photo has focus. Returns whether a pixel changed, where the photo is, and whether
/// it has the keyboard focus.
fn photo_ui(
    ui: &mut egui::Ui,
    picture: &mut Picture,
    brush: Material,
    cursor: &mut (usize, usize),
    cell: f32,
) -> (bool, Rect, bool) {
    let size = Vec2::splat(SIDE as f32 * cell);
    let (rect, response) = ui.allocate_exact_size(size, Sense::click_and_drag());
    response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Canvas, true, "Photo: click or drag to paint")
    });
    let painter = ui.painter_at(rect);
    for y in 0..SIDE {
        for x in 0..SIDE {
            let [r, g, b] = picture.colour(x, y).map(|c| (c * 255.0).round() as u8);
            painter.rect_filled(cell_rect(rect, x, y), 0.0, Color32::from_rgb(r, g, b));
        }
    }
    let mut changed = false;
    if (response.clicked() || response.dragged() || response.is_pointer_button_down_on())
        && let Some(pos) = response.interact_pointer_pos()
        && let Some((x, y)) = cell_at(rect, pos)
    {
        changed = picture.paint(x, y, brush);
        // A fast stroke moves several cells in one frame: paint the cells in between
        // too (samples every half cell along the way), so the stroke has no gaps.
        if response.dragged() {
            let from = pos - response.drag_delta();
            let steps = ((pos - from).length() / (cell / 2.0)).ceil() as usize;
            for i in 0..steps {
                let along = from + (pos - from) * (i as f32 / steps as f32);
                if let Some((cx, cy)) = cell_at(rect, along) {
                    changed |= picture.paint(cx, cy, brush);
                }
            }
        }
        // The keyboard brush continues from where the pointer painted.
        *cursor = (x, y);
        response.request_focus();
    }
    let focused = response.has_focus();
    if focused {
        // The arrows move the keyboard brush instead of moving focus away.
        ui.memory_mut(|m| {
            m.set_focus_lock_filter(
                response.id,
                egui::EventFilter {
                    horizontal_arrows: true,
                    vertical_arrows: true,
                    ..Default::default()
                },
            );
        });
        let (left, right, up, down, space) = ui.input(|i| {
            (
                i.key_pressed(egui::Key::ArrowLeft),
                i.key_pressed(egui::Key::ArrowRight),
                i.key_pressed(egui::Key::ArrowUp),
                i.key_pressed(egui::Key::ArrowDown),
                i.key_pressed(egui::Key::Space) || i.key_pressed(egui::Key::Enter),
            )
        });
        let (x, y) = cursor;
        *x = (*x + usize::from(right))
            .saturating_sub(usize::from(left))
            .min(SIDE - 1);
        *y = (*y + usize::from(down))
            .saturating_sub(usize::from(up))
            .min(SIDE - 1);
        if space {
            changed |= picture.paint(*x, *y, brush);
        }
        painter.rect_stroke(
            cell_rect(rect, *x, *y),
            0.0,
            Stroke::new(2.5, ui.visuals().selection.stroke.color),
            egui::StrokeKind::Inside,
        );
    }
    (changed, rect, focused)
}

/// The map: brighter (more orange) is a larger |∂score/∂pixel|, scaled to this map's
/// largest value; the cow's outline is drawn on top. Returns where the map is.
fn heatmap_ui(ui: &mut egui::Ui, picture: &Picture, saliency: &[f64], cell: f32) -> Rect {
    let size = Vec2::splat(SIDE as f32 * cell);
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Image,
            true,
            "Saliency map: brighter means a larger gradient",
        )
    });
    let painter = ui.painter_at(rect);
    let max = saliency.iter().copied().fold(0.0f64, f64::max);
    for y in 0..SIDE {
        for x in 0..SIDE {
            let s = saliency[y * SIDE + x];
            let colour = if s.is_finite() {
                heat(if max > 0.0 { s / max } else { 0.0 })
            } else {
                Color32::from_rgb(200, 0, 200)
            };
            painter.rect_filled(cell_rect(rect, x, y), 0.0, colour);
        }
    }
    // Outline the cow: a line on every side of a cow pixel that borders something else.
    let outline = Stroke::new(2.0, Color32::from_rgb(90, 200, 255));
    let is_cow = |x: isize, y: isize| {
        (0..SIDE as isize).contains(&x)
            && (0..SIDE as isize).contains(&y)
            && picture.material(x as usize, y as usize) == Material::Cow
    };
    for y in 0..SIDE as isize {
        for x in 0..SIDE as isize {
            if !is_cow(x, y) {
                continue;
            }
            let r = cell_rect(rect, x as usize, y as usize);
            let sides = [
                (is_cow(x - 1, y), [r.left_top(), r.left_bottom()]),
                (is_cow(x + 1, y), [r.right_top(), r.right_bottom()]),
                (is_cow(x, y - 1), [r.left_top(), r.right_top()]),
                (is_cow(x, y + 1), [r.left_bottom(), r.right_bottom()]),
            ];
            for (neighbour_is_cow, line) in sides {
                if !neighbour_is_cow {
                    painter.line_segment(line, outline);
                }
            }
        }
    }
    rect
}

/// The scale under the map: what dark and bright mean, in words and numbers.
fn heat_legend_ui(ui: &mut egui::Ui, saliency: &[f64]) {
    let max = saliency.iter().copied().fold(0.0f64, f64::max);
    ui.horizontal_wrapped(|ui| {
        ui.label("0");
        let (rect, _) = ui.allocate_exact_size(Vec2::new(120.0, 12.0), Sense::hover());
        let painter = ui.painter_at(rect);
        const STEPS: usize = 24;
        for i in 0..STEPS {
            let t = i as f32 / STEPS as f32;
            let left = rect.left() + t * rect.width();
            painter.rect_filled(
                Rect::from_min_max(
                    Pos2::new(left, rect.top()),
                    Pos2::new(left + rect.width() / STEPS as f32 + 0.5, rect.bottom()),
                ),
                0.0,
                heat(f64::from(t)),
            );
        }
        ui.label(format!(
            "{}: brighter = more blame (larger |∂score/∂pixel|).",
            number(max)
        ));
        ui.label(RichText::new("Blue outline:").color(Color32::from_rgb(90, 200, 255)));
        ui.label("the cow.");
    });
}

/// The mean loss per finished epoch, on an axis as long as the whole run.
fn loss_plot(ui: &mut egui::Ui, losses: &[f64], epochs: usize) {
    let points: Vec<[f64; 2]> = losses
        .iter()
        .enumerate()
        .map(|(i, &l)| [(i + 1) as f64, l])
        .collect();
    let color = style::value_color(ui.visuals().dark_mode);
    super::plots::plot(ui.scope_id().with("training loss"), "epoch", "mean loss")
        .height(130.0)
        .width((2.0 * SIDE as f32 * cell_for(ui.available_width()) + 16.0).max(420.0))
        .allow_drag(false)
        .allow_zoom(false)
        .include_x(0.0)
        .include_x(epochs as f64)
        .include_y(0.0)
        .include_y(0.7)
        .show(ui, |plot| {
            plot.line(
                egui_plot::Line::new("mean loss", egui_plot::PlotPoints::from(points))
                    .color(color)
                    .width(2.0),
            );
        });
}

/// Dark for 0, the gradient colour at the top of the scale, as everywhere in the app.
fn heat(t: f64) -> Color32 {
    let t = t.clamp(0.0, 1.0) as f32;
    let dark = Color32::from_rgb(20, 16, 12);
    let bright = Color32::from_rgb(255, 236, 170);
    if t < 0.7 {
        dark.lerp_to_gamma(GRAD_COLOR, t / 0.7)
    } else {
        GRAD_COLOR.lerp_to_gamma(bright, (t - 0.7) / 0.3)
    }
}

/// How the map's total splits between the cow and the background, in words.
fn share_sentence(picture: &Picture, saliency: &[f64]) -> String {
    let cow_pixels = (0..SIDE * SIDE)
        .filter(|p| picture.material(p % SIDE, p / SIDE) == Material::Cow)
        .count();
    if cow_pixels == 0 {
        return "There is no cow in this photo: all of the saliency is on the background.".into();
    }
    let area = 100.0 * cow_pixels as f64 / (SIDE * SIDE) as f64;
    let share = 100.0 * saliency::share_on_cow(picture, saliency);
    format!(
        "The cow covers {}% of the pixels and gets {}% of the saliency.",
        area.round(),
        share.round()
    )
}

fn cell_rect(rect: Rect, x: usize, y: usize) -> Rect {
    let cell = rect.width() / SIDE as f32;
    Rect::from_min_size(
        rect.min + Vec2::new(x as f32 * cell, y as f32 * cell),
        Vec2::splat(cell),
    )
}

fn cell_at(rect: Rect, pos: Pos2) -> Option<(usize, usize)> {
    if !rect.contains(pos) {
        return None;
    }
    let cell = rect.width() / SIDE as f32;
    let x = ((pos.x - rect.left()) / cell) as usize;
    let y = ((pos.y - rect.top()) / cell) as usize;
    (x < SIDE && y < SIDE).then_some((x, y))
}

impl SectionWidget for SaliencyView {
    fn ui(&mut self, ui: &mut egui::Ui, id: egui::Id, _page: &mut PageContext<'_>) {
        ui.push_id(id, |ui| Self::ui(self, ui));
    }

    fn wide(&self) -> bool {
        true
    }
}
