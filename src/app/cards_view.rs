//! A deck of cards, one at a time: flashcards (think, reveal, say whether you knew it) and
//! "myth or truth?" cards (commit, then read why). Each answer is reported for progress.

use egui::RichText;
use egui_commonmark::CommonMarkCache;

use crate::lesson::{Card, CardsSection};

use super::lesson_view::markdown_ui;
use super::quiz_view::RIGHT_COLOR;

/// The deck's state.
pub struct CardsView {
    section: CardsSection,
    /// The number of this deck's first card within the lesson.
    first: u32,
    current: usize,
    /// Per card: revealed (flash) or the learner's call (myth: Some(called it a myth)).
    revealed: Vec<bool>,
    called: Vec<Option<bool>>,
    /// Per card: whether the learner got it, once they said.
    results: Vec<Option<bool>>,
}

impl CardsView {
    /// A deck at its first card; `first` numbers its cards within the lesson.
    pub fn new(section: &CardsSection, first: u32) -> Self {
        let n = section.cards.len();
        Self {
            section: section.clone(),
            first,
            current: 0,
            revealed: vec![false; n],
            called: vec![None; n],
            results: vec![None; n],
        }
    }

    /// Draws the current card; returns (card number in the lesson, right) when the learner
    /// answers one.
    pub fn ui(&mut self, ui: &mut egui::Ui, cache: &mut CommonMarkCache) -> Option<(u32, bool)> {
        let mut answered = None;
        let total = self.section.cards.len();
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            if !self.section.title.is_empty() {
                ui.strong(&self.section.title);
            }
            let right = self.results.iter().filter(|r| **r == Some(true)).count();
            let done = self.results.iter().filter(|r| r.is_some()).count();
            ui.label(format!(
                "Card {} of {total}. Right so far: {right} of {done} answered.",
                self.current + 1
            ));
            let index = self.current;
            let Some(card) = self.section.cards.get(index).cloned() else {
                return;
            };
            let id = ui.scope_id().with(("card", index));
            let mut record = |results: &mut Vec<Option<bool>>, right: bool| {
                if let Some(slot) = results.get_mut(index) {
                    *slot = Some(right);
                }
                let offset = u32::try_from(index).unwrap_or(u32::MAX);
                answered = Some((self.first.saturating_add(offset), right));
            };
            // The card itself: a raised, rounded surface, front over back.
            let card_frame = egui::Frame::new()
                .fill(ui.visuals().extreme_bg_color)
                .stroke(ui.visuals().widgets.noninteractive.bg_stroke)
                .corner_radius(10.0)
                .inner_margin(16.0)
                .shadow(ui.visuals().popup_shadow);
            card_frame.show(ui, |ui| {
            ui.set_width(ui.available_width().min(super::style::READING_WIDTH));
            ui.set_min_height(120.0);
            match card {
                Card::Flash { question, answer } => {
                    ui.label(RichText::new("Front: the question").weak());
                    markdown_ui(ui, cache, id.with("front"), &question);
                    if !self.revealed[index] {
                        ui.label(RichText::new("Think of your answer first.").italics());
                        if ui.button("Show the answer").clicked() {
                            self.revealed[index] = true;
                        }
                    } else {
                        ui.separator();
                        ui.label(RichText::new("Back: the answer").weak());
                        markdown_ui(ui, cache, id.with("back"), &answer);
                        ui.horizontal(|ui| {
                            let said = self.results[index];
                            if ui
                                .add(egui::Button::new("I knew it").selected(said == Some(true)))
                                .clicked()
                            {
                                record(&mut self.results, true);
                            }
                            if ui
                                .add(egui::Button::new("Not yet").selected(said == Some(false)))
                                .clicked()
                            {
                                record(&mut self.results, false);
                            }
                        });
                        match self.results[index] {
                            Some(true) => {
                                ui.label(
                                    RichText::new("Marked as known. On to the next card.")
                                        .color(RIGHT_COLOR),
                                );
                            }
                            Some(false) => {
                                ui.label(RichText::new(
                                    "Marked to review: read the answer once more, then try the next card and come back to this one.",
                                ));
                            }
                            None => {}
                        }
                    }
                }
                Card::Myth {
                    statement,
                    myth,
                    explanation,
                } => {
                    ui.label(RichText::new("Myth or truth?").weak());
                    markdown_ui(ui, cache, id.with("front"), &statement);
                    match self.called[index] {
                        None => {
                            ui.horizontal(|ui| {
                                for (label, says_myth) in [("Myth", true), ("Truth", false)] {
                                    if ui.button(label).clicked() {
                                        self.called[index] = Some(says_myth);
                                        record(&mut self.results, says_myth == myth);
                                    }
                                }
                            });
                        }
                        Some(says_myth) => {
                            let verdict = if myth { "It is a myth." } else { "It is true." };
                            if says_myth == myth {
                                ui.label(
                                    RichText::new(format!("Right! {verdict}"))
                                        .strong()
                                        .color(RIGHT_COLOR),
                                );
                            } else {
                                ui.label(
                                    RichText::new(format!("Not quite. {verdict}"))
                                        .strong()
                                        .color(ui.visuals().error_fg_color),
                                );
                            }
                            markdown_ui(ui, cache, id.with("back"), &explanation);
                        }
                    }
                }
            }
            });
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(self.current > 0, egui::Button::new("Previous card"))
                    .clicked()
                {
                    self.current -= 1;
                }
                if ui
                    .add_enabled(self.current + 1 < total, egui::Button::new("Next card"))
                    .clicked()
                {
                    self.current += 1;
                }
            });
        });
        answered
    }
}
