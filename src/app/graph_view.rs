//! The computation-graph widget: a layered left-to-right drawing inside an `egui::Scene`
//! (pan with a drag, zoom with Ctrl + wheel). Each node shows its name and operation, its
//! forward value (upper line, blue, "val") and its gradient (lower line, orange, "grad"),
//! so the two are told apart by place and label as well as colour.

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, StrokeKind, Vec2};

use crate::engine::{Graph, NodeId, Op};

use super::format::number;

/// Colour of forward values everywhere in the app.
pub const VALUE_COLOR: Color32 = Color32::from_rgb(40, 110, 220);
/// Colour of gradients everywhere in the app.
pub const GRAD_COLOR: Color32 = Color32::from_rgb(220, 110, 20);

const NODE_SIZE: Vec2 = Vec2::new(132.0, 66.0);
const LAYER_GAP: f32 = 70.0;
const ROW_GAP: f32 = 22.0;

/// Where each node sits; recomputed only when the graph's structure changes.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    positions: Vec<(NodeId, Pos2)>,
    node_count: usize,
}

impl Layout {
    /// Longest-path layering: inputs on the left, each operation one layer right of its
    /// furthest operand, constants placed just left of their first consumer.
    pub fn compute(graph: &mut Graph) -> Self {
        let order: Vec<NodeId> = graph.topological_order().to_vec();
        let mut layer_of: std::collections::HashMap<NodeId, usize> = Default::default();
        for &id in &order {
            let layer = graph
                .operands(id)
                .iter()
                .filter_map(|o| layer_of.get(o))
                .map(|l| l + 1)
                .max()
                .unwrap_or(0);
            layer_of.insert(id, layer);
        }
        for &id in &order {
            if graph.node(id).is_some_and(|n| n.op == Op::Const) {
                let consumer_layer = graph
                    .consumers(id)
                    .iter()
                    .filter_map(|c| layer_of.get(c))
                    .min()
                    .copied();
                if let Some(layer) = consumer_layer {
                    layer_of.insert(id, layer.saturating_sub(1));
                }
            }
        }
        let mut rows_used: Vec<usize> = Vec::new();
        let mut positions = Vec::with_capacity(order.len());
        for &id in &order {
            let layer = layer_of.get(&id).copied().unwrap_or(0);
            if rows_used.len() <= layer {
                rows_used.resize(layer + 1, 0);
            }
            let row = rows_used[layer];
            rows_used[layer] += 1;
            let x = layer as f32 * (NODE_SIZE.x + LAYER_GAP);
            let y = row as f32 * (NODE_SIZE.y + ROW_GAP);
            positions.push((id, Pos2::new(x, y)));
        }
        Self {
            positions,
            node_count: graph.node_count(),
        }
    }

    /// Whether this layout still matches the graph's structure.
    pub fn fits(&self, graph: &Graph) -> bool {
        self.node_count == graph.node_count() && !self.positions.is_empty()
    }

    /// The rectangle holding every node, with a margin.
    fn bounds(&self) -> Rect {
        let mut bounds = Rect::NOTHING;
        for &(_, pos) in &self.positions {
            bounds = bounds.union(Rect::from_min_size(pos, NODE_SIZE));
        }
        bounds.expand(24.0)
    }

    fn position(&self, id: NodeId) -> Option<Pos2> {
        self.positions
            .iter()
            .find(|(n, _)| *n == id)
            .map(|&(_, p)| p)
    }
}

/// The state a graph view keeps between frames.
#[derive(Debug, Clone)]
pub struct GraphView {
    layout: Layout,
    scene_rect: Rect,
    /// The node whose chain-rule arithmetic is shown.
    pub selected: Option<NodeId>,
}

impl Default for GraphView {
    fn default() -> Self {
        Self {
            layout: Layout::default(),
            scene_rect: Rect::ZERO,
            selected: None,
        }
    }
}

impl GraphView {
    /// Forgets the layout (call when the graph is replaced by another one).
    pub fn reset(&mut self) {
        self.layout = Layout::default();
        self.scene_rect = Rect::ZERO;
        self.selected = None;
    }

