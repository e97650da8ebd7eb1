//! The complaint-record vocabulary the engine itself understands (from the
//! source articles), shared by every playbook: what kind of complaint it is,
//! which crisis it belongs to, and whether confidence or trust is at stake.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// Step 2's answer "no grievance is clear yet", offered beside a playbook's
/// grievances (so no playbook may name a grievance so).
pub const NONE_CLEAR: &str = "none_clear";

/// A closed set of keys with labels, offered as a choice in step 2.
pub trait Vocabulary: Copy + 'static {
    const ALL: &'static [Self];
    fn key(self) -> &'static str;
    fn label(self, lang: Lang) -> &'static str;
}

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $key:literal, [$en:literal, $zh_tw:literal, $zh_cn:literal];)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl Vocabulary for $name {
            const ALL: &'static [$name] = &[$($name::$variant),+];

            fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }
            fn label(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(
                        ($name::$variant, Lang::En) => $en,
                        ($name::$variant, Lang::ZhTw) => $zh_tw,
                        ($name::$variant, Lang::ZhCn) => $zh_cn,
                    )+
                }
            }
        }

        impl $name {
            pub fn from_key(key: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.key() == key)
            }
        }
    };
}

vocabulary! {
    /// New requirement (negotiate between product, sales and customer) vs a
    /// defect or broken promise (engineering must fix it, urgently). Seed 004.
    ComplaintKind {
        NewRequirement => "new_requirement", ["New requirement — negotiate scope", "新需求 — 要談範圍", "新需求 — 要谈范围"];
        OldBug => "old_bug", ["Old bug — engineering must fix it", "舊問題 — 研發必須修好", "老问题 — 研发必须修好"];
        BrokenPromise => "broken_promise", ["Broken promise — we committed and did not deliver", "承諾跳票 — 我們答應了卻沒做到", "承诺没兑现 — 我们答应了却没做到"];
        Misunderstanding => "misunderstanding", ["Misunderstanding — facts need explaining", "誤會 — 需要把事實講清楚", "误会 — 需要把事实讲清楚"];
        Unclear => "unclear", ["Not clear yet", "還不清楚", "还不清楚"];
    }
}

vocabulary! {
    /// Product (expectation vs experience), team (front-line users not on
    /// board) or boss (the top decision-maker loses patience). Seed 002.
    CrisisType {
        Product => "product", ["Product crisis — expectation vs real experience", "產品危機 — 期待和實際體驗有落差", "产品危机 — 期待和实际体验有落差"];
        Team => "team", ["Team crisis — their front-line users are not on board", "團隊危機 — 對方第一線使用者不買單", "团队危机 — 对方一线用户不买账"];
        Boss => "boss", ["Boss crisis — their top decision-maker is losing patience", "老闆危機 — 對方最高決策者快失去耐心", "老板危机 — 对方最高决策者快没耐心了"];
        None => "none", ["No crisis pattern", "看不出危機模式", "看不出危机模式"];
    }
}

vocabulary! {
    /// Loss of confidence (is the project worth continuing? fixable) vs loss
    /// of trust (is this company worth working with? nearly irreversible). Seed 002.
    AtStake {
        Confidence => "confidence", ["Confidence — they doubt the project; a revised plan can fix it", "信心 — 對專案起疑，修正計畫還能挽回", "信心 — 对项目起疑，调整方案还能挽回"];
        Trust => "trust", ["Trust — they doubt us; nearly irreversible, act at the top", "信任 — 對我們起疑，幾乎無法逆轉，要由高層出面", "信任 — 对我们起疑，几乎无法逆转，要由高层出面"];
        Neither => "neither", ["Neither yet", "目前都還沒有", "目前都还没有"];
    }
}
