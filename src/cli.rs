//! The headless command line: `grad`, `hessian` and `hvp` (see
//! `docs/graph-script.md`), `check` for lesson files and `export` for pictures.

use std::io::{Read, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::engine::{self, FlatTape, Graph, NodeId, Program};
use crate::lesson;
use crate::limits::{ERROR_WORD_CHARS, SCRIPT_BYTES};

/// Backprop Lab: the chain rule and backpropagation, live.
#[derive(Debug, Parser)]
#[command(name = "backprop-lab", version, about)]
pub struct Cli {
    /// What to do; without a command, the app starts.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Read the lessons from this folder of RON files instead of the built-in ones.
    #[arg(long, value_name = "DIR", global = true)]
    pub lessons: Option<PathBuf>,
}

/// The headless commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the forward and backward pass of a graph script; print values and gradients as JSON.
    Grad(ScriptArgs),
    /// Print the Hessian of the output with respect to the inputs, by backprop through backprop.
    Hessian(HessianArgs),
    /// Print the Hessian-vector product H·v (one backward pass through the backward pass).
    Hvp(HvpArgs),
    /// Validate lesson files (the built-in ones, or every *.ron file of DIR).
    Check(CheckArgs),
    /// Draw the graph as the app does (at 100%, or fitted to --width), to SVG and/or DOT files.
    Export(ExportArgs),
    /// Print the lessons' questions as the app draws them for a seed: a handout, or its key.
    Worksheet(WorksheetArgs),
    /// Print a learner's saved progress, read only (for a teacher to collect).
    Progress(ProgressArgs),
    /// Start the app on what a link says (`'#lesson=06-vanishing-gradient&seed=42'`, or a
    /// whole address ending in such a fragment).
    Open(OpenArgs),
}

/// `open`: the link.
#[derive(Debug, Args)]
pub struct OpenArgs {
    /// The link, or just its fragment (the part after `#`).
    #[arg(value_name = "LINK")]
    pub link: String,
}

impl OpenArgs {
    /// The fragment of the link: the part after its first `#`, or all of it.
    pub fn fragment(&self) -> &str {
        self.link
            .split_once('#')
            .map_or(self.link.as_str(), |(_, fragment)| fragment)
    }
}

/// `progress`: where to read and how to print.
#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// The folder holding `progress.ron`; without it, `$BACKPROP_LAB_DATA_DIR` if set,
    /// else the app's data folder.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Lines for people, or JSON.
    #[arg(long, value_enum, default_value_t = ProgressFormat::Text)]
    pub format: ProgressFormat,
}

/// How `progress` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProgressFormat {
    /// One line per lesson.
    Text,
    /// `{"version", "folder", "lessons": [{"file", "title", "opened", "finished",
    /// "first_try", "best", "questions"}], "concepts": [{"name", "mastery", "state"}],
    /// "due"}`.
    Json,
}

/// `worksheet`: which lessons, which draw, and how to print it.
#[derive(Debug, Args)]
pub struct WorksheetArgs {
    /// A lesson file or a folder of them; without it, the lessons built into the binary.
    #[arg(value_name = "FILE|DIR")]
    pub path: Option<PathBuf>,
    /// Which draw of the numbers and option orders: 0 is what the app shows when a page
    /// opens, N what an assessment shows after N retakes.
    #[arg(long, value_name = "N")]
    pub seed: u64,
    /// Markdown for paper, or JSON.
    #[arg(long, value_enum, default_value_t = WorksheetFormat::Md)]
    pub format: WorksheetFormat,
    /// Print the key: the right options, the numbers, a right formula.
    #[arg(long)]
    pub answers: bool,
}

/// How `worksheet` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WorksheetFormat {
    /// Markdown.
    Md,
    /// JSON: `{"lessons": [{"file", "title", "questions": [...]}]}`.
    Json,
}

/// `export`: the program, `--at` overrides and where to write the pictures.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The program and the inputs to override.
    #[command(flatten)]
    pub script: ScriptArgs,
    /// Write the SVG here (without --svg or --dot, the SVG goes to standard output).
    #[arg(long, value_name = "OUT.svg")]
    pub svg: Option<PathBuf>,
    /// Write the Graphviz DOT here.
    #[arg(long, value_name = "OUT.dot")]
    pub dot: Option<PathBuf>,
    /// Draw the SVG as the app shows the graph after Fit in a canvas this many pixels
    /// wide: the direction and zoom that show it whole, text never below 12 px.
    #[arg(long, value_name = "PIXELS", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub width: Option<u32>,
    /// The canvas's height in pixels, for --width (or alone).
    #[arg(long, value_name = "PIXELS", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub height: Option<u32>,
}

/// Which lessons `check` reads.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A folder of lesson files; without it, the lessons built into the binary.
    pub dir: Option<PathBuf>,
    /// Fail (exit 1) on warnings too, not only on errors.
    #[arg(long)]
    pub strict: bool,
}

