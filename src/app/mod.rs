//! Everything egui: the window, its pages and widgets. Reads the engine; never computes.

pub mod batch_view;
pub mod by_hand_view;
pub mod cards_view;
pub mod checkpoint_view;
/// How numbers read on screen (shared with the lesson logic).
pub use crate::format;
pub mod code_view;
pub mod concept_map_view;
pub mod formula;
pub mod formula_view;
pub mod graph_section;
pub mod graph_view;
pub mod input_editor;
pub mod layers_view;
pub mod lesson_view;
pub mod markdown;
pub mod navigator;
pub mod network_view;
pub mod page_layout;
pub mod playground;
pub mod plot_view;
pub mod plots;
pub mod progress_page;
pub mod quiz_view;
pub mod reveal_view;
pub mod review_page;
pub mod saliency_view;
pub mod second_order_view;
pub mod section;
pub mod stepper_view;
pub mod style;
pub mod text_view;
pub mod training_view;

use std::path::PathBuf;

use crate::lesson::{self, LessonFile};
use crate::limits::PLAYGROUND_STATEMENTS;
use crate::progress::{AnswerRecord, MemoryStore, Progress, ProgressStore};
use lesson_view::LessonView;
use navigator::Page;
use playground::{Playground, STARTER_SCRIPT};
use section::{LessonEvent, LessonInfo};

const SCRIPT_KEY: &str = "playground_script";
const DARK_KEY: &str = "dark_mode";
const PAGE_KEY: &str = "page";

/// Where the lessons come from.
#[derive(Debug, Clone, Default)]
pub enum LessonSource {
    /// The lessons built into the binary.
    #[default]
    Embedded,
    /// Every `*.ron` file of a teacher's folder.
    Folder(PathBuf),
}

/// The Backprop Lab window.
pub struct BackpropApp {
    lessons: Vec<LessonFile>,
    /// A lesson page is built when first opened and kept while the app runs.
    views: Vec<Option<LessonView>>,
    /// Why the lesson folder could not be read, if it could not.
    load_error: Option<String>,
    page: Page,
    progress: Progress,
    store: Box<dyn ProgressStore>,
    /// What the learner must know about their saved progress (damaged, not saved, from a
    /// newer version), oldest first: every one that applies is shown.
    notices: Vec<String>,
    progress_page: progress_page::ProgressPage,
    playground: Playground,
    dark_mode: bool,
    fonts_installed: bool,
    /// In a narrow window, whether the lesson list is shown (it is folded away there, so
    /// the page keeps the window's width).
    list_open: bool,
    /// The time now, in seconds since 1970 (the system's clock; tests inject their own).
    clock: Box<dyn Fn() -> u64>,
    /// The Review page: questions due again, mixed across lessons.
    review: review_page::ReviewPage,
    /// Saves that failed in a row (one notice says how many).
    save_failures: u32,
    /// Counts changes to the progress, so what is worked out from it can be kept.
    progress_generation: u64,
    /// The number of items due, with the progress generation and the minute it was
    /// counted at: the lesson list shows it on every frame.
    due_count: std::cell::Cell<Option<(u64, u64, usize)>>,
    /// Every question of every lesson: its file, stable id and concepts (what progress
    /// tracks), worked out once.
    tracked: Vec<(String, String, Vec<String>)>,
    /// The round questions draw their numbers from when a page opens: 0, or the seed of
    /// the link the app was opened with, so a whole class gets the same numbers.
    class_round: u64,
    /// The page whose link was just copied (the button says so until the page changes).
    link_copied: Option<Page>,
    /// Parts a teacher's link hid (until the app is opened without it).
    hidden: Vec<crate::link::Part>,
    /// The one lesson a teacher's link locked the app to.
    only: Option<usize>,
}

/// Below this window width the lesson list folds into a "Lessons" button: a page needs
/// the width more than a list the learner uses between lessons.
pub const NARROW_WINDOW: f32 = 900.0;

impl BackpropApp {
    /// Restores the learner's state from eframe's storage.
    pub fn new(cc: &eframe::CreationContext<'_>, source: &LessonSource) -> Self {
        Self::with_notices(cc, source, Vec::new())
    }

