//! `backprop-lab`: the app, or a headless command (`grad`, `hessian`).

use clap::Parser;

use backprop_lab::cli::{Cli, main_with};

fn main() {
    let cli = Cli::parse();
    let status = match &cli.command {
        Some(command) => main_with(command),
        None => match backprop_lab::app::run(match cli.lessons.clone() {
            Some(dir) => backprop_lab::app::LessonSource::Folder(dir),
            None => backprop_lab::app::LessonSource::Embedded,
        }) {
            Ok(()) => 0,
            Err(error) => {
                eprintln!("error: cannot open the window: {error}");
                1
            }
        },
    };
    std::process::exit(status);
}
