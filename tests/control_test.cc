#include "core/control.h"

#include <gtest/gtest.h>
#include <qosland/qosland.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <vector>

#include "core/class_service.h"

namespace qosland::core {
namespace {

namespace fs = std::filesystem;
using policy::QosClass;

// Checks each request the channel knows, and that bad ones are one sentence.
TEST(ControlProtocolTest, ParsesRequests) {
  auto r = ParseControlRequest("set QOS_BACKGROUND comm my build*");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->op, ControlRequest::Op::kSet);
  EXPECT_EQ(r->qos, QosClass::kBackground);
  EXPECT_EQ(r->kind, TagKind::kComm);
  EXPECT_EQ(r->target, "my build*");  // the rest of the line, spaces and all
  EXPECT_EQ(FormatControlRequest(*r), "set background comm my build*");
  r = ParseControlRequest("clear pid 812");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(FormatControlRequest(*r), "clear pid 812");
  r = ParseControlRequest("get 812");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->tid, 812);
  EXPECT_TRUE(ParseControlRequest("tags").ok());

  const std::pair<const char*, const char*> bad[] = {
      {"set fast pid 1", "unknown QoS class 'fast' (one of user-interactive, user-initiated, default, utility, "
                         "background, or Sched QoS's QOS_* names)"},
      {"set utility user 1", "unknown target kind 'user' (pid, tid, cgroup or comm)"},
      {"set utility pid", "no pid given"},
      {"set utility pid 12x", "'12x' is not a pid"},
      {"clear tid -3", "'-3' is not a tid"},
      {"get", "'' is not a pid"},
      {"get 5 6", "'5' is not a pid"},
      {"reboot now", "unknown request 'reboot now'"},
  };
  for (const auto& [line, want] : bad) {
    auto p = ParseControlRequest(line);
    ASSERT_FALSE(p.ok()) << line;
    EXPECT_EQ(p.status().message(), want) << line;
  }
}

class ControlChannel : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("qosland-ctl-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "run" / "control.sock").string();  // run/ is made by the server
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string path_;
};

// Checks a round trip: the server learns the caller's uid and pid from the
// kernel, answers, and the client tells "ok" from "err CODE sentence".
TEST_F(ControlChannel, RoundTripWithPeerCredentials) {
  std::mutex mu;
  std::vector<Peer> peers;
  auto server = ControlServer::Start(path_, [&](const ControlRequest& r, const Peer& p) {
    std::lock_guard lock(mu);
    peers.push_back(p);
    return r.op == ControlRequest::Op::kGet ? std::string("ok utility rule\nline two")
                                           : std::string("err denied only root may do that.");
  });
  ASSERT_TRUE(server.ok()) << server.status().message();
  EXPECT_EQ(fs::status(path_).permissions() & fs::perms::all, fs::perms(0666));
  auto got = ControlCall(path_, "get 1");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, "utility rule\nline two");
  std::string code;
  auto refused = ControlCall(path_, "set user-interactive pid 1", 5000, &code);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(), "only root may do that.");
  EXPECT_EQ(code, "denied");
  // A malformed request never reaches the handler.
  auto garbled = ControlCall(path_, "set nope pid 1", 5000, &code);
  ASSERT_FALSE(garbled.ok());
  EXPECT_EQ(code, "invalid");
  std::lock_guard lock(mu);
  ASSERT_EQ(peers.size(), 2u);
  EXPECT_EQ(peers[0].uid, getuid());
  EXPECT_EQ(peers[0].pid, getpid());
}

// Checks what a client hears with no server, and that a second server on
// the same socket is refused while a dead one's socket is taken over.
TEST_F(ControlChannel, NotRunningAndSecondServer) {
  std::string code;
  auto none = ControlCall(path_, "tags", 5000, &code);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().message(), "qosland is not running (nothing listens on " + path_ + ")");
  EXPECT_EQ(code, "notrunning");
  auto handler = [](const ControlRequest&, const Peer&) { return std::string("ok"); };
  {
    auto first = ControlServer::Start(path_, handler);
    ASSERT_TRUE(first.ok()) << first.status().message();
    auto second = ControlServer::Start(path_, handler);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().message(), "another qosland already listens on " + path_);
  }
  EXPECT_FALSE(fs::exists(path_));  // removed on the way out
  // A socket file nobody listens on (a qosland killed with -9) is replaced.
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof(a.sun_path), "%s", path_.c_str());
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  close(fd);
  auto again = ControlServer::Start(path_, handler);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE(ControlCall(path_, "tags").ok());
}

