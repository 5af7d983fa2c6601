#include "storage/database.h"

#include <filesystem>
#include <string>

namespace ecs::storage {

namespace {
// The schema's version, kept in the database it describes.
const std::string kMetaTable =
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)";

Status SqliteError(sqlite3* db, std::string_view what) {
  return Status::Server(std::string(what) + ": " + sqlite3_errmsg(db));
}
}  // namespace

Statement::~Statement() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}
void Statement::Bind(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
void Statement::BindNull(int index) { sqlite3_bind_null(stmt_, index); }

bool Statement::Step(Status* status) {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) {
    *status =
        Status::Server(std::string("sqlite step: ") + sqlite3_errmsg(sqlite3_db_handle(stmt_)));
  }
  return false;
}

std::string Statement::ColumnText(int index) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, index))) : "";
}

std::string_view Statement::ColumnView(int index) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, index)))
           : std::string_view();
}

int64_t Statement::ColumnInt(int index) const { return sqlite3_column_int64(stmt_, index); }

Result<std::unique_ptr<Database>> Database::Open(const std::string& path) {
  // A new file (or an empty one, which SQLite also treats as new) holds nothing acknowledged.
  std::error_code ec;
  const bool fresh = path != ":memory:" && (!std::filesystem::exists(path, ec) ||
                                            std::filesystem::file_size(path, ec) == 0);
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    Status s = Status::Server("cannot open database " + path + ": " +
                              (db ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close(db);
    return s;
  }
  std::unique_ptr<Database> out(new Database(db));
  // A second connection (the checkpointer's) can hold a WAL lock for a moment: it takes the write
  // lock to re-read a wal-index header it saw half-written. Without a busy handler the writer's
  // BEGIN IMMEDIATE then fails at once and a whole group commit is lost (seen in CI under load).
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  if (path != ":memory:") {
    // Creating a database file costs 6 fsyncs before the schema exists: the switch to WAL
    // rewrites page 1 through a rollback journal (journal, its directory, the journal header,
    // the file) and the first WAL write syncs the WAL and its directory — most of a fresh
    // --data-dir's start-up (bench/startup.py). Until Migrate() has built the schema there is
    // nothing acknowledged to lose, so a new file skips them, and the journal itself (created,
    // written and deleted for one page: switching from journal mode OFF needs none); a process
    // crash (kill -9) loses nothing either way, and after power loss mid-creation the new file
    // may need deleting.
    if (fresh) ECS_RETURN_IF_ERROR(out->Execute("PRAGMA synchronous=OFF; PRAGMA journal_mode=OFF"));
    ECS_RETURN_IF_ERROR(out->Execute("PRAGMA journal_mode=WAL"));
    if (!fresh) ECS_RETURN_IF_ERROR(out->Execute("PRAGMA synchronous=NORMAL"));
    out->creating_ = fresh;
  }
  ECS_RETURN_IF_ERROR(out->Execute("PRAGMA foreign_keys=ON"));
  return out;
}

Database::~Database() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Result<std::unique_ptr<Statement>> Database::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
      return SqliteError(db_, "prepare");
    }
    it = cache_.emplace(sql, stmt).first;
  }
  return std::make_unique<Statement>(it->second);
}

Status Database::Execute(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Status::Server("sqlite: " + msg + " in: " + sql.substr(0, 80));
  }
  return Status::Ok();
}

Status Database::Run(const std::string& sql) {
  auto stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Status st;
  (*stmt)->Step(&st);
  return st;
}

Result<int> Database::SchemaVersion() {
  ECS_RETURN_IF_ERROR(Execute(kMetaTable));
  auto stmt = Prepare("SELECT value FROM meta WHERE key = 'schema_version'");
  if (!stmt.ok()) return stmt.status();
  Status st;
  if ((*stmt)->Step(&st)) return std::stoi((*stmt)->ColumnText(0));
  if (!st.ok()) return st;
  return 0;
}

Status Database::ApplySchemaStep(const std::string& sql, size_t version) {
  Transaction tx(this);
  ECS_RETURN_IF_ERROR(tx.Begin());
  ECS_RETURN_IF_ERROR(Execute(sql));
  auto stmt = Prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, std::to_string(version));
  Status st;
  (*stmt)->Step(&st);
  ECS_RETURN_IF_ERROR(st);
  return tx.Commit();
}

Status Database::Migrate(const std::vector<std::string>& migrations,
                         const std::string& current_schema) {
  // A file this connection created is empty: the meta table goes in with the schema, in one
  // transaction (on its own it was a WAL commit of its own).
  auto version = creating_ ? Result<int>(0) : SchemaVersion();
  if (!version.ok()) return version.status();
  if (*version == 0 && !migrations.empty()) {
    ECS_RETURN_IF_ERROR(ApplySchemaStep(kMetaTable + (";" + current_schema), migrations.size()));
  } else {
    for (size_t i = static_cast<size_t>(*version); i < migrations.size(); ++i) {
      ECS_RETURN_IF_ERROR(ApplySchemaStep(migrations[i], i + 1));
    }
  }
  if (creating_) {
    // The schema is there: from now on every commit is what the durability rule promises.
    ECS_RETURN_IF_ERROR(Execute("PRAGMA synchronous=NORMAL"));
    creating_ = false;
  }
  return Status::Ok();
}

Status Transaction::Begin() {
  ECS_RETURN_IF_ERROR(db_->Run("BEGIN IMMEDIATE"));
  open_ = true;
  return Status::Ok();
}

Status Transaction::Commit() {
  ECS_RETURN_IF_ERROR(db_->Run("COMMIT"));
  open_ = false;
  return Status::Ok();
}

Transaction::~Transaction() {
  if (open_) (void)db_->Run("ROLLBACK");
}

}  // namespace ecs::storage
