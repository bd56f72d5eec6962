//! How tightly a picture is set. Roomy is the picture a graph is drawn in when the
//! canvas has room for it at full size. Compact closes the gaps and sets the edge plates
//! in the smallest readable type, so that a graph a little too wide for a laptop's
//! canvas is still drawn whole at 100%, its boxes at full size. Tight closes the gaps but
//! keeps the plates' type, so that the whole picture can be shrunk to the readable zoom:
//! the last resort before a graph overflows its canvas.

use super::layout::{Options, Spacing};
use super::text::{MIN_TEXT_PX, PLATE_FONT_PX};

/// How tightly a picture is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Density {
    /// Plates in the boxes' type, with room around them.
    #[default]
    Roomy,
    /// Gaps only as wide as the plates and the edges need, plates at [`MIN_TEXT_PX`]
    /// (never shrunk: the plates are at the smallest readable size already).
    Compact,
    /// Gaps as compact, plates in the boxes' type (shrunk as a whole when needed).
    Tight,
}

impl Density {
    /// Every density, the roomiest first.
    pub const ALL: [Density; 3] = [Density::Roomy, Density::Compact, Density::Tight];

    /// The size of a plate's text at 100% zoom.
    pub fn plate_font_px(self) -> f32 {
        match self {
            Density::Roomy | Density::Tight => PLATE_FONT_PX,
            Density::Compact => MIN_TEXT_PX,
        }
    }

    /// The spacing of the layout.
    pub fn spacing(self) -> Spacing {
        match self {
            Density::Roomy => Spacing::default(),
            Density::Compact | Density::Tight => Spacing {
                between_boxes: 14.0,
                min_layer_gap: 28.0,
                plate_margin: 3.0,
                between_plates: 4.0,
                margin: 4.0,
                chain_gap: 10.0,
                ..Spacing::default()
            },
        }
    }

    /// The layout's options at this density.
    pub fn options(self) -> Options {
        Options {
            spacing: self.spacing(),
            comb: self != Density::Roomy,
            ..Options::default()
        }
    }

    /// The position of this density in [`Density::ALL`] (for caches of pictures).
    pub fn index(self) -> usize {
        match self {
            Density::Roomy => 0,
            Density::Compact => 1,
            Density::Tight => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Density;
    use crate::diagram::text::MIN_TEXT_PX;

    #[test]
    fn compact_is_tighter_and_still_readable() {
        let (roomy, compact) = (Density::Roomy.spacing(), Density::Compact.spacing());
        assert!(compact.plate_margin < roomy.plate_margin);
        assert!(compact.chain_gap < roomy.chain_gap);
        assert!(compact.min_layer_gap < roomy.min_layer_gap);
        assert!(Density::Compact.plate_font_px() >= MIN_TEXT_PX);
        assert!(Density::Compact.plate_font_px() < Density::Roomy.plate_font_px());
        assert_eq!(Density::Tight.spacing().chain_gap, compact.chain_gap);
        assert_eq!(
            Density::Tight.plate_font_px(),
            Density::Roomy.plate_font_px()
        );
        for (k, density) in Density::ALL.into_iter().enumerate() {
            assert_eq!(density.index(), k);
        }
    }
}
