//! CPU time of one frame of the app, headless: egui's layout and painting of each lesson
//! page, and of the playground showing a graph of about 2,000 nodes, plus tessellation
//! into triangles (everything but the GPU upload). Targets: under 4 ms a lesson page,
//! under 16 ms for the 2,000-node playground.
//!
//! Run with `cargo bench --bench frames`.

use std::fmt::Write as _;

use backprop_lab::app::navigator::Page;
use backprop_lab::app::{BackpropApp, LessonSource};
use backprop_lab::lesson;
use divan::Bencher;

fn main() {
    divan::main();
}

const SCREEN: egui::Vec2 = egui::vec2(1200.0, 800.0);

fn input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, SCREEN)),
        ..Default::default()
    }
}

/// Runs one frame and tessellates its shapes, as eframe would before handing them to
/// the GPU. Texture updates are applied (dropped) like a renderer would take them.
fn frame(ctx: &egui::Context, app: &mut BackpropApp) -> usize {
    let output = ctx.run_ui(input(), |ui| app.show(ui));
    let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
    primitives.len()
}

fn warmed_up(page: Page, script: String) -> (egui::Context, BackpropApp) {
    let ctx = egui::Context::default();
    let mut app = BackpropApp::with_state(&LessonSource::Embedded, script, false);
    app.open(page);
    // The first frames build fonts, layouts and lesson state; a learner pays that once.
    for _ in 0..3 {
        frame(&ctx, &mut app);
    }
    (ctx, app)
}

fn lesson_indices() -> Vec<usize> {
    (0..lesson::load_embedded().len()).collect()
}

/// One frame of each lesson page (argument: the lesson's index in the list).
#[divan::bench(args = lesson_indices())]
fn lesson_page(bencher: Bencher, index: usize) {
    let (ctx, mut app) = warmed_up(Page::Lesson(index), String::from("x = 1\ny = x"));
    bencher.bench_local(|| frame(&ctx, &mut app));
}

/// A chain of tanh layers: about 4 nodes a statement, constants folded into titles.
fn playground_script(nodes: usize) -> String {
    let mut s = String::from("x0 = 0.5\n");
    for i in 1..=nodes / 4 {
        let _ = writeln!(s, "x{i} = tanh(x{}) * 0.9 + 0.1", i - 1);
    }
    s
}

/// One frame of the playground showing about `nodes` graph nodes.
#[divan::bench(args = [200, 2_000])]
fn playground(bencher: Bencher, nodes: usize) {
    let (ctx, mut app) = warmed_up(Page::Playground, playground_script(nodes));
    bencher.bench_local(|| frame(&ctx, &mut app));
}

/// A wide DAG: each statement mixes two earlier results far apart, so layers hold many
/// boxes and long edges pass through many layers (the hard case for the layout).
fn wide_script(nodes: usize) -> String {
    let mut s = String::new();
    for i in 0..16 {
        let _ = writeln!(s, "i{i} = {}", i as f64 * 0.1);
    }
    let mut names: Vec<String> = (0..16).map(|i| format!("i{i}")).collect();
    for k in 0..nodes / 2 {
        let a = &names[(k * 7) % names.len()];
        let b = &names[(k * 13 + 5) % names.len()];
        let _ = writeln!(s, "n{k} = tanh({a}) * {b}");
        names.push(format!("n{k}"));
    }
    s
}

/// Laying out a graph of about `nodes` nodes from scratch (done once per structure
/// change, never per frame): the tanh chain top to bottom, and the wide DAG.
#[divan::bench(args = [200, 2_000])]
fn layout_chain(bencher: Bencher, nodes: usize) {
    use backprop_lab::diagram::{Direction, Picture};
    let mut program = backprop_lab::engine::parse(&playground_script(nodes)).expect("parses");
    bencher.bench_local(|| {
        Picture::new(&mut program.graph, Direction::TopToBottom)
            .nodes
            .len()
    });
}

/// See [`layout_chain`].
#[divan::bench(args = [200, 2_000])]
fn layout_wide(bencher: Bencher, nodes: usize) {
    use backprop_lab::diagram::{Direction, Picture};
    let mut program = backprop_lab::engine::parse(&wide_script(nodes)).expect("parses");
    bencher.bench_local(|| {
        Picture::new(&mut program.graph, Direction::LeftToRight)
            .nodes
            .len()
    });
}
