//! The progress overview, a dashboard: per lesson a row that opens the lesson, whether it
//! was opened and finished, the best quiz score with a bar, the answers checked and the
//! cards known; and "reset progress", behind a confirmation.

use egui_extras::{Column, TableBuilder};

use crate::progress::Progress;
use crate::progress::mastery::ConceptMastery;

/// The page's own state: whether the reset is waiting for confirmation.
#[derive(Debug, Default)]
pub struct ProgressPage {
    confirming_reset: bool,
    /// The lesson (by its index in the list) the learner clicked, for the app to open.
    pub open_request: Option<usize>,
}

/// What each lesson holds, by lesson.
pub struct Counts {
    /// Its questions.
    pub questions: Vec<u32>,
    /// Its cards.
    pub cards: Vec<u32>,
    /// Every concept the questions test, with how well it is known now.
    pub concepts: Vec<ConceptMastery>,
}

impl ProgressPage {
    /// Draws the page; returns true when the learner confirmed the reset.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        progress: &Progress,
        lessons: &[(String, String)],
        counts: &Counts,
        location: &str,
    ) -> bool {
        ui.heading("My progress");
        let finished = lessons
            .iter()
            .filter(|(file, _)| progress.is_finished(file))
            .count();
        let total = lessons.len().max(1);
        super::style::fraction_bar(
            ui,
            finished as f32 / total as f32,
            420.0,
            Some(&format!("{finished} of {} lessons finished", lessons.len())),
        );
        ui.label(format!("Saved in {location}."));
        ui.add_space(8.0);
        // In a narrow window the columns shrink to their headings and long lesson titles
        // wrap, so the table stays inside the window.
        let narrow = ui.available_width() < 1060.0;
        let (title, yes_no, score) = if narrow {
            (Column::remainder().at_least(150.0), 54.0, 54.0)
        } else {
            (Column::auto().at_least(260.0), 90.0, 170.0)
        };
        TableBuilder::new(ui)
            .striped(true)
            .column(title)
            .columns(Column::auto().at_least(yes_no), 4)
            .column(Column::auto().at_least(score))
            .columns(Column::auto().at_least(yes_no), 2)
            .header(22.0, |mut header| {
                let titles = if narrow {
                    [
                        "Lesson",
                        "Opened",
                        "Finished",
                        "First try",
                        "Hints",
                        "Best",
                        "Checked",
                        "Cards",
                    ]
                } else {
                    [
                        "Lesson",
                        "Opened",
                        "Finished",
                        "First try",
                        "Hints used",
                        "Best score",
                        "Answers checked",
                        "Cards known",
                    ]
                };
                for title in titles {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|mut body| {
                for (index, (((file, title), &count), &cards)) in lessons
                    .iter()
                    .zip(&counts.questions)
                    .zip(&counts.cards)
                    .enumerate()
                {
                    let lesson = progress.lesson(file);
                    body.row(22.0, |mut row| {
                        row.col(|ui| {
                            // The title opens the lesson.
                            if ui
                                .link(format!("{}. {title}", index + 1))
                                .on_hover_text("Open this lesson")
                                .clicked()
                            {
                                self.open_request = Some(index);
                            }
                        });
                        row.col(|ui| {
                            ui.label(if lesson.opened { "yes" } else { "no" });
                        });
                        row.col(|ui| {
                            ui.label(if lesson.finished { "● yes" } else { "○ no" });
                        });
                        row.col(|ui| {
                            // Right on the very first try: what the learner could do
                            // before any worked solution.
                            if count > 0 {
                                let first = lesson.first_try_score().min(count);
                                ui.label(format!("{first} of {count}"));
                            }
                        });
                        row.col(|ui| {
                            // Hints opened before first tries: a first try after a hint is
                            // right, but scheduled sooner for review.
                            if count > 0 {
                                ui.label(lesson.hints_used().to_string());
                            }
                        });
                        row.col(|ui| {
                            if count == 0 {
                                ui.label("no quiz");
                            } else {
                                let best = lesson.best_score().min(count);
                                ui.horizontal(|ui| {
                                    if !narrow {
                                        super::style::fraction_bar(
                                            ui,
                                            best as f32 / count as f32,
                                            80.0,
                                            None,
                                        );
                                    }
                                    ui.label(format!("{best} of {count}"));
                                });
                            }
                        });
                        row.col(|ui| {
                            ui.label(lesson.attempts.to_string());
                        });
                        row.col(|ui| {
                            // Known out of the whole deck, not of those answered so far.
                            let right = lesson.cards.values().filter(|r| **r).count();
                            if cards == 0 {
                                ui.label("no cards");
                            } else {
                                ui.label(format!("{right} of {cards}"));
                            }
                        });
                    });
                }
            });
        ui.add_space(16.0);
        concepts_ui(ui, &counts.concepts);
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

/// Each concept's mastery as a fill and a word (never colour alone): built from first
/// tries and reviews, fading with time until a review brings it back.
fn concepts_ui(ui: &mut egui::Ui, concepts: &[ConceptMastery]) {
    super::style::section_title(ui, "Concepts");
    ui.set_max_width(super::style::READING_WIDTH.min(ui.available_width()));
    ui.label(
        "How well you would recall each concept now: from your first tries and reviews. It \
         fades with time; a review brings it back. \"solid\": recalled well; \"shaky\": \
         faded or partly missed; \"due\": some of its questions wait in Review; \"not yet\": \
         no question of it answered right.",
    );
    egui::Grid::new("concepts")
        .num_columns(3)
        .spacing([16.0, 6.0])
        .striped(true)
        .show(ui, |ui| {
            for concept in concepts {
                ui.label(&concept.name);
                let percent = (concept.mastery * 100.0).round();
                super::style::fraction_bar(
                    ui,
                    concept.mastery as f32,
                    120.0,
                    Some(&format!("{percent}%")),
                );
                ui.label(concept.state.word());
                ui.end_row();
            }
        });
}
