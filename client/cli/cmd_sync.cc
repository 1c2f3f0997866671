// sync / status.
#include <unistd.h>

#include "client/store/configured_servers.h"
#include "client/attach/attachment_status.h"
#include "client/cli/command.h"
#include "client/cli/rejected_view.h"
#include "client/sync/clock_offset.h"
#include "common/render/record_render.h"
#include "common/util/json_writer.h"

namespace wardsync::client {

int CmdSync(ClientEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  SyncOptions opt;
  const bool show_progress = !args.Flag("quiet") && !args.Flag("json");
  uint64_t last_shown = 0;
  if (show_progress) {
    opt.on_progress = [&](const SyncProgress& p) {
      // Only worth showing on long work; throttle to every 1000 records.
      uint64_t done = p.pushed + p.pulled;
      if (done - last_shown < 1000) return;
      last_shown = done;
      err << "  pushed " << p.pushed << "/" << p.to_push << " change-sets, pulled " << p.pulled << " records ("
          << p.pull_remaining << " log entries to go)\n";
    };
  }
  auto report = env.SyncRound(opt);
  const uint64_t now = env.clock().NowMs();
  Status noted = env.store().NoteSyncResult(report.ok() && report->pending_after == 0,
                                            report.ok() ? (report->pending_after ? "not everything was acknowledged" : "")
                                                        : report.status().message(),
                                            now);
  if (!noted.ok()) err << "error: cannot record the sync result on this device: " << noted.message() << "\n";
  if (!report.ok()) {
    auto pending = env.store().PendingCount();
    err << "error: sync failed: " << report.status().message() << "\n";
    if (IsRevokedError(report.status().message())) {
      PrintRevokedHint(env, err);
    } else if (pending.ok()) {
      err << "nothing is lost: " << *pending << " change-set(s) stay pending on this device\n";
    }
    return 1;
  }
  const auto& p = report->progress;
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject().Key("pushed").Uint(p.pushed).Key("pulled").Uint(p.pulled);
    w.Key("pending").Uint(report->pending_after).Key("acked_seq").Uint(report->acked_seq);
    w.Key("bytes_in").Uint(p.bytes_in).Key("bytes_out").Uint(p.bytes_out);
    w.Key("round_trips").Uint(report->round_trips).Key("forms_updated").Bool(report->forms_updated);
    w.Key("attachments_stored").Uint(report->attachments_stored);
    w.Key("attachment_bytes_sent").Uint(report->attachment_bytes_sent);
    w.Key("attachments_refused").Uint(report->attachments_refused).EndObject();
    out << w.str() << "\n";
  } else if (!args.Flag("quiet")) {
    out << "synced: pushed " << p.pushed << " change-set(s), pulled " << p.pulled << " record(s); "
        << report->pending_after << " pending\n";
    if (report->attachments_stored || report->attachments_refused) {
      out << "attachments: " << report->attachments_stored << " on the server now (" << report->attachment_bytes_sent
          << " bytes sent), " << report->attachments_refused << " refused (see `wardsync status`)\n";
    }
  }
  if (report->pending_after != 0) {
    err << "error: " << report->pending_after << " change-set(s) were not acknowledged; run sync again\n";
    return 1;
  }
  return noted.ok() ? 0 : 1;
}

void PrintRevokedHint(ClientEnv& env, std::ostream& err) {
  auto pending = env.store().PendingCount();
  const std::string dir = env.paths().dir;
  if (pending.ok() && *pending == 0) {
    err << "the server holds every change-set this device made; it will not take new ones from it. Hand the "
           "device back to the committee.\n";
    return;
  }
  err << (pending.ok() ? std::to_string(*pending) : std::string("the")) << " change-set(s) made on this device "
      << "were never acknowledged, and the server will not take them over the network from this device.\n"
      << "They are kept here. To hand them in, write them to a file and give it to the committee's "
         "administrator (who imports it with `wardsync-server import --accept-revoked`):\n"
      << "  wardsync handover --data " << dir << " --out FILE\n";
}

