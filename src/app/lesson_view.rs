//! One lesson page: its sections drawn top to bottom, each a [`SectionWidget`] keeping
//! its own state (graph values, revealed steps, chosen answers) while the learner works.
//! [`widget`] is the one place that names each kind of section.

use egui::RichText;
use egui_commonmark::CommonMarkCache;

use crate::lesson::{Lesson, Section};

use super::batch_view::BatchView;
use super::cards_view::CardsView;
use super::checkpoint_view::CheckpointView;
use super::code_view::CodeView;
use super::concept_map_view::ConceptMapView;
use super::formula_view::FormulaView;
use super::graph_section::GraphState;
use super::layers_view::LayersView;
use super::network_view::NetworkView;
use super::page_layout::{self, Block, Role};
use super::plot_view::PlotView;
use super::quiz_view::QuizView;
use super::reveal_view::RevealView;
use super::saliency_view::SaliencyView;
use super::second_order_view::SecondOrderView;
use super::section::{LessonEvent, LessonInfo, PageContext, Placement, Scores, SectionWidget};
use super::stepper_view::StepperView;
use super::style::{self, READING_WIDTH};
use super::text_view::TextView;
use super::training_view::TrainingView;

/// The widget of one section: the only `match` on the kinds of section in the app (the
/// compiler asks for an arm when a kind is added).
pub fn widget(section: &Section, place: &mut Placement<'_>) -> Box<dyn SectionWidget> {
    match section {
        Section::Text(text) => Box::new(TextView::new(text)),
        Section::Formula(tex) => Box::new(FormulaView::new(tex)),
        Section::Graph(graph) => GraphState::widget(graph),
        Section::Plot(plot) => Box::new(PlotView::new(plot)),
        Section::Layers(layers) => Box::new(LayersView::new(layers)),
        Section::Reveal(reveal) => Box::new(RevealView::new(reveal)),
        Section::Backward(section) => Box::new(StepperView::new(section)),
        Section::Training(section) => Box::new(TrainingView::new(section)),
        Section::Batch(section) => Box::new(BatchView::new(section)),
        Section::Network(section) => Box::new(NetworkView::new(section)),
        Section::Cards(deck) => Box::new(CardsView::new(deck, place)),
        Section::Code(listing) => Box::new(CodeView::new(listing)),
        Section::Checkpoint(section) => Box::new(CheckpointView::new(section)),
        Section::SecondOrder(section) => Box::new(SecondOrderView::new(section)),
        Section::ConceptMap(map) => Box::new(ConceptMapView::new(map)),
        Section::Saliency(section) => Box::new(SaliencyView::new(section)),
        Section::Quiz(quiz) => Box::new(QuizView::new(quiz, place)),
    }
}

/// A lesson page.
pub struct LessonView {
    title: String,
    summary: String,
    /// Each section, with the index of the graph section above whose numbers it may
    /// quote.
    sections: Vec<(Box<dyn SectionWidget>, Option<usize>)>,
    markdown: CommonMarkCache,
    /// The page is a test (see [`Lesson::assessment`]).
    assessment: bool,
    /// Which draw of the numbers the questions show (0 first; a retake moves on).
    round: u64,
    /// "Finish lesson" was pressed with questions unanswered: asking to confirm.
    confirming: bool,
    /// The assessment's results are shown instead of its questions.
    results_shown: bool,
    /// Open the page at its top on the next frame (the results, or a retake, replace a
    /// page the learner had scrolled to its end).
    to_top: bool,
    /// "Finish lesson" was just pressed: the page ends with what was done and what comes
    /// next, instead of jumping away.
    completed: bool,
    /// In a wide window, the height of each figure's text and of the figure beside it,
    /// last frame (by the figure's section).
    heights: std::collections::HashMap<usize, (f32, f32)>,
    /// A teacher's link hid the worked solutions (see `PageContext::solutions_hidden`).
    pub solutions_hidden: bool,
}

