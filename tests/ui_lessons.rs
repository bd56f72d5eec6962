//! Every built-in lesson as a learner meets it: open it from the lesson list, move an
//! input by typing a value, and find the gradient the engine gives on the graph's nodes.
//! One small snapshot per lesson page (rendered on the CPU).

use backprop_lab::app::format::number;
use backprop_lab::app::navigator::Page;
use backprop_lab::app::{BackpropApp, LessonSource};
use backprop_lab::diagram::explain::node_description;
use backprop_lab::lesson::{self, GraphSection, LiveGraph, Section};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

#[path = "common/painted.rs"]
mod painted;
use painted::painted_texts;

fn harness() -> Harness<'static, BackpropApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .build_eframe(|_cc| {
            BackpropApp::with_state(
                &LessonSource::Embedded,
                String::from("x = 1\ny = x^2"),
                false,
            )
        });
    harness.run();
    harness
}

fn lessons() -> Vec<lesson::Lesson> {
    lesson::load_embedded()
        .into_iter()
        .map(|file| match file.lesson {
            Ok(lesson) => lesson,
            Err(errors) => panic!("{}: {errors:?}", file.file),
        })
        .collect()
}

/// The first lesson with a section `pick` takes: its index, its title and that section.
fn lesson_with<T: Clone>(pick: impl Fn(&Section) -> Option<&T>) -> (usize, String, T) {
    lessons()
        .iter()
        .enumerate()
        .find_map(|(index, lesson)| {
            let section = lesson.sections.iter().find_map(&pick)?;
            Some((index, lesson.title.clone(), section.clone()))
        })
        .expect("a shipped lesson has such a section")
}

/// The app in a window tall enough to show a whole interactive section without scrolling.
fn tall_harness(height: f32) -> Harness<'static, BackpropApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, height))
        .build_eframe(|_cc| {
            BackpropApp::with_state(&LessonSource::Embedded, String::from("x = 1"), false)
        });
    harness.run();
    harness
}

/// The lesson with a second-order section, and its function of two inputs.
fn second_order_function(
    lessons: &[lesson::Lesson],
) -> (
    usize,
    &lesson::Lesson,
    backprop_lab::lesson::second_order::TwoInputs,
) {
    let (index, lesson, section) = find_section(lessons, |s| match s {
        Section::SecondOrder(s2) => Some(s2),
        _ => None,
    })
    .expect("a lesson with a second-order section");
    let function =
        backprop_lab::lesson::second_order::TwoInputs::new(&section.script).expect("parses");
    (index, lesson, function)
}

/// Asserts that a widget labelled exactly `text` is on screen.
fn assert_shows(harness: &Harness<'static, BackpropApp>, text: &str) {
    assert!(
        harness.query_by_label(text).is_some(),
        "not on screen: {text}"
    );
}

/// The first section `pick` accepts, in lesson order, with its lesson and that lesson's
/// place in the list.
fn find_section<'l, T>(
    lessons: &'l [lesson::Lesson],
    pick: impl Fn(&'l Section) -> Option<&'l T>,
) -> Option<(usize, &'l lesson::Lesson, &'l T)> {
    lessons.iter().enumerate().find_map(|(i, l)| {
        l.sections
            .iter()
            .find_map(|s| pick(s).map(|section| (i, l, section)))
    })
}

fn first_editable_graph(lesson: &lesson::Lesson) -> Option<&GraphSection> {
    lesson.sections.iter().find_map(|s| match s {
        Section::Graph(g) if !g.editable.is_empty() => Some(g),
        _ => None,
    })
}

fn open(harness: &mut Harness<'static, BackpropApp>, index: usize, title: &str) {
    let entry = format!("{}. {title}", index + 1);
    let found = harness
        .query_all_by_label_contains(&entry)
        .next()
        .unwrap_or_else(|| panic!("'{entry}' is in the lesson list"));
    found.click();
    harness.run();
    assert_eq!(harness.state().page(), Page::Lesson(index));
}

#[test]
fn there_are_lessons_and_each_one_opens_from_the_list() {
    let lessons = lessons();
    assert!(lessons.len() >= 2, "lessons 1 and 2 are built in");
    let mut harness = harness();
    // Open them in reverse, so each click really changes the page.
    for (index, lesson) in lessons.iter().enumerate().rev() {
        open(&mut harness, index, &lesson.title);
        harness.get_by_label(&lesson.title);
    }
}

