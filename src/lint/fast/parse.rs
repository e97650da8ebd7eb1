//! A strict parser for the plain subset of YAML that playbooks are written
//! in. It answers `None` the moment anything is outside that subset or in
//! doubt (anchors, tags, tabs, CRLF, multi-line plain scalars, flow
//! collections over several lines, unusual escapes, duplicate keys, …): the
//! caller then takes the full parser. It never guesses.

use std::borrow::Cow;
use std::ops::Range;

use crate::diagnostic::limits;
use crate::playbook::validate::YAML11_BOOLEANS;

/// How deep nesting may go before the fast path gives up (the full parser's
/// budget says 64).
const MAX_DEPTH: usize = 48;

/// Lines the fast path will index. Every line costs a `Line` before any
/// node is read, so a file of millions of short lines is left to the full
/// parser, which streams it (and refuses it at its node limit).
const MAX_LINES: usize = 4 * limits::NODES;

/// Entries in one map. Duplicate keys are found by scanning the map's
/// entries, so a map of 100,000 keys would cost 5·10⁹ comparisons; real
/// playbook maps have a few dozen keys.
const MAX_MAP_ENTRIES: usize = 1_000;

#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    /// `plain` scalars are typed by the reader (`2`, `true`, `~`); quoted and
    /// block scalars are always text.
    Scalar { text: Cow<'a, str>, plain: bool },
    /// Items at `Tree::items[range]`.
    Seq(Range<usize>),
    /// Entries at `Tree::entries[range]`.
    Map(Range<usize>),
}

pub type Entry<'a> = (Cow<'a, str>, Node<'a>);

/// The parsed document. Every sequence's items sit side by side in one
/// vector, every map's entries in another: a file's hundreds of small
/// collections cost a few allocations, not one or two each, and dropping
/// the tree is freeing two vectors.
#[derive(Debug)]
pub struct Tree<'a> {
    pub root: Option<Node<'a>>,
    items: Vec<Node<'a>>,
    entries: Vec<Entry<'a>>,
    /// Children of the collections still being read, innermost last. A
    /// collection moves its own to `items`/`entries` when it ends, so each
    /// one's children end up contiguous.
    open_items: Vec<Node<'a>>,
    open_entries: Vec<Entry<'a>>,
    /// Nodes read so far; past `limits::NODES` the fast path gives up, as
    /// the full parser would (#12 item 5: a 3-million-item list must not
    /// become a 3-million-node tree first).
    nodes: usize,
}

impl<'a> Tree<'a> {
    pub fn items(&self, range: &Range<usize>) -> &[Node<'a>] {
        &self.items[range.clone()]
    }

    pub fn entries(&self, range: &Range<usize>) -> &[Entry<'a>] {
        &self.entries[range.clone()]
    }

    /// Ends a sequence whose items were pushed to `open_items` from `mark` on.
    fn close_seq(&mut self, mark: usize) -> Node<'a> {
        let start = self.items.len();
        self.items.extend(self.open_items.drain(mark..));
        Node::Seq(start..self.items.len())
    }

    /// Ends a map whose entries were pushed to `open_entries` from `mark` on.
    fn close_map(&mut self, mark: usize) -> Node<'a> {
        let start = self.entries.len();
        self.entries.extend(self.open_entries.drain(mark..));
        Node::Map(start..self.entries.len())
    }

    /// Adds an entry to the map opened at `mark`; `None` if its key is
    /// already there, or the map or the tree is over its limit.
    fn push_entry(&mut self, mark: usize, key: Cow<'a, str>, value: Node<'a>) -> Option<()> {
        let open = &self.open_entries[mark..];
        if open.len() >= MAX_MAP_ENTRIES || open.iter().any(|(k, _)| *k == key) {
            return None;
        }
        // The key and the value.
        self.count(2)?;
        self.open_entries.push((key, value));
        Some(())
    }

    /// Adds an item to the sequence being read; `None` past the node limit.
    fn push_item(&mut self, item: Node<'a>) -> Option<()> {
        self.count(1)?;
        self.open_items.push(item);
        Some(())
    }

    fn count(&mut self, nodes: usize) -> Option<()> {
        self.nodes += nodes;
        (self.nodes <= limits::NODES).then_some(())
    }
}

