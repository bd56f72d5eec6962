//! The lesson file format: serde types read from RON (see `lessons/README.md`).

use serde::{Deserialize, Serialize};

pub use crate::random::Parameter;

/// One lesson: a title and a list of sections shown top to bottom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// Shown in the lesson list and as the page heading.
    pub title: String,
    /// One sentence under the title: what the learner will be able to do.
    #[serde(default)]
    pub summary: String,
    /// The page, top to bottom.
    pub sections: Vec<Section>,
    /// The page is a test: "Finish lesson" asks for confirmation while questions are
    /// unanswered, then shows the score with a breakdown by quiz (each quiz linked to its
    /// lesson) and "Retake with new numbers".
    #[serde(default)]
    pub assessment: bool,
}

/// One block of a lesson page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Section {
    /// Markdown with `$...$` inline math and live numbers such as `{{value T}}`.
    Text(String),
    /// A display formula in a small TeX subset (`\frac{a}{b}`, `x^{2}`, `\sigma`, ...).
    Formula(String),
    /// A live computation graph the learner can edit.
    Graph(GraphSection),
    /// Curves of one variable `x`, or their derivatives, computed by the engine.
    Plot(PlotSection),
    /// A deep chain of layers built in the engine, with a depth slider and the gradient
    /// at every layer on a log scale.
    Layers(LayersSection),
    /// Steps shown one at a time when the learner asks for the next.
    Reveal(RevealSection),
    /// Backpropagation one node at a time: a forward pass filling a cache, then the
    /// backward pass with each node's arithmetic.
    Backward(BackwardSection),
    /// A short training run of model variants, with their loss curves.
    Training(TrainingSection),
    /// A batch through a logistic regression, z = X·W, ŷ = σ(z), binary cross-entropy:
    /// every matrix drawn as a grid with its gradient grid, dL/dW beside X^T(ŷ − y).
    Batch(BatchSection),
    /// A small network trained live on 2-D points: the decision map, the loss curves and
    /// the network drawn with its weights or their gradients.
    Network(NetworkSection),
    /// Flashcards and myth-or-truth cards, one at a time.
    Cards(CardsSection),
    /// A program listing with syntax highlighting and a Copy button.
    Code(CodeSection),
    /// A deep chain run with gradient checkpointing: memory against recomputation.
    Checkpoint(CheckpointSection),
    /// A function of two inputs: its backward graph, Hessian-vector products, and
    /// gradient-descent and Newton paths on a map of the function.
    SecondOrder(SecondOrderSection),
    /// Concepts and how they lead to each other, each linked to its lesson.
    ConceptMap(ConceptMapSection),
    /// A trained image classifier: a photo the learner paints, the prediction, and the
    /// saliency map |∂score/∂pixel| computed by backprop to the input.
    Saliency(SaliencySection),
    /// Questions the learner answers.
    Quiz(QuizSection),
}

/// A batch the learner edits entry by entry (see [`Section::Batch`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct BatchSection {
    /// Heading above the widget.
    pub title: String,
    /// The examples, one row each.
    pub x: Vec<Vec<f64>>,
    /// One weight per feature (a column vector).
    pub w: Vec<f64>,
    /// One label per example, 0 or 1.
    pub y: Vec<f64>,
    /// The smallest and largest value an entry of X or W may be dragged to.
    pub range: (f64, f64),
    /// A sentence under the widget.
    pub caption: Option<String>,
}

impl Default for BatchSection {
    fn default() -> Self {
        Self {
            title: String::new(),
            x: Vec::new(),
            w: Vec::new(),
            y: Vec::new(),
            range: (-2.0, 2.0),
            caption: None,
        }
    }
}

impl BatchSection {
    /// The batch's numbers, for the engine.
    pub fn data(&self) -> super::batch::BatchData {
        super::batch::BatchData {
            x: self.x.clone(),
            w: self.w.clone(),
            y: self.y.clone(),
        }
    }
}

/// A network the learner trains (see [`Section::Network`]); these are its starting choices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct NetworkSection {
    /// Heading above the widget.
    pub title: String,
    /// The data set shown first.
    pub dataset: super::network::Dataset,
    /// Neurons of each hidden layer (1 to 3 layers of 1 to 8; the view keeps them equal).
    pub hidden: Vec<usize>,
    /// The hidden neurons' activation.
    pub activation: super::network::Activation,
    /// The step size.
    pub learning_rate: f64,
    /// The seed of the first weights and of the points.
    pub seed: u64,
    /// How many points: half train, half test.
    pub points: usize,
    /// A sentence under the widget.
    pub caption: Option<String>,
}

