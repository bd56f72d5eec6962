//! Speed of the engine: forward + backward per node, one live edit, and parsing.
//!
//! Run with `cargo bench --bench engine` (add a filter such as `chain` to run a part).
//! Every workload is a graph script generated here, at about 10^3 .. 10^6 graph nodes:
//!
//! - `chain`: `x{i} = sin(x{i-1}) * 0.5 + x{i-1}` (4 nodes a statement, one long path);
//! - `mlp`: a micrograd-style 3-layer tanh MLP written out neuron by neuron, plus a
//!   squared-error loss (weights and biases are inputs, as micrograd's parameters);
//! - `dag`: random statements with fan-out: each one combines its predecessor and a
//!   uniformly random earlier name (fixed-seed xorshift), so every node feeds the output.
//!
//! Each `*_engine` bench times `Graph::evaluate` (forward + backward from the output); the
//! matching `*_flat` bench times a plain flat tape built in this file from the same parsed
//! program (a `Vec` of (op, a, b) and two `f64` arrays), so the engine/flat ratio can be
//! read off one run. The throughput column (items = graph nodes) gives ns per node.
//! `live_edit` times `Graph::set_input` on a 10^5-node graph; `parse` times the whole of
//! `backprop_lab::engine::parse` (lex, parse, build the graph, first evaluation).

use std::fmt::Write as _;

use backprop_lab::engine::{Graph, NodeId, Op, Program, parse};
use divan::Bencher;
use divan::counter::{BytesCount, ItemsCount};

fn main() {
    divan::main();
}

/// Graph sizes in nodes (approximate: whole statements are generated).
const SIZES: &[usize] = &[1_000, 10_000, 100_000, 1_000_000];

/// A chain of about `nodes` nodes: `x{i} = sin(x{i-1}) * 0.5 + x{i-1}`.
fn chain_script(nodes: usize) -> String {
    let statements = (nodes / 4).max(1);
    let mut s = String::with_capacity(statements * 40);
    s.push_str("x0 = 0.5\n");
    for i in 1..=statements {
        let p = i - 1;
        let _ = writeln!(s, "x{i} = sin(x{p}) * 0.5 + x{p}");
    }
    s
}

/// A micrograd-style MLP `width -> width -> width -> 1` of tanh neurons, written out one
/// neuron per statement, with a squared-error loss. About `6·width²` nodes.
fn mlp_script(nodes: usize) -> String {
    let width = ((nodes as f64 / 6.0).sqrt().round() as usize).max(2);
    let mut s = String::new();
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut previous: Vec<String> = (0..width)
        .map(|i| {
            let _ = writeln!(s, "x{i} = {}", rng.weight());
            format!("x{i}")
        })
        .collect();
    let layers = [width, width, 1];
    for (l, &outs) in layers.iter().enumerate() {
        let mut current = Vec::with_capacity(outs);
        for j in 0..outs {
            for i in 0..previous.len() {
                let _ = writeln!(s, "w{l}_{j}_{i} = {}", rng.weight());
            }
            let _ = writeln!(s, "b{l}_{j} = {}", rng.weight());
            let _ = write!(s, "h{l}_{j} = tanh(");
            for (i, input) in previous.iter().enumerate() {
                let _ = write!(s, "w{l}_{j}_{i} * {input} + ");
            }
            let _ = writeln!(s, "b{l}_{j})");
            current.push(format!("h{l}_{j}"));
        }
        previous = current;
    }
    let _ = writeln!(s, "loss = ({} - 0.5)^2", previous[0]);
    s
}

