#include "server/group_commit.h"

#include <chrono>
#include <utility>

#include "common/log.h"

namespace ecs::server {

GroupCommit::GroupCommit(Strand state, boost::asio::any_io_executor writer, storage::Store* store,
                         control::ControlPlane* control, std::function<void()> start_writer)
    : state_(std::move(state)),
      writer_(std::move(writer)),
      start_writer_(std::move(start_writer)),
      store_(store),
      control_(control) {}

std::shared_ptr<GroupCommit::Batch> GroupCommit::Join() {
  if (!store_->has_pending()) return writing_;  // it may have read what the writer has
  if (!open_) {
    open_ = std::make_shared<Batch>(state_);
    open_->done.expires_at(boost::asio::steady_timer::time_point::max());
  }
  if (!writing_ && !start_posted_) {
    // Runs after every request queued on the strand so far: they join this batch.
    start_posted_ = true;
    boost::asio::post(state_, [this] {
      start_posted_ = false;
      StartWrite();
    });
  }
  return open_;
}

void GroupCommit::Flush() { StartWrite(); }

void GroupCommit::StartWrite() {
  if (writing_ || !store_->has_pending()) return;
  writing_ = open_ ? std::move(open_) : std::make_shared<Batch>(state_);
  open_.reset();
  if (auto start = std::exchange(start_writer_, nullptr)) start();
  // The work guard keeps the state strand's io_context running until Finish has run, so a
  // shutdown never leaves a write (or its waiters) behind.
  boost::asio::post(writer_, [this, batch = writing_, rows = store_->TakePending(),
                              work = boost::asio::make_work_guard(state_)]() mutable {
    const auto start = std::chrono::steady_clock::now();
    Status result = store_->WriteBatch(rows);
    if (metrics_) {
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      metrics_->RecordBatch(rows.rows.size(), took.count(), result.ok());
    }
    boost::asio::post(state_, [this, batch = std::move(batch), result = std::move(result),
                               work = std::move(work)] { Finish(batch, result); });
  });
}

void GroupCommit::Finish(const std::shared_ptr<Batch>& batch, const Status& result) {
  writing_.reset();
  if (result.ok()) {
    Complete(batch, result);
    StartWrite();  // what ran meanwhile
    return;
  }
  Log(LogLevel::kError, "group commit failed, reloading state from disk: " + result.message());
  // The pending writes were made on top of the lost ones: they go too (the control plane drops
  // them as it reloads), with their waiters.
  Status reload = control_->RecoverFromFailedCommit();
  if (!reload.ok()) Log(LogLevel::kError, "reload after a failed commit: " + reload.message());
  Complete(batch, result);
  if (auto next = std::move(open_)) Complete(next, result);
}

void GroupCommit::Complete(const std::shared_ptr<Batch>& batch, const Status& result) {
  batch->result = result;
  batch->finished = true;
  batch->done.expires_at(boost::asio::steady_timer::time_point::min());  // wakes all, now and later
}

}  // namespace ecs::server