struct Line<'a> {
    indent: usize,
    /// The line after its indentation (comments included).
    text: &'a str,
}

impl Line<'_> {
    /// Blank or comment only: no structure.
    fn is_filler(&self) -> bool {
        self.text.is_empty() || self.text.starts_with('#')
    }
}

pub fn parse(source: &str) -> Option<Tree<'_>> {
    // Tabs, CRLF, control characters and BOMs: the full parser has the rules.
    if has_control(source.as_bytes()) {
        return None;
    }
    // Lines are short, and `str::split` pays a setup per line that a SIMD
    // memchr over the whole file does not.
    let newlines = memchr::memchr_iter(b'\n', source.as_bytes());
    let line_count = newlines.clone().count() + 1;
    if line_count > MAX_LINES {
        return None;
    }
    let mut lines = Vec::with_capacity(line_count);
    let mut start = 0;
    let ends = newlines.chain(std::iter::once(source.len()));
    for end in ends {
        let raw = &source[start..end];
        start = end + 1;
        // Trailing spaces are content in block scalars: not worth the rules.
        if raw.ends_with(' ') {
            return None;
        }
        let text = raw.trim_start_matches(' ');
        lines.push(Line {
            indent: raw.len() - text.len(),
            text,
        });
    }
    // Document markers and directives belong to the full parser.
    if lines.iter().any(|l| {
        l.indent == 0
            && (l.text.starts_with("---") || l.text.starts_with("...") || l.text.starts_with('%'))
    }) {
        return None;
    }
    // Sized from the line count (playbooks run under two entries and one
    // item per line), so the vectors rarely grow; never past the node limit.
    let tree = Tree {
        items: Vec::with_capacity(lines.len().min(limits::NODES)),
        entries: Vec::with_capacity((lines.len() * 2).min(limits::NODES)),
        open_items: Vec::with_capacity(64),
        open_entries: Vec::with_capacity(64),
        nodes: 0,
        root: None,
    };
    let mut p = Parser { lines, at: 0, tree };
    let root = p.block(0, 0)?;
    p.skip_filler();
    p.tree.root = Some(root);
    (p.at == p.lines.len()).then_some(p.tree)
}

/// Whether `bytes` hold a control character other than `\n` (C0, DEL, C1)
/// or U+FEFF, U+FFFE, U+FFFF. Runs over every byte of every file, so it
/// first looks for a byte that could start one, in blocks the compiler can
/// vectorize, and decodes only blocks that have one (CJK text often does:
/// full-width punctuation starts with 0xEF).
fn has_control(bytes: &[u8]) -> bool {
    let could_start = |b: u8| (b < 0x20 && b != b'\n') || b == 0x7f || b == 0xc2 || b == 0xef;
    let control_at = |i: usize| match bytes[i] {
        b'\n' => false,
        0..0x20 | 0x7f => true,
        // C1 controls (U+0080–U+009F) are 0xC2 0x80–0x9F in UTF-8.
        0xc2 => bytes.get(i + 1).is_some_and(|n| (0x80..0xa0).contains(n)),
        0xef => matches!(
            bytes.get(i + 1..i + 3),
            Some([0xbb, 0xbf] | [0xbf, 0xbe | 0xbf])
        ),
        _ => false,
    };
    const BLOCK: usize = 64;
    bytes.chunks(BLOCK).enumerate().any(|(n, block)| {
        block.iter().fold(false, |seen, &b| seen | could_start(b))
            && (n * BLOCK..n * BLOCK + block.len()).any(control_at)
    })
}

