//! Semantic checks of a playbook: every reference resolves, ids are unique,
//! each question has the fields its kind needs, ladders can be climbed,
//! templates parse. All problems are collected, each with its rule id.

use std::collections::BTreeSet;

use serde_saphyr::Spanned;

use super::condition::{Condition, RefKind};
use super::diagnostic::Problem;
use super::localized::key_position;
use super::model::{BUILTIN_REMEDY_KINDS, Playbook, QuestionKind, languages_of};
use crate::i18n::Lang;
use crate::plan::template;

struct Checker<'a> {
    source: &'a str,
    problems: Vec<Problem>,
    /// Rules the playbook allows everywhere (`allow:` at the top level).
    root_allow: Vec<&'a str>,
    /// Rules the node being checked allows (its own `allow:`).
    node_allow: Vec<&'a str>,
}

impl<'a> Checker<'a> {
    fn new(source: &'a str, pb: &'a Playbook) -> Self {
        Checker {
            source,
            problems: Vec::new(),
            root_allow: pb.allow.iter().map(|a| a.value.as_str()).collect(),
            node_allow: Vec::new(),
        }
    }

    /// From now on, problems are about the node with this `allow:` list.
    fn node(&mut self, allow: &'a [Spanned<String>]) {
        self.node_allow = allow.iter().map(|a| a.value.as_str()).collect();
    }

    fn at<T>(
        &mut self,
        rule: &'static str,
        spanned: &Spanned<T>,
        message: String,
        help: Option<String>,
    ) {
        let at = &spanned.referenced;
        self.at_line_col(rule, (at.line(), at.column()), message, help);
    }

    fn at_line_col(
        &mut self,
        rule: &'static str,
        (line, column): (u64, u64),
        message: String,
        help: Option<String>,
    ) {
        if self.root_allow.contains(&rule) || self.node_allow.contains(&rule) {
            return;
        }
        self.problems
            .push(Problem::new(self.source, line, column, rule, message, help));
    }

    fn unique<'s>(&mut self, what: &str, ids: impl IntoIterator<Item = &'s Spanned<String>>) {
        let mut seen = BTreeSet::new();
        for id in ids {
            if !seen.insert(id.value.as_str()) {
                self.at(
                    "duplicate-id",
                    id,
                    format!("duplicate {what} id `{}`", id.value),
                    None,
                );
            }
        }
    }

    fn known(&mut self, kind: RefKind, id: &Spanned<String>, known: &BTreeSet<&str>) {
        if !known.contains(id.value.as_str()) {
            let help = did_you_mean(&id.value, known.iter().copied()).or_else(|| {
                let list: Vec<_> = known.iter().map(|k| format!("`{k}`")).collect();
                Some(if list.is_empty() {
                    format!("no {} is declared here", kind.noun())
                } else {
                    format!("known: {}", list.join(", "))
                })
            });
            self.at(
                "unknown-reference",
                id,
                format!("unknown {} `{}`", kind.noun(), id.value),
                help,
            );
        }
    }
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

/// Which references a condition in a given place may use: a question's
/// condition cannot look at the level (not decided yet), and so on.
struct Scope<'a> {
    place: &'a str,
    allowed: &'a [RefKind],
    /// For question conditions: only questions asked before this one.
    questions: Option<&'a BTreeSet<&'a str>>,
}

