//! The saliency widget: a photo the learner paints, the trained model's prediction, and
//! the saliency map |∂score/∂pixel| beside it, all recomputed by the engine on every
//! stroke. The cow is outlined on the map, so "is it looking at the cow?" does not rest
//! on colour alone.

use egui::{Color32, Pos2, Rect, RichText, Sense, Stroke, Vec2};

use crate::lesson::saliency::{
    self, BALANCED_WEIGHTS, Classifier, FARM_WEIGHTS, Material, Picture, SIDE, Weights,
    picture::test_pictures,
};
use crate::lesson::{SaliencyModel, SaliencySection};

use super::format::number;
use super::graph_view::GRAD_COLOR;

/// Screen pixels per photo pixel.
const CELL: f32 = 13.0;

/// A trained model ready to run, or why it cannot.
struct Loaded {
    button: &'static str,
    model: Result<(Classifier, Weights), String>,
}

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
                let model = Weights::from_ron(text)
                    .and_then(|w| Ok((Classifier::new(&w)?, w)))
                    .map_err(|e| e.to_string());
                Loaded { button, model }
            })
            .collect();
        let (picture_name, picture) = test_pictures()
            .into_iter()
            .find(|(name, _)| *name == section.picture)
            .map_or((None, Picture::field(Material::Grass, 1)), |(n, p)| {
                (Some(n), p)
            });
        Self {
            section: section.clone(),
            models,
            chosen: 0,
            picture,
            picture_name,
            brush: Material::Sand,
            reading: None,
        }
    }

    /// Draws the widget.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            if !self.section.title.is_empty() {
                ui.strong(&self.section.title);
            }
            if self.models.len() > 1 {
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
                });
            }
            let Some(loaded) = self.models.get_mut(self.chosen) else {
                return;
            };
            let (model, weights) = match &mut loaded.model {
                Ok((model, weights)) => (model, &*weights),
                Err(message) => {
                    ui.colored_label(ui.visuals().error_fg_color, message.as_str());
                    return;
                }
            };
            ui.label(format!(
                "Trained on {}; it labels {}% of its training photos right.",
                weights.trained_on,
                number(100.0 * weights.training_accuracy)
            ));
            ui.horizontal_wrapped(|ui| {
                ui.label("Photo:");
                for (name, picture) in test_pictures() {
                    if ui
                        .selectable_label(self.picture_name == Some(name), name)
                        .clicked()
                    {
                        self.picture = picture;
                        self.picture_name = Some(name);
                        self.reading = None;
                    }
                }
            });
            ui.horizontal_wrapped(|ui| {
                ui.label("Paint with:");
                for material in [Material::Grass, Material::Sand, Material::Cow] {
                    ui.selectable_value(&mut self.brush, material, material.name());
                }
                ui.label(RichText::new("(click or drag on the photo)").weak());
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
            let mut hovered = None;
            let mut painted = false;
            ui.horizontal_top(|ui| {
                ui.vertical(|ui| {
                    ui.label("The photo");
                    let (response, hover) = photo_ui(ui, &mut self.picture, self.brush);
                    painted = response;
                    hovered = hovered.or(hover);
                });
                ui.add_space(16.0);
                ui.vertical(|ui| {
                    ui.label("Saliency |∂score/∂pixel|");
                    hovered = hovered.or(heatmap_ui(ui, &self.picture, &reading.saliency));
                });
            });
            heat_legend_ui(ui, &reading.saliency);
            let verdict = if reading.probability > 0.5 {
                "cow"
            } else {
                "no cow"
            };
            ui.add(
                egui::ProgressBar::new(reading.probability as f32)
                    .desired_width(2.0 * SIDE as f32 * CELL + 16.0)
                    .text(format!(
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
                    ui.label(RichText::new("Point at a pixel to read its gradient.").weak());
                }
            }
            if painted {
                self.picture_name = None;
                self.reading = None;
                ui.ctx().request_repaint();
            }
            if let Some(caption) = &self.section.caption {
                ui.label(RichText::new(caption).italics());
            }
        });
    }
}

/// The photo, painted with the brush under the pointer. Returns whether a pixel changed,
/// and which pixel the pointer is over.
fn photo_ui(
    ui: &mut egui::Ui,
    picture: &mut Picture,
    brush: Material,
) -> (bool, Option<(usize, usize)>) {
    let size = Vec2::splat(SIDE as f32 * CELL);
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
    }
    let hovered = response.hover_pos().and_then(|pos| cell_at(rect, pos));
    if let Some((x, y)) = hovered {
        painter.rect_stroke(
            cell_rect(rect, x, y),
            0.0,
            Stroke::new(1.5, ui.visuals().strong_text_color()),
            egui::StrokeKind::Inside,
        );
    }
    (changed, hovered)
}

/// The map: brighter (more orange) is a larger |∂score/∂pixel|, scaled to this map's
/// largest value; the cow's outline is drawn on top. Returns the pixel under the pointer.
fn heatmap_ui(ui: &mut egui::Ui, picture: &Picture, saliency: &[f64]) -> Option<(usize, usize)> {
    let size = Vec2::splat(SIDE as f32 * CELL);
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
    response.hover_pos().and_then(|pos| cell_at(rect, pos))
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
    Rect::from_min_size(
        rect.min + Vec2::new(x as f32 * CELL, y as f32 * CELL),
        Vec2::splat(CELL),
    )
}

fn cell_at(rect: Rect, pos: Pos2) -> Option<(usize, usize)> {
    if !rect.contains(pos) {
        return None;
    }
    let x = ((pos.x - rect.left()) / CELL) as usize;
    let y = ((pos.y - rect.top()) / CELL) as usize;
    (x < SIDE && y < SIDE).then_some((x, y))
}