impl Default for NetworkSection {
    fn default() -> Self {
        Self {
            title: String::new(),
            dataset: super::network::Dataset::Circle,
            hidden: vec![4, 4],
            activation: super::network::Activation::Tanh,
            learning_rate: 1.0,
            seed: 1,
            points: 200,
            caption: None,
        }
    }
}

/// The cow classifier of the saliency lesson, on a photo the learner can paint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct SaliencySection {
    /// Heading above the widget.
    pub title: String,
    /// The trained models the learner can switch between, the first shown first.
    pub models: Vec<SaliencyModel>,
    /// The test photo shown first: `Cow on grass`, `Cow on sand`, `Empty grass` or
    /// `Empty sand`.
    pub picture: String,
    /// Offer to train a fresh model on balanced photos, live, one minibatch per frame.
    pub train: bool,
    /// A sentence under the widget.
    pub caption: Option<String>,
}

impl Default for SaliencySection {
    fn default() -> Self {
        Self {
            title: String::new(),
            models: vec![SaliencyModel::Farm],
            picture: "Cow on grass".into(),
            train: false,
            caption: None,
        }
    }
}

/// One of the two trained cow classifiers (`assets/saliency/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaliencyModel {
    /// Trained on farm photos: every cow on grass, every empty field a beach.
    Farm,
    /// Trained on cows and empty fields equally often on grass and on sand.
    Balanced,
}

/// A deep chain whose backward pass keeps only every k-th activation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct CheckpointSection {
    /// Heading above the widget.
    pub title: String,
    /// The layer, an expression in `h` (the previous layer) and `w`.
    pub layer: String,
    /// The number of layers the page starts with.
    pub depth: usize,
    /// A sentence under the widget.
    pub caption: Option<String>,
}

impl Default for CheckpointSection {
    fn default() -> Self {
        Self {
            title: String::new(),
            layer: "tanh(w*h)".into(),
            depth: 256,
            caption: None,
        }
    }
}

/// A function of two inputs `x` and `y` (the script's first two inputs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct SecondOrderSection {
    /// Heading above the widget.
    pub title: String,
    /// The graph script; its output is the function.
    pub script: String,
    /// The map's x range.
    pub x_min: f64,
    /// The map's x range.
    pub x_max: f64,
    /// The map's y range.
    pub y_min: f64,
    /// The map's y range.
    pub y_max: f64,
    /// A sentence under the widget.
    pub caption: Option<String>,
}

impl Default for SecondOrderSection {
    fn default() -> Self {
        Self {
            title: String::new(),
            script: String::new(),
            x_min: -2.0,
            x_max: 2.0,
            y_min: -2.0,
            y_max: 2.0,
            caption: None,
        }
    }
}

/// A program listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct CodeSection {
    /// Heading above the listing.
    pub title: String,
    /// The language for highlighting (`python`, `rust`, ...).
    pub language: String,
    /// The code.
    pub code: String,
    /// A sentence under the listing.
    pub caption: Option<String>,
}

/// A map of concepts: a small directed graph whose boxes open lessons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct ConceptMapSection {
    /// Heading above the map.
    pub title: String,
    /// The concepts.
    pub concepts: Vec<Concept>,
}

/// One concept of a map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Concept {
    /// Its name on the map (unique within the map).
    pub name: String,
    /// The lesson file that teaches it, e.g. `02-chain-rule.ron`.
    #[serde(default)]
    pub lesson: Option<String>,
    /// The concepts it leads to.
    #[serde(default)]
    pub leads_to: Vec<String>,
}

/// A deck of cards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct CardsSection {
    /// Heading above the deck.
    pub title: String,
    /// The cards, in order.
    pub cards: Vec<Card>,
}

/// One card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Card {
    /// A question to think about, then its answer; the learner says whether they knew it.
    Flash {
        /// The question (Markdown).
        question: String,
        /// The answer (Markdown).
        answer: String,
    },
    /// A statement the learner calls a myth or the truth.
    Myth {
        /// The statement (Markdown).
        statement: String,
        /// Whether it is a myth.
        myth: bool,
        /// Why (Markdown).
        explanation: String,
    },
}

