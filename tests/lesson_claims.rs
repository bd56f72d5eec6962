//! What the lessons' sentences claim, checked against the engine at the extremes of every
//! slider and start: the layers bound, ReLU's cut, clipping of the weights' gradients,
//! Newton's first step, saturation and cross-entropy.

use backprop_lab::lesson::layers;
use backprop_lab::lesson::second_order::TwoInputs;
use backprop_lab::lesson::{
    GraphSection, LayersSection, Lesson, LiveGraph, Section, load_embedded,
};

fn lesson(file: &str) -> Lesson {
    load_embedded()
        .into_iter()
        .find(|f| f.file == file)
        .and_then(|f| f.lesson.ok())
        .unwrap_or_else(|| panic!("{file} loads"))
}

fn layers_sections(lesson: &Lesson) -> Vec<&LayersSection> {
    lesson
        .sections
        .iter()
        .filter_map(|s| match s {
            Section::Layers(l) => Some(l),
            _ => None,
        })
        .collect()
}

fn graphs(lesson: &Lesson) -> Vec<&GraphSection> {
    lesson
        .sections
        .iter()
        .filter_map(|s| match s {
            Section::Graph(g) => Some(g),
            _ => None,
        })
        .collect()
}

/// Weights from `lo` to `hi`, ends included.
fn sweep(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    (0..=count)
        .map(|i| lo + (hi - lo) * i as f64 / count as f64)
        .collect()
}

#[test]
fn the_vanishing_lessons_bound_holds_at_every_weight_and_depth() {
    let lesson = lesson("06-vanishing-gradient.ron");
    let section = layers_sections(&lesson)[0];
    assert!(
        section.weight_min < 0.0,
        "the weight goes through negative values"
    );
    for choice in &section.choices {
        let Some(bound) = &choice.bound else { continue };
        for w in sweep(section.weight_min, section.weight_max, 24) {
            let per_layer = layers::bound_at(bound, w).expect("the bound runs");
            for depth in [1, 2, 5, 10, 30, section.max_depth] {
                let run = layers::run(&choice.layer, depth, section.input, w).expect("runs");
                let limit = per_layer.powi(depth as i32);
                assert!(
                    run.gradients[0] <= limit * (1.0 + 1e-12),
                    "{} at w = {w}, depth {depth}: {} > bound {limit}",
                    choice.label,
                    run.gradients[0]
                );
            }
        }
    }
    // The sigmoid's bound stays below 1 per layer across the whole slider.
    let sigmoid = &section.choices[0];
    for w in [section.weight_min, section.weight_max] {
        let b = layers::bound_at(sigmoid.bound.as_deref().expect("a bound"), w).expect("runs");
        assert!(b < 1.0, "{b}");
    }
}

#[test]
fn relu_passes_back_w_to_the_n_or_is_cut_by_a_negative_weight() {
    let lesson = lesson("06-vanishing-gradient.ron");
    let section = layers_sections(&lesson)[0];
    let relu = section
        .choices
        .iter()
        .find(|c| c.label == "ReLU")
        .expect("a ReLU choice");
    for depth in [1, 4, 10, 50] {
        for w in [0.5, 1.0, 1.5, section.weight_max] {
            let run = layers::run(&relu.layer, depth, section.input, w).expect("runs");
            let expected = f64::powi(w, depth as i32);
            assert!(
                (run.gradients[0] - expected).abs() <= 1e-9 * expected,
                "w = {w}, depth {depth}: {} vs {expected}",
                run.gradients[0]
            );
        }
        for w in [section.weight_min, -0.5, -0.01] {
            let run = layers::run(&relu.layer, depth, section.input, w).expect("runs");
            assert!(
                run.gradients[..depth].iter().all(|&g| g == 0.0),
                "w = {w}: {:?}",
                run.gradients
            );
        }
    }
}

