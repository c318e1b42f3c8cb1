//! What only an injected script could have done, looked for in the live page: a marker set
//! on `window`, markup with handlers where text was meant; and whether an image really shows.

use super::{Page, Result};
use serde_json::json;

impl Page {
    /// Fails unless `window[marker]` is undefined once the page has settled (loaded, every
    /// image tried, a moment for error handlers): only an injected script could set it.
    pub async fn assert_marker_unset(&self, marker: &str) -> Result<()> {
        self.wait_loaded().await?;
        let script = "const [name, done] = arguments;
            const imgs = Array.from(document.images);
            const settle = () => imgs.every(i => i.complete);
            const end = Date.now() + 3000;
            (function poll() {
              if (settle() || Date.now() > end) {
                setTimeout(() => done(typeof window[name]), 150);
              } else { setTimeout(poll, 20); }
            })();";
        let kind = self
            .client
            .execute_async(script, vec![json!(marker)])
            .await?;
        if kind != "undefined" {
            let path = self.path().await.unwrap_or_default();
            return Err(format!("window.{marker} is {kind} on {path}: a payload ran").into());
        }
        Ok(())
    }

    /// What in the DOM an attacker's string could have become (each a short description):
    /// an event-handler attribute or a `<script>` mentioning `marker`, a `javascript:` URL in
    /// a link, source or form target, an `<iframe srcdoc>` mentioning `marker`. Read from the
    /// live document, so markup a page built from escaped text is seen as the browser sees it.
    pub async fn injections(&self, marker: &str) -> Result<Vec<String>> {
        let script = "const marker = arguments[0];
            const urls = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster'];
            const bad = [];
            for (const el of document.querySelectorAll('*')) {
              const tag = el.tagName.toLowerCase();
              for (const a of el.attributes) {
                const n = a.name.toLowerCase();
                const v = a.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
                if (n.startsWith('on') && a.value.includes(marker)) bad.push(`${tag} ${n}=${a.value}`);
                if (urls.includes(n) && v.startsWith('javascript:')) bad.push(`${tag} ${n}=${a.value}`);
                if (n === 'srcdoc' && a.value.includes(marker)) bad.push(`${tag} srcdoc`);
              }
              if (tag === 'script' && el.textContent.includes(marker)) {
                bad.push(`script ${el.textContent.slice(0, 80)}`);
              }
            }
            return bad;";
        let v = self.client.execute(script, vec![json!(marker)]).await?;
        Ok(v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Whether the first image matching `css` loaded and decoded (non-zero natural width)
    /// within 10 s. A lazy image loads only once shown: open what hides it first.
    pub async fn image_loaded(&self, css: &str) -> Result<bool> {
        let script = "const [css, done] = arguments;
            const img = document.querySelector(css);
            if (!img) { done(false); return; }
            // A lazy image loads when it comes near the viewport, as for a person scrolling.
            img.scrollIntoView();
            const ok = () => done(img.naturalWidth > 0);
            if (img.complete) { ok(); } else {
              img.onload = ok; img.onerror = ok;
              setTimeout(() => done(false), 10000);
            }";
        let v = self.client.execute_async(script, vec![json!(css)]).await?;
        Ok(v == true)
    }
}
