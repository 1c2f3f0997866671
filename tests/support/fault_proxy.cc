#include "tests/support/fault_proxy.h"

#include <array>
#include <future>
#include <random>
#include <stdexcept>

namespace wardsync::test {

using asio::ip::tcp;

// One proxied connection: two pumps (up, down) over two sockets. Every
// handler holds a shared_ptr to the connection; `closed_` stops every pump
// at its next step, so nothing is forwarded after a cut.
class FaultProxy::Conn : public std::enable_shared_from_this<Conn> {
 public:
  Conn(FaultProxy& owner, tcp::socket client, const ProxyFault& fault, uint32_t seed)
      : owner_(owner),
        client_(std::move(client)),
        server_(owner.io_),
        fault_(fault),
        rng_(seed),
        up_(&client_, &server_, true, fault.cut_up, fault.stall_up, owner.io_),
        down_(&server_, &client_, false, fault.cut_down, fault.stall_down, owner.io_) {}

  void Start(uint16_t target) {
    auto self = shared_from_this();
    server_.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), target),
                          [self](const asio::error_code& ec) {
                            if (self->closed_) return;
                            if (ec) {
                              self->Close();
                              return;
                            }
                            asio::error_code ignored;
                            self->client_.set_option(tcp::no_delay(true), ignored);
                            self->server_.set_option(tcp::no_delay(true), ignored);
                            self->ReadMore(self->up_);
                            self->ReadMore(self->down_);
                          });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    up_.timer.cancel();
    down_.timer.cancel();
    asio::error_code ignored;
    client_.shutdown(tcp::socket::shutdown_both, ignored);
    server_.shutdown(tcp::socket::shutdown_both, ignored);
    client_.close(ignored);
    server_.close(ignored);
    --owner_.open_;
    owner_.conns_.erase(shared_from_this());
  }

 private:
  enum class Then { kRead, kCut, kStall };
  struct Pump {
    Pump(tcp::socket* f, tcp::socket* t, bool u, std::optional<uint64_t> cut, std::optional<uint64_t> stall,
         asio::io_context& io)
        : from(f), to(t), up(u), cut_after(cut), stall_after(stall), timer(io) {}
    tcp::socket* from;
    tcp::socket* to;
    bool up;
    std::optional<uint64_t> cut_after, stall_after;
    asio::steady_timer timer;
    std::array<char, 16384> buf{};
    size_t len = 0, off = 0;
    uint64_t forwarded = 0;
    Then then = Then::kRead;
    bool eof = false;
  };

  void ReadMore(Pump& p) {
    auto self = shared_from_this();
    p.from->async_read_some(asio::buffer(p.buf),
                            [self, &p](const asio::error_code& ec, size_t n) { self->OnRead(p, ec, n); });
  }

  void OnRead(Pump& p, const asio::error_code& ec, size_t n) {
    if (closed_) return;
    if (ec) {
      // A clean end of one direction is passed on as a half-close; once a
      // connection is stalled, or on any error, the whole connection ends.
      if (ec == asio::error::eof && !stalled_) {
        p.eof = true;
        asio::error_code ignored;
        p.to->shutdown(tcp::socket::shutdown_send, ignored);
        if (up_.eof && down_.eof) Close();
        return;
      }
      Close();
      return;
    }
    if (stalled_) {  // black hole: swallow and keep watching for the close
      ReadMore(p);
      return;
    }
    p.len = n;
    p.off = 0;
    p.then = Then::kRead;
    uint64_t budget = UINT64_MAX;
    Then at_limit = Then::kRead;
    if (p.cut_after) {
      budget = *p.cut_after > p.forwarded ? *p.cut_after - p.forwarded : 0;
      at_limit = Then::kCut;
    }
    if (p.stall_after) {
      const uint64_t b = *p.stall_after > p.forwarded ? *p.stall_after - p.forwarded : 0;
      if (b < budget) {
        budget = b;
        at_limit = Then::kStall;
      }
    }
    if (n >= budget) {
      p.len = static_cast<size_t>(budget);
      p.then = at_limit;
    }
    Forward(p);
  }

  void Forward(Pump& p) {
    if (closed_) return;
    if (stalled_) {  // the other direction stalled the connection meanwhile
      ReadMore(p);
      return;
    }
    if (p.off == p.len) {
      switch (p.then) {
        case Then::kCut:
          ++owner_.cuts_;
          Close();
          return;
        case Then::kStall:
          ++owner_.stalls_;
          stalled_ = true;
          ReadMore(p);
          return;
        case Then::kRead:
          ReadMore(p);
          return;
      }
    }
    size_t piece = p.len - p.off;
    if (fault_.split > 0) {
      std::uniform_int_distribution<size_t> dist(1, fault_.split);
      piece = std::min(piece, dist(rng_));
    }
    if (fault_.delay.count() > 0) {
      auto self = shared_from_this();
      p.timer.expires_after(fault_.delay);
      p.timer.async_wait([self, &p, piece](const asio::error_code& ec) {
        if (ec || self->closed_) return;
        self->Write(p, piece);
      });
      return;
    }
    Write(p, piece);
  }

  void Write(Pump& p, size_t piece) {
    auto self = shared_from_this();
    asio::async_write(*p.to, asio::buffer(p.buf.data() + p.off, piece),
                      [self, &p](const asio::error_code& ec, size_t n) {
                        if (self->closed_) return;
                        if (ec) {
                          self->Close();
                          return;
                        }
                        p.off += n;
                        p.forwarded += n;
                        (p.up ? self->owner_.bytes_up_ : self->owner_.bytes_down_) += n;
                        ++self->owner_.writes_;
                        self->Forward(p);
                      });
  }

  FaultProxy& owner_;
  tcp::socket client_;
  tcp::socket server_;
  ProxyFault fault_;
  std::mt19937 rng_;
  Pump up_, down_;
  bool closed_ = false;
  bool stalled_ = false;
};

