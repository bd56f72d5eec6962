//! What a kittest frame painted, as text: for tests that check numbers drawn on a graph
//! (plates and boxes are painted, not widgets).

use egui::epaint::Shape;
use egui_kittest::Harness;

/// Every text painted in the harness's last frame.
pub fn painted_texts<State>(harness: &Harness<'_, State>) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack: Vec<Shape> = harness
        .output()
        .shapes
        .iter()
        .map(|clipped| clipped.shape.clone())
        .collect();
    while let Some(shape) = stack.pop() {
        match shape {
            Shape::Text(text) => found.push(text.galley.text().to_string()),
            Shape::Vec(shapes) => stack.extend(shapes),
            _ => {}
        }
    }
    found
}
