//! What the app remembers of a learner's work, per lesson.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// The format version written today. Older files still load: every field has a default.
pub const VERSION: u32 = 1;

/// The learner's progress over all lessons, keyed by lesson file name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    /// The format version of the file this came from.
    pub version: u32,
    /// Progress per lesson file (e.g. `01-blame-game.ron`).
    pub lessons: BTreeMap<String, LessonProgress>,
}

impl Default for Progress {
    fn default() -> Self {
        Self {
            version: VERSION,
            lessons: BTreeMap::new(),
        }
    }
}

/// One lesson's progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LessonProgress {
    /// The learner opened the lesson at least once.
    pub opened: bool,
    /// The learner finished the lesson.
    pub finished: bool,
    /// Questions (by their number in the lesson, from 0) answered right at least once.
    pub correct: BTreeSet<u32>,
    /// How many questions the lesson had when last answered (for "3 of 4").
    pub question_count: u32,
    /// How many answers the learner has checked in this lesson.
    pub attempts: u32,
    /// Cards (by their number in the lesson) and whether the learner's last answer was
    /// right.
    pub cards: BTreeMap<u32, bool>,
    /// Questions (by their number in the lesson) and whether the learner's very first
    /// checked answer was right: what they could do before any worked solution.
    pub first_try: BTreeMap<u32, bool>,
}

impl LessonProgress {
    /// The best score so far: questions answered right.
    pub fn best_score(&self) -> u32 {
        u32::try_from(self.correct.len()).unwrap_or(u32::MAX)
    }

    /// Questions answered right on the very first try.
    pub fn first_try_score(&self) -> u32 {
        u32::try_from(self.first_try.values().filter(|&&right| right).count()).unwrap_or(u32::MAX)
    }
}

impl Progress {
    /// The lesson's progress (empty if the learner never touched it).
    pub fn lesson(&self, file: &str) -> LessonProgress {
        self.lessons.get(file).cloned().unwrap_or_default()
    }

    /// Marks a lesson opened; returns whether that is news (worth saving).
    pub fn open(&mut self, file: &str) -> bool {
        let entry = self.lessons.entry(file.to_string()).or_default();
        !std::mem::replace(&mut entry.opened, true)
    }

    /// Marks a lesson finished; returns whether that is news.
    pub fn finish(&mut self, file: &str) -> bool {
        let entry = self.lessons.entry(file.to_string()).or_default();
        entry.opened = true;
        !std::mem::replace(&mut entry.finished, true)
    }

    /// Records one checked answer to question `question` of a lesson with
    /// `question_count` questions.
    pub fn answer(&mut self, file: &str, question: u32, question_count: u32, right: bool) {
        let entry = self.lessons.entry(file.to_string()).or_default();
        entry.opened = true;
        entry.attempts = entry.attempts.saturating_add(1);
        entry.question_count = question_count;
        if right {
            entry.correct.insert(question);
        }
    }

    /// Records a question's first checked answer in an attempt; only the first ever is
    /// kept.
    pub fn first_try(&mut self, file: &str, question: u32, right: bool) {
        let entry = self.lessons.entry(file.to_string()).or_default();
        entry.first_try.entry(question).or_insert(right);
    }

    /// Records the learner's answer to card `card`.
    pub fn card(&mut self, file: &str, card: u32, right: bool) {
        let entry = self.lessons.entry(file.to_string()).or_default();
        entry.opened = true;
        entry.cards.insert(card, right);
    }

    /// Takes in another copy's records (another window's save): the union of opened and
    /// finished lessons, of questions answered right (so the best score never drops) and
    /// of cards (this copy's answer wins for a card both hold); the larger question and
    /// attempt counts.
    pub fn merge(&mut self, other: &Progress) {
        for (file, theirs) in &other.lessons {
            let ours = self.lessons.entry(file.clone()).or_default();
            ours.opened |= theirs.opened;
            ours.finished |= theirs.finished;
            ours.correct.extend(theirs.correct.iter().copied());
            ours.question_count = ours.question_count.max(theirs.question_count);
            ours.attempts = ours.attempts.max(theirs.attempts);
            for (&card, &right) in &theirs.cards {
                ours.cards.entry(card).or_insert(right);
            }
            for (&question, &right) in &theirs.first_try {
                ours.first_try.entry(question).or_insert(right);
            }
        }
    }

    /// Whether a lesson is finished.
    pub fn is_finished(&self, file: &str) -> bool {
        self.lessons.get(file).is_some_and(|l| l.finished)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_keep_the_best_score_and_count_attempts() {
        let mut p = Progress::default();
        assert!(p.open("a.ron"));
        assert!(!p.open("a.ron"));
        p.answer("a.ron", 0, 3, false);
        p.answer("a.ron", 0, 3, true);
        p.answer("a.ron", 2, 3, true);
        p.answer("a.ron", 2, 3, false);
        let a = p.lesson("a.ron");
        assert_eq!((a.best_score(), a.question_count, a.attempts), (2, 3, 4));
        // The first try is kept, whatever comes after.
        p.first_try("a.ron", 0, false);
        p.first_try("a.ron", 0, true);
        p.first_try("a.ron", 2, true);
        assert_eq!(p.lesson("a.ron").first_try_score(), 1);
        assert!(p.finish("a.ron"));
        assert!(p.is_finished("a.ron"));
        assert!(!p.is_finished("b.ron"));
    }

    #[test]
    fn merging_keeps_the_union_and_the_best_score() {
        let mut a = Progress::default();
        a.open("1.ron");
        a.answer("2.ron", 0, 3, true);
        a.card("2.ron", 0, true);
        let mut b = Progress::default();
        b.finish("12.ron");
        b.answer("2.ron", 1, 3, true);
        b.answer("2.ron", 2, 3, false);
        b.card("2.ron", 0, false);
        b.card("2.ron", 1, false);
        a.merge(&b);
        assert!(a.lesson("1.ron").opened && a.is_finished("12.ron"));
        let two = a.lesson("2.ron");
        assert_eq!((two.best_score(), two.attempts), (2, 2));
        assert_eq!(two.cards.get(&0), Some(&true));
        assert_eq!(two.cards.get(&1), Some(&false));
    }
}
