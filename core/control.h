// The control channel: requests to the running scheduler (runtime QoS tags,
// questions about a task's class) over a UNIX stream socket. The server
// learns who asks from the kernel (SO_PEERCRED), never from the request, so
// the socket can be open to every user and each request is judged by its
// sender's uid.
//
// One request per connection, one line of text; the answer is text up to
// EOF, its first line "ok ..." or "err CODE <one sentence>", CODE one of
// denied, invalid, notask, failed:
//   set CLASS KIND TARGET   tag (KIND: tid, pid, cgroup, comm; TARGET may
//                           hold spaces: it runs to the end of the line)
//   clear KIND TARGET       remove a tag
//   get TID                 -> "ok CLASS SOURCE\n<description>"
//   tags                    -> "ok N tag(s)\n<one line per tag>"
//
//   auto server = ControlServer::Start(path, [&](const ControlRequest& r, const Peer& p) {
//     return std::string("ok done");
//   });
//   auto answer = ControlCall(path, "get 812");   // error: "qosland is not running ..."
#ifndef QOSLAND_CORE_CONTROL_H_
#define QOSLAND_CORE_CONTROL_H_

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/qos_tags.h"
#include "core/status.h"
#include "policy/qos_class.h"

namespace qosland::core {

inline constexpr std::string_view kDefaultControlSocket = "/run/qosland/control.sock";
// $QOSLAND_SOCKET when set (tests, a second instance), else the default.
std::string ControlSocketPath();

struct ControlRequest {
  enum class Op : uint8_t { kSet, kClear, kGet, kTags };
  Op op = Op::kGet;
  TagKind kind = TagKind::kPid;  // set, clear
  std::string target = {};       // set, clear: a number, a cgroup path or a glob
  policy::QosClass qos = policy::QosClass::kDefault;  // set
  int tid = 0;                                        // get
};

// One line, without its newline. Errors are one sentence for the user.
Result<ControlRequest> ParseControlRequest(std::string_view line);
std::string FormatControlRequest(const ControlRequest& r);

// Who is asking, from the kernel.
struct Peer {
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
};

// Answers one request: "ok ..." or "err CODE <sentence>". Runs on the
// server's thread.
using ControlHandler = std::function<std::string(const ControlRequest&, const Peer&)>;

class ControlServer {
 public:
  // Listens on `path` (mode 0666: anyone may ask, the handler decides),
  // creating its directory (0755) if needed and replacing a socket nobody
  // listens on. Error when another process listens there.
  static Result<std::unique_ptr<ControlServer>> Start(const std::string& path, ControlHandler handler);
  ~ControlServer();  // stops, joins and removes the socket
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  uint64_t nr_requests() const { return requests_.load(std::memory_order_relaxed); }

 private:
  struct Client;
  ControlServer(std::string path, int listen_fd, int stop_fd, ControlHandler handler);
  // One thread serves every connection at once (poll), each with its own
  // deadline: a client that connects and stalls delays nobody else.
  void Run();
  // Takes every pending connection; false when out of descriptors.
  bool Accept(std::vector<Client>* clients);
  // Reads what arrived, answers a complete line, writes what fits; false
  // once the connection is done with (answered, or gone).
  bool Step(Client* c);
  // Closes client `i` and removes it (order does not matter).
  static void Drop(std::vector<Client>* clients, size_t i);
  std::string Answer(std::string_view line, const Peer& peer);

  std::string path_;
  int listen_fd_, stop_fd_;
  ControlHandler handler_;
  std::atomic<uint64_t> requests_{0};
  std::thread thread_;
};

// Sends one request line and returns the answer after "ok " (its first line
// and any that follow). An "err" answer is an error with its sentence, and
// its CODE in *code; nobody listening is the error "qosland is not running
// (nothing listens on PATH)" with code "notrunning"; no answer in
// `timeout_ms`, or a garbled one, code "io".
Result<std::string> ControlCall(const std::string& path, std::string_view request, int timeout_ms = 5000,
                                std::string* code = nullptr);

}  // namespace qosland::core

#endif  // QOSLAND_CORE_CONTROL_H_
