#include "server/http_server.h"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <ctime>
#include <optional>

#include "api/protocol.h"
#include "common/ids.h"
#include "common/log.h"

namespace ecs::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// After an error reply the client may still be sending (the rest of an oversized body, say).
// Closing with unread bytes makes the kernel reset the connection, and the client can lose the
// reply with it; so the server reads and drops what arrives for up to this long, this much.
constexpr auto kLingerTime = std::chrono::seconds(1);
constexpr size_t kLingerBytes = 16 << 20;
constexpr size_t kLingerChunk = 16 << 10;
// Connections past max_connections being answered 503 at once. Past this many (a flood), more
// are closed unanswered, so that refusing stays cheap as well.
constexpr int kMaxRejecting = 256;

struct HttpServer::Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;  // bytes read past the request being parsed (pipelining)
  // The request being read, and its share of the body budget; both go once it is answered.
  std::optional<http::request_parser<http::string_body>> parser;
  ByteBudget::Lease body_lease;
  std::atomic<bool> busy{false};  // a request is being handled
};

// How reading one request ended.
struct HttpServer::ReadOutcome {
  bool complete = false;                  // conn->parser holds a whole request
  std::optional<api::HttpReply> refusal;  // otherwise: the answer before closing, if any
  std::string why;                        // for the log line of a refusal
};

namespace {
// RFC 7231 IMF-fixdate; SDKs read it to correct clock skew. Formatted once a second per thread.
const std::string& HttpDate() {
  thread_local time_t formatted_at = -1;
  thread_local std::string text;
  const time_t now = std::time(nullptr);
  if (now != formatted_at) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    text.assign(buf, n);
    formatted_at = now;
  }
  return text;
}

// The status line and headers of a reply, written with its body in one gather write. Beast's
// generic serializer (buffer-sequence views over a fields container) took ~7 % of a
// RegisterTaskDefinition's CPU under load, for what is always the same handful of headers.
std::string ReplyHead(const api::HttpReply& reply, unsigned version, bool keep_alive,
                      const std::string& request_id) {
  const auto status = static_cast<http::status>(reply.status);
  const std::string_view reason = http::obsolete_reason(status);
  const std::string& date = HttpDate();
  std::string out;
  out.reserve(200 + reply.content_type.size() + reply.error_type.size());
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(reply.status);
  out += ' ';
  out.append(reason.data(), reason.size());
  out += "\r\nServer: ecs-emulator\r\nDate: ";
  out += date;
  out += "\r\nContent-Type: ";
  out += reply.content_type;
  out += "\r\nx-amzn-RequestId: ";
  out += request_id;
  if (!reply.error_type.empty()) {
    out += "\r\nx-amzn-ErrorType: ";
    out += reply.error_type;
  }
  if (!reply.allow.empty()) {
    out += "\r\nAllow: ";
    out += reply.allow;
  }
  // HTTP/1.1 keeps the connection unless told otherwise; HTTP/1.0 closes it unless told.
  if (version == 10 && keep_alive) out += "\r\nConnection: keep-alive";
  if (version != 10 && !keep_alive) out += "\r\nConnection: close";
  out += "\r\nContent-Length: ";
  out += std::to_string(reply.body.size());
  out += "\r\n\r\n";
  return out;
}

std::string HeaderValue(const http::request<http::string_body>& req, http::field f) {
  auto it = req.find(f);
  return it == req.end() ? std::string() : std::string(it->value());
}

std::string HeaderValue(const http::request<http::string_body>& req, std::string_view name) {
  auto it = req.find(name);
  return it == req.end() ? std::string() : std::string(it->value());
}

api::HttpReply HttpErrorReply(int status, ErrorCode code, std::string message) {
  api::HttpReply reply = api::Api::ErrorReply(Status(code, std::move(message)), "-");
  reply.status = status;
  return reply;
}

