//! The computation-graph widget. It paints the [`Picture`] of a graph (a layered layout
//! made once per structure) at the view's zoom: positions *and font sizes* are scaled
//! before the text is laid out, so every glyph is rasterised at the size it is shown and
//! no stroke (a minus sign) is shrunk away afterwards by a transform.
//!
//! Each box shows its expression (`B = 2·A + 1`), its forward value (`val`, blue) and its
//! gradient (`grad`, orange). Each edge carries a plate with its local derivative and the
//! blame it passes back (upstream gradient × local); the edge's colour and width show
//! that amount, and a cut chain (local derivative 0) is dashed.

use std::ops::RangeInclusive;

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Shape, Stroke, StrokeKind, Vec2};

use crate::diagram::export::edge_width;
use crate::diagram::picture::edge_flow;
use crate::diagram::text::{
    self, BOX_PADDING, EdgeFlow, NODE_FONT_PX, PLATE_FONT_PX, PLATE_PADDING, grad_line,
    line_height, value_line,
};
use crate::diagram::{self, Direction, Picture};
use crate::engine::{Graph, NodeId};

use super::format::number;
pub use super::style::{GRAD_COLOR, VALUE_COLOR};
use super::style::{MIN_GRAPH_TEXT_PX, ZOOM_LEVELS, grad_color, passes_color, value_color};

/// The index of 100% in [`ZOOM_LEVELS`].
const ZOOM_100: usize = 5;
/// How far one pixel of horizontal drag moves an input, as a fraction of its range.
const SCRUB_PER_PIXEL: f64 = 1.0 / 300.0;
/// How far one arrow-key press moves an input, as a fraction of its range.
const SCRUB_PER_KEY: f64 = 1.0 / 100.0;
/// Seconds between two layers of the backward-pass animation.
const ANIMATION_STEP_SECS: f64 = 0.7;
/// Height of the toolbar above the graph.
const TOOLBAR_HEIGHT: f32 = 26.0;

/// The state a graph view keeps between frames.
#[derive(Debug, Clone)]
pub struct GraphView {
    /// Pictures by direction (left to right, top to bottom), made when needed.
    pictures: [Option<Picture>; 2],
    zoom_index: usize,
    /// The picture's point shown at the viewport's top-left corner.
    pan: Vec2,
    /// Whether the view has been placed for the current picture.
    placed: bool,
    /// Whether the learner moved or zoomed the view (until then it follows the window:
    /// centred, or from the inputs' side).
    moved_by_hand: bool,
    /// The width the view had last frame (to choose a direction before drawing).
    last_width: f32,
    /// When the backward-pass animation started (seconds of egui's clock).
    animation_start: Option<f64>,
    /// The node whose chain-rule arithmetic is shown.
    pub selected: Option<NodeId>,
    /// Nodes the lesson points at, drawn with a thick outer ring.
    pub highlighted: Vec<NodeId>,
    /// Hide every gradient (drawn as `grad ?`) until the learner has made a prediction.
    pub hide_gradients: bool,
    /// Gradients to show instead of the graph's own, by node index (`None`: not yet
    /// known, drawn `grad ?`), for a backward pass in progress.
    pub shown_grads: Option<Vec<Option<f64>>>,
    /// Values to show instead of the graph's own, by node index (`None`: not computed
    /// yet, drawn `val ?`), for a forward pass in progress.
    pub shown_values: Option<Vec<Option<f64>>>,
    /// Whether the mouse wheel pans the graph. Off on scrolling pages, where the wheel
    /// must scroll the page (drag still pans, Ctrl + wheel still zooms).
    pub wheel_pans: bool,
    /// Inputs that may be dragged on their box, with the range each may take.
    pub scrub_ranges: Vec<(NodeId, RangeInclusive<f64>)>,
    /// When set, only these nodes are the forward pass; every other box belongs to the
    /// backward pass built as a graph, and is drawn with a dashed border.
    pub forward_part: Option<Vec<NodeId>>,
    /// Whether an input was changed on the graph itself during the last frame.
    pub input_changed: bool,
    /// Whether the toolbar (zoom buttons, animation) is shown.
    pub toolbar: bool,
    /// Whether short unnamed intermediates are folded into their consumer's box (off
    /// where every operation must have its own box, as in a step-by-step backward pass).
    pub fold_intermediates: bool,
}