struct Parser<'a> {
    lines: Vec<Line<'a>>,
    at: usize,
    tree: Tree<'a>,
}

impl<'a> Parser<'a> {
    fn skip_filler(&mut self) {
        while self.at < self.lines.len() && self.lines[self.at].is_filler() {
            self.at += 1;
        }
    }

    /// The indentation of the next line with structure.
    fn next_indent(&mut self) -> Option<usize> {
        self.skip_filler();
        self.lines.get(self.at).map(|l| l.indent)
    }

    /// A block node whose lines are indented at least `min`.
    fn block(&mut self, min: usize, depth: usize) -> Option<Node<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let indent = self.next_indent()?;
        if indent < min {
            return None;
        }
        let line = &self.lines[self.at];
        if is_seq_item(line.text) {
            self.seq(indent, depth)
        } else if split_key(line.text).is_some() {
            self.map(indent, depth)
        } else {
            None
        }
    }

    fn seq(&mut self, indent: usize, depth: usize) -> Option<Node<'a>> {
        let mark = self.tree.open_items.len();
        while self.next_indent() == Some(indent) && is_seq_item(self.lines[self.at].text) {
            let text = self.lines[self.at].text;
            let rest = &text[1..];
            let inner = rest.trim_start_matches(' ');
            if inner.is_empty() || inner.starts_with('#') {
                self.at += 1;
                let item = self.block(indent + 1, depth + 1)?;
                self.tree.push_item(item)?;
                continue;
            }
            // `- key: value` or `- - x`: the rest of the line is a nested
            // block starting at its own column.
            let column = indent + 1 + (rest.len() - inner.len());
            if is_seq_item(inner) || split_key(inner).is_some() {
                self.lines[self.at] = Line {
                    indent: column,
                    text: inner,
                };
                let item = self.block(column, depth + 1)?;
                self.tree.push_item(item)?;
                continue;
            }
            self.at += 1;
            let item = self.inline_or_block_scalar(inner, indent, depth)?;
            self.tree.push_item(item)?;
        }
        Some(self.tree.close_seq(mark))
    }

    fn map(&mut self, indent: usize, depth: usize) -> Option<Node<'a>> {
        let mark = self.tree.open_entries.len();
        while self.next_indent() == Some(indent) {
            let text = self.lines[self.at].text;
            if is_seq_item(text) {
                break;
            }
            let (key, rest) = split_key(text)?;
            self.at += 1;
            let value = if rest.is_empty() || rest.starts_with('#') {
                match self.next_indent() {
                    // A sequence may sit at the key's own indentation.
                    Some(i) if i == indent && is_seq_item(self.lines[self.at].text) => {
                        self.seq(indent, depth + 1)?
                    }
                    Some(i) if i > indent => self.block(indent + 1, depth + 1)?,
                    _ => Node::Scalar {
                        text: Cow::Borrowed(""),
                        plain: true,
                    },
                }
            } else {
                self.inline_or_block_scalar(rest, indent, depth)?
            };
            self.tree.push_entry(mark, key, value)?;
        }
        Some(self.tree.close_map(mark))
    }

    /// A value written after `key:` or `- `: a block scalar, or a one-line
    /// value that nothing more indented continues.
    fn inline_or_block_scalar(
        &mut self,
        text: &'a str,
        indent: usize,
        depth: usize,
    ) -> Option<Node<'a>> {
        if text.starts_with(['|', '>']) {
            return self.block_scalar(text, indent);
        }
        let node = inline(text, depth, &mut self.tree)?;
        // A more indented line after a one-line value would continue it
        // (a multi-line plain scalar): not in the subset.
        match self.next_indent() {
            Some(i) if i > indent => None,
            _ => Some(node),
        }
    }

    /// `|`, `|-`, `>` or `>-` and the lines indented below `parent`.
    fn block_scalar(&mut self, header: &str, parent: usize) -> Option<Node<'a>> {
        let (literal, strip) = match header.split(" #").next()?.trim_end() {
            "|" => (true, false),
            "|-" => (true, true),
            ">" => (false, false),
            ">-" => (false, true),
            _ => return None,
        };
        let start = self.at;
        let mut end = start;
        while end < self.lines.len() {
            let line = &self.lines[end];
            if !line.text.is_empty() && line.indent <= parent {
                break;
            }
            end += 1;
        }
        // Trailing blank lines are not content (clip or strip drops them).
        while end > start && self.lines[end - 1].text.is_empty() {
            end -= 1;
        }
        self.at = end;
        let body = &self.lines[start..end];
        let Some(first) = body.first() else {
            return Some(Node::Scalar {
                text: Cow::Borrowed(""),
                plain: false,
            });
        };
        // Leading blank lines, and lines indented past the first, have
        // subtle rules: leave them to the full parser.
        let base = first.indent;
        if first.text.is_empty() || body.iter().any(|l| !l.text.is_empty() && l.indent != base) {
            return None;
        }
        let mut text = String::new();
        for (i, line) in body.iter().enumerate() {
            if i > 0 {
                let previous_blank = body[i - 1].text.is_empty();
                if literal || line.text.is_empty() || previous_blank {
                    text.push('\n');
                } else {
                    text.push(' ');
                }
            }
            text.push_str(line.text);
        }
        if !literal {
            // Folding: a run of blank lines between text stands for that many
            // newlines, not one more.
            text = fold_blank_runs(&text);
        }
        if !strip {
            text.push('\n');
        }
        Some(Node::Scalar {
            text: Cow::Owned(text),
            plain: false,
        })
    }
}

