//! Lesson checks beyond RON syntax: every script parses, every name a lesson refers to
//! exists, every range is sane, every formula and placeholder is well formed. Errors
//! point at the file, line and column of the problem.

use std::collections::HashSet;

use crate::engine::{self, NodeId};
use crate::limits::BY_HAND_BOXES;

/// The most examples a batch section shows (rows of its grids).
const MAX_BATCH_ROWS: usize = 8;
/// The most features a batch section shows (columns of X).
const MAX_BATCH_FEATURES: usize = 4;

use super::error::LessonError;
use super::live::{LiveGraph, LiveGraphError};
use super::model::{Card, GraphSection, Lesson, NumberQuestion, PlotSection, Question, Section};
use super::template::{self, Piece};

/// Every problem of a parsed lesson; empty when it is fine.
pub fn validate(file: &str, text: &str, lesson: &Lesson) -> Vec<LessonError> {
    let mut v = Validator {
        file,
        text,
        cursor: 0,
        errors: Vec::new(),
        question_ids: Vec::new(),
    };
    if lesson.title.trim().is_empty() {
        v.error_at(0, "the lesson has no title".into());
    }
    if lesson.sections.is_empty() {
        v.error_at(0, "the lesson has no sections".into());
    }
    let mut graph_above: Option<LiveGraph> = None;
    for section in &lesson.sections {
        match section {
            Section::Text(markdown) => v.check_text_section(markdown, graph_above.as_ref()),
            Section::Formula(formula) => v.check_formula_section(formula),
            Section::Graph(graph) => {
                if let Some(live) = v.check_graph_section(graph) {
                    graph_above = Some(live);
                }
            }
            Section::Plot(plot) => v.check_plot_section(plot),
            Section::SecondOrder(section) => v.check_second_order_section(section),
            Section::Checkpoint(section) => v.check_checkpoint_section(section),
            Section::Saliency(section) => v.check_saliency_section(section),
            Section::Code(listing) => v.check_code_section(listing),
            Section::ConceptMap(map) => v.check_concept_map_section(map),
            Section::Cards(deck) => v.check_cards_section(deck),
            Section::Training(section) => v.check_training_section(section),
            Section::Batch(section) => v.check_batch_section(section),
            Section::Network(section) => v.check_network_section(section),
            Section::Backward(section) => v.check_backward_section(section),
            Section::Layers(layers) => v.check_layers_section(layers),
            Section::Reveal(reveal) => v.check_reveal_section(reveal, graph_above.as_ref()),
            Section::Quiz(quiz) => v.check_quiz_section(quiz),
        }
    }
    v.errors
}

struct Validator<'a> {
    file: &'a str,
    text: &'a str,
    /// Sections appear in the file in order; searches start here.
    cursor: usize,
    errors: Vec<LessonError>,
    /// The ids of the questions checked so far (no two may share one: progress keeps
    /// answers under it).
    question_ids: Vec<String>,
}

