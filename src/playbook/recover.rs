//! Reading a playbook that does not deserialize, so that one run reports
//! every structural problem and the semantic checks still run.
//!
//! serde stops at the first error. Rather than a second description of the
//! model (which would drift as fields are added), the model itself stays the
//! judge: each round deserializes the text, records the error serde-saphyr
//! reports (its wording, rule and position, exactly as a single error always
//! was), then neutralizes the node it names in a copy of the text and reads
//! again. A node is neutralized without moving any other: an unknown field
//! or a broken optional value is overwritten with spaces; a broken required
//! value is replaced by the "did you mean" the help suggests, or else by a
//! placeholder of the right shape; a missing top-level field is appended at
//! the end. So a new model field is covered with no code here, and the
//! positions of everything else stay exact. The semantic checks then run on
//! what was read; findings inside an item whose value was a placeholder are
//! dropped (they would be about the placeholder), and any finding on a line a
//! replacement lengthened is mapped back to the original columns.

use std::borrow::Cow;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, StructureStyle};

use super::load::yaml_options;
use super::model::Playbook;
use crate::diagnostic::{LoadError, Problem, RuleId, did_you_mean, snippet};

/// At most this many rounds (each one more parse) and this many structural
/// problems per file: a file this broken needs rewriting anyway.
const MAX_ROUNDS: usize = 64;

/// At most this many later unknown keys of one mapping are reported with
/// the first (a file that is not a playbook at all has hundreds).
const MAX_SIBLINGS: usize = 20;

/// A playbook read as far as it could be.
#[derive(Debug)]
pub struct Recovered<'a> {
    /// The playbook, from the text as written or as patched; `None` when
    /// even the patched text could not be read (e.g. a YAML syntax error).
    pub playbook: Option<Playbook>,
    /// Whether `playbook` was read from the text as written.
    pub exact: bool,
    /// The text `playbook` was read from: the source, or the source with the
    /// broken nodes neutralized (same lines and, but for `shifts`, columns).
    pub text: Cow<'a, str>,
    /// Every structural problem found, positioned in the source.
    pub problems: Vec<Problem>,
    /// Spans (in the source) of items holding a placeholder value.
    guessed: Vec<(Pos, Pos)>,
    shifts: Vec<Shift>,
    /// Lines at and after this one were appended (missing top-level fields).
    appended_from: u64,
}

