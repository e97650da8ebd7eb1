#!/usr/bin/env python3
"""Regenerates docs/lint-rules.md: one section per rule, with an example
playbook and the exact output of `defuse lint playbook.yaml` on it.

    cargo build && python3 docs/gen-lint-rules.py

tests/lint_docs.rs checks that every section's output is still exact.
"""
import os, re, subprocess, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "debug", "defuse")
BASE = open(os.path.join(ROOT, "docs", "lint-base.yaml")).read()


def sub(old, new, count=1):
    assert old in BASE, old
    return BASE.replace(old, new, count)


# (rule, why it matters, example text or None, how to fix)
RULES = [
    ("yaml-syntax", "The file must be YAML before anything else can be checked; tabs for indentation are the usual cause.",
     sub("      kind: yes_no\n", "      kind: yes_no\n\t  extra: x\n"), "Indent with spaces; check quotes and colons."),
    ("yaml-limit", "The parser refuses pathological nesting (here 260 levels deep) and alias bombs (over 10,000 aliases) before they cost memory or time.",
     "[" * 260 + "\n",
     "Don't build playbooks from aliases of aliases; write the values out."),
    ("duplicate-key", "YAML would silently keep one of the two values; defuse refuses to guess.",
     sub("version: \"1\"\n", "version: \"1\"\nversion: \"2\"\n"), "Keep one."),
    ("unknown-field", "A misspelt field would otherwise be ignored, and its meaning lost.",
     sub("      due: 30m\n", "      due: 30m\n      owner_role: Team lead\n"), "Use a field the format has (see `playbook.schema.json`)."),
    ("missing-field", "Every playbook needs its id, title, version and steps.",
     sub("title: Minimal\n", ""), "Add the field."),
    ("wrong-type", "A list where text is expected (or the reverse) cannot mean what was intended.",
     sub("title: Minimal\n", "title: [Minimal]\n"), "Write the value with the expected type."),
    ("bad-enum-value", "Question kinds, steps and condition names are a fixed set.",
     sub("      kind: yes_no\n", "      kind: yesno\n"), "Use one of the values listed in the message."),
    ("invalid-duration", "Due times become absolute times in the plan; they must be exact.",
     sub("      due: 24h\n", "      due: tomorrow\n"), "Write a number and a unit: `30m`, `2h`, `24h`, `3d`, `1w`."),
    ("empty-file", "An empty file in `playbooks/` is almost always a mistake.", "", "Remove it, or write the playbook."),
    ("binary-file", "A NUL byte means the file is not text (an image, an archive, a mis-saved file).",
     "id: mini\\x00\n", "Lint the right file."),
    ("invalid-utf8", "Playbooks are UTF-8; other encodings garble Chinese and other non-Latin text.",
     "id: mini\ntitle: \\xc1\\xfa\n", "Re-save the file as UTF-8."),
    ("multiple-documents", "A playbook file holds one playbook; a second `---` document would be ignored.",
     BASE + "---\nid: second\n", "Put each playbook in its own file."),
    ("file-too-large", "Playbooks are small; a file over 8 MiB is refused before parsing.", None,
     "Lint the right file. (Example: any file over 8 MiB.)"),
    ("unreadable-file", "The path cannot be read as a regular file (missing, a FIFO, a broken or looping link, an unreadable directory, no permission); lint reports it, checks every other file, and exits 2.", None,
     "Lint regular files. (Example: a FIFO named `playbook.yaml`.)"),
    ("duplicate-id", "Ids are how conditions, answers and plans refer to things; they must be unique.",
     sub("    - {id: lost_face, label: Lost face}\n", "    - {id: lost_face, label: Lost face}\n    - {id: lost_face, label: Face lost}\n"), "Rename one."),
    ("missing-score", "The SOP's first step judges severity and authority; both scores must exist.",
     sub("  - {id: authority, label: Authority}\n", ""), "Declare the score under `scores:`."),
    ("empty-catalogue", "A triage needs at least one question, level, authority, grievance and remedy.",
     sub("  catalogue:\n    - {id: lost_face, label: Lost face}\n", "  catalogue: []\n"), "Fill the list."),
    ("unknown-reference", "A condition naming something that does not exist would silently never hold.",
     sub("      when: {flag: real_loss}\n\n", "      when: {flag: real_los}\n\n") if "      when: {flag: real_loss}\n\n" in BASE else sub("    when: {flag: real_loss}\n", "    when: {flag: real_los}\n"), "Fix the name; the message suggests the nearest one."),
    ("reference-out-of-scope", "Step 1's questions are asked before the level is known, so they cannot depend on it.",
     sub("      \"yes\": {flags: [real_loss]}\n", "      \"yes\": {flags: [real_loss]}\n      when: {level_at_least: fire}\n"), "Depend only on what is known at that point."),
    ("unknown-answer", "Testing for an answer the question cannot give would never hold.",
     sub("      when: {flag: real_loss}\n    - id: refund", "XX") if False else sub("      when: {flag: real_loss}\n", "      when: {answer: {question: loss, is: maybe}}\n"), "Use one of the question's answers."),
    ("untestable-question", "Free text cannot be compared in a condition.",
     sub("      \"yes\": {flags: [real_loss]}\n", "      \"yes\": {flags: [real_loss]}\n    - {id: notes, kind: text, prompt: Notes}\n").replace("      when: {flag: real_loss}\n", "      when: {answer: {question: notes, is: angry}}\n"), "Ask a choice question instead."),
    ("question-shape", "Each kind has its own fields: `yes`/`no`, `options`, or `scale`.",
     sub("      kind: yes_no\n", "      kind: choice\n"), "Give the question the fields of its kind."),
    ("baseline-condition", "The first level is where every case starts; it is chosen when nothing higher holds.",
     sub("  - {id: calm, label: Calm, definition: Nothing lost., response_force: Listen.}\n", "  - {id: calm, label: Calm, definition: Nothing lost., response_force: Listen., when: {flag: real_loss}}\n"), "Remove its `when`."),
    ("unreachable-level", "A level above the baseline without a rule that can hold is never chosen.",
     sub("    when: {flag: real_loss}\n", "    when: {all: [{flag: real_loss}, {not: {flag: real_loss}}]}\n"), "Give it a rule that can hold."),
    ("unknown-remedy-kind", "Kinds group remedies in the plan; new ones must be declared.",
     sub("      kind: compensation\n", "      kind: compensaton\n"), "Use a built-in kind or declare it under `remedies.kinds`."),
    ("template-error", "A template with an unknown placeholder would print it unfilled in a customer letter.",
     sub("      due: 24h\n", "      due: 24h\n      template: \"Dear {{custmer}},\"\n"), "Use a known placeholder; the help lists them."),
    ("unknown-rule", "An `allow:` for a rule that does not exist suppresses nothing.",
     sub("version: \"1\"\n", "version: \"1\"\nallow: [unused-flags]\n"), "Use a rule id from this page."),
    ("never-holds", "A remedy whose condition contradicts itself is never proposed.",
     sub("      when: {flag: real_loss}\n", "      when: {all: [{level: calm}, {level: fire}]}\n"), "Remove the contradiction."),
    ("yaml-boolean-key", "YAML 1.1 tools and many editors read an unquoted `yes` as `true`, so the key changes meaning outside defuse.",
     sub("      kind: yes_no\n      prompt: Did they lose money?\n      \"yes\": {flags: [real_loss]}\n", "      kind: choice\n      prompt: Did they lose money?\n      options:\n        - {key: yes, label: Yes, flags: [real_loss]}\n        - {key: \"no\", label: No}\n"), "Quote it: `\"yes\"`."),
    ("unused-flag", "A flag no answer raises makes every condition on it dead.",
     sub("  - {id: real_loss, label: Real loss}\n", "  - {id: real_loss, label: Real loss}\n  - {id: public, label: Public}\n"), "Raise it from a question, or remove it."),
    ("level-out-of-order", "The highest level whose rule holds wins, so a lower level whose rule implies a higher one's is never chosen.",
     sub("    when: {flag: real_loss}\n", "    when: {flag: real_loss}\n  - id: inferno\n    label: Inferno\n    definition: Money lost.\n    response_force: Everyone.\n    when: {flag: real_loss}\n"), "Reorder the levels, or narrow the higher rule."),
    ("level-without-remedy", "A level at which nothing is ever proposed leaves the rep without a plan.",
     sub("      when: {level_at_least: calm}\n", "      when: {level: fire}\n").replace("      when: {flag: real_loss}\n", "      when: {all: [{flag: real_loss}, {level: fire}]}\n"), "Give some remedy a `when` that holds at that level, or `allow:` it on the level."),
]