/// In folded text built above, `a\n\nb` came from one blank line between
/// `a` and `b`, which folds to a single newline.
fn fold_blank_runs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut newlines = 0;
    for c in text.chars() {
        if c == '\n' {
            newlines += 1;
            continue;
        }
        if newlines > 0 {
            out.extend(std::iter::repeat_n('\n', newlines - 1));
            newlines = 0;
        }
        out.push(c);
    }
    out.extend(std::iter::repeat_n('\n', newlines.saturating_sub(1)));
    out
}

/// `yes`, `Off`, `true` written without quotes: a boolean to YAML 1.1
/// tools. Lint warns about such keys with positions, so only the full
/// parser may read them.
pub fn is_yaml11_boolean(word: &str) -> bool {
    YAML11_BOOLEANS.iter().any(|b| b.eq_ignore_ascii_case(word))
}

fn is_seq_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// `key: rest` (rest trimmed) for a plain or quoted key.
fn split_key(text: &str) -> Option<(Cow<'_, str>, &str)> {
    let (key, after) = if text.starts_with(['"', '\'']) {
        let (key, used) = quoted(text)?;
        (key, &text[used..])
    } else {
        let end = memchr::memchr(b':', text.as_bytes())?;
        let key = &text[..end];
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            return None;
        }
        if is_yaml11_boolean(key) {
            return None;
        }
        (Cow::Borrowed(key), &text[end..])
    };
    let rest = after.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((key, rest.trim_start_matches(' ')))
}

/// A value on one line: a quoted scalar, a flow collection or a plain
/// scalar, with an optional trailing comment.
fn inline<'a>(text: &'a str, depth: usize, tree: &mut Tree<'a>) -> Option<Node<'a>> {
    let (node, used) = flow_value(text, depth, false, tree)?;
    // Only a comment may follow, and a comment needs a space before `#`.
    let rest = text[used..].trim_start_matches(' ');
    let before_rest = &text[..text.len() - rest.len()];
    (rest.is_empty() || (rest.starts_with('#') && before_rest.ends_with(' '))).then_some(node)
}

