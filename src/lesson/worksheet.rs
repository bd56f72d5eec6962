//! Worksheets: a lesson's questions as the app draws them for one round (the same seeds,
//! numbers and option order), printed as Markdown for paper or as JSON, with or without
//! the answers. Used by `backprop-lab worksheet`.

use std::fmt::Write as _;

use crate::format::number;
use crate::quiz::{Attempt, draw_attempt, option_order, seed_for};
use crate::random::{Parameter, Rng};

use super::model::{Lesson, Question, Section};
use super::template::{self, LiveKind};

/// One lesson's questions as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetLesson {
    /// The lesson's file name, e.g. `01-blame-game.ron`.
    pub file: String,
    /// The lesson's title.
    pub title: String,
    /// Its questions in page order.
    pub questions: Vec<SheetQuestion>,
}

/// One question as drawn: prompt with its numbers filled in.
#[derive(Debug, Clone, PartialEq)]
pub enum SheetQuestion {
    /// Options in the order the app shows them, each with whether it is correct.
    Choice {
        /// The prompt.
        prompt: String,
        /// `(text, correct)` in shown order.
        options: Vec<(String, bool)>,
    },
    /// A number to type (`predict` is true for a predict question).
    Number {
        /// Whether it is a predict question.
        predict: bool,
        /// The prompt with this round's numbers.
        prompt: String,
        /// The engine's answer.
        answer: f64,
        /// How far from it still counts as right.
        tolerance: f64,
        /// The worked solution with this round's numbers.
        solution: String,
        /// The app's hints before the answer, for a gradient: the chain, then its local
        /// factors with this round's numbers (empty for a value).
        hints: Vec<String>,
    },
    /// A graph to backpropagate by hand: every box's gradient, output first.
    Backprop {
        /// The prompt with this round's numbers.
        prompt: String,
        /// Each box to fill, in the order the backward pass reaches it, with the
        /// engine's gradient of the output with respect to it (`dL/dz`).
        boxes: Vec<(String, f64)>,
        /// The worked solution with this round's numbers.
        solution: String,
    },
    /// A formula to write.
    Formula {
        /// The prompt.
        prompt: String,
        /// A right answer.
        reference: String,
        /// The worked solution.
        solution: String,
    },
}

/// Text with an attempt's numbers in place of `{{value NAME}}`, `{{grad NAME}}` and
/// `{{slope OF WRT}}`, formatted as the app formats them.
pub fn fill(text: &str, attempt: &Attempt) -> String {
    template::fill(text, |kind, name| {
        let value = match kind {
            LiveKind::Value => attempt.value(name)?,
            LiveKind::Grad => attempt.grad(name)?,
            LiveKind::Slope => {
                let mut names = name.split_whitespace();
                let (of, wrt) = (names.next()?, names.next()?);
                let program = &attempt.program;
                let (to, from) = (program.node_named(of)?, program.node_named(wrt)?);
                program.graph.gradient_of(to, from)
            }
        };
        Some(number(value))
    })
}

/// A lesson's questions as the app draws them in round `round` (0 is what the app
/// shows when the page opens). An error names the question that cannot be drawn.
pub fn draw_lesson(file: &str, lesson: &Lesson, round: u64) -> Result<SheetLesson, String> {
    let mut questions = Vec::new();
    for (index, section) in lesson.sections.iter().enumerate() {
        let Section::Quiz(quiz) = section else {
            continue;
        };
        for (i, question) in quiz.questions.iter().enumerate() {
            let mut rng = Rng::new(seed_for(&lesson.title, index, i, round));
            let sheet = match question {
                Question::Choice(q) => {
                    let order = option_order(q.options.len(), q.fixed_order, &mut rng);
                    SheetQuestion::Choice {
                        prompt: q.prompt.clone(),
                        options: order
                            .iter()
                            .filter_map(|&o| q.options.get(o))
                            .map(|o| (o.text.clone(), o.correct))
                            .collect(),
                    }
                }
                Question::Numeric(q) => draw_number(
                    (&q.prompt, &q.script, &q.parameters, &q.answer, q.tolerance),
                    &q.explanation,
                    false,
                    &mut rng,
                )
                .map_err(|e| format!("{file}: question {}: {e}", questions.len() + 1))?,
                Question::Predict(q) => draw_number(
                    (&q.prompt, &q.script, &q.parameters, &q.answer, q.tolerance),
                    &q.explanation,
                    true,
                    &mut rng,
                )
                .map_err(|e| format!("{file}: question {}: {e}", questions.len() + 1))?,
                Question::Backprop(q) => draw_backprop(q, &mut rng)
                    .map_err(|e| format!("{file}: question {}: {e}", questions.len() + 1))?,
                Question::Formula(q) => draw_formula(q, &mut rng)
                    .map_err(|e| format!("{file}: question {}: {e}", questions.len() + 1))?,
            };
            questions.push(sheet);
        }
    }
    Ok(SheetLesson {
        file: file.to_string(),
        title: lesson.title.clone(),
        questions,
    })
}

