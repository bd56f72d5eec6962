//! `backprop-lab check`: the built-in lessons pass, and broken lesson files are reported
//! with their file, line and column.

use std::collections::BTreeSet;
use std::process::{Command, Output};

use backprop_lab::lesson::Section;

fn backprop_lab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_backprop-lab"))
        .args(args)
        .output()
        .expect("the binary runs")
}

mod common;
use common::TempFolder;

/// A fresh folder holding the given lesson files (removed when dropped).
fn folder(name: &str, files: &[(&str, &str)]) -> TempFolder {
    let dir = TempFolder::new(&format!("check-{name}"));
    for (file, text) in files {
        std::fs::write(dir.join(file), text).expect("write lesson");
    }
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const GOOD: &str = r##"Lesson(
    title: "Good",
    sections: [
        Graph(
            script: r#"
x = 2
y = 3*x
z = y^2
"#,
            editable: [(name: "x", min: -4, max: 4)],
            chain: ["x", "y", "z"],
        ),
        Text(r#"z is {{value z}} and dz/dx is {{grad x}}; $\frac{dz}{dx} = 18x$."#),
        Quiz(title: "Q", questions: [
            Choice(prompt: "Pick", options: [(text: "a", correct: true), (text: "b")]),
            Choice(prompt: "Pick again", options: [(text: "a", correct: true), (text: "b")]),
        ]),
    ],
)
"##;

#[test]
fn the_built_in_lessons_pass() {
    let out = backprop_lab(&["check", "--strict"]);
    let stdout = text(&out.stdout);
    // Strict: no warning either (no right option gives itself away by its length).
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    assert!(stdout.starts_with("checked "), "{stdout}");
    assert!(stdout.trim_end().ends_with(", 0 errors"), "{stdout}");

    let folder_out = backprop_lab(&["check", concat!(env!("CARGO_MANIFEST_DIR"), "/lessons")]);
    assert!(folder_out.status.success(), "{}", text(&folder_out.stderr));
    assert_eq!(
        text(&folder_out.stdout),
        stdout,
        "the folder is what is embedded"
    );
}

#[test]
fn a_good_folder_gives_the_summary_line() {
    let dir = folder("good", &[("01-good.ron", GOOD)]);
    let out = backprop_lab(&["check", dir.to_str().expect("utf-8 path")]);
    assert_eq!(
        text(&out.stdout),
        "checked 1 lessons: 3 sections, 2 questions, 0 errors\n"
    );
    assert_eq!(text(&out.stderr), "");
    assert_eq!(out.status.code(), Some(0));
}

const GIVEAWAY: &str = r#"Lesson(
    title: "Giveaway",
    sections: [
        Quiz(title: "Q", questions: [
            Choice(prompt: "Which one?", options: [
                (text: "The long, careful, qualified and obviously right answer", correct: true),
                (text: "Short"),
                (text: "Shorter"),
            ]),
        ]),
    ],
)
"#;

#[test]
fn a_giveaway_option_is_a_warning_and_strict_makes_it_fail() {
    let dir = folder("giveaway", &[("01-giveaway.ron", GIVEAWAY)]);
    let path = dir.to_str().expect("utf-8 path");
    let out = backprop_lab(&["check", path]);
    assert_eq!(out.status.code(), Some(0), "a warning alone passes");
    assert_eq!(
        text(&out.stderr),
        "01-giveaway.ron:6:25: warning: the right option is 55 characters, more than 1.5× every \
         distractor (the longest has 7): its length gives it away\n"
    );
    assert_eq!(
        text(&out.stdout),
        "checked 1 lessons: 1 sections, 1 questions, 0 errors, 1 warnings\n"
    );
    let strict = backprop_lab(&["check", "--strict", path]);
    assert_eq!(strict.status.code(), Some(1));
    assert_eq!(text(&strict.stderr), text(&out.stderr));
}

