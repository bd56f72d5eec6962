//! Every limit on what enters the app, in one place: the bytes a file may have, the
//! statements a graph may hold, the characters a field takes. Each is enforced where the
//! data enters (the reading gate in [`crate::files`], the parser, the lesson checker, the
//! answer fields), refused with a one-line message that names the limit, and listed in the
//! README's "Limits" table (a test keeps the two equal).

/// The largest script `grad`, `hessian`, `hvp` and `export` read, from a file or standard
/// input, in bytes: one less than 4 GiB, since the parser keeps positions in 32 bits. A
/// million-statement script has about 20 MB, and `grad` takes it in under a second;
/// memory is the practical bound.
pub const SCRIPT_BYTES: u64 = u32::MAX as u64;

/// The largest lesson file read, in bytes (1 MiB; the largest shipped lesson has 20 kB).
pub const LESSON_FILE_BYTES: u64 = 1 << 20;

/// The largest progress file read, in bytes (16 MiB; a learner's file has a few kB). The
/// store refuses to write a bigger one, so it can always read what it wrote.
pub const PROGRESS_BYTES: u64 = 16 << 20;

/// The largest settings file of the window (eframe's `app.ron`: theme, page, Playground
/// script) read at start, in bytes (4 MiB); a bigger one is set aside.
pub const APP_STORAGE_BYTES: u64 = 4 << 20;

/// The most statements a Graph section of a lesson may hold. Measured on the release
/// build (a chain `x{i} = x{i-1} * 0.9 + 0.1`, loading plus the first frame of its page):
/// 10,000 statements open in 0.39-0.55 s, 20,000 in 0.77 s, 40,000 in 2.0 s, and 500,000
/// froze the app for 40 s. 10,000 is the largest round number well under a second.
pub const GRAPH_STATEMENTS: usize = 10_000;

/// The most statements of a Playground script restored at start. Measured on the release
/// build (a chain `x{i} = x{i-1} * 0.9 + 0.1`, the first frame of the Playground, then
/// one more): 2,000 statements 0.27 s then 0.13 s, 5,000 0.46 s then 0.27 s, 10,000
/// 1.08 s then 0.94 s. 5,000 is the largest round number that opens in well under a
/// second.
pub const PLAYGROUND_STATEMENTS: usize = 5_000;

/// The most nodes a picture is drawn for: the app (lesson graphs and the Playground) and
/// `backprop-lab export` say so in one line past it, and `check` refuses a lesson graph
/// over it. Drawing costs time and memory in proportion to nodes and edges, but a picture
/// of more boxes than this is no use to read (`grad` takes millions).
pub const DRAWN_NODES: usize = 20_000;

/// The deepest nesting of parentheses and unary operators a script may have: the parser
/// and the engine stay iterative past it, but no readable formula comes near it.
pub const NESTING: usize = 256;

/// The longest answer a quiz field takes, in characters: a formula a learner writes is far
/// shorter, and a burst of pasted or typed text (10,000 characters) must not cost
/// gigabytes of layout.
pub const ANSWER_CHARS: usize = 200;

/// The longest word an error line prints whole, in characters: a longer one (a name of a
/// million characters, a huge argument) keeps its first 60 characters and an ellipsis.
pub const ERROR_WORD_CHARS: usize = 200;

/// The most boxes a "Backprop it yourself" question in a lesson's quiz asks the learner to
/// fill (a graph on a lesson page or in the Playground may have more: the learner chose
/// it).
pub const BY_HAND_BOXES: usize = 12;

/// The longest link fragment read (the part of an address after `#`), in bytes (64 KiB):
/// room for a Playground script of a few hundred lines; a longer one opens the start page
/// with a notice.
pub const LINK_BYTES: usize = 64 << 10;
