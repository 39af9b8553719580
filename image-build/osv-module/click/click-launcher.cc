// click-launcher.so: runs Click inside OSv with its error output in /click_errors.txt.
// OSv runs every program in one address space, as a shared object; Click writes its errors to stderr,
// and the management API (and the osv-controlsocket agent of click-osv-vnfm) reads them from that file.
#include <osv/run.hh>
#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: click-launcher.so /click [click arguments]\n");
        return 2;
    }
    if (!freopen("/click_errors.txt", "w", stderr)) {
        perror("click-launcher: /click_errors.txt");
    }
    setvbuf(stderr, nullptr, _IONBF, 0);
    std::vector<std::string> args(argv + 1, argv + argc);
    int ret = 0;
    auto app = osv::run(args[0], args, &ret);
    if (!app) {
        fprintf(stderr, "click-launcher: cannot run %s\n", args[0].c_str());
        return 127;
    }
    return ret;
}