    /// Restores the learner's state from eframe's storage; `notices` are shown first
    /// (what was found wrong with that storage before it was opened).
    pub fn with_notices(
        cc: &eframe::CreationContext<'_>,
        source: &LessonSource,
        notices: Vec<String>,
    ) -> Self {
        let get_string = |key| cc.storage.and_then(|s| eframe::get_value::<String>(s, key));
        let (script, script_notice) = restored_script(get_string(SCRIPT_KEY));
        let mut app = Self::with_state(
            source,
            script,
            cc.storage
                .and_then(|s| eframe::get_value::<bool>(s, DARK_KEY))
                .unwrap_or(false),
        );
        app.notices = notices;
        app.notices.extend(script_notice);
        app.use_store(default_store());
        if let Some(page) = cc
            .storage
            .and_then(|s| eframe::get_value::<Page>(s, PAGE_KEY))
        {
            app.open(page);
        }
        app
    }

    /// An app with the given lessons, playground script and theme (used by tests, too).
    pub fn with_state(source: &LessonSource, script: String, dark_mode: bool) -> Self {
        let (lessons, load_error) = match source {
            LessonSource::Embedded => (lesson::load_embedded(), None),
            LessonSource::Folder(dir) => match lesson::load_folder(dir) {
                Ok(files) => (files, None),
                Err(error) => (Vec::new(), Some(error.to_string())),
            },
        };
        let page = if lessons.is_empty() {
            Page::Playground
        } else {
            Page::Lesson(0)
        };
        let tracked = lesson::tracked_questions(&lessons);
        Self {
            tracked,
            views: lessons.iter().map(|_| None).collect(),
            lessons,
            load_error,
            page,
            progress: Progress::default(),
            store: Box::new(MemoryStore::default()),
            notices: Vec::new(),
            progress_page: progress_page::ProgressPage::default(),
            playground: Playground::new(script),
            dark_mode,
            list_open: false,
            fonts_installed: false,
            clock: Box::new(crate::progress::review::now),
            review: review_page::ReviewPage::default(),
            save_failures: 0,
            progress_generation: 0,
            due_count: std::cell::Cell::new(None),
            class_round: 0,
            link_copied: None,
            hidden: Vec::new(),
            only: None,
        }
    }

    /// Opens what a link's fragment says (`lesson=06-vanishing-gradient&seed=42`,
    /// `playground=...&at=x=1.5`): its page, its script and inputs, and its seed for every
    /// question's numbers. A fragment that cannot be opened leaves the start page and one
    /// notice; it never runs code or reads a file.
    pub fn open_link(&mut self, fragment: &str) {
        let problem = match crate::link::parse(fragment) {
            Ok(link) => self.open_parsed_link(link).err(),
            Err(error) => Some(error.to_string()),
        };
        if let Some(problem) = problem {
            self.open(self.start_page());
            self.notices
                .push(format!("This link could not be opened: {problem}."));
        }
    }

    fn open_parsed_link(&mut self, link: crate::link::Link) -> Result<(), String> {
        use crate::link::Target;
        if let Some(seed) = link.seed {
            self.class_round = seed;
            // Pages built before draw again, for the class's round.
            self.views = self.lessons.iter().map(|_| None).collect();
        }
        if let Some(name) = &link.only {
            self.only = Some(self.lesson_named(name)?);
        }
        self.hidden = link.hide;
        match link.target {
            Target::Start => self.open(self.start_page()),
            Target::Lesson(name) => {
                let index = self.lesson_named(&name)?;
                self.open(Page::Lesson(index));
            }
            Target::Playground(script) => {
                let unknown = self.playground.open(script, &link.at);
                self.open(Page::Playground);
                if let Some(name) = unknown.first() {
                    return Err(format!("'{name}' is not an input of the script"));
                }
            }
        }
        Ok(())
    }

    /// The index of the lesson a link names (its file name without `.ron`).
    fn lesson_named(&self, name: &str) -> Result<usize, String> {
        let file = format!("{name}.ron");
        self.lessons
            .iter()
            .position(|f| f.file == file)
            .ok_or_else(|| format!("there is no lesson '{name}'"))
    }

    /// A lesson's name in a link: its file name without `.ron`.
    fn lesson_stem(&self, index: usize) -> Option<String> {
        self.lessons
            .get(index)
            .map(|f| f.file.trim_end_matches(".ron").to_string())
    }