#[test]
fn typing_an_input_moves_the_gradients_to_the_engines_numbers() {
    for (index, lesson) in lessons().iter().enumerate() {
        let Some(section) = first_editable_graph(lesson) else {
            continue;
        };
        let mut harness = harness();
        open(&mut harness, index, &lesson.title);
        let input = &section.editable[0];
        // A value inside the range, away from where it starts.
        let new_value = input.min + (input.max - input.min) * 0.8;
        let new_value = (new_value * 4.0).round() / 4.0;

        // Below an unanswered prediction a graph hides its gradients (predict first).
        let below_prediction = lesson
            .sections
            .iter()
            .take_while(|s| !matches!(s, Section::Graph(g) if std::ptr::eq(g, section)))
            .any(|s| {
                matches!(s, Section::Quiz(quiz)
                    if quiz.questions.iter().any(|q| matches!(q, lesson::Question::Predict(_))))
            });
        let shown = |description: String| match description.rsplit_once(", gradient ") {
            Some((start, _)) if below_prediction => format!("{start}, gradient hidden"),
            _ => description,
        };
        let mut expected = LiveGraph::new(section).expect("lessons are checked");
        let before_description = {
            let id = expected.node(&input.name).expect("input exists");
            shown(node_description(&mut expected.program.graph, id))
        };
        assert!(expected.set(&input.name, new_value));
        let id = expected.node(&input.name).expect("input exists");
        let after_description = shown(node_description(&mut expected.program.graph, id));
        let gradient = number(expected.program.graph.grad(id));

        harness
            .query_all_by_label(&before_description)
            .next()
            .unwrap_or_else(|| panic!("{}: node '{before_description}' shown", lesson.title));
        let field = harness
            .query_all_by_role_and_label(egui::accesskit::Role::TextInput, &input.name)
            .next()
            .expect("the slider's typed value, named by the input");
        field.focus();
        harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        field.type_text(&number(new_value));
        harness.run();
        assert!(
            harness
                .query_all_by_label(&after_description)
                .next()
                .is_some(),
            "{}: after typing {} = {new_value}, the node reads '{after_description}' (gradient {gradient})",
            lesson.title,
            input.name
        );
    }
}

#[test]
fn finishing_a_lesson_marks_it_and_moves_on() {
    let lessons = lessons();
    let mut harness = harness();
    open(&mut harness, 0, &lessons[0].title);
    // The button is at the end of the page: scroll to it as a learner would.
    harness.get_by_label("Finish lesson").scroll_to_me();
    harness.run();
    harness.get_by_label("Finish lesson").click();
    harness.run();
    // The page says what was done, and offers the next lesson.
    assert_eq!(harness.state().page(), Page::Lesson(0));
    assert!(
        harness
            .query_by_label(&format!("● Lesson finished: {}", lessons[0].title))
            .is_some()
    );
    let next = format!("2. {} ▶", lessons[1].title);
    harness.get_by_label(&next).scroll_to_me();
    harness.run();
    harness.get_by_label(&next).click();
    harness.run();
    assert_eq!(harness.state().page(), Page::Lesson(1));
    assert!(
        harness
            .query_by_label_contains(&format!("● 1. {}", lessons[0].title))
            .is_some(),
        "the finished lesson carries a mark in the list"
    );
}

#[test]
fn page_keys_move_between_lessons() {
    let mut harness = harness();
    assert_eq!(harness.state().page(), Page::Lesson(0));
    harness.key_press(egui::Key::PageDown);
    harness.run();
    assert_eq!(harness.state().page(), Page::Lesson(1));
    harness.key_press(egui::Key::ArrowLeft);
    harness.run();
    assert_eq!(harness.state().page(), Page::Lesson(0));
    harness.get_by_label("Next ▶").click();
    harness.run();
    assert_eq!(harness.state().page(), Page::Lesson(1));
}

