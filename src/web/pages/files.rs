//! A message's file, opened or downloaded under its original name, and the seal evidence of a
//! stamped page (the page drawn with the detected seal boxed). A file is found only with its
//! own message's id; the name as sent is never a path.

use super::{PageError, PageResult};
use crate::forms::seal;
use crate::message::{FileKind, sniff};
use crate::web::Desk;
use crate::web::auth::Viewer;
use axum::extract::{Path, Query, State};
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::response::IntoResponse;
use serde::Deserialize;

/// `?download=1` asks for a download even of a file the browser could show.
#[derive(Debug, Default, Deserialize)]
pub struct Download {
    /// Present (any value): `attachment` even for a PDF or an image.
    #[serde(default)]
    download: Option<String>,
}

pub async fn download(
    _: Viewer,
    State(desk): State<Desk>,
    Path((message, file)): Path<(String, String)>,
    Query(q): Query<Download>,
) -> PageResult {
    let (message, file) = ids(&message, &file)?;
    let Some(a) = desk.store.attachment(message, file).await? else {
        return Err(PageError::NotFound);
    };
    let data = desk.store.read_archived(&a.path)?;
    // Only what a browser shows safely is opened in place: scans and PDFs. Anything else
    // (Word, Excel, archives, HTML a sender attached) is a download, never rendered here.
    let shown = match sniff(&data) {
        FileKind::Pdf => Some("application/pdf"),
        FileKind::Jpeg => Some("image/jpeg"),
        FileKind::Png => Some("image/png"),
        _ => None,
    };
    let (content_type, disposition) = match (shown, q.download.is_some()) {
        (Some(t), false) => (t, "inline"),
        (Some(t), true) => (t, "attachment"),
        (None, _) => ("application/octet-stream", "attachment"),
    };
    let header = content_disposition(disposition, &a.name);
    Ok((
        [
            (CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (CONTENT_DISPOSITION, header),
            (CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox")),
        ],
        data,
    )
        .into_response())
}

pub async fn seal(
    _: Viewer,
    State(desk): State<Desk>,
    Path((message, file, page)): Path<(String, String, String)>,
) -> PageResult {
    let (message, file) = ids(&message, &file)?;
    let Ok(page) = page.trim_end_matches(".png").parse::<usize>() else {
        return Err(PageError::NotFound);
    };
    let Some(index) = page.checked_sub(1) else {
        return Err(PageError::NotFound);
    };
    let Some(a) = desk.store.attachment(message, file).await? else {
        return Err(PageError::NotFound);
    };
    let data = desk.store.read_archived(&a.path)?;
    let kind = sniff(&data);
    if !matches!(
        kind,
        FileKind::Pdf | FileKind::Jpeg | FileKind::Png | FileKind::Tiff
    ) {
        return Err(PageError::NotFound);
    }
    // Decoding a scan takes a while: off the runtime's threads.
    let png = tokio::task::spawn_blocking(move || {
        seal::render_evidence(&data, kind, index, &seal::ScanLimits::default())
    })
    .await
    .map_err(|e| anyhow::anyhow!("seal evidence task: {e}"))?;
    match png {
        Ok(png) => Ok(([(CONTENT_TYPE, "image/png")], png).into_response()),
        Err(e) => {
            tracing::info!("web desk: no seal evidence for file {file} page {page}: {e}");
            Err(PageError::NotFound)
        }
    }
}

/// A message id and a file id as the path gives them: anything but two numbers (`../`, an
/// encoded slash, a name) names no file, so it is 404 like a file of another message.
fn ids(message: &str, file: &str) -> Result<(i64, i64), PageError> {
    match (message.parse(), file.parse()) {
        (Ok(m), Ok(f)) => Ok((m, f)),
        _ => Err(PageError::NotFound),
    }
}

/// `Content-Disposition` with the name as sent (RFC 6266 `filename*`, UTF-8 percent-encoded)
/// and an ASCII fallback for old clients.
pub(super) fn content_disposition(disposition: &str, name: &str) -> HeaderValue {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let value = format!("{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}");
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn the_original_name_travels_percent_encoded_with_an_ascii_fallback() {
        let h = content_disposition("attachment", "汇总表 \"1\".xlsx");
        assert_eq!(
            h.to_str().unwrap(),
            "attachment; filename=\"_____1_.xlsx\"; \
             filename*=UTF-8''%E6%B1%87%E6%80%BB%E8%A1%A8%20%221%22.xlsx"
        );
    }

    #[test]
    fn control_characters_and_separators_cannot_break_the_header() {
        let h = content_disposition("inline", "a\r\nSet-Cookie: x=1;.pdf");
        let v = h.to_str().unwrap();
        assert!(!v.contains('\r') && !v.contains('\n'));
        assert!(v.starts_with("inline; filename=\"a__Set-Cookie__x_1_.pdf\""));
    }
}
