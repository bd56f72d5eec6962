//! A graph's picture at 100% zoom: one box per node (unnamed constants are written into
//! their consumers' titles instead), one routed edge with a label plate per operand
//! link. Built when the graph's structure changes; the numbers inside are read from the
//! graph each time the picture is drawn, so they are always live.

use std::collections::HashMap;

use crate::engine::{Graph, NodeId, Op};

use super::density::Density;
use super::expr::Titles;
use super::layout::{self, Direction, LayoutInput, Options, Point, Rect, Size};
use super::text::{self, EdgeFlow};

/// A path of links from a box back to one of its operands: `(consumer, operand slot)`.
pub type Path = Vec<(NodeId, usize)>;

/// One box.
#[derive(Debug, Clone)]
pub struct NodeShape {
    /// The node drawn.
    pub id: NodeId,
    /// Where it goes.
    pub rect: Rect,
    /// Its first line (`B = 2·A + 1`), cut to fit.
    pub title: String,
    /// Whether it is an input (its value can be dragged).
    pub is_input: bool,
    /// Whether it is the graph's output.
    pub is_output: bool,
}

/// One edge: from a drawn box to a drawn box that uses it, directly or through
/// operations folded into the consumer's box.
#[derive(Debug, Clone)]
pub struct EdgeShape {
    /// The operand.
    pub from: NodeId,
    /// The operation.
    pub to: NodeId,
    /// The links of the graph this edge stands for, from `to` back to `from`: each path
    /// is a list of `(consumer, operand slot)`. One path of one link for a plain edge;
    /// longer paths when intermediates are folded into `to`'s box, several when `from`
    /// reaches `to` more than one way (their contributions add up).
    pub paths: Vec<Path>,
    /// The route, from `from`'s box to `to`'s box.
    pub points: Vec<Point>,
    /// The label plate (local derivative and what it sends back).
    pub plate: Rect,
}

/// The whole picture.
#[derive(Debug, Clone, Default)]
pub struct Picture {
    /// The direction the layers run.
    pub direction: Direction,
    /// How tightly it is set.
    pub density: Density,
    /// The boxes, in topological order.
    pub nodes: Vec<NodeShape>,
    /// The edges.
    pub edges: Vec<EdgeShape>,
    /// Everything lies inside `0..size.w`, `0..size.h`.
    pub size: Size,
    /// Crossings between neighbouring layers.
    pub crossings: usize,
    /// The graph's node count when the picture was made (to tell when it is stale).
    pub node_count: usize,
    titles: Titles,
    index_of: HashMap<NodeId, usize>,
}

impl Picture {
    /// Lays out `graph` in `direction`, folding short unnamed intermediates into the
    /// box of the one operation that uses them (`B = 2·A + 1` is one box, fed by `A`).
    pub fn new(graph: &mut Graph, direction: Direction) -> Self {
        Self::with_options(graph, direction, true, &Options::default())
    }

    /// Lays out `graph`; `fold` chooses whether short unnamed intermediates get a box of
    /// their own (`false`: every operation has one, as a step-by-step backward pass needs).
    pub fn with_options(
        graph: &mut Graph,
        direction: Direction,
        fold: bool,
        options: &Options,
    ) -> Self {
        Self::build(graph, direction, fold, Density::Roomy, options)
    }

    /// Lays out `graph` at `density` (see [`Picture::with_options`] for `fold`).
    pub fn with_density(
        graph: &mut Graph,
        direction: Direction,
        fold: bool,
        density: Density,
    ) -> Self {
        Self::build(graph, direction, fold, density, &density.options())
    }

    /// The size of the plates' text at 100% zoom.
    pub fn plate_font_px(&self) -> f32 {
        self.density.plate_font_px()
    }

    fn build(
        graph: &mut Graph,
        direction: Direction,
        fold: bool,
        density: Density,
        options: &Options,
    ) -> Self {
        let titles = Titles::new(graph);
        let order: Vec<NodeId> = graph.topological_order().to_vec();
        let output = graph.output();
        let folded = |id: NodeId| fold && output != Some(id) && titles.is_inlined(id);
        let drawn: Vec<NodeId> = order
            .into_iter()
            .filter(|&id| {
                graph.node(id).is_some_and(|n| {
                    (n.op != Op::Const || n.display_name().is_some()) && !folded(id)
                })
            })
            .collect();
        let index_of: HashMap<NodeId, usize> =
            drawn.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        let mut input = LayoutInput::default();
        let mut nodes = Vec::with_capacity(drawn.len());
        for &id in &drawn {
            let is_output = output == Some(id);
            let title = text::fitted_title(titles.title(id));
            input.boxes.push(text::box_size(&title, is_output));
            nodes.push(NodeShape {
                id,
                rect: Rect::default(),
                title,
                is_input: graph.node(id).is_some_and(|n| n.op == Op::Input),
                is_output,
            });
        }
        let mut links: Vec<(NodeId, NodeId, Vec<Path>)> = Vec::new();
        let plate = text::plate_size(density.plate_font_px());
        for &id in &drawn {
            // Walk back through folded operations (iteratively) to the boxes they read.
            let mut from_here: Vec<(NodeId, Vec<Path>)> = Vec::new();
            let mut stack: Vec<(NodeId, Vec<(NodeId, usize)>)> = vec![(id, Vec::new())];
            while let Some((node, path)) = stack.pop() {
                let operands = graph.operands(node);
                for (slot, operand) in operands.into_iter().enumerate().rev() {
                    let mut longer = path.clone();
                    longer.push((node, slot));
                    if index_of.contains_key(&operand) {
                        // Folded, all the ways `operand` reaches this box make one edge
                        // (their local derivatives add up); unfolded, each use of an
                        // operand is its own edge, so `x*x` shows both of its parts.
                        match from_here.iter_mut().find(|(f, _)| fold && *f == operand) {
                            Some((_, paths)) => paths.push(longer),
                            None => from_here.push((operand, vec![longer])),
                        }
                    } else if folded(operand) {
                        stack.push((operand, longer));
                    }
                }
            }
            for (from, paths) in from_here {
                if let (Some(&f), Some(&t)) = (index_of.get(&from), index_of.get(&id)) {
                    input.edges.push((f, t, plate));
                    links.push((from, id, paths));
                }
            }
        }
        let placed = layout::layout(&input, direction, options);
        for (node, rect) in nodes.iter_mut().zip(&placed.boxes) {
            node.rect = *rect;
        }
        let edges = links
            .into_iter()
            .zip(placed.edges)
            .zip(placed.plates)
            .map(|(((from, to, paths), points), plate)| EdgeShape {
                from,
                to,
                paths,
                points,
                plate,
            })
            .collect();
        Self {
            direction,
            density,
            nodes,
            edges,
            size: placed.size,
            crossings: placed.crossings,
            node_count: graph.node_count(),
            titles,
            index_of,
        }
    }