/// A live graph: a graph script plus what the learner may touch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct GraphSection {
    /// The graph script (the spec's language).
    pub script: String,
    /// Inputs the learner may edit, with their slider ranges.
    pub editable: Vec<EditableInput>,
    /// The node the gradients are taken of; the script's last statement when absent.
    pub output: Option<String>,
    /// Nodes drawn with a highlight.
    pub highlight: Vec<String>,
    /// A sentence under the graph.
    pub caption: Option<String>,
    /// Names along one path, input first: the view multiplies their local derivatives.
    pub chain: Vec<String>,
    /// An input to nudge by a small step, comparing the change of the output with the
    /// gradient.
    pub nudge: Option<String>,
    /// A "take one gradient-descent step" button that moves these inputs downhill.
    pub descent: Option<Descent>,
}

fn default_learning_rate() -> f64 {
    0.5
}

/// Gradient descent on some inputs of a graph: each step moves every parameter by
/// -learning_rate × d(output)/d(parameter), and the output's history is plotted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Descent {
    /// The inputs the optimizer may change (the weights), not the data.
    pub parameters: Vec<String>,
    /// The step size the learner starts with (they can change it).
    #[serde(default = "default_learning_rate")]
    pub learning_rate: f64,
}

/// An input the learner may edit, and its slider range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditableInput {
    /// The input's name in the script.
    pub name: String,
    /// The slider's left end.
    pub min: f64,
    /// The slider's right end.
    pub max: f64,
}

/// A plot of curves over `x`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct PlotSection {
    /// Heading above the plot.
    pub title: String,
    /// The left end of the x axis.
    pub x_min: f64,
    /// The right end of the x axis.
    pub x_max: f64,
    /// The curves to draw.
    pub curves: Vec<Curve>,
    /// The x axis's name.
    pub x_label: String,
    /// The y axis's name.
    pub y_label: String,
    /// A sentence under the plot.
    pub caption: Option<String>,
}

impl Default for PlotSection {
    fn default() -> Self {
        Self {
            title: String::new(),
            x_min: -5.0,
            x_max: 5.0,
            curves: Vec::new(),
            x_label: "x".into(),
            y_label: String::new(),
            caption: None,
        }
    }
}

/// One curve: an expression in `x`, or its derivative computed by backprop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Curve {
    /// The legend entry.
    pub label: String,
    /// An expression in the variable `x`, e.g. `sigmoid(x)`.
    pub expression: String,
    /// Draw d(expression)/dx (from the backward pass) instead of the expression.
    #[serde(default)]
    pub derivative: bool,
}

/// A chain of `depth` identical layers `h_i = layer(h_{i-1}, w)`, ending in the output
/// `L = h_depth`; the page plots |dL/dh_i| for every layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct LayersSection {
    /// Heading above the widget.
    pub title: String,
    /// The layer kinds the learner can switch between.
    pub choices: Vec<LayerChoice>,
    /// The value entering the first layer.
    pub input: f64,
    /// The weight `w` every layer uses, and its slider range.
    pub weight: f64,
    /// The slider range of the weight.
    pub weight_min: f64,
    /// The slider range of the weight.
    pub weight_max: f64,
    /// The depth the page starts at.
    pub depth: usize,
    /// The deepest the slider goes.
    pub max_depth: usize,
    /// Show a gradient-clipping threshold and the weights' gradients before and after
    /// clipping by norm (every layer has its own weight, all starting at `weight`).
    pub clip: bool,
    /// A sentence under the widget.
    pub caption: Option<String>,
}

impl Default for LayersSection {
    fn default() -> Self {
        Self {
            title: String::new(),
            choices: Vec::new(),
            input: 0.5,
            weight: 1.0,
            weight_min: 0.0,
            weight_max: 2.0,
            depth: 10,
            max_depth: 100,
            clip: false,
            caption: None,
        }
    }
}

/// One kind of layer: an expression in `h` (the previous layer) and `w` (the weight).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerChoice {
    /// The name on its button, e.g. "sigmoid".
    pub label: String,
    /// The layer, e.g. `sigmoid(w*h)`.
    pub layer: String,
    /// An expression in the weight `w` for the largest factor one layer can pass back,
    /// |dh_i/dh_(i-1)| (e.g. `abs(w)*0.25` for `sigmoid(w*h)`); the page shows it at the
    /// current weight, raised to the depth, beside the measured gradient.
    #[serde(default)]
    pub bound: Option<String>,
}

/// Variants of one model trained side by side by gradient descent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct TrainingSection {
    /// Heading above the widget.
    pub title: String,
    /// The model variants; each script's output is its loss.
    pub variants: Vec<TrainingVariant>,
    /// The inputs gradient descent moves.
    pub parameters: Vec<String>,
    /// The data: each row sets some inputs (e.g. `{"x": 1, "t": 2}`).
    pub data: Vec<std::collections::BTreeMap<String, f64>>,
    /// Steps per run.
    pub steps: usize,
    /// The step size.
    pub learning_rate: f64,
    /// A sentence under the widget.
    pub caption: Option<String>,
}