/// Each broken file and the one error it must produce.
const BROKEN: &[(&str, &str, &str)] = &[
    (
        "ron-syntax.ron",
        "Lesson(\n    title: \"Oops\",\n    sections: [Text(\"a\") Text(\"b\")],\n)\n",
        "ron-syntax.ron:3:26: ",
    ),
    (
        "script.ron",
        "Lesson(\n    title: \"S\",\n    sections: [\n        Graph(script: r#\"\nx = 1\ny = (x\n\"#),\n    ],\n)\n",
        "script.ron:6:7: graph script: expected ')'",
    ),
    (
        "unknown-input.ron",
        "Lesson(\n    title: \"U\",\n    sections: [\n        Graph(script: r#\"x = 1\ny = x^2\"#, editable: [(name: \"w\", min: 0, max: 1)]),\n    ],\n)\n",
        "unknown-input.ron:5:31: 'w' is not a name in the script",
    ),
    (
        "range.ron",
        "Lesson(\n    title: \"R\",\n    sections: [\n        Graph(script: r#\"x = 1\ny = x^2\"#, editable: [(name: \"x\", min: 3, max: -3)]),\n    ],\n)\n",
        "range.ron:5:31: the range of 'x' must have finite min < max",
    ),
    (
        "start-outside.ron",
        "Lesson(\n    title: \"R\",\n    sections: [\n        Graph(script: r#\"x = 9\ny = x^2\"#, editable: [(name: \"x\", min: 0, max: 1)]),\n    ],\n)\n",
        "start-outside.ron:5:31: 'x' starts at 9, outside its range 0..1",
    ),
    (
        "not-input.ron",
        "Lesson(\n    title: \"N\",\n    sections: [\n        Graph(script: r#\"x = 1\ny = x^2\"#, editable: [(name: \"y\", min: 0, max: 1)]),\n    ],\n)\n",
        "not-input.ron:5:31: 'y' is computed, not an input",
    ),
    (
        "chain.ron",
        "Lesson(\n    title: \"C\",\n    sections: [\n        Graph(script: r#\"x = 1\nw = 2\ny = x^2\"#, chain: [\"w\", \"y\"]),\n    ],\n)\n",
        "chain.ron:6:26: the chain is broken: 'y' does not depend on 'w'",
    ),
    (
        "placeholder.ron",
        "Lesson(\n    title: \"P\",\n    sections: [\n        Graph(script: r#\"x = 1\ny = x^2\"#),\n        Text(r#\"y is {{value q}}\"#),\n    ],\n)\n",
        "placeholder.ron:6:22: 'q' is not a name in the graph above",
    ),
    (
        "formula.ron",
        "Lesson(\n    title: \"F\",\n    sections: [\n        Formula(r#\"a + \\frob\"#),\n    ],\n)\n",
        "formula.ron:4:24: unknown command '\\frob'",
    ),
    (
        "output.ron",
        "Lesson(\n    title: \"O\",\n    sections: [\n        Graph(script: r#\"x = 1\ny = x^2\"#, output: \"q\"),\n    ],\n)\n",
        "output.ron:5:21: the output 'q' is not a name in the script",
    ),
    (
        "saliency.ron",
        "Lesson(\n    title: \"Sal\",\n    sections: [\n        Text(\"a\"),\n        Saliency(picture: \"Cow on the moon\"),\n    ],\n)\n",
        "saliency.ron:5:28: unknown picture 'Cow on the moon': one of Cow on grass, Cow on sand, Empty grass, Empty sand",
    ),
    (
        "no-model.ron",
        "Lesson(\n    title: \"M\",\n    sections: [\n        Saliency(\n            models: [],\n        ),\n    ],\n)\n",
        "no-model.ron:5:13: a saliency section needs at least one model",
    ),
];

