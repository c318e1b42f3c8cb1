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
    let mut judge = Judge::new(cfg.campaign.clone(), Vec::new());
    for s in all() {
        let (_, o) = pipeline::process(&mut judge, &s.raw, s.received, &cfg.limits);
        assert_eq!(o.verdict, s.expected, "{}: {:#?}", s.name, o.problems);
    }
}

#[test]
fn deterministic() {
    let a: Vec<Vec<u8>> = all().into_iter().map(|s| s.raw).collect();
    let b: Vec<Vec<u8>> = all().into_iter().map(|s| s.raw).collect();
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
    assert!(std::fs::read_dir(root.join("tmp")).unwrap().next().is_none());
    // Not empty any more: nothing is added.
    assert_eq!(seed_maildir(&root).unwrap(), 0);
    assert_eq!(md.waiting().unwrap().len(), all().len());
    // A message already taken (in cur/) also counts as mail.
    let other = tempdir("cur");
    std::fs::create_dir_all(other.join("cur")).unwrap();
    std::fs::write(other.join("cur/1.x.host:2,S"), b"Subject: x\r\n\r\nx").unwrap();
    assert_eq!(seed_maildir(&other).unwrap(), 0);
    assert!(!other.join("new").exists() || has_messages(&other.join("new")).unwrap() == false);
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_dir_all(&other);
}
