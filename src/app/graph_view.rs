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

const NODE_SIZE: Vec2 = Vec2::new(120.0, 62.0);
const LAYER_GAP: f32 = 58.0;
const ROW_GAP: f32 = 22.0;

/// Where each node sits; recomputed only when the graph's structure changes.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    positions: Vec<(NodeId, Pos2)>,
    /// Position by node index, for constant-time lookups while drawing edges.
    by_index: Vec<Option<Pos2>>,
    node_count: usize,
}

impl Layout {
    /// Longest-path layering: inputs on the left, each operation one layer right of its
    /// furthest operand. Constants get no box: they are written into their consumer's
    /// title (`× 2`), since they take no gradient and would crowd the picture.
    pub fn compute(graph: &mut Graph) -> Self {
        let order: Vec<NodeId> = graph.topological_order().to_vec();
        let mut layer_of: std::collections::HashMap<NodeId, usize> = Default::default();
        let order: Vec<NodeId> = order
            .into_iter()
            .filter(|&id| graph.node(id).is_some_and(|n| n.op != Op::Const))
            .collect();
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
        let mut by_index = Vec::new();
        for &(id, pos) in &positions {
            if by_index.len() <= id.index() {
                by_index.resize(id.index() + 1, None);
            }
            by_index[id.index()] = Some(pos);
        }
        Self {
            positions,
            by_index,
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
        self.by_index.get(id.index()).copied().flatten()
    }
}

/// The state a graph view keeps between frames.
#[derive(Debug, Clone)]
pub struct GraphView {
    layout: Layout,
    scene_rect: Rect,
    /// The node whose chain-rule arithmetic is shown.
    pub selected: Option<NodeId>,
    /// Nodes the lesson points at, drawn with a thick border and a ◆ marker.
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
}

impl Default for GraphView {
    fn default() -> Self {
        Self {
            layout: Layout::default(),
            scene_rect: Rect::ZERO,
            selected: None,
            highlighted: Vec::new(),
            hide_gradients: false,
            shown_grads: None,
            shown_values: None,
            wheel_pans: true,
        }
    }
}

impl GraphView {
    /// Forgets the layout (call when the graph is replaced by another one).
    pub fn reset(&mut self) {
        self.layout = Layout::default();
        self.scene_rect = Rect::ZERO;
        self.selected = None;
        self.highlighted.clear();
    }

    /// The height that shows the whole graph at full size, within `max`.
    pub fn preferred_height(&mut self, graph: &mut Graph, max: f32) -> f32 {
        if !self.layout.fits(graph) {
            self.layout = Layout::compute(graph);
            self.scene_rect = self.layout.bounds();
        }
        self.layout.bounds().height().clamp(120.0, max)
    }

    /// Draws the graph in a box of the given height.
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

    /// Draws the graph; clicking a node selects it. Returns the node under the pointer.
    pub fn ui(&mut self, ui: &mut egui::Ui, graph: &mut Graph) -> Option<NodeId> {
        if !self.layout.fits(graph) {
            self.layout = Layout::compute(graph);
            self.scene_rect = self.layout.bounds();
        }
        let mut hovered = None;
        let held_scroll = (!self.wheel_pans).then(|| {
            ui.ctx()
                .input_mut(|i| std::mem::take(&mut i.smooth_scroll_delta))
        });
        let layout = &self.layout;
        let selected = &mut self.selected;
        let highlighted = &self.highlighted;
        let hide_gradients = self.hide_gradients;
        let shown_grads = &self.shown_grads;
        let shown_values = &self.shown_values;
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
                        let mid = start + (end - start) * 0.5;
                        painter.text(
                            mid,
                            Align2::CENTER_BOTTOM,
                            format!("local {}", node_number(local)),
                            FontId::monospace(11.0),
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
                    // Screen readers (and UI tests) read each node as one line.
                    response.widget_info(|| {
                        let text = if hide_gradients {
                            format!(
                                "{}: value {}, gradient hidden",
                                node_title(graph, id),
                                number(graph.value(id))
                            )
                        } else {
                            node_description(graph, id)
                        };
                        egui::WidgetInfo::labeled(egui::Role::Button, true, text)
                    });
                    if response.clicked() {
                        *selected = Some(id);
                    }
                    if response.hovered() {
                        hovered = Some(id);
                    }
                    let emphasis = Emphasis {
                        selected: *selected == Some(id),
                        highlighted: highlighted.contains(&id),
                        hide_gradient: hide_gradients,
                        shown_grad: shown_grads
                            .as_ref()
                            .map(|g| g.get(id.index()).copied().flatten()),
                        shown_value: shown_values
                            .as_ref()
                            .map(|v| v.get(id.index()).copied().flatten()),
                    };
                    draw_node(&painter, &visuals, graph, id, rect, emphasis);
                }
            });
        if let Some(delta) = held_scroll {
            ui.ctx().input_mut(|i| i.smooth_scroll_delta = delta);
        }
        hovered
    }
}

/// How a node stands out.
#[derive(Debug, Clone, Copy)]
struct Emphasis {
    selected: bool,
    highlighted: bool,
    hide_gradient: bool,
    /// A gradient to draw instead of the graph's (outer None: the graph's own).
    shown_grad: Option<Option<f64>>,
    /// A value to draw instead of the graph's (outer None: the graph's own).
    shown_value: Option<Option<f64>>,
}