pub fn validate<'a>(pb: &'a Playbook, source: &'a str) -> Vec<Problem> {
    let mut c = Checker::new(source, pb);
    check_allow_lists(&mut c, pb);
    check_locale_codes(&mut c, pb);
    let scores: BTreeSet<&str> = pb.scores.iter().map(|n| n.id.value.as_str()).collect();
    let flags: BTreeSet<&str> = pb.flags.iter().map(|n| n.id.value.as_str()).collect();
    let levels: BTreeSet<&str> = pb.levels.iter().map(|l| l.id.value.as_str()).collect();
    let authority: BTreeSet<&str> = pb.authority.iter().map(|l| l.id.value.as_str()).collect();
    let grievances: BTreeSet<&str> = pb
        .grievance
        .catalogue
        .iter()
        .map(|g| g.id.value.as_str())
        .collect();
    let all_questions: BTreeSet<&str> = pb
        .assess
        .questions
        .iter()
        .map(|q| q.id.value.as_str())
        .collect();

    c.unique("score", pb.scores.iter().map(|n| &n.id));
    c.unique("flag", pb.flags.iter().map(|n| &n.id));
    c.unique("question", pb.assess.questions.iter().map(|q| &q.id));
    c.unique("level", pb.levels.iter().map(|l| &l.id));
    c.unique("authority", pb.authority.iter().map(|l| &l.id));
    c.unique("grievance", pb.grievance.catalogue.iter().map(|g| &g.id));
    c.unique("remedy", pb.remedies.catalogue.iter().map(|r| &r.id));
    c.unique("follow-up", pb.followups.iter().map(|f| &f.id));
    c.unique("history rule", pb.history.iter().map(|h| &h.id));

    for required in ["severity", "authority"] {
        if !scores.contains(required) {
            c.at(
                "missing-score",
                &pb.id,
                format!("playbook declares no `{required}` score"),
                Some(format!(
                    "add `- {{id: {required}, label: …}}` under `scores:`"
                )),
            );
        }
    }
    for (what, empty) in [
        ("assess.questions", pb.assess.questions.is_empty()),
        ("levels", pb.levels.is_empty()),
        ("authority", pb.authority.is_empty()),
        ("grievance.catalogue", pb.grievance.catalogue.is_empty()),
        ("remedies.catalogue", pb.remedies.catalogue.is_empty()),
    ] {
        if empty {
            c.at(
                "empty-catalogue",
                &pb.id,
                format!("`{what}` is empty"),
                None,
            );
        }
    }

    let check_effects = |c: &mut Checker,
                         scores_moved: &std::collections::BTreeMap<String, Spanned<i64>>,
                         raised: &[Spanned<String>]| {
        for (score, delta) in scores_moved {
            if !scores.contains(score.as_str()) {
                let help = did_you_mean(score, scores.iter().copied());
                c.at(
                    "unknown-reference",
                    delta,
                    format!("unknown score `{score}`"),
                    help,
                );
            }
        }
        for flag in raised {
            c.known(RefKind::Flag, flag, &flags);
        }
    };

    let check_condition = |c: &mut Checker, cond: &Condition, scope: &Scope| {
        cond.visit_refs(&mut |kind, id| {
            if !scope.allowed.contains(&kind) {
                c.at(
                "reference-out-of-scope",
                    id,
                    format!("{} cannot refer to a {} here", scope.place, kind.noun()),
                    Some(match kind {
                        RefKind::Level | RefKind::Authority => {
                            "the level is decided after the questions, and authority before the level".into()
                        }
                        _ => "grievances are only known from step 2 on".into(),
                    }),
                );
                return;
            }
            let known = match kind {
                RefKind::Flag => &flags,
                RefKind::Grievance => &grievances,
                RefKind::Level => &levels,
                RefKind::Authority => &authority,
                RefKind::Score => &scores,
                RefKind::Question => scope.questions.unwrap_or(&all_questions),
            };
            if kind == RefKind::Question
                && scope.questions.is_some()
                && all_questions.contains(id.value.as_str())
                && !known.contains(id.value.as_str())
            {
                c.at(
                "reference-out-of-scope",
                    id,
                    format!("question `{}` is asked later, so this condition cannot use it", id.value),
                    Some("a question may depend only on questions listed before it".into()),
                );
                return;
            }
            c.known(kind, id, known);
        });
        cond.visit_answer_tests(&mut |test| {
            let Some(question) = pb.question(&test.question.value) else {
                return;
            };
            let keys = question.keys();
            if matches!(question.kind.value, QuestionKind::Text) {
                c.at(
                    "untestable-question",
                    &test.question,
                    format!(
                        "question `{}` is free text; conditions cannot test it",
                        test.question.value
                    ),
                    None,
                );
                return;
            }
            if matches!(question.kind.value, QuestionKind::Scale) {
                return;
            }
            for key in test.keys() {
                if !keys.contains(&key.value.0.as_str()) {
                    let help = did_you_mean(&key.value.0, keys.iter().copied()).or_else(|| {
                        Some(format!(
                            "answers of `{}`: {}",
                            test.question.value,
                            keys.join(", ")
                        ))
                    });
                    c.at(
                        "unknown-answer",
                        key,
                        format!(
                            "question `{}` has no answer `{}`",
                            test.question.value, key.value.0
                        ),
                        help,
                    );
                }
            }
        });
    };

    use RefKind::*;
    let mut asked_before: BTreeSet<&str> = BTreeSet::new();
    for q in &pb.assess.questions {
        c.node(&q.allow);
        if let Some(when) = &q.when {
            let scope = Scope {
                place: "a question condition",
                allowed: &[Flag, Score, Question],
                questions: Some(&asked_before),
            };
            check_condition(&mut c, when, &scope);
        }
        asked_before.insert(q.id.value.as_str());
        if let Some(default) = &q.default {
            let fits = match q.kind.value {
                QuestionKind::Scale => default.value.0.parse::<i64>().is_ok_and(|n| {
                    let (min, max) = q.scale_range();
                    (min..=max).contains(&n)
                }),
                QuestionKind::Text => true,
                _ => q.keys().contains(&default.value.0.as_str()),
            };
            if !fits {
                let help = did_you_mean(&default.value.0, q.keys())
                    .or_else(|| Some(format!("answers: {}", q.keys().join(", "))));
                c.at(
                    "unknown-answer",
                    default,
                    format!(
                        "default `{}` is not an answer of `{}`",
                        default.value.0, q.id.value
                    ),
                    help,
                );
            }
        }
        let kind = q.kind.value;
        let has_yes_no = q.yes.is_some() || q.no.is_some();
        match kind {
            QuestionKind::YesNo => {
                for effects in [&q.yes, &q.no].into_iter().flatten() {
                    check_effects(&mut c, &effects.scores, &effects.flags);
                }
            }
            QuestionKind::Choice | QuestionKind::Multi => {
                if q.options.len() < 2 {
                    c.at(
                        "question-shape",
                        &q.kind,
                        format!("question `{}` needs at least two `options`", q.id.value),
                        None,
                    );
                }
                c.unique("option", q.options.iter().map(|o| &o.key));
                for option in &q.options {
                    check_effects(&mut c, &option.scores, &option.flags);
                }
                if kind == QuestionKind::Multi && q.options.iter().any(|o| o.unsure) {
                    c.at(
                        "question-shape",
                        &q.kind,
                        "`unsure` options only work on single-choice questions".into(),
                        None,
                    );
                }
            }
            QuestionKind::Scale => match &q.scale {
                None => c.at(
                    "question-shape",
                    &q.kind,
                    format!("scale question `{}` needs `scale:`", q.id.value),
                    None,
                ),
                Some(scale) => {
                    if scale.min >= scale.max {
                        c.at(
                            "question-shape",
                            &q.kind,
                            format!("scale of `{}` must have min < max", q.id.value),
                            None,
                        );
                    }
                    check_effects(&mut c, &scale.per_point, &[]);
                    for t in &scale.flags_at {
                        check_effects(&mut c, &Default::default(), &t.flags);
                    }
                }
            },
            QuestionKind::Text => {}
        }
        let misplaced = match kind {
            QuestionKind::YesNo => !q.options.is_empty() || q.scale.is_some(),
            QuestionKind::Choice | QuestionKind::Multi => has_yes_no || q.scale.is_some(),
            QuestionKind::Scale => has_yes_no || !q.options.is_empty(),
            QuestionKind::Text => has_yes_no || !q.options.is_empty() || q.scale.is_some(),
        };
        if misplaced {
            c.at(
                "question-shape",
                &q.kind,
                format!(
                    "question `{}` has fields that do not belong to its kind",
                    q.id.value
                ),
                Some(
                    "yes_no takes `yes`/`no`; choice and multi take `options`; scale takes `scale`"
                        .into(),
                ),
            );
        }
    }

    let ladder = |c: &mut Checker<'a>, name: &str, rungs: Vec<Rung<'a>>, allowed: &[RefKind]| {
        for (i, (id, when, allow)) in rungs.into_iter().enumerate() {
            c.node(allow);
            match (i, when) {
                (0, Some(_)) => c.at(
                    "baseline-condition",
                    id,
                    format!("the first {name} is the baseline and takes no `when`"),
                    Some(
                        "list them lowest first; the highest one whose `when` holds is chosen"
                            .into(),
                    ),
                ),
                (i, None) if i > 0 => c.at(
                    "unreachable-level",
                    id,
                    format!(
                        "{name} `{}` has no `when`, so it could never be chosen",
                        id.value
                    ),
                    None,
                ),
                _ => {}
            }
            if let Some(when) = when {
                let place = format!("a {name} rule");
                check_condition(
                    c,
                    when,
                    &Scope {
                        place: &place,
                        allowed,
                        questions: None,
                    },
                );
            }
        }
    };
    ladder(
        &mut c,
        "authority",
        authority_rungs(pb),
        &[Flag, Score, Question],
    );
    ladder(
        &mut c,
        "level",
        level_rungs(pb),
        &[Flag, Score, Question, Authority],
    );

    let everything = &[Flag, Score, Question, Authority, Level, Grievance];
    for g in &pb.grievance.catalogue {
        c.node(&g.allow);
        if let Some(when) = &g.suggest_when {
            check_condition(
                &mut c,
                when,
                &Scope {
                    place: "a grievance suggestion",
                    allowed: &[Flag, Score, Question, Authority, Level],
                    questions: None,
                },
            );
        }
    }
    for when in pb.grievance.classify.conditions() {
        check_condition(
            &mut c,
            when,
            &Scope {
                place: "a classification rule",
                allowed: &[Flag, Score, Question, Authority, Level, Grievance],
                questions: None,
            },
        );
    }
    let kinds: BTreeSet<&str> = BUILTIN_REMEDY_KINDS
        .iter()
        .copied()
        .chain(pb.remedies.kinds.iter().map(|k| k.value.as_str()))
        .collect();
    for r in &pb.remedies.catalogue {
        c.node(&r.allow);
        if !kinds.contains(r.kind.value.as_str()) {
            let help = did_you_mean(&r.kind.value, kinds.iter().copied())
                .or_else(|| Some("declare new kinds under `remedies.kinds`".into()));
            c.at(
                "unknown-remedy-kind",
                &r.kind,
                format!("unknown remedy kind `{}`", r.kind.value),
                help,
            );
        }
        if let Some(when) = &r.when {
            check_condition(
                &mut c,
                when,
                &Scope {
                    place: "a remedy condition",
                    allowed: everything,
                    questions: None,
                },
            );
        }
        if let Some(t) = &r.template
            && let Some(at) = t.spanned()
        {
            for (locale, text) in t.versions() {
                if let Err(e) = template::check(text) {
                    let which = locale.map(|l| format!(" ({l})")).unwrap_or_default();
                    c.at(
                        "template-error",
                        at,
                        format!("template{which} of remedy `{}`: {e}", r.id.value),
                        Some(format!(
                            "placeholders: {}",
                            template::PLACEHOLDERS.join(", ")
                        )),
                    );
                }
            }
        }
    }
    for f in &pb.followups {
        c.node(&f.allow);
        if let Some(when) = &f.when {
            check_condition(
                &mut c,
                when,
                &Scope {
                    place: "a follow-up condition",
                    allowed: everything,
                    questions: None,
                },
            );
        }
    }
    c.node(&[]);
    for rule in &pb.history {
        for flag in &rule.flags {
            c.known(RefKind::Flag, flag, &flags);
        }
        if let Some(grievance) = &rule.grievance {
            c.known(RefKind::Grievance, grievance, &grievances);
        }
        if rule.at_least == 0 {
            c.at(
                "question-shape",
                &rule.id,
                format!(
                    "history rule `{}` needs `at_least` of 1 or more",
                    rule.id.value
                ),
                None,
            );
        }
    }
    for d in &pb.donts {
        if let Some(when) = &d.when {
            check_condition(
                &mut c,
                when,
                &Scope {
                    place: "a don't condition",
                    allowed: everything,
                    questions: None,
                },
            );
        }
    }
    c.problems.sort_by_key(|p| (p.line, p.column));
    c.problems
}

