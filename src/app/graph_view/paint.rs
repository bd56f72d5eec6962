//! Painting the picture at the camera's zoom: edges (colour and width by the blame they
//! pass back, dashed when cut), their plates (local derivative and what they send), and
//! the boxes (title, value, gradient); and the legend that explains them.

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Shape, Stroke, StrokeKind, Vec2};

use crate::diagram::export::edge_width;
use crate::diagram::text::{
    BOX_PADDING, EdgeFlow, NODE_FONT_PX, PLATE_PADDING, grad_line, line_height, value_line,
};
use crate::diagram::{self, EdgeShape};
use crate::engine::{Graph, NodeId};

use super::camera::{Animation, Camera};
use crate::app::style::{CURRENT_STEP_COLOR, grad_color, passes_color, value_color};

/// Which numbers the learner may see this frame.
pub(super) struct Shown<'a> {
    /// Every gradient hidden until a prediction is made.
    pub hide_gradients: bool,
    /// Every local derivative hidden too (their product is what a prediction asks).
    pub hide_locals: bool,
    /// Gradients of a backward pass in progress, by node index (`None`: not yet known).
    pub grads: Option<&'a [Option<f64>]>,
    /// Values of a forward pass in progress, by node index (`None`: not computed yet).
    pub values: Option<&'a [Option<f64>]>,
    /// The backward-pass animation's frame (None: not animating).
    pub animation: Option<&'a Animation>,
    /// For a step-by-step backward pass, the boxes that have passed their blame back.
    pub passed_back: Option<&'a [bool]>,
}

impl Shown<'_> {
    /// Whether the gradient flowing into `to` is known (an edge's blame is drawn).
    fn gradients_known(&self, to: NodeId) -> bool {
        if self.hide_gradients {
            return false;
        }
        if let Some(passed) = self.passed_back {
            return passed.get(to.index()).copied().unwrap_or(false);
        }
        self.grads.is_none() && self.animation.is_none_or(|a| a.sent(to))
    }

    /// Whether `id`'s forward value is computed.
    fn value_known(&self, id: NodeId) -> bool {
        self.values
            .is_none_or(|v| v.get(id.index()).copied().flatten().is_some())
    }

    /// The value a box shows (None: not computed yet).
    pub fn value(&self, graph: &Graph, id: NodeId) -> Option<f64> {
        match self.values {
            Some(values) => values.get(id.index()).copied().flatten(),
            None => Some(graph.value(id)),
        }
    }

    /// The gradient a box shows (None: hidden or not known yet).
    pub fn grad(&self, graph: &Graph, id: NodeId) -> Option<f64> {
        if self.hide_gradients {
            None
        } else if let Some(grads) = self.grads {
            grads.get(id.index()).copied().flatten()
        } else if self.animation.is_some_and(|a| !a.revealed.contains(&id)) {
            None
        } else {
            Some(graph.grad(id))
        }
    }
}

