//! The live front end: dialoguer prompts and comfy-table summaries, all on
//! stderr so stdout stays free for `--out -`. The only module that draws on
//! the terminal.
//!
//! Keys: arrows and Enter; Space toggles in lists; Esc (or `q`) on a list,
//! or `<` on a text prompt, goes back one question.
//!
//! Every line drawn fits the terminal's width (`super::fit`): dialoguer
//! clears by logical lines, so a wrapped line would stay on screen. Notes
//! shown with a prompt (the verdict, its help, how to tick, why an answer
//! was refused) are cleared with it; what stays is one `✔ question · answer`
//! line per answer.

use std::fmt;
use std::fs::File;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use nix::sys::termios::{SetArg, Termios, tcgetattr, tcsetattr};

use comfy_table::{Cell, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use dialoguer::console::{Term, measure_text_width, style, truncate_str};
use dialoguer::theme::{ColorfulTheme, Theme};
use dialoguer::{Input, MultiSelect, Select};

use super::fit;
use super::{PromptError, Prompter, Reply};
use crate::i18n::Lang;
use crate::plan::{Plan, markdown::human_time};
use crate::text::for_terminal as safe;
use crate::triage::answers::AnswerValue;
use crate::triage::briefing::{Briefing, Verdict};
use crate::triage::session::{InvalidAnswer, Prompt, PromptKind};

/// Typed alone at a text prompt, goes back one question.
pub const BACK: &str = "<";

/// Set by the signal handler (SIGINT, SIGTERM, SIGHUP). console reads Ctrl-C
/// in raw mode and raises SIGINT on itself: without a handler the process
/// dies mid-prompt with the cursor hidden; with one, the prompt returns
/// `Interrupted` and the session ends the normal way (draft kept, exit 130).
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Set once the process is on its way out, so only one path prints the
/// goodbye and exits.
static EXITING: AtomicBool = AtomicBool::new(false);

/// What the emergency exit says (the draft to resume), kept current by the caller.
static EXIT_MESSAGE: Mutex<String> = Mutex::new(String::new());

/// The terminal settings at start, to restore if we must exit while console
/// has the terminal in raw mode.
static ORIGINAL_TERMIOS: Mutex<Option<(File, Termios)>> = Mutex::new(None);

/// How long a signalled session gets to end by itself before the handler ends
/// it: a SIGTERM or SIGHUP may reach a thread other than the one reading keys.
const GRACE: Duration = Duration::from_millis(300);

/// Installs the handler once. Safe to call again.
fn install_signal_handler() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        if let Ok(tty) = File::open("/dev/tty")
            && let Ok(termios) = tcgetattr(&tty)
            && let Ok(mut saved) = ORIGINAL_TERMIOS.lock()
        {
            *saved = Some((tty, termios));
        }
        let _ = ctrlc::set_handler(|| {
            INTERRUPTED.store(true, Ordering::SeqCst);
            std::thread::sleep(GRACE);
            emergency_exit();
        });
    });
}

/// Restores the terminal, says where the draft is, exits 130. The draft is
/// already on disk: it is saved after every answer.
fn emergency_exit() {
    if EXITING.swap(true, Ordering::SeqCst) {
        return;
    }
    if let Ok(saved) = ORIGINAL_TERMIOS.lock()
        && let Some((tty, termios)) = saved.as_ref()
    {
        let _ = tcsetattr(tty, SetArg::TCSANOW, termios);
    }
    let message = EXIT_MESSAGE.lock().map(|m| m.clone()).unwrap_or_default();
    // The terminal may be gone (SIGHUP): errors here change nothing.
    let _ = writeln!(std::io::stderr(), "{SHOW_CURSOR}\nerror: {message}");
    std::process::exit(130);
}

/// Sets what the emergency exit prints (e.g. how to resume the draft).
pub fn set_exit_message(message: String) {
    if let Ok(mut m) = EXIT_MESSAGE.lock() {
        *m = message;
    }
}

/// The normal path is ending the process: the handler must not race it.
pub fn exiting() {
    EXITING.store(true, Ordering::SeqCst);
}

/// Whether a signal asked the session to stop.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

const SHOW_CURSOR: &str = "\x1b[?25h";

pub struct TerminalPrompter {
    term: Term,
    theme: Fitted,
    /// The language of the chrome (headers, Yes/No); the session words the rest.
    lang: Lang,
    /// Step 1's verdict once it is known, shown above every later prompt.
    verdict: Option<Verdict>,
}