/// Where the program comes from and which inputs to override.
#[derive(Debug, Args)]
pub struct ScriptArgs {
    /// The graph script file; `-` or nothing reads standard input.
    pub file: Option<PathBuf>,
    /// Override an input: NAME=VALUE (VALUE like -2.5 or +1e3). May repeat.
    #[arg(long = "at", value_name = "NAME=VALUE")]
    pub at: Vec<String>,
}

/// The most inputs `hessian` takes unless `--max-inputs` raises it: its answer has one
/// number per pair of inputs (4 million at 2,000), and each column costs an H·v sweep
/// (about two passes over the tape); beyond this, H·v (`hvp`) is the tool.
pub const HESSIAN_MAX_INPUTS: usize = 2_000;

/// `hessian`: the program, `--at` overrides and the size limit.
#[derive(Debug, Args)]
pub struct HessianArgs {
    /// The program and the inputs to override.
    #[command(flatten)]
    pub script: ScriptArgs,
    /// Refuse programs with more inputs than this (the Hessian has inputs² entries).
    #[arg(long = "max-inputs", value_name = "N", default_value_t = HESSIAN_MAX_INPUTS)]
    pub max_inputs: usize,
}

/// `hvp`: the program, `--at` overrides and the vector v.
#[derive(Debug, Args)]
pub struct HvpArgs {
    /// The program and the inputs to override.
    #[command(flatten)]
    pub script: ScriptArgs,
    /// The vector v over the inputs: NAME=VALUE,... (inputs left out count as 0). May repeat.
    #[arg(long = "v", value_name = "NAME=VALUE,...", required = true)]
    pub v: Vec<String>,
}

/// A failure to report as `error: ...` with exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The script did not parse.
    #[error("{0}")]
    Parse(#[from] engine::ParseError),
    /// The file or standard input could not be read: it does not exist, it is not a
    /// regular file (refused before opening, so reading never hangs or runs forever), or
    /// it is over its limit (never read past it).
    #[error("cannot read {what}: {source}")]
    Read {
        /// What was being read.
        what: String,
        /// Why it failed.
        source: crate::files::ReadError,
    },
    /// `progress` found no folder to read (no `--data-dir`, no `BACKPROP_LAB_DATA_DIR`).
    #[error("no progress folder: give --data-dir DIR or set BACKPROP_LAB_DATA_DIR")]
    NoDataFolder,
    /// The progress file could not be read.
    #[error("cannot read {what}: {why}")]
    Progress {
        /// The file's path.
        what: String,
        /// Why.
        why: String,
    },
    /// `hessian` on more inputs than `--max-inputs` allows.
    #[error(
        "the program has {inputs} inputs, so its Hessian has {inputs}x{inputs} entries; the limit is {max} (raise it with --max-inputs N, or use 'hvp' for H·v, one backward pass through the backward pass)"
    )]
    TooManyInputs {
        /// How many inputs the program declares.
        inputs: usize,
        /// The limit in force.
        max: usize,
    },
    /// An output path names something that is not a regular file (a FIFO, a device, a
    /// directory): refused, so writing never blocks on a reader that never comes.
    #[error("cannot write {what}: it is {kind}, not a regular file")]
    NotAFileToWrite {
        /// The path as given.
        what: String,
        /// What it is instead.
        kind: &'static str,
    },
    /// The graph has more nodes than a picture is drawn for.
    #[error("{0}")]
    TooBigToDraw(String),
    /// A link that cannot be opened.
    #[error("{0}")]
    Link(#[from] crate::link::LinkError),
    /// `--svg` and `--dot` name the same file: one would silently replace the other.
    #[error("--svg and --dot name the same file, {what}: give each its own")]
    SameOutput {
        /// The path.
        what: String,
    },
    /// An output file could not be written.
    #[error("cannot write {what}: {source}")]
    Write {
        /// The path.
        what: String,
        /// Why it failed.
        source: std::io::Error,
    },
    /// A `--at` option was malformed or named something that is not an input.
    #[error("--at {arg}: {why}")]
    At {
        /// The option as given.
        arg: String,
        /// What is wrong with it.
        why: String,
    },
    /// A lesson of a worksheet is broken or a question cannot be drawn.
    #[error("{0}")]
    Lesson(String),
    /// A `--v` option was malformed, named something that is not an input, or named an
    /// input twice.
    #[error("--v {arg}: {why}")]
    V {
        /// The option as given.
        arg: String,
        /// What is wrong with it.
        why: String,
    },
}

