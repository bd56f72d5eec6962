//! The concept map: the topic's concepts as boxes, arrows for "leads to", each box opening
//! the lesson that teaches it, finished lessons marked, and how well each is known (a fill
//! along the box's foot and a word). A second way to navigate.

use egui::{Align2, FontId, Rect, Sense, Stroke, StrokeKind, Vec2};

use crate::lesson::ConceptMapSection;

use super::section::{LessonEvent, LessonInfo, PageContext, SectionWidget};

const BOX: Vec2 = Vec2::new(200.0, 46.0);
const GAP: Vec2 = Vec2::new(44.0, 16.0);

/// A concept map section.
pub struct ConceptMapView {
    map: ConceptMapSection,
}

impl ConceptMapView {
    /// The section's map.
    pub fn new(map: &ConceptMapSection) -> Self {
        Self { map: map.clone() }
    }
}

impl SectionWidget for ConceptMapView {
    fn ui(&mut self, ui: &mut egui::Ui, id: egui::Id, page: &mut PageContext<'_>) {
        let clicked = ui
            .push_id(id, |ui| concept_map_ui(ui, &self.map, page.lessons))
            .inner;
        if let Some(file) = clicked {
            page.events.push(LessonEvent::Open(file));
        }
    }

    fn wide(&self) -> bool {
        true
    }
}

/// Draws the map; returns the lesson file the learner clicked.
pub fn concept_map_ui(
    ui: &mut egui::Ui,
    map: &ConceptMapSection,
    lessons: &[LessonInfo<'_>],
) -> Option<String> {
    if !map.title.is_empty() {
        ui.strong(&map.title);
    }
    let positions = layout(map);
    let columns = positions.iter().map(|p| p.0).max().unwrap_or(0) + 1;
    let rows = positions.iter().map(|p| p.1).max().unwrap_or(0) + 1;
    let natural = Vec2::new(
        columns as f32 * (BOX.x + GAP.x),
        rows as f32 * (BOX.y + GAP.y),
    );
    // Shrinks to fit a narrow window; grows a little on a wide one, where it has room.
    let scale = (ui.available_width() / natural.x).min(1.3);
    let (area, _) = ui.allocate_exact_size(natural * scale, Sense::hover());
    let rect_of = |i: usize| {
        let (column, row) = positions[i];
        let min = area.min
            + Vec2::new(
                column as f32 * (BOX.x + GAP.x),
                row as f32 * (BOX.y + GAP.y),
            ) * scale;
        Rect::from_min_size(min, BOX * scale)
    };
    let painter = ui.painter().clone();
    let visuals = ui.visuals().clone();
    let stroke = Stroke::new(1.5, visuals.weak_text_color());
    for (i, concept) in map.concepts.iter().enumerate() {
        for target in &concept.leads_to {
            let Some(j) = map.concepts.iter().position(|c| &c.name == target) else {
                continue;
            };
            let (from, to) = (rect_of(i).right_center(), rect_of(j).left_center());
            painter.line_segment([from, to], stroke);
            // A small fixed-size arrowhead at the target.
            let direction = (to - from).normalized();
            let normal = Vec2::new(-direction.y, direction.x);
            let tip = 7.0 * scale.max(0.6);
            let back = to - direction * tip;
            painter.line_segment([to, back + normal * tip * 0.5], stroke);
            painter.line_segment([to, back - normal * tip * 0.5], stroke);
        }
    }
    let mut clicked = None;
    for (i, concept) in map.concepts.iter().enumerate() {
        let rect = rect_of(i);
        let lesson = concept
            .lesson
            .as_deref()
            .and_then(|file| lessons.iter().find(|l| l.file == file));
        let sense = if lesson.is_some() {
            Sense::click()
        } else {
            Sense::hover()
        };
        let response = ui.interact(rect, ui.scope_id().with(("concept", i)), sense);
        let mark = |l: &LessonInfo<'_>| if l.finished { "●" } else { "○" };
        let status = match lesson {
            Some(l) => match l.mastery {
                Some((_, word)) => format!("{} {word} · {}", mark(l), l.title),
                None => format!("{} {}", mark(l), l.title),
            },
            None => "(no lesson yet)".to_string(),
        };
        let description = match lesson.and_then(|l| l.mastery) {
            Some((mastery, _)) => format!(
                "{}: {status}, mastery {}%",
                concept.name,
                (mastery * 100.0).round()
            ),
            None => format!("{}: {status}", concept.name),
        };
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &description));
        let fill = if response.hovered() {
            visuals.widgets.hovered.weak_bg_fill
        } else {
            visuals.extreme_bg_color
        };
        painter.rect(
            rect,
            6.0,
            fill,
            Stroke::new(1.0, visuals.strong_text_color()),
            StrokeKind::Inside,
        );
        // Mastery as a fill along the box's foot (the word is in the status line).
        if let Some((mastery, _)) = lesson.and_then(|l| l.mastery) {
            let foot = Rect::from_min_max(
                rect.left_bottom() - Vec2::new(0.0, 4.0 * scale),
                rect.right_bottom(),
            )
            .shrink2(Vec2::new(3.0 * scale, 0.0));
            let filled = Rect::from_min_size(
                foot.min,
                Vec2::new(foot.width() * mastery.clamp(0.0, 1.0), foot.height()),
            );
            painter.rect_filled(filled, 2.0, visuals.selection.bg_fill);
        }
        painter.text(
            rect.center_top() + Vec2::new(0.0, 5.0 * scale),
            Align2::CENTER_TOP,
            &concept.name,
            FontId::proportional(14.0 * scale.max(0.6)),
            visuals.strong_text_color(),
        );
        let status_font = FontId::proportional(11.5 * scale.max(0.6));
        painter.text(
            rect.center_bottom() - Vec2::new(0.0, 5.0 * scale),
            Align2::CENTER_BOTTOM,
            fit_width(&painter, &status, &status_font, rect.width() - 8.0),
            status_font,
            visuals.weak_text_color(),
        );
        if response.clicked() {
            clicked = lesson.map(|l| l.file.to_string());
        }
        if let Some(l) = lesson {
            response.on_hover_text(format!("Open \"{}\"", l.title));
        }
    }
    clicked
}