#[test]
fn broken_files_are_reported_with_file_line_and_column() {
    let files: Vec<(&str, &str)> = BROKEN.iter().map(|&(f, t, _)| (f, t)).collect();
    let mut with_good = files.clone();
    with_good.push(("00-good.ron", GOOD));
    let dir = folder("broken", &with_good);
    let out = backprop_lab(&["check", dir.to_str().expect("utf-8 path")]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for (_, _, expected) in BROKEN {
        let wanted = format!("error: {expected}");
        assert!(
            stderr.lines().any(|line| line.starts_with(&wanted)),
            "missing '{wanted}' in:\n{stderr}"
        );
    }
    assert_eq!(stderr.lines().count(), BROKEN.len(), "{stderr}");
    assert_eq!(
        text(&out.stdout),
        format!(
            "checked {} lessons: 3 sections, 2 questions, {} errors\n",
            BROKEN.len() + 1,
            BROKEN.len()
        )
    );
}

#[test]
fn a_missing_or_empty_folder_is_an_error() {
    let out = backprop_lab(&["check", "/nonexistent/lessons"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("error: cannot read the lesson folder"));
    let empty = folder("empty", &[]);
    let out = backprop_lab(&["check", empty.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no lesson files"));
}

#[test]
fn a_broken_lesson_leaves_the_others_loadable() {
    let dir = folder(
        "mixed",
        &[("01-good.ron", GOOD), ("02-bad.ron", "Lesson(title: ")],
    );
    let files = backprop_lab::lesson::load_folder(&dir).expect("folder reads");
    assert_eq!(files.len(), 2);
    assert!(files[0].lesson.is_ok());
    let errors = files[1].lesson.as_ref().expect_err("broken");
    assert_eq!(errors[0].file, "02-bad.ron");
    assert_eq!(files[1].title(), "02-bad.ron (broken)");
}

#[test]
fn the_example_in_the_format_guide_passes_check() {
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/lessons/README.md"))
        .expect("the guide exists");
    let start = guide.find("```ron\nLesson(").expect("a complete example") + "```ron\n".len();
    let example = &guide[start..];
    let example = &example[..example.find("```").expect("the block closes")];
    let file = backprop_lab::lesson::load_text("example.ron", example);
    let lesson = file.lesson.expect("the example is valid");
    assert_eq!(lesson.question_count(), 4);
    let kinds: BTreeSet<&str> = lesson.sections.iter().map(kind).collect();
    let shown = BTreeSet::from([
        "Formula", "Graph", "Layers", "Plot", "Quiz", "Reveal", "Text",
    ]);
    assert_eq!(kinds, shown, "the guide's example shows these kinds");
}

/// A section's kind, as lesson files write it. No catch-all arm: a new kind of section
/// does not compile until it is named here.
fn kind(section: &Section) -> &'static str {
    match section {
        Section::Text(_) => "Text",
        Section::Formula(_) => "Formula",
        Section::Graph(_) => "Graph",
        Section::Plot(_) => "Plot",
        Section::Layers(_) => "Layers",
        Section::Reveal(_) => "Reveal",
        Section::Backward(_) => "Backward",
        Section::Training(_) => "Training",
        Section::Batch(_) => "Batch",
        Section::Network(_) => "Network",
        Section::Cards(_) => "Cards",
        Section::Code(_) => "Code",
        Section::Checkpoint(_) => "Checkpoint",
        Section::SecondOrder(_) => "SecondOrder",
        Section::ConceptMap(_) => "ConceptMap",
        Section::Saliency(_) => "Saliency",
        Section::Quiz(_) => "Quiz",
    }
}

/// Kinds of section deliberately absent from the shipped lessons (none today). Every
/// other kind must be used by a shipped lesson, so the UI tests, which open every lesson,
/// draw it.
const NOT_IN_SHIPPED_LESSONS: &[&str] = &[];

/// Every variant of `Section`, by name, as serde's derive lists them: a deserializer that
/// records the variant list it is offered, then stops.
fn section_variants() -> &'static [&'static str] {
    use serde::de::{Deserialize, Visitor};

    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl serde::de::Error for Stop {
        fn custom<T: std::fmt::Display>(_: T) -> Self {
            Stop
        }
    }

    struct Names<'a>(&'a mut &'static [&'static str]);
    impl<'de> serde::Deserializer<'de> for Names<'_> {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _name: &'static str,
            variants: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            *self.0 = variants;
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
            struct identifier ignored_any
        }
    }

    let mut variants: &'static [&'static str] = &[];
    let _ = Section::deserialize(Names(&mut variants));
    variants
}

#[test]
fn every_section_kind_is_named_and_used_by_a_shipped_lesson() {
    let variants = section_variants();
    assert!(variants.len() > 1, "serde lists the variants: {variants:?}");
    let mut shipped = BTreeSet::new();
    for file in backprop_lab::lesson::load_embedded() {
        let lesson = file.lesson.expect("the shipped lessons load");
        shipped.extend(lesson.sections.iter().map(kind));
    }
    for name in &shipped {
        assert!(variants.contains(name), "kind() names a variant: {name}");
    }
    for variant in variants {
        let listed = NOT_IN_SHIPPED_LESSONS.contains(variant);
        assert!(
            shipped.contains(variant) != listed,
            "{variant}: every kind of section is used by a shipped lesson, or listed in \
             NOT_IN_SHIPPED_LESSONS (and only then)"
        );
    }
}