    /// Whether a teacher's link hid the zoom line (keyboard zoom is off then too).
    fn zoom_locked(&self) -> bool {
        self.hidden.contains(&crate::link::Part::Zoom)
    }

    /// The fragment of a link to what the app shows now: the lesson (and the class's
    /// seed), or the Playground's script and inputs; what "Copy link" copies.
    pub fn link_here(&self) -> String {
        use crate::link::{Link, Target};
        let target = match self.page {
            Page::Lesson(index) => self
                .lesson_stem(index)
                .map_or(Target::Start, Target::Lesson),
            Page::Playground => Target::Playground(self.playground.script().to_string()),
            Page::Review | Page::Progress => Target::Start,
        };
        let at = if matches!(target, Target::Playground(_)) {
            self.playground.input_values()
        } else {
            Vec::new()
        };
        let seed = (self.class_round != 0).then_some(self.class_round);
        let only = self.only.and_then(|i| self.lesson_stem(i));
        crate::link::format(&Link {
            target,
            at,
            seed,
            hide: self.hidden.clone(),
            only,
        })
    }

    fn start_page(&self) -> Page {
        if self.lessons.is_empty() {
            Page::Playground
        } else {
            Page::Lesson(0)
        }
    }

    /// Reads the time from `clock` (seconds since 1970) from now on: tests move it on to
    /// see questions fall due.
    pub fn use_clock(&mut self, clock: impl Fn() -> u64 + 'static) {
        self.clock = Box::new(clock);
    }

    /// The questions in review, each with when it falls due, soonest first.
    fn review_schedule(&self) -> Vec<crate::progress::mastery::DueQuestion> {
        crate::progress::mastery::schedule_all(&self.progress, &self.tracked_refs(), (self.clock)())
    }

    /// The questions due now, mixed across lessons.
    fn due_now(&self) -> Vec<crate::progress::mastery::DueQuestion> {
        crate::progress::mastery::due(&self.progress, &self.tracked_refs(), (self.clock)())
    }

    /// How well each concept is known now.
    pub fn concepts(&self) -> Vec<crate::progress::mastery::ConceptMastery> {
        crate::progress::mastery::concepts(&self.progress, &self.tracked_refs(), (self.clock)())
    }