/// A numeric or predict question's prompt, script, parameters, answer and tolerance.
type NumberSpec<'a> = (&'a str, &'a str, &'a [Parameter], &'a str, f64);

/// A numeric or predict question as drawn, its worked solution (the explanation the app
/// shows after a check) filled with the same numbers.
fn draw_number(
    (prompt, script, parameters, answer, tolerance): NumberSpec<'_>,
    explanation: &str,
    predict: bool,
    rng: &mut Rng,
) -> Result<SheetQuestion, String> {
    let mut attempt = draw_attempt(script, parameters, rng).map_err(|e| e.to_string())?;
    let value = attempt.quantity(answer).map_err(|e| e.to_string())?;
    let solution = if explanation.trim().is_empty() {
        format!("The engine's answer: {}", number(value))
    } else {
        fill(explanation, &attempt)
    };
    // The same hints the app offers before the answer.
    let hints = crate::quiz::params::parse_answer_spec(answer)
        .ok()
        .filter(|(quantity, _)| *quantity == crate::quiz::Quantity::Grad)
        .and_then(|(_, name)| attempt.program.node_named(&name))
        .and_then(|target| crate::diagram::explain::chain_hints(&mut attempt.program.graph, target))
        .map(Vec::from)
        .unwrap_or_default();
    Ok(SheetQuestion::Number {
        predict,
        prompt: fill(prompt, &attempt),
        answer: value,
        tolerance,
        solution,
        hints,
    })
}

/// A formula question as drawn: its constants (if any) drawn as the app draws them, in
/// the prompt, the explanation and the reference.
fn draw_formula(
    q: &crate::lesson::FormulaQuestion,
    rng: &mut Rng,
) -> Result<SheetQuestion, String> {
    let drawn = match crate::quiz::params::parameter_script(&q.parameters) {
        Some(script) => Some(draw_attempt(&script, &q.parameters, rng).map_err(|e| e.to_string())?),
        None => None,
    };
    let filled = |text: &str| {
        drawn
            .as_ref()
            .map_or_else(|| text.to_string(), |a| fill(text, a))
    };
    let values: &[(String, f64)] = drawn.as_ref().map_or(&[], |a| &a.values);
    let reference = crate::quiz::grade::substitute(&q.reference, values);
    Ok(SheetQuestion::Formula {
        prompt: filled(&q.prompt),
        solution: if q.explanation.trim().is_empty() {
            format!("A right answer: {reference}")
        } else {
            filled(&q.explanation)
        },
        reference,
    })
}

/// A backprop exercise as drawn: each box's name as the app writes it (`dL/dz`, with
/// the output's name) and the engine's gradient; the solution is the explanation with the
/// same numbers, or else every box's gradient in a line.
fn draw_backprop(
    q: &crate::lesson::BackpropQuestion,
    rng: &mut Rng,
) -> Result<SheetQuestion, String> {
    use crate::diagram::explain::name_in_arithmetic;
    use crate::diagram::expr::Titles;
    let mut attempt = draw_attempt(&q.script, &q.parameters, rng).map_err(|e| e.to_string())?;
    let out = attempt.program.output_name.clone();
    let graph = &mut attempt.program.graph;
    let titles = Titles::new(graph);
    let exercise = crate::quiz::by_hand::ByHand::new(graph)
        .ok_or_else(|| "the script has no output".to_string())?;
    let boxes: Vec<(String, f64)> = exercise
        .order()
        .iter()
        .map(|&id| {
            let name = name_in_arithmetic(titles.reference(id));
            (format!("d{out}/d{name}"), graph.grad(id))
        })
        .collect();
    let solution = if q.explanation.trim().is_empty() {
        boxes
            .iter()
            .map(|(name, grad)| format!("{name} = {}", number(*grad)))
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        fill(&q.explanation, &attempt)
    };
    Ok(SheetQuestion::Backprop {
        prompt: fill(&q.prompt, &attempt),
        boxes,
        solution,
    })
}

