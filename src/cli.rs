//! Command-line arguments (clap derive). Environment variables are read by
//! `command::run` from its `Env`, not by clap, so tests can give their own.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes:
  0    success
  1    invalid input: a playbook or answers file is wrong (file:line:col given)
  2    usage: bad arguments, unreadable file, or no terminal without --answers
  3    runtime failure: a write, the case archive or the terminal failed
  130  interrupted; the answers given so far are saved";

const SYNC_EXIT_CODES: &str = "\
Exit codes:
  0    every case waiting for this archive is stored (or none was waiting)
  2    usage: the archive is not a server
  3    the server could not take them (they stay in the outbox: nothing is
       lost), or the outbox cannot be read";

const LINT_EXIT_CODES: &str = "\
Exit codes:
  0    no errors (warnings allowed unless --deny-warnings)
  1    errors found (or warnings, with --deny-warnings)
  2    usage error, or a path that cannot be read (missing, a FIFO, a broken
       or looping link, an unreadable directory); the rest is still linted";

#[derive(Debug, Parser)]
#[command(name = "defuse", version, about = "Defuse an angry customer: a three-step triage from YAML playbooks, ending in an action plan.", after_help = EXIT_CODES)]
pub struct Cli {
    /// The config file [default: $XDG_CONFIG_HOME/defuse/config.toml, else
    /// ~/.config/defuse/config.toml, if it exists]. See `defuse config`.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "PATH"
    )]
    pub config: Option<PathBuf>,

    /// Extra directories searched for playbooks (after ./playbooks). Repeatable.
    /// [env: DEFUSE_PLAYBOOK_DIR, `:`-separated]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_delimiter = ':'
    )]
    pub playbook_dir: Vec<PathBuf>,

    /// Where live sessions keep their drafts [default: $XDG_STATE_HOME/defuse/drafts]
    /// [env: DEFUSE_DRAFTS_DIR].
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "DIR"
    )]
    pub drafts_dir: Option<PathBuf>,

    /// Language of prompts, tables and plans: en, zh-TW or zh-CN [default:
    /// $DEFUSE_LANG, then $LC_ALL, $LC_MESSAGES or $LANG, then en].
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "LANG"
    )]
    pub lang: Option<crate::i18n::Lang>,

    /// The case archive: a file (PATH or sqlite:PATH) or a team server
    /// (postgres://USER@HOST:PORT/DB?sslmode=MODE) [default:
    /// $XDG_DATA_HOME/defuse/cases.db] [env: DEFUSE_DB].
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "PATH|URL"
    )]
    pub db: Option<PathBuf>,

    /// Colours in the live session: auto (on a terminal, unless $NO_COLOR is
    /// set; $CLICOLOR_FORCE forces them), always, never.
    #[arg(long, global = true, help_heading = "Global options", value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Walk through the three-step triage and write an action plan.
    #[command(after_help = EXIT_CODES)]
    Triage(TriageArgs),
    /// List the available playbooks (embedded, ./playbooks, --playbook-dir).
    #[command(after_help = EXIT_CODES)]
    Playbooks(PlaybooksArgs),
    /// List the drafts of unfinished sessions (resume one with `triage --resume`).
    #[command(after_help = EXIT_CODES)]
    Drafts(DraftsArgs),
    /// Check playbook files: YAML, types, references, reachability, templates.
    #[command(after_help = LINT_EXIT_CODES)]
    Lint(LintArgs),
    /// Run playbook scenario tests (`NAME.tests.yaml` beside `NAME.yaml`).
    #[command(after_help = EXIT_CODES)]
    Test(TestArgs),
    /// Print the JSON Schema of playbooks, answers files or scenario files.
    Schema(SchemaArgs),
    /// The case archive: every completed triage.
    #[command(subcommand, after_help = EXIT_CODES)]
    Cases(CasesCommand),
    /// Commitments across all cases, by due time: the remedies chosen in
    /// each call and its follow-ups (also named `followups`).
    #[command(visible_alias = "followups", after_help = EXIT_CODES)]
    Commitments(CommitmentsArgs),
    /// The settings in effect (name, roster, working hours, language,
    /// playbook dirs, archive) and where each came from: a flag, an
    /// environment variable, the config file, or the default.
    #[command(after_help = EXIT_CODES)]
    Config(ConfigArgs),
    /// Start a new playbook from files that pass `lint` and `test`.
    #[command(subcommand, after_help = EXIT_CODES)]
    New(NewCommand),
    /// Set up a team archive on a PostgreSQL server.
    #[command(subcommand, after_help = EXIT_CODES)]
    Archive(ArchiveCommand),
    /// Store the cases waiting in the outbox (those the team's server could
    /// not take at the end of a call) on the server archive. Safe to run
    /// at any time, twice at once, or from cron: quiet unless it stored or
    /// failed something.
    #[command(after_help = SYNC_EXIT_CODES)]
    Sync(SyncArgs),
    /// Print a shell completion script, e.g.
    /// `defuse completions bash > ~/.local/share/bash-completion/completions/defuse`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff; `defuse man | man -l -`), or write one
    /// page per command into a directory with --out.
    Man(ManArgs),
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Write NAME.yaml (a small playbook that passes `lint --deny-warnings`)
    /// and NAME.tests.yaml (its scenario tests), then print a CI job and a
    /// pre-commit hook that run both checks. Never replaces a file.
    Playbook(NewPlaybookArgs),
}