/// Random statements with fan-out: about 3 nodes each, combining `v{i-1}` and a uniformly
/// random earlier `v{k}` with one of a few bounded operations (values stay in [-1, 1]).
fn dag_script(nodes: usize) -> String {
    const INPUTS: usize = 4;
    let statements = (nodes / 3).max(INPUTS + 1);
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let mut s = String::with_capacity(statements * 28);
    for i in 0..INPUTS {
        let _ = writeln!(s, "v{i} = {}", rng.weight());
    }
    for i in INPUTS..statements {
        let a = i - 1;
        let b = (rng.next() % i as u64) as usize;
        let _ = match rng.next() % 5 {
            0 => writeln!(s, "v{i} = tanh(v{a} + v{b})"),
            1 => writeln!(s, "v{i} = sin(v{a}) * v{b}"),
            2 => writeln!(s, "v{i} = sigmoid(v{a} - v{b})"),
            3 => writeln!(s, "v{i} = max(v{a}, v{b}) * 0.9"),
            _ => writeln!(s, "v{i} = v{a} * v{b} + 0.25"),
        };
    }
    s
}

/// Marsaglia's xorshift64, fixed seeds: the workloads are the same on every run.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A literal in [-1, 1) with two decimals, e.g. `-0.37`.
    fn weight(&mut self) -> String {
        let hundredths = (self.next() % 200) as i64 - 100;
        format!("{:.2}", hundredths as f64 / 100.0)
    }
}

/// The reference: a plain flat tape, as simple as a tape gets.
struct FlatTape {
    /// (op, operand a, operand b) in topological order; unary ops repeat `a` in `b`.
    code: Vec<(Op, u32, u32)>,
    /// Leaf values (ignored for operations).
    leaf: Vec<f64>,
    values: Vec<f64>,
    grads: Vec<f64>,
    output: usize,
    /// Tape position of each node index.
    position: Vec<u32>,
}

impl FlatTape {
    /// Flattens a parsed program through the graph's public API.
    fn from_program(program: &mut Program) -> Self {
        let graph: &mut Graph = &mut program.graph;
        let order: Vec<NodeId> = graph.topological_order().to_vec();
        let mut position = vec![u32::MAX; order.iter().map(|id| id.index() + 1).max().unwrap_or(0)];
        for (pos, id) in order.iter().enumerate() {
            position[id.index()] = pos as u32;
        }
        let mut code = Vec::with_capacity(order.len());
        let mut leaf = Vec::with_capacity(order.len());
        for &id in &order {
            let node = graph.node(id).expect("node on the tape");
            let operands = graph.operands(id);
            let a = operands.first().map_or(0, |o| position[o.index()]);
            let b = operands.get(1).map_or(a, |o| position[o.index()]);
            code.push((node.op, a, b));
            leaf.push(node.leaf_value);
        }
        let n = code.len();
        Self {
            code,
            leaf,
            values: vec![0.0; n],
            grads: vec![0.0; n],
            output: position[program.output.index()] as usize,
            position,
        }
    }

    fn forward(&mut self) {
        let v = &mut self.values;
        for (pos, &(op, a, b)) in self.code.iter().enumerate() {
            let (x, y) = (v[a as usize], v[b as usize]);
            v[pos] = match op {
                Op::Input | Op::Const => self.leaf[pos],
                Op::Add => x + y,
                Op::Sub => x - y,
                Op::Mul => x * y,
                Op::Sin => x.sin(),
                Op::Tanh => x.tanh(),
                Op::Sigmoid => 1.0 / (1.0 + (-x).exp()),
                Op::Max => {
                    if x.is_nan() || y.is_nan() {
                        f64::NAN
                    } else {
                        x.max(y)
                    }
                }
                other => other.value(x, y),
            };
        }
    }

    fn backward(&mut self) {
        let (v, g) = (&self.values, &mut self.grads);
        g.fill(0.0);
        g[self.output] = 1.0;
        for pos in (0..=self.output).rev() {
            let (op, a, b) = self.code[pos];
            let (a, b) = (a as usize, b as usize);
            let up = g[pos];
            match op {
                Op::Input | Op::Const => {}
                Op::Add => {
                    g[a] += up;
                    g[b] += up;
                }
                Op::Sub => {
                    g[a] += up;
                    g[b] -= up;
                }
                Op::Mul => {
                    g[a] += up * v[b];
                    g[b] += up * v[a];
                }
                Op::Sin => g[a] += up * v[a].cos(),
                Op::Tanh => g[a] += up * (1.0 - v[pos] * v[pos]),
                Op::Sigmoid => g[a] += up * v[pos] * (1.0 - v[pos]),
                other => {
                    let [da, db] = other.local_derivatives(v[a], v[b], v[pos]);
                    g[a] += up * da;
                    if other.arity() == 2 {
                        g[b] += up * db;
                    }
                }
            }
        }
    }