/// The 1-based line and column of the first character after `marker` (a unique string).
fn position_after(text: &str, marker: &str) -> (usize, usize) {
    let offset = text.find(marker).expect("the marker is in the text") + marker.len();
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, column)
}

/// A lesson with one quiz question.
fn one_question(question: &str) -> String {
    format!(
        "Lesson(\n    title: \"Q\",\n    sections: [\n        Quiz(questions: [\n{question}\n        ]),\n    ],\n)\n"
    )
}

#[test]
fn questions_are_checked_on_every_draw() {
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "nan.ron",
            one_question(
                "            Numeric(prompt: \"Log\", script: r#\"\nx = 1\ny = log(x)\n\"#,\n                parameters: [(name: \"x\", min: -2, max: 2, step: 1)],\n                answer: \"value y\"),",
            ),
            "answer: \"",
            "answer 'value y' is not a finite number when x = -2",
        ),
        (
            "zero-passes.ron",
            one_question(
                "            Predict(prompt: \"Three sigmoids\", script: r#\"\nx = 0\nh1 = sigmoid(x)\nh2 = sigmoid(h1)\ny = sigmoid(h2)\n\"#,\n                parameters: [(name: \"x\", min: -1, max: 1, step: 0.5)],\n                answer: \"grad x\", tolerance: 0.01),",
            ),
            "answer: \"",
            "the tolerance 0.01 lets 0 pass: the answer is 0.0",
        ),
        (
            "min-max.ron",
            one_question(
                "            Numeric(prompt: \"K\", script: r#\"\nk = 1\ny = 2*k\n\"#,\n                parameters: [(name: \"k\", min: 3, max: 1, step: 1)],\n                answer: \"grad k\"),",
            ),
            "(name: \"",
            "parameter 'k' needs finite min <= max, not 3 and 1",
        ),
        (
            "nan-range.ron",
            one_question(
                "            Numeric(prompt: \"K\", script: r#\"\nk = 1\ny = 2*k\n\"#,\n                parameters: [(name: \"k\", min: NaN, max: 1)],\n                answer: \"grad k\"),",
            ),
            "(name: \"",
            "parameter 'k' needs finite min <= max, not NaN and 1",
        ),
        (
            "no-correct.ron",
            one_question(
                "            Choice(prompt: \"Pick\", options: [(text: \"a\"), (text: \"b\")]),",
            ),
            "Choice(prompt: \"",
            "no option is marked correct",
        ),
    ];
    for (file, text, marker, message) in &cases {
        let loaded = backprop_lab::lesson::load_text(file, text);
        let errors = loaded.lesson.expect_err("the lesson is broken");
        let (line, column) = position_after(text, marker);
        let wanted = format!("{file}:{line}:{column}: {message}");
        assert!(
            errors.iter().any(|e| e.to_string().starts_with(&wanted)),
            "missing '{wanted}' in {errors:?}"
        );
        assert_eq!(errors.len(), 1, "{errors:?}");
    }
}

