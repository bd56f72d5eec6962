//! How a lesson page's sections are arranged. In a window wide enough for a figure beside
//! the reading column, each figure (a wide section: a graph, a plot) is drawn beside the
//! text that follows it, which talks about it, and stays in view while that text scrolls
//! past (as Distill's articles do). Text before the first figure, and a figure that no
//! text follows, keep the page's single column.

/// The narrowest figure drawn beside the text: below it, figures go under their text.
pub const MIN_FIGURE_WIDTH: f32 = 640.0;
/// The space between the text column and a figure beside it.
pub const COLUMN_GAP: f32 = 24.0;

/// A run of a page's sections, drawn together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Sections in the reading column.
    Text(Vec<usize>),
    /// A figure at the page's full width.
    Figure(usize),
    /// A figure beside the text that follows it.
    Beside {
        /// The figure's section.
        figure: usize,
        /// The text's sections, top to bottom.
        text: Vec<usize>,
    },
}

/// Whether a page `width` wide has room for a figure beside a `text_width` column.
pub fn has_room_beside(width: f32, text_width: f32) -> bool {
    width >= text_width + COLUMN_GAP + MIN_FIGURE_WIDTH
}

/// The blocks of a page whose sections are wide (figures) or not (text), in order.
pub fn blocks(wide: &[bool]) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut figure: Option<usize> = None;
    let mut text = Vec::new();
    let close = |figure: Option<usize>, text: Vec<usize>, blocks: &mut Vec<Block>| match figure {
        Some(figure) if text.is_empty() => blocks.push(Block::Figure(figure)),
        Some(figure) => blocks.push(Block::Beside { figure, text }),
        None if !text.is_empty() => blocks.push(Block::Text(text)),
        None => {}
    };
    for (index, &is_wide) in wide.iter().enumerate() {
        if is_wide {
            close(
                figure.replace(index),
                std::mem::take(&mut text),
                &mut blocks,
            );
        } else {
            text.push(index);
        }
    }
    close(figure, text, &mut blocks);
    blocks
}

/// Where a figure beside `text_height` of text starts, its block starting at `top`: in
/// view (`view_top`) while the text scrolls past, but never above its block nor below
/// the text's end.
pub fn sticky_top(top: f32, text_height: f32, figure_height: f32, view_top: f32) -> f32 {
    let lowest = top + (text_height - figure_height).max(0.0);
    view_top.clamp(top, lowest)
}

#[cfg(test)]
mod tests {
    use super::{Block, blocks, has_room_beside, sticky_top};

    #[test]
    fn each_figure_goes_beside_the_text_after_it() {
        // text, text, figure, text, text, figure, figure, text
        let wide = [false, false, true, false, false, true, true, false];
        assert_eq!(
            blocks(&wide),
            vec![
                Block::Text(vec![0, 1]),
                Block::Beside {
                    figure: 2,
                    text: vec![3, 4]
                },
                Block::Figure(5),
                Block::Beside {
                    figure: 6,
                    text: vec![7]
                },
            ]
        );
        assert_eq!(blocks(&[]), vec![]);
        assert_eq!(blocks(&[true]), vec![Block::Figure(0)]);
    }

    #[test]
    fn a_figure_stays_in_view_within_its_block() {
        // Block at 100, 800 px of text, a 300 px figure.
        assert_eq!(sticky_top(100.0, 800.0, 300.0, 0.0), 100.0);
        assert_eq!(sticky_top(100.0, 800.0, 300.0, 400.0), 400.0);
        assert_eq!(sticky_top(100.0, 800.0, 300.0, 900.0), 600.0);
        // A figure taller than its text never moves.
        assert_eq!(sticky_top(100.0, 200.0, 300.0, 150.0), 100.0);
    }

    #[test]
    fn figures_go_beside_only_where_they_fit() {
        assert!(has_room_beside(1650.0, 760.0));
        assert!(!has_room_beside(932.0, 760.0));
    }
}