impl Validator<'_> {
    /// Checks a `Text` section.
    fn check_text_section(&mut self, markdown: &str, graph: Option<&LiveGraph>) {
        let at = self.find_text(markdown);
        self.check_markdown(at, markdown, graph);
    }

    /// Checks a `Formula` section.
    fn check_formula_section(&mut self, formula: &str) {
        let at = self.find_text(formula);
        if let Err(error) = crate::tex::parse(formula) {
            let (line, column) = line_column(formula, char_to_byte(formula, error.offset));
            self.error_inside(at, formula, line, column, error.message);
        }
    }

    /// Checks a `Graph` section.
    fn check_graph_section(&mut self, graph: &GraphSection) -> Option<LiveGraph> {
        let at = self.find_text(&graph.script);
        self.check_graph(at, graph)
    }

    /// Checks a `Plot` section.
    fn check_plot_section(&mut self, plot: &PlotSection) {
        let at = self.find_text(&plot.title);
        self.check_plot(at, plot);
    }

    /// Checks a `SecondOrder` section.
    fn check_second_order_section(&mut self, section: &super::model::SecondOrderSection) {
        let at = self.find_text(&section.script);
        match engine::parse(&section.script) {
            Err(error) => {
                let p = error.position;
                let message = format!("graph script: {}", error.message);
                self.error_inside(at, &section.script, p.line, p.column, message);
            }
            Ok(program) if program.inputs.len() < 2 => {
                self.error_at(at, "the script needs two inputs, x and y".into());
            }
            Ok(_) => {}
        }
        let ranges = [section.x_min, section.x_max, section.y_min, section.y_max];
        if !(ranges.iter().all(|r| r.is_finite())
            && section.x_min < section.x_max
            && section.y_min < section.y_max)
        {
            self.error_at(
                at,
                "the map needs finite x_min < x_max and y_min < y_max".into(),
            );
        }
    }

    /// Checks a `Checkpoint` section.
    fn check_checkpoint_section(&mut self, section: &super::model::CheckpointSection) {
        let at = self.find_text(&section.title);
        if !(2..=1024).contains(&section.depth) {
            self.error_at(at, "depth must be between 2 and 1024".into());
        }
        if let Err(error) = engine::parse_expression(&section.layer, &[("h", 0.5), ("w", 1.0)]) {
            let here = self.find_text_from(at, &section.layer);
            let p = error.position;
            self.error_inside(
                here,
                &section.layer,
                p.line,
                p.column,
                format!("layer: {}", error.message),
            );
        }
    }

    /// Checks a `Saliency` section.
    fn check_saliency_section(&mut self, section: &super::model::SaliencySection) {
        let at = self.find_text("Saliency(");
        if section.models.is_empty() {
            let here = self.find_text_from(at, "models");
            self.error_at(here, "a saliency section needs at least one model".into());
        }
        let names: Vec<&str> = super::saliency::picture::test_pictures()
            .iter()
            .map(|(name, _)| *name)
            .collect();
        if !names.contains(&section.picture.as_str()) {
            let here = self.find_name(at, &section.picture);
            self.error_at(
                here,
                format!(
                    "unknown picture '{}': one of {}",
                    section.picture,
                    names.join(", ")
                ),
            );
        }
    }

    /// Checks a `Code` section.
    fn check_code_section(&mut self, listing: &super::model::CodeSection) {
        let at = self.find_text(&listing.code);
        if listing.code.trim().is_empty() {
            self.error_at(at, "a code section needs code".into());
        }
    }

    /// Checks a `ConceptMap` section.
    fn check_concept_map_section(&mut self, map: &super::model::ConceptMapSection) {
        let at = self.find_text(&map.title);
        let names: HashSet<&str> = map.concepts.iter().map(|c| c.name.as_str()).collect();
        if names.len() != map.concepts.len() {
            self.error_at(at, "concept names must be unique".into());
        }
        for concept in &map.concepts {
            for target in &concept.leads_to {
                if !names.contains(target.as_str()) {
                    let here = self.find_name(at, target);
                    self.error_at(here, format!("'{target}' is not a concept of this map"));
                }
            }
        }
        if let Some(cycle_at) = concept_cycle(&map.concepts) {
            self.error_at(at, format!("the map has a cycle through '{cycle_at}'"));
        }
    }

    /// Checks a `Cards` section.
    fn check_cards_section(&mut self, deck: &super::model::CardsSection) {
        let at = self.find_text(&deck.title);
        if deck.cards.is_empty() {
            self.error_at(at, "a deck needs at least one card".into());
        }
        for card in &deck.cards {
            let (front, back) = match card {
                Card::Flash { question, answer } => (question, answer),
                Card::Myth {
                    statement,
                    explanation,
                    ..
                } => (statement, explanation),
            };
            let here = self.find_text(front);
            if front.trim().is_empty() || back.trim().is_empty() {
                self.error_at(here, "a card needs both sides".into());
            }
        }
    }

    /// Checks a `Training` section.
    /// Checks a `Batch` section: a batch the engine can build, of a size that fits a
    /// screen (at most 8 examples of 4 features), its entries inside the drag range.
    fn check_batch_section(&mut self, section: &super::model::BatchSection) {
        let at = self.find_text(&section.title);
        let (low, high) = section.range;
        if !(low.is_finite() && high.is_finite() && low < high) {
            self.error_at(
                at,
                "the range must be two finite numbers, low < high".into(),
            );
        }
        let features = section.w.len();
        if section.x.len() > MAX_BATCH_ROWS || features > MAX_BATCH_FEATURES {
            self.error_at(
                at,
                format!(
                    "a batch shows at most {MAX_BATCH_ROWS} examples of {MAX_BATCH_FEATURES} features, not {} of {features}",
                    section.x.len()
                ),
            );
        }
        if let Err(error) = super::batch::Batch::new(&section.data()) {
            self.error_at(at, error.to_string());
        }
        let outside = section
            .x
            .iter()
            .flatten()
            .chain(&section.w)
            .find(|v| !(low..=high).contains(*v));
        if let Some(v) = outside {
            self.error_at(
                at,
                format!("the entry {v} is outside the range {low} to {high}"),
            );
        }
    }

    /// Checks a `Network` section: 1 to 3 hidden layers of 1 to 8 neurons, all equal (the
    /// view offers one width for every layer), a rate the view offers, 4 to 1,000 points.
    fn check_network_section(&mut self, section: &super::model::NetworkSection) {
        use super::network::{MAX_LAYERS, MAX_NEURONS, RATES};
        let at = self.find_text(&section.title);
        let first = section.hidden.first().copied().unwrap_or(0);
        if !(1..=MAX_LAYERS).contains(&section.hidden.len())
            || !(1..=MAX_NEURONS).contains(&first)
            || section.hidden.iter().any(|&n| n != first)
        {
            self.error_at(
                at,
                format!(
                    "hidden must be 1 to {MAX_LAYERS} layers of the same size, 1 to {MAX_NEURONS} neurons"
                ),
            );
        }
        if !RATES.contains(&section.learning_rate) {
            self.error_at(at, format!("the learning rate must be one of {RATES:?}"));
        }
        if !(4..=1000).contains(&section.points) {
            self.error_at(at, "points must be 4 to 1000".into());
        }
    }

    fn check_training_section(&mut self, section: &super::model::TrainingSection) {
        let at = self.find_text(&section.title);
        if section.variants.is_empty() || section.parameters.is_empty() || section.data.is_empty() {
            self.error_at(
                at,
                "a training section needs variants, parameters and data".into(),
            );
        }
        let rate_ok = section.learning_rate.is_finite() && section.learning_rate > 0.0;
        if !((1..=10_000).contains(&section.steps) && rate_ok) {
            self.error_at(
                at,
                "steps must be 1..10000 and the learning rate a finite number > 0".into(),
            );
        }
        for variant in &section.variants {
            let here = self.find_text(&variant.script);
            let run = crate::lesson::training::train(
                &variant.script,
                &section.parameters,
                &section.data,
                1,
                section.learning_rate.max(f64::MIN_POSITIVE),
            );
            match run {
                Ok(_) => {}
                Err(crate::lesson::training::TrainingError::Script(error)) => {
                    let p = error.position;
                    let message = format!("variant '{}': {}", variant.label, error.message);
                    self.error_inside(here, &variant.script, p.line, p.column, message);
                }
                Err(error) => self.error_at(here, format!("variant '{}': {error}", variant.label)),
            }
        }
    }

    /// Checks a `Backward` section.
    fn check_backward_section(&mut self, section: &super::model::BackwardSection) {
        let at = self.find_text(&section.script);
        if let Err(error) = engine::parse(&section.script) {
            let p = error.position;
            let message = format!("graph script: {}", error.message);
            self.error_inside(at, &section.script, p.line, p.column, message);
        }
    }

    /// Checks a `Layers` section.
    fn check_layers_section(&mut self, layers: &super::model::LayersSection) {
        let at = self.find_text(&layers.title);
        self.check_layers(at, layers);
    }

    /// Checks a `Reveal` section.
    fn check_reveal_section(
        &mut self,
        reveal: &super::model::RevealSection,
        graph: Option<&LiveGraph>,
    ) {
        let at = self.find_text(&reveal.title);
        if reveal.steps.is_empty() {
            self.error_at(at, "a reveal block needs at least one step".into());
        }
        for step in &reveal.steps {
            let at = self.find_text(step);
            self.check_markdown(at, step, graph);
        }
    }

    /// Checks a `Quiz` section.
    fn check_quiz_section(&mut self, quiz: &super::model::QuizSection) {
        let at = self.find_text(&quiz.title);
        if quiz.questions.is_empty() {
            self.error_at(at, "a quiz needs at least one question".into());
        }
        if let Some(link) = &quiz.lesson {
            let plain = !link.contains(['/', '\\']) && link.ends_with(".ron");
            if !plain || link.len() <= ".ron".len() {
                let here = self.find_name(at, link);
                self.error_at(
                    here,
                    format!(
                        "a quiz's lesson is a lesson file's name, such as \
                         '02-chain-rule.ron', not '{link}'"
                    ),
                );
            }
        }
        for question in &quiz.questions {
            self.check_question(question);
        }
    }

    /// Where a string of the lesson sits in the file: the whole string when it was
    /// written verbatim (a raw string), else its first line, else the last place found.
    fn find_text(&mut self, content: &str) -> usize {
        let rest = &self.text[self.cursor..];
        let first_line = content.lines().next().unwrap_or("");
        let found = if content.is_empty() {
            None
        } else {
            rest.find(content).or_else(|| {
                (!first_line.is_empty())
                    .then(|| rest.find(first_line))
                    .flatten()
            })
        };
        if let Some(offset) = found {
            self.cursor += offset;
        }
        self.cursor
    }

    /// Where `"name"` next appears after `from` (a reference inside a section).
    fn find_name(&self, from: usize, name: &str) -> usize {
        let quoted = format!("\"{name}\"");
        self.text[from..]
            .find(&quoted)
            .map_or(from, |offset| from + offset + 1)
    }

    fn error_at(&mut self, offset: usize, message: String) {
        let (line, column) = line_column(self.text, offset);
        self.errors.push(LessonError {
            file: self.file.to_string(),
            line,
            column,
            message,
        });
    }

    /// An error at a line and column inside a string that starts at `start` in the file.
    fn error_inside(
        &mut self,
        start: usize,
        content: &str,
        line: usize,
        column: usize,
        message: String,
    ) {
        let verbatim = self.text[start..].starts_with(content);
        let (base_line, base_column) = line_column(self.text, start);
        let (line, column) = if !verbatim && line > 1 {
            (base_line, base_column)
        } else if line == 1 {
            (base_line, base_column + column - 1)
        } else {
            (base_line + line - 1, column)
        };
        self.errors.push(LessonError {
            file: self.file.to_string(),
            line,
            column,
            message,
        });
    }

    fn check_markdown(&mut self, at: usize, markdown: &str, graph: Option<&LiveGraph>) {
        match template::pieces(markdown) {
            Err(error) => {
                let (line, column) = line_column(markdown, error.offset);
                self.error_inside(at, markdown, line, column, error.message);
            }
            Ok(pieces) => {
                for piece in pieces {
                    let Piece::Live { name, offset, .. } = piece else {
                        continue;
                    };
                    let known =
                        graph.is_some_and(|g| name.split_whitespace().all(|n| g.node(n).is_some()));
                    if !known {
                        let (line, column) = line_column(markdown, offset);
                        let message = if graph.is_none() {
                            format!("'{name}': live numbers need a graph section above")
                        } else {
                            format!("'{name}' is not a name in the graph above")
                        };
                        self.error_inside(at, markdown, line, column, message);
                    }
                }
            }
        }
        // Inline math between single dollars.
        let mut rest = markdown;
        let mut consumed = 0;
        while let Some(open) = rest.find('$') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('$') else { break };
            let formula = &after[..close];
            if let Err(error) = crate::tex::parse(formula) {
                let offset = consumed + open + 1 + char_to_byte(formula, error.offset);
                let (line, column) = line_column(markdown, offset);
                self.error_inside(at, markdown, line, column, error.message);
            }
            consumed += open + close + 2;
            rest = &after[close + 1..];
        }
    }

    fn check_graph(&mut self, at: usize, section: &GraphSection) -> Option<LiveGraph> {
        let live = match LiveGraph::new(section) {
            Ok(live) => live,
            Err(LiveGraphError::Parse(error)) => {
                let message = format!("graph script: {}", error.message);
                let p = error.position;
                self.error_inside(at, &section.script, p.line, p.column, message);
                return None;
            }
            Err(error @ LiveGraphError::UnknownOutput(_)) => {
                let name = section.output.as_deref().unwrap_or("");
                let at = self.find_name(at, name);
                self.error_at(at, error.to_string());
                return None;
            }
        };
        if let Some(why) = crate::diagram::too_big_to_draw(live.program.graph.node_count()) {
            self.error_at(at, format!("the app cannot draw this graph: {why}"));
            return None;
        }
        for input in &section.editable {
            let here = self.find_name(at, &input.name);
            let Some(value) = live.value(&input.name) else {
                self.error_at(
                    here,
                    format!("'{}' is not a name in the script", input.name),
                );
                continue;
            };
            if live.program.input_named(&input.name).is_none() {
                self.error_at(
                    here,
                    format!(
                        "'{}' is computed, not an input: only inputs can be edited",
                        input.name
                    ),
                );
            }
            if !(input.min.is_finite() && input.max.is_finite() && input.min < input.max) {
                self.error_at(
                    here,
                    format!("the range of '{}' must have finite min < max", input.name),
                );
            } else if !(input.min..=input.max).contains(&value) {
                self.error_at(
                    here,
                    format!(
                        "'{}' starts at {value}, outside its range {}..{}",
                        input.name, input.min, input.max
                    ),
                );
            }
        }
        for name in section.highlight.iter().chain(&section.chain) {
            if live.node(name).is_none() {
                let here = self.find_name(at, name);
                self.error_at(here, format!("'{name}' is not a name in the script"));
            }
        }
        for pair in section.chain.windows(2) {
            let (Some(from), Some(to)) = (live.node(&pair[0]), live.node(&pair[1])) else {
                continue;
            };
            if !depends_on(&live, to, from) {
                let here = self.find_name(at, &pair[1]);
                self.error_at(
                    here,
                    format!(
                        "the chain is broken: '{}' does not depend on '{}'",
                        pair[1], pair[0]
                    ),
                );
            }
        }
        if let Some(descent) = &section.descent {
            for name in &descent.parameters {
                if live.program.input_named(name).is_none() {
                    let here = self.find_name(at, name);
                    self.error_at(
                        here,
                        format!("gradient descent can only move inputs, and '{name}' is not one"),
                    );
                }
            }
            if !(descent.learning_rate.is_finite() && descent.learning_rate > 0.0) {
                self.error_at(at, "the learning rate must be a finite number > 0".into());
            }
        }
        if let Some(name) = &section.nudge
            && live.program.input_named(name).is_none()
        {
            let here = self.find_name(at, name);
            self.error_at(
                here,
                format!("only an input can be nudged, and '{name}' is not one"),
            );
        }
        Some(live)
    }

    fn check_plot(&mut self, at: usize, plot: &PlotSection) {
        if !(plot.x_min.is_finite() && plot.x_max.is_finite() && plot.x_min < plot.x_max) {
            self.error_at(at, "a plot needs finite x_min < x_max".into());
        }
        if plot.curves.is_empty() {
            self.error_at(at, "a plot needs at least one curve".into());
        }
        for curve in &plot.curves {
            if let Err(error) = engine::parse_expression(&curve.expression, &[("x", 0.0)]) {
                let here = self.find_text_from(at, &curve.expression);
                let p = error.position;
                let message = format!("curve '{}': {}", curve.label, error.message);
                self.error_inside(here, &curve.expression, p.line, p.column, message);
            }
        }
    }

    fn check_question(&mut self, question: &Question) {
        let id = question.id();
        if self.question_ids.contains(&id) {
            // The same prompt as one above: its next occurrence, past the cursor.
            let skip = self.text[self.cursor..]
                .chars()
                .next()
                .map_or(0, char::len_utf8);
            self.cursor += skip;
            let at = self.find_text(question.prompt());
            self.error_at(
                at,
                format!(
                    "two questions have the id '{id}': progress could not tell them apart; give each its own `id`"
                ),
            );
        }
        self.question_ids.push(id);
        match question {
            Question::Choice(choice) => {
                let at = self.find_text(&choice.prompt);
                if choice.options.len() < 2 {
                    self.error_at(at, "a choice question needs two options or more".into());
                }
                if !choice.options.iter().any(|o| o.correct) {
                    self.error_at(at, "no option is marked correct".into());
                }
            }
            Question::Numeric(q) => self.check_number_question(q, false),
            Question::Predict(q) => self.check_number_question(q, true),
            Question::Backprop(q) => self.check_backprop_question(q),
            Question::Formula(q) => {
                let at = self.find_text(&q.prompt);
                if q.variables.is_empty() {
                    self.error_at(at, "a formula question names at least one variable".into());
                }
                // Drawn constants are checked as a numeric question's parameters, on a
                // script that declares them.
                if let Some(script) = crate::quiz::params::parameter_script(&q.parameters)
                    && self.check_script_and_parameters(at, &script, &q.parameters)
                {
                    self.check_attempt_text(at, &q.prompt, &script);
                    let explanation_at = self.find_text_from(at, &q.explanation);
                    self.check_attempt_text(explanation_at, &q.explanation, &script);
                }
                let variables: Vec<(&str, f64)> = q
                    .variables
                    .iter()
                    .map(|v| (v.as_str(), 0.5))
                    .chain(q.parameters.iter().map(|p| (p.name.as_str(), p.min)))
                    .collect();
                if let Err(error) = engine::parse_expression(&q.reference, &variables) {
                    let here = self.find_text_from(at, &q.reference);
                    let p = error.position;
                    let message = format!("reference formula: {}", error.message);
                    self.error_inside(here, &q.reference, p.line, p.column, message);
                }
            }
        }
    }

    /// A numeric question, or a prediction (`predict`), whose answer must then be a
    /// gradient.
    fn check_number_question(&mut self, q: &NumberQuestion, predict: bool) {
        let at = self.find_text(&q.prompt);
        self.check_drawn(at, q);
        if predict && !q.answer.trim_start().starts_with("grad") {
            self.error_at(
                at,
                format!(
                    "a prediction is of a gradient ('grad NAME'), not '{}'",
                    q.answer
                ),
            );
        }
        let at = self.find_text(&q.explanation);
        self.check_attempt_text(at, &q.explanation, &q.script);
    }

    /// A question's script parses and each parameter is one of its inputs with a sane
    /// range; false when the script does not parse.
    fn check_script_and_parameters(
        &mut self,
        at: usize,
        script: &str,
        parameters: &[crate::random::Parameter],
    ) -> bool {
        let script_at = self.find_text_from(at, script);
        match engine::parse(script) {
            Err(error) => {
                let p = error.position;
                let message = format!("question script: {}", error.message);
                self.error_inside(script_at, script, p.line, p.column, message);
                false
            }
            Ok(program) => {
                for parameter in parameters {
                    let here = self.find_name(script_at, &parameter.name);
                    if program.input_named(&parameter.name).is_none() {
                        self.error_at(
                            here,
                            format!(
                                "parameter '{}' is not an input of the question's script",
                                parameter.name
                            ),
                        );
                    }
                    if !(parameter.min.is_finite()
                        && parameter.max.is_finite()
                        && parameter.min <= parameter.max)
                    {
                        self.error_at(
                            here,
                            format!(
                                "parameter '{}' needs finite min <= max, not {} and {}",
                                parameter.name, parameter.min, parameter.max
                            ),
                        );
                    } else if !parameter.is_valid() {
                        self.error_at(
                            here,
                            format!(
                                "parameter '{}' needs a finite step > 0, not {}",
                                parameter.name,
                                parameter.step.unwrap_or(f64::NAN)
                            ),
                        );
                    }
                }
                true
            }
        }
    }

    /// A backprop-it-yourself question: the script runs on every draw, every box's
    /// gradient is a finite number, the graph is small enough to fill by hand, and the
    /// text's numbers exist.
    fn check_backprop_question(&mut self, q: &crate::lesson::BackpropQuestion) {
        use crate::quiz::params::attempt_with;
        let at = self.find_text(&q.prompt);
        if !self.check_script_and_parameters(at, &q.script, &q.parameters) {
            return;
        }
        if q.parameters.iter().all(|p| p.is_valid()) {
            for values in draws(&q.parameters) {
                let mut attempt = match attempt_with(&q.script, values) {
                    Ok(attempt) => attempt,
                    Err(error) => {
                        self.error_at(at, error.to_string());
                        return;
                    }
                };
                let drawn = describe_draw(&attempt.values);
                let graph = &mut attempt.program.graph;
                let Some(exercise) = crate::quiz::by_hand::ByHand::new(graph) else {
                    return;
                };
                let boxes = exercise.order().len();
                if boxes > BY_HAND_BOXES {
                    self.error_at(
                        at,
                        format!(
                            "a backprop exercise has at most {} boxes to fill, not {boxes}",
                            BY_HAND_BOXES
                        ),
                    );
                    return;
                }
                if let Some(&id) = exercise
                    .order()
                    .iter()
                    .find(|&&id| !graph.grad(id).is_finite())
                {
                    let name = graph
                        .node(id)
                        .and_then(|n| n.display_name())
                        .unwrap_or("a box")
                        .to_string();
                    self.error_at(
                        at,
                        format!("the gradient of {name} is not a finite number{drawn}"),
                    );
                    return;
                }
            }
        }
        self.check_attempt_text(at, &q.prompt, &q.script);
        let at = self.find_text(&q.explanation);
        self.check_attempt_text(at, &q.explanation, &q.script);
    }

    /// A numeric or predict question: the script runs with its parameters drawn, the
    /// answer names a node, the tolerance is sane, and the prompt's numbers exist.
    fn check_drawn(&mut self, at: usize, q: &NumberQuestion) {
        let (prompt, script, parameters) = (&q.prompt, &q.script, &q.parameters);
        let (answer, tolerance) = (&q.answer, q.tolerance);
        if !self.check_script_and_parameters(at, script, parameters) {
            return;
        }
        let tolerance_ok = tolerance.is_finite() && tolerance >= 0.0;
        if !tolerance_ok {
            self.error_at(at, "the tolerance must be a finite number >= 0".into());
        }
        if parameters.iter().all(|p| p.is_valid()) {
            self.check_every_draw(
                at,
                script,
                parameters,
                answer,
                tolerance_ok.then_some(tolerance),
            );
        }
        self.check_attempt_text(at, prompt, script);
    }

    /// Runs a question on many draws of its parameters (every combination of stepped
    /// parameters when there are at most [`ALL_DRAWS`], else [`RANDOM_DRAWS`] random
    /// draws): the answer must be a finite number on every draw, and a nonzero answer must
    /// lie further from 0 than the tolerance, or typing 0 would pass.
    fn check_every_draw(
        &mut self,
        at: usize,
        script: &str,
        parameters: &[crate::random::Parameter],
        answer: &str,
        tolerance: Option<f64>,
    ) {
        use crate::quiz::params::{AttemptError, attempt_with};
        let answer_at = self.find_text_from(at, answer);
        for values in draws(parameters) {
            let attempt = match attempt_with(script, values) {
                Ok(attempt) => attempt,
                Err(error) => {
                    self.error_at(at, error.to_string());
                    return;
                }
            };
            let drawn = describe_draw(&attempt.values);
            match attempt.quantity(answer) {
                Ok(value) => {
                    if let Some(tolerance) = tolerance
                        && value != 0.0
                        && tolerance >= value.abs()
                    {
                        self.error_at(
                            answer_at,
                            format!(
                                "the tolerance {tolerance} lets 0 pass: the answer is {value}{drawn}; make the tolerance well below every answer"
                            ),
                        );
                        return;
                    }
                }
                Err(AttemptError::NotFinite) => {
                    self.error_at(
                        answer_at,
                        format!("answer '{answer}' is not a finite number{drawn}"),
                    );
                    return;
                }
                Err(error) => {
                    self.error_at(answer_at, format!("answer '{answer}': {error}"));
                    return;
                }
            }
        }
    }

    /// Placeholders in a question's text must name nodes of its own script.
    fn check_attempt_text(&mut self, at: usize, text: &str, script: &str) {
        let Ok(program) = engine::parse(script) else {
            return;
        };
        match template::pieces(text) {
            Err(error) => {
                let (line, column) = line_column(text, error.offset);
                self.error_inside(at, text, line, column, error.message);
            }
            Ok(pieces) => {
                for piece in pieces {
                    if let Piece::Live { name, offset, .. } = piece
                        && name
                            .split_whitespace()
                            .any(|n| program.node_named(n).is_none())
                    {
                        let (line, column) = line_column(text, offset);
                        let message = format!("'{name}' is not a name in the question's script");
                        self.error_inside(at, text, line, column, message);
                    }
                }
            }
        }
    }

    fn check_layers(&mut self, at: usize, layers: &crate::lesson::LayersSection) {
        if layers.choices.is_empty() {
            self.error_at(
                at,
                "a layers section needs at least one layer choice".into(),
            );
        }
        if !(1..=1000).contains(&layers.max_depth)
            || !(1..=layers.max_depth).contains(&layers.depth)
        {
            self.error_at(
                at,
                "depth must be between 1 and max_depth, and max_depth at most 1000".into(),
            );
        }
        let (w, lo, hi) = (layers.weight, layers.weight_min, layers.weight_max);
        if !(w.is_finite()
            && lo.is_finite()
            && hi.is_finite()
            && lo <= w
            && w <= hi
            && layers.input.is_finite())
        {
            self.error_at(
                at,
                "the weight must lie in weight_min..weight_max, all finite".into(),
            );
        }
        for choice in &layers.choices {
            if let Err(error) = engine::parse_expression(&choice.layer, &[("h", 0.5), ("w", 1.0)]) {
                let here = self.find_text_from(at, &choice.layer);
                let p = error.position;
                let message = format!("layer '{}': {}", choice.label, error.message);
                self.error_inside(here, &choice.layer, p.line, p.column, message);
            }
            if let Some(bound) = &choice.bound
                && let Err(error) = engine::parse_expression(bound, &[("w", 1.0)])
            {
                let here = self.find_text_from(at, bound);
                let p = error.position;
                let message = format!("bound of '{}': {}", choice.label, error.message);
                self.error_inside(here, bound, p.line, p.column, message);
            }
        }
    }

    fn find_text_from(&self, from: usize, content: &str) -> usize {
        self.text[from..].find(content).map_or(from, |o| from + o)
    }
}

