//! Backprop it yourself, on any graph: its gradients hidden, one field per box in the
//! order the backward pass reaches them, each entry graded at once and a wrong one
//! diagnosed (which factor is off, or which slip it matches) before any answer. Works
//! from the keyboard alone: Tab to a box's field, type, Enter; the next box takes the
//! focus. The graph rings the box being filled and shows each gradient once it is found.

use egui::RichText;

use crate::diagram::explain::name_in_arithmetic;
use crate::diagram::expr::Titles;
use crate::engine::{Graph, NodeId};
use crate::format::number;
use crate::quiz::by_hand::{BoxState, ByHand, Entry, precision_in_words};
use crate::quiz::grade::typed_value;

use super::graph_view::GraphView;
use super::style;

/// The width of a box's field: room for `-0.19661` or `3*0.25*(1-0.25)`.
const FIELD_WIDTH: f32 = 130.0;

/// The learner's work on one graph.
#[derive(Debug)]
pub struct ByHandPanel {
    exercise: ByHand,
    /// The output's name, as in `dL/dz`.
    output_name: String,
    /// Each box's name in arithmetic, by node index (as the picture titles it).
    names: Vec<String>,
    /// What the learner typed, by position in the exercise's order.
    texts: Vec<String>,
    /// The last wrong entry's box and what it matched, in words.
    feedback: Option<(NodeId, String)>,
    /// An entry that did not read as a number.
    unreadable: Option<NodeId>,
    /// The box whose field has the keyboard focus (ringed on the graph).
    focused: Option<NodeId>,
    /// A box whose field should take the focus on the next frame.
    focus_next: Option<NodeId>,
    /// Whether the end was reported (once).
    reported: bool,
    /// Whether a wrong entry was reported (once).
    missed: bool,
    /// A wrong entry checked this frame, not reported yet.
    missed_now: bool,
}

/// What happened in the panel this frame, for a score: a question's first try fails at
/// its first wrong entry, and its final answer is right when every box was filled
/// without asking for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelEvent {
    /// The first wrong entry of this exercise (reported once).
    FirstMiss,
    /// Every box is filled (reported once).
    Finished {
        /// Whether the learner found every gradient (none shown).
        none_shown: bool,
    },
}

impl ByHandPanel {
    /// An exercise on `graph` (evaluated), for the gradient of its output named
    /// `output_name`; `None` when the graph has no output.
    pub fn new(graph: &mut Graph, output_name: &str) -> Option<Self> {
        let titles = Titles::new(graph);
        let exercise = ByHand::new(graph)?;
        let names = (0..graph.node_count())
            .map(|i| name_in_arithmetic(titles.reference(NodeId::new(i))))
            .collect();
        let boxes = exercise.order().len();
        Some(Self {
            exercise,
            output_name: output_name.to_string(),
            names,
            texts: vec![String::new(); boxes],
            feedback: None,
            unreadable: None,
            focused: None,
            focus_next: None,
            reported: false,
            missed: false,
            missed_now: false,
        })
    }

    /// A box's name in arithmetic.
    fn name(&self, id: NodeId) -> String {
        self.names
            .get(id.index())
            .cloned()
            .unwrap_or_else(|| "?".into())
    }

    /// Whether every box is filled.
    pub fn finished(&self) -> bool {
        self.exercise.finished()
    }

    /// Boxes right on the first try, and boxes in all.
    pub fn first_try_score(&self) -> (usize, usize) {
        self.exercise.first_try_score()
    }

    /// Dresses the graph view: only the gradients found so far, no local factors and no
    /// blame on the edges (they would give the answers away), the box being filled ringed.
    /// Once every box is filled, the whole graph is shown again to compare.
    pub fn dress(&self, view: &mut GraphView, graph: &Graph) {
        if self.finished() {
            view.shown_grads = None;
            view.passed_back = None;
            view.hide_locals = false;
            view.current = None;
            return;
        }
        let grads = (0..graph.node_count())
            .map(|i| {
                let id = NodeId::new(i);
                self.exercise
                    .state(id)
                    .done()
                    .then(|| graph.grad(id))
                    .filter(|_| id == self.exercise.output() || self.exercise.order().contains(&id))
            })
            .collect();
        view.shown_grads = Some(grads);
        view.passed_back = Some(vec![false; graph.node_count()]);
        view.hide_locals = true;
        view.current = self.focused.or_else(|| self.exercise.next());
    }

    /// Gives the keyboard focus to the field of a box the learner clicked on the graph.
    pub fn focus_box(&mut self, id: NodeId) {
        if self.exercise.order().contains(&id) {
            self.focus_next = Some(id);
        }
    }

