//! The graph view on screen, rendered on the CPU: every minus sign has ink at every zoom
//! level where numbers are drawn (the test that would have caught `grad 12` for −12),
//! graph text is never below 12 px at 100%, and the zoom buttons keep the graph in view.

use backprop_lab::app::graph_view::GraphView;
use backprop_lab::engine::{Graph, parse};
use egui::epaint::{Shape, TextShape};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

struct State {
    graph: Graph,
    view: GraphView,
}

fn harness(dark: bool) -> Harness<'static, State> {
    let program = parse("x = 3\nw = -4\ny = w * x\nL = 5 - y").expect("parses");
    let state = State {
        graph: program.graph,
        view: GraphView::default(),
    };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(900.0, 420.0))
        .build_ui_state(
            move |ui, state: &mut State| {
                ui.ctx().set_visuals(if dark {
                    egui::Visuals::dark()
                } else {
                    egui::Visuals::light()
                });
                state.view.ui(ui, &mut state.graph);
            },
            state,
        );
    // The app's fonts: Hack also serves the proportional text's symbols (▶ −).
    backprop_lab::app::navigator::install_fonts(&harness.ctx);
    harness.run();
    harness
}

/// Every text shape drawn, with the rectangle it is clipped to.
fn clipped_texts(harness: &Harness<'static, State>) -> Vec<(egui::Rect, TextShape)> {
    let mut found = Vec::new();
    let mut stack: Vec<(egui::Rect, Shape)> = harness
        .output()
        .shapes
        .iter()
        .map(|clipped| (clipped.clip_rect, clipped.shape.clone()))
        .collect();
    while let Some((clip, shape)) = stack.pop() {
        match shape {
            Shape::Text(text) => found.push((clip, text)),
            Shape::Vec(shapes) => stack.extend(shapes.into_iter().map(|s| (clip, s))),
            _ => {}
        }
    }
    found
}

fn texts(harness: &Harness<'static, State>) -> Vec<TextShape> {
    clipped_texts(harness).into_iter().map(|(_, t)| t).collect()
}

/// The screen rectangle of each minus sign in the graph's number lines.
fn minus_signs(harness: &Harness<'static, State>) -> Vec<(String, egui::Rect)> {
    let mut signs = Vec::new();
    for (clip, text) in clipped_texts(harness) {
        let content = text.galley.job.text.clone();
        if !(content.starts_with("grad")
            || content.starts_with("val")
            || content.starts_with("local"))
        {
            continue;
        }
        for row in &text.galley.rows {
            for glyph in &row.row.glyphs {
                if glyph.chr == '−' {
                    let rect = glyph
                        .logical_rect()
                        .translate(text.pos.to_vec2() + row.pos.to_vec2());
                    // Only signs fully in view: the others are not on screen to be read.
                    if clip.contains_rect(rect) {
                        signs.push((content.clone(), rect));
                    }
                }
            }
        }
    }
    signs
}

/// Whether the rendered image has a pixel in `rect` that stands out from the pixel at
/// its top-left corner (the background) by at least `contrast` in any channel.
fn has_ink(image: &image::RgbaImage, rect: egui::Rect, contrast: i32) -> bool {
    let (x0, y0) = (
        rect.left().floor().max(0.0) as u32,
        rect.top().floor().max(0.0) as u32,
    );
    let (x1, y1) = (
        (rect.right().ceil() as u32).min(image.width() - 1),
        (rect.bottom().ceil() as u32).min(image.height() - 1),
    );
    let background = image.get_pixel(x0, y0).0;
    for y in y0..=y1 {
        for x in x0..=x1 {
            let p = image.get_pixel(x, y).0;
            let differs =
                (0..3).any(|c| (i32::from(p[c]) - i32::from(background[c])).abs() >= contrast);
            if differs {
                return true;
            }
        }
    }
    false
}

