//! One lesson page: its sections drawn top to bottom, each live section keeping its own
//! state (graph values, revealed steps, chosen answers) while the learner works.

use egui::RichText;
use egui_commonmark::{CommonMarkCache, CommonMarkViewer};

use crate::engine;
use crate::lesson::template;
use crate::lesson::{Lesson, LiveGraph, PlotSection, Question, RevealSection, Section};
use crate::quiz::seed_for;

use super::format::number;
use super::formula::formula_ui;
use super::graph_section::GraphState;
use super::quiz_view::QuestionView;

use super::plots;
use super::style;
pub(super) use super::style::READING_WIDTH;

/// A plot's curves, sampled once (they depend on nothing the learner changes).
struct PlotState {
    section: PlotSection,
    curves: Vec<(String, Vec<[f64; 2]>)>,
}

enum SectionState {
    Text(String),
    Formula(String),
    Graph(Box<GraphState>),
    Plot(PlotState),
    Layers(Box<super::layers_view::LayersView>),
    Backward(Box<super::stepper_view::StepperView>),
    Training(Box<super::training_view::TrainingView>),
    Cards(Box<super::cards_view::CardsView>),
    ConceptMap(crate::lesson::ConceptMapSection),
    Code(crate::lesson::CodeSection),
    Checkpoint(Box<super::checkpoint_view::CheckpointView>),
    SecondOrder(Box<super::second_order_view::SecondOrderView>),
    Saliency(Box<super::saliency_view::SaliencyView>),
    Reveal {
        section: RevealSection,
        shown: usize,
    },
    Quiz {
        title: String,
        /// The lesson these questions test, if the author linked one.
        lesson: Option<String>,
        /// The number of this quiz's first question within the lesson.
        first: u32,
        /// The author's questions, to draw them again for a retake.
        source: Vec<Question>,
        questions: Vec<QuestionView>,
        /// Each question's last checked answer: right, wrong, or not checked yet.
        results: Vec<Option<bool>>,
    },
    /// A graph section whose script does not run (lesson files are checked, so this is
    /// only reached by a file loaded from a teacher's folder and not checked).
    Broken(String),
}

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

/// A lesson page.
pub struct LessonView {
    title: String,
    summary: String,
    sections: Vec<(SectionState, Option<usize>)>,
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
}

impl LessonView {
    /// Builds the page's state: parses every graph, samples every plot.
    pub fn new(lesson: &Lesson) -> Self {
        let mut sections = Vec::with_capacity(lesson.sections.len());
        let mut graph_above = None;
        let mut questions_before = 0u32;
        let mut cards_before = 0u32;
        for (index, section) in lesson.sections.iter().enumerate() {
            let state = match section {
                Section::Text(text) => SectionState::Text(text.clone()),
                Section::Formula(text) => SectionState::Formula(text.clone()),
                Section::Graph(graph) => match GraphState::new(graph) {
                    Ok(state) => {
                        graph_above = Some(index);
                        SectionState::Graph(Box::new(state))
                    }
                    Err(message) => SectionState::Broken(message),
                },
                Section::Plot(plot) => SectionState::Plot(PlotState::new(plot)),
                Section::Backward(section) => {
                    SectionState::Backward(Box::new(super::stepper_view::StepperView::new(section)))
                }
                Section::Training(section) => SectionState::Training(Box::new(
                    super::training_view::TrainingView::new(section),
                )),
                Section::ConceptMap(map) => SectionState::ConceptMap(map.clone()),
                Section::Code(listing) => SectionState::Code(listing.clone()),
                Section::SecondOrder(section) => SectionState::SecondOrder(Box::new(
                    super::second_order_view::SecondOrderView::new(section),
                )),
                Section::Saliency(section) => SectionState::Saliency(Box::new(
                    super::saliency_view::SaliencyView::new(section),
                )),
                Section::Checkpoint(section) => SectionState::Checkpoint(Box::new(
                    super::checkpoint_view::CheckpointView::new(section),
                )),
                Section::Cards(deck) => {
                    let view = super::cards_view::CardsView::new(deck, cards_before);
                    cards_before =
                        cards_before.saturating_add(u32::try_from(deck.cards.len()).unwrap_or(0));
                    SectionState::Cards(Box::new(view))
                }
                Section::Layers(layers) => {
                    SectionState::Layers(Box::new(super::layers_view::LayersView::new(layers)))
                }
                Section::Reveal(reveal) => SectionState::Reveal {
                    section: reveal.clone(),
                    shown: 0,
                },
                Section::Quiz(quiz) => SectionState::Quiz {
                    title: quiz.title.clone(),
                    lesson: quiz.lesson.clone(),
                    source: quiz.questions.clone(),
                    results: vec![None; quiz.questions.len()],
                    first: {
                        let first = questions_before;
                        questions_before = questions_before
                            .saturating_add(u32::try_from(quiz.questions.len()).unwrap_or(0));
                        first
                    },
                    questions: quiz
                        .questions
                        .iter()
                        .enumerate()
                        .map(|(i, q)| QuestionView::new(q, seed_for(&lesson.title, index, i, 0)))
                        .collect(),
                },
            };
            let above = match state {
                SectionState::Graph(_) => None,
                _ => graph_above,
            };
            sections.push((state, above));
        }
        Self {
            title: lesson.title.clone(),
            summary: lesson.summary.clone(),
            sections,
            markdown: CommonMarkCache::default(),
            assessment: lesson.assessment,
            round: 0,
            confirming: false,
            results_shown: false,
            to_top: false,
        }
    }

