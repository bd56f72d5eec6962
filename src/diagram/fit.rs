//! How a picture fits the canvas it gets: the direction its layers run and the zoom it is
//! shown at. The app's graph view and `backprop-lab export --width --height` choose with
//! the same rule, so an exported picture is the one a learner sees after Fit.

use super::Direction;
use super::density::Density;
use super::layout::Size;
pub use super::text::MIN_TEXT_PX;
use super::text::NODE_FONT_PX;

/// The largest zoom fitting chooses: the size the layout is made for. Beyond it a small
/// graph only gets bigger, not more legible.
pub const MAX_FIT_ZOOM: f32 = 1.0;

/// The smallest zoom at which every number of a roomy picture reads: its smallest text
/// at [`MIN_TEXT_PX`].
pub fn readable_zoom() -> f32 {
    readable_zoom_at(Density::Roomy)
}

/// The smallest zoom at which every number of a picture at `density` reads (a compact
/// picture's plates are at [`MIN_TEXT_PX`] already: it is never shrunk).
pub fn readable_zoom_at(density: Density) -> f32 {
    MIN_TEXT_PX / NODE_FONT_PX.min(density.plate_font_px())
}

/// A direction, a density and a zoom for a picture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// The direction the layers run.
    pub direction: Direction,
    /// How tightly the picture is set.
    pub density: Density,
    /// The zoom (1.0: the picture's own size).
    pub zoom: f32,
}

impl Fit {
    /// Whether a picture of `size` drawn at this fit lies inside `width` × `height`.
    pub fn shows_whole(&self, size: Size, width: f32, height: f32) -> bool {
        size.w * self.zoom <= width + 0.5 && size.h * self.zoom <= height + 0.5
    }
}

/// The direction, density and zoom for a canvas `width` wide and at most `max_height`
/// tall, given the picture's size in each direction and density (asked for only when
/// needed: a picture is a layout).
///
/// The graph is shown whole, left to right if it can be, else top to bottom; in one
/// direction, the first that shows it whole of: roomy at 100%, compact at 100%, tight
/// shrunk to at most [`readable_zoom`]. When no direction does, the zoom stays at
/// [`readable_zoom`] and the roomy picture overflows in one direction only: left to
/// right if its height fits (the canvas scrolls sideways), else top to bottom if its
/// width fits (it scrolls down), else left to right.
pub fn fit(
    mut size_of: impl FnMut(Direction, Density) -> Size,
    width: f32,
    max_height: f32,
) -> Fit {
    let zoom_for = |size: Size| {
        (width / size.w.max(1.0))
            .min(max_height / size.h.max(1.0))
            .min(MAX_FIT_ZOOM)
    };
    let mut roomy = [Size::default(); 2];
    for (slot, direction) in [Direction::LeftToRight, Direction::TopToBottom]
        .into_iter()
        .enumerate()
    {
        roomy[slot] = size_of(direction, Density::Roomy);
        let roomy_zoom = zoom_for(roomy[slot]);
        if roomy_zoom >= MAX_FIT_ZOOM {
            return Fit {
                direction,
                density: Density::Roomy,
                zoom: roomy_zoom,
            };
        }
        if zoom_for(size_of(direction, Density::Compact)) >= MAX_FIT_ZOOM {
            return Fit {
                direction,
                density: Density::Compact,
                zoom: MAX_FIT_ZOOM,
            };
        }
        let tight_zoom = zoom_for(size_of(direction, Density::Tight));
        if tight_zoom >= readable_zoom_at(Density::Tight) {
            return Fit {
                direction,
                density: Density::Tight,
                zoom: tight_zoom,
            };
        }
    }
    let floor = readable_zoom();
    let [wide, tall] = roomy;
    let direction = if wide.h * floor <= max_height || tall.w * floor > width {
        Direction::LeftToRight
    } else {
        Direction::TopToBottom
    };
    Fit {
        direction,
        density: Density::Roomy,
        zoom: floor,
    }
}

#[cfg(test)]
mod tests {
    use super::{Density, Direction, Fit, MAX_FIT_ZOOM, Size, fit, readable_zoom};