impl Default for GraphView {
    fn default() -> Self {
        Self {
            pictures: [None, None],
            zoom_index: ZOOM_100,
            pan: Vec2::ZERO,
            placed: false,
            moved_by_hand: false,
            last_width: 900.0,
            animation_start: None,
            selected: None,
            highlighted: Vec::new(),
            hide_gradients: false,
            shown_grads: None,
            shown_values: None,
            wheel_pans: true,
            scrub_ranges: Vec::new(),
            forward_part: None,
            input_changed: false,
            toolbar: true,
            fold_intermediates: true,
        }
    }
}

impl GraphView {
    /// Forgets the layout (call when the graph is replaced by another one).
    pub fn reset(&mut self) {
        self.pictures = [None, None];
        self.placed = false;
        self.moved_by_hand = false;
        self.zoom_index = ZOOM_100;
        self.selected = None;
        self.highlighted.clear();
        self.animation_start = None;
    }

    fn picture(&mut self, graph: &mut Graph, direction: Direction) -> &Picture {
        let slot = match direction {
            Direction::LeftToRight => 0,
            Direction::TopToBottom => 1,
        };
        if !self.pictures[slot].as_ref().is_some_and(|p| p.fits(graph)) {
            if self.pictures.iter().flatten().any(|p| !p.fits(graph)) {
                self.pictures = [None, None];
                self.placed = false;
            }
            self.pictures[slot] = Some(Picture::with_options(
                graph,
                direction,
                self.fold_intermediates,
                &diagram::layout::Options::default(),
            ));
        }
        self.pictures[slot].get_or_insert_with(Picture::default)
    }

    /// Left to right when that fits the width at 100%, else top to bottom when that is
    /// narrower (deep chains read down the page instead of shrinking).
    fn choose_direction(&mut self, graph: &mut Graph, width: f32) -> Direction {
        let wide = self.picture(graph, Direction::LeftToRight).size.w;
        if wide <= width {
            return Direction::LeftToRight;
        }
        let tall = self.picture(graph, Direction::TopToBottom).size.w;
        if tall < wide {
            Direction::TopToBottom
        } else {
            Direction::LeftToRight
        }
    }

    /// The height that shows the whole graph at 100%, within `max`.
    pub fn preferred_height(&mut self, graph: &mut Graph, max: f32) -> f32 {
        // The same width `ui` will decide with, so the height fits the drawn direction.
        let direction = self.choose_direction(graph, self.last_width - 8.0);
        let height = self.picture(graph, direction).size.h * self.zoom();
        let toolbar = if self.toolbar { TOOLBAR_HEIGHT } else { 0.0 };
        (height + toolbar + 4.0).clamp(120.0, max.max(120.0))
    }

    /// The current zoom factor.
    pub fn zoom(&self) -> f32 {
        ZOOM_LEVELS[self.zoom_index.min(ZOOM_LEVELS.len() - 1)]
    }

    /// Draws the graph in a box of the given height (toolbar included).
    pub fn ui_sized(
        &mut self,
        ui: &mut egui::Ui,
        graph: &mut Graph,
        height: f32,
    ) -> Option<NodeId> {
        let size = Vec2::new(ui.available_width(), height);
        let (rect, _) = ui.allocate_exact_size(size, Sense::hover());
        let mut child = ui.new_child(egui::UiBuilder::new().max_rect(rect));
        self.ui(&mut child, graph)
    }