/// How many combinations of stepped parameters `check` tries one by one.
pub const ALL_DRAWS: usize = 1000;
/// How many random draws `check` tries when there are more combinations, or a parameter
/// has no step.
pub const RANDOM_DRAWS: usize = 200;

/// The parameter values a question is checked with: every combination of stepped
/// parameters when there are at most [`ALL_DRAWS`], else [`RANDOM_DRAWS`] draws made as
/// the app makes them. No parameters: the script's own numbers, once.
pub fn draws(parameters: &[crate::random::Parameter]) -> Vec<Vec<(String, f64)>> {
    let stepped: Option<Vec<Vec<f64>>> = parameters
        .iter()
        .map(|p| p.stepped_values(ALL_DRAWS))
        .collect();
    if let Some(columns) = stepped {
        let total = columns
            .iter()
            .try_fold(1usize, |n, c| n.checked_mul(c.len()))
            .unwrap_or(usize::MAX);
        if total <= ALL_DRAWS {
            let mut all: Vec<Vec<(String, f64)>> = vec![Vec::new()];
            for (parameter, column) in parameters.iter().zip(&columns) {
                all = all
                    .into_iter()
                    .flat_map(|row| {
                        column.iter().map(move |&v| {
                            let mut row = row.clone();
                            row.push((parameter.name.clone(), v));
                            row
                        })
                    })
                    .collect();
            }
            return all;
        }
    }
    let mut rng = crate::random::Rng::new(1);
    (0..RANDOM_DRAWS)
        .map(|_| {
            parameters
                .iter()
                .map(|p| (p.name.clone(), p.draw(&mut rng)))
                .collect()
        })
        .collect()
}