    /// How many questions the page asks, and how many were answered, and answered right
    /// (each question's last checked answer).
    fn tally(&self) -> (usize, usize, usize) {
        let mut tally = (0, 0, 0);
        for (state, _) in &self.sections {
            if let SectionState::Quiz { results, .. } = state {
                tally.0 += results.len();
                tally.1 += results.iter().filter(|r| r.is_some()).count();
                tally.2 += results.iter().filter(|r| **r == Some(true)).count();
            }
        }
        tally
    }

    /// Every question drawn again with new numbers (and option orders), nothing answered.
    fn retake(&mut self) {
        self.round += 1;
        let round = self.round;
        for (index, (state, _)) in self.sections.iter_mut().enumerate() {
            if let SectionState::Quiz {
                source,
                questions,
                results,
                ..
            } = state
            {
                *questions = source
                    .iter()
                    .enumerate()
                    .map(|(i, q)| QuestionView::new(q, seed_for(&self.title, index, i, round)))
                    .collect();
                results.iter_mut().for_each(|r| *r = None);
            }
        }
        self.confirming = false;
        self.results_shown = false;
        self.to_top = true;
    }

    /// The bottom of the page: "Finish lesson", or for an assessment the confirmation
    /// while questions are unanswered.
    fn finish_ui(&mut self, ui: &mut egui::Ui, finished: bool, events: &mut Vec<LessonEvent>) {
        if !self.assessment {
            ui.horizontal(|ui| {
                if finished {
                    ui.label("● You finished this lesson.");
                } else if ui.button("Finish lesson").clicked() {
                    events.push(LessonEvent::Finished);
                }
            });
            return;
        }
        let (total, answered, _) = self.tally();
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
                }
            }
        });
    }

    /// The assessment's results: the score, each quiz's questions right or wrong with a
    /// link back to the lesson they test, and a retake with new numbers.
    fn results_ui(
        &mut self,
        ui: &mut egui::Ui,
        finished: bool,
        lessons: &[super::concept_map_view::LessonInfo<'_>],
        events: &mut Vec<LessonEvent>,
    ) {
        let (total, _, right) = self.tally();
        ui.heading("Your results");
        ui.label(RichText::new(format!("Score: {right} of {total} right")).strong());
        let mut retake = false;
        ui.horizontal(|ui| {
            retake = ui.button("Retake with new numbers").clicked();
            if ui.button("Back to the questions").clicked() {
                self.results_shown = false;
            }
            if !finished && ui.button("Mark finished and continue ▶").clicked() {
                events.push(LessonEvent::Finished);
            }
        });
        ui.add_space(6.0);
        for (index, (state, _)) in self.sections.iter().enumerate() {
            let SectionState::Quiz {
                title,
                lesson,
                results,
                ..
            } = state
            else {
                continue;
            };
            ui.push_id(("result", index), |ui| {
                style::section_frame(ui).show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    let got = results.iter().filter(|r| **r == Some(true)).count();
                    ui.horizontal_wrapped(|ui| {
                        ui.strong(format!("{title}: {got} of {} right.", results.len()));
                        for (number, result) in results.iter().enumerate() {
                            let word = match result {
                                Some(true) => "right",
                                Some(false) => "wrong",
                                None => "not answered",
                            };
                            ui.label(format!("Question {}: {word}", number + 1));
                        }
                    });
                    if let Some(file) = lesson {
                        let name = lessons
                            .iter()
                            .find(|l| l.file == file.as_str())
                            .map_or(file.as_str(), |l| l.title);
                        let label = if got < results.len() {
                            format!("Revisit {name}")
                        } else {
                            format!("Open {name}")
                        };
                        if ui.button(label).clicked() {
                            events.push(LessonEvent::Open(file.clone()));
                        }
                    }
                });
            });
            ui.add_space(4.0);
        }
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
        lessons: &[super::concept_map_view::LessonInfo<'_>],
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
                for index in 0..self.sections.len() {
                    let wide = matches!(
                        self.sections[index].0,
                        SectionState::Graph(_)
                            | SectionState::Backward(_)
                            | SectionState::Training(_)
                            | SectionState::SecondOrder(_)
                            | SectionState::Plot(_)
                            | SectionState::Layers(_)
                            | SectionState::Checkpoint(_)
                            | SectionState::Saliency(_)
                            | SectionState::ConceptMap(_)
                    );
                    // Each section in its own scope: a wide one widens the page's
                    // rectangle, and the text after it must not follow.
                    ui.scope(|ui| {
                        ui.set_max_width(if wide { full_width } else { text_width });
                        self.section_ui(ui, index, lessons, &mut events);
                    });
                    ui.add_space(10.0);
                }
                ui.separator();
                self.finish_ui(ui, finished, &mut events);
                ui.add_space(20.0);
            });
        events
    }

    fn section_ui(
        &mut self,
        ui: &mut egui::Ui,
        index: usize,
        lessons: &[super::concept_map_view::LessonInfo<'_>],
        events: &mut Vec<LessonEvent>,
    ) {
        let (before, rest) = self.sections.split_at_mut(index);
        let Some((state, above)) = rest.first_mut() else {
            return;
        };
        let graph = above.and_then(|i| match before.get(i) {
            Some((SectionState::Graph(g), _)) => Some(g.live()),
            _ => None,
        });
        let id = ui.scope_id().with(("section", index));
        match state {
            SectionState::Text(text) => {
                let filled = fill_live(text, graph);
                markdown_ui(ui, &mut self.markdown, id, &filled);
            }
            SectionState::Formula(text) => {
                ui.vertical_centered(|ui| formula_ui(ui, text, 22.0));
            }
            SectionState::Graph(state) => ui.push_id(id, |ui| state.ui(ui)).inner,
            SectionState::Plot(state) => state.ui(ui, id),
            SectionState::Layers(state) => ui.push_id(id, |ui| state.ui(ui)).inner,
            SectionState::Backward(state) => ui.push_id(id, |ui| state.ui(ui)).inner,
            SectionState::Training(state) => ui.push_id(id, |ui| state.ui(ui)).inner,
            SectionState::Checkpoint(state) => ui.push_id(id, |ui| state.ui(ui)).inner,
            SectionState::SecondOrder(state) => ui.push_id(id, |ui| state.ui(ui)).inner,
            SectionState::Saliency(state) => ui.push_id(id, |ui| state.ui(ui)).inner,
            SectionState::Code(listing) => {
                if !listing.title.is_empty() {
                    ui.strong(&listing.title);
                }
                ui.push_id(id, |ui| {
                    super::code_view::code_ui(ui, &listing.code, &listing.language)
                });
                if let Some(caption) = &listing.caption {
                    style::caption(ui, caption);
                }
            }
            SectionState::ConceptMap(map) => {
                let clicked = ui
                    .push_id(id, |ui| {
                        super::concept_map_view::concept_map_ui(ui, map, lessons)
                    })
                    .inner;
                if let Some(file) = clicked {
                    events.push(LessonEvent::Open(file));
                }
            }
            SectionState::Cards(state) => {
                let answered = ui.push_id(id, |ui| state.ui(ui, &mut self.markdown)).inner;
                if let Some((card, right)) = answered {
                    events.push(LessonEvent::Card { card, right });
                }
            }
            SectionState::Reveal { section, shown } => {
                reveal_ui(ui, &mut self.markdown, id, section, shown, graph);
            }
            SectionState::Quiz {
                title,
                first,
                questions,
                results,
                ..
            } => {
                ui.push_id(id, |ui| {
                    quiz_ui(
                        ui,
                        &mut self.markdown,
                        title,
                        *first,
                        questions,
                        results,
                        events,
                    );
                });
            }
            SectionState::Broken(message) => {
                ui.colored_label(ui.visuals().error_fg_color, message.as_str());
            }
        }
    }
}

