//! The picture as a file for teachers: SVG (the layout the app draws, at 100% zoom or
//! fitted to a canvas as the app fits it, in absolute pixel coordinates) and Graphviz DOT.

use std::fmt::Write as _;

use crate::engine::{Graph, NodeId, Program};

use super::picture::{Picture, edge_flow};
use super::text::{BOX_PADDING, NODE_FONT_PX, PLATE_PADDING, grad_line, line_height, value_line};
use super::{Direction, Point};

/// Colours shared by the app and the export, as RGB.
pub mod palette {
    /// Forward values (text in boxes).
    pub const VALUE: [u8; 3] = [40, 110, 220];
    /// Gradients (text in boxes).
    pub const GRAD: [u8; 3] = [200, 95, 10];
    /// An edge passing back a positive amount (ColorBrewer PRGn, safe for colour-blind
    /// readers and unlike the blue and orange of the boxes).
    pub const PASSES_POSITIVE: [u8; 3] = [27, 120, 55];
    /// An edge passing back a negative amount.
    pub const PASSES_NEGATIVE: [u8; 3] = [118, 42, 131];
    /// The same two on a dark background.
    pub const PASSES_POSITIVE_DARK: [u8; 3] = [127, 200, 120];
    /// The same two on a dark background.
    pub const PASSES_NEGATIVE_DARK: [u8; 3] = [194, 150, 220];
    /// An edge that passes nothing back (zero, cut, or unknown yet).
    pub const NEUTRAL: [u8; 3] = [128, 128, 128];
}

/// The width of an edge passing back `passes` when the largest amount any edge passes
/// is `largest`: 1.5 px for nothing, up to 6.5 px.
pub fn edge_width(passes: f64, largest: f64) -> f32 {
    if !passes.is_finite() || !largest.is_finite() || largest <= 0.0 {
        return 1.5;
    }
    1.5 + 5.0 * (passes.abs() / largest).sqrt().min(1.0) as f32
}

