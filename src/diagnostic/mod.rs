//! Diagnostics: problems found in a playbook, answers or scenario file, each
//! with a rule (`RuleId`), a severity, a position, a source snippet and help;
//! parser errors classified into rules; "did you mean" suggestions. A leaf:
//! the playbook model, the engine's answers files and lint all report
//! through it.

pub mod rule;

use std::fmt;

use serde_saphyr::Spanned;
use unicode_width::UnicodeWidthChar;

pub use rule::RuleId;

/// How bad a problem is: errors stop a playbook from loading (and fail
/// `defuse lint`); warnings are reported but do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A problem found while loading, positioned in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The rule, shown as its stable kebab-case id, e.g. `unknown-reference`
    /// (see `defuse lint --explain`).
    pub rule: RuleId,
    pub severity: Severity,
    pub line: u64,
    pub column: u64,
    pub message: String,
    pub help: Option<String>,
    /// The offending source line with a caret under the column.
    pub snippet: String,
}

impl Problem {
    /// A problem at `line:column` of `source`, with its snippet drawn.
    pub fn new(
        source: &str,
        line: u64,
        column: u64,
        rule: RuleId,
        message: String,
        help: Option<String>,
    ) -> Self {
        let (line, column) = (line.max(1), column.max(1));
        Problem {
            rule,
            severity: rule.severity(),
            line,
            column,
            snippet: snippet(source, line, column),
            message,
            help,
        }
    }

    /// A problem at a spanned node (or at 1:1 when there is none).
    pub fn at<T>(
        source: &str,
        node: Option<&Spanned<T>>,
        rule: RuleId,
        message: String,
        help: Option<String>,
    ) -> Self {
        let (line, column) = node.map_or((1, 1), |n| (n.referenced.line(), n.referenced.column()));
        Self::new(source, line, column, rule, message, help)
    }
}

/// Every problem that stopped a playbook (or answers file) from loading.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LoadError {
    pub source_name: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(
                f,
                "{}:{}:{}: {}: {} [{}]",
                self.source_name, p.line, p.column, p.severity, p.message, p.rule
            )?;
            if !p.snippet.is_empty() {
                write!(f, "\n{}", p.snippet)?;
            }
            if let Some(help) = &p.help {
                write!(f, "\n  = help: {help}")?;
            }
        }
        Ok(())
    }
}

impl LoadError {
    /// Wraps a serde-saphyr error (syntax, type, unknown field, budget).
    pub fn from_yaml(source_name: &str, source: &str, err: &serde_saphyr::Error) -> Self {
        let (line, column) = err
            .location()
            .map_or((1, 1), |l| (l.line().max(1), l.column().max(1)));
        // The bare message: we print file:line:col and the snippet ourselves.
        use serde_saphyr::MessageFormatter;
        let message = serde_saphyr::DefaultMessageFormatter.format_message(err.without_snippet());
        let message = message
            .lines()
            .next()
            .unwrap_or_default()
            // Advice addressed to programmers using the library, not to playbook authors.
            .replace(", set DuplicateKeyPolicy in Options if acceptable", "");
        let message = humane_limit(message);
        let rule = yaml_rule(&message);
        let (message, null_help) = humane_null(message);
        let mut help = null_help
            .or_else(|| near_miss(&message))
            .or_else(|| limit_help(&message));
        let (mut line, mut column) = (line, column);
        // The parser reports a missing field where the mapping ends; for a
        // top-level field that is some unrelated last key, so point at the top.
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
        {
            if column == 1 {
                (line, column) = (1, 1);
                help = Some(format!("add `{field}: …` at the top level"));
            } else {
                help = Some(format!("add `{field}: …` to the item this line belongs to"));
            }
        }
        LoadError {
            source_name: source_name.to_owned(),
            problems: vec![Problem::new(source, line, column, rule, message, help)],
        }
    }

    /// Whether any problem is an error (warnings alone do not stop loading).
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }
}