// Connects to the control socket at `path` without sending anything.
static int ConnectRaw(const std::string& path) {
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof(a.sun_path), "%s", path.c_str());
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Checks that a client that connects and says nothing is dropped, and the
// next one is answered.
TEST_F(ControlChannel, SilentClientDoesNotBlockOthers) {
  auto server = ControlServer::Start(path_, [](const ControlRequest&, const Peer&) { return std::string("ok"); });
  ASSERT_TRUE(server.ok());
  const int silent = ConnectRaw(path_);
  ASSERT_GE(silent, 0);
  EXPECT_TRUE(ControlCall(path_, "tags").ok());
  close(silent);
}

// Checks that connections are served side by side: a client that has sent
// half its request is still there after another client was answered, and is
// answered itself once it finishes. (Served one at a time, the second
// client waited until the first was dropped for its silence, and the first
// then had nobody to finish its request to.)
TEST_F(ControlChannel, ServesClientsSideBySide) {
  auto server = ControlServer::Start(path_, [](const ControlRequest& r, const Peer&) {
    return std::string(r.op == ControlRequest::Op::kTags ? "ok all tags" : "ok one task");
  });
  ASSERT_TRUE(server.ok());
  const int slow = ConnectRaw(path_);
  ASSERT_GE(slow, 0);
  ASSERT_EQ(send(slow, "ge", 2, MSG_NOSIGNAL), 2);
  auto got = ControlCall(path_, "tags");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, "all tags");
  ASSERT_EQ(send(slow, "t 1\n", 4, MSG_NOSIGNAL), 4);
  std::string answer;
  char buf[256];
  for (ssize_t n; (n = recv(slow, buf, sizeof(buf), 0)) > 0;) answer.append(buf, static_cast<size_t>(n));
  close(slow);
  EXPECT_EQ(answer, "ok one task\n");
}

// Checks that a flood of silent connections, more than the server serves at
// once, does not keep a request from being answered: each used to hold the
// server for its whole timeout, one after the other.
TEST_F(ControlChannel, SilentFloodDoesNotDelayOthers) {
  auto server = ControlServer::Start(path_, [](const ControlRequest&, const Peer&) { return std::string("ok"); });
  ASSERT_TRUE(server.ok());
  std::vector<int> silent;
  for (int i = 0; i < 100; ++i) {
    silent.push_back(ConnectRaw(path_));
    ASSERT_GE(silent.back(), 0);
  }
  auto got = ControlCall(path_, "tags");
  EXPECT_TRUE(got.ok()) << got.status().message();
  for (const int fd : silent) close(fd);
  EXPECT_EQ(server.value()->nr_requests(), 101u);
}

// Checks libqosland end to end against a ClassService over the real /proc:
// the calling thread is tagged, reads its class back, and clears the tag;
// with nothing listening every call returns QOSLAND_ERR_NOT_RUNNING.
TEST_F(ControlChannel, CooperativeLibrary) {
  setenv("QOSLAND_SOCKET", path_.c_str(), 1);
  EXPECT_EQ(qosland_set_thread_qos(QOSLAND_QOS_BACKGROUND), QOSLAND_ERR_NOT_RUNNING);
  EXPECT_EQ(std::string(qosland_last_error()), "qosland is not running (nothing listens on " + path_ + ")");
  EXPECT_EQ(qosland_get_thread_qos(), QOSLAND_ERR_NOT_RUNNING);
  EXPECT_EQ(qosland_set_thread_qos(9), QOSLAND_ERR_INVALID);
  EXPECT_EQ(qosland_set_thread_qos(-1), QOSLAND_ERR_INVALID);

  const std::string state = (dir_ / "tags.json").string();
  ClassService classes(QosRules{}, {}, {.state_file = state});
  auto server = ControlServer::Start(
      path_, [&](const ControlRequest& r, const Peer& p) { return classes.HandleControl(r, p); });
  ASSERT_TRUE(server.ok()) << server.status().message();
  EXPECT_FALSE(classes.active());
  ASSERT_EQ(qosland_set_thread_qos(QOSLAND_QOS_UTILITY), QOSLAND_OK) << qosland_last_error();
  EXPECT_EQ(qosland_get_thread_qos(), QOSLAND_QOS_UTILITY);
  EXPECT_TRUE(classes.active());
  EXPECT_EQ(classes.generation(), 1u);
  // Kept in the state file, for the next qosland.
  auto kept = TagBook::FromJson(classes.TagsJson(), "state");
  ASSERT_TRUE(kept.ok());
  ASSERT_EQ(kept->tags().size(), 1u);
  EXPECT_EQ(kept->tags()[0].id, gettid());
  EXPECT_TRUE(fs::exists(state));
  EXPECT_EQ(qosland_clear_thread_qos(), QOSLAND_OK);
  EXPECT_EQ(qosland_get_thread_qos(), QOSLAND_QOS_DEFAULT);
  EXPECT_EQ(qosland_clear_thread_qos(), QOSLAND_ERR_NO_TASK);
  unsetenv("QOSLAND_SOCKET");
}

}  // namespace
}  // namespace qosland::core
