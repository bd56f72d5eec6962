//! Backprop on a batch, on screen: X, W, z = X·W, ŷ = σ(z) and the labels y as grids of
//! numbers, each matrix's gradient grid under it, and one of three views below: dL/dW
//! beside the formula X^T(ŷ − y), one entry of dL/dW expanded into the sum over the batch,
//! or the Jacobian of σ. Every number comes from the engine (`lesson::batch`), recomputed
//! on every edit; only the formula column is computed beside it, to compare.

use egui::{RichText, WidgetInfo};

use crate::format::number;
use crate::lesson::BatchSection;
use crate::lesson::batch::Batch;

use super::section::{PageContext, SectionWidget};
use super::style;

/// What the part under the grids shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Below {
    /// dL/dW from the backward pass beside X^T(ŷ − y).
    Formula,
    /// One entry of dL/dW as the sum over the examples it is.
    Expand,
    /// The Jacobian of ŷ = σ(z), and the product it turns into.
    Jacobian,
}

/// The widget's state.
pub struct BatchView {
    section: BatchSection,
    batch: Result<Batch, String>,
    below: Below,
    /// The weight whose gradient is expanded (from 0).
    expanded: usize,
}

/// The width of one number in a grid.
const CELL_WIDTH: f32 = 64.0;

/// `3` as `₃`.
fn sub(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(0x2080 + (c as u32 - '0' as u32)).unwrap_or(c),
            other => other,
        })
        .collect()
}

/// A number in a grid cell: the app's number format, fixed to three decimals when short
/// enough so columns line up.
fn cell(v: f64) -> String {
    if v.is_finite() && v.abs() < 1e4 && (v == 0.0 || v.abs() >= 1e-3) {
        let text = format!("{v:.3}");
        if text.starts_with('-') {
            text.replacen('-', "−", 1)
        } else {
            text
        }
    } else {
        number(v)
    }
}

impl BatchView {
    /// The widget for the section's batch.
    pub fn new(section: &BatchSection) -> Self {
        Self {
            batch: Batch::new(&section.data()).map_err(|e| e.to_string()),
            section: section.clone(),
            below: Below::Formula,
            expanded: 0,
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui) {
        style::section_frame(ui).show(ui, |ui| {
            ui.set_width(ui.available_width());
            if !self.section.title.is_empty() {
                style::section_title(ui, &self.section.title);
            }
            let dark = ui.visuals().dark_mode;
            let batch = match &mut self.batch {
                Ok(batch) => batch,
                Err(error) => {
                    ui.colored_label(style::wrong_color(dark), error.as_str());
                    return;
                }
            };
            ui.horizontal_wrapped(|ui| {
                ui.label("Drag an entry of X or W, or click a label to flip it.");
                ui.label(
                    RichText::new("Values")
                        .color(style::value_color(dark))
                        .strong(),
                );
                ui.label("(forward pass) sit in each matrix;");
                ui.label(
                    RichText::new("gradients dL/d…")
                        .color(style::grad_color(dark))
                        .strong(),
                );
                ui.label("(backward pass) in the grid under it, in the same shape.");
            });
            ui.add_space(6.0);
            egui::ScrollArea::horizontal()
                .id_salt("batch-grids")
                .show(ui, |ui| {
                    grids_ui(ui, batch, self.section.range, dark);
                });
            ui.add_space(8.0);
            ui.horizontal_wrapped(|ui| {
                for (below, label) in [
                    (Below::Formula, "dL/dW beside X^T(ŷ − y)"),
                    (Below::Expand, "One entry as a sum over the batch"),
                    (Below::Jacobian, "The Jacobian of σ"),
                ] {
                    if ui.selectable_label(self.below == below, label).clicked() {
                        self.below = below;
                    }
                }
            });
            ui.separator();
            match self.below {
                Below::Formula => formula_ui(ui, batch, dark),
                Below::Expand => expand_ui(ui, batch, &mut self.expanded, dark),
                Below::Jacobian => jacobian_ui(ui, batch, dark),
            }
            if let Some(caption) = &self.section.caption {
                ui.add_space(6.0);
                style::caption(ui, caption);
            }
        });
    }
}

/// A matrix's heading: its name and shape.
fn heading(ui: &mut egui::Ui, name: &str, rows: usize, columns: usize) {
    ui.label(RichText::new(format!("{name}  ({rows} × {columns})")).strong());
}

/// A grid of numbers in one colour, `rows` × `columns`, each cell from `entry`.
fn number_grid(
    ui: &mut egui::Ui,
    id: &str,
    rows: usize,
    columns: usize,
    color: egui::Color32,
    entry: impl Fn(usize, usize) -> f64,
) {
    egui::Grid::new(id)
        .min_col_width(CELL_WIDTH)
        .spacing([6.0, 4.0])
        .show(ui, |ui| {
            for i in 0..rows {
                for j in 0..columns {
                    ui.label(RichText::new(cell(entry(i, j))).monospace().color(color));
                }
                ui.end_row();
            }
        });
}

/// Draws one editable cell of a matrix (row, column).
type EditCell<'a> = dyn FnMut(&mut egui::Ui, usize, usize) + 'a;

/// A matrix as the grids show it: its name, shape, and each entry's value and gradient.
struct Matrix<'a> {
    name: &'a str,
    rows: usize,
    columns: usize,
    value: &'a dyn Fn(usize, usize) -> f64,
    gradient: &'a dyn Fn(usize, usize) -> f64,
}

