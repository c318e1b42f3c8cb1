//! Stamped versions (PDF, TIFF, JPEG, PNG): page count, page shape and any PDF text layer, read from
//! the file's structure without decoding pixels.

use super::{PageInfo, ReadError, ScanInfo};
use crate::message::FileKind;
use lopdf::{Dictionary, Object, ObjectId};

/// Most pages looked at in one PDF; a scan of this call has a handful.
const MAX_PAGES: usize = 500;
/// Most text kept from a PDF text layer.
const MAX_TEXT: usize = 64 * 1024;

/// Reads the pages of a stamped file.
pub fn inspect(data: &[u8], kind: FileKind) -> Result<ScanInfo, ReadError> {
    match kind {
        FileKind::Pdf => pdf(data),
        FileKind::Jpeg => jpeg_size(data)
            .map(|(w, h)| ScanInfo {
                pages: vec![PageInfo {
                    width: w,
                    height: h,
                    ..PageInfo::default()
                }],
                text: String::new(),
            })
            .ok_or_else(|| ReadError::Corrupt("JPEG 文件头不完整".into())),
        FileKind::Png => png_size(data)
            .map(|(w, h)| ScanInfo {
                pages: vec![PageInfo {
                    width: w,
                    height: h,
                    ..PageInfo::default()
                }],
                text: String::new(),
            })
            .ok_or_else(|| ReadError::Corrupt("PNG 文件头不完整".into())),
        FileKind::Tiff => super::seal::tiff_page_sizes(data)
            .map(|sizes| ScanInfo {
                pages: sizes
                    .into_iter()
                    .map(|(width, height)| PageInfo {
                        width,
                        height,
                        ..PageInfo::default()
                    })
                    .collect(),
                text: String::new(),
            })
            .ok_or_else(|| ReadError::Corrupt("TIFF 结构无法解析".into())),
        _ => Err(ReadError::Corrupt("不是扫描件格式".into())),
    }
}

fn pdf(data: &[u8]) -> Result<ScanInfo, ReadError> {
    // lopdf is not written for hostile input; a panic inside it must not take the daemon down.
    let loaded = std::panic::catch_unwind(|| lopdf::Document::load_mem(data));
    let doc = match loaded {
        Ok(Ok(doc)) if super::seal::pdf_needs_password(&doc) => return Err(ReadError::Encrypted),
        Ok(Ok(doc)) => doc,
        Ok(Err(lopdf::Error::Decryption(_))) => {
            return Err(ReadError::Encrypted);
        }
        // A PDF lopdf cannot parse may still be a fine scan (many scanners write sloppy
        // files): fall back to reading the page boxes from the raw bytes.
        _ => return raw_pdf_pages(data),
    };
    let mut info = ScanInfo::default();
    let mut text_pages = Vec::new();
    for (number, id) in doc.get_pages().into_iter().take(MAX_PAGES) {
        let page = doc.get_dictionary(id).ok();
        let media = page
            .and_then(|p| inherited(&doc, p, b"MediaBox"))
            .and_then(|o| rect(&doc, o));
        let rotate = page
            .and_then(|p| inherited(&doc, p, b"Rotate"))
            .and_then(|o| o.as_i64().ok())
            .unwrap_or(0);
        let (w, h) = media.unwrap_or((595.0, 842.0));
        let (w, h) = if rotate.rem_euclid(180) == 90 {
            (h, w)
        } else {
            (w, h)
        };
        info.pages.push(PageInfo {
            width: w,
            height: h,
            ..PageInfo::default()
        });
        if page.is_some_and(|p| has_fonts(&doc, p, id)) {
            text_pages.push(number);
        }
    }
    if !text_pages.is_empty() {
        let text = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            doc.extract_text(&text_pages)
        }))
        .ok()
        .and_then(Result::ok);
        if let Some(mut t) = text {
            if t.len() > MAX_TEXT {
                let cut = (0..=MAX_TEXT)
                    .rev()
                    .find(|&i| t.is_char_boundary(i))
                    .unwrap_or(0);
                t.truncate(cut);
            }
            info.text = super::grid::clean_text(&t);
        }
    }
    if info.pages.is_empty() {
        return raw_pdf_pages(data);
    }
    Ok(info)
}

/// A page attribute, looked up the page tree as PDF inheritance allows.
fn inherited<'a>(doc: &'a lopdf::Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..32 {
        if let Ok(v) = node.get(key) {
            return doc.dereference(v).ok().map(|(_, o)| o);
        }
        let parent = node.get(b"Parent").ok()?;
        node = doc.dereference(parent).ok()?.1.as_dict().ok()?;
    }
    None
}

fn rect(doc: &lopdf::Document, o: &Object) -> Option<(f64, f64)> {
    let arr = o.as_array().ok()?;
    let nums: Vec<f64> = arr
        .iter()
        .filter_map(|v| doc.dereference(v).ok().map(|(_, o)| o))
        .filter_map(|v| {
            v.as_float()
                .ok()
                .map(f64::from)
                .or_else(|| v.as_i64().ok().map(|i| i as f64))
        })
        .collect();
    match nums.as_slice() {
        [x0, y0, x1, y1] => Some(((x1 - x0).abs(), (y1 - y0).abs())),
        _ => None,
    }
}

fn has_fonts(doc: &lopdf::Document, page: &Dictionary, _id: ObjectId) -> bool {
    inherited(doc, page, b"Resources")
        .and_then(|r| r.as_dict().ok())
        .and_then(|r| r.get(b"Font").ok())
        .and_then(|f| doc.dereference(f).ok())
        .and_then(|(_, f)| f.as_dict().ok())
        .is_some_and(|f| !f.is_empty())
}

