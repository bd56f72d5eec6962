//! How tightly a picture is set. Roomy is the picture a graph is drawn in when the
//! canvas has room for it at full size; compact sets the edge plates in the smallest
//! readable type and closes the gaps around them, so that a graph a little too wide for
//! a laptop's canvas is still drawn whole at 100%, its boxes at full size.

use super::fit::MIN_TEXT_PX;
use super::layout::{Options, Spacing};
use super::text::PLATE_FONT_PX;

/// How tightly a picture is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Density {
    /// Plates in the boxes' type, with room around them.
    #[default]
    Roomy,
    /// Plates at [`MIN_TEXT_PX`], gaps only as wide as the plates and the edges need.
    Compact,
}

impl Density {
    /// Both densities, the roomier first.
    pub const ALL: [Density; 2] = [Density::Roomy, Density::Compact];

    /// The size of a plate's text at 100% zoom.
    pub fn plate_font_px(self) -> f32 {
        match self {
            Density::Roomy => PLATE_FONT_PX,
            Density::Compact => MIN_TEXT_PX,
        }
    }

    /// The spacing of the layout.
    pub fn spacing(self) -> Spacing {
        match self {
            Density::Roomy => Spacing::default(),
            Density::Compact => Spacing {
                between_boxes: 16.0,
                min_layer_gap: 30.0,
                plate_margin: 4.0,
                between_plates: 4.0,
                margin: 8.0,
                chain_gap: 16.0,
                ..Spacing::default()
            },
        }
    }

    /// The layout's options at this density.
    pub fn options(self) -> Options {
        Options {
            spacing: self.spacing(),
            ..Options::default()
        }
    }

    /// The position of this density in [`Density::ALL`] (for caches of pictures).
    pub fn index(self) -> usize {
        match self {
            Density::Roomy => 0,
            Density::Compact => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Density;
    use crate::diagram::fit::MIN_TEXT_PX;

    #[test]
    fn compact_is_tighter_and_still_readable() {
        let (roomy, compact) = (Density::Roomy.spacing(), Density::Compact.spacing());
        assert!(compact.plate_margin < roomy.plate_margin);
        assert!(compact.chain_gap < roomy.chain_gap);
        assert!(compact.min_layer_gap < roomy.min_layer_gap);
        assert!(Density::Compact.plate_font_px() >= MIN_TEXT_PX);
        assert!(Density::Compact.plate_font_px() < Density::Roomy.plate_font_px());
    }
}