    /// Draws the graph in all the space given; clicking a node selects it. Returns the
    /// node under the pointer.
    pub fn ui(&mut self, ui: &mut egui::Ui, graph: &mut Graph) -> Option<NodeId> {
        self.input_changed = false;
        let width = ui.available_width();
        self.last_width = width;
        let direction = self.choose_direction(graph, width - 8.0);
        if self.toolbar {
            self.toolbar_ui(ui, graph, direction);
        }
        let viewport = ui.available_rect_before_wrap();
        if viewport.width() < 10.0 || viewport.height() < 10.0 {
            return None;
        }
        let background = ui.interact(
            viewport,
            ui.scope_id().with("graph background"),
            Sense::click_and_drag(),
        );
        let picture_size = {
            let p = self.picture(graph, direction);
            Vec2::new(p.size.w, p.size.h)
        };
        if !self.placed || !self.moved_by_hand {
            self.place_at_start(viewport, picture_size);
        }
        self.handle_view_input(ui, &background, viewport, picture_size);
        self.clamp_pan(viewport, picture_size);

        let zoom = self.zoom();
        let pan = self.pan;
        let to_screen = |p: diagram::Point| viewport.min + (Vec2::new(p.x, p.y) - pan) * zoom;
        let to_screen_rect = |r: diagram::Rect| {
            Rect::from_min_size(
                to_screen(diagram::Point { x: r.x, y: r.y }),
                Vec2::new(r.w, r.h) * zoom,
            )
        };
        let dark = ui.visuals().dark_mode;
        let painter = ui.painter_at(viewport);
        painter.rect_filled(viewport, 4.0, ui.visuals().faint_bg_color);
        let draw_text = zoom * PLATE_FONT_PX >= MIN_GRAPH_TEXT_PX;
        let revealed = self.animation_reveal(ui, graph);

        // Edges, then plates, then boxes: plates never cover a box (the layout keeps
        // them apart), and a box is never crossed by an edge.
        let picture = self.pictures[direction_slot(direction)].take()?;
        // What every edge carries, once a frame; edges and plates out of view are skipped.
        let flows: Vec<EdgeFlow> = picture.edges.iter().map(|e| edge_flow(graph, e)).collect();
        let largest = flows
            .iter()
            .map(|f| f.passes.abs())
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let in_view = |edge: &diagram::EdgeShape| {
            let mut bounds = to_screen_rect(edge.plate);
            for &p in &edge.points {
                bounds.extend_with(to_screen(p));
            }
            bounds.intersects(viewport)
        };
        let visible: Vec<(&diagram::EdgeShape, EdgeFlow)> = picture
            .edges
            .iter()
            .zip(flows)
            .filter(|(edge, _)| in_view(edge))
            .collect();
        let gradients_known = |to: NodeId| {
            !self.hide_gradients
                && self.shown_grads.is_none()
                && revealed.as_ref().is_none_or(|r| r.contains(&to))
        };
        for &(edge, flow) in &visible {
            let known = gradients_known(edge.to);
            let points: Vec<Pos2> = edge.points.iter().map(|&p| to_screen(p)).collect();
            let (color, width) = if known {
                (
                    passes_color(flow.passes, dark),
                    edge_width(flow.passes, largest) * zoom,
                )
            } else {
                (passes_color(0.0, dark), 1.5 * zoom)
            };
            let stroke = Stroke::new(width.max(1.0), color);
            if flow.is_cut() {
                for pair in points.windows(2) {
                    painter.extend(Shape::dashed_line(
                        &[pair[0], pair[1]],
                        stroke,
                        8.0 * zoom,
                        5.0 * zoom,
                    ));
                }
            } else {
                painter.add(Shape::line(points.clone(), stroke));
            }
            if let [.., before, last] = points.as_slice() {
                arrow_head(&painter, *before, *last, color, zoom);
            }
        }
        for &(edge, flow) in &visible {
            let rect = to_screen_rect(edge.plate);
            painter.rect(
                rect,
                4.0 * zoom,
                ui.visuals().extreme_bg_color,
                Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color),
                StrokeKind::Inside,
            );
            if draw_text {
                let [mut local, passes] = flow.plate_lines(gradients_known(edge.to));
                // A local derivative needs the forward values: unknown until they are.
                let values_known = self
                    .shown_values
                    .as_ref()
                    .is_none_or(|v| v.get(edge.to.index()).copied().flatten().is_some());
                if !values_known {
                    local = "local ?".to_string();
                }
                let font = FontId::monospace(PLATE_FONT_PX * zoom);
                let left = rect.left() + PLATE_PADDING * zoom;
                let top = rect.top() + PLATE_PADDING * zoom;
                painter.text(
                    Pos2::new(left, top),
                    Align2::LEFT_TOP,
                    local,
                    font.clone(),
                    ui.visuals().text_color(),
                );
                let passes_colour = if gradients_known(edge.to) {
                    passes_color(flow.passes, dark)
                } else {
                    ui.visuals().weak_text_color()
                };
                painter.text(
                    Pos2::new(left, top + line_height(PLATE_FONT_PX) * zoom),
                    Align2::LEFT_TOP,
                    passes,
                    font,
                    passes_colour,
                );
            }
        }