#[derive(Debug, clap::Args)]
pub struct NewPlaybookArgs {
    /// The playbook id: lowercase letters, digits and dashes, e.g. `late-delivery`.
    pub name: String,
    /// The directory to write into (created if missing).
    #[arg(long, value_name = "DIR", default_value = "playbooks")]
    pub dir: PathBuf,
}

#[derive(Debug, clap::Subcommand)]
pub enum ArchiveCommand {
    /// Create (or upgrade) the schema at a postgres:// URL, as the role that
    /// will own it, and print the GRANTs for a rep role and a lead role.
    #[command(after_help = EXIT_CODES)]
    Init(ArchiveInitArgs),
    /// Copy every case (with its commitments and void state) from one
    /// archive into another, e.g. a rep's file into the team's server.
    /// Run it twice and nothing is copied twice.
    #[command(after_help = EXIT_CODES)]
    Copy(ArchiveCopyArgs),
}

#[derive(Debug, clap::Args)]
pub struct ArchiveCopyArgs {
    /// The archive to copy from: a file (PATH.db) or a postgres:// URL.
    #[arg(long, value_name = "ARCHIVE")]
    pub from: String,
    /// The archive to copy into (created if missing): a postgres:// URL or a file.
    #[arg(long, value_name = "ARCHIVE")]
    pub to: String,
}