impl LessonView {
    /// Builds the page's state: parses every graph, samples every plot; its questions
    /// draw their numbers for `round` (0, or a class's seed).
    pub fn new(lesson: &Lesson, round: u64) -> Self {
        let mut sections = Vec::with_capacity(lesson.sections.len());
        let mut graph_above = None;
        let mut place = Placement {
            lesson_title: &lesson.title,
            index: 0,
            questions_before: 0,
            cards_before: 0,
            round,
        };
        for (index, section) in lesson.sections.iter().enumerate() {
            place.index = index;
            let widget = widget(section, &mut place);
            let above = if widget.live_graph().is_some() {
                graph_above = Some(index);
                None
            } else {
                graph_above
            };
            sections.push((widget, above));
        }
        Self {
            title: lesson.title.clone(),
            summary: lesson.summary.clone(),
            sections,
            markdown: CommonMarkCache::default(),
            assessment: lesson.assessment,
            round,
            confirming: false,
            results_shown: false,
            to_top: false,
            completed: false,
            heights: std::collections::HashMap::new(),
            solutions_hidden: false,
        }
    }

    /// The page's questions: how many, how many answered, how many right now (each
    /// question's last checked answer) and how many right on the first try (the score).
    fn tally(&self) -> Tally {
        let mut tally = Tally::default();
        for scores in self.sections.iter().filter_map(|(s, _)| s.scores()) {
            let results = scores.results;
            tally.total += results.len();
            tally.answered += results.iter().filter(|r| r.is_some()).count();
            tally.right += results.iter().filter(|r| **r == Some(true)).count();
            tally.first_right += scores
                .first_tries
                .iter()
                .filter(|r| **r == Some(true))
                .count();
            tally.hints += scores.hints.iter().map(|&h| usize::from(h)).sum::<usize>();
        }
        tally
    }