/// serde speaks to programmers about a value left empty ("cannot
/// deserialize null into string; use Option<String>"). The usual cause in a
/// playbook is an unquoted comma in a `{…}` mapping: `{en: Hello, world}`
/// reads as `en: Hello` and a key `world` with no value.
fn humane_null(message: String) -> (String, Option<String>) {
    let Some(rest) = message.strip_prefix("cannot deserialize null into ") else {
        return (message, None);
    };
    let what = rest.split(';').next().unwrap_or_default().trim();
    let what = match what {
        "string" => "text".to_owned(),
        other => other.to_owned(),
    };
    (
        format!("a value is missing here: {what} is expected, and nothing is written"),
        Some(
            "write the value; inside `{…}` or `[…]` quote text that holds a comma, e.g. \
             `{en: \"Hello, world\"}` (an unquoted comma starts a new entry)"
                .to_owned(),
        ),
    )
}

/// "did you mean `owner`?" for `unknown field `ownr`, expected one of …`
/// (and for unknown variants, the same way).
pub fn near_miss(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (wrong, rest) = rest.split_once('`')?;
    let expected = rest.split_once("expected one of ")?.1;
    did_you_mean(wrong, expected.split(", ").map(|e| e.trim_matches('`')))
}

/// "did you mean `lost_face`?" for a near miss, by edit distance.
pub fn did_you_mean<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(wrong, k), k))
        // One slip in a short name, two in a long one; never a whole new word.
        .filter(|(d, k)| {
            *d <= if k.chars().count() >= 6 { 2 } else { 1 } && *d < wrong.chars().count()
        })
        .min()
        .map(|(_, k)| format!("did you mean `{k}`?"))
}

/// The parser's safety limits, set from what real playbooks need (see
/// `playbook::load::yaml_options`, which applies them to every YAML file
/// defuse reads). Here so that findings can name them.
pub mod limits {
    /// YAML nodes (scalars, lists and maps) in one file. The largest
    /// shipped playbook (`general.yaml`, 51 KB) has 2,658: ~40× room.
    pub const NODES: usize = 100_000;
    /// Aliases (`*name`); shipped playbooks use none.
    pub const ALIASES: usize = 10_000;
    /// Nesting of lists and maps; shipped playbooks go 11 deep.
    pub const DEPTH: usize = 64;
}

/// The parser reports a breached budget in its own debug notation; say in
/// words which limit it was. The help (`limit_help`) says what to do.
fn humane_limit(message: String) -> String {
    let Some(detail) = message.strip_prefix("budget breached: ") else {
        return message;
    };
    let what = match detail.split([' ', '{']).next().unwrap_or_default() {
        "Aliases" => format!(
            "more than {} aliases (refused as a possible alias bomb)",
            thousands(limits::ALIASES)
        ),
        "Anchors" => "too many anchors".into(),
        "Depth" => format!("lists and maps nested more than {} deep", limits::DEPTH),
        "Nodes" | "Events" => format!(
            "more than {} YAML nodes (values, lists and maps)",
            thousands(limits::NODES)
        ),
        "ScalarBytes" | "TotalScalarBytes" => "too much text in values".into(),
        "Documents" => "too many documents".into(),
        _ => detail.to_owned(),
    };
    format!("budget breached: {what}")
}

/// What to do about a breached limit. The limits are fixed (no flag raises
/// them): each is far beyond what a playbook written by hand reaches.
fn limit_help(message: &str) -> Option<String> {
    if message.contains("YAML nodes") {
        Some(format!(
            "a playbook may have at most {} nodes (the largest shipped one has under 3,000); \
             split it into several playbooks, or move long lists out of it",
            thousands(limits::NODES)
        ))
    } else if message.contains("aliases") || message.contains("anchors") {
        Some("write the values out instead of building them from aliases".into())
    } else if message.contains("nested more than") || message.contains("recursion limit") {
        Some("flatten the nesting; the shipped playbooks go 11 levels deep".into())
    } else {
        None
    }
}