/// Colours on or off for everything the session draws, as `command::Env::colour`
/// decided from `--color`, `NO_COLOR` and `CLICOLOR_FORCE` (console's own
/// guess would read the environment behind the CLI's back).
pub fn use_colour(on: bool) {
    dialoguer::console::set_colors_enabled(on);
    dialoguer::console::set_colors_enabled_stderr(on);
}

/// stdout's width when it is a terminal, for output drawn to fit it
/// (`cases stats`' bars).
pub fn stdout_columns() -> Option<usize> {
    Term::stdout()
        .size_checked()
        .map(|(_, cols)| usize::from(cols))
}

/// The columns a line may use: one less than the terminal's width, so no
/// line ever ends on the last column (where terminals differ on wrapping).
fn usable(term: &Term) -> usize {
    let (_, cols) = term.size();
    usize::from(cols).saturating_sub(1).max(20)
}

impl TerminalPrompter {
    pub fn new(lang: Lang) -> Self {
        install_signal_handler();
        let term = Term::stderr();
        TerminalPrompter {
            theme: Fitted::new(term.clone()),
            term,
            lang,
            verdict: None,
        }
    }

    /// Whether a live session can run: dialoguer draws on stderr and refuses
    /// to run when it is not a terminal.
    pub fn available() -> bool {
        Term::stderr().is_term()
    }

    fn line(&self, text: &str) -> Result<(), PromptError> {
        self.term.write_line(text).map_err(PromptError::Io)
    }

    fn max(&self) -> usize {
        usable(&self.term)
    }

    fn table(&self) -> Table {
        let mut table = Table::new();
        table
            .load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
        table.set_width(u16::try_from(self.max().max(40)).unwrap_or(u16::MAX));
        table
    }

    /// `text` wrapped at word boundaries to the width, the first line after
    /// `mark` and the others indented to match.
    fn wrapped(&self, mark: &str, text: &str) -> Vec<String> {
        let indent = fit::width(mark);
        fit::wrap(text, self.max().saturating_sub(indent))
            .into_iter()
            .enumerate()
            .map(|(i, line)| {
                if i == 0 {
                    format!("{mark}{line}")
                } else {
                    format!("{:indent$}{line}", "")
                }
            })
            .collect()
    }

    /// The verdict in one line: level and authority whole, the instruction
    /// cut to what fits.
    fn verdict_line(&self, v: &Verdict) -> String {
        let l = self.lang.labels();
        let head = format!(
            "▶ {}{}{} · {}{}{}",
            l.level,
            l.colon,
            safe(&v.level),
            l.authority,
            l.colon,
            safe(&v.authority)
        );
        let room = self.max().saturating_sub(fit::width(&head) + 3);
        let line = if room >= 10 {
            format!("{head} · {}", fit::fit(&safe(&v.instruction), room))
        } else {
            fit::fit(&head, self.max())
        };
        style(line).bold().to_string()
    }

    /// The one line an answer leaves on screen.
    fn echo(&self, title: &str, answer: &str) -> Result<(), PromptError> {
        let (title, answer) = fit::fit_pair(title, answer, self.max().saturating_sub(2));
        self.line(&format!(
            "{} {} {} {}",
            style("✔").green(),
            style(title).bold(),
            style("·").dim(),
            style(answer).green()
        ))
    }

    /// An answer in the words the rep saw (labels, not keys), escaped.
    fn shown(&self, prompt: &Prompt, value: &AnswerValue) -> String {
        let l = self.lang.labels();
        let label_of = |opts: &[crate::triage::session::Opt], key: &str| {
            opts.iter()
                .find(|o| o.key == key)
                .map_or_else(|| key.to_owned(), |o| o.label.clone())
        };
        let text = match (&prompt.kind, value) {
            (PromptKind::YesNo, AnswerValue::Key(k)) => {
                (if k == "yes" { l.yes } else { l.no }).to_owned()
            }
            (PromptKind::Choice(opts), AnswerValue::Key(k)) => label_of(opts, k),
            (PromptKind::Multi(opts), AnswerValue::Keys(keys)) if !keys.is_empty() => keys
                .iter()
                .map(|k| label_of(opts, k))
                .collect::<Vec<_>>()
                .join(l.list_sep),
            (PromptKind::Multi(_), AnswerValue::Keys(_)) => l.none.to_owned(),
            (PromptKind::Scale { min, low, .. }, AnswerValue::Number(n))
                if n == min && !low.is_empty() =>
            {
                format!("{n} — {low}")
            }
            (PromptKind::Scale { max, high, .. }, AnswerValue::Number(n))
                if n == max && !high.is_empty() =>
            {
                format!("{n} — {high}")
            }
            (_, value) if value.as_text().trim().is_empty() => "—".to_owned(),
            (_, value) => value.to_string(),
        };
        safe(&text)
    }

