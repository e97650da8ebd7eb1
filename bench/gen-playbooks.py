#!/usr/bin/env python3
"""Writes N synthetic playbooks (~3.7 KB each, valid against the schema and
clean under `defuse lint`) into DIR, for benchmarks.

    bench/gen-playbooks.py N DIR
"""
import os, sys

n, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out, exist_ok=True)

TEMPLATE = """# yaml-language-server: $schema=playbook.schema.json
id: synthetic-{i}
title: Synthetic playbook {i}
version: "1.{i}"
description: A generated playbook for benchmarks, shaped like a real one.
tags: [bench, synthetic]
scores:
  - {{id: severity, label: Severity}}
  - {{id: authority, label: Authority}}
flags:
  - {{id: real_failure_{i}, label: Real failure}}
  - {{id: real_loss_{i}, label: Real loss}}
  - {{id: public_{i}, label: Public exposure}}
  - {{id: lever_{i}, label: Leverage suspected}}
assess:
  guidance: The more urgent they are, the slower you go.
  questions:
    - id: failure
      kind: choice
      prompt: Did something fail on our side?
      options:
        - {{key: "yes", label: "Yes", scores: {{severity: 3}}, flags: [real_failure_{i}]}}
        - {{key: "no", label: "No"}}
        - {{key: unsure, label: Not sure, unsure: true}}
    - id: loss
      kind: yes_no
      prompt: Did they lose money?
      when: {{not: {{answer: {{question: failure, is: "no"}}}}}}
      "yes": {{scores: {{severity: 2}}, flags: [real_loss_{i}]}}
    - id: role
      kind: choice
      prompt: Who is on the line?
      options:
        - {{key: boss, label: Decision-maker, scores: {{authority: 3}}}}
        - {{key: lead, label: Influencer, scores: {{authority: 2}}}}
        - {{key: staff, label: Staff}}
    - id: public
      kind: yes_no
      prompt: Is it public?
      default: "no"
      "yes": {{scores: {{severity: 2}}, flags: [public_{i}]}}
    - id: lever
      kind: yes_no
      prompt: Is the anger a negotiation lever?
      default: "no"
      "yes": {{scores: {{severity: -2}}, flags: [lever_{i}]}}
levels:
  - {{id: calm, label: Smoke alarm, definition: Emotion only., response_force: Listen.}}
  - id: concern
    label: Concern
    definition: Something real.
    response_force: Handle it with your manager informed.
    when: {{score: {{id: severity, at_least: 2}}}}
  - id: fire
    label: Fire
    definition: Real failure, real loss, a decision-maker.
    response_force: Escalate now.
    when: {{all: [{{score: {{id: severity, at_least: 5}}}}, {{authority_at_least: lead}}]}}
authority:
  - {{id: staff, label: Venting, definition: No power., stance: Listen.}}
  - {{id: lead, label: Influencer, definition: Heard by the boss., stance: Give them something to carry back., when: {{score: {{id: authority, at_least: 2}}}}}}
grievance:
  guidance: Let them finish.
  catalogue:
    - {{id: not_valued, label: Not valued, cues: ["Nobody calls us back"], probes: ["What would show we care?"]}}
    - {{id: lost_face, label: Lost face, cues: ["You made me look bad"], probes: ["What do you need to tell your team?"]}}
    - {{id: wasted_time, label: Wasted time, cues: ["I explained this three times"]}}
remedies:
  catalogue:
    - {{id: listen, kind: de_escalation, label: Let them finish, action: Mirror their words., owner: Account rep, due: 30m, when: {{level_at_least: calm}}}}
    - {{id: facts, kind: fact_explanation, label: Explain the facts, action: Send the timeline., owner: Account rep, due: 24h, when: {{answer: {{question: failure, is: "no"}}}}}}
    - id: escalate
      kind: escalation
      label: Boss calls boss
      action: Our executive calls theirs.
      owner: Account director
      due: 4h
      talking_points: [Acknowledge the impact, Present the fix]
      when: {{all: [{{level_at_least: fire}}, {{not: {{flag: lever_{i}}}}}]}}
    - {{id: refund, kind: compensation, label: Compensate, action: Offer a fix and compensation., owner: Account director, due: 24h, when: {{all: [{{flag: real_loss_{i}}}, {{not: {{flag: lever_{i}}}}}]}}}}
    - {{id: private, kind: de_escalation, label: Private talk, action: Talk one to one., owner: Account rep, due: 24h, when: {{grievance: lost_face}}}}
    - id: statement
      kind: pr_statement
      label: Statement
      action: Publish a clarification.
      owner: Communications
      due: 4h
      template: "Statement about {{{{customer}}}} on {{{{date}}}}: we are on it."
      when: {{flag: public_{i}}}
followups:
  - {{id: thanks, after: 24h, action: Thank them; confirm what was agreed., owner: Account rep}}
  - {{id: review, after: 30d, action: 30-day review., owner: Account director, when: {{level_at_least: concern}}}}
donts:
  - {{step: grievance, text: "Don't explain yet."}}
"""

for i in range(n):
    with open(os.path.join(out, f"playbook-{i:05d}.yaml"), "w") as f:
        f.write(TEMPLATE.format(i=i))
