//! `backprop-lab`: the app, or a headless command (`grad`, `hessian`, `check`). In a
//! browser (wasm32) the same binary starts the app on the page's canvas.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use backprop_lab::app::LessonSource;
    use backprop_lab::cli::{Cli, main_with};
    use clap::Parser as _;

    let cli = Cli::parse();
    let status = match &cli.command {
        Some(command) => main_with(command),
        None => {
            let source = match cli.lessons.clone() {
                Some(dir) => LessonSource::Folder(dir),
                None => LessonSource::Embedded,
            };
            match backprop_lab::app::run(source) {
                Ok(()) => 0,
                Err(error) => {
                    eprintln!("error: cannot open the window: {error}");
                    1
                }
            }
        }
    };
    std::process::exit(status);
}

#[cfg(target_arch = "wasm32")]
fn main() {
    backprop_lab::web::start();
}
