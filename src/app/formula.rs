//! Typesetting of [`crate::tex`] formulas with egui's painter: stacked fractions,
//! raised and lowered scripts, square roots, italic variables.

use std::sync::Arc;

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, Galley, Pos2, Rect, Sense, Stroke, Vec2};

use crate::tex::{self, Atom, Row};

/// A laid-out piece: its size, where its baseline is (from its top), and what to draw,
/// relative to its top-left corner.
struct Boxed {
    size: Vec2,
    baseline: f32,
    marks: Vec<Mark>,
}

enum Mark {
    Text(Pos2, Arc<Galley>),
    Line(Pos2, Pos2),
}

impl Boxed {
    fn empty(font_size: f32) -> Self {
        Self {
            size: Vec2::new(0.0, font_size),
            baseline: font_size * 0.8,
            marks: Vec::new(),
        }
    }

    fn shifted(self, by: Vec2) -> impl Iterator<Item = Mark> {
        self.marks.into_iter().map(move |mark| match mark {
            Mark::Text(p, g) => Mark::Text(p + by, g),
            Mark::Line(a, b) => Mark::Line(a + by, b + by),
        })
    }
}

struct Typesetter<'a> {
    painter: &'a egui::Painter,
    color: Color32,
}

impl Typesetter<'_> {
    fn text(&self, text: &str, size: f32, italics: bool) -> Boxed {
        let job = LayoutJob::single_section(
            text.to_string(),
            TextFormat {
                font_id: FontId::proportional(size),
                color: self.color,
                italics,
                ..Default::default()
            },
        );
        let galley = self.painter.layout_job(job);
        let mut size_v = galley.size();
        if italics {
            // Leave room for the slant.
            size_v.x += size * 0.08;
        }
        Boxed {
            size: size_v,
            baseline: size_v.y * 0.78,
            marks: vec![Mark::Text(Pos2::ZERO, galley)],
        }
    }

    fn row(&self, row: &Row, size: f32) -> Boxed {
        if row.is_empty() {
            return Boxed::empty(size);
        }
        let is_delimiter = |item: &tex::Item| matches!(item.base, Atom::Delimiter(_));
        let mut parts: Vec<Boxed> = row.iter().map(|item| self.item(item, size)).collect();
        let measured = || {
            parts
                .iter()
                .zip(row)
                .filter(|(_, item)| !is_delimiter(item))
                .fold((0.0f32, 0.0f32), |(a, d), (b, _)| {
                    (a.max(b.baseline), d.max(b.size.y - b.baseline))
                })
        };
        let (mut ascent, mut descent) = measured();
        // `\left|` and `\right|` grow to the height of what they enclose.
        for (part, item) in parts.iter_mut().zip(row) {
            if let Atom::Delimiter(d) = &item.base {
                let tall = (ascent + descent).max(size);
                let mut boxed = self.text(d, tall * 0.95, false);
                boxed.baseline = boxed.size.y / 2.0 + (ascent - descent) / 2.0;
                *part = boxed;
            }
        }
        for part in &parts {
            ascent = ascent.max(part.baseline);
            descent = descent.max(part.size.y - part.baseline);
        }
        let mut x = 0.0;
        let mut marks = Vec::new();
        for part in parts {
            let width = part.size.x;
            let top = ascent - part.baseline;
            marks.extend(part.shifted(Vec2::new(x, top)));
            x += width;
        }
        Boxed {
            size: Vec2::new(x, ascent + descent),
            baseline: ascent,
            marks,
        }
    }

    fn item(&self, item: &tex::Item, size: f32) -> Boxed {
        let base = self.atom(&item.base, size);
        if item.sup.is_none() && item.sub.is_none() {
            return base;
        }
        let small = (size * 0.7).max(8.0);
        let sup = item.sup.as_ref().map(|r| self.row(r, small));
        let sub = item.sub.as_ref().map(|r| self.row(r, small));
        // Script baselines relative to the base's baseline.
        let sup_shift = -size * 0.42;
        let sub_shift = size * 0.22;
        let mut ascent = base.baseline;
        let mut descent = base.size.y - base.baseline;
        if let Some(s) = &sup {
            ascent = ascent.max(s.baseline - sup_shift);
            descent = descent.max(s.size.y - s.baseline + sup_shift);
        }
        if let Some(s) = &sub {
            ascent = ascent.max(s.baseline - sub_shift);
            descent = descent.max(s.size.y - s.baseline + sub_shift);
        }
        let base_width = base.size.x;
        let base_top = ascent - base.baseline;
        let mut marks: Vec<Mark> = base.shifted(Vec2::new(0.0, base_top)).collect();
        let mut width = base_width;
        for (script, shift) in [(sup, sup_shift), (sub, sub_shift)] {
            if let Some(s) = script {
                let w = s.size.x;
                let top = ascent + shift - s.baseline;
                marks.extend(s.shifted(Vec2::new(base_width + 1.0, top)));
                width = width.max(base_width + 1.0 + w);
            }
        }
        Boxed {
            size: Vec2::new(width, ascent + descent),
            baseline: ascent,
            marks,
        }
    }

    fn atom(&self, atom: &Atom, size: f32) -> Boxed {
        match atom {
            Atom::Variable(s) => self.text(s, size, true),
            Atom::Upright(s) => {
                let spaced = match s.as_str() {
                    "=" | "+" | "−" | "≈" | "→" | "←" | "≤" | "≥" | "≠" | "×" => {
                        format!(" {s} ")
                    }
                    _ => s.clone(),
                };
                self.text(&spaced, size, false)
            }
            Atom::Group(row) => self.row(row, size),
            Atom::Delimiter(d) => self.text(d, size, false),
            Atom::Fraction(top, bottom) => {
                let inner = (size * 0.9).max(9.0);
                let top = self.row(top, inner);
                let bottom = self.row(bottom, inner);
                let width = top.size.x.max(bottom.size.x) + size * 0.3;
                let gap = size * 0.12;
                let line_y = top.size.y + gap;
                let total = line_y + gap + bottom.size.y;
                let top_x = (width - top.size.x) / 2.0;
                let bottom_x = (width - bottom.size.x) / 2.0;
                let mut marks: Vec<Mark> = top.shifted(Vec2::new(top_x, 0.0)).collect();
                marks.extend(bottom.shifted(Vec2::new(bottom_x, line_y + gap)));
                marks.push(Mark::Line(
                    Pos2::new(size * 0.1, line_y),
                    Pos2::new(width - size * 0.1, line_y),
                ));
                Boxed {
                    size: Vec2::new(width, total),
                    // The fraction bar sits at the maths axis, a little above the baseline.
                    baseline: line_y + size * 0.3,
                    marks,
                }
            }
            Atom::Root(row) => {
                let inner = self.row(row, size);
                let tick = size * 0.55;
                let over = 3.0;
                let width = tick + inner.size.x + 2.0;
                let height = inner.size.y + over;
                let baseline = inner.baseline + over;
                let mut marks: Vec<Mark> = inner.shifted(Vec2::new(tick, over)).collect();
                marks.push(Mark::Line(
                    Pos2::new(0.0, height * 0.6),
                    Pos2::new(tick * 0.4, height),
                ));
                marks.push(Mark::Line(
                    Pos2::new(tick * 0.4, height),
                    Pos2::new(tick * 0.8, 1.0),
                ));
                marks.push(Mark::Line(
                    Pos2::new(tick * 0.8, 1.0),
                    Pos2::new(width, 1.0),
                ));
                Boxed {
                    size: Vec2::new(width, height),
                    baseline,
                    marks,
                }
            }
        }
    }
}