#[test]
fn a_snapshot_of_every_page() {
    let mut results = Vec::new();
    // The two window sizes a learner is most likely to have (a laptop and a full-HD
    // screen, where graphs and plots take the whole width), in both themes.
    for (width, height) in [(1280.0, 800.0), (1920.0, 1080.0)] {
        for dark in [false, true] {
            let mut harness = Harness::builder()
                .with_size(egui::vec2(width, height))
                .build_eframe(move |_cc| {
                    BackpropApp::with_state(
                        &LessonSource::Embedded,
                        String::from("x = 3\ny = 2\nf = x^2 * y"),
                        dark,
                    )
                });
            harness.run();
            let theme = if dark { "dark" } else { "light" };
            // Named after the lesson's file, so adding a lesson does not rename the others.
            let mut pages: Vec<(Page, String)> = lesson::load_embedded()
                .iter()
                .enumerate()
                .map(|(index, file)| {
                    let stem = file.file.trim_end_matches(".ron");
                    (Page::Lesson(index), format!("lesson_{stem}"))
                })
                .collect();
            pages.push((Page::Playground, "playground".into()));
            pages.push((Page::Progress, "progress".into()));
            for (page, stem) in pages {
                harness.state_mut().open(page);
                harness.run();
                let name = format!("{stem}_{width}_{theme}");
                results.push(
                    harness
                        .try_snapshot(&name)
                        .map_err(|e| format!("{name}: {e}")),
                );
            }
        }
    }
    let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn a_gradient_descent_step_lowers_the_loss_to_the_engines_number() {
    let lessons = lessons();
    let (index, lesson, section) = find_section(&lessons, |s| match s {
        Section::Graph(g) if g.descent.is_some() => Some(g),
        _ => None,
    })
    .expect("a lesson with gradient descent");
    let descent = section.descent.as_ref().expect("descent");
    // One step, computed here with the engine directly.
    let mut expected = LiveGraph::new(section).expect("lessons are checked");
    let before = expected.value(&expected.output_name).expect("output");
    let moves: Vec<(String, f64)> = descent
        .parameters
        .iter()
        .map(|p| {
            let v = expected.value(p).expect("parameter")
                - descent.learning_rate * expected.grad(p).expect("grad");
            (p.clone(), v)
        })
        .collect();
    for (p, v) in &moves {
        assert!(expected.set(p, *v));
    }
    let after = expected.value(&expected.output_name).expect("output");
    assert!(after < before, "one step goes downhill");

    let mut harness = harness();
    open(&mut harness, index, &lesson.title);
    let button = "Take one gradient-descent step";
    // The first graph with descent on the page is the one `find_section` picked.
    harness
        .query_all_by_role_and_label(Role::Button, button)
        .next()
        .expect("a descent button")
        .scroll_to_me();
    harness.run();
    harness
        .query_all_by_role_and_label(Role::Button, button)
        .next()
        .expect("a descent button")
        .click();
    harness.run();
    let line = format!(
        "After 1 step: {} = {} (it started at {}).",
        expected.output_name,
        number(after),
        number(before)
    );
    assert_shows(&harness, &line);
}

#[test]
fn the_depth_slider_rebuilds_the_chain_and_shows_the_engines_gradient() {
    let lessons = lessons();
    let (index, lesson, section) = find_section(&lessons, |s| match s {
        Section::Layers(layers) => Some(layers),
        _ => None,
    })
    .expect("a lesson with a chain of layers");
    let mut harness = harness();
    open(&mut harness, index, &lesson.title);
    let depth = 40;
    let slider = harness.get_by_role_and_label(Role::Slider, "depth");
    slider.scroll_to_me();
    harness.run();
    harness
        .get_by_role_and_label(Role::Slider, "depth")
        .set_value_accesskit(depth as f64);
    harness.run();
    let expected = backprop_lab::lesson::layers::run(
        &section.choices[0].layer,
        depth,
        section.input,
        section.weight,
    )
    .expect("runs");
    let line = format!(
        "Gradient reaching the first layer: |dL/dh0| = {}",
        number(expected.gradients[0])
    );
    assert_shows(&harness, &line);
}

#[test]
fn pressing_step_shows_the_current_nodes_arithmetic() {
    let lessons = lessons();
    let (index, lesson, section) = find_section(&lessons, |s| match s {
        Section::Backward(b) => Some(b),
        _ => None,
    })
    .expect("a lesson with a backward stepper");
    // The log names boxes as they are titled on screen.
    let mut program = backprop_lab::engine::parse(&section.script).expect("parses");
    let titles = backprop_lab::diagram::expr::Titles::new(&mut program.graph);
    let mut expected = backprop_lab::lesson::stepper::Stepper::with_names(program, |_, id| {
        let reference = titles.reference(id);
        if reference.chars().all(|c| c.is_alphanumeric() || c == '_') {
            reference.to_string()
        } else {
            format!("({reference})")
        }
    });
    let mut harness = harness();
    open(&mut harness, index, &lesson.title);
    // Through the forward pass and two backward steps.
    let mut steps = 0;
    while expected.phase() == backprop_lab::lesson::stepper::Phase::Forward {
        expected.step();
        steps += 1;
    }
    expected.step();
    expected.step();
    steps += 2;
    for _ in 0..steps {
        let step = harness
            .query_all_by_role_and_label(Role::Button, "Step")
            .next()
            .expect("a Step button");
        step.click();
        harness.run();
    }
    let text = expected.last.clone().expect("a step").text;
    assert!(text.starts_with("Backward: pop "), "{text}");
    assert!(!text.contains("(×)") && !text.contains("(−)"), "{text}");
    assert_shows(&harness, &text);
    // The box being stepped is tagged in words, not only by colour.
    assert!(painted_texts(&harness).iter().any(|t| t == "this step"));
    let cache = format!("Cache: {} values held.", expected.cache().len());
    assert!(
        harness.query_all_by_label(&cache).next().is_some(),
        "{cache}"
    );
}

#[test]
fn toggling_the_straight_through_estimator_changes_the_loss_curve() {
    let lessons = lessons();
    let (index, lesson, section) = find_section(&lessons, |s| match s {
        Section::Training(t) if t.variants.len() > 1 => Some(t),
        _ => None,
    })
    .expect("a lesson with a training run");
    let describe = |variant: usize| {
        let v = &section.variants[variant];
        let run = backprop_lab::lesson::training::train(
            &v.script,
            &section.parameters,
            &section.data,
            section.steps,
            section.learning_rate,
        )
        .expect("trains");
        let gradients: Vec<String> = run
            .first_gradients
            .iter()
            .map(|(n, g)| format!("dL/d{n} = {}", number(*g)))
            .collect();
        let parameters: Vec<String> = run
            .parameters
            .iter()
            .map(|(n, v)| format!("{n} = {}", number(*v)))
            .collect();
        let first = run.losses[0];
        let last = run.losses[run.losses.len() - 1];
        (
            format!(
                "'{}': loss {} → {}; first gradient {}; trained {}.",
                v.label,
                number(first),
                number(last),
                gradients.join(", "),
                parameters.join(", ")
            ),
            first,
            last,
        )
    };
    let (broken, broken_first, broken_last) = describe(0);
    let (fixed, fixed_first, fixed_last) = describe(1);
    assert_eq!(broken_first, broken_last, "the broken chain stalls");
    assert!(fixed_last < fixed_first, "the fix learns");

    let mut harness = harness();
    open(&mut harness, index, &lesson.title);
    let train = |harness: &mut Harness<'static, BackpropApp>, label: &str| {
        let text = format!("Train '{label}' for {} steps", section.steps);
        harness.get_by_label(&text).scroll_to_me();
        harness.run();
        harness.get_by_label(&text).click();
        harness.run();
    };
    train(&mut harness, &section.variants[0].label);
    assert_shows(&harness, &broken);
    harness.get_by_label(&section.variants[1].label).click();
    harness.run();
    train(&mut harness, &section.variants[1].label);
    assert_shows(&harness, &fixed);
}