/// Last resort for PDFs lopdf rejects: count `/Type /Page` objects and read their MediaBox.
fn raw_pdf_pages(data: &[u8]) -> Result<ScanInfo, ReadError> {
    let text = String::from_utf8_lossy(data);
    let mut pages = Vec::new();
    let mut rest = text.as_ref();
    while let Some(pos) = rest.find("/Type") {
        rest = rest.get(pos + 5..).unwrap_or("");
        let after = rest.trim_start();
        if !after.starts_with("/Page") || after.starts_with("/Pages") {
            continue;
        }
        let window: String = rest.chars().take(600).collect();
        let around = window.split("endobj").next().unwrap_or("");
        let (w, h) = around
            .find("/MediaBox")
            .and_then(|p| around.get(p..))
            .and_then(parse_raw_box)
            .unwrap_or((595.0, 842.0));
        pages.push(PageInfo {
            width: w,
            height: h,
            ..PageInfo::default()
        });
        if pages.len() >= MAX_PAGES {
            break;
        }
    }
    if pages.is_empty() {
        return Err(ReadError::Corrupt("PDF 结构无法解析".into()));
    }
    Ok(ScanInfo {
        pages,
        text: String::new(),
    })
}

fn parse_raw_box(s: &str) -> Option<(f64, f64)> {
    let open = s.find('[')?;
    let close = s.find(']')?;
    let nums: Vec<f64> = s
        .get(open + 1..close)?
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    match nums.as_slice() {
        [x0, y0, x1, y1] => Some(((x1 - x0).abs(), (y1 - y0).abs())),
        _ => None,
    }
}

/// Width and height of a JPEG as displayed, from its SOF marker and the EXIF orientation.
pub fn jpeg_size(data: &[u8]) -> Option<(f64, f64)> {
    if data.get(0..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut i = 2usize;
    let mut rotated = false;
    while i + 4 <= data.len() {
        if *data.get(i)? != 0xFF {
            i += 1;
            continue;
        }
        let marker = *data.get(i + 1)?;
        if marker == 0xFF || marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            i += if marker == 0xFF { 1 } else { 2 };
            continue;
        }
        let len = usize::from(u16::from_be_bytes([*data.get(i + 2)?, *data.get(i + 3)?]));
        let seg = data.get(i + 4..(i + 2 + len).min(data.len()))?;
        match marker {
            0xE1 => {
                rotated |= super::seal::tiff_orientation(seg).is_some_and(|o| (5..=8).contains(&o))
            }
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let h = f64::from(u16::from_be_bytes([*seg.get(1)?, *seg.get(2)?]));
                let w = f64::from(u16::from_be_bytes([*seg.get(3)?, *seg.get(4)?]));
                return Some(if rotated { (h, w) } else { (w, h) });
            }
            0xDA | 0xD9 => return None,
            _ => {}
        }
        i += 2 + len;
    }
    None
}

/// Width and height of a PNG from its IHDR chunk.
pub fn png_size(data: &[u8]) -> Option<(f64, f64)> {
    if data.get(0..8)? != b"\x89PNG\r\n\x1a\n" || data.get(12..16)? != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(data.get(16..20)?.try_into().ok()?);
    let h = u32::from_be_bytes(data.get(20..24)?.try_into().ok()?);
    Some((f64::from(w), f64::from(h)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny_pdf(media: &str, rotate: Option<i32>) -> Vec<u8> {
        let rot = rotate.map(|r| format!("/Rotate {r}")).unwrap_or_default();
        let objs = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
            format!("<< /Type /Page /Parent 2 0 R /MediaBox {media} {rot} >>"),
        ];
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objs.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes(),
        );
        for off in offsets {
            out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objs.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    #[test]
    fn pdf_page_shape_follows_mediabox_and_rotate() {
        let p = inspect(&tiny_pdf("[0 0 841.89 595.28]", None), FileKind::Pdf).unwrap();
        assert_eq!(p.pages.len(), 1);
        assert!(p.pages[0].is_landscape());
        let p = inspect(&tiny_pdf("[0 0 841.89 595.28]", Some(90)), FileKind::Pdf).unwrap();
        assert!(!p.pages[0].is_landscape());
    }

    #[test]
    fn broken_pdf_falls_back_to_raw_boxes_or_fails_cleanly() {
        let mut pdf = tiny_pdf("[0 0 595 842]", None);
        pdf.truncate(pdf.len() - 40);
        let p = inspect(&pdf, FileKind::Pdf).unwrap();
        assert!(!p.pages[0].is_landscape());
        assert!(inspect(b"%PDF-1.4 garbage", FileKind::Pdf).is_err());
    }

    #[test]
    fn jpeg_size_honours_exif_rotation() {
        let mut jpg = vec![0xFF, 0xD8];
        // APP1 with EXIF orientation 6 (rotate 90°), little endian.
        let mut exif =
            b"Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x06\0\0\0\0\0\0\0".to_vec();
        let len = (exif.len() + 2) as u16;
        jpg.extend_from_slice(&[0xFF, 0xE1]);
        jpg.extend_from_slice(&len.to_be_bytes());
        jpg.append(&mut exif);
        // SOF0: 8 bit, height 3000, width 4000.
        jpg.extend_from_slice(&[0xFF, 0xC0, 0, 11, 8, 0x0B, 0xB8, 0x0F, 0xA0, 1, 1, 0x11, 0]);
        assert_eq!(jpeg_size(&jpg), Some((3000.0, 4000.0)));
        assert_eq!(jpeg_size(&jpg[..10]), None);
    }
}
