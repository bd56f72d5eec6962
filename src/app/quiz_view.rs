//! A quiz section, and its questions as a learner answers them: choose, type a number or
//! a formula, or predict a gradient before the graph reveals it. Every right answer comes
//! from the engine; every check gives feedback at once with this attempt's numbers.

use egui::RichText;
use egui_commonmark::CommonMarkCache;

use crate::lesson::{
    BackpropQuestion, ChoiceQuestion, FormulaQuestion, NumberQuestion, Question, QuizSection,
};
use crate::limits::ANSWER_CHARS;
use crate::quiz::choice::{grade_choice, option_order};
use crate::quiz::grade::{Verdict, grade_formula_with, grade_number, substitute};
use crate::quiz::params::{Attempt, draw_attempt};
use crate::quiz::seed_for;
use crate::random::Rng;

use super::by_hand_view::{ByHandPanel, PanelEvent};
use super::graph_view::GraphView;
use super::markdown::markdown_ui;
use super::section::{LessonEvent, PageContext, Placement, Scores, SectionWidget};
use super::style;
use crate::format::number;

/// A quiz section: its questions with the learner's work, and each one's last checked
/// answer.
pub struct QuizView {
    title: String,
    /// The lesson these questions test, if the author linked one.
    lesson: Option<String>,
    /// The number of this quiz's first question within the lesson.
    first: u32,
    /// The lesson's title and the section's index, which seed the questions' numbers.
    lesson_title: String,
    index: usize,
    /// The author's questions, to draw them again for a retake.
    source: Vec<Question>,
    questions: Vec<QuestionView>,
    /// Each question's last checked answer: right, wrong, or not checked yet.
    results: Vec<Option<bool>>,
    /// Each question's first checked answer in this attempt: the score counts it, so an
    /// answer copied from the worked solution after a wrong try does not.
    first_tries: Vec<Option<bool>>,
    /// The hints opened on each question before its first check in this attempt.
    hints: Vec<u8>,
}

impl QuizView {
    /// The quiz's questions drawn for the first time; they are numbered from
    /// `place.questions_before`, which moves past them.
    pub fn new(quiz: &QuizSection, place: &mut Placement<'_>) -> Self {
        let first = place.questions_before;
        place.questions_before = place
            .questions_before
            .saturating_add(u32::try_from(quiz.questions.len()).unwrap_or(0));
        let mut view = Self {
            title: quiz.title.clone(),
            lesson: quiz.lesson.clone(),
            first,
            lesson_title: place.lesson_title.to_string(),
            index: place.index,
            source: quiz.questions.clone(),
            questions: Vec::new(),
            results: vec![None; quiz.questions.len()],
            first_tries: vec![None; quiz.questions.len()],
            hints: vec![0; quiz.questions.len()],
        };
        view.draw_questions(place.round);
        view
    }

    fn draw_questions(&mut self, round: u64) {
        self.questions = self
            .source
            .iter()
            .enumerate()
            .map(|(i, q)| QuestionView::new(q, seed_for(&self.lesson_title, self.index, i, round)))
            .collect();
    }
}

impl SectionWidget for QuizView {
    fn ui(&mut self, ui: &mut egui::Ui, id: egui::Id, page: &mut PageContext<'_>) {
        ui.push_id(id, |ui| {
            if !self.title.is_empty() {
                ui.heading(&self.title);
            }
            for (number, question) in self.questions.iter_mut().enumerate() {
                ui.push_id(number, |ui| {
                    // A prediction's graph takes the page's width (the quiz is wide for
                    // it); every other question keeps the reading width.
                    if !question.prediction() {
                        ui.set_max_width(style::READING_WIDTH.min(ui.available_width()));
                    }
                    style::section_frame(ui).show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        ui.strong(format!("Question {}", number + 1));
                        if let Some(right) = question.ui(ui, page.markdown, page.solutions_hidden) {
                            if let Some(slot) = self.results.get_mut(number) {
                                *slot = Some(right);
                            }
                            let first = match self.first_tries.get_mut(number) {
                                Some(slot @ None) => {
                                    *slot = Some(right);
                                    if let Some(h) = self.hints.get_mut(number) {
                                        *h = question.hints();
                                    }
                                    true
                                }
                                _ => false,
                            };
                            let offset = u32::try_from(number).unwrap_or(u32::MAX);
                            page.events.push(LessonEvent::Answered {
                                question: self.first.saturating_add(offset),
                                right,
                                first,
                                seed: question.seed(),
                                hints: question.hints(),
                            });
                        }
                    });
                });
                ui.add_space(6.0);
            }
        });
    }

    fn scores(&self) -> Option<Scores<'_>> {
        Some(Scores {
            title: &self.title,
            lesson: self.lesson.as_deref(),
            results: &self.results,
            first_tries: &self.first_tries,
            hints: &self.hints,
        })
    }

    fn retake(&mut self, round: u64) {
        self.draw_questions(round);
        self.results.iter_mut().for_each(|r| *r = None);
        self.first_tries.iter_mut().for_each(|r| *r = None);
        self.hints.iter_mut().for_each(|h| *h = 0);
    }

    fn prediction_pending(&self) -> bool {
        self.questions.iter().any(QuestionView::prediction_pending)
    }

    /// A quiz with a prediction is as wide as the page: its graph needs the room.
    fn wide(&self) -> bool {
        self.questions.iter().any(QuestionView::prediction)
    }
}

