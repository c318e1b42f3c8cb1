use super::*;
use crate::pipeline;
use crate::verdict::Judge;

fn tempdir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("shenbao-samples-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn every_sample_gets_its_intended_verdict() {
    let cfg = Config::load(None).unwrap();
    let mut judge = Judge::new((&cfg.campaign).into(), Vec::new());
    for s in all() {
        let (_, o) = pipeline::process(&mut judge, &s.raw, s.received, &cfg.limits);
        assert_eq!(o.verdict, s.expected, "{}: {:#?}", s.name, o.problems);
        // Accepted means clean: no warning either (seal seen, dates before the deadline).
        if s.expected == Verdict::Accepted {
            assert!(o.problems.is_empty(), "{}: {:#?}", s.name, o.problems);
        }
        for f in &o.attachments {
            for p in &f.pages {
                assert!(
                    matches!(p.seal, crate::forms::SealCheck::Found { .. }),
                    "{}: {} {:?}",
                    s.name,
                    f.name,
                    p.seal
                );
            }
        }
    }
}

#[test]
fn forms_read_exactly_as_written() {
    let cfg = Config::load(None).unwrap();
    let mut judge = Judge::new((&cfg.campaign).into(), Vec::new());
    let first = all().into_iter().next().unwrap();
    let (email, o) = pipeline::process(&mut judge, &first.raw, first.received, &cfg.limits);
    // GBK names as Foxmail sends them decode to the Chinese names.
    assert!(String::from_utf8_lossy(&first.raw).contains("=?GBK?B?"));
    let names: Vec<&str> = email.attachments.iter().map(|a| a.name.as_str()).collect();
    assert!(names.contains(&"附件2：汇总表（盖章版）.png"), "{names:?}");
    let projects = set::projects();
    assert_eq!(o.applications.len(), 2);
    assert_eq!(o.summary_rows.len(), 2);
    for (a, p) in o.applications.iter().zip(&projects) {
        assert_eq!(a.enterprise_name, p.enterprise);
        assert_eq!(a.credit_code, p.code());
        assert!(crate::rules::credit_code::problem(&a.credit_code).is_none());
        assert_eq!(a.recommender, "和平区市场监督管理局");
        assert_eq!(a.mobile, p.mobile);
        assert_eq!(a.email, p.email);
        assert_eq!(a.project_name, p.project);
        assert_eq!(a.project_type.as_deref(), Some(p.project_type));
        assert_eq!(a.industry.as_deref(), Some(p.industry));
        assert_eq!(a.enterprise_size.as_deref(), Some(p.size));
    }
    for (r, p) in o.summary_rows.iter().zip(&projects) {
        assert_eq!(r.enterprise_name, p.enterprise);
        assert_eq!(r.credit_code, p.code());
        assert_eq!(r.project_name, p.project);
    }
    assert_eq!(o.unit.as_deref(), Some("和平区市场监督管理局"));
}

#[test]
fn deterministic() {
    let a: Vec<Vec<u8>> = all().into_iter().map(|s| s.raw).collect();
    let b: Vec<Vec<u8>> = set::build().into_iter().map(|s| s.raw).collect();
    assert_eq!(a, b);
}

#[test]
fn seeds_an_empty_maildir_only() {
    let root = tempdir("seed");
    assert_eq!(seed_maildir(&root).unwrap(), all().len());
    let md = crate::mailbox::maildir::Maildir::open(&root).unwrap();
    let waiting = md.waiting().unwrap();
    assert_eq!(waiting.len(), all().len());
    let first = waiting.first().unwrap();
    assert_eq!(first.arrival, all()[0].received);
    assert!(
        std::fs::read_dir(root.join("tmp"))
            .unwrap()
            .next()
            .is_none()
    );
    // Not empty any more: nothing is added.
    assert_eq!(seed_maildir(&root).unwrap(), 0);
    assert_eq!(md.waiting().unwrap().len(), all().len());
    // A message already taken (in cur/) also counts as mail.
    let other = tempdir("cur");
    std::fs::create_dir_all(other.join("cur")).unwrap();
    std::fs::write(other.join("cur/1.x.host:2,S"), b"Subject: x\r\n\r\nx").unwrap();
    assert_eq!(seed_maildir(&other).unwrap(), 0);
    assert!(!has_messages(&other.join("new")).unwrap());
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_dir_all(&other);
}
