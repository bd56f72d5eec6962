//! The computation-graph widget. It paints the [`Picture`] of a graph (a layered layout
//! made once per structure) at the view's zoom: positions *and font sizes* are scaled
//! before the text is laid out, so every glyph is rasterised at the size it is shown and
//! no stroke (a minus sign) is shrunk away afterwards by a transform.
//!
//! Each box shows its expression (`B = 2·A + 1`), its forward value (`val`, blue) and its
//! gradient (`grad`, orange). Each edge carries a plate with its local derivative and the
//! blame it passes back (upstream gradient × local); the edge's colour and width show
//! that amount, and a cut chain (local derivative 0) is dashed.
//!
//! This module keeps the view's state and draws one frame; [`camera`] places the picture
//! (zoom, pan, fit, the backward-pass animation), [`paint`] draws it, and [`interact`]
//! turns the learner's pointer and keys into selection and scrubbing.

mod camera;
mod interact;
mod paint;

use std::ops::RangeInclusive;

use egui::{Sense, Vec2};

use crate::diagram::{self, Density, Direction, Picture};
use crate::engine::{Graph, NodeId};

use super::style::MIN_GRAPH_TEXT_PX;
pub use super::style::{GRAD_COLOR, VALUE_COLOR};
use camera::TOOLBAR_HEIGHT;
pub use paint::legend_ui;
use paint::{BoxStyle, Shown};

