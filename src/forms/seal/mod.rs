//! Seal analysis of stamped versions (盖章版): pages out of PDFs, TIFF, JPEG and PNG files, each looked at
//! on a reduced image for the unit's red round seal (公章), plus a PNG a person can check.
//!
//! The entry points are [`analyse`] (per-page facts for classification and the verdict) and
//! [`render_evidence`] (the page with the detected seal boxed). Everything works on images reduced
//! while decoding (JPEG DCT scaling to 1/8), so a page costs milliseconds.

mod content;
mod detect;
mod evidence;
mod image;
mod jpeg_dc;
mod pdf;
mod raster;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_never_panic;
mod tiff;

pub use detect::THRESHOLD;
pub(crate) use raster::tiff_orientation;

use super::ReadError;
use crate::message::FileKind;
use serde::Serialize;

/// Bounds on the work one file may cause; files are hostile until read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanLimits {
    /// Most pixels a single image may declare before it is refused (decoding allocates per pixel).
    pub max_image_pixels: u64,
    /// Most bytes a Flate stream (image or content) may inflate to; bombs stop here.
    pub max_flate_bytes: usize,
    /// Most pages looked at in one PDF; a stamped version of this call has a handful.
    pub max_pages: usize,
    /// Most images looked at on one page; scans carry one, electronic seals add one or two.
    pub max_images_per_page: usize,
}

impl Default for ScanLimits {
    fn default() -> Self {
        ScanLimits {
            max_image_pixels: 40_000_000,
            max_flate_bytes: 64 * 1024 * 1024,
            max_pages: 200,
            max_images_per_page: 16,
        }
    }
}

/// A seal found on a page, in fractions of the displayed page (0..1, origin top left).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SealBox {
    /// Left edge, as a fraction of the displayed page width.
    pub x: f64,
    /// Top edge, as a fraction of the displayed page height.
    pub y: f64,
    /// Width, as a fraction of the displayed page width.
    pub w: f64,
    /// Height, as a fraction of the displayed page height.
    pub h: f64,
    /// How sure the detector is (0..1); a seal counts from [`THRESHOLD`] on.
    pub confidence: f64,
    /// Whether the seal was seen as pixels or as red vector paths (electronic seals).
    pub vector: bool,
}

/// What one page shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageAnalysis {
    /// Width as displayed (after /Rotate or EXIF orientation): points for PDFs, pixels for images.
    pub width: f64,
    /// Height as displayed, same unit as `width`.
    pub height: f64,
    /// Landscape pages hold the summary table; portrait pages the application form.
    pub landscape: bool,
    /// The most convincing seal at or above [`THRESHOLD`], if any.
    pub seal: Option<SealBox>,
    /// How many distinct seals reached the threshold (a summary may carry more than one).
    pub seal_count: usize,
    /// No colour at all on the page: a black-and-white scanner cannot show a red seal.
    pub grayscale: bool,
    /// The page had an image (or red vector paths) we could look at; a text-only PDF page has not.
    pub pictured: bool,
}

/// What a stamped file shows, page by page.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ScanAnalysis {
    /// Pages in order.
    pub pages: Vec<PageAnalysis>,
    /// Text of the PDF text layer, if any (electronic seals and exported PDFs have one).
    pub text: String,
}

impl ScanAnalysis {
    /// Whether any page carries a seal; a stamped version without one earns `stamp_not_detected`.
    pub fn has_seal(&self) -> bool {
        self.pages.iter().any(|p| p.seal.is_some())
    }
}

/// Short side, in pixels, below which the detector will not reduce: 100 dpi scans (826 px wide)
/// still decode at 1/8, where a 40 mm seal is some 20 px across.
const DETECT_SHORT_SIDE: usize = 100;
/// Short side, in pixels, of the evidence image a person looks at.
const EVIDENCE_SHORT_SIDE: usize = 600;