# The base playbook in English and Traditional Chinese, for the translation rules.
ZH_TW = {
    "Minimal": "最小範例", "Severity": "嚴重度", "Authority": "權限", "Real loss": "實際損失",
    "Did they lose money?": "對方有實際損失嗎？", "Calm": "平靜", "Nothing lost.": "沒有損失。",
    "Listen.": "傾聽。", "Fire": "火警", "Money lost.": "有金錢損失。", "Escalate.": "立即升級。",
    "Venting": "發洩情緒", "No power.": "沒有決策權。", "Let them finish.": "讓對方說完。",
    "Lost face": "丟了面子", "Listen": "傾聽", "Account rep": "業務", "Refund": "退款",
    "Refund the loss.": "退還損失。", "Account director": "業務總監",
}
BILINGUAL = re.sub(
    r"\b(title|label|prompt|definition|response_force|stance|guidance|action|owner): ([^,}\n]+)",
    lambda m: f"{m[1]}: {{en: {m[2]}, zh-TW: {ZH_TW[m[2]]}}}",
    BASE,
)


def bilingual(old, new):
    assert old in BILINGUAL, old
    return BILINGUAL.replace(old, new, 1)


RULES += [
    ("unknown-locale", "Text under a language code defuse does not speak would never be shown; `zh_TW` (underscore) is the usual slip.",
     bilingual("{en: Money lost., zh-TW: 有金錢損失。}", "{en: Money lost., zh_TW: 有金錢損失。}"),
     "Use `en`, `zh-TW` or `zh-CN`."),
    ("missing-translation", "Once a playbook is written in several languages, a text in fewer of them shows a rep working in another language the wrong one mid-call (the fallback order is zh-TW ↔ zh-CN, then en).",
     bilingual("action: {en: Refund the loss., zh-TW: 退還損失。}", "action: {en: Refund the loss.}")
     .replace("owner: {en: Account director, zh-TW: 業務總監}", "owner: Account director"),
     "Add the missing languages; for text that reads the same in every language (a product name), allow the rule on that node."),
]


