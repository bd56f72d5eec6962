//! The app's one visual language, written down once and used by every view:
//!
//! - **Type scale**: reading text 15 px, captions 13 px (italic, quieter), lesson titles
//!   24 px, section titles 17 px, numbers and code in monospace 14 px, graph text 14 px.
//! - **Colours**: forward values blue, gradients orange, on every node, plot and export;
//!   "right" bluish green and "wrong" vermilion (Okabe and Ito's colour-blind-safe set),
//!   always said in words too; edges green for positive blame, purple for negative.
//! - **Spacing**: 8 px between items, 10 px inside an interactive section, 18 px
//!   between sections.
//! - **Frames**: every section a learner acts on (a graph, a plot with controls, a quiz,
//!   a card) sits in one [`section_frame`], so what can be touched looks the same on every
//!   page; lesson text stays outside frames at [`READING_WIDTH`].
//!
//! Every view takes these from here, so a value is the same blue and a gradient the same
//! orange on every page (and in the SVG export, whose colours come from the same palette).

use egui::{Color32, FontFamily, FontId, RichText, TextStyle};

use crate::diagram::export::palette;

const fn colour(rgb: [u8; 3]) -> Color32 {
    Color32::from_rgb(rgb[0], rgb[1], rgb[2])
}

/// Colour of forward values everywhere in the app.
pub const VALUE_COLOR: Color32 = colour(palette::VALUE);
/// Colour of gradients everywhere in the app.
pub const GRAD_COLOR: Color32 = colour(palette::GRAD);
/// The ring around the box a step-by-step pass is at: crimson, unlike the values' blue,
/// the gradients' orange and the edges' green and purple, and strong on light and dark.
pub const CURRENT_STEP_COLOR: Color32 = Color32::from_rgb(220, 20, 60);

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

/// Reading text, in points.
pub const BODY_PX: f32 = 15.0;
/// Captions under figures and hints, in points.
pub const CAPTION_PX: f32 = 13.0;
/// A lesson's or page's title, in points.
pub const HEADING_PX: f32 = 24.0;
/// The title of a section inside a page (a quiz, a figure), in points.
pub const SECTION_TITLE_PX: f32 = 17.0;
/// Numbers typed or shown in fields, and code, in points (monospace).
pub const NUMBER_PX: f32 = 14.0;
/// Space between a page's sections.
pub const SECTION_GAP: f32 = 18.0;

/// The name of the section-title text style.
const SECTION_TITLE: &str = "section title";

/// Colour of "right" (also said in words): Okabe and Ito's bluish green.
pub fn right_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(60, 200, 150)
    } else {
        Color32::from_rgb(0, 130, 90)
    }
}

/// Colour of "wrong" (also said in words): Okabe and Ito's vermilion.
pub fn wrong_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(255, 130, 80)
    } else {
        Color32::from_rgb(200, 75, 0)
    }
}

/// A caption under a figure: smaller, italic and quieter than reading text.
pub fn caption(ui: &mut egui::Ui, text: &str) -> egui::Response {
    ui.label(
        RichText::new(text)
            .size(CAPTION_PX)
            .italics()
            .color(ui.visuals().weak_text_color()),
    )
}

/// The title of a section inside a page.
pub fn section_title(ui: &mut egui::Ui, text: &str) -> egui::Response {
    // The size itself rather than the named text style: on the very first frame (before
    // `install` reaches the Ui's style) a named style that is not there yet would panic.
    ui.label(
        RichText::new(text)
            .family(FontFamily::Proportional)
            .size(SECTION_TITLE_PX)
            .strong(),
    )
}

/// The frame of every section a learner acts on: a faint fill that sets it apart from
/// the page, a visible border in both themes and room inside.
pub fn section_frame(ui: &egui::Ui) -> egui::Frame {
    let visuals = ui.visuals();
    let fill = if visuals.dark_mode {
        Color32::from_gray(32)
    } else {
        Color32::from_gray(250)
    };
    egui::Frame::new()
        .fill(fill)
        .stroke(visuals.widgets.noninteractive.bg_stroke)
        .corner_radius(6)
        .inner_margin(10)
        .outer_margin(egui::Margin::symmetric(0, 4))
}

/// A fraction as a bar: an outlined track filled in proportion, with `text` on it. (egui's
/// progress bar draws a small fraction as a round blob, which reads as "something".)
pub fn fraction_bar(
    ui: &mut egui::Ui,
    fraction: f32,
    width: f32,
    text: Option<&str>,
) -> egui::Response {
    let height = if text.is_some() { 22.0 } else { 12.0 };
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, height), egui::Sense::hover());
    let visuals = ui.visuals();
    let painter = ui.painter();
    painter.rect_filled(rect, 3.0, visuals.extreme_bg_color);
    let fraction = if fraction.is_nan() {
        0.0
    } else {
        fraction.clamp(0.0, 1.0)
    };
    let filled =
        egui::Rect::from_min_size(rect.min, egui::vec2(rect.width() * fraction, rect.height()));
    if filled.width() > 0.0 {
        painter.rect_filled(filled, 3.0, visuals.selection.bg_fill);
    }
    painter.rect_stroke(
        rect,
        3.0,
        visuals.widgets.inactive.bg_stroke,
        egui::StrokeKind::Inside,
    );
    if let Some(text) = text {
        painter.text(
            rect.left_center() + egui::vec2(8.0, 0.0),
            egui::Align2::LEFT_CENTER,
            text,
            FontId::proportional(BODY_PX),
            visuals.strong_text_color(),
        );
        let text = text.to_owned();
        response
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ProgressIndicator, true, &text));
    }
    response
}

/// Makes the controls visible in both themes: in egui's light theme a text field or an
/// idle button has no border and a radio button is pale grey on white, so answer boxes
/// and options were easy to miss. Called once, when the app starts.
pub fn install(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (
                TextStyle::Heading,
                FontId::new(HEADING_PX, FontFamily::Proportional),
            ),
            (
                TextStyle::Name(SECTION_TITLE.into()),
                FontId::new(SECTION_TITLE_PX, FontFamily::Proportional),
            ),
            (
                TextStyle::Body,
                FontId::new(BODY_PX, FontFamily::Proportional),
            ),
            (
                TextStyle::Button,
                FontId::new(BODY_PX, FontFamily::Proportional),
            ),
            (
                TextStyle::Small,
                FontId::new(CAPTION_PX, FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new(NUMBER_PX, FontFamily::Monospace),
            ),
        ]
        .into();
        style.spacing.item_spacing = egui::vec2(8.0, 5.0);
        style.spacing.button_padding = egui::vec2(8.0, 3.0);
        style.spacing.interact_size.y = 22.0;
        // Wide enough to hit every value of a slider's range (egui's default is 100).
        style.spacing.slider_width = 200.0;
    });
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

/// The longest of `hints` (longest first) that fits the rest of the line, in the weak
/// text colour; none if none fits: a hint is never clipped at the window's edge.
pub fn fitting_hint(ui: &mut egui::Ui, hints: &[&str]) {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let room = ui.available_width();
    let fits = |hint: &&&str| {
        ui.fonts_mut(|f| {
            f.layout_no_wrap((**hint).to_owned(), font.clone(), Color32::PLACEHOLDER)
                .size()
                .x
        }) <= room
    };
    if let Some(hint) = hints.iter().find(fits) {
        ui.label(egui::RichText::new(*hint).color(ui.visuals().weak_text_color()));
    }
}
