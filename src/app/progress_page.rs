//! The progress overview: per lesson, opened, finished, best quiz score and attempts;
//! and "reset progress", behind a confirmation.

use egui_extras::{Column, TableBuilder};

use crate::progress::Progress;

/// The page's own state: whether the reset is waiting for confirmation.
#[derive(Debug, Default)]
pub struct ProgressPage {
    confirming_reset: bool,
}

impl ProgressPage {
    /// Draws the page; returns true when the learner confirmed the reset.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        progress: &Progress,
        lessons: &[(String, String)],
        question_counts: &[u32],
        location: &str,
    ) -> bool {
        ui.heading("My progress");
        let finished = lessons
            .iter()
            .filter(|(file, _)| progress.is_finished(file))
            .count();
        ui.label(format!(
            "{finished} of {} lessons finished. Saved in {location}.",
            lessons.len()
        ));
        ui.add_space(8.0);
        TableBuilder::new(ui)
            .striped(true)
            .column(Column::auto().at_least(260.0))
            .columns(Column::auto().at_least(90.0), 5)
            .header(22.0, |mut header| {
                for title in [
                    "Lesson",
                    "Opened",
                    "Finished",
                    "Best score",
                    "Answers checked",
                ] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|mut body| {
                for ((file, title), &count) in lessons.iter().zip(question_counts) {
                    let lesson = progress.lesson(file);
                    body.row(20.0, |mut row| {
                        row.col(|ui| {
                            ui.label(title);
                        });
                        row.col(|ui| {
                            ui.label(if lesson.opened { "yes" } else { "no" });
                        });
                        row.col(|ui| {
                            ui.label(if lesson.finished { "● yes" } else { "○ no" });
                        });
                        row.col(|ui| {
                            if count == 0 {
                                ui.label("no quiz");
                            } else {
                                ui.label(format!("{} of {count}", lesson.best_score().min(count)));
                            }
                        });
                        row.col(|ui| {
                            ui.label(lesson.attempts.to_string());
                        });
                        row.col(|ui| {
                            let right = lesson.cards.values().filter(|r| **r).count();
                            if lesson.cards.is_empty() {
                                ui.label("-");
                            } else {
                                ui.label(format!("{right} of {}", lesson.cards.len()));
                            }
                        });
                    });
                }
            });
        ui.add_space(16.0);
        let mut reset = false;
        if self.confirming_reset {
            ui.label("This erases every mark, score and attempt. It cannot be undone.");
            ui.horizontal(|ui| {
                if ui.button("Yes, erase my progress").clicked() {
                    reset = true;
                    self.confirming_reset = false;
                }
                if ui.button("Cancel").clicked() {
                    self.confirming_reset = false;
                }
            });
        } else if ui.button("Reset progress...").clicked() {
            self.confirming_reset = true;
        }
        reset
    }
}