    fn evaluate(&mut self) {
        self.forward();
        self.backward();
    }
}

/// Parses a workload; checks once that the flat tape agrees with the engine.
fn prepare(script: &str) -> Program {
    let mut program = parse(script).expect("generated scripts parse");
    let mut flat = FlatTape::from_program(&mut program);
    flat.evaluate();
    let output = program.output;
    assert_eq!(
        flat.values[flat.output].to_bits(),
        program.graph.value(output).to_bits()
    );
    for &(_, id) in program.inputs.iter().take(16) {
        let theirs = flat.grads[flat.position[id.index()] as usize];
        let ours = program.graph.grad(id);
        assert!(
            (ours - theirs).abs() <= 1e-9 * (1.0 + ours.abs()),
            "gradient {ours} vs {theirs}"
        );
    }
    program
}

fn bench_engine(bencher: Bencher, script: &str) {
    let mut program = prepare(script);
    bencher
        .counter(ItemsCount::new(program.graph.node_count()))
        .bench_local(|| program.graph.evaluate());
}

fn bench_flat(bencher: Bencher, script: &str) {
    let mut program = parse(script).expect("generated scripts parse");
    let mut flat = FlatTape::from_program(&mut program);
    drop(program);
    bencher
        .counter(ItemsCount::new(flat.code.len()))
        .bench_local(|| flat.evaluate());
}

#[divan::bench(args = SIZES, max_time = 2)]
fn chain_engine(bencher: Bencher, nodes: usize) {
    bench_engine(bencher, &chain_script(nodes));
}

#[divan::bench(args = SIZES, max_time = 2)]
fn chain_flat(bencher: Bencher, nodes: usize) {
    bench_flat(bencher, &chain_script(nodes));
}

#[divan::bench(args = SIZES, max_time = 2)]
fn mlp_engine(bencher: Bencher, nodes: usize) {
    bench_engine(bencher, &mlp_script(nodes));
}

#[divan::bench(args = SIZES, max_time = 2)]
fn mlp_flat(bencher: Bencher, nodes: usize) {
    bench_flat(bencher, &mlp_script(nodes));
}

#[divan::bench(args = SIZES, max_time = 2)]
fn dag_engine(bencher: Bencher, nodes: usize) {
    bench_engine(bencher, &dag_script(nodes));
}

#[divan::bench(args = SIZES, max_time = 2)]
fn dag_flat(bencher: Bencher, nodes: usize) {
    bench_flat(bencher, &dag_script(nodes));
}

/// One slider move on a 10^5-node graph: `set_input` re-evaluates the input's dependents
/// forward and the whole backward pass.
mod live_edit {
    use super::*;

    fn bench_edit(bencher: Bencher, mut program: Program, input: NodeId) {
        let nodes = program.graph.node_count();
        let mut value = program.graph.value(input);
        bencher.counter(ItemsCount::new(nodes)).bench_local(|| {
            value = -value;
            program.graph.set_input(input, value).expect("an input");
        });
    }

    /// The chain's only input, at the start: everything downstream changes.
    #[divan::bench(max_time = 2)]
    fn chain_first_input(bencher: Bencher) {
        let program = prepare(&chain_script(100_000));
        let input = program.inputs[0].1;
        bench_edit(bencher, program, input);
    }

    /// A weight of the MLP's last layer: few dependents, but the backward pass is whole.
    #[divan::bench(max_time = 2)]
    fn mlp_last_layer_weight(bencher: Bencher) {
        let program = prepare(&mlp_script(100_000));
        let input = program
            .input_named("w2_0_0")
            .expect("the last layer's weight");
        bench_edit(bencher, program, input);
    }