/// A value at the start of `text`; returns it and the bytes used. `in_flow`:
/// inside `{}`/`[]`, where `,]}` end a plain scalar.
fn flow_value<'a>(
    text: &'a str,
    depth: usize,
    in_flow: bool,
    tree: &mut Tree<'a>,
) -> Option<(Node<'a>, usize)> {
    if depth > MAX_DEPTH {
        return None;
    }
    match text.chars().next()? {
        '"' | '\'' => {
            let (value, used) = quoted(text)?;
            Some((
                Node::Scalar {
                    text: value,
                    plain: false,
                },
                used,
            ))
        }
        '{' => flow_map(text, depth + 1, tree),
        '[' => flow_seq(text, depth + 1, tree),
        '&' | '*' | '!' | '?' | '%' | '@' | '`' | '|' | '>' | '#' | ',' | ']' | '}' => None,
        '-' if text[1..].starts_with(' ') || text.len() == 1 => None,
        _ => {
            let end = plain_end(text, in_flow);
            let value = text[..end].trim_end_matches(' ');
            if value.is_empty() || value.ends_with(':') {
                return None;
            }
            Some((
                Node::Scalar {
                    text: Cow::Borrowed(value),
                    plain: true,
                },
                end,
            ))
        }
    }
}

/// Where a plain scalar ends: a comment (` #`), `: ` (a key, not allowed
/// here), or in flow a `,`, `]`, `}`.
fn plain_end(text: &str, in_flow: bool) -> usize {
    let bytes = text.as_bytes();
    // Jump from one byte that might end the scalar to the next.
    let candidates = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| matches!(b, b'#' | b':' | b',' | b']' | b'}' | b'[' | b'{'));
    for (i, &b) in candidates {
        let next = bytes.get(i + 1).copied();
        match b {
            b'#' if i > 0 && bytes[i - 1] == b' ' => return i,
            b':' if next
                .is_none_or(|n| n == b' ' || (in_flow && matches!(n, b',' | b']' | b'}'))) =>
            {
                return i;
            }
            b',' | b']' | b'}' | b'[' | b'{' if in_flow => return i,
            _ => {}
        }
    }
    text.len()
}

fn skip_spaces(text: &str, at: usize) -> usize {
    at + (text[at..].len() - text[at..].trim_start_matches(' ').len())
}

fn flow_seq<'a>(text: &'a str, depth: usize, tree: &mut Tree<'a>) -> Option<(Node<'a>, usize)> {
    let mut at = skip_spaces(text, 1);
    let mark = tree.open_items.len();
    if text[at..].starts_with(']') {
        return Some((tree.close_seq(mark), at + 1));
    }
    loop {
        let (item, used) = flow_value(&text[at..], depth, true, tree)?;
        // `[a: b]` is a map inside a sequence: not in the subset.
        if text[at + used..].starts_with(':') {
            return None;
        }
        tree.push_item(item)?;
        match after_item(text, at + used, ']')? {
            AfterItem::Next(next) => at = next,
            AfterItem::Closed(end) => return Some((tree.close_seq(mark), end)),
        }
    }
}

fn flow_map<'a>(text: &'a str, depth: usize, tree: &mut Tree<'a>) -> Option<(Node<'a>, usize)> {
    let mut at = skip_spaces(text, 1);
    let mark = tree.open_entries.len();
    if text[at..].starts_with('}') {
        return Some((tree.close_map(mark), at + 1));
    }
    loop {
        let (key, used) = match flow_value(&text[at..], depth, true, tree)? {
            (Node::Scalar { text: key, plain }, used) if !(plain && is_yaml11_boolean(&key)) => {
                (key, used)
            }
            _ => return None,
        };
        at += used;
        at = text[at..].starts_with(": ").then_some(at + 2)?;
        at = skip_spaces(text, at);
        let (value, used) = flow_value(&text[at..], depth, true, tree)?;
        tree.push_entry(mark, key, value)?;
        match after_item(text, at + used, '}')? {
            AfterItem::Next(next) => at = next,
            AfterItem::Closed(end) => return Some((tree.close_map(mark), end)),
        }
    }
}