impl Default for TrainingSection {
    fn default() -> Self {
        Self {
            title: String::new(),
            variants: Vec::new(),
            parameters: Vec::new(),
            data: Vec::new(),
            steps: 40,
            learning_rate: 0.1,
            caption: None,
        }
    }
}

/// One variant of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingVariant {
    /// Its name on the toggle.
    pub label: String,
    /// The graph script; its last statement is the loss.
    pub script: String,
}

/// A graph to walk through node by node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct BackwardSection {
    /// The graph script.
    pub script: String,
    /// A sentence under the graph.
    pub caption: Option<String>,
}

/// Steps revealed one at a time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct RevealSection {
    /// Heading above the steps.
    pub title: String,
    /// Markdown steps; they may use live numbers of the graph above.
    pub steps: Vec<String>,
}

/// Questions at the end of a lesson.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct QuizSection {
    /// Heading above the questions.
    pub title: String,
    /// The lesson these questions test (a file name such as `02-chain-rule.ron`); an
    /// assessment's results link back to it.
    pub lesson: Option<String>,
    /// The questions, in order.
    pub questions: Vec<Question>,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Question {
    /// Pick the correct option(s).
    Choice(ChoiceQuestion),
    /// Type a number; the engine computes the right one from a graph script.
    Numeric(NumberQuestion),
    /// Type an expression; graded by evaluating it against a reference at random points.
    Formula(FormulaQuestion),
    /// Predict a gradient before the graph shows it, then see the engine's value: the
    /// graph is shown without its gradients until the learner commits to a prediction.
    /// Its `answer` is a gradient, `grad NAME`.
    Predict(NumberQuestion),
    /// Backprop it yourself: the graph is shown without its gradients, and the learner
    /// fills every box's gradient from the output back, each entry graded at once. Right
    /// on the first try when every box was.
    Backprop(BackpropQuestion),
}

/// A graph to backpropagate by hand, with parameters drawn at random on every attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackpropQuestion {
    /// A stable id that progress is kept under; derived from the prompt when absent (give
    /// one before rewording a prompt, so the learner's record stays with the question).
    #[serde(default)]
    pub id: Option<String>,
    /// The concepts the question tests; the lesson's title when empty.
    #[serde(default)]
    pub concepts: Vec<String>,
    /// What to do (Markdown); `{{value NAME}}` shows this attempt's numbers.
    pub prompt: String,
    /// The graph script: its boxes are the ones to fill.
    pub script: String,
    /// Inputs of the script drawn at random per attempt.
    #[serde(default)]
    pub parameters: Vec<Parameter>,
    /// The worked explanation, shown when every box is filled (Markdown, with this
    /// attempt's numbers).
    #[serde(default)]
    pub explanation: String,
}

fn default_tolerance() -> f64 {
    0.01
}

/// A question whose answer is a number the engine computes from `script`, with
/// parameters drawn at random on every attempt: a numeric question, or a prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberQuestion {
    /// A stable id that progress is kept under; derived from the prompt when absent (give
    /// one before rewording a prompt, so the learner's record stays with the question).
    #[serde(default)]
    pub id: Option<String>,
    /// The concepts the question tests; the lesson's title when empty.
    #[serde(default)]
    pub concepts: Vec<String>,
    /// The question (Markdown); `{{value NAME}}` shows this attempt's numbers.
    pub prompt: String,
    /// The graph script the answer comes from (a prediction shows its graph).
    pub script: String,
    /// Inputs of the script drawn at random per attempt.
    #[serde(default)]
    pub parameters: Vec<Parameter>,
    /// `grad NAME` (d(output)/d(NAME)) or `value NAME`; a prediction's is a gradient.
    pub answer: String,
    /// How far from the engine's answer still counts as right (absolute).
    #[serde(default = "default_tolerance")]
    pub tolerance: f64,
    /// The worked explanation (Markdown, with this attempt's numbers).
    #[serde(default)]
    pub explanation: String,
}