/// One question and the learner's work on it.
pub struct QuestionView {
    kind: Kind,
    /// Draws parameters and formula test points; advanced on every new attempt.
    rng: Rng,
    /// The seed it was drawn from (kept with each answer, to draw the same numbers again).
    seed: u64,
}

enum Kind {
    Choice {
        question: ChoiceQuestion,
        /// `order[position]`: the option shown at that position, drawn per attempt.
        order: Vec<usize>,
        /// Whether the option shown at each position is ticked.
        chosen: Vec<bool>,
        checked: bool,
    },
    /// A numeric question, or a prediction when `view` is set: the graph shown, without
    /// its gradients until the learner commits.
    Number {
        question: NumberQuestion,
        /// Boxed: an attempt holds a whole graph, and the other kinds are small.
        attempt: Result<Box<Attempt>, String>,
        view: Option<Box<GraphView>>,
        text: String,
        verdict: Option<Verdict>,
        /// After a wrong answer, whether the learner asked for the worked solution
        /// (until then the feedback names the slip and keeps the answer back).
        solution_shown: bool,
        /// What the last wrong answer's feedback says (worked out once, on the check).
        hint: String,
        /// Hints opened on this variant before its answer: the chain, then its local
        /// factors (the third step is the worked solution).
        hints: u8,
        /// The hints' texts, worked out when the first is opened (`None` inside: the
        /// answer is not a gradient, or has no chain to show).
        hint_texts: Option<Option<[String; 2]>>,
    },
    /// Backprop it yourself on a drawn graph.
    ByHand {
        question: BackpropQuestion,
        attempt: Result<Box<Attempt>, String>,
        view: Box<GraphView>,
        panel: Option<Box<ByHandPanel>>,
    },
    Formula {
        question: FormulaQuestion,
        /// The drawn constants (`None` without parameters).
        constants: Option<Box<Attempt>>,
        text: String,
        verdict: Option<Verdict>,
        /// After a wrong formula, whether the learner asked to see a right one.
        solution_shown: bool,
    },
}

impl QuestionView {
    /// Whether it asks for a prediction (a graph shown without its gradients).
    fn prediction(&self) -> bool {
        matches!(
            &self.kind,
            Kind::Number { view: Some(_), .. } | Kind::ByHand { .. }
        )
    }

    /// Whether it is a prediction whose answer is not out yet: not checked right, and
    /// after a wrong check the worked solution not asked for (until then the gradients
    /// would give it away).
    fn prediction_pending(&self) -> bool {
        match &self.kind {
            Kind::Number {
                view: Some(_),
                verdict,
                solution_shown,
                ..
            } => !answer_out(verdict.as_ref(), *solution_shown),
            Kind::ByHand { panel, .. } => panel.as_ref().is_some_and(|p| !p.finished()),
            _ => false,
        }
    }