    /// The fields, their marks and the feedback; `graph` has the engine's numbers.
    pub fn ui(&mut self, ui: &mut egui::Ui, graph: &Graph) -> Option<PanelEvent> {
        let dark = ui.visuals().dark_mode;
        let out = self.output_name.clone();
        ui.label(format!(
            "Fill each box's gradient d{out}/d(box), starting next to the output: \
             d{out}/d{out} = 1 is given. Tab to a field, type, press Enter. {} \
             Arithmetic such as 3*0.25 is worked out for you.",
            precision_in_words()
        ));
        let order = self.exercise.order().to_vec();
        let mut focused = None;
        let mut checked: Option<(NodeId, String)> = None;
        let base = ui.scope_id().with("by-hand");
        egui::Grid::new(base)
            .num_columns(3)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                for (position, &id) in order.iter().enumerate() {
                    let name = self.name(id);
                    let label = ui.label(RichText::new(format!("d{out}/d{name} =")).monospace());
                    let state = self.exercise.state(id);
                    if state.done() {
                        ui.label(
                            RichText::new(number(graph.grad(id)))
                                .monospace()
                                .color(style::grad_color(dark)),
                        );
                    } else {
                        let ready = self.exercise.ready(id);
                        let field_id = base.with(("field", id.index()));
                        let Some(text) = self.texts.get_mut(position) else {
                            continue;
                        };
                        // A fixed size: a grid cell would otherwise shrink the field to
                        // its column's width of the frame before.
                        let response = ui
                            .add_enabled_ui(ready, |ui| {
                                ui.add_sized(
                                    [FIELD_WIDTH, ui.spacing().interact_size.y],
                                    egui::TextEdit::singleline(text)
                                        .id(field_id)
                                        .hint_text(if ready { "gradient" } else { "" }),
                                )
                            })
                            .inner
                            .labelled_by(label.id);
                        if self.focus_next == Some(id) && ready {
                            // Back after a wrong entry: the text selected, so typing
                            // replaces it and the arrow keys edit it.
                            let mut state =
                                egui::TextEdit::load_state(ui.ctx(), field_id).unwrap_or_default();
                            state.cursor.set_char_range(Some(
                                egui::text::CCursorRange::select_all_str(text),
                            ));
                            state.store(ui.ctx(), field_id);
                            response.request_focus();
                            self.focus_next = None;
                        }
                        if response.has_focus() {
                            focused = Some(id);
                        }
                        if response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                            checked = Some((id, text.clone()));
                        }
                    }
                    self.mark_ui(ui, id, state, dark);
                    ui.end_row();
                }
            });
        self.focused = focused;
        if let Some((id, text)) = checked {
            self.check(graph, id, &text);
        }
        self.feedback_ui(ui, dark);
        let finished = self.finish_ui(ui);
        if std::mem::take(&mut self.missed_now) {
            return Some(PanelEvent::FirstMiss);
        }
        finished
    }

    /// The word beside a box's field: where it stands (never colour alone).
    fn mark_ui(&self, ui: &mut egui::Ui, id: NodeId, state: BoxState, dark: bool) {
        let tries = self.exercise.tries(id);
        match state {
            BoxState::Right { first: true } => {
                ui.label(RichText::new("right").color(style::right_color(dark)));
            }
            BoxState::Right { first: false } => {
                let text = format!("right on try {tries}");
                ui.label(RichText::new(text).color(style::right_color(dark)));
            }
            BoxState::Shown => {
                ui.label(RichText::new("shown").weak());
            }
            BoxState::Open if self.unreadable == Some(id) => {
                ui.label(RichText::new("not a number: type one, e.g. -0.5 or 3*0.25").weak());
            }
            BoxState::Open if tries > 0 => {
                let text = format!("not yet ({tries} tried)");
                ui.label(RichText::new(text).color(style::wrong_color(dark)));
            }
            BoxState::Open if self.exercise.ready(id) => {
                ui.label(RichText::new("ready").weak());
            }
            BoxState::Open => {
                let waiting: Vec<String> = self
                    .exercise
                    .waiting_for(id)
                    .into_iter()
                    .map(|w| self.name(w))
                    .collect();
                ui.label(RichText::new(format!("after {}", waiting.join(", "))).weak());
            }
        }
    }

    /// Grades an entry: right moves the focus on; wrong names the slip.
    fn check(&mut self, graph: &Graph, id: NodeId, text: &str) {
        let Some(given) = typed_value(text) else {
            self.unreadable = Some(id);
            self.focus_next = Some(id);
            return;
        };
        self.unreadable = None;
        match self.exercise.enter(graph, id, given) {
            Entry::Right => {
                self.feedback = None;
                self.focus_next = self.exercise.next();
            }
            Entry::Wrong(diagnosis) => {
                let me = self.name(id);
                let message = diagnosis.message(graph, &me, &self.output_name, |n| self.name(n));
                self.feedback = Some((id, message));
                self.focus_next = Some(id);
                self.missed_now = !self.missed;
                self.missed = true;
            }
            Entry::NotReady => {}
        }
    }

    /// What the last wrong entry matched, with a way out that costs the box.
    fn feedback_ui(&mut self, ui: &mut egui::Ui, dark: bool) {
        let Some((id, message)) = self.feedback.clone() else {
            return;
        };
        if self.exercise.state(id).done() {
            self.feedback = None;
            return;
        }
        let name = self.name(id);
        ui.label(
            RichText::new(format!("Not quite, d{}/d{name}.", self.output_name))
                .strong()
                .color(style::wrong_color(dark)),
        );
        ui.label(message);
        if ui
            .button(format!("Show d{}/d{name}", self.output_name))
            .on_hover_text("Put the engine's gradient on this box; it counts as missed")
            .clicked()
        {
            self.exercise.show(id);
            self.feedback = None;
            self.focus_next = self.exercise.next();
        }
    }

    /// The score once every box is filled, reported once.
    fn finish_ui(&mut self, ui: &mut egui::Ui) -> Option<PanelEvent> {
        if !self.finished() {
            return None;
        }
        let (right, boxes) = self.first_try_score();
        ui.label(
            RichText::new(format!(
                "Done: {right} of {boxes} boxes right on the first try. The graph now shows \
                 every local factor and what each edge sends back: compare them with your \
                 work."
            ))
            .strong(),
        );
        if self.reported {
            return None;
        }
        self.reported = true;
        Some(PanelEvent::Finished {
            none_shown: self.exercise.none_shown(),
        })
    }
}