/// A level or authority judgement as the ladder checks see it: id, rule, allow-list.
type Rung<'a> = (
    &'a Spanned<String>,
    Option<&'a Condition>,
    &'a [Spanned<String>],
);

fn level_rungs(pb: &Playbook) -> Vec<Rung<'_>> {
    pb.levels
        .iter()
        .map(|l| (&l.id, l.when.as_ref(), l.allow.as_slice()))
        .collect()
}

fn authority_rungs(pb: &Playbook) -> Vec<Rung<'_>> {
    pb.authority
        .iter()
        .map(|r| (&r.id, r.when.as_ref(), r.allow.as_slice()))
        .collect()
}

/// Every `allow:` list names real rules.
/// Locale keys must be ones the tool speaks: text under a misspelt one
/// would never be shown.
fn check_locale_codes<'a>(c: &mut Checker<'a>, pb: &'a Playbook) {
    for field in pb.texts() {
        c.node(field.allow);
        let Some(map) = field.text.spanned() else {
            continue;
        };
        for (code, _) in field.text.entries() {
            if Lang::from_code(code).is_some() {
                continue;
            }
            let codes = Lang::ALL.map(Lang::code);
            let help = Lang::from_locale(code)
                .map(|l| format!("did you mean `{l}`?"))
                .or_else(|| did_you_mean(code, codes))
                .unwrap_or_else(|| "defuse speaks `en`, `zh-TW` and `zh-CN`".into());
            c.at_line_col(
                "unknown-locale",
                key_position(c.source, map, code),
                format!("unknown locale `{code}` in `{}`", field.path),
                Some(help),
            );
        }
    }
    c.node(&[]);
}

