//! The app's one visual language: the colours of values, gradients and edges, the sizes
//! of graph text and the reading width. Every view takes these from here, so a value is
//! the same blue and a gradient the same orange on every page (and in the SVG export,
//! whose colours come from the same palette).

use egui::Color32;

use crate::diagram::export::palette;

const fn colour(rgb: [u8; 3]) -> Color32 {
    Color32::from_rgb(rgb[0], rgb[1], rgb[2])
}

/// Colour of forward values everywhere in the app.
pub const VALUE_COLOR: Color32 = colour(palette::VALUE);
/// Colour of gradients everywhere in the app.
pub const GRAD_COLOR: Color32 = colour(palette::GRAD);

/// Lesson text stays this wide at most, so lines stay readable on wide windows; graphs
/// and other wide figures may use the whole width.
pub const READING_WIDTH: f32 = 760.0;

/// The colour of an edge passing back `passes`: green for positive, purple for negative
/// (colour-blind safe and unlike the blue and orange of the boxes), grey for nothing.
pub fn passes_color(passes: f64, dark: bool) -> Color32 {
    if !passes.is_finite() || passes == 0.0 {
        colour(palette::NEUTRAL)
    } else if passes > 0.0 {
        colour(if dark {
            palette::PASSES_POSITIVE_DARK
        } else {
            palette::PASSES_POSITIVE
        })
    } else {
        colour(if dark {
            palette::PASSES_NEGATIVE_DARK
        } else {
            palette::PASSES_NEGATIVE
        })
    }
}

/// Value text readable on the theme's background (the blue is lightened in dark mode).
pub fn value_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(110, 170, 255)
    } else {
        VALUE_COLOR
    }
}

/// Gradient text readable on the theme's background.
pub fn grad_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(255, 160, 70)
    } else {
        GRAD_COLOR
    }
}

/// Graph text smaller than this on screen is not drawn (the boxes still are), so no
/// glyph is ever rasterised too small to keep its strokes: a minus sign never vanishes.
pub const MIN_GRAPH_TEXT_PX: f32 = 9.0;

/// The zoom levels of a graph view, as a browser offers them.
pub const ZOOM_LEVELS: [f32; 12] = [
    0.5, 0.67, 0.75, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5,
];

/// Makes the controls visible in both themes: in egui's light theme a text field or an
/// idle button has no border and a radio button is pale grey on white, so answer boxes
/// and options were easy to miss. Called once, when the app starts.
pub fn install(ctx: &egui::Context) {
    ctx.style_mut_of(egui::Theme::Light, |style| {
        let border = egui::Stroke::new(1.0, Color32::from_gray(150));
        style.visuals.widgets.inactive.bg_stroke = border;
        style.visuals.widgets.noninteractive.bg_stroke =
            egui::Stroke::new(1.0, Color32::from_gray(200));
        style.visuals.widgets.inactive.bg_fill = Color32::from_gray(228);
        style.visuals.widgets.inactive.weak_bg_fill = Color32::from_gray(228);
    });
    ctx.style_mut_of(egui::Theme::Dark, |style| {
        style.visuals.widgets.inactive.bg_stroke = egui::Stroke::new(1.0, Color32::from_gray(110));
    });
}