/// The tolerance a backprop exercise grants a box's gradient (1%, or 0.001 near 0).
fn box_tolerance(grad: f64) -> f64 {
    use crate::quiz::by_hand::{ABSOLUTE_SLACK, RELATIVE_SLACK};
    (RELATIVE_SLACK * grad.abs()).max(ABSOLUTE_SLACK)
}

/// The worksheet as Markdown: a heading per lesson, numbered questions, empty boxes to
/// tick and lines to write on; with `answers`, the key (ticked boxes, the numbers with
/// their tolerance, a right formula).
pub fn markdown(lessons: &[SheetLesson], seed: u64, answers: bool) -> String {
    let mut out = String::new();
    let kind = if answers { "Answer key" } else { "Worksheet" };
    let _ = writeln!(out, "# {kind} (seed {seed})");
    for lesson in lessons.iter().filter(|l| !l.questions.is_empty()) {
        let _ = writeln!(
            out,
            "\n## {} ({})",
            one_line(&lesson.title),
            one_line(&lesson.file)
        );
        for (number, question) in lesson.questions.iter().enumerate() {
            let prompt = match question {
                SheetQuestion::Choice { prompt, .. }
                | SheetQuestion::Number { prompt, .. }
                | SheetQuestion::Backprop { prompt, .. }
                | SheetQuestion::Formula { prompt, .. } => prompt,
            };
            let _ = writeln!(out, "\n{}. {}", number + 1, block(prompt.trim()));
            out.push('\n');
            match question {
                SheetQuestion::Choice { options, .. } => {
                    if options.iter().filter(|(_, correct)| *correct).count() > 1 {
                        let _ = writeln!(out, "   Choose every correct answer.\n");
                    }
                    for (text, correct) in options {
                        let mark = if answers && *correct { "x" } else { " " };
                        let _ = writeln!(out, "   - [{mark}] {}", one_line(text));
                    }
                }
                SheetQuestion::Number {
                    answer,
                    tolerance,
                    solution,
                    hints,
                    ..
                } => {
                    if answers {
                        let _ = writeln!(
                            out,
                            "   Answer: **{}** (within {})",
                            key_number(*answer, *tolerance),
                            number_text(*tolerance)
                        );
                        for (n, hint) in hints.iter().enumerate() {
                            let _ = writeln!(out, "\n   Hint {}: {}", n + 1, one_line(hint));
                        }
                        let _ = writeln!(out, "\n   Solution: {}", block(solution.trim()));
                    } else {
                        let _ = writeln!(
                            out,
                            "   Answer (within {}): ______________",
                            number_text(*tolerance)
                        );
                    }
                }
                SheetQuestion::Backprop {
                    boxes, solution, ..
                } => {
                    let _ = writeln!(
                        out,
                        "   Fill every box's gradient, from the output back (within 1%, or 0.001 near 0):\n"
                    );
                    for (name, grad) in boxes {
                        if answers {
                            let shown = key_number(*grad, box_tolerance(*grad));
                            let _ = writeln!(out, "   - {} = **{shown}**", one_line(name));
                        } else {
                            let _ = writeln!(out, "   - {} = ______________", one_line(name));
                        }
                    }
                    if answers {
                        let _ = writeln!(out, "\n   Solution: {}", block(solution.trim()));
                    }
                }
                SheetQuestion::Formula {
                    reference,
                    solution,
                    ..
                } => {
                    if answers {
                        let _ = writeln!(out, "   Answer: `{reference}`");
                        let _ = writeln!(out, "\n   Solution: {}", block(solution.trim()));
                    } else {
                        let _ = writeln!(out, "   Answer: ______________________________");
                    }
                }
            }
        }
    }
    out
}

