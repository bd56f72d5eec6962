//! What is due for review and how well each concept is known, from the answer log and
//! the schedule ([`super::review`]). The caller names the questions (a lesson file, the
//! question's stable id and the concepts it tests); this module knows no lesson.

use super::model::{Progress, first_try};
use super::review::schedule;

/// Mastery at or above this is "solid".
pub const SOLID: f64 = 0.85;

/// One question as the caller knows it.
#[derive(Debug, Clone, Copy)]
pub struct Tracked<'a> {
    /// Its lesson's file name.
    pub file: &'a str,
    /// Its stable id.
    pub id: &'a str,
    /// The concepts it tests.
    pub concepts: &'a [String],
}

/// A question that is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueQuestion {
    /// Its lesson's file name.
    pub file: String,
    /// Its stable id.
    pub id: String,
    /// When it fell due, in seconds since 1970.
    pub due: u64,
}

/// Whether a question takes part in review: missed on its first try, reviewed before, or
/// from a finished lesson (a lesson in progress is not reviewed behind the learner's back).
fn in_review(progress: &Progress, question: &Tracked<'_>) -> bool {
    let lesson = progress.lessons.get(question.file);
    let Some(log) = lesson.and_then(|l| l.answers.get(question.id)) else {
        return false;
    };
    first_try(log) == Some(false)
        || log.iter().any(|a| a.review)
        || lesson.is_some_and(|l| l.finished)
}

/// The questions in review, each with when it falls due, soonest first.
pub fn schedule_all(progress: &Progress, questions: &[Tracked<'_>], now: u64) -> Vec<DueQuestion> {
    let mut all: Vec<DueQuestion> = questions
        .iter()
        .filter(|q| in_review(progress, q))
        .filter_map(|q| {
            let log = progress.lessons.get(q.file)?.answers.get(q.id)?;
            let due = schedule(log, now)?.due;
            Some(DueQuestion {
                file: q.file.to_string(),
                id: q.id.to_string(),
                due,
            })
        })
        .collect();
    all.sort_by_key(|d| d.due);
    all
}

/// The questions due at `now`, mixed across lessons: one from each lesson in turn, each
/// lesson's soonest first.
pub fn due(progress: &Progress, questions: &[Tracked<'_>], now: u64) -> Vec<DueQuestion> {
    let mut by_lesson: Vec<Vec<DueQuestion>> = Vec::new();
    for item in schedule_all(progress, questions, now)
        .into_iter()
        .filter(|d| d.due <= now)
    {
        match by_lesson.iter_mut().find(|l| l[0].file == item.file) {
            Some(lesson) => lesson.push(item),
            None => by_lesson.push(vec![item]),
        }
    }
    let mut mixed = Vec::new();
    let mut round = 0;
    while mixed.len() < by_lesson.iter().map(Vec::len).sum::<usize>() {
        for lesson in &by_lesson {
            if let Some(item) = lesson.get(round) {
                mixed.push(item.clone());
            }
        }
        round += 1;
    }
    mixed
}

/// How well a concept is known, in a word (with the fill, never colour alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// None of its questions answered right yet.
    NotYet,
    /// Some of its questions are due for review.
    Due,
    /// Known, but recall has faded or some questions were missed.
    Shaky,
    /// Recalled well now.
    Solid,
}

impl State {
    /// The word shown.
    pub fn word(self) -> &'static str {
        match self {
            State::NotYet => "not yet",
            State::Due => "due",
            State::Shaky => "shaky",
            State::Solid => "solid",
        }
    }
}

/// One concept's mastery.
#[derive(Debug, Clone, PartialEq)]
pub struct ConceptMastery {
    /// The concept.
    pub name: String,
    /// From 0 to 1: the mean over its questions of how likely each is recalled now (0 for
    /// a question never answered right).
    pub mastery: f64,
    /// The word.
    pub state: State,
}

/// Every concept the questions test, in order of first mention, with its mastery at
/// `now`: built from first tries and reviews, fading with time.
pub fn concepts(progress: &Progress, questions: &[Tracked<'_>], now: u64) -> Vec<ConceptMastery> {
    let due: Vec<DueQuestion> = due(progress, questions, now);
    let mut names: Vec<&str> = Vec::new();
    for q in questions {
        for c in q.concepts {
            if !names.contains(&c.as_str()) {
                names.push(c);
            }
        }
    }
    names
        .into_iter()
        .map(|name| {
            let mine: Vec<&Tracked<'_>> = questions
                .iter()
                .filter(|q| q.concepts.iter().any(|c| c == name))
                .collect();
            let recall: Vec<f64> = mine
                .iter()
                .map(|q| {
                    progress
                        .lessons
                        .get(q.file)
                        .and_then(|l| l.answers.get(q.id))
                        .and_then(|log| schedule(log, now))
                        .map_or(0.0, |s| s.retrievability)
                })
                .collect();
            let mastery = recall.iter().sum::<f64>() / recall.len().max(1) as f64;
            let any_due = mine
                .iter()
                .any(|q| due.iter().any(|d| d.file == q.file && d.id == q.id));
            // "Due" first: the word sends the learner to Review.
            let state = if any_due {
                State::Due
            } else if recall.iter().all(|&r| r == 0.0) {
                State::NotYet
            } else if mastery >= SOLID {
                State::Solid
            } else {
                State::Shaky
            };
            ConceptMastery {
                name: name.to_string(),
                mastery,
                state,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::AnswerRecord;
    use crate::progress::review::DAY;

    #[test]
    fn a_missed_question_falls_due_and_its_concept_says_so() {
        let t = 1_800_000_000;
        let mut p = Progress::default();
        let answer = |right| AnswerRecord {
            at: t,
            right,
            ..AnswerRecord::default()
        };
        p.record("a.ron", "q1", 2, answer(false));
        p.record("a.ron", "q2", 2, answer(true));
        let chain = vec!["chain rule".to_string()];
        let gates = vec!["gates".to_string()];
        let questions = [
            Tracked {
                file: "a.ron",
                id: "q1",
                concepts: &chain,
            },
            Tracked {
                file: "a.ron",
                id: "q2",
                concepts: &gates,
            },
        ];
        assert!(due(&p, &questions, t).is_empty(), "not due at once");
        let later = due(&p, &questions, t + 2 * DAY);
        // The right one is not in review: its lesson is not finished.
        assert_eq!(
            later.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
            ["q1"]
        );
        assert_eq!(concepts(&p, &questions, t)[0].state, State::NotYet);
        let known = concepts(&p, &questions, t + 2 * DAY);
        assert_eq!(known[0].state, State::Due, "missed and due: to Review");
        assert_eq!(known[1].state, State::Solid);
        assert!(known[1].mastery > SOLID);
        // A month on, recall has faded.
        let faded = concepts(&p, &questions, t + 40 * DAY);
        assert_eq!(faded[1].state, State::Shaky);
        // Finishing the lesson puts the right one in review too.
        p.finish("a.ron");
        assert_eq!(due(&p, &questions, t + 40 * DAY).len(), 2);
        assert_eq!(concepts(&p, &questions, t + 40 * DAY)[1].state, State::Due);
    }
}
