//! What the learner does to the boxes: pointing at one, clicking to select it, dragging
//! the view by a box, and scrubbing an input (dragging its box sideways, the arrow keys,
//! or a screen reader's request), which changes the input within its range.

use std::ops::RangeInclusive;

use egui::{Rect, Sense};

use crate::diagram;
use crate::engine::{Graph, NodeId};

use super::GraphView;
use crate::format::number;

/// How far one pixel of horizontal drag moves an input, as a fraction of its range.
const SCRUB_PER_PIXEL: f64 = 1.0 / 300.0;
/// How far one arrow-key press moves an input, as a fraction of its range.
const SCRUB_PER_KEY: f64 = 1.0 / 100.0;

impl GraphView {
    /// The box of `node` (on screen at `rect`, inside `viewport`) as a widget: described
    /// for screen readers with the gradient the box shows (`None`: hidden), scrubbed if it
    /// is an input with a range, dragged to pan otherwise, selected when clicked.
    pub(super) fn node_response(
        &mut self,
        ui: &egui::Ui,
        graph: &mut Graph,
        node: &diagram::NodeShape,
        (rect, viewport): (Rect, Rect),
        grad: Option<f64>,
    ) -> egui::Response {
        let zoom = self.zoom();
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
        let describe = || describe(graph, &node.title, node.id, grad);
        if let Some(range) = &scrub {
            let value = graph.value(node.id);
            response.widget_info(|| egui::WidgetInfo::slider(true, value, describe()));
            declare_slider(ui, response.id, value, range);
            self.scrub_ui(ui, &response, graph, node.id, range.clone(), zoom);
        } else {
            response
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, describe()));
            if response.dragged() {
                self.pan -= response.drag_delta() / zoom;
                self.moved_by_hand = true;
            }
        }
        if response.clicked() {
            self.selected = Some(node.id);
        }
        response
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

/// A node in words for screen readers and tests: its title, value and the gradient its
/// box shows (a gradient not on the box is not in its description either).
fn describe(graph: &Graph, title: &str, id: NodeId, grad: Option<f64>) -> String {
    match grad {
        Some(grad) => format!(
            "{title}: value {}, gradient {}",
            number(graph.value(id)),
            number(grad)
        ),
        None => format!(
            "{title}: value {}, gradient hidden",
            number(graph.value(id))
        ),
    }
}