    /// A resumed draft's answers, one line each, before the next question.
    pub fn recap(&mut self, answered: &[(Prompt, AnswerValue)]) -> Result<(), PromptError> {
        if answered.is_empty() {
            return Ok(());
        }
        self.line(&style(self.lang.labels().answers_so_far).dim().to_string())?;
        for (prompt, value) in answered {
            self.echo(&safe(&prompt.title), &self.shown(prompt, value))?;
        }
        Ok(())
    }

    /// Prints the plan's summary, where it was written and where it is stored.
    pub fn finished(
        &mut self,
        plan: &Plan,
        written: &[String],
        stored: &str,
    ) -> Result<(), PromptError> {
        let l = self.lang.labels();
        let mut table = self.table();
        table.set_header(vec![l.remedy, l.owner, l.due]);
        for r in &plan.remedies {
            table.add_row(vec![safe(&r.label), safe(&r.owner), human_time(&r.due)]);
        }
        for f in &plan.followups {
            table.add_row(vec![
                (l.followup)(&safe(&f.action)),
                safe(&f.owner),
                human_time(&f.due),
            ]);
        }
        self.line("")?;
        let verdict = format!(
            "{}{}{} · {}{}{}",
            l.level,
            l.colon,
            safe(&plan.assessment.level.label),
            l.authority,
            l.colon,
            safe(&plan.assessment.authority.label)
        );
        self.line(&style(fit::fit(&verdict, self.max())).bold().to_string())?;
        self.line(&table.to_string())?;
        // Paths stay whole, however long: a terminal's own wrap keeps them
        // one line to copy, and nothing here is cleared afterwards.
        for path in written {
            self.line(&format!(
                "{} {}",
                style(l.written).green().bold(),
                safe(path)
            ))?;
        }
        self.line(&safe(stored))?;
        Ok(())
    }