fn number_text(value: f64) -> String {
    number(value)
}

/// An answer in the key, with one more decimal than the tolerance has, so the printed
/// number itself is always within the tolerance (`0.07414` for 0.0741355 within 0.0001).
pub fn key_number(answer: f64, tolerance: f64) -> String {
    if !answer.is_finite() || !tolerance.is_finite() || tolerance <= 0.0 {
        return number(answer);
    }
    let decimals = (-tolerance.log10()).ceil().max(0.0) as usize + 1;
    let text = format!("{answer:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text == "-0" { "0".into() } else { text }
}

/// Continuation lines indented under a list item.
/// Lesson text inside a numbered item: each line indented under the item, and made
/// unable to start a block of its own (a heading, a list item, a checkbox, a quote, a
/// table row, HTML), so that no lesson can print a forged heading or a ticked box on a
/// student's sheet. Inline Markdown (emphasis, code, maths) is kept.
fn block(text: &str) -> String {
    text.lines()
        .map(|line| neutral_start(&inline_safe(line)))
        .collect::<Vec<_>>()
        .join("\n   ")
}

/// Text that must stay on one line (a title, a file name, an option): line breaks become
/// spaces, then as [`block`].
fn one_line(text: &str) -> String {
    let joined: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    neutral_start(&inline_safe(joined.trim()))
}

/// Control characters escaped (they would reach a terminal or a printer raw) and `<`
/// written as an entity, so no HTML passes through.
fn inline_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '\t' => out.push(' '),
            c if c.is_control() => {
                let _ = write!(out, "{}", c.escape_unicode());
            }
            c => out.push(c),
        }
    }
    out
}

/// A backslash before a first character that would open a block: a heading (`#`), a
/// quote (`>`), a table (`|`), a setext line (`=`), a link definition (`[`), a list item
/// (`-`, `+`, `*` or `1.` / `1)` before a space), a rule (`---`, `***`, `___`) or a fence
/// (three backticks or tildes). The escaped character reads the same; inline marks such
/// as `**bold**` or a code span at the start are left as they are.
fn neutral_start(line: &str) -> String {
    let trimmed = line.trim_start();
    let bytes = trimmed.as_bytes();
    let Some(&first) = bytes.first() else {
        return String::new();
    };
    let spaced = |at: usize| bytes.get(at).is_none_or(|b| *b == b' ');
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits > 0 && matches!(bytes.get(digits), Some(b'.' | b')')) && spaced(digits + 1) {
        let (number, rest) = trimmed.split_at(digits);
        return format!("{number}\\{rest}");
    }
    let rule = || {
        let marks = bytes.iter().filter(|&&b| b == first).count();
        marks >= 3 && bytes.iter().all(|&b| b == first || b == b' ')
    };
    let opens = match first {
        b'#' | b'>' | b'|' | b'=' | b'[' => true,
        b'-' | b'+' | b'*' => spaced(1) || rule(),
        b'_' => rule(),
        b'`' | b'~' => bytes.starts_with(&[first; 3]),
        _ => false,
    };
    if opens {
        format!("\\{trimmed}")
    } else {
        trimmed.to_string()
    }
}