enum AfterItem {
    /// Where the next item starts, after a `,`.
    Next(usize),
    /// Just past the closing bracket.
    Closed(usize),
}

/// What follows an item of a flow collection that `close` ends: a `,` and
/// another item, or the end. `None` for anything else. (After a trailing
/// comma `flow_value` meets the bracket and steps aside.)
fn after_item(text: &str, at: usize, close: char) -> Option<AfterItem> {
    let at = skip_spaces(text, at);
    match text[at..].chars().next()? {
        ',' => Some(AfterItem::Next(skip_spaces(text, at + 1))),
        c if c == close => Some(AfterItem::Closed(at + 1)),
        _ => None,
    }
}

/// A single- or double-quoted scalar on one line; returns it and the bytes used.
fn quoted(text: &str) -> Option<(Cow<'_, str>, usize)> {
    let quote = text.chars().next()?;
    let body = &text[1..];
    // Most quoted text has no escapes: borrow it.
    if let Some(end) = body.find(quote) {
        let inner = &body[..end];
        let doubled = quote == '\'' && body[end + 1..].starts_with('\'');
        if !(doubled || quote == '"' && inner.contains('\\')) {
            return Some((Cow::Borrowed(inner), 1 + end + 1));
        }
    }
    if quote == '\'' {
        let mut out = String::new();
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '\'' {
                if chars.peek().map(|(_, c)| *c) == Some('\'') {
                    chars.next();
                    out.push('\'');
                } else {
                    return Some((Cow::Owned(out), 1 + i + 1));
                }
            } else {
                out.push(c);
            }
        }
        return None;
    }
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((Cow::Owned(out), 1 + i + 1)),
            '\\' => {
                let (_, e) = chars.next()?;
                out.push(match e {
                    '"' => '"',
                    '\\' => '\\',
                    '/' => '/',
                    'n' => '\n',
                    't' => '\t',
                    // Anything rarer (\u, \x, \e, line folding) is the full parser's.
                    _ => return None,
                });
            }
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(node: &Node<'_>) -> String {
        match node {
            Node::Scalar { text, .. } => text.to_string(),
            other => panic!("not a scalar: {other:?}"),
        }
    }

    fn get<'n>(tree: &'n Tree<'n>, node: &'n Node<'n>, key: &str) -> &'n Node<'n> {
        match node {
            Node::Map(range) => {
                &tree
                    .entries(range)
                    .iter()
                    .find(|(k, _)| k == key)
                    .unwrap()
                    .1
            }
            other => panic!("not a map: {other:?}"),
        }
    }

    fn items<'n>(tree: &'n Tree<'n>, node: &'n Node<'n>) -> &'n [Node<'n>] {
        match node {
            Node::Seq(range) => tree.items(range),
            other => panic!("not a sequence: {other:?}"),
        }
    }

    #[test]
    fn reads_the_subset_playbooks_are_written_in() {
        let source = "# comment\nid: x # trailing\nlabel: {en: Fire, zh-TW: 火警}\nlist:\n- a\n- {key: \"yes\", label: 'it''s'}\nnested:\n  - id: one\n    why: \"say \\\"hi\\\"\"\n    tags: [a, [b, c], {d: e}]\nlit: |\n  line 1\n  line 2\n\nfold: >-\n  a\n  b\n\n  c\n";
        let tree = parse(source).expect("in the subset");
        let t = &tree;
        let root = tree.root.as_ref().unwrap();
        assert_eq!(text(get(t, root, "id")), "x");
        assert_eq!(text(get(t, get(t, root, "label"), "zh-TW")), "火警");
        let list = items(t, get(t, root, "list"));
        assert_eq!(text(&list[0]), "a");
        assert_eq!(text(get(t, &list[1], "key")), "yes");
        assert_eq!(text(get(t, &list[1], "label")), "it's");
        let nested = items(t, get(t, root, "nested"));
        assert_eq!(text(get(t, &nested[0], "why")), "say \"hi\"");
        // Collections inside collections keep their own children.
        let tags = items(t, get(t, &nested[0], "tags"));
        assert_eq!(text(&tags[0]), "a");
        let inner: Vec<String> = items(t, &tags[1]).iter().map(text).collect();
        assert_eq!(inner, ["b", "c"]);
        assert_eq!(text(get(t, &tags[2], "d")), "e");
        assert_eq!(text(get(t, root, "lit")), "line 1\nline 2\n");
        assert_eq!(text(get(t, root, "fold")), "a b\nc");
    }

    #[test]
    fn control_characters_are_found_in_any_block() {
        // Around the 64-byte blocks `has_control` scans in.
        for at in [0, 1, 62, 63, 64, 65, 127, 128, 200] {
            for control in [
                "\t", "\r", "\u{7f}", "\u{85}", "\u{feff}", "\u{fffe}", "\u{ffff}",
            ] {
                let text = format!("{}{control}{}", "a".repeat(at), "b".repeat(70));
                assert!(has_control(text.as_bytes()), "{control:?} at {at}");
            }
        }
        // Full-width punctuation (0xEF 0xBC …), other CJK and newlines are text.
        let text = "火警：客戶很急，先聽完。\n".repeat(20);
        assert!(!has_control(text.as_bytes()));
        assert!(!has_control(b""));
    }

    /// #12 item 5: a node flood under the size limit is left to the full
    /// parser (which refuses it at the same count) before it becomes a tree.
    #[test]
    fn steps_aside_past_the_node_and_map_limits() {
        let flow = |n: usize| format!("tags: [{}]\n", vec!["a"; n].join(","));
        assert!(parse(&flow(limits::NODES - 10)).is_some());
        assert!(parse(&flow(limits::NODES + 1)).is_none());
        let block = |n: usize| format!("tags:\n{}", "- a\n".repeat(n));
        assert!(parse(&block(limits::NODES - 10)).is_some());
        assert!(parse(&block(limits::NODES + 1)).is_none());
        let map = |n: usize| (0..n).map(|i| format!("k{i}: v\n")).collect::<String>();
        assert!(parse(&map(MAX_MAP_ENTRIES)).is_some());
        assert!(parse(&map(MAX_MAP_ENTRIES + 1)).is_none());
        let commented = |n: usize| format!("a: b\n{}", "#\n".repeat(n));
        assert!(parse(&commented(1000)).is_some());
        assert!(parse(&commented(MAX_LINES)).is_none());
    }

    #[test]
    fn steps_aside_for_anything_else() {
        for source in [
            "a: &x 1\nb: *x\n",     // anchors and aliases
            "a: !tag x\n",          // tags
            "a: one\n  two\n",      // a multi-line plain scalar
            "a:\n\tb: 1\n",         // tabs
            "a: 1\r\nb: 2\r\n",     // CRLF
            "a: 1\na: 2\n",         // duplicate keys
            "yes: 1\n",             // a YAML 1.1 boolean as a key
            "a: {b: 1,\n  c: 2}\n", // a flow map over two lines
            "a: \"\\u263A\"\n",     // rarer escapes
            "---\na: 1\n",          // document markers
            "? a\n: 1\n",           // complex keys
            "a: |2\n   x\n",        // indentation indicators
            "a: \"x\u{1}\"\n",      // control characters
            "a: {b: 1}#c\n",        // `#` without a space is not a comment
            "a: |\n  x  \n",        // trailing spaces
            "a: [x, ]\n",           // trailing commas
            "a: {b: 1, }\n",
        ] {
            assert!(parse(source).is_none(), "{source:?}");
        }
    }
}
