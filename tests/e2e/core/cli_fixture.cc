#include "tests/e2e/core/cli_fixture.h"

#include <catch2/catch.hpp>

namespace wardsync::test {

namespace {

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

ServerProcess::ServerProcess() : data_(dir_.Sub("srv")) {
  auto r = RunCommand("wardsync-server", {"init", "--data", data_, "--forms", WARDSYNC_SOURCE_DIR "/forms/election"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

ServerProcess::ServerProcess(const std::function<void(const std::string& data)>& init) : data_(dir_.Sub("srv")) {
  init(data_);
}

ServerProcess::~ServerProcess() {
  if (proc_) {
    proc_->Signal(15);
    proc_->Wait(std::chrono::seconds(10));
  }
}

void ServerProcess::Start(std::vector<std::string> extra_args) {
  REQUIRE_FALSE(proc_);
  std::vector<std::string> args{"run", "--data", data_, "--listen", address()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  proc_ = std::make_unique<Process>("wardsync-server", args);
  auto line = proc_->WaitForStderrLine("listening on ", std::chrono::seconds(20));
  INFO("server stderr: " << proc_->err());
  REQUIRE(line.has_value());
  // "... wardsync-server listening on 127.0.0.1:PORT data=DIR", or in JSON
  // (--log-format json) "...listening on 127.0.0.1:PORT","data":"DIR"}
  std::string rest = line->substr(line->find("listening on ") + 13);
  rest = rest.substr(0, rest.find_first_of(" \""));
  port_ = static_cast<uint16_t>(std::stoi(rest.substr(rest.rfind(':') + 1)));
  REQUIRE(port_ != 0);
}

int ServerProcess::Stop(int sig) {
  REQUIRE(proc_);
  REQUIRE(proc_->Signal(sig));
  auto code = proc_->Wait(std::chrono::seconds(10));
  INFO("server stderr: " << proc_->err());
  REQUIRE(code.has_value());
  proc_.reset();
  return *code;
}

CommandResult ServerProcess::Admin(std::vector<std::string> args) {
  args.push_back("--data");
  args.push_back(data_);
  return RunCommand("wardsync-server", args);
}

std::string ServerProcess::Enroll(const std::string& ward, const std::string& role) {
  auto r = Admin({"enroll", "--ward", ward, "--role", role});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::string code = Trim(r.out);
  REQUIRE(code.rfind("WS1-", 0) == 0);
  REQUIRE(code.find('\n') == std::string::npos);  // one line
  return code;
}

JsonValue ServerProcess::Records() {
  auto r = Admin({"records", "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return ParseJson(r.out);
}

ClientProcess::ClientProcess(ServerProcess& server, const std::string& ward, const std::string& role,
                             const std::string& officer)
    : data_(dir_.Sub("client")) {
  const std::string code = server.Enroll(ward, role);
  auto r = RunCommand("wardsync",
                      {"init", "--data", data_, "--server", server.address(), "--code", code, "--officer", officer});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
}

std::vector<std::string> ClientProcess::Args(std::vector<std::string> args) const {
  args.push_back("--data");
  args.push_back(data_);
  return args;
}

CommandResult ClientProcess::Run(std::vector<std::string> args) { return RunCommand("wardsync", Args(std::move(args))); }

void ClientProcess::Sync() {
  auto r = Run({"sync"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
}

JsonValue ClientProcess::Json(std::vector<std::string> args) {
  args.push_back("--json");
  auto r = Run(args);
  INFO(args[0] << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  return ParseJson(r.out);
}

std::vector<std::string> MeetingSets(int invited, int attended, const std::string& candidate) {
  return {"--set", "candidate=" + candidate, "--set", std::string("place=") + kMeetingPlace, "--set", "meeting_date=2026-11-20",
          "--set", "invited=" + std::to_string(invited), "--set", "attended=" + std::to_string(attended)};
}

std::string ClientProcess::NewMeeting(int invited, int attended, const std::string& candidate) {
  std::vector<std::string> args = {"new", "--form", "voter-meeting"};
  for (auto& s : MeetingSets(invited, attended, candidate)) args.push_back(s);
  auto r = Run(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::string id = Trim(r.out);
  REQUIRE(id.size() == 32);
  return id;
}

}  // namespace wardsync::test