// The answer to a request Beast could not read; nullopt when there is nobody to answer (the
// client closed between requests, the read timed out or shutdown cancelled it).
std::optional<api::HttpReply> RefusalFor(const beast::error_code& ec, size_t max_body_bytes) {
  if (ec == http::error::body_limit) {
    return HttpErrorReply(
        413, ErrorCode::kRequestEntityTooLargeException,
        "Request body exceeds the limit of " + std::to_string(max_body_bytes) + " bytes.");
  }
  if (ec == http::error::header_limit) {
    return HttpErrorReply(431, ErrorCode::kClientException,
                          "Request line and headers exceed the limit of " +
                              std::to_string(kMaxHeaderBytes) + " bytes.");
  }
  static const beast::error_category& kHttpErrors =
      http::make_error_code(http::error::bad_method).category();
  if (ec.category() != kHttpErrors || ec == http::error::end_of_stream) return std::nullopt;
  return HttpErrorReply(400, ErrorCode::kClientException,
                        "Malformed HTTP request: " + ec.message() + ".");
}

// Moves the body out of `req`.
// Most requests arrive whole with their header: parsing the body already buffered here saves
// the trip through the reactor that async_read takes to report it (~10 % of a small request's
// cost, bench/RESULTS.md). True when the request is complete; a parse error lands in `ec`.
bool ParseBuffered(http::request_parser<http::string_body>& parser, beast::flat_buffer& buffer,
                   beast::error_code& ec) {
  parser.eager(true);
  while (!parser.is_done() && buffer.size() > 0) {
    const size_t used = parser.put(buffer.data(), ec);
    buffer.consume(used);
    if (ec == http::error::need_more) {
      ec = {};
      break;
    }
    if (ec || used == 0) break;
  }
  return parser.is_done();
}

api::HttpCall MakeCall(http::request<http::string_body>& req, bool keep_headers) {
  api::HttpCall call;
  // HEAD is answered as GET would be, without the body (Serve leaves it out).
  call.method = req.method() == http::verb::head ? "GET" : std::string(req.method_string());
  std::string_view target = req.target();
  const size_t question = target.find('?');
  call.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) call.query = std::string(target.substr(question + 1));
  call.x_amz_target = HeaderValue(req, "X-Amz-Target");
  call.authorization = HeaderValue(req, http::field::authorization);
  call.host = HeaderValue(req, http::field::host);
  call.body = std::move(req.body());
  if (keep_headers) {
    call.target = std::string(target);
    for (const auto& field : req) {
      call.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
  }
  return call;
}

// The one line per request (common/log.h): who, what, how it ended, how long it took.
void LogRequest(const api::HttpReply& reply, const std::string& request_id, double ms) {
  LogEvent line(LogLevel::kInfo, "request");
  line.Str("id", request_id);
  if (!reply.tenant.account.empty()) {
    line.Str("account", reply.tenant.account).Str("region", reply.tenant.region);
  }
  if (!reply.route.empty()) {
    line.Str("route", reply.route);
  } else {
    line.Str("op", reply.operation);
  }
  line.Int("status", reply.status);
  if (!reply.error_type.empty()) {
    line.Str("error", reply.error_type).Str("message", reply.error_message);
  }
  line.Fixed3("ms", ms).Write();
}
}  // namespace

HttpServer::HttpServer(asio::io_context& ioc, Strand state, api::Api* api, ServerOptions options,
                       GroupCommit* group_commit)
    : ioc_(ioc),
      state_(std::move(state)),
      api_(api),
      options_(options),
      group_commit_(group_commit),
      accept_strand_(asio::make_strand(ioc)),
      acceptor_(accept_strand_),
      accept_backoff_(accept_strand_),
      body_budget_(options.max_buffered_body_bytes) {}

HttpServer::~HttpServer() = default;