    /// A weight of the MLP's first layer.
    #[divan::bench(max_time = 2)]
    fn mlp_first_layer_weight(bencher: Bencher) {
        let program = prepare(&mlp_script(100_000));
        let input = program
            .input_named("w0_0_0")
            .expect("the first layer's weight");
        bench_edit(bencher, program, input);
    }
}

/// `parse` of a whole script (lex, parse, build the graph, evaluate once); throughput in
/// nodes and in bytes of source.
#[divan::bench(args = SIZES, max_time = 3)]
fn parse_chain(bencher: Bencher, nodes: usize) {
    let script = chain_script(nodes);
    let count = parse(&script).expect("parses").graph.node_count();
    bencher
        .counter(ItemsCount::new(count))
        .counter(BytesCount::of_str(&script))
        .bench_local(|| parse(&script).expect("parses"));
}

#[divan::bench(args = SIZES, max_time = 3)]
fn parse_mlp(bencher: Bencher, nodes: usize) {
    let script = mlp_script(nodes);
    let count = parse(&script).expect("parses").graph.node_count();
    bencher
        .counter(ItemsCount::new(count))
        .counter(BytesCount::of_str(&script))
        .bench_local(|| parse(&script).expect("parses"));
}

/// The saliency lesson's classifier: one photo through the forward and backward pass (what
/// every brush stroke costs), and one training minibatch of 16 photos (what every frame of
/// live training costs).
mod saliency {
    use backprop_lab::lesson::saliency::{
        BALANCED_DESCRIPTION, BALANCED_WEIGHTS, Classifier, Collection, Weights, picture,
        train::{Trainer, TrainingConfig},
    };
    use divan::Bencher;

    #[divan::bench(max_time = 2)]
    fn show_one_photo(bencher: Bencher) {
        let weights = Weights::from_ron(BALANCED_WEIGHTS).expect("committed weights parse");
        let mut model = Classifier::new(&weights).expect("fits");
        let photos: Vec<_> = picture::test_pictures()
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        let mut i = 0;
        bencher.bench_local(|| {
            i = (i + 1) % photos.len();
            model.show(&photos[i]);
            model.score()
        });
    }

    #[divan::bench(max_time = 2)]
    fn train_one_minibatch(bencher: Bencher) {
        let examples = picture::training_set(Collection::Balanced, 320, 42);
        let mut trainer = Trainer::new(examples, &TrainingConfig::default(), BALANCED_DESCRIPTION)
            .expect("trains");
        bencher.bench_local(|| {
            if !trainer.step() {
                trainer = Trainer::new(
                    picture::training_set(Collection::Balanced, 320, 42),
                    &TrainingConfig::default(),
                    BALANCED_DESCRIPTION,
                )
                .expect("trains");
            }
        });
    }
}

/// The network lesson: one full-batch gradient step of the 2-8-8-1 tanh network on 200
/// points (the target: at least 30 a second), beside the saliency minibatch above;
/// and the decision map the view draws after a step (40 × 40 forward passes).
mod network {
    use backprop_lab::lesson::network::{Activation, Architecture, Dataset, Network};
    use divan::Bencher;

    fn network() -> Network {
        Network::new(
            &Architecture {
                hidden: vec![8, 8],
                activation: Activation::Tanh,
            },
            1,
        )
    }

    #[divan::bench(max_time = 2)]
    fn train_one_step_2_8_8_1_on_200_points(bencher: Bencher) {
        let points = Dataset::Spiral.points(200, 1);
        let mut network = network();
        bencher.bench_local(|| network.step(&points, 0.3));
    }

    #[divan::bench(max_time = 2)]
    fn decision_map_40_by_40(bencher: Bencher) {
        let mut network = network();
        bencher.bench_local(|| {
            let mut sum = 0.0;
            for row in 0..40 {
                for column in 0..40 {
                    let x = -1.0 + 2.0 * (f64::from(column) + 0.5) / 40.0;
                    let y = 1.0 - 2.0 * (f64::from(row) + 0.5) / 40.0;
                    sum += network.predict([x, y]);
                }
            }
            sum
        });
    }
}