/// Runs a headless command: the text for stdout, or the error for stderr.
pub fn run(command: &Command, stdin: &mut dyn Read) -> Result<String, CliError> {
    match command {
        Command::Grad(args) => {
            let mut bytes = Vec::new();
            // Writing to a Vec cannot fail.
            let _ = grad_to(args, stdin, &mut bytes)?;
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        }
        Command::Hessian(args) => {
            let source = read_source(&args.script, stdin)?;
            let mut program = load_flat(&args.script, &source)?;
            if program.inputs.len() > args.max_inputs {
                return Err(CliError::TooManyInputs {
                    inputs: program.inputs.len(),
                    max: args.max_inputs,
                });
            }
            Ok(hessian_json(&mut program))
        }
        Command::Hvp(args) => {
            let source = read_source(&args.script, stdin)?;
            let mut program = load_flat(&args.script, &source)?;
            let v = parse_v(&args.v, &program)?;
            Ok(hvp_json(&mut program, &v))
        }
        Command::Check(args) => Ok(check_lessons(args).0),
        Command::Worksheet(args) => worksheet(args),
        Command::Progress(args) => {
            let folder = args
                .data_dir
                .clone()
                .or_else(|| std::env::var_os(DATA_DIR_VARIABLE).map(PathBuf::from))
                .ok_or(CliError::NoDataFolder)?;
            progress_report(args.format, &folder)
        }
        Command::Export(args) => {
            let mut program = load(&args.script, stdin)?;
            export(&mut program, args)
        }
        // `open` starts the window (the binary's `main` does that); as a headless command
        // it checks the link and says what it would open.
        Command::Open(args) => match crate::link::parse(args.fragment()) {
            Ok(link) => Ok(format!("{}\n", crate::link::format(&link))),
            Err(error) => Err(CliError::Link(error)),
        },
    }
}

/// Writes the files `export` asks for; returns what goes to stdout (the SVG when no file
/// was named, else nothing).
fn export(program: &mut Program, args: &ExportArgs) -> Result<String, CliError> {
    use crate::diagram::export::{to_dot, to_svg_fitted};
    let to_svg = |program: &mut Program| match (args.width, args.height) {
        (None, None) => crate::diagram::export::to_svg(program),
        (width, height) => {
            to_svg_fitted(program, width.map(|w| w as f32), height.map(|h| h as f32))
        }
    };
    if let Some(why) = crate::diagram::too_big_to_draw(program.graph.node_count()) {
        return Err(CliError::TooBigToDraw(why));
    }
    if let (Some(svg), Some(dot)) = (&args.svg, &args.dot)
        && same_file(svg, dot)
    {
        return Err(CliError::SameOutput {
            what: svg.display().to_string(),
        });
    }
    let write = |path: &PathBuf, text: String| {
        if let Ok(metadata) = std::fs::metadata(path)
            && !metadata.is_file()
        {
            return Err(CliError::NotAFileToWrite {
                what: path.display().to_string(),
                kind: crate::files::kind_of(metadata.file_type()),
            });
        }
        std::fs::write(path, text).map_err(|source| CliError::Write {
            what: path.display().to_string(),
            source,
        })
    };
    if args.svg.is_none() && args.dot.is_none() {
        return Ok(to_svg(program));
    }
    if let Some(path) = &args.svg {
        write(path, to_svg(program))?;
    }
    if let Some(path) = &args.dot {
        write(path, to_dot(program))?;
    }
    Ok(String::new())
}

/// `check`: every error on stderr as `error: FILE:LINE:COLUMN: ...` and every warning as
/// `FILE:LINE:COLUMN: warning: ...`, then the summary line; returns the summary (for
/// stdout) and the exit status (1 on an error, or with `--strict` on a warning).
pub fn check_lessons(args: &CheckArgs) -> (String, i32) {
    let files = match &args.dir {
        Some(dir) => match lesson::load_folder(dir) {
            Ok(files) => files,
            Err(error) => {
                say_on_stderr(&format!("error: {error}"));
                return (
                    "checked 0 lessons: 0 sections, 0 questions, 1 errors\n".into(),
                    1,
                );
            }
        },
        None => lesson::load_embedded(),
    };
    let (mut sections, mut questions, mut errors, mut warnings) = (0, 0, 0, 0);
    for file in &files {
        for warning in &file.warnings {
            say_on_stderr(&warning.as_warning());
        }
        warnings += file.warnings.len();
        match &file.lesson {
            Ok(lesson) => {
                sections += lesson.sections.len();
                questions += lesson.question_count();
            }
            Err(problems) => {
                for problem in problems {
                    say_on_stderr(&format!("error: {problem}"));
                }
                errors += problems.len();
            }
        }
    }
    // Warnings are counted only when there are some: the clean summary stays as it was.
    let warned = if warnings > 0 {
        format!(", {warnings} warnings")
    } else {
        String::new()
    };
    let summary = format!(
        "checked {} lessons: {sections} sections, {questions} questions, {errors} errors{warned}\n",
        files.len()
    );
    (
        summary,
        i32::from(errors > 0 || (args.strict && warnings > 0)),
    )
}

/// The variable that names the app's data folder (as the app reads it).
pub const DATA_DIR_VARIABLE: &str = "BACKPROP_LAB_DATA_DIR";