    fn tracked_refs(&self) -> Vec<crate::progress::mastery::Tracked<'_>> {
        self.tracked
            .iter()
            .map(|(file, id, concepts)| crate::progress::mastery::Tracked { file, id, concepts })
            .collect()
    }

    /// Cards marked "Not yet" a day ago or more (or before times were kept), in lesson
    /// order.
    fn due_cards(&self) -> Vec<review_page::DueCard> {
        let now = (self.clock)();
        let mut due = Vec::new();
        for file in &self.lessons {
            let Ok(lesson) = &file.lesson else {
                continue;
            };
            let Some(record) = self.progress.lessons.get(&file.file) else {
                continue;
            };
            for (number, card) in lesson.cards().enumerate() {
                let number = u32::try_from(number).unwrap_or(u32::MAX);
                let not_yet = record.cards.get(&number) == Some(&false);
                let waited = record
                    .card_times
                    .get(&number)
                    .is_none_or(|&at| at.saturating_add(crate::progress::review::DAY) <= now);
                if not_yet && waited {
                    due.push(review_page::DueCard {
                        file: file.file.clone(),
                        number,
                        card: card.clone(),
                    });
                }
            }
        }
        due
    }

    fn review_page_ui(&mut self, ui: &mut egui::Ui) {
        let now = (self.clock)();
        let due: Vec<review_page::DueItem> = self
            .due_now()
            .into_iter()
            .filter_map(|due| {
                let file = self.lessons.iter().find(|f| f.file == due.file)?;
                let lesson = file.lesson.as_ref().ok()?;
                let question = lesson.questions().find(|q| q.id() == due.id)?.clone();
                Some(review_page::DueItem {
                    lesson_title: lesson.title.clone(),
                    question,
                    question_count: u32::try_from(lesson.question_count()).unwrap_or(u32::MAX),
                    due,
                })
            })
            .collect();
        let next = self
            .review_schedule()
            .into_iter()
            .map(|d| d.due)
            .find(|&d| d > now);
        let cards = self.due_cards();
        let (answers, card_answers) = self.review.ui(ui, (due, cards), next, now);
        for card in &card_answers {
            self.progress.card(&card.file, card.number, card.right, now);
        }
        for answer in &answers {
            let record = AnswerRecord {
                at: now,
                right: answer.right,
                first: answer.first,
                hints: 0,
                seed: answer.seed,
                review: true,
            };
            self.progress
                .record(&answer.file, &answer.id, answer.question_count, record);
        }
        if !answers.is_empty() || !card_answers.is_empty() {
            self.save_progress();
        }
    }

    /// Moves records kept by question number (format 1) to the ids of the questions the
    /// lessons have today. Run after every load and merge: a merge may bring back another
    /// window's format-1 records.
    fn migrate_progress(&mut self) {
        for file in &self.lessons {
            if let Ok(lesson) = &file.lesson {
                self.progress
                    .know_question_ids(&file.file, lesson.question_ids());
            }
        }
    }

    /// Loads progress from `store` and saves there from now on.
    pub fn use_store(&mut self, mut store: Box<dyn ProgressStore>) {
        let loaded = store.load();
        self.progress = loaded.progress;
        self.progress_generation = self.progress_generation.wrapping_add(1);
        self.migrate_progress();
        self.notices.extend(loaded.notice);
        self.store = store;
        self.record_open();
    }

    /// The learner's progress as the app holds it.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// The notices shown above the page, oldest first.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    fn notify(&mut self, notice: String) {
        if !self.notices.contains(&notice) {
            self.notices.push(notice);
        }
    }

    /// Saves, merged with what another window saved meanwhile (the app then shows both).
    fn save_progress(&mut self) {
        self.progress_generation = self.progress_generation.wrapping_add(1);
        let result = self.store.save(&self.progress);
        self.after_save(result);
    }

    /// The questions and cards due now, counted again only when the progress changed or a
    /// minute passed.
    fn due_count(&self) -> usize {
        let minute = (self.clock)() / 60;
        if let Some((generation, at, count)) = self.due_count.get()
            && generation == self.progress_generation
            && at == minute
        {
            return count;
        }
        let count = self.due_now().len() + self.due_cards().len();
        self.due_count
            .set(Some((self.progress_generation, minute, count)));
        count
    }

    fn after_save(&mut self, result: Result<(), crate::progress::SaveError>) {
        self.progress_generation = self.progress_generation.wrapping_add(1);
        for notice in self.store.take_notices() {
            self.notify(notice);
        }
        match result {
            Ok(()) => {
                self.save_failures = 0;
                if let Some(merged) = self.store.take_merged() {
                    self.progress = merged;
                    self.migrate_progress();
                }
            }
            Err(error) => {
                // One notice for a failing disk, the latest, with a count, not one per
                // save (each can name another temporary file).
                self.save_failures = self.save_failures.saturating_add(1);
                self.notices
                    .retain(|n| !n.starts_with("cannot save progress"));
                let count = match self.save_failures {
                    1 => String::new(),
                    n => format!(" ({n} saves have failed.)"),
                };
                self.notify(format!(
                    "{error}. Your progress is kept while the app runs.{count}"
                ));
            }
        }
    }

    fn record_open(&mut self) {
        if let Page::Lesson(i) = self.page
            && let Some(file) = self.lessons.get(i)
            && self.progress.open(&file.file)
        {
            self.save_progress();
        }
    }

    /// Goes to a page (ignored if it does not exist).
    pub fn open(&mut self, page: Page) {
        match page {
            Page::Lesson(i) if i >= self.lessons.len() => return,
            // A page a teacher's link hid cannot be opened, by any button or key.
            _ if !self.allowed(page) => return,
            _ => self.page = page,
        }
        self.record_open();
    }

    /// Whether `page` may be shown: every page, unless a teacher's link locked the app to
    /// one lesson or hid the Playground or My progress.
    pub fn allowed(&self, page: Page) -> bool {
        use crate::link::Part;
        if let Some(only) = self.only {
            return page == Page::Lesson(only);
        }
        match page {
            Page::Playground => !self.hidden.contains(&Part::Playground),
            Page::Progress => !self.hidden.contains(&Part::Progress),
            Page::Lesson(_) | Page::Review => true,
        }
    }

    /// Whether the lesson list is shown (a teacher's link can hide it).
    fn list_shown(&self) -> bool {
        self.only.is_none() && !self.hidden.contains(&crate::link::Part::Lessons)
    }

    /// The page on screen.
    pub fn page(&self) -> Page {
        self.page
    }

    /// The page's title, as the lesson list shows it.
    pub fn page_title(&self) -> String {
        match self.page {
            Page::Lesson(i) => self
                .lessons
                .get(i)
                .map(LessonFile::title)
                .unwrap_or_default(),
            Page::Playground => "Playground".into(),
            Page::Review => "Review".into(),
            Page::Progress => "My progress".into(),
        }
    }

    fn pages(&self) -> Vec<Page> {
        (0..self.lessons.len())
            .map(Page::Lesson)
            .chain([Page::Playground, Page::Review, Page::Progress])
            .filter(|&page| self.allowed(page))
            .collect()
    }

    fn step(&mut self, forward: bool) {
        let pages = self.pages();
        let Some(at) = pages.iter().position(|p| *p == self.page) else {
            return;
        };
        let next = if forward { at + 1 } else { at.wrapping_sub(1) };
        if let Some(&page) = pages.get(next) {
            self.open(page);
        }
    }

    fn top_bar_ui(&mut self, ui: &mut egui::Ui, narrow: bool) {
        ui.horizontal(|ui| {
            ui.strong("Backprop Lab");
            ui.separator();
            if narrow
                && self.list_shown()
                && ui
                    .selectable_label(self.list_open, "Lessons")
                    .on_hover_text("Show or hide the list of lessons")
                    .clicked()
            {
                self.list_open = !self.list_open;
            }
            let pages = self.pages();
            let at = pages.iter().position(|p| *p == self.page).unwrap_or(0);
            if ui
                .add_enabled(at > 0, egui::Button::new("◀ Previous"))
                .clicked()
            {
                self.step(false);
            }
            if ui
                .add_enabled(at + 1 < pages.len(), egui::Button::new("Next ▶"))
                .clicked()
            {
                self.step(true);
            }
            ui.separator();
            let label = if self.dark_mode {
                "Light theme"
            } else {
                "Dark theme"
            };
            if ui.button(label).clicked() {
                self.dark_mode = !self.dark_mode;
            }
            let copied = self.link_copied == Some(self.page);
            let text = if copied { "Link copied" } else { "Copy link" };
            if ui
                .button(text)
                .on_hover_text("Copy a link that opens this page, with the same numbers")
                .clicked()
            {
                ui.ctx()
                    .copy_text(format!("{}#{}", link_base(), self.link_here()));
                self.link_copied = Some(self.page);
            }
            if self.zoom_locked() {
                style::fitting_hint(ui, &["Lessons: ← → or PgUp PgDn"]);
            } else {
                style::fitting_hint(
                    ui,
                    &[
                        "Zoom: Ctrl + / Ctrl −   Lessons: ← → or PgUp PgDn",
                        "Lessons: ← → or PgUp PgDn",
                    ],
                );
            }
        });
    }

    fn keyboard(&mut self, ctx: &egui::Context) {
        if ctx.text_edit_focused() {
            return;
        }
        // Arrows only when no widget has focus: a focused slider uses them itself.
        let nothing_focused = ctx.memory(|m| m.focused().is_none());
        let (back, forward) = ctx.input(|i| {
            (
                i.key_pressed(egui::Key::PageUp)
                    || (nothing_focused && i.key_pressed(egui::Key::ArrowLeft)),
                i.key_pressed(egui::Key::PageDown)
                    || (nothing_focused && i.key_pressed(egui::Key::ArrowRight)),
            )
        });
        if back {
            self.step(false);
        } else if forward {
            self.step(true);
        }
    }

    fn lesson_page_ui(&mut self, ui: &mut egui::Ui, index: usize) {
        let Some(file) = self.lessons.get(index) else {
            return;
        };
        match &file.lesson {
            Err(errors) => navigator::broken_lesson_ui(ui, &file.file, errors),
            Ok(lesson) => {
                let titles: Vec<(String, String)> = self
                    .lessons
                    .iter()
                    .map(|f| (f.file.clone(), f.title()))
                    .collect();
                // Mastery only where a page shows it (the concept map): it reads every
                // question's schedule.
                let concepts = if lesson
                    .sections
                    .iter()
                    .any(|s| matches!(s, lesson::Section::ConceptMap(_)))
                {
                    self.concepts()
                } else {
                    Vec::new()
                };
                let infos: Vec<LessonInfo<'_>> = titles
                    .iter()
                    .map(|(file, title)| LessonInfo {
                        file,
                        title,
                        finished: self.progress.is_finished(file),
                        mastery: concepts
                            .iter()
                            .find(|c| &c.name == title)
                            .map(|c| (c.mastery as f32, c.state.word())),
                    })
                    .collect();
                let round = self.class_round;
                let view = self.views[index].get_or_insert_with(|| LessonView::new(lesson, round));
                view.solutions_hidden = self.hidden.contains(&crate::link::Part::Solutions);
                let file = file.file.clone();
                let question_count = u32::try_from(lesson.question_count()).unwrap_or(u32::MAX);
                let ids = lesson.question_ids();
                let finished = self.progress.is_finished(&file);
                let events = view.ui(ui, finished, &infos);
                for event in events {
                    match event {
                        // The page then says what was done and offers the next lesson.
                        LessonEvent::Finished => {
                            self.progress.finish(&file);
                            self.save_progress();
                        }
                        LessonEvent::Answered {
                            question,
                            right,
                            first,
                            seed,
                            hints,
                        } => {
                            // Kept under the question's stable id, not its number: a
                            // question added to the lesson shifts no record.
                            if let Some(id) = ids.get(question as usize) {
                                let answer = AnswerRecord {
                                    at: (self.clock)(),
                                    right,
                                    first,
                                    hints,
                                    seed,
                                    review: false,
                                };
                                self.progress.record(&file, id, question_count, answer);
                                self.save_progress();
                            }
                        }
                        LessonEvent::Open(target) => {
                            if let Some(i) = self.lessons.iter().position(|f| f.file == target) {
                                if let Some(Some(view)) = self.views.get_mut(i) {
                                    view.scroll_to_top();
                                }
                                self.open(Page::Lesson(i));
                            }
                        }
                        LessonEvent::Card { card, right } => {
                            self.progress.card(&file, card, right, (self.clock)());
                            self.save_progress();
                        }
                    }
                }
            }
        }
    }
}