    /// A fresh question; `seed` makes its random numbers repeatable.
    pub fn new(question: &Question, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let number = |q: &NumberQuestion, predict: bool, rng: &mut Rng| Kind::Number {
            attempt: draw(&q.script, &q.parameters, rng).map(Box::new),
            question: q.clone(),
            view: predict.then(hidden_view),
            text: String::new(),
            verdict: None,
            solution_shown: false,
            hint: String::new(),
            hints: 0,
            hint_texts: None,
        };
        let kind = match question {
            Question::Choice(q) => Kind::Choice {
                order: option_order(q.options.len(), q.fixed_order, &mut rng),
                chosen: vec![false; q.options.len()],
                question: q.clone(),
                checked: false,
            },
            Question::Numeric(q) => number(q, false, &mut rng),
            Question::Predict(q) => number(q, true, &mut rng),
            Question::Backprop(q) => {
                let mut attempt = draw(&q.script, &q.parameters, &mut rng).map(Box::new);
                let panel = by_hand_panel(&mut attempt);
                Kind::ByHand {
                    question: q.clone(),
                    attempt,
                    view: by_hand_view(),
                    panel,
                }
            }
            Question::Formula(q) => Kind::Formula {
                constants: draw_constants(&q.parameters, &mut rng),
                question: q.clone(),
                text: String::new(),
                verdict: None,
                solution_shown: false,
            },
        };
        Self { kind, rng, seed }
    }

    /// The seed its numbers were drawn from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// How many hints the learner opened before the last check.
    pub fn hints(&self) -> u8 {
        match &self.kind {
            Kind::Number { hints, .. } => *hints,
            _ => 0,
        }
    }

