#include "common/control/control_channel.h"

#include <asio/experimental/as_tuple.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util/log.h"
#include "common/wire/framing.h"

namespace wardsync::control {

using asio::local::stream_protocol;
constexpr uint32_t kMaxControlFrame = 64u << 20;  // exports can be large

namespace {
// Runs the handler on the worker pool and resumes the awaiting coroutine on
// its own executor. A plain function returning the awaitable (not a
// coroutine): GCC 12 miscompiles lambdas that capture coroutine parameters.
auto RunOn(asio::thread_pool& pool, CommandHandler* handler, std::vector<std::string> args, Peer peer) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(wardsync::admin::LocalCommandResult)>(
      [&pool, handler, peer](auto h, std::vector<std::string> a) {
        auto shared = std::make_shared<decltype(h)>(std::move(h));
        asio::post(pool, [shared, handler, peer, a = std::move(a)] {
          auto r = (*handler)(a, peer);
          auto ex = asio::get_associated_executor(*shared);
          asio::post(ex, [shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
        });
      },
      asio::use_awaitable, std::move(args));
}
}  // namespace

ControlServer::ControlServer(asio::io_context& io, asio::thread_pool& worker, CommandHandler handler)
    : io_(io), worker_(worker), handler_(std::move(handler)), strand_(asio::make_strand(io)), acceptor_(io) {}

Status ControlServer::Listen(const std::string& path) {
  path_ = path;
  ::unlink(path.c_str());
  asio::error_code ec;
  acceptor_.open(stream_protocol(), ec);
  if (!ec) acceptor_.bind(stream_protocol::endpoint(path), ec);
  if (!ec) ::chmod(path.c_str(), 0600);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::Io("cannot listen on control socket " + path + ": " + ec.message());
  asio::co_spawn(strand_, AcceptLoop(), asio::detached);
  return Status::Ok();
}

void ControlServer::Stop() {
  asio::post(strand_, [this] {
    asio::error_code ignored;
    acceptor_.close(ignored);
    ::unlink(path_.c_str());
  });
}

asio::awaitable<void> ControlServer::AcceptLoop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::experimental::as_tuple(asio::use_awaitable));
    if (ec) {
      if (!acceptor_.is_open()) co_return;
      continue;
    }
    asio::co_spawn(io_, Serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> ControlServer::Serve(stream_protocol::socket socket) {
  wire::FrameDecoder decoder(kMaxControlFrame);
  std::string payload;
  char buf[16384];
  while (!decoder.Next(&payload)) {
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), asio::experimental::as_tuple(asio::use_awaitable));
    if (ec || !decoder.Feed(std::string_view(buf, n)).ok()) co_return;
  }
  wardsync::admin::LocalCommand cmd;
  if (!cmd.ParseFromString(payload)) co_return;
  std::vector<std::string> args(cmd.args().begin(), cmd.args().end());
  Peer peer;
  struct ucred cred {};
  socklen_t len = sizeof(cred);
  if (::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
    peer.known = true;
    peer.uid = cred.uid;
    peer.pid = cred.pid;
  }
  // The command may block (disk, waiting for the committer): run it on the worker pool.
  auto result = co_await RunOn(worker_, &handler_, args, peer);
  result.set_complete(true);
  std::string out;
  wire::AppendFrame(result.SerializeAsString(), &out);
  co_await asio::async_write(socket, asio::buffer(out), asio::experimental::as_tuple(asio::use_awaitable));
}

Result<wardsync::admin::LocalCommandResult> CallControl(const std::string& path, const std::vector<std::string>& args) {
  asio::io_context io;
  stream_protocol::socket socket(io);
  asio::error_code ec;
  socket.connect(stream_protocol::endpoint(path), ec);
  if (ec) return Status::Unavailable("no process serves " + path + ": " + ec.message());
  wardsync::admin::LocalCommand cmd;
  for (const auto& a : args) cmd.add_args(a);
  std::string out;
  wire::AppendFrame(cmd.SerializeAsString(), &out);
  asio::write(socket, asio::buffer(out), ec);
  if (ec) return Status::Unavailable("control socket write failed: " + ec.message());
  wire::FrameDecoder decoder(kMaxControlFrame);
  std::string payload;
  char buf[65536];
  while (!decoder.Next(&payload)) {
    size_t n = socket.read_some(asio::buffer(buf), ec);
    if (ec) return Status::Unavailable("the process serving " + path + " closed the connection: " + ec.message());
    WS_RETURN_IF_ERROR(decoder.Feed(std::string_view(buf, n)));
  }
  wardsync::admin::LocalCommandResult result;
  if (!result.ParseFromString(payload)) return Status::Corruption("malformed reply on control socket");
  return result;
}

}  // namespace wardsync::control
