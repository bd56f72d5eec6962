//! What the app remembers of a learner's work, per lesson: since format 2, every checked
//! answer by the question's stable id, with its time, whether it was the first try of an
//! attempt or a review, the hints used and the variant's seed. Scores, the review schedule
//! and mastery are all worked out from that log.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// The format version written today. Older files still load: every field has a default,
/// and a version-1 file's records (kept by question number) move to their questions' ids
/// with [`Progress::migrate`].
pub const VERSION: u32 = 2;

/// The learner's progress over all lessons, keyed by lesson file name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    /// The format version of the file this came from.
    pub version: u32,
    /// Progress per lesson file (e.g. `01-blame-game.ron`).
    pub lessons: BTreeMap<String, LessonProgress>,
    /// The question ids of the lessons the app knows, by file (not saved): what format-1
    /// records, kept by question number, move to, here and in every merge.
    #[serde(skip)]
    pub question_ids: BTreeMap<String, Vec<String>>,
}

impl Default for Progress {
    fn default() -> Self {
        Self {
            version: VERSION,
            lessons: BTreeMap::new(),
            question_ids: BTreeMap::new(),
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
    /// checked answer was right: what they could do before any worked solution. Format 1;
    /// moved to `answers` by [`Progress::migrate`] once the lesson's ids are known.
    pub first_try: BTreeMap<u32, bool>,
    /// Every checked answer, by the question's stable id, oldest first (format 2).
    pub answers: BTreeMap<String, Vec<AnswerRecord>>,
    /// When each card was last answered, by card number (seconds since 1970).
    pub card_times: BTreeMap<u32, u64>,
}

/// One checked answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(default)]
pub struct AnswerRecord {
    /// When, in seconds since 1970 (0: before times were kept, a migrated record).
    pub at: u64,
    /// Whether it was right.
    pub right: bool,
    /// Whether it was the first checked answer of an attempt or of a review (what scores
    /// and the schedule count).
    pub first: bool,
    /// How many hints the learner had opened before checking it.
    pub hints: u8,
    /// The seed the question's numbers were drawn with.
    pub seed: u64,
    /// Whether it was answered on the Review page.
    pub review: bool,
}

impl Default for AnswerRecord {
    fn default() -> Self {
        Self {
            at: 0,
            right: false,
            first: true,
            hints: 0,
            seed: 0,
            review: false,
        }
    }
}

impl LessonProgress {
    /// The best score so far: questions answered right at least once (and the records of
    /// format 1 not yet moved to ids).
    pub fn best_score(&self) -> u32 {
        let by_id = self
            .answers
            .values()
            .filter(|log| log.iter().any(|a| a.right))
            .count();
        u32::try_from(by_id + self.correct.len()).unwrap_or(u32::MAX)
    }

    /// Questions answered right on the very first try ever.
    pub fn first_try_score(&self) -> u32 {
        let by_id = self
            .answers
            .values()
            .filter(|log| first_try(log) == Some(true))
            .count();
        let legacy = self.first_try.values().filter(|&&right| right).count();
        u32::try_from(by_id + legacy).unwrap_or(u32::MAX)
    }

    /// Whether any first try is on record (answers checked before format 1 recorded
    /// first tries have none: their first-try score is unknown, not zero).
    pub fn knows_first_tries(&self) -> bool {
        self.attempts == 0
            || !self.first_try.is_empty()
            || self.answers.values().any(|log| first_try(log).is_some())
    }

    /// Hints opened before first tries, over all questions.
    pub fn hints_used(&self) -> u32 {
        self.answers
            .values()
            .flat_map(|log| log.iter())
            .filter(|a| a.first && !a.review)
            .map(|a| u32::from(a.hints))
            .sum()
    }
}

/// A question's very first try: its first record marked first, if any.
pub fn first_try(log: &[AnswerRecord]) -> Option<bool> {
    log.iter().find(|a| a.first && !a.review).map(|a| a.right)
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

    /// Records one checked answer to the question with stable id `id` of a lesson with
    /// `question_count` questions.
    pub fn record(&mut self, file: &str, id: &str, question_count: u32, answer: AnswerRecord) {
        let entry = self.lessons.entry(file.to_string()).or_default();
        entry.opened = true;
        entry.attempts = entry.attempts.saturating_add(1);
        entry.question_count = question_count;
        entry
            .answers
            .entry(id.to_string())
            .or_default()
            .push(answer);
    }

    /// Records the learner's answer to card `card` at time `at`.
    pub fn card(&mut self, file: &str, card: u32, right: bool, at: u64) {
        let entry = self.lessons.entry(file.to_string()).or_default();
        entry.opened = true;
        entry.cards.insert(card, right);
        entry.card_times.insert(card, at);
    }

    /// Learns the ids of a lesson's questions today and moves its format-1 records to them
    /// (see [`Progress::migrate`]); every later merge moves what it brings in, too.
    pub fn know_question_ids(&mut self, file: &str, ids: Vec<String>) {
        self.migrate(file, &ids);
        self.question_ids.insert(file.to_string(), ids);
    }

    /// Moves a lesson's format-1 records, kept by question number, to the ids of its
    /// questions today (`ids[number]`), as answers of unknown time; a number past the
    /// list stays where it is, so nothing is lost. Returns whether anything moved.
    pub fn migrate(&mut self, file: &str, ids: &[String]) -> bool {
        let Some(entry) = self.lessons.get_mut(file) else {
            return false;
        };
        let mut moved = false;
        let firsts = std::mem::take(&mut entry.first_try);
        for (number, right) in firsts {
            match ids.get(number as usize) {
                Some(id) => {
                    let log = entry.answers.entry(id.clone()).or_default();
                    if first_try(log).is_none() {
                        log.insert(
                            0,
                            AnswerRecord {
                                right,
                                ..AnswerRecord::default()
                            },
                        );
                    }
                    moved = true;
                }
                None => {
                    entry.first_try.insert(number, right);
                }
            }
        }
        let corrects = std::mem::take(&mut entry.correct);
        for number in corrects {
            match ids.get(number as usize) {
                Some(id) => {
                    let log = entry.answers.entry(id.clone()).or_default();
                    if !log.iter().any(|a| a.right) {
                        log.push(AnswerRecord {
                            right: true,
                            first: false,
                            ..AnswerRecord::default()
                        });
                    }
                    moved = true;
                }
                None => {
                    entry.correct.insert(number);
                }
            }
        }
        moved
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
            // The union of both logs, in time order (a record both hold is kept once).
            for (id, log) in &theirs.answers {
                let mine = ours.answers.entry(id.clone()).or_default();
                let mut all: Vec<AnswerRecord> = mine.iter().chain(log).copied().collect();
                all.sort_by_key(|a| a.at);
                let mut seen = std::collections::BTreeSet::new();
                all.retain(|a| seen.insert(*a));
                *mine = all;
            }
            for (&card, &at) in &theirs.card_times {
                let mine = ours.card_times.entry(card).or_insert(at);
                *mine = (*mine).max(at);
            }
        }
        // Format-1 records brought in (an older file on disk) move to their ids at once.
        let known = std::mem::take(&mut self.question_ids);
        for (file, ids) in &known {
            self.migrate(file, ids);
        }
        self.question_ids = known;
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
        p.record("a.ron", "q0", 3, at(1, false, true));
        p.record("a.ron", "q0", 3, at(2, true, false));
        p.record("a.ron", "q2", 3, at(3, true, true));
        p.record("a.ron", "q2", 3, at(4, false, false));
        let a = p.lesson("a.ron");
        assert_eq!((a.best_score(), a.question_count, a.attempts), (2, 3, 4));
        // The first try is kept, whatever comes after.
        assert_eq!(a.first_try_score(), 1);
        assert!(p.finish("a.ron"));
        assert!(p.is_finished("a.ron"));
        assert!(!p.is_finished("b.ron"));
    }

    #[test]
    fn merging_keeps_the_union_and_the_best_score() {
        let mut a = Progress::default();
        a.open("1.ron");
        a.record("2.ron", "q0", 3, at(1, true, true));
        a.card("2.ron", 0, true, 10);
        let mut b = Progress::default();
        b.finish("12.ron");
        b.record("2.ron", "q1", 3, at(2, true, true));
        b.record("2.ron", "q2", 3, at(3, false, true));
        b.card("2.ron", 0, false, 20);
        b.card("2.ron", 1, false, 30);
        a.merge(&b);
        assert!(a.lesson("1.ron").opened && a.is_finished("12.ron"));
        let two = a.lesson("2.ron");
        assert_eq!((two.best_score(), two.attempts), (2, 2));
        assert_eq!(two.cards.get(&0), Some(&true));
        assert_eq!(two.cards.get(&1), Some(&false));
    }

    fn at(at: u64, right: bool, first: bool) -> AnswerRecord {
        AnswerRecord {
            at,
            right,
            first,
            ..AnswerRecord::default()
        }
    }

    #[test]
    fn scores_come_from_the_log_by_id() {
        let mut p = Progress::default();
        p.record("a.ron", "q-one", 2, at(5, false, true));
        p.record("a.ron", "q-one", 2, at(6, true, false));
        p.record("a.ron", "q-two", 2, at(7, true, true));
        let a = p.lesson("a.ron");
        assert_eq!((a.best_score(), a.first_try_score(), a.attempts), (2, 1, 3));
        assert!(a.knows_first_tries());
    }

    #[test]
    fn a_version_1_file_moves_to_ids_and_keeps_what_it_cannot_place() {
        let text = "(version: 1, lessons: {\"a.ron\": (opened: true, correct: [0, 2, 7], \
                    question_count: 3, attempts: 5, first_try: {0: false, 2: true, 9: true})})";
        let mut p: Progress = ron::from_str(text).expect("a version-1 file reads");
        let before = p.lesson("a.ron");
        assert_eq!((before.best_score(), before.first_try_score()), (3, 2));
        let ids: Vec<String> = ["q-a", "q-b", "q-c"].map(String::from).to_vec();
        assert!(p.migrate("a.ron", &ids));
        let after = p.lesson("a.ron");
        // Same scores, now by id; numbers 7 and 9 have no question today and stay.
        assert_eq!((after.best_score(), after.first_try_score()), (3, 2));
        assert_eq!(after.correct, [7].into());
        assert_eq!(after.first_try, [(9, true)].into());
        assert_eq!(first_try(&after.answers["q-a"]), Some(false));
        assert!(after.answers["q-a"].iter().any(|a| a.right));
        assert_eq!(first_try(&after.answers["q-c"]), Some(true));
        assert!(!p.migrate("a.ron", &ids), "once only");
        // And it writes and reads back as format 2.
        let again: Progress =
            ron::from_str(&ron::ser::to_string(&p).expect("writes")).expect("reads");
        assert_eq!(again, p);
    }

    #[test]
    fn merging_takes_the_union_of_the_logs() {
        let mut a = Progress::default();
        a.record("x.ron", "q", 1, at(1, false, true));
        let mut b = a.clone();
        b.record("x.ron", "q", 1, at(3, true, true));
        a.record("x.ron", "q", 1, at(2, true, false));
        a.merge(&b);
        let log = &a.lesson("x.ron").answers["q"];
        assert_eq!(log.iter().map(|r| r.at).collect::<Vec<_>>(), [1, 2, 3]);
    }
}
