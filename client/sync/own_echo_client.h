// The device's half of "own changes not echoed" (PROTOCOL.md): before the
// round's first pull request it reads the server views it expects its
// pending change-sets to produce (loc/ of each record they touch), sends
// their digests, and completes each record the server acknowledges instead
// of sending (PullBatch.own) into exactly the record a full page carries
// (common/echo/own_echo.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "client/store/client_store.h"
#include "common/echo/own_echo.h"
#include "proto/sync.pb.h"

namespace wardsync::client {

class OwnEchoExpectation {
 public:
  // Change-sets from_seq..to_seq are the device's pending ones. Expects
  // nothing (full pages) when there are none or more records than the
  // protocol allows digests for.
  Status Prepare(ClientStore& store, const std::string& device_id, uint64_t from_seq, uint64_t to_seq);
  // Adds the range and the digests to the request (nothing if none).
  void AddTo(sync::PullRequest* request) const;
  // Appends to batch->records the record each PullBatch.own stands for
  // (after the records the page carries, as if they had come in it). A
  // batch naming a digest this device never sent, or whose times do not
  // pair up, is refused: nothing is appended.
  Status Complete(sync::PullBatch* batch) const;

 private:
  echo::OwnRange range_;
  std::vector<records::RecordState> expected_;  // normalized, in digest order
  std::vector<uint64_t> digests_;
};

}  // namespace wardsync::client