    /// Whether this picture still matches the graph's structure.
    pub fn fits(&self, graph: &Graph) -> bool {
        self.node_count == graph.node_count() && !self.nodes.is_empty()
    }

    /// The box of a node, if it is drawn.
    pub fn node(&self, id: NodeId) -> Option<&NodeShape> {
        self.index_of.get(&id).and_then(|&i| self.nodes.get(i))
    }

    /// The name a node goes by in titles (its name, short name or expression).
    pub fn reference(&self, id: NodeId) -> &str {
        self.titles.reference(id)
    }

    /// The full, uncut title of a node.
    pub fn full_title(&self, id: NodeId) -> &str {
        self.titles.title(id)
    }

    /// Every way the picture breaks its geometric promises, in words: boxes that
    /// overlap, plates over boxes or over each other, edges through boxes, anything
    /// outside the picture's size. Empty for a good picture.
    pub fn layout_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let boxes: Vec<Rect> = self.nodes.iter().map(|n| n.rect).collect();
        for (i, a) in boxes.iter().enumerate() {
            for (j, b) in boxes.iter().enumerate().skip(i + 1) {
                if a.overlaps(b) {
                    problems.push(format!(
                        "boxes '{}' and '{}' overlap",
                        self.nodes[i].title, self.nodes[j].title
                    ));
                }
            }
        }
        let plates: Vec<Rect> = self.edges.iter().map(|e| e.plate).collect();
        for (i, p) in plates.iter().enumerate() {
            for (j, b) in boxes.iter().enumerate() {
                if p.overlaps(b) {
                    problems.push(format!("plate {i} overlaps box '{}'", self.nodes[j].title));
                }
            }
            for (k, q) in plates.iter().enumerate().skip(i + 1) {
                if p.overlaps(q) {
                    problems.push(format!("plates {i} and {k} overlap"));
                }
            }
        }
        for (i, edge) in self.edges.iter().enumerate() {
            for pair in edge.points.windows(2) {
                for node in &self.nodes {
                    if node.rect.is_crossed_by(pair[0], pair[1], 1.0) {
                        problems.push(format!("edge {i} passes through box '{}'", node.title));
                    }
                }
            }
        }
        for r in boxes.iter().chain(&plates) {
            if r.x < 0.0
                || r.y < 0.0
                || r.x + r.w > self.size.w + 0.01
                || r.y + r.h > self.size.h + 0.01
            {
                problems.push(format!("{r:?} lies outside the picture {:?}", self.size));
            }
        }
        problems
    }
}

/// What an edge carries at the graph's current values: the local derivative of `to`
/// with respect to `from` (through folded operations: the sum over paths of the product
/// of the links' local derivatives), and what it sends back.
pub fn edge_flow(graph: &Graph, edge: &EdgeShape) -> EdgeFlow {
    let local: f64 = edge
        .paths
        .iter()
        .map(|path| {
            path.iter()
                .map(|&(consumer, slot)| graph.local_derivative(consumer, slot))
                .product::<f64>()
        })
        .sum();
    EdgeFlow {
        local,
        passes: graph.grad(edge.to) * local,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::parse;

    #[test]
    fn fan_out_and_long_edges_stay_clear_of_boxes() {
        let script = "x = 2\nw = 3\nb = 1\na = x * w\nc = a + x\nd = tanh(c) * a\ne = d + b + x";
        for direction in [Direction::LeftToRight, Direction::TopToBottom] {
            let mut program = parse(script).expect("parses");
            let picture = Picture::new(&mut program.graph, direction);
            let problems = picture.layout_problems();
            assert!(problems.is_empty(), "{problems:?}");
            // Folded: tanh(c) into d, d + b into e.
            assert_eq!(picture.edges.len(), 9);
        }
    }

    #[test]
    fn unnamed_constants_have_no_box() {
        let mut program = parse("A = 3\nB = 2*A + 1").expect("parses");
        let picture = Picture::new(&mut program.graph, Direction::LeftToRight);
        // A and B: the product 2·A is folded into B's box.
        assert_eq!(picture.nodes.len(), 2);
        assert_eq!(picture.edges.len(), 1);
        assert_eq!(edge_flow(&program.graph, &picture.edges[0]).local, 2.0);
        assert!(picture.nodes.iter().any(|n| n.title == "B = 2·A + 1"));
    }
}
