// Size limits on what a client supplies inside a change-set (PROTOCOL.md,
// Limits): the officer name, every string of a change, the fields of a
// change and the body as a whole. One check, run by the server at ingest
// (a change-set over a limit is refused with LIMIT_EXCEEDED) and by the
// client at capture (so an honest device never makes one the server would
// refuse: a refused change-set would block its chain).
#pragma once
#include <cstdint>
#include <string>

#include "common/status.h"
#include "proto/changes.pb.h"
#include "proto/sync.pb.h"

namespace wardsync::wire {

struct ContentLimits {
  uint32_t max_officer_bytes = 0;
  uint32_t max_text_bytes = 0;
  uint32_t max_fields_per_change = 0;
  uint32_t max_changeset_bytes = 0;
  bool operator==(const ContentLimits&) const = default;
};

// The content limits of announced ServerLimits (unset ones: the minimums).
ContentLimits ContentLimitsOf(const wardsync::sync::ServerLimits& announced);

// kExhausted naming what is too large, by how much, and the limit, e.g.
// "officer name of 1572864 bytes exceeds the limit of 256 bytes".
// `body_bytes`: the serialized body's size (0: not checked).
Status CheckChangeSetBody(const wardsync::changes::ChangeSetBody& body, uint64_t body_bytes,
                          const ContentLimits& limits);
// The officer name alone (checked when it is configured, before any capture).
Status CheckOfficerName(const std::string& officer, const ContentLimits& limits);

}  // namespace wardsync::wire
