//! One browser session as a test uses it: load a page, fill and submit forms, read text,
//! look for what only an injected script could have done, fetch from inside the page, save
//! what it looked like.

use super::Result;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

/// One browser session (a cheap handle: clones drive the same tab).
#[derive(Clone)]
pub struct Page {
    /// The WebDriver session.
    pub client: Client,
    /// `http://host:port` that relative paths go to.
    base: String,
}

/// The answer to a `fetch` run in the page.
#[derive(Debug)]
pub struct Fetched {
    /// HTTP status after redirects (0: the request failed).
    pub status: u16,
    /// Path of the final URL (after redirects).
    pub path: String,
    /// Body text.
    pub body: String,
    /// `Content-Type`, when sent.
    pub content_type: Option<String>,
    /// `Content-Disposition`, when sent.
    pub disposition: Option<String>,
}

impl Page {
    /// A handle on `client`'s session, resolving relative paths against `base`.
    pub(super) fn new(client: Client, base: &str) -> Page {
        Page {
            client,
            base: base.trim_end_matches('/').to_string(),
        }
    }

    /// An absolute URL for `path` (URLs are taken as they are).
    pub fn url(&self, path: &str) -> String {
        if path.contains(':') && !path.starts_with('/') {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// Loads `path` (relative to the base, or a full URL) and waits for the load.
    pub async fn goto(&self, path: &str) -> Result<()> {
        self.client.goto(&self.url(path)).await?;
        Ok(())
    }

    /// The current URL, whole.
    pub async fn url_now(&self) -> Result<String> {
        Ok(self.client.current_url().await?.to_string())
    }

    /// The current URL's path (and query).
    pub async fn path(&self) -> Result<String> {
        let u = self.client.current_url().await?;
        Ok(match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
    }

    /// The HTTP status of the page now shown (0 when the browser cannot tell, e.g. `data:`).
    pub async fn status(&self) -> Result<u16> {
        let v = self
            .client
            .execute(
                "const n = performance.getEntriesByType('navigation')[0];
                 return n ? n.responseStatus : 0;",
                vec![],
            )
            .await?;
        Ok(v.as_u64().and_then(|s| u16::try_from(s).ok()).unwrap_or(0))
    }

    /// Types `value` into the form field named `name` (cleared first).
    pub async fn fill(&self, name: &str, value: &str) -> Result<()> {
        let field = self
            .client
            .find(Locator::Css(&format!("[name=\"{name}\"]")))
            .await
            .map_err(|e| format!("no field named {name:?}: {e}"))?;
        field.clear().await?;
        field.send_keys(value).await?;
        Ok(())
    }

    /// Types `value` into the field named `name` inside the form matching `form` (CSS): a
    /// page may hold several forms with a field of that name.
    pub async fn fill_in(&self, form: &str, name: &str, value: &str) -> Result<()> {
        let css = format!("{form} [name=\"{name}\"]");
        let field = self
            .client
            .find(Locator::Css(&css))
            .await
            .map_err(|e| format!("no field {css}: {e}"))?;
        field.clear().await?;
        field.send_keys(value).await?;
        Ok(())
    }

    /// Submits the form matching `form` (CSS) by clicking its submit button, as a person
    /// would, and waits for the page it loads.
    pub async fn submit(&self, form: &str) -> Result<()> {
        let css = format!(
            "{form} button:not([type]), {form} button[type=submit], {form} input[type=submit]"
        );
        let button = self
            .client
            .find(Locator::Css(&css))
            .await
            .map_err(|e| format!("no submit button in {form}: {e}"))?;
        self.navigating(button.click()).await
    }

    /// Follows the link whose visible text is `text` and waits for the next page.
    pub async fn click_link(&self, text: &str) -> Result<()> {
        let link = self
            .client
            .find(Locator::LinkText(text))
            .await
            .map_err(|e| format!("no link {text:?}: {e}"))?;
        self.navigating(link.click()).await
    }

    /// Clicks the first element matching `css` (nothing expected to load: a `<summary>`, a
    /// scripted button) and lets the page settle.
    pub async fn click(&self, css: &str) -> Result<()> {
        let el = self
            .client
            .find(Locator::Css(css))
            .await
            .map_err(|e| format!("nothing matches {css}: {e}"))?;
        el.click().await?;
        self.wait_loaded().await
    }

    /// Runs `action` (a click) and waits for the new document it loads: WebDriver's click
    /// returns before a form's answer arrives, so the old page would still be read.
    async fn navigating(
        &self,
        action: impl std::future::Future<Output = Result<(), fantoccini::error::CmdError>>,
    ) -> Result<()> {
        self.client
            .execute("window.__harness_old_document = true", vec![])
            .await?;
        action.await?;
        let end = Instant::now() + Duration::from_secs(10);
        loop {
            // Between documents the script may fail; that is navigation under way.
            let state = self
                .client
                .execute(
                    "return window.__harness_old_document ? 'old' : document.readyState",
                    vec![],
                )
                .await
                .ok();
            if state.as_ref().is_some_and(|s| s == "complete") {
                return Ok(());
            }
            if Instant::now() > end {
                return Err(format!("no new page within 10 s ({state:?})").into());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until the document has loaded (a click starts navigation without waiting).
    pub async fn wait_loaded(&self) -> Result<()> {
        let end = Instant::now() + Duration::from_secs(10);
        loop {
            let state = self
                .client
                .execute("return document.readyState", vec![])
                .await?;
            if state == "complete" {
                return Ok(());
            }
            if Instant::now() > end {
                return Err(format!("page not loaded after 10 s ({state})").into());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Visible text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> Result<String> {
        let el = self
            .client
            .find(Locator::Css(css))
            .await
            .map_err(|e| format!("nothing matches {css}: {e}"))?;
        Ok(el.text().await?)
    }

    /// Visible text of every element matching `css`.
    pub async fn texts(&self, css: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for el in self.client.find_all(Locator::Css(css)).await? {
            out.push(el.text().await?);
        }
        Ok(out)
    }

    /// How many elements match `css`.
    pub async fn count(&self, css: &str) -> Result<usize> {
        Ok(self.client.find_all(Locator::Css(css)).await?.len())
    }

    /// An attribute of the first element matching `css`.
    pub async fn attr(&self, css: &str, name: &str) -> Result<Option<String>> {
        let el = self
            .client
            .find(Locator::Css(css))
            .await
            .map_err(|e| format!("nothing matches {css}: {e}"))?;
        Ok(el.attr(name).await?)
    }

    /// The page's whole visible text (`document.body.innerText`).
    pub async fn body_text(&self) -> Result<String> {
        let v = self
            .client
            .execute(
                "return document.body ? document.body.innerText : ''",
                vec![],
            )
            .await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its value.
    pub async fn eval(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        Ok(self.client.execute(script, args).await?)
    }

    /// `fetch(path)` from inside the page (so be on a page of the same origin first): with the
    /// session's cookies, following redirects. `form` (when given) is sent as an urlencoded body.
    pub async fn fetch(
        &self,
        method: &str,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> Result<Fetched> {
        let script = "const [method, url, form, done] = arguments;
            const init = {method, credentials: 'same-origin', redirect: 'follow'};
            if (form !== null) { init.body = new URLSearchParams(form); }
            fetch(url, init)
              .then(r => r.text().then(t => done([r.status, new URL(r.url).pathname, t,
                r.headers.get('content-type'), r.headers.get('content-disposition')])))
              .catch(e => done([0, '', String(e), null, null]));";
        let form = form.map(|f| f.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>());
        let v = self
            .client
            .execute_async(script, vec![json!(method), json!(path), json!(form)])
            .await?;
        let status = v[0]
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or(0);
        Ok(Fetched {
            status,
            path: v[1].as_str().unwrap_or_default().to_string(),
            body: v[2].as_str().unwrap_or_default().to_string(),
            content_type: v[3].as_str().map(str::to_string),
            disposition: v[4].as_str().map(str::to_string),
        })
    }

    /// Saves a PNG of the viewport to `path`.
    pub async fn screenshot(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, self.client.screenshot().await?)?;
        Ok(())
    }

    /// Saves what the page looked like (`<test>.png`, `<test>.html`, URL in the log) into
    /// [`super::failure_dir`]; says where, or why not.
    pub async fn save_failure(&self, test: &str) -> String {
        let dir = super::failure_dir();
        let png = dir.join(format!("{test}.png"));
        let url = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        if let Ok(html) = self.client.source().await {
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(dir.join(format!("{test}.html")), html);
        }
        match self.screenshot(&png).await {
            Ok(()) => format!("{url}, screenshot {}", png.display()),
            Err(e) => format!("{url}, no screenshot: {e}"),
        }
    }
}