    /// Draws the graph; clicking a node selects it. Returns the node under the pointer.
    pub fn ui(&mut self, ui: &mut egui::Ui, graph: &mut Graph) -> Option<NodeId> {
        if !self.layout.fits(graph) {
            self.layout = Layout::compute(graph);
            self.scene_rect = self.layout.bounds();
        }
        let mut hovered = None;
        let layout = &self.layout;
        let selected = &mut self.selected;
        egui::Scene::new()
            .zoom_range(0.05..=1.5)
            .show(ui, &mut self.scene_rect, |ui| {
                let painter = ui.painter().clone();
                let visuals = ui.visuals().clone();
                // Edges first, under the nodes, each labelled with its local derivative.
                for &(id, pos) in &layout.positions {
                    for (slot, operand) in graph.operands(id).into_iter().enumerate() {
                        let Some(from) = layout.position(operand) else {
                            continue;
                        };
                        let start = from + Vec2::new(NODE_SIZE.x, NODE_SIZE.y / 2.0);
                        let end = pos + Vec2::new(0.0, NODE_SIZE.y * (0.35 + 0.3 * slot as f32));
                        painter.line_segment(
                            [start, end],
                            Stroke::new(1.5, visuals.weak_text_color()),
                        );
                        // A constant receives no gradient, so its link carries no label.
                        if graph.node(operand).is_some_and(|n| n.op == Op::Const) {
                            continue;
                        }
                        let local = graph.local_derivative(id, slot);
                        let mid = start + (end - start) * 0.55;
                        painter.text(
                            mid,
                            Align2::CENTER_BOTTOM,
                            format!("local {}", number(local)),
                            FontId::proportional(11.0),
                            visuals.text_color(),
                        );
                    }
                }
                for &(id, pos) in &layout.positions {
                    let rect = Rect::from_min_size(pos, NODE_SIZE);
                    let response = ui.interact(
                        rect,
                        ui.scope_id().with(("node", id.index())),
                        Sense::click(),
                    );
                    if response.clicked() {
                        *selected = Some(id);
                    }
                    if response.hovered() {
                        hovered = Some(id);
                    }
                    draw_node(&painter, &visuals, graph, id, rect, *selected == Some(id));
                }
            });
        hovered
    }
}

fn draw_node(
    painter: &egui::Painter,
    visuals: &egui::Visuals,
    graph: &Graph,
    id: NodeId,
    rect: Rect,
    selected: bool,
) {
    let Some(node) = graph.node(id) else { return };
    let is_output = graph.output() == Some(id);
    let fill = visuals.extreme_bg_color;
    let stroke_width = if selected || is_output { 3.0 } else { 1.0 };
    painter.rect(
        rect,
        6.0,
        fill,
        Stroke::new(stroke_width, visuals.strong_text_color()),
        StrokeKind::Inside,
    );
    let name = node.display_name().unwrap_or("");
    let title = match (node.op, name.is_empty()) {
        (Op::Input, _) => format!("{name}  (input)"),
        (Op::Const, true) => "constant".to_string(),
        (op, true) => op.symbol().to_string(),
        (op, false) => format!("{name} = {}", op.symbol()),
    };
    let title = if is_output {
        format!("{title}  [output]")
    } else {
        title
    };
    let left = rect.left() + 6.0;
    painter.text(
        Pos2::new(left, rect.top() + 4.0),
        Align2::LEFT_TOP,
        title,
        FontId::proportional(13.0),
        visuals.strong_text_color(),
    );
    let value = graph.value(id);
    let grad = graph.grad(id);
    painter.text(
        Pos2::new(left, rect.top() + 24.0),
        Align2::LEFT_TOP,
        format!("val  {}", number(value)),
        FontId::monospace(12.0),
        VALUE_COLOR,
    );
    painter.text(
        Pos2::new(left, rect.top() + 43.0),
        Align2::LEFT_TOP,
        format!("grad {}", number(grad)),
        FontId::monospace(12.0),
        GRAD_COLOR,
    );
    if !value.is_finite() || !grad.is_finite() {
        painter.text(
            Pos2::new(rect.right() - 6.0, rect.top() + 4.0),
            Align2::RIGHT_TOP,
            "not finite",
            FontId::proportional(10.0),
            visuals.error_fg_color,
        );
    }
}

/// The chain-rule arithmetic of one node, with live numbers: one line per use of the
/// node, then the sum.
pub fn chain_rule_lines(graph: &Graph, id: NodeId) -> Vec<String> {
    let name_of = |n: NodeId| {
        graph
            .node(n)
            .and_then(|node| node.display_name().map(str::to_string))
            .unwrap_or_else(|| {
                graph
                    .node(n)
                    .map_or("?", |node| node.op.symbol())
                    .to_string()
            })
    };
    let Some(output) = graph.output() else {
        return vec![];
    };
    let out = name_of(output);
    let me = name_of(id);
    if id == output {
        return vec![format!("d{out}/d{out} = 1: the backward pass starts here.")];
    }
    let mut lines = Vec::new();
    let mut terms = Vec::new();
    for consumer in dedup(graph.consumers(id)) {
        for (slot, operand) in graph.operands(consumer).into_iter().enumerate() {
            if operand != id {
                continue;
            }
            let upstream = graph.grad(consumer);
            let local = graph.local_derivative(consumer, slot);
            let c = name_of(consumer);
            lines.push(format!(
                "upstream d{out}/d{c} = {}, local d{c}/d{me} = {}, so this path gives {} × {} = {}",
                number(upstream),
                number(local),
                number(upstream),
                number(local),
                number(upstream * local)
            ));
            terms.push(number(upstream * local));
        }
    }
    if terms.len() > 1 {
        lines.push(format!(
            "{me} is used {} times, so its gradients add up: d{out}/d{me} = {} = {}",
            terms.len(),
            terms.join(" + "),
            number(graph.grad(id))
        ));
    } else if terms.is_empty() {
        lines.push(format!(
            "The output does not depend on {me}: d{out}/d{me} = 0."
        ));
    } else {
        lines.push(format!("d{out}/d{me} = {}", number(graph.grad(id))));
    }
    lines
}

fn dedup(mut ids: Vec<NodeId>) -> Vec<NodeId> {
    ids.sort_unstable();
    ids.dedup();
    ids
}
