// api/: the ECS protocol front. server/ hands it an HttpCall and writes back the HttpReply.
//
// THREADING: Prepare() is pure (routing, JSON text parsing, tenant resolution) and runs on the
// connection's strand. Execute() decodes members, calls control/ and encodes the answer; it must
// run on the state strand because it reads control/'s structs in place (no copies).
#pragma once

#include <rapidjson/document.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "api/encode_cache.h"
#include "common/clock.h"
#include "common/sigv4.h"
#include "common/tenant.h"
#include "control/control_plane.h"
#include "control/simulated_time.h"
#include "taskdef/spec.h"

namespace ecs::api {

struct HttpCall {
  std::string method;  // HEAD arrives as GET (server/ drops the body of the reply)
  std::string path;    // without query string
  std::string query;   // after '?', undecoded
  std::string x_amz_target;
  std::string authorization;
  std::string host;
  std::string body;
  // Only with --verify-signatures (ServerOptions::keep_headers): the request target as sent
  // (path and query) and every header, which the signature covers.
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpReply {
  int status = 200;
  std::string content_type = "application/x-amz-json-1.1";
  std::string body;
  std::string operation;   // for the request log and metrics ("-" for admin/unknown)
  std::string error_type;  // set for error replies (x-amzn-ErrorType)
  // For the request log and metrics.
  std::string route;          // an emulator route, as "POST /_emulator/fleets" ("" for ECS)
  std::string error_message;  // the message of an error reply
  Tenant tenant;              // empty when the call never got as far as resolving it
  std::string allow;          // 405: the Allow header
};

struct ApiOptions {
  Tenant defaults;        // region and account when a request does not name them
  std::string version;    // reported by /_emulator/health
  Millis started_at = 0;  // wall-clock start, for uptime
  // --verify-signatures: ECS operations are served only when signed by one of its credentials,
  // and run in that credential's account. Null: any signature (or none) is accepted.
  std::shared_ptr<const SignatureVerifier> verifier = nullptr;
  // GET /metrics: what server/ measures (requests, reconciler, commits) in Prometheus text;
  // api/ appends what the control plane holds. Unset in tests.
  std::function<std::string()> server_metrics;
  std::string mode = "persistent";  // or "ephemeral": shown by GET /_emulator and the web view
};

struct OpContext;
using Handler = Result<std::string> (*)(OpContext&);

// What an operation's Precompute made of its request on the connection strand.
struct Precomputed {
  // RegisterTaskDefinition, RegisterDaemonTaskDefinition
  std::optional<Result<taskdef::TaskDefinitionSpec>> task_definition;
};

struct AdminRoute;

struct PreparedCall {
  std::string operation;
  Handler handler = nullptr;          // ECS operation
  const AdminRoute* admin = nullptr;  // or an emulator route that needs the state strand
  std::string admin_method;           // GET, POST
  std::string admin_arg;              // the value of the route's trailing {…} segment
  std::map<std::string, std::string> query;
  control::StateScope scope;  // the account / region the body or query names
  control::RequestContext ctx;
  std::shared_ptr<rapidjson::Document> body;
  Precomputed precomputed;
};

class Api {
 public:
  Api(control::ControlPlane* control, SimulatedClock* clock, ApiOptions options);

  // Connection strand. A reply means the call is finished (errors, health, ...).
  std::variant<HttpReply, PreparedCall> Prepare(const HttpCall& call) const;
  // State strand. Never throws: internal faults become 500 ServerException.
  HttpReply Execute(PreparedCall& call);

  static HttpReply ErrorReply(const Status& status, std::string operation);

  // An ECS operation called from inside the emulator (the seed file): Prepare and Execute
  // without HTTP, for `tenant`. State strand (or before serving starts).
  HttpReply Invoke(std::string_view operation, std::string_view body, const Tenant& tenant);

 private:
  // An ECS operation: its name (or why there is none), JSON body and tenant.
  std::variant<HttpReply, PreparedCall> PrepareOperation(const Result<std::string>& operation,
                                                         std::string_view body,
                                                         const Tenant& tenant) const;
  HttpReply ExecuteCall(PreparedCall& call);

  control::ControlPlane* control_;
  control::SimulatedTime time_;
  ApiOptions options_;
  EncodeCache cache_;
};

}  // namespace ecs::api
