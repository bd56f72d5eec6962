//! Where the picture sits in the view: zoom levels, pan, fitting the whole graph, the
//! first placement, the toolbar that drives them, and the backward-pass animation.

use std::collections::{HashMap, HashSet};

use egui::{Pos2, Rect, Vec2};

use crate::diagram;
use crate::engine::{Graph, NodeId};

use super::GraphView;
use crate::app::style::ZOOM_LEVELS;

/// Seconds between two layers of the backward-pass animation.
const ANIMATION_STEP_SECS: f64 = 0.7;
/// Height of the toolbar above the graph.
pub(super) const TOOLBAR_HEIGHT: f32 = 26.0;

/// One frame of the backward-pass animation: a pulse leaves every box at distance
/// `reached` from the output and travels back along its edges during one step.
pub(super) struct Animation {
    /// Boxes whose gradients are known (distance from the output at most `reached`).
    pub revealed: HashSet<NodeId>,
    /// Each box's distance from the output, counted in edges.
    pub distance: HashMap<NodeId, usize>,
    /// The distance the pulses are leaving from.
    pub reached: usize,
    /// How far along its edges this step's pulse is, 0 to 1.
    pub phase: f32,
}

impl Animation {
    /// Whether the pulse on the edges entering `to` has passed their plates (half way).
    pub fn sent(&self, to: NodeId) -> bool {
        match self.distance.get(&to) {
            Some(&d) => d < self.reached || d == self.reached && self.phase >= 0.5,
            None => false,
        }
    }

    /// How far back along the edges entering `to` the pulse is, if it travels them now.
    pub fn pulse(&self, to: NodeId) -> Option<f32> {
        (self.distance.get(&to) == Some(&self.reached)).then_some(self.phase)
    }
}

/// The mapping of one frame from the picture's points (at 100%) to the screen.
#[derive(Debug, Clone, Copy)]
pub(super) struct Camera {
    /// The part of the screen the graph is drawn in.
    pub viewport: Rect,
    /// The picture's point shown at the viewport's top-left corner.
    pub pan: Vec2,
    pub zoom: f32,
}

impl Camera {
    pub fn to_screen(self, p: diagram::Point) -> Pos2 {
        self.viewport.min + (Vec2::new(p.x, p.y) - self.pan) * self.zoom
    }

    pub fn to_screen_rect(self, r: diagram::Rect) -> Rect {
        Rect::from_min_size(
            self.to_screen(diagram::Point { x: r.x, y: r.y }),
            Vec2::new(r.w, r.h) * self.zoom,
        )
    }
}

impl GraphView {
    /// The current zoom factor.
    pub fn zoom(&self) -> f32 {
        self.zoom
    }

    /// Zooms by hand to the next level of [`ZOOM_LEVELS`] above (`in`) or below the
    /// current zoom, which fitting may have left between two levels.
    fn step_zoom(&mut self, zoom_in: bool) {
        let now = self.zoom;
        let next = if zoom_in {
            ZOOM_LEVELS.iter().copied().find(|&z| z > now + 1e-3)
        } else {
            ZOOM_LEVELS.iter().rev().copied().find(|&z| z < now - 1e-3)
        };
        self.zoom = next.unwrap_or(now);
        self.moved_by_hand = true;
    }

    /// Shows the whole graph again, as at the start: the view follows the window.
    fn fit(&mut self) {
        self.moved_by_hand = false;
        self.placed = false;
    }

    /// This frame's camera over `viewport`.
    pub(super) fn camera(&self, viewport: Rect) -> Camera {
        Camera {
            viewport,
            pan: self.pan,
            zoom: self.zoom(),
        }
    }