    /// Draws the question; returns whether the answer was right on the frame the learner
    /// checks it (an unreadable answer is not counted).
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        cache: &mut CommonMarkCache,
        solutions_hidden: bool,
    ) -> Option<bool> {
        match &mut self.kind {
            Kind::Choice {
                question,
                order,
                chosen,
                checked,
            } => {
                markdown_ui(ui, cache, ui.scope_id().with("prompt"), &question.prompt);
                let (result, retry) =
                    choice_ui(ui, question, order, chosen, checked, solutions_hidden);
                if retry {
                    // A new attempt: a new order, nothing ticked.
                    *order =
                        option_order(question.options.len(), question.fixed_order, &mut self.rng);
                    chosen.iter_mut().for_each(|c| *c = false);
                    *checked = false;
                }
                result
            }
            Kind::Number {
                question,
                attempt,
                view,
                text,
                verdict,
                solution_shown,
                hint,
                hints,
                hint_texts,
            } => {
                let drawn = drawn_or_error(ui, attempt)?;
                let prompt = fill(&question.prompt, drawn);
                // The prompt at the reading width, even where the graph below is wider.
                ui.scope(|ui| {
                    ui.set_max_width(style::READING_WIDTH.min(ui.available_width()));
                    markdown_ui(ui, cache, ui.scope_id().with("prompt"), &prompt);
                });
                if let Some(view) = view {
                    let out = answer_out(verdict.as_ref(), *solution_shown);
                    view.hide_gradients = !out;
                    view.hide_locals = !out;
                    let graph = &mut drawn.program.graph;
                    let height = view.preferred_height(graph, 400.0);
                    view.ui_sized(ui, graph, height);
                }
                let predict = view.is_some();
                let expected = drawn.quantity(&question.answer).ok();
                // The hint ladder, before the answer is out: the chain, its local factors,
                // then the worked solution (which gives the question up).
                let checked = verdict.is_some();
                if !answer_out(verdict.as_ref(), *solution_shown)
                    && hint_ladder_ui(
                        ui,
                        drawn,
                        &question.answer,
                        (hints, checked, solutions_hidden),
                        hint_texts,
                    )
                {
                    *solution_shown = true;
                    if verdict.is_none() {
                        *verdict = Some(Verdict::Wrong);
                        return Some(false);
                    }
                }
                let label = if predict {
                    "Your prediction:"
                } else {
                    "Your answer:"
                };
                let result = answer_row(ui, label, text, verdict, |text| match expected {
                    Some(expected) => grade_number(text, expected, question.tolerance),
                    None => Verdict::Wrong,
                });
                if result == Some(false) {
                    let name = answer_name(&question.answer);
                    *hint = match diagnose_number(drawn, &question.answer, text, question.tolerance)
                    {
                        Some(slip) => slip.message(&name),
                        None => "Work back from the output one link at a time: each link's \
                                 blame is the blame above it times its local factor."
                            .to_string(),
                    };
                }
                // The precision asked for, from the tolerance, and what the field reads.
                ui.weak(format!(
                    "Right within {} of the engine's number. Arithmetic such as 1.25^4 or \
                     0.5*(1 - 0.5) is worked out for you.",
                    number(question.tolerance)
                ));
                // A wrong number: the slip it matches, worked out on this graph, before any
                // answer; the solution only when asked for.
                let wrong = matches!(verdict, Some(Verdict::Wrong));
                if wrong && !*solution_shown {
                    ui.label(
                        RichText::new("Not quite.")
                            .strong()
                            .color(style::wrong_color(ui.visuals().dark_mode)),
                    );
                    ui.label(hint.as_str());
                    let mut retry = false;
                    ui.horizontal(|ui| {
                        if !solutions_hidden && ui.button("Show the worked solution").clicked() {
                            *solution_shown = true;
                        }
                        retry = ui.button("Try again with new numbers").clicked();
                    });
                    if retry {
                        *attempt = draw(&question.script, &question.parameters, &mut self.rng)
                            .map(Box::new);
                        text.clear();
                        *verdict = None;
                        *hints = 0;
                        *hint_texts = None;
                        if predict {
                            *view = Some(hidden_view());
                        }
                    }
                    return result;
                }
                let answer = expected.map(|expected| {
                    if predict {
                        format!(
                            "You predicted {}; the engine's backward pass gives {}.",
                            text.trim(),
                            number(expected)
                        )
                    } else {
                        format!("The engine's answer: {}", number(expected))
                    }
                });
                let retry = feedback_ui(
                    ui,
                    cache,
                    verdict.as_ref(),
                    answer.filter(|_| !solutions_hidden),
                    &if solutions_hidden {
                        String::new()
                    } else {
                        fill(&question.explanation, drawn)
                    },
                    true,
                );
                if retry {
                    // New numbers for the same question; the learner's text and verdict
                    // are cleared, and a prediction's gradients hidden again.
                    *attempt =
                        draw(&question.script, &question.parameters, &mut self.rng).map(Box::new);
                    text.clear();
                    *verdict = None;
                    *solution_shown = false;
                    *hints = 0;
                    *hint_texts = None;
                    if predict {
                        *view = Some(hidden_view());
                    }
                }
                result
            }
            Kind::ByHand {
                question,
                attempt,
                view,
                panel,
            } => {
                let drawn = drawn_or_error(ui, attempt)?;
                ui.scope(|ui| {
                    ui.set_max_width(style::READING_WIDTH.min(ui.available_width()));
                    markdown_ui(
                        ui,
                        cache,
                        ui.scope_id().with("prompt"),
                        &fill(&question.prompt, drawn),
                    );
                });
                let Some(work) = panel else {
                    ui.label("This graph has no output to backpropagate from.");
                    return None;
                };
                let graph = &mut drawn.program.graph;
                work.dress(view, graph);
                let selected = view.selected.take();
                let height = view.preferred_height(graph, 400.0);
                view.ui_sized(ui, graph, height);
                if let Some(id) = selected.or(view.selected.take()) {
                    work.focus_box(id);
                }
                // A first wrong entry fails the first try; the final answer is right
                // when every gradient was found without asking for one.
                let result = work.ui(ui, graph).map(|event| match event {
                    PanelEvent::FirstMiss => false,
                    PanelEvent::Finished { none_shown } => none_shown,
                });
                if work.finished() {
                    if !solutions_hidden && !question.explanation.trim().is_empty() {
                        markdown_ui(
                            ui,
                            cache,
                            ui.scope_id().with("explanation"),
                            &fill(&question.explanation, drawn),
                        );
                    }
                    if ui.button("Try again with new numbers").clicked() {
                        *attempt = draw(&question.script, &question.parameters, &mut self.rng)
                            .map(Box::new);
                        *panel = by_hand_panel(attempt);
                        *view = by_hand_view();
                    }
                }
                result
            }
            Kind::Formula {
                question,
                constants,
                text,
                verdict,
                solution_shown,
            } => {
                // This attempt's numbers in the prompt, the explanation and the reference.
                let drawn = constants.as_deref();
                let values: &[(String, f64)] = drawn.map_or(&[], |c| &c.values);
                let filled = |text: &str| match drawn {
                    Some(c) => fill(text, c),
                    None => text.to_string(),
                };
                markdown_ui(
                    ui,
                    cache,
                    ui.scope_id().with("prompt"),
                    &filled(&question.prompt),
                );
                let rng = &mut self.rng;
                let result = answer_row(ui, "Your formula:", text, verdict, |text| {
                    grade_formula_with(text, &question.reference, &question.variables, values, rng)
                });
                // A wrong formula: a second try before any right one is shown (a right one
                // on screen would only be copied).
                if matches!(verdict, Some(Verdict::Wrong)) && !*solution_shown {
                    ui.label(
                        RichText::new("Not quite.")
                            .strong()
                            .color(style::wrong_color(ui.visuals().dark_mode)),
                    );
                    ui.label(
                        "It differs from a right formula at some of the points it was tried \
                         at. Write the chain rule's factors one by one, then multiply them.",
                    );
                    ui.horizontal(|ui| {
                        if !solutions_hidden && ui.button("Show the worked solution").clicked() {
                            *solution_shown = true;
                        }
                        if ui.button("Try again").clicked() {
                            text.clear();
                            *verdict = None;
                        }
                    });
                    return result;
                }
                let retry = feedback_ui(
                    ui,
                    cache,
                    verdict.as_ref(),
                    (!solutions_hidden).then(|| {
                        format!(
                            "A right answer: {}",
                            substitute(&question.reference, values)
                        )
                    }),
                    &if solutions_hidden {
                        String::new()
                    } else {
                        filled(&question.explanation)
                    },
                    !question.parameters.is_empty(),
                );
                if retry {
                    text.clear();
                    *verdict = None;
                    *solution_shown = false;
                    // New numbers: the right answer just shown belongs to the old ones.
                    *constants = draw_constants(&question.parameters, &mut self.rng);
                }
                result
            }
        }
    }
}