#[derive(Debug, clap::Args)]
pub struct ArchiveInitArgs {
    /// The team archive: postgres://user@host:port/dbname (password from
    /// PGPASSWORD or ~/.pgpass).
    pub url: String,
    /// Run the GRANTs too, instead of only printing them.
    #[arg(long)]
    pub apply: bool,
    /// The role reps log in through: store cases, mark commitments done, read the team's cases.
    #[arg(long, default_value = "defuse_rep", value_name = "ROLE")]
    pub rep_role: String,
    /// The role leads log in through: a rep's rights, and voiding cases.
    #[arg(long, default_value = "defuse_lead", value_name = "ROLE")]
    pub lead_role: String,
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell the script is for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write `defuse.1` and a page per subcommand (`defuse-cases-list.1`, …)
    /// into this directory instead of printing `defuse.1`.
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Replace pages that already exist in --out.
    #[arg(long, requires = "out")]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    /// A table for people, or JSON (`defuse.config/v1`) for scripts.
    #[arg(long, short, value_enum, default_value_t = ConfigFormat::Table)]
    pub format: ConfigFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConfigFormat {
    /// One setting a line: name, value, where it came from.
    Table,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// `json`: a summary (stored, already there, failed, waiting) even when
    /// nothing happened.
    #[arg(long, value_enum, default_value = "text")]
    pub format: SyncFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SyncFormat {
    /// A line for each thing that happened; nothing when nothing did.
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Markdown for people.
    Md,
    /// JSON for machines (schema `defuse.plan/v1`).
    Json,
}

#[derive(Debug, clap::Args)]
pub struct TriageArgs {
    /// Playbook id or path to a YAML file [default: general].
    #[arg(long, short)]
    pub playbook: Option<String>,

    /// Replay an answers file instead of asking (no terminal needed). A live
    /// session writes one beside its plan; `defuse schema answers` describes
    /// the format, so one can also be written by hand.
    #[arg(long, short, value_name = "FILE", conflicts_with = "resume")]
    pub answers: Option<PathBuf>,

    /// Continue an interrupted session from its draft (the newest if no ID).
    /// With --playbook, use that file for a draft whose playbook has moved.
    #[arg(long, value_name = "ID", num_args = 0..=1, conflicts_with = "now")]
    pub resume: Option<Option<String>>,

    /// The call time, RFC 3339 (e.g. 2026-11-23T10:00:00+08:00). Defaults to
    /// the answers file's `now`, then the clock.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,

    /// Plan format.
    #[arg(long, short, value_enum, default_value_t = PlanFormat::Md)]
    pub format: PlanFormat,

    /// Where to write the plan: a path, or `-` for stdout. By default a new
    /// file in ./defuse-plans/ (or $DEFUSE_PLAN_DIR) that never replaces an
    /// earlier plan.
    #[arg(long, short, value_name = "PATH")]
    pub out: Option<PathBuf>,

    /// Replace an existing file given with --out.
    #[arg(long)]
    pub force: bool,

    /// A training run: stored, but left out of history, follow-ups and stats.
    #[arg(long)]
    pub rehearse: bool,

    /// Write the plan only: the case archive is not opened (no history is
    /// consulted, nothing is stored).
    #[arg(long, conflicts_with = "rehearse")]
    pub no_store: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Columns for people: boxed on a terminal, plain (space-aligned) when
    /// stdout is a pipe or a file.
    Table,
    /// Tab-separated, a header line first (tabs and newlines in cells become spaces).
    Tsv,
    /// JSON for scripts.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct PlaybooksArgs {
    /// How to print the list.
    #[arg(long, short, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, clap::Args)]
pub struct DraftsArgs {
    /// How to print the list.
    #[arg(long, short, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,

    /// Delete a draft instead of listing.
    #[arg(long, value_name = "ID")]
    pub discard: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// file:line:col, a source snippet and help.
    Human,
    Json,
    /// GitHub Actions annotations.
    Github,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
}

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Files or directories (searched recursively) [default: playbooks/].
    pub paths: Vec<PathBuf>,

    /// How to report findings: for people, for scripts, or for CI.
    #[arg(long, short, value_enum, default_value_t = LintFormat::Human)]
    pub format: LintFormat,

    /// Do not report this rule. Repeatable.
    #[arg(long, value_name = "RULE")]
    pub allow: Vec<String>,

    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,

    /// Print the documentation of a rule, with an example, and exit.
    #[arg(long, value_name = "RULE", conflicts_with_all = ["paths", "allow"])]
    pub explain: Option<String>,

    /// Print docs/lint-rules.md, generated from the rule table, and exit.
    #[arg(long, hide = true, conflicts_with_all = ["paths", "allow", "explain"])]
    pub rules_markdown: bool,

    /// Worker threads, at most 16 [default: the number of CPUs].
    #[arg(long, short)]
    pub jobs: Option<usize>,
}

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Scenario files or directories (searched for `*.tests.yaml`) [default: playbooks/].
    pub paths: Vec<PathBuf>,

    /// Also report, per playbook, which levels, authorities, remedies,
    /// follow-ups, history rules and `when:` wordings and don'ts the
    /// scenarios exercise; warn about each remedy no scenario proposes.
    #[arg(long, conflicts_with = "against_archive")]
    pub coverage: bool,

    /// Instead of scenarios, replay the archived cases' answers through the
    /// current playbooks and list those whose level, authority or proposed
    /// remedies would change (the archive is only read; see --db).
    #[arg(long, conflicts_with = "paths")]
    pub against_archive: bool,

    /// With --against-archive: only cases on or after this date (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "DATE", requires = "against_archive")]
    pub since: Option<String>,

    /// With --against-archive: exit 1 when a case would change or no longer replays.
    #[arg(long, requires = "against_archive")]
    pub fail_on_change: bool,

    /// Output of --coverage or --against-archive: a table, or JSON for CI.
    #[arg(long, short, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// Playbooks (`playbooks/playbook.schema.json`).
    Playbook,
    /// Answers files (`playbooks/answers.schema.json`).
    Answers,
    /// Scenario test files (`playbooks/scenarios.schema.json`).
    Scenarios,
}

#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Which file format to describe.
    #[arg(value_enum, default_value_t = SchemaKind::Playbook)]
    pub kind: SchemaKind,
}

#[derive(Debug, Subcommand)]
pub enum CasesCommand {
    /// Stored cases, newest first.
    List(CasesListArgs),
    /// A stored case's plan.
    Show(CasesShowArgs),
    /// Every stored case, for spreadsheets and scripts.
    Export(CasesExportArgs),
    /// Grievance mix, levels by month, remedies used, repeat customers.
    Stats(CasesStatsArgs),
    /// Check the archive's integrity (a file: SQLite's integrity_check; a
    /// server: every case and commitment reads back) and list duplicate
    /// cases (the same call stored twice).
    Check,
    /// Mark a case void: kept, but left out of history, follow-ups, stats
    /// and exports (who, when and why are recorded). On a team archive only
    /// the lead role may void.
    Void(CasesVoidArgs),
}