/// ` when k = 2, x = -1` (nothing without parameters).
fn describe_draw(values: &[(String, f64)]) -> String {
    if values.is_empty() {
        return String::new();
    }
    let each: Vec<String> = values
        .iter()
        .map(|(name, value)| format!("{name} = {}", crate::format::number(*value)))
        .collect();
    format!(" when {}", each.join(", "))
}

/// A concept on a cycle, if the map has one (Kahn's algorithm, iterative).
fn concept_cycle(concepts: &[crate::lesson::Concept]) -> Option<String> {
    let index: std::collections::HashMap<&str, usize> = concepts
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();
    let mut incoming = vec![0usize; concepts.len()];
    for concept in concepts {
        for target in &concept.leads_to {
            if let Some(&t) = index.get(target.as_str()) {
                incoming[t] += 1;
            }
        }
    }
    let mut ready: Vec<usize> = (0..concepts.len()).filter(|&i| incoming[i] == 0).collect();
    let mut seen = 0;
    while let Some(i) = ready.pop() {
        seen += 1;
        for target in &concepts[i].leads_to {
            if let Some(&t) = index.get(target.as_str()) {
                incoming[t] -= 1;
                if incoming[t] == 0 {
                    ready.push(t);
                }
            }
        }
    }
    (seen < concepts.len())
        .then(|| (0..concepts.len()).find(|&i| incoming[i] > 0))
        .flatten()
        .map(|i| concepts[i].name.clone())
}

/// Whether `node` depends on `ancestor` (walks consumers iteratively).
fn depends_on(live: &LiveGraph, node: NodeId, ancestor: NodeId) -> bool {
    let graph = &live.program.graph;
    let mut seen = HashSet::new();
    let mut stack = vec![ancestor];
    while let Some(id) = stack.pop() {
        if id == node {
            return true;
        }
        if seen.insert(id) {
            stack.extend(graph.consumers(id));
        }
    }
    false
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}