/// Looks at every page of a stamped file for a red round seal.
pub fn analyse(
    data: &[u8],
    kind: FileKind,
    limits: &ScanLimits,
) -> Result<ScanAnalysis, ReadError> {
    match kind {
        FileKind::Pdf => pdf::analyse(data, limits),
        FileKind::Jpeg | FileKind::Png => {
            let img = raster::decode_file(data, kind, limits, DETECT_SHORT_SIDE)?;
            Ok(ScanAnalysis {
                pages: vec![picture(&img)],
                text: String::new(),
            })
        }
        FileKind::Tiff => {
            let mut pages = Vec::new();
            for page in tiff::pages(data, limits)? {
                let (width, height) = page.display_size();
                let shape = PageAnalysis {
                    width,
                    height,
                    landscape: width > height,
                    seal: None,
                    seal_count: 0,
                    grayscale: false,
                    pictured: false,
                };
                pages.push(match tiff::look(data, &page, limits, DETECT_SHORT_SIDE)? {
                    tiff::Look::Pixels(img) => PageAnalysis {
                        width,
                        height,
                        ..picture(&img)
                    },
                    tiff::Look::Gray => PageAnalysis {
                        grayscale: true,
                        pictured: true,
                        ..shape
                    },
                    tiff::Look::Unreadable => shape,
                });
            }
            Ok(ScanAnalysis {
                pages,
                text: String::new(),
            })
        }
        _ => Err(ReadError::Corrupt("不是扫描件格式".into())),
    }
}

/// What a picture taken as a whole page shows.
fn picture(img: &raster::Raster) -> PageAnalysis {
    let (w, h) = (img.width as f64, img.height as f64);
    // A loose image is taken as a whole A4 page: its short side is 210 mm.
    let px_per_mm = img.width.min(img.height) as f64 / 210.0;
    let found = detect::detect(img, px_per_mm);
    let boxes: Vec<SealBox> = found
        .seals
        .iter()
        .map(|s| s.to_fractions(img.width, img.height))
        .collect();
    PageAnalysis {
        width: img.source_width as f64,
        height: img.source_height as f64,
        landscape: w > h,
        seal: boxes.first().copied(),
        seal_count: boxes.len(),
        grayscale: found.grayscale,
        pictured: true,
    }
}

/// Whether a loaded PDF is encrypted with a password we do not have.
pub(crate) fn pdf_needs_password(doc: &lopdf::Document) -> bool {
    pdf::needs_password(doc)
}

/// Width and height of each page of a TIFF file as displayed, read from its directories alone.
pub(crate) fn tiff_page_sizes(data: &[u8]) -> Option<Vec<(f64, f64)>> {
    let pages = tiff::pages(data, &ScanLimits::default()).ok()?;
    Some(pages.iter().map(tiff::Ifd::display_size).collect())
}

/// The DC-only JPEG decoder alone: a narrow entry for the fuzz target and the never-panic tests,
/// not part of the reading API (the daemon reaches it through [`analyse`]). Width, height, RGB
/// at 1/8 scale and whether it was gray; `None` for what it does not read.
#[doc(hidden)]
pub fn decode_jpeg_dc(data: &[u8], max_blocks: usize) -> Option<(usize, usize, Vec<u8>, bool)> {
    jpeg_dc::decode(data, max_blocks)
}

/// A PNG of one page (0-based) with the detected seals boxed, for a person to check the decision.
/// Writes nothing to disk.
pub fn render_evidence(
    data: &[u8],
    kind: FileKind,
    page_index: usize,
    limits: &ScanLimits,
) -> Result<Vec<u8>, ReadError> {
    let analysis = analyse(data, kind, limits)?;
    let page = analysis
        .pages
        .get(page_index)
        .ok_or_else(|| ReadError::Corrupt(format!("没有第 {} 页", page_index + 1)))?;
    let img = match kind {
        FileKind::Pdf => pdf::render_page(data, page_index, limits, EVIDENCE_SHORT_SIDE)?,
        FileKind::Tiff => {
            let pages = tiff::pages(data, limits)?;
            let ifd = pages
                .get(page_index)
                .ok_or_else(|| ReadError::Corrupt(format!("没有第 {} 页", page_index + 1)))?;
            match tiff::look(data, ifd, limits, EVIDENCE_SHORT_SIDE)? {
                tiff::Look::Pixels(img) => img,
                _ => return Err(ReadError::Corrupt("黑白页面或无法解码的页面".into())),
            }
        }
        _ => raster::decode_file(data, kind, limits, EVIDENCE_SHORT_SIDE)?,
    };
    evidence::draw(img, page)
}