/// Whether a question's answer is out: checked right, or the worked solution shown after
/// a wrong check.
fn answer_out(verdict: Option<&Verdict>, solution_shown: bool) -> bool {
    match verdict {
        Some(Verdict::Correct) => true,
        Some(Verdict::Wrong) => solution_shown,
        _ => false,
    }
}

/// The name an answer spec asks about (`grad w` → `w`).
fn answer_name(spec: &str) -> String {
    crate::quiz::params::parse_answer_spec(spec)
        .map(|(_, name)| name)
        .unwrap_or_else(|_| spec.to_string())
}

/// The slip a typed wrong number matches, for a question asking for a gradient.
fn diagnose_number(
    attempt: &Attempt,
    spec: &str,
    text: &str,
    tolerance: f64,
) -> Option<crate::quiz::slips::Slip> {
    let (quantity, name) = crate::quiz::params::parse_answer_spec(spec).ok()?;
    if quantity != crate::quiz::Quantity::Grad {
        return None;
    }
    let typed = crate::quiz::grade::typed_value(text)?;
    let program = &attempt.program;
    let target = program.node_named(&name)?;
    crate::quiz::slips::diagnose(&program.graph, program.output, target, typed, tolerance)
}

/// The hint ladder of a question whose answer is a gradient: "Show the chain", then "Show
/// the local factors", then "Show the worked solution"; the hints opened stay on screen.
/// After a wrong check (`checked`) the feedback below offers the solution instead of the
/// third step. Returns true on the frame the learner asks for the worked solution.
fn hint_ladder_ui(
    ui: &mut egui::Ui,
    drawn: &mut Attempt,
    spec: &str,
    (hints, checked, solutions_hidden): (&mut u8, bool, bool),
    texts: &mut Option<Option<[String; 2]>>,
) -> bool {
    let texts = texts.get_or_insert_with(|| {
        let (quantity, name) = crate::quiz::params::parse_answer_spec(spec).ok()?;
        if quantity != crate::quiz::Quantity::Grad {
            return None;
        }
        let target = drawn.program.node_named(&name)?;
        crate::diagram::explain::chain_hints(&mut drawn.program.graph, target)
    });
    let Some(texts) = texts else {
        return false;
    };
    for text in texts.iter().take(usize::from(*hints)) {
        ui.horizontal_wrapped(|ui| {
            ui.strong("Hint:");
            ui.label(text.as_str());
        });
    }
    let mut solution = false;
    // After both hints, the worked solution, unless a teacher's link hid solutions.
    if (checked || solutions_hidden) && *hints >= 2 {
        return false;
    }
    ui.horizontal(|ui| {
        let (label, tip) = match *hints {
            0 => (
                "Hint: show the chain",
                "The paths from this box to the output",
            ),
            1 => ("Hint: show the local factors", "Each local factor's number"),
            _ => (
                "Show the worked solution",
                "Gives the question up: it counts as missed",
            ),
        };
        if ui.button(label).on_hover_text(tip).clicked() {
            if *hints >= 2 {
                solution = true;
            } else {
                *hints += 1;
            }
        }
    });
    solution
}