/// A replacement that changed a line's length: columns after it moved.
#[derive(Debug, Clone, Copy)]
struct Shift {
    line: u64,
    /// First column of the replacement (1-based, in the working copy).
    at: u64,
    /// Where the replaced text starts in the source (character index).
    src_idx: usize,
    old_len: u64,
    new_len: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Pos {
    line: u64,
    /// 1-based, in characters, as diagnostics count.
    col: u64,
    /// Character index in the source.
    idx: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Root,
    Key,
    Value { key: usize },
    Item,
}

#[derive(Debug)]
struct Node {
    start: Pos,
    end: Pos,
    parent: Option<usize>,
    role: Role,
    in_flow: bool,
    /// A key's value node.
    value: Option<usize>,
    /// A plain or quoted scalar's text.
    text: Option<String>,
}

/// The YAML node tree of a source with spans, or `None` when the source is
/// not well-formed YAML (nothing can be patched then).
fn tree(source: &str) -> Option<Vec<Node>> {
    let mut parser = Parser::new_from_str(source);
    let mut nodes: Vec<Node> = Vec::new();
    // Open containers: (node, is a mapping, expecting a key, flow, last key).
    let mut stack: Vec<(usize, bool, bool, bool, usize)> = Vec::new();
    let pos = |m: &serde_saphyr::granit_parser::Marker| Pos {
        line: m.line() as u64,
        col: m.col() as u64 + 1,
        idx: m.index(),
    };
    while let Some(event) = parser.next_event() {
        let (event, span) = event.ok()?;
        let container = match &event {
            Event::MappingStart(style, ..) => Some((true, *style == StructureStyle::Flow)),
            Event::SequenceStart(style, ..) => Some((false, *style == StructureStyle::Flow)),
            Event::Scalar(..) | Event::Alias(..) => None,
            Event::MappingEnd | Event::SequenceEnd => {
                let (node, ..) = stack.pop()?;
                nodes[node].end = pos(&span.end).max(nodes[node].start);
                continue;
            }
            _ => continue,
        };
        let i = nodes.len();
        let (role, parent, in_flow) = match stack.last_mut() {
            None => (Role::Root, None, false),
            Some((p, true, expecting_key, flow, last_key)) => {
                let role = if *expecting_key {
                    *last_key = i;
                    Role::Key
                } else {
                    nodes[*last_key].value = Some(i);
                    Role::Value { key: *last_key }
                };
                *expecting_key = !*expecting_key;
                (role, Some(*p), *flow)
            }
            Some((p, false, _, flow, _)) => (Role::Item, Some(*p), *flow),
        };
        let text = match &event {
            Event::Scalar(value, ..) => Some(value.to_string()),
            _ => None,
        };
        nodes.push(Node {
            start: pos(&span.start),
            end: pos(&span.end),
            parent,
            role,
            in_flow,
            value: None,
            text,
        });
        if let Some((is_map, flow)) = container {
            stack.push((i, is_map, true, flow, 0));
        }
    }
    Some(nodes)
}

/// Top-level keys of a source, in order (empty when it is not YAML or has
/// no top-level mapping). Used to tell a scenario file from a playbook.
pub fn top_level_keys(source: &str) -> Vec<String> {
    tree(source)
        .unwrap_or_default()
        .iter()
        .filter(|n| n.role == Role::Key && n.parent == Some(0))
        .filter_map(|n| n.text.clone())
        .collect()
}

/// Every mapping key written as a plain (unquoted) scalar, with its position.
pub fn plain_keys(source: &str) -> Vec<(String, u64, u64)> {
    let mut parser = Parser::new_from_str(source);
    let mut out = Vec::new();
    // Open containers: (is a mapping, expecting a key).
    let mut stack: Vec<(bool, bool)> = Vec::new();
    while let Some(Ok((event, span))) = parser.next_event() {
        let is_key = match stack.last_mut() {
            Some((true, expecting_key)) if event.is_node() => {
                let was = *expecting_key;
                *expecting_key = !was;
                was
            }
            _ => false,
        };
        match event {
            Event::Scalar(value, ScalarStyle::Plain, ..) if is_key => out.push((
                value.to_string(),
                span.start.line() as u64,
                span.start.col() as u64 + 1,
            )),
            Event::MappingStart(..) => stack.push((true, true)),
            Event::SequenceStart(..) => stack.push((false, false)),
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
            }
            _ => {}
        }
    }
    out
}

/// The working copy being patched.
struct Patch {
    chars: Vec<char>,
    nodes: Vec<Node>,
    shifts: Vec<Shift>,
    guessed: Vec<(Pos, Pos)>,
    /// Patched regions (in the source), to tell a knock-on error from a new one.
    patched: Vec<(Pos, Pos)>,
    appended_from: u64,
}

impl Patch {
    fn text(&self) -> String {
        self.chars.iter().collect()
    }

    /// A working-copy position in source coordinates.
    fn to_source(&self, line: u64, mut col: u64) -> (u64, u64) {
        for s in self.shifts.iter().rev().filter(|s| s.line == line) {
            if col >= s.at + s.new_len {
                col = col + s.old_len - s.new_len;
            } else if col > s.at {
                col = s.at;
            }
        }
        (line, col)
    }

