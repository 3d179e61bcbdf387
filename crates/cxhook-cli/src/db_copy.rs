//! `cxhook db copy --from cxhook.db --to postgres://…`: moving up from the embedded SQLite
//! database to a Postgres server that many instances share, without losing anything.
//!
//! The target is migrated first (the same embedded migrations and advisory lock as `serve`,
//! without demo data, which must never mix with copied data). Then every table of the source
//! (accounts, transactions, bookings, booking_slots, memory and whatever later migrations add; not
//! the bookkeeping tables) is copied in the order of its foreign keys, each in one Postgres
//! transaction: the rows are inserted with `ON CONFLICT DO NOTHING`, so that a row a former
//! run copied is not copied twice, then both sides are read back and compared row by row,
//! keyed by the primary key. The table commits only when the target then holds exactly the
//! source's rows; anything else (a row that differs, a row the source lacks) rolls it back
//! and stops the copy, naming the table and the first key that differs: a target with other
//! data is an error, never a silent merge. A run stopped half-way has committed whole tables only,
//! and running it again finishes the job. Identity sequences are set past the largest ID
//! copied, so that the rows the server writes next do not collide with copied ones.
//!
//! The source is read in one read transaction (a consistent snapshot, even while a server
//! writes to it) and is never written. Values go over as text and are cast by Postgres to
//! each column's type, and are compared as text (`DATE` as `YYYY-MM-DD`, as SQLite holds
//! it), which covers the types cxhook's schemas use (integers, text, dates); a column the
//! target lacks, or a value of another kind (a BLOB), is refused.
//!
//! The password comes from `--password-env` or `--password-file`, never the command line's
//! connection string (one holding a password is refused, as the configuration refuses it).

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use cxhook_integrations::accounts::PostgresStore;
use cxhook_integrations::accounts::rusqlite::{self, Connection, OpenFlags, types::ValueRef};
use cxhook_integrations::booking::PostgresBookingStore;
use cxhook_integrations::database::PostgresConfig;
use cxhook_integrations::memory::PostgresMemoryStore;
use cxhook_integrations::postgres::tokio_postgres;
use cxhook_integrations::postgres::tokio_postgres::types::ToSql;
use cxhook_integrations::postgres::{BoxFuture, Client, Database, Finish, Options};
use cxhook_integrations::store::StoreError;

use crate::cli::DbCopyArgs;

/// How long one table's copy may take on the server.
const TABLE_TIMEOUT: Duration = Duration::from_secs(600);

/// How many rows one insert statement carries.
const CHUNK: usize = 1000;

/// Tables that are each database's own bookkeeping, not data.
const SKIPPED: &[&str] = &["cxhook_migrations", "cxhook_probe"];

/// One table of the source: its columns, those of its primary key, and its rows as text.
#[derive(Debug)]
struct Table {
    name: String,
    columns: Vec<String>,
    /// The target's type of each column, for the casts.
    types: Vec<String>,
    /// The positions in `columns` of the primary key.
    key: Vec<usize>,
    rows: Vec<Vec<Option<String>>>,
}

/// What copying one table found.
#[derive(Debug)]
enum Outcome {
    /// The target holds exactly the source's rows.
    Equal { inserted: u64, target: usize },
    /// It does not; nothing of this table was committed.
    Differs { target: usize, why: String },
}