/// `progress`: what `folder`'s progress file holds, per lesson (the built-in lessons in
/// their order, then any other lesson file the progress names), read only.
pub fn progress_report(
    format: ProgressFormat,
    folder: &std::path::Path,
) -> Result<String, CliError> {
    use std::fmt::Write as _;
    let what = folder
        .join(crate::progress::store::FILE_NAME)
        .display()
        .to_string();
    let saved =
        crate::progress::store::peek(folder).map_err(|why| CliError::Progress { what, why })?;
    let nothing_saved = saved.is_none();
    let mut progress = saved.unwrap_or_default();
    let file_version = progress.version;
    let files = lesson::load_embedded();
    // Format-1 records move to their questions' ids, in memory only: the file is never
    // written.
    for file in &files {
        if let Ok(lesson) = &file.lesson {
            progress.know_question_ids(&file.file, lesson.question_ids());
        }
    }
    let tracked = lesson::tracked_questions(&files);
    let tracked: Vec<crate::progress::mastery::Tracked<'_>> = tracked
        .iter()
        .map(|(file, id, concepts)| crate::progress::mastery::Tracked { file, id, concepts })
        .collect();
    let now = crate::progress::review::now();
    let concepts = crate::progress::mastery::concepts(&progress, &tracked, now);
    let due = crate::progress::mastery::due(&progress, &tracked, now).len();
    // First tries are recorded since the first_try field: older answers have none.
    let first_try = |lesson: &crate::progress::LessonProgress| {
        lesson.knows_first_tries().then(|| lesson.first_try_score())
    };
    let mut rows: Vec<(String, String, u32)> = files
        .iter()
        .map(|f| {
            let count = f
                .lesson
                .as_ref()
                .map_or(0, |l| u32::try_from(l.question_count()).unwrap_or(u32::MAX));
            (f.file.clone(), f.title(), count)
        })
        .collect();
    for (file, lesson) in &progress.lessons {
        if !rows.iter().any(|(f, _, _)| f == file) {
            rows.push((file.clone(), file.clone(), lesson.question_count));
        }
    }
    let mut out = String::new();
    match format {
        ProgressFormat::Json => {
            let _ = write!(
                out,
                "{{\"version\": {}, \"folder\": ",
                crate::progress::VERSION
            );
            crate::json::push_json_string(&mut out, &folder.display().to_string());
            out.push_str(", \"lessons\": [");
            for (i, (file, title, questions)) in rows.iter().enumerate() {
                let lesson = progress.lesson(file);
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str("{\"file\": ");
                crate::json::push_json_string(&mut out, file);
                out.push_str(", \"title\": ");
                crate::json::push_json_string(&mut out, title);
                let first = first_try(&lesson).map_or("null".to_string(), |n| n.to_string());
                let _ = write!(
                    out,
                    ", \"opened\": {}, \"finished\": {}, \"first_try\": {first}, \"best\": {}, \"questions\": {}}}",
                    lesson.opened,
                    lesson.finished,
                    lesson.best_score(),
                    questions
                );
            }
            out.push_str("], \"concepts\": [");
            for (i, concept) in concepts.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str("{\"name\": ");
                crate::json::push_json_string(&mut out, &concept.name);
                out.push_str(", \"mastery\": ");
                crate::json::push_shortest(&mut out, (concept.mastery * 1000.0).round() / 1000.0);
                out.push_str(", \"state\": ");
                crate::json::push_json_string(&mut out, concept.state.word());
                out.push('}');
            }
            let _ = writeln!(out, "], \"due\": {due}}}");
        }
        ProgressFormat::Text => {
            let _ = writeln!(
                out,
                "Progress in {} ({}):",
                crate::lesson::error::one_line(&folder.display().to_string()),
                if nothing_saved {
                    "nothing saved yet".to_string()
                } else {
                    format!("format {file_version}")
                }
            );
            for (i, (file, title, questions)) in rows.iter().enumerate() {
                let lesson = progress.lesson(file);
                let state = match (lesson.opened, lesson.finished) {
                    (_, true) => "finished",
                    (true, false) => "opened",
                    (false, false) => "not opened",
                };
                let _ = write!(
                    out,
                    "{:>2}. {}: {state}",
                    i + 1,
                    crate::lesson::error::one_line(title)
                );
                if *questions > 0 {
                    match first_try(&lesson) {
                        Some(n) => {
                            let _ = write!(out, "; first try {n} of {questions}");
                        }
                        None => out.push_str("; first try not recorded"),
                    }
                    let _ = write!(out, ", best {} of {questions}", lesson.best_score());
                }
                out.push('\n');
            }
            let _ = writeln!(out, "Due for review now: {due}");
            out.push_str("Concepts:\n");
            for concept in &concepts {
                let _ = writeln!(
                    out,
                    "  {}: {}% ({})",
                    crate::lesson::error::one_line(&concept.name),
                    (concept.mastery * 100.0).round(),
                    concept.state.word()
                );
            }
        }
    }
    Ok(out)
}

