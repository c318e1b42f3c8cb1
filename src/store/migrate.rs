//! The schema migrations, embedded in the binary and run by sqlx's migrator.
//!
//! `sqlx::migrate!` needs sqlx's `macros` feature (the proc-macro crates with their own copy of
//! the driver); a [`MigrationSource`] over `include_str!` gives the same `_sqlx_migrations`
//! bookkeeping (versions, checksums, one transaction per migration) without it.

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

/// The migrations in order: (version, description, SQL). Add new files here and in `migrations/`.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/0001_init.sql")),
    (
        2,
        "operations",
        include_str!("../../migrations/0002_operations.sql"),
    ),
    (
        3,
        "intake",
        include_str!("../../migrations/0003_intake.sql"),
    ),
    (4, "codes", include_str!("../../migrations/0004_codes.sql")),
    (
        5,
        "judge_state",
        include_str!("../../migrations/0005_judge_state.sql"),
    ),
    (
        6,
        "desk_accounts",
        include_str!("../../migrations/0006_desk_accounts.sql"),
    ),
    (
        7,
        "decisions",
        include_str!("../../migrations/0007_decisions.sql"),
    ),
    (
        8,
        "digests",
        include_str!("../../migrations/0008_digests.sql"),
    ),
];

/// The embedded migrations before version `.0`, as a source for sqlx's [`Migrator`].
#[derive(Debug)]
struct Embedded(i64);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 's>> {
        let before = self.0;
        Box::pin(async move {
            Ok(MIGRATIONS
                .iter()
                .filter(|(version, ..)| *version < before)
                .map(|(version, description, sql)| {
                    Migration::new(
                        *version,
                        Cow::Borrowed(*description),
                        MigrationType::Simple,
                        Cow::Borrowed(*sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// The newest migration this program carries: a record behind it is older than the program.
pub fn latest() -> i64 {
    MIGRATIONS
        .iter()
        .map(|(version, ..)| *version)
        .max()
        .unwrap_or(0)
}

/// The migrator over the embedded migrations.
pub async fn migrator() -> anyhow::Result<Migrator> {
    Ok(Migrator::new(Embedded(i64::MAX)).await?)
}

/// The migrator over the migrations before `version`, to test a later one on an old record.
#[cfg(test)]
pub async fn migrator_before(version: i64) -> anyhow::Result<Migrator> {
    Ok(Migrator::new(Embedded(version)).await?)
}