#[test]
fn no_built_in_numeric_answer_lets_zero_pass() {
    use backprop_lab::lesson::validate::draws;
    use backprop_lab::lesson::{Question, Section};
    let mut failures = Vec::new();
    for file in backprop_lab::lesson::load_embedded() {
        let lesson = file.lesson.expect("loads");
        for section in &lesson.sections {
            let Section::Quiz(quiz) = section else {
                continue;
            };
            for question in &quiz.questions {
                let (script, parameters, answer, tolerance) = match question {
                    Question::Numeric(q) => (&q.script, &q.parameters, &q.answer, q.tolerance),
                    Question::Predict(q) => (&q.script, &q.parameters, &q.answer, q.tolerance),
                    _ => continue,
                };
                for values in draws(parameters) {
                    let attempt =
                        backprop_lab::quiz::attempt_with(script, values.clone()).expect("runs");
                    let value = attempt.quantity(answer).expect("a finite answer");
                    if value.abs() <= tolerance {
                        failures.push(format!(
                            "{}: '{}': the answer {value} at {values:?} is within {tolerance} of 0",
                            file.file, answer
                        ));
                        break;
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn unknown_fields_are_errors_at_their_position() {
    let cases = [
        (
            "Lesson(\n    title: \"T\",\n    sumary: \"x\",\n    sections: [Text(\"a\")],\n)\n",
            "sumary",
        ),
        (
            "Lesson(\n    title: \"T\",\n    sections: [\n        Graph(script: \"x = 1\", editabel: []),\n    ],\n)\n",
            "editabel",
        ),
        (
            "Lesson(\n    title: \"T\",\n    sections: [Quiz(questions: [\n        Numeric(prompt: \"p\", script: \"x = 1\", answer: \"value x\",\n            parameters: [(name: \"x\", min: 1, max: 2, stepp: 1)]),\n    ])],\n)\n",
            "stepp",
        ),
        (
            "Lesson(\n    title: \"T\",\n    sections: [Quiz(questions: [\n        Choice(prompt: \"p\", options: [(text: \"a\", corect: true)]),\n    ])],\n)\n",
            "corect",
        ),
        (
            "Lesson(\n    title: \"T\",\n    sections: [Cards(cards: [Myth(statement: \"s\", myth: true, explanation: \"e\", extra: 1)])],\n)\n",
            "extra",
        ),
    ];
    for (text, field) in cases {
        let file = backprop_lab::lesson::load_text("unknown.ron", text);
        let errors = file.lesson.expect_err(field);
        let shown = errors[0].to_string();
        let offset = text.find(field).expect("the field is in the text");
        let line = text[..offset].matches('\n').count() + 1;
        let column = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1) + 1;
        assert!(
            shown.starts_with(&format!("unknown.ron:{line}:{column}: ")),
            "{field}: {shown}"
        );
        assert!(shown.contains(field), "{shown}");
    }
}

#[test]
fn every_check_message_is_one_line() {
    // Author's text with a newline and a control character inside names the messages quote.
    let dir = folder(
        "one-line",
        &[(
            "01-lines.ron",
            "Lesson(\n    title: \"T\",\n    sections: [\n        Graph(script: \"x = 1\\ny = x\", highlight: [\"a\\nb\\u{7}\"]),\n        ConceptMap(concepts: [(name: \"p\", leads_to: [\"q\\nr\"])]),\n    ],\n)\n",
        )],
    );
    let out = backprop_lab(&["check", dir.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines.len() >= 2, "{stderr}");
    for line in &lines {
        assert!(
            line.starts_with("error: 01-lines.ron:"),
            "{line:?} in {stderr:?}"
        );
    }
    assert!(stderr.contains("a\\nb\\u{7}"), "{stderr}");
    assert!(stderr.contains("q\\nr"), "{stderr}");
}

#[test]
fn the_final_assessment_covers_every_lesson_with_new_questions() {
    use backprop_lab::lesson::Question;
    let files = backprop_lab::lesson::load_embedded();
    let lessons: Vec<_> = files
        .iter()
        .map(|f| (f.file.as_str(), f.lesson.as_ref().expect("loads")))
        .collect();
    let (_, assessment) = lessons
        .iter()
        .find(|(file, _)| file.starts_with("90-"))
        .expect("a final assessment");
    assert!(assessment.assessment, "the page is marked as a test");
    let prompt = |q: &Question| match q {
        Question::Choice(q) => q.prompt.clone(),
        Question::Numeric(q) => q.prompt.clone(),
        Question::Formula(q) => q.prompt.clone(),
        Question::Predict(q) => q.prompt.clone(),
        Question::Backprop(q) => q.prompt.clone(),
    };
    let lesson_prompts: std::collections::BTreeSet<String> = lessons
        .iter()
        .filter(|(file, _)| !file.starts_with("90-"))
        .flat_map(|(_, l)| l.sections.iter())
        .filter_map(|s| match s {
            Section::Quiz(q) => Some(q.questions.iter().map(prompt)),
            _ => None,
        })
        .flatten()
        .collect();
    let mut covered = std::collections::BTreeSet::new();
    // Per lesson file: (worked questions, choice questions).
    let mut kinds = std::collections::BTreeMap::<String, (usize, usize)>::new();
    let mut total = 0;
    for section in &assessment.sections {
        let Section::Quiz(quiz) = section else {
            continue;
        };
        let link = quiz.lesson.as_deref().expect("every quiz names its lesson");
        assert!(
            lessons.iter().any(|(file, _)| *file == link),
            "{link} is a lesson"
        );
        covered.insert(link.to_string());
        for question in &quiz.questions {
            total += 1;
            let (worked, choices) = kinds.entry(link.to_string()).or_default();
            if matches!(question, Question::Choice(_)) {
                *choices += 1;
            } else {
                *worked += 1;
            }
            assert!(
                !lesson_prompts.contains(&prompt(question)),
                "copied from a lesson: {}",
                prompt(question)
            );
        }
    }
    assert!(total >= 14, "{total} questions");
    for (file, _) in lessons.iter().filter(|(file, _)| !file.starts_with("90-")) {
        assert!(covered.contains(*file), "no question on {file}");
        let number: u32 = file
            .get(..2)
            .and_then(|n| n.parse().ok())
            .expect("a numbered lesson file");
        let (worked, choices) = kinds.get(*file).copied().unwrap_or_default();
        if number <= 8 {
            // The lessons of skills: the learner works the answer out.
            assert!(
                worked > 0 && choices == 0,
                "{file}: worked questions only, not {worked} worked and {choices} choices"
            );
        } else {
            // The lessons of ideas: a conceptual question, not a derivative by proxy.
            assert!(choices > 0, "{file}: no choice question");
        }
    }
}

#[test]
fn a_quiz_lesson_link_must_be_a_file_name() {
    let text = "Lesson(\n    title: \"T\",\n    sections: [Quiz(title: \"Q\", lesson: \"chain rule\", questions: [\n        Formula(prompt: \"p\", variables: [\"x\"], reference: \"2*x\"),\n    ])],\n)\n";
    let errors = backprop_lab::lesson::load_text("link.ron", text)
        .lesson
        .expect_err("a bad link");
    assert_eq!(
        errors[0].to_string(),
        "link.ron:3:42: a quiz's lesson is a lesson file's name, such as '02-chain-rule.ron', not 'chain rule'"
    );
}

#[test]
fn two_questions_with_one_id_are_reported() {
    let text = "Lesson(\n    title: \"T\",\n    sections: [Quiz(title: \"Q\", questions: [\n        Formula(prompt: \"Write dy/dx.\", variables: [\"x\"], reference: \"2*x\"),\n        Formula(prompt: \"Write dy/dx.\", variables: [\"x\"], reference: \"2*x\"),\n        Formula(id: \"mine\", prompt: \"Write dz/dx.\", variables: [\"x\"], reference: \"x\"),\n        Formula(id: \"mine\", prompt: \"Write dw/dx.\", variables: [\"x\"], reference: \"x\"),\n    ])],\n)\n";
    let errors = backprop_lab::lesson::load_text("ids.ron", text)
        .lesson
        .expect_err("duplicate ids");
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("ids.ron:5:"), "{lines:?}");
    assert!(
        lines[0].contains("two questions have the id 'q-"),
        "{lines:?}"
    );
    assert!(lines[1].starts_with("ids.ron:7:"), "{lines:?}");
    assert!(lines[1].contains("'mine'"), "{lines:?}");
}

#[test]
fn a_lesson_graph_the_app_cannot_draw_is_refused() {
    let sum = vec!["x"; 20_001].join(" + ");
    let text = format!(
        "Lesson(\n    title: \"T\",\n    sections: [Graph(script: \"x = 1\\ny = {sum}\")],\n)\n"
    );
    let errors = backprop_lab::lesson::load_text("big.ron", &text)
        .lesson
        .expect_err("too big to draw");
    assert_eq!(errors.len(), 1, "{errors:?}");
    let line = errors[0].to_string();
    assert!(line.starts_with("big.ron:3:"), "{line}");
    assert!(
        line.contains("the app cannot draw this graph: the graph has 20001 nodes; pictures are drawn for at most 20000"),
        "{line}"
    );
}