/// Replaces `{{value NAME}}` and `{{grad NAME}}` with the graph's current numbers.
fn fill_live(text: &str, graph: Option<&LiveGraph>) -> String {
    template::fill(text, |kind, name| {
        let value = graph?.live_number(kind, name)?;
        Some(format!("**{}**", number(value)))
    })
}

/// Markdown with `$...$` maths typeset by our formula layout.
pub(super) fn markdown_ui(
    ui: &mut egui::Ui,
    cache: &mut CommonMarkCache,
    id: egui::Id,
    text: &str,
) {
    let math = |ui: &mut egui::Ui, tex: &str, inline: bool| {
        // Inline maths at the body text's size, so it sits on the line like a word.
        let body = egui::TextStyle::Body.resolve(ui.style()).size;
        formula_ui(ui, tex, if inline { body } else { body * 1.5 });
    };
    ui.push_id(id, |ui| {
        CommonMarkViewer::new()
            .render_math_fn(Some(&math))
            .show(ui, cache, text);
    });
}

impl PlotState {
    fn new(section: &PlotSection) -> Self {
        const SAMPLES: usize = 241;
        let curves = section
            .curves
            .iter()
            .map(|curve| {
                let points = match engine::parse_expression(&curve.expression, &[("x", 0.0)]) {
                    Ok((mut graph, _, inputs)) => (0..SAMPLES)
                        .filter_map(|i| {
                            let t = i as f64 / (SAMPLES - 1) as f64;
                            let x = section.x_min + t * (section.x_max - section.x_min);
                            let input = *inputs.first()?;
                            graph.set_input(input, x).ok()?;
                            let output = graph.output()?;
                            let y = if curve.derivative {
                                graph.grad(input)
                            } else {
                                graph.value(output)
                            };
                            Some([x, y])
                        })
                        .collect(),
                    Err(_) => Vec::new(),
                };
                (curve.label.clone(), points)
            })
            .collect();
        Self {
            section: section.clone(),
            curves,
        }
    }