    /// Nodes starting at a source position, outermost first.
    fn at(&self, line: u64, col: u64) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|i| self.nodes[*i].start.line == line && self.nodes[*i].start.col == col)
            .collect()
    }

    /// Overwrites working-copy characters `from..to` with spaces, keeping
    /// line breaks.
    fn blank(&mut self, from: usize, to: usize) {
        for c in self.chars.iter_mut().take(to).skip(from) {
            if *c != '\n' && *c != '\r' {
                *c = ' ';
            }
        }
    }

    /// A source character index in the working copy.
    fn working(&self, idx: usize) -> usize {
        idx.saturating_add_signed(self.delta_before(idx))
            .min(self.chars.len())
    }

    /// How far a source index has moved in the working copy.
    fn delta_before(&self, idx: usize) -> isize {
        self.shifts
            .iter()
            .filter(|s| s.src_idx < idx)
            .map(|s| s.new_len as isize - s.old_len as isize)
            .sum()
    }

    /// Removes a key and its value (with a flow separator), or a sequence item.
    fn remove(&mut self, node: usize) {
        let n = &self.nodes[node];
        let (from, to) = match n.role {
            Role::Key => (n.start, n.value.map_or(n.end, |v| self.nodes[v].end)),
            Role::Value { key } => (self.nodes[key].start, n.end),
            Role::Item | Role::Root => (n.start, n.end),
        };
        let (mut from_i, mut to_i) = (self.working(from.idx), self.working(to.idx.max(from.idx)));
        let in_flow = n.in_flow;
        if in_flow {
            let after = self.chars[to_i.min(self.chars.len())..]
                .iter()
                .position(|c| !c.is_whitespace());
            match after {
                Some(k) if self.chars.get(to_i + k) == Some(&',') => to_i += k + 1,
                _ => {
                    if let Some(k) = self.chars[..from_i]
                        .iter()
                        .rposition(|c| !c.is_whitespace())
                        && self.chars[k] == ','
                    {
                        from_i = k;
                    }
                }
            }
        } else if n.role == Role::Item
            && let Some(k) = self.chars[..from_i]
                .iter()
                .rposition(|c| !c.is_whitespace())
            && self.chars[k] == '-'
        {
            from_i = k;
        }
        self.blank(from_i, to_i);
        self.patched.push((from, to));
    }

    /// Replaces a node's text by `with`, blanking the rest of its span.
    fn replace(&mut self, node: usize, with: &str) {
        let n = &self.nodes[node];
        let (start, end) = (n.start, n.end.max(n.start));
        let from = self.working(start.idx);
        let line_end = self.chars[from..]
            .iter()
            .position(|c| *c == '\n' || *c == '\r')
            .map_or(self.chars.len(), |k| from + k);
        let to = self.working(end.idx);
        let old_len = to.min(line_end) - from;
        self.blank(from, to);
        let new: Vec<char> = with.chars().collect();
        let fits = new.len() <= old_len;
        let take = if fits { new.len() } else { old_len };
        self.chars.splice(from..from + take, new.iter().copied());
        if !fits {
            let same_line: isize = self
                .shifts
                .iter()
                .filter(|s| s.line == start.line && s.src_idx < start.idx)
                .map(|s| s.new_len as isize - s.old_len as isize)
                .sum();
            self.shifts.push(Shift {
                line: start.line,
                at: start.col.saturating_add_signed(same_line as i64),
                src_idx: start.idx,
                old_len: old_len as u64,
                new_len: new.len() as u64,
            });
        }
        self.patched.push((start, end));
    }

    /// The node a value error names: the outermost key, value or item there.
    fn value_node(&self, line: u64, col: u64) -> Option<usize> {
        let here = self.at(line, col);
        let node = *here.iter().find(|i| self.nodes[**i].role != Role::Root)?;
        Some(match self.nodes[node].role {
            Role::Key => self.nodes[node].value?,
            _ => node,
        })
    }

    /// The key a node is the value of.
    fn key_of(&self, node: usize) -> Option<&str> {
        match self.nodes[node].role {
            Role::Value { key } => self.nodes[key].text.as_deref(),
            _ => None,
        }
    }

    /// Whether an error at this source position is about a node that holds
    /// something already patched (a knock-on effect, not a new mistake).
    fn is_knock_on(&self, line: u64, col: u64) -> bool {
        self.at(line, col).iter().any(|i| {
            let n = &self.nodes[*i];
            if n.role == Role::Root {
                return false;
            }
            let (start, end) = match (n.role, n.value) {
                (Role::Key, Some(v)) => (n.start, self.nodes[v].end),
                _ => (n.start, n.end),
            };
            self.patched
                .iter()
                .any(|(from, to)| start <= *from && *to <= end && (start, end) != (*from, *to))
        })
    }
}

