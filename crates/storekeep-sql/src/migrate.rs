//! Numbered plain-SQL migrations, embedded in the binary and run at start-up. Each backend
//! has its own folder; both must list the same migrations (a test checks this).

/// One migration: its number, name and SQL.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// The SQLite migrations, in order.
pub const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_init.sql",
        sql: include_str!("../migrations/sqlite/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "0002_oauth.sql",
        sql: include_str!("../migrations/sqlite/0002_oauth.sql"),
    },
    Migration {
        version: 3,
        name: "0003_customer_tokens.sql",
        sql: include_str!("../migrations/sqlite/0003_customer_tokens.sql"),
    },
    Migration {
        version: 4,
        name: "0004_sessions.sql",
        sql: include_str!("../migrations/sqlite/0004_sessions.sql"),
    },
    Migration {
        version: 5,
        name: "0005_sorted_lookups.sql",
        sql: include_str!("../migrations/sqlite/0005_sorted_lookups.sql"),
    },
    Migration {
        version: 6,
        name: "0006_cart_anonymous_id.sql",
        sql: include_str!("../migrations/sqlite/0006_cart_anonymous_id.sql"),
    },
    Migration {
        version: 7,
        name: "0007_document_secrets.sql",
        sql: include_str!("../migrations/sqlite/0007_document_secrets.sql"),
    },
];

/// The PostgreSQL migrations, in order.
pub const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_init.sql",
        sql: include_str!("../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "0002_oauth.sql",
        sql: include_str!("../migrations/postgres/0002_oauth.sql"),
    },
    Migration {
        version: 3,
        name: "0003_customer_tokens.sql",
        sql: include_str!("../migrations/postgres/0003_customer_tokens.sql"),
    },
    Migration {
        version: 4,
        name: "0004_sessions.sql",
        sql: include_str!("../migrations/postgres/0004_sessions.sql"),
    },
    Migration {
        version: 5,
        name: "0005_sorted_lookups.sql",
        sql: include_str!("../migrations/postgres/0005_sorted_lookups.sql"),
    },
    Migration {
        version: 6,
        name: "0006_cart_anonymous_id.sql",
        sql: include_str!("../migrations/postgres/0006_cart_anonymous_id.sql"),
    },
    Migration {
        version: 7,
        name: "0007_document_secrets.sql",
        sql: include_str!("../migrations/postgres/0007_document_secrets.sql"),
    },
];

/// The bookkeeping table (same SQL on both backends).
pub const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS storekeep_migrations (\
     version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

/// Split a migration file into statements (no statement of ours contains `;` or `--` in a string).
pub fn statements(sql: &str) -> Vec<String> {
    // Drop `--` comments first (they may contain `;`); our migrations have no `--` in strings.
    let code: String = sql
        .lines()
        .map(|l| l.split("--").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    code.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_list_the_same_migrations() {
        let names = |ms: &[Migration]| ms.iter().map(|m| (m.version, m.name)).collect::<Vec<_>>();
        assert_eq!(names(SQLITE), names(POSTGRES));
        for (i, m) in SQLITE.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "migrations are numbered 1..n");
        }
        let dir = |b: &str| {
            let mut v: Vec<String> =
                std::fs::read_dir(format!("{}/migrations/{b}", env!("CARGO_MANIFEST_DIR")))
                    .unwrap()
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect();
            v.sort();
            v
        };
        assert_eq!(dir("sqlite"), dir("postgres"));
        assert_eq!(
            dir("sqlite"),
            SQLITE
                .iter()
                .map(|m| m.name.to_string())
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn statements_skip_comments_and_blanks() {
        let s = statements(
            "-- c; d\nCREATE TABLE a (x INT); -- trailing; note\n\n-- only comment\n;SELECT 1;",
        );
        assert_eq!(s, vec!["CREATE TABLE a (x INT)", "SELECT 1"]);
    }
}
