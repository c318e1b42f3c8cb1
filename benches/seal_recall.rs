//! Recall of the seal detector on a deterministic grid of generated scans, and its false finds on
//! pages that carry only red ink that is not a seal.
//!
//! `cargo bench --bench seal_recall` prints, for sealed pages, how many seals were found (at the
//! place they were drawn) by colour, size, position, resolution, JPEG quality and paper; then
//! how many red-ink-only pages were wrongly taken for sealed, and the totals. With
//! `SEAL_RECALL_STRICT=1` it exits 1 when a sealed page is missed or an unsealed page gets a
//! seal, so it can gate a change.
// A benchmark: a failed unwrap, expect or panic stops the run, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/seal/fixtures.rs"]
mod fixtures;

use fixtures::*;
use shenbao::forms::seal::{self, ScanLimits};
use shenbao::message::FileKind;
use std::collections::BTreeMap;

const COLOURS: [(&str, [u8; 3]); 7] = [
    ("bright red", [230, 25, 35]),
    ("red", [215, 30, 40]),
    ("dull red", [185, 60, 65]),
    ("dark red", [150, 35, 40]),
    ("orange red", [235, 95, 45]),
    ("pink", [225, 70, 120]),
    ("faded pink", [230, 120, 130]),
];
const SIZES_MM: [f64; 3] = [38.0, 42.0, 50.0];
const POSITIONS: [&str; 3] = ["over text", "over table border", "half off the edge"];
const DPIS: [f64; 4] = [100.0, 150.0, 200.0, 300.0];
const QUALITIES: [u8; 3] = [40, 70, 92];
const PAPERS: [(&str, [u8; 3]); 2] = [("white", [250, 250, 250]), ("greyish", [226, 222, 212])];
const NEGATIVES: [&str; 5] = [
    "red title and rule",
    "red body text",
    "red table lines",
    "red signature",
    "red box with text",
];

/// Tally of found / total per label.
#[derive(Default)]
struct Tally(BTreeMap<String, (usize, usize)>);

impl Tally {
    fn add(&mut self, key: String, hit: bool) {
        let e = self.0.entry(key).or_default();
        e.0 += usize::from(hit);
        e.1 += 1;
    }
}

fn base_page(dpi: f64, paper: [u8; 3], seed: u64) -> Canvas {
    let w = (210.0 / 25.4 * dpi).round() as usize;
    let h = (297.0 / 25.4 * dpi).round() as usize;
    let mut c = Canvas::form_page(w, h, seed);
    if paper != [250, 250, 250] {
        c.tinted(paper, seed);
    }
    c
}

fn analyse(c: &Canvas, q: u8) -> seal::ScanAnalysis {
    seal::analyse(&c.jpeg(q), FileKind::Jpeg, &ScanLimits::default()).expect("page analyses")
}

