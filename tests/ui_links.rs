//! Links that open a state of the app: a lesson with a class's seed shows exactly the
//! numbers `worksheet --seed N` prints; a Playground link brings its script and inputs; a
//! hostile fragment leaves the start page and one notice.

use backprop_lab::app::navigator::Page;
use backprop_lab::app::{BackpropApp, LessonSource};
use backprop_lab::lesson::worksheet::{SheetQuestion, draw_lesson};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod common;
#[path = "common/ui.rs"]
mod ui_common;
use ui_common::{labels, shows_containing};

fn app_opened_with(fragment: &str) -> Harness<'static, BackpropApp> {
    let fragment = fragment.to_string();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 2400.0))
        .build_eframe(move |_cc| {
            let mut app =
                BackpropApp::with_state(&LessonSource::Embedded, String::from("x = 1"), false);
            app.open_link(&fragment);
            app
        });
    harness.run();
    harness
}

/// The prompts of a lesson's numeric questions as the worksheet draws them for `seed`.
fn worksheet_prompts(file: &str, seed: u64) -> Vec<String> {
    let lesson = backprop_lab::lesson::load_embedded()
        .into_iter()
        .find(|f| f.file == file)
        .and_then(|f| f.lesson.ok())
        .expect("the lesson loads");
    draw_lesson(file, &lesson, seed)
        .expect("draws")
        .questions
        .into_iter()
        .filter_map(|q| match q {
            SheetQuestion::Number { prompt, .. } => Some(prompt),
            _ => None,
        })
        .collect()
}

#[test]
fn a_lesson_link_with_a_seed_shows_the_worksheets_numbers() {
    for seed in [3, 17, 42] {
        for (file, stem, index) in [
            ("04-neuron.ron", "04-neuron", 3),
            ("05b-batch-backprop.ron", "05b-batch-backprop", 5),
        ] {
            let harness = app_opened_with(&format!("#lesson={stem}&seed={seed}"));
            assert_eq!(harness.state().page(), Page::Lesson(index));
            let prompts = worksheet_prompts(file, seed);
            assert!(!prompts.is_empty());
            for prompt in prompts {
                assert!(
                    shows_containing(&harness, &prompt),
                    "seed {seed}, {file}: '{prompt}' not on the page: {:?}",
                    labels(&harness)
                );
            }
            // The link to this page carries the seed.
            assert_eq!(
                harness.state().link_here(),
                format!("lesson={stem}&seed={seed}")
            );
        }
    }
}

#[test]
fn a_playground_link_opens_its_script_with_its_inputs() {
    let link = backprop_lab::link::Link {
        target: backprop_lab::link::Target::Playground("x = 1\nw = -2\ny = x * w\n".into()),
        at: vec![("x".into(), 3.0)],
        ..backprop_lab::link::Link::default()
    };
    let fragment = backprop_lab::link::format(&link);
    let harness = app_opened_with(&fragment);
    assert_eq!(harness.state().page(), Page::Playground);
    // y = 3 · (−2) = −6, computed by the engine at the link's input.
    assert!(
        shows_containing(&harness, "y = x·w: value -6"),
        "{:?}",
        labels(&harness)
    );
    assert_eq!(
        harness.state().link_here(),
        fragment.replace("x=3", "x=3,w=-2")
    );
}

#[test]
fn hostile_fragments_open_the_start_page_with_one_notice() {
    let huge = format!("#playground={}", "A".repeat(10 << 20));
    for (fragment, words) in [
        ("#playground=%%%", "the link's 'playground' cannot be read"),
        (
            huge.as_str(),
            "the link has 10485772 bytes; at most 65536 are read",
        ),
        ("#lesson=01-blame-game&script=rm", "unknown key 'script'"),
        (
            "#lesson=99-no-such-lesson",
            "there is no lesson '99-no-such-lesson'",
        ),
    ] {
        let harness = app_opened_with(fragment);
        assert_eq!(harness.state().page(), Page::Lesson(0), "{fragment:.40}");
        let notices = harness.state().notices();
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert!(
            notices[0].starts_with("This link could not be opened: ") && notices[0].contains(words),
            "{}",
            notices[0]
        );
        assert!(shows_containing(&harness, "This link could not be opened"));
    }
}

/// A teacher's link locks the app to one lesson and hides parts: no list, no Playground
/// or My progress entry, and neither buttons nor keys reach another page.
#[test]
fn only_and_hide_keep_the_class_on_one_lesson() {
    let mut harness = app_opened_with("#only=03-gates&hide=lessons,playground,progress,zoom");
    assert_eq!(harness.state().page(), Page::Lesson(2));
    let shown = labels(&harness);
    for gone in [
        "○ 1. The Blame Game",
        "Playground",
        "My progress",
        "Zoom: Ctrl + / Ctrl −",
    ] {
        assert!(
            !shown.iter().any(|l| l.starts_with(gone)),
            "'{gone}' is still shown: {shown:?}"
        );
    }
    // Next, the arrow keys and PgDn stay on the lesson.
    harness.key_press(egui::Key::PageDown);
    harness.key_press(egui::Key::ArrowRight);
    harness.run();
    assert_eq!(harness.state().page(), Page::Lesson(2));
    harness.state_mut().open(Page::Playground);
    assert_eq!(harness.state().page(), Page::Lesson(2));
    // The copied link keeps the teacher's controls.
    assert_eq!(
        harness.state().link_here(),
        "hide=lessons,playground,progress,zoom&only=03-gates"
    );

    // Hiding only the Playground leaves the list and every lesson.
    let mut harness = app_opened_with("#lesson=02-chain-rule&hide=playground");
    assert_eq!(harness.state().page(), Page::Lesson(1));
    assert!(shows_containing(&harness, "3. Gates"));
    assert!(!labels(&harness).iter().any(|l| l == "Playground"));
    harness.key_press(egui::Key::PageDown);
    harness.run();
    assert_eq!(harness.state().page(), Page::Lesson(2));
}

const ONE_QUESTION: &str = r#"Lesson(
    title: "Hidden",
    sections: [
        Quiz(title: "Q", questions: [
            Numeric(prompt: "y = 3x and z = y² at x = 1. What is dz/dx?", script: "x = 1\ny = 3*x\nz = y^2", answer: "grad x", explanation: "It is **{{grad x}}**."),
        ]),
    ],
)
"#;

/// hide=solutions: a question says whether an answer is right, but never shows the
/// answer or its working, nor the hint ladder's last rung.
#[test]
fn hidden_solutions_are_never_shown() {
    let (_lessons, _data, mut harness) =
        ui_common::one_lesson_app("ui-links-solutions", "01-hidden.ron", ONE_QUESTION);
    harness
        .state_mut()
        .open_link("#lesson=01-hidden&hide=solutions");
    harness.run();
    assert_eq!(
        harness.state().link_here(),
        "lesson=01-hidden&hide=solutions"
    );
    for hint in ["Hint: show the chain", "Hint: show the local factors"] {
        harness.get_by_label(hint).click();
        harness.run();
    }
    assert!(!shows_containing(&harness, "Show the worked solution"));
    ui_common::answer_the_number(&mut harness, "5");
    assert!(shows_containing(&harness, "Not quite."));
    assert!(!shows_containing(&harness, "Show the worked solution"));
    harness.get_by_label("Try again with new numbers").click();
    harness.run();
    ui_common::answer_the_number(&mut harness, "18");
    assert!(shows_containing(&harness, "Right!"));
    for gone in ["It is", "The engine's answer"] {
        assert!(
            !shows_containing(&harness, gone),
            "{gone}: {:?}",
            labels(&harness)
        );
    }
}