/// Columns by longest path from a root (iterative), rows in order within a column.
/// `text`, shortened with an ellipsis until it fits `max_width` (the full title stays in
/// the box's tooltip and accessibility label).
fn fit_width(painter: &egui::Painter, text: &str, font: &FontId, max_width: f32) -> String {
    let width = |t: &str| {
        painter
            .layout_no_wrap(t.to_string(), font.clone(), egui::Color32::WHITE)
            .size()
            .x
    };
    if width(text) <= max_width {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let shorter = format!("{}…", chars.iter().collect::<String>().trim_end());
        if width(&shorter) <= max_width {
            return shorter;
        }
    }
    String::new()
}

fn layout(map: &ConceptMapSection) -> Vec<(usize, usize)> {
    let n = map.concepts.len();
    let index = |name: &str| map.concepts.iter().position(|c| c.name == name);
    let mut incoming = vec![0usize; n];
    for concept in &map.concepts {
        for target in &concept.leads_to {
            if let Some(t) = index(target) {
                incoming[t] += 1;
            }
        }
    }
    let mut column = vec![0usize; n];
    let mut ready: Vec<usize> = (0..n).filter(|&i| incoming[i] == 0).collect();
    while let Some(i) = ready.pop() {
        for target in &map.concepts[i].leads_to {
            if let Some(t) = index(target) {
                column[t] = column[t].max(column[i] + 1);
                incoming[t] -= 1;
                if incoming[t] == 0 {
                    ready.push(t);
                }
            }
        }
    }
    let mut used: Vec<usize> = Vec::new();
    column
        .iter()
        .map(|&c| {
            if used.len() <= c {
                used.resize(c + 1, 0);
            }
            let row = used[c];
            used[c] += 1;
            (c, row)
        })
        .collect()
}