#[test]
fn clipping_scales_the_weights_gradients_and_leaves_the_backward_pass_alone() {
    let lesson = lesson("07-exploding-gradient.ron");
    let section = layers_sections(&lesson)[0];
    assert!(section.clip);
    for choice in &section.choices {
        let run = layers::run(&choice.layer, 50, section.input, 1.3).expect("runs");
        assert_eq!(run.weight_gradients.len(), 50);
        let norm = run
            .weight_gradients
            .iter()
            .map(|g| g * g)
            .sum::<f64>()
            .sqrt();
        assert!((run.norm - norm).abs() <= 1e-12 * norm);
        let factor = layers::clip_factor(run.norm, 1.0);
        let clipped: f64 = run
            .weight_gradients
            .iter()
            .map(|g| (g * factor).powi(2))
            .sum::<f64>()
            .sqrt();
        // Capped at the threshold 1, or untouched below it.
        let expected = run.norm.min(1.0);
        assert!(
            (clipped - expected).abs() < 1e-9 * expected.max(1e-300),
            "{} clipped to {clipped}",
            choice.label
        );
    }
}

#[test]
fn newton_starts_in_a_bowl_and_goes_uphill_from_the_saddle_the_text_names() {
    let lesson = lesson("11-hessian-vector-products.ron");
    let script = lesson
        .sections
        .iter()
        .find_map(|s| match s {
            Section::SecondOrder(s) => Some(s.script.clone()),
            _ => None,
        })
        .expect("a second-order section");
    let f = TwoInputs::new(&script).expect("parses");
    let positive_definite = |p: [f64; 2]| {
        let [[a, b], [c, d]] = f.hessian_at(p).expect("a Hessian");
        a > 0.0 && a * d - b * c > 0.0
    };
    let start = f.point();
    assert!(positive_definite(start), "the page starts in a bowl");
    let path = f.newton_path(start, 10);
    assert!(
        f.value_at(path[1]) < f.value_at(start),
        "downhill from the start"
    );
    // "click at x = -1, y = 1.5"
    let saddle = [-1.0, 1.5];
    assert!(!positive_definite(saddle));
    let path = f.newton_path(saddle, 1);
    assert!(
        f.value_at(path[1]) > f.value_at(saddle),
        "uphill from the saddle"
    );
}

#[test]
fn the_saturated_neuron_learns_slowly_and_cross_entropy_passes_back_a_minus_y() {
    let lesson = lesson("04-neuron.ron");
    let sections = graphs(&lesson);
    // The squared loss from the saturated start: a tiny gradient that grows as a climbs.
    let squared = sections
        .iter()
        .find(|g| g.descent.is_some() && g.script.contains("(a - y)^2"))
        .expect("the descent graph with the squared loss");
    let mut live = LiveGraph::new(squared).expect("runs");
    let a0 = live.value("a").expect("a");
    assert!(a0 < 0.01, "saturated: a = {a0}");
    let rate = squared.descent.as_ref().expect("descent").learning_rate;
    let mut grads = Vec::new();
    for _ in 0..40 {
        let (gw, gb) = (live.grad("w").expect("w"), live.grad("b").expect("b"));
        grads.push(gw.abs());
        let (w, b) = (live.value("w").expect("w"), live.value("b").expect("b"));
        live.set("w", w - rate * gw);
        live.set("b", b - rate * gb);
    }
    assert!(grads[0] < 0.05, "{grads:?}");
    assert!(
        grads.windows(2).all(|p| p[1] >= p[0]),
        "grows at first: {grads:?}"
    );
    // Cross-entropy: dL/dz = a - y wherever the sliders are.
    let entropy = sections
        .iter()
        .find(|g| g.script.contains("log(a)"))
        .expect("the cross-entropy graph");
    let mut live = LiveGraph::new(entropy).expect("runs");
    for w in [-3.0, 0.0, 3.0] {
        for b in [-3.0, 0.0, 3.0] {
            for y in [0.0, 0.3, 1.0] {
                live.set("w", w);
                live.set("b", b);
                live.set("y", y);
                let (a, dz) = (live.value("a").expect("a"), live.grad("z").expect("z"));
                assert!(
                    (dz - (a - y)).abs() < 1e-12,
                    "w {w} b {b} y {y}: {dz} vs {}",
                    a - y
                );
            }
        }
    }
}

