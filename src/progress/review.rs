//! When a question comes back for review, and how well it is known: every first try and
//! every review answer of a question, replayed in time order through FSRS (the Free
//! Spaced Repetition Scheduler, as Anki uses it, from the `rs-fsrs` crate). Right with no
//! hint is "Good", right after a hint "Hard", wrong "Again". The card that results says
//! when the question is due and how likely the learner is to recall it now (its
//! retrievability), which fades with time: the mastery of a concept is built from it.

use chrono::{DateTime, Utc};
use rs_fsrs::{Card, FSRS, Parameters, Rating};

use super::model::AnswerRecord;

/// Seconds in a day.
pub const DAY: u64 = 86_400;

/// Where one question stands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    /// When it is due again, in seconds since 1970.
    pub due: u64,
    /// How likely it is recalled at the time asked about, from 0 to 1 (0 when it was never
    /// answered right).
    pub retrievability: f64,
    /// Whether the last answer counted was right.
    pub last_right: bool,
}

fn time(seconds: u64) -> DateTime<Utc> {
    DateTime::from_timestamp(i64::try_from(seconds).unwrap_or(i64::MAX), 0).unwrap_or_default()
}

fn seconds(time: DateTime<Utc>) -> u64 {
    u64::try_from(time.timestamp()).unwrap_or(0)
}

/// The scheduler: days, not minutes (a lesson is not drilled within the hour), and no
/// random fuzz (the same log gives the same schedule on every machine).
fn scheduler() -> FSRS {
    FSRS::new(Parameters {
        enable_short_term: false,
        enable_fuzz: false,
        ..Parameters::default()
    })
}

/// The schedule of a question from its log, at time `now`; `None` when it has no first
/// try or review on record.
pub fn schedule(log: &[AnswerRecord], now: u64) -> Option<Schedule> {
    let mut events: Vec<&AnswerRecord> = log.iter().filter(|a| a.first).collect();
    events.sort_by_key(|a| a.at);
    let first = events.first()?;
    let fsrs = scheduler();
    let start = time(first.at);
    let mut card = Card {
        due: start,
        last_review: start,
        ..Card::default()
    };
    let mut ever_right = false;
    let mut last_right = false;
    for event in &events {
        let rating = match (event.right, event.hints) {
            (true, 0) => Rating::Good,
            (true, _) => Rating::Hard,
            (false, _) => Rating::Again,
        };
        card = fsrs.next(card, time(event.at), rating).card;
        ever_right |= event.right;
        last_right = event.right;
    }
    let retrievability = if ever_right {
        card.get_retrievability(time(now)).clamp(0.0, 1.0)
    } else {
        0.0
    };
    Some(Schedule {
        due: seconds(card.due),
        retrievability,
        last_right,
    })
}

/// The time now, in seconds since 1970 (the browser's clock on the web).
pub fn now() -> u64 {
    seconds(Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(at: u64, right: bool) -> AnswerRecord {
        AnswerRecord {
            at,
            right,
            ..AnswerRecord::default()
        }
    }

    #[test]
    fn a_miss_comes_back_sooner_than_a_right_first_try() {
        let t = 1_800_000_000;
        let missed = schedule(&[answer(t, false)], t).expect("scheduled");
        let right = schedule(&[answer(t, true)], t).expect("scheduled");
        assert!(missed.due > t && missed.due <= t + DAY, "{missed:?}");
        assert!(right.due >= t + 2 * DAY, "{right:?}");
        assert_eq!(missed.retrievability, 0.0);
        // Recall fades: likely the day after, less likely a month on.
        let soon = schedule(&[answer(t, true)], t + DAY).expect("scheduled");
        let later = schedule(&[answer(t, true)], t + 30 * DAY).expect("scheduled");
        assert!(soon.retrievability > 0.9 && later.retrievability < soon.retrievability);
        // Reviews answered right push the next one further out.
        let twice =
            schedule(&[answer(t, true), answer(right.due, true)], right.due).expect("scheduled");
        assert!(twice.due - right.due > right.due - t, "{twice:?}");
    }

    #[test]
    fn answers_after_the_first_try_do_not_count_and_no_log_no_schedule() {
        let t = 1_800_000_000;
        let retried = [
            answer(t, false),
            AnswerRecord {
                first: false,
                ..answer(t + 60, true)
            },
        ];
        let missed = schedule(&[answer(t, false)], t);
        assert_eq!(schedule(&retried, t), missed);
        assert_eq!(schedule(&[], t), None);
    }
}