/// Draws a formula at `font_size`; a formula that does not parse is shown as written,
/// with the reason on hover (lesson files are checked, so this is for the playground).
pub fn formula_ui(ui: &mut egui::Ui, source: &str, font_size: f32) -> egui::Response {
    let row = match tex::parse(source) {
        Ok(row) => row,
        Err(error) => {
            return ui
                .label(egui::RichText::new(source).monospace())
                .on_hover_text(error.to_string());
        }
    };
    let painter = ui.painter().clone();
    let typesetter = Typesetter {
        painter: &painter,
        color: ui.visuals().text_color(),
    };
    let boxed = typesetter.row(&row, font_size);
    let (rect, response) = ui.allocate_exact_size(boxed.size, Sense::hover());
    let stroke = Stroke::new((font_size / 16.0).max(1.0), ui.visuals().text_color());
    paint(ui, rect, boxed, stroke);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, source.to_string()));
    response
}

fn paint(ui: &egui::Ui, rect: Rect, boxed: Boxed, stroke: Stroke) {
    if !ui.is_rect_visible(rect) {
        return;
    }
    let painter = ui.painter();
    let origin = rect.min.to_vec2();
    for mark in boxed.marks {
        match mark {
            Mark::Text(pos, galley) => {
                painter.galley(pos + origin, galley, Color32::PLACEHOLDER);
            }
            Mark::Line(a, b) => {
                painter.line_segment([a + origin, b + origin], stroke);
            }
        }
    }
}