/// Migrates the target, then copies and compares each table, printing a line per table;
/// stops at the first table whose target holds other data.
pub(crate) fn run(flags: &DbCopyArgs) -> anyhow::Result<()> {
    if !cxhook_integrations::database::is_postgres(&flags.to) {
        bail!("--to must name a Postgres server: a postgres:// URL or a key/value string");
    }
    let given: Option<tokio_postgres::Config> = flags.to.to_str().and_then(|to| to.parse().ok());
    if given.is_some_and(|to| to.get_password().is_some()) {
        // Not repeated: the command line is seen by other users of the machine (ps), and
        // the error may be logged.
        bail!(
            "--to holds a password; it must not: give the name of an environment variable \
             that holds it with --password-env, or a file with --password-file"
        );
    }
    let postgres = PostgresConfig {
        password_env: flags.password_env.clone().unwrap_or_default(),
        password_file: flags.password_file.clone(),
        ..PostgresConfig::default()
    };
    let options =
        Options::new(&flags.to, &postgres, TABLE_TIMEOUT).map_err(|e| anyhow!("--to: {e}"))?;
    let mut source = open_source(&flags.from)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let target = {
        let _runtime = runtime.enter();
        Database::open(
            &options,
            &[
                PostgresStore::MIGRATIONS,
                PostgresBookingStore::MIGRATIONS,
                PostgresMemoryStore::MIGRATIONS,
            ],
            false,
        )
        .context("cannot migrate the target Postgres database")?
    };
    let snapshot = source
        .transaction()
        .context("cannot read the source database")?;
    let names = tables_in_order(&snapshot)?;
    let mut stdout = std::io::stdout().lock();
    for name in names {
        let mut table = read_table(&snapshot, &name)?;
        table.types = runtime
            .block_on(target_types(&target, &table))
            .with_context(|| format!("cannot copy the table {name}"))?;
        let source_rows = table.rows.len();
        let outcome = runtime
            .block_on(target.write(table, copy_boxed))
            .with_context(|| format!("cannot copy the table {name}"))?;
        match outcome {
            Outcome::Equal { inserted, target } => writeln!(
                stdout,
                "{name}: {inserted} rows copied; source {source_rows} rows, target {target} \
                 rows: equal"
            )
            .context("cannot write to stdout")?,
            Outcome::Differs { target, why } => {
                writeln!(
                    stdout,
                    "{name}: not copied; source {source_rows} rows, target {target} rows: {why}"
                )
                .context("cannot write to stdout")?;
                bail!(
                    "the target holds other data in {name}: nothing of it was copied, and the \
                     tables after it were not tried (copy to an empty database, or to one an \
                     earlier copy of this source filled)"
                );
            }
        }
    }
    Ok(())
}

/// The source, opened read-only: it is never written, nor created when missing.
fn open_source(path: &Path) -> anyhow::Result<Connection> {
    if !path.is_file() {
        bail!("--from: {} is not a file", path.display());
    }
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("cannot open the SQLite database {}", path.display()))?;
    connection
        .busy_timeout(Duration::from_secs(5))
        .context("cannot set up the source connection")?;
    Ok(connection)
}

/// The source's tables, each after those its foreign keys name.
fn tables_in_order(source: &Connection) -> anyhow::Result<Vec<String>> {
    let read = || -> rusqlite::Result<Vec<(String, Vec<String>)>> {
        let mut statement = source.prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?;
        let names: Vec<String> = statement
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        let mut tables = Vec::new();
        for name in names {
            if SKIPPED.contains(&name.as_str()) {
                continue;
            }
            let mut references =
                source.prepare("SELECT \"table\" FROM pragma_foreign_key_list(?1)")?;
            let parents: Vec<String> = references
                .query_map([&name], |row| row.get(0))?
                .collect::<Result<_, _>>()?;
            tables.push((name, parents));
        }
        Ok(tables)
    };
    let mut left = read().context("cannot list the source's tables")?;
    let mut ordered: Vec<String> = Vec::new();
    while !left.is_empty() {
        let before = left.len();
        let done: HashSet<String> = ordered.iter().cloned().collect();
        left.retain(|(name, parents)| {
            let ready = parents.iter().all(|p| done.contains(p) || p == name);
            if ready {
                ordered.push(name.clone());
            }
            !ready
        });
        if left.len() == before {
            let names: Vec<&str> = left.iter().map(|(name, _)| name.as_str()).collect();
            bail!(
                "the source's tables {} reference each other",
                names.join(", ")
            );
        }
    }
    Ok(ordered)
}

