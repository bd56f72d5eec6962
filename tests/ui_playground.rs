//! The playground as a learner uses it: drag an input, type values, break the script,
//! switch the theme. Widgets are found by their labels, as a learner would find them.

use backprop_lab::app::format::number;
use backprop_lab::app::playground::STARTER_SCRIPT;
use backprop_lab::app::{BackpropApp, LessonSource};
use backprop_lab::engine;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// The app as a learner starts it, after clicking "Playground" in the lesson list.
fn harness() -> Harness<'static, BackpropApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .build_eframe(|_cc| {
            BackpropApp::with_state(&LessonSource::Embedded, STARTER_SCRIPT.to_string(), false)
        });
    harness.run();
    // The entry in the lesson list (drawn before the page itself).
    let entry = harness
        .query_all_by_label("Playground")
        .next()
        .expect("the lesson list has a Playground entry");
    entry.click();
    harness.run();
    harness
}

/// The output value the engine gives for the starter script with `x` set.
fn engine_output_with_x(x: f64) -> String {
    let mut program = engine::parse(STARTER_SCRIPT).expect("starter script parses");
    let id = program.input_named("x").expect("x is an input");
    program.graph.set_input(id, x).expect("set x");
    number(program.graph.value(program.output))
}

#[test]
fn typing_a_value_updates_the_output_to_the_engines_number() {
    let mut harness = harness();
    harness.run();
    let before = format!("Output L = {}", engine_output_with_x(1.5));
    harness.get_by_label(&before);

    let field = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "x");
    field.focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    field.type_text("3");
    harness.run();
    let after = format!("Output L = {}", engine_output_with_x(3.0));
    assert_ne!(before, after, "x must matter");
    harness.get_by_label(&after);
}

#[test]
fn typing_garbage_is_reported_and_non_finite_values_are_shown() {
    let mut harness = harness();
    harness.run();
    let field = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "x");
    field.focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    field.type_text("abc");
    harness.run();
    harness.get_by_label("'abc' is not a number");

    let field = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "x");
    field.focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    field.type_text("NaN");
    harness.run();
    harness.get_by_label("Output L = NaN");
}

#[test]
fn a_broken_script_shows_its_error_with_the_position() {
    let mut harness = harness();
    harness.run();
    let editor = harness.get_by_label("Script");
    editor.focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::End);
    editor.type_text("q = (");
    harness.run();
    assert!(
        harness
            .query_by_label_contains("expected an expression, found end of input")
            .is_some(),
        "the parse error is shown"
    );
    // The typed line follows the starter script's last line; the error is at the end of it.
    let line = STARTER_SCRIPT.lines().count() + 1;
    let position = format!("Line {line}, column 6");
    assert!(
        harness.query_by_label_contains(&position).is_some(),
        "{position}"
    );
    // The graph shown is the last script that parsed, and its header says so.
    let last_good = format!(
        "Output L = {}, from the last script that worked (line {line} has an error)",
        engine_output_with_x(1.5)
    );
    assert!(
        harness.query_by_label(&last_good).is_some(),
        "the header reads: {last_good}"
    );
}

#[test]
fn the_theme_switch_flips_the_theme() {
    let mut harness = harness();
    harness.run();
    harness.get_by_label("Dark theme").click();
    harness.run();
    harness.get_by_label("Light theme");
    assert_eq!(harness.ctx.theme(), egui::Theme::Dark);
}