/// Reads `source` as a playbook, collecting every structural problem.
pub fn read(source: &str) -> Recovered<'_> {
    let parse = |text: &str| serde_saphyr::from_str_with_options::<Playbook>(text, yaml_options());
    let mut error = match parse(source) {
        Ok(playbook) => {
            return Recovered {
                playbook: Some(playbook),
                exact: true,
                text: Cow::Borrowed(source),
                problems: Vec::new(),
                guessed: Vec::new(),
                shifts: Vec::new(),
                appended_from: u64::MAX,
            };
        }
        Err(e) => e,
    };
    let mut problems = Vec::new();
    let first = LoadError::from_yaml("", source, &error).problems;
    let patchable = first.first().is_some_and(|p| {
        matches!(
            p.rule,
            RuleId::UnknownField
                | RuleId::DuplicateKey
                | RuleId::BadEnumValue
                | RuleId::InvalidDuration
                | RuleId::WrongType
                | RuleId::MissingField
        )
    });
    let tree = if patchable { tree(source) } else { None };
    let Some(nodes) = tree else {
        // Not well-formed YAML: the parser's one error is all there is.
        problems.extend(first);
        return Recovered {
            playbook: None,
            exact: false,
            text: Cow::Borrowed(source),
            problems,
            guessed: Vec::new(),
            shifts: Vec::new(),
            appended_from: u64::MAX,
        };
    };
    let mut patch = Patch {
        chars: source.chars().collect(),
        nodes,
        shifts: Vec::new(),
        guessed: Vec::new(),
        patched: Vec::new(),
        appended_from: source.lines().count() as u64 + 1,
    };
    let mut playbook = None;
    for _ in 0..MAX_ROUNDS {
        if problems.len() >= MAX_ROUNDS {
            problems.truncate(MAX_ROUNDS);
            break;
        }
        let text = patch.text();
        let Some(found) = LoadError::from_yaml("", &text, &error).problems.pop() else {
            break;
        };
        let (line, col) = patch.to_source(found.line, found.column);
        if line >= patch.appended_from {
            break;
        }
        let problem = Problem {
            line,
            column: col,
            snippet: snippet(source, line, col),
            ..found
        };
        let knock_on = problem.rule != RuleId::MissingField && patch.is_knock_on(line, col);
        let mut extra = Vec::new();
        let Some(next) = fix(&mut patch, source, &problem, &mut extra, parse) else {
            if !knock_on {
                problems.push(problem);
            }
            break;
        };
        if problems.last() == Some(&problem) {
            break;
        }
        if !knock_on {
            problems.push(problem);
        }
        problems.extend(extra);
        match next {
            Ok(pb) => {
                playbook = Some(pb);
                break;
            }
            Err(e) => error = e,
        }
    }
    if problems.is_empty() {
        // Every error was a knock-on of none: say the first, as always.
        problems.extend(
            LoadError::from_yaml("", source, &parse(source).err().unwrap_or(error)).problems,
        );
    }
    let text = patch.text();
    Recovered {
        exact: false,
        text: Cow::Owned(text),
        problems,
        guessed: patch.guessed,
        shifts: patch.shifts,
        appended_from: if playbook.is_some() {
            patch.appended_from
        } else {
            u64::MAX
        },
        playbook,
    }
}