/// The flat-tape reference program of `benches/whole_process.sh`, compiled in here so
/// `grad` and the reference are timed side by side in one run.
#[path = "reference/src/main.rs"]
#[allow(dead_code, reason = "its main() is the standalone program's")]
mod reference;

/// The command line's work, in process (reading the file, parsing into the flat tape,
/// both sweeps, writing the JSON to a sink): `grad` against the reference program, and
/// `hessian` and `hvp` against `grad` on a chain fed by three inputs. 10^5 statements.
/// `benches/whole_process.sh` measures the same as whole processes, with peak memory.
mod command_line {
    use std::fmt::Write as _;
    use std::path::PathBuf;

    use backprop_lab::cli::{self, Command, HessianArgs, HvpArgs, ScriptArgs};
    use divan::Bencher;

    const STATEMENTS: usize = 100_000;

    /// The workload as a file (the command line reads one), written once per process.
    fn script_file(kind: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!(
            "backprop-lab-bench-{}-{kind}-{STATEMENTS}.txt",
            std::process::id()
        ));
        if !path.exists() {
            let text = match kind {
                "chain" => super::chain_script(4 * STATEMENTS),
                "dag" => super::dag_script(3 * STATEMENTS),
                "mlp" => super::mlp_script(3 * STATEMENTS),
                _ => chain3_script(STATEMENTS),
            };
            std::fs::write(&path, text).expect("the temporary folder is writable");
        }
        path
    }

    /// The chain of `gen_script.py chain3`: three inputs, then `x{i} = sin(x{i-1}) * a + x{i-1}`.
    fn chain3_script(statements: usize) -> String {
        let mut s = String::from("a = 0.5\nb = 0.3\nc = 0.2\nx0 = a * b + c\n");
        for i in 1..statements.saturating_sub(3) {
            let _ = writeln!(s, "x{i} = sin(x{}) * a + x{}", i - 1, i - 1);
        }
        s
    }

    fn script_args(path: PathBuf) -> ScriptArgs {
        ScriptArgs {
            file: Some(path),
            at: Vec::new(),
        }
    }

    /// `grad` as `backprop-lab grad FILE` runs it, answer written to a sink.
    fn grad_to_sink(path: &std::path::Path) {
        let args = script_args(path.to_path_buf());
        let written = cli::grad_to(&args, &mut std::io::empty(), &mut std::io::sink());
        written.expect("parses").expect("a sink takes anything");
    }

    #[divan::bench(args = ["chain", "dag", "mlp"], sample_count = 10, sample_size = 1)]
    fn grad(bencher: Bencher, kind: &str) {
        let path = script_file(kind);
        bencher.bench_local(|| grad_to_sink(&path));
    }

    #[divan::bench(args = ["chain", "dag", "mlp"], sample_count = 10, sample_size = 1)]
    fn grad_reference(bencher: Bencher, kind: &str) {
        let path = script_file(kind);
        bencher.bench_local(|| {
            let source = std::fs::read(&path).expect("readable");
            super::reference::run(source, &mut std::io::sink()).expect("a sink takes anything");
        });
    }

    #[divan::bench(sample_count = 10, sample_size = 1)]
    fn chain3_grad(bencher: Bencher) {
        let path = script_file("chain3");
        bencher.bench_local(|| grad_to_sink(&path));
    }

    #[divan::bench(sample_count = 10, sample_size = 1)]
    fn chain3_hessian(bencher: Bencher) {
        let command = Command::Hessian(HessianArgs {
            script: script_args(script_file("chain3")),
            max_inputs: cli::HESSIAN_MAX_INPUTS,
        });
        bencher.bench_local(|| cli::run(&command, &mut std::io::empty()).expect("runs"));
    }

    #[divan::bench(sample_count = 10, sample_size = 1)]
    fn chain3_hvp(bencher: Bencher) {
        let command = Command::Hvp(HvpArgs {
            script: script_args(script_file("chain3")),
            v: vec!["a=1,b=-0.5,c=0.25".into()],
        });
        bencher.bench_local(|| cli::run(&command, &mut std::io::empty()).expect("runs"));
    }
}