    /// What the learner did in the lesson just finished, and the lesson that comes next.
    fn summary_ui(
        &mut self,
        ui: &mut egui::Ui,
        lessons: &[LessonInfo<'_>],
        events: &mut Vec<LessonEvent>,
    ) {
        let Tally {
            total,
            answered,
            right,
            first_right,
            ..
        } = self.tally();
        style::section_frame(ui).show(ui, |ui| {
            ui.strong(format!("● Lesson finished: {}", self.title));
            if total > 0 && answered == 0 {
                ui.label(format!(
                    "You did not check any of its {total} questions: they are still here to try."
                ));
            } else if total > 0 {
                ui.label(format!(
                    "You checked {answered} of its {total} questions: {first_right} right on the first try, {right} right now."
                ));
            }
            let (cards, known) = self.card_tally();
            if cards > 0 {
                ui.label(format!("You knew {known} of its {cards} cards."));
            }
            let here = lessons.iter().position(|l| l.title == self.title);
            match here.and_then(|i| lessons.get(i + 1).map(|next| (i + 1, next))) {
                Some((number, next)) => {
                    ui.horizontal_wrapped(|ui| {
                        ui.label("Next:");
                        if ui
                            .button(format!("{}. {} ▶", number + 1, next.title))
                            .clicked()
                        {
                            events.push(LessonEvent::Open(next.file.to_string()));
                            self.completed = false;
                        }
                    });
                }
                None => {
                    ui.label("That was the last lesson. My progress shows everything you did.");
                }
            }
        });
    }

    /// The cards of the page's decks, and how many the learner said they knew.
    fn card_tally(&self) -> (usize, usize) {
        self.sections
            .iter()
            .filter_map(|(s, _)| s.cards())
            .fold((0, 0), |(n, k), (cards, known)| (n + cards, k + known))
    }

    /// Every question drawn again with new numbers (and option orders), nothing answered.
    fn retake(&mut self) {
        self.round += 1;
        for (section, _) in &mut self.sections {
            section.retake(self.round);
        }
        self.confirming = false;
        self.results_shown = false;
        self.to_top = true;
    }

    /// The bottom of the page: "Finish lesson", or for an assessment the confirmation
    /// while questions are unanswered.
    fn finish_ui(
        &mut self,
        ui: &mut egui::Ui,
        finished: bool,
        lessons: &[LessonInfo<'_>],
        events: &mut Vec<LessonEvent>,
    ) {
        if !self.assessment {
            if self.completed {
                self.summary_ui(ui, lessons, events);
                return;
            }
            ui.horizontal(|ui| {
                if finished {
                    ui.label("● You finished this lesson.");
                } else if ui.button("Finish lesson").clicked() {
                    events.push(LessonEvent::Finished);
                    self.completed = true;
                }
            });
            return;
        }
        let Tally {
            total, answered, ..
        } = self.tally();
        if self.confirming && answered < total {
            ui.label(format!(
                "Not answered yet: {} of {total} questions. They count as wrong. Finish anyway?",
                total - answered
            ));
            ui.horizontal(|ui| {
                if ui.button("Finish anyway").clicked() {
                    self.confirming = false;
                    self.results_shown = true;
                    self.to_top = true;
                    if !finished {
                        events.push(LessonEvent::Finished);
                    }
                }
                if ui.button("Keep answering").clicked() {
                    self.confirming = false;
                }
            });
            return;
        }
        ui.horizontal(|ui| {
            if finished {
                ui.label("● You finished this lesson.");
            }
            let label = if finished {
                "See my results"
            } else {
                "Finish lesson"
            };
            if ui.button(label).clicked() {
                if answered < total {
                    self.confirming = true;
                } else {
                    self.results_shown = true;
                    self.to_top = true;
                    // Finishing the assessment is finishing the lesson.
                    if !finished {
                        events.push(LessonEvent::Finished);
                    }
                }
            }
        });
    }

    /// The assessment's results in one compact view: the score, then one row per quiz
    /// (per lesson tested) with its first-try and final scores as bars and words, each
    /// question's outcome, and a link back to the lesson; and a retake with new numbers.
    fn results_ui(
        &mut self,
        ui: &mut egui::Ui,
        _finished: bool,
        lessons: &[LessonInfo<'_>],
        events: &mut Vec<LessonEvent>,
    ) {
        let Tally {
            total,
            right,
            first_right,
            hints,
            ..
        } = self.tally();
        ui.heading("Your results");
        // The score is the first tries: a retry after the worked solution shows what was
        // learnt, not what was known.
        ui.label(
            RichText::new(format!(
                "Score: {first_right} of {total} right on the first try ({right} of {total} after retries)"
            ))
            .strong(),
        );
        ui.label(match hints {
            0 => "No hints opened before answering.".to_string(),
            1 => "1 hint opened before answering.".to_string(),
            n => format!("{n} hints opened before answering."),
        });
        let mut retake = false;
        ui.horizontal(|ui| {
            retake = ui.button("Retake with new numbers").clicked();
            if ui.button("Back to the questions").clicked() {
                self.results_shown = false;
            }
        });
        ui.add_space(6.0);
        egui::Grid::new("results")
            .num_columns(4)
            .spacing([14.0, 8.0])
            .striped(true)
            .show(ui, |ui| {
                for heading in ["Part", "First try", "After retries", "Questions"] {
                    ui.strong(heading);
                }
                ui.end_row();
                for (index, (section, _)) in self.sections.iter().enumerate() {
                    let Some(scores) = section.scores() else {
                        continue;
                    };
                    ui.push_id(("result", index), |ui| {
                        result_row(ui, &scores, lessons, events);
                    });
                    ui.end_row();
                }
            });
        if retake {
            self.retake();
        }
    }

    /// Opens the page at its top next time it is drawn (a link from another lesson leads
    /// to the start of a lesson, not to wherever the learner last left it).
    pub fn scroll_to_top(&mut self) {
        self.to_top = true;
    }

    /// Draws the page; returns what the learner did that the app must record.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        finished: bool,
        lessons: &[LessonInfo<'_>],
    ) -> Vec<LessonEvent> {
        let mut events = Vec::new();
        // One scroll position per lesson: a lesson opens at its top, and coming back to
        // one returns to where the learner was.
        let mut area = egui::ScrollArea::vertical();
        if std::mem::take(&mut self.to_top) {
            area = area.vertical_scroll_offset(0.0);
        }
        area.id_salt(("lesson page", &self.title))
            .auto_shrink([false, false])
            .show(ui, |ui| {
                // Text keeps a readable width; graphs take the whole window's width.
                let text_width = READING_WIDTH.min(ui.available_width());
                let full_width = ui.available_width();
                ui.set_max_width(text_width);
                ui.heading(&self.title);
                if !self.summary.is_empty() {
                    ui.label(RichText::new(&self.summary).italics());
                }
                ui.add_space(8.0);
                if self.results_shown {
                    self.results_ui(ui, finished, lessons, &mut events);
                    ui.add_space(20.0);
                    return;
                }
                if page_layout::has_room_beside(full_width, text_width) {
                    self.beside_ui(ui, text_width, full_width, lessons, &mut events);
                } else {
                    for index in 0..self.sections.len() {
                        let wide = self.sections[index].0.wide();
                        // Each section in its own scope: a wide one widens the page's
                        // rectangle, and the text after it must not follow.
                        ui.scope(|ui| {
                            ui.set_max_width(if wide { full_width } else { text_width });
                            self.section_ui(ui, index, lessons, &mut events);
                        });
                        ui.add_space(10.0);
                    }
                }
                ui.separator();
                self.finish_ui(ui, finished, lessons, &mut events);
                ui.add_space(20.0);
            });
        events
    }

    /// The page in a wide window: the text in one column, each figure in a column beside
    /// it, level with the start of its topic's text and kept in view while that text
    /// scrolls past (see [`page_layout`]); a figure no text follows takes the full width. Figures are
    /// drawn before their text, where last frame's heights put them, so that text quoting
    /// a graph shows this frame's numbers; a change of height asks for one more frame.
    fn beside_ui(
        &mut self,
        ui: &mut egui::Ui,
        text_width: f32,
        full_width: f32,
        lessons: &[LessonInfo<'_>],
        events: &mut Vec<LessonEvent>,
    ) {
        const GAP: f32 = 10.0;
        let origin = ui.cursor().min;
        let figure_left = origin.x + text_width + page_layout::COLUMN_GAP;
        let figure_width = full_width - text_width - page_layout::COLUMN_GAP;
        let view_top = ui.clip_rect().top() + 8.0;
        // The next free height of the text column and of the figure column.
        let (mut text_y, mut figure_y) = (origin.y, origin.y);
        let roles: Vec<Role> = self
            .sections
            .iter()
            .map(|(s, _)| match (s.wide(), s.opens_topic()) {
                (true, _) => Role::Figure,
                (false, true) => Role::Heading,
                (false, false) => Role::Text,
            })
            .collect();
        let mut heights = std::collections::HashMap::new();
        for block in page_layout::blocks(&roles) {
            match block {
                Block::Text(text) => {
                    let mut column = ui.new_child(column_at(origin.x, text_y, text_width));
                    self.sections_ui(&mut column, &text, lessons, events);
                    text_y += column.min_rect().height() + GAP;
                }
                Block::Figure(index) => {
                    let top = text_y.max(figure_y);
                    let mut row = ui.new_child(column_at(origin.x, top, full_width));
                    self.section_ui(&mut row, index, lessons, events);
                    text_y = top + row.min_rect().height() + GAP;
                    figure_y = text_y;
                }
                Block::Beside { figure, text } => {
                    // A topic with a figure starts below the figure before, its text level
                    // with its figure (text without a figure of its own may flow beside
                    // the figure before, which it is about).
                    let top = text_y.max(figure_y);
                    let (text_h, figure_h) = self.heights.get(&figure).copied().unwrap_or_default();
                    let text_end = top + text_h;
                    let y = page_layout::sticky_top(top, text_end - top, figure_h, view_top);
                    let mut column = ui.new_child(column_at(figure_left, y, figure_width));
                    self.section_ui(&mut column, figure, lessons, events);
                    let figure_h = column.min_rect().height();
                    let mut column = ui.new_child(column_at(origin.x, top, text_width));
                    self.sections_ui(&mut column, &text, lessons, events);
                    let text_h = column.min_rect().height();
                    heights.insert(figure, (text_h, figure_h));
                    text_y = top + text_h + GAP;
                    // Where it rests: the next figure starts below that.
                    figure_y = top + figure_h + GAP;
                }
            }
        }
        if heights != self.heights {
            self.heights = heights;
            ui.ctx().request_repaint();
        }
        let bottom = text_y.max(figure_y);
        ui.advance_cursor_after_rect(egui::Rect::from_min_max(
            origin,
            egui::pos2(origin.x + full_width, bottom),
        ));
    }

    /// Sections one under the other.
    fn sections_ui(
        &mut self,
        ui: &mut egui::Ui,
        indices: &[usize],
        lessons: &[LessonInfo<'_>],
        events: &mut Vec<LessonEvent>,
    ) {
        for (k, &index) in indices.iter().enumerate() {
            if k > 0 {
                ui.add_space(10.0);
            }
            self.section_ui(ui, index, lessons, events);
        }
    }

    fn section_ui(
        &mut self,
        ui: &mut egui::Ui,
        index: usize,
        lessons: &[LessonInfo<'_>],
        events: &mut Vec<LessonEvent>,
    ) {
        let (before, rest) = self.sections.split_at_mut(index);
        let Some((section, above)) = rest.first_mut() else {
            return;
        };
        let graph = above.and_then(|i| before.get(i)?.0.live_graph());
        let prediction_pending = before.iter().any(|(s, _)| s.prediction_pending());
        let id = ui.scope_id().with(("section", index));
        let mut page = PageContext {
            graph,
            markdown: &mut self.markdown,
            lessons,
            events,
            prediction_pending,
            solutions_hidden: self.solutions_hidden,
        };
        section.ui(ui, id, &mut page);
    }
}

/// A column `width` wide from (`left`, `top`) down, for one part of a wide page.
fn column_at(left: f32, top: f32, width: f32) -> egui::UiBuilder {
    egui::UiBuilder::new()
        .max_rect(egui::Rect::from_min_size(
            egui::pos2(left, top),
            egui::vec2(width, f32::INFINITY),
        ))
        .layout(egui::Layout::top_down(egui::Align::Min))
}

/// A page's questions, counted.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    /// Questions on the page.
    total: usize,
    /// Questions checked at least once.
    answered: usize,
    /// Questions whose last checked answer is right.
    right: usize,
    /// Questions whose first checked answer in this attempt was right (the score).
    first_right: usize,
    /// Hints opened before first checks.
    hints: usize,
}

/// One quiz's row of the results: its title with a link back to its lesson, the first-try
/// and final scores as bars with their numbers, and each question in a word.
fn result_row(
    ui: &mut egui::Ui,
    scores: &Scores<'_>,
    lessons: &[LessonInfo<'_>],
    events: &mut Vec<LessonEvent>,
) {
    let count = scores.results.len();
    let first = scores
        .first_tries
        .iter()
        .filter(|r| **r == Some(true))
        .count();
    let last = scores.results.iter().filter(|r| **r == Some(true)).count();
    ui.vertical(|ui| {
        ui.strong(scores.title);
        if let Some(file) = scores.lesson {
            let name = lessons
                .iter()
                .find(|l| l.file == file)
                .map_or(file, |l| l.title);
            let label = if first < count {
                format!("Revisit {name}")
            } else {
                format!("Open {name}")
            };
            if ui.link(label).clicked() {
                events.push(LessonEvent::Open(file.to_string()));
            }
        }
    });
    let fraction = |n: usize| n as f32 / count.max(1) as f32;
    style::fraction_bar(
        ui,
        fraction(first),
        110.0,
        Some(&format!("{first} of {count}")),
    );
    style::fraction_bar(
        ui,
        fraction(last),
        110.0,
        Some(&format!("{last} of {count}")),
    );
    ui.vertical(|ui| {
        for (number, (first, last)) in scores.first_tries.iter().zip(scores.results).enumerate() {
            let word = match (first, last) {
                (Some(true), _) => "right",
                (Some(false), Some(true)) => "right after a retry",
                (Some(false), _) => "wrong",
                (None, _) => "not answered",
            };
            ui.label(format!("Question {}: {word}", number + 1));
        }
    });
}
