//! Quiz grading from the outside: formulas by equivalence, numbers by tolerance, and
//! random parameters whose answers match an independent computation.

use backprop_lab::quiz::{AttemptError, Verdict, draw_attempt, grade_formula, grade_number};
use backprop_lab::random::{Parameter, Rng};

fn vars(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn equivalent_formulas_pass_and_inequivalent_ones_fail() {
    let mut rng = Rng::new(11);
    let x = vars(&["x"]);
    for good in [
        "18*x", "6*(3*x)", "x*18", "2*9*x", "(3*x)*6", "18*x + 0", "-(-18*x)",
    ] {
        assert_eq!(
            grade_formula(good, "18*x", &x, &mut rng),
            Verdict::Correct,
            "{good}"
        );
    }
    for bad in ["9*x", "18*x + 1", "18*x^2", "18", "x", "6*3*x*x"] {
        assert_eq!(
            grade_formula(bad, "18*x", &x, &mut rng),
            Verdict::Wrong,
            "{bad}"
        );
    }
    // Two variables, and functions.
    let xy = vars(&["x", "y"]);
    assert_eq!(
        grade_formula("2*x*y + y^2", "y*(2*x + y)", &xy, &mut rng),
        Verdict::Correct
    );
    assert_eq!(
        grade_formula(
            "sigmoid(x)*(1 - sigmoid(x))",
            "exp(-x)/(1 + exp(-x))^2",
            &x,
            &mut rng
        ),
        Verdict::Correct
    );
    assert_eq!(
        grade_formula(
            "sigmoid(x)*(1 + sigmoid(x))",
            "exp(-x)/(1 + exp(-x))^2",
            &x,
            &mut rng
        ),
        Verdict::Wrong
    );
    // Where the reference is undefined (log of a negative number) the points are skipped.
    assert_eq!(
        grade_formula("1/x", "1/x + 0*log(x)", &x, &mut rng),
        Verdict::Correct
    );
}

#[test]
fn parse_errors_are_reported_with_positions_not_counted() {
    let mut rng = Rng::new(2);
    let x = vars(&["x"]);
    match grade_formula("18x", "18*x", &x, &mut rng) {
        Verdict::Unreadable { line, column, .. } => assert_eq!((line, column), (1, 3)),
        other => panic!("{other:?}"),
    }
    match grade_formula("6*(3*x", "18*x", &x, &mut rng) {
        Verdict::Unreadable {
            column, message, ..
        } => {
            assert_eq!(column, 7);
            assert!(message.contains("')'"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    match grade_formula("18*z", "18*x", &x, &mut rng) {
        Verdict::Unreadable {
            column, message, ..
        } => {
            assert_eq!(column, 4);
            assert!(message.contains("unknown name 'z'"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        grade_number("", 1.0, 0.1),
        Verdict::Unreadable { .. }
    ));
    assert!(matches!(
        grade_number("two", 2.0, 0.1),
        Verdict::Unreadable { .. }
    ));
}

#[test]
fn numeric_tolerance_edges() {
    assert_eq!(grade_number("0.25", 0.25, 0.0), Verdict::Correct);
    assert_eq!(grade_number("0.26", 0.25, 0.01), Verdict::Correct);
    assert_eq!(grade_number("0.2601", 0.25, 0.01), Verdict::Wrong);
    assert_eq!(grade_number("0.24", 0.25, 0.01), Verdict::Correct);
    assert_eq!(grade_number("-0.25", 0.25, 0.01), Verdict::Wrong);
    assert_eq!(grade_number("1/4", 0.25, 0.0), Verdict::Correct);
    assert_eq!(grade_number("2.5e-1", 0.25, 0.0), Verdict::Correct);
    assert_eq!(grade_number("1e999", 0.25, 1.0), Verdict::Wrong);
}

#[test]
fn random_parameters_give_the_engines_answers() {
    // y = k*x, z = y^2: dz/dx = 2 k^2 x, computed here without the engine.
    let script = "k = 3\nx = 1\ny = k*x\nz = y^2\n";
    let parameters = [
        Parameter {
            name: "k".into(),
            min: 1.0,
            max: 5.0,
            step: Some(1.0),
        },
        Parameter {
            name: "x".into(),
            min: -3.0,
            max: 3.0,
            step: Some(0.5),
        },
    ];
    let mut rng = Rng::new(42);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..200 {
        let attempt = draw_attempt(script, &parameters, &mut rng).expect("runs");
        let k = attempt.value("k").expect("k");
        let x = attempt.value("x").expect("x");
        assert!((1.0..=5.0).contains(&k) && k.fract() == 0.0);
        assert!((-3.0..=3.0).contains(&x) && (2.0 * x).fract() == 0.0);
        assert_eq!(attempt.quantity("grad x"), Ok(2.0 * k * k * x));
        assert_eq!(attempt.quantity("value z"), Ok((k * x) * (k * x)));
        seen.insert((k as i64, (2.0 * x) as i64));
    }
    assert!(seen.len() > 20, "the parameters vary: {}", seen.len());
    // The same seed gives the same attempt.
    let a = draw_attempt(script, &parameters, &mut Rng::new(7)).expect("runs");
    let b = draw_attempt(script, &parameters, &mut Rng::new(7)).expect("runs");
    assert_eq!(a.values, b.values);
}

#[test]
fn broken_questions_are_errors() {
    let mut rng = Rng::new(1);
    let not_an_input = [Parameter {
        name: "y".into(),
        min: 0.0,
        max: 1.0,
        step: None,
    }];
    assert_eq!(
        draw_attempt("x = 1\ny = 2*x", &not_an_input, &mut rng).map(|_| ()),
        Err(AttemptError::UnknownParameter("y".into()))
    );
    assert!(matches!(
        draw_attempt("x = (1", &[], &mut rng),
        Err(AttemptError::Script(_))
    ));
    let attempt = draw_attempt("x = 1\ny = 2*x", &[], &mut rng).expect("runs");
    assert!(matches!(
        attempt.quantity("slope x"),
        Err(AttemptError::BadSpec(_))
    ));
    assert_eq!(
        attempt.quantity("grad q"),
        Err(AttemptError::UnknownName("q".into()))
    );
}

/// Every choice question of the built-in lessons, with its file name.
fn built_in_choices() -> Vec<(String, backprop_lab::lesson::ChoiceQuestion)> {
    use backprop_lab::lesson::{Question, Section};
    let mut all = Vec::new();
    for file in backprop_lab::lesson::load_embedded() {
        let lesson = file.lesson.expect("the built-in lessons load");
        for section in &lesson.sections {
            if let Section::Quiz(quiz) = section {
                for question in &quiz.questions {
                    if let Question::Choice(choice) = question {
                        all.push((file.file.clone(), choice.clone()));
                    }
                }
            }
        }
    }
    all
}

#[test]
fn across_seeds_the_right_option_lands_in_every_position() {
    use backprop_lab::quiz::option_order;
    let choices = built_in_choices();
    assert!(choices.len() > 20, "{}", choices.len());
    for (file, question) in &choices {
        let n = question.options.len();
        if question.fixed_order {
            continue;
        }
        // positions[p]: whether a correct option was ever shown at position p.
        let mut positions = vec![false; n];
        let mut first_shown = std::collections::BTreeSet::new();
        for seed in 0..400 {
            let order = option_order(n, false, &mut Rng::new(seed));
            first_shown.insert(order[0]);
            for (p, &i) in order.iter().enumerate() {
                if question.options[i].correct {
                    positions[p] = true;
                }
            }
            // Stable within an attempt: the same seed, the same order.
            assert_eq!(order, option_order(n, false, &mut Rng::new(seed)));
        }
        assert!(
            positions.iter().all(|&p| p),
            "{file}: '{}' never shows a right option at some position: {positions:?}",
            question.prompt
        );
        assert_eq!(
            first_shown.len(),
            n,
            "{file}: every option comes first sometimes"
        );
    }
}

#[test]
fn a_new_attempt_reshuffles_and_fixed_order_is_kept() {
    use backprop_lab::quiz::option_order;
    // "Try again" draws the next order from the same generator.
    let mut rng = Rng::new(17);
    let orders: std::collections::BTreeSet<Vec<usize>> =
        (0..50).map(|_| option_order(4, false, &mut rng)).collect();
    assert!(orders.len() > 10, "{orders:?}");
    let mut rng = Rng::new(17);
    for _ in 0..20 {
        assert_eq!(option_order(4, true, &mut rng), vec![0, 1, 2, 3]);
    }
    let pinned = backprop_lab::lesson::load_text(
        "pinned.ron",
        r#"Lesson(title: "P", sections: [Quiz(questions: [Choice(prompt: "Pick", fixed_order: true, options: [(text: "a", correct: true), (text: "None of the above")])])])"#,
    );
    let lesson = pinned.lesson.expect("fixed_order is a field");
    let backprop_lab::lesson::Section::Quiz(quiz) = &lesson.sections[0] else {
        panic!("a quiz");
    };
    let backprop_lab::lesson::Question::Choice(choice) = &quiz.questions[0] else {
        panic!("a choice");
    };
    assert!(choice.fixed_order);
}

#[test]
fn grading_a_shuffled_attempt_follows_the_displayed_order() {
    use backprop_lab::quiz::{grade_choice, option_order};
    let mut several_right = 0;
    for (file, question) in built_in_choices() {
        let correct: Vec<bool> = question.options.iter().map(|o| o.correct).collect();
        if correct.iter().filter(|&&c| c).count() > 1 {
            several_right += 1;
        }
        for seed in 0..50 {
            let order = option_order(correct.len(), question.fixed_order, &mut Rng::new(seed));
            // Tick what is shown where the right options are shown.
            let right: Vec<bool> = order.iter().map(|&i| correct[i]).collect();
            assert!(grade_choice(&correct, &order, &right), "{file}");
            // Ticking the author's positions instead is wrong whenever they differ.
            if correct != right {
                assert!(!grade_choice(&correct, &order, &correct), "{file}");
            }
            // Flipping any one box is wrong.
            for p in 0..right.len() {
                let mut flipped = right.clone();
                flipped[p] = !flipped[p];
                assert!(!grade_choice(&correct, &order, &flipped), "{file}");
            }
        }
    }
    assert!(
        several_right >= 5,
        "multi-answer questions: {several_right}"
    );
}

#[test]
fn how_many_options_are_right_varies() {
    let counts: std::collections::BTreeSet<usize> = built_in_choices()
        .iter()
        .map(|(_, q)| q.options.iter().filter(|o| o.correct).count())
        .collect();
    assert!(counts.len() >= 3, "right options per question: {counts:?}");
}

#[test]
fn two_option_questions_do_not_give_the_answer_away_by_length() {
    for (file, question) in built_in_choices() {
        if question.options.len() != 2 {
            continue;
        }
        let lengths: Vec<usize> = question
            .options
            .iter()
            .map(|o| o.text.chars().count())
            .collect();
        let (short, long) = (lengths[0].min(lengths[1]), lengths[0].max(lengths[1]));
        assert!(
            long * 2 <= short * 3,
            "{file}: '{}' has options of {lengths:?} characters",
            question.prompt
        );
    }
}