impl eframe::App for BackpropApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SCRIPT_KEY, &self.playground.script);
        eframe::set_value(storage, DARK_KEY, &self.dark_mode);
        eframe::set_value(storage, PAGE_KEY, &self.page);
    }
}

impl BackpropApp {
    /// Draws one frame of the whole window (also used by the frame benchmark, which has
    /// no eframe around it).
    pub fn show(&mut self, ui: &mut egui::Ui) {
        if !self.fonts_installed {
            navigator::install_fonts(ui.ctx());
            style::install(ui.ctx());
            self.fonts_installed = true;
        }
        ui.ctx().set_theme(if self.dark_mode {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
        if self.zoom_locked() {
            ui.ctx().options_mut(|o| o.zoom_with_keyboard = false);
        }
        self.keyboard(&ui.ctx().clone());
        let narrow = ui.ctx().content_rect().width() < NARROW_WINDOW;
        egui::Panel::top("top_bar").show(ui, |ui| self.top_bar_ui(ui, narrow));
        if !self.notices.is_empty() {
            egui::Panel::top("notice").show(ui, |ui| {
                let mut dismissed = None;
                for (i, notice) in self.notices.iter().enumerate() {
                    ui.horizontal_wrapped(|ui| {
                        ui.colored_label(ui.visuals().warn_fg_color, notice);
                        if ui.button("Dismiss").clicked() {
                            dismissed = Some(i);
                        }
                    });
                }
                if let Some(i) = dismissed {
                    self.notices.remove(i);
                }
            });
        }
        if self.list_shown() && (!narrow || self.list_open) {
            egui::Panel::left("lesson_list")
                .resizable(true)
                .default_size(230.0)
                .show(ui, |ui| {
                    let entries: Vec<(String, bool)> = self
                        .lessons
                        .iter()
                        .map(|f| (f.title(), self.progress.is_finished(&f.file)))
                        .collect();
                    let due = self.due_count();
                    let picked = navigator::lesson_list_ui(
                        ui,
                        &entries,
                        (self.page, due),
                        self.load_error.as_deref(),
                        &|page| self.allowed(page),
                    );
                    if let Some(page) = picked {
                        self.open(page);
                        // In a narrow window the list folds away again, for the page.
                        self.list_open = false;
                    }
                });
        }
        egui::CentralPanel::default().show(ui, |ui| match self.page {
            Page::Lesson(index) => self.lesson_page_ui(ui, index),
            Page::Playground => self.playground.ui(ui),
            Page::Review => self.review_page_ui(ui),
            Page::Progress => {
                let titles: Vec<(String, String)> = self
                    .lessons
                    .iter()
                    .map(|f| (f.file.clone(), f.title()))
                    .collect();
                let count = |of: fn(&lesson::Lesson) -> usize| -> Vec<u32> {
                    self.lessons
                        .iter()
                        .map(|f| {
                            f.lesson
                                .as_ref()
                                .map_or(0, |l| u32::try_from(of(l)).unwrap_or(u32::MAX))
                        })
                        .collect()
                };
                let counts = progress_page::Counts {
                    questions: count(lesson::Lesson::question_count),
                    cards: count(lesson::Lesson::card_count),
                    concepts: self.concepts(),
                };
                if self.progress_page.ui(
                    ui,
                    &self.progress,
                    &titles,
                    &counts,
                    &self.store.location(),
                ) {
                    self.progress = Progress::default();
                    self.views = self.lessons.iter().map(|_| None).collect();
                    let result = self.store.replace(&self.progress);
                    self.after_save(result);
                }
                if let Some(index) = self.progress_page.open_request.take() {
                    if let Some(Some(view)) = self.views.get_mut(index) {
                        view.scroll_to_top();
                    }
                    self.open(Page::Lesson(index));
                }
            }
        });
    }
}

/// The environment variable naming the address of a hosted web build: a link copied in
/// the desktop app starts with it, so it opens in a browser (else the link is the
/// fragment alone, which `backprop-lab open` takes).
pub const WEB_URL_VARIABLE: &str = "BACKPROP_LAB_WEB_URL";

/// What a copied link starts with: the page's own address in a browser, the configured
/// web build's address on the desktop, or nothing.
fn link_base() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.location().href().ok())
            .map(|href| href.split('#').next().unwrap_or_default().to_string())
            .unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::env::var(WEB_URL_VARIABLE).unwrap_or_default()
    }
}