/// The drawn attempt, or the reason it could not be drawn, said on the page.
fn drawn_or_error<'a>(
    ui: &mut egui::Ui,
    attempt: &'a mut Result<Box<Attempt>, String>,
) -> Option<&'a mut Attempt> {
    match attempt {
        Ok(drawn) => Some(drawn),
        Err(message) => {
            ui.colored_label(ui.visuals().error_fg_color, message.as_str());
            None
        }
    }
}

/// A formula question's constants drawn for an attempt (`None` without parameters).
fn draw_constants(parameters: &[crate::random::Parameter], rng: &mut Rng) -> Option<Box<Attempt>> {
    let script = crate::quiz::params::parameter_script(parameters)?;
    draw_attempt(&script, parameters, rng).ok().map(Box::new)
}

/// The exercise on a drawn graph, if it drew.
fn by_hand_panel(attempt: &mut Result<Box<Attempt>, String>) -> Option<Box<ByHandPanel>> {
    let drawn = attempt.as_mut().ok()?;
    let name = drawn.program.output_name.clone();
    ByHandPanel::new(&mut drawn.program.graph, &name).map(Box::new)
}

/// A graph view for backprop by hand: every operation its own box (each one is filled).
fn by_hand_view() -> Box<GraphView> {
    let mut view = GraphView::default();
    view.fold_intermediates = false;
    view.wheel_pans = false;
    Box::new(view)
}

fn hidden_view() -> Box<GraphView> {
    let mut view = GraphView::default();
    view.hide_gradients = true;
    view.hide_locals = true;
    view.wheel_pans = false;
    Box::new(view)
}

fn draw(
    script: &str,
    parameters: &[crate::random::Parameter],
    rng: &mut Rng,
) -> Result<Attempt, String> {
    draw_attempt(script, parameters, rng).map_err(|e| format!("This question cannot run: {e}"))
}

/// Text with this attempt's numbers in place of `{{value NAME}}` and `{{grad NAME}}`.
fn fill(text: &str, attempt: &Attempt) -> String {
    crate::lesson::worksheet::fill(text, attempt)
}

/// The text field and its Check button; grades on Check or Enter.
fn answer_row(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    verdict: &mut Option<Verdict>,
    grade: impl FnOnce(&str) -> Verdict,
) -> Option<bool> {
    let mut submitted = false;
    ui.horizontal(|ui| {
        let label = ui.label(label);
        let response = ui
            .add(
                egui::TextEdit::singleline(text)
                    .desired_width(160.0)
                    .char_limit(ANSWER_CHARS),
            )
            .labelled_by(label.id);
        if response.changed() {
            *verdict = None;
        }
        if text.chars().count() >= ANSWER_CHARS {
            ui.weak(format!("(at most {ANSWER_CHARS} characters)"));
        }
        let enter = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let button = ui.add_enabled(!text.trim().is_empty(), egui::Button::new("Check answer"));
        submitted = (button.clicked() || enter) && !text.trim().is_empty();
    });
    if !submitted {
        return None;
    }
    let result = grade(text);
    let right = match &result {
        Verdict::Correct => Some(true),
        Verdict::Wrong => Some(false),
        Verdict::Unreadable { .. } => None,
    };
    *verdict = Some(result);
    right
}

