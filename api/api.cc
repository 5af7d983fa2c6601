#include "api/api.h"

#include <exception>

#include "api/admin.h"
#include "api/operations.h"
#include "api/protocol.h"
#include "common/json.h"

namespace ecs::api {

namespace {
HttpReply JsonReply(int status, std::string body, std::string operation) {
  HttpReply r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  r.operation = std::move(operation);
  return r;
}
}  // namespace

Api::Api(control::ControlPlane* control, SimulatedClock* clock, ApiOptions options)
    : control_(control), time_(control, clock), options_(std::move(options)) {}

HttpReply Api::ErrorReply(const Status& status, std::string operation) {
  HttpReply r;
  r.status = HttpStatusFor(status.code());
  r.body = ErrorBody(status);
  r.error_type = std::string(status.type_name());
  r.operation = std::move(operation);
  return r;
}

std::variant<HttpReply, PreparedCall> Api::Prepare(const HttpCall& call) const {
  if (call.path.starts_with("/_emulator/")) {
    std::string route = call.path.substr(11);
    if (route == "health" && call.method == "GET") {
      JsonWriter w;
      w.StartObject()
          .Member("status", "ok")
          .Member("version", options_.version)
          .Key("uptime")
          .Double(static_cast<double>(SystemNowMillis() - options_.started_at) / 1000.0)
          .EndObject();
      return JsonReply(200, w.str(), "-");
    }
    if (route == "operations" && call.method == "GET") {
      JsonWriter w;
      w.StartObject().Key("implemented").StartArray();
      for (const auto& op : OperationTable()) {
        if (op.handler) w.String(op.name);
      }
      w.EndArray().Key("all").StartArray();
      for (const auto& op : OperationTable()) w.String(op.name);
      w.EndArray().EndObject();
      return JsonReply(200, w.str(), "-");
    }
    if ((route == "reset" && call.method == "POST") || route == "clock" ||
        ((route == "fleets" || route == "faults") && call.method == "POST")) {
      PreparedCall p;
      p.operation = "-";
      p.admin_route = route;
      p.admin_method = call.method;
      p.ctx.tenant = ResolveTenant(call.authorization, call.host, options_.defaults);
      auto body = ParseJsonObject(call.body);
      if (!body.ok()) return ErrorReply(body.status(), "-");
      p.body = std::move(*body);
      return p;
    }
    return JsonReply(404, R"({"message":"Unknown emulator route."})", "-");
  }

  if (call.method != "POST" || (call.path != "/" && !call.path.empty())) {
    return ErrorReply(Status(ErrorCode::kUnknownOperationException,
                             "ECS accepts only POST / with an X-Amz-Target header."),
                      "-");
  }
  const Credential* signer = nullptr;
  if (options_.verifier) {
    const SignedRequest signed_request{call.method, call.target, &call.headers, call.body};
    auto verified = options_.verifier->Verify(signed_request, SystemNowMillis());
    if (!verified.ok()) return ErrorReply(verified.status(), "-");
    signer = *verified;
  }
  auto op_name = ParseTarget(call.x_amz_target);
  if (!op_name.ok()) return ErrorReply(op_name.status(), "-");
  const OperationEntry* entry = FindOperation(*op_name);
  if (!entry)
    return ErrorReply(
        Status(ErrorCode::kUnknownOperationException, "Unknown operation " + *op_name), *op_name);
  if (!entry->handler) {
    return ErrorReply(Status(ErrorCode::kUnknownOperationException,
                             *op_name + " is not implemented by ecs-emulator yet"),
                      *op_name);
  }
  auto body = ParseJsonObject(call.body);
  if (!body.ok()) return ErrorReply(body.status(), *op_name);
  PreparedCall p;
  p.operation = *op_name;
  p.handler = entry->handler;
  p.ctx.tenant = ResolveTenant(call.authorization, call.host, options_.defaults);
  if (signer)
    p.ctx.tenant.account = signer->account.empty() ? options_.defaults.account : signer->account;
  p.body = std::move(*body);
  if (entry->precompute) {
    try {
      entry->precompute(*p.body, p.precomputed);
    } catch (const std::exception& e) {
      return ErrorReply(Status::Server(std::string("Internal error: ") + e.what()), *op_name);
    }
  }
  return p;
}

HttpReply Api::Execute(PreparedCall& call) {
  try {
    if (!call.admin_route.empty()) return ExecuteAdmin(call);
    cache_.Trim();
    JsonObjectReader in(*call.body);
    OpContext op{*control_, call.ctx, in, *call.body, call.precomputed, cache_};
    Result<std::string> out = call.handler(op);
    if (!out.ok()) return ErrorReply(out.status(), call.operation);
    HttpReply r;
    r.body = std::move(out).value();
    r.operation = call.operation;
    return r;
  } catch (const std::exception& e) {
    return ErrorReply(Status::Server(std::string("Internal error: ") + e.what()), call.operation);
  } catch (...) {
    return ErrorReply(Status::Server("Internal error."), call.operation);
  }
}

HttpReply Api::ExecuteAdmin(PreparedCall& call) {
  AdminReply r = ExecuteAdminRoute(call.admin_route, call.admin_method, *call.body, call.ctx,
                                   *control_, time_);
  if (r.status != 200) {
    HttpReply reply = ErrorReply(r.error, "-");
    reply.status = r.status;
    return reply;
  }
  return JsonReply(200, std::move(r.body), "-");
}

}  // namespace ecs::api
