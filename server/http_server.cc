#include "server/http_server.h"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <ctime>

#include "api/protocol.h"
#include "common/ids.h"
#include "common/log.h"

namespace ecs::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct HttpServer::Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  std::atomic<bool> busy{false};  // a request is being handled
};

HttpServer::HttpServer(asio::io_context& ioc, asio::strand<asio::io_context::executor_type> state,
                       api::Api* api, ServerOptions options, GroupCommit* group_commit)
    : ioc_(ioc),
      state_(std::move(state)),
      api_(api),
      options_(options),
      group_commit_(group_commit),
      acceptor_(ioc) {}

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
  if (ec) {
    return Status::Server("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                          ec.message());
  }
  return static_cast<int>(acceptor_.local_endpoint().port());
}

void HttpServer::Start() { asio::co_spawn(acceptor_.get_executor(), AcceptLoop(), asio::detached); }

void HttpServer::Shutdown() {
  if (stopping_.exchange(true)) return;
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
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
    if (ec) {
      if (stopping_.load() || ec == asio::error::operation_aborted) break;
      Log(LogLevel::kWarn, "accept failed: " + ec.message());
      continue;
    }
    socket.set_option(tcp::no_delay(true));
    auto conn = std::make_shared<Connection>(std::move(socket));
    {
      std::lock_guard<std::mutex> lock(connections_mu_);
      connections_.insert(conn);
    }
    asio::co_spawn(conn->stream.get_executor(), Serve(conn), asio::detached);
  }
}

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
std::string ReplyHead(const api::HttpReply& reply, unsigned version, bool keep_alive) {
  const auto status = static_cast<http::status>(reply.status);
  const std::string_view reason = http::obsolete_reason(status);
  const std::string& date = HttpDate();
  const std::string request_id = RandomRequestId();
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
}  // namespace

asio::awaitable<void> HttpServer::Serve(std::shared_ptr<Connection> conn) {
  beast::flat_buffer buffer;
  auto own_executor = conn->stream.get_executor();
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(options_.max_body_bytes);
    conn->stream.expires_after(std::chrono::seconds(options_.read_timeout_seconds));
    auto [read_ec, bytes] = co_await http::async_read(conn->stream, buffer, parser, kTuple);
    (void)bytes;
    if (read_ec == http::error::body_limit) {
      // Answer before closing so the client sees why; the unread body is discarded.
      api::HttpReply reply =
          api::Api::ErrorReply(Status(ErrorCode::kRequestEntityTooLargeException,
                                      "Request body exceeds the limit of " +
                                          std::to_string(options_.max_body_bytes) + " bytes."),
                               "-");
      http::response<http::string_body> res{http::status::payload_too_large, 11};
      res.set(http::field::content_type, api::kContentType);
      res.set("x-amzn-RequestId", RandomRequestId());
      res.set(http::field::connection, "close");
      res.body() = reply.body;
      res.prepare_payload();
      co_await http::async_write(conn->stream, res, kTuple);
      Log(LogLevel::kInfo, "- 413 body too large");
      break;
    }
    if (read_ec) break;  // closed, timed out, cancelled by shutdown, or malformed HTTP
    conn->busy.store(true);
    auto start = std::chrono::steady_clock::now();
    http::request<http::string_body> req = parser.release();

    api::HttpCall call;
    call.method = std::string(req.method_string());
    std::string_view target = req.target();
    call.path = std::string(target.substr(0, target.find('?')));
    call.x_amz_target = HeaderValue(req, "X-Amz-Target");
    call.authorization = HeaderValue(req, http::field::authorization);
    call.host = HeaderValue(req, http::field::host);
    call.body = std::move(req.body());

    auto prepared = api_->Prepare(call);
    api::HttpReply reply;
    if (auto* done = std::get_if<api::HttpReply>(&prepared)) {
      reply = std::move(*done);
    } else {
      // Hop onto the state strand, execute, and hop back to this connection's strand.
      co_await asio::post(asio::bind_executor(state_, asio::use_awaitable));
      auto& call_prepared = std::get<api::PreparedCall>(prepared);
      reply = api_->Execute(call_prepared);
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
    }

    const bool keep_alive = req.keep_alive() && !stopping_.load();
    const std::string head = ReplyHead(reply, req.version(), keep_alive);
    const std::array<asio::const_buffer, 2> out{asio::buffer(head), asio::buffer(reply.body)};
    auto [write_ec, written] = co_await asio::async_write(conn->stream, out, kTuple);
    (void)written;
    conn->busy.store(false);
    if (LogEnabled(LogLevel::kInfo)) {
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count();
      Log(LogLevel::kInfo, reply.operation + " " + std::to_string(reply.status) + " " +
                               std::to_string(us / 1000) + "." + std::to_string(us % 1000 / 100) +
                               "ms");
    }
    if (write_ec || !keep_alive || stopping_.load()) break;
  }
  beast::error_code ec;
  conn->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  conn->stream.socket().close(ec);
  std::lock_guard<std::mutex> lock(connections_mu_);
  connections_.erase(conn);
}

}  // namespace ecs::server
