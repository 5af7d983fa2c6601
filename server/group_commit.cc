#include "server/group_commit.h"

#include "common/log.h"

namespace ecs::server {

GroupCommit::GroupCommit(Strand state, storage::Store* store, control::ControlPlane* control)
    : state_(std::move(state)), store_(store), control_(control) {}

std::shared_ptr<GroupCommit::Batch> GroupCommit::Join() {
  if (!store_->batch_open()) return nullptr;
  if (!current_) {
    current_ = std::make_shared<Batch>(state_);
    current_->done.expires_at(boost::asio::steady_timer::time_point::max());
    // Runs after every request queued on the strand so far: they join this batch.
    boost::asio::post(state_, [this] { FlushNow(); });
  }
  return current_;
}

void GroupCommit::FlushNow() {
  Status st = store_->Flush();
  if (!st.ok()) {
    Log(LogLevel::kError, "group commit failed, reloading state from disk: " + st.message());
    Status reload = control_->ReloadFromStore();
    if (!reload.ok()) Log(LogLevel::kError, "reload after a failed commit: " + reload.message());
  }
  if (auto batch = std::move(current_)) {
    batch->result = st;
    batch->finished = true;
    batch->done.expires_at(boost::asio::steady_timer::time_point::min());  // wakes all, now and later
  }
}

}  // namespace ecs::server