/// In a playbook written in several languages, every text should be in all
/// of them: a rep working in zh-CN should not meet English mid-call.
fn check_translations<'a>(c: &mut Checker<'a>, pb: &'a Playbook) {
    let texts = pb.texts();
    let languages = languages_of(&texts);
    if languages.len() < 2 {
        return;
    }
    /// `en`, `zh-TW` — each language written as `pattern` says.
    fn each(langs: &[Lang], pattern: impl Fn(Lang) -> String) -> String {
        langs
            .iter()
            .map(|l| pattern(*l))
            .collect::<Vec<_>>()
            .join(", ")
    }
    let written_in: Vec<Lang> = languages.iter().copied().collect();
    let all = each(&written_in, |l| format!("`{l}`"));
    for field in texts {
        let Some(at) = field.text.spanned().filter(|_| !field.text.is_empty()) else {
            continue;
        };
        c.node(field.allow);
        if field.text.is_plain() {
            c.at(
                "missing-translation",
                at,
                format!("`{}` is in one language only; this playbook is in {all}", field.path),
                Some(format!(
                    "write it as `{{{}}}`, or `allow: [missing-translation]` on this node if it reads the same in every language",
                    each(&written_in, |l| format!("{l}: …"))
                )),
            );
            continue;
        }
        let present = field.text.locales();
        let missing: Vec<Lang> = languages.difference(&present).copied().collect();
        if let Some(first) = missing.first() {
            let shown_in = first
                .fallbacks()
                .into_iter()
                .find(|l| present.contains(l))
                .map_or_else(String::new, |l| format!(" (until then the {l} text shows)"));
            c.at(
                "missing-translation",
                at,
                format!(
                    "`{}` has no {} text",
                    field.path,
                    each(&missing, |l| format!("`{l}`"))
                ),
                Some(format!(
                    "add {}{shown_in}",
                    each(&missing, |l| format!("`{l}: …`"))
                )),
            );
        }
    }
    c.node(&[]);
}