#[test]
fn the_clipping_threshold_scales_the_update() {
    let lessons = lessons();
    let (index, lesson, section) = find_section(&lessons, |s| match s {
        Section::Layers(layers) if layers.clip => Some(layers),
        _ => None,
    })
    .expect("a lesson with gradient clipping");
    let run = backprop_lab::lesson::layers::run(
        &section.choices[0].layer,
        section.depth,
        section.input,
        section.weight,
    )
    .expect("runs");
    let threshold = 2.0;
    let factor = backprop_lab::lesson::layers::clip_factor(run.norm, threshold);
    assert!(
        factor < 1.0,
        "the lesson starts with a gradient worth clipping"
    );
    let line = format!(
        "After backprop, the weights' gradients have norm ||g|| = {}. Clipped at {}: every weight's gradient is multiplied by {}, so the first layer's weight is updated with |dL/dw1| = {} instead of {}.",
        number(run.norm),
        number(threshold),
        number(factor),
        number(run.weight_gradients[0] * factor),
        number(run.weight_gradients[0])
    );
    let mut harness = harness();
    open(&mut harness, index, &lesson.title);
    let label = "clip the gradient norm at";
    harness
        .get_by_role_and_label(Role::Slider, label)
        .scroll_to_me();
    harness.run();
    harness
        .get_by_role_and_label(Role::Slider, label)
        .set_value_accesskit(threshold);
    harness.run();
    assert_shows(&harness, &line);
}