/// `worksheet`: the lessons' questions as drawn for the seed, as Markdown or JSON.
pub fn worksheet(args: &WorksheetArgs) -> Result<String, CliError> {
    use crate::lesson::worksheet;
    let files = match &args.path {
        None => lesson::load_embedded(),
        Some(path) if path.is_dir() => {
            lesson::load_folder(path).map_err(|e| CliError::Lesson(e.to_string()))?
        }
        // A single file through the same gate as a folder's: a FIFO or /dev/zero is refused
        // in one line instead of blocking or filling memory.
        Some(path) => {
            std::fs::metadata(path).map_err(|source| CliError::Read {
                what: path.display().to_string(),
                source: source.into(),
            })?;
            vec![lesson::load::load_file(path)]
        }
    };
    let mut sheets = Vec::with_capacity(files.len());
    for file in &files {
        let lesson = match &file.lesson {
            Ok(lesson) => lesson,
            Err(problems) => {
                let first = problems
                    .first()
                    .map_or_else(|| format!("{}: broken", file.file), ToString::to_string);
                return Err(CliError::Lesson(first));
            }
        };
        sheets
            .push(worksheet::draw_lesson(&file.file, lesson, args.seed).map_err(CliError::Lesson)?);
    }
    Ok(match args.format {
        WorksheetFormat::Md => worksheet::markdown(&sheets, args.seed, args.answers),
        WorksheetFormat::Json => worksheet::json(&sheets, args.answers),
    })
}

/// Parses the args and runs; writes stdout/stderr and returns the exit status.
pub fn main_with(command: &Command) -> i32 {
    // Only `export` to files writes nothing on stdout: every other command's answer would
    // be lost.
    let writes_files = matches!(command, Command::Export(a) if a.svg.is_some() || a.dot.is_some());
    if !writes_files && stdout_closed() {
        say_on_stderr("error: cannot write the output: standard output is closed");
        return 1;
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match command {
        Command::Check(args) => {
            let (summary, status) = check_lessons(args);
            let written = out.write_all(summary.as_bytes()).and_then(|()| out.flush());
            status.max(output_status(written))
        }
        // Streamed: the answer for a large program is written as it is formatted, in
        // chunks of 64 KiB, straight to the file descriptor where possible (standard
        // output's line buffer would search every chunk for a newline).
        Command::Grad(args) => {
            let mut direct = unbuffered_stdout();
            let sink: &mut dyn Write = match &mut direct {
                Some(file) => file,
                None => &mut out,
            };
            match grad_to(args, &mut std::io::stdin(), sink) {
                Ok(written) => output_status(written),
                Err(error) => report(&error),
            }
        }
        _ => match run(command, &mut std::io::stdin()) {
            Ok(text) => output_status(out.write_all(text.as_bytes()).and_then(|()| out.flush())),
            Err(error) => report(&error),
        },
    }
}

/// Whether two output paths name one file: the same path, or the same absolute path, or
/// (for files that exist) the same file after following links.
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    if a == b {
        return true;
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => match (std::path::absolute(a), std::path::absolute(b)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        },
    }
}

/// Whether standard output was closed (`>&-`) when the program started. The standard
/// library then opens `/dev/null` read-write in its place, so every write would succeed
/// and the output be lost with exit status 0; a shell's `>/dev/null` opens it write-only.
fn stdout_closed() -> bool {
    #[cfg(target_os = "linux")]
    {
        let null = std::fs::read_link("/proc/self/fd/1")
            .is_ok_and(|target| target == std::path::Path::new("/dev/null"));
        null && std::fs::read_to_string("/proc/self/fdinfo/1").is_ok_and(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("flags:"))
                .and_then(|flags| u32::from_str_radix(flags.trim(), 8).ok())
                .is_some_and(|flags| flags & 0o3 == 0o2)
        })
    }
    #[cfg(not(target_os = "linux"))]
    false
}

/// Standard output as a plain file (a duplicate of its descriptor), for writes that are
/// already in large chunks; `None` where that is not possible.
fn unbuffered_stdout() -> Option<std::fs::File> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd as _;
        let descriptor = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
        Some(std::fs::File::from(descriptor))
    }
    #[cfg(not(unix))]
    None
}

/// Prints an error as its one line on stderr; returns the exit status 2, or 1 when stderr
/// cannot take the line (full or closed: the failure is then only in the status).
fn report(error: &CliError) -> i32 {
    if say_on_stderr(&format!("error: {}", error.to_string().replace('\n', " "))) {
        2
    } else {
        1
    }
}

/// What is kept of a word cut short.
const KEPT_CHARS: usize = 60;