/// Right or wrong, the right answer, the worked explanation, and "try again". Returns whether
/// the learner asked for new numbers.
fn feedback_ui(
    ui: &mut egui::Ui,
    cache: &mut CommonMarkCache,
    verdict: Option<&Verdict>,
    answer: Option<String>,
    explanation: &str,
    new_numbers: bool,
) -> bool {
    let Some(verdict) = verdict else {
        return false;
    };
    match verdict {
        Verdict::Unreadable {
            line,
            column,
            message,
        } => {
            let place = if *line > 1 {
                format!("Line {line}, column {column}")
            } else {
                format!("Column {column}")
            };
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("{place}: {message}. Not counted: fix it and check again."),
            );
            return false;
        }
        Verdict::Correct => {
            ui.label(
                RichText::new("Right!")
                    .strong()
                    .color(style::right_color(ui.visuals().dark_mode)),
            );
        }
        Verdict::Wrong => {
            ui.label(
                RichText::new("Not quite.")
                    .strong()
                    .color(style::wrong_color(ui.visuals().dark_mode)),
            );
        }
    }
    if let Some(answer) = answer {
        ui.label(RichText::new(answer).strong());
    }
    if !explanation.is_empty() {
        markdown_ui(ui, cache, ui.scope_id().with("explanation"), explanation);
    }
    let label = if new_numbers {
        "Try again with new numbers"
    } else {
        "Try again"
    };
    ui.button(label).clicked()
}

/// Returns whether the answer was right, on the frame the learner checks it, and whether
/// the learner asked to try again (a new order).
fn choice_ui(
    ui: &mut egui::Ui,
    question: &ChoiceQuestion,
    order: &[usize],
    chosen: &mut [bool],
    checked: &mut bool,
    solutions_hidden: bool,
) -> (Option<bool>, bool) {
    let several = question.options.iter().filter(|o| o.correct).count() > 1;
    if several {
        ui.label(RichText::new("Choose every correct answer.").weak());
    }
    for (position, &index) in order.iter().enumerate() {
        let Some(option) = question.options.get(index) else {
            continue;
        };
        let mut on = chosen.get(position).copied().unwrap_or(false);
        let changed = if several {
            ui.checkbox(&mut on, option.text.as_str()).changed()
        } else {
            let clicked = ui.radio(on, option.text.as_str()).clicked();
            if clicked {
                chosen.iter_mut().for_each(|c| *c = false);
                on = true;
            }
            clicked
        };
        if changed {
            if let Some(slot) = chosen.get_mut(position) {
                *slot = on;
            }
            *checked = false;
        }
        // After a check: the chosen option's note; with several right options, also
        // every right one the learner missed, so each mistake is explained.
        let missed = several && option.correct && !on;
        if *checked && (on || missed) {
            let verdict = match (option.correct, on) {
                (true, true) => "Right",
                (true, false) => "Missed, and right",
                (false, _) => "Wrong",
            };
            let note = if option.explanation.is_empty() && missed {
                "this option is right too."
            } else {
                option.explanation.as_str()
            };
            if !note.is_empty() {
                ui.indent(position, |ui| {
                    ui.label(format!("{verdict}: {note}"));
                });
            }
        }
    }
    if *checked && several && !solutions_hidden {
        let right: Vec<&str> = order
            .iter()
            .filter_map(|&i| question.options.get(i))
            .filter(|o| o.correct)
            .map(|o| o.text.as_str())
            .collect();
        ui.label(RichText::new(format!("The right set: {}.", right.join("; "))).strong());
    }
    let mut result = None;
    let mut retry = false;
    let correct: Vec<bool> = question.options.iter().map(|o| o.correct).collect();
    let right = grade_choice(&correct, order, chosen);
    ui.horizontal(|ui| {
        let any_chosen = chosen.iter().any(|&c| c);
        if ui
            .add_enabled(any_chosen, egui::Button::new("Check answer"))
            .clicked()
        {
            *checked = true;
            result = Some(right);
        }
        if *checked {
            if right {
                ui.label(
                    RichText::new("Right!")
                        .strong()
                        .color(style::right_color(ui.visuals().dark_mode)),
                );
            } else {
                ui.label(
                    RichText::new("Not quite: read the notes above and try again.")
                        .strong()
                        .color(style::wrong_color(ui.visuals().dark_mode)),
                );
            }
            let label = if question.fixed_order {
                "Try again"
            } else {
                "Try again, options reshuffled"
            };
            retry = ui.button(label).clicked();
        }
    });
    (result, retry)
}
