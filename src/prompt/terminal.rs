//! The live front end: dialoguer prompts and comfy-table summaries, all on
//! stderr so stdout stays free for `--out -`. The only module that draws on
//! the terminal.
//!
//! Keys: arrows and Enter; Space toggles in lists; Esc (or `q`) on a list,
//! or `<` on a text prompt, goes back one question.

use std::fs::File;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use nix::sys::termios::{SetArg, Termios, tcgetattr, tcsetattr};

use comfy_table::{Cell, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use dialoguer::console::{Term, style};
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Input, MultiSelect, Select};

use super::{PromptError, Prompter, Reply};
use crate::duration::Due;
use crate::i18n::Lang;
use crate::plan::{Plan, markdown::human_time};
use crate::text::for_terminal as safe;
use crate::triage::answers::AnswerValue;
use crate::triage::briefing::Briefing;
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
    theme: ColorfulTheme,
    /// The language of the chrome (headers, Yes/No); the session words the rest.
    lang: Lang,
}

impl TerminalPrompter {
    pub fn new(lang: Lang) -> Self {
        install_signal_handler();
        TerminalPrompter {
            term: Term::stderr(),
            theme: ColorfulTheme::default(),
            lang,
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

    fn table(&self) -> Table {
        let mut table = Table::new();
        table
            .load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
        let (_, width) = self.term.size();
        table.set_width(width.max(40));
        table
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
        self.line(
            &style(format!(
                "{}{}{} · {}{}{}",
                l.level,
                l.colon,
                safe(&plan.assessment.level.label),
                l.authority,
                l.colon,
                safe(&plan.assessment.authority.label)
            ))
            .bold()
            .to_string(),
        )?;
        self.line(&table.to_string())?;
        for path in written {
            self.line(&format!(
                "{} {}",
                style(l.written).green().bold(),
                safe(path)
            ))?;
        }
        self.line(&safe(stored))
    }
}

impl Drop for TerminalPrompter {
    /// dialoguer hides the cursor while a list is open and does not restore
    /// it when interrupted; leave the rep a usable terminal whatever happens.
    fn drop(&mut self) {
        let _ = self.term.show_cursor();
    }
}

/// Typed text as dialoguer holds it: the value stays as typed, but whatever
/// dialoguer shows of it (the default offered when going back) is escaped.
#[derive(Clone)]
struct Typed(String);

impl std::fmt::Display for Typed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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
        self.line("")?;
        self.line(
            &style(format!("━━ {} ━━", b.stage.title(self.lang)))
                .cyan()
                .bold()
                .to_string(),
        )?;
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
            self.line(&style(safe(&b.guidance)).yellow().bold().to_string())?;
        }
        for dont in &b.donts {
            self.line(&style(format!("✗ {}", safe(dont))).red().bold().to_string())?;
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
        if !prompt.help.is_empty() {
            self.line(&style(safe(&prompt.help)).dim().to_string())?;
        }
        let title = safe(&prompt.title);
        let pick = |labels: Vec<String>, default: usize| {
            Select::with_theme(&self.theme)
                .with_prompt(title.clone())
                .items(labels)
                .default(default)
                .interact_on_opt(&self.term)
                .map_err(map_err)
        };
        let default_key = prompt.default.as_ref().and_then(AnswerValue::as_key);
        let reply = match &prompt.kind {
            PromptKind::YesNo => {
                let default = usize::from(default_key.as_deref() == Some("no"));
                let l = self.lang.labels();
                pick(vec![l.yes.into(), l.no.into()], default)?
                    .map(|i| AnswerValue::Key(if i == 0 { "yes" } else { "no" }.into()))
            }
            PromptKind::Choice(opts) => {
                let default = opts
                    .iter()
                    .position(|o| Some(&o.key) == default_key.as_ref())
                    .unwrap_or(0);
                pick(opts.iter().map(|o| safe(&o.label)).collect(), default)?
                    .map(|i| AnswerValue::Key(opts[i].key.clone()))
            }
            PromptKind::Scale {
                min,
                max,
                low,
                high,
            } => {
                let labels = (*min..=*max)
                    .map(|n| match n {
                        n if n == *min && !low.is_empty() => format!("{n} — {}", safe(low)),
                        n if n == *max && !high.is_empty() => format!("{n} — {}", safe(high)),
                        n => n.to_string(),
                    })
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
                    .items(opts.iter().map(|o| safe(&o.label)))
                    .defaults(&checked)
                    .interact_on_opt(&self.term)
                    .map_err(map_err)?
                    .map(|picked| {
                        AnswerValue::Keys(picked.into_iter().map(|i| opts[i].key.clone()).collect())
                    })
            }
            PromptKind::Text | PromptKind::Duration => {
                let is_duration = prompt.kind == PromptKind::Duration;
                let invalid_duration = self.lang.labels().invalid_duration;
                // dialoguer echoes the final answer raw; we echo it ourselves,
                // sanitized, so pasted bidi overrides or C1 controls stay inert.
                let mut input = Input::<Typed>::with_theme(&self.theme)
                    .with_prompt(title.clone())
                    .report(false)
                    .allow_empty(!prompt.required)
                    .validate_with(move |Typed(text): &Typed| -> Result<(), String> {
                        if is_duration && text != BACK {
                            text.parse::<Due>()
                                .map(|_| ())
                                .map_err(|_| invalid_duration(text))
                        } else {
                            Ok(())
                        }
                    });
                if let Some(default) = &prompt.default {
                    input = input.default(Typed(default.as_text().to_owned()));
                }
                let Typed(text) = input.interact_text_on(&self.term).map_err(map_err)?;
                if text.trim() == BACK {
                    None
                } else {
                    let echo = format!(
                        "{} {} {} {}",
                        style("✔").green(),
                        style(&title).bold(),
                        style("·").dim(),
                        style(safe(&text)).green()
                    );
                    self.line(&echo)?;
                    Some(AnswerValue::Text(text))
                }
            }
        };
        Ok(reply.map_or(Reply::Back, Reply::Answer))
    }

    fn rejected(&mut self, _prompt: &Prompt, why: &InvalidAnswer) -> Result<(), PromptError> {
        let why = why.describe(self.lang);
        self.line(&format!("{} {}", style("✗").red().bold(), safe(&why)))
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
