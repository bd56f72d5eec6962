//! CPU time of one frame of the app, headless: egui's layout and painting of each lesson
//! page, and of the playground showing a graph of about 2,000 nodes, plus tessellation
//! into triangles (everything but the GPU upload). Targets: under 4 ms a lesson page,
//! under 16 ms for the 2,000-node playground, and under 100 ms a frame (after the first)
//! for a lesson page holding the largest graph `check` accepts.
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

/// The largest graphs a lesson may hold and `check` accepts: a sum of 19,990 terms of one
/// input (one statement, under the 20,000 nodes a picture is drawn for), the shared-input
/// chain `x{i} = x{i-1} + x0` at the 10,000-statement limit, and a tanh chain at it.
fn largest_lesson_scripts() -> Vec<(&'static str, String)> {
    let terms = backprop_lab::limits::DRAWN_NODES - 10;
    let sum = format!("x = 1\ny = {}\n", vec!["x"; terms].join(" + "));
    let mut shared = String::from("x0 = 1\n");
    for i in 1..backprop_lab::limits::GRAPH_STATEMENTS {
        let _ = writeln!(shared, "x{i} = x{} + x0", i - 1);
    }
    let mut chain = String::from("x0 = 0.5\n");
    for i in 1..backprop_lab::limits::GRAPH_STATEMENTS {
        let _ = writeln!(chain, "x{i} = tanh(x{})", i - 1);
    }
    vec![
        ("sum", sum),
        ("shared_input", shared),
        ("tanh_chain", chain),
    ]
}

/// The script of one of [`largest_lesson_scripts`], by its name.
fn largest_lesson_script(kind: &str) -> String {
    largest_lesson_scripts()
        .into_iter()
        .find(|(name, _)| *name == kind)
        .map(|(_, script)| script)
        .unwrap_or_default()
}

/// An app on a one-lesson folder whose only section is `script`'s graph, its page open.
fn largest_lesson_app(script: &str) -> (egui::Context, BackpropApp) {
    let folder = std::env::temp_dir().join(format!("backprop-lab-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&folder);
    let text = format!(
        "Lesson(title: \"Big\", summary: \"The largest graph a lesson may hold.\", sections: [\n    \
         Graph(script: r#\"\n{script}\"#),\n])"
    );
    std::fs::write(folder.join("big.ron"), text).expect("the temporary folder is writable");
    let ctx = egui::Context::default();
    let mut app = BackpropApp::with_state(&LessonSource::Folder(folder), String::new(), false);
    app.open(Page::Lesson(0));
    for _ in 0..3 {
        frame(&ctx, &mut app);
    }
    (ctx, app)
}

/// One frame of a lesson page showing the largest graph `check` accepts, after the first:
/// the app must stay under 100 ms a frame with any lesson it accepts.
#[divan::bench(args = ["sum", "shared_input", "tanh_chain"], max_time = 5)]
fn largest_lesson_graph(bencher: Bencher, kind: &str) {
    let script = largest_lesson_script(kind);
    let (ctx, mut app) = largest_lesson_app(&script);
    bencher.bench_local(|| frame(&ctx, &mut app));
}

/// Opening that page: loading the lesson, laying out the graph and the first frames (paid
/// once, when the learner turns to the page).
#[divan::bench(args = ["sum", "shared_input", "tanh_chain"], sample_count = 5, sample_size = 1)]
fn largest_lesson_graph_open(bencher: Bencher, kind: &str) {
    let script = largest_lesson_script(kind);
    bencher.bench_local(|| largest_lesson_app(&script).1.page_title());
}