/// Writes one line on stderr; false when it could not be written. `eprintln!` would panic
/// on a full or closed stderr (`2>/dev/full`). Line breaks become spaces, so an error is
/// always one line; other control characters (which a file name or an argument may
/// carry) are written escaped, so they never reach the terminal raw; and a word longer
/// than [`ERROR_WORD_CHARS`] is cut with an ellipsis, so the line stays short.
pub fn say_on_stderr(line: &str) -> bool {
    use std::fmt::Write as _;
    use std::io::Write as _;
    let mut safe = String::with_capacity(line.len().min(4096));
    // Where the current word starts in `safe`, its length in characters so far, and
    // whether it was cut already.
    let (mut start, mut word, mut cut) = (0usize, 0usize, false);
    for c in line.chars() {
        if c == ' ' || c == '\n' || c == '\r' {
            safe.push(' ');
            (start, word, cut) = (safe.len(), 0, false);
            continue;
        }
        if cut {
            continue;
        }
        word += 1;
        if word > ERROR_WORD_CHARS {
            let keep: usize = safe[start..]
                .chars()
                .take(KEPT_CHARS)
                .map(char::len_utf8)
                .sum();
            safe.truncate(start + keep);
            safe.push('…');
            cut = true;
            continue;
        }
        match c {
            '\t' => safe.push(c),
            c if c.is_control() => {
                let _ = write!(safe, "{}", c.escape_unicode());
            }
            c => safe.push(c),
        }
    }
    writeln!(std::io::stderr().lock(), "{safe}").is_ok()
}

/// The exit status after writing the answer: 0 when it was written, or when the reader
/// closed the pipe early (`... | head`: nothing left to tell anyone); otherwise the reason
/// on stderr and 1.
fn output_status(written: std::io::Result<()>) -> i32 {
    match written {
        Ok(()) => 0,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(error) => {
            say_on_stderr(&format!("error: cannot write the output: {error}"));
            1
        }
    }
}

/// A usage error from clap (unknown flag, missing value, missing argument) as the spec's
/// one line `error: ...`: clap's message, tip, usage and hint joined, blank lines dropped.
pub fn one_line_usage_error(error: &clap::Error) -> String {
    // `render` keeps clap's styling apart; `to_string` gives the plain text.
    let rendered = error.render().to_string();
    let mut line = String::from("error:");
    let mut first = true;
    for part in rendered.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let part = part.strip_prefix("error:").map_or(part, str::trim_start);
        if !first && !line.ends_with(':') {
            line.push(';');
        }
        line.push(' ');
        line.push_str(part);
        first = false;
    }
    line
}

/// The script named by the arguments (a file, or standard input for none or `-`), through
/// the reading gate: a path must name a regular file (a FIFO would wait for a writer,
/// `/dev/zero` never ends), at most [`SCRIPT_BYTES`] are read, and the text must be UTF-8,
/// else the error points at the first bad byte.
fn read_source(args: &ScriptArgs, stdin: &mut dyn Read) -> Result<String, CliError> {
    let (what, bytes) = match &args.file {
        Some(path) if path.as_os_str() != "-" => (
            path.display().to_string(),
            crate::files::read_bytes(path, SCRIPT_BYTES),
        ),
        _ => (
            "standard input".to_string(),
            crate::files::read_stream(stdin, SCRIPT_BYTES),
        ),
    };
    let bytes = bytes.map_err(|source| CliError::Read { what, source })?;
    crate::files::text(bytes).map_err(|error| match error {
        crate::files::ReadError::NotUtf8 { line, column } => CliError::Parse(engine::ParseError {
            position: engine::Position { line, column },
            message: "invalid UTF-8".into(),
        }),
        source => CliError::Read {
            what: "the script".into(),
            source,
        },
    })
}

/// Every `--at NAME=VALUE` as the input it sets and its value, with the spec's error
/// messages.
fn at_values<G, N: AsRef<str>>(
    args: &ScriptArgs,
    program: &Program<G, N>,
) -> Result<Vec<(NodeId, f64)>, CliError> {
    let mut values = Vec::new();
    for arg in &args.at {
        let at_error = |why: String| CliError::At {
            arg: arg.clone(),
            why,
        };
        let Some((name, value)) = arg.split_once('=') else {
            return Err(at_error("expected NAME=VALUE".into()));
        };
        let Some(value) = engine::parse_number(value) else {
            return Err(at_error(format!("'{value}' is not a number")));
        };
        let Some(id) = program.input_named(name) else {
            return Err(at_error(not_an_input(program, name)));
        };
        values.push((id, value));
    }
    Ok(values)
}

/// Applies every `--at NAME=VALUE` through `set`.
fn apply_at<G, N: AsRef<str>>(
    args: &ScriptArgs,
    program: &mut Program<G, N>,
    set: impl Fn(&mut G, NodeId, f64) -> Result<(), engine::GraphError>,
) -> Result<(), CliError> {
    for (id, value) in at_values(args, program)? {
        // `at_values` found an input: setting it cannot fail.
        let _ = set(&mut program.graph, id, value);
    }
    Ok(())
}