#[derive(Debug, clap::Args)]
pub struct CasesVoidArgs {
    /// The case number (`12`) or case id.
    #[arg(required_unless_present = "duplicates", conflicts_with = "duplicates")]
    pub id: Option<String>,
    /// Why the case is void (kept with it).
    #[arg(long, value_name = "TEXT", required_unless_present = "duplicates")]
    pub reason: Option<String>,
    /// Void every duplicate `cases check` lists, keeping the earliest case of
    /// each call ("duplicate of #N", then --reason if given).
    #[arg(long)]
    pub duplicates: bool,
}

#[derive(Debug, clap::Args)]
pub struct CasesListArgs {
    /// Only customers whose name contains this, case aside ("acme").
    #[arg(long, value_name = "TEXT")]
    pub customer: Option<String>,
    /// Only cases on or after this date (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only cases at this level: its id or its label in any language, case
    /// aside ("fire", "Major incident", "火警").
    #[arg(long, value_name = "LEVEL")]
    pub level: Option<String>,
    /// Only cases this rep stored, by name, case aside ("li wei"): the
    /// configured `name`, else the OS user, when they stored it.
    #[arg(long, value_name = "NAME")]
    pub rep: Option<String>,
    /// Include rehearsals (`triage --rehearse`).
    #[arg(long)]
    pub rehearsals: bool,
    /// Include void cases (`cases void`).
    #[arg(long)]
    pub include_void: bool,
    /// At most this many cases, newest first.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// How to print the list.
    #[arg(long, short, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, clap::Args)]
pub struct CasesShowArgs {
    /// The case number (`12`) or case id (`20261123-1000-acme`).
    pub id: String,
    /// The plan as Markdown, or as the stored JSON plan.
    #[arg(long, short, value_enum, default_value_t = PlanFormat::Md)]
    pub format: PlanFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct CasesExportArgs {
    /// JSON (every field), or CSV for spreadsheets.
    #[arg(long, short, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
    /// Leave out contact details (contact name and role).
    #[arg(long)]
    pub redact: bool,
    /// Include rehearsals.
    #[arg(long)]
    pub rehearsals: bool,
    /// Include void cases (with who voided them, when and why).
    #[arg(long)]
    pub include_void: bool,
}

#[derive(Debug, clap::Args)]
pub struct CommitmentsArgs {
    /// Only those due by the end of today (the released meaning; same as --today).
    #[arg(long, conflicts_with_all = ["overdue", "today"])]
    pub due: bool,
    /// Only those due by the end of today, in the local time zone.
    #[arg(long, conflicts_with = "overdue")]
    pub today: bool,
    /// Only those already past due.
    #[arg(long)]
    pub overdue: bool,
    /// Only those owned by this role or person (case-insensitive), e.g. "Team lead".
    #[arg(long, value_name = "NAME", conflicts_with = "mine")]
    pub owner: Option<String>,
    /// Only those owned by you, by name (the OS user, $USER or $LOGNAME).
    #[arg(long)]
    pub mine: bool,
    /// Done ones too, with when and by whom (an ics export always has them,
    /// so a calendar marks them completed).
    #[arg(long)]
    pub all: bool,
    /// List as of this time, RFC 3339, instead of now: what is overdue or
    /// due by the end of that day (e.g. tomorrow evening's list).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// How to print the list: a table, TSV, JSON, CSV, or an iCalendar file.
    #[arg(long, short, value_enum, default_value_t = CommitmentFormat::Table)]
    pub format: CommitmentFormat,
    #[command(subcommand)]
    pub action: Option<CommitmentsAction>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CommitmentFormat {
    /// Columns for people: boxed on a terminal, plain when piped.
    Table,
    /// Tab-separated, a header line first.
    Tsv,
    Json,
    Csv,
    /// iCalendar (RFC 5545): one VTODO per commitment, stable UIDs.
    Ics,
}

#[derive(Debug, Subcommand)]
pub enum CommitmentsAction {
    /// Mark a commitment (a remedy or a follow-up) done.
    Done {
        /// The commitment number from `defuse commitments`.
        number: i64,
    },
}

#[derive(Debug, clap::Args)]
pub struct CasesStatsArgs {
    /// `table`: bars on a terminal; `tsv` and `json` for scripts.
    #[arg(long, short, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// Count void cases too.
    #[arg(long)]
    pub include_void: bool,
    /// Break the counts down: cases and their commitments (open, overdue,
    /// done) per rep who stored them, per commitment owner, or per month.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub by: Option<StatsBy>,
    /// Write the monthly review as one self-contained HTML page (charts
    /// drawn in SVG; no network, no JavaScript) to FILE (`-`: stdout).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Replace FILE if it exists.
    #[arg(long, requires = "html")]
    pub force: bool,
}

/// What `cases stats --by` breaks the counts down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsBy {
    /// The rep who stored the case.
    Rep,
    /// The commitment's owner (the person named, else the role).
    Owner,
    /// The month of the call.
    Month,
}