    /// Draws one prompt with dialoguer below `notes` rows; `None` when the
    /// rep goes back.
    fn draw(
        &self,
        prompt: &Prompt,
        max: usize,
        notes: usize,
    ) -> Result<Option<AnswerValue>, PromptError> {
        // A list taller than the screen pages instead of scrolling the notes
        // above it out of reach of the clearing.
        let (rows, _) = self.term.size();
        let page = usize::from(rows).saturating_sub(notes + 1).max(3);
        let title = safe(&prompt.title);
        let l = self.lang.labels();
        // "❯ " before a list item, "❯ ✔ " before a multi-select item.
        let item = |o: &crate::triage::session::Opt, prefix: usize| {
            fit::fit_keeping(
                &safe(&o.label),
                &safe(&o.detail),
                max.saturating_sub(prefix),
            )
        };
        let pick = |labels: Vec<String>, default: usize| {
            Select::with_theme(&self.theme)
                .with_prompt(title.clone())
                .items(labels)
                .default(default)
                .max_length(page)
                .report(false)
                .interact_on_opt(&self.term)
                .map_err(map_err)
        };
        let default_key = prompt.default.as_ref().and_then(AnswerValue::as_key);
        let value = match &prompt.kind {
            PromptKind::YesNo => {
                let default = usize::from(default_key.as_deref() == Some("no"));
                pick(vec![l.yes.into(), l.no.into()], default)?
                    .map(|i| AnswerValue::Key(if i == 0 { "yes" } else { "no" }.into()))
            }
            PromptKind::Choice(opts) => {
                let default = opts
                    .iter()
                    .position(|o| Some(&o.key) == default_key.as_ref())
                    .unwrap_or(0);
                pick(opts.iter().map(|o| item(o, 2)).collect(), default)?
                    .map(|i| AnswerValue::Key(opts[i].key.clone()))
            }
            PromptKind::Scale {
                min,
                max: top,
                low,
                high,
            } => {
                let labels = (*min..=*top)
                    .map(|n| match n {
                        n if n == *min && !low.is_empty() => format!("{n} — {}", safe(low)),
                        n if n == *top && !high.is_empty() => format!("{n} — {}", safe(high)),
                        n => n.to_string(),
                    })
                    .map(|label| fit::fit(&label, max.saturating_sub(2)))
                    .collect();
                let default = match prompt.default {
                    Some(AnswerValue::Number(n)) => (n - min) as usize,
                    _ => 0,
                };
                pick(labels, default)?.map(|i| AnswerValue::Number(min + i as i64))
            }
            PromptKind::Multi(opts) => {
                let chosen: Vec<String> = match &prompt.default {
                    Some(AnswerValue::Keys(k)) => k.clone(),
                    _ => Vec::new(),
                };
                let checked: Vec<bool> = opts.iter().map(|o| chosen.contains(&o.key)).collect();
                MultiSelect::with_theme(&self.theme)
                    .with_prompt(title)
                    .items(opts.iter().map(|o| item(o, 4)))
                    .defaults(&checked)
                    .max_length(page)
                    .report(false)
                    .interact_on_opt(&self.term)
                    .map_err(map_err)?
                    .map(|picked| {
                        AnswerValue::Keys(picked.into_iter().map(|i| opts[i].key.clone()).collect())
                    })
            }
            PromptKind::Text | PromptKind::Duration | PromptKind::Field(_) => {
                // dialoguer echoes the final answer raw and leaves the rows a
                // long answer wrapped onto; the answer is echoed by `ask`,
                // escaped and on one line, and those rows cleared here.
                let default = prompt
                    .default
                    .as_ref()
                    .map(|d| Typed(d.as_text().to_owned()));
                let mut input = Input::<Typed>::with_theme(&self.theme)
                    .with_prompt(title.clone())
                    .report(false)
                    .allow_empty(!prompt.required);
                if let Some(default) = &default {
                    input = input.default(default.clone());
                }
                let Typed(text) = input.interact_text_on(&self.term).map_err(map_err)?;
                // Enter on an empty line returns the default: nothing was typed.
                let typed = match &default {
                    Some(Typed(d)) if *d == text => "",
                    _ => text.as_str(),
                };
                let mut drawn = String::new();
                let shown = default.as_ref().map(ToString::to_string);
                self.theme
                    .format_input_prompt(&mut drawn, &title, shown.as_deref())
                    .map_err(|e| PromptError::Io(std::io::Error::other(e)))?;
                let (_, cols) = self.term.size();
                let rows = fit::rows(measure_text_width(&drawn), typed, usize::from(cols));
                // dialoguer cleared the row the cursor is on; the rest are above it.
                self.term
                    .clear_last_lines(rows - 1)
                    .map_err(PromptError::Io)?;
                (text.trim() != BACK).then_some(AnswerValue::Text(text))
            }
        };
        Ok(value)
    }
}

impl Drop for TerminalPrompter {
    /// dialoguer hides the cursor while a list is open and does not restore
    /// it when interrupted; leave the rep a usable terminal whatever happens.
    fn drop(&mut self) {
        let _ = self.term.show_cursor();
    }
}

/// dialoguer's colourful theme kept within the terminal's width, with a `❯`
/// cursor on multi-select items too (the colourful theme marks the current
/// item there by colour alone, invisible under `NO_COLOR`).
struct Fitted {
    inner: ColorfulTheme,
    term: Term,
}

impl Fitted {
    fn new(term: Term) -> Self {
        Fitted {
            inner: ColorfulTheme::default(),
            term,
        }
    }

    /// Draws with `draw`, then cuts the line to the width (escape codes kept).
    fn cut(
        &self,
        f: &mut dyn fmt::Write,
        draw: impl FnOnce(&mut String) -> fmt::Result,
    ) -> fmt::Result {
        let mut line = String::new();
        draw(&mut line)?;
        f.write_str(&truncate_str(&line, usable(&self.term), fit::ELLIPSIS))
    }
}

impl Theme for Fitted {
    fn format_prompt(&self, f: &mut dyn fmt::Write, prompt: &str) -> fmt::Result {
        self.cut(f, |s| self.inner.format_prompt(s, prompt))
    }

    fn format_error(&self, f: &mut dyn fmt::Write, err: &str) -> fmt::Result {
        self.cut(f, |s| self.inner.format_error(s, err))
    }