#[test]
fn cards_turn_over_and_their_answers_are_recorded() {
    let files = lesson::load_embedded();
    let (index, file) = files
        .iter()
        .enumerate()
        .find(|(_, f)| {
            f.lesson
                .as_ref()
                .is_ok_and(|l| l.sections.iter().any(|s| matches!(s, Section::Cards(_))))
        })
        .expect("a lesson with cards");
    let title = file.title();
    let mut harness = harness();
    open(&mut harness, index, &title);
    // The flashcard turns over: its back replaces its front.
    assert!(harness.query_by_label("Front: the question").is_some());
    assert!(
        harness.query_by_label("I knew it").is_none(),
        "no verdict before the turn"
    );
    harness.get_by_label("Turn the card").click();
    harness.run();
    assert!(harness.query_by_label("Back: the answer").is_some());
    assert!(harness.query_by_label("Front: the question").is_none());
    assert!(
        harness
            .query_all_by_label_contains("Card 1 of")
            .next()
            .is_some()
    );
    harness.get_by_label("I knew it").click();
    harness.run();
    // Known: the deck moves on to its next card, front up.
    assert!(
        harness
            .query_all_by_label_contains("Card 2 of")
            .next()
            .is_some(),
        "'I knew it' moves on to the next card"
    );
    assert!(
        harness
            .query_all_by_label("Front: the question")
            .next()
            .is_some()
    );
    assert!(harness.query_by_label("Back: the answer").is_none());
    // Back on the first card, the verdict is kept.
    harness
        .get_all_by_label("Previous card")
        .next()
        .expect("the first deck's button")
        .click();
    harness.run();
    assert!(
        harness
            .query_by_label("Marked as known. Use Next card to go on.")
            .is_some(),
        "saying 'I knew it' is answered in words"
    );
    // The myth deck's first card: "Backpropagation is the learning algorithm."
    harness.get_by_role_and_label(Role::Button, "Myth").click();
    harness.run();
    assert!(harness.query_by_label("Right! It is a myth.").is_some());
    assert!(harness.query_by_label("Back: why").is_some());
    let progress = harness.state().progress().lesson(&file.file);
    assert_eq!(
        progress.cards.values().filter(|r| **r).count(),
        2,
        "{progress:?}"
    );
}

#[test]
fn the_concept_map_opens_the_lesson_a_learner_clicks() {
    let files = lesson::load_embedded();
    let (index, file) = files
        .iter()
        .enumerate()
        .find(|(_, f)| {
            f.lesson.as_ref().is_ok_and(|l| {
                l.sections
                    .iter()
                    .any(|s| matches!(s, Section::ConceptMap(_)))
            })
        })
        .expect("a lesson with a concept map");
    let target = files
        .iter()
        .position(|f| f.file == "06-vanishing-gradient.ron")
        .expect("the vanishing-gradient lesson");
    let mut harness = harness();
    open(&mut harness, index, &file.title());
    // Not finished, nothing answered: its mastery says "not yet", in words and as 0%.
    let label = format!(
        "Vanishing gradient: ○ not yet · {}, mastery 0%",
        files[target].title()
    );
    harness.get_by_label(&label).click();
    harness.run();
    assert_eq!(harness.state().page(), Page::Lesson(target));
}

#[test]
fn moving_k_shows_the_measured_checkpointing_costs() {
    let lessons = lessons();
    let (index, lesson, section) = find_section(&lessons, |s| match s {
        Section::Checkpoint(c) => Some(c),
        _ => None,
    })
    .expect("a lesson with checkpointing");
    let script = backprop_lab::lesson::layers::script(&section.layer, section.depth, 0.5, 0.9);
    let mut graph = backprop_lab::engine::parse(&script).expect("parses").graph;
    let plain =
        backprop_lab::engine::checkpoint::checkpointed_backward(&mut graph, 1).expect("runs");
    let k = 16;
    let run = backprop_lab::engine::checkpoint::checkpointed_backward(&mut graph, k).expect("runs");
    assert_eq!(run.gradients, plain.gradients);
    let line = format!(
        "k = {k}: {} activations held at the peak instead of {}; {} operations recomputed (the forward pass had {}).",
        run.peak_values_held, plain.forward_ops, run.recomputed_ops, run.forward_ops
    );
    let mut harness = harness();
    open(&mut harness, index, &lesson.title);
    let label = "keep every k-th activation";
    harness
        .get_by_role_and_label(Role::Slider, label)
        .scroll_to_me();
    harness.run();
    harness
        .get_by_role_and_label(Role::Slider, label)
        .set_value_accesskit(k as f64);
    harness.run();
    assert_shows(&harness, &line);
    assert!(
        harness
            .query_by_label(
                "The gradients are identical to the plain backward pass's, bit for bit."
            )
            .is_some()
    );
}

