//! The lesson list on the left, pages, fonts, and how a broken lesson file is shown.

use serde::{Deserialize, Serialize};

use crate::lesson::LessonError;

/// A page of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Page {
    /// The lesson at this index of the lesson list.
    Lesson(usize),
    /// The free playground.
    Playground,
    /// Questions due again, mixed across lessons.
    Review,
    /// The learner's progress over all lessons.
    Progress,
}

/// The list of lessons with a mark on each finished one, then the playground, the
/// review with the number of questions due, and the learner's progress. Returns the page
/// the learner picked.
pub fn lesson_list_ui(
    ui: &mut egui::Ui,
    lessons: &[(String, bool)],
    (current, due): (Page, usize),
    load_error: Option<&str>,
    allowed: &dyn Fn(Page) -> bool,
) -> Option<Page> {
    let mut picked = None;
    ui.heading("Lessons");
    if let Some(message) = load_error {
        ui.colored_label(ui.visuals().error_fg_color, message);
    }
    egui::ScrollArea::vertical().show(ui, |ui| {
        for (index, (title, finished)) in lessons.iter().enumerate() {
            // A filled dot for finished, an empty one for not yet: shape, not colour, tells.
            let mark = if *finished { "●" } else { "○" };
            let text = format!("{mark} {}. {title}", index + 1);
            let response = ui.selectable_label(current == Page::Lesson(index), text);
            let response = if *finished {
                response.on_hover_text("Finished")
            } else {
                response
            };
            if response.clicked() {
                picked = Some(Page::Lesson(index));
            }
        }
        ui.separator();
        if allowed(Page::Playground)
            && ui
                .selectable_label(current == Page::Playground, "Playground")
                .clicked()
        {
            picked = Some(Page::Playground);
        }
        let review = if due == 0 {
            "Review".to_string()
        } else {
            format!("Review · {due} due")
        };
        if ui
            .selectable_label(current == Page::Review, review)
            .on_hover_text("Questions that are due again, with new numbers")
            .clicked()
        {
            picked = Some(Page::Review);
        }
        if allowed(Page::Progress)
            && ui
                .selectable_label(current == Page::Progress, "My progress")
                .clicked()
        {
            picked = Some(Page::Progress);
        }
    });
    picked
}

/// A lesson file that could not be loaded: its errors, so a teacher can fix it.
pub fn broken_lesson_ui(ui: &mut egui::Ui, file: &str, errors: &[LessonError]) {
    ui.heading(format!("{file} cannot be shown"));
    ui.label("The lesson file has these problems (file:line:column):");
    for error in errors {
        ui.colored_label(
            ui.visuals().error_fg_color,
            egui::RichText::new(error.to_string()).monospace(),
        );
    }
    ui.label("The other lessons still work. Run `backprop-lab check DIR` to check a folder.");
}

/// Adds the bundled monospace font (Hack) as a fallback of the proportional one, for the
/// arrows, shapes and maths symbols (◀ ▶ ● ∇ → ←) the default proportional font lacks.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    let hack = fonts
        .families
        .get(&egui::FontFamily::Monospace)
        .and_then(|family| family.first().cloned());
    if let (Some(hack), Some(proportional)) = (
        hack,
        fonts.families.get_mut(&egui::FontFamily::Proportional),
    ) && !proportional.contains(&hack)
    {
        proportional.push(hack);
    }
    ctx.set_fonts(fonts);
}