fn main() {
    // `cargo bench` passes --bench; a filter argument is not used.
    let start = std::time::Instant::now();
    let mut pages = 0usize;
    let mut dims: Vec<(&str, Tally)> = ["colour", "size", "position", "dpi", "quality", "paper"]
        .into_iter()
        .map(|d| (d, Tally::default()))
        .collect();
    let mut misses = Vec::new();
    let (mut found, mut total) = (0usize, 0usize);
    let mut i = 0usize;
    for (paper_name, paper) in PAPERS {
        for dpi in DPIS {
            let base = base_page(dpi, paper, 5 + dpi as u64);
            let mm = base.w as f64 / 210.0;
            for (colour_name, colour) in COLOURS {
                for position in POSITIONS {
                    let size = SIZES_MM[i % 3];
                    let q = QUALITIES[(i / 3) % 3];
                    let turn = i as f64 * 0.7;
                    let d = size * mm;
                    let (cx, cy) = match position {
                        "over text" => (150.0 * mm, (200.0 + (i % 5) as f64 * 2.0) * mm),
                        // On the crossing of a row line and the first column line.
                        "over table border" => (60.0 * mm, 230.0 * mm),
                        _ => (base.w as f64 - 1.0 * mm, 120.0 * mm),
                    };
                    let mut c = Canvas {
                        w: base.w,
                        h: base.h,
                        rgb: base.rgb.clone(),
                    };
                    c.seal(cx, cy, d, turn, colour);
                    let a = analyse(&c, q);
                    pages += 1;
                    // Found where it was drawn: the box centre inside the seal's visible part.
                    let (vx0, vx1) = ((cx - d / 2.0).max(0.0), (cx + d / 2.0).min(c.w as f64));
                    let (vy0, vy1) = ((cy - d / 2.0).max(0.0), (cy + d / 2.0).min(c.h as f64));
                    let hit = a.pages[0].seal.is_some_and(|s| {
                        let (bx, by) = (
                            (s.x + s.w / 2.0) * c.w as f64,
                            (s.y + s.h / 2.0) * c.h as f64,
                        );
                        (vx0..=vx1).contains(&bx) && (vy0..=vy1).contains(&by)
                    });
                    found += usize::from(hit);
                    total += 1;
                    let keys = [
                        colour_name.to_string(),
                        format!("{size} mm"),
                        position.to_string(),
                        format!("{dpi} dpi"),
                        format!("q{q}"),
                        paper_name.to_string(),
                    ];
                    for ((_, t), k) in dims.iter_mut().zip(keys) {
                        t.add(k, hit);
                    }
                    if !hit {
                        misses.push(format!(
                            "  missed: {colour_name} {size} mm {position} {dpi} dpi q{q} {paper_name} paper (turn {turn:.1}): {:?}",
                            a.pages[0].seal
                        ));
                    }
                    i += 1;
                }
            }
        }
    }
    let mut negatives = Tally::default();
    let mut false_finds = Vec::new();
    let mut j = 0usize;
    for (paper_name, paper) in PAPERS {
        for dpi in DPIS {
            for kind in NEGATIVES {
                let mut c = base_page(dpi, paper, 40 + j as u64);
                let mm = c.w as f64 / 210.0;
                let red = COLOURS[j % COLOURS.len()].1;
                red_ink(&mut c, kind, mm, red);
                let q = QUALITIES[j % 3];
                let a = analyse(&c, q);
                pages += 1;
                let wrong = a.pages[0].seal.is_some();
                negatives.add(kind.to_string(), wrong);
                if wrong {
                    false_finds.push(format!(
                        "  false seal: {kind} {dpi} dpi q{q} {paper_name} paper: {:?}",
                        a.pages[0].seal
                    ));
                }
                j += 1;
            }
        }
    }
    println!("Sealed pages: seals found where drawn");
    for (dim, t) in &dims {
        println!("  by {dim}:");
        for (k, (f, n)) in &t.0 {
            println!(
                "    {k:<20} {f:>4} / {n:<4} {:>6.1} %",
                100.0 * *f as f64 / *n as f64
            );
        }
    }
    for m in &misses {
        println!("{m}");
    }
    println!("Pages with red ink but no seal: seals wrongly found");
    for (k, (f, n)) in &negatives.0 {
        println!("    {k:<20} {f:>4} / {n}");
    }
    for m in &false_finds {
        println!("{m}");
    }
    let wrong: usize = negatives.0.values().map(|v| v.0).sum();
    let neg_total: usize = negatives.0.values().map(|v| v.1).sum();
    println!(
        "recall: {found}/{total} ({:.1} %)  false seals: {wrong}/{neg_total}  ({pages} pages, {:.1} s)",
        100.0 * found as f64 / total.max(1) as f64,
        start.elapsed().as_secs_f64()
    );
    if (found < total || wrong > 0) && std::env::var_os("SEAL_RECALL_STRICT").is_some() {
        std::process::exit(1);
    }
}

/// Red ink that a person would not call a seal.
fn red_ink(c: &mut Canvas, kind: &str, mm: f64, red: [u8; 3]) {
    match kind {
        // A red-header document (红头文件): large red title characters and a red rule.
        "red title and rule" => {
            c.text_line(25.0 * mm, 12.0 * mm, 14.0 * mm, 10, red);
            c.line(15.0 * mm, 32.0 * mm, 195.0 * mm, 32.0 * mm, 0.9 * mm, red);
        }
        "red body text" => {
            for row in 0..6 {
                c.text_line(
                    25.0 * mm,
                    (150.0 + row as f64 * 7.0) * mm,
                    4.5 * mm,
                    30,
                    red,
                );
            }
        }
        "red table lines" => {
            for k in 0..5 {
                let v = 30.0 * mm + k as f64 * 40.0 * mm;
                c.line(v, 60.0 * mm, v, 220.0 * mm, 0.5 * mm, red);
                let h = 60.0 * mm + k as f64 * 40.0 * mm;
                c.line(30.0 * mm, h, 190.0 * mm, h, 0.5 * mm, red);
            }
        }
        "red signature" => {
            c.signature(110.0 * mm, 250.0 * mm, mm, red);
            c.text_line(120.0 * mm, 262.0 * mm, 5.0 * mm, 11, red);
        }
        _ => {
            let (x, y, s) = (120.0 * mm, 200.0 * mm, 40.0 * mm);
            for (a, b, cc, d) in [
                (x, y, x + s, y),
                (x, y + s, x + s, y + s),
                (x, y, x, y + s),
                (x + s, y, x + s, y + s),
            ] {
                c.line(a, b, cc, d, 0.8 * mm, red);
            }
            c.text_line(x + 6.0 * mm, y + 15.0 * mm, 6.0 * mm, 4, red);
        }
    }
}