#[test]
fn the_second_order_page_shows_hvp_against_finite_differences() {
    let lessons = lessons();
    let (index, lesson, function) = second_order_function(&lessons);
    let v = [1.0, 0.0];
    let hv = function.hvp(v).expect("an output");
    let fd = function.hvp_by_differences(v);
    assert!((hv[0] - fd[0]).abs() < 1e-4 && (hv[1] - fd[1]).abs() < 1e-4);
    let line = format!(
        "H·v by backprop through backprop = ({}, {});  by central differences of the gradient = ({}, {})",
        number(hv[0]),
        number(hv[1]),
        number(fd[0]),
        number(fd[1])
    );
    let mut harness = harness();
    open(&mut harness, index, &lesson.title);
    assert_shows(&harness, &line);
}

#[test]
fn painting_a_pixel_moves_the_prediction_and_balanced_training_moves_the_map() {
    use backprop_lab::lesson::saliency::{
        BALANCED_WEIGHTS, Classifier, FARM_WEIGHTS, Material, Weights, picture, share_on_cow,
    };
    let lessons = lessons();
    let (index, lesson) = lessons
        .iter()
        .enumerate()
        .find(|(_, l)| l.sections.iter().any(|s| matches!(s, Section::Saliency(_))))
        .expect("a lesson with a saliency map");
    let model =
        |text: &str| Classifier::new(&Weights::from_ron(text).expect("parses")).expect("fits");
    let photo = |name: &str| {
        picture::test_pictures()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| p)
            .expect("a test photo")
    };
    // What the engine says the farm model makes of an empty beach, before and after one
    // cow pixel in the middle.
    let mut farm = model(FARM_WEIGHTS);
    let mut sand = photo("Empty sand");
    farm.show(&sand);
    let before = farm.score();
    sand.paint(8, 8, Material::Cow);
    farm.show(&sand);
    let after = farm.score();
    assert_ne!(number(before), number(after));
    let verdict = |s: f64| {
        format!(
            "score = {} (the number before the sigmoid; the map is its gradient)",
            number(s)
        )
    };

    let mut harness = harness();
    open(&mut harness, index, &lesson.title);
    harness
        .query_all_by_label("Empty sand")
        .next()
        .expect("a photo button")
        .click();
    harness.run();
    harness
        .query_all_by_label("cow")
        .next()
        .expect("a cow brush")
        .click();
    harness.run();
    assert_shows(&harness, &verdict(before));
    let canvas = harness
        .query_all_by_label("Photo: click or drag to paint")
        .next()
        .expect("the photo");
    canvas.scroll_to_me();
    harness.run();
    harness
        .query_all_by_label("Photo: click or drag to paint")
        .next()
        .expect("the photo")
        .click();
    harness.run();
    harness.run();
    assert_shows(&harness, &verdict(after));

    // The second widget starts on a cow on sand; switching to the balanced model moves
    // the saliency onto the cow, by the engine's numbers.
    let cow_on_sand = photo("Cow on sand");
    let share = |text: &str| {
        let mut m = model(text);
        m.show(&cow_on_sand);
        (100.0 * share_on_cow(&cow_on_sand, &m.saliency())).round()
    };
    let (farm_share, balanced_share) = (share(FARM_WEIGHTS), share(BALANCED_WEIGHTS));
    assert!(balanced_share > farm_share);
    let sentence =
        |s: f64| format!("The cow covers 16% of the pixels and gets {s}% of the saliency.");
    let button = harness.get_by_label("Trained on balanced photos");
    button.scroll_to_me();
    harness.run();
    assert_shows(&harness, &sentence(farm_share));
    harness.get_by_label("Trained on balanced photos").click();
    harness.run();
    assert_shows(&harness, &sentence(balanced_share));
}

