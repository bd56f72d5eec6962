//! The Review page: questions that fall due again, mixed across lessons, each with new
//! numbers. A question missed on its first try comes back the next day; one answered
//! right comes back after a few days, then further apart each time (FSRS). What is due
//! is worked out from the answer log ([`crate::progress::mastery`]); the page draws the
//! questions and reports each checked answer.

use egui_commonmark::CommonMarkCache;

use crate::lesson::{Card, CardsSection, Question};
use crate::progress::mastery::DueQuestion;
use crate::progress::review::DAY;

use super::cards_view::CardsView;
use super::quiz_view::QuestionView;
use super::section::Placement;
use super::style;

/// A question of a review session.
struct Item {
    file: String,
    lesson_title: String,
    id: String,
    question_count: u32,
    view: QuestionView,
    /// The first checked answer in this session (what the schedule counts).
    first: Option<bool>,
}

/// A review session: its questions, and the cards marked "Not yet" as one deck with
/// where each card comes from (lesson file, number in the lesson).
struct Session {
    items: Vec<Item>,
    cards: Option<(CardsView, Vec<(String, u32)>)>,
}

/// The page's state: the session under way, if one was started.
#[derive(Default)]
pub struct ReviewPage {
    session: Option<Session>,
    markdown: CommonMarkCache,
}

/// A card marked "Not yet" that is due again.
pub struct DueCard {
    /// Its lesson file.
    pub file: String,
    /// Its number in the lesson.
    pub number: u32,
    /// The card.
    pub card: Card,
}

/// A card answered on the page, for the app to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardAnswer {
    /// Its lesson file.
    pub file: String,
    /// Its number in the lesson.
    pub number: u32,
    /// Whether the learner knew it.
    pub right: bool,
}

/// A due question as the app finds it in its lessons.
pub struct DueItem {
    /// Where it stands in the schedule.
    pub due: DueQuestion,
    /// Its lesson's title.
    pub lesson_title: String,
    /// The question.
    pub question: Question,
    /// How many questions its lesson has.
    pub question_count: u32,
}

/// A checked answer on the page, for the app to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewAnswer {
    /// The lesson file.
    pub file: String,
    /// The question's id.
    pub id: String,
    /// How many questions the lesson has.
    pub question_count: u32,
    /// Whether it was right.
    pub right: bool,
    /// Whether it was the first check of this question in the session.
    pub first: bool,
    /// The seed its numbers were drawn from.
    pub seed: u64,
}

/// "in 3 days", "tomorrow", "in 5 hours": when something falls due, in words.
pub fn when_in_words(due: u64, now: u64) -> String {
    let wait = due.saturating_sub(now);
    let days = wait.div_ceil(DAY);
    match wait {
        0 => "now".into(),
        w if w < DAY => {
            let hours = w.div_ceil(3600);
            if hours == 1 {
                "within the hour".into()
            } else {
                format!("in {hours} hours")
            }
        }
        _ if days == 1 => "tomorrow".into(),
        _ => format!("in {days} days"),
    }
}