def unescape(text):
    return re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m.group(1), 16)]), text.encode())


def run(example):
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "playbook.yaml"), "wb") as f:
            f.write(unescape(example))
        out = subprocess.run([BIN, "lint", "playbook.yaml"], cwd=tmp, capture_output=True, text=True)
        return out.stdout, out.returncode


def main():
    sections = ["# Lint rules\n\n"
                "`defuse lint` checks playbooks for every rule below. Each section has an example\n"
                "playbook and the exact output of `defuse lint playbook.yaml` on it (checked by\n"
                "`tests/lint_docs.rs`; regenerate with `python3 docs/gen-lint-rules.py`).\n\n"
                "Suppress a rule everywhere with `--allow RULE`, or for one node with an `allow:`\n"
                "list on the playbook, a question, level, authority, grievance, remedy or follow-up:\n\n"
                "```yaml\nlevels:\n  - id: calm\n    allow: [level-without-remedy]\n```\n"]
    for rule, why, example, fix in RULES:
        summary = subprocess.run([BIN, "lint", "--explain", rule], capture_output=True, text=True)
        section = f"\n## {rule}\n\n{why}\n\nFix: {fix}\n"
        if example is not None:
            out, code = run(example)
            assert rule in out, f"{rule} not triggered:\n{out}"
            section += f"\n```yaml\n{example}```\n\n```console\n$ defuse lint playbook.yaml\n{out}```\n"
        sections.append(section)
    open(os.path.join(ROOT, "docs", "lint-rules.md"), "w").write("".join(sections))


main()