Result<int> HttpServer::Listen(const std::string& host, int port) {
  beast::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return Status::InvalidParameter("invalid --host '" + host + "': " + ec.message());
  tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec == asio::error::address_in_use) {
    return Status::Server("cannot listen on " + host + ":" + std::to_string(port) +
                          ": the port is in use (--port 0 picks a free one)");
  }
  if (ec) {
    return Status::Server("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                          ec.message());
  }
  return static_cast<int>(acceptor_.local_endpoint().port());
}

void HttpServer::Start() { asio::co_spawn(accept_strand_, AcceptLoop(), asio::detached); }

void HttpServer::Shutdown() {
  if (stopping_.exchange(true)) return;
  asio::post(accept_strand_, [this] {
    beast::error_code ec;
    acceptor_.close(ec);
    accept_backoff_.cancel();
  });
  // Only the connections registered so far need a cancel: one registered later, or one that has
  // not started its next read, sees stopping_ first (Serve checks it on the connection's strand
  // before every read, and a cancel posted before the read starts would find nothing to cancel).
  std::lock_guard<std::mutex> lock(connections_mu_);
  for (const auto& conn : connections_) {
    asio::post(conn->stream.get_executor(), [conn] {
      // Idle connections are parked in a read: cancel it. Busy ones notice stopping_ after
      // writing their reply.
      beast::error_code ignored;
      if (!conn->busy.load()) conn->stream.socket().cancel(ignored);
    });
  }
}

asio::awaitable<void> HttpServer::AcceptLoop() {
  while (!stopping_.load()) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(ioc_), kTuple);
    if (stopping_.load()) break;  // a connection accepted as shutdown began closes here
    if (ec) {
      if (ec == asio::error::operation_aborted) break;
      co_await BackOff(ec);
      continue;
    }
    if (std::string line = throttle_.OnSuccess(); !line.empty()) Log(LogLevel::kWarn, line);
    Admit(std::move(socket));
  }
}

// Accept fails at once for as long as its cause lasts (out of file descriptors, typically):
// wait before trying again, and log the storm once a second instead of once per failure.
asio::awaitable<void> HttpServer::BackOff(boost::system::error_code ec) {
  AcceptThrottle::Action action = throttle_.OnFailure(ec.message(), AcceptThrottle::Clock::now());
  if (!action.log_line.empty()) Log(LogLevel::kWarn, action.log_line);
  accept_backoff_.expires_after(action.delay);
  auto [wait_ec] = co_await accept_backoff_.async_wait(kTuple);  // Shutdown cancels it
  (void)wait_ec;
}

void HttpServer::Admit(tcp::socket socket) {
  beast::error_code ignored;  // fails if the peer is gone already; the read will tell
  socket.set_option(tcp::no_delay(true), ignored);
  const bool serve = serving_.load() < options_.max_connections;
  if (!serve && rejecting_.load() >= kMaxRejecting) return;  // closes the socket
  (serve ? serving_ : rejecting_).fetch_add(1);
  auto conn = std::make_shared<Connection>(std::move(socket));
  {
    std::lock_guard<std::mutex> lock(connections_mu_);
    connections_.insert(conn);
  }
  asio::co_spawn(conn->stream.get_executor(), serve ? Serve(conn) : Reject(conn), asio::detached);
}

asio::awaitable<void> HttpServer::Serve(std::shared_ptr<Connection> conn) {
  for (;;) {
    if (stopping_.load()) break;  // see Shutdown
    ReadOutcome read = co_await ReadRequest(conn);
    if (!read.complete) {
      if (read.refusal) co_await Refuse(conn, std::move(*read.refusal), read.why);
      break;
    }
    conn->busy.store(true);
    const auto start = std::chrono::steady_clock::now();
    const std::string request_id = RandomRequestId();
    http::request<http::string_body> req = conn->parser->release();
    conn->parser.reset();
    api::HttpReply reply = co_await Handle(MakeCall(req, options_.keep_headers));
    conn->body_lease.Release();  // the body went with the call
    Record(reply, request_id, start);

    const bool keep_alive = req.keep_alive() && !stopping_.load();
    const std::string head = ReplyHead(reply, req.version(), keep_alive, request_id);
    const bool head_only = req.method() == http::verb::head;
    const std::array<asio::const_buffer, 2> out{
        asio::buffer(head), asio::buffer(reply.body.data(), head_only ? 0 : reply.body.size())};
    auto [write_ec, written] = co_await asio::async_write(conn->stream, out, kTuple);
    (void)written;
    conn->busy.store(false);
    if (after_first_reply_ && !replied_.exchange(true)) after_first_reply_();
    if (write_ec || !keep_alive || stopping_.load()) break;
  }
  Close(conn);
  serving_.fetch_sub(1);
}