fn check_allow_lists<'a>(c: &mut Checker<'a>, pb: &'a Playbook) {
    let lists = std::iter::once(&pb.allow)
        .chain(pb.assess.questions.iter().map(|q| &q.allow))
        .chain(pb.levels.iter().map(|l| &l.allow))
        .chain(pb.authority.iter().map(|r| &r.allow))
        .chain(pb.grievance.catalogue.iter().map(|g| &g.allow))
        .chain(pb.remedies.catalogue.iter().map(|r| &r.allow))
        .chain(pb.followups.iter().map(|f| &f.allow));
    let known = crate::lint::rules::ids();
    for rule in lists.flatten() {
        if !known.contains(&rule.value.as_str()) {
            let help = did_you_mean(&rule.value, known.iter().copied())
                .or_else(|| Some("see `defuse lint --explain` for the rules".into()));
            c.at(
                "unknown-rule",
                rule,
                format!("unknown lint rule `{}`", rule.value),
                help,
            );
        }
    }
}

/// Words YAML 1.1 tools (and many editors) read as booleans when unquoted.
pub(crate) const YAML11_BOOLEANS: &[&str] = &["y", "yes", "n", "no", "on", "off", "true", "false"];

/// Whether the scalar at this position is written in quotes.
fn quoted<T>(source: &str, node: &Spanned<T>) -> bool {
    let line = source
        .lines()
        .nth(node.referenced.line().saturating_sub(1) as usize)
        .unwrap_or_default();
    let at = line
        .chars()
        .nth(node.referenced.column().saturating_sub(1) as usize);
    matches!(at, Some('"' | '\''))
}

