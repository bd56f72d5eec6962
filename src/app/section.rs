//! What a lesson page asks of each of its sections: one trait, [`SectionWidget`], that
//! every section view implements, and what the page lends a section while it is drawn
//! ([`PageContext`]). The page holds its sections as `Box<dyn SectionWidget>` and knows
//! no kind by name except in the one `match` that builds them (`lesson_view::widget`).

use egui_commonmark::CommonMarkCache;

use crate::lesson::LiveGraph;

/// What the learner did on the page that the app must act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LessonEvent {
    /// The learner pressed "Finish lesson".
    Finished,
    /// The learner checked an answer to question `question` (numbered from 0 across the
    /// lesson).
    Answered {
        /// Which question.
        question: u32,
        /// Whether the answer was right.
        right: bool,
        /// Whether it is the question's first checked answer in this attempt (what the
        /// score counts).
        first: bool,
        /// The seed the question's numbers were drawn from.
        seed: u64,
        /// How many hints the learner opened before checking.
        hints: u8,
    },
    /// The learner asked to open another lesson (by its file name).
    Open(String),
    /// The learner answered card `card` (numbered from 0 across the lesson).
    Card {
        /// Which card.
        card: u32,
        /// Whether they got it.
        right: bool,
    },
}

/// What a page knows about the lessons (for links and the concept map).
pub struct LessonInfo<'a> {
    /// The lesson's file name.
    pub file: &'a str,
    /// Its title.
    pub title: &'a str,
    /// Whether the learner finished it.
    pub finished: bool,
    /// How well its concept (the lesson's title) is known now: from 0 to 1, and the word
    /// ("solid", "shaky", "due", "not yet"); `None` when the page needs no mastery.
    pub mastery: Option<(f32, &'static str)>,
}

/// Where a section sits in its lesson, given to its constructor: questions and cards are
/// numbered across the lesson (for progress), and questions draw their numbers from a
/// seed of the lesson's title and the section's place.
pub struct Placement<'a> {
    /// The lesson's title.
    pub lesson_title: &'a str,
    /// The section's index in the lesson.
    pub index: usize,
    /// How many questions the sections above ask (a quiz numbers its own from here, and
    /// adds its count).
    pub questions_before: u32,
    /// How many cards the sections above hold (a deck numbers its own from here, and
    /// adds its count).
    pub cards_before: u32,
    /// The round the page's questions draw their numbers from at first (0, or a class's
    /// seed from a link: `worksheet --seed N` prints round N).
    pub round: u64,
}

/// What the page lends a section while drawing it.
pub struct PageContext<'a> {
    /// The live graph of the nearest working graph section above, whose numbers text may
    /// quote (`{{value T}}`).
    pub graph: Option<&'a LiveGraph>,
    /// The page's Markdown cache, shared by every section.
    pub markdown: &'a mut CommonMarkCache,
    /// Every lesson, for links.
    pub lessons: &'a [LessonInfo<'a>],
    /// What the learner did that the app must record.
    pub events: &'a mut Vec<LessonEvent>,
    /// A prediction above this section is not answered yet: every gradient, blame and
    /// local derivative this section would show is hidden (`?`), so nothing below a
    /// "predict first" gives its answer away.
    pub prediction_pending: bool,
    /// A teacher's link hid the worked solutions: questions show whether an answer is
    /// right, never the answer or its working.
    pub solutions_hidden: bool,
}

/// A section's scored questions, for an assessment's score and its results page.
pub struct Scores<'a> {
    /// The quiz's heading.
    pub title: &'a str,
    /// The lesson file the questions test, if the author linked one.
    pub lesson: Option<&'a str>,
    /// Each question's last checked answer: right, wrong, or not checked yet.
    pub results: &'a [Option<bool>],
    /// Each question's first checked answer in this attempt: what the score counts.
    pub first_tries: &'a [Option<bool>],
    /// The hints opened on each question before its first check.
    pub hints: &'a [u8],
}

/// One section of a lesson page as the learner sees and works it.
pub trait SectionWidget {
    /// Draws the section. `id` is the section's own id on the page (stable across frames
    /// and unique on the page).
    fn ui(&mut self, ui: &mut egui::Ui, id: egui::Id, page: &mut PageContext<'_>);

    /// Whether it takes the page's full width (figures) rather than the reading width
    /// (text).
    fn wide(&self) -> bool {
        false
    }

    /// Whether it opens a new topic of the page (a text that starts with a heading): on a
    /// wide screen, the next figure stands beside the topic's text.
    fn opens_topic(&self) -> bool {
        false
    }

    /// A live graph that text and reveals below may quote.
    fn live_graph(&self) -> Option<&LiveGraph> {
        None
    }

    /// Its scored questions, if it asks any.
    fn scores(&self) -> Option<Scores<'_>> {
        None
    }

    /// Draws its questions again with new numbers, nothing answered (an assessment's
    /// retake; `round` counts the retakes).
    fn retake(&mut self, _round: u64) {}

    /// Its cards, and how many of them the learner said they knew (a deck).
    fn cards(&self) -> Option<(usize, usize)> {
        None
    }

    /// Whether it asks for a prediction the learner has not made yet.
    fn prediction_pending(&self) -> bool {
        false
    }
}

/// A section that cannot be shown, with the reason (a graph whose script does not run:
/// lesson files are checked, so only a teacher's unchecked file reaches this).
pub struct BrokenSection(pub String);

impl SectionWidget for BrokenSection {
    fn ui(&mut self, ui: &mut egui::Ui, _id: egui::Id, _page: &mut PageContext<'_>) {
        ui.colored_label(ui.visuals().error_fg_color, self.0.as_str());
    }
}