int CmdStatus(ClientEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  auto cfg = env.store().Config();
  auto state = env.store().State();
  auto pending = env.store().PendingCount();
  auto oldest = env.store().OldestPendingMs();
  if (!cfg.ok() || !state.ok() || !pending.ok() || !oldest.ok()) {
    err << "error: " << (!cfg.ok() ? cfg.status() : !state.ok() ? state.status() : pending.ok() ? oldest.status() : pending.status()).message() << "\n";
    return 1;
  }
  const uint64_t now = env.clock().NowMs();
  const uint64_t age = *oldest && now > *oldest ? now - *oldest : 0;
  const bool error_current = !state->last_error().empty() && state->last_error_ms() >= state->last_success_ms();
  auto agent = env.AgentStatus();
  const auto clock = EstimateClock(*state, now, ReadBootTime());
  // Changes of this device the server kept but could not apply (a scan of
  // the local records: they arrive with the pulled records).
  std::vector<wardsync::records::RecordState> holders;
  std::vector<std::pair<const wardsync::records::RecordState*, const wardsync::records::Conflict*>> rejected;
  Status scanned = env.store().ForEachLocal(std::nullopt, [&](const wardsync::records::RecordState& r) {
    if (!OpenRejected(r, cfg->device_id()).empty()) holders.push_back(r);
  });
  if (!scanned.ok()) {
    err << "error: " << scanned.message() << "\n";
    return 1;
  }
  for (const auto& r : holders) {
    for (const auto* c : OpenRejected(r, cfg->device_id())) rejected.emplace_back(&r, c);
  }
  auto attachments = attach::PendingAttachments(env.store(), env.paths().attachments());
  if (!attachments.ok()) {
    err << "error: " << attachments.status().message() << "\n";
    return 1;
  }
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject();
    w.Key("device").String(cfg->device_id()).Key("ward").String(cfg->ward()).Key("role").String(cfg->role());
    w.Key("server").String(cfg->server());
    w.Key("servers").BeginArray();
    for (const auto& address : ConfiguredServers(*cfg)) w.String(address);
    w.EndArray();
    // The address that answered last (tried first next time); "" if none yet.
    auto answered = env.store().PreferredServer();
    w.Key("server_answered").String(answered.ok() ? *answered : "");
    w.Key("pending").Uint(*pending);
    w.Key("oldest_pending_age_ms").Uint(age);
    w.Key("last_seq").Uint(state->last_seq()).Key("acked_seq").Uint(state->acked_seq());
    w.Key("pull_cursor").Uint(state->pull_cursor());
    w.Key("key_epoch").Uint(state->key_epoch());
    w.Key("key_rotation_pending").Bool(state->rotation_seq() > state->acked_seq());
    if (state->last_success_ms()) w.Key("last_success").String(render::TimeMs(state->last_success_ms()));
    else w.Key("last_success").Null();
    w.Key("last_success_ms").Uint(state->last_success_ms());
    if (error_current) w.Key("last_error").String(state->last_error());
    else w.Key("last_error").Null();
    w.Key("last_error_ms").Uint(error_current ? state->last_error_ms() : 0);
    w.Key("last_attempt_ms").Uint(state->last_attempt_ms());
    // This device's clock minus the server's (negative: behind), estimated
    // now from the last sync's measurement; null before any.
    if (clock) {
      w.Key("clock_ahead_ms").Int(clock->ahead_ms).Key("clock_off").Bool(clock->off());
      w.Key("clock_measured").String(render::TimeMs(clock->measured_ms));
    } else {
      w.Key("clock_ahead_ms").Null().Key("clock_off").Bool(false).Key("clock_measured").Null();
    }
    w.Key("max_clock_skew_ms").Uint(AllowedSkewMs(*state));
    w.Key("rejected").BeginArray();
    for (const auto& [r, c] : rejected) RejectedJson(*r, *c, w);
    w.EndArray();
    attach::StatusJson(*attachments, w);
    // The server refused this device as revoked: pending work goes by `handover`.
    w.Key("revoked").Bool(error_current && IsRevokedError(state->last_error()));
    w.Key("agent_running").Bool(agent.has_value());
    if (agent) {
      w.Key("agent_phase").String(agent->phase);
      w.Key("next_attempt_ms").Uint(agent->next_attempt_ms);
      w.Key("next_attempt").String(render::TimeMs(agent->next_attempt_ms));
      w.Key("backoff_ms").Uint(agent->backoff_ms);
      w.Key("progress").BeginObject().Key("pushed").Uint(agent->progress.pushed);
      w.Key("to_push").Uint(agent->progress.to_push).Key("pulled").Uint(agent->progress.pulled);
      w.Key("pull_remaining").Uint(agent->progress.pull_remaining);
      w.Key("bytes_in").Uint(agent->progress.bytes_in).Key("bytes_out").Uint(agent->progress.bytes_out).EndObject();
    } else {
      w.Key("next_attempt_ms").Null();
    }
    w.EndObject();
    out << w.str() << "\n";
    return 0;
  }
  out << "device:        " << cfg->device_id() << " (ward " << cfg->ward() << ", " << cfg->role() << ")\n";
  out << "server:        " << net::JoinServerList(ConfiguredServers(*cfg)) << "\n";
  out << "key:           epoch " << state->key_epoch()
      << (state->rotation_seq() > state->acked_seq() ? " (rotation not yet acknowledged by the server)" : "") << "\n";
  out << "pending:       " << *pending << " change-set(s)";
  if (*pending) out << ", oldest " << age / 1000 << " s old";
  out << "\n";
  out << "last success:  " << (state->last_success_ms() ? render::TimeMs(state->last_success_ms()) : "never") << "\n";
  out << "last error:    " << (error_current ? state->last_error() + " (" + render::TimeMs(state->last_error_ms()) + ")" : "none") << "\n";
  out << "clock:         ";
  if (!clock) {
    out << "not measured yet (at the next sync)\n";
  } else {
    const uint64_t by = static_cast<uint64_t>(clock->ahead_ms < 0 ? -clock->ahead_ms : clock->ahead_ms);
    if (by < 1000) out << "in step with the server's";
    else out << DurationText(by) << (clock->ahead_ms > 0 ? " ahead of" : " behind") << " the server's";
    out << " (measured at the sync of " << render::TimeMs(clock->measured_ms) << ")";
    if (clock->off()) out << ": OFF, the server allows " << DurationText(clock->allowed_ms) << "; set it right";
    out << "\n";
  }
  out << "rejected:      " << rejected.size() << " change(s) of this device the server could not apply";
  out << (rejected.empty() ? "\n" : " (fix each with a new edit; `wardsync list --rejected`):\n");
  for (const auto& [r, c] : rejected) RejectedDetail(*r, *c, out, "  ");
  attach::StatusText(*attachments, out);
  if (error_current && IsRevokedError(state->last_error())) PrintRevokedHint(env, out);
  if (agent) {
    out << "agent:         running, " << agent->phase;
    if (agent->next_attempt_ms) out << ", next attempt " << render::TimeMs(agent->next_attempt_ms);
    out << "\n";
  } else {
    out << "agent:         not running\n";
  }
  return 0;
}

}  // namespace wardsync::client