fn font_sizes(harness: &Harness<'static, State>) -> Vec<f32> {
    texts(harness)
        .iter()
        .filter(|t| {
            let s = &t.galley.job.text;
            s.starts_with("grad")
                || s.starts_with("val")
                || s.starts_with("local")
                || s.starts_with("sends")
        })
        .flat_map(|t| {
            t.galley
                .job
                .sections
                .iter()
                .map(|s| s.format.font_id.size)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn minus_signs_have_ink_at_every_zoom_level_light_and_dark() {
    for dark in [false, true] {
        let mut harness = harness(dark);
        // At 100%: every number line is at least 12 px.
        let sizes = font_sizes(&harness);
        assert!(!sizes.is_empty());
        assert!(sizes.iter().all(|&s| s >= 12.0), "{sizes:?}");
        // Walk down to the smallest zoom, then up to the largest, checking each level.
        let mut checked = 0;
        for (button, presses) in [("−", 6), ("+", 12)] {
            for _ in 0..presses {
                let signs = minus_signs(&harness);
                if !signs.is_empty() {
                    let image = harness.render().expect("renders on the CPU");
                    for (text, rect) in &signs {
                        assert!(
                            has_ink(&image, *rect, 60),
                            "the minus sign of '{text}' at {rect:?} has no ink (dark: {dark})"
                        );
                    }
                    checked += 1;
                }
                harness.get_by_label(button).click();
                harness.run();
            }
        }
        assert!(checked >= 8, "only {checked} zoom levels drew numbers");
    }
}

#[test]
fn the_graph_stays_in_view_whatever_the_zoom() {
    let mut harness = harness(false);
    for _ in 0..12 {
        harness.get_by_label("+").click();
        harness.run();
    }
    harness.get_by_label("Fit").click();
    harness.run();
    // After Fit every box's description is on screen again.
    assert!(harness.query_by_label_contains("L = 5 − y").is_some());
    assert!(harness.query_by_label_contains("x (input)").is_some());
}

#[test]
fn an_input_box_is_a_slider_for_the_keyboard_and_screen_readers() {
    let mut harness = harness(false);
    let x = harness
        .state()
        .graph
        .operands(harness.state().graph.output().expect("output"))[1];
    let x_input = harness.state().graph.operands(x)[1];
    harness.state_mut().view.scrub_ranges = vec![(x_input, -10.0..=10.0)];
    harness.run();
    // A screen reader sets the value directly.
    harness
        .get_by_role_and_label(
            egui::accesskit::Role::Slider,
            "x (input): value 3, gradient 4",
        )
        .set_value_accesskit(5.0);
    harness.run();
    assert_eq!(harness.state().graph.value(x_input), 5.0);
    // L = 5 - w*x with w = -4: dL/dx = 4, and L = 5 + 4*5 = 25.
    let output = harness.state().graph.output().expect("output");
    assert_eq!(harness.state().graph.value(output), 25.0);
    // The keyboard: focus the box, then the right arrow moves it up by 1% of its range.
    harness
        .get_by_role_and_label(
            egui::accesskit::Role::Slider,
            "x (input): value 5, gradient 4",
        )
        .focus();
    harness.run();
    harness.key_press(egui::Key::ArrowRight);
    harness.run();
    assert!((harness.state().graph.value(x_input) - 5.2).abs() < 1e-9);
}

/// A step-by-step backward pass: an edge shows what it sends once the box it enters has
/// passed its blame back, and the box being stepped is tagged in words.
#[test]
fn a_stepped_pass_shows_the_sends_of_the_boxes_that_passed_back() {
    let mut harness = harness(false);
    let count = harness.state().graph.node_count() + 4;
    let output = harness.state().graph.output().expect("output");
    {
        let state = harness.state_mut();
        state.view.shown_grads = Some(vec![None; count]);
        state.view.passed_back = Some(vec![false; count]);
        state.view.current = Some(output);
    }
    harness.run();
    let sends = |harness: &Harness<'static, State>| {
        texts(harness)
            .into_iter()
            .map(|t| t.galley.text().to_string())
            .filter(|t| t.starts_with("sends "))
            .collect::<Vec<_>>()
    };
    assert!(sends(&harness).iter().all(|t| t == "sends ?"));
    assert!(
        texts(&harness)
            .iter()
            .any(|t| t.galley.text() == "this step")
    );
    // Every box has passed back: every plate shows a number.
    harness.state_mut().view.passed_back = Some(vec![true; count]);
    harness.run();
    let shown = sends(&harness);
    assert!(
        !shown.is_empty() && shown.iter().all(|t| t != "sends ?"),
        "{shown:?}"
    );
}
