// The HTTP/1.1 front: a Beast listener and one coroutine per connection, each on its own strand.
// Knows HTTP, not ECS: it turns requests into api::HttpCall, hops onto the state strand for
// Api::Execute, and writes the reply. Keep-alive, a read timeout and graceful shutdown (stop
// accepting, let in-flight requests finish, close idle connections at once).
//
// Hostile or broken clients get an answer and a bounded share of the server:
//  - malformed HTTP: 400 (431 for headers over 8 KiB, 413 for a body over the limit), then the
//    connection is closed;
//  - more than `max_connections` connections: a new one is answered 503 and closed (SDKs retry
//    503 with backoff, where a connection left unaccepted would just hang them);
//  - request bodies: all connections together hold at most `max_buffered_body_bytes` (each
//    request takes its Content-Length before its body is read); a request that does not fit is
//    answered 503 and its connection closed;
//  - out of file descriptors: the accept loop backs off (server/accept_throttle.h).
// After an error reply the server stops sending and reads what the client still sends for up to
// a second before closing, so the close does not reset the connection under the reply.
#pragma once

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "api/api.h"
#include "server/accept_throttle.h"
#include "server/byte_budget.h"
#include "server/group_commit.h"
#include "server/metrics.h"

namespace ecs::server {

// Request line and headers together; Beast's default, stated here because it is documented.
inline constexpr uint32_t kMaxHeaderBytes = 8 * 1024;

struct ServerOptions {
  size_t max_body_bytes = 1 << 20;
  // POST /_emulator/snapshot restores a whole state: its body may be as large as the budget
  // below (what all connections' bodies share), and no larger.
  size_t max_snapshot_bytes = 64 << 20;
  int read_timeout_seconds = 60;
  int max_connections = 4096;
  // 64 of the largest bodies; ECS requests are a few KiB, so this only binds under abuse.
  size_t max_buffered_body_bytes = 64 << 20;
  // Hand api/ every header and the raw target (for signature verification); off, only the few
  // it routes on, which saves copying the rest on every request.
  bool keep_headers = false;
};

class HttpServer {
 public:
  // `state` is the strand that owns control/ (and so every Api::Execute).
  // With `group_commit`, a reply waits until the writes it depends on are durable (see
  // group_commit.h); without it (ephemeral state), replies go out at once.
  HttpServer(boost::asio::io_context& ioc,
             boost::asio::strand<boost::asio::io_context::executor_type> state, api::Api* api,
             ServerOptions options, GroupCommit* group_commit = nullptr);
  ~HttpServer();

  // Binds and listens; returns the bound port (useful with port 0).
  Result<int> Listen(const std::string& host, int port);
  void Start();
  // Stops accepting and closes idle connections; in-flight requests complete. Thread-safe.
  void Shutdown();
  // Every request is counted there (before Start).
  void set_metrics(ServerMetrics* metrics) { metrics_ = metrics; }
  // Runs on the state strand right after each Api::Execute, before the reply waits for its
  // commit (the reconciler's Settle: what the request made due happens before the next request).
  void set_after_execute(std::function<void()> after) { after_execute_ = std::move(after); }
  // Runs once, on the connection's thread, when the first reply has been written (before Start).
  void set_after_first_reply(std::function<void()> after) { after_first_reply_ = std::move(after); }

 private:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
  struct Connection;
  struct ReadOutcome;

  boost::asio::awaitable<void> AcceptLoop();
  boost::asio::awaitable<void> BackOff(boost::system::error_code ec);
  void Admit(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> Serve(std::shared_ptr<Connection> conn);
  boost::asio::awaitable<void> Reject(std::shared_ptr<Connection> conn);
  boost::asio::awaitable<ReadOutcome> ReadRequest(std::shared_ptr<Connection> conn);
  size_t BodyLimit(
      const boost::beast::http::request_parser<boost::beast::http::string_body>& parser) const;
  boost::asio::awaitable<api::HttpReply> Handle(api::HttpCall call);
  void Record(const api::HttpReply& reply, const std::string& request_id,
              std::chrono::steady_clock::time_point start);
  boost::asio::awaitable<void> Refuse(std::shared_ptr<Connection> conn, api::HttpReply reply,
                                      std::string why);
  void Close(const std::shared_ptr<Connection>& conn);

  boost::asio::io_context& ioc_;
  Strand state_;
  api::Api* api_;
  ServerOptions options_;
  GroupCommit* group_commit_;
  ServerMetrics* metrics_ = nullptr;
  std::function<void()> after_execute_;
  std::function<void()> after_first_reply_;
  std::atomic<bool> replied_{false};  // a reply has been written: after_first_reply_ has run
  Strand accept_strand_;              // the acceptor, its backoff timer and throttle_
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_backoff_;
  AcceptThrottle throttle_;
  ByteBudget body_budget_;
  std::atomic<int> serving_{0};    // connections holding a slot of max_connections
  std::atomic<int> rejecting_{0};  // connections being answered 503
  std::atomic<bool> stopping_{false};
  std::mutex connections_mu_;  // guards connections_ (touched from every connection strand)
  std::set<std::shared_ptr<Connection>> connections_;
};

}  // namespace ecs::server