/// A matrix block: heading, the values (editable when `edit` is given) and, under them,
/// the gradient grid with its own heading.
fn block(ui: &mut egui::Ui, matrix: &Matrix<'_>, dark: bool, edit: Option<&mut EditCell<'_>>) {
    let Matrix {
        name,
        rows,
        columns,
        value,
        gradient,
    } = *matrix;
    ui.vertical(|ui| {
        heading(ui, name, rows, columns);
        match edit {
            Some(edit) => {
                egui::Grid::new(format!("batch-{name}-values"))
                    .min_col_width(CELL_WIDTH)
                    .spacing([6.0, 4.0])
                    .show(ui, |ui| {
                        for i in 0..rows {
                            for j in 0..columns {
                                edit(ui, i, j);
                            }
                            ui.end_row();
                        }
                    });
            }
            None => number_grid(
                ui,
                &format!("batch-{name}-values"),
                rows,
                columns,
                style::value_color(dark),
                value,
            ),
        }
        ui.add_space(4.0);
        ui.label(
            RichText::new(format!("dL/d{name}  (gradient)"))
                .color(style::grad_color(dark))
                .strong(),
        );
        number_grid(
            ui,
            &format!("batch-{name}-grads"),
            rows,
            columns,
            style::grad_color(dark),
            gradient,
        );
    });
}

/// An editable entry: a drag value in the values' colour, named for screen readers.
fn drag(ui: &mut egui::Ui, value: f64, range: (f64, f64), name: String, dark: bool) -> Option<f64> {
    let mut v = value;
    let response = ui.scope(|ui| {
        // The values' colour on the editable entries too, in every state of the widget.
        let widgets = &mut ui.visuals_mut().widgets;
        for state in [
            &mut widgets.inactive,
            &mut widgets.hovered,
            &mut widgets.active,
        ] {
            state.fg_stroke.color = style::value_color(dark);
        }
        ui.add_sized(
            [CELL_WIDTH, 20.0],
            egui::DragValue::new(&mut v)
                .speed(0.01)
                .range(range.0..=range.1)
                .fixed_decimals(2),
        )
    });
    let response = response.inner;
    response.widget_info(|| WidgetInfo {
        label: Some(name.clone()),
        ..WidgetInfo::drag_value(true, v)
    });
    response.changed().then_some(v)
}