/// The numbers of a NumPy array literal in Python code, row by row: `name = np.array(...)`.
fn numpy_array(code: &str, name: &str) -> Vec<Vec<f64>> {
    let start = code
        .find(&format!("{name} = np.array("))
        .unwrap_or_else(|| panic!("{name} is in the code"));
    let rest = &code[start..];
    let end = rest.find("])").map_or(rest.len(), |i| i + 2);
    rest[..end]
        .split('[')
        .filter_map(|row| {
            let numbers: Vec<f64> = row
                .split([',', ']', ')'])
                .filter_map(|n| n.trim().parse().ok())
                .collect();
            (!numbers.is_empty()).then_some(numbers)
        })
        .collect()
}

/// Lesson 12's Level 1 is the source's NumPy code on the batch lesson's starting numbers,
/// and the batch lesson's claims hold there: dL/dz = ŷ − y, and dL/dW = X^T(ŷ − y).
#[test]
fn the_numpy_level_runs_on_the_batch_lessons_numbers() {
    let batch_section = lesson("05b-batch-backprop.ron")
        .sections
        .into_iter()
        .find_map(|s| match s {
            Section::Batch(b) => Some(b),
            _ => None,
        })
        .expect("the batch lesson has a batch");
    let code = lesson("12-four-levels-of-code.ron")
        .sections
        .into_iter()
        .find_map(|s| match s {
            Section::Code(c) if c.title.starts_with("Level 1") => Some(c.code),
            _ => None,
        })
        .expect("lesson 12 has a Level 1");
    assert!(code.contains("grad_w = X.T @ error"), "{code}");
    assert_eq!(numpy_array(&code, "X"), batch_section.x);
    let column = |rows: Vec<Vec<f64>>| rows.into_iter().flatten().collect::<Vec<f64>>();
    assert_eq!(column(numpy_array(&code, "W")), batch_section.w);
    assert_eq!(column(numpy_array(&code, "y_true")), batch_section.y);
    let batch = backprop_lab::lesson::batch::Batch::new(&batch_section.data()).expect("builds");
    for i in 0..batch.rows() {
        assert!((batch.grad_z(i) - (batch.p(i) - batch.y(i))).abs() < 1e-12);
    }
    for (j, formula) in batch.formula_grad_w().iter().enumerate() {
        assert!((batch.grad_w(j) - formula).abs() < 1e-12);
    }
}

/// The network lesson's "make it stall, then make it learn", on its spiral with 3 hidden
/// layers of 8: with sigmoids the first layer's gradients are far smaller than the last
/// layer's (for several seeds) and the loss stays near 0.69; tanh (rate 1) and ReLU (rate
/// 0.3) bring it down.
#[test]
fn a_deep_sigmoid_network_stalls_on_the_spiral_and_tanh_and_relu_learn() {
    use backprop_lab::lesson::network::{Activation, Architecture, Dataset, Network, Point};
    let training = |seed: u64| -> Vec<Point> {
        backprop_lab::lesson::network::split_train_test(&Dataset::Spiral.points(200, seed)).0
    };
    let network = |activation, seed| {
        Network::new(
            &Architecture {
                hidden: vec![8; 3],
                activation,
            },
            seed,
        )
    };
    for seed in 1..=4 {
        let points = training(seed);
        let mut sigmoid = network(Activation::Sigmoid, seed);
        sigmoid.step(&points, 1.0);
        let mean = |layer: usize, from: usize, to: usize, n: &Network| {
            let mut sum = 0.0;
            for f in 0..from {
                for t in 0..to {
                    sum += n.weight_gradient(layer, f, t).abs();
                }
            }
            sum / (from * to) as f64
        };
        let first = mean(0, 2, 8, &sigmoid);
        let last = mean(3, 8, 1, &sigmoid);
        assert!(
            last > 50.0 * first,
            "seed {seed}: first {first}, last {last}"
        );
    }
    // The lesson's own seed, trained as the text says.
    let points = training(1);
    let loss_after = |activation, rate: f64, steps: usize| {
        let mut n = network(activation, 1);
        for _ in 0..steps {
            n.step(&points, rate);
        }
        n.loss(&points)
    };
    assert!(loss_after(Activation::Sigmoid, 1.0, 600) > 0.65);
    assert!(loss_after(Activation::Tanh, 1.0, 600) < 0.45);
    assert!(loss_after(Activation::Relu, 0.3, 600) < 0.6);
}