#[test]
fn moving_the_start_point_redraws_both_paths_to_the_engines_numbers() {
    let lessons = lessons();
    let (index, lesson, function) = second_order_function(&lessons);
    let summary = |start: [f64; 2]| {
        let descent = function.descent_path(start, 0.02, 30);
        let newton = function.newton_path(start, 10);
        let end = |path: &[[f64; 2]]| path.last().copied().unwrap_or(start);
        format!(
            "After 30 descent steps f = {}; after {} Newton steps f = {}.",
            number(function.value_at(end(&descent))),
            newton.len() - 1,
            number(function.value_at(end(&newton)))
        )
    };
    let start = function.point();
    let moved = [0.5, -0.5];
    assert_ne!(summary(start), summary(moved));
    let mut harness = harness();
    open(&mut harness, index, &lesson.title);
    assert_shows(&harness, &summary(start));
    for (label, value) in [("x", moved[0]), ("y", moved[1])] {
        harness
            .get_by_role_and_label(Role::Slider, label)
            .set_value_accesskit(value);
        harness.run();
    }
    assert_shows(&harness, &summary(moved));
}

#[test]
fn training_live_shows_the_engines_loss_after_each_epoch() {
    use backprop_lab::lesson::saliency::{
        BALANCED_DESCRIPTION, Collection, TRAINING_PICTURES, TRAINING_SEED, picture, train,
    };
    let lessons = lessons();
    let (index, lesson) = lessons
        .iter()
        .enumerate()
        .find(|(_, l)| {
            l.sections
                .iter()
                .any(|s| matches!(s, Section::Saliency(s) if s.train))
        })
        .expect("a lesson that trains a model live");
    // The first epoch, run here without the app.
    let examples = picture::training_set(Collection::Balanced, TRAINING_PICTURES, TRAINING_SEED);
    let config = train::TrainingConfig::default();
    let mut trainer = train::Trainer::new(examples, &config, BALANCED_DESCRIPTION).expect("trains");
    while trainer.progress().0 < 1 {
        trainer.step();
    }
    let first = trainer.losses()[0];
    let line = format!(
        "Training on {TRAINING_PICTURES} {BALANCED_DESCRIPTION}: epoch 2 of {}, mean loss of the last epoch {}. The map below follows the weights as they change.",
        config.epochs,
        number(first)
    );

    let mut harness = harness();
    open(&mut harness, index, &lesson.title);
    let button = harness.get_by_role_and_label(Role::Button, "Train a new one on balanced photos");
    button.scroll_to_me();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Train a new one on balanced photos")
        .click();
    // One minibatch per frame: an epoch of 320 photos in batches of 16 is 20 frames.
    let mut frames = 0;
    while harness.query_by_label(&line).is_none() && frames < 60 {
        harness.step();
        frames += 1;
    }
    assert_shows(&harness, &line);
    assert!((20..=23).contains(&frames), "{frames} frames for one epoch");
}

#[test]
fn the_keyboard_brush_paints_where_the_arrows_take_it() {
    use backprop_lab::lesson::saliency::{Classifier, FARM_WEIGHTS, Material, Weights, picture};
    let lessons = lessons();
    let (index, lesson, _) = find_section(&lessons, |s| match s {
        Section::Saliency(s) => Some(s),
        _ => None,
    })
    .expect("a lesson with a saliency map");
    let mut farm =
        Classifier::new(&Weights::from_ron(FARM_WEIGHTS).expect("parses")).expect("fits");
    let mut grass = picture::test_pictures()
        .into_iter()
        .find(|(n, _)| *n == "Empty grass")
        .map(|(_, p)| p)
        .expect("a test photo");
    // The keyboard brush starts in the middle, (8, 8); one step right, then sand.
    let mut unmoved = grass.clone();
    unmoved.paint(8, 8, Material::Sand);
    farm.show(&unmoved);
    let unmoved_score = number(farm.score());
    grass.paint(9, 8, Material::Sand);
    farm.show(&grass);
    assert_ne!(
        unmoved_score,
        number(farm.score()),
        "the two pixels tell apart"
    );
    let expected = format!(
        "score = {} (the number before the sigmoid; the map is its gradient)",
        number(farm.score())
    );

    let mut harness = harness();
    open(&mut harness, index, &lesson.title);
    harness
        .query_all_by_label("Empty grass")
        .next()
        .expect("a photo button")
        .click();
    harness.run();
    let label = "Photo: click or drag to paint";
    harness
        .query_all_by_label(label)
        .next()
        .expect("the photo")
        .scroll_to_me();
    harness.run();
    harness
        .query_all_by_label(label)
        .next()
        .expect("the photo")
        .focus();
    harness.run();
    harness.key_press(egui::Key::ArrowRight);
    harness.run();
    harness.key_press(egui::Key::Space);
    harness.run();
    harness.run();
    assert_shows(&harness, &expected);
    assert_eq!(
        harness.state().page(),
        Page::Lesson(index),
        "the arrows moved the brush, not the page"
    );
}

