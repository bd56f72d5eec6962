//! How a lesson page's sections are arranged. In a window wide enough for a figure beside
//! the reading column, the text runs in one column and each figure (a wide section: a
//! graph, a plot) stands beside the text about it, kept in view while that text scrolls
//! past (as Distill's articles do). The text about a figure is its topic: a topic starts
//! at a text that opens with a heading, so a "Try it" paragraph before a figure and the
//! discussion after it stand beside the same figure, and the next topic's lead-in stands
//! beside the next figure. A figure with no text in its topic keeps the full width.

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

/// What a section is to the page's arrangement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A figure: drawn beside its text when there is room.
    Figure,
    /// Text (or a question) that goes on its topic.
    Text,
    /// Text that opens a new topic with a heading.
    Heading,
}

/// The blocks of a page whose sections have these roles, in order. Within a topic, the
/// first figure takes the text before it and the text up to the next figure; the last
/// takes the text after it.
pub fn blocks(roles: &[Role]) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut topic_start = 0;
    for end in 1..=roles.len() {
        if end == roles.len() || roles[end] == Role::Heading {
            topic_blocks(roles, topic_start..end, &mut blocks);
            topic_start = end;
        }
    }
    blocks
}

/// The blocks of one topic, the sections `range`.
fn topic_blocks(roles: &[Role], range: std::ops::Range<usize>, blocks: &mut Vec<Block>) {
    let mut figure: Option<usize> = None;
    let mut text = Vec::new();
    let close = |figure: usize, text: Vec<usize>, blocks: &mut Vec<Block>| {
        blocks.push(if text.is_empty() {
            Block::Figure(figure)
        } else {
            Block::Beside { figure, text }
        });
    };
    for index in range {
        if roles[index] == Role::Figure {
            if let Some(previous) = figure.replace(index) {
                close(previous, std::mem::take(&mut text), blocks);
            }
        } else {
            text.push(index);
        }
    }
    match figure {
        Some(figure) => close(figure, text, blocks),
        None if !text.is_empty() => blocks.push(Block::Text(text)),
        None => {}
    }
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
    use super::{Block, Role, blocks, has_room_beside, sticky_top};

    #[test]
    fn each_figure_stands_beside_the_text_of_its_topic() {
        use Role::{Figure as F, Heading as H, Text as T};
        let roles = [T, T, H, F, T, H, T, F, F, T, H, T];
        assert_eq!(
            blocks(&roles),
            vec![
                // The introduction, before any heading, has no figure.
                Block::Text(vec![0, 1]),
                // A lead-in, its figure, the discussion.
                Block::Beside {
                    figure: 3,
                    text: vec![2, 4]
                },
                // Two figures in one topic: the first takes the text before it.
                Block::Beside {
                    figure: 7,
                    text: vec![5, 6]
                },
                Block::Beside {
                    figure: 8,
                    text: vec![9]
                },
                Block::Text(vec![10, 11]),
            ]
        );
        assert_eq!(blocks(&[]), vec![]);
        assert_eq!(blocks(&[F]), vec![Block::Figure(0)]);
        // No heading at all: the whole page is one topic.
        assert_eq!(
            blocks(&[T, F, T]),
            vec![Block::Beside {
                figure: 1,
                text: vec![0, 2]
            }]
        );
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
