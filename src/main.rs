//! `backprop-lab`: the app, or a headless command (`grad`, `hessian`).

use clap::{CommandFactory, Parser};

use backprop_lab::cli::{Cli, main_with};

fn main() {
    let cli = Cli::parse();
    let status = match &cli.command {
        Some(command) => main_with(command),
        None => {
            // The window arrives with the app issue; until then, show what the tool can do.
            let _ = Cli::command().print_help();
            0
        }
    };
    std::process::exit(status);
}
