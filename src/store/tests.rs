//! Idempotence of the record: the same bytes recorded twice change nothing; the schema and
//! the history import can be applied again.

use super::*;
use crate::message::Email;
use crate::rules::{Code, Problem};
use crate::verdict::{IgnoredReason, Outcome, Unit, Verdict};

fn temp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("shenbao-store-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn block<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn outcome() -> Outcome {
    Outcome {
        verdict: Verdict::Rejected,
        unit: Some("河西区市场监管局".into()),
        unit_key: Some("河西区".into()),
        receipt: None,
        ignored_reason: None,
        problems: vec![Problem::new(Code::NoAttachments, "无附件")],
        attachments: Vec::new(),
        summary_rows: Vec::new(),
        applications: Vec::new(),
        notes: Vec::new(),
        held: None,
    }
}

async fn total(store: &Store) -> i64 {
    let mut n = 0;
    for t in ["messages", "units", "problems", "verdicts", "outbox"] {
        let (c,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {t}"))
            .fetch_one(store.pool())
            .await
            .unwrap();
        n += c;
    }
    n
}

#[test]
fn same_bytes_are_recorded_once() {
    let dir = temp("once");
    block(async {
        let store = Store::open(&dir).await.unwrap();
        let source = SourceRef {
            kind: SourceKind::Maildir,
            ..SourceRef::default()
        };
        let incoming = Incoming {
            sha256: Some("00ff"),
            raw_path: Some("raw/00/ff.eml"),
            size: 10,
            arrival: DateTime::parse_from_rfc3339("2023-04-20T09:00:00+08:00").unwrap(),
            source: &source,
        };
        let email = Email {
            from: Some("a@b.cn".into()),
            ..Email::default()
        };
        let unit = Unit {
            name: "河西区市场监管局".into(),
            emails: 1,
            ..Unit::default()
        };
        let reply = QueuedReply {
            recipient: "a@b.cn".into(),
            kind: MailKind::Notice,
            held: None,
        };
        let composer = |id: i64| {
            Some(Composed {
                subject: "【材料补正通知】".into(),
                message_id: format!("r{id}@x"),
                raw: b"Subject: x\r\n\r\nbody".to_vec(),
            })
        };
        let first = store
            .record(
                &incoming,
                &email,
                &outcome(),
                Some(&unit),
                Some((&reply, &composer)),
                None,
            )
            .await
            .unwrap();
        assert!(!first.duplicate);
        assert!(first.outbox.is_some());
        assert!(store.seen("00ff").await.unwrap());
        let n = total(&store).await;
        assert_eq!(n, 5);
        let again = store
            .record(
                &incoming,
                &email,
                &outcome(),
                Some(&unit),
                Some((&reply, &composer)),
                None,
            )
            .await
            .unwrap();
        assert!(again.duplicate);
        assert_eq!(again.message, first.message);
        assert_eq!(again.outbox, None);
        let failed = store
            .record_failed(&incoming, None, "x", None)
            .await
            .unwrap();
        assert!(failed.duplicate);
        assert_eq!(total(&store).await, n);
        let queued = store.queued().await.unwrap();
        assert_eq!(queued.len(), 1);
        assert_eq!(
            queued[0].raw.as_deref(),
            Some(&b"Subject: x\r\n\r\nbody"[..])
        );
        // An attempt recorded as begun and never ended is interrupted, still to deliver.
        let id = first.outbox.unwrap();
        store.mark_sending(id).await.unwrap();
        let queued = store.queued().await.unwrap();
        assert!(queued[0].interrupted);
        assert_eq!(store.outbox_backlog().await.unwrap().0, 1);
        store.mark_attempt_failed(id, "421", 100).await.unwrap();
        assert!(!store.queued().await.unwrap()[0].interrupted);
        store.mark_sent(id).await.unwrap();
        assert!(store.queued().await.unwrap().is_empty());
        store.close().await;
        // Opening again runs no migration twice and keeps the rows.
        let store = Store::open(&dir).await.unwrap();
        assert_eq!(total(&store).await, n);
        assert_eq!(store.judged().await.unwrap().len(), 1);
        store.close().await;
    });
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn history_import_is_idempotent() {
    let dir = temp("history");
    block(async {
        let store = Store::open(&dir).await.unwrap();
        let p = HistoryProject {
            year: "2022".into(),
            enterprise_name: "天津某某有限公司".into(),
            credit_code: "91120000MA05TEST00".into(),
            project_name: "焊接质量提升".into(),
            description: String::new(),
        };
        assert_eq!(
            store
                .import_history(std::slice::from_ref(&p), "h.xlsx")
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            store
                .import_history(std::slice::from_ref(&p), "h.xlsx")
                .await
                .unwrap(),
            0
        );
        assert_eq!(store.history().await.unwrap(), [p]);
        store.close().await;
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// Regression: the daemon and a division command opening a new data directory at the same
/// moment both ran the first migration ("table messages already exists").
#[test]
fn opening_a_new_store_from_several_processes_at_once() {
    let dir = temp("race");
    for _ in 0..5 {
        let _ = std::fs::remove_dir_all(&dir);
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
        let openers: Vec<_> = (0..4)
            .map(|_| {
                let (dir, barrier) = (dir.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    block(async {
                        let s = Store::open(&dir).await?;
                        s.close().await;
                        anyhow::Ok(())
                    })
                })
            })
            .collect();
        for o in openers {
            if let Err(e) = o.join().unwrap() {
                panic!("concurrent open failed: {e:#}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// An address listed twice (or in two spellings) is reminded once, and a second run on the
/// same day, as from a second `remind` at the same moment, queues nothing and does not fail.
#[test]
fn reminders_go_once_per_address_and_day() {
    let dir = temp("remind");
    block(async {
        let store = Store::open(&dir).await.unwrap();
        let composer = |to: &str, row: i64| {
            Some(Composed {
                subject: format!("催报提醒 {to}"),
                message_id: format!("<r{row}@test>"),
                raw: b"x".to_vec(),
            })
        };
        let to = ["nk@units.test".to_string(), " NK@units.test".to_string()];
        let unit = ("南开区", "南开区市场监管局");
        let first = store
            .queue_reminders(unit, "2023-04-20", &to, &[], &composer)
            .await
            .unwrap();
        assert_eq!(first.len(), 1);
        let again = store
            .queue_reminders(unit, "2023-04-20", &to, &[], &composer)
            .await
            .unwrap();
        assert!(again.is_empty());
        assert!(store.reminded("南开区", "2023-04-20").await.unwrap());
        let next_day = store
            .queue_reminders(unit, "2023-04-21", &to, &[], &composer)
            .await
            .unwrap();
        assert_eq!(next_day.len(), 1);
        store.close().await;
    });
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn attempts_at_a_waiting_message_are_counted_listed_and_cleared() {
    let dir = temp("attempts");
    block(async {
        let store = Store::open(&dir).await.unwrap();
        let key = "imap:7:42";
        assert!(store.intake_attempts().await.unwrap().is_empty());
        assert_eq!(
            store.note_attempt(key, "INBOX UID 42", "a").await.unwrap(),
            1
        );
        assert_eq!(
            store.note_attempt(key, "INBOX UID 42", "b").await.unwrap(),
            2
        );
        let listed = store.intake_attempts().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(
            (listed[0].attempts, listed[0].last_error.as_str()),
            (2, "b")
        );
        store.clear_attempts(key).await.unwrap();
        assert!(store.intake_attempts().await.unwrap().is_empty());
        store.close().await;
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// Records written before stable codes kept the judge's Chinese sentence as the ignored
/// reason; the migration turns each into its code and detail, so `status` finds questions by
/// code and rewording a reason changes no record.
#[test]
fn old_ignored_reasons_in_chinese_become_codes() {
    let dir = temp("codes");
    block(async {
        std::fs::create_dir_all(&dir).unwrap();
        let options = SqliteConnectOptions::new()
            .filename(dir.join("shenbao.db"))
            .create_if_missing(true);
        let pool = SqlitePoolOptions::new()
            .connect_with(options)
            .await
            .unwrap();
        migrate::migrator_before(4)
            .await
            .unwrap()
            .run(&pool)
            .await
            .unwrap();
        let old = [
            "自动邮件：X-Autoreply: yes",
            "本邮箱自身发出的邮件",
            "回复本邮箱的回执或通知并提出问题，请工作人员答复（主题是回复）",
            "回复本邮箱的回执或通知，无附件、未提问，无需答复（引用了回执）",
            "无附件的咨询邮件，请工作人员答复",
            "某种早已不用的说法",
        ];
        for (i, why) in old.iter().enumerate() {
            sqlx::query(
                "INSERT INTO messages (id, arrival, size, source, state, recorded_at) \
                 VALUES (?, '2023-04-20T01:00:00Z', 1, 'maildir', 'judged', '2023-04-20T01:00:00Z')",
            )
            .bind(i as i64 + 1)
            .execute(&pool)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO verdicts (message_id, verdict, ignored_reason, outcome) \
                 VALUES (?, 'ignored', ?, '{}')",
            )
            .bind(i as i64 + 1)
            .bind(why)
            .execute(&pool)
            .await
            .unwrap();
        }
        pool.close().await;
        let store = Store::open(&dir).await.unwrap();
        let got: Vec<(IgnoredReason, Option<String>)> = store
            .messages()
            .await
            .unwrap()
            .into_iter()
            .filter_map(|m| m.ignored.map(|i| (i.reason, i.detail)))
            .collect();
        store.close().await;
        let detail = |s: &str| Some(s.to_string());
        assert_eq!(
            got,
            [
                (IgnoredReason::Automatic, detail("X-Autoreply: yes")),
                (IgnoredReason::OwnMail, None),
                (IgnoredReason::ReplyWithQuestion, detail("主题是回复")),
                (IgnoredReason::ReplyNothingToAnswer, detail("引用了回执")),
                (IgnoredReason::Question, None),
                (IgnoredReason::Question, detail("某种早已不用的说法")),
            ]
        );
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// A state the program does not know (a newer binary's, a hand edit) is an error naming the
/// table, column and value, not a guess.
#[test]
fn an_unknown_stored_state_is_an_error_that_says_where() {
    let dir = temp("unknown-state");
    block(async {
        let store = Store::open(&dir).await.unwrap();
        sqlx::query(
            "INSERT INTO messages (id, arrival, size, source, state, recorded_at) \
             VALUES (1, '2023-04-20T01:00:00Z', 1, 'maildir', '已判定', '2023-04-20T01:00:00Z')",
        )
        .execute(store.pool())
        .await
        .unwrap();
        let e = store.messages().await.unwrap_err().to_string();
        store.close().await;
        assert!(e.contains("messages.state") && e.contains("已判定"), "{e}");
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// A failed write says which table and what it was doing, not only "error returned from
/// database", and the kind still shows through for the intake's pause.
#[test]
fn a_failed_write_names_its_table_and_keeps_its_kind() {
    let dir = temp("context");
    block(async {
        let store = Store::open(&dir).await.unwrap();
        store.close().await;
        let e = store
            .set_daemon_fact("last_contact", None)
            .await
            .unwrap_err();
        assert!(format!("{e:#}").contains("(daemon_state)"), "{e:#}");
        assert!(fault::is_unwritable(&e), "{e:#}");
        let e = store
            .note_attempt("imap:1:2", "INBOX 2", "x")
            .await
            .unwrap_err();
        assert!(format!("{e:#}").contains("intake_attempts"), "{e:#}");
    });
    let _ = std::fs::remove_dir_all(&dir);
}
