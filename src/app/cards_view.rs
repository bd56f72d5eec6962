//! A deck of cards, one at a time: flashcards (think, reveal, say whether you knew it) and
//! "myth or truth?" cards (commit, then read why). Each answer is reported for progress.

use egui::RichText;
use egui_commonmark::CommonMarkCache;

use crate::lesson::{Card, CardsSection};

use super::markdown::markdown_ui;
use super::section::{LessonEvent, PageContext, Placement, SectionWidget};
use super::style;

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
    /// The size the card last had, so it keeps it while it turns over.
    card_size: egui::Vec2,
}

/// How long a card takes to turn over.
const FLIP_SECONDS: f32 = 0.3;

/// The card itself: a raised, rounded surface.
fn card_frame(ui: &egui::Ui) -> egui::Frame {
    egui::Frame::new()
        .fill(ui.visuals().extreme_bg_color)
        .stroke(ui.visuals().widgets.noninteractive.bg_stroke)
        .corner_radius(10.0)
        .inner_margin(16.0)
        .shadow(ui.visuals().popup_shadow)
}

impl CardsView {
    /// A deck at its first card; its cards are numbered within the lesson from
    /// `place.cards_before`, which moves past them.
    pub fn new(section: &CardsSection, place: &mut Placement<'_>) -> Self {
        let n = section.cards.len();
        let first = place.cards_before;
        place.cards_before = first.saturating_add(u32::try_from(n).unwrap_or(0));
        Self {
            section: section.clone(),
            first,
            current: 0,
            revealed: vec![false; n],
            called: vec![None; n],
            results: vec![None; n],
            card_size: egui::vec2(400.0, 140.0),
        }
    }

    /// Whether the learner said, for every card, whether they got it.
    pub fn all_answered(&self) -> bool {
        self.results.iter().all(Option::is_some)
    }

    /// Draws the current card; returns (card number in the lesson, right) when the learner
    /// answers one.
    pub fn ui(&mut self, ui: &mut egui::Ui, cache: &mut CommonMarkCache) -> Option<(u32, bool)> {
        let mut answered = None;
        let total = self.section.cards.len();
        style::section_frame(ui).show(ui, |ui| {
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
            // Which face is up: a flashcard turns when the learner asks, a myth card
            // when they call it.
            let back_up = match card {
                Card::Flash { .. } => self.revealed[index],
                Card::Myth { .. } => self.called[index].is_some(),
            };
            // 0 = front up, 1 = back up; in between, the card is turning over.
            let turn = ui.ctx().animate_bool_with_time(id.with("turn"), back_up, FLIP_SECONDS);
            if turn > 0.0 && turn < 1.0 {
                self.turning_card_ui(ui, turn);
            } else {
                let response = card_frame(ui).show(ui, |ui| {
                    ui.set_width(ui.available_width().min(style::READING_WIDTH));
                    ui.set_min_height(140.0);
                    match card {
                        Card::Flash { question, answer } => {
                            if back_up {
                                ui.label(RichText::new("Back: the answer").weak());
                                markdown_ui(ui, cache, id.with("back"), &answer);
                                ui.horizontal(|ui| {
                                    let said = self.results[index];
                                    if ui
                                        .add(egui::Button::new("I knew it").selected(said == Some(true)))
                                        .clicked()
                                    {
                                        record(&mut self.results, true);
                                        // Known: on to the next card, as the note says.
                                        if index + 1 < total {
                                            self.current = index + 1;
                                        }
                                    }
                                    if ui
                                        .add(egui::Button::new("Not yet").selected(said == Some(false)))
                                        .clicked()
                                    {
                                        record(&mut self.results, false);
                                    }
                                    if ui.button("Turn back to the question").clicked() {
                                        self.revealed[index] = false;
                                    }
                                });
                                match self.results[index] {
                                    Some(true) => {
                                        let note = if index + 1 < total {
                                            "Marked as known. Use Next card to go on."
                                        } else {
                                            "Marked as known. That was the last card of the deck."
                                        };
                                        ui.label(
                                            RichText::new(note)
                                                .color(style::right_color(ui.visuals().dark_mode)),
                                        );
                                    }
                                    Some(false) => {
                                        ui.label(RichText::new(
                                            "Marked to review: read the answer once more, then try the next card and come back to this one.",
                                        ));
                                    }
                                    None => {}
                                }
                            } else {
                                ui.label(RichText::new("Front: the question").weak());
                                markdown_ui(ui, cache, id.with("front"), &question);
                                style::caption(ui, "Think of your answer first, then turn the card.");
                                if ui.button("Turn the card").clicked() {
                                    self.revealed[index] = true;
                                }
                            }
                        }
                        Card::Myth {
                            statement,
                            myth,
                            explanation,
                        } => match self.called[index] {
                            None => {
                                ui.label(RichText::new("Myth or truth?").weak());
                                markdown_ui(ui, cache, id.with("front"), &statement);
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
                                ui.label(RichText::new("Back: why").weak());
                                let verdict = if myth { "It is a myth." } else { "It is true." };
                                let dark = ui.visuals().dark_mode;
                                let (text, color) = if says_myth == myth {
                                    (format!("Right! {verdict}"), style::right_color(dark))
                                } else {
                                    (format!("Not quite. {verdict}"), style::wrong_color(dark))
                                };
                                ui.label(RichText::new(text).strong().color(color));
                                style::caption(ui, &format!("The statement: {statement}"));
                                markdown_ui(ui, cache, id.with("back"), &explanation);
                            }
                        },
                    }
                });
                self.card_size = response.response.rect.size();
            }
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

    /// The card edge-on and turning: its width shrinks to nothing at half-way and grows
    /// back, as a card turned about its vertical axis looks.
    fn turning_card_ui(&self, ui: &mut egui::Ui, turn: f32) {
        let (rect, _) = ui.allocate_exact_size(self.card_size, egui::Sense::hover());
        let width = rect.width() * (1.0 - 2.0 * turn).abs();
        let face = egui::Rect::from_center_size(rect.center(), egui::vec2(width, rect.height()));
        let visuals = ui.visuals();
        ui.painter().rect(
            face,
            10.0,
            visuals.extreme_bg_color,
            visuals.widgets.noninteractive.bg_stroke,
            egui::StrokeKind::Inside,
        );
    }
}

impl SectionWidget for CardsView {
    fn cards(&self) -> Option<(usize, usize)> {
        let known = self.results.iter().filter(|r| **r == Some(true)).count();
        Some((self.results.len(), known))
    }

    fn ui(&mut self, ui: &mut egui::Ui, id: egui::Id, page: &mut PageContext<'_>) {
        let answered = ui.push_id(id, |ui| Self::ui(self, ui, page.markdown)).inner;
        if let Some((card, right)) = answered {
            page.events.push(LessonEvent::Card { card, right });
        }
    }
}