void HttpServer::Record(const api::HttpReply& reply, const std::string& request_id,
                        std::chrono::steady_clock::time_point start) {
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  if (metrics_) {
    // A path or operation nobody serves is the client's text, not a label value: those count
    // under one name, so that a scanner cannot grow the metrics without bound.
    const bool unrouted = reply.status == 404 || reply.status == 405 ||
                          reply.error_type == "UnknownOperationException";
    metrics_->RecordRequest(unrouted              ? "unrouted"
                            : reply.route.empty() ? reply.operation
                                                  : reply.route,
                            reply.error_type.empty() ? "success" : reply.error_type, took.count());
  }
  if (LogEnabled(LogLevel::kInfo)) LogRequest(reply, request_id, took.count() * 1000);
}

// Beyond max_connections: answered before the request is read (clients send it, then read the
// 503), so the connection is given back within a second.
asio::awaitable<void> HttpServer::Reject(std::shared_ptr<Connection> conn) {
  if (!stopping_.load()) {
    api::HttpReply reply =
        HttpErrorReply(503, ErrorCode::kServerException,
                       "The server has " + std::to_string(options_.max_connections) +
                           " connections open, its limit (--max-connections). Retry later.");
    co_await Refuse(conn, std::move(reply), "too many connections");
  }
  Close(conn);
  rejecting_.fetch_sub(1);
}

// The body limit of a request, known once its header is read: a snapshot restore may be larger.
size_t HttpServer::BodyLimit(const http::request_parser<http::string_body>& parser) const {
  const auto& head = parser.get();
  const std::string_view target = head.target();
  const bool snapshot = head.method() == http::verb::post &&
                        target.substr(0, target.find('?')) == "/_emulator/snapshot";
  return snapshot ? std::max(options_.max_snapshot_bytes, options_.max_body_bytes)
                  : options_.max_body_bytes;
}

asio::awaitable<HttpServer::ReadOutcome> HttpServer::ReadRequest(std::shared_ptr<Connection> conn) {
  auto& parser = conn->parser.emplace();
  parser.header_limit(kMaxHeaderBytes);
  // The largest limit while the header is read (Beast checks Content-Length against it there);
  // the request's own once the header tells which request it is.
  parser.body_limit(std::max(options_.max_snapshot_bytes, options_.max_body_bytes));
  conn->stream.expires_after(std::chrono::seconds(options_.read_timeout_seconds));
  auto [head_ec, head_bytes] =
      co_await http::async_read_header(conn->stream, conn->buffer, parser, kTuple);
  (void)head_bytes;
  if (head_ec)
    co_return ReadOutcome{
        false, RefusalFor(head_ec, std::max(options_.max_snapshot_bytes, options_.max_body_bytes)),
        head_ec.message()};
  const size_t limit = BodyLimit(parser);
  parser.body_limit(limit);
  if (parser.content_length().value_or(0) > limit) {
    co_return ReadOutcome{false, RefusalFor(http::error::body_limit, limit), "body over the limit"};
  }
  // The body's memory comes out of the shared budget before any of it is read: Beast reserves a
  // Content-Length body in one piece, and a chunked one may grow up to the limit.
  const size_t body_bytes =
      parser.chunked() ? limit : static_cast<size_t>(parser.content_length().value_or(0));
  if (body_bytes > 0) {
    auto lease = body_budget_.TryTake(body_bytes);
    if (!lease) {
      co_return ReadOutcome{
          false,
          HttpErrorReply(503, ErrorCode::kServerException,
                         "The server holds " + std::to_string(body_budget_.capacity()) +
                             " bytes of unfinished request bodies, its limit. Retry later."),
          "request bodies over the memory budget"};
    }
    conn->body_lease = std::move(*lease);
  }
  beast::error_code body_ec;
  if (!ParseBuffered(parser, conn->buffer, body_ec) && !body_ec) {
    auto [read_ec, body_read] =
        co_await http::async_read(conn->stream, conn->buffer, parser, kTuple);
    (void)body_read;
    body_ec = read_ec;
  }
  if (body_ec) co_return ReadOutcome{false, RefusalFor(body_ec, limit), body_ec.message()};
  co_return ReadOutcome{true, std::nullopt, ""};
}

