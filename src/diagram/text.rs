//! The words and numbers inside boxes and on edge plates, and how much room they take
//! at 100% zoom. Everything is set in one monospace face (Hack), so the width of a line
//! is its character count times one advance: the layout can reserve room for the widest
//! number a box will ever show without a text shaper.

pub use super::expr::SHORT_NUMBER_MAX_CHARS;
use super::expr::{MINUS, number_text, short_number};

/// A number for a box: as everywhere in the app when it fits, else in four significant
/// digits, so it never runs out of its box.
pub fn box_number(value: f64) -> String {
    let text = number_text(value);
    if text.chars().count() <= NUMBER_MAX_CHARS {
        text
    } else {
        short_number(value)
    }
}

/// The smallest size, in pixels, that a graph's text is drawn at by fitting.
pub const MIN_TEXT_PX: f32 = 12.0;
/// Size of the text in boxes, in pixels at 100% zoom (never below 12 px).
pub const NODE_FONT_PX: f32 = 14.0;
/// Size of the text on edge plates, in pixels at 100% zoom: the boxes' size, so that a
/// graph fitted to a small canvas keeps every number at 12 px or more.
pub const PLATE_FONT_PX: f32 = 14.0;
/// Advance of one character of the monospace face, as a fraction of the font size
/// (Hack: 1233 / 2048).
pub const ADVANCE_EM: f32 = 0.602;
/// Line height as a fraction of the font size.
pub const LINE_EM: f32 = 1.3;
/// Space between a box's border and its text.
pub const BOX_PADDING: f32 = 7.0;
/// Space between a plate's border and its text.
pub const PLATE_PADDING: f32 = 5.0;
/// The most characters a number in a box takes: longer ones are written in four
/// significant digits instead (at most [`SHORT_NUMBER_MAX_CHARS`]).
pub const NUMBER_MAX_CHARS: usize = 9;
/// Prefix of a box's value line.
pub const VALUE_PREFIX: &str = "val  ";
/// Prefix of a box's gradient line.
pub const GRAD_PREFIX: &str = "grad ";
/// Prefix of a plate's second line: what the edge sends back.
pub const SENDS_PREFIX: &str = "sends ";
/// Titles longer than this are cut with an ellipsis.
pub const TITLE_MAX_CHARS: usize = 34;

/// Width of `chars` characters at `font_px`.
pub fn text_width(chars: usize, font_px: f32) -> f32 {
    chars as f32 * font_px * ADVANCE_EM
}

/// Height of one line at `font_px`.
pub fn line_height(font_px: f32) -> f32 {
    font_px * LINE_EM
}

/// A box's value line: `val  −12`, or `val  ?` while it is not yet known.
pub fn value_line(value: Option<f64>) -> String {
    match value {
        Some(v) => format!("{VALUE_PREFIX}{}", box_number(v)),
        None => format!("{VALUE_PREFIX}?"),
    }
}

/// A box's gradient line: `grad −12`, or `grad ?` while it is hidden or not yet known.
pub fn grad_line(grad: Option<f64>) -> String {
    match grad {
        Some(g) => format!("{GRAD_PREFIX}{}", box_number(g)),
        None => format!("{GRAD_PREFIX}?"),
    }
}

/// A title cut to [`TITLE_MAX_CHARS`].
pub fn fitted_title(title: &str) -> String {
    if title.chars().count() <= TITLE_MAX_CHARS {
        title.to_string()
    } else {
        let mut cut: String = title.chars().take(TITLE_MAX_CHARS - 1).collect();
        cut.push('…');
        cut
    }
}

/// What an edge carries, in numbers: its local derivative, and the share of the blame it
/// passes back (upstream gradient × local derivative).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeFlow {
    /// d(consumer)/d(operand).
    pub local: f64,
    /// d(output)/d(consumer) × local: what this edge adds to the operand's gradient.
    pub passes: f64,
}

impl EdgeFlow {
    /// Whether the chain is cut here: the local derivative is exactly 0, so nothing
    /// passes back, whatever arrives from upstream.
    pub fn is_cut(&self) -> bool {
        self.local == 0.0
    }

    /// The plate's two lines: `local −4` and `sends 36` (`local 0 (cut)` when cut).
    pub fn plate_lines(&self, gradient_known: bool) -> [String; 2] {
        let local = if self.is_cut() {
            "local 0 (cut)".to_string()
        } else {
            format!("local {}", short_number(self.local))
        };
        let passes = if gradient_known {
            format!("{SENDS_PREFIX}{}", short_number(self.passes))
        } else {
            format!("{SENDS_PREFIX}?")
        };
        [local, passes]
    }
}

/// The size of every plate with text at `font_px`: room for the widest lines
/// [`EdgeFlow::plate_lines`] writes.
pub fn plate_size(font_px: f32) -> super::Size {
    let chars = SENDS_PREFIX.len() + SHORT_NUMBER_MAX_CHARS;
    super::Size {
        w: text_width(chars, font_px) + 2.0 * PLATE_PADDING,
        h: 2.0 * line_height(font_px) + 2.0 * PLATE_PADDING,
    }
}

/// The lines of a box, top to bottom, at 100% zoom: its title, then `val`, `grad` and,
/// on the output, `output`.
pub fn box_line_count(is_output: bool) -> usize {
    if is_output { 4 } else { 3 }
}

/// The size of a box with this title: room for the title and the widest numbers.
pub fn box_size(title: &str, is_output: bool) -> super::Size {
    let number_line = GRAD_PREFIX.chars().count() + NUMBER_MAX_CHARS;
    let chars = fitted_title(title).chars().count().max(number_line);
    super::Size {
        w: text_width(chars, NODE_FONT_PX) + 2.0 * BOX_PADDING,
        h: box_line_count(is_output) as f32 * line_height(NODE_FONT_PX) + 2.0 * BOX_PADDING,
    }
}

/// Whether a text holds a negative number written with the typographic minus (for
/// tests that check signs survive).
pub fn has_minus(text: &str) -> bool {
    text.contains(MINUS)
}
