#include "bench/report.h"

#include <cmath>
#include <cstdio>
#include <functional>
#include <iomanip>
#include <optional>
#include <sstream>

#include "common/util/json_writer.h"

namespace wardsync::bench {

namespace {

// What each figure means, for the table.
struct Label {
  const char* name;
  const char* text;
};
constexpr Label kLabels[] = {
    {"s1_records_per_s", "S1 push: records/s (last ack stored)"},
    {"s1_push_s", "S1 push: wall s"},
    {"s1_round_s", "S1 whole round s (push + pull of own records)"},
    {"s1_round_trips", "S1 flights waited on"},
    {"s1_server_cpu_s", "S1 push: server CPU s"},
    {"s1_client_cpu_s", "S1 push: client CPU s"},
    {"s1_server_peak_rss_mb", "S1 server peak RSS MB"},
    {"s1_server_busiest_thread_cpu_s", "S1 push: busiest server thread CPU s"},
    {"s1_client_peak_rss_mb", "S1 client (bench process) peak RSS MB"},
    {"s1_bytes_up", "S1 application bytes sent"},
    {"s2_records_per_s", "S2 first pull: records/s"},
    {"s2_pull_s", "S2 first pull: wall s"},
    {"s2_server_cpu_s", "S2 server CPU s"},
    {"s2_client_cpu_s", "S2 client CPU s"},
    {"s2_server_peak_rss_mb", "S2 server peak RSS MB"},
    {"s2_client_peak_rss_mb", "S2 client (bench process) peak RSS MB"},
    {"s2_bytes_down", "S2 application bytes received"},
    {"s3_round_trips", "S3 resumed: round trips after handshake"},
    {"s3_bytes", "S3 resumed: bytes on the wire, both ways"},
    {"s3_bytes_up", "S3 resumed: bytes client -> server"},
    {"s3_bytes_down", "S3 resumed: bytes server -> client"},
    {"s3_app_bytes", "S3 resumed: application bytes (frames)"},
    {"s3_wall_ms", "S3 resumed: wall ms"},
    {"s3_tls_resumed", "S3 resumed: TLS session resumed (1 = yes)"},
    {"s3_fresh_round_trips", "S3 fresh TLS: round trips after handshake"},
    {"s3_fresh_bytes", "S3 fresh TLS: bytes on the wire, both ways"},
    {"s3_fresh_bytes_up", "S3 fresh TLS: bytes client -> server"},
    {"s3_fresh_bytes_down", "S3 fresh TLS: bytes server -> client"},
    {"s3_fresh_app_bytes", "S3 fresh TLS: application bytes (frames)"},
    {"s3_fresh_wall_ms", "S3 fresh TLS: wall ms"},
    {"s3_fresh_tls_resumed", "S3 fresh TLS: session resumed (1 = yes)"},
    {"s4_sustained_syncs_per_s", "S4 sustained: highest rate, p99 <= 250 ms, 0 failed"},
    {"s4_p50_ms", "S4 sustained: sync latency p50 ms"},
    {"s4_p99_ms", "S4 sustained: sync latency p99 ms"},
    {"s4_max_ms", "S4 sustained: sync latency max ms"},
    {"s4_failures", "S4 sustained: failed syncs"},
    {"s4_pulled_per_sync", "S4 sustained: records pulled per sync"},
    {"s4_server_cpu_ms_per_sync", "S4 sustained: server CPU ms per sync"},
    {"s4_loadgen_cpu_s", "S4 sustained: load generator CPU s (its step)"},
    {"s4_first_failing_rate", "S4 first rate that missed (syncs/s; 0 = none)"},
    {"s4_records_per_s", "S4 burst: records pushed/s"},
    {"s4_wall_s", "S4 burst: wall s until the last sync"},
    {"s4_pulled_records", "S4 burst: records pulled, all devices"},
    {"s4_server_cpu_s", "S4 burst: server CPU s"},
    {"s4_client_cpu_s", "S4 burst: load generator CPU s"},
    {"s4_burst_devices", "S4 burst: devices starting at once"},
    {"s4_burst_failures", "S4 burst: failed syncs"},
    {"s4_burst_drain_s", "S4 burst: s until every sync ended"},
    {"s4_burst_p50_ms", "S4 burst: sync latency p50 ms"},
    {"s4_burst_p99_ms", "S4 burst: sync latency p99 ms"},
    {"s4_server_rss_mb", "S4 burst: server peak RSS MB"},
    {"s6_devices", "S6 idle authenticated devices"},
    {"s6_failures", "S6 devices not connected, refused or dropped"},
    {"s6_connect_s", "S6 s until all connected (resumed TLS)"},
    {"s6_server_cpu_s", "S6 server CPU s while connecting"},
    {"s6_loadgen_cpu_s", "S6 load generator CPU s while connecting"},
    {"s6_rss_mb_10k", "S6 server peak RSS MB, 10,000 connected"},
    {"s6_rss_mb", "S6 server peak RSS MB, all connected"},
    {"s6_rss_now_mb", "S6 server RSS MB, all connected"},
    {"s5_records_per_s", "S5 durable captures/s"},
    {"s5_store_bytes_per_record", "S5 client store bytes on disk per record"},
    {"s5_disk_synced_writes_per_s", "S5 the disk's own synced writes/s (append+fdatasync)"},
    {"s5_share_of_disk_pct", "S5 captures/s as % of the disk's synced writes/s"},
};

const char* LabelOf(const std::string& name) {
  for (const auto& l : kLabels) {
    if (name == l.name) return l.text;
  }
  return name.c_str();
}

std::optional<double> Median(const Figures& fig, const std::string& name) {
  if (!fig.Has(name)) return std::nullopt;
  return Summarize(fig.Get(name)).median;
}

struct Target {
  const char* scenario;
  const char* text;
  std::function<std::optional<bool>(const Figures&)> met;
};

std::vector<Target> Targets() {
  return {
      {"S1", "backlog push >= 50,000 records/s",
       [](const Figures& f) -> std::optional<bool> {
         auto v = Median(f, "s1_records_per_s");
         if (!v) return std::nullopt;
         return *v >= 50'000;
       }},
      {"S2", "first pull >= 100,000 records/s",
       [](const Figures& f) -> std::optional<bool> {
         auto v = Median(f, "s2_records_per_s");
         if (!v) return std::nullopt;
         return *v >= 100'000;
       }},
      {"S3", "small sync: 1 round trip, <= 2 KB on the wire, session resumed",
       [](const Figures& f) -> std::optional<bool> {
         auto rt = Median(f, "s3_round_trips");
         auto b = Median(f, "s3_bytes");
         auto res = Median(f, "s3_tls_resumed");
         if (!rt || !b || !res) return std::nullopt;
         return *rt <= 1 && *b <= 2048 && *res >= 1;
       }},
      {"S4", "sustained >= 200 syncs/s at p99 <= 250 ms, 0 failures",
       [](const Figures& f) -> std::optional<bool> {
         auto rate = Median(f, "s4_sustained_syncs_per_s");
         if (!rate || !f.Has("s4_failures")) return std::nullopt;
         return *rate >= 200 && Summarize(f.Get("s4_failures")).max == 0;
       }},
      {"S4", "burst of every device: 0 failures, server peak RSS <= 256 MB",
       [](const Figures& f) -> std::optional<bool> {
         auto failed = Median(f, "s4_burst_failures");
         auto rss = Median(f, "s4_server_rss_mb");
         if (!failed || !rss) return std::nullopt;
         return *failed == 0 && *rss <= 256;
       }},
      {"S6", "10,000 idle authenticated devices: server peak RSS <= 512 MB",
       [](const Figures& f) -> std::optional<bool> {
         auto rss = Median(f, "s6_rss_mb_10k");
         auto failed = Median(f, "s6_failures");
         if (!rss || !failed) return std::nullopt;
         return *rss <= 512 && *failed == 0;
       }},
      {"S5", "local capture >= 3,000 durable records/s",
       [](const Figures& f) -> std::optional<bool> {
         auto v = Median(f, "s5_records_per_s");
         if (!v) return std::nullopt;
         return *v >= 3'000;
       }},
  };
}

std::string Num(double v) {
  char buf[64];
  if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.3f", v);
  }
  return buf;
}

std::string Cell(double v) {
  if (std::fabs(v) >= 100) return Grouped(v);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

}  // namespace

void PrintTable(const Options& o, const Figures& fig, std::ostream& out) {
  out << std::left << std::setw(50) << "figure" << std::right << std::setw(14) << "median" << std::setw(14) << "min"
      << std::setw(14) << "max" << "\n";
  out << std::string(92, '-') << "\n";
  std::string last;
  for (const auto& name : fig.order()) {
    const std::string scenario = name.substr(0, 2);
    if (!last.empty() && scenario != last) out << "\n";
    last = scenario;
    Summary s = Summarize(fig.Get(name));
    out << std::left << std::setw(50) << LabelOf(name) << std::right << std::setw(14) << Cell(s.median)
        << std::setw(14) << Cell(s.min) << std::setw(14) << Cell(s.max) << "\n";
  }
  for (const auto& n : fig.notes()) out << "note: " << n << "\n";
}

int PrintTargets(const Figures& fig, std::ostream& out) {
  int missed = 0;
  out << "targets (medians):\n";
  for (const auto& t : Targets()) {
    auto met = t.met(fig);
    const char* verdict = !met ? "not run" : *met ? "met" : "MISSED";
    if (met && !*met) ++missed;
    out << "  " << t.scenario << "  " << std::left << std::setw(66) << t.text << verdict << "\n";
  }
  return missed;
}

std::string ResultsJson(const Options& o, const RunInfo& info, const Figures& fig) {
  util::JsonWriter w;
  w.BeginObject();
  w.Key("bench").String("wardsync-bench");
  w.Key("mode").String(info.mode);
  w.Key("runs").Int(o.runs);
  w.Key("started").String(info.started);
  w.Key("total_s").Raw(Num(info.total_s));
  w.Key("commit").String(info.commit);
  w.Key("machine").BeginObject().Key("nproc").Uint(info.nproc).Key("cpu").String(info.cpu);
  w.Key("loadavg_before").Raw(Num(info.load_before)).Key("loadavg_after").Raw(Num(info.load_after)).EndObject();
  w.Key("server").String(o.external() ? "external " + o.ext_host + ":" + std::to_string(o.ext_port)
                                      : "child process (ServerRuntime, 127.0.0.1)");
  w.Key("sizes").BeginObject();
  w.Key("s1_records").Uint(o.s1_records).Key("s3_edits").Uint(o.s3_edits);
  w.Key("s4_devices").Uint(o.s4_devices).Key("s4_records").Uint(o.s4_records);
  w.Key("s4_rates").String(o.s4_rates).Key("s4_step_s").Raw(Num(o.s4_step_s));
  w.Key("s6_devices").Uint(o.s6_devices);
  w.Key("s5_records").Uint(o.s5_records).EndObject();
  w.Key("zstd").Bool(o.zstd);
  // Every figure's median at the top level (the keys CI and the README read).
  for (const auto& name : fig.order()) w.Key(name).Raw(Num(Summarize(fig.Get(name)).median));
  w.Key("figures").BeginObject();
  for (const auto& name : fig.order()) {
    Summary s = Summarize(fig.Get(name));
    w.Key(name).BeginObject();
    w.Key("median").Raw(Num(s.median)).Key("min").Raw(Num(s.min)).Key("max").Raw(Num(s.max));
    w.Key("samples").BeginArray();
    for (double v : fig.Get(name)) w.Raw(Num(v));
    w.EndArray().EndObject();
  }
  w.EndObject();
  w.Key("targets").BeginArray();
  for (const auto& t : Targets()) {
    auto met = t.met(fig);
    w.BeginObject().Key("scenario").String(t.scenario).Key("target").String(t.text).Key("met");
    if (met) {
      w.Bool(*met);
    } else {
      w.Null();
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("notes").BeginArray();
  for (const auto& n : fig.notes()) w.String(n);
  w.EndArray();
  w.EndObject();
  return w.str() + "\n";
}

}  // namespace wardsync::bench