fn grids_ui(ui: &mut egui::Ui, batch: &mut Batch, range: (f64, f64), dark: bool) {
    let (rows, features) = (batch.rows(), batch.features());
    ui.horizontal_top(|ui| {
        // X: editable values, dL/dX under them.
        let mut x_edits = Vec::new();
        {
            let snapshot = &*batch;
            let mut edit = |ui: &mut egui::Ui, i: usize, j: usize| {
                let name = format!("x{}{}", sub(i + 1), sub(j + 1));
                if let Some(v) = drag(ui, snapshot.x(i, j), range, name, dark) {
                    x_edits.push((i, j, v));
                }
            };
            let matrix = Matrix {
                name: "X",
                rows,
                columns: features,
                value: &|i, j| snapshot.x(i, j),
                gradient: &|i, j| snapshot.grad_x(i, j),
            };
            block(ui, &matrix, dark, Some(&mut edit));
        }
        operator(ui, "·");
        let mut w_edits = Vec::new();
        {
            let snapshot = &*batch;
            let mut edit = |ui: &mut egui::Ui, j: usize, _: usize| {
                let name = format!("w{}", sub(j + 1));
                if let Some(v) = drag(ui, snapshot.w(j), range, name, dark) {
                    w_edits.push((j, v));
                }
            };
            let matrix = Matrix {
                name: "W",
                rows: features,
                columns: 1,
                value: &|j, _| snapshot.w(j),
                gradient: &|j, _| snapshot.grad_w(j),
            };
            block(ui, &matrix, dark, Some(&mut edit));
        }
        operator(ui, "=");
        {
            let snapshot = &*batch;
            let matrix = Matrix {
                name: "z",
                rows,
                columns: 1,
                value: &|i, _| snapshot.z(i),
                gradient: &|i, _| snapshot.grad_z(i),
            };
            block(ui, &matrix, dark, None);
        }
        operator(ui, "σ →");
        {
            let snapshot = &*batch;
            let matrix = Matrix {
                name: "ŷ",
                rows,
                columns: 1,
                value: &|i, _| snapshot.p(i),
                gradient: &|i, _| snapshot.grad_p(i),
            };
            block(ui, &matrix, dark, None);
        }
        ui.add_space(12.0);
        let mut flips = Vec::new();
        ui.vertical(|ui| {
            heading(ui, "y (labels)", rows, 1);
            egui::Grid::new("batch-y")
                .min_col_width(CELL_WIDTH)
                .spacing([6.0, 4.0])
                .show(ui, |ui| {
                    for i in 0..rows {
                        let label = batch.y(i) == 1.0;
                        let text = format!("y{} = {}", sub(i + 1), u8::from(label));
                        if ui
                            .button(text)
                            .on_hover_text("Click to flip the label")
                            .clicked()
                        {
                            flips.push((i, !label));
                        }
                        ui.end_row();
                    }
                });
            ui.add_space(8.0);
            ui.label(
                RichText::new(format!("L = {}", number(batch.loss())))
                    .monospace()
                    .color(style::value_color(dark)),
            );
            style::caption(ui, "the sum of each example's cross-entropy");
        });
        for (i, j, v) in x_edits {
            batch.set_x(i, j, v);
        }
        for (j, v) in w_edits {
            batch.set_w(j, v);
        }
        for (i, label) in flips {
            batch.set_y(i, label);
        }
    });
}

fn operator(ui: &mut egui::Ui, text: &str) {
    ui.add_space(4.0);
    ui.vertical(|ui| {
        ui.add_space(44.0);
        ui.label(RichText::new(text).size(20.0).strong());
    });
    ui.add_space(4.0);
}

/// dL/dW from the backward pass beside the formula X^T(ŷ − y), row by row.
fn formula_ui(ui: &mut egui::Ui, batch: &Batch, dark: bool) {
    ui.label(
        "dL/dW has W's shape, one number per weight. The backward pass found it link by link; \
         the formula says the same in one line: X^T(ŷ − y), where X^T is X transposed \
         (NumPy's X.T).",
    );
    let formula = batch.formula_grad_w();
    let mut largest: f64 = 0.0;
    egui::Grid::new("batch-formula")
        .min_col_width(CELL_WIDTH)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            ui.label("");
            ui.label(RichText::new("backward pass").strong());
            ui.label(RichText::new("X^T(ŷ − y)").strong());
            ui.label(RichText::new("difference").strong());
            ui.end_row();
            for (j, f) in formula.iter().enumerate() {
                let g = batch.grad_w(j);
                let difference = (g - f).abs();
                largest = largest.max(difference);
                ui.label(format!("dL/dw{}", sub(j + 1)));
                ui.label(
                    RichText::new(cell(g))
                        .monospace()
                        .color(style::grad_color(dark)),
                );
                ui.label(
                    RichText::new(cell(*f))
                        .monospace()
                        .color(style::grad_color(dark)),
                );
                ui.label(RichText::new(number(difference)).monospace());
                ui.end_row();
            }
        });
    let verdict = if largest <= 1e-9 {
        format!(
            "Equal: the largest difference is {}, rounding in the last digits.",
            number(largest)
        )
    } else {
        format!("They differ by up to {}.", number(largest))
    };
    ui.label(verdict);
}

