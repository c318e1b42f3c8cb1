//! The frame every page shares: the top bar with the sections and the signed-in account, and
//! the embedded stylesheet. maud escapes every interpolated value, so text that came from mail
//! is shown as text wherever a page puts it.

use super::auth::Viewer;
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

/// The stylesheet, served at [`STYLESHEET`].
const CSS: &str = include_str!("assets/desk.css");

/// Where the stylesheet is served.
pub const STYLESHEET: &str = "/assets/desk.css";

/// The desk's sections, in the order of the top bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// 总览.
    Overview,
    /// 单位.
    Units,
    /// 邮件.
    Messages,
    /// 项目.
    Projects,
    /// 导出.
    Export,
}

const SECTIONS: [(Section, &str, &str); 5] = [
    (Section::Overview, "/", "总览"),
    (Section::Units, "/units", "单位"),
    (Section::Messages, "/messages", "邮件"),
    (Section::Projects, "/projects", "项目"),
    (Section::Export, "/export", "导出"),
];

/// A page with the top bar, for a signed-in viewer.
pub fn page(title: &str, section: Section, viewer: &Viewer, body: Markup) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · 申报受理台" }
                link rel="stylesheet" href=(STYLESHEET);
            }
            body {
                header.top {
                    span.brand { "质量攻关项目申报受理台" }
                    nav {
                        @for (s, href, label) in SECTIONS {
                            a href=(href) class=[(s == section).then_some("on")] { (label) }
                        }
                    }
                    div.who {
                        span #who { (viewer.name) "（" (role_zh(viewer)) "）" }
                        form method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(viewer.csrf);
                            button #logout type="submit" { "退出" }
                        }
                    }
                }
                main { (body) }
            }
        }
    };
    Html(markup.into_string()).into_response()
}

/// A page without the top bar (the login page, errors before a session exists).
pub fn bare(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · 申报受理台" }
                link rel="stylesheet" href=(STYLESHEET);
            }
            body { main { (body) } }
        }
    }
}

fn role_zh(v: &Viewer) -> &'static str {
    if v.can_decide() {
        "经办人"
    } else {
        "只读"
    }
}

/// The stylesheet (open to all: the login page uses it).
pub async fn stylesheet() -> Response {
    ([(CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}
