//! A signed-in desk session made through the store, for benches and tests that measure or
//! drive pages without going through the login form each time.

use shenbao::store::{Role, Store};
use shenbao::web::auth::token;

/// A session for account `name` (created with `role` when missing): the `Cookie` header value
/// and the session's CSRF token.
pub async fn session(store: &Store, name: &str, role: Role) -> (String, String) {
    let id = match store.user(name).await.unwrap() {
        Some(a) => a.id,
        None => {
            let phc = shenbao::web::auth::password::hash("correct horse battery").unwrap();
            store.add_user(name, role, &phc).await.unwrap()
        }
    };
    let secret = token::fresh().unwrap();
    let csrf = token::fresh().unwrap();
    let stale = chrono::Utc::now() - chrono::Duration::hours(8);
    store
        .open_session(id, &token::digest(&secret), &csrf, stale)
        .await
        .unwrap();
    (format!("{}={secret}", token::COOKIE_NAME), csrf)
}