fn draw_node(
    painter: &egui::Painter,
    visuals: &egui::Visuals,
    graph: &Graph,
    id: NodeId,
    rect: Rect,
    emphasis: Emphasis,
) {
    if graph.node(id).is_none() {
        return;
    }
    let is_output = graph.output() == Some(id);
    let fill = visuals.extreme_bg_color;
    let stroke_width = if emphasis.selected || is_output {
        3.0
    } else {
        1.0
    };
    if emphasis.highlighted {
        painter.rect_stroke(
            rect.expand(4.0),
            8.0,
            Stroke::new(3.0, visuals.selection.bg_fill),
            StrokeKind::Outside,
        );
        painter.text(
            Pos2::new(rect.right() - 6.0, rect.bottom() - 4.0),
            Align2::RIGHT_BOTTOM,
            "◆",
            FontId::proportional(12.0),
            visuals.selection.bg_fill,
        );
    }
    painter.rect(
        rect,
        6.0,
        fill,
        Stroke::new(stroke_width, visuals.strong_text_color()),
        StrokeKind::Inside,
    );
    let title = node_title(graph, id);
    if is_output {
        // Said in words, not only by the thick border.
        painter.text(
            Pos2::new(rect.right() - 5.0, rect.bottom() - 3.0),
            Align2::RIGHT_BOTTOM,
            "output",
            FontId::proportional(10.0),
            visuals.strong_text_color(),
        );
    }
    let left = rect.left() + 6.0;
    painter.text(
        Pos2::new(left, rect.top() + 4.0),
        Align2::LEFT_TOP,
        title,
        // Monospace (Hack) like the numbers: its minus signs stay visible when zoomed out.
        FontId::monospace(12.0),
        visuals.strong_text_color(),
    );
    let value = graph.value(id);
    let grad = graph.grad(id);
    painter.text(
        Pos2::new(left, rect.top() + 24.0),
        Align2::LEFT_TOP,
        match emphasis.shown_value {
            Some(None) => "val  ?".to_string(),
            Some(Some(shown)) => format!("val  {}", node_number(shown)),
            None => format!("val  {}", node_number(value)),
        },
        FontId::monospace(12.0),
        VALUE_COLOR,
    );
    painter.text(
        Pos2::new(left, rect.top() + 43.0),
        Align2::LEFT_TOP,
        match (emphasis.hide_gradient, emphasis.shown_grad) {
            (true, _) | (false, Some(None)) => "grad ?".to_string(),
            (false, Some(Some(shown))) => format!("grad {}", node_number(shown)),
            (false, None) => format!("grad {}", node_number(grad)),
        },
        FontId::monospace(12.0),
        GRAD_COLOR,
    );
    if !value.is_finite() || !grad.is_finite() {
        painter.text(
            Pos2::new(rect.right() - 6.0, rect.top() + 26.0),
            Align2::RIGHT_TOP,
            "not finite",
            FontId::proportional(10.0),
            visuals.error_fg_color,
        );
    }
}

/// A number inside a node box: the typographic minus sign (U+2212), because the hyphen
/// of the small monospace font can vanish when a graph is zoomed out, turning -12 into 12.
fn node_number(value: f64) -> String {
    number(value).replacen('-', "\u{2212}", 1)
}

/// A node in words: its title, value and gradient, e.g. `A (input): value 1, gradient 9`.
pub fn node_description(graph: &Graph, id: NodeId) -> String {
    format!(
        "{}: value {}, gradient {}",
        node_title(graph, id),
        number(graph.value(id)),
        number(graph.grad(id))
    )
}

/// The first line of a node's box.
fn node_title(graph: &Graph, id: NodeId) -> String {
    let Some(node) = graph.node(id) else {
        return String::new();
    };
    let name = node.display_name().unwrap_or("");
    match (node.op, name.is_empty()) {
        (Op::Input, _) => format!("{name} (input)"),
        (Op::Const, _) => format!("constant {}", number(graph.value(id))),
        (_, true) => operation_text(graph, id),
        (_, false) => format!("{name} = {}", operation_text(graph, id)),
    }
}

/// The operation with its operands: names for named nodes, numbers for constants, `•`
/// for an unnamed intermediate result (its own box, to the left).
pub fn operation_text(graph: &Graph, id: NodeId) -> String {
    let Some(node) = graph.node(id) else {
        return String::new();
    };
    let operand = |o: NodeId| match graph.node(o) {
        Some(n) if n.op == Op::Const => number(graph.value(o)),
        Some(n) => n.display_name().unwrap_or("•").to_string(),
        None => "?".into(),
    };
    let operands = graph.operands(id);
    let symbol = node.op.symbol();
    match (node.op.arity(), operands.as_slice()) {
        (2, [a, b]) if matches!(node.op, Op::Max | Op::Min) => {
            format!("{symbol}({}, {})", operand(*a), operand(*b))
        }
        (2, [a, b]) => format!("{} {symbol} {}", operand(*a), operand(*b)),
        (1, [a]) if node.op == Op::Neg => format!("−{}", operand(*a)),
        (1, [a]) => format!("{symbol}({})", operand(*a)),
        _ => symbol.to_string(),
    }
}

/// The chain-rule arithmetic of one node, with live numbers: one line per use of the
/// node, then the sum.
pub fn chain_rule_lines(graph: &Graph, id: NodeId) -> Vec<String> {
    let name_of = |n: NodeId| {
        graph
            .node(n)
            .and_then(|node| node.display_name().map(str::to_string))
            .unwrap_or_else(|| format!("({})", operation_text(graph, n)))
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

/// The legend shared by every graph: which line is which, in words and colour.
pub fn legend_ui(ui: &mut egui::Ui) {
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new("val").monospace().color(VALUE_COLOR));
        ui.label("= forward value (upper line)");
        ui.label(egui::RichText::new("grad").monospace().color(GRAD_COLOR));
        ui.label("= d(output)/d(node), from the backward pass (lower line)");
        ui.label(egui::RichText::new("local").monospace());
        ui.label("on an edge = that link's local derivative");
    });
}