    /// The title and the default share the row, leaving the rest for typing.
    fn format_input_prompt(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        default: Option<&str>,
    ) -> fmt::Result {
        let max = usable(&self.term);
        let default = default.map(|d| fit::fit(d, max / 4));
        // "? ", " (", ") ", "› " around them.
        let room = max.saturating_sub(8 + default.as_deref().map_or(0, fit::width));
        let prompt = fit::fit(prompt, room.max(max / 2));
        self.cut(f, |s| {
            self.inner
                .format_input_prompt(s, &prompt, default.as_deref())
        })
    }

    fn format_input_prompt_selection(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        sel: &str,
    ) -> fmt::Result {
        self.cut(f, |s| {
            self.inner.format_input_prompt_selection(s, prompt, sel)
        })
    }

    fn format_select_prompt(&self, f: &mut dyn fmt::Write, prompt: &str) -> fmt::Result {
        self.cut(f, |s| self.inner.format_select_prompt(s, prompt))
    }

    fn format_select_prompt_selection(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        sel: &str,
    ) -> fmt::Result {
        self.cut(f, |s| {
            self.inner.format_select_prompt_selection(s, prompt, sel)
        })
    }

    fn format_multi_select_prompt(&self, f: &mut dyn fmt::Write, prompt: &str) -> fmt::Result {
        self.cut(f, |s| self.inner.format_multi_select_prompt(s, prompt))
    }

    fn format_multi_select_prompt_selection(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        selections: &[&str],
    ) -> fmt::Result {
        self.cut(f, |s| {
            self.inner
                .format_multi_select_prompt_selection(s, prompt, selections)
        })
    }

    fn format_select_prompt_item(
        &self,
        f: &mut dyn fmt::Write,
        text: &str,
        active: bool,
    ) -> fmt::Result {
        self.cut(f, |s| self.inner.format_select_prompt_item(s, text, active))
    }

    fn format_multi_select_prompt_item(
        &self,
        f: &mut dyn fmt::Write,
        text: &str,
        checked: bool,
        active: bool,
    ) -> fmt::Result {
        let t = &self.inner;
        let (cursor, text) = if active {
            (&t.active_item_prefix, t.active_item_style.apply_to(text))
        } else {
            (
                &t.inactive_item_prefix,
                t.inactive_item_style.apply_to(text),
            )
        };
        let tick = if checked {
            &t.checked_item_prefix
        } else {
            &t.unchecked_item_prefix
        };
        self.cut(f, |s| {
            fmt::Write::write_fmt(s, format_args!("{cursor} {tick} {text}"))
        })
    }
}

/// Typed text as dialoguer holds it: the value stays as typed, but whatever
/// dialoguer shows of it (the default offered when going back) is escaped.
#[derive(Clone)]
struct Typed(String);

impl fmt::Display for Typed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&safe(&self.0))
    }
}

impl std::str::FromStr for Typed {
    type Err = std::convert::Infallible;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Typed(text.to_owned()))
    }
}

fn map_err(err: dialoguer::Error) -> PromptError {
    let dialoguer::Error::IO(io) = err;
    // A closed terminal (SIGHUP) shows up as end-of-file; it is an interrupt too.
    if io.kind() == std::io::ErrorKind::Interrupted || interrupted() {
        PromptError::Interrupted
    } else {
        PromptError::Io(io)
    }
}