FaultProxy::FaultProxy(uint16_t target_port) : acceptor_(io_), target_(target_port) {
  asio::error_code ec;
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("fault proxy cannot listen: " + ec.message());
  port_ = acceptor_.local_endpoint().port();
  work_.emplace(io_.get_executor());
  Accept();
  thread_ = std::thread([this] { io_.run(); });
}

FaultProxy::~FaultProxy() { Stop(); }

void FaultProxy::SetTarget(uint16_t target_port) {
  std::lock_guard<std::mutex> lock(mu_);
  target_ = target_port;
}

void FaultProxy::SetFault(const ProxyFault& fault) {
  std::lock_guard<std::mutex> lock(mu_);
  fault_ = fault;
}

void FaultProxy::Accept() {
  acceptor_.async_accept([this](const asio::error_code& ec, tcp::socket socket) {
    if (ec) {
      if (ec != asio::error::operation_aborted && acceptor_.is_open()) Accept();
      return;
    }
    ProxyFault fault;
    uint16_t target;
    uint32_t seed;
    {
      std::lock_guard<std::mutex> lock(mu_);
      fault = fault_;
      target = target_;
      seed = fault_.seed + static_cast<uint32_t>(next_seed_++);
    }
    auto conn = std::make_shared<Conn>(*this, std::move(socket), fault, seed);
    conns_.insert(conn);
    ++open_;
    ++connections_;
    conn->Start(target);
    Accept();
  });
}

void FaultProxy::CloseAllOnIoThread() {
  auto all = conns_;  // Close() erases from conns_
  for (auto& c : all) c->Close();
}

void FaultProxy::CutAll() {
  if (stopped_) return;
  std::promise<void> done;
  asio::post(io_, [this, &done] {
    CloseAllOnIoThread();
    done.set_value();
  });
  done.get_future().wait();
}

void FaultProxy::Stop() {
  if (stopped_.exchange(true)) return;
  std::promise<void> done;
  asio::post(io_, [this, &done] {
    asio::error_code ignored;
    acceptor_.close(ignored);
    CloseAllOnIoThread();
    done.set_value();
  });
  done.get_future().wait();
  // Every socket is closed: the handlers still queued finish with errors and
  // start nothing new, so run() returns.
  work_.reset();
  if (thread_.joinable()) thread_.join();
}

ProxyStats FaultProxy::stats() const {
  ProxyStats s;
  s.connections = connections_;
  s.bytes_up = bytes_up_;
  s.bytes_down = bytes_down_;
  s.cuts = cuts_;
  s.stalls = stalls_;
  s.writes = writes_;
  return s;
}

void FaultProxy::ResetStats() {
  connections_ = 0;
  bytes_up_ = 0;
  bytes_down_ = 0;
  cuts_ = 0;
  stalls_ = 0;
  writes_ = 0;
}

}  // namespace wardsync::test