/// Keys and answers that other YAML tools would read as booleans: `yes`
/// unquoted is `true` to YAML 1.1 tools and many editors. The one check
/// that reads the source (for the quotes), so the only one that needs
/// positions; lint's fast path reads no unquoted such word, so it skips it.
pub fn yaml_boolean_words<'a>(pb: &'a Playbook, source: &'a str) -> Vec<Problem> {
    let mut c = Checker::new(source, pb);
    // One check for keys (`String`) and answers in conditions (`Key`): both are words at a position.
    fn boolean_word<'a, T>(c: &mut Checker<'a>, source: &str, word: &str, node: &'a Spanned<T>) {
        if YAML11_BOOLEANS.contains(&word.to_lowercase().as_str()) && !quoted(source, node) {
            c.at(
                "yaml-boolean-key",
                node,
                format!("`{word}` is a boolean to YAML 1.1 tools and many editors"),
                Some(format!("quote it: `\"{word}\"`")),
            );
        }
    }
    let boolean_key =
        |c: &mut Checker<'a>, key: &'a Spanned<String>| boolean_word(c, source, &key.value, key);
    let boolean_value = |c: &mut Checker<'a>, key: &'a Spanned<super::condition::Key>| {
        boolean_word(c, source, &key.value.0, key)
    };
    for q in &pb.assess.questions {
        c.node(&q.allow);
        for option in &q.options {
            boolean_key(&mut c, &option.key);
        }
        if let Some(default) = &q.default {
            boolean_value(&mut c, default);
        }
    }
    // The same words as answers in conditions: `is: yes` is `is: true` elsewhere.
    c.node(&[]);
    for when in all_conditions(pb) {
        when.visit_answer_tests(&mut |test| {
            for key in test.keys() {
                boolean_value(&mut c, key);
            }
        });
    }
    c.problems
}