    pub(super) fn toolbar_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.set_height(TOOLBAR_HEIGHT - 4.0);
            if ui
                .button("Fit")
                .on_hover_text("Show the whole graph (or double-click it)")
                .clicked()
            {
                self.fit();
            }
            if ui.button("100%").on_hover_text("Actual size").clicked() {
                self.zoom = 1.0;
                self.moved_by_hand = true;
                self.placed = false;
            }
            if ui.button("−").on_hover_text("Zoom out").clicked() {
                self.step_zoom(false);
                self.placed = false;
            }
            if ui.button("+").on_hover_text("Zoom in").clicked() {
                self.step_zoom(true);
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
            crate::app::style::fitting_hint(
                ui,
                &[
                    "Drag to pan · Ctrl+wheel or + − to zoom · double-click to fit",
                    "Drag to pan · double-click to fit",
                ],
            );
        });
    }

    /// Where the backward-pass animation is this frame (None: not animating).
    /// `picture`'s boxes are in topological order; distances count its drawn edges, so
    /// every step of the animation moves a pulse the learner can see.
    pub(super) fn animation_reveal(
        &mut self,
        ui: &egui::Ui,
        graph: &Graph,
        picture: &diagram::Picture,
    ) -> Option<Animation> {
        let start = self.animation_start?;
        let output = graph.output()?;
        // Distance from the output, counted backwards along the drawn edges.
        let mut entering: HashMap<NodeId, Vec<NodeId>> = HashMap::new();
        for edge in &picture.edges {
            entering.entry(edge.to).or_default().push(edge.from);
        }
        let mut distance: HashMap<NodeId, usize> = Default::default();
        distance.insert(output, 0);
        for node in picture.nodes.iter().rev() {
            if let Some(&d) = distance.get(&node.id) {
                for &operand in entering.get(&node.id).into_iter().flatten() {
                    let e = distance.entry(operand).or_insert(d + 1);
                    *e = (*e).min(d + 1);
                }
            }
        }
        let elapsed = ui.input(|i| i.time) - start;
        let steps = elapsed / ANIMATION_STEP_SECS;
        let reached = steps.floor() as usize;
        let deepest = distance.values().copied().max().unwrap_or(0);
        if reached > deepest + 1 {
            self.animation_start = None;
            return None;
        }
        ui.ctx().request_repaint();
        let revealed = distance
            .iter()
            .filter(|&(_, &d)| d <= reached)
            .map(|(&id, _)| id)
            .collect();
        Some(Animation {
            revealed,
            distance,
            reached,
            phase: steps.fract() as f32,
        })
    }

    pub(super) fn place_at_start(&mut self, viewport: Rect, picture: Vec2) {
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

    /// Double-click fits; dragging the background pans; Ctrl + wheel (or a pinch) zooms
    /// about the pointer; the wheel pans where the view is allowed to take it.
    pub(super) fn handle_view_input(
        &mut self,
        ui: &egui::Ui,
        background: &egui::Response,
        viewport: Rect,
    ) {
        if background.double_clicked() {
            self.fit();
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
            self.step_zoom(zoom_delta > 1.0);
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
    pub(super) fn clamp_pan(&mut self, viewport: Rect, picture: Vec2) {
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

#[cfg(test)]
mod tests {
    use super::Animation;
    use crate::engine::NodeId;

    #[test]
    fn a_plate_shows_what_it_sends_once_the_pulse_has_passed_it() {
        let (output, middle, input) = (NodeId::new(2), NodeId::new(1), NodeId::new(0));
        let frame = |reached, phase| Animation {
            revealed: Default::default(),
            distance: [(output, 0), (middle, 1), (input, 2)].into_iter().collect(),
            reached,
            phase,
        };
        // The first step: the pulse leaves the output along the edges entering it.
        assert_eq!(frame(0, 0.3).pulse(output), Some(0.3));
        assert_eq!(frame(0, 0.3).pulse(middle), None);
        assert!(!frame(0, 0.3).sent(output), "not yet at the plate");
        assert!(frame(0, 0.6).sent(output), "past the plate");
        assert!(!frame(0, 0.6).sent(middle));
        // A step later the output's edges have sent, and the next pulse travels.
        assert!(frame(1, 0.0).sent(output));
        assert_eq!(frame(1, 0.0).pulse(middle), Some(0.0));
    }
}