/// Every row of `name`, its values as text.
fn read_table(source: &Connection, name: &str) -> anyhow::Result<Table> {
    let context = || format!("cannot read the table {name} of the source");
    let mut info = source
        .prepare("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid")
        .with_context(context)?;
    let described: Vec<(String, i64)> = info
        .query_map([name], |row| Ok((row.get(0)?, row.get(1)?)))
        .with_context(context)?
        .collect::<Result<_, _>>()
        .with_context(context)?;
    let columns: Vec<String> = described.iter().map(|(c, _)| c.clone()).collect();
    let mut key: Vec<(i64, usize)> = described
        .iter()
        .enumerate()
        .filter(|(_, (_, pk))| *pk > 0)
        .map(|(i, (_, pk))| (*pk, i))
        .collect();
    key.sort_unstable();
    let key: Vec<usize> = key.into_iter().map(|(_, i)| i).collect();
    if key.is_empty() {
        bail!("the table {name} of the source has no primary key to copy it by");
    }
    let list = columns
        .iter()
        .map(|c| quote(c))
        .collect::<Vec<_>>()
        .join(", ");
    let mut select = source
        .prepare(&format!("SELECT {list} FROM {}", quote(name)))
        .with_context(context)?;
    let mut rows = Vec::new();
    let mut cursor = select.query([]).with_context(context)?;
    while let Some(row) = cursor.next().with_context(context)? {
        let mut values = Vec::with_capacity(columns.len());
        for (i, column) in columns.iter().enumerate() {
            let value = match row.get_ref(i).with_context(context)? {
                ValueRef::Null => None,
                ValueRef::Integer(n) => Some(n.to_string()),
                ValueRef::Real(x) => Some(x.to_string()),
                ValueRef::Text(text) => Some(
                    std::str::from_utf8(text)
                        .map_err(|_| anyhow!("{name}.{column} holds text that is not UTF-8"))?
                        .to_owned(),
                ),
                ValueRef::Blob(_) => bail!("{name}.{column} holds a BLOB, which is not copied"),
            };
            values.push(value);
        }
        rows.push(values);
    }
    Ok(Table {
        name: name.to_owned(),
        columns,
        types: Vec::new(),
        key,
        rows,
    })
}

/// The target's type of each of `table`'s columns; a table or column it lacks is an error.
async fn target_types(target: &Database, table: &Table) -> anyhow::Result<Vec<String>> {
    let found = target
        .read(table.name.clone(), |client, name| {
            Box::pin(async move {
                let rows = client
                    .query(
                        "SELECT attname::text, format_type(atttypid, atttypmod) \
                         FROM pg_attribute WHERE attrelid = to_regclass($1::text) \
                         AND attnum > 0 AND NOT attisdropped",
                        &[&quote(name)],
                    )
                    .await?;
                Ok(rows
                    .iter()
                    .map(|row| (row.get::<_, String>(0), row.get::<_, String>(1)))
                    .collect::<BTreeMap<String, String>>())
            })
        })
        .await
        .map_err(|e| anyhow!(describe(&e)))?;
    if found.is_empty() {
        bail!(
            "the target has no table {} (its migrations lack it)",
            table.name
        );
    }
    table
        .columns
        .iter()
        .map(|column| {
            found
                .get(column)
                .cloned()
                .ok_or_else(|| anyhow!("the target's table {} has no column {column}", table.name))
        })
        .collect()
}

fn copy_boxed<'a>(
    client: &'a Client,
    table: &'a Table,
) -> BoxFuture<'a, Result<(Outcome, Finish), StoreError>> {
    Box::pin(copy(client, table))
}

