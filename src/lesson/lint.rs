//! Warnings about a lesson that loads and runs but teaches less well than it could:
//! today, a single-answer question whose right option gives itself away by its length
//! (a learner who picks the longest option should not pass).

use super::error::LessonError;
use super::model::{Lesson, Question, Section};
use super::validate::line_column;

/// A right option longer than this many times every distractor gives itself away.
pub const GIVEAWAY_RATIO: f64 = 1.5;

/// Every warning about a lesson that loaded without errors.
pub fn warnings(file: &str, text: &str, lesson: &Lesson) -> Vec<LessonError> {
    let mut found = Vec::new();
    // Questions appear in the file in order: each search starts after the last found.
    let mut cursor = 0;
    let questions = lesson.sections.iter().flat_map(|section| match section {
        Section::Quiz(quiz) => quiz.questions.as_slice(),
        _ => &[],
    });
    for question in questions {
        let Question::Choice(choice) = question else {
            continue;
        };
        let length = |t: &str| t.chars().count();
        let mut right = choice.options.iter().filter(|o| o.correct);
        let (Some(answer), None) = (right.next(), right.next()) else {
            continue;
        };
        let longest_distractor = choice
            .options
            .iter()
            .filter(|o| !o.correct)
            .map(|o| length(&o.text))
            .max();
        let Some(longest) = longest_distractor else {
            continue;
        };
        let at = find_after(text, cursor, &choice.prompt).unwrap_or(cursor);
        cursor = at;
        if (length(&answer.text) as f64) <= GIVEAWAY_RATIO * longest as f64 {
            continue;
        }
        let option_at = find_after(text, at, &answer.text).unwrap_or(at);
        let (line, column) = line_column(text, option_at);
        found.push(LessonError {
            file: file.to_string(),
            line,
            column,
            message: format!(
                "the right option is {} characters, more than {GIVEAWAY_RATIO}× every \
                 distractor (the longest has {longest}): its length gives it away",
                length(&answer.text)
            ),
        });
    }
    found
}

/// Where a text the file holds (perhaps with escapes) starts, at or after `from`: found
/// by its first words, which rarely hold an escape.
fn find_after(text: &str, from: usize, wanted: &str) -> Option<usize> {
    let start: String = wanted.chars().take(24).collect();
    let rest = text.get(from..)?;
    rest.find(start.as_str()).map(|i| from + i)
}

#[cfg(test)]
mod tests {
    use super::warnings;
    use crate::lesson::load::load_text;

    const LESSON: &str = r#"Lesson(
    title: "T",
    sections: [
        Quiz(title: "Q", questions: [
            Choice(prompt: "Fair?", options: [
                (text: "A right answer of fair length", correct: true),
                (text: "A wrong answer of fair length"),
            ]),
            Choice(prompt: "Giveaway?", options: [
                (text: "The long, careful, qualified and obviously right answer", correct: true),
                (text: "Short"),
                (text: "Shorter"),
            ]),
        ]),
    ],
)
"#;

    #[test]
    fn a_right_option_much_longer_than_every_distractor_is_flagged_where_it_is() {
        let file = load_text("t.ron", LESSON);
        let lesson = file.lesson.as_ref().expect("loads");
        let found = warnings("t.ron", LESSON, lesson);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].line, found[0].column), (10, 25));
        assert!(found[0].message.contains("gives it away"));
        assert_eq!(file.warnings, found);
    }
}