impl ReviewPage {
    /// Draws the page. `due` and `cards` are what is due now, `next` when the next
    /// question falls due after those; returns the answers and cards checked this frame.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        (due, cards): (Vec<DueItem>, Vec<DueCard>),
        next: Option<u64>,
        now: u64,
    ) -> (Vec<ReviewAnswer>, Vec<CardAnswer>) {
        let mut answers = Vec::new();
        let mut card_answers = Vec::new();
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.set_max_width(style::READING_WIDTH.min(ui.available_width()));
            ui.heading("Review");
            ui.label(
                "Questions come back just before you would forget them. One you missed on \
                 the first try comes back the next day. Once you finish a lesson, its \
                 questions come back after a few days, then further apart each time you get \
                 them right. Each comes back with new numbers, mixed across lessons. Cards \
                 you marked \"Not yet\" come back the next day.",
            );
            ui.add_space(8.0);
            match &mut self.session {
                None => Self::start_ui(ui, &mut self.session, (due, cards), next, now),
                Some(session) => {
                    let finished =
                        Self::session_ui(ui, &mut session.items, &mut self.markdown, &mut answers);
                    let cards_done = match &mut session.cards {
                        Some((deck, origin)) => {
                            if let Some((index, right)) = deck.ui(ui, &mut self.markdown)
                                && let Some((file, number)) = origin.get(index as usize)
                            {
                                card_answers.push(CardAnswer {
                                    file: file.clone(),
                                    number: *number,
                                    right,
                                });
                            }
                            deck.all_answered()
                        }
                        None => true,
                    };
                    if finished && cards_done {
                        let right = session
                            .items
                            .iter()
                            .filter(|i| i.first == Some(true))
                            .count();
                        let total = session.items.len();
                        if total > 0 {
                            ui.label(
                                egui::RichText::new(format!(
                                    "Review done: {right} of {total} right on the first try. \
                                     Missed ones come back tomorrow."
                                ))
                                .strong(),
                            );
                        } else {
                            ui.label(egui::RichText::new("Review done.").strong());
                        }
                        if ui.button("Close this review").clicked() {
                            self.session = None;
                        }
                    }
                }
            }
        });
        (answers, card_answers)
    }

    fn start_ui(
        ui: &mut egui::Ui,
        session: &mut Option<Session>,
        (due, cards): (Vec<DueItem>, Vec<DueCard>),
        next: Option<u64>,
        now: u64,
    ) {
        if due.is_empty() && cards.is_empty() {
            ui.label(egui::RichText::new("Nothing is due now.").strong());
            match next {
                Some(at) => ui.label(format!(
                    "The next question comes back {}.",
                    when_in_words(at, now)
                )),
                None => ui.label(
                    "Questions you miss on the first try, and the questions of lessons you \
                     finish, come here when they are due.",
                ),
            };
            return;
        }
        let mut lessons: Vec<&str> = due
            .iter()
            .map(|d| d.due.file.as_str())
            .chain(cards.iter().map(|c| c.file.as_str()))
            .collect();
        lessons.sort_unstable();
        lessons.dedup();
        let from = if lessons.len() == 1 {
            "one lesson".to_string()
        } else {
            format!("{} lessons", lessons.len())
        };
        let count = |n: usize, one: &str, many: &str| match n {
            0 => None,
            1 => Some(format!("1 {one}")),
            n => Some(format!("{n} {many}")),
        };
        let parts: Vec<String> = [
            count(due.len(), "question", "questions"),
            count(cards.len(), "card", "cards"),
        ]
        .into_iter()
        .flatten()
        .collect();
        let verb = if due.len() + cards.len() == 1 {
            "is"
        } else {
            "are"
        };
        ui.label(
            egui::RichText::new(format!("{} {verb} due, from {from}.", parts.join(" and ")))
                .strong(),
        );
        if ui.button("Start the review").clicked() {
            let items = due
                .into_iter()
                .map(|d| Item {
                    // New numbers every time it comes back.
                    view: QuestionView::new(&d.question, crate::quiz::seed::fnv1a(&d.due.id) ^ now),
                    file: d.due.file,
                    lesson_title: d.lesson_title,
                    id: d.due.id,
                    question_count: d.question_count,
                    first: None,
                })
                .collect();
            let deck = (!cards.is_empty()).then(|| {
                let section = CardsSection {
                    title: "Cards you marked \"Not yet\"".into(),
                    cards: cards.iter().map(|c| c.card.clone()).collect(),
                };
                let mut place = Placement {
                    lesson_title: "Review",
                    index: 0,
                    questions_before: 0,
                    cards_before: 0,
                    round: 0,
                };
                let origin = cards.into_iter().map(|c| (c.file, c.number)).collect();
                (CardsView::new(&section, &mut place), origin)
            });
            *session = Some(Session { items, cards: deck });
        }
    }

    /// The session's questions; returns whether every one has been checked.
    fn session_ui(
        ui: &mut egui::Ui,
        items: &mut [Item],
        markdown: &mut CommonMarkCache,
        answers: &mut Vec<ReviewAnswer>,
    ) -> bool {
        for (n, item) in items.iter_mut().enumerate() {
            ui.push_id(("review", n), |ui| {
                style::section_frame(ui).show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.strong(format!("Question {} · from {}", n + 1, item.lesson_title));
                    if let Some(right) = item.view.ui(ui, markdown, false) {
                        let first = item.first.is_none();
                        if first {
                            item.first = Some(right);
                        }
                        answers.push(ReviewAnswer {
                            file: item.file.clone(),
                            id: item.id.clone(),
                            question_count: item.question_count,
                            right,
                            first,
                            seed: item.view.seed(),
                        });
                    }
                });
            });
            ui.add_space(6.0);
        }
        items.iter().all(|i| i.first.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_said_in_words() {
        let now = 1_000_000;
        assert_eq!(when_in_words(now, now), "now");
        assert_eq!(when_in_words(now + 600, now), "within the hour");
        assert_eq!(when_in_words(now + 5 * 3600, now), "in 5 hours");
        assert_eq!(when_in_words(now + DAY, now), "tomorrow");
        assert_eq!(when_in_words(now + 3 * DAY - 10, now), "in 3 days");
    }
}