/// The worksheet as JSON: `{"lessons": [{"file", "title", "questions": [...]}]}`, each
/// question `{"kind": "choice", "prompt", "options": [{"text", "correct"}]}`,
/// `{"kind": "numeric" | "predict", "prompt", "answer", "tolerance", "solution", "hints"}` or
/// `{"kind": "formula", "prompt", "reference", "solution"}` or `{"kind": "backprop",
/// "prompt", "boxes": [{"name", "answer", "tolerance"}], "solution"}`. Without `answers`,
/// `correct`, `answer`, `reference`, `solution` and `hints` are left out.
pub fn json(lessons: &[SheetLesson], answers: bool) -> String {
    let mut out = String::from("{\"lessons\": [");
    for (l, lesson) in lessons.iter().enumerate() {
        if l > 0 {
            out.push_str(", ");
        }
        out.push_str("{\"file\": ");
        crate::json::push_json_string(&mut out, &lesson.file);
        out.push_str(", \"title\": ");
        crate::json::push_json_string(&mut out, &lesson.title);
        out.push_str(", \"questions\": [");
        for (q, question) in lesson.questions.iter().enumerate() {
            if q > 0 {
                out.push_str(", ");
            }
            match question {
                SheetQuestion::Choice { prompt, options } => {
                    out.push_str("{\"kind\": \"choice\", \"prompt\": ");
                    crate::json::push_json_string(&mut out, prompt);
                    out.push_str(", \"options\": [");
                    for (o, (text, correct)) in options.iter().enumerate() {
                        if o > 0 {
                            out.push_str(", ");
                        }
                        out.push_str("{\"text\": ");
                        crate::json::push_json_string(&mut out, text);
                        if answers {
                            let _ = write!(out, ", \"correct\": {correct}");
                        }
                        out.push('}');
                    }
                    out.push_str("]}");
                }
                SheetQuestion::Number {
                    predict,
                    prompt,
                    answer,
                    tolerance,
                    solution,
                    hints,
                } => {
                    let kind = if *predict { "predict" } else { "numeric" };
                    let _ = write!(out, "{{\"kind\": \"{kind}\", \"prompt\": ");
                    crate::json::push_json_string(&mut out, prompt);
                    if answers {
                        out.push_str(", \"answer\": ");
                        push_json_number(&mut out, *answer);
                    }
                    out.push_str(", \"tolerance\": ");
                    push_json_number(&mut out, *tolerance);
                    if answers {
                        out.push_str(", \"solution\": ");
                        crate::json::push_json_string(&mut out, solution);
                        out.push_str(", \"hints\": [");
                        for (n, hint) in hints.iter().enumerate() {
                            if n > 0 {
                                out.push_str(", ");
                            }
                            crate::json::push_json_string(&mut out, hint);
                        }
                        out.push(']');
                    }
                    out.push('}');
                }
                SheetQuestion::Backprop {
                    prompt,
                    boxes,
                    solution,
                } => {
                    out.push_str("{\"kind\": \"backprop\", \"prompt\": ");
                    crate::json::push_json_string(&mut out, prompt);
                    out.push_str(", \"boxes\": [");
                    for (b, (name, grad)) in boxes.iter().enumerate() {
                        if b > 0 {
                            out.push_str(", ");
                        }
                        out.push_str("{\"name\": ");
                        crate::json::push_json_string(&mut out, name);
                        if answers {
                            out.push_str(", \"answer\": ");
                            push_json_number(&mut out, *grad);
                        }
                        out.push_str(", \"tolerance\": ");
                        push_json_number(&mut out, box_tolerance(*grad));
                        out.push('}');
                    }
                    out.push(']');
                    if answers {
                        out.push_str(", \"solution\": ");
                        crate::json::push_json_string(&mut out, solution);
                    }
                    out.push('}');
                }
                SheetQuestion::Formula {
                    prompt,
                    reference,
                    solution,
                } => {
                    out.push_str("{\"kind\": \"formula\", \"prompt\": ");
                    crate::json::push_json_string(&mut out, prompt);
                    if answers {
                        out.push_str(", \"reference\": ");
                        crate::json::push_json_string(&mut out, reference);
                        out.push_str(", \"solution\": ");
                        crate::json::push_json_string(&mut out, solution);
                    }
                    out.push('}');
                }
            }
        }
        out.push_str("]}");
    }
    out.push_str("]}\n");
    out
}

/// A JSON number with a decimal point or exponent (`18.0`, not `18`); non-finite values
/// (never drawn: `check` rejects them) as `null`.
fn push_json_number(out: &mut String, value: f64) {
    if value.is_finite() {
        crate::json::push_shortest(out, value);
    } else {
        out.push_str("null");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_numbers_are_within_their_tolerance() {
        assert_eq!(key_number(0.074_135_5, 0.0001), "0.07414");
        assert_eq!(key_number(-72.0, 0.01), "-72");
        assert_eq!(key_number(-0.731_058_6, 0.001), "-0.7311");
        assert_eq!(key_number(1.0 / 3.0, 0.01), "0.333");
        assert_eq!(key_number(-0.000_01, 0.01), "0");
    }
}