/// `100000` → `100,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The rule id of a parser or deserializer error, from its message.
fn yaml_rule(message: &str) -> RuleId {
    let m = message.to_lowercase();
    if m.contains("duplicate mapping key") {
        RuleId::DuplicateKey
    } else if m.contains("unknown field") {
        RuleId::UnknownField
    } else if m.contains("missing field") {
        RuleId::MissingField
    } else if m.contains("unknown variant") {
        RuleId::BadEnumValue
    } else if m.contains("invalid duration") {
        RuleId::InvalidDuration
    } else if m.contains("invalid working") || m.contains("unknown time zone") {
        RuleId::InvalidWorkingHours
    } else if m.contains("budget")
        || m.contains("limit")
        || m.contains("too deep")
        || m.contains("nesting")
    {
        RuleId::YamlLimit
    } else if m.contains("invalid type")
        || m.contains("invalid value")
        || m.contains("invalid boolean")
        || m.starts_with("expected")
    {
        RuleId::WrongType
    } else {
        RuleId::YamlSyntax
    }
}

/// Line and column (1-based, in characters) of a byte offset; a run of
/// bytes that is not UTF-8 counts as one character.
pub fn position(text: &[u8], offset: usize) -> (u64, u64) {
    let before = &text[..offset.min(text.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() as u64 + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count() as u64
        + 1;
    (line, column)
}

/// Renders ` 12 | text` and a caret line under `column`.
pub fn snippet(source: &str, line: u64, column: u64) -> String {
    /// Characters of context kept on each side of the column in long lines.
    const CONTEXT: usize = 60;
    let Some(text) = source.lines().nth(line.saturating_sub(1) as usize) else {
        return String::new();
    };
    let text = text.trim_end_matches('\r');
    // Counted, not collected: a 6 MB one-line file must not become 24 MB
    // of `char`s to show 120 of them.
    let len = text.chars().count();
    let at = (column.saturating_sub(1) as usize).min(len);
    // A long line (a minified file, an alias bomb) is shown as a window around the column.
    let start = at.saturating_sub(CONTEXT);
    let end = (at + CONTEXT).min(len);
    let (start, end) = if len <= 2 * CONTEXT {
        (0, len)
    } else {
        (start, end)
    };
    let chars: Vec<char> = text.chars().skip(start).take(end - start).collect();
    let mut shown: String = chars.iter().collect();
    // The caret lines up by display width: a CJK character takes two columns.
    let mut caret_pad: String = chars[..at - start]
        .iter()
        .map(|c| match c {
            '\t' => "\t",
            c if c.width() == Some(2) => "  ",
            _ => " ",
        })
        .collect();
    if start > 0 {
        shown.insert(0, '…');
        caret_pad.insert(0, ' ');
    }
    if end < len {
        shown.push('…');
    }
    let gutter = line.to_string();
    let pad = " ".repeat(gutter.len());
    format!("{pad} |\n{gutter} | {shown}\n{pad} | {caret_pad}^")
}

#[cfg(test)]
mod tests {
    use unicode_width::UnicodeWidthStr;

    use super::did_you_mean;

    #[test]
    fn suggestions_are_near_misses_only() {
        let known = [
            "id",
            "owner",
            "lost_face",
            "leverage_suspected",
            "outage",
            "yes",
        ];
        for (wrong, want) in [
            ("ownr", Some("owner")),
            ("lost_fac", Some("lost_face")),
            ("leverage_suspectd", Some("leverage_suspected")),
            ("outgae", Some("outage")),
            ("yse", Some("yes")),
            ("a", None),
            ("xyz", None),
            ("totally_else", None),
        ] {
            let got = did_you_mean(wrong, known);
            assert_eq!(got, want.map(|w| format!("did you mean `{w}`?")), "{wrong}");
        }
    }

    #[test]
    fn the_caret_lines_up_after_wide_characters() {
        let line = "label: {zh-TW: 火警警報, zh_CN: 火警}";
        let column = line.chars().position(|c| c == '_').unwrap() as u64 - 1;
        let drawn = super::snippet(line, 1, column);
        let lines: Vec<&str> = drawn.lines().collect();
        let caret = lines[2].find('^').unwrap();
        let text_before = &lines[1][..lines[1].find("zh_CN").unwrap()];
        assert_eq!(caret, text_before.width(), "\n{drawn}");
    }
}