/// Why `name` is not an input: it names an inner node, or nothing at all.
fn not_an_input<G, N: AsRef<str>>(program: &Program<G, N>, name: &str) -> String {
    if program.node_named(name).is_some() {
        format!("'{name}' is not an input")
    } else {
        format!("unknown input '{name}'")
    }
}

/// The vector of `--v NAME=VALUE,...` (the option may repeat), one entry per input in
/// order of declaration; inputs left out are 0. An empty option names no input.
fn parse_v<G, N: AsRef<str>>(
    args: &[String],
    program: &Program<G, N>,
) -> Result<Vec<f64>, CliError> {
    let mut v = vec![0.0; program.inputs.len()];
    let mut given = vec![false; program.inputs.len()];
    for arg in args {
        let v_error = |why: String| CliError::V {
            arg: arg.clone(),
            why,
        };
        if arg.is_empty() {
            continue;
        }
        for item in arg.split(',') {
            let Some((name, value)) = item.split_once('=') else {
                return Err(v_error(format!("expected NAME=VALUE, found '{item}'")));
            };
            let Some(value) = engine::parse_number(value) else {
                return Err(v_error(format!("'{value}' is not a number")));
            };
            let Some(slot) = program.inputs.iter().position(|(n, _)| n.as_ref() == name) else {
                return Err(v_error(not_an_input(program, name)));
            };
            if std::mem::replace(&mut given[slot], true) {
                return Err(v_error(format!("'{name}' is given twice")));
            }
            v[slot] = value;
        }
    }
    Ok(v)
}

/// The script as an editable graph, evaluated, `--at` applied (for `export`).
fn load(args: &ScriptArgs, stdin: &mut dyn Read) -> Result<Program, CliError> {
    let mut program = engine::parse(&read_source(args, stdin)?)?;
    apply_at(args, &mut program, Graph::set_input)?;
    Ok(program)
}

/// The script as flat arrays, `--at` applied, not yet evaluated (for `grad`, `hessian`
/// and `hvp`): no petgraph records, so a program of millions of nodes needs about a third
/// of the memory; names stay in the source text, which the answer is written from.
fn load_flat<'s>(
    args: &ScriptArgs,
    source: &'s str,
) -> Result<Program<FlatTape, &'s str>, CliError> {
    let mut program = engine::parse_tape(source)?;
    apply_at(args, &mut program, FlatTape::set_input)?;
    Ok(program)
}

/// What the JSON writers read from an evaluated graph.
pub trait Evaluated {
    /// A node's forward value.
    fn value_of(&self, id: NodeId) -> f64;
    /// d(output)/d(node).
    fn grad_of(&self, id: NodeId) -> f64;
}

impl Evaluated for Graph {
    fn value_of(&self, id: NodeId) -> f64 {
        self.value(id)
    }
    fn grad_of(&self, id: NodeId) -> f64 {
        self.grad(id)
    }
}

impl Evaluated for FlatTape {
    fn value_of(&self, id: NodeId) -> f64 {
        self.value(id)
    }
    fn grad_of(&self, id: NodeId) -> f64 {
        self.grad(id)
    }
}

/// A number as JSON: shortest round-trip form; non-finite values as strings.
pub fn push_number(out: &mut String, value: f64) {
    if value.is_nan() {
        out.push_str("\"NaN\"");
    } else if value == f64::INFINITY {
        out.push_str("\"Infinity\"");
    } else if value == f64::NEG_INFINITY {
        out.push_str("\"-Infinity\"");
    } else {
        crate::json::push_shortest(out, value);
    }
}

/// Output that is handed to a writer in pieces, so a million-name answer is never held
/// in memory whole.
struct Chunked<'w> {
    buffer: String,
    out: &'w mut dyn Write,
}

impl Chunked<'_> {
    const FLUSH_AT: usize = 1 << 16;

    fn flush_if_full(&mut self) -> std::io::Result<()> {
        if self.buffer.len() >= Self::FLUSH_AT {
            self.out.write_all(self.buffer.as_bytes())?;
            self.buffer.clear();
        }
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<()> {
        self.out.write_all(self.buffer.as_bytes())?;
        self.buffer.clear();
        self.out.flush()
    }
}

