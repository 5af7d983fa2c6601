// The group commit's writer: one thread running its own io_context, created when the first
// batch is handed over. A server that is only read never creates it, and start-up does not pay
// for it (creating it was ~0.6 ms of a fresh --data-dir's start-up, bench/startup.py).
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <thread>

namespace ecs::server {

class WriterThread {
 public:
  WriterThread() : work_(boost::asio::make_work_guard(context_)) {}
  // Without Join(), work posted but never started is dropped.
  ~WriterThread() {
    work_.reset();
    if (thread_.joinable()) thread_.join();
  }
  WriterThread(const WriterThread&) = delete;
  WriterThread& operator=(const WriterThread&) = delete;

  // Where the batches go. Work posted here waits until Start().
  boost::asio::io_context::executor_type executor() { return context_.get_executor(); }
  // Starts the thread if it is not running. Called from one thread (the state strand).
  void Start() {
    if (!thread_.joinable()) thread_ = std::thread([this] { context_.run(); });
  }
  // Runs what was posted, then ends the thread (or runs it here if it never started).
  void Join() {
    work_.reset();
    if (thread_.joinable()) {
      thread_.join();
    } else {
      context_.run();
    }
  }

 private:
  boost::asio::io_context context_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace ecs::server
