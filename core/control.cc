#include "core/control.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

namespace qosland::core {
namespace {

constexpr size_t kMaxRequest = 4096;    // one line
constexpr int kPeerTimeoutMs = 1000;    // a client that stalls is dropped after this
constexpr size_t kMaxClients = 64;      // connections served at once

std::string Errno(std::string_view what) { return std::string(what) + ": " + std::strerror(errno); }

// Splits off the first space-separated word of `s`.
std::string_view NextWord(std::string_view* s) {
  while (!s->empty() && s->front() == ' ') s->remove_prefix(1);
  const size_t end = s->find(' ');
  const std::string_view w = s->substr(0, end);
  s->remove_prefix(end == std::string_view::npos ? s->size() : end);
  return w;
}

std::optional<int> ParseId(std::string_view s) {
  int v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

std::string Trimmed(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

Result<sockaddr_un> AddressOf(const std::string& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(a.sun_path)) {
    return Status::Error("control socket path '" + path + "' is empty or too long");
  }
  std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
  return a;
}

// Whole-buffer write to a socket; false on error or timeout.
bool WriteAll(int fd, std::string_view s) {
  while (!s.empty()) {
    const ssize_t n = send(fd, s.data(), s.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    s.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void SetTimeouts(int fd, int ms) {
  timeval tv{.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

}  // namespace

std::string ControlSocketPath() {
  const char* env = std::getenv("QOSLAND_SOCKET");
  return env && *env ? std::string(env) : std::string(kDefaultControlSocket);
}

Result<ControlRequest> ParseControlRequest(std::string_view line) {
  std::string_view rest = line;
  const std::string_view op = NextWord(&rest);
  ControlRequest r;
  auto kind_and_target = [&](ControlRequest* req) -> Status {
    const std::string_view k = NextWord(&rest);
    const auto kind = ParseTagKind(k);
    if (!kind) return Status::Error("unknown target kind '" + std::string(k) + "' (pid, tid, cgroup or comm)");
    req->kind = *kind;
    req->target = Trimmed(rest);
    if (req->target.empty()) return Status::Error("no " + std::string(k) + " given");
    if ((*kind == TagKind::kPid || *kind == TagKind::kTid) && !ParseId(req->target)) {
      return Status::Error("'" + req->target + "' is not a " + std::string(k));
    }
    return {};
  };
  if (op == "set") {
    r.op = ControlRequest::Op::kSet;
    const std::string_view c = NextWord(&rest);
    const auto qos = policy::ParseQosClass(c);
    if (!qos) {
      return Status::Error(policy::UnknownQosClass(c));
    }
    r.qos = *qos;
    if (Status st = kind_and_target(&r); !st.ok()) return st;
  } else if (op == "clear") {
    r.op = ControlRequest::Op::kClear;
    if (Status st = kind_and_target(&r); !st.ok()) return st;
  } else if (op == "get") {
    r.op = ControlRequest::Op::kGet;
    const std::string_view t = NextWord(&rest);
    const auto tid = ParseId(t);
    if (!tid || !Trimmed(rest).empty()) return Status::Error(std::string(1, '\'').append(t).append("' is not a pid"));
    r.tid = *tid;
  } else if (op == "tags" && Trimmed(rest).empty()) {
    r.op = ControlRequest::Op::kTags;
  } else {
    return Status::Error("unknown request '" + Trimmed(line).substr(0, 64) + "'");
  }
  return r;
}

std::string FormatControlRequest(const ControlRequest& r) {
  switch (r.op) {
    case ControlRequest::Op::kSet:
      return "set " + std::string(policy::QosClassName(r.qos)) + " " + std::string(TagKindName(r.kind)) + " " +
             r.target;
    case ControlRequest::Op::kClear: return "clear " + std::string(TagKindName(r.kind)) + " " + r.target;
    case ControlRequest::Op::kGet: return "get " + std::to_string(r.tid);
    case ControlRequest::Op::kTags: return "tags";
  }
  return "";
}

Result<std::unique_ptr<ControlServer>> ControlServer::Start(const std::string& path, ControlHandler handler) {
  auto addr = AddressOf(path);
  if (!addr.ok()) return addr.status();
  if (const auto dir = std::filesystem::path(path).parent_path(); !dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);  // 0755 under the usual umask
    if (ec) return Status::Error("cannot create " + dir.string() + ": " + ec.message());
  }
  // A socket left by a qosland that died is replaced; one that answers is not.
  if (ControlCall(path, "tags", 500).ok()) {
    return Status::Error("another qosland already listens on " + path);
  }
  unlink(path.c_str());
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return Status::Error(Errno("socket"));
  if (bind(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof(sockaddr_un)) != 0 ||
      chmod(path.c_str(), 0666) != 0 || listen(fd, 64) != 0) {
    std::string e = Errno("cannot listen on " + path);
    close(fd);
    return Status::Error(std::move(e));
  }
  const int stop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop < 0) {
    close(fd);
    unlink(path.c_str());
    return Status::Error(Errno("eventfd"));
  }
  return std::unique_ptr<ControlServer>(new ControlServer(path, fd, stop, std::move(handler)));
}

ControlServer::ControlServer(std::string path, int listen_fd, int stop_fd, ControlHandler handler)
    : path_(std::move(path)), listen_fd_(listen_fd), stop_fd_(stop_fd), handler_(std::move(handler)) {
  thread_ = std::thread([this] { Run(); });
  pthread_setname_np(thread_.native_handle(), "qosland-ctl");
}

ControlServer::~ControlServer() {
  const uint64_t one = 1;
  (void)!write(stop_fd_, &one, sizeof(one));
  thread_.join();
  close(listen_fd_);
  close(stop_fd_);
  unlink(path_.c_str());
}

// One connection: its request as it arrives, then its answer as it leaves.
struct ControlServer::Client {
  int fd = -1;
  Peer peer;
  std::string in, out;
  size_t sent = 0;
  std::chrono::steady_clock::time_point deadline;
  bool answered = false;
};

void ControlServer::Drop(std::vector<Client>* clients, size_t i) {
  close((*clients)[i].fd);
  (*clients)[i] = std::move(clients->back());
  clients->pop_back();
}

void ControlServer::Run() {
  using Clock = std::chrono::steady_clock;
  std::vector<Client> clients;
  std::vector<pollfd> fds;
  Clock::time_point listen_again{};
  for (;;) {
    const auto now = Clock::now();
    for (size_t i = clients.size(); i-- > 0;) {
      if (clients[i].deadline <= now) Drop(&clients, i);  // stalled: dropped, nobody waits for it
    }
    // Out of file descriptors, accept fails while the listener stays
    // readable: it is left alone for a moment rather than spun on.
    const bool listening = listen_again <= now;
    auto wake = listening ? Clock::time_point::max() : listen_again;
    for (const Client& c : clients) wake = std::min(wake, c.deadline);
    const int timeout_ms = wake == Clock::time_point::max()
                               ? -1
                               : static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(wake - now).count());
    fds.assign({{.fd = stop_fd_, .events = POLLIN, .revents = 0},
                {.fd = listening ? listen_fd_ : -1, .events = POLLIN, .revents = 0}});
    for (const Client& c : clients) {
      fds.push_back({.fd = c.fd, .events = static_cast<short>(c.answered ? POLLOUT : POLLIN), .revents = 0});
    }
    if (poll(fds.data(), fds.size(), timeout_ms) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents) break;
    // Clients first (their indexes match fds), newcomers after.
    for (size_t i = clients.size(); i-- > 0;) {
      if (fds[i + 2].revents && !Step(&clients[i])) Drop(&clients, i);
    }
    if ((fds[1].revents & POLLIN) && !Accept(&clients)) listen_again = Clock::now() + std::chrono::milliseconds(100);
  }
  for (const Client& c : clients) close(c.fd);
}

bool ControlServer::Accept(std::vector<Client>* clients) {
  for (;;) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return errno != EMFILE && errno != ENFILE && errno != ENOBUFS && errno != ENOMEM;
    ucred cred{};
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
      close(fd);
      continue;
    }
    if (clients->size() >= kMaxClients) {
      // Full: the oldest connection makes room. A client sends its line as
      // it connects and is answered as it is accepted, so a flood of silent
      // connections only ever evicts silent ones.
      auto oldest = std::min_element(clients->begin(), clients->end(),
                                     [](const Client& a, const Client& b) { return a.deadline < b.deadline; });
      Drop(clients, static_cast<size_t>(oldest - clients->begin()));
    }
    requests_.fetch_add(1, std::memory_order_relaxed);
    clients->push_back({.fd = fd,
                        .peer = {.pid = cred.pid, .uid = cred.uid, .gid = cred.gid},
                        .in = {},
                        .out = {},
                        .sent = 0,
                        .deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kPeerTimeoutMs),
                        .answered = false});
    if (!Step(&clients->back())) Drop(clients, clients->size() - 1);  // it usually sent its line with connect
  }
}

bool ControlServer::Step(Client* c) {
  if (!c->answered) {
    char buf[512];
    bool eof = false;
    for (;;) {
      const ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n <= 0) {
        eof = true;  // EOF ends the request too
        break;
      }
      c->in.append(buf, static_cast<size_t>(n));
      if (c->in.find('\n') != std::string::npos || c->in.size() >= kMaxRequest) break;
    }
    const size_t nl = c->in.find('\n');
    if (nl == std::string::npos && !eof && c->in.size() < kMaxRequest) return true;  // more to come
    c->out = Answer(nl == std::string::npos ? c->in : c->in.substr(0, nl), c->peer);
    c->answered = true;
  }
  while (c->sent < c->out.size()) {
    const ssize_t n = send(c->fd, c->out.data() + c->sent, c->out.size() - c->sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;  // the rest when it reads
    if (n <= 0) return false;
    c->sent += static_cast<size_t>(n);
  }
  return false;  // all said: close
}

std::string ControlServer::Answer(std::string_view line, const Peer& peer) {
  if (line.empty() || line.size() >= kMaxRequest) return "err invalid empty or overlong request\n";
  auto req = ParseControlRequest(line);
  std::string answer = req.ok() ? handler_(*req, peer) : "err invalid " + req.status().message();
  if (answer.empty() || answer.back() != '\n') answer += '\n';
  return answer;
}

Result<std::string> ControlCall(const std::string& path, std::string_view request, int timeout_ms,
                                std::string* code) {
  std::string ignored;
  if (!code) code = &ignored;
  *code = "io";
  auto addr = AddressOf(path);
  if (!addr.ok()) return addr.status();
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::Error(Errno("socket"));
  if (connect(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof(sockaddr_un)) != 0) {
    const int e = errno;
    close(fd);
    if (e == ENOENT || e == ECONNREFUSED) {
      *code = "notrunning";
      return Status::Error("qosland is not running (nothing listens on " + path + ")");
    }
    errno = e;
    return Status::Error(Errno("cannot reach qosland at " + path));
  }
  SetTimeouts(fd, timeout_ms);
  std::string line(request);
  line += '\n';
  std::string answer;
  bool ok = WriteAll(fd, line);
  shutdown(fd, SHUT_WR);
  char buf[4096];
  while (ok) {
    const ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ok = false;
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (!ok) return Status::Error("qosland did not answer in time (" + path + ")");
  while (!answer.empty() && answer.back() == '\n') answer.pop_back();
  if (answer.rfind("ok", 0) == 0 && (answer.size() == 2 || answer[2] == ' ' || answer[2] == '\n')) {
    code->clear();
    return answer.size() > 3 ? answer.substr(3) : std::string();
  }
  if (answer.rfind("err ", 0) == 0) {
    std::string_view rest = std::string_view(answer).substr(4);
    const std::string_view c = NextWord(&rest);
    if (!c.empty() && !rest.empty()) {
      *code = std::string(c);
      return Status::Error(Trimmed(rest));
    }
  }
  return Status::Error("qosland answered something unexpected on " + path);
}

}  // namespace qosland::core
