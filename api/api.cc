#include "api/api.h"

#include <exception>

#include "api/admin.h"
#include "api/operations.h"
#include "api/protocol.h"
#include "common/json.h"

namespace ecs::api {

Api::Api(control::ControlPlane* control, SimulatedClock* clock, ApiOptions options)
    : control_(control), time_(control, clock), options_(std::move(options)) {}

HttpReply Api::ErrorReply(const Status& status, std::string operation) {
  HttpReply r;
  r.status = HttpStatusFor(status.code());
  r.body = ErrorBody(status);
  r.error_type = std::string(status.type_name());
  r.error_message = status.message();
  r.operation = std::move(operation);
  return r;
}

std::variant<HttpReply, PreparedCall> Api::Prepare(const HttpCall& call) const {
  if (call.method == "POST" && (call.path == "/" || call.path.empty())) {
    Tenant tenant = ResolveTenant(call.authorization, call.host, options_.defaults);
    if (options_.verifier) {
      const SignedRequest signed_request{call.method, call.target, &call.headers, call.body};
      auto verified = options_.verifier->Verify(signed_request, SystemNowMillis());
      if (!verified.ok()) {
        HttpReply r = ErrorReply(verified.status(), "-");
        r.tenant = tenant;
        return r;
      }
      // A signed request runs in its credential's account (the default one if it names none).
      const Credential& signer = **verified;
      tenant.account = signer.account.empty() ? options_.defaults.account : signer.account;
    }
    return PrepareOperation(ParseTarget(call.x_amz_target), call.body, tenant);
  }
  if (auto admin = PrepareAdmin(call, options_)) return std::move(*admin);
  HttpReply r = ErrorReply(Status(ErrorCode::kUnknownOperationException,
                                  "ECS accepts only POST / with an X-Amz-Target header."),
                           "-");
  r.route = call.method + " " + call.path;
  return r;
}

std::variant<HttpReply, PreparedCall> Api::PrepareOperation(const Result<std::string>& op_name,
                                                            std::string_view body_text,
                                                            const Tenant& tenant) const {
  auto fail = [&tenant](const Status& s, std::string op) {
    HttpReply r = ErrorReply(s, std::move(op));
    r.tenant = tenant;
    return r;
  };
  if (!op_name.ok()) return fail(op_name.status(), "-");
  const OperationEntry* entry = FindOperation(*op_name);
  if (!entry) {
    return fail(Status(ErrorCode::kUnknownOperationException, "Unknown operation " + *op_name),
                *op_name);
  }
  if (!entry->handler) {
    return fail(Status(ErrorCode::kUnknownOperationException,
                       *op_name + " is not implemented by ecs-emulator yet"),
                *op_name);
  }
  auto body = ParseJsonObject(body_text);
  if (!body.ok()) return fail(body.status(), *op_name);
  PreparedCall p;
  p.operation = *op_name;
  p.handler = entry->handler;
  p.ctx.tenant = tenant;
  p.body = std::move(*body);
  if (entry->precompute) {
    try {
      entry->precompute(*p.body, p.precomputed);
    } catch (const std::exception& e) {
      return fail(Status::Server(std::string("Internal error: ") + e.what()), *op_name);
    }
  }
  return p;
}

HttpReply Api::Invoke(std::string_view operation, std::string_view body, const Tenant& tenant) {
  auto prepared = PrepareOperation(std::string(operation), body, tenant);
  if (auto* done = std::get_if<HttpReply>(&prepared)) return std::move(*done);
  return Execute(std::get<PreparedCall>(prepared));
}

HttpReply Api::Execute(PreparedCall& call) {
  HttpReply r = ExecuteCall(call);
  r.tenant = call.ctx.tenant;
  return r;
}

HttpReply Api::ExecuteCall(PreparedCall& call) {
  try {
    if (call.admin) {
      AdminContext admin{*control_, time_, options_};
      return ExecuteAdmin(call, admin);
    }
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

}  // namespace ecs::api
