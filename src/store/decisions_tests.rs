//! Decisions in the record: a reason is required, a decision is settled once, and the views
//! list them by unit, pending and recent.

use super::*;
use crate::store::{DecisionKind, DecisionState, Store};

fn block<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn new(kind: DecisionKind, unit: &str, reason: &str) -> NewDecision {
    NewDecision {
        actor: "cli:clerk".into(),
        kind,
        unit_key: Some(unit.into()),
        target: None,
        reason: reason.into(),
        note: None,
    }
}

#[test]
fn a_decision_needs_a_reason_and_is_settled_once() {
    let dir = std::env::temp_dir().join(format!("shenbao-decisions-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    block(async {
        let s = Store::open(&dir).await.unwrap();
        let e = s
            .propose_decision(&new(DecisionKind::Accept, "hp", " "))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("理由"));
        let a = s
            .propose_decision(&new(DecisionKind::Accept, "hp", "电话核实"))
            .await
            .unwrap();
        let b = s
            .propose_decision(&new(DecisionKind::RequestCorrection, "hx", "缺章"))
            .await
            .unwrap();
        let pending: Vec<i64> = s
            .pending_decisions()
            .await
            .unwrap()
            .iter()
            .map(|d| d.id)
            .collect();
        assert_eq!(pending, vec![a, b]);
        s.refuse_decision(b, "没有找到单位").await.unwrap();
        let applied = Applied {
            result: "已人工受理".into(),
            ..Applied::default()
        };
        assert_eq!(s.apply_decision(a, applied).await.unwrap(), None);
        // Settled once: neither can change again.
        assert!(s.refuse_decision(a, "again").await.is_err());
        assert!(s.apply_decision(b, Applied::default()).await.is_err());
        let d = s.decision(a).await.unwrap().unwrap();
        assert_eq!(d.state, DecisionState::Applied);
        assert_eq!(d.kind, DecisionKind::Accept);
        assert_eq!(d.actor, "cli:clerk");
        assert!(d.applied_at.is_some());
        assert_eq!(s.decisions_of_unit("hp").await.unwrap().len(), 1);
        assert!(s.pending_decisions().await.unwrap().is_empty());
        let recent: Vec<i64> = s
            .recent_decisions(10)
            .await
            .unwrap()
            .iter()
            .map(|d| d.id)
            .collect();
        assert_eq!(recent, vec![b, a]);
        assert_eq!(s.applied_decisions().await.unwrap().len(), 1);
        s.close().await;
    });
    let _ = std::fs::remove_dir_all(&dir);
}