/// The state a graph view keeps between frames.
#[derive(Debug, Clone)]
pub struct GraphView {
    /// Pictures by direction and density (see [`picture_slot`]), made when needed.
    pictures: [Option<Picture>; 6],
    /// The zoom (1.0: the picture's own size).
    zoom: f32,
    /// The direction drawn (chosen by fitting while the view follows the window).
    direction: Direction,
    /// The density drawn (chosen by fitting, too).
    density: Density,
    /// The picture's point shown at the viewport's top-left corner.
    pan: Vec2,
    /// Whether the view has been placed for the current picture.
    placed: bool,
    /// Whether the learner moved or zoomed the view. Until then, and again after Fit or a
    /// double-click, it follows the window: fitted (direction and zoom) and centred, or
    /// from the inputs' side.
    moved_by_hand: bool,
    /// The width the view had last frame (to choose a direction before drawing).
    last_width: f32,
    /// The current step's box the view last brought into view.
    followed: Option<NodeId>,
    /// The most height the page gives the graph this frame, below the toolbar (set by
    /// [`GraphView::preferred_height`]; otherwise the height left in the `Ui`).
    height_budget: Option<f32>,
    /// When the backward-pass animation started (seconds of egui's clock).
    animation_start: Option<f64>,
    /// The node whose chain-rule arithmetic is shown.
    pub selected: Option<NodeId>,
    /// Nodes the lesson points at, drawn with a thick outer ring.
    pub highlighted: Vec<NodeId>,
    /// Hide every gradient (drawn as `grad ?`) until the learner has made a prediction.
    pub hide_gradients: bool,
    /// Hide every local derivative (drawn as `local ?`): a prediction of a gradient asks
    /// for their product.
    pub hide_locals: bool,
    /// Gradients to show instead of the graph's own, by node index (`None`: not yet
    /// known, drawn `grad ?`), for a backward pass in progress.
    pub shown_grads: Option<Vec<Option<f64>>>,
    /// Values to show instead of the graph's own, by node index (`None`: not computed
    /// yet, drawn `val ?`), for a forward pass in progress.
    pub shown_values: Option<Vec<Option<f64>>>,
    /// For a backward pass in progress, by node index: whether the box has passed its
    /// blame back, so the edges entering it show what they send (`None`: as
    /// [`GraphView::shown_grads`] says).
    pub passed_back: Option<Vec<bool>>,
    /// The box a step-by-step pass is at: ringed in a strong colour, tagged "this step" on the ring,
    /// and scrolled into view.
    pub current: Option<NodeId>,
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
            pictures: Default::default(),
            zoom: 1.0,
            direction: Direction::LeftToRight,
            density: Density::Roomy,
            pan: Vec2::ZERO,
            placed: false,
            moved_by_hand: false,
            last_width: 900.0,
            followed: None,
            height_budget: None,
            animation_start: None,
            selected: None,
            highlighted: Vec::new(),
            hide_gradients: false,
            hide_locals: false,
            shown_grads: None,
            shown_values: None,
            passed_back: None,
            current: None,
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
        self.pictures = Default::default();
        self.placed = false;
        self.moved_by_hand = false;
        self.zoom = 1.0;
        self.selected = None;
        self.highlighted.clear();
        self.animation_start = None;
    }

    fn picture(&mut self, graph: &mut Graph, direction: Direction, density: Density) -> &Picture {
        let slot = picture_slot(direction, density);
        if !self.pictures[slot].as_ref().is_some_and(|p| p.fits(graph)) {
            if self.pictures.iter().flatten().any(|p| !p.fits(graph)) {
                self.pictures = Default::default();
                self.placed = false;
            }
            self.pictures[slot] = Some(Picture::with_density(
                graph,
                direction,
                self.fold_intermediates,
                density,
            ));
        }
        self.pictures[slot].get_or_insert_with(Picture::default)
    }

    /// The direction and zoom that show the whole graph in `width` × `max_height` (see
    /// [`diagram::fit`]).
    fn fitted(&mut self, graph: &mut Graph, width: f32, max_height: f32) -> diagram::Fit {
        diagram::fit(
            |direction, density| self.picture(graph, direction, density).size,
            width,
            max_height,
        )
    }

    /// This frame's direction and zoom: fitted while the view follows the window, else
    /// as the learner left them.
    fn frame_fit(&mut self, graph: &mut Graph, width: f32, max_height: f32) -> diagram::Fit {
        if !self.moved_by_hand {
            let fit = self.fitted(graph, width, max_height);
            self.direction = fit.direction;
            self.density = fit.density;
            self.zoom = fit.zoom;
        }
        diagram::Fit {
            direction: self.direction,
            density: self.density,
            zoom: self.zoom,
        }
    }

    /// The height that shows the whole graph at the zoom it will be drawn at, within
    /// `max` (toolbar included): the canvas follows the graph's height.
    pub fn preferred_height(&mut self, graph: &mut Graph, max: f32) -> f32 {
        let toolbar = if self.toolbar { TOOLBAR_HEIGHT } else { 0.0 };
        let budget = (max - toolbar - 4.0).max(60.0);
        self.height_budget = Some(budget);
        // The same width `ui` will decide with, so the height fits the drawn direction.
        let fit = self.frame_fit(graph, self.last_width - 8.0, budget);
        let height = self.picture(graph, fit.direction, fit.density).size.h * fit.zoom;
        (height + toolbar + 4.0).clamp(120.0, max.max(120.0))
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
        let toolbar = if self.toolbar { TOOLBAR_HEIGHT } else { 0.0 };
        let budget = self
            .height_budget
            .take()
            .unwrap_or(ui.available_height() - toolbar - 4.0);
        let fit = self.frame_fit(graph, width - 8.0, budget);
        let slot = picture_slot(fit.direction, fit.density);
        if self.toolbar {
            self.toolbar_ui(ui);
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
        let (picture_size, boxes) = {
            let p = self.picture(graph, fit.direction, fit.density);
            (Vec2::new(p.size.w, p.size.h), p.nodes.len())
        };
        // Screen readers (and the fit tests) hear what the canvas holds and its zoom.
        background.widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::Role::Canvas,
                true,
                format!(
                    "Graph of {boxes} {} at {:.0}%",
                    if boxes == 1 { "box" } else { "boxes" },
                    self.zoom() * 100.0
                ),
            )
        });
        if !self.placed || !self.moved_by_hand {
            self.place_at_start(viewport, picture_size);
        }
        self.handle_view_input(ui, &background, viewport);
        self.follow_current(slot, viewport);
        self.clamp_pan(viewport, picture_size);

        let camera = self.camera(viewport);
        let dark = ui.visuals().dark_mode;
        let painter = ui.painter_at(viewport);
        painter.rect_filled(viewport, 4.0, ui.visuals().faint_bg_color);
        let draw_text = camera.zoom * fit.density.plate_font_px() >= MIN_GRAPH_TEXT_PX;
        // Edges, then plates, then boxes: plates never cover a box (the layout keeps
        // them apart), and a box is never crossed by an edge. The picture is taken out
        // while the boxes, which are widgets that change the view, are drawn.
        let picture = self.pictures[slot].take()?;
        let revealed = self.animation_reveal(ui, graph, &picture);
        let (visible, largest) = paint::visible_edges(graph, &picture, &camera);
        let shown_grads = self.shown_grads.take();
        let shown_values = self.shown_values.take();
        let passed_back = self.passed_back.take();
        let shown = Shown {
            passed_back: passed_back.as_deref(),
            hide_gradients: self.hide_gradients,
            hide_locals: self.hide_locals,
            grads: shown_grads.as_deref(),
            values: shown_values.as_deref(),
            animation: revealed.as_ref(),
        };
        paint::edges(&painter, &camera, &visible, largest, &shown, dark);
        let plate_px = draw_text.then_some(fit.density.plate_font_px());
        paint::plates(&painter, ui.visuals(), &camera, &visible, &shown, plate_px);
        paint::pulses(&painter, &camera, &visible, &shown, dark);

        let mut hovered = None;
        for node in &picture.nodes {
            let rect = camera.to_screen_rect(node.rect);
            if !rect.intersects(viewport) {
                continue;
            }
            let grad = shown.grad(graph, node.id);
            let response = self.node_response(ui, graph, node, (rect, viewport), grad);
            if response.hovered() {
                hovered = Some(node.id);
            }
            let style = BoxStyle {
                current: self.current == Some(node.id),
                selected: self.selected == Some(node.id),
                highlighted: self.highlighted.contains(&node.id),
                focused: response.has_focus(),
                backward: self
                    .forward_part
                    .as_ref()
                    .is_some_and(|f| !f.contains(&node.id)),
                value: shown.value(graph, node.id),
                grad,
                draw_text,
                zoom: camera.zoom,
                dark,
            };
            paint::draw_box(&painter, ui.visuals(), node, rect, style);
        }
        if !draw_text {
            paint::zoom_hint(&painter, ui.visuals(), viewport);
        }
        self.shown_grads = shown_grads;
        self.shown_values = shown_values;
        self.passed_back = passed_back;
        self.pictures[slot] = Some(picture);
        ui.advance_cursor_after_rect(viewport);
        hovered
    }

    /// When the step moves to a box that is not wholly in view, pans to centre it (once
    /// per step: the learner may pan away again).
    fn follow_current(&mut self, slot: usize, viewport: egui::Rect) {
        if self.current == self.followed {
            return;
        }
        self.followed = self.current;
        let Some(id) = self.current else {
            return;
        };
        let Some(node) = self.pictures[slot]
            .as_ref()
            .and_then(|p| p.nodes.iter().find(|n| n.id == id))
        else {
            return;
        };
        let camera = self.camera(viewport);
        // A box wholly in view stays where it is (its ring may touch the canvas's edge):
        // panning a fitted picture would cut other boxes.
        let rect = camera.to_screen_rect(node.rect);
        if viewport.contains_rect(rect) {
            return;
        }
        let centre = Vec2::new(
            node.rect.x + node.rect.w / 2.0,
            node.rect.y + node.rect.h / 2.0,
        );
        self.pan = centre - viewport.size() / (2.0 * camera.zoom);
        self.moved_by_hand = true;
        self.placed = true;
    }

    /// The chain-rule arithmetic of node `id` (one line per use, then the sum), with the
    /// names its boxes show; the picture made for drawing is reused, not rebuilt.
    pub fn chain_rule_lines(&mut self, graph: &mut Graph, id: NodeId) -> Vec<String> {
        let (direction, density) = match self.pictures.iter().flatten().next() {
            Some(picture) if picture.fits(graph) => (picture.direction, picture.density),
            _ => (Direction::LeftToRight, Density::Roomy),
        };
        let picture = self.picture(graph, direction, density);
        diagram::explain::chain_rule_lines(graph, picture, id)
    }
}

/// Where the picture of a direction and density is kept.
fn picture_slot(direction: Direction, density: Density) -> usize {
    let across = match direction {
        Direction::LeftToRight => 0,
        Direction::TopToBottom => 1,
    };
    Density::ALL.len() * across + density.index()
}
