// A thin RAII layer over one SQLite connection: prepared statements cached by SQL text, a scoped
// transaction that rolls back unless committed, and the schema-version table with numbered
// migrations. Not thread-safe: the state strand owns the connection.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace ecs::storage {

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement();  // resets and clears bindings so the cached statement can be reused
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void Bind(int index, std::string_view text);
  void Bind(int index, int64_t value);
  void BindNull(int index);
  // SQLITE_ROW -> true, SQLITE_DONE -> false; other results set *status.
  bool Step(Status* status);
  std::string ColumnText(int index) const;
  // The column's text without a copy; valid until the next Step or the statement's end.
  std::string_view ColumnView(int index) const;
  int64_t ColumnInt(int index) const;

 private:
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  static constexpr int kBusyTimeoutMs = 5000;  // wait this long for another connection's lock

  // ":memory:" opens an in-memory database. Files use WAL with synchronous=NORMAL: a commit is
  // durable against a process crash (kill -9) as soon as sqlite3_step returns.
  static Result<std::unique_ptr<Database>> Open(const std::string& path);
  ~Database();

  // A cached prepared statement; REQUIRES: sql is valid.
  Result<std::unique_ptr<Statement>> Prepare(const std::string& sql);
  Status Execute(const std::string& sql);  // one-off statements (DDL, pragmas)
  // One statement run often without parameters or rows (BEGIN, COMMIT, ...): cached like
  // Prepare, so it is not compiled again on every call as Execute would.
  Status Run(const std::string& sql);

  // Applies migrations[i] for every i >= current schema version, each in its own transaction,
  // recording the new version in `meta`. An empty database (version 0) gets `current_schema`
  // instead, the result of all of them, in one transaction: a new data dir need not build and
  // drop the tables of every past version. A database file Open() created is
  // synchronous=NORMAL from the end of its first Migrate() (see Open()).
  Status Migrate(const std::vector<std::string>& migrations, const std::string& current_schema);
  Result<int> SchemaVersion();

  sqlite3* handle() { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  // Runs one schema change and records `version` in `meta`, in one transaction.
  Status ApplySchemaStep(const std::string& sql, size_t version);
  sqlite3* db_;
  bool creating_ = false;  // a new file, synchronous=OFF until its schema exists
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// BEGIN on construction, ROLLBACK on destruction unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Database* db) : db_(db) {}
  ~Transaction();
  Status Begin();
  Status Commit();

 private:
  Database* db_;
  bool open_ = false;
};

}  // namespace ecs::storage