// Prepare on this strand; Execute on the state strand, waiting there for the group commit, and
// back. Both hops are here so that no caller continues on the wrong strand.
asio::awaitable<api::HttpReply> HttpServer::Handle(api::HttpCall call) {
  auto prepared = api_->Prepare(call);
  if (auto* done = std::get_if<api::HttpReply>(&prepared)) co_return std::move(*done);
  auto own_executor = co_await asio::this_coro::executor;
  co_await asio::post(asio::bind_executor(state_, asio::use_awaitable));
  auto& call_prepared = std::get<api::PreparedCall>(prepared);
  api::HttpReply reply = api_->Execute(call_prepared);
  if (after_execute_) after_execute_();
  if (auto batch = group_commit_ ? group_commit_->Join() : nullptr) {
    // Answer once what this request wrote or read is durable.
    auto [wait_ec] = co_await batch->done.async_wait(kTuple);  // aborted = woken early
    (void)wait_ec;
    if (!batch->result.ok()) {
      reply = api::Api::ErrorReply(Status::Server("The changes could not be saved."),
                                   call_prepared.operation);
    }
  }
  co_await asio::post(asio::bind_executor(own_executor, asio::use_awaitable));
  co_return reply;
}

// Writes an error reply, then stops sending and drops what the client still sends for a moment
// (kLingerTime) before the caller closes.
asio::awaitable<void> HttpServer::Refuse(std::shared_ptr<Connection> conn, api::HttpReply reply,
                                         std::string why) {
  const std::string request_id = RandomRequestId();
  if (LogEnabled(LogLevel::kInfo)) {
    LogEvent(LogLevel::kInfo, "refused")
        .Str("id", request_id)
        .Int("status", reply.status)
        .Str("error", reply.error_type)
        .Str("message", reply.error_message)
        .Str("why", why)
        .Write();
  }
  const std::string head = ReplyHead(reply, 11, /*keep_alive=*/false, request_id);
  const std::array<asio::const_buffer, 2> out{asio::buffer(head), asio::buffer(reply.body)};
  conn->stream.expires_after(kLingerTime);
  auto [write_ec, written] = co_await asio::async_write(conn->stream, out, kTuple);
  (void)written;
  if (write_ec || stopping_.load()) co_return;  // see Shutdown
  beast::error_code ignored;
  conn->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  conn->stream.expires_after(kLingerTime);
  std::array<char, kLingerChunk> scratch;
  for (size_t drained = 0; drained < kLingerBytes;) {
    auto [read_ec, n] = co_await conn->stream.async_read_some(asio::buffer(scratch), kTuple);
    if (read_ec) break;
    drained += n;
  }
}

void HttpServer::Close(const std::shared_ptr<Connection>& conn) {
  beast::error_code ec;
  conn->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  conn->stream.socket().close(ec);
  conn->parser.reset();
  conn->body_lease.Release();
  std::lock_guard<std::mutex> lock(connections_mu_);
  connections_.erase(conn);
}

}  // namespace ecs::server
