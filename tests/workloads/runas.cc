// runas: run a command as another user, without a password (the VM has no
// PAM): runas UID GID COMMAND [ARGS...]. Used to check what qosland tells a
// user who is not root.
#include <grp.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: runas UID GID COMMAND [ARGS...]\n");
    return 2;
  }
  const uid_t uid = static_cast<uid_t>(std::atoi(argv[1]));
  const gid_t gid = static_cast<gid_t>(std::atoi(argv[2]));
  if (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
    std::perror("runas");
    return 2;
  }
  execvp(argv[3], argv + 3);
  std::perror("runas: exec");
  return 127;
}