type Parsed = Result<Playbook, serde_saphyr::Error>;

/// Neutralizes the node `problem` names and reads the copy again; `None`
/// when it cannot be neutralized (reading stops there).
fn fix(
    patch: &mut Patch,
    source: &str,
    problem: &Problem,
    extra: &mut Vec<Problem>,
    parse: impl Fn(&str) -> Parsed,
) -> Option<Parsed> {
    let (line, col) = (problem.line, problem.column);
    let suggestion = problem
        .help
        .as_deref()
        .and_then(|h| h.strip_prefix("did you mean `"))
        .and_then(|h| h.split('`').next())
        .map(str::to_owned);
    match problem.rule {
        RuleId::UnknownField | RuleId::DuplicateKey => {
            let key = *patch
                .at(line, col)
                .iter()
                .rev()
                .find(|i| patch.nodes[**i].role == Role::Key)?;
            let siblings: Vec<&str> = patch
                .nodes
                .iter()
                .filter(|n| n.parent == patch.nodes[key].parent && n.role == Role::Key)
                .filter_map(|n| n.text.as_deref())
                .collect();
            let expected = expected_fields(&problem.message);
            // The same mapping's later unknown keys, said in the same words
            // now rather than one parse each (a file of 60 stray keys).
            let parent = patch.nodes[key].parent;
            let later: Vec<usize> = (key + 1..patch.nodes.len())
                .filter(|i| patch.nodes[*i].parent == parent && patch.nodes[*i].role == Role::Key)
                .filter(|i| {
                    patch.nodes[*i]
                        .text
                        .as_deref()
                        .is_some_and(|t| !expected.iter().any(|e| e == t))
                })
                .take(MAX_SIBLINGS)
                .collect();
            let wrong = patch.nodes[key].text.clone().unwrap_or_default();
            match suggestion {
                // The key the help names is the one meant: read its value.
                Some(meant)
                    if problem.rule == RuleId::UnknownField
                        && !siblings.contains(&meant.as_str()) =>
                {
                    patch.replace(key, &meant)
                }
                _ => patch.remove(key),
            }
            if problem.rule == RuleId::UnknownField && !expected.is_empty() {
                for other in later {
                    let name = patch.nodes[other].text.clone().unwrap_or_default();
                    let start = patch.nodes[other].start;
                    let help = did_you_mean(&name, expected.iter().map(String::as_str));
                    extra.push(Problem {
                        line: start.line,
                        column: start.col,
                        snippet: snippet(source, start.line, start.col),
                        message: problem.message.replacen(
                            &format!("`{wrong}`"),
                            &format!("`{name}`"),
                            1,
                        ),
                        help,
                        ..problem.clone()
                    });
                    patch.remove(other);
                }
            }
            Some(parse(&patch.text()))
        }
        RuleId::BadEnumValue | RuleId::InvalidDuration | RuleId::WrongType => {
            let here = patch.at(line, col);
            // An enum variant written as a key (a condition's `flg:`) is the key itself.
            let node = match here
                .iter()
                .rev()
                .find(|i| patch.nodes[**i].role == Role::Key)
            {
                Some(key) if problem.rule == RuleId::BadEnumValue && suggestion.is_some() => *key,
                _ => patch.value_node(line, col)?,
            };
            if let Some(meant) = &suggestion {
                patch.replace(node, meant);
                return Some(parse(&patch.text()));
            }
            // An optional value is simply left out; a required one gets a placeholder.
            let before = (
                patch.chars.clone(),
                patch.shifts.clone(),
                patch.patched.len(),
            );
            if patch.nodes[node].role != Role::Item {
                patch.remove(node);
                let next = parse(&patch.text());
                let needed = patch.key_of(node).is_some_and(|key| {
                    next.as_ref().err().is_some_and(|e| {
                        let m = LoadError::from_yaml("", "", e).problems.pop();
                        m.is_some_and(|m| {
                            m.rule == RuleId::MissingField
                                && m.message.contains(&format!("`{key}`"))
                        })
                    })
                });
                if !needed {
                    return Some(next);
                }
                (patch.chars, patch.shifts) = (before.0.clone(), before.1.clone());
                patch.patched.truncate(before.2);
            }
            let mut candidates: Vec<String> = expected_variants(&problem.message)
                .into_iter()
                .take(1)
                .collect();
            candidates.extend(["1d", "x", "0", "[]", "{}", "false"].map(String::from));
            for candidate in candidates {
                patch.replace(node, &candidate);
                let next = parse(&patch.text());
                let moved_on = match &next {
                    Ok(_) => true,
                    Err(e) => e.location().is_none_or(|l| {
                        let (l, c) = patch.to_source(l.line(), l.column());
                        (l, c) != (line, col)
                    }),
                };
                if moved_on {
                    let item = patch.nodes[node].parent.unwrap_or(0);
                    patch
                        .guessed
                        .push((patch.nodes[item].start, patch.nodes[item].end));
                    return Some(next);
                }
                (patch.chars, patch.shifts) = (before.0.clone(), before.1.clone());
                patch.patched.truncate(before.2);
            }
            None
        }
        RuleId::MissingField if (line, col) == (1, 1) => {
            let field = problem
                .message
                .strip_prefix("missing field `")?
                .split('`')
                .next()?
                .to_owned();
            if !patch.chars.ends_with(&['\n']) {
                patch.chars.push('\n');
                patch.appended_from += 1;
            }
            let before = patch.chars.len();
            for candidate in ["x", "[]", "{}"] {
                patch.chars.truncate(before);
                patch
                    .chars
                    .extend(format!("{field}: {candidate}\n").chars());
                let next = parse(&patch.text());
                let still_missing = next.as_ref().err().is_some_and(|e| {
                    LoadError::from_yaml("", "", e)
                        .problems
                        .first()
                        .is_some_and(|p| p.message == problem.message)
                });
                let here = next
                    .as_ref()
                    .err()
                    .and_then(|e| e.location())
                    .is_some_and(|l| l.line() >= patch.appended_from);
                if !still_missing && !here {
                    return Some(next);
                }
            }
            None
        }
        _ => None,
    }
}