/// The environment variable that moves the app's data folder (tests use a temporary one).
pub const DATA_DIR_VARIABLE: &str = "BACKPROP_LAB_DATA_DIR";

/// The app's data folder (progress, `app.ron`, set-aside scripts): the folder named by
/// `BACKPROP_LAB_DATA_DIR`, else eframe's storage folder for the app. Decided here, so
/// the progress store knows nothing of eframe and takes any folder it is given.
#[cfg(not(target_arch = "wasm32"))]
pub fn data_folder() -> Option<PathBuf> {
    match std::env::var_os(DATA_DIR_VARIABLE) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => eframe::storage_dir("Backprop Lab"),
    }
}

/// Where progress is kept: a file on the desktop, local storage in a browser.
fn default_store() -> Box<dyn ProgressStore> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        match data_folder() {
            Some(folder) => Box::new(crate::progress::FileStore::new(folder)),
            None => Box::new(MemoryStore::default()),
        }
    }
    #[cfg(target_arch = "wasm32")]
    {
        Box::new(crate::progress::LocalStorageStore)
    }
}

/// The Playground script saved last time, unless it is too big to open at start (more
/// than [`PLAYGROUND_STATEMENTS`]): then the starter script, and a notice; the big
/// script is kept in a file beside the progress when possible.
pub fn restored_script(saved: Option<String>) -> (String, Option<String>) {
    let Some(script) = saved else {
        return (STARTER_SCRIPT.to_string(), None);
    };
    let count = lesson::load::count_statements(&script);
    if count <= PLAYGROUND_STATEMENTS {
        return (script, None);
    }
    let kept = keep_aside(&script);
    let notice = format!(
        "The Playground script saved last time has {count} statements, more than the {} \
         the app opens at start; the Playground starts with its example instead.{}",
        PLAYGROUND_STATEMENTS,
        kept.map_or_else(String::new, |path| format!(
            " Your script was kept in {}.",
            path.display()
        ))
    );
    (STARTER_SCRIPT.to_string(), Some(notice))
}