/// Checks only `defuse lint` runs: they cost more than loading for a live
/// call should, and none of them stops a playbook from working. (With
/// `yaml_boolean_words`.)
pub fn lint_checks<'a>(pb: &'a Playbook, source: &'a str) -> Vec<Problem> {
    use super::satisfy::{ANY, Fixed, satisfiable};
    let mut c = Checker::new(source, pb);
    check_translations(&mut c, pb);

    // Flags that no answer can raise.
    c.node(&[]);
    let raised: BTreeSet<&str> = pb
        .assess
        .questions
        .iter()
        .flat_map(|q| {
            let yes_no = [&q.yes, &q.no].into_iter().flatten().flat_map(|e| &e.flags);
            let options = q.options.iter().flat_map(|o| &o.flags);
            let scale = q
                .scale
                .iter()
                .flat_map(|s| s.flags_at.iter().flat_map(|t| &t.flags));
            yes_no.chain(options).chain(scale)
        })
        .chain(pb.history.iter().flat_map(|h| &h.flags))
        .map(|f| f.value.as_str())
        .collect();
    for flag in &pb.flags {
        if !raised.contains(flag.id.value.as_str()) {
            c.at(
                "unused-flag",
                &flag.id,
                format!("no answer raises flag `{}`", flag.id.value),
                Some("raise it from a question, or remove it".into()),
            );
        }
    }

    // Ladders: a rung that can never hold, or that a higher rung always beats.
    let ladders: [(&str, Vec<Rung<'a>>); 2] = [
        ("level", level_rungs(pb)),
        ("authority", authority_rungs(pb)),
    ];
    for (name, rungs) in &ladders {
        for (i, (id, when, allow)) in rungs.iter().enumerate() {
            c.node(allow);
            let Some(when) = when else { continue };
            if satisfiable(pb, &[when], &[], ANY) == Some(false) {
                c.at(
                    "unreachable-level",
                    id,
                    format!("the rule of {name} `{}` can never hold", id.value),
                    None,
                );
                continue;
            }
            for (higher, higher_when, _) in &rungs[i + 1..] {
                let Some(higher_when) = higher_when else {
                    continue;
                };
                if satisfiable(pb, &[when], &[higher_when], ANY) == Some(false) {
                    c.at(
                        "level-out-of-order",
                        id,
                        format!("{name} `{}` is never chosen: whenever its rule holds, so does the rule of `{}` above it", id.value, higher.value),
                        Some("rungs are listed lowest first and the highest that holds wins; reorder them or narrow the higher rule".into()),
                    );
                    break;
                }
            }
        }
    }

    // Remedies that can never be proposed, and levels that propose nothing.
    for r in &pb.remedies.catalogue {
        c.node(&r.allow);
        if let Some(when) = &r.when
            && satisfiable(pb, &[when], &[], ANY) == Some(false)
        {
            c.at("never-holds", &r.id, format!("the condition of remedy `{}` can never hold", r.id.value), Some("it would never be proposed; check for contradictions such as `flag x` and `not: {flag: x}`".into()));
        }
    }
    for f in &pb.followups {
        c.node(&f.allow);
        if let Some(when) = &f.when
            && satisfiable(pb, &[when], &[], ANY) == Some(false)
        {
            c.at(
                "never-holds",
                &f.id,
                format!("the condition of follow-up `{}` can never hold", f.id.value),
                None,
            );
        }
    }
    for (index, level) in pb.levels.iter().enumerate() {
        c.node(&level.allow);
        let fixed = Fixed {
            level: Some(index),
            authority: None,
        };
        let proposes = pb
            .remedies
            .catalogue
            .iter()
            .filter_map(|r| r.when.as_ref())
            .any(|when| satisfiable(pb, &[when], &[], fixed) != Some(false));
        if !proposes {
            c.at(
                "level-without-remedy",
                &level.id,
                format!("no remedy is ever proposed at level `{}`", level.id.value),
                Some("give some remedy a `when` that can hold at this level".into()),
            );
        }
    }
    c.problems
}

/// Every `when:` in the playbook, wherever it is.
fn all_conditions(pb: &Playbook) -> impl Iterator<Item = &Condition> {
    let questions = pb.assess.questions.iter().filter_map(|q| q.when.as_ref());
    let levels = pb.levels.iter().filter_map(|l| l.when.as_ref());
    let authority = pb.authority.iter().filter_map(|r| r.when.as_ref());
    let grievances = pb
        .grievance
        .catalogue
        .iter()
        .filter_map(|g| g.suggest_when.as_ref());
    let suggestions = pb.grievance.classify.conditions();
    let remedies = pb.remedies.catalogue.iter().filter_map(|r| r.when.as_ref());
    let followups = pb.followups.iter().filter_map(|f| f.when.as_ref());
    let donts = pb.donts.iter().filter_map(|d| d.when.as_ref());
    questions
        .chain(levels)
        .chain(authority)
        .chain(grievances)
        .chain(suggestions)
        .chain(remedies)
        .chain(followups)
        .chain(donts)
}

#[cfg(test)]
mod tests {
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
}