/// The fields an "unknown field" message lists, in order.
fn expected_fields(message: &str) -> Vec<String> {
    expected_variants(message)
}

/// The values an "unknown variant" message lists, in order.
fn expected_variants(message: &str) -> Vec<String> {
    message
        .split_once("expected one of ")
        .map(|(_, list)| {
            list.split(", ")
                .map(|v| v.trim_matches('`').to_owned())
                .collect()
        })
        .unwrap_or_default()
}

impl Recovered<'_> {
    /// Semantic findings on `text`, positioned in the source: those inside an
    /// item that holds a placeholder, or on an appended line, are dropped
    /// (they would be about the placeholder); snippets are drawn from the source.
    pub fn restore(&self, source: &str, problems: Vec<Problem>) -> Vec<Problem> {
        if self.exact {
            return problems;
        }
        problems
            .into_iter()
            .filter(|p| p.line < self.appended_from)
            .filter_map(|p| {
                let mut col = p.column;
                for s in self.shifts.iter().rev().filter(|s| s.line == p.line) {
                    if col >= s.at + s.new_len {
                        col = col + s.old_len - s.new_len;
                    } else if col > s.at {
                        col = s.at;
                    }
                }
                let at = (p.line, col);
                let guessed = self
                    .guessed
                    .iter()
                    .any(|(from, to)| (from.line, from.col) <= at && at < (to.line, to.col));
                (!guessed).then(|| Problem {
                    column: col,
                    snippet: snippet(source, p.line, col),
                    ..p
                })
            })
            .collect()
    }
}
