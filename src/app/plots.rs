//! Plots that explain themselves, the same on every page: named axes whose ticks are
//! always labelled (a 1-2-5 step chosen for the plot's size, so a tall range never
//! leaves only "0"), and a key drawn *above* the plot, where it can never cover data.
//! Each series has a colour and a line style, so the key never rests on colour alone.

use egui::{Color32, Stroke, Vec2};
use egui_plot::{AxisHints, GridInput, GridMark, LineStyle, Plot};

/// Series colours in order (Okabe and Ito's colour-blind-safe set), for a theme.
pub fn series_color(index: usize, dark: bool) -> Color32 {
    const LIGHT: [Color32; 5] = [
        Color32::from_rgb(0, 114, 178),   // blue
        Color32::from_rgb(213, 94, 0),    // vermilion
        Color32::from_rgb(0, 158, 115),   // bluish green
        Color32::from_rgb(204, 121, 167), // reddish purple
        Color32::from_rgb(150, 120, 0),   // dark yellow
    ];
    const DARK: [Color32; 5] = [
        Color32::from_rgb(86, 180, 233),
        Color32::from_rgb(240, 140, 60),
        Color32::from_rgb(60, 200, 150),
        Color32::from_rgb(220, 150, 190),
        Color32::from_rgb(240, 228, 66),
    ];
    let palette = if dark { DARK } else { LIGHT };
    palette[index % palette.len()]
}

/// The line style of series `index`, so series differ in more than colour.
pub fn series_style(index: usize) -> LineStyle {
    match index % 3 {
        0 => LineStyle::Solid,
        1 => LineStyle::Dashed { length: 8.0 },
        _ => LineStyle::Dotted { spacing: 5.0 },
    }
}

/// One entry of a plot's key.
#[derive(Debug, Clone)]
pub struct KeyEntry {
    /// What the series is, in words.
    pub label: String,
    /// Its colour.
    pub color: Color32,
    /// Its line (None: drawn as dots only).
    pub line: Option<LineStyle>,
    /// Whether its points are marked with dots.
    pub dots: bool,
}

impl KeyEntry {
    /// A line series.
    pub fn line(label: impl Into<String>, color: Color32, style: LineStyle) -> Self {
        Self {
            label: label.into(),
            color,
            line: Some(style),
            dots: false,
        }
    }

    /// A line series whose points are also marked.
    pub fn line_with_dots(label: impl Into<String>, color: Color32, style: LineStyle) -> Self {
        Self {
            dots: true,
            ..Self::line(label, color, style)
        }
    }

    /// A series of marked points without a line.
    pub fn dots(label: impl Into<String>, color: Color32) -> Self {
        Self {
            label: label.into(),
            color,
            line: None,
            dots: true,
        }
    }
}

/// The key of line series named `labels`, in the series colours and line styles, in order.
pub fn series_key<'a>(labels: impl IntoIterator<Item = &'a str>, dark: bool) -> Vec<KeyEntry> {
    labels
        .into_iter()
        .enumerate()
        .map(|(i, label)| KeyEntry::line(label, series_color(i, dark), series_style(i)))
        .collect()
}

/// The line of a series, drawn as its key entry says.
pub fn keyed_line(entry: &KeyEntry, points: Vec<[f64; 2]>) -> egui_plot::Line<'static> {
    egui_plot::Line::new(entry.label.clone(), egui_plot::PlotPoints::from(points))
        .color(entry.color)
        .style(entry.line.unwrap_or(LineStyle::Solid))
        .width(2.0)
}

/// Draws a plot's key as one wrapped row of samples and words, above the plot.
pub fn key_ui(ui: &mut egui::Ui, entries: &[KeyEntry]) {
    ui.horizontal_wrapped(|ui| {
        for entry in entries {
            let (rect, _) = ui.allocate_exact_size(Vec2::new(30.0, 14.0), egui::Sense::hover());
            let painter = ui.painter_at(rect);
            let (left, right) = (rect.left_center(), rect.right_center());
            let stroke = Stroke::new(2.5, entry.color);
            match entry.line {
                Some(LineStyle::Solid) => {
                    painter.line_segment([left, right], stroke);
                }
                Some(LineStyle::Dashed { length }) => {
                    painter.extend(egui::Shape::dashed_line(
                        &[left, right],
                        stroke,
                        length.min(8.0),
                        4.0,
                    ));
                }
                Some(LineStyle::Dotted { spacing }) => {
                    painter.extend(egui::Shape::dotted_line(
                        &[left, right],
                        entry.color,
                        spacing.min(6.0),
                        1.5,
                    ));
                }
                None => {}
            }
            if entry.dots {
                // Ringed in the text colour, so even a white marker shows on any theme.
                painter.circle(
                    rect.center(),
                    4.0,
                    entry.color,
                    Stroke::new(1.0, ui.visuals().text_color()),
                );
            }
            ui.label(&entry.label);
            ui.add_space(10.0);
        }
    });
}

/// A plot with named axes, ticks always labelled and no scroll capture (the page
/// scrolls over it); the caller sets its size and draws the key with [`key_ui`].
pub fn plot<'a>(id: egui::Id, x_label: &str, y_label: &str) -> Plot<'a> {
    Plot::new(id)
        .custom_x_axes(vec![
            AxisHints::new_x()
                .label(x_label.to_owned())
                .formatter(tick_text)
                .label_spacing(X_LABEL_PX..=X_LABEL_PX + 1.0),
        ])
        .custom_y_axes(vec![
            AxisHints::new_y()
                .label(y_label.to_owned())
                .formatter(tick_text)
                .label_spacing(Y_LABEL_PX..=Y_LABEL_PX + 1.0)
                .min_thickness(28.0),
        ])
        .x_grid_spacer(|input| nice_marks(input, X_LABEL_PX))
        .y_grid_spacer(|input| nice_marks(input, Y_LABEL_PX))
        .allow_scroll(false)
}