    /// Sizes by direction; a compact or tight picture is `squeeze` times the roomy one.
    fn squeezed(
        wide: (f32, f32),
        tall: (f32, f32),
        squeeze: f32,
    ) -> impl FnMut(Direction, Density) -> Size {
        move |direction, density| {
            let (w, h) = match direction {
                Direction::LeftToRight => wide,
                Direction::TopToBottom => tall,
            };
            let k = if density == Density::Roomy {
                1.0
            } else {
                squeeze
            };
            Size { w: w * k, h: h * k }
        }
    }

    /// Sizes by direction; compact no smaller than roomy.
    fn sizes(wide: (f32, f32), tall: (f32, f32)) -> impl FnMut(Direction, Density) -> Size {
        squeezed(wide, tall, 1.0)
    }

    #[test]
    fn a_graph_that_fits_is_left_to_right_at_its_own_size() {
        let chosen = fit(sizes((800.0, 200.0), (200.0, 800.0)), 900.0, 500.0);
        assert_eq!(
            chosen,
            Fit {
                direction: Direction::LeftToRight,
                density: Density::Roomy,
                zoom: MAX_FIT_ZOOM
            }
        );
    }

    #[test]
    fn a_slightly_wide_graph_is_shrunk_but_never_below_readable() {
        let chosen = fit(sizes((1000.0, 200.0), (200.0, 1000.0)), 900.0, 500.0);
        assert_eq!(chosen.direction, Direction::LeftToRight);
        assert_eq!(chosen.density, Density::Tight);
        assert!((chosen.zoom - 0.9).abs() < 1e-6);
        assert!(chosen.zoom >= readable_zoom());
    }

    #[test]
    fn a_deep_graph_turns_top_to_bottom_when_that_fits() {
        let chosen = fit(sizes((2000.0, 150.0), (300.0, 480.0)), 900.0, 500.0);
        assert_eq!(
            chosen,
            Fit {
                direction: Direction::TopToBottom,
                density: Density::Roomy,
                zoom: 1.0
            }
        );
    }

    #[test]
    fn a_graph_too_big_either_way_overflows_in_one_direction_only() {
        let floor = readable_zoom();
        // Long and flat: scrolls sideways.
        let chosen = fit(sizes((4000.0, 150.0), (300.0, 3000.0)), 900.0, 500.0);
        assert_eq!(chosen.direction, Direction::LeftToRight);
        assert_eq!(chosen.zoom, floor);
        assert!(150.0 * chosen.zoom <= 500.0);
        // Tall in both: the direction whose width fits, scrolling down.
        let chosen = fit(sizes((4000.0, 900.0), (800.0, 3000.0)), 900.0, 500.0);
        assert_eq!(chosen.direction, Direction::TopToBottom);
        assert!(800.0 * chosen.zoom <= 900.0);
    }

    #[test]
    fn compact_at_full_size_comes_before_shrinking() {
        // 10% too wide roomy, fits compact: compact at 100%.
        let chosen = fit(squeezed((990.0, 200.0), (200.0, 990.0), 0.9), 900.0, 500.0);
        assert_eq!(chosen.density, Density::Compact);
        assert_eq!(chosen.zoom, 1.0);
        assert_eq!(chosen.direction, Direction::LeftToRight);
        // Too wide even compact: tight (the same size here), shrunk; never compact
        // below 100%, whose plates are at the smallest readable size already.
        let chosen = fit(
            squeezed((1000.0, 200.0), (200.0, 1000.0), 0.95),
            900.0,
            500.0,
        );
        assert_eq!(chosen.density, Density::Tight);
        assert!((chosen.zoom - 900.0 / 950.0).abs() < 1e-6, "{chosen:?}");
    }

    #[test]
    fn readable_zoom_keeps_every_text_at_twelve_pixels() {
        use crate::diagram::text::{NODE_FONT_PX, PLATE_FONT_PX};
        let zoom = readable_zoom();
        assert!(NODE_FONT_PX * zoom >= 12.0 - 1e-4);
        assert!(PLATE_FONT_PX * zoom >= 12.0 - 1e-4);
        assert!(zoom < 1.0, "fitting can shrink a graph a little");
    }
}