/// One entry of dL/dW written out as the sum over the examples it is.
fn expand_ui(ui: &mut egui::Ui, batch: &Batch, expanded: &mut usize, dark: bool) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Expand:");
        for j in 0..batch.features() {
            let label = format!("dL/dw{}", sub(j + 1));
            if ui.selectable_label(*expanded == j, label).clicked() {
                *expanded = j;
            }
        }
    });
    let j = (*expanded).min(batch.features().saturating_sub(1));
    let n = sub(j + 1);
    ui.label(format!(
        "w{n} is used by every example, so its blame is the sum of what each example passes \
         back: dL/dw{n} = Σ_i dL/dz_i · x_i{plain}, a sum over the examples i.",
        plain = j + 1
    ));
    let terms = batch.terms_of_grad_w(j);
    let sum: Vec<String> = terms
        .iter()
        .map(|(g, x)| format!("({}) · ({})", cell(*g), cell(*x)))
        .collect();
    ui.label(
        RichText::new(format!(
            "dL/dw{n} = {} = {}",
            sum.join(" + "),
            cell(batch.grad_w(j))
        ))
        .monospace()
        .color(style::grad_color(dark)),
    );
    style::caption(
        ui,
        "Each product is one example's path: the gradient at its z times the input on w's edge.",
    );
}

/// The Jacobian of ŷ = σ(z) and the elementwise product it turns into.
fn jacobian_ui(ui: &mut egui::Ui, batch: &Batch, dark: bool) {
    let rows = batch.rows();
    ui.label(format!(
        "ŷ = σ(z) maps {rows} numbers to {rows}: its Jacobian is {rows} × {rows}, entry (i, k) \
         = ∂ŷ_i/∂z_k. Each ŷ_i depends on its own z_i only, so everything off the diagonal is 0."
    ));
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            heading(ui, "∂ŷ/∂z", rows, rows);
            egui::Grid::new("batch-jacobian")
                .min_col_width(CELL_WIDTH)
                .spacing([6.0, 4.0])
                .show(ui, |ui| {
                    for i in 0..rows {
                        for k in 0..rows {
                            let v = batch.sigma_jacobian(i, k);
                            let text = RichText::new(cell(v)).monospace();
                            if i == k {
                                ui.label(text.strong());
                            } else {
                                ui.label(text.color(ui.visuals().weak_text_color()));
                            }
                        }
                        ui.end_row();
                    }
                });
        });
        ui.add_space(24.0);
        ui.vertical(|ui| {
            ui.label(
                "Multiplying by a diagonal matrix multiplies entry by entry: \
                 dL/dz_i = σ′(z_i) · dL/dŷ_i.",
            );
            egui::Grid::new("batch-jacobian-product")
                .spacing([10.0, 4.0])
                .show(ui, |ui| {
                    for i in 0..rows {
                        let n = sub(i + 1);
                        ui.label(format!("dL/dz{n} ="));
                        ui.label(RichText::new(cell(batch.sigma_jacobian(i, i))).monospace());
                        ui.label("·");
                        ui.label(
                            RichText::new(cell(batch.grad_p(i)))
                                .monospace()
                                .color(style::grad_color(dark)),
                        );
                        ui.label("=");
                        ui.label(
                            RichText::new(cell(batch.grad_z(i)))
                                .monospace()
                                .color(style::grad_color(dark)),
                        );
                        ui.end_row();
                    }
                });
            ui.add_space(6.0);
            ui.label(
                "For z = X·W the Jacobian product becomes a matrix product: \
                 dL/dW = X^T · dL/dz, and dL/dz = ŷ − y here, so dL/dW = X^T(ŷ − y).",
            );
        });
    });
}

impl SectionWidget for BatchView {
    fn ui(&mut self, ui: &mut egui::Ui, id: egui::Id, _page: &mut PageContext<'_>) {
        ui.push_id(id, |ui| Self::ui(self, ui));
    }

    fn wide(&self) -> bool {
        true
    }
}