        let mut hovered = None;
        for node in &picture.nodes {
            let rect = to_screen_rect(node.rect);
            if !rect.intersects(viewport) {
                continue;
            }
            let scrub = self
                .scrub_ranges
                .iter()
                .find(|(id, _)| *id == node.id)
                .map(|(_, r)| r.clone());
            let sense = if scrub.is_some() {
                Sense::click_and_drag()
            } else {
                Sense::click()
            };
            let response = ui.interact(
                rect.intersect(viewport),
                ui.scope_id().with(("node", node.id.index())),
                sense,
            );
            // Described only when asked (a screen reader or a test is listening).
            let describe = || self.describe(graph, &node.title, node.id);
            if let Some(range) = &scrub {
                let value = graph.value(node.id);
                response.widget_info(|| egui::WidgetInfo::slider(true, value, describe()));
                declare_slider(ui, response.id, value, range);
                self.scrub_ui(ui, &response, graph, node.id, range.clone(), zoom);
            } else {
                response.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::Button, true, describe())
                });
                if response.dragged() {
                    self.pan -= response.drag_delta() / zoom;
                    self.moved_by_hand = true;
                }
            }
            if response.clicked() {
                self.selected = Some(node.id);
            }
            if response.hovered() {
                hovered = Some(node.id);
            }
            let style = BoxStyle {
                selected: self.selected == Some(node.id),
                highlighted: self.highlighted.contains(&node.id),
                focused: response.has_focus(),
                backward: self
                    .forward_part
                    .as_ref()
                    .is_some_and(|f| !f.contains(&node.id)),
                value: match &self.shown_values {
                    Some(values) => values.get(node.id.index()).copied().flatten(),
                    None => Some(graph.value(node.id)),
                },
                grad: if self.hide_gradients {
                    None
                } else if let Some(grads) = &self.shown_grads {
                    grads.get(node.id.index()).copied().flatten()
                } else if revealed.as_ref().is_some_and(|r| !r.contains(&node.id)) {
                    None
                } else {
                    Some(graph.grad(node.id))
                },
                draw_text,
                zoom,
                dark,
            };
            draw_box(&painter, ui.visuals(), node, rect, style);
        }
        if !draw_text {
            painter.text(
                viewport.left_bottom() + Vec2::new(8.0, -6.0),
                Align2::LEFT_BOTTOM,
                "Zoom in (+) to read the numbers.",
                FontId::proportional(13.0),
                ui.visuals().text_color(),
            );
        }
        self.pictures[direction_slot(direction)] = Some(picture);
        ui.advance_cursor_after_rect(viewport);
        hovered
    }

    /// The chain-rule arithmetic of node `id` (one line per use, then the sum), with the
    /// names its boxes show; the picture made for drawing is reused, not rebuilt.
    pub fn chain_rule_lines(&mut self, graph: &mut Graph, id: NodeId) -> Vec<String> {
        let direction = match self.pictures.iter().flatten().next() {
            Some(picture) if picture.fits(graph) => picture.direction,
            _ => Direction::LeftToRight,
        };
        let picture = self.picture(graph, direction);
        chain_rule_lines(graph, picture, id)
    }

    /// A node in words for screen readers and tests: its title, value and gradient.
    fn describe(&self, graph: &Graph, title: &str, id: NodeId) -> String {
        if self.hide_gradients {
            format!(
                "{title}: value {}, gradient hidden",
                number(graph.value(id))
            )
        } else {
            format!(
                "{title}: value {}, gradient {}",
                number(graph.value(id)),
                number(graph.grad(id))
            )
        }
    }

    /// Dragging an input's box sideways, the arrow keys on a focused box, or a screen
    /// reader's request change the input's value within its range.
    fn scrub_ui(
        &mut self,
        ui: &egui::Ui,
        response: &egui::Response,
        graph: &mut Graph,
        id: NodeId,
        range: RangeInclusive<f64>,
        zoom: f32,
    ) {
        let span = range.end() - range.start();
        if !span.is_finite() || span <= 0.0 {
            return;
        }
        let current = graph.value(id);
        let mut target = None;
        if response.dragged() {
            let dx = f64::from(response.drag_delta().x / zoom);
            if dx != 0.0 {
                target = Some(current + dx * span * SCRUB_PER_PIXEL);
            }
            // Vertical drags still pan, so a box never traps the view.
            self.pan.y -= response.drag_delta().y / zoom;
        }
        if response.has_focus() {
            let (left, right) = ui.input_mut(|i| {
                (
                    i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowLeft),
                    i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowRight),
                )
            });
            if left {
                target = Some(current - span * SCRUB_PER_KEY);
            }
            if right {
                target = Some(current + span * SCRUB_PER_KEY);
            }
        }
        ui.input(|i| {
            use egui::accesskit::{Action, ActionData};
            for request in i.accesskit_action_requests(response.id, Action::SetValue) {
                if let Some(ActionData::NumericValue(v)) = request.data {
                    target = Some(v);
                }
            }
            if i.has_accesskit_action_request(response.id, Action::Increment) {
                target = Some(current + span * SCRUB_PER_KEY);
            }
            if i.has_accesskit_action_request(response.id, Action::Decrement) {
                target = Some(current - span * SCRUB_PER_KEY);
            }
        });
        if let Some(value) = target {
            let value = value.clamp(*range.start(), *range.end());
            // Keep a readable number of digits: the hundredth of the range's step.
            let value = (value * 1e4).round() / 1e4;
            if value != current && graph.set_input(id, value).is_ok() {
                self.input_changed = true;
            }
        }
    }

    fn toolbar_ui(&mut self, ui: &mut egui::Ui, graph: &mut Graph, direction: Direction) {
        ui.horizontal(|ui| {
            ui.set_height(TOOLBAR_HEIGHT - 4.0);
            let size = {
                let p = self.picture(graph, direction);
                Vec2::new(p.size.w, p.size.h)
            };
            if ui
                .button("Fit")
                .on_hover_text("Show the whole graph (or double-click it)")
                .clicked()
            {
                self.fit(
                    ui.available_rect_before_wrap()
                        .size()
                        .max(Vec2::new(200.0, 100.0)),
                    size,
                );
            }
            if ui.button("100%").on_hover_text("Actual size").clicked() {
                self.zoom_index = ZOOM_100;
                self.placed = false;
            }
            if ui.button("−").on_hover_text("Zoom out").clicked() {
                self.zoom_index = self.zoom_index.saturating_sub(1);
                self.placed = false;
            }
            if ui.button("+").on_hover_text("Zoom in").clicked() {
                self.zoom_index = (self.zoom_index + 1).min(ZOOM_LEVELS.len() - 1);
                self.placed = false;
            }
            ui.label(format!("{:.0}%", self.zoom() * 100.0));
            let playing = self.animation_start.is_some();
            let label = if playing {
                "Stop the animation"
            } else {
                "Play the backward pass"
            };
            if ui
                .button(label)
                .on_hover_text(
                    "Reveal the gradients layer by layer, from the output back to the inputs",
                )
                .clicked()
            {
                self.animation_start = if playing {
                    None
                } else {
                    Some(ui.input(|i| i.time))
                };
            }
            // The longest hint that fits on the toolbar's line, never a clipped one.
            let hints = [
                "Drag to pan · Ctrl+wheel or + − to zoom · double-click to fit",
                "Drag to pan · double-click to fit",
            ];
            let font = egui::TextStyle::Body.resolve(ui.style());
            let room = ui.available_width();
            let fitting = hints.into_iter().find(|hint| {
                ui.fonts_mut(|f| {
                    f.layout_no_wrap((*hint).to_owned(), font.clone(), Color32::PLACEHOLDER)
                        .size()
                        .x
                }) <= room
            });
            if let Some(hint) = fitting {
                ui.label(egui::RichText::new(hint).color(ui.visuals().weak_text_color()));
            }
        });
    }

    /// The nodes whose gradients the animation has reached (None: not animating).
    fn animation_reveal(
        &mut self,
        ui: &egui::Ui,
        graph: &mut Graph,
    ) -> Option<std::collections::HashSet<NodeId>> {
        let start = self.animation_start?;
        let output = graph.output()?;
        // Distance from the output, counted backwards along consumers.
        let order = graph.topological_order().to_vec();
        let mut distance: std::collections::HashMap<NodeId, usize> = Default::default();
        distance.insert(output, 0);
        for &id in order.iter().rev() {
            if let Some(&d) = distance.get(&id) {
                for operand in graph.operands(id) {
                    let e = distance.entry(operand).or_insert(d + 1);
                    *e = (*e).min(d + 1);
                }
            }
        }
        let elapsed = ui.input(|i| i.time) - start;
        let reached = (elapsed / ANIMATION_STEP_SECS).floor() as usize;
        let deepest = distance.values().copied().max().unwrap_or(0);
        if reached > deepest + 1 {
            self.animation_start = None;
            return None;
        }
        ui.ctx().request_repaint();
        Some(
            distance
                .into_iter()
                .filter(|&(_, d)| d <= reached)
                .map(|(id, _)| id)
                .collect(),
        )
    }

    fn place_at_start(&mut self, viewport: Rect, picture: Vec2) {
        self.placed = true;
        let zoom = self.zoom();
        let shown = picture * zoom;
        // Centred when it fits; otherwise starting from the inputs' side.
        let x = if shown.x < viewport.width() {
            -(viewport.width() - shown.x) / 2.0 / zoom
        } else {
            0.0
        };
        let y = if shown.y < viewport.height() {
            -(viewport.height() - shown.y) / 2.0 / zoom
        } else {
            0.0
        };
        self.pan = Vec2::new(x, y);
    }

    fn fit(&mut self, viewport: Vec2, picture: Vec2) {
        let scale = (viewport.x / picture.x.max(1.0)).min(viewport.y / picture.y.max(1.0));
        self.zoom_index = ZOOM_LEVELS
            .iter()
            .rposition(|&z| z <= scale)
            .unwrap_or(0)
            .min(ZOOM_LEVELS.len() - 1);
        self.placed = false;
    }

    fn handle_view_input(
        &mut self,
        ui: &egui::Ui,
        background: &egui::Response,
        viewport: Rect,
        picture: Vec2,
    ) {
        if background.double_clicked() {
            self.fit(viewport.size(), picture);
            self.place_at_start(viewport, picture);
            return;
        }
        if background.dragged() {
            self.pan -= background.drag_delta() / self.zoom();
            self.moved_by_hand = true;
        }
        if !background.contains_pointer() {
            return;
        }
        let (zoom_delta, pointer) = ui.input(|i| (i.zoom_delta(), i.pointer.hover_pos()));
        if zoom_delta != 1.0 {
            let before = self.zoom();
            self.zoom_index = if zoom_delta > 1.0 {
                (self.zoom_index + 1).min(ZOOM_LEVELS.len() - 1)
            } else {
                self.zoom_index.saturating_sub(1)
            };
            self.moved_by_hand = true;
            // Keep the point under the pointer where it is.
            if let Some(p) = pointer {
                let offset = p - viewport.min;
                self.pan += offset / before - offset / self.zoom();
            }
            ui.ctx().input_mut(|i| i.smooth_scroll_delta = Vec2::ZERO);
        } else if self.wheel_pans {
            let delta = ui
                .ctx()
                .input_mut(|i| std::mem::take(&mut i.smooth_scroll_delta));
            self.pan -= delta / self.zoom();
        }
    }

    /// Keeps part of the picture in view whatever the pan: the graph is never lost.
    fn clamp_pan(&mut self, viewport: Rect, picture: Vec2) {
        let zoom = self.zoom();
        let keep = 80.0 / zoom;
        let view = viewport.size() / zoom;
        self.pan.x = self
            .pan
            .x
            .clamp((-view.x + keep).min(0.0), (picture.x - keep).max(0.0));
        self.pan.y = self
            .pan
            .y
            .clamp((-view.y + keep).min(0.0), (picture.y - keep).max(0.0));
    }
}