/// Writes a too-big Playground script to a new file of the data folder (created with
/// `create_new`: never over an existing file or through a link).
fn keep_aside(script: &str) -> Option<PathBuf> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::io::Write as _;
        let folder = data_folder()?;
        std::fs::create_dir_all(&folder).ok()?;
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let path = folder.join(format!("playground-script-{seconds}.txt"));
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .ok()?;
        file.write_all(script.as_bytes()).ok()?;
        Some(path)
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = script;
        None
    }
}

/// Where eframe keeps its own storage (`app.ron`): in `BACKPROP_LAB_DATA_DIR` when that
/// is set, beside the progress; else eframe's folder for the app.
#[cfg(not(target_arch = "wasm32"))]
pub fn app_storage_file() -> Option<PathBuf> {
    data_folder().map(|folder| folder.join("app.ron"))
}

/// Checks eframe's storage file before eframe opens it (eframe would block on a FIFO
/// and read any size): one that is not a regular file, or above
/// [`crate::limits::APP_STORAGE_BYTES`], is renamed to `app.ron.corrupt-<seconds>`. Returns the
/// notices for the learner.
#[cfg(not(target_arch = "wasm32"))]
pub fn prepare_app_storage(file: &std::path::Path) -> Vec<String> {
    if let Some(folder) = file.parent() {
        let _ = std::fs::create_dir_all(folder);
    }
    let problem = match crate::files::inspect(file, crate::limits::APP_STORAGE_BYTES) {
        Ok(_) => return Vec::new(),
        Err(missing) if missing.is_missing() => return Vec::new(),
        Err(problem) => problem.to_string(),
    };
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut name = std::ffi::OsString::from(file.as_os_str());
    name.push(format!(".corrupt-{seconds}"));
    let aside = PathBuf::from(name);
    let outcome = match std::fs::rename(file, &aside) {
        Ok(()) => format!("It was kept as {}.", aside.display()),
        Err(error) => format!("It could not be moved aside ({error})."),
    };
    vec![format!(
        "The app's settings file {} was not read: {problem}. The theme, page and \
         Playground start fresh. {outcome}",
        file.display()
    )]
}