    fn ui(&self, ui: &mut egui::Ui, id: egui::Id) {
        if !self.section.title.is_empty() {
            ui.strong(&self.section.title);
        }
        let key = plots::series_key(
            self.curves.iter().map(|(label, _)| label.as_str()),
            ui.visuals().dark_mode,
        );
        plots::key_ui(ui, &key);
        plots::plot(id, &self.section.x_label, &self.section.y_label)
            .height(220.0)
            .width(plots::width(ui))
            .show(ui, |plot| {
                for (entry, (_, points)) in key.iter().zip(&self.curves) {
                    plot.line(plots::keyed_line(entry, points.clone()));
                }
            });
        if let Some(caption) = &self.section.caption {
            style::caption(ui, caption);
        }
    }
}

fn reveal_ui(
    ui: &mut egui::Ui,
    cache: &mut CommonMarkCache,
    id: egui::Id,
    section: &RevealSection,
    shown: &mut usize,
    graph: Option<&LiveGraph>,
) {
    style::section_frame(ui).show(ui, |ui| {
        ui.set_width(ui.available_width());
        if !section.title.is_empty() {
            ui.strong(&section.title);
        }
        let total = section.steps.len();
        ui.horizontal(|ui| {
            if *shown < total {
                let label = if *shown == 0 {
                    "Show the first step".to_string()
                } else {
                    format!("Next step ({} of {total})", *shown + 1)
                };
                if ui.button(label).clicked() {
                    *shown += 1;
                }
            } else {
                ui.label(format!("All {total} steps shown."));
            }
            if *shown > 0 && ui.button("Hide the steps").clicked() {
                *shown = 0;
            }
        });
        // The buttons stay above the steps, so "Next step" does not move as they appear.
        for (i, step) in section.steps.iter().take(*shown).enumerate() {
            markdown_ui(ui, cache, id.with(i), &fill_live(step, graph));
        }
    });
}

fn quiz_ui(
    ui: &mut egui::Ui,
    cache: &mut CommonMarkCache,
    title: &str,
    first: u32,
    questions: &mut [QuestionView],
    results: &mut [Option<bool>],
    events: &mut Vec<LessonEvent>,
) {
    if !title.is_empty() {
        ui.heading(title);
    }
    for (number, question) in questions.iter_mut().enumerate() {
        ui.push_id(number, |ui| {
            style::section_frame(ui).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.strong(format!("Question {}", number + 1));
                if let Some(right) = question.ui(ui, cache) {
                    if let Some(slot) = results.get_mut(number) {
                        *slot = Some(right);
                    }
                    let offset = u32::try_from(number).unwrap_or(u32::MAX);
                    events.push(LessonEvent::Answered {
                        question: first.saturating_add(offset),
                        right,
                    });
                }
            });
        });
        ui.add_space(6.0);
    }
}