fn direction_slot(direction: Direction) -> usize {
    match direction {
        Direction::LeftToRight => 0,
        Direction::TopToBottom => 1,
    }
}

/// Tells a screen reader the input box is a slider over its range.
fn declare_slider(ui: &egui::Ui, id: egui::Id, value: f64, range: &RangeInclusive<f64>) {
    ui.ctx().accesskit_node_builder(id, |builder| {
        use egui::accesskit::Action;
        builder.set_min_numeric_value(*range.start());
        builder.set_max_numeric_value(*range.end());
        builder.add_action(Action::SetValue);
        if value < *range.end() {
            builder.add_action(Action::Increment);
        }
        if *range.start() < value {
            builder.add_action(Action::Decrement);
        }
    });
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
struct BoxStyle {
    selected: bool,
    highlighted: bool,
    focused: bool,
    backward: bool,
    /// The value to show (None: not computed yet).
    value: Option<f64>,
    /// The gradient to show (None: hidden or not known yet).
    grad: Option<f64>,
    draw_text: bool,
    zoom: f32,
    dark: bool,
}

fn draw_box(
    painter: &egui::Painter,
    visuals: &egui::Visuals,
    node: &diagram::NodeShape,
    rect: Rect,
    style: BoxStyle,
) {
    let zoom = style.zoom;
    let border = visuals.strong_text_color();
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

/// A node in words: its title, value and gradient, e.g. `A (input): value 1, gradient 9`.
/// The title is the one the graph view shows (names, not bullets).
pub fn node_description(graph: &Graph, id: NodeId) -> String {
    format!(
        "{}: value {}, gradient {}",
        node_title(graph, id),
        number(graph.value(id)),
        number(graph.grad(id))
    )
}

/// The first line of a node's box, as the graph view shows it.
pub fn node_title(graph: &Graph, id: NodeId) -> String {
    let mut copy = graph.clone();
    let titles = crate::diagram::expr::Titles::new(&mut copy);
    text::fitted_title(titles.title(id))
}

/// The operation of a node with its operands' names (`2·A + 1`).
pub fn operation_text(graph: &Graph, id: NodeId) -> String {
    let title = node_title(graph, id);
    match title.split_once(" = ") {
        Some((_, expression)) => expression.to_string(),
        None => title,
    }
}

/// The chain-rule arithmetic of one node, with live numbers: one line per use of the
/// node, then the sum. Nodes are named as in `picture`'s titles.
fn chain_rule_lines(graph: &Graph, picture: &Picture, id: NodeId) -> Vec<String> {
    let name_of = |n: NodeId| {
        let reference = picture.reference(n);
        if reference.chars().all(|c| c.is_alphanumeric() || c == '_') {
            reference.to_string()
        } else {
            format!("({reference})")
        }
    };
    let Some(output) = graph.output() else {
        return vec![];
    };
    let out = name_of(output);
    let me = name_of(id);
    if id == output {
        return vec![format!("d{out}/d{out} = 1: the backward pass starts here.")];
    }
    let mut paths = Vec::new();
    for consumer in dedup(graph.consumers(id)) {
        for (slot, operand) in graph.operands(consumer).into_iter().enumerate() {
            if operand == id {
                paths.push((
                    name_of(consumer),
                    graph.grad(consumer),
                    graph.local_derivative(consumer, slot),
                ));
            }
        }
    }
    let grad = number(graph.grad(id));
    match paths.as_slice() {
        [] => vec![format!(
            "The output does not depend on {me}: d{out}/d{me} = 0."
        )],
        [(c, upstream, local)] => {
            let (u, l) = (number(*upstream), number(*local));
            vec![format!(
                "upstream d{out}/d{c} = {u}, local d{c}/d{me} = {l}, so d{out}/d{me} = {u} × {l} = {grad}"
            )]
        }
        several => {
            let mut lines: Vec<String> = several
                .iter()
                .map(|(c, upstream, local)| {
                    let (u, l) = (number(*upstream), number(*local));
                    format!(
                        "path through {c}: upstream d{out}/d{c} = {u}, local d{c}/d{me} = {l}, giving {u} × {l} = {}",
                        number(upstream * local)
                    )
                })
                .collect();
            let terms: Vec<String> = several.iter().map(|(_, u, l)| number(u * l)).collect();
            lines.push(format!(
                "{me} is used {} times, so its gradients add up: d{out}/d{me} = {} = {grad}",
                several.len(),
                terms.join(" + ")
            ));
            lines
        }
    }
}

fn dedup(mut ids: Vec<NodeId>) -> Vec<NodeId> {
    ids.sort_unstable();
    ids.dedup();
    ids
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