/// Plots grow with the window up to this width, in points: wide enough to read a curve
/// on a full-HD screen, not so wide that its shape flattens out.
pub const MAX_PLOT_WIDTH: f32 = 1100.0;

/// The width a plot takes in `ui`.
pub fn width(ui: &egui::Ui) -> f32 {
    ui.available_width().min(MAX_PLOT_WIDTH)
}

/// Horizontal room a labelled x tick needs, in points.
const X_LABEL_PX: f32 = 64.0;
/// Vertical room a labelled y tick needs, in points.
const Y_LABEL_PX: f32 = 24.0;
/// The smallest grid spacing egui_plot draws (its default), in points.
const GRID_MIN_PX: f64 = 8.0;

/// The smallest of 1, 2, 5, 10, 20, 50, ... (times a power of ten) at least `x`.
fn nice_at_least(x: f64) -> f64 {
    let power = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|step| *step >= x * (1.0 - 1e-9))
        .unwrap_or(10.0 * power)
}

/// Grid marks whose labelled step is the smallest 1-2-5 step at least `label_px`
/// apart on screen, with a finer unlabelled grid between them and a coarser one above.
fn nice_marks(input: GridInput, label_px: f32) -> Vec<GridMark> {
    let (low, high) = input.bounds;
    // `base_step_size` is the data distance of GRID_MIN_PX points.
    let per_point = input.base_step_size.abs() / GRID_MIN_PX;
    if !(per_point > 0.0 && per_point.is_finite() && low.is_finite() && high.is_finite()) {
        return Vec::new();
    }
    let labelled = nice_at_least(per_point * f64::from(label_px));
    // Steps of 2 split into four, steps of 1 and 5 into five: fine marks stay 1-2-5.
    let split: i64 = if mantissa_is_two(labelled) { 4 } else { 5 };
    let fine = labelled / split as f64;
    let first = (low / fine).ceil() as i64;
    let last = (high / fine).floor() as i64;
    // A few thousand marks is far more than any plot shows; it guards absurd ranges.
    if last.saturating_sub(first) > 5000 {
        return Vec::new();
    }
    (first..=last)
        .map(|k| {
            // Each mark carries the largest step it lies on: that sets its line's weight
            // and whether it is labelled.
            let step_size = if k % (split * 10) == 0 {
                labelled * 10.0
            } else if k % split == 0 {
                labelled
            } else {
                fine
            };
            GridMark {
                value: k as f64 * fine,
                step_size,
            }
        })
        .collect()
}

fn mantissa_is_two(step: f64) -> bool {
    let power = 10f64.powf(step.log10().floor());
    ((step / power) - 2.0).abs() < 1e-6
}

/// A tick's text: as many decimals as its step needs, a true minus sign, no "-0".
pub fn tick_text(mark: GridMark, _range: &std::ops::RangeInclusive<f64>) -> String {
    let decimals = (-mark.step_size.log10() - 1e-9).ceil().max(0.0) as usize;
    let value = if mark.value.abs() < mark.step_size * 1e-6 {
        0.0
    } else {
        mark.value
    };
    let text = format!("{value:.decimals$}");
    text.replace('-', "\u{2212}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(low: f64, high: f64, points: f64) -> GridInput {
        GridInput {
            bounds: (low, high),
            base_step_size: (high - low) / points * GRID_MIN_PX,
        }
    }

    fn labelled(marks: &[GridMark], range_points: f64, range: f64, label_px: f32) -> usize {
        marks
            .iter()
            .filter(|m| m.step_size / range * range_points > f64::from(label_px))
            .count()
    }

    #[test]
    fn a_tall_range_on_a_short_plot_still_labels_several_ticks() {
        // Lesson 7 at depth 78: log10 |gradient| from 0 to 9 on a 160-point-high plot.
        let marks = nice_marks(input(-0.5, 9.5, 160.0), Y_LABEL_PX);
        assert!(labelled(&marks, 160.0, 10.0, Y_LABEL_PX) >= 3);
    }

    #[test]
    fn a_symmetric_x_range_labels_more_than_zero() {
        let marks = nice_marks(input(-6.5, 6.5, 700.0), X_LABEL_PX);
        assert!(labelled(&marks, 700.0, 13.0, X_LABEL_PX) >= 5);
    }

    #[test]
    fn tick_text_has_the_decimals_its_step_needs() {
        let mark = |value, step_size| GridMark { value, step_size };
        assert_eq!(tick_text(mark(0.5, 0.5), &(0.0..=1.0)), "0.5");
        assert_eq!(tick_text(mark(-2.0, 2.0), &(0.0..=1.0)), "\u{2212}2");
        assert_eq!(tick_text(mark(1e-17, 0.2), &(0.0..=1.0)), "0.0");
        assert_eq!(tick_text(mark(0.0004, 0.0002), &(0.0..=1.0)), "0.0004");
    }

    #[test]
    fn nice_steps_follow_one_two_five() {
        assert_eq!(nice_at_least(0.13), 0.2);
        assert_eq!(nice_at_least(3.0), 5.0);
        assert_eq!(nice_at_least(5.0), 5.0);
        assert_eq!(nice_at_least(7.0), 10.0);
    }
}