/// Inserts what the target lacks of `table`, compares, and says whether to commit.
async fn copy(client: &Client, table: &Table) -> Result<(Outcome, Finish), StoreError> {
    let name = quote(&table.name);
    client
        .batch_execute(&format!("LOCK TABLE {name} IN SHARE ROW EXCLUSIVE MODE"))
        .await?;
    let columns: Vec<String> = table.columns.iter().map(|c| quote(c)).collect();
    let parameters: Vec<String> = (1..=columns.len())
        .map(|i| format!("${i}::text[]"))
        .collect();
    let casts: Vec<String> = table
        .columns
        .iter()
        .zip(&table.types)
        .map(|(column, kind)| format!("{}::{kind}", quote(column)))
        .collect();
    let insert = client
        .prepare(&format!(
            "INSERT INTO {name} ({columns}) SELECT {casts} FROM unnest({parameters}) \
             AS source ({columns}) ON CONFLICT DO NOTHING",
            columns = columns.join(", "),
            casts = casts.join(", "),
            parameters = parameters.join(", "),
        ))
        .await?;
    let mut inserted = 0;
    for chunk in table.rows.chunks(CHUNK) {
        let by_column: Vec<Vec<Option<&str>>> = (0..columns.len())
            .map(|i| chunk.iter().map(|row| row[i].as_deref()).collect())
            .collect();
        let parameters: Vec<&(dyn ToSql + Sync)> = by_column
            .iter()
            .map(|column| column as &(dyn ToSql + Sync))
            .collect();
        inserted += client.execute(&insert, &parameters).await?;
    }
    let texts: Vec<String> = columns.iter().map(|c| format!("{c}::text")).collect();
    let stored = client
        .query(&format!("SELECT {} FROM {name}", texts.join(", ")), &[])
        .await?;
    let target: BTreeMap<Vec<Option<String>>, Vec<Option<String>>> = stored
        .iter()
        .map(|row| {
            let values: Vec<Option<String>> = (0..columns.len()).map(|i| row.get(i)).collect();
            (key_of(&values, &table.key), values)
        })
        .collect();
    let count = target.len();
    for row in &table.rows {
        let key = key_of(row, &table.key);
        let why = match target.get(&key) {
            None => Some("a row of the source is missing"),
            Some(held) if held != row => Some("a row with the same key holds other values"),
            Some(_) => None,
        };
        if let Some(why) = why {
            let key = describe_key(table, &key);
            return Ok((
                Outcome::Differs {
                    target: count,
                    why: format!("{why} ({key})"),
                },
                Finish::Rollback,
            ));
        }
    }
    if count != table.rows.len() {
        return Ok((
            Outcome::Differs {
                target: count,
                why: "the target holds rows the source lacks".to_owned(),
            },
            Finish::Rollback,
        ));
    }
    advance_sequences(client, table).await?;
    Ok((
        Outcome::Equal {
            inserted,
            target: count,
        },
        Finish::Commit,
    ))
}

/// Sets each sequence that feeds a column of `table` (an identity) to its largest value.
async fn advance_sequences(client: &Client, table: &Table) -> Result<(), StoreError> {
    for column in &table.columns {
        let sequence: Option<String> = client
            .query_one(
                "SELECT pg_get_serial_sequence($1, $2)",
                &[&quote(&table.name), column],
            )
            .await?
            .get(0);
        if let Some(sequence) = sequence {
            client
                .execute(
                    &format!(
                        "SELECT setval($1::text::regclass, max({})) FROM {} \
                         HAVING max({}) IS NOT NULL",
                        quote(column),
                        quote(&table.name),
                        quote(column),
                    ),
                    &[&sequence],
                )
                .await?;
        }
    }
    Ok(())
}

/// The values of the primary key's columns.
fn key_of(row: &[Option<String>], key: &[usize]) -> Vec<Option<String>> {
    key.iter().map(|&i| row[i].clone()).collect()
}

/// `user_id = u-1001`, for a message.
fn describe_key(table: &Table, key: &[Option<String>]) -> String {
    table
        .key
        .iter()
        .zip(key)
        .map(|(&i, value)| {
            format!(
                "{} = {}",
                table.columns[i],
                value.as_deref().unwrap_or("NULL")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// An identifier, quoted for SQL.
fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// A store error and its causes, on one line.
fn describe(error: &StoreError) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}