impl Prompter for TerminalPrompter {
    fn stage(&mut self, b: &Briefing) -> Result<(), PromptError> {
        let l = self.lang.labels();
        let max = self.max();
        self.verdict = b.verdict.clone();
        self.line("")?;
        let title = fit::fit(b.stage.title(self.lang), max.saturating_sub(6));
        self.line(&style(format!("━━ {title} ━━")).cyan().bold().to_string())?;
        if let Some(v) = &self.verdict {
            self.line(&self.verdict_line(v))?;
        }
        if let Some(a) = &b.assessment {
            let mut table = self.table();
            table.add_row(vec![
                Cell::new(l.level),
                Cell::new(format!("{} — {}", safe(&a.level), safe(&a.response_force))),
            ]);
            table.add_row(vec![
                Cell::new(l.authority),
                Cell::new(format!("{} — {}", safe(&a.authority), safe(&a.stance))),
            ]);
            let flags = if a.flags.is_empty() {
                l.none.to_owned()
            } else {
                safe(&a.flags.join(l.list_sep))
            };
            table.add_row(vec![Cell::new(l.flags), Cell::new(flags)]);
            let scores: Vec<String> = a.scores.iter().map(|(k, v)| format!("{k} {v}")).collect();
            table.add_row(vec![Cell::new(l.scores), Cell::new(scores.join(", "))]);
            table.add_row(vec![
                Cell::new(l.why),
                Cell::new(safe(&a.reasons.join("\n"))),
            ]);
            self.line(&table.to_string())?;
        }
        if !b.guidance.is_empty() {
            for line in fit::wrap(&safe(&b.guidance), max) {
                self.line(&style(line).yellow().bold().to_string())?;
            }
        }
        // Not a red ✗: beside the green ✔ answers that reads as a failed check.
        for dont in &b.donts {
            for line in self.wrapped("⊘ ", &safe(dont)) {
                self.line(&style(line).magenta().bold().to_string())?;
            }
        }
        if !b.grievances.is_empty() {
            let mut table = self.table();
            table.set_header(vec![l.grievance, l.they_say, l.ask]);
            for g in &b.grievances {
                table.add_row(vec![
                    safe(&g.label),
                    safe(&g.cues.join("\n")),
                    safe(&g.probes.join("\n")),
                ]);
            }
            self.line(&table.to_string())?;
        }
        if !b.proposals.is_empty() {
            let mut table = self.table();
            table.set_header(vec![l.proposed_remedy, l.kind, l.owner, l.due, l.why]);
            for p in &b.proposals {
                table.add_row(vec![
                    safe(&p.label),
                    safe(&p.kind),
                    safe(&p.owner),
                    safe(&p.due),
                    safe(&p.why),
                ]);
            }
            self.line(&table.to_string())?;
        }
        Ok(())
    }

    fn ask(&mut self, prompt: &Prompt) -> Result<Reply, PromptError> {
        // Ctrl-C pressed between prompts (while a table was drawn) counts too.
        if interrupted() {
            return Err(PromptError::Interrupted);
        }
        let l = self.lang.labels();
        // Why the last answer was refused, shown above the prompt asked again.
        let mut refused: Option<String> = None;
        loop {
            let max = self.max();
            let mut notes = Vec::new();
            if let Some(v) = &self.verdict {
                notes.push(self.verdict_line(v));
            }
            if !prompt.help.is_empty() {
                for line in fit::wrap(&safe(&prompt.help), max) {
                    notes.push(style(line).dim().to_string());
                }
            }
            if matches!(prompt.kind, PromptKind::Multi(_)) {
                notes.push(style(fit::fit(l.multi_keys, max)).dim().to_string());
            }
            if let Some(why) = &refused {
                for line in self.wrapped("✗ ", &safe(why)) {
                    notes.push(style(line).red().bold().to_string());
                }
            }
            for note in &notes {
                self.line(note)?;
            }
            let value = self.draw(prompt, max, notes.len())?;
            // Every note goes with its prompt; nothing below them is left.
            self.term
                .clear_last_lines(notes.len())
                .map_err(PromptError::Io)?;
            let Some(value) = value else {
                return Ok(Reply::Back);
            };
            // Checked here, as the session will, so a refused answer is
            // asked again without leaving an answered-looking line behind.
            if let Err(why) = prompt.validate(&value) {
                refused = Some(match prompt.kind {
                    PromptKind::Duration => (l.invalid_duration)(value.as_text()),
                    _ => why.describe(self.lang),
                });
                continue;
            }
            self.echo(&safe(&prompt.title), &self.shown(prompt, &value))?;
            return Ok(Reply::Answer(value));
        }
    }

    fn rejected(&mut self, _prompt: &Prompt, why: &InvalidAnswer) -> Result<(), PromptError> {
        let why = why.describe(self.lang);
        for line in self.wrapped("✗ ", &safe(&why)) {
            self.line(&style(line).red().bold().to_string())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Typed;

    #[test]
    fn a_typed_default_is_shown_escaped_but_kept_as_typed() {
        let typed: Typed = "Acme\u{202E}gnp\x1b[2J".parse().unwrap();
        assert_eq!(typed.to_string(), "Acme\\u{202e}gnp\\u{1b}[2J");
        assert_eq!(typed.0, "Acme\u{202E}gnp\x1b[2J");
    }
}