/// The edges in view with what each carries, and the largest blame any edge of the
/// picture passes (edges' widths are relative to it).
pub(super) fn visible_edges<'p>(
    graph: &Graph,
    picture: &'p diagram::Picture,
    camera: &Camera,
) -> (Vec<(&'p EdgeShape, EdgeFlow)>, f64) {
    let flows: Vec<EdgeFlow> = picture
        .edges
        .iter()
        .map(|e| diagram::picture::edge_flow(graph, e))
        .collect();
    let largest = flows
        .iter()
        .map(|f| f.passes.abs())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let in_view = |edge: &EdgeShape| {
        let mut bounds = camera.to_screen_rect(edge.plate);
        for &p in &edge.points {
            bounds.extend_with(camera.to_screen(p));
        }
        bounds.intersects(camera.viewport)
    };
    let visible = picture
        .edges
        .iter()
        .zip(flows)
        .filter(|(edge, _)| in_view(edge))
        .collect();
    (visible, largest)
}

/// The edges' lines and arrow heads.
pub(super) fn edges(
    painter: &egui::Painter,
    camera: &Camera,
    visible: &[(&EdgeShape, EdgeFlow)],
    largest: f64,
    shown: &Shown<'_>,
    dark: bool,
) {
    let zoom = camera.zoom;
    // Thousands of edges in view (one input feeding a long chain) mostly lie on top of
    // each other: they are drawn segment by segment, cut to the view, and a segment
    // already drawn in the same stroke is not drawn again.
    let mut drawn = (visible.len() > MANY_EDGES).then(std::collections::HashSet::new);
    let view = camera.viewport.expand(8.0);
    for &(edge, flow) in visible {
        let known = shown.gradients_known(edge.to);
        let points: Vec<Pos2> = edge.points.iter().map(|&p| camera.to_screen(p)).collect();
        let (color, width) = if known {
            (
                passes_color(flow.passes, dark),
                edge_width(flow.passes, largest) * zoom,
            )
        } else {
            (passes_color(0.0, dark), 1.5 * zoom)
        };
        let stroke = Stroke::new(width.max(1.0), color);
        // A cut chain is a local derivative of 0: hidden with the others.
        if flow.is_cut() && !shown.hide_locals {
            for pair in points.windows(2) {
                painter.extend(Shape::dashed_line(
                    &[pair[0], pair[1]],
                    stroke,
                    8.0 * zoom,
                    5.0 * zoom,
                ));
            }
        } else if let Some(drawn) = &mut drawn {
            let key = |p: Pos2| (p.x.round() as i32, p.y.round() as i32);
            for pair in points.windows(2) {
                let Some((a, b)) = clip_segment(pair[0], pair[1], view) else {
                    continue;
                };
                let ends = if key(a) <= key(b) {
                    (key(a), key(b))
                } else {
                    (key(b), key(a))
                };
                if drawn.insert((ends, color, (stroke.width * 4.0).round() as i32)) {
                    painter.line_segment([a, b], stroke);
                }
            }
        } else {
            painter.add(Shape::line(points.clone(), stroke));
        }
        if let [.., before, last] = points.as_slice()
            && view.contains(*last)
        {
            arrow_head(painter, *before, *last, color, zoom);
        }
    }
}

/// Past this many edges in view, edges are drawn segment by segment without repeats.
const MANY_EDGES: usize = 200;

/// The part of segment `a`–`b` inside `rect` (Liang and Barsky's clipping), if any.
fn clip_segment(a: Pos2, b: Pos2, rect: Rect) -> Option<(Pos2, Pos2)> {
    let d = b - a;
    let (mut t0, mut t1) = (0.0f32, 1.0f32);
    for (p, q) in [
        (-d.x, a.x - rect.min.x),
        (d.x, rect.max.x - a.x),
        (-d.y, a.y - rect.min.y),
        (d.y, rect.max.y - a.y),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    (t0 <= t1).then(|| (a + d * t0, a + d * t1))
}

/// The edges' plates: the local derivative and the blame sent back, in text of
/// `font_px` at 100% zoom (`None`: the zoom leaves it unreadable, only the plates).
pub(super) fn plates(
    painter: &egui::Painter,
    visuals: &egui::Visuals,
    camera: &Camera,
    visible: &[(&EdgeShape, EdgeFlow)],
    shown: &Shown<'_>,
    font_px: Option<f32>,
) {
    let zoom = camera.zoom;
    for &(edge, flow) in visible {
        let rect = camera.to_screen_rect(edge.plate);
        painter.rect(
            rect,
            4.0 * zoom,
            visuals.extreme_bg_color,
            Stroke::new(1.0, visuals.widgets.noninteractive.bg_stroke.color),
            StrokeKind::Inside,
        );
        if let Some(font_px) = font_px {
            let [mut local, passes] = flow.plate_lines(shown.gradients_known(edge.to));
            // A local derivative needs the forward values: unknown until they are.
            if !shown.value_known(edge.to) || shown.hide_locals {
                local = "local ?".to_string();
            }
            let font = FontId::monospace(font_px * zoom);
            let left = rect.left() + PLATE_PADDING * zoom;
            let top = rect.top() + PLATE_PADDING * zoom;
            painter.text(
                Pos2::new(left, top),
                Align2::LEFT_TOP,
                local,
                font.clone(),
                visuals.text_color(),
            );
            let passes_colour = if shown.gradients_known(edge.to) {
                passes_color(flow.passes, visuals.dark_mode)
            } else {
                visuals.weak_text_color()
            };
            painter.text(
                Pos2::new(left, top + line_height(font_px) * zoom),
                Align2::LEFT_TOP,
                passes,
                font,
                passes_colour,
            );
        }
    }
}

/// Asks for a closer zoom where the numbers would be too small to read.
pub(super) fn zoom_hint(painter: &egui::Painter, visuals: &egui::Visuals, viewport: Rect) {
    painter.text(
        viewport.left_bottom() + Vec2::new(8.0, -6.0),
        Align2::LEFT_BOTTOM,
        "Zoom in (+) to read the numbers.",
        FontId::proportional(13.0),
        visuals.text_color(),
    );
}

/// The blame travelling back during the backward-pass animation: a dot on each edge that
/// carries it now, from the consumer's end towards the operand, drawn over the plates.
pub(super) fn pulses(
    painter: &egui::Painter,
    camera: &Camera,
    visible: &[(&EdgeShape, EdgeFlow)],
    shown: &Shown<'_>,
    dark: bool,
) {
    let Some(animation) = shown.animation else {
        return;
    };
    let zoom = camera.zoom;
    for &(edge, flow) in visible {
        let Some(phase) = animation.pulse(edge.to) else {
            continue;
        };
        let reversed: Vec<Pos2> = edge
            .points
            .iter()
            .rev()
            .map(|&p| camera.to_screen(p))
            .collect();
        // Through its plate the pulse passes underneath: the plate's numbers stay legible,
        // and `sends` turns from ? to its number while the pulse is inside.
        let plate = camera.to_screen_rect(edge.plate).expand(7.0 * zoom);
        if let Some(at) = point_along(&reversed, phase).filter(|at| !plate.contains(*at)) {
            let outline = if dark { Color32::WHITE } else { Color32::BLACK };
            painter.circle(
                at,
                7.0 * zoom,
                passes_color(flow.passes, dark),
                Stroke::new(2.0 * zoom, outline),
            );
        }
    }
}

/// The point a fraction `t` (0 to 1) of the way along a polyline, by length.
fn point_along(points: &[Pos2], t: f32) -> Option<Pos2> {
    let total: f32 = points.windows(2).map(|w| w[0].distance(w[1])).sum();
    if total <= 0.0 {
        return points.first().copied();
    }
    let mut left = t.clamp(0.0, 1.0) * total;
    for pair in points.windows(2) {
        let length = pair[0].distance(pair[1]);
        if left <= length {
            return Some(pair[0] + (pair[1] - pair[0]) * (left / length.max(1e-6)));
        }
        left -= length;
    }
    points.last().copied()
}

fn arrow_head(painter: &egui::Painter, from: Pos2, to: Pos2, color: Color32, zoom: f32) {
    let direction = (to - from).normalized();
    if !direction.x.is_finite() {
        return;
    }
    let size = 7.0 * zoom;
    let normal = Vec2::new(-direction.y, direction.x);
    let base = to - direction * size;
    painter.add(Shape::convex_polygon(
        vec![to, base + normal * size * 0.5, base - normal * size * 0.5],
        color,
        Stroke::NONE,
    ));
}

/// How one box is drawn this frame.
#[derive(Debug, Clone, Copy)]
pub(super) struct BoxStyle {
    /// The box a step-by-step pass is at.
    pub current: bool,
    pub selected: bool,
    pub highlighted: bool,
    pub focused: bool,
    pub backward: bool,
    /// The value to show (None: not computed yet).
    pub value: Option<f64>,
    /// The gradient to show (None: hidden or not known yet).
    pub grad: Option<f64>,
    pub draw_text: bool,
    pub zoom: f32,
    pub dark: bool,
}

pub(super) fn draw_box(
    painter: &egui::Painter,
    visuals: &egui::Visuals,
    node: &diagram::NodeShape,
    rect: Rect,
    style: BoxStyle,
) {
    let zoom = style.zoom;
    let border = visuals.strong_text_color();
    if style.current {
        // A strong ring and a word: the step is never shown by colour alone.
        let ring = rect.expand(5.0 * zoom);
        painter.rect_stroke(
            ring,
            9.0 * zoom,
            Stroke::new(4.0 * zoom, CURRENT_STEP_COLOR),
            StrokeKind::Outside,
        );
        // The word sits on the ring's bottom edge, under the box's last line: above a box
        // are the plates of a chain, and every layout leaves room below one.
        let galley = painter.layout_no_wrap(
            "this step".to_string(),
            FontId::proportional(11.0 * zoom.max(1.0)),
            Color32::WHITE,
        );
        let tag = Rect::from_center_size(
            Pos2::new(rect.center().x, ring.bottom()),
            galley.size() + Vec2::new(10.0, 2.0) * zoom,
        );
        painter.rect_filled(tag, tag.height() / 2.0, CURRENT_STEP_COLOR);
        painter.galley(tag.center() - galley.size() / 2.0, galley, Color32::WHITE);
    }
    if style.highlighted {
        painter.rect_stroke(
            rect.expand(4.0 * zoom),
            8.0 * zoom,
            Stroke::new(3.0 * zoom, visuals.selection.bg_fill),
            StrokeKind::Outside,
        );
    }
    if style.focused {
        painter.rect_stroke(
            rect.expand(2.0),
            7.0 * zoom,
            Stroke::new(2.0, visuals.selection.stroke.color),
            StrokeKind::Outside,
        );
    }
    let width = if style.selected || node.is_output {
        3.0
    } else {
        1.2
    };
    painter.rect_filled(rect, 6.0 * zoom, visuals.extreme_bg_color);
    if style.backward {
        let points = [
            rect.left_top(),
            rect.right_top(),
            rect.right_bottom(),
            rect.left_bottom(),
            rect.left_top(),
        ];
        painter.extend(Shape::dashed_line(
            &points,
            Stroke::new(width * zoom.max(0.75), border),
            6.0 * zoom,
            4.0 * zoom,
        ));
    } else {
        painter.rect_stroke(
            rect,
            6.0 * zoom,
            Stroke::new(width * zoom.max(0.75), border),
            StrokeKind::Inside,
        );
    }
    if !style.draw_text {
        return;
    }
    let font = FontId::monospace(NODE_FONT_PX * zoom);
    let line = line_height(NODE_FONT_PX) * zoom;
    let left = rect.left() + BOX_PADDING * zoom;
    let top = rect.top() + BOX_PADDING * zoom;
    painter.text(
        Pos2::new(left, top),
        Align2::LEFT_TOP,
        node.title.as_str(),
        font.clone(),
        visuals.strong_text_color(),
    );
    painter.text(
        Pos2::new(left, top + line),
        Align2::LEFT_TOP,
        value_line(style.value),
        font.clone(),
        value_color(style.dark),
    );
    painter.text(
        Pos2::new(left, top + 2.0 * line),
        Align2::LEFT_TOP,
        grad_line(style.grad),
        font.clone(),
        grad_color(style.dark),
    );
    if node.is_output {
        painter.text(
            Pos2::new(left, top + 3.0 * line),
            Align2::LEFT_TOP,
            "output",
            font,
            visuals.strong_text_color(),
        );
    }
}

/// The legend shared by every graph: what each line of a box and each edge says, in
/// words as well as colour and shape.
pub fn legend_ui(ui: &mut egui::Ui) {
    let dark = ui.visuals().dark_mode;
    ui.horizontal_wrapped(|ui| {
        ui.label(
            egui::RichText::new("val")
                .monospace()
                .color(value_color(dark)),
        );
        ui.label("forward value ·");
        ui.label(
            egui::RichText::new("grad")
                .monospace()
                .color(grad_color(dark)),
        );
        ui.label("d(output)/d(box) from the backward pass ·");
        ui.label(egui::RichText::new("local").monospace());
        ui.label("the edge's local derivative ·");
        ui.label(egui::RichText::new("sends").monospace());
        ui.label("the blame it hands back (grad above × local):");
        edge_sample(ui, passes_color(1.0, dark), false);
        ui.label("positive,");
        edge_sample(ui, passes_color(-1.0, dark), false);
        ui.label("negative, wider = more;");
        edge_sample(ui, passes_color(0.0, dark), true);
        ui.label("cut (local 0).");
    });
}

fn edge_sample(ui: &mut egui::Ui, color: Color32, dashed: bool) {
    let (rect, _) = ui.allocate_exact_size(Vec2::new(28.0, 14.0), Sense::hover());
    let a = rect.left_center();
    let b = rect.right_center();
    let stroke = Stroke::new(3.0, color);
    if dashed {
        ui.painter()
            .extend(Shape::dashed_line(&[a, b], stroke, 5.0, 3.0));
    } else {
        ui.painter().line_segment([a, b], stroke);
    }
}

#[cfg(test)]
mod tests {
    use super::{clip_segment, point_along};
    use egui::{Pos2, Rect, pos2};

    #[test]
    fn a_pulse_moves_along_the_route_by_length() {
        let route = [pos2(0.0, 0.0), pos2(10.0, 0.0), pos2(10.0, 30.0)];
        assert_eq!(point_along(&route, 0.0), Some(pos2(0.0, 0.0)));
        assert_eq!(point_along(&route, 0.25), Some(pos2(10.0, 0.0)));
        assert_eq!(point_along(&route, 0.5), Some(pos2(10.0, 10.0)));
        assert_eq!(point_along(&route, 1.0), Some(pos2(10.0, 30.0)));
        assert_eq!(point_along(&[], 0.5), None);
    }

    #[test]
    fn segments_are_cut_to_the_view() {
        let view = Rect::from_min_max(pos2(0.0, 0.0), pos2(100.0, 50.0));
        let cut = |a: Pos2, b: Pos2| clip_segment(a, b, view);
        // A lane crossing the whole view is cut to its width, whatever its length.
        assert_eq!(
            cut(pos2(-5000.0, 20.0), pos2(9000.0, 20.0)),
            Some((pos2(0.0, 20.0), pos2(100.0, 20.0)))
        );
        assert_eq!(
            cut(pos2(10.0, 10.0), pos2(20.0, 30.0)),
            Some((pos2(10.0, 10.0), pos2(20.0, 30.0)))
        );
        assert_eq!(cut(pos2(-10.0, 60.0), pos2(200.0, 60.0)), None);
        assert_eq!(cut(pos2(150.0, 0.0), pos2(150.0, 40.0)), None);
    }
}
