// The start-up floor (issue 14): the least a Beast + RapidJSON server does to answer one
// DescribeClusters, so bench/startup.py can measure ecs-emulator's start-up against it in the
// same sitting. One thread, no storage, no scheduler: it binds, prints the port like the server,
// parses each request body and answers with one cluster. Never a product; only a yardstick.
//
//   bench/ecs-bench-floor --port N [other flags are ignored, so startup.py can pass its own]
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

std::string DescribeClusters(const std::string& body) {
  rapidjson::Document request;
  request.Parse(body.data(), body.size());
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  w.Key("clusters");
  w.StartArray();
  if (request.IsObject() && request.HasMember("clusters") && request["clusters"].IsArray()) {
    for (const auto& name : request["clusters"].GetArray()) {
      if (!name.IsString()) continue;
      const std::string arn =
          std::string("arn:aws:ecs:us-east-1:000000000000:cluster/") + name.GetString();
      w.StartObject();
      w.Key("clusterArn");
      w.String(arn.c_str());
      w.Key("clusterName");
      w.String(name.GetString());
      w.Key("status");
      w.String("ACTIVE");
      w.EndObject();
    }
  }
  w.EndArray();
  w.Key("failures");
  w.StartArray();
  w.EndArray();
  w.EndObject();
  return out.GetString();
}

void Serve(tcp::socket socket) {
  beast::flat_buffer buffer;
  beast::error_code ec;
  for (;;) {
    http::request<http::string_body> req;
    http::read(socket, buffer, req, ec);
    if (ec) return;
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::content_type, "application/x-amz-json-1.1");
    res.keep_alive(req.keep_alive());
    res.body() = DescribeClusters(req.body());
    res.prepare_payload();
    http::write(socket, res, ec);
    if (ec || !res.keep_alive()) return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  unsigned short port = 0;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--port") == 0) {
      port = static_cast<unsigned short>(std::atoi(argv[i + 1]));
    }
  }
  try {
    boost::asio::io_context ioc;
    tcp::acceptor acceptor(ioc, {boost::asio::ip::make_address("127.0.0.1"), port});
    std::printf("listening on http://127.0.0.1:%d\n", acceptor.local_endpoint().port());
    std::fflush(stdout);
    for (;;) Serve(acceptor.accept());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ecs-bench-floor: %s\n", e.what());
    return 1;
  }
}
