//! The Review page: questions that fall due again, mixed across lessons, each with new
//! numbers. A question missed on its first try comes back the next day; one answered
//! right comes back after a few days, then further apart each time (FSRS). What is due
//! is worked out from the answer log ([`crate::progress::mastery`]); the page draws the
//! questions and reports each checked answer.

use egui_commonmark::CommonMarkCache;

use crate::lesson::Question;
use crate::progress::mastery::DueQuestion;
use crate::progress::review::DAY;

use super::quiz_view::QuestionView;
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

/// The page's state: the session under way, if one was started.
#[derive(Default)]
pub struct ReviewPage {
    session: Option<Vec<Item>>,
    markdown: CommonMarkCache,
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
    /// Draws the page. `due` is what is due now, `next` when the next question falls due
    /// after those; returns the answers checked this frame.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        due: Vec<DueItem>,
        next: Option<u64>,
        now: u64,
    ) -> Vec<ReviewAnswer> {
        let mut answers = Vec::new();
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.set_max_width(style::READING_WIDTH.min(ui.available_width()));
            ui.heading("Review");
            ui.label(
                "Questions come back just before you would forget them: one you missed on \
                 the first try comes back the next day, one you got right after a few days, \
                 then further apart each time you get it right again. Each comes back with \
                 new numbers, mixed across lessons.",
            );
            ui.add_space(8.0);
            match &mut self.session {
                None => Self::start_ui(ui, &mut self.session, due, next, now),
                Some(items) => {
                    let finished = Self::session_ui(ui, items, &mut self.markdown, &mut answers);
                    if finished {
                        let right = items.iter().filter(|i| i.first == Some(true)).count();
                        ui.label(
                            egui::RichText::new(format!(
                                "Review done: {right} of {} right on the first try. Missed \
                                 ones come back tomorrow.",
                                items.len()
                            ))
                            .strong(),
                        );
                        if ui.button("Close this review").clicked() {
                            self.session = None;
                        }
                    }
                }
            }
        });
        answers
    }

    fn start_ui(
        ui: &mut egui::Ui,
        session: &mut Option<Vec<Item>>,
        due: Vec<DueItem>,
        next: Option<u64>,
        now: u64,
    ) {
        if due.is_empty() {
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
        let mut lessons: Vec<&str> = due.iter().map(|d| d.due.file.as_str()).collect();
        lessons.dedup();
        let count = due.len();
        let from = if lessons.len() == 1 {
            "one lesson".to_string()
        } else {
            format!("{} lessons", lessons.len())
        };
        let questions = if count == 1 {
            "question is"
        } else {
            "questions are"
        };
        ui.label(egui::RichText::new(format!("{count} {questions} due, from {from}.")).strong());
        if ui.button("Start the review").clicked() {
            *session = Some(
                due.into_iter()
                    .map(|d| Item {
                        // New numbers every time it comes back.
                        view: QuestionView::new(
                            &d.question,
                            crate::quiz::seed::fnv1a(&d.due.id) ^ now,
                        ),
                        file: d.due.file,
                        lesson_title: d.lesson_title,
                        id: d.due.id,
                        question_count: d.question_count,
                        first: None,
                    })
                    .collect(),
            );
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
                    if let Some(right) = item.view.ui(ui, markdown) {
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