/// A formula question: the learner types an expression in `variables`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormulaQuestion {
    /// A stable id that progress is kept under; derived from the prompt when absent (give
    /// one before rewording a prompt, so the learner's record stays with the question).
    #[serde(default)]
    pub id: Option<String>,
    /// The concepts the question tests; the lesson's title when empty.
    #[serde(default)]
    pub concepts: Vec<String>,
    /// The question (Markdown).
    pub prompt: String,
    /// The variables the expression may use, e.g. `["x"]`.
    pub variables: Vec<String>,
    /// A correct expression; equivalent ones pass. It may use the parameters' names,
    /// which stand for this attempt's numbers (the learner writes the numbers).
    pub reference: String,
    /// Constants drawn at random per attempt, shown in the prompt with `{{value NAME}}`:
    /// "Try again with new numbers" asks for a new formula.
    #[serde(default)]
    pub parameters: Vec<Parameter>,
    /// The worked explanation (Markdown).
    #[serde(default)]
    pub explanation: String,
}

/// A multiple-choice question with one or several correct options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceQuestion {
    /// A stable id that progress is kept under; derived from the prompt when absent (give
    /// one before rewording a prompt, so the learner's record stays with the question).
    #[serde(default)]
    pub id: Option<String>,
    /// The concepts the question tests; the lesson's title when empty.
    #[serde(default)]
    pub concepts: Vec<String>,
    /// The question (Markdown).
    pub prompt: String,
    /// The options. The app shows them in an order drawn per attempt, unless
    /// `fixed_order` is set.
    pub options: Vec<ChoiceOption>,
    /// Show the options in the order written (for options such as "all of the above").
    #[serde(default)]
    pub fixed_order: bool,
}

/// One option of a multiple-choice question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    /// What the learner reads.
    pub text: String,
    /// Whether choosing it is right.
    #[serde(default)]
    pub correct: bool,
    /// Why it is right or wrong, shown after answering.
    #[serde(default)]
    pub explanation: String,
}

impl Question {
    /// The fields every kind has: its prompt template, its given id and its concepts.
    fn common(&self) -> (&str, &Option<String>, &[String]) {
        match self {
            Question::Choice(q) => (&q.prompt, &q.id, &q.concepts),
            Question::Numeric(q) | Question::Predict(q) => (&q.prompt, &q.id, &q.concepts),
            Question::Formula(q) => (&q.prompt, &q.id, &q.concepts),
            Question::Backprop(q) => (&q.prompt, &q.id, &q.concepts),
        }
    }

    /// The question's prompt template (before any numbers are filled in).
    pub fn prompt(&self) -> &str {
        self.common().0
    }

    /// The stable id progress is kept under: the author's, or `q-` and a hash of what the
    /// question asks (its prompt template with its script, reference or options: the same
    /// question gives the same id on every machine, and two prompts worded alike over
    /// different graphs do not collide).
    pub fn id(&self) -> String {
        match self.common().1 {
            Some(id) => id.clone(),
            None => format!("q-{:016x}", crate::quiz::seed::fnv1a(&self.identity())),
        }
    }

    /// What the question asks, as one text: its prompt and what decides its answer.
    fn identity(&self) -> String {
        let asks = match self {
            Question::Choice(q) => q
                .options
                .iter()
                .map(|o| o.text.trim())
                .collect::<Vec<_>>()
                .join("\u{1f}"),
            Question::Numeric(q) | Question::Predict(q) => {
                format!("{}\u{1f}{}", q.script.trim(), q.answer.trim())
            }
            Question::Formula(q) => q.reference.trim().to_string(),
            Question::Backprop(q) => q.script.trim().to_string(),
        };
        format!("{}\u{1e}{asks}", self.prompt().trim())
    }

    /// The concepts the question tests, as written (empty: the lesson's).
    pub fn concepts(&self) -> &[String] {
        self.common().2
    }
}

impl Lesson {
    /// Every question of the lesson in order, numbered as progress numbers them.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| match s {
            Section::Quiz(q) => q.questions.iter(),
            _ => [].iter(),
        })
    }

    /// Every card of the lesson in order, numbered as progress numbers them.
    pub fn cards(&self) -> impl Iterator<Item = &Card> {
        self.sections.iter().flat_map(|s| match s {
            Section::Cards(deck) => deck.cards.iter(),
            _ => [].iter(),
        })
    }

    /// The stable ids of the lesson's questions, in order.
    pub fn question_ids(&self) -> Vec<String> {
        self.questions().map(Question::id).collect()
    }

    /// How many cards the lesson's decks hold.
    pub fn card_count(&self) -> usize {
        self.sections
            .iter()
            .map(|s| match s {
                Section::Cards(deck) => deck.cards.len(),
                _ => 0,
            })
            .sum()
    }

    /// How many questions the lesson asks.
    pub fn question_count(&self) -> usize {
        self.sections
            .iter()
            .map(|s| match s {
                Section::Quiz(q) => q.questions.len(),
                _ => 0,
            })
            .sum()
    }
}