/// Whether a name is written in JSON as it is: a name the parser read never needs escaping.
fn is_plain(name: &str) -> bool {
    name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `{"name": number, ...}`; `plain` says every name is [`is_plain`] (checked once by the
/// caller, not once a name in each of the two maps).
fn push_map<'n>(
    out: &mut Chunked<'_>,
    bindings: impl Iterator<Item = (&'n str, NodeId)>,
    plain: bool,
    value_of: impl Fn(NodeId) -> f64,
) -> std::io::Result<()> {
    out.buffer.push('{');
    for (i, (name, id)) in bindings.enumerate() {
        if i > 0 {
            out.buffer.push_str(", ");
        }
        if plain || is_plain(name) {
            out.buffer.push('"');
            out.buffer.push_str(name);
            out.buffer.push_str("\": ");
        } else {
            crate::json::push_json_string(&mut out.buffer, name);
            out.buffer.push_str(": ");
        }
        push_number(&mut out.buffer, value_of(id));
        out.flush_if_full()?;
    }
    out.buffer.push('}');
    Ok(())
}

/// Writes the `grad` command's JSON object, with a trailing newline.
pub fn write_grad_json<G: Evaluated, N: AsRef<str>>(
    program: &Program<G, N>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let bindings = || program.bindings.iter().map(|(n, id)| (n.as_ref(), *id));
    let plain = bindings().all(|(name, _)| is_plain(name));
    write_grad(
        &program.graph,
        program.output_name.as_ref(),
        program.output,
        (bindings, plain),
        out,
    )
}

/// The `grad` JSON from its parts: `bindings` lists every name with its node, twice (once
/// for the values, once for the gradients), with whether every name is [`is_plain`].
fn write_grad<'n, G: Evaluated, I: Iterator<Item = (&'n str, NodeId)>>(
    graph: &G,
    output_name: &str,
    output: NodeId,
    (bindings, plain): (impl Fn() -> I, bool),
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut out = Chunked {
        buffer: String::with_capacity(Chunked::FLUSH_AT + 256),
        out,
    };
    out.buffer.push_str("{\"output\": ");
    crate::json::push_json_string(&mut out.buffer, output_name);
    out.buffer.push_str(", \"value\": ");
    push_number(&mut out.buffer, graph.value_of(output));
    out.buffer.push_str(", \"values\": ");
    push_map(&mut out, bindings(), plain, |id| graph.value_of(id))?;
    out.buffer.push_str(", \"gradients\": ");
    push_map(&mut out, bindings(), plain, |id| graph.grad_of(id))?;
    out.buffer.push_str("}\n");
    out.finish()
}

/// `grad`: reads the program, parses it into the flat tape, applies `--at`, runs both
/// sweeps and writes the JSON to `out` (the outer error is the program's, the inner one
/// the writer's). Public for the benchmark, which times exactly what `backprop-lab grad`
/// does.
pub fn grad_to(
    args: &ScriptArgs,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
) -> Result<std::io::Result<()>, CliError> {
    let source = read_source(args, stdin)?;
    let mut program = load_flat(args, &source)?;
    // Only `--at` reads the inputs: give their list back before the sweeps allocate.
    program.inputs = Vec::new();
    program.graph.evaluate();
    Ok(write_grad(
        &program.graph,
        program.output_name,
        program.output,
        // Every name was read by the parser as `[A-Za-z_][A-Za-z0-9_]*`.
        (|| program.bindings.iter().copied(), true),
        out,
    ))
}

/// The `grad` command's JSON object, with a trailing newline.
pub fn grad_json<G: Evaluated, N: AsRef<str>>(program: &Program<G, N>) -> String {
    let mut bytes = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_grad_json(program, &mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The `hessian` command's JSON object, with a trailing newline.
pub fn hessian_json<N: AsRef<str>>(program: &mut Program<FlatTape, N>) -> String {
    let inputs: Vec<NodeId> = program.inputs.iter().map(|(_, id)| *id).collect();
    let rows = program.graph.hessian(&inputs).unwrap_or_default();
    let mut out = String::new();
    out.push_str("{\"output\": ");
    crate::json::push_json_string(&mut out, program.output_name.as_ref());
    out.push_str(", \"inputs\": [");
    for (i, (name, _)) in program.inputs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        crate::json::push_json_string(&mut out, name.as_ref());
    }
    out.push_str("], \"hessian\": [");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('[');
        for (j, &value) in row.iter().enumerate() {
            if j > 0 {
                out.push_str(", ");
            }
            push_number(&mut out, value);
        }
        out.push(']');
    }
    out.push_str("]}\n");
    out
}

/// The `hvp` command's JSON object, with a trailing newline: H·v with one entry per input,
/// in order of declaration (`v` holds one weight per input, in the same order).
pub fn hvp_json<N: AsRef<str>>(program: &mut Program<FlatTape, N>, v: &[f64]) -> String {
    let inputs: Vec<NodeId> = program.inputs.iter().map(|(_, id)| *id).collect();
    let product = program
        .graph
        .hessian_vector_product(&inputs, v)
        .unwrap_or_else(|| vec![0.0; inputs.len()]);
    let mut out = String::new();
    out.push_str("{\"output\": ");
    crate::json::push_json_string(&mut out, program.output_name.as_ref());
    out.push_str(", \"hvp\": {");
    for (i, ((name, _), &value)) in program.inputs.iter().zip(&product).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        crate::json::push_json_string(&mut out, name.as_ref());
        out.push_str(": ");
        push_number(&mut out, value);
    }
    out.push_str("}}\n");
    out
}
