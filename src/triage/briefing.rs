//! What a front end shows when a stage begins: guidance, don'ts, the
//! assessment after step 1, the grievance cues in step 2 and the proposals
//! with their reasons in step 3. Built from the session; rendered elsewhere.

use super::session::{Session, Stage};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentView {
    pub level: String,
    pub response_force: String,
    pub authority: String,
    pub stance: String,
    pub flags: Vec<String>,
    pub scores: Vec<(String, i64)>,
    pub reasons: Vec<String>,
}

/// Step 1's verdict in a few words, for every stage after it: the rep must
/// see the level, the authority and what to do first however far the
/// assessment table has scrolled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub level: String,
    pub authority: String,
    /// The level's response force, which starts with what to do first.
    pub instruction: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrievanceView {
    pub label: String,
    pub cues: Vec<String>,
    pub probes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalView {
    pub label: String,
    pub kind: String,
    pub owner: String,
    pub due: String,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Briefing {
    pub stage: Stage,
    pub guidance: String,
    pub donts: Vec<String>,
    pub assessment: Option<AssessmentView>,
    /// After step 1: its verdict.
    pub verdict: Option<Verdict>,
    pub grievances: Vec<GrievanceView>,
    pub proposals: Vec<ProposalView>,
}

pub fn brief(session: &Session, stage: Stage) -> Briefing {
    let pb = session.playbook();
    let lang = session.lang();
    let guidance = match stage {
        Stage::Assess => pb.assess.guidance.text(lang),
        Stage::Grievance => pb.grievance.guidance.text(lang),
        Stage::Remedies => pb.remedies.guidance.text(lang),
        Stage::Case | Stage::Record => String::new(),
    };
    let donts = stage
        .step()
        .map(|step| session.donts(step))
        .unwrap_or_default();
    let assessment = (stage == Stage::Grievance)
        .then(|| session.assessment())
        .flatten()
        .map(|a| AssessmentView {
            level: pb.levels[a.level].label.text(lang),
            response_force: pb.levels[a.level]
                .response_force
                .text(lang, &session.facts(&a, None)),
            authority: pb.authority[a.authority].label.text(lang),
            stance: pb.authority[a.authority]
                .stance
                .text(lang, &session.facts(&a, None)),
            flags: pb
                .flags
                .iter()
                .filter(|f| a.flags.contains(&f.id.value))
                .map(|f| f.label.text(lang))
                .collect(),
            scores: a.scores.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            reasons: a.reasons.iter().map(|r| r.describe(lang)).collect(),
        });
    let verdict = (stage > Stage::Assess)
        .then(|| session.assessment())
        .flatten()
        .map(|a| Verdict {
            level: pb.levels[a.level].label.text(lang),
            authority: pb.authority[a.authority].label.text(lang),
            instruction: pb.levels[a.level]
                .response_force
                .text(lang, &session.facts(&a, None)),
        });
    let grievances = if stage == Stage::Grievance {
        pb.grievance
            .catalogue
            .iter()
            .map(|g| GrievanceView {
                label: g.label.text(lang),
                cues: g.cues.iter().map(|c| c.text(lang)).collect(),
                probes: g.probes.iter().map(|p| p.text(lang)).collect(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let known = (stage == Stage::Remedies)
        .then(|| session.assessment().zip(session.grievances()))
        .flatten();
    let proposals = if let Some((a, g)) = &known {
        let facts = session.facts(a, Some(g));
        session
            .proposals()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| {
                let r = pb.remedy(&p.remedy)?;
                // The full rule is in the plan; on a live call the short reason reads faster.
                let why = match r.why.text(lang, &facts) {
                    why if why.is_empty() => p.rule,
                    why => why,
                };
                Some(ProposalView {
                    label: r.label.text(lang),
                    kind: r.kind.value.clone(),
                    owner: r.owner.text(lang),
                    due: r.due.value.to_string(),
                    why,
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    Briefing {
        stage,
        guidance,
        donts,
        assessment,
        verdict,
        grievances,
        proposals,
    }
}
