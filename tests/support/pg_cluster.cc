#include "tests/support/pg_cluster.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <thread>
#include <fstream>
#include <pqxx/pqxx>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace wardsync::test {

uint16_t FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof(a);
  uint16_t port = 0;
  if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  if (fd >= 0) close(fd);
  return port;
}

Status PgCluster::RunAsPostgres(const std::string& binary, const std::vector<std::string>& args, std::string* out) {
  std::vector<std::string> argv = {"-u", "postgres", "--", std::string(kBinDir) + "/" + binary};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult r = RunCommand("/usr/sbin/runuser", argv, std::chrono::seconds(60));
  if (out) *out = r.out;
  if (r.exit_code != 0) {
    return Status::Internal(binary + " failed (exit " + std::to_string(r.exit_code) + "): " + r.err + r.out);
  }
  return Status::Ok();
}

namespace {

// A directory for a cluster, owned by the postgres user.
Result<std::string> MakeClusterDir(const std::string& tag) {
  struct passwd* pw = getpwnam("postgres");
  if (!pw) return Status::NotFound("no `postgres` user to run the cluster as");
  std::string dir = "/tmp/wardsync-";
  dir += tag;
  dir += "-XXXXXX";
  if (!mkdtemp(dir.data())) return Status::Io("mkdtemp failed");
  if (chown(dir.c_str(), pw->pw_uid, pw->pw_gid) != 0) return Status::Io("cannot chown " + dir + " to postgres");
  return dir;
}

// Where a cluster listens (appended: the last setting of a name wins).
void AppendListenConf(const std::string& data_dir, uint16_t port, const std::string& dir) {
  std::ofstream conf(data_dir + "/postgresql.conf", std::ios::app);
  conf << "port = " << port << "\n"
       << "listen_addresses = '127.0.0.1'\n"
       << "unix_socket_directories = '" << dir << "'\n";
}

}  // namespace

Result<std::unique_ptr<PgCluster>> PgCluster::StartStandby(PgCluster& primary, const std::string& tag) {
  auto dir = MakeClusterDir(tag);
  if (!dir.ok()) return dir.status();
  std::unique_ptr<PgCluster> c(new PgCluster(*dir, FreeLoopbackPort()));
  WS_RETURN_IF_ERROR(c->RunAsPostgres("pg_basebackup", {"-h", "127.0.0.1", "-p", std::to_string(primary.port()), "-U",
                                                        "postgres", "-D", c->data_dir(), "-R", "-X", "stream", "-c", "fast",
                                                        "--no-sync"}));
  AppendListenConf(c->data_dir(), c->port_, c->dir_);
  WS_RETURN_IF_ERROR(c->Restart());
  return c;
}

Status PgCluster::RequireSynchronousStandby() {
  WS_RETURN_IF_ERROR(Query("postgres", "ALTER SYSTEM SET synchronous_standby_names = '*'").status());
  WS_RETURN_IF_ERROR(Query("postgres", "SELECT pg_reload_conf()").status());
  for (int i = 0; i < 300; ++i) {
    auto n = Query("postgres", "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'");
    if (n.ok() && *n != "0") return Status::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status::Deadline("no standby became synchronous within 30 s");
}

Status PgCluster::Promote() { return RunAsPostgres("pg_ctl", {"promote", "-D", data_dir(), "-w"}); }

Result<std::unique_ptr<PgCluster>> PgCluster::Start(const std::string& tag) {
  if (!std::filesystem::exists(std::string(kBinDir) + "/initdb")) {
    return Status::NotFound(std::string("PostgreSQL 15 is not installed (no ") + kBinDir +
                            "/initdb; Debian package postgresql-15, installed by scripts/lib.sh)");
  }
  if (!std::filesystem::exists("/usr/sbin/runuser")) return Status::NotFound("no /usr/sbin/runuser");
  auto dir = MakeClusterDir(tag);
  if (!dir.ok()) return dir.status();
  std::unique_ptr<PgCluster> c(new PgCluster(*dir, FreeLoopbackPort()));
  WS_RETURN_IF_ERROR(c->RunAsPostgres(
      "initdb", {"-D", c->data_dir(), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"}));
  AppendListenConf(c->data_dir(), c->port_, c->dir_);
  {
    std::ofstream conf(c->data_dir() + "/postgresql.conf", std::ios::app);
    conf << "shared_buffers = 32MB\n"
         << "max_connections = 200\n"
         // The tests' crash is pg_ctl stop -m immediate: the postgres
         // processes die, the kernel keeps what they wrote, so fsync makes
         // no difference to what a test sees, only to how long it waits.
         << "fsync = off\n"
         // A standby (pg_basebackup -R) needs these; cheap to have always.
         << "wal_level = replica\nmax_wal_senders = 4\n";
  }
  WS_RETURN_IF_ERROR(c->Restart());
  return c;
}

PgCluster::~PgCluster() {
  if (running_) (void)Stop();
  if (KeepTempDirs()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string PgCluster::Url(const std::string& db) const {
  return std::string("postgresql://postgres@127.0.0.1:") + std::to_string(port_) + "/" + db;
}

Result<std::string> PgCluster::Query(const std::string& db, const std::string& sql) {
  try {
    pqxx::connection c(Url(db));
    pqxx::nontransaction n(c);
    pqxx::result r = n.exec(sql);
    if (r.empty() || r.columns() == 0 || r[0][0].is_null()) return std::string();
    return std::string(r[0][0].c_str());
  } catch (const std::exception& e) {
    return Status::Io(std::string("SQL on ") + db + " failed: " + e.what() + " (" + sql + ")");
  }
}

Result<std::string> PgCluster::CreateDatabase() {
  std::string name = "t";
  name += std::to_string(++next_db_);
  auto r = Query("postgres", std::string("CREATE DATABASE ") + name);
  if (!r.ok()) return r.status();
  return Url(name);
}

Status PgCluster::TerminateSessions(const std::string& url_or_db) {
  const std::string db = url_or_db.substr(url_or_db.rfind('/') + 1);
  auto r = Query("postgres", std::string("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '") + db + "'");
  return r.status();
}

Status PgCluster::Crash() {
  running_ = false;
  return RunAsPostgres("pg_ctl", {"stop", "-D", data_dir(), "-m", "immediate", "-w"});
}

Status PgCluster::Stop() {
  running_ = false;
  return RunAsPostgres("pg_ctl", {"stop", "-D", data_dir(), "-m", "fast", "-w"});
}

Status PgCluster::Restart() {
  WS_RETURN_IF_ERROR(RunAsPostgres("pg_ctl", {"start", "-D", data_dir(), "-l", dir_ + "/log", "-w", "-t", "60"}));
  running_ = true;
  return Status::Ok();
}

PgCluster* SharedPgCluster(std::string* why_not) {
  // Made on first use, stopped when the test binary exits.
  static std::string reason;
  static std::unique_ptr<PgCluster> cluster = [] {
    auto c = PgCluster::Start("pgtests");
    if (!c.ok()) {
      reason = c.status().message();
      return std::unique_ptr<PgCluster>();
    }
    return std::move(c).value();
  }();
  if (!cluster) *why_not = reason;
  return cluster.get();
}

}  // namespace wardsync::test