/// The largest finite amount passed back along any edge of the picture.
pub fn largest_flow(graph: &Graph, picture: &Picture) -> f64 {
    picture
        .edges
        .iter()
        .map(|e| edge_flow(graph, e).passes.abs())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

fn rgb(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The `id` of a node's group: `node-NAME` for the node a name is bound to now.
fn named_ids(program: &Program) -> std::collections::HashMap<NodeId, String> {
    program
        .bindings
        .iter()
        .map(|(name, id)| (*id, format!("node-{name}")))
        .collect()
}

/// The program's graph as SVG: boxes, edges and plates where the app draws them at
/// 100% zoom, left to right, with the numbers as the app writes them.
pub fn to_svg(program: &mut Program) -> String {
    let picture = Picture::new(&mut program.graph, Direction::LeftToRight);
    svg_of(program, &picture, 1.0)
}

/// The program's graph as SVG, laid out and zoomed as the app shows it after Fit in a
/// canvas `width` wide and at most `height` tall (`None`: unbounded). Its `width` and
/// `height` are the drawing's size in pixels, and every font size is in pixels.
pub fn to_svg_fitted(program: &mut Program, width: Option<f32>, height: Option<f32>) -> String {
    let graph = &mut program.graph;
    let mut pictures: Vec<Picture> = Vec::new();
    let fit = super::fit::fit(
        |direction, density| {
            let picture = Picture::with_density(graph, direction, true, density);
            let size = picture.size;
            pictures.push(picture);
            size
        },
        width.unwrap_or(f32::INFINITY),
        height.unwrap_or(f32::INFINITY),
    );
    let chosen = pictures
        .into_iter()
        .find(|p| p.direction == fit.direction && p.density == fit.density);
    let picture = match chosen {
        Some(picture) => picture,
        None => Picture::with_density(&mut program.graph, fit.direction, true, fit.density),
    };
    svg_of(program, &picture, fit.zoom)
}

/// The SVG of `picture` drawn at `zoom`: every coordinate and size scaled, so the file's
/// pixels are the screen's.
fn svg_of(program: &Program, picture: &Picture, zoom: f32) -> String {
    let ids = named_ids(program);
    let graph = &program.graph;
    let largest = largest_flow(graph, picture);
    let mut out = String::new();
    let z = |v: f32| v * zoom;
    // Whole pixels that hold the drawing; a size fitted to a canvas exactly (980 at a
    // zoom of 980 / width) must not round up past it on a float's last digit.
    let whole = |v: f32| (z(v) - 0.01).ceil();
    let (w, h) = (whole(picture.size.w), whole(picture.size.h));
    let plate_font_px = picture.plate_font_px();
    let (node_px, plate_px) = (tenths(z(NODE_FONT_PX)), tenths(z(plate_font_px)));
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="Hack, DejaVu Sans Mono, monospace">"#
    );
    let _ = writeln!(
        out,
        r##"<rect class="background" x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>"##
    );
    for edge in &picture.edges {
        let flow = edge_flow(graph, edge);
        let colour = if flow.is_cut() || flow.passes == 0.0 || !flow.passes.is_finite() {
            palette::NEUTRAL
        } else if flow.passes > 0.0 {
            palette::PASSES_POSITIVE
        } else {
            palette::PASSES_NEGATIVE
        };
        let dash = if flow.is_cut() {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let _ = writeln!(
            out,
            r#"<path class="edge" d="{}" fill="none" stroke="{}" stroke-width="{:.1}"{dash}/>"#,
            path_data(&edge.points, zoom),
            rgb(colour),
            z(edge_width(flow.passes, largest))
        );
    }
    for edge in &picture.edges {
        let flow = edge_flow(graph, edge);
        let p = edge.plate;
        let _ = writeln!(
            out,
            r##"<rect class="edge-label" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="4" fill="#ffffff" stroke="#b0b0b0"/>"##,
            z(p.x),
            z(p.y),
            z(p.w),
            z(p.h)
        );
        let [local, passes] = flow.plate_lines(true);
        let line = z(line_height(plate_font_px));
        let _ = writeln!(
            out,
            r##"<text class="edge-label" x="{:.1}" y="{:.1}" font-size="{plate_px}px" fill="#202020"><tspan x="{:.1}" dy="0">{}</tspan><tspan x="{:.1}" dy="{line:.1}">{}</tspan></text>"##,
            z(p.x + PLATE_PADDING),
            z(p.y + PLATE_PADDING + plate_font_px),
            z(p.x + PLATE_PADDING),
            escape(&local),
            z(p.x + PLATE_PADDING),
            escape(&passes)
        );
    }
    for node in &picture.nodes {
        let r = node.rect;
        let group = match ids.get(&node.id) {
            Some(id) => format!(r#"<g class="node" id="{}">"#, escape(id)),
            None => r#"<g class="intermediate">"#.to_string(),
        };
        let _ = writeln!(out, "{group}");
        let stroke = z(if node.is_output { 3.0 } else { 1.2 });
        let _ = writeln!(
            out,
            r##"  <rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="6" fill="#ffffff" stroke="#202020" stroke-width="{stroke:.1}"/>"##,
            z(r.x),
            z(r.y),
            z(r.w),
            z(r.h)
        );
        let mut lines: Vec<(String, [u8; 3], &str)> = vec![
            (node.title.clone(), [32, 32, 32], "title"),
            (
                value_line(Some(graph.value(node.id))),
                palette::VALUE,
                "value",
            ),
            (grad_line(Some(graph.grad(node.id))), palette::GRAD, "grad"),
        ];
        if node.is_output {
            lines.push(("output".to_string(), [32, 32, 32], "tag"));
        }
        let line = line_height(NODE_FONT_PX);
        for (i, (text, colour, class)) in lines.iter().enumerate() {
            let _ = writeln!(
                out,
                r#"  <text class="{class}" x="{:.1}" y="{:.1}" font-size="{node_px}px" fill="{}">{}</text>"#,
                z(r.x + BOX_PADDING),
                z(r.y + BOX_PADDING + NODE_FONT_PX + i as f32 * line),
                rgb(*colour),
                escape(text)
            );
        }
        let _ = writeln!(out, "</g>");
    }
    out.push_str("</svg>\n");
    out
}

/// A size to a tenth of a pixel, without a trailing `.0` (`14`, `12.6`).
fn tenths(v: f32) -> String {
    let text = format!("{v:.1}");
    match text.strip_suffix(".0") {
        Some(whole) => whole.to_string(),
        None => text,
    }
}

fn path_data(points: &[Point], zoom: f32) -> String {
    let mut d = String::new();
    for (i, p) in points.iter().enumerate() {
        let _ = write!(
            d,
            "{}{:.1} {:.1}",
            if i == 0 { "M" } else { " L" },
            p.x * zoom,
            p.y * zoom
        );
    }
    d
}

/// The program's graph in Graphviz DOT: one record per box (title, value, gradient),
/// one edge per operand link labelled with its local derivative and what it passes.
pub fn to_dot(program: &mut Program) -> String {
    let picture = Picture::new(&mut program.graph, Direction::LeftToRight);
    let ids = named_ids(program);
    let graph = &program.graph;
    let dot_id = |id: NodeId| format!("n{}", id.index());
    let quote = |text: &str| {
        text.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('{', "\\{")
            .replace('}', "\\}")
            .replace('|', "\\|")
            .replace('<', "\\<")
            .replace('>', "\\>")
    };
    let mut out = String::from(
        "digraph backprop {\n  rankdir=LR;\n  node [shape=record, fontname=\"Hack\"];\n",
    );
    for node in &picture.nodes {
        let label = format!(
            "{}|{}|{}",
            quote(&node.title),
            quote(&value_line(Some(graph.value(node.id)))),
            quote(&grad_line(Some(graph.grad(node.id))))
        );
        let extra = if node.is_output { ", penwidth=3" } else { "" };
        let comment = ids
            .get(&node.id)
            .map(|id| format!(", id=\"{id}\""))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} [label=\"{{{label}}}\"{extra}{comment}];",
            dot_id(node.id)
        );
    }
    for edge in &picture.edges {
        let flow = edge_flow(graph, edge);
        let [local, passes] = flow.plate_lines(true);
        let style = if flow.is_cut() { ", style=dashed" } else { "" };
        let _ = writeln!(
            out,
            "  {} -> {} [label=\"{}\\n{}\"{style}];",
            dot_id(edge.from),
            dot_id(edge.to),
            quote(&local),
            quote(&passes)
        );
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::parse;

    #[test]
    fn the_svg_names_every_named_node_and_keeps_minus_signs() {
        let mut program = parse("A = 3\nB = 2*A + 1\nC = B - 5\nT = 90 - 4*C").expect("parses");
        let svg = to_svg(&mut program);
        for name in ["A", "B", "C", "T"] {
            assert_eq!(
                svg.matches(&format!(r#"<g class="node" id="node-{name}">"#))
                    .count(),
                1,
                "{name}"
            );
        }
        // dT/dA = -4 * 2 = -8, written with its minus sign.
        assert!(svg.contains("grad −8"), "{svg}");
        assert!(svg.contains("T = 90 − 4·C"));
        assert!(!svg.contains("transform"));
        assert_eq!(svg.matches(r#"<path class="edge""#).count(), 3);
        assert_eq!(svg.matches(r#"<rect class="edge-label""#).count(), 3);
        let dot = to_dot(&mut program);
        assert!(dot.starts_with("digraph"));
        assert_eq!(dot.matches(" -> ").count(), 3);
    }

    #[test]
    fn a_cut_edge_is_dashed() {
        let mut program = parse("w = 0.7\ny = round(w) * 3").expect("parses");
        let svg = to_svg(&mut program);
        assert!(svg.contains("stroke-dasharray"));
        assert!(svg.contains("local 0 (cut)"));
    }
}