/// The app's icon in the window's title bar and the taskbar (the same picture the
/// desktop entry installs), built into the binary.
#[cfg(not(target_arch = "wasm32"))]
fn window_icon(viewport: egui::ViewportBuilder) -> egui::ViewportBuilder {
    const ICON: &[u8] = include_bytes!("../../assets/icons/hicolor/256x256/apps/backprop-lab.png");
    match eframe::icon_data::from_png_bytes(ICON) {
        Ok(icon) => viewport.with_icon(icon),
        Err(_) => viewport,
    }
}

/// Opens the window and runs until it is closed.
#[cfg(not(target_arch = "wasm32"))]
pub fn run(source: LessonSource, link: Option<String>) -> eframe::Result {
    let storage = app_storage_file();
    let notices = storage
        .as_deref()
        .map(prepare_app_storage)
        .unwrap_or_default();
    let options = eframe::NativeOptions {
        viewport: window_icon(
            egui::ViewportBuilder::default()
                .with_title("Backprop Lab")
                // The desktop entry's name, so a Wayland taskbar shows the app's icon.
                .with_app_id("backprop-lab")
                .with_inner_size([1200.0, 800.0])
                .with_min_inner_size([640.0, 420.0]),
        ),
        // eframe's setting is the file itself (`FileStorage::from_ron_filepath`).
        persistence_path: storage,
        ..Default::default()
    };
    eframe::run_native(
        "Backprop Lab",
        options,
        Box::new(move |cc| {
            let mut app = BackpropApp::with_notices(cc, &source, notices);
            if let Some(fragment) = &link {
                app.open_link(fragment);
            }
            Ok(Box::new(app))
        }),
    )
}
