//! `backprop-lab`: the app, or a headless command (`grad`, `hessian`, `hvp`, `check`). In a
//! browser (wasm32) the same binary starts the app on the page's canvas.

#![forbid(unsafe_code)]

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use backprop_lab::app::LessonSource;
    use backprop_lab::cli::{Cli, main_with, one_line_usage_error, say_on_stderr};
    use clap::Parser as _;

    let mut cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version go to stdout as clap writes them.
        Err(error) if !error.use_stderr() => {
            // Help that cannot be written (`--help >/dev/full`) is a failure, not a success.
            let status = if error.print().is_ok() {
                error.exit_code()
            } else {
                1
            };
            std::process::exit(status);
        }
        // A usage error is one line on stderr, exit status 2, like every other error.
        Err(error) => {
            let written = say_on_stderr(&one_line_usage_error(&error));
            std::process::exit(if written { 2 } else { 1 });
        }
    };
    // `progress` reads the folder the app saves to, which the app decides.
    if let Some(backprop_lab::cli::Command::Progress(args)) = &mut cli.command
        && args.data_dir.is_none()
    {
        args.data_dir = backprop_lab::app::data_folder();
    }
    let source = match cli.lessons.clone() {
        Some(dir) => LessonSource::Folder(dir),
        None => LessonSource::Embedded,
    };
    let status = match &cli.command {
        Some(backprop_lab::cli::Command::Open(args)) => {
            open_window(source, Some(args.fragment().to_string()))
        }
        Some(command) => main_with(command),
        None => open_window(source, None),
    };
    std::process::exit(status);
}

/// Runs the app until its window closes: the exit status.
#[cfg(not(target_arch = "wasm32"))]
fn open_window(source: backprop_lab::app::LessonSource, link: Option<String>) -> i32 {
    use backprop_lab::cli::say_on_stderr;
    match backprop_lab::app::run(source, link) {
        Ok(()) => 0,
        Err(error) => {
            say_on_stderr(&format!("error: cannot open the window: {error}"));
            1
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    backprop_lab::web::start();
}