/// The batch lesson's grids are the engine's numbers, live: flipping a label moves dL/dW in
/// its grid and in both columns of the comparison, the backward pass and X^T(ŷ − y), which
/// stay equal; the engine's value for the flipped batch is the one on screen.
#[test]
fn the_batch_grids_follow_an_edit_and_dl_dw_equals_the_formula() {
    use backprop_lab::lesson::batch::Batch;
    let (index, title, section) = lesson_with(|s| match s {
        Section::Batch(b) => Some(b),
        _ => None,
    });
    let mut harness = tall_harness(1600.0);
    open(&mut harness, index, &title);
    let shown = |harness: &Harness<'static, BackpropApp>, text: &str| {
        harness.query_all_by_label(text).next().is_some()
    };
    let cell = |v: f64| format!("{v:.3}").replacen('-', "−", 1);
    let mut batch = Batch::new(&section.data()).expect("builds");
    assert!(shown(&harness, &cell(batch.grad_w(0))), "dL/dw₁ before");
    assert!(
        harness
            .query_all_by_label_contains("Equal: the largest difference is")
            .next()
            .is_some()
    );
    // Flip the second label from 0 to 1.
    harness
        .get_by_role_and_label(Role::Button, "y₂ = 0")
        .click();
    harness.run();
    assert!(shown(&harness, "y₂ = 1"));
    batch.set_y(1, true);
    for j in 0..batch.features() {
        let value = cell(batch.grad_w(j));
        assert_eq!(
            harness.query_all_by_label(&value).count(),
            3,
            "dL/dw{j} = {value} in the dL/dW grid and in both columns"
        );
    }
    assert!(
        harness
            .query_all_by_label_contains("Equal: the largest difference is")
            .next()
            .is_some()
    );
}

/// The network lesson trains with the engine: one click on Step takes one gradient step,
/// and the losses on screen are the engine's for the same seed, points and rate; Reset goes
/// back to the same first weights.
#[test]
fn a_network_step_shows_the_engines_losses_and_reset_replays_them() {
    use backprop_lab::lesson::network::{Architecture, Network, split_train_test};
    let (index, title, section) = lesson_with(|s| match s {
        Section::Network(n) => Some(n),
        _ => None,
    });
    let (train, test) = split_train_test(&section.dataset.points(section.points, section.seed));
    let mut network = Network::new(
        &Architecture {
            hidden: section.hidden.clone(),
            activation: section.activation,
        },
        section.seed,
    );
    let status = |network: &mut Network| {
        format!(
            "Step {} · training loss {} · test loss {}",
            network.steps(),
            number(network.loss(&train)),
            number(network.loss(&test))
        )
    };
    let before = status(&mut network);
    network.step(&train, section.learning_rate);
    let after = status(&mut network);

    let mut harness = tall_harness(1800.0);
    open(&mut harness, index, &title);
    assert!(
        harness.query_all_by_label(&before).next().is_some(),
        "{before}"
    );
    harness.get_by_role_and_label(Role::Button, "Step").click();
    harness.run();
    assert!(
        harness.query_all_by_label(&after).next().is_some(),
        "{after}"
    );
    harness.get_by_role_and_label(Role::Button, "Reset").click();
    harness.run();
    assert!(
        harness.query_all_by_label(&before).next().is_some(),
        "reset: {before}"
    );
}

/// The app reopens the page a learner left, so any page can be the very first frame,
/// before the app's styles reach the window: each one draws then without a panic.
#[test]
fn every_page_can_be_the_first_frame() {
    let pages = (0..lessons().len()).map(Page::Lesson).chain([
        Page::Playground,
        Page::Progress,
        Page::Review,
    ]);
    for page in pages {
        let mut harness = Harness::builder()
            .with_size(egui::vec2(1200.0, 800.0))
            .build_eframe(move |_cc| {
                let mut app =
                    BackpropApp::with_state(&LessonSource::Embedded, String::from("x = 1"), false);
                app.open(page);
                app
            });
        harness.run();
        assert_eq!(harness.state().page(), page);
    }
}
